/* test_events.c: every binlog event the decoder handles, from built vectors. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "proto/binlog.h"
#include "tests/unit/t.h"
#include "tests/unit/vec.h"
#include "tests/unit/real_events.h"

/*
 * Every test builds a stream in a struct vec the way a server writes it
 * (FORMAT_DESCRIPTION first, base offset 4 after the file magic), decodes
 * it, checks each decoded field against what was put in, then cuts the
 * event under test at every length (check_cuts()) under ASan.
 *
 * With MYSHIFT_SEED_DIR set, each stream is also written there as a binlog
 * file (magic + events): the seed corpus of tests/fuzz/event-fuzzer.c.
 */

static const char *seed_dir;

/*
 * Under ASan, allocations past 256 MB fail instead of succeeding on
 * untouched pages: a decoder that allocates what a header claims before
 * checking that the data holds it then reports PROTO_NOMEM, which the
 * tests below refuse.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

/* ---------------------------------------------------------------- harness */

#define MAXCOLS 32

/* Row images with room for MAXCOLS columns. */
struct rowbuf {
	struct binlog_value b[MAXCOLS], a[MAXCOLS];
	struct binlog_row before, after;
};

static void
rowbuf_init(struct rowbuf *rb, uint32_t ncols)
{
	memset(rb, 0, sizeof(*rb));
	rb->before.ncols = rb->after.ncols = ncols;
	rb->before.vals = rb->b;
	rb->after.vals = rb->a;
}

/* Write the stream as a binlog file into the seed directory. */
static void
save_seed(const struct vec *v, const char *name)
{
	char path[512];
	FILE *f;

	if (seed_dir == NULL || v->base != 4)
		return;
	snprintf(path, sizeof(path), "%s/%s.binlog", seed_dir, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "seed %s: %s\n", path, strerror(errno));
		return;
	}
	fwrite(BINLOG_MAGIC, 1, BINLOG_MAGIC_LEN, f);
	fwrite(v->p, 1, v->len, f);
	fclose(f);
}

/* Length of the event at start of v (from its header). */
static size_t
ev_len(const struct vec *v, size_t start)
{
	return vec_get_le(v->p + start + VEC_H_SIZE, 4);
}

static bool
is_rows_type(uint8_t t)
{
	return (t >= 23 && t <= 25) || (t >= 30 && t <= 32) || t == 39 ||
	    (t >= 166 && t <= 171);
}

static int walk_payload(struct binlog_decoder *d, const struct binlog_event *ev,
    struct proto_err *err);

/*
 * Read every row of a rows event; -1 on error (err filled), else the
 * number of rows.
 */
static int
walk_rows(const struct binlog_rows_event *r, struct proto_err *err)
{
	struct binlog_value *b, *a;
	struct binlog_row before, after;
	uint32_t n = r->table ? r->table->ncols : r->ncols;
	size_t pos = 0;
	int rows = 0, rc;

	b = calloc(n + 1, sizeof(*b));
	a = calloc(n + 1, sizeof(*a));
	before.ncols = after.ncols = n;
	before.vals = b;
	after.vals = a;
	while ((rc = binlog_rows_next(r, &pos, &before, &after, err)) == 1) {
		if (++rows > 100000)
			break;
	}
	free(b);
	free(a);
	return rc < 0 ? -1 : rows;
}

/* What an event holds beyond its struct: rows, inner events. -1 on error. */
static int
exercise(struct binlog_decoder *d, const struct binlog_event *ev,
    struct proto_err *err)
{
	if (is_rows_type(ev->h.type))
		return walk_rows(&ev->rows, err);
	if (ev->h.type == BINLOG_TRANSACTION_PAYLOAD_EVENT)
		return walk_payload(d, ev, err);
	return 0;
}

/* Iterate the inner events of a TRANSACTION_PAYLOAD; -1 on error. */
static int
walk_payload(struct binlog_decoder *d, const struct binlog_event *ev,
    struct proto_err *err)
{
	struct binlog_payload_iter *it;
	struct binlog_event in;
	int n = 0, rc;

	it = binlog_payload_open(d, ev, err);
	if (it == NULL)
		return -1;
	while ((rc = binlog_payload_next(it, &in, err)) == 1) {
		if (exercise(d, &in, err) < 0) {
			rc = -1;
			break;
		}
		if (++n > 10000)
			break;
	}
	binlog_payload_close(it);
	return rc < 0 ? -1 : n;
}

/* Decode the event at start of v with d. */
static bool
decode_at(struct binlog_decoder *d, const struct vec *v, size_t start,
    struct binlog_event *ev, struct proto_err *err)
{
	memset(err, 0, sizeof(*err));
	memset(ev, 0, sizeof(*ev));
	return binlog_decode(d, v->p + start, ev_len(v, start), v->base + start,
	    ev, err);
}

/*
 * A new decoder fed every event of v before upto (the FDE, table maps...),
 * with the inner events of payloads. NULL (and a failed check) if any of
 * them does not decode.
 */
static struct binlog_decoder *
prime(const struct vec *v, size_t upto, uint8_t pre_alg)
{
	struct binlog_decoder *d = binlog_decoder_new();
	struct binlog_event ev;
	struct proto_err err;
	size_t pos = 0;

	if (d == NULL) {
		T_CHECK(0, "binlog_decoder_new");
		return NULL;
	}
	if (pre_alg != BINLOG_CHECKSUM_UNDEF)
		binlog_decoder_set_checksum(d, pre_alg);
	while (pos < upto) {
		if (!decode_at(d, v, pos, &ev, &err) ||
		    exercise(d, &ev, &err) < 0) {
			T_CHECK(0, "prime: event at %llu: %s",
			    (unsigned long long)(v->base + pos), err.msg);
			binlog_decoder_free(d);
			return NULL;
		}
		pos += ev_len(v, pos);
	}
	return d;
}

/* The error of a failed decode is filled and points inside the event. */
static bool
err_inside(const struct proto_err *err, uint64_t off, size_t len)
{
	return err->code != PROTO_OK && err->msg[0] != '\0' &&
	    err->offset >= off && err->offset <= off + len;
}

/* Whether an FDE ends with a valid CRC32 (checksum-aware server). */
static bool
fde_has_crc(const uint8_t *e, size_t len)
{
	uint8_t *copy = malloc(len);
	bool ok;

	memcpy(copy, e, len);
	vec_crc_fix(copy, len);
	ok = memcmp(copy + len - 4, e + len - 4, 4) == 0;
	free(copy);
	return ok;
}

/*
 * Cut the event at start of v at every length, two ways, each decoded by a
 * decoder primed with the events before it, from a heap copy of exactly
 * the cut length (so that ASan sees any read past it):
 *  - the buffer ends early, the header still claims the whole event: every
 *    cut must fail, with an error inside the event;
 *  - the event is rebuilt shorter (event_size, CRC32 made consistent), so
 *    the body's own layout runs out: must never crash; a failure must say
 *    where; rows and payloads that still decode are walked.
 */
static void
check_cuts_alg(const struct vec *v, size_t start, const char *name,
    uint8_t pre_alg)
{
	size_t len = ev_len(v, start);
	uint64_t off = v->base + start;
	struct binlog_event ev;
	struct proto_err err;
	const uint8_t *e = v->p + start;
	bool crc = e[VEC_H_TYPE] == BINLOG_FORMAT_DESCRIPTION_EVENT
	    ? fde_has_crc(e, len)
	    : v->crc;
	size_t bad_a = SIZE_MAX, bad_b = SIZE_MAX;
	struct proto_err first_a, first_b;
	int decoded_b = 0;

	T_CASE(name);
	for (size_t cut = 0; cut < len; cut++) {
		struct binlog_decoder *d = prime(v, start, pre_alg);
		uint8_t *buf = malloc(cut ? cut : 1);
		bool ok;

		if (d == NULL)
			return;
		memcpy(buf, v->p + start, cut);
		memset(&err, 0, sizeof(err));
		ok = binlog_decode(d, buf, cut, off, &ev, &err);
		if (ok)
			(void)exercise(d, &ev, &err);
		if ((ok || !err_inside(&err, off, len)) && bad_a == SIZE_MAX) {
			bad_a = cut;
			first_a = err;
		}
		free(buf);
		binlog_decoder_free(d);
	}
	T_CHECK(bad_a == SIZE_MAX,
	    "%s: buffer cut at %zu of %zu bytes decoded or gave no error "
	    "inside the event (code %d at %llu: %s)", name, bad_a, len,
	    first_a.code, (unsigned long long)first_a.offset, first_a.msg);

	/* body shortened, sizes consistent (FDEs keep their own CRC rule) */
	for (size_t body = 0; body + VEC_H_LEN + (crc ? 4 : 0) < len; body++) {
		struct binlog_decoder *d = prime(v, start, pre_alg);
		size_t n = VEC_H_LEN + body + (crc ? 4 : 0);
		uint8_t *buf = malloc(n);
		bool ok;

		if (d == NULL)
			return;
		memcpy(buf, v->p + start, VEC_H_LEN + body);
		vec_put_le(buf + VEC_H_SIZE, n, 4);
		if (crc)
			vec_crc_fix(buf, n);
		memset(&err, 0, sizeof(err));
		ok = binlog_decode(d, buf, n, off, &ev, &err);
		if (ok) {
			/* errors in decompressed data may point past n */
			uint8_t t = ev.h.type;
			bool far = t == BINLOG_TRANSACTION_PAYLOAD_EVENT ||
			    t >= BINLOG_MARIA_QUERY_COMPRESSED_EVENT;
			uint64_t lim = far ? UINT64_MAX - off : n;

			decoded_b++;
			if (exercise(d, &ev, &err) < 0 &&
			    !err_inside(&err, off, lim) &&
			    bad_b == SIZE_MAX) {
				bad_b = body;
				first_b = err;
			}
		} else if (!err_inside(&err, off, n) && bad_b == SIZE_MAX) {
			bad_b = body;
			first_b = err;
		}
		free(buf);
		binlog_decoder_free(d);
	}
	T_CHECK(bad_b == SIZE_MAX,
	    "%s: body cut at %zu: error without code, message or position "
	    "in the event (code %d at %llu, event at %llu: %s)", name, bad_b,
	    first_b.code, (unsigned long long)first_b.offset,
	    (unsigned long long)off, first_b.msg);
	(void)decoded_b;
}

static void
check_cuts(const struct vec *v, size_t start, const char *name)
{
	check_cuts_alg(v, start, name, BINLOG_CHECKSUM_UNDEF);
}

/* Patch the header log_pos of the event at start (and its CRC). */
static void
set_log_pos(struct vec *v, size_t start, uint32_t pos)
{
	vec_put_le(v->p + start + VEC_H_LOG_POS, pos, 4);
	if (v->crc)
		vec_crc_fix(v->p + start, ev_len(v, start));
}

/* The common header was decoded as written. */
static void
check_header(const struct binlog_event *ev, const struct vec *v, size_t start)
{
	const uint8_t *e = v->p + start;
	size_t len = ev_len(v, start);
	size_t body = len - VEC_H_LEN - (v->crc ? 4 : 0);

	T_CHECK(ev->h.timestamp == vec_get_le(e, 4), "timestamp %u",
	    ev->h.timestamp);
	T_CHECK(ev->h.type == e[VEC_H_TYPE], "type %u", ev->h.type);
	T_CHECK(ev->h.server_id == vec_get_le(e + VEC_H_SERVER_ID, 4),
	    "server_id %u", ev->h.server_id);
	T_CHECK(ev->h.event_size == len, "event_size %u, want %zu",
	    ev->h.event_size, len);
	T_CHECK(ev->h.log_pos == vec_get_le(e + VEC_H_LOG_POS, 4), "log_pos %u",
	    ev->h.log_pos);
	T_CHECK(ev->h.flags == vec_get_le(e + VEC_H_FLAGS, 2), "flags %04x",
	    ev->h.flags);
	T_CHECK(ev->offset == v->base + start, "offset %llu",
	    (unsigned long long)ev->offset);
	T_CHECK(!ev->inner, "inner");
	if (e[VEC_H_TYPE] != BINLOG_FORMAT_DESCRIPTION_EVENT) {
		T_CHECK(ev->body == e + VEC_H_LEN, "body pointer");
		T_CHECK(ev->body_len == body, "body_len %zu, want %zu",
		    ev->body_len, body);
	}
}

static bool
str_is(struct binlog_str s, const char *want)
{
	return s.len == strlen(want) &&
	    (s.len == 0 || memcmp(s.p, want, s.len) == 0);
}

#define T_STR(s, want)                                                         \
	T_CHECK(str_is((s), (want)), "got \"%.*s\", want \"%s\"",              \
	    (int)(s).len, (s).p ? (s).p : "", (want))

static bool
val_int(const struct binlog_value *x, int64_t want)
{
	return x->kind == BV_INT && x->i == want;
}

static bool
val_bytes(const struct binlog_value *x, uint8_t kind, const void *p, size_t n)
{
	return x->kind == kind && x->bytes.len == n &&
	    (n == 0 || memcmp(x->bytes.p, p, n) == 0);
}

#define T_VAL_INT(x, want)                                                     \
	T_CHECK(val_int((x), (want)), "kind %u i %lld, want INT %lld",         \
	    (x)->kind, (long long)(x)->i, (long long)(want))
#define T_VAL_STR(x, k_, s)                                                    \
	T_CHECK(val_bytes((x), (k_), (s), strlen(s)),                          \
	    "kind %u len %u, want kind %u \"%s\"", (x)->kind,                  \
	    (x)->kind >= BV_STRING ? (x)->bytes.len : 0, (k_), (s))
#define T_VAL_KIND(x, k)                                                       \
	T_CHECK((x)->kind == (k), "kind %u, want %u", (x)->kind, (k))

/* A new MySQL 8.0 stream: FDE then whatever the test appends. */
static size_t
stream_mysql(struct vec *v, int alg)
{
	vec_init(v);
	return vec_fde_mysql80(v, alg);
}

static size_t
stream_maria(struct vec *v, int alg)
{
	vec_init(v);
	return vec_fde_mariadb(v, alg);
}

/* --------------------------------------------------- FORMAT_DESCRIPTION */

static void
check_fde(const struct binlog_fde *f, const char *version, unsigned n,
    const uint8_t *ph, uint8_t alg, enum binlog_flavor flavor, unsigned v0,
    unsigned v1, unsigned v2)
{
	T_CHECK(f != NULL, "no fde");
	if (f == NULL)
		return;
	T_CHECK(f->binlog_version == 4, "binlog_version %u", f->binlog_version);
	T_CHECK(strcmp(f->server_version, version) == 0, "server_version %s",
	    f->server_version);
	T_CHECK(f->header_len == 19, "header_len %u", f->header_len);
	T_CHECK(f->n_post_header == n, "n_post_header %u, want %u",
	    f->n_post_header, n);
	T_CHECK(memcmp(f->post_header_len, ph, n) == 0, "post_header_len");
	T_CHECK(f->checksum_alg == alg, "checksum_alg %u, want %u",
	    f->checksum_alg, alg);
	T_CHECK(f->flavor == flavor, "flavor %d", f->flavor);
	T_CHECK(f->version[0] == v0 && f->version[1] == v1 &&
	    f->version[2] == v2, "version %u.%u.%u", f->version[0],
	    f->version[1], f->version[2]);
}

/* An XID event after an FDE decodes with the checksum rule the FDE set. */
static void
check_xid_after(struct vec *v, const char *name)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	size_t x = vec_begin(v, BINLOG_XID_EVENT, 0);

	vec_u64(v, 0x1122334455667788ull);
	vec_end(v);
	d = prime(v, x, BINLOG_CHECKSUM_UNDEF);
	if (d == NULL)
		return;
	T_CASE(name);
	T_CHECK(decode_at(d, v, x, &ev, &err), "xid: %s", err.msg);
	check_header(&ev, v, x);
	T_CHECK(ev.xid.xid == 0x1122334455667788ull, "xid %llx",
	    (unsigned long long)ev.xid.xid);
	binlog_decoder_free(d);
	check_cuts(v, x, name);
}

