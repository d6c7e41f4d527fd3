/* precheck.c: `myshift precheck`: connectivity, binlog settings, privileges, tables, settings, and the upgrade check on the destination itself. */
#include "src/precheck.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/collation.h"
#include "src/dest.h"
#include "src/objects.h"
#include "src/sequences.h"
#include "src/startpos.h"
#include "src/tabledef.h"

enum level { PASS, WARN, FAIL };

struct pc {
	const struct cfg *c;
	const struct filter *f;
	FILE *out;
	int fails, warns;
	struct dest src, dst;
	bool src_up, dst_up, src_maria, dst_maria;
	bool snapshot;           /* start = snapshot: the destination gets the schema */
	char **dbs;              /* the selected source databases */
	char **scr;              /* the upgrade check: their scratch schemas */
	unsigned ndbs;
	struct collations *coll; /* the upgrade check: [apply] collation_map */
	bool dst_read_only;      /* "destination writable" failed already */
};

static void item(struct pc *p, enum level l, const char *name, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
item(struct pc *p, enum level l, const char *name, const char *fix, const char *fmt, ...)
{
	static const char *const tags[] = { "PASS", "WARN", "FAIL" };
	va_list ap;

	fprintf(p->out, "%s  %s: ", tags[l], name);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	if (l != PASS && fix != NULL)
		fprintf(p->out, "      fix: %s\n", fix);
	if (l == WARN)
		p->warns++;
	else if (l == FAIL)
		p->fails++;
}

/* One value (malloc'ed, "" for NULL) of a query, NULL on an error. */
static char *
val(struct dest *d, const char *sql)
{
	char *v = NULL;

	if (!dest_value(d, sql, &v))
		return NULL;
	return v ? v : strdup("");
}

/* major * 100 + minor of VERSION() */
static int
version_of(const char *v)
{
	int a = 0, b = 0;

	sscanf(v, "%d.%d", &a, &b);
	return a * 100 + b;
}

static void
connectivity(struct pc *p)
{
	struct dest *d[2] = { &p->src, &p->dst };
	const struct cfg_link *l[2] = { &p->c->source, &p->c->destination };
	const char *n[2] = { "source", "destination" };

	for (int i = 0; i < 2; i++) {
		char *ver, *tls;
		if (!dest_connect(d[i], l[i], n[i])) {
			item(p, FAIL, n[i], "check [source]/[destination] host, port, user, "
			    "password and TLS settings", "%s", d[i]->err);
			continue;
		}
		ver = val(d[i], "SELECT VERSION()");
		tls = val(d[i], "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
		    "WHERE VARIABLE_NAME = 'Ssl_cipher'");
		if (tls == NULL)
			tls = val(d[i], "SELECT ''"); /* MySQL: performance_schema only */
		item(p, PASS, n[i], NULL, "%s, %s, %s", d[i]->where, ver ? ver : "?",
		    tls && tls[0] ? tls : "no TLS");
		if (i == 0)
			p->src_up = true, p->src_maria = dest_is_mariadb(d[i]);
		else
			p->dst_up = true, p->dst_maria = dest_is_mariadb(d[i]);
		free(ver);
		free(tls);
	}
}

static void
versions(struct pc *p)
{
	char *a = val(&p->src, "SELECT VERSION()"), *b = val(&p->dst, "SELECT VERSION()");

	if (a == NULL || b == NULL)
		item(p, WARN, "versions", NULL, "cannot read them");
	else if (p->src_maria != p->dst_maria)
		item(p, WARN, "versions", "run the upgrade check below and myshift verify after "
		    "the copy", "%s %s -> %s %s: a cross-vendor migration (types, collations, "
		    "JSON and SQL modes are translated where they can be)",
		    p->src_maria ? "MariaDB" : "MySQL", a, p->dst_maria ? "MariaDB" : "MySQL", b);
	else if (version_of(b) < version_of(a))
		item(p, WARN, "versions", "see the upgrade check below: it shows what the "
		    "older destination refuses", "the destination %s is older than the source %s "
		    "(a way back after a cutover, or a downgrade)", b, a);
	else
		item(p, PASS, "versions", NULL, "%s -> %s", a, b);
	free(a);
	free(b);
}

static void
binlog_settings(struct pc *p)
{
	MYSQL_RES *res = dest_result(&p->src, "SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, "
	    "@@GLOBAL.binlog_row_image, @@GLOBAL.binlog_checksum, @@GLOBAL.server_id");
	MYSQL_ROW r;
	char *exp;
	long long secs = -1;

	if (res == NULL || (r = mysql_fetch_row(res)) == NULL) {
		item(p, FAIL, "binlog", NULL, "cannot read the source's settings: %s", p->src.err);
		if (res)
			mysql_free_result(res);
		return;
	}
	if (r[0] == NULL || strcmp(r[0], "1") != 0)
		item(p, FAIL, "log_bin", "enable log_bin (and binlog_format = ROW) on the "
		    "source and restart it", "binary logging is off on the source");
	else
		item(p, PASS, "log_bin", NULL, "on");
	if (r[1] == NULL || strcasecmp(r[1], "ROW") != 0)
		item(p, FAIL, "binlog_format", "SET GLOBAL binlog_format = 'ROW' (and in the "
		    "configuration), then reconnect the applications", "%s, not ROW",
		    r[1] ? r[1] : "NULL");
	else
		item(p, PASS, "binlog_format", NULL, "ROW");
	if (r[2] != NULL && strcasecmp(r[2], "FULL_NODUP") == 0)
		item(p, PASS, "binlog_row_image", NULL, "FULL_NODUP: whole before images, "
		    "an update's after image completed from its before image");
	else if (r[2] == NULL || strcasecmp(r[2], "FULL") != 0)
		item(p, p->snapshot ? FAIL : WARN, "binlog_row_image", "SET GLOBAL "
		    "binlog_row_image = 'FULL'", "%s: %s", r[2] ? r[2] : "NULL", p->snapshot ?
		    "the catch-up after the copy needs whole row images" :
		    "partial images are replayed, but a row that drifted cannot be noticed");
	else
		item(p, PASS, "binlog_row_image", NULL, "FULL");
	item(p, PASS, "binlog_checksum", NULL, "%s", r[3] ? r[3] : "NONE");
	if (!p->src_maria) {
		/* MySQL: JSON updates logged as diffs */
		bool full = r[2] != NULL && strcasecmp(r[2], "FULL") == 0;
		char *o = val(&p->src, "SELECT @@GLOBAL.binlog_row_value_options");
		if (o != NULL && strcasecmp(o, "PARTIAL_JSON") == 0) {
			if (full)
				item(p, PASS, "binlog_row_value_options", NULL, "PARTIAL_JSON: each "
				    "diff is applied to the row's whole before image, exactly");
			else
				item(p, p->dst_up && p->dst_maria ? FAIL : WARN,
				    "binlog_row_value_options", "set binlog_row_image = 'FULL', or "
				    "binlog_row_value_options = ''", "PARTIAL_JSON without whole "
				    "before images: %s", p->dst_up && p->dst_maria ? "a MariaDB "
				    "destination cannot apply JSON diffs to its own values exactly" :
				    "diffs are applied to the destination's own values");
		} else if (o != NULL)
			item(p, PASS, "binlog_row_value_options", NULL, "'%s': JSON values logged "
			    "whole", o);
		free(o);
	}
	if (r[4] && strtol(r[4], NULL, 10) == p->c->server_id)
		item(p, FAIL, "server_id", "choose another [replication] server_id",
		    "the source's own server_id is %d", p->c->server_id);
	mysql_free_result(res);
	/* retention: the copy must finish before the binlogs it starts from are purged */
	exp = val(&p->src, "SELECT @@GLOBAL.binlog_expire_logs_seconds");
	if (exp != NULL)
		secs = strtoll(exp, NULL, 10);
	free(exp);
	if (secs == 0 && p->src_maria) {
		exp = val(&p->src, "SELECT @@GLOBAL.expire_logs_days");
		if (exp != NULL)
			secs = (long long)(strtod(exp, NULL) * 86400);
		free(exp);
	}
	if (secs > 0 && secs < 7 * 86400)
		item(p, WARN, "binlog retention", "raise binlog_expire_logs_seconds so that "
		    "the copy and any pause fit", "%lld hours: the copy must finish, and a "
		    "stopped myshift resume, within it", secs / 3600);
	else
		item(p, PASS, "binlog retention", NULL, secs <= 0 ? "binlogs are kept until "
		    "purged by hand" : "%lld days", secs / 86400);
	if (!p->src_maria) {
		exp = val(&p->src, "SELECT @@GLOBAL.gtid_mode");
		if (exp && strcasecmp(exp, "ON") != 0)
			item(p, WARN, "gtid_mode", "gtid_mode = ON lets myshift resume by GTID "
			    "after a failover", "%s", exp);
		else if (exp)
			item(p, PASS, "gtid_mode", NULL, "ON");
		free(exp);
	}
}

/* Server ids of the source's replicas. */
static void
replicas(struct pc *p)
{
	MYSQL_RES *res = dest_result(&p->src, p->src_maria ? "SHOW SLAVE HOSTS" :
	    "SHOW REPLICAS");
	MYSQL_ROW r;
	bool clash = false, ours = false;

	if (res == NULL) {
		item(p, WARN, "server_id", "grant REPLICATION SLAVE (MariaDB: REPLICATION "
		    "MASTER ADMIN) to list them", "cannot list the source's replicas: %s",
		    p->src.err);
		return;
	}
	while ((r = mysql_fetch_row(res)) != NULL)
		if (r[0] && strtol(r[0], NULL, 10) == p->c->server_id) {
			/* myshift registers with the host name "myshift" */
			if (r[1] && strcmp(r[1], "myshift") == 0)
				ours = true;
			else
				clash = true;
		}
	mysql_free_result(res);
	if (ours && !clash)
		item(p, WARN, "server_id", "if another myshift runs with it, give each its own "
		    "[replication] server_id", "a myshift with server_id %d is registered on the "
		    "source: an earlier run whose connection the source has not dropped yet, or "
		    "another myshift (two with one server_id disconnect each other)",
		    p->c->server_id);
	else if (clash)
		item(p, FAIL, "server_id", "choose a [replication] server_id no replica of the "
		    "source uses", "replica %d is registered on the source already",
		    p->c->server_id);
	else
		item(p, PASS, "server_id", NULL, "%d is unique among the source's replicas",
		    p->c->server_id);
}

/*
 * XA transactions prepared on the source now: one that commits after the
 * position myshift starts from stops it there (its XA PREPARE, and so its
 * rows, come before: neither the stream nor a snapshot has them); the copy
 * of start = snapshot waits for them instead (migrate_xa.c).
 */
static void
xa_prepared(struct pc *p)
{
	MYSQL_RES *res = dest_result(&p->src, "XA RECOVER");
	MYSQL_ROW r;
	struct sbuf names = { 0 };
	unsigned n = 0;

	if (res == NULL) {
		item(p, PASS, "XA transactions", NULL, "not listed (%s): grant XA_RECOVER_ADMIN "
		    "to the source account to have them checked", p->src.err);
		return;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		unsigned long *len = mysql_fetch_lengths(res);
		if (n++ < 5 && r[3] != NULL) {
			size_t g = r[1] ? strtoul(r[1], NULL, 10) : 0;
			if (g > len[3])
				g = len[3];
			sbuf_adds(&names, names.len ? ", '" : "'");
			for (size_t i = 0; i < g; i++)
				sbuf_addc(&names, isprint((unsigned char)r[3][i]) ? r[3][i] : '?');
			sbuf_addc(&names, '\'');
		}
	}
	mysql_free_result(res);
	sbuf_addc(&names, '\0');
	if (n == 0)
		item(p, PASS, "XA transactions", NULL, "none prepared on the source");
	else if (p->snapshot)
		item(p, PASS, "XA transactions", NULL, "%u prepared on the source now (%s%s): "
		    "the copy waits until these are finished (at most 600 s) before its first "
		    "snapshot", n, names.oom ? "?" : names.p, n > 5 ? ", ..." : "");
	else
		item(p, WARN, "XA transactions", "commit or roll them back on the source before "
		    "myshift starts (XA RECOVER lists them)", "%u prepared on the source now "
		    "(%s%s): the XA COMMIT of one stops myshift, whose start position and "
		    "snapshot come after its rows", n, names.oom ? "?" : names.p,
		    n > 5 ? ", ..." : "");
	sbuf_free(&names);
}

/* The account's grants as one upper-case text. */
static char *
grants(struct dest *d)
{
	MYSQL_RES *res = dest_result(d, "SHOW GRANTS");
	MYSQL_ROW r;
	struct sbuf b = { 0 };

	if (res == NULL)
		return NULL;
	while ((r = mysql_fetch_row(res)) != NULL)
		if (r[0]) {
			sbuf_adds(&b, r[0]);
			sbuf_addc(&b, '\n');
		}
	mysql_free_result(res);
	sbuf_addc(&b, '\0');
	for (size_t i = 0; b.p && i < b.len; i++)
		b.p[i] = (char)toupper((unsigned char)b.p[i]);
	return b.oom ? NULL : b.p;
}

/*
 * Whether the grants give the account a role (a GRANT line without ON):
 * what the role holds is not in them.
 */
static bool
roles(const char *g)
{
	for (const char *l = g, *e; l != NULL && *l; l = e ? e + 1 : NULL) {
		size_t n;
		e = strchr(l, '\n');
		n = e ? (size_t)(e - l) : strlen(l);
		bool on = false;
		for (size_t i = 0; i + 4 <= n && !on; i++)
			on = memcmp(l + i, " ON ", 4) == 0;
		if (n > 6 && memcmp(l, "GRANT ", 6) == 0 && !on)
			return true;
	}
	return false;
}

static void
privileges(struct pc *p)
{
	char *g = p->src_up ? grants(&p->src) : NULL;
	struct sbuf miss = { 0 }, soft = { 0 };

	if (g != NULL) {
		bool all = strstr(g, "ALL PRIVILEGES ON *.*") != NULL;
		/* the schema and objects are read only by start = snapshot */
		static const char *const need[] = { "REPLICATION SLAVE", "SELECT", "SHOW VIEW",
			"TRIGGER", "EVENT" };
		/* a stream alone reads binlogs, not tables */
		unsigned nneed = p->snapshot ? 5 : 1;
		for (unsigned i = 0; !all && i < nneed; i++)
			if (strstr(g, need[i]) == NULL &&
			    !(i == 0 && strstr(g, "REPLICATION REPLICA") != NULL))
				sbuf_printf(&miss, "%s%s", miss.len ? ", " : "", need[i]);
		if (!all && strstr(g, "REPLICATION CLIENT") == NULL &&
		    strstr(g, "BINLOG MONITOR") == NULL)
			sbuf_printf(&miss, "%s%s", miss.len ? ", " : "", p->src_maria ?
			    "BINLOG MONITOR" : "REPLICATION CLIENT");
		if (!all && !p->src_maria) {
			if (strstr(g, "RELOAD") == NULL)
				sbuf_adds(&soft, "RELOAD (without it each snapshot locks the tables "
				    "read one by one)");
			if (strstr(g, "BACKUP_ADMIN") == NULL)
				sbuf_printf(&soft, "%sBACKUP_ADMIN (without it DDL is not kept "
				    "out during the copy)", soft.len ? "; " : "");
		}
		sbuf_addc(&miss, '\0');
		sbuf_addc(&soft, '\0');
		if (miss.len > 1)
			item(p, roles(g) ? WARN : FAIL, "source privileges", "GRANT them ON *.* to "
			    "the source account", "missing: %s%s", miss.p, roles(g) ? " (unless "
			    "its roles grant them: SHOW GRANTS does not list what a role holds)" : "");
		else
			item(p, PASS, "source privileges", NULL, "replication and reading granted");
		if (soft.len > 1)
			item(p, WARN, "source privileges", "GRANT them to the source account",
			    "%s", soft.p);
	} else if (p->src_up)
		item(p, WARN, "source privileges", NULL, "cannot read them: %s", p->src.err);
	free(g);
	g = p->dst_up ? grants(&p->dst) : NULL;
	if (g != NULL) {
		/* MySQL shows ALL as the list of what it grants */
		static const char *const need[] = { "SELECT", "INSERT", "UPDATE", "DELETE",
			"CREATE", "DROP", "ALTER", "INDEX", "REFERENCES", "CREATE VIEW",
			"CREATE ROUTINE", "ALTER ROUTINE", "TRIGGER", "EVENT", NULL };
		/* a stream into data that is there: rows, and the state schema */
		unsigned nneed = p->snapshot ? sizeof(need) / sizeof(need[0]) - 1 : 5;
		sbuf_reset(&miss);
		for (unsigned i = 0; strstr(g, "ALL PRIVILEGES") == NULL && i < nneed; i++)
			if (strstr(g, need[i]) == NULL)
				sbuf_printf(&miss, "%s%s", miss.len ? ", " : "", need[i]);
		sbuf_addc(&miss, '\0');
		if (miss.len > 1)
			item(p, roles(g) ? WARN : FAIL, "destination privileges", "GRANT ALL ON the replicated "
			    "databases and on the state schema to the destination account",
			    "missing: %s", miss.p);
		else
			item(p, PASS, "destination privileges", NULL, "everything a migration writes");
	}
	free(g);
	sbuf_free(&miss);
	sbuf_free(&soft);
}

/* Add `db`.`t` to a list shown in an item: the first 20, or all (conflicts). */
static void
add_list(struct sbuf *b, const char *db, const char *t, unsigned *n, bool all)
{
	if ((*n)++ < 20 || all)
		sbuf_printf(b, "%s`%s`.`%s`", b->len ? ", " : "", db, t);
	else if (*n == 21)
		sbuf_adds(b, ", ...");
}

/*
 * Selected tables of a kind myshift does not move (MariaDB's SYSTEM
 * VERSIONED tables, and its sequences into MySQL, which has none): a
 * snapshot would leave them out, rows and all, and the stream stop at
 * their first write; a stream into a destination that has them replays
 * their rows as a plain table's, which is not checked for them.
 * Sequences between MariaDB servers are moved (sequences.c).
 */
static void
unsupported(struct pc *p)
{
	MYSQL_RES *res = dest_result(&p->src, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE "
	    "FROM information_schema.TABLES WHERE TABLE_TYPE NOT IN ('BASE TABLE', 'VIEW') AND "
	    "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') "
	    "ORDER BY 1, 2");
	MYSQL_ROW r;
	struct sbuf l = { 0 };
	unsigned n = 0;

	if (res == NULL) {
		item(p, FAIL, "table kinds", NULL, "cannot list the source's tables: %s",
		    p->src.err);
		return;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		if (!filter_table(p->f, r[0], r[1]))
			continue;
		/* sequences between MariaDB servers: created, set, then streamed */
		if (strcmp(r[2], "SEQUENCE") == 0 && p->src_maria && p->dst_up && p->dst_maria)
			continue;
		if (n++ < 20)
			sbuf_printf(&l, "%s`%s`.`%s` (%s)", l.len ? ", " : "", r[0], r[1], r[2]);
		else if (n == 21)
			sbuf_adds(&l, ", ...");
	}
	mysql_free_result(res);
	sbuf_addc(&l, '\0');
	if (n && p->snapshot)
		item(p, FAIL, "table kinds", "leave them out with [filter] exclude_tables and "
		    "move them by hand (a sequence into MySQL: a table and your own "
		    "counter; history: mariadb-dump --dump-history)", "%u table(s) of a "
		    "kind the copy does not move: their rows would be missing and the "
		    "stream would stop at their first change: %s", n, l.oom ? "?" : l.p);
	else if (n)
		item(p, WARN, "table kinds", "leave them out with [filter] exclude_tables, or "
		    "compare them with myshift verify", "%u table(s) whose rows are replayed as "
		    "a plain table's, which myshift does not check for their kind: %s", n,
		    l.oom ? "?" : l.p);
	sbuf_free(&l);
}

static void
tables(struct pc *p)
{
	/*
	 * The keys counted in one pass (a subquery per table read every
	 * table's constraints again: minutes for a few thousand tables).
	 */
	MYSQL_RES *res = dest_result(&p->src, "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, "
	    "IFNULL(t.ENGINE, ''), IFNULL(k.n, 0), IFNULL(t.DATA_LENGTH, 0) + "
	    "IFNULL(t.INDEX_LENGTH, 0), IFNULL(e.TRANSACTIONS, 'YES') FROM "
	    "information_schema.TABLES t LEFT JOIN (SELECT TABLE_SCHEMA, TABLE_NAME, "
	    "COUNT(*) AS n FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_TYPE "
	    "IN ('PRIMARY KEY', 'UNIQUE') GROUP BY TABLE_SCHEMA, TABLE_NAME) k ON "
	    "k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME "
	    "LEFT JOIN information_schema.ENGINES e ON "
	    "e.ENGINE = t.ENGINE WHERE t.TABLE_TYPE = "
	    "'BASE TABLE' AND t.TABLE_SCHEMA NOT IN ('mysql', 'information_schema', "
	    "'performance_schema', 'sys') ORDER BY 1, 2");
	MYSQL_ROW r;
	struct sbuf keyless = { 0 }, engines = { 0 }, exist = { 0 };
	unsigned nk = 0, ne = 0, nx = 0, n = 0, nkne = 0;
	unsigned long long bytes = 0;

	if (res == NULL) {
		item(p, FAIL, "tables", NULL, "cannot list the source's tables: %s", p->src.err);
		return;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		char ddb[200], dt[200], sql[600];
		char *has;
		if (!filter_table(p->f, r[0], r[1]))
			continue;
		n++;
		bytes += strtoull(r[4], NULL, 10);
		if (strtol(r[3], NULL, 10) == 0)
			add_list(&keyless, r[0], r[1], &nk, false);
		if (strcasecmp(r[2], "InnoDB") != 0)
			add_list(&engines, r[0], r[1], &ne, false);
		/* without transactions and a key: the copy reads it under LOCK TABLES */
		nkne += strcasecmp(r[5], "YES") != 0 && strtol(r[3], NULL, 10) == 0;
		/* a new database for the upgrade check */
		if (p->ndbs == 0 || strcmp(p->dbs[p->ndbs - 1], r[0]) != 0) {
			char **nd = realloc(p->dbs, (p->ndbs + 1) * sizeof(*nd));
			if (nd != NULL && (nd[p->ndbs] = strdup(r[0])) != NULL) {
				p->dbs = nd;
				p->ndbs++;
			} else if (nd != NULL)
				p->dbs = nd;
		}
		if (!p->dst_up || !p->snapshot)
			continue;
		filter_map(p->f, r[0], r[1], ddb, sizeof(ddb), dt, sizeof(dt));
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		    "TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s'", ddb, dt);
		has = strchr(ddb, '\'') || strchr(dt, '\'') ? NULL : val(&p->dst, sql);
		if (has && strcmp(has, "0") != 0)
			add_list(&exist, ddb, dt, &nx, true);
		free(has);
	}
	mysql_free_result(res);
	/* the upgrade check also covers databases without tables (routines, views) */
	res = dest_result(&p->src, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
	    "ORDER BY SCHEMA_NAME");
	while (res != NULL && (r = mysql_fetch_row(res)) != NULL) {
		unsigned i;
		char **nd;
		if (!filter_database(p->f, r[0]) || strcmp(r[0], p->c->state_schema) == 0)
			continue;
		for (i = 0; i < p->ndbs && strcmp(p->dbs[i], r[0]) != 0; i++)
			;
		if (i < p->ndbs)
			continue;
		nd = realloc(p->dbs, (p->ndbs + 1) * sizeof(*nd));
		if (nd == NULL)
			break;
		p->dbs = nd;
		if ((nd[p->ndbs] = strdup(r[0])) != NULL)
			p->ndbs++;
	}
	if (res != NULL)
		mysql_free_result(res);
	unsupported(p);
	/* sequences between MariaDB servers are created by the migration: conflicts too */
	if (p->dst_up && p->snapshot && p->src_maria && p->dst_maria) {
		unsigned ns = 0;
		bool fatal;
		char err[1024];
		if (!sequences_existing(&p->src, &p->dst, p->f, &exist, &ns, &fatal, err,
		    sizeof(err)))
			item(p, FAIL, "conflicts", NULL, "cannot look for sequences on the "
			    "destination: %s", err);
		nx += ns;
	}
	sbuf_addc(&keyless, '\0');
	sbuf_addc(&engines, '\0');
	sbuf_addc(&exist, '\0');
	item(p, PASS, "tables", NULL, "%u selected, %.1f MB of data and indexes on the source: "
	    "the destination needs at least that much free", n, (double)bytes / 1e6);
	if (nk)
		item(p, WARN, "keys", "add a primary key where you can", "%u table(s) without a "
		    "primary or unique NOT NULL key are copied whole in one snapshot and replayed "
		    "by full-row match: %s", nk, keyless.p);
	else
		item(p, PASS, "keys", NULL, "every table has a primary or unique NOT NULL key");
	if (p->dst.keyless_lifted)
		item(p, PASS, "sql_require_primary_key", NULL, "ON on the destination: "
		    "myshift's sessions create tables without a primary key as the source "
		    "has them (as a MySQL replica does: REQUIRE_TABLE_PRIMARY_KEY_CHECK = "
		    "STREAM); the applications' own still need one");
	else if (p->dst.keyless_refused)
		item(p, nk ? FAIL : WARN, "sql_require_primary_key", DEST_KEYLESS_FIX, "ON on "
		    "the destination, which refused to turn it off for myshift's session (%s): "
		    "%s", p->dst.keyless_why, nk ? "a table without a key cannot be created" :
		    "a table created later without a primary key would stop the stream");
	if (ne)
		item(p, WARN, "engines", "ALTER TABLE ... ENGINE = InnoDB: a snapshot does not "
		    "hold other engines' tables still (the copy replays their changes "
		    "idempotently until past each chunk's read, and reads one without a key "
		    "whole under LOCK TABLES ... READ, its writers waiting)", "%u table(s) not "
		    "InnoDB: %s", ne, engines.p);
	if (nkne && p->snapshot && p->src_up) {
		/* such a table without a key is read under LOCK TABLES ... READ */
		char *g = grants(&p->src);
		if (g != NULL && strstr(g, "ALL PRIVILEGES") == NULL &&
		    strstr(g, "LOCK TABLES") == NULL)
			item(p, roles(g) ? WARN : FAIL, "source privileges", "GRANT LOCK TABLES "
			    "to the source account, or ALTER TABLE ... ENGINE = InnoDB",
			    "missing: LOCK TABLES, for %u table(s) without transactions and a key, "
			    "read whole under LOCK TABLES ... READ", nkne);
		free(g);
	}
	if (nx)
		item(p, strcasecmp(p->c->copy_on_conflict, "ignore") == 0 ? WARN : FAIL,
		    "conflicts", "drop them on the destination, or set [copy] on_conflict = "
		    "ignore to reuse identical ones (a sequence is set to the source's state)",
		    "%u table(s) exist on the destination "
		    "already: %s", nx, exist.p);
	else if (p->snapshot && p->dst_up)
		item(p, PASS, "conflicts", NULL, "no selected table exists on the destination");
	sbuf_free(&keyless);
	sbuf_free(&engines);
	sbuf_free(&exist);
}

