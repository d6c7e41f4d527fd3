/* collation.h: source collation ids to destination collation names, and COLLATE clauses of DDL text. */
#ifndef SRC_COLLATION_H
#define SRC_COLLATION_H

#include <stdbool.h>
#include <stddef.h>

struct dest;

/*
 * Collation ids in the binlog are the source's own: MySQL and MariaDB
 * number them differently past the shared classic ones (MySQL 8's
 * utf8mb4_0900_ai_ci is 255, MariaDB 10.10's uca1400 collations start at
 * 2048).  So ids are read through the source's table and matched by name
 * on the destination; a name the destination lacks goes through
 * [apply] collation_map (source:destination pairs), else it is an error
 * that names the collation and the key to set.
 */
struct collations;

/*
 * Load both tables (information_schema.COLLATIONS of the source and of the
 * destination) and check every collation_map pair: each destination name
 * must exist there.  NULL with err set on failure; *transient says whether
 * a retry may cure it (a lost link).
 */
struct collations *collations_load(struct dest *src, struct dest *dst, const char *map,
    bool *transient, char *err, size_t errlen) __attribute__((warn_unused_result));
void collations_free(struct collations *c);

/*
 * The destination's collation and character set for a source collation
 * id; NULL with err naming the collation and the remedy when there is none.
 */
const char *collations_dest(const struct collations *c, unsigned id, const char **charset,
    char *err, size_t errlen);

/*
 * The destination's default collation of the character set of source
 * collation id (NULL when it lacks the charset).
 */
const char *collations_dest_default(const struct collations *c, unsigned id);
/* The name and the character set of a source collation id (NULL if unknown). */
const char *collations_src_name(const struct collations *c, unsigned id);
const char *collations_src_charset(const struct collations *c, unsigned id);

/*
 * The statement with every collation named after COLLATE (or COLLATE =)
 * that the destination lacks replaced through collation_map; NULL with err
 * when one is neither on the destination nor mapped (also on out of
 * memory).  With charset_defaults (statements on tables and databases), a
 * CHARACTER SET / CHARSET without COLLATE in table, column or database
 * options also gets the source's default collation of that charset, where
 * the destination's default differs (utf8mb4 is utf8mb4_0900_ai_ci on
 * MySQL 8, utf8mb4_general_ci on MariaDB 10, uca1400 on 11.8).  Strings and
 * comments are left alone; versioned comments count as SQL.  *changed says
 * whether anything was replaced (the result is a malloc'ed copy either way).
 */
char *collations_rewrite_sql(const struct collations *c, const char *sql, size_t len,
    bool charset_defaults, bool *changed, char *err, size_t errlen);

/* Validate a collation_map value ("a:b,c:d"); NULL if good, else a reason. */
const char *collations_map_check(const char *map);

#endif
