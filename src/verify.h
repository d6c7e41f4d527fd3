/* verify.h: `myshift verify`: source and destination compared chunk by chunk, row by row where they differ, repaired on request. */
#ifndef SRC_VERIFY_H
#define SRC_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "src/cfg.h"
#include "src/filter.h"

/* Exit statuses of verify_run(). */
#define VERIFY_IDENTICAL 0
#define VERIFY_DIFFERENT 1
#define VERIFY_ERROR     3

/*
 * Compare every table the filter selects.  Each group of chunks is read on
 * the source in one consistent snapshot whose binlog position is known;
 * when `myshift run` serves [status] listen, it is asked to hold its
 * applier at exactly that position while the destination's side is read,
 * so that changes in flight never show as differences.  Chunks whose
 * checksums differ are compared row by row (on the destination server:
 * keys are never compared in the client) and the rows listed by key as
 * missing, extra or different; with repair, rewritten from the source's
 * snapshot (REPLACE, DELETE) while the hold lasts.
 */
int verify_run(const struct cfg *c, const struct filter *f, bool repair, FILE *out);

/*
 * The cutover's quick verify: connections to both servers opened ahead
 * (verify_open(), NULL with err), then exactly the rows whose keys list
 * holds (GET /recent's lines, src/recent.h) compared on both servers as
 * they stand: summed in batches, one by one where the sums differ, each
 * difference printed to out by key.  Tables dropped since are skipped
 * with a note.  Returns VERIFY_IDENTICAL, VERIFY_DIFFERENT (*differ rows)
 * or VERIFY_ERROR (err); *compared counts the distinct keys compared.
 */
struct verify;
struct verify *verify_open(const struct cfg *c, const struct filter *f, FILE *out,
    char *err, size_t errlen);
int verify_keys(struct verify *v, const char *list, uint64_t *compared, uint64_t *differ,
    char *err, size_t errlen);
void verify_close(struct verify *v);

#endif
