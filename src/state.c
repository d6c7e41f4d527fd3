/* state.c: what myshift keeps on the destination: where applying resumes, the migration's phase and seam, the copy's chunks. */
#include "src/state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysqld_error.h>

#include "proto/sbuf.h"
#include "src/log.h"

/* ------------------------------------------------------------ definitions */

/*
 * The state schema and its checkpoint table. source_server names the server
 * the positions belong to (a MySQL source's server_uuid; empty for MariaDB,
 * whose positions are checked with BINLOG_GTID_POS); a table made before
 * that column existed gets it.
 */
bool
state_schema_create(struct dest *d, const char *schema)
{
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
	if (!dest_add_column(d, schema, "checkpoint", "source_server", "source_server "
	    "VARCHAR(255) NOT NULL DEFAULT '' AFTER ddl_fingerprint"))
		return false;
	/* prepared XA transactions of the source, held until their outcome
	 * (src/applier_xa.c): the group's events, 1 MB a row */
	return dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`xa_pending` ("
	    "xid VARCHAR(300) CHARACTER SET ascii NOT NULL, "
	    "seq INT UNSIGNED NOT NULL, "
	    "source_file VARCHAR(512) NOT NULL, "
	    "source_pos BIGINT UNSIGNED NOT NULL, "
	    "events MEDIUMBLOB NOT NULL, "
	    "held_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
	    "PRIMARY KEY (xid, seq)) ENGINE=InnoDB", schema);
}

/*
 * copy_chunks: snap_*: the position the chunk's rows are as of (for a table
 * of an engine without transactions: at least as of); end_*: for such a
 * table's chunk with a key, the source's position once its rows were read
 * (changes up to there may be in them); gone: 1 the table was found gone
 * from the source (dropped or renamed), 2 that is settled.
 */
bool
state_migration_create(struct dest *d, const char *s)
{
	return dest_execf(d, "CREATE DATABASE IF NOT EXISTS `%s`", s) &&
	    dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`migration` ("
		"id TINYINT UNSIGNED NOT NULL PRIMARY KEY, phase VARCHAR(16) NOT NULL, "
		"seam_file VARCHAR(512) NULL, seam_pos BIGINT UNSIGNED NULL, "
		"updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE "
		"CURRENT_TIMESTAMP(6)) ENGINE=InnoDB", s) &&
	    dest_add_column(d, s, "migration", "seam_gtid",
		"seam_gtid MEDIUMTEXT NULL AFTER seam_pos") &&
	    dest_add_column(d, s, "migration", "xa_copied",
		"xa_copied MEDIUMTEXT NULL AFTER seam_gtid") &&
	    dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`copy_tables` ("
		"src_db VARCHAR(64) NOT NULL, src_table VARCHAR(64) NOT NULL, "
		"dst_db VARCHAR(64) NOT NULL, dst_table VARCHAR(64) NOT NULL, "
		"deferred_indexes MEDIUMTEXT NULL, deferred_fks MEDIUMTEXT NULL, "
		"indexed TINYINT NOT NULL DEFAULT 0, fks TINYINT NOT NULL DEFAULT 0, "
		"src_create MEDIUMTEXT NULL, "
		"PRIMARY KEY (src_db, src_table)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 "
		"COLLATE=utf8mb4_bin", s) &&
	    dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`copy_chunks` ("
		"src_db VARCHAR(64) NOT NULL, src_table VARCHAR(64) NOT NULL, "
		"seq INT UNSIGNED NOT NULL, lo MEDIUMTEXT NULL, hi MEDIUMTEXT NULL, "
		"done TINYINT NOT NULL DEFAULT 0, rows_copied BIGINT UNSIGNED NOT NULL "
		"DEFAULT 0, bytes BIGINT UNSIGNED NOT NULL DEFAULT 0, "
		"snap_file VARCHAR(512) NULL, snap_pos BIGINT UNSIGNED NULL, "
		"snap_gtid MEDIUMTEXT NULL, keyless TINYINT NOT NULL DEFAULT 0, "
		"end_file VARCHAR(512) NULL, end_pos BIGINT UNSIGNED NULL, "
		"gone TINYINT NOT NULL DEFAULT 0, "
		"updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE "
		"CURRENT_TIMESTAMP(6), PRIMARY KEY (src_db, src_table, seq)) "
		"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin", s) &&
	    dest_add_column(d, s, "copy_chunks", "end_file",
		"end_file VARCHAR(512) NULL AFTER keyless") &&
	    dest_add_column(d, s, "copy_chunks", "end_pos",
		"end_pos BIGINT UNSIGNED NULL AFTER end_file") &&
	    dest_add_column(d, s, "copy_chunks", "gone",
		"gone TINYINT NOT NULL DEFAULT 0 AFTER end_pos") &&
	    dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`copy_objects` ("
		"kind VARCHAR(16) NOT NULL, db VARCHAR(64) NOT NULL, name VARCHAR(64) NOT NULL, "
		"source_status VARCHAR(24) NOT NULL DEFAULT '', PRIMARY KEY (kind, db, name)) "
		"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin", s);
}

