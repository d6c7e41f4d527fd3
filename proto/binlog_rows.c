/* binlog_rows.c: TABLE_MAP (with MySQL 8 optional metadata) and the rows events. */
#include "proto/binlog.h"
#include "proto/binlog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ table store */

static size_t
tmap_hash(uint64_t id, size_t cap)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)id & (cap - 1);
}

static void
table_free(struct binlog_table *t)
{
	if (t == NULL)
		return;
	free(t->mem);
	free(t->cols);
	free(t->pk);
	free(t->raw);
	free(t);
}

void
binlog_tables_free(struct binlog_decoder *d)
{
	for (size_t i = 0; i < d->maps_cap; i++)
		table_free(d->maps[i].t);
	free(d->maps);
	d->maps = NULL;
	d->nmaps = d->maps_cap = 0;
}

/* Forget every table map (between transactions, to bound memory). */
void
binlog_decoder_forget_tables(struct binlog_decoder *d)
{
	for (size_t i = 0; i < d->maps_cap; i++) {
		table_free(d->maps[i].t);
		d->maps[i].t = NULL;
	}
	d->nmaps = 0;
}

static struct binlog_tmap_slot *
tmap_find(const struct binlog_decoder *d, uint64_t id)
{
	size_t i;

	if (d->maps_cap == 0)
		return NULL;
	for (i = tmap_hash(id, d->maps_cap);; i = (i + 1) & (d->maps_cap - 1)) {
		if (d->maps[i].t == NULL)
			return NULL;
		if (d->maps[i].id == id)
			return &d->maps[i];
	}
}

const struct binlog_table *
binlog_decoder_table(const struct binlog_decoder *d, uint64_t table_id)
{
	struct binlog_tmap_slot *s = tmap_find(d, table_id);

	return s ? s->t : NULL;
}

bool
binlog_decoder_set_hires(struct binlog_decoder *d, uint64_t table_id, uint32_t col,
    unsigned fsp)
{
	struct binlog_tmap_slot *s = tmap_find(d, table_id);
	struct binlog_col *c;

	if (s == NULL || col >= s->t->ncols || fsp < 1 || fsp > 6)
		return false;
	c = &s->t->cols[col];
	if (c->type != MYSQL_T_TIME && c->type != MYSQL_T_DATETIME &&
	    c->type != MYSQL_T_TIMESTAMP)
		return false;
	if (c->meta != 0 && c->meta != fsp)
		return false;
	c->meta = (uint16_t)fsp;
	return true;
}

/* Insert or replace the map of t->table_id; false on out of memory. */
static bool
tmap_put(struct binlog_decoder *d, struct binlog_table *t)
{
	struct binlog_tmap_slot *s = tmap_find(d, t->table_id);
	size_t i;

	if (s != NULL) {
		table_free(s->t);
		s->t = t;
		return true;
	}
	if ((d->nmaps + 1) * 2 > d->maps_cap) {
		size_t ncap = d->maps_cap ? d->maps_cap * 2 : 64;
		struct binlog_tmap_slot *nm = calloc(ncap, sizeof(*nm));
		if (nm == NULL)
			return false;
		for (i = 0; i < d->maps_cap; i++) {
			size_t j;
			if (d->maps[i].t == NULL)
				continue;
			for (j = tmap_hash(d->maps[i].id, ncap); nm[j].t != NULL;
			    j = (j + 1) & (ncap - 1))
				;
			nm[j] = d->maps[i];
		}
		free(d->maps);
		d->maps = nm;
		d->maps_cap = ncap;
	}
	for (i = tmap_hash(t->table_id, d->maps_cap); d->maps[i].t != NULL;
	    i = (i + 1) & (d->maps_cap - 1))
		;
	d->maps[i].id = t->table_id;
	d->maps[i].t = t;
	d->nmaps++;
	return true;
}

/* ------------------------------------------------------------- table map */

