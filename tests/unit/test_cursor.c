/* test_cursor.c: the bounded cursor of proto/cursor.h, exact and one short. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/cursor.h"
#include "tests/unit/t.h"

#define BASE 1000 /* absolute offset of the test buffers */

/* A cursor over a heap copy of exactly n bytes (ASan sees over-reads). */
struct fix {
	uint8_t *buf;
	struct cur c;
	struct proto_err err;
};

static void
fix_open(struct fix *f, const uint8_t *p, size_t n)
{
	f->buf = malloc(n ? n : 1);
	if (n)
		memcpy(f->buf, p, n);
	memset(&f->err, 0, sizeof(f->err));
	cur_init(&f->c, f->buf, n, BASE, &f->err);
}

static void
fix_close(struct fix *f)
{
	free(f->buf);
}

/* The cursor failed as truncated at absolute offset want, without moving. */
static void
check_short(struct fix *f, size_t pos_before, uint64_t want)
{
	T_CHECK(f->err.code == PROTO_TRUNCATED, "code %d", f->err.code);
	T_CHECK(f->err.offset == want, "offset %llu, want %llu",
	    (unsigned long long)f->err.offset, (unsigned long long)want);
	T_CHECK(f->err.msg[0] != '\0', "empty message");
	T_CHECK(f->c.pos == pos_before, "pos moved to %zu from %zu", f->c.pos,
	    pos_before);
}

static const uint8_t bytes[16] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x89, 0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf0,
};

/* Every fixed-width reader at its exact length, then one byte short. */
static void
test_fixed_readers(void)
{
	struct fix f;
	uint8_t u8 = 0;
	uint16_t u16 = 0;
	uint32_t u32 = 0;
	uint64_t u64 = 0;
	bool ok;

	T_CASE("cur_u8 exact");
	fix_open(&f, bytes, 1);
	ok = cur_u8(&f.c, &u8, "u8");
	T_CHECK(ok && u8 == 0x01 && f.c.pos == 1, "u8 %02x pos %zu", u8,
	    f.c.pos);
	T_CHECK(cur_left(&f.c) == 0, "left %zu", cur_left(&f.c));
	T_CHECK(f.err.code == PROTO_OK, "code %d", f.err.code);
	fix_close(&f);

	T_CASE("cur_u8 short");
	fix_open(&f, bytes, 0);
	u8 = 0x55;
	ok = cur_u8(&f.c, &u8, "u8");
	T_CHECK(!ok && u8 == 0x55, "ok %d", ok);
	check_short(&f, 0, BASE);
	fix_close(&f);

	T_CASE("cur_u16 exact");
	fix_open(&f, bytes, 2);
	ok = cur_u16(&f.c, &u16, "u16");
	T_CHECK(ok && u16 == 0x0201 && f.c.pos == 2, "u16 %04x", u16);
	fix_close(&f);

	T_CASE("cur_u16 short");
	fix_open(&f, bytes, 1);
	ok = cur_u16(&f.c, &u16, "u16");
	T_CHECK(!ok, "ok");
	check_short(&f, 0, BASE);
	fix_close(&f);

	T_CASE("cur_u32 exact");
	fix_open(&f, bytes + 8, 4);
	ok = cur_u32(&f.c, &u32, "u32");
	T_CHECK(ok && u32 == 0xbcab9a89u, "u32 %08x", u32);
	fix_close(&f);

	T_CASE("cur_u32 short");
	fix_open(&f, bytes, 3);
	ok = cur_u32(&f.c, &u32, "u32");
	T_CHECK(!ok, "ok");
	check_short(&f, 0, BASE);
	fix_close(&f);

	T_CASE("cur_u64 exact");
	fix_open(&f, bytes + 8, 8);
	ok = cur_u64(&f.c, &u64, "u64");
	T_CHECK(ok && u64 == 0xf0efdecdbcab9a89ull, "u64 %016llx",
	    (unsigned long long)u64);
	T_CHECK(f.c.pos == 8, "pos %zu", f.c.pos);
	fix_close(&f);

	T_CASE("cur_u64 short");
	fix_open(&f, bytes, 7);
	ok = cur_u64(&f.c, &u64, "u64");
	T_CHECK(!ok, "ok");
	check_short(&f, 0, BASE);
	fix_close(&f);

	/* cur_uint for every width 1..8, exact and one short */
	for (unsigned n = 1; n <= 8; n++) {
		uint64_t want = 0;

		for (unsigned i = 0; i < n; i++)
			want |= (uint64_t)bytes[8 + i] << (8 * i);
		T_CASE("cur_uint exact");
		fix_open(&f, bytes + 8, n);
		ok = cur_uint(&f.c, n, &u64, "uint");
		T_CHECK(ok && u64 == want && f.c.pos == n,
		    "n %u: %016llx want %016llx", n, (unsigned long long)u64,
		    (unsigned long long)want);
		fix_close(&f);

		T_CASE("cur_uint short");
		fix_open(&f, bytes + 8, n - 1);
		ok = cur_uint(&f.c, n, &u64, "uint");
		T_CHECK(!ok, "n %u", n);
		check_short(&f, 0, BASE);
		fix_close(&f);
	}
}

