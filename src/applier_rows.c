/* applier_rows.c: row events replayed: per-row statements, net-effect batching, and the seam after a snapshot copy. */
#include "src/applier_int.h"
#include "src/heartbeat.h"

/* ------------------------------------------------ net-effect batching */

/*
 * Within one destination transaction, only the final state of each row
 * matters. For tables whose only unique key is the primary key, with no
 * foreign keys and full row images, the batch keeps each key's final image
 * (or its absence) and writes them at commit: one DELETE ... IN (...) and
 * multi-row INSERT ... ON DUPLICATE KEY UPDATE per table instead of one
 * statement per row change. Deletes go first, so keys that compare equal
 * under the column collation but differ in bytes still end right.
 */

struct net_table *
net_find(struct applier *a, struct schema_table *st)
{
	for (struct net_table *nt = a->net; nt != NULL; nt = nt->next)
		if (nt->st == st)
			return nt;
	return NULL;
}

bool
net_eligible(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st)
{
	if (!a->cfg->compact || a->group_in_order || a->in_seam)
		return false;
	if (!st->has_pk || st->n_unique != 1 || st->has_fk || st->triggers || st->nontx ||
	    st->overlaps)
		return false;
	if (r->kind == BINLOG_ROWS_PARTIAL_UPDATE || r->n_before != r->ncols)
		return false;
	if (r->cols_after != NULL && r->n_after != r->ncols)
		return false;
	return true;
}

/* Copy a row image into the batch arena (values own their bytes). */
struct binlog_value *
net_copy(struct applier *a, const struct binlog_value *v, uint32_t n)
{
	struct binlog_value *out = arena_alloc(&a->bar, (size_t)n * sizeof(*out));

	if (out == NULL)
		return NULL;
	memcpy(out, v, (size_t)n * sizeof(*out));
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *src = NULL;
		size_t len = 0;
		uint8_t *p;
		switch (out[i].kind) {
		case BV_STRING:
		case BV_BLOB:
		case BV_JSON:
		case BV_GEOMETRY:
		case BV_VECTOR:
		case BV_JSON_DIFF:
			src = out[i].bytes.p;
			len = out[i].bytes.len;
			break;
		case BV_DECIMAL:
			src = out[i].dec.p;
			len = out[i].dec.len;
			break;
		default:
			continue;
		}
		p = arena_alloc(&a->bar, len ? len : 1);
		if (p == NULL)
			return NULL;
		memcpy(p, src, len);
		if (out[i].kind == BV_DECIMAL)
			out[i].dec.p = p;
		else
			out[i].bytes.p = p;
	}
	a->batch_bytes += (size_t)n * sizeof(*out);
	return out;
}

/* The key of an image as bytes (kind and value of each key column). */
bool
net_key(struct applier *a, const struct schema_table *st, const struct binlog_value *v)
{
	struct sbuf *b = &a->keybuf;

	sbuf_reset(b);
	for (uint32_t k = 0; k < st->nkey; k++) {
		const struct binlog_value *x = &v[st->key[k]];
		uint32_t len;
		sbuf_addc(b, (char)x->kind);
		switch (x->kind) {
		case BV_STRING:
		case BV_BLOB:
		case BV_JSON:
		case BV_GEOMETRY:
		case BV_VECTOR:
			len = x->bytes.len;
			sbuf_add(b, &len, sizeof(len));
			sbuf_add(b, x->bytes.p, len);
			break;
		case BV_DECIMAL:
			sbuf_add(b, &x->dec.len, 1);
			sbuf_add(b, x->dec.p, x->dec.len);
			break;
		case BV_DATE:
		case BV_TIME:
		case BV_DATETIME:
			sbuf_add(b, &x->tm.year, sizeof(x->tm.year));
			sbuf_add(b, &x->tm.month, 1);
			sbuf_add(b, &x->tm.day, 1);
			sbuf_add(b, &x->tm.hour, sizeof(x->tm.hour));
			sbuf_add(b, &x->tm.minute, 1);
			sbuf_add(b, &x->tm.second, 1);
			sbuf_add(b, &x->tm.usec, sizeof(x->tm.usec));
			sbuf_add(b, &x->tm.neg, 1);
			break;
		case BV_TIMESTAMP:
			sbuf_add(b, &x->ts.sec, sizeof(x->ts.sec));
			sbuf_add(b, &x->ts.usec, sizeof(x->ts.usec));
			break;
		case BV_FLOAT:
			sbuf_add(b, &x->f, sizeof(x->f));
			break;
		case BV_NULL:
		case BV_ABSENT:
			return false; /* a key column is NOT NULL and present */
		default:
			sbuf_add(b, &x->u, sizeof(x->u));
			break;
		}
	}
	return !b->oom;
}

uint32_t
net_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* Record the final state of the key in a->keybuf. */
bool
net_put(struct applier *a, struct net_table *nt, bool present,
    const struct binlog_value *vals, uint8_t need)
{
	const uint8_t *key = (const uint8_t *)a->keybuf.p;
	uint32_t klen = (uint32_t)a->keybuf.len, h = net_hash(key, klen), i;
	struct net_entry *e;

	if ((nt->n + 1) * 2 > nt->nslots) {
		uint32_t ns = nt->nslots ? nt->nslots * 2 : 1024;
		uint32_t *sl = calloc(ns, sizeof(*sl));
		if (sl == NULL)
			return false;
		for (uint32_t j = 0; j < nt->n; j++) {
			for (i = nt->e[j].hash & (ns - 1); sl[i]; i = (i + 1) & (ns - 1))
				;
			sl[i] = j + 1;
		}
		free(nt->slots);
		nt->slots = sl;
		nt->nslots = ns;
	}
	for (i = h & (nt->nslots - 1); nt->slots[i]; i = (i + 1) & (nt->nslots - 1)) {
		e = &nt->e[nt->slots[i] - 1];
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			goto found;
	}
	if (nt->n == nt->cap) {
		uint32_t nc = nt->cap ? nt->cap * 2 : 256;
		struct net_entry *ne = realloc(nt->e, nc * sizeof(*ne));
		if (ne == NULL)
			return false;
		nt->e = ne;
		nt->cap = nc;
	}
	e = &nt->e[nt->n];
	nt->slots[i] = ++nt->n;
	e->hash = h;
	e->need = need; /* what the first change of this key assumed */
	e->klen = klen;
	e->key = arena_alloc(&a->bar, klen ? klen : 1);
	if (e->key == NULL)
		return false;
	memcpy(e->key, key, klen);
found:
	e->present = present;
	/* a deleted key keeps the image naming it, for the DELETE's key values */
	if ((e->vals = net_copy(a, vals, nt->ncols)) == NULL)
		return false;
	return true;
}

