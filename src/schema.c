/* schema.c: reading and caching destination table definitions. */
#include "src/schema.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/binlog.h"
#include "proto/sbuf.h"
#include "src/tablekey.h"

static void
table_free(struct schema_table *t)
{
	for (uint32_t i = 0; i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cols);
	free(t->key);
	free(t->db);
	free(t->name);
	free(t);
}

void
schema_flush(struct schema_cache *sc, void (*free_stmts)(struct schema_table *))
{
	struct schema_table *t, *next;

	for (t = sc->tables; t != NULL; t = next) {
		next = t->next;
		if (free_stmts != NULL)
			free_stmts(t);
		table_free(t);
	}
	sc->tables = NULL;
	free(sc->referenced);
	sc->referenced = NULL;
	sc->referenced_len = 0;
	sc->referenced_loaded = false;
}

static bool run(struct dest *d, const char *sql, MYSQL_RES **res);

/* Read the tables foreign keys reference (struct schema_cache). */
static bool
load_referenced(struct schema_cache *sc, struct dest *d)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf b = { 0 };

	if (sc->referenced_loaded)
		return true;
	if (!run(d, "SELECT DISTINCT UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME FROM "
	    "information_schema.REFERENTIAL_CONSTRAINTS", &res))
		return false;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL || row[1] == NULL)
			continue;
		sbuf_add(&b, row[0], strlen(row[0]) + 1);
		sbuf_add(&b, row[1], strlen(row[1]) + 1);
	}
	mysql_free_result(res);
	if (b.oom) {
		sbuf_free(&b);
		snprintf(d->err, sizeof(d->err), "out of memory");
		d->errnum = 0;
		return false;
	}
	sc->referenced = b.p;
	sc->referenced_len = b.len;
	sc->referenced_loaded = true;
	return true;
}

/*
 * Whether a foreign key references db.name (names compared as the
 * server's information_schema does, without case: a false match only
 * turns net-effect batching off for the table).
 */
static bool
is_referenced(const struct schema_cache *sc, const char *db, const char *name)
{
	size_t i = 0;

	while (i < sc->referenced_len) {
		const char *rdb = sc->referenced + i;
		const char *rt = rdb + strlen(rdb) + 1;
		if (strcasecmp(rdb, db) == 0 && strcasecmp(rt, name) == 0)
			return true;
		i = (size_t)(rt + strlen(rt) + 1 - sc->referenced);
	}
	return false;
}

static bool
run(struct dest *d, const char *sql, MYSQL_RES **res)
{
	if (mysql_real_query(d->my, sql, strlen(sql)) != 0 ||
	    (*res = mysql_store_result(d->my)) == NULL) {
		d->errnum = mysql_errno(d->my);
		snprintf(d->err, sizeof(d->err), "%s: reading table definitions: %s (error %u)",
		    d->where, mysql_error(d->my), d->errnum);
		return false;
	}
	return true;
}

