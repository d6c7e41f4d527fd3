/* copy.c: the parallel, chunked, resumable copy of the selected tables' rows. */
#include "src/copy.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/tablekey.h"


/* A statement whose failure changes nothing (a rollback, an unlock on the way out). */
static void
exec_quiet(struct dest *d, const char *sql)
{
	if (!dest_exec(d, sql))
		log_debug("%s", d->err);
}

struct copy_table {
	struct copy_spec spec;       /* strings owned */
	struct tk_table k;           /* columns and key (nkey 0: copied whole) */
	char *select_sql;            /* SELECT ... FROM t [FORCE INDEX] */
	char *load_sql;
	bool loaded;                 /* columns and key known */
	bool nontx;                  /* an engine without transactions (MyISAM, Aria...) */
	long long step;              /* > 0: an integer key, bounds spaced by value */
	long long vmin, vmax;        /* its values when the copy started */
	/* planning (under copy.mu) */
	char *next_lo;               /* NULL: from the start */
	bool planned_all, planning;
	unsigned next_seq;
	unsigned open;               /* chunks planned or queued, not committed */
	unsigned order;              /* its place in the list copy_new was given */
	uint64_t rows, chunks_done;
	bool gone;                   /* dropped or renamed on the source meanwhile */
};

/* What became of a chunk. */
enum chunk_result {
	CHUNK_OK,
	CHUNK_FAILED,                /* copy.err says why */
	CHUNK_CHANGED,               /* DDL since the reader's snapshot: read it again */
	CHUNK_GONE                   /* the table no longer exists on the source */
};

struct copy_chunk {
	struct copy_table *t;
	unsigned seq;
	char *lo, *hi;               /* literals joined by '\n'; NULL: open */
	bool full;                   /* planned by the server: chunk_rows rows then */
	struct copy_chunk *next;
};

struct copy_worker {
	struct copy *cp;
	unsigned id;
	pthread_t th;
	struct dest src, dst;
	struct snap_pos snap;
	time_t snap_at;
	bool locked;                 /* LOCK TABLES of a table copied whole */
	struct timespec locked_at;
	/* the chunk being fed to LOAD DATA LOCAL */
	MYSQL_RES *res;
	unsigned nf;
	struct copy_table *t;
	struct sbuf pend;
	size_t pend_off;
	uint64_t rows, bytes, unthrottled_rows, unthrottled_bytes;
	char read_err[1024];
};

struct copy {
	const struct cfg *cfg;
	bool mariadb;
	struct copy_table *tables;
	unsigned ntables;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct copy_chunk *todo;      /* planned by an earlier run, not finished */
	void (*table_done)(void *arg, const char *sdb, const char *stbl);
	void *table_done_arg;
	struct snapshot_coord co;
	bool stop, failed, fatal;
	char err[2048];
	/* progress */
	struct timespec t0;
	uint64_t rows, bytes, chunks_done, chunks_reused, rows_est, rows_reused;
	uint64_t tr_rows, tr_bytes;   /* counted for throttling */
	time_t last_report;
};

static void
table_free(struct copy_table *t)
{
	tk_free(&t->k);
	free((char *)t->spec.sdb);
	free((char *)t->spec.stbl);
	free((char *)t->spec.ddb);
	free((char *)t->spec.dtbl);
	free(t->select_sql);
	free(t->load_sql);
	free(t->next_lo);
}

static void
chunk_free(struct copy_chunk *ch)
{
	if (ch == NULL)
		return;
	free(ch->lo);
	free(ch->hi);
	free(ch);
}

