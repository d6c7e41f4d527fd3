/* applier_values.c: binlog values bound as typed statement parameters, and the statements built for them. */
#include "src/applier_int.h"

/* ------------------------------------------------------------- arena */

void *
arena_alloc(struct arena *ar, size_t n)
{
	struct arena_block *b = ar->head;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = ar->head;
		ar->head = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

void
arena_reset(struct arena *ar)
{
	struct arena_block *b = ar->head, *next;

	if (b == NULL)
		return;
	for (next = b->next; next != NULL; next = b) {
		b = next->next;
		free(next);
		if (b == NULL)
			break;
	}
	ar->head->next = NULL;
	ar->head->used = 0;
}

void
arena_free(struct arena *ar)
{
	struct arena_block *b = ar->head, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	ar->head = NULL;
}

/* ------------------------------------------------------------- values */

/* Forget the typed JSON expressions of the last statement (jx_add). */
void
jx_reset(struct applier *a)
{
	a->njx = 0;
	sbuf_reset(&a->jxsql);
	a->jxerr[0] = '\0';
}

/*
 * Parameter param of the next statement is the text of a JSON document
 * whose typed expression is a->jxsql from at on: stmt_get() puts the
 * expression in place of its `?`.
 */
bool
jx_add(struct applier *a, uint32_t param, size_t at)
{
	if (a->jxsql.oom)
		return false;
	if (a->njx == a->capjx) {
		uint32_t cap = a->capjx ? 2 * a->capjx : 16;
		struct json_expr *n = realloc(a->jx, cap * sizeof(*n));
		if (n == NULL)
			return false;
		a->jx = n;
		a->capjx = cap;
	}
	a->jx[a->njx].param = param;
	a->jx[a->njx].off = at;
	a->jx[a->njx].len = a->jxsql.len - at;
	a->njx++;
	return true;
}

MYSQL_TIME *
new_time(struct applier *a)
{
	MYSQL_TIME *t = arena_alloc(&a->ar, sizeof(*t));

	if (t != NULL)
		memset(t, 0, sizeof(*t));
	return t;
}

/*
 * One typed parameter from a decoded value. Strings go as binary so the
 * server copies their bytes without charset conversion; BINARY(n) gets
 * back the trailing zero bytes the server strips from the binlog.
 */
bool
bind_value(struct applier *a, MYSQL_BIND *b, const struct binlog_col *col,
    const struct schema_col *sc, const struct binlog_value *v)
{
	MYSQL_TIME *t;
	struct sbuf tmp = { 0 };
	struct proto_err err = { 0 };
	uint8_t *p;

	memset(b, 0, sizeof(*b));
	switch (v->kind) {
	case BV_NULL:
		b->buffer_type = MYSQL_TYPE_NULL;
		return true;
	case BV_INT:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = (void *)&v->i;
		if (v->i < 0 && col->is_unsigned != 0 && sc != NULL && sc->is_unsigned) {
			/* no signedness in the binlog: the destination column says */
			uint64_t *x = arena_alloc(&a->ar, sizeof(*x));
			if (x == NULL)
				return false;
			*x = binlog_int_unsigned(col, v->i);
			b->buffer = x;
			b->is_unsigned = 1;
		}
		return true;
	default:
		break;
	}
	switch (v->kind) {
	case BV_UINT:
	case BV_BIT:
	case BV_ENUM:
	case BV_SET:
	case BV_YEAR:
		if (v->kind == BV_ENUM && v->u == 0)
			a->enum_zero = true;
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = (void *)&v->u;
		b->is_unsigned = 1;
		return true;
	case BV_FLOAT:
		b->buffer_type = MYSQL_TYPE_FLOAT;
		b->buffer = (void *)&v->f;
		return true;
	case BV_DOUBLE:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = (void *)&v->d;
		return true;
	case BV_DECIMAL:
		if (!decimal_to_text(&tmp, v->dec.p, v->dec.len, v->dec.precision,
		    v->dec.scale, &err))
			return false;
		p = arena_alloc(&a->ar, tmp.len + 1);
		if (p == NULL) {
			sbuf_free(&tmp);
			return false;
		}
		memcpy(p, tmp.p, tmp.len);
		b->buffer_type = MYSQL_TYPE_NEWDECIMAL;
		b->buffer = p;
		b->buffer_length = tmp.len;
		sbuf_free(&tmp);
		return true;
	case BV_STRING:
	case BV_BLOB:
	case BV_GEOMETRY:
	case BV_VECTOR:
		b->buffer_type = MYSQL_TYPE_BLOB;
		b->buffer = (void *)v->bytes.p;
		b->buffer_length = v->bytes.len;
		if (col->type == MYSQL_T_BLOB_COMPRESSED ||
		    col->type == MYSQL_T_VARCHAR_COMPRESSED) {
			/* MariaDB logs the stored form; the destination compresses */
			uint64_t max = col->type == MYSQL_T_VARCHAR_COMPRESSED ? col->meta :
			    col->meta >= 4 ? 0xffffffffULL : (1ULL << (8 * col->meta)) - 1;
			if (!binlog_column_uncompress(v->bytes.p, v->bytes.len, max, &tmp,
			    &err)) {
				sbuf_free(&tmp);
				return false;
			}
			p = arena_alloc(&a->ar, tmp.len ? tmp.len : 1);
			if (p == NULL) {
				sbuf_free(&tmp);
				return false;
			}
			memcpy(p, tmp.p ? tmp.p : "", tmp.len);
			b->buffer = p;
			b->buffer_length = tmp.len;
			sbuf_free(&tmp);
		}
		/*
		 * JSON text (a MariaDB source's JSON is LONGTEXT utf8mb4) for a
		 * MySQL JSON column: MySQL refuses a binary string as JSON, so
		 * it goes as text in the session's utf8mb4 (session_restore).
		 */
		if (sc != NULL && !a->mariadb && v->kind != BV_GEOMETRY &&
		    strcmp(sc->data_type, "json") == 0)
			b->buffer_type = MYSQL_TYPE_STRING;
		if (sc != NULL && sc->binary_fixed && v->bytes.len < sc->octet_len) {
			p = arena_alloc(&a->ar, sc->octet_len);
			if (p == NULL)
				return false;
			memcpy(p, v->bytes.p, v->bytes.len);
			memset(p + v->bytes.len, 0, sc->octet_len - v->bytes.len);
			b->buffer = p;
			b->buffer_length = sc->octet_len;
		}
		return true;
	case BV_JSON:
		if (a->mariadb) {
			/* MariaDB's JSON is text: the text is the value */
			if (!jsonb_to_text(&tmp, v->bytes.p, v->bytes.len, 0, &err))
				return false;
		} else {
			bool typed;
			size_t at = a->jxsql.len;
			if (!jsonb_to_sql(&tmp, &a->jxsql, &typed, v->bytes.p, v->bytes.len,
			    0, &err)) {
				snprintf(a->jxerr, sizeof(a->jxerr), "%s", err.msg);
				sbuf_free(&tmp);
				return false;
			}
			if (typed && !jx_add(a, (uint32_t)(b - a->binds), at)) {
				sbuf_free(&tmp);
				return false;
			}
		}
		p = arena_alloc(&a->ar, tmp.len + 1);
		if (p == NULL) {
			sbuf_free(&tmp);
			return false;
		}
		memcpy(p, tmp.p ? tmp.p : "", tmp.len);
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = p;
		b->buffer_length = tmp.len;
		sbuf_free(&tmp);
		return true;
	case BV_DATE:
	case BV_DATETIME:
	case BV_TIME:
		if (v->kind == BV_TIME && !a->mariadb && v->tm.hour >= 838 && v->tm.usec != 0) {
			/*
			 * MySQL (9.7) refuses a binary TIME of hour 838 with a
			 * fraction ("out of range in 'set_parameter_value'"),
			 * which it takes as text: -838:59:58.999999 is in range.
			 */
			p = arena_alloc(&a->ar, 32);
			if (p == NULL)
				return false;
			b->buffer_length = (unsigned long)snprintf((char *)p, 32, "%s%u:%02u:%02u.%06u",
			    v->tm.neg ? "-" : "", v->tm.hour, v->tm.minute, v->tm.second,
			    (unsigned)v->tm.usec);
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = p;
			return true;
		}
		if ((t = new_time(a)) == NULL)
			return false;
		t->year = (unsigned)(v->tm.year < 0 ? 0 : v->tm.year);
		t->month = v->tm.month;
		t->day = v->tm.day;
		t->hour = v->tm.hour;
		if (v->kind == BV_TIME) {
			/* the binary protocol carries TIME hours as days + hours < 24 */
			t->day = v->tm.hour / 24;
			t->hour = v->tm.hour % 24;
		}
		t->minute = v->tm.minute;
		t->second = v->tm.second;
		t->second_part = v->tm.usec;
		t->neg = v->tm.neg;
		t->time_type = v->kind == BV_DATE ? MYSQL_TIMESTAMP_DATE :
		    v->kind == BV_TIME ? MYSQL_TIMESTAMP_TIME : MYSQL_TIMESTAMP_DATETIME;
		b->buffer_type = v->kind == BV_DATE ? MYSQL_TYPE_DATE :
		    v->kind == BV_TIME ? MYSQL_TYPE_TIME : MYSQL_TYPE_DATETIME;
		b->buffer = t;
		return true;
	case BV_TIMESTAMP:
		if ((t = new_time(a)) == NULL)
			return false;
		t->time_type = MYSQL_TIMESTAMP_DATETIME;
		if (v->ts.sec != 0 || v->ts.usec != 0) {
			/* session time_zone is +00:00: the UTC datetime is exact */
			time_t s = (time_t)v->ts.sec;
			struct tm tm;
			gmtime_r(&s, &tm);
			t->year = (unsigned)tm.tm_year + 1900;
			t->month = (unsigned)tm.tm_mon + 1;
			t->day = (unsigned)tm.tm_mday;
			t->hour = (unsigned)tm.tm_hour;
			t->minute = (unsigned)tm.tm_min;
			t->second = (unsigned)tm.tm_sec;
			t->second_part = v->ts.usec;
		}
		b->buffer_type = MYSQL_TYPE_DATETIME;
		b->buffer = t;
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------- statements */

bool
bm_get(const uint8_t *bm, uint32_t i)
{
	return (bm[i / 8] >> (i % 8)) & 1;
}

void
bm_set(uint8_t *bm, uint32_t i)
{
	bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* Columns that may be written or compared: present, not generated, not filtered. */
void
usable_columns(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st, const uint8_t *present, uint8_t out[COLS_BM],
    const char *src_db, const char *src_table)
{
	memset(out, 0, COLS_BM);
	for (uint32_t i = 0; i < r->ncols && i < st->ncols && i < COLS_MAX; i++) {
		if (!bm_get(present, i) || st->cols[i].generated)
			continue;
		if (filter_column(a->f, src_db, src_table, st->cols[i].name))
			continue;
		bm_set(out, i);
	}
}

/* The WHERE shape: the key when the image has it, else every usable column. */
bool
where_shape(const struct schema_table *st, const uint8_t usable[COLS_BM], uint8_t out[COLS_BM])
{
	bool key_ok = st->nkey > 0;

	for (uint32_t k = 0; k < st->nkey; k++)
		if (!bm_get(usable, st->key[k]))
			key_ok = false;
	memset(out, 0, COLS_BM);
	if (key_ok) {
		for (uint32_t k = 0; k < st->nkey; k++)
			bm_set(out, st->key[k]);
		return true;
	}
	memcpy(out, usable, COLS_BM);
	return false;
}

void
add_table_name(struct sbuf *q, const struct schema_table *st)
{
	dest_quote(q, st->db);
	sbuf_addc(q, '.');
	dest_quote(q, st->name);
}

/* "VERB INTO t (cols in set) VALUES (?,..),.." for nrows rows; the parameters. */
uint32_t
add_insert(struct sbuf *q, const char *verb, const struct schema_table *st,
    const uint8_t set[COLS_BM], uint32_t nrows)
{
	uint32_t per = 0;

	sbuf_adds(q, verb);
	sbuf_adds(q, " INTO ");
	add_table_name(q, st);
	sbuf_adds(q, " (");
	for (uint32_t i = 0; i < st->ncols; i++)
		if (bm_get(set, i)) {
			if (per++)
				sbuf_addc(q, ',');
			dest_quote(q, st->cols[i].name);
		}
	sbuf_adds(q, ") VALUES ");
	for (uint32_t r = 0; r < nrows; r++) {
		sbuf_adds(q, r ? ",(" : "(");
		for (uint32_t k = 0; k < per; k++)
			sbuf_adds(q, k ? ",?" : "?");
		sbuf_addc(q, ')');
	}
	return per * nrows;
}

/*
 * The JSON diff operations of column i in a statement's jsig ("i:OPS;" per
 * column, OPS one letter per diff: R JSON_REPLACE, I JSON_INSERT, A
 * JSON_ARRAY_INSERT, D JSON_REMOVE); NULL if i is set plainly.
 */
const char *
jsig_ops(const char *jsig, uint32_t i, size_t *n)
{
	char head[16];
	size_t hl;
	const char *p;

	if (jsig == NULL)
		return NULL;
	hl = (size_t)snprintf(head, sizeof(head), "%u:", i);
	for (p = jsig; *p != '\0'; p = strchr(p, ';') + 1)
		if (strncmp(p, head, hl) == 0) {
			*n = strcspn(p + hl, ";");
			return p + hl;
		}
	return NULL;
}

/*
 * "JSON_f2(JSON_f1(`c`, ?, CAST(? AS JSON)), ?)": the diffs of a partial
 * JSON column applied in order by MySQL's own functions, which are what
 * apply_json_diffs() does for paths that are there (mysqlbinlog -v prints
 * the same calls). Returns the parameters it takes (path, value).
 */
uint32_t
add_json_expr(struct sbuf *q, const char *col, const char *ops, size_t n)
{
	uint32_t params = 0;

	for (size_t k = n; k-- > 0;)
		sbuf_adds(q, ops[k] == 'R' ? "JSON_REPLACE(" : ops[k] == 'I' ?
		    "JSON_INSERT(" : ops[k] == 'A' ? "JSON_ARRAY_INSERT(" :
		    "JSON_REMOVE(");
	dest_quote(q, col);
	for (size_t k = 0; k < n; k++) {
		if (ops[k] == 'D') {
			sbuf_adds(q, ", ?)");
			params += 1;
		} else {
			sbuf_adds(q, ", ?, CAST(? AS JSON))");
			params += 2;
		}
	}
	return params;
}

/*
 * Copy q with each `?` that jx_add() named replaced by its expression
 * (parameters are counted in order; a name in backquotes holds none).
 */
bool
jx_substitute(struct applier *a, const struct sbuf *q, struct sbuf *out)
{
	uint32_t param = 0, e = 0;
	bool quoted = false;

	for (size_t i = 0; i < q->len; i++) {
		char ch = q->p[i];
		if (ch == '`')
			quoted = !quoted;
		else if (ch == '?' && !quoted) {
			if (e < a->njx && a->jx[e].param == param) {
				sbuf_add(out, a->jxsql.p + a->jx[e].off, a->jx[e].len);
				e++;
				param++;
				continue;
			}
			param++;
		}
		sbuf_addc(out, ch);
	}
	return e == a->njx && !out->oom;
}

/* The destination's max_allowed_packet (read once). */
unsigned long
dest_max_packet(struct applier *a)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (a->max_packet == 0 &&
	    mysql_query(a->d.my, "SELECT @@max_allowed_packet") == 0 &&
	    (res = mysql_store_result(a->d.my)) != NULL) {
		if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
			a->max_packet = strtoul(row[0], NULL, 10);
		mysql_free_result(res);
	}
	return a->max_packet;
}

/* Release a statement after its execution if it was made for it alone. */
void
stmt_done(struct schema_stmt *s)
{
	if (s == NULL || !s->oneoff)
		return;
	mysql_stmt_close(s->st);
	free(s->jsig);
	free(s);
}

/*
 * Find or prepare the statement of this shape (jsig: see jsig_ops()).
 * With typed JSON expressions (jx_add(), called while binding, before
 * this), the statement is made for one execution: stmt_done() frees it.
 */
struct schema_stmt *
stmt_get(struct applier *a, struct schema_table *st, enum stmt_kind kind,
    const uint8_t set[COLS_BM], const uint8_t where[COLS_BM], bool keyed, uint32_t nrows,
    const char *jsig)
{
	struct schema_stmt *s;
	struct sbuf q = { 0 };
	bool first;
	unsigned cached = 0;

	for (s = a->njx > 0 ? NULL : st->stmts; s != NULL; s = s->next, cached++)
		if (s->kind == kind && s->nrows == nrows &&
		    memcmp(s->shape[0], set, COLS_BM) == 0 && memcmp(s->shape[1], where, COLS_BM) == 0 &&
		    (s->jsig == NULL ? jsig == NULL : jsig != NULL && strcmp(s->jsig, jsig) == 0))
			return s;
	/*
	 * The server holds each cached statement (max_prepared_stmt_count
	 * counts them over all sessions): a table keeps STMTS_PER_TABLE at
	 * most, then starts again.  No caller holds a statement across calls.
	 */
	if (a->njx == 0 && cached >= STMTS_PER_TABLE)
		free_stmts(st);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	if (jsig != NULL && (s->jsig = strdup(jsig)) == NULL) {
		free(s);
		return NULL;
	}
	s->kind = kind;
	s->nrows = nrows;
	memcpy(s->shape[0], set, COLS_BM);
	memcpy(s->shape[1], where, COLS_BM);
	switch (kind) {
	case SK_INSERT:
		s->nparams = add_insert(&q, "INSERT", st, set, nrows);
		break;
	case SK_REPLACE:
		s->nparams = add_insert(&q, "REPLACE", st, set, nrows);
		break;
	case SK_NET_DELETE:
	case SK_NET_COUNT:
		sbuf_adds(&q, kind == SK_NET_COUNT ? "SELECT COUNT(*) FROM " : "DELETE FROM ");
		add_table_name(&q, st);
		if (st->nkey > 1 && !a->mariadb) {
			/*
			 * MySQL (9.7 at least): a prepared (a, b) IN ((?, ?), ...)
			 * of more than one row, on a partitioned table with a
			 * DATE or DATETIME in the key, matches no row at all;
			 * (a = ? AND b = ?) OR ... matches them.
			 */
			sbuf_adds(&q, " WHERE ");
			for (uint32_t r = 0; r < nrows; r++) {
				sbuf_adds(&q, r ? " OR (" : "(");
				for (uint32_t k = 0; k < st->nkey; k++) {
					if (k)
						sbuf_adds(&q, " AND ");
					dest_quote(&q, st->cols[st->key[k]].name);
					sbuf_adds(&q, "=?");
				}
				sbuf_addc(&q, ')');
			}
			s->nparams = st->nkey * nrows;
			break;
		}
		sbuf_adds(&q, st->nkey > 1 ? " WHERE (" : " WHERE ");
		for (uint32_t k = 0; k < st->nkey; k++) {
			if (k)
				sbuf_addc(&q, ',');
			dest_quote(&q, st->cols[st->key[k]].name);
		}
		sbuf_adds(&q, st->nkey > 1 ? ") IN (" : " IN (");
		for (uint32_t r = 0; r < nrows; r++) {
			if (r)
				sbuf_addc(&q, ',');
			if (st->nkey > 1)
				sbuf_addc(&q, '(');
			for (uint32_t k = 0; k < st->nkey; k++)
				sbuf_adds(&q, k ? ",?" : "?");
			if (st->nkey > 1)
				sbuf_addc(&q, ')');
		}
		sbuf_addc(&q, ')');
		s->nparams = st->nkey * nrows;
		break;
	case SK_UPSERT:
		s->nparams = add_insert(&q, "INSERT", st, set, nrows);
		sbuf_adds(&q, " ON DUPLICATE KEY UPDATE ");
		first = true;
		for (uint32_t i = 0; i < st->ncols; i++) {
			bool is_key = false;
			for (uint32_t k = 0; k < st->nkey; k++)
				is_key |= st->key[k] == i;
			if (!bm_get(set, i) || is_key)
				continue;
			if (!first)
				sbuf_addc(&q, ',');
			first = false;
			dest_quote(&q, st->cols[i].name);
			sbuf_adds(&q, "=VALUES(");
			dest_quote(&q, st->cols[i].name);
			sbuf_addc(&q, ')');
		}
		if (first) {
			dest_quote(&q, st->cols[st->key[0]].name);
			sbuf_addc(&q, '=');
			dest_quote(&q, st->cols[st->key[0]].name);
		}
		break;
	case SK_UPDATE:
	case SK_DELETE:
		if (kind == SK_UPDATE) {
			sbuf_adds(&q, "UPDATE ");
			add_table_name(&q, st);
			sbuf_adds(&q, " SET ");
			first = true;
			for (uint32_t i = 0; i < st->ncols; i++)
				if (bm_get(set, i)) {
					const char *ops;
					size_t nops;
					if (!first)
						sbuf_addc(&q, ',');
					first = false;
					dest_quote(&q, st->cols[i].name);
					if ((ops = jsig_ops(jsig, i, &nops)) != NULL) {
						sbuf_addc(&q, '=');
						s->nparams += add_json_expr(&q, st->cols[i].name,
						    ops, nops);
						continue;
					}
					sbuf_adds(&q, "=?");
					s->nparams++;
				}
		} else {
			sbuf_adds(&q, "DELETE FROM ");
			add_table_name(&q, st);
		}
		sbuf_adds(&q, " WHERE ");
		first = true;
		for (uint32_t i = 0; i < st->ncols; i++)
			if (bm_get(where, i)) {
				if (!first)
					sbuf_adds(&q, " AND ");
				first = false;
				dest_quote(&q, st->cols[i].name);
				sbuf_adds(&q, keyed ? "=" : "<=>");
				/* MySQL compares JSON with a string as a JSON string */
				sbuf_adds(&q, !a->mariadb && strcmp(st->cols[i].data_type,
				    "json") == 0 ? "CAST(? AS JSON)" : "?");
				s->nparams++;
			}
		if (first)
			sbuf_adds(&q, "1=1");
		if (!keyed)
			sbuf_adds(&q, " LIMIT 1");
		break;
	}
	if (a->njx > 0) {
		struct sbuf x = { 0 };
		unsigned long max;
		bool ok = !q.oom && jx_substitute(a, &q, &x);
		sbuf_free(&q);
		q = x;
		if (!ok) {
			a->d.errnum = 0;
			snprintf(a->d.err, sizeof(a->d.err), "%s: out of memory building a "
			    "statement of `%s`.`%s` with typed JSON values", a->d.where,
			    st->db, st->name);
			goto fail;
		}
		if ((max = dest_max_packet(a)) > 0 && q.len + 1024 > max) {
			a->d.errnum = 0;
			snprintf(a->d.err, sizeof(a->d.err), "%s: writing `%s`.`%s`: the "
			    "statement that rebuilds its JSON values with their DECIMAL, "
			    "temporal and binary scalars takes %zu bytes, more than the "
			    "destination's max_allowed_packet (%lu); raise "
			    "max_allowed_packet on the destination (to at least %zu) "
			    "and restart", a->d.where, st->db, st->name, q.len, max,
			    q.len + 1024);
			goto fail;
		}
		s->oneoff = true;
	}
	s->st = mysql_stmt_init(a->d.my);
	if (q.oom || s->st == NULL || mysql_stmt_prepare(s->st, q.p, q.len) != 0) {
		a->d.errnum = s->st ? mysql_stmt_errno(s->st) : 0;
		snprintf(a->d.err, sizeof(a->d.err), "%s: preparing %.*s: %s", a->d.where,
		    q.p ? (int)(q.len < 200 ? q.len : 200) : 0, q.p ? q.p : "", s->st ? mysql_stmt_error(s->st) : "out of memory");
		if (s->st)
			mysql_stmt_close(s->st);
		s->st = NULL;
		goto fail;
	}
	sbuf_free(&q);
	jx_reset(a);
	if (s->oneoff)
		return s;
	s->next = st->stmts;
	st->stmts = s;
	return s;
fail:
	free(s->jsig);
	free(s);
	sbuf_free(&q);
	jx_reset(a);
	return NULL;
}

bool
ensure_binds(struct applier *a, uint32_t n)
{
	MYSQL_BIND *nb;

	if (n <= a->nbinds)
		return true;
	nb = realloc(a->binds, (size_t)n * sizeof(*nb));
	if (nb == NULL)
		return false;
	a->binds = nb;
	a->nbinds = n;
	return true;
}

bool
ensure_vals(struct applier *a, size_t n)
{
	struct binlog_value *nv;

	if (n <= a->nvals)
		return true;
	nv = realloc(a->vals, n * sizeof(*nv));
	if (nv == NULL)
		return false;
	a->vals = nv;
	a->nvals = n;
	return true;
}

/* Bind text (in memory that outlives the execution) as a string parameter. */
void
bind_text(MYSQL_BIND *b, const void *p, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)p;
	b->buffer_length = len;
}

/*
 * Bind a partial JSON column prepared by partial_prepare(): the new
 * document's text, or each diff's path and value for the JSON_* calls.
 */
bool
bind_json_diff(struct applier *a, const struct binlog_table *t, uint32_t i,
    const struct binlog_value *v, uint32_t *k)
{
	struct jsonb_diff d;
	struct proto_err err = { 0 };
	size_t pos = 0, at;
	bool typed;
	char *p;
	int r;

	if (!bm_get(a->jsql, i)) {
		if (a->jtext[i].p == NULL) {
			set_fatal(a, "column %u of %s.%s: a partial JSON update without "
			    "its new value (internal error)", i + 1, t->db.p, t->table.p);
			return false;
		}
		if (a->jtext[i].sql != NULL) {
			at = a->jxsql.len;
			sbuf_add(&a->jxsql, a->jtext[i].sql, a->jtext[i].sqllen);
			if (!jx_add(a, *k, at)) {
				set_fatal(a, "out of memory");
				return false;
			}
		}
		bind_text(&a->binds[(*k)++], a->jtext[i].p, a->jtext[i].len);
		return true;
	}
	while ((r = jsonb_diff_next(v->bytes.p, v->bytes.len, &pos, 0, &d, &err)) == 1) {
		if (*k + 2 > a->nbinds) {
			set_fatal(a, "column %u of %s.%s: a partial JSON update with more "
			    "diffs than one statement can take", i + 1, t->db.p, t->table.p);
			return false;
		}
		bind_text(&a->binds[(*k)++], d.path, d.path_len);
		if (d.op == JSONB_DIFF_REMOVE)
			continue;
		sbuf_reset(&a->jtmp);
		at = a->jxsql.len;
		/* only a MySQL destination gets here (partial_prepare()) */
		if (!jsonb_to_sql(&a->jtmp, &a->jxsql, &typed, d.value, d.value_len, 0,
		    &err) || (typed && !jx_add(a, *k, at)) ||
		    (p = arena_alloc(&a->ar, a->jtmp.len + 1)) == NULL) {
			set_fatal(a, "column %u of %s.%s: a partial JSON update's value: %s",
			    i + 1, t->db.p, t->table.p, err.msg[0] ? err.msg : "out of memory");
			return false;
		}
		memcpy(p, a->jtmp.p ? a->jtmp.p : "", a->jtmp.len);
		bind_text(&a->binds[(*k)++], p, a->jtmp.len);
	}
	if (r < 0) {
		set_fatal(a, "column %u of %s.%s: %s", i + 1, t->db.p, t->table.p, err.msg);
		return false;
	}
	return true;
}

/* Bind the columns in shape from one image into binds starting at *k. */
bool
bind_image(struct applier *a, const struct binlog_table *t, const struct schema_table *st,
    const uint8_t shape[COLS_BM], const struct binlog_value *vals, uint32_t *k)
{
	for (uint32_t i = 0; i < st->ncols; i++) {
		if (!bm_get(shape, i))
			continue;
		if (vals[i].kind == BV_JSON_DIFF) {
			if (!bind_json_diff(a, t, i, &vals[i], k))
				return false;
			continue;
		}
		if (vals[i].kind == BV_ABSENT) {
			set_fatal(a, "column %u of %s.%s: value missing from the row image",
			    i + 1, t->db.p, t->table.p);
			return false;
		}
		if (!bind_value(a, &a->binds[(*k)++], &t->cols[i], &st->cols[i], &vals[i])) {
			set_fatal(a, "column %u of %s.%s (a row of the transaction after "
			    "%s:%" PRIu64 "): cannot convert the value%s%s", i + 1, t->db.p,
			    t->table.p, a->file, a->pos, a->jxerr[0] ? ": " : "", a->jxerr);
			return false;
		}
	}
	return true;
}

/*
 * After a row statement: stop on any warning that a value was not stored
 * (or compared) as it came. The row session is not strict, because an
 * ENUM's error value (index 0, the empty string) a source may hold is
 * accepted only with a warning: so a bound value the destination cannot
 * take exactly (a wrong length for INET6 or UUID, an invalid date, a
 * string too long for a narrower column) would become NULL, zero or a cut
 * value with a warning, silently. Other warnings (deprecation notes,
 * unsafe-for-binlog) do not concern the values and are ignored.
 */
bool
rows_warnings(struct applier *a, const char *what, const char *db, const char *table)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = true, enum_zero = a->enum_zero;

	a->enum_zero = false;
	if (mysql_warning_count(a->d.my) == 0)
		return true;
	if (mysql_query(a->d.my, "SHOW WARNINGS") != 0 ||
	    (res = mysql_store_result(a->d.my)) == NULL) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: reading the warnings of %s on "
		    "`%s`.`%s`: %s (error %u)", a->d.where, what, db, table,
		    mysql_error(a->d.my), a->d.errnum);
		return false;
	}
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		unsigned code = row[1] ? (unsigned)strtoul(row[1], NULL, 10) : 0;
		if (row[0] == NULL || strcmp(row[0], "Note") == 0)
			continue;
		switch (code) {
		case WARN_DATA_TRUNCATED:
			if (enum_zero)
				continue; /* maybe the ENUM error value: not told apart */
			break;
		case ER_BAD_NULL_ERROR:
		case ER_WARN_NULL_TO_NOTNULL:
		case ER_WARN_DATA_OUT_OF_RANGE:
		case ER_TRUNCATED_WRONG_VALUE:
		case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
		case ER_ILLEGAL_VALUE_FOR_TYPE:
		case ER_DATA_TOO_LONG:
			break;
		default:
			continue;
		}
		a->d.errnum = 0;
		snprintf(a->d.err, sizeof(a->d.err), "%s: %s on `%s`.`%s` (source changes up "
		    "to %s:%" PRIu64 "): the destination did not take a value as it came: "
		    "%s %u: %.300s; nothing of this transaction was committed (does the "
		    "destination's column have the source's type?)", a->d.where, what, db,
		    table, a->file, a->pos, row[0], code, row[2] ? row[2] : "");
		ok = false;
	}
	mysql_free_result(res);
	return ok;
}

