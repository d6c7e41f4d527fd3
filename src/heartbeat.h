/* heartbeat.h: the optional heartbeat row myshift writes on the source, whose replay measures lag to the millisecond. */
#ifndef SRC_HEARTBEAT_H
#define SRC_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "src/cfg.h"

/*
 * With [status] heartbeat_ms set, a thread keeps one row of
 * STATE_SCHEMA.heartbeat on the source, (server_id, ts): server_id is
 * myshift's [replication] server_id (several myshift instances may follow
 * one source), ts the time of the write in microseconds since the epoch on
 * myshift's own clock, so that no clock skew between hosts enters the lag.
 * The applier picks the row out of the stream (the state schema is never
 * replicated) and reports the newest ts it has committed.
 */
struct heartbeat;

/* Start the writer (NULL when heartbeat_ms is 0, or out of memory: logged). */
struct heartbeat *heartbeat_start(const struct cfg *c);
void heartbeat_stop(struct heartbeat *h);

/*
 * Microseconds since the oldest heartbeat written after the one with ts
 * applied_ts was written (0 when none is pending: every heartbeat written
 * has been applied, or none was written yet).
 */
int64_t heartbeat_pending_us(struct heartbeat *h, uint64_t applied_ts, uint64_t now_us);

/* The table's name on the source. */
#define HEARTBEAT_TABLE "heartbeat"

#endif