/* Reads after others: the offset of a failure is base + pos. */
static void
test_offsets(void)
{
	struct fix f;
	uint8_t u8;
	uint32_t u32;
	bool ok;

	T_CASE("offset after reads");
	fix_open(&f, bytes, 6);
	ok = cur_u8(&f.c, &u8, "a") && cur_u32(&f.c, &u32, "b");
	T_CHECK(ok && cur_offset(&f.c) == BASE + 5, "offset %llu",
	    (unsigned long long)cur_offset(&f.c));
	T_CHECK(cur_ptr(&f.c) == f.buf + 5, "ptr");
	ok = cur_u32(&f.c, &u32, "c");
	T_CHECK(!ok, "read past end");
	check_short(&f, 5, BASE + 5);
	T_CHECK(strstr(f.err.msg, "c") != NULL, "msg \"%s\" names the field",
	    f.err.msg);
	fix_close(&f);

	T_CASE("first error is kept");
	fix_open(&f, bytes, 2);
	ok = cur_skip(&f.c, 1, "skip");
	T_CHECK(ok, "skip");
	ok = cur_u32(&f.c, &u32, "first");
	T_CHECK(!ok && f.err.offset == BASE + 1, "first at %llu",
	    (unsigned long long)f.err.offset);
	ok = cur_fail(&f.c, PROTO_MALFORMED, "second %d", 2);
	T_CHECK(!ok, "cur_fail returns false");
	T_CHECK(f.err.code == PROTO_TRUNCATED && strstr(f.err.msg, "first"),
	    "overwritten: %d %s", f.err.code, f.err.msg);
	fix_close(&f);

	T_CASE("cur_fail records code, offset, text");
	fix_open(&f, bytes, 4);
	ok = cur_skip(&f.c, 3, "skip");
	T_CHECK(ok, "skip");
	ok = cur_fail(&f.c, PROTO_UNSUPPORTED, "type %u at %s", 42u, "here");
	T_CHECK(!ok && f.err.code == PROTO_UNSUPPORTED, "code %d", f.err.code);
	T_CHECK(f.err.offset == BASE + 3, "offset %llu",
	    (unsigned long long)f.err.offset);
	T_CHECK(strcmp(f.err.msg, "type 42 at here") == 0, "msg %s", f.err.msg);
	fix_close(&f);

	T_CASE("no error sink");
	{
		struct cur c;
		uint8_t b = 7;

		cur_init(&c, &b, 1, 5, NULL);
		T_CHECK(!cur_u16(&c, NULL, "x"), "short without err");
		T_CHECK(!cur_fail(&c, PROTO_MALFORMED, "x"), "no err");
		T_CHECK(!proto_fail(NULL, PROTO_MALFORMED, 1, "x"), "NULL");
	}

	T_CASE("proto_fail");
	{
		struct proto_err e;

		memset(&e, 0, sizeof(e));
		T_CHECK(!proto_fail(&e, PROTO_CHECKSUM, 123456789012ull,
		    "crc %s", "bad"), "returns false");
		T_CHECK(e.code == PROTO_CHECKSUM && e.offset == 123456789012ull,
		    "code %d offset %llu", e.code,
		    (unsigned long long)e.offset);
		T_CHECK(strcmp(e.msg, "crc bad") == 0, "msg %s", e.msg);
		T_CHECK(!proto_fail(&e, PROTO_NOMEM, 1, "later"), "second");
		T_CHECK(e.code == PROTO_CHECKSUM && e.offset == 123456789012ull,
		    "first error kept");
	}

	T_CASE("long message is cut, not overrun");
	{
		struct proto_err e;
		char big[600];

		memset(&e, 0, sizeof(e));
		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		T_CHECK(!proto_fail(&e, PROTO_MALFORMED, 0, "%s", big), "fail");
		T_CHECK(strlen(e.msg) == sizeof(e.msg) - 1, "len %zu",
		    strlen(e.msg));
	}
}

