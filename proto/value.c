/* value.c: row image column values decoded into typed slots, by type family. */
#include "proto/binlog.h"
#include "proto/value.h"

#include <zlib.h>

/*
 * Column metadata (struct binlog_col.meta) as the table-map decoder
 * normalises it:
 *
 *   type                          meta
 *   FLOAT, DOUBLE                 pack length (4 / 8)
 *   BLOB, GEOMETRY, JSON,         number of length bytes (1-4)
 *   VECTOR(242, MySQL 9),         (VECTOR: 4, its dimension in vector_dim
 *                                 from optional metadata, 0 unknown)
 *   BLOB_COMPRESSED(140)
 *   VARCHAR, VAR_STRING,          maximum length in bytes; the length
 *   VARCHAR_COMPRESSED(141)       prefix is 1 byte if meta < 256, else 2
 *   BIT                           (bytes << 8) | bits: map byte0 = bits % 8,
 *                                 byte1 = whole bytes; nbits = bytes*8 + bits
 *   NEWDECIMAL                    (precision << 8) | scale
 *   STRING, ENUM, SET             (b0 << 8) | b1 as written in the map;
 *                                 if ((b0 & 0x30) != 0x30) {
 *                                   real = b0 | 0x30;
 *                                   len = b1 | (((b0 & 0x30) ^ 0x30) << 4);
 *                                 } else {
 *                                   real = b0; len = b1;
 *                                 }
 *                                 STRING: prefix 1 byte if len < 256, else 2;
 *                                 ENUM: len = pack length 1-2 (index);
 *                                 SET: len = pack length 1-8 (bitmask)
 *   TIME2, DATETIME2, TIMESTAMP2  fractional digits (0-6)
 *   TIME, DATETIME, TIMESTAMP     0: the 5.1-era formats (3-byte HHMMSS,
 *                                 8-byte YYYYMMDDhhmmss, 4-byte seconds);
 *                                 1-6: MariaDB's "hires" formats of that
 *                                 precision. MariaDB writes no metadata for
 *                                 these types, so a binlog alone always says
 *                                 0 here: only a caller that knows the
 *                                 column's precision from the schema can ask
 *                                 for the hires layout.
 *   everything else               0
 */

/* Type families: one decoder each. */
enum vfam {
	VF_NONE = 0,    /* not a column type we know */
	VF_UNSUPPORTED, /* known, refused: old DECIMAL, compressed, ... */
	VF_INT,         /* width 1, 2, 3, 4, 8: little-endian */
	VF_FLOAT,
	VF_DOUBLE,
	VF_NEWDECIMAL,
	VF_YEAR,
	VF_DATE,
	VF_TIME,      /* old TIME or MariaDB hires TIME */
	VF_DATETIME,  /* old DATETIME or MariaDB hires DATETIME */
	VF_TIMESTAMP, /* old TIMESTAMP or MariaDB hires TIMESTAMP */
	VF_TIME2,
	VF_DATETIME2,
	VF_TIMESTAMP2,
	VF_VARCHAR, /* 1 or 2 byte length from meta */
	VF_STRING,  /* CHAR/BINARY: 1 or 2 byte length from decoded meta */
	VF_LENBYTES, /* 1-4 byte length (meta): BLOB, JSON, GEOMETRY, VECTOR */
	VF_BIT,
	VF_ENUM,
	VF_SET,
};

struct vtype {
	uint8_t fam;
	uint8_t width; /* VF_INT byte width; VF_FLOAT/DOUBLE pack length */
	uint8_t kind;  /* enum binlog_vkind produced */
	const char *name;
};

