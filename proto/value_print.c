/* value_print.c: decoded column values as mariadb-binlog -v text, and JSON. */
#include "proto/value.h"
#include "proto/jsonb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char hexdig[] = "0123456789abcdef";

static const uint32_t pow10_6[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

/* Write v as at least width digits (zero padded) at s; returns the end. */
static char *
fmt_uint(char *s, uint32_t v, unsigned width)
{
	char tmp[12];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < width)
		tmp[n++] = '0';
	while (n > 0)
		*s++ = tmp[--n];
	return s;
}

/* ".ffff": the first frac (1-6) digits of usec; nothing for frac 0. */
static char *
fmt_frac(char *s, uint32_t usec, unsigned frac)
{
	if (frac == 0)
		return s;
	if (frac > 6)
		frac = 6;
	*s++ = '.';
	return fmt_uint(s, usec / pow10_6[6 - frac], frac);
}

/* [-]hh:mm:ss[.f], hours in two digits or more (838). */
static char *
fmt_time(char *s, const struct binlog_tm *tm, unsigned frac)
{
	if (tm->neg)
		*s++ = '-';
	s = fmt_uint(s, tm->hour, 2);
	*s++ = ':';
	s = fmt_uint(s, tm->minute, 2);
	*s++ = ':';
	s = fmt_uint(s, tm->second, 2);
	return fmt_frac(s, tm->usec, frac);
}

/* yyyy<sep>mm<sep>dd */
static char *
fmt_date(char *s, const struct binlog_tm *tm, char sep)
{
	s = fmt_uint(s, (uint32_t)tm->year, 4);
	*s++ = sep;
	s = fmt_uint(s, tm->month, 2);
	*s++ = sep;
	return fmt_uint(s, tm->day, 2);
}

/* yyyy-mm-dd<sep>hh:mm:ss[.f] */
static char *
fmt_datetime(char *s, const struct binlog_tm *tm, char sep, unsigned frac)
{
	s = fmt_date(s, tm, '-');
	*s++ = sep;
	return fmt_time(s, tm, frac);
}

/*
 * A quoted string as MariaDB's my_b_write_quoted() writes it: bytes below
 * 0x20 as \xHH (lower-case hex), every other byte as it is, in whatever
 * charset the column has ('\'' and '\\' included: 10.11 does not escape
 * them).
 */
static void
print_quoted(struct sbuf *out, const uint8_t *p, size_t len)
{
	const uint8_t *run = p, *end = p + len;
	char esc[4] = {'\\', 'x', 0, 0};

	sbuf_addc(out, '\'');
	for (; p < end; p++) {
		/* skip 8 bytes at a time while none is below 0x20 */
		while (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (((x - 0x2020202020202020ULL) & ~x &
			    0x8080808080808080ULL) != 0)
				break;
			p += 8;
		}
		if (p == end)
			break;
		if (*p > 0x1f)
			continue;
		sbuf_add(out, run, (size_t)(p - run));
		esc[2] = hexdig[*p >> 4];
		esc[3] = hexdig[*p & 15];
		sbuf_add(out, esc, 4);
		run = p + 1;
	}
	sbuf_add(out, run, (size_t)(end - run));
	sbuf_addc(out, '\'');
}

/*
 * Quote, in place, the text appended to out since start: what print_quoted()
 * would write for it, without a second buffer (the JSON of a JSON column).
 */
static void
quote_tail(struct sbuf *out, size_t start)
{
	size_t n = 0, i, j, len;

	for (i = start; i < out->len; i++)
		if ((uint8_t)out->p[i] <= 0x1f)
			n++;
	len = out->len - start;
	if (!sbuf_grow(out, 2 + 3 * n + 1))
		return;
	/* walk backwards, moving each byte to its final place */
	j = start + len + 3 * n + 1;
	out->p[j] = '\'';
	for (i = start + len; i-- > start;) {
		uint8_t b = (uint8_t)out->p[i];
		if (b <= 0x1f) {
			out->p[j - 1] = hexdig[b & 15];
			out->p[j - 2] = hexdig[b >> 4];
			out->p[j - 3] = 'x';
			out->p[j - 4] = '\\';
			j -= 4;
		} else
			out->p[--j] = (char)b;
	}
	out->p[start] = '\'';
	out->len = start + len + 3 * n + 2;
}

