/* applier.c: the applier thread: the queue loop, batches and transactions, the session, errors. */
#include "src/applier_int.h"

/* ------------------------------------------------------------ state */

void
set_fatal(struct applier *a, const char *fmt, ...)
{
	va_list ap;

	if (a->status != APPLIER_RUNNING)
		return;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->status = APPLIER_FATAL;
}

/* A destination error: transient ones restart from the checkpoint. */
void
set_dest_error(struct applier *a, const char *context)
{
	if (a->status != APPLIER_RUNNING)
		return;
	snprintf(a->msg, sizeof(a->msg), "%s%s%s", context ? context : "",
	    context ? ": " : "", a->d.err);
	a->status = dest_transient(&a->d) ? APPLIER_RETRY : APPLIER_FATAL;
}

void
free_stmts(struct schema_table *t)
{
	struct schema_stmt *s, *next;

	for (s = t->stmts; s != NULL; s = next) {
		next = s->next;
		mysql_stmt_close(s->st);
		free(s->jsig);
		free(s);
	}
	t->stmts = NULL;
}

/*
 * MariaDB before 10.1 (and later servers with mysql56_temporal_format=OFF)
 * stored fractional TIME, DATETIME and TIMESTAMP in its own "hires" layout and
 * logs them under the old type codes with no metadata, so the binlog alone
 * cannot say how long a value is. The destination's precision gives them
 * away: DDL replay keeps it the source's.
 */
bool
old_hires_time(uint8_t type, unsigned fsp)
{
	return fsp > 0 && (type == MYSQL_T_TIME || type == MYSQL_T_DATETIME ||
	    type == MYSQL_T_TIMESTAMP);
}

/* ------------------------------------------------------------ session */

bool
session_rows(struct applier *a)
{
	a->fk_checks = a->cfg->foreign_key_checks;
	/* @myshift_session: the destination's guarded triggers do not fire for us */
	return dest_execf(&a->d, "SET SESSION sql_mode = '%s', time_zone = '+00:00', "
	    "foreign_key_checks = %d, unique_checks = 1, autocommit = 1, "
	    "group_concat_max_len = 1073741824, @myshift_session = 1", ROW_SQL_MODE,
	    a->fk_checks ? 1 : 0);
}

bool
dest_begin(struct applier *a)
{
	if (a->in_trx)
		return true;
	if (mysql_query(a->d.my, "BEGIN") != 0) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: BEGIN: %s", a->d.where,
		    mysql_error(a->d.my));
		return false;
	}
	a->in_trx = true;
	a->batch_trx = 0;
	a->batch_bytes = 0;
	clock_gettime(CLOCK_MONOTONIC, &a->batch_start);
	return true;
}

void
publish(struct applier *a)
{
	pthread_mutex_lock(&a->lock);
	a->stats.transactions = a->total_trx;
	a->stats.last_source_ts = a->group_ts;
	a->stats.last_commit_us = a->last_commit_us;
	a->stats.groups = a->groups;
	if (a->hb_ts > a->stats.hb_ts) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		a->stats.hb_ts = a->hb_ts;
		a->stats.hb_at_us = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
	}
	snprintf(a->stats.file, sizeof(a->stats.file), "%.255s", a->file);
	a->stats.pos = a->pos;
	{
		size_t n = strlen(a->gtid);
		if (n < sizeof(a->stats.gtid))
			memcpy(a->stats.gtid, a->gtid, n + 1);
		else
			snprintf(a->stats.gtid, sizeof(a->stats.gtid), "%.*s...",
			    (int)sizeof(a->stats.gtid) - 4, a->gtid);
	}
	a->stats.in_seam = a->in_seam;
	pthread_mutex_unlock(&a->lock);
}

/*
 * Write the checkpoint of the last applied group (inside the open
 * transaction). At or past the seam's end, every later event is past it:
 * end the seam now, in the checkpoint's transaction (or after it has
 * committed), rather than at the next event, which an idle source may
 * never send.
 */
bool
ckpt_write(struct applier *a)
{
	if (!state_ckpt_write(&a->d, a->ckpt_st, a->file, a->pos, a->gtid, a->total_trx,
	    (uint32_t)a->group_ts))
		return false;
	if (a->in_seam && snap_pos_cmp(a->file, a->pos, a->seam.file, a->seam.pos) >= 0)
		return seam_end(a);
	return true;
}

