/* test_jsonb.c: binary JSON and JSON diffs to text, on hand-built bytes. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/jsonb.h"
#include "tests/unit/t.h"

#define BASE 1000 /* absolute offset given to the decoder: errors must add it */

/* B(bytes...): a byte array literal and its length, as two arguments */
#define P(...) ((const uint8_t[]){ __VA_ARGS__ })
#define B(...) P(__VA_ARGS__), sizeof(P(__VA_ARGS__))

/* A document and the text MySQL prints for it. */
struct doc_case {
	const char *name;
	const uint8_t *doc;
	size_t len;
	const char *want;
};

/* A document that must be refused, with the code and absolute offset. */
struct bad_case {
	const char *name;
	const uint8_t *doc;
	size_t len;
	enum proto_code code;
	uint64_t offset;
};

static const struct doc_case docs[] = {
	{ "empty document is null", NULL, 0, "null" },
	{ "literal null", B(0x04, 0x00), "null" },
	{ "literal true", B(0x04, 0x01), "true" },
	{ "literal false", B(0x04, 0x02), "false" },
	{ "int16 -1", B(0x05, 0xff, 0xff), "-1" },
	{ "int16 min", B(0x05, 0x00, 0x80), "-32768" },
	{ "uint16 max", B(0x06, 0xff, 0xff), "65535" },
	{ "int32 min", B(0x07, 0x00, 0x00, 0x00, 0x80), "-2147483648" },
	{ "uint32 max", B(0x08, 0xff, 0xff, 0xff, 0xff), "4294967295" },
	{ "int64 min", B(0x09, 0, 0, 0, 0, 0, 0, 0, 0x80),
	    "-9223372036854775808" },
	{ "int64 max", B(0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	    "9223372036854775807" },
	{ "uint64 max", B(0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
	    "18446744073709551615" },
	{ "double 1.5", B(0x0b, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f), "1.5" },
	{ "string", B(0x0c, 0x05, 'h', 'e', 'l', 'l', 'o'), "\"hello\"" },
	{ "empty string", B(0x0c, 0x00), "\"\"" },
	{ "string escapes",
	    B(0x0c, 0x0b, 'a', '"', '\\', '\n', '\t', '\b', '\f', '\r', 0x01,
		0x1f, 0x7f),
	    "\"a\\\"\\\\\\n\\t\\b\\f\\r\\u0001\\u001f\x7f\"" },
	{ "unicode string passes through",
	    B(0x0c, 0x09, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80),
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	{ "empty small object", B(0x00, 0x00, 0x00, 0x04, 0x00), "{}" },
	{ "empty small array", B(0x02, 0x00, 0x00, 0x04, 0x00), "[]" },
	{ "empty large object",
	    B(0x01, 0, 0, 0, 0, 0x08, 0, 0, 0), "{}" },
	{ "empty large array",
	    B(0x03, 0, 0, 0, 0, 0x08, 0, 0, 0), "[]" },
	/* {"a": 1, "b": [true, null]}: header 18, keys at 18, 19, array 20 */
	{ "small object with nested array",
	    B(0x00, 0x02, 0x00, 0x1e, 0x00,
		0x12, 0x00, 0x01, 0x00, 0x13, 0x00, 0x01, 0x00,
		0x05, 0x01, 0x00, 0x02, 0x14, 0x00,
		'a', 'b',
		0x02, 0x00, 0x0a, 0x00, 0x04, 0x01, 0x00, 0x04, 0x00, 0x00),
	    "{\"a\": 1, \"b\": [true, null]}" },
	/*
	 * The same as large containers, the array with an inlined int32:
	 * object header 8 + 2*6 + 2*5 = 30, keys at 30 and 31, array at 32
	 * (header 8 + 3*5 = 23), object size 55.
	 */
	{ "large object with large array",
	    B(0x01, 0x02, 0, 0, 0, 0x37, 0, 0, 0,
		0x1e, 0, 0, 0, 0x01, 0x00, 0x1f, 0, 0, 0, 0x01, 0x00,
		0x05, 0x01, 0x00, 0x00, 0x00, 0x03, 0x20, 0, 0, 0,
		'a', 'b',
		0x03, 0, 0, 0, 0x17, 0, 0, 0,
		0x04, 0x01, 0, 0, 0, 0x04, 0x00, 0, 0, 0,
		0x07, 0x60, 0x79, 0xfe, 0xff),
	    "{\"a\": 1, \"b\": [true, null, -100000]}" },
	/* small array: int32 is not inlined, stored at offset 7 */
	{ "small array with int32 out of line",
	    B(0x02, 0x01, 0x00, 0x0b, 0x00, 0x07, 0x07, 0x00,
		0x60, 0x79, 0xfe, 0xff),
	    "[-100000]" },
	/* [{"k": "v"}]: object at 7 with key at 11 and string at 12 */
	{ "object inside array",
	    B(0x02, 0x01, 0x00, 0x15, 0x00, 0x00, 0x07, 0x00,
		0x01, 0x00, 0x0e, 0x00, 0x0b, 0x00, 0x01, 0x00,
		0x0c, 0x0c, 0x00, 'k', 0x01, 'v'),
	    "[{\"k\": \"v\"}]" },
	/* [1, 2.5, "x"]: uint16 inline, double at 13, string at 21 */
	{ "array of mixed scalars",
	    B(0x02, 0x03, 0x00, 0x17, 0x00,
		0x06, 0x01, 0x00, 0x0b, 0x0d, 0x00, 0x0c, 0x15, 0x00,
		0, 0, 0, 0, 0, 0, 0x04, 0x40, 0x01, 'x'),
	    "[1, 2.5, \"x\"]" },
	{ "key with escapes",
	    B(0x00, 0x01, 0x00, 0x0e, 0x00, 0x0b, 0x00, 0x03, 0x00,
		0x04, 0x00, 0x00, 'a', '"', 'b'),
	    "{\"a\\\"b\": null}" },
	/* DECIMAL(4,2): precision, scale, then 1 + 1 bytes, sign bit set */
	{ "opaque decimal", B(0x0f, 0xf6, 0x04, 0x04, 0x02, 0x8c, 0x22),
	    "12.34" },
	{ "opaque negative decimal",
	    B(0x0f, 0xf6, 0x04, 0x04, 0x02, 0x73, 0xdd), "-12.34" },
	{ "opaque datetime",
	    B(0x0f, 0x0c, 0x08, 0x00, 0x00, 0x00, 0x19, 0x76, 0x1f, 0x95, 0x19),
	    "\"2015-01-15 23:24:25.000000\"" },
	{ "opaque datetime with fraction",
	    B(0x0f, 0x0c, 0x08, 0x40, 0xe2, 0x01, 0x19, 0x76, 0x1f, 0x95, 0x19),
	    "\"2015-01-15 23:24:25.123456\"" },
	{ "opaque timestamp",
	    B(0x0f, 0x07, 0x08, 0x20, 0xa1, 0x07, 0x01, 0x00, 0xc2, 0x02, 0x19),
	    "\"1970-01-01 00:00:01.500000\"" },
	{ "opaque date",
	    B(0x0f, 0x0a, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x95, 0x19),
	    "\"2015-01-15\"" },
	{ "opaque negative time",
	    B(0x0f, 0x0b, 0x08, 0x00, 0x00, 0x00, 0x05, 0x91, 0xcb, 0xff, 0xff),
	    "\"-838:59:59.000000\"" },
	{ "opaque time",
	    B(0x0f, 0x0b, 0x08, 0x15, 0x03, 0x00, 0xb8, 0xc8, 0x00, 0x00, 0x00),
	    "\"12:34:56.000789\"" },
	{ "opaque var_string is a string",
	    B(0x0f, 0xfd, 0x03, 'a', '"', 'c'), "\"a\\\"c\"" },
	{ "opaque varbinary as base64",
	    B(0x0f, 0x0f, 0x04, 0x00, 0x01, 0x02, 0xff),
	    "\"base64:type15:AAEC/w==\"" },
	{ "opaque bit as base64", B(0x0f, 0x10, 0x01, 0x05),
	    "\"base64:type16:BQ==\"" },
	{ "opaque empty blob", B(0x0f, 0xfc, 0x00), "\"base64:type252:\"" },
	{ "opaque inside array",
	    B(0x02, 0x01, 0x00, 0x0d, 0x00, 0x0f, 0x07, 0x00,
		0xf6, 0x04, 0x04, 0x02, 0x8c, 0x22),
	    "[12.34]" },
	{ "trailing bytes after the value are ignored",
	    B(0x05, 0x07, 0x00, 0xee, 0xee), "7" },
};

static const struct bad_case bads[] = {
	{ "bad document type", B(0x0d, 0x00), PROTO_MALFORMED, BASE + 0 },
	{ "bad type 0x10", B(0x10), PROTO_MALFORMED, BASE + 0 },
	{ "truncated int64", B(0x09, 0x01, 0x02), PROTO_TRUNCATED, BASE + 1 },
	{ "truncated double", B(0x0b, 0x01), PROTO_TRUNCATED, BASE + 1 },
	{ "bad literal", B(0x04, 0x03), PROTO_MALFORMED, BASE + 1 },
	{ "string longer than document", B(0x0c, 0x05, 'a', 'b'),
	    PROTO_TRUNCATED, BASE + 2 },
	{ "string length of 6 bytes",
	    B(0x0c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), PROTO_MALFORMED,
	    BASE + 1 },
	{ "string length over 4 GB", B(0x0c, 0xff, 0xff, 0xff, 0xff, 0x7f),
	    PROTO_MALFORMED, BASE + 1 },
	{ "object size past the end",
	    B(0x00, 0x01, 0x00, 0x40, 0x00, 0x0b, 0x00, 0x01, 0x00,
		0x04, 0x00, 0x00, 'a'),
	    PROTO_TRUNCATED, BASE + 3 },
	{ "truncated container header", B(0x02, 0x01), PROTO_TRUNCATED,
	    BASE + 1 },
	{ "header larger than size",
	    B(0x02, 0x05, 0x00, 0x06, 0x00, 0x04, 0x00), PROTO_MALFORMED,
	    BASE + 5 },
	{ "value offset past the end",
	    B(0x02, 0x01, 0x00, 0x0b, 0x00, 0x07, 0x30, 0x00,
		0x60, 0x79, 0xfe, 0xff),
	    PROTO_MALFORMED, BASE + 5 },
	{ "value offset backwards into the header",
	    B(0x02, 0x01, 0x00, 0x0b, 0x00, 0x07, 0x02, 0x00,
		0x60, 0x79, 0xfe, 0xff),
	    PROTO_MALFORMED, BASE + 5 },
	{ "value offset zero (self reference)",
	    B(0x02, 0x01, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00),
	    PROTO_MALFORMED, BASE + 5 },
	{ "key offset past the end",
	    B(0x00, 0x01, 0x00, 0x0c, 0x00, 0x0b, 0x00, 0x09, 0x00,
		0x04, 0x00, 0x00, 'a'),
	    PROTO_MALFORMED, BASE + 5 },
	{ "key offset inside the header",
	    B(0x00, 0x01, 0x00, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00,
		0x04, 0x00, 0x00, 'a'),
	    PROTO_MALFORMED, BASE + 5 },
	{ "bad nested type byte",
	    B(0x02, 0x01, 0x00, 0x08, 0x00, 0x0e, 0x07, 0x00, 0x00),
	    PROTO_MALFORMED, BASE + 5 },
	{ "nested value truncated by container size",
	    B(0x02, 0x01, 0x00, 0x09, 0x00, 0x09, 0x07, 0x00,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08),
	    PROTO_TRUNCATED, BASE + 8 },
	{ "bad inlined literal",
	    B(0x02, 0x01, 0x00, 0x07, 0x00, 0x04, 0x09, 0x00),
	    PROTO_MALFORMED, BASE + 6 },
	/* three entries share one 3-byte string: more than the doc holds */
	{ "entries sharing one value",
	    B(0x02, 0x03, 0x00, 0x10, 0x00,
		0x0c, 0x0d, 0x00, 0x0c, 0x0d, 0x00, 0x0c, 0x0d, 0x00,
		0x02, 'x', 'y'),
	    PROTO_MALFORMED, BASE + 14 },
	{ "infinite double", B(0x0b, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f),
	    PROTO_MALFORMED, BASE + 1 },
	{ "NaN double", B(0x0b, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f),
	    PROTO_MALFORMED, BASE + 1 },
	{ "decimal with wrong size",
	    B(0x0f, 0xf6, 0x05, 0x04, 0x02, 0x8c, 0x22, 0x00),
	    PROTO_MALFORMED, BASE + 5 },
	{ "decimal without precision", B(0x0f, 0xf6, 0x01, 0x04),
	    PROTO_MALFORMED, BASE + 3 },
	{ "decimal scale above precision",
	    B(0x0f, 0xf6, 0x03, 0x02, 0x05, 0x80), PROTO_MALFORMED, BASE + 3 },
	{ "datetime of 7 bytes",
	    B(0x0f, 0x0c, 0x07, 0, 0, 0, 0x19, 0x76, 0x1f, 0x95),
	    PROTO_MALFORMED, BASE + 3 },
	{ "opaque longer than document", B(0x0f, 0x0f, 0x04, 0x01),
	    PROTO_TRUNCATED, BASE + 3 },
	{ "opaque without type", B(0x0f), PROTO_TRUNCATED, BASE + 1 },
};

/*
 * A document, its text, and the SQL that rebuilds it on MySQL (NULL: the
 * text is exact). Each SQL was checked on MySQL 9.7 with the text bound:
 * JSON_TYPE() of every path and JSON_STORAGE_SIZE() are the document's.
 */
struct sql_case {
	const char *name;
	const uint8_t *doc;
	size_t len;
	const char *text;
	const char *sql;
};

static const struct sql_case sqls[] = {
	{ "untyped object",
	    B(0x00, 0x02, 0x00, 0x18, 0x00, 0x12, 0x00, 0x01,
		0x00, 0x13, 0x00, 0x02, 0x00, 0x05, 0x01, 0x00,
		0x0c, 0x15, 0x00, 0x61, 0x62, 0x62, 0x02, 0x68,
		0x69),
	    "{\"a\": 1, \"bb\": \"hi\"}",
	    NULL },
	{ "untyped double",
	    B(0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x29,
		0x40),
	    "12.5",
	    NULL },
	{ "top decimal",
	    B(0x0f, 0xf6, 0x04, 0x04, 0x02, 0x8c, 0x32),
	    "12.50",
	    "(SELECT JSON_SET(CAST(? AS JSON), '$', v0) FROM JSON_TABLE(J"
	    "SON_ARRAY('12.50'), '$' COLUMNS (v0 DECIMAL(4,2) PATH '$[0]'"
	    " ERROR ON ERROR)) t0)" },
	{ "object decimal",
	    B(0x00, 0x01, 0x00, 0x12, 0x00, 0x0b, 0x00, 0x01,
		0x00, 0x0f, 0x0c, 0x00, 0x61, 0xf6, 0x04, 0x04,
		0x02, 0x8c, 0x32),
	    "{\"a\": 12.50}",
	    "(SELECT JSON_SET(CAST(? AS JSON), '$.\"a\"', v0) FROM JSON_T"
	    "ABLE(JSON_ARRAY('12.50'), '$' COLUMNS (v0 DECIMAL(4,2) PATH "
	    "'$[0]' ERROR ON ERROR)) t0)" },
	{ "literal 0.50",
	    B(0x02, 0x01, 0x00, 0x0d, 0x00, 0x0f, 0x07, 0x00,
		0xf6, 0x04, 0x03, 0x02, 0x80, 0x32),
	    "[0.50]",
	    "JSON_SET(CAST(? AS JSON), '$[0]', 0.50)" },
	{ "decimal in string-keyed path",
	    B(0x00, 0x01, 0x00, 0x16, 0x00, 0x0b, 0x00, 0x05,
		0x00, 0x0f, 0x10, 0x00, 0x61, 0x20, 0x62, 0x22,
		0x5c, 0xf6, 0x04, 0x04, 0x02, 0x8c, 0x32),
	    "{\"a b\\\"\\\\\": 12.50}",
	    "(SELECT JSON_SET(CAST(? AS JSON), _utf8mb4 x'242e226120625c2"
	    "25c5c22', v0) FROM JSON_TABLE(JSON_ARRAY('12.50'), '$' COLUM"
	    "NS (v0 DECIMAL(4,2) PATH '$[0]' ERROR ON ERROR)) t0)" },
	{ "cast decimal (11,2): column of that type",
	    B(0x0f, 0xf6, 0x07, 0x0b, 0x02, 0x80, 0x00, 0x00,
		0x00, 0x32),
	    "0.50",
	    "(SELECT JSON_SET(CAST(? AS JSON), '$', v0) FROM JSON_TABLE(J"
	    "SON_ARRAY('0.50'), '$' COLUMNS (v0 DECIMAL(11,2) PATH '$[0]'"
	    " ERROR ON ERROR)) t0)" },
	{ "zero decimal (1,0) is not a literal",
	    B(0x0f, 0xf6, 0x03, 0x01, 0x00, 0x80),
	    "0",
	    "(SELECT JSON_SET(CAST(? AS JSON), '$', v0) FROM JSON_TABLE(J"
	    "SON_ARRAY('0'), '$' COLUMNS (v0 DECIMAL(1,0) PATH '$[0]' ERR"
	    "OR ON ERROR)) t0)" },
	{ "temporals",
	    B(0x02, 0x04, 0x00, 0x38, 0x00, 0x0f, 0x10, 0x00,
		0x0f, 0x1a, 0x00, 0x0f, 0x24, 0x00, 0x0f, 0x2e,
		0x00, 0x0a, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x44, 0xa5, 0x19, 0x0b, 0x08, 0xfb, 0xff, 0xff,
		0xfe, 0x3f, 0xff, 0xff, 0xff, 0x0c, 0x08, 0x30,
		0x39, 0x0a, 0x05, 0x31, 0x44, 0xa5, 0x19, 0x07,
		0x08, 0x70, 0x58, 0x0a, 0x05, 0x31, 0x44, 0xa5,
		0x19),
	    "[\"2020-01-02\", \"-12:00:01.000005\", \"2020-01-02 03:04:05"
	    ".670000\", \"2020-01-02 03:04:05.678000\"]",
	    "(SELECT JSON_SET(CAST(? AS JSON), '$[0]', v0, '$[1]', v1, '$"
	    "[2]', v2, '$[3]', v3) FROM JSON_TABLE(JSON_ARRAY('2020-01-02"
	    "', '-12:00:01.000005', '2020-01-02 03:04:05.670000', '2020-0"
	    "1-02 03:04:05.678000'), '$' COLUMNS (v0 DATE PATH '$[0]' ERR"
	    "OR ON ERROR, v1 TIME(6) PATH '$[1]' ERROR ON ERROR, v2 DATET"
	    "IME(6) PATH '$[2]' ERROR ON ERROR, v3 TIMESTAMP(6) PATH '$[3"
	    "]' ERROR ON ERROR)) t0)" },
	{ "binary",
	    B(0x00, 0x03, 0x00, 0x52, 0x00, 0x19, 0x00, 0x04,
		0x00, 0x1d, 0x00, 0x01, 0x00, 0x1e, 0x00, 0x01,
		0x00, 0x02, 0x1f, 0x00, 0x0c, 0x50, 0x00, 0x04,
		0x01, 0x00, 0x69, 0x74, 0x27, 0x73, 0x6b, 0x6e,
		0x07, 0x00, 0x31, 0x00, 0x0f, 0x19, 0x00, 0x0f,
		0x1d, 0x00, 0x0f, 0x21, 0x00, 0x0f, 0x25, 0x00,
		0x0f, 0x27, 0x00, 0x0f, 0x2b, 0x00, 0x0f, 0x2e,
		0x00, 0x0f, 0x02, 0x01, 0x02, 0x10, 0x02, 0x00,
		0x05, 0xfc, 0x02, 0xff, 0x00, 0xf9, 0x00, 0xfe,
		0x02, 0x00, 0xff, 0xfa, 0x01, 0x61, 0xfb, 0x01,
		0x62, 0x01, 0x78),
	    "{\"it's\": [\"base64:type15:AQI=\", \"base64:type16:AAU=\", "
	    "\"base64:type252:/wA=\", \"base64:type249:\", \"base64:type2"
	    "54:AP8=\", \"base64:type250:YQ==\", \"base64:type251:Yg==\"]"
	    ", \"k\": \"x\", \"n\": true}",
	    "(SELECT JSON_SET(CAST(? AS JSON), _utf8mb4 x'242e22697427732"
	    "25b305d', x'0102', _utf8mb4 x'242e2269742773225b315d', v0, _"
	    "utf8mb4 x'242e2269742773225b325d', v1, _utf8mb4 x'242e226974"
	    "2773225b335d', v2, _utf8mb4 x'242e2269742773225b345d', v3, _"
	    "utf8mb4 x'242e2269742773225b355d', v4, _utf8mb4 x'242e226974"
	    "2773225b365d', v5) FROM JSON_TABLE(JSON_ARRAY(5, x'ff00', x'"
	    "', x'00ff', x'61', x'62'), '$' COLUMNS (v0 BIT(16) PATH '$[0"
	    "]' ERROR ON ERROR, v1 BLOB PATH '$[1]' ERROR ON ERROR, v2 TI"
	    "NYBLOB PATH '$[2]' ERROR ON ERROR, v3 BINARY(2) PATH '$[3]' "
	    "ERROR ON ERROR, v4 MEDIUMBLOB PATH '$[4]' ERROR ON ERROR, v5"
	    " LONGBLOB PATH '$[5]' ERROR ON ERROR)) t0)" },
};

/* The text and the typed SQL of a document, and typed values refused. */
static void
test_sql(void)
{
	for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
		const struct sql_case *c = &sqls[i];
		struct sbuf text = { 0 }, sql = { 0 };
		struct proto_err err = { 0 };
		bool typed = true, ok;

		T_CASE(c->name);
		ok = jsonb_to_sql(&text, &sql, &typed, c->doc, c->len, BASE,
		    &err);
		T_CHECK(ok, "error at %llu: %s",
		    (unsigned long long)err.offset, err.msg);
		if (!ok)
			continue;
		T_STREQ(text.p, text.len, c->text);
		T_CHECK(typed == (c->sql != NULL), "typed %d", typed);
		if (c->sql != NULL)
			T_STREQ(sql.p, sql.len, c->sql);
		else
			T_CHECK(sql.len == 0, "sql \"%.*s\"", (int)sql.len,
			    sql.p);
		sbuf_free(&text);
		sbuf_free(&sql);
	}
	{
		/* YEAR, GEOMETRY, VAR_STRING...: no SQL value gives them */
		static const uint8_t year[] = { 0x0f, 0x0d, 0x01, 0x01 };
		static const uint8_t bit9[] = { 0x0f, 0x10, 0x09, 1, 2, 3, 4, 5,
			6, 7, 8, 9 };
		struct sbuf text = { 0 }, sql = { 0 };
		struct proto_err err = { 0 };
		bool typed;

		T_CASE("opaque YEAR is refused");
		sbuf_adds(&text, "keep");
		T_CHECK(!jsonb_to_sql(&text, &sql, &typed, year, sizeof(year),
		    BASE, &err), "accepted");
		T_CHECK(err.code == PROTO_UNSUPPORTED && err.offset == BASE + 3,
		    "code %d at %llu: %s", err.code,
		    (unsigned long long)err.offset, err.msg);
		T_STREQ(text.p, text.len, "keep");
		T_CHECK(sql.len == 0, "sql written");
		T_CASE("opaque BIT of 9 bytes is refused");
		memset(&err, 0, sizeof(err));
		T_CHECK(!jsonb_to_sql(&text, &sql, &typed, bit9, sizeof(bit9),
		    BASE, &err), "accepted");
		T_CHECK(err.code == PROTO_MALFORMED, "code %d: %s", err.code,
		    err.msg);
		sbuf_free(&text);
		sbuf_free(&sql);
	}
	{
		/* more typed values than one JSON_TABLE takes: a second table */
		struct sbuf doc = { 0 }, text = { 0 }, sql = { 0 };
		struct proto_err err = { 0 };
		uint32_t n = 1001;
		bool typed;

		T_CASE("1001 DATE values make two JSON_TABLEs");
		sbuf_addc(&doc, 0x03); /* large array: 4-byte count and size */
		sbuf_add(&doc, &n, 4);
		{
			uint32_t size = 8 + 5 * n + 11 * n;
			sbuf_add(&doc, &size, 4);
		}
		for (uint32_t i = 0; i < n; i++) {
			uint32_t off = 8 + 5 * n + 11 * i;
			sbuf_addc(&doc, 0x0f);
			sbuf_add(&doc, &off, 4);
		}
		for (uint32_t i = 0; i < n; i++) {
			/* 2020-01-02 */
			static const uint8_t d[] = { 0x0a, 0x08, 0, 0, 0, 0, 0,
				0x44, 0xa5, 0x19 };
			sbuf_add(&doc, d, sizeof(d));
			sbuf_addc(&doc, 0); /* a gap: documents may have them */
		}
		T_CHECK(jsonb_to_sql(&text, &sql, &typed,
		    (const uint8_t *)doc.p, doc.len, BASE, &err), "%s", err.msg);
		T_CHECK(typed && sql.len > 0 && strstr(sql.p, "v1000 DATE "
		    "PATH '$[0]'") != NULL && strstr(sql.p, ") t1)") != NULL &&
		    strstr(sql.p, "'$[1000]', v1000)") != NULL,
		    "sql \"%.200s...\"", sql.p ? sql.p : "");
		sbuf_free(&doc);
		sbuf_free(&text);
		sbuf_free(&sql);
	}
}

/* Convert doc and compare with want. */
static void
check_doc(const char *name, const uint8_t *doc, size_t len, const char *want)
{
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };
	bool ok;

	T_CASE(name);
	ok = jsonb_to_text(&out, doc, len, BASE, &err);
	T_CHECK(ok, "error at %llu: %s", (unsigned long long)err.offset,
	    err.msg);
	if (ok)
		T_STREQ(out.p, out.len, want);
	sbuf_free(&out);
}

/* Convert doc, expect the error code at the offset, and untouched output. */
static void
check_bad(const char *name, const uint8_t *doc, size_t len,
    enum proto_code code, uint64_t offset)
{
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };

	T_CASE(name);
	sbuf_adds(&out, "keep");
	T_CHECK(!jsonb_to_text(&out, doc, len, BASE, &err),
	    "accepted: \"%.*s\"", (int)out.len, out.p);
	T_CHECK(err.code == code, "code %d, want %d (%s)", err.code, code,
	    err.msg);
	T_CHECK(err.offset == offset, "offset %llu, want %llu (%s)",
	    (unsigned long long)err.offset, (unsigned long long)offset,
	    err.msg);
	T_STREQ(out.p, out.len, "keep");
	sbuf_free(&out);
}

