/* test_gtid.c: MySQL GTID sets and MariaDB GTID lists: text, binary, merges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/gtid.h"
#include "tests/unit/t.h"

#define BASE 500 /* absolute offset of binary input: errors must add it */

#define U "3E11FA47-71CA-11E1-9E33-C80AA9429562"
#define u "3e11fa47-71ca-11e1-9e33-c80aa9429562"
#define V "4e11fa47-71ca-11e1-9e33-c80aa9429562"
#define W "00000000-0000-0000-0000-00000000000a"

#define P(...) ((const uint8_t[]){ __VA_ARGS__ })
#define B(...) P(__VA_ARGS__), sizeof(P(__VA_ARGS__))

/* the 16 bytes of U / u, V, W */
#define UB 0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, \
	0x0a, 0xa9, 0x42, 0x95, 0x62
#define VB 0x4e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, \
	0x0a, 0xa9, 0x42, 0x95, 0x62
#define LE64(x) (uint8_t)(x), (uint8_t)((x) >> 8), (uint8_t)((x) >> 16), \
	(uint8_t)((x) >> 24), (uint8_t)((uint64_t)(x) >> 32), \
	(uint8_t)((uint64_t)(x) >> 40), (uint8_t)((uint64_t)(x) >> 48), \
	(uint8_t)((uint64_t)(x) >> 56)

static const uint8_t uuid_u[16] = { UB };
static const uint8_t uuid_v[16] = { VB };

/* Text in, canonical text out. */
static const struct {
	const char *name, *in, *want;
} texts[] = {
	{ "empty", "", "" },
	{ "blank", " \n\t", "" },
	{ "commas only", ",, ,", "" },
	{ "upper-case uuid is printed lower", U ":1-5:7-9", u ":1-5:7-9" },
	{ "single gtid", U ":7", u ":7" },
	{ "n-n is n", U ":7-7", u ":7" },
	{ "two uuids, newline after comma", U ":1-5,\n" V ":3",
	    u ":1-5," V ":3" },
	{ "uuids sorted", V ":3," U ":1", u ":1," V ":3" },
	{ "overlapping intervals merge", U ":1-5:3-8", u ":1-8" },
	{ "adjacent intervals merge", U ":1-5:6-9", u ":1-9" },
	{ "contained interval", U ":1-10:3-4", u ":1-10" },
	{ "bridging interval", U ":1-2:5-6:9-10:2-9", u ":1-10" },
	{ "unsorted intervals", U ":10:1-3:4", u ":1-4:10" },
	{ "same uuid twice", U ":1-2," u ":5", u ":1-2:5" },
	{ "empty specs between commas", ",," U ":1,,", u ":1" },
	{ "bare uuid is empty", U, "" },
	{ "whitespace around tokens", "  " U " : 1 - 3 :\t5 , " V ": 2 ",
	    u ":1-3:5," V ":2" },
	{ "largest gno", U ":9223372036854775806", u ":9223372036854775806" },
	{ "tags sorted after untagged", U ":1-3:Tag_1:5:7-8," u ":tag_0:1",
	    u ":1-3:tag_0:1:tag_1:5:7-8" },
	{ "tag then back to another tag", U ":a:1:b:2:a:3", u ":a:1:3:b:2" },
	{ "tagged only", W ":_x9:4", W ":_x9:4" },
};

/* Text that must be refused, and the character offset named. */
static const struct {
	const char *name, *in;
	uint64_t offset;
} bad_texts[] = {
	{ "garbage", "xyz", 0 },
	{ "short uuid", "3E11FA47-71CA-11E1-9E33-C80AA942956:1", 0 },
	{ "uuid without dashes", "3E11FA4771CA11E19E33C80AA9429562:1", 0 },
	{ "gno zero", U ":0", 37 },
	{ "missing end", U ":1-", 39 },
	{ "end before start", U ":5-3", 39 },
	{ "junk after number", U ":1x", 38 },
	{ "gno too large", U ":9223372036854775807", 37 },
	{ "huge gno", U ":99999999999999999999999", 37 },
	{ "semicolon", U ";1", 36 },
	{ "junk after comma", U ":1,zzz", 39 },
	{ "two numbers", U ":1 2", 39 },
	{ "tag too long", U ":abcdefghijklmnopqrstuvwxyz0123456:1", 37 },
	{ "space inside tag", U ":ta g:1", 40 },
	{ "missing number", U ":", 37 },
	{ "negative", U ":-1", 37 },
	{ "second uuid bad", U ":1," "3E11FA47-71CA-11E1-9E33-C80AA942956Z:1",
	    39 },
};

