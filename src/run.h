/* run.h: `myshift run`: the reader on the event loop feeding the applier thread, restarted from the checkpoint on failures. */
#ifndef SRC_RUN_H
#define SRC_RUN_H

#include "src/cfg.h"

/* Run until stopped (SIGTERM/SIGINT) or a final error; the exit status. */
int run_main(const struct cfg *c);
/*
 * Remember SIGTERM, SIGINT and SIGHUP from now on, so that a stop asked
 * for while myshift starts is not lost (run_main acts on it).
 */
void run_catch_signals(void);

#endif
