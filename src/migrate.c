/* migrate.c: start = snapshot: schema, consistent copy and the position the stream starts from. */
#include "src/migrate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/sbuf.h"
#include "src/collation.h"
#include "src/copy.h"
#include "src/deferred.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/objects.h"
#include "src/sequences.h"
#include "src/snapshot.h"
#include "src/sqlclass.h"
#include "src/tabledef.h"

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

/* One selected table of the source. */
struct mtable {
	char sdb[65], stbl[65], ddb[65], dtbl[65];
	uint64_t rows_est;
	bool ours;         /* created by this migration (in copy_tables) */
	bool exists;       /* on the destination before */
};

struct mig {
	const struct cfg *c;
	const struct filter *f;
	struct dest src, dst;
	bool mariadb;     /* the source */
	bool dst_mariadb; /* the destination */
	struct mtable *t;
	unsigned n;
	struct collations *coll;
	char *err;
	size_t errlen;
	bool fatal;
	bool infile_on; /* local_infile turned on for the copy: off again at the end */
};

static bool
fail(struct mig *m, bool fatal, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool
fail(struct mig *m, bool fatal, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->err, m->errlen, fmt, ap);
	va_end(ap);
	m->fatal = fatal;
	return false;
}

static bool
fail_dest(struct mig *m, struct dest *d)
{
	return fail(m, dest_permanent(d), "%s", d->err);
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
		return fail_dest(m, &m->src);
	row = mysql_fetch_row(res);
	if (row == NULL || row[0] == NULL || strcmp(row[0], "1") != 0)
		ok = fail(m, true, "%s: binary logging is off (log_bin): a migration needs "
		    "the binlog from the copy on; enable log_bin with binlog_format = ROW",
		    m->src.where);
	else if (row[1] == NULL || strcasecmp(row[1], "ROW") != 0)
		ok = fail(m, true, "%s: binlog_format is %s: a migration needs ROW (SET "
		    "GLOBAL binlog_format = 'ROW', then reconnect the applications)",
		    m->src.where, row[1] ? row[1] : "NULL");
	else if (row[2] == NULL || strcasecmp(row[2], "FULL") != 0)
		ok = fail(m, true, "%s: binlog_row_image is %s: the stream that follows the "
		    "copy replays changes onto rows that may already hold them, which needs "
		    "whole row images: SET GLOBAL binlog_row_image = 'FULL'", m->src.where,
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
		return fail_dest(m, &m->dst);
	if (v != NULL && strcmp(v, "0") == 0) {
		free(v);
		if (!dest_exec(&m->dst, "SET GLOBAL local_infile = 1"))
			return fail(m, true, "%s: local_infile is OFF and could not be turned "
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

static bool
state_tables(struct mig *m)
{
	const char *s = m->c->state_schema;

	if (!dest_execf(&m->dst, "CREATE DATABASE IF NOT EXISTS `%s`", s) ||
	    !dest_execf(&m->dst, "CREATE TABLE IF NOT EXISTS `%s`.`migration` ("
		"id TINYINT UNSIGNED NOT NULL PRIMARY KEY, phase VARCHAR(16) NOT NULL, "
		"seam_file VARCHAR(512) NULL, seam_pos BIGINT UNSIGNED NULL, "
		"updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE "
		"CURRENT_TIMESTAMP(6)) ENGINE=InnoDB", s) ||
	    !dest_execf(&m->dst, "CREATE TABLE IF NOT EXISTS `%s`.`copy_tables` ("
		"src_db VARCHAR(64) NOT NULL, src_table VARCHAR(64) NOT NULL, "
		"dst_db VARCHAR(64) NOT NULL, dst_table VARCHAR(64) NOT NULL, "
		"deferred_indexes MEDIUMTEXT NULL, deferred_fks MEDIUMTEXT NULL, "
		"indexed TINYINT NOT NULL DEFAULT 0, fks TINYINT NOT NULL DEFAULT 0, "
		"src_create MEDIUMTEXT NULL, "
		"PRIMARY KEY (src_db, src_table)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
		"COLLATE=utf8mb4_bin", s) ||
	    !copy_state_create(&m->dst, s) ||
	    !dest_add_column(&m->dst, s, "migration", "seam_gtid",
		"seam_gtid MEDIUMTEXT NULL AFTER seam_pos"))
		return fail_dest(m, &m->dst);
	return true;
}

/* The selected base tables of the source, and which exist on the destination. */
static bool
list_tables(struct mig *m)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf q = { 0 };
	size_t cap = 0;

	res = dest_result(&m->src, "SELECT TABLE_SCHEMA, TABLE_NAME, IFNULL(TABLE_ROWS, 0) FROM "
	    "information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA "
	    "NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') "
	    "ORDER BY TABLE_SCHEMA, TABLE_NAME");
	if (res == NULL)
		return fail_dest(m, &m->src);
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (!filter_table(m->f, row[0], row[1]))
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct mtable *nt = realloc(m->t, cap * sizeof(*nt));
			if (nt == NULL) {
				mysql_free_result(res);
				return fail(m, true, "out of memory");
			}
			m->t = nt;
		}
		struct mtable *t = &m->t[m->n++];
		memset(t, 0, sizeof(*t));
		snprintf(t->sdb, sizeof(t->sdb), "%s", row[0]);
		snprintf(t->stbl, sizeof(t->stbl), "%s", row[1]);
		filter_map(m->f, row[0], row[1], t->ddb, sizeof(t->ddb), t->dtbl,
		    sizeof(t->dtbl));
		t->rows_est = strtoull(row[2], NULL, 10);
	}
	mysql_free_result(res);
	/* what else the filter selects and the copy does not handle: said, not skipped silently */
	res = dest_result(&m->src, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM "
	    "information_schema.TABLES WHERE TABLE_TYPE NOT IN ('BASE TABLE', 'VIEW') AND "
	    "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', "
	    "'sys')");
	if (res == NULL)
		return fail_dest(m, &m->src);
	while ((row = mysql_fetch_row(res)) != NULL)
		if (filter_table(m->f, row[0], row[1]) && !(strcmp(row[2], "SEQUENCE") == 0 &&
		    m->mariadb && m->dst_mariadb))
			log_warn("`%s`.`%s` is a %s: not copied (create it on the destination "
			    "by hand)", row[0], row[1], row[2]);
	mysql_free_result(res);
	/* which exist on the destination, and which of those this migration made */
	for (unsigned i = 0; i < m->n; i++) {
		struct mtable *t = &m->t[i];
		char *v = NULL;
		sbuf_reset(&q);
		sbuf_adds(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
		sbuf_sql_string(&q, t->ddb);
		sbuf_adds(&q, " AND TABLE_NAME = ");
		sbuf_sql_string(&q, t->dtbl);
		sbuf_addc(&q, '\0');
		if (q.oom || !dest_value(&m->dst, q.p, &v)) {
			sbuf_free(&q);
			return fail_dest(m, &m->dst);
		}
		t->exists = v != NULL;
		free(v);
	}
	sbuf_free(&q);
	return true;
}

/* Which tables an earlier run of this migration created (state exists). */
static bool
mark_ours(struct mig *m)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	sbuf_printf(&q, "SELECT src_db, src_table FROM `%s`.`copy_tables`",
	    m->c->state_schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&m->dst, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return fail_dest(m, &m->dst);
	while ((row = mysql_fetch_row(res)) != NULL)
		for (unsigned i = 0; i < m->n; i++)
			if (strcmp(m->t[i].sdb, row[0]) == 0 && strcmp(m->t[i].stbl, row[1]) == 0)
				m->t[i].ours = true;
	mysql_free_result(res);
	return true;
}

/* A table's columns as "name type," in order, on server d (malloc'ed, NULL on error). */
static char *
column_shape(struct dest *d, const char *db, const char *table)
{
	struct sbuf q = { 0 };
	char *v = NULL;

	/* integer display widths differ between MySQL 8 and MariaDB: not compared */
	sbuf_adds(&q, "SELECT GROUP_CONCAT(COLUMN_NAME, ' ', IF(DATA_TYPE IN ('tinyint', "
	    "'smallint', 'mediumint', 'int', 'bigint'), CONCAT(DATA_TYPE, IF(COLUMN_TYPE "
	    "LIKE '%unsigned%', ' unsigned', '')), COLUMN_TYPE), ' ', IS_NULLABLE "
	    "ORDER BY ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.COLUMNS "
	    "WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, table);
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_value(d, q.p, &v))
		v = NULL;
	sbuf_free(&q);
	return v;
}

/*
 * on_conflict = error: every selected table already on the destination,
 * listed; ignore: they are reused when their columns are the source's.
 * fresh (no earlier run of this migration): the selected sequences too
 * (between MariaDB servers, the only ones that move them); a resumed run
 * finds the ones it made.
 */
static bool
check_conflicts(struct mig *m, bool fresh)
{
	struct sbuf l = { 0 };
	unsigned n = 0;

	if (fresh && m->mariadb && m->dst_mariadb) {
		struct sbuf sl = { 0 };
		unsigned ns = 0;
		bool sfatal;
		char serr[1024];
		if (!sequences_existing(&m->src, &m->dst, m->f, &sl, &ns, &sfatal, serr,
		    sizeof(serr))) {
			sbuf_free(&sl);
			fail(m, sfatal, "%s", serr);
			return false;
		}
		sbuf_addc(&sl, '\0');
		if (ns > 0 && strcmp(m->c->copy_on_conflict, "ignore") == 0)
			log_warn("on_conflict = ignore: %u sequence(s) already on the destination "
			    "are reused and will be set to the source's state: %s", ns,
			    sl.p ? sl.p : "");
		else if (ns > 0) {
			/* listed with the tables below */
			sbuf_printf(&l, "%s", sl.p);
			n += ns;
		}
		sbuf_free(&sl);
	}

	if (strcmp(m->c->copy_on_conflict, "ignore") == 0) {
		for (unsigned i = 0; i < m->n; i++) {
			struct mtable *t = &m->t[i];
			if (!t->exists || t->ours)
				continue;
			char *a = column_shape(&m->src, t->sdb, t->stbl);
			char *b = a ? column_shape(&m->dst, t->ddb, t->dtbl) : NULL;
			bool same = a != NULL && b != NULL && strcmp(a, b) == 0;
			if (a == NULL || b == NULL) {
				free(a);
				free(b);
				return fail_dest(m, a == NULL ? &m->src : &m->dst);
			}
			if (!same) {
				fail(m, true, "on_conflict = ignore: `%s`.`%s` exists on the "
				    "destination with other columns (%.300s) than the source's "
				    "(%.300s): drop it or make it match; nothing was written",
				    t->ddb, t->dtbl, b, a);
				free(a);
				free(b);
				return false;
			}
			free(a);
			free(b);
		}
	}

	for (unsigned i = 0; i < m->n; i++) {
		if (!m->t[i].exists || m->t[i].ours)
			continue;
		sbuf_printf(&l, "%s`%s`.`%s`", n ? ", " : "", m->t[i].ddb, m->t[i].dtbl);
		n++;
	}
	if (n == 0)
		return true;
	sbuf_addc(&l, '\0');
	if (strcmp(m->c->copy_on_conflict, "ignore") == 0) {
		log_warn("on_conflict = ignore: %u table(s) already on the destination are "
		    "reused, their rows with a key the copy also has left as they are: %s",
		    n, l.p ? l.p : "");
		sbuf_free(&l);
		return true;
	}
	fail(m, true, "%u selected table(s) already exist on the %s: %s; "
	    "nothing was written. Drop them, exclude them ([filter]), or set [copy] "
	    "on_conflict = ignore to reuse them", n, m->dst.where, l.p ? l.p : "");
	sbuf_free(&l);
	return false;
}

/* Whether a SHOW CREATE TABLE line defines an index or foreign key to add after the data. */
static int
deferrable(const char *line, const char *keep_key)
{
	static const char *const idx[] = { "KEY ", "UNIQUE KEY ", "FULLTEXT KEY ",
		"SPATIAL KEY ", "INDEX ", "UNIQUE INDEX ", "VECTOR KEY ", "VECTOR INDEX ",
		NULL };

	for (unsigned i = 0; idx[i]; i++) {
		size_t n = strlen(idx[i]);
		if (strncmp(line, idx[i], n) == 0) {
			/* the copy's key (a unique key standing in for a primary key) stays */
			if (keep_key != NULL && strncmp(line + n, keep_key, strlen(keep_key)) == 0)
				return 0;
			return 1;
		}
	}
	if (strncmp(line, "CONSTRAINT ", 11) == 0 && strstr(line, " FOREIGN KEY ") != NULL)
		return 2;
	return 0;
}

/*
 * Create t on the destination from the source's SHOW CREATE TABLE, without
 * its secondary indexes and foreign keys (added after the data: faster, and
 * the copy's order of tables does not matter), and record what was left out.
 */
static bool
create_table(struct mig *m, struct mtable *t)
{
	struct sbuf q = { 0 }, body = { 0 }, idx = { 0 }, fks = { 0 }, fit = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *sql, *orig, *p, *line, *next, *rewritten, kept_key[200] = "", *ai = NULL;
	bool changed, ok, first = true, has_pk;
	char err[1024];

	sbuf_adds(&q, "SHOW CREATE TABLE ");
	dest_quote(&q, t->sdb);
	sbuf_addc(&q, '.');
	dest_quote(&q, t->stbl);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&m->src, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		return fail_dest(m, &m->src);
	}
	row = mysql_fetch_row(res);
	sql = row && row[1] ? strdup(row[1]) : NULL;
	orig = row && row[1] ? strdup(row[1]) : NULL;
	mysql_free_result(res);
	if (sql == NULL || orig == NULL) {
		sbuf_free(&q);
		free(sql);
		free(orig);
		return fail(m, true, "SHOW CREATE TABLE `%s`.`%s` gave nothing", t->sdb, t->stbl);
	}
	if (filter_renames(m->f)) {
		/* names of renamed databases and tables, also in REFERENCES clauses */
		char *r = sql_rewrite(sql, strlen(sql), t->sdb, m->f);
		if (r == NULL) {
			sbuf_free(&q);
			free(sql);
			free(orig);
			return fail(m, true, "out of memory");
		}
		free(sql);
		sql = r;
	}
	/* the auto-increment column's index and the copy's key must stay */
	sbuf_reset(&q);
	sbuf_adds(&q, "SELECT (SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
	    "TABLE_SCHEMA = ");
	sbuf_sql_string(&q, t->sdb);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, t->stbl);
	sbuf_adds(&q, " AND EXTRA LIKE '%auto_increment%' LIMIT 1)");
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_value(&m->src, q.p, &ai)) {
		sbuf_free(&q);
		free(sql);
		free(orig);
		return fail_dest(m, &m->src);
	}
	has_pk = strstr(sql, "\n  PRIMARY KEY ") != NULL;
	if (!has_pk) {
		/* the first unique index of NOT NULL columns, as copy.c picks it */
		char *k = NULL;
		sbuf_reset(&q);
		sbuf_adds(&q, "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE "
		    "TABLE_SCHEMA = ");
		sbuf_sql_string(&q, t->sdb);
		sbuf_adds(&q, " AND TABLE_NAME = ");
		sbuf_sql_string(&q, t->stbl);
		sbuf_adds(&q, " AND NON_UNIQUE = 0 GROUP BY INDEX_NAME HAVING "
		    "SUM(NULLABLE <> '') = 0 ORDER BY INDEX_NAME LIMIT 1");
		sbuf_addc(&q, '\0');
		if (q.oom || !dest_value(&m->src, q.p, &k)) {
			sbuf_free(&q);
			free(sql);
			free(orig);
			free(ai);
			return fail_dest(m, &m->src);
		}
		if (k != NULL) {
			kept_key[0] = '`';
			snprintf(kept_key + 1, sizeof(kept_key) - 2, "%s", k);
			strcat(kept_key, "`");
		}
		free(k);
	}
	/* the head up to the first line break: "CREATE TABLE `t` (" */
	p = strchr(sql, '\n');
	if (p == NULL) {
		sbuf_free(&q);
		free(sql);
		free(orig);
		free(ai);
		return fail(m, true, "SHOW CREATE TABLE `%s`.`%s`: unexpected form", t->sdb,
		    t->stbl);
	}
	sbuf_reset(&q);
	sbuf_adds(&q, "CREATE TABLE ");
	dest_quote(&q, t->ddb);
	sbuf_addc(&q, '.');
	dest_quote(&q, t->dtbl);
	sbuf_adds(&q, " (\n");
	for (line = p + 1; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (line[0] == ')') {
			sbuf_adds(&body, "\n");
			sbuf_adds(&body, line);
			/* the table options; then whatever follows (partitioning) */
			while (next != NULL && *next) {
				sbuf_addc(&body, '\n');
				char *nl = strchr(next, '\n');
				if (nl == NULL) {
					sbuf_adds(&body, next);
					break;
				}
				sbuf_add(&body, next, (size_t)(nl - next));
				next = nl + 1;
			}
			break;
		}
		char *d = line;
		while (*d == ' ')
			d++;
		size_t len = strlen(d);
		if (len > 0 && d[len - 1] == ',')
			d[--len] = '\0';
		const char *why;
		sbuf_reset(&fit);
		if (!tabledef_line(d, m->mariadb, m->dst_mariadb, &fit, &why)) {
			log_warn("table `%s`.`%s`: %s: %s: not created", t->sdb, t->stbl, d, why);
			continue;
		}
		sbuf_addc(&fit, '\0');
		if (fit.oom) {
			q.oom = true;
			break;
		}
		d = fit.p;
		int kind = deferrable(d, kept_key[0] ? kept_key : NULL);
		if (kind == 1 && ai != NULL) {
			/* an index that starts with the auto-increment column stays */
			char col[200];
			snprintf(col, sizeof(col), "(`%s`", ai);
			char *paren = strchr(d, '(');
			if (paren != NULL && strncmp(paren, col, strlen(col)) == 0)
				kind = 0;
		}
		if (kind == 1) {
			sbuf_adds(&idx, idx.len ? "\n" : "");
			sbuf_adds(&idx, d);
			continue;
		}
		if (kind == 2) {
			sbuf_adds(&fks, fks.len ? "\n" : "");
			sbuf_adds(&fks, d);
			continue;
		}
		if (!first)
			sbuf_adds(&q, ",\n");
		first = false;
		sbuf_adds(&q, "  ");
		sbuf_adds(&q, d);
	}
	sbuf_add(&q, body.p ? body.p : "", body.len);
	sbuf_addc(&q, '\0');
	sbuf_free(&fit);
	free(sql);
	free(ai);
	sbuf_free(&body);
	if (q.oom) {
		sbuf_free(&idx);
		sbuf_free(&fks);
		free(orig);
		return fail(m, true, "out of memory");
	}
	rewritten = collations_rewrite_sql(m->coll, q.p, strlen(q.p), true, &changed, err,
	    sizeof(err));
	sbuf_free(&q);
	if (rewritten == NULL) {
		sbuf_free(&idx);
		sbuf_free(&fks);
		free(orig);
		return fail(m, true, "table `%s`.`%s`: %s", t->sdb, t->stbl, err);
	}
	/* recorded first: a run stopped before or after the CREATE knows the table is its own */
	sbuf_reset(&q);
	sbuf_printf(&q, "REPLACE INTO `%s`.`copy_tables` (src_db, src_table, dst_db, "
	    "dst_table, deferred_indexes, deferred_fks, src_create) VALUES (",
	    m->c->state_schema);
	sbuf_sql_string(&q, t->sdb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, t->stbl);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, t->ddb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, t->dtbl);
	sbuf_adds(&q, ", ");
	sbuf_addc(&idx, '\0');
	sbuf_addc(&fks, '\0');
	sbuf_sql_string(&q, idx.p ? idx.p : "");
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, fks.p ? fks.p : "");
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, orig);
	sbuf_addc(&q, ')');
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&m->dst, q.p);
	sbuf_free(&q);
	sbuf_free(&idx);
	sbuf_free(&fks);
	free(orig);
	if (!ok) {
		free(rewritten);
		return fail_dest(m, &m->dst);
	}
	t->ours = true;
	ok = dest_exec(&m->dst, rewritten);
	free(rewritten);
	if (!ok)
		return fail(m, !dest_transient(&m->dst), "creating table `%s`.`%s`: %s",
		    t->ddb, t->dtbl, m->dst.err);
	return true;
}

