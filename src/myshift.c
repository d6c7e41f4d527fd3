/* myshift.c: the command line: myshift run|status|check-config ... -c myshift.ini. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "src/cfg.h"
#include "src/filter.h"
#include "src/log.h"
#include "src/run.h"
#include "src/statuscli.h"
#include "src/verify.h"
#include "src/cutover.h"
#include "src/precheck.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: myshift COMMAND [-c FILE]\n"
	    "Move a live MySQL/MariaDB database to another server, and keep it in sync.\n\n"
	    "commands:\n"
	    "  run            replay the source's binlog onto the destination, exactly once,\n"
	    "                 resuming from the checkpoint kept on the destination\n"
	    "  status         show the running myshift's phase, positions, lag and progress\n"
	    "                 (from its [status] listen; --json or --metrics as served)\n"
	    "  precheck       check both servers and the account, the tables and what the\n"
	    "                 destination refuses, before a migration (PASS/WARN/FAIL)\n"
	    "  verify         compare the source and the destination table by table, row by\n"
	    "                 row where they differ (--repair: rewrite those rows)\n"
	    "  cutover        fence the source, let the destination apply its last write,\n"
	    "                 switch (the hook), stop the run; --dry-run says what it would do\n"
	    "  check-config   load and validate the configuration, then exit\n"
	    "  config-keys    list every configuration key and its default\n\n"
	    "options:\n"
	    "  -c, --config=FILE   configuration file (myshift.ini)\n"
	    "      --json          status: the JSON of GET /status\n"
	    "      --metrics       status: the Prometheus text of GET /metrics\n"
	    "      --repair        verify: rewrite the rows that differ from the source\n"
	    "      --dry-run       cutover: check and report, change nothing\n"
	    "  -h, --help          this help\n"
	    "  -V, --version       print the version\n"
	    "See myshift(1) and myshift.ini(5).\n");
}

static const struct option opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "json", no_argument, NULL, 'j' },
	{ "metrics", no_argument, NULL, 'm' },
	{ "repair", no_argument, NULL, 'r' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ NULL, 0, NULL, 0 },
};

static enum log_level
level_of(const char *s)
{
	if (s == NULL)
		return LOG_INFO;
	if (!strcasecmp(s, "error"))
		return LOG_ERROR;
	if (!strcasecmp(s, "warn"))
		return LOG_WARN;
	if (!strcasecmp(s, "debug"))
		return LOG_DEBUG;
	return LOG_INFO;
}

/* The configuration's filter; NULL after printing why it is not valid. */
static struct filter *
make_filter(const struct cfg *c, const char *path)
{
	char *ferr = NULL;
	struct filter *f = filter_new(c->include_databases, c->exclude_databases,
	    c->include_tables, c->exclude_tables, c->exclude_columns,
	    c->rename_databases, c->rename_tables, c->state_schema, &ferr);

	if (f == NULL) {
		fprintf(stderr, "%s: [filter]: %s\n", path, ferr ? ferr : "out of memory");
		free(ferr);
	}
	return f;
}

int
main(int argc, char **argv)
{
	const char *path = "myshift.ini", *cmd;
	struct cfg *c;
	char *errors = NULL;
	int ch, rc;
	bool json = false, metrics = false, repair = false, dry_run = false;

	log_set_ident("myshift");
	if (argc >= 2 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	} else
		cmd = NULL;
	while ((ch = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("myshift %s\n", PACKAGE_VERSION);
			return 0;
		case 'j':
			json = true;
			break;
		case 'm':
			metrics = true;
			break;
		case 'r':
			repair = true;
			break;
		case 'n':
			dry_run = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (cmd == NULL || optind < argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "config-keys") == 0) {
		cfg_print_keys();
		return 0;
	}
	if ((json || metrics) && strcmp(cmd, "status") != 0) {
		fprintf(stderr, "myshift: --json and --metrics go with status\n");
		usage(stderr);
		return 2;
	}
	if (dry_run && strcmp(cmd, "cutover") != 0) {
		fprintf(stderr, "myshift: --dry-run goes with cutover\n");
		usage(stderr);
		return 2;
	}
	if (repair && strcmp(cmd, "verify") != 0) {
		fprintf(stderr, "myshift: --repair goes with verify\n");
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "check-config") != 0 &&
	    strcmp(cmd, "status") != 0 && strcmp(cmd, "verify") != 0 &&
	    strcmp(cmd, "cutover") != 0 && strcmp(cmd, "precheck") != 0) {
		fprintf(stderr, "myshift: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "run") == 0)
		run_catch_signals();
	c = cfg_load(path, &errors);
	if (c == NULL) {
		fprintf(stderr, "%s", errors ? errors : "myshift: cannot load the configuration\n");
		free(errors);
		return 2;
	}
	if (strcmp(cmd, "status") == 0) {
		rc = statuscli_run(c, json, metrics, stdout);
		cfg_free(c);
		return rc;
	}
	if (strcmp(cmd, "precheck") == 0) {
		struct filter *f = make_filter(c, path);
		int warns = 0, fails;
		if (f == NULL) {
			cfg_free(c);
			return 2;
		}
		log_set_level(level_of(c->log_level));
		fails = precheck_run(c, f, stdout, &warns);
		printf("precheck: %d failed, %d warnings\n", fails, warns);
		filter_free(f);
		cfg_free(c);
		return fails ? 1 : 0;
	}
	if (strcmp(cmd, "cutover") == 0) {
		log_set_level(level_of(c->log_level));
		{
			struct filter *f = make_filter(c, path);
			if (f == NULL) {
				cfg_free(c);
				return 2;
			}
			rc = cutover_run(c, f, dry_run, stdout);
			filter_free(f);
		}
		cfg_free(c);
		return rc;
	}
	if (strcmp(cmd, "verify") == 0) {
		struct filter *f = make_filter(c, path);
		if (f == NULL) {
			cfg_free(c);
			return 2;
		}
		log_set_level(level_of(c->log_level));
		rc = verify_run(c, f, repair, stdout);
		filter_free(f);
		cfg_free(c);
		return rc;
	}
	if (strcmp(cmd, "check-config") == 0) {
		struct filter *f = make_filter(c, path);
		if (f == NULL) {
			cfg_free(c);
			return 2;
		}
		filter_free(f);
		printf("%s: ok\n", path);
		cfg_free(c);
		return 0;
	}
	log_set_level(level_of(c->log_level));
	if (c->log_file && *c->log_file && log_open(c->log_file) != 0) {
		fprintf(stderr, "myshift: cannot open log file %s\n", c->log_file);
		cfg_free(c);
		return 2;
	}
	rc = run_main(c);
	cfg_free(c);
	return rc;
}