/* A setting compared between the two servers. */
static void
same(struct pc *p, const char *var, enum level differ, const char *fix)
{
	char sql[200], *a, *b;

	snprintf(sql, sizeof(sql), "SELECT @@GLOBAL.%s", var);
	a = val(&p->src, sql);
	b = val(&p->dst, sql);
	if (a && b && strcmp(a, b) != 0)
		item(p, differ, var, fix, "source '%s', destination '%s'", a, b);
	else if (a && b)
		item(p, PASS, var, NULL, "'%s' on both", a);
	free(a);
	free(b);
}

static void
settings(struct pc *p)
{
	char *a, *b;

	same(p, "lower_case_table_names", WARN, "set the destination's like the source's "
	    "(only when it is initialised)");
	same(p, "sql_mode", WARN, "myshift replays each statement under the source's SQL "
	    "mode; the applications will see the destination's");
	same(p, "character_set_server", WARN, "tables keep their own character sets; new "
	    "ones get the destination's default");
	same(p, "collation_server", WARN, "see [apply] collation_map");
	a = val(&p->src, "SELECT @@GLOBAL.max_allowed_packet");
	b = val(&p->dst, "SELECT @@GLOBAL.max_allowed_packet");
	if (a && b && strtoull(b, NULL, 10) < strtoull(a, NULL, 10))
		item(p, WARN, "max_allowed_packet", "raise it on the destination to the source's",
		    "destination %s < source %s: a large row may not fit", b, a);
	else if (a && b)
		item(p, PASS, "max_allowed_packet", NULL, "destination %s, source %s", b, a);
	free(a);
	free(b);
	/* a standby kept read-only: super_read_only stops every account, myshift's too */
	a = p->dst_maria ? NULL : val(&p->dst, "SELECT @@GLOBAL.super_read_only");
	p->dst_read_only = a && strcmp(a, "1") == 0;
	if (p->dst_read_only)
		item(p, FAIL, "destination writable", "SET GLOBAL super_read_only = OFF on the "
		    "destination (read_only = ON alone keeps applications out and lets an "
		    "account with CONNECTION_ADMIN or SUPER, as myshift's may have, write)",
		    "super_read_only is ON on the destination: no account can write there");
	free(a);
	a = val(&p->src, "SELECT COUNT(*) FROM mysql.time_zone_name");
	b = val(&p->dst, "SELECT COUNT(*) FROM mysql.time_zone_name");
	if (a && b && strcmp(b, "0") == 0 && strcmp(a, "0") != 0)
		item(p, WARN, "time zones", "load them: mysql_tzinfo_to_sql /usr/share/zoneinfo | "
		    "mysql mysql", "the destination has no time zone tables, the source has %s "
		    "zones: CONVERT_TZ and named time zones return NULL there", a);
	else if (a && b)
		item(p, PASS, "time zones", NULL, "%s zones on the source, %s on the destination",
		    a, b);
	free(a);
	free(b);
}

