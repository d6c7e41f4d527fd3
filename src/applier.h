/* applier.h: the applier thread: replays queued source transactions on the destination, exactly once. */
#ifndef SRC_APPLIER_H
#define SRC_APPLIER_H

#include <stdbool.h>
#include <stdint.h>

#include "src/cfg.h"
#include "src/filter.h"
#include "src/queue.h"

struct applier;

/* Live figures, read by other threads (status). */
struct applier_stats {
	uint64_t transactions;   /* source transactions applied */
	uint64_t rows;           /* row changes applied */
	uint64_t ddl;            /* DDL statements applied */
	uint64_t commits;        /* destination commits */
	uint32_t last_source_ts; /* source timestamp of the last applied event */
	/*
	 * When the source committed the last applied transaction, microseconds
	 * since the epoch on myshift's clock: MySQL's immediate_commit_timestamp
	 * or MariaDB's timestamp (whole seconds), whichever is earlier than when
	 * it reached myshift; 0 before the first.
	 */
	uint64_t last_commit_us;
	uint64_t groups;         /* QI_COMMIT items whose effects are committed */
	uint64_t batch_us;       /* summed over commits: first transaction to commit done */
	uint64_t flush_us;       /* of which writing the batch and committing it */
	uint64_t hb_ts;          /* the newest heartbeat committed (its ts), 0 none */
	int hold;                /* enum applier_hold */
	char hold_file[256];
	uint64_t hold_pos;
	uint64_t hb_at_us;       /* when it was committed (wall clock, microseconds) */
	char file[256];
	uint64_t pos;
	char gtid[2048];         /* the GTID state at pos ("..." ends a longer one) */
	bool in_seam;            /* start = snapshot: replaying idempotently up to the copy's last position */
	uint64_t xa_held;        /* XA transactions held: prepared on the source, not yet committed */
};

/*
 * A hold (myshift verify): the applier stops applying at a position of
 * the source's binlog, with everything up to it committed, until released.
 */
enum applier_hold {
	HOLD_NONE,
	HOLD_PENDING,  /* not there yet */
	HOLD_HELD,     /* the destination is exactly at the position */
	HOLD_PASSED,   /* it was past it already (a batch held later changes) */
	HOLD_EXPIRED,  /* held longer than its timeout: applying again */
};

/* How the applier stopped. */
enum applier_status {
	APPLIER_RUNNING = -1,
	APPLIER_DONE = 0,    /* the stream ended (or stop) after a complete batch */
	APPLIER_RETRY = 1,   /* a transient failure: restart from the checkpoint */
	APPLIER_FATAL = 2,   /* an error no retry cures: msg says what to do */
};

struct recent;
/*
 * Start the thread; NULL with err filled on failure.  recent (NULL: none)
 * receives the keys of the rows it changes (src/recent.h).
 */
struct applier *applier_start(const struct cfg *c, struct queue *q,
    const struct filter *f, struct recent *recent, char *err, size_t errlen);
/* Wait for the thread; returns its status and message. */
enum applier_status applier_join(struct applier *a, char *msg, size_t msglen);
/* APPLIER_RUNNING while the thread works; its final status once it stopped. */
enum applier_status applier_state(struct applier *a);
/* Ask the thread to stop at the next transaction boundary. */
void applier_stop(struct applier *a);
void applier_get_stats(struct applier *a, struct applier_stats *out);
/*
 * Hold at file:pos (the end of a source transaction; file NULL: wherever
 * the applier is) for at most timeout_s seconds; the state shows in
 * applier_stats.hold.  A held applier moves on to a later position given
 * so.  False if the destination's committed position is past it already.
 */
bool applier_hold(struct applier *a, const char *file, uint64_t pos, unsigned timeout_s);
/* End a hold (or a pending one). */
void applier_release(struct applier *a);
void applier_free(struct applier *a);

#endif
