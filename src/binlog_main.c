/* binlog_main.c: myshift-binlog, the binlog decoder tool (files in, text or JSON out). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "proto/binlog.h"
#include "src/binlog_file.h"
#include "src/binlog_print.h"

enum { OPT_START = 256, OPT_STOP, OPT_NO_VERIFY };

static const struct option long_opts[] = {
	{ "start-position", required_argument, NULL, OPT_START },
	{ "stop-position", required_argument, NULL, OPT_STOP },
	{ "database", required_argument, NULL, 'd' },
	{ "table", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "stats", no_argument, NULL, 's' },
	{ "no-verify-checksum", no_argument, NULL, OPT_NO_VERIFY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: myshift-binlog [options] FILE...\n"
	    "Decode MySQL/MariaDB binlog files.\n\n"
	    "  --start-position=N    start at the event at offset N of the first file\n"
	    "  --stop-position=N     stop before the first event at or after N in the last file\n"
	    "  -d, --database=DB     only events of database DB\n"
	    "  -t, --table=[DB.]T    only rows events of table T\n"
	    "  -j, --json            one JSON object per event\n"
	    "  -s, --stats           decode everything, print counts and speed\n"
	    "  --no-verify-checksum  do not verify event CRC32s\n"
	    "  -h, --help            this help\n"
	    "  -V, --version         print the version\n");
}

static int
parse_pos(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return -1;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether an event before --start-position must still be decoded. */
static bool
needed_before_start(uint8_t type)
{
	return type == BINLOG_FORMAT_DESCRIPTION_EVENT ||
	    type == BINLOG_TABLE_MAP_EVENT ||
	    type == BINLOG_MARIA_START_ENCRYPTION_EVENT;
}

static const char *
code_name(enum proto_code c)
{
	switch (c) {
	case PROTO_MALFORMED:
		return "malformed event";
	case PROTO_TRUNCATED:
		return "truncated";
	case PROTO_CHECKSUM:
		return "checksum mismatch";
	case PROTO_UNSUPPORTED:
		return "unsupported";
	case PROTO_ENCRYPTED:
		return "encrypted";
	case PROTO_NOMEM:
		return "out of memory";
	default:
		return "error";
	}
}

/* Decode one file; 0 ok, 1 decode error (reported). */
static int
decode_file(struct printer *p, const char *path, uint64_t start, uint64_t stop,
    bool verify)
{
	struct binlog_file f;
	struct binlog_decoder *d;
	struct binlog_event ev;
	struct proto_err err = { 0 };
	char errbuf[512];
	const uint8_t *buf;
	size_t len;
	uint64_t off;
	int rc;
	bool started = start <= BINLOG_MAGIC_LEN;

	if (binlog_file_open(&f, path, errbuf, sizeof(errbuf)) != 0) {
		fprintf(stderr, "myshift-binlog: %s\n", errbuf);
		return 1;
	}
	d = binlog_decoder_new();
	if (d == NULL) {
		fprintf(stderr, "myshift-binlog: out of memory\n");
		binlog_file_close(&f);
		return 1;
	}
	binlog_decoder_set_verify(d, verify);
	p->bytes += f.size;
	while ((rc = binlog_file_next(&f, &buf, &len, &off, &err)) == 1) {
		if (stop && off >= stop)
			break;
		if (!started) {
			if (off > start) {
				proto_fail(&err, PROTO_MALFORMED, start,
				    "--start-position %" PRIu64 " is not at an event "
				    "boundary (events start at %" PRIu64 " and %" PRIu64 ")",
				    start, off - len, off);
				rc = -1;
				break;
			}
			if (off == start)
				started = true;
			else if (!needed_before_start(buf[4]))
				continue;
		}
		if (!binlog_decode(d, buf, len, off, &ev, &err)) {
			rc = -1;
			break;
		}
		if (!binlog_type_known(ev.h.type))
			fprintf(stderr, "myshift-binlog: %s: at offset %" PRIu64
			    ": skipping ignorable event of unknown type %u\n",
			    path, off, ev.h.type);
		if (!started)
			continue;
		if (!printer_event(p, d, &ev, &err)) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && !started)
		proto_fail(&err, PROTO_MALFORMED, start,
		    "--start-position %" PRIu64 " is past the end of the file", start);
	if (!printer_flush(p)) {
		fprintf(stderr, "myshift-binlog: write error: %s\n", strerror(errno));
		rc = -2;
	}
	if (err.code != PROTO_OK) {
		fflush(stdout);
		fprintf(stderr, "myshift-binlog: %s: at offset %" PRIu64 ": %s: %s\n",
		    path, err.offset, code_name(err.code), err.msg);
		rc = -1;
	}
	binlog_decoder_free(d);
	binlog_file_close(&f);
	return rc < 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct printer p;
	enum print_mode mode = PRINT_TEXT;
	uint64_t start = 0, stop = 0;
	const char *db = NULL, *table = NULL;
	bool verify = true;
	int c, status = 0;
	double t0;

	while ((c = getopt_long(argc, argv, "d:t:jshV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_START:
			if (parse_pos(optarg, &start) != 0) {
				fprintf(stderr, "myshift-binlog: bad --start-position '%s'\n", optarg);
				return 2;
			}
			break;
		case OPT_STOP:
			if (parse_pos(optarg, &stop) != 0) {
				fprintf(stderr, "myshift-binlog: bad --stop-position '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			db = optarg;
			break;
		case 't':
			table = optarg;
			break;
		case 'j':
			mode = PRINT_JSON;
			break;
		case 's':
			mode = PRINT_STATS;
			break;
		case OPT_NO_VERIFY:
			verify = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("myshift-binlog %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "myshift-binlog: no binlog file given\n");
		usage(stderr);
		return 2;
	}
	if (start && stop && start >= stop && argc - optind == 1) {
		fprintf(stderr, "myshift-binlog: --start-position must be below --stop-position\n");
		return 2;
	}
	printer_init(&p, mode, stdout);
	p.db_filter = db;
	p.table_filter = table;
	printer_begin(&p);
	t0 = now();
	for (int i = optind; i < argc && status == 0; i++)
		status = decode_file(&p, argv[i], i == optind ? start : 0,
		    i == argc - 1 ? stop : 0, verify);
	if (status == 0) {
		printer_end(&p);
		if (mode == PRINT_STATS)
			printer_stats(&p, now() - t0, (unsigned)(argc - optind));
		if (!printer_flush(&p) || fflush(stdout) != 0) {
			fprintf(stderr, "myshift-binlog: write error: %s\n", strerror(errno));
			status = 1;
		}
	}
	printer_free(&p);
	return status;
}