static const struct vtype vtypes[256] = {
	[MYSQL_T_DECIMAL] = {VF_UNSUPPORTED, 0, 0, "DECIMAL (pre-5.0)"},
	[MYSQL_T_TINY] = {VF_INT, 1, BV_INT, "TINYINT"},
	[MYSQL_T_SHORT] = {VF_INT, 2, BV_INT, "SMALLINT"},
	[MYSQL_T_INT24] = {VF_INT, 3, BV_INT, "MEDIUMINT"},
	[MYSQL_T_LONG] = {VF_INT, 4, BV_INT, "INT"},
	[MYSQL_T_LONGLONG] = {VF_INT, 8, BV_INT, "BIGINT"},
	[MYSQL_T_FLOAT] = {VF_FLOAT, 4, BV_FLOAT, "FLOAT"},
	[MYSQL_T_DOUBLE] = {VF_DOUBLE, 8, BV_DOUBLE, "DOUBLE"},
	[MYSQL_T_NULL] = {VF_UNSUPPORTED, 0, 0, "NULL"},
	[MYSQL_T_NEWDECIMAL] = {VF_NEWDECIMAL, 0, BV_DECIMAL, "DECIMAL"},
	[MYSQL_T_YEAR] = {VF_YEAR, 1, BV_YEAR, "YEAR"},
	[MYSQL_T_DATE] = {VF_DATE, 3, BV_DATE, "DATE"},
	[MYSQL_T_NEWDATE] = {VF_DATE, 3, BV_DATE, "DATE"},
	[MYSQL_T_TIME] = {VF_TIME, 3, BV_TIME, "TIME"},
	[MYSQL_T_DATETIME] = {VF_DATETIME, 8, BV_DATETIME, "DATETIME"},
	[MYSQL_T_TIMESTAMP] = {VF_TIMESTAMP, 4, BV_TIMESTAMP, "TIMESTAMP"},
	[MYSQL_T_TIME2] = {VF_TIME2, 0, BV_TIME, "TIME2"},
	[MYSQL_T_DATETIME2] = {VF_DATETIME2, 0, BV_DATETIME, "DATETIME2"},
	[MYSQL_T_TIMESTAMP2] = {VF_TIMESTAMP2, 0, BV_TIMESTAMP, "TIMESTAMP2"},
	[MYSQL_T_VARCHAR] = {VF_VARCHAR, 0, BV_STRING, "VARCHAR"},
	[MYSQL_T_VAR_STRING] = {VF_VARCHAR, 0, BV_STRING, "VAR_STRING"},
	[MYSQL_T_STRING] = {VF_STRING, 0, BV_STRING, "CHAR"},
	[MYSQL_T_BLOB] = {VF_LENBYTES, 0, BV_BLOB, "BLOB"},
	[MYSQL_T_TINY_BLOB] = {VF_LENBYTES, 0, BV_BLOB, "TINYBLOB"},
	[MYSQL_T_MEDIUM_BLOB] = {VF_LENBYTES, 0, BV_BLOB, "MEDIUMBLOB"},
	[MYSQL_T_LONG_BLOB] = {VF_LENBYTES, 0, BV_BLOB, "LONGBLOB"},
	[MYSQL_T_JSON] = {VF_LENBYTES, 0, BV_JSON, "JSON"},
	[MYSQL_T_GEOMETRY] = {VF_LENBYTES, 0, BV_GEOMETRY, "GEOMETRY"},
	[MYSQL_T_VECTOR] = {VF_LENBYTES, 0, BV_VECTOR, "VECTOR"},
	[MYSQL_T_BIT] = {VF_BIT, 0, BV_BIT, "BIT"},
	[MYSQL_T_ENUM] = {VF_ENUM, 0, BV_ENUM, "ENUM"},
	[MYSQL_T_SET] = {VF_SET, 0, BV_SET, "SET"},
	[MYSQL_T_TYPED_ARRAY] = {VF_UNSUPPORTED, 0, 0, "TYPED_ARRAY"},
	/* the stored form: see binlog_column_uncompress() */
	[MYSQL_T_BLOB_COMPRESSED] = {VF_LENBYTES, 0, BV_BLOB,
	    "BLOB COMPRESSED (MariaDB)"},
	[MYSQL_T_VARCHAR_COMPRESSED] = {VF_VARCHAR, 0, BV_STRING,
	    "VARCHAR COMPRESSED (MariaDB)"},
};