/*
 * The keys whose first change in the batch assumed the row existed (need 1:
 * an UPDATE or DELETE) must all be on the destination, those first
 * inserted (need 2) none: as the statement-by-statement path would find.
 */
bool
net_verify(struct applier *a, struct net_table *nt)
{
	struct schema_table *st = nt->st;
	uint8_t none[COLS_BM];
	uint32_t cap = MAX_PARAMS / (st->nkey ? st->nkey : 1);

	if (cap > MAX_MULTI_ROWS)
		cap = MAX_MULTI_ROWS;
	memset(none, 0, sizeof(none));
	for (uint8_t need = 1; need <= 2; need++) {
		unsigned long long expected = 0, found = 0;
		uint32_t j = 0;
		while (j < nt->n) {
			uint32_t idx[MAX_MULTI_ROWS], cnt = 0, done = 0;
			while (j < nt->n && cnt < cap) {
				if (nt->e[j].need == need)
					idx[cnt++] = j;
				j++;
			}
			expected += cnt;
			while (done < cnt) {
				uint32_t pw = multi_rows(cnt - done), k = 0;
				struct schema_stmt *s;
				MYSQL_BIND rb;
				long long c = 0;
				jx_reset(a);
				s = stmt_get(a, st, SK_NET_COUNT, none, none, true, pw, NULL);
				if (s == NULL)
					return false;
				for (uint32_t r = 0; r < pw; r++) {
					struct net_entry *e = &nt->e[idx[done + r]];
					for (uint32_t q = 0; q < st->nkey; q++) {
						uint32_t i = st->key[q];
						if (!bind_value(a, &a->binds[k++], &nt->cols[i],
						    &st->cols[i], &e->vals[i])) {
							arena_reset(&a->ar);
							snprintf(a->d.err, sizeof(a->d.err), "%s: cannot "
							    "convert a key of `%s`.`%s`", a->d.where,
							    st->db, st->name);
							a->d.errnum = 0;
							return false;
						}
					}
				}
				memset(&rb, 0, sizeof(rb));
				rb.buffer_type = MYSQL_TYPE_LONGLONG;
				rb.buffer = &c;
				if (mysql_stmt_bind_param(s->st, a->binds) != 0 ||
				    mysql_stmt_execute(s->st) != 0 ||
				    mysql_stmt_bind_result(s->st, &rb) != 0 ||
				    mysql_stmt_fetch(s->st) != 0) {
					a->d.errnum = mysql_stmt_errno(s->st);
					snprintf(a->d.err, sizeof(a->d.err), "%s: checking the rows "
					    "of `%s`.`%s`: %s (error %u)", a->d.where, st->db,
					    st->name, mysql_stmt_error(s->st), a->d.errnum);
					mysql_stmt_free_result(s->st);
					arena_reset(&a->ar);
					return false;
				}
				mysql_stmt_free_result(s->st);
				arena_reset(&a->ar);
				found += (unsigned long long)c;
				done += pw;
			}
		}
		if ((need == 1 && found != expected) || (need == 2 && found != 0)) {
			a->d.errnum = 0;
			snprintf(a->d.err, sizeof(a->d.err), "%s: `%s`.`%s`: %s (source changes "
			    "up to %s:%" PRIu64 "): the data has drifted from the source",
			    a->d.where, st->db, st->name, need == 1 ?
			    "rows the source updated or deleted are missing on the destination" :
			    "rows the source inserted already exist on the destination",
			    a->file, a->pos);
			return false;
		}
	}
	return true;
}

/* What writing one table's net effect came to. */
enum net_outcome {
	NET_OK,
	NET_ERROR,    /* a->d.err says what */
	NET_RECHECK,  /* optimistic: the counts do not prove the rows were there */
};

/*
 * Write one table's net effect: deletes first, then the final images.
 *
 * Pessimistic (the default), net_verify() counts first that the rows the
 * batch changed exist and those it inserted do not, then the rows are
 * deleted and upserted.  Optimistic, the writes prove it themselves, one
 * statement fewer: a DELETE must remove every row it names; rows first
 * inserted are written with a plain INSERT, which fails on a row already
 * there; rows the batch changed with INSERT ... ON DUPLICATE KEY UPDATE,
 * which counts 2 for each existing row it changes (1 for a row it inserts,
 * or an existing row it leaves as it was: the final image equals the row
 * before the batch).  Anything else is NET_RECHECK: the caller rolls the
 * writes back and takes the pessimistic way, which names a real drift.
 */