/*
 * Replace every reference to database from in s, `from`. or from. (not
 * inside a longer name), by `to`. (a new string).
 */
static char *
requalify(const char *s, const char *from, const char *to)
{
	struct sbuf b = { 0 };
	size_t fl = strlen(from);
	const char *start = s;

	while (*s) {
		bool quoted = s[0] == '`' && strncmp(s + 1, from, fl) == 0 &&
		    s[1 + fl] == '`' && s[2 + fl] == '.';
		bool bare = strncmp(s, from, fl) == 0 && s[fl] == '.' &&
		    (s == start || !(isalnum((unsigned char)s[-1]) || s[-1] == '_' ||
		    s[-1] == '$' || s[-1] == '`' || s[-1] == '.'));
		if (quoted || bare) {
			sbuf_printf(&b, "`%s`.", to);
			s += quoted ? fl + 3 : fl + 1;
		} else
			sbuf_addc(&b, *s++);
	}
	sbuf_addc(&b, '\0');
	return b.oom ? NULL : b.p;
}

/* Drop " DEFINER=`u`@`h`" from a CREATE text (a missing account is not the point here). */
static void
strip_definer(char *s)
{
	char *d = strstr(s, "DEFINER=");
	char *e;

	if (d == NULL)
		return;
	e = d + 8;
	for (int part = 0; part < 2; part++) {
		if (*e == '`') {
			e = strchr(e + 1, '`');
			if (e == NULL)
				return;
			e++;
		} else
			while (*e && *e != '@' && *e != ' ')
				e++;
		if (part == 0 && *e == '@')
			e++;
	}
	memmove(d, e, strlen(e) + 1);
}

