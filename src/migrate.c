/* migrate.c: start = snapshot: schema, consistent copy and the position the stream starts from. */
#include "src/migrate.h"
#include "src/migrate_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/collation.h"
#include "src/copy.h"
#include "src/deferred.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/objects.h"
#include "src/sequences.h"
#include "src/snapshot.h"

static const char *const phase_names[] = {
	"precheck", "schema", "copy", "indexes", "objects", "catch-up", "streaming",
};

const char *
migrate_phase_name(enum migrate_phase p)
{
	return (unsigned)p < sizeof(phase_names) / sizeof(phase_names[0]) ?
	    phase_names[p] : "?";
}

void
migrate_state_init(struct migrate_state *ms)
{
	memset(ms, 0, sizeof(*ms));
	pthread_mutex_init(&ms->mu, NULL);
}

void
migrate_state_free(struct migrate_state *ms)
{
	pthread_mutex_destroy(&ms->mu);
}

void
migrate_stop(struct migrate_state *ms)
{
	pthread_mutex_lock(&ms->mu);
	ms->stop = true;
	if (ms->copy != NULL)
		copy_stop(ms->copy);
	pthread_mutex_unlock(&ms->mu);
}

void
migrate_status_json(struct migrate_state *ms, char *buf, size_t len)
{
	struct copy_progress p;
	int n;

	n = snprintf(buf, len, "\"phase\": \"%s\"", migrate_phase_name(ms->phase));
	if (n < 0 || (size_t)n >= len)
		return;
	pthread_mutex_lock(&ms->mu);
	if (ms->copy != NULL) {
		copy_get_progress(ms->copy, &p);
		struct sbuf tj = { 0 };
		copy_tables_json(ms->copy, &tj, 200);
		sbuf_addc(&tj, '\0');
		snprintf(buf + n, len - (size_t)n, ", \"copy\": {\"tables\": %u, "
		    "\"tables_planned\": %u, \"chunks_done\": %" PRIu64 ", "
		    "\"chunks_reused\": %" PRIu64 ", \"rows\": %" PRIu64 ", "
		    "\"rows_estimated\": %" PRIu64 ", \"bytes\": %" PRIu64 ", "
		    "\"rows_per_second\": %.0f, \"eta_seconds\": %ld, \"per_table\": [%s]}",
		    p.tables, p.tables_done, p.chunks_done, p.chunks_reused, p.rows,
		    p.rows_est, p.bytes, p.rows_per_second, p.eta_seconds,
		    tj.oom || tj.p == NULL ? "" : tj.p);
		sbuf_free(&tj);
	}
	pthread_mutex_unlock(&ms->mu);
}

void
migrate_status_metrics(struct migrate_state *ms, struct migrate_metrics *out)
{
	struct copy_progress p;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&ms->mu);
	if (ms->copy != NULL) {
		copy_get_progress(ms->copy, &p);
		out->rows = p.rows;
		out->bytes = p.bytes;
		out->rows_est = p.rows_est;
		out->chunks = p.chunks_done;
	}
	pthread_mutex_unlock(&ms->mu);
}

static void
set_phase(struct migrate_state *ms, enum migrate_phase p)
{
	ms->phase = (int)p;
	log_info("phase: %s", migrate_phase_name(p));
}

/* Record the migration's error (fatal: no retry cures it); returns false. */
bool
mig_fail(struct mig *m, bool fatal, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, m->errlen, fmt, ap);
	va_end(ap);
	m->fatal = fatal;
	return false;
}

/* The error of connection d, fatal when no retry cures it. */
bool
mig_fail_dest(struct mig *m, struct dest *d)
{
	return mig_fail(m, dest_permanent(d), "%s", d->err);
}

