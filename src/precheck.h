/* precheck.h: `myshift precheck`: everything a migration needs, checked on both servers before anything is written. */
#ifndef SRC_PRECHECK_H
#define SRC_PRECHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "src/cfg.h"
#include "src/filter.h"

/*
 * Print one line per check, "PASS|WARN|FAIL  name: what was found", and
 * under each WARN and FAIL "      fix: ...".  Returns the number of FAILs;
 * *nwarn the WARNs.  Nothing is changed on either server except a scratch
 * schema on the destination, dropped again, where every selected table,
 * view, routine, trigger and event of the source is created to see what
 * the destination refuses (the upgrade check).
 */
int precheck_run(const struct cfg *c, const struct filter *f, FILE *out, int *nwarn);

/* What `myshift run` needs to know of a precheck besides its report. */
struct precheck_result {
	int fails, warns;
	bool unreachable;   /* a server could not be reached: nothing else was checked there */
	bool transient;     /* ... and a retry may cure that (not a password, say) */
};

/* precheck_run, filling *res. */
void precheck_report(const struct cfg *c, const struct filter *f, FILE *out,
    struct precheck_result *res);

#endif
