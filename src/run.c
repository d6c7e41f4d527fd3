/* run.c: one migration stream: checkpoint -> replica -> queue -> applier, and the supervision around it. */
#include "src/run.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <pthread.h>

#include "proto/sbuf.h"
#include "proto/value.h"
#include "src/applier.h"
#include "src/dest.h"
#include "src/filter.h"
#include "src/heartbeat.h"
#include "src/log.h"
#include "src/migrate.h"
#include "src/precheck.h"
#include "src/queue.h"
#include "src/recent.h"
#include "src/replica.h"
#include "src/snapshot.h"
#include "src/startpos.h"
#include "src/state.h"

struct run {
	const struct cfg *cfg;
	struct event_base *base;
	struct replica *rep;
	struct applier *app;
	struct queue *q;
	struct qitem *pend_head, *pend_tail; /* waiting for room in the queue */
	bool paused;
	uint64_t groups_pushed;  /* QI_COMMIT items queued */
	struct heartbeat *hb;    /* [status] heartbeat_ms: the source's heartbeat row */
	struct event *resume_ev, *tick_ev, *sig_term, *sig_int, *sig_hup;
	bool stopping;      /* a signal asked to stop */
	bool ended;         /* QI_END queued */
	int stream_status;  /* replica done: 0 end, 1 error */
	char stream_msg[1400];
	time_t last_report;
	struct applier_stats last;   /* at the last progress line */
	double rate_trx, rate_rows;  /* per second, over the last progress interval */
	char recv_file[256];         /* the end of the last transaction received */
	uint64_t recv_pos;
	struct evhttp *http;
	struct migrate_state mig;   /* start = snapshot: the phase */
};

static void
set_phase(struct run *r, enum migrate_phase p)
{
	r->mig.phase = (int)p;
	log_info("phase: %s", migrate_phase_name(p));
}

static volatile sig_atomic_t got_signal;

/* Across the lives of the pipeline: restarts after failures, and the last one. */
static unsigned run_retries;
/* the last life of the pipeline applied transactions (the backoff starts again) */
static bool run_progressed;
static char run_last_error[1024];
static time_t run_last_error_at;
/* [cutover] verify_rows: the keys of the rows changed last (GET /recent) */
static struct recent *run_recent;

/*
 * Outside the event loop (starting, waiting to restart): just remember the
 * signal; a SIGHUP does not hide a stop.
 */
static void
on_plain_signal(int sig)
{
	if (sig != SIGHUP || got_signal == 0)
		got_signal = sig;
}

void
run_catch_signals(void)
{
	signal(SIGTERM, on_plain_signal);
	signal(SIGINT, on_plain_signal);
	signal(SIGHUP, on_plain_signal);
}

/* Queue an item in order; park it when the queue is full. */
static void
enqueue(struct run *r, struct qitem *it)
{
	if (r->pend_head == NULL && queue_try_push(r->q, it))
		return;
	if (r->pend_tail != NULL)
		r->pend_tail->next = it;
	else
		r->pend_head = it;
	r->pend_tail = it;
	if (!r->paused) {
		r->paused = true;
		replica_pause(r->rep);
	}
}

/* Move parked items into the queue while it has room. */
static void
drain_pending(struct run *r)
{
	while (r->pend_head != NULL) {
		struct qitem *it = r->pend_head, *next = it->next;
		it->next = NULL;
		if (!queue_try_push(r->q, it)) {
			it->next = next;
			return;
		}
		r->pend_head = next;
		if (next == NULL)
			r->pend_tail = NULL;
	}
	if (r->paused) {
		r->paused = false;
		replica_resume(r->rep);
	}
}

/* From the applier thread: the queue has room again. */
static void
on_space(void *arg)
{
	struct run *r = arg;

	event_active(r->resume_ev, EV_READ, 0);
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	drain_pending(arg);
}

static uint64_t now_us(void);

static void
push(struct run *r, enum qitem_kind kind, uint64_t pos, const void *data, size_t len)
{
	struct qitem *it = qitem_new(kind, pos, data, len);

	if (it == NULL) {
		log_error("out of memory queueing an event");
		abort(); /* nothing sane is left to do; the checkpoint is intact */
	}
	enqueue(r, it);
}

static int
on_rep_event(void *arg, struct binlog_decoder *d, const struct binlog_event *ev,
    const uint8_t *raw, size_t len, const char *file)
{
	struct run *r = arg;

	(void)d;
	(void)file;
	if (ev->h.type == BINLOG_ROTATE_EVENT && (ev->h.log_pos == 0 ||
	    (ev->h.flags & BINLOG_F_ARTIFICIAL))) {
		/* a new connection: the checksum of its stream, before the FDE comes */
		uint8_t alg = replica_checksum(r->rep);
		push(r, QI_START, 0, &alg, 1);
	}
	/* the item's pos: where the event starts in its file (errors name it) */
	{
		uint64_t at = replica_event_in_file(r->rep);
		push(r, QI_EVENT, at == UINT64_MAX ? 0 : at, raw, len);
	}
	return 0;
}

static void
on_rep_commit(void *arg, const char *file, uint64_t pos, const char *gtid)
{
	struct run *r = arg;
	size_t fl = strlen(file), gl = strlen(gtid);
	char *buf = malloc(fl + gl + 2);

	if (buf == NULL) {
		log_error("out of memory");
		abort();
	}
	memcpy(buf, file, fl + 1);
	memcpy(buf + fl + 1, gtid, gl + 1);
	{
		struct qitem *it = qitem_new(QI_COMMIT, pos, buf, fl + gl + 2);
		if (it == NULL) {
			log_error("out of memory queueing an event");
			abort();
		}
		it->t_us = now_us();
		r->groups_pushed++;
		if (fl < sizeof(r->recv_file))
			memcpy(r->recv_file, file, fl + 1);
		r->recv_pos = pos;
		enqueue(r, it);
	}
	free(buf);
}

static void
on_rep_discard(void *arg)
{
	push(arg, QI_DISCARD, 0, NULL, 0);
}

static void
on_rep_done(void *arg, int status, const char *msg)
{
	struct run *r = arg;

	r->stream_status = status;
	snprintf(r->stream_msg, sizeof(r->stream_msg), "%s", msg ? msg : "");
	if (!r->ended) {
		push(r, QI_END, (uint64_t)status, NULL, 0);
		r->ended = true;
	}
}

/* The wall clock in microseconds since the epoch. */
static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Microseconds the destination is behind: 0 when every transaction
 * received is committed on the destination (an idle source is not lag),
 * else how long ago the source committed the last transaction the
 * destination has (see applier_stats.last_commit_us); -1 before anything
 * was applied.  With the heartbeat, at least the age of the oldest
 * heartbeat written but not applied yet: that catches a stream that
 * stalls before myshift sees what the source writes.
 */