static void
test_text(void)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct gtid_mysql_set s, again;
		struct sbuf out = { 0 }, out2 = { 0 };
		struct proto_err err = { 0 };

		/* allocate: T_STREQ memcmp()s the pointer even for "" */
		sbuf_adds(&out, "");
		sbuf_adds(&out2, "");

		T_CASE(texts[i].name);
		gtid_mysql_init(&s);
		gtid_mysql_init(&again);
		T_CHECK(gtid_mysql_parse(&s, texts[i].in, &err),
		    "offset %llu: %s", (unsigned long long)err.offset, err.msg);
		gtid_mysql_print(&s, &out);
		T_STREQ(out.p, out.len, texts[i].want);
		/* the canonical form reads back to itself */
		sbuf_addc(&out, '\0');
		T_CHECK(gtid_mysql_parse(&again, out.p, &err), "%s", err.msg);
		gtid_mysql_print(&again, &out2);
		T_STREQ(out2.p, out2.len, texts[i].want);
		T_CHECK(gtid_mysql_contains_set(&s, &again) &&
		    gtid_mysql_contains_set(&again, &s), "sets differ");
		gtid_mysql_free(&s);
		gtid_mysql_free(&again);
		sbuf_free(&out);
		sbuf_free(&out2);
	}
	for (size_t i = 0; i < sizeof(bad_texts) / sizeof(bad_texts[0]); i++) {
		struct gtid_mysql_set s;
		struct proto_err err = { 0 };

		T_CASE(bad_texts[i].name);
		gtid_mysql_init(&s);
		T_CHECK(!gtid_mysql_parse(&s, bad_texts[i].in, &err),
		    "accepted");
		T_CHECK(err.code == PROTO_MALFORMED, "code %d", err.code);
		T_CHECK(err.offset == bad_texts[i].offset,
		    "offset %llu, want %llu: %s",
		    (unsigned long long)err.offset,
		    (unsigned long long)bad_texts[i].offset, err.msg);
		T_CHECK(strstr(err.msg, "offset") != NULL, "msg: %s", err.msg);
		gtid_mysql_free(&s);
	}
}

static void
test_contains(void)
{
	struct gtid_mysql_set s, sub;
	struct proto_err err = { 0 };
	static const struct {
		const uint8_t *uuid;
		const char *tag;
		int64_t gno;
		bool want;
	} one[] = {
		{ uuid_u, NULL, 1, true },
		{ uuid_u, "", 5, true },
		{ uuid_u, NULL, 6, false },
		{ uuid_u, NULL, 7, true },
		{ uuid_u, NULL, 9, true },
		{ uuid_u, NULL, 10, false },
		{ uuid_u, NULL, 0, false },
		{ uuid_u, NULL, -3, false },
		{ uuid_v, NULL, 3, true },
		{ uuid_v, NULL, 2, false },
		{ uuid_v, NULL, 4, false },
		{ uuid_u, "blue", 2, true },
		{ uuid_u, "BLUE", 2, true },
		{ uuid_u, "blue", 1, false },
		{ uuid_u, "red", 2, false },
		{ uuid_v, "blue", 2, false },
	};
	static const struct {
		const char *sub;
		bool want;
	} sets[] = {
		{ "", true },
		{ U ":2-4," V ":3", true },
		{ U ":1-5:7-9", true },
		{ U ":1-9", false },
		{ U ":5-7", false },
		{ U ":9-10", false },
		{ W ":1", false },
		{ U ":blue:2", true },
		{ U ":blue:2-3", false },
		{ U ":red:2", false },
		{ U ":1:blue:2," V ":3", true },
	};

	gtid_mysql_init(&s);
	T_CASE("contains setup");
	T_CHECK(gtid_mysql_parse(&s, U ":1-5:7-9:blue:2," V ":3", &err),
	    "%s", err.msg);
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		T_CASE("contains");
		T_CHECK(gtid_mysql_contains(&s, one[i].uuid, one[i].tag,
		    one[i].gno) == one[i].want, "case %zu gno %lld", i,
		    (long long)one[i].gno);
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		T_CASE(sets[i].sub);
		gtid_mysql_init(&sub);
		T_CHECK(gtid_mysql_parse(&sub, sets[i].sub, &err), "%s",
		    err.msg);
		T_CHECK(gtid_mysql_contains_set(&s, &sub) == sets[i].want,
		    "contains_set gave %d", !sets[i].want);
		gtid_mysql_free(&sub);
	}
	gtid_mysql_free(&s);
}

