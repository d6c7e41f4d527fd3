/* verify.c: `myshift verify`: chunk checksums in a source snapshot against the destination held at its position; row diffs; repair. */
#include "src/verify.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "proto/sbuf.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/sequences.h"
#include "src/snapshot.h"
#include "src/statuscli.h"
#include "src/tablekey.h"

#define GROUP_CHUNKS 8      /* chunks compared under one snapshot and hold */
#define HOLD_ROWS 250000    /* rows a held applier waits for at most (about) */
#define HOLD_TRIES 10       /* snapshots taken when the applier was past one */
#define LIST_MAX 100        /* differing rows listed per table */

struct vtable {
	char sdb[200], stbl[200], ddb[200], dtbl[200];
	struct tk_table k;
	struct tk_table kd;      /* k for SQL run on the destination: strings in its collations */
	bool *use;               /* columns compared (not filtered out) */
	char *row_src, *row_dst; /* SHA-256 of a row, on each side (d. prefix on the destination) */
	char *row_crc;           /* CRC32 of a row, for the chunks' sums */
	char *sum_src, *sum_dst; /* SELECT COUNT, two BIT_XOR halves FROM ... */
};

struct verify {
	const struct cfg *c;
	const struct filter *f;
	FILE *out;
	bool repair, held_mode;
	struct dest src, dst;
	struct snapshot_coord co;
	bool co_ok;
	uint64_t tables, rows, chunks, missing, extra, different, repaired;
	char err[2048];
};

