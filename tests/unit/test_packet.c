/* test_packet.c: every packet parser and builder against byte vectors. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/packet.h"
#include "tests/unit/t.h"

#define P(...) ((const uint8_t[]){ __VA_ARGS__ })
#define B(...) P(__VA_ARGS__), sizeof(P(__VA_ARGS__))

/* Compare a built buffer with the expected bytes; name the first difference. */
static void
check_bytes(const struct sbuf *got, const uint8_t *want, size_t n)
{
	size_t i = 0;

	while (i < n && i < got->len && (uint8_t)got->p[i] == want[i])
		i++;
	T_CHECK(!got->oom && got->len == n && i == n,
	    "length %zu, want %zu; first difference at byte %zu", got->len, n,
	    i);
}

/*
 * MariaDB 10.11.19 greeting, captured from a scratch server: "5.5.5-"
 * prefix, CLIENT_MYSQL clear, extended capabilities 0x1d, scramble of 20
 * bytes, mysql_native_password.
 */
static const uint8_t mariadb_greeting[] = {
	0x0a, 0x35, 0x2e, 0x35, 0x2e, 0x35, 0x2d, 0x31, 0x30, 0x2e, 0x31, 0x31,
	0x2e, 0x31, 0x39, 0x2d, 0x4d, 0x61, 0x72, 0x69, 0x61, 0x44, 0x42, 0x2d,
	0x30, 0x2b, 0x64, 0x65, 0x62, 0x31, 0x32, 0x75, 0x31, 0x2d, 0x6c, 0x6f,
	0x67, 0x00, 0x0d, 0x00, 0x00, 0x00, 0x6b, 0x5d, 0x71, 0x41, 0x2e, 0x62,
	0x23, 0x27, 0x00, 0xfe, 0xf7, 0x08, 0x02, 0x00, 0xff, 0x81, 0x15, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x39, 0x29, 0x5f,
	0x25, 0x3a, 0x32, 0x2e, 0x2d, 0x35, 0x65, 0x7b, 0x5c, 0x00, 0x6d, 0x79,
	0x73, 0x71, 0x6c, 0x5f, 0x6e, 0x61, 0x74, 0x69, 0x76, 0x65, 0x5f, 0x70,
	0x61, 0x73, 0x73, 0x77, 0x6f, 0x72, 0x64, 0x00,
};

static const uint8_t mariadb_scramble[20] = {
	0x6b, 0x5d, 0x71, 0x41, 0x2e, 0x62, 0x23, 0x27, 0x39, 0x29,
	0x5f, 0x25, 0x3a, 0x32, 0x2e, 0x2d, 0x35, 0x65, 0x7b, 0x5c,
};

/*
 * MySQL 8.0.36 greeting, built from the HandshakeV10 layout: capabilities
 * 0xdfffffff (CLIENT_MYSQL set), utf8mb4_0900_ai_ci (255), auth data 21
 * bytes, caching_sha2_password.
 */
static const uint8_t mysql_greeting[] = {
	0x0a, '8', '.', '0', '.', '3', '6', 0x00,            /* version */
	0x2a, 0x00, 0x00, 0x00,                              /* id 42 */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, /* part 1 */
	0xff, 0xff,                                          /* caps low */
	0xff,                                                /* charset */
	0x02, 0x00,                                          /* status */
	0xff, 0xdf,                                          /* caps high */
	0x15,                                                /* auth len 21 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                        /* reserved */
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13,
	0x14, 0x00,                                          /* part 2 */
	'c', 'a', 'c', 'h', 'i', 'n', 'g', '_', 's', 'h', 'a', '2', '_',
	'p', 'a', 's', 's', 'w', 'o', 'r', 'd', 0x00,
};
#define MYSQL_PLUGIN_AT 52 /* offset of the plugin name above */

