/* test_jsondiff.c: partial JSON diffs applied to binary JSON, and diff paths. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/jsondiff.h"
#include "proto/jsonb.h"
#include "tests/unit/t.h"

#define BASE 1000

/*
 * A small encoder of JSON text into MySQL binary JSON, for building cases:
 * objects (keys sorted as MySQL sorts them: length, then bytes), arrays,
 * strings without escapes, integers (int16/int32/int64 as they fit),
 * doubles (anything with '.', 'e'), true, false, null. large selects the
 * 4-byte container format.
 */
struct enc {
	const char *s;
	bool large;
};

struct val {
	uint8_t type;
	struct sbuf bytes; /* the value without its type byte */
};

static void enc_value(struct enc *e, struct val *v);

static void
enc_ws(struct enc *e)
{
	while (*e->s == ' ')
		e->s++;
}

static void
put_le(struct sbuf *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sbuf_addc(b, (char)(v >> (8 * i)));
}

static void
put_le_at(struct sbuf *b, size_t at, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b->p[at + i] = (char)(v >> (8 * i));
}

/* Parse a string token (no escapes) into p/n. */
static void
enc_str(struct enc *e, const char **p, size_t *n)
{
	e->s++;
	*p = e->s;
	while (*e->s != '"')
		e->s++;
	*n = (size_t)(e->s - *p);
	e->s++;
}

struct kv {
	const char *k;
	size_t klen;
	struct val v;
};

static int
kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	return memcmp(x->k, y->k, x->klen);
}

static bool
inlined(uint8_t type, bool large)
{
	return type == 0x04 || type == 0x05 || type == 0x06 ||
	    (large && (type == 0x07 || type == 0x08));
}

/* Lay out a container from its members (keys NULL for arrays). */
static void
enc_container(struct enc *e, struct val *v, struct kv *m, size_t n, bool object)
{
	unsigned osz = e->large ? 4 : 2;
	size_t header = 2 * osz + n * (object ? osz + 2 : 0) + n * (1 + osz);
	struct sbuf *b = &v->bytes;

	v->type = (uint8_t)((object ? 0x00 : 0x02) + (e->large ? 1 : 0));
	put_le(b, n, osz);
	put_le(b, 0, osz); /* size, patched below */
	for (size_t i = 0; object && i < n; i++) {
		put_le(b, 0, osz);
		put_le(b, m[i].klen, 2);
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_addc(b, (char)m[i].v.type);
		put_le(b, 0, osz);
	}
	if (b->len != header)
		abort();
	for (size_t i = 0; object && i < n; i++) {
		put_le_at(b, 2 * osz + i * (osz + 2), b->len, osz);
		sbuf_add(b, m[i].k, m[i].klen);
	}
	for (size_t i = 0; i < n; i++) {
		size_t ve = 2 * osz + (object ? n * (osz + 2) : 0) + i * (1 + osz);
		if (inlined(m[i].v.type, e->large)) {
			memcpy(b->p + ve + 1, m[i].v.bytes.p, m[i].v.bytes.len);
		} else {
			put_le_at(b, ve + 1, b->len, osz);
			sbuf_add(b, m[i].v.bytes.p, m[i].v.bytes.len);
		}
		sbuf_free(&m[i].v.bytes);
	}
	put_le_at(b, osz, b->len, osz);
}

