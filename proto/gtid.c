/* gtid.c: GTID sets of MySQL (uuid:tag:1-5) and MariaDB (domain-server-seq). */
#include "proto/gtid.h"
#include "proto/cursor.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* MySQL's GNO_END: numbers run from 1 to INT64_MAX - 1. */
#define GTID_GNO_END INT64_MAX

/* Binary SID block formats (mysql::gtid::Gtid_format). */
enum {
	GTID_FORMAT_UNTAGGED = 0,
	GTID_FORMAT_TAGGED = 1,
};

static bool
gtid_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\v' || ch == '\f';
}

static bool
gtid_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
gtid_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A tag character at position pos: letters and '_', digits after the first. */
static bool
gtid_tag_char(char ch, size_t pos)
{
	return gtid_alpha(ch) || ch == '_' || (gtid_digit(ch) && pos > 0);
}

/*
 * Copy a tag of n bytes lower-cased into out; false if it is not a tag
 * (MySQL: [A-Za-z_][A-Za-z0-9_]*, at most 32 characters). "" is untagged.
 */
static bool
gtid_tag_copy(char out[GTID_TAG_MAX + 1], const char *tag, size_t n)
{
	if (n > GTID_TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!gtid_tag_char(tag[i], i))
			return false;
		out[i] = tag[i] >= 'A' && tag[i] <= 'Z' ?
		    (char)(tag[i] - 'A' + 'a') : tag[i];
	}
	out[n] = '\0';
	return true;
}

bool
gtid_tag_valid(const char *tag, size_t n)
{
	char t[GTID_TAG_MAX + 1];

	return gtid_tag_copy(t, tag, n);
}

void
gtid_uuid_format(const uint8_t uuid[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	int k = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[uuid[i] >> 4];
		out[k++] = hex[uuid[i] & 0xf];
	}
	out[k] = '\0';
}

/* Parse the 36-character 8-4-4-4-12 form, either case; false if not one. */
static bool
gtid_uuid_parse(const char *s, size_t left, uint8_t uuid[16])
{
	int k = 0;

	if (left < 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		int hi = cur_hexval(s[i]), lo;
		if (hi < 0 || (lo = cur_hexval(s[i + 1])) < 0)
			return false;
		uuid[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return true;
}

/* ---- MySQL sets */

void
gtid_mysql_init(struct gtid_mysql_set *s)
{
	memset(s, 0, sizeof(*s));
}

void
gtid_mysql_free(struct gtid_mysql_set *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->sids[i].iv);
	free(s->sids);
	gtid_mysql_init(s);
}

/* Order of sids: uuid bytes, then tag ("" first). */
static int
gtid_sid_cmp(const uint8_t uuid[16], const char *tag,
    const struct gtid_sid *sid)
{
	int c = memcmp(uuid, sid->uuid, 16);

	return c != 0 ? c : strcmp(tag, sid->tag);
}

/* Binary search: true and *at = index if found, else *at = insert position. */
static bool
gtid_sid_find(const struct gtid_mysql_set *s, const uint8_t uuid[16],
    const char *tag, uint32_t *at)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = gtid_sid_cmp(uuid, tag, &s->sids[mid]);
		if (c == 0) {
			*at = mid;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*at = lo;
	return false;
}

/* The sid of (uuid, normalized tag), created empty if missing; NULL on OOM. */
static struct gtid_sid *
gtid_sid_get(struct gtid_mysql_set *s, const uint8_t uuid[16], const char *tag)
{
	struct gtid_sid *sid;
	uint32_t at;

	if (gtid_sid_find(s, uuid, tag, &at))
		return &s->sids[at];
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		struct gtid_sid *np;
		if (cap <= s->cap)
			return NULL;
		np = realloc(s->sids, (size_t)cap * sizeof(*np));
		if (np == NULL)
			return NULL;
		s->sids = np;
		s->cap = cap;
	}
	memmove(&s->sids[at + 1], &s->sids[at],
	    (s->n - at) * sizeof(s->sids[0]));
	s->n++;
	sid = &s->sids[at];
	memset(sid, 0, sizeof(*sid));
	memcpy(sid->uuid, uuid, 16);
	strcpy(sid->tag, tag);
	return sid;
}