static void
test_write(void)
{
	struct sbuf out = { 0 };
	uint8_t seq;
	uint8_t *big;
	size_t n;

	T_CASE("pkt_write empty payload");
	seq = 3;
	pkt_write(&out, &seq, NULL, 0);
	check_bytes(&out, B(0x00, 0x00, 0x00, 0x03));
	T_CHECK(seq == 4, "seq %u", seq);

	T_CASE("pkt_write small payload");
	sbuf_reset(&out);
	seq = 0;
	pkt_write(&out, &seq, B(0x03, 'D', 'O', ' ', '1'));
	check_bytes(&out, B(0x05, 0x00, 0x00, 0x00, 0x03, 'D', 'O', ' ', '1'));
	T_CHECK(seq == 1, "seq %u", seq);

	T_CASE("pkt_write sequence wraps");
	sbuf_reset(&out);
	seq = 255;
	pkt_write(&out, &seq, B(0x0e));
	check_bytes(&out, B(0x01, 0x00, 0x00, 0xff, 0x0e));
	T_CHECK(seq == 0, "seq %u", seq);

	big = malloc(2 * (size_t)PKT_MAX_PAYLOAD + 10);
	T_CHECK(big != NULL, "malloc");
	if (big == NULL)
		return;
	for (size_t i = 0; i < 2 * (size_t)PKT_MAX_PAYLOAD + 10; i++)
		big[i] = (uint8_t)(i * 7);

	T_CASE("pkt_write 0xfffffe bytes: one packet");
	sbuf_reset(&out);
	seq = 0;
	n = PKT_MAX_PAYLOAD - 1;
	pkt_write(&out, &seq, big, n);
	T_CHECK(out.len == 4 + n && seq == 1, "len %zu seq %u", out.len, seq);
	T_CHECK(memcmp(out.p, P(0xfe, 0xff, 0xff, 0x00), 4) == 0, "header");

	T_CASE("pkt_write exactly 0xffffff bytes: full packet + empty one");
	sbuf_reset(&out);
	seq = 7;
	n = PKT_MAX_PAYLOAD;
	pkt_write(&out, &seq, big, n);
	T_CHECK(out.len == 4 + n + 4 && seq == 9, "len %zu seq %u", out.len,
	    seq);
	T_CHECK(memcmp(out.p, P(0xff, 0xff, 0xff, 0x07), 4) == 0,
	    "first header");
	T_CHECK(memcmp(out.p + 4, big, n) == 0, "payload");
	T_CHECK(memcmp(out.p + 4 + n, P(0x00, 0x00, 0x00, 0x08), 4) == 0,
	    "empty trailer packet");

	T_CASE("pkt_write 0xffffff + 10 bytes: full packet + 10");
	sbuf_reset(&out);
	seq = 0;
	n = PKT_MAX_PAYLOAD + 10;
	pkt_write(&out, &seq, big, n);
	T_CHECK(out.len == 4 + PKT_MAX_PAYLOAD + 4 + 10 && seq == 2,
	    "len %zu seq %u", out.len, seq);
	T_CHECK(memcmp(out.p + 4 + PKT_MAX_PAYLOAD,
	    P(0x0a, 0x00, 0x00, 0x01), 4) == 0, "second header");
	T_CHECK(memcmp(out.p + 8 + PKT_MAX_PAYLOAD, big + PKT_MAX_PAYLOAD,
	    10) == 0, "second payload");

	T_CASE("pkt_write 2 * 0xffffff bytes: two full packets + empty");
	sbuf_reset(&out);
	seq = 0;
	n = 2 * (size_t)PKT_MAX_PAYLOAD;
	pkt_write(&out, &seq, big, n);
	T_CHECK(out.len == 3 * 4 + n && seq == 3, "len %zu seq %u", out.len,
	    seq);
	T_CHECK(memcmp(out.p + 8 + 2 * (size_t)PKT_MAX_PAYLOAD,
	    P(0x00, 0x00, 0x00, 0x02), 4) == 0, "empty trailer packet");

	T_CASE("pkt_header reads what pkt_write wrote");
	{
		uint32_t len;
		uint8_t s;
		pkt_header((const uint8_t *)out.p + 4 + PKT_MAX_PAYLOAD, &len,
		    &s);
		T_CHECK(len == PKT_MAX_PAYLOAD && s == 1, "len %u seq %u", len,
		    s);
	}
	free(big);
	sbuf_free(&out);
}

static void
test_classify(void)
{
	const struct {
		const char *name;
		const uint8_t *p;
		size_t n;
		bool auth;
		enum pkt_kind want;
	} cases[] = {
		{ "OK", B(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00), false,
		    PKT_OK },
		{ "ERR", B(0xff, 0x15, 0x04), false, PKT_ERR },
		{ "EOF 5 bytes", B(0xfe, 0x00, 0x00, 0x02, 0x00), false,
		    PKT_EOF },
		{ "0xfe 8 bytes is EOF", B(0xfe, 0, 0, 0, 0, 0, 0, 0), false,
		    PKT_EOF },
		{ "0xfe 9 bytes is a row", B(0xfe, 0, 0, 0, 0, 0, 0, 0, 0),
		    false, PKT_DATA },
		{ "LOCAL INFILE", B(0xfb, 'f', 'i', 'l', 'e'), false,
		    PKT_LOCAL_INFILE },
		{ "column count", B(0x04), false, PKT_DATA },
		{ "0x01 outside auth", B(0x01), false, PKT_DATA },
		{ "empty", P(0x00), 0, false, PKT_DATA },
		{ "auth OK", B(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00), true,
		    PKT_OK },
		{ "auth ERR", B(0xff, 0x15, 0x04), true, PKT_ERR },
		{ "auth switch", B(0xfe, 'a', 0x00), true, PKT_AUTH_SWITCH },
		{ "old auth switch", B(0xfe), true, PKT_AUTH_SWITCH },
		{ "auth more data", B(0x01, 0x03), true, PKT_AUTH_MORE },
		{ "0xfb during auth", B(0xfb), true, PKT_DATA },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_CASE(cases[i].name);
		enum pkt_kind k = pkt_classify(cases[i].p, cases[i].n,
		    cases[i].auth);
		T_CHECK(k == cases[i].want, "kind %d, want %d", k,
		    cases[i].want);
	}
}