static void
enc_value(struct enc *e, struct val *v)
{
	struct kv m[32];
	size_t n = 0;

	memset(v, 0, sizeof(*v));
	enc_ws(e);
	if (*e->s == '{' || *e->s == '[') {
		bool object = *e->s == '{';
		char close = object ? '}' : ']';
		e->s++;
		enc_ws(e);
		while (*e->s != close) {
			memset(&m[n], 0, sizeof(m[n]));
			if (object) {
				enc_str(e, &m[n].k, &m[n].klen);
				enc_ws(e);
				e->s++; /* : */
			}
			enc_value(e, &m[n].v);
			n++;
			enc_ws(e);
			if (*e->s == ',')
				e->s++;
			enc_ws(e);
		}
		e->s++;
		if (object)
			qsort(m, n, sizeof(m[0]), kv_cmp);
		enc_container(e, v, m, n, object);
	} else if (*e->s == '"') {
		const char *p;
		size_t len;
		enc_str(e, &p, &len);
		v->type = 0x0c;
		sbuf_addc(&v->bytes, (char)len); /* short strings only */
		sbuf_add(&v->bytes, p, len);
	} else if (strncmp(e->s, "true", 4) == 0 || strncmp(e->s, "null", 4) == 0) {
		v->type = 0x04;
		sbuf_addc(&v->bytes, e->s[0] == 't' ? 1 : 0);
		if (e->large)
			put_le(&v->bytes, 0, 3);
		else
			sbuf_addc(&v->bytes, 0);
		e->s += 4;
	} else if (strncmp(e->s, "false", 5) == 0) {
		v->type = 0x04;
		sbuf_addc(&v->bytes, 2);
		put_le(&v->bytes, 0, e->large ? 3 : 1);
		e->s += 5;
	} else {
		char *end;
		const char *t = e->s;
		bool dbl = false;
		while (strchr("-+0123456789.eE", *t) != NULL && *t != '\0')
			dbl |= *t == '.' || *t == 'e' || *t == 'E', t++;
		if (dbl) {
			double d = strtod(e->s, &end);
			uint64_t u;
			memcpy(&u, &d, 8);
			v->type = 0x0b;
			put_le(&v->bytes, u, 8);
		} else {
			long long i = strtoll(e->s, &end, 10);
			if (i >= INT16_MIN && i <= INT16_MAX) {
				v->type = 0x05;
				put_le(&v->bytes, (uint64_t)i, e->large ? 4 : 2);
			} else if (i >= INT32_MIN && i <= INT32_MAX) {
				v->type = 0x07;
				put_le(&v->bytes, (uint64_t)i, 4);
			} else {
				v->type = 0x09;
				put_le(&v->bytes, (uint64_t)i, 8);
			}
		}
		e->s = end;
	}
}

/* The binary document of a JSON text ("" is the empty document). */
static void
encode(struct sbuf *out, const char *text, bool large)
{
	struct enc e = { text, large };
	struct val v;

	sbuf_reset(out);
	if (*text == '\0')
		return;
	enc_value(&e, &v);
	sbuf_addc(out, (char)v.type);
	sbuf_add(out, v.bytes.p, v.bytes.len);
	sbuf_free(&v.bytes);
}

/* One diff: op R/I/D, the path text, the value as JSON text. */
struct diff {
	char op;
	const char *path;
	const char *value;
};

/* Append one diff in Json_diff::write_binary() form. */
static void
add_diff(struct sbuf *b, const struct diff *d)
{
	struct sbuf v = { 0 };
	size_t plen = strlen(d->path);

	sbuf_addc(b, d->op == 'R' ? 0 : d->op == 'I' ? 1 : 2);
	sbuf_addc(b, (char)plen); /* packed length < 251 */
	sbuf_add(b, d->path, plen);
	if (d->op != 'D') {
		encode(&v, d->value, false);
		sbuf_addc(b, (char)v.len);
		sbuf_add(b, v.p, v.len);
	}
	sbuf_free(&v);
}

struct apply_case {
	const char *name;
	const char *doc;
	struct diff diffs[6];
	const char *want; /* NULL: rejected */
};