static bool
fail(struct verify *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool
fail(struct verify *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	return false;
}

/*
 * The expression a column is hashed by, the same text on both servers:
 * strings as their bytes (CAST AS BINARY: no charset conversion between
 * columns) after their length, so that no separator inside a value can
 * make two rows alike; FLOAT as DOUBLE (exact), BIT as a number.
 */
static void
add_col_expr(struct sbuf *q, const struct tk_col *c, const char *alias)
{
	const char *a = alias ? alias : "", *dot = alias ? "." : "";

	if (c->kind == TK_STR || c->kind == TK_BIN) {
		sbuf_printf(q, "LENGTH(%s%s", a, dot);
		dest_quote(q, c->name);
		sbuf_printf(q, "), CAST(%s%s", a, dot);
		dest_quote(q, c->name);
		sbuf_adds(q, " AS BINARY)");
		return;
	}
	if (c->is_float)
		sbuf_adds(q, "CAST(");
	sbuf_printf(q, "%s%s", a, dot);
	dest_quote(q, c->name);
	if (c->is_float)
		sbuf_adds(q, " AS DOUBLE)");
	else if (c->bit)
		sbuf_adds(q, " + 0");
}

/* CONCAT_WS('#', cols..., the NULL pattern): a row as one text, the same on both sides. */
static void
add_row_text(struct sbuf *q, const struct vtable *t, const char *alias)
{
	sbuf_adds(q, "CONCAT_WS('#'");
	for (unsigned i = 0; i < t->k.ncols; i++) {
		if (!t->use[i])
			continue;
		sbuf_adds(q, ", ");
		add_col_expr(q, &t->k.cols[i], alias);
	}
	sbuf_adds(q, ", CONCAT(''");
	for (unsigned i = 0; i < t->k.ncols; i++) {
		if (!t->use[i])
			continue;
		sbuf_adds(q, ", ISNULL(");
		if (alias)
			sbuf_printf(q, "%s.", alias);
		dest_quote(q, t->k.cols[i].name);
		sbuf_addc(q, ')');
	}
	sbuf_adds(q, "))");
}

static bool
table_prepare(struct verify *v, struct vtable *t)
{
	struct sbuf a = { 0 }, b = { 0 }, c = { 0 };
	bool fatal;

	if (!tk_load(&v->src, t->sdb, t->stbl, &t->k, v->err, sizeof(v->err), &fatal))
		return false;
	t->use = calloc(t->k.ncols + 1, sizeof(*t->use));
	if (t->use == NULL)
		return fail(v, "out of memory");
	/*
	 * On the destination, literals of strings carry no COLLATE: the
	 * source's collation may not exist there (collation_map), and the
	 * column's own is the one its rows were compared and ordered by.
	 */
	t->kd = t->k;
	t->kd.cols = malloc((t->k.ncols + 1) * sizeof(*t->kd.cols));
	if (t->kd.cols == NULL)
		return fail(v, "out of memory");
	memcpy(t->kd.cols, t->k.cols, t->k.ncols * sizeof(*t->kd.cols));
	for (unsigned i = 0; i < t->k.ncols; i++)
		if (t->kd.cols[i].kind == TK_STR)
			t->kd.cols[i].collation = (char *)"";
	for (unsigned i = 0; i < t->k.ncols; i++)
		t->use[i] = !filter_column(v->f, t->sdb, t->stbl, t->k.cols[i].name);
	/* row by row: SHA-256 (MySQL 9.7 has neither MD5 nor SHA1); chunks: CRC32s */
	sbuf_adds(&a, "SHA2(");
	add_row_text(&a, t, NULL);
	sbuf_adds(&a, ", 256)");
	sbuf_adds(&b, "SHA2(");
	add_row_text(&b, t, "d");
	sbuf_adds(&b, ", 256)");
	sbuf_adds(&c, "CRC32(");
	add_row_text(&c, t, NULL);
	sbuf_addc(&c, ')');
	sbuf_addc(&a, '\0');
	sbuf_addc(&b, '\0');
	sbuf_addc(&c, '\0');
	if (a.oom || b.oom || c.oom) {
		sbuf_free(&a);
		sbuf_free(&b);
		sbuf_free(&c);
		return fail(v, "out of memory");
	}
	t->row_src = a.p;
	t->row_dst = b.p;
	t->row_crc = c.p;
	return true;
}

static void
table_free(struct vtable *t)
{
	free(t->kd.cols); /* the rest is k's */
	tk_free(&t->k);
	free(t->use);
	free(t->row_src);
	free(t->row_dst);
	free(t->row_crc);
}

/*
 * COUNT and BIT_XOR of the rows' CRC32s over one range of db.tbl, as
 * pt-table-checksum sums (each row's text is built once: a second
 * aggregate of it costs a second pass of CONCAT_WS); a chunk that differs
 * is then compared row by row with SHA-256.  False with err.
 */
static bool
chunk_sum(struct dest *d, const struct vtable *t, bool dst, const char *lo, const char *hi,
    char out[128], char *err, size_t errlen)
{
	const char *db = dst ? t->ddb : t->sdb, *tbl = dst ? t->dtbl : t->stbl;
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;

	sbuf_printf(&q, "SELECT COUNT(*), BIT_XOR(%s), 0 FROM ", t->row_crc);
	tk_add_ident(&q, db, tbl);
	if (!tk_add_range(&q, dst ? &t->kd : &t->k, lo, hi)) {
		sbuf_free(&q);
		snprintf(err, errlen, "`%s`.`%s`: a bad chunk bound", db, tbl);
		return false;
	}
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	row = mysql_fetch_row(res);
	snprintf(out, 128, "%s/%s/%s", row && row[0] ? row[0] : "0",
	    row && row[1] ? row[1] : "-", row && row[2] ? row[2] : "-");
	mysql_free_result(res);
	return true;
}

/* The destination's sums of a group, on a thread of their own. */
struct dsums {
	struct verify *v;
	const struct vtable *t;
	char **bounds;
	unsigned from, n, nb;
	char sum[GROUP_CHUNKS][128];
	bool ok;
	char err[1024];
};

static void *
dsums_main(void *arg)
{
	struct dsums *g = arg;

	g->ok = true;
	for (unsigned i = 0; i < g->n && g->ok; i++) {
		unsigned c = g->from + i;
		g->ok = chunk_sum(&g->v->dst, g->t, true,
		    c ? g->bounds[c - 1] : NULL, c < g->nb ? g->bounds[c] : NULL, g->sum[i],
		    g->err, sizeof(g->err));
	}
	return NULL;
}

/*
 * Ask the running myshift to hold at pos (NULL: wherever it is, before a
 * snapshot is taken: it then moves on to the snapshot's position, which
 * it cannot have passed); true once held there.
 */
static bool
hold(struct verify *v, const struct snap_pos *pos, bool *passed)
{
	struct sbuf body = { 0 }, path = { 0 };
	int code = 0;
	time_t t0 = time(NULL);
	bool ok = false;

	*passed = false;
	if (pos != NULL)
		sbuf_printf(&path, "/hold?file=%s&pos=%" PRIu64 "&timeout=120", pos->file,
		    pos->pos);
	else
		sbuf_adds(&path, "/hold?timeout=120");
	sbuf_addc(&path, '\0');
	if (path.oom || !statuscli_http(v->c->status_listen, "POST", path.p, &body, &code,
	    v->err, sizeof(v->err))) {
		sbuf_free(&path);
		sbuf_free(&body);
		return false;
	}
	sbuf_free(&path);
	for (;;) {
		sbuf_addc(&body, '\0');
		if (code == 409 || (body.p && strstr(body.p, "\"hold\": \"passed\""))) {
			log_debug("verify: hold at %s:%" PRIu64 ": %s", pos ? pos->file : "-",
			    pos ? pos->pos : 0, body.p);
			*passed = true;
			break;
		}
		if (code != 200) {
			fail(v, "%s: POST /hold: HTTP %d %s", v->c->status_listen, code,
			    body.p ? body.p : "");
			break;
		}
		if (strstr(body.p, "\"hold\": \"held\"") != NULL) {
			ok = true;
			break;
		}
		if (strstr(body.p, "\"hold\": \"expired\"") || strstr(body.p, "\"hold\": \"none\"")) {
			*passed = true; /* released by someone else: try again */
			break;
		}
		if (time(NULL) - t0 > 120) {
			fail(v, "myshift did not reach %s:%" PRIu64 " within 120 s (is it "
			    "streaming? its lag?)", pos ? pos->file : "a pause", pos ? pos->pos : 0);
			break;
		}
		usleep(20000);
		sbuf_reset(&body);
		if (!statuscli_http(v->c->status_listen, "GET", "/status", &body, &code,
		    v->err, sizeof(v->err)))
			break;
	}
	sbuf_free(&body);
	return ok;
}

static void
release(struct verify *v)
{
	struct sbuf body = { 0 };
	int code = 0;
	char err[256];

	if (!statuscli_http(v->c->status_listen, "POST", "/release", &body, &code, err,
	    sizeof(err)))
		log_warn("verify: releasing the hold: %s", err);
	sbuf_free(&body);
}

/* A row's key, for people: `k`='v', ... (binary as X'..'). */
static void
add_key_display(struct sbuf *q, const struct vtable *t, const char *alias)
{
	sbuf_adds(q, "CONCAT_WS(', '");
	for (unsigned k = 0; k < t->k.nkey; k++) {
		const struct tk_col *c = &t->k.cols[t->k.key[k]];
		struct sbuf n = { 0 };
		dest_quote(&n, c->name);
		sbuf_addc(&n, '\0');
		sbuf_adds(q, ", CONCAT(");
		sbuf_sql_string(q, n.p ? n.p : "?");
		sbuf_adds(q, ", '=', ");
		if (c->bit) {
			/* a number: BIT's bytes are no text (MySQL refuses to convert them) */
			sbuf_printf(q, "CAST(%s.", alias);
			dest_quote(q, c->name);
			sbuf_adds(q, " + 0 AS CHAR))");
			sbuf_free(&n);
			continue;
		}
		if (c->kind == TK_BIN)
			sbuf_printf(q, "CONCAT('X''', HEX(%s.", alias);
		else
			sbuf_printf(q, "QUOTE(%s.", alias);
		dest_quote(q, c->name);
		sbuf_adds(q, c->kind == TK_BIN ? "), ''''))" : "))");
		sbuf_free(&n);
	}
	sbuf_addc(q, ')');
}

/* The key's bound expressions with a table alias (as tk bound_exprs reads them). */
static void
add_key_values(struct sbuf *q, const struct vtable *t, const char *alias)
{
	for (unsigned k = 0; k < t->k.nkey; k++) {
		const struct tk_col *c = &t->k.cols[t->k.key[k]];
		if (k)
			sbuf_adds(q, ", ");
		if (c->kind == TK_STR || c->kind == TK_BIN)
			sbuf_printf(q, "HEX(%s.", alias);
		else
			sbuf_printf(q, "%s.", alias);
		dest_quote(q, c->name);
		if (c->kind == TK_STR || c->kind == TK_BIN)
			sbuf_addc(q, ')');
		else if (c->kind == TK_INDEX)
			sbuf_adds(q, " + 0");
	}
}

/* key = literals (values as add_key_values reads them), prefixed by alias; dst: kd's. */
static void
add_key_match(struct sbuf *q, const struct vtable *t, bool dst, const char *alias,
    MYSQL_ROW vals)
{
	for (unsigned k = 0; k < t->k.nkey; k++) {
		const struct tk_col *c = &(dst ? &t->kd : &t->k)->cols[t->k.key[k]];
		if (k)
			sbuf_adds(q, " AND ");
		if (alias)
			sbuf_printf(q, "%s.", alias);
		dest_quote(q, c->name);
		sbuf_adds(q, " = ");
		tk_add_literal(q, c, vals[k]);
	}
}

/*
 * Write on the destination, times over, the source snapshot's row that
 * matches cond (SQL on the source's columns): verb REPLACE (a row with a
 * key) or INSERT (copies of a row without one).  Nothing when the source
 * has no such row any more.
 */
static bool
write_from_source(struct verify *v, const struct vtable *t, const char *cond, const char *verb,
    uint64_t times)
{
	struct sbuf q = { 0 }, vals = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	size_t head;
	bool first = true, ok;

	sbuf_adds(&q, "SELECT ");
	for (unsigned i = 0; i < t->k.ncols; i++) {
		const struct tk_col *c = &t->k.cols[i];
		if (!t->use[i] || c->generated)
			continue;
		if (!first)
			sbuf_adds(&q, ", ");
		first = false;
		if (c->kind == TK_STR || c->kind == TK_BIN || c->json) {
			sbuf_adds(&q, "HEX(");
			dest_quote(&q, c->name);
			sbuf_addc(&q, ')');
		} else if (c->kind == TK_INDEX) {
			dest_quote(&q, c->name);
			sbuf_adds(&q, " + 0");
		} else
			add_col_expr(&q, c, NULL);
	}
	sbuf_adds(&q, " FROM ");
	tk_add_ident(&q, t->sdb, t->stbl);
	sbuf_printf(&q, " WHERE %s LIMIT 1", cond);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&v->src, q.p);
	sbuf_reset(&q);
	if (res == NULL) {
		sbuf_free(&q);
		return fail(v, "%s", v->src.err);
	}
	row = mysql_fetch_row(res);
	if (row == NULL) {
		mysql_free_result(res);
		sbuf_free(&q);
		return true; /* gone from the source's snapshot: nothing to write */
	}
	/* the row's values, once */
	sbuf_addc(&vals, '(');
	first = true;
	for (unsigned i = 0, f = 0; i < t->k.ncols; i++) {
		const struct tk_col *c = &t->k.cols[i];
		if (!t->use[i] || c->generated)
			continue;
		if (!first)
			sbuf_adds(&vals, ", ");
		first = false;
		if (row[f] == NULL)
			sbuf_adds(&vals, "NULL");
		else if (c->json)
			sbuf_printf(&vals, "CONVERT(X'%s' USING utf8mb4)", row[f]);
		else
			tk_add_literal(&vals, &t->kd.cols[i], row[f]);
		f++;
	}
	sbuf_addc(&vals, ')');
	mysql_free_result(res);
	sbuf_printf(&q, "%s INTO ", verb);
	tk_add_ident(&q, t->ddb, t->dtbl);
	sbuf_adds(&q, " (");
	first = true;
	for (unsigned i = 0; i < t->k.ncols; i++) {
		if (!t->use[i] || t->k.cols[i].generated)
			continue;
		if (!first)
			sbuf_adds(&q, ", ");
		first = false;
		dest_quote(&q, t->k.cols[i].name);
	}
	sbuf_adds(&q, ") VALUES ");
	/* many copies: statements of at most 1000 rows (max_allowed_packet) */
	head = q.len;
	ok = !vals.oom;
	for (uint64_t done = 0; ok && done < times; ) {
		uint64_t n = times - done < 1000 ? times - done : 1000;
		q.len = head;
		for (uint64_t k = 0; k < n; k++) {
			if (k)
				sbuf_adds(&q, ", ");
			sbuf_add(&q, vals.p, vals.len);
		}
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_exec(&v->dst, q.p);
		done += n;
	}
	if (!ok && (q.oom || vals.oom))
		snprintf(v->dst.err, sizeof(v->dst.err), "out of memory");
	sbuf_free(&q);
	sbuf_free(&vals);
	return ok ? true : fail(v, "%s", v->dst.err);
}

