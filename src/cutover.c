/* cutover.c: `myshift cutover`: lag, fence, final position, hook, record, stop, and the reverse configuration. */
#include "src/cutover.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/state.h"
#include "src/snapshot.h"
#include "src/statuscli.h"
#include "src/verify.h"

/* What /status says, as far as the cutover needs it. */
struct rstatus {
	char phase[32];
	char file[256];
	uint64_t pos;
	long long lag_ms;   /* -1 unknown */
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The value after "key": in myshift's own flat JSON (NULL if absent). */
static const char *
json_at(const char *j, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\": ", key);
	p = strstr(j, k);
	return p ? p + strlen(k) : NULL;
}

static bool
get_status(const struct cfg *c, struct rstatus *st, char *err, size_t errlen)
{
	struct sbuf b = { 0 };
	int code = 0;
	const char *p;

	memset(st, 0, sizeof(*st));
	st->lag_ms = -1;
	if (!statuscli_http(c->status_listen, "GET", "/status", &b, &code, err, errlen)) {
		sbuf_free(&b);
		return false;
	}
	sbuf_addc(&b, '\0');
	if (code != 200 || b.oom) {
		snprintf(err, errlen, "%s: GET /status: HTTP %d", c->status_listen, code);
		sbuf_free(&b);
		return false;
	}
	if ((p = json_at(b.p, "phase")) != NULL && *p == '"')
		sscanf(p + 1, "%31[^\"]", st->phase);
	if ((p = json_at(b.p, "source_file")) != NULL && *p == '"')
		sscanf(p + 1, "%255[^\"]", st->file);
	if ((p = json_at(b.p, "source_pos")) != NULL)
		st->pos = strtoull(p, NULL, 10);
	if ((p = json_at(b.p, "lag_ms")) != NULL && *p != 'n')
		st->lag_ms = strtoll(p, NULL, 10);
	sbuf_free(&b);
	return true;
}

/* Sessions with uncommitted changes on the source, for the report. */
static void
list_writers(struct dest *src, FILE *out)
{
	MYSQL_RES *res = dest_result(src, "SELECT t.trx_mysql_thread_id, IFNULL(p.USER, ''), "
	    "IFNULL(p.HOST, ''), t.trx_started, t.trx_rows_modified FROM "
	    "information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p "
	    "ON p.ID = t.trx_mysql_thread_id WHERE t.trx_rows_modified > 0 OR "
	    "t.trx_state = 'LOCK WAIT'");
	MYSQL_ROW row;

	if (res == NULL) {
		fprintf(out, "  (cannot list them: %s)\n", src->err);
		return;
	}
	while ((row = mysql_fetch_row(res)) != NULL)
		fprintf(out, "  session %s of %s@%s: a transaction open since %s, %s rows "
		    "changed\n", row[0], row[1], row[2], row[3], row[4]);
	mysql_free_result(res);
}

/*
 * Whether the destination holds XA transactions the source prepared and has
 * not finished (src/applier_xa.c): cut over now, and their outcome would be
 * decided on a source nobody replicates from.  Says so on stderr; a query
 * error counts as unfinished (nothing is changed on a doubt).
 */
static bool
xa_unfinished(struct dest *dst, const struct cfg *c)
{
	char sql[300], *v = NULL;
	bool some;

	snprintf(sql, sizeof(sql), "SELECT COUNT(DISTINCT xid) FROM `%s`.`xa_pending`",
	    c->state_schema);
	if (!dest_value(dst, sql, &v)) {
		fprintf(stderr, "myshift: cutover: %s\n", dst->err);
		return true;
	}
	some = v != NULL && strcmp(v, "0") != 0;
	if (some)
		fprintf(stderr, "myshift: cutover: %s XA transaction(s) prepared on the source "
		    "are not finished (XA RECOVER on the source lists them): commit or roll "
		    "them back there, then cut over; nothing was changed by this step\n", v);
	free(v);
	return some;
}

/* Write a value of the reverse configuration only when it is set. */
static void
kv(FILE *f, const char *k, const char *v)
{
	if (v != NULL && v[0] != '\0')
		fprintf(f, "%s = %s\n", k, v);
}

static void
link_out(FILE *f, const char *section, const struct cfg_link *l)
{
	fprintf(f, "[%s]\n", section);
	kv(f, "host", l->host);
	fprintf(f, "port = %d\n", l->port);
	kv(f, "socket", l->socket);
	kv(f, "user", l->user);
	if (l->password_file && l->password_file[0])
		kv(f, "password_file", l->password_file);
	else
		kv(f, "password", l->password);
	kv(f, "ssl_mode", l->ssl_mode);
	kv(f, "ssl_ca", l->ssl_ca);
	kv(f, "ssl_cert", l->ssl_cert);
	kv(f, "ssl_key", l->ssl_key);
	kv(f, "server_public_key", l->server_public_key);
	if (l->get_server_public_key)
		fprintf(f, "get_server_public_key = true\n");
	fprintf(f, "\n");
}