static int64_t
run_lag_us(struct run *r, const struct applier_stats *st)
{
	uint64_t now = now_us();
	int64_t lag, hb = heartbeat_pending_us(r->hb, st->hb_ts, now);

	if (r->pend_head == NULL && !r->paused && st->groups == r->groups_pushed &&
	    st->transactions > 0)
		lag = 0;
	else if (st->last_commit_us == 0)
		lag = -1;
	else
		lag = now > st->last_commit_us ? (int64_t)(now - st->last_commit_us) : 0;
	return hb > lag ? hb : lag;
}

/* Print a lag for humans: "12 ms", "3.4 s", "unknown". */
static const char *
lag_text(int64_t us, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "unknown");
	else if (us < 10000000)
		snprintf(buf, len, "%" PRId64 " ms", us / 1000);
	else
		snprintf(buf, len, "%.1f s", (double)us / 1e6);
	return buf;
}

/* A lag as a JSON or Prometheus number of seconds, millisecond precision. */
static const char *
lag_seconds(int64_t us, const char *unknown, char *buf, size_t len)
{
	if (us < 0)
		snprintf(buf, len, "%s", unknown);
	else
		snprintf(buf, len, "%" PRId64 ".%03" PRId64, us / 1000000, us / 1000 % 1000);
	return buf;
}

/* Once a second: signals, the applier's fate, progress lines. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	struct applier_stats st;
	time_t now = time(NULL);
	char lagbuf[32];

	(void)fd;
	(void)what;
	if (got_signal == SIGHUP) {
		got_signal = 0;
		if (log_reopen() != 0)
			log_error("cannot reopen the log file");
	}
	applier_get_stats(r->app, &st);
	if (now - r->last_report >= r->cfg->status_interval) {
		uint64_t nc = st.commits - r->last.commits;
		log_info("applied %" PRIu64 " transactions (%.0f/s), %" PRIu64 " rows, %"
		    PRIu64 " DDL; at %s:%" PRIu64 "; lag %s; queue %zu bytes; %" PRIu64
		    " commits, each %.1f ms after its first transaction began (%.1f ms "
		    "writing and committing)",
		    st.transactions, r->last_report ?
		    (double)(st.transactions - r->last.transactions) /
		    (double)(now - r->last_report) : 0.0,
		    st.rows, st.ddl, st.file, st.pos,
		    lag_text(run_lag_us(r, &st), lagbuf, sizeof(lagbuf)),
		    queue_bytes(r->q), nc,
		    nc ? (double)(st.batch_us - r->last.batch_us) / 1000.0 / (double)nc : 0.0,
		    nc ? (double)(st.flush_us - r->last.flush_us) / 1000.0 / (double)nc : 0.0);
		if (r->last_report && now > r->last_report) {
			r->rate_trx = (double)(st.transactions - r->last.transactions) /
			    (double)(now - r->last_report);
			r->rate_rows = (double)(st.rows - r->last.rows) / (double)(now - r->last_report);
		}
		r->last_report = now;
		r->last = st;
	}
	if (applier_state(r->app) != APPLIER_RUNNING) {
		/* the applier stopped (error or done): the stream has no reader */
		if (!r->ended)
			replica_stop(r->rep);
		event_base_loopexit(r->base, NULL);
		return;
	}
	if (r->ended && r->pend_head == NULL && !queue_ready(r->q))
		event_base_loopexit(r->base, NULL);
}

static void
on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run *r = arg;

	(void)what;
	if (sig == SIGHUP) {
		got_signal = SIGHUP;
		return;
	}
	if (r->stopping)
		return;
	log_info("signal %d: finishing the current transaction, then stopping", (int)sig);
	r->stopping = true;
	replica_stop(r->rep);
}

/* GET /status (JSON) and /metrics (Prometheus text) on [status] listen. */
/* The JSON of a hold's state (applier_stats.hold). */
static const char *
hold_name(int h)
{
	static const char *const names[] = { "none", "pending", "held", "passed", "expired" };

	return h >= 0 && h <= HOLD_EXPIRED ? names[h] : "none";
}

/*
 * POST /hold?file=F&pos=N&timeout=S: stop applying at F:N (myshift verify
 * compares the destination there); POST /release ends it.  The answer is
 * the hold's state; /status shows it too.
 */
static void
on_http_hold(struct run *r, struct evhttp_request *req, const char *uri)
{
	struct evkeyvalq q;
	struct evbuffer *out;
	const char *file, *pos, *timeout;
	char *end;
	unsigned long long p;
	long t = 60;
	bool ok = true;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_send_error(req, 405, "POST only");
		return;
	}
	if (r->app == NULL) {
		evhttp_send_error(req, 409, "not streaming yet (the migration runs)");
		return;
	}
	if (strcmp(uri, "/release") == 0)
		applier_release(r->app);
	else {
		q.tqh_first = NULL;
		q.tqh_last = &q.tqh_first;
		if (evhttp_parse_query_str(uri + 6, &q) != 0 ||
		    ((file = evhttp_find_header(&q, "file")) == NULL) !=
		    ((pos = evhttp_find_header(&q, "pos")) == NULL)) {
			evhttp_clear_headers(&q);
			evhttp_send_error(req, 400, "usage: POST /hold?[file=F&pos=N&]timeout=S");
			return;
		}
		p = pos ? strtoull(pos, &end, 10) : 0;
		if (pos == NULL)
			end = (char *)"";
		if ((timeout = evhttp_find_header(&q, "timeout")) != NULL)
			t = strtol(timeout, NULL, 10);
		if (*end != '\0' || t < 1 || t > 3600) {
			evhttp_clear_headers(&q);
			evhttp_send_error(req, 400, "pos must be a number, timeout 1 to 3600");
			return;
		}
		ok = applier_hold(r->app, file, p, (unsigned)t);
		evhttp_clear_headers(&q);
	}
	out = evbuffer_new();
	if (out == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	{
		struct applier_stats st;
		applier_get_stats(r->app, &st);
		evbuffer_add_printf(out, "{\"hold\": \"%s\", \"file\": \"%s\", \"pos\": %"
		    PRIu64 "}\n", hold_name(st.hold), st.file, st.pos);
	}
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/json");
	evhttp_send_reply(req, ok ? 200 : 409, ok ? "OK" : "Conflict", out);
	evbuffer_free(out);
}

/*
 * GET /recent: the keys of the rows the applier changed last, one per
 * line (recent_dump()), for myshift cutover's quick verify; 404 when
 * [cutover] verify_rows is 0.
 */