static void
test_fde(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	uint8_t ph[171];
	size_t s;

	/* MySQL 8.0, CRC32, in-use flag and a create timestamp */
	T_CASE("fde mysql 8.0 crc32");
	vec_init(&v);
	s = vec_fde(&v, "8.0.36", vec_mysql80_post_header, 41, VEC_CRC32,
	    1699999999, BINLOG_F_BINLOG_IN_USE);
	T_CHECK(v.len == 122, "MySQL 8.0 FDE is 122 bytes, built %zu", v.len);
	d = binlog_decoder_new();
	T_CHECK(binlog_decoder_fde(d) == NULL, "fde before any");
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_header(&ev, &v, s);
	T_CHECK(ev.h.log_pos == 126, "log_pos %u", ev.h.log_pos);
	check_fde(ev.fde, "8.0.36", 41, vec_mysql80_post_header, 1,
	    BINLOG_FLAVOR_MYSQL, 8, 0, 36);
	T_CHECK(ev.fde && ev.fde->create_timestamp == 1699999999,
	    "create_timestamp");
	T_CHECK(binlog_decoder_fde(d) != NULL &&
	    strcmp(binlog_decoder_fde(d)->server_version, "8.0.36") == 0,
	    "decoder keeps the fde");
	binlog_decoder_free(d);
	save_seed(&v, "fde_mysql80");
	check_cuts(&v, s, "fde mysql 8.0 crc32 cuts");
	check_xid_after(&v, "xid after mysql 8.0 crc32");
	vec_free(&v);

	/* MySQL 8.0, checksums off: the FDE still carries its CRC room */
	T_CASE("fde mysql 8.0 off");
	s = stream_mysql(&v, VEC_CRC_OFF);
	d = binlog_decoder_new();
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_fde(ev.fde, "8.0.36", 41, vec_mysql80_post_header, 0,
	    BINLOG_FLAVOR_MYSQL, 8, 0, 36);
	binlog_decoder_free(d);
	check_xid_after(&v, "xid after mysql 8.0 off");
	vec_free(&v);

	/* MariaDB 10.11 */
	vec_mariadb_post_header(ph);
	T_CASE("fde mariadb crc32");
	s = stream_maria(&v, VEC_CRC32);
	T_CHECK(v.len == 252, "MariaDB FDE is 252 bytes, built %zu", v.len);
	d = binlog_decoder_new();
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_header(&ev, &v, s);
	check_fde(ev.fde, "10.11.6-MariaDB-log", 171, ph, 1,
	    BINLOG_FLAVOR_MARIADB, 10, 11, 6);
	binlog_decoder_free(d);
	check_cuts(&v, s, "fde mariadb cuts");
	check_xid_after(&v, "xid after mariadb crc32");
	save_seed(&v, "fde_mariadb");
	vec_free(&v);

	T_CASE("fde mariadb off");
	s = stream_maria(&v, VEC_CRC_OFF);
	d = binlog_decoder_new();
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_fde(ev.fde, "10.11.6-MariaDB-log", 171, ph, 0,
	    BINLOG_FLAVOR_MARIADB, 10, 11, 6);
	binlog_decoder_free(d);
	check_xid_after(&v, "xid after mariadb off");
	vec_free(&v);

	/* MySQL 5.5: no algorithm byte, no CRC anywhere */
	T_CASE("fde mysql 5.5");
	vec_init(&v);
	s = vec_fde_mysql55(&v);
	T_CHECK(v.len == 103, "MySQL 5.5 FDE is 103 bytes, built %zu", v.len);
	d = binlog_decoder_new();
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_header(&ev, &v, s);
	check_fde(ev.fde, "5.5.62-log", 27, vec_mysql55_post_header,
	    BINLOG_CHECKSUM_UNDEF, BINLOG_FLAVOR_MYSQL, 5, 5, 62);
	binlog_decoder_free(d);
	check_cuts(&v, s, "fde mysql 5.5 cuts");
	check_xid_after(&v, "xid after mysql 5.5");
	save_seed(&v, "fde_mysql55");
	vec_free(&v);

	/* MySQL 5.6 and 5.7 tables */
	T_CASE("fde mysql 5.7");
	vec_init(&v);
	s = vec_fde_mysql57(&v, VEC_CRC32);
	d = binlog_decoder_new();
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_fde(ev.fde, "5.7.44-log", 38, vec_mysql57_post_header, 1,
	    BINLOG_FLAVOR_MYSQL, 5, 7, 44);
	binlog_decoder_free(d);
	vec_free(&v);

	/* a corrupt CRC of a checksummed FDE */
	T_CASE("fde bad crc");
	s = stream_mysql(&v, VEC_CRC32);
	v.p[s + 30] ^= 0x01;
	d = binlog_decoder_new();
	T_CHECK(!decode_at(d, &v, s, &ev, &err) && err.code == PROTO_CHECKSUM,
	    "code %d", err.code);
	T_CHECK(err_inside(&err, v.base + s, v.len), "offset %llu",
	    (unsigned long long)err.offset);
	binlog_decoder_free(d);
	vec_free(&v);

	/* common header length below 19 is not a v4 binlog */
	T_CASE("fde header_len 13");
	vec_init(&v);
	s = vec_fde(&v, "8.0.36", vec_mysql80_post_header, 41, VEC_CRC32, 0, 0);
	v.p[s + VEC_H_LEN + 56] = 13;
	vec_crc_fix(v.p + s, ev_len(&v, s));
	d = binlog_decoder_new();
	T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted header_len 13");
	T_CHECK(err_inside(&err, v.base + s, v.len), "error %d at %llu",
	    err.code, (unsigned long long)err.offset);
	binlog_decoder_free(d);
	vec_free(&v);

	/*
	 * A longer common header (a 5.1-era build wrote 31): later events
	 * carry extra header bytes that the decoder must skip.
	 */
	T_CASE("fde header_len 23");
	vec_init(&v);
	s = vec_fde(&v, "8.0.36", vec_mysql80_post_header, 41, VEC_CRC32, 0, 0);
	v.p[s + VEC_H_LEN + 56] = 23;
	vec_crc_fix(v.p + s, ev_len(&v, s));
	{
		size_t x = vec_begin(&v, BINLOG_XID_EVENT, 0);

		vec_u32(&v, 0xdeadbeef); /* the 4 extra header bytes */
		vec_u64(&v, 4242);
		vec_end(&v);
		d = prime(&v, x, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(binlog_decoder_fde(d)->header_len == 23,
			    "header_len %u", binlog_decoder_fde(d)->header_len);
			T_CHECK(decode_at(d, &v, x, &ev, &err), "xid: %s",
			    err.msg);
			T_CHECK(ev.xid.xid == 4242, "xid %llu",
			    (unsigned long long)ev.xid.xid);
			binlog_decoder_free(d);
		}
		check_cuts(&v, x, "xid with 23-byte header cuts");
	}
	vec_free(&v);

	/* a second FDE turns checksums off for what follows */
	T_CASE("fde switch crc32 -> off");
	stream_mysql(&v, VEC_CRC32);
	vec_fde_mysql80(&v, VEC_CRC_OFF);
	check_xid_after(&v, "xid after second fde");
	vec_free(&v);

	/* types past the end of the post-header table: length 0 */
	T_CASE("type past post-header table");
	vec_init(&v);
	vec_fde(&v, "8.0.20", vec_mysql80_post_header, 40, VEC_CRC32, 0, 0);
	s = vec_begin(&v, BINLOG_HEARTBEAT_EVENT_V2, 0);
	vec_u8(&v, 1);
	vec_pstr(&v, "binlog.000001");
	vec_u8(&v, 2);
	vec_u8(&v, 1);
	vec_u8(&v, 200);
	vec_u8(&v, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "hb2: %s", err.msg);
		T_STR(ev.heartbeat.log_file, "binlog.000001");
		T_CHECK(ev.heartbeat.log_pos == 200, "log_pos %llu",
		    (unsigned long long)ev.heartbeat.log_pos);
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* ------------------------------------------------------ ROTATE and STOP */

/*
 * ROTATE:
 *   0 position  8
 *   8 file      to the end
 */
static void
test_rotate(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	for (int alg = 0; alg <= 1; alg++) {
		T_CASE(alg ? "rotate crc32" : "rotate off");
		stream_mysql(&v, alg);
		s = vec_begin(&v, BINLOG_ROTATE_EVENT, 0);
		vec_u64(&v, 4);
		vec_str(&v, "binlog.000002");
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.rotate.position == 4, "position %llu",
		    (unsigned long long)ev.rotate.position);
		T_STR(ev.rotate.file, "binlog.000002");
		binlog_decoder_free(d);
		check_cuts(&v, s, "rotate cuts");
		save_seed(&v, alg ? "rotate_crc" : "rotate_off");
		vec_free(&v);
	}

	/*
	 * The fake ROTATE a server sends first on a dump connection, before
	 * any FDE: artificial, timestamp and log_pos 0, with the checksum the
	 * replica negotiated.
	 */
	T_CASE("fake rotate before fde, crc32 negotiated");
	vec_init(&v);
	v.crc = true;
	v.timestamp = 0;
	v.zero_log_pos = true;
	s = vec_begin(&v, BINLOG_ROTATE_EVENT, BINLOG_F_ARTIFICIAL);
	vec_u64(&v, 1234567890123ull);
	vec_str(&v, "mariadb-bin.000042");
	vec_end(&v);
	d = binlog_decoder_new();
	binlog_decoder_set_checksum(d, BINLOG_CHECKSUM_CRC32);
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	check_header(&ev, &v, s);
	T_CHECK(ev.rotate.position == 1234567890123ull, "position");
	T_STR(ev.rotate.file, "mariadb-bin.000042");
	binlog_decoder_free(d);
	check_cuts_alg(&v, s, "fake rotate cuts", BINLOG_CHECKSUM_CRC32);
	vec_free(&v);

	T_CASE("fake rotate before fde, no checksum");
	vec_init(&v);
	v.zero_log_pos = true;
	s = vec_begin(&v, BINLOG_ROTATE_EVENT, BINLOG_F_ARTIFICIAL);
	vec_u64(&v, 4);
	vec_str(&v, "b.000001");
	vec_end(&v);
	d = binlog_decoder_new();
	binlog_decoder_set_checksum(d, BINLOG_CHECKSUM_OFF);
	T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
	T_STR(ev.rotate.file, "b.000001");
	binlog_decoder_free(d);
	vec_free(&v);

	/* STOP: an empty body */
	for (int maria = 0; maria <= 1; maria++) {
		T_CASE(maria ? "stop mariadb" : "stop mysql");
		if (maria)
			stream_maria(&v, VEC_CRC32);
		else
			stream_mysql(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_STOP_EVENT, 0);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.body_len == 0, "body_len %zu", ev.body_len);
		binlog_decoder_free(d);
		check_cuts(&v, s, "stop cuts");
		save_seed(&v, maria ? "stop_mariadb" : "stop_mysql");
		vec_free(&v);
	}
}

/* ---------------------------------------------------------------- QUERY */

/*
 * QUERY (and MariaDB QUERY_COMPRESSED) body:
 *   0  thread_id        4
 *   4  exec_time        4
 *   8  db_len           1
 *   9  error_code       2
 *   11 status_vars_len  2
 *   13 status_vars      status_vars_len: code 1, then a code-specific value
 *   .. db               db_len bytes, then NUL
 *   .. query            to the end (zlib block when compressed)
 */
static size_t
put_query(struct vec *v, uint8_t type, const struct vec *sv, const char *db,
    const void *q, size_t qlen)
{
	size_t s = vec_begin(v, type, 0);

	vec_u32(v, 77);
	vec_u32(v, 3);
	vec_u8(v, strlen(db));
	vec_u16(v, 1146);
	vec_u16(v, sv ? sv->len : 0);
	if (sv)
		vec_bytes(v, sv->p, sv->len);
	vec_strz(v, db);
	vec_bytes(v, q, qlen);
	vec_end(v);
	return s;
}

static void
check_query_fixed(const struct binlog_query *q, const char *db,
    const char *text)
{
	T_CHECK(q->thread_id == 77, "thread_id %u", q->thread_id);
	T_CHECK(q->exec_time == 3, "exec_time %u", q->exec_time);
	T_CHECK(q->error_code == 1146, "error_code %u", q->error_code);
	T_STR(q->db, db);
	T_STR(q->query, text);
}

/* The MySQL 8.0 status variables, codes 0-20, in the order MySQL writes. */
static void
test_query_mysql(void)
{
	static const char text[] = "INSERT INTO t VALUES (1)";
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v, sv;
	const struct binlog_query *q = &ev.query;
	size_t s;

	vec_init(&sv);
	vec_u8(&sv, 0); /* Q_FLAGS2_CODE */
	vec_u32(&sv, 0x0c084000);
	vec_u8(&sv, 1); /* Q_SQL_MODE_CODE */
	vec_u64(&sv, 0x8000000001200000ull);
	vec_u8(&sv, 3); /* Q_AUTO_INCREMENT */
	vec_u16(&sv, 5);
	vec_u16(&sv, 2);
	vec_u8(&sv, 4); /* Q_CHARSET_CODE: client, connection, server */
	vec_u16(&sv, 255);
	vec_u16(&sv, 45);
	vec_u16(&sv, 8);
	vec_u8(&sv, 5); /* Q_TIME_ZONE_CODE */
	vec_lstr(&sv, "+02:00");
	vec_u8(&sv, 6); /* Q_CATALOG_NZ_CODE */
	vec_lstr(&sv, "std");
	vec_u8(&sv, 7); /* Q_LC_TIME_NAMES_CODE */
	vec_u16(&sv, 31);
	vec_u8(&sv, 8); /* Q_CHARSET_DATABASE_CODE */
	vec_u16(&sv, 224);
	vec_u8(&sv, 9); /* Q_TABLE_MAP_FOR_UPDATE_CODE */
	vec_u64(&sv, 0x5);
	vec_u8(&sv, 10); /* Q_MASTER_DATA_WRITTEN_CODE */
	vec_u32(&sv, 987);
	vec_u8(&sv, 11); /* Q_INVOKER */
	vec_lstr(&sv, "root");
	vec_lstr(&sv, "localhost");
	vec_u8(&sv, 12); /* Q_UPDATED_DB_NAMES: count, NUL-terminated names */
	vec_u8(&sv, 2);
	vec_strz(&sv, "db1");
	vec_strz(&sv, "db2");
	vec_u8(&sv, 13); /* Q_MICROSECONDS */
	vec_u24(&sv, 654321);
	vec_u8(&sv, 16); /* Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP */
	vec_u8(&sv, 1);
	vec_u8(&sv, 17); /* Q_DDL_LOGGED_WITH_XID */
	vec_u64(&sv, 0x0102030405060708ull);
	vec_u8(&sv, 18); /* Q_DEFAULT_COLLATION_FOR_UTF8MB4 */
	vec_u16(&sv, 255);
	vec_u8(&sv, 19); /* Q_SQL_REQUIRE_PRIMARY_KEY */
	vec_u8(&sv, 1);
	vec_u8(&sv, 20); /* Q_DEFAULT_TABLE_ENCRYPTION */
	vec_u8(&sv, 1);

	for (int alg = 0; alg <= 1; alg++) {
		T_CASE(alg ? "query mysql status vars crc32" :
		    "query mysql status vars off");
		stream_mysql(&v, alg);
		s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "test", text,
		    strlen(text));
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		check_query_fixed(q, "test", text);
		T_CHECK(q->has_flags2 && q->flags2 == 0x0c084000, "flags2 %x",
		    q->flags2);
		T_CHECK(q->has_sql_mode && q->sql_mode == 0x8000000001200000ull,
		    "sql_mode %llx", (unsigned long long)q->sql_mode);
		T_CHECK(q->has_auto_increment &&
		    q->auto_increment_increment == 5 &&
		    q->auto_increment_offset == 2, "auto_increment %u %u",
		    q->auto_increment_increment, q->auto_increment_offset);
		T_CHECK(q->has_charset && q->charset_client == 255 &&
		    q->collation_connection == 45 && q->collation_server == 8,
		    "charset %u %u %u", q->charset_client,
		    q->collation_connection, q->collation_server);
		T_CHECK(q->has_time_zone, "has_time_zone");
		T_STR(q->time_zone, "+02:00");
		T_STR(q->catalog, "std");
		T_CHECK(q->has_lc_time_names && q->lc_time_names == 31,
		    "lc_time_names %u", q->lc_time_names);
		T_CHECK(q->has_charset_database && q->charset_database == 224,
		    "charset_database %u", q->charset_database);
		T_CHECK(q->has_table_map_for_update &&
		    q->table_map_for_update == 5, "table_map_for_update");
		T_CHECK(q->master_data_written == 987, "master_data_written %u",
		    q->master_data_written);
		T_CHECK(q->has_invoker, "has_invoker");
		T_STR(q->invoker_user, "root");
		T_STR(q->invoker_host, "localhost");
		T_CHECK(q->n_updated_dbs == 2, "n_updated_dbs %u",
		    q->n_updated_dbs);
		T_CHECK(q->has_microseconds && q->microseconds == 654321,
		    "microseconds %u", q->microseconds);
		T_CHECK(q->has_explicit_defaults_ts &&
		    q->explicit_defaults_ts == 1, "explicit_defaults_ts");
		T_CHECK(q->has_ddl_xid && q->ddl_xid == 0x0102030405060708ull,
		    "ddl_xid %llx", (unsigned long long)q->ddl_xid);
		T_CHECK(q->has_default_collation &&
		    q->default_collation_utf8mb4 == 255, "default_collation");
		T_CHECK(q->has_sql_require_pk && q->sql_require_pk == 1,
		    "sql_require_pk");
		T_CHECK(q->has_default_table_encryption &&
		    q->default_table_encryption == 1, "table encryption");
		T_CHECK(!q->has_hrnow && !q->has_xid && !q->has_gtid_flags3 &&
		    !q->has_character_set_collations, "MariaDB vars set");
		T_CHECK(q->unknown_status_code == -1, "unknown_status_code %d",
		    q->unknown_status_code);
		binlog_decoder_free(d);
		check_cuts(&v, s, "query mysql cuts");
		save_seed(&v, alg ? "query_mysql_crc" : "query_mysql_off");
		vec_free(&v);
	}
	vec_free(&sv);

	/* no status variables, empty db: a BEGIN */
	T_CASE("query begin");
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, NULL, "", "BEGIN", 5);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_query_fixed(q, "", "BEGIN");
		T_CHECK(!q->has_flags2 && !q->has_sql_mode && !q->has_charset &&
		    !q->has_time_zone && !q->has_invoker && q->catalog.len == 0,
		    "status vars from nowhere");
		T_CHECK(q->unknown_status_code == -1, "unknown %d",
		    q->unknown_status_code);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "query begin cuts");
	vec_free(&v);

	/* Q_CATALOG_CODE (2) of 5.0.0-5.0.3: length, name, NUL */
	T_CASE("query old catalog");
	vec_init(&sv);
	vec_u8(&sv, 2);
	vec_lstr(&sv, "std");
	vec_u8(&sv, 0);
	vec_u8(&sv, 0);
	vec_u32(&sv, 0x4000);
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "d", "COMMIT", 6);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_STR(q->catalog, "std");
		T_CHECK(q->has_flags2 && q->flags2 == 0x4000, "flags2 after");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "query old catalog cuts");
	vec_free(&v);
	vec_free(&sv);

	/* more updated databases than the limit: 254 and no names */
	T_CASE("query updated dbs over max");
	vec_init(&sv);
	vec_u8(&sv, 12);
	vec_u8(&sv, 254);
	vec_u8(&sv, 13);
	vec_u24(&sv, 42);
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "d", "DROP TABLE a.t, b.t",
	    19);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(q->n_updated_dbs == 254, "n_updated_dbs %u",
		    q->n_updated_dbs);
		T_CHECK(q->has_microseconds && q->microseconds == 42,
		    "next var after 254");
		T_STR(q->query, "DROP TABLE a.t, b.t");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "query updated dbs cuts");
	vec_free(&v);
	vec_free(&sv);

	/* an unknown code ends the walk; db and query still come */
	T_CASE("query unknown status code");
	vec_init(&sv);
	vec_u8(&sv, 0);
	vec_u32(&sv, 7);
	vec_u8(&sv, 99);
	vec_u32(&sv, 0xffffffff);
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "db", "SELECT 1", 8);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(q->unknown_status_code == 99, "unknown_status_code %d",
		    q->unknown_status_code);
		T_CHECK(q->has_flags2 && q->flags2 == 7, "flags2 before it");
		T_STR(q->db, "db");
		T_STR(q->query, "SELECT 1");
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&sv);

	/* broken: a value running past the block, a block past the body */
	T_CASE("query status var overruns its block");
	vec_init(&sv);
	vec_u8(&sv, 1);
	vec_u32(&sv, 0); /* sql_mode wants 8 bytes, the block has 4 */
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "db", "SELECT 1", 8);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		T_CHECK(err_inside(&err, v.base + s, ev_len(&v, s)),
		    "error %d at %llu", err.code,
		    (unsigned long long)err.offset);
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&sv);

	T_CASE("query status_vars_len past the body");
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, NULL, "db", "SELECT 1", 8);
	vec_put_le(v.p + s + VEC_H_LEN + 11, 200, 2);
	vec_crc_fix(v.p + s, ev_len(&v, s));
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		T_CHECK(err_inside(&err, v.base + s, ev_len(&v, s)),
		    "error %d", err.code);
		binlog_decoder_free(d);
	}
	vec_free(&v);

	T_CASE("query db_len past the body");
	stream_mysql(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, NULL, "db", "X", 1);
	v.p[s + VEC_H_LEN + 8] = 40;
	vec_crc_fix(v.p + s, ev_len(&v, s));
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* MariaDB: codes 128-131 after the shared ones; 131 written first (11.5+). */
static void
test_query_mariadb(void)
{
	static const char text[] = "ALTER TABLE t ADD c INT";
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v, sv;
	const struct binlog_query *q = &ev.query;
	size_t s;

	vec_init(&sv);
	vec_u8(&sv, 0);
	vec_u32(&sv, 0x00004000);
	vec_u8(&sv, 1);
	vec_u64(&sv, 0x1000000);
	vec_u8(&sv, 3);
	vec_u16(&sv, 1);
	vec_u16(&sv, 1);
	vec_u8(&sv, 4);
	vec_u16(&sv, 33);
	vec_u16(&sv, 33);
	vec_u16(&sv, 8);
	vec_u8(&sv, 6);
	vec_lstr(&sv, "std");
	vec_u8(&sv, 128); /* Q_HRNOW */
	vec_u24(&sv, 123456);
	vec_u8(&sv, 129); /* Q_XID */
	vec_u64(&sv, 0xa1a2a3a4a5a6a7a8ull);
	vec_u8(&sv, 130); /* Q_GTID_FLAGS3; COMMIT_ALTER: + sa_seq_no 8 */
	vec_u8(&sv, BINLOG_MARIA_FL_COMMIT_ALTER);
	vec_u64(&sv, 777);
	vec_u8(&sv, 131); /* Q_CHARACTER_SET_COLLATIONS: n, n*(cs 2, coll 2) */
	vec_u8(&sv, 2);
	vec_u16(&sv, 33);
	vec_u16(&sv, 192);
	vec_u16(&sv, 45);
	vec_u16(&sv, 224);

	T_CASE("query mariadb status vars");
	stream_maria(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "test", text, strlen(text));
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		check_query_fixed(q, "test", text);
		T_CHECK(q->has_flags2 && q->flags2 == 0x4000, "flags2");
		T_CHECK(q->has_sql_mode && q->sql_mode == 0x1000000,
		    "sql_mode");
		T_CHECK(q->has_charset && q->charset_client == 33 &&
		    q->collation_server == 8, "charset");
		T_STR(q->catalog, "std");
		T_CHECK(q->has_hrnow && q->hrnow_usec == 123456, "hrnow %u",
		    q->hrnow_usec);
		T_CHECK(q->has_xid && q->xid == 0xa1a2a3a4a5a6a7a8ull, "xid");
		T_CHECK(q->has_gtid_flags3 &&
		    q->gtid_flags3 == BINLOG_MARIA_FL_COMMIT_ALTER,
		    "gtid_flags3 %u", q->gtid_flags3);
		T_CHECK(q->has_character_set_collations &&
		    q->character_set_collations_len == 9 &&
		    q->character_set_collations != NULL &&
		    q->character_set_collations[0] == 2,
		    "character_set_collations len %u",
		    q->character_set_collations_len);
		T_CHECK(q->unknown_status_code == -1, "unknown %d",
		    q->unknown_status_code);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "query mariadb cuts");
	save_seed(&v, "query_mariadb");
	vec_free(&v);
	vec_free(&sv);

	/* Q_GTID_FLAGS3 without an ALTER flag is one byte */
	T_CASE("query mariadb gtid_flags3 short");
	vec_init(&sv);
	vec_u8(&sv, 130);
	vec_u8(&sv, BINLOG_MARIA_FL_START_ALTER);
	vec_u8(&sv, 129);
	vec_u64(&sv, 5);
	stream_maria(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "d", "ALTER TABLE t1", 14);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(q->has_gtid_flags3 &&
		    q->gtid_flags3 == BINLOG_MARIA_FL_START_ALTER, "flags3");
		T_CHECK(q->has_xid && q->xid == 5, "xid after flags3");
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&sv);

	/* MariaDB 11.5+ writes 131 before the charset code */
	T_CASE("query mariadb 131 first");
	vec_init(&sv);
	vec_u8(&sv, 131);
	vec_u8(&sv, 1);
	vec_u16(&sv, 45);
	vec_u16(&sv, 2304);
	vec_u8(&sv, 0);
	vec_u32(&sv, 0);
	vec_u8(&sv, 4);
	vec_u16(&sv, 45);
	vec_u16(&sv, 2304);
	vec_u16(&sv, 45);
	stream_maria(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_QUERY_EVENT, &sv, "d",
	    "CREATE TABLE t (a INT)", 22);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(q->has_character_set_collations &&
		    q->character_set_collations_len == 5, "collations len %u",
		    q->character_set_collations_len);
		T_CHECK(q->has_flags2 && q->has_charset &&
		    q->collation_connection == 2304, "vars after 131");
		T_CHECK(q->unknown_status_code == -1, "unknown %d",
		    q->unknown_status_code);
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&sv);
}