/* The source must log every row change whole. */
static bool
check_source(struct mig *m)
{
	MYSQL_RES *res = dest_result(&m->src, "SELECT @@global.log_bin, @@global.binlog_format, "
	    "@@global.binlog_row_image");
	MYSQL_ROW row;
	bool ok = true;

	if (res == NULL)
		return mig_fail_dest(m, &m->src);
	row = mysql_fetch_row(res);
	if (row == NULL || row[0] == NULL || strcmp(row[0], "1") != 0)
		ok = mig_fail(m, true, "%s: binary logging is off (log_bin): a migration needs "
		    "the binlog from the copy on; enable log_bin with binlog_format = ROW",
		    m->src.where);
	else if (row[1] == NULL || strcasecmp(row[1], "ROW") != 0)
		ok = mig_fail(m, true, "%s: binlog_format is %s: a migration needs ROW (SET "
		    "GLOBAL binlog_format = 'ROW', then reconnect the applications)",
		    m->src.where, row[1] ? row[1] : "NULL");
	else if (row[2] == NULL || (strcasecmp(row[2], "FULL") != 0 &&
	    strcasecmp(row[2], "FULL_NODUP") != 0))
		ok = mig_fail(m, true, "%s: binlog_row_image is %s: the stream that follows the "
		    "copy replays changes onto rows that may already hold them, which needs "
		    "whole row images (FULL, or FULL_NODUP on MariaDB: whole before images): "
		    "SET GLOBAL binlog_row_image = 'FULL'", m->src.where,
		    row[2] ? row[2] : "NULL");
	mysql_free_result(res);
	return ok;
}

/* The copy loads with LOAD DATA LOCAL: MySQL 8 turns it off by default. */
static bool
check_local_infile(struct mig *m)
{
	char *v = NULL;

	if (!dest_value(&m->dst, "SELECT @@global.local_infile", &v))
		return mig_fail_dest(m, &m->dst);
	if (v != NULL && strcmp(v, "0") == 0) {
		free(v);
		if (!dest_exec(&m->dst, "SET GLOBAL local_infile = 1"))
			return mig_fail(m, true, "%s: local_infile is OFF and could not be turned "
			    "on (%s): the copy loads rows with LOAD DATA LOCAL; run SET GLOBAL "
			    "local_infile = 1 on the destination", m->dst.where, m->dst.err);
		log_warn("%s: local_infile was OFF: turned ON (SET GLOBAL local_infile = 1) "
		    "for the copy's LOAD DATA LOCAL, OFF again when it ends (if myshift is "
		    "stopped or killed before, when the copy of a later run ends)",
		    m->dst.where);
		m->infile_on = true;
		return true;
	}
	free(v);
	return true;
}

/* The migration's state tables on the destination; its phase ("" none yet). */
static bool
state_tables(struct mig *m)
{
	return state_migration_create(&m->dst, m->c->state_schema) ||
	    mig_fail_dest(m, &m->dst);
}

static bool
read_phase(struct mig *m, char *phase, size_t len)
{
	return state_phase_read(&m->dst, m->c->state_schema, phase, len) ||
	    mig_fail_dest(m, &m->dst);
}

static bool
write_phase(struct mig *m, const char *phase, const struct snap_pos *seam)
{
	return state_phase_write(&m->dst, m->c->state_schema, phase, seam) ||
	    mig_fail_dest(m, &m->dst);
}

/*
 * Resuming a copy: a table an earlier run created (copy_tables) that the
 * source no longer has was dropped or renamed since: recorded gone at the
 * source's position now (past that DDL), so that the catch-up replays its
 * DROP or, if that came before the catch-up's start, drops it on the
 * destination when the catch-up ends (a table left out by the filters
 * since, but still on the source, stays as it is).
 */
static bool
gone_since(struct mig *m)
{
	struct sbuf q = { 0 };
	struct snap_pos now = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = true;

	sbuf_printf(&q, "SELECT t.src_db, t.src_table FROM `%s`.`copy_tables` t WHERE NOT "
	    "EXISTS (SELECT 1 FROM `%s`.`copy_chunks` c WHERE c.src_db = t.src_db AND "
	    "c.src_table = t.src_table AND c.gone > 0)", m->c->state_schema,
	    m->c->state_schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&m->dst, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		return mig_fail_dest(m, &m->dst);
	}
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		bool listed = false, exists;
		for (unsigned i = 0; i < m->n && !listed; i++)
			listed = strcmp(m->t[i].sdb, row[0]) == 0 && strcmp(m->t[i].stbl, row[1]) == 0;
		if (listed)
			continue;
		if (!dest_table_exists(&m->src, row[0], row[1], &exists)) {
			ok = mig_fail_dest(m, &m->src);
			break;
		}
		if (!exists)
			ok = (now.file[0] != '\0' || mig_source_position(m, &now)) &&
			    (copy_record_gone(&m->dst, m->c->state_schema, row[0], row[1], &now) ||
			    mig_fail_dest(m, &m->dst));
	}
	mysql_free_result(res);
	sbuf_free(&q);
	snap_pos_free(&now);
	return ok;
}

