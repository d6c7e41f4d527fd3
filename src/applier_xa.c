/* applier_xa.c: the source's XA transactions, replayed exactly once by holding each prepared one in the state schema until its XA COMMIT. */
#include "src/applier_int.h"

#include "src/sqlclass.h"
#include "src/xid.h"

/*
 * A source logs an XA transaction as two binlog groups: XA START, its rows,
 * XA END and XA PREPARE (MySQL and MariaDB end it with an XA_PREPARE event)
 * when it is prepared, and XA COMMIT or XA ROLLBACK later, possibly after
 * other transactions and in another binlog file.  myshift does not prepare
 * anything on the destination: it stores the prepared group's events in
 * `state`.`xa_pending`, in the destination transaction that writes the
 * checkpoint past the group; XA COMMIT applies them, at the commit's
 * position, and deletes them, in the transaction of the checkpoint past the
 * commit; XA ROLLBACK deletes them.  Each step commits with its checkpoint,
 * so a crash anywhere replays a step whole or not at all.
 *
 * Applying at the commit's position orders the rows as the source's readers
 * saw them: until XA COMMIT, the prepared transaction's rows are invisible
 * to other sessions and locked against their writes, so no transaction
 * logged between the two groups can have read or written them.
 *
 * An XA COMMIT whose XA PREPARE myshift never received (prepared before the
 * start position, or before the snapshot, which cannot see uncommitted rows)
 * stops myshift: its rows are nowhere to apply from; except, in the seam of
 * start = snapshot, one the copy's XA floor saw finish before the first
 * snapshot (migrate_xa.c): its rows are in the copy, its XA COMMIT passed.  An XA ROLLBACK of one
 * is logged and passed: there is nothing to undo.  XA COMMIT ... ONE PHASE
 * is one group, applied as an ordinary transaction.
 */

#define XA_CHUNK (1u << 20)      /* bytes of held events per row */
#define XA_HOLD_MAX (256u << 20) /* the largest prepared group held */

enum xa_group
xa_classify(struct applier *a)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };
	bool started = false, prepared = false, one_phase = false, commit = false,
	    rollback = false, any = false, rows = false;

	a->xa_xid[0] = '\0';
	for (struct qitem *it = a->trx_head; it != NULL; it = it->next) {
		uint8_t t = it->len > 4 ? it->data[4] : 0;
		enum xa_verb v;
		bool op;
		char xid[sizeof(a->xa_xid)];

		if (binlog_type_is_rows(t) || t == BINLOG_TRANSACTION_PAYLOAD_EVENT)
			rows = true;
		if (t == BINLOG_MARIA_GTID_EVENT) {
			/* MariaDB logs no XA START: the GTID event carries the xid */
			if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err) ||
			    !(ev.mgtid.flags & BINLOG_MARIA_FL_PREPARED_XA))
				continue;
			any = started = true;
			xid_text(ev.mgtid.xa_data, ev.mgtid.xa_gtrid_len,
			    ev.mgtid.xa_data + ev.mgtid.xa_gtrid_len, ev.mgtid.xa_bqual_len,
			    (long)ev.mgtid.xa_format_id, a->xa_xid, sizeof(a->xa_xid));
			continue;
		}
		if (t == BINLOG_XA_PREPARE_EVENT) {
			if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
				continue; /* reported when applied */
			any = true;
			if (ev.xa_prepare.one_phase)
				one_phase = true;
			else
				prepared = true;
			if (a->xa_xid[0] == '\0')
				xa_xid_of_event(&ev, a->xa_xid, sizeof(a->xa_xid));
			continue;
		}
		if (t != BINLOG_QUERY_EVENT)
			continue;
		if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
			continue;
		if (!xa_parse(ev.query.query.p, ev.query.query.len,
		    ev.query.has_sql_mode ? ev.query.sql_mode : 0, &v, xid, sizeof(xid), &op))
			continue;
		any = true;
		if (a->xa_xid[0] == '\0')
			snprintf(a->xa_xid, sizeof(a->xa_xid), "%s", xid);
		a->xa_pos = it->pos;
		switch (v) {
		case XA_V_START:
		case XA_V_END:
			started = true;
			break;
		case XA_V_PREPARE:
			prepared = true;
			break;
		case XA_V_COMMIT:
			if (op)
				one_phase = true;
			else
				commit = true;
			break;
		case XA_V_ROLLBACK:
			rollback = true;
			break;
		default:
			break;
		}
	}
	if (!any)
		return XA_G_NONE;
	if (started && one_phase && !prepared)
		return XA_G_ONE_PHASE;
	if (started && prepared && !commit && !rollback)
		return XA_G_PREPARED;
	/* an XA COMMIT or ROLLBACK group carries no rows: any would be lost */
	if (!started && !prepared && commit != rollback && !rows)
		return commit ? XA_G_COMMIT : XA_G_ROLLBACK;
	return XA_G_UNKNOWN;
}

