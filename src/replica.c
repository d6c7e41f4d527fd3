/* replica.c: the replica session: setup, PKT_COM_REGISTER_SLAVE, binlog dump, transaction-exact resume. */
#include "src/replica.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "proto/gtid.h"
#include "proto/packet.h"
#include "src/log.h"

/* Session states; replica_set_state() logs every change. */
enum replica_state {
	R_IDLE,
	R_CONNECTING, /* conn logging in */
	R_SETUP,      /* setup queries, one at a time (step) */
	R_REGISTER,   /* PKT_COM_REGISTER_SLAVE sent */
	R_STREAM,     /* binlog events flowing */
	R_RETRY,      /* waiting to reconnect */
	R_DONE,
};

static const char *const rstate_names[] = {
	"IDLE", "CONNECTING", "SETUP", "REGISTER", "STREAM", "RETRY", "DONE",
};

/* Errors from the source that no reconnect can cure. */
#define ER_MASTER_FATAL_ERROR_READING_BINLOG 1236
#define ER_ACCESS_DENIED 1045

struct replica {
	struct event_base *base;
	struct replica_opts o;
	struct replica_cb cb;
	void *arg;
	enum replica_state state;
	struct conn *conn;
	struct event *retry_ev;   /* reconnect timer, also frees a dead conn */
	struct binlog_decoder *dec;
	unsigned step;            /* setup query index */
	bool mariadb;
	uint8_t checksum;
	uint32_t source_server_id;
	char source_uuid[64];     /* first seen; a change is final */
	/* resume point: end of the last complete group */
	char file[256];
	uint64_t pos;
	bool gtid_mode;
	struct gtid_maria_set mset;
	struct gtid_mysql_set yset;
	/* the group being received */
	char cur_file[256];
	/*
	 * Offsets in cur_file: where the next event starts, and where the
	 * event being passed on starts (UINT64_MAX: not in the file).  Tracked
	 * here because MariaDB 11.4+ writes end_log_pos 0 for the events inside
	 * a transaction (binlog_legacy_event_pos=OFF).
	 */
	uint64_t next_pos, ev_start;
	bool in_group, group_has_begin, group_standalone;
	bool have_gtid;
	struct gtid_maria mg;
	uint8_t ysid[16];
	int64_t ygno;
	char ytag[33]; /* "" untagged */
	uint64_t delivered;       /* events passed on since the last commit */
	/* failures */
	time_t first_failure;     /* 0: healthy */
	unsigned backoff;
	unsigned reconnects;
	uint64_t events, bytes;
	bool stopping;
	struct sbuf gtext;        /* GTID set text at the last commit */
};

static void replica_connect(struct replica *r);

static void
replica_set_state(struct replica *r, enum replica_state s)
{
	if (r->state == s)
		return;
	log_debug("replica: %s -> %s", rstate_names[r->state], rstate_names[s]);
	r->state = s;
}

static void
finish(struct replica *r, int status, const char *msg)
{
	if (r->state == R_DONE)
		return;
	replica_set_state(r, R_DONE);
	if (r->in_group && r->delivered > 0 && r->cb.discard != NULL)
		r->cb.discard(r->arg);
	r->in_group = false;
	r->cb.done(r->arg, status, msg);
}

/* Drop the connection (never from inside its own callback: deferred free). */
static void
drop_conn(struct replica *r)
{
	struct timeval zero = { 0, 0 };

	if (r->conn == NULL)
		return;
	/* the retry event frees it once the conn's callbacks have unwound */
	event_del(r->retry_ev);
	event_add(r->retry_ev, &zero);
}

