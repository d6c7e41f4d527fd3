/* sqlclass.c: a small statement parser: kind, named objects, renames (lexer: sqllex.c). */
#include "src/sqlclass.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/filter.h"
#include "src/sqllex.h"

#define NAME_BYTES 192 /* 64 characters of utf8mb4 */
#define MAX_DEPTH 128  /* nested parentheses followed by the scanner */
#define MAX_CTES 32    /* WITH names remembered per statement */

/* ------------------------------------------------------------ parser state */

/* One replacement of bytes [start, end) of the statement. */
struct edit {
	size_t start, end;
	char *text;
};

/* A possibly qualified name just parsed: db.name or name. */
struct qname {
	bool qualified;
	struct tok dbtok, nametok;
	char db[NAME_BYTES + 1], name[NAME_BYTES + 1];
};

/* Which database resolves unqualified names: on the source and the destination. */
struct scope {
	const char *src, *dst;
};

struct sqlp {
	struct lex lx;
	struct tok t;    /* current token */
	struct tok prev; /* the one before */
	const char *sql;
	const char *ddb;                 /* default database, "" if none */
	char ddb_dst[NAME_BYTES + 1];    /* its destination name */
	const struct filter *f;          /* NULL: classify only */
	struct sql_info *info;
	struct edit *ed;
	size_t ned, edcap;
	bool fail; /* not understood: SQL_OTHER, no rewriting */
	bool oom;
	bool expect_table; /* a '(' where a table reference was expected */
	char cte[MAX_CTES][NAME_BYTES + 1];
	unsigned ncte;
};

/* Consume the current token. */
static void
sp_next(struct sqlp *p)
{
	p->prev = p->t;
	lex_next(&p->lx, &p->t);
	if (p->t.kind == TK_ERR)
		p->fail = true;
}

/* The k-th token after the current one (k >= 1), without consuming. */
static struct tok
sp_peek(const struct sqlp *p, int k)
{
	struct lex lx = p->lx;
	struct tok t = p->t;

	while (k-- > 0 && t.kind != TK_END && t.kind != TK_ERR)
		lex_next(&lx, &t);
	return t;
}

/* Whether token t is the unquoted keyword kw (upper case). */
static bool
sp_is(const struct sqlp *p, const struct tok *t, const char *kw)
{
	size_t n = strlen(kw);

	return t->kind == TK_WORD && t->end - t->start == n &&
	    strncasecmp(p->sql + t->start, kw, n) == 0;
}

/* Whether the k-th token ahead is keyword kw. */
static bool
sp_peek_is(const struct sqlp *p, int k, const char *kw)
{
	struct tok t = sp_peek(p, k);

	return sp_is(p, &t, kw);
}

/* Whether the k-th token ahead is punctuation c. */
static bool
sp_peek_punct(const struct sqlp *p, int k, char c)
{
	struct tok t = sp_peek(p, k);

	return t.kind == TK_PUNCT && t.c == c;
}

/* Whether t is one of the NULL-terminated keywords. */
static bool
sp_is_any(const struct sqlp *p, const struct tok *t, const char *const *kws)
{
	for (; *kws; kws++)
		if (sp_is(p, t, *kws))
			return true;
	return false;
}

/* Consume the current token if it is keyword kw. */
static bool
sp_kw(struct sqlp *p, const char *kw)
{
	if (!sp_is(p, &p->t, kw))
		return false;
	sp_next(p);
	return true;
}

/* Whether t is the punctuation character c. */
static bool
sp_is_punct(const struct tok *t, char c)
{
	return t->kind == TK_PUNCT && t->c == c;
}

/* Consume the current token if it is punctuation c. */
static bool
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
static void
sp_if_exists(struct sqlp *p)
{
	sp_if_exists_note(p, true);
}

/* Set the verb from a string. */
static void
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
static bool
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
static bool
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
static bool
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
static void
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
static void
sp_edit(struct sqlp *p, const struct tok *t, const char *a, const char *b,
    const char *alias)
{
	sp_edit_range(p, t->start, t->end, a, b, alias);
}

/* The destination name of database db into out. */
static void
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
static void
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
static void
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
static void
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

enum scan_mode {
	SCAN_PLAIN,       /* queries and bodies */
	SCAN_CREATE_TABLE, /* + UNION=(t1,t2) of MERGE tables */
	SCAN_ALTER_TABLE, /* + RENAME TO t, EXCHANGE PARTITION WITH TABLE t, UNION= */
	SCAN_ALTER_EVENT, /* + RENAME TO ev */
};

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
static void
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

/* ------------------------------------------------------------ statements */

/* The statement ends here (an optional ';'); anything else fails it. */
static void
sp_end(struct sqlp *p)
{
	while (sp_punct(p, ';'))
		;
	if (p->t.kind != TK_END)
		p->fail = true;
}

