/* copy_progress.c: the copy's progress: figures for /status and /metrics, the log line, the live display on a terminal. */
#include "src/copy_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "src/log.h"

void
copy_get_progress(struct copy *cp, struct copy_progress *out)
{
	struct timespec now;
	double el;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&cp->mu);
	out->tables = cp->ntables;
	for (unsigned i = 0; i < cp->ntables; i++)
		if (cp->tables[i].planned_all && !cp->tables[i].planning)
			out->tables_done++;
	out->chunks_done = cp->chunks_done;
	out->chunks_reused = cp->chunks_reused;
	out->rows = cp->rows;
	out->rows_est = cp->rows_est > cp->rows ? cp->rows_est : cp->rows;
	out->bytes = cp->bytes;
	uint64_t fresh = cp->rows - cp->rows_reused;
	pthread_mutex_unlock(&cp->mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (double)(now.tv_sec - cp->t0.tv_sec) + (now.tv_nsec - cp->t0.tv_nsec) / 1e9;
	out->eta_seconds = -1;
	if (el > 0.5 && cp->t0.tv_sec != 0) {
		out->rows_per_second = (double)fresh / el;
		if (out->rows_per_second > 0)
			out->eta_seconds = (long)((double)(out->rows_est - out->rows) /
			    out->rows_per_second);
	}
}

void
copy_tables_json(struct copy *cp, struct sbuf *out, unsigned max)
{
	unsigned n = 0;

	pthread_mutex_lock(&cp->mu);
	for (unsigned i = 0; i < cp->ntables && n < max; i++) {
		struct copy_table *t = &cp->tables[i];
		uint64_t est = t->spec.rows_est > t->rows ? t->spec.rows_est : t->rows;
		bool done = t->planned_all && !t->planning && t->rows >= est;
		sbuf_adds(out, n++ ? ", {\"table\": " : "{\"table\": ");
		sbuf_addc(out, '"');
		for (const char *p = t->spec.sdb; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addc(out, '\\');
			sbuf_addc(out, *p);
		}
		sbuf_addc(out, '.');
		for (const char *p = t->spec.stbl; *p; p++) {
			if (*p == '"' || *p == '\\')
				sbuf_addc(out, '\\');
			sbuf_addc(out, *p);
		}
		sbuf_printf(out, "\", \"rows\": %" PRIu64 ", \"rows_estimated\": %" PRIu64
		    ", \"chunks_done\": %" PRIu64 ", \"done\": %s}", t->rows, est,
		    t->chunks_done, done ? "true" : "false");
	}
	pthread_mutex_unlock(&cp->mu);
}

void
copy_report(struct copy *cp)
{
	struct copy_progress p;

	copy_get_progress(cp, &p);
	log_info("copy: %" PRIu64 " chunks, %" PRIu64 " of ~%" PRIu64 " rows (%.0f%%), "
	    "%.1f MB, %.0f rows/s, ETA %ld s", p.chunks_done, p.rows, p.rows_est,
	    p.rows_est ? 100.0 * (double)p.rows / (double)p.rows_est : 100.0,
	    (double)p.bytes / 1e6, p.rows_per_second, p.eta_seconds);
}

/* Overall, then the tables being copied. */
void
copy_draw(struct copy *cp)
{
	struct copy_progress p;
	struct sbuf b = { 0 };
	unsigned shown = 0, more = 0;

	copy_get_progress(cp, &p);
	sbuf_printf(&b, "copy %3.0f%%  %" PRIu64 " / ~%" PRIu64 " rows  %.1f MB  %.0f rows/s  "
	    "ETA %s%ld s  (%" PRIu64 " chunks)\n", p.rows_est ? 100.0 * (double)p.rows /
	    (double)p.rows_est : 100.0, p.rows, p.rows_est, (double)p.bytes / 1e6,
	    p.rows_per_second, p.eta_seconds < 0 ? "?" : "", p.eta_seconds < 0 ? 0 :
	    p.eta_seconds, p.chunks_done);
	pthread_mutex_lock(&cp->mu);
	for (unsigned i = 0; i < cp->ntables; i++) {
		struct copy_table *t = &cp->tables[i];
		uint64_t est = t->spec.rows_est > t->rows ? t->spec.rows_est : t->rows;
		bool done = t->planned_all && !t->planning && t->rows >= est;
		if (done || (t->rows == 0 && !t->planning && t->next_seq == 0))
			continue;
		if (shown >= 8) {
			more++;
			continue;
		}
		shown++;
		char name[140];
		snprintf(name, sizeof(name), "%s.%s", t->spec.sdb, t->spec.stbl);
		sbuf_printf(&b, "  %-40.40s %3.0f%%  %" PRIu64 " / ~%" PRIu64 " rows\n",
		    name, est ? 100.0 * (double)t->rows / (double)est : 0.0, t->rows,
		    est);
	}
	pthread_mutex_unlock(&cp->mu);
	if (more)
		sbuf_printf(&b, "  ... and %u more tables\n", more);
	sbuf_addc(&b, '\0');
	if (!b.oom)
		log_progress(b.p);
	sbuf_free(&b);
}
