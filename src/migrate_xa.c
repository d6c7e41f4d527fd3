/* migrate_xa.c: the XA floor, where the stream starts so that no XA transaction prepared before the copy is lost. */
#include "src/migrate_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "proto/sbuf.h"
#include "src/log.h"

/* XA RECOVER's rows as "format:gtrid+bqual bytes" strings (NULL: not allowed). */
static char **
xa_list(struct mig *m, unsigned *n)
{
	MYSQL_RES *res = dest_result(&m->src, "XA RECOVER");
	MYSQL_ROW r;
	char **v;

	*n = 0;
	if (res == NULL)
		return NULL;
	v = calloc(mysql_num_rows(res) + 1, sizeof(*v));
	while (v != NULL && (r = mysql_fetch_row(res)) != NULL) {
		unsigned long *len = mysql_fetch_lengths(res);
		struct sbuf b = { 0 };
		sbuf_printf(&b, "%s:", r[0] ? r[0] : "");
		for (unsigned long k = 0; r[3] != NULL && k < len[3]; k++)
			sbuf_printf(&b, "%02x", (unsigned char)r[3][k]);
		if (b.oom)
			sbuf_free(&b);
		else
			v[(*n)++] = b.p;
	}
	mysql_free_result(res);
	return v;
}

static void
xa_list_free(char **v, unsigned n)
{
	for (unsigned i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

#define XA_FLOOR_WAIT 600 /* seconds for the source's prepared XA transactions */

/* Whether the binlog from `from` up to `to` finishes an XA transaction (or
 * cannot be read through: a file changed; the caller tries again). */
static bool
xa_finished_between(struct mig *m, const struct snap_pos *from, const struct snap_pos *to,
    bool *some)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW r;

	*some = false;
	if (snap_pos_cmp(from->file, from->pos, to->file, to->pos) == 0)
		return true;
	if (strcmp(from->file, to->file) != 0) {
		*some = true;
		return true;
	}
	sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
	sbuf_sql_string(&q, from->file);
	sbuf_printf(&q, " FROM %" PRIu64 " LIMIT 10000", from->pos);
	sbuf_addc(&q, '\0');
	if (q.oom) {
		sbuf_free(&q);
		return mig_fail(m, true, "out of memory");
	}
	res = dest_result(&m->src, q.p);
	sbuf_free(&q);
	if (res == NULL) {
		if (dest_transient(&m->src))
			return mig_fail_dest(m, &m->src);
		/* a privilege the rest does not need: the floor stands unchecked */
		log_info("%s: the binlog between two positions is not read (the source "
		    "account needs REPLICATION SLAVE, on MariaDB BINLOG MONITOR): an XA "
		    "transaction prepared just before the copy and committed as it began "
		    "would stop myshift at its XA COMMIT", m->src.err);
		return true;
	}
	while ((r = mysql_fetch_row(res)) != NULL) {
		if (r[1] == NULL || strtoull(r[1], NULL, 10) >= to->pos)
			break;
		if (r[5] != NULL && (strncasecmp(r[5], "XA COMMIT", 9) == 0 ||
		    strncasecmp(r[5], "XA ROLLBACK", 11) == 0)) {
			*some = true;
			break;
		}
	}
	if (r == NULL && mysql_num_rows(res) >= 10000)
		*some = true; /* not read to the end: try again */
	mysql_free_result(res);
	return true;
}

/*
 * The XA floor, before the copy's first snapshot: the stream will start no
 * later than here.  An XA transaction prepared on the source but not yet
 * committed when a snapshot is taken is in neither the snapshot (its rows
 * are uncommitted) nor a stream that starts after its XA PREPARE: its XA
 * COMMIT would stop myshift.  The floor is a position at which no XA
 * transaction was prepared and unfinished: XA RECOVER lists none just
 * after it was read, and the binlog between the two finishes none (one
 * finished in between may have been prepared before the floor).  While
 * some are prepared, myshift waits for them (at most XA_FLOOR_WAIT s).
 * The stream then starts at the floor when that is before the lowest
 * chunk; the events between are replayed idempotently like the rest of
 * the seam.  Recorded in row 3 of `migration`, once, before any chunk.
 */
bool
mig_xa_floor(struct mig *m)
{
	struct snap_pos p0 = { 0 }, p1 = { 0 };
	struct sbuf q = { 0 };
	char *v = NULL, sql[300];
	unsigned tries = 0;
	bool ok;

	snprintf(sql, sizeof(sql), "SELECT (SELECT COUNT(*) FROM `%s`.`migration` WHERE id = 3)"
	    " + (SELECT COUNT(*) FROM `%s`.`copy_chunks` WHERE done = 1)", m->c->state_schema,
	    m->c->state_schema);
	if (!dest_value(&m->dst, sql, &v))
		return mig_fail_dest(m, &m->dst);
	ok = v != NULL && strcmp(v, "0") != 0;
	free(v);
	if (ok)
		return true; /* recorded by an earlier run, or the copy began without one */
	for (;;) {
		unsigned n;
		char **pending;
		bool some = false;

		snap_pos_free(&p0);
		snap_pos_free(&p1);
		if (!mig_source_position(m, &p0))
			return false;
		pending = xa_list(m, &n);
		if (pending == NULL) {
			if (mysql_errno(m->src.my) != 0)
				log_info("%s: the source's prepared XA transactions are not listed "
				    "(grant XA_RECOVER_ADMIN to see them): one prepared before the "
				    "copy and committed after it would stop myshift at its XA "
				    "COMMIT", m->src.err);
			break;
		}
		xa_list_free(pending, n);
		if (n == 0) {
			if (!mig_source_position(m, &p1) ||
			    !xa_finished_between(m, &p0, &p1, &some)) {
				snap_pos_free(&p0);
				return false;
			}
			if (!some)
				break;
		}
		if (tries % 50 == 0)
			log_info("copy: %s: waiting until no XA transaction is prepared on the "
			    "source (XA RECOVER lists %u), so that the stream holds every one "
			    "the snapshots cannot see", n ? "prepared" : "finishing", n);
		if (tries >= XA_FLOOR_WAIT * 5) {
			snap_pos_free(&p0);
			snap_pos_free(&p1);
			return mig_fail(m, false, "XA transactions stayed prepared on the source for "
			    "%d s (XA RECOVER lists them): commit or roll them back; nothing "
			    "was copied yet", XA_FLOOR_WAIT);
		}
		usleep(200000);
		tries++;
	}
	snap_pos_free(&p1);
	sbuf_printf(&q, "INSERT INTO `%s`.`migration` (id, phase, seam_file, seam_pos, "
	    "seam_gtid) VALUES (3, 'xa-floor', ", m->c->state_schema);
	sbuf_sql_string(&q, p0.file);
	sbuf_printf(&q, ", %" PRIu64 ", ", p0.pos);
	sbuf_sql_string(&q, p0.gtid ? p0.gtid : "");
	sbuf_adds(&q, ")");
	sbuf_addc(&q, '\0');
	ok = !q.oom && dest_exec(&m->dst, q.p);
	sbuf_free(&q);
	snap_pos_free(&p0);
	return ok || mig_fail_dest(m, &m->dst);
}

/* Lower low to the XA floor (row 3 of `migration`) if that is before it. */
bool
mig_xa_floor_apply(struct mig *m, struct snap_pos *low)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char sql[300];

	snprintf(sql, sizeof(sql), "SELECT seam_file, seam_pos, seam_gtid FROM `%s`.`migration` "
	    "WHERE id = 3", m->c->state_schema);
	if ((res = dest_result(&m->dst, sql)) == NULL)
		return mig_fail_dest(m, &m->dst);
	row = mysql_fetch_row(res);
	if (row != NULL && row[0] != NULL && row[1] != NULL && low->file[0] != '\0' &&
	    snap_pos_cmp(row[0], strtoull(row[1], NULL, 10), low->file, low->pos) < 0) {
		char *g = strdup(row[2] ? row[2] : "");
		if (g == NULL) {
			mysql_free_result(res);
			return mig_fail(m, true, "out of memory");
		}
		log_info("copy: the stream starts at %s:%s, where the source was before the "
		    "copy's first snapshot (XA transactions prepared since are in the stream)",
		    row[0], row[1]);
		snprintf(low->file, sizeof(low->file), "%s", row[0]);
		low->pos = strtoull(row[1], NULL, 10);
		free(low->gtid);
		low->gtid = g;
	}
	mysql_free_result(res);
	return true;
}
