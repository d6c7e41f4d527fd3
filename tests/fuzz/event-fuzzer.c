/* event-fuzzer.c: libFuzzer target: binlog events, rows, payloads, printers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/binlog.h"
#include "proto/gtid.h"
#include "proto/sbuf.h"
#include "proto/value.h"
#include "tests/unit/vec.h"

/*
 * The input is either
 *  - a binlog file: the 4-byte magic, then events (the first one normally
 *    the FORMAT_DESCRIPTION); CRC32s are verified, as a file reader does;
 *  - or a selector byte, then events that follow a generated
 *    FORMAT_DESCRIPTION (or none: a network stream that negotiated a
 *    checksum), so that mutations reach the event bodies directly:
 *      bits 0-2  0 MySQL 8.0 CRC32   1 MySQL 8.0 off   2 MariaDB CRC32
 *                3 MariaDB off       4 MySQL 5.5       5 MySQL 5.6 CRC32
 *                6 no FDE, CRC32 negotiated   7 no FDE, nothing negotiated
 *      bit 3     verify CRC32s (off by default: mutants rarely keep them)
 *
 * Events are fed one by one to binlog_decode() the way a file reader
 * frames them (binlog_event_length(), a truncated last event included).
 * Rows events are walked with binlog_rows_next() and every value printed
 * with value_print_binlog() and value_print_json(); TRANSACTION_PAYLOAD
 * inner events go through binlog_payload_open()/next(); GTID sets go
 * through gtid.h. Nothing may leak, crash or read out of bounds.
 *
 * Seeds: MYSHIFT_SEED_DIR=DIR tests/unit/test_events writes every test
 * stream as a binlog file into DIR; the MariaDB test suite's binlogs
 * (/usr/share/mysql/mysql-test/std_data, the files named like *.0000NN
 * or *binlog*) are real ones.
 *
 * Build and run (by hand; configure --enable-fuzzing does the same):
 *   clang -std=gnu11 -I. -g -O1 -fsanitize=fuzzer,address,undefined \
 *       tests/fuzz/event-fuzzer.c proto/[a-z]*.c -lz -lzstd -lcrypto
 *   ./a.out -max_len=65536 -malloc_limit_mb=1024 CORPUS SEEDS
 * Replay inputs without libFuzzer: add -DEVENT_FUZZER_MAIN, use gcc or
 * clang with -fsanitize=address,undefined, pass the files as arguments.
 */

#define MAX_EVENTS 2048
#define MAX_ROWS 2048
#define MAX_INNER 2048

struct fuzz {
	struct binlog_decoder *d;
	struct sbuf out;
	struct binlog_value *before, *after;
	uint32_t nvals;
};

/* Room for a row image of n columns. */
static bool
fuzz_vals(struct fuzz *f, uint32_t n)
{
	if (n <= f->nvals)
		return true;
	if (n > 1u << 16)
		return false;
	free(f->before);
	free(f->after);
	f->before = calloc(n, sizeof(*f->before));
	f->after = calloc(n, sizeof(*f->after));
	f->nvals = f->before && f->after ? n : 0;
	return f->nvals != 0;
}

/* Print every present value of a row image both ways. */
static void
fuzz_print_row(struct fuzz *f, const struct binlog_table *t,
    const struct binlog_row *row)
{
	struct proto_err err;

	for (uint32_t i = 0; i < row->ncols && i < t->ncols; i++) {
		const struct binlog_value *v = &row->vals[i];

		if (v->kind == BV_ABSENT)
			continue;
		/* a value the printers refuse must come with an error */
		memset(&err, 0, sizeof(err));
		sbuf_reset(&f->out);
		if (!value_print_binlog(&f->out, &t->cols[i], v, &err) &&
		    err.code == PROTO_OK)
			abort();
		memset(&err, 0, sizeof(err));
		sbuf_reset(&f->out);
		if (!value_print_json(&f->out, &t->cols[i], v, &err) &&
		    err.code == PROTO_OK)
			abort();
	}
}

static void
fuzz_rows(struct fuzz *f, const struct binlog_rows_event *r)
{
	const struct binlog_table *t = r->table;
	struct binlog_row before, after;
	struct proto_err err;
	size_t pos = 0;
	int n = 0;

	if (t == NULL || !fuzz_vals(f, t->ncols ? t->ncols : 1))
		return;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	before.ncols = after.ncols = t->ncols;
	before.vals = f->before;
	after.vals = f->after;
	memset(&err, 0, sizeof(err));
	while (n++ < MAX_ROWS &&
	    binlog_rows_next(r, &pos, &before, &after, &err) == 1) {
		if (r->kind != BINLOG_ROWS_WRITE)
			fuzz_print_row(f, t, &before);
		if (r->kind != BINLOG_ROWS_DELETE)
			fuzz_print_row(f, t, &after);
	}
}

static void fuzz_event(struct fuzz *f, const struct binlog_event *ev,
    int depth);

static void
fuzz_payload(struct fuzz *f, const struct binlog_event *ev, int depth)
{
	struct binlog_payload_iter *it;
	struct binlog_event in;
	struct proto_err err;
	int n = 0;

	memset(&err, 0, sizeof(err));
	it = binlog_payload_open(f->d, ev, &err);
	if (it == NULL)
		return;
	while (n++ < MAX_INNER && binlog_payload_next(it, &in, &err) == 1)
		fuzz_event(f, &in, depth + 1);
	binlog_payload_close(it);
}