static void
test_ok(void)
{
	bool r; /* compound literals must outlive the views */
	struct proto_err err = { 0 };
	struct pkt_ok ok;
	const uint32_t caps41 = CAP_PROTOCOL_41 | CAP_TRANSACTIONS;

	T_CASE("OK from MariaDB after DO 1");
	r = pkt_ok_parse(B(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00),
	    caps41, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.affected_rows == 0 && ok.last_insert_id == 0 &&
	    ok.status == PKT_STATUS_AUTOCOMMIT && ok.warnings == 0 &&
	    ok.info.len == 0, "fields");

	T_CASE("OK with lenenc counts, warnings and info");
	r = pkt_ok_parse(B(0x00, 0xfc, 0x10, 0x27, 0xfd, 0x40, 0x42,
	    0x0f, 0x03, 0x00, 0x02, 0x00, 'R', 'o', 'w', 's'), caps41, &ok,
	    &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.affected_rows == 10000 && ok.last_insert_id == 1000000 &&
	    ok.status == 3 && ok.warnings == 2, "fields %llu %llu %u %u",
	    (unsigned long long)ok.affected_rows,
	    (unsigned long long)ok.last_insert_id, ok.status, ok.warnings);
	T_STREQ(ok.info.p, ok.info.len, "Rows");

	T_CASE("OK with 8-byte affected rows");
	r = pkt_ok_parse(B(0x00, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x00,
	    0x00, 0x00, 0x00), caps41, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.affected_rows == 0x0807060504030201ull, "affected rows");

	T_CASE("OK under SESSION_TRACK: lenenc info, state changes after");
	r = pkt_ok_parse(B(0x00, 0x01, 0x00, 0x02, 0x40, 0x00, 0x00, 0x02,
	    'h', 'i', 0x03, 0x00, 0x01, 0x00), caps41 | CAP_SESSION_TRACK, &ok,
	    &err);
	T_CHECK(r, "%s", err.msg);
	T_STREQ(ok.info.p, ok.info.len, "hi");
	T_CHECK(ok.affected_rows == 1 && ok.status == 0x4002, "fields");

	T_CASE("OK under SESSION_TRACK without info");
	r = pkt_ok_parse(B(0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00),
	    caps41 | CAP_SESSION_TRACK, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.info.len == 0, "info");

	T_CASE("OK 0xfe header (DEPRECATE_EOF end of rows)");
	r = pkt_ok_parse(B(0xfe, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00),
	    caps41, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.status == 0x22, "status");

	T_CASE("OK pre-4.1 with TRANSACTIONS: status only");
	r = pkt_ok_parse(B(0x00, 0x05, 0x00, 0x02, 0x00, 'x'),
	    CAP_TRANSACTIONS, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.affected_rows == 5 && ok.status == 2 && ok.warnings == 0,
	    "fields");
	T_STREQ(ok.info.p, ok.info.len, "x");

	T_CASE("OK pre-4.1 without TRANSACTIONS: info follows the ids");
	r = pkt_ok_parse(B(0x00, 0x05, 0x06, 'a', 'b'), 0, &ok, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(ok.last_insert_id == 6 && ok.status == 0, "fields");
	T_STREQ(ok.info.p, ok.info.len, "ab");

	const struct {
		const char *name;
		const uint8_t *p;
		size_t n;
		uint32_t caps;
		enum proto_code code;
		uint64_t offset;
	} bad[] = {
		{ "OK empty", P(0), 0, caps41, PROTO_TRUNCATED, 0 },
		{ "OK wrong header", B(0x01, 0x00, 0x00), caps41,
		    PROTO_MALFORMED, 0 },
		{ "OK without affected rows", B(0x00), caps41,
		    PROTO_TRUNCATED, 1 },
		{ "OK short lenenc", B(0x00, 0xfc, 0x01), caps41,
		    PROTO_TRUNCATED, 2 },
		{ "OK NULL marker as count", B(0x00, 0xfb, 0x00), caps41,
		    PROTO_MALFORMED, 1 },
		{ "OK without status", B(0x00, 0x00, 0x00), caps41,
		    PROTO_TRUNCATED, 3 },
		{ "OK short warnings", B(0x00, 0x00, 0x00, 0x02, 0x00, 0x00),
		    caps41, PROTO_TRUNCATED, 5 },
		{ "OK info longer than packet", B(0x00, 0x00, 0x00, 0x02,
		    0x00, 0x00, 0x00, 0x05, 'a'), caps41 | CAP_SESSION_TRACK,
		    PROTO_TRUNCATED, 8 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_CASE(bad[i].name);
		memset(&err, 0, sizeof(err));
		T_CHECK(!pkt_ok_parse(bad[i].p, bad[i].n, bad[i].caps, &ok,
		    &err), "accepted");
		T_CHECK(err.code == bad[i].code && err.offset == bad[i].offset,
		    "code %d offset %llu (%s), want %d at %llu", err.code,
		    (unsigned long long)err.offset, err.msg, bad[i].code,
		    (unsigned long long)bad[i].offset);
	}
}

static void
test_err(void)
{
	struct proto_err err = { 0 };
	struct pkt_err e;
	uint8_t longmsg[3 + 600];

	T_CASE("ERR with sqlstate (MariaDB syntax error, shortened)");
	T_CHECK(pkt_err_parse(B(0xff, 0x28, 0x04, '#', '4', '2', '0', '0',
	    '0', 'Y', 'o', 'u', ' ', 'h', 'a', 'v', 'e'), &e, &err), "%s",
	    err.msg);
	T_CHECK(e.code == 1064, "code %u", e.code);
	T_STREQ(e.sqlstate, strlen(e.sqlstate), "42000");
	T_STREQ(e.message, strlen(e.message), "You have");

	T_CASE("ERR without sqlstate (before capabilities)");
	T_CHECK(pkt_err_parse(B(0xff, 0x69, 0x04, 'H', 'o', 's', 't'), &e,
	    &err), "%s", err.msg);
	T_CHECK(e.code == 1129 && e.sqlstate[0] == '\0', "code %u", e.code);
	T_STREQ(e.message, strlen(e.message), "Host");

	T_CASE("ERR with only a code");
	T_CHECK(pkt_err_parse(B(0xff, 0x15, 0x04), &e, &err), "%s", err.msg);
	T_CHECK(e.code == 1045 && e.message[0] == '\0', "code %u", e.code);

	T_CASE("ERR message truncated to the buffer");
	longmsg[0] = 0xff;
	longmsg[1] = 0x01;
	longmsg[2] = 0x00;
	memset(longmsg + 3, 'm', 600);
	T_CHECK(pkt_err_parse(longmsg, sizeof(longmsg), &e, &err), "%s",
	    err.msg);
	T_CHECK(strlen(e.message) == sizeof(e.message) - 1, "len %zu",
	    strlen(e.message));

	const struct {
		const char *name;
		const uint8_t *p;
		size_t n;
		enum proto_code code;
		uint64_t offset;
	} bad[] = {
		{ "ERR empty", P(0), 0, PROTO_TRUNCATED, 0 },
		{ "ERR wrong header", B(0x00, 0x01, 0x02), PROTO_MALFORMED, 0 },
		{ "ERR short code", B(0xff, 0x01), PROTO_TRUNCATED, 1 },
		{ "ERR short sqlstate", B(0xff, 0x01, 0x00, '#', '4', '2'),
		    PROTO_TRUNCATED, 4 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_CASE(bad[i].name);
		memset(&err, 0, sizeof(err));
		T_CHECK(!pkt_err_parse(bad[i].p, bad[i].n, &e, &err),
		    "accepted");
		T_CHECK(err.code == bad[i].code && err.offset == bad[i].offset,
		    "code %d offset %llu (%s), want %d at %llu", err.code,
		    (unsigned long long)err.offset, err.msg, bad[i].code,
		    (unsigned long long)bad[i].offset);
	}
}

static void
test_handshake(void)
{
	struct proto_err err = { 0 };
	struct pkt_handshake hs;
	uint8_t buf[256];

	T_CASE("MariaDB 10.11 greeting");
	T_CHECK(pkt_handshake_parse(mariadb_greeting, sizeof(mariadb_greeting),
	    &hs, &err), "%s at %llu", err.msg, (unsigned long long)err.offset);
	T_CHECK(hs.protocol == 10 && hs.mariadb, "protocol %u mariadb %d",
	    hs.protocol, hs.mariadb);
	T_STREQ(hs.server_version, strlen(hs.server_version),
	    "10.11.19-MariaDB-0+deb12u1-log");
	T_CHECK(hs.connection_id == 13, "id %u", hs.connection_id);
	T_CHECK(hs.capabilities == 0x81fff7fe, "caps %08x", hs.capabilities);
	T_CHECK(!(hs.capabilities & CAP_LONG_PASSWORD), "CLIENT_MYSQL set");
	T_CHECK(hs.mariadb_capabilities == 0x1d, "ext %08x",
	    hs.mariadb_capabilities);
	T_CHECK(hs.charset == 8 && hs.status == PKT_STATUS_AUTOCOMMIT,
	    "charset %u status %u", hs.charset, hs.status);
	T_CHECK(hs.scramble_len == 20 &&
	    memcmp(hs.scramble, mariadb_scramble, 20) == 0, "scramble len %u",
	    hs.scramble_len);
	T_STREQ(hs.auth_plugin, strlen(hs.auth_plugin),
	    "mysql_native_password");

	T_CASE("MySQL 8.0 greeting with caching_sha2_password");
	T_CHECK(pkt_handshake_parse(mysql_greeting, sizeof(mysql_greeting),
	    &hs, &err), "%s at %llu", err.msg, (unsigned long long)err.offset);
	T_CHECK(!hs.mariadb, "taken for MariaDB");
	T_STREQ(hs.server_version, strlen(hs.server_version), "8.0.36");
	T_CHECK(hs.connection_id == 42 && hs.capabilities == 0xdfffffff &&
	    hs.mariadb_capabilities == 0 && hs.charset == 255 &&
	    hs.status == 2, "id %u caps %08x ext %08x", hs.connection_id,
	    hs.capabilities, hs.mariadb_capabilities);
	T_CHECK(hs.scramble_len == 20, "scramble len %u", hs.scramble_len);
	for (int i = 0; i < 20; i++)
		T_CHECK(hs.scramble[i] == i + 1, "scramble[%d] = %u", i,
		    hs.scramble[i]);
	T_STREQ(hs.auth_plugin, strlen(hs.auth_plugin),
	    "caching_sha2_password");

	T_CASE("MySQL greeting: every truncation is refused");
	for (size_t n = 0; n < MYSQL_PLUGIN_AT; n++) {
		memset(&err, 0, sizeof(err));
		if (n == 23) /* ends after the low capabilities: pre-4.1 form */
			continue;
		T_CHECK(!pkt_handshake_parse(mysql_greeting, n, &hs, &err),
		    "accepted %zu bytes", n);
		T_CHECK(err.code == PROTO_TRUNCATED && err.offset <= n,
		    "%zu bytes: code %d offset %llu", n, err.code,
		    (unsigned long long)err.offset);
	}

	T_CASE("MySQL greeting: truncation offsets");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(mysql_greeting, 10, &hs, &err) &&
	    err.offset == 8, "connection id at 8, got %llu (%s)",
	    (unsigned long long)err.offset, err.msg);
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(mysql_greeting, 31, &hs, &err) &&
	    err.offset == 29, "reserved at 29, got %llu (%s)",
	    (unsigned long long)err.offset, err.msg);
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(mysql_greeting, 35, &hs, &err) &&
	    err.offset == 35, "extended capabilities at 35, got %llu (%s)",
	    (unsigned long long)err.offset, err.msg);
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(mysql_greeting, 45, &hs, &err) &&
	    err.offset == 39, "scramble part 2 at 39, got %llu (%s)",
	    (unsigned long long)err.offset, err.msg);

	T_CASE("MySQL greeting without the plugin name's NUL");
	T_CHECK(pkt_handshake_parse(mysql_greeting, sizeof(mysql_greeting) - 1,
	    &hs, &err), "%s", err.msg);
	T_STREQ(hs.auth_plugin, strlen(hs.auth_plugin),
	    "caching_sha2_password");

	T_CASE("pre-4.1 greeting ends after the low capabilities");
	T_CHECK(pkt_handshake_parse(mysql_greeting, 23, &hs, &err), "%s",
	    err.msg);
	T_CHECK(hs.capabilities == 0xffff && hs.scramble_len == 8 &&
	    hs.auth_plugin[0] == '\0', "caps %08x", hs.capabilities);

	T_CASE("MariaDB 11 version without 5.5.5- prefix");
	memcpy(buf, mysql_greeting, sizeof(mysql_greeting));
	memcpy(buf + 1, "11.4.2-MariaDB", 15);
	memcpy(buf + 16, mysql_greeting + 8, sizeof(mysql_greeting) - 8);
	T_CHECK(pkt_handshake_parse(buf, sizeof(mysql_greeting) + 8, &hs,
	    &err), "%s", err.msg);
	T_CHECK(hs.mariadb, "not taken for MariaDB");
	T_STREQ(hs.server_version, strlen(hs.server_version),
	    "11.4.2-MariaDB");
	T_CHECK(hs.mariadb_capabilities == 0, "CLIENT_MYSQL set: no ext caps");

	T_CASE("longer auth data (len 33 -> 25 bytes of part 2)");
	memcpy(buf, mysql_greeting, 39);
	buf[28] = 33;
	for (int i = 0; i < 24; i++)
		buf[39 + i] = (uint8_t)(0x40 + i);
	buf[63] = 0;
	memcpy(buf + 64, "client_x", 9);
	T_CHECK(pkt_handshake_parse(buf, 73, &hs, &err), "%s", err.msg);
	T_CHECK(hs.scramble_len == 32 && hs.scramble[31] == 0x40 + 23,
	    "scramble len %u", hs.scramble_len);
	T_STREQ(hs.auth_plugin, strlen(hs.auth_plugin), "client_x");

	T_CASE("auth data too long for the scramble buffer");
	buf[28] = 42; /* 34 bytes of part 2: 41 with the NUL dropped */
	memset(&err, 0, sizeof(err));
	memset(buf + 39, 0x41, 34);
	buf[72] = 0;
	T_CHECK(!pkt_handshake_parse(buf, 73, &hs, &err), "accepted");
	T_CHECK(err.code == PROTO_UNSUPPORTED && err.offset == 39,
	    "code %d offset %llu (%s)", err.code,
	    (unsigned long long)err.offset, err.msg);

	T_CASE("plugin name too long");
	memcpy(buf, mysql_greeting, MYSQL_PLUGIN_AT);
	memset(buf + MYSQL_PLUGIN_AT, 'p', 80);
	buf[MYSQL_PLUGIN_AT + 80] = 0;
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(buf, MYSQL_PLUGIN_AT + 81, &hs, &err),
	    "accepted");
	T_CHECK(err.code == PROTO_MALFORMED && err.offset == MYSQL_PLUGIN_AT,
	    "code %d offset %llu (%s)", err.code,
	    (unsigned long long)err.offset, err.msg);

	T_CASE("protocol 9 is unsupported");
	memcpy(buf, mysql_greeting, sizeof(mysql_greeting));
	buf[0] = 9;
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(buf, sizeof(mysql_greeting), &hs, &err) &&
	    err.code == PROTO_UNSUPPORTED && err.offset == 0, "code %d (%s)",
	    err.code, err.msg);

	T_CASE("an ERR packet is not a greeting");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(B(0xff, 0x69, 0x04, 'H'), &hs, &err) &&
	    err.code == PROTO_MALFORMED, "code %d (%s)", err.code, err.msg);

	T_CASE("version without NUL");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_handshake_parse(B(0x0a, '8', '.', '0'), &hs, &err) &&
	    err.code == PROTO_TRUNCATED && err.offset == 1, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);
}

