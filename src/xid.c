/* xid.c: XA transaction identifiers in one canonical text, from binlog events and from XA statements in any literal form. */
#include "src/xid.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "src/sqlclass.h"
#include "src/sqllex.h"

/* Hex digits of bytes p[0..n) into out (2n + 1 bytes). */
static void
hex_of(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void
xid_text(const uint8_t *g, size_t gn, const uint8_t *b, size_t bn, long format,
    char *out, size_t outlen)
{
	char gh[129], bh[129];

	hex_of(g, gn, gh);
	hex_of(b, bn, bh);
	snprintf(out, outlen, "X'%s',X'%s',%ld", gh, bh, format);
}

void
xa_xid_of_event(const struct binlog_event *ev, char *out, size_t outlen)
{
	const struct binlog_xa_prepare *x = &ev->xa_prepare;

	xid_text(x->data, x->gtrid_len, x->data + x->gtrid_len, x->bqual_len,
	    (long)x->format_id, out, outlen);
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* len hex digits at h into out (at most 64 bytes); false if they are not. */
static bool
hex_bytes(const char *h, size_t len, uint8_t *out, size_t *n)
{
	if (len % 2 != 0 || len / 2 > 64)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		if (!isxdigit((unsigned char)h[i]) || !isxdigit((unsigned char)h[i + 1]))
			return false;
		out[(*n)++] = (uint8_t)(hexval(h[i]) << 4 | hexval(h[i + 1]));
	}
	return true;
}

/*
 * One part of an xid at token t (and the one after it): 'string' (with an
 * optional _charset introducer), X'hex' or 0xhex.  Bytes into out (at most
 * 64); the token after the part into *t.  False if it is none of these.
 */
static bool
xid_part(struct lex *lx, const char *sql, struct tok *t, bool bs_escapes,
    uint8_t *out, size_t *n)
{
	*n = 0;
	if (t->kind == TK_WORD && sql[t->start] == '_')
		lex_next(lx, t); /* _binary'..', _latin1'..' */
	if (t->kind == TK_WORD && t->end - t->start == 1 &&
	    (sql[t->start] == 'X' || sql[t->start] == 'x')) {
		struct tok s;
		lex_next(lx, &s);
		if (s.kind != TK_STRING || s.start != t->end || sql[s.start] != '\'')
			return false;
		if (!hex_bytes(sql + s.start + 1, s.end - s.start - 2, out, n))
			return false;
	} else if (t->kind == TK_NUMBER && t->end - t->start > 2 && sql[t->start] == '0' &&
	    (sql[t->start + 1] == 'x' || sql[t->start + 1] == 'X')) {
		if (!hex_bytes(sql + t->start + 2, t->end - t->start - 2, out, n))
			return false;
	} else if (t->kind == TK_STRING) {
		char q = sql[t->start];
		for (size_t i = t->start + 1; i + 1 < t->end; i++) {
			char c = sql[i];
			if (c == q && i + 2 < t->end && sql[i + 1] == q)
				i++;
			else if (c == '\\' && bs_escapes && i + 2 < t->end) {
				c = sql[++i];
				switch (c) {
				case '0': c = '\0'; break;
				case 'n': c = '\n'; break;
				case 'r': c = '\r'; break;
				case 't': c = '\t'; break;
				case 'b': c = '\b'; break;
				case 'Z': c = '\032'; break;
				default: break; /* \\ \' \" and the rest: the character */
				}
			}
			if (*n >= 64)
				return false;
			out[(*n)++] = (uint8_t)c;
		}
	} else
		return false;
	lex_next(lx, t);
	return true;
}

bool
xa_parse(const char *sql, size_t len, uint64_t sql_mode, enum xa_verb *verb,
    char *xid, size_t xidlen, bool *one_phase)
{
	static const char *const verbs[] = { "START", "BEGIN", "END", "PREPARE", "COMMIT",
		"ROLLBACK", NULL };
	static const enum xa_verb map[] = { XA_V_START, XA_V_START, XA_V_END, XA_V_PREPARE,
		XA_V_COMMIT, XA_V_ROLLBACK };
	static const char *const xa[] = { "XA", NULL };
	static const char *const one[] = { "ONE", NULL };
	struct lex lx;
	struct tok t;
	uint8_t g[64], b[64];
	size_t gn = 0, bn = 0;
	long format = 1;
	unsigned i;

	*one_phase = false;
	lex_init(&lx, sql, len, sql_mode);
	lex_next(&lx, &t);
	if (!lex_word_in(sql, &t, xa))
		return false;
	lex_next(&lx, &t);
	for (i = 0; verbs[i] != NULL; i++) {
		const char *const w[] = { verbs[i], NULL };
		if (lex_word_in(sql, &t, w))
			break;
	}
	if (verbs[i] == NULL)
		return false;
	*verb = map[i];
	lex_next(&lx, &t);
	if (!xid_part(&lx, sql, &t, !(sql_mode & SQL_MODE_NO_BACKSLASH_ESCAPES), g, &gn))
		return false;
	if (t.kind == TK_PUNCT && t.c == ',') {
		lex_next(&lx, &t);
		if (!xid_part(&lx, sql, &t, !(sql_mode & SQL_MODE_NO_BACKSLASH_ESCAPES), b, &bn))
			return false;
		if (t.kind == TK_PUNCT && t.c == ',') {
			lex_next(&lx, &t);
			if (t.kind != TK_NUMBER || t.end - t.start > 10)
				return false;
			/* the statement is not NUL-terminated: the token's digits only */
			format = 0;
			for (size_t k = t.start; k < t.end; k++) {
				if (!isdigit((unsigned char)sql[k]))
					return false;
				format = format * 10 + (sql[k] - '0');
			}
			lex_next(&lx, &t);
		}
	}
	if (lex_word_in(sql, &t, one))
		*one_phase = true;
	xid_text(g, gn, b, bn, format, xid, xidlen);
	return true;
}

bool
xid_listed(const char *list, const char *xid)
{
	size_t n = strlen(xid);

	for (const char *p = list; p != NULL && n > 0 && (p = strstr(p, xid)) != NULL; p += n)
		if (p > list && p[-1] == '\n' && p[n] == '\n')
			return true;
	return false;
}