/* Bigger tables first (the source's estimate), else in the order given. */
static int
by_size(const void *pa, const void *pb)
{
	const struct copy_table *a = pa, *b = pb;

	if (a->spec.rows_est != b->spec.rows_est)
		return a->spec.rows_est > b->spec.rows_est ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

struct copy *
copy_new(const struct cfg *c, const struct copy_spec *specs, unsigned n, bool mariadb)
{
	struct copy *cp = calloc(1, sizeof(*cp));

	if (cp == NULL)
		return NULL;
	cp->cfg = c;
	cp->mariadb = mariadb;
	cp->tables = calloc(n ? n : 1, sizeof(*cp->tables));
	if (cp->tables == NULL) {
		free(cp);
		return NULL;
	}
	pthread_mutex_init(&cp->mu, NULL);
	pthread_cond_init(&cp->cv, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct copy_table *t = &cp->tables[i];
		t->spec.sdb = strdup(specs[i].sdb);
		t->spec.stbl = strdup(specs[i].stbl);
		t->spec.ddb = strdup(specs[i].ddb);
		t->spec.dtbl = strdup(specs[i].dtbl);
		t->spec.rows_est = specs[i].rows_est;
		t->order = i;
		cp->rows_est += specs[i].rows_est;
		cp->ntables++;
		if (!t->spec.sdb || !t->spec.stbl || !t->spec.ddb || !t->spec.dtbl) {
			copy_free(cp);
			return NULL;
		}
	}
	/*
	 * The biggest tables first: the workers take tables in this order,
	 * so the table copied last, whose indexes are built after the copy
	 * while nothing else runs, is a small one.
	 */
	qsort(cp->tables, cp->ntables, sizeof(*cp->tables), by_size);
	return cp;
}

void
copy_free(struct copy *cp)
{
	if (cp == NULL)
		return;
	for (unsigned i = 0; i < cp->ntables; i++)
		table_free(&cp->tables[i]);
	free(cp->tables);
	while (cp->todo != NULL) {
		struct copy_chunk *ch = cp->todo;
		cp->todo = ch->next;
		chunk_free(ch);
	}
	pthread_mutex_destroy(&cp->mu);
	pthread_cond_destroy(&cp->cv);
	free(cp);
}

bool
copy_state_create(struct dest *d, const char *schema)
{
	/*
	 * snap_*: the position the chunk's rows are as of (for a table of an
	 * engine without transactions: at least as of); end_*: for such a
	 * table's chunk with a key, the source's position once its rows were
	 * read (changes up to there may be in them).
	 */
	if (!dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`copy_chunks` ("
	    "src_db VARCHAR(64) NOT NULL, src_table VARCHAR(64) NOT NULL, "
	    "seq INT UNSIGNED NOT NULL, lo MEDIUMTEXT NULL, hi MEDIUMTEXT NULL, "
	    "done TINYINT NOT NULL DEFAULT 0, rows_copied BIGINT UNSIGNED NOT NULL "
	    "DEFAULT 0, bytes BIGINT UNSIGNED NOT NULL DEFAULT 0, "
	    "snap_file VARCHAR(512) NULL, snap_pos BIGINT UNSIGNED NULL, "
	    "snap_gtid MEDIUMTEXT NULL, keyless TINYINT NOT NULL DEFAULT 0, "
	    "end_file VARCHAR(512) NULL, end_pos BIGINT UNSIGNED NULL, "
	    "updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE "
	    "CURRENT_TIMESTAMP(6), PRIMARY KEY (src_db, src_table, seq)) "
	    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin", schema))
		return false;
	/* a state schema of an earlier version */
	return dest_add_column(d, schema, "copy_chunks", "end_file",
	    "end_file VARCHAR(512) NULL AFTER keyless") &&
	    dest_add_column(d, schema, "copy_chunks", "end_pos",
	    "end_pos BIGINT UNSIGNED NULL AFTER end_file") &&
	    dest_add_column(d, schema, "copy_chunks", "gone",
	    "gone TINYINT NOT NULL DEFAULT 0 AFTER end_pos");
}

static void
set_fail(struct copy *cp, bool fatal, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record the first failure; every worker stops after its chunk. */
static void
set_fail(struct copy *cp, bool fatal, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&cp->mu);
	if (!cp->failed) {
		cp->failed = true;
		cp->fatal = fatal;
		va_start(ap, fmt);
		vsnprintf(cp->err, sizeof(cp->err), fmt, ap);
		va_end(ap);
	}
	cp->stop = true;
	pthread_cond_broadcast(&cp->cv);
	pthread_mutex_unlock(&cp->mu);
}

/* An error of connection d: fatal unless a reconnect may cure it. */
static void
fail_dest(struct copy *cp, struct dest *d, const char *context)
{
	set_fail(cp, !dest_transient(d), "%s: %s", context, d->err);
}

/*
 * The error of a read on the source that another snapshot may not get:
 * 1412, the table changed by DDL (TRUNCATE, ALTER...) since the snapshot
 * began (MariaDB); 1146, the table dropped or renamed.
 */
static enum chunk_result
read_error_kind(const struct dest *src)
{
	if (src->errnum == ER_TABLE_DEF_CHANGED)
		return CHUNK_CHANGED;
	if (src->errnum == ER_NO_SUCH_TABLE)
		return CHUNK_GONE;
	return CHUNK_FAILED;
}

/* Build the statements of a loaded table (json: MySQL's JSON, into MySQL). */
static bool
table_statements(struct copy_table *t, bool dst_mysql)
{
	struct sbuf s = { 0 }, l = { 0 }, set = { 0 };
	bool first = true;

	sbuf_adds(&s, "SELECT ");
	sbuf_adds(&l, "LOAD DATA LOCAL INFILE 'myshift-copy' INTO TABLE ");
	tk_add_ident(&l, t->spec.ddb, t->spec.dtbl);
	sbuf_adds(&l, " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY "
	    "'\\\\' LINES TERMINATED BY '\\n' (");
	for (unsigned i = 0; i < t->k.ncols; i++) {
		struct tk_col *c = &t->k.cols[i];
		bool json = c->json && dst_mysql;
		if (c->generated)
			continue;
		if (!first) {
			sbuf_adds(&s, ", ");
			sbuf_adds(&l, ", ");
		}
		first = false;
		if (c->is_float) {
			/* FLOAT prints with 6 digits: as DOUBLE it is exact (shortest round trip) */
			sbuf_adds(&s, "CAST(");
			dest_quote(&s, c->name);
			sbuf_adds(&s, " AS DOUBLE)");
		} else
			dest_quote(&s, c->name);
		if (c->bit)
			sbuf_adds(&s, " + 0");
		/*
		 * BIT arrives as a number; MySQL's JSON and MariaDB's INET4,
		 * INET6 and UUID as text, which LOAD DATA's binary character set
		 * would make a binary string (for the latter, their packed form):
		 * made text again.
		 */
		if (c->bit || json || c->as_text) {
			sbuf_printf(&l, "@v%u", i);
			sbuf_adds(&set, set.len ? ", " : " SET ");
			dest_quote(&set, c->name);
			sbuf_printf(&set, c->bit ? " = CAST(@v%u AS UNSIGNED)" :
			    " = CONVERT(@v%u USING utf8mb4)", i);
		} else
			dest_quote(&l, c->name);
	}
	sbuf_adds(&s, " FROM ");
	tk_add_ident(&s, t->spec.sdb, t->spec.stbl);
	if (t->k.nkey > 0) {
		sbuf_adds(&s, " FORCE INDEX (");
		dest_quote(&s, t->k.key_name);
		sbuf_addc(&s, ')');
	}
	sbuf_addc(&l, ')');
	if (set.len)
		sbuf_add(&l, set.p, set.len);
	sbuf_addc(&s, '\0');
	sbuf_addc(&l, '\0');
	if (s.oom || l.oom || set.oom) {
		sbuf_free(&s);
		sbuf_free(&l);
		sbuf_free(&set);
		return false;
	}
	sbuf_free(&set);
	t->select_sql = s.p;
	t->load_sql = l.p;
	t->loaded = true;
	return true;
}

/* The chunk's SELECT. */
static bool
chunk_select(const struct copy_chunk *ch, struct sbuf *q)
{
	const struct copy_table *t = ch->t;

	sbuf_adds(q, t->select_sql);
	if (!tk_add_range(q, &t->k, ch->lo, ch->hi))
		return false;
	sbuf_addc(q, '\0');
	return !q->oom;
}

/*
 * Plan t's next chunk on the worker's source connection: its upper bound
 * is the key chunk_rows rows after its lower one, found by the server.
 */
static struct copy_chunk *
plan_chunk(struct copy_worker *w, struct copy_table *t, const char *lo, unsigned seq,
    enum chunk_result *why)
{
	struct copy *cp = w->cp;
	struct copy_chunk *ch = calloc(1, sizeof(*ch));
	char err[1024];

	if (ch == NULL)
		return NULL;
	ch->t = t;
	ch->seq = seq;
	ch->lo = lo ? strdup(lo) : NULL;
	if (t->k.nkey == 0)
		return ch; /* the whole table, in one snapshot */
	if (t->step > 0) {
		/* an integer key: the next bound by value, no read of the table */
		long long from = t->vmin, to;
		char *e, num[32];
		errno = 0;
		if (lo != NULL)
			from = strtoll(lo, &e, 10);
		if (lo == NULL || (errno == 0 && e != lo && *e == '\0')) {
			if (from > t->vmax - t->step)
				return ch; /* open: the rest of the table */
			to = from + t->step;
			snprintf(num, sizeof(num), "%lld", to);
			if ((ch->hi = strdup(num)) == NULL) {
				chunk_free(ch);
				set_fail(cp, true, "out of memory");
				return NULL;
			}
			return ch;
		}
	}
	if (!tk_next_bound(&w->src, t->spec.sdb, t->spec.stbl, &t->k, lo,
	    cp->cfg->copy_chunk_rows, &ch->hi, err, sizeof(err))) {
		chunk_free(ch);
		if (w->src.err[0] != '\0' && (*why = read_error_kind(&w->src)) != CHUNK_FAILED)
			return NULL; /* DDL since the snapshot, or the table gone */
		*why = CHUNK_FAILED;
		if (w->src.err[0] != '\0')
			fail_dest(cp, &w->src, "planning a chunk");
		else
			set_fail(cp, true, "%s", err);
		return NULL;
	}
	ch->full = ch->hi != NULL;
	return ch;
}

/*
 * A key of one integer column: chunks spaced by value from its smallest to
 * its largest value, each about chunk_rows rows wide where the values are
 * dense (the table's row estimate says how dense), planned without reading
 * the table (the server's bound, found by walking chunk_rows keys, costs a
 * read of the chunk's keys on the source); the last chunk is open, for
 * rows inserted past the largest.  Ranges partition the key's values
 * whatever the rows are; the comparison of integers is the server's own.
 * Other keys (and integers too wide to step) keep the server's bounds.
 */
static bool
value_steps(struct copy *cp, struct dest *d, struct copy_table *t)
{
	long long lo, hi, est, step, rows = cp->cfg->copy_chunk_rows;
	int span;

	t->step = 0;
	span = tk_int_span(d, t->spec.sdb, t->spec.stbl, &t->k, &lo, &hi, &est);
	if (span < 0) {
		fail_dest(cp, d, "planning the chunks");
		return false;
	}
	if (span == 0)
		return true; /* not an integer key, empty, or too wide: the server's bounds */
	/* small, or an estimate not to be trusted (0 after a bulk load): the server's bounds */
	if (est < rows)
		return true;
	step = (long long)((long double)(hi - lo + 1) * rows / (long double)est);
	if (step < rows / 4 + 1)
		step = rows / 4 + 1;
	if ((hi - lo) / step > 10000000)
		return true;
	t->step = step;
	t->vmin = lo;
	t->vmax = hi;
	return true;
}

/* Record a planned chunk (autocommit): a restart copies it with the same bounds. */
static bool
chunk_record(struct copy_worker *w, const struct copy_chunk *ch)
{
	struct sbuf q = { 0 };
	bool ok;

	sbuf_printf(&q, "INSERT INTO `%s`.`copy_chunks` (src_db, src_table, seq, lo, hi, "
	    "keyless) VALUES (", w->cp->cfg->state_schema);
	sbuf_sql_string(&q, ch->t->spec.sdb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, ch->t->spec.stbl);
	sbuf_printf(&q, ", %u, ", ch->seq);
	if (ch->lo)
		sbuf_sql_string(&q, ch->lo);
	else
		sbuf_adds(&q, "NULL");
	sbuf_adds(&q, ", ");
	if (ch->hi)
		sbuf_sql_string(&q, ch->hi);
	else
		sbuf_adds(&q, "NULL");
	sbuf_printf(&q, ", %d)", ch->t->k.nkey == 0);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&w->dst, q.p);
	sbuf_free(&q);
	if (!ok)
		fail_dest(w->cp, &w->dst, "recording a chunk");
	return ok;
}

/* Throttle to [copy] max_rows_per_second / max_bytes_per_second. */
static void
throttle(struct copy *cp, uint64_t rows, uint64_t bytes)
{
	const struct cfg *c = cp->cfg;
	struct timespec now;
	double need = 0, elapsed;

	if (c->copy_max_rows <= 0 && c->copy_max_bytes <= 0)
		return;
	pthread_mutex_lock(&cp->mu);
	cp->tr_rows += rows;
	cp->tr_bytes += bytes;
	if (c->copy_max_rows > 0)
		need = (double)cp->tr_rows / c->copy_max_rows;
	if (c->copy_max_bytes > 0 && (double)cp->tr_bytes / (double)c->copy_max_bytes > need)
		need = (double)cp->tr_bytes / (double)c->copy_max_bytes;
	pthread_mutex_unlock(&cp->mu);
	/* until the copy's pace is back under the caps, a second at a time (a stop is seen) */
	for (;;) {
		bool stop;
		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (double)(now.tv_sec - cp->t0.tv_sec) +
		    (now.tv_nsec - cp->t0.tv_nsec) / 1e9;
		pthread_mutex_lock(&cp->mu);
		stop = cp->stop;
		pthread_mutex_unlock(&cp->mu);
		if (need <= elapsed || stop)
			break;
		usleep((useconds_t)((need - elapsed > 1 ? 1 : need - elapsed) * 1e6));
	}
}

/* Append one field in LOAD DATA's escaped text form. */
static void
add_field(struct sbuf *b, const char *v, unsigned long len)
{
	if (v == NULL) {
		sbuf_adds(b, "\\N");
		return;
	}
	if (!sbuf_grow(b, len * 2 + 1))
		return;
	char *o = b->p + b->len;
	const char *e = v + len;
	while (v < e) {
		/* runs of bytes that need no escape are copied whole */
		const char *r = v;
		while (r < e && *r != '\\' && *r != '\t' && *r != '\n' && *r != '\0')
			r++;
		memcpy(o, v, (size_t)(r - v));
		o += r - v;
		if (r == e)
			break;
		*o++ = '\\';
		*o++ = *r == '\t' ? 't' : *r == '\n' ? 'n' : *r == '\0' ? '0' : '\\';
		v = r + 1;
	}
	b->len = (size_t)(o - b->p);
}

/* LOAD DATA LOCAL's callbacks: the "file" is the chunk's result set. */
static int
li_init(void **ptr, const char *name, void *userdata)
{
	(void)name;
	*ptr = userdata;
	return 0;
}

static int
li_read(void *ptr, char *buf, unsigned int len)
{
	struct copy_worker *w = ptr;

	while (w->pend_off >= w->pend.len) {
		MYSQL_ROW row;
		unsigned long *lens;

		sbuf_reset(&w->pend);
		w->pend_off = 0;
		if (w->res == NULL || w->cp->stop)
			return w->cp->stop ? -1 : 0;
		/* a batch of rows at a time */
		for (unsigned n = 0; n < 256 && w->pend.len < 65536; n++) {
			row = mysql_fetch_row(w->res);
			if (row == NULL) {
				if (mysql_errno(w->src.my) != 0) {
					snprintf(w->read_err, sizeof(w->read_err), "%s: reading "
					    "rows: %s (error %u)", w->src.where,
					    mysql_error(w->src.my), mysql_errno(w->src.my));
					w->src.errnum = mysql_errno(w->src.my);
					return -1;
				}
				mysql_free_result(w->res);
				w->res = NULL;
				break;
			}
			lens = mysql_fetch_lengths(w->res);
			for (unsigned i = 0; i < w->nf; i++) {
				if (i > 0)
					sbuf_addc(&w->pend, '\t');
				add_field(&w->pend, row[i], lens[i]);
			}
			sbuf_addc(&w->pend, '\n');
			w->rows++;
			w->unthrottled_rows++;
		}
		if (w->pend.oom) {
			snprintf(w->read_err, sizeof(w->read_err), "out of memory");
			return -1;
		}
		w->bytes += w->pend.len;
		w->unthrottled_bytes += w->pend.len;
		if (w->unthrottled_rows >= 1000 || w->unthrottled_bytes >= (1 << 20)) {
			throttle(w->cp, w->unthrottled_rows, w->unthrottled_bytes);
			w->unthrottled_rows = w->unthrottled_bytes = 0;
		}
		if (w->pend.len == 0)
			return 0;
	}
	size_t n = w->pend.len - w->pend_off;
	if (n > len)
		n = len;
	memcpy(buf, w->pend.p + w->pend_off, n);
	w->pend_off += n;
	return (int)n;
}

static void
li_end(void *ptr)
{
	(void)ptr;
}

static int
li_error(void *ptr, char *msg, unsigned int len)
{
	struct copy_worker *w = ptr;

	snprintf(msg, len, "%s", w->read_err[0] ? w->read_err : "copy stopped");
	return 2000;
}

/* Warnings of the LOAD DATA just run: false (with err) if any is not allowed. */
static bool
check_warnings(struct copy_worker *w, uint64_t *dups, char *err, size_t errlen)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sbuf m = { 0 };
	unsigned bad = 0;
	bool ignore = strcmp(w->cp->cfg->copy_on_conflict, "ignore") == 0;

	*dups = 0;
	if (mysql_warning_count(w->dst.my) == 0)
		return true;
	res = dest_result(&w->dst, "SHOW WARNINGS LIMIT 20");
	if (res == NULL) {
		snprintf(err, errlen, "%s", w->dst.err);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[1] && strcmp(row[1], "1062") == 0 && ignore) {
			(*dups)++;
			continue;
		}
		if (bad++ < 3)
			sbuf_printf(&m, "%s%s %s: %s", bad > 1 ? "; " : "", row[0] ? row[0] : "",
			    row[1] ? row[1] : "", row[2] ? row[2] : "");
	}
	mysql_free_result(res);
	if (bad == 0 && *dups < 20)
		return true;
	if (bad == 0) {
		/* more duplicates than listed: counted by the affected rows */
		return true;
	}
	sbuf_addc(&m, '\0');
	snprintf(err, errlen, "the destination changed or refused values (%u "
	    "warning(s)): %s", (unsigned)mysql_warning_count(w->dst.my),
	    m.p ? m.p : "");
	sbuf_free(&m);
	return false;
}

