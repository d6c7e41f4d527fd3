/* migrate_schema.c: start = snapshot's databases and tables: which are selected, conflicts, CREATE in the destination's words. */
#include "src/migrate_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/log.h"
#include "src/sequences.h"
#include "src/sqlclass.h"
#include "src/tabledef.h"

/* The selected base tables of the source, and which exist on the destination. */
bool
mig_list_tables(struct mig *m)
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
		return mig_fail_dest(m, &m->src);
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (!filter_table(m->f, row[0], row[1]))
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct mtable *nt = realloc(m->t, cap * sizeof(*nt));
			if (nt == NULL) {
				mysql_free_result(res);
				return mig_fail(m, true, "out of memory");
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
	if (m->relisting)
		goto dest_side;
	/* what else the filter selects and the copy does not handle: said, not skipped silently */
	res = dest_result(&m->src, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM "
	    "information_schema.TABLES WHERE TABLE_TYPE NOT IN ('BASE TABLE', 'VIEW') AND "
	    "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', "
	    "'sys')");
	if (res == NULL)
		return mig_fail_dest(m, &m->src);
	while ((row = mysql_fetch_row(res)) != NULL)
		if (filter_table(m->f, row[0], row[1]) && !(strcmp(row[2], "SEQUENCE") == 0 &&
		    m->mariadb && m->dst_mariadb))
			log_warn("`%s`.`%s` is a %s: not copied (create it on the destination "
			    "by hand)", row[0], row[1], row[2]);
	mysql_free_result(res);
dest_side:
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
			return mig_fail_dest(m, &m->dst);
		}
		t->exists = v != NULL;
		free(v);
	}
	sbuf_free(&q);
	return true;
}