/* Write the checkpoint and commit the open batch. */
bool
flush_batch(struct applier *a)
{
	struct timespec t0;

	if (!a->in_trx)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!net_flush_all(a) || !ckpt_write(a))
		return false;
	if (mysql_commit(a->d.my) != 0) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: COMMIT: %s (error %u)", a->d.where,
		    mysql_error(a->d.my), a->d.errnum);
		return false;
	}
	a->in_trx = false;
	if (!seam_gone(a))
		return false;
	{
		double open_ms = elapsed_ms(&a->batch_start), flush_ms = elapsed_ms(&t0);
		uint64_t now = wall_us();
		double src_ms = a->batch_src_us && now > a->batch_src_us ?
		    (double)(now - a->batch_src_us) / 1000.0 : 0;
		if (open_ms > 40 || src_ms > 60)
			log_debug("slow batch: %u transactions, open %.1f ms (flush and commit %.1f "
			    "ms), first arrived %.1f ms ago, last waited %.1f ms in the queue; "
			    "first committed on the source %.1f ms ago, the slowest took %.1f "
			    "ms to arrive", a->batch_trx, open_ms, flush_ms,
			    (double)(now - a->batch_first_us) / 1000.0,
			    (double)a->last_wait_us / 1000.0, src_ms, (double)a->batch_late_us / 1000.0);
	}
	pthread_mutex_lock(&a->lock);
	a->stats.commits++;
	a->stats.batch_us += (uint64_t)(elapsed_ms(&a->batch_start) * 1000);
	a->stats.flush_us += (uint64_t)(elapsed_ms(&t0) * 1000);
	pthread_mutex_unlock(&a->lock);
	publish(a);
	/* the count is for status only: a failed read is tried after the next commit */
	if (a->xa_dirty && !xa_count_held(a))
		log_debug("%s: counting the held XA transactions: %s", a->d.where, a->d.err);
	return true;
}

void
rollback(struct applier *a)
{
	if (a->in_trx && a->d.my != NULL)
		(void)mysql_rollback(a->d.my);
	a->in_trx = false;
	for (struct net_table *nt = a->net; nt != NULL; nt = nt->next) {
		nt->n = 0;
		if (nt->slots)
			memset(nt->slots, 0, (size_t)nt->nslots * sizeof(*nt->slots));
	}
	arena_reset(&a->bar);
}

/* ----------------------------------------------------------- the loop */

/* A QUERY that is not DDL: refuse statement-based changes, run savepoints. */
bool
check_query(struct applier *a, const struct binlog_event *ev, struct sql_info *in)
{
	const struct binlog_query *q = &ev->query;
	char defdb[200];

	snprintf(defdb, sizeof(defdb), "%.*s", (int)q->db.len, q->db.p);
	sql_classify_mode(q->query.p, q->query.len, defdb,
	    q->has_sql_mode ? q->sql_mode : 0, in);
	switch (in->kind) {
	case SQL_DML:
		set_fatal(a, "statement-based change at %s:%" PRIu64 " (%.*s): myshift "
		    "replays row events only; set binlog_format=ROW on the source "
		    "(SET GLOBAL binlog_format='ROW', and in its configuration), then "
		    "restart myshift; nothing after the last complete transaction was "
		    "applied", a->file, ev->offset,
		    (int)(q->query.len > 120 ? 120 : q->query.len), q->query.p);
		return false;
	case SQL_XA:
		if (a->xa_replay)
			return true; /* src/applier_xa.c applies the group's rows */
		/* a group too big to hold (or inside a compressed payload) */
		set_fatal(a, "XA transaction at %s:%" PRIu64 ", statement %.*s: myshift "
		    "holds a prepared XA transaction until its XA COMMIT, and this one is "
		    "larger than it holds (%zu MB) or inside a compressed transaction "
		    "payload; nothing from this transaction on was applied, and a restart "
		    "stops here again. Finish the XA transaction on the source (XA RECOVER "
		    "lists it), then copy the tables it changed to the destination again "
		    "(a new snapshot)", a->file, ev->offset,
		    (int)(q->query.len > 160 ? 160 : q->query.len), q->query.p,
		    xa_hold_max() >> 20);
		return false;
	case SQL_OTHER:
		set_fatal(a, "statement at %s:%" PRIu64 " is not understood, so it is not "
		    "skipped: %.*s", a->file, ev->offset,
		    (int)(q->query.len > 160 ? 160 : q->query.len), q->query.p);
		return false;
	default:
		return true;
	}
}