/* Execute s with the binds; check affected rows for UPDATE/DELETE. */
bool
stmt_exec(struct applier *a, struct schema_stmt *s, const struct binlog_table *t,
    const struct binlog_event *ev, uint64_t expect)
{
	my_ulonglong n;

	if (mysql_stmt_bind_param(s->st, a->binds) != 0 || mysql_stmt_execute(s->st) != 0) {
		a->d.errnum = mysql_stmt_errno(s->st);
		snprintf(a->d.err, sizeof(a->d.err), "%s: applying %s on %s.%s (event at %s:%"
		    PRIu64 "): %s (error %u)", a->d.where,
		    s->kind == SK_INSERT ? "INSERT" : s->kind == SK_UPDATE ? "UPDATE" :
		    s->kind == SK_REPLACE ? "REPLACE" : "DELETE", t->db.p, t->table.p,
		    a->file, ev->offset,
		    mysql_stmt_error(s->st), a->d.errnum);
		arena_reset(&a->ar);
		return false;
	}
	arena_reset(&a->ar);
	n = mysql_stmt_affected_rows(s->st);
	if (!rows_warnings(a, s->kind == SK_INSERT ? "INSERT" : s->kind == SK_UPDATE ?
	    "UPDATE" : "DELETE", t->db.p, t->table.p))
		return false;
	if ((s->kind == SK_UPDATE || s->kind == SK_DELETE) && expect != UINT64_MAX &&
	    n != expect) {
		a->d.errnum = 0;
		snprintf(a->d.err, sizeof(a->d.err), "%s: %s on %s.%s (event at offset %"
		    PRIu64 ") matched %llu rows instead of %llu: the row is missing on the "
		    "destination (the data has drifted from the source)", a->d.where,
		    s->kind == SK_UPDATE ? "UPDATE" : "DELETE", t->db.p, t->table.p,
		    ev->offset, (unsigned long long)n, (unsigned long long)expect);
		return false;
	}
	return true;
}

/* stmt_exec(), then release a statement made for this execution. */
bool
stmt_run(struct applier *a, struct schema_stmt *s, const struct binlog_table *t,
    const struct binlog_event *ev, uint64_t expect)
{
	bool ok = stmt_exec(a, s, t, ev, expect);

	stmt_done(s);
	return ok;
}