/* Bytes of type metadata each column type has in a TABLE_MAP. */
static int
meta_size(uint8_t type)
{
	switch (type) {
	case MYSQL_T_FLOAT:
	case MYSQL_T_DOUBLE:
	case MYSQL_T_BLOB:
	case MYSQL_T_TINY_BLOB:
	case MYSQL_T_MEDIUM_BLOB:
	case MYSQL_T_LONG_BLOB:
	case MYSQL_T_GEOMETRY:
	case MYSQL_T_JSON:
	case MYSQL_T_VECTOR:
	case MYSQL_T_BLOB_COMPRESSED:
	case MYSQL_T_TIME2:
	case MYSQL_T_DATETIME2:
	case MYSQL_T_TIMESTAMP2:
		return 1;
	case MYSQL_T_VARCHAR:
	case MYSQL_T_VAR_STRING:
	case MYSQL_T_VARCHAR_COMPRESSED:
	case MYSQL_T_BIT:
	case MYSQL_T_NEWDECIMAL:
	case MYSQL_T_STRING:
	case MYSQL_T_ENUM:
	case MYSQL_T_SET:
		return 2;
	case MYSQL_T_DECIMAL:
	case MYSQL_T_TINY:
	case MYSQL_T_SHORT:
	case MYSQL_T_LONG:
	case MYSQL_T_NULL:
	case MYSQL_T_TIMESTAMP:
	case MYSQL_T_LONGLONG:
	case MYSQL_T_INT24:
	case MYSQL_T_DATE:
	case MYSQL_T_TIME:
	case MYSQL_T_DATETIME:
	case MYSQL_T_YEAR:
	case MYSQL_T_NEWDATE:
		return 0;
	default:
		return -1;
	}
}

/*
 * Normalise the metadata bytes of one column (see value.c for how each
 * type uses it) and resolve STRING's real type (ENUM, SET).
 */
static void
col_set_meta(struct binlog_col *col, const uint8_t *m)
{
	switch (meta_size(col->map_type)) {
	case 1:
		col->meta = m[0];
		break;
	case 2:
		switch (col->map_type) {
		case MYSQL_T_VARCHAR:
		case MYSQL_T_VAR_STRING:
		case MYSQL_T_VARCHAR_COMPRESSED:
		case MYSQL_T_BIT:
			col->meta = le16(m);
			break;
		default: /* NEWDECIMAL, STRING, ENUM, SET: high byte first */
			col->meta = (uint16_t)(m[0] << 8 | m[1]);
			break;
		}
		break;
	default:
		col->meta = 0;
	}
	col->type = col->map_type;
	if (col->map_type == MYSQL_T_STRING) {
		uint8_t real = m[0];
		if ((real & 0x30) != 0x30)
			real |= 0x30;
		if (real == MYSQL_T_ENUM || real == MYSQL_T_SET)
			col->type = real;
	}
}

static bool
is_numeric(uint8_t t)
{
	switch (t) {
	case MYSQL_T_TINY:
	case MYSQL_T_SHORT:
	case MYSQL_T_INT24:
	case MYSQL_T_LONG:
	case MYSQL_T_LONGLONG:
	case MYSQL_T_FLOAT:
	case MYSQL_T_DOUBLE:
	case MYSQL_T_DECIMAL:
	case MYSQL_T_NEWDECIMAL:
		return true;
	default:
		return false;
	}
}

/* Columns whose charset the table map lists (MySQL's is_character_type: VECTOR too). */
static bool
is_character(uint8_t t)
{
	switch (t) {
	case MYSQL_T_VECTOR:
	case MYSQL_T_STRING:
	case MYSQL_T_VAR_STRING:
	case MYSQL_T_VARCHAR:
	case MYSQL_T_BLOB:
	case MYSQL_T_TINY_BLOB:
	case MYSQL_T_MEDIUM_BLOB:
	case MYSQL_T_LONG_BLOB:
		return true;
	default:
		return false;
	}
}

/* MariaDB also counts GEOMETRY (a BLOB underneath) among character columns. */
static bool
is_character_maria(uint8_t t)
{
	return is_character(t) || t == MYSQL_T_GEOMETRY;
}

static bool
is_enum_set(uint8_t t)
{
	return t == MYSQL_T_ENUM || t == MYSQL_T_SET;
}