static void
on_http_recent(struct run *r, struct evhttp_request *req)
{
	struct sbuf b = { 0 };
	struct evbuffer *out;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "GET only");
		return;
	}
	if (run_recent == NULL || r->app == NULL) {
		evhttp_send_error(req, 404, r->app ? "[cutover] verify_rows is 0" :
		    "not streaming yet (the migration runs)");
		return;
	}
	recent_dump(run_recent, &b);
	out = evbuffer_new();
	if (out == NULL || b.oom) {
		if (out)
			evbuffer_free(out);
		sbuf_free(&b);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add(out, b.p ? b.p : "", b.len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
	sbuf_free(&b);
}

static void
on_http(struct evhttp_request *req, void *arg)
{
	struct run *r = arg;
	struct applier_stats st;
	struct evbuffer *out;
	const char *uri = evhttp_request_get_uri(req);
	char lag[32], lag_prom[32], lag_ms[32], hb[32], hb_prom[32];
	char behind_bytes[32];
	uint64_t behind_trx;
	int64_t lag_us, hb_us;

	if (strcmp(uri, "/stop") == 0) {
		/* myshift cutover: the same as SIGTERM, once everything is applied */
		struct evbuffer *o = evbuffer_new();
		if (evhttp_request_get_command(req) != EVHTTP_REQ_POST || o == NULL) {
			if (o)
				evbuffer_free(o);
			evhttp_send_error(req, 405, "POST only");
			return;
		}
		if (!r->stopping) {
			log_info("stop requested over HTTP (myshift cutover): finishing the "
			    "current transaction, then stopping");
			r->stopping = true;
			replica_stop(r->rep);
		}
		evbuffer_add_printf(o, "{\"stopping\": true}\n");
		evhttp_send_reply(req, 200, "OK", o);
		evbuffer_free(o);
		return;
	}
	if (strncmp(uri, "/hold?", 6) == 0 || strcmp(uri, "/release") == 0) {
		on_http_hold(r, req, uri);
		return;
	}
	if (strcmp(uri, "/recent") == 0) {
		on_http_recent(r, req);
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "GET only");
		return;
	}
	out = evbuffer_new();
	if (out != NULL && r->app == NULL) {
		/* the migration, before the stream */
		static char mj[65536]; /* the loop thread only */
		migrate_status_json(&r->mig, mj, sizeof(mj));
		if (strcmp(uri, "/status") == 0 || strcmp(uri, "/") == 0) {
			evbuffer_add_printf(out, "{%s, \"stopping\": %s}\n", mj,
			    r->stopping ? "true" : "false");
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Content-Type", "application/json");
		} else if (strcmp(uri, "/metrics") == 0) {
			struct migrate_metrics v;
			migrate_status_metrics(&r->mig, &v);
			evbuffer_add_printf(out, "# TYPE myshift_phase gauge\n"
			    "myshift_phase{phase=\"%s\"} 1\n"
			    "# TYPE myshift_copy_rows_total counter\n"
			    "myshift_copy_rows_total %llu\n"
			    "# TYPE myshift_copy_bytes_total counter\n"
			    "myshift_copy_bytes_total %llu\n"
			    "# TYPE myshift_copy_rows_estimated gauge\n"
			    "myshift_copy_rows_estimated %llu\n"
			    "# TYPE myshift_copy_chunks_done_total counter\n"
			    "myshift_copy_chunks_done_total %llu\n",
			    migrate_phase_name(r->mig.phase), v.rows, v.bytes, v.rows_est,
			    v.chunks);
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Content-Type", "text/plain; version=0.0.4");
		} else {
			evbuffer_free(out);
			evhttp_send_error(req, 404, "try /status or /metrics");
			return;
		}
		evhttp_send_reply(req, 200, "OK", out);
		evbuffer_free(out);
		return;
	}
	applier_get_stats(r->app, &st);
	lag_us = run_lag_us(r, &st);
	lag_seconds(lag_us, "null", lag, sizeof(lag));
	lag_seconds(lag_us, "NaN", lag_prom, sizeof(lag_prom));
	hb_us = st.hb_ts && st.hb_at_us > st.hb_ts ? (int64_t)(st.hb_at_us - st.hb_ts) : -1;
	lag_seconds(hb_us, "null", hb, sizeof(hb));
	lag_seconds(hb_us, "NaN", hb_prom, sizeof(hb_prom));
	if (lag_us < 0)
		snprintf(lag_ms, sizeof(lag_ms), "null");
	else
		snprintf(lag_ms, sizeof(lag_ms), "%" PRId64, lag_us / 1000);
	if (out == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	/* received but not applied yet: transactions, and bytes in one file */
	behind_trx = r->groups_pushed > st.groups ? r->groups_pushed - st.groups : 0;
	if (r->recv_file[0] == '\0' || (strcmp(r->recv_file, st.file) == 0 && r->recv_pos <= st.pos))
		snprintf(behind_bytes, sizeof(behind_bytes), "0");
	else if (strcmp(r->recv_file, st.file) == 0)
		snprintf(behind_bytes, sizeof(behind_bytes), "%" PRIu64, r->recv_pos - st.pos);
	else
		snprintf(behind_bytes, sizeof(behind_bytes), "null");
	if (strcmp(uri, "/status") == 0 || strcmp(uri, "/") == 0) {
		struct sbuf g = { 0 }, e = { 0 };
		char at[32] = "null";
		if (run_last_error_at) {
			struct tm tm;
			gmtime_r(&run_last_error_at, &tm);
			strftime(at, sizeof(at), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
		}
		json_string(&g, (const uint8_t *)st.gtid, strlen(st.gtid));
		sbuf_addc(&g, '\0');
		if (run_last_error[0])
			json_string(&e, (const uint8_t *)run_last_error, strlen(run_last_error));
		else
			sbuf_adds(&e, "null");
		sbuf_addc(&e, '\0');
		evbuffer_add_printf(out, "{\"phase\": \"%s\", \"source_file\": \"%s\", "
		    "\"source_pos\": %" PRIu64 ", \"gtid\": %s, \"received_file\": \"%s\", "
		    "\"received_pos\": %" PRIu64 ", \"behind_transactions\": %" PRIu64 ", "
		    "\"behind_bytes\": %s, \"transactions\": %" PRIu64 ", "
		    "\"rows\": %" PRIu64 ", \"ddl\": %" PRIu64 ", \"commits\": %" PRIu64 ", "
		    "\"transactions_per_second\": %.1f, \"rows_per_second\": %.1f, "
		    "\"lag_seconds\": %s, \"lag_ms\": %s, \"heartbeat_seconds\": %s, "
		    "\"queue_bytes\": %zu, \"xa_held\": %" PRIu64 ", \"hold\": \"%s\", \"stopping\": %s, "
		    "\"retries\": %u, \"last_error\": %s, \"last_error_at\": %s}\n",
		    st.in_seam ? "catch-up" : "streaming",
		    st.file, st.pos, g.p ? g.p : "null", r->recv_file[0] ? r->recv_file : st.file,
		    r->recv_file[0] ? r->recv_pos : st.pos, behind_trx, behind_bytes,
		    st.transactions, st.rows, st.ddl, st.commits, r->rate_trx, r->rate_rows, lag,
		    lag_ms, hb,
		    queue_bytes(r->q), st.xa_held, hold_name(st.hold), r->stopping ? "true" : "false",
		    run_retries, e.p ? e.p : "null", at);
		sbuf_free(&g);
		sbuf_free(&e);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
		    "application/json");
	} else if (strcmp(uri, "/metrics") == 0) {
		evbuffer_add_printf(out,
		    "# TYPE myshift_transactions_applied_total counter\n"
		    "myshift_transactions_applied_total %" PRIu64 "\n"
		    "# TYPE myshift_rows_applied_total counter\n"
		    "myshift_rows_applied_total %" PRIu64 "\n"
		    "# TYPE myshift_ddl_applied_total counter\n"
		    "myshift_ddl_applied_total %" PRIu64 "\n"
		    "# TYPE myshift_commits_total counter\n"
		    "myshift_commits_total %" PRIu64 "\n"
		    "# TYPE myshift_lag_seconds gauge\n"
		    "myshift_lag_seconds %s\n"
		    "# TYPE myshift_heartbeat_seconds gauge\n"
		    "myshift_heartbeat_seconds %s\n"
		    "# TYPE myshift_queue_bytes gauge\n"
		    "myshift_queue_bytes %zu\n"
		    "# TYPE myshift_phase gauge\n"
		    "myshift_phase{phase=\"%s\"} 1\n"
		    "# TYPE myshift_behind_transactions gauge\n"
		    "myshift_behind_transactions %" PRIu64 "\n"
		    "# TYPE myshift_retries_total counter\n"
		    "myshift_retries_total %u\n"
		    "# TYPE myshift_xa_held gauge\n"
		    "myshift_xa_held %" PRIu64 "\n",
		    st.transactions, st.rows, st.ddl, st.commits, lag_prom, hb_prom,
		    queue_bytes(r->q),
		    st.in_seam ? "catch-up" : "streaming", behind_trx, run_retries, st.xa_held);
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
		    "text/plain; version=0.0.4");
	} else {
		evbuffer_free(out);
		evhttp_send_error(req, 404, "try /status or /metrics");
		return;
	}
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* Listen on host:port for status requests; false with a message. */
static bool
status_listen(struct run *r, char *msg, size_t msglen)
{
	const char *spec = r->cfg->status_listen;
	const char *colon;
	char host[256];
	long port;

	if (spec == NULL || *spec == '\0')
		return true;
	colon = strrchr(spec, ':');
	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host) ||
	    (port = strtol(colon + 1, NULL, 10)) <= 0 || port > 65535) {
		snprintf(msg, msglen, "[status] listen = %s: expected host:port", spec);
		return false;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
	r->http = evhttp_new(r->base);
	if (r->http == NULL || evhttp_bind_socket(r->http, host, (uint16_t)port) != 0) {
		snprintf(msg, msglen, "[status] listen = %s: cannot listen there", spec);
		return false;
	}
	evhttp_set_gencb(r->http, on_http, r);
	return true;
}