/* Rewrite one row on the destination from the source's snapshot (or delete it). */
static bool
repair_row(struct verify *v, const struct vtable *t, MYSQL_ROW key, bool extra)
{
	struct sbuf q = { 0 };
	bool ok;

	if (extra) {
		sbuf_adds(&q, "DELETE FROM ");
		tk_add_ident(&q, t->ddb, t->dtbl);
		sbuf_adds(&q, " WHERE ");
		add_key_match(&q, t, true, NULL, key);
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_exec(&v->dst, q.p);
		sbuf_free(&q);
		return ok ? true : fail(v, "%s", v->dst.err);
	}
	add_key_match(&q, t, false, NULL, key);
	sbuf_addc(&q, '\0');
	ok = q.oom ? fail(v, "out of memory") : write_from_source(v, t, q.p, "REPLACE", 1);
	sbuf_free(&q);
	return ok;
}

/*
 * Whether the source's snapshot has a row of this key (values as
 * add_key_values reads them).  A destination row of a chunk's range that
 * the source's rows of the chunk lack is extra only if so: under
 * [apply] collation_map the destination orders string keys by another
 * collation, so its range can take in a row that the source orders into
 * the next chunk, where it is compared.
 */
static bool
source_has_key(struct verify *v, const struct vtable *t, MYSQL_ROW key, bool *has)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;

	sbuf_adds(&q, "SELECT 1 FROM ");
	tk_add_ident(&q, t->sdb, t->stbl);
	sbuf_adds(&q, " WHERE ");
	add_key_match(&q, t, false, NULL, key);
	sbuf_adds(&q, " LIMIT 1");
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(&v->src, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return fail(v, "%s", v->src.err[0] ? v->src.err : "out of memory");
	*has = mysql_fetch_row(res) != NULL;
	mysql_free_result(res);
	return true;
}

/*
 * A table without a key: rows are told apart by their whole content.
 * Repaired by content too: a row the destination has too few copies of
 * is copied from the source's snapshot as many times as are missing;
 * one it has too many of loses the copies in excess (DELETE ... LIMIT).
 */
static bool
repair_keyless(struct verify *v, const struct vtable *t, const char *h, int64_t d)
{
	struct sbuf q = { 0 };
	bool ok;

	sbuf_printf(&q, "%s = '%s'", t->row_src, h);
	sbuf_addc(&q, '\0');
	if (q.oom) {
		sbuf_free(&q);
		return fail(v, "out of memory");
	}
	if (d > 0) {
		ok = write_from_source(v, t, q.p, "INSERT", (uint64_t)d);
		sbuf_free(&q);
		return ok;
	}
	{
		struct sbuf del = { 0 };
		sbuf_adds(&del, "DELETE FROM ");
		tk_add_ident(&del, t->ddb, t->dtbl);
		sbuf_printf(&del, " WHERE %s LIMIT %" PRId64, q.p, -d);
		sbuf_addc(&del, '\0');
		ok = !del.oom && dest_exec(&v->dst, del.p);
		sbuf_free(&del);
	}
	sbuf_free(&q);
	return ok ? true : fail(v, "%s", v->dst.err);
}