/* ------------------------------------------- small statement-side events */

static void
test_small_events(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	/* XID: 8 bytes */
	T_CASE("xid");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_XID_EVENT, 0);
	vec_u64(&v, UINT64_MAX - 1);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.xid.xid == UINT64_MAX - 1, "xid");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "xid cuts");
	save_seed(&v, "xid");
	vec_free(&v);

	/* INTVAR: type 1 (LAST_INSERT_ID) or 2 (INSERT_ID), value 8 */
	for (uint8_t t = 1; t <= 2; t++) {
		T_CASE("intvar");
		stream_maria(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_INTVAR_EVENT, 0);
		vec_u8(&v, t);
		vec_u64(&v, (1ull << 40) + t);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.intvar.type == t &&
		    ev.intvar.value == (1ull << 40) + t,
		    "intvar %u %llu", ev.intvar.type,
		    (unsigned long long)ev.intvar.value);
		binlog_decoder_free(d);
		check_cuts(&v, s, "intvar cuts");
		save_seed(&v, t == 1 ? "intvar_last" : "intvar_insert");
		vec_free(&v);
	}

	/* RAND: seed1 8, seed2 8 */
	T_CASE("rand");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_RAND_EVENT, 0);
	vec_u64(&v, 0x0123456789abcdefull);
	vec_u64(&v, 0xfedcba9876543210ull);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(ev.rand.seed1 == 0x0123456789abcdefull &&
		    ev.rand.seed2 == 0xfedcba9876543210ull, "seeds");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "rand cuts");
	save_seed(&v, "rand");
	vec_free(&v);

	/* ROWS_QUERY: a length byte (length mod 256, ignored), then the text */
	T_CASE("rows_query");
	{
		char text[301];

		memset(text, 'q', 300);
		memcpy(text, "INSERT ", 7);
		text[300] = '\0';
		stream_mysql(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_ROWS_QUERY_EVENT, 0);
		vec_u8(&v, 300 & 0xff);
		vec_str(&v, text);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			T_STR(ev.rows_query, text);
			binlog_decoder_free(d);
		}
		check_cuts(&v, s, "rows_query cuts");
		save_seed(&v, "rows_query");
		vec_free(&v);
	}

	/* MariaDB ANNOTATE_ROWS: the text is the whole body */
	T_CASE("annotate_rows");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_ANNOTATE_ROWS_EVENT, 0);
	vec_str(&v, "UPDATE t SET a = 'x' WHERE id = 1");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_STR(ev.rows_query, "UPDATE t SET a = 'x' WHERE id = 1");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "annotate_rows cuts");
	save_seed(&v, "annotate_rows");
	vec_free(&v);

	/* INCIDENT: type 2, message length 1, message */
	T_CASE("incident");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_INCIDENT_EVENT, 0);
	vec_u16(&v, 1);
	vec_lstr(&v, "error writing to the binary log");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(ev.incident.type == 1, "type %u", ev.incident.type);
		T_STR(ev.incident.message, "error writing to the binary log");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "incident cuts");
	save_seed(&v, "incident");
	vec_free(&v);

	/* XA_PREPARE: one_phase 1, format_id 4, gtrid_len 4, bqual_len 4,
	 * data */
	T_CASE("xa_prepare");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_XA_PREPARE_EVENT, 0);
	vec_u8(&v, 1);
	vec_u32(&v, 0x1234);
	vec_u32(&v, 6);
	vec_u32(&v, 2);
	vec_str(&v, "gtrid1bq");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		const struct binlog_xa_prepare *x = &ev.xa_prepare;

		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(x->one_phase && x->format_id == 0x1234 &&
		    x->gtrid_len == 6 && x->bqual_len == 2, "xa fields");
		T_CHECK(x->data && memcmp(x->data, "gtrid1bq", 8) == 0, "data");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "xa_prepare cuts");
	save_seed(&v, "xa_prepare");
	vec_free(&v);

	/* XA_PREPARE lengths beyond the 128-byte XID: malformed */
	T_CASE("xa_prepare bad lengths");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_XA_PREPARE_EVENT, 0);
	vec_u8(&v, 0);
	vec_u32(&v, 1);
	vec_u32(&v, 0xffffffff);
	vec_u32(&v, 2);
	vec_str(&v, "ab");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/*
 * USER_VAR:
 *   0 name_len 4, name
 *   . is_null  1
 *   (not null) type 1, charset 4, value_len 4, value, [flags 1]
 * DECIMAL values are precision 1, scale 1, binary decimal.
 */
static void
test_user_var(void)
{
	static const struct {
		const char *name;
		bool is_null;
		uint8_t type;
		uint32_t charset;
		uint8_t value[16];
		uint32_t value_len;
		int flags; /* -1: none written */
	} cases[] = {
		{ "v_str", false, 0, 33, "hello", 5, 0 },
		{ "v_int", false, 2, 63, { 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff }, 8, 0 },
		{ "v_uint", false, 2, 63, { 1, 0, 0, 0, 0, 0, 0, 0x80 }, 8, 1 },
		{ "v_real", false, 1, 63, { 0, 0, 0, 0, 0, 0, 0xf8, 0x3f }, 8,
		    0 },
		{ "v_dec", false, 4, 63, { 5, 2, 0x80, 0x7b, 0x2d }, 5, 0 },
		{ "v_null", true, 0, 0, { 0 }, 0, -1 },
		{ "v_old", false, 0, 8, "x", 1, -1 },
		{ "", false, 0, 33, "", 0, 0 },
	};
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct binlog_user_var *u = &ev.user_var;

		T_CASE("user_var");
		stream_mysql(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_USER_VAR_EVENT, 0);
		vec_u32(&v, strlen(cases[i].name));
		vec_str(&v, cases[i].name);
		vec_u8(&v, cases[i].is_null);
		if (!cases[i].is_null) {
			vec_u8(&v, cases[i].type);
			vec_u32(&v, cases[i].charset);
			vec_u32(&v, cases[i].value_len);
			vec_bytes(&v, cases[i].value, cases[i].value_len);
			if (cases[i].flags >= 0)
				vec_u8(&v, cases[i].flags);
		}
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "%s: %s",
		    cases[i].name, err.msg);
		T_STR(u->name, cases[i].name);
		T_CHECK(u->is_null == cases[i].is_null, "%s: is_null",
		    cases[i].name);
		if (!cases[i].is_null) {
			T_CHECK(u->type == cases[i].type &&
			    u->charset == cases[i].charset, "%s: type %u cs %u",
			    cases[i].name, u->type, u->charset);
			T_CHECK(u->value.len == cases[i].value_len &&
			    (u->value.len == 0 ||
				memcmp(u->value.p, cases[i].value,
				    u->value.len) == 0),
			    "%s: value len %u", cases[i].name, u->value.len);
			T_CHECK(u->has_flags == (cases[i].flags >= 0) &&
			    (!u->has_flags || u->flags == cases[i].flags),
			    "%s: flags %d/%u", cases[i].name, u->has_flags,
			    u->flags);
		}
		binlog_decoder_free(d);
		check_cuts(&v, s, "user_var cuts");
		if (i == 0)
			save_seed(&v, "user_var");
		vec_free(&v);
	}

	/* value_len past the body */
	T_CASE("user_var value_len past the body");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_USER_VAR_EVENT, 0);
	vec_u32(&v, 1);
	vec_str(&v, "a");
	vec_u8(&v, 0);
	vec_u8(&v, 0);
	vec_u32(&v, 33);
	vec_u32(&v, 0x7fffffff);
	vec_str(&v, "abc");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* ------------------------------------------------------------ HEARTBEAT */

static void
test_heartbeat(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	/* v1: the file name is the body, the position is the header log_pos */
	for (int maria = 0; maria <= 1; maria++) {
		T_CASE(maria ? "heartbeat mariadb" : "heartbeat mysql");
		if (maria)
			stream_maria(&v, VEC_CRC32);
		else
			stream_mysql(&v, VEC_CRC32);
		v.timestamp = 0;
		s = vec_begin(&v, BINLOG_HEARTBEAT_EVENT, BINLOG_F_ARTIFICIAL);
		vec_str(&v, "binlog.000007");
		vec_end(&v);
		set_log_pos(&v, s, 987654);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_STR(ev.heartbeat.log_file, "binlog.000007");
		T_CHECK(ev.heartbeat.log_pos == 987654, "log_pos %llu",
		    (unsigned long long)ev.heartbeat.log_pos);
		binlog_decoder_free(d);
		check_cuts(&v, s, "heartbeat cuts");
		save_seed(&v, maria ? "heartbeat_mariadb" : "heartbeat_mysql");
		vec_free(&v);
	}

	/*
	 * v2: type-length-value fields, each a packed integer:
	 *   1 log file name (string), 2 log position (packed), 0 end mark
	 */
	T_CASE("heartbeat v2");
	stream_mysql(&v, VEC_CRC32);
	v.timestamp = 0;
	s = vec_begin(&v, BINLOG_HEARTBEAT_EVENT_V2, BINLOG_F_ARTIFICIAL);
	vec_packed(&v, 1);
	vec_pstr(&v, "binlog.000123");
	vec_packed(&v, 2);
	vec_packed(&v, vec_packed_len(0x100000005ull));
	vec_packed(&v, 0x100000005ull);
	vec_packed(&v, 0);
	vec_end(&v);
	set_log_pos(&v, s, 0);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_STR(ev.heartbeat.log_file, "binlog.000123");
		T_CHECK(ev.heartbeat.log_pos == 0x100000005ull,
		    "log_pos %llu past 4 GB",
		    (unsigned long long)ev.heartbeat.log_pos);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "heartbeat v2 cuts");
	save_seed(&v, "heartbeat_v2");
	vec_free(&v);

	/* v2 with a name length past the body */
	T_CASE("heartbeat v2 bad length");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_HEARTBEAT_EVENT_V2, BINLOG_F_ARTIFICIAL);
	vec_packed(&v, 1);
	vec_packed(&v, 200);
	vec_str(&v, "short");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* ------------------------------------------------------------ TABLE_MAP */

struct tcol {
	uint8_t type;
	uint8_t nmeta;
	uint8_t meta[2];
	bool nullable;
};

/*
 * TABLE_MAP:
 *   post-header  table_id 6, flags 2
 *   body         db_len 1, db, NUL, table_len 1, table, NUL,
 *                ncols packed, types[ncols], meta_len packed, meta,
 *                NULL bitmap (ncols+7)/8 (bit i set: column i nullable),
 *                optional metadata to the end: type 1, length packed, value
 */
static size_t
put_table_map(struct vec *v, uint64_t id, const char *db, const char *tbl,
    const struct tcol *c, unsigned n, const struct vec *opt)
{
	size_t s = vec_begin(v, BINLOG_TABLE_MAP_EVENT, 0);
	unsigned meta_len = 0;
	uint8_t nulls[8] = { 0 };

	vec_u48(v, id);
	vec_u16(v, 1);
	vec_lstr(v, db);
	vec_u8(v, 0);
	vec_lstr(v, tbl);
	vec_u8(v, 0);
	vec_packed(v, n);
	for (unsigned i = 0; i < n; i++) {
		vec_u8(v, c[i].type);
		meta_len += c[i].nmeta;
		if (c[i].nullable)
			nulls[i / 8] |= 1u << (i % 8);
	}
	vec_packed(v, meta_len);
	for (unsigned i = 0; i < n; i++)
		vec_bytes(v, c[i].meta, c[i].nmeta);
	vec_bytes(v, nulls, (n + 7) / 8);
	if (opt)
		vec_bytes(v, opt->p, opt->len);
	vec_end(v);
	return s;
}

/* One optional-metadata field: type, packed length, the bytes of f. */
static void
put_tlv(struct vec *v, uint8_t type, struct vec *f)
{
	vec_u8(v, type);
	vec_packed(v, f->len);
	vec_bytes(v, f->p, f->len);
	f->len = 0;
}

static const struct tcol wide_cols[] = {
	{ MYSQL_T_LONG, 0, { 0 }, false },
	{ MYSQL_T_VARCHAR, 2, { 40, 0 }, true },
	{ MYSQL_T_BLOB, 1, { 2 }, true },
	{ MYSQL_T_DOUBLE, 1, { 8 }, true },
	{ MYSQL_T_NEWDECIMAL, 2, { 10, 2 }, true },
	{ MYSQL_T_STRING, 2, { MYSQL_T_STRING, 10 }, true },
	{ MYSQL_T_STRING, 2, { MYSQL_T_ENUM, 1 }, true },
	{ MYSQL_T_STRING, 2, { MYSQL_T_SET, 1 }, true },
	{ MYSQL_T_BIT, 2, { 2, 1 }, true },
	{ MYSQL_T_DATETIME2, 1, { 3 }, true },
	{ MYSQL_T_TIMESTAMP2, 1, { 6 }, true },
	{ MYSQL_T_TIME2, 1, { 0 }, true },
	{ MYSQL_T_YEAR, 0, { 0 }, true },
	{ MYSQL_T_DATE, 0, { 0 }, false },
	{ MYSQL_T_JSON, 1, { 4 }, true },
	{ MYSQL_T_GEOMETRY, 1, { 4 }, true },
	/* CHAR of 300 bytes: length bits 8-9 folded into the type byte */
	{ MYSQL_T_STRING, 2, { MYSQL_T_STRING ^ 0x10, 300 & 0xff }, true },
	{ MYSQL_T_VARCHAR, 2, { 300 & 0xff, 300 >> 8 }, true },
	{ MYSQL_T_TINY, 0, { 0 }, true },
	{ MYSQL_T_LONGLONG, 0, { 0 }, true },
	{ MYSQL_T_FLOAT, 1, { 4 }, true },
	{ MYSQL_T_INT24, 0, { 0 }, true },
	{ MYSQL_T_SHORT, 0, { 0 }, true },
	{ MYSQL_T_TIMESTAMP, 0, { 0 }, true },
	{ MYSQL_T_DATETIME, 0, { 0 }, true },
	{ MYSQL_T_TIME, 0, { 0 }, true },
};
#define NWIDE (sizeof(wide_cols) / sizeof(wide_cols[0]))

static uint8_t
real_type(const struct tcol *c)
{
	if (c->type == MYSQL_T_STRING &&
	    (c->meta[0] == MYSQL_T_ENUM || c->meta[0] == MYSQL_T_SET))
		return c->meta[0];
	return c->type;
}

static void
check_plain_table(const struct binlog_table *t, uint64_t id,
    const struct tcol *c, unsigned n)
{
	T_CHECK(t != NULL, "no table");
	if (t == NULL)
		return;
	T_CHECK(t->table_id == id, "table_id %llx",
	    (unsigned long long)t->table_id);
	T_CHECK(t->flags == 1, "flags %u", t->flags);
	T_STR(t->db, "shop");
	T_STR(t->table, "orders");
	T_CHECK(t->db.p[t->db.len] == '\0' && t->table.p[t->table.len] == '\0',
	    "names NUL-terminated");
	T_CHECK(t->ncols == n, "ncols %u", t->ncols);
	T_CHECK(!t->has_optional_metadata, "optional metadata");
	T_CHECK(t->n_pk == 0, "n_pk %u", t->n_pk);
	for (unsigned i = 0; i < n && i < t->ncols; i++) {
		const struct binlog_col *col = &t->cols[i];

		T_CHECK(col->map_type == c[i].type, "col %u map_type %u", i,
		    col->map_type);
		T_CHECK(col->type == real_type(&c[i]),
		    "col %u type %u, want %u", i, col->type, real_type(&c[i]));
		T_CHECK(col->nullable == c[i].nullable, "col %u nullable", i);
		T_CHECK(col->is_unsigned == -1, "col %u is_unsigned %d", i,
		    col->is_unsigned);
		T_CHECK(col->charset == 0 && col->name.len == 0 &&
		    col->n_values == 0 && !col->in_pk, "col %u metadata", i);
		T_CHECK(col->visible, "col %u not visible by default", i);
	}
}