static void
test_login(void)
{
	struct sbuf out = { 0 };
	struct pkt_login l;
	static const uint8_t auth20[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12, 13, 14, 15, 16, 17, 18, 19, 20 };

	memset(&l, 0, sizeof(l));
	l.capabilities = CAP_PROTOCOL_41 | CAP_SECURE_CONNECTION |
	    CAP_PLUGIN_AUTH | CAP_SSL; /* 0x00088a00 */
	l.mariadb_capabilities = 0x0000000c;
	l.max_packet = 0x01000000;
	l.charset = 45;

	T_CASE("SSLRequest");
	pkt_ssl_request(&out, &l);
	check_bytes(&out, B(0x00, 0x8a, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01,
	    45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x0c, 0x00, 0x00, 0x00));

	T_CASE("login response: 1-byte auth length, plugin, no db/attrs");
	sbuf_reset(&out);
	l.capabilities &= ~CAP_SSL;
	l.mariadb_capabilities = 0;
	l.user = "repl";
	l.auth = auth20;
	l.auth_len = 20;
	l.database = "ignored";
	l.auth_plugin = "mysql_native_password";
	pkt_login_response(&out, &l);
	check_bytes(&out, B(0x00, 0x82, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01,
	    45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0,
	    'r', 'e', 'p', 'l', 0,
	    20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
	    19, 20,
	    'm', 'y', 's', 'q', 'l', '_', 'n', 'a', 't', 'i', 'v', 'e', '_',
	    'p', 'a', 's', 's', 'w', 'o', 'r', 'd', 0));

	T_CASE("login response: lenenc auth, db, attrs, MariaDB ext caps");
	sbuf_reset(&out);
	l.capabilities = CAP_PROTOCOL_41 | CAP_SECURE_CONNECTION |
	    CAP_PLUGIN_AUTH | CAP_PLUGIN_AUTH_LENENC_DATA |
	    CAP_CONNECT_WITH_DB | CAP_CONNECT_ATTRS; /* 0x00388208 */
	l.mariadb_capabilities = 0x04;
	l.auth_len = 3;
	l.database = "db";
	l.auth_plugin = "client_ed25519";
	l.attrs[0][0] = "_client_name";
	l.attrs[0][1] = "myshift";
	l.attrs[1][0] = "k";
	l.attrs[1][1] = NULL; /* empty value */
	pkt_login_response(&out, &l);
	check_bytes(&out, B(0x08, 0x82, 0x38, 0x00, 0x00, 0x00, 0x00, 0x01,
	    45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x04, 0, 0, 0,
	    'r', 'e', 'p', 'l', 0,
	    3, 1, 2, 3,
	    'd', 'b', 0,
	    'c', 'l', 'i', 'e', 'n', 't', '_', 'e', 'd', '2', '5', '5', '1',
	    '9', 0,
	    24, 12, '_', 'c', 'l', 'i', 'e', 'n', 't', '_', 'n', 'a', 'm', 'e',
	    7, 'm', 'y', 's', 'h', 'i', 'f', 't', 1, 'k', 0));

	T_CASE("login response: empty auth, attrs block of 0");
	sbuf_reset(&out);
	l.capabilities = CAP_PROTOCOL_41 | CAP_PLUGIN_AUTH_LENENC_DATA |
	    CAP_CONNECT_ATTRS;
	l.mariadb_capabilities = 0;
	l.auth_len = 0;
	l.attrs[0][0] = NULL;
	l.user = "u";
	pkt_login_response(&out, &l);
	check_bytes(&out, B(0x00, 0x02, 0x30, 0x00, 0x00, 0x00, 0x00, 0x01,
	    45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 'u', 0, 0, 0));
	sbuf_free(&out);
}