/* Byte width of an integer column type (0 if not an integer type). */
static unsigned
int_width(uint8_t type)
{
	switch (type) {
	case MYSQL_T_TINY:
		return 1;
	case MYSQL_T_SHORT:
		return 2;
	case MYSQL_T_INT24:
		return 3;
	case MYSQL_T_LONG:
		return 4;
	case MYSQL_T_LONGLONG:
		return 8;
	}
	return 0;
}

/*
 * An integer as mariadb-binlog prints it: the signed reading of the stored
 * bytes, and when that is negative, the unsigned reading in parentheses
 * ("-1 (255)"). 10.11 does this whatever the column's signedness, even with
 * binlog_row_metadata=FULL, so BV_INT and BV_UINT print alike.
 */
static void
print_int_binlog(struct sbuf *out, const struct binlog_col *col,
    const struct binlog_value *v)
{
	unsigned w = int_width(col->type), sh;
	uint64_t u;
	int64_t s;

	if (w == 0)
		w = 8;
	sh = 64 - 8 * w;
	u = v->kind == BV_UINT ? v->u : (uint64_t)v->i;
	s = (int64_t)(u << sh) >> sh;
	sbuf_i64(out, s);
	if (s < 0) {
		sbuf_add(out, " (", 2);
		sbuf_u64(out, (u << sh) >> sh);
		sbuf_addc(out, ')');
	}
}

/* b'0101': the low nbits of x, most significant first (my_b_write_bit). */
static void
print_bits(struct sbuf *out, uint64_t x, unsigned nbits)
{
	char buf[64 + 3], *s = buf;

	*s++ = 'b';
	*s++ = '\'';
	while (nbits-- > 0)
		*s++ = (char)('0' + ((x >> nbits) & 1));
	*s++ = '\'';
	sbuf_add(out, buf, (size_t)(s - buf));
}

/*
 * SET: my_b_write_bit() over the stored bytes, which are little-endian:
 * byte 0 (members 1-8) first, each byte most significant bit first.
 */
static void
print_set_binlog(struct sbuf *out, uint64_t mask, unsigned nbytes)
{
	char buf[64 + 3], *s = buf;

	*s++ = 'b';
	*s++ = '\'';
	for (unsigned i = 0; i < nbytes; i++)
		for (int b = 7; b >= 0; b--)
			*s++ = (char)('0' + ((mask >> (8 * i + b)) & 1));
	*s++ = '\'';
	sbuf_add(out, buf, (size_t)(s - buf));
}

/*
 * VECTOR as mysqlbinlog -v prints it: [1.00000e+00,2.00000e+00] (each
 * little-endian float "%.5e"); a length that is not whole floats (the
 * decoder refuses those) as INVALID_VECTOR.
 */
static void
print_vector(struct sbuf *out, const uint8_t *p, uint32_t len)
{
	char buf[32];

	if (len % 4 != 0) {
		sbuf_adds(out, "INVALID_VECTOR");
		return;
	}
	sbuf_addc(out, '[');
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t bits = le32(p + i);
		float f;
		memcpy(&f, &bits, 4);
		snprintf(buf, sizeof(buf), "%s%.5e", i ? "," : "", (double)f);
		sbuf_adds(out, buf);
	}
	sbuf_addc(out, ']');
}