static void
test_table_map_plain(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	for (int maria = 0; maria <= 1; maria++) {
		T_CASE(maria ? "table_map mariadb" : "table_map mysql");
		if (maria)
			stream_maria(&v, VEC_CRC32);
		else
			stream_mysql(&v, VEC_CRC32);
		s = put_table_map(&v, 0xa1b2c3d4e5ull, "shop", "orders",
		    wide_cols, NWIDE, NULL);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		check_plain_table(ev.table_map, 0xa1b2c3d4e5ull, wide_cols,
		    NWIDE);
		T_CHECK(binlog_decoder_table(d, 0xa1b2c3d4e5ull) ==
		    ev.table_map, "decoder keeps the map");
		T_CHECK(binlog_decoder_table(d, 7) == NULL, "other id");
		binlog_decoder_free(d);
		check_cuts(&v, s, "table_map cuts");
		save_seed(&v, maria ? "table_map_mariadb" : "table_map_mysql");
		vec_free(&v);
	}

	/* metadata block shorter than the types need */
	T_CASE("table_map short meta");
	{
		static const struct tcol c[] = {
			{ MYSQL_T_VARCHAR, 1, { 40 }, true },
		};

		stream_mysql(&v, VEC_CRC32);
		s = put_table_map(&v, 9, "shop", "orders", c, 1, NULL);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(!decode_at(d, &v, s, &ev, &err),
			    "VARCHAR with 1 metadata byte accepted");
			binlog_decoder_free(d);
		}
		vec_free(&v);
	}
}

/* The 9-column table of the optional metadata tests. */
static const struct tcol opt_cols[] = {
	{ MYSQL_T_LONG, 0, { 0 }, false },                /* id, unsigned */
	{ MYSQL_T_VARCHAR, 2, { 160, 0 }, true },         /* name utf8mb4 */
	{ MYSQL_T_DOUBLE, 1, { 8 }, true },               /* score */
	{ MYSQL_T_STRING, 2, { MYSQL_T_ENUM, 1 }, true }, /* kind enum(a,b) */
	{ MYSQL_T_STRING, 2, { MYSQL_T_SET, 1 }, true },  /* tags set(x,y,z) */
	{ MYSQL_T_GEOMETRY, 1, { 4 }, true },             /* geo point */
	{ MYSQL_T_LONGLONG, 0, { 0 }, true },             /* big, unsigned */
	{ MYSQL_T_BLOB, 1, { 2 }, true },                 /* note latin1 */
	{ MYSQL_T_LONG, 0, { 0 }, true },                 /* hid, invisible */
};
static const char *const opt_names[] = {
	"id", "name", "score", "kind", "tags", "geo", "big", "note", "hid",
};

/*
 * Optional metadata as MySQL 8.0 writes it with binlog_row_metadata=FULL:
 * fields in increasing type order. compact: DEFAULT_CHARSET (a default
 * and exceptions by index among character columns), ENUM_AND_SET_DEFAULT
 * and SIMPLE_PRIMARY_KEY; else the per-column COLUMN_CHARSET forms and
 * PRIMARY_KEY_WITH_PREFIX.
 */
static void
put_opt_metadata(struct vec *o, bool compact)
{
	struct vec f;

	vec_init(&f);
	/* 1 SIGNEDNESS: one bit per numeric column (0 2 6 8), MSB first */
	vec_u8(&f, 0xa0);
	put_tlv(o, 1, &f);
	if (compact) {
		/* 2 DEFAULT_CHARSET: character columns are 1 and 7 */
		vec_packed(&f, 255);
		vec_packed(&f, 1);
		vec_packed(&f, 8);
		put_tlv(o, 2, &f);
	} else {
		/* 3 COLUMN_CHARSET */
		vec_packed(&f, 255);
		vec_packed(&f, 8);
		put_tlv(o, 3, &f);
	}
	/* 4 COLUMN_NAME */
	for (unsigned i = 0; i < 9; i++)
		vec_pstr(&f, opt_names[i]);
	put_tlv(o, 4, &f);
	/* 5 SET_STR_VALUE */
	vec_packed(&f, 3);
	vec_pstr(&f, "x");
	vec_pstr(&f, "y");
	vec_pstr(&f, "z");
	put_tlv(o, 5, &f);
	/* 6 ENUM_STR_VALUE */
	vec_packed(&f, 2);
	vec_pstr(&f, "a");
	vec_pstr(&f, "b");
	put_tlv(o, 6, &f);
	/* 7 GEOMETRY_TYPE */
	vec_packed(&f, 1);
	put_tlv(o, 7, &f);
	if (compact) {
		/* 8 SIMPLE_PRIMARY_KEY */
		vec_packed(&f, 0);
		put_tlv(o, 8, &f);
		/* 10 ENUM_AND_SET_DEFAULT_CHARSET: enum/set columns 3 and 4 */
		vec_packed(&f, 45);
		vec_packed(&f, 1);
		vec_packed(&f, 8);
		put_tlv(o, 10, &f);
	} else {
		/* 9 PRIMARY_KEY_WITH_PREFIX: (name, 10 chars), (id, whole) */
		vec_packed(&f, 1);
		vec_packed(&f, 10);
		vec_packed(&f, 0);
		vec_packed(&f, 0);
		put_tlv(o, 9, &f);
		/* 11 ENUM_AND_SET_COLUMN_CHARSET */
		vec_packed(&f, 45);
		vec_packed(&f, 8);
		put_tlv(o, 11, &f);
	}
	/* 12 COLUMN_VISIBILITY: one bit per column, MSB first */
	vec_u8(&f, 0xff);
	vec_u8(&f, 0x00);
	put_tlv(o, 12, &f);
	vec_free(&f);
}

static bool
values_are(const struct binlog_col *c, const char *const *want, unsigned n)
{
	if (c->n_values != n || (n && c->values == NULL))
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!str_is(c->values[i], want[i]))
			return false;
	return true;
}

static void
check_opt_table(const struct binlog_table *t, bool compact)
{
	static const char *const ev_[] = { "a", "b" }, *const sv_[] = { "x",
		"y", "z" };
	static const uint32_t cs[9] = { 0, 255, 0, 45, 8, 0, 0, 8, 0 };

	T_CHECK(t != NULL, "no table");
	if (t == NULL)
		return;
	T_CHECK(t->has_optional_metadata, "has_optional_metadata");
	T_CHECK(t->ncols == 9, "ncols %u", t->ncols);
	if (t->ncols != 9)
		return;
	for (unsigned i = 0; i < 9; i++) {
		T_CHECK(str_is(t->cols[i].name, opt_names[i]),
		    "col %u name %.*s", i, (int)t->cols[i].name.len,
		    t->cols[i].name.p ? t->cols[i].name.p : "");
		T_CHECK(t->cols[i].visible == (i != 8), "col %u visible %d", i,
		    t->cols[i].visible);
		if (cs[i])
			T_CHECK(t->cols[i].charset == cs[i],
			    "col %u charset %u, want %u", i, t->cols[i].charset,
			    cs[i]);
	}
	T_CHECK(t->cols[3].type == MYSQL_T_ENUM &&
	    t->cols[4].type == MYSQL_T_SET,
	    "enum/set types %u %u", t->cols[3].type, t->cols[4].type);
	T_CHECK(t->cols[0].is_unsigned == 1 && t->cols[2].is_unsigned == 0 &&
	    t->cols[6].is_unsigned == 1 && t->cols[8].is_unsigned == 0,
	    "signedness %d %d %d %d", t->cols[0].is_unsigned,
	    t->cols[2].is_unsigned, t->cols[6].is_unsigned,
	    t->cols[8].is_unsigned);
	T_CHECK(t->cols[5].charset == 0,
	    "MySQL: a GEOMETRY column is not a character column (charset %u)",
	    t->cols[5].charset);
	T_CHECK(values_are(&t->cols[3], ev_, 2), "enum values (%u)",
	    t->cols[3].n_values);
	T_CHECK(values_are(&t->cols[4], sv_, 3), "set values (%u)",
	    t->cols[4].n_values);
	T_CHECK(t->cols[5].geometry_type == 1, "geometry_type %u",
	    t->cols[5].geometry_type);
	if (compact) {
		T_CHECK(t->n_pk == 1 && t->pk && t->pk[0] == 0 &&
		    t->pk_prefix && t->pk_prefix[0] == 0, "simple pk (%u)",
		    t->n_pk);
		T_CHECK(t->cols[0].in_pk && !t->cols[1].in_pk, "in_pk");
	} else {
		T_CHECK(t->n_pk == 2 && t->pk && t->pk_prefix &&
		    t->pk[0] == 1 && t->pk_prefix[0] == 10 && t->pk[1] == 0 &&
		    t->pk_prefix[1] == 0, "pk with prefix (%u)", t->n_pk);
		T_CHECK(t->cols[0].in_pk && t->cols[1].in_pk &&
		    !t->cols[2].in_pk, "in_pk");
	}
}

static void
test_table_map_optional(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v, o;
	size_t s;

	for (int compact = 1; compact >= 0; compact--) {
		T_CASE(compact ? "table_map optional (default charset)" :
		    "table_map optional (column charset)");
		vec_init(&o);
		put_opt_metadata(&o, compact);
		stream_mysql(&v, VEC_CRC32);
		s = put_table_map(&v, 70, "shop", "orders", opt_cols, 9, &o);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			check_opt_table(ev.table_map, compact);
			binlog_decoder_free(d);
		}
		check_cuts(&v, s, "table_map optional cuts");
		save_seed(&v, compact ? "table_map_opt1" : "table_map_opt2");
		vec_free(&v);
		vec_free(&o);
	}

	/*
	 * MariaDB counts GEOMETRY among the character columns
	 * (sql/log_event_client.cc is_character_type()): index 1 of
	 * DEFAULT_CHARSET is the VARCHAR after the GEOMETRY.
	 */
	T_CASE("table_map optional metadata mariadb geometry charset");
	{
		static const struct tcol c[] = {
			{ MYSQL_T_LONG, 0, { 0 }, false },
			{ MYSQL_T_GEOMETRY, 1, { 4 }, true },
			{ MYSQL_T_VARCHAR, 2, { 30, 0 }, true },
		};
		struct vec f;

		vec_init(&o);
		vec_init(&f);
		vec_packed(&f, 63);
		vec_packed(&f, 1);
		vec_packed(&f, 33);
		put_tlv(&o, 2, &f);
		vec_free(&f);
		stream_maria(&v, VEC_CRC32);
		s = put_table_map(&v, 71, "shop", "orders", c, 3, &o);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			if (ev.table_map && ev.table_map->ncols == 3)
				T_CHECK(ev.table_map->cols[1].charset == 63 &&
				    ev.table_map->cols[2].charset == 33,
				    "charsets %u %u",
				    ev.table_map->cols[1].charset,
				    ev.table_map->cols[2].charset);
			binlog_decoder_free(d);
		}
		vec_free(&v);
		vec_free(&o);
	}

	/* a field whose length runs past the event */
	T_CASE("table_map optional field past the end");
	vec_init(&o);
	vec_u8(&o, 4);
	vec_packed(&o, 100);
	vec_pstr(&o, "id");
	stream_mysql(&v, VEC_CRC32);
	s = put_table_map(&v, 72, "shop", "orders", opt_cols, 1, &o);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&o);
}

/* ----------------------------------------------------------------- ROWS */

/* t1: id INT NOT NULL, name VARCHAR(20) latin1, score BIGINT, note BLOB */
static const struct tcol t1_cols[] = {
	{ MYSQL_T_LONG, 0, { 0 }, false },
	{ MYSQL_T_VARCHAR, 2, { 20, 0 }, true },
	{ MYSQL_T_LONGLONG, 0, { 0 }, true },
	{ MYSQL_T_BLOB, 1, { 2 }, true },
};
#define T1_ID 0x876543210ull

/*
 * Rows events (v1 23-25, v2 30-32, PARTIAL_UPDATE 39, MariaDB compressed
 * 166-171):
 *   post-header  table_id 6, flags 2,
 *                v2: extra_len 2 (counting itself), extra info
 *   body         width packed, columns-present bitmap (width+7)/8,
 *                UPDATE: after-image bitmap, then row images to the end
 *   row image    NULL bitmap over the present columns ((present+7)/8),
 *                the values of the present non-NULL columns
 */
static void
put_rows_head(struct vec *v, uint64_t id, uint16_t flags, bool v2,
    const struct vec *extra, uint64_t width, const uint8_t *before,
    const uint8_t *after)
{
	vec_u48(v, id);
	vec_u16(v, flags);
	if (v2) {
		vec_u16(v, 2 + (extra ? extra->len : 0));
		if (extra)
			vec_bytes(v, extra->p, extra->len);
	}
	vec_packed(v, width);
	vec_bytes(v, before, (width + 7) / 8);
	if (after)
		vec_bytes(v, after, (width + 7) / 8);
}

/* t1 row values */
static void
put_t1_row(struct vec *v, uint8_t present, uint8_t nulls, int32_t id,
    const char *name, int64_t score, const char *note)
{
	vec_u8(v, nulls);
	if ((present & 1) && !(nulls & 1))
		vec_u32(v, (uint32_t)id);
	nulls >>= present & 1;
	if (present & 2) {
		if (!(nulls & 1)) {
			vec_u8(v, strlen(name));
			vec_str(v, name);
		}
		nulls >>= 1;
	}
	if (present & 4) {
		if (!(nulls & 1))
			vec_u64(v, (uint64_t)score);
		nulls >>= 1;
	}
	if ((present & 8) && !(nulls & 1)) {
		vec_u16(v, strlen(note));
		vec_str(v, note);
	}
}

static void
check_rows_event(const struct binlog_event *ev, const struct vec *v,
    size_t s, enum binlog_rows_kind kind, uint8_t version, uint16_t flags,
    size_t body_start, const struct binlog_decoder *d)
{
	const struct binlog_rows_event *r = &ev->rows;

	T_CHECK(r->kind == kind, "kind %d, want %d", r->kind, kind);
	T_CHECK(r->version == version, "version %u, want %u", r->version,
	    version);
	T_CHECK(r->table_id == T1_ID, "table_id %llx",
	    (unsigned long long)r->table_id);
	T_CHECK(r->flags == flags, "flags %x", r->flags);
	T_CHECK(r->table != NULL && r->table == binlog_decoder_table(d, T1_ID),
	    "table not resolved");
	T_CHECK(r->ncols == 4, "ncols %u", r->ncols);
	if (!r->compressed) {
		T_CHECK(r->body == v->p + body_start, "body at +%td, want +%zu",
		    r->body ? r->body - (v->p + s) : -1, body_start - s);
		T_CHECK(r->body_offset == v->base + body_start,
		    "body_offset %llu", (unsigned long long)r->body_offset);
		T_CHECK(r->body_len ==
		    s + ev_len(v, s) - (v->crc ? 4 : 0) - body_start,
		    "body_len %zu", r->body_len);
	}
}

/*
 * MariaDB "hires" temporal columns (mysql56_temporal_format=OFF): the table
 * map gives TIME, DATETIME, TIMESTAMP with no metadata; the caller names the
 * precision with binlog_decoder_set_hires and the rows decode in that layout.
 */
static void
test_rows_hires(void)
{
	static const struct tcol cols[] = {
		{ MYSQL_T_LONG, 0, { 0 }, false },
		{ MYSQL_T_DATETIME, 0, { 0 }, true },
		{ MYSQL_T_TIME, 0, { 0 }, true },
		{ MYSQL_T_TIMESTAMP, 0, { 0 }, true },
	};
	static const uint8_t all = 0x0f;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v;
	size_t s, m;
	int rc;

	T_CASE("hires temporal columns");
	stream_maria(&v, VEC_CRC32);
	m = put_table_map(&v, 0x55, "shop", "old", cols, 4, NULL);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT_V1, 0);
	put_rows_head(&v, 0x55, BINLOG_ROWS_F_STMT_END, false, NULL, 4, &all, NULL);
	vec_u8(&v, 0);                     /* no NULLs */
	vec_u32(&v, 9);                    /* id */
	vec_be(&v, 0xff88cffaa5e087ull, 8); /* 2001-02-03 04:05:06.000007 */
	vec_be(&v, 0xb15478ebull, 5);      /* -12:34:56.789 */
	vec_be32(&v, 1000000000);          /* 2001-09-09 01:46:40.25 UTC */
	vec_u8(&v, 25);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!binlog_decoder_set_hires(d, 0x56, 1, 6), "unknown table");
		T_CHECK(!binlog_decoder_set_hires(d, 0x55, 0, 6), "INT column");
		T_CHECK(!binlog_decoder_set_hires(d, 0x55, 4, 6), "column 5 of 4");
		T_CHECK(!binlog_decoder_set_hires(d, 0x55, 1, 0), "precision 0");
		T_CHECK(!binlog_decoder_set_hires(d, 0x55, 1, 7), "precision 7");
		T_CHECK(binlog_decoder_set_hires(d, 0x55, 1, 6), "DATETIME(6)");
		T_CHECK(binlog_decoder_set_hires(d, 0x55, 1, 6), "DATETIME(6) again");
		T_CHECK(!binlog_decoder_set_hires(d, 0x55, 1, 5), "DATETIME(6) as 5");
		T_CHECK(binlog_decoder_set_hires(d, 0x55, 2, 3), "TIME(3)");
		T_CHECK(binlog_decoder_set_hires(d, 0x55, 3, 2), "TIMESTAMP(2)");
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 4);
		m = 0;
		rc = binlog_rows_next(&ev.rows, &m, NULL, &rb.after, &err);
		T_CHECK(rc == 1, "row: %d %s", rc, err.msg);
		T_VAL_INT(&rb.a[0], 9);
		T_CHECK(rb.a[1].kind == BV_DATETIME && rb.a[1].tm.year == 2001 &&
		    rb.a[1].tm.month == 2 && rb.a[1].tm.day == 3 &&
		    rb.a[1].tm.hour == 4 && rb.a[1].tm.minute == 5 &&
		    rb.a[1].tm.second == 6 && rb.a[1].tm.usec == 7,
		    "datetime %d-%u-%u %u:%u:%u.%u", rb.a[1].tm.year,
		    rb.a[1].tm.month, rb.a[1].tm.day, rb.a[1].tm.hour,
		    rb.a[1].tm.minute, rb.a[1].tm.second, rb.a[1].tm.usec);
		T_CHECK(rb.a[2].kind == BV_TIME && rb.a[2].tm.neg &&
		    rb.a[2].tm.hour == 12 && rb.a[2].tm.minute == 34 &&
		    rb.a[2].tm.second == 56 && rb.a[2].tm.usec == 789000,
		    "time %s%u:%u:%u.%u", rb.a[2].tm.neg ? "-" : "",
		    rb.a[2].tm.hour, rb.a[2].tm.minute, rb.a[2].tm.second,
		    rb.a[2].tm.usec);
		T_CHECK(rb.a[3].kind == BV_TIMESTAMP &&
		    rb.a[3].ts.sec == 1000000000 && rb.a[3].ts.usec == 250000,
		    "timestamp %u.%u", (unsigned)rb.a[3].ts.sec,
		    (unsigned)rb.a[3].ts.usec);
		rc = binlog_rows_next(&ev.rows, &m, NULL, &rb.after, &err);
		T_CHECK(rc == 0, "end: %d %s", rc, err.msg);
		binlog_decoder_free(d);
	}
	/* without the precisions the same row is 5.1-era DATETIME: refused */
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 4);
		m = 0;
		rc = binlog_rows_next(&ev.rows, &m, NULL, &rb.after, &err);
		T_CHECK(rc < 0, "read as the 0-digit layout: %d", rc);
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

static size_t
stream_t1(struct vec *v, bool maria)
{
	if (maria)
		stream_maria(v, VEC_CRC32);
	else
		stream_mysql(v, VEC_CRC32);
	return put_table_map(v, T1_ID, "shop", "t1", t1_cols, 4, NULL);
}

