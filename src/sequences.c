/* sequences.c: MariaDB's sequences of a migration, created and set to the source's state. */
#include "src/sequences.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/sbuf.h"
#include "src/dest.h"
#include "src/filter.h"
#include "src/log.h"

/* The error of connection d into err. */
static bool
fail_dest(struct dest *d, const char *what, bool *fatal, char *err, size_t errlen)
{
	*fatal = !dest_transient(d);
	snprintf(err, errlen, "%s: %s", what, d->err);
	return false;
}

/* Whether s is an integer as the server prints one. */
static bool
integer(const char *s)
{
	if (s == NULL)
		return false;
	if (*s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* What follows the quoted name of "CREATE SEQUENCE `name` ...", or NULL. */
static const char *
after_name(const char *sql)
{
	static const char head[] = "CREATE SEQUENCE `";
	const char *p;

	if (strncmp(sql, head, sizeof(head) - 1) != 0)
		return NULL;
	for (p = sql + sizeof(head) - 1; *p; p++) {
		if (*p != '`')
			continue;
		if (p[1] != '`')
			return p + 1;
		p++; /* a doubled backtick */
	}
	return NULL;
}

/* Create ddb.dtbl as sdb.stbl is, if it is not there. */
static bool
create_one(struct dest *src, struct dest *dst, const char *sdb, const char *stbl,
    const char *ddb, const char *dtbl, bool *fatal, char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	const char *def;
	bool ok;

	sbuf_adds(&q, "SHOW CREATE SEQUENCE ");
	dest_quote(&q, sdb);
	sbuf_addc(&q, '.');
	dest_quote(&q, stbl);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(src, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		return fail_dest(src, "reading a sequence", fatal, err, errlen);
	}
	row = mysql_fetch_row(res);
	/* "CREATE SEQUENCE `name` start with ..."; the name is the destination's */
	def = row && row[1] ? after_name(row[1]) : NULL;
	if (def == NULL) {
		mysql_free_result(res);
		sbuf_free(&q);
		*fatal = true;
		snprintf(err, errlen, "sequence `%s`.`%s`: SHOW CREATE SEQUENCE gave an "
		    "unexpected form", sdb, stbl);
		return false;
	}
	sbuf_reset(&q);
	sbuf_adds(&q, "CREATE SEQUENCE IF NOT EXISTS ");
	dest_quote(&q, ddb);
	sbuf_addc(&q, '.');
	dest_quote(&q, dtbl);
	sbuf_adds(&q, def);
	sbuf_addc(&q, '\0');
	mysql_free_result(res);
	ok = !q.oom && dest_exec(dst, q.p);
	sbuf_free(&q);
	return ok ? true : fail_dest(dst, "creating a sequence", fatal, err, errlen);
}

/*
 * A sequence's state: the values of its row, joined by ", " (*absent: it
 * does not exist; *ints: every value an integer). False on another error.
 */
static bool
state_of(struct dest *d, const char *db, const char *name, struct sbuf *out, bool *absent,
    bool *ints)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	*absent = false;
	*ints = true;
	sbuf_reset(out);
	sbuf_adds(&q, "SELECT * FROM ");
	dest_quote(&q, db);
	sbuf_addc(&q, '.');
	dest_quote(&q, name);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		*absent = d->errnum == 1146; /* ER_NO_SUCH_TABLE */
		return *absent;
	}
	row = mysql_fetch_row(res);
	*ints = row != NULL;
	for (unsigned i = 0; row != NULL && i < mysql_num_fields(res); i++) {
		*ints = *ints && integer(row[i]);
		sbuf_printf(out, "%s%s", i ? ", " : "", row[i] ? row[i] : "NULL");
	}
	mysql_free_result(res);
	sbuf_addc(out, '\0');
	return !out->oom;
}

/* Give ddb.dtbl the state sdb.stbl has now (its row, written with INSERT). */
static bool
set_one(struct dest *src, struct dest *dst, const char *sdb, const char *stbl,
    const char *ddb, const char *dtbl, bool *fatal, char *err, size_t errlen)
{
	struct sbuf v = { 0 }, q = { 0 };
	bool absent, ints, ok;

	if (!state_of(src, sdb, stbl, &v, &absent, &ints) || absent) {
		sbuf_free(&v);
		return fail_dest(src, "reading a sequence's state", fatal, err, errlen);
	}
	if (!ints) {
		sbuf_free(&v);
		*fatal = true;
		snprintf(err, errlen, "sequence `%s`.`%s`: its state is not a row of "
		    "integers", sdb, stbl);
		return false;
	}
	sbuf_adds(&q, "INSERT INTO ");
	dest_quote(&q, ddb);
	sbuf_addc(&q, '.');
	dest_quote(&q, dtbl);
	sbuf_printf(&q, " VALUES (%s)", v.p);
	sbuf_addc(&q, '\0');
	ok = !q.oom && !v.oom && dest_exec(dst, q.p);
	sbuf_free(&q);
	sbuf_free(&v);
	return ok ? true : fail_dest(dst, "setting a sequence", fatal, err, errlen);
}

