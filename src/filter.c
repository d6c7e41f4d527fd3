/* filter.c: database/table/column selection by wildcard patterns and exact-name renames. */
#include "src/filter.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_CHARS 64
#define NAME_MAX_BYTES 192 /* 64 characters of utf8mb4 */

/* One list item: up to three dot-separated parts (db, table, column). */
struct fitem {
	char part[3][NAME_MAX_BYTES + 1];
};

/* A parsed comma-separated setting. */
struct flist {
	struct fitem *items;
	size_t n;
};

/* One rename: a source name and its target (part[0] db, part[1] table). */
struct frename {
	struct fitem from, to;
};

struct filter {
	struct flist inc_db, exc_db, inc_tbl, exc_tbl, exc_col;
	struct frename *rdb, *rtbl;
	size_t nrdb, nrtbl;
	char state_schema[NAME_MAX_BYTES + 1];
};

/* Store a malloc'ed printf-style message in *err (if err is not NULL). */
static void
filter_err(char **err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*err = NULL;
		return;
	}
	*err = malloc((size_t)n + 1);
	if (*err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(*err, (size_t)n + 1, fmt, ap);
	va_end(ap);
}

/* Whether byte c may appear in an unquoted identifier (UTF-8 bytes do). */
static bool
filter_ident_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Length in characters of well-formed UTF-8 s[0..len), or -1 if malformed. */
static long
filter_utf8_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long chars = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;

		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4;
		else
			return -1;
		if (i + n > len)
			return -1;
		for (k = 1; k < n; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
		i += n;
		chars++;
	}
	return chars;
}

/*
 * Check one name part of an item of setting key and copy it to out.
 * Wildcards are allowed only when patterns is true.
 */