bool
state_cutover_create(struct dest *d, const char *schema)
{
	return dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`cutover` (id INT AUTO_INCREMENT "
	    "PRIMARY KEY, at DATETIME(6) NOT NULL, source_file VARCHAR(512) NOT NULL, "
	    "source_pos BIGINT UNSIGNED NOT NULL, source_gtid MEDIUMTEXT, dest_file "
	    "VARCHAR(512), dest_pos BIGINT UNSIGNED, dest_gtid MEDIUMTEXT, pause_ms INT) "
	    "ENGINE=InnoDB", schema);
}

/* ------------------------------------------------------------ checkpoint */

bool
state_ckpt_read(const struct cfg *c, struct ckpt *out, bool *fatal, char *err, size_t errlen)
{
	struct dest d = { 0 };
	char sql[512];
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = false;
	char *has = NULL;

	memset(out, 0, sizeof(*out));
	*fatal = false;
	/* read only: a destination without the table has no checkpoint (and gets
	 * nothing written before the precheck of a first run) */
	snprintf(sql, sizeof(sql), "SELECT 1 FROM information_schema.TABLES WHERE "
	    "TABLE_SCHEMA = '%s' AND TABLE_NAME = 'checkpoint'", c->state_schema);
	if (!dest_connect(&d, &c->destination, "destination") || !dest_value(&d, sql, &has) ||
	    (has != NULL && !state_schema_create(&d, c->state_schema))) {
		snprintf(err, errlen, "%s", d.err);
		*fatal = dest_permanent(&d);
		free(has);
		dest_close(&d);
		return false;
	}
	if (has == NULL) {
		dest_close(&d);
		return true;
	}
	free(has);
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
	} else {
		d.errnum = mysql_errno(d.my);
		*fatal = dest_permanent(&d);
		snprintf(err, errlen, "%s: reading the checkpoint: %s", d.where,
		    mysql_error(d.my));
	}
	dest_close(&d);
	return ok;
}