/* Bytes of the fractional part of TIME2/DATETIME2/TIMESTAMP2 per fsp. */
static const uint8_t frac_bytes[7] = {0, 1, 1, 2, 2, 3, 3};
/* Microseconds per unit of that stored fraction. */
static const uint32_t frac_unit[7] = {0, 10000, 10000, 100, 100, 1, 1};

/* MariaDB hires TIME and DATETIME sizes per precision (big-endian packed). */
static const uint8_t time_hires_bytes[7] = {3, 4, 4, 5, 5, 5, 6};
static const uint8_t datetime_hires_bytes[7] = {5, 6, 6, 7, 7, 7, 8};

static const uint32_t pow10_u32[10] = {1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000};

/* TIME value limit of MariaDB hires TIME: 838:59:59 + 1 second, in usec. */
#define TIME_HIRES_ZERO_US ((838ULL * 3600 + 59 * 60 + 59 + 1) * 1000000ULL)

/* Fail at the start of the value being decoded, naming the type. */
static bool
value_bad(struct cur *c, size_t start, const struct vtype *t,
    enum proto_code code, const char *what, unsigned long long n)
{
	c->pos = start;
	return cur_fail(c, code, "column type %s: %s (%llu)", t->name, what, n);
}

/*
 * MariaDB hires TIME (precision 1-6): big-endian unsigned, the value in units
 * of 10^-dec seconds offset by 838:59:59+1s so that it sorts as bytes.
 */
static bool
value_time_hires(struct cur *c, size_t start, const struct vtype *t,
    unsigned dec, struct binlog_value *v)
{
	const uint8_t *p;
	uint64_t raw, zero, us;
	unsigned n = time_hires_bytes[dec];

	if (!cur_bytes(c, n, &p, "TIME(hires) value"))
		return false;
	raw = be_read(p, n);
	zero = TIME_HIRES_ZERO_US / pow10_u32[6 - dec];
	v->tm.neg = raw < zero;
	us = (v->tm.neg ? zero - raw : raw - zero) * pow10_u32[6 - dec];
	if (us >= TIME_HIRES_ZERO_US)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "hires TIME out of range", raw);
	v->tm.usec = (uint32_t)(us % 1000000);
	us /= 1000000;
	v->tm.second = (uint8_t)(us % 60);
	v->tm.minute = (uint8_t)(us / 60 % 60);
	v->tm.hour = (uint32_t)(us / 3600);
	return true;
}

/*
 * MariaDB hires DATETIME (precision 1-6): big-endian, in 10^-dec seconds,
 * ((((((year*13+month)*32+day)*24+hour)*60+min)*60+sec)*10^6+usec)/10^(6-dec)
 */
static bool
value_datetime_hires(struct cur *c, size_t start, const struct vtype *t,
    unsigned dec, struct binlog_value *v)
{
	const uint8_t *p;
	uint64_t raw, x;
	unsigned n = datetime_hires_bytes[dec];

	if (!cur_bytes(c, n, &p, "DATETIME(hires) value"))
		return false;
	raw = be_read(p, n);
	x = raw * pow10_u32[6 - dec];
	if (x / pow10_u32[6 - dec] != raw)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "hires DATETIME out of range", raw);
	v->tm.usec = (uint32_t)(x % 1000000);
	x /= 1000000;
	v->tm.second = (uint8_t)(x % 60);
	x /= 60;
	v->tm.minute = (uint8_t)(x % 60);
	x /= 60;
	v->tm.hour = (uint32_t)(x % 24);
	x /= 24;
	v->tm.day = (uint8_t)(x % 32);
	x /= 32;
	v->tm.month = (uint8_t)(x % 13);
	x /= 13;
	if (x > 9999)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "hires DATETIME year out of range", x);
	v->tm.year = (int32_t)x;
	v->tm.neg = false;
	return true;
}

