/* binlog_print.h: myshift-binlog's outputs: mariadb-binlog -v text, JSON lines, statistics. */
#ifndef SRC_BINLOG_PRINT_H
#define SRC_BINLOG_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/binlog.h"
#include "proto/sbuf.h"

enum print_mode {
	PRINT_TEXT,
	PRINT_JSON,
	PRINT_STATS,
};

struct print_tstat; /* per-table counters (stats mode) */

struct printer {
	enum print_mode mode;
	FILE *out;
	const char *db_filter;    /* NULL: all */
	const char *table_filter; /* "t" or "db.t"; NULL: all */
	struct sbuf buf;
	struct binlog_value *before, *after;
	uint32_t vcap;
	uint64_t stmt_rows; /* rows of the current statement (text) */
	/* statistics */
	uint64_t events, bytes;
	uint64_t type_count[256], type_bytes[256];
	uint64_t rows_ins, rows_upd, rows_del;
	struct print_tstat *tstats;
	size_t ntstats, tstats_cap;
	uint64_t ignored;
	/* live streams: output held until its transaction is complete */
	bool hold;
	FILE *spill; /* held output past HOLD_LIMIT bytes */
	/* counters as they were at the last commit (restored on discard) */
	struct printer_saved *saved;
};

void printer_init(struct printer *p, enum print_mode mode, FILE *out);
void printer_free(struct printer *p);

/* Text preamble and epilogue (the DELIMITER lines of mariadb-binlog). */
void printer_begin(struct printer *p);
void printer_end(struct printer *p);

/*
 * Print (or count) one decoded event; for TRANSACTION_PAYLOAD its inner
 * events too. false with err filled when a row or inner event cannot be
 * decoded.
 */
bool printer_event(struct printer *p, struct binlog_decoder *d,
    const struct binlog_event *ev, struct proto_err *err)
    __attribute__((warn_unused_result));

/* Write out buffered text; false on a write error. */
bool printer_flush(struct printer *p);

/* Live streams: the held output of a complete transaction goes out. */
bool printer_commit(struct printer *p);
/* Live streams: the held output is void (the transaction comes again). */
void printer_discard(struct printer *p);

/* Print the statistics table (stats mode) with the time taken. */
void printer_stats(struct printer *p, double seconds, unsigned nfiles);

#endif