static void
test_auth_switch(void)
{
	bool r; /* compound literals must outlive the views */
	struct proto_err err = { 0 };
	struct pkt_auth_switch sw;
	/* MariaDB 10.11 switching a login to client_ed25519 (captured). */
	static const uint8_t ed[] = {
		0xfe, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x5f, 0x65, 0x64,
		0x32, 0x35, 0x35, 0x31, 0x39, 0x00, 0x8a, 0xf5, 0x65, 0x1b,
		0x2b, 0x7f, 0x48, 0x1e, 0xc7, 0xe6, 0x60, 0x6d, 0x89, 0xda,
		0xea, 0xa9, 0x0f, 0x9f, 0x88, 0xf7, 0x92, 0x8b, 0x70, 0x1a,
		0xdf, 0x4a, 0x0d, 0x23, 0x7a, 0x85, 0xc4, 0x27,
	};

	T_CASE("auth switch to client_ed25519");
	T_CHECK(pkt_auth_switch_parse(ed, sizeof(ed), &sw, &err), "%s",
	    err.msg);
	T_STREQ(sw.plugin, strlen(sw.plugin), "client_ed25519");
	T_CHECK(sw.data == ed + 16 && sw.data_len == 32, "data len %zu",
	    sw.data_len);

	T_CASE("auth switch with empty data");
	r = pkt_auth_switch_parse(B(0xfe, 'a', 0x00), &sw, &err);
	T_CHECK(r, "%s", err.msg);
	T_CHECK(sw.plugin[0] == 'a' && sw.data_len == 0, "fields");

	T_CASE("old auth switch (lone 0xfe)");
	r = pkt_auth_switch_parse(B(0xfe), &sw, &err);
	T_CHECK(r, "%s", err.msg);
	T_STREQ(sw.plugin, strlen(sw.plugin), "mysql_old_password");

	T_CASE("auth switch without NUL");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_auth_switch_parse(B(0xfe, 'a', 'b'), &sw, &err) &&
	    err.code == PROTO_TRUNCATED && err.offset == 1, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);

	T_CASE("auth switch wrong header");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_auth_switch_parse(B(0x01, 'a', 0), &sw, &err) &&
	    err.code == PROTO_MALFORMED && err.offset == 0, "code %d",
	    err.code);

	T_CASE("auth switch empty");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_auth_switch_parse(P(0), 0, &sw, &err) &&
	    err.code == PROTO_TRUNCATED, "code %d", err.code);
}