/*
 * Run one CREATE of the source (database db) in its scratch schema, made
 * as the migration makes it: every selected database renamed to its
 * scratch schema, DEFINER left out (a missing account is its own matter),
 * an event disabled, collations through [apply] collation_map, under mode
 * (the object's sql_mode; '' where the destination lacks one of its
 * flags). False (after a FAIL item when report) if the destination
 * refuses it.
 */
static bool
try_create(struct pc *p, const char *kind, unsigned db, const char *name,
    const char *mode, const char *text, bool report)
{
	char *sql, *r, err[1024];
	struct sbuf q = { 0 }, note = { 0 };
	bool ok = false, changed;
	unsigned dropped;

	/* a table as the migration makes it (tabledef.c: what differs between vendors) */
	sql = strcasecmp(kind, "table") == 0 ? tabledef_statement(text, p->src_maria,
	    p->dst_maria, &dropped, &note) : strdup(text);
	sbuf_addc(&note, '\0');
	if (sql != NULL && report && note.len > 1 && !note.oom)
		item(p, WARN, "upgrade check", "nothing, if the table may do without "
		    "them; else change it on the source before the migration", "table "
		    "`%s`.`%s` is created without what %s lacks: %s", p->dbs[db], name,
		    p->dst_maria ? "MariaDB" : "MySQL", note.p);
	sbuf_free(&note);

	for (unsigned i = 0; sql != NULL && i < p->ndbs; i++) {
		r = requalify(sql, p->dbs[i], p->scr[i]);
		free(sql);
		sql = r;
	}
	if (sql == NULL)
		return false;
	strip_definer(sql);
	if (strcmp(kind, "EVENT") == 0) {
		if (objects_event_disabled(sql, "DISABLE", &q)) {
			free(sql);
			sql = q.p;
			q.p = NULL;
		}
		sbuf_free(&q);
	}
	if (p->coll != NULL) {
		r = collations_rewrite_sql(p->coll, sql, strlen(sql), true, &changed, err,
		    sizeof(err));
		if (r == NULL) {
			if (report)
				item(p, FAIL, "upgrade check", "set [apply] collation_map to a "
				    "collation the destination has", "%s `%s`.`%s`: %s", kind,
				    p->dbs[db], name, err);
			free(sql);
			return false;
		}
		free(sql);
		sql = r;
	}
	sbuf_adds(&q, "SET SESSION sql_mode = ");
	sbuf_sql_string(&q, mode ? mode : "");
	sbuf_addc(&q, '\0');
	ok = !q.oom && (dest_exec(&p->dst, q.p) || dest_exec(&p->dst, "SET SESSION sql_mode = ''"));
	/* USE, not mysql_select_db(): a failure must leave its own error in dst.err */
	ok = ok && dest_execf(&p->dst, "USE `%s`", p->scr[db]) && dest_exec(&p->dst, sql);
	/* the server's own message: p->dst.err would repeat the whole statement */
	if (!ok && report)
		item(p, FAIL, "upgrade check", p->dst.errnum == 3750 ? DEST_KEYLESS_FIX :
		    "change it on the source, or create it by hand on the destination after "
		    "the migration", "the destination refuses %s `%s`.`%s`: %s (error %u)",
		    kind, p->dbs[db], name, mysql_error(p->dst.my), p->dst.errnum);
	sbuf_free(&q);
	free(sql);
	return ok;
}