/* DEFINER = user@host | CURRENT_USER[()] | role */
static void
sp_definer(struct sqlp *p)
{
	if (!sp_punct(p, '=')) {
		p->fail = true;
		return;
	}
	if (sp_kw(p, "CURRENT_USER")) {
		if (sp_punct(p, '(') && !sp_punct(p, ')'))
			p->fail = true;
		return;
	}
	if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT &&
	    p->t.kind != TK_STRING) {
		p->fail = true;
		return;
	}
	sp_next(p);
	if (p->t.kind == TK_VAR) {
		sp_next(p);
	} else if (sp_punct(p, '@')) {
		if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT &&
		    p->t.kind != TK_STRING)
			p->fail = true;
		else
			sp_next(p);
	}
}

/* Modifiers between CREATE/ALTER and the object keyword. */
static void
sp_modifiers(struct sqlp *p)
{
	for (;;) {
		if (sp_kw(p, "TEMPORARY")) {
			p->info->temporary = true;
		} else if (sp_is(p, &p->t, "OR")) {
			sp_next(p);
			if (!sp_kw(p, "REPLACE"))
				p->fail = true;
		} else if (sp_kw(p, "ALGORITHM")) {
			if (!sp_punct(p, '=') || p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "DEFINER")) {
			sp_definer(p);
		} else if (sp_is(p, &p->t, "SQL")) {
			struct tok t1 = sp_peek(p, 1);

			if (!sp_is(p, &t1, "SECURITY"))
				return;
			sp_next(p);
			sp_next(p);
			if (p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "AGGREGATE") || sp_kw(p, "ONLINE") ||
		    sp_kw(p, "OFFLINE") || sp_kw(p, "IGNORE") ||
		    sp_kw(p, "UNIQUE") || sp_kw(p, "FULLTEXT")) {
			;
		} else if (sp_is(p, &p->t, "SPATIAL")) {
			struct tok t1 = sp_peek(p, 1);

			if (!sp_is(p, &t1, "INDEX") && !sp_is(p, &t1, "KEY"))
				return;
			sp_next(p);
		} else {
			return;
		}
		if (p->fail)
			return;
	}
}

/* The statement scope: unqualified names resolve against the default database. */
static struct scope
sp_stmt_scope(const struct sqlp *p)
{
	struct scope sc = { p->ddb, p->ddb_dst };

	return sc;
}

/* A list "name, name, ..." of tables (or views, sequences). */
static void
sp_table_list(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);

	do {
		struct qname q;

		if (!sp_qname(p, &q))
			return;
		sp_table(p, &q, &sc, false, true, true);
	} while (sp_punct(p, ','));
}

/*
 * A routine, event or view body scope: unqualified names resolve against
 * the object's database, on the destination against its mapped database.
 */
static struct scope
sp_object_scope(const struct sqlp *p, const struct qname *q, char *dst)
{
	struct scope sc;

	sc.src = q->qualified ? q->db : p->ddb;
	sp_map_db(p, sc.src, dst);
	sc.dst = dst;
	return sc;
}

/* CREATE ... TRIGGER [IF NOT EXISTS] tr {BEFORE|AFTER} ev ON t FOR EACH ROW ... */
static void
sp_create_trigger(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p), body;
	struct qname tr, tb;
	char tdb[NAME_BYTES + 1], ttb[NAME_BYTES + 1];
	const char *tsrc;

	p->info->object = SQLO_TRIGGER;
	sp_if_exists(p);
	if (!sp_qname(p, &tr))
		return;
	if (!sp_kw(p, "BEFORE") && !sp_kw(p, "AFTER")) {
		p->fail = true;
		return;
	}
	if (!sp_kw(p, "INSERT") && !sp_kw(p, "UPDATE") && !sp_kw(p, "DELETE")) {
		p->fail = true;
		return;
	}
	if (!sp_kw(p, "ON") || !sp_qname(p, &tb)) {
		p->fail = true;
		return;
	}
	sp_addref(p, tr.qualified ? tr.db : p->ddb, tr.name, false);
	tsrc = tb.qualified ? tb.db : p->ddb;
	if (p->f != NULL && tsrc[0] != '\0')
		filter_map(p->f, tsrc, tb.name, tdb, sizeof(tdb), ttb,
		    sizeof(ttb));
	else
		snprintf(tdb, sizeof(tdb), "%s", tsrc);
	/* the trigger lives in its table's database, wherever that goes */
	if (p->f != NULL && tsrc[0] != '\0') {
		if (tr.qualified && strcmp(tr.db, tdb) != 0) {
			sp_edit(p, &tr.dbtok, tdb, NULL, NULL);
			sp_edit(p, &tr.nametok, tr.name, NULL, NULL);
		} else if (!tr.qualified && p->ddb[0] != '\0' &&
		    strcmp(p->ddb_dst, tdb) != 0)
			sp_edit(p, &tr.nametok, tdb, tr.name, NULL);
	}
	sp_table(p, &tb, &sc, false, true, true);
	body.src = tsrc;
	body.dst = tdb;
	sp_scan(p, &body, SCAN_PLAIN, false, true);
}