static const struct apply_case cases[] = {
	{ "no diffs keep the document", "{\"a\": 1}", { { 0 } }, "{\"a\": 1}" },
	{ "replace a member", "{\"a\": 1, \"b\": [1, 2]}",
	    { { 'R', "$.a", "\"x\"" } }, "{\"a\": \"x\", \"b\": [1, 2]}" },
	{ "replace a scalar with an object", "{\"a\": 1}",
	    { { 'R', "$.a", "{\"z\": null, \"yy\": [true]}" } },
	    "{\"a\": {\"z\": null, \"yy\": [true]}}" },
	{ "replace an array cell", "[1, [2, 3], 4]",
	    { { 'R', "$[1][0]", "2.5" } }, "[1, [2.5, 3], 4]" },
	{ "replace last", "[1, 2, 3]", { { 'R', "$[last]", "9" } }, "[1, 2, 9]" },
	{ "replace last-1", "[1, 2, 3]", { { 'R', "$[last-1]", "9" } }, "[1, 9, 3]" },
	{ "insert keeps MySQL's key order (length, then bytes)",
	    "{\"b\": 1, \"aa\": 2, \"ccc\": 3}",
	    { { 'I', "$.c", "4" }, { 'I', "$.a", "5" }, { 'I', "$.dddd", "6" },
		{ 'I', "$.ab", "7" } },
	    "{\"a\": 5, \"b\": 1, \"c\": 4, \"aa\": 2, \"ab\": 7, \"ccc\": 3, "
	    "\"dddd\": 6}" },
	{ "insert into an array", "[1, 2]", { { 'I', "$[1]", "\"x\"" } },
	    "[1, \"x\", 2]" },
	{ "insert past the end appends", "[1, 2]", { { 'I', "$[7]", "3" } },
	    "[1, 2, 3]" },
	{ "insert into an empty array", "{\"a\": []}", { { 'I', "$.a[0]", "1" } },
	    "{\"a\": [1]}" },
	{ "insert into an empty object", "{\"a\": {}}",
	    { { 'I', "$.a.b", "1" } }, "{\"a\": {\"b\": 1}}" },
	{ "remove a member", "{\"a\": 1, \"b\": 2}", { { 'D', "$.a", NULL } },
	    "{\"b\": 2}" },
	{ "remove an array cell", "[1, 2, 3]", { { 'D', "$[1]", NULL } }, "[1, 3]" },
	{ "remove last", "[1, 2, 3]", { { 'D', "$[last]", NULL } }, "[1, 2]" },
	{ "several diffs in order", "{\"a\": [1, 2, 3], \"b\": {\"c\": 1}}",
	    { { 'D', "$.a[0]", NULL }, { 'R', "$.a[0]", "20" }, { 'I', "$.b.d", "[]" },
		{ 'I', "$.b.d[0]", "\"q\"" }, { 'R', "$.b.c", "false" } },
	    "{\"a\": [20, 3], \"b\": {\"c\": false, \"d\": [\"q\"]}}" },
	{ "quoted member names", "{\"a b\": 1, \"x.y\": 2}",
	    { { 'R', "$.\"a b\"", "3" }, { 'D', "$.\"x.y\"", NULL } },
	    "{\"a b\": 3}" },
	{ "escaped member name", "{}", { { 'I', "$.\"q\\\"\\u00e9\\ud83d\\ude00\"", "1" } },
	    "{\"q\\\"\xc3\xa9\xf0\x9f\x98\x80\": 1}" },
	{ "unicode member name", "{\"\xc3\xa9\": 1}",
	    { { 'R', "$.\xc3\xa9", "2" } }, "{\"\xc3\xa9\": 2}" },
	{ "deep path", "{\"a\": {\"b\": {\"c\": [0, {\"d\": 1}]}}}",
	    { { 'R', "$.a.b.c[1].d", "\"deep\"" } },
	    "{\"a\": {\"b\": {\"c\": [0, {\"d\": \"deep\"}]}}}" },
	{ "large integers and doubles", "[0]",
	    { { 'I', "$[1]", "70000" }, { 'I', "$[2]", "-5000000000" },
		{ 'I', "$[3]", "1e300" }, { 'I', "$[4]", "-0.5" } },
	    "[0, 70000, -5000000000, 1e300, -0.5]" },
	{ "string grows and shrinks", "{\"s\": \"abc\"}",
	    { { 'R', "$.s", "\"abcdefghijklmnop\"" }, { 'R', "$.s", "\"\"" } },
	    "{\"s\": \"\"}" },
	/* rejected, as apply_json_diffs() rejects them */
	{ "replace a missing member", "{\"a\": 1}", { { 'R', "$.b", "1" } }, NULL },
	{ "replace past the end", "[1]", { { 'R', "$[1]", "1" } }, NULL },
	{ "replace last-5 of a short array", "[1]", { { 'R', "$[last-5]", "1" } },
	    NULL },
	{ "insert an existing member", "{\"a\": 1}", { { 'I', "$.a", "1" } }, NULL },
	{ "insert a member into an array", "[1]", { { 'I', "$.a", "1" } }, NULL },
	{ "insert a cell into an object", "{}", { { 'I', "$[0]", "1" } }, NULL },
	{ "no auto-wrapping", "{\"a\": 1}", { { 'R', "$.a[0]", "2" } }, NULL },
	{ "remove a missing member", "{\"a\": 1}", { { 'D', "$.b", NULL } }, NULL },
	{ "remove past the end", "[1]", { { 'D', "$[1]", NULL } }, NULL },
	{ "the root", "{\"a\": 1}", { { 'R', "$", "1" } }, NULL },
	{ "a scalar document", "1", { { 'R', "$.a", "1" } }, NULL },
	{ "an empty document is null", "", { { 'I', "$.a", "1" } }, NULL },
	{ "a missing parent", "{\"a\": 1}", { { 'I', "$.b.c", "1" } }, NULL },
	{ "a later diff rejected", "{\"a\": 1}",
	    { { 'D', "$.a", NULL }, { 'D', "$.a", NULL } }, NULL },
};