bool
apply_payload(struct applier *a, const struct binlog_event *ev)
{
	struct binlog_payload_iter *it;
	struct binlog_event inner;
	struct proto_err err = { 0 };
	int rc;

	if ((it = binlog_payload_open(a->dec, ev, &err)) == NULL) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	while ((rc = binlog_payload_next(it, &inner, &err)) == 1)
		if (!apply_event(a, &inner))
			break;
	binlog_payload_close(it);
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	return a->status == APPLIER_RUNNING;
}

bool
apply_event(struct applier *a, const struct binlog_event *ev)
{
	struct sql_info in;

	switch (ev->h.type) {
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		if (!check_query(a, ev, &in))
			return false;
		switch (in.kind) {
		case SQL_EMPTY:
		case SQL_BEGIN:
		case SQL_COMMIT:
		case SQL_ROLLBACK:
		case SQL_XA: /* replayed by src/applier_xa.c: no statement of its own */
			return true;
		case SQL_SAVEPOINT:
			/*
			 * ROLLBACK TO must find the rows before it on the server:
			 * a held group with savepoints is applied in order
			 * (trx_precheck()); one too big to hold meets them as it
			 * streams, its net effect written up to here first.
			 */
			if (!a->group_in_order && !net_flush_all(a))
				goto dest_err;
			if (!dest_begin(a))
				goto dest_err;
			if (mysql_real_query(a->d.my, ev->query.query.p, ev->query.query.len) != 0) {
				a->d.errnum = mysql_errno(a->d.my);
				snprintf(a->d.err, sizeof(a->d.err), "%s: %.*s: %s", a->d.where,
				    (int)ev->query.query.len, ev->query.query.p, mysql_error(a->d.my));
				goto dest_err;
			}
			return true;
		case SQL_ADMIN:
			log_info("%s:%" PRIu64 ": maintenance statement not replayed: %.*s",
			    a->file, ev->offset, (int)(ev->query.query.len > 80 ? 80 :
			    ev->query.query.len), ev->query.query.p);
			return true;
		case SQL_ACCOUNT:
			if (!a->cfg->replicate_accounts) {
				/* the text may hold a password: name the verb only */
				log_info("%s:%" PRIu64 ": account statement (%s) not replayed "
				    "([apply] replicate_accounts = false)", a->file, ev->offset,
				    in.verb[0] ? in.verb : "GRANT/USER");
				return true;
			}
			/* FALLTHROUGH */
		case SQL_DDL:
			/* implicit commit: the batch before it goes first */
			if (!flush_batch(a))
				goto dest_err;
			/* the DDL event's own end names it when it is met again */
			return apply_ddl(a, ev, &in, a->file, ev->offset + ev->h.event_size);
		default:
			return false;
		}
	case BINLOG_TABLE_MAP_EVENT:
		return true;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		return apply_payload(a, ev);
	case BINLOG_INCIDENT_EVENT:
		set_fatal(a, "the source logged an incident at %s:%" PRIu64 " (type %u: %.*s): "
		    "changes may be missing from its binlog; resynchronise with a new "
		    "snapshot", a->file, ev->offset, ev->incident.type,
		    (int)ev->incident.message.len, ev->incident.message.p);
		return false;
	default:
		if (binlog_type_is_rows(ev->h.type)) {
			if (!dest_begin(a))
				goto dest_err;
			a->batch_bytes += ev->h.event_size;
			return apply_rows(a, ev);
		}
		if (!binlog_type_known(ev->h.type)) {
			/* the decoder lets through only types the source flagged ignorable */
			log_warn("%s:%" PRIu64 ": event type %u, flagged ignorable by the "
			    "source, skipped", a->file, ev->offset, ev->h.type);
			return true;
		}
		/* GTID, XID, INTVAR, RAND, USER_VAR, ANNOTATE, ROTATE, FDE, ...: nothing to replay */
		return true;
	}
dest_err:
	set_dest_error(a, NULL);
	return false;
}