bool
state_ckpt_init(const struct cfg *c, const struct ckpt *start, bool *fatal, char *err,
    size_t errlen)
{
	struct dest d = { 0 };
	struct sbuf q = { 0 };
	bool ok;

	*fatal = false;
	if (!dest_connect(&d, &c->destination, "destination") ||
	    !state_schema_create(&d, c->state_schema)) {
		snprintf(err, errlen, "%s", d.err);
		*fatal = dest_permanent(&d);
		dest_close(&d);
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
	if (!ok) {
		snprintf(err, errlen, "%s", q.oom ? "out of memory" : d.err);
		*fatal = q.oom || dest_permanent(&d);
	}
	sbuf_free(&q);
	dest_close(&d);
	return ok;
}

MYSQL_STMT *
state_ckpt_prepare(struct dest *d, const char *schema)
{
	char sql[1024];
	MYSQL_STMT *st;

	snprintf(sql, sizeof(sql), "INSERT INTO `%s`.`checkpoint` (id, source_file, "
	    "source_pos, source_gtid, transactions, source_ts) VALUES (1, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE source_file = VALUES(source_file), "
	    "source_pos = VALUES(source_pos), source_gtid = VALUES(source_gtid), "
	    "transactions = VALUES(transactions), source_ts = VALUES(source_ts), "
	    "ddl_file = NULL, ddl_pos = NULL, ddl_fingerprint = NULL", schema);
	st = mysql_stmt_init(d->my);
	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		snprintf(d->err, sizeof(d->err), "%s: preparing the checkpoint: %s",
		    d->where, st ? mysql_stmt_error(st) : "out of memory");
		d->errnum = st ? mysql_stmt_errno(st) : 0;
		if (st != NULL)
			mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

bool
state_ckpt_write(struct dest *d, MYSQL_STMT *st, const char *file, uint64_t pos,
    const char *gtid, uint64_t transactions, uint32_t source_ts)
{
	MYSQL_BIND b[5];
	unsigned long flen = strlen(file), glen = strlen(gtid);
	unsigned long long p = pos, trx = transactions;
	unsigned long ts = source_ts;

	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = (char *)file;
	b[0].buffer_length = flen;
	b[1].buffer_type = MYSQL_TYPE_LONGLONG;
	b[1].buffer = &p;
	b[1].is_unsigned = 1;
	b[2].buffer_type = MYSQL_TYPE_STRING;
	b[2].buffer = (char *)gtid;
	b[2].buffer_length = glen;
	b[3].buffer_type = MYSQL_TYPE_LONGLONG;
	b[3].buffer = &trx;
	b[3].is_unsigned = 1;
	b[4].buffer_type = MYSQL_TYPE_LONG;
	b[4].buffer = &ts;
	b[4].is_unsigned = 1;
	if (mysql_stmt_bind_param(st, b) != 0 || mysql_stmt_execute(st) != 0) {
		d->errnum = mysql_stmt_errno(st);
		snprintf(d->err, sizeof(d->err), "%s: writing the checkpoint: %s (error %u)",
		    d->where, mysql_stmt_error(st), d->errnum);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ migration */

bool
state_migration_begun(const struct cfg *c, bool *begun, bool *transient, char *err, size_t errlen)
{
	struct dest d;
	struct sbuf q = { 0 };
	char *v = NULL;
	bool ok;

	*begun = false;
	*transient = false;
	memset(&d, 0, sizeof(d));
	if (!dest_connect(&d, &c->destination, "destination")) {
		snprintf(err, errlen, "%s", d.err);
		*transient = dest_transient(&d);
		dest_close(&d);
		return false;
	}
	sbuf_adds(&q, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, c->state_schema);
	sbuf_adds(&q, " AND TABLE_NAME IN ('migration', 'copy_tables')");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(&d, q.p, &v);
	if (ok)
		*begun = v != NULL && strcmp(v, "0") != 0;
	else {
		snprintf(err, errlen, "%s", q.oom ? "out of memory" : d.err);
		*transient = dest_transient(&d);
	}
	free(v);
	sbuf_free(&q);
	dest_close(&d);
	return ok;
}

bool
state_phase_read(struct dest *d, const char *schema, char *phase, size_t len)
{
	char *v = NULL, sql[200];

	snprintf(sql, sizeof(sql), "SELECT phase FROM `%s`.`migration` WHERE id = 1", schema);
	if (!dest_value(d, sql, &v))
		return false;
	snprintf(phase, len, "%s", v ? v : "");
	free(v);
	return true;
}

bool
state_phase_write(struct dest *d, const char *schema, const char *phase,
    const struct snap_pos *seam)
{
	struct sbuf q = { 0 };
	bool ok;

	sbuf_printf(&q, "INSERT INTO `%s`.`migration` (id, phase, seam_file, seam_pos) "
	    "VALUES (1, ", schema);
	sbuf_sql_string(&q, phase);
	sbuf_adds(&q, ", ");
	if (seam != NULL && seam->file[0]) {
		sbuf_sql_string(&q, seam->file);
		sbuf_printf(&q, ", %" PRIu64 ")", seam->pos);
	} else
		sbuf_adds(&q, "NULL, NULL)");
	sbuf_adds(&q, " ON DUPLICATE KEY UPDATE phase = VALUES(phase), seam_file = "
	    "VALUES(seam_file), seam_pos = VALUES(seam_pos)");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(d, q.p);
	if (q.oom)
		snprintf(d->err, sizeof(d->err), "out of memory");
	sbuf_free(&q);
	return ok;
}

bool
state_seam_read(struct dest *d, const char *schema, struct state_seam *out,
    char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	char *has = NULL;

	memset(out, 0, sizeof(*out));
	sbuf_adds(&q, "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
	sbuf_sql_string(&q, schema);
	sbuf_adds(&q, " AND TABLE_NAME = 'migration'");
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_value(d, q.p, &has)) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	if (has == NULL) {
		sbuf_free(&q);
		return true;
	}
	free(has);
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT phase, seam_file, seam_pos FROM `%s`.`migration` WHERE "
	    "id = 1", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] && strcmp(row[0], "catch-up") == 0 && row[1]) {
		snprintf(out->file, sizeof(out->file), "%s", row[1]);
		out->pos = strtoull(row[2] ? row[2] : "0", NULL, 10);
	}
	mysql_free_result(res);
	if (out->file[0] == '\0') {
		sbuf_free(&q);
		return true;
	}
	/* (a state schema an earlier version began: its columns of today) */
	if (!state_migration_create(d, schema)) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	/* tables copied whole, and tables gone: their changes before the position skipped */
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT src_db, src_table, snap_file, snap_pos FROM `%s`."
	    "`copy_chunks` WHERE (keyless = 1 OR gone > 0) AND done = 1", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	out->keyless = calloc(mysql_num_rows(res) + 1, sizeof(*out->keyless));
	while (out->keyless != NULL && (row = mysql_fetch_row(res)) != NULL) {
		struct state_seam_table *k = &out->keyless[out->nkeyless++];
		snprintf(k->db, sizeof(k->db), "%s", row[0]);
		snprintf(k->table, sizeof(k->table), "%s", row[1]);
		snprintf(k->file, sizeof(k->file), "%s", row[2] ? row[2] : "");
		k->pos = strtoull(row[3] ? row[3] : "0", NULL, 10);
	}
	mysql_free_result(res);
	if (out->keyless == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	sbuf_reset(&q);
	sbuf_printf(&q, "SELECT xa_copied FROM `%s`.`migration` WHERE id = 3 AND xa_copied "
	    "<> ''", schema);
	sbuf_addc(&q, '\0');
	if (q.oom || !dest_value(d, q.p, &out->xa_copied)) {
		sbuf_free(&q);
		snprintf(err, errlen, "%s", q.oom ? "out of memory" : d->err);
		return false;
	}
	sbuf_free(&q);
	return true;
}

void
state_seam_free(struct state_seam *s)
{
	free(s->keyless);
	s->keyless = NULL;
	s->nkeyless = 0;
	free(s->xa_copied);
	s->xa_copied = NULL;
}

bool
state_seam_passed(struct dest *d, const char *schema)
{
	return dest_execf(d, "UPDATE `%s`.`migration` SET phase = 'streaming' WHERE id = 1",
	    schema);
}

/* ------------------------------------------------------------ the copy's chunks */

/* "db = 'sdb' AND src_table = 'stbl'" for chunks of sdb.stbl. */
static void
where_table(struct sbuf *q, const char *sdb, const char *stbl)
{
	sbuf_adds(q, " src_db = ");
	sbuf_sql_string(q, sdb);
	sbuf_adds(q, " AND src_table = ");
	sbuf_sql_string(q, stbl);
}

/* Run q on d (freeing it); an allocation failure is said in d. */
static bool
exec_sbuf(struct dest *d, struct sbuf *q)
{
	bool ok;

	sbuf_addc(q, '\0');
	if (q->oom) {
		snprintf(d->err, sizeof(d->err), "out of memory");
		d->errnum = 0;
		ok = false;
	} else
		ok = dest_exec(d, q->p);
	sbuf_free(q);
	return ok;
}

bool
state_chunk_plan(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    unsigned seq, const char *lo, const char *hi, bool keyless)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "INSERT INTO `%s`.`copy_chunks` (src_db, src_table, seq, lo, hi, "
	    "keyless) VALUES (", schema);
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, stbl);
	sbuf_printf(&q, ", %u, ", seq);
	if (lo)
		sbuf_sql_string(&q, lo);
	else
		sbuf_adds(&q, "NULL");
	sbuf_adds(&q, ", ");
	if (hi)
		sbuf_sql_string(&q, hi);
	else
		sbuf_adds(&q, "NULL");
	sbuf_printf(&q, ", %d)", keyless);
	return exec_sbuf(d, &q);
}

