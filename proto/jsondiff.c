/* jsondiff.c: JSON diffs of partial updates applied to binary JSON, and their paths. */
#include "proto/jsondiff.h"

#include <inttypes.h>
#include <stdlib.h>

#include "proto/jsonb.h"
#include "proto/jsonb_int.h"
#include "proto/cursor.h"

/*
 * A diff list (PARTIAL_UPDATE_ROWS_EVENT after image, a JSON column whose
 * partial bit is set) is applied as MySQL's apply_json_diffs() does
 * (sql/json_diff.cc), on a small tree: the parts of the document a diff
 * path walks through are expanded into object and array nodes, everything
 * else stays a reference to the original binary value and is printed by
 * the binary JSON printer. The result's text is then the text of the
 * document a full after image would have carried: MySQL keeps object
 * members ordered by key length, then bytes (Json_key_comparator), in its
 * DOM and in binary JSON alike, and values keep their binary types.
 *
 * Path legs (Json_path_leg::to_string() in sql/json_path.cc):
 *   .name      an ECMAScript identifier, unquoted
 *   ."name"    any other member name, a JSON string with escapes
 *   [N]        array cell N (0-based, N < 2^32)
 *   [last]     the last cell; [last-N] N cells before it
 * MySQL's parser skips whitespace between tokens; wildcards, ranges and
 * ellipses never occur in diffs and are refused here.
 */

/* ------------------------------------------------------------- the pool */