/*
 * Row by row, on the destination server: the source chunk's keys and row
 * hashes go into a temporary table there, joined with the table.
 */
static bool
drill(struct verify *v, struct vtable *t, const char *lo, const char *hi, uint64_t *listed)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res, *src;
	MYSQL_ROW row;
	unsigned n = 0;
	bool ok = true;

	/* the temporary table, in the table's database: its key columns, and h */
	if (mysql_select_db(v->dst.my, t->ddb) != 0)
		return fail(v, "%s: USE `%s`: %s", v->dst.where, t->ddb, mysql_error(v->dst.my));
	if (!dest_exec(&v->dst, "DROP TEMPORARY TABLE IF EXISTS myshift_verify"))
		return fail(v, "%s", v->dst.err);
	sbuf_adds(&q, "CREATE TEMPORARY TABLE myshift_verify ENGINE=InnoDB SELECT ");
	for (unsigned k = 0; k < t->k.nkey; k++) {
		if (k)
			sbuf_adds(&q, ", ");
		dest_quote(&q, t->k.cols[t->k.key[k]].name);
	}
	sbuf_adds(&q, ", CAST('' AS CHAR(64)) AS h FROM ");
	tk_add_ident(&q, t->ddb, t->dtbl);
	sbuf_adds(&q, " LIMIT 0");
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_exec(&v->dst, q.p)) {
		sbuf_free(&q);
		return fail(v, "%s", v->dst.err);
	}
	/* the source's rows of the chunk, from the snapshot */
	sbuf_reset(&q);
	sbuf_adds(&q, "SELECT ");
	add_key_values(&q, t, "s");
	sbuf_printf(&q, ", %s FROM ", t->row_src);
	tk_add_ident(&q, t->sdb, t->stbl);
	sbuf_adds(&q, " AS s");
	if (!tk_add_range(&q, &t->k, lo, hi))
		ok = false;
	sbuf_addc(&q, '\0');
	src = ok && !q.oom ? dest_result(&v->src, q.p) : NULL;
	sbuf_free(&q);
	if (src == NULL)
		return fail(v, "%s", v->src.err[0] ? v->src.err : "a bad chunk bound");
	while (ok && (row = mysql_fetch_row(src)) != NULL) {
		if (n == 0) {
			sbuf_reset(&q);
			sbuf_adds(&q, "INSERT INTO myshift_verify VALUES ");
		} else
			sbuf_addc(&q, ',');
		sbuf_addc(&q, '(');
		for (unsigned k = 0; k < t->k.nkey; k++) {
			if (k)
				sbuf_addc(&q, ',');
			tk_add_literal(&q, &t->kd.cols[t->k.key[k]], row[k]);
		}
		sbuf_printf(&q, ", '%s')", row[t->k.nkey]);
		if (++n == 500) {
			sbuf_addc(&q, '\0');
			ok = !q.oom && dest_exec(&v->dst, q.p);
			n = 0;
		}
	}
	mysql_free_result(src);
	if (ok && n > 0) {
		sbuf_addc(&q, '\0');
		ok = !q.oom && dest_exec(&v->dst, q.p);
	}
	if (!ok) {
		sbuf_free(&q);
		return fail(v, "%s", v->dst.err);
	}
	/*
	 * Missing (0) and different (1), then extra (2): two statements, as
	 * MySQL cannot open a temporary table twice in one.
	 */
	for (int pass = 0; pass < 2 && ok; pass++) {
		sbuf_reset(&q);
		sbuf_adds(&q, "SELECT ");
		add_key_values(&q, t, pass ? "d" : "v");
		sbuf_adds(&q, ", ");
		add_key_display(&q, t, pass ? "d" : "v");
		if (pass == 0) {
			sbuf_adds(&q, ", IF(d.");
			dest_quote(&q, t->k.cols[t->k.key[0]].name);
			sbuf_adds(&q, " IS NULL, 0, 1) FROM myshift_verify AS v LEFT JOIN ");
			tk_add_ident(&q, t->ddb, t->dtbl);
			sbuf_adds(&q, " AS d ON ");
		} else {
			sbuf_adds(&q, ", 2 FROM ");
			tk_add_ident(&q, t->ddb, t->dtbl);
			sbuf_adds(&q, " AS d");
			if (!tk_add_range(&q, &t->kd, lo, hi))
				ok = false;
			sbuf_adds(&q, lo || hi ? " AND" : " WHERE");
			sbuf_adds(&q, " NOT EXISTS (SELECT 1 FROM myshift_verify AS v WHERE ");
		}
		for (unsigned k = 0; k < t->k.nkey; k++) {
			if (k)
				sbuf_adds(&q, " AND ");
			sbuf_adds(&q, "d.");
			dest_quote(&q, t->k.cols[t->k.key[k]].name);
			sbuf_adds(&q, " = v.");
			dest_quote(&q, t->k.cols[t->k.key[k]].name);
		}
		if (pass == 0) {
			sbuf_adds(&q, " WHERE d.");
			dest_quote(&q, t->k.cols[t->k.key[0]].name);
			sbuf_printf(&q, " IS NULL OR v.h <> %s", t->row_dst);
		} else
			sbuf_addc(&q, ')');
		sbuf_addc(&q, '\0');
		res = ok && !q.oom ? dest_result(&v->dst, q.p) : NULL;
		if (res == NULL) {
			sbuf_free(&q);
			return fail(v, "%s", v->dst.err);
		}
		while (ok && (row = mysql_fetch_row(res)) != NULL) {
			int what = atoi(row[t->k.nkey + 1]);
			static const char *const names[] = { "missing", "different", "extra" };
			bool has = false;
			if (what == 2) {
				if (!source_has_key(v, t, row, &has)) {
					ok = false;
					break;
				}
				if (has)
					continue;
			}
			if (what == 0)
				v->missing++;
			else if (what == 1)
				v->different++;
			else
				v->extra++;
			if ((*listed)++ < LIST_MAX)
				fprintf(v->out, "  %s `%s`.`%s` %s%s\n", names[what], t->ddb,
				    t->dtbl, row[t->k.nkey], v->repair ? " (repaired)" : "");
			else if (*listed == LIST_MAX + 1)
				fprintf(v->out, "  ... (more rows differ; only %d are listed)\n",
				    LIST_MAX);
			if (v->repair) {
				ok = repair_row(v, t, row, what == 2);
				v->repaired += ok;
			}
		}
		mysql_free_result(res);
	}
	sbuf_free(&q);
	if (!dest_exec(&v->dst, "DROP TEMPORARY TABLE IF EXISTS myshift_verify"))
		log_debug("verify: %s", v->dst.err);
	return ok;
}

/*
 * Keyless: the table as one chunk, its rows as a multiset of hashes on each
 * side; the differences are counted (rows have no key to name them by).
 */