static enum net_outcome
net_write_table(struct applier *a, struct net_table *nt, bool optimistic)
{
	struct schema_table *st = nt->st;
	uint8_t none[COLS_BM];
	uint32_t per = 0;

	memset(none, 0, sizeof(none));
	for (uint32_t i = 0; i < st->ncols; i++)
		per += bm_get(nt->usable, i);
	if (!optimistic && !net_verify(a, nt))
		return NET_ERROR;
	/*
	 * Pass 0: rows gone that were there (all rows gone, checked); 1: rows
	 * gone that were not there (optimistic); 2: rows first inserted
	 * (optimistic); 3: the other rows present (all, checked).
	 */
	for (int pass = 0; pass < 4; pass++) {
		bool present = pass >= 2;
		uint8_t need = pass == 1 || pass == 2 ? 2 : 1;
		uint32_t params = present ? per : st->nkey;
		uint32_t cap = params ? MAX_PARAMS / params : MAX_MULTI_ROWS;
		uint32_t j = 0;
		enum stmt_kind kind = !present ? SK_NET_DELETE : pass == 2 ? SK_INSERT : SK_UPSERT;
		if ((pass == 1 || pass == 2) && !optimistic)
			continue;
		if (cap > MAX_MULTI_ROWS)
			cap = MAX_MULTI_ROWS;
		while (j < nt->n) {
			uint32_t idx[MAX_MULTI_ROWS], cnt = 0, done = 0;
			while (j < nt->n && cnt < cap) {
				const struct net_entry *e = &nt->e[j];
				if (e->present == present && (!optimistic || e->need == need))
					idx[cnt++] = j;
				j++;
			}
			while (done < cnt) {
				uint32_t pw = multi_rows(cnt - done), k = 0;
				unsigned long long expect;
				struct schema_stmt *s;
				jx_reset(a);
				for (uint32_t r = 0; r < pw; r++) {
					struct net_entry *e = &nt->e[idx[done + r]];
					if (present) {
						for (uint32_t i = 0; i < st->ncols; i++)
							if (bm_get(nt->usable, i) &&
							    !bind_value(a, &a->binds[k++], &nt->cols[i],
							    &st->cols[i], &e->vals[i]))
								goto conv;
					} else {
						for (uint32_t q = 0; q < st->nkey; q++) {
							uint32_t i = st->key[q];
							if (!bind_value(a, &a->binds[k++], &nt->cols[i],
							    &st->cols[i], &e->vals[i]))
								goto conv;
						}
					}
				}
				s = stmt_get(a, st, kind, present ? nt->usable : none, none, true, pw,
				    NULL);
				if (s == NULL) {
					arena_reset(&a->ar);
					return NET_ERROR;
				}
				if (mysql_stmt_bind_param(s->st, a->binds) != 0 ||
				    mysql_stmt_execute(s->st) != 0) {
					a->d.errnum = mysql_stmt_errno(s->st);
					snprintf(a->d.err, sizeof(a->d.err), "%s: writing the batch "
					    "of `%s`.`%s`: %s (error %u)", a->d.where, st->db,
					    st->name, mysql_stmt_error(s->st), a->d.errnum);
					arena_reset(&a->ar);
					stmt_done(s);
					return optimistic && pass == 2 && a->d.errnum == ER_DUP_ENTRY ?
					    NET_RECHECK : NET_ERROR;
				}
				expect = pass == 0 ? pw : pass == 1 ? 0 : 2ULL * pw;
				arena_reset(&a->ar);
				if (optimistic && pass != 2 &&
				    (unsigned long long)mysql_stmt_affected_rows(s->st) != expect) {
					stmt_done(s);
					return NET_RECHECK;
				}
				stmt_done(s);
				if (!rows_warnings(a, present ? "writing the batch" :
				    "deleting the batch's rows", st->db, st->name))
					return NET_ERROR;
				done += pw;
			}
		}
	}
	return NET_OK;
conv:
	arena_reset(&a->ar);
	a->d.errnum = 0;
	snprintf(a->d.err, sizeof(a->d.err), "%s: cannot convert a value of `%s`.`%s` "
	    "(source changes up to %s:%" PRIu64 ")%s%s", a->d.where, st->db, st->name,
	    a->file, a->pos, a->jxerr[0] ? ": " : "", a->jxerr);
	return NET_ERROR;
}

static void
net_clear(struct net_table *nt)
{
	nt->n = 0;
	memset(nt->slots, 0, (size_t)nt->nslots * sizeof(*nt->slots));
}

/* Write one table's net effect, checked beforehand (see net_write_table()). */
bool
net_flush_table(struct applier *a, struct net_table *nt)
{
	if (net_write_table(a, nt, false) != NET_OK)
		return false;
	net_clear(nt);
	return true;
}

/*
 * Write every table's net effect (before a commit or an in-order
 * statement).  With two tables or more to write, optimistically under a
 * savepoint (net_write_table()): when the counts do not prove the batch,
 * back to the savepoint, and every table the checked way.  A table that
 * needed that is written the checked way for its next RECHECK_BATCHES
 * batches.
 */
#define RECHECK_BATCHES 64
#define NET_SAVEPOINT "myshift_net_recheck"
bool
net_flush_all(struct applier *a)
{
	struct net_table *nt;
	unsigned tables = 0;
	bool optimistic, rechecking = false;
	enum net_outcome o = NET_OK;

	for (nt = a->net; nt != NULL; nt = nt->next) {
		if (nt->n == 0)
			continue;
		tables++;
		if (nt->recheck > 0) {
			nt->recheck--;
			rechecking = true;
		}
	}
	/*
	 * One table: a savepoint would cost the statement it saves, except in
	 * a transaction too big to hold, flushed every batch_bytes.
	 */
	optimistic = (tables >= 2 || a->streaming) && !rechecking;
	if (optimistic && !dest_exec(&a->d, "SAVEPOINT " NET_SAVEPOINT)) {
		if (a->d.errnum != 1178 /* ER_CHECK_NOT_IMPLEMENTED */)
			return false;
		/* the transaction wrote a table of an engine without savepoints (Aria) */
		optimistic = false;
	}
	if (optimistic) {
		for (nt = a->net; nt != NULL && o == NET_OK; nt = nt->next)
			if (nt->n > 0 && (o = net_write_table(a, nt, true)) == NET_RECHECK)
				nt->recheck = RECHECK_BATCHES;
		if (o == NET_ERROR)
			return false;
		if (o == NET_RECHECK) {
			log_debug("a batch's counts did not prove its rows were on the "
			    "destination: checking them first (source changes up to %s:%"
			    PRIu64 ")", a->file, a->pos);
			if (!dest_exec(&a->d, "ROLLBACK TO SAVEPOINT " NET_SAVEPOINT))
				return false;
		}
	}
	if (!optimistic || o == NET_RECHECK) {
		for (nt = a->net; nt != NULL; nt = nt->next)
			if (nt->n > 0 && net_write_table(a, nt, false) != NET_OK)
				return false;
	}
	for (nt = a->net; nt != NULL; nt = nt->next)
		if (nt->n > 0)
			net_clear(nt);
	arena_reset(&a->bar);
	a->net_bytes = 0;
	return true;
}

void
net_free(struct applier *a)
{
	struct net_table *nt, *next;

	for (nt = a->net; nt != NULL; nt = next) {
		next = nt->next;
		free(nt->cols);
		free(nt->e);
		free(nt->slots);
		free(nt);
	}
	a->net = NULL;
	arena_free(&a->bar);
}

