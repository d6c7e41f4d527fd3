/* statuscli.h: `myshift status`: the running process's /status, for people and scripts. */
#ifndef SRC_STATUSCLI_H
#define SRC_STATUSCLI_H

#include <stdbool.h>
#include <stdio.h>

#include "src/cfg.h"

/*
 * Fetch /status (or /metrics) from [status] listen of c and print it:
 * indented "key: value" lines, or as served with json (or metrics).
 * Returns 0, 1 when nothing answers (no myshift run with this
 * configuration), 2 when [status] listen is not set.
 */
int statuscli_run(const struct cfg *c, bool json, bool metrics, FILE *out);

/*
 * One HTTP request to the listener at listen (host:port): the answer's
 * status code in *code and its body appended to body.  False with err when
 * nothing answers (or the answer is not HTTP).
 */
struct sbuf;
bool statuscli_http(const char *listen, const char *method, const char *path,
    struct sbuf *body, int *code, char *err, size_t errlen);

#endif