static bool
drill_keyless(struct verify *v, struct vtable *t)
{
	struct sbuf q = { 0 };
	MYSQL_RES *a, *b;
	MYSQL_ROW ra, rb;
	int64_t diff = 0;
	bool ok = true;

	sbuf_printf(&q, "SELECT h, COUNT(*) FROM (SELECT %s AS h FROM ", t->row_src);
	tk_add_ident(&q, t->sdb, t->stbl);
	sbuf_adds(&q, ") AS x GROUP BY h ORDER BY h");
	sbuf_addc(&q, '\0');
	a = q.oom ? NULL : dest_result(&v->src, q.p);
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT h, COUNT(*) FROM (SELECT %s AS h FROM ", t->row_src);
	tk_add_ident(&q, t->ddb, t->dtbl);
	sbuf_adds(&q, ") AS x GROUP BY h ORDER BY h");
	sbuf_addc(&q, '\0');
	b = a && !q.oom ? dest_result(&v->dst, q.p) : NULL;
	sbuf_free(&q);
	if (a == NULL || b == NULL) {
		if (a)
			mysql_free_result(a);
		return fail(v, "%s", a ? v->dst.err : v->src.err);
	}
	ra = mysql_fetch_row(a);
	rb = mysql_fetch_row(b);
	/* both ordered by the hex hash (ASCII): a merge in the client is exact */
	while (ok && (ra || rb)) {
		int c = !ra ? 1 : !rb ? -1 : strcmp(ra[0], rb[0]);
		int64_t d;
		const char *h = c <= 0 ? ra[0] : rb[0];
		if (c == 0)
			d = strtoll(ra[1], NULL, 10) - strtoll(rb[1], NULL, 10);
		else if (c < 0)
			d = strtoll(ra[1], NULL, 10);
		else
			d = -strtoll(rb[1], NULL, 10);
		if (d > 0)
			v->missing += (uint64_t)d;
		else
			v->extra += (uint64_t)-d;
		diff += d != 0;
		if (d != 0 && v->repair) {
			ok = repair_keyless(v, t, h, d);
			v->repaired += ok ? (uint64_t)(d > 0 ? d : -d) : 0;
		}
		if (c <= 0)
			ra = mysql_fetch_row(a);
		if (c >= 0)
			rb = mysql_fetch_row(b);
	}
	mysql_free_result(a);
	mysql_free_result(b);
	if (ok)
		fprintf(v->out, "  `%s`.`%s` has no key: %" PRId64 " distinct rows differ in "
		    "number%s\n", t->ddb, t->dtbl, diff, !v->repair ? "" :
		    " (repaired by content: missing copies inserted, extra ones deleted)");
	return ok;
}

/*
 * Compare chunks from..from+n of t: the source's in one snapshot, the
 * destination's with the running myshift held at exactly its position,
 * both sides summed at once; *again when myshift was past it already.
 */
static bool
compare_group(struct verify *v, struct vtable *t, char **bounds, unsigned from, unsigned n,
    unsigned nb, bool *again, uint64_t *listed)
{
	struct snap_pos pos = { 0 };
	char ssum[GROUP_CHUNKS][128];
	struct dsums g;
	pthread_t th;
	bool ok = true, held = false, passed = false, started = false;

	*again = false;
	/* paused first, so that it cannot pass the snapshot's position */
	if (v->held_mode && !hold(v, NULL, &passed)) {
		*again = passed;
		return *again;
	}
	if (!snapshot_open(&v->co, &v->src, &pos, v->err, sizeof(v->err))) {
		if (v->held_mode)
			release(v);
		return false;
	}
	if (v->held_mode) {
		held = hold(v, &pos, &passed);
		if (!held) {
			ok = false;
			*again = passed;
			release(v); /* the pause */
		}
	}
	memset(&g, 0, sizeof(g));
	g.v = v;
	g.t = t;
	g.bounds = bounds;
	g.from = from;
	g.n = n;
	g.nb = nb;
	if (ok) {
		started = pthread_create(&th, NULL, dsums_main, &g) == 0;
		if (!started)
			dsums_main(&g);
	}
	for (unsigned i = 0; i < n && ok; i++) {
		unsigned c = from + i;
		ok = chunk_sum(&v->src, t, false, c ? bounds[c - 1] : NULL,
		    c < nb ? bounds[c] : NULL, ssum[i], v->err, sizeof(v->err));
	}
	if (started)
		pthread_join(th, NULL);
	if (ok && !g.ok && !*again)
		ok = fail(v, "%s", g.err);
	for (unsigned i = 0; i < n && ok && g.ok; i++) {
		unsigned c = from + i;
		const char *lo = c ? bounds[c - 1] : NULL, *hi = c < nb ? bounds[c] : NULL;
		v->chunks++;
		v->rows += strtoull(ssum[i], NULL, 10);
		if (strcmp(ssum[i], g.sum[i]) == 0)
			continue;
		ok = t->k.nkey > 0 ? drill(v, t, lo, hi, listed) : drill_keyless(v, t);
	}
	if (held)
		release(v);
	if (!dest_exec(&v->src, "COMMIT"))
		log_debug("verify: %s", v->src.err);
	snap_pos_free(&pos);
	return ok || *again;
}

/*
 * A key of one integer column: bounds spaced by value from MIN to MAX, so
 * that each range holds about chunk_rows rows if the keys are dense (the
 * table's row estimate says how dense), found without reading the table;
 * a range of other keys is computed by the server, which reads every key
 * once for it.  Ranges partition the key's values whatever the rows are.
 * False (nothing done) when this does not apply; *ok false on an error.
 */
static bool
int_bounds(struct verify *v, struct vtable *t, char ***out, unsigned *nout, bool *ok)
{
	long long lo, hi, est, step, n;
	char **b;
	int span = tk_int_span(&v->src, t->sdb, t->stbl, &t->k, &lo, &hi, &est);

	if (span < 0) {
		*ok = fail(v, "%s", v->src.err);
		return true;
	}
	if (span == 0)
		return false; /* not an integer key, empty, or too wide: the server's bounds */
	/* small, or an estimate not to be trusted (0 after a bulk load): the server's bounds */
	if (est < v->c->verify_chunk_rows)
		return false;
	step = (long long)((long double)(hi - lo + 1) * v->c->verify_chunk_rows / (long double)est);
	if (step < v->c->verify_chunk_rows / 4 + 1)
		step = v->c->verify_chunk_rows / 4 + 1;
	n = (hi - lo) / step;
	if (n > 1000000)
		return false;
	b = calloc((size_t)n + 1, sizeof(*b));
	if (b == NULL) {
		*ok = fail(v, "out of memory");
		return true;
	}
	for (long long i = 0; i < n; i++) {
		char num[32];
		snprintf(num, sizeof(num), "%lld", lo + (i + 1) * step);
		if ((b[i] = strdup(num)) == NULL) {
			for (long long j = 0; j < i; j++)
				free(b[j]);
			free(b);
			*ok = fail(v, "out of memory");
			return true;
		}
	}
	*out = b;
	*nout = (unsigned)n;
	return true;
}

static bool
verify_table(struct verify *v, struct vtable *t)
{
	char **bounds = NULL, *lo = NULL, *next;
	unsigned nb = 0, cap = 0;
	uint64_t before = v->missing + v->extra + v->different, listed = 0, rows0 = v->rows;
	bool ok = true;

	if (!table_prepare(v, t))
		return false;
	/* the chunks' bounds: by value for an integer key, else computed by the source */
	if (int_bounds(v, t, &bounds, &nb, &ok))
		goto compare;
	while (ok && t->k.nkey > 0) {
		if (!tk_next_bound(&v->src, t->sdb, t->stbl, &t->k, lo, v->c->verify_chunk_rows,
		    &next, v->err, sizeof(v->err))) {
			ok = false;
			break;
		}
		if (next == NULL)
			break;
		if (nb == cap) {
			char **nbnd = realloc(bounds, (cap = cap ? cap * 2 : 64) * sizeof(*bounds));
			if (nbnd == NULL) {
				free(next);
				ok = fail(v, "out of memory");
				break;
			}
			bounds = nbnd;
		}
		bounds[nb++] = next;
		lo = next;
	}
compare:
	for (unsigned c = 0; ok && c <= nb; ) {
		/* a held applier waits for the group: keep it short */
		unsigned max = v->held_mode ? HOLD_ROWS / (unsigned)v->c->verify_chunk_rows : GROUP_CHUNKS;
		unsigned n;
		if (max < 1)
			max = 1;
		if (max > GROUP_CHUNKS)
			max = GROUP_CHUNKS;
		n = nb + 1 - c < max ? nb + 1 - c : max;
		bool again = false;
		unsigned tries = 0;
		do {
			ok = compare_group(v, t, bounds, c, n, nb, &again, &listed);
		} while (ok && again && ++tries < HOLD_TRIES);
		if (ok && again)
			ok = fail(v, "myshift was past the source's snapshot %u times: is "
			    "another verify holding it?", HOLD_TRIES);
		c += n;
	}
	for (unsigned i = 0; i < nb; i++)
		free(bounds[i]);
	free(bounds);
	if (ok) {
		uint64_t d = v->missing + v->extra + v->different - before;
		if (d == 0)
			fprintf(v->out, "`%s`.`%s`: identical (%" PRIu64 " rows)\n", t->sdb, t->stbl,
			    v->rows - rows0);
		else
			fprintf(v->out, "`%s`.`%s`: %" PRIu64 " rows differ%s\n", t->sdb, t->stbl, d,
			    v->repair ? " (repaired)" : "");
		fflush(v->out);
	}
	return ok;
}

static bool
session(struct verify *v)
{
	/* same text on both sides: UTC for TIMESTAMP, no trigger of ours fires on repairs */
	if (!dest_exec(&v->src, "SET SESSION time_zone = '+00:00', group_concat_max_len = 1073741824"))
		return fail(v, "%s", v->src.err);
	if (!dest_exec(&v->dst, "SET SESSION time_zone = '+00:00', foreign_key_checks = 0, "
	    "sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', @myshift_session = 1"))
		return fail(v, "%s", v->dst.err);
	return true;
}

int
verify_run(const struct cfg *c, const struct filter *f, bool repair, FILE *out)
{
	struct verify v;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	bool ok = false;
	int rc;

	memset(&v, 0, sizeof(v));
	v.c = c;
	v.f = f;
	v.out = out;
	v.repair = repair;
	if (!dest_connect(&v.src, &c->source, "source")) {
		fprintf(stderr, "myshift: verify: %s\n", v.src.err);
		return VERIFY_ERROR;
	}
	if (!dest_connect(&v.dst, &c->destination, "destination")) {
		fprintf(stderr, "myshift: verify: %s\n", v.dst.err);
		dest_close(&v.src);
		return VERIFY_ERROR;
	}
	if (!session(&v))
		goto out;
	if (!snapshot_coord_init(&v.co, &c->source, dest_is_mariadb(&v.src), v.err, sizeof(v.err)))
		goto out;
	v.co_ok = true;
	/* the running myshift holds its applier while the destination is read */
	if (c->status_listen && c->status_listen[0]) {
		struct sbuf body = { 0 };
		int code = 0;
		char err[512];
		if (statuscli_http(c->status_listen, "GET", "/status", &body, &code, err,
		    sizeof(err)) && code == 200) {
			sbuf_addc(&body, '\0');
			v.held_mode = strstr(body.p, "\"hold\":") != NULL;
			if (!v.held_mode)
				fprintf(out, "note: myshift is still migrating (no stream to hold yet): "
				    "comparing the destination as it is\n");
		} else
			fprintf(out, "note: no myshift answers on %s: comparing the destination as "
			    "it is (changes not applied yet show as differences)\n",
			    c->status_listen);
		sbuf_free(&body);
	} else
		fprintf(out, "note: [status] listen is not set: comparing the destination as it "
		    "is (changes not applied yet show as differences)\n");
	res = dest_result(&v.src, "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
	    "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', "
	    "'information_schema', 'performance_schema', 'sys') ORDER BY TABLE_SCHEMA, TABLE_NAME");
	if (res == NULL) {
		fail(&v, "%s", v.src.err);
		goto out;
	}
	ok = true;
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		struct vtable t;
		if (!filter_table(f, row[0], row[1]))
			continue;
		memset(&t, 0, sizeof(t));
		snprintf(t.sdb, sizeof(t.sdb), "%s", row[0]);
		snprintf(t.stbl, sizeof(t.stbl), "%s", row[1]);
		filter_map(f, row[0], row[1], t.ddb, sizeof(t.ddb), t.dtbl, sizeof(t.dtbl));
		v.tables++;
		ok = verify_table(&v, &t);
		table_free(&t);
	}
	if (ok && dest_is_mariadb(&v.src) && dest_is_mariadb(&v.dst)) {
		/* MariaDB's sequences, which the migration moves between MariaDB servers */
		unsigned n, nm, nd;
		ok = sequences_verify(&v.src, &v.dst, f, repair, out, &n, &nm, &nd, v.err,
		    sizeof(v.err));
		v.missing += nm;
		v.different += nd;
	}
out:
	if (res)
		mysql_free_result(res);
	if (v.co_ok)
		snapshot_coord_free(&v.co);
	dest_close(&v.src);
	dest_close(&v.dst);
	if (!ok) {
		fprintf(stderr, "myshift: verify: %s\n", v.err);
		return VERIFY_ERROR;
	}
	rc = v.missing + v.extra + v.different ? VERIFY_DIFFERENT : VERIFY_IDENTICAL;
	fprintf(out, "verify: %" PRIu64 " tables, %" PRIu64 " rows in %" PRIu64 " chunks: %s "
	    "(%" PRIu64 " missing, %" PRIu64 " extra, %" PRIu64 " different%s)\n", v.tables,
	    v.rows, v.chunks, rc ? "DIFFERENT" : "identical", v.missing, v.extra, v.different,
	    repair && rc ? ", repaired" : "");
	return rc;
}

