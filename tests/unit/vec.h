/* vec.h: a byte-vector builder for hand-made binlog events (tests, fuzzers). */
#ifndef TESTS_VEC_H
#define TESTS_VEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/*
 * A growable buffer of wire bytes. base is the absolute offset of p[0] in
 * the binlog (4 when the vector stands for a file after its magic), so
 * that vec_end() can write the end position of each event into log_pos.
 * Allocation failure aborts: this is test code.
 */
struct vec {
	uint8_t *p;
	size_t len, cap;
	uint64_t base;
	bool crc;          /* events get a CRC32 trailer (set by vec_fde_*()) */
	bool zero_log_pos; /* inner events of a payload: log_pos 0 */
	uint32_t timestamp, server_id; /* header defaults for vec_begin() */
	size_t ev;         /* start of the open event */
};

/* Common header: offsets of the v4 header fields in an event. */
#define VEC_H_TIMESTAMP 0 /* 4 */
#define VEC_H_TYPE 4      /* 1 */
#define VEC_H_SERVER_ID 5 /* 4 */
#define VEC_H_SIZE 9      /* 4: header + body + checksum */
#define VEC_H_LOG_POS 13  /* 4: end position of the event */
#define VEC_H_FLAGS 17    /* 2 */
#define VEC_H_LEN 19

static inline void
vec_init(struct vec *v)
{
	memset(v, 0, sizeof(*v));
	v->base = 4;
	v->timestamp = 1700000000;
	v->server_id = 1;
}

static inline void
vec_free(struct vec *v)
{
	free(v->p);
	v->p = NULL;
	v->len = v->cap = 0;
}

/* Make room for n more bytes. */
static inline void
vec_room(struct vec *v, size_t n)
{
	size_t cap;

	if (v->cap - v->len >= n)
		return;
	cap = v->cap ? v->cap : 256;
	while (cap - v->len < n)
		cap *= 2;
	v->p = realloc(v->p, cap);
	if (v->p == NULL) {
		fprintf(stderr, "vec: out of memory\n");
		abort();
	}
	v->cap = cap;
}

static inline void
vec_bytes(struct vec *v, const void *p, size_t n)
{
	vec_room(v, n);
	if (n)
		memcpy(v->p + v->len, p, n);
	v->len += n;
}

static inline void
vec_zero(struct vec *v, size_t n)
{
	vec_room(v, n);
	memset(v->p + v->len, 0, n);
	v->len += n;
}

/* An n-byte (1..8) little-endian unsigned integer. */
static inline void
vec_uint(struct vec *v, uint64_t x, unsigned n)
{
	vec_room(v, n);
	for (unsigned i = 0; i < n; i++)
		v->p[v->len++] = (uint8_t)(x >> (8 * i));
}

/* An n-byte (1..8) big-endian unsigned integer. */
static inline void
vec_be(struct vec *v, uint64_t x, unsigned n)
{
	vec_room(v, n);
	for (unsigned i = 0; i < n; i++)
		v->p[v->len++] = (uint8_t)(x >> (8 * (n - 1 - i)));
}

static inline void
vec_u8(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 1);
}

static inline void
vec_u16(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 2);
}

static inline void
vec_u24(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 3);
}

static inline void
vec_u32(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 4);
}

static inline void
vec_u48(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 6);
}

static inline void
vec_u64(struct vec *v, uint64_t x)
{
	vec_uint(v, x, 8);
}

static inline void
vec_be16(struct vec *v, uint64_t x)
{
	vec_be(v, x, 2);
}

static inline void
vec_be24(struct vec *v, uint64_t x)
{
	vec_be(v, x, 3);
}

static inline void
vec_be32(struct vec *v, uint64_t x)
{
	vec_be(v, x, 4);
}


/*
 * Packed (length-encoded) integer: 0-250 in one byte, 0xfc + 2 bytes,
 * 0xfd + 3 bytes, 0xfe + 8 bytes, always the shortest form.
 */
static inline void
vec_packed(struct vec *v, uint64_t x)
{
	if (x < 251) {
		vec_u8(v, x);
	} else if (x < 0x10000) {
		vec_u8(v, 0xfc);
		vec_u16(v, x);
	} else if (x < 0x1000000) {
		vec_u8(v, 0xfd);
		vec_u24(v, x);
	} else {
		vec_u8(v, 0xfe);
		vec_u64(v, x);
	}
}

/* Bytes a packed integer of this value takes. */
static inline unsigned
vec_packed_len(uint64_t x)
{
	return x < 251 ? 1 : x < 0x10000 ? 3 : x < 0x1000000 ? 4 : 9;
}

/* A string without terminator. */
static inline void
vec_str(struct vec *v, const char *s)
{
	vec_bytes(v, s, strlen(s));
}

/* A string with its NUL. */
static inline void
vec_strz(struct vec *v, const char *s)
{
	vec_bytes(v, s, strlen(s) + 1);
}

