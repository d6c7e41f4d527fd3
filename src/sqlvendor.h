/* sqlvendor.h: what in a DDL statement one vendor has and the other lacks. */
#ifndef SRC_SQLVENDOR_H
#define SRC_SQLVENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The first column that a CREATE TABLE or ALTER TABLE statement (run
 * under sql_mode) declares with one of types (unquoted type names, upper
 * case, NULL-terminated): its name, unquoted, in col and its type, upper
 * case, in type. A type name counts where a column definition starts: after
 * "(", ",", ADD [COLUMN] [IF NOT EXISTS], MODIFY [COLUMN] or CHANGE [COLUMN]
 * old and the column's name, not followed by "(" (a function or an index).
 * False if there is none.
 */
bool sql_column_of_type(const char *sql, size_t len, uint64_t sql_mode,
    const char *const *types, char *col, size_t collen, char *type, size_t typelen);

/*
 * Whether a CREATE or ALTER TABLE declares a column with MariaDB's
 * COMPRESSED attribute; its name (unquoted) into col. ROW_FORMAT=COMPRESSED
 * and words inside a definition's parentheses do not count.
 */
bool sql_column_compressed(const char *sql, size_t len, uint64_t sql_mode, char *col,
    size_t collen);

/* A short name of kind for messages ("DDL", "DML", ...). */

/*
 * MySQL's versioned comments of 8.0 and later that MariaDB ignores (it
 * takes / *!8xxxx and / *!9xxxx as MySQL's own) but must not, unwrapped:
 * those whose whole text is INVISIBLE or VISIBLE (a column's, as MySQL
 * writes `/ *!80023 INVISIBLE * /` for a generated invisible primary key,
 * or an index's, which sql_index_visibility() then words for MariaDB).
 * Text in quotes and other comments (read by the lexer, under sql_mode)
 * is left alone. Returns the new text
 * (malloc'ed), or NULL when nothing changes or on out of memory (*oom).
 */
char *sql_unwrap_mysql_visibility(const char *sql, size_t len, uint64_t sql_mode, bool *oom)
    __attribute__((warn_unused_result));

/*
 * A CREATE TABLE, ALTER TABLE or CREATE INDEX statement (run under
 * sql_mode) with its indexes' visibility in the destination vendor's
 * words: MariaDB's IGNORED and NOT IGNORED are MySQL's INVISIBLE and
 * VISIBLE. Only words of an index's definition change (KEY, INDEX,
 * UNIQUE, FULLTEXT, SPATIAL, PRIMARY, VECTOR INDEX clauses, ALTER INDEX,
 * CREATE INDEX), never a column's INVISIBLE, which both vendors have.
 * Returns the new text (malloc'ed, NUL-terminated), or NULL when nothing
 * changes or on out of memory (*oom).
 */
char *sql_index_visibility(const char *sql, size_t len, uint64_t sql_mode, bool to_mariadb,
    bool *oom);

/*
 * MariaDB's DDL words MySQL lacks, for a MySQL destination: CREATE OR
 * REPLACE of a table, database, routine, trigger or event (MySQL has it
 * for views only) becomes DROP ... IF EXISTS, then the CREATE; IF [NOT]
 * EXISTS where MySQL has none (ALTER TABLE IF EXISTS; ALTER TABLE's ADD
 * COLUMN/INDEX/KEY/UNIQUE/FULLTEXT/SPATIAL/FOREIGN KEY IF NOT EXISTS,
 * DROP COLUMN/INDEX/KEY/FOREIGN KEY/CONSTRAINT IF EXISTS, CHANGE and MODIFY
 * IF EXISTS; CREATE INDEX IF NOT EXISTS, DROP INDEX IF EXISTS; CREATE VIEW
 * IF NOT EXISTS) are conditions on the destination's schema, which the
 * caller looks up: a clause whose condition fails is left out, a
 * statement whose conditions leave nothing is not run; WAIT n and NOWAIT
 * go, ALGORITHM=NOCOPY becomes DEFAULT.
 */
