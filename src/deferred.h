/* deferred.h: the secondary indexes and foreign keys a copied table gets after its data. */
#ifndef SRC_DEFERRED_H
#define SRC_DEFERRED_H

#include <stdbool.h>
#include <stddef.h>

#include "src/cfg.h"
#include "src/dest.h"

/*
 * start = snapshot creates each table without its secondary indexes and
 * foreign keys and records them in the state schema's copy_tables
 * (deferred_indexes, deferred_fks, one definition per line). Loading rows
 * into a table with only its primary key and then building each secondary
 * index by sorting is much faster than maintaining the indexes row by row.
 *
 * deferred_add: add the indexes (fks false) or foreign keys (fks true) not
 * yet added, of the table sdb.stbl or of every table when sdb is NULL; each
 * table in one ALTER (FULLTEXT indexes each alone: InnoDB builds one at a
 * time), one table after the other, its flag set once done. Foreign keys
 * are added unchecked (foreign_key_checks = 0 on d): the rows are the
 * source's, whose keys held. An index or key already there (an earlier run
 * was stopped after adding it) counts as added.
 */
bool deferred_add(struct dest *d, const char *state_schema, bool fks, const char *sdb,
    const char *stbl, bool *fatal, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/*
 * The indexer builds a table's secondary indexes as soon as the copy has
 * committed all of its chunks, on a connection of its own, while the copy
 * goes on with the other tables: one table at a time, in the order they
 * were finished. indexer_table_done has the copy's callback signature
 * (copy_on_table_done) and may be called from any thread.
 * indexer_finish builds what is still queued (unless stopping), two
 * tables at a time (a second connection: the copy no longer loads the
 * destination), ends the threads and returns false with the first error:
 * one that no retry cures
 * (privilege, a definition the destination refuses). on_error, when set,
 * is called at that error (from the indexer's thread), so that the copy
 * can stop early. After a transient error (a lost connection) the indexer
 * only stops: the tables left are built by the pass after the copy
 * (deferred_add), which retries as the migration does.
 */
struct indexer;

struct indexer *indexer_start(const struct cfg *c, void (*on_error)(void *arg), void *arg);
void indexer_table_done(void *ix, const char *sdb, const char *stbl);
/* Do not start another table (a stop was asked); the one being built finishes. */
void indexer_stop(struct indexer *ix);
bool indexer_finish(struct indexer *ix, char *err, size_t errlen)
    __attribute__((warn_unused_result));

#endif