/*
 * A table of an engine without transactions and without a key is copied
 * whole at an exact position: its writers held off (LOCK TABLES ... READ)
 * from before the position is read until its last row is. A snapshot does
 * not hold such a table still, and replay of a table without a key cannot
 * be made idempotent. The worker's snapshot ends (LOCK TABLES commits);
 * its next chunk opens a new one.
 */
static bool
lock_whole(struct copy_worker *w, struct copy_table *t, const char *ctx)
{
	struct sbuf l = { 0 };
	char err[1024];
	struct timespec t0, t1;
	bool ok;

	exec_quiet(&w->src, "COMMIT");
	w->snap_at = 0;
	sbuf_adds(&l, "LOCK TABLES ");
	tk_add_ident(&l, t->spec.sdb, t->spec.stbl);
	sbuf_adds(&l, " READ");
	sbuf_addc(&l, '\0');
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok = !l.oom && dest_exec(&w->src, l.p);
	sbuf_free(&l);
	if (!ok) {
		set_fail(w->cp, !dest_transient(&w->src), "%s: %s: a table of engine "
		    "without transactions and without a key is copied under LOCK TABLES "
		    "... READ: grant LOCK TABLES on it to the source account, or ALTER "
		    "TABLE ... ENGINE = InnoDB on the source", ctx, w->src.err);
		return false;
	}
	w->locked = true;
	if (!snapshot_position_now(&w->src, &w->snap, err, sizeof(err))) {
		set_fail(w->cp, !dest_transient(&w->src), "%s: %s", ctx, err);
		exec_quiet(&w->src, "UNLOCK TABLES");
		w->locked = false;
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	w->locked_at = t1;
	log_info("%s: not transactional and without a key: read under LOCK TABLES "
	    "... READ (its writers wait until it is read; the lock took %ld ms to get)",
	    ctx, (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return true;
}

/* Copy one chunk in one destination transaction with its progress row. */
static enum chunk_result
copy_chunk(struct copy_worker *w, struct copy_chunk *ch)
{
	struct copy *cp = w->cp;
	struct copy_table *t = ch->t;
	struct sbuf q = { 0 };
	struct snap_pos end = { 0 };
	char err[2600], ctx[400];
	uint64_t dups, affected;
	enum chunk_result result = CHUNK_FAILED;
	bool ok;

	snprintf(ctx, sizeof(ctx), "copying `%s`.`%s` chunk %u", t->spec.sdb,
	    t->spec.stbl, ch->seq);
	if (t->nontx && t->k.nkey == 0 && !lock_whole(w, t, ctx))
		return CHUNK_FAILED;
	if (!chunk_select(ch, &q)) {
		sbuf_free(&q);
		set_fail(cp, true, "%s: bad stored bounds", ctx);
		return CHUNK_FAILED;
	}
	if (mysql_real_query(w->src.my, q.p, strlen(q.p)) != 0 ||
	    (w->res = mysql_use_result(w->src.my)) == NULL) {
		enum chunk_result r;
		w->src.errnum = mysql_errno(w->src.my);
		snprintf(w->src.err, sizeof(w->src.err), "%s: %s (error %u)", w->src.where,
		    mysql_error(w->src.my), w->src.errnum);
		sbuf_free(&q);
		if (w->locked) {
			exec_quiet(&w->src, "UNLOCK TABLES");
			w->locked = false;
		}
		if ((r = read_error_kind(&w->src)) != CHUNK_FAILED)
			return r;
		fail_dest(cp, &w->src, ctx);
		return CHUNK_FAILED;
	}
	sbuf_free(&q);
	w->nf = mysql_num_fields(w->res);
	w->t = t;
	w->rows = w->bytes = 0;
	w->read_err[0] = '\0';
	sbuf_reset(&w->pend);
	w->pend_off = 0;
	if (!dest_exec(&w->dst, "START TRANSACTION")) {
		fail_dest(cp, &w->dst, ctx);
		goto drain;
	}
	if (mysql_real_query(w->dst.my, t->load_sql, strlen(t->load_sql)) != 0) {
		w->dst.errnum = mysql_errno(w->dst.my);
		if (w->read_err[0] && read_error_kind(&w->src) != CHUNK_FAILED) {
			/* nothing of the chunk stays: it is read again, or skipped */
			exec_quiet(&w->dst, "ROLLBACK");
			result = read_error_kind(&w->src);
			goto drain;
		} else if (w->read_err[0]) {
			set_fail(cp, !dest_transient(&w->src), "%s: %s", ctx, w->read_err);
		} else {
			snprintf(w->dst.err, sizeof(w->dst.err), "%s: LOAD DATA LOCAL: %s "
			    "(error %u)%s", w->dst.where, mysql_error(w->dst.my),
			    w->dst.errnum, w->dst.errnum == 1148 || w->dst.errnum == 3948 ?
			    ": allow it on the destination (SET GLOBAL local_infile = 1)" : "");
			fail_dest(cp, &w->dst, ctx);
		}
		exec_quiet(&w->dst, "ROLLBACK");
		goto drain;
	}
	affected = mysql_affected_rows(w->dst.my);
	if (!check_warnings(w, &dups, err, sizeof(err))) {
		exec_quiet(&w->dst, "ROLLBACK");
		set_fail(cp, true, "%s: %s", ctx, err);
		goto drain;
	}
	if (affected != w->rows && strcmp(cp->cfg->copy_on_conflict, "ignore") != 0) {
		exec_quiet(&w->dst, "ROLLBACK");
		set_fail(cp, true, "%s: %" PRIu64 " rows read, %" PRIu64 " written: rows "
		    "already on the destination with the same key (on_conflict = ignore "
		    "leaves them as they are)", ctx, w->rows, affected);
		goto drain;
	}
	if (w->res != NULL) {
		mysql_free_result(w->res);
		w->res = NULL;
	}
	if (w->locked) {
		/* the whole table is read: its writers may go on */
		struct timespec t1;
		exec_quiet(&w->src, "UNLOCK TABLES");
		w->locked = false;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("%s: %" PRIu64 " rows read under LOCK TABLES ... READ, held %ld ms",
		    ctx, w->rows, (long)((t1.tv_sec - w->locked_at.tv_sec) * 1000 +
		    (t1.tv_nsec - w->locked_at.tv_nsec) / 1000000));
	}
	if (t->nontx && t->k.nkey > 0 &&
	    !snapshot_position_now(&w->src, &end, err, sizeof(err))) {
		exec_quiet(&w->dst, "ROLLBACK");
		set_fail(cp, !dest_transient(&w->src), "%s: the source's position after "
		    "the read: %s", ctx, err);
		snap_pos_free(&end);
		return CHUNK_FAILED;
	}
	sbuf_printf(&q, "UPDATE `%s`.`copy_chunks` SET done = 1, rows_copied = %" PRIu64
	    ", bytes = %" PRIu64 ", snap_file = ", cp->cfg->state_schema, w->rows, w->bytes);
	sbuf_sql_string(&q, w->snap.file);
	sbuf_printf(&q, ", snap_pos = %" PRIu64 ", snap_gtid = ", w->snap.pos);
	sbuf_sql_string(&q, w->snap.gtid ? w->snap.gtid : "");
	if (end.file[0]) {
		sbuf_adds(&q, ", end_file = ");
		sbuf_sql_string(&q, end.file);
		sbuf_printf(&q, ", end_pos = %" PRIu64, end.pos);
	}
	sbuf_adds(&q, " WHERE src_db = ");
	sbuf_sql_string(&q, t->spec.sdb);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, t->spec.stbl);
	sbuf_printf(&q, " AND seq = %u", ch->seq);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&w->dst, q.p) && dest_exec(&w->dst, "COMMIT");
	sbuf_free(&q);
	snap_pos_free(&end);
	if (!ok) {
		fail_dest(cp, &w->dst, ctx);
		exec_quiet(&w->dst, "ROLLBACK");
		return CHUNK_FAILED;
	}
	if (ch->full && w->rows == 0)
		/* rows deleted meanwhile, or bounds that do not read back as written */
		log_warn("%s: read no row, where the source counted %d when it planned the "
		    "chunk: unless they were deleted since, its bounds do not read back on "
		    "this server (a defect of myshift's for this key type): run myshift "
		    "verify once the copy is done", ctx, cp->cfg->copy_chunk_rows);
	pthread_mutex_lock(&cp->mu);
	cp->rows += w->rows;
	cp->bytes += w->bytes;
	cp->chunks_done++;
	t->rows += w->rows;
	t->chunks_done++;
	bool table_done = --t->open == 0 && t->planned_all && !t->planning;
	pthread_mutex_unlock(&cp->mu);
	if (table_done && cp->table_done != NULL)
		cp->table_done(cp->table_done_arg, t->spec.sdb, t->spec.stbl);
	log_debug("%s: %" PRIu64 " rows at %s:%" PRIu64, ctx, w->rows, w->snap.file,
	    w->snap.pos);
	return CHUNK_OK;
drain:
	if (w->res != NULL) {
		mysql_free_result(w->res); /* reads what is left */
		w->res = NULL;
	}
	if (w->locked) {
		exec_quiet(&w->src, "UNLOCK TABLES");
		w->locked = false;
	}
	return result;
}

static bool table_changed(struct copy_worker *w, struct copy_table *t, const char *what);
static bool table_gone(struct copy_worker *w, struct copy_table *t);

/* The next chunk for worker w, planning one if needed; NULL when all are done. */
static struct copy_chunk *
claim(struct copy_worker *w)
{
	struct copy *cp = w->cp;
	struct copy_chunk *ch;

	pthread_mutex_lock(&cp->mu);
	for (;;) {
		bool busy = false;
		if (cp->stop) {
			pthread_mutex_unlock(&cp->mu);
			return NULL;
		}
		if (cp->todo != NULL) {
			ch = cp->todo;
			cp->todo = ch->next;
			ch->next = NULL;
			pthread_mutex_unlock(&cp->mu);
			return ch;
		}
		/*
		 * Tables in order, each by as many workers as can get a chunk
		 * of it (a worker moves on while another plans the next one):
		 * tables are finished one after the other, and the indexer
		 * builds the first ones' indexes while the later ones are
		 * copied.
		 */
		bool again = false;
		for (unsigned k = 0; k < cp->ntables; k++) {
			struct copy_table *t = &cp->tables[k];
			if (t->planned_all)
				continue;
			if (t->planning) {
				busy = true;
				continue;
			}
			t->planning = true;
			char *lo = t->next_lo ? strdup(t->next_lo) : NULL;
			unsigned seq = t->next_seq;
			enum chunk_result why = CHUNK_FAILED;
			pthread_mutex_unlock(&cp->mu);
			ch = plan_chunk(w, t, lo, seq, &why);
			free(lo);
			if (ch != NULL && !chunk_record(w, ch)) {
				chunk_free(ch);
				ch = NULL;
			}
			if (ch == NULL && why != CHUNK_FAILED) {
				/* plan again in a fresh snapshot, or not at all */
				bool ok = why == CHUNK_CHANGED ?
				    table_changed(w, t, "the planning of its next chunk") :
				    table_gone(w, t);
				pthread_mutex_lock(&cp->mu);
				t->planning = false;
				pthread_cond_broadcast(&cp->cv);
				if (!ok) {
					pthread_mutex_unlock(&cp->mu);
					return NULL;
				}
				if (why == CHUNK_GONE && t->open == 0 && cp->table_done != NULL) {
					pthread_mutex_unlock(&cp->mu);
					cp->table_done(cp->table_done_arg, t->spec.sdb, t->spec.stbl);
					pthread_mutex_lock(&cp->mu);
				}
				again = true;
				break;
			}
			pthread_mutex_lock(&cp->mu);
			t->planning = false;
			if (ch != NULL) {
				t->open++;
				t->next_seq++;
				free(t->next_lo);
				t->next_lo = ch->hi ? strdup(ch->hi) : NULL;
				if (ch->hi == NULL)
					t->planned_all = true;
			}
			pthread_cond_broadcast(&cp->cv);
			pthread_mutex_unlock(&cp->mu);
			return ch;
		}
		if (again)
			continue; /* planned again in a fresh snapshot, or the table gone */
		if (!busy) {
			pthread_mutex_unlock(&cp->mu);
			return NULL;
		}
		pthread_cond_wait(&cp->cv, &cp->mu);
	}
}

/* Set up a worker's two sessions. */
static bool
worker_connect(struct copy_worker *w)
{
	struct copy *cp = w->cp;
	char name[32];

	snprintf(name, sizeof(name), "source (copy %u)", w->id);
	if (!dest_connect(&w->src, &cp->cfg->source, name) ||
	    !dest_exec(&w->src, "SET NAMES binary") ||
	    !dest_exec(&w->src, "SET SESSION time_zone = '+00:00', "
		"net_write_timeout = 3600, sql_mode = ''")) {
		fail_dest(cp, &w->src, "connecting the copy");
		return false;
	}
	snprintf(name, sizeof(name), "destination (copy %u)", w->id);
	w->dst.local_infile = true;
	if (!dest_connect(&w->dst, &cp->cfg->destination, name) ||
	    !dest_exec(&w->dst, "SET SESSION time_zone = '+00:00', "
		"foreign_key_checks = 0, net_read_timeout = 3600, "
		"sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', "
		"@myshift_session = 1")) {
		fail_dest(cp, &w->dst, "connecting the copy");
		return false;
	}
	if (!cp->cfg->copy_binlog && !dest_exec(&w->dst, "SET SESSION sql_log_bin = 0")) {
		set_fail(cp, !dest_transient(&w->dst), "[copy] binlog = false: %s (the "
		    "destination account needs SUPER, or BINLOG ADMIN on MariaDB, "
		    "SYSTEM_VARIABLES_ADMIN on MySQL)", w->dst.err);
		return false;
	}
	mysql_set_local_infile_handler(w->dst.my, li_init, li_read, li_end, li_error, w);
	return true;
}

/* Take a fresh snapshot when the current one is older than snapshot_max_age. */
static bool
worker_snapshot(struct copy_worker *w, bool force)
{
	char err[2048];

	if (!force && time(NULL) - w->snap_at < w->cp->cfg->copy_snapshot_age)
		return true;
	if (!snapshot_open(&w->cp->co, &w->src, &w->snap, err, sizeof(err))) {
		set_fail(w->cp, !dest_transient(&w->src) && !dest_transient(&w->cp->co.d),
		    "opening a snapshot: %s", err);
		return false;
	}
	w->snap_at = time(NULL);
	return true;
}

/* DDL changed t since the worker's snapshot (error 1412): a fresh snapshot. */
static bool
table_changed(struct copy_worker *w, struct copy_table *t, const char *what)
{
	log_info("`%s`.`%s` was changed by DDL on the source (TRUNCATE, ALTER, DROP...) "
	    "since the snapshot at %s:%" PRIu64 " %s was to be read in: read again in "
	    "a fresh snapshot", t->spec.sdb, t->spec.stbl, w->snap.file, w->snap.pos, what);
	return worker_snapshot(w, true);
}

/* A chunk of t is no longer to be copied: done, for the progress and the indexer. */
static void
chunk_settled(struct copy *cp, struct copy_table *t)
{
	pthread_mutex_lock(&cp->mu);
	cp->chunks_done++;
	t->chunks_done++;
	bool table_done = --t->open == 0 && t->planned_all && !t->planning;
	pthread_mutex_unlock(&cp->mu);
	if (table_done && cp->table_done != NULL)
		cp->table_done(cp->table_done_arg, t->spec.sdb, t->spec.stbl);
}

/*
 * t no longer exists on the source (error 1146): dropped, or renamed,
 * while it was copied. The rest of it is not copied: its chunks not done
 * are recorded done without rows, and gone, at the position of a snapshot
 * taken now, past that DDL (a table copied whole then gets none of its
 * changes before it replayed). The catch-up replays a DROP at or past its
 * start (rows before it idempotently) and stops at a RENAME (the rows not
 * copied would be missing under the new name); a table still on the
 * destination when the catch-up ends was dropped before it started, and
 * is dropped there then (src/applier.c).
 */
static bool
table_gone(struct copy_worker *w, struct copy_table *t)
{
	struct copy *cp = w->cp;

	pthread_mutex_lock(&cp->mu);
	t->gone = true;
	t->planned_all = true;
	pthread_mutex_unlock(&cp->mu);
	if (!worker_snapshot(w, true))
		return false;
	if (!copy_record_gone(&w->dst, cp->cfg->state_schema, t->spec.sdb, t->spec.stbl,
	    &w->snap)) {
		fail_dest(cp, &w->dst, "recording a table gone from the source");
		return false;
	}
	return true;
}

bool
copy_record_gone(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    const struct snap_pos *at)
{
	struct sbuf q = { 0 };
	bool ok;

	/* its chunks not done, and one more: a table with none planned has one */
	sbuf_printf(&q, "UPDATE `%s`.`copy_chunks` SET done = 1, gone = 1, rows_copied = 0, "
	    "bytes = 0, snap_file = ", schema);
	sbuf_sql_string(&q, at->file);
	sbuf_printf(&q, ", snap_pos = %" PRIu64 ", snap_gtid = ", at->pos);
	sbuf_sql_string(&q, at->gtid ? at->gtid : "");
	sbuf_adds(&q, " WHERE done = 0 AND src_db = ");
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, stbl);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(d, q.p);
	sbuf_reset(&q);
	sbuf_printf(&q, "INSERT INTO `%s`.`copy_chunks` (src_db, src_table, seq, done, gone, "
	    "snap_file, snap_pos, snap_gtid) SELECT ", schema);
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, stbl);
	sbuf_printf(&q, ", IFNULL(MAX(seq) + 1, 0), 1, 1, ");
	sbuf_sql_string(&q, at->file);
	sbuf_printf(&q, ", %" PRIu64 ", ", at->pos);
	sbuf_sql_string(&q, at->gtid ? at->gtid : "");
	sbuf_printf(&q, " FROM `%s`.`copy_chunks` WHERE src_db = ", schema);
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, stbl);
	sbuf_addc(&q, '\0');
	ok = ok && !q.oom && dest_exec(d, q.p);
	sbuf_free(&q);
	if (ok)
		log_warn("`%s`.`%s` no longer exists on the source (dropped or renamed during "
		    "the copy): the rest of it is not copied; the catch-up replays its "
		    "DROP (a RENAME stops it), or drops it on the destination if the "
		    "DROP came before the catch-up's start", sdb, stbl);
	return ok;
}