/* ------------------------------------------- by key: the cutover's quick verify */

#define KEY_COLS 16        /* key columns of a noted key, at most */
#define KEY_BATCH 200      /* keys summed in one statement */

struct vkey {
	char *sdb, *stbl;
	unsigned n;
	char *col[KEY_COLS], *val[KEY_COLS];
	unsigned tk[KEY_COLS];  /* the column's index in the table (tk_col) */
	bool ok;                /* every column found */
};

/* Decode hex text in place (the result is shorter); false if it is not hex. */
static bool
unhex(char *s)
{
	size_t n = strlen(s), o = 0;

	if (n % 2)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = s[i], lo = s[i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' : hi >= 'A' && hi <= 'F' ? hi - 'A' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'A' && lo <= 'F' ? lo - 'A' + 10 : -1;
		if (hi < 0 || lo < 0)
			return false;
		s[o++] = (char)(hi * 16 + lo);
	}
	s[o] = '\0';
	return true;
}

static int
vkey_cmp(const void *pa, const void *pb)
{
	const struct vkey *a = pa, *b = pb;
	int c;

	/* grouping and removing repeats only: keys are never ordered here */
	if ((c = strcmp(a->sdb, b->sdb)) != 0 || (c = strcmp(a->stbl, b->stbl)) != 0)
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (unsigned i = 0; i < a->n; i++)
		if ((c = strcmp(a->col[i], b->col[i])) != 0 || (c = strcmp(a->val[i], b->val[i])) != 0)
			return c;
	return 0;
}