static void
test_rows_v2(void)
{
	static const uint8_t all = 0x0f;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v, x;
	size_t s, body, pos;
	int rc;

	/* WRITE v2, full image, two rows, the second with NULLs */
	T_CASE("write_rows v2");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, BINLOG_ROWS_F_STMT_END, true, NULL, 4, &all,
	    NULL);
	body = v.len;
	put_t1_row(&v, all, 0x00, 1, "ab", -7, "xyz");
	put_t1_row(&v, all, 0x06, 2, NULL, 0, "");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		check_rows_event(&ev, &v, s, BINLOG_ROWS_WRITE, 2,
		    BINLOG_ROWS_F_STMT_END, body, d);
		T_CHECK(ev.rows.extra_len == 0, "extra_len %u",
		    ev.rows.extra_len);
		T_CHECK(ev.rows.cols_before && ev.rows.cols_before[0] == all,
		    "cols_before");
		T_CHECK(ev.rows.cols_after == NULL ||
		    ev.rows.cols_after[0] == all, "cols_after");
		rowbuf_init(&rb, 4);
		pos = 0;
		rc = binlog_rows_next(&ev.rows, &pos, NULL, &rb.after, &err);
		T_CHECK(rc == 1, "row 1: %d %s", rc, err.msg);
		T_VAL_INT(&rb.a[0], 1);
		T_VAL_STR(&rb.a[1], BV_STRING, "ab");
		T_VAL_INT(&rb.a[2], -7);
		T_VAL_STR(&rb.a[3], BV_BLOB, "xyz");
		T_CHECK(rb.after.offset == v.base + body, "row offset %zu",
		    rb.after.offset);
		rc = binlog_rows_next(&ev.rows, &pos, NULL, &rb.after, &err);
		T_CHECK(rc == 1, "row 2: %d %s", rc, err.msg);
		T_VAL_INT(&rb.a[0], 2);
		T_VAL_KIND(&rb.a[1], BV_NULL);
		T_VAL_KIND(&rb.a[2], BV_NULL);
		T_VAL_STR(&rb.a[3], BV_BLOB, "");
		rc = binlog_rows_next(&ev.rows, &pos, NULL, &rb.after, &err);
		T_CHECK(rc == 0, "end: %d %s", rc, err.msg);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "write_rows v2 cuts");
	save_seed(&v, "write_rows_v2");
	vec_free(&v);

	/*
	 * UPDATE v2, minimal images with gaps, extra row info:
	 *   NDB info: type 0, length L (counting itself, format), format, data
	 *   partition: type 1, partition_id 2, source_partition_id 2 (UPDATE)
	 */
	T_CASE("update_rows v2 minimal, extra info");
	vec_init(&x);
	vec_u8(&x, 0);
	vec_u8(&x, 5);
	vec_u8(&x, 0);
	vec_str(&x, "ndb");
	vec_u8(&x, 1);
	vec_u16(&x, 3);
	vec_u16(&x, 4);
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_UPDATE_ROWS_EVENT, 0);
	{
		const uint8_t bi = 0x05, ai = 0x0a;

		put_rows_head(&v, T1_ID, BINLOG_ROWS_F_STMT_END, true, &x, 4,
		    &bi, &ai);
		body = v.len;
		put_t1_row(&v, bi, 0x00, 2, NULL, 100, NULL);
		put_t1_row(&v, ai, 0x02, 0, "zz", 0, NULL);
	}
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_rows_event(&ev, &v, s, BINLOG_ROWS_UPDATE, 2,
		    BINLOG_ROWS_F_STMT_END, body, d);
		T_CHECK(ev.rows.extra_len == x.len && ev.rows.extra &&
		    memcmp(ev.rows.extra, x.p, x.len) == 0, "extra %u bytes",
		    ev.rows.extra_len);
		T_CHECK(ev.rows.cols_before && ev.rows.cols_before[0] == 0x05 &&
		    ev.rows.cols_after && ev.rows.cols_after[0] == 0x0a,
		    "bitmaps");
		rowbuf_init(&rb, 4);
		pos = 0;
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 1, "row: %d %s", rc, err.msg);
		T_VAL_INT(&rb.b[0], 2);
		T_VAL_KIND(&rb.b[1], BV_ABSENT);
		T_VAL_INT(&rb.b[2], 100);
		T_VAL_KIND(&rb.b[3], BV_ABSENT);
		T_VAL_KIND(&rb.a[0], BV_ABSENT);
		T_VAL_STR(&rb.a[1], BV_STRING, "zz");
		T_VAL_KIND(&rb.a[2], BV_ABSENT);
		T_VAL_KIND(&rb.a[3], BV_NULL);
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 0, "end: %d %s", rc, err.msg);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "update_rows v2 cuts");
	save_seed(&v, "update_rows_v2");
	vec_free(&v);
	vec_free(&x);

	/* DELETE v2 with a partition id (no source partition outside UPDATE) */
	T_CASE("delete_rows v2 partition");
	vec_init(&x);
	vec_u8(&x, 1);
	vec_u16(&x, 7);
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_DELETE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, &x, 4, &all, NULL);
	body = v.len;
	put_t1_row(&v, all, 0x08, -5, "q", INT64_MIN, NULL);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_rows_event(&ev, &v, s, BINLOG_ROWS_DELETE, 2, 0, body, d);
		T_CHECK(ev.rows.extra_len == 3 && ev.rows.extra &&
		    ev.rows.extra[0] == 1, "extra");
		rowbuf_init(&rb, 4);
		pos = 0;
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, NULL, &err);
		T_CHECK(rc == 1, "row: %d %s", rc, err.msg);
		T_VAL_INT(&rb.b[0], -5);
		T_VAL_STR(&rb.b[1], BV_STRING, "q");
		T_VAL_INT(&rb.b[2], INT64_MIN);
		T_VAL_KIND(&rb.b[3], BV_NULL);
		T_CHECK(binlog_rows_next(&ev.rows, &pos, &rb.before, NULL,
		    &err) == 0, "end");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "delete_rows v2 cuts");
	save_seed(&v, "delete_rows_v2");
	vec_free(&v);
	vec_free(&x);

	/* extra_len below 2 cannot count itself */
	T_CASE("rows v2 extra_len 1");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	vec_u48(&v, T1_ID);
	vec_u16(&v, 0);
	vec_u16(&v, 1);
	vec_packed(&v, 4);
	vec_u8(&v, all);
	put_t1_row(&v, all, 0x0e, 1, NULL, 0, NULL);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		T_CHECK(!ok || walk_rows(&ev.rows, &err) < 0,
		    "extra_len 1 accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

static void
test_rows_v1(void)
{
	static const uint8_t all = 0x0f;
	static const uint8_t types[3] = { BINLOG_WRITE_ROWS_EVENT_V1,
		BINLOG_UPDATE_ROWS_EVENT_V1, BINLOG_DELETE_ROWS_EVENT_V1 };
	static const enum binlog_rows_kind kinds[3] = { BINLOG_ROWS_WRITE,
		BINLOG_ROWS_UPDATE, BINLOG_ROWS_DELETE };
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v;
	size_t s, body, pos;
	int rc;

	for (int k = 0; k < 3; k++) {
		T_CASE("rows v1 mariadb");
		stream_t1(&v, true);
		s = vec_begin(&v, types[k], 0);
		put_rows_head(&v, T1_ID, BINLOG_ROWS_F_STMT_END, false, NULL, 4,
		    &all, k == 1 ? &all : NULL);
		body = v.len;
		put_t1_row(&v, all, 0x00, 10 + k, "mdb", 1ll << 40, "blob");
		if (k == 1)
			put_t1_row(&v, all, 0x0e, 20, NULL, 0, NULL);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		check_rows_event(&ev, &v, s, kinds[k], 1,
		    BINLOG_ROWS_F_STMT_END, body, d);
		T_CHECK(ev.rows.extra_len == 0, "v1 has no extra");
		T_CHECK(!ev.rows.compressed, "compressed");
		rowbuf_init(&rb, 4);
		pos = 0;
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 1, "row: %d %s", rc, err.msg);
		{
			struct binlog_value *x = k == 0 ? rb.a : rb.b;

			T_VAL_INT(&x[0], 10 + k);
			T_VAL_STR(&x[1], BV_STRING, "mdb");
			T_VAL_INT(&x[2], 1ll << 40);
			T_VAL_STR(&x[3], BV_BLOB, "blob");
		}
		if (k == 1) {
			T_VAL_INT(&rb.a[0], 20);
			T_VAL_KIND(&rb.a[1], BV_NULL);
			T_VAL_KIND(&rb.a[3], BV_NULL);
		}
		T_CHECK(binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err) == 0, "end");
		binlog_decoder_free(d);
		check_cuts(&v, s, "rows v1 cuts");
		save_seed(&v, k == 0 ? "write_rows_v1" :
		    k == 1 ? "update_rows_v1" : "delete_rows_v1");
		vec_free(&v);
	}
}

/* More than 8 columns: two-byte bitmaps, NULL bits across the byte edge. */
static void
test_rows_wide(void)
{
	struct tcol c[10];
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v;
	const uint8_t present[2] = { 0xff, 0x03 };
	const uint16_t nulls = 0x2a5; /* columns 0 2 5 7 9 */
	size_t s, pos;

	for (int i = 0; i < 10; i++)
		c[i] = (struct tcol){ MYSQL_T_TINY, 0, { 0 }, true };
	T_CASE("rows wide");
	stream_mysql(&v, VEC_CRC32);
	put_table_map(&v, T1_ID, "shop", "t10", c, 10, NULL);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 10, present, NULL);
	vec_u16(&v, nulls);
	for (int i = 0; i < 10; i++)
		if (!(nulls & (1u << i)))
			vec_u8(&v, (uint8_t)(-i));
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 10);
		pos = 0;
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 1, "row: %s", err.msg);
		for (int i = 0; i < 10; i++) {
			if (nulls & (1u << i))
				T_VAL_KIND(&rb.a[i], BV_NULL);
			else
				T_VAL_INT(&rb.a[i], -i);
		}
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 0, "end");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "rows wide cuts");
	save_seed(&v, "rows_wide");
	vec_free(&v);
}

/* Unsigned columns known from SIGNEDNESS metadata decode as BV_UINT. */
static void
test_rows_unsigned(void)
{
	static const struct tcol c[] = {
		{ MYSQL_T_LONG, 0, { 0 }, false },
		{ MYSQL_T_LONGLONG, 0, { 0 }, false },
		{ MYSQL_T_TINY, 0, { 0 }, false },
	};
	const uint8_t all = 0x07;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v, o, f;
	size_t s, pos;

	T_CASE("rows unsigned");
	vec_init(&o);
	vec_init(&f);
	vec_u8(&f, 0xc0); /* LONG and LONGLONG unsigned, TINY signed */
	put_tlv(&o, 1, &f);
	vec_free(&f);
	stream_mysql(&v, VEC_CRC32);
	put_table_map(&v, T1_ID, "shop", "u", c, 3, &o);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 3, &all, NULL);
	vec_u8(&v, 0);
	vec_u32(&v, 0xffffffff);
	vec_u64(&v, UINT64_MAX);
	vec_u8(&v, 0xff);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 3);
		pos = 0;
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 1, "row: %s", err.msg);
		T_CHECK(rb.a[0].kind == BV_UINT && rb.a[0].u == 0xffffffffu,
		    "unsigned int: kind %u u %llu", rb.a[0].kind,
		    (unsigned long long)rb.a[0].u);
		T_CHECK(rb.a[1].kind == BV_UINT && rb.a[1].u == UINT64_MAX,
		    "unsigned bigint: kind %u", rb.a[1].kind);
		T_VAL_INT(&rb.a[2], -1);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "rows unsigned cuts");
	save_seed(&v, "rows_unsigned");
	vec_free(&v);
	vec_free(&o);
}

/* Rows that do not fit their table or their event. */
static void
test_rows_broken(void)
{
	const uint8_t all = 0x0f;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s, body;
	bool ok;

	/* no TABLE_MAP for the id: never skipped */
	T_CASE("rows unknown table id");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID + 1, 0, true, NULL, 4, &all, NULL);
	put_t1_row(&v, all, 0x0e, 1, NULL, 0, NULL);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err),
		    "rows of an unmapped table decoded");
		T_CHECK(err_inside(&err, v.base + s, ev_len(&v, s)),
		    "error %d at %llu: %s", err.code,
		    (unsigned long long)err.offset, err.msg);
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/* after binlog_decoder_forget_tables() the map is gone */
	T_CASE("rows after forget_tables");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 4, &all, NULL);
	put_t1_row(&v, all, 0x0e, 1, NULL, 0, NULL);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(binlog_decoder_table(d, T1_ID) != NULL, "mapped");
		binlog_decoder_forget_tables(d);
		T_CHECK(binlog_decoder_table(d, T1_ID) == NULL, "still mapped");
		T_CHECK(!decode_at(d, &v, s, &ev, &err),
		    "rows of a forgotten table decoded");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/* width differs from the table's column count */
	T_CASE("rows width mismatch");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 5, (const uint8_t[]){ 0x1f },
	    NULL);
	put_t1_row(&v, all, 0x0e, 1, NULL, 0, NULL);
	vec_u8(&v, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		ok = decode_at(d, &v, s, &ev, &err);
		T_CHECK(!ok || walk_rows(&ev.rows, &err) < 0,
		    "5 columns of a 4-column table accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/* a value cut by the end of the event */
	T_CASE("rows value past the end");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 4, &all, NULL);
	body = v.len;
	vec_u8(&v, 0);
	vec_u32(&v, 1);
	vec_u8(&v, 10); /* VARCHAR length 10, 3 bytes follow */
	vec_str(&v, "abc");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		struct rowbuf rb;
		size_t pos = 0;
		int rc;

		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 4);
		memset(&err, 0, sizeof(err));
		rc = binlog_rows_next(&ev.rows, &pos, NULL, &rb.after, &err);
		T_CHECK(rc == -1, "rc %d", rc);
		T_CHECK(err.code != PROTO_OK && err.offset >= v.base + body &&
		    err.offset <= v.base + body + 10, "error %d at %llu",
		    err.code, (unsigned long long)err.offset);
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/* a NULL bit for a NOT NULL column is not an error: MySQL stores it */
	T_CASE("rows null in not-null column");
	stream_t1(&v, false);
	s = vec_begin(&v, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 4, &all, NULL);
	put_t1_row(&v, all, 0x0f, 0, NULL, 0, NULL);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		struct rowbuf rb;
		size_t pos = 0;

		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		rowbuf_init(&rb, 4);
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 1, "row: %s", err.msg);
		T_VAL_KIND(&rb.a[0], BV_NULL);
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* -------------------------------------------------- PARTIAL_UPDATE_ROWS */

/* JSON {"a": 1} in MySQL binary form: small object, one int16 member */
static const uint8_t json_a1[] = {
	0x00,             /* small object */
	0x01, 0x00,       /* 1 member */
	0x0c, 0x00,       /* 12 bytes */
	0x0b, 0x00, 0x01, 0x00, /* key at 11, length 1 */
	0x05, 0x01, 0x00, /* int16 1, inlined */
	'a',
};

/*
 * A JSON diff list (sql/json_diff.cc Json_diff::write_binary):
 *   operation 1 (0 REPLACE, 1 INSERT, 2 REMOVE), path length packed, path,
 *   unless REMOVE: value length packed, binary JSON value
 * In a row image it follows a 4-byte length.
 */
static void
put_diffs(struct vec *d)
{
	vec_u8(d, 0);
	vec_pstr(d, "$.a");
	vec_packed(d, 3);
	vec_u8(d, 0x05);
	vec_u16(d, 2);
	vec_u8(d, 1);
	vec_pstr(d, "$.b");
	vec_packed(d, 2);
	vec_u8(d, 0x04);
	vec_u8(d, 0x01);
	vec_u8(d, 2);
	vec_pstr(d, "$.c");
}

/*
 * PARTIAL_UPDATE_ROWS (39): v2 layout; the after image starts with
 * value_options (packed; bit 0 PARTIAL_JSON) and, when that bit is set, a
 * bitmap with one bit per JSON column of the table (present or not):
 * a set bit makes that column's value a diff list instead of a document
 * (sql/rpl_record.cc pack_row / start_partial_bit_reader).
 */
static void
test_partial_update(void)
{
	static const struct tcol c[] = {
		{ MYSQL_T_LONG, 0, { 0 }, false },
		{ MYSQL_T_JSON, 1, { 4 }, true },
		{ MYSQL_T_JSON, 1, { 4 }, true },
	};
	const uint8_t bi = 0x07, ai = 0x03;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v, diffs;
	size_t s, pos;
	int rc;

	vec_init(&diffs);
	put_diffs(&diffs);
	T_CASE("partial_update_rows");
	stream_mysql(&v, VEC_CRC32);
	put_table_map(&v, T1_ID, "shop", "docs", c, 3, NULL);
	s = vec_begin(&v, BINLOG_PARTIAL_UPDATE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, BINLOG_ROWS_F_STMT_END, true, NULL, 3, &bi,
	    &ai);
	/* row 1: before full, after with j as a diff */
	vec_u8(&v, 0x00);
	vec_u32(&v, 1);
	vec_u32(&v, sizeof(json_a1));
	vec_bytes(&v, json_a1, sizeof(json_a1));
	vec_u32(&v, sizeof(json_a1));
	vec_bytes(&v, json_a1, sizeof(json_a1));
	vec_packed(&v, 1);    /* value_options: PARTIAL_JSON */
	vec_u8(&v, 0x01);     /* j partial, k not */
	vec_u8(&v, 0x00);     /* NULL bits of id, j */
	vec_u32(&v, 1);
	vec_u32(&v, diffs.len);
	vec_bytes(&v, diffs.p, diffs.len);
	/* row 2: before k NULL, after without partial bits: whole document */
	vec_u8(&v, 0x04);
	vec_u32(&v, 2);
	vec_u32(&v, sizeof(json_a1));
	vec_bytes(&v, json_a1, sizeof(json_a1));
	vec_packed(&v, 0);
	vec_u8(&v, 0x00);
	vec_u32(&v, 2);
	vec_u32(&v, sizeof(json_a1));
	vec_bytes(&v, json_a1, sizeof(json_a1));
	/* row 3: partial bits present, j not partial: whole document */
	vec_u8(&v, 0x06);
	vec_u32(&v, 3);
	vec_packed(&v, 1);
	vec_u8(&v, 0x00);
	vec_u8(&v, 0x00);
	vec_u32(&v, 3);
	vec_u32(&v, sizeof(json_a1));
	vec_bytes(&v, json_a1, sizeof(json_a1));
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.rows.kind == BINLOG_ROWS_PARTIAL_UPDATE &&
		    ev.rows.version == 2, "kind %d version %u", ev.rows.kind,
		    ev.rows.version);
		rowbuf_init(&rb, 3);
		pos = 0;
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 1, "row 1: %d %s", rc, err.msg);
		T_VAL_INT(&rb.b[0], 1);
		T_CHECK(val_bytes(&rb.b[1], BV_JSON, json_a1, sizeof(json_a1)),
		    "before j kind %u len %u", rb.b[1].kind, rb.b[1].bytes.len);
		T_CHECK(val_bytes(&rb.b[2], BV_JSON, json_a1, sizeof(json_a1)),
		    "before k");
		T_VAL_INT(&rb.a[0], 1);
		T_CHECK(val_bytes(&rb.a[1], BV_JSON_DIFF, diffs.p, diffs.len),
		    "after j: kind %u len %u, want JSON_DIFF of %zu bytes",
		    rb.a[1].kind, rb.a[1].bytes.len, diffs.len);
		T_VAL_KIND(&rb.a[2], BV_ABSENT);
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 1, "row 2: %d %s", rc, err.msg);
		T_VAL_KIND(&rb.b[2], BV_NULL);
		T_VAL_INT(&rb.a[0], 2);
		T_CHECK(val_bytes(&rb.a[1], BV_JSON, json_a1, sizeof(json_a1)),
		    "row 2 after j: kind %u", rb.a[1].kind);
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 1, "row 3: %d %s", rc, err.msg);
		T_VAL_KIND(&rb.b[1], BV_NULL);
		T_CHECK(val_bytes(&rb.a[1], BV_JSON, json_a1, sizeof(json_a1)),
		    "row 3 after j: kind %u", rb.a[1].kind);
		rc = binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err);
		T_CHECK(rc == 0, "end: %d %s", rc, err.msg);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "partial_update_rows cuts");
	save_seed(&v, "partial_update_rows");
	vec_free(&v);

	/* value_options beyond PARTIAL_JSON: corrupt (MySQL refuses > 1) */
	T_CASE("partial_update_rows bad value_options");
	stream_mysql(&v, VEC_CRC32);
	put_table_map(&v, T1_ID, "shop", "docs", c, 3, NULL);
	s = vec_begin(&v, BINLOG_PARTIAL_UPDATE_ROWS_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 3, &bi, &ai);
	vec_u8(&v, 0x06);
	vec_u32(&v, 3);
	vec_packed(&v, 2);
	vec_u8(&v, 0x00);
	vec_u8(&v, 0x02);
	vec_u32(&v, 3);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		T_CHECK(!ok || walk_rows(&ev.rows, &err) < 0,
		    "value_options 2 accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&diffs);
}

