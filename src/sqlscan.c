/* sqlscan.c: the statement parser's pieces: tokens and names, references and their renames, and the scanner of table positions. */
#include "src/sqlparse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ parser state */





/* Consume the current token. */
void
sp_next(struct sqlp *p)
{
	p->prev = p->t;
	lex_next(&p->lx, &p->t);
	if (p->t.kind == TK_ERR)
		p->fail = true;
}

/* The k-th token after the current one (k >= 1), without consuming. */
struct tok
sp_peek(const struct sqlp *p, int k)
{
	struct lex lx = p->lx;
	struct tok t = p->t;

	while (k-- > 0 && t.kind != TK_END && t.kind != TK_ERR)
		lex_next(&lx, &t);
	return t;
}

/* Whether token t is the unquoted keyword kw (upper case). */
bool
sp_is(const struct sqlp *p, const struct tok *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == TK_WORD && t->end - t->start == n &&
	    strncasecmp(p->sql + t->start, kw, n) == 0;
}

/* Whether the k-th token ahead is keyword kw. */
bool
sp_peek_is(const struct sqlp *p, int k, const char *kw)
{
	struct tok t = sp_peek(p, k);

	return sp_is(p, &t, kw);
}

/* Whether the k-th token ahead is punctuation c. */
bool
sp_peek_punct(const struct sqlp *p, int k, char c)
{
	struct tok t = sp_peek(p, k);

	return t.kind == TK_PUNCT && t.c == c;
}

/* Whether t is one of the NULL-terminated keywords. */
bool
sp_is_any(const struct sqlp *p, const struct tok *t, const char *const *kws)
{
	for (; *kws; kws++)
		if (sp_is(p, t, *kws))
			return true;
	return false;
}

/* Consume the current token if it is keyword kw. */
bool
sp_kw(struct sqlp *p, const char *kw)
{
	if (!sp_is(p, &p->t, kw))
		return false;
	sp_next(p);
	return true;
}

/* Whether t is the punctuation character c. */
bool
sp_is_punct(const struct tok *t, char c)
{
	return t->kind == TK_PUNCT && t->c == c;
}

/* Consume the current token if it is punctuation c. */
bool
sp_punct(struct sqlp *p, char c)
{
	if (!sp_is_punct(&p->t, c))
		return false;
	sp_next(p);
	return true;
}

/* Consume "IF EXISTS" or "IF NOT EXISTS"; note it for the statement if note. */
static void
sp_if_exists_note(struct sqlp *p, bool note)
{
	if (!sp_is(p, &p->t, "IF"))
		return;
	if (sp_peek_is(p, 1, "EXISTS")) {
		sp_next(p);
		sp_next(p);
		if (note)
			p->info->if_exists = true;
	} else if (sp_peek_is(p, 1, "NOT") && sp_peek_is(p, 2, "EXISTS")) {
		sp_next(p);
		sp_next(p);
		sp_next(p);
		if (note)
			p->info->if_not_exists = true;
	}
}

/* IF [NOT] EXISTS of the statement itself. */
void
sp_if_exists(struct sqlp *p)
{
	sp_if_exists_note(p, true);
}

/* Set the verb from a string. */
void
sp_verb(struct sqlp *p, const char *v)
{
	snprintf(p->info->verb, sizeof(p->info->verb), "%s", v);
}

/* Words that never name a table unquoted where the scanner looks for one. */
static const char *const sp_not_names[] = {
	"SELECT", "WITH", "VALUES", "VALUE", "TABLE", "SET", "DUAL", "LATERAL",
	"INTO", "FROM", "WHERE", "ON", "USING", "JOIN", "PARTITION", "IGNORE",
	"LOW_PRIORITY", "HIGH_PRIORITY", "DELAYED", "QUICK", "AS", "IF",
	"JSON_TABLE", NULL,
};