/* Copy chunk ch: read again in a fresh snapshot after DDL, skipped if its table is gone. */
static bool
worker_chunk(struct copy_worker *w, struct copy_chunk *ch)
{
	struct copy_table *t = ch->t;
	enum chunk_result r = CHUNK_FAILED;

	for (unsigned tries = 0; tries < 5; tries++) {
		bool gone;
		pthread_mutex_lock(&w->cp->mu);
		gone = t->gone;
		pthread_mutex_unlock(&w->cp->mu);
		if (gone) {
			chunk_settled(w->cp, t);
			return true;
		}
		if (t->k.nkey == 0) {
			/* a table without a key: whole, in a snapshot of its own
			 * (not transactional: under a lock of its own) */
			if (!t->nontx && !worker_snapshot(w, true))
				return false;
		} else if (!worker_snapshot(w, false))
			return false;
		r = copy_chunk(w, ch);
		if (r == CHUNK_OK)
			return true;
		if (r == CHUNK_GONE) {
			if (!table_gone(w, t))
				return false;
			chunk_settled(w->cp, t);
			return true;
		}
		if (r != CHUNK_CHANGED)
			return false;
		char what[64];
		snprintf(what, sizeof(what), "its chunk %u", ch->seq);
		if (!table_changed(w, t, what))
			return false;
	}
	set_fail(w->cp, false, "`%s`.`%s` chunk %u: the table was changed by DDL on the "
	    "source 5 times in a row while it was read (error 1412): keep DDL off the "
	    "tables being copied", t->spec.sdb, t->spec.stbl, ch->seq);
	return false;
}

