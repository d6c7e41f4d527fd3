/* sqlclass.h: what a statement from a QUERY event is, which objects it names, and renaming them. */
#ifndef SRC_SQLCLASS_H
#define SRC_SQLCLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct filter;

enum sql_kind {
	SQL_EMPTY,      /* only comments or blanks */
	SQL_BEGIN,      /* BEGIN, START TRANSACTION */
	SQL_COMMIT,
	SQL_ROLLBACK,   /* ROLLBACK (not TO SAVEPOINT) */
	SQL_SAVEPOINT,  /* SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT */
	SQL_XA,         /* XA START/END/PREPARE/COMMIT/ROLLBACK */
	SQL_DDL,        /* CREATE/ALTER/DROP/RENAME/TRUNCATE of objects below */
	SQL_DML,        /* INSERT, UPDATE, DELETE, REPLACE, LOAD DATA, SELECT ... INTO, CALL, DO */
	SQL_ACCOUNT,    /* CREATE/ALTER/DROP/RENAME USER|ROLE, GRANT, REVOKE, SET PASSWORD */
	SQL_ADMIN,      /* ANALYZE, OPTIMIZE, REPAIR, CHECK, FLUSH, INSTALL/UNINSTALL PLUGIN|SONAME */
	SQL_OTHER,      /* anything else: the applier stops on it */
};

enum sql_object {
	SQLO_NONE,
	SQLO_DATABASE,
	SQLO_TABLE,
	SQLO_INDEX,     /* CREATE/DROP INDEX name ON table: objects[] holds the table */
	SQLO_VIEW,
	SQLO_FUNCTION,
	SQLO_PROCEDURE,
	SQLO_TRIGGER,   /* objects[] holds the trigger and (CREATE) its table */
	SQLO_EVENT,
	SQLO_SEQUENCE,
	SQLO_OTHER,
};

#define SQL_MAX_OBJECTS 16

struct sql_ref {
	char db[193];    /* as written or the default database; "" if none */
	char name[193];  /* unquoted */
	bool is_table;   /* names a table (or view) rather than a routine etc. */
};

struct sql_info {
	enum sql_kind kind;
	enum sql_object object;
	char verb[32];       /* "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", ... */
	bool temporary;      /* CREATE/DROP TEMPORARY TABLE */
	bool if_exists, if_not_exists;
	unsigned nrefs;      /* objects named, in order; a RENAME gives old, new pairs */
	struct sql_ref refs[SQL_MAX_OBJECTS];
	bool truncated;      /* more than SQL_MAX_OBJECTS names */
};

/*
 * Classify sql (len bytes, not NUL-terminated), skipping leading comments
 * and blanks, including versioned comments like / *!50003 ... * / whose
 * content counts as SQL. default_db fills refs without a database. Quoted
 * identifiers (`x`, "x" under ANSI_QUOTES is not assumed) are unquoted
 * with `` as an escaped backtick.
 */
void sql_classify(const char *sql, size_t len, const char *default_db,
    struct sql_info *out);

/*
 * The statement with database and table names mapped by filter_map():
 * every identifier that names a database (db.x, USE db, CREATE DATABASE db)
 * or a table in a table position is replaced, quoted with backticks;
 * strings, comments and everything else are copied unchanged. Returns a
 * malloc'ed NUL-terminated string (NULL on out of memory).
 */
char *sql_rewrite(const char *sql, size_t len, const char *default_db,
    const struct filter *f);

/*
 * sql_mode bits (the QUERY event's Q_SQL_MODE_CODE status variable, same
 * values on MySQL and MariaDB) that change how a statement is tokenized:
 * "x" is an identifier under ANSI_QUOTES, and backslash is an ordinary
 * character in strings under NO_BACKSLASH_ESCAPES.
 */
#define SQL_MODE_ANSI_QUOTES 0x4ULL
#define SQL_MODE_NO_BACKSLASH_ESCAPES 0x100000ULL

/* sql_classify() of a statement that ran under sql_mode. */
void sql_classify_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, struct sql_info *out);
/* sql_rewrite() of a statement that ran under sql_mode. */
char *sql_rewrite_mode(const char *sql, size_t len, const char *default_db,
    uint64_t sql_mode, const struct filter *f);
/* A short name of kind for messages ("DDL", "DML", ...). */
const char *sql_kind_name(enum sql_kind kind);

#endif
