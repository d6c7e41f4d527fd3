/* jsonb.c: MySQL binary JSON (JSONB) and partial-update JSON diffs to text. */
#include "proto/jsonb.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "proto/jsonb_int.h"
#include "proto/value.h"

/*
 * Binary JSON document (sql-common/json_binary.h):
 *
 *   doc     := type(1) value
 *   object  := count size key-entry[count] value-entry[count] key* value*
 *   array   := count size value-entry[count] value*
 *
 * Small containers (types 0x00, 0x02) use 2-byte count, size and offsets;
 * large ones (0x01, 0x03) 4-byte. All offsets are relative to the first
 * byte of the container (the byte after its type), size covers count
 * through the last value.
 *
 *   key-entry   := key-offset(2|4) key-length(2)
 *   value-entry := type(1) offset-or-inlined-value(2|4)
 *
 * Inlined in the entry: literals, int16, uint16 always; int32, uint32 in
 * large containers. Scalars:
 *
 *   0x04 literal   1 byte: 0 null, 1 true, 2 false
 *   0x05 int16     0x06 uint16   0x07 int32   0x08 uint32
 *   0x09 int64     0x0a uint64   0x0b double (IEEE, little-endian)
 *   0x0c string    varlen length, utf8mb4 bytes
 *   0x0f opaque    field type(1), varlen length, bytes
 *
 * varlen: 7 bits per byte, least significant first, high bit = more; at
 * most 5 bytes, value < 2^32.
 */

/* MySQL enum_field_types values that opaque JSON values carry. */
enum {
	JSONB_MYSQL_TIMESTAMP = 7,
	JSONB_MYSQL_DATE = 10,
	JSONB_MYSQL_TIME = 11,
	JSONB_MYSQL_DATETIME = 12,
	JSONB_MYSQL_NEWDECIMAL = 246,
	JSONB_MYSQL_VAR_STRING = 253,
};

/* How a top-level value is shown by mysqlbinlog in a JSON diff. */
enum jsonb_kind {
	JSONB_KIND_RAW,    /* null, true/false, numbers, DECIMAL: as is */
	JSONB_KIND_QUOTED, /* strings, temporal and opaque values: '...' */
	JSONB_KIND_JSON,   /* objects and arrays: CAST('...' AS JSON) */
};

static bool jsonb_value(struct jsonb_ctx *j, uint8_t type, const uint8_t *p,
    size_t avail, uint64_t off, int depth, bool quoted, enum jsonb_kind *kind);
static bool jsonb_opaque_text(struct jsonb_ctx *j, uint8_t ftype,
    const uint8_t *p, size_t n, uint64_t off, bool quoted,
    enum jsonb_kind *kind);

/* Charge n referenced bytes at off against the document's budget. */
static bool
jsonb_charge(struct jsonb_ctx *j, uint64_t n, uint64_t off)
{
	if (n > j->budget)
		return proto_fail(j->err, PROTO_MALFORMED, off,
		    "JSON values overlap: the document references more bytes "
		    "than it holds");
	j->budget -= n;
	return true;
}

/* Read a JSONB variable-length length (7 bits per byte, at most 5 bytes). */
static bool
jsonb_varlen(struct cur *c, uint32_t *v, const char *what)
{
	uint64_t len = 0;
	uint8_t b;

	for (unsigned i = 0; i < 5; i++) {
		if (!cur_u8(c, &b, what))
			return false;
		len |= (uint64_t)(b & 0x7f) << (7 * i);
		if ((b & 0x80) == 0) {
			if (len > UINT32_MAX) {
				c->pos -= i + 1;
				return cur_fail(c, PROTO_MALFORMED,
				    "%s exceeds 4 GB", what);
			}
			*v = (uint32_t)len;
			return true;
		}
	}
	c->pos -= 5;
	return cur_fail(c, PROTO_MALFORMED, "%s longer than 5 bytes", what);
}

/* Append bytes as a JSON string the way MySQL quotes them (double_quote()). */
void
jsonb_quote_json(struct sbuf *out, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	sbuf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch > 0x1f && ch != '"' && ch != '\\')
			continue;
		sbuf_add(out, p + run, i - run);
		run = i + 1;
		sbuf_addc(out, '\\');
		switch (ch) {
		case '\b':
			sbuf_addc(out, 'b');
			break;
		case '\t':
			sbuf_addc(out, 't');
			break;
		case '\n':
			sbuf_addc(out, 'n');
			break;
		case '\f':
			sbuf_addc(out, 'f');
			break;
		case '\r':
			sbuf_addc(out, 'r');
			break;
		case '"':
		case '\\':
			sbuf_addc(out, (char)ch);
			break;
		default:
			sbuf_adds(out, "u00");
			sbuf_addc(out, hex[ch >> 4]);
			sbuf_addc(out, hex[ch & 0xf]);
			break;
		}
	}
	sbuf_add(out, p + run, n - run);
	sbuf_addc(out, '"');
}

/* Append bytes as an SQL string as mysqlbinlog does (my_b_write_quoted()). */
static void
jsonb_quote_sql(struct sbuf *out, const uint8_t *p, size_t n)
{
	sbuf_addc(out, '\'');
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		switch (ch) {
		case '\b':
			sbuf_adds(out, "\\b");
			break;
		case '\f':
			sbuf_adds(out, "\\f");
			break;
		case '\n':
			sbuf_adds(out, "\\n");
			break;
		case '\r':
			sbuf_adds(out, "\\r");
			break;
		case '\t':
			sbuf_adds(out, "\\t");
			break;
		case '\\':
			sbuf_adds(out, "\\\\");
			break;
		case '\'':
			sbuf_adds(out, "\\'");
			break;
		default:
			if (ch < 32)
				sbuf_printf(out, "\\x%02x", ch);
			else
				sbuf_addc(out, (char)ch);
			break;
		}
	}
	sbuf_addc(out, '\'');
}