/* CREATE [OR REPLACE] [TEMPORARY] TABLE ... */
static void
sp_create_table(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);
	struct qname q, like;

	p->info->object = SQLO_TABLE;
	sp_if_exists(p);
	if (!sp_qname(p, &q))
		return;
	sp_table(p, &q, &sc, false, true, true);
	if (sp_kw(p, "LIKE")) {
		if (sp_qname(p, &like))
			sp_table(p, &like, &sc, false, true, true);
	} else if (sp_is_punct(&p->t, '(') &&
	    sp_peek_is(p, 1, "LIKE")) {
		sp_next(p);
		sp_next(p);
		if (sp_qname(p, &like))
			sp_table(p, &like, &sc, false, true, true);
		if (!sp_punct(p, ')'))
			p->fail = true;
	}
	sp_scan(p, &sc, SCAN_CREATE_TABLE, false, false);
}

/* Object keywords of DDL on things this module does not look into. */
static const char *const sp_other_objects[] = {
	"SERVER", "TABLESPACE", "LOGFILE", "RESOURCE", "UNDO", "PACKAGE",
	"INSTANCE", NULL,
};

/* The rest of a DDL on another kind of object: understood as DDL, not parsed. */
static void
sp_other_object(struct sqlp *p)
{
	p->info->object = SQLO_OTHER;
	while (!p->fail && p->t.kind != TK_END)
		sp_next(p);
}

/* CREATE ... */
static void
sp_create(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p), body;
	char dst[NAME_BYTES + 1];
	struct qname q;

	sp_verb(p, "CREATE");
	in->kind = SQL_DDL;
	sp_next(p);
	sp_modifiers(p);
	if (p->fail)
		return;
	if (sp_kw(p, "TABLE")) {
		sp_create_table(p);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "INDEX") || sp_kw(p, "KEY")) {
		struct tok it;
		char iname[NAME_BYTES + 1];

		in->object = SQLO_INDEX;
		sp_if_exists(p);
		if (!sp_ident(p, &it, iname, false))
			return;
		if (sp_kw(p, "USING") && !sp_kw(p, "BTREE") &&
		    !sp_kw(p, "HASH") && !sp_kw(p, "RTREE")) {
			p->fail = true;
			return;
		}
		if (!sp_kw(p, "ON")) {
			p->fail = true;
			return;
		}
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		sp_if_exists(p);
		if (sp_ident(p, &t, db, false))
			sp_database(p, &t, db, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT")) {
		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    sp_is(p, &p->t, "PROCEDURE") ? SQLO_PROCEDURE : SQLO_EVENT;
		sp_next(p);
		sp_if_exists(p);
		if (!sp_qname(p, &q))
			return;
		sp_routine(p, &q, true);
		body = sp_object_scope(p, &q, dst);
		sp_scan(p, &body, SCAN_PLAIN, false, true);
	} else if (sp_kw(p, "TRIGGER")) {
		sp_create_trigger(p);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
	} else if (sp_is_any(p, &p->t, sp_other_objects) ||
	    sp_is(p, &p->t, "SPATIAL")) {
		sp_other_object(p);
	} else {
		p->fail = true;
	}
}

/* ALTER ... */
static void
sp_alter(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p), body;
	char dst[NAME_BYTES + 1];
	struct qname q;

	sp_verb(p, "ALTER");
	in->kind = SQL_DDL;
	sp_next(p);
	sp_modifiers(p);
	if (p->fail)
		return;
	if (sp_kw(p, "TABLE")) {
		in->object = SQLO_TABLE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_ALTER_TABLE, false, false);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		static const char *const opts[] = { "DEFAULT", "CHARACTER",
			"CHARSET", "COLLATE", "ENCRYPTION", "READ", "COMMENT",
			NULL };
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		if ((p->t.kind == TK_IDENT || p->t.kind == TK_WORD) &&
		    !sp_is_any(p, &p->t, opts)) {
			if (sp_ident(p, &t, db, false))
				sp_database(p, &t, db, true);
		} else if (p->ddb[0] != '\0') {
			sp_addref(p, p->ddb, p->ddb, false);
		}
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT")) {
		bool event = sp_is(p, &p->t, "EVENT");

		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    event ? SQLO_EVENT : SQLO_PROCEDURE;
		sp_next(p);
		if (!sp_qname(p, &q))
			return;
		sp_routine(p, &q, true);
		body = sp_object_scope(p, &q, dst);
		sp_scan(p, &body, event ? SCAN_ALTER_EVENT : SCAN_PLAIN, false,
		    true);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
		sp_scan(p, &sc, SCAN_PLAIN, false, false);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
	} else if (sp_is_any(p, &p->t, sp_other_objects)) {
		sp_other_object(p);
	} else {
		p->fail = true;
	}
}