/* MariaDB's GTID position of domain dom in list (d-s-n,...): its seq, or -1. */
static long long
maria_seq(const char *list, unsigned long dom)
{
	for (const char *p = list; p && *p; ) {
		char *e;
		unsigned long d;
		while (*p == ',' || *p == ' ' || *p == '\n')
			p++;
		d = strtoul(p, &e, 10);
		if (*e == '-' && d == dom && (e = strchr(e + 1, '-')) != NULL)
			return strtoll(e + 1, NULL, 10);
		p = strchr(p, ',');
	}
	return -1;
}

/* One value of a query on d (NULL on SQL NULL); false with err. */
static bool
value_of(struct dest *d, const char *sql, char **out, bool *fatal, char *err, size_t errlen)
{
	if (!dest_value(d, sql, out)) {
		*fatal = !dest_transient(d);
		snprintf(err, errlen, "%.1000s", d->err);
		return false;
	}
	return true;
}

/*
 * Whether the source can serve [replication] start: the GTID set is of
 * its flavour, executed there and not purged; the file is one of its
 * binlogs and the position an event's start.  Every refusal is *fatal:
 * a retry serves it no better.
 */
static bool
start_check(struct dest *d, enum start_kind kind, const struct ckpt *start, bool *fatal,
    char *err, size_t errlen)
{
	bool mariadb = strstr(mysql_get_server_info(d->my), "MariaDB") != NULL;
	struct sbuf q = { 0 };
	char *v = NULL, *w = NULL;
	bool ok = false;

	if (kind == START_GTID_MARIADB && !mariadb) {
		snprintf(err, errlen, "[replication] start = %.300s is a MariaDB GTID position, "
		    "but %s is MySQL: give a MySQL GTID set (uuid:1-42), a "
		    "FILE:POS or current", start->gtid, d->where);
		*fatal = true;
		return false;
	}
	if (kind == START_GTID_MYSQL && mariadb) {
		snprintf(err, errlen, "[replication] start = %.300s is a MySQL GTID set, but "
		    "%s is MariaDB: give a MariaDB GTID position (0-1-42), a FILE:POS "
		    "or current", start->gtid, d->where);
		*fatal = true;
		return false;
	}
	if (kind == START_GTID_MYSQL) {
		sbuf_adds(&q, "SELECT GTID_SUBSET(");
		sbuf_sql_string(&q, start->gtid);
		sbuf_adds(&q, ", @@GLOBAL.gtid_executed), GTID_SUBSET(@@GLOBAL.gtid_purged, ");
		sbuf_sql_string(&q, start->gtid);
		sbuf_adds(&q, ")");
		sbuf_addc(&q, '\0');
		if (q.oom || !value_of(d, q.p, &v, fatal, err, errlen))
			goto out;
		sbuf_reset(&q);
		sbuf_adds(&q, "SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ");
		sbuf_sql_string(&q, start->gtid);
		sbuf_adds(&q, ")");
		sbuf_addc(&q, '\0');
		if (q.oom || !value_of(d, q.p, &w, fatal, err, errlen))
			goto out;
		*fatal = true;
		if (v == NULL || strcmp(v, "1") != 0)
			snprintf(err, errlen, "[replication] start = %.300s: %s has not "
			    "executed all of these GTIDs (not a set it wrote)", start->gtid,
			    d->where);
		else if (w == NULL || strcmp(w, "1") != 0)
			snprintf(err, errlen, "[replication] start = %.300s: %s has purged "
			    "binlogs with transactions after these GTIDs (@@gtid_purged is not "
			    "within them): start from a later set, or migrate with start = "
			    "snapshot", start->gtid, d->where);
		else
			ok = true;
		*fatal = !ok;
		goto out;
	}
	if (kind == START_GTID_MARIADB) {
		char *first = NULL;
		MYSQL_RES *res;
		MYSQL_ROW row;
		if (!value_of(d, "SELECT @@GLOBAL.gtid_binlog_pos", &v, fatal, err, errlen))
			goto out;
		res = dest_result(d, "SHOW BINARY LOGS");
		if (res != NULL && (row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
			first = strdup(row[0]);
		if (res != NULL)
			mysql_free_result(res);
		if (first != NULL) {
			sbuf_adds(&q, "SELECT BINLOG_GTID_POS(");
			sbuf_sql_string(&q, first);
			sbuf_adds(&q, ", 4)");
			sbuf_addc(&q, '\0');
			free(first);
			if (q.oom || !value_of(d, q.p, &w, fatal, err, errlen))
				goto out;
		}
		*fatal = true;
		for (const char *p = start->gtid; p && *p; ) {
			char *e;
			unsigned long dom;
			long long seq, have, oldest;
			while (*p == ',' || *p == ' ' || *p == '\n')
				p++;
			dom = strtoul(p, &e, 10);
			e = strchr(e + 1, '-');
			seq = e ? strtoll(e + 1, NULL, 10) : 0;
			have = maria_seq(v, dom);
			oldest = w ? maria_seq(w, dom) : -1;
			if (have < seq) {
				snprintf(err, errlen, "[replication] start = %.300s: %s has "
				    "%s domain %lu (its binlog is at %.300s): not a position it wrote",
				    start->gtid, d->where, have < 0 ? "no transaction of" :
				    "not reached that sequence number in", dom, v ? v : "");
				goto out;
			}
			if (oldest > seq) {
				snprintf(err, errlen, "[replication] start = %.300s: %s has "
				    "purged the binlogs after it in domain %lu (its oldest binlog "
				    "starts at %.300s): start from a later position, or migrate with "
				    "start = snapshot", start->gtid, d->where, dom, w);
				goto out;
			}
			p = strchr(p, ',');
		}
		ok = true;
		*fatal = false;
		goto out;
	}
	if (kind == START_FILEPOS && !mariadb) {
		/* MariaDB: BINLOG_GTID_POS below says both */
		MYSQL_RES *res = dest_result(d, "SHOW BINARY LOGS");
		MYSQL_ROW row;
		bool found = false;
		char first[256] = "", last[256] = "";
		if (res == NULL) {
			*fatal = !dest_transient(d);
			snprintf(err, errlen, "%.1000s", d->err);
			goto out;
		}
		while ((row = mysql_fetch_row(res)) != NULL) {
			if (row[0] == NULL)
				continue;
			if (!first[0])
				snprintf(first, sizeof(first), "%s", row[0]);
			snprintf(last, sizeof(last), "%s", row[0]);
			found |= strcmp(row[0], start->file) == 0;
		}
		mysql_free_result(res);
		*fatal = true;
		if (!found) {
			snprintf(err, errlen, "[replication] start = %.300s:%" PRIu64 ": %s "
			    "has no binlog %s (it has %s to %s): purged, or another server's",
			    start->file, start->pos, d->where, start->file, first, last);
			goto out;
		}
		sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
		sbuf_sql_string(&q, start->file);
		sbuf_printf(&q, " FROM %" PRIu64 " LIMIT 1", start->pos);
		sbuf_addc(&q, '\0');
		res = q.oom ? NULL : dest_result(d, q.p);
		if (res == NULL) {
			snprintf(err, errlen, "[replication] start = %.300s:%" PRIu64 ": not the start "
			    "of an event in the source's binlog (SHOW BINLOG EVENTS lists them): "
			    "%.1000s", start->file, start->pos, d->err);
			goto out;
		}
		/*
		 * MySQL reads whatever lies there: an event starts at pos if the
		 * one read ends where the next begins (or at the end of the file).
		 */
		{
			MYSQL_ROW r1 = mysql_fetch_row(res);
			char p1[32] = "", e1[32] = "";
			bool boundary;
			if (r1 != NULL && r1[1] && r1[4]) {
				snprintf(p1, sizeof(p1), "%s", r1[1]);
				snprintf(e1, sizeof(e1), "%s", r1[4]);
			}
			boundary = r1 != NULL && strtoull(p1, NULL, 10) == start->pos;
			mysql_free_result(res);
			if (boundary) {
				sbuf_reset(&q);
				sbuf_adds(&q, "SHOW BINLOG EVENTS IN ");
				sbuf_sql_string(&q, start->file);
				sbuf_printf(&q, " FROM %s LIMIT 1", e1);
				sbuf_addc(&q, '\0');
				/* the next event must start where this one ends */
				res = q.oom ? NULL : dest_result(d, q.p);
				if (res != NULL) {
					MYSQL_ROW r2 = mysql_fetch_row(res);
					boundary = r2 == NULL || (r2[1] && strcmp(r2[1], e1) == 0);
					mysql_free_result(res);
				} else
					boundary = false;
			}
			if (!boundary && r1 != NULL) {
				snprintf(err, errlen, "[replication] start = %.300s:%" PRIu64 ": not the "
				    "start of an event in the source's binlog (SHOW BINLOG EVENTS "
				    "lists them)", start->file, start->pos);
				goto out;
			}
		}
	}
	ok = true;
	*fatal = false;
out:
	sbuf_free(&q);
	free(v);
	free(w);
	return ok;
}

/*
 * The first position: "current", "FILE:POS" or a GTID set. On MariaDB a
 * file position also gets the source's GTID position there
 * (BINLOG_GTID_POS), so that the checkpoint knows every domain from the
 * start: reconnections check it, and resume = gtid can use it. On MySQL
 * "current" gets the source's Executed_Gtid_Set of the same status row.
 */
static bool
start_position(const struct cfg *c, struct ckpt *start, bool *fatal, char *err,
    size_t errlen)
{
	const char *s = c->start ? c->start : "current";
	struct dest d = { 0 };
	struct sbuf q = { 0 };
	MYSQL_RES *res;
	MYSQL_ROW row;
	bool ok;
	enum start_kind kind;
	char why[300];

	memset(start, 0, sizeof(*start));
	*fatal = false;
	kind = start_parse(s, start->file, sizeof(start->file), &start->pos, why, sizeof(why));
	if (kind == START_BAD) {
		/* check-config and cfg_load refuse it already */
		snprintf(err, errlen, "[replication] start = '%s': %s", s, why);
		*fatal = true;
		return false;
	}
	if (kind == START_GTID_MARIADB || kind == START_GTID_MYSQL) {
		if (strlen(s) >= sizeof(start->gtid)) {
			snprintf(err, errlen, "[replication] start: a GTID set of %zu characters, "
			    "more than the checkpoint holds", strlen(s));
			*fatal = true;
			return false;
		}
		snprintf(start->gtid, sizeof(start->gtid), "%s", s);
	}
	if (!dest_connect(&d, &c->source, "source")) {
		snprintf(err, errlen, "%s", d.err);
		*fatal = dest_permanent(&d);
		return false;
	}
	/* nothing is written from a start the source cannot serve */
	if (!start_check(&d, kind, start, fatal, err, errlen)) {
		dest_close(&d);
		return false;
	}
	if (strstr(mysql_get_server_info(d.my), "MariaDB") == NULL) {
		/* the positions belong to this server: remember which it is */
		char *u = NULL;
		if (!dest_value(&d, "SELECT @@server_uuid", &u))
			log_warn("%s: no server_uuid (%s): a source swapped between two "
			    "runs will not be noticed", d.where, d.err);
		snprintf(start->server, sizeof(start->server), "%s", u ? u : "");
		free(u);
	}
	if (start->file[0] == '\0' && start->gtid[0] != '\0') {
		dest_close(&d);
		return true;
	}
	if (start->file[0] == '\0') {
		const char *sql = dest_binlog_status_sql(&d);
		if (mysql_query(d.my, sql) != 0 ||
		    (res = mysql_store_result(d.my)) == NULL) {
			/* a refusal by the server (privilege, syntax) is no retry's */
			d.errnum = mysql_errno(d.my);
			*fatal = dest_permanent(&d);
			snprintf(err, errlen, "%s: %s: %s (error %u; the user needs the "
			    "REPLICATION CLIENT privilege, on MariaDB BINLOG MONITOR)",
			    d.where, sql, mysql_error(d.my), d.errnum);
			dest_close(&d);
			return false;
		}
		row = mysql_fetch_row(res);
		if (row == NULL || row[0] == NULL) {
			snprintf(err, errlen, "%s: binary logging is off on the source: enable "
			    "log_bin with binlog_format=ROW", d.where);
			*fatal = true;
			mysql_free_result(res);
			dest_close(&d);
			return false;
		}
		snprintf(start->file, sizeof(start->file), "%s", row[0]);
		start->pos = row[1] ? strtoull(row[1], NULL, 10) : 4;
		/* MySQL: Executed_Gtid_Set, the GTIDs up to that position */
		if (mysql_num_fields(res) >= 5 && row[4] != NULL &&
		    strstr(mysql_get_server_info(d.my), "MariaDB") == NULL) {
			if (strlen(row[4]) >= sizeof(start->gtid)) {
				snprintf(err, errlen, "%s: the source's gtid_executed has %zu "
				    "characters, more than the checkpoint holds (%zu)",
				    d.where, strlen(row[4]), sizeof(start->gtid) - 1);
				*fatal = true;
				mysql_free_result(res);
				dest_close(&d);
				return false;
			}
			snprintf(start->gtid, sizeof(start->gtid), "%s", row[4]);
			snap_gtid_compact(start->gtid);
		}
		mysql_free_result(res);
	} else if (strstr(mysql_get_server_info(d.my), "MariaDB") == NULL)
		log_warn("%s: [replication] start = %s:%" PRIu64 ": the GTIDs the MySQL "
		    "source ran before that position are unknown, so resume = gtid "
		    "cannot be used with this checkpoint (start = current or a GTID "
		    "set can)", d.where, start->file, start->pos);
	if (strstr(mysql_get_server_info(d.my), "MariaDB") == NULL) {
		dest_close(&d);
		return true;
	}
	sbuf_adds(&q, "SELECT BINLOG_GTID_POS(");
	sbuf_sql_string(&q, start->file);
	sbuf_printf(&q, ", %" PRIu64 ")", start->pos);
	sbuf_addc(&q, '\0');
	ok = !q.oom && mysql_query(d.my, q.p) == 0 &&
	    (res = mysql_store_result(d.my)) != NULL;
	sbuf_free(&q);
	if (!ok) {
		log_warn("%s: BINLOG_GTID_POS: %s: the first checkpoint has no GTID "
		    "position", d.where, mysql_error(d.my));
		dest_close(&d);
		return true;
	}
	row = mysql_fetch_row(res);
	if (row == NULL || row[0] == NULL) {
		snprintf(err, errlen, "%s: [replication] start = %s:%" PRIu64 ": the source "
		    "has no such binlog position (no binlog of that name, or not the "
		    "start of an event; SHOW BINLOG EVENTS lists them)", d.where,
		    start->file, start->pos);
		*fatal = true;
		mysql_free_result(res);
		dest_close(&d);
		return false;
	}
	snprintf(start->gtid, sizeof(start->gtid), "%s", row[0]);
	mysql_free_result(res);
	dest_close(&d);
	return true;
}

static void
link_opts(struct conn_opts *o, const struct cfg_link *l, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->name = name;
	o->host = l->host;
	o->port = (uint16_t)l->port;
	o->socket = l->socket;
	o->user = l->user;
	o->password = l->password;
	o->ssl_mode = l->ssl_mode ? (enum conn_ssl_mode)conn_ssl_mode_parse(l->ssl_mode) :
	    CONN_SSL_PREFERRED;
	o->ssl_ca = l->ssl_ca;
	o->ssl_cert = l->ssl_cert;
	o->ssl_key = l->ssl_key;
	o->server_public_key = l->server_public_key;
	o->get_server_public_key = l->get_server_public_key;
	o->connect_timeout = (unsigned)l->connect_timeout;
}

/* The migration's thread: everything before the stream. */
struct mig_job {
	struct run *r;
	const struct filter *f;
	struct ckpt *start;
	bool ok, fatal;
	char err[4096];
	struct event *done_ev;
};

static void *
mig_main(void *arg)
{
	struct mig_job *j = arg;

	j->ok = migrate_run(j->r->cfg, j->f, &j->r->mig, j->start, &j->fatal, j->err,
	    sizeof(j->err));
	event_active(j->done_ev, EV_READ, 0);
	return NULL;
}

static void
on_mig_done(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(r->base);
}

static void
on_mig_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run *r = arg;

	(void)what;
	if (sig == SIGHUP) {
		if (log_reopen() != 0)
			log_error("cannot reopen the log file");
		return;
	}
	if (r->stopping)
		return;
	log_info("signal %d: stopping the copy after the chunks being copied (they are "
	    "kept; the next run goes on from there)", (int)sig);
	r->stopping = true;
	got_signal = (sig_atomic_t)sig;
	migrate_stop(&r->mig);
}

/*
 * start = snapshot on a destination without a checkpoint: run the
 * migration's phases on a thread while the loop serves /status and
 * signals. APPLIER_RUNNING when the stream may start at *start.
 */
static enum applier_status
run_migration(struct run *r, const struct filter *f, struct ckpt *start, char *msg,
    size_t msglen)
{
	struct mig_job j;
	struct event *sig_term, *sig_int, *sig_hup;
	pthread_t th;
	enum applier_status st = APPLIER_RUNNING;

	memset(&j, 0, sizeof(j));
	j.r = r;
	j.f = f;
	j.start = start;
	r->base = event_base_new();
	if (r->base == NULL) {
		snprintf(msg, msglen, "out of memory");
		return APPLIER_FATAL;
	}
	j.done_ev = event_new(r->base, -1, 0, on_mig_done, r);
	sig_term = evsignal_new(r->base, SIGTERM, on_mig_signal, r);
	sig_int = evsignal_new(r->base, SIGINT, on_mig_signal, r);
	sig_hup = evsignal_new(r->base, SIGHUP, on_mig_signal, r);
	if (!status_listen(r, msg, msglen))
		st = APPLIER_FATAL;
	else if (j.done_ev == NULL || sig_term == NULL || sig_int == NULL || sig_hup == NULL) {
		snprintf(msg, msglen, "out of memory");
		st = APPLIER_FATAL;
	} else {
		event_add(sig_term, NULL);
		event_add(sig_int, NULL);
		event_add(sig_hup, NULL);
		if (got_signal == SIGTERM || got_signal == SIGINT)
			migrate_stop(&r->mig);
		if (pthread_create(&th, NULL, mig_main, &j) != 0) {
			snprintf(msg, msglen, "cannot start the migration thread");
			st = APPLIER_FATAL;
		} else {
			event_base_dispatch(r->base);
			pthread_join(th, NULL);
			if (r->stopping) {
				snprintf(msg, msglen, "stopped by a signal during the migration");
				st = APPLIER_DONE;
			} else if (!j.ok) {
				snprintf(msg, msglen, "%s", j.err);
				st = j.fatal ? APPLIER_FATAL : APPLIER_RETRY;
			}
		}
	}
	if (r->http != NULL)
		evhttp_free(r->http);
	r->http = NULL;
	if (j.done_ev)
		event_free(j.done_ev);
	if (sig_term)
		event_free(sig_term);
	if (sig_int)
		event_free(sig_int);
	if (sig_hup)
		event_free(sig_hup);
	event_base_free(r->base);
	r->base = NULL;
	return st;
}

/*
 * The first start of a migration ([replication] precheck): the precheck's
 * report in the log, FAILs stop the run before anything is written.
 * APPLIER_RUNNING to go on.
 */
static enum applier_status
run_precheck(const struct cfg *c, const struct filter *f, char *msg, size_t msglen)
{
	static bool passed;
	struct precheck_result res;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	bool begun, transient;
	enum log_level lvl = LOG_INFO;
	FILE *out;
	struct sbuf fails = { 0 };

	if (passed || !c->precheck)
		return APPLIER_RUNNING;
	if (!state_migration_begun(c, &begun, &transient, msg, msglen))
		return transient ? APPLIER_RETRY : APPLIER_FATAL;
	if (begun) {
		log_info("precheck: not run again, the migration begun by an earlier run goes on");
		passed = true;
		return APPLIER_RUNNING;
	}
	log_info("precheck: both servers, before anything is written (myshift precheck "
	    "shows the same; [replication] precheck = false skips it)");
	out = open_memstream(&buf, &len);
	if (out == NULL) {
		snprintf(msg, msglen, "out of memory");
		return APPLIER_FATAL;
	}
	precheck_report(c, f, out, &res);
	fclose(out);
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "FAIL", 4) == 0) {
			lvl = LOG_ERROR;
			sbuf_printf(&fails, "%s%s", fails.len ? "; " : "", line + 6);
		}
		else if (strncmp(line, "WARN", 4) == 0)
			lvl = LOG_WARN;
		else if (strncmp(line, "PASS", 4) == 0)
			lvl = LOG_INFO;
		log_msg(lvl, "precheck: %s", line); /* a "fix:" line at its item's level */
	}
	free(buf);
	sbuf_addc(&fails, '\0');
	if (res.unreachable) {
		snprintf(msg, msglen, "precheck: %s", fails.p ? fails.p : "a server cannot be reached");
		sbuf_free(&fails);
		return res.transient ? APPLIER_RETRY : APPLIER_FATAL;
	}
	if (res.fails > 0) {
		snprintf(msg, msglen, "precheck: %d check(s) failed, nothing was written (each "
		    "is above with its fix; [replication] precheck = false starts anyway): %s",
		    res.fails, fails.p ? fails.p : "");
		sbuf_free(&fails);
		return APPLIER_FATAL;
	}
	sbuf_free(&fails);
	log_info("precheck: passed, %d warning(s)", res.warns);
	passed = true;
	return APPLIER_RUNNING;
}