/*
 * TIME2 (MySQL 5.6+), fsp from meta:
 *
 *   offset  size         field
 *   0       3            intpart + 0x800000, big-endian:
 *                        sign(1) unused(1) hour(10) minute(6) second(6)
 *   3       0/1/1/2/2/3/3  fraction for fsp 0..6, big-endian
 *
 * fsp 1-2: one byte of 1/100 s; fsp 3-4: two bytes of 1/10000 s; a negative
 * time with a fraction stores intpart-1 and (0x100 or 0x10000) - fraction so
 * that values sort as bytes. fsp 5-6: the whole 6 bytes are the packed value
 * (intpart << 24 | usec) offset by 0x800000000000.
 */
static bool
value_time2(struct cur *c, size_t start, const struct vtype *t, unsigned fsp,
    struct binlog_value *v)
{
	const uint8_t *p;
	int64_t intpart, frac, packed;
	uint64_t a, hms;

	if (!cur_bytes(c, 3 + frac_bytes[fsp], &p, "TIME2 value"))
		return false;
	switch (fsp) {
	case 0:
		packed = (int64_t)((uint64_t)((int64_t)be_read(p, 3) -
		    0x800000) << 24);
		break;
	case 1:
	case 2:
	case 3:
	case 4:
		intpart = (int64_t)be_read(p, 3) - 0x800000;
		if (fsp <= 2) {
			frac = p[3];
			if (intpart < 0 && frac != 0) {
				intpart++;
				frac -= 0x100;
			}
			frac *= 10000;
		} else {
			frac = (int64_t)be_read(p + 3, 2);
			if (intpart < 0 && frac != 0) {
				intpart++;
				frac -= 0x10000;
			}
			frac *= 100;
		}
		packed = (int64_t)((uint64_t)intpart << 24) + frac;
		break;
	default:
		packed = (int64_t)be_read(p, 6) - 0x800000000000LL;
		break;
	}
	v->tm.neg = packed < 0;
	a = v->tm.neg ? (uint64_t)0 - (uint64_t)packed : (uint64_t)packed;
	hms = a >> 24;
	v->tm.usec = (uint32_t)(a & 0xffffff);
	v->tm.hour = (uint32_t)((hms >> 12) & 0x3ff);
	v->tm.minute = (uint8_t)((hms >> 6) & 0x3f);
	v->tm.second = (uint8_t)(hms & 0x3f);
	v->tm.year = 0;
	v->tm.month = v->tm.day = 0;
	if (hms >> 22 != 0 || v->tm.minute > 59 || v->tm.second > 59 ||
	    v->tm.usec > 999999)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "impossible TIME2 value", (unsigned long long)be_read(p,
		    3 + frac_bytes[fsp]));
	return true;
}

/*
 * DATETIME2 (MySQL 5.6+), fsp from meta:
 *
 *   offset  size   field
 *   0       5      big-endian, 0x8000000000 + (ymdhms): sign(1)
 *                  year*13+month(17) day(5) hour(5) minute(6) second(6)
 *   5       0-3    fraction as for TIMESTAMP2 (signed, but never negative
 *                  since DATETIME is)
 */
static bool
value_datetime2(struct cur *c, size_t start, const struct vtype *t,
    unsigned fsp, struct binlog_value *v)
{
	const uint8_t *p;
	uint64_t raw, ymd, ym, hms;
	uint32_t us = 0;

	if (!cur_bytes(c, 5 + frac_bytes[fsp], &p, "DATETIME2 value"))
		return false;
	raw = be_read(p, 5);
	if (raw < 0x8000000000ULL)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "negative DATETIME2 value", raw);
	raw -= 0x8000000000ULL;
	if (fsp > 0) {
		us = (uint32_t)be_read(p + 5, frac_bytes[fsp]);
		us *= frac_unit[fsp];
	}
	ymd = raw >> 17;
	hms = raw & 0x1ffff;
	ym = ymd >> 5;
	v->tm.day = (uint8_t)(ymd & 0x1f);
	v->tm.month = (uint8_t)(ym % 13);
	v->tm.year = (int32_t)(ym / 13);
	v->tm.hour = (uint32_t)(hms >> 12);
	v->tm.minute = (uint8_t)((hms >> 6) & 0x3f);
	v->tm.second = (uint8_t)(hms & 0x3f);
	v->tm.usec = us;
	v->tm.neg = false;
	if (v->tm.year > 9999 || v->tm.hour > 23 || v->tm.minute > 59 ||
	    v->tm.second > 59 || us > 999999)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "impossible DATETIME2 value", raw);
	return true;
}