/*
 * Shortest decimal digits that read back as d (what dtoa() mode 0 gives):
 * digits without leading or trailing zeros, and decpt, the position of the
 * decimal point relative to the first digit. d is finite.
 */
static int
jsonb_shortest_digits(double d, char digits[20], int *decpt)
{
	char buf[40], *e;
	int n = 0, exp10;

	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d || prec == 17)
			break;
	}
	e = strchr(buf, 'e');
	exp10 = atoi(e + 1);
	for (char *s = buf; s < e; s++)
		if (*s >= '0' && *s <= '9')
			digits[n++] = *s;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*decpt = digits[0] == '0' ? 1 : exp10 + 1;
	return n;
}

/*
 * Append a double as MySQL prints JSON doubles: my_gcvt(d, DOUBLE, 34)
 * (shortest round-trip digits; 'e' notation without '+' or zero padding
 * when the exponent is below -14 or above 15 and the digits would need
 * padding), then ".0" when the text has neither '.' nor 'e'.
 */
static void
jsonb_double(struct sbuf *out, double d)
{
	char dig[20], buf[64];
	int len, decpt, width, exp_len, k = 0;
	bool have_space, force_e, use_f, neg = signbit(d);

	len = jsonb_shortest_digits(neg ? -d : d, dig, &decpt);
	width = d < 0 ? 33 : 34; /* MY_GCVT_MAX_FIELD_WIDTH, minus the sign */
	exp_len = 1 + (decpt >= 101 || decpt <= -99) +
	    (decpt >= 11 || decpt <= -9);
	have_space = (decpt <= 0 ? len - decpt + 2 :
	    decpt < len ? len + 1 : decpt) <= width;
	force_e = decpt <= 0 && width <= 2 - decpt && width >= 3 + exp_len;
	use_f = (have_space || (decpt <= width && (decpt >= -1 ||
	    (decpt == -2 && (len > 1 || !force_e))) && !force_e)) &&
	    (!have_space || (decpt >= -14 && (decpt <= 15 || len > decpt)));

	if (neg)
		buf[k++] = '-';
	if (use_f) {
		if (decpt <= 0) {
			buf[k++] = '0';
			buf[k++] = '.';
			for (int i = decpt; i < 0; i++)
				buf[k++] = '0';
		}
		for (int i = 1; i <= len; i++) {
			buf[k++] = dig[i - 1];
			if (i == decpt && i < len)
				buf[k++] = '.';
		}
		for (int i = len; i < decpt; i++)
			buf[k++] = '0';
	} else {
		int x = decpt - 1;
		buf[k++] = dig[0];
		if (len > 1) {
			buf[k++] = '.';
			for (int i = 1; i < len; i++)
				buf[k++] = dig[i];
		}
		buf[k++] = 'e';
		if (x < 0) {
			buf[k++] = '-';
			x = -x;
		}
		k += snprintf(buf + k, sizeof(buf) - (size_t)k, "%d", x);
	}
	sbuf_add(out, buf, (size_t)k);
	if (memchr(buf, '.', (size_t)k) == NULL &&
	    memchr(buf, 'e', (size_t)k) == NULL)
		sbuf_adds(out, ".0");
}

/*
 * Append a packed temporal value (TIME_to_longlong_*_packed()) as
 * my_TIME_to_str(..., 6) prints it:
 *
 *   DATETIME, TIMESTAMP  bits 63 sign, 62..46 year*13+month, 45..41 day,
 *                        40..36 hour, 35..30 minute, 29..24 second,
 *                        23..0 microseconds -> "YYYY-MM-DD hh:mm:ss.ffffff"
 *   DATE                 the same, printed "YYYY-MM-DD"
 *   TIME                 bits 33..24 hour (10), minute, second as above,
 *                        negative values negated -> "[-]hh:mm:ss.ffffff"
 */
static void
jsonb_temporal(struct sbuf *out, uint8_t ftype, int64_t packed)
{
	bool neg = packed < 0;
	uint64_t v = neg ? (uint64_t)0 - (uint64_t)packed : (uint64_t)packed;
	uint64_t frac = v % (1u << 24), hms, ymd, ym;
	uint64_t ip = v >> 24;

	if (ftype == JSONB_MYSQL_TIME) {
		sbuf_printf(out, "%s%02u:%02u:%02u.%06u", neg ? "-" : "",
		    (unsigned)((ip >> 12) % (1u << 10)),
		    (unsigned)((ip >> 6) % (1u << 6)),
		    (unsigned)(ip % (1u << 6)),
		    (unsigned)frac);
		return;
	}
	ymd = ip >> 17;
	ym = ymd >> 5;
	hms = ip % (1u << 17);
	sbuf_printf(out, "%04u-%02u-%02u", (unsigned)(ym / 13),
	    (unsigned)(ym % 13), (unsigned)(ymd % (1u << 5)));
	if (ftype == JSONB_MYSQL_DATE)
		return;
	sbuf_printf(out, " %02u:%02u:%02u.%06u", (unsigned)(hms >> 12),
	    (unsigned)((hms >> 6) % (1u << 6)), (unsigned)(hms % (1u << 6)),
	    (unsigned)frac);
}

