/* binlog_live.c: the live stream of myshift-binlog: print whole transactions, or mirror the binlog files. */
#include "src/binlog_live.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "proto/binlog.h"
#include "src/log.h"

struct live {
	struct printer *p;
	const struct live_opts *o;
	struct event_base *base;
	struct replica *rep;
	int status;
	/* --raw */
	int fd;
	char raw_name[256];
	uint64_t raw_size;   /* bytes in the open raw file */
	uint64_t raw_commit; /* size at the last complete group */
};

/* Close the raw file; at a real rotate the server closed it too: clear "in use". */
static int
raw_close(struct live *l, bool closed_by_rotate)
{
	int rc = 0;

	if (l->fd < 0)
		return 0;
	if (closed_by_rotate && l->raw_size >= BINLOG_MAGIC_LEN + BINLOG_HEADER_LEN) {
		uint8_t fl[2];
		if (pread(l->fd, fl, 2, BINLOG_MAGIC_LEN + 17) == 2 &&
		    (fl[0] & BINLOG_F_BINLOG_IN_USE)) {
			fl[0] &= (uint8_t)~BINLOG_F_BINLOG_IN_USE;
			if (pwrite(l->fd, fl, 2, BINLOG_MAGIC_LEN + 17) != 2)
				rc = -1;
		}
	}
	if (fdatasync(l->fd) != 0)
		rc = -1;
	if (close(l->fd) != 0)
		rc = -1;
	l->fd = -1;
	l->raw_name[0] = '\0';
	return rc;
}

/* Open (or continue) the raw copy of file at offset start. */
static int
raw_open(struct live *l, const char *file, uint64_t start)
{
	char path[4096];
	const char *dir = l->o->result_dir ? l->o->result_dir : ".";
	struct stat st;

	if (strchr(file, '/') != NULL || file[0] == '.' || file[0] == '\0') {
		log_error("--raw: refusing binlog file name '%s'", file);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (l->fd < 0 || fstat(l->fd, &st) != 0) {
		log_error("--raw: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(l->raw_name, sizeof(l->raw_name), "%s", file);
	if (start == BINLOG_MAGIC_LEN) {
		if (ftruncate(l->fd, 0) != 0 ||
		    pwrite(l->fd, BINLOG_MAGIC, BINLOG_MAGIC_LEN, 0) != BINLOG_MAGIC_LEN) {
			log_error("--raw: cannot write %s: %s", path, strerror(errno));
			return -1;
		}
		l->raw_size = BINLOG_MAGIC_LEN;
	} else if ((uint64_t)st.st_size == start) {
		l->raw_size = start;
	} else {
		log_error("--raw: %s has %lld bytes but the stream continues at %" PRIu64
		    ": start from position 4 or from the file's end", path,
		    (long long)st.st_size, start);
		return -1;
	}
	l->raw_commit = l->raw_size;
	return 0;
}

static int
raw_event(struct live *l, const struct binlog_event *ev, const uint8_t *raw,
    size_t len, const char *file)
{
	uint64_t start = replica_event_in_file(l->rep);

	if (start == UINT64_MAX)
		return 0; /* fake rotate, fake GTID list, re-sent FDE */
	if (l->fd >= 0 && strcmp(l->raw_name, file) != 0 && raw_close(l, false) != 0)
		return -1;
	if (l->fd < 0 && raw_open(l, file, start) != 0)
		return -1;
	if (start != l->raw_size) {
		log_error("--raw: event at %s:%" PRIu64 " does not follow the %" PRIu64
		    " bytes written", file, start, l->raw_size);
		return -1;
	}
	if (pwrite(l->fd, raw, len, (off_t)start) != (ssize_t)len) {
		log_error("--raw: write to %s failed: %s", file, strerror(errno));
		return -1;
	}
	l->raw_size += len;
	if (ev->h.type == BINLOG_ROTATE_EVENT)
		return raw_close(l, true);
	return 0;
}

static int
on_event(void *arg, struct binlog_decoder *d, const struct binlog_event *ev,
    const uint8_t *raw, size_t len, const char *file)
{
	struct live *l = arg;
	struct proto_err err = { 0 };

	if (l->o->raw) {
		if (raw_event(l, ev, raw, len, file) != 0) {
			l->status = 1;
			return -1;
		}
		return 0;
	}
	if (replica_event_in_file(l->rep) == UINT64_MAX)
		return 0;
	if (!printer_event(l->p, d, ev, &err)) {
		log_error("%s: at offset %" PRIu64 ": %s", file, err.offset, err.msg);
		l->status = 1;
		return -1;
	}
	return 0;
}

static void
on_commit(void *arg, const char *file, uint64_t pos, const char *gtid)
{
	struct live *l = arg;

	(void)file;
	(void)pos;
	(void)gtid;
	if (l->o->raw) {
		l->raw_commit = l->raw_size;
		return;
	}
	if (!printer_commit(l->p)) {
		log_error("write error: %s", strerror(errno));
		l->status = 1;
		replica_stop(l->rep);
	}
}

static void
on_discard(void *arg)
{
	struct live *l = arg;

	if (l->o->raw) {
		if (l->fd >= 0 && l->raw_size != l->raw_commit) {
			if (ftruncate(l->fd, (off_t)l->raw_commit) != 0)
				log_error("--raw: cannot truncate: %s", strerror(errno));
			l->raw_size = l->raw_commit;
		}
		return;
	}
	printer_discard(l->p);
}

static void
on_done(void *arg, int status, const char *msg)
{
	struct live *l = arg;

	if (status != 0) {
		log_error("%s", msg ? msg : "stream failed");
		l->status = 1;
	}
	event_base_loopexit(l->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct live *l = arg;

	(void)what;
	log_info("signal %d: stopping after the current transaction", (int)sig);
	replica_stop(l->rep);
}

int
live_run(struct printer *p, const struct live_opts *o)
{
	struct live l;
	struct replica_cb cb = { on_event, on_commit, on_discard, on_done };
	struct event *sigint, *sigterm;

	memset(&l, 0, sizeof(l));
	l.p = p;
	l.o = o;
	l.fd = -1;
	p->hold = true;
	signal(SIGPIPE, SIG_IGN);
	l.base = event_base_new();
	if (l.base == NULL)
		return 1;
	l.rep = replica_new(l.base, &o->r, &cb, &l);
	if (l.rep == NULL) {
		event_base_free(l.base);
		return 1;
	}
	sigint = evsignal_new(l.base, SIGINT, on_signal, &l);
	sigterm = evsignal_new(l.base, SIGTERM, on_signal, &l);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	if (replica_start(l.rep) == 0)
		event_base_dispatch(l.base);
	if (!o->raw && l.status == 0 && !printer_commit(p))
		l.status = 1;
	if (raw_close(&l, false) != 0) {
		log_error("--raw: error closing %s", l.raw_name);
		l.status = 1;
	}
	log_info("%" PRIu64 " events, %" PRIu64 " bytes received, %u reconnects",
	    replica_events(l.rep), replica_bytes(l.rep), replica_reconnects(l.rep));
	p->bytes = replica_bytes(l.rep);
	replica_free(l.rep);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(l.base);
	return l.status;
}
