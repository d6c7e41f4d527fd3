/* applier_ckpt.c: the checkpoint store: where applying resumes, written in the destination transaction. */
#include "src/applier_int.h"

/* --------------------------------------------------------- checkpoint */

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

bool
ckpt_read(const struct cfg *c, struct ckpt *out, bool *fatal, char *err, size_t errlen)
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
ckpt_init(const struct cfg *c, const struct ckpt *start, bool *fatal, char *err,
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

/* Prepare the checkpoint upsert of this connection. */
bool
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
bool
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
	/*
	 * At or past the seam's end, every later event is past it: end the
	 * seam now, in the checkpoint's transaction (or after it has
	 * committed), rather than at the next event, which an idle source may
	 * never send.
	 */
	if (a->in_seam && snap_pos_cmp(a->file, a->pos, a->seam.file, a->seam.pos) >= 0)
		return seam_end(a);
	return true;
}