/* Append base64 as MySQL's base64_encode() does: '\n' every 76 chars. */
static void
jsonb_base64(struct sbuf *out, const uint8_t *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t line = 0;

	for (size_t i = 0; i < n; i += 3, line += 4) {
		uint32_t c = (uint32_t)p[i] << 16;
		char q[4];

		if (line == 76) {
			sbuf_addc(out, '\n');
			line = 0;
		}
		if (i + 1 < n)
			c |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			c |= p[i + 2];
		q[0] = tab[(c >> 18) & 0x3f];
		q[1] = tab[(c >> 12) & 0x3f];
		q[2] = i + 1 < n ? tab[(c >> 6) & 0x3f] : '=';
		q[3] = i + 2 < n ? tab[c & 0x3f] : '=';
		sbuf_add(out, q, 4);
	}
}

/* ------------------------------------------- typed scalars as SQL */

/*
 * JSON_TABLE columns per table, and tables per statement (MySQL joins at
 * most 61 tables in one SELECT).
 */
#define JSONB_SQL_COLS 1000
#define JSONB_SQL_TABLES 61

/* MySQL enum_field_types of the binary opaque values JSON can hold. */
enum {
	JSONB_MYSQL_VARCHAR = 15,
	JSONB_MYSQL_BIT = 16,
	JSONB_MYSQL_TINY_BLOB = 249,
	JSONB_MYSQL_MEDIUM_BLOB = 250,
	JSONB_MYSQL_LONG_BLOB = 251,
	JSONB_MYSQL_BLOB = 252,
	JSONB_MYSQL_STRING = 254,
};

static void
jsonb_sql_hex(struct sbuf *o, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_adds(o, "x'");
	for (size_t i = 0; i < n; i++) {
		sbuf_addc(o, hex[p[i] >> 4]);
		sbuf_addc(o, hex[p[i] & 0xf]);
	}
	sbuf_addc(o, '\'');
}

/*
 * An SQL string literal of utf8mb4 bytes that reads the same under any
 * sql_mode: quoted when plain, else a hex literal with an introducer.
 */
static void
jsonb_sql_string(struct sbuf *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == '\'' || p[i] == '\\' || p[i] == 0x7f) {
			sbuf_adds(o, "_utf8mb4 ");
			jsonb_sql_hex(o, p, n);
			return;
		}
	sbuf_addc(o, '\'');
	sbuf_add(o, p, n);
	sbuf_addc(o, '\'');
}

/* Append the path of the value being printed, as an SQL string. */
static void
jsonb_sql_path(struct sbuf *o, const struct jsonb_sql *s)
{
	struct sbuf path = { 0 };

	sbuf_addc(&path, '$');
	for (int d = 0; d < s->depth; d++) {
		const struct jsonb_frame *f = &s->path[d];
		if (f->member) {
			sbuf_addc(&path, '.');
			jsonb_quote_json(&path, f->key, f->klen);
		} else
			sbuf_printf(&path, "[%" PRIu64 "]", f->idx);
	}
	jsonb_sql_string(o, (const uint8_t *)path.p, path.len);
	o->oom |= path.oom;
	sbuf_free(&path);
}

/* Close the open JSON_TABLE into s->tables. */
static void
jsonb_sql_close_table(struct jsonb_sql *s)
{
	uint32_t t = (s->ncols - 1) / JSONB_SQL_COLS;

	if (s->cols.len == 0)
		return;
	if (s->tables.len > 0)
		sbuf_adds(&s->tables, ", ");
	sbuf_adds(&s->tables, "JSON_TABLE(JSON_ARRAY(");
	sbuf_add(&s->tables, s->data.p, s->data.len);
	sbuf_adds(&s->tables, "), '$' COLUMNS (");
	sbuf_add(&s->tables, s->cols.p, s->cols.len);
	sbuf_printf(&s->tables, ")) t%u", (unsigned)t);
	sbuf_reset(&s->data);
	sbuf_reset(&s->cols);
}

/*
 * Record one typed scalar (an opaque value of MySQL type ftype, bytes p,
 * printed as text) at the current path: a JSON_TABLE column of that type
 * fed its value, or a literal of the type. Which SQL values give which
 * JSON scalar (Item data types, sql_scalar_to_json() in MySQL):
 *   DECIMAL   the column DECIMAL(prec,scale) reads back the binary's
 *             precision when the value's top digit group is not zero, as
 *             a value read from a DECIMAL column; 0.x with precision
 *             scale+1 is what a literal 0.x gives; other precisions (of
 *             CAST results) are not reproduced: same value and scale,
 *             JSON_STORAGE_SIZE may differ
 *   DATE, TIME(6), DATETIME(6), TIMESTAMP(6)  (time_zone '+00:00')
 *   VARBINARY a hex literal (type 15, the type of x'..')
 *   BINARY(n), TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB  fed as x'..'
 *   BIT(8n)   fed the bits as an unsigned integer
 */