/* One life of the pipeline, from the checkpoint to a stop or failure. */
static enum applier_status
run_once(const struct cfg *c, const struct filter *f, char *msg, size_t msglen)
{
	struct run r;
	struct ckpt ck, start;
	struct replica_opts ro;
	struct replica_cb cb = { on_rep_event, on_rep_commit, on_rep_discard, on_rep_done };
	struct timeval one = { 1, 0 };
	enum applier_status st;
	char err[2048];
	bool fatal;

	memset(&r, 0, sizeof(r));
	r.cfg = c;
	migrate_state_init(&r.mig);
	if (!state_ckpt_read(c, &ck, &fatal, err, sizeof(err))) {
		snprintf(msg, msglen, "%s", err);
		return fatal ? APPLIER_FATAL : APPLIER_RETRY;
	}
	if (!ck.found) {
		if ((st = run_precheck(c, f, msg, msglen)) != APPLIER_RUNNING)
			return st;
		if (c->start == NULL || strcasecmp(c->start, "snapshot") == 0) {
			/* the whole migration first: schema, copy; then the stream */
			enum applier_status ms = run_migration(&r, f, &start, msg, msglen);
			if (ms != APPLIER_RUNNING)
				return ms;
			set_phase(&r, MIGRATE_CATCHUP);
		} else if (!start_position(c, &start, &fatal, err, sizeof(err))) {
			snprintf(msg, msglen, "%s", err);
			return fatal ? APPLIER_FATAL : APPLIER_RETRY;
		}
		if (!state_ckpt_init(c, &start, &fatal, err, sizeof(err)) ||
		    !state_ckpt_read(c, &ck, &fatal, err, sizeof(err))) {
			snprintf(msg, msglen, "%s", err);
			return fatal ? APPLIER_FATAL : APPLIER_RETRY;
		}
		log_info("first run: starting at %s", start.file[0] ? start.file : start.gtid);
	}
	log_info("resuming from %s:%" PRIu64 " (%" PRIu64 " transactions applied so far)",
	    ck.file[0] ? ck.file : "(gtid)", ck.pos, ck.transactions);
	memset(&ro, 0, sizeof(ro));
	link_opts(&ro.conn, &c->source, "source");
	ro.source_uuid = ck.server[0] ? ck.server : NULL;
	ro.server_id = (uint32_t)c->server_id;
	ro.heartbeat = (unsigned)c->heartbeat;
	ro.retry_window = (unsigned)c->retry_window;
	ro.stop_never = true;
	if (c->resume != NULL && strcmp(c->resume, "gtid") == 0 && ck.file[0]) {
		if (ck.gtid[0] == '\0') {
			snprintf(msg, msglen, "[replication] resume = gtid, but the checkpoint "
			    "at %s:%" PRIu64 " has no GTID position (the source logged no "
			    "GTID yet): resume = position", ck.file, ck.pos);
			return APPLIER_FATAL;
		}
		log_info("resume = gtid: asking the source for the transactions after %s "
		    "(not for %s:%" PRIu64 ")", ck.gtid, ck.file, ck.pos);
		ro.start_gtid = ck.gtid;
	} else if (ck.file[0]) {
		ro.start_file = ck.file;
		ro.start_pos = ck.pos;
		ro.known_gtid = ck.gtid[0] ? ck.gtid : NULL;
	} else
		ro.start_gtid = ck.gtid;

	r.base = event_base_new();
	r.q = queue_new((size_t)c->queue_bytes);
	if (r.base == NULL || r.q == NULL) {
		snprintf(msg, msglen, "out of memory");
		return APPLIER_FATAL;
	}
	r.rep = replica_new(r.base, &ro, &cb, &r);
	if (run_recent == NULL && c->cutover_verify_rows > 0)
		run_recent = recent_new((unsigned)c->cutover_verify_rows);
	r.app = applier_start(c, r.q, f, run_recent, err, sizeof(err));
	if (r.rep == NULL || r.app == NULL) {
		snprintf(msg, msglen, "%s", r.app ? "out of memory" : err);
		if (r.app) {
			applier_stop(r.app);
			push(&r, QI_END, 0, NULL, 0);
			(void)applier_join(r.app, err, sizeof(err));
			applier_free(r.app);
		}
		replica_free(r.rep);
		queue_free(r.q);
		event_base_free(r.base);
		return APPLIER_FATAL;
	}
	queue_set_on_space(r.q, on_space, &r);
	r.resume_ev = event_new(r.base, -1, 0, on_resume, &r);
	r.tick_ev = event_new(r.base, -1, EV_PERSIST, on_tick, &r);
	r.sig_term = evsignal_new(r.base, SIGTERM, on_stop_signal, &r);
	r.sig_int = evsignal_new(r.base, SIGINT, on_stop_signal, &r);
	r.sig_hup = evsignal_new(r.base, SIGHUP, on_stop_signal, &r);
	if (!status_listen(&r, msg, msglen)) {
		log_error("%s", msg);
		r.stopping = true;
		push(&r, QI_END, 0, NULL, 0);
		r.ended = true;
		(void)applier_join(r.app, err, sizeof(err));
		if (r.http != NULL)
			evhttp_free(r.http);
		applier_free(r.app);
		replica_free(r.rep);
		event_free(r.resume_ev);
		event_free(r.tick_ev);
		event_free(r.sig_term);
		event_free(r.sig_int);
		event_free(r.sig_hup);
		queue_free(r.q);
		event_base_free(r.base);
		return APPLIER_FATAL;
	}
	event_add(r.tick_ev, &one);
	event_add(r.sig_term, NULL);
	event_add(r.sig_int, NULL);
	event_add(r.sig_hup, NULL);
	r.hb = heartbeat_start(c);
	if (replica_start(r.rep) == 0) {
		/* a stop that came while starting */
		if (got_signal == SIGTERM || got_signal == SIGINT)
			on_stop_signal(got_signal, 0, &r);
		event_base_dispatch(r.base);
	}
	/* the applier may still be working through the queue */
	if (!r.ended) {
		replica_stop(r.rep);
		r.pend_head = r.pend_tail = NULL;
		queue_push_force(r.q, qitem_new(QI_END, 0, NULL, 0));
	}
	while (r.pend_head != NULL) {
		struct qitem *it = r.pend_head;
		r.pend_head = it->next;
		it->next = NULL;
		queue_push_force(r.q, it);
	}
	st = applier_join(r.app, msg, msglen);
	heartbeat_stop(r.hb);
	r.hb = NULL;
	if (st == APPLIER_DONE && r.stream_status != 0) {
		snprintf(msg, msglen, "%s", r.stream_msg);
		st = APPLIER_FATAL;
	}
	{
		struct applier_stats as;
		applier_get_stats(r.app, &as);
		log_info("stopped at %s:%" PRIu64 " after %" PRIu64 " transactions",
		    as.file[0] ? as.file : ck.file, as.pos ? as.pos : ck.pos, as.transactions);
		run_progressed = as.transactions > ck.transactions;
	}
	if (r.http != NULL)
		evhttp_free(r.http);
	applier_free(r.app);
	replica_free(r.rep);
	event_free(r.resume_ev);
	event_free(r.tick_ev);
	event_free(r.sig_term);
	event_free(r.sig_int);
	event_free(r.sig_hup);
	queue_free(r.q);
	event_base_free(r.base);
	if (st == APPLIER_DONE && !r.stopping && r.stream_status == 0)
		st = APPLIER_RETRY; /* the stream ended without being asked to */
	if (r.stopping && st != APPLIER_FATAL)
		st = APPLIER_DONE;
	return st;
}