static void *
worker_main(void *arg)
{
	struct copy_worker *w = arg;
	struct copy_chunk *ch;

	if (!worker_connect(w) || !worker_snapshot(w, true))
		goto out;
	while ((ch = claim(w)) != NULL) {
		bool ok = worker_chunk(w, ch);
		chunk_free(ch);
		if (!ok)
			break;
	}
out:
	if (w->res != NULL)
		mysql_free_result(w->res);
	exec_quiet(&w->src, "COMMIT");
	dest_close(&w->src);
	dest_close(&w->dst);
	sbuf_free(&w->pend);
	snap_pos_free(&w->snap);
	return NULL;
}

/*
 * Whether t's engine has transactions. A snapshot does not hold the rows
 * of one without (MyISAM, Aria, MEMORY...) still: a chunk of it is as of
 * its read, which may hold changes past the snapshot's position; the seam
 * is made to reach past its read (keyed), or it is read under a lock at
 * an exact position (copied whole).
 */
static bool
table_engine(struct copy *cp, struct dest *d, struct copy_table *t)
{
	struct sbuf q = { 0 };
	char *tx = NULL;
	bool ok;

	sbuf_adds(&q, "SELECT IFNULL(e.TRANSACTIONS, 'YES') FROM information_schema.TABLES "
	    "t LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE WHERE "
	    "t.TABLE_SCHEMA = ");
	sbuf_sql_string(&q, t->spec.sdb);
	sbuf_adds(&q, " AND t.TABLE_NAME = ");
	sbuf_sql_string(&q, t->spec.stbl);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(d, q.p, &tx);
	sbuf_free(&q);
	if (!ok) {
		fail_dest(cp, d, "reading the table's engine");
		return false;
	}
	t->nontx = tx != NULL && strcasecmp(tx, "YES") != 0;
	free(tx);
	if (t->nontx)
		log_warn("`%s`.`%s`: its engine has no transactions: %s", t->spec.sdb,
		    t->spec.stbl, t->k.nkey > 0 ? "its chunks are replayed idempotently "
		    "until past the position each was read at" : "it is read whole under "
		    "LOCK TABLES ... READ, its writers waiting meanwhile");
	return true;
}