/* Fold a rows event into the batch's net effect. */
bool
net_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t usable[COLS_BM])
{
	const struct binlog_rows_event *r = &ev->rows;
	struct net_table *nt = net_find(a, st);
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	uint64_t n = 0;
	int rc;

	if (nt == NULL) {
		nt = calloc(1, sizeof(*nt));
		if (nt == NULL || (nt->cols = malloc(r->ncols * sizeof(*nt->cols))) == NULL) {
			free(nt);
			set_fatal(a, "out of memory");
			return false;
		}
		nt->st = st;
		nt->ncols = r->ncols;
		memcpy(nt->cols, r->table->cols, r->ncols * sizeof(*nt->cols));
		memcpy(nt->usable, usable, COLS_BM);
		nt->next = a->net;
		a->net = nt;
	} else if (memcmp(nt->usable, usable, COLS_BM) != 0 || nt->ncols != r->ncols) {
		/* another shape (filters changed by DDL): write what we hold first */
		if (nt->n > 0 && !net_flush_table(a, nt)) {
			set_dest_error(a, NULL);
			return false;
		}
		memcpy(nt->usable, usable, COLS_BM);
	}
	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	while ((rc = binlog_rows_next(r, &pos, &before, &after, &err)) == 1) {
		bool ok = true;
		n++;
		note_row(a, r, st, r->kind == BINLOG_ROWS_WRITE ? NULL : &before,
		    r->kind == BINLOG_ROWS_DELETE ? NULL : &after);
		if (r->kind == BINLOG_ROWS_WRITE)
			ok = net_key(a, st, after.vals) &&
			    net_put(a, nt, true, after.vals, 2);
		else if (r->kind == BINLOG_ROWS_DELETE)
			ok = net_key(a, st, before.vals) &&
			    net_put(a, nt, false, before.vals, 1);
		else {
			struct sbuf kb = { 0 };
			ok = net_key(a, st, before.vals);
			if (ok) {
				sbuf_add(&kb, a->keybuf.p, a->keybuf.len);
				ok = !kb.oom && net_key(a, st, after.vals);
			}
			if (ok && (kb.len != a->keybuf.len ||
			    memcmp(kb.p, a->keybuf.p, kb.len) != 0)) {
				/* the key changed: the old one is gone */
				struct sbuf ka = a->keybuf;
				a->keybuf = kb;
				ok = net_put(a, nt, false, before.vals, 1);
				kb = a->keybuf;
				a->keybuf = ka;
				/* the row moves to a key that must be free */
				ok = ok && net_put(a, nt, true, after.vals, 2);
			} else
				ok = ok && net_put(a, nt, true, after.vals, 1);
			sbuf_free(&kb);
		}
		if (!ok) {
			set_fatal(a, "out of memory batching rows of %s.%s", r->table->db.p,
			    r->table->table.p);
			return false;
		}
	}
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	pthread_mutex_lock(&a->lock);
	a->stats.rows += n;
	pthread_mutex_unlock(&a->lock);
	/*
	 * A transaction too big to hold is applied as it arrives, inside one
	 * destination transaction: its net effect is written every
	 * batch_bytes of rows events (memory stays bounded; the tables
	 * batched have no foreign keys, triggers or other unique keys, so
	 * writing them ahead of the rest of the transaction changes nothing).
	 */
	a->net_bytes += ev->h.event_size;
	if (a->streaming && a->net_bytes >= (size_t)a->cfg->batch_bytes && !net_flush_all(a)) {
		set_dest_error(a, NULL);
		return false;
	}
	return true;
}

/*
 * A PARTIAL_UPDATE_ROWS row (binlog_row_value_options=PARTIAL_JSON): for
 * each JSON column of the after image that carries diffs instead of a value,
 *  - if the before image has the column (binlog_row_image=FULL), apply the
 *    diffs to it here (jsondiff_apply(), MySQL's apply_json_diffs()) and
 *    write the text of the new document, exactly what a full after image
 *    would have given, on every destination;
 *  - if it does not (MINIMAL, NOBLOB), a MySQL destination applies them to
 *    its own value with JSON_REPLACE/JSON_INSERT/JSON_ARRAY_INSERT/
 *    JSON_REMOVE, the functions that make these diffs; a MariaDB destination
 *    has JSON functions of its own that format and order members unlike
 *    MySQL, so the row stops there.
 * Fills a->jtext, a->jsql and a->jsig for stmt_get() and bind_image().
 */
bool
partial_prepare(struct applier *a, const struct binlog_event *ev,
    const struct schema_table *st, const uint8_t set[COLS_BM],
    const struct binlog_row *before, const struct binlog_row *after)
{
	const struct binlog_table *t = ev->rows.table;
	struct proto_err err = { 0 };
	struct jsonb_diff d;
	bool rejected, cell;
	size_t pos;
	char *p;
	int r;

	sbuf_reset(&a->jsig);
	memset(a->jsql, 0, sizeof(a->jsql));
	for (uint32_t i = 0; i < st->ncols; i++) {
		const struct binlog_value *bv = &before->vals[i], *av = &after->vals[i];

		a->jtext[i].p = NULL;
		a->jtext[i].sql = NULL;
		if (!bm_get(set, i) || av->kind != BV_JSON_DIFF)
			continue;
		if (bv->kind == BV_JSON) {
			bool typed = false;
			sbuf_reset(&a->jtmp);
			sbuf_reset(&a->jsqltmp);
			if (!jsondiff_apply(&a->jtmp, a->mariadb ? NULL : &a->jsqltmp, &typed,
			    bv->bytes.p, bv->bytes.len, 0,
			    av->bytes.p, av->bytes.len, 0, &rejected, &err)) {
				set_fatal(a, "%s:%" PRIu64 ": partial JSON update of %s.%s "
				    "column %u (%s) %s: %s", a->file, ev->offset, t->db.p,
				    t->table.p, i + 1, st->cols[i].name, rejected ?
				    "does not apply to the row's before image, as a MySQL "
				    "replica would refuse it" : "is malformed", err.msg);
				return false;
			}
			if ((p = arena_alloc(&a->ar, a->jtmp.len + 1)) == NULL) {
				set_fatal(a, "out of memory");
				return false;
			}
			memcpy(p, a->jtmp.p ? a->jtmp.p : "", a->jtmp.len);
			a->jtext[i].p = p;
			a->jtext[i].len = a->jtmp.len;
			if (typed) {
				/* MySQL: its DECIMAL, temporal and binary scalars too */
				if ((p = arena_alloc(&a->ar, a->jsqltmp.len + 1)) == NULL) {
					set_fatal(a, "out of memory");
					return false;
				}
				memcpy(p, a->jsqltmp.p, a->jsqltmp.len);
				a->jtext[i].sql = p;
				a->jtext[i].sqllen = a->jsqltmp.len;
			}
			continue;
		}
		if (bv->kind == BV_NULL) {
			set_fatal(a, "%s:%" PRIu64 ": partial JSON update of %s.%s column %u "
			    "(%s) on a NULL value: a MySQL replica refuses it too (the "
			    "binlog contradicts itself)", a->file, ev->offset, t->db.p,
			    t->table.p, i + 1, st->cols[i].name);
			return false;
		}
		if (a->mariadb) {
			set_fatal(a, "%s:%" PRIu64 ": partial JSON update of %s.%s column %u "
			    "(%s) without the old value in the row's before image (the "
			    "source logs binlog_row_value_options=PARTIAL_JSON with "
			    "binlog_row_image=MINIMAL or NOBLOB): a MariaDB destination "
			    "cannot apply it exactly (its JSON functions order and format "
			    "members unlike MySQL); set binlog_row_image=FULL on the source "
			    "(or binlog_row_value_options=''), re-copy the table, and "
			    "restart; nothing after the last complete transaction was "
			    "applied", a->file, ev->offset, t->db.p, t->table.p, i + 1,
			    st->cols[i].name);
			return false;
		}
		sbuf_printf(&a->jsig, "%u:", i);
		pos = 0;
		while ((r = jsonb_diff_next(av->bytes.p, av->bytes.len, &pos, 0, &d,
		    &err)) == 1) {
			if (!jsondiff_path_check(d.path, d.path_len, &cell, 0, &err)) {
				r = -1;
				break;
			}
			sbuf_addc(&a->jsig, d.op == JSONB_DIFF_REPLACE ? 'R' :
			    d.op == JSONB_DIFF_REMOVE ? 'D' : cell ? 'A' : 'I');
		}
		if (r < 0) {
			set_fatal(a, "%s:%" PRIu64 ": partial JSON update of %s.%s column %u "
			    "(%s) is malformed: %s", a->file, ev->offset, t->db.p,
			    t->table.p, i + 1, st->cols[i].name, err.msg);
			return false;
		}
		sbuf_addc(&a->jsig, ';');
		bm_set(a->jsql, i);
	}
	sbuf_addc(&a->jsig, '\0'); /* stmt_get() takes a C string */
	if (a->jsig.oom) {
		set_fatal(a, "out of memory");
		return false;
	}
	a->jsig.len--;
	return true;
}

