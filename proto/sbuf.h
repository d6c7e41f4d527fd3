/* sbuf.h: a growable output byte buffer for text formatting. */
#ifndef PROTO_SBUF_H
#define PROTO_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Grows with realloc; oom is sticky (later appends do nothing). */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
	bool oom;
};

bool sbuf_grow(struct sbuf *b, size_t need);
void sbuf_free(struct sbuf *b);
void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Append s as a single-quoted SQL string literal, quotes and backslashes
 * doubled (for the few statements built as text).
 */
void sbuf_sql_string(struct sbuf *b, const char *s);
/* Append an unsigned / signed decimal integer without printf. */
void sbuf_u64(struct sbuf *b, uint64_t v);
void sbuf_i64(struct sbuf *b, int64_t v);

static inline void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
}

static inline void
sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1 && !sbuf_grow(b, n + 1))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void
sbuf_addc(struct sbuf *b, char ch)
{
	if (b->cap - b->len < 2 && !sbuf_grow(b, 2))
		return;
	b->p[b->len++] = ch;
}

static inline void
sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

#endif
