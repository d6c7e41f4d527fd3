/* sqlvendor.c: what in a DDL statement one vendor has and the other lacks. */
#include "src/sqlvendor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/sbuf.h"

#include "src/sqlclass.h"
#include "src/sqllex.h"

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
			size_t o = 0, s = n->start, e = n->end;
			if (n->kind == TK_IDENT) {
				s++;
				e--;
			}
			for (size_t i = s; i < e && o + 1 < collen; i++) {
				col[o++] = sql[i];
				if (n->kind == TK_IDENT && sql[i] == sql[n->start] && i + 1 < e)
					i++; /* a doubled quote */
			}
			col[o] = '\0';
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