/* What may follow the names of a DROP: RESTRICT, CASCADE, WAIT n, NOWAIT, ALGORITHM=x, LOCK=x. */
static void
sp_drop_tail(struct sqlp *p)
{
	while (!p->fail && p->t.kind == TK_WORD) {
		if (sp_kw(p, "RESTRICT") || sp_kw(p, "CASCADE") ||
		    sp_kw(p, "NOWAIT") || sp_kw(p, "FORCE"))
			continue;
		if (sp_kw(p, "WAIT")) {
			if (p->t.kind != TK_NUMBER)
				p->fail = true;
			else
				sp_next(p);
		} else if (sp_kw(p, "ALGORITHM") || sp_kw(p, "LOCK")) {
			sp_punct(p, '=');
			if (p->t.kind != TK_WORD)
				p->fail = true;
			else
				sp_next(p);
		} else {
			break;
		}
	}
	sp_end(p);
}

/* DROP ... */
static void
sp_drop(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);
	struct qname q;

	sp_verb(p, "DROP");
	in->kind = SQL_DDL;
	sp_next(p);
	if (sp_kw(p, "TEMPORARY"))
		in->temporary = true;
	if (sp_kw(p, "TABLE") || sp_kw(p, "TABLES")) {
		in->object = SQLO_TABLE;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_kw(p, "VIEW")) {
		in->object = SQLO_VIEW;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_kw(p, "SEQUENCE")) {
		in->object = SQLO_SEQUENCE;
		sp_if_exists(p);
		sp_table_list(p);
	} else if (sp_is(p, &p->t, "FUNCTION") ||
	    sp_is(p, &p->t, "PROCEDURE") || sp_is(p, &p->t, "EVENT") ||
	    sp_is(p, &p->t, "TRIGGER")) {
		in->object = sp_is(p, &p->t, "FUNCTION") ? SQLO_FUNCTION :
		    sp_is(p, &p->t, "PROCEDURE") ? SQLO_PROCEDURE :
		    sp_is(p, &p->t, "EVENT") ? SQLO_EVENT : SQLO_TRIGGER;
		sp_next(p);
		sp_if_exists(p);
		if (sp_qname(p, &q))
			sp_routine(p, &q, true);
	} else if (sp_is(p, &p->t, "INDEX") || sp_is(p, &p->t, "KEY") ||
	    ((sp_is(p, &p->t, "ONLINE") || sp_is(p, &p->t, "OFFLINE")) &&
	    sp_peek_is(p, 1, "INDEX"))) {
		struct tok it;
		char iname[NAME_BYTES + 1];

		if (!sp_kw(p, "INDEX") && !sp_kw(p, "KEY")) {
			sp_next(p);
			sp_next(p);
		}
		in->object = SQLO_INDEX;
		sp_if_exists(p);
		if (!sp_ident(p, &it, iname, false))
			return;
		if (!sp_kw(p, "ON")) {
			p->fail = true;
			return;
		}
		if (sp_qname(p, &q))
			sp_table(p, &q, &sc, false, true, true);
	} else if (sp_kw(p, "DATABASE") || sp_kw(p, "SCHEMA")) {
		struct tok t;
		char db[NAME_BYTES + 1];

		in->object = SQLO_DATABASE;
		sp_if_exists(p);
		if (sp_ident(p, &t, db, false))
			sp_database(p, &t, db, true);
	} else if (sp_is(p, &p->t, "USER") || sp_is(p, &p->t, "ROLE")) {
		in->kind = SQL_ACCOUNT;
		return;
	} else if (sp_is_any(p, &p->t, sp_other_objects) ||
	    sp_is(p, &p->t, "SPATIAL")) {
		sp_other_object(p);
		return;
	} else {
		p->fail = true;
		return;
	}
	sp_drop_tail(p);
}

/* RENAME TABLE a TO b, c TO d / RENAME USER */
static void
sp_rename(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);

	sp_verb(p, "RENAME");
	sp_next(p);
	if (sp_is(p, &p->t, "USER")) {
		in->kind = SQL_ACCOUNT;
		return;
	}
	in->kind = SQL_DDL;
	if (!sp_kw(p, "TABLE") && !sp_kw(p, "TABLES")) {
		p->fail = true;
		return;
	}
	in->object = SQLO_TABLE;
	sp_if_exists(p);
	do {
		struct qname a, b;

		if (!sp_qname(p, &a))
			return;
		sp_table(p, &a, &sc, false, true, true);
		if (sp_kw(p, "WAIT")) {
			if (p->t.kind != TK_NUMBER) {
				p->fail = true;
				return;
			}
			sp_next(p);
		} else {
			sp_kw(p, "NOWAIT");
		}
		if (!sp_kw(p, "TO") || !sp_qname(p, &b)) {
			p->fail = true;
			return;
		}
		sp_table(p, &b, &sc, false, true, true);
	} while (sp_punct(p, ','));
	sp_end(p);
}

