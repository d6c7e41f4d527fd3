/* migrate_xa.c: the XA floor, where the stream starts so that no XA transaction prepared before the copy is lost. */
#include "src/migrate_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/gtid.h"
#include "proto/sbuf.h"
#include "src/log.h"
#include "src/xid.h"

/* Add xid to a set of canonical xids, "\nxid\nxid\n" (xid.h), kept NUL-terminated. */
static void
xids_add(struct sbuf *s, const char *xid)
{
	if (s->len == 0) {
		sbuf_addc(s, '\n');
		sbuf_addc(s, '\0');
		s->len--;
	}
	if (s->oom || xid_listed(s->p, xid))
		return;
	sbuf_adds(s, xid);
	sbuf_addc(s, '\n');
	sbuf_addc(s, '\0');
	s->len--; /* NUL-terminated, appended to in place */
}

/* XA RECOVER's transactions as canonical xids into *out (false: not allowed,
 * or a failed connection: m says which). */
static bool
xa_recover(struct mig *m, struct sbuf *out, unsigned *n)
{
	MYSQL_RES *res = dest_result(&m->src, "XA RECOVER");
	MYSQL_ROW r;

	*n = 0;
	sbuf_reset(out);
	sbuf_addc(out, '\n');
	sbuf_addc(out, '\0');
	out->len--;
	if (res == NULL)
		return false;
	while ((r = mysql_fetch_row(res)) != NULL) {
		unsigned long *len = mysql_fetch_lengths(res);
		unsigned long g = r[1] ? strtoul(r[1], NULL, 10) : 0, b = r[2] ? strtoul(r[2], NULL, 10) : 0;
		char xid[300];
		if (r[3] == NULL || g > 64 || b > 64 || g + b > len[3])
			continue;
		xid_text((const uint8_t *)r[3], g, (const uint8_t *)r[3] + g, b,
		    r[0] ? strtol(r[0], NULL, 10) : 0, xid, sizeof(xid));
		xids_add(out, xid);
		(*n)++;
	}
	mysql_free_result(res);
	return true;
}

#define XA_FLOOR_WAIT 600 /* seconds for the source's prepared XA transactions */

/*
 * The xids of the XA transactions finished (XA COMMIT, XA ROLLBACK) in the
 * binlog from `from` up to `to`, added to *done; *whole false when that
 * stretch cannot be read through (another file began, or it is long: the
 * caller tries again).
 */
static bool
xa_finished_between(struct mig *m, const struct snap_pos *from, const struct snap_pos *to,
    struct sbuf *done, bool *whole)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW r;

	*whole = true;
	if (snap_pos_cmp(from->file, from->pos, to->file, to->pos) == 0)
		return true;
	if (strcmp(from->file, to->file) != 0) {
		*whole = false;
		return true;
	}
	sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
	sbuf_sql_string(&q, from->file);
	sbuf_printf(&q, " FROM %" PRIu64 " LIMIT 10000", from->pos);
	sbuf_addc(&q, '\0');
	if (q.oom) {
		sbuf_free(&q);
		return mig_fail(m, true, "out of memory");
	}
	res = dest_result(&m->src, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		if (dest_transient(&m->src))
			return mig_fail_dest(m, &m->src);
		/* a privilege the rest does not need: the floor stands unchecked */
		log_info("%s: the binlog between two positions is not read (the source "
		    "account needs REPLICATION SLAVE, on MariaDB BINLOG MONITOR): an XA "
		    "transaction prepared just before the copy and committed as it began "
		    "would stop myshift at its XA COMMIT", m->src.err);
		return true;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		enum xa_verb verb;
		char xid[300];
		bool one;
		if (r[1] == NULL || strtoull(r[1], NULL, 10) >= to->pos)
			break;
		if (r[5] != NULL && xa_parse(r[5], strlen(r[5]), 0, &verb, xid, sizeof(xid), &one) &&
		    (verb == XA_V_COMMIT || verb == XA_V_ROLLBACK))
			xids_add(done, xid);
	}
	if (r == NULL && mysql_num_rows(res) >= 10000)
		*whole = false; /* not read to the end: try again */
	mysql_free_result(res);
	return true;
}

