/* sbuf.c: growable output buffer. */
#include "proto/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Make room for need more bytes (plus a NUL); false and sticky oom on failure. */
bool
sbuf_grow(struct sbuf *b, size_t need)
{
	size_t cap;
	char *np;

	if (b->oom)
		return false;
	if (b->cap - b->len >= need)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < need) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	np = realloc(b->p, cap);
	if (np == NULL) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = cap;
	return true;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!sbuf_grow(b, 64))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		if (!sbuf_grow(b, (size_t)n + 1))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
sbuf_u64(struct sbuf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sbuf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

void
sbuf_i64(struct sbuf *b, int64_t v)
{
	if (v < 0) {
		sbuf_addc(b, '-');
		sbuf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		sbuf_u64(b, (uint64_t)v);
}

void
sbuf_sql_string(struct sbuf *b, const char *s)
{
	sbuf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			sbuf_addc(b, *s);
		sbuf_addc(b, *s);
	}
	sbuf_addc(b, '\'');
}
