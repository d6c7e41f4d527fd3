/* snapshot.c: consistent read snapshots of the source whose binlog position is known exactly. */
#include "src/snapshot.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/log.h"

void
snap_pos_free(struct snap_pos *p)
{
	free(p->gtid);
	p->gtid = NULL;
}

bool
snap_pos_copy(struct snap_pos *to, const struct snap_pos *from)
{
	char *g = strdup(from->gtid ? from->gtid : "");

	if (g == NULL)
		return false;
	free(to->gtid);
	memcpy(to->file, from->file, sizeof(to->file));
	to->pos = from->pos;
	to->gtid = g;
	return true;
}


/* A statement whose failure changes nothing (a rollback, an unlock on the way out). */
static void
exec_quiet(struct dest *d, const char *sql)
{
	if (!dest_exec(d, sql))
		log_debug("%s", d->err);
}

void
snap_gtid_compact(char *gtid)
{
	char *o = gtid;

	for (const char *g = gtid; *g; g++)
		if (*g != '\n' && *g != ' ')
			*o++ = *g;
	*o = '\0';
}

/* MariaDB: the GTID position at out's file and offset (BINLOG_GTID_POS). */
bool
snapshot_gtid_at(struct dest *d, struct snap_pos *out)
{
	struct sbuf q = { 0 };
	char *g = NULL;
	bool ok;

	sbuf_adds(&q, "SELECT BINLOG_GTID_POS(");
	sbuf_sql_string(&q, out->file);
	sbuf_printf(&q, ", %" PRIu64 ")", out->pos);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(d, q.p, &g);
	sbuf_free(&q);
	if (!ok)
		return false;
	free(out->gtid);
	out->gtid = g ? g : strdup("");
	if (out->gtid == NULL)
		snprintf(d->err, sizeof(d->err), "out of memory");
	return out->gtid != NULL;
}

/* The number at the end of a binlog file name, and the length of the rest. */
static unsigned long long
file_seq(const char *f, size_t *stem)
{
	size_t n = strlen(f), i = n;

	while (i > 0 && f[i - 1] >= '0' && f[i - 1] <= '9')
		i--;
	*stem = i;
	return i < n ? strtoull(f + i, NULL, 10) : 0;
}

int
snap_pos_cmp(const char *fa, uint64_t pa, const char *fb, uint64_t pb)
{
	size_t sa, sb;
	unsigned long long na = file_seq(fa, &sa), nb = file_seq(fb, &sb);

	if (sa != sb || strncmp(fa, fb, sa) != 0)
		return strcmp(fa, fb);
	if (na != nb)
		return na < nb ? -1 : 1;
	return pa < pb ? -1 : pa > pb ? 1 : 0;
}