static bool
filter_part(const char *key, const char *item, const char *s, size_t len,
    bool patterns, char *out, char **err)
{
	size_t i;
	long chars;

	if (len == 0) {
		filter_err(err, "%s: \"%s\" has an empty name", key, item);
		return false;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (filter_ident_byte(c))
			continue;
		if (patterns && (c == '*' || c == '?'))
			continue;
		if (!patterns && (c == '*' || c == '?'))
			filter_err(err,
			    "%s: \"%s\": renames take exact names, "
			    "not wildcards", key, item);
		else
			filter_err(err,
			    "%s: \"%s\": character '%c' is not allowed "
			    "(letters, digits, _ and $%s only)", key, item,
			    isprint(c) ? c : '?', patterns ? ", wildcards * ?" : "");
		return false;
	}
	chars = filter_utf8_chars(s, len);
	if (chars < 0) {
		filter_err(err, "%s: \"%s\" is not valid UTF-8", key, item);
		return false;
	}
	if (chars > NAME_MAX_CHARS || len > NAME_MAX_BYTES) {
		filter_err(err, "%s: \"%s\": a name is longer than %d characters",
		    key, item, NAME_MAX_CHARS);
		return false;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/*
 * Split item s[0..len) of setting key into exactly nparts dot-separated
 * parts; what names the expected form in messages ("db.table").
 */
static bool
filter_split(const char *key, const char *item, const char *s, size_t len,
    int nparts, bool patterns, const char *what, struct fitem *out,
    char **err)
{
	const char *p = s, *end = s + len;
	int k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < nparts; k++) {
		const char *dot = k + 1 < nparts ? memchr(p, '.', (size_t)(end - p))
		    : NULL;
		const char *stop = dot != NULL ? dot : end;

		if (k + 1 < nparts && dot == NULL) {
			filter_err(err, "%s: \"%s\" is not of the form %s", key,
			    item, what);
			return false;
		}
		if (k + 1 == nparts && memchr(p, '.', (size_t)(end - p))) {
			filter_err(err, "%s: \"%s\" is not of the form %s", key,
			    item, what);
			return false;
		}
		if (!filter_part(key, item, p, (size_t)(stop - p), patterns,
		    out->part[k], err))
			return false;
		p = stop + 1;
	}
	return true;
}

/* Whether c is a blank that may surround list items. */
static bool
filter_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Parse setting key (value may be NULL) as a comma-separated list. Each item
 * is split into nparts names (patterns allow wildcards); for renames
 * (nparts_to > 0) an item is "from:to", the target split into nparts_to.
 * Items go to list, or to *renames and *nren.
 */
static bool
filter_parse(const char *key, const char *value, int nparts, bool patterns,
    const char *what, struct flist *list, struct frename **renames,
    size_t *nren, char **err)
{
	const char *p = value != NULL ? value : "", *q;
	size_t cap = 0, n = 0;
	void *arr = NULL;
	size_t esize = renames != NULL ? sizeof(struct frename)
	    : sizeof(struct fitem);
	bool all_blank = true;

	for (q = p; *q; q++)
		if (!filter_blank(*q))
			all_blank = false;
	if (all_blank)
		goto done;
	for (;;) {
		const char *start = p, *stop = strchr(p, ',');
		char item[1024];
		size_t ilen;

		if (stop == NULL)
			stop = p + strlen(p);
		while (start < stop && filter_blank(*start))
			start++;
		q = stop;
		while (q > start && filter_blank(q[-1]))
			q--;
		ilen = (size_t)(q - start);
		snprintf(item, sizeof(item), "%.*s", (int)ilen, start);
		if (ilen == 0) {
			filter_err(err, "%s: empty item in \"%s\"", key, value);
			goto fail;
		}
		if (n == cap) {
			void *na;

			cap = cap ? cap * 2 : 8;
			na = realloc(arr, cap * esize);
			if (na == NULL) {
				filter_err(err, "%s: out of memory", key);
				goto fail;
			}
			arr = na;
		}
		if (renames != NULL) {
			struct frename *r = (struct frename *)arr + n;
			const char *colon = memchr(start, ':', ilen);
			const char *a_end = colon, *b = colon + 1;
			char form[64];

			snprintf(form, sizeof(form), "%s:%s", what, what);
			if (colon == NULL || memchr(colon + 1, ':',
			    (size_t)(q - colon - 1)) != NULL) {
				filter_err(err, "%s: \"%s\" is not of the form "
				    "%s", key, item, form);
				goto fail;
			}
			/* blanks around the colon are allowed too */
			while (a_end > start && filter_blank(a_end[-1]))
				a_end--;
			while (b < q && filter_blank(*b))
				b++;
			if (!filter_split(key, item, start,
			    (size_t)(a_end - start), nparts, false, form,
			    &r->from, err) ||
			    !filter_split(key, item, b, (size_t)(q - b), nparts,
			    false, form, &r->to, err))
				goto fail;
		} else if (!filter_split(key, item, start, ilen, nparts,
		    patterns, what, (struct fitem *)arr + n, err)) {
			goto fail;
		}
		n++;
		if (*stop == '\0')
			break;
		p = stop + 1;
	}
done:
	if (renames != NULL) {
		*renames = arr;
		*nren = n;
	} else {
		list->items = arr;
		list->n = n;
	}
	return true;
fail:
	free(arr);
	return false;
}

/* Whether byte c of a name, compared to pattern byte p, is equal. */
static bool
filter_byte_eq(unsigned char p, unsigned char c, bool nocase)
{
	if (nocase && p < 0x80 && c < 0x80)
		return tolower(p) == tolower(c);
	return p == c;
}

/* Bytes in the UTF-8 character starting at s (1 for a stray byte). */
static size_t
filter_char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = 1, i;

	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * Glob match of name against pattern: '*' any run of characters, '?' one
 * UTF-8 character. Backtracks only to the last '*', so it is linear-ish.
 */
static bool
filter_glob(const char *pat, const char *name, bool nocase)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (*pat == '\0')
				return true;
			star = pat;
			resume = name;
			continue;
		}
		if (*pat == '?') {
			pat++;
			name += filter_char_len(name);
			continue;
		}
		if (*pat != '\0' && filter_byte_eq((unsigned char)*pat,
		    (unsigned char)*name, nocase)) {
			pat++;
			name++;
			continue;
		}
		if (star == NULL)
			return false;
		resume += filter_char_len(resume);
		name = resume;
		pat = star;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* Whether the pattern matches every name. */
static bool
filter_glob_all(const char *pat)
{
	if (*pat == '\0')
		return false;
	for (; *pat; pat++)
		if (*pat != '*')
			return false;
	return true;
}

