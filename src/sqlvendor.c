/* sqlvendor.c: what in a DDL statement one vendor has and the other lacks. */
#include "src/sqlvendor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/sbuf.h"

#include "src/sqlclass.h"
#include "src/sqllex.h"

/* Token t unquoted into out. */
static void
tk_unquote(const char *sql, const struct tok *t, char *out, size_t outlen)
{
	size_t o = 0, s = t->start, e = t->end;

	if (t->kind == TK_IDENT) {
		s++;
		e--;
	}
	for (size_t i = s; i < e && o + 1 < outlen; i++) {
		out[o++] = sql[i];
		if (t->kind == TK_IDENT && sql[i] == sql[t->start] && i + 1 < e)
			i++; /* a doubled quote */
	}
	out[o] = '\0';
}

bool
sql_column_of_type(const char *sql, size_t len, uint64_t sql_mode,
    const char *const *types, char *col, size_t collen, char *type, size_t typelen)
{
	static const char *const opens[] = { "ADD", "COLUMN", "MODIFY", "EXISTS", NULL };
	static const char *const changes[] = { "CHANGE", "COLUMN", NULL };
	static const char *const not_names[] = { "COLUMN", "TO", "AS", "IF", "EXISTS",
		"NOT", "ADD", "MODIFY", "CHANGE", NULL };
	struct lex lx;
	struct tok w[4]; /* w[0] the current token, w[1..3] the ones before */

	memset(w, 0, sizeof(w));
	lex_init(&lx, sql, len, sql_mode);
	for (int i = 1; i < 4; i++)
		w[i].kind = TK_END;
	for (lex_next(&lx, &w[0]); w[0].kind != TK_END && w[0].kind != TK_ERR;) {
		struct tok next;
		const struct tok *n = &w[1];
		lex_next(&lx, &next);
		if (lex_word_in(sql, &w[0], types) &&
		    !(next.kind == TK_PUNCT && (next.c == '(' || next.c == '.')) &&
		    (n->kind == TK_WORD || n->kind == TK_IDENT) &&
		    !lex_word_in(sql, n, not_names) &&
		    ((w[2].kind == TK_PUNCT && (w[2].c == '(' || w[2].c == ',')) ||
		    lex_word_in(sql, &w[2], opens) ||
		    ((w[2].kind == TK_WORD || w[2].kind == TK_IDENT) &&
		    lex_word_in(sql, &w[3], changes)))) {
			tk_unquote(sql, n, col, collen);
			snprintf(type, typelen, "%.*s", (int)(w[0].end - w[0].start),
			    sql + w[0].start);
			for (char *p = type; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			return true;
		}
		w[3] = w[2];
		w[2] = w[1];
		w[1] = w[0];
		w[0] = next;
	}
	return false;
}

/*
 * The first column declared with MariaDB's COMPRESSED attribute: the
 * column whose definition (after "(" or "," of the outer list, or ADD
 * [COLUMN], MODIFY [COLUMN], CHANGE [COLUMN] old) holds the word
 * COMPRESSED, not a table option's value (ROW_FORMAT=COMPRESSED) nor a
 * word inside parentheses of the definition (CHECK, AS, a key's columns).
 */
bool
sql_column_compressed(const char *sql, size_t len, uint64_t sql_mode, char *col,
    size_t collen)
{
	static const char *const opens[] = { "ADD", "MODIFY", NULL };
	static const char *const skips[] = { "COLUMN", "IF", "NOT", "EXISTS", NULL };
	static const char *const changes[] = { "CHANGE", NULL };
	static const char *const stops[] = { "SELECT", NULL };
	static const char *const comp[] = { "COMPRESSED", NULL };
	static const char *const rowfmt[] = { "ROW_FORMAT", NULL };
	struct lex lx;
	struct tok t, prev, name;
	int depth = 0;
	bool want = false, change = false;

	lex_init(&lx, sql, len, sql_mode);
	memset(&prev, 0, sizeof(prev));
	memset(&name, 0, sizeof(name));
	prev.kind = name.kind = TK_END;
	for (lex_next(&lx, &t); t.kind != TK_END && t.kind != TK_ERR; prev = t, lex_next(&lx, &t)) {
		if (t.kind == TK_PUNCT) {
			if (t.c == '(' && ++depth == 1)
				want = true;
			else if (t.c == ')')
				depth--;
			else if (t.c == ',' && depth <= 1)
				want = true;
			continue;
		}
		if (t.kind != TK_WORD && t.kind != TK_IDENT)
			continue;
		if (t.kind == TK_WORD && depth == 0) {
			if (lex_word_in(sql, &t, stops))
				return false;
			if (lex_word_in(sql, &t, opens)) {
				want = true;
				continue;
			}
			if (lex_word_in(sql, &t, changes)) {
				want = change = true;
				continue;
			}
		}
		if (want) {
			if (t.kind == TK_WORD && lex_word_in(sql, &t, skips))
				continue;
			if (change)
				change = false; /* CHANGE's old name */
			else {
				name = t;
				want = false;
			}
			continue;
		}
		if (t.kind == TK_WORD && depth <= 1 && name.kind != TK_END &&
		    lex_word_in(sql, &t, comp) && !(prev.kind == TK_PUNCT && prev.c == '=') &&
		    !(prev.kind == TK_WORD && lex_word_in(sql, &prev, rowfmt))) {
			size_t o = 0, st = name.start, e = name.end;
			if (name.kind == TK_IDENT) {
				st++;
				e--;
			}
			for (size_t i = st; i < e && o + 1 < collen; i++) {
				col[o++] = sql[i];
				if (name.kind == TK_IDENT && sql[i] == sql[name.start] && i + 1 < e)
					i++; /* a doubled quote */
			}
			col[o] = '\0';
			return true;
		}
	}
	return false;
}

/* Whether t is the unquoted word kw (upper case). */
static bool
lex_word_is(const char *sql, const struct tok *t, const char *kw)
{
	const char *const kws[] = { kw, NULL };

	return lex_word_in(sql, t, kws);
}

#define VIS_EDITS 64

char *
sql_index_visibility(const char *sql, size_t len, uint64_t sql_mode, bool to_mariadb,
    bool *oom)
{
	static const char *const index_words[] = { "INDEX", "KEY", "UNIQUE", "FULLTEXT",
		"SPATIAL", "PRIMARY", NULL };
	static const char *const alter_mods[] = { "ONLINE", "OFFLINE", "IGNORE", NULL };
	static const char *const create_mods[] = { "OR", "REPLACE", "TEMPORARY", "UNIQUE",
		"FULLTEXT", "SPATIAL", "VECTOR", "ONLINE", "OFFLINE", NULL };
	struct vis_edit { size_t start, end; const char *text; } ed[VIS_EDITS];
	unsigned ned = 0;
	struct lex lx;
	struct tok t, prev;
	int depth = 0, base;
	bool whole = false, sym = false;
	/* the clause at the base depth: its head still being read, an index's, other */
	enum { HEAD, CONSTRAINT, INDEX, OTHER } cl;

	*oom = false;
	lex_init(&lx, sql, len, sql_mode);
	lex_next(&lx, &t);
	if (lex_word_is(sql, &t, "CREATE")) {
		do
			lex_next(&lx, &t);
		while (lex_word_in(sql, &t, create_mods));
		if (lex_word_is(sql, &t, "INDEX") || lex_word_is(sql, &t, "KEY")) {
			base = 0; /* CREATE INDEX: the whole statement is the index's */
			cl = INDEX;
			whole = true;
		} else if (lex_word_is(sql, &t, "TABLE")) {
			base = 1; /* the clauses inside CREATE TABLE t ( ... ) */
			cl = OTHER;
		} else
			return NULL;
	} else if (lex_word_is(sql, &t, "ALTER")) {
		do
			lex_next(&lx, &t);
		while (lex_word_in(sql, &t, alter_mods));
		if (!lex_word_is(sql, &t, "TABLE"))
			return NULL;
		lex_next(&lx, &t);
		if (lex_word_is(sql, &t, "IF")) {
			lex_next(&lx, &t); /* EXISTS */
			lex_next(&lx, &t);
		}
		/* the table's name, maybe qualified */
		lex_next(&lx, &t);
		if (t.kind == TK_PUNCT && t.c == '.') {
			lex_next(&lx, &t);
			lex_next(&lx, &t);
		}
		base = 0;
		cl = HEAD;
		goto scan; /* t is the first clause's first token */
	} else
		return NULL;
	lex_next(&lx, &t);
scan:
	memset(&prev, 0, sizeof(prev));
	prev.kind = TK_END;
	for (; t.kind != TK_END && t.kind != TK_ERR; prev = t, lex_next(&lx, &t)) {
		if (t.kind == TK_PUNCT) {
			if (t.c == '(' && ++depth == base && base > 0)
				cl = HEAD;
			else if (t.c == ')' && --depth < base)
				cl = OTHER;
			else if (t.c == ',' && depth == base && !whole)
				cl = HEAD;
			continue;
		}
		if (depth != base)
			continue;
		switch (cl) {
		case HEAD:
			if (lex_word_is(sql, &t, "ADD") || lex_word_is(sql, &t, "ALTER") ||
			    lex_word_is(sql, &t, "VECTOR"))
				break; /* ADD INDEX, ALTER INDEX, VECTOR INDEX */
			if (lex_word_is(sql, &t, "CONSTRAINT")) {
				cl = CONSTRAINT;
				sym = false;
				break;
			}
			cl = lex_word_in(sql, &t, index_words) ? INDEX : OTHER;
			break;
		case CONSTRAINT:
			/* CONSTRAINT [symbol] UNIQUE | PRIMARY KEY | FOREIGN KEY | CHECK */
			if (lex_word_in(sql, &t, index_words))
				cl = INDEX;
			else if (sym || (t.kind != TK_IDENT && t.kind != TK_WORD) ||
			    lex_word_is(sql, &t, "FOREIGN") || lex_word_is(sql, &t, "CHECK"))
				cl = OTHER;
			else
				sym = true;
			break;
		case INDEX:
			if (ned == VIS_EDITS)
				break;
			if (to_mariadb && lex_word_is(sql, &t, "INVISIBLE"))
				ed[ned++] = (struct vis_edit){ t.start, t.end, "IGNORED" };
			else if (to_mariadb && lex_word_is(sql, &t, "VISIBLE"))
				ed[ned++] = (struct vis_edit){ t.start, t.end, "NOT IGNORED" };
			else if (!to_mariadb && lex_word_is(sql, &t, "IGNORED")) {
				if (lex_word_is(sql, &prev, "NOT"))
					ed[ned++] = (struct vis_edit){ prev.start, t.end, "VISIBLE" };
				else
					ed[ned++] = (struct vis_edit){ t.start, t.end, "INVISIBLE" };
			}
			break;
		case OTHER:
			break;
		}
	}
	if (ned == 0 || t.kind == TK_ERR)
		return NULL;
	size_t cap = len + 1;
	for (unsigned i = 0; i < ned; i++)
		cap += strlen(ed[i].text);
	char *out = malloc(cap), *o = out;
	if (out == NULL) {
		*oom = true;
		return NULL;
	}
	size_t at = 0;
	for (unsigned i = 0; i < ned; i++) {
		memcpy(o, sql + at, ed[i].start - at);
		o += ed[i].start - at;
		o += sprintf(o, "%s", ed[i].text);
		at = ed[i].end;
	}
	memcpy(o, sql + at, len - at);
	o[len - at] = '\0';
	return out;
}

char *
sql_unwrap_mysql_visibility(const char *sql, size_t len, uint64_t sql_mode, bool *oom)
{
	static const char *const words[] = { "INVISIBLE", "VISIBLE", NULL };
	struct sbuf out = { 0 };
	struct lex lx;
	struct tok t;
	size_t from = 0;
	bool changed = false;

	*oom = false;
	lex_init(&lx, sql, len, sql_mode);
	for (lex_next(&lx, &t); t.kind != TK_END && t.kind != TK_ERR; lex_next(&lx, &t)) {
		size_t b = t.start, e = t.end;
		if (!lex_word_in(sql, &t, words))
			continue;
		/* the whole content of a versioned comment of MySQL 8 or later? */
		while (b > 0 && isspace((unsigned char)sql[b - 1]))
			b--;
		while (e < len && isspace((unsigned char)sql[e]))
			e++;
		if (b < from + 8 || strncmp(sql + b - 8, "/*!", 3) != 0 ||
		    (sql[b - 5] != '8' && sql[b - 5] != '9') || e + 1 >= len ||
		    sql[e] != '*' || sql[e + 1] != '/')
			continue;
		bool digits = true;
		for (size_t k = b - 5; k < b; k++)
			digits = digits && isdigit((unsigned char)sql[k]);
		if (!digits)
			continue;
		sbuf_add(&out, sql + from, b - 8 - from);
		sbuf_addc(&out, ' ');
		sbuf_add(&out, sql + t.start, t.end - t.start);
		sbuf_addc(&out, ' ');
		from = e + 2;
		changed = true;
	}
	if (!changed)
		return NULL;
	sbuf_add(&out, sql + from, len - from);
	sbuf_addc(&out, '\0');
	if (out.oom) {
		sbuf_free(&out);
		*oom = true;
		return NULL;
	}
	return out.p;
}

/* ---- MariaDB's conditional DDL, for MySQL destinations ---- */

struct toks {
	struct tok *t;
	size_t n;
	int *depth; /* parenthesis depth before each token */
};

/* Every token of sql; false on out of memory or a lexing error. */
static bool
toks_read(const char *sql, size_t len, uint64_t sql_mode, struct toks *k)
{
	struct lex lx;
	struct tok t;
	size_t cap = 0;
	int depth = 0;

	memset(k, 0, sizeof(*k));
	lex_init(&lx, sql, len, sql_mode);
	for (lex_next(&lx, &t);; lex_next(&lx, &t)) {
		if (t.kind == TK_ERR)
			return false;
		if (k->n + 1 >= cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct tok *nt = realloc(k->t, nc * sizeof(*nt));
			int *nd = realloc(k->depth, nc * sizeof(*nd));
			if (nt != NULL)
				k->t = nt;
			if (nd != NULL)
				k->depth = nd;
			if (nt == NULL || nd == NULL)
				return false;
			cap = nc;
		}
		if (t.kind == TK_PUNCT && t.c == ')')
			depth--;
		k->depth[k->n] = depth;
		k->t[k->n++] = t;
		if (t.kind == TK_END)
			return true;
		if (t.kind == TK_PUNCT && t.c == '(')
			depth++;
	}
}

static void
toks_free(struct toks *k)
{
	free(k->t);
	free(k->depth);
}

/* Whether token i of k is the word kw (never past the end). */
static bool
tk_is(const char *sql, const struct toks *k, size_t i, const char *kw)
{
	return i < k->n && lex_word_is(sql, &k->t[i], kw);
}

/* Whether token i is a name (a word or a quoted identifier). */
static bool
tk_name(const struct toks *k, size_t i)
{
	return i < k->n && (k->t[i].kind == TK_WORD || k->t[i].kind == TK_IDENT);
}

/*
 * IF [NOT] EXISTS at token i: a condition of kind on the name that
 * follows (none for SQLC_TABLE); *next the token after it. False when
 * there is no IF at i.
 */
static bool
mdb_cond(const char *sql, const struct toks *k, size_t i, enum sql_cond_kind kind,
    int clause, struct sql_mdb *m, size_t *next)
{
	struct sql_cond *c;
	size_t j = i + 1;
	bool not = false;

	if (!tk_is(sql, k, i, "IF"))
		return false;
	if (tk_is(sql, k, j, "NOT")) {
		not = true;
		j++;
	}
	if (!tk_is(sql, k, j, "EXISTS"))
		return false;
	if (m->nconds == SQL_MDB_MAX) {
		snprintf(m->unsupported, sizeof(m->unsupported), "more than %d IF [NOT] "
		    "EXISTS", SQL_MDB_MAX);
		return true;
	}
	c = &m->conds[m->nconds++];
	c->kind = kind;
	c->if_exists = !not;
	c->clause = clause;
	c->if_start = k->t[i].start;
	c->if_end = k->t[j].end;
	c->name[0] = '\0';
	j++;
	if (kind != SQLC_TABLE) {
		if (kind == SQLC_FOREIGN_KEY && j < k->n && k->t[j].kind == TK_PUNCT &&
		    k->t[j].c == '(') {
			*next = j - 1; /* no index name: the constraint's name decides */
			return true;
		}
		if (!tk_name(k, j)) {
			snprintf(m->unsupported, sizeof(m->unsupported), "IF %sEXISTS %s", not ?
			    "NOT " : "", j < k->n && k->t[j].kind == TK_PUNCT && k->t[j].c == '(' ?
			    "before a parenthesised list" : "without a name after it");
			return true;
		}
		tk_unquote(sql, &k->t[j], c->name, sizeof(c->name));
	}
	*next = j;
	return true;
}

/* One clause of ALTER TABLE, tokens [b, e): its IF [NOT] EXISTS, if any. */
static void
mdb_clause(const char *sql, const struct toks *k, size_t b, size_t e, int clause,
    struct sql_mdb *m)
{
	static const char *const idx[] = { "INDEX", "KEY", NULL };
	static const char *const idx_kinds[] = { "UNIQUE", "FULLTEXT", "SPATIAL", NULL };
	enum sql_cond_kind kind = SQLC_COLUMN;
	size_t i = b + 1, nx;
	char sym[193] = "";
	bool add = tk_is(sql, k, b, "ADD"), drop = tk_is(sql, k, b, "DROP");

	if (add || drop) {
		if (add && tk_is(sql, k, i, "CONSTRAINT")) {
			i++;
			if (tk_name(k, i) && !lex_word_in(sql, &k->t[i], idx_kinds) &&
			    !tk_is(sql, k, i, "FOREIGN") && !tk_is(sql, k, i, "PRIMARY") &&
			    !tk_is(sql, k, i, "CHECK"))
				tk_unquote(sql, &k->t[i++], sym, sizeof(sym));
		}
		if (tk_is(sql, k, i, "COLUMN"))
			i++;
		else if (tk_is(sql, k, i, "FOREIGN") && tk_is(sql, k, i + 1, "KEY")) {
			kind = SQLC_FOREIGN_KEY;
			i += 2;
		} else if (drop && tk_is(sql, k, i, "CONSTRAINT")) {
			kind = SQLC_CONSTRAINT;
			i++;
		} else if (i < e && (lex_word_in(sql, &k->t[i], idx) ||
		    lex_word_in(sql, &k->t[i], idx_kinds))) {
			kind = SQLC_INDEX;
			if (lex_word_in(sql, &k->t[i], idx_kinds))
				i++;
			if (i < e && lex_word_in(sql, &k->t[i], idx))
				i++;
		} else if (tk_is(sql, k, i, "PRIMARY") || tk_is(sql, k, i, "PARTITION") ||
		    tk_is(sql, k, i, "CHECK") || tk_is(sql, k, i, "PERIOD") ||
		    tk_is(sql, k, i, "SYSTEM")) {
			kind = SQLC_TABLE; /* no condition this knows: an IF stops below */
		}
	} else if (tk_is(sql, k, b, "CHANGE") || tk_is(sql, k, b, "MODIFY")) {
		if (tk_is(sql, k, i, "COLUMN"))
			i++;
	} else
		kind = SQLC_TABLE;
	if (kind != SQLC_TABLE && mdb_cond(sql, k, i, kind, clause, m, &nx)) {
		struct sql_cond *c = &m->conds[m->nconds - 1];
		if (m->unsupported[0])
			return;
		if (kind == SQLC_FOREIGN_KEY && sym[0])
			snprintf(c->name, sizeof(c->name), "%s", sym);
		if (c->name[0] == '\0') {
			snprintf(m->unsupported, sizeof(m->unsupported), "FOREIGN KEY IF NOT "
			    "EXISTS without a name");
			return;
		}
		c->effect = add ? 1 : drop ? -1 : 0;
		if (tk_is(sql, k, b, "CHANGE") && tk_name(k, nx + 1)) {
			char to[193];
			tk_unquote(sql, &k->t[nx + 1], to, sizeof(to));
			c->effect = strcasecmp(to, c->name) == 0 ? 0 : -1;
		}
		return;
	}
	for (; i < e; i++) {
		if (k->depth[i] == 0 && tk_is(sql, k, i, "IF") &&
		    (tk_is(sql, k, i + 1, "EXISTS") || (tk_is(sql, k, i + 1, "NOT") &&
		    tk_is(sql, k, i + 2, "EXISTS")))) {
			snprintf(m->unsupported, sizeof(m->unsupported), "IF [NOT] EXISTS in "
			    "the clause \"%.*s\"", (int)(k->t[e - 1].end - k->t[b].start >
			    100 ? 100 : k->t[e - 1].end - k->t[b].start), sql + k->t[b].start);
			return;
		}
	}
}

/* An unconditional edit of [start, end) to text. */
static void
mdb_edit(struct sql_mdb *m, size_t start, size_t end, const char *text)
{
	if (m->nedits < sizeof(m->edits) / sizeof(m->edits[0])) {
		m->edits[m->nedits].start = start;
		m->edits[m->nedits].end = end;
		m->edits[m->nedits++].text = text;
	} else
		snprintf(m->unsupported, sizeof(m->unsupported), "too many MariaDB-only words");
}

bool
sql_mariadb_ddl(const char *sql, size_t len, uint64_t sql_mode, struct sql_mdb *m)
{
	static const char *const mods[] = { "ONLINE", "OFFLINE", "IGNORE", NULL };
	static const char *const objs[] = { "TABLE", "DATABASE", "SCHEMA", "PROCEDURE",
		"FUNCTION", "TRIGGER", "EVENT", "VIEW", "INDEX", "KEY", "SEQUENCE", "USER",
		"ROLE", "SERVER", "PACKAGE", NULL };
	struct toks k;
	size_t i = 1;

	memset(m, 0, sizeof(*m));
	if (!toks_read(sql, len, sql_mode, &k)) {
		toks_free(&k);
		return false;
	}
	/* ALGORITHM [=] NOCOPY, anywhere at the top level */
	for (size_t j = 0; j + 1 < k.n; j++) {
		if (k.depth[j] != 0 || !tk_is(sql, &k, j, "ALGORITHM"))
			continue;
		size_t v = j + 1 + (k.t[j + 1].kind == TK_PUNCT && k.t[j + 1].c == '=');
		if (tk_is(sql, &k, v, "NOCOPY"))
			mdb_edit(m, k.t[v].start, k.t[v].end, "DEFAULT");
	}
	if (tk_is(sql, &k, 0, "CREATE")) {
		size_t or_at = 0;
		if (tk_is(sql, &k, 1, "OR") && tk_is(sql, &k, 2, "REPLACE")) {
			or_at = 1;
			i = 3;
		}
		/* DEFINER = user, ALGORITHM = x, SQL SECURITY x, and the like */
		while (i < k.n && k.t[i].kind != TK_END && !lex_word_in(sql, &k.t[i], objs)) {
			if (k.t[i].kind != TK_WORD && k.t[i].kind != TK_IDENT &&
			    k.t[i].kind != TK_VAR && k.t[i].kind != TK_STRING &&
			    !(k.t[i].kind == TK_PUNCT && strchr("=@()", k.t[i].c) != NULL))
				break;
			i++;
		}
		if (!tk_name(&k, i) || !lex_word_in(sql, &k.t[i], objs))
			goto out;
		bool tmp = i > 0 && tk_is(sql, &k, i - 1, "TEMPORARY");
		if (or_at && !tmp && !tk_is(sql, &k, i, "VIEW") && !tk_is(sql, &k, i, "SEQUENCE") &&
		    !tk_is(sql, &k, i, "USER") && !tk_is(sql, &k, i, "ROLE")) {
			size_t ne = i + 2;
			if (tk_is(sql, &k, i, "INDEX") || tk_is(sql, &k, i, "KEY") ||
			    !tk_name(&k, i + 1)) {
				snprintf(m->unsupported, sizeof(m->unsupported), "CREATE OR REPLACE "
				    "%.*s", (int)(k.t[i].end - k.t[i].start), sql + k.t[i].start);
				goto out;
			}
			if (ne + 1 < k.n && k.t[ne].kind == TK_PUNCT && k.t[ne].c == '.' &&
			    tk_name(&k, ne + 1))
				ne += 2;
			/* DROP obj IF EXISTS name; MySQL's DROP SCHEMA is DROP DATABASE too */
			snprintf(m->drop_first, sizeof(m->drop_first), "DROP %.*s IF EXISTS %.*s",
			    (int)(k.t[i].end - k.t[i].start), sql + k.t[i].start,
			    (int)(k.t[ne - 1].end - k.t[i + 1].start), sql + k.t[i + 1].start);
			mdb_edit(m, k.t[or_at].start, k.t[or_at + 1].end, "");
		}
		if (tk_is(sql, &k, i, "INDEX") || tk_is(sql, &k, i, "KEY"))
			mdb_cond(sql, &k, i + 1, SQLC_INDEX, -1, m, &i);
		else if (tk_is(sql, &k, i, "VIEW"))
			mdb_cond(sql, &k, i + 1, SQLC_TABLE, -1, m, &i);
	} else if (tk_is(sql, &k, 0, "DROP")) {
		while (i < k.n && lex_word_in(sql, &k.t[i], mods))
			i++;
		if (tk_is(sql, &k, i, "INDEX") || tk_is(sql, &k, i, "KEY"))
			mdb_cond(sql, &k, i + 1, SQLC_INDEX, -1, m, &i);
	} else if (tk_is(sql, &k, 0, "ALTER")) {
		size_t b;
		while (i < k.n && lex_word_in(sql, &k.t[i], mods))
			i++;
		if (!tk_is(sql, &k, i, "TABLE"))
			goto out;
		i++;
		if (mdb_cond(sql, &k, i, SQLC_TABLE, -1, m, &i) && m->unsupported[0])
			goto out;
		if (!tk_name(&k, i))
			goto out;
		i++;
		if (i + 1 < k.n && k.t[i].kind == TK_PUNCT && k.t[i].c == '.')
			i += 2;
		if (tk_is(sql, &k, i, "WAIT") && i + 1 < k.n && k.t[i + 1].kind == TK_NUMBER) {
			mdb_edit(m, k.t[i].start, k.t[i + 1].end, "");
			i += 2;
		} else if (tk_is(sql, &k, i, "NOWAIT")) {
			mdb_edit(m, k.t[i].start, k.t[i].end, "");
			i++;
		}
		/* the clauses, split at top-level commas */
		for (b = i; b < k.n && k.t[b].kind != TK_END && !m->unsupported[0];) {
			size_t e = b;
			while (k.t[e].kind != TK_END && !(k.depth[e] == 0 &&
			    k.t[e].kind == TK_PUNCT && k.t[e].c == ','))
				e++;
			if (e == b || m->nclauses == SQL_MDB_MAX) {
				snprintf(m->unsupported, sizeof(m->unsupported), "%s",
				    e == b ? "an empty ALTER TABLE clause" : "too many clauses");
				break;
			}
			m->clauses[m->nclauses].start = k.t[b].start;
			m->clauses[m->nclauses].end = k.t[e - 1].end;
			mdb_clause(sql, &k, b, e, (int)m->nclauses, m);
			m->nclauses++;
			b = k.t[e].kind == TK_END ? e : e + 1;
		}
	}
out:
	toks_free(&k);
	if (m->nconds == 0)
		m->nclauses = 0;
	return m->nconds > 0 || m->nedits > 0 || m->drop_first[0] || m->unsupported[0];
}

/* The end of token i, past the closing of a versioned comment it ends. */
static size_t
tk_end_comment(const char *sql, size_t len, const struct toks *k, size_t i)
{
	size_t e = k->t[i].end;

	while (e < len && isspace((unsigned char)sql[e]))
		e++;
	return e + 1 < len && sql[e] == '*' && sql[e + 1] == '/' ? e + 2 : k->t[i].end;
}

/* A replacement text in m (printf), for an edit; NULL when m is full. */
static const char *
mdb_repl(struct sql_mdb *m, const char *fmt, int n, const char *p)
{
	if (m->nrepl == sizeof(m->repl) / sizeof(m->repl[0])) {
		snprintf(m->unsupported, sizeof(m->unsupported), "too many CHECK clauses");
		return NULL;
	}
	snprintf(m->repl[m->nrepl], sizeof(m->repl[0]), fmt, n, p);
	return m->repl[m->nrepl++];
}

/* Add to m->note the name or text of a CHECK left out. */
static void
mdb_note(struct sql_mdb *m, const char *sql, size_t from, size_t to)
{
	size_t l = strlen(m->note);

	snprintf(m->note + l, sizeof(m->note) - l, "%s%.*s", l ? "; " : "",
	    (int)(to - from > 80 ? 80 : to - from), sql + from);
}

/* MySQL's CHECK words in one clause [b, e) at depth base (see sql_mysql_ddl). */
static void
mysql_clause(const char *sql, size_t len, const struct toks *k, size_t b, size_t e,
    int base, bool alter, unsigned clause, struct sql_mdb *m)
{
	const char *r;

	/* ALTER [COLUMN] c SET VISIBLE|INVISIBLE: MODIFY, once the caller has c's definition */
	if (alter && tk_is(sql, k, b, "ALTER")) {
		size_t c = b + 1 + tk_is(sql, k, b + 1, "COLUMN");
		if (tk_name(k, c) && c + 3 == e && tk_is(sql, k, c + 1, "SET") &&
		    (tk_is(sql, k, c + 2, "VISIBLE") || tk_is(sql, k, c + 2, "INVISIBLE"))) {
			if (m->nvis == sizeof(m->vis) / sizeof(m->vis[0])) {
				snprintf(m->unsupported, sizeof(m->unsupported), "more than %u "
				    "ALTER COLUMN ... SET [IN]VISIBLE in one statement",
				    (unsigned)(sizeof(m->vis) / sizeof(m->vis[0])));
				return;
			}
			tk_unquote(sql, &k->t[c], m->vis[m->nvis].name, sizeof(m->vis[0].name));
			m->vis[m->nvis].invisible = tk_is(sql, k, c + 2, "INVISIBLE");
			m->vis[m->nvis++].clause = clause;
			return;
		}
	}
	/* ALTER CHECK|CONSTRAINT c [NOT] ENFORCED, DROP CHECK|CONSTRAINT c */
	if (alter && (tk_is(sql, k, b, "ALTER") || tk_is(sql, k, b, "DROP")) &&
	    (tk_is(sql, k, b + 1, "CHECK") || tk_is(sql, k, b + 1, "CONSTRAINT")) &&
	    tk_name(k, b + 2) && !tk_is(sql, k, b + 2, "IF")) {
		const struct tok *sym = &k->t[b + 2];
		bool not_enf = tk_is(sql, k, b + 3, "NOT") && tk_is(sql, k, b + 4, "ENFORCED");
		if (tk_is(sql, k, b, "ALTER") && !not_enf) {
			if (tk_is(sql, k, b + 3, "ENFORCED")) {
				m->clauses[clause].drop = true;
				mdb_note(m, sql, k->t[b].start, k->t[e - 1].end);
			}
			return;
		}
		if (tk_is(sql, k, b, "DROP") && tk_is(sql, k, b + 1, "CONSTRAINT")) {
			/*
			 * any constraint (UNIQUE, FOREIGN KEY...): run as it is where
			 * the destination has one of that name, left out where not
			 * (a CHECK left out before)
			 */
			struct sql_cond *c;
			if (m->nconds == SQL_MDB_MAX) {
				snprintf(m->unsupported, sizeof(m->unsupported), "too many DROP "
				    "CONSTRAINT clauses");
				return;
			}
			c = &m->conds[m->nconds++];
			memset(c, 0, sizeof(*c));
			c->kind = SQLC_CONSTRAINT;
			c->if_exists = true;
			c->clause = (int)clause;
			c->effect = -1;
			c->if_start = c->if_end = (size_t)-1; /* no words to take out */
			tk_unquote(sql, sym, c->name, sizeof(c->name));
			return;
		}
		r = mdb_repl(m, "DROP CONSTRAINT IF EXISTS %.*s", (int)(sym->end - sym->start),
		    sql + sym->start);
		if (r != NULL)
			mdb_edit(m, m->clauses[clause].start, m->clauses[clause].end, r);
		return;
	}
	for (size_t i = b; i + 1 < e; i++) {
		size_t j, from, to;
		if (k->depth[i] != base || !tk_is(sql, k, i, "CHECK") ||
		    k->t[i + 1].kind != TK_PUNCT || k->t[i + 1].c != '(')
			continue;
		/* the closing parenthesis: back at the CHECK's depth */
		for (j = i + 2; j < e && !(k->depth[j] == base && k->t[j].kind == TK_PUNCT &&
		    k->t[j].c == ')'); j++)
			;
		if (j >= e)
			return;
		from = k->t[i].start;
		if (i >= b + 2 && tk_is(sql, k, i - 2, "CONSTRAINT") && tk_name(k, i - 1))
			from = k->t[i - 2].start;
		else if (i >= b + 1 && tk_is(sql, k, i - 1, "CONSTRAINT"))
			from = k->t[i - 1].start;
		if (tk_is(sql, k, j + 1, "NOT") && tk_is(sql, k, j + 2, "ENFORCED")) {
			to = tk_end_comment(sql, len, k, j + 2);
			mdb_note(m, sql, from, k->t[j].end);
			/* the whole clause ([ADD] [CONSTRAINT [c]] CHECK ...), or a column's */
			size_t h = b + (alter && tk_is(sql, k, b, "ADD"));
			if (from == k->t[h].start && j + 3 == e)
				m->clauses[clause].drop = true;
			else
				mdb_edit(m, from, to, "");
			i = j + 2;
		} else if (tk_is(sql, k, j + 1, "ENFORCED") &&
		    tk_end_comment(sql, len, k, j + 1) == k->t[j + 1].end) {
			mdb_edit(m, k->t[j + 1].start, k->t[j + 1].end, "");
			i = j + 1;
		}
	}
}

bool
sql_mysql_ddl(const char *sql, size_t len, uint64_t sql_mode, struct sql_mdb *m)
{
	static const char *const mods[] = { "ONLINE", "OFFLINE", "IGNORE", "TEMPORARY", NULL };
	struct toks k;
	size_t i = 1, b;
	int base;
	bool alter, any = false;

	memset(m, 0, sizeof(*m));
	if (!toks_read(sql, len, sql_mode, &k)) {
		toks_free(&k);
		return false;
	}
	alter = tk_is(sql, &k, 0, "ALTER");
	if (!alter && !tk_is(sql, &k, 0, "CREATE"))
		goto out;
	while (i < k.n && lex_word_in(sql, &k.t[i], mods))
		i++;
	if (!tk_is(sql, &k, i, "TABLE"))
		goto out;
	if (alter) {
		base = 0;
		if (!tk_name(&k, ++i))
			goto out;
		i++;
		if (i + 1 < k.n && k.t[i].kind == TK_PUNCT && k.t[i].c == '.')
			i += 2;
	} else {
		/* CREATE TABLE [IF NOT EXISTS] name ( clauses ) */
		base = 1;
		while (i < k.n && k.t[i].kind != TK_END && !(k.t[i].kind == TK_PUNCT &&
		    k.t[i].c == '('))
			i++;
		if (i >= k.n || k.t[i].kind == TK_END)
			goto out;
		i++;
	}
	for (b = i; b < k.n && k.t[b].kind != TK_END && k.depth[b] >= base &&
	    !m->unsupported[0];) {
		size_t e = b;
		while (k.t[e].kind != TK_END && k.depth[e] >= base && !(k.depth[e] == base &&
		    k.t[e].kind == TK_PUNCT && k.t[e].c == ','))
			e++;
		if (e == b || m->nclauses == SQL_MDB_MAX)
			break;
		m->clauses[m->nclauses].start = k.t[b].start;
		m->clauses[m->nclauses].end = tk_end_comment(sql, len, &k, e - 1);
		m->clauses[m->nclauses].drop = false;
		mysql_clause(sql, len, &k, b, e, base, alter, m->nclauses, m);
		any = any || m->clauses[m->nclauses].drop;
		m->nclauses++;
		if (k.t[e].kind == TK_END || k.depth[e] < base)
			break;
		b = e + 1;
	}
out:
	toks_free(&k);
	if (!any && m->nconds == 0)
		m->nclauses = 0;
	return any || m->nedits > 0 || m->nvis > 0 || m->nconds > 0 || m->unsupported[0];
}

char *
sql_modify_visibility(const char *name, const char *def, bool invisible)
{
	struct sbuf out = { 0 };
	struct lex lx;
	struct tok t;
	size_t len = strlen(def), from = 0;

	while (len > 0 && (def[len - 1] == ',' || isspace((unsigned char)def[len - 1])))
		len--;
	sbuf_adds(&out, "MODIFY COLUMN `");
	for (const char *p = name; *p; p++) {
		if (*p == '`')
			sbuf_addc(&out, '`');
		sbuf_addc(&out, *p);
	}
	sbuf_adds(&out, "` ");
	/* the definition without its INVISIBLE (not one in a string or comment) */
	lex_init(&lx, def, len, 0);
	for (lex_next(&lx, &t); t.kind != TK_END && t.kind != TK_ERR; lex_next(&lx, &t)) {
		if (!lex_word_is(def, &t, "INVISIBLE"))
			continue;
		sbuf_add(&out, def + from, t.start - from);
		from = t.end;
	}
	sbuf_add(&out, def + from, len - from);
	if (invisible)
		sbuf_adds(&out, " INVISIBLE");
	sbuf_addc(&out, '\0');
	if (out.oom) {
		sbuf_free(&out);
		return NULL;
	}
	return out.p;
}

/* Bytes [from, to) of sql into out, with m's edits and skips inside applied. */
static void
mdb_emit(struct sbuf *out, const char *sql, size_t from, size_t to,
    const struct sql_mdb *m, const bool *holds)
{
	while (from < to) {
		size_t next = to, skip_to = 0;
		const char *text = NULL;
		for (unsigned i = 0; i < m->nedits; i++) {
			if (m->edits[i].start >= from && m->edits[i].start < next) {
				next = m->edits[i].start;
				skip_to = m->edits[i].end;
				text = m->edits[i].text;
			}
		}
		for (unsigned i = 0; i < m->nconds; i++) {
			if (holds[i] && m->conds[i].if_start >= from && m->conds[i].if_start < next) {
				next = m->conds[i].if_start;
				skip_to = m->conds[i].if_end;
				text = "";
			}
		}
		sbuf_add(out, sql + from, next - from);
		if (next == to)
			break;
		sbuf_adds(out, text);
		from = skip_to > to ? to : skip_to;
	}
}

char *
sql_mariadb_ddl_text(const char *sql, size_t len, const struct sql_mdb *m, const bool *holds)
{
	struct sbuf out = { 0 };
	bool keep[SQL_MDB_MAX];
	unsigned kept = 0;

	for (unsigned i = 0; i < m->nclauses; i++)
		keep[i] = !m->clauses[i].drop;
	for (unsigned i = 0; i < m->nconds; i++) {
		if (holds[i])
			continue;
		if (m->conds[i].clause < 0) {
			kept = 0;
			goto empty;
		}
		keep[m->conds[i].clause] = false;
	}
	if (m->nclauses == 0) {
		mdb_emit(&out, sql, 0, len, m, holds);
	} else {
		for (unsigned i = 0; i < m->nclauses; i++)
			kept += keep[i];
		if (kept == 0)
			goto empty;
		mdb_emit(&out, sql, 0, m->clauses[0].start, m, holds);
		kept = 0;
		for (unsigned i = 0; i < m->nclauses; i++) {
			if (!keep[i])
				continue;
			if (kept++)
				sbuf_adds(&out, ", ");
			mdb_emit(&out, sql, m->clauses[i].start, m->clauses[i].end, m, holds);
		}
		mdb_emit(&out, sql, m->clauses[m->nclauses - 1].end, len, m, holds);
	}
	sbuf_addc(&out, '\0');
	if (out.oom) {
		sbuf_free(&out);
		return NULL;
	}
	return out.p;
empty:
	return strdup("");
}
