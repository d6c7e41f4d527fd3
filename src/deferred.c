/* deferred.c: the secondary indexes and foreign keys a copied table gets after its data. */
#include "src/deferred.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/sbuf.h"
#include "src/log.h"

/* Run one ALTER; a key an earlier run already added counts as done. */
static bool
exec_add(struct dest *d, const char *sql)
{
	if (dest_exec(d, sql))
		return true;
	if (d->errnum == 1061 /* ER_DUP_KEYNAME */ || d->errnum == 1826 /* ER_FK_DUP_NAME */ ||
	    d->errnum == 1022 /* ER_DUP_KEY */) {
		log_info("%s: already done by an earlier run", d->err);
		return true;
	}
	return false;
}

/* The ALTERs adding the definitions defs (one per line) to ddb.dtbl. */
static bool
add_table(struct dest *d, const char *ddb, const char *dtbl, const char *defs_in)
{
	char *defs = defs_in ? strdup(defs_in) : NULL, *line, *next;
	struct sbuf a = { 0 };
	bool ok = defs != NULL || defs_in == NULL;

	if (!ok)
		snprintf(d->err, sizeof(d->err), "out of memory");
	for (line = defs; line != NULL && *line && ok; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		bool ft = strncmp(line, "FULLTEXT ", 9) == 0;
		if (ft || a.len == 0) {
			if (a.len) {
				sbuf_addc(&a, '\0');
				ok = exec_add(d, a.p);
				sbuf_reset(&a);
			}
			sbuf_adds(&a, "ALTER TABLE ");
			dest_quote(&a, ddb);
			sbuf_addc(&a, '.');
			dest_quote(&a, dtbl);
			sbuf_adds(&a, " ADD ");
		} else
			sbuf_adds(&a, ", ADD ");
		sbuf_adds(&a, line);
		if (ft) {
			sbuf_addc(&a, '\0');
			ok = ok && exec_add(d, a.p);
			sbuf_reset(&a);
		}
	}
	if (ok && a.len) {
		sbuf_addc(&a, '\0');
		ok = !a.oom && exec_add(d, a.p);
	}
	sbuf_free(&a);
	free(defs);
	return ok;
}