/* Doubles as MySQL prints them (my_gcvt with width 34, then ".0"). */
static void
test_doubles(void)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
		{ 1.5, "1.5" },
		{ 1e30, "1e30" },
		{ -1e30, "-1e30" },
		{ 100.0, "100.0" },
		{ 0.0, "0.0" },
		{ -0.0, "-0.0" },
		{ 0.1, "0.1" },
		{ -2.5, "-2.5" },
		{ 1e15, "1e15" },
		{ 1e14, "100000000000000.0" },
		{ 123456789012345.0, "123456789012345.0" },
		{ 1234567890123456.0, "1.234567890123456e15" },
		{ 1234567890123456.7, "1234567890123456.8" },
		{ 1e-7, "0.0000001" },
		{ 1e-15, "0.000000000000001" },
		{ 1e-16, "1e-16" },
		{ 3.14e-10, "0.000000000314" },
		{ 1.2345678901234568e20, "1.2345678901234568e20" },
		{ 1.7976931348623157e308, "1.7976931348623157e308" },
		{ 5e-324, "5e-324" },
		{ -2.5e-300, "-2.5e-300" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ 2.0 / 3.0, "0.6666666666666666" },
		{ 1e100, "1e100" },
		{ 1.5e-100, "1.5e-100" },
	};
	uint8_t doc[9];
	char name[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc[0] = 0x0b;
		memcpy(doc + 1, &cases[i].d, 8);
		snprintf(name, sizeof(name), "double %s", cases[i].want);
		check_doc(name, doc, sizeof(doc), cases[i].want);
	}
}

