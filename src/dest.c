/* dest.c: connecting to the destination with the C client library and running statements. */
#include "src/dest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "proto/sbuf.h"

static void
set_err(struct dest *d, const char *what)
{
	d->errnum = mysql_errno(d->my);
	snprintf(d->err, sizeof(d->err), "%s: %s: %s (error %u)", d->where, what,
	    mysql_error(d->my), d->errnum);
}

/* TLS options, spelled differently by the two client libraries. */
static void
set_tls(struct dest *d, const struct cfg_link *l)
{
	const char *mode = l->ssl_mode ? l->ssl_mode : "preferred";

	/* a Unix socket never leaves this machine: preferred does not start TLS
	 * on it (as the replica link does); required and verify_ca do */
	if (l->socket != NULL && strcasecmp(mode, "preferred") == 0)
		mode = "disabled";

#if defined(LIBMARIADB)
	my_bool yes = 1, no = 0;

	if (l->ssl_ca)
		mysql_optionsv(d->my, MYSQL_OPT_SSL_CA, l->ssl_ca);
	if (l->ssl_cert)
		mysql_optionsv(d->my, MYSQL_OPT_SSL_CERT, l->ssl_cert);
	if (l->ssl_key)
		mysql_optionsv(d->my, MYSQL_OPT_SSL_KEY, l->ssl_key);
	if (strcasecmp(mode, "disabled") == 0) {
		mysql_optionsv(d->my, MYSQL_OPT_SSL_ENFORCE, &no);
		mysql_optionsv(d->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		return;
	}
	if (strcasecmp(mode, "preferred") != 0)
		mysql_optionsv(d->my, MYSQL_OPT_SSL_ENFORCE, &yes);
	mysql_optionsv(d->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
	    strncasecmp(mode, "verify", 6) == 0 ? &yes : &no);
#else
	unsigned m = SSL_MODE_PREFERRED;

	if (l->ssl_ca)
		mysql_options(d->my, MYSQL_OPT_SSL_CA, l->ssl_ca);
	if (l->ssl_cert)
		mysql_options(d->my, MYSQL_OPT_SSL_CERT, l->ssl_cert);
	if (l->ssl_key)
		mysql_options(d->my, MYSQL_OPT_SSL_KEY, l->ssl_key);
	if (strcasecmp(mode, "disabled") == 0)
		m = SSL_MODE_DISABLED;
	else if (strcasecmp(mode, "required") == 0)
		m = SSL_MODE_REQUIRED;
	else if (strcasecmp(mode, "verify_ca") == 0)
		m = SSL_MODE_VERIFY_CA;
	else if (strcasecmp(mode, "verify_identity") == 0)
		m = SSL_MODE_VERIFY_IDENTITY;
	mysql_options(d->my, MYSQL_OPT_SSL_MODE, &m);
#endif
}

/* See table_ddl in dest.h: false only when the link failed (d->err). */
static bool
keyless_tables(struct dest *d)
{
	char *v = NULL;

	d->keyless_lifted = d->keyless_refused = false;
	if (dest_is_mariadb(d))
		return true;
	if (!dest_value(d, "SELECT @@SESSION.sql_require_primary_key", &v)) {
		/* before MySQL 8.0.13: no such variable */
		return d->errnum == 1193 || !dest_transient(d);
	}
	bool on = v != NULL && strcmp(v, "1") == 0;
	free(v);
	if (!on)
		return true;
	if (dest_exec(d, "SET SESSION sql_require_primary_key = 0")) {
		d->keyless_lifted = true;
		return true;
	}
	if (dest_transient(d))
		return false;
	d->keyless_refused = true;
	snprintf(d->keyless_why, sizeof(d->keyless_why), "%s (error %u)",
	    mysql_error(d->my), d->errnum);
	return true;
}

bool
dest_connect(struct dest *d, const struct cfg_link *l, const char *name)
{
	unsigned timeout = (unsigned)(l->connect_timeout > 0 ? l->connect_timeout : 10);
	unsigned rw_timeout = 600;

	dest_close(d);
	d->link = l;
	if (l->socket != NULL)
		snprintf(d->where, sizeof(d->where), "%s %s", name, l->socket);
	else
		snprintf(d->where, sizeof(d->where), "%s %s:%d", name, l->host, l->port);
	d->my = mysql_init(NULL);
	if (d->my == NULL) {
		snprintf(d->err, sizeof(d->err), "%s: out of memory", d->where);
		return false;
	}
	mysql_options(d->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(d->my, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
	mysql_options(d->my, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
	mysql_options(d->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	set_tls(d, l);
	if (l->socket != NULL) {
		unsigned proto = MYSQL_PROTOCOL_SOCKET;
		mysql_options(d->my, MYSQL_OPT_PROTOCOL, &proto);
	}
	if (l->server_public_key)
		mysql_options(d->my, MYSQL_SERVER_PUBLIC_KEY, l->server_public_key);
#if !defined(LIBMARIADB)
	/* libmariadb's caching_sha2_password asks for the key by itself when
	 * it has none; libmysqlclient only when told to. */
	if (l->get_server_public_key) {
		bool yes = true;
		mysql_options(d->my, MYSQL_OPT_GET_SERVER_PUBLIC_KEY, &yes);
	}
#endif
	if (d->local_infile) {
		unsigned yes = 1;
		mysql_options(d->my, MYSQL_OPT_LOCAL_INFILE, &yes);
	}
	if (mysql_real_connect(d->my, l->socket != NULL ? "localhost" : l->host, l->user,
	    l->password ? l->password : "", NULL, (unsigned)l->port, l->socket,
	    CLIENT_FOUND_ROWS) == NULL) {
		set_err(d, "cannot connect");
		if (d->errnum == 1045 || d->errnum == 1698 || d->errnum == 1130) {
			size_t n = strlen(d->err);
			snprintf(d->err + n, sizeof(d->err) - n, "; check user and password "
			    "in [%.*s] of the configuration, and that the account may "
			    "connect from this host", (int)strcspn(name, " "), name);
		}
		mysql_close(d->my);
		d->my = NULL;
		return false;
	}
	if (d->table_ddl && !keyless_tables(d)) {
		dest_close(d);
		return false;
	}
	return true;
}

void
dest_close(struct dest *d)
{
	if (d->my != NULL)
		mysql_close(d->my);
	d->my = NULL;
}

bool
dest_exec(struct dest *d, const char *sql)
{
	MYSQL_RES *res;

	if (mysql_real_query(d->my, sql, strlen(sql)) != 0) {
		char what[160];
		snprintf(what, sizeof(what), "%.120s", sql);
		set_err(d, what);
		return false;
	}
	do {
		res = mysql_store_result(d->my);
		if (res != NULL)
			mysql_free_result(res);
	} while (mysql_next_result(d->my) == 0);
	return true;
}

bool
dest_execf(struct dest *d, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		snprintf(d->err, sizeof(d->err), "%s: statement too long", d->where);
		return false;
	}
	return dest_exec(d, buf);
}

bool
dest_value(struct dest *d, const char *sql, char **out)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	unsigned long *len;

	*out = NULL;
	if (mysql_real_query(d->my, sql, strlen(sql)) != 0) {
		char what[160];
		snprintf(what, sizeof(what), "%.120s", sql);
		set_err(d, what);
		return false;
	}
	res = mysql_store_result(d->my);
	if (res == NULL) {
		if (mysql_errno(d->my) != 0) {
			set_err(d, "reading a result");
			return false;
		}
		return true;
	}
	row = mysql_fetch_row(res);
	len = mysql_fetch_lengths(res);
	if (row != NULL && row[0] != NULL) {
		*out = malloc(len[0] + 1);
		if (*out != NULL) {
			memcpy(*out, row[0], len[0]);
			(*out)[len[0]] = '\0';
		}
	}
	mysql_free_result(res);
	return true;
}

bool
dest_table_exists(struct dest *d, const char *db, const char *table, bool *exists)
{
	struct sbuf q = { 0 };
	char *n = NULL;
	bool ok;

	sbuf_adds(&q, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, db);
	sbuf_adds(&q, " AND TABLE_NAME = ");
	sbuf_sql_string(&q, table);
	sbuf_addc(&q, '\0');
	if (q.oom) {
		d->errnum = 0;
		snprintf(d->err, sizeof(d->err), "out of memory");
		return false;
	}
	ok = dest_value(d, q.p, &n);
	sbuf_free(&q);
	*exists = ok && n != NULL && strcmp(n, "0") != 0;
	free(n);
	return ok;
}

bool
dest_add_column(struct dest *d, const char *schema, const char *table, const char *column,
    const char *def)
{
	char sql[512], *has = NULL;
	bool ok;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.COLUMNS WHERE "
	    "TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' AND COLUMN_NAME = '%s'", schema,
	    table, column);
	if (!dest_value(d, sql, &has))
		return false;
	ok = has != NULL || dest_execf(d, "ALTER TABLE `%s`.`%s` ADD COLUMN %s", schema,
	    table, def);
	free(has);
	return ok;
}

MYSQL_RES *
dest_result(struct dest *d, const char *sql)
{
	MYSQL_RES *res;

	if (mysql_query(d->my, sql) != 0 || (res = mysql_store_result(d->my)) == NULL) {
		d->errnum = mysql_errno(d->my);
		snprintf(d->err, sizeof(d->err), "%s: %.300s: %s (error %u)", d->where, sql,
		    mysql_error(d->my), d->errnum);
		return NULL;
	}
	return res;
}

bool
dest_is_mariadb(struct dest *d)
{
	return strstr(mysql_get_server_info(d->my), "MariaDB") != NULL;
}

const char *
dest_binlog_status_sql(struct dest *d)
{
	/* MySQL 8.2 added SHOW BINARY LOG STATUS; 8.4 removed SHOW MASTER STATUS */
	if (!dest_is_mariadb(d) && mysql_get_server_version(d->my) >= 80200)
		return "SHOW BINARY LOG STATUS";
	return "SHOW MASTER STATUS";
}

bool
dest_transient(const struct dest *d)
{
	switch (d->errnum) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case 2055: /* CR_SERVER_LOST_EXTENDED */
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_SERVER_SHUTDOWN:
	case 1040: /* ER_CON_COUNT_ERROR: too many connections */
	case 1203: /* ER_TOO_MANY_USER_CONNECTIONS: max_user_connections */
	case 1226: /* ER_USER_LIMIT_REACHED: max_connections_per_hour... */
	case 1158: case 1159: case 1160: case 1161: /* the server's reads/writes broke */
	case 1927: /* ER_CONNECTION_KILLED (MariaDB) */
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT (MySQL): idle link closed */
		return true;
	default:
		return false;
	}
}

bool
dest_permanent(const struct dest *d)
{
	if (dest_transient(d))
		return false;
	/* the server refused (access, privilege, syntax, missing object); and
	 * the client's own refusals of the login that no retry changes */
	return (d->errnum > 0 && d->errnum < 2000) ||
	    d->errnum == 2059 /* CR_AUTH_PLUGIN_CANNOT_LOAD */ ||
	    d->errnum == 2061 /* CR_AUTH_PLUGIN_ERR: caching_sha2 wants TLS or a key */;
}

void
dest_quote(struct sbuf *b, const char *name)
{
	sbuf_addc(b, '`');
	for (const char *p = name; *p; p++) {
		if (*p == '`')
			sbuf_addc(b, '`');
		sbuf_addc(b, *p);
	}
	sbuf_addc(b, '`');
}