/* A failure: give up (final) or schedule a reconnect with backoff. */
static void
fail_link(struct replica *r, bool final, const char *msg)
{
	time_t now = time(NULL);
	unsigned window = r->o.retry_window ? r->o.retry_window : 43200;
	struct timeval tv;

	char linked[1500];

	if (r->state == R_DONE)
		return;
	if (strncmp(msg, "replica: ", 9) == 0) {
		/* name the link, as the connection's own errors do */
		if (r->o.conn.socket != NULL)
			snprintf(linked, sizeof(linked), "%s %s: %s",
			    r->o.conn.name ? r->o.conn.name : "server", r->o.conn.socket,
			    msg + 9);
		else
			snprintf(linked, sizeof(linked), "%s %s:%u: %s",
			    r->o.conn.name ? r->o.conn.name : "server", r->o.conn.host,
			    (unsigned)r->o.conn.port, msg + 9);
		msg = linked;
	}
	if (r->conn != NULL && conn_state(r->conn) != CONN_CLOSED)
		conn_pause(r->conn);
	if (r->in_group && r->delivered > 0 && r->cb.discard != NULL)
		r->cb.discard(r->arg);
	r->in_group = false;
	r->delivered = 0;
	if (final || r->stopping) {
		drop_conn(r);
		finish(r, r->stopping && !final ? 0 : 1, msg);
		return;
	}
	if (r->first_failure == 0)
		r->first_failure = now;
	if ((unsigned)(now - r->first_failure) >= window) {
		char buf[1800];
		snprintf(buf, sizeof(buf), "%s (still failing after the retry window of %u s)",
		    msg, window);
		drop_conn(r);
		finish(r, 1, buf);
		return;
	}
	r->backoff = r->backoff ? r->backoff * 2 : 1;
	if (r->backoff > 30)
		r->backoff = 30;
	log_warn("%s; reconnecting in %u s from %s:%" PRIu64, msg, r->backoff,
	    r->file[0] ? r->file : "(first binlog)", r->pos);
	replica_set_state(r, R_RETRY);
	event_del(r->retry_ev);
	tv.tv_sec = r->backoff;
	tv.tv_usec = 0;
	event_add(r->retry_ev, &tv);
}

static void
on_conn_error(struct conn *c, void *arg, enum conn_error_kind kind, const char *msg)
{
	struct replica *r = arg;
	unsigned code = conn_error_code(c);
	char buf[1400];

	switch (kind) {
	case CONN_E_AUTH:
	case CONN_E_TLS:
		fail_link(r, true, msg);
		return;
	case CONN_E_SERVER:
		if (code == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
			snprintf(buf, sizeof(buf), "%s: the source no longer has the binlog "
			    "or GTID to resume from (purged, or a different server): "
			    "start again with a fresh snapshot or a position the source "
			    "still has (SHOW BINARY LOGS)", msg);
			fail_link(r, true, buf);
			return;
		}
		fail_link(r, code == ER_ACCESS_DENIED, msg);
		return;
	default:
		fail_link(r, false, msg);
		return;
	}
}

/* ------------------------------------------------------------- groups */

/* Whether the words of s (n bytes) after a leading ROLLBACK are [WORK] TO: a savepoint's. */
static bool
rollback_to(const char *s, size_t n)
{
	size_t i = 8;

	for (int w = 0; w < 2; w++) {
		size_t j;
		while (i < n && strchr(" \t\r\n", s[i]) != NULL)
			i++;
		for (j = i; j < n && strchr(" \t\r\n`", s[j]) == NULL; j++)
			;
		if (j - i == 2 && strncasecmp(s + i, "TO", 2) == 0)
			return true;
		if (w > 0 || j - i != 4 || strncasecmp(s + i, "WORK", 4) != 0)
			return false;
		i = j;
	}
	return false;
}

/* Whether a QUERY starts (1), ends (2) a group, or neither (0). */
static int
query_kind(const struct binlog_query *q)
{
	const char *s = q->query.p;
	size_t n = q->query.len;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
		s++;
		n--;
	}
	if ((n == 5 && strncasecmp(s, "BEGIN", 5) == 0) ||
	    (n >= 8 && strncasecmp(s, "XA START", 8) == 0) ||
	    (n >= 8 && strncasecmp(s, "XA BEGIN", 8) == 0))
		return 1;
	if ((n == 6 && strncasecmp(s, "COMMIT", 6) == 0) ||
	    (n >= 8 && strncasecmp(s, "ROLLBACK", 8) == 0 && !rollback_to(s, n)) ||
	    (n >= 10 && strncasecmp(s, "XA PREPARE", 10) == 0) ||
	    (n >= 9 && strncasecmp(s, "XA COMMIT", 9) == 0) ||
	    (n >= 11 && strncasecmp(s, "XA ROLLBACK", 11) == 0))
		return 2;
	return 0;
}