/*
 * A rows event of the source's heartbeat table (src/heartbeat.h): note
 * the ts of our own row (server_id ours); nothing is written.
 */
static bool
heartbeat_rows(struct applier *a, const struct binlog_rows_event *r)
{
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	int rc;

	if (r->kind == BINLOG_ROWS_DELETE || r->ncols < 2 || r->ncols > COLS_MAX)
		return true;
	if (!ensure_vals(a, (size_t)r->ncols * 2)) {
		set_fatal(a, "out of memory");
		return false;
	}
	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	while ((rc = binlog_rows_next(r, &pos, &before, &after, &err)) == 1) {
		const struct binlog_value *id = &after.vals[0], *ts = &after.vals[1];
		if ((id->kind == BV_INT || id->kind == BV_UINT) &&
		    (ts->kind == BV_INT || ts->kind == BV_UINT) &&
		    id->u == (uint64_t)a->cfg->server_id && ts->u > a->hb_ts)
			a->hb_ts = ts->u;
	}
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	return true;
}

/*
 * Whether a row image has every column the destination writes: all but
 * generated ones (MariaDB 11 leaves those out of UPDATE images even with
 * binlog_row_image = FULL).
 */
static bool
image_whole(const uint8_t *bm, const struct schema_table *st, uint32_t ncols)
{
	for (uint32_t i = 0; i < ncols && i < st->ncols; i++)
		if (!st->cols[i].generated && !bm_get(bm, i))
			return false;
	return true;
}

/*
 * Whether the columns a source row has beyond the destination's are the
 * hidden hash columns of MariaDB's long unique keys (BIGINT, after all
 * the others): never written, the destination computes its own.
 */
static bool
hidden_hashes(const struct binlog_rows_event *r, const struct schema_table *st)
{
	if (r->ncols < st->ncols || r->ncols - st->ncols > st->nhidden)
		return false;
	for (uint32_t i = st->ncols; i < r->ncols; i++)
		if (r->table->cols[i].type != MYSQL_T_LONGLONG)
			return false;
	return true;
}

