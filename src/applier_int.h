/* applier_int.h: what the applier's files share: its state, and its functions across files. */
#ifndef SRC_APPLIER_INT_H
#define SRC_APPLIER_INT_H

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
#include "src/recent.h"
#include "src/snapshot.h"
#include "src/schema.h"
#include "src/sqlclass.h"
#include "src/state.h"

#if defined(LIBMARIADB)
typedef my_bool db_bool;
#else
typedef bool db_bool;
#endif

#define ROW_SQL_MODE "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"
#define MAX_MULTI_ROWS 256
/*
 * Rows in the next multi-row statement for n rows still to write: all of
 * them up to MULTI_EXACT (one statement for the few rows of a batch under
 * a steady load), else the largest power of two, so that a table has few
 * prepared statement shapes.
 */
#define MULTI_EXACT 32
/* Prepared statements cached per destination table (stmt_get()). */
#define STMTS_PER_TABLE 64
/*
 * Columns of a table (MySQL allows 4096, InnoDB 1017), and the size of a
 * bitmap of them (columns written, compared, updated by JSON_*).
 */
#define COLS_MAX 4096
#define COLS_BM (COLS_MAX / 8)
static inline uint32_t
multi_rows(uint32_t n)
{
	uint32_t pw = 1;

	if (n <= MULTI_EXACT)
		return n;
	while (pw * 2 <= n)
		pw *= 2;
	return pw;
}
#define MAX_PARAMS 65535

/* Scratch memory for converted values; reset after each statement. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	uint8_t data[];
};
struct arena {
	struct arena_block *head;
};
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
	uint8_t usable[COLS_BM];        /* columns written: not generated, not filtered */
	struct net_entry *e;
	uint32_t n, cap;
	uint32_t *slots;           /* open addressing: entry index + 1 */
	uint32_t nslots;
	unsigned recheck;          /* batches still written the checked way */
};
/* A prepared statement for one table, kind, image shape and row count. */
struct schema_stmt {
	struct schema_stmt *next;
	enum stmt_kind kind;
	uint32_t nrows;
	uint8_t shape[2][COLS_BM];    /* columns used: [0] SET/VALUES, [1] WHERE (bitmaps) */
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
	int hold_req;            /* a hold is pending or held (atomic) */
	pthread_cond_t hold_cv;  /* with lock: a hold's release */
	time_t hold_until;
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
	size_t net_bytes;        /* rows events folded into the batch's net effect */
	/* an XA group (src/applier_xa.c) */
	char xa_xid[300];        /* X'gtrid',X'bqual',format */
	uint64_t xa_pos;         /* its last XA statement (XA COMMIT's: where rows count) */
	bool xa_replay;          /* applying its rows: XA statements are no-ops */
	int xa_group;            /* enum xa_group of the held group */
	bool xa_dirty;           /* xa_pending changed in the open batch: recount after its commit */

	/* the destination transaction */
	bool in_trx;
	unsigned batch_trx;
	size_t batch_bytes;
	struct timespec batch_start;
	uint64_t batch_first_us; /* when its first complete transaction arrived */
	uint64_t last_wait_us;   /* how long the last transaction waited in the queue */
	uint64_t batch_src_us;   /* MySQL: its first transaction's source commit */
	uint64_t batch_late_us;  /* the longest a transaction took to reach myshift */
	/* position of the last complete source group applied (not yet committed) */
	char file[512];
	uint64_t pos;
	char gtid[65536];
	uint32_t group_ts;
	uint64_t group_commit_us;  /* MySQL: the GTID event's immediate_commit_timestamp */
	uint64_t last_commit_us;   /* the last complete group's estimate (stats) */
	uint64_t groups;           /* QI_COMMIT items handled */
	uint64_t hb_ts;            /* the newest heartbeat seen (src/heartbeat.h) */
	uint64_t total_trx;
	bool fk_checks;          /* current session foreign_key_checks */
	/*
	 * start = snapshot: until the stream reaches the highest position a
	 * chunk was read at, a change may already be in the copied rows.
	 */
	struct state_seam seam;
	bool in_seam;
	bool gone_due;               /* the seam ended: tables gone during the copy to settle */
	char cur_db[200];        /* current USE database */
	/* net-effect batching */
	struct net_table *net;
	struct arena bar;        /* row images of the open batch */
	struct sbuf keybuf;
	bool group_in_order;     /* this group has savepoints: no batching */
	bool mariadb;            /* destination flavour */
	bool gtid_strict;        /* MySQL, enforce_gtid_consistency = ON: no change of a
	                          * non-transactional table inside a transaction */
	bool enum_zero;          /* a bound ENUM value is 0 (the error value) */
	bool fp_innodb;          /* DDL fingerprints include InnoDB table ids */
	struct collations *colls; /* source ids to destination names */
	/* the partial JSON columns of the row being updated (partial_prepare) */
	struct {
		const char *p;   /* the new document's text, in the arena */
		size_t len;
		const char *sql; /* MySQL: its typed expression (jsonb_to_sql), or NULL */
		size_t sqllen;
	} jtext[COLS_MAX];
	uint8_t jsql[COLS_BM];        /* columns updated by a JSON_* expression instead */
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
	struct recent *recent;   /* the keys of the last rows changed ([cutover] verify_rows), or NULL */
	char jxerr[256];         /* why a JSON value has no exact expression */
};

