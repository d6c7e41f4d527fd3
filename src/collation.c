/* collation.c: source collation ids to destination collation names, and COLLATE clauses of DDL text. */
#include "src/collation.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sbuf.h"
#include "src/dest.h"

struct coll_entry {
	unsigned id;
	char name[65];
	char charset[33];
	bool is_default;
};

struct coll_table {
	struct coll_entry *e; /* sorted by id */
	size_t n;
	/* charset=collation overrides of the defaults (MariaDB 11.2+) */
	char overrides[1024];
};

struct coll_pair {
	char from[65], to[65];
};

struct collations {
	struct coll_table src, dst;
	struct coll_pair *map;
	size_t nmap;
};

static int
entry_cmp(const void *a, const void *b)
{
	const struct coll_entry *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Read information_schema.COLLATIONS (and character_set_collations) of one server. */
static bool
table_load(struct coll_table *t, struct dest *d, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t n;
	char *v = NULL;

	/*
	 * MariaDB 10.10+ names its uca1400 collations without a charset in
	 * COLLATIONS (uca1400_ai_ci, no id); their full names and ids are in
	 * COLLATION_CHARACTER_SET_APPLICABILITY.
	 */
	bool full = dest_is_mariadb(d) && mysql_get_server_version(d->my) >= 101000;

	if (mysql_query(d->my, full ?
	    "SELECT ID, FULL_COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT "
	    "FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL" :
	    "SELECT ID, COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT "
	    "FROM information_schema.COLLATIONS WHERE ID IS NOT NULL") != 0 ||
	    (res = mysql_store_result(d->my)) == NULL) {
		d->errnum = mysql_errno(d->my);
		snprintf(err, errlen, "%s: reading information_schema.COLLATIONS: %s (error %u)",
		    d->where, mysql_error(d->my), d->errnum);
		return false;
	}
	n = (size_t)mysql_num_rows(res);
	t->e = calloc(n ? n : 1, sizeof(*t->e));
	if (t->e == NULL) {
		mysql_free_result(res);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL && t->n < n) {
		struct coll_entry *e = &t->e[t->n];
		if (row[0] == NULL || row[1] == NULL || row[2] == NULL)
			continue;
		e->id = (unsigned)strtoul(row[0], NULL, 10);
		snprintf(e->name, sizeof(e->name), "%s", row[1]);
		snprintf(e->charset, sizeof(e->charset), "%s", row[2]);
		e->is_default = row[3] != NULL && strcasecmp(row[3], "Yes") == 0;
		t->n++;
	}
	mysql_free_result(res);
	qsort(t->e, t->n, sizeof(*t->e), entry_cmp);
	/* MariaDB 11.2+: the default collation of a charset is a variable */
	if (dest_is_mariadb(d) && mysql_get_server_version(d->my) >= 110200) {
		if (!dest_value(d, "SELECT @@global.character_set_collations", &v)) {
			snprintf(err, errlen, "%s", d->err);
			return false;
		}
		snprintf(t->overrides, sizeof(t->overrides), "%s", v ? v : "");
		free(v);
	}
	return true;
}

static const struct coll_entry *
by_id(const struct coll_table *t, unsigned id)
{
	struct coll_entry key = { .id = id };
	return bsearch(&key, t->e, t->n, sizeof(*t->e), entry_cmp);
}

static const struct coll_entry *
by_name(const struct coll_table *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->e[i].name) == len && strncasecmp(t->e[i].name, name, len) == 0)
			return &t->e[i];
	return NULL;
}

/* The default collation of charset cs on a server, NULL if unknown. */
static const char *
default_of(const struct coll_table *t, const char *cs, size_t cslen)
{
	const char *p = t->overrides;

	/* "utf8mb4=utf8mb4_uca1400_ai_ci,ucs2=..." */
	while (*p) {
		size_t k = strcspn(p, ",");
		const char *eq = memchr(p, '=', k);
		if (eq != NULL && (size_t)(eq - p) == cslen && strncasecmp(p, cs, cslen) == 0) {
			static __thread char buf[65];
			snprintf(buf, sizeof(buf), "%.*s", (int)(k - (size_t)(eq + 1 - p)), eq + 1);
			return buf;
		}
		p += k;
		if (*p == ',')
			p++;
	}
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].is_default && strlen(t->e[i].charset) == cslen &&
		    strncasecmp(t->e[i].charset, cs, cslen) == 0)
			return t->e[i].name;
	return NULL;
}

