/* value.h: text forms of decoded column values (mariadb-binlog -v style and JSON). */
#ifndef PROTO_VALUE_H
#define PROTO_VALUE_H

#include "proto/binlog.h"
#include "proto/sbuf.h"

/*
 * Append the value as `mariadb-binlog --base64-output=decode-rows -v` prints
 * it after "@N=" (strings quoted with \xHH escapes, negative integers with the
 * unsigned reading in parentheses when signedness is unknown, ...).
 * Returns false (err filled) if the value cannot be printed (bad DECIMAL or
 * JSON bytes).
 */
PROTO_WUR bool value_print_binlog(struct sbuf *out, const struct binlog_col *col,
    const struct binlog_value *v, struct proto_err *err);

/*
 * Append the value as a JSON value: numbers as numbers (DECIMAL as a string
 * to keep every digit), strings as JSON strings when valid UTF-8 for the
 * column's charset else {"base64": "..."}, temporal values as ISO strings,
 * binary JSON converted to JSON text.
 */
PROTO_WUR bool value_print_json(struct sbuf *out, const struct binlog_col *col,
    const struct binlog_value *v, struct proto_err *err);

/* Append DECIMAL text ("-12.340") from binary form. */
PROTO_WUR bool decimal_to_text(struct sbuf *out, const uint8_t *p, size_t len,
    unsigned precision, unsigned scale, struct proto_err *err);

/* Bytes a binary DECIMAL(precision, scale) occupies. */
size_t decimal_bin_size(unsigned precision, unsigned scale);

/* Append a JSON string literal of the bytes (escaped, invalid UTF-8 as \uFFFD-free \\u00XX). */
void json_string(struct sbuf *out, const uint8_t *p, size_t len);

#endif