/* Decode and apply one raw event (it->pos: where it starts in its file). */
bool
apply_raw(struct applier *a, const struct qitem *it)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };
	if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err)) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	if (ev.h.type == BINLOG_ROTATE_EVENT)
		snprintf(a->file, sizeof(a->file), "%.*s", (int)ev.rotate.file.len,
		    ev.rotate.file.p);
	if (ev.h.timestamp != 0 && !(ev.h.flags & BINLOG_F_ARTIFICIAL))
		a->group_ts = ev.h.timestamp;
	if ((ev.h.type == BINLOG_GTID_EVENT || ev.h.type == BINLOG_GTID_TAGGED_EVENT) &&
	    ev.gtid.has_commit_ts)
		a->group_commit_us = ev.gtid.immediate_commit_ts;
	else if (ev.h.type == BINLOG_MARIA_GTID_EVENT)
		a->group_commit_us = 0;
	if (a->in_seam && it->pos != 0 && !seam_at(a, it->pos) &&
	    a->status != APPLIER_RUNNING)
		return false;
	return apply_event(a, &ev);
}

void
trx_clear(struct applier *a)
{
	struct qitem *it, *next;

	for (it = a->trx_head; it != NULL; it = next) {
		next = it->next;
		free(it);
	}
	a->trx_head = a->trx_tail = NULL;
	a->trx_bytes = 0;
	a->group_in_order = false;
}

/*
 * Before a held group is applied: a statement-based change in it stops
 * everything with the batch before it committed and nothing of it applied.
 */
bool
trx_precheck(struct applier *a)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };
	struct sql_info in;

	a->xa_group = a->streaming ? XA_G_NONE : xa_classify(a);
	for (struct qitem *it = a->trx_head; it != NULL; it = it->next) {
		uint8_t t = it->len > 4 ? it->data[4] : 0;
		if (t != BINLOG_QUERY_EVENT && t != BINLOG_MARIA_QUERY_COMPRESSED_EVENT)
			continue;
		if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
			continue; /* reported when applied */
		sql_classify_mode(ev.query.query.p, ev.query.query.len, "",
		    ev.query.has_sql_mode ? ev.query.sql_mode : 0, &in);
		if (in.kind == SQL_SAVEPOINT && !a->group_in_order) {
			/*
			 * ROLLBACK TO must find this group's rows on the server:
			 * write what the batch holds, then apply the group in order.
			 */
			if (!net_flush_all(a)) {
				set_dest_error(a, NULL);
				return false;
			}
			a->group_in_order = true;
		}
		if (in.kind == SQL_XA && a->xa_group != XA_G_NONE &&
		    a->xa_group != XA_G_UNKNOWN)
			continue;
		if (in.kind == SQL_DML || in.kind == SQL_XA || in.kind == SQL_OTHER) {
			if (!flush_batch(a)) {
				set_dest_error(a, NULL);
				return false;
			}
			if (in.kind == SQL_XA && a->xa_group == XA_G_UNKNOWN)
				(void)xa_apply(a, XA_G_UNKNOWN);
			else
				(void)check_query(a, &ev, &in);
			return false;
		}
	}
	return true;
}

/* Apply the held group (its events are complete). */
bool
trx_apply(struct applier *a)
{
	if (a->xa_group != XA_G_NONE)
		return xa_apply(a, a->xa_group);
	for (struct qitem *it = a->trx_head; it != NULL; it = it->next)
		if (!apply_raw(a, it))
			return false;
	return true;
}

double
elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Milliseconds since the open batch's first complete transaction reached
 * myshift (since the batch began while none is complete yet).
 */
static double
batch_age_ms(struct applier *a)
{
	uint64_t now;

	if (a->batch_trx == 0 || a->batch_first_us == 0)
		return elapsed_ms(&a->batch_start);
	now = wall_us();
	return now > a->batch_first_us ? (double)(now - a->batch_first_us) / 1000.0 : 0.0;
}

/* Milliseconds a batch stays open at most under a steady load (no backlog). */
#define STEADY_BATCH_MS 20

/*
 * Whether the open batch is to be committed now that a transaction in it is
 * complete.  A batch grows only while a backlog exists: once the queue holds
 * nothing more (the applier has everything the source has sent), it closes
 * as soon as its first transaction arrived batch_wait_ms ago (at once if it
 * waited that long already, behind the previous commit), so that under a
 * steady load a transaction waits about that long at most, while a backlog
 * fills batches up to their size bounds (one second at most).  A load that
 * keeps the queue from ever being empty when a transaction completes, but
 * whose transactions are applied as they arrive (each waited less than
 * STEADY_BATCH_MS in the queue), is no backlog: its batch closes after
 * STEADY_BATCH_MS + batch_wait_ms.
 */
