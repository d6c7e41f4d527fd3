/* xid.h: XA transaction identifiers (xids) in one canonical text,
 * X'gtrid',X'bqual',format (lower-case hex), whatever form they were
 * logged or written in. */
#ifndef MYSHIFT_XID_H
#define MYSHIFT_XID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/binlog.h"

enum xa_verb { XA_V_START, XA_V_END, XA_V_PREPARE, XA_V_COMMIT, XA_V_ROLLBACK };

/* The canonical text of an xid from its parts (gn, bn <= 64). */
void xid_text(const uint8_t *g, size_t gn, const uint8_t *b, size_t bn, long format,
    char *out, size_t outlen);
/* Parse an XA statement (sql_mode: how to read its string literals): its
 * verb, its xid as canonical text, ONE PHASE.  False: not one. */
bool xa_parse(const char *sql, size_t len, uint64_t sql_mode, enum xa_verb *verb,
    char *xid, size_t xidlen, bool *one_phase);
/* Whether list, canonical xids each followed by '\n' after a first '\n'
 * ("\nxid\nxid\n"; NULL: empty), holds xid. */
bool xid_listed(const char *list, const char *xid);
/* The xid of an XA_PREPARE event. */
void xa_xid_of_event(const struct binlog_event *ev, char *out, size_t outlen);

#endif