/*
 * The temporal families. Old formats, all little-endian:
 *   DATE, NEWDATE  3  day | month << 5 | year << 9
 *   TIME           3  signed (+/-)HHMMSS as a decimal number
 *   DATETIME       8  YYYYMMDDhhmmss as a decimal number
 *   TIMESTAMP      4  seconds since the epoch
 * TIMESTAMP2: 4 bytes big-endian seconds, then the fraction big-endian in
 * 0/1/1/2/2/3/3 bytes for fsp 0-6, in units of 1/100 s (fsp 1-2), 1/10000 s
 * (fsp 3-4) or 1/1000000 s (fsp 5-6). MariaDB hires TIMESTAMP(fsp): the same
 * sizes, but the fraction is in units of 10^-fsp s.
 */
static bool
value_temporal(const struct vtype *t, unsigned meta, struct cur *c,
    struct binlog_value *v)
{
	size_t start = c->pos;
	const uint8_t *p;
	uint64_t x;
	int64_t s;

	if (t->fam != VF_DATE && meta > 6)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "fractional digits in metadata above 6", meta);
	v->tm = (struct binlog_tm){0};
	v->frac = (uint8_t)meta;
	switch (t->fam) {
	case VF_DATE:
		if (!cur_bytes(c, 3, &p, "DATE value"))
			return false;
		x = le_read(p, 3);
		v->tm.year = (int32_t)(x >> 9);
		v->tm.month = (uint8_t)((x >> 5) & 15);
		v->tm.day = (uint8_t)(x & 31);
		if (v->tm.month > 12 || v->tm.year > 9999)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible DATE value", x);
		v->frac = 0;
		return true;
	case VF_TIME:
		if (meta != 0)
			return value_time_hires(c, start, t, meta, v);
		if (!cur_bytes(c, 3, &p, "TIME value"))
			return false;
		s = (int64_t)(le_read(p, 3) ^ 0x800000) - 0x800000;
		v->tm = (struct binlog_tm){.neg = s < 0};
		x = (uint64_t)(s < 0 ? -s : s);
		v->tm.second = (uint8_t)(x % 100);
		v->tm.minute = (uint8_t)(x / 100 % 100);
		v->tm.hour = (uint32_t)(x / 10000);
		if (v->tm.second > 59 || v->tm.minute > 59 || v->tm.hour > 838)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible TIME value", x);
		return true;
	case VF_DATETIME:
		if (meta != 0)
			return value_datetime_hires(c, start, t, meta, v);
		if (!cur_bytes(c, 8, &p, "DATETIME value"))
			return false;
		x = le64(p);
		v->tm = (struct binlog_tm){.second = (uint8_t)(x % 100),
		    .minute = (uint8_t)(x / 100 % 100),
		    .hour = (uint32_t)(x / 10000 % 100),
		    .day = (uint8_t)(x / 1000000 % 100),
		    .month = (uint8_t)(x / 100000000 % 100)};
		if (x / 10000000000ULL > 9999 || v->tm.month > 12 ||
		    v->tm.day > 31 || v->tm.hour > 23 || v->tm.minute > 59 ||
		    v->tm.second > 59)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible DATETIME value", x);
		v->tm.year = (int32_t)(x / 10000000000ULL);
		return true;
	case VF_TIMESTAMP:
		if (meta == 0) {
			if (!cur_bytes(c, 4, &p, "TIMESTAMP value"))
				return false;
			v->ts.sec = le32(p);
			v->ts.usec = 0;
			return true;
		}
		/* MariaDB hires TIMESTAMP: fraction in units of 10^-meta s */
		if (!cur_bytes(c, 4 + frac_bytes[meta], &p,
		    "TIMESTAMP(hires) value"))
			return false;
		v->ts.sec = (uint32_t)be_read(p, 4);
		x = be_read(p + 4, frac_bytes[meta]) * pow10_u32[6 - meta];
		if (x > 999999)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible TIMESTAMP fraction", x);
		v->ts.usec = (uint32_t)x;
		return true;
	case VF_TIMESTAMP2:
		if (!cur_bytes(c, 4 + frac_bytes[meta], &p, "TIMESTAMP2 value"))
			return false;
		v->ts.sec = (uint32_t)be_read(p, 4);
		x = be_read(p + 4, frac_bytes[meta]);
		x *= frac_unit[meta];
		if (x > 999999)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible TIMESTAMP fraction", x);
		v->ts.usec = (uint32_t)x;
		return true;
	case VF_TIME2:
		return value_time2(c, start, t, meta, v);
	case VF_DATETIME2:
		return value_datetime2(c, start, t, meta, v);
	}
	return value_bad(c, start, t, PROTO_UNSUPPORTED, "no temporal decoder",
	    t->fam);
}