/* Strings whose length needs two and three varlen bytes, base64 line breaks. */
static void
test_long_values(void)
{
	uint8_t doc[20000];
	char *want = malloc(40000);
	size_t n;

	/* 200-byte string: length 0xc8 0x01 */
	doc[0] = 0x0c;
	doc[1] = 0xc8;
	doc[2] = 0x01;
	memset(doc + 3, 'q', 200);
	want[0] = '"';
	memset(want + 1, 'q', 200);
	strcpy(want + 201, "\"");
	check_doc("200-byte string", doc, 203, want);

	/* 17000-byte string: 0xe8 0x84 0x01 */
	doc[1] = 0xe8;
	doc[2] = 0x84;
	doc[3] = 0x01;
	memset(doc + 4, 'z', 17000);
	want[0] = '"';
	memset(want + 1, 'z', 17000);
	strcpy(want + 17001, "\"");
	check_doc("17000-byte string", doc, 17004, want);

	/* 60-byte blob: 80 base64 characters, a newline after 76 */
	doc[0] = 0x0f;
	doc[1] = 0xfc;
	doc[2] = 60;
	memset(doc + 3, 0, 60);
	n = (size_t)sprintf(want, "\"base64:type252:");
	memset(want + n, 'A', 76);
	strcpy(want + n + 76, "\\nAAAA\"");
	check_doc("base64 line break", doc, 63, want);
	free(want);
}