static bool
jsonb_sql_add(struct jsonb_ctx *j, uint8_t ftype, const uint8_t *p, size_t n,
    uint64_t off, const char *text, size_t tlen)
{
	struct jsonb_sql *s = j->sql;
	char type[40];
	uint32_t col;

	if (tlen >= 2 && text[0] == '"') {
		text++;
		tlen -= 2;
	}
	sbuf_adds(&s->sets, ", ");
	jsonb_sql_path(&s->sets, s);
	sbuf_adds(&s->sets, ", ");
	s->n++;
	switch (ftype) {
	case JSONB_MYSQL_NEWDECIMAL: {
		unsigned prec = p[0], scale = p[1];
		bool zero_int = tlen > 0 && text[text[0] == '-'] == '0';
		if (prec == scale + 1 && scale > 0 && zero_int) {
			/* what a literal 0.x gives: one integer digit */
			sbuf_add(&s->sets, text, tlen);
			return true;
		}
		snprintf(type, sizeof(type), "DECIMAL(%u,%u)", prec, scale);
		break;
	}
	case JSONB_MYSQL_DATE:
		snprintf(type, sizeof(type), "DATE");
		break;
	case JSONB_MYSQL_TIME:
		snprintf(type, sizeof(type), "TIME(6)");
		break;
	case JSONB_MYSQL_DATETIME:
		snprintf(type, sizeof(type), "DATETIME(6)");
		break;
	case JSONB_MYSQL_TIMESTAMP:
		snprintf(type, sizeof(type), "TIMESTAMP(6)");
		break;
	case JSONB_MYSQL_VARCHAR:
		jsonb_sql_hex(&s->sets, p, n);
		return true;
	case JSONB_MYSQL_BIT:
		if (n < 1 || n > 8)
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON BIT value of %zu bytes (1 to 8)", n);
		snprintf(type, sizeof(type), "BIT(%zu)", 8 * n);
		break;
	case JSONB_MYSQL_STRING:
		if (n > 255)
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON BINARY value of %zu bytes (at most 255)", n);
		snprintf(type, sizeof(type), "BINARY(%zu)", n);
		break;
	case JSONB_MYSQL_TINY_BLOB:
		snprintf(type, sizeof(type), "TINYBLOB");
		break;
	case JSONB_MYSQL_BLOB:
		snprintf(type, sizeof(type), "BLOB");
		break;
	case JSONB_MYSQL_MEDIUM_BLOB:
		snprintf(type, sizeof(type), "MEDIUMBLOB");
		break;
	case JSONB_MYSQL_LONG_BLOB:
		snprintf(type, sizeof(type), "LONGBLOB");
		break;
	default:
		return proto_fail(j->err, PROTO_UNSUPPORTED, off,
		    "JSON opaque value of MySQL type %u: no SQL value rebuilds "
		    "it exactly", ftype);
	}
	if (s->ncols == JSONB_SQL_COLS * JSONB_SQL_TABLES)
		return proto_fail(j->err, PROTO_UNSUPPORTED, off,
		    "JSON document with more than %u DECIMAL, temporal and "
		    "binary values: too many to rebuild in one statement",
		    JSONB_SQL_COLS * JSONB_SQL_TABLES);
	col = s->ncols % JSONB_SQL_COLS;
	if (col > 0)
		sbuf_adds(&s->data, ", ");
	switch (ftype) {
	case JSONB_MYSQL_NEWDECIMAL:
	case JSONB_MYSQL_DATE:
	case JSONB_MYSQL_TIME:
	case JSONB_MYSQL_DATETIME:
	case JSONB_MYSQL_TIMESTAMP:
		sbuf_addc(&s->data, '\'');
		sbuf_add(&s->data, text, tlen);
		sbuf_addc(&s->data, '\'');
		break;
	case JSONB_MYSQL_BIT: {
		uint64_t v = 0;
		for (size_t i = 0; i < n; i++)
			v = v << 8 | p[i];
		sbuf_u64(&s->data, v);
		break;
	}
	default:
		jsonb_sql_hex(&s->data, p, n);
		break;
	}
	sbuf_printf(&s->cols, "%sv%u %s PATH '$[%u]' ERROR ON ERROR",
	    col > 0 ? ", " : "", (unsigned)s->ncols, type, (unsigned)col);
	sbuf_printf(&s->sets, "v%u", (unsigned)s->ncols);
	s->ncols++;
	if (s->ncols % JSONB_SQL_COLS == 0)
		jsonb_sql_close_table(s);
	return true;
}

struct jsonb_sql *
jsonb_sql_new(void)
{
	return calloc(1, sizeof(struct jsonb_sql));
}

void
jsonb_sql_free(struct jsonb_sql *s)
{
	if (s == NULL)
		return;
	sbuf_free(&s->sets);
	sbuf_free(&s->tables);
	sbuf_free(&s->data);
	sbuf_free(&s->cols);
	free(s);
}

bool
jsonb_sql_finish(struct jsonb_sql *s, struct sbuf *sql, bool *typed,
    uint64_t base, struct proto_err *err)
{
	*typed = s->n > 0;
	if (s->n == 0)
		return true;
	jsonb_sql_close_table(s);
	if (s->sets.oom || s->tables.oom || s->data.oom || s->cols.oom)
		return proto_fail(err, PROTO_NOMEM, base,
		    "out of memory building the SQL of a JSON document");
	sbuf_adds(sql, s->tables.len > 0 ? "(SELECT JSON_SET(CAST(? AS JSON)" :
	    "JSON_SET(CAST(? AS JSON)");
	sbuf_add(sql, s->sets.p, s->sets.len);
	sbuf_addc(sql, ')');
	if (s->tables.len > 0) {
		sbuf_adds(sql, " FROM ");
		sbuf_add(sql, s->tables.p, s->tables.len);
		sbuf_addc(sql, ')');
	}
	if (sql->oom)
		return proto_fail(err, PROTO_NOMEM, base,
		    "out of memory building the SQL of a JSON document");
	return true;
}

/*
 * Append an opaque value (custom data) of MySQL field type ftype:
 * NEWDECIMAL as a number (2 bytes precision and scale, then the binary
 * decimal), DATE/TIME/DATETIME/TIMESTAMP as 8-byte packed values, VAR_STRING
 * as a string, anything else as "base64:typeN:<base64>".
 */