/* Whether token t can start a name (reserved words excluded). */
static bool
sp_tok_name(const struct sqlp *p, const struct tok *t)
{
	if (t->kind == TK_IDENT)
		return true;
	return t->kind == TK_WORD && !sp_is_any(p, t, sp_not_names);
}

/* Whether the k-th token ahead can start a name. */
static bool
sp_peek_name(const struct sqlp *p, int k)
{
	struct tok t = sp_peek(p, k);

	return sp_tok_name(p, &t);
}

/* Whether the current token can start a name. */
bool
sp_at_name(const struct sqlp *p)
{
	return sp_tok_name(p, &p->t);
}

/* Unquote identifier token t into out; false (and fail) if too long. */
static bool
sp_unquote(struct sqlp *p, const struct tok *t, char *out)
{
	const char *s = p->sql + t->start;
	size_t n = t->end - t->start, i, o = 0;

	if (t->kind == TK_IDENT) {
		char q = s[0];

		for (i = 1; i + 1 < n; i++) {
			if (s[i] == q)
				i++; /* the first of a doubled quote */
			if (o == NAME_BYTES)
				goto too_long;
			out[o++] = s[i];
		}
	} else {
		if (n > NAME_BYTES)
			goto too_long;
		memcpy(out, s, n);
		o = n;
	}
	out[o] = '\0';
	return true;
too_long:
	out[0] = '\0';
	p->fail = true;
	return false;
}

/* Parse an identifier (a word after a dot may be a keyword or digits). */
bool
sp_ident(struct sqlp *p, struct tok *tok, char *out, bool after_dot)
{
	if (p->t.kind != TK_IDENT && p->t.kind != TK_WORD &&
	    !(after_dot && p->t.kind == TK_NUMBER)) {
		p->fail = true;
		return false;
	}
	*tok = p->t;
	if (!sp_unquote(p, tok, out))
		return false;
	sp_next(p);
	return true;
}

