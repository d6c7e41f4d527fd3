/* jsondiff.h: JSON diffs of partial updates applied to binary JSON, and their paths. */
#ifndef PROTO_JSONDIFF_H
#define PROTO_JSONDIFF_H

#include "proto/cursor.h"
#include "proto/sbuf.h"

/*
 * Check that a diff path is one MySQL writes for a diff ("$", then member
 * legs .name or ."quoted name" and array legs [N], [last], [last-N]) and
 * say whether its last leg is an array cell (an INSERT there is
 * JSON_ARRAY_INSERT in SQL). base is the absolute offset of path.
 */
PROTO_WUR bool jsondiff_path_check(const char *path, size_t len,
    bool *last_is_cell, uint64_t base, struct proto_err *err);

/*
 * Apply a diff list (the bytes of one partial JSON column after its
 * 4-byte length: jsonb_diff_next() framing) to the binary JSON document
 * doc as MySQL's apply_json_diffs() does, and append the JSON text of the
 * result exactly as jsonb_to_text() prints the full document MySQL would
 * have logged. doc_base and diff_base are absolute offsets for errors.
 *
 * false with *rejected set: the diff does not apply to doc (a path that is
 * not there, a member that already is: MySQL's ER_COULD_NOT_APPLY_JSON_DIFF,
 * the destination has drifted); err says which diff and why. false with
 * *rejected clear: malformed bytes or out of memory. out is unchanged on
 * failure. sql non-NULL: also append, as jsonb_to_sql() does, the SQL that
 * rebuilds the result's typed scalars from its text (*typed says whether
 * there are any).
 */
PROTO_WUR bool jsondiff_apply(struct sbuf *out, struct sbuf *sql,
    bool *typed, const uint8_t *doc, size_t doc_len, uint64_t doc_base,
    const uint8_t *diffs, size_t diffs_len, uint64_t diff_base,
    bool *rejected, struct proto_err *err);

#endif