bool
apply_rows(struct applier *a, const struct binlog_event *ev)
{
	const struct binlog_rows_event *r = &ev->rows;
	const struct binlog_table *t = r->table;
	struct schema_table *st;
	char db[200], tn[200];
	uint8_t use_before[COLS_BM], use_after[COLS_BM], where[COLS_BM], none[COLS_BM];
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	bool keyed;
	bool fk;
	bool noted;
	int rc;

	if (a->cfg->heartbeat_ms > 0 && strcmp(t->db.p, a->cfg->state_schema) == 0 &&
	    strcmp(t->table.p, HEARTBEAT_TABLE) == 0)
		return heartbeat_rows(a, r);
	if (!filter_table(a->f, t->db.p, t->table.p))
		return true;
	if (r->ncols > COLS_MAX) {
		set_fatal(a, "%s.%s has %u columns; at most %u are supported", t->db.p,
		    t->table.p, r->ncols, COLS_MAX);
		return false;
	}
	filter_map(a->f, t->db.p, t->table.p, db, sizeof(db), tn, sizeof(tn));
	st = schema_get(&a->sc, &a->d, db, tn);
	if (st == NULL) {
		set_dest_error(a, "rows event");
		if (a->status == APPLIER_FATAL)
			snprintf(a->msg + strlen(a->msg), sizeof(a->msg) - strlen(a->msg),
			    " (rows of %s.%s at %s:%" PRIu64 ")", t->db.p, t->table.p,
			    a->file, ev->offset);
		return false;
	}
	if (st->triggers > 0) {
		set_fatal(a, "destination table `%s`.`%s` has %u trigger(s) without myshift's "
		    "guard: the source's triggers already produced their rows, so they would "
		    "act twice. Wrap each body as IF @myshift_session IS NULL THEN ... END IF "
		    "(myshift's sessions set it; the triggers myshift creates have it), or "
		    "drop them", db, tn, st->triggers);
		return false;
	}
	if (st->gipk && r->ncols + 1 == st->ncols && st->stmts == NULL) {
		/* a keyless source table, a generated invisible primary key here */
		if (!schema_skip_gipk(st, &a->d)) {
			set_dest_error(a, "rows event");
			return false;
		}
		log_info("`%s`.`%s`: its generated invisible primary key (my_row_id) is "
		    "left to the destination; the source's rows have none", db, tn);
	}
	if (st->ncols != r->ncols && !hidden_hashes(r, st)) {
		set_fatal(a, "%s.%s at %s:%" PRIu64 ": the source row has %u columns, the "
		    "destination table `%s`.`%s` has %u%s: the schemas differ", t->db.p,
		    t->table.p, a->file, ev->offset, r->ncols, db, tn, st->ncols,
		    st->nhidden ? " (and long unique keys' hidden hash columns)" : "");
		return false;
	}
	for (uint32_t i = 0; i < st->ncols; i++)
		if (!schema_type_ok(t->cols[i].type, st->cols[i].data_type)) {
			set_fatal(a, "%s.%s at %s:%" PRIu64 ": column %u (%s) is type %u on "
			    "the source but %s on the destination: the schemas differ",
			    t->db.p, t->table.p, a->file, ev->offset, i + 1, st->cols[i].name,
			    t->cols[i].type, st->cols[i].data_type);
			return false;
		}
	if (st->nontx && a->gtid_strict) {
		/*
		 * MySQL enforcing GTID consistency refuses a change of a table
		 * without transactions inside a transaction: what the batch holds
		 * commits first, these rows commit each by itself, the checkpoint
		 * follows (as a MySQL replica, not atomic with them).
		 */
		if (a->in_trx && !flush_batch(a)) {
			set_dest_error(a, NULL);
			return false;
		}
		if (!st->nontx_noted) {
			st->nontx_noted = true;
			log_info("`%s`.`%s`: its engine has no transactions and the destination "
			    "enforces GTID consistency: its rows are written outside the "
			    "batches, each committing by itself", db, tn);
		}
	}
	noted = false;
	for (uint32_t i = 0; i < st->ncols; i++) {
		if (!old_hires_time(t->cols[i].type, st->cols[i].fsp) ||
		    t->cols[i].meta == st->cols[i].fsp)
			continue;
		if (!binlog_decoder_set_hires(a->dec, r->table_id, i, st->cols[i].fsp)) {
			set_fatal(a, "%s.%s at %s:%" PRIu64 ": column %u (%s) is a %s(%u) "
			    "in MariaDB's pre-10.1 format, but the table map says %u "
			    "fractional digits: the schemas differ", t->db.p, t->table.p,
			    a->file, ev->offset, i + 1, st->cols[i].name,
			    st->cols[i].data_type, st->cols[i].fsp, t->cols[i].meta);
			return false;
		}
		if (!st->hires_noted)
			log_info("%s.%s: column %s is a %s(%u) in MariaDB's pre-10.1 "
			    "format (mysql56_temporal_format=OFF), which the binlog does "
			    "not describe: decoded with the destination's precision, as "
			    "a MariaDB replica does", t->db.p, t->table.p,
			    st->cols[i].name, st->cols[i].data_type, st->cols[i].fsp);
		noted = true;
	}
	if (noted)
		st->hires_noted = true;
	fk = a->cfg->foreign_key_checks && !(r->flags & BINLOG_ROWS_F_NO_FOREIGN_KEY_CHECKS);
	if (fk != a->fk_checks) {
		if (!dest_execf(&a->d, "SET SESSION foreign_key_checks = %d", fk ? 1 : 0)) {
			set_dest_error(a, NULL);
			return false;
		}
		a->fk_checks = fk;
	}
	if (!ensure_vals(a, (size_t)r->ncols * (MAX_MULTI_ROWS + 1)) ||
	    !ensure_binds(a, MAX_PARAMS)) {
		set_fatal(a, "out of memory");
		return false;
	}
	memset(none, 0, sizeof(none));
	usable_columns(a, r, st, r->cols_before, use_before, t->db.p, t->table.p);
	if (r->cols_after)
		usable_columns(a, r, st, r->cols_after, use_after, t->db.p, t->table.p);
	keyed = where_shape(st, use_before, where);

	if (a->in_seam) {
		/*
		 * An after image without every column is made whole from a whole
		 * before image (MariaDB's FULL_NODUP logs only the changed
		 * columns after); without one (MINIMAL, NOBLOB) the row's other
		 * columns are unknown.
		 */
		if (keyed && r->cols_after != NULL && r->kind != BINLOG_ROWS_WRITE &&
		    r->kind != BINLOG_ROWS_PARTIAL_UPDATE && !image_whole(r->cols_after, st, r->ncols) &&
		    !image_whole(r->cols_before, st, r->ncols)) {
			set_fatal(a, "%s.%s at %s:%" PRIu64 ": a row image without every "
			    "column (binlog_row_image is MINIMAL or NOBLOB) inside the "
			    "catch-up after the copy, where rows must be rewritten whole: "
			    "set binlog_row_image = FULL on the source; the changes already "
			    "logged that way cannot be replayed here: start the migration "
			    "again (drop the copied tables and the state schema on the "
			    "destination)", t->db.p, t->table.p, a->file, ev->offset);
			return false;
		}
		if (keyed && !st->overlaps) {
			/* (a table with a key WITHOUT OVERLAPS is copied whole) */
			struct net_table *nt = net_find(a, st);
			if (nt != NULL && nt->n > 0 && !net_flush_table(a, nt)) {
				set_dest_error(a, NULL);
				return false;
			}
			return seam_rows(a, ev, st, use_before, use_after, where);
		}
		const struct state_seam_table *k = seam_keyless(a, t->db.p, t->table.p);
		if (k != NULL && snap_pos_cmp(a->file, ev->offset, k->file, k->pos) < 0)
			return true; /* the table was copied whole after this change */
		/* later changes of a table copied whole: strict, as below */
	}

	if (net_eligible(a, r, st))
		return net_rows(a, ev, st, r->cols_after && r->kind != BINLOG_ROWS_WRITE ?
		    use_after : use_before);
	{
		/* in order: what the batch holds for this table goes first */
		struct net_table *nt = net_find(a, st);
		if (nt != NULL && nt->n > 0 && !net_flush_table(a, nt)) {
			set_dest_error(a, NULL);
			return false;
		}
	}

	if (r->kind == BINLOG_ROWS_WRITE) {
		/* consecutive rows go out as multi-row INSERTs */
		uint32_t per = 0;
		for (uint32_t i = 0; i < st->ncols; i++)
			per += bm_get(use_before, i);
		for (;;) {
			uint32_t n = 0, k = 0;
			uint32_t cap = per ? MAX_PARAMS / per : MAX_MULTI_ROWS;
			struct schema_stmt *s;
			if (cap > MAX_MULTI_ROWS)
				cap = MAX_MULTI_ROWS;
			if (cap == 0)
				cap = 1;
			while (n < cap) {
				after.vals = a->vals + (size_t)n * r->ncols;
				rc = binlog_rows_next(r, &pos, NULL, &after, &err);
				if (rc < 0) {
					set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file,
					    err.offset, err.msg);
					return false;
				}
				if (rc == 0)
					break;
				note_row(a, r, st, NULL, &after);
				n++;
			}
			if (n == 0)
				break;
			/* few statement shapes: see multi_rows() */
			{
				uint32_t pw = 1, done = 0;
				while (done < n) {
					pw = multi_rows(n - done);
					k = 0;
					jx_reset(a);
					for (uint32_t j = 0; j < pw; j++)
						if (!bind_image(a, t, st, use_before,
						    a->vals + (size_t)(done + j) * r->ncols, &k))
							return false;
					s = stmt_get(a, st, SK_INSERT, use_before, none, true, pw,
					    NULL);
					if (s == NULL) {
						set_dest_error(a, NULL);
						return false;
					}
					if (!stmt_run(a, s, t, ev, 0)) {
						set_dest_error(a, NULL);
						return false;
					}
					done += pw;
				}
			}
			pthread_mutex_lock(&a->lock);
			a->stats.rows += n;
			pthread_mutex_unlock(&a->lock);
			if (n < cap)
				break;
		}
		return true;
	}
	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	while ((rc = binlog_rows_next(r, &pos, &before, &after, &err)) == 1) {
		struct schema_stmt *s;
		uint32_t k = 0;
		jx_reset(a);
		note_row(a, r, st, &before, r->kind == BINLOG_ROWS_DELETE ? NULL : &after);
		if (r->kind == BINLOG_ROWS_DELETE) {
			if (!bind_image(a, t, st, where, before.vals, &k))
				return false;
			s = stmt_get(a, st, SK_DELETE, none, where, keyed, 1, NULL);
			if (s == NULL) {
				set_dest_error(a, NULL);
				return false;
			}
		} else {
			uint8_t set[COLS_BM];
			bool any = false;
			memcpy(set, use_after, COLS_BM);
			for (uint32_t i = 0; i < COLS_BM; i++)
				any |= set[i] != 0;
			if (!any)
				continue; /* every changed column is filtered out */
			if (r->kind == BINLOG_ROWS_PARTIAL_UPDATE &&
			    !partial_prepare(a, ev, st, set, &before, &after))
				return false;
			if (!bind_image(a, t, st, set, after.vals, &k) ||
			    !bind_image(a, t, st, where, before.vals, &k))
				return false;
			s = stmt_get(a, st, SK_UPDATE, set, where, keyed, 1,
			    a->jsig.len > 0 ? a->jsig.p : NULL);
			if (s == NULL) {
				set_dest_error(a, NULL);
				return false;
			}
		}
		if (!stmt_run(a, s, t, ev, 1)) {
			set_dest_error(a, NULL);
			return false;
		}
		pthread_mutex_lock(&a->lock);
		a->stats.rows++;
		pthread_mutex_unlock(&a->lock);
	}
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------- the seam */

