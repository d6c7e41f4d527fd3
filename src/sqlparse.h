/* sqlparse.h: the statement parser's state and the pieces src/sqlclass.c builds its statements from (src/sqlscan.c). */
#ifndef SRC_SQLPARSE_H
#define SRC_SQLPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/filter.h"
#include "src/sqlclass.h"
#include "src/sqllex.h"

#define NAME_BYTES 192 /* 64 characters of utf8mb4 */
#define MAX_DEPTH 128  /* nested parentheses followed by the scanner */
#define MAX_CTES 32    /* WITH names remembered per statement */

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

enum scan_mode {
	SCAN_PLAIN,       /* queries and bodies */
	SCAN_CREATE_TABLE, /* + UNION=(t1,t2) of MERGE tables */
	SCAN_ALTER_TABLE, /* + RENAME TO t, EXCHANGE PARTITION WITH TABLE t, UNION= */
	SCAN_ALTER_EVENT, /* + RENAME TO ev */
};

/* Consume the current token. */
void sp_next(struct sqlp *p);

/* The k-th token after the current one (k >= 1), without consuming. */
struct tok sp_peek(const struct sqlp *p, int k);

/* Whether token t is the unquoted keyword kw (upper case). */
bool sp_is(const struct sqlp *p, const struct tok *t, const char *kw);

/* Whether the k-th token ahead is keyword kw. */
bool sp_peek_is(const struct sqlp *p, int k, const char *kw);

/* Whether the k-th token ahead is punctuation c. */
bool sp_peek_punct(const struct sqlp *p, int k, char c);

/* Whether t is one of the NULL-terminated keywords. */
bool sp_is_any(const struct sqlp *p, const struct tok *t, const char *const *kws);

/* Consume the current token if it is keyword kw. */
bool sp_kw(struct sqlp *p, const char *kw);

/* Whether t is the punctuation character c. */
bool sp_is_punct(const struct tok *t, char c);

/* Consume the current token if it is punctuation c. */
bool sp_punct(struct sqlp *p, char c);

/* IF [NOT] EXISTS of the statement itself. */
void sp_if_exists(struct sqlp *p);

/* Set the verb from a string. */
void sp_verb(struct sqlp *p, const char *v);

/* Whether the current token can start a name. */
bool sp_at_name(const struct sqlp *p);

/* Parse an identifier (a word after a dot may be a keyword or digits). */
bool sp_ident(struct sqlp *p, struct tok *tok, char *out, bool after_dot);

/* Parse name or db.name. */
bool sp_qname(struct sqlp *p, struct qname *q);

/* Record an object the statement names. */
void sp_addref(struct sqlp *p, const char *db, const char *name, bool is_table);

/* Replace token t (see sp_edit_range()). */
void sp_edit(struct sqlp *p, const struct tok *t, const char *a, const char *b,
    const char *alias);

/* The destination name of database db into out. */
void sp_map_db(const struct sqlp *p, const char *db, char *out);

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
void sp_table(struct sqlp *p, const struct qname *q, const struct scope *sc,
    bool alias, bool record, bool is_table);

/* A routine, event or trigger name: only its database part is renamed. */
void sp_routine(struct sqlp *p, const struct qname *q, bool record);

/* A database name token: recorded (in db and name) and renamed. */
void sp_database(struct sqlp *p, const struct tok *t, const char *db, bool record);

/*
 * Scan the rest of the statement for table references in table positions:
 * FROM and JOIN lists (in a SELECT or DELETE), INSERT/REPLACE [INTO] t,
 * UPDATE t, DELETE db.t, TABLE t (DDL and LOAD DATA inside bodies),
 * REFERENCES t, CALL db.p, NEXTVAL(seq), NEXT VALUE FOR seq, db.t.col,
 * db.f(). Unqualified names resolve in scope sc. record: add table refs to
 * the statement's objects (DML). multi: statements may follow ';'
 * (compound bodies).
 */
void sp_scan(struct sqlp *p, const struct scope *sc, enum scan_mode mode,
    bool record, bool multi);

#endif