/* SHOW CREATE kind db.name on the source: the statement and its sql_mode. */
static MYSQL_RES *
show_create(struct pc *p, const char *kind, const char *db, const char *name,
    const char **text, const char **mode)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW c;

	*text = *mode = NULL;
	sbuf_printf(&q, "SHOW CREATE %s ", kind);
	dest_quote(&q, db);
	sbuf_addc(&q, '.');
	dest_quote(&q, name);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&p->src, q.p);
	sbuf_free(&q);
	c = res ? mysql_fetch_row(res) : NULL;
	if (c == NULL)
		return res;
	if (strcmp(kind, "VIEW") == 0 || strcmp(kind, "TABLE") == 0)
		*text = c[1];
	else if (strcmp(kind, "EVENT") == 0)
		*mode = c[1], *text = c[3];
	else
		*mode = c[1], *text = c[2];
	return res;
}

/*
 * The objects of one kind in every selected database, created in their
 * scratch schemas; views in passes until none is created any more (views
 * on views, across databases too), the rest then reported.
 */
static void
objects_of(struct pc *p, const char *kind, unsigned *n)
{
	struct ob { unsigned db; char *name; } *names = NULL;
	unsigned nn = 0, left;
	bool view = strcmp(kind, "VIEW") == 0;

	for (unsigned d = 0; d < p->ndbs; d++) {
		struct sbuf q = { 0 };
		MYSQL_RES *list;
		MYSQL_ROW r;
		if (view)
			sbuf_adds(&q, "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE "
			    "TABLE_SCHEMA = ");
		else if (strcmp(kind, "TRIGGER") == 0)
			sbuf_adds(&q, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE "
			    "TRIGGER_SCHEMA = ");
		else if (strcmp(kind, "EVENT") == 0)
			sbuf_adds(&q, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE "
			    "EVENT_SCHEMA = ");
		else
			sbuf_printf(&q, "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE "
			    "ROUTINE_TYPE = '%s' AND ROUTINE_SCHEMA = ", kind);
		sbuf_sql_string(&q, p->dbs[d]);
		sbuf_addc(&q, '\0');
		list = q.oom ? NULL : dest_result(&p->src, q.p);
		sbuf_free(&q);
		if (list == NULL) {
			item(p, WARN, "upgrade check", NULL, "cannot list the %ss of `%s`: %s",
			    kind, p->dbs[d], p->src.err);
			continue;
		}
		while ((r = mysql_fetch_row(list)) != NULL) {
			struct ob *nl = realloc(names, (nn + 1) * sizeof(*nl));
			if (nl == NULL)
				break;
			names = nl;
			names[nn].db = d;
			names[nn].name = strdup(r[0]);
			if (names[nn].name != NULL)
				nn++;
		}
		mysql_free_result(list);
	}
	left = nn;
	for (unsigned made = 1; left > 0;) {
		/* the last pass reports what the destination still refuses */
		bool last = !view || made == 0;
		made = 0;
		for (unsigned i = 0; i < nn; i++) {
			const char *text, *mode;
			MYSQL_RES *res;
			if (names[i].name == NULL)
				continue;
			res = show_create(p, kind, p->dbs[names[i].db], names[i].name, &text, &mode);
			if (text == NULL || try_create(p, kind, names[i].db, names[i].name, mode,
			    text, last) || last) {
				if (text != NULL)
					(*n)++;
				free(names[i].name);
				names[i].name = NULL;
				left--;
				made++;
			}
			if (res)
				mysql_free_result(res);
		}
	}
	free(names);
}