/* Everything an event holds beyond its struct. */
static void
fuzz_event(struct fuzz *f, const struct binlog_event *ev, int depth)
{
	struct proto_err err;

	memset(&err, 0, sizeof(err));
	switch (ev->h.type) {
	case BINLOG_WRITE_ROWS_EVENT_V1:
	case BINLOG_UPDATE_ROWS_EVENT_V1:
	case BINLOG_DELETE_ROWS_EVENT_V1:
	case BINLOG_WRITE_ROWS_EVENT:
	case BINLOG_UPDATE_ROWS_EVENT:
	case BINLOG_DELETE_ROWS_EVENT:
	case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT:
		fuzz_rows(f, &ev->rows);
		break;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		if (depth < 2)
			fuzz_payload(f, ev, depth);
		break;
	case BINLOG_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT: {
		/* what the replica does with it: the GTID (and tag) into a set */
		struct gtid_mysql_set s;
		char tag[GTID_TAG_MAX + 1];
		size_t n = ev->gtid.tag.len;

		if (n > GTID_TAG_MAX)
			abort(); /* the decoder bounds it */
		if (n > 0)
			memcpy(tag, ev->gtid.tag.p, n);
		tag[n] = '\0';
		gtid_mysql_init(&s);
		if (ev->gtid.gno >= 1 && ev->gtid.gno < INT64_MAX &&
		    gtid_mysql_add(&s, ev->gtid.sid, tag, ev->gtid.gno)) {
			sbuf_reset(&f->out);
			gtid_mysql_print(&s, &f->out);
		}
		gtid_mysql_free(&s);
		break;
	}
	case BINLOG_PREVIOUS_GTIDS_EVENT: {
		struct gtid_mysql_set s;

		gtid_mysql_init(&s);
		if (gtid_mysql_decode(&s, ev->previous_gtids.data,
		    ev->previous_gtids.len, ev->offset, &err)) {
			sbuf_reset(&f->out);
			gtid_mysql_print(&s, &f->out);
		}
		gtid_mysql_free(&s);
		break;
	}
	case BINLOG_MARIA_GTID_LIST_EVENT: {
		struct gtid_maria_set s;
		size_t len = ev->body_len >= 4 ? ev->body_len - 4 : 0;

		gtid_maria_init(&s);
		if (ev->gtid_list.list != NULL &&
		    gtid_maria_decode_list(&s, ev->gtid_list.list,
		    ev->gtid_list.count, len, ev->offset, &err)) {
			sbuf_reset(&f->out);
			gtid_maria_print(&s, &f->out);
		}
		gtid_maria_free(&s);
		break;
	}
	default:
		break;
	}
}

/* Feed a generated FDE to the decoder; false if it refuses it. */
static bool
fuzz_generated_fde(struct fuzz *f, unsigned which)
{
	struct binlog_event ev;
	struct proto_err err;
	struct vec v;
	bool ok;

	vec_init(&v);
	switch (which) {
	case 0:
		vec_fde_mysql80(&v, VEC_CRC32);
		break;
	case 1:
		vec_fde_mysql80(&v, VEC_CRC_OFF);
		break;
	case 2:
		vec_fde_mariadb(&v, VEC_CRC32);
		break;
	case 3:
		vec_fde_mariadb(&v, VEC_CRC_OFF);
		break;
	case 4:
		vec_fde_mysql55(&v);
		break;
	default:
		vec_fde_mysql56(&v, VEC_CRC32);
		break;
	}
	memset(&err, 0, sizeof(err));
	ok = binlog_decode(f->d, v.p, v.len, 4, &ev, &err);
	vec_free(&v);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz f;
	uint64_t off;
	size_t pos;
	int n = 0;

	memset(&f, 0, sizeof(f));
	f.d = binlog_decoder_new();
	if (f.d == NULL)
		return 0;
	if (size >= BINLOG_MAGIC_LEN &&
	    memcmp(data, BINLOG_MAGIC, BINLOG_MAGIC_LEN) == 0) {
		pos = BINLOG_MAGIC_LEN;
		off = BINLOG_MAGIC_LEN;
	} else {
		unsigned sel = size ? data[0] : 0;

		binlog_decoder_set_verify(f.d, (sel & 8) != 0);
		if ((sel & 7) == 6)
			binlog_decoder_set_checksum(f.d, BINLOG_CHECKSUM_CRC32);
		else if ((sel & 7) < 6 && !fuzz_generated_fde(&f, sel & 7))
			abort(); /* the decoder refused an FDE it must know */
		pos = size ? 1 : 0;
		off = 4 + 256; /* somewhere after the generated FDE */
	}

	while (pos < size && n++ < MAX_EVENTS) {
		struct binlog_event ev;
		struct proto_err err;
		size_t left = size - pos;
		size_t len = binlog_event_length(data + pos, left);
		uint8_t *copy;
		bool ok;

		if (len == 0)
			break;
		if (len > left)
			len = left; /* a truncated last event */
		/* an exact-size copy, so that any over-read is caught */
		copy = malloc(len);
		if (copy == NULL)
			break;
		memcpy(copy, data + pos, len);
		memset(&err, 0, sizeof(err));
		ok = binlog_decode(f.d, copy, len, off, &ev, &err);
		if (ok)
			fuzz_event(&f, &ev, 0);
		else if (err.code == PROTO_OK || err.msg[0] == '\0')
			abort(); /* a failure must say what and where */
		free(copy);
		if (!ok && len < 19)
			break;
		pos += len;
		off += len;
	}

	free(f.before);
	free(f.after);
	sbuf_free(&f.out);
	binlog_decoder_free(f.d);
	return 0;
}

#ifdef EVENT_FUZZER_MAIN
/* Without libFuzzer: run each file named on the command line once. */
int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		uint8_t *buf;
		long n;

		if (fp == NULL) {
			perror(argv[i]);
			return 1;
		}
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		buf = malloc(n > 0 ? (size_t)n : 1);
		if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			fprintf(stderr, "%s: read failed\n", argv[i]);
			return 1;
		}
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
	}
	return 0;
}
#endif
