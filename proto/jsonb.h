/* jsonb.h: MySQL binary JSON (JSONB) and partial-update JSON diffs to text. */
#ifndef PROTO_JSONB_H
#define PROTO_JSONB_H

#include "proto/cursor.h"
#include "proto/sbuf.h"

/*
 * Append the JSON text of a binary JSON document as MySQL prints it
 * (`{"a": 1, "b": [true, null]}`: ", " and ": " separators). An empty
 * document (len 0) is JSON null. base is the absolute offset of p for errors.
 */
PROTO_WUR bool jsonb_to_text(struct sbuf *out, const uint8_t *p, size_t len,
    uint64_t base, struct proto_err *err);

/*
 * jsonb_to_text(), and for a MySQL destination the SQL expression that
 * rebuilds the document exactly from that text bound as its one `?`: JSON
 * text has no DECIMAL, DATE, TIME, DATETIME, TIMESTAMP or binary (opaque)
 * scalars, so each is put back at its path, typed by a JSON_TABLE column
 * of its MySQL type (or a literal of it):
 *
 *   (SELECT JSON_SET(CAST(? AS JSON), '$."a"', v0, '$."b"[1]', v1)
 *    FROM JSON_TABLE(JSON_ARRAY('12.50', x'ff00'), '$' COLUMNS (
 *      v0 DECIMAL(4,2) PATH '$[0]' ERROR ON ERROR,
 *      v1 BLOB PATH '$[1]' ERROR ON ERROR)) t0)
 *
 * The session must have time_zone '+00:00' (TIMESTAMP values) and a
 * utf8mb4 connection. *typed is false, and sql untouched, when the document
 * has no such scalar: its text alone is exact. An opaque value of a type no
 * SQL expression yields is PROTO_UNSUPPORTED.
 */
PROTO_WUR bool jsonb_to_sql(struct sbuf *text, struct sbuf *sql, bool *typed,
    const uint8_t *p, size_t len, uint64_t base, struct proto_err *err);

struct jsonb_sql;
/* Start collecting typed scalars for jsonb_sql_finish() (jsondiff). */
struct jsonb_sql *jsonb_sql_new(void);
/* Append the expression of what was collected (as jsonb_to_sql()). */
PROTO_WUR bool jsonb_sql_finish(struct jsonb_sql *s, struct sbuf *sql,
    bool *typed, uint64_t base, struct proto_err *err);
void jsonb_sql_free(struct jsonb_sql *s);

/* One operation of a JSON diff (PARTIAL_UPDATE_ROWS after image). */
enum jsonb_diff_op {
	JSONB_DIFF_REPLACE = 0,
	JSONB_DIFF_INSERT = 1,
	JSONB_DIFF_REMOVE = 2,
};

struct jsonb_diff {
	enum jsonb_diff_op op;
	const char *path; /* e.g. "$.a[1]", not NUL-terminated */
	size_t path_len;
	const uint8_t *value; /* binary JSON (not for REMOVE) */
	size_t value_len;
};

/*
 * Read the next diff from a diff list (the bytes of one column's diff image,
 * after its length). *pos starts at 0. 1 = a diff, 0 = end, -1 = error.
 */
int jsonb_diff_next(const uint8_t *p, size_t len, size_t *pos, uint64_t base,
    struct jsonb_diff *d, struct proto_err *err);

/*
 * Append the diff list as the MySQL function call mysqlbinlog -v shows:
 * JSON_INSERT(JSON_REPLACE(JSON_REMOVE(@N, '$.a'), '$.b', 1), ...) applied
 * to column_expr.
 */
PROTO_WUR bool jsonb_diff_to_text(struct sbuf *out, const char *column_expr,
    const uint8_t *p, size_t len, uint64_t base, struct proto_err *err);

#endif