/* The index-th column (0-based) among those matching pred, or -1. */
static long
nth_col(const struct binlog_table *t, bool (*pred)(uint8_t), uint64_t index)
{
	for (uint32_t i = 0; i < t->ncols; i++)
		if (pred(t->cols[i].type) && index-- == 0)
			return i;
	return -1;
}

/* Grow the table's string array for ENUM/SET values; false on OOM. */
static bool
vals_push(struct binlog_str **v, size_t *n, size_t *cap, struct binlog_str s)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct binlog_str *nv = realloc(*v, nc * sizeof(*nv));
		if (nv == NULL)
			return false;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = s;
	return true;
}

/* Read a packed-length string view. */
static bool
cur_pstr(struct cur *c, struct binlog_str *s, const char *what)
{
	uint64_t n;
	const uint8_t *p;

	if (!cur_lenenc(c, &n, what) || !cur_bytes(c, (size_t)n, &p, what))
		return false;
	s->p = (const char *)p;
	s->len = (uint32_t)n;
	return true;
}

/* Apply charsets "default + exceptions" (types 2 and 10). */
static bool
opt_default_charset(struct cur *c, struct binlog_table *t, bool (*pred)(uint8_t))
{
	uint64_t def, idx, coll;
	long col;

	if (!cur_lenenc(c, &def, "DEFAULT_CHARSET"))
		return false;
	for (uint32_t i = 0; i < t->ncols; i++)
		if (pred(t->cols[i].type))
			t->cols[i].charset = (uint32_t)def;
	while (cur_left(c) > 0) {
		if (!cur_lenenc(c, &idx, "DEFAULT_CHARSET column") ||
		    !cur_lenenc(c, &coll, "DEFAULT_CHARSET collation"))
			return false;
		if ((col = nth_col(t, pred, idx)) < 0)
			return cur_fail(c, PROTO_MALFORMED,
			    "charset for column %llu, table has fewer such columns",
			    (unsigned long long)idx);
		t->cols[col].charset = (uint32_t)coll;
	}
	return true;
}

/* Apply a per-column charset list (types 3 and 11). */
static bool
opt_column_charset(struct cur *c, struct binlog_table *t, bool (*pred)(uint8_t))
{
	uint64_t coll;

	for (uint32_t i = 0; i < t->ncols; i++) {
		if (!pred(t->cols[i].type))
			continue;
		if (!cur_lenenc(c, &coll, "COLUMN_CHARSET"))
			return false;
		t->cols[i].charset = (uint32_t)coll;
	}
	return true;
}

/* Read a bitmap of one bit per matching column, most significant bit first. */
static bool
opt_bits(struct cur *c, struct binlog_table *t, bool (*pred)(uint8_t), int which)
{
	uint32_t bit = 0;

	for (uint32_t i = 0; i < t->ncols; i++) {
		bool set;
		if (pred != NULL && !pred(t->cols[i].type))
			continue;
		if (!cur_need(c, bit / 8 + 1, "optional metadata bitmap"))
			return false;
		set = (cur_ptr(c)[bit / 8] & (0x80 >> (bit % 8))) != 0;
		if (which == 1)
			t->cols[i].is_unsigned = set;
		else
			t->cols[i].visible = set;
		bit++;
	}
	c->pos += (bit + 7) / 8;
	return true;
}

static bool
is_geometry(uint8_t t)
{
	return t == MYSQL_T_GEOMETRY;
}

static bool
is_enum(uint8_t t)
{
	return t == MYSQL_T_ENUM;
}

static bool
is_set(uint8_t t)
{
	return t == MYSQL_T_SET;
}