/* Database sdb of the source as ddb on the destination, with its charset and collation. */
static bool
create_database(struct mig *m, const char *sdb, const char *ddb)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char err[1024], *sql;
	bool changed, ok;

	sbuf_adds(&q, "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME "
	    "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ");
	sbuf_sql_string(&q, sdb);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&m->src, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		return fail_dest(m, &m->src);
	}
	row = mysql_fetch_row(res);
	sbuf_reset(&q);
	sbuf_adds(&q, "CREATE DATABASE IF NOT EXISTS ");
	dest_quote(&q, ddb);
	if (row && row[0] && row[1])
		sbuf_printf(&q, " CHARACTER SET %s COLLATE %s", row[0], row[1]);
	mysql_free_result(res);
	sbuf_addc(&q, '\0');
	sql = q.oom ? NULL : collations_rewrite_sql(m->coll, q.p, strlen(q.p), true, &changed,
	    err, sizeof(err));
	sbuf_free(&q);
	if (sql == NULL)
		return fail(m, true, "database `%s`: %s", sdb, err);
	ok = dest_exec(&m->dst, sql);
	free(sql);
	return ok ? true : fail_dest(m, &m->dst);
}

/*
 * Databases and tables: the databases of the selected tables, then every
 * other selected database of the source (one with only views or routines,
 * or empty), as a dump would make them.
 */
