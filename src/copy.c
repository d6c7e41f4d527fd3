/* copy.c: the parallel, chunked, resumable copy of the selected tables' rows. */
#include "src/copy.h"
#include "src/copy_int.h"

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
#include "src/state.h"
#include "src/tablekey.h"


/* A statement whose failure changes nothing (a rollback, an unlock on the way out). */
static void
exec_quiet(struct dest *d, const char *sql)
{
	if (!dest_exec(d, sql))
		log_debug("%s", d->err);
}

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
	free(t->bulk_sql);
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
	if (state_chunk_plan(&w->dst, w->cp->cfg->state_schema, ch->t->spec.sdb,
	    ch->t->spec.stbl, ch->seq, ch->lo, ch->hi, ch->t->k.nkey == 0))
		return true;
	fail_dest(w->cp, &w->dst, "recording a chunk");
	return false;
}

/* Throttle to [copy] max_rows_per_second / max_bytes_per_second. */
void
copy_throttle(struct copy *cp, uint64_t rows, uint64_t bytes)
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

/* Whether every chunk of t is planned and committed (or settled); under cp->mu. */
static bool
table_finished(const struct copy_table *t)
{
	return t->open == 0 && t->planned_all && !t->planning;
}

/* Tell the indexer that t is finished (outside cp->mu). */
static void
tell_done(struct copy *cp, struct copy_table *t)
{
	if (cp->table_done != NULL)
		cp->table_done(cp->table_done_arg, t->spec.sdb, t->spec.stbl);
}

/*
 * A chunk of t is no longer to be copied: committed with rows and bytes,
 * or settled without (its table gone). Counted for the progress, and the
 * indexer told once the table is finished.
 */