/*
 * Optional metadata (MySQL 8 binlog_row_metadata), TLVs of
 * 1 type | packed length | value:
 *   1 SIGNEDNESS bitmap over numeric columns (MSB first)
 *   2 DEFAULT_CHARSET packed default, then (packed column#, packed collation)
 *   3 COLUMN_CHARSET packed collation per character column
 *   4 COLUMN_NAME (packed length, name) per column
 *   5 SET_STR_VALUE / 6 ENUM_STR_VALUE: per column packed count, then strings
 *   7 GEOMETRY_TYPE packed per geometry column
 *   8 SIMPLE_PRIMARY_KEY packed column indexes
 *   9 PRIMARY_KEY_WITH_PREFIX (packed index, packed prefix length) pairs
 *  10 ENUM_AND_SET_DEFAULT_CHARSET, 11 ENUM_AND_SET_COLUMN_CHARSET as 2 and 3
 *  12 COLUMN_VISIBILITY bitmap over all columns
 *  13 VECTOR_DIMENSIONALITY packed per vector column
 */
static bool
decode_optional_metadata(struct cur *c, struct binlog_table *t, bool mariadb)
{
	bool (*is_char)(uint8_t) = mariadb ? is_character_maria : is_character;
	struct binlog_str *vals = NULL;
	size_t nvals = 0, capvals = 0;
	uint32_t *start = NULL;
	uint8_t type;
	uint64_t len, v, n;
	bool ok = false;

	start = calloc(t->ncols ? t->ncols : 1, sizeof(*start));
	if (start == NULL)
		return cur_fail(c, PROTO_NOMEM, "out of memory for table metadata");
	while (cur_left(c) > 0) {
		struct cur f;
		if (!cur_u8(c, &type, "optional metadata type") ||
		    !cur_lenenc(c, &len, "optional metadata length"))
			goto out;
		if (len > cur_left(c)) {
			cur_fail(c, PROTO_TRUNCATED,
			    "optional metadata field %u of %llu bytes", type,
			    (unsigned long long)len);
			goto out;
		}
		cur_init(&f, cur_ptr(c), (size_t)len, cur_offset(c), c->err);
		c->pos += (size_t)len;
		t->has_optional_metadata = true;
		switch (type) {
		case 1:
			if (!opt_bits(&f, t, is_numeric, 1))
				goto out;
			break;
		case 2:
			if (!opt_default_charset(&f, t, is_char))
				goto out;
			break;
		case 3:
			if (!opt_column_charset(&f, t, is_char))
				goto out;
			break;
		case 4:
			for (uint32_t i = 0; i < t->ncols; i++)
				if (!cur_pstr(&f, &t->cols[i].name, "COLUMN_NAME"))
					goto out;
			break;
		case 5:
		case 6:
			for (uint32_t i = 0; i < t->ncols; i++) {
				if (!(type == 5 ? is_set : is_enum)(t->cols[i].type))
					continue;
				if (!cur_lenenc(&f, &n, "ENUM/SET value count"))
					goto out;
				if (n > 65535) {
					cur_fail(&f, PROTO_MALFORMED, "%llu ENUM/SET values",
					    (unsigned long long)n);
					goto out;
				}
				start[i] = (uint32_t)nvals;
				t->cols[i].n_values = (uint32_t)n;
				for (uint64_t k = 0; k < n; k++) {
					struct binlog_str s;
					if (!cur_pstr(&f, &s, "ENUM/SET value"))
						goto out;
					if (!vals_push(&vals, &nvals, &capvals, s)) {
						cur_fail(c, PROTO_NOMEM, "out of memory");
						goto out;
					}
				}
			}
			break;
		case 7:
			for (uint32_t i = 0; i < t->ncols; i++) {
				if (!is_geometry(t->cols[i].type))
					continue;
				if (!cur_lenenc(&f, &v, "GEOMETRY_TYPE"))
					goto out;
				t->cols[i].geometry_type = (uint32_t)v;
			}
			break;
		case 8:
		case 9:
			while (cur_left(&f) > 0) {
				uint64_t prefix = 0;
				if (!cur_lenenc(&f, &v, "PRIMARY_KEY column"))
					goto out;
				if (type == 9 && !cur_lenenc(&f, &prefix, "PRIMARY_KEY prefix"))
					goto out;
				if (v >= t->ncols) {
					cur_fail(&f, PROTO_MALFORMED,
					    "primary key column %llu of %u columns",
					    (unsigned long long)v, t->ncols);
					goto out;
				}
				if (t->n_pk >= t->ncols) {
					cur_fail(&f, PROTO_MALFORMED,
					    "more primary key parts than columns");
					goto out;
				}
				t->pk[t->n_pk] = (uint32_t)v;
				t->pk_prefix[t->n_pk] = (uint32_t)prefix;
				t->n_pk++;
				t->cols[v].in_pk = true;
			}
			break;
		case 10:
			if (!opt_default_charset(&f, t, is_enum_set))
				goto out;
			break;
		case 11:
			if (!opt_column_charset(&f, t, is_enum_set))
				goto out;
			break;
		case 12:
			if (!opt_bits(&f, t, NULL, 2))
				goto out;
			break;
		case 13:
			for (uint32_t i = 0; i < t->ncols; i++) {
				if (t->cols[i].type != MYSQL_T_VECTOR)
					continue;
				if (!cur_lenenc(&f, &v, "VECTOR_DIMENSIONALITY"))
					goto out;
				if (v < 1 || v > UINT32_MAX / 4) {
					cur_fail(&f, PROTO_MALFORMED,
					    "VECTOR column %u of %llu dimensions", i,
					    (unsigned long long)v);
					goto out;
				}
				t->cols[i].vector_dim = (uint32_t)v;
			}
			break;
		default:
			/*
			 * A newer server's field: its meaning is unknown, and a
			 * field that changes how rows decode must not pass unseen.
			 */
			cur_fail(&f, PROTO_UNSUPPORTED,
			    "unknown TABLE_MAP optional metadata field type %u "
			    "(%llu bytes)", type, (unsigned long long)len);
			goto out;
		}
		if (cur_left(&f) != 0 && type != 12 && type != 1) {
			cur_fail(&f, PROTO_MALFORMED,
			    "%zu bytes left over in TABLE_MAP optional metadata "
			    "field type %u", cur_left(&f), type);
			goto out;
		}
	}
	for (uint32_t i = 0; i < t->ncols; i++)
		if (t->cols[i].n_values)
			t->cols[i].values = vals + start[i];
	t->mem = vals;
	vals = NULL;
	ok = true;
out:
	free(vals);
	free(start);
	return ok;
}