static void
test_add(void)
{
	struct gtid_mysql_set s;
	struct sbuf out = { 0 };
	static const int64_t gnos[] = { 5, 1, 3, 2, 9, 4, 11, 10, 7 };

	T_CASE("add");
	gtid_mysql_init(&s);
	for (size_t i = 0; i < sizeof(gnos) / sizeof(gnos[0]); i++)
		T_CHECK(gtid_mysql_add(&s, uuid_u, NULL, gnos[i]), "add %lld",
		    (long long)gnos[i]);
	T_CHECK(gtid_mysql_add(&s, uuid_u, "Blue", 1), "tagged add");
	T_CHECK(gtid_mysql_add(&s, uuid_v, "", 9223372036854775806LL),
	    "largest gno");
	T_CHECK(!gtid_mysql_add(&s, uuid_u, NULL, 0), "gno 0 accepted");
	T_CHECK(!gtid_mysql_add(&s, uuid_u, NULL, INT64_MAX),
	    "gno INT64_MAX accepted");
	T_CHECK(!gtid_mysql_add(&s, uuid_u, "9lives", 1), "bad tag accepted");
	T_CHECK(!gtid_mysql_add(&s, uuid_u,
	    "abcdefghijklmnopqrstuvwxyz0123456", 1), "33-char tag accepted");
	gtid_mysql_print(&s, &out);
	T_STREQ(out.p, out.len,
	    u ":1-5:7:9-11:blue:1," V ":9223372036854775806");
	T_CHECK(s.n == 3 && s.sids[0].n == 3, "n %u / %u", s.n,
	    s.n ? s.sids[0].n : 0);
	sbuf_free(&out);
	gtid_mysql_free(&s);
	T_CHECK(s.n == 0 && s.sids == NULL, "free did not reset");
}

/* s minus sub, printed */
static void
subtract_case(const char *name, const char *s_text, const char *sub_text, const char *want)
{
	struct gtid_mysql_set s, sub;
	struct proto_err e = { 0 };
	struct sbuf out = { 0 };

	T_CASE(name);
	gtid_mysql_init(&s);
	gtid_mysql_init(&sub);
	T_CHECK(gtid_mysql_parse(&s, s_text, &e) && gtid_mysql_parse(&sub, sub_text, &e),
	    "parse: %s", e.msg);
	T_CHECK(gtid_mysql_subtract(&s, &sub), "subtract failed");
	gtid_mysql_print(&s, &out);
	T_STREQ(out.p ? out.p : "", out.len, want);
	sbuf_free(&out);
	gtid_mysql_free(&s);
	gtid_mysql_free(&sub);
}