/* The group is complete at the end of ev: move the resume point. */
static void
group_end(struct replica *r)
{
	r->in_group = false;
	r->group_has_begin = false;
	r->delivered = 0;
	if (r->have_gtid) {
		bool ok = r->mariadb ? gtid_maria_add(&r->mset, &r->mg) :
		    gtid_mysql_add(&r->yset, r->ysid, r->ytag, r->ygno);
		if (!ok)
			log_error("replica: out of memory adding a GTID");
		r->have_gtid = false;
	}
	snprintf(r->file, sizeof(r->file), "%s", r->cur_file);
	r->pos = r->next_pos;
	sbuf_reset(&r->gtext);
	if (r->mariadb)
		gtid_maria_print(&r->mset, &r->gtext);
	else
		gtid_mysql_print(&r->yset, &r->gtext);
	sbuf_addc(&r->gtext, '\0');
	if (r->cb.commit != NULL)
		r->cb.commit(r->arg, r->file, r->pos, r->gtext.p ? r->gtext.p : "");
}

/* Track group boundaries for ev (before it is passed on). */
static void
group_track(struct replica *r, const struct binlog_event *ev, bool *ends)
{
	*ends = false;
	switch (ev->h.type) {
	case BINLOG_MARIA_GTID_EVENT:
		r->in_group = true;
		/*
		 * A GTID that is not standalone stands for the group's BEGIN (MariaDB
		 * logs none): the group runs to its COMMIT or XID, past statements
		 * inside it such as SAVEPOINT; an XA transaction's stands for its XA
		 * START, the group running to the XA_PREPARE event, past XA END.
		 */
		r->group_has_begin = (ev->mgtid.flags & BINLOG_MARIA_FL_PREPARED_XA) != 0 ||
		    (ev->mgtid.flags & BINLOG_MARIA_FL_STANDALONE) == 0;
		r->group_standalone = (ev->mgtid.flags & BINLOG_MARIA_FL_STANDALONE) != 0;
		r->have_gtid = true;
		r->mg.domain_id = ev->mgtid.domain_id;
		r->mg.server_id = ev->mgtid.server_id;
		r->mg.seq_no = ev->mgtid.seq_no;
		break;
	case BINLOG_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT:
		r->in_group = true;
		r->group_has_begin = false;
		r->have_gtid = true;
		memcpy(r->ysid, ev->gtid.sid, 16);
		r->ygno = ev->gtid.gno;
		/* the decoder checked the tag: at most 32 characters */
		if (ev->gtid.tag.len > 0)
			memcpy(r->ytag, ev->gtid.tag.p, ev->gtid.tag.len);
		r->ytag[ev->gtid.tag.len] = '\0';
		break;
	case BINLOG_ANONYMOUS_GTID_EVENT:
		r->in_group = true;
		r->group_has_begin = false;
		r->have_gtid = false;
		break;
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		switch (query_kind(&ev->query)) {
		case 1:
			r->in_group = true;
			r->group_has_begin = true;
			break;
		case 2:
			*ends = true;
			break;
		default:
			/* DDL or a statement outside BEGIN: a group of its own */
			if (!r->group_has_begin)
				*ends = true;
			break;
		}
		break;
	case BINLOG_XID_EVENT:
	case BINLOG_XA_PREPARE_EVENT:
		*ends = true;
		break;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		*ends = true; /* the whole transaction is inside */
		break;
	case BINLOG_ROTATE_EVENT:
	case BINLOG_FORMAT_DESCRIPTION_EVENT:
	case BINLOG_MARIA_GTID_LIST_EVENT:
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
	case BINLOG_PREVIOUS_GTIDS_EVENT:
	case BINLOG_STOP_EVENT:
		if (!r->in_group)
			*ends = true;
		break;
	default:
		break;
	}
}