/*
 * TABLE_MAP:
 *  post-header: 6 table_id (4 if the post-header is 6 bytes) | 2 flags
 *  body: 1 db length | db | NUL | 1 table length | table | NUL |
 *        packed column count | one type byte per column |
 *        packed metadata length | metadata | null bitmap (LSB first) |
 *        optional metadata (see above)
 * The body is copied into the table (maps outlive their event); a map equal
 * byte for byte to the one held for its id is not decoded again.
 */
bool
binlog_decode_table_map(struct binlog_decoder *d, struct cur *c, uint8_t post,
    struct binlog_event *ev)
{
	struct binlog_table *t, *old;
	struct cur b;
	uint64_t id, ncols, mlen;
	uint16_t flags;
	uint8_t n;
	const uint8_t *types, *meta, *nulls, *s;
	size_t mpos = 0;
	size_t body_len;

	if (!cur_uint(c, post == 6 ? 4 : 6, &id, "TABLE_MAP table id") ||
	    !cur_u16(c, &flags, "TABLE_MAP flags"))
		return false;
	if (post > 8 && !cur_skip(c, post - 8u, "TABLE_MAP post-header"))
		return false;
	body_len = cur_left(c);
	old = (struct binlog_table *)binlog_decoder_table(d, id);
	if (old != NULL && old->raw_len == body_len && old->flags == flags &&
	    memcmp(old->raw, cur_ptr(c), body_len) == 0) {
		c->pos = c->len;
		ev->table_map = old;
		return true;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL || (t->raw = malloc(body_len ? body_len : 1)) == NULL) {
		free(t);
		return cur_fail(c, PROTO_NOMEM, "out of memory for a table map");
	}
	memcpy(t->raw, cur_ptr(c), body_len);
	t->raw_len = body_len;
	t->table_id = id;
	t->flags = flags;
	cur_init(&b, t->raw, body_len, cur_offset(c), c->err);
	c->pos = c->len;