/* Read the state of an earlier run: reuse finished chunks, redo the others. */
static bool
resume_state(struct copy *cp, struct dest *d)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	sbuf_printf(&q, "SELECT src_db, src_table, seq, lo, hi, done, rows_copied, bytes "
	    "FROM `%s`.`copy_chunks` ORDER BY src_db, src_table, seq", cp->cfg->state_schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		fail_dest(cp, d, "reading the copy's state");
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		struct copy_table *t = NULL;
		for (unsigned i = 0; i < cp->ntables; i++)
			if (strcmp(cp->tables[i].spec.sdb, row[0]) == 0 &&
			    strcmp(cp->tables[i].spec.stbl, row[1]) == 0)
				t = &cp->tables[i];
		if (t == NULL)
			continue; /* a table no longer selected */
		unsigned seq = (unsigned)strtoul(row[2], NULL, 10);
		if (seq + 1 > t->next_seq) {
			t->next_seq = seq + 1;
			free(t->next_lo);
			t->next_lo = row[4] ? strdup(row[4]) : NULL;
			t->planned_all = row[4] == NULL;
		}
		if (strcmp(row[5], "1") == 0) {
			uint64_t r = strtoull(row[6], NULL, 10);
			cp->chunks_reused++;
			cp->chunks_done++;
			cp->rows += r;
			cp->rows_reused += r;
			cp->bytes += strtoull(row[7], NULL, 10);
			t->rows += r;
			t->chunks_done++;
			continue;
		}
		struct copy_chunk *ch = calloc(1, sizeof(*ch));
		if (ch == NULL) {
			mysql_free_result(res);
			set_fail(cp, true, "out of memory");
			return false;
		}
		ch->t = t;
		ch->seq = seq;
		ch->lo = row[3] ? strdup(row[3]) : NULL;
		ch->hi = row[4] ? strdup(row[4]) : NULL;
		ch->next = cp->todo;
		cp->todo = ch;
		t->open++;
	}
	mysql_free_result(res);
	return true;
}