/* A string after a one-byte length. */
static inline void
vec_lstr(struct vec *v, const char *s)
{
	vec_u8(v, strlen(s));
	vec_str(v, s);
}

/* A string after a packed length. */
static inline void
vec_pstr(struct vec *v, const char *s)
{
	vec_packed(v, strlen(s));
	vec_str(v, s);
}

/* A string padded with NULs (or cut) to exactly n bytes. */
static inline void
vec_fixstr(struct vec *v, const char *s, size_t n)
{
	size_t l = strlen(s);

	if (l > n)
		l = n;
	vec_bytes(v, s, l);
	vec_zero(v, n - l);
}

static inline void
vec_put_le(uint8_t *p, uint64_t x, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(x >> (8 * i));
}

static inline uint64_t
vec_get_le(const uint8_t *p, unsigned n)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (8 * i);
	return x;
}

/* CRC32 (zlib, the binlog checksum) of n bytes. */
static inline uint32_t
vec_crc32(const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/*
 * Recompute the trailing CRC32 of a whole event of len bytes in place. A
 * FORMAT_DESCRIPTION is checksummed as if its BINLOG_IN_USE flag (0x1)
 * were clear: the server clears that flag in place when it closes the
 * file, without rewriting the CRC (libbinlogevents, event_checksum_test()).
 */
static inline void
vec_crc_fix(uint8_t *ev, size_t len)
{
	uint8_t flags = ev[VEC_H_FLAGS];

	if (ev[VEC_H_TYPE] == 15)
		ev[VEC_H_FLAGS] &= (uint8_t)~0x01;
	vec_put_le(ev + len - 4, vec_crc32(ev, len - 4), 4);
	ev[VEC_H_FLAGS] = flags;
}

/*
 * Open an event: write the 19-byte v4 common header with event_size and
 * log_pos left 0 for vec_end(). Returns the event's start in the vector.
 *
 *   0  timestamp  4
 *   4  type       1
 *   5  server_id  4
 *   9  event_size 4
 *   13 log_pos    4
 *   17 flags      2
 */
static inline size_t
vec_begin(struct vec *v, uint8_t type, uint16_t flags)
{
	v->ev = v->len;
	vec_u32(v, v->timestamp);
	vec_u8(v, type);
	vec_u32(v, v->server_id);
	vec_u32(v, 0);
	vec_u32(v, 0);
	vec_u16(v, flags);
	return v->ev;
}

/*
 * Close the open event: append the CRC32 room when checksums are on, patch
 * event_size and log_pos (absolute end of the event, or 0 for inner
 * events), then compute the CRC32 over everything before it. Returns the
 * event's length.
 */
static inline size_t
vec_end_crc(struct vec *v, bool crc)
{
	uint8_t *e;
	size_t n;

	if (crc)
		vec_zero(v, 4);
	e = v->p + v->ev;
	n = v->len - v->ev;
	vec_put_le(e + VEC_H_SIZE, n, 4);
	vec_put_le(e + VEC_H_LOG_POS, v->zero_log_pos ? 0 : v->base + v->len,
	    4);
	if (crc)
		vec_crc_fix(e, n);
	return n;
}

static inline size_t
vec_end(struct vec *v)
{
	return vec_end_crc(v, v->crc);
}

/* ------------------------------------------------- FORMAT_DESCRIPTION */

#define VEC_CRC_OFF 0
#define VEC_CRC32 1
#define VEC_NO_ALG (-1) /* server older than checksums: no algorithm byte */

/*
 * Post-header lengths MySQL 8.0 writes, types 1..41
 * (libbinlogevents/src/control_events.cpp, Format_description_event).
 */
static const uint8_t vec_mysql80_post_header[41] = {
	0, 13, 0, 8, 0, 0, 0, 0, 4, 0,       /* 1-10: START_V3 .. EXEC_LOAD */
	4, 0, 0, 0, 98, 0, 4, 26, 8, 0,      /* 11-20: .. FDE 98, TABLE_MAP 8 */
	0, 0, 8, 8, 8, 2, 0, 0, 0, 10,       /* 21-30: ROWS_V1 8, INCIDENT 2 */
	10, 10, 42, 42, 0, 18, 52, 0, 10, 40, /* 31-40: GTID 42, PAYLOAD 40 */
	0,                                   /* 41: HEARTBEAT_V2 */
};

/* MySQL 5.7: types 1..38 (ROWS v2 10, GTID 42, TRANSACTION_CONTEXT 18). */
static const uint8_t vec_mysql57_post_header[38] = {
	56, 13, 0, 8, 0, 18, 0, 4, 4, 4,
	4, 18, 0, 0, 95, 0, 4, 26, 8, 0,
	0, 0, 8, 8, 8, 2, 0, 0, 0, 10,
	10, 10, 42, 42, 0, 18, 52, 0,
};

/* MySQL 5.6: types 1..35 (GTID post-header 25: no logical timestamps). */
static const uint8_t vec_mysql56_post_header[35] = {
	56, 13, 0, 8, 0, 18, 0, 4, 4, 4,
	4, 18, 0, 0, 92, 0, 4, 26, 8, 0,
	0, 0, 8, 8, 8, 2, 0, 0, 0, 10,
	10, 10, 25, 25, 0,
};

/* MySQL 5.5: types 1..27, and no checksum algorithm byte. */
static const uint8_t vec_mysql55_post_header[27] = {
	56, 13, 0, 8, 0, 18, 0, 4, 4, 4,
	4, 18, 0, 0, 84, 0, 4, 26, 8, 0,
	0, 0, 8, 8, 8, 2, 0,
};

/*
 * Post-header lengths MariaDB 10.11 writes, types 1..171 (sql/log_event.cc,
 * Format_description_log_event; 39..159 reserved, zero).
 */
static inline void
vec_mariadb_post_header(uint8_t ph[171])
{
	static const uint8_t mysql_part[38] = {
		56, 13, 0, 8, 0, 18, 0, 4, 4, 4,
		4, 18, 0, 0, 56 + 1 + 171, 0, 4, 26, 8, 0,
		0, 0, 8, 8, 8, 2, 0, 0, 0, 10,
		10, 10, 0, 0, 0, 0, 0, 0,
	};

	memset(ph, 0, 171);
	memcpy(ph, mysql_part, sizeof(mysql_part));
	ph[160 - 1] = 0;  /* ANNOTATE_ROWS */
	ph[161 - 1] = 4;  /* BINLOG_CHECKPOINT */
	ph[162 - 1] = 19; /* GTID */
	ph[163 - 1] = 4;  /* GTID_LIST */
	ph[164 - 1] = 0;  /* START_ENCRYPTION */
	ph[165 - 1] = 13; /* QUERY_COMPRESSED */
	ph[166 - 1] = ph[167 - 1] = ph[168 - 1] = 8;  /* ROWS_COMPRESSED_V1 */
	ph[169 - 1] = ph[170 - 1] = ph[171 - 1] = 10; /* ROWS_COMPRESSED v2 */
}

/*
 * A FORMAT_DESCRIPTION event:
 *
 *   0  binlog_version    2  (4)
 *   2  server_version   50  NUL padded
 *   52 create_timestamp  4
 *   56 header_length     1  (19)
 *   57 post_header_len   n  one byte per type 1..n
 *   57+n checksum_alg    1  only from MySQL 5.6.1 / MariaDB 5.3 on
 *   +1 CRC32             4  always there when the alg byte is, even when
 *                           alg is OFF (the server fills the room anyway)
 *
 * alg VEC_NO_ALG writes neither the alg byte nor a CRC. Afterwards the
 * vector appends CRC32s to its events when alg is CRC32.
 */
static inline size_t
vec_fde(struct vec *v, const char *version, const uint8_t *ph, unsigned n,
    int alg, uint32_t created, uint16_t flags)
{
	size_t start = vec_begin(v, 15, flags);

	vec_u16(v, 4);
	vec_fixstr(v, version, 50);
	vec_u32(v, created);
	vec_u8(v, VEC_H_LEN);
	vec_bytes(v, ph, n);
	if (alg == VEC_NO_ALG) {
		vec_end_crc(v, false);
		v->crc = false;
	} else {
		vec_u8(v, (uint8_t)alg);
		vec_end_crc(v, true);
		v->crc = alg == VEC_CRC32;
	}
	return start;
}

static inline size_t
vec_fde_mysql80(struct vec *v, int alg)
{
	return vec_fde(v, "8.0.36", vec_mysql80_post_header,
	    sizeof(vec_mysql80_post_header), alg, 0, 0);
}

static inline size_t
vec_fde_mariadb(struct vec *v, int alg)
{
	uint8_t ph[171];

	vec_mariadb_post_header(ph);
	return vec_fde(v, "10.11.6-MariaDB-log", ph, sizeof(ph), alg, 0, 0);
}

static inline size_t
vec_fde_mysql57(struct vec *v, int alg)
{
	return vec_fde(v, "5.7.44-log", vec_mysql57_post_header,
	    sizeof(vec_mysql57_post_header), alg, 0, 0);
}

static inline size_t
vec_fde_mysql56(struct vec *v, int alg)
{
	return vec_fde(v, "5.6.51-log", vec_mysql56_post_header,
	    sizeof(vec_mysql56_post_header), alg, 0, 0);
}

static inline size_t
vec_fde_mysql55(struct vec *v)
{
	return vec_fde(v, "5.5.62-log", vec_mysql55_post_header,
	    sizeof(vec_mysql55_post_header), VEC_NO_ALG, 0, 0);
}

#endif