static void
chunk_settled(struct copy *cp, struct copy_table *t, uint64_t rows, uint64_t bytes)
{
	pthread_mutex_lock(&cp->mu);
	cp->rows += rows;
	cp->bytes += bytes;
	cp->chunks_done++;
	t->rows += rows;
	t->chunks_done++;
	t->open--;
	bool finished = table_finished(t);
	pthread_mutex_unlock(&cp->mu);
	if (finished)
		tell_done(cp, t);
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
	enum load_result lr;
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
	lr = t->bulk_sql != NULL ? copy_bulk_rows(w, &affected, &dups, err, sizeof(err)) :
	    LOAD_UNSUPPORTED;
	if (lr == LOAD_UNSUPPORTED && t->bulk_sql != NULL) {
		/* said once a table: its chunks are then written as the others are */
		pthread_mutex_lock(&cp->mu);
		bool first = !t->bulk_refused;
		t->bulk_refused = true;
		pthread_mutex_unlock(&cp->mu);
		if (first)
			log_info("copy: %s: the destination does not take array-bound INSERT "
			    "(no bulk capability, or max_allowed_packet under 1 MB): written by "
			    "LOAD DATA LOCAL INFILE", ctx);
	}
	if (lr == LOAD_UNSUPPORTED)
		lr = copy_load_rows(w, &affected, &dups, err, sizeof(err));
	if (lr == LOAD_FAILED) {
		if (w->read_err[0] && read_error_kind(&w->src) != CHUNK_FAILED) {
			/* nothing of the chunk stays: it is read again, or skipped */
			exec_quiet(&w->dst, "ROLLBACK");
			result = read_error_kind(&w->src);
			goto drain;
		} else if (w->read_err[0]) {
			set_fail(cp, !dest_transient(&w->src), "%s: %s", ctx, w->read_err);
		} else {
			fail_dest(cp, &w->dst, ctx);
		}
		exec_quiet(&w->dst, "ROLLBACK");
		goto drain;
	}
	if (lr == LOAD_REFUSED) {
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
	ok = state_chunk_done(&w->dst, cp->cfg->state_schema, t->spec.sdb, t->spec.stbl,
	    ch->seq, w->rows, w->bytes, &w->snap, &end) && dest_exec(&w->dst, "COMMIT");
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
	chunk_settled(cp, t, w->rows, w->bytes);
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
		 * of it (a worker moves on while another plans the next one),
		 * but at most half of them while a later table has chunks
		 * left: more writers into one table contend for its index's
		 * latches (and into a table with an AUTO_INCREMENT column one
		 * LOAD DATA writes at a time). Tables are finished one after
		 * the other, and the indexer builds the first ones' indexes
		 * while the later ones are copied.
		 */
		struct copy_table *t = NULL;
		unsigned share = ((unsigned)cp->cfg->copy_workers + 1) / 2;
		for (int pass = 0; pass < 2 && t == NULL; pass++) {
			for (unsigned k = 0; k < cp->ntables && t == NULL; k++) {
				struct copy_table *c = &cp->tables[k];
				if (c->planned_all)
					continue;
				if (c->planning) {
					busy = true;
					continue;
				}
				if (pass == 0 && c->open >= share)
					continue;
				t = c;
			}
		}
		if (t != NULL) {
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
				if (why == CHUNK_GONE && table_finished(t)) {
					pthread_mutex_unlock(&cp->mu);
					tell_done(cp, t);
					pthread_mutex_lock(&cp->mu);
				}
				continue; /* planned again in a fresh snapshot, or the table gone */
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
	copy_load_handler(w);
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

/*
 * After a chunk, on MariaDB: end the worker's snapshot, so that the next
 * chunk is read in a fresh one. A snapshot holds a metadata lock on every
 * table it has read until it ends: DDL on the source then waits for it,
 * and the application's statements on the table queue behind that DDL.
 * Ended after each chunk, the wait is at most one chunk's read. A MariaDB
 * snapshot costs a few statements and no lock; on MySQL each takes a
 * brief global read lock, and the backup lock keeps DDL out of the whole
 * copy anyway: there a snapshot lasts snapshot_max_age.
 */
static void
worker_release(struct copy_worker *w)
{
	if (!w->cp->mariadb)
		return;
	exec_quiet(&w->src, "COMMIT");
	w->snap_at = 0;
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
	if (!state_table_gone(d, schema, sdb, stbl, at))
		return false;
	log_warn("`%s`.`%s` no longer exists on the source (dropped or renamed during "
	    "the copy): the rest of it is not copied; the catch-up replays its "
	    "DROP (a RENAME stops it), or drops it on the destination if the "
	    "DROP came before the catch-up's start", sdb, stbl);
	return true;
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
			chunk_settled(w->cp, t, 0, 0);
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
		worker_release(w);
		if (r == CHUNK_OK)
			return true;
		if (r == CHUNK_GONE) {
			if (!table_gone(w, t))
				return false;
			chunk_settled(w->cp, t, 0, 0);
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

/* One chunk of an earlier run's state: reused when done, copied again if not. */
static bool
resume_chunk(void *arg, const struct state_chunk *row)
{
	struct copy *cp = arg;
	struct copy_table *t = NULL;

	for (unsigned i = 0; i < cp->ntables && t == NULL; i++)
		if (strcmp(cp->tables[i].spec.sdb, row->sdb) == 0 &&
		    strcmp(cp->tables[i].spec.stbl, row->stbl) == 0)
			t = &cp->tables[i];
	if (t == NULL)
		return true; /* a table no longer selected */
	if (row->seq + 1 > t->next_seq) {
		t->next_seq = row->seq + 1;
		free(t->next_lo);
		t->next_lo = row->hi ? strdup(row->hi) : NULL;
		t->planned_all = row->hi == NULL;
	}
	if (row->done) {
		cp->chunks_reused++;
		cp->chunks_done++;
		cp->rows += row->rows;
		cp->rows_reused += row->rows;
		cp->bytes += row->bytes;
		t->rows += row->rows;
		t->chunks_done++;
		return true;
	}
	struct copy_chunk *ch = calloc(1, sizeof(*ch));
	if (ch == NULL) {
		set_fail(cp, true, "out of memory");
		return false;
	}
	ch->t = t;
	ch->seq = row->seq;
	ch->lo = row->lo ? strdup(row->lo) : NULL;
	ch->hi = row->hi ? strdup(row->hi) : NULL;
	ch->next = cp->todo;
	cp->todo = ch;
	t->open++;
	return true;
}

/* Read the state of an earlier run: reuse finished chunks, redo the others. */
static bool
resume_state(struct copy *cp, struct dest *d)
{
	if (state_chunks_read(d, cp->cfg->state_schema, resume_chunk, cp))
		return true;
	if (!cp->failed)
		fail_dest(cp, d, "reading the copy's state");
	return false;
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
	unsigned nbulk = 0;

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
	for (unsigned i = 0; i < cp->ntables; i++)
		if (table_finished(&cp->tables[i]))
			tell_done(cp, &cp->tables[i]);
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
		if (ok && !copy_table_statements(t, dst_mysql)) {
			set_fail(cp, true, "out of memory");
			ok = false;
		}
		if (ok)
			ok = value_steps(cp, &d, t) && table_engine(cp, &d, t);
		if (ok && t->k.nkey == 0 && !t->nontx && !t->k.overlaps)
			log_warn("`%s`.`%s` has no primary key or unique NOT NULL key: "
			    "copied whole in one snapshot", t->spec.sdb, t->spec.stbl);
		if (ok && t->bulk_sql != NULL)
			nbulk++;
	}
	dest_close(&d);
	if (!ok)
		goto failed;
	if (nbulk > 0)
		log_info("copy: %u of %u table(s) written by array-bound INSERT (their "
		    "columns' types allow it), the others by LOAD DATA LOCAL INFILE", nbulk,
		    cp->ntables);
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
			copy_report(cp);
		}
		if (log_progress_wanted())
			copy_draw(cp);
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
	copy_report(cp);
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