/* Set the session's foreign_key_checks (a round trip only when it changes). */
bool
set_fk(struct applier *a, bool on)
{
	if (on == a->fk_checks)
		return true;
	if (!dest_execf(&a->d, "SET SESSION foreign_key_checks = %d", on ? 1 : 0))
		return false;
	a->fk_checks = on;
	return true;
}

/*
 * Whether the event at offset of the current file is inside the seam of a
 * snapshot copy (before the highest position a chunk was read at). The
 * first event at or past it ends the seam for good: the migration's phase
 * becomes streaming in the destination transaction that holds it.
 */
bool
seam_at(struct applier *a, uint64_t offset)
{
	if (!a->in_seam)
		return false;
	if (snap_pos_cmp(a->file, offset, a->seam.file, a->seam.pos) < 0)
		return true;
	if (!seam_end(a))
		set_dest_error(a, "recording the end of the catch-up");
	return false;
}

/*
 * The seam is over: record the phase streaming on the destination (in the
 * transaction open there, if any) and replay strictly from now on. False:
 * the destination refused (a->d says why); the seam is over all the same
 * for this pipeline, the next one reads it again.
 */
bool
seam_end(struct applier *a)
{
	a->in_seam = false;
	if (!state_seam_passed(&a->d, a->cfg->state_schema))
		return false;
	log_info("phase: streaming (the stream reached %s:%llu, the last position a chunk "
	    "was read at: replay is strict again)", a->seam.file, a->seam.pos);
	pthread_mutex_lock(&a->lock);
	a->stats.in_seam = false;
	pthread_mutex_unlock(&a->lock);
	/* tables gone from the source during the copy: once the end is committed */
	a->gone_due = true;
	return a->in_trx || seam_gone(a);
}

/*
 * After the seam's end has committed: tables dropped on the source during
 * the copy, before the catch-up's start, are dropped on the destination
 * (src/state.c). Runs once, before any event past the seam's end.
 */
bool
seam_gone(struct applier *a)
{
	if (!a->gone_due)
		return true;
	if (!state_gone_settle_all(&a->d, a->cfg->state_schema))
		return false;
	a->gone_due = false;
	return true;
}

/* A table copied whole (no key): the position it was read at, or NULL. */
const struct state_seam_table *
seam_keyless(const struct applier *a, const char *db, const char *table)
{
	for (unsigned i = 0; i < a->seam.nkeyless; i++)
		if (strcmp(a->seam.keyless[i].db, db) == 0 &&
		    strcmp(a->seam.keyless[i].table, table) == 0)
			return &a->seam.keyless[i];
	return NULL;
}

/* Bind image vals in shape and run a statement of kind; any row count is fine. */
bool
seam_exec(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    enum stmt_kind kind, const uint8_t set[COLS_BM], const struct binlog_value *set_vals,
    const uint8_t where[COLS_BM], const struct binlog_value *where_vals, uint64_t expect)
{
	const struct binlog_table *t = ev->rows.table;
	uint8_t none[COLS_BM];
	struct schema_stmt *s;
	uint32_t k = 0;

	memset(none, 0, sizeof(none));
	jx_reset(a);
	if (set != NULL && !bind_image(a, t, st, set, set_vals, &k))
		return false;
	if (where != NULL && !bind_image(a, t, st, where, where_vals, &k))
		return false;
	s = stmt_get(a, st, kind, set ? set : none, where ? where : none, true, 1,
	    a->jsig.len > 0 ? a->jsig.p : NULL);
	if (s == NULL) {
		set_dest_error(a, NULL);
		return false;
	}
	return stmt_run(a, s, t, ev, expect);
}