/*
 * Length-prefixed bytes: a little-endian length of lenbytes (1-4), then the
 * bytes, kept as a view into the cursor's buffer (never padded or trimmed:
 * CHAR and BINARY values are exactly what the server stored).
 */
static bool
value_lenbytes(const struct vtype *t, unsigned lenbytes, uint64_t maxlen,
    struct cur *c, struct binlog_value *v)
{
	size_t start = c->pos;
	uint64_t n;
	const uint8_t *p;

	if (lenbytes < 1 || lenbytes > 4)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "length bytes in metadata not 1-4", lenbytes);
	if (!cur_uint(c, lenbytes, &n, t->name))
		return false;
	if (n > maxlen)
		return value_bad(c, start, t, PROTO_MALFORMED,
		    "value longer than the column's maximum", n);
	if (!cur_bytes(c, n, &p, t->name))
		return false;
	v->bytes.p = p;
	v->bytes.len = (uint32_t)n;
	return true;
}

/*
 * The maximum length in bytes of a CHAR/BINARY column from its meta (the
 * classic rule above; a meta below 256 has no type byte and is the length).
 */
static inline unsigned
value_string_max(unsigned meta)
{
	unsigned b0 = meta >> 8, b1 = meta & 0xff;

	if (meta < 256)
		return meta;
	if ((b0 & 0x30) != 0x30)
		return b1 | (((b0 & 0x30) ^ 0x30) << 4);
	return b1;
}

/*
 * Every family, every check, every error: the whole decoder. The fast path
 * in binlog_value_decode() handles the common well-formed cases and leaves
 * the rest, errors included, to this.
 */
static __attribute__((noinline)) bool
value_decode_slow(const struct vtype *t, const struct binlog_col *col,
    struct cur *c, struct binlog_value *v)
{
	size_t start = c->pos;
	unsigned meta = col->meta, b0, b1, n;
	const uint8_t *p;
	uint64_t x;