/* Room for one more interval in sid; false on OOM. */
static bool
gtid_sid_room(struct gtid_sid *sid)
{
	uint32_t cap;
	struct gtid_interval *np;

	if (sid->n < sid->cap)
		return true;
	cap = sid->cap ? sid->cap * 2 : 4;
	if (cap <= sid->cap)
		return false;
	np = realloc(sid->iv, (size_t)cap * sizeof(*np));
	if (np == NULL)
		return false;
	sid->iv = np;
	sid->cap = cap;
	return true;
}

/*
 * Add [start, end) to a sid, merging with every interval it overlaps or
 * touches, so intervals stay sorted, disjoint and non-adjacent.
 */
static bool
gtid_sid_add(struct gtid_sid *sid, int64_t start, int64_t end)
{
	uint32_t i = 0, j, lo = 0, hi = sid->n;

	/* first interval that ends at or after start */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sid->iv[mid].end < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	if (i == sid->n || sid->iv[i].start > end) {
		if (!gtid_sid_room(sid))
			return false;
		memmove(&sid->iv[i + 1], &sid->iv[i],
		    (sid->n - i) * sizeof(sid->iv[0]));
		sid->iv[i].start = start;
		sid->iv[i].end = end;
		sid->n++;
		return true;
	}
	/* merge i .. j, the last interval that starts at or before end */
	for (j = i; j + 1 < sid->n && sid->iv[j + 1].start <= end; j++)
		;
	if (sid->iv[i].start < start)
		start = sid->iv[i].start;
	if (sid->iv[j].end > end)
		end = sid->iv[j].end;
	sid->iv[i].start = start;
	sid->iv[i].end = end;
	memmove(&sid->iv[i + 1], &sid->iv[j + 1],
	    (sid->n - j - 1) * sizeof(sid->iv[0]));
	sid->n -= j - i;
	return true;
}

/* Drop sids that hold no interval (a bare "uuid" or "uuid:tag" in text). */
static void
gtid_mysql_compact(struct gtid_mysql_set *s)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		if (s->sids[i].n == 0) {
			free(s->sids[i].iv);
			continue;
		}
		s->sids[k++] = s->sids[i];
	}
	s->n = k;
}

/* Text parser state: the string, the position, the error sink. */
struct gtid_text {
	const char *s;
	size_t pos, len;
	struct proto_err *err;
};

static void
gtid_text_ws(struct gtid_text *t)
{
	while (t->pos < t->len && gtid_space(t->s[t->pos]))
		t->pos++;
}

static char
gtid_text_peek(const struct gtid_text *t)
{
	return t->pos < t->len ? t->s[t->pos] : '\0';
}

/* Fail with "<message> at offset N", N the current character offset. */
static bool __attribute__((format(printf, 2, 3)))
gtid_text_fail(struct gtid_text *t, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return proto_fail(t->err, PROTO_MALFORMED, t->pos,
	    "%s at offset %llu", msg, (unsigned long long)t->pos);
}

/* Read a decimal number of at most max into *v. */
static bool
gtid_text_number(struct gtid_text *t, uint64_t max, uint64_t *v,
    const char *what)
{
	uint64_t n = 0;
	size_t start = t->pos;

	while (t->pos < t->len && gtid_digit(t->s[t->pos])) {
		unsigned d = (unsigned)(t->s[t->pos] - '0');
		if (n > (max - d) / 10) {
			t->pos = start;
			return gtid_text_fail(t, "%s too large", what);
		}
		n = n * 10 + d;
		t->pos++;
	}
	if (t->pos == start)
		return gtid_text_fail(t, "expected %s", what);
	*v = n;
	return true;
}

/*
 * Parse one "uuid(:tag|:interval)*" specification (sql/rpl_gtid_set.cc
 * add_gtid_text()): a tag applies to the intervals after it; intervals are
 * "n" or "n-m" with 1 <= n <= m < 2^63 - 1; whitespace may surround every
 * token.
 */
