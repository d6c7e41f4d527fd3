/* schema.h: destination table definitions (columns, key, triggers) read from information_schema. */
#ifndef SRC_SCHEMA_H
#define SRC_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "src/dest.h"

struct schema_col {
	char *name;
	char data_type[32];  /* lower case: "int", "varchar", "binary", ... */
	bool nullable;
	bool is_unsigned;    /* integer column declared UNSIGNED */
	bool generated;      /* virtual or stored generated: never written */
	bool binary_fixed;   /* BINARY(n), INET4, INET6, UUID: values padded with 0x00 to octet_len */
	uint32_t octet_len;
	unsigned fsp;        /* fractional seconds of TIME, DATETIME, TIMESTAMP */
};

struct schema_stmt; /* prepared statements cached per table (applier.c) */

struct schema_table {
	struct schema_table *next;
	char *db, *name;
	uint32_t ncols;
	struct schema_col *cols;
	/*
	 * MariaDB's long unique keys (UNIQUE on a BLOB or TEXT, or USING HASH
	 * on InnoDB, MyISAM, Aria): each has a hidden hash column that
	 * information_schema does not list but a binlog row carries, after
	 * all the others. A source row may have up to this many more columns.
	 */
	uint32_t nhidden;
	/*
	 * MySQL's generated invisible primary key (sql_generate_invisible_primary_key):
	 * the first column, my_row_id, which a keyless source table lacks
	 */
	bool gipk;
	uint32_t nkey;       /* 0: no usable key (match the full before image) */
	uint32_t *key;       /* column indexes of the primary key or a NOT NULL unique key */
	bool has_pk;
	unsigned n_unique;   /* unique indexes, the primary key included */
	unsigned triggers;   /* without myshift's guard (IF @myshift_session IS NULL ...) */
	bool has_fk;         /* references or is referenced by a foreign key */
	bool nontx;          /* its engine has no transactions (MyISAM, Aria, MEMORY...) */
	bool overlaps;       /* MariaDB: a key WITHOUT OVERLAPS (no REPLACE or upsert into it) */
	bool nontx_noted;    /* logged how its rows are written */
	bool hires_noted;    /* logged that it has old-format fractional times */
	struct schema_stmt *stmts;
};

struct schema_cache {
	struct schema_table *tables;
	/*
	 * The tables some foreign key references, "db\0table\0" each, read
	 * in one pass when the first table is loaded (the server reads every
	 * table's foreign keys to answer it: once, not once per table).
	 */
	char *referenced;
	size_t referenced_len;
	bool referenced_loaded;
};

/*
 * The definition of db.name on the destination (cached); NULL with d->err
 * set if it cannot be read or the table does not exist.
 */
struct schema_table *schema_get(struct schema_cache *sc, struct dest *d,
    const char *db, const char *name);
/*
 * Leave out t's generated invisible primary key (t->gipk), for the rows of
 * a source table without it: the destination fills it in. The key is
 * chosen again among the others. False with d->err when it cannot be read.
 */
bool schema_skip_gipk(struct schema_table *t, struct dest *d);
/* Forget every cached definition (after DDL); free_stmts frees the statements. */
void schema_flush(struct schema_cache *sc, void (*free_stmts)(struct schema_table *));

/*
 * Whether a column of binlog type map_type (struct binlog_col.type) can be
 * stored in a destination column of data_type.
 */
bool schema_type_ok(uint8_t map_type, const char *data_type);

#endif
