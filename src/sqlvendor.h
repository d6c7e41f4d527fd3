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

#endif