/* The way back: destination -> old source, from the destination's position at the switch. */
static bool
write_reverse(const struct cfg *c, const char *path, const struct snap_pos *dpos,
    char *err, size_t errlen)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	fprintf(f, "# Written by myshift cutover: replays what is written on the new primary\n"
	    "# (the old destination) from the moment of the switch back onto the old\n"
	    "# source, for a rollback that loses nothing: myshift run -c %s\n"
	    "# The old source's account below ([destination]) needs write privileges\n"
	    "# there (ALL on the replicated databases and on %s) and the right to\n"
	    "# write while it is read_only (MariaDB: READ_ONLY ADMIN; MySQL:\n"
	    "# CONNECTION_ADMIN, after SET GLOBAL super_read_only = OFF, which leaves\n"
	    "# read_only on for everyone else).\n\n",
	    path, c->state_schema);
	link_out(f, "source", &c->destination);
	link_out(f, "destination", &c->source);
	fprintf(f, "[replication]\nserver_id = %d\nstart = %s:%" PRIu64 "\n\n",
	    c->server_id == 2147483647 ? 1 : c->server_id + 1, dpos->file, dpos->pos);
	if (c->rename_databases[0] == '\0' && c->rename_tables[0] == '\0') {
		fprintf(f, "[filter]\n");
		kv(f, "include_databases", c->include_databases);
		kv(f, "exclude_databases", c->exclude_databases);
		kv(f, "include_tables", c->include_tables);
		kv(f, "exclude_tables", c->exclude_tables);
		fprintf(f, "\n");
	} else
		fprintf(f, "# [filter]: the forward run renames; write the reverse renames here\n\n");
	fprintf(f, "[apply]\nstate_schema = %s\n", c->state_schema);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* Run the hook with the switch's facts in its environment; its exit status. */