bool
xa_started(const struct applier *a)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };

	for (const struct qitem *it = a->trx_head; it != NULL; it = it->next) {
		uint8_t t = it->len > 4 ? it->data[4] : 0;
		enum xa_verb v;
		bool op;
		char xid[300];

		if (t == BINLOG_MARIA_GTID_EVENT) {
			if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
				return false;
			if (ev.mgtid.flags & BINLOG_MARIA_FL_PREPARED_XA)
				return true;
			continue;
		}
		if (t != BINLOG_QUERY_EVENT ||
		    !binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
			continue;
		if (xa_parse(ev.query.query.p, ev.query.query.len,
		    ev.query.has_sql_mode ? ev.query.sql_mode : 0, &v, xid, sizeof(xid), &op))
			return v == XA_V_START;
		return false; /* a MySQL XA group's first statement is XA START */
	}
	return false;
}

size_t
xa_hold_max(void)
{
	return XA_HOLD_MAX;
}

/* Run sql (n bytes) on the destination; false with a->d's error. */
static bool
run(struct applier *a, const char *sql, size_t n)
{
	if (mysql_real_query(a->d.my, sql, n) != 0) {
		a->d.errnum = mysql_errno(a->d.my);
		/* sql is not NUL-terminated */
		snprintf(a->d.err, sizeof(a->d.err), "%s: %.*s: %s (error %u)", a->d.where,
		    (int)(n < 100 ? n : 100), sql, mysql_error(a->d.my), a->d.errnum);
		return false;
	}
	return true;
}

bool
xa_count_held(struct applier *a)
{
	char sql[200], *v = NULL;

	snprintf(sql, sizeof(sql), "SELECT COUNT(DISTINCT xid) FROM `%s`.`xa_pending`",
	    a->cfg->state_schema);
	if (!dest_value(&a->d, sql, &v))
		return false;
	pthread_mutex_lock(&a->lock);
	a->stats.xa_held = v ? strtoull(v, NULL, 10) : 0;
	pthread_mutex_unlock(&a->lock);
	free(v);
	a->xa_dirty = false;
	return true;
}

/* "... FROM `state`.`xa_pending` WHERE xid = 'the xid'" after head. */
static bool
held_sql(struct applier *a, struct sbuf *q, const char *head, const char *tail)
{
	q->len = 0;
	sbuf_adds(q, head);
	sbuf_printf(q, " FROM `%s`.`xa_pending` WHERE xid = ", a->cfg->state_schema);
	sbuf_sql_string(q, a->xa_xid);
	sbuf_adds(q, tail);
	if (q->oom)
		set_fatal(a, "out of memory");
	return !q->oom;
}

/* DELETE the held rows of a->xa_xid; *gone: how many there were. */
static bool
drop_held(struct applier *a, uint64_t *gone)
{
	struct sbuf q = { 0 };
	bool ok = held_sql(a, &q, "DELETE", "") && run(a, q.p, q.len);

	a->xa_dirty = true;

	sbuf_free(&q);
	if (ok)
		*gone = mysql_affected_rows(a->d.my);
	return ok;
}

/* Where the held group starts in its file (its first event read from it). */
static uint64_t
group_pos(const struct applier *a)
{
	for (const struct qitem *it = a->trx_head; it != NULL; it = it->next)
		if (it->pos != 0)
			return it->pos;
	return 0;
}

