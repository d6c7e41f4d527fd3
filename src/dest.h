/* dest.h: a blocking client connection to the destination (libmariadb or libmysqlclient), on a worker thread. */
#ifndef SRC_DEST_H
#define SRC_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "src/cfg.h"

struct dest {
	MYSQL *my;
	char where[300];   /* "destination 127.0.0.1:3306" */
	char err[2048];    /* last error, with where */
	unsigned errnum;
	const struct cfg_link *link;
	bool local_infile; /* set before dest_connect: allow LOAD DATA LOCAL (the copy) */
	/*
	 * Set before dest_connect: a session that creates or alters the
	 * source's tables. On a MySQL server with sql_require_primary_key =
	 * ON, it turns the variable off for itself, so that tables without a
	 * primary key are created as the source has them, as a MySQL replica
	 * does by default (REQUIRE_TABLE_PRIMARY_KEY_CHECK = STREAM).
	 * keyless_lifted says whether it did; keyless_refused whether the
	 * server refused (the account lacks SESSION_VARIABLES_ADMIN): a
	 * CREATE or ALTER of such a table then fails with the server's error.
	 */
	bool table_ddl;
	bool keyless_lifted, keyless_refused;
	char keyless_why[300]; /* the server's refusal */
};

/* Connect and log in; false with d->err set. */
#define DEST_KEYLESS_FIX "grant SESSION_VARIABLES_ADMIN to the destination's account " \
	"(myshift then creates them as the source has them, as a MySQL replica does), or " \
	"SET GLOBAL sql_generate_invisible_primary_key = ON there, or give the source's " \
	"tables primary keys"
bool dest_connect(struct dest *d, const struct cfg_link *link, const char *name)
    __attribute__((warn_unused_result));
void dest_close(struct dest *d);

/* Run a statement that returns no rows; false with d->err. */
bool dest_exec(struct dest *d, const char *sql) __attribute__((warn_unused_result));
bool dest_execf(struct dest *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), warn_unused_result));
/* Run a query whose first column of the first row is returned (malloc'ed), NULL if no row. */
bool dest_value(struct dest *d, const char *sql, char **out)
    __attribute__((warn_unused_result));

/* Whether db.table exists on d (*exists); false: the query failed (d says why). */
bool dest_table_exists(struct dest *d, const char *db, const char *table, bool *exists)
    __attribute__((warn_unused_result));

/*
 * Add column (its definition def, "name TYPE ... [AFTER c]") to
 * schema.table where the table has no column of that name (a state table
 * created by an earlier version).
 */
bool dest_add_column(struct dest *d, const char *schema, const char *table,
    const char *column, const char *def) __attribute__((warn_unused_result));

/* Run a query and keep its whole result; NULL with d->err (naming the statement). */
MYSQL_RES *dest_result(struct dest *d, const char *sql) __attribute__((warn_unused_result));

/* Whether the server is MariaDB (else MySQL). */
bool dest_is_mariadb(struct dest *d);
/* The statement that shows the binlog position: SHOW BINARY LOG STATUS on
 * MySQL 8.2 and later (8.4 removed SHOW MASTER STATUS), else SHOW MASTER STATUS. */
const char *dest_binlog_status_sql(struct dest *d);

/* Whether the last error is one a reconnect and retry may cure (lost link, deadlock). */
bool dest_transient(const struct dest *d);
/* Whether it is one no retry can cure: the server refused the login, a
 * privilege, a statement or an object (errors below 2000 that are not
 * transient), or the client refused the login method.  Lost links, refused
 * or timed-out connections, unknown hosts and TLS failures are not: a
 * network may come back. */
bool dest_permanent(const struct dest *d);

/* Append name quoted with backticks (doubled inside). */
struct sbuf;
void dest_quote(struct sbuf *b, const char *name);

#endif