static bool
gtid_text_spec(struct gtid_text *t, struct gtid_mysql_set *s)
{
	uint8_t uuid[16];
	char tag[GTID_TAG_MAX + 1] = "";
	uint64_t a, b;
	struct gtid_sid *sid;

	if (!gtid_uuid_parse(t->s + t->pos, t->len - t->pos, uuid))
		return gtid_text_fail(t, "expected a UUID");
	t->pos += 36;
	gtid_text_ws(t);
	while (gtid_text_peek(t) == ':') {
		t->pos++;
		gtid_text_ws(t);
		if (gtid_tag_char(gtid_text_peek(t), 0)) {
			size_t start = t->pos, n;
			while (t->pos < t->len &&
			    gtid_tag_char(t->s[t->pos], t->pos - start))
				t->pos++;
			n = t->pos - start;
			if (n > GTID_TAG_MAX) {
				t->pos = start;
				return gtid_text_fail(t,
				    "tag longer than 32 characters");
			}
			gtid_tag_copy(tag, t->s + start, n);
			gtid_text_ws(t);
			if (t->pos < t->len && gtid_text_peek(t) != ':' &&
			    gtid_text_peek(t) != ',')
				return gtid_text_fail(t,
				    "bad character after a tag");
			continue;
		}
		if (!gtid_text_number(t, GTID_GNO_END - 1, &a, "GTID number"))
			return false;
		if (a == 0) {
			t->pos--;
			return gtid_text_fail(t, "GTID number 0");
		}
		gtid_text_ws(t);
		b = a;
		if (gtid_text_peek(t) == '-') {
			t->pos++;
			gtid_text_ws(t);
			size_t at = t->pos;
			if (!gtid_text_number(t, GTID_GNO_END - 1, &b,
			    "end of interval"))
				return false;
			if (b < a) {
				t->pos = at;
				return gtid_text_fail(t,
				    "end of interval before its start");
			}
			gtid_text_ws(t);
		}
		sid = gtid_sid_get(s, uuid, tag);
		if (sid == NULL ||
		    !gtid_sid_add(sid, (int64_t)a, (int64_t)b + 1))
			return proto_fail(t->err, PROTO_NOMEM, t->pos,
			    "out of memory");
	}
	return true;
}

bool
gtid_mysql_parse(struct gtid_mysql_set *s, const char *text,
    struct proto_err *err)
{
	struct gtid_text t = { text, 0, strlen(text), err };
	bool ok = true;

	for (;;) {
		gtid_text_ws(&t);
		while (gtid_text_peek(&t) == ',') {
			t.pos++;
			gtid_text_ws(&t);
		}
		if (t.pos == t.len)
			break;
		if (!gtid_text_spec(&t, s)) {
			ok = false;
			break;
		}
		if (t.pos < t.len && t.s[t.pos] != ',') {
			ok = gtid_text_fail(&t,
			    "expected ',', ':' or the end after a GTID");
			break;
		}
	}
	gtid_mysql_compact(s);
	return ok;
}

void
gtid_mysql_print(const struct gtid_mysql_set *s, struct sbuf *out)
{
	const uint8_t *prev = NULL;
	char u[37];

	for (uint32_t i = 0; i < s->n; i++) {
		const struct gtid_sid *sid = &s->sids[i];
		if (sid->n == 0)
			continue;
		if (prev == NULL || memcmp(prev, sid->uuid, 16) != 0) {
			if (prev != NULL)
				sbuf_addc(out, ',');
			gtid_uuid_format(sid->uuid, u);
			sbuf_add(out, u, 36);
			prev = sid->uuid;
		}
		if (sid->tag[0] != '\0') {
			sbuf_addc(out, ':');
			sbuf_adds(out, sid->tag);
		}
		for (uint32_t k = 0; k < sid->n; k++) {
			sbuf_addc(out, ':');
			sbuf_i64(out, sid->iv[k].start);
			if (sid->iv[k].end - 1 > sid->iv[k].start) {
				sbuf_addc(out, '-');
				sbuf_i64(out, sid->iv[k].end - 1);
			}
		}
	}
}