/* 100 nested arrays are accepted, 101 are refused. */
static void
test_depth(void)
{
	uint8_t doc[1 + 7 * 101 + 4];
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };

	for (int levels = 100; levels <= 101; levels++) {
		size_t len = 1 + 7 * (size_t)(levels - 1) + 4;
		size_t size = 4; /* innermost: empty array */
		/* build from the inside out; level k starts at 1 + 7k */
		for (int k = levels - 1; k >= 0; k--) {
			uint8_t *c = doc + 1 + 7 * k;
			if (k == levels - 1) {
				memcpy(c, (uint8_t[]){ 0, 0, 4, 0 }, 4);
				continue;
			}
			size += 7;
			c[0] = 1;
			c[1] = 0;
			c[2] = (uint8_t)size;
			c[3] = (uint8_t)(size >> 8);
			c[4] = 0x02;
			c[5] = 7;
			c[6] = 0;
		}
		doc[0] = 0x02;
		sbuf_reset(&out);
		memset(&err, 0, sizeof(err));
		T_CASE(levels == 100 ? "100 levels" : "101 levels");
		if (levels == 100) {
			T_CHECK(jsonb_to_text(&out, doc, len, BASE, &err),
			    "%s", err.msg);
			T_CHECK(out.len == 200 && out.p[0] == '[' &&
			    out.p[99] == '[' && out.p[100] == ']',
			    "got %zu bytes", out.len);
		} else {
			T_CHECK(!jsonb_to_text(&out, doc, len, BASE, &err),
			    "accepted");
			T_CHECK(err.code == PROTO_MALFORMED &&
			    err.offset == BASE + 1 + 7 * 100,
			    "code %d offset %llu: %s", err.code,
			    (unsigned long long)err.offset, err.msg);
		}
	}
	sbuf_free(&out);
}