static void
test_subtract(void)
{
	/* the copy's floor: a snapshot's set minus what was logged since */
	subtract_case("subtract the last", u ":1-8248", u ":8248", u ":1-8247");
	subtract_case("subtract the first", u ":1-10", u ":1", u ":2-10");
	subtract_case("subtract splits", u ":1-8248", u ":1402", u ":1-1401:1403-8248");
	subtract_case("subtract a run and more splits", u ":1-20:30-40",
	    u ":5-6:9:20:30:35", u ":1-4:7-8:10-19:31-34:36-40");
	subtract_case("subtract the only one", u ":7," V ":1-3", u ":7", V ":1-3");
	subtract_case("subtract what is not there", u ":1-5", u ":9," V ":1", u ":1-5");
	subtract_case("subtract by tag", u ":1-3:blue:1-3", u ":blue:2", u ":1-3:blue:1:3");
	/* splitting beyond the intervals' first allocation */
	subtract_case("subtract many splits", u ":1-100", u ":2:4:6:8:10:12:14:16:18",
	    u ":1:3:5:7:9:11:13:15:17:19-100");
}

/* "u:1-5:7-9,v:3" in the untagged SID block format */
static const uint8_t block_uv[] = {
	LE64(2),
	UB, LE64(2), LE64(1), LE64(6), LE64(7), LE64(10),
	VB, LE64(1), LE64(3), LE64(4),
};

/* "u:1-3:tag_a:5" in the tagged (8.3+) format */
static const uint8_t block_tagged[] = {
	0x01, 0x02, 0, 0, 0, 0, 0, 0x01,
	UB, 0x00, LE64(1), LE64(1), LE64(4),
	UB, 0x0a, 't', 'a', 'g', '_', 'a', LE64(1), LE64(5), LE64(6),
};

static const struct {
	const char *name;
	const uint8_t *p;
	size_t len;
	enum proto_code code;
	uint64_t offset;
} bad_blocks[] = {
	{ "short header", B(0x01, 0x00, 0x00), PROTO_TRUNCATED, BASE },
	{ "sid count beyond the data", B(LE64(3), UB, LE64(0)),
	    PROTO_TRUNCATED, BASE },
	{ "unknown format", B(0, 0, 0, 0, 0, 0, 0, 0x02), PROTO_MALFORMED,
	    BASE },
	{ "tagged marker mismatch", B(0x00, 0, 0, 0, 0, 0, 0, 0x01),
	    PROTO_MALFORMED, BASE },
	{ "interval count beyond the data",
	    B(LE64(1), UB, LE64(2), LE64(1), LE64(2)), PROTO_TRUNCATED,
	    BASE + 24 },
	{ "sid count beyond a lone uuid", B(LE64(1), UB), PROTO_TRUNCATED,
	    BASE },
	{ "truncated interval count", B(LE64(1), UB, 0, 0, 0, 0, 0, 0, 0),
	    PROTO_TRUNCATED, BASE },
	{ "interval start 0", B(LE64(1), UB, LE64(1), LE64(0), LE64(2)),
	    PROTO_MALFORMED, BASE + 32 },
	{ "empty interval", B(LE64(1), UB, LE64(1), LE64(3), LE64(3)),
	    PROTO_MALFORMED, BASE + 32 },
	{ "reversed interval", B(LE64(1), UB, LE64(1), LE64(5), LE64(3)),
	    PROTO_MALFORMED, BASE + 32 },
	{ "negative start", B(LE64(1), UB, LE64(1), LE64(-4), LE64(3)),
	    PROTO_MALFORMED, BASE + 32 },
	{ "intervals out of order",
	    B(LE64(1), UB, LE64(2), LE64(5), LE64(6), LE64(1), LE64(2)),
	    PROTO_MALFORMED, BASE + 48 },
	{ "adjacent intervals",
	    B(LE64(1), UB, LE64(2), LE64(1), LE64(3), LE64(3), LE64(5)),
	    PROTO_MALFORMED, BASE + 48 },
	{ "trailing bytes", B(LE64(1), UB, LE64(1), LE64(1), LE64(2), 0x00),
	    PROTO_MALFORMED, BASE + 48 },
	{ "tag longer than 32",
	    B(0x01, 0x01, 0, 0, 0, 0, 0, 0x01, UB, 0x42, 'a', LE64(0)),
	    PROTO_MALFORMED, BASE + 24 },
	{ "bad tag character",
	    B(0x01, 0x01, 0, 0, 0, 0, 0, 0x01, UB, 0x04, '1', 'a', LE64(0)),
	    PROTO_MALFORMED, BASE + 24 },
	{ "tag past the end",
	    B(0x01, 0x01, 0, 0, 0, 0, 0, 0x01, UB, 0x40, 'a', 'a', 'a', 'a',
		'a', 'a', 'a'),
	    PROTO_TRUNCATED, BASE + 25 },
};

