/* tablekey.c: a source table's columns and key, and key-range SQL with server-computed bounds. */
#include "src/tablekey.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sbuf.h"

static enum tk_kind
kind_of(const char *type, const char *charset)
{
	static const char *const num[] = { "tinyint", "smallint", "mediumint", "int",
		"integer", "bigint", "decimal", "numeric", "float", "double", "real",
		"year", NULL };
	static const char *const str[] = { "char", "varchar", "tinytext", "text",
		"mediumtext", "longtext", NULL };
	static const char *const bin[] = { "binary", "varbinary", "tinyblob", "blob",
		"mediumblob", "longblob", NULL };

	for (unsigned i = 0; num[i]; i++)
		if (strcasecmp(type, num[i]) == 0)
			return TK_NUM;
	for (unsigned i = 0; str[i]; i++)
		if (strcasecmp(type, str[i]) == 0)
			return charset[0] && strcasecmp(charset, "binary") != 0 ? TK_STR : TK_BIN;
	for (unsigned i = 0; bin[i]; i++)
		if (strcasecmp(type, bin[i]) == 0)
			return TK_BIN;
	if (strcasecmp(type, "enum") == 0 || strcasecmp(type, "set") == 0 ||
	    strcasecmp(type, "bit") == 0)
		return TK_INDEX;
	return TK_QUOTED;
}

void
tk_add_ident(struct sbuf *q, const char *db, const char *t)
{
	dest_quote(q, db);
	sbuf_addc(q, '.');
	dest_quote(q, t);
}

void
tk_free(struct tk_table *t)
{
	for (unsigned i = 0; i < t->ncols; i++) {
		struct tk_col *c = &t->cols[i];
		free(c->name);
		free(c->type);
		free(c->charset);
		free(c->collation);
	}
	free(t->cols);
	free(t->key_name);
	free(t->bound_exprs);
	free(t->order_by);
	memset(t, 0, sizeof(*t));
}

/* The key's expressions as bounds are read (bound_exprs) and its ORDER BY. */
static bool
key_sql(struct tk_table *t)
{
	struct sbuf b = { 0 }, o = { 0 };

	for (unsigned k = 0; k < t->nkey; k++) {
		struct tk_col *c = &t->cols[t->key[k]];
		if (k > 0) {
			sbuf_adds(&b, ", ");
			sbuf_adds(&o, ", ");
		}
		switch (c->kind) {
		case TK_STR:
		case TK_BIN:
			sbuf_adds(&b, "HEX(");
			dest_quote(&b, c->name);
			sbuf_addc(&b, ')');
			break;
		case TK_INDEX:
			dest_quote(&b, c->name);
			sbuf_adds(&b, " + 0");
			break;
		default:
			dest_quote(&b, c->name);
		}
		dest_quote(&o, c->name);
	}
	sbuf_addc(&b, '\0');
	sbuf_addc(&o, '\0');
	if (b.oom || o.oom) {
		sbuf_free(&b);
		sbuf_free(&o);
		return false;
	}
	t->bound_exprs = b.p;
	t->order_by = o.p;
	return true;
}

bool
tk_overlaps(struct dest *d, const char *db, const char *name, bool *overlaps)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	*overlaps = false;
	if (mysql_get_server_version(d->my) < 100500)
		return true; /* application-time periods came in 10.5 */
	sbuf_adds(&q, "SHOW CREATE TABLE ");
	tk_add_ident(&q, db, name);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return false;
	row = mysql_fetch_row(res);
	*overlaps = row != NULL && mysql_num_fields(res) >= 2 && row[1] != NULL &&
	    strstr(row[1], " WITHOUT OVERLAPS)") != NULL;
	mysql_free_result(res);
	return true;
}