	if (!cur_u8(&b, &n, "TABLE_MAP db length") ||
	    !cur_bytes(&b, (size_t)n + 1, &s, "TABLE_MAP db name"))
		goto fail;
	t->db.p = (const char *)s;
	t->db.len = n;
	if (!cur_u8(&b, &n, "TABLE_MAP table length") ||
	    !cur_bytes(&b, (size_t)n + 1, &s, "TABLE_MAP table name"))
		goto fail;
	t->table.p = (const char *)s;
	t->table.len = n;
	if (t->db.p[t->db.len] != 0 || t->table.p[t->table.len] != 0) {
		cur_fail(&b, PROTO_MALFORMED, "TABLE_MAP names not NUL-terminated");
		goto fail;
	}
	if (!cur_lenenc(&b, &ncols, "TABLE_MAP column count"))
		goto fail;
	if (ncols == 0 || ncols > 4096) {
		cur_fail(&b, PROTO_MALFORMED, "TABLE_MAP with %llu columns",
		    (unsigned long long)ncols);
		goto fail;
	}
	t->ncols = (uint32_t)ncols;
	if (!cur_bytes(&b, t->ncols, &types, "TABLE_MAP column types") ||
	    !cur_lenenc(&b, &mlen, "TABLE_MAP metadata length") ||
	    !cur_bytes(&b, (size_t)mlen, &meta, "TABLE_MAP metadata") ||
	    !cur_bytes(&b, (t->ncols + 7) / 8, &nulls, "TABLE_MAP null bitmap"))
		goto fail;
	t->cols = calloc(t->ncols, sizeof(*t->cols));
	t->pk = calloc(2 * (size_t)t->ncols, sizeof(*t->pk));
	if (t->cols == NULL || t->pk == NULL) {
		cur_fail(&b, PROTO_NOMEM, "out of memory for a table map");
		goto fail;
	}
	t->pk_prefix = t->pk + t->ncols;
	for (uint32_t i = 0; i < t->ncols; i++) {
		struct binlog_col *col = &t->cols[i];
		int ms = meta_size(types[i]);
		if (ms < 0) {
			cur_fail(&b, PROTO_UNSUPPORTED,
			    "TABLE_MAP of %s.%s: column %u has unknown type %u",
			    t->db.p, t->table.p, i + 1, types[i]);
			goto fail;
		}
		if (mpos + (size_t)ms > mlen) {
			cur_fail(&b, PROTO_MALFORMED,
			    "TABLE_MAP of %s.%s: metadata ends before column %u",
			    t->db.p, t->table.p, i + 1);
			goto fail;
		}
		col->map_type = types[i];
		col_set_meta(col, meta + mpos);
		mpos += (size_t)ms;
		col->nullable = (nulls[i / 8] >> (i % 8)) & 1;
		col->is_unsigned = -1;
		col->visible = true;
	}
	if (mpos != mlen) {
		cur_fail(&b, PROTO_MALFORMED,
		    "TABLE_MAP of %s.%s: %llu metadata bytes, columns use %zu",
		    t->db.p, t->table.p, (unsigned long long)mlen, mpos);
		goto fail;
	}
	if (cur_left(&b) > 0) {
		for (uint32_t i = 0; i < t->ncols; i++)
			if (is_numeric(t->cols[i].type))
				t->cols[i].is_unsigned = 0;
		if (!decode_optional_metadata(&b, t,
		    d->fde.flavor == BINLOG_FLAVOR_MARIADB))
			goto fail;
	}
	if (!tmap_put(d, t)) {
		cur_fail(c, PROTO_NOMEM, "out of memory for a table map");
		goto fail;
	}
	ev->table_map = t;
	return true;
fail:
	table_free(t);
	return false;
}

/* ------------------------------------------------------------------ rows */

/* Columns set in a bitmap of nbits (once per event, so a plain loop). */
static uint32_t
popcount_bits(const uint8_t *bm, uint32_t nbits)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < nbits; i++)
		n += (bm[i / 8] >> (i % 8)) & 1;
	return n;
}