/* The destination name for a source collation name, NULL if none. */
static const char *
map_name(const struct collations *c, const char *name, size_t len)
{
	const struct coll_entry *e = by_name(&c->dst, name, len);

	if (e != NULL)
		return e->name;
	for (size_t i = 0; i < c->nmap; i++)
		if (strlen(c->map[i].from) == len && strncasecmp(c->map[i].from, name, len) == 0)
			return c->map[i].to;
	return NULL;
}

/*
 * cand: name with its part from (at p, flen bytes) replaced by to, if the
 * destination has that collation.
 */
static bool
swap_part(const struct collations *c, const char *name, size_t len, const char *p,
    size_t flen, const char *to, char *cand, size_t candlen)
{
	snprintf(cand, candlen, "%.*s%s%.*s", (int)(p - name), name, to,
	    (int)(len - (size_t)(p + flen - name)), p + flen);
	return by_name(&c->dst, cand, strlen(cand)) != NULL;
}

/*
 * err: the collation is missing; suggest a destination collation: the
 * other vendor's of the same UCA family (MySQL's utf8mb4_0900_ai_ci and
 * MariaDB's utf8mb4_uca1400_ai_ci, both ways), else the destination's
 * default for the charset.
 */
static void
missing(const struct collations *c, const char *name, size_t len, char *err, size_t errlen)
{
	char want[80] = "", cand[80];
	const char *p, *cs_end = memchr(name, '_', len), *d;
	static const struct {
		const char *from, *to;
	} fam[] = {
		{ "_0900_", "_uca1400_" },
		{ "_uca1400_nopad_", "_0900_" },
		{ "_uca1400_", "_0900_" },
	};

	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]) && !want[0]; i++) {
		size_t flen = strlen(fam[i].from);
		p = strstr(name, fam[i].from);
		if (p != NULL && (size_t)(p - name) + flen <= len &&
		    swap_part(c, name, len, p, flen, fam[i].to, cand, sizeof(cand)))
			snprintf(want, sizeof(want), "%s", cand);
	}
	if (!want[0] && cs_end != NULL &&
	    (d = default_of(&c->dst, name, (size_t)(cs_end - name))) != NULL)
		snprintf(want, sizeof(want), "%s", d);
	snprintf(err, errlen, "the destination has no collation %.*s: map it to one it has "
	    "with [apply] collation_map = %.*s:%s", (int)len, name, (int)len, name,
	    want[0] ? want : "COLLATION");
}

const char *
collations_map_check(const char *map)
{
	const char *p = map ? map : "";

	while (*p) {
		size_t a, b;
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		a = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (a == 0 || a > 64 || p[a] != ':')
			return "expected source_collation:destination_collation pairs separated "
			       "by commas";
		b = strspn(p + a + 1,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (b == 0 || b > 64 || (p[a + 1 + b] != '\0' && p[a + 1 + b] != ',' &&
		    p[a + 1 + b] != ' '))
			return "expected source_collation:destination_collation pairs separated "
			       "by commas";
		p += a + 1 + b;
	}
	return NULL;
}

struct collations *
collations_load(struct dest *src, struct dest *dst, const char *map, bool *transient,
    char *err, size_t errlen)
{
	struct collations *c = calloc(1, sizeof(*c));
	const char *p = map ? map : "";

	*transient = false;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!table_load(&c->src, src, err, errlen)) {
		*transient = dest_transient(src);
		collations_free(c);
		return NULL;
	}
	if (!table_load(&c->dst, dst, err, errlen)) {
		*transient = dest_transient(dst);
		collations_free(c);
		return NULL;
	}
	if (collations_map_check(p) != NULL) {
		snprintf(err, errlen, "[apply] collation_map = %s: %s", p, collations_map_check(p));
		collations_free(c);
		return NULL;
	}
	while (*p) {
		size_t a, b;
		struct coll_pair *np;
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		a = strcspn(p, ":");
		b = strcspn(p + a + 1, ", ");
		np = realloc(c->map, (c->nmap + 1) * sizeof(*c->map));
		if (np == NULL) {
			snprintf(err, errlen, "out of memory");
			collations_free(c);
			return NULL;
		}
		c->map = np;
		snprintf(np[c->nmap].from, sizeof(np->from), "%.*s", (int)a, p);
		snprintf(np[c->nmap].to, sizeof(np->to), "%.*s", (int)b, p + a + 1);
		if (by_name(&c->dst, np[c->nmap].to, b) == NULL) {
			snprintf(err, errlen, "[apply] collation_map: %s:%s: %s has no collation "
			    "%s (SHOW COLLATION lists those it has)", np[c->nmap].from,
			    np[c->nmap].to, dst->where, np[c->nmap].to);
			c->nmap++;
			collations_free(c);
			return NULL;
		}
		c->nmap++;
		p += a + 1 + b;
	}
	return c;
}