/* Views and skips: exact, short, and sizes that would overflow pointers. */
static void
test_views(void)
{
	struct fix f;
	const uint8_t *out;
	bool ok;

	T_CASE("cur_bytes exact");
	fix_open(&f, bytes, 5);
	ok = cur_bytes(&f.c, 5, &out, "view");
	T_CHECK(ok && out == f.buf && f.c.pos == 5, "view");
	ok = cur_bytes(&f.c, 0, &out, "empty");
	T_CHECK(ok && out == f.buf + 5, "empty view at end");
	fix_close(&f);

	T_CASE("cur_bytes short");
	fix_open(&f, bytes, 5);
	out = NULL;
	ok = cur_skip(&f.c, 2, "skip") && cur_bytes(&f.c, 4, &out, "view");
	T_CHECK(!ok && out == NULL, "out untouched");
	check_short(&f, 2, BASE + 2);
	fix_close(&f);

	T_CASE("cur_skip exact and short");
	fix_open(&f, bytes, 3);
	T_CHECK(cur_skip(&f.c, 3, "s") && cur_left(&f.c) == 0, "exact");
	T_CHECK(!cur_skip(&f.c, 1, "s"), "one more");
	check_short(&f, 3, BASE + 3);
	fix_close(&f);

	T_CASE("huge lengths");
	fix_open(&f, bytes, 3);
	T_CHECK(cur_skip(&f.c, 1, "s"), "skip");
	T_CHECK(!cur_need(&f.c, SIZE_MAX, "huge"), "SIZE_MAX");
	check_short(&f, 1, BASE + 1);
	memset(&f.err, 0, sizeof(f.err));
	T_CHECK(!cur_bytes(&f.c, SIZE_MAX - 1, &out, "huge"), "SIZE_MAX-1");
	T_CHECK(!cur_skip(&f.c, (size_t)1 << 62, "huge"), "2^62");
	T_CHECK(f.c.pos == 1, "pos %zu", f.c.pos);
	fix_close(&f);

	T_CASE("empty buffer");
	fix_open(&f, NULL, 0);
	T_CHECK(cur_need(&f.c, 0, "nothing"), "need 0");
	T_CHECK(cur_left(&f.c) == 0 && cur_offset(&f.c) == BASE, "left");
	fix_close(&f);
}

