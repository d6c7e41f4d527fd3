/* heartbeat.c: the heartbeat writer thread: one row on the source, rewritten every heartbeat_ms. */
#include "src/heartbeat.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "src/dest.h"
#include "src/log.h"

#define RING 256 /* write times kept, newest last */

struct heartbeat {
	const struct cfg *c;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	uint64_t ring[RING];   /* ts of the last writes, in order */
	unsigned n, head;      /* entries, index of the oldest */
};

static uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Wait until the next beat or stop; true to go on. */
static bool
pause_ms(struct heartbeat *h, int ms)
{
	struct timespec ts;
	bool go;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&h->lock);
	while (!h->stop && pthread_cond_timedwait(&h->wake, &h->lock, &ts) != ETIMEDOUT)
		;
	go = !h->stop;
	pthread_mutex_unlock(&h->lock);
	return go;
}

static bool
prepare_table(struct dest *d, const char *schema)
{
	return dest_execf(d, "CREATE DATABASE IF NOT EXISTS `%s`", schema) &&
	    dest_execf(d, "CREATE TABLE IF NOT EXISTS `%s`.`" HEARTBEAT_TABLE "` ("
	    "server_id INT UNSIGNED NOT NULL PRIMARY KEY, "
	    "ts BIGINT UNSIGNED NOT NULL COMMENT 'microseconds since the epoch, myshift''s clock') "
	    "ENGINE=InnoDB", schema);
}

static void *
writer(void *arg)
{
	struct heartbeat *h = arg;
	const struct cfg *c = h->c;
	struct dest d = { 0 };
	bool up = false, failing = false;

	while (pause_ms(h, up ? c->heartbeat_ms : (failing ? 5000 : 0))) {
		uint64_t ts;
		if (!up) {
			if (!dest_connect(&d, &c->source, "source") ||
			    !dest_exec(&d, "SET SESSION autocommit = 1") ||
			    !prepare_table(&d, c->state_schema)) {
				if (!failing)
					log_warn("heartbeat: %s; lag is measured without it until it "
					    "works (the account needs CREATE, INSERT and UPDATE on "
					    "`%s`.* on the source); retrying every 5 s", d.err,
					    c->state_schema);
				failing = true;
				dest_close(&d);
				continue;
			}
			if (failing)
				log_info("heartbeat: writing `%s`.`" HEARTBEAT_TABLE "` on the "
				    "source again", c->state_schema);
			else
				log_info("heartbeat: writing `%s`.`" HEARTBEAT_TABLE "` on the "
				    "source every %d ms", c->state_schema, c->heartbeat_ms);
			failing = false;
			up = true;
		}
		ts = wall_us();
		if (!dest_execf(&d, "INSERT INTO `%s`.`" HEARTBEAT_TABLE "` (server_id, ts) "
		    "VALUES (%d, %" PRIu64 ") ON DUPLICATE KEY UPDATE ts = VALUES(ts)",
		    c->state_schema, c->server_id, ts)) {
			log_warn("heartbeat: %s; reconnecting", d.err);
			failing = true;
			up = false;
			dest_close(&d);
			continue;
		}
		pthread_mutex_lock(&h->lock);
		if (h->n == RING) {
			h->ring[h->head] = ts;
			h->head = (h->head + 1) % RING;
		} else
			h->ring[(h->head + h->n++) % RING] = ts;
		pthread_mutex_unlock(&h->lock);
	}
	dest_close(&d);
	return NULL;
}

struct heartbeat *
heartbeat_start(const struct cfg *c)
{
	struct heartbeat *h;

	if (c->heartbeat_ms <= 0)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		log_error("heartbeat: out of memory; lag is measured without it");
		return NULL;
	}
	h->c = c;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	if (pthread_create(&h->thread, NULL, writer, h) != 0) {
		log_error("heartbeat: cannot start its thread; lag is measured without it");
		pthread_mutex_destroy(&h->lock);
		pthread_cond_destroy(&h->wake);
		free(h);
		return NULL;
	}
	return h;
}

void
heartbeat_stop(struct heartbeat *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->wake);
	free(h);
}

int64_t
heartbeat_pending_us(struct heartbeat *h, uint64_t applied_ts, uint64_t now_us)
{
	uint64_t first = 0;

	if (h == NULL)
		return 0;
	pthread_mutex_lock(&h->lock);
	for (unsigned i = 0; i < h->n; i++) {
		uint64_t t = h->ring[(h->head + i) % RING];
		if (t > applied_ts) {
			first = t;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return first != 0 && now_us > first ? (int64_t)(now_us - first) : 0;
}