void
copy_get_progress(struct copy *cp, struct copy_progress *out)
{
	struct timespec now;
	double el;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&cp->mu);
	out->tables = cp->ntables;
	for (unsigned i = 0; i < cp->ntables; i++)
		if (cp->tables[i].planned_all && !cp->tables[i].planning)
			out->tables_done++;
	out->chunks_done = cp->chunks_done;
	out->chunks_reused = cp->chunks_reused;
	out->rows = cp->rows;
	out->rows_est = cp->rows_est > cp->rows ? cp->rows_est : cp->rows;
	out->bytes = cp->bytes;
	uint64_t fresh = cp->rows - cp->rows_reused;
	pthread_mutex_unlock(&cp->mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (double)(now.tv_sec - cp->t0.tv_sec) + (now.tv_nsec - cp->t0.tv_nsec) / 1e9;
	out->eta_seconds = -1;
	if (el > 0.5 && cp->t0.tv_sec != 0) {
		out->rows_per_second = (double)fresh / el;
		if (out->rows_per_second > 0)
			out->eta_seconds = (long)((double)(out->rows_est - out->rows) /
			    out->rows_per_second);
	}
}

void
copy_tables_json(struct copy *cp, struct sbuf *out, unsigned max)
{
	unsigned n = 0;

	pthread_mutex_lock(&cp->mu);
	for (unsigned i = 0; i < cp->ntables && n < max; i++) {
		struct copy_table *t = &cp->tables[i];
		uint64_t est = t->spec.rows_est > t->rows ? t->spec.rows_est : t->rows;
		bool done = t->planned_all && !t->planning && t->rows >= est;
		sbuf_adds(out, n++ ? ", {\"table\": " : "{\"table\": ");
		sbuf_addc(out, '"');
		for (const char *p = t->spec.sdb; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addc(out, '\\');
			sbuf_addc(out, *p);
		}
		sbuf_addc(out, '.');
		for (const char *p = t->spec.stbl; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addc(out, '\\');
			sbuf_addc(out, *p);
		}
		sbuf_printf(out, "\", \"rows\": %" PRIu64 ", \"rows_estimated\": %" PRIu64
		    ", \"chunks_done\": %" PRIu64 ", \"done\": %s}", t->rows, est,
		    t->chunks_done, done ? "true" : "false");
	}
	pthread_mutex_unlock(&cp->mu);
}

static void
report(struct copy *cp)
{
	struct copy_progress p;

	copy_get_progress(cp, &p);
	log_info("copy: %" PRIu64 " chunks, %" PRIu64 " of ~%" PRIu64 " rows (%.0f%%), "
	    "%.1f MB, %.0f rows/s, ETA %ld s", p.chunks_done, p.rows, p.rows_est,
	    p.rows_est ? 100.0 * (double)p.rows / (double)p.rows_est : 100.0,
	    (double)p.bytes / 1e6, p.rows_per_second, p.eta_seconds);
}

/* The live progress block on a terminal: overall, then the tables being copied. */
static void
draw(struct copy *cp)
{
	struct copy_progress p;
	struct sbuf b = { 0 };
	unsigned shown = 0, more = 0;

	copy_get_progress(cp, &p);
	sbuf_printf(&b, "copy %3.0f%%  %" PRIu64 " / ~%" PRIu64 " rows  %.1f MB  %.0f rows/s  "
	    "ETA %s%ld s  (%" PRIu64 " chunks)\n", p.rows_est ? 100.0 * (double)p.rows /
	    (double)p.rows_est : 100.0, p.rows, p.rows_est, (double)p.bytes / 1e6,
	    p.rows_per_second, p.eta_seconds < 0 ? "?" : "", p.eta_seconds < 0 ? 0 :
	    p.eta_seconds, p.chunks_done);
	pthread_mutex_lock(&cp->mu);
	for (unsigned i = 0; i < cp->ntables; i++) {
		struct copy_table *t = &cp->tables[i];
		uint64_t est = t->spec.rows_est > t->rows ? t->spec.rows_est : t->rows;
		bool done = t->planned_all && !t->planning && t->rows >= est;
		if (done || (t->rows == 0 && !t->planning && t->next_seq == 0))
			continue;
		if (shown >= 8) {
			more++;
			continue;
		}
		shown++;
		char name[140];
		snprintf(name, sizeof(name), "%s.%s", t->spec.sdb, t->spec.stbl);
		sbuf_printf(&b, "  %-40.40s %3.0f%%  %" PRIu64 " / ~%" PRIu64 " rows\n",
		    name, est ? 100.0 * (double)t->rows / (double)est : 0.0, t->rows,
		    est);
	}
	pthread_mutex_unlock(&cp->mu);
	if (more)
		sbuf_printf(&b, "  ... and %u more tables\n", more);
	sbuf_addc(&b, '\0');
	if (!b.oom)
		log_progress(b.p);
	sbuf_free(&b);
}

/*
 * Whether t, whose columns could not be read on src, no longer exists
 * there: then it is recorded gone (1), and the copy goes on without it;
 * 0: it exists; -1: failed (the copy's error set).
 */
static int
gone_at_start(struct copy *cp, struct dest *src, struct copy_table *t)
{
	struct snap_pos at = { 0 };
	struct dest d = { 0 };
	char err[1024];
	bool ok, exists;

	if (!dest_table_exists(src, t->spec.sdb, t->spec.stbl, &exists) || exists)
		return 0; /* the error that brought us here says more */
	/* where the source is now: past the DROP */
	if (!snapshot_position_now(src, &at, err, sizeof(err))) {
		set_fail(cp, !dest_transient(src), "`%s`.`%s`: %s", t->spec.sdb, t->spec.stbl,
		    err);
		return -1;
	}
	ok = dest_connect(&d, &cp->cfg->destination, "destination") &&
	    copy_record_gone(&d, cp->cfg->state_schema, t->spec.sdb, t->spec.stbl, &at);
	if (!ok)
		fail_dest(cp, &d, "recording a table gone from the source");
	dest_close(&d);
	snap_pos_free(&at);
	if (!ok)
		return -1;
	pthread_mutex_lock(&cp->mu);
	t->gone = true;
	t->planned_all = true;
	pthread_mutex_unlock(&cp->mu);
	return 1;
}