/* ------------------------------------------------------------ MySQL GTID */

static const uint8_t sid1[16] = {
	0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1,
	0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62,
};

struct mgtid {
	uint8_t flags;
	const uint8_t *sid;
	int64_t gno;
	bool lt;                 /* logical timestamps (5.7+) */
	int64_t lc, seq;
	bool ts;                 /* commit timestamps (8.0.1+) */
	uint64_t imm_ts, orig_ts; /* differ: written with the high bit */
	bool len;                /* transaction length (8.0.2+) */
	uint64_t trx_len;
	bool ver;                /* server versions (8.0.14+) */
	uint32_t imm_ver, orig_ver;
	bool ticket;             /* commit group ticket (8.0.33+) */
	uint64_t group_ticket;
};

/*
 * GTID (33) / ANONYMOUS_GTID (34), libbinlogevents Gtid_event:
 *   0  flags            1   bit 0: may have SBR statements
 *   1  sid             16
 *   17 gno              8
 *   25 lt_type          1   2: logical timestamps follow
 *   26 last_committed   8
 *   34 sequence_number  8
 *   42 immediate_commit_timestamp 7   bit 55: original timestamp follows
 *   .. original_commit_timestamp  7
 *   .. transaction_length packed
 *   .. immediate_server_version 4    bit 31: original version follows
 *   .. original_server_version  4
 *   .. commit_group_ticket      8
 */
static size_t
put_mysql_gtid(struct vec *v, uint8_t type, const struct mgtid *g)
{
	size_t s = vec_begin(v, type, 0);

	vec_u8(v, g->flags);
	vec_bytes(v, g->sid, 16);
	vec_u64(v, (uint64_t)g->gno);
	if (g->lt) {
		vec_u8(v, 2);
		vec_u64(v, (uint64_t)g->lc);
		vec_u64(v, (uint64_t)g->seq);
	}
	if (g->ts) {
		bool orig = g->orig_ts != g->imm_ts;

		vec_uint(v, g->imm_ts | (orig ? 1ull << 55 : 0), 7);
		if (orig)
			vec_uint(v, g->orig_ts, 7);
	}
	if (g->len)
		vec_packed(v, g->trx_len);
	if (g->ver) {
		bool orig = g->orig_ver != g->imm_ver;

		vec_u32(v, g->imm_ver | (orig ? 1u << 31 : 0));
		if (orig)
			vec_u32(v, g->orig_ver);
	}
	if (g->ticket)
		vec_u64(v, g->group_ticket);
	vec_end(v);
	return s;
}

static void
check_mysql_gtid(const struct binlog_mysql_gtid *x, const struct mgtid *g)
{
	T_CHECK(x->flags == g->flags, "flags %u", x->flags);
	T_CHECK(memcmp(x->sid, g->sid, 16) == 0, "sid");
	T_CHECK(x->gno == g->gno, "gno %lld", (long long)x->gno);
	T_CHECK(x->tag.len == 0, "tag");
	T_CHECK(x->has_logical_ts == g->lt, "has_logical_ts %d",
	    x->has_logical_ts);
	if (g->lt)
		T_CHECK(x->last_committed == g->lc &&
		    x->sequence_number == g->seq, "lc %lld seq %lld",
		    (long long)x->last_committed,
		    (long long)x->sequence_number);
	T_CHECK(x->has_commit_ts == g->ts, "has_commit_ts %d",
	    x->has_commit_ts);
	if (g->ts)
		T_CHECK(x->immediate_commit_ts == g->imm_ts &&
		    x->original_commit_ts == g->orig_ts,
		    "commit ts %llu %llu, want %llu %llu",
		    (unsigned long long)x->immediate_commit_ts,
		    (unsigned long long)x->original_commit_ts,
		    (unsigned long long)g->imm_ts,
		    (unsigned long long)g->orig_ts);
	T_CHECK(x->has_trx_length == g->len, "has_trx_length %d",
	    x->has_trx_length);
	if (g->len)
		T_CHECK(x->transaction_length == g->trx_len, "trx_length %llu",
		    (unsigned long long)x->transaction_length);
	T_CHECK(x->has_server_version == g->ver, "has_server_version %d",
	    x->has_server_version);
	if (g->ver)
		T_CHECK(x->immediate_server_version == g->imm_ver &&
		    x->original_server_version == g->orig_ver,
		    "versions %u %u", x->immediate_server_version,
		    x->original_server_version);
	T_CHECK(x->has_commit_group_ticket == g->ticket, "ticket %d",
	    x->has_commit_group_ticket);
	if (g->ticket)
		T_CHECK(x->commit_group_ticket == g->group_ticket, "ticket");
}

static void
test_mysql_gtid(void)
{
	static const uint8_t zero[16];
	static const struct mgtid cases[] = {
		/* 8.0.36 with everything; originated elsewhere */
		{ 1, sid1, 1234, true, 5, 6, true, 1700000000123456ull,
		    1690000000654321ull, true, 1000, true, 80036, 80032, false,
		    0 },
		/* originated here: no original values on the wire */
		{ 0, sid1, 7, true, 0, 1, true, 1700000000000001ull,
		    1700000000000001ull, true, 300, true, 80036, 80036, false,
		    0 },
		/* big transaction length (packed 0xfe), group ticket */
		{ 0, sid1, INT64_MAX, true, 100, 101, true, 1, 1, true,
		    5000000000ull, true, 80400, 80400, true, 42 },
		/* 8.0.1: timestamps, nothing after */
		{ 0, sid1, 9, true, 1, 2, true, 1500000000000000ull,
		    1500000000000000ull, false, 0, false, 0, 0, false, 0 },
		/* 5.7: logical timestamps only */
		{ 1, sid1, 8, true, 3, 4, false, 0, 0, false, 0, false, 0, 0,
		    false, 0 },
	};
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_CASE("mysql gtid");
		stream_mysql(&v, VEC_CRC32);
		s = put_mysql_gtid(&v, BINLOG_GTID_EVENT, &cases[i]);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "case %zu: %s", i,
		    err.msg);
		check_header(&ev, &v, s);
		check_mysql_gtid(&ev.gtid, &cases[i]);
		binlog_decoder_free(d);
		check_cuts(&v, s, "mysql gtid cuts");
		if (i == 0)
			save_seed(&v, "gtid_mysql");
		vec_free(&v);
	}

	/* ANONYMOUS_GTID: same layout, zero sid */
	T_CASE("mysql anonymous gtid");
	{
		struct mgtid g = { 1, zero, 0, true, 10, 11, true, 5, 5, true,
			77, true, 80036, 80036, false, 0 };

		stream_mysql(&v, VEC_CRC_OFF);
		s = put_mysql_gtid(&v, BINLOG_ANONYMOUS_GTID_EVENT, &g);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			check_header(&ev, &v, s);
			check_mysql_gtid(&ev.gtid, &g);
			binlog_decoder_free(d);
		}
		check_cuts(&v, s, "anonymous gtid cuts");
		save_seed(&v, "gtid_anonymous");
		vec_free(&v);
	}

	/* 5.6: a 25-byte post-header, no logical timestamps */
	T_CASE("mysql 5.6 gtid");
	{
		struct mgtid g = { 1, sid1, 55, false, 0, 0, false, 0, 0, false,
			0, false, 0, 0, false, 0 };

		vec_init(&v);
		vec_fde_mysql56(&v, VEC_CRC32);
		s = put_mysql_gtid(&v, BINLOG_GTID_EVENT, &g);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			check_mysql_gtid(&ev.gtid, &g);
			binlog_decoder_free(d);
		}
		check_cuts(&v, s, "mysql 5.6 gtid cuts");
		save_seed(&v, "gtid_mysql56");
		vec_free(&v);
	}

	/* a logical-timestamp type code other than 2 */
	T_CASE("mysql gtid bad lt_type");
	{
		struct mgtid g = cases[4];

		stream_mysql(&v, VEC_CRC32);
		s = put_mysql_gtid(&v, BINLOG_GTID_EVENT, &g);
		v.p[s + VEC_H_LEN + 25] = 9;
		vec_crc_fix(v.p + s, ev_len(&v, s));
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			bool ok = decode_at(d, &v, s, &ev, &err);

			T_CHECK(!ok || !ev.gtid.has_logical_ts,
			    "lt_type 9 read as logical timestamps");
			binlog_decoder_free(d);
		}
		vec_free(&v);
	}
}

/*
 * PREVIOUS_GTIDS (35): n_sids 8, then per sid: uuid 16, n_intervals 8,
 * intervals (start 8, end 8, end exclusive). Kept raw for gtid.h.
 */