int
run_main(const struct cfg *c)
{
	char msg[4096];
	char *ferr = NULL;
	struct filter *f;
	unsigned backoff = 1;
	time_t first_failure = 0;

	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	f = filter_new(c->include_databases, c->exclude_databases, c->include_tables,
	    c->exclude_tables, c->exclude_columns, c->rename_databases, c->rename_tables,
	    c->state_schema, &ferr);
	if (f == NULL) {
		log_error("%s: [filter]: %s", c->path, ferr ? ferr : "out of memory");
		free(ferr);
		return 2;
	}
	for (;;) {
		enum applier_status st;
		time_t started = time(NULL);
		msg[0] = '\0';
		/* between lives of the pipeline the loop's handlers are gone */
		signal(SIGTERM, on_plain_signal);
		signal(SIGINT, on_plain_signal);
		if (got_signal == SIGTERM || got_signal == SIGINT) {
			log_info("signal %d: finishing the current transaction, then "
			    "stopping (none is in progress)", (int)got_signal);
			filter_free(f);
			return 0;
		}
		run_progressed = false;
		st = run_once(c, f, msg, sizeof(msg));
		if (st == APPLIER_DONE) {
			filter_free(f);
			return 0;
		}
		if (st == APPLIER_FATAL) {
			log_error("%s", msg);
			filter_free(f);
			return 1;
		}
		if (time(NULL) - started >= 60 || run_progressed) {
			/*
			 * It ran well for a while, or applied transactions (the
			 * destination or source came back): a new failure starts a
			 * new window, retried at once again.
			 */
			first_failure = 0;
			backoff = 1;
		}
		if (first_failure == 0)
			first_failure = time(NULL);
		if (time(NULL) - first_failure > c->retry_window) {
			log_error("%s (still failing after the retry window)", msg);
			filter_free(f);
			return 1;
		}
		log_warn("%s; restarting from the checkpoint in %u s", msg, backoff);
		run_retries++;
		snprintf(run_last_error, sizeof(run_last_error), "%s", msg);
		run_last_error_at = time(NULL);
		signal(SIGTERM, on_plain_signal);
		signal(SIGINT, on_plain_signal);
		for (unsigned i = 0; i < backoff * 10 && got_signal != SIGTERM &&
		    got_signal != SIGINT; i++)
			usleep(100000);
		backoff = backoff * 2 < 30 ? backoff * 2 : 30;
	}
}