static bool
create_schema(struct mig *m)
{
	char last[65] = "";
	unsigned created = 0, dbs = 0;
	MYSQL_RES *res;
	MYSQL_ROW row;

	for (unsigned i = 0; i < m->n; i++) {
		struct mtable *t = &m->t[i];
		if (t->exists)
			continue; /* made by an earlier run, or reused (on_conflict = ignore) */
		if (strcmp(last, t->ddb) != 0) {
			snprintf(last, sizeof(last), "%s", t->ddb);
			if (!create_database(m, t->sdb, t->ddb))
				return false;
			dbs++;
		}
		if (!create_table(m, t))
			return false;
		created++;
	}
	res = dest_result(&m->src, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
	    "ORDER BY SCHEMA_NAME");
	if (res == NULL)
		return fail_dest(m, &m->src);
	while ((row = mysql_fetch_row(res)) != NULL) {
		char ddb[200], dt[200];
		unsigned i;
		if (!filter_database(m->f, row[0]) || strcmp(row[0], m->c->state_schema) == 0)
			continue;
		filter_map(m->f, row[0], NULL, ddb, sizeof(ddb), dt, sizeof(dt));
		for (i = 0; i < m->n && strcmp(m->t[i].ddb, ddb) != 0; i++)
			;
		if (i < m->n)
			continue; /* a database of selected tables: made above, or there already */
		if (!create_database(m, row[0], ddb)) {
			mysql_free_result(res);
			return false;
		}
		dbs++;
	}
	mysql_free_result(res);
	log_info("schema: %u table(s) created, %u selected; %u database(s) created or found",
	    created, m->n, dbs);
	return true;
}