/* Columns in ordinal order. */
static bool
load_columns(struct schema_table *t, struct dest *d)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	uint32_t n;
	bool ok;

	sbuf_adds(&q, "SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, "
	    "IFNULL(CHARACTER_OCTET_LENGTH, 0), EXTRA, COLUMN_TYPE, "
	    "IFNULL(DATETIME_PRECISION, 0) "
	    "FROM information_schema.COLUMNS "
	    "WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, t->db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, t->name);
	sbuf_adds(&q, " ORDER BY ORDINAL_POSITION");
	sbuf_addc(&q, '\0');
	ok = !q.oom && run(d, q.p, &res);
	sbuf_free(&q);
	if (!ok)
		return false;
	n = (uint32_t)mysql_num_rows(res);
	t->cols = calloc(n ? n : 1, sizeof(*t->cols));
	if (t->cols == NULL) {
		mysql_free_result(res);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL && t->ncols < n) {
		struct schema_col *c = &t->cols[t->ncols++];
		c->name = strdup(row[0] ? row[0] : "");
		snprintf(c->data_type, sizeof(c->data_type), "%s", row[1] ? row[1] : "");
		for (char *p = c->data_type; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		c->nullable = row[2] && strcmp(row[2], "YES") == 0;
		c->octet_len = row[3] ? (uint32_t)strtoul(row[3], NULL, 10) : 0;
		/*
		 * "VIRTUAL GENERATED", "STORED GENERATED" (MariaDB also
		 * PERSISTENT); not MySQL's "DEFAULT_GENERATED", which marks an
		 * expression default (CURRENT_TIMESTAMP(6)) of an ordinary column.
		 */
		c->generated = row[4] && (strstr(row[4], "VIRTUAL") != NULL ||
		    strstr(row[4], "PERSISTENT") != NULL || strstr(row[4], "STORED") != NULL);
		c->binary_fixed = strcmp(c->data_type, "binary") == 0;
		/*
		 * MariaDB's INET4, INET6 and UUID: the binlog carries their
		 * binary (in-memory) form cut of trailing zero bytes, and the
		 * server takes a binary string as that form only at its full
		 * length (a short one is a warning and NULL, or zero when NOT
		 * NULL). information_schema gives no octet length for them.
		 */
		if (strcmp(c->data_type, "inet4") == 0 || strcmp(c->data_type, "inet6") == 0 ||
		    strcmp(c->data_type, "uuid") == 0) {
			c->binary_fixed = true;
			c->octet_len = c->data_type[4] == '4' ? 4 : 16;
		}
		c->is_unsigned = row[5] && strstr(row[5], "unsigned") != NULL;
		c->fsp = row[6] ? (unsigned)strtoul(row[6], NULL, 10) : 0;
		if (t->ncols == 1 && strcmp(c->name, "my_row_id") == 0 && row[4] &&
		    strstr(row[4], "INVISIBLE") != NULL && strstr(row[4], "auto_increment") != NULL)
			t->gipk = true;
	}
	mysql_free_result(res);
	return true;
}

static long
col_index(const struct schema_table *t, const char *name)
{
	for (uint32_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

/* The primary key, else the first unique key of NOT NULL whole columns. */
static bool
load_key(struct schema_table *t, struct dest *d)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char cur[256] = "", keyname[256] = "";
	uint32_t *cand;
	uint32_t ncand = 0;
	bool cand_ok = false, ok, done = false;

	sbuf_adds(&q, "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE, IFNULL(SUB_PART, 0) "
	    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, t->db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, t->name);
	sbuf_adds(&q, " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME <> 'PRIMARY', "
	    "INDEX_NAME, SEQ_IN_INDEX");
	sbuf_addc(&q, '\0');
	ok = !q.oom && run(d, q.p, &res);
	sbuf_free(&q);
	if (!ok)
		return false;
	cand = calloc(t->ncols ? t->ncols : 1, sizeof(*cand));
	if (cand == NULL) {
		mysql_free_result(res);
		return false;
	}
	/* indexes come PRIMARY first; the first usable one is the key */
	while ((row = mysql_fetch_row(res)) != NULL) {
		long ci = row[1] ? col_index(t, row[1]) : -1;
		if (strcmp(cur, row[0] ? row[0] : "") != 0) {
			t->n_unique++;
			if (!done && cand_ok && ncand > 0) {
				done = true;
				snprintf(keyname, sizeof(keyname), "%s", cur);
			}
			snprintf(cur, sizeof(cur), "%s", row[0] ? row[0] : "");
			if (!done) {
				ncand = 0;
				cand_ok = true;
			}
		}
		if (done)
			continue;
		if (ci < 0 || t->cols[ci].nullable || strcmp(row[3], "0") != 0 ||
		    ncand >= t->ncols)
			cand_ok = false;
		else
			cand[ncand++] = (uint32_t)ci;
	}
	mysql_free_result(res);
	if (!done && cand_ok && ncand > 0) {
		done = true;
		snprintf(keyname, sizeof(keyname), "%s", cur);
	}
	if (done) {
		t->key = cand;
		t->nkey = ncand;
		t->has_pk = strcmp(keyname, "PRIMARY") == 0;
	} else
		free(cand);
	return true;
}

bool
schema_skip_gipk(struct schema_table *t, struct dest *d)
{
	if (!t->gipk || t->ncols < 2)
		return true;
	free(t->cols[0].name);
	memmove(t->cols, t->cols + 1, (t->ncols - 1) * sizeof(*t->cols));
	t->ncols--;
	t->gipk = false;
	free(t->key);
	t->key = NULL;
	t->nkey = 0;
	t->has_pk = false;
	t->n_unique = 0;
	return load_key(t, d);
}

/* "DBCOL = 'db' AND TCOL = 'name'" of t. */
static void
add_table_match(struct sbuf *q, const char *dbcol, const char *tcol,
    const struct schema_table *t)
{
	sbuf_printf(q, "%s = ", dbcol);
	sbuf_sql_string(q, t->db);
	sbuf_printf(q, " AND %s = ", tcol);
	sbuf_sql_string(q, t->name);
}

static bool
load_counts(struct schema_cache *sc, struct schema_table *t, struct dest *d)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok;

	/*
	 * Each part is written so that MariaDB opens only this table where it
	 * can (its information_schema opens every table a condition does not
	 * name: with an OR, or a join, a few thousand tables made this 0.4 s
	 * per table). Triggers without myshift's guard would fire again for
	 * replayed rows (a trigger is always in its table's schema).
	 */
	sbuf_adds(&q, "SELECT (SELECT COUNT(*) FROM information_schema.TRIGGERS "
	    "WHERE ACTION_STATEMENT NOT LIKE '%@myshift\\_session IS NULL%' AND ");
	add_table_match(&q, "TRIGGER_SCHEMA", "EVENT_OBJECT_TABLE", t);
	sbuf_adds(&q, " AND ");
	add_table_match(&q, "EVENT_OBJECT_SCHEMA", "EVENT_OBJECT_TABLE", t);
	/* the table's foreign keys (those referencing it: load_referenced()) */
	sbuf_adds(&q, "), (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS "
	    "WHERE ");
	add_table_match(&q, "CONSTRAINT_SCHEMA", "TABLE_NAME", t);
	/* whether its engine has transactions (MyISAM, Aria, MEMORY have none) */
	sbuf_adds(&q, "), (SELECT IFNULL(e.TRANSACTIONS, 'YES') FROM "
	    "information_schema.TABLES t JOIN information_schema.ENGINES e ON e.ENGINE = "
	    "t.ENGINE WHERE ");
	add_table_match(&q, "t.TABLE_SCHEMA", "t.TABLE_NAME", t);
	/*
	 * MariaDB's long unique keys: unique HASH indexes of an engine without
	 * native hash indexes (MEMORY's are its own, without a hidden column)
	 */
	sbuf_adds(&q, "), (SELECT IF(t.ENGINE IN ('MEMORY', 'HEAP', 'ndbcluster'), 0, "
	    "(SELECT COUNT(DISTINCT s.INDEX_NAME) FROM information_schema.STATISTICS s "
	    "WHERE s.NON_UNIQUE = 0 AND s.INDEX_TYPE = 'HASH' AND ");
	add_table_match(&q, "s.TABLE_SCHEMA", "s.TABLE_NAME", t);
	sbuf_adds(&q, ")) FROM information_schema.TABLES t WHERE ");
	add_table_match(&q, "t.TABLE_SCHEMA", "t.TABLE_NAME", t);
	sbuf_adds(&q, ")");
	sbuf_addc(&q, '\0');
	ok = !q.oom && run(d, q.p, &res);
	sbuf_free(&q);
	if (!ok)
		return false;
	row = mysql_fetch_row(res);
	if (row != NULL) {
		t->triggers = row[0] ? (unsigned)strtoul(row[0], NULL, 10) : 0;
		t->has_fk = (row[1] && strcmp(row[1], "0") != 0) ||
		    is_referenced(sc, t->db, t->name);
		t->nontx = row[2] && strcasecmp(row[2], "YES") != 0;
		t->nhidden = row[3] && dest_is_mariadb(d) ?
		    (uint32_t)strtoul(row[3], NULL, 10) : 0;
	}
	mysql_free_result(res);
	return true;
}

struct schema_table *
schema_get(struct schema_cache *sc, struct dest *d, const char *db, const char *name)
{
	struct schema_table *t;

	for (t = sc->tables; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0 && strcmp(t->db, db) == 0)
			return t;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->db = strdup(db);
	t->name = strdup(name);
	if (t->db == NULL || t->name == NULL || !load_columns(t, d) ||
	    !load_key(t, d) || !load_referenced(sc, d) || !load_counts(sc, t, d) ||
	    (dest_is_mariadb(d) && t->ncols > 0 && !tk_overlaps(d, db, name, &t->overlaps))) {
		table_free(t);
		return NULL;
	}
	if (t->ncols == 0) {
		snprintf(d->err, sizeof(d->err), "%s: table `%s`.`%s` does not exist on the "
		    "destination", d->where, db, name);
		d->errnum = 0;
		table_free(t);
		return NULL;
	}
	t->next = sc->tables;
	sc->tables = t;
	return t;
}

static bool
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool
schema_type_ok(uint8_t t, const char *dt)
{
	static const char *const ints[] = { "tinyint", "smallint", "mediumint", "int",
		"bigint", NULL };
	static const char *const texts[] = { "tinyblob", "blob", "mediumblob", "longblob",
		"tinytext", "text", "mediumtext", "longtext", "json", NULL };
	static const char *const strs[] = { "char", "binary", "inet6", "inet4", "uuid",
		NULL };
	static const char *const geos[] = { "geometry", "point", "linestring", "polygon",
		"multipoint", "multilinestring", "multipolygon", "geometrycollection",
		"geomcollection", NULL };

	switch (t) {
	case MYSQL_T_TINY:
		return strcmp(dt, "tinyint") == 0;
	case MYSQL_T_SHORT:
		return strcmp(dt, "smallint") == 0;
	case MYSQL_T_INT24:
		return strcmp(dt, "mediumint") == 0;
	case MYSQL_T_LONG:
		return strcmp(dt, "int") == 0;
	case MYSQL_T_LONGLONG:
		return strcmp(dt, "bigint") == 0;
	case MYSQL_T_FLOAT:
		return strcmp(dt, "float") == 0;
	case MYSQL_T_DOUBLE:
		return strcmp(dt, "double") == 0;
	case MYSQL_T_NEWDECIMAL:
	case MYSQL_T_DECIMAL:
		return strcmp(dt, "decimal") == 0;
	case MYSQL_T_YEAR:
		return strcmp(dt, "year") == 0;
	case MYSQL_T_DATE:
	case MYSQL_T_NEWDATE:
		return strcmp(dt, "date") == 0;
	case MYSQL_T_TIME:
	case MYSQL_T_TIME2:
		return strcmp(dt, "time") == 0;
	case MYSQL_T_DATETIME:
	case MYSQL_T_DATETIME2:
		return strcmp(dt, "datetime") == 0;
	case MYSQL_T_TIMESTAMP:
	case MYSQL_T_TIMESTAMP2:
		return strcmp(dt, "timestamp") == 0;
	case MYSQL_T_VARCHAR:
	case MYSQL_T_VAR_STRING:
	case MYSQL_T_VARCHAR_COMPRESSED:
		/* MariaDB 11.7+ logs VECTOR(n) as a VARBINARY(4n) */
		return strcmp(dt, "varchar") == 0 || strcmp(dt, "varbinary") == 0 ||
		    (t == MYSQL_T_VARCHAR && strcmp(dt, "vector") == 0);
	case MYSQL_T_STRING:
		return one_of(dt, strs);
	case MYSQL_T_ENUM:
		return strcmp(dt, "enum") == 0;
	case MYSQL_T_SET:
		return strcmp(dt, "set") == 0;
	case MYSQL_T_BIT:
		return strcmp(dt, "bit") == 0;
	case MYSQL_T_BLOB:
	case MYSQL_T_TINY_BLOB:
	case MYSQL_T_MEDIUM_BLOB:
	case MYSQL_T_LONG_BLOB:
	case MYSQL_T_BLOB_COMPRESSED:
		return one_of(dt, texts);
	case MYSQL_T_JSON:
		return strcmp(dt, "json") == 0 || strcmp(dt, "longtext") == 0;
	case MYSQL_T_GEOMETRY:
		return one_of(dt, geos);
	case MYSQL_T_VECTOR:
		return strcmp(dt, "vector") == 0; /* MySQL 9 */
	default:
		(void)ints;
		return false;
	}
}