static bool
batch_due(struct applier *a)
{
	double open_ms = elapsed_ms(&a->batch_start);

	if (a->batch_trx >= (unsigned)a->cfg->batch_transactions ||
	    a->batch_bytes >= (size_t)a->cfg->batch_bytes || open_ms > 1000)
		return true;
	/* a steady stream that never leaves the queue empty for a moment is no
	 * backlog while what arrives is applied at once: close after a while */
	if (open_ms >= STEADY_BATCH_MS + a->cfg->batch_wait_ms &&
	    a->last_wait_us < (uint64_t)STEADY_BATCH_MS * 1000)
		return true;
	return batch_age_ms(a) >= a->cfg->batch_wait_ms && !queue_ready(a->q);
}

/* How long the loop may wait for the next item before committing the batch. */
static int
batch_wait(struct applier *a)
{
	double left;

	if (!a->in_trx || a->streaming)
		return 200;
	left = a->cfg->batch_wait_ms - batch_age_ms(a);
	return left <= 0 ? 0 : (int)left + 1;
}

/*
 * When the source committed the group just complete, as well as myshift
 * can tell (microseconds since the epoch): its commit timestamp (MySQL's
 * in microseconds, MariaDB's in whole seconds, so anywhere in that second)
 * but never later than it arrived here (arrived_us, 0 unknown).
 */
static uint64_t
commit_estimate(const struct applier *a, uint64_t arrived_us)
{
	uint64_t src = a->group_commit_us;

	if (src == 0 && a->group_ts != 0)
		src = (uint64_t)a->group_ts * 1000000 + 999999;
	if (src == 0 || (arrived_us != 0 && arrived_us < src))
		src = arrived_us;
	return src;
}

/* A group is complete at file:pos with gtid. */
bool
on_commit(struct applier *a, const struct qitem *it)
{
	const char *file = (const char *)it->data;
	const char *gtid = file + strlen(file) + 1;
	bool is_trx = a->streaming;

	/* a group of bookkeeping events only (rotate, GTID list) is no transaction */
	for (const struct qitem *e = a->trx_head; e != NULL && !is_trx; e = e->next) {
		uint8_t t = e->len > 4 ? e->data[4] : 0;
		is_trx = t == BINLOG_QUERY_EVENT || t == BINLOG_MARIA_QUERY_COMPRESSED_EVENT ||
		    t == BINLOG_XID_EVENT || t == BINLOG_MARIA_GTID_EVENT ||
		    t == BINLOG_GTID_EVENT || t == BINLOG_ANONYMOUS_GTID_EVENT ||
		    t == BINLOG_GTID_TAGGED_EVENT ||
		    t == BINLOG_TRANSACTION_PAYLOAD_EVENT || t == BINLOG_TABLE_MAP_EVENT ||
		    t == BINLOG_XA_PREPARE_EVENT || binlog_type_is_rows(t);
	}
	if (!a->streaming) {
		if (!trx_precheck(a) || !trx_apply(a))
			return false;
	}
	trx_clear(a);
	snprintf(a->file, sizeof(a->file), "%s", file);
	a->pos = it->pos;
	a->groups++;
	if (is_trx)
		a->last_commit_us = commit_estimate(a, it->t_us);
	if ((size_t)(gtid - file) < it->len) {
		if (strlen(gtid) >= sizeof(a->gtid)) {
			set_fatal(a, "the source's GTID set at %s:%" PRIu64 " is %zu bytes "
			    "long, more than the %zu the checkpoint can hold", file, it->pos,
			    strlen(gtid), sizeof(a->gtid) - 1);
			return false;
		}
		snprintf(a->gtid, sizeof(a->gtid), "%s", gtid);
	}
	if (!is_trx) {
		/*
		 * The position moves with the next checkpoint; but past a real
		 * rotate it is written now, so a restart never asks for a file
		 * the source may have purged since.
		 */
		if (!a->in_trx && it->pos <= 4 && !ckpt_write(a))
			goto err;
		if (!a->in_trx)
			publish(a);
		return true;
	}
	a->total_trx++;
	if (a->streaming) {
		a->streaming = false;
		/* (rows of a non-transactional table may have committed it) */
		if (a->in_trx ? !flush_batch(a) : !ckpt_write(a))
			goto err;
		return true;
	}
	if (!a->in_trx) {
		/* nothing open (a DDL group, or filtered rows): checkpoint now */
		if (!ckpt_write(a))
			goto err;
		publish(a);
		return true;
	}
	if (it->t_us) {
		uint64_t now = wall_us();
		a->last_wait_us = now > it->t_us ? now - it->t_us : 0;
	}
	if (a->batch_trx++ == 0) {
		a->batch_first_us = it->t_us ? it->t_us : wall_us();
		a->batch_src_us = a->group_commit_us;
		a->batch_late_us = 0;
	}
	if (a->group_commit_us && it->t_us > a->group_commit_us &&
	    it->t_us - a->group_commit_us > a->batch_late_us)
		a->batch_late_us = it->t_us - a->group_commit_us;
	if (batch_due(a)) {
		if (!flush_batch(a))
			goto err;
	}
	return true;
err:
	set_dest_error(a, NULL);
	return false;
}