/* A table definition without its AUTO_INCREMENT=N counter. */
static void
strip_counter(char *s)
{
	char *p = strstr(s, " AUTO_INCREMENT=");

	if (p != NULL) {
		char *e = p + 16;
		while (*e >= '0' && *e <= '9')
			e++;
		memmove(p, e, strlen(e) + 1);
	}
}

/*
 * After the copy: every copied table must still have the definition it was
 * created from (a DDL before the copy's first snapshot would not be in the
 * stream the copy is followed by).
 */
static bool
check_definitions(struct mig *m)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res, *r2;
	MYSQL_ROW row, row2;
	bool ok = true;

	sbuf_printf(&q, "SELECT src_db, src_table, src_create FROM `%s`.`copy_tables` "
	    "WHERE src_create IS NOT NULL", m->c->state_schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&m->dst, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		return fail_dest(m, &m->dst);
	}
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		sbuf_reset(&q);
		sbuf_adds(&q, "SHOW CREATE TABLE ");
		dest_quote(&q, row[0]);
		sbuf_addc(&q, '.');
		dest_quote(&q, row[1]);
		sbuf_addc(&q, '\0');
		r2 = q.oom ? NULL : dest_result(&m->src, q.p);
		if (r2 == NULL && m->src.errnum == 1146)
			continue; /* dropped meanwhile: the stream drops it too */
		if (r2 == NULL) {
			ok = fail_dest(m, &m->src);
			break;
		}
		row2 = mysql_fetch_row(r2);
		char *now = row2 && row2[1] ? strdup(row2[1]) : NULL, *then = strdup(row[2]);
		if (now != NULL && then != NULL) {
			strip_counter(now);
			strip_counter(then);
			if (strcmp(now, then) != 0)
				ok = fail(m, true, "table `%s`.`%s` was changed by DDL on the source "
				    "while it was copied: the copy may not match it. Keep DDL off "
				    "the source during the copy, then drop the copied tables and "
				    "the state schema `%s` on the destination and run again",
				    row[0], row[1], m->c->state_schema);
		}
		free(now);
		free(then);
		mysql_free_result(r2);
	}
	mysql_free_result(res);
	sbuf_free(&q);
	return ok;
}

