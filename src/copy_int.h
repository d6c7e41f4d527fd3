/* copy_int.h: the copy's internals, shared by src/copy.c, src/copy_load.c and src/copy_progress.c. */
#ifndef SRC_COPY_INT_H
#define SRC_COPY_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <mysql.h>

#include "proto/sbuf.h"
#include "src/copy.h"
#include "src/dest.h"
#include "src/snapshot.h"
#include "src/tablekey.h"

struct copy_table {
	struct copy_spec spec;       /* strings owned */
	struct tk_table k;           /* columns and key (nkey 0: copied whole) */
	char *select_sql;            /* SELECT ... FROM t [FORCE INDEX] */
	char *load_sql;
	char *bulk_sql;              /* MariaDB's array-bound INSERT; NULL: LOAD DATA only */
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
	bool bulk_refused;           /* the destination did not take bulk_sql: logged (mu) */
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
	long long dst_packet;        /* the destination's max_allowed_packet, 0: unread */
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

/* copy_load.c: a chunk's rows, from the source's result set into LOAD DATA LOCAL or array-bound INSERTs */

/*
 * Build t's SELECT and LOAD DATA statements (dst_mysql: a MySQL
 * destination), and on a MariaDB destination, when every column's type
 * allows it, its array-bound INSERT.
 */
bool copy_table_statements(struct copy_table *t, bool dst_mysql);
/* Feed LOAD DATA LOCAL on w's destination session from w->res. */
void copy_load_handler(struct copy_worker *w);

/* What became of a chunk's rows written to the destination. */
enum load_result {
	LOAD_OK,
	LOAD_FAILED,      /* w->read_err (reading the source), else w->dst.err */
	LOAD_REFUSED,     /* err: the destination changed or refused values */
	LOAD_UNSUPPORTED  /* no array binding on this session: nothing was read */
};

/*
 * Write w->res's rows into w->t on w's destination session, in its open
 * transaction: with LOAD DATA LOCAL (copy_load_rows) or with MariaDB's
 * array-bound INSERT (copy_bulk_rows, when t->bulk_sql is set). *affected:
 * the rows written; *dups: the duplicate keys on_conflict = ignore allows.
 */
enum load_result copy_load_rows(struct copy_worker *w, uint64_t *affected, uint64_t *dups,
    char *err, size_t errlen);
enum load_result copy_bulk_rows(struct copy_worker *w, uint64_t *affected, uint64_t *dups,
    char *err, size_t errlen);

/* copy.c */

/* Wait as long as the rows/s and MB/s caps want for rows and bytes more. */
void copy_throttle(struct copy *cp, uint64_t rows, uint64_t bytes);

/* copy_progress.c: the figures, the log line, the live display */

/* The progress line in the log. */
void copy_report(struct copy *cp);
/* The live progress block on a terminal. */
void copy_draw(struct copy *cp);

#endif