/*
 * The XA floor, before the copy's first snapshot: the stream will start no
 * later than here.  An XA transaction prepared on the source but not yet
 * committed when a snapshot is taken is in neither the snapshot (its rows
 * are uncommitted) nor a stream that starts after its XA PREPARE.  So:
 * p0 is read, then XA RECOVER lists the transactions prepared (P), then p1
 * is read, and the binlog from p0 to p1 gives those finished in between
 * (F).  Every XA transaction whose XA PREPARE is before p0 and whose end
 * is after it is in P or F.  myshift waits until every one of P is
 * finished (new ones prepared after p0 do not matter: the stream holds
 * them), so that every snapshot, taken after that, holds the rows of all
 * of P and F that were committed; their XA COMMIT in the stream after p0
 * is then passed (state_seam.xa_copied).  Recorded in row 3 of
 * `migration` (p0 and the xids), once, before any chunk; the stream then
 * starts at p0 when that is before the lowest chunk, the events between
 * replayed idempotently like the rest of the seam.
 */
bool
mig_xa_floor(struct mig *m)
{
	struct snap_pos p0 = { 0 }, p1 = { 0 };
	struct sbuf q = { 0 }, prepared = { 0 }, copied = { 0 }, now = { 0 };
	char *v = NULL, sql[300];
	unsigned tries = 0, n = 0;
	bool ok, listed = true;

	snprintf(sql, sizeof(sql), "SELECT (SELECT COUNT(*) FROM `%s`.`migration` WHERE id = 3)"
	    " + (SELECT COUNT(*) FROM `%s`.`copy_chunks` WHERE done = 1)", m->c->state_schema,
	    m->c->state_schema);
	if (!dest_value(&m->dst, sql, &v))
		return mig_fail_dest(m, &m->dst);
	ok = v != NULL && strcmp(v, "0") != 0;
	free(v);
	if (ok)
		return true; /* recorded by an earlier run, or the copy began without one */
	for (;;) {
		bool whole = true;

		snap_pos_free(&p0);
		snap_pos_free(&p1);
		if (!mig_source_position(m, &p0))
			goto fail;
		if (!xa_recover(m, &prepared, &n)) {
			if (dest_transient(&m->src)) {
				mig_fail_dest(m, &m->src);
				goto fail;
			}
			log_info("%s: the source's prepared XA transactions are not listed "
			    "(grant XA_RECOVER_ADMIN to see them): one prepared before the "
			    "copy and committed after it would stop myshift at its XA "
			    "COMMIT", m->src.err);
			listed = false;
			break;
		}
		sbuf_reset(&copied);
		if (!mig_source_position(m, &p1) ||
		    !xa_finished_between(m, &p0, &p1, &copied, &whole))
			goto fail;
		if (whole)
			break;
		if (++tries >= 50) {
			/* read through from p0 as it is: the stretch is long or crosses files */
			mig_fail(m, false, "the source's binlog moved on too fast to find where "
			    "the copy's stream must start (XA transactions are prepared there): "
			    "nothing was copied yet");
			goto fail;
		}
		usleep(100000);
	}
	snap_pos_free(&p1);
	/* wait for the prepared ones to finish */
	if (prepared.oom || prepared.p == NULL)
		listed = false; /* out of memory: caught below */
	for (tries = 0; listed && n > 0; tries++) {
		unsigned still = 0, k;
		const char *x = prepared.p + 1;
		if (!xa_recover(m, &now, &k)) {
			mig_fail_dest(m, &m->src);
			goto fail;
		}
		for (const char *e; x != NULL && (e = strchr(x, '\n')) != NULL; x = e + 1) {
			char xid[300];
			snprintf(xid, sizeof(xid), "%.*s", (int)(e - x), x);
			if (xid_listed(now.p, xid))
				still++;
		}
		if (still == 0)
			break;
		if (tries % 50 == 0)
			log_info("copy: waiting for %u XA transaction(s) prepared on the source "
			    "before the copy to finish (XA COMMIT or ROLLBACK), so that the "
			    "snapshots hold their rows", still);
		if (tries >= XA_FLOOR_WAIT * 5) {
			mig_fail(m, false, "%u XA transaction(s) stayed prepared on the source for %d "
			    "s (XA RECOVER lists them): commit or roll them back; nothing was "
			    "copied yet", still, XA_FLOOR_WAIT);
			goto fail;
		}
		usleep(200000);
	}
	for (const char *x = listed ? prepared.p + 1 : NULL, *e; x != NULL &&
	    (e = strchr(x, '\n')) != NULL; x = e + 1) {
		char xid[300];
		snprintf(xid, sizeof(xid), "%.*s", (int)(e - x), x);
		xids_add(&copied, xid);
	}
	sbuf_printf(&q, "INSERT INTO `%s`.`migration` (id, phase, seam_file, seam_pos, "
	    "seam_gtid, xa_copied) VALUES (3, 'xa-floor', ", m->c->state_schema);
	sbuf_sql_string(&q, p0.file);
	sbuf_printf(&q, ", %" PRIu64 ", ", p0.pos);
	sbuf_sql_string(&q, p0.gtid ? p0.gtid : "");
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, copied.len > 1 ? copied.p : "");
	sbuf_adds(&q, ")");
	sbuf_addc(&q, '\0');
	ok = !q.oom && !prepared.oom && !copied.oom && !now.oom;
	if (ok && !dest_exec(&m->dst, q.p))
		ok = mig_fail_dest(m, &m->dst);
	else if (!ok)
		mig_fail(m, true, "out of memory");
	if (ok && copied.len > 1)
		log_info("copy: the stream starts at %s:%" PRIu64 "; the XA transactions "
		    "prepared before it and finished since are in the copy: %s", p0.file,
		    p0.pos, copied.p + 1);
	sbuf_free(&q);
	sbuf_free(&prepared);
	sbuf_free(&copied);
	sbuf_free(&now);
	snap_pos_free(&p0);
	return ok;