bool
deferred_add(struct dest *d, const char *state_schema, bool fks, const char *sdb,
    const char *stbl, bool *fatal, char *err, size_t errlen)
{
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	const char *col = fks ? "deferred_fks" : "deferred_indexes";
	const char *flag = fks ? "fks" : "indexed";

	*fatal = false;
	sbuf_printf(&q, "SELECT src_db, src_table, dst_db, dst_table, %s FROM `%s`."
	    "`copy_tables` WHERE %s = 0", col, state_schema, flag);
	if (sdb != NULL) {
		sbuf_adds(&q, " AND src_db = ");
		sbuf_sql_string(&q, sdb);
		sbuf_adds(&q, " AND src_table = ");
		sbuf_sql_string(&q, stbl);
	}
	sbuf_addc(&q, '\0');
	res = q.oom ? NULL : dest_result(d, q.p);
	if (res == NULL || !dest_exec(d, "SET SESSION foreign_key_checks = 0"))
		goto dest_failed;
	while ((row = mysql_fetch_row(res)) != NULL) {
		bool any = row[4] != NULL && row[4][0] != '\0';
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (any)
			log_info("%s `%s`.`%s`",
			    fks ? "adding the foreign keys of" : "building the indexes of",
			    row[2], row[3]);
		if (any && !add_table(d, row[2], row[3], row[4])) {
			*fatal = !dest_transient(d);
			snprintf(err, errlen, "adding the %s of `%s`.`%s`: %s", fks ?
			    "foreign keys" : "indexes", row[2], row[3], d->err);
			mysql_free_result(res);
			sbuf_free(&q);
			return false;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (any)
			log_info("%s: `%s`.`%s` in %.1f s", fks ? "foreign keys added" :
			    "indexes built", row[2], row[3], (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		sbuf_reset(&q);
		sbuf_printf(&q, "UPDATE `%s`.`copy_tables` SET %s = 1 WHERE src_db = ",
		    state_schema, flag);
		sbuf_sql_string(&q, row[0]);
		sbuf_adds(&q, " AND src_table = ");
		sbuf_sql_string(&q, row[1]);
		sbuf_addc(&q, '\0');
		if (q.oom || !dest_exec(d, q.p))
			goto dest_failed;
	}
	mysql_free_result(res);
	res = NULL;
	sbuf_free(&q);
	if (dest_exec(d, "SET SESSION foreign_key_checks = 1"))
		return true;
dest_failed:
	if (res != NULL)
		mysql_free_result(res);
	*fatal = q.oom || dest_permanent(d);
	snprintf(err, errlen, "%s", q.oom ? "out of memory" : d->err);
	sbuf_free(&q);
	return false;
}

struct ix_item {
	char *sdb, *stbl;
	struct ix_item *next;
};

struct indexer {
	const struct cfg *c;
	void (*on_error)(void *arg);
	void *arg;
	pthread_t th, th2;             /* th2: a second builder once the copy is done */
	bool started, started2;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ix_item *head, **tail;   /* finished tables not yet indexed */
	bool closing, stopping, failed;
	char err[2048];
};

static void *
indexer_main(void *arg)
{
	struct indexer *ix = arg;
	struct dest d = { 0 };
	bool connected = false;

	pthread_mutex_lock(&ix->mu);
	for (;;) {
		struct ix_item *it;
		bool fatal = false, ok = true;
		char err[2048];

		while (ix->head == NULL && !ix->closing && !ix->stopping)
			pthread_cond_wait(&ix->cv, &ix->mu);
		if (ix->head == NULL || ix->stopping)
			break;
		it = ix->head;
		ix->head = it->next;
		if (ix->head == NULL)
			ix->tail = &ix->head;
		pthread_mutex_unlock(&ix->mu);
		if (!connected) {
			d.table_ddl = true; /* ALTER TABLE of tables without a primary key */
			ok = dest_connect(&d, &ix->c->destination, "destination (indexes)") &&
			    dest_exec(&d, "SET @myshift_session = 1, SESSION sql_mode = "
			    "'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
			connected = ok;
			if (!ok) {
				fatal = dest_permanent(&d);
				snprintf(err, sizeof(err), "%s", d.err);
			}
		}
		ok = ok && deferred_add(&d, ix->c->state_schema, false, it->sdb, it->stbl,
		    &fatal, err, sizeof(err));
		free(it->sdb);
		free(it->stbl);
		free(it);
		if (!ok && !fatal) {
			/* the pass after the copy builds what is left, and retries there */
			log_warn("%s: the indexes not yet built are built after the copy", err);
			pthread_mutex_lock(&ix->mu);
			break;
		}
		pthread_mutex_lock(&ix->mu);
		if (!ok) {
			if (!ix->failed)
				snprintf(ix->err, sizeof(ix->err), "%s", err);
			ix->failed = true;
			pthread_mutex_unlock(&ix->mu);
			if (ix->on_error != NULL)
				ix->on_error(ix->arg);
			pthread_mutex_lock(&ix->mu);
			break;
		}
	}
	pthread_mutex_unlock(&ix->mu);
	dest_close(&d);
	return NULL;
}

struct indexer *
indexer_start(const struct cfg *c, void (*on_error)(void *arg), void *arg)
{
	struct indexer *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	ix->c = c;
	ix->on_error = on_error;
	ix->arg = arg;
	ix->tail = &ix->head;
	pthread_mutex_init(&ix->mu, NULL);
	pthread_cond_init(&ix->cv, NULL);
	if (pthread_create(&ix->th, NULL, indexer_main, ix) != 0) {
		/* the pass over every table after the copy builds them all */
		log_warn("cannot start the index thread (%s): indexes are built after "
		    "the copy", strerror(errno));
	} else
		ix->started = true;
	return ix;
}

void
indexer_table_done(void *arg, const char *sdb, const char *stbl)
{
	struct indexer *ix = arg;
	struct ix_item *it = calloc(1, sizeof(*it));

	if (it != NULL) {
		it->sdb = strdup(sdb);
		it->stbl = strdup(stbl);
	}
	if (it == NULL || it->sdb == NULL || it->stbl == NULL) {
		/* left to the pass over every table after the copy */
		if (it != NULL) {
			free(it->sdb);
			free(it->stbl);
			free(it);
		}
		return;
	}
	pthread_mutex_lock(&ix->mu);
	*ix->tail = it;
	ix->tail = &it->next;
	pthread_cond_signal(&ix->cv);
	pthread_mutex_unlock(&ix->mu);
}

void
indexer_stop(struct indexer *ix)
{
	pthread_mutex_lock(&ix->mu);
	ix->stopping = true;
	pthread_cond_signal(&ix->cv);
	pthread_mutex_unlock(&ix->mu);
}

bool
indexer_finish(struct indexer *ix, char *err, size_t errlen)
{
	bool ok;

	pthread_mutex_lock(&ix->mu);
	ix->closing = true;
	/*
	 * The copy is done: nothing else loads the destination, and a second
	 * builder takes the tables still queued (the last ones copied often
	 * finish together) while the first builds its own.
	 */
	bool more = ix->started && ix->head != NULL && !ix->stopping && !ix->failed;
	pthread_cond_broadcast(&ix->cv);
	pthread_mutex_unlock(&ix->mu);
	if (more && pthread_create(&ix->th2, NULL, indexer_main, ix) == 0)
		ix->started2 = true;
	if (ix->started)
		pthread_join(ix->th, NULL);
	if (ix->started2)
		pthread_join(ix->th2, NULL);
	ok = !ix->failed;
	if (!ok)
		snprintf(err, errlen, "%s", ix->err);
	while (ix->head != NULL) {
		struct ix_item *it = ix->head;
		ix->head = it->next;
		free(it->sdb);
		free(it->stbl);
		free(it);
	}
	pthread_mutex_destroy(&ix->mu);
	pthread_cond_destroy(&ix->cv);
	free(ix);
	return ok;
}