/* The migration row: its phase ("" none yet). */
static bool
read_phase(struct mig *m, char *phase, size_t len)
{
	char *v = NULL, sql[200];

	snprintf(sql, sizeof(sql), "SELECT phase FROM `%s`.`migration` WHERE id = 1",
	    m->c->state_schema);
	if (!dest_value(&m->dst, sql, &v))
		return fail_dest(m, &m->dst);
	snprintf(phase, len, "%s", v ? v : "");
	free(v);
	return true;
}

static bool
write_phase(struct mig *m, const char *phase, const struct snap_pos *seam)
{
	struct sbuf q = { 0 };
	bool ok;

	sbuf_printf(&q, "INSERT INTO `%s`.`migration` (id, phase, seam_file, seam_pos) "
	    "VALUES (1, '%s', ", m->c->state_schema, phase);
	if (seam != NULL && seam->file[0]) {
		sbuf_sql_string(&q, seam->file);
		sbuf_printf(&q, ", %" PRIu64 ")", seam->pos);
	} else
		sbuf_adds(&q, "NULL, NULL)");
	sbuf_adds(&q, " ON DUPLICATE KEY UPDATE phase = VALUES(phase), seam_file = "
	    "VALUES(seam_file), seam_pos = VALUES(seam_pos)");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&m->dst, q.p);
	sbuf_free(&q);
	return ok || fail_dest(m, &m->dst);
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
		    fail_dest(m, &m->dst);
	snprintf(sql, sizeof(sql), "SELECT phase FROM `%s`.`migration` WHERE id = 2", s);
	if (!dest_value(&m->dst, sql, &v))
		return fail_dest(m, &m->dst);
	if (v != NULL && strcmp(v, "local_infile") == 0) {
		log_info("%s: local_infile was turned ON by an earlier run of this "
		    "migration: OFF again when the copy ends", m->dst.where);
		m->infile_on = true;
	}
	free(v);
	return true;
}