bool
on_event(struct applier *a, struct qitem *it)
{
	if (a->streaming) {
		bool ok = apply_raw(a, it);
		free(it);
		return ok;
	}
	if (a->trx_tail != NULL)
		a->trx_tail->next = it;
	else
		a->trx_head = it;
	a->trx_tail = it;
	a->trx_bytes += it->len;
	bool big = a->trx_bytes > (size_t)a->cfg->batch_bytes, xa = big && xa_started(a);
	if (xa && a->trx_bytes <= xa_hold_max()) {
		/* a prepared XA transaction is held whole (src/applier_xa.c) */
	} else if (xa) {
		set_fatal(a, "XA transaction at %s:%" PRIu64 ": more than the %zu MB myshift "
		    "holds of a prepared XA transaction until its XA COMMIT; nothing from "
		    "this transaction on was applied, and a restart stops here again. Finish "
		    "the XA transaction on the source (XA RECOVER lists it), then copy the "
		    "tables it changed to the destination again (a new snapshot)", a->file,
		    a->trx_head->pos, xa_hold_max() >> 20);
		return false;
	} else if (big) {
		/* too big to hold: commit the batch, then apply as it arrives */
		if (!flush_batch(a)) {
			set_dest_error(a, NULL);
			return false;
		}
		if (!trx_precheck(a) || !dest_begin(a)) {
			if (a->status == APPLIER_RUNNING)
				set_dest_error(a, NULL);
			return false;
		}
		a->streaming = true;
		if (!trx_apply(a))
			return false;
		trx_clear(a);
	}
	return true;
}

/* Start from the checkpoint's figures (counts carry over restarts). */
bool
ckpt_resume(struct applier *a)
{
	char sql[300];
	MYSQL_RES *res;
	MYSQL_ROW row;

	snprintf(sql, sizeof(sql), "SELECT source_file, source_pos, source_gtid, "
	    "transactions FROM `%s`.`checkpoint` WHERE id = 1", a->cfg->state_schema);
	if (mysql_query(a->d.my, sql) != 0 || (res = mysql_store_result(a->d.my)) == NULL) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: reading the checkpoint: %s",
		    a->d.where, mysql_error(a->d.my));
		return false;
	}
	if ((row = mysql_fetch_row(res)) != NULL) {
		snprintf(a->file, sizeof(a->file), "%s", row[0] ? row[0] : "");
		a->pos = row[1] ? strtoull(row[1], NULL, 10) : 0;
		snprintf(a->gtid, sizeof(a->gtid), "%s", row[2] ? row[2] : "");
		a->total_trx = row[3] ? strtoull(row[3], NULL, 10) : 0;
	}
	mysql_free_result(res);
	publish(a);
	return xa_count_held(a);
}