bool
gtid_mysql_add(struct gtid_mysql_set *s, const uint8_t uuid[16],
    const char *tag, int64_t gno)
{
	char t[GTID_TAG_MAX + 1];
	struct gtid_sid *sid;

	if (gno < 1 || gno >= GTID_GNO_END)
		return false;
	if (tag == NULL)
		tag = "";
	if (!gtid_tag_copy(t, tag, strlen(tag)))
		return false;
	sid = gtid_sid_get(s, uuid, t);
	return sid != NULL && gtid_sid_add(sid, gno, gno + 1);
}

/* Index of the interval with the greatest start <= gno, or -1. */
static int64_t
gtid_sid_floor(const struct gtid_sid *sid, int64_t gno)
{
	uint32_t lo = 0, hi = sid->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sid->iv[mid].start <= gno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (int64_t)lo - 1;
}

bool
gtid_mysql_contains(const struct gtid_mysql_set *s, const uint8_t uuid[16],
    const char *tag, int64_t gno)
{
	char t[GTID_TAG_MAX + 1];
	uint32_t at;
	int64_t k;

	if (tag == NULL)
		tag = "";
	if (!gtid_tag_copy(t, tag, strlen(tag)) ||
	    !gtid_sid_find(s, uuid, t, &at))
		return false;
	k = gtid_sid_floor(&s->sids[at], gno);
	return k >= 0 && gno < s->sids[at].iv[k].end;
}

/* Remove gno from sid (splitting its interval); false on OOM. */
static bool
gtid_sid_remove(struct gtid_sid *sid, int64_t gno)
{
	int64_t k = gtid_sid_floor(sid, gno);
	struct gtid_interval *iv;

	if (k < 0 || gno >= sid->iv[k].end)
		return true;
	iv = &sid->iv[k];
	if (iv->start == gno && iv->end == gno + 1) {
		memmove(iv, iv + 1, (sid->n - (uint32_t)k - 1) * sizeof(*iv));
		sid->n--;
	} else if (iv->start == gno)
		iv->start++;
	else if (iv->end == gno + 1)
		iv->end--;
	else {
		if (!gtid_sid_room(sid))
			return false;
		iv = &sid->iv[k];
		memmove(iv + 2, iv + 1, (sid->n - (uint32_t)k - 1) * sizeof(*iv));
		iv[1].start = gno + 1;
		iv[1].end = iv[0].end;
		iv[0].end = gno;
		sid->n++;
	}
	return true;
}

bool
gtid_mysql_subtract(struct gtid_mysql_set *s, const struct gtid_mysql_set *sub)
{
	for (uint32_t i = 0; i < sub->n; i++) {
		const struct gtid_sid *r = &sub->sids[i];
		uint32_t at;
		if (!gtid_sid_find(s, r->uuid, r->tag, &at))
			continue;
		for (uint32_t k = 0; k < r->n; k++)
			for (int64_t g = r->iv[k].start; g < r->iv[k].end; g++)
				if (!gtid_sid_remove(&s->sids[at], g))
					return false;
	}
	return true;
}

bool
gtid_mysql_contains_set(const struct gtid_mysql_set *s,
    const struct gtid_mysql_set *sub)
{
	for (uint32_t i = 0; i < sub->n; i++) {
		const struct gtid_sid *b = &sub->sids[i];
		uint32_t at;

		if (b->n == 0)
			continue;
		if (!gtid_sid_find(s, b->uuid, b->tag, &at))
			return false;
		for (uint32_t k = 0; k < b->n; k++) {
			/* s is merged: one of its intervals must cover b's */
			int64_t f = gtid_sid_floor(&s->sids[at],
			    b->iv[k].start);
			if (f < 0 || s->sids[at].iv[f].end < b->iv[k].end)
				return false;
		}
	}
	return true;
}