/*
 * The PREVIOUS_GTIDS body a MySQL 9.7.4 server wrote after
 * SET gtid_next='AUTOMATIC:mytag' and 'AUTOMATIC:othertag' transactions:
 * f2e87b18-eef4-11f1-b123-02fc00000001:1-6:mytag:1:othertag:1, in the
 * tagged format (the untagged sid carries an empty tag).
 */
static const uint8_t block_real_mysql97[] = {
	0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xf2, 0xe8, 0x7b, 0x18,
	0xee, 0xf4, 0x11, 0xf1, 0xb1, 0x23, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0xf2, 0xe8, 0x7b, 0x18, 0xee, 0xf4, 0x11, 0xf1, 0xb1, 0x23, 0x02,
	0xfc, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x6d, 0x79, 0x74, 0x61, 0x67, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf2,
	0xe8, 0x7b, 0x18, 0xee, 0xf4, 0x11, 0xf1, 0xb1, 0x23, 0x02, 0xfc, 0x00,
	0x00, 0x00, 0x01, 0x10, 0x6f, 0x74, 0x68, 0x65, 0x72, 0x74, 0x61, 0x67,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_binary(void)
{
	struct gtid_mysql_set s, t;
	struct sbuf out = { 0 }, txt = { 0 };
	struct proto_err err = { 0 };

	T_CASE("encode untagged");
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_parse(&s, V ":3," U ":7-9:1-5", &err), "%s",
	    err.msg);
	T_CHECK(gtid_mysql_encode(&s, &out), "encode failed");
	T_CHECK(out.len == sizeof(block_uv) &&
	    memcmp(out.p, block_uv, sizeof(block_uv)) == 0,
	    "encoded %zu bytes, want %zu", out.len, sizeof(block_uv));
	gtid_mysql_free(&s);

	T_CASE("decode untagged");
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_decode(&s, block_uv, sizeof(block_uv), BASE, &err),
	    "%s", err.msg);
	sbuf_reset(&txt);
	gtid_mysql_print(&s, &txt);
	T_STREQ(txt.p, txt.len, u ":1-5:7-9," V ":3");
	gtid_mysql_free(&s);

	T_CASE("encode tagged");
	gtid_mysql_init(&s);
	sbuf_reset(&out);
	T_CHECK(gtid_mysql_parse(&s, U ":TAG_A:5," u ":1-3", &err), "%s",
	    err.msg);
	T_CHECK(gtid_mysql_encode(&s, &out), "encode failed");
	T_CHECK(out.len == sizeof(block_tagged) &&
	    memcmp(out.p, block_tagged, sizeof(block_tagged)) == 0,
	    "encoded %zu bytes, want %zu", out.len, sizeof(block_tagged));
	gtid_mysql_free(&s);

	T_CASE("decode tagged");
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_decode(&s, block_tagged, sizeof(block_tagged), BASE,
	    &err), "%s", err.msg);
	sbuf_reset(&txt);
	gtid_mysql_print(&s, &txt);
	T_STREQ(txt.p, txt.len, u ":1-3:tag_a:5");
	gtid_mysql_free(&s);

	T_CASE("real mysql 9.7 tagged block");
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_decode(&s, block_real_mysql97,
	    sizeof(block_real_mysql97), BASE, &err), "%s", err.msg);
	sbuf_reset(&txt);
	gtid_mysql_print(&s, &txt);
	T_STREQ(txt.p, txt.len,
	    "f2e87b18-eef4-11f1-b123-02fc00000001:1-6:mytag:1:othertag:1");
	sbuf_reset(&out);
	T_CHECK(gtid_mysql_encode(&s, &out) &&
	    out.len == sizeof(block_real_mysql97) &&
	    memcmp(out.p, block_real_mysql97, out.len) == 0,
	    "re-encoded %zu bytes differ from the server's %zu", out.len,
	    sizeof(block_real_mysql97));
	gtid_mysql_free(&s);
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_parse(&s,
	    "F2E87B18-EEF4-11F1-B123-02FC00000001:1-6:othertag:1:MyTag:1", &err),
	    "%s", err.msg);
	sbuf_reset(&out);
	T_CHECK(gtid_mysql_encode(&s, &out) &&
	    out.len == sizeof(block_real_mysql97) &&
	    memcmp(out.p, block_real_mysql97, out.len) == 0,
	    "text encoded to %zu bytes, not the server's", out.len);
	gtid_mysql_free(&s);

	T_CASE("empty set");
	gtid_mysql_init(&s);
	sbuf_reset(&out);
	T_CHECK(gtid_mysql_encode(&s, &out), "encode failed");
	T_CHECK(out.len == 8 && memcmp(out.p, "\0\0\0\0\0\0\0\0", 8) == 0,
	    "empty set is %zu bytes", out.len);
	T_CHECK(gtid_mysql_decode(&s, (const uint8_t *)out.p, out.len, BASE,
	    &err) && s.n == 0, "%s", err.msg);
	gtid_mysql_free(&s);

	T_CASE("duplicate sids merge, decode adds to the set");
	gtid_mysql_init(&s);
	T_CHECK(gtid_mysql_parse(&s, U ":20", &err), "%s", err.msg);
	T_CHECK(gtid_mysql_decode(&s,
	    B(LE64(2), UB, LE64(1), LE64(1), LE64(3), UB, LE64(1), LE64(3),
		LE64(5)),
	    BASE, &err), "%s", err.msg);
	sbuf_reset(&txt);
	gtid_mysql_print(&s, &txt);
	T_STREQ(txt.p, txt.len, u ":1-4:20");
	gtid_mysql_free(&s);

	T_CASE("round trip of many intervals");
	gtid_mysql_init(&s);
	gtid_mysql_init(&t);
	for (int64_t g = 1; g < 2000; g += (g % 7) + 1)
		T_CHECK(gtid_mysql_add(&s, g % 3 ? uuid_u : uuid_v,
		    g % 5 ? NULL : "t", g), "add");
	sbuf_reset(&out);
	T_CHECK(gtid_mysql_encode(&s, &out), "encode");
	T_CHECK(gtid_mysql_decode(&t, (const uint8_t *)out.p, out.len, BASE,
	    &err), "%s", err.msg);
	T_CHECK(gtid_mysql_contains_set(&s, &t) &&
	    gtid_mysql_contains_set(&t, &s), "round trip differs");
	gtid_mysql_free(&s);
	gtid_mysql_free(&t);

	for (size_t i = 0; i < sizeof(bad_blocks) / sizeof(bad_blocks[0]);
	    i++) {
		struct proto_err e = { 0 };
		T_CASE(bad_blocks[i].name);
		gtid_mysql_init(&s);
		T_CHECK(!gtid_mysql_decode(&s, bad_blocks[i].p,
		    bad_blocks[i].len, BASE, &e), "accepted");
		T_CHECK(e.code == bad_blocks[i].code, "code %d, want %d: %s",
		    e.code, bad_blocks[i].code, e.msg);
		T_CHECK(e.offset == bad_blocks[i].offset,
		    "offset %llu, want %llu: %s",
		    (unsigned long long)e.offset,
		    (unsigned long long)bad_blocks[i].offset, e.msg);
		for (uint32_t k = 0; k < s.n; k++)
			T_CHECK(s.sids[k].n > 0, "empty sid left behind");
		gtid_mysql_free(&s);
	}

	/* every prefix of a valid block is refused without reading past it */
	T_CASE("block prefixes");
	for (size_t cut = 0; cut < sizeof(block_tagged); cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		struct proto_err e = { 0 };
		memcpy(copy, block_tagged, cut);
		gtid_mysql_init(&s);
		T_CHECK(!gtid_mysql_decode(&s, copy, cut, BASE, &e) &&
		    e.code == PROTO_TRUNCATED, "cut %zu: code %d", cut, e.code);
		gtid_mysql_free(&s);
		free(copy);
	}

	T_CASE("uuid format");
	char buf[37];
	gtid_uuid_format(uuid_u, buf);
	T_STREQ(buf, strlen(buf), u);
	sbuf_free(&out);
	sbuf_free(&txt);
}