/* TRUNCATE [TABLE] t [WAIT n | NOWAIT] */
static void
sp_truncate(struct sqlp *p)
{
	struct scope sc = sp_stmt_scope(p);
	struct qname q;

	sp_verb(p, "TRUNCATE");
	p->info->kind = SQL_DDL;
	p->info->object = SQLO_TABLE;
	sp_next(p);
	sp_kw(p, "TABLE");
	if (!sp_qname(p, &q))
		return;
	sp_table(p, &q, &sc, false, true, true);
	sp_scan(p, &sc, SCAN_PLAIN, false, false);
}

/* GRANT/REVOKE: the privilege level after ON, if any, is an object. */
static void
sp_grant(struct sqlp *p)
{
	struct sql_info *in = p->info;
	struct scope sc = sp_stmt_scope(p);
	int depth = 0;
	bool routine = false;

	in->kind = SQL_ACCOUNT;
	sp_next(p);
	while (!p->fail && p->t.kind != TK_END) {
		if (sp_is_punct(&p->t, '('))
			depth++;
		else if (sp_is_punct(&p->t, ')'))
			depth--;
		else if (depth == 0 && (sp_is(p, &p->t, "TO") ||
		    sp_is(p, &p->t, "FROM") || sp_is(p, &p->t, "PROXY")))
			return; /* roles, proxy: no object */
		else if (depth == 0 && sp_is(p, &p->t, "ON"))
			break;
		sp_next(p);
	}
	if (!sp_kw(p, "ON"))
		return;
	if (sp_kw(p, "FUNCTION") || sp_kw(p, "PROCEDURE")) {
		routine = true;
		in->object = SQLO_PROCEDURE;
	} else if (sp_kw(p, "PACKAGE")) {
		sp_kw(p, "BODY");
		routine = true;
		in->object = SQLO_OTHER;
	} else {
		sp_kw(p, "TABLE");
	}
	if (sp_punct(p, '*')) {
		if (sp_punct(p, '.') && !sp_punct(p, '*'))
			p->fail = true; /* "*.x" is not a level */
		return;
	}
	{
		struct tok dbt;
		char db[NAME_BYTES + 1];
		struct qname q;

		if (p->t.kind != TK_WORD && p->t.kind != TK_IDENT) {
			p->fail = true;
			return;
		}
		if (sp_peek_punct(p, 1, '.') &&
		    sp_peek_punct(p, 2, '*')) {
			if (!sp_ident(p, &dbt, db, false))
				return;
			sp_next(p);
			sp_next(p);
			in->object = SQLO_DATABASE;
			sp_addref(p, db, "*", false);
			sp_database(p, &dbt, db, false);
			return;
		}
		if (!sp_qname(p, &q))
			return;
		if (routine) {
			sp_routine(p, &q, true);
		} else {
			in->object = SQLO_TABLE;
			sp_table(p, &q, &sc, false, true, true);
		}
	}
}

/* ANALYZE/OPTIMIZE/REPAIR/CHECK/CHECKSUM [NO_WRITE_TO_BINLOG|LOCAL] TABLE list */
static void
sp_admin_tables(struct sqlp *p)
{
	struct sql_info *in = p->info;

	sp_next(p);
	if (!sp_kw(p, "NO_WRITE_TO_BINLOG"))
		sp_kw(p, "LOCAL");
	if (!sp_kw(p, "TABLE") && !sp_kw(p, "TABLES"))
		return; /* ANALYZE SELECT ... and the like: SQL_OTHER */
	in->kind = SQL_ADMIN;
	in->object = SQLO_TABLE;
	sp_table_list(p);
}

/* FLUSH [NO_WRITE_TO_BINLOG|LOCAL] options, with FLUSH TABLES t1, t2 naming tables. */
static void
sp_flush(struct sqlp *p)
{
	p->info->kind = SQL_ADMIN;
	sp_next(p);
	if (!sp_kw(p, "NO_WRITE_TO_BINLOG"))
		sp_kw(p, "LOCAL");
	if ((sp_kw(p, "TABLE") || sp_kw(p, "TABLES")) && sp_at_name(p) &&
	    !sp_is(p, &p->t, "FOR")) {
		p->info->object = SQLO_TABLE;
		sp_table_list(p);
	}
}

