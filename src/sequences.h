/* sequences.h: MariaDB's sequences of a migration, created and set to the source's state. */
#ifndef SRC_SEQUENCES_H
#define SRC_SEQUENCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct dest;
struct filter;

/*
 * Every selected sequence of the source (MariaDB's CREATE SEQUENCE, a
 * table of TABLE_TYPE 'SEQUENCE'), with [filter] renames: created on the
 * destination when missing (SHOW CREATE SEQUENCE: its bounds, increment,
 * cache, cycle), then given the source's state as it is now (its one row,
 * written with INSERT, which sets a sequence to the row's values). Called
 * after the copy, before the stream starts from a position no later than
 * now: the stream then replays every later NEXTVAL, SETVAL and ALTER
 * SEQUENCE (a NEXTVAL that runs out of the cache logs the sequence's new
 * row; replaying an older row sets it back, and the later ones forward
 * again, in the source's order), so that the destination ends at the
 * source's state. *n counts them. False with err; *fatal says whether a
 * retry may cure it.
 */
bool sequences_copy(struct dest *src, struct dest *dst, const struct filter *f, unsigned *n,
    bool *fatal, char *err, size_t errlen) __attribute__((warn_unused_result));

/*
 * The selected sequences of the source (with [filter] renames) that
 * already exist on the destination, appended to list as "`db`.`name`"
 * separated by ", "; *n counts them. False with err on an error of either
 * server (*fatal as above).
 */
struct sbuf;
bool sequences_existing(struct dest *src, struct dest *dst, const struct filter *f,
    struct sbuf *list, unsigned *n, bool *fatal, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * myshift verify: each selected sequence's state (its one row) on the
 * source and on the destination, compared a few times a second apart (the
 * stream may be a NEXTVAL behind); a line for each on out. *n counts the
 * sequences, *missing and *differ those absent from the destination or in
 * another state; with repair, each is created or set to the source's state.
 * False with err on an error of either server.
 */
bool sequences_verify(struct dest *src, struct dest *dst, const struct filter *f, bool repair,
    FILE *out, unsigned *n, unsigned *missing, unsigned *differ, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
