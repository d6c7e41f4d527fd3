/* cursor.c: error recording for bounded cursors. */
#include "proto/cursor.h"

#include <stdarg.h>
#include <stdio.h>

/* Fill err from a format; returns false so callers can `return proto_fail()`. */
bool
proto_fail(struct proto_err *err, enum proto_code code, uint64_t offset,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != PROTO_OK)
		return false; /* keep the first, innermost error */
	err->code = code;
	err->offset = offset;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}

bool
cur_fail(struct cur *c, enum proto_code code, const char *fmt, ...)
{
	va_list ap;
	struct proto_err *err = c->err;

	if (err == NULL || err->code != PROTO_OK)
		return false;
	err->code = code;
	err->offset = cur_offset(c);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}

/* Slow path of cur_need(): report what was being read and how short. */
bool
cur_short(struct cur *c, size_t need, const char *what)
{
	return cur_fail(c, PROTO_TRUNCATED,
	    "truncated %s: need %zu bytes, %zu left", what, need, cur_left(c));
}

bool
cur_lenenc(struct cur *c, uint64_t *v, const char *what)
{
	uint8_t b;

	if (!cur_u8(c, &b, what))
		return false;
	if (b < 0xfb) {
		*v = b;
		return true;
	}
	switch (b) {
	case 0xfc:
		return cur_uint(c, 2, v, what);
	case 0xfd:
		return cur_uint(c, 3, v, what);
	case 0xfe:
		return cur_uint(c, 8, v, what);
	default:
		c->pos--;
		return cur_fail(c, PROTO_MALFORMED,
		    "bad length-encoded integer prefix 0x%02x in %s", b, what);
	}
}