/* (`c1` = literal AND ...) for one key; dst: for the destination (kd's literals). */
static void
add_vkey_match(struct sbuf *q, const struct vtable *t, const struct vkey *k, bool dst)
{
	sbuf_addc(q, '(');
	for (unsigned i = 0; i < k->n; i++) {
		const struct tk_col *c = &t->k.cols[k->tk[i]];
		if (i)
			sbuf_adds(q, " AND ");
		dest_quote(q, c->name);
		sbuf_adds(q, " = ");
		tk_add_literal(q, dst ? &t->kd.cols[k->tk[i]] : c, k->val[i]);
	}
	sbuf_addc(q, ')');
}

/* A key for people: `c`='text' (printable strings), X'..' (others), values as they are. */
static void
print_vkey(FILE *out, const struct vtable *t, const struct vkey *k)
{
	for (unsigned i = 0; i < k->n; i++) {
		const struct tk_col *c = &t->k.cols[k->tk[i]];
		fprintf(out, "%s`%s`=", i ? ", " : "", c->name);
		if (c->kind == TK_STR || c->kind == TK_BIN) {
			char *s = strdup(k->val[i]);
			bool printable = s != NULL && unhex(s) && c->kind == TK_STR &&
			    strlen(s) * 2 == strlen(k->val[i]);
			for (size_t j = 0; printable && s[j]; j++)
				printable = s[j] >= 0x20 && s[j] < 0x7f && s[j] != '\'';
			if (printable)
				fprintf(out, "'%s'", s);
			else
				fprintf(out, "X'%s'", k->val[i]);
			free(s);
		} else if (c->kind == TK_QUOTED)
			fprintf(out, "'%s'", k->val[i]);
		else
			fprintf(out, "%s", k->val[i]);
	}
}

/* One value of a one-row, one-column result: *out malloc'ed or NULL (no row / NULL). */
static bool
one_value(struct dest *d, const char *sql, char **out, size_t *nrows)
{
	MYSQL_RES *res = dest_result(d, sql);
	MYSQL_ROW row;

	*out = NULL;
	*nrows = 0;
	if (res == NULL)
		return false;
	*nrows = mysql_num_rows(res);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		*out = strdup(row[0]);
	mysql_free_result(res);
	return true;
}

/* Keys keys[0..n) of t compared one by one: each difference listed and counted. */
static bool
keys_drill(struct verify *v, const struct vtable *t, const struct vkey *keys, unsigned n)
{
	struct sbuf q = { 0 };
	bool ok = true;

	for (unsigned i = 0; i < n && ok; i++) {
		char *hs = NULL, *hd = NULL;
		size_t ns = 0, nd = 0;
		const char *what = NULL;
		if (!keys[i].ok)
			continue;
		for (int side = 0; side < 2 && ok; side++) {
			sbuf_reset(&q);
			sbuf_printf(&q, "SELECT %s FROM ", t->row_src);
			tk_add_ident(&q, side ? t->ddb : t->sdb, side ? t->dtbl : t->stbl);
			sbuf_adds(&q, " WHERE ");
			add_vkey_match(&q, t, &keys[i], side == 1);
			sbuf_addc(&q, '\0');
			if (q.oom)
				ok = fail(v, "out of memory");
			else if (!one_value(side ? &v->dst : &v->src, q.p, side ? &hd : &hs,
			    side ? &nd : &ns))
				ok = fail(v, "`%s`.`%s`: %s", side ? t->ddb : t->sdb,
				    side ? t->dtbl : t->stbl, side ? v->dst.err : v->src.err);
		}
		if (ok) {
			if (ns > 0 && nd == 0) {
				what = "missing";
				v->missing++;
			} else if (ns == 0 && nd > 0) {
				what = "extra";
				v->extra++;
			} else if (ns != nd || (hs == NULL) != (hd == NULL) ||
			    (hs && strcmp(hs, hd) != 0)) {
				what = "different";
				v->different++;
			}
			if (what) {
				fprintf(v->out, "  %s: `%s`.`%s` ", what, t->ddb, t->dtbl);
				print_vkey(v->out, t, &keys[i]);
				fprintf(v->out, "\n");
			}
		}
		free(hs);
		free(hd);
	}
	sbuf_free(&q);
	return ok;
}

