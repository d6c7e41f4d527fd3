/* copy.h: the parallel, chunked, resumable copy of the selected tables' rows. */
#ifndef SRC_COPY_H
#define SRC_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/cfg.h"
#include "src/snapshot.h"

struct copy;

/* One table to copy: source and destination names. */
struct copy_spec {
	const char *sdb, *stbl;
	const char *ddb, *dtbl;
	uint64_t rows_est;      /* the source's estimate, for progress */
};

/* Figures for progress and status (read from any thread). */
struct copy_progress {
	unsigned tables, tables_done;
	uint64_t chunks_done, chunks_reused;
	uint64_t rows, rows_est, bytes;
	double rows_per_second;
	long eta_seconds;          /* -1 unknown */
};

/*
 * A copy of the tables in specs (the destination tables exist, with the
 * columns of the source's, the chosen key and nothing slower to load), by
 * cfg->copy_workers reader/writer pairs. The state lives in the state
 * schema's copy_chunks table: finished chunks of an earlier run are reused.
 */
struct copy *copy_new(const struct cfg *c, const struct copy_spec *specs, unsigned n,
    bool mariadb);
void copy_free(struct copy *cp);

/*
 * Copy every chunk; blocks until done. False with err: *fatal says whether
 * a retry may cure it (a lost link) or not (a missing privilege, a value
 * the destination refused).
 */
bool copy_run(struct copy *cp, bool *fatal, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* Ask the workers to stop after their current chunk (copy_run returns false). */
void copy_stop(struct copy *cp);
/*
 * Call fn (from a copy thread, or copy_run's at its start for tables an
 * earlier run finished) once all of a table's chunks are committed on the
 * destination. Set before copy_run.
 */
void copy_on_table_done(struct copy *cp, void (*fn)(void *arg, const char *sdb,
    const char *stbl), void *arg);
void copy_get_progress(struct copy *cp, struct copy_progress *out);
/*
 * Per table, as JSON array members: {"table": "db.t", "rows": N,
 * "rows_estimated": N, "chunks_done": N, "done": bool}; the tables being
 * copied and those not started, at most max of them.
 */
struct sbuf;
void copy_tables_json(struct copy *cp, struct sbuf *out, unsigned max);

/*
 * Record sdb.stbl as gone from the source (dropped or renamed): its chunks
 * not done are done without rows, at position at (past the DROP), and one
 * such chunk is added (so that a table without any planned is recorded),
 * and say so in the log; the catch-up settles it (src/state.c). False: d
 * says why.
 */
bool copy_record_gone(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    const struct snap_pos *at);

#endif