/* ---- MariaDB */

static const struct {
	const char *name, *in, *want;
} maria_texts[] = {
	{ "empty", "", "" },
	{ "blank", "  ", "" },
	{ "two domains", "0-1-100,1-2-5", "0-1-100,1-2-5" },
	{ "sorted by domain", "1-2-5,0-1-100", "0-1-100,1-2-5" },
	{ "sorted by server in a domain", "0-9-1,0-2-7", "0-2-7,0-9-1" },
	{ "whitespace", " 0-1-100 ,\n 1 - 2 - 5 ", "0-1-100,1-2-5" },
	{ "duplicate keeps the highest", "0-1-5,0-1-3,0-1-4", "0-1-5" },
	{ "limits", "4294967295-4294967295-18446744073709551615",
	    "4294967295-4294967295-18446744073709551615" },
};

static const struct {
	const char *name, *in;
	uint64_t offset;
} maria_bad[] = {
	{ "two parts", "0-1", 3 },
	{ "letter", "a-1-2", 0 },
	{ "trailing comma", "0-1-2,", 6 },
	{ "domain too large", "4294967296-1-1", 0 },
	{ "server too large", "0-4294967296-1", 2 },
	{ "seq too large", "0-1-18446744073709551616", 4 },
	{ "junk after", "0-1-2 x", 6 },
	{ "mysql set", U ":1", 1 },
	{ "empty element", "0-1-2,,1-1-1", 6 },
	{ "negative", "-1-1-1", 0 },
};