bool
setup(struct applier *a)
{
	a->fp_innodb = true;
	a->d.table_ddl = true; /* replayed DDL */
	if (!dest_connect(&a->d, &a->cfg->destination, "destination") ||
	    !session_rows(a) ||
	    !state_schema_create(&a->d, a->cfg->state_schema) ||
	    (a->ckpt_st = state_ckpt_prepare(&a->d, a->cfg->state_schema)) == NULL ||
	    !ckpt_resume(a)) {
		set_dest_error(a, NULL);
		if (a->status == APPLIER_FATAL && !dest_transient(&a->d) &&
		    a->d.errnum >= 2000 && a->d.errnum < 3000)
			a->status = APPLIER_RETRY; /* client-side: cannot connect */
		return false;
	}
	a->mariadb = strstr(mysql_get_server_info(a->d.my), "MariaDB") != NULL;
	a->gtid_strict = false;
	if (!a->mariadb) {
		char *v = NULL;
		if (dest_value(&a->d, "SELECT @@GLOBAL.enforce_gtid_consistency", &v) && v)
			a->gtid_strict = strcasecmp(v, "ON") == 0 || strcmp(v, "1") == 0;
		free(v);
	}
	{
		char err[1024];
		state_seam_free(&a->seam);
		if (!state_seam_read(&a->d, a->cfg->state_schema, &a->seam, err,
		    sizeof(err))) {
			set_fatal(a, "%s", err);
			a->status = APPLIER_RETRY;
			return false;
		}
		a->in_seam = a->seam.file[0] != '\0';
		/* a seam that ended before a crash: its gone tables, if not settled */
		a->gone_due = !a->in_seam;
		if (!seam_gone(a)) {
			set_dest_error(a, "dropping the tables gone from the source during the copy");
			return false;
		}
		if (a->in_seam && snap_pos_cmp(a->file, a->pos, a->seam.file, a->seam.pos) >= 0 &&
		    !seam_at(a, a->pos)) {
			/* already at the seam's end (nothing was written during the copy) */
			if (a->status != APPLIER_RUNNING)
				return false;
		}
		if (a->in_seam)
			log_info("catch-up after the copy: replay is idempotent until %s:%llu "
			    "(%u table(s) copied whole or gone)", a->seam.file, a->seam.pos,
			    a->seam.nkeyless);
	}
	return load_collations(a);
}

/*
 * Where a hold may stop the applier: between source transactions (none is
 * being applied as it arrives).  At the hold's position, commit the batch
 * and wait for the release; past it, say so.
 */
static void
hold_point(struct applier *a)
{
	int cmp;

	if (!__atomic_load_n(&a->hold_req, __ATOMIC_ACQUIRE) || a->streaming)
		return;
	pthread_mutex_lock(&a->lock);
	if (a->stats.hold != HOLD_PENDING) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	/* no position: wherever the applier is (a pause before the snapshot is taken) */
	cmp = a->stats.hold_file[0] == '\0' ? 0 :
	    snap_pos_cmp(a->file, a->pos, a->stats.hold_file, a->stats.hold_pos);
	pthread_mutex_unlock(&a->lock);
	if (cmp < 0)
		return;
	if (cmp > 0) {
		pthread_mutex_lock(&a->lock);
		a->stats.hold = HOLD_PASSED;
		__atomic_store_n(&a->hold_req, 0, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&a->lock);
		return;
	}
	if (!flush_batch(a)) {
		set_dest_error(a, NULL);
		return;
	}
	pthread_mutex_lock(&a->lock);
	a->stats.hold = HOLD_HELD;
	if (a->stats.hold_file[0] == '\0') {
		snprintf(a->stats.hold_file, sizeof(a->stats.hold_file), "%.255s", a->file);
		a->stats.hold_pos = a->pos;
	}
	while (a->stats.hold == HOLD_HELD && !a->stop) {
		struct timespec ts = { .tv_sec = a->hold_until, .tv_nsec = 0 };
		if (time(NULL) >= a->hold_until) {
			a->stats.hold = HOLD_EXPIRED;
			log_warn("a hold at %s:%" PRIu64 " (myshift verify) was not released "
			    "in time: applying again", a->stats.hold_file, a->stats.hold_pos);
			break;
		}
		pthread_cond_timedwait(&a->hold_cv, &a->lock, &ts);
	}
	/* pending again: moved on to a later position (applier_hold()) */
	if (a->stats.hold != HOLD_PENDING)
		__atomic_store_n(&a->hold_req, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&a->lock);
}

bool
applier_hold(struct applier *a, const char *file, uint64_t pos, unsigned timeout_s)
{
	bool ok;

	pthread_mutex_lock(&a->lock);
	ok = file == NULL || a->stats.file[0] == '\0' ||
	    snap_pos_cmp(a->stats.file, a->stats.pos, file, pos) <= 0;
	if (ok) {
		snprintf(a->stats.hold_file, sizeof(a->stats.hold_file), "%s", file ? file : "");
		a->stats.hold_pos = file ? pos : 0;
		a->stats.hold = HOLD_PENDING; /* a held applier moves on to it */
		a->hold_until = time(NULL) + (time_t)timeout_s;
		__atomic_store_n(&a->hold_req, 1, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&a->hold_cv);
	} else
		a->stats.hold = HOLD_PASSED;
	pthread_mutex_unlock(&a->lock);
	return ok;
}