static unsigned
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (unsigned)((t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

bool
snapshot_coord_init(struct snapshot_coord *co, const struct cfg_link *src,
    bool mariadb, char *err, size_t errlen)
{
	memset(co, 0, sizeof(*co));
	pthread_mutex_init(&co->mu, NULL);
	co->mariadb = mariadb;
	if (mariadb)
		return true;
	if (!dest_connect(&co->d, src, "source") ||
	    !dest_exec(&co->d, "SET SESSION lock_wait_timeout = 1")) {
		snprintf(err, errlen, "%s", co->d.err);
		return false;
	}
	if (dest_exec(&co->d, "LOCK INSTANCE FOR BACKUP"))
		co->backup_lock = true;
	else
		log_warn("%s: DDL on the source during the copy is not kept out (grant "
		    "BACKUP_ADMIN to the source account); a table changed by DDL while it "
		    "is copied stops the copy", co->d.err);
	return true;
}

void
snapshot_coord_free(struct snapshot_coord *co)
{
	if (co->d.my != NULL && co->backup_lock)
		exec_quiet(&co->d, "UNLOCK INSTANCE");
	dest_close(&co->d);
	free(co->lock_tables_sql);
	co->lock_tables_sql = NULL;
	pthread_mutex_destroy(&co->mu);
}

/* Read one row of a statement's result into up to n malloc'ed strings. */
static bool
query_row(struct dest *d, const char *sql, char **out, unsigned n, unsigned *nf)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	for (unsigned i = 0; i < n; i++)
		out[i] = NULL;
	*nf = 0;
	if (mysql_query(d->my, sql) != 0 || (res = mysql_store_result(d->my)) == NULL) {
		snprintf(d->err, sizeof(d->err), "%s: %s: %s (error %u)", d->where, sql,
		    mysql_error(d->my), mysql_errno(d->my));
		d->errnum = mysql_errno(d->my);
		return false;
	}
	row = mysql_fetch_row(res);
	if (row != NULL) {
		*nf = mysql_num_fields(res);
		for (unsigned i = 0; i < n && i < *nf; i++)
			out[i] = row[i] ? strdup(row[i]) : NULL;
	}
	mysql_free_result(res);
	return true;
}

/* MariaDB: the snapshot's own position, without a lock. */
static bool
open_mariadb(struct dest *r, struct snap_pos *out, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	out->file[0] = '\0';
	out->pos = 0;
	if (!dest_exec(r, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"))
		goto fail;
	if (mysql_query(r->my, "SHOW STATUS LIKE 'binlog_snapshot_%'") != 0 ||
	    (res = mysql_store_result(r->my)) == NULL) {
		snprintf(err, errlen, "%s: SHOW STATUS LIKE 'binlog_snapshot_%%': %s",
		    r->where, mysql_error(r->my));
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] == NULL || row[1] == NULL)
			continue;
		if (strcmp(row[0], "Binlog_snapshot_file") == 0)
			snprintf(out->file, sizeof(out->file), "%s", row[1]);
		else if (strcmp(row[0], "Binlog_snapshot_position") == 0)
			out->pos = strtoull(row[1], NULL, 10);
	}
	mysql_free_result(res);
	if (out->file[0] == '\0' || out->pos == 0) {
		snprintf(err, errlen, "%s: the source reports no binlog_snapshot_file: is "
		    "binary logging on (log_bin)?", r->where);
		return false;
	}
	/* no GTIDs: see snapshot_open */
	free(out->gtid);
	out->gtid = strdup("");
	if (out->gtid == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
fail:
	snprintf(err, errlen, "%s", r->err);
	return false;
}

/* MySQL: the reader's snapshot opened under a brief global read lock. */
static bool
open_mysql(struct snapshot_coord *co, struct dest *r, struct snap_pos *out,
    char *err, size_t errlen)
{
	struct timespec t0;
	char *f[5];
	unsigned nf, held, tries;
	bool ok;

	pthread_mutex_lock(&co->mu);
	for (tries = 0;; tries++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (dest_exec(&co->d, co->per_table ? co->lock_tables_sql :
		    "FLUSH TABLES WITH READ LOCK"))
			break;
		if (!co->per_table && co->lock_tables_sql != NULL &&
		    (co->d.errnum == ER_SPECIFIC_ACCESS_DENIED_ERROR ||
		    co->d.errnum == ER_DBACCESS_DENIED_ERROR ||
		    co->d.errnum == ER_ACCESS_DENIED_ERROR)) {
			log_warn("%s: each snapshot is opened under LOCK TABLES ... READ of "
			    "the copied tables instead", co->d.err);
			co->per_table = true;
			tries = 0;
			continue;
		}
		if (co->d.errnum != ER_LOCK_WAIT_TIMEOUT || tries >= 60) {
			snprintf(err, errlen, "%s%s", co->d.err, co->d.errnum ==
			    ER_LOCK_WAIT_TIMEOUT ? " (60 tries: a long query or "
			    "transaction holds the tables)" : co->d.errnum ==
			    ER_SPECIFIC_ACCESS_DENIED_ERROR || co->d.errnum ==
			    ER_DBACCESS_DENIED_ERROR ? " (the source account needs RELOAD "
			    "for the snapshot's brief FLUSH TABLES WITH READ LOCK, or LOCK "
			    "TABLES on the copied databases)" : "");
			pthread_mutex_unlock(&co->mu);
			return false;
		}
		log_warn("%s: FLUSH TABLES WITH READ LOCK waited 1 s (a long query?); "
		    "trying again", co->d.where);
		usleep(200000);
	}
	ok = dest_exec(r, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
	if (!ok)
		snprintf(err, errlen, "%s", r->err);
	else if (!(ok = query_row(&co->d, dest_binlog_status_sql(&co->d), f, 5, &nf)))
		snprintf(err, errlen, "%s", co->d.err);
	if (!dest_exec(&co->d, "UNLOCK TABLES") && ok) {
		snprintf(err, errlen, "%s", co->d.err);
		ok = false;
	}
	held = ms_since(&t0);
	if (held > co->max_held_ms)
		co->max_held_ms = held;
	co->snapshots++;
	pthread_mutex_unlock(&co->mu);
	if (!ok)
		return false;
	log_info("snapshot lock held for %u ms", held);
	if (f[0] == NULL || f[1] == NULL) {
		snprintf(err, errlen, "%s: %s shows no binlog: is binary logging on "
		    "(log_bin)?", co->d.where, dest_binlog_status_sql(&co->d));
		for (unsigned i = 0; i < 5; i++)
			free(f[i]);
		return false;
	}
	snprintf(out->file, sizeof(out->file), "%s", f[0]);
	out->pos = strtoull(f[1], NULL, 10);
	free(out->gtid);
	out->gtid = strdup(nf >= 5 && f[4] ? f[4] : "");
	if (out->gtid != NULL)
		snap_gtid_compact(out->gtid);
	for (unsigned i = 0; i < 5; i++)
		free(f[i]);
	return out->gtid != NULL;
}

bool
snapshot_open(struct snapshot_coord *co, struct dest *r, struct snap_pos *out,
    char *err, size_t errlen)
{
	if (!dest_exec(r, "COMMIT") ||
	    !dest_exec(r, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")) {
		snprintf(err, errlen, "%s", r->err);
		return false;
	}
	return co->mariadb ? open_mariadb(r, out, err, errlen) :
	    open_mysql(co, r, out, err, errlen);
}

bool
snapshot_position_now(struct dest *src, struct snap_pos *out, char *err, size_t errlen)
{
	const char *sql = dest_binlog_status_sql(src);
	bool mariadb = dest_is_mariadb(src);
	char *f[5];
	unsigned nf;

	if (!query_row(src, sql, f, 5, &nf)) {
		snprintf(err, errlen, "%s", src->err);
		return false;
	}
	if (f[0] == NULL || f[1] == NULL) {
		snprintf(err, errlen, "%s: %s shows no binlog: binary logging is off (log_bin)",
		    src->where, sql);
		src->errnum = 0;
		for (unsigned i = 0; i < 5; i++)
			free(f[i]);
		return false;
	}
	snprintf(out->file, sizeof(out->file), "%s", f[0]);
	out->pos = strtoull(f[1], NULL, 10);
	free(out->gtid);
	out->gtid = strdup(!mariadb && nf >= 5 && f[4] ? f[4] : "");
	for (unsigned i = 0; i < 5; i++)
		free(f[i]);
	if (out->gtid == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (mariadb && !snapshot_gtid_at(src, out)) {
		snprintf(err, errlen, "%s", src->err);
		return false;
	}
	snap_gtid_compact(out->gtid);
	return true;
}
