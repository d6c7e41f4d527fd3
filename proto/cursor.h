/* cursor.h: bounded little-endian reads over wire bytes, with positioned errors. */
#ifndef PROTO_CURSOR_H
#define PROTO_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PROTO_WUR __attribute__((warn_unused_result))

/* Error codes shared by every proto/ decoder. */
enum proto_code {
	PROTO_OK = 0,
	PROTO_MALFORMED,   /* bytes do not match the documented layout */
	PROTO_TRUNCATED,   /* buffer ends before the layout does */
	PROTO_CHECKSUM,    /* CRC32 mismatch */
	PROTO_UNSUPPORTED, /* understood but not handled: never skipped silently */
	PROTO_ENCRYPTED,   /* encrypted binlog */
	PROTO_NOMEM,
};

/*
 * An error with the absolute offset (in the file or stream) where it was
 * found. Decoders fill it; callers add file names and event context.
 */
struct proto_err {
	enum proto_code code;
	uint64_t offset;
	char msg[256];
};

/*
 * A read cursor over [p, p+len). base is the absolute offset of p[0], so
 * that errors name a position in the binlog, not in a buffer.
 */
struct cur {
	const uint8_t *p;
	size_t len;
	size_t pos;
	uint64_t base;
	struct proto_err *err;
};

/* Record an error at the cursor's current position; always returns false. */
bool cur_fail(struct cur *c, enum proto_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set err (if not NULL) and return false: for code that has no cursor. */
bool proto_fail(struct proto_err *err, enum proto_code code, uint64_t offset,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline void
cur_init(struct cur *c, const uint8_t *p, size_t len, uint64_t base,
    struct proto_err *err)
{
	c->p = p;
	c->len = len;
	c->pos = 0;
	c->base = base;
	c->err = err;
}

static inline size_t
cur_left(const struct cur *c)
{
	return c->len - c->pos;
}

static inline uint64_t
cur_offset(const struct cur *c)
{
	return c->base + c->pos;
}

static inline const uint8_t *
cur_ptr(const struct cur *c)
{
	return c->p + c->pos;
}

bool cur_short(struct cur *c, size_t need, const char *what);

/* Ensure n bytes remain; what names the field for the error. */
static inline PROTO_WUR bool
cur_need(struct cur *c, size_t n, const char *what)
{
	if (__builtin_expect(c->len - c->pos >= n, 1))
		return true;
	return cur_short(c, n, what);
}

static inline uint64_t
le_read(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t
le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4); /* little-endian hosts only; checked in configure */
	return v;
}

static inline uint64_t
le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t
be_read(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Read an n-byte (1..8) little-endian unsigned integer. */
static inline PROTO_WUR bool
cur_uint(struct cur *c, unsigned n, uint64_t *v, const char *what)
{
	if (!cur_need(c, n, what))
		return false;
	*v = le_read(c->p + c->pos, n);
	c->pos += n;
	return true;
}

static inline PROTO_WUR bool
cur_u8(struct cur *c, uint8_t *v, const char *what)
{
	if (!cur_need(c, 1, what))
		return false;
	*v = c->p[c->pos++];
	return true;
}

static inline PROTO_WUR bool
cur_u16(struct cur *c, uint16_t *v, const char *what)
{
	if (!cur_need(c, 2, what))
		return false;
	*v = le16(c->p + c->pos);
	c->pos += 2;
	return true;
}

static inline PROTO_WUR bool
cur_u32(struct cur *c, uint32_t *v, const char *what)
{
	if (!cur_need(c, 4, what))
		return false;
	*v = le32(c->p + c->pos);
	c->pos += 4;
	return true;
}

static inline PROTO_WUR bool
cur_u64(struct cur *c, uint64_t *v, const char *what)
{
	if (!cur_need(c, 8, what))
		return false;
	*v = le64(c->p + c->pos);
	c->pos += 8;
	return true;
}

/* Take a view of n bytes; *out points into the cursor's buffer. */
static inline PROTO_WUR bool
cur_bytes(struct cur *c, size_t n, const uint8_t **out, const char *what)
{
	if (!cur_need(c, n, what))
		return false;
	*out = c->p + c->pos;
	c->pos += n;
	return true;
}

static inline PROTO_WUR bool
cur_skip(struct cur *c, size_t n, const char *what)
{
	if (!cur_need(c, n, what))
		return false;
	c->pos += n;
	return true;
}

/*
 * Length-encoded integer (protocol "int<lenenc>"): 0-250 itself, 0xfc +2,
 * 0xfd +3, 0xfe +8. 0xfb (NULL) and 0xff are errors here.
 */
PROTO_WUR bool cur_lenenc(struct cur *c, uint64_t *v, const char *what);

/*
 * mysql::serialization variable-length integer (MySQL 8.3+ serialized
 * events and tagged GTID sets): the count of trailing 1 bits of the first
 * byte, plus one, is the total length in bytes (1-9); the value's low bits
 * sit above the first 0 bit, the rest follow little-endian (9 bytes: the
 * first byte is 0xff and all 64 bits follow). A value above max is
 * malformed, as MySQL's reader refuses it for a narrower field.
 */
PROTO_WUR bool cur_varlen(struct cur *c, uint64_t max, uint64_t *v,
    const char *what);
/* The signed form: zigzag over cur_varlen (bit 0 the sign). */
PROTO_WUR bool cur_varlen_signed(struct cur *c, int64_t *v, const char *what);

/* Packed integer of binlog events: same as lenenc, 0xfb NULL is an error. */
#define cur_packed cur_lenenc

/* The value of a hex digit, -1 if ch is none (text formats: GTIDs, JSON paths). */
static inline int
cur_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

#endif