/*
 * The SID block of PREVIOUS_GTIDS and COM_BINLOG_DUMP_GTID
 * (Gtid_set::encode(), all integers little-endian):
 *
 *   0   8   n_sids; untagged: bits 0..55 count, bits 56..63 format 0
 *           tagged (MySQL 8.3+): byte 0 format 1, bytes 1..6 count,
 *           byte 7 format 1
 *   per sid:
 *   +0  16  uuid
 *   +16 ?   tagged format only: tag as a varlen length (one byte,
 *           length << 1, for tags up to 32 characters) and its bytes
 *   +x  8   n_intervals
 *   +x+8    n_intervals times: start 8, end 8 (exclusive), ascending,
 *           disjoint and not adjacent, start >= 1
 */
static bool
gtid_decode_sids(struct gtid_mysql_set *s, const uint8_t *p, size_t len,
    uint64_t base, struct proto_err *err)
{
	struct cur c;
	uint64_t head, n_sids, n_iv, tlen, start, end, last;
	const uint8_t *uuid, *tb;
	char tag[GTID_TAG_MAX + 1];
	unsigned format;
	struct gtid_sid *sid;

	cur_init(&c, p, len, base, err);
	if (!cur_u64(&c, &head, "GTID set sid count"))
		return false;
	format = (unsigned)(head >> 56);
	if (format == GTID_FORMAT_UNTAGGED) {
		n_sids = head & ((UINT64_C(1) << 56) - 1);
	} else if (format == GTID_FORMAT_TAGGED &&
	    (head & 0xff) == GTID_FORMAT_TAGGED) {
		n_sids = (head >> 8) & ((UINT64_C(1) << 48) - 1);
	} else {
		c.pos = 0;
		return cur_fail(&c, PROTO_MALFORMED,
		    "unknown GTID set encoding format 0x%02x (sid count field "
		    "0x%016" PRIx64 ")", format, head);
	}
	if (n_sids > cur_left(&c) / 24) {
		c.pos = 0;
		return cur_fail(&c, PROTO_TRUNCATED,
		    "GTID set of %" PRIu64 " sids in %zu bytes", n_sids,
		    cur_left(&c));
	}
	for (uint64_t i = 0; i < n_sids; i++) {
		if (!cur_bytes(&c, 16, &uuid, "GTID set uuid"))
			return false;
		tag[0] = '\0';
		if (format == GTID_FORMAT_TAGGED) {
			size_t at = c.pos;
			if (!cur_varlen(&c, UINT64_MAX, &tlen, "GTID tag length"))
				return false;
			if (tlen > GTID_TAG_MAX) {
				c.pos = at;
				return cur_fail(&c, PROTO_MALFORMED,
				    "GTID tag of %" PRIu64 " bytes", tlen);
			}
			if (!cur_bytes(&c, (size_t)tlen, &tb, "GTID tag"))
				return false;
			if (!gtid_tag_copy(tag, (const char *)tb,
			    (size_t)tlen)) {
				c.pos = at;
				return cur_fail(&c, PROTO_MALFORMED,
				    "bad GTID tag \"%.*s\"", (int)tlen,
				    (const char *)tb);
			}
		}
		if (!cur_u64(&c, &n_iv, "GTID set interval count"))
			return false;
		if (n_iv > cur_left(&c) / 16) {
			c.pos -= 8;
			return cur_fail(&c, PROTO_TRUNCATED,
			    "GTID set sid with %" PRIu64 " intervals, %zu "
			    "bytes left", n_iv, cur_left(&c) - 8);
		}
		sid = gtid_sid_get(s, uuid, tag);
		if (sid == NULL)
			return cur_fail(&c, PROTO_NOMEM, "out of memory");
		last = 0;
		for (uint64_t k = 0; k < n_iv; k++) {
			if (!cur_u64(&c, &start, "GTID interval start") ||
			    !cur_u64(&c, &end, "GTID interval end"))
				return false;
			if ((int64_t)start <= (int64_t)last ||
			    (int64_t)end <= (int64_t)start) {
				c.pos -= 16;
				return cur_fail(&c, PROTO_MALFORMED,
				    "GTID interval [%" PRId64 ", %" PRId64
				    ") not after %" PRId64 " or empty",
				    (int64_t)start, (int64_t)end,
				    (int64_t)last);
			}
			last = end;
			if (!gtid_sid_add(sid, (int64_t)start, (int64_t)end))
				return cur_fail(&c, PROTO_NOMEM,
				    "out of memory");
		}
	}
	if (cur_left(&c) != 0)
		return cur_fail(&c, PROTO_MALFORMED,
		    "%zu bytes after the GTID set", cur_left(&c));
	return true;
}

