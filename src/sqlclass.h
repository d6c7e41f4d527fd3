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
 * Details of sql_classify():
 * - refs: a database (CREATE/ALTER/DROP DATABASE, USE) has its name in both
 *   db and name; ALTER DATABASE without a name gives the default database.
 *   CREATE TABLE a LIKE b gives a, b; ALTER TABLE a RENAME b and ALTER
 *   TABLE a EXCHANGE PARTITION p WITH TABLE b give a, b; ALTER EVENT a
 *   RENAME TO b gives a, b. Tables named in FOREIGN KEY ... REFERENCES,
 *   MERGE UNION=(...), view, routine, trigger and event bodies are renamed
 *   by sql_rewrite() but not listed. GRANT/REVOKE ON db.* gives db and name
 *   "*"; ON *.* and role grants give none. DML (statement-based) lists the
 *   tables in its table positions, CALL the routine. ANALYZE/OPTIMIZE/REPAIR/
 *   CHECK/CHECKSUM TABLE and FLUSH TABLES list their tables.
 * - verb: the first keyword upper-cased, except "START TRANSACTION",
 *   "ROLLBACK TO", "RELEASE SAVEPOINT", "XA START" (also for XA BEGIN),
 *   "XA END", "XA PREPARE", "XA COMMIT", "XA ROLLBACK", "XA RECOVER",
 *   "SET PASSWORD", "SET DEFAULT ROLE". SET STATEMENT ... FOR stmt is
 *   classified as stmt.
 * - SQL_OTHER: statements not listed in enum sql_kind (SET, SHOW, USE,
 *   KILL, RESET, PURGE, CHANGE MASTER, LOCK TABLES, BEGIN NOT ATOMIC, ...),
 *   several statements in one text (except inside routine, trigger and
 *   event bodies), unterminated strings, identifiers or comments, names
 *   longer than 192 bytes, nesting deeper than 128 parentheses, and any
 *   CREATE/ALTER/DROP/RENAME/TRUNCATE whose header is not understood.
 *   DDL on servers, tablespaces, logfile groups, resource groups, spatial
 *   reference systems and packages is SQL_DDL with object SQLO_OTHER and
 *   no refs (not rewritten).
 *
 * Details of sql_rewrite():
 * - A qualified name that maps to another name has both parts replaced by
 *   `db`.`name`; bytes between the parts (blanks, comments) are kept.
 * - An unqualified table name resolves against default_db (inside a
 *   routine or event body: the routine's database; inside a trigger body:
 *   its table's database). It is left as written when the statement, run
 *   in the destination database of that scope (the applier's USE of the
 *   mapped default database; the mapped routine database), finds the
 *   mapped table under the same name: that is, when no table rename
 *   applies. Otherwise it becomes `db`.`table`. With an empty default_db
 *   unqualified names are left alone.
 * - Routine, event and trigger names: only the database part is renamed;
 *   a trigger follows its table (CREATE TRIGGER on a table moved to
 *   another database names the trigger in that database). DROP TRIGGER
 *   db.tr cannot know the table and maps db by rename_databases only.
 * - In FROM/JOIN/UPDATE lists, a table whose name (not only database)
 *   changes is given its old name as an alias (`new` AS `old`) when it
 *   has none, so that old.col still resolves; db.old.col then becomes
 *   `old`.col. No alias is added in single-table DELETE FROM, INSERT/
 *   REPLACE targets, or before a PARTITION (...) clause.
 * - Names inside strings (PREPARE texts, COMMENT '...') are never changed;
 *   unqualified names equal to a WITH common table expression are left.
 * - A statement sql_classify() calls SQL_OTHER is copied unchanged, except
 *   USE db, which is renamed.
 */

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
/*
 * The source's sql_mode for a destination of another flavour. The two
 * servers share the bit values up to PAD_CHAR_TO_FULL_LENGTH (bit 31),
 * past it they differ: MySQL 8's bit 32 is TIME_TRUNCATE_FRACTIONAL,
 * MariaDB's EMPTY_STRING_IS_NULL.
 *   MySQL to MariaDB: fractional seconds of temporal values computed by
 *     a statement (defaults, ALTER TABLE conversions) are rounded by MySQL
 *     unless TIME_TRUNCATE_FRACTIONAL is set, truncated by MariaDB unless
 *     TIME_ROUND_FRACTIONAL is set: the one becomes the other's opposite.
 *     Bit 4 (unused in MySQL, MariaDB's IGNORE_BAD_TABLE_OPTIONS) is
 *     dropped.
 *   MariaDB to MySQL: the same for the rounding modes; modes MySQL 8
 *     removed are dropped where MySQL behaves as if they were set or they
 *     only shape SHOW output (NO_AUTO_CREATE_USER, IGNORE_BAD_TABLE_OPTIONS,
 *     NO_KEY_OPTIONS, NO_TABLE_OPTIONS, NO_FIELD_OPTIONS, MYSQL323,
 *     MYSQL40, and the combinations POSTGRESQL and DB2 whose parts are set
 *     with them); ORACLE, MSSQL, MAXDB, EMPTY_STRING_IS_NULL and
 *     SIMULTANEOUS_ASSIGNMENT change what a statement means and are
 *     refused.
 * Any bit the source's flavour does not define is refused. Returns NULL
 * with *out set, or the name of the first refused mode.
 */
const char *sql_mode_translate(uint64_t mode, bool from_mariadb, bool to_mariadb,
    uint64_t *out);

const char *sql_kind_name(enum sql_kind kind);

#endif