void
collations_free(struct collations *c)
{
	if (c == NULL)
		return;
	free(c->src.e);
	free(c->dst.e);
	free(c->map);
	free(c);
}

const char *
collations_dest(const struct collations *c, unsigned id, const char **charset, char *err,
    size_t errlen)
{
	const struct coll_entry *e = by_id(&c->src, id);
	const char *n;

	if (e == NULL) {
		snprintf(err, errlen, "collation id %u is not one of the source's", id);
		return NULL;
	}
	n = map_name(c, e->name, strlen(e->name));
	if (n == NULL) {
		missing(c, e->name, strlen(e->name), err, errlen);
		return NULL;
	}
	if (charset != NULL) {
		const struct coll_entry *d = by_name(&c->dst, n, strlen(n));
		*charset = d != NULL ? d->charset : e->charset;
	}
	return n;
}

const char *
collations_dest_default(const struct collations *c, unsigned id)
{
	const struct coll_entry *e = by_id(&c->src, id);

	if (e == NULL)
		return NULL;
	for (size_t i = 0; i < c->dst.n; i++)
		if (c->dst.e[i].is_default && strcmp(c->dst.e[i].charset, e->charset) == 0)
			return c->dst.e[i].name;
	return NULL;
}

const char *
collations_src_name(const struct collations *c, unsigned id)
{
	const struct coll_entry *e = by_id(&c->src, id);

	return e != NULL ? e->name : NULL;
}

const char *
collations_src_charset(const struct collations *c, unsigned id)
{
	const struct coll_entry *e = by_id(&c->src, id);

	return e != NULL ? e->charset : NULL;
}

/* ------------------------------------------------------- DDL text */

struct tok {
	const char *p;
	size_t len;
	char kind; /* 'w' word, 'q' quoted identifier or string, 'o' other, 0 end */
	int depth;
};

struct scan {
	const char *s, *end;
	int depth;
	int versioned; /* inside a versioned comment */
};