/* Which tables an earlier run of this migration created (state exists). */
bool
mig_mark_ours(struct mig *m)
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
		return mig_fail_dest(m, &m->dst);
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
bool
mig_check_conflicts(struct mig *m, bool fresh)
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
			mig_fail(m, sfatal, "%s", serr);
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
				return mig_fail_dest(m, a == NULL ? &m->src : &m->dst);
			}
			if (!same) {
				mig_fail(m, true, "on_conflict = ignore: `%s`.`%s` exists on the "
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
	mig_fail(m, true, "%u selected table(s) already exist on the %s: %s; "
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
	if (res == NULL && m->src.errnum == ER_NO_SUCH_TABLE) {
		/* before the stream's start (recorded after the schema): not replayed */
		sbuf_free(&q);
		log_warn("`%s`.`%s` was dropped or renamed on the source since the tables were "
		    "listed: left out (under a new name, it is found when the tables are "
		    "listed again after the schema)", t->sdb, t->stbl);
		t->gone = true;
		return true;
	}
	if (res == NULL) {
		sbuf_free(&q);
		return mig_fail_dest(m, &m->src);
	}
	row = mysql_fetch_row(res);
	sql = row && row[1] ? strdup(row[1]) : NULL;
	orig = row && row[1] ? strdup(row[1]) : NULL;
	mysql_free_result(res);
	if (sql == NULL || orig == NULL) {
		sbuf_free(&q);
		free(sql);
		free(orig);
		return mig_fail(m, true, "SHOW CREATE TABLE `%s`.`%s` gave nothing", t->sdb, t->stbl);
	}
	if (filter_renames(m->f)) {
		/* names of renamed databases and tables, also in REFERENCES clauses */
		char *r = sql_rewrite(sql, strlen(sql), t->sdb, m->f);
		if (r == NULL) {
			sbuf_free(&q);
			free(sql);
			free(orig);
			return mig_fail(m, true, "out of memory");
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
		return mig_fail_dest(m, &m->src);
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
			return mig_fail_dest(m, &m->src);
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
		return mig_fail(m, true, "SHOW CREATE TABLE `%s`.`%s`: unexpected form", t->sdb,
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
			struct sbuf note = { 0 };
			sbuf_adds(&body, "\n");
			/* the table options, made fit (tabledef.c) */
			if (!tabledef_options(line, m->mariadb, m->dst_mariadb, &body, &note))
				body.oom = true;
			if (note.len > 0) {
				sbuf_addc(&note, '\0');
				if (!note.oom)
					log_warn("table `%s`.`%s`: %s on %s", t->sdb, t->stbl, note.p,
					    m->dst_mariadb ? "MariaDB" : "MySQL");
			}
			sbuf_free(&note);
			/* then whatever follows (partitioning) */
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
		return mig_fail(m, true, "out of memory");
	}
	rewritten = collations_rewrite_sql(m->coll, q.p, strlen(q.p), true, &changed, err,
	    sizeof(err));
	sbuf_free(&q);
	if (rewritten == NULL) {
		sbuf_free(&idx);
		sbuf_free(&fks);
		free(orig);
		return mig_fail(m, true, "table `%s`.`%s`: %s", t->sdb, t->stbl, err);
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
		return mig_fail_dest(m, &m->dst);
	}
	t->ours = true;
	ok = dest_exec(&m->dst, rewritten);
	free(rewritten);
	if (!ok)
		return mig_fail(m, !dest_transient(&m->dst), "creating table `%s`.`%s`: %s",
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
		return mig_fail_dest(m, &m->src);
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
		return mig_fail(m, true, "database `%s`: %s", sdb, err);
	ok = dest_exec(&m->dst, sql);
	free(sql);
	return ok ? true : mig_fail_dest(m, &m->dst);
}

/*
 * Databases and tables: the databases of the selected tables, then every
 * other selected database of the source (one with only views or routines,
 * or empty), as a dump would make them.
 */
bool
mig_create_schema(struct mig *m)
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
		created += !t->gone;
	}
	/* tables gone since they were listed: not copied */
	{
		unsigned k = 0;
		for (unsigned i = 0; i < m->n; i++)
			if (!m->t[i].gone)
				m->t[k++] = m->t[i];
		m->n = k;
	}
	res = dest_result(&m->src, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
	    "ORDER BY SCHEMA_NAME");
	if (res == NULL)
		return mig_fail_dest(m, &m->src);
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

/*
 * Once the copy's earliest position is recorded: the tables created on the
 * source since they were listed (before that position, so the stream will
 * not create them) are created too, and added to the list to copy. One
 * created after that position is created here and its CREATE is found
 * already done in the catch-up (src/applier_ddl.c).
 */
bool
mig_relist(struct mig *m)
{
	struct mtable *old = m->t;
	unsigned nold = m->n, added = 0;
	bool ok;

	m->t = NULL;
	m->n = 0;
	m->relisting = true;
	ok = mig_list_tables(m);
	m->relisting = false;
	struct mtable *now = m->t;
	unsigned nnow = m->n;
	m->t = old;
	m->n = nold;
	if (!ok) {
		free(now);
		return false;
	}
	for (unsigned i = 0; i < nnow && ok; i++) {
		struct mtable *t = &now[i];
		bool known = false;
		/* (m->t: the list grows below, old may have moved) */
		for (unsigned j = 0; j < nold && !known; j++)
			known = strcmp(m->t[j].sdb, t->sdb) == 0 && strcmp(m->t[j].stbl, t->stbl) == 0;
		if (known)
			continue;
		if (t->exists) {
			ok = mig_fail(m, true, "`%s`.`%s` was created on the source while the schema "
			    "was copied, and `%s`.`%s` exists on the destination: drop it there, "
			    "or leave the table out ([filter]), and run again", t->sdb, t->stbl,
			    t->ddb, t->dtbl);
			break;
		}
		if (!create_database(m, t->sdb, t->ddb) || !create_table(m, t)) {
			ok = false;
			break;
		}
		if (t->gone)
			continue;
		struct mtable *nt = realloc(m->t, (m->n + 1) * sizeof(*nt));
		if (nt == NULL) {
			ok = mig_fail(m, true, "out of memory");
			break;
		}
		m->t = nt;
		m->t[m->n++] = *t;
		added++;
		log_info("`%s`.`%s` was created on the source while the schema was copied: "
		    "created on the destination and copied too", t->sdb, t->stbl);
	}
	free(now);
	if (ok && added > 0)
		log_info("schema: %u table(s) created since the tables were listed", added);
	return ok;
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
bool
mig_check_definitions(struct mig *m)
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
		return mig_fail_dest(m, &m->dst);
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
			ok = mig_fail_dest(m, &m->src);
			break;
		}
		row2 = mysql_fetch_row(r2);
		char *now = row2 && row2[1] ? strdup(row2[1]) : NULL, *then = strdup(row[2]);
		if (now != NULL && then != NULL) {
			strip_counter(now);
			strip_counter(then);
			if (strcmp(now, then) != 0)
				ok = mig_fail(m, true, "table `%s`.`%s` was changed by DDL on the source "
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