static void
test_previous_gtids(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s, body;

	T_CASE("previous_gtids");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_PREVIOUS_GTIDS_EVENT, 0);
	body = v.len;
	vec_u64(&v, 1);
	vec_bytes(&v, sid1, 16);
	vec_u64(&v, 2);
	vec_u64(&v, 1);
	vec_u64(&v, 6);
	vec_u64(&v, 7);
	vec_u64(&v, 8);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.previous_gtids.data == v.p + body &&
		    ev.previous_gtids.len == 8 + 16 + 8 + 32, "raw set %zu",
		    ev.previous_gtids.len);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "previous_gtids cuts");
	save_seed(&v, "previous_gtids");
	vec_free(&v);

	T_CASE("previous_gtids empty");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_PREVIOUS_GTIDS_EVENT, 0);
	vec_u64(&v, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(ev.previous_gtids.len == 8, "len %zu",
		    ev.previous_gtids.len);
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* --------------------------------------------------- TRANSACTION_PAYLOAD */

/*
 * The inner events of a compressed transaction: written without CRC32s
 * and with log_pos 0 (the transaction cache is copied before positions
 * are known). Table 71 has one INT column.
 */
static void
put_inner_events(struct vec *in)
{
	static const struct tcol c[] = { { MYSQL_T_LONG, 0, { 0 }, false } };
	const uint8_t all = 0x01;

	vec_init(in);
	in->base = 0;
	in->zero_log_pos = true;
	put_query(in, BINLOG_QUERY_EVENT, NULL, "", "BEGIN", 5);
	put_table_map(in, 71, "shop", "p", c, 1, NULL);
	vec_begin(in, BINLOG_WRITE_ROWS_EVENT, 0);
	put_rows_head(in, 71, BINLOG_ROWS_F_STMT_END, true, NULL, 1, &all,
	    NULL);
	for (int i = 1; i <= 3; i++) {
		vec_u8(in, 0);
		vec_u32(in, (uint32_t)(i * 111));
	}
	vec_end(in);
	vec_begin(in, BINLOG_XID_EVENT, 0);
	vec_u64(in, 31337);
	vec_end(in);
}

/*
 * TRANSACTION_PAYLOAD (40): right after the common header (the 8.0 FDE
 * entry of 40 is not a post-header: Transaction_payload_event decodes from
 * the header's end), type-length-value fields, all packed integers:
 *   2 compression type (0 ZSTD, 255 NONE), 3 uncompressed size,
 *   1 payload size, 0 end mark; then the payload to the end.
 */
static size_t
put_payload(struct vec *v, uint64_t ctype, const uint8_t *data, size_t n,
    uint64_t usize, int64_t size_delta)
{
	size_t s = vec_begin(v, BINLOG_TRANSACTION_PAYLOAD_EVENT, 0);

	vec_packed(v, 2);
	vec_packed(v, vec_packed_len(ctype));
	vec_packed(v, ctype);
	if (ctype != 255) {
		vec_packed(v, 3);
		vec_packed(v, vec_packed_len(usize));
		vec_packed(v, usize);
	}
	vec_packed(v, 1);
	vec_packed(v, vec_packed_len(n + size_delta));
	vec_packed(v, n + size_delta);
	vec_packed(v, 0);
	vec_bytes(v, data, n);
	vec_end(v);
	return s;
}

/* Iterate a payload and check the inner events of put_inner_events(). */
static void
check_inner(struct binlog_decoder *d, const struct binlog_event *ev)
{
	static const uint8_t want[4] = { BINLOG_QUERY_EVENT,
		BINLOG_TABLE_MAP_EVENT, BINLOG_WRITE_ROWS_EVENT,
		BINLOG_XID_EVENT };
	struct binlog_payload_iter *it;
	struct binlog_event in;
	struct proto_err err;
	int n = 0, rc;

	memset(&err, 0, sizeof(err));
	it = binlog_payload_open(d, ev, &err);
	T_CHECK(it != NULL, "open: %s", err.msg);
	if (it == NULL)
		return;
	while ((rc = binlog_payload_next(it, &in, &err)) == 1) {
		T_CHECK(n < 4 && in.h.type == want[n], "inner %d type %u", n,
		    in.h.type);
		T_CHECK(in.inner, "inner flag");
		T_CHECK(in.h.log_pos == 0, "inner log_pos %u", in.h.log_pos);
		if (n == 0)
			T_STR(in.query.query, "BEGIN");
		if (n == 1)
			T_CHECK(in.table_map &&
			    binlog_decoder_table(d, 71) == in.table_map,
			    "inner table map not kept");
		if (n == 2) {
			struct rowbuf rb;
			size_t pos = 0;
			int i = 0;

			rowbuf_init(&rb, 1);
			while (binlog_rows_next(&in.rows, &pos, NULL, &rb.after,
			    &err) == 1) {
				i++;
				T_VAL_INT(&rb.a[0], i * 111);
			}
			T_CHECK(i == 3 && err.code == PROTO_OK, "rows %d: %s",
			    i, err.msg);
		}
		if (n == 3)
			T_CHECK(in.xid.xid == 31337, "inner xid");
		n++;
	}
	T_CHECK(rc == 0 && n == 4, "end rc %d after %d events: %s", rc, n,
	    err.msg);
	binlog_payload_close(it);
}

static void
test_payload(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v, in;
	uint8_t *z;
	size_t zn, s;
	struct mgtid g = { 0, sid1, 77, true, 1, 2, true, 5, 5, true, 500,
		true, 80036, 80036, false, 0 };

	put_inner_events(&in);
	z = malloc(ZSTD_compressBound(in.len));
	zn = ZSTD_compress(z, ZSTD_compressBound(in.len), in.p, in.len, 3);
	T_CHECK(!ZSTD_isError(zn), "ZSTD_compress");

	T_CASE("transaction_payload zstd");
	stream_mysql(&v, VEC_CRC32);
	put_mysql_gtid(&v, BINLOG_GTID_EVENT, &g);
	s = put_payload(&v, 0, z, zn, in.len, 0);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.payload.compression_type == 0 &&
		    ev.payload.payload_size == zn &&
		    ev.payload.uncompressed_size == in.len,
		    "fields %llu %llu %llu",
		    (unsigned long long)ev.payload.compression_type,
		    (unsigned long long)ev.payload.payload_size,
		    (unsigned long long)ev.payload.uncompressed_size);
		T_CHECK(ev.payload.data_len == zn && ev.payload.data &&
		    memcmp(ev.payload.data, z, zn) == 0, "data %zu",
		    ev.payload.data_len);
		T_CHECK(ev.payload.data_offset ==
		    v.base + s + ev_len(&v, s) - 4 - zn, "data_offset %llu",
		    (unsigned long long)ev.payload.data_offset);
		check_inner(d, &ev);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "transaction_payload cuts");
	save_seed(&v, "transaction_payload");
	vec_free(&v);

	/* NONE: the payload is the inner events as they are */
	T_CASE("transaction_payload none");
	stream_mysql(&v, VEC_CRC32);
	s = put_payload(&v, 255, in.p, in.len, 0, 0);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_CHECK(ev.payload.compression_type == 255, "type %llu",
		    (unsigned long long)ev.payload.compression_type);
		{
			struct binlog_payload_iter *it;

			memset(&err, 0, sizeof(err));
			it = binlog_payload_open(d, &ev, &err);
			if (it == NULL) {
				T_CHECK(err.code == PROTO_UNSUPPORTED,
				    "NONE refused with code %d: %s", err.code,
				    err.msg);
			} else {
				binlog_payload_close(it);
				check_inner(d, &ev);
			}
		}
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "transaction_payload none cuts");
	save_seed(&v, "transaction_payload_none");
	vec_free(&v);

	/* the zstd stream ends inside the last inner event */
	T_CASE("transaction_payload inner event cut");
	{
		uint8_t *z2 = malloc(ZSTD_compressBound(in.len));
		size_t zn2 = ZSTD_compress(z2, ZSTD_compressBound(in.len), in.p,
		    in.len - 3, 3);

		stream_mysql(&v, VEC_CRC32);
		s = put_payload(&v, 0, z2, zn2, in.len - 3, 0);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			int rc;

			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			memset(&err, 0, sizeof(err));
			rc = walk_payload(d, &ev, &err);
			T_CHECK(rc == -1 && err.code != PROTO_OK,
			    "a cut inner event ended quietly (rc %d)", rc);
			binlog_decoder_free(d);
		}
		vec_free(&v);
		free(z2);
	}

	/* an inner event claiming 2 GB in a payload of a few bytes */
	T_CASE("transaction_payload inner size past the payload");
	{
		struct vec big;
		uint8_t *z2;
		size_t zn2;

		vec_init(&big);
		big.base = 0;
		big.zero_log_pos = true;
		vec_begin(&big, BINLOG_XID_EVENT, 0);
		vec_u64(&big, 1);
		vec_end(&big);
		vec_put_le(big.p + VEC_H_SIZE, 0x7ffffff0, 4);
		/* more than one zstd output block follows */
		vec_zero(&big, 300000);
		z2 = malloc(ZSTD_compressBound(big.len));
		zn2 = ZSTD_compress(z2, ZSTD_compressBound(big.len), big.p,
		    big.len, 3);
		stream_mysql(&v, VEC_CRC32);
		s = put_payload(&v, 0, z2, zn2, big.len, 0);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			int rc;

			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			memset(&err, 0, sizeof(err));
			rc = walk_payload(d, &ev, &err);
			T_CHECK(rc == -1 && err.code != PROTO_OK &&
			    err.code != PROTO_NOMEM,
			    "rc %d code %d (%s): the claimed size must be "
			    "checked against the payload before allocating",
			    rc, err.code, err.msg);
			binlog_decoder_free(d);
		}
		vec_free(&v);
		vec_free(&big);
		free(z2);
	}

	/* corrupt compressed data */
	T_CASE("transaction_payload corrupt zstd");
	{
		uint8_t *bad = malloc(zn);

		memcpy(bad, z, zn);
		for (size_t i = 4; i < zn; i++)
			bad[i] ^= 0x5a;
		stream_mysql(&v, VEC_CRC32);
		s = put_payload(&v, 0, bad, zn, in.len, 0);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			bool ok = decode_at(d, &v, s, &ev, &err);

			memset(&err, 0, sizeof(err));
			T_CHECK(!ok || walk_payload(d, &ev, &err) < 0,
			    "corrupt zstd accepted");
			binlog_decoder_free(d);
		}
		vec_free(&v);
		free(bad);
	}

	/* declared sizes that do not match */
	T_CASE("transaction_payload payload_size too big");
	stream_mysql(&v, VEC_CRC32);
	s = put_payload(&v, 0, z, zn, in.len, 100);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		memset(&err, 0, sizeof(err));
		T_CHECK(!ok || walk_payload(d, &ev, &err) < 0,
		    "payload_size past the event accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	T_CASE("transaction_payload uncompressed_size too small");
	stream_mysql(&v, VEC_CRC32);
	s = put_payload(&v, 0, z, zn, in.len / 2, 0);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		memset(&err, 0, sizeof(err));
		T_CHECK(!ok || walk_payload(d, &ev, &err) < 0,
		    "more data than uncompressed_size accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	T_CASE("transaction_payload unknown compression");
	stream_mysql(&v, VEC_CRC32);
	s = put_payload(&v, 7, z, zn, in.len, 0);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		memset(&err, 0, sizeof(err));
		T_CHECK(!ok || walk_payload(d, &ev, &err) < 0,
		    "compression type 7 accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	free(z);
	vec_free(&in);
}

/* --------------------------------------------------------- MariaDB GTID */

struct mgtid_m {
	uint64_t seq_no;
	uint32_t domain;
	uint8_t flags;
	uint64_t commit_id;
	int32_t xa_fmt;
	const char *gtrid, *bqual;
	int extra;           /* -1: no flags_extra byte */
	uint8_t engines;
	uint64_t sa_seq_no, thread_id;
};

/*
 * MariaDB GTID (162), sql/log_event.cc Gtid_log_event:
 *   0  seq_no     8
 *   8  domain_id  4
 *   12 flags2     1
 *   13 commit_id  8                   if FL_GROUP_COMMIT_ID
 *   .. format_id 4, gtrid_len 1, bqual_len 1, gtrid, bqual
 *                                     if FL_PREPARED_XA | FL_COMPLETED_XA
 *   .. flags_extra 1                  10.8+, when not zero
 *   .. extra_engines 1                if FL_EXTRA_MULTI_ENGINE
 *   .. sa_seq_no 8                    if FL_COMMIT_ALTER | FL_ROLLBACK_ALTER
 *   .. thread_id 4                    if FL_EXTRA_THREAD_ID (11.5, MDEV-7850;
 *                                     4 bytes as a real 11.8 server writes)
 *   zero padding up to 19 bytes (the post-header length)
 */
static size_t
put_maria_gtid(struct vec *v, const struct mgtid_m *g)
{
	size_t s = vec_begin(v, BINLOG_MARIA_GTID_EVENT, 0);
	size_t b = v->len;

	vec_u64(v, g->seq_no);
	vec_u32(v, g->domain);
	vec_u8(v, g->flags);
	if (g->flags & BINLOG_MARIA_FL_GROUP_COMMIT_ID)
		vec_u64(v, g->commit_id);
	if (g->flags & (BINLOG_MARIA_FL_PREPARED_XA |
	    BINLOG_MARIA_FL_COMPLETED_XA)) {
		vec_u32(v, (uint32_t)g->xa_fmt);
		vec_u8(v, strlen(g->gtrid));
		vec_u8(v, strlen(g->bqual));
		vec_str(v, g->gtrid);
		vec_str(v, g->bqual);
	}
	if (g->extra >= 0) {
		vec_u8(v, g->extra);
		if (g->extra & BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE)
			vec_u8(v, g->engines);
		if (g->extra & (BINLOG_MARIA_FL_COMMIT_ALTER |
		    BINLOG_MARIA_FL_ROLLBACK_ALTER))
			vec_u64(v, g->sa_seq_no);
		if (g->extra & BINLOG_MARIA_FL_EXTRA_THREAD_ID)
			vec_u32(v, (uint32_t)g->thread_id);
	}
	if (v->len - b < 19)
		vec_zero(v, 19 - (v->len - b));
	vec_end(v);
	return s;
}

static void
test_maria_gtid(void)
{
	static const struct mgtid_m cases[] = {
		/* standalone DDL: FL_DDL | FL_ALLOW_PARALLEL | FL_STANDALONE */
		{ 9883, 0, 0x29, 0, 0, NULL, NULL, -1, 0, 0, 0 },
		/* transaction in a group commit */
		{ 9884, 3, 0x0e, 0x1122334455ull, 0, NULL, NULL, -1, 0, 0, 0 },
		/* XA PREPARE */
		{ 10, 1, 0x44, 0, 1, "trx-17", "br", -1, 0, 0, 0 },
		/* XA COMMIT with a group commit id */
		{ 11, 1, 0x86, 99, 1, "trx-17", "", -1, 0, 0, 0 },
		/* multi-engine transaction (10.8) */
		{ 12, 0, 0x0c, 0, 0, NULL, NULL,
		    BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE, 2, 0, 0 },
		/* COMMIT ALTER of a two-phase ALTER (10.8) */
		{ 13, 0, 0x21, 0, 0, NULL, NULL, BINLOG_MARIA_FL_COMMIT_ALTER,
		    0, 12, 0 },
		/* START ALTER with a group commit id */
		{ 14, 0, 0x23, 7, 0, NULL, NULL, BINLOG_MARIA_FL_START_ALTER,
		    0, 0, 0 },
		/* thread id (11.5) */
		{ 15, 0, 0x0c, 0, 0, NULL, NULL,
		    BINLOG_MARIA_FL_EXTRA_THREAD_ID, 0, 0, 0x89abcdefull },
		/* everything at once */
		{ 16, 4, 0x0e, 8, 0, NULL, NULL,
		    BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE |
			BINLOG_MARIA_FL_ROLLBACK_ALTER |
			BINLOG_MARIA_FL_EXTRA_THREAD_ID,
		    1, 13, 77 },
	};
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mgtid_m *g = &cases[i];
		const struct binlog_maria_gtid *x = &ev.mgtid;

		T_CASE("mariadb gtid");
		stream_maria(&v, VEC_CRC32);
		v.server_id = 10124;
		s = put_maria_gtid(&v, g);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "case %zu: %s", i,
		    err.msg);
		check_header(&ev, &v, s);
		T_CHECK(x->seq_no == g->seq_no && x->domain_id == g->domain &&
		    x->server_id == 10124 && x->flags == g->flags,
		    "case %zu: %u-%u-%llu flags %x", i, x->domain_id,
		    x->server_id, (unsigned long long)x->seq_no, x->flags);
		if (g->flags & BINLOG_MARIA_FL_GROUP_COMMIT_ID)
			T_CHECK(x->commit_id == g->commit_id,
			    "case %zu: commit_id %llu", i,
			    (unsigned long long)x->commit_id);
		if (g->flags & (BINLOG_MARIA_FL_PREPARED_XA |
		    BINLOG_MARIA_FL_COMPLETED_XA)) {
			size_t gl = strlen(g->gtrid), bl = strlen(g->bqual);

			T_CHECK(x->xa_format_id == g->xa_fmt &&
			    x->xa_gtrid_len == gl && x->xa_bqual_len == bl,
			    "case %zu: xa %d %u %u", i, x->xa_format_id,
			    x->xa_gtrid_len, x->xa_bqual_len);
			T_CHECK(x->xa_data &&
			    memcmp(x->xa_data, g->gtrid, gl) == 0 &&
			    memcmp(x->xa_data + gl, g->bqual, bl) == 0,
			    "case %zu: xa data", i);
		}
		if (g->extra >= 0) {
			T_CHECK(x->has_flags_extra &&
			    x->flags_extra == g->extra,
			    "case %zu: flags_extra %d/%x", i,
			    x->has_flags_extra, x->flags_extra);
			if (g->extra & BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE)
				T_CHECK(x->extra_engines == g->engines,
				    "case %zu: engines %u", i,
				    x->extra_engines);
			if (g->extra & (BINLOG_MARIA_FL_COMMIT_ALTER |
			    BINLOG_MARIA_FL_ROLLBACK_ALTER))
				T_CHECK(x->sa_seq_no == g->sa_seq_no,
				    "case %zu: sa_seq_no %llu", i,
				    (unsigned long long)x->sa_seq_no);
			if (g->extra & BINLOG_MARIA_FL_EXTRA_THREAD_ID)
				T_CHECK(x->has_thread_id &&
				    x->thread_id == g->thread_id,
				    "case %zu: thread_id %llu", i,
				    (unsigned long long)x->thread_id);
		} else {
			T_CHECK(!x->has_flags_extra || x->flags_extra == 0,
			    "case %zu: flags_extra from padding %x", i,
			    x->flags_extra);
		}
		binlog_decoder_free(d);
		check_cuts(&v, s, "mariadb gtid cuts");
		if (i == 0 || i == 8)
			save_seed(&v,
			    i ? "gtid_mariadb_extra" : "gtid_mariadb");
		vec_free(&v);
	}

	/* flags_extra promising a sa_seq_no that is not there (MDEV-33672) */
	T_CASE("mariadb gtid flags_extra past the end");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_GTID_EVENT, 0);
	vec_u64(&v, 1);
	vec_u32(&v, 0);
	vec_u8(&v, 0x0e);
	vec_u64(&v, 5);
	vec_u8(&v, BINLOG_MARIA_FL_COMMIT_ALTER);
	vec_u32(&v, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err),
		    "a 4-byte sa_seq_no accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/*
 * GTID_LIST (163): count 4 (low 28 bits; the high 4 are flags),
 * count * (domain_id 4, server_id 4, seq_no 8).
 */
static void
test_gtid_list(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s, list;

	for (int fake = 0; fake <= 1; fake++) {
		T_CASE(fake ? "gtid_list artificial" : "gtid_list");
		stream_maria(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_MARIA_GTID_LIST_EVENT,
		    fake ? BINLOG_F_ARTIFICIAL : 0);
		vec_u32(&v, 2 | (fake ? 1u << 28 : 0));
		list = v.len;
		vec_u32(&v, 0);
		vec_u32(&v, 1);
		vec_u64(&v, 100);
		vec_u32(&v, 5);
		vec_u32(&v, 2);
		vec_u64(&v, 1ull << 33);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_CHECK(ev.gtid_list.count == 2, "count %u",
		    ev.gtid_list.count);
		T_CHECK(ev.gtid_list.flags == (fake ? 1 : 0), "flags %u",
		    ev.gtid_list.flags);
		T_CHECK(ev.gtid_list.list == v.p + list, "list pointer");
		binlog_decoder_free(d);
		check_cuts(&v, s, "gtid_list cuts");
		save_seed(&v, fake ? "gtid_list_fake" : "gtid_list");
		vec_free(&v);
	}

	T_CASE("gtid_list count past the end");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_GTID_LIST_EVENT, 0);
	vec_u32(&v, 3);
	vec_zero(&v, 32);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/*
 * BINLOG_CHECKPOINT (161): name length 4, name.
 * START_ENCRYPTION (164): scheme 1, key_version 4, nonce 12.
 */
static void
test_maria_control(void)
{
	static const uint8_t nonce[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		12 };
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s, e;

	T_CASE("binlog_checkpoint");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT, 0);
	vec_u32(&v, 18);
	vec_str(&v, "mariadb-bin.000001");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_header(&ev, &v, s);
		T_STR(ev.checkpoint_file, "mariadb-bin.000001");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "binlog_checkpoint cuts");
	save_seed(&v, "binlog_checkpoint");
	vec_free(&v);

	T_CASE("binlog_checkpoint length past the end");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT, 0);
	vec_u32(&v, 99);
	vec_str(&v, "mariadb-bin.000001");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/*
	 * START_ENCRYPTION: either refused as PROTO_ENCRYPTED, or decoded (for
	 * the caller to refuse); the encrypted events after it must fail
	 * with PROTO_ENCRYPTED. On disk an encrypted event keeps only its
	 * length readable (moved to offset 0); here it is noise with a
	 * plausible size.
	 */
	T_CASE("start_encryption");
	stream_maria(&v, VEC_CRC32);
	s = vec_begin(&v, BINLOG_MARIA_START_ENCRYPTION_EVENT, 0);
	vec_u8(&v, 1);
	vec_u32(&v, 3);
	vec_bytes(&v, nonce, 12);
	vec_end(&v);
	e = v.len;
	vec_u32(&v, 40);
	for (int i = 0; i < 36; i++)
		vec_u8(&v, (uint8_t)(i * 37 + 11));
	vec_put_le(v.p + e + VEC_H_SIZE, 40, 4);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		if (ok) {
			T_CHECK(ev.start_encryption.scheme == 1 &&
			    ev.start_encryption.key_version == 3 &&
			    ev.start_encryption.nonce &&
			    memcmp(ev.start_encryption.nonce, nonce, 12) == 0,
			    "fields");
		} else {
			T_CHECK(err.code == PROTO_ENCRYPTED, "code %d: %s",
			    err.code, err.msg);
		}
		T_CHECK(!decode_at(d, &v, e, &ev, &err) &&
		    err.code == PROTO_ENCRYPTED,
		    "event after START_ENCRYPTION: code %d %s", err.code,
		    err.msg);
		binlog_decoder_free(d);
	}
	v.len = e;
	save_seed(&v, "start_encryption");
	vec_free(&v);
}

/* ------------------------------------------------- MariaDB compression */

/*
 * A compressed block (sql/log_event.cc binlog_buf_compress):
 *   0  0x80 | algorithm << 4 (0: zlib) | number of length bytes (1-4)
 *   1  uncompressed length, big-endian, in that many bytes
 *   .. zlib stream (compress())
 */
static void
put_zblock(struct vec *v, const uint8_t *p, size_t n, int lenlen_force,
    uint32_t claim)
{
	uLongf zn = compressBound(n);
	uint8_t *z = malloc(zn);
	unsigned lenlen = n >> 24 ? 4 : n >> 16 ? 3 : n >> 8 ? 2 : 1;

	if (lenlen_force)
		lenlen = (unsigned)lenlen_force;
	if (compress(z, &zn, p, n) != Z_OK)
		abort();
	vec_u8(v, 0x80 | lenlen);
	vec_be(v, claim ? claim : n, lenlen);
	vec_bytes(v, z, zn);
	free(z);
}

static void
test_compressed_query(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v, z;
	char text[301];
	size_t s;

	memset(text, 'x', 300);
	memcpy(text, "INSERT INTO t VALUES ('", 23);
	text[299] = ')';
	text[300] = '\0';
	for (int big = 0; big <= 1; big++) {
		const char *q = big ? text : "DELETE FROM t";

		T_CASE(big ? "query_compressed 2 length bytes" :
		    "query_compressed");
		vec_init(&z);
		put_zblock(&z, (const uint8_t *)q, strlen(q), 0, 0);
		stream_maria(&v, VEC_CRC32);
		s = put_query(&v, BINLOG_MARIA_QUERY_COMPRESSED_EVENT, NULL,
		    "test", z.p, z.len);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s",
			    err.msg);
			check_query_fixed(&ev.query, "test", q);
			binlog_decoder_free(d);
		}
		check_cuts(&v, s, "query_compressed cuts");
		save_seed(&v,
		    big ? "query_compressed_big" : "query_compressed");
		vec_free(&v);
		vec_free(&z);
	}

	/* four length bytes for a short text are still well formed */
	T_CASE("query_compressed 4 length bytes");
	vec_init(&z);
	put_zblock(&z, (const uint8_t *)"COMMIT", 6, 4, 0);
	stream_maria(&v, VEC_CRC32);
	s = put_query(&v, BINLOG_MARIA_QUERY_COMPRESSED_EVENT, NULL, "", z.p,
	    z.len);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		T_STR(ev.query.query, "COMMIT");
		binlog_decoder_free(d);
	}
	vec_free(&v);
	vec_free(&z);

	/* an algorithm other than zlib, a length too small, a broken stream */
	for (int k = 0; k < 4; k++) {
		T_CASE("query_compressed broken");
		vec_init(&z);
		put_zblock(&z, (const uint8_t *)text, 300, 0, k == 1 ? 100 : 0);
		if (k == 0)
			z.p[0] |= 0x10;
		if (k == 2)
			for (size_t i = 5; i < z.len; i++)
				z.p[i] ^= 0x33;
		if (k == 3)
			z.p[0] = 0x85; /* 5 length bytes */
		stream_maria(&v, VEC_CRC32);
		s = put_query(&v, BINLOG_MARIA_QUERY_COMPRESSED_EVENT, NULL,
		    "d", z.p, z.len);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d != NULL) {
			T_CHECK(!decode_at(d, &v, s, &ev, &err),
			    "broken block %d accepted", k);
			T_CHECK(err_inside(&err, v.base + s, ev_len(&v, s)),
			    "block %d: error %d at %llu", k, err.code,
			    (unsigned long long)err.offset);
			binlog_decoder_free(d);
		}
		vec_free(&v);
		vec_free(&z);
	}
}

/* Compressed rows: the row images after the bitmaps form one zlib block. */
static void
test_compressed_rows(void)
{
	static const uint8_t all = 0x0f;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct rowbuf rb;
	struct vec v, rows;
	size_t s, pos;

	/* v1 WRITE (166): what MariaDB writes with log_bin_compress */
	T_CASE("write_rows_compressed v1");
	vec_init(&rows);
	put_t1_row(&rows, all, 0x00, 5, "zipped", 123456789, "blob data");
	put_t1_row(&rows, all, 0x0e, 6, NULL, 0, NULL);
	stream_t1(&v, true);
	s = vec_begin(&v, BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1, 0);
	put_rows_head(&v, T1_ID, BINLOG_ROWS_F_STMT_END, false, NULL, 4, &all,
	    NULL);
	put_zblock(&v, rows.p, rows.len, 0, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_rows_event(&ev, &v, s, BINLOG_ROWS_WRITE, 1,
		    BINLOG_ROWS_F_STMT_END, 0, d);
		T_CHECK(ev.rows.compressed, "compressed flag");
		T_CHECK(ev.rows.body_len == rows.len && ev.rows.body &&
		    memcmp(ev.rows.body, rows.p, rows.len) == 0,
		    "decompressed body %zu bytes", ev.rows.body_len);
		rowbuf_init(&rb, 4);
		pos = 0;
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 1, "row 1: %s", err.msg);
		T_VAL_INT(&rb.a[0], 5);
		T_VAL_STR(&rb.a[1], BV_STRING, "zipped");
		T_VAL_INT(&rb.a[2], 123456789);
		T_VAL_STR(&rb.a[3], BV_BLOB, "blob data");
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 1, "row 2: %s", err.msg);
		T_VAL_INT(&rb.a[0], 6);
		T_VAL_KIND(&rb.a[1], BV_NULL);
		T_CHECK(binlog_rows_next(&ev.rows, &pos, NULL, &rb.after,
		    &err) == 0, "end");
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "write_rows_compressed v1 cuts");
	save_seed(&v, "write_rows_compressed_v1");
	vec_free(&v);
	vec_free(&rows);

	/* v2 UPDATE (170), with both bitmaps before the block */
	T_CASE("update_rows_compressed v2");
	vec_init(&rows);
	put_t1_row(&rows, all, 0x00, 7, "old", 1, "a");
	put_t1_row(&rows, all, 0x00, 7, "new", 2, "b");
	stream_t1(&v, true);
	s = vec_begin(&v, BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT, 0);
	put_rows_head(&v, T1_ID, 0, true, NULL, 4, &all, &all);
	put_zblock(&v, rows.p, rows.len, 0, 0);
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "decode: %s", err.msg);
		check_rows_event(&ev, &v, s, BINLOG_ROWS_UPDATE, 2, 0, 0, d);
		T_CHECK(ev.rows.compressed, "compressed flag");
		rowbuf_init(&rb, 4);
		pos = 0;
		T_CHECK(binlog_rows_next(&ev.rows, &pos, &rb.before, &rb.after,
		    &err) == 1, "row: %s", err.msg);
		T_VAL_STR(&rb.b[1], BV_STRING, "old");
		T_VAL_STR(&rb.a[1], BV_STRING, "new");
		T_VAL_INT(&rb.a[2], 2);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "update_rows_compressed v2 cuts");
	save_seed(&v, "update_rows_compressed_v2");
	vec_free(&v);
	vec_free(&rows);

	/* DELETE v1 (168) with a corrupt stream */
	T_CASE("delete_rows_compressed corrupt");
	stream_t1(&v, true);
	s = vec_begin(&v, BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1, 0);
	put_rows_head(&v, T1_ID, 0, false, NULL, 4, &all, NULL);
	vec_u8(&v, 0x81);
	vec_u8(&v, 40);
	vec_str(&v, "not a zlib stream at all");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		bool ok = decode_at(d, &v, s, &ev, &err);

		T_CHECK(!ok || walk_rows(&ev.rows, &err) < 0,
		    "corrupt compressed rows accepted");
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* ------------------------------------------- unknown types and checksums */