static bool
jsonb_opaque(struct jsonb_ctx *j, uint8_t ftype, const uint8_t *p, size_t n,
    uint64_t off, bool quoted, enum jsonb_kind *kind)
{
	size_t start = j->out->len;

	if (!jsonb_opaque_text(j, ftype, p, n, off, quoted, kind))
		return false;
	if (j->sql == NULL)
		return true;
	return jsonb_sql_add(j, ftype, p, n, off, j->out->p + start,
	    j->out->len - start);
}

/* jsonb_opaque() without the typed-scalar collection. */
static bool
jsonb_opaque_text(struct jsonb_ctx *j, uint8_t ftype, const uint8_t *p,
    size_t n, uint64_t off, bool quoted, enum jsonb_kind *kind)
{
	struct sbuf tmp = { 0 };
	struct proto_err derr = { 0 };
	unsigned prec, scale;

	*kind = JSONB_KIND_QUOTED;
	switch (ftype) {
	case JSONB_MYSQL_NEWDECIMAL:
		*kind = JSONB_KIND_RAW;
		if (n < 2)
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON DECIMAL of %zu bytes has no precision and "
			    "scale", n);
		prec = p[0];
		scale = p[1];
		if (prec < 1 || prec > 65 || scale > 30 || scale > prec)
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON DECIMAL(%u,%u) out of range", prec, scale);
		if (decimal_bin_size(prec, scale) != n - 2)
			return proto_fail(j->err, PROTO_MALFORMED, off + 2,
			    "JSON DECIMAL(%u,%u) takes %zu bytes, not %zu",
			    prec, scale, decimal_bin_size(prec, scale), n - 2);
		if (!decimal_to_text(j->out, p + 2, n - 2, prec, scale, &derr))
			return proto_fail(j->err,
			    derr.code != PROTO_OK ? derr.code : PROTO_MALFORMED,
			    off + 2, "JSON DECIMAL(%u,%u): %s", prec, scale,
			    derr.msg);
		return true;
	case JSONB_MYSQL_DATE:
	case JSONB_MYSQL_TIME:
	case JSONB_MYSQL_DATETIME:
	case JSONB_MYSQL_TIMESTAMP:
		if (n != 8)
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON temporal value (type %u) of %zu bytes, not 8",
			    ftype, n);
		if (quoted)
			sbuf_addc(j->out, '"');
		jsonb_temporal(j->out, ftype, (int64_t)le64(p));
		if (quoted)
			sbuf_addc(j->out, '"');
		return true;
	case JSONB_MYSQL_VAR_STRING:
		if (quoted)
			jsonb_quote_json(j->out, p, n);
		else
			sbuf_add(j->out, p, n);
		return true;
	default:
		sbuf_printf(&tmp, "base64:type%u:", ftype);
		jsonb_base64(&tmp, p, n);
		if (tmp.oom) {
			sbuf_free(&tmp);
			return proto_fail(j->err, PROTO_NOMEM, off,
			    "out of memory printing JSON opaque value");
		}
		if (quoted)
			jsonb_quote_json(j->out, (const uint8_t *)tmp.p,
			    tmp.len);
		else
			sbuf_add(j->out, tmp.p, tmp.len);
		sbuf_free(&tmp);
		return true;
	}
}

/*
 * Append a scalar of the given type whose bytes start at p, with avail
 * bytes up to the end of its container (or entry, when inlined). off is
 * the absolute offset of p. inlined values are not charged: their bytes
 * belong to the container header.
 */
static bool
jsonb_scalar(struct jsonb_ctx *j, uint8_t type, const uint8_t *p, size_t avail,
    uint64_t off, bool inlined, bool quoted, enum jsonb_kind *kind)
{
	struct cur c;
	uint64_t v;
	uint32_t n;
	uint8_t b, ftype;
	const uint8_t *data;
	double d;
	size_t start;

	cur_init(&c, p, avail, off, j->err);
	*kind = JSONB_KIND_RAW;
	switch (type) {
	case JSONB_LITERAL:
		if (!cur_u8(&c, &b, "JSON literal"))
			return false;
		if (!inlined && !jsonb_charge(j, 1, off))
			return false;
		if (b > 2) {
			c.pos--;
			return cur_fail(&c, PROTO_MALFORMED,
			    "bad JSON literal 0x%02x", b);
		}
		sbuf_adds(j->out, b == 0 ? "null" : b == 1 ? "true" : "false");
		return true;
	case JSONB_INT16:
	case JSONB_UINT16:
	case JSONB_INT32:
	case JSONB_UINT32:
	case JSONB_INT64:
	case JSONB_UINT64: {
		static const unsigned size[] = { 2, 2, 4, 4, 8, 8 };
		unsigned sz = size[type - JSONB_INT16];
		if (!cur_uint(&c, sz, &v, "JSON integer"))
			return false;
		if (!inlined && !jsonb_charge(j, sz, off))
			return false;
		if (type == JSONB_INT16)
			sbuf_i64(j->out, (int16_t)v);
		else if (type == JSONB_INT32)
			sbuf_i64(j->out, (int32_t)v);
		else if (type == JSONB_INT64)
			sbuf_i64(j->out, (int64_t)v);
		else
			sbuf_u64(j->out, v);
		return true;
	}
	case JSONB_DOUBLE:
		if (!cur_u64(&c, &v, "JSON double") || !jsonb_charge(j, 8, off))
			return false;
		memcpy(&d, &v, sizeof(d));
		if (!isfinite(d))
			return proto_fail(j->err, PROTO_MALFORMED, off,
			    "JSON double is not a finite number");
		jsonb_double(j->out, d);
		return true;
	case JSONB_STRING:
		*kind = JSONB_KIND_QUOTED;
		if (!jsonb_varlen(&c, &n, "JSON string length") ||
		    !cur_bytes(&c, n, &data, "JSON string") ||
		    !jsonb_charge(j, c.pos, off))
			return false;
		if (quoted)
			jsonb_quote_json(j->out, data, n);
		else
			sbuf_add(j->out, data, n);
		return true;
	case JSONB_OPAQUE:
		if (!cur_u8(&c, &ftype, "JSON opaque type") ||
		    !jsonb_varlen(&c, &n, "JSON opaque length"))
			return false;
		start = c.pos;
		if (!cur_bytes(&c, n, &data, "JSON opaque value") ||
		    !jsonb_charge(j, c.pos, off))
			return false;
		return jsonb_opaque(j, ftype, data, n, off + start, quoted,
		    kind);
	default:
		return proto_fail(j->err, PROTO_MALFORMED, off,
		    "bad JSON value type 0x%02x", type);
	}
}