enum sql_cond_kind {
	SQLC_TABLE,       /* the statement's table or view (refs[0]) exists */
	SQLC_COLUMN,      /* a column of refs[0] */
	SQLC_INDEX,       /* an index of refs[0] */
	SQLC_FOREIGN_KEY, /* a foreign key of refs[0] */
	SQLC_CONSTRAINT,  /* any constraint of refs[0] (DROP CONSTRAINT) */
};

struct sql_cond {
	enum sql_cond_kind kind;
	bool if_exists;            /* IF EXISTS; else IF NOT EXISTS */
	char name[193];            /* unquoted; "" for SQLC_TABLE */
	int clause;                /* ALTER TABLE's clause it guards, -1: the statement */
	int effect;                /* the clause run: 1 adds name, -1 drops it, 0 neither */
	size_t if_start, if_end;   /* the words IF [NOT] EXISTS */
};

#define SQL_MDB_MAX 64

struct sql_mdb {
	unsigned nconds;
	struct sql_cond conds[SQL_MDB_MAX];
	unsigned nclauses;           /* ALTER TABLE's comma-separated clauses */
	struct { size_t start, end; bool drop; } clauses[SQL_MDB_MAX];
	unsigned nedits;             /* unconditional: OR REPLACE, WAIT n, NOCOPY */
	struct { size_t start, end; const char *text; } edits[16];
	unsigned nrepl;              /* replacement texts the edits point to */
	char repl[8][224];
	char note[256];              /* what was left out, for a warning, or "" */
	unsigned nvis;               /* MySQL's ALTER [COLUMN] c SET [IN]VISIBLE */
	struct { char name[193]; bool invisible; unsigned clause; } vis[4];
	char drop_first[512];        /* OR REPLACE: the DROP to run first, or "" */
	char unsupported[160];       /* why it cannot be translated, or "" */
};

/*
 * Read sql (a DDL that ran on MariaDB under sql_mode) for the words
 * above. False when it has none (m->unsupported set when it has some this
 * cannot translate: the caller stops, naming it).
 */
bool sql_mariadb_ddl(const char *sql, size_t len, uint64_t sql_mode, struct sql_mdb *m);

/*
 * The same for a MySQL statement into MariaDB, which has no CHECK ... [NOT]
 * ENFORCED: a CHECK the source does not enforce (NOT ENFORCED, also in
 * MySQL's versioned comment, which MariaDB ignores) is left out, a plain
 * ENFORCED dropped; ALTER CHECK|CONSTRAINT c NOT ENFORCED becomes DROP
 * CONSTRAINT IF EXISTS c, ALTER ... ENFORCED is left out (the constraint
 * is enforced on MariaDB if it is there); DROP CHECK c becomes DROP
 * CONSTRAINT IF EXISTS c (the CHECK may have been left out), and DROP
 * CONSTRAINT c is a condition (SQLC_CONSTRAINT c exists; if not, it was
 * a CHECK left out, and the clause goes). m->note names what was left out.
 */
bool sql_mysql_ddl(const char *sql, size_t len, uint64_t sql_mode, struct sql_mdb *m);

/*
 * MySQL's ALTER [COLUMN] c SET VISIBLE|INVISIBLE (m->vis[]) has no
 * MariaDB form but MODIFY with the whole definition: def is c's line of
 * the destination's SHOW CREATE TABLE after the name (a trailing comma
 * allowed). Returns "MODIFY COLUMN `c` def [INVISIBLE]" with def's own
 * INVISIBLE word taken out (malloc'ed), NULL on out of memory.
 */
char *sql_modify_visibility(const char *name, const char *def, bool invisible)
    __attribute__((warn_unused_result));

/*
 * The statement for MySQL, holds[i] telling whether conds[i] is true on
 * the destination: malloc'ed, "" when nothing is left to run; NULL on out
 * of memory.
 */
char *sql_mariadb_ddl_text(const char *sql, size_t len, const struct sql_mdb *m,
    const bool *holds) __attribute__((warn_unused_result));

#endif