/* The indexer's error stops the copy (its callback). */
static void
stop_copy(void *cp)
{
	copy_stop(cp);
}

/*
 * local_infile turned on by this migration is recorded in its state (row 2
 * of migration) as soon as that exists, so that a run after a kill turns
 * it off again when its copy ends; an earlier run's record is read here.
 */
static bool
infile_state(struct mig *m)
{
	const char *s = m->c->state_schema;
	char *v = NULL, sql[200];

	if (m->infile_on)
		return dest_execf(&m->dst, "INSERT INTO `%s`.`migration` (id, phase) VALUES "
		    "(2, 'local_infile') ON DUPLICATE KEY UPDATE phase = VALUES(phase)", s) ||
		    mig_fail_dest(m, &m->dst);
	snprintf(sql, sizeof(sql), "SELECT phase FROM `%s`.`migration` WHERE id = 2", s);
	if (!dest_value(&m->dst, sql, &v))
		return mig_fail_dest(m, &m->dst);
	if (v != NULL && strcmp(v, "local_infile") == 0) {
		log_info("%s: local_infile was turned ON by an earlier run of this "
		    "migration: OFF again when the copy ends", m->dst.where);
		m->infile_on = true;
	}
	free(v);
	return true;
}

/* Where the source is now (the stream's start when there is nothing to copy). */
bool
mig_source_position(struct mig *m, struct snap_pos *p)
{
	if (snapshot_position_now(&m->src, p, m->err, m->errlen))
		return true;
	m->fatal = dest_permanent(&m->src);
	return false;
}

bool
migrate_run(const struct cfg *c, const struct filter *f, struct migrate_state *ms,
    struct ckpt *start, bool *fatal, char *err, size_t errlen)
{
	struct mig m = { 0 };
	struct copy_spec *specs = NULL;
	struct snap_pos low = { 0 }, high = { 0 }, now = { 0 };
	bool fresh = true;
	char phase[32];
	bool ok = false, transient = false;