fail:
	sbuf_free(&q);
	sbuf_free(&prepared);
	sbuf_free(&copied);
	sbuf_free(&now);
	snap_pos_free(&p0);
	snap_pos_free(&p1);
	return false;
}

/* The binary log after file in SHOW BINARY LOGS' order into next ("": none). */
static bool
next_binlog(struct mig *m, const char *file, char next[256])
{
	MYSQL_RES *res = dest_result(&m->src, "SHOW BINARY LOGS");
	MYSQL_ROW r;
	bool found = false;

	next[0] = '\0';
	if (res == NULL)
		return false;
	while ((r = mysql_fetch_row(res)) != NULL && r[0] != NULL) {
		if (found) {
			snprintf(next, 256, "%s", r[0]);
			break;
		}
		found = strcmp(r[0], file) == 0;
	}
	mysql_free_result(res);
	return true;
}

/*
 * MySQL: the GTID set at file:pos, as later's exact set (a snapshot's,
 * read under the copy's lock) minus the GTIDs logged from file:pos up to
 * later. A position and Executed_Gtid_Set read without a lock are no exact
 * pair: a transaction is written to the binary log before its GTID joins
 * gtid_executed, so a floor read that way could leave one out of the
 * stream's GTID state for good. False (logged): not computed.
 */
