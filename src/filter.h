/* filter.h: which databases, tables and columns are replicated, and under which names. */
#ifndef SRC_FILTER_H
#define SRC_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct filter;

/*
 * Build a filter from the [filter] settings (comma-separated lists, spaces
 * around items ignored; wildcards * and ? in names; names are
 * case-sensitive as on Linux servers):
 *   include_databases  "shop,crm_*"          empty: every database
 *   exclude_databases  "test*"
 *   include_tables     "shop.orders,crm.*"   db.table patterns; empty: all
 *   exclude_tables     "shop.tmp_*"
 *   exclude_columns    "crm.users.password_hash,*.*.secret"
 *   rename_databases   "shop:shop_v2,crm:crm2"          exact names
 *   rename_tables      "shop.orders:shop.orders_v2"     exact names; the
 *                       target database may differ from the source one
 * The system schemas (mysql, information_schema, performance_schema, sys)
 * and state_schema are never replicated. Returns NULL and a malloc'ed
 * message naming the bad item on error.
 */
struct filter *filter_new(const char *include_databases,
    const char *exclude_databases, const char *include_tables,
    const char *exclude_tables, const char *exclude_columns,
    const char *rename_databases, const char *rename_tables,
    const char *state_schema, char **err);
void filter_free(struct filter *f);

/* Whether anything of database db may be replicated (CREATE/DROP DATABASE). */
bool filter_database(const struct filter *f, const char *db);
/* Whether db.table is replicated (exclude wins over include). */
bool filter_table(const struct filter *f, const char *db, const char *table);
/* Whether column col of db.table is left out. */
bool filter_column(const struct filter *f, const char *db, const char *table,
    const char *col);
/*
 * Destination names of db.table (table may be NULL for a database alone).
 * A table rename wins over the rename of its database.
 */
void filter_map(const struct filter *f, const char *db, const char *table,
    char *out_db, size_t db_len, char *out_table, size_t table_len);
/* Whether any rename is configured. */
bool filter_renames(const struct filter *f);

#endif