bool
tk_load(struct dest *src, const char *db, const char *name, struct tk_table *t,
    char *err, size_t errlen, bool *fatal)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *cur = NULL;
	unsigned cand[64], ncand = 0;
	bool cand_ok = false, have = false;

	*fatal = true;
	sbuf_adds(&q, "SELECT COLUMN_NAME, DATA_TYPE, IFNULL(CHARACTER_SET_NAME, ''), "
	    "IFNULL(COLLATION_NAME, ''), EXTRA FROM information_schema.COLUMNS WHERE "
	    "TABLE_SCHEMA = ");
	sbuf_sql_string(&q, db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, name);
	sbuf_adds(&q, " ORDER BY ORDINAL_POSITION");
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(src, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		*fatal = !dest_transient(src);
		snprintf(err, errlen, "reading the source's columns: %s", src->err);
		return false;
	}
	t->cols = calloc(mysql_num_rows(res) + 1, sizeof(*t->cols));
	while (t->cols != NULL && (row = mysql_fetch_row(res)) != NULL) {
		struct tk_col *c = &t->cols[t->ncols++];
		const char *extra = row[4] ? row[4] : "";
		c->name = strdup(row[0]);
		c->type = strdup(row[1]);
		c->charset = strdup(row[2]);
		c->collation = strdup(row[3]);
		c->kind = kind_of(row[1], row[2]);
		c->generated = strstr(extra, "VIRTUAL") != NULL ||
		    strstr(extra, "STORED") != NULL || strstr(extra, "PERSISTENT") != NULL;
		c->bit = strcasecmp(row[1], "bit") == 0;
		c->is_float = strcasecmp(row[1], "float") == 0;
		c->json = strcasecmp(row[1], "json") == 0;
		c->as_text = strcasecmp(row[1], "inet4") == 0 ||
		    strcasecmp(row[1], "inet6") == 0 || strcasecmp(row[1], "uuid") == 0;
	}
	mysql_free_result(res);
	if (t->cols == NULL || t->ncols == 0) {
		sbuf_free(&q);
		snprintf(err, errlen, "source table `%s`.`%s`: no columns (dropped?)", db, name);
		return false;
	}
	/* the key: PRIMARY, else the first unique index of NOT NULL columns */
	sbuf_reset(&q);
	sbuf_adds(&q, "SELECT INDEX_NAME, COLUMN_NAME, NON_UNIQUE, NULLABLE FROM "
	    "information_schema.STATISTICS WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, name);
	sbuf_adds(&q, " ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX");
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(src, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		*fatal = !dest_transient(src);
		snprintf(err, errlen, "reading the source's indexes: %s", src->err);
		return false;
	}
	while (!have && (row = mysql_fetch_row(res)) != NULL) {
		if (cur == NULL || strcmp(cur, row[0]) != 0) {
			if (cur != NULL && cand_ok && ncand > 0)
				have = true;
			if (have)
				break;
			free(cur);
			cur = strdup(row[0]);
			ncand = 0;
			cand_ok = row[2] && strcmp(row[2], "0") == 0;
		}
		if (!cand_ok)
			continue;
		if (row[3] && row[3][0] != '\0')
			cand_ok = false; /* a NULL-able column: not a key */
		unsigned i;
		for (i = 0; i < t->ncols; i++)
			if (strcmp(t->cols[i].name, row[1]) == 0)
				break;
		if (i == t->ncols || ncand >= 64)
			cand_ok = false;
		else
			cand[ncand++] = i;
	}
	if (!have && cur != NULL && cand_ok && ncand > 0)
		have = true;
	mysql_free_result(res);
	if (have) {
		memcpy(t->key, cand, ncand * sizeof(cand[0]));
		t->nkey = ncand;
		t->key_name = cur;
	} else
		free(cur);
	if (dest_is_mariadb(src) && !tk_overlaps(src, db, name, &t->overlaps)) {
		*fatal = !dest_transient(src);
		snprintf(err, errlen, "reading the source's definition of `%s`.`%s`: %s", db,
		    name, src->err);
		return false;
	}
	if (!key_sql(t)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

void
tk_add_literal(struct sbuf *q, const struct tk_col *c, const char *v)
{
	switch (c->kind) {
	case TK_NUM:
	case TK_INDEX:
		sbuf_adds(q, v);
		break;
	case TK_STR:
		if (c->collation[0])
			sbuf_printf(q, "_%s X'%s' COLLATE %s", c->charset, v, c->collation);
		else
			sbuf_printf(q, "_%s X'%s'", c->charset, v); /* the column's own collation */
		break;
	case TK_BIN:
		sbuf_printf(q, "X'%s'", v);
		break;
	case TK_QUOTED:
		/*
		 * MariaDB's INET4, INET6 and UUID read a binary string as their
		 * packed form: on a connection whose character set is binary
		 * (the copy's), their text compared as nothing at all.
		 */
		if (c->as_text)
			sbuf_adds(q, "_utf8mb4");
		sbuf_sql_string(q, v);
		break;
	}
}

/* Split a stored bound (literals joined by '\n') into its parts. */
static unsigned
split_bound(char *s, char **parts, unsigned max)
{
	unsigned n = 0;

	while (s != NULL && n < max) {
		parts[n++] = s;
		s = strchr(s, '\n');
		if (s != NULL)
			*s++ = '\0';
	}
	return n;
}

/*
 * With a leading condition on the first column, so that the range is an
 * index range.
 */
bool
tk_add_bound_cond(struct sbuf *q, const struct tk_table *t, const char *bound, bool lower)
{
	char *copy = strdup(bound), *v[64];
	unsigned n = copy ? split_bound(copy, v, 64) : 0;

	if (n != t->nkey) {
		free(copy);
		return false;
	}
	sbuf_addc(q, '(');
	dest_quote(q, t->cols[t->key[0]].name);
	sbuf_adds(q, lower ? " >= " : " <= ");
	tk_add_literal(q, &t->cols[t->key[0]], v[0]);
	sbuf_adds(q, " AND ");
	for (unsigned k = 0; k < n; k++) {
		const struct tk_col *c = &t->cols[t->key[k]];
		bool last = k + 1 == n;
		sbuf_addc(q, '(');
		dest_quote(q, c->name);
		sbuf_adds(q, last ? (lower ? " >= " : " < ") : (lower ? " > " : " < "));
		tk_add_literal(q, c, v[k]);
		if (!last) {
			sbuf_adds(q, " OR (");
			dest_quote(q, c->name);
			sbuf_adds(q, " = ");
			tk_add_literal(q, c, v[k]);
			sbuf_adds(q, " AND ");
		}
	}
	for (unsigned k = 0; k < n; k++)
		sbuf_adds(q, k + 1 < n ? "))" : ")");
	sbuf_addc(q, ')');
	free(copy);
	return true;
}

bool
tk_add_range(struct sbuf *q, const struct tk_table *t, const char *lo, const char *hi)
{
	if (t->nkey == 0 || (lo == NULL && hi == NULL))
		return true;
	sbuf_adds(q, " WHERE ");
	if (lo != NULL && !tk_add_bound_cond(q, t, lo, true))
		return false;
	if (lo != NULL && hi != NULL)
		sbuf_adds(q, " AND ");
	if (hi != NULL && !tk_add_bound_cond(q, t, hi, false))
		return false;
	return true;
}

bool
tk_next_bound(struct dest *d, const char *db, const char *name, const struct tk_table *t,
    const char *lo, long step, char **out, char *err, size_t errlen)
{
	struct sbuf q = { 0 }, hi = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	*out = NULL;
	sbuf_printf(&q, "SELECT %s FROM ", t->bound_exprs);
	tk_add_ident(&q, db, name);
	sbuf_adds(&q, " FORCE INDEX (");
	dest_quote(&q, t->key_name);
	sbuf_addc(&q, ')');
	if (lo != NULL) {
		sbuf_adds(&q, " WHERE ");
		if (!tk_add_bound_cond(&q, t, lo, true)) {
			sbuf_free(&q);
			snprintf(err, errlen, "`%s`.`%s`: a stored chunk bound has the wrong "
			    "number of key columns (the table's key changed?)", db, name);
			d->err[0] = '\0';
			return false;
		}
	}
	sbuf_printf(&q, " ORDER BY %s LIMIT 1 OFFSET %ld", t->order_by, step);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	row = mysql_fetch_row(res);
	if (row != NULL) {
		for (unsigned k = 0; k < t->nkey; k++) {
			if (k > 0)
				sbuf_addc(&hi, '\n');
			if (row[k] == NULL) {
				/* cannot be: the key's columns are NOT NULL */
				mysql_free_result(res);
				sbuf_free(&hi);
				snprintf(err, errlen, "`%s`.`%s`: NULL in key `%s`", db, name,
				    t->key_name);
				return false;
			}
			sbuf_adds(&hi, row[k]);
		}
		sbuf_addc(&hi, '\0');
		if (hi.oom) {
			mysql_free_result(res);
			sbuf_free(&hi);
			snprintf(err, errlen, "out of memory");
			return false;
		}
		*out = hi.p;
	}
	mysql_free_result(res);
	return true;
}

int
tk_int_span(struct dest *d, const char *db, const char *name, const struct tk_table *t,
    long long *lo, long long *hi, long long *est)
{
	static const char *const ints[] = { "tinyint", "smallint", "mediumint", "int",
		"integer", "bigint", NULL };
	const struct tk_col *c;
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *e1, *e2;
	bool is_int = false, parsed;

	if (t->nkey != 1)
		return 0;
	c = &t->cols[t->key[0]];
	for (unsigned i = 0; ints[i] && !is_int; i++)
		is_int = strcasecmp(c->type, ints[i]) == 0;
	if (!is_int)
		return 0;
	sbuf_adds(&q, "SELECT MIN(");
	dest_quote(&q, c->name);
	sbuf_adds(&q, "), MAX(");
	dest_quote(&q, c->name);
	sbuf_adds(&q, "), (SELECT IFNULL(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE "
	    "TABLE_SCHEMA = ");
	sbuf_sql_string(&q, db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, name);
	sbuf_adds(&q, ") FROM ");
	tk_add_ident(&q, db, name);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return -1;
	row = mysql_fetch_row(res);
	if (row == NULL || row[0] == NULL || row[1] == NULL) {
		mysql_free_result(res);
		return 0;
	}
	errno = 0;
	*lo = strtoll(row[0], &e1, 10);
	*hi = strtoll(row[1], &e2, 10);
	*est = row[2] ? strtoll(row[2], NULL, 10) : 0;
	parsed = errno == 0 && *e1 == '\0' && *e2 == '\0'; /* before the row is freed */
	mysql_free_result(res);
	if (!parsed || *hi < *lo || (long double)*hi - (long double)*lo >
	    (long double)(LLONG_MAX / 4) || *lo < LLONG_MIN / 4)
		return 0;
	return 1;
}