/* Every node and name of one application lives in the pool, freed at once. */
struct jd_block {
	struct jd_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

struct jd_pool {
	struct jd_block *head;
};

static void *
jd_alloc(struct jd_pool *pl, size_t n)
{
	struct jd_block *b = pl->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 8192 ? n : 8192;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->next = pl->head;
		b->used = 0;
		b->cap = cap;
		pl->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static void
jd_pool_free(struct jd_pool *pl)
{
	while (pl->head != NULL) {
		struct jd_block *b = pl->head;
		pl->head = b->next;
		free(b);
	}
}

/* ------------------------------------------------------------- paths */

#define JD_MAX_LEGS JSONB_MAX_DEPTH

struct jd_leg {
	bool member;
	const uint8_t *name; /* member: unescaped name */
	size_t nlen;
	uint32_t index;      /* cell: index, from the end if from_end */
	bool from_end;
};

/* MySQL's path whitespace (my_isspace() of utf8mb4_bin). */
static bool
jd_space(char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

static size_t
jd_skip_space(const char *s, size_t n, size_t i)
{
	while (i < n && jd_space(s[i]))
		i++;
	return i;
}

/* Read \uXXXX's four digits at s[i]; -1 if they are not there. */
static long
jd_u4(const char *s, size_t n, size_t i)
{
	long v = 0;

	if (n - i < 4)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int h = cur_hexval(s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t
jd_utf8(uint8_t *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | (cp >> 6));
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xe0 | (cp >> 12));
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | (cp >> 18));
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Unescape the JSON string whose opening quote is s[*i] into o (room for
 * its length); *i ends after the closing quote. false if malformed.
 */
static bool
jd_unquote(const char *s, size_t n, size_t *i, uint8_t *o, size_t *olen)
{
	size_t k = *i + 1, w = 0;

	while (k < n) {
		unsigned char ch = (unsigned char)s[k++];
		long cp, lo;
		if (ch == '"') {
			*i = k;
			*olen = w;
			return true;
		}
		if (ch < 0x20)
			return false;
		if (ch != '\\') {
			o[w++] = ch;
			continue;
		}
		if (k >= n)
			return false;
		switch (s[k++]) {
		case '"':
			o[w++] = '"';
			break;
		case '\\':
			o[w++] = '\\';
			break;
		case '/':
			o[w++] = '/';
			break;
		case 'b':
			o[w++] = '\b';
			break;
		case 'f':
			o[w++] = '\f';
			break;
		case 'n':
			o[w++] = '\n';
			break;
		case 'r':
			o[w++] = '\r';
			break;
		case 't':
			o[w++] = '\t';
			break;
		case 'u':
			if ((cp = jd_u4(s, n, k)) < 0)
				return false;
			k += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return false;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				/* a high surrogate: its low half must follow */
				if (n - k < 6 || s[k] != '\\' || s[k + 1] != 'u' ||
				    (lo = jd_u4(s, n, k + 2)) < 0xdc00 || lo > 0xdfff)
					return false;
				k += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			/* six escaped bytes never make more than four */
			w += jd_utf8(o + w, (unsigned long)cp);
			break;
		default:
			return false;
		}
	}
	return false;
}

/* Parse an array index at s[*i]: N, last or last-N. */
static bool
jd_index(const char *s, size_t n, size_t *i, struct jd_leg *leg)
{
	size_t k = *i;
	uint64_t v = 0;

	leg->from_end = false;
	if (n - k >= 4 && memcmp(s + k, "last", 4) == 0) {
		leg->from_end = true;
		k = jd_skip_space(s, n, k + 4);
		if (k >= n || s[k] != '-') {
			leg->index = 0;
			*i = k;
			return true;
		}
		k = jd_skip_space(s, n, k + 1);
	}
	if (k >= n || s[k] < '0' || s[k] > '9')
		return false;
	while (k < n && s[k] >= '0' && s[k] <= '9') {
		v = v * 10 + (uint64_t)(s[k++] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	leg->index = (uint32_t)v;
	*i = k;
	return true;
}

/*
 * Parse a diff path into legs; names are unescaped into pool memory (pl
 * NULL: only checked). false with err set if it is not a diff path.
 */
static bool
jd_path(const char *s, size_t n, uint64_t base, struct jd_pool *pl,
    struct jd_leg *legs, size_t *nlegs, struct proto_err *err)
{
	size_t i = jd_skip_space(s, n, 0), nl = 0;
	const char *why = "it does not start with $";

	if (i >= n || s[i] != '$')
		goto bad;
	i = jd_skip_space(s, n, i + 1);
	while (i < n) {
		struct jd_leg *leg = &legs[nl];
		if (nl == JD_MAX_LEGS) {
			why = "it has more legs than JSON documents have levels";
			goto bad;
		}
		memset(leg, 0, sizeof(*leg));
		if (s[i] == '[') {
			i = jd_skip_space(s, n, i + 1);
			if (i < n && s[i] == '*') {
				why = "a wildcard is not a diff path";
				goto bad;
			}
			if (!jd_index(s, n, &i, leg)) {
				why = "bad array index";
				goto bad;
			}
			i = jd_skip_space(s, n, i);
			if (i >= n || s[i] != ']') {
				why = "an array leg is not [N], [last] or [last-N]";
				goto bad;
			}
			i++;
		} else if (s[i] == '.') {
			size_t start, olen;
			uint8_t *o;
			leg->member = true;
			i = jd_skip_space(s, n, i + 1);
			if (i >= n || s[i] == '*') {
				why = "a member leg without a name";
				goto bad;
			}
			start = i;
			if (s[i] == '"') {
				uint8_t *tmp = NULL;
				o = pl != NULL ? jd_alloc(pl, n - i) : NULL;
				if (pl != NULL && o == NULL)
					return proto_fail(err, PROTO_NOMEM, base,
					    "out of memory");
				if (o == NULL && (o = tmp = malloc(n - i)) == NULL)
					return proto_fail(err, PROTO_NOMEM, base,
					    "out of memory");
				if (!jd_unquote(s, n, &i, o, &olen)) {
					free(tmp);
					why = "bad quoted member name";
					goto bad;
				}
				free(tmp);
				leg->name = pl != NULL ? o : NULL;
				leg->nlen = olen;
			} else {
				while (i < n && !jd_space(s[i]) && s[i] != '[' &&
				    s[i] != '.' && s[i] != '*') {
					if (s[i] == '\\' || s[i] == '"') {
						why = "an unquoted member name with escapes";
						goto bad;
					}
					i++;
				}
				leg->name = (const uint8_t *)s + start;
				leg->nlen = i - start;
			}
		} else {
			why = s[i] == '*' ? "an ellipsis is not a diff path" :
			    "unexpected character";
			goto bad;
		}
		nl++;
		i = jd_skip_space(s, n, i);
	}
	*nlegs = nl;
	return true;
bad:
	return proto_fail(err, PROTO_MALFORMED, base + (i < n ? i : n),
	    "JSON diff path '%.*s': %s", (int)(n > 120 ? 120 : n), s, why);
}

bool
jsondiff_path_check(const char *path, size_t len, bool *last_is_cell,
    uint64_t base, struct proto_err *err)
{
	struct jd_leg legs[JD_MAX_LEGS];
	size_t n;

	if (!jd_path(path, len, base, NULL, legs, &n, err))
		return false;
	*last_is_cell = n > 0 && !legs[n - 1].member;
	return true;
}

/* ------------------------------------------------------------- the tree */

enum jd_kind {
	JD_RAW,    /* a binary JSON value, printed as stored */
	JD_OBJECT, /* an expanded object: members in key order */
	JD_ARRAY,  /* an expanded array */
};

struct jd_node;

struct jd_member {
	const uint8_t *key;
	size_t klen;
	struct jd_node *v;
};

struct jd_node {
	enum jd_kind kind;
	/* JD_RAW: jsonb_print()'s arguments */
	uint8_t type;
	bool inlined;
	const uint8_t *p;
	size_t avail;
	uint64_t off;
	/* JD_OBJECT, JD_ARRAY */
	uint32_t n, cap;
	struct jd_member *m;
};

struct jd {
	struct jd_pool pool;
	struct proto_err *err;
};

static struct jd_node *
jd_raw(struct jd *d, uint8_t type, const uint8_t *p, size_t avail,
    uint64_t off, bool inlined)
{
	struct jd_node *nd = jd_alloc(&d->pool, sizeof(*nd));

	if (nd == NULL)
		return NULL;
	memset(nd, 0, sizeof(*nd));
	nd->kind = JD_RAW;
	nd->type = type;
	nd->p = p;
	nd->avail = avail;
	nd->off = off;
	nd->inlined = inlined;
	return nd;
}

/* Read an osz-byte field at container offset at (bounds-checked). */
static bool
jd_field(struct cur *c, size_t at, unsigned osz, uint64_t *v, const char *what)
{
	if (at > c->len) {
		c->pos = c->len;
		return cur_short(c, osz, what);
	}
	c->pos = at;
	return cur_uint(c, osz, v, what);
}

/*
 * Turn a raw object or array into a node whose members are raw values
 * (the layout at the top of jsonb.c); scalars stay as they are.
 */
static bool
jd_expand(struct jd *d, struct jd_node *nd)
{
	bool large, object;
	unsigned osz, kesz, vesz;
	uint64_t count, size, header, ventry, v, koff, klen, voff;
	struct cur c;

	if (nd->kind != JD_RAW || nd->type > JSONB_LARGE_ARRAY)
		return true;
	large = nd->type == JSONB_LARGE_OBJECT || nd->type == JSONB_LARGE_ARRAY;
	object = nd->type == JSONB_SMALL_OBJECT || nd->type == JSONB_LARGE_OBJECT;
	osz = large ? 4 : 2;
	kesz = osz + 2;
	vesz = 1 + osz;
	cur_init(&c, nd->p, nd->avail, nd->off, d->err);
	if (!cur_uint(&c, osz, &count, "JSON element count") ||
	    !cur_uint(&c, osz, &size, "JSON container size"))
		return false;
	if (size > nd->avail) {
		c.pos = osz;
		return cur_fail(&c, PROTO_TRUNCATED, "JSON %s of %" PRIu64
		    " bytes, only %zu left", object ? "object" : "array", size,
		    nd->avail);
	}
	header = 2 * (uint64_t)osz + count * (object ? kesz + vesz : vesz);
	if (header > size)
		return cur_fail(&c, PROTO_MALFORMED, "JSON %s header of %" PRIu64
		    " entries exceeds its size %" PRIu64,
		    object ? "object" : "array", count, size);
	c.len = (size_t)size;
	nd->m = jd_alloc(&d->pool, (size_t)(count + 1) * sizeof(*nd->m));
	if (nd->m == NULL)
		return proto_fail(d->err, PROTO_NOMEM, nd->off, "out of memory");
	ventry = 2 * (uint64_t)osz + (object ? count * kesz : 0);
	for (uint64_t i = 0; i < count; i++) {
		size_t ve = (size_t)(ventry + i * vesz);
		struct jd_member *m = &nd->m[i];
		uint8_t vtype;

		m->key = NULL;
		m->klen = 0;
		if (object) {
			size_t ke = (size_t)(2 * osz + i * kesz);
			if (!jd_field(&c, ke, osz, &koff, "JSON key offset") ||
			    !jd_field(&c, ke + osz, 2, &klen, "JSON key length"))
				return false;
			if (koff < header || koff + klen > size) {
				c.pos = ke;
				return cur_fail(&c, PROTO_MALFORMED, "JSON key %"
				    PRIu64 " outside the key area", i);
			}
			m->key = nd->p + koff;
			m->klen = (size_t)klen;
		}
		if (!jd_field(&c, ve, 1, &v, "JSON value type"))
			return false;
		vtype = (uint8_t)v;
		if (!jsonb_type_ok(vtype)) {
			c.pos = ve;
			return cur_fail(&c, PROTO_MALFORMED, "bad JSON value type "
			    "0x%02x in entry %" PRIu64, vtype, i);
		}
		if (jsonb_inlined(vtype, large)) {
			m->v = jd_raw(d, vtype, nd->p + ve + 1, osz, nd->off + ve + 1,
			    true);
		} else {
			if (!jd_field(&c, ve + 1, osz, &voff, "JSON value offset"))
				return false;
			if (voff < header || voff >= size) {
				c.pos = ve;
				return cur_fail(&c, PROTO_MALFORMED, "JSON value %"
				    PRIu64 " outside the value area", i);
			}
			m->v = jd_raw(d, vtype, nd->p + voff, (size_t)(size - voff),
			    nd->off + voff, false);
		}
		if (m->v == NULL)
			return proto_fail(d->err, PROTO_NOMEM, nd->off,
			    "out of memory");
	}
	nd->kind = object ? JD_OBJECT : JD_ARRAY;
	nd->n = (uint32_t)count;
	nd->cap = (uint32_t)count + 1;
	return true;
}

/* Json_key_comparator: shorter keys first, then bytes. */
static int
jd_keycmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return alen == 0 ? 0 : memcmp(a, b, alen);
}

/* Index of the member named by leg, or -1. */
static long
jd_find(const struct jd_node *nd, const struct jd_leg *leg)
{
	for (uint32_t i = 0; i < nd->n; i++)
		if (jd_keycmp(nd->m[i].key, nd->m[i].klen, leg->name, leg->nlen) == 0)
			return (long)i;
	return -1;
}

/* Json_array_index: the position (clamped) and whether it is a cell. */
static uint32_t
jd_position(const struct jd_leg *leg, uint32_t len, bool *within)
{
	*within = leg->index < len;
	if (leg->from_end)
		return leg->index < len ? len - leg->index - 1 : 0;
	return leg->index < len ? leg->index : len;
}

/* Make room for one more member. */
static bool
jd_reserve(struct jd *d, struct jd_node *nd)
{
	struct jd_member *m;
	uint32_t cap;

	if (nd->n < nd->cap)
		return true;
	cap = nd->cap * 2 + 4;
	m = jd_alloc(&d->pool, (size_t)cap * sizeof(*m));
	if (m == NULL)
		return proto_fail(d->err, PROTO_NOMEM, nd->off, "out of memory");
	if (nd->n > 0)
		memcpy(m, nd->m, (size_t)nd->n * sizeof(*m));
	nd->m = m;
	nd->cap = cap;
	return true;
}

/*
 * seek_exact_path(): the node at legs[0..n), expanding on the way; NULL
 * with *fail clear if there is none (no auto-wrapping), with *fail set on
 * malformed bytes.
 */
static struct jd_node *
jd_seek(struct jd *d, struct jd_node *nd, const struct jd_leg *legs, size_t n,
    bool *fail)
{
	*fail = false;
	for (size_t i = 0; i < n; i++) {
		const struct jd_leg *leg = &legs[i];
		long k;
		bool within;
		uint32_t pos;

		if (!jd_expand(d, nd)) {
			*fail = true;
			return NULL;
		}
		switch (nd->kind) {
		case JD_ARRAY:
			if (leg->member)
				return NULL;
			pos = jd_position(leg, nd->n, &within);
			if (!within)
				return NULL;
			nd = nd->m[pos].v;
			break;
		case JD_OBJECT:
			if (!leg->member || (k = jd_find(nd, leg)) < 0)
				return NULL;
			nd = nd->m[k].v;
			break;
		default:
			return NULL;
		}
	}
	return nd;
}

static const char *const jd_op_names[] = { "REPLACE", "INSERT", "REMOVE" };

/* Apply one diff (the cases of apply_json_diffs()); reason set if rejected. */
static bool
jd_apply_one(struct jd *d, struct jd_node *root, const struct jsonb_diff *df,
    uint64_t path_off, uint64_t value_off, const char **reason)
{
	struct jd_leg legs[JD_MAX_LEGS];
	const struct jd_leg *last;
	struct jd_node *parent, *val = NULL;
	uint8_t *key = NULL;
	size_t n;
	bool fail, within;
	uint32_t pos;
	long k;

	*reason = NULL;
	if (!jd_path(df->path, df->path_len, path_off, &d->pool, legs, &n, d->err))
		return false;
	if (df->op != JSONB_DIFF_REMOVE) {
		if (df->value_len == 0)
			return proto_fail(d->err, PROTO_MALFORMED, value_off,
			    "empty JSON diff value");
		if (!jsonb_type_ok(df->value[0]))
			return proto_fail(d->err, PROTO_MALFORMED, value_off,
			    "bad JSON document type 0x%02x", df->value[0]);
		val = jd_raw(d, df->value[0], df->value + 1, df->value_len - 1,
		    value_off + 1, false);
		if (val == NULL)
			return proto_fail(d->err, PROTO_NOMEM, value_off,
			    "out of memory");
	}
	if (n == 0) {
		*reason = "it names the whole document";
		return false;
	}
	last = &legs[n - 1];
	parent = jd_seek(d, root, legs, n - 1, &fail);
	if (fail)
		return false;
	if (parent == NULL) {
		*reason = "the path's parent is not in the document";
		return false;
	}
	if (!jd_expand(d, parent))
		return false;
	if (parent->kind == JD_RAW) {
		*reason = "the path's parent is a scalar";
		return false;
	}
	switch (df->op) {
	case JSONB_DIFF_REPLACE:
		if (parent->kind == JD_OBJECT && last->member &&
		    (k = jd_find(parent, last)) >= 0) {
			parent->m[k].v = val;
			return true;
		}
		if (parent->kind == JD_ARRAY && !last->member) {
			pos = jd_position(last, parent->n, &within);
			if (within) {
				parent->m[pos].v = val;
				return true;
			}
		}
		*reason = "the value to replace is not there";
		return false;
	case JSONB_DIFF_INSERT:
		if (parent->kind == JD_OBJECT && last->member) {
			if (jd_find(parent, last) >= 0) {
				*reason = "the member to insert is already there";
				return false;
			}
			if (!jd_reserve(d, parent))
				return false;
			for (pos = 0; pos < parent->n; pos++)
				if (jd_keycmp(parent->m[pos].key, parent->m[pos].klen,
				    last->name, last->nlen) > 0)
					break;
			key = jd_alloc(&d->pool, last->nlen ? last->nlen : 1);
			if (key == NULL)
				return proto_fail(d->err, PROTO_NOMEM, path_off,
				    "out of memory");
			if (last->nlen)
				memcpy(key, last->name, last->nlen);
		} else if (parent->kind == JD_ARRAY && !last->member) {
			if (!jd_reserve(d, parent))
				return false;
			pos = jd_position(last, parent->n, &within);
			key = NULL;
		} else {
			*reason = "the leg does not fit the container";
			return false;
		}
		memmove(&parent->m[pos + 1], &parent->m[pos],
		    (size_t)(parent->n - pos) * sizeof(*parent->m));
		parent->m[pos].key = key;
		parent->m[pos].klen = key != NULL ? last->nlen : 0;
		parent->m[pos].v = val;
		parent->n++;
		return true;
	case JSONB_DIFF_REMOVE:
		if (parent->kind == JD_OBJECT && last->member &&
		    (k = jd_find(parent, last)) >= 0)
			pos = (uint32_t)k;
		else if (parent->kind == JD_ARRAY && !last->member &&
		    (pos = jd_position(last, parent->n, &within), within))
			;
		else {
			*reason = "the value to remove is not there";
			return false;
		}
		memmove(&parent->m[pos], &parent->m[pos + 1],
		    (size_t)(parent->n - pos - 1) * sizeof(*parent->m));
		parent->n--;
		return true;
	}
	return proto_fail(d->err, PROTO_MALFORMED, path_off, "bad JSON diff operation");
}

/* Append the text of a node: containers as jsonb_to_text() prints them. */
static bool
jd_print(struct jd *d, struct jsonb_ctx *j, const struct jd_node *nd, int depth)
{
	bool object = nd->kind == JD_OBJECT;

	if (nd->kind == JD_RAW)
		return jsonb_print(j, nd->type, nd->p, nd->avail, nd->off,
		    nd->inlined, depth);
	if (depth >= JSONB_MAX_DEPTH)
		return proto_fail(d->err, PROTO_MALFORMED, nd->off,
		    "JSON nested deeper than %d levels", JSONB_MAX_DEPTH);
	sbuf_addc(j->out, object ? '{' : '[');
	for (uint32_t i = 0; i < nd->n; i++) {
		if (i > 0)
			sbuf_adds(j->out, ", ");
		if (object) {
			jsonb_quote_json(j->out, nd->m[i].key, nd->m[i].klen);
			sbuf_adds(j->out, ": ");
			jsonb_sql_leg(j, depth, true, nd->m[i].key,
			    nd->m[i].klen, 0);
		} else
			jsonb_sql_leg(j, depth, false, NULL, 0, i);
		if (!jd_print(d, j, nd->m[i].v, depth + 1))
			return false;
	}
	sbuf_addc(j->out, object ? '}' : ']');
	return true;
}

bool
jsondiff_apply(struct sbuf *out, struct sbuf *sql, bool *typed,
    const uint8_t *doc, size_t doc_len, uint64_t doc_base,
    const uint8_t *diffs, size_t diffs_len, uint64_t diff_base,
    bool *rejected, struct proto_err *err)
{
	static const uint8_t json_null = 0x00;
	struct jd d = { .err = err };
	struct jsonb_ctx j = { .out = out, .err = err };
	struct jd_node *root;
	struct jsonb_diff df;
	size_t pos = 0, at, start = out->len;
	const char *reason;
	unsigned idx = 0;
	int r;
	bool ok = false;

	*rejected = false;
	if (doc_len == 0)
		/* MySQL reads an empty document as the JSON null literal */
		root = jd_raw(&d, JSONB_LITERAL, &json_null, 1, doc_base, true);
	else if (!jsonb_type_ok(doc[0])) {
		proto_fail(err, PROTO_MALFORMED, doc_base,
		    "bad JSON document type 0x%02x", doc[0]);
		goto out;
	} else
		root = jd_raw(&d, doc[0], doc + 1, doc_len - 1, doc_base + 1, false);
	if (root == NULL) {
		proto_fail(err, PROTO_NOMEM, doc_base, "out of memory");
		goto out;
	}
	for (;;) {
		at = pos;
		r = jsonb_diff_next(diffs, diffs_len, &pos, diff_base, &df, err);
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		idx++;
		{
			/* where the path and the value start, for errors */
			uint64_t poff = diff_base + at + 1;
			uint64_t voff = diff_base + pos - df.value_len;
			if (jd_apply_one(&d, root, &df, poff, voff, &reason))
				continue;
			if (reason != NULL) {
				*rejected = true;
				proto_fail(err, PROTO_MALFORMED, diff_base + at,
				    "JSON diff %u (%s %.*s) does not apply: %s", idx,
				    jd_op_names[df.op],
				    (int)(df.path_len > 100 ? 100 : df.path_len),
				    df.path, reason);
			}
			goto out;
		}
	}
	j.budget = (uint64_t)doc_len + diffs_len + 1;
	if (sql != NULL && (j.sql = jsonb_sql_new()) == NULL) {
		proto_fail(err, PROTO_NOMEM, doc_base, "out of memory");
		goto out;
	}
	if (!jd_print(&d, &j, root, 0))
		goto out;
	if (sql != NULL && !jsonb_sql_finish(j.sql, sql, typed, doc_base, err))
		goto out;
	if (out->oom) {
		proto_fail(err, PROTO_NOMEM, doc_base, "out of memory printing JSON");
		goto out;
	}
	ok = true;
out:
	if (!ok && out->len > start)
		out->len = start;
	jd_pool_free(&d.pool);
	jsonb_sql_free(j.sql);
	return ok;
}