/* The prepared group: its events into xa_pending, in the open batch. */
static bool
hold(struct applier *a)
{
	struct sbuf buf = { 0 }, q = { 0 };
	uint64_t gone;
	bool ok = true;
	unsigned seq = 0;

	for (struct qitem *it = a->trx_head; it != NULL; it = it->next) {
		uint8_t h[12];
		for (int i = 0; i < 8; i++)
			h[i] = (uint8_t)(it->pos >> (8 * i));
		for (int i = 0; i < 4; i++)
			h[8 + i] = (uint8_t)(it->len >> (8 * i));
		sbuf_add(&buf, h, sizeof(h));
		sbuf_add(&buf, it->data, it->len);
	}
	if (buf.oom) {
		sbuf_free(&buf);
		set_fatal(a, "out of memory holding XA transaction %s", a->xa_xid);
		return false;
	}
	/* a replay after a crash finds none: its first hold was rolled back */
	if (!dest_begin(a) || !drop_held(a, &gone)) {
		sbuf_free(&buf);
		set_dest_error(a, NULL);
		return false;
	}
	for (size_t off = 0; ok && (off < buf.len || off == 0); off += XA_CHUNK, seq++) {
		size_t n = buf.len - off < XA_CHUNK ? buf.len - off : XA_CHUNK;
		q.len = 0;
		sbuf_printf(&q, "INSERT INTO `%s`.`xa_pending` (xid, seq, source_file, "
		    "source_pos, events) VALUES (", a->cfg->state_schema);
		sbuf_sql_string(&q, a->xa_xid);
		sbuf_printf(&q, ", %u, ", seq);
		sbuf_sql_string(&q, a->file);
		/* _binary: the bytes as they are, no character set to check them by */
		sbuf_printf(&q, ", %" PRIu64 ", _binary'", group_pos(a));
		if (sbuf_grow(&q, 2 * n + 4)) {
			q.len += mysql_real_escape_string(a->d.my, q.p + q.len,
			    (const char *)buf.p + off, (unsigned long)n);
			sbuf_adds(&q, "')");
		}
		if (q.oom) {
			set_fatal(a, "out of memory holding XA transaction %s", a->xa_xid);
			ok = false;
		} else if (!run(a, q.p, q.len)) {
			set_dest_error(a, NULL);
			ok = false;
		}
		if (n == 0)
			break;
	}
	if (ok) {
		a->batch_bytes += buf.len;
		log_info("%s:%" PRIu64 ": XA transaction %s prepared on the source: held "
		    "(%zu bytes) until its XA COMMIT or XA ROLLBACK", a->file,
		    group_pos(a), a->xa_xid, buf.len);
	}
	sbuf_free(&buf);
	sbuf_free(&q);
	return ok;
}

/* Whether a->xa_xid is one the copy's XA floor found finished before the
 * first snapshot (state_seam.xa_copied). */
static bool
xa_copied(const struct applier *a)
{
	return xid_listed(a->seam.xa_copied, a->xa_xid);
}

