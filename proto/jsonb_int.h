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

/* One leg of the path to the value being printed (jsonb_sql). */
struct jsonb_frame {
	bool member;
	const uint8_t *key; /* member: the key's bytes */
	size_t klen;
	uint64_t idx;       /* cell: the index */
};

/*
 * The typed scalars of a document (DECIMAL, temporal and binary opaque
 * values, which JSON text cannot carry), collected while it is printed,
 * and the SQL that puts each back at its path (jsonb_to_sql()).
 */
struct jsonb_sql {
	struct jsonb_frame path[JSONB_MAX_DEPTH + 1];
	int depth;          /* legs of path in use for the value being printed */
	uint32_t n;         /* typed scalars found */
	uint32_t ncols;     /* JSON_TABLE columns made */
	struct sbuf sets;   /* ", 'path', value" for JSON_SET */
	struct sbuf tables; /* finished "JSON_TABLE(...) tN" */
	struct sbuf data;   /* the open JSON_TABLE's JSON_ARRAY elements */
	struct sbuf cols;   /* and its COLUMNS */
};

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
	struct jsonb_sql *sql; /* NULL: text only */
};

/* Record the leg to the next child of a container at depth (if collecting). */
static inline void
jsonb_sql_leg(struct jsonb_ctx *j, int depth, bool member, const uint8_t *key,
    size_t klen, uint64_t idx)
{
	struct jsonb_frame *f;

	if (j->sql == NULL)
		return;
	f = &j->sql->path[depth];
	f->member = member;
	f->key = key;
	f->klen = klen;
	f->idx = idx;
	j->sql->depth = depth + 1;
}

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
