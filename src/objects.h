/* objects.h: views, routines, triggers and events of a migration, and the trigger guard. */
#ifndef SRC_OBJECTS_H
#define SRC_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "src/dest.h"
#include "src/filter.h"

struct sbuf;

/*
 * The user variable myshift's destination sessions set. Every trigger
 * myshift creates on the destination has its body wrapped as
 *   IF @myshift_session IS NULL THEN <body>; END IF
 * so that it never acts for myshift's writes (the source's triggers
 * already produced those rows) and acts for every other session: an
 * application, a person who promotes the destination.
 */
#define OBJECTS_SESSION_VAR "@myshift_session"

/* What objects_copy did. */
struct objects_report {
	unsigned views, routines, triggers, events;
	unsigned reused;             /* on_conflict = ignore: already there */
	unsigned definers_rewritten;
};

/*
 * Create the selected databases' views (in dependency order), procedures
 * and functions, triggers (guarded, in their firing order) and events
 * (disabled: a standby must not run them) on the destination, with
 * [filter] renames. A DEFINER that does not exist on the destination
 * becomes definer ('user'@'host') when set, else the object runs as its
 * invoker (SQL SECURITY INVOKER; triggers and events run as the current
 * user); each rewrite is logged. What it makes is listed in the state
 * schema's copy_objects (a rerun goes on from there). Objects that already exist: with
 * ignore_existing they are left as they are, else nothing is created and
 * err lists them all. False with err; *fatal says whether a retry may cure it.
 */
bool objects_copy(struct dest *src, struct dest *dst, const struct filter *f,
    const char *state_schema, const char *definer, bool ignore_existing,
    struct objects_report *rep, bool *fatal, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * A CREATE TRIGGER statement (as SHOW CREATE TRIGGER or a binlog event
 * gives it) with its body wrapped by the guard; one already guarded is
 * copied unchanged. False with err when the statement has no FOR EACH ROW.
 */
bool objects_trigger_guard(const char *sql, size_t len, struct sbuf *out, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * A CREATE EVENT made disabled from the start (the scheduler would run an
 * enabled one at once): its ENABLE / DISABLE [ON SLAVE|REPLICA] before DO
 * replaced by disable, or disable put before DO. False when it has no DO
 * (or out of memory).
 */
bool objects_event_disabled(const char *sql, const char *disable, struct sbuf *out)
    __attribute__((warn_unused_result));

#endif
