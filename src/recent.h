/* recent.h: the keys of the rows the applier changed last, for the cutover's quick verify. */
#ifndef SRC_RECENT_H
#define SRC_RECENT_H

#include <stdbool.h>

#include "proto/binlog.h"
#include "proto/sbuf.h"
#include "src/schema.h"

/*
 * A ring of the last N row changes the applier replayed, each kept as its
 * source table and the text of its key's values, in the form the key's
 * bounds are read in (src/tablekey.h: strings and binary strings in hex,
 * numbers as digits, temporal values quoted, ENUM/SET/BIT by number,
 * TIMESTAMP in UTC).  `myshift cutover` reads it over GET /recent and
 * compares exactly those rows on both servers under the fence.  The
 * applier thread notes, the status listener dumps: a mutex guards it.
 */
struct recent;

/* An empty ring of cap keys (NULL when cap is 0 or out of memory). */
struct recent *recent_new(unsigned cap);
void recent_free(struct recent *r);

/*
 * Note the key of one changed row of source table db.table: the columns
 * of st's key (the destination's definition) read from vals (a row image
 * of binlog table t).  A key that has no exact text (FLOAT, DOUBLE, JSON,
 * geometry, MariaDB's INET6 and UUID, a column missing from the image) is
 * not noted.
 */
void recent_note(struct recent *r, const char *db, const char *table,
    const struct binlog_table *t, const struct schema_table *st,
    const struct binlog_value *vals);

/*
 * Append every key noted, oldest first, one per line:
 * HEX(db) TAB HEX(table) (TAB HEX(column) TAB value)... LF.
 * Returns how many.
 */
unsigned recent_dump(struct recent *r, struct sbuf *out);

#endif
