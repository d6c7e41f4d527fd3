/* state.h: what myshift keeps on the destination: where applying resumes, the migration's phase and seam, the copy's chunks. */
#ifndef SRC_STATE_H
#define SRC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "src/cfg.h"
#include "src/dest.h"
#include "src/snapshot.h"

/*
 * The state schema ([destination] state_schema) and its tables; this file
 * owns their definitions and the rows that say where myshift is:
 *
 *   checkpoint    where applying resumes (one row), written in the same
 *                 destination transaction as the changes it follows
 *   migration     the migration's phase and the seam (row 1); row 3 holds
 *                 the XA floor (src/migrate_xa.c)
 *   copy_chunks   each chunk of the copy: bounds, done, rows, and the
 *                 snapshot position its rows are as of
 *
 * and the bookkeeping tables other modules fill: xa_pending (held XA
 * transactions, src/applier_xa.c), copy_tables (the tables the migration
 * created, their deferred indexes: src/migrate_schema.c, src/deferred.c),
 * copy_objects (views, routines, triggers, events: src/objects.c),
 * cutover (src/cutover.c). A state schema an earlier version made gets
 * the columns of today when these create it.
 */

/* The checkpoint and the XA hold table (every run). False: d says why. */
bool state_schema_create(struct dest *d, const char *schema)
    __attribute__((warn_unused_result));
/* The migration's tables: migration, copy_tables, copy_chunks, copy_objects. */
bool state_migration_create(struct dest *d, const char *schema)
    __attribute__((warn_unused_result));
/* The cutover log. */
bool state_cutover_create(struct dest *d, const char *schema)
    __attribute__((warn_unused_result));

/* ------------------------------------------------------------ checkpoint */

/* The checkpoint: where applying resumes. */
struct ckpt {
	bool found;
	char file[512];
	uint64_t pos;
	char gtid[65536];
	uint64_t transactions;
	char server[256];  /* MySQL: the source's server_uuid; "" unknown */
};

/* Read the checkpoint row (bringing an existing state schema up to date);
 * false with err, and *fatal when no retry can cure it (access denied,
 * missing privilege). */
bool state_ckpt_read(const struct cfg *c, struct ckpt *out, bool *fatal, char *err,
    size_t errlen) __attribute__((warn_unused_result));
/* Write the first checkpoint (the start position) if there is none. */
bool state_ckpt_init(const struct cfg *c, const struct ckpt *start, bool *fatal, char *err,
    size_t errlen) __attribute__((warn_unused_result));
/* The checkpoint's upsert, prepared on d; NULL: d says why. */
MYSQL_STMT *state_ckpt_prepare(struct dest *d, const char *schema);
/* Write the checkpoint with st (in d's open transaction). False: d says why. */
bool state_ckpt_write(struct dest *d, MYSQL_STMT *st, const char *file, uint64_t pos,
    const char *gtid, uint64_t transactions, uint32_t source_ts)
    __attribute__((warn_unused_result));

/* ------------------------------------------------------------ migration */

/*
 * Whether an earlier run began a migration on the destination (the state
 * schema has its tables): `myshift run` prechecks only a new one. False
 * with err when the destination cannot be asked; *transient then says
 * whether a retry may cure it.
 */
bool state_migration_begun(const struct cfg *c, bool *begun, bool *transient, char *err,
    size_t errlen) __attribute__((warn_unused_result));
/* The migration's phase ("" none yet). False: d says why. */
bool state_phase_read(struct dest *d, const char *schema, char *phase, size_t len)
    __attribute__((warn_unused_result));
/* Record the phase, and the seam's end (NULL or file "": none). */
bool state_phase_write(struct dest *d, const char *schema, const char *phase,
    const struct snap_pos *seam) __attribute__((warn_unused_result));

/*
 * The seam, read by the applier: the highest snapshot position (file,
 * pos; file "" when there is no seam or it is passed), and for tables
 * copied whole (no key) or gone during the copy the position each was read
 * at.
 */
struct state_seam_table {
	char db[65], table[65];  /* source names */
	char file[256];
	unsigned long long pos;
};
struct state_seam {
	char file[256];
	unsigned long long pos;
	struct state_seam_table *keyless;
	unsigned nkeyless;
	/* XA transactions prepared before the stream's start and finished
	 * before the copy's first snapshot: "\nxid\n..." (canonical xids,
	 * src/xid.h), NULL none.  Their rows are in the copy; their XA COMMIT
	 * in the seam has nothing to apply. */
	char *xa_copied;
};

bool state_seam_read(struct dest *d, const char *schema, struct state_seam *out,
    char *err, size_t errlen) __attribute__((warn_unused_result));
void state_seam_free(struct state_seam *s);
/* Record that the stream passed the seam (phase streaming). */
bool state_seam_passed(struct dest *d, const char *schema)
    __attribute__((warn_unused_result));

/* ------------------------------------------------------------ the copy's chunks */

/* Record a planned chunk (autocommit): a restart copies it with the same bounds. */
bool state_chunk_plan(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    unsigned seq, const char *lo, const char *hi, bool keyless)
    __attribute__((warn_unused_result));
/*
 * Mark a chunk done, in d's open transaction (the one that loaded its
 * rows): rows and bytes copied, the snapshot position its rows are as of,
 * and end (NULL or file "": none) the source's position once they were
 * read, for a table without transactions.
 */
bool state_chunk_done(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    unsigned seq, uint64_t rows, uint64_t bytes, const struct snap_pos *snap,
    const struct snap_pos *end) __attribute__((warn_unused_result));

/* A chunk row, as state_chunks_read hands it over (valid during the call). */
struct state_chunk {
	const char *sdb, *stbl;
	unsigned seq;
	const char *lo, *hi;     /* NULL: open bound */
	bool done;
	uint64_t rows, bytes;
};
/* Call fn for every chunk, in order of table and seq; fn false stops (and
 * this returns false). False: d says why (or fn's failure). */
bool state_chunks_read(struct dest *d, const char *schema,
    bool (*fn)(void *arg, const struct state_chunk *ch), void *arg)
    __attribute__((warn_unused_result));
/*
 * The lowest and highest snapshot positions any done chunk was read at
 * (the seam of the stream); the high end also covers what chunks of
 * non-transactional tables may hold. File "" when no chunk is done.
 */
bool state_copy_positions(struct dest *d, const char *schema, struct snap_pos *low,
    struct snap_pos *high, char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * Record sdb.stbl as gone from the source (dropped or renamed): its chunks
 * not done are done without rows, at position at (past the DROP), and one
 * such chunk is added (so that a table without any planned is recorded).
 * False: d says why.
 */
bool state_table_gone(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    const struct snap_pos *at) __attribute__((warn_unused_result));
/* Whether sdb.stbl is recorded gone and not settled: 1 yes, 0 no, -1 failed. */
int state_gone_pending(struct dest *d, const char *schema, const char *sdb, const char *stbl);
/* Record gone table sdb.stbl settled (its DROP replayed, or its copy dropped). */
bool state_gone_settled(struct dest *d, const char *schema, const char *sdb, const char *stbl)
    __attribute__((warn_unused_result));
/*
 * Once the catch-up is over: a table found gone from the source during the
 * copy that the catch-up did not drop on d was dropped before the
 * catch-up's start; drop it on d, and record them settled (run it outside
 * a transaction, right at the seam's end). False: d says why.
 */
bool state_gone_settle_all(struct dest *d, const char *schema)
    __attribute__((warn_unused_result));

#endif