/* Note the keys of a changed row (its before and/or after image) for the cutover. */
static inline void
note_row(struct applier *a, const struct binlog_rows_event *r, const struct schema_table *st,
    const struct binlog_row *before, const struct binlog_row *after)
{
	if (a->recent == NULL)
		return;
	if (before != NULL)
		recent_note(a->recent, r->table->db.p, r->table->table.p, r->table, st,
		    before->vals);
	if (after != NULL)
		recent_note(a->recent, r->table->db.p, r->table->table.p, r->table, st,
		    after->vals);
}

/* Functions of the applier's files, used across them. */
void *arena_alloc(struct arena *ar, size_t n);
void arena_reset(struct arena *ar);
void arena_free(struct arena *ar);
void set_fatal(struct applier *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void set_dest_error(struct applier *a, const char *context);
void free_stmts(struct schema_table *t);
bool old_hires_time(uint8_t type, unsigned fsp);
bool ckpt_write(struct applier *a);
bool session_rows(struct applier *a);
bool dest_begin(struct applier *a);
void publish(struct applier *a);
bool flush_batch(struct applier *a);
/* CLOCK_REALTIME in microseconds. */
uint64_t wall_us(void);
void rollback(struct applier *a);
void jx_reset(struct applier *a);
bool jx_add(struct applier *a, uint32_t param, size_t at);
MYSQL_TIME *new_time(struct applier *a);
bool bind_value(struct applier *a, MYSQL_BIND *b, const struct binlog_col *col,
    const struct schema_col *sc, const struct binlog_value *v);
bool bm_get(const uint8_t *bm, uint32_t i);
void bm_set(uint8_t *bm, uint32_t i);
void usable_columns(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st, const uint8_t *present, uint8_t out[COLS_BM],
    const char *src_db, const char *src_table);
bool where_shape(const struct schema_table *st, const uint8_t usable[COLS_BM], uint8_t out[COLS_BM]);
void add_table_name(struct sbuf *q, const struct schema_table *st);
uint32_t add_insert(struct sbuf *q, const char *verb, const struct schema_table *st,
    const uint8_t set[COLS_BM], uint32_t nrows);
const char *jsig_ops(const char *jsig, uint32_t i, size_t *n);
uint32_t add_json_expr(struct sbuf *q, const char *col, const char *ops, size_t n);
bool jx_substitute(struct applier *a, const struct sbuf *q, struct sbuf *out);
unsigned long dest_max_packet(struct applier *a);
void stmt_done(struct schema_stmt *s);
struct schema_stmt *stmt_get(struct applier *a, struct schema_table *st, enum stmt_kind kind,
    const uint8_t set[COLS_BM], const uint8_t where[COLS_BM], bool keyed, uint32_t nrows,
    const char *jsig);
bool ensure_binds(struct applier *a, uint32_t n);
bool ensure_vals(struct applier *a, size_t n);
void bind_text(MYSQL_BIND *b, const void *p, size_t len);
bool bind_json_diff(struct applier *a, const struct binlog_table *t, uint32_t i,
    const struct binlog_value *v, uint32_t *k);
bool bind_image(struct applier *a, const struct binlog_table *t, const struct schema_table *st,
    const uint8_t shape[COLS_BM], const struct binlog_value *vals, uint32_t *k);
bool rows_warnings(struct applier *a, const char *what, const char *db, const char *table);
bool stmt_exec(struct applier *a, struct schema_stmt *s, const struct binlog_table *t,
    const struct binlog_event *ev, uint64_t expect);
bool stmt_run(struct applier *a, struct schema_stmt *s, const struct binlog_table *t,
    const struct binlog_event *ev, uint64_t expect);
struct net_table *net_find(struct applier *a, struct schema_table *st);
bool net_eligible(struct applier *a, const struct binlog_rows_event *r,
    const struct schema_table *st);
struct binlog_value *net_copy(struct applier *a, const struct binlog_value *v, uint32_t n);
bool net_key(struct applier *a, const struct schema_table *st, const struct binlog_value *v);
uint32_t net_hash(const uint8_t *p, size_t n);
bool net_put(struct applier *a, struct net_table *nt, bool present,
    const struct binlog_value *vals, uint8_t need);
bool net_verify(struct applier *a, struct net_table *nt);
bool net_flush_table(struct applier *a, struct net_table *nt);
bool net_flush_all(struct applier *a);
void net_free(struct applier *a);
bool net_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t usable[COLS_BM]);
bool partial_prepare(struct applier *a, const struct binlog_event *ev,
    const struct schema_table *st, const uint8_t set[COLS_BM],
    const struct binlog_row *before, const struct binlog_row *after);