/* Whether any item of list matches the given parts (NULL parts are not compared). */
static bool
filter_any(const struct flist *l, const char *db, const char *tbl,
    const char *col)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct fitem *it = &l->items[i];

		if (!filter_glob(it->part[0], db, false))
			continue;
		if (tbl != NULL && !filter_glob(it->part[1], tbl, false))
			continue;
		/* column names are case-insensitive on every server */
		if (col != NULL && !filter_glob(it->part[2], col, true))
			continue;
		return true;
	}
	return false;
}

/* Whether db is a system schema or the state schema: never replicated. */
static bool
filter_reserved(const struct filter *f, const char *db)
{
	/*
	 * information_schema and performance_schema are case-insensitive on
	 * every server; mysql and sys are ordinary names there.
	 */
	if (strcasecmp(db, "information_schema") == 0 ||
	    strcasecmp(db, "performance_schema") == 0 ||
	    strcmp(db, "mysql") == 0 || strcmp(db, "sys") == 0)
		return true;
	return f->state_schema[0] != '\0' && strcmp(db, f->state_schema) == 0;
}

/* Check the renames of one setting for duplicates and reserved names. */
static bool
filter_check_renames(const struct filter *f, const char *key,
    const struct frename *r, size_t n, int nparts, char **err)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *sep = nparts == 2 ? "." : "";
		const char *fp1 = nparts == 2 ? r[i].from.part[1] : "";
		const char *tp1 = nparts == 2 ? r[i].to.part[1] : "";

		if (filter_reserved(f, r[i].from.part[0]) ||
		    filter_reserved(f, r[i].to.part[0])) {
			filter_err(err, "%s: \"%s%s%s:%s%s%s\" names a system "
			    "or state schema, which is never replicated", key,
			    r[i].from.part[0], sep, fp1, r[i].to.part[0], sep,
			    tp1);
			return false;
		}
		for (j = 0; j < i; j++) {
			bool same_from = strcmp(r[i].from.part[0],
			    r[j].from.part[0]) == 0 && strcmp(r[i].from.part[1],
			    r[j].from.part[1]) == 0;
			bool same_to = strcmp(r[i].to.part[0],
			    r[j].to.part[0]) == 0 && strcmp(r[i].to.part[1],
			    r[j].to.part[1]) == 0;

			if (same_from) {
				filter_err(err, "%s: \"%s%s%s\" is renamed "
				    "twice", key, r[i].from.part[0], sep, fp1);
				return false;
			}
			if (same_to) {
				filter_err(err, "%s: \"%s%s%s\" and \"%s%s%s\" "
				    "are both renamed to \"%s%s%s\"", key,
				    r[j].from.part[0], sep,
				    nparts == 2 ? r[j].from.part[1] : "",
				    r[i].from.part[0], sep, fp1,
				    r[i].to.part[0], sep, tp1);
				return false;
			}
		}
	}
	return true;
}

