/* tablekey.h: a source table's columns and key, and the SQL of key ranges whose bounds the server computes. */
#ifndef SRC_TABLEKEY_H
#define SRC_TABLEKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "src/dest.h"

struct sbuf;

/*
 * How a column's value is read from the source as text and written back
 * as a literal that the server compares exactly as it orders the index
 * (never compared in the client: collations).
 */
enum tk_kind {
	TK_NUM,      /* integers, DECIMAL, FLOAT, DOUBLE, YEAR: the text as is */
	TK_STR,      /* character strings: _charset X'..' COLLATE collation */
	TK_BIN,      /* binary strings: X'..' */
	TK_QUOTED,   /* temporal and other types: a quoted string */
	TK_INDEX,    /* ENUM, SET, BIT: compared by number (col+0) */
};

struct tk_col {
	char *name, *type, *charset, *collation;
	enum tk_kind kind;
	bool generated;
	bool bit, json;   /* json: MySQL's JSON type */
	bool as_text;     /* MariaDB's INET4, INET6, UUID: a binary string is their packed form */
	bool is_float;
};

/* One table of the source: its columns in order and the key chunks follow. */
struct tk_table {
	struct tk_col *cols;
	unsigned ncols;
	unsigned key[64], nkey;      /* nkey 0: no usable key */
	char *key_name;
	bool overlaps;               /* MariaDB: a key WITHOUT OVERLAPS (no REPLACE into it) */
	char *bound_exprs;           /* the key columns, as bounds are read */
	char *order_by;              /* the key columns */
};

/*
 * Read db.name's columns and key from the source's information_schema:
 * the PRIMARY KEY, else the first unique index of NOT NULL columns.
 * False with err; *fatal unless a reconnect may cure it.
 */
bool tk_load(struct dest *src, const char *db, const char *name, struct tk_table *t,
    char *err, size_t errlen, bool *fatal) __attribute__((warn_unused_result));
void tk_free(struct tk_table *t);
/*
 * Whether db.name has a MariaDB key WITHOUT OVERLAPS (SHOW CREATE TABLE
 * on d, a MariaDB server): the server refuses REPLACE and INSERT ... ON
 * DUPLICATE KEY UPDATE into it. False with d->err.
 */
bool tk_overlaps(struct dest *d, const char *db, const char *name, bool *overlaps)
    __attribute__((warn_unused_result));

/* Append `db`.`t`. */
void tk_add_ident(struct sbuf *q, const char *db, const char *t);
/*
 * Append column c's value v (read as bound_exprs reads it) as a literal;
 * a string column whose collation is "" gets none, so that the column's
 * own compares it (the destination's, which collation_map may have set).
 */
void tk_add_literal(struct sbuf *q, const struct tk_col *c, const char *v);
/*
 * Append the key's comparison with a bound (literals joined by '\n', as
 * tk_next_bound() gives them): lower (key >= bound) or upper (key < bound).
 * False if the bound has not nkey parts.
 */
bool tk_add_bound_cond(struct sbuf *q, const struct tk_table *t, const char *bound,
    bool lower);
/* Append " WHERE lo <= key < hi" (either bound NULL: open; nothing if both are). */
bool tk_add_range(struct sbuf *q, const struct tk_table *t, const char *lo, const char *hi);
/*
 * The key `step` rows after bound lo (NULL: from the start) in db.name,
 * found by the server on connection d: *out (malloc'ed) or NULL past the
 * end.  False with d->err set (or err when a bound is malformed).
 */
bool tk_next_bound(struct dest *d, const char *db, const char *name,
    const struct tk_table *t, const char *lo, long step, char **out, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * A key of one integer column: its smallest and largest values in db.name
 * and the table's row estimate, read on connection d.  1: found; 0: not
 * such a key, empty, or too wide to step by value (UNSIGNED past the
 * signed range); -1: an error (d->err).
 */
int tk_int_span(struct dest *d, const char *db, const char *name, const struct tk_table *t,
    long long *lo, long long *hi, long long *est) __attribute__((warn_unused_result));

#endif