/* src/applier_xa.c */
enum xa_group {
	XA_G_NONE,      /* no XA statement */
	XA_G_PREPARED,  /* XA START ... XA PREPARE: held until its outcome */
	XA_G_ONE_PHASE, /* XA START ... XA COMMIT ONE PHASE: an ordinary transaction */
	XA_G_COMMIT,    /* XA COMMIT xid: the held transaction applied */
	XA_G_ROLLBACK,  /* XA ROLLBACK xid: the held transaction dropped */
	XA_G_UNKNOWN,
};
/* What the held group is (sets a->xa_xid, a->xa_pos). */
enum xa_group xa_classify(struct applier *a);
/* Publish how many XA transactions xa_pending holds (stats.xa_held). */
bool xa_count_held(struct applier *a);
/* Whether the held (incomplete) group begins with XA START. */
bool xa_started(const struct applier *a);
/* The largest prepared group held in memory and in the state schema. */
size_t xa_hold_max(void);
/* Apply the held group of kind g (in the open batch). */
bool xa_apply(struct applier *a, enum xa_group g);
bool apply_rows(struct applier *a, const struct binlog_event *ev);
bool set_fk(struct applier *a, bool on);
bool seam_at(struct applier *a, uint64_t offset);
bool seam_end(struct applier *a);
bool seam_gone(struct applier *a);
const struct state_seam_table *seam_keyless(const struct applier *a, const char *db, const char *table);
bool seam_exec(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    enum stmt_kind kind, const uint8_t set[COLS_BM], const struct binlog_value *set_vals,
    const uint8_t where[COLS_BM], const struct binlog_value *where_vals, uint64_t expect);
bool seam_row(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[COLS_BM], const uint8_t use_after[COLS_BM], const uint8_t where[COLS_BM],
    struct binlog_row *before, struct binlog_row *after);
bool seam_rows(struct applier *a, const struct binlog_event *ev, struct schema_table *st,
    const uint8_t use_before[COLS_BM], const uint8_t use_after[COLS_BM], const uint8_t where[COLS_BM]);
void strip_start_transaction(char *sql);
bool load_collations(struct applier *a);
bool session_query(struct applier *a, const struct binlog_event *ev);
bool session_restore(struct applier *a);
bool fingerprint(struct applier *a, const struct sql_info *in, const char *defdb,
    char *out, size_t outlen);
int ddl_selected(struct applier *a, const struct sql_info *in, const char *defdb);
bool ddl_mysql_types(struct applier *a, const struct binlog_event *ev,
    const struct sql_info *in, const char *end_file, uint64_t end_pos);
bool apply_ddl(struct applier *a, const struct binlog_event *ev, const struct sql_info *in,
    const char *end_file, uint64_t end_pos);
bool check_query(struct applier *a, const struct binlog_event *ev, struct sql_info *in);
bool apply_payload(struct applier *a, const struct binlog_event *ev);
bool apply_event(struct applier *a, const struct binlog_event *ev);
bool apply_raw(struct applier *a, const struct qitem *it);
void trx_clear(struct applier *a);
bool trx_precheck(struct applier *a);
bool trx_apply(struct applier *a);
double elapsed_ms(const struct timespec *t0);
bool on_commit(struct applier *a, const struct qitem *it);
bool on_event(struct applier *a, struct qitem *it);
bool ckpt_resume(struct applier *a);
bool setup(struct applier *a);
void *applier_main(void *arg);

#endif