bool
gtid_mysql_decode(struct gtid_mysql_set *s, const uint8_t *p, size_t len,
    uint64_t base, struct proto_err *err)
{
	bool ok = gtid_decode_sids(s, p, len, base, err);

	gtid_mysql_compact(s); /* a sid may have been created before an error */
	return ok;
}

bool
gtid_mysql_encode(const struct gtid_mysql_set *s, struct sbuf *out)
{
	uint64_t n = 0, head;
	bool tagged = false;
	uint8_t b[8];

	for (uint32_t i = 0; i < s->n; i++) {
		if (s->sids[i].n == 0)
			continue;
		n++;
		if (s->sids[i].tag[0] != '\0')
			tagged = true;
	}
	/* A set with tags needs the tagged format; without, the classic one. */
	head = tagged ? (UINT64_C(1) << 56) | n << 8 | 1 : n;
	memcpy(b, &head, 8);
	sbuf_add(out, b, 8);
	for (uint32_t i = 0; i < s->n; i++) {
		const struct gtid_sid *sid = &s->sids[i];
		uint64_t v;
		if (sid->n == 0)
			continue;
		sbuf_add(out, sid->uuid, 16);
		if (tagged) {
			size_t tl = strlen(sid->tag);
			sbuf_addc(out, (char)(tl << 1));
			sbuf_add(out, sid->tag, tl);
		}
		v = sid->n;
		memcpy(b, &v, 8);
		sbuf_add(out, b, 8);
		for (uint32_t k = 0; k < sid->n; k++) {
			memcpy(b, &sid->iv[k].start, 8);
			sbuf_add(out, b, 8);
			memcpy(b, &sid->iv[k].end, 8);
			sbuf_add(out, b, 8);
		}
	}
	return !out->oom;
}

/* ---- MariaDB lists */

void
gtid_maria_init(struct gtid_maria_set *s)
{
	memset(s, 0, sizeof(*s));
}

void
gtid_maria_free(struct gtid_maria_set *s)
{
	free(s->g);
	gtid_maria_init(s);
}

/* Search by (domain, server): true and *at if found, else insert point. */
static bool
gtid_maria_find(const struct gtid_maria_set *s, uint32_t domain,
    uint32_t server, uint32_t *at)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct gtid_maria *m = &s->g[mid];
		if (m->domain_id == domain && m->server_id == server) {
			*at = mid;
			return true;
		}
		if (m->domain_id < domain ||
		    (m->domain_id == domain && m->server_id < server))
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return false;
}

bool
gtid_maria_add(struct gtid_maria_set *s, const struct gtid_maria *g)
{
	uint32_t at;

	if (gtid_maria_find(s, g->domain_id, g->server_id, &at)) {
		if (g->seq_no > s->g[at].seq_no)
			s->g[at].seq_no = g->seq_no;
		return true;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		struct gtid_maria *np;
		if (cap <= s->cap)
			return false;
		np = realloc(s->g, (size_t)cap * sizeof(*np));
		if (np == NULL)
			return false;
		s->g = np;
		s->cap = cap;
	}
	memmove(&s->g[at + 1], &s->g[at], (s->n - at) * sizeof(s->g[0]));
	s->g[at] = *g;
	s->n++;
	return true;
}