bool
copy_run(struct copy *cp, bool *fatal, char *err, size_t errlen)
{
	struct dest d = { 0 };
	struct copy_worker *ws;
	unsigned n = (unsigned)cp->cfg->copy_workers;
	bool dst_mysql, ok = true;

	*fatal = false;
	if (!dest_connect(&d, &cp->cfg->destination, "destination")) {
		snprintf(err, errlen, "%s", d.err);
		*fatal = dest_permanent(&d);
		return false;
	}
	dst_mysql = !dest_is_mariadb(&d);
	if (!resume_state(cp, &d)) {
		dest_close(&d);
		goto failed;
	}
	dest_close(&d);
	if (cp->chunks_reused > 0)
		log_info("copy: reusing %" PRIu64 " finished chunks (%" PRIu64 " rows)",
		    cp->chunks_reused, cp->rows);
	for (unsigned i = 0; i < cp->ntables && cp->table_done != NULL; i++)
		if (cp->tables[i].planned_all && cp->tables[i].open == 0)
			cp->table_done(cp->table_done_arg, cp->tables[i].spec.sdb,
			    cp->tables[i].spec.stbl);
	/* the columns and keys, on one source connection */
	if (!dest_connect(&d, &cp->cfg->source, "source")) {
		snprintf(err, errlen, "%s", d.err);
		*fatal = dest_permanent(&d);
		return false;
	}
	for (unsigned i = 0; i < cp->ntables && ok; i++) {
		struct copy_table *t = &cp->tables[i];
		bool fatal_load;
		char lerr[1024];
		ok = tk_load(&d, t->spec.sdb, t->spec.stbl, &t->k, lerr, sizeof(lerr),
		    &fatal_load);
		if (!ok && fatal_load) {
			/* dropped since it was listed? */
			int gone = gone_at_start(cp, &d, t);
			if (gone > 0) {
				ok = true;
				continue;
			}
			if (gone < 0)
				break;
		}
		if (!ok)
			set_fail(cp, fatal_load, "%s", lerr);
		if (ok && t->k.overlaps) {
			/*
			 * the catch-up cannot replay its rows idempotently (the
			 * server refuses REPLACE into it): read whole at one
			 * position, only the changes after it are replayed
			 */
			log_info("`%s`.`%s` has a key WITHOUT OVERLAPS: copied whole in one "
			    "snapshot", t->spec.sdb, t->spec.stbl);
			t->k.nkey = 0;
		}
		if (ok && !table_statements(t, dst_mysql)) {
			set_fail(cp, true, "out of memory");
			ok = false;
		}
		if (ok)
			ok = value_steps(cp, &d, t) && table_engine(cp, &d, t);
		if (ok && t->k.nkey == 0 && !t->nontx && !t->k.overlaps)
			log_warn("`%s`.`%s` has no primary key or unique NOT NULL key: "
			    "copied whole in one snapshot", t->spec.sdb, t->spec.stbl);
	}
	dest_close(&d);
	if (!ok)
		goto failed;
	if (!snapshot_coord_init(&cp->co, &cp->cfg->source, cp->mariadb, err, errlen)) {
		snapshot_coord_free(&cp->co);
		return false;
	}
	if (!cp->mariadb && cp->ntables > 0) {
		/* the fallback where FLUSH TABLES WITH READ LOCK is refused */
		struct sbuf l = { 0 };
		sbuf_adds(&l, "LOCK TABLES ");
		for (unsigned i = 0; i < cp->ntables; i++) {
			if (i)
				sbuf_adds(&l, ", ");
			tk_add_ident(&l, cp->tables[i].spec.sdb, cp->tables[i].spec.stbl);
			sbuf_adds(&l, " READ");
		}
		sbuf_addc(&l, '\0');
		cp->co.lock_tables_sql = l.oom ? NULL : l.p;
		if (l.oom)
			sbuf_free(&l);
	}
	ws = calloc(n, sizeof(*ws));
	if (ws == NULL) {
		snapshot_coord_free(&cp->co);
		snprintf(err, errlen, "out of memory");
		*fatal = true;
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &cp->t0);
	cp->last_report = time(NULL);
	unsigned started = 0;
	for (unsigned i = 0; i < n; i++) {
		ws[i].cp = cp;
		ws[i].id = i + 1;
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
			set_fail(cp, false, "cannot start copy thread: %s", strerror(errno));
			break;
		}
		started++;
	}
	/* progress lines while the workers work */
	for (;;) {
		struct timespec until;
		bool done;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&cp->mu);
		(void)pthread_cond_timedwait(&cp->cv, &cp->mu, &until);
		done = cp->stop;
		if (!done) {
			done = cp->todo == NULL;
			for (unsigned i = 0; i < cp->ntables && done; i++)
				if (!cp->tables[i].planned_all)
					done = false;
		}
		pthread_mutex_unlock(&cp->mu);
		if (done)
			break;
		if (time(NULL) - cp->last_report >= 10) {
			cp->last_report = time(NULL);
			report(cp);
		}
		if (log_progress_wanted())
			draw(cp);
	}
	log_progress("");
	for (unsigned i = 0; i < started; i++)
		pthread_join(ws[i].th, NULL);
	free(ws);
	if (!cp->mariadb && cp->co.snapshots > 0)
		log_info("copy: %u snapshots, the read lock held at most %u ms",
		    cp->co.snapshots, cp->co.max_held_ms);
	snapshot_coord_free(&cp->co);
	if (cp->failed)
		goto failed;
	report(cp);
	return true;
failed:
	*fatal = cp->fatal;
	snprintf(err, errlen, "%s", cp->err[0] ? cp->err : "the copy was stopped");
	return false;
}

void
copy_on_table_done(struct copy *cp, void (*fn)(void *arg, const char *sdb, const char *stbl),
    void *arg)
{
	cp->table_done = fn;
	cp->table_done_arg = arg;
}

void
copy_stop(struct copy *cp)
{
	pthread_mutex_lock(&cp->mu);
	cp->stop = true;
	if (!cp->failed) {
		cp->failed = true;
		snprintf(cp->err, sizeof(cp->err), "the copy was stopped");
	}
	pthread_cond_broadcast(&cp->cv);
	pthread_mutex_unlock(&cp->mu);
}

bool
copy_positions(struct dest *d, const char *schema, struct snap_pos *low,
    struct snap_pos *high, char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool any = false;

	/* the high end also covers what chunks of non-transactional tables
	 * may hold (end_*); the stream starts at the lowest snapshot */
	sbuf_printf(&q, "SELECT snap_file, snap_pos, snap_gtid, end_file, end_pos FROM "
	    "`%s`.`copy_chunks` WHERE done = 1 GROUP BY snap_file, snap_pos, snap_gtid, "
	    "end_file, end_pos", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		uint64_t pos = strtoull(row[1], NULL, 10);
		if (!any || snap_pos_cmp(row[0], pos, low->file, low->pos) < 0) {
			snprintf(low->file, sizeof(low->file), "%s", row[0]);
			low->pos = pos;
			free(low->gtid);
			low->gtid = strdup(row[2] ? row[2] : "");
		}
		if (!any || snap_pos_cmp(row[0], pos, high->file, high->pos) > 0) {
			snprintf(high->file, sizeof(high->file), "%s", row[0]);
			high->pos = pos;
			free(high->gtid);
			high->gtid = strdup(row[2] ? row[2] : "");
		}
		if (row[3] != NULL && row[4] != NULL &&
		    snap_pos_cmp(row[3], strtoull(row[4], NULL, 10), high->file, high->pos) > 0) {
			snprintf(high->file, sizeof(high->file), "%s", row[3]);
			high->pos = strtoull(row[4], NULL, 10);
			free(high->gtid);
			high->gtid = strdup("");
		}
		any = true;
	}
	mysql_free_result(res);
	if (!any)
		low->file[0] = high->file[0] = '\0';
	return true;
}