/* COUNT and BIT_XOR of the rows of keys[0..n) on one side into sum. */
static bool
keys_sum(struct verify *v, const struct vtable *t, const struct vkey *keys, unsigned n,
    bool dst, char sum[128])
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool first = true;

	sbuf_printf(&q, "SELECT COUNT(*), BIT_XOR(%s) FROM ", t->row_crc);
	tk_add_ident(&q, dst ? t->ddb : t->sdb, dst ? t->dtbl : t->stbl);
	sbuf_adds(&q, " WHERE ");
	for (unsigned i = 0; i < n; i++) {
		if (!keys[i].ok)
			continue;
		if (!first)
			sbuf_adds(&q, " OR ");
		first = false;
		add_vkey_match(&q, t, &keys[i], dst);
	}
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(dst ? &v->dst : &v->src, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return fail(v, "`%s`.`%s`: %s", dst ? t->ddb : t->sdb, dst ? t->dtbl : t->stbl,
		    dst ? v->dst.err : v->src.err);
	row = mysql_fetch_row(res);
	snprintf(sum, 128, "%s/%s", row && row[0] ? row[0] : "0", row && row[1] ? row[1] : "-");
	mysql_free_result(res);
	return true;
}

/* The keys of one table: summed in batches on both sides, drilled where they differ. */
static bool
keys_table(struct verify *v, struct vkey *keys, unsigned n, uint64_t *compared)
{
	struct vtable t;
	bool ok = true;
	unsigned usable = 0;

	memset(&t, 0, sizeof(t));
	snprintf(t.sdb, sizeof(t.sdb), "%s", keys[0].sdb);
	snprintf(t.stbl, sizeof(t.stbl), "%s", keys[0].stbl);
	filter_map(v->f, t.sdb, t.stbl, t.ddb, sizeof(t.ddb), t.dtbl, sizeof(t.dtbl));
	if (!table_prepare(v, &t)) {
		if (dest_transient(&v->src)) {
			table_free(&t);
			return false; /* a lost link: not a verdict */
		}
		/* dropped or renamed since: nothing to compare */
		fprintf(v->out, "  `%s`.`%s`: not compared (%s)\n", t.sdb, t.stbl, v->err);
		table_free(&t);
		return true;
	}
	for (unsigned i = 0; i < n; i++) {
		struct vkey *k = &keys[i];
		k->ok = true;
		for (unsigned j = 0; j < k->n && k->ok; j++) {
			unsigned c;
			for (c = 0; c < t.k.ncols; c++)
				if (strcasecmp(t.k.cols[c].name, k->col[j]) == 0)
					break;
			k->ok = c < t.k.ncols && !t.k.cols[c].json && !t.k.cols[c].is_float;
			k->tk[j] = c;
		}
		usable += k->ok;
	}
	for (unsigned i = 0; i < n && ok; i += KEY_BATCH) {
		unsigned m = n - i < KEY_BATCH ? n - i : KEY_BATCH;
		char ss[128], ds[128];
		bool any = false;
		for (unsigned j = 0; j < m; j++)
			any |= keys[i + j].ok;
		if (!any)
			continue;
		ok = keys_sum(v, &t, keys + i, m, false, ss) && keys_sum(v, &t, keys + i, m, true, ds);
		if (ok && strcmp(ss, ds) != 0)
			ok = keys_drill(v, &t, keys + i, m);
	}
	*compared += usable;
	v->rows += usable;
	table_free(&t);
	return ok;
}

struct verify *
verify_open(const struct cfg *c, const struct filter *f, FILE *out, char *err, size_t errlen)
{
	struct verify *v = calloc(1, sizeof(*v));

	if (v == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->c = c;
	v->f = f;
	v->out = out;
	if (!dest_connect(&v->src, &c->source, "source") ||
	    !dest_connect(&v->dst, &c->destination, "destination") || !session(v)) {
		snprintf(err, errlen, "%s", v->err[0] ? v->err : v->src.my ? v->dst.err :
		    v->src.err);
		verify_close(v);
		return NULL;
	}
	return v;
}

void
verify_close(struct verify *v)
{
	if (v == NULL)
		return;
	dest_close(&v->src);
	dest_close(&v->dst);
	free(v);
}

int
verify_keys(struct verify *v, const char *list, uint64_t *compared, uint64_t *differ,
    char *err, size_t errlen)
{
	char *buf = strdup(list ? list : ""), *line, *save = NULL;
	struct vkey *keys = NULL;
	unsigned n = 0, cap = 0;
	bool ok = buf != NULL;

	*compared = *differ = 0;
	v->missing = v->extra = v->different = 0;
	for (line = ok ? strtok_r(buf, "\n", &save) : NULL; ok && line;
	    line = strtok_r(NULL, "\n", &save)) {
		struct vkey k;
		char *f[2 + 2 * KEY_COLS + 1], *s = line;
		unsigned nf = 0;
		memset(&k, 0, sizeof(k));
		while (s != NULL && nf < sizeof(f) / sizeof(f[0])) {
			f[nf++] = s;
			if ((s = strchr(s, '\t')) != NULL)
				*s++ = '\0';
		}
		if (s != NULL || nf < 4 || nf % 2 || !unhex(f[0]) || !unhex(f[1]))
			continue; /* more key columns than KEY_COLS, or not a key line */
		k.sdb = f[0];
		k.stbl = f[1];
		k.n = (nf - 2) / 2;
		for (unsigned i = 0; i < k.n; i++) {
			k.col[i] = f[2 + 2 * i];
			k.val[i] = f[3 + 2 * i];
			if (!unhex(k.col[i]))
				k.n = 0;
		}
		if (k.n == 0 || !filter_table(v->f, k.sdb, k.stbl))
			continue;
		if (n == cap) {
			struct vkey *nk = realloc(keys, (cap = cap ? cap * 2 : 256) * sizeof(*keys));
			if (nk == NULL) {
				ok = false;
				break;
			}
			keys = nk;
		}
		keys[n++] = k;
	}
	if (!ok) {
		snprintf(err, errlen, "out of memory");
		free(keys);
		free(buf);
		return VERIFY_ERROR;
	}
	if (n > 1) {
		unsigned m = 1;
		qsort(keys, n, sizeof(*keys), vkey_cmp);
		for (unsigned i = 1; i < n; i++)
			if (vkey_cmp(&keys[i], &keys[m - 1]) != 0)
				keys[m++] = keys[i];
		n = m;
	}
	for (unsigned i = 0; i < n && ok; ) {
		unsigned j = i + 1;
		while (j < n && strcmp(keys[j].sdb, keys[i].sdb) == 0 &&
		    strcmp(keys[j].stbl, keys[i].stbl) == 0)
			j++;
		ok = keys_table(v, keys + i, j - i, compared);
		i = j;
	}
	free(keys);
	free(buf);
	if (!ok) {
		snprintf(err, errlen, "%s", v->err);
		return VERIFY_ERROR;
	}
	*differ = v->missing + v->extra + v->different;
	return *differ ? VERIFY_DIFFERENT : VERIFY_IDENTICAL;
}