void
applier_release(struct applier *a)
{
	pthread_mutex_lock(&a->lock);
	if (a->stats.hold == HOLD_PENDING || a->stats.hold == HOLD_HELD)
		a->stats.hold = HOLD_NONE;
	__atomic_store_n(&a->hold_req, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&a->hold_cv);
	pthread_mutex_unlock(&a->lock);
}

void *
applier_main(void *arg)
{
	struct applier *a = arg;
	struct qitem *it;

	if (!setup(a))
		goto out;
	while (a->status == APPLIER_RUNNING) {
		int wait;
		if (a->stop && !a->streaming && a->trx_head == NULL) {
			if (!flush_batch(a))
				set_dest_error(a, NULL);
			else
				a->status = APPLIER_DONE;
			break;
		}
		wait = batch_wait(a);
		if (__atomic_load_n(&a->hold_req, __ATOMIC_ACQUIRE) && wait > 10)
			wait = 10;
		it = queue_pop(a->q, wait);
		hold_point(a);
		if (it == NULL) {
			if (a->in_trx && !a->streaming && !flush_batch(a))
				set_dest_error(a, NULL);
			continue;
		}
		switch (it->kind) {
		case QI_START:
			binlog_decoder_forget_tables(a->dec);
			binlog_decoder_set_checksum(a->dec, it->len ? it->data[0] : 0);
			binlog_decoder_set_verify(a->dec, false); /* the reader verified */
			free(it);
			break;
		case QI_EVENT:
			(void)on_event(a, it);
			break;
		case QI_COMMIT:
			(void)on_commit(a, it);
			free(it);
			break;
		case QI_DISCARD:
			trx_clear(a);
			if (a->streaming) {
				rollback(a);
				a->streaming = false;
			}
			free(it);
			break;
		case QI_END:
			if (!a->streaming && a->trx_head == NULL && !flush_batch(a))
				set_dest_error(a, NULL);
			else if (a->status == APPLIER_RUNNING)
				a->status = APPLIER_DONE;
			free(it);
			break;
		}
	}
out:
	if (a->status != APPLIER_DONE)
		rollback(a);
	trx_clear(a);
	__atomic_store_n(&a->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

enum applier_status
applier_state(struct applier *a)
{
	if (!__atomic_load_n(&a->finished, __ATOMIC_ACQUIRE))
		return APPLIER_RUNNING;
	return a->status;
}

struct applier *
applier_start(const struct cfg *c, struct queue *q, const struct filter *f,
    struct recent *recent, char *err, size_t errlen)
{
	struct applier *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->cfg = c;
	a->q = q;
	a->f = f;
	a->recent = recent;
	a->status = APPLIER_RUNNING;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->hold_cv, NULL);
	a->dec = binlog_decoder_new();
	if (a->dec == NULL || pthread_create(&a->thread, NULL, applier_main, a) != 0) {
		snprintf(err, errlen, "cannot start the applier thread");
		binlog_decoder_free(a->dec);
		free(a);
		return NULL;
	}
	return a;
}

void
applier_stop(struct applier *a)
{
	a->stop = 1;
}

enum applier_status
applier_join(struct applier *a, char *msg, size_t msglen)
{
	pthread_join(a->thread, NULL);
	snprintf(msg, msglen, "%s", a->msg);
	return a->status;
}

void
applier_get_stats(struct applier *a, struct applier_stats *out)
{
	pthread_mutex_lock(&a->lock);
	*out = a->stats;
	pthread_mutex_unlock(&a->lock);
}

void
applier_free(struct applier *a)
{
	if (a == NULL)
		return;
	net_free(a);
	sbuf_free(&a->keybuf);
	sbuf_free(&a->jsig);
	sbuf_free(&a->jtmp);
	sbuf_free(&a->jsqltmp);
	sbuf_free(&a->jxsql);
	free(a->jx);
	schema_flush(&a->sc, free_stmts);
	state_seam_free(&a->seam);
	if (a->ckpt_st != NULL)
		mysql_stmt_close(a->ckpt_st);
	dest_close(&a->d);
	collations_free(a->colls);
	binlog_decoder_free(a->dec);
	arena_free(&a->ar);
	free(a->binds);
	free(a->vals);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->hold_cv);
	free(a);
}