/* Length-encoded integers: every prefix, exact and one short. */
static void
test_lenenc(void)
{
	static const struct {
		uint8_t in[10];
		size_t len;
		uint64_t want;
	} ok_cases[] = {
		{ { 0x00 }, 1, 0 },
		{ { 0x01 }, 1, 1 },
		{ { 0xfa }, 1, 250 },
		{ { 0xfc, 0xfb, 0x00 }, 3, 251 },
		{ { 0xfc, 0xff, 0xff }, 3, 0xffff },
		{ { 0xfc, 0x00, 0x00 }, 3, 0 }, /* not minimal: still a value */
		{ { 0xfd, 0x00, 0x00, 0x01 }, 4, 0x10000 },
		{ { 0xfd, 0xff, 0xff, 0xff }, 4, 0xffffff },
		{ { 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 }, 9,
		    0x0807060504030201ull },
		{ { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9,
		    UINT64_MAX },
	};
	struct fix f;
	uint64_t v;
	bool ok;

	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		T_CASE("lenenc exact");
		fix_open(&f, ok_cases[i].in, ok_cases[i].len);
		v = 12345;
		ok = cur_lenenc(&f.c, &v, "len");
		T_CHECK(ok && v == ok_cases[i].want, "case %zu: %llu want %llu",
		    i, (unsigned long long)v,
		    (unsigned long long)ok_cases[i].want);
		T_CHECK(f.c.pos == ok_cases[i].len, "case %zu: pos %zu", i,
		    f.c.pos);
		fix_close(&f);

		/* every shorter buffer fails as truncated */
		for (size_t cut = 0; cut < ok_cases[i].len; cut++) {
			T_CASE("lenenc short");
			fix_open(&f, ok_cases[i].in, cut);
			ok = cur_lenenc(&f.c, &v, "len");
			T_CHECK(!ok && f.err.code == PROTO_TRUNCATED,
			    "case %zu cut %zu: ok %d code %d", i, cut, ok,
			    f.err.code);
			/* the missing bytes start after the prefix, if any */
			T_CHECK(f.err.offset == BASE + (cut ? 1 : 0),
			    "case %zu cut %zu: offset %llu", i, cut,
			    (unsigned long long)f.err.offset);
			fix_close(&f);
		}
	}

	/* 0xfb (NULL) and 0xff are not lengths: malformed, at the prefix */
	for (unsigned b = 0xfb; b <= 0xff; b += 4) {
		uint8_t in[10] = { 0x00, (uint8_t)b, 1, 2, 3, 4, 5, 6, 7, 8 };

		T_CASE("lenenc bad prefix");
		fix_open(&f, in, sizeof(in));
		ok = cur_skip(&f.c, 1, "skip") && cur_lenenc(&f.c, &v, "len");
		T_CHECK(!ok && f.err.code == PROTO_MALFORMED, "0x%02x: code %d",
		    b, f.err.code);
		T_CHECK(f.err.offset == BASE + 1, "0x%02x: offset %llu", b,
		    (unsigned long long)f.err.offset);
		T_CHECK(f.c.pos == 1, "0x%02x: pos %zu", b, f.c.pos);
		T_CHECK(strstr(f.err.msg, "len") != NULL, "msg %s", f.err.msg);
		fix_close(&f);
	}

	/* cur_packed is the same reader */
	T_CASE("cur_packed");
	{
		static const uint8_t in[] = { 0xfc, 0x34, 0x12, 0x07 };

		fix_open(&f, in, sizeof(in));
		ok = cur_packed(&f.c, &v, "p");
		T_CHECK(ok && v == 0x1234, "v %llu", (unsigned long long)v);
		ok = cur_packed(&f.c, &v, "p");
		T_CHECK(ok && v == 7 && cur_left(&f.c) == 0, "second");
		fix_close(&f);
	}
}

/*
 * mysql::serialization varlen integers (libs/mysql/serialization/readme.md):
 * the readme's examples, the bytes a MySQL 9.7 server wrote in a
 * GTID_TAGGED event, the 9-byte form, and every cut.
 */