/* One event from the stream. */
static void
on_stream(struct conn *c, void *arg, const uint8_t *p, size_t n)
{
	struct replica *r = arg;
	struct binlog_event ev;
	struct proto_err err = { 0 };
	uint64_t start;
	bool ends;
	char msg[700], old_file[256] = "";

	(void)c;
	if (r->state != R_STREAM)
		return; /* failed or stopping: what is still buffered is not used */
	if (p == NULL && r->o.stop_never) {
		/* a blocking dump never ends: the source is shutting down */
		fail_link(r, false, "replica: the source ended the binlog dump "
		    "(shutting down?)");
		return;
	}
	if (p == NULL) {
		/* end of a non-blocking dump */
		log_info("replica: reached the end of the source's binlog at %s:%" PRIu64,
		    r->file, r->pos);
		drop_conn(r);
		finish(r, 0, NULL);
		return;
	}
	if (n < BINLOG_HEADER_LEN) {
		fail_link(r, false, "replica: event shorter than its header in the stream");
		return;
	}
	/*
	 * Where the event is in its file. Artificial events (the fake rotate
	 * naming where the dump starts, MariaDB's fake GTID list) and the
	 * format description re-sent when a dump starts past it (end_log_pos 0)
	 * are not in the file. A real end_log_pos is trusted; 0 on any other
	 * event (MariaDB 11.4+ inside a transaction) means "right after the
	 * previous one".
	 */
	{
		uint32_t size = le32(p + 9), end = le32(p + 13);
		uint16_t fl = (uint16_t)(p[17] | p[18] << 8);
		uint8_t type = p[4];

		if ((fl & BINLOG_F_ARTIFICIAL) || (end == 0 && (type == BINLOG_ROTATE_EVENT ||
		    type == BINLOG_FORMAT_DESCRIPTION_EVENT))) {
			start = 0;
			r->ev_start = UINT64_MAX;
		} else {
			start = end != 0 ? (end >= size ? end - size : 0) : r->next_pos;
			r->ev_start = start;
			r->next_pos = start + size;
		}
	}
	if (!binlog_decode(r->dec, p, n, start, &ev, &err)) {
		snprintf(msg, sizeof(msg), "replica: cannot decode event at %s:%" PRIu64
		    ": %s", r->cur_file, start, err.msg);
		/* a damaged or unknown event is never skipped: stop */
		fail_link(r, true, msg);
		return;
	}
	r->events++;
	r->bytes += n;
	r->first_failure = 0;
	r->backoff = 0;
	if (ev.h.type == BINLOG_HEARTBEAT_EVENT || ev.h.type == BINLOG_HEARTBEAT_EVENT_V2)
		return;
	if (ev.h.type == BINLOG_ROTATE_EVENT) {
		/* a real rotate is the last event of the old file */
		if (r->ev_start != UINT64_MAX)
			snprintf(old_file, sizeof(old_file), "%s", r->cur_file);
		snprintf(r->cur_file, sizeof(r->cur_file), "%.*s",
		    (int)ev.rotate.file.len, ev.rotate.file.p);
		if (r->ev_start == UINT64_MAX) {
			/* the fake rotate naming where the dump starts */
			r->next_pos = ev.rotate.position;
			if (!r->in_group) {
				snprintf(r->file, sizeof(r->file), "%s", r->cur_file);
				r->pos = ev.rotate.position;
			}
		}
	}
	group_track(r, &ev, &ends);
	if (r->in_group || ends)
		r->delivered++;
	if (r->cb.event(r->arg, r->dec, &ev, p, n, old_file[0] ? old_file :
	    r->cur_file) != 0) {
		r->stopping = true;
		drop_conn(r);
		finish(r, 0, NULL);
		return;
	}
	if (ends) {
		if (ev.h.type == BINLOG_ROTATE_EVENT && r->ev_start != UINT64_MAX) {
			/* a real rotate: resume at the start of the next file */
			r->next_pos = ev.rotate.position;
			r->in_group = false;
			r->delivered = 0;
			snprintf(r->file, sizeof(r->file), "%s", r->cur_file);
			r->pos = ev.rotate.position;
			if (r->cb.commit != NULL)
				r->cb.commit(r->arg, r->file, r->pos,
				    r->gtext.p ? r->gtext.p : "");
		} else if (r->ev_start != UINT64_MAX)
			group_end(r);
	}
	if (r->stopping && !r->in_group) {
		drop_conn(r);
		finish(r, 0, NULL);
	}
}

/* ------------------------------------------------------------- setup */

static void on_setup_result(struct conn *c, void *arg, const struct conn_result *res);