static void
test_result_set(void)
{
	bool r; /* compound literals must outlive the views */
	struct proto_err err = { 0 };
	struct pkt_column col;
	uint64_t count;
	const char *vals[4];
	size_t lens[4];
	/* Column 's' of SELECT 'abc' AS s on MariaDB 10.11 (captured). */
	static const uint8_t col_s[] = {
		0x03, 0x64, 0x65, 0x66, 0x00, 0x00, 0x00, 0x01, 0x73, 0x00,
		0x0c, 0x2d, 0x00, 0x0c, 0x00, 0x00, 0x00, 0xfd, 0x01, 0x00,
		0x27, 0x00, 0x00,
	};
	/* Row 1, NULL, 'abc', 1 (captured). */
	static const uint8_t row[] = {
		0x01, 0x31, 0xfb, 0x03, 0x61, 0x62, 0x63, 0x01, 0x31,
	};

	T_CASE("column count");
	T_CHECK(pkt_column_count(B(0x04), &count, &err) && count == 4,
	    "count %llu", (unsigned long long)count);
	T_CHECK(pkt_column_count(B(0xfc, 0x2c, 0x01, 0x01), &count, &err) &&
	    count == 300, "count %llu", (unsigned long long)count);
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_count(B(0x00), &count, &err) &&
	    err.code == PROTO_MALFORMED, "zero accepted");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_count(B(0xfc, 0x01), &count, &err) &&
	    err.code == PROTO_TRUNCATED && err.offset == 1, "short lenenc");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_count(B(0xfb), &count, &err) &&
	    err.code == PROTO_MALFORMED, "0xfb accepted");

	T_CASE("column definition from MariaDB");
	T_CHECK(pkt_column_parse(col_s, sizeof(col_s), &col, &err), "%s",
	    err.msg);
	T_STREQ(col.catalog.p, col.catalog.len, "def");
	T_CHECK(col.schema.len == 0 && col.table.len == 0 &&
	    col.org_table.len == 0 && col.org_name.len == 0, "empty names");
	T_STREQ(col.name.p, col.name.len, "s");
	T_CHECK(col.charset == 45 && col.length == 12 && col.type == 0xfd &&
	    col.flags == 1 && col.decimals == 39, "cs %u len %u type %u "
	    "flags %u dec %u", col.charset, col.length, col.type, col.flags,
	    col.decimals);

	T_CASE("column definition with all names");
	r = pkt_column_parse(B(3, 'd', 'e', 'f', 2, 'd', 'b', 1, 't', 2,
	    't', '0', 1, 'c', 2, 'c', '0', 0x0c, 0x3f, 0x00, 0x0b, 0x00, 0x00,
	    0x00, 0x03, 0x03, 0x42, 0x00, 0x00, 0x00), &col, &err);
	T_CHECK(r, "%s", err.msg);
	T_STREQ(col.schema.p, col.schema.len, "db");
	T_STREQ(col.table.p, col.table.len, "t");
	T_STREQ(col.org_table.p, col.org_table.len, "t0");
	T_STREQ(col.name.p, col.name.len, "c");
	T_STREQ(col.org_name.p, col.org_name.len, "c0");
	T_CHECK(col.charset == 63 && col.length == 11 && col.type == 3 &&
	    col.flags == 0x4203, "fields");

	T_CASE("column definition: every truncation is refused");
	for (size_t n = 0; n < sizeof(col_s); n++) {
		memset(&err, 0, sizeof(err));
		T_CHECK(!pkt_column_parse(col_s, n, &col, &err) &&
		    err.code == PROTO_TRUNCATED && err.offset <= n,
		    "%zu bytes: code %d offset %llu", n, err.code,
		    (unsigned long long)err.offset);
	}
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_parse(col_s, 12, &col, &err) && err.offset == 11,
	    "charset at 11, got %llu", (unsigned long long)err.offset);

	T_CASE("column definition: name longer than the packet");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_parse(B(3, 'd', 'e', 'f', 0, 0, 0, 9, 's'), &col,
	    &err) && err.code == PROTO_TRUNCATED && err.offset == 8,
	    "code %d at %llu", err.code, (unsigned long long)err.offset);

	T_CASE("column definition: fixed length below 12");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_column_parse(B(3, 'd', 'e', 'f', 0, 0, 0, 1, 's', 0,
	    0x0b, 0x2d, 0x00, 0x0c, 0x00, 0x00, 0x00, 0xfd, 0x01, 0x00, 0x27,
	    0x00, 0x00), &col, &err) && err.code == PROTO_MALFORMED &&
	    err.offset == 10, "code %d at %llu", err.code,
	    (unsigned long long)err.offset);

	T_CASE("text row from MariaDB with NULL");
	T_CHECK(pkt_text_row(row, sizeof(row), 4, vals, lens, &err), "%s",
	    err.msg);
	T_STREQ(vals[0], lens[0], "1");
	T_CHECK(vals[1] == NULL && lens[1] == 0, "NULL");
	T_STREQ(vals[2], lens[2], "abc");
	T_STREQ(vals[3], lens[3], "1");

	T_CASE("text row: empty string and 2-byte length");
	{
		uint8_t tr[3 + 300 + 1];
		tr[0] = 0xfc;
		tr[1] = 0x2c;
		tr[2] = 0x01;
		memset(tr + 3, 'z', 300);
		tr[303] = 0x00;
		T_CHECK(pkt_text_row(tr, sizeof(tr), 2, vals, lens, &err), "%s",
		    err.msg);
		T_CHECK(lens[0] == 300 && vals[0] == (const char *)tr + 3 &&
		    vals[1] != NULL && lens[1] == 0, "values");
	}

	T_CASE("text row: truncated value");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_text_row(row, 6, 4, vals, lens, &err) &&
	    err.code == PROTO_TRUNCATED && err.offset == 4, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);

	T_CASE("text row: fewer columns than expected");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_text_row(row, sizeof(row), 5, vals, lens, &err) &&
	    err.code == PROTO_TRUNCATED && err.offset == 9, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);

	T_CASE("text row: bytes after the last column");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_text_row(row, sizeof(row), 3, vals, lens, &err) &&
	    err.code == PROTO_MALFORMED && err.offset == 7, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);

	T_CASE("text row: 0xff is no length");
	memset(&err, 0, sizeof(err));
	T_CHECK(!pkt_text_row(B(0xff, 0x00), 1, vals, lens, &err) &&
	    err.code == PROTO_MALFORMED && err.offset == 0, "code %d at %llu",
	    err.code, (unsigned long long)err.offset);
}