/*
 * One row change of a keyed table inside the seam, replayed so that it
 * leaves the row as the source's change did whether or not the copy
 * already holds it, and in any order of the copy's chunks:
 *   insert  REPLACE the after image (foreign key checks off: the copied
 *           rows hold later states; REPLACE's delete cascades nothing)
 *   delete  on a table in a foreign key: REPLACE the before image, then
 *           DELETE with checks on, so that ON DELETE actions happen on the
 *           destination as they did on the source (they are not in the
 *           binlog); elsewhere a DELETE that may find nothing
 *   update  DELETE the before key and REPLACE the after image; on a table
 *           in a foreign key: DELETE the after key, REPLACE the before
 *           image, then the UPDATE with checks on (ON UPDATE actions reach
 *           the children the copy holds), falling back to the former when
 *           a unique key is held by a row the copy has in a later state
 * Every later change of every row is replayed too, so each row ends as
 * the source's at the seam's end.
 */
bool
seam_row(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[COLS_BM], const uint8_t use_after[COLS_BM], const uint8_t where[COLS_BM],
    struct binlog_row *before, struct binlog_row *after)
{
	const struct binlog_rows_event *r = &ev->rows;
	bool fkt = st->has_fk && a->cfg->foreign_key_checks;

	switch (r->kind) {
	case BINLOG_ROWS_WRITE:
		return set_fk(a, false) && seam_exec(a, ev, st, SK_REPLACE, use_before,
		    after->vals, NULL, NULL, UINT64_MAX);
	case BINLOG_ROWS_DELETE:
		if (fkt)
			return set_fk(a, false) && seam_exec(a, ev, st, SK_REPLACE, use_before,
			    before->vals, NULL, NULL, UINT64_MAX) && set_fk(a, true) &&
			    seam_exec(a, ev, st, SK_DELETE, NULL, NULL, where, before->vals, 1);
		return set_fk(a, false) && seam_exec(a, ev, st, SK_DELETE, NULL, NULL, where,
		    before->vals, UINT64_MAX);
	default: {
		uint8_t set[COLS_BM];
		memcpy(set, use_after, COLS_BM);
		if (r->kind == BINLOG_ROWS_PARTIAL_UPDATE) {
			/* the after image holds JSON diffs: apply them to the before image */
			if (!set_fk(a, false) || !seam_exec(a, ev, st, SK_REPLACE, use_before,
			    before->vals, NULL, NULL, UINT64_MAX) ||
			    !partial_prepare(a, ev, st, set, before, after) || !set_fk(a, fkt))
				return false;
			return seam_exec(a, ev, st, SK_UPDATE, set, after->vals, where,
			    before->vals, 1);
		}
		if (!fkt)
			return set_fk(a, false) && seam_exec(a, ev, st, SK_DELETE, NULL, NULL,
			    where, before->vals, UINT64_MAX) && seam_exec(a, ev, st, SK_REPLACE,
			    use_after, after->vals, NULL, NULL, UINT64_MAX);
		/*
		 * In a foreign key: the row under its new key may be in the copy
		 * already (a later state); make room, put the before image back,
		 * and UPDATE with checks on so that ON UPDATE actions reach the
		 * children the copy holds under the old key.
		 */
		if (!set_fk(a, false) || !seam_exec(a, ev, st, SK_DELETE, NULL, NULL, where,
		    after->vals, UINT64_MAX) || !seam_exec(a, ev, st, SK_REPLACE, use_before,
		    before->vals, NULL, NULL, UINT64_MAX) || !set_fk(a, true))
			return false;
		if (seam_exec(a, ev, st, SK_UPDATE, set, after->vals, where, before->vals, 1))
			return true;
		if (a->status == APPLIER_FATAL || (a->d.errnum != ER_DUP_ENTRY &&
		    a->d.errnum != ER_NO_REFERENCED_ROW_2 && a->d.errnum != ER_ROW_IS_REFERENCED_2))
			return false;
		/* a unique key held by a row in a later state, or a parent not there yet */
		log_debug("seam: %s at %s:%" PRIu64 ", trying delete and replace",
		    a->d.err, a->file, ev->offset);
		return set_fk(a, false) && seam_exec(a, ev, st, SK_DELETE, NULL, NULL, where,
		    before->vals, UINT64_MAX) && seam_exec(a, ev, st, SK_REPLACE, use_after,
		    after->vals, NULL, NULL, UINT64_MAX);
	}
	}
}

/* The rows of a keyed table's event inside the seam. */
bool
seam_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[COLS_BM], const uint8_t use_after[COLS_BM], const uint8_t where[COLS_BM])
{
	const struct binlog_rows_event *r = &ev->rows;
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	int rc;

	uint8_t merged[COLS_BM];
	bool merge = r->kind == BINLOG_ROWS_UPDATE && r->cols_after != NULL &&
	    !image_whole(r->cols_after, st, r->ncols);

	if (merge) {
		/* FULL_NODUP: the columns the after image lacks are as before */
		for (uint32_t i = 0; i < COLS_BM; i++)
			merged[i] = use_after[i] | use_before[i];
		use_after = merged;
	}
	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	for (;;) {
		if (r->kind == BINLOG_ROWS_WRITE)
			rc = binlog_rows_next(r, &pos, NULL, &after, &err);
		else
			rc = binlog_rows_next(r, &pos, &before, &after, &err);
		if (rc <= 0)
			break;
		if (merge)
			for (uint32_t i = 0; i < r->ncols; i++)
				if (!bm_get(r->cols_after, i))
					after.vals[i] = before.vals[i];
		note_row(a, r, st, r->kind == BINLOG_ROWS_WRITE ? NULL : &before,
		    r->kind == BINLOG_ROWS_DELETE ? NULL : &after);
		if (!seam_row(a, ev, st, use_before, use_after, where, &before, &after)) {
			if (a->status == APPLIER_RUNNING)
				set_dest_error(a, NULL);
			return false;
		}
		pthread_mutex_lock(&a->lock);
		a->stats.rows++;
		pthread_mutex_unlock(&a->lock);
	}
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	return true;
}