/* The next setup query for this step, or NULL when setup is done. */
static const char *
setup_sql(struct replica *r, char *buf, size_t len)
{
	struct sbuf g = { 0 };

	switch (r->step) {
	case 0:
		return "SELECT @@version, @@server_id, @@global.binlog_checksum";
	case 1:
		return r->mariadb ? "SELECT 'mariadb'" : "SELECT @@server_uuid";
	case 2:
		return "SET @master_binlog_checksum = @@global.binlog_checksum, "
		       "@source_binlog_checksum = @@global.binlog_checksum";
	case 3:
		snprintf(buf, len, "SET @master_heartbeat_period = %llu",
		    (unsigned long long)(r->o.heartbeat ? r->o.heartbeat : 15) * 1000000000ULL);
		return buf;
	case 4:
		return r->mariadb ? "SET @mariadb_slave_capability = 4" : "SELECT 1";
	case 5:
		if (!r->mariadb || !r->gtid_mode)
			return "SELECT 1";
		/*
		 * One GTID per domain, the highest: after a failover a domain
		 * holds GTIDs of two servers, and the server wants one.
		 */
		for (uint32_t i = 0; i < r->mset.n; i++) {
			const struct gtid_maria *x = &r->mset.g[i];
			bool best = true;
			for (uint32_t j = 0; j < r->mset.n; j++)
				if (j != i && r->mset.g[j].domain_id == x->domain_id &&
				    (r->mset.g[j].seq_no > x->seq_no ||
				    (r->mset.g[j].seq_no == x->seq_no && j < i)))
					best = false;
			if (best)
				sbuf_printf(&g, "%s%u-%u-%llu", g.len ? "," : "", x->domain_id,
				    x->server_id, (unsigned long long)x->seq_no);
		}
		snprintf(buf, len, "SET @slave_connect_state = '%.*s', "
		    "@slave_gtid_strict_mode = 0, @slave_gtid_ignore_duplicates = 0",
		    (int)g.len, g.p ? g.p : "");
		sbuf_free(&g);
		return buf;
	case 6:
		if (r->gtid_mode || r->file[0] == '\0' || (r->mariadb ? r->mset.n : r->yset.n) == 0)
			return "SELECT 1";
		if (!r->mariadb) {
			/* MySQL: the GTIDs received must be among those it executed */
			struct sbuf set = { 0 };
			gtid_mysql_print(&r->yset, &set);
			sbuf_addc(&set, '\0');
			sbuf_adds(&g, "SELECT GTID_SUBSET(");
			sbuf_sql_string(&g, set.p ? set.p : "");
			sbuf_adds(&g, ", @@GLOBAL.gtid_executed), @@GLOBAL.gtid_executed");
			sbuf_free(&set);
			if (g.oom || g.len >= len) {
				log_warn("replica: the GTID set received is too long to check the "
				    "resume position against the source's gtid_executed");
				sbuf_free(&g);
				return "SELECT 1";
			}
			snprintf(buf, len, "%.*s", (int)g.len, g.p);
			sbuf_free(&g);
			return buf;
		}
		sbuf_adds(&g, "SELECT BINLOG_GTID_POS(");
		sbuf_sql_string(&g, r->file);
		sbuf_printf(&g, ", %" PRIu64 ")", r->pos);
		snprintf(buf, len, "%.*s", (int)g.len, g.p ? g.p : "");
		sbuf_free(&g);
		return buf;
	default:
		return NULL;
	}
}

/*
 * The answer to BINLOG_GTID_POS(file, pos): every domain the GTIDs received
 * so far know must be there, at one of the GTIDs received. NULL means that
 * the source has no event boundary there (or no such file). False with msg
 * set if not.
 */
/* Whether s holds exactly g (domain, server and sequence number). */
static bool
maria_holds(const struct gtid_maria_set *s, const struct gtid_maria *g)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->g[i].domain_id == g->domain_id && s->g[i].server_id == g->server_id &&
		    s->g[i].seq_no == g->seq_no)
			return true;
	return false;
}

static bool
check_gtid_pos(struct replica *r, const char *have, char *msg, size_t msglen)
{
	struct gtid_maria_set src;
	struct proto_err err = { 0 };
	struct sbuf ours = { 0 };
	bool ok = true;

	if (have == NULL) {
		snprintf(msg, msglen, "replica: the source's binlog has no event boundary "
		    "at %s:%" PRIu64 " (BINLOG_GTID_POS is NULL), where the transactions "
		    "received so far end: this is not the binlog they came from (purged, "
		    "reset, or another server); to follow another server by GTID, set "
		    "[replication] resume = gtid (myshift-binlog: --start-gtid)",
		    r->file, r->pos);
		return false;
	}
	gtid_maria_init(&src);
	if (!gtid_maria_parse(&src, have, &err)) {
		gtid_maria_free(&src);
		log_warn("replica: cannot check the resume position: the source's "
		    "BINLOG_GTID_POS is '%s': %s", have, err.msg);
		return true;
	}
	/* every domain received is there, at a GTID received */
	for (uint32_t i = 0; i < r->mset.n && ok; i++) {
		bool known = false;
		for (uint32_t j = 0; j < src.n && !known; j++)
			known = src.g[j].domain_id == r->mset.g[i].domain_id &&
			    maria_holds(&r->mset, &src.g[j]);
		ok = known;
	}
	if (!ok) {
		gtid_maria_print(&r->mset, &ours);
		snprintf(msg, msglen, "replica: the source's binlog at %s:%" PRIu64 " has "
		    "GTID position '%s', but the transactions received up to that "
		    "position end at '%.*s': this is not the binlog they came from (a "
		    "binlog reset, or another server with the same binlog names), so "
		    "the position means nothing here; to follow another server by GTID, "
		    "set [replication] resume = gtid (myshift-binlog: --start-gtid)",
		    r->file, r->pos, have, (int)ours.len, ours.p ? ours.p : "");
		sbuf_free(&ours);
	}
	gtid_maria_free(&src);
	return ok;
}