/*
 * The upgrade check, done by the destination itself: every selected
 * table, view, routine, trigger and event of the source created in
 * scratch schemas there (one per selected database), which are dropped
 * again.
 */
static void
upgrade(struct pc *p)
{
	int fails0 = p->fails;
	unsigned n = 0, made = 0;
	const char *table_mode = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION";
	char err[1024];
	bool transient;

	if (p->ndbs == 0)
		return;
	p->coll = collations_load(&p->src, &p->dst, p->c->collation_map, &transient, err,
	    sizeof(err));
	if (p->coll == NULL)
		item(p, FAIL, "collations", "set [apply] collation_map", "%s", err);
	p->scr = calloc(p->ndbs, sizeof(*p->scr));
	if (p->scr == NULL)
		return;
	for (; made < p->ndbs; made++) {
		char name[128];
		snprintf(name, sizeof(name), "%s_precheck_%ld_%u", p->c->state_schema,
		    (long)getpid(), made);
		if ((p->scr[made] = strdup(name)) == NULL ||
		    !dest_execf(&p->dst, "CREATE DATABASE `%s`", name)) {
			if (p->dst.errnum != ER_OPTION_PREVENTS_STATEMENT)
				item(p, WARN, "upgrade check", "grant CREATE on the destination",
				    "cannot create the scratch schema: %s", p->dst.err);
			else if (!p->dst_read_only) /* else said above */
				item(p, FAIL, "destination writable", p->dst_maria ? "SET GLOBAL "
				    "read_only = OFF on the destination, or grant READ_ONLY ADMIN to "
				    "myshift's account" : "SET GLOBAL super_read_only = OFF and "
				    "read_only = OFF on the destination, or (read_only alone) grant "
				    "CONNECTION_ADMIN to myshift's account", "the destination refuses "
				    "myshift's writes: %s", mysql_error(p->dst.my));
			goto out;
		}
	}
	/* tables: without their foreign keys' order mattering */
	if (!dest_exec(&p->dst, "SET SESSION foreign_key_checks = 0"))
		item(p, WARN, "upgrade check", NULL, "%s", p->dst.err);
	for (unsigned i = 0; i < p->ndbs; i++) {
		struct sbuf q = { 0 };
		MYSQL_RES *res;
		MYSQL_ROW r;
		sbuf_adds(&q, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
		    "'BASE TABLE' AND TABLE_SCHEMA = ");
		sbuf_sql_string(&q, p->dbs[i]);
		sbuf_addc(&q, '\0');
		res = q.oom ? NULL : dest_result(&p->src, q.p);
		sbuf_free(&q);
		while (res && (r = mysql_fetch_row(res)) != NULL) {
			const char *text, *mode;
			MYSQL_RES *cr;
			if (!filter_table(p->f, p->dbs[i], r[0]))
				continue;
			cr = show_create(p, "TABLE", p->dbs[i], r[0], &text, &mode);
			if (text != NULL) {
				n++;
				(void)try_create(p, "table", i, r[0], table_mode, text, true);
			}
			if (cr)
				mysql_free_result(cr);
		}
		if (res)
			mysql_free_result(res);
	}
	objects_of(p, "FUNCTION", &n);
	objects_of(p, "PROCEDURE", &n);
	objects_of(p, "VIEW", &n);
	objects_of(p, "TRIGGER", &n);
	objects_of(p, "EVENT", &n);
	if (p->fails == fails0)
		item(p, PASS, "upgrade check", NULL, "the destination creates all %u selected "
		    "tables and objects of the source as they are", n);
out:
	for (unsigned i = 0; i < made; i++)
		if (!dest_execf(&p->dst, "DROP DATABASE `%s`", p->scr[i]))
			item(p, WARN, "upgrade check", "drop it by hand", "cannot drop the scratch "
			    "schema `%s`: %s", p->scr[i], p->dst.err);
	for (unsigned i = 0; i < p->ndbs; i++)
		free(p->scr[i]);
	free(p->scr);
	p->scr = NULL;
	if (p->coll)
		collations_free(p->coll);
	p->coll = NULL;
}