static void
test_maria(void)
{
	struct gtid_maria_set s;
	struct sbuf out = { 0 };
	struct proto_err err = { 0 };

	sbuf_adds(&out, "");
	for (size_t i = 0; i < sizeof(maria_texts) / sizeof(maria_texts[0]);
	    i++) {
		T_CASE(maria_texts[i].name);
		gtid_maria_init(&s);
		sbuf_reset(&out);
		T_CHECK(gtid_maria_parse(&s, maria_texts[i].in, &err),
		    "offset %llu: %s", (unsigned long long)err.offset,
		    err.msg);
		gtid_maria_print(&s, &out);
		T_STREQ(out.p, out.len, maria_texts[i].want);
		gtid_maria_free(&s);
	}
	for (size_t i = 0; i < sizeof(maria_bad) / sizeof(maria_bad[0]); i++) {
		struct proto_err e = { 0 };
		T_CASE(maria_bad[i].name);
		gtid_maria_init(&s);
		T_CHECK(!gtid_maria_parse(&s, maria_bad[i].in, &e), "accepted");
		T_CHECK(e.code == PROTO_MALFORMED && e.offset ==
		    maria_bad[i].offset, "code %d offset %llu, want %llu: %s",
		    e.code, (unsigned long long)e.offset,
		    (unsigned long long)maria_bad[i].offset, e.msg);
		gtid_maria_free(&s);
	}

	/* contains: seq_no <= the highest of the domain, from any server */
	static const struct {
		struct gtid_maria g;
		bool want;
	} has[] = {
		{ { 0, 3, 100 }, true },
		{ { 0, 1, 100 }, true },
		{ { 0, 2, 60 }, true },
		{ { 0, 1, 101 }, false },
		{ { 1, 1, 5 }, true },
		{ { 1, 2, 0 }, true },
		{ { 1, 1, 6 }, false },
		{ { 2, 1, 1 }, false },
		{ { 3, 0, 9 }, true },
		{ { 4, 0, 0 }, false },
	};
	gtid_maria_init(&s);
	T_CASE("maria contains");
	T_CHECK(gtid_maria_parse(&s, "1-2-5,0-2-50,0-1-100,3-7-9", &err),
	    "%s", err.msg);
	for (size_t i = 0; i < sizeof(has) / sizeof(has[0]); i++)
		T_CHECK(gtid_maria_contains(&s, &has[i].g) == has[i].want,
		    "case %zu", i);
	/* a lower seq_no does not move a position back */
	T_CASE("maria add");
	T_CHECK(gtid_maria_add(&s, &(struct gtid_maria){ 0, 1, 7 }), "add");
	T_CHECK(gtid_maria_add(&s, &(struct gtid_maria){ 1, 2, 6 }), "add");
	T_CHECK(gtid_maria_add(&s, &(struct gtid_maria){ 2, 5, 1 }), "add");
	sbuf_reset(&out);
	gtid_maria_print(&s, &out);
	T_STREQ(out.p, out.len, "0-1-100,0-2-50,1-2-6,2-5-1,3-7-9");
	gtid_maria_free(&s);

	/* GTID_LIST entries */
	T_CASE("maria decode list");
	gtid_maria_init(&s);
	T_CHECK(gtid_maria_decode_list(&s,
	    P(1, 0, 0, 0, 2, 0, 0, 0, LE64(5), 0, 0, 0, 0, 1, 0, 0, 0,
		LE64(100)),
	    2, 32, BASE, &err), "%s", err.msg);
	sbuf_reset(&out);
	gtid_maria_print(&s, &out);
	T_STREQ(out.p, out.len, "0-1-100,1-2-5");
	gtid_maria_free(&s);

	T_CASE("maria decode empty list");
	gtid_maria_init(&s);
	T_CHECK(gtid_maria_decode_list(&s, NULL, 0, 0, BASE, &err) && s.n == 0,
	    "%s", err.msg);
	gtid_maria_free(&s);

	struct proto_err e = { 0 };
	T_CASE("maria list truncated");
	gtid_maria_init(&s);
	T_CHECK(!gtid_maria_decode_list(&s,
	    P(1, 0, 0, 0, 2, 0, 0, 0, LE64(5), 0, 0, 0), 2, 20, BASE, &e) &&
	    e.code == PROTO_TRUNCATED && e.offset == BASE,
	    "code %d offset %llu", e.code, (unsigned long long)e.offset);
	gtid_maria_free(&s);

	memset(&e, 0, sizeof(e));
	T_CASE("maria list with extra bytes");
	gtid_maria_init(&s);
	T_CHECK(!gtid_maria_decode_list(&s,
	    P(1, 0, 0, 0, 2, 0, 0, 0, LE64(5), 0xaa), 1, 17, BASE, &e) &&
	    e.code == PROTO_MALFORMED && e.offset == BASE + 16,
	    "code %d offset %llu", e.code, (unsigned long long)e.offset);
	gtid_maria_free(&s);

	memset(&e, 0, sizeof(e));
	T_CASE("maria list huge count");
	gtid_maria_init(&s);
	T_CHECK(!gtid_maria_decode_list(&s, P(0), 0x0fffffff, 1, BASE, &e) &&
	    e.code == PROTO_TRUNCATED, "code %d", e.code);
	gtid_maria_free(&s);
	sbuf_free(&out);
}

int
main(void)
{
	test_text();
	test_contains();
	test_add();
	test_subtract();
	test_binary();
	test_maria();
	return t_done();
}
