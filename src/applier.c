/* applier.c: source transactions to destination transactions: typed prepared statements, batches, checkpoints. */
#include "src/applier.h"
#include "src/collation.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <mysqld_error.h>

#include "proto/binlog.h"
#include "proto/jsonb.h"
#include "proto/jsondiff.h"
#include "proto/sbuf.h"
#include "proto/value.h"
#include "src/dest.h"
#include "src/log.h"
#include "src/migrate.h"
#include "src/objects.h"
#include "src/snapshot.h"
#include "src/schema.h"
#include "src/sqlclass.h"

#if defined(LIBMARIADB)
typedef my_bool db_bool;
#else
typedef bool db_bool;
#endif

#define ROW_SQL_MODE "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
#define MAX_MULTI_ROWS 256
#define MAX_PARAMS 65535

/* ------------------------------------------------------------- arena */

/* Scratch memory for converted values; reset after each statement. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	uint8_t data[];
};

struct arena {
	struct arena_block *head;
};

static void *
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

static void
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

static void
arena_free(struct arena *ar)
{
	struct arena_block *b = ar->head, *next;

	for (; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	ar->head = NULL;
}

/* ------------------------------------------------------------ state */

enum stmt_kind {
	SK_INSERT,
	SK_UPDATE,
	SK_DELETE,
	SK_NET_DELETE, /* DELETE ... WHERE key IN (...) of a batch's net effect */
	SK_UPSERT,     /* INSERT ... ON DUPLICATE KEY UPDATE of final row images */
	SK_NET_COUNT,  /* SELECT COUNT(*) ... WHERE key IN (...): rows that exist */
	SK_REPLACE,    /* REPLACE INTO: the seam after a snapshot copy */
};

/* A key's final state in the open batch (net-effect batching). */
struct net_entry {
	uint32_t hash;
	bool present;
	uint8_t need;              /* before the batch: 1 the row exists, 2 it does not */
	uint32_t klen;
	uint8_t *key;
	struct binlog_value *vals; /* final image (owned by the batch arena) */
};

/* The net effect of a batch on one table. */
struct net_table {
	struct net_table *next;
	struct schema_table *st;
	struct binlog_col *cols;   /* copy of the source column types */
	uint32_t ncols;
	uint8_t usable[64];        /* columns written: not generated, not filtered */
	struct net_entry *e;
	uint32_t n, cap;
	uint32_t *slots;           /* open addressing: entry index + 1 */
	uint32_t nslots;
};

/* A prepared statement for one table, kind, image shape and row count. */
struct schema_stmt {
	struct schema_stmt *next;
	enum stmt_kind kind;
	uint32_t nrows;
	uint8_t shape[2][64];    /* columns used: [0] SET/VALUES, [1] WHERE (bitmaps) */
	MYSQL_STMT *st;
	uint32_t nparams;
	char *jsig;              /* UPDATE: the JSON diff expressions (partial_prepare) */
	bool oneoff;             /* holds typed JSON expressions: not cached (stmt_done) */
};

/* A `?` of the next statement replaced by a typed JSON expression (jx_add). */
struct json_expr {
	uint32_t param;          /* the parameter's index */
	size_t off, len;         /* the expression, in a->jxsql */
};

struct applier {
	const struct cfg *cfg;
	struct queue *q;
	const struct filter *f;
	pthread_t thread;
	pthread_mutex_t lock;    /* stats and stop flag */
	struct applier_stats stats;
	volatile int stop;
	volatile int finished;   /* the thread has left its loop */
	enum applier_status status;
	char msg[4096];

	struct dest d;
	struct binlog_decoder *dec;
	struct schema_cache sc;
	struct arena ar;
	MYSQL_BIND *binds;
	uint32_t nbinds;
	struct binlog_value *vals; /* rows x ncols */
	size_t nvals;
	MYSQL_STMT *ckpt_st;

	/* the source transaction being received */
	struct qitem *trx_head, *trx_tail;
	size_t trx_bytes;
	bool streaming;          /* too big to hold: applied as it arrives */

	/* the destination transaction */
	bool in_trx;
	unsigned batch_trx;
	size_t batch_bytes;
	struct timespec batch_start;
	/* position of the last complete source group applied (not yet committed) */
	char file[512];
	uint64_t pos;
	char gtid[65536];
	uint32_t group_ts;
	uint64_t total_trx;
	bool fk_checks;          /* current session foreign_key_checks */
	/*
	 * start = snapshot: until the stream reaches the highest position a
	 * chunk was read at, a change may already be in the copied rows.
	 */
	struct migrate_seam seam;
	bool in_seam;
	char cur_db[200];        /* current USE database */
	/* net-effect batching */
	struct net_table *net;
	struct arena bar;        /* row images of the open batch */
	struct sbuf keybuf;
	bool group_in_order;     /* this group has savepoints: no batching */
	bool mariadb;            /* destination flavour */
	bool enum_zero;          /* a bound ENUM value is 0 (the error value) */
	bool fp_innodb;          /* DDL fingerprints include InnoDB table ids */
	struct collations *colls; /* source ids to destination names */
	/* the partial JSON columns of the row being updated (partial_prepare) */
	struct {
		const char *p;   /* the new document's text, in the arena */
		size_t len;
		const char *sql; /* MySQL: its typed expression (jsonb_to_sql), or NULL */
		size_t sqllen;
	} jtext[512];
	uint8_t jsql[64];        /* columns updated by a JSON_* expression instead */
	struct sbuf jsig;
	struct sbuf jtmp;
	struct sbuf jsqltmp;
	/*
	 * MySQL destination: the parameters of the next statement whose JSON
	 * text is wrapped in the expression that puts back its DECIMAL,
	 * temporal and binary scalars (jsonb_to_sql()); such a statement is
	 * prepared for the one execution.
	 */
	struct json_expr *jx;
	uint32_t njx, capjx;
	struct sbuf jxsql;
	unsigned long max_packet; /* the destination's max_allowed_packet, 0 unknown */
	char jxerr[256];         /* why a JSON value has no exact expression */
};

static void
set_fatal(struct applier *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_fatal(struct applier *a, const char *fmt, ...)
{
	va_list ap;

	if (a->status != APPLIER_RUNNING)
		return;
	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->status = APPLIER_FATAL;
}

/* A destination error: transient ones restart from the checkpoint. */
static void
set_dest_error(struct applier *a, const char *context)
{
	if (a->status != APPLIER_RUNNING)
		return;
	snprintf(a->msg, sizeof(a->msg), "%s%s%s", context ? context : "",
	    context ? ": " : "", a->d.err);
	a->status = dest_transient(&a->d) ? APPLIER_RETRY : APPLIER_FATAL;
}

static void
free_stmts(struct schema_table *t)
{
	struct schema_stmt *s, *next;

	for (s = t->stmts; s != NULL; s = next) {
		next = s->next;
		mysql_stmt_close(s->st);
		free(s->jsig);
		free(s);
	}
	t->stmts = NULL;
}

/*
 * MariaDB before 10.1 (and later servers with mysql56_temporal_format=OFF)
 * stored fractional TIME, DATETIME and TIMESTAMP in its own "hires" layout and
 * logs them under the old type codes with no metadata, so the binlog alone
 * cannot say how long a value is. The destination's precision gives them
 * away: DDL replay keeps it the source's.
 */
static bool
old_hires_time(uint8_t type, unsigned fsp)
{
	return fsp > 0 && (type == MYSQL_T_TIME || type == MYSQL_T_DATETIME ||
	    type == MYSQL_T_TIMESTAMP);
}

/* --------------------------------------------------------- checkpoint */

/*
 * The state schema and its checkpoint table. source_server names the server
 * the positions belong to (a MySQL source's server_uuid; empty for MariaDB,
 * whose positions are checked with BINLOG_GTID_POS); a table made before
 * that column existed gets it.
 */
static bool
state_schema_create(struct dest *d, const char *schema)
{
	char *has = NULL;
	bool ok;
	char sql[512];

	if (!dest_execf(d, "CREATE DATABASE IF NOT EXISTS `%s`", schema) ||
	    !dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`checkpoint` ("
		"id TINYINT UNSIGNED NOT NULL PRIMARY KEY, "
		"source_file VARCHAR(512) NOT NULL, "
		"source_pos BIGINT UNSIGNED NOT NULL, "
		"source_gtid TEXT NOT NULL, "
		"transactions BIGINT UNSIGNED NOT NULL DEFAULT 0, "
		"source_ts INT UNSIGNED NOT NULL DEFAULT 0, "
		"ddl_file VARCHAR(512) NULL, ddl_pos BIGINT UNSIGNED NULL, "
		"ddl_fingerprint VARCHAR(64) NULL, "
		"source_server VARCHAR(255) NOT NULL DEFAULT '', "
		"updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) "
		"ON UPDATE CURRENT_TIMESTAMP(6)) ENGINE=InnoDB", schema))
		return false;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.COLUMNS WHERE "
	    "TABLE_SCHEMA = '%s' AND TABLE_NAME = 'checkpoint' AND "
	    "COLUMN_NAME = 'source_server'", schema);
	if (!dest_value(d, sql, &has))
		return false;
	ok = has != NULL || dest_execf(d, "ALTER TABLE `%s`.`checkpoint` ADD COLUMN "
	    "source_server VARCHAR(255) NOT NULL DEFAULT '' AFTER ddl_fingerprint", schema);
	free(has);
	return ok;
}