/* Parse name or db.name. */
bool
sp_qname(struct sqlp *p, struct qname *q)
{
	memset(q, 0, sizeof(*q));
	if (!sp_ident(p, &q->nametok, q->name, false))
		return false;
	if (sp_is_punct(&p->t, '.')) {
		struct tok after = sp_peek(p, 1);

		if (after.kind != TK_IDENT && after.kind != TK_WORD &&
		    after.kind != TK_NUMBER)
			return true; /* t.* and the like: the caller decides */
		sp_next(p);
		q->qualified = true;
		q->dbtok = q->nametok;
		memcpy(q->db, q->name, sizeof(q->db));
		if (!sp_ident(p, &q->nametok, q->name, true))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ refs and edits */

/* Record an object the statement names. */
void
sp_addref(struct sqlp *p, const char *db, const char *name, bool is_table)
{
	struct sql_info *in = p->info;

	if (in->nrefs == SQL_MAX_OBJECTS) {
		in->truncated = true;
		return;
	}
	snprintf(in->refs[in->nrefs].db, sizeof(in->refs[0].db), "%s", db);
	snprintf(in->refs[in->nrefs].name, sizeof(in->refs[0].name), "%s", name);
	in->refs[in->nrefs].is_table = is_table;
	in->nrefs++;
}

/* Append s to the malloc'ed string *b of length *n, backtick-quoted if quote. */
static void
sp_cat(struct sqlp *p, char **b, size_t *n, const char *s, bool quote)
{
	size_t add = strlen(s) * 2 + 3, i;
	char *nb = realloc(*b, *n + add + 1);

	if (nb == NULL) {
		p->oom = true;
		return;
	}
	*b = nb;
	if (quote)
		nb[(*n)++] = '`';
	for (i = 0; s[i]; i++) {
		if (quote && s[i] == '`')
			nb[(*n)++] = '`';
		nb[(*n)++] = s[i];
	}
	if (quote)
		nb[(*n)++] = '`';
	nb[*n] = '\0';
}

/*
 * Replace bytes [start, end) by `a` or `a`.`b`, with " AS `alias`" appended
 * when alias is not NULL. Nothing happens when only classifying.
 */
static void
sp_edit_range(struct sqlp *p, size_t start, size_t end, const char *a,
    const char *b, const char *alias)
{
	char *text = NULL;
	size_t n = 0;

	if (p->f == NULL || p->oom)
		return;
	sp_cat(p, &text, &n, a, true);
	if (b != NULL) {
		sp_cat(p, &text, &n, ".", false);
		sp_cat(p, &text, &n, b, true);
	}
	if (alias != NULL) {
		sp_cat(p, &text, &n, " AS ", false);
		sp_cat(p, &text, &n, alias, true);
	}
	if (p->oom) {
		free(text);
		return;
	}
	if (p->ned == p->edcap) {
		size_t cap = p->edcap ? p->edcap * 2 : 8;
		struct edit *ne = realloc(p->ed, cap * sizeof(*ne));

		if (ne == NULL) {
			free(text);
			p->oom = true;
			return;
		}
		p->ed = ne;
		p->edcap = cap;
	}
	p->ed[p->ned].start = start;
	p->ed[p->ned].end = end;
	p->ed[p->ned].text = text;
	p->ned++;
}

/* Replace token t (see sp_edit_range()). */
void
sp_edit(struct sqlp *p, const struct tok *t, const char *a, const char *b,
    const char *alias)
{
	sp_edit_range(p, t->start, t->end, a, b, alias);
}

/* The destination name of database db into out. */
void
sp_map_db(const struct sqlp *p, const char *db, char *out)
{
	if (p->f == NULL)
		snprintf(out, NAME_BYTES + 1, "%s", db);
	else
		filter_map(p->f, db, NULL, out, NAME_BYTES + 1, NULL, 0);
}

/* Words after a table reference that mean no alias follows. */
static const char *const sp_after_table[] = {
	"ON", "USING", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "JOIN",
	"INNER", "CROSS", "LEFT", "RIGHT", "FULL", "OUTER", "NATURAL",
	"STRAIGHT_JOIN", "UNION", "EXCEPT", "INTERSECT", "WINDOW", "FOR", "LOCK",
	"INTO", "SET", "USE", "IGNORE", "FORCE", "PROCEDURE", "RETURNING",
	"WITH", "SELECT", "VALUES", "END", "ELSE", "THEN", "WHEN", "DO",
	"LATERAL", NULL,
};

/*
 * Whether the table reference just parsed has an alias (or a PARTITION
 * clause, before which none can be inserted).
 */
static bool
sp_alias_follows(const struct sqlp *p)
{
	switch (p->t.kind) {
	case TK_IDENT:
	case TK_STRING:
		return true;
	case TK_WORD:
		return !sp_is_any(p, &p->t, sp_after_table);
	default:
		return false;
	}
}

/*
 * A table reference q (just parsed) resolved in scope sc: record it if
 * asked, and rename it. A qualified name that changes has both parts
 * replaced (quoted), whatever lies between them kept.
 * An unqualified name stays as written when the destination resolves it to
 * the mapped name (the scope's destination database is the mapped one and
 * no table rename applies); otherwise it becomes `db`.`table`. With alias,
 * a changed table name keeps its old name as an alias (AS `old`) so that
 * column references written old.col still resolve.
 */
void
sp_table(struct sqlp *p, const struct qname *q, const struct scope *sc,
    bool alias, bool record, bool is_table)
{
	const char *sdb = q->qualified ? q->db : sc->src;
	char ndb[NAME_BYTES + 1], ntb[NAME_BYTES + 1];
	bool tchg, add_alias;

	if (record)
		sp_addref(p, sdb, q->name, is_table);
	if (p->f == NULL || sdb[0] == '\0')
		return;
	filter_map(p->f, sdb, q->name, ndb, sizeof(ndb), ntb, sizeof(ntb));
	tchg = strcmp(ntb, q->name) != 0;
	add_alias = alias && tchg && !sp_alias_follows(p);
	if (q->qualified) {
		if (strcmp(ndb, q->db) != 0 || tchg) {
			sp_edit(p, &q->dbtok, ndb, NULL, NULL);
			sp_edit(p, &q->nametok, ntb, NULL,
			    add_alias ? q->name : NULL);
		}
	} else if (strcmp(ndb, sc->dst) != 0 || tchg) {
		sp_edit(p, &q->nametok, ndb, ntb, add_alias ? q->name : NULL);
	}
}

/* A routine, event or trigger name: only its database part is renamed. */
void
sp_routine(struct sqlp *p, const struct qname *q, bool record)
{
	char ndb[NAME_BYTES + 1];

	if (record)
		sp_addref(p, q->qualified ? q->db : p->ddb, q->name, false);
	if (!q->qualified || p->f == NULL)
		return;
	sp_map_db(p, q->db, ndb);
	if (strcmp(ndb, q->db) != 0) {
		sp_edit(p, &q->dbtok, ndb, NULL, NULL);
		sp_edit(p, &q->nametok, q->name, NULL, NULL);
	}
}

/* A database name token: recorded (in db and name) and renamed. */
void
sp_database(struct sqlp *p, const struct tok *t, const char *db, bool record)
{
	char ndb[NAME_BYTES + 1];

	if (record)
		sp_addref(p, db, db, false);
	if (p->f == NULL)
		return;
	sp_map_db(p, db, ndb);
	if (strcmp(ndb, db) != 0)
		sp_edit(p, t, ndb, NULL, NULL);
}

/* Whether unqualified name is a common table expression of this statement. */
static bool
sp_is_cte(const struct sqlp *p, const struct qname *q)
{
	unsigned i;

	if (q->qualified)
		return false;
	for (i = 0; i < p->ncte; i++)
		if (strcmp(p->cte[i], q->name) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ the scanner */


/* What the scanner knows about one parenthesis level. */
struct level {
	bool select;        /* a SELECT or DELETE: FROM lists tables */
	bool from;          /* in a table list: a comma starts another table */
	bool delete_stmt;   /* a DELETE: USING lists tables */
	bool delete_target; /* DELETE FROM list: no aliases allowed */
	bool cte;           /* after WITH: a comma may start another CTE */
};

/* Skip a balanced parenthesised group in a copy of the lexer; false if unbalanced. */
static bool
sp_skip_parens(struct lex *lx, struct tok *t)
{
	int depth = 0;

	do {
		if (t->kind == TK_PUNCT && t->c == '(')
			depth++;
		else if (t->kind == TK_PUNCT && t->c == ')')
			depth--;
		else if (t->kind == TK_END || t->kind == TK_ERR)
			return false;
		lex_next(lx, t);
	} while (depth > 0);
	return true;
}

/*
 * At "name [(cols)] AS (": remember name as a common table expression.
 * Called at WITH [RECURSIVE] and at commas of a WITH list.
 */
static bool
sp_try_cte(struct sqlp *p)
{
	struct lex lx = p->lx;
	struct tok t = p->t, name;

	if (sp_is(p, &t, "RECURSIVE"))
		lex_next(&lx, &t);
	if (t.kind != TK_WORD && t.kind != TK_IDENT)
		return false;
	name = t;
	lex_next(&lx, &t);
	if (sp_is_punct(&t, '(') && !sp_skip_parens(&lx, &t))
		return false;
	if (!sp_is(p, &t, "AS"))
		return false;
	lex_next(&lx, &t);
	if (!sp_is_punct(&t, '('))
		return false;
	if (p->ncte == MAX_CTES) {
		p->fail = true;
		return false;
	}
	if (!sp_unquote(p, &name, p->cte[p->ncte]))
		return false;
	p->ncte++;
	return true;
}

/* One table reference of a FROM/JOIN/UPDATE list (tables, not subqueries). */
static void
sp_table_item(struct sqlp *p, const struct scope *sc, bool alias, bool record)
{
	struct qname q;

	if (sp_is_punct(&p->t, '(')) {
		p->expect_table = true; /* (t1, t2) or (subquery) */
		return;
	}
	if (!sp_at_name(p))
		return; /* LATERAL, DUAL: scanned as usual */
	if (!sp_qname(p, &q))
		return;
	if (sp_is_punct(&p->t, '('))
		return; /* a table function such as JSON_TABLE(...) */
	if (sp_is_cte(p, &q))
		return;
	sp_table(p, &q, sc, alias, record, true);
}

/* INSERT/REPLACE [modifiers] [INTO] name: the target table. */
static void
sp_insert_target(struct sqlp *p, const struct scope *sc, bool record)
{
	static const char *const mods[] = { "LOW_PRIORITY", "DELAYED",
		"HIGH_PRIORITY", "IGNORE", NULL };
	struct qname q;

	sp_next(p);
	while (sp_is_any(p, &p->t, mods))
		sp_next(p);
	sp_kw(p, "INTO");
	if (!sp_at_name(p) || !sp_qname(p, &q))
		return;
	sp_table(p, &q, sc, false, record, true);
}

/*
 * DELETE [modifiers] then either FROM (handled by the FROM rule) or a
 * target list "[db.]t[.*], ..." where db.t names a table.
 */
static void
sp_delete(struct sqlp *p, struct level *lv, const struct scope *sc, bool record)
{
	static const char *const mods[] = { "LOW_PRIORITY", "QUICK", "IGNORE",
		NULL };

	sp_next(p);
	while (sp_is_any(p, &p->t, mods))
		sp_next(p);
	lv->select = true;
	lv->delete_stmt = true;
	if (sp_is(p, &p->t, "FROM")) {
		lv->delete_target = true;
		return;
	}
	while (!p->fail && sp_at_name(p)) {
		struct qname q;

		if (!sp_qname(p, &q))
			return;
		if (sp_is_punct(&p->t, '.')) { /* t.* */
			sp_next(p);
			if (!sp_punct(p, '*'))
				return;
		} else if (q.qualified) {
			sp_table(p, &q, sc, false, record, true);
		}
		if (!sp_punct(p, ','))
			return;
	}
}

/*
 * A dotted chain starting at an identifier: db.t.col and db.t.* name a
 * table; db.f( and db.pkg.f( name a routine's database. t.col is left.
 * When the table's name changes, db.t.col becomes `t`.col: the FROM
 * clause that names the table gives it its old name as an alias.
 */
static void
sp_chain(struct sqlp *p)
{
	struct tok a = p->t, b, c;
	char an[NAME_BYTES + 1], bn[NAME_BYTES + 1];

	sp_next(p);
	if (!sp_is_punct(&p->t, '.'))
		return;
	sp_next(p);
	if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT &&
	    p->t.kind != TK_NUMBER)
		return; /* a.* */
	b = p->t;
	sp_next(p);
	if (sp_is_punct(&p->t, '(')) {
		struct qname q = { .qualified = true, .dbtok = a, .nametok = b };

		if (sp_unquote(p, &a, q.db) && sp_unquote(p, &b, q.name))
			sp_routine(p, &q, false);
		return;
	}
	if (!sp_is_punct(&p->t, '.'))
		return; /* t.col */
	sp_next(p);
	c = p->t;
	if (c.kind != TK_WORD && c.kind != TK_IDENT && c.kind != TK_NUMBER &&
	    !sp_is_punct(&c, '*'))
		return;
	sp_next(p);
	if (!sp_unquote(p, &a, an) || !sp_unquote(p, &b, bn))
		return;
	if (sp_is_punct(&p->t, '(')) { /* db.package.routine( */
		struct qname q = { .qualified = true, .dbtok = a, .nametok = b };

		memcpy(q.db, an, sizeof(an));
		memcpy(q.name, bn, sizeof(bn));
		sp_routine(p, &q, false);
		return;
	}
	if (p->f != NULL) {
		char ndb[NAME_BYTES + 1], ntb[NAME_BYTES + 1];

		filter_map(p->f, an, bn, ndb, sizeof(ndb), ntb, sizeof(ntb));
		if (strcmp(ntb, bn) != 0) {
			/* FROM gave the renamed table its old name as alias */
			sp_edit_range(p, a.start, b.end, bn, NULL, NULL);
		} else if (strcmp(ndb, an) != 0) {
			sp_edit(p, &a, ndb, NULL, NULL);
			sp_edit(p, &b, bn, NULL, NULL);
		}
	}
}

/* Words that end a FROM/UPDATE table list at their level. */
static const char *const sp_list_enders[] = {
	"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION",
	"EXCEPT", "INTERSECT", "SET", "INTO", "FOR", "LOCK", "RETURNING",
	"PROCEDURE", "VALUES", "SELECT", "ELSE", "END", "THEN", "UPDATE",
	"DUPLICATE", NULL,
};

/* Words before UPDATE/DELETE/INSERT that make them something else. */
static const char *const sp_not_dml_before[] = {
	"ON", "FOR", "KEY", "BEFORE", "AFTER", "GRANT", NULL,
};

/* Select modifiers before which STRAIGHT_JOIN is a modifier too. */
static const char *const sp_select_mods[] = {
	"SELECT", "ALL", "DISTINCT", "DISTINCTROW", "HIGH_PRIORITY",
	"SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT",
	"SQL_CACHE", "SQL_NO_CACHE", "SQL_CALC_FOUND_ROWS", NULL,
};

/*
 * Scan the rest of the statement for table references in table positions:
 * FROM and JOIN lists (in a SELECT or DELETE), INSERT/REPLACE [INTO] t,
 * UPDATE t, DELETE db.t, TABLE t (DDL and LOAD DATA inside bodies),
 * REFERENCES t, CALL db.p, NEXTVAL(seq), NEXT VALUE FOR seq, db.t.col,
 * db.f(). Unqualified names resolve in scope sc. record: add table refs to
 * the statement's objects (DML). multi: statements may follow ';'
 * (compound bodies).
 */
void
sp_scan(struct sqlp *p, const struct scope *sc, enum scan_mode mode,
    bool record, bool multi)
{
	struct level lv[MAX_DEPTH];
	int d = 0;

	memset(&lv[0], 0, sizeof(lv[0]));
	while (!p->fail && !p->oom && p->t.kind != TK_END) {
		struct level *l = &lv[d];
		struct tok t = p->t;

		if (!sp_is_punct(&t, '('))
			p->expect_table = false;
		if (t.kind == TK_PUNCT) {
			switch (t.c) {
			case '(': {
				bool tables = p->expect_table;

				p->expect_table = false;
				if (++d == MAX_DEPTH) {
					p->fail = true;
					return;
				}
				memset(&lv[d], 0, sizeof(lv[d]));
				sp_next(p);
				if (tables) { /* a parenthesised join list */
					lv[d].from = true;
					sp_table_item(p, sc, true, record);
				}
				continue;
			}
			case ')':
				if (d == 0) {
					p->fail = true;
					return;
				}
				d--;
				sp_next(p);
				/* a WITH list continues with ", name AS (" */
				if (lv[d].cte && sp_is_punct(&p->t, ',')) {
					sp_next(p);
					sp_try_cte(p);
				}
				continue;
			case ';':
				sp_next(p);
				if (!multi && d == 0) {
					while (sp_punct(p, ';'))
						;
					if (p->t.kind != TK_END)
						p->fail = true;
					return;
				}
				memset(l, 0, sizeof(*l));
				continue;
			case ',':
				sp_next(p);
				if (l->from)
					sp_table_item(p, sc, !l->delete_target,
					    record);
				continue;
			default:
				sp_next(p);
				continue;
			}
		}
		if (t.kind == TK_IDENT) {
			sp_chain(p);
			continue;
		}
		if (t.kind != TK_WORD) {
			sp_next(p);
			continue;
		}
		if (sp_is(p, &t, "SELECT")) {
			l->select = true;
			l->from = false;
			l->cte = false;
			sp_next(p);
		} else if (sp_is(p, &t, "FROM")) {
			sp_next(p);
			if (l->select) {
				sp_table_item(p, sc, !l->delete_target, record);
				l->from = true;
			}
		} else if (sp_is(p, &t, "JOIN") || (sp_is(p, &t,
		    "STRAIGHT_JOIN") && !sp_is_any(p, &p->prev,
		    sp_select_mods))) {
			sp_next(p);
			sp_table_item(p, sc, true, record);
			l->from = true;
		} else if (sp_is(p, &t, "USING")) {
			sp_next(p);
			if (l->delete_stmt && !sp_is_punct(&p->t, '(')) {
				l->delete_target = false;
				sp_table_item(p, sc, true, record);
				l->from = true;
			}
		} else if (sp_is(p, &t, "UPDATE") &&
		    !sp_is_any(p, &p->prev, sp_not_dml_before)) {
			static const char *const mods[] = { "LOW_PRIORITY",
				"IGNORE", NULL };

			sp_next(p);
			while (sp_is_any(p, &p->t, mods))
				sp_next(p);
			l->cte = false;
			sp_table_item(p, sc, true, record);
			l->from = true;
		} else if (sp_is(p, &t, "DELETE") &&
		    !sp_is_any(p, &p->prev, sp_not_dml_before)) {
			l->cte = false;
			sp_delete(p, l, sc, record);
		} else if ((sp_is(p, &t, "INSERT") || sp_is(p, &t, "REPLACE")) &&
		    !sp_is_any(p, &p->prev, sp_not_dml_before) &&
		    !sp_peek_punct(p, 1, '(')) {
			sp_insert_target(p, sc, record);
		} else if (sp_is(p, &t, "TABLE") || sp_is(p, &t, "TABLES")) {
			sp_next(p);
			sp_if_exists_note(p, false);
			while (!p->fail && sp_at_name(p)) {
				struct qname q;

				if (!sp_qname(p, &q))
					break;
				if (!sp_is_cte(p, &q))
					sp_table(p, &q, sc, false, record, true);
				/* CREATE TABLE a LIKE b, RENAME TABLE a TO b */
				if ((sp_kw(p, "LIKE") || sp_kw(p, "TO")) &&
				    sp_at_name(p) && sp_qname(p, &q))
					sp_table(p, &q, sc, false, record, true);
				if (!sp_punct(p, ','))
					break;
			}
		} else if (sp_is(p, &t, "REFERENCES")) {
			struct qname q;

			sp_next(p);
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_table(p, &q, sc, false, false, true);
		} else if (sp_is(p, &t, "CALL")) {
			struct qname q;

			sp_next(p);
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_routine(p, &q, record);
		} else if ((sp_is(p, &t, "NEXTVAL") || sp_is(p, &t, "LASTVAL") ||
		    sp_is(p, &t, "SETVAL")) &&
		    sp_peek_punct(p, 1, '(')) {
			struct qname q;

			sp_next(p);
			sp_next(p);
			if (++d == MAX_DEPTH) {
				p->fail = true;
				return;
			}
			memset(&lv[d], 0, sizeof(lv[d]));
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_table(p, &q, sc, false, false, true);
		} else if ((sp_is(p, &t, "NEXT") || sp_is(p, &t, "PREVIOUS")) &&
		    sp_peek_is(p, 1, "VALUE") &&
		    sp_peek_is(p, 2, "FOR")) {
			struct qname q;

			sp_next(p);
			sp_next(p);
			sp_next(p);
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_table(p, &q, sc, false, false, true);
		} else if (sp_is(p, &t, "TRUNCATE") &&
		    !sp_peek_punct(p, 1, '(')) {
			struct qname q;

			sp_next(p);
			sp_kw(p, "TABLE");
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_table(p, &q, sc, false, record, true);
		} else if ((sp_is(p, &t, "INDEX") || sp_is(p, &t, "KEY")) &&
		    sp_peek_name(p, 1) &&
		    sp_peek_is(p, 2, "ON")) {
			/* CREATE/DROP INDEX i ON t inside a body */
			struct qname q;

			sp_next(p);
			sp_next(p);
			sp_next(p);
			if (sp_at_name(p) && sp_qname(p, &q))
				sp_table(p, &q, sc, false, record, true);
		} else if ((sp_is(p, &t, "DATABASE") || sp_is(p, &t, "SCHEMA")) &&
		    (sp_is(p, &p->prev, "CREATE") || sp_is(p, &p->prev, "DROP") ||
		    sp_is(p, &p->prev, "ALTER"))) {
			struct tok dt;
			char db[NAME_BYTES + 1];

			sp_next(p);
			sp_if_exists_note(p, false);
			if (sp_at_name(p) && sp_ident(p, &dt, db, false))
				sp_database(p, &dt, db, false);
		} else if (mode != SCAN_ALTER_EVENT && sp_is(p, &t, "RENAME") &&
		    (sp_peek_is(p, 1, "TO") || sp_peek_is(p, 1, "AS") ||
		    (mode == SCAN_ALTER_TABLE && sp_peek_name(p, 1) &&
		    !sp_peek_is(p, 1, "COLUMN") && !sp_peek_is(p, 1, "INDEX") &&
		    !sp_peek_is(p, 1, "KEY") && !sp_peek_is(p, 1, "CONSTRAINT") &&
		    !sp_peek_is(p, 1, "PERIOD")))) {
			/* ALTER TABLE a RENAME [TO|AS] b */
			struct qname q;

			sp_next(p);
			if (!sp_kw(p, "TO"))
				sp_kw(p, "AS");
			if (!sp_qname(p, &q))
				return;
			sp_table(p, &q, sc, false, record ||
			    mode == SCAN_ALTER_TABLE, true);
		} else if (sp_is(p, &t, "WITH")) {
			sp_next(p);
			if (sp_try_cte(p))
				l->cte = true;
		} else if (mode == SCAN_ALTER_TABLE && sp_is(p, &t, "EXCHANGE")) {
			struct qname q;

			while (!p->fail && p->t.kind != TK_END &&
			    !sp_is(p, &p->t, "TABLE"))
				sp_next(p);
			if (sp_kw(p, "TABLE") && sp_qname(p, &q))
				sp_table(p, &q, sc, false, true, true);
		} else if (mode == SCAN_ALTER_EVENT && sp_is(p, &t, "RENAME") &&
		    sp_peek_is(p, 1, "TO")) {
			struct qname q;

			sp_next(p);
			sp_next(p);
			if (!sp_qname(p, &q))
				return;
			sp_routine(p, &q, true);
		} else if ((mode == SCAN_CREATE_TABLE ||
		    mode == SCAN_ALTER_TABLE) && sp_is(p, &t, "UNION") &&
		    d == 0) {
			/* MERGE tables: UNION [=] (t1, t2); not UNION (SELECT ...) */
			struct tok t2 = sp_peek(p, 2);

			l->from = false;
			sp_next(p);
			if (!sp_punct(p, '=') &&
			    !(sp_is_punct(&p->t, '(') && sp_tok_name(p, &t2)))
				continue;
			if (!sp_punct(p, '('))
				continue;
			while (!p->fail && sp_at_name(p)) {
				struct qname q;

				if (!sp_qname(p, &q))
					break;
				sp_table(p, &q, sc, false, false, true);
				if (!sp_punct(p, ','))
					break;
			}
			if (!sp_punct(p, ')'))
				p->fail = true;
		} else if (sp_is_any(p, &t, sp_list_enders)) {
			l->from = false;
			sp_next(p);
		} else {
			sp_chain(p);
		}
	}
	if (d != 0)
		p->fail = true;
}