/* True for the type bytes the format defines. */
bool
jsonb_type_ok(uint8_t type)
{
	return type <= JSONB_STRING || type == JSONB_OPAQUE;
}

/* True if values of this type live in the value entry itself. */
bool
jsonb_inlined(uint8_t type, bool large)
{
	switch (type) {
	case JSONB_LITERAL:
	case JSONB_INT16:
	case JSONB_UINT16:
		return true;
	case JSONB_INT32:
	case JSONB_UINT32:
		return large;
	default:
		return false;
	}
}

/* Read an osz-byte field at container offset at (which may be anywhere). */
static bool
jsonb_field(struct cur *c, size_t at, unsigned osz, uint64_t *v,
    const char *what)
{
	if (at > c->len) {
		c->pos = c->len;
		return cur_short(c, osz, what);
	}
	c->pos = at;
	return cur_uint(c, osz, v, what);
}

/*
 * Append an object or array (offset table at the top of this file) that
 * starts at p with avail bytes to the end of its enclosing value.
 */
static bool
jsonb_container(struct jsonb_ctx *j, uint8_t type, const uint8_t *p,
    size_t avail, uint64_t off, int depth)
{
	bool large = type == JSONB_LARGE_OBJECT || type == JSONB_LARGE_ARRAY;
	bool object = type == JSONB_SMALL_OBJECT || type == JSONB_LARGE_OBJECT;
	unsigned osz = large ? 4 : 2;
	unsigned kesz = osz + 2, vesz = 1 + osz;
	uint64_t count, size, header, koff, klen, voff, ventry, v;
	struct cur c;
	enum jsonb_kind kind;
	uint8_t vtype;

	if (depth >= JSONB_MAX_DEPTH)
		return proto_fail(j->err, PROTO_MALFORMED, off,
		    "JSON nested deeper than %d levels", JSONB_MAX_DEPTH);
	cur_init(&c, p, avail, off, j->err);
	if (!cur_uint(&c, osz, &count, "JSON element count") ||
	    !cur_uint(&c, osz, &size, "JSON container size"))
		return false;
	if (size > avail) {
		c.pos = osz;
		return cur_fail(&c, PROTO_TRUNCATED,
		    "JSON %s of %" PRIu64 " bytes, only %zu left",
		    object ? "object" : "array", size, avail);
	}
	header = 2 * (uint64_t)osz + count * (object ? kesz + vesz : vesz);
	if (header > size)
		return cur_fail(&c, PROTO_MALFORMED,
		    "JSON %s header of %" PRIu64 " entries (%" PRIu64
		    " bytes) exceeds its size %" PRIu64,
		    object ? "object" : "array", count, header, size);
	c.len = (size_t)size;
	if (!jsonb_charge(j, header, off))
		return false;

	ventry = 2 * (uint64_t)osz + (object ? count * kesz : 0);
	sbuf_addc(j->out, object ? '{' : '[');
	for (uint64_t i = 0; i < count; i++) {
		size_t ve = (size_t)(ventry + i * vesz);

		if (i > 0)
			sbuf_adds(j->out, ", ");
		if (object) {
			size_t ke = (size_t)(2 * osz + i * kesz);
			if (!jsonb_field(&c, ke, osz, &koff,
			    "JSON key offset") ||
			    !jsonb_field(&c, ke + osz, 2, &klen,
			    "JSON key length"))
				return false;
			if (koff < header || koff + klen > size) {
				c.pos = ke;
				return cur_fail(&c, PROTO_MALFORMED,
				    "JSON key %" PRIu64 " at [%" PRIu64
				    ", +%" PRIu64 ") outside the key area "
				    "[%" PRIu64 ", %" PRIu64 ")", i, koff,
				    klen, header, size);
			}
			if (!jsonb_charge(j, klen, off + koff))
				return false;
			jsonb_quote_json(j->out, p + koff, (size_t)klen);
			sbuf_adds(j->out, ": ");
			jsonb_sql_leg(j, depth, true, p + koff, (size_t)klen, 0);
		} else
			jsonb_sql_leg(j, depth, false, NULL, 0, i);
		if (!jsonb_field(&c, ve, 1, &v, "JSON value type"))
			return false;
		vtype = (uint8_t)v;
		if (!jsonb_type_ok(vtype)) {
			c.pos = ve;
			return cur_fail(&c, PROTO_MALFORMED,
			    "bad JSON value type 0x%02x in entry %" PRIu64,
			    vtype, i);
		}
		if (jsonb_inlined(vtype, large)) {
			if (!jsonb_scalar(j, vtype, p + ve + 1, osz,
			    off + ve + 1, true, true, &kind))
				return false;
			continue;
		}
		if (!jsonb_field(&c, ve + 1, osz, &voff, "JSON value offset"))
			return false;
		if (voff < header || voff >= size) {
			c.pos = ve;
			return cur_fail(&c, PROTO_MALFORMED,
			    "JSON value %" PRIu64 " at offset %" PRIu64
			    " outside the value area [%" PRIu64 ", %" PRIu64
			    ")", i, voff, header, size);
		}
		if (!jsonb_value(j, vtype, p + voff, (size_t)(size - voff),
		    off + voff, depth + 1, true, &kind))
			return false;
	}
	sbuf_addc(j->out, object ? '}' : ']');
	return true;
}

