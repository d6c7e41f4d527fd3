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
 * The line of table options (it starts with ')'), made fit for the other
 * vendor, appended to out: from MariaDB to MySQL, engine-defined options
 * (backquoted: PAGE_COMPRESSED, ENCRYPTED, ...), Aria's PAGE_CHECKSUM,
 * TRANSACTIONAL and ROW_FORMAT=PAGE are left out and ENGINE=Aria becomes
 * InnoDB; from MySQL to MariaDB, AUTOEXTEND_SIZE, COMPRESSION, ENCRYPTION,
 * ENGINE_ATTRIBUTE and the SECONDARY_ENGINE options are left out (also
 * inside a versioned comment). What changed is appended to note
 * ("OPTION=value left out, ..."). False when out of memory.
 */
bool tabledef_options(const char *line, bool src_mariadb, bool dst_mariadb, struct sbuf *out,
    struct sbuf *note);

/*
 * The whole CREATE TABLE statement sql, every line of its body through
 * tabledef_line (the lines left out dropped), its options through
 * tabledef_options (what changed appended to note, unless NULL). NULL when
 * out of memory; *dropped counts the lines left out.
 */
char *tabledef_statement(const char *sql, bool src_mariadb, bool dst_mariadb,
    unsigned *dropped, struct sbuf *note);

#endif