/* The next token of SQL text, skipping blanks and comments. */
static struct tok
next_tok(struct scan *sc)
{
	struct tok t = { 0 };
	const char *p = sc->s;

	for (;;) {
		while (p < sc->end && isspace((unsigned char)*p))
			p++;
		if (p + 1 < sc->end && p[0] == '/' && p[1] == '*') {
			if (p + 2 < sc->end && (p[2] == '!' || (p[2] == 'M' && p + 3 < sc->end &&
			    p[3] == '!'))) {
				p += p[2] == '!' ? 3 : 4;
				while (p < sc->end && isdigit((unsigned char)*p))
					p++;
				sc->versioned++;
				continue;
			}
			p += 2;
			while (p + 1 < sc->end && !(p[0] == '*' && p[1] == '/'))
				p++;
			p = p + 1 < sc->end ? p + 2 : sc->end;
			continue;
		}
		if (sc->versioned > 0 && p + 1 < sc->end && p[0] == '*' && p[1] == '/') {
			sc->versioned--;
			p += 2;
			continue;
		}
		if (p < sc->end && (*p == '#' || (p + 2 < sc->end && p[0] == '-' && p[1] == '-' &&
		    (isspace((unsigned char)p[2]) || iscntrl((unsigned char)p[2]))))) {
			while (p < sc->end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	t.p = p;
	if (p >= sc->end) {
		sc->s = p;
		return t;
	}
	if (*p == '\'' || *p == '"' || *p == '`') {
		char q = *p++;
		while (p < sc->end) {
			if (*p == '\\' && q != '`' && p + 1 < sc->end) {
				p += 2;
				continue;
			}
			if (*p == q) {
				if (p + 1 < sc->end && p[1] == q) {
					p += 2;
					continue;
				}
				p++;
				break;
			}
			p++;
		}
		t.kind = 'q';
	} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
	    (unsigned char)*p >= 0x80) {
		while (p < sc->end && (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		    (unsigned char)*p >= 0x80))
			p++;
		t.kind = 'w';
	} else {
		if (*p == '(')
			sc->depth++;
		else if (*p == ')' && sc->depth > 0)
			sc->depth--;
		p++;
		t.kind = 'o';
	}
	t.len = (size_t)(p - t.p);
	t.depth = sc->depth;
	sc->s = p;
	return t;
}

static bool
is_word(const struct tok *t, const char *w)
{
	return t->kind == 'w' && t->len == strlen(w) && strncasecmp(t->p, w, t->len) == 0;
}

/* The name a word or quoted token stands for (quotes removed, no escapes inside). */
static void
tok_name(const struct tok *t, const char **p, size_t *len)
{
	*p = t->p;
	*len = t->len;
	if (t->kind == 'q' && t->len >= 2) {
		(*p)++;
		*len -= 2;
	}
}

char *
collations_rewrite_sql(const struct collations *c, const char *sql, size_t len,
    bool charset_defaults, bool *changed, char *err, size_t errlen)
{
	struct scan sc = { sql, sql + len, 0, 0 };
	struct sbuf out = { 0 };
	const char *copied = sql;
	struct tok t, prev = { 0 };

	*changed = false;
	for (t = next_tok(&sc); t.kind != 0; prev = t, t = next_tok(&sc)) {
		bool collate = is_word(&t, "COLLATE");
		bool charset = is_word(&t, "CHARSET") ||
		    (is_word(&t, "SET") && (is_word(&prev, "CHARACTER") || is_word(&prev, "CHAR")));
		struct tok v;
		const char *name, *to;
		size_t nlen;

		if (!collate && !(charset && charset_defaults))
			continue;
		v = next_tok(&sc);
		if (v.kind == 'o' && v.len == 1 && *v.p == '=')
			v = next_tok(&sc);
		if (v.kind != 'w' && v.kind != 'q') {
			t = v;
			continue;
		}
		tok_name(&v, &name, &nlen);
		if (collate) {
			if (by_name(&c->dst, name, nlen) != NULL) {
				t = v;
				continue;
			}
			to = map_name(c, name, nlen);
			if (to == NULL) {
				missing(c, name, nlen, err, errlen);
				sbuf_free(&out);
				return NULL;
			}
			sbuf_add(&out, copied, (size_t)(name - copied));
			sbuf_adds(&out, to);
			copied = name + nlen;
			*changed = true;
			t = v;
			continue;
		}
		/*
		 * A charset without COLLATE takes the server's default for it,
		 * which may differ between the two (utf8mb4: utf8mb4_0900_ai_ci
		 * on MySQL 8, utf8mb4_general_ci on MariaDB 10, uca1400 on 11.8):
		 * name the source's default explicitly where they differ.  Only
		 * in table, column and database options (depth 0 or 1), not in
		 * CAST/CONVERT expressions.
		 */
		{
			struct scan peek = sc;
			struct tok n = next_tok(&peek);
			const char *sd, *dd;
			if (is_word(&n, "COLLATE") || v.depth > 1 || is_word(&v, "DEFAULT") ||
			    is_word(&v, "binary")) {
				t = v;
				continue;
			}
			sd = default_of(&c->src, name, nlen);
			dd = default_of(&c->dst, name, nlen);
			if (sd == NULL || dd == NULL) {
				t = v;
				continue;
			}
			to = map_name(c, sd, strlen(sd));
			if (to == NULL) {
				missing(c, sd, strlen(sd), err, errlen);
				sbuf_free(&out);
				return NULL;
			}
			if (strcasecmp(to, dd) != 0) {
				sbuf_add(&out, copied, (size_t)(v.p + v.len - copied));
				sbuf_printf(&out, " COLLATE %s", to);
				copied = v.p + v.len;
				*changed = true;
			}
		}
		t = v;
	}
	sbuf_add(&out, copied, (size_t)(sql + len - copied));
	sbuf_addc(&out, '\0');
	if (out.oom) {
		sbuf_free(&out);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return out.p;
}
