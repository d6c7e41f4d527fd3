/* cutover.h: `myshift cutover`: fence the source, let the destination reach its last write, switch, and leave a way back. */
#ifndef SRC_CUTOVER_H
#define SRC_CUTOVER_H

#include <stdbool.h>
#include <stdio.h>

#include "src/cfg.h"
#include "src/filter.h"

/*
 * With a `myshift run` of configuration c serving [status] listen:
 *  1. wait until its lag is under [cutover] max_lag_ms ([cutover] wait);
 *  2. fence the source: SET GLOBAL read_only = ON (waiting at most
 *     fence_timeout; sessions still writing are listed if it cannot);
 *  3. read the source's final binlog position and GTID set;
 *  4. wait until the destination has applied exactly that; with
 *     [cutover] verify_rows, compare the rows changed last (the keys the
 *     run kept, GET /recent) on both servers: any difference cancels;
 *  5. record the destination's own binlog position (the way back: a
 *     reverse configuration, destination -> old source, starting there);
 *  6. run [cutover] hook, with the positions in its environment; if it
 *     fails, the source is made writable again and nothing is switched;
 *  7. record the cutover in the state schema, stop the run, and print
 *     the final position and the write pause (fence to completion).
 * dry_run: check and report the lag and what would be done, change nothing.
 * Returns 0 when switched (or the dry run found it possible), 1 when not.
 */
int cutover_run(const struct cfg *c, const struct filter *f, bool dry_run, FILE *out);

#endif