static void
test_varlen(void)
{
	static const struct {
		uint8_t in[9];
		size_t len;
		uint64_t want;
		int64_t want_signed;
	} cases[] = {
		{ { 0x00 }, 1, 0, 0 },
		{ { 0x02 }, 1, 1, -1 },
		{ { 0x04 }, 1, 2, 1 },     /* a gno of 1 */
		{ { 0xfe }, 1, 127, -64 },
		{ { 0xc9, 0x03 }, 2, 0xf2, 121 }, /* a uuid byte 0xf2 */
		{ { 0x91, 0x04 }, 2, 292, 146 },  /* a transaction length */
		{ { 0x83, 0x12, 0x0b }, 3, 90704, 45352 }, /* server 9.7.4 */
		/* readme: 65535 unsigned, 65535 and -65535 signed */
		{ { 0xfb, 0xff, 0x07 }, 3, 65535, -32768 },
		{ { 0xf3, 0xff, 0x0f }, 3, 131070, 65535 },
		{ { 0xeb, 0xff, 0x0f }, 3, 131069, -65535 },
		/* a commit timestamp in 8 bytes */
		{ { 0x7f, 0x1e, 0x33, 0xa0, 0xb8, 0xb6, 0x61, 0x06 }, 8,
		    1796287269712670ull, 898143634856335ll },
		{ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 9,
		    UINT64_MAX, INT64_MIN },
		{ { 0xff, 0x01, 0, 0, 0, 0, 0, 0, 0x80 }, 9,
		    0x8000000000000001ull, -0x4000000000000001ll },
	};
	struct fix f;
	uint64_t v;
	int64_t sv;
	bool ok;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_CASE("varlen exact");
		fix_open(&f, cases[i].in, cases[i].len);
		ok = cur_varlen(&f.c, UINT64_MAX, &v, "v");
		T_CHECK(ok && v == cases[i].want && f.c.pos == cases[i].len,
		    "case %zu: %llu want %llu, pos %zu", i,
		    (unsigned long long)v, (unsigned long long)cases[i].want,
		    f.c.pos);
		fix_close(&f);
		fix_open(&f, cases[i].in, cases[i].len);
		ok = cur_varlen_signed(&f.c, &sv, "v");
		T_CHECK(ok && sv == cases[i].want_signed, "case %zu signed: %lld want %lld",
		    i, (long long)sv, (long long)cases[i].want_signed);
		fix_close(&f);
		if (cases[i].want > 0) {
			T_CASE("varlen above max");
			fix_open(&f, cases[i].in, cases[i].len);
			ok = cur_varlen(&f.c, cases[i].want - 1, &v, "v");
			T_CHECK(!ok && f.err.code == PROTO_MALFORMED &&
			    f.err.offset == BASE && f.c.pos == 0,
			    "case %zu: code %d offset %llu pos %zu", i, f.err.code,
			    (unsigned long long)f.err.offset, f.c.pos);
			fix_close(&f);
		}
		for (size_t cut = 0; cut < cases[i].len; cut++) {
			T_CASE("varlen short");
			fix_open(&f, cases[i].in, cut);
			ok = cur_varlen(&f.c, UINT64_MAX, &v, "v");
			T_CHECK(!ok && f.err.code == PROTO_TRUNCATED,
			    "case %zu cut %zu: ok %d code %d", i, cut, ok,
			    f.err.code);
			fix_close(&f);
		}
	}
}

/* The raw little/big-endian helpers. */
static void
test_endian(void)
{
	T_CASE("le/be helpers");
	T_CHECK(le16(bytes + 8) == 0x9a89, "le16 %04x", le16(bytes + 8));
	T_CHECK(le32(bytes) == 0x04030201u, "le32 %08x", le32(bytes));
	T_CHECK(le64(bytes) == 0x0807060504030201ull, "le64");
	T_CHECK(le_read(bytes + 8, 3) == 0xab9a89, "le_read 3");
	T_CHECK(le_read(bytes, 0) == 0, "le_read 0");
	T_CHECK(le_read(bytes + 8, 8) == 0xf0efdecdbcab9a89ull, "le_read 8");
	T_CHECK(be_read(bytes, 2) == 0x0102, "be_read 2");
	T_CHECK(be_read(bytes + 8, 3) == 0x899aab, "be_read 3");
	T_CHECK(be_read(bytes + 8, 8) == 0x899aabbccddeeff0ull, "be_read 8");
}

int
main(void)
{
	test_fixed_readers();
	test_offsets();
	test_views();
	test_lenenc();
	test_varlen();
	test_endian();
	return t_done();
}
