/* binlog_main.c: myshift-binlog, the binlog decoder tool (files in, text or JSON out). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "proto/binlog.h"
#include "src/binlog_file.h"
#include "src/binlog_live.h"
#include "src/binlog_print.h"
#include "src/log.h"

enum {
	OPT_START = 256,
	OPT_STOP,
	OPT_NO_VERIFY,
	OPT_HELP,
	OPT_SSL_MODE,
	OPT_SSL_CA,
	OPT_SSL_CERT,
	OPT_SSL_KEY,
	OPT_PUBKEY,
	OPT_GET_PUBKEY,
	OPT_SERVER_ID,
	OPT_START_FILE,
	OPT_START_GTID,
	OPT_STOP_NEVER,
	OPT_RAW,
	OPT_HEARTBEAT,
	OPT_RETRY,
	OPT_CONNECT_TIMEOUT,
};

static const struct option long_opts[] = {
	{ "start-position", required_argument, NULL, OPT_START },
	{ "stop-position", required_argument, NULL, OPT_STOP },
	{ "database", required_argument, NULL, 'd' },
	{ "table", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "stats", no_argument, NULL, 's' },
	{ "no-verify-checksum", no_argument, NULL, OPT_NO_VERIFY },
	{ "host", required_argument, NULL, 'h' },
	{ "port", required_argument, NULL, 'P' },
	{ "socket", required_argument, NULL, 'S' },
	{ "user", required_argument, NULL, 'u' },
	{ "password", optional_argument, NULL, 'p' },
	{ "ssl-mode", required_argument, NULL, OPT_SSL_MODE },
	{ "ssl-ca", required_argument, NULL, OPT_SSL_CA },
	{ "ssl-cert", required_argument, NULL, OPT_SSL_CERT },
	{ "ssl-key", required_argument, NULL, OPT_SSL_KEY },
	{ "server-public-key-path", required_argument, NULL, OPT_PUBKEY },
	{ "get-server-public-key", no_argument, NULL, OPT_GET_PUBKEY },
	{ "server-id", required_argument, NULL, OPT_SERVER_ID },
	{ "start-file", required_argument, NULL, OPT_START_FILE },
	{ "start-gtid", required_argument, NULL, OPT_START_GTID },
	{ "stop-never", no_argument, NULL, OPT_STOP_NEVER },
	{ "raw", no_argument, NULL, OPT_RAW },
	{ "result-dir", required_argument, NULL, 'r' },
	{ "heartbeat", required_argument, NULL, OPT_HEARTBEAT },
	{ "retry-window", required_argument, NULL, OPT_RETRY },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: myshift-binlog [options] FILE...\n"
	    "       myshift-binlog [options] --host=H [--user=U] [-p] [--start-file=F] ...\n"
	    "Decode MySQL/MariaDB binlog files, or a live server's binlog as a replica.\n\n"
	    "  --start-position=N    start at the event at offset N of the first file\n"
	    "  --stop-position=N     stop before the first event at or after N in the last file\n"
	    "  -d, --database=DB     only events of database DB\n"
	    "  -t, --table=[DB.]T    only rows events of table T\n"
	    "  -j, --json            one JSON object per event\n"
	    "  -s, --stats           decode everything, print counts and speed\n"
	    "  --no-verify-checksum  do not verify event CRC32s\n"
	    "live server:\n"
	    "  -h, --host=HOST       read from this server instead of files\n"
	    "  -P, --port=PORT       its port (3306)\n"
	    "  -S, --socket=PATH     read from the server on this Unix socket instead\n"
	    "  -u, --user=USER       user with REPLICATION SLAVE (and CLIENT) privileges\n"
	    "  -p, --password[=PW]   password; without a value, asked on the terminal;\n"
	    "                        MYSQL_PWD in the environment is used otherwise\n"
	    "  --ssl-mode=MODE       disabled|preferred|required|verify_ca|verify_identity\n"
	    "  --ssl-ca=FILE --ssl-cert=FILE --ssl-key=FILE\n"
	    "  --server-public-key-path=FILE, --get-server-public-key\n"
	    "  --server-id=N         replica server id to register with\n"
	    "  --start-file=F        binlog file to start with (--start-position in it)\n"
	    "  --start-gtid=SET      start after this GTID set instead\n"
	    "  --stop-never          keep streaming at the end of the binlog\n"
	    "  --raw                 save binlog files byte for byte instead of printing\n"
	    "  -r, --result-dir=DIR  where --raw writes (.)\n"
	    "  --heartbeat=S         source heartbeat period in seconds (15)\n"
	    "  --retry-window=S      keep reconnecting for S seconds (43200)\n"
	    "  --connect-timeout=S   seconds to connect and log in (10)\n"
	    "  -v, --verbose         log connection state changes\n"
	    "  --help                this help\n"
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

/* Ask for the password on the terminal without echo. */
static char *
read_password(void)
{
	struct termios t, saved;
	char buf[1024];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	FILE *tty;
	size_t n;

	if (fd < 0) {
		fprintf(stderr, "myshift-binlog: -p without a value needs a terminal "
		    "(or set MYSQL_PWD)\n");
		return NULL;
	}
	tty = fdopen(fd, "r+");
	if (tty == NULL) {
		close(fd);
		return NULL;
	}
	fputs("Enter password: ", tty);
	fflush(tty);
	tcgetattr(fd, &saved);
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &t);
	if (fgets(buf, sizeof(buf), tty) == NULL)
		buf[0] = '\0';
	tcsetattr(fd, TCSAFLUSH, &saved);
	fputc('\n', tty);
	fclose(tty);
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return strdup(buf);
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
	uint64_t prev_off = BINLOG_MAGIC_LEN;

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
				    start, prev_off, off);
				rc = -1;
				break;
			}
			prev_off = off;
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
	struct live_opts lo;
	const char *password = NULL;
	bool ask_password = false;
	uint64_t v;

	memset(&lo, 0, sizeof(lo));
	lo.r.conn.name = "source";
	lo.r.conn.port = 3306;
	lo.r.conn.ssl_mode = CONN_SSL_PREFERRED;
	lo.r.server_id = 0x40000000u | ((uint32_t)getpid() & 0xffffffu);
	log_set_ident("myshift-binlog");
	while ((c = getopt_long(argc, argv, "d:t:jsVh:P:S:u:p::r:v", long_opts, NULL)) != -1) {
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
		case OPT_HELP:
			usage(stdout);
			return 0;
		case 'h':
			lo.r.conn.host = optarg;
			break;
		case 'P':
			if (parse_pos(optarg, &v) != 0 || v == 0 || v > 65535) {
				fprintf(stderr, "myshift-binlog: bad --port '%s'\n", optarg);
				return 2;
			}
			lo.r.conn.port = (uint16_t)v;
			break;
		case 'S':
			if (optarg[0] != '/') {
				fprintf(stderr, "myshift-binlog: --socket wants an absolute path, "
				    "not '%s'\n", optarg);
				return 2;
			}
			lo.r.conn.socket = optarg;
			if (lo.r.conn.host == NULL)
				lo.r.conn.host = "localhost";
			break;
		case 'u':
			lo.r.conn.user = optarg;
			break;
		case 'p':
			if (optarg != NULL) {
				password = strdup(optarg);
				/* hide it from ps */
				memset(optarg, 'x', strlen(optarg));
			} else
				ask_password = true;
			break;
		case OPT_SSL_MODE:
			if (conn_ssl_mode_parse(optarg) < 0) {
				fprintf(stderr, "myshift-binlog: bad --ssl-mode '%s' (disabled, "
				    "preferred, required, verify_ca, verify_identity)\n", optarg);
				return 2;
			}
			lo.r.conn.ssl_mode = (enum conn_ssl_mode)conn_ssl_mode_parse(optarg);
			break;
		case OPT_SSL_CA:
			lo.r.conn.ssl_ca = optarg;
			break;
		case OPT_SSL_CERT:
			lo.r.conn.ssl_cert = optarg;
			break;
		case OPT_SSL_KEY:
			lo.r.conn.ssl_key = optarg;
			break;
		case OPT_PUBKEY:
			lo.r.conn.server_public_key = optarg;
			break;
		case OPT_GET_PUBKEY:
			lo.r.conn.get_server_public_key = true;
			break;
		case OPT_SERVER_ID:
			if (parse_pos(optarg, &v) != 0 || v == 0 || v > UINT32_MAX) {
				fprintf(stderr, "myshift-binlog: bad --server-id '%s'\n", optarg);
				return 2;
			}
			lo.r.server_id = (uint32_t)v;
			break;
		case OPT_START_FILE:
			lo.r.start_file = optarg;
			break;
		case OPT_START_GTID:
			lo.r.start_gtid = optarg;
			break;
		case OPT_STOP_NEVER:
			lo.r.stop_never = true;
			break;
		case OPT_RAW:
			lo.raw = true;
			break;
		case 'r':
			lo.result_dir = optarg;
			break;
		case OPT_HEARTBEAT:
		case OPT_RETRY:
		case OPT_CONNECT_TIMEOUT:
			if (parse_pos(optarg, &v) != 0 || v == 0 || v > 1000000) {
				fprintf(stderr, "myshift-binlog: bad number of seconds '%s'\n", optarg);
				return 2;
			}
			if (c == OPT_HEARTBEAT)
				lo.r.heartbeat = (unsigned)v;
			else if (c == OPT_RETRY)
				lo.r.retry_window = (unsigned)v;
			else
				lo.r.conn.connect_timeout = (unsigned)v;
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'V':
			printf("myshift-binlog %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (lo.r.conn.host != NULL) {
		if (optind < argc) {
			fprintf(stderr, "myshift-binlog: give either --host or files, not both\n");
			return 2;
		}
		if (lo.r.start_gtid != NULL && lo.r.start_file != NULL) {
			fprintf(stderr, "myshift-binlog: --start-gtid and --start-file exclude each other\n");
			return 2;
		}
		if (lo.raw && (mode != PRINT_TEXT || db || table)) {
			fprintf(stderr, "myshift-binlog: --raw saves files; it takes no "
			    "--json, --stats, --database or --table\n");
			return 2;
		}
		if (ask_password) {
			password = read_password();
			if (password == NULL)
				return 2;
		} else if (password == NULL && getenv("MYSQL_PWD") != NULL)
			password = strdup(getenv("MYSQL_PWD"));
		lo.r.conn.password = password;
		if (lo.r.conn.user == NULL)
			lo.r.conn.user = getenv("USER") ? getenv("USER") : "root";
		lo.r.start_pos = start;
		printer_init(&p, mode, stdout);
		p.db_filter = db;
		p.table_filter = table;
		if (!lo.raw)
			printer_begin(&p);
		t0 = now();
		status = live_run(&p, &lo);
		if (status == 0 && !lo.raw) {
			printer_end(&p);
			if (mode == PRINT_STATS)
				printer_stats(&p, now() - t0, 0);
			if (!printer_flush(&p) || fflush(stdout) != 0)
				status = 1;
		}
		printer_free(&p);
		free((void *)password);
		return status;
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