/* Where the source is now (the stream's start when there is nothing to copy). */
static bool
source_position(struct mig *m, struct snap_pos *p)
{
	if (snapshot_position_now(&m->src, p, m->err, m->errlen))
		return true;
	m->fatal = dest_permanent(&m->src);
	return false;
}

/* XA RECOVER's rows as "format:gtrid+bqual bytes" strings (NULL: not allowed). */
static char **
xa_list(struct mig *m, unsigned *n)
{
	MYSQL_RES *res = dest_result(&m->src, "XA RECOVER");
	MYSQL_ROW r;
	char **v;

	*n = 0;
	if (res == NULL)
		return NULL;
	v = calloc(mysql_num_rows(res) + 1, sizeof(*v));
	while (v != NULL && (r = mysql_fetch_row(res)) != NULL) {
		unsigned long *len = mysql_fetch_lengths(res);
		struct sbuf b = { 0 };
		sbuf_printf(&b, "%s:", r[0] ? r[0] : "");
		for (unsigned long k = 0; r[3] != NULL && k < len[3]; k++)
			sbuf_printf(&b, "%02x", (unsigned char)r[3][k]);
		if (b.oom)
			sbuf_free(&b);
		else
			v[(*n)++] = b.p;
	}
	mysql_free_result(res);
	return v;
}

static void
xa_list_free(char **v, unsigned n)
{
	for (unsigned i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

#define XA_FLOOR_WAIT 600 /* seconds for the source's prepared XA transactions */

/* Whether the binlog from `from` up to `to` finishes an XA transaction (or
 * cannot be read through: a file changed; the caller tries again). */
static bool
xa_finished_between(struct mig *m, const struct snap_pos *from, const struct snap_pos *to,
    bool *some)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW r;

	*some = false;
	if (snap_pos_cmp(from->file, from->pos, to->file, to->pos) == 0)
		return true;
	if (strcmp(from->file, to->file) != 0) {
		*some = true;
		return true;
	}
	sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
	sbuf_sql_string(&q, from->file);
	sbuf_printf(&q, " FROM %" PRIu64 " LIMIT 10000", from->pos);
	sbuf_addc(&q, '\0');
	if (q.oom) {
		sbuf_free(&q);
		return fail(m, true, "out of memory");
	}
	res = dest_result(&m->src, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		if (dest_transient(&m->src))
			return fail_dest(m, &m->src);
		/* a privilege the rest does not need: the floor stands unchecked */
		log_info("%s: the binlog between two positions is not read (the source "
		    "account needs REPLICATION SLAVE, on MariaDB BINLOG MONITOR): an XA "
		    "transaction prepared just before the copy and committed as it began "
		    "would stop myshift at its XA COMMIT", m->src.err);
		return true;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		if (r[1] == NULL || strtoull(r[1], NULL, 10) >= to->pos)
			break;
		if (r[5] != NULL && (strncasecmp(r[5], "XA COMMIT", 9) == 0 ||
		    strncasecmp(r[5], "XA ROLLBACK", 11) == 0)) {
			*some = true;
			break;
		}
	}
	if (r == NULL && mysql_num_rows(res) >= 10000)
		*some = true; /* not read to the end: try again */
	mysql_free_result(res);
	return true;
}

/*
 * The XA floor, before the copy's first snapshot: the stream will start no
 * later than here.  An XA transaction prepared on the source but not yet
 * committed when a snapshot is taken is in neither the snapshot (its rows
 * are uncommitted) nor a stream that starts after its XA PREPARE: its XA
 * COMMIT would stop myshift.  The floor is a position at which no XA
 * transaction was prepared and unfinished: XA RECOVER lists none just
 * after it was read, and the binlog between the two finishes none (one
 * finished in between may have been prepared before the floor).  While
 * some are prepared, myshift waits for them (at most XA_FLOOR_WAIT s).
 * The stream then starts at the floor when that is before the lowest
 * chunk; the events between are replayed idempotently like the rest of
 * the seam.  Recorded in row 3 of `migration`, once, before any chunk.
 */
static bool
xa_floor(struct mig *m)
{
	struct snap_pos p0 = { 0 }, p1 = { 0 };
	struct sbuf q = { 0 };
	char *v = NULL, sql[300];
	unsigned tries = 0;
	bool ok;

	snprintf(sql, sizeof(sql), "SELECT (SELECT COUNT(*) FROM `%s`.`migration` WHERE id = 3)"
	    " + (SELECT COUNT(*) FROM `%s`.`copy_chunks` WHERE done = 1)", m->c->state_schema,
	    m->c->state_schema);
	if (!dest_value(&m->dst, sql, &v))
		return fail_dest(m, &m->dst);
	ok = v != NULL && strcmp(v, "0") != 0;
	free(v);
	if (ok)
		return true; /* recorded by an earlier run, or the copy began without one */
	for (;;) {
		unsigned n;
		char **pending;
		bool some = false;

		snap_pos_free(&p0);
		snap_pos_free(&p1);
		if (!source_position(m, &p0))
			return false;
		pending = xa_list(m, &n);
		if (pending == NULL) {
			if (mysql_errno(m->src.my) != 0)
				log_info("%s: the source's prepared XA transactions are not listed "
				    "(grant XA_RECOVER_ADMIN to see them): one prepared before the "
				    "copy and committed after it would stop myshift at its XA "
				    "COMMIT", m->src.err);
			break;
		}
		xa_list_free(pending, n);
		if (n == 0) {
			if (!source_position(m, &p1) ||
			    !xa_finished_between(m, &p0, &p1, &some)) {
				snap_pos_free(&p0);
				return false;
			}
			if (!some)
				break;
		}
		if (tries % 50 == 0)
			log_info("copy: %s: waiting until no XA transaction is prepared on the "
			    "source (XA RECOVER lists %u), so that the stream holds every one "
			    "the snapshots cannot see", n ? "prepared" : "finishing", n);
		if (tries >= XA_FLOOR_WAIT * 5) {
			snap_pos_free(&p0);
			snap_pos_free(&p1);
			return fail(m, false, "XA transactions stayed prepared on the source for "
			    "%d s (XA RECOVER lists them): commit or roll them back; nothing "
			    "was copied yet", XA_FLOOR_WAIT);
		}
		usleep(200000);
		tries++;
	}
	snap_pos_free(&p1);
	sbuf_printf(&q, "INSERT INTO `%s`.`migration` (id, phase, seam_file, seam_pos, "
	    "seam_gtid) VALUES (3, 'xa-floor', ", m->c->state_schema);
	sbuf_sql_string(&q, p0.file);
	sbuf_printf(&q, ", %" PRIu64 ", ", p0.pos);
	sbuf_sql_string(&q, p0.gtid ? p0.gtid : "");
	sbuf_adds(&q, ")");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&m->dst, q.p);
	sbuf_free(&q);
	snap_pos_free(&p0);
	return ok || fail_dest(m, &m->dst);
}