/*
 * MySQL, resuming at a file position: the answer to GTID_SUBSET(received,
 * @@GLOBAL.gtid_executed). A source that has not executed every GTID
 * received so far wrote its binlog anew (RESET BINARY LOGS AND GTIDS) or is
 * another server: the position means nothing there. False with msg set.
 */
static bool
check_gtid_executed(struct replica *r, const char *subset, const char *executed,
    char *msg, size_t msglen)
{
	struct sbuf ours = { 0 };

	if (subset == NULL || strcmp(subset, "0") != 0)
		return true;
	gtid_mysql_print(&r->yset, &ours);
	snprintf(msg, msglen, "replica: the source has not executed the transactions "
	    "received up to %s:%" PRIu64 " ('%.*s' is not within its gtid_executed "
	    "'%s'): this is not the binlog they came from (a binlog reset, or another "
	    "server with the same binlog names), so the position means nothing here; "
	    "start again from a snapshot, or with [replication] start = a GTID set",
	    r->file, r->pos, (int)ours.len, ours.p ? ours.p : "",
	    executed ? executed : "");
	sbuf_free(&ours);
	return false;
}

static void
on_dump_registered(struct conn *c, void *arg, const struct conn_result *res)
{
	struct replica *r = arg;
	struct sbuf out = { 0 };
	char msg[800];
	uint16_t flags;
	int rc;

	if (res->err != NULL) {
		if (res->err->code == 1045 || res->err->code == 1227)
			snprintf(msg, sizeof(msg), "replica: COM_REGISTER_SLAVE refused: %s "
			    "(error %u): user '%s' needs the REPLICATION SLAVE privilege "
			    "(GRANT REPLICATION SLAVE ON *.* TO ...)", res->err->message,
			    res->err->code, r->o.conn.user ? r->o.conn.user : "");
		else
			snprintf(msg, sizeof(msg), "replica: COM_REGISTER_SLAVE refused: %s "
			    "(error %u)", res->err->message, res->err->code);
		fail_link(r, res->err->code == 1045 || res->err->code == 1227, msg);
		return;
	}
	flags = r->o.stop_never ? 0 : PKT_DUMP_NON_BLOCK;
	if (r->mariadb) {
		flags |= PKT_DUMP_SEND_ANNOTATE_ROWS;
		pkt_com_binlog_dump(&out, (uint32_t)(r->gtid_mode ? 4 : r->pos), flags,
		    r->o.server_id, r->gtid_mode ? "" : r->file);
	} else if (r->gtid_mode) {
		struct sbuf sid = { 0 };
		if (!gtid_mysql_encode(&r->yset, &sid)) {
			fail_link(r, true, "replica: cannot encode the GTID set");
			return;
		}
		pkt_com_binlog_dump_gtid(&out, flags | PKT_DUMP_THROUGH_GTID, r->o.server_id,
		    "", 4, (const uint8_t *)sid.p, sid.len);
		sbuf_free(&sid);
	} else
		pkt_com_binlog_dump(&out, (uint32_t)r->pos, flags, r->o.server_id, r->file);
	if (r->pos > UINT32_MAX && !r->gtid_mode) {
		sbuf_free(&out);
		fail_link(r, true, "replica: binlog position above 4 GB needs GTID mode");
		return;
	}
	binlog_decoder_forget_tables(r->dec);
	binlog_decoder_set_checksum(r->dec, r->checksum);
	snprintf(r->cur_file, sizeof(r->cur_file), "%s", r->file);
	replica_set_state(r, R_STREAM);
	rc = conn_stream(c, (const uint8_t *)out.p, out.len, on_stream);
	sbuf_free(&out);
	if (rc != 0)
		fail_link(r, false, "replica: cannot start the binlog dump");
	else if (r->gtid_mode)
		log_info("replica: streaming from GTID position");
	else
		log_info("replica: streaming from %s:%" PRIu64, r->file[0] ? r->file :
		    "(first binlog)", r->pos);
}