static void
test_unknown_types(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;
	unsigned n_unknown = 0;

	/* the decoder must name an unknown type and where it stands */
	T_CASE("unknown type 200");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, 200, 0);
	vec_str(&v, "opaque body");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(!decode_at(d, &v, s, &ev, &err), "type 200 decoded");
		T_CHECK(err.code == PROTO_UNSUPPORTED ||
		    err.code == PROTO_MALFORMED, "code %d", err.code);
		T_CHECK(err_inside(&err, v.base + s, ev_len(&v, s)),
		    "offset %llu, event at %llu",
		    (unsigned long long)err.offset,
		    (unsigned long long)(v.base + s));
		T_CHECK(strstr(err.msg, "200") != NULL,
		    "message does not name the type: %s", err.msg);
		binlog_decoder_free(d);
	}
	vec_free(&v);

	/* flagged ignorable: decoded as a header, the caller may skip it */
	T_CASE("unknown type 200 ignorable");
	stream_mysql(&v, VEC_CRC32);
	s = vec_begin(&v, 200, BINLOG_F_IGNORABLE);
	vec_str(&v, "opaque body");
	vec_end(&v);
	d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
	if (d != NULL) {
		T_CHECK(decode_at(d, &v, s, &ev, &err), "ignorable: %s",
		    err.msg);
		check_header(&ev, &v, s);
		binlog_decoder_free(d);
	}
	check_cuts(&v, s, "ignorable cuts");
	save_seed(&v, "ignorable");
	vec_free(&v);

	/* every type code the decoder does not claim to know, both ways */
	for (unsigned t = 0; t < 256; t++) {
		bool ok;

		if (binlog_type_known((uint8_t)t))
			continue;
		n_unknown++;
		/* START_EVENT_V3 marks a binlog v1/v3 file: refused outright */
		if (t == BINLOG_START_EVENT_V3)
			continue;
		T_CHECK(binlog_type_name((uint8_t)t) != NULL, "name of %u", t);
		T_CASE("unknown types");
		stream_maria(&v, VEC_CRC32);
		s = vec_begin(&v, (uint8_t)t, 0);
		vec_u64(&v, 0);
		vec_end(&v);
		vec_begin(&v, (uint8_t)t, BINLOG_F_IGNORABLE);
		vec_u64(&v, 0);
		vec_end(&v);
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		ok = decode_at(d, &v, s, &ev, &err);
		T_CHECK(!ok && err.code != PROTO_OK && err.msg[0],
		    "unknown type %u decoded without the ignorable flag", t);
		ok = decode_at(d, &v, s + ev_len(&v, s), &ev, &err);
		T_CHECK(ok && ev.h.type == t,
		    "unknown type %u flagged ignorable: %s", t, err.msg);
		binlog_decoder_free(d);
		vec_free(&v);
	}
	T_CASE("type names");
	T_CHECK(n_unknown > 150, "%u unknown type codes", n_unknown);
	T_CHECK(strcmp(binlog_type_name(250), "Unknown") == 0, "name 250: %s",
	    binlog_type_name(250));
	T_CHECK(binlog_type_known(BINLOG_WRITE_ROWS_EVENT_V1) &&
	    binlog_type_known(BINLOG_MARIA_GTID_EVENT) &&
	    binlog_type_known(BINLOG_TRANSACTION_PAYLOAD_EVENT) &&
	    binlog_type_known(BINLOG_HEARTBEAT_EVENT_V2),
	    "known types");
}

static void
test_checksums(void)
{
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	size_t s;
	bool ok;

	for (size_t flip = 0; flip < 31; flip += 5) {
		T_CASE("crc32 mismatch");
		stream_mysql(&v, VEC_CRC32);
		s = vec_begin(&v, BINLOG_XID_EVENT, 0);
		vec_u64(&v, 5);
		vec_end(&v);
		v.p[s + flip] ^= 0x40; /* header, body or the CRC itself */
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			continue;
		memset(&err, 0, sizeof(err));
		ok = binlog_decode(d, v.p + s, v.len - s, v.base + s, &ev,
		    &err);
		if (flip >= VEC_H_SIZE && flip < VEC_H_SIZE + 4) {
			/* a changed size fails as a size */
			T_CHECK(!ok, "flip %zu", flip);
		} else {
			T_CHECK(!ok && err.code == PROTO_CHECKSUM,
			    "flip at %zu: code %d", flip, err.code);
			T_CHECK(err.offset >= v.base + s &&
			    err.offset <= v.base + v.len,
			    "offset %llu outside the event",
			    (unsigned long long)err.offset);
			T_CHECK(err.msg[0] != '\0', "message");
			/* verification off: the same bytes decode */
			binlog_decoder_set_verify(d, false);
			T_CHECK(decode_at(d, &v, s, &ev, &err),
			    "verify off: %s", err.msg);
		}
		binlog_decoder_free(d);
		vec_free(&v);
	}

	/* event length helper and impossible sizes */
	T_CASE("binlog_event_length");
	stream_mysql(&v, VEC_CRC32);
	T_CHECK(binlog_event_length(v.p, v.len) == 122, "fde length");
	T_CHECK(binlog_event_length(v.p, 13) == 122, "13 bytes are enough");
	T_CHECK(binlog_event_length(v.p, 12) == 0, "12 bytes are not");
	s = vec_begin(&v, BINLOG_XID_EVENT, 0);
	vec_u64(&v, 1);
	vec_end(&v);
	for (uint32_t bad = 0; bad < 19; bad += 6) {
		d = prime(&v, s, BINLOG_CHECKSUM_UNDEF);
		if (d == NULL)
			break;
		vec_put_le(v.p + s + VEC_H_SIZE, bad, 4);
		memset(&err, 0, sizeof(err));
		T_CHECK(!binlog_decode(d, v.p + s, v.len - s, v.base + s, &ev,
		    &err) && err.code != PROTO_OK,
		    "event_size %u accepted", bad);
		binlog_decoder_free(d);
	}
	vec_free(&v);
}

/* ------------------------------------------------------------------ main */

/* ------------------------------------------------ events of real servers */

struct real_ev {
	const uint8_t *p;
	size_t len;
};

#define REAL(a) { a, sizeof(a) }

/* uuid of the MySQL 9.7 server the real events come from */
static const uint8_t real_uuid[16] = {
	0xf2, 0xe8, 0x7b, 0x18, 0xee, 0xf4, 0x11, 0xf1,
	0xb1, 0x23, 0x02, 0xfc, 0x00, 0x00, 0x00, 0x01,
};

static void
real_check_tagged(const struct binlog_event *ev)
{
	const struct binlog_mysql_gtid *g = &ev->gtid;

	T_CHECK(memcmp(g->sid, real_uuid, 16) == 0 && g->gno == 1 &&
	    g->flags == 0, "gtid gno %lld flags %u", (long long)g->gno, g->flags);
	T_STREQ(g->tag.p, g->tag.len, "mytag");
	T_CHECK(g->has_logical_ts && g->last_committed == 2 &&
	    g->sequence_number == 4, "logical ts %lld %lld",
	    (long long)g->last_committed, (long long)g->sequence_number);
	T_CHECK(g->has_commit_ts && g->immediate_commit_ts == 1796287269712670ull &&
	    g->original_commit_ts == g->immediate_commit_ts, "commit ts %llu %llu",
	    (unsigned long long)g->immediate_commit_ts,
	    (unsigned long long)g->original_commit_ts);
	T_CHECK(g->has_trx_length && g->transaction_length == 292,
	    "transaction length %llu", (unsigned long long)g->transaction_length);
	T_CHECK(g->has_server_version && g->immediate_server_version == 90704 &&
	    g->original_server_version == 90704, "server versions %u %u",
	    g->immediate_server_version, g->original_server_version);
	T_CHECK(!g->has_commit_group_ticket, "no commit group ticket");
}

static void
real_check_untagged(const struct binlog_event *ev)
{
	const struct binlog_mysql_gtid *g = &ev->gtid;

	T_CHECK(memcmp(g->sid, real_uuid, 16) == 0 && g->gno == 1 &&
	    g->flags == 1 && g->tag.len == 0, "gtid gno %lld flags %u tag %u",
	    (long long)g->gno, g->flags, g->tag.len);
	T_CHECK(g->last_committed == 0 && g->sequence_number == 1 &&
	    g->immediate_commit_ts == 1796287269705070ull &&
	    g->transaction_length == 176 && g->immediate_server_version == 90704,
	    "lc %lld seq %lld ts %llu len %llu ver %u",
	    (long long)g->last_committed, (long long)g->sequence_number,
	    (unsigned long long)g->immediate_commit_ts,
	    (unsigned long long)g->transaction_length,
	    g->immediate_server_version);
}

static void
real_check_vector_map(const struct binlog_event *ev)
{
	const struct binlog_table *t = ev->table_map;

	T_CHECK(t->ncols == 2 && t->cols[0].type == MYSQL_T_LONG &&
	    t->cols[1].type == MYSQL_T_VECTOR && t->cols[1].meta == 4 &&
	    t->cols[1].nullable, "columns %u, type %u meta %u", t->ncols,
	    t->cols[1].type, t->cols[1].meta);
	T_CHECK(t->cols[1].vector_dim == 3 && t->cols[1].is_unsigned == -1 &&
	    t->cols[0].is_unsigned == 0, "VECTOR(%u), signedness %d %d",
	    t->cols[1].vector_dim, t->cols[0].is_unsigned,
	    t->cols[1].is_unsigned);
}

static void
real_check_vector_row(const struct binlog_event *ev)
{
	struct binlog_value b[2], a[2];
	struct binlog_row before = { 2, b, 0 }, after = { 2, a, 0 };
	struct proto_err err;
	size_t pos = 0;
	float f[3];

	memset(&err, 0, sizeof(err));
	T_CHECK(binlog_rows_next(&ev->rows, &pos, &before, &after, &err) == 1,
	    "row: %s", err.msg);
	T_CHECK(a[0].kind == BV_INT && a[0].i == 2, "id %lld",
	    (long long)a[0].i);
	T_CHECK(a[1].kind == BV_VECTOR && a[1].bytes.len == 12, "vector %u/%u",
	    a[1].kind, a[1].bytes.len);
	if (a[1].bytes.len == 12) {
		memcpy(f, a[1].bytes.p, 12);
		T_CHECK(f[0] == 1.5f && f[1] == -2.0f && f[2] == 0.0f,
		    "floats %g %g %g", f[0], f[1], f[2]);
	}
	T_CHECK(binlog_rows_next(&ev->rows, &pos, &before, &after, &err) == 0,
	    "one row only: %s", err.msg);
}

static void
real_check_maria_ddl(const struct binlog_event *ev)
{
	const struct binlog_maria_gtid *g = &ev->mgtid;

	T_CHECK(g->seq_no == 1 && g->domain_id == 0 && g->server_id == 1 &&
	    g->flags == 0x29, "%u-%u-%llu flags %x", g->domain_id, g->server_id,
	    (unsigned long long)g->seq_no, g->flags);
	T_CHECK(g->has_flags_extra && g->flags_extra == 0x10 &&
	    g->has_thread_id && g->thread_id == 6, "extra %x thread %u",
	    g->flags_extra, g->thread_id);
}

static void
real_check_maria_trans(const struct binlog_event *ev)
{
	const struct binlog_maria_gtid *g = &ev->mgtid;

	T_CHECK(g->seq_no == 3 && g->flags == 0x0c && g->has_thread_id &&
	    g->thread_id == 6, "seq %llu flags %x thread %u",
	    (unsigned long long)g->seq_no, g->flags, g->thread_id);
}

/*
 * A mutation of the last event of a case: bytes at a body offset replaced
 * (CRC32 recomputed), and the error it must give.
 */
struct real_bad {
	size_t at; /* offset in the body */
	uint8_t byte;
	enum proto_code code;
	const char *msg; /* substring of the message */
};

static const struct {
	const char *name;
	struct real_ev ev[4]; /* the FDE first, the event under test last */
	void (*check)(const struct binlog_event *);
	struct real_bad bad[8];
} real_cases[] = {
	{ "mysql 9.7 gtid_tagged",
	    { REAL(real_mysql97_fde), REAL(real_mysql97_gtid_tagged) },
	    real_check_tagged,
	    {
		/* serialization format version 2 */
		{ 0, 0x04, PROTO_UNSUPPORTED, "format version 2" },
		/* message size 57 in a body of 58 */
		{ 1, 0x72, PROTO_MALFORMED, "message of 57 bytes" },
		/* last non-ignorable field id 13: field 12 unknown to us */
		{ 2, 0x1a, PROTO_UNSUPPORTED, "non-ignorable" },
		/* uuid byte 0 as 0xc9 0xff: above 255 */
		{ 6, 0xff, PROTO_MALFORMED, "uuid byte" },
		/* tag length 33 */
		{ 32, 0x42, PROTO_MALFORMED, "tag length" },
		/* gno -2 */
		{ 30, 0x06, PROTO_MALFORMED, "gno -2" },
		/* gno as a 3-byte varlen: what follows reads as unknown fields */
		{ 30, 0x03, PROTO_MALFORMED, "without its field 3 (tag)" },
	    } },
	{ "mysql 9.7 gtid",
	    { REAL(real_mysql97_fde), REAL(real_mysql97_gtid) },
	    real_check_untagged, { { 0, 0, 0, NULL } } },
	{ "mysql 9.7 vector table map",
	    { REAL(real_mysql97_fde), REAL(real_mysql97_gtid_tagged),
		REAL(real_mysql97_table_map_vector) },
	    real_check_vector_map,
	    {
		/* optional metadata type 14 in place of 13 */
		{ 26, 0x0e, PROTO_UNSUPPORTED, "field type 14" },
		/* VECTOR_DIMENSIONALITY 0 */
		{ 28, 0x00, PROTO_MALFORMED, "0 dimensions" },
	    } },
	{ "mysql 9.7 vector row",
	    { REAL(real_mysql97_fde), REAL(real_mysql97_gtid_tagged),
		REAL(real_mysql97_table_map_vector),
		REAL(real_mysql97_write_vector) },
	    real_check_vector_row, { { 0, 0, 0, NULL } } },
	{ "mariadb 11.8 gtid ddl",
	    { REAL(real_mariadb118_fde), REAL(real_mariadb118_gtid_ddl) },
	    real_check_maria_ddl,
	    {
		/* flags_extra with an unknown bit 0x20 */
		{ 13, 0x30, PROTO_UNSUPPORTED, "unknown bits 0x20" },
		/* the padding byte not zero */
		{ 18, 0x01, PROTO_UNSUPPORTED, "not zero padding" },
	    } },
	{ "mariadb 11.8 gtid trans",
	    { REAL(real_mariadb118_fde), REAL(real_mariadb118_gtid_trans) },
	    real_check_maria_trans, { { 0, 0, 0, NULL } } },
};

/* Decode the last event of v (after start) with a primed decoder; rows walked. */
static bool
real_decode(const struct vec *v, size_t start, struct binlog_event *ev,
    struct proto_err *err, struct binlog_decoder **dp)
{
	*dp = prime(v, start, BINLOG_CHECKSUM_UNDEF);
	if (*dp == NULL)
		return false;
	return decode_at(*dp, v, start, ev, err);
}

static void
test_real_events(void)
{
	for (size_t i = 0; i < sizeof(real_cases) / sizeof(real_cases[0]); i++) {
		struct binlog_decoder *d;
		struct binlog_event ev;
		struct proto_err err;
		struct vec v;
		size_t start = 0;
		char seed[64];

		T_CASE(real_cases[i].name);
		vec_init(&v);
		v.crc = true;
		for (size_t k = 0; k < 4 && real_cases[i].ev[k].p; k++) {
			start = v.len;
			vec_bytes(&v, real_cases[i].ev[k].p, real_cases[i].ev[k].len);
		}
		if (real_decode(&v, start, &ev, &err, &d)) {
			check_header(&ev, &v, start);
			real_cases[i].check(&ev);
		} else
			T_CHECK(0, "%s: %s", real_cases[i].name, err.msg);
		binlog_decoder_free(d);
		check_cuts(&v, start, real_cases[i].name);
		snprintf(seed, sizeof(seed), "real_%zu", i);
		save_seed(&v, seed);

		for (size_t k = 0; k < 8 && real_cases[i].bad[k].msg; k++) {
			const struct real_bad *b = &real_cases[i].bad[k];
			size_t len = ev_len(&v, start);
			uint8_t keep = v.p[start + VEC_H_LEN + b->at];

			v.p[start + VEC_H_LEN + b->at] = b->byte;
			vec_crc_fix(v.p + start, len);
			T_CHECK(!real_decode(&v, start, &ev, &err, &d) &&
			    err.code == b->code && strstr(err.msg, b->msg) &&
			    err_inside(&err, v.base + start, len),
			    "%s, byte %zu = 0x%02x: code %d at %llu: %s (want %d "
			    "\"%s\")", real_cases[i].name, b->at, b->byte, err.code,
			    (unsigned long long)err.offset, err.msg, b->code, b->msg);
			binlog_decoder_free(d);
			v.p[start + VEC_H_LEN + b->at] = keep;
			vec_crc_fix(v.p + start, len);
		}
		vec_free(&v);
	}
}

int
main(void)
{
	seed_dir = getenv("MYSHIFT_SEED_DIR");
	if (seed_dir != NULL)
		mkdir(seed_dir, 0777);
	test_fde();
	test_rotate();
	test_query_mysql();
	test_query_mariadb();
	test_small_events();
	test_user_var();
	test_heartbeat();
	test_table_map_plain();
	test_table_map_optional();
	test_rows_v2();
	test_rows_hires();
	test_rows_v1();
	test_rows_wide();
	test_rows_unsigned();
	test_rows_broken();
	test_partial_update();
	test_mysql_gtid();
	test_previous_gtids();
	test_payload();
	test_maria_gtid();
	test_gtid_list();
	test_maria_control();
	test_compressed_query();
	test_compressed_rows();
	test_unknown_types();
	test_checksums();
	test_real_events();
	return t_done();
}