static bool
gtid_at_mysql(struct mig *m, const char *file, uint64_t pos, const struct snap_pos *later,
    char **out)
{
	struct sbuf q = { 0 }, logged = { 0 }, text = { 0 };
	struct gtid_mysql_set set, sub;
	struct proto_err perr = { 0 };
	char cur[256];
	uint64_t from = pos;
	bool ok = true, end = false;

	gtid_mysql_init(&set);
	gtid_mysql_init(&sub);
	snprintf(cur, sizeof(cur), "%s", file);
	while (ok && !end) {
		MYSQL_RES *res;
		MYSQL_ROW r;
		unsigned n = 0;
		sbuf_reset(&q);
		sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
		sbuf_sql_string(&q, cur);
		sbuf_printf(&q, " FROM %" PRIu64 " LIMIT 10000", from);
		sbuf_addc(&q, '\0');
		if (q.oom || (res = dest_result(&m->src, q.p)) == NULL) {
			ok = false;
			break;
		}
		while ((r = mysql_fetch_row(res)) != NULL) {
			const char *a, *b;
			n++;
			if (r[1] == NULL || r[4] == NULL)
				continue;
			if (strcmp(cur, later->file) == 0 && strtoull(r[1], NULL, 10) >= later->pos) {
				end = true;
				break;
			}
			if (r[2] != NULL && strncmp(r[2], "Gtid", 4) == 0 && r[5] != NULL &&
			    (a = strstr(r[5], "GTID_NEXT= '")) != NULL &&
			    (b = strchr(a + 12, '\'')) != NULL) {
				if (logged.len)
					sbuf_addc(&logged, ',');
				sbuf_add(&logged, a + 12, (size_t)(b - a - 12));
			}
			from = strtoull(r[4], NULL, 10);
		}
		mysql_free_result(res);
		if (end || n == 10000)
			continue;
		/* the end of cur: later is at its end, or in a next file */
		char next[256];
		if (strcmp(cur, later->file) == 0)
			end = true;
		else if (!next_binlog(m, cur, next) || next[0] == '\0')
			ok = false;
		else
			snprintf(cur, sizeof(cur), "%s", next);
		from = 4;
	}
	sbuf_addc(&logged, '\0');
	ok = ok && !logged.oom && gtid_mysql_parse(&set, later->gtid ? later->gtid : "", &perr) &&
	    gtid_mysql_parse(&sub, logged.p, &perr) && gtid_mysql_subtract(&set, &sub);
	if (ok) {
		gtid_mysql_print(&set, &text);
		sbuf_addc(&text, '\0');
		ok = !text.oom && (*out = strdup(text.p)) != NULL;
	}
	if (!ok)
		log_warn("copy: cannot read the GTIDs logged from %s:%" PRIu64 " to %s:%" PRIu64
		    " (%s): the stream starts at the copy's first snapshot", file, pos,
		    later->file, later->pos, perr.msg[0] ? perr.msg : m->src.err);
	sbuf_free(&q);
	sbuf_free(&logged);
	sbuf_free(&text);
	gtid_mysql_free(&set);
	gtid_mysql_free(&sub);
	return ok;
}

/* Lower low to the XA floor (row 3 of `migration`) if that is before it. */
bool
mig_xa_floor_apply(struct mig *m, struct snap_pos *low)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT seam_file, seam_pos, seam_gtid FROM `%s`.`migration` "
	    "WHERE id = 3", m->c->state_schema);
	if ((res = dest_result(&m->dst, sql)) == NULL)
		return mig_fail_dest(m, &m->dst);
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] != NULL && row[1] != NULL && low->file[0] != '\0' &&
	    snap_pos_cmp(row[0], strtoull(row[1], NULL, 10), low->file, low->pos) < 0) {
		char *g = NULL;
		if (!m->mariadb) {
			/* (MariaDB's floor set is BINLOG_GTID_POS of its position: exact) */
			if (!gtid_at_mysql(m, row[0], strtoull(row[1], NULL, 10), low, &g)) {
				mysql_free_result(res);
				return true;
			}
		} else if ((g = strdup(row[2] ? row[2] : "")) == NULL) {
			mysql_free_result(res);
			return mig_fail(m, true, "out of memory");
		}
		log_info("copy: the stream starts at %s:%s, where the source was before the "
		    "copy's first snapshot (XA transactions prepared since are in the stream)%s%s",
		    row[0], row[1], g[0] ? "; GTIDs applied there: " : "", g);
		snprintf(low->file, sizeof(low->file), "%s", row[0]);
		low->pos = strtoull(row[1], NULL, 10);
		free(low->gtid);
		low->gtid = g;
	}
	mysql_free_result(res);
	return true;
}