	v->kind = t->kind;
	v->frac = 0;
	switch (t->fam) {
	case VF_INT:
		if (!cur_bytes(c, t->width, &p, t->name))
			return false;
		x = le_read(p, t->width);
		if (col->is_unsigned == 1) {
			v->kind = BV_UINT;
			v->u = x;
		} else {
			unsigned sh = 64 - 8 * t->width;
			v->i = (int64_t)(x << sh) >> sh;
		}
		return true;
	case VF_FLOAT:
		if (meta != 0 && meta != 4)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "pack length in metadata not 4", meta);
		if (!cur_bytes(c, 4, &p, "FLOAT value"))
			return false;
		memcpy(&v->f, p, 4);
		return true;
	case VF_DOUBLE:
		if (meta != 0 && meta != 8)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "pack length in metadata not 8", meta);
		if (!cur_bytes(c, 8, &p, "DOUBLE value"))
			return false;
		memcpy(&v->d, p, 8);
		return true;
	case VF_NEWDECIMAL:
		b0 = meta >> 8; /* precision */
		b1 = meta & 0xff; /* scale */
		if (b0 < 1 || b0 > 65 || b1 > 30 || b1 > b0)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible precision/scale in metadata", meta);
		n = (unsigned)decimal_bin_size(b0, b1);
		if (!cur_bytes(c, n, &p, "DECIMAL value"))
			return false;
		v->dec.p = p;
		v->dec.len = (uint8_t)n;
		v->dec.precision = (uint8_t)b0;
		v->dec.scale = (uint8_t)b1;
		return true;
	case VF_YEAR:
		if (!cur_bytes(c, 1, &p, "YEAR value"))
			return false;
		v->u = p[0] == 0 ? 0 : 1900 + (uint64_t)p[0];
		return true;
	case VF_DATE:
	case VF_TIME:
	case VF_DATETIME:
	case VF_TIMESTAMP:
	case VF_TIME2:
	case VF_DATETIME2:
	case VF_TIMESTAMP2:
		return value_temporal(t, meta, c, v);
	case VF_VARCHAR:
		return value_lenbytes(t, meta < 256 ? 1 : 2, meta, c, v);
	case VF_STRING:
		n = value_string_max(meta);
		return value_lenbytes(t, n < 256 ? 1 : 2, n, c, v);
	case VF_LENBYTES:
		if (!value_lenbytes(t, meta, UINT64_MAX, c, v))
			return false;
		/*
		 * MySQL 9 VECTOR: 4-byte little-endian IEEE floats, one per
		 * dimension (mysqlbinlog prints INVALID_VECTOR otherwise); no
		 * more of them than the table map's VECTOR_DIMENSIONALITY says.
		 */
		if (t->kind == BV_VECTOR && (v->bytes.len % 4 != 0 ||
		    (col->vector_dim != 0 && v->bytes.len / 4 > col->vector_dim)))
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "VECTOR value length is not 4 bytes per dimension "
			    "up to the column's dimension", v->bytes.len);
		return true;
	case VF_BIT:
		b0 = meta >> 8; /* whole bytes */
		b1 = meta & 0xff; /* extra bits */
		n = b0 * 8 + b1;
		if (b1 > 7 || n < 1 || n > 64)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible bit count in metadata", meta);
		if (!cur_bytes(c, (n + 7) / 8, &p, "BIT value"))
			return false;
		v->u = be_read(p, (n + 7) / 8);
		if (n < 64 && v->u >> n != 0)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "BIT value wider than the column", v->u);
		return true;
	case VF_ENUM:
	case VF_SET:
		n = meta & 0xff;
		if (t->fam == VF_ENUM ? n < 1 || n > 2 : n < 1 || n > 8)
			return value_bad(c, start, t, PROTO_MALFORMED,
			    "impossible pack length in metadata", n);
		if (!cur_bytes(c, n, &p, t->name))
			return false;
		v->u = le_read(p, n);
		return true;
	case VF_UNSUPPORTED:
		return value_bad(c, start, t, PROTO_UNSUPPORTED,
		    "values of this type cannot be decoded, metadata",
		    meta);
	}
	c->pos = start;
	return cur_fail(c, PROTO_UNSUPPORTED,
	    "unknown column type %u (meta %u)", col->type, meta);
}

/*
 * Decode one value. Integers and short strings, most of any row, are done
 * here in a few instructions; the rest (and any short buffer or impossible
 * value) in value_decode_slow().
 */
bool
binlog_value_decode(const struct binlog_col *col, struct cur *c,
    struct binlog_value *v)
{
	const struct vtype *t = &vtypes[col->type];
	const uint8_t *p = c->p + c->pos;
	size_t left = c->len - c->pos;
	unsigned max, n;
	uint64_t x;