static int
run_hook(const struct cfg *c, const struct snap_pos *fin, const struct snap_pos *dpos,
    const char *reverse)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char b[64];
		setenv("MYSHIFT_FINAL_FILE", fin->file, 1);
		snprintf(b, sizeof(b), "%" PRIu64, fin->pos);
		setenv("MYSHIFT_FINAL_POS", b, 1);
		setenv("MYSHIFT_FINAL_GTID", fin->gtid ? fin->gtid : "", 1);
		setenv("MYSHIFT_DESTINATION_HOST", c->destination.host, 1);
		snprintf(b, sizeof(b), "%d", c->destination.port);
		setenv("MYSHIFT_DESTINATION_PORT", b, 1);
		setenv("MYSHIFT_DESTINATION_SOCKET", c->destination.socket ?
		    c->destination.socket : "", 1);
		setenv("MYSHIFT_DESTINATION_FILE", dpos->file, 1);
		snprintf(b, sizeof(b), "%" PRIu64, dpos->pos);
		setenv("MYSHIFT_DESTINATION_POS", b, 1);
		setenv("MYSHIFT_REVERSE_CONFIG", reverse ? reverse : "", 1);
		execl("/bin/sh", "sh", "-c", c->cutover_hook, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static bool
record(const struct cfg *c, struct dest *dst, const struct snap_pos *fin,
    const struct snap_pos *dpos, long pause_ms)
{
	struct sbuf q = { 0 };
	bool ok;

	ok = state_cutover_create(dst, c->state_schema);
	sbuf_printf(&q, "INSERT INTO `%s`.`cutover` (at, source_file, source_pos, source_gtid, "
	    "dest_file, dest_pos, dest_gtid, pause_ms) VALUES (NOW(6), ", c->state_schema);
	sbuf_sql_string(&q, fin->file);
	sbuf_printf(&q, ", %" PRIu64 ", ", fin->pos);
	sbuf_sql_string(&q, fin->gtid ? fin->gtid : "");
	sbuf_adds(&q, ", ");
	if (dpos->file[0]) {
		sbuf_sql_string(&q, dpos->file);
		sbuf_printf(&q, ", %" PRIu64 ", ", dpos->pos);
		sbuf_sql_string(&q, dpos->gtid ? dpos->gtid : "");
	} else
		sbuf_adds(&q, "NULL, NULL, NULL");
	sbuf_printf(&q, ", %ld)", pause_ms);
	sbuf_addc(&q, '\0');
	ok = ok && !q.oom && dest_exec(dst, q.p);
	sbuf_free(&q);
	return ok;
}

/*
 * The fence: MySQL's super_read_only (read_only alone lets accounts with
 * CONNECTION_ADMIN or SUPER write on); MariaDB's read_only (accounts with
 * READ_ONLY ADMIN still write: the position is checked again below).
 */
static bool
set_read_only(struct dest *d, bool on)
{
	if (!dest_is_mariadb(d))
		return on ? dest_exec(d, "SET GLOBAL super_read_only = ON") :
		    dest_exec(d, "SET GLOBAL super_read_only = OFF, read_only = OFF");
	return dest_execf(d, "SET GLOBAL read_only = %s", on ? "ON" : "OFF");
}

/*
 * The quick verify, under the fence with the destination at the final
 * position: the rows the run changed last, compared on both servers.
 * False (the cutover cancelled) on any difference or when they cannot be
 * compared.
 */
static bool
quick_verify(const struct cfg *c, struct verify *qv, FILE *out)
{
	struct sbuf b = { 0 };
	char err[2048];
	int code = 0, rc;
	uint64_t compared = 0, differ = 0;
	double t0 = now_ms();

	if (!statuscli_http(c->status_listen, "GET", "/recent", &b, &code, err, sizeof(err))) {
		fprintf(stderr, "myshift: cutover: quick verify: %s\n", err);
		sbuf_free(&b);
		return false;
	}
	if (code == 404) {
		fprintf(out, "quick verify skipped: myshift run keeps no recent keys (it started "
		    "with [cutover] verify_rows = 0)\n");
		sbuf_free(&b);
		return true;
	}
	sbuf_addc(&b, '\0');
	if (code != 200 || b.oom) {
		fprintf(stderr, "myshift: cutover: quick verify: GET /recent: HTTP %d\n", code);
		sbuf_free(&b);
		return false;
	}
	rc = verify_keys(qv, b.p, &compared, &differ, err, sizeof(err));
	sbuf_free(&b);
	fflush(out); /* the rows listed come before the verdict */
	if (rc == VERIFY_ERROR) {
		fprintf(stderr, "myshift: cutover: quick verify: %s (set [cutover] verify_rows "
		    "= 0 to cut over without it)\n", err);
		return false;
	}
	if (rc == VERIFY_DIFFERENT) {
		fprintf(stderr, "myshift: cutover: quick verify: %" PRIu64 " of the %" PRIu64
		    " rows changed last differ on the destination (listed above): not "
		    "switching; run myshift verify --repair, then cut over again\n", differ,
		    compared);
		return false;
	}
	fprintf(out, "quick verify: the %" PRIu64 " rows changed last are identical on both "
	    "servers (%.0f ms)\n", compared, now_ms() - t0);
	return true;
}

int
cutover_run(const struct cfg *c, const struct filter *f, bool dry_run, FILE *out)
{
	struct dest src = { 0 }, dst = { 0 };
	struct verify *qv = NULL;
	struct snap_pos fin = { 0 }, dpos = { 0 };
	struct rstatus st;
	char err[2048], reverse[1024], *v = NULL;
	double t0, t_fence = 0;
	bool fenced = false, dst_binlog = false, ok = false;
	int rc = 1;

	if (c->status_listen == NULL || c->status_listen[0] == '\0') {
		fprintf(stderr, "myshift: cutover: [status] listen is not set: the cutover talks "
		    "to the running myshift through it\n");
		return 1;
	}
	if (!get_status(c, &st, err, sizeof(err))) {
		fprintf(stderr, "myshift: cutover: %s\n", err);
		return 1;
	}
	if (!dest_connect(&src, &c->source, "source") ||
	    !dest_connect(&dst, &c->destination, "destination")) {
		fprintf(stderr, "myshift: cutover: %s\n", src.my ? dst.err : src.err);
		goto out;
	}
	if (c->cutover_reverse && c->cutover_reverse[0])
		snprintf(reverse, sizeof(reverse), "%s", c->cutover_reverse);
	else
		snprintf(reverse, sizeof(reverse), "%s.reverse", c->path);
	if (!dest_value(&dst, "SELECT @@GLOBAL.log_bin", &v)) {
		fprintf(stderr, "myshift: cutover: %s\n", dst.err);
		goto out;
	}
	dst_binlog = v && strcmp(v, "1") == 0;
	free(v);
	v = NULL;
	fprintf(out, "cutover: myshift is %s at %s:%" PRIu64 ", lag %lld ms\n", st.phase,
	    st.file, st.pos, st.lag_ms);
	if (dry_run) {
		fprintf(out, "would wait until the lag is under %d ms (at most %d s), then SET "
		    "GLOBAL %s = ON on the source (waiting at most %d s), wait until "
		    "the destination has applied the source's last write, %s%s, record it in "
		    "`%s`.`cutover` and stop myshift run\n", c->cutover_max_lag_ms,
		    c->cutover_wait, dest_is_mariadb(&src) ? "read_only" : "super_read_only",
		    c->cutover_fence_timeout, dst_binlog ?
		    "write the way back to " : "(no way back: the destination has no binary log) ",
		    dst_binlog ? reverse : "", c->state_schema);
		if (c->cutover_verify_rows > 0)
			fprintf(out, "would compare the last %d rows changed on both servers before "
			    "switching\n", c->cutover_verify_rows);
		if (c->cutover_hook[0])
			fprintf(out, "would run the hook: %s\n", c->cutover_hook);
		rc = strcmp(st.phase, "streaming") == 0 ? 0 : 1;
		if (rc)
			fprintf(out, "not possible now: myshift is not streaming yet\n");
		goto out;
	}
	/* 1. the lag */
	t0 = now_ms();
	while (strcmp(st.phase, "streaming") != 0 || st.lag_ms < 0 ||
	    st.lag_ms > c->cutover_max_lag_ms) {
		if (now_ms() - t0 > c->cutover_wait * 1000.0) {
			fprintf(stderr, "myshift: cutover: the lag stayed over %d ms for %d s "
			    "(phase %s, lag %lld ms): nothing was changed\n", c->cutover_max_lag_ms,
			    c->cutover_wait, st.phase, st.lag_ms);
			goto out;
		}
		usleep(100000);
		if (!get_status(c, &st, err, sizeof(err))) {
			fprintf(stderr, "myshift: cutover: %s\n", err);
			goto out;
		}
	}
	/* the quick verify's connections, before the pause */
	if (c->cutover_verify_rows > 0 &&
	    (qv = verify_open(c, f, out, err, sizeof(err))) == NULL) {
		fprintf(stderr, "myshift: cutover: quick verify: %s\n", err);
		goto out;
	}
	if (xa_unfinished(&dst, c))
		goto out;
	fprintf(out, "lag %lld ms: fencing the source\n", st.lag_ms);
	/* 2. the fence */
	if (!dest_execf(&src, "SET SESSION lock_wait_timeout = %d", c->cutover_fence_timeout)) {
		fprintf(stderr, "myshift: cutover: %s\n", src.err);
		goto out;
	}
	t_fence = now_ms();
	if (!set_read_only(&src, true)) {
		fprintf(stderr, "myshift: cutover: cannot fence the source: %s\n", src.err);
		if (src.errnum == ER_LOCK_WAIT_TIMEOUT) {
			fprintf(stderr, "sessions still writing:\n");
			list_writers(&src, stderr);
		} else if (src.errnum == ER_SPECIFIC_ACCESS_DENIED_ERROR)
			fprintf(stderr, "the source account needs SUPER or SYSTEM_VARIABLES_ADMIN "
			    "(MariaDB: READ_ONLY ADMIN) to set read_only\n");
		fprintf(stderr, "nothing was changed: the source is writable\n");
		goto out;
	}
	fenced = true;
	/* 3. the source's last write */
	if (!snapshot_position_now(&src, &fin, err, sizeof(err))) {
		fprintf(stderr, "myshift: cutover: %s\n", err);
		goto out;
	}
	fprintf(out, "source fenced (%s) in %.0f ms; its last write ends at %s:%" PRIu64
	    "%s%s\n", dest_is_mariadb(&src) ? "read_only" : "super_read_only",
	    now_ms() - t_fence, fin.file, fin.pos, fin.gtid && fin.gtid[0] ?
	    ", GTIDs " : "", fin.gtid ? fin.gtid : "");
	/* 4. the destination reaches it */
	for (;;) {
		if (!get_status(c, &st, err, sizeof(err))) {
			fprintf(stderr, "myshift: cutover: %s\n", err);
			goto out;
		}
		if (st.file[0] && snap_pos_cmp(st.file, st.pos, fin.file, fin.pos) >= 0)
			break;
		if (now_ms() - t_fence > c->cutover_wait * 1000.0) {
			fprintf(stderr, "myshift: cutover: the destination did not reach %s:%" PRIu64
			    " in %d s (it is at %s:%" PRIu64 ")\n", fin.file, fin.pos,
			    c->cutover_wait, st.file, st.pos);
			goto out;
		}
		usleep(5000);
	}
	/* one prepared between the first look and the fence */
	if (xa_unfinished(&dst, c))
		goto out;
	if (qv != NULL && !quick_verify(c, qv, out))
		goto out;
	/* nothing may have been written since: a session the fence does not stop */
	{
		struct snap_pos again = { 0 };
		bool moved;
		if (!snapshot_position_now(&src, &again, err, sizeof(err))) {
			fprintf(stderr, "myshift: cutover: %s\n", err);
			goto out;
		}
		moved = snap_pos_cmp(again.file, again.pos, fin.file, fin.pos) != 0;
		if (moved)
			fprintf(stderr, "myshift: cutover: the source was written after the fence "
			    "(%s:%" PRIu64 " became %s:%" PRIu64 "): a session the fence does not "
			    "stop (MariaDB: READ_ONLY ADMIN or SUPER) still writes; stop it and "
			    "try again. Sessions:\n", fin.file, fin.pos, again.file, again.pos);
		snap_pos_free(&again);
		if (moved) {
			list_writers(&src, stderr);
			goto out;
		}
	}
	/* 5. the way back */
	if (dst_binlog) {
		if (!snapshot_position_now(&dst, &dpos, err, sizeof(err))) {
			fprintf(stderr, "myshift: cutover: the destination's position: %s\n", err);
			goto out;
		}
		if (!write_reverse(c, reverse, &dpos, err, sizeof(err))) {
			fprintf(stderr, "myshift: cutover: %s\n", err);
			goto out;
		}
	}
	if (!dest_value(&dst, "SELECT @@GLOBAL.read_only", &v)) {
		fprintf(stderr, "myshift: cutover: %s\n", dst.err);
		goto out;
	}
	if (v && strcmp(v, "1") == 0) {
		if (!set_read_only(&dst, false)) {
			fprintf(stderr, "myshift: cutover: the destination is read_only and cannot "
			    "be made writable: %s\n", dst.err);
			goto out;
		}
		fprintf(out, "the destination was read_only: made writable\n");
	}
	/* 6. the hook */
	if (c->cutover_hook[0]) {
		int h = run_hook(c, &fin, &dpos, dst_binlog ? reverse : NULL);
		if (h != 0) {
			fprintf(stderr, "myshift: cutover: the hook failed (exit status %d): "
			    "nothing is switched\n", h);
			goto out;
		}
	}
	/* 7. record, stop */
	if (!record(c, &dst, &fin, &dpos, (long)(now_ms() - t_fence))) {
		fprintf(stderr, "myshift: cutover: recording it on the destination: %s\n",
		    dst.err);
		goto out;
	}
	{
		struct sbuf b = { 0 };
		int code = 0;
		if (!statuscli_http(c->status_listen, "POST", "/stop", &b, &code, err,
		    sizeof(err)) || code != 200)
			fprintf(out, "warning: could not stop myshift run over HTTP (%s): stop "
			    "it with SIGTERM; the destination has everything\n",
			    code ? "HTTP error" : err);
		sbuf_free(&b);
	}
	ok = true;
	rc = 0;
	fprintf(out, "cutover complete: write pause %.0f ms (source fenced to cutover "
	    "recorded)\nfinal source position %s:%" PRIu64 "\n", now_ms() - t_fence, fin.file,
	    fin.pos);
	if (fin.gtid && fin.gtid[0])
		fprintf(out, "final GTID set %s\n", fin.gtid);
	if (dst_binlog)
		fprintf(out, "the way back: myshift run -c %s (from %s:%" PRIu64 " of the "
		    "destination)\n", reverse, dpos.file, dpos.pos);
	else
		fprintf(out, "no way back: the destination has no binary log (log_bin)\n");
	if (c->destination.socket != NULL)
		fprintf(out, "the source stays %s: point the application at %s\n",
		    dest_is_mariadb(&src) ? "read_only" : "super_read_only",
		    c->destination.socket);
	else
		fprintf(out, "the source stays %s: point the application at %s:%d\n",
		    dest_is_mariadb(&src) ? "read_only" : "super_read_only",
		    c->destination.host, c->destination.port);
out:
	if (fenced && !ok) {
		if (set_read_only(&src, false))
			fprintf(stderr, "the source is writable again (read_only = OFF)\n");
		else
			fprintf(stderr, "the source is still read_only and could not be "
			    "unfenced: %s\n", src.err);
	}
	free(v);
	verify_close(qv);
	snap_pos_free(&fin);
	snap_pos_free(&dpos);
	dest_close(&src);
	dest_close(&dst);
	return rc;
}
