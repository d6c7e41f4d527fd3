/* payload.c: the inner events of a MySQL TRANSACTION_PAYLOAD, decompressed as a stream. */
#include "proto/binlog.h"
#include "proto/binlog_int.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/*
 * The payload is a sequence of ordinary events (19-byte header, no
 * checksum), zstd-compressed as one frame or stored as is (type 255).
 * Only a window holding the current event is kept decompressed, so a
 * large compressed transaction never sits whole in memory.
 */
struct binlog_payload_iter {
	struct binlog_decoder *d;
	ZSTD_DStream *zs;
	ZSTD_inBuffer in;
	uint8_t *buf;
	size_t cap, start, end;
	uint64_t payload_offset; /* of the TRANSACTION_PAYLOAD event */
	uint64_t consumed;       /* uncompressed bytes handed out */
	uint64_t uncompressed_size;
	bool raw;                /* compression NONE: events read in place */
	bool stream_done;
};

struct binlog_payload_iter *
binlog_payload_open(struct binlog_decoder *d, const struct binlog_event *ev,
    struct proto_err *err)
{
	struct binlog_payload_iter *it;

	if (ev->h.type != BINLOG_TRANSACTION_PAYLOAD_EVENT) {
		proto_fail(err, PROTO_MALFORMED, ev->offset,
		    "not a TRANSACTION_PAYLOAD event");
		return NULL;
	}
	it = calloc(1, sizeof(*it));
	if (it == NULL) {
		proto_fail(err, PROTO_NOMEM, ev->offset, "out of memory");
		return NULL;
	}
	it->d = d;
	it->payload_offset = ev->offset;
	it->uncompressed_size = ev->payload.uncompressed_size;
	it->in.src = ev->payload.data;
	it->in.size = ev->payload.data_len;
	it->in.pos = 0;
	if (ev->payload.compression_type == 255) {
		it->raw = true;
		return it;
	}
	it->zs = ZSTD_createDStream();
	if (it->zs == NULL || ZSTD_isError(ZSTD_initDStream(it->zs))) {
		proto_fail(err, PROTO_NOMEM, ev->offset, "cannot start zstd");
		binlog_payload_close(it);
		return NULL;
	}
	return it;
}

void
binlog_payload_close(struct binlog_payload_iter *it)
{
	if (it == NULL)
		return;
	if (it->zs != NULL)
		ZSTD_freeDStream(it->zs);
	free(it->buf);
	free(it);
}

/* Decompress until at least need bytes are buffered or the frame ends. */
static bool
fill(struct binlog_payload_iter *it, size_t need, struct proto_err *err)
{
	while (it->end - it->start < need && !it->stream_done) {
		ZSTD_outBuffer out;
		size_t rc;

		if (it->start > 0 && (it->cap - it->end < need || it->start > it->cap / 2)) {
			memmove(it->buf, it->buf + it->start, it->end - it->start);
			it->end -= it->start;
			it->start = 0;
		}
		if (it->cap - it->end < ZSTD_DStreamOutSize() ||
		    it->cap - it->start < need) {
			size_t ncap = it->cap ? it->cap : 1 << 17;
			uint8_t *nb;
			while (ncap - it->end < ZSTD_DStreamOutSize() ||
			    ncap - it->start < need)
				ncap *= 2;
			nb = realloc(it->buf, ncap);
			if (nb == NULL)
				return proto_fail(err, PROTO_NOMEM, it->payload_offset,
				    "out of memory decompressing TRANSACTION_PAYLOAD");
			it->buf = nb;
			it->cap = ncap;
		}
		out.dst = it->buf + it->end;
		out.size = it->cap - it->end;
		out.pos = 0;
		rc = ZSTD_decompressStream(it->zs, &out, &it->in);
		if (ZSTD_isError(rc))
			return proto_fail(err, PROTO_MALFORMED, it->payload_offset,
			    "TRANSACTION_PAYLOAD: zstd: %s", ZSTD_getErrorName(rc));
		it->end += out.pos;
		if (rc == 0 && it->in.pos == it->in.size)
			it->stream_done = true;
		else if (out.pos == 0 && it->in.pos == it->in.size)
			return proto_fail(err, PROTO_TRUNCATED, it->payload_offset,
			    "TRANSACTION_PAYLOAD: zstd frame ends early");
	}
	return true;
}

int
binlog_payload_next(struct binlog_payload_iter *it, struct binlog_event *ev,
    struct proto_err *err)
{
	const uint8_t *p;
	size_t avail, size;
	bool ok;

	if (it->raw) {
		p = (const uint8_t *)it->in.src + it->in.pos;
		avail = it->in.size - it->in.pos;
	} else {
		if (!fill(it, BINLOG_HEADER_LEN, err))
			return -1;
		p = it->buf + it->start;
		avail = it->end - it->start;
	}
	if (avail == 0) {
		if (it->uncompressed_size && it->consumed != it->uncompressed_size) {
			proto_fail(err, PROTO_MALFORMED, it->payload_offset,
			    "TRANSACTION_PAYLOAD holds %llu bytes, announced %llu",
			    (unsigned long long)it->consumed,
			    (unsigned long long)it->uncompressed_size);
			return -1;
		}
		return 0;
	}
	if (avail < BINLOG_HEADER_LEN) {
		proto_fail(err, PROTO_TRUNCATED, it->payload_offset,
		    "TRANSACTION_PAYLOAD: inner event header cut at byte %llu",
		    (unsigned long long)it->consumed);
		return -1;
	}
	size = binlog_event_length(p, avail);
	if (size < BINLOG_HEADER_LEN) {
		proto_fail(err, PROTO_MALFORMED, it->payload_offset,
		    "TRANSACTION_PAYLOAD: inner event at byte %llu has size %zu",
		    (unsigned long long)it->consumed, size);
		return -1;
	}
	if ((it->uncompressed_size && size > it->uncompressed_size - it->consumed) ||
	    size > (1u << 30)) {
		/* checked before any buffer grows to the size a header claims */
		proto_fail(err, PROTO_MALFORMED, it->payload_offset,
		    "TRANSACTION_PAYLOAD: inner event at byte %llu claims %zu bytes, "
		    "more than the payload holds", (unsigned long long)it->consumed, size);
		return -1;
	}
	if (!it->raw) {
		if (!fill(it, size, err))
			return -1;
		p = it->buf + it->start;
		avail = it->end - it->start;
	}
	if (avail < size) {
		proto_fail(err, PROTO_TRUNCATED, it->payload_offset,
		    "TRANSACTION_PAYLOAD: inner event at byte %llu needs %zu bytes, %zu left",
		    (unsigned long long)it->consumed, size, avail);
		return -1;
	}
	it->d->inner_mode = true;
	ok = binlog_decode(it->d, p, size, it->payload_offset, ev, err);
	it->d->inner_mode = false;
	if (!ok)
		return -1;
	if (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT) {
		proto_fail(err, PROTO_MALFORMED, it->payload_offset,
		    "FORMAT_DESCRIPTION inside a TRANSACTION_PAYLOAD");
		return -1;
	}
	if (it->raw)
		it->in.pos += size;
	else
		it->start += size;
	it->consumed += size;
	return 1;
}