/* Every prefix of a valid document fails cleanly (no read past the end). */
static void
test_prefixes(void)
{
	struct sbuf out = { 0 };
	struct proto_err err;
	int refused = 0, n = 0;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		if (docs[i].len < 2)
			continue;
		for (size_t cut = 1; cut < docs[i].len; cut++) {
			uint8_t *copy = malloc(cut); /* exact size for ASan */
			memcpy(copy, docs[i].doc, cut);
			memset(&err, 0, sizeof(err));
			sbuf_reset(&out);
			if (!jsonb_to_text(&out, copy, cut, BASE, &err)) {
				refused++;
				T_CASE(docs[i].name);
				T_CHECK(err.code == PROTO_TRUNCATED ||
				    err.code == PROTO_MALFORMED,
				    "cut %zu: code %d", cut, err.code);
				T_CHECK(err.offset >= BASE &&
				    err.offset <= BASE + cut,
				    "cut %zu: offset %llu", cut,
				    (unsigned long long)err.offset);
			}
			n++;
			free(copy);
		}
	}
	T_CASE("prefixes");
	T_CHECK(refused > n / 2, "only %d of %d prefixes refused", refused, n);
	sbuf_free(&out);
}

/* A diff list and what mysqlbinlog -v prints for it. */
struct diff_case {
	const char *name;
	const uint8_t *p;
	size_t len;
	const char *want;
};

