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

bool
cur_varlen(struct cur *c, uint64_t max, uint64_t *v, const char *what)
{
	size_t at = c->pos;
	uint8_t b0;
	unsigned n = 1;
	uint64_t rest, x;

	if (!cur_u8(c, &b0, what))
		return false;
	while (n <= 8 && (b0 >> (n - 1)) & 1)
		n++;
	if (n == 1)
		x = b0 >> 1;
	else {
		if (!cur_uint(c, n - 1, &rest, what))
			return false;
		x = n == 9 ? rest : (uint64_t)(b0 >> n) | rest << (8 - n);
	}
	if (x > max) {
		c->pos = at;
		return cur_fail(c, PROTO_MALFORMED,
		    "%s %llu out of range (at most %llu)", what,
		    (unsigned long long)x, (unsigned long long)max);
	}
	*v = x;
	return true;
}

bool
cur_varlen_signed(struct cur *c, int64_t *v, const char *what)
{
	uint64_t u;

	if (!cur_varlen(c, UINT64_MAX, &u, what))
		return false;
	*v = (int64_t)((u >> 1) ^ (0 - (u & 1)));
	return true;
}