bool
gtid_maria_contains(const struct gtid_maria_set *s, const struct gtid_maria *g)
{
	uint32_t at;
	bool seen = false;
	uint64_t max = 0;

	/* entries of one domain are contiguous; at is where (domain, 0) goes */
	gtid_maria_find(s, g->domain_id, 0, &at);
	for (; at < s->n && s->g[at].domain_id == g->domain_id; at++) {
		seen = true;
		if (s->g[at].seq_no > max)
			max = s->g[at].seq_no;
	}
	return seen && g->seq_no <= max;
}

/*
 * Parse "domain-server-seq[,domain-server-seq]*" (MariaDB
 * gtid_parser_helper()): 32-bit domain and server, 64-bit seq_no,
 * whitespace allowed around numbers and commas; "" is empty.
 */
bool
gtid_maria_parse(struct gtid_maria_set *s, const char *text,
    struct proto_err *err)
{
	struct gtid_text t = { text, 0, strlen(text), err };
	struct gtid_maria g;
	uint64_t d, sv, seq;

	gtid_text_ws(&t);
	if (t.pos == t.len)
		return true;
	for (;;) {
		gtid_text_ws(&t);
		if (!gtid_text_number(&t, UINT32_MAX, &d, "domain id"))
			return false;
		gtid_text_ws(&t);
		if (gtid_text_peek(&t) != '-')
			return gtid_text_fail(&t,
			    "expected '-' after the domain id");
		t.pos++;
		gtid_text_ws(&t);
		if (!gtid_text_number(&t, UINT32_MAX, &sv, "server id"))
			return false;
		gtid_text_ws(&t);
		if (gtid_text_peek(&t) != '-')
			return gtid_text_fail(&t,
			    "expected '-' after the server id");
		t.pos++;
		gtid_text_ws(&t);
		if (!gtid_text_number(&t, UINT64_MAX, &seq, "sequence number"))
			return false;
		g.domain_id = (uint32_t)d;
		g.server_id = (uint32_t)sv;
		g.seq_no = seq;
		if (!gtid_maria_add(s, &g))
			return proto_fail(err, PROTO_NOMEM, t.pos,
			    "out of memory");
		gtid_text_ws(&t);
		if (t.pos == t.len)
			return true;
		if (t.s[t.pos] != ',')
			return gtid_text_fail(&t,
			    "expected ',' or the end after a GTID");
		t.pos++;
	}
}

void
gtid_maria_print(const struct gtid_maria_set *s, struct sbuf *out)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (i > 0)
			sbuf_addc(out, ',');
		sbuf_u64(out, s->g[i].domain_id);
		sbuf_addc(out, '-');
		sbuf_u64(out, s->g[i].server_id);
		sbuf_addc(out, '-');
		sbuf_u64(out, s->g[i].seq_no);
	}
}

/*
 * GTID_LIST event entries, after the 4-byte count/flags word:
 *
 *   count times:
 *   0  4  domain_id
 *   4  4  server_id
 *   8  8  seq_no
 *
 * len must be exactly 16 * count.
 */
bool
gtid_maria_decode_list(struct gtid_maria_set *s, const uint8_t *p,
    uint32_t count, size_t len, uint64_t base, struct proto_err *err)
{
	struct cur c;
	struct gtid_maria g;

	cur_init(&c, p, len, base, err);
	if ((uint64_t)count * 16 > len)
		return cur_fail(&c, PROTO_TRUNCATED,
		    "GTID list of %" PRIu32 " entries needs %" PRIu64
		    " bytes, %zu left", count, (uint64_t)count * 16, len);
	for (uint32_t i = 0; i < count; i++) {
		if (!cur_u32(&c, &g.domain_id, "GTID domain id") ||
		    !cur_u32(&c, &g.server_id, "GTID server id") ||
		    !cur_u64(&c, &g.seq_no, "GTID sequence number"))
			return false;
		if (!gtid_maria_add(s, &g))
			return cur_fail(&c, PROTO_NOMEM, "out of memory");
	}
	if (cur_left(&c) != 0)
		return cur_fail(&c, PROTO_MALFORMED,
		    "%zu bytes after the GTID list of %" PRIu32 " entries",
		    cur_left(&c), count);
	return true;
}