/*
 * Rows events (WRITE/UPDATE/DELETE v1 23-25, v2 30-32, PARTIAL_UPDATE 39,
 * MariaDB compressed 166-171):
 *  post-header: 6 table_id (4 if post-header is 6) | 2 flags |
 *               v2: 2 extra length (counting itself) | extra row info
 *  body: packed column count | columns-present bitmap |
 *        UPDATE: after-image columns bitmap | rows
 *  Compressed types hold the rows zlib-compressed (see binlog_inflate()).
 */
bool
binlog_decode_rows(struct binlog_decoder *d, struct cur *c, uint8_t post,
    struct binlog_event *ev)
{
	struct binlog_rows_event *r = &ev->rows;
	uint8_t type = ev->h.type;
	uint64_t ncols;
	uint16_t extra;
	size_t bm;

	memset(r, 0, sizeof(*r));
	switch (type) {
	case BINLOG_WRITE_ROWS_EVENT_V1:
	case BINLOG_WRITE_ROWS_EVENT:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT:
		r->kind = BINLOG_ROWS_WRITE;
		break;
	case BINLOG_UPDATE_ROWS_EVENT_V1:
	case BINLOG_UPDATE_ROWS_EVENT:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT:
		r->kind = BINLOG_ROWS_UPDATE;
		break;
	case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
		r->kind = BINLOG_ROWS_PARTIAL_UPDATE;
		break;
	default:
		r->kind = BINLOG_ROWS_DELETE;
		break;
	}
	r->compressed = type >= BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1 &&
	    type <= BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT;
	r->version = post == 10 ? 2 : 1;
	if (!cur_uint(c, post == 6 ? 4 : 6, &r->table_id, "rows event table id") ||
	    !cur_u16(c, &r->flags, "rows event flags"))
		return false;
	if (post == 10) {
		if (!cur_u16(c, &extra, "rows event extra data length"))
			return false;
		if (extra < 2)
			return cur_fail(c, PROTO_MALFORMED,
			    "rows event extra data length %u < 2", extra);
		r->extra_len = (uint16_t)(extra - 2);
		if (!cur_bytes(c, r->extra_len, &r->extra, "rows event extra data"))
			return false;
	} else if (post > 8 && !cur_skip(c, post - 8u, "rows event post-header"))
		return false;
	r->table = binlog_decoder_table(d, r->table_id);
	if (r->table == NULL)
		return cur_fail(c, PROTO_MALFORMED,
		    "%s event for table id %llu without a preceding TABLE_MAP",
		    binlog_type_name(type), (unsigned long long)r->table_id);
	if (!cur_lenenc(c, &ncols, "rows event column count"))
		return false;
	if (ncols != r->table->ncols)
		return cur_fail(c, PROTO_MALFORMED,
		    "%s event for %s.%s has %llu columns, its TABLE_MAP %u",
		    binlog_type_name(type), r->table->db.p, r->table->table.p,
		    (unsigned long long)ncols, r->table->ncols);
	r->ncols = (uint32_t)ncols;
	bm = (r->ncols + 7) / 8;
	if (!cur_bytes(c, bm, &r->cols_before, "rows event columns bitmap"))
		return false;
	r->n_before = popcount_bits(r->cols_before, r->ncols);
	if ((r->kind == BINLOG_ROWS_UPDATE || r->kind == BINLOG_ROWS_PARTIAL_UPDATE) &&
	    !cur_bytes(c, bm, &r->cols_after, "rows event after-image bitmap"))
		return false;
	if (r->cols_after != NULL)
		r->n_after = popcount_bits(r->cols_after, r->ncols);
	if (r->compressed) {
		const uint8_t *out;
		size_t out_len;
		if (!binlog_inflate(d, c, 0, &out, &out_len))
			return false;
		r->body = out;
		r->body_len = out_len;
		r->body_offset = ev->offset; /* decompressed: name the event */
	} else {
		r->body = cur_ptr(c);
		r->body_len = cur_left(c);
		r->body_offset = cur_offset(c);
		c->pos = c->len;
	}
	return true;
}

