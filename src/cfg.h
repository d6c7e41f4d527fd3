/* cfg.h: myshift.ini, one declarative table of keys; every error reported at once with its line. */
#ifndef SRC_CONFIG_H
#define SRC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One server link ([source] or [destination]). */
struct cfg_link {
	char *host;
	int port;
	char *socket;          /* Unix socket path: used instead of host and port */
	char *user;
	char *password;        /* from password, password_file or the environment */
	char *password_file;
	char *ssl_mode;
	char *ssl_ca, *ssl_cert, *ssl_key;
	char *server_public_key;
	bool get_server_public_key;
	int connect_timeout;
};

struct cfg {
	char *path;
	struct cfg_link source, destination;
	/* [replication] */
	int server_id;
	char *start;           /* snapshot | current | FILE:POS | GTID set */
	char *resume;          /* position | gtid */
	int retry_window;
	int heartbeat;
	bool precheck;         /* run's first start runs the precheck, FAILs stop it */
	/* [filter] (comma-separated lists, wildcards * and ?) */
	char *include_databases, *exclude_databases;
	char *include_tables, *exclude_tables; /* db.table patterns */
	char *exclude_columns;                 /* db.table.column patterns */
	char *rename_databases;                /* old:new,... */
	char *rename_tables;                   /* db.old:db.new,... */
	/* [copy]: the snapshot copy of start = snapshot */
	int copy_workers;
	int copy_chunk_rows;
	int copy_max_rows;          /* rows/s, 0: no cap */
	long long copy_max_bytes;   /* bytes/s, 0: no cap */
	int copy_snapshot_age;      /* seconds a reader keeps one snapshot */
	char *copy_on_conflict;     /* error | ignore */
	char *copy_definer;         /* 'user'@'host' for missing definers; "" INVOKER */
	bool copy_binlog;           /* the destination binlogs the copied rows */
	/* [cutover] */
	int cutover_max_lag_ms;     /* lag to wait for before fencing */
	int cutover_wait;           /* seconds to wait for it, then for the final position */
	int cutover_fence_timeout;  /* seconds SET GLOBAL read_only may wait */
	char *cutover_hook;         /* sh -c command after the switch, "" none */
	char *cutover_reverse;      /* the reverse configuration written; "" FILE.reverse */
	int cutover_verify_rows;    /* rows changed last, compared under the fence; 0 none */
	/* [verify] */
	int verify_chunk_rows;      /* rows per compared chunk */
	/* [apply] */
	long long queue_bytes;
	int batch_transactions;
	long long batch_bytes;
	int batch_wait_ms;
	char *state_schema;
	bool foreign_key_checks;
	bool replicate_accounts;
	char *collation_map;       /* source:destination collation pairs */
	bool compact;              /* net-effect batching of simple tables */   /* CREATE USER, GRANT, ...: replay, or log and skip */
	/* [status] */
	char *status_listen;   /* host:port, "" off */
	int status_interval;
	int heartbeat_ms;      /* the source's heartbeat row every N ms, 0 off */
	/* [log] */
	char *log_level;
	char *log_file;
};

/*
 * Load and validate path. On failure returns NULL and *errors holds every
 * problem, one per line, each naming the file and line (malloc'ed).
 * Environment: MYSHIFT_SOURCE_PASSWORD / MYSHIFT_DESTINATION_PASSWORD
 * when no password is in the file.
 */
struct cfg *cfg_load(const char *path, char **errors);
void cfg_free(struct cfg *c);

/* Print every key as "section.key default" (for the docs check). */
void cfg_print_keys(void);

#endif
