/* migrate.h: start = snapshot: schema, consistent copy and the position the stream starts from. */
#ifndef SRC_MIGRATE_H
#define SRC_MIGRATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "src/applier.h"
#include "src/cfg.h"
#include "src/filter.h"
#include "src/state.h"

struct copy;

/* The phases of one migration, in order (shown in the log and /status). */
enum migrate_phase {
	MIGRATE_PRECHECK,
	MIGRATE_SCHEMA,
	MIGRATE_COPY,
	MIGRATE_INDEXES,
	MIGRATE_OBJECTS,
	MIGRATE_CATCHUP,
	MIGRATE_STREAMING,
};

const char *migrate_phase_name(enum migrate_phase p);

/* What status shows while a migration runs (set by migrate_run's thread). */
struct migrate_state {
	pthread_mutex_t mu;          /* guards copy and stop */
	volatile int phase;          /* enum migrate_phase */
	struct copy *copy;           /* during MIGRATE_COPY */
	bool stop;                   /* asked to stop (a signal) */
};

void migrate_state_init(struct migrate_state *ms);
void migrate_state_free(struct migrate_state *ms);
/* Stop the migration after the chunks being copied (from any thread). */
void migrate_stop(struct migrate_state *ms);
/*
 * The phase and, during the copy, its progress as JSON members (without
 * braces) into buf (from any thread).
 */
void migrate_status_json(struct migrate_state *ms, char *buf, size_t len);
struct migrate_metrics {
	unsigned long long rows, bytes, rows_est, chunks;
};
void migrate_status_metrics(struct migrate_state *ms, struct migrate_metrics *out);

/*
 * Run the migration's phases up to the stream: check the source, create
 * the selected databases and tables on the destination (on_conflict),
 * copy their rows, add the deferred indexes and foreign keys, and return
 * in *start the position the stream starts from (the lowest position any
 * chunk was read at). Resumes an interrupted migration from the state
 * schema. False with err: *fatal says whether a retry may cure it.
 */
bool migrate_run(const struct cfg *c, const struct filter *f, struct migrate_state *ms,
    struct ckpt *start, bool *fatal, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