void
precheck_report(const struct cfg *c, const struct filter *f, FILE *out,
    struct precheck_result *res)
{
	struct pc p;
	char file[512], why[300];
	uint64_t pos;

	memset(&p, 0, sizeof(p));
	memset(res, 0, sizeof(*res));
	p.c = c;
	p.f = f;
	p.out = out;
	p.snapshot = start_parse(c->start, file, sizeof(file), &pos, why, sizeof(why)) ==
	    START_SNAPSHOT;
	p.dst.table_ddl = true; /* the upgrade check creates the tables as the migration */
	connectivity(&p);
	if (!p.src_up || !p.dst_up) {
		res->unreachable = true;
		res->transient = (!p.src_up && dest_transient(&p.src)) ||
		    (!p.dst_up && dest_transient(&p.dst));
	}
	if (p.src_up) {
		binlog_settings(&p);
		replicas(&p);
		xa_prepared(&p);
	}
	privileges(&p);
	if (p.src_up && p.dst_up) {
		versions(&p);
		settings(&p);
	}
	if (p.src_up)
		tables(&p);
	if (p.src_up && p.dst_up)
		upgrade(&p);
	for (unsigned i = 0; i < p.ndbs; i++)
		free(p.dbs[i]);
	free(p.dbs);
	dest_close(&p.src);
	dest_close(&p.dst);
	res->fails = p.fails;
	res->warns = p.warns;
}

int
precheck_run(const struct cfg *c, const struct filter *f, FILE *out, int *nwarn)
{
	struct precheck_result res;

	precheck_report(c, f, out, &res);
	*nwarn = res.warns;
	return res.fails;
}