bool
state_chunk_done(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    unsigned seq, uint64_t rows, uint64_t bytes, const struct snap_pos *snap,
    const struct snap_pos *end)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "UPDATE `%s`.`copy_chunks` SET done = 1, rows_copied = %" PRIu64
	    ", bytes = %" PRIu64 ", snap_file = ", schema, rows, bytes);
	sbuf_sql_string(&q, snap->file);
	sbuf_printf(&q, ", snap_pos = %" PRIu64 ", snap_gtid = ", snap->pos);
	sbuf_sql_string(&q, snap->gtid ? snap->gtid : "");
	if (end != NULL && end->file[0]) {
		sbuf_adds(&q, ", end_file = ");
		sbuf_sql_string(&q, end->file);
		sbuf_printf(&q, ", end_pos = %" PRIu64, end->pos);
	}
	sbuf_adds(&q, " WHERE");
	where_table(&q, sdb, stbl);
	sbuf_printf(&q, " AND seq = %u", seq);
	return exec_sbuf(d, &q);
}

bool
state_chunks_read(struct dest *d, const char *schema,
    bool (*fn)(void *arg, const struct state_chunk *ch), void *arg)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = true;

	sbuf_printf(&q, "SELECT src_db, src_table, seq, lo, hi, done, rows_copied, bytes "
	    "FROM `%s`.`copy_chunks` ORDER BY src_db, src_table, seq", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL)
		return false;
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		struct state_chunk ch = {
			.sdb = row[0], .stbl = row[1],
			.seq = (unsigned)strtoul(row[2], NULL, 10),
			.lo = row[3], .hi = row[4],
			.done = strcmp(row[5], "1") == 0,
			.rows = strtoull(row[6], NULL, 10),
			.bytes = strtoull(row[7], NULL, 10),
		};
		ok = fn(arg, &ch);
	}
	mysql_free_result(res);
	return ok;
}