bool
ckpt_read(const struct cfg *c, struct ckpt *out, char *err, size_t errlen)
{
	struct dest d = { 0 };
	char sql[512];
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!dest_connect(&d, &c->destination, "destination") ||
	    !state_schema_create(&d, c->state_schema)) {
		snprintf(err, errlen, "%s", d.err);
		dest_close(&d);
		return false;
	}
	snprintf(sql, sizeof(sql), "SELECT source_file, source_pos, source_gtid, "
	    "transactions, source_server FROM `%s`.`checkpoint` WHERE id = 1",
	    c->state_schema);
	if (mysql_real_query(d.my, sql, strlen(sql)) == 0 &&
	    (res = mysql_store_result(d.my)) != NULL) {
		if ((row = mysql_fetch_row(res)) != NULL) {
			out->found = true;
			snprintf(out->file, sizeof(out->file), "%s", row[0] ? row[0] : "");
			out->pos = row[1] ? strtoull(row[1], NULL, 10) : 4;
			snprintf(out->gtid, sizeof(out->gtid), "%s", row[2] ? row[2] : "");
			out->transactions = row[3] ? strtoull(row[3], NULL, 10) : 0;
			snprintf(out->server, sizeof(out->server), "%s", row[4] ? row[4] : "");
			ok = !row[2] || strlen(row[2]) < sizeof(out->gtid);
			if (!ok)
				snprintf(err, errlen, "%s: the checkpoint's GTID set is %zu "
				    "bytes long, more than the %zu myshift can hold", d.where,
				    strlen(row[2]), sizeof(out->gtid) - 1);
		} else
			ok = true;
		mysql_free_result(res);
	} else
		snprintf(err, errlen, "%s: reading the checkpoint: %s", d.where,
		    mysql_error(d.my));
	dest_close(&d);
	return ok;
}

bool
ckpt_init(const struct cfg *c, const struct ckpt *start, char *err, size_t errlen)
{
	struct dest d = { 0 };
	struct sbuf q = { 0 };
	bool ok;

	if (!dest_connect(&d, &c->destination, "destination")) {
		snprintf(err, errlen, "%s", d.err);
		return false;
	}
	sbuf_printf(&q, "INSERT IGNORE INTO `%s`.`checkpoint` (id, source_file, "
	    "source_pos, source_gtid, source_server) VALUES (1, ", c->state_schema);
	sbuf_sql_string(&q, start->file);
	sbuf_printf(&q, ", %" PRIu64 ", ", start->pos);
	sbuf_sql_string(&q, start->gtid);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, start->server);
	sbuf_addc(&q, ')');
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&d, q.p);
	if (!ok)
		snprintf(err, errlen, "%s", d.err);
	sbuf_free(&q);
	dest_close(&d);
	return ok;
}

/* Prepare the checkpoint upsert of this connection. */
static bool
ckpt_prepare(struct applier *a)
{
	char sql[1024];

	snprintf(sql, sizeof(sql), "INSERT INTO `%s`.`checkpoint` (id, source_file, "
	    "source_pos, source_gtid, transactions, source_ts) VALUES (1, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE source_file = VALUES(source_file), "
	    "source_pos = VALUES(source_pos), source_gtid = VALUES(source_gtid), "
	    "transactions = VALUES(transactions), source_ts = VALUES(source_ts), "
	    "ddl_file = NULL, ddl_pos = NULL, ddl_fingerprint = NULL",
	    a->cfg->state_schema);
	a->ckpt_st = mysql_stmt_init(a->d.my);
	if (a->ckpt_st == NULL || mysql_stmt_prepare(a->ckpt_st, sql, strlen(sql)) != 0) {
		snprintf(a->d.err, sizeof(a->d.err), "%s: preparing the checkpoint: %s",
		    a->d.where, a->ckpt_st ? mysql_stmt_error(a->ckpt_st) : "out of memory");
		a->d.errnum = a->ckpt_st ? mysql_stmt_errno(a->ckpt_st) : 0;
		return false;
	}
	return true;
}

/* Write the checkpoint of the last applied group (inside the open transaction). */
static bool
ckpt_write(struct applier *a)
{
	MYSQL_BIND b[5];
	unsigned long flen = strlen(a->file), glen = strlen(a->gtid);
	unsigned long long pos = a->pos, trx = a->total_trx;
	unsigned long ts = a->group_ts;

	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = a->file;
	b[0].buffer_length = flen;
	b[1].buffer_type = MYSQL_TYPE_LONGLONG;
	b[1].buffer = &pos;
	b[1].is_unsigned = 1;
	b[2].buffer_type = MYSQL_TYPE_STRING;
	b[2].buffer = a->gtid;
	b[2].buffer_length = glen;
	b[3].buffer_type = MYSQL_TYPE_LONGLONG;
	b[3].buffer = &trx;
	b[3].is_unsigned = 1;
	b[4].buffer_type = MYSQL_TYPE_LONG;
	b[4].buffer = &ts;
	b[4].is_unsigned = 1;
	if (mysql_stmt_bind_param(a->ckpt_st, b) != 0 || mysql_stmt_execute(a->ckpt_st) != 0) {
		a->d.errnum = mysql_stmt_errno(a->ckpt_st);
		snprintf(a->d.err, sizeof(a->d.err), "%s: writing the checkpoint: %s (error %u)",
		    a->d.where, mysql_stmt_error(a->ckpt_st), a->d.errnum);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ session */

static bool
session_rows(struct applier *a)
{
	a->fk_checks = a->cfg->foreign_key_checks;
	/* @myshift_session: the destination's guarded triggers do not fire for us */
	return dest_execf(&a->d, "SET SESSION sql_mode = '%s', time_zone = '+00:00', "
	    "foreign_key_checks = %d, unique_checks = 1, autocommit = 1, "
	    "group_concat_max_len = 1073741824, @myshift_session = 1", ROW_SQL_MODE,
	    a->fk_checks ? 1 : 0);
}

static bool
dest_begin(struct applier *a)
{
	if (a->in_trx)
		return true;
	if (mysql_query(a->d.my, "BEGIN") != 0) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: BEGIN: %s", a->d.where,
		    mysql_error(a->d.my));
		return false;
	}
	a->in_trx = true;
	a->batch_trx = 0;
	a->batch_bytes = 0;
	clock_gettime(CLOCK_MONOTONIC, &a->batch_start);
	return true;
}

static void
publish(struct applier *a)
{
	pthread_mutex_lock(&a->lock);
	a->stats.transactions = a->total_trx;
	a->stats.last_source_ts = a->group_ts;
	snprintf(a->stats.file, sizeof(a->stats.file), "%.255s", a->file);
	a->stats.pos = a->pos;
	a->stats.in_seam = a->in_seam;
	pthread_mutex_unlock(&a->lock);
}

static bool net_flush_all(struct applier *a);
static void net_free(struct applier *a);

/* Write the checkpoint and commit the open batch. */
static bool
flush_batch(struct applier *a)
{
	if (!a->in_trx)
		return true;
	if (!net_flush_all(a) || !ckpt_write(a))
		return false;
	if (mysql_commit(a->d.my) != 0) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: COMMIT: %s (error %u)", a->d.where,
		    mysql_error(a->d.my), a->d.errnum);
		return false;
	}
	a->in_trx = false;
	pthread_mutex_lock(&a->lock);
	a->stats.commits++;
	pthread_mutex_unlock(&a->lock);
	publish(a);
	return true;
}

static void
rollback(struct applier *a)
{
	if (a->in_trx && a->d.my != NULL)
		(void)mysql_rollback(a->d.my);
	a->in_trx = false;
	for (struct net_table *nt = a->net; nt != NULL; nt = nt->next) {
		nt->n = 0;
		if (nt->slots)
			memset(nt->slots, 0, (size_t)nt->nslots * sizeof(*nt->slots));
	}
	arena_reset(&a->bar);
}

/* ------------------------------------------------------------- values */

/* Forget the typed JSON expressions of the last statement (jx_add). */
static void
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
static bool
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

static MYSQL_TIME *
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
static bool
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
			unsigned bits = col->type == MYSQL_T_TINY ? 8 :
			    col->type == MYSQL_T_SHORT ? 16 : col->type == MYSQL_T_INT24 ?
			    24 : col->type == MYSQL_T_LONG ? 32 : 64;
			if (x == NULL)
				return false;
			*x = bits == 64 ? (uint64_t)v->i :
			    (uint64_t)v->i & ((1ULL << bits) - 1);
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

static bool
bm_get(const uint8_t *bm, uint32_t i)
{
	return (bm[i / 8] >> (i % 8)) & 1;
}

static void
bm_set(uint8_t *bm, uint32_t i)
{
	bm[i / 8] |= (uint8_t)(1u << (i % 8));
}

/* Columns that may be written or compared: present, not generated, not filtered. */
static void
usable_columns(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st, const uint8_t *present, uint8_t out[64],
    const char *src_db, const char *src_table)
{
	memset(out, 0, 64);
	for (uint32_t i = 0; i < r->ncols && i < 512; i++) {
		if (!bm_get(present, i) || st->cols[i].generated)
			continue;
		if (filter_column(a->f, src_db, src_table, st->cols[i].name))
			continue;
		bm_set(out, i);
	}
}

