/* jsonb_int.h: binary JSON internals shared by the printer and the diff applier. */
#ifndef PROTO_JSONB_INT_H
#define PROTO_JSONB_INT_H

#include "proto/cursor.h"
#include "proto/sbuf.h"

enum {
	JSONB_SMALL_OBJECT = 0x00,
	JSONB_LARGE_OBJECT = 0x01,
	JSONB_SMALL_ARRAY = 0x02,
	JSONB_LARGE_ARRAY = 0x03,
	JSONB_LITERAL = 0x04,
	JSONB_INT16 = 0x05,
	JSONB_UINT16 = 0x06,
	JSONB_INT32 = 0x07,
	JSONB_UINT32 = 0x08,
	JSONB_INT64 = 0x09,
	JSONB_UINT64 = 0x0a,
	JSONB_DOUBLE = 0x0b,
	JSONB_STRING = 0x0c,
	JSONB_OPAQUE = 0x0f,
};

/* MySQL refuses documents nested deeper than this (JSON_DOCUMENT_MAX_DEPTH). */
#define JSONB_MAX_DEPTH 100

/* One conversion: the output, the error sink and the work budget. */
struct jsonb_ctx {
	struct sbuf *out;
	struct proto_err *err;
	/*
	 * Bytes of the document still allowed to be referenced. A well-formed
	 * document stores every value once, so the bytes its values, keys and
	 * headers take add up to at most its length; entries that share or
	 * overlap storage would otherwise let a small input print an
	 * exponentially large text.
	 */
	uint64_t budget;
};

/* Append bytes as a JSON string the way MySQL quotes them (double_quote()). */
void jsonb_quote_json(struct sbuf *out, const uint8_t *p, size_t n);
/* True for the type bytes the format defines. */
bool jsonb_type_ok(uint8_t type);
/* True if values of this type live in the value entry itself. */
bool jsonb_inlined(uint8_t type, bool large);
/*
 * Append the JSON text of one value of the given type stored at p (avail
 * bytes to the end of its container, or of its entry when inlined), at
 * nesting depth depth, charging j's budget as jsonb_to_text() does.
 */
PROTO_WUR bool jsonb_print(struct jsonb_ctx *j, uint8_t type, const uint8_t *p,
    size_t avail, uint64_t off, bool inlined, int depth);

#endif