bool
state_copy_positions(struct dest *d, const char *schema, struct snap_pos *low,
    struct snap_pos *high, char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool any = false;

	/* the high end also covers what chunks of non-transactional tables
	 * may hold (end_*); the stream starts at the lowest snapshot */
	sbuf_printf(&q, "SELECT snap_file, snap_pos, snap_gtid, end_file, end_pos FROM "
	    "`%s`.`copy_chunks` WHERE done = 1 GROUP BY snap_file, snap_pos, snap_gtid, "
	    "end_file, end_pos", schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		snprintf(err, errlen, "%s", d->err);
		return false;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		uint64_t pos = strtoull(row[1], NULL, 10);
		if (!any || snap_pos_cmp(row[0], pos, low->file, low->pos) < 0) {
			snprintf(low->file, sizeof(low->file), "%s", row[0]);
			low->pos = pos;
			free(low->gtid);
			low->gtid = strdup(row[2] ? row[2] : "");
		}
		if (!any || snap_pos_cmp(row[0], pos, high->file, high->pos) > 0) {
			snprintf(high->file, sizeof(high->file), "%s", row[0]);
			high->pos = pos;
			free(high->gtid);
			high->gtid = strdup(row[2] ? row[2] : "");
		}
		if (row[3] != NULL && row[4] != NULL &&
		    snap_pos_cmp(row[3], strtoull(row[4], NULL, 10), high->file, high->pos) > 0) {
			snprintf(high->file, sizeof(high->file), "%s", row[3]);
			high->pos = strtoull(row[4], NULL, 10);
			free(high->gtid);
			high->gtid = strdup("");
		}
		any = true;
	}
	mysql_free_result(res);
	if (!any)
		low->file[0] = high->file[0] = '\0';
	return true;
}

