/* test_filter.c: include/exclude patterns, column exclusion, renames and their validation. */
#include <stdlib.h>
#include <string.h>

#include "src/filter.h"
#include "tests/unit/t.h"

/* The [filter] settings of one case, in filter_new() order. */
struct conf {
	const char *inc_db, *exc_db, *inc_tbl, *exc_tbl, *exc_col;
	const char *ren_db, *ren_tbl, *state;
};

/* Build a filter or fail the case with the message. */
static struct filter *
build(const struct conf *c)
{
	char *err = NULL;
	struct filter *f = filter_new(c->inc_db, c->exc_db, c->inc_tbl,
	    c->exc_tbl, c->exc_col, c->ren_db, c->ren_tbl, c->state, &err);

	T_CHECK(f != NULL, "filter_new: %s", err ? err : "(no message)");
	free(err);
	return f;
}

/* Decisions: whether db passes filter_database and db.table filter_table. */
static const struct {
	const char *name;
	struct conf c;
	const char *db, *table;
	bool want_db, want_table;
} decisions[] = {
	{ "no lists: everything", { 0 }, "shop", "orders", true, true },
	{ "no lists, empty strings", { "", "", "", "", "", "", "", "" },
	    "shop", "orders", true, true },
	{ "blank lists", { " ", "\t", " \n", "", "", "", "", "myshift" },
	    "shop", "orders", true, true },
	{ "system schema mysql", { 0 }, "mysql", "user", false, false },
	{ "system schema sys", { 0 }, "sys", "x", false, false },
	{ "information_schema", { 0 }, "information_schema", "TABLES", false,
	    false },
	{ "INFORMATION_SCHEMA any case", { 0 }, "INFORMATION_SCHEMA", "T",
	    false, false },
	{ "performance_schema", { 0 }, "Performance_Schema", "t", false,
	    false },
	{ "MySQL is a user database on Linux", { 0 }, "MySQL", "t", true,
	    true },
	{ "system schema even when included", { .inc_db = "mysql,shop" }, "mysql",
	    "user", false, false },
	{ "system schema even when included by wildcard", { .inc_db = "*" }, "sys",
	    "t", false, false },
	{ "system schema even when table included", { .inc_tbl = "*.*" },
	    "mysql", "user", false, false },
	{ "state schema", { .state = "myshift" }, "myshift", "checkpoint",
	    false, false },
	{ "state schema other name", { .state = "st" }, "st", "x", false,
	    false },
	{ "state schema with a dash", { .state = "my-state" }, "my-state", "x",
	    false, false },
	{ "state schema is case-sensitive", { .state = "myshift" },
	    "MyShift", "x", true, true },
	{ "include db exact", { .inc_db = "shop" }, "shop", "orders", true, true },
	{ "include db other", { .inc_db = "shop" }, "crm", "users", false, false },
	{ "include db is case-sensitive", { .inc_db = "shop" }, "Shop", "x", false,
	    false },
	{ "include db wildcard *", { .inc_db = "shop,crm_*" }, "crm_eu", "t", true,
	    true },
	{ "include db * matches empty rest", { .inc_db = "crm_*" }, "crm_", "t", true,
	    true },
	{ "include db * needs the prefix", { .inc_db = "crm_*" }, "crm", "t", false,
	    false },
	{ "include db ? one char", { .inc_db = "db?" }, "db1", "t", true, true },
	{ "include db ? not zero chars", { .inc_db = "db?" }, "db", "t", false, false },
	{ "include db ? not two chars", { .inc_db = "db?" }, "db12", "t", false, false },
	{ "include db ? one utf8 char", { .inc_db = "caf?" }, "caf\xc3\xa9", "t", true,
	    true },
	{ "include db _ is literal", { .inc_db = "a_b" }, "axb", "t", false, false },
	{ "include db spaces around items", { .inc_db = "  crm , shop  " }, "shop", "t",
	    true, true },
	{ "exclude db", { .exc_db = "test*" }, "test_1", "t", false, false },
	{ "exclude db other", { .exc_db = "test*" }, "shop", "t", true, true },
	{ "exclude wins over include", { .inc_db = "shop,test*", .exc_db = "test*" }, "test1",
	    "t", false, false },
	{ "include tables db.table", { .inc_tbl = "shop.orders" }, "shop",
	    "orders", true, true },
	{ "include tables other table", { .inc_tbl = "shop.orders" }, "shop",
	    "items", true, false },
	{ "include tables: db with no table listed", { .inc_tbl =
	    "shop.orders" }, "crm", "users", false, false },
	{ "include tables wildcard table", { .inc_tbl = "shop.orders,crm.*" },
	    "crm", "anything", true, true },
	{ "include tables wildcard db", { .inc_tbl = "*.orders" }, "x",
	    "orders", true, true },
	{ "include tables wildcard db, other table", { .inc_tbl = "*.orders" },
	    "x", "items", true, false },
	{ "include tables ? in both", { .inc_tbl = "s?op.o?ders" }, "shop",
	    "orders", true, true },
	{ "exclude tables", { .exc_tbl = "shop.tmp_*" }, "shop", "tmp_1",
	    true, false },
	{ "exclude tables leaves others", { .exc_tbl = "shop.tmp_*" }, "shop",
	    "orders", true, true },
	{ "exclude tables db.* rules the database out", { .exc_tbl =
	    "crm.*" }, "crm", "users", false, false },
	{ "exclude tables db.** too", { .exc_tbl = "crm.**" }, "crm", "users",
	    false, false },
	{ "exclude tables db.t* keeps the database", { .exc_tbl = "crm.t*" },
	    "crm", "users", true, true },
	{ "exclude table wins over include table", { .inc_tbl = "shop.*",
	    .exc_tbl = "shop.tmp*" }, "shop", "tmp", true, false },
	{ "table needs its database: excluded db", { .exc_db = "shop",
	    .inc_tbl = "shop.orders" }, "shop", "orders", false, false },
	{ "table needs its database: not included", { .inc_db = "crm",
	    .inc_tbl = "shop.orders" }, "shop", "orders", false, false },
	{ "both lists pass", { .inc_db = "shop", .inc_tbl = "shop.orders" },
	    "shop", "orders", true, true },
	{ "table names are case-sensitive", { .inc_tbl = "shop.orders" },
	    "shop", "Orders", true, false },
	{ "star in the middle", { .inc_tbl = "shop.a*z" }, "shop", "abcz",
	    true, true },
	{ "star backtracks", { .inc_tbl = "shop.a*bc" }, "shop", "abcxbc",
	    true, true },
	{ "star backtracks, no match", { .inc_tbl = "shop.a*bc" }, "shop",
	    "abcxb", true, false },
	{ "several stars", { .inc_tbl = "*.*o*r*" }, "d", "orders", true,
	    true },
	{ "64 characters", { .inc_db =
	    "a123456789012345678901234567890123456789012345678901234567890123" },
	    "a123456789012345678901234567890123456789012345678901234567890123",
	    "t", true, true },
	{ "64 two-byte characters", { .inc_db =
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" },
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "t", true, true },
	{ "renames do not change filtering", { .exc_db = "shop2", .ren_db =
	    "shop:shop2" }, "shop", "t", true, true },
};

/* Column exclusion: whether db.table.col is left out. */
static const struct {
	const char *name, *exc_col, *db, *table, *col;
	bool want;
} columns[] = {
	{ "none configured", "", "crm", "users", "password_hash", false },
	{ "exact", "crm.users.password_hash", "crm", "users", "password_hash",
	    true },
	{ "exact, other column", "crm.users.password_hash", "crm", "users",
	    "email", false },
	{ "exact, other table", "crm.users.password_hash", "crm", "admins",
	    "password_hash", false },
	{ "column names are case-insensitive", "crm.users.password_hash",
	    "crm", "users", "Password_Hash", true },
	{ "table names are not", "crm.users.password_hash", "crm", "Users",
	    "password_hash", false },
	{ "wildcards everywhere", "crm.users.password_hash,*.*.secret", "x",
	    "y", "secret", true },
	{ "wildcard column", "shop.*.tmp_*", "shop", "t", "TMP_1", true },
	{ "wildcard column, other db", "shop.*.tmp_*", "crm", "t", "tmp_1",
	    false },
};

/* Renames: filter_map() results. */
static const struct {
	const char *name, *ren_db, *ren_tbl, *db, *table, *want_db,
	    *want_table;
} maps[] = {
	{ "nothing configured", "", "", "shop", "orders", "shop", "orders" },
	{ "database rename", "shop:shop_v2,crm:crm2", "", "shop", "orders",
	    "shop_v2", "orders" },
	{ "second database rename", "shop:shop_v2,crm:crm2", "", "crm", "u",
	    "crm2", "u" },
	{ "database alone", "shop:shop_v2", "", "shop", NULL, "shop_v2", "" },
	{ "database not renamed", "shop:shop_v2", "", "other", "t", "other",
	    "t" },
	{ "renames are exact, case-sensitive", "shop:shop_v2", "", "Shop",
	    "t", "Shop", "t" },
	{ "table rename", "", "shop.orders:shop.orders_v2", "shop", "orders",
	    "shop", "orders_v2" },
	{ "table rename, other table", "", "shop.orders:shop.orders_v2",
	    "shop", "items", "shop", "items" },
	{ "table rename wins over database", "shop:shop2",
	    "shop.orders:shop.orders_v2", "shop", "orders", "shop",
	    "orders_v2" },
	{ "other tables follow the database", "shop:shop2",
	    "shop.orders:shop.orders_v2", "shop", "items", "shop2", "items" },
	{ "table moved to another database", "",
	    "shop.orders:archive.orders", "shop", "orders", "archive",
	    "orders" },
	{ "database alone ignores table renames", "",
	    "shop.orders:archive.orders", "shop", NULL, "shop", "" },
	{ "no chaining", "a:b,b:c", "", "a", "t", "b", "t" },
	{ "swap", "a:b,b:a", "", "b", "t", "a", "t" },
	{ "spaces around items", "  shop : shop2 ", "", "shop", "t", "shop2",
	    "t" },
	{ "utf8 names", "caf\xc3\xa9:cafe", "", "caf\xc3\xa9", "t", "cafe",
	    "t" },
};

/* Settings filter_new() must refuse, with a piece of the expected message. */
static const struct {
	const char *name;
	struct conf c;
	const char *want_in_err;
} rejects[] = {
	{ "empty item", { .inc_db = "shop,,crm" }, "include_databases: empty item" },
	{ "trailing comma", { .exc_db = "shop," }, "exclude_databases: empty" },
	{ "blank item", { .inc_db = "shop, ,crm" }, "empty item" },
	{ "table without db", { .inc_tbl = "orders" },
	    "include_tables: \"orders\" is not of the form db.table" },
	{ "table with three parts", { .exc_tbl = "a.b.c" },
	    "exclude_tables: \"a.b.c\" is not of the form db.table" },
	{ "empty db part", { .inc_tbl = ".orders" }, "\".orders\" has an "
	    "empty name" },
	{ "empty table part", { .inc_tbl = "shop." }, "\"shop.\" has an empty" },
	{ "column with two parts", { .exc_col = "users.secret" },
	    "exclude_columns: \"users.secret\" is not of the form "
	    "db.table.column" },
	{ "column empty part", { .exc_col = "a..c" }, "\"a..c\" has an empty" },
	{ "space inside an item", { .inc_db = "my db" },
	    "include_databases: \"my db\": character ' ' is not allowed" },
	{ "dash", { .exc_db = "my-db" }, "\"my-db\": character '-'" },
	{ "regex characters", { .inc_tbl = "shop.[ab]" }, "character '['" },
	{ "percent is not a wildcard here", { .inc_db = "shop%" },
	    "character '%'" },
	{ "backtick", { .inc_db = "`shop`" }, "character '`'" },
	{ "colon outside renames", { .inc_db = "a:b" }, "character ':'" },
	{ "invalid utf8", { .inc_db = "caf\xe9" }, "not valid UTF-8" },
	{ "name too long",
	    { .inc_db = "a1234567890123456789012345678901234567890123456789"
	    "012345678901234" },
	    "longer than 64 characters" },
	{ "rename without colon", { .ren_db = "shop" },
	    "rename_databases: \"shop\" is not of the form db:db" },
	{ "rename with two colons", { .ren_db = "a:b:c" },
	    "\"a:b:c\" is not of the form db:db" },
	{ "rename empty source", { .ren_db = ":b" }, "\":b\" has an empty" },
	{ "rename empty target", { .ren_db = "a:" }, "\"a:\" has an empty" },
	{ "rename wildcard", { .ren_db = "shop*:x" },
	    "renames take exact names" },
	{ "rename db listed twice", { .ren_db = "a:b,a:c" },
	    "rename_databases: \"a\" is renamed twice" },
	{ "two dbs to one target", { .ren_db = "a:x,b:x" },
	    "rename_databases: \"a\" and \"b\" are both renamed to \"x\"" },
	{ "rename to mysql", { .ren_db = "shop:mysql" }, "system or state" },
	{ "rename from sys", { .ren_db = "sys:x" }, "system or state" },
	{ "rename to the state schema", { .ren_db = "a:myshift", .state =
	    "myshift" }, "system or state" },
	{ "table rename without table", { .ren_tbl = "shop:shop2" },
	    "rename_tables: \"shop:shop2\" is not of the form db.table:"
	    "db.table" },
	{ "table rename target without db", { .ren_tbl = "shop.a:b" },
	    "\"shop.a:b\" is not of the form db.table:db.table" },
	{ "table renamed twice", { .ren_tbl = "s.a:s.b,s.a:s.c" },
	    "rename_tables: \"s.a\" is renamed twice" },
	{ "two tables to one target", { .ren_tbl = "s.a:t.x,u.b:t.x" },
	    "\"s.a\" and \"u.b\" are both renamed to \"t.x\"" },
	{ "table rename into mysql", { .ren_tbl = "s.a:mysql.a" },
	    "system or state" },
	{ "state schema too long", { .state =
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	    "state_schema" },
	{ "rename into a dashed state schema", { .ren_db = "a:my-state",
	    .state = "my-state" }, "character '-'" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++) {
		struct filter *f;

		T_CASE(decisions[i].name);
		f = build(&decisions[i].c);
		if (f == NULL)
			continue;
		T_CHECK(filter_database(f, decisions[i].db) ==
		    decisions[i].want_db, "filter_database(%s) = %d",
		    decisions[i].db, !decisions[i].want_db);
		T_CHECK(filter_table(f, decisions[i].db, decisions[i].table) ==
		    decisions[i].want_table, "filter_table(%s.%s) = %d",
		    decisions[i].db, decisions[i].table,
		    !decisions[i].want_table);
		filter_free(f);
	}

	for (i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
		struct conf c = { .exc_col = columns[i].exc_col };
		struct filter *f;

		T_CASE(columns[i].name);
		f = build(&c);
		if (f == NULL)
			continue;
		T_CHECK(filter_column(f, columns[i].db, columns[i].table,
		    columns[i].col) == columns[i].want,
		    "filter_column(%s.%s.%s) = %d", columns[i].db,
		    columns[i].table, columns[i].col, !columns[i].want);
		filter_free(f);
	}

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		struct conf c = { .ren_db = maps[i].ren_db,
			.ren_tbl = maps[i].ren_tbl };
		char db[193], tbl[193];
		struct filter *f;

		T_CASE(maps[i].name);
		f = build(&c);
		if (f == NULL)
			continue;
		memset(tbl, 'x', sizeof(tbl));
		filter_map(f, maps[i].db, maps[i].table, db, sizeof(db), tbl,
		    sizeof(tbl));
		T_STREQ(db, strlen(db), maps[i].want_db);
		T_STREQ(tbl, strlen(tbl), maps[i].want_table);
		T_CHECK(filter_renames(f) == (maps[i].ren_db[0] != '\0' ||
		    maps[i].ren_tbl[0] != '\0'), "filter_renames");
		filter_free(f);
	}

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct conf *c = &rejects[i].c;
		char *err = NULL;
		struct filter *f;

		T_CASE(rejects[i].name);
		f = filter_new(c->inc_db, c->exc_db, c->inc_tbl, c->exc_tbl,
		    c->exc_col, c->ren_db, c->ren_tbl, c->state, &err);
		T_CHECK(f == NULL, "accepted");
		T_CHECK(err != NULL && strstr(err, rejects[i].want_in_err),
		    "message \"%s\" lacks \"%s\"", err ? err : "(null)",
		    rejects[i].want_in_err);
		filter_free(f);
		free(err);
	}

	T_CASE("small output buffers truncate");
	{
		struct filter *f = filter_new(NULL, NULL, NULL, NULL, NULL,
		    "shop:shop_version_two", NULL, NULL, NULL);
		char db[5], tbl[3];

		T_CHECK(f != NULL, "filter_new");
		if (f != NULL) {
			filter_map(f, "shop", "orders", db, sizeof(db), tbl,
			    sizeof(tbl));
			T_STREQ(db, strlen(db), "shop");
			T_STREQ(tbl, strlen(tbl), "or");
			filter_map(f, "shop", "orders", NULL, 0, NULL, 0);
			filter_free(f);
		}
	}

	T_CASE("NULL settings are empty lists");
	{
		struct filter *f = filter_new(NULL, NULL, NULL, NULL, NULL,
		    NULL, NULL, NULL, NULL);

		T_CHECK(f != NULL && filter_table(f, "a", "b") &&
		    !filter_column(f, "a", "b", "c") && !filter_renames(f),
		    "defaults");
		filter_free(f);
	}

	return t_done();
}