	switch (t->fam) {
	case VF_INT:
		if (left < t->width)
			break;
		switch (t->width) {
		case 1:
			x = p[0];
			break;
		case 2:
			x = le16(p);
			break;
		case 3:
			x = le16(p) | (uint32_t)p[2] << 16;
			break;
		case 4:
			x = le32(p);
			break;
		default:
			x = le64(p);
			break;
		}
		c->pos += t->width;
		v->frac = 0;
		if (col->is_unsigned == 1) {
			v->kind = BV_UINT;
			v->u = x;
		} else {
			unsigned sh = 64 - 8 * t->width;
			v->kind = BV_INT;
			v->i = (int64_t)(x << sh) >> sh;
		}
		return true;
	case VF_STRING:
	case VF_VARCHAR:
		max = t->fam == VF_STRING ? value_string_max(col->meta) :
		    col->meta;
		if (max < 256) {
			if (left < 1 || (n = p[0]) > max || n > left - 1)
				break;
			p += 1;
			c->pos += 1 + n;
		} else {
			if (left < 2 || (n = le16(p)) > max || n > left - 2)
				break;
			p += 2;
			c->pos += 2 + n;
		}
		v->kind = BV_STRING;
		v->frac = 0;
		v->bytes.p = p;
		v->bytes.len = n;
		return true;
	}
	return value_decode_slow(t, col, c, v);
}

/*
 * MariaDB compressed columns (VARCHAR/BLOB ... COMPRESSED), as stored and
 * logged: empty, or a header byte then the data. Header 0: the data as it
 * is. Header 0x80 | n (n = 1-4 bytes of big-endian original length follow)
 * | 0x08 when the stream is raw deflate (else zlib-wrapped); bits 4-6 name
 * the method, 0 (zlib) the only one. The original length is checked
 * against max (the column's limit) before anything is allocated.
 */
bool
binlog_column_uncompress(const uint8_t *p, size_t len, uint64_t max, struct sbuf *out,
    struct proto_err *err)
{
	z_stream z;
	uint64_t orig = 0;
	unsigned n;
	int rc;

	sbuf_reset(out);
	if (len == 0)
		return true;
	if (p[0] == 0) {
		sbuf_add(out, p + 1, len - 1);
		return out->oom ? proto_fail(err, PROTO_NOMEM, 0, "out of memory") : true;
	}
	n = p[0] & 0x07;
	if (!(p[0] & 0x80) || (p[0] & 0x70) != 0 || n == 0 || n > 4)
		return proto_fail(err, PROTO_MALFORMED, 0, "compressed column: unknown "
		    "header byte 0x%02x", p[0]);
	if (len < 1 + (size_t)n)
		return proto_fail(err, PROTO_TRUNCATED, 0, "compressed column: %zu bytes, "
		    "the header needs %u", len, 1 + n);
	for (unsigned i = 0; i < n; i++)
		orig = orig << 8 | p[1 + i];
	if (orig > max || orig > (1u << 30))
		return proto_fail(err, PROTO_MALFORMED, 0, "compressed column: claims "
		    "%llu bytes, more than the column holds (%llu)",
		    (unsigned long long)orig, (unsigned long long)max);
	/* deflate expands at most about 1032:1: a larger claim is a lie */
	if (orig > (uint64_t)(len - 1 - n) * 1032 + 64)
		return proto_fail(err, PROTO_MALFORMED, 0, "compressed column: %zu bytes "
		    "claim to inflate to %llu", len - 1 - n, (unsigned long long)orig);
	if (!sbuf_grow(out, (size_t)orig + 1))
		return proto_fail(err, PROTO_NOMEM, 0, "out of memory");
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, p[0] & 0x08 ? -MAX_WBITS : MAX_WBITS) != Z_OK)
		return proto_fail(err, PROTO_NOMEM, 0, "compressed column: zlib init");
	z.next_in = (Bytef *)(uintptr_t)(p + 1 + n);
	z.avail_in = (uInt)(len - 1 - n);
	z.next_out = (Bytef *)out->p;
	z.avail_out = (uInt)orig;
	rc = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.total_out != orig)
		return proto_fail(err, PROTO_MALFORMED, 0, "compressed column: zlib data "
		    "does not inflate to the %llu bytes announced (zlib error %d)",
		    (unsigned long long)orig, rc);
	out->len = (size_t)orig;
	return true;
}