/* Lower low to the XA floor (row 3 of `migration`) if that is before it. */
static bool
xa_floor_apply(struct mig *m, struct snap_pos *low)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT seam_file, seam_pos, seam_gtid FROM `%s`.`migration` "
	    "WHERE id = 3", m->c->state_schema);
	if ((res = dest_result(&m->dst, sql)) == NULL)
		return fail_dest(m, &m->dst);
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] != NULL && row[1] != NULL && low->file[0] != '\0' &&
	    snap_pos_cmp(row[0], strtoull(row[1], NULL, 10), low->file, low->pos) < 0) {
		char *g = strdup(row[2] ? row[2] : "");
		if (g == NULL) {
			mysql_free_result(res);
			return fail(m, true, "out of memory");
		}
		log_info("copy: the stream starts at %s:%s, where the source was before the "
		    "copy's first snapshot (XA transactions prepared since are in the stream)",
		    row[0], row[1]);
		snprintf(low->file, sizeof(low->file), "%s", row[0]);
		low->pos = strtoull(row[1], NULL, 10);
		free(low->gtid);
		low->gtid = g;
	}
	mysql_free_result(res);
	return true;
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
	if (!dest_connect(&m.dst, &c->destination, "destination")) {
		snprintf(err, errlen, "%s", m.dst.err);
		*fatal = dest_permanent(&m.dst);
		dest_close(&m.src);
		return false;
	}
	m.mariadb = dest_is_mariadb(&m.src);
	m.dst_mariadb = dest_is_mariadb(&m.dst);
	if (!dest_exec(&m.src, "SET SESSION sql_quote_show_create = 1")) {
		fail_dest(&m, &m.src);
		goto out;
	}
	if (!dest_exec(&m.dst, "SET @myshift_session = 1, SESSION sql_mode = "
	    "'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")) {
		fail_dest(&m, &m.dst);
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
	if (!list_tables(&m))
		goto out;
	/* an earlier run's state, if any: read before anything is written */
	{
		char *has = NULL, sql[300];
		snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.TABLES WHERE "
		    "TABLE_SCHEMA = '%s' AND TABLE_NAME = 'copy_tables'", c->state_schema);
		if (!dest_value(&m.dst, sql, &has)) {
			fail_dest(&m, &m.dst);
			goto out;
		}
		if (has != NULL && !mark_ours(&m)) {
			free(has);
			goto out;
		}
		fresh = has == NULL;
		free(has);
	}
	if (!check_conflicts(&m, fresh))
		goto out;
	if (!state_tables(&m) || !infile_state(&m) || !read_phase(&m, phase, sizeof(phase)))
		goto out;
	if (phase[0] == '\0') {
		/* a new migration: where the source is before its schema is read */
		if (!source_position(&m, &now) || !write_phase(&m, "schema", &now))
			goto out;
	}
	set_phase(ms, MIGRATE_SCHEMA);
	if (!create_schema(&m))
		goto out;
	if (!write_phase(&m, "copy", NULL) || !xa_floor(&m))
		goto out;
	/* copy */
	set_phase(ms, MIGRATE_COPY);
	specs = calloc(m.n ? m.n : 1, sizeof(*specs));
	if (specs == NULL) {
		fail(&m, true, "out of memory");
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
			fail(&m, true, "out of memory");
			goto out;
		}
		/* each table's indexes as soon as its rows are in */
		struct indexer *ix = indexer_start(c, stop_copy, cp);
		if (ix == NULL) {
			copy_free(cp);
			fail(&m, true, "out of memory");
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
			fail(&m, true, "%s", ierr);
			goto out;
		}
		if (!ok) {
			m.fatal = cfatal;
			goto out;
		}
		ok = false;
	}
	if (!check_definitions(&m))
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
			fail_dest(&m, &m.dst);
			goto out;
		}
	}
	/*
	 * The seam: from the lowest position any chunk was read at, to the
	 * highest, or to where the source was when the objects had been read
	 * if that is later: their DDL before it is not replayed again.
	 */
	if (!copy_positions(&m.dst, c->state_schema, &low, &high, err, errlen)) {
		m.fatal = false;
		goto out;
	}
	if (!xa_floor_apply(&m, &low))
		goto out;
	if (!source_position(&m, &now))
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
			fail(&m, true, "out of memory");
			goto out;
		}
	}
	if ((high.file[0] == '\0' || snap_pos_cmp(now.file, now.pos, high.file, high.pos) > 0) &&
	    !snap_pos_copy(&high, &now)) {
		fail(&m, true, "out of memory");
		goto out;
	}
	if (!write_phase(&m, "catch-up", &high))
		goto out;
	snprintf(start->file, sizeof(start->file), "%s", low.file);
	start->pos = low.pos;
	snprintf(start->gtid, sizeof(start->gtid), "%s", low.gtid ? low.gtid : "");
	log_info("copy done: the stream starts at %s:%" PRIu64 " and replays "
	    "idempotently until %s:%" PRIu64, low.file, low.pos, high.file, high.pos);
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

