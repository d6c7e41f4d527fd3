/* binlog_live.h: myshift-binlog reading a live server as a replica (printing, or --raw copies). */
#ifndef SRC_BINLOG_LIVE_H
#define SRC_BINLOG_LIVE_H

#include <stdbool.h>

#include "src/binlog_print.h"
#include "src/replica.h"

struct live_opts {
	struct replica_opts r;
	bool raw;               /* save binlog files byte for byte */
	const char *result_dir; /* where --raw writes; "." if NULL */
};

/* Stream until the end (or forever with stop_never); the exit status. */
int live_run(struct printer *p, const struct live_opts *o);

#endif