/* Append any value (container or scalar) stored at p. */
static bool
jsonb_value(struct jsonb_ctx *j, uint8_t type, const uint8_t *p, size_t avail,
    uint64_t off, int depth, bool quoted, enum jsonb_kind *kind)
{
	switch (type) {
	case JSONB_SMALL_OBJECT:
	case JSONB_LARGE_OBJECT:
	case JSONB_SMALL_ARRAY:
	case JSONB_LARGE_ARRAY:
		*kind = JSONB_KIND_JSON;
		return jsonb_container(j, type, p, avail, off, depth);
	default:
		return jsonb_scalar(j, type, p, avail, off, false, quoted,
		    kind);
	}
}

bool
jsonb_print(struct jsonb_ctx *j, uint8_t type, const uint8_t *p, size_t avail,
    uint64_t off, bool inlined, int depth)
{
	enum jsonb_kind kind;

	if (inlined)
		return jsonb_scalar(j, type, p, avail, off, true, true, &kind);
	return jsonb_value(j, type, p, avail, off, depth, true, &kind);
}

/* Convert a whole document; quoted=false prints a top-level string bare. */
static bool
jsonb_doc(struct sbuf *out, const uint8_t *p, size_t len, uint64_t base,
    bool quoted, enum jsonb_kind *kind, struct proto_err *err)
{
	struct jsonb_ctx j = { .out = out, .err = err, .budget = len };
	size_t start = out->len;

	if (len == 0) {
		/* MySQL reads an empty document as the JSON null literal. */
		*kind = JSONB_KIND_RAW;
		sbuf_adds(out, "null");
	} else if (!jsonb_type_ok(p[0])) {
		return proto_fail(err, PROTO_MALFORMED, base,
		    "bad JSON document type 0x%02x", p[0]);
	} else if (!jsonb_charge(&j, 1, base) ||
	    !jsonb_value(&j, p[0], p + 1, len - 1, base + 1, 0, quoted, kind)) {
		out->len = start;
		return false;
	}
	if (out->oom) {
		out->len = start;
		return proto_fail(err, PROTO_NOMEM, base,
		    "out of memory printing JSON");
	}
	return true;
}

bool
jsonb_to_text(struct sbuf *out, const uint8_t *p, size_t len, uint64_t base,
    struct proto_err *err)
{
	enum jsonb_kind kind;

	return jsonb_doc(out, p, len, base, true, &kind, err);
}

bool
jsonb_to_sql(struct sbuf *text, struct sbuf *sql, bool *typed,
    const uint8_t *p, size_t len, uint64_t base, struct proto_err *err)
{
	struct jsonb_sql *s = jsonb_sql_new();
	struct jsonb_ctx j = { .out = text, .err = err, .sql = s };
	size_t start = text->len;
	bool ok;

	*typed = false;
	if (s == NULL)
		return proto_fail(err, PROTO_NOMEM, base, "out of memory");
	if (len == 0)
		ok = jsonb_to_text(text, p, len, base, err);
	else if (!jsonb_type_ok(p[0]))
		ok = proto_fail(err, PROTO_MALFORMED, base,
		    "bad JSON document type 0x%02x", p[0]);
	else if (!(j.budget = len - 1, true))
		ok = false;
	else
		ok = jsonb_print(&j, p[0], p + 1, len - 1, base + 1, false, 0) &&
		    jsonb_sql_finish(s, sql, typed, base, err);
	if (ok && text->oom)
		ok = proto_fail(err, PROTO_NOMEM, base,
		    "out of memory printing JSON");
	if (!ok)
		text->len = start < text->len ? start : text->len;
	jsonb_sql_free(s);
	return ok;
}

/*
 * One diff of a JSON diff list (sql/json_diff.cc, Json_diff::write_binary):
 *
 *   operation   1        0 REPLACE, 1 INSERT, 2 REMOVE
 *   path_len    packed   (length-encoded integer)
 *   path        path_len JSON path text, e.g. $.a[1]
 *   value_len   packed   absent for REMOVE
 *   value       value_len binary JSON document, absent for REMOVE
 */
int
jsonb_diff_next(const uint8_t *p, size_t len, size_t *pos, uint64_t base,
    struct jsonb_diff *d, struct proto_err *err)
{
	struct cur c;
	uint8_t op;
	uint64_t n;
	const uint8_t *b;