bool
migrate_seam_read(struct dest *d, const char *schema, struct migrate_seam *out,
    char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *has = NULL;

	memset(out, 0, sizeof(*out));
	sbuf_adds(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, schema);
	sbuf_adds(&q, " AND TABLE_NAME = 'migration'");
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_value(d, q.p, &has)) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	if (has == NULL) {
		sbuf_free(&q);
		return true;
	}
	free(has);
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT phase, seam_file, seam_pos FROM `%s`.`migration` WHERE "
	    "id = 1", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] && strcmp(row[0], "catch-up") == 0 && row[1]) {
		snprintf(out->file, sizeof(out->file), "%s", row[1]);
		out->pos = strtoull(row[2] ? row[2] : "0", NULL, 10);
	}
	mysql_free_result(res);
	if (out->file[0] == '\0') {
		sbuf_free(&q);
		return true;
	}
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT src_db, src_table, snap_file, snap_pos FROM `%s`."
	    "`copy_chunks` WHERE keyless = 1 AND done = 1", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	out->keyless = calloc(mysql_num_rows(res) + 1, sizeof(*out->keyless));
	while (out->keyless != NULL && (row = mysql_fetch_row(res)) != NULL) {
		struct migrate_seam_table *k = &out->keyless[out->nkeyless++];
		snprintf(k->db, sizeof(k->db), "%s", row[0]);
		snprintf(k->table, sizeof(k->table), "%s", row[1]);
		snprintf(k->file, sizeof(k->file), "%s", row[2] ? row[2] : "");
		k->pos = strtoull(row[3] ? row[3] : "0", NULL, 10);
	}
	mysql_free_result(res);
	if (out->keyless == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

void
migrate_seam_free(struct migrate_seam *s)
{
	free(s->keyless);
	s->keyless = NULL;
	s->nkeyless = 0;
}

bool
migrate_seam_passed(struct dest *d, const char *schema)
{
	return dest_execf(d, "UPDATE `%s`.`migration` SET phase = 'streaming' WHERE id = 1",
	    schema);
}

bool
migrate_begun(const struct cfg *c, bool *begun, bool *transient, char *err, size_t errlen)
{
	struct dest d;
	struct sbuf q = { 0 };
	char *v = NULL;
	bool ok;

	*begun = false;
	*transient = false;
	memset(&d, 0, sizeof(d));
	if (!dest_connect(&d, &c->destination, "destination")) {
		snprintf(err, errlen, "%s", d.err);
		*transient = dest_transient(&d);
		dest_close(&d);
		return false;
	}
	sbuf_adds(&q, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, c->state_schema);
	sbuf_adds(&q, " AND TABLE_NAME IN ('migration', 'copy_tables')");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(&d, q.p, &v);
	if (ok)
		*begun = v != NULL && strcmp(v, "0") != 0;
	else {
		snprintf(err, errlen, "%s", q.oom ? "out of memory" : d.err);
		*transient = dest_transient(&d);
	}
	free(v);
	sbuf_free(&q);
	dest_close(&d);
	return ok;
}