bool
value_print_binlog(struct sbuf *out, const struct binlog_col *col,
    const struct binlog_value *v, struct proto_err *err)
{
	char buf[64], *s = buf;
	size_t start;
	unsigned n;

	switch (v->kind) {
	case BV_NULL:
		sbuf_add(out, "NULL", 4);
		return true;
	case BV_INT:
	case BV_UINT:
		print_int_binlog(out, col, v);
		return true;
	case BV_FLOAT:
		/* log_event_print_value(): sprintf "%-20g", padded to 20 */
		snprintf(buf, sizeof(buf), "%-20g", (double)v->f);
		sbuf_adds(out, buf);
		return true;
	case BV_DOUBLE:
		snprintf(buf, sizeof(buf), "%-.20g", v->d);
		sbuf_adds(out, buf);
		return true;
	case BV_DECIMAL:
		return decimal_to_text(out, v->dec.p, v->dec.len,
		    v->dec.precision, v->dec.scale, err);
	case BV_STRING:
	case BV_BLOB:
	case BV_GEOMETRY:
		print_quoted(out, v->bytes.p, v->bytes.len);
		return true;
	case BV_VECTOR:
		print_vector(out, v->bytes.p, v->bytes.len);
		return true;
	case BV_BIT:
		n = (col->meta >> 8) * 8 + (col->meta & 0xff);
		if (n < 1 || n > 64)
			return proto_fail(err, PROTO_MALFORMED, 0,
			    "BIT metadata 0x%04x: not 1-64 bits", col->meta);
		print_bits(out, v->u, n);
		return true;
	case BV_YEAR:
		/* printed as 1900 + the stored byte: YEAR 0000 shows 1900 */
		sbuf_u64(out, v->u == 0 ? 1900 : v->u);
		return true;
	case BV_DATE:
		*s++ = '\'';
		s = fmt_date(s, &v->tm, ':');
		*s++ = '\'';
		break;
	case BV_TIME:
		*s++ = '\'';
		s = fmt_time(s, &v->tm, v->frac);
		*s++ = '\'';
		break;
	case BV_DATETIME:
		*s++ = '\'';
		s = fmt_datetime(s, &v->tm, ' ', v->frac);
		*s++ = '\'';
		break;
	case BV_TIMESTAMP:
		/* the old 4-byte TIMESTAMP is printed with %d */
		if (col->type == MYSQL_T_TIMESTAMP && v->frac == 0)
			sbuf_i64(out, (int32_t)v->ts.sec);
		else
			sbuf_u64(out, v->ts.sec);
		s = fmt_frac(s, v->ts.usec, v->frac);
		break;
	case BV_ENUM:
		sbuf_u64(out, v->u);
		return true;
	case BV_SET:
		n = col->meta & 0xff;
		if (n < 1 || n > 8)
			return proto_fail(err, PROTO_MALFORMED, 0,
			    "SET metadata 0x%04x: pack length not 1-8", col->meta);
		print_set_binlog(out, v->u, n);
		return true;
	case BV_JSON:
		/* mysqlbinlog prints the JSON text, quoted */
		start = out->len;
		if (!jsonb_to_text(out, v->bytes.p, v->bytes.len, 0, err))
			return false;
		quote_tail(out, start);
		return true;
	case BV_JSON_DIFF:
		return proto_fail(err, PROTO_UNSUPPORTED, 0,
		    "a JSON diff is printed with jsonb_diff_to_text()");
	default:
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "no value to print (kind %u)", v->kind);
	}
	sbuf_add(out, buf, (size_t)(s - buf));
	return true;
}

/* ------------------------------------------------------------------ JSON */