static void
test_commands(void)
{
	struct sbuf out = { 0 };
	char host[300];

	T_CASE("PKT_COM_QUERY");
	pkt_com_query(&out, "SELECT 1", 8);
	check_bytes(&out, B(0x03, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '1'));

	T_CASE("PKT_COM_REGISTER_SLAVE");
	sbuf_reset(&out);
	pkt_com_register_slave(&out, 0x01020304, "h", "repl", "", 3306);
	check_bytes(&out, B(0x15, 0x04, 0x03, 0x02, 0x01, 1, 'h', 4, 'r', 'e',
	    'p', 'l', 0, 0xea, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0));

	T_CASE("PKT_COM_REGISTER_SLAVE clamps a name to 255 bytes");
	sbuf_reset(&out);
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	pkt_com_register_slave(&out, 1, host, "", NULL, 0);
	T_CHECK(out.len == 1 + 4 + 1 + 255 + 1 + 1 + 2 + 8 &&
	    (uint8_t)out.p[5] == 255, "len %zu", out.len);

	T_CASE("PKT_COM_BINLOG_DUMP");
	sbuf_reset(&out);
	pkt_com_binlog_dump(&out, 0x1234, PKT_DUMP_NON_BLOCK |
	    PKT_DUMP_SEND_ANNOTATE_ROWS, 4242, "bin.000001");
	check_bytes(&out, B(0x12, 0x34, 0x12, 0x00, 0x00, 0x03, 0x00, 0x92,
	    0x10, 0x00, 0x00, 'b', 'i', 'n', '.', '0', '0', '0', '0', '0',
	    '1'));

	T_CASE("PKT_COM_BINLOG_DUMP without a file name");
	sbuf_reset(&out);
	pkt_com_binlog_dump(&out, 4, 0, 1, "");
	check_bytes(&out, B(0x12, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0));

	T_CASE("PKT_COM_BINLOG_DUMP_GTID with a SID block");
	sbuf_reset(&out);
	pkt_com_binlog_dump_gtid(&out, PKT_DUMP_THROUGH_GTID, 7, "b.1", 4,
	    P(1, 0, 0, 0, 0, 0, 0, 0), 8);
	check_bytes(&out, B(0x1e, 0x04, 0x00, 7, 0, 0, 0, 3, 0, 0, 0, 'b', '.',
	    '1', 4, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0));

	T_CASE("PKT_COM_BINLOG_DUMP_GTID without THROUGH_GTID: no SID block");
	sbuf_reset(&out);
	pkt_com_binlog_dump_gtid(&out, PKT_DUMP_NON_BLOCK, 7, "",
	    0x0102030405060708ull, P(1), 1);
	check_bytes(&out, B(0x1e, 0x01, 0x00, 7, 0, 0, 0, 0, 0, 0, 0, 8, 7, 6,
	    5, 4, 3, 2, 1));
	sbuf_free(&out);
}

int
main(void)
{
	test_write();
	test_classify();
	test_ok();
	test_err();
	test_handshake();
	test_login();
	test_auth_switch();
	test_result_set();
	test_commands();
	return t_done();
}