/* The source's sequences, schema and name (NULL on error). */
static MYSQL_RES *
list_sequences(struct dest *src)
{
	return dest_result(src, "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
	    "WHERE TABLE_TYPE = 'SEQUENCE' AND TABLE_SCHEMA NOT IN ('mysql', "
	    "'information_schema', 'performance_schema', 'sys') ORDER BY 1, 2");
}

bool
sequences_existing(struct dest *src, struct dest *dst, const struct filter *f,
    struct sbuf *list, unsigned *n, bool *fatal, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf q = { 0 };
	bool ok = true;

	*n = 0;
	res = list_sequences(src);
	if (res == NULL)
		return fail_dest(src, "listing sequences", fatal, err, errlen);
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		char ddb[200], dtbl[200], *has = NULL;
		if (!filter_table(f, row[0], row[1]))
			continue;
		filter_map(f, row[0], row[1], ddb, sizeof(ddb), dtbl, sizeof(dtbl));
		sbuf_reset(&q);
		sbuf_adds(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
		sbuf_sql_string(&q, ddb);
		sbuf_adds(&q, " AND TABLE_NAME = ");
		sbuf_sql_string(&q, dtbl);
		sbuf_addc(&q, '\0');
		if (q.oom || !dest_value(dst, q.p, &has)) {
			ok = fail_dest(dst, "looking for sequences", fatal, err, errlen);
			break;
		}
		if (has != NULL) {
			sbuf_printf(list, "%s`%s`.`%s`", list->len ? ", " : "", ddb, dtbl);
			(*n)++;
		}
		free(has);
	}
	mysql_free_result(res);
	sbuf_free(&q);
	return ok;
}

bool
sequences_copy(struct dest *src, struct dest *dst, const struct filter *f, unsigned *n,
    bool *fatal, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = true;

	*n = 0;
	res = list_sequences(src);
	if (res == NULL)
		return fail_dest(src, "listing sequences", fatal, err, errlen);
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		char ddb[200], dtbl[200];
		if (!filter_table(f, row[0], row[1]))
			continue;
		filter_map(f, row[0], row[1], ddb, sizeof(ddb), dtbl, sizeof(dtbl));
		ok = create_one(src, dst, row[0], row[1], ddb, dtbl, fatal, err, errlen) &&
		    set_one(src, dst, row[0], row[1], ddb, dtbl, fatal, err, errlen);
		if (ok)
			(*n)++;
		else {
			/* name it */
			char what[1200];
			snprintf(what, sizeof(what), "sequence `%s`.`%s`: %s", row[0], row[1], err);
			snprintf(err, errlen, "%s", what);
		}
	}
	mysql_free_result(res);
	return ok;
}

bool
sequences_verify(struct dest *src, struct dest *dst, const struct filter *f, bool repair,
    FILE *out, unsigned *n, unsigned *missing, unsigned *differ, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf a = { 0 }, b = { 0 };
	bool ok = true, fatal;

	*n = *missing = *differ = 0;
	res = list_sequences(src);
	if (res == NULL)
		return fail_dest(src, "listing sequences", &fatal, err, errlen);
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		char ddb[200], dtbl[200];
		bool gone = false, absent = false, same = false, ints;
		if (!filter_table(f, row[0], row[1]))
			continue;
		filter_map(f, row[0], row[1], ddb, sizeof(ddb), dtbl, sizeof(dtbl));
		(*n)++;
		for (int try = 0; try < 5 && !same; try++) {
			if (try > 0)
				sleep(1);
			if (!state_of(src, row[0], row[1], &a, &gone, &ints)) {
				ok = fail_dest(src, "reading a sequence", &fatal, err, errlen);
				break;
			}
			if (!state_of(dst, ddb, dtbl, &b, &absent, &ints)) {
				ok = fail_dest(dst, "reading a sequence", &fatal, err, errlen);
				break;
			}
			same = gone || (!absent && strcmp(a.p, b.p) == 0);
			if (absent)
				break;
		}
		if (!ok)
			break;
		if (gone)
			continue; /* dropped meanwhile */
		if (same) {
			fprintf(out, "`%s`.`%s`: identical (sequence: %s)\n", row[0], row[1], a.p);
			continue;
		}
		if (absent) {
			(*missing)++;
			fprintf(out, "`%s`.`%s`: sequence missing on the destination as `%s`.`%s`\n",
			    row[0], row[1], ddb, dtbl);
		} else {
			(*differ)++;
			fprintf(out, "`%s`.`%s`: sequence different: source (%s), destination (%s)\n",
			    row[0], row[1], a.p, b.p);
		}
		if (repair) {
			ok = (!absent || create_one(src, dst, row[0], row[1], ddb, dtbl, &fatal, err,
			    errlen)) && set_one(src, dst, row[0], row[1], ddb, dtbl, &fatal, err, errlen);
			if (ok)
				fprintf(out, "  repaired: set to the source's state\n");
		}
	}
	mysql_free_result(res);
	sbuf_free(&a);
	sbuf_free(&b);
	return ok;
}