/* Apply the held events of a->xa_xid (as if at commit_pos), then drop them. */
static bool
commit_held(struct applier *a)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf ev = { 0 }, q = { 0 };
	uint64_t gone;
	char from[600] = "";
	bool ok = true;

	if (!dest_begin(a)) {
		set_dest_error(a, NULL);
		return false;
	}
	if (!held_sql(a, &q, "SELECT events, source_file, source_pos", " ORDER BY seq")) {
		sbuf_free(&q);
		return false;
	}
	ok = run(a, q.p, q.len);
	sbuf_free(&q);
	if (!ok || (res = mysql_store_result(a->d.my)) == NULL) {
		set_dest_error(a, NULL);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		unsigned long *lens = mysql_fetch_lengths(res);
		sbuf_add(&ev, row[0], lens[0]);
		if (from[0] == '\0')
			snprintf(from, sizeof(from), "%s:%s", row[1], row[2]);
	}
	mysql_free_result(res);
	if (from[0] == '\0' && a->in_seam && xa_copied(a)) {
		log_info("%s:%" PRIu64 ": XA COMMIT %s: prepared before the stream's start and "
		    "finished before the copy's first snapshot: its rows are in the copy",
		    a->file, a->xa_pos, a->xa_xid);
		sbuf_free(&ev);
		return true;
	}
	if (from[0] == '\0') {
		set_fatal(a, "XA COMMIT %s at %s:%" PRIu64 ": myshift never received this XA "
		    "transaction's XA PREPARE (it was prepared before the position myshift "
		    "started from, or before the snapshot, which cannot see its rows), so its "
		    "rows are not on the destination and cannot be applied; nothing from this "
		    "transaction on was applied. Copy the tables it changed to the destination "
		    "again (a new snapshot), and finish XA transactions on the source (XA "
		    "RECOVER lists them) before a migration starts", a->xa_xid, a->file,
		    a->xa_pos);
		sbuf_free(&ev);
		return false;
	}
	if (ev.oom) {
		set_fatal(a, "out of memory reading XA transaction %s", a->xa_xid);
		sbuf_free(&ev);
		return false;
	}
	a->xa_replay = true;
	for (size_t off = 0; ok && off + 12 <= ev.len;) {
		const uint8_t *h = (const uint8_t *)ev.p + off;
		uint32_t len = (uint32_t)h[8] | (uint32_t)h[9] << 8 | (uint32_t)h[10] << 16 |
		    (uint32_t)h[11] << 24;
		struct binlog_event e;
		struct proto_err err = { 0 };

		if (len > ev.len - off - 12) {
			set_fatal(a, "the held events of XA transaction %s (from %s) are cut "
			    "short in `%s`.`xa_pending`", a->xa_xid, from, a->cfg->state_schema);
			ok = false;
			break;
		}
		if (!binlog_decode(a->dec, h + 12, len, a->xa_pos, &e, &err)) {
			set_fatal(a, "XA transaction %s held from %s: %s", a->xa_xid, from,
			    err.msg);
			ok = false;
			break;
		}
		off += 12 + len;
		/* the rows count where the source made them visible: at the commit */
		if (a->in_seam && !seam_at(a, a->xa_pos) && a->status != APPLIER_RUNNING) {
			ok = false;
			break;
		}
		ok = apply_event(a, &e);
	}
	a->xa_replay = false;
	sbuf_free(&ev);
	if (!ok)
		return false;
	if (!drop_held(a, &gone)) {
		set_dest_error(a, NULL);
		return false;
	}
	log_info("%s:%" PRIu64 ": XA COMMIT %s: applied the transaction held from %s",
	    a->file, a->xa_pos, a->xa_xid, from);
	return true;
}

bool
xa_apply(struct applier *a, enum xa_group g)
{
	uint64_t gone;

	switch (g) {
	case XA_G_PREPARED:
		return hold(a);
	case XA_G_COMMIT:
		return commit_held(a);
	case XA_G_ROLLBACK:
		if (!dest_begin(a) || !drop_held(a, &gone)) {
			set_dest_error(a, NULL);
			return false;
		}
		if (gone == 0)
			log_info("%s:%" PRIu64 ": XA ROLLBACK %s of a transaction myshift did not "
			    "receive prepared: nothing to undo", a->file, a->xa_pos, a->xa_xid);
		else
			log_info("%s:%" PRIu64 ": XA ROLLBACK %s: the held transaction is dropped",
			    a->file, a->xa_pos, a->xa_xid);
		return true;
	case XA_G_ONE_PHASE:
		/* one group: its rows as an ordinary transaction's */
		a->xa_replay = true;
		for (struct qitem *it = a->trx_head; it != NULL; it = it->next)
			if (!apply_raw(a, it)) {
				a->xa_replay = false;
				return false;
			}
		a->xa_replay = false;
		return true;
	default:
		set_fatal(a, "XA statements at %s:%" PRIu64 " (xid %s) in a group myshift "
		    "does not know (expected XA START ... XA PREPARE, XA START ... XA COMMIT "
		    "ONE PHASE, or XA COMMIT / XA ROLLBACK alone); nothing of it was applied",
		    a->file, group_pos(a), a->xa_xid);
		return false;
	}
}