static void
next_setup(struct replica *r)
{
	char buf[8192];
	const char *sql = setup_sql(r, buf, sizeof(buf));
	struct sbuf out = { 0 };
	const struct conn_opts *co = &r->o.conn;

	if (sql != NULL) {
		if (conn_query(r->conn, sql, on_setup_result) != 0)
			fail_link(r, false, "replica: connection not ready for setup");
		return;
	}
	replica_set_state(r, R_REGISTER);
	pkt_com_register_slave(&out, r->o.server_id, "myshift", co->user ? co->user : "",
	    "", 0);
	if (conn_command(r->conn, (const uint8_t *)out.p, out.len, on_dump_registered) != 0)
		fail_link(r, false, "replica: cannot register");
	sbuf_free(&out);
}

static void
on_setup_result(struct conn *c, void *arg, const struct conn_result *res)
{
	struct replica *r = arg;
	char msg[900];

	(void)c;
	if (res->err != NULL && r->step == 6) {
		log_warn("replica: cannot check the resume position with %s: %s (error %u)",
		    r->mariadb ? "BINLOG_GTID_POS" : "GTID_SUBSET", res->err->message,
		    res->err->code);
		r->step++;
		next_setup(r);
		return;
	}
	if (res->err != NULL) {
		snprintf(msg, sizeof(msg), "replica: setup step %u refused by the source: "
		    "%s (error %u)", r->step, res->err->message, res->err->code);
		fail_link(r, true, msg);
		return;
	}
	if (r->step == 0) {
		const char *ver, *sid, *cks;
		if (res->rows == NULL || res->rows->nrows != 1 || res->rows->ncols != 3) {
			fail_link(r, true, "replica: unexpected answer to the version query");
			return;
		}
		ver = res->rows->vals[0];
		sid = res->rows->vals[1];
		cks = res->rows->vals[2];
		r->mariadb = (ver && strstr(ver, "MariaDB") != NULL) ||
		    conn_handshake(c)->mariadb;
		r->source_server_id = sid ? (uint32_t)strtoul(sid, NULL, 10) : 0;
		if (r->source_server_id == r->o.server_id) {
			snprintf(msg, sizeof(msg), "replica: server_id %u is the source's own "
			    "server_id: choose another one", r->o.server_id);
			fail_link(r, true, msg);
			return;
		}
		r->checksum = cks && strcasecmp(cks, "CRC32") == 0 ? BINLOG_CHECKSUM_CRC32 :
		    BINLOG_CHECKSUM_OFF;
		/* the checkpoint's set carries on (MariaDB: positions per domain) */
		if (r->reconnects == 0 && (r->gtid_mode ? r->o.start_gtid :
		    r->o.known_gtid) != NULL) {
			const char *g = r->gtid_mode ? r->o.start_gtid : r->o.known_gtid;
			struct proto_err err = { 0 };
			bool ok = r->mariadb ? gtid_maria_parse(&r->mset, g, &err) :
			    gtid_mysql_parse(&r->yset, g, &err);
			if (!ok) {
				snprintf(msg, sizeof(msg), "replica: bad %s GTID '%s': %s",
				    r->gtid_mode ? "start" : "checkpoint", g, err.msg);
				fail_link(r, true, msg);
				return;
			}
		}
	} else if (r->step == 6 && !r->mariadb && !r->gtid_mode && r->yset.n > 0) {
		if (res->rows != NULL && res->rows->nrows == 1 && res->rows->ncols == 2 &&
		    !check_gtid_executed(r, res->rows->vals[0], res->rows->vals[1], msg,
		    sizeof(msg))) {
			fail_link(r, true, msg);
			return;
		}
	} else if (r->step == 6 && r->mariadb && !r->gtid_mode && r->mset.n > 0) {
		if (res->rows != NULL && res->rows->nrows == 1 && res->rows->ncols == 1 &&
		    !check_gtid_pos(r, res->rows->vals[0], msg, sizeof(msg))) {
			fail_link(r, true, msg);
			return;
		}
	} else if (r->step == 1 && !r->mariadb) {
		const char *u = res->rows && res->rows->nrows ? res->rows->vals[0] : NULL;
		if (u != NULL) {
			/* GTIDs carry over to another server, positions do not */
			if (r->source_uuid[0] && !r->gtid_mode &&
			    strcmp(r->source_uuid, u) != 0) {
				snprintf(msg, sizeof(msg), "replica: the source's server_uuid "
				    "changed from %s to %s: this is a different server, "
				    "positions do not carry over; start again from a snapshot",
				    r->source_uuid, u);
				fail_link(r, true, msg);
				return;
			}
			snprintf(r->source_uuid, sizeof(r->source_uuid), "%s", u);
		}
	}
	r->step++;
	next_setup(r);
}