/* Decode one row image; vals may be NULL to skip over it. */
static bool
decode_image(const struct binlog_rows_event *r, struct cur *c,
    const uint8_t *present, uint32_t npresent, bool after,
    struct binlog_row *row)
{
	const struct binlog_table *t = r->table;
	const uint8_t *nulls, *partial = NULL;
	struct binlog_value tmp, *v;
	uint32_t i, j = 0, jc = 0;
	uint64_t opts = 0;

	if (row != NULL) {
		row->ncols = t->ncols;
		row->offset = cur_offset(c);
	}
	if (r->kind == BINLOG_ROWS_PARTIAL_UPDATE && after) {
		if (!cur_lenenc(c, &opts, "partial update value options"))
			return false;
		if (opts & 1) {
			uint32_t njson = 0;
			for (i = 0; i < t->ncols; i++)
				njson += t->cols[i].type == MYSQL_T_JSON;
			if (!cur_bytes(c, (njson + 7) / 8, &partial,
			    "partial update JSON bitmap"))
				return false;
		}
	}
	if (!cur_bytes(c, (npresent + 7) / 8, &nulls,
	    "row null bitmap"))
		return false;
	for (i = 0; i < t->ncols; i++) {
		const struct binlog_col *col = &t->cols[i];
		bool is_partial = false;

		v = row != NULL ? &row->vals[i] : &tmp;
		if (partial != NULL && col->type == MYSQL_T_JSON) {
			is_partial = (partial[jc / 8] >> (jc % 8)) & 1;
			jc++;
		}
		if (!((present[i / 8] >> (i % 8)) & 1)) {
			v->kind = BV_ABSENT;
			continue;
		}
		if ((nulls[j / 8] >> (j % 8)) & 1) {
			j++;
			v->kind = BV_NULL;
			continue;
		}
		j++;
		if (is_partial) {
			uint64_t n;
			/* Json_diff_vector::write_binary(): always a 4-byte length */
			if (!cur_uint(c, 4, &n, "partial JSON length") ||
			    !cur_bytes(c, (size_t)n, &v->bytes.p, "partial JSON diff"))
				return false;
			v->kind = BV_JSON_DIFF;
			v->bytes.len = (uint32_t)n;
			continue;
		}
		if (!binlog_value_decode(col, c, v)) {
			if (c->err != NULL && c->err->msg[0] != '\0') {
				/* add the column to the innermost message */
				char tail[96];
				size_t ml = strlen(c->err->msg);
				snprintf(tail, sizeof(tail), " (column %u of %s.%s)", i + 1,
				    t->db.p, t->table.p);
				if (ml + strlen(tail) < sizeof(c->err->msg))
					memcpy(c->err->msg + ml, tail, strlen(tail) + 1);
			}
			return false;
		}
	}
	return true;
}

int
binlog_rows_next(const struct binlog_rows_event *r, size_t *pos,
    struct binlog_row *before, struct binlog_row *after, struct proto_err *err)
{
	struct cur c;

	if (*pos >= r->body_len)
		return 0;
	cur_init(&c, r->body, r->body_len, r->body_offset, err);
	c.pos = *pos;
	switch (r->kind) {
	case BINLOG_ROWS_WRITE:
		if (!decode_image(r, &c, r->cols_before, r->n_before, false, after))
			return -1;
		break;
	case BINLOG_ROWS_DELETE:
		if (!decode_image(r, &c, r->cols_before, r->n_before, false, before))
			return -1;
		break;
	case BINLOG_ROWS_UPDATE:
	case BINLOG_ROWS_PARTIAL_UPDATE:
		if (!decode_image(r, &c, r->cols_before, r->n_before, false, before) ||
		    !decode_image(r, &c, r->cols_after, r->n_after, true, after))
			return -1;
		break;
	}
	if (c.pos == *pos) {
		cur_fail(&c, PROTO_MALFORMED, "empty row image");
		return -1;
	}
	*pos = c.pos;
	return 1;
}