/* Length of the valid UTF-8 sequence at p (1-4), 0 if invalid. */
static unsigned
utf8_seq(const uint8_t *p, size_t left)
{
	uint8_t b = p[0];
	unsigned n;
	uint32_t cp;

	if (b < 0x80)
		return 1;
	if (b < 0xc2)
		return 0; /* continuation byte or overlong 2-byte lead */
	n = b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
	if (n == 0 || left < n)
		return 0;
	cp = b & (0x7f >> n);
	for (unsigned i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Collations (MariaDB 10.11 and MySQL ids) of the ucs2, utf16, utf16le and
 * utf32 charsets, as id ranges: their strings are not UTF-8 even when the
 * bytes happen to be valid UTF-8 ("\0a" is utf16 "a").
 */
static const uint16_t wide_collations[][2] = {
	{35, 35}, {54, 56}, {60, 62}, {90, 90}, {101, 124}, {128, 151},
	{159, 183}, {640, 642}, {672, 674}, {736, 738}, {1059, 1059},
	{1078, 1080}, {1084, 1086}, {1114, 1114}, {1125, 1125}, {1147, 1147},
	{1152, 1152}, {1174, 1174}, {1184, 1184}, {1206, 1206},
};

/* Is the collation one of a ucs2/utf16/utf32 charset? */
static bool
collation_is_wide(uint32_t id)
{
	for (size_t i = 0; i < sizeof(wide_collations) /
	    sizeof(wide_collations[0]); i++) {
		if (id < wide_collations[i][0])
			return false;
		if (id <= wide_collations[i][1])
			return true;
	}
	return false;
}

static bool
utf8_valid(const uint8_t *p, size_t len)
{
	size_t i = 0;
	unsigned n;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return false;
		i += n;
	}
	return true;
}

/*
 * A JSON string literal of the bytes: '"' and '\\' escaped, control
 * characters as \n, \t, ... or \u00XX, valid UTF-8 kept as it is, and each
 * byte of invalid UTF-8 as \u00XX (its Latin-1 reading).
 */
void
json_string(struct sbuf *out, const uint8_t *p, size_t len)
{
	const uint8_t *run = p, *end = p + len;
	char esc[6] = {'\\', 'u', '0', '0', 0, 0};
	unsigned n;

	sbuf_addc(out, '"');
	while (p < end) {
		uint8_t b = *p;
		if (b >= 0x20 && b != '"' && b != '\\' && b < 0x80) {
			p++;
			continue;
		}
		if (b >= 0x80 && (n = utf8_seq(p, (size_t)(end - p))) != 0) {
			p += n;
			continue;
		}
		sbuf_add(out, run, (size_t)(p - run));
		switch (b) {
		case '"':
			sbuf_add(out, "\\\"", 2);
			break;
		case '\\':
			sbuf_add(out, "\\\\", 2);
			break;
		case '\n':
			sbuf_add(out, "\\n", 2);
			break;
		case '\r':
			sbuf_add(out, "\\r", 2);
			break;
		case '\t':
			sbuf_add(out, "\\t", 2);
			break;
		case '\b':
			sbuf_add(out, "\\b", 2);
			break;
		case '\f':
			sbuf_add(out, "\\f", 2);
			break;
		default:
			esc[4] = hexdig[b >> 4];
			esc[5] = hexdig[b & 15];
			sbuf_add(out, esc, 6);
		}
		run = ++p;
	}
	sbuf_add(out, run, (size_t)(end - run));
	sbuf_addc(out, '"');
}

/* {"base64":"..."}: bytes that are not text (RFC 4648, padded). */
static void
json_base64(struct sbuf *out, const uint8_t *p, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	sbuf_add(out, "{\"base64\":\"", 11);
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t x = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];
		q[0] = b64[x >> 18];
		q[1] = b64[(x >> 12) & 63];
		q[2] = b64[(x >> 6) & 63];
		q[3] = b64[x & 63];
		sbuf_add(out, q, 4);
	}
	if (i < len) {
		uint32_t x = (uint32_t)p[i] << 16 |
		    (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
		q[0] = b64[x >> 18];
		q[1] = b64[(x >> 12) & 63];
		q[2] = i + 1 < len ? b64[(x >> 6) & 63] : '=';
		q[3] = '=';
		sbuf_add(out, q, 4);
	}
	sbuf_add(out, "\"}", 2);
}

/*
 * The shortest %g text that reads back as the same value (up to 9 digits
 * for a float, 17 for a double); non-finite values as the strings "NaN",
 * "Infinity", "-Infinity" since JSON has no numbers for them.
 */
static void
json_real(struct sbuf *out, double d, bool is_float)
{
	char buf[40];

	if (isnan(d)) {
		sbuf_adds(out, "\"NaN\"");
		return;
	}
	if (isinf(d)) {
		sbuf_adds(out, d < 0 ? "\"-Infinity\"" : "\"Infinity\"");
		return;
	}
	for (int prec = is_float ? 6 : 15; prec <= (is_float ? 9 : 17);
	    prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (is_float ? strtof(buf, NULL) == (float)d :
		    strtod(buf, NULL) == d)
			break;
	}
	sbuf_adds(out, buf);
}

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void
civil_from_days(int64_t z, struct binlog_tm *tm)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
	tm->month = (uint8_t)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = (int32_t)(yoe + era * 400 + (tm->month <= 2));
}