/* The WHERE shape: the key when the image has it, else every usable column. */
static bool
where_shape(const struct schema_table *st, const uint8_t usable[64], uint8_t out[64])
{
	bool key_ok = st->nkey > 0;

	for (uint32_t k = 0; k < st->nkey; k++)
		if (!bm_get(usable, st->key[k]))
			key_ok = false;
	memset(out, 0, 64);
	if (key_ok) {
		for (uint32_t k = 0; k < st->nkey; k++)
			bm_set(out, st->key[k]);
		return true;
	}
	memcpy(out, usable, 64);
	return false;
}

static void
add_table_name(struct sbuf *q, const struct schema_table *st)
{
	dest_quote(q, st->db);
	sbuf_addc(q, '.');
	dest_quote(q, st->name);
}

/* "VERB INTO t (cols in set) VALUES (?,..),.." for nrows rows; the parameters. */
static uint32_t
add_insert(struct sbuf *q, const char *verb, const struct schema_table *st,
    const uint8_t set[64], uint32_t nrows)
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
static const char *
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
static uint32_t
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
static bool
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
static unsigned long
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
static void
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
static struct schema_stmt *
stmt_get(struct applier *a, struct schema_table *st, enum stmt_kind kind,
    const uint8_t set[64], const uint8_t where[64], bool keyed, uint32_t nrows,
    const char *jsig)
{
	struct schema_stmt *s;
	struct sbuf q = { 0 };
	bool first;

	for (s = a->njx > 0 ? NULL : st->stmts; s != NULL; s = s->next)
		if (s->kind == kind && s->nrows == nrows &&
		    memcmp(s->shape[0], set, 64) == 0 && memcmp(s->shape[1], where, 64) == 0 &&
		    (s->jsig == NULL ? jsig == NULL : jsig != NULL && strcmp(s->jsig, jsig) == 0))
			return s;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	if (jsig != NULL && (s->jsig = strdup(jsig)) == NULL) {
		free(s);
		return NULL;
	}
	s->kind = kind;
	s->nrows = nrows;
	memcpy(s->shape[0], set, 64);
	memcpy(s->shape[1], where, 64);
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
		snprintf(a->d.err, sizeof(a->d.err), "%s: preparing %.200s: %s", a->d.where,
		    q.p ? q.p : "", s->st ? mysql_stmt_error(s->st) : "out of memory");
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

static bool
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

static bool
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
static void
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
static bool
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
static bool
bind_image(struct applier *a, const struct binlog_table *t, const struct schema_table *st,
    const uint8_t shape[64], const struct binlog_value *vals, uint32_t *k)
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
static bool
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
static bool
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
static bool
stmt_run(struct applier *a, struct schema_stmt *s, const struct binlog_table *t,
    const struct binlog_event *ev, uint64_t expect)
{
	bool ok = stmt_exec(a, s, t, ev, expect);

	stmt_done(s);
	return ok;
}

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

static struct net_table *
net_find(struct applier *a, struct schema_table *st)
{
	for (struct net_table *nt = a->net; nt != NULL; nt = nt->next)
		if (nt->st == st)
			return nt;
	return NULL;
}

static bool
net_eligible(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st)
{
	if (!a->cfg->compact || a->group_in_order || a->streaming || a->in_seam)
		return false;
	if (!st->has_pk || st->n_unique != 1 || st->has_fk || st->triggers)
		return false;
	if (r->kind == BINLOG_ROWS_PARTIAL_UPDATE || r->n_before != r->ncols)
		return false;
	if (r->cols_after != NULL && r->n_after != r->ncols)
		return false;
	return true;
}

/* Copy a row image into the batch arena (values own their bytes). */
static struct binlog_value *
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
static bool
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

static uint32_t
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
static bool
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
static bool
net_verify(struct applier *a, struct net_table *nt)
{
	struct schema_table *st = nt->st;
	uint8_t none[64];
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
				uint32_t pw = 1, k = 0;
				struct schema_stmt *s;
				MYSQL_BIND rb;
				long long c = 0;
				while (pw * 2 <= cnt - done)
					pw *= 2;
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

/* Write one table's net effect: deletes first, then upserts. */
static bool
net_flush_table(struct applier *a, struct net_table *nt)
{
	struct schema_table *st = nt->st;
	uint8_t keyshape[64], none[64];
	uint32_t per = 0;

	memset(none, 0, sizeof(none));
	memset(keyshape, 0, sizeof(keyshape));
	for (uint32_t k = 0; k < st->nkey; k++)
		bm_set(keyshape, st->key[k]);
	for (uint32_t i = 0; i < st->ncols; i++)
		per += bm_get(nt->usable, i);
	if (!net_verify(a, nt))
		return false;
	for (int pass = 0; pass < 2; pass++) {
		bool present = pass == 1;
		uint32_t params = present ? per : st->nkey;
		uint32_t cap = params ? MAX_PARAMS / params : MAX_MULTI_ROWS;
		uint32_t j = 0;
		if (cap > MAX_MULTI_ROWS)
			cap = MAX_MULTI_ROWS;
		while (j < nt->n) {
			uint32_t idx[MAX_MULTI_ROWS], cnt = 0, done = 0;
			while (j < nt->n && cnt < cap) {
				if (nt->e[j].present == present)
					idx[cnt++] = j;
				j++;
			}
			while (done < cnt) {
				uint32_t pw = 1, k = 0;
				struct schema_stmt *s;
				while (pw * 2 <= cnt - done)
					pw *= 2;
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
				s = stmt_get(a, st, present ? SK_UPSERT : SK_NET_DELETE,
				    present ? nt->usable : none, none, true, pw, NULL);
				if (s == NULL) {
					arena_reset(&a->ar);
					return false;
				}
				if (mysql_stmt_bind_param(s->st, a->binds) != 0 ||
				    mysql_stmt_execute(s->st) != 0) {
					a->d.errnum = mysql_stmt_errno(s->st);
					snprintf(a->d.err, sizeof(a->d.err), "%s: writing the batch "
					    "of `%s`.`%s`: %s (error %u)", a->d.where, st->db,
					    st->name, mysql_stmt_error(s->st), a->d.errnum);
					arena_reset(&a->ar);
					stmt_done(s);
					return false;
				}
				arena_reset(&a->ar);
				stmt_done(s);
				if (!rows_warnings(a, present ? "writing the batch" :
				    "deleting the batch's rows", st->db, st->name))
					return false;
				done += pw;
			}
		}
	}
	nt->n = 0;
	memset(nt->slots, 0, (size_t)nt->nslots * sizeof(*nt->slots));
	return true;
conv:
	arena_reset(&a->ar);
	a->d.errnum = 0;
	snprintf(a->d.err, sizeof(a->d.err), "%s: cannot convert a value of `%s`.`%s` "
	    "(source changes up to %s:%" PRIu64 ")%s%s", a->d.where, st->db, st->name,
	    a->file, a->pos, a->jxerr[0] ? ": " : "", a->jxerr);
	return false;
}

/* Write every table's net effect (before a commit or an in-order statement). */
static bool
net_flush_all(struct applier *a)
{
	for (struct net_table *nt = a->net; nt != NULL; nt = nt->next)
		if (nt->n > 0 && !net_flush_table(a, nt))
			return false;
	arena_reset(&a->bar);
	return true;
}

static void
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
static bool
net_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t usable[64])
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
		memcpy(nt->usable, usable, 64);
		nt->next = a->net;
		a->net = nt;
	} else if (memcmp(nt->usable, usable, 64) != 0 || nt->ncols != r->ncols) {
		/* another shape (filters changed by DDL): write what we hold first */
		if (nt->n > 0 && !net_flush_table(a, nt)) {
			set_dest_error(a, NULL);
			return false;
		}
		memcpy(nt->usable, usable, 64);
	}
	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	while ((rc = binlog_rows_next(r, &pos, &before, &after, &err)) == 1) {
		bool ok = true;
		n++;
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
static bool
partial_prepare(struct applier *a, const struct binlog_event *ev,
    const struct schema_table *st, const uint8_t set[64],
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

/* Apply one rows event. */
static bool seam_rows(struct applier *a, const struct binlog_event *ev,
    struct schema_table *st, const uint8_t use_before[64], const uint8_t use_after[64],
    const uint8_t where[64]);
static const struct migrate_seam_table *seam_keyless(const struct applier *a,
    const char *db, const char *table);
static bool seam_at(struct applier *a, uint64_t offset);

static bool
apply_rows(struct applier *a, const struct binlog_event *ev)
{
	const struct binlog_rows_event *r = &ev->rows;
	const struct binlog_table *t = r->table;
	struct schema_table *st;
	char db[200], tn[200];
	uint8_t use_before[64], use_after[64], where[64], none[64];
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	bool keyed;
	bool fk;
	bool noted;
	int rc;

	if (!filter_table(a->f, t->db.p, t->table.p))
		return true;
	if (r->ncols > 512) {
		set_fatal(a, "%s.%s has %u columns; at most 512 are supported", t->db.p,
		    t->table.p, r->ncols);
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
	if (st->ncols != r->ncols) {
		set_fatal(a, "%s.%s at %s:%" PRIu64 ": the source row has %u columns, the "
		    "destination table `%s`.`%s` has %u: the schemas differ", t->db.p,
		    t->table.p, a->file, ev->offset, r->ncols, db, tn, st->ncols);
		return false;
	}
	for (uint32_t i = 0; i < r->ncols; i++)
		if (!schema_type_ok(t->cols[i].type, st->cols[i].data_type)) {
			set_fatal(a, "%s.%s at %s:%" PRIu64 ": column %u (%s) is type %u on "
			    "the source but %s on the destination: the schemas differ",
			    t->db.p, t->table.p, a->file, ev->offset, i + 1, st->cols[i].name,
			    t->cols[i].type, st->cols[i].data_type);
			return false;
		}
	noted = false;
	for (uint32_t i = 0; i < r->ncols; i++) {
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
		if (keyed && r->cols_after != NULL && r->kind != BINLOG_ROWS_WRITE &&
		    r->kind != BINLOG_ROWS_PARTIAL_UPDATE && r->n_after != r->ncols) {
			set_fatal(a, "%s.%s at %s:%" PRIu64 ": a row image without every "
			    "column (binlog_row_image is not FULL) inside the catch-up after "
			    "the copy, where rows must be rewritten whole: set "
			    "binlog_row_image = FULL on the source", t->db.p, t->table.p,
			    a->file, ev->offset);
			return false;
		}
		if (keyed) {
			struct net_table *nt = net_find(a, st);
			if (nt != NULL && nt->n > 0 && !net_flush_table(a, nt)) {
				set_dest_error(a, NULL);
				return false;
			}
			return seam_rows(a, ev, st, use_before, use_after, where);
		}
		const struct migrate_seam_table *k = seam_keyless(a, t->db.p, t->table.p);
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
				n++;
			}
			if (n == 0)
				break;
			/* round down to a power of two to keep few statement shapes */
			{
				uint32_t pw = 1, done = 0;
				while (done < n) {
					pw = 1;
					while (pw * 2 <= n - done)
						pw *= 2;
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
		if (r->kind == BINLOG_ROWS_DELETE) {
			if (!bind_image(a, t, st, where, before.vals, &k))
				return false;
			s = stmt_get(a, st, SK_DELETE, none, where, keyed, 1, NULL);
			if (s == NULL) {
				set_dest_error(a, NULL);
				return false;
			}
		} else {
			uint8_t set[64];
			bool any = false;
			memcpy(set, use_after, 64);
			for (uint32_t i = 0; i < 64; i++)
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
static bool
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
static bool
seam_at(struct applier *a, uint64_t offset)
{
	if (!a->in_seam)
		return false;
	if (snap_pos_cmp(a->file, offset, a->seam.file, a->seam.pos) < 0)
		return true;
	a->in_seam = false;
	if (!migrate_seam_passed(&a->d, a->cfg->state_schema)) {
		set_dest_error(a, "recording the end of the catch-up");
		return false;
	}
	log_info("phase: streaming (the stream passed %s:%llu, the last position a chunk "
	    "was read at: replay is strict again)", a->seam.file, a->seam.pos);
	pthread_mutex_lock(&a->lock);
	a->stats.in_seam = false;
	pthread_mutex_unlock(&a->lock);
	return false;
}

/* A table copied whole (no key): the position it was read at, or NULL. */
static const struct migrate_seam_table *
seam_keyless(const struct applier *a, const char *db, const char *table)
{
	for (unsigned i = 0; i < a->seam.nkeyless; i++)
		if (strcmp(a->seam.keyless[i].db, db) == 0 &&
		    strcmp(a->seam.keyless[i].table, table) == 0)
			return &a->seam.keyless[i];
	return NULL;
}

/* Bind image vals in shape and run a statement of kind; any row count is fine. */
static bool
seam_exec(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    enum stmt_kind kind, const uint8_t set[64], const struct binlog_value *set_vals,
    const uint8_t where[64], const struct binlog_value *where_vals, uint64_t expect)
{
	const struct binlog_table *t = ev->rows.table;
	uint8_t none[64];
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
static bool
seam_row(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[64], const uint8_t use_after[64], const uint8_t where[64],
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
		uint8_t set[64];
		memcpy(set, use_after, 64);
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
static bool
seam_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[64], const uint8_t use_after[64], const uint8_t where[64])
{
	const struct binlog_rows_event *r = &ev->rows;
	struct binlog_row before, after;
	struct proto_err err = { 0 };
	size_t pos = 0;
	int rc;

	before.vals = a->vals;
	after.vals = a->vals + r->ncols;
	for (;;) {
		if (r->kind == BINLOG_ROWS_WRITE)
			rc = binlog_rows_next(r, &pos, NULL, &after, &err);
		else
			rc = binlog_rows_next(r, &pos, &before, &after, &err);
		if (rc <= 0)
			break;
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

/* ---------------------------------------------------------------- DDL */

/* Cut a trailing START TRANSACTION (MySQL's atomic CREATE TABLE ... SELECT). */
static void
strip_start_transaction(char *sql)
{
	static const char tail[] = "START TRANSACTION";
	size_t n = strlen(sql), k = sizeof(tail) - 1;

	while (n > 0 && (sql[n - 1] == ';' || isspace((unsigned char)sql[n - 1])))
		n--;
	if (n > k && strncasecmp(sql + n - k, tail, k) == 0 &&
	    isspace((unsigned char)sql[n - k - 1]))
		sql[n - k - 1] = '\0';
}

/*
 * The source's and the destination's collation tables (src/collation.c);
 * the source is asked once per start, over a short connection of its own.
 */
static bool
load_collations(struct applier *a)
{
	struct dest src = { 0 };
	bool transient = false;
	char err[1024];

	if (!dest_connect(&src, &a->cfg->source, "source")) {
		snprintf(a->msg, sizeof(a->msg), "reading the source's collations: %s", src.err);
		a->status = APPLIER_RETRY;
		return false;
	}
	a->colls = collations_load(&src, &a->d, a->cfg->collation_map, &transient, err,
	    sizeof(err));
	dest_close(&src);
	if (a->colls == NULL) {
		snprintf(a->msg, sizeof(a->msg), "%s", err);
		a->status = transient ? APPLIER_RETRY : APPLIER_FATAL;
		return false;
	}
	return true;
}

/* The session of a QUERY event: sql_mode, charsets, time zone, timestamp, checks. */
static bool
session_query(struct applier *a, const struct binlog_event *ev)
{
	const struct binlog_query *q = &ev->query;
	struct sbuf s = { 0 };
	bool ok;

	sbuf_printf(&s, "SET SESSION TIMESTAMP = %u", ev->h.timestamp);
	if (q->has_sql_mode) {
		const struct binlog_fde *fde = binlog_decoder_fde(a->dec);
		const char *bad = NULL;
		uint64_t mode = q->sql_mode;
		if (fde != NULL && fde->flavor != BINLOG_FLAVOR_UNKNOWN)
			bad = sql_mode_translate(q->sql_mode,
			    fde->flavor == BINLOG_FLAVOR_MARIADB, a->mariadb, &mode);
		if (bad != NULL) {
			sbuf_free(&s);
			set_fatal(a, "statement at %s:%" PRIu64 " ran under sql_mode %s "
			    "(0x%" PRIx64 "), which a %s destination does not have: it "
			    "cannot be replayed as the source ran it", a->file, ev->offset,
			    bad, q->sql_mode, a->mariadb ? "MariaDB" : "MySQL");
			return false;
		}
		sbuf_printf(&s, ", sql_mode = %" PRIu64, mode);
	}
	if (q->has_flags2)
		sbuf_printf(&s, ", foreign_key_checks = %d, unique_checks = %d",
		    (q->flags2 & (1u << 26)) ? 0 : 1, (q->flags2 & (1u << 27)) ? 0 : 1);
	if (q->has_charset) {
		static const char *const what[3] = { "character_set_client",
			"collation_connection", "collation_server" };
		unsigned ids[3] = { q->charset_client, q->collation_connection,
			q->collation_server };
		const char *names[3], *charsets[3];
		char err[512];
		for (int i = 0; i < 3; i++) {
			names[i] = collations_dest(a->colls, ids[i], &charsets[i], err, sizeof(err));
			if (names[i] == NULL) {
				sbuf_free(&s);
				set_fatal(a, "statement at %s:%" PRIu64 " ran with %s = id %u: %s",
				    a->file, ev->offset, what[i], ids[i], err);
				return false;
			}
		}
		sbuf_printf(&s, ", character_set_client = %s, collation_connection = %s, "
		    "collation_server = %s", charsets[0], names[1], names[2]);
	}
	if (q->has_charset_database) {
		char err[512];
		const char *cd = collations_dest(a->colls, q->charset_database, NULL, err,
		    sizeof(err));
		if (cd == NULL) {
			sbuf_free(&s);
			set_fatal(a, "statement at %s:%" PRIu64 " ran in a database of collation "
			    "id %u: %s", a->file, ev->offset, q->charset_database, err);
			return false;
		}
		sbuf_printf(&s, ", collation_database = %s", cd);
	}
	if (q->has_time_zone) {
		sbuf_adds(&s, ", time_zone = ");
		{
			char tz[128];
			snprintf(tz, sizeof(tz), "%.*s", (int)q->time_zone.len, q->time_zone.p);
			sbuf_sql_string(&s, tz);
		}
	} else
		sbuf_adds(&s, ", time_zone = DEFAULT");
	if (q->has_auto_increment)
		sbuf_printf(&s, ", auto_increment_increment = %u, auto_increment_offset = %u",
		    q->auto_increment_increment, q->auto_increment_offset);
	if (q->has_explicit_defaults_ts)
		sbuf_printf(&s, ", explicit_defaults_for_timestamp = %u",
		    q->explicit_defaults_ts);
	sbuf_addc(&s, '\0');
	ok = !s.oom && dest_exec(&a->d, s.p);
	sbuf_free(&s);
	if (!ok)
		set_dest_error(a, "setting the session of a DDL statement");
	return ok;
}

/* Back to the row-apply session after a statement. */
static bool
session_restore(struct applier *a)
{
	if (!dest_execf(&a->d, "SET SESSION TIMESTAMP = DEFAULT, sql_mode = '%s', "
	    "time_zone = '+00:00', foreign_key_checks = %d, unique_checks = 1, "
	    "character_set_client = utf8mb4, collation_connection = utf8mb4_general_ci, "
	    "auto_increment_increment = 1, auto_increment_offset = 1", ROW_SQL_MODE,
	    a->cfg->foreign_key_checks ? 1 : 0)) {
		set_dest_error(a, NULL);
		return false;
	}
	a->fk_checks = a->cfg->foreign_key_checks;
	return true;
}

/*
 * A fingerprint of the destination schemas a DDL touches: if it differs
 * from the one recorded before the DDL, the DDL was applied already.
 */
static bool
fingerprint(struct applier *a, const struct sql_info *in, const char *defdb,
    char *out, size_t outlen)
{
	struct sbuf q = { 0 }, dbs = { 0 };
	char *v = NULL;
	bool ok;

	sbuf_addc(&dbs, '(');
	sbuf_sql_string(&dbs, defdb ? defdb : "");
	for (unsigned i = 0; i < in->nrefs; i++) {
		char db[200], tn[200];
		const char *src = in->refs[i].db[0] ? in->refs[i].db : defdb ? defdb : "";
		filter_map(a->f, src, in->refs[i].is_table ? in->refs[i].name : NULL, db,
		    sizeof(db), tn, sizeof(tn));
		sbuf_addc(&dbs, ',');
		sbuf_sql_string(&dbs, db);
		if (in->object == SQLO_DATABASE) {
			sbuf_addc(&dbs, ',');
			filter_map(a->f, in->refs[i].name, NULL, db, sizeof(db), tn, sizeof(tn));
			sbuf_sql_string(&dbs, db);
		}
	}
	sbuf_addc(&dbs, ')');
	sbuf_addc(&dbs, '\0');
	/*
	 * MySQL 9 has no MD5(): SHA2-224 there (hex of 56 characters, which
	 * also tells the two apart); MariaDB keeps MD5, as checkpoints recorded
	 * by earlier versions hold.  %1$s: the schemas, %2$s( ... %3$s: the hash.
	 */
	sbuf_printf(&q, "SELECT %2$sIFNULL(GROUP_CONCAT(x ORDER BY x SEPARATOR '|'), '')%3$s FROM ("
	    "SELECT CONCAT_WS(',', 'S', SCHEMA_NAME, DEFAULT_COLLATION_NAME) x "
	    "FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'T', TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
	    "IFNULL(ENGINE, ''), IFNULL(TABLE_COLLATION, ''), IFNULL(CREATE_OPTIONS, ''), "
	    "TABLE_COMMENT) FROM information_schema.TABLES WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'C', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, "
	    "ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '~'), "
	    "IFNULL(COLLATION_NAME, ''), EXTRA, COLUMN_COMMENT) "
	    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'I', TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, "
	    "SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, IFNULL(SUB_PART, '')) "
	    "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'R', ROUTINE_SCHEMA, ROUTINE_TYPE, ROUTINE_NAME, "
	    "%2$sIFNULL(ROUTINE_DEFINITION, '')%3$s) FROM information_schema.ROUTINES "
	    "WHERE ROUTINE_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'G', TRIGGER_SCHEMA, TRIGGER_NAME, "
	    "%2$sACTION_STATEMENT%3$s) FROM information_schema.TRIGGERS "
	    "WHERE TRIGGER_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'E', EVENT_SCHEMA, EVENT_NAME, "
	    "%2$sIFNULL(EVENT_DEFINITION, '')%3$s) FROM information_schema.EVENTS "
	    "WHERE EVENT_SCHEMA IN %1$s "
	    "UNION ALL SELECT CONCAT_WS(',', 'V', TABLE_SCHEMA, TABLE_NAME, "
	    "%2$sVIEW_DEFINITION%3$s) FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN %1$s",
	    dbs.p, a->mariadb ? "MD5(" : "SHA2(", a->mariadb ? ")" : ", 224)");
	if (a->fp_innodb) {
		/*
		 * InnoDB table ids follow a table through RENAME: a swap of two
		 * identical tables changes nothing else.
		 */
		sbuf_printf(&q, " UNION ALL SELECT CONCAT_WS(',', 'N', NAME, TABLE_ID) "
		    "FROM information_schema.%s WHERE SUBSTRING_INDEX(NAME, '/', 1) IN %s",
		    a->mariadb ? "INNODB_SYS_TABLES" : "INNODB_TABLES", dbs.p);
	}
	sbuf_adds(&q, ") s");
	sbuf_addc(&q, '\0');
	ok = !q.oom && !dbs.oom && dest_value(&a->d, q.p, &v);
	if (!ok && a->fp_innodb && (a->d.errnum == 1227 || a->d.errnum == 1109 ||
	    a->d.errnum == 1044 || a->d.errnum == 1142)) {
		/* no PROCESS privilege: a fingerprint without table ids */
		log_warn("%s: no access to InnoDB table ids (grant PROCESS to tell "
		    "renames of identical tables apart after a crash)", a->d.where);
		a->fp_innodb = false;
		sbuf_free(&q);
		sbuf_free(&dbs);
		return fingerprint(a, in, defdb, out, outlen);
	}
	sbuf_free(&q);
	sbuf_free(&dbs);
	if (!ok) {
		set_dest_error(a, "computing a schema fingerprint");
		return false;
	}
	snprintf(out, outlen, "%s", v ? v : "");
	free(v);
	return true;
}

/* Whether a DDL's objects pass the filters: 1 all, 0 none, -1 a mix. */
static int
ddl_selected(struct applier *a, const struct sql_info *in, const char *defdb)
{
	unsigned yes = 0, no = 0;

	for (unsigned i = 0; i < in->nrefs; i++) {
		const char *db = in->refs[i].db[0] ? in->refs[i].db : defdb ? defdb : "";
		bool pass;
		if (in->object == SQLO_DATABASE)
			pass = filter_database(a->f, in->refs[i].name);
		else if (in->refs[i].is_table)
			pass = filter_table(a->f, db, in->refs[i].name);
		else
			pass = filter_database(a->f, db);
		if (pass)
			yes++;
		else
			no++;
	}
	if (in->nrefs == 0)
		return defdb && *defdb && !filter_database(a->f, defdb) ? 0 : 1;
	return no == 0 ? 1 : yes == 0 ? 0 : -1;
}

/*
 * A MySQL destination has no type for MariaDB's INET4, INET6 and UUID, nor
 * its COMPRESSED columns: a CREATE or ALTER TABLE declaring one stops
 * here, naming the column,
 * rather than failing on MySQL's syntax error (or mapping silently).
 */
static bool
ddl_mysql_types(struct applier *a, const struct binlog_event *ev,
    const struct sql_info *in, const char *end_file, uint64_t end_pos)
{
	static const char *const maria_only[] = { "INET4", "INET6", "UUID", NULL };
	const struct binlog_query *q = &ev->query;
	char col[200], type[16];

	if (in->kind != SQL_DDL || in->object != SQLO_TABLE ||
	    (strcmp(in->verb, "CREATE") != 0 && strcmp(in->verb, "ALTER") != 0))
		return true;
	if (sql_column_compressed(q->query.p, q->query.len, q->has_sql_mode ? q->sql_mode : 0,
	    col, sizeof(col))) {
		set_fatal(a, "DDL at %s:%" PRIu64 " (%s TABLE `%s`.`%s`): column `%s` is "
		    "COMPRESSED, MariaDB's column compression, which MySQL (the destination) "
		    "does not have; nothing from this statement on was applied. Filter the "
		    "table out, or create it on the destination by hand without COMPRESSED "
		    "and restart from the next position, %s:%" PRIu64 ": %.*s", a->file,
		    ev->offset, in->verb, in->nrefs ? in->refs[0].db : "",
		    in->nrefs ? in->refs[0].name : "", col, end_file, end_pos,
		    (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p);
		return false;
	}
	if (!sql_column_of_type(q->query.p, q->query.len, q->has_sql_mode ? q->sql_mode : 0,
	    maria_only, col, sizeof(col), type, sizeof(type)))
		return true;
	set_fatal(a, "DDL at %s:%" PRIu64 " (%s TABLE `%s`.`%s`): column `%s` is of "
	    "MariaDB's type %s, which MySQL (the destination) does not have; nothing "
	    "from this statement on was applied. Filter the table out, or create it on "
	    "the destination by hand (BINARY(%d) holds the value's binary form) and "
	    "restart from the next position, %s:%" PRIu64 ": %.*s", a->file, ev->offset,
	    in->verb, in->nrefs ? in->refs[0].db : "", in->nrefs ? in->refs[0].name : "",
	    col, type, strcmp(type, "INET4") == 0 ? 4 : 16, end_file, end_pos,
	    (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p);
	return false;
}

/*
 * A DDL (or account statement): committed batch before, then the statement
 * with the source's session, then its own checkpoint. Replayed after a
 * crash, it is recognised by the schema fingerprint recorded before it.
 */
static bool
apply_ddl(struct applier *a, const struct binlog_event *ev, const struct sql_info *in,
    const char *end_file, uint64_t end_pos)
{
	const struct binlog_query *q = &ev->query;
	char defdb[200] = "", dstdb[200], tn[200], fp0[64], fp1[64];
	char *sql = NULL, *have_fp = NULL, *have_file = NULL, *have_pos = NULL;
	struct sbuf s = { 0 };
	int sel;
	bool ok = false, skip = false;

	snprintf(defdb, sizeof(defdb), "%.*s", (int)q->db.len, q->db.p);
	if (in->temporary) {
		log_info("%s:%" PRIu64 ": temporary table statement not replayed: %.*s",
		    a->file, ev->offset, (int)(q->query.len > 80 ? 80 : q->query.len),
		    q->query.p);
		return true;
	}
	sel = in->kind == SQL_ACCOUNT ? 1 : ddl_selected(a, in, defdb);
	if (sel == 0) {
		log_debug("%s:%" PRIu64 ": DDL on filtered objects not replayed", a->file,
		    ev->offset);
		return true;
	}
	if (sel < 0) {
		set_fatal(a, "DDL at %s:%" PRIu64 " names both replicated and filtered "
		    "objects; replay it by hand and restart from the next position: %.*s",
		    a->file, ev->offset, (int)(q->query.len > 200 ? 200 : q->query.len),
		    q->query.p);
		return false;
	}
	if (a->in_seam && in->kind != SQL_ACCOUNT) {
		/*
		 * Inside the seam of a snapshot copy: views, routines, triggers and
		 * events were read after the copy (later than this), so their DDL
		 * is not replayed; a table's DDL here ran while it was copied, and
		 * the copied rows may predate or follow it.
		 */
		bool alter = strcasecmp(in->verb, "ALTER") == 0 ||
		    strcasecmp(in->verb, "RENAME") == 0;
		bool reshapes = ((in->object == SQLO_TABLE || in->object == SQLO_OTHER) &&
		    alter) || (in->object == SQLO_INDEX && (alter ||
		    strcasecmp(in->verb, "CREATE") == 0 || strcasecmp(in->verb, "DROP") == 0));
		if (in->object != SQLO_DATABASE && in->object != SQLO_TABLE &&
		    in->object != SQLO_INDEX && in->object != SQLO_SEQUENCE &&
		    in->object != SQLO_OTHER) {
			log_info("%s:%" PRIu64 ": %s %s during the copy not replayed (the "
			    "object was copied after it)", a->file, ev->offset, in->verb,
			    in->nrefs ? in->refs[0].name : "");
			return true;
		}
		if (!reshapes)
			goto replay; /* CREATE/DROP/TRUNCATE TABLE, databases: as always */
		set_fatal(a, "DDL on a copied table ran on the source during the copy, at "
		    "%s:%" PRIu64 " (%.*s): the copied rows may not match it. Keep DDL off "
		    "the source during the copy (on MySQL, grant BACKUP_ADMIN so myshift "
		    "holds LOCK INSTANCE FOR BACKUP), then drop the copied tables and the "
		    "state schema `%s` on the destination and run again", a->file,
		    ev->offset, (int)(q->query.len > 200 ? 200 : q->query.len), q->query.p,
		    a->cfg->state_schema);
		return false;
	}
replay:
	if (!a->mariadb && !ddl_mysql_types(a, ev, in, end_file, end_pos))
		return false;
	if (filter_renames(a->f)) {
		sql = sql_rewrite_mode(q->query.p, q->query.len, defdb,
		    q->has_sql_mode ? q->sql_mode : 0, a->f);
		if (sql == NULL) {
			set_fatal(a, "out of memory");
			return false;
		}
	} else {
		sql = malloc(q->query.len + 1);
		if (sql == NULL) {
			set_fatal(a, "out of memory");
			return false;
		}
		memcpy(sql, q->query.p, q->query.len);
		sql[q->query.len] = '\0';
	}
	/*
	 * MySQL 8.0.21+ logs CREATE TABLE ... SELECT as one atomic group:
	 * "CREATE TABLE ... START TRANSACTION", the rows, XID.  Replayed as a
	 * plain CREATE TABLE, then the rows as any transaction: after a crash
	 * between the two, the fingerprint recognises the CREATE and the rows
	 * follow (the checkpoint is still before the group).
	 */
	if (in->object == SQLO_TABLE && strcmp(in->verb, "CREATE") == 0)
		strip_start_transaction(sql);
	/* collations the destination lacks, charsets whose defaults differ */
	{
		bool changed = false;
		char err[512];
		char *cs = collations_rewrite_sql(a->colls, sql, strlen(sql),
		    in->object == SQLO_TABLE || in->object == SQLO_DATABASE, &changed, err,
		    sizeof(err));
		if (cs == NULL) {
			set_fatal(a, "DDL at %s:%" PRIu64 " on %s%s%s: %s: %.200s", a->file,
			    ev->offset, in->nrefs ? in->refs[0].db : "?",
			    in->nrefs && in->object != SQLO_DATABASE ? "." : "",
			    in->nrefs && in->object != SQLO_DATABASE ? in->refs[0].name : "",
			    err, sql);
			goto out;
		}
		if (changed)
			log_info("%s:%" PRIu64 ": collations translated for the destination: "
			    "%.300s", a->file, ev->offset, cs);
		free(sql);
		sql = cs;
	}
	if (in->object == SQLO_TRIGGER && strcasecmp(in->verb, "CREATE") == 0) {
		/* the trigger must not act for myshift's replayed rows: guarded */
		struct sbuf g = { 0 };
		char err[300];
		if (!objects_trigger_guard(sql, strlen(sql), &g, err, sizeof(err))) {
			sbuf_free(&g);
			set_fatal(a, "DDL at %s:%" PRIu64 ": %s", a->file, ev->offset, err);
			goto out;
		}
		free(sql);
		sql = g.p;
	}
	/* was this DDL applied before a crash? */
	sbuf_printf(&s, "SELECT CONCAT_WS(' ', IFNULL(ddl_fingerprint, '-'), IFNULL(ddl_file, '-'), "
	    "IFNULL(ddl_pos, 0)) FROM `%s`.`checkpoint` WHERE id = 1", a->cfg->state_schema);
	sbuf_addc(&s, '\0');
	if (!dest_value(&a->d, s.p, &have_fp)) {
		set_dest_error(a, NULL);
		goto out;
	}
	if (!fingerprint(a, in, defdb, fp0, sizeof(fp0)))
		goto out;
	if (have_fp != NULL) {
		char f[64], file[520];
		unsigned long long p = 0;
		if (sscanf(have_fp, "%63s %519s %llu", f, file, &p) == 3 &&
		    strcmp(file, end_file) == 0 && p == end_pos && strcmp(f, fp0) != 0) {
			log_info("%s:%" PRIu64 ": DDL already applied before a restart (schema "
			    "changed since): not applied twice", a->file, ev->offset);
			skip = true;
		}
	}
	(void)have_file;
	(void)have_pos;
	if (!skip) {
		sbuf_reset(&s);
		sbuf_printf(&s, "UPDATE `%s`.`checkpoint` SET ddl_fingerprint = '%s', ddl_file = ",
		    a->cfg->state_schema, fp0);
		sbuf_sql_string(&s, end_file);
		sbuf_printf(&s, ", ddl_pos = %" PRIu64 " WHERE id = 1", end_pos);
		sbuf_addc(&s, '\0');
		if (!dest_exec(&a->d, s.p)) {
			set_dest_error(a, NULL);
			goto out;
		}
		if (defdb[0] && in->object != SQLO_DATABASE) {
			filter_map(a->f, defdb, NULL, dstdb, sizeof(dstdb), tn, sizeof(tn));
			if (strcmp(dstdb, a->cur_db) != 0) {
				if (mysql_select_db(a->d.my, dstdb) == 0)
					snprintf(a->cur_db, sizeof(a->cur_db), "%s", dstdb);
				else {
					a->d.errnum = mysql_errno(a->d.my);
					snprintf(a->d.err, sizeof(a->d.err), "%s: USE `%s` for the "
					    "statement at %s:%" PRIu64 ": %s%s", a->d.where, dstdb,
					    a->file, ev->offset, mysql_error(a->d.my),
					    a->d.errnum == ER_BAD_DB_ERROR ? " (the destination must "
					    "hold the source's schema as of the start position: load "
					    "a snapshot first, or start where the database is created)" :
					    "");
					set_dest_error(a, NULL);
					goto out;
				}
			}
		}
		if (!session_query(a, ev))
			goto out;
		if (mysql_real_query(a->d.my, sql, strlen(sql)) != 0) {
			a->d.errnum = mysql_errno(a->d.my);
			snprintf(a->d.err, sizeof(a->d.err), "%s: replaying the statement at %s:%"
			    PRIu64 " failed: %.300s (error %u): %.200s", a->d.where, a->file,
			    ev->offset, mysql_error(a->d.my), a->d.errnum,
			    in->kind == SQL_ACCOUNT ? "(account statement, text not shown)" : sql);
			set_dest_error(a, NULL);
			goto out;
		}
		{
			MYSQL_RES *res;
			do {
				if ((res = mysql_store_result(a->d.my)) != NULL)
					mysql_free_result(res);
			} while (mysql_next_result(a->d.my) == 0);
		}
		if (!session_restore(a))
			goto out;
		pthread_mutex_lock(&a->lock);
		a->stats.ddl++;
		pthread_mutex_unlock(&a->lock);
	}
	(void)fp1;
	net_free(a); /* empty after the flush above; its tables are about to go */
	schema_flush(&a->sc, free_stmts);
	ok = true;
out:
	free(sql);
	free(have_fp);
	sbuf_free(&s);
	return ok;
}

/* ----------------------------------------------------------- the loop */

/* A QUERY that is not DDL: refuse statement-based changes, run savepoints. */
static bool
check_query(struct applier *a, const struct binlog_event *ev, struct sql_info *in)
{
	const struct binlog_query *q = &ev->query;
	char defdb[200];

	snprintf(defdb, sizeof(defdb), "%.*s", (int)q->db.len, q->db.p);
	sql_classify_mode(q->query.p, q->query.len, defdb,
	    q->has_sql_mode ? q->sql_mode : 0, in);
	switch (in->kind) {
	case SQL_DML:
		set_fatal(a, "statement-based change at %s:%" PRIu64 " (%.*s): myshift "
		    "replays row events only; set binlog_format=ROW on the source "
		    "(SET GLOBAL binlog_format='ROW', and in its configuration), then "
		    "restart myshift; nothing after the last complete transaction was "
		    "applied", a->file, ev->offset,
		    (int)(q->query.len > 120 ? 120 : q->query.len), q->query.p);
		return false;
	case SQL_XA:
		/* the statement names the xid: XA START X'..',X'..',format */
		set_fatal(a, "XA transaction at %s:%" PRIu64 ", statement %.*s: myshift "
		    "does not replay XA transactions (XA START ... XA PREPARE is one "
		    "binlog transaction, its XA COMMIT or XA ROLLBACK a later one); "
		    "nothing from this transaction on was applied, and a restart stops "
		    "here again. Finish the XA transaction on the source (XA RECOVER "
		    "lists it), then copy the tables it changed to the destination "
		    "again (a new snapshot); run no XA transactions on the source while "
		    "myshift replicates", a->file, ev->offset,
		    (int)(q->query.len > 160 ? 160 : q->query.len), q->query.p);
		return false;
	case SQL_OTHER:
		set_fatal(a, "statement at %s:%" PRIu64 " is not understood, so it is not "
		    "skipped: %.*s", a->file, ev->offset,
		    (int)(q->query.len > 160 ? 160 : q->query.len), q->query.p);
		return false;
	default:
		return true;
	}
}

/* Apply one decoded event of the current group. */
static bool apply_event(struct applier *a, const struct binlog_event *ev);

static bool
apply_payload(struct applier *a, const struct binlog_event *ev)
{
	struct binlog_payload_iter *it;
	struct binlog_event inner;
	struct proto_err err = { 0 };
	int rc;

	if ((it = binlog_payload_open(a->dec, ev, &err)) == NULL) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	while ((rc = binlog_payload_next(it, &inner, &err)) == 1)
		if (!apply_event(a, &inner))
			break;
	binlog_payload_close(it);
	if (rc < 0) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	return a->status == APPLIER_RUNNING;
}

static bool
apply_event(struct applier *a, const struct binlog_event *ev)
{
	struct sql_info in;

	switch (ev->h.type) {
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		if (!check_query(a, ev, &in))
			return false;
		switch (in.kind) {
		case SQL_EMPTY:
		case SQL_BEGIN:
		case SQL_COMMIT:
		case SQL_ROLLBACK:
			return true;
		case SQL_SAVEPOINT:
			if (!dest_begin(a))
				goto dest_err;
			if (mysql_real_query(a->d.my, ev->query.query.p, ev->query.query.len) != 0) {
				a->d.errnum = mysql_errno(a->d.my);
				snprintf(a->d.err, sizeof(a->d.err), "%s: %.*s: %s", a->d.where,
				    (int)ev->query.query.len, ev->query.query.p, mysql_error(a->d.my));
				goto dest_err;
			}
			return true;
		case SQL_ADMIN:
			log_info("%s:%" PRIu64 ": maintenance statement not replayed: %.*s",
			    a->file, ev->offset, (int)(ev->query.query.len > 80 ? 80 :
			    ev->query.query.len), ev->query.query.p);
			return true;
		case SQL_ACCOUNT:
			if (!a->cfg->replicate_accounts) {
				/* the text may hold a password: name the verb only */
				log_info("%s:%" PRIu64 ": account statement (%s) not replayed "
				    "([apply] replicate_accounts = false)", a->file, ev->offset,
				    in.verb[0] ? in.verb : "GRANT/USER");
				return true;
			}
			/* FALLTHROUGH */
		case SQL_DDL:
			/* implicit commit: the batch before it goes first */
			if (!flush_batch(a))
				goto dest_err;
			/* the DDL event's own end names it when it is met again */
			return apply_ddl(a, ev, &in, a->file, ev->offset + ev->h.event_size);
		default:
			return false;
		}
	case BINLOG_TABLE_MAP_EVENT:
		return true;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		return apply_payload(a, ev);
	case BINLOG_INCIDENT_EVENT:
		set_fatal(a, "the source logged an incident at %s:%" PRIu64 " (type %u: %.*s): "
		    "changes may be missing from its binlog; resynchronise with a new "
		    "snapshot", a->file, ev->offset, ev->incident.type,
		    (int)ev->incident.message.len, ev->incident.message.p);
		return false;
	default:
		if (binlog_type_is_rows(ev->h.type)) {
			if (!dest_begin(a))
				goto dest_err;
			a->batch_bytes += ev->h.event_size;
			return apply_rows(a, ev);
		}
		if (!binlog_type_known(ev->h.type)) {
			/* the decoder lets through only types the source flagged ignorable */
			log_warn("%s:%" PRIu64 ": event type %u, flagged ignorable by the "
			    "source, skipped", a->file, ev->offset, ev->h.type);
			return true;
		}
		/* GTID, XID, INTVAR, RAND, USER_VAR, ANNOTATE, ROTATE, FDE, ...: nothing to replay */
		return true;
	}
dest_err:
	set_dest_error(a, NULL);
	return false;
}

/* Decode and apply one raw event (it->pos: where it starts in its file). */
static bool
apply_raw(struct applier *a, const struct qitem *it)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };
	if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err)) {
		set_fatal(a, "%s: at offset %" PRIu64 ": %s", a->file, err.offset, err.msg);
		return false;
	}
	if (ev.h.type == BINLOG_ROTATE_EVENT)
		snprintf(a->file, sizeof(a->file), "%.*s", (int)ev.rotate.file.len,
		    ev.rotate.file.p);
	if (ev.h.timestamp != 0 && !(ev.h.flags & BINLOG_F_ARTIFICIAL))
		a->group_ts = ev.h.timestamp;
	if (a->in_seam && it->pos != 0 && !seam_at(a, it->pos) &&
	    a->status != APPLIER_RUNNING)
		return false;
	return apply_event(a, &ev);
}

static void
trx_clear(struct applier *a)
{
	struct qitem *it, *next;

	for (it = a->trx_head; it != NULL; it = next) {
		next = it->next;
		free(it);
	}
	a->trx_head = a->trx_tail = NULL;
	a->trx_bytes = 0;
	a->group_in_order = false;
}

/*
 * Before a held group is applied: a statement-based change in it stops
 * everything with the batch before it committed and nothing of it applied.
 */
static bool
trx_precheck(struct applier *a)
{
	struct binlog_event ev;
	struct proto_err err = { 0 };
	struct sql_info in;

	for (struct qitem *it = a->trx_head; it != NULL; it = it->next) {
		uint8_t t = it->len > 4 ? it->data[4] : 0;
		if (t != BINLOG_QUERY_EVENT && t != BINLOG_MARIA_QUERY_COMPRESSED_EVENT)
			continue;
		if (!binlog_decode(a->dec, it->data, it->len, it->pos, &ev, &err))
			continue; /* reported when applied */
		sql_classify_mode(ev.query.query.p, ev.query.query.len, "",
		    ev.query.has_sql_mode ? ev.query.sql_mode : 0, &in);
		if (in.kind == SQL_SAVEPOINT && !a->group_in_order) {
			/*
			 * ROLLBACK TO must find this group's rows on the server:
			 * write what the batch holds, then apply the group in order.
			 */
			if (!net_flush_all(a)) {
				set_dest_error(a, NULL);
				return false;
			}
			a->group_in_order = true;
		}
		if (in.kind == SQL_DML || in.kind == SQL_XA || in.kind == SQL_OTHER) {
			if (!flush_batch(a)) {
				set_dest_error(a, NULL);
				return false;
			}
			(void)check_query(a, &ev, &in);
			return false;
		}
	}
	return true;
}

/* Apply the held group (its events are complete). */
static bool
trx_apply(struct applier *a)
{
	for (struct qitem *it = a->trx_head; it != NULL; it = it->next)
		if (!apply_raw(a, it))
			return false;
	return true;
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

/* A group is complete at file:pos with gtid. */
static bool
on_commit(struct applier *a, const struct qitem *it)
{
	const char *file = (const char *)it->data;
	const char *gtid = file + strlen(file) + 1;
	bool is_trx = a->streaming;

	/* a group of bookkeeping events only (rotate, GTID list) is no transaction */
	for (const struct qitem *e = a->trx_head; e != NULL && !is_trx; e = e->next) {
		uint8_t t = e->len > 4 ? e->data[4] : 0;
		is_trx = t == BINLOG_QUERY_EVENT || t == BINLOG_MARIA_QUERY_COMPRESSED_EVENT ||
		    t == BINLOG_XID_EVENT || t == BINLOG_MARIA_GTID_EVENT ||
		    t == BINLOG_GTID_EVENT || t == BINLOG_ANONYMOUS_GTID_EVENT ||
		    t == BINLOG_GTID_TAGGED_EVENT ||
		    t == BINLOG_TRANSACTION_PAYLOAD_EVENT || t == BINLOG_TABLE_MAP_EVENT ||
		    t == BINLOG_XA_PREPARE_EVENT || binlog_type_is_rows(t);
	}
	if (!a->streaming) {
		if (!trx_precheck(a) || !trx_apply(a))
			return false;
	}
	trx_clear(a);
	snprintf(a->file, sizeof(a->file), "%s", file);
	a->pos = it->pos;
	if ((size_t)(gtid - file) < it->len) {
		if (strlen(gtid) >= sizeof(a->gtid)) {
			set_fatal(a, "the source's GTID set at %s:%" PRIu64 " is %zu bytes "
			    "long, more than the %zu the checkpoint can hold", file, it->pos,
			    strlen(gtid), sizeof(a->gtid) - 1);
			return false;
		}
		snprintf(a->gtid, sizeof(a->gtid), "%s", gtid);
	}
	if (!is_trx) {
		/*
		 * The position moves with the next checkpoint; but past a real
		 * rotate it is written now, so a restart never asks for a file
		 * the source may have purged since.
		 */
		if (!a->in_trx && it->pos <= 4 && !ckpt_write(a))
			goto err;
		return true;
	}
	a->total_trx++;
	if (a->streaming) {
		a->streaming = false;
		if (!flush_batch(a))
			goto err;
		return true;
	}
	if (!a->in_trx) {
		/* nothing open (a DDL group, or filtered rows): checkpoint now */
		if (!ckpt_write(a))
			goto err;
		publish(a);
		return true;
	}
	a->batch_trx++;
	if (a->batch_trx >= (unsigned)a->cfg->batch_transactions ||
	    a->batch_bytes >= (size_t)a->cfg->batch_bytes ||
	    elapsed_ms(&a->batch_start) > 1000) {
		if (!flush_batch(a))
			goto err;
	}
	return true;
err:
	set_dest_error(a, NULL);
	return false;
}

static bool
on_event(struct applier *a, struct qitem *it)
{
	if (a->streaming) {
		bool ok = apply_raw(a, it);
		free(it);
		return ok;
	}
	if (a->trx_tail != NULL)
		a->trx_tail->next = it;
	else
		a->trx_head = it;
	a->trx_tail = it;
	a->trx_bytes += it->len;
	if (a->trx_bytes > (size_t)a->cfg->batch_bytes) {
		/* too big to hold: commit the batch, then apply as it arrives */
		if (!flush_batch(a)) {
			set_dest_error(a, NULL);
			return false;
		}
		if (!trx_precheck(a) || !dest_begin(a)) {
			if (a->status == APPLIER_RUNNING)
				set_dest_error(a, NULL);
			return false;
		}
		a->streaming = true;
		if (!trx_apply(a))
			return false;
		trx_clear(a);
	}
	return true;
}

/* Start from the checkpoint's figures (counts carry over restarts). */
static bool
ckpt_resume(struct applier *a)
{
	char sql[300];
	MYSQL_RES *res;
	MYSQL_ROW row;

	snprintf(sql, sizeof(sql), "SELECT source_file, source_pos, source_gtid, "
	    "transactions FROM `%s`.`checkpoint` WHERE id = 1", a->cfg->state_schema);
	if (mysql_query(a->d.my, sql) != 0 || (res = mysql_store_result(a->d.my)) == NULL) {
		a->d.errnum = mysql_errno(a->d.my);
		snprintf(a->d.err, sizeof(a->d.err), "%s: reading the checkpoint: %s",
		    a->d.where, mysql_error(a->d.my));
		return false;
	}
	if ((row = mysql_fetch_row(res)) != NULL) {
		snprintf(a->file, sizeof(a->file), "%s", row[0] ? row[0] : "");
		a->pos = row[1] ? strtoull(row[1], NULL, 10) : 0;
		snprintf(a->gtid, sizeof(a->gtid), "%s", row[2] ? row[2] : "");
		a->total_trx = row[3] ? strtoull(row[3], NULL, 10) : 0;
	}
	mysql_free_result(res);
	publish(a);
	return true;
}

static bool
setup(struct applier *a)
{
	a->fp_innodb = true;
	if (!dest_connect(&a->d, &a->cfg->destination, "destination") ||
	    !session_rows(a) ||
	    !state_schema_create(&a->d, a->cfg->state_schema) || !ckpt_prepare(a) ||
	    !ckpt_resume(a)) {
		set_dest_error(a, NULL);
		if (a->status == APPLIER_FATAL && !dest_transient(&a->d) &&
		    a->d.errnum >= 2000 && a->d.errnum < 3000)
			a->status = APPLIER_RETRY; /* client-side: cannot connect */
		return false;
	}
	a->mariadb = strstr(mysql_get_server_info(a->d.my), "MariaDB") != NULL;
	{
		char err[1024];
		migrate_seam_free(&a->seam);
		if (!migrate_seam_read(&a->d, a->cfg->state_schema, &a->seam, err,
		    sizeof(err))) {
			set_fatal(a, "%s", err);
			a->status = APPLIER_RETRY;
			return false;
		}
		a->in_seam = a->seam.file[0] != '\0';
		if (a->in_seam && snap_pos_cmp(a->file, a->pos, a->seam.file, a->seam.pos) >= 0 &&
		    !seam_at(a, a->pos)) {
			/* already at the seam's end (nothing was written during the copy) */
			if (a->status != APPLIER_RUNNING)
				return false;
		}
		if (a->in_seam)
			log_info("catch-up after the copy: replay is idempotent until %s:%llu "
			    "(%u table(s) copied whole)", a->seam.file, a->seam.pos,
			    a->seam.nkeyless);
	}
	return load_collations(a);
}

static void *
applier_main(void *arg)
{
	struct applier *a = arg;
	struct qitem *it;

	if (!setup(a))
		goto out;
	while (a->status == APPLIER_RUNNING) {
		int wait;
		if (a->stop && !a->streaming && a->trx_head == NULL) {
			if (!flush_batch(a))
				set_dest_error(a, NULL);
			else
				a->status = APPLIER_DONE;
			break;
		}
		wait = a->in_trx && !a->streaming ? a->cfg->batch_wait_ms : 200;
		it = queue_pop(a->q, wait);
		if (it == NULL) {
			if (a->in_trx && !a->streaming && !flush_batch(a))
				set_dest_error(a, NULL);
			continue;
		}
		switch (it->kind) {
		case QI_START:
			binlog_decoder_forget_tables(a->dec);
			binlog_decoder_set_checksum(a->dec, it->len ? it->data[0] : 0);
			binlog_decoder_set_verify(a->dec, false); /* the reader verified */
			free(it);
			break;
		case QI_EVENT:
			(void)on_event(a, it);
			break;
		case QI_COMMIT:
			(void)on_commit(a, it);
			free(it);
			break;
		case QI_DISCARD:
			trx_clear(a);
			if (a->streaming) {
				rollback(a);
				a->streaming = false;
			}
			free(it);
			break;
		case QI_END:
			if (!a->streaming && a->trx_head == NULL && !flush_batch(a))
				set_dest_error(a, NULL);
			else if (a->status == APPLIER_RUNNING)
				a->status = APPLIER_DONE;
			free(it);
			break;
		}
	}
out:
	if (a->status != APPLIER_DONE)
		rollback(a);
	trx_clear(a);
	__atomic_store_n(&a->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

enum applier_status
applier_state(struct applier *a)
{
	if (!__atomic_load_n(&a->finished, __ATOMIC_ACQUIRE))
		return APPLIER_RUNNING;
	return a->status;
}

struct applier *
applier_start(const struct cfg *c, struct queue *q, const struct filter *f, char *err,
    size_t errlen)
{
	struct applier *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->cfg = c;
	a->q = q;
	a->f = f;
	a->status = APPLIER_RUNNING;
	pthread_mutex_init(&a->lock, NULL);
	a->dec = binlog_decoder_new();
	if (a->dec == NULL || pthread_create(&a->thread, NULL, applier_main, a) != 0) {
		snprintf(err, errlen, "cannot start the applier thread");
		binlog_decoder_free(a->dec);
		free(a);
		return NULL;
	}
	return a;
}

void
applier_stop(struct applier *a)
{
	a->stop = 1;
}

enum applier_status
applier_join(struct applier *a, char *msg, size_t msglen)
{
	pthread_join(a->thread, NULL);
	snprintf(msg, msglen, "%s", a->msg);
	return a->status;
}

void
applier_get_stats(struct applier *a, struct applier_stats *out)
{
	pthread_mutex_lock(&a->lock);
	*out = a->stats;
	pthread_mutex_unlock(&a->lock);
}

void
applier_free(struct applier *a)
{
	if (a == NULL)
		return;
	net_free(a);
	sbuf_free(&a->keybuf);
	sbuf_free(&a->jsig);
	sbuf_free(&a->jtmp);
	sbuf_free(&a->jsqltmp);
	sbuf_free(&a->jxsql);
	free(a->jx);
	schema_flush(&a->sc, free_stmts);
	migrate_seam_free(&a->seam);
	if (a->ckpt_st != NULL)
		mysql_stmt_close(a->ckpt_st);
	dest_close(&a->d);
	collations_free(a->colls);
	binlog_decoder_free(a->dec);
	arena_free(&a->ar);
	free(a->binds);
	free(a->vals);
	pthread_mutex_destroy(&a->lock);
	free(a);
}