static void
on_conn_ready(struct conn *c, void *arg)
{
	struct replica *r = arg;

	(void)c;
	replica_set_state(r, R_SETUP);
	r->step = 0;
	next_setup(r);
}

/* Retry timer: free a dead connection, then connect again if waiting. */
static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct replica *r = arg;

	(void)fd;
	(void)what;
	if (r->conn != NULL && (conn_state(r->conn) == CONN_CLOSED ||
	    r->state == R_DONE || r->state == R_RETRY)) {
		conn_free(r->conn);
		r->conn = NULL;
	}
	if (r->state == R_RETRY && r->conn == NULL) {
		r->reconnects++;
		replica_connect(r);
	}
}

static void
replica_connect(struct replica *r)
{
	r->conn = conn_new(r->base, &r->o.conn, on_conn_ready, on_conn_error, r);
	if (r->conn == NULL) {
		finish(r, 1, "replica: out of memory");
		return;
	}
	replica_set_state(r, R_CONNECTING);
	if (conn_start(r->conn) != 0)
		return; /* the error callback ran */
}

struct replica *
replica_new(struct event_base *base, const struct replica_opts *o,
    const struct replica_cb *cb, void *arg)
{
	struct replica *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->base = base;
	r->o = *o;
	r->cb = *cb;
	r->arg = arg;
	r->dec = binlog_decoder_new();
	r->retry_ev = event_new(base, -1, 0, on_retry, r);
	if (r->dec == NULL || r->retry_ev == NULL) {
		replica_free(r);
		return NULL;
	}
	if (r->o.conn.read_timeout == 0)
		r->o.conn.read_timeout = 2 * (o->heartbeat ? o->heartbeat : 15) + 5;
	gtid_maria_init(&r->mset);
	gtid_mysql_init(&r->yset);
	r->gtid_mode = o->start_gtid != NULL;
	if (o->source_uuid != NULL)
		snprintf(r->source_uuid, sizeof(r->source_uuid), "%s", o->source_uuid);
	if (o->start_file != NULL)
		snprintf(r->file, sizeof(r->file), "%s", o->start_file);
	r->pos = o->start_pos ? o->start_pos : 4;
	return r;
}

int
replica_start(struct replica *r)
{
	if (r->o.server_id == 0) {
		finish(r, 1, "replica: server_id 0 cannot register as a replica");
		return -1;
	}
	replica_connect(r);
	return 0;
}

void
replica_stop(struct replica *r)
{
	r->stopping = true;
	if (r->state == R_RETRY || r->state == R_IDLE) {
		event_del(r->retry_ev);
		finish(r, 0, NULL);
	} else if (r->state != R_STREAM || !r->in_group) {
		drop_conn(r);
		finish(r, 0, NULL);
	}
}

void
replica_free(struct replica *r)
{
	if (r == NULL)
		return;
	if (r->conn != NULL)
		conn_free(r->conn);
	if (r->retry_ev != NULL)
		event_free(r->retry_ev);
	binlog_decoder_free(r->dec);
	sbuf_free(&r->gtext);
	gtid_maria_free(&r->mset);
	gtid_mysql_free(&r->yset);
	free(r);
}

void
replica_pause(struct replica *r)
{
	if (r->conn != NULL && conn_state(r->conn) == CONN_STREAM)
		conn_pause(r->conn);
}

void
replica_resume(struct replica *r)
{
	if (r->conn != NULL && conn_state(r->conn) == CONN_STREAM)
		conn_resume(r->conn);
}

uint64_t
replica_event_in_file(const struct replica *r)
{
	return r->ev_start;
}

uint8_t
replica_checksum(const struct replica *r)
{
	return r->checksum;
}

uint64_t
replica_events(const struct replica *r)
{
	return r->events;
}

uint64_t
replica_bytes(const struct replica *r)
{
	return r->bytes;
}

unsigned
replica_reconnects(const struct replica *r)
{
	return r->reconnects;
}
