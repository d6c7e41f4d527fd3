/* snapshot.h: consistent read snapshots of the source whose binlog position is known exactly. */
#ifndef SRC_SNAPSHOT_H
#define SRC_SNAPSHOT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/dest.h"

/* A binlog position of the source: file, offset, and the GTIDs up to it. */
struct snap_pos {
	char file[256];
	uint64_t pos;
	char *gtid; /* malloc'ed; "" when the source has no GTIDs */
};

void snap_pos_free(struct snap_pos *p);
bool snap_pos_copy(struct snap_pos *to, const struct snap_pos *from);
/* Drop the newlines and blanks MySQL puts after each uuid's ranges of a GTID set. */
void snap_gtid_compact(char *gtid);
/* Order of two positions of one source (file names by their number). */
int snap_pos_cmp(const char *fa, uint64_t pa, const char *fb, uint64_t pb);

/*
 * What opening a snapshot needs besides the reader's own connection. On
 * MariaDB nothing: START TRANSACTION WITH CONSISTENT SNAPSHOT reports the
 * binlog position of the snapshot (binlog_snapshot_file/position), without
 * any lock. On MySQL nothing lock-free gives that position: a coordinator
 * connection takes FLUSH TABLES WITH READ LOCK (short lock_wait_timeout,
 * retried) while the reader opens its snapshot and the position is read,
 * then unlocks; the lock is held for milliseconds and logged. The
 * coordinator also holds LOCK INSTANCE FOR BACKUP for the whole copy when
 * the account may, so that no DDL changes a table being copied.
 */
struct snapshot_coord {
	pthread_mutex_t mu;
	struct dest d;       /* MySQL: the lock holder; unused on MariaDB */
	bool mariadb;
	bool backup_lock;    /* LOCK INSTANCE FOR BACKUP held */
	unsigned max_held_ms;
	unsigned snapshots;
	/*
	 * Where the global lock is refused (managed services without RELOAD):
	 * LOCK TABLES ... READ of every copied table instead (malloc'ed, set
	 * by the caller; NULL: no fallback).
	 */
	char *lock_tables_sql;
	bool per_table;
};

/* Connect the coordinator (MySQL), take the backup lock where allowed. */
bool snapshot_coord_init(struct snapshot_coord *co, const struct cfg_link *src,
    bool mariadb, char *err, size_t errlen) __attribute__((warn_unused_result));
void snapshot_coord_free(struct snapshot_coord *co);

/*
 * Open a consistent snapshot on reader r (REPEATABLE READ, read only) and
 * fill *out with the binlog position it corresponds to. Any transaction
 * open on r is ended first. On MariaDB out->gtid is left '': converting a
 * position reads the binlog file up to it, and the readers (the copy's
 * chunks, verify) need only file:pos; what needs GTIDs converts its
 * position once (snapshot_gtid_at).
 */
bool snapshot_open(struct snapshot_coord *co, struct dest *r, struct snap_pos *out,
    char *err, size_t errlen) __attribute__((warn_unused_result));

/* MariaDB: fill p->gtid with BINLOG_GTID_POS(p->file, p->pos); false with d->err. */
bool snapshot_gtid_at(struct dest *d, struct snap_pos *p) __attribute__((warn_unused_result));

/*
 * The source's current end of binlog (SHOW BINARY LOG STATUS, or SHOW
 * MASTER STATUS before MySQL 8.2) with its GTID set: MySQL's
 * Executed_Gtid_Set, MariaDB's BINLOG_GTID_POS there. False with err
 * (binary logging off, a refused statement: d->errnum says which).
 */
bool snapshot_position_now(struct dest *src, struct snap_pos *out, char *err,
    size_t errlen) __attribute__((warn_unused_result));

#endif