bool
state_table_gone(struct dest *d, const char *schema, const char *sdb, const char *stbl,
    const struct snap_pos *at)
{
	struct sbuf q = { 0 };
	bool ok;

	/* its chunks not done, and one more: a table with none planned has one */
	sbuf_printf(&q, "UPDATE `%s`.`copy_chunks` SET done = 1, gone = 1, rows_copied = 0, "
	    "bytes = 0, snap_file = ", schema);
	sbuf_sql_string(&q, at->file);
	sbuf_printf(&q, ", snap_pos = %" PRIu64 ", snap_gtid = ", at->pos);
	sbuf_sql_string(&q, at->gtid ? at->gtid : "");
	sbuf_adds(&q, " WHERE done = 0 AND src_db = ");
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, stbl);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(d, q.p);
	sbuf_reset(&q);
	sbuf_printf(&q, "INSERT INTO `%s`.`copy_chunks` (src_db, src_table, seq, done, gone, "
	    "snap_file, snap_pos, snap_gtid) SELECT ", schema);
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, ", ");
	sbuf_sql_string(&q, stbl);
	sbuf_printf(&q, ", IFNULL(MAX(seq) + 1, 0), 1, 1, ");
	sbuf_sql_string(&q, at->file);
	sbuf_printf(&q, ", %" PRIu64 ", ", at->pos);
	sbuf_sql_string(&q, at->gtid ? at->gtid : "");
	sbuf_printf(&q, " FROM `%s`.`copy_chunks` WHERE src_db = ", schema);
	sbuf_sql_string(&q, sdb);
	sbuf_adds(&q, " AND src_table = ");
	sbuf_sql_string(&q, stbl);
	sbuf_addc(&q, '\0');
	ok = ok && !q.oom && dest_exec(d, q.p);
	sbuf_free(&q);
	return ok;
}

int
state_gone_pending(struct dest *d, const char *schema, const char *sdb, const char *stbl)
{
	struct sbuf q = { 0 };
	char *v = NULL;
	bool ok, gone;

	sbuf_printf(&q, "SELECT COUNT(*) FROM `%s`.`copy_chunks` WHERE gone = 1 AND", schema);
	where_table(&q, sdb, stbl);
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_value(d, q.p, &v);
	sbuf_free(&q);
	gone = ok && v != NULL && strcmp(v, "0") != 0;
	free(v);
	return ok ? gone : -1;
}

bool
state_gone_settled(struct dest *d, const char *schema, const char *sdb, const char *stbl)
{
	struct sbuf q = { 0 };

	sbuf_printf(&q, "UPDATE `%s`.`copy_chunks` SET gone = 2 WHERE gone = 1 AND", schema);
	where_table(&q, sdb, stbl);
	return exec_sbuf(d, &q);
}

bool
state_gone_settle_all(struct dest *d, const char *schema)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok = true;

	sbuf_printf(&q, "SELECT t.dst_db, t.dst_table, t.src_db, t.src_table FROM `%s`."
	    "`copy_tables` t JOIN `%s`.`copy_chunks` c ON c.src_db = t.src_db AND "
	    "c.src_table = t.src_table WHERE c.gone = 1 GROUP BY t.dst_db, t.dst_table, "
	    "t.src_db, t.src_table", schema, schema);
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	if (res == NULL) {
		sbuf_free(&q);
		/* no migration, or its state from a version without gone tables */
		return d->errnum == ER_NO_SUCH_TABLE || d->errnum == ER_BAD_FIELD_ERROR ||
		    d->errnum == ER_BAD_DB_ERROR;
	}
	while (ok && (row = mysql_fetch_row(res)) != NULL) {
		bool exists;
		ok = dest_table_exists(d, row[0], row[1], &exists);
		if (ok && exists) {
			sbuf_reset(&q);
			sbuf_adds(&q, "DROP TABLE IF EXISTS ");
			dest_quote(&q, row[0]);
			sbuf_addc(&q, '.');
			dest_quote(&q, row[1]);
			sbuf_addc(&q, '\0');
			ok = !q.oom && dest_exec(d, q.p);
			if (ok)
				log_warn("`%s`.`%s` was dropped (or renamed) on the source during the "
				    "copy, before the position the catch-up started at: dropped on "
				    "the destination too (`%s`.`%s`)", row[2], row[3], row[0], row[1]);
		}
	}
	mysql_free_result(res);
	sbuf_free(&q);
	return ok && dest_execf(d, "UPDATE `%s`.`copy_chunks` SET gone = 2 WHERE gone = 1",
	    schema);
}