	if (*pos >= len)
		return 0;
	cur_init(&c, p, len, base, err);
	c.pos = *pos;
	if (!cur_u8(&c, &op, "JSON diff operation"))
		return -1;
	if (op > JSONB_DIFF_REMOVE) {
		c.pos--;
		cur_fail(&c, PROTO_MALFORMED, "bad JSON diff operation %u", op);
		return -1;
	}
	if (!cur_packed(&c, &n, "JSON diff path length"))
		return -1;
	if (n == 0) {
		cur_fail(&c, PROTO_MALFORMED, "empty JSON diff path");
		return -1;
	}
	if (!cur_bytes(&c, (size_t)n, &b, "JSON diff path"))
		return -1;
	d->op = (enum jsonb_diff_op)op;
	d->path = (const char *)b;
	d->path_len = (size_t)n;
	d->value = NULL;
	d->value_len = 0;
	if (op != JSONB_DIFF_REMOVE) {
		if (!cur_packed(&c, &n, "JSON diff value length") ||
		    !cur_bytes(&c, (size_t)n, &b, "JSON diff value"))
			return -1;
		d->value = b;
		d->value_len = (size_t)n;
	}
	*pos = c.pos;
	return 1;
}

/* mysqlbinlog's names; INSERT at an array cell is JSON_ARRAY_INSERT. */
enum jsonb_fn {
	JSONB_FN_REPLACE,
	JSONB_FN_INSERT,
	JSONB_FN_ARRAY_INSERT,
	JSONB_FN_REMOVE,
};

static const char *const jsonb_fn_names[] = {
	"JSON_REPLACE", "JSON_INSERT", "JSON_ARRAY_INSERT", "JSON_REMOVE",
};

static enum jsonb_fn
jsonb_diff_fn(const struct jsonb_diff *d)
{
	switch (d->op) {
	case JSONB_DIFF_REPLACE:
		return JSONB_FN_REPLACE;
	case JSONB_DIFF_INSERT:
		return d->path[d->path_len - 1] == ']' ? JSONB_FN_ARRAY_INSERT :
		    JSONB_FN_INSERT;
	default:
		return JSONB_FN_REMOVE;
	}
}

/* Append one diff value as mysqlbinlog's json_wrapper_to_string() does. */
static bool
jsonb_diff_value(struct sbuf *out, struct sbuf *tmp, const struct jsonb_diff *d,
    uint64_t off, struct proto_err *err)
{
	enum jsonb_kind kind;

	sbuf_reset(tmp);
	if (!jsonb_doc(tmp, d->value, d->value_len, off, false, &kind, err))
		return false;
	switch (kind) {
	case JSONB_KIND_RAW:
		sbuf_add(out, tmp->p, tmp->len);
		break;
	case JSONB_KIND_QUOTED:
		jsonb_quote_sql(out, (const uint8_t *)tmp->p, tmp->len);
		break;
	case JSONB_KIND_JSON:
		sbuf_adds(out, "CAST(");
		jsonb_quote_sql(out, (const uint8_t *)tmp->p, tmp->len);
		sbuf_adds(out, " AS JSON)");
		break;
	}
	return true;
}

/*
 * Print the diff list as mysqlbinlog -v (print_json_diff()): consecutive
 * diffs with the same function share one call, the first diff innermost,
 * calls after the first on new "###      " lines:
 *
 *   JSON_INSERT(
 *   ###      JSON_REMOVE(@1, '$.a'),
 *   ###      '$.b', 1)
 *
 * An empty list prints column_expr alone.
 */
bool
jsonb_diff_to_text(struct sbuf *out, const char *column_expr,
    const uint8_t *p, size_t len, uint64_t base, struct proto_err *err)
{
	static const char sep[] = "\n###      ";
	struct sbuf fns = { 0 }, tmp = { 0 };
	struct jsonb_diff d;
	size_t pos = 0, start = out->len, vpos, n = 0;
	int r;
	bool ok = false, printed = false;

	/* First pass: validate the framing and note each diff's function. */
	while ((r = jsonb_diff_next(p, len, &pos, base, &d, err)) == 1)
		sbuf_addc(&fns, (char)jsonb_diff_fn(&d));
	if (r < 0)
		goto out;
	if (fns.oom) {
		proto_fail(err, PROTO_NOMEM, base, "out of memory");
		goto out;
	}
	n = fns.len;

	for (size_t i = n; i-- > 0;) {
		if (i == 0 || fns.p[i - 1] != fns.p[i]) {
			if (printed)
				sbuf_adds(out, sep);
			printed = true;
			sbuf_adds(out, jsonb_fn_names[(int)fns.p[i]]);
			sbuf_addc(out, '(');
		}
	}
	sbuf_adds(out, column_expr);
	if (n > 0)
		sbuf_adds(out, ", ");

	pos = 0;
	for (size_t i = 0; i < n; i++) {
		vpos = pos;
		if (jsonb_diff_next(p, len, &pos, base, &d, err) != 1)
			goto out;
		jsonb_quote_sql(out, (const uint8_t *)d.path, d.path_len);
		if (d.op != JSONB_DIFF_REMOVE) {
			sbuf_adds(out, ", ");
			vpos = pos - d.value_len;
			if (!jsonb_diff_value(out, &tmp, &d, base + vpos, err))
				goto out;
		}
		if (i + 1 == n || fns.p[i + 1] != fns.p[i])
			sbuf_addc(out, ')');
		if (i + 1 < n) {
			sbuf_addc(out, ',');
			sbuf_adds(out, sep);
		}
	}
	if (out->oom || tmp.oom) {
		proto_fail(err, PROTO_NOMEM, base, "out of memory");
		goto out;
	}
	ok = true;
out:
	if (!ok)
		out->len = start < out->len ? start : out->len;
	sbuf_free(&fns);
	sbuf_free(&tmp);
	return ok;
}