static void
check_apply(const struct apply_case *c, bool large)
{
	struct sbuf doc = { 0 }, diffs = { 0 }, out = { 0 };
	struct proto_err err = { 0 };
	bool rejected, ok;

	T_CASE(c->name);
	encode(&doc, c->doc, large);
	for (size_t i = 0; i < 6 && c->diffs[i].op; i++)
		add_diff(&diffs, &c->diffs[i]);
	sbuf_adds(&out, "keep:");
	ok = jsondiff_apply(&out, NULL, NULL, (const uint8_t *)doc.p, doc.len, 0,
	    (const uint8_t *)diffs.p, diffs.len, BASE, &rejected, &err);
	if (c->want == NULL) {
		T_CHECK(!ok && rejected, "not rejected (%s): %.*s", err.msg,
		    (int)out.len, out.p);
		T_STREQ(out.p, out.len, "keep:");
	} else {
		T_CHECK(ok, "%s at %llu (large %d)", err.msg,
		    (unsigned long long)err.offset, large);
		if (ok)
			T_CHECK(out.len == 5 + strlen(c->want) &&
			    memcmp(out.p + 5, c->want, strlen(c->want)) == 0,
			    "large %d: got \"%.*s\", want \"%s\"", large,
			    (int)out.len - 5, out.p + 5, c->want);
	}
	sbuf_free(&doc);
	sbuf_free(&diffs);
	sbuf_free(&out);
}

/* With no diffs the text equals the printer's: the tree prints as it does. */
static void
check_same_as_printer(void)
{
	static const char *const texts[] = {
		"{\"a\": [1, 2.5, \"x\"], \"bb\": {\"c\": null, \"d\": true}}",
		"[[], {}, [[1]], -70000, \"\"]",
	};
	for (size_t i = 0; i < 2; i++) {
		struct sbuf doc = { 0 }, a = { 0 }, b = { 0 }, diffs = { 0 };
		struct proto_err err = { 0 };
		bool rejected;
		struct diff d = { 'R', "$[0]", "[]" };

		T_CASE("same text as jsonb_to_text");
		encode(&doc, texts[i], false);
		T_CHECK(jsonb_to_text(&a, (const uint8_t *)doc.p, doc.len, 0, &err),
		    "%s", err.msg);
		/* a diff that expands the root but changes nothing visible */
		if (i == 1)
			add_diff(&diffs, &d);
		T_CHECK(jsondiff_apply(&b, NULL, NULL, (const uint8_t *)doc.p, doc.len, 0,
		    (const uint8_t *)diffs.p, diffs.len, 0, &rejected, &err),
		    "%s", err.msg);
		T_CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0,
		    "\"%.*s\" vs \"%.*s\"", (int)a.len, a.p, (int)b.len, b.p);
		sbuf_free(&doc);
		sbuf_free(&a);
		sbuf_free(&b);
		sbuf_free(&diffs);
	}
}