/* The body of a transaction-control statement: only these words may follow. */
static void
sp_words(struct sqlp *p, const char *const *allowed)
{
	while (p->t.kind == TK_WORD && sp_is_any(p, &p->t, allowed))
		sp_next(p);
	if (sp_punct(p, ',')) { /* START TRANSACTION a, b */
		sp_words(p, allowed);
		return;
	}
	sp_end(p);
}

/* A savepoint name, then the end. */
static void
sp_savepoint_name(struct sqlp *p)
{
	struct tok t;
	char name[NAME_BYTES + 1];

	if (sp_ident(p, &t, name, false))
		sp_end(p);
}

static void sp_statement(struct sqlp *p);

/* SET PASSWORD / SET DEFAULT ROLE / SET STATEMENT ... FOR stmt */
static void
sp_set(struct sqlp *p)
{
	sp_next(p);
	if (sp_is(p, &p->t, "PASSWORD") || sp_is(p, &p->t, "DEFAULT")) {
		sp_verb(p, sp_is(p, &p->t, "PASSWORD") ? "SET PASSWORD"
		    : "SET DEFAULT ROLE");
		p->info->kind = SQL_ACCOUNT;
		return;
	}
	if (sp_kw(p, "STATEMENT")) {
		int depth = 0;

		while (!p->fail && p->t.kind != TK_END) {
			if (sp_is_punct(&p->t, '('))
				depth++;
			else if (sp_is_punct(&p->t, ')'))
				depth--;
			else if (depth == 0 && sp_is(p, &p->t, "FOR"))
				break;
			sp_next(p);
		}
		if (!sp_kw(p, "FOR")) {
			p->fail = true;
			return;
		}
		sp_statement(p);
		return;
	}
	sp_verb(p, "SET");
	p->info->kind = SQL_OTHER;
}