#define SEP "\n###      "

static const struct diff_case diffs[] = {
	{ "empty list", NULL, 0, "@1" },
	{ "one remove", B(0x02, 0x03, '$', '.', 'a'),
	    "JSON_REMOVE(@1, '$.a')" },
	{ "remove, replace, insert",
	    B(0x02, 0x03, '$', '.', 'a',
		0x00, 0x03, '$', '.', 'b', 0x03, 0x05, 0x01, 0x00,
		0x01, 0x03, '$', '.', 'c', 0x03, 0x0c, 0x01, 'x'),
	    "JSON_INSERT(" SEP "JSON_REPLACE(" SEP "JSON_REMOVE(@1, '$.a')," SEP
	    "'$.b', 1)," SEP "'$.c', 'x')" },
	{ "two replaces share a call",
	    B(0x00, 0x03, '$', '.', 'a', 0x03, 0x05, 0x01, 0x00,
		0x00, 0x03, '$', '.', 'b', 0x0b,
		0x02, 0x02, 0x00, 0x0a, 0x00, 0x05, 0x01, 0x00, 0x05, 0x02,
		0x00),
	    "JSON_REPLACE(@1, '$.a', 1," SEP "'$.b', CAST('[1, 2]' AS JSON))" },
	{ "insert into an array cell",
	    B(0x01, 0x04, '$', '[', '0', ']', 0x02, 0x04, 0x01),
	    "JSON_ARRAY_INSERT(@1, '$[0]', true)" },
	{ "string with a quote",
	    B(0x00, 0x03, '$', '.', 's', 0x06, 0x0c, 0x04, 'i', 't', '\'',
		's'),
	    "JSON_REPLACE(@1, '$.s', 'it\\'s')" },
	{ "object value is a CAST",
	    B(0x00, 0x03, '$', '.', 'o', 0x11,
		0x00, 0x01, 0x00, 0x10, 0x00, 0x0b, 0x00, 0x01, 0x00,
		0x0c, 0x0c, 0x00, 'a', 0x03, 'x', '\'', 'y'),
	    "JSON_REPLACE(@1, '$.o', CAST('{\"a\": \"x\\'y\"}' AS JSON))" },
	{ "double, null and empty values",
	    B(0x00, 0x03, '$', '.', 'd', 0x09, 0x0b, 0, 0, 0, 0, 0, 0, 0,
		0x40,
		0x00, 0x03, '$', '.', 'n', 0x02, 0x04, 0x00,
		0x00, 0x03, '$', '.', 'e', 0x00),
	    "JSON_REPLACE(@1, '$.d', 2.0," SEP "'$.n', null," SEP
	    "'$.e', null)" },
	{ "datetime and decimal values",
	    B(0x00, 0x03, '$', '.', 't', 0x0b, 0x0f, 0x0c, 0x08, 0x00, 0x00,
		0x00, 0x19, 0x76, 0x1f, 0x95, 0x19,
		0x00, 0x03, '$', '.', 'm', 0x07, 0x0f, 0xf6, 0x04, 0x04, 0x02,
		0x8c, 0x22),
	    "JSON_REPLACE(@1, '$.t', '2015-01-15 23:24:25.000000'," SEP
	    "'$.m', 12.34)" },
	{ "control characters in path and string",
	    B(0x00, 0x04, '$', '.', 'a', 0x01, 0x04, 0x0c, 0x02, '\n', '\\'),
	    "JSON_REPLACE(@1, '$.a\\x01', '\\n\\\\')" },
	{ "insert then remove then insert",
	    B(0x01, 0x03, '$', '.', 'a', 0x02, 0x04, 0x00,
		0x02, 0x03, '$', '.', 'b',
		0x01, 0x03, '$', '.', 'c', 0x02, 0x04, 0x01),
	    "JSON_INSERT(" SEP "JSON_REMOVE(" SEP "JSON_INSERT(@1, '$.a', null)"
	    "," SEP "'$.b')," SEP "'$.c', true)" },
};