/* Malformed input: an error that is not a rejection, output untouched. */
static void
check_malformed(void)
{
	static const struct {
		const char *name;
		const char *path;
	} bad_paths[] = {
		{ "no $", "a.b" },
		{ "wildcard member", "$.*" },
		{ "wildcard cell", "$[*]" },
		{ "ellipsis", "$**.a" },
		{ "range", "$[1 to 2]" },
		{ "unterminated quote", "$.\"a" },
		{ "bad escape", "$.\"\\x\"" },
		{ "lone low surrogate", "$.\"\\udc00\"" },
		{ "index too large", "$[4294967296]" },
		{ "empty member", "$." },
		{ "unclosed cell", "$[1" },
	};
	for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		struct proto_err err = { 0 };
		bool cell;
		T_CASE(bad_paths[i].name);
		T_CHECK(!jsondiff_path_check(bad_paths[i].path,
		    strlen(bad_paths[i].path), &cell, BASE, &err), "accepted");
		T_CHECK(err.code == PROTO_MALFORMED, "code %d", err.code);
	}
	{
		static const struct {
			const char *path;
			bool cell;
		} good[] = {
			{ "$.a", false }, { "$[0]", true }, { "$.a[last-2]", true },
			{ "$.\"a]\"", false }, { " $ .a [ last - 1 ] ", true },
		};
		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			struct proto_err err = { 0 };
			bool cell = !good[i].cell;
			T_CASE(good[i].path);
			T_CHECK(jsondiff_path_check(good[i].path, strlen(good[i].path),
			    &cell, BASE, &err), "%s", err.msg);
			T_CHECK(cell == good[i].cell, "last_is_cell %d", cell);
		}
	}
	{
		/* a truncated diff list, a bad value type, a bad document */
		static const uint8_t trunc[] = { 0x00, 0x03, '$', '.', 'a', 0x05 };
		static const uint8_t badval[] = { 0x00, 0x03, '$', '.', 'a', 0x01, 0x0e };
		static const uint8_t doc[] = { 0x00, 0x01, 0x00, 0x0c, 0x00, 0x0b,
			0x00, 0x01, 0x00, 0x04, 0x01, 0x00, 'a' };
		static const uint8_t baddoc[] = { 0x0e };
		const struct {
			const char *name;
			const uint8_t *doc, *d;
			size_t dlen, difflen;
		} m[] = {
			{ "truncated diff", doc, trunc, sizeof(doc), sizeof(trunc) },
			{ "bad value type", doc, badval, sizeof(doc), sizeof(badval) },
			{ "bad document type", baddoc, trunc, 1, 0 },
		};
		for (size_t i = 0; i < 3; i++) {
			struct sbuf out = { 0 };
			struct proto_err err = { 0 };
			bool rejected = true;
			T_CASE(m[i].name);
			T_CHECK(!jsondiff_apply(&out, NULL, NULL, m[i].doc, m[i].dlen, 0, m[i].d,
			    m[i].difflen, BASE, &rejected, &err), "accepted");
			T_CHECK(!rejected, "called a rejection: %s", err.msg);
			T_CHECK(out.len == 0, "output left");
			sbuf_free(&out);
		}
	}
}

/*
 * The typed SQL of a result: a DECIMAL a diff puts into an object, next to
 * a DATE of the original document that the diff does not touch.
 */
static void
check_typed_sql(void)
{
	/* {"a": 1, "d": DATE 2020-01-02} */
	static const uint8_t doc[] = {
		0x00, 0x02, 0x00, 0x1e, 0x00, 0x12, 0x00, 0x01, 0x00, 0x13,
		0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 0x0f, 0x14, 0x00, 'a', 'd',
		0x0a, 0x08, 0, 0, 0, 0, 0, 0x44, 0xa5, 0x19,
	};
	/* REPLACE $.a DECIMAL(4,2) 12.50 */
	static const uint8_t diff[] = {
		0x00, 0x03, '$', '.', 'a', 0x07,
		0x0f, 0xf6, 0x04, 0x04, 0x02, 0x8c, 0x32,
	};
	struct sbuf out = { 0 }, sql = { 0 };
	struct proto_err err = { 0 };
	bool rejected, typed = false;

	T_CASE("typed SQL of the result");
	T_CHECK(jsondiff_apply(&out, &sql, &typed, doc, sizeof(doc), 0, diff,
	    sizeof(diff), 0, &rejected, &err), "%s", err.msg);
	T_STREQ(out.p, out.len, "{\"a\": 12.50, \"d\": \"2020-01-02\"}");
	T_CHECK(typed, "not typed");
	T_STREQ(sql.p, sql.len, "(SELECT JSON_SET(CAST(? AS JSON), '$.\"a\"', "
	    "v0, '$.\"d\"', v1) FROM JSON_TABLE(JSON_ARRAY('12.50', "
	    "'2020-01-02'), '$' COLUMNS (v0 DECIMAL(4,2) PATH '$[0]' ERROR ON "
	    "ERROR, v1 DATE PATH '$[1]' ERROR ON ERROR)) t0)");
	sbuf_free(&out);
	sbuf_free(&sql);
}

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_apply(&cases[i], false);
		check_apply(&cases[i], true);
	}
	check_same_as_printer();
	check_malformed();
	check_typed_sql();
	return t_done();
}