/* Dispatch on the first keyword of the statement. */
static void
sp_statement(struct sqlp *p)
{
	static const char *const dml[] = { "INSERT", "REPLACE", "UPDATE",
		"DELETE", "SELECT", "WITH", "CALL", "DO", "HANDLER", "VALUES",
		"TABLE", NULL };
	static const char *const admin_tables[] = { "ANALYZE", "OPTIMIZE",
		"REPAIR", "CHECK", "CHECKSUM", NULL };
	static const char *const chain[] = { "WORK", "AND", "NO", "CHAIN",
		"RELEASE", NULL };
	static const char *const start_opts[] = { "WITH", "CONSISTENT",
		"SNAPSHOT", "READ", "ONLY", "WRITE", NULL };
	struct sql_info *in = p->info;
	struct tok t = p->t;

	if (t.kind == TK_END || sp_is_punct(&t, ';')) {
		sp_end(p);
		in->kind = SQL_EMPTY;
		return;
	}
	if (t.kind != TK_WORD) {
		p->fail = true;
		return;
	}
	/* upper-cased first word as the verb; refined below */
	{
		size_t n = t.end - t.start, i;

		if (n >= sizeof(in->verb))
			n = sizeof(in->verb) - 1;
		for (i = 0; i < n; i++)
			in->verb[i] = (char)toupper(
			    (unsigned char)p->sql[t.start + i]);
		in->verb[n] = '\0';
	}
	if (sp_is(p, &t, "BEGIN")) {
		static const char *const work[] = { "WORK", NULL };

		in->kind = SQL_BEGIN;
		sp_next(p);
		sp_words(p, work); /* BEGIN NOT ATOMIC is a compound statement */
	} else if (sp_is(p, &t, "START")) {
		sp_next(p);
		if (!sp_kw(p, "TRANSACTION")) {
			in->kind = SQL_OTHER;
			return;
		}
		sp_verb(p, "START TRANSACTION");
		in->kind = SQL_BEGIN;
		sp_words(p, start_opts);
	} else if (sp_is(p, &t, "COMMIT")) {
		in->kind = SQL_COMMIT;
		sp_next(p);
		sp_words(p, chain);
	} else if (sp_is(p, &t, "ROLLBACK")) {
		sp_next(p);
		sp_kw(p, "WORK");
		if (sp_kw(p, "TO")) {
			sp_verb(p, "ROLLBACK TO");
			in->kind = SQL_SAVEPOINT;
			sp_kw(p, "SAVEPOINT");
			sp_savepoint_name(p);
		} else {
			in->kind = SQL_ROLLBACK;
			sp_words(p, chain);
		}
	} else if (sp_is(p, &t, "SAVEPOINT")) {
		in->kind = SQL_SAVEPOINT;
		sp_next(p);
		sp_savepoint_name(p);
	} else if (sp_is(p, &t, "RELEASE")) {
		sp_next(p);
		if (!sp_kw(p, "SAVEPOINT")) {
			p->fail = true;
			return;
		}
		sp_verb(p, "RELEASE SAVEPOINT");
		in->kind = SQL_SAVEPOINT;
		sp_savepoint_name(p);
	} else if (sp_is(p, &t, "XA")) {
		static const struct {
			const char *word, *verb;
		} xa[] = {
			{ "START", "XA START" }, { "BEGIN", "XA START" },
			{ "END", "XA END" }, { "PREPARE", "XA PREPARE" },
			{ "COMMIT", "XA COMMIT" }, { "ROLLBACK", "XA ROLLBACK" },
			{ "RECOVER", "XA RECOVER" },
		};
		size_t i;

		sp_next(p);
		for (i = 0; i < sizeof(xa) / sizeof(xa[0]); i++)
			if (sp_is(p, &p->t, xa[i].word))
				break;
		if (i == sizeof(xa) / sizeof(xa[0])) {
			p->fail = true;
			return;
		}
		sp_verb(p, xa[i].verb);
		in->kind = SQL_XA;
	} else if (sp_is(p, &t, "CREATE")) {
		sp_create(p);
	} else if (sp_is(p, &t, "ALTER")) {
		sp_alter(p);
	} else if (sp_is(p, &t, "DROP")) {
		sp_drop(p);
	} else if (sp_is(p, &t, "RENAME")) {
		sp_rename(p);
	} else if (sp_is(p, &t, "TRUNCATE")) {
		sp_truncate(p);
	} else if (sp_is(p, &t, "LOAD")) {
		struct tok t1 = sp_peek(p, 1);
		struct scope sc = sp_stmt_scope(p);

		if (sp_is(p, &t1, "INDEX")) {
			in->kind = SQL_ADMIN;
			return;
		}
		if (!sp_is(p, &t1, "DATA") && !sp_is(p, &t1, "XML")) {
			in->kind = SQL_OTHER;
			return;
		}
		in->kind = SQL_DML;
		sp_scan(p, &sc, SCAN_PLAIN, true, false);
		if (in->nrefs > 0)
			in->object = SQLO_TABLE;
	} else if (sp_is_any(p, &t, dml)) {
		struct scope sc = sp_stmt_scope(p);

		in->kind = SQL_DML;
		sp_scan(p, &sc, SCAN_PLAIN, true, false);
		if (in->nrefs > 0)
			in->object = SQLO_TABLE;
	} else if (sp_is(p, &t, "GRANT") || sp_is(p, &t, "REVOKE")) {
		sp_grant(p);
	} else if (sp_is(p, &t, "SET")) {
		sp_set(p);
	} else if (sp_is_any(p, &t, admin_tables)) {
		in->kind = SQL_OTHER;
		sp_admin_tables(p);
	} else if (sp_is(p, &t, "FLUSH")) {
		sp_flush(p);
	} else if (sp_is(p, &t, "INSTALL") || sp_is(p, &t, "UNINSTALL") ||
	    (sp_is(p, &t, "CACHE") && sp_peek_is(p, 1, "INDEX"))) {
		in->kind = SQL_ADMIN;
	} else if (sp_is(p, &t, "USE")) {
		struct tok dt;
		char db[NAME_BYTES + 1];

		in->kind = SQL_OTHER;
		sp_next(p);
		if (sp_ident(p, &dt, db, false)) {
			sp_database(p, &dt, db, true);
			in->object = SQLO_DATABASE;
			sp_end(p);
		}
	} else {
		in->kind = SQL_OTHER;
	}
}

/* Parse one statement into p->info (and p->ed when renaming). */
static void
sp_run(struct sqlp *p, const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, const struct filter *f, struct sql_info *out)
{
	memset(p, 0, sizeof(*p));
	memset(out, 0, sizeof(*out));
	p->sql = sql;
	lex_init(&p->lx, sql, len, sql_mode);
	p->ddb = default_db != NULL ? default_db : "";
	p->f = f;
	p->info = out;
	sp_map_db(p, p->ddb, p->ddb_dst);
	if (strlen(p->ddb) > NAME_BYTES)
		p->fail = true;
	lex_next(&p->lx, &p->t);
	if (p->t.kind == TK_ERR)
		p->fail = true;
	if (!p->fail)
		sp_statement(p);
	if (p->fail) {
		out->kind = SQL_OTHER;
		out->object = SQLO_NONE;
		out->nrefs = 0;
		out->truncated = false;
	}
}

/* Free the edits of a parse. */
static void
sp_free(struct sqlp *p)
{
	size_t i;

	for (i = 0; i < p->ned; i++)
		free(p->ed[i].text);
	free(p->ed);
}

/* ------------------------------------------------------------ API */

void
sql_classify_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, struct sql_info *out)
{
	struct sqlp p;

	sp_run(&p, sql, len, default_db, sql_mode, NULL, out);
	sp_free(&p);
}