/*
 * Append the value as JSON. Choices:
 * - integers as numbers, unsigned ones (BV_UINT) read unsigned; with unknown
 *   signedness the signed reading;
 * - FLOAT/DOUBLE as the shortest round-tripping number; DECIMAL as a string
 *   so that no digit is lost;
 * - CHAR/VARCHAR/TEXT as a JSON string when the bytes are valid UTF-8 and
 *   the column is neither binary (collation 63) nor ucs2/utf16/utf32, else
 *   {"base64":"..."} (value.h's contract): bytes are never converted, and
 *   base64 says plainly they are not UTF-8 text. A latin1 'é' is base64; an
 *   unknown collation (0) counts as text;
 *   BLOB of binary collation, GEOMETRY and VECTOR always as base64;
 * - BIT, ENUM (1-based index), SET (bitmask), YEAR (0 or 1901-2155) as
 *   numbers;
 * - DATE "yyyy-mm-dd", TIME "[-]hh:mm:ss[.f]", DATETIME
 *   "yyyy-mm-ddThh:mm:ss[.f]" with the column's fractional digits;
 *   TIMESTAMP in UTC with a "Z" ("1970-01-01T00:00:01Z"), except the zero
 *   TIMESTAMP, "0000-00-00T00:00:00" (no instant);
 * - MySQL binary JSON as its JSON text; NULL as null.
 */
bool
value_print_json(struct sbuf *out, const struct binlog_col *col,
    const struct binlog_value *v, struct proto_err *err)
{
	char buf[64], *s = buf;
	struct binlog_tm tm;

	switch (v->kind) {
	case BV_NULL:
		sbuf_add(out, "null", 4);
		return true;
	case BV_INT:
		sbuf_i64(out, v->i);
		return true;
	case BV_UINT:
	case BV_BIT:
	case BV_YEAR:
	case BV_ENUM:
	case BV_SET:
		sbuf_u64(out, v->u);
		return true;
	case BV_FLOAT:
		json_real(out, v->f, true);
		return true;
	case BV_DOUBLE:
		json_real(out, v->d, false);
		return true;
	case BV_DECIMAL:
		sbuf_addc(out, '"');
		if (!decimal_to_text(out, v->dec.p, v->dec.len,
		    v->dec.precision, v->dec.scale, err))
			return false;
		sbuf_addc(out, '"');
		return true;
	case BV_STRING:
	case BV_BLOB:
		if (col->charset != 63 && !collation_is_wide(col->charset) &&
		    utf8_valid(v->bytes.p, v->bytes.len))
			json_string(out, v->bytes.p, v->bytes.len);
		else
			json_base64(out, v->bytes.p, v->bytes.len);
		return true;
	case BV_GEOMETRY:
	case BV_VECTOR:
		json_base64(out, v->bytes.p, v->bytes.len);
		return true;
	case BV_JSON:
		return jsonb_to_text(out, v->bytes.p, v->bytes.len, 0, err);
	case BV_DATE:
		*s++ = '"';
		s = fmt_date(s, &v->tm, '-');
		break;
	case BV_TIME:
		*s++ = '"';
		s = fmt_time(s, &v->tm, v->frac);
		break;
	case BV_DATETIME:
		*s++ = '"';
		s = fmt_datetime(s, &v->tm, 'T', v->frac);
		break;
	case BV_TIMESTAMP:
		tm = (struct binlog_tm){.usec = v->ts.usec};
		if (v->ts.sec != 0) {
			civil_from_days(v->ts.sec / 86400, &tm);
			tm.hour = v->ts.sec % 86400 / 3600;
			tm.minute = (uint8_t)(v->ts.sec % 3600 / 60);
			tm.second = (uint8_t)(v->ts.sec % 60);
		}
		*s++ = '"';
		s = fmt_datetime(s, &tm, 'T', v->frac);
		if (v->ts.sec != 0)
			*s++ = 'Z';
		break;
	case BV_JSON_DIFF:
		return proto_fail(err, PROTO_UNSUPPORTED, 0,
		    "a JSON diff is printed with jsonb_diff_to_text()");
	default:
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "no value to print (kind %u)", v->kind);
	}
	*s++ = '"';
	sbuf_add(out, buf, (size_t)(s - buf));
	return true;
}
