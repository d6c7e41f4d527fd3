/* tabledef.h: a source's SHOW CREATE TABLE made fit for the other vendor's server. */
#ifndef SRC_TABLEDEF_H
#define SRC_TABLEDEF_H

#include <stdbool.h>

struct sbuf;

/*
 * What differs between the vendors in the lines of SHOW CREATE TABLE, and
 * would otherwise change or refuse the table on the destination:
 *
 *  - MySQL wraps what older servers lack in versioned comments, which
 *    MariaDB ignores (it takes those of 8.0 as MySQL's own): a column's
 *    `/ *!80023 INVISIBLE * /` is unwrapped for every destination (MariaDB
 *    would make it visible, changing SELECT * and INSERT without a column
 *    list), an index's `/ *!80000 INVISIBLE * /` becomes MariaDB's IGNORED;
 *    a CHECK the source does not enforce (`/ *!80016 NOT ENFORCED * /`) is
 *    left out on MariaDB, which has no NOT ENFORCED and would enforce it;
 *  - MariaDB's IGNORED index is MySQL's INVISIBLE one.
 *
 * Both work on one line of the table's body: leading blanks and the
 * trailing comma removed.
 */

/*
 * Append line, made fit for the destination, to out. False (nothing
 * appended, *why set) when it must be left out.
 */
bool tabledef_line(const char *line, bool src_mariadb, bool dst_mariadb, struct sbuf *out,
    const char **why);

/*
 * The whole CREATE TABLE statement sql, every line of its body through
 * tabledef_line (the lines left out dropped). NULL when out of memory;
 * *dropped counts the lines left out.
 */
char *tabledef_statement(const char *sql, bool src_mariadb, bool dst_mariadb,
    unsigned *dropped);

#endif