static const struct bad_case bad_diffs[] = {
	{ "bad operation", B(0x03, 0x03, '$', '.', 'a'), PROTO_MALFORMED,
	    BASE + 0 },
	{ "truncated path length", B(0x02), PROTO_TRUNCATED, BASE + 1 },
	{ "path past the end", B(0x02, 0x09, '$', '.', 'a'), PROTO_TRUNCATED,
	    BASE + 2 },
	{ "empty path", B(0x02, 0x00), PROTO_MALFORMED, BASE + 2 },
	{ "NULL path length", B(0x02, 0xfb), PROTO_MALFORMED, BASE + 1 },
	{ "missing value length", B(0x00, 0x03, '$', '.', 'a'),
	    PROTO_TRUNCATED, BASE + 5 },
	{ "value past the end", B(0x00, 0x03, '$', '.', 'a', 0x05, 0x05),
	    PROTO_TRUNCATED, BASE + 6 },
	{ "bad value document",
	    B(0x02, 0x03, '$', '.', 'a', 0x00, 0x03, '$', '.', 'b', 0x02,
		0x04, 0x07),
	    PROTO_MALFORMED, BASE + 12 },
	{ "bad second operation",
	    B(0x02, 0x03, '$', '.', 'a', 0x07), PROTO_MALFORMED, BASE + 5 },
};