struct filter *
filter_new(const char *include_databases, const char *exclude_databases,
    const char *include_tables, const char *exclude_tables,
    const char *exclude_columns, const char *rename_databases,
    const char *rename_tables, const char *state_schema, char **err)
{
	struct filter *f = calloc(1, sizeof(*f));

	if (err != NULL)
		*err = NULL;
	if (f == NULL) {
		filter_err(err, "filter: out of memory");
		return NULL;
	}
	/* cfg.c validates the name; here it is only compared */
	if (state_schema != NULL) {
		if (strlen(state_schema) > NAME_MAX_BYTES) {
			filter_err(err, "state_schema: \"%s\" is longer than "
			    "%d bytes", state_schema, NAME_MAX_BYTES);
			goto fail;
		}
		strcpy(f->state_schema, state_schema);
	}
	if (!filter_parse("include_databases", include_databases, 1, true,
	    "db", &f->inc_db, NULL, NULL, err) ||
	    !filter_parse("exclude_databases", exclude_databases, 1, true,
	    "db", &f->exc_db, NULL, NULL, err) ||
	    !filter_parse("include_tables", include_tables, 2, true,
	    "db.table", &f->inc_tbl, NULL, NULL, err) ||
	    !filter_parse("exclude_tables", exclude_tables, 2, true,
	    "db.table", &f->exc_tbl, NULL, NULL, err) ||
	    !filter_parse("exclude_columns", exclude_columns, 3, true,
	    "db.table.column", &f->exc_col, NULL, NULL, err) ||
	    !filter_parse("rename_databases", rename_databases, 1, false,
	    "db", NULL, &f->rdb, &f->nrdb, err) ||
	    !filter_parse("rename_tables", rename_tables, 2, false,
	    "db.table", NULL, &f->rtbl, &f->nrtbl, err))
		goto fail;
	if (!filter_check_renames(f, "rename_databases", f->rdb, f->nrdb, 1,
	    err) ||
	    !filter_check_renames(f, "rename_tables", f->rtbl, f->nrtbl, 2,
	    err))
		goto fail;
	return f;
fail:
	filter_free(f);
	return NULL;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	free(f->inc_db.items);
	free(f->exc_db.items);
	free(f->inc_tbl.items);
	free(f->exc_tbl.items);
	free(f->exc_col.items);
	free(f->rdb);
	free(f->rtbl);
	free(f);
}

/*
 * A database passes when it is not reserved, passes include/exclude
 * databases, and the table lists do not rule out every table in it.
 */
bool
filter_database(const struct filter *f, const char *db)
{
	size_t i;

	if (db == NULL)
		db = "";
	if (filter_reserved(f, db))
		return false;
	if (f->inc_db.n > 0 && !filter_any(&f->inc_db, db, NULL, NULL))
		return false;
	if (filter_any(&f->exc_db, db, NULL, NULL))
		return false;
	if (f->inc_tbl.n > 0 && !filter_any(&f->inc_tbl, db, NULL, NULL))
		return false;
	for (i = 0; i < f->exc_tbl.n; i++)
		if (filter_glob_all(f->exc_tbl.items[i].part[1]) &&
		    filter_glob(f->exc_tbl.items[i].part[0], db, false))
			return false;
	return true;
}

bool
filter_table(const struct filter *f, const char *db, const char *table)
{
	if (db == NULL)
		db = "";
	if (table == NULL)
		table = "";
	if (!filter_database(f, db))
		return false;
	if (f->inc_tbl.n > 0 && !filter_any(&f->inc_tbl, db, table, NULL))
		return false;
	return !filter_any(&f->exc_tbl, db, table, NULL);
}

bool
filter_column(const struct filter *f, const char *db, const char *table,
    const char *col)
{
	return filter_any(&f->exc_col, db != NULL ? db : "",
	    table != NULL ? table : "", col != NULL ? col : "");
}

/* Copy s into out[0..len), truncating; nothing when out is NULL or len 0. */
static void
filter_copy(char *out, size_t len, const char *s)
{
	size_t n;

	if (out == NULL || len == 0)
		return;
	n = strlen(s);
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * Destination names: an exact table rename first, else the database rename.
 * Buffers of 193 bytes always hold a name; out_table gets "" when table is
 * NULL.
 */
void
filter_map(const struct filter *f, const char *db, const char *table,
    char *out_db, size_t db_len, char *out_table, size_t table_len)
{
	const char *ndb = db != NULL ? db : "";
	size_t i;

	if (table != NULL) {
		for (i = 0; i < f->nrtbl; i++) {
			const struct frename *r = &f->rtbl[i];

			if (strcmp(r->from.part[0], ndb) == 0 &&
			    strcmp(r->from.part[1], table) == 0) {
				filter_copy(out_db, db_len, r->to.part[0]);
				filter_copy(out_table, table_len,
				    r->to.part[1]);
				return;
			}
		}
	}
	for (i = 0; i < f->nrdb; i++) {
		if (strcmp(f->rdb[i].from.part[0], ndb) == 0) {
			ndb = f->rdb[i].to.part[0];
			break;
		}
	}
	filter_copy(out_db, db_len, ndb);
	filter_copy(out_table, table_len, table != NULL ? table : "");
}

bool
filter_renames(const struct filter *f)
{
	return f->nrdb > 0 || f->nrtbl > 0;
}
