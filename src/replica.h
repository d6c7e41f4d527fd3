/* replica.h: a replica session on the source: register, dump the binlog, resume after every disconnect. */
#ifndef SRC_REPLICA_H
#define SRC_REPLICA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/binlog.h"
#include "src/conn.h"

struct event_base;
struct replica;

struct replica_opts {
	struct conn_opts conn;
	uint32_t server_id;        /* ours; must differ from the source's */
	unsigned heartbeat;        /* seconds between source heartbeats; 0: 15 */
	unsigned retry_window;     /* seconds to keep reconnecting; 0: 43200 */
	const char *start_file;    /* NULL: the source's first binlog (or GTID mode) */
	uint64_t start_pos;        /* 0: 4 */
	const char *start_gtid;    /* GTID set to start after; NULL: file mode */
	/*
	 * File mode: the GTID set received up to start_file:start_pos (a
	 * checkpoint's), or NULL. The set carries on from it; on MariaDB
	 * every connection also checks with BINLOG_GTID_POS() that the source's
	 * binlog at the resume position still ends with these GTIDs, so that
	 * a binlog reset or another server under the same name is an error,
	 * not a stream from a position that means something else.
	 */
	const char *known_gtid;
	/*
	 * MySQL: the server_uuid the start position belongs to, or NULL; file
	 * mode only (in GTID mode another server may serve the same set).
	 */
	const char *source_uuid;
	bool stop_never;           /* false: end at the source's current end */
};

/* What a consumer gets, all on the loop thread. */
struct replica_cb {
	/*
	 * One event as the source sent it (raw: header, body, checksum), and
	 * decoded. file is the binlog it belongs to; artificial events
	 * (fake ROTATE, fake GTID_LIST, FDE re-sent mid-file) have
	 * ev->h.log_pos == 0 or BINLOG_F_ARTIFICIAL. Heartbeats are not
	 * passed on. Return 0, or -1 to stop the stream (done is called).
	 */
	int (*event)(void *arg, struct binlog_decoder *d,
	    const struct binlog_event *ev, const uint8_t *raw, size_t len,
	    const char *file);
	/*
	 * The group the last events belong to is complete; the resume point
	 * moved to file:pos; gtid is the GTID set received so far ("" when the
	 * source has no GTIDs or the dump is by position only).
	 */
	void (*commit)(void *arg, const char *file, uint64_t pos, const char *gtid);
	/*
	 * The link was lost inside a transaction: the events passed on since
	 * the last commit are void and will be sent again, whole.
	 */
	void (*discard)(void *arg);
	/* The stream is over: status 0 at the end of a non-blocking dump, else msg says why. */
	void (*done)(void *arg, int status, const char *msg);
};

struct replica *replica_new(struct event_base *base, const struct replica_opts *o,
    const struct replica_cb *cb, void *arg);
int replica_start(struct replica *r) __attribute__((warn_unused_result));
/* Stop reading (a full queue) and go on. */
void replica_pause(struct replica *r);
void replica_resume(struct replica *r);

/* Stop after the current event; done(0) follows. */
void replica_stop(struct replica *r);
void replica_free(struct replica *r);

/*
 * In the event callback: the offset in its file where the event being passed
 * on starts, or UINT64_MAX for an event that is not in the file (the fake
 * rotate, a fake GTID list, a format description re-sent at the start of a
 * dump). Use it, not end_log_pos: MariaDB 11.4+ writes end_log_pos 0 for the
 * events inside a transaction.
 */
uint64_t replica_event_in_file(const struct replica *r);

/* The checksum algorithm negotiated on the current connection. */
uint8_t replica_checksum(const struct replica *r);

/* Statistics. */
uint64_t replica_events(const struct replica *r);
uint64_t replica_bytes(const struct replica *r);
unsigned replica_reconnects(const struct replica *r);

#endif