/* Walk a diff list with jsonb_diff_next(). */
static void
test_diff_next(void)
{
	const uint8_t *p = diffs[2].p;
	size_t len = diffs[2].len, pos = 0;
	struct jsonb_diff d;
	struct proto_err err = { 0 };
	static const struct {
		enum jsonb_diff_op op;
		const char *path;
		size_t value_len;
	} want[] = {
		{ JSONB_DIFF_REMOVE, "$.a", 0 },
		{ JSONB_DIFF_REPLACE, "$.b", 3 },
		{ JSONB_DIFF_INSERT, "$.c", 3 },
	};

	T_CASE("diff_next");
	for (size_t i = 0; i < 3; i++) {
		int r = jsonb_diff_next(p, len, &pos, BASE, &d, &err);
		T_CHECK(r == 1, "diff %zu: r=%d %s", i, r, err.msg);
		if (r != 1)
			return;
		T_CHECK(d.op == want[i].op, "diff %zu: op %d", i, d.op);
		T_STREQ(d.path, d.path_len, want[i].path);
		T_CHECK(d.value_len == want[i].value_len,
		    "diff %zu: value_len %zu", i, d.value_len);
		T_CHECK((d.value == NULL) == (want[i].value_len == 0),
		    "diff %zu: value pointer", i);
	}
	T_CHECK(jsonb_diff_next(p, len, &pos, BASE, &d, &err) == 0,
	    "no end");
	T_CHECK(pos == len, "pos %zu, len %zu", pos, len);
	T_CHECK(d.value == p + len - 3, "value does not point into the list");

	pos = 0;
	T_CASE("diff_next error");
	T_CHECK(jsonb_diff_next(bad_diffs[0].doc, bad_diffs[0].len, &pos, BASE,
	    &d, &err) == -1, "bad op accepted");
	T_CHECK(pos == 0, "pos moved on error");
}

static void
check_diff(const struct diff_case *c)
{
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };
	bool ok;

	T_CASE(c->name);
	ok = jsonb_diff_to_text(&out, "@1", c->p, c->len, BASE, &err);
	T_CHECK(ok, "error at %llu: %s", (unsigned long long)err.offset,
	    err.msg);
	if (ok)
		T_STREQ(out.p, out.len, c->want);
	sbuf_free(&out);
}

static void
check_bad_diff(const struct bad_case *c)
{
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };

	T_CASE(c->name);
	sbuf_adds(&out, "keep");
	T_CHECK(!jsonb_diff_to_text(&out, "@1", c->doc, c->len, BASE, &err),
	    "accepted: \"%.*s\"", (int)out.len, out.p);
	T_CHECK(err.code == c->code, "code %d, want %d (%s)", err.code,
	    c->code, err.msg);
	T_CHECK(err.offset == c->offset, "offset %llu, want %llu (%s)",
	    (unsigned long long)err.offset, (unsigned long long)c->offset,
	    err.msg);
	T_STREQ(out.p, out.len, "keep");
	sbuf_free(&out);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		check_doc(docs[i].name, docs[i].doc, docs[i].len, docs[i].want);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		check_bad(bads[i].name, bads[i].doc, bads[i].len, bads[i].code,
		    bads[i].offset);
	test_doubles();
	test_long_values();
	test_depth();
	test_prefixes();
	for (size_t i = 0; i < sizeof(diffs) / sizeof(diffs[0]); i++)
		check_diff(&diffs[i]);
	for (size_t i = 0; i < sizeof(bad_diffs) / sizeof(bad_diffs[0]); i++)
		check_bad_diff(&bad_diffs[i]);
	test_diff_next();
	test_sql();
	return t_done();
}