	m.c = c;
	m.f = f;
	m.err = err;
	m.errlen = errlen;
	memset(start, 0, sizeof(*start));
	set_phase(ms, MIGRATE_PRECHECK);
	if (!dest_connect(&m.src, &c->source, "source")) {
		snprintf(err, errlen, "%s", m.src.err);
		*fatal = dest_permanent(&m.src);
		return false;
	}
	m.dst.table_ddl = true; /* the schema, keyless tables as the source has them */
	if (!dest_connect(&m.dst, &c->destination, "destination")) {
		snprintf(err, errlen, "%s", m.dst.err);
		*fatal = dest_permanent(&m.dst);
		dest_close(&m.src);
		return false;
	}
	if (m.dst.keyless_refused)
		log_warn("%s requires primary keys (sql_require_primary_key = ON) and does not "
		    "let myshift's session create tables without one: a selected table "
		    "without a primary key will fail; " DEST_KEYLESS_FIX, m.dst.where);
	m.mariadb = dest_is_mariadb(&m.src);
	m.dst_mariadb = dest_is_mariadb(&m.dst);
	if (!dest_exec(&m.src, "SET SESSION sql_quote_show_create = 1")) {
		mig_fail_dest(&m, &m.src);
		goto out;
	}
	if (!dest_exec(&m.dst, "SET @myshift_session = 1, SESSION sql_mode = "
	    "'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")) {
		mig_fail_dest(&m, &m.dst);
		goto out;
	}
	if (!check_source(&m) || !check_local_infile(&m))
		goto out;
	m.coll = collations_load(&m.src, &m.dst, c->collation_map, &transient, err, errlen);
	if (m.coll == NULL) {
		m.fatal = !transient;
		goto out;
	}
	if (!m.mariadb) {
		char *u = NULL;
		if (dest_value(&m.src, "SELECT @@server_uuid", &u) && u != NULL)
			snprintf(start->server, sizeof(start->server), "%s", u);
		free(u);
	}
	if (!mig_list_tables(&m))
		goto out;
	/* an earlier run's state, if any: read before anything is written */
	{
		char *has = NULL, sql[300];
		snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.TABLES WHERE "
		    "TABLE_SCHEMA = '%s' AND TABLE_NAME = 'copy_tables'", c->state_schema);
		if (!dest_value(&m.dst, sql, &has)) {
			mig_fail_dest(&m, &m.dst);
			goto out;
		}
		if (has != NULL && !mig_mark_ours(&m)) {
			free(has);
			goto out;
		}
		fresh = has == NULL;
		free(has);
	}
	if (!mig_check_conflicts(&m, fresh))
		goto out;
	if (!state_tables(&m) || !infile_state(&m) || !read_phase(&m, phase, sizeof(phase)))
		goto out;
	if (phase[0] == '\0') {
		/* a new migration: where the source is before its schema is read */
		if (!mig_source_position(&m, &now) || !write_phase(&m, "schema", &now))
			goto out;
	} else if ((strcmp(phase, "schema") == 0 || strcmp(phase, "copy") == 0) &&
	    !gone_since(&m))
		goto out;
	set_phase(ms, MIGRATE_SCHEMA);
	if (!mig_create_schema(&m))
		goto out;
	if (!write_phase(&m, "copy", NULL) || !mig_xa_floor(&m) || !mig_relist(&m))
		goto out;
	/* copy */
	set_phase(ms, MIGRATE_COPY);
	specs = calloc(m.n ? m.n : 1, sizeof(*specs));
	if (specs == NULL) {
		mig_fail(&m, true, "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < m.n; i++) {
		specs[i].sdb = m.t[i].sdb;
		specs[i].stbl = m.t[i].stbl;
		specs[i].ddb = m.t[i].ddb;
		specs[i].dtbl = m.t[i].dtbl;
		specs[i].rows_est = m.t[i].rows_est;
	}
	{
		struct copy *cp = copy_new(c, specs, m.n, m.mariadb);
		bool cfatal;
		if (cp == NULL) {
			mig_fail(&m, true, "out of memory");
			goto out;
		}
		/* each table's indexes as soon as its rows are in */
		struct indexer *ix = indexer_start(c, stop_copy, cp);
		if (ix == NULL) {
			copy_free(cp);
			mig_fail(&m, true, "out of memory");
			goto out;
		}
		copy_on_table_done(cp, indexer_table_done, ix);
		pthread_mutex_lock(&ms->mu);
		ms->copy = cp;
		if (ms->stop)
			copy_stop(cp);
		pthread_mutex_unlock(&ms->mu);
		ok = copy_run(cp, &cfatal, err, errlen);
		pthread_mutex_lock(&ms->mu);
		ms->copy = NULL;
		pthread_mutex_unlock(&ms->mu);
		if (!ok)
			indexer_stop(ix);
		else
			set_phase(ms, MIGRATE_INDEXES);
		char ierr[2048];
		bool iok = indexer_finish(ix, ierr, sizeof(ierr));
		copy_free(cp);
		if (!iok && (ok || !cfatal)) {
			/* what stopped the copy (or would stop the pass after it) */
			mig_fail(&m, true, "%s", ierr);
			goto out;
		}
		if (!ok) {
			m.fatal = cfatal;
			goto out;
		}
		ok = false;
	}
	if (!mig_check_definitions(&m))
		goto out;
	if (!deferred_add(&m.dst, c->state_schema, false, NULL, NULL, &m.fatal, err, errlen) ||
	    !deferred_add(&m.dst, c->state_schema, true, NULL, NULL, &m.fatal, err, errlen))
		goto out;
	/* views, routines, triggers (guarded), events (disabled): read after the copy */
	set_phase(ms, MIGRATE_OBJECTS);
	{
		struct objects_report rep;
		bool ofatal;
		if (!objects_copy(&m.src, &m.dst, f, c->state_schema, c->copy_definer,
		    strcmp(c->copy_on_conflict, "ignore") == 0, &rep, &ofatal, err, errlen)) {
			m.fatal = ofatal;
			goto out;
		}
		log_info("objects: %u view(s), %u routine(s), %u trigger(s) (guarded), %u "
		    "event(s) (disabled) created; %u kept; %u definer(s) rewritten",
		    rep.views, rep.routines, rep.triggers, rep.events, rep.reused,
		    rep.definers_rewritten);
		if (!dest_exec(&m.dst, "SET @myshift_session = 1, SESSION sql_mode = "
		    "'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")) {
			mig_fail_dest(&m, &m.dst);
			goto out;
		}
	}
	/*
	 * The seam: from the lowest position any chunk was read at, to the
	 * highest, or to where the source was when the objects had been read
	 * if that is later: their DDL before it is not replayed again.
	 */
	if (!state_copy_positions(&m.dst, c->state_schema, &low, &high, err, errlen)) {
		m.fatal = false;
		goto out;
	}
	/*
	 * MariaDB: the chunks' snapshots keep no GTID position (reading it
	 * scans the binlog file up to the snapshot's offset, for every chunk):
	 * the seam's ends get theirs here, once.
	 */
	if (m.mariadb && ((low.file[0] != '\0' && !snapshot_gtid_at(&m.src, &low)) ||
	    (high.file[0] != '\0' && !snapshot_gtid_at(&m.src, &high)))) {
		mig_fail_dest(&m, &m.src);
		goto out;
	}
	if (!mig_xa_floor_apply(&m, &low))
		goto out;
	if (!mig_source_position(&m, &now))
		goto out;
	/* sequences: their state read now, the stream from no later replays what follows */
	if (m.mariadb && m.dst_mariadb) {
		unsigned nseq;
		bool sfatal;
		if (!sequences_copy(&m.src, &m.dst, f, &nseq, &sfatal, err, errlen)) {
			m.fatal = sfatal;
			goto out;
		}
		if (nseq > 0)
			log_info("sequences: %u created where missing and set to the source's "
			    "state", nseq);
	}
	if (low.file[0] == '\0') {
		/* nothing was copied: the stream starts where the source is now */
		if (!snap_pos_copy(&low, &now)) {
			mig_fail(&m, true, "out of memory");
			goto out;
		}
	}
	if ((high.file[0] == '\0' || snap_pos_cmp(now.file, now.pos, high.file, high.pos) > 0) &&
	    !snap_pos_copy(&high, &now)) {
		mig_fail(&m, true, "out of memory");
		goto out;
	}
	if (!write_phase(&m, "catch-up", &high))
		goto out;
	snprintf(start->file, sizeof(start->file), "%s", low.file);
	start->pos = low.pos;
	snprintf(start->gtid, sizeof(start->gtid), "%s", low.gtid ? low.gtid : "");
	log_info("copy done: the stream starts at %s:%" PRIu64 "%s%s%s and replays "
	    "idempotently until %s:%" PRIu64, low.file, low.pos,
	    start->gtid[0] ? " (GTIDs applied there: " : "", start->gtid,
	    start->gtid[0] ? ")" : "", high.file, high.pos);
	ok = true;
out:
	if (m.infile_on) {
		if (dest_exec(&m.dst, "SET GLOBAL local_infile = 0")) {
			log_info("%s: local_infile is OFF again", m.dst.where);
			if (!dest_execf(&m.dst, "DELETE FROM `%s`.`migration` WHERE id = 2",
			    c->state_schema))
				log_warn("%s: could not clear the record of local_infile "
				    "(%s): a later run turns it OFF again", m.dst.where, m.dst.err);
		} else
			log_warn("%s: could not turn local_infile OFF again (%s): run SET "
			    "GLOBAL local_infile = 0 on the destination", m.dst.where, m.dst.err);
	}
	*fatal = m.fatal;
	free(specs);
	free(m.t);
	collations_free(m.coll);
	snap_pos_free(&low);
	snap_pos_free(&high);
	snap_pos_free(&now);
	dest_close(&m.src);
	dest_close(&m.dst);
	return ok;
}