void
sql_classify(const char *sql, size_t len, const char *default_db,
    struct sql_info *out)
{
	sql_classify_mode(sql, len, default_db, 0, out);
}

/* Order edits by position. */
static int
sp_edit_cmp(const void *a, const void *b)
{
	const struct edit *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

char *
sql_rewrite_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, const struct filter *f)
{
	struct sqlp p;
	struct sql_info info;
	size_t i, pos = 0, outlen = len, o = 0;
	char *out;

	sp_run(&p, sql, len, default_db, sql_mode,
	    f != NULL && filter_renames(f) ? f : NULL, &info);
	if (p.oom) {
		sp_free(&p);
		return NULL;
	}
	if (p.fail) { /* not understood: copied as is; classified SQL_OTHER */
		sp_free(&p);
		p.ned = 0;
		p.ed = NULL;
	}
	if (p.ned > 1)
		qsort(p.ed, p.ned, sizeof(p.ed[0]), sp_edit_cmp);
	for (i = 0; i < p.ned; i++) {
		if (p.ed[i].start < pos) { /* overlapping: should not happen */
			sp_free(&p);
			p.ned = 0;
			p.ed = NULL;
			break;
		}
		pos = p.ed[i].end;
		outlen += strlen(p.ed[i].text);
	}
	out = malloc(outlen + 1);
	if (out == NULL) {
		sp_free(&p);
		return NULL;
	}
	pos = 0;
	for (i = 0; i < p.ned; i++) {
		size_t tl = strlen(p.ed[i].text);

		memcpy(out + o, sql + pos, p.ed[i].start - pos);
		o += p.ed[i].start - pos;
		memcpy(out + o, p.ed[i].text, tl);
		o += tl;
		pos = p.ed[i].end;
	}
	memcpy(out + o, sql + pos, len - pos);
	o += len - pos;
	out[o] = '\0';
	sp_free(&p);
	return out;
}

char *
sql_rewrite(const char *sql, size_t len, const char *default_db,
    const struct filter *f)
{
	return sql_rewrite_mode(sql, len, default_db, 0, f);
}

const char *
sql_mode_translate(uint64_t mode, bool from_mariadb, bool to_mariadb, uint64_t *out)
{
	/* MariaDB's modes past bit 31 and its parser modes */
	static const struct {
		uint64_t bit;
		const char *name;
	} maria_refused[] = {
		{ 1ULL << 9, "ORACLE" },
		{ 1ULL << 10, "MSSQL" },
		{ 1ULL << 12, "MAXDB" }, /* TIMESTAMP columns created as DATETIME */
		{ 1ULL << 32, "EMPTY_STRING_IS_NULL" },
		{ 1ULL << 33, "SIMULTANEOUS_ASSIGNMENT" },
	};
	const uint64_t maria_dropped = 1ULL << 4 | 1ULL << 8 | 1ULL << 11 |
	    0x1fULL << 13 | 1ULL << 28;
	const uint64_t mysql_dropped = 1ULL << 4 | 1ULL << 32;
	const uint64_t mysql_truncate = 1ULL << 32; /* TIME_TRUNCATE_FRACTIONAL */
	const uint64_t maria_round = 1ULL << 34;    /* TIME_ROUND_FRACTIONAL */

	*out = mode;
	if (from_mariadb == to_mariadb)
		return NULL;
	if (!from_mariadb) {
		if (mode >> 33)
			return "(a bit MySQL does not define)";
		/* MySQL rounds fractional seconds unless told to truncate;
		 * MariaDB truncates unless told to round */
		*out = mode & ~mysql_dropped;
		if (!(mode & mysql_truncate))
			*out |= maria_round;
		return NULL;
	}
	for (size_t i = 0; i < sizeof(maria_refused) / sizeof(maria_refused[0]); i++)
		if (mode & maria_refused[i].bit)
			return maria_refused[i].name;
	if (mode >> 35)
		return "(a bit MariaDB does not define)";
	*out = mode & ~maria_dropped & ~maria_round;
	if (!(mode & maria_round))
		*out |= mysql_truncate;
	return NULL;
}

const char *
sql_kind_name(enum sql_kind kind)
{
	static const char *const names[] = {
		[SQL_EMPTY] = "empty", [SQL_BEGIN] = "begin",
		[SQL_COMMIT] = "commit", [SQL_ROLLBACK] = "rollback",
		[SQL_SAVEPOINT] = "savepoint", [SQL_XA] = "XA",
		[SQL_DDL] = "DDL", [SQL_DML] = "DML", [SQL_ACCOUNT] = "account",
		[SQL_ADMIN] = "admin", [SQL_OTHER] = "other",
	};

	if ((unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind])
		return names[kind];
	return "unknown";
}
