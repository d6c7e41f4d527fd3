/* cfg.c: reading myshift.ini through inih into a validated, immutable struct cfg. */
#include "src/cfg.h"
#include "src/collation.h"
#include "src/startpos.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum cfg_type {
	CFG_STR,
	CFG_INT,   /* int, bounded by min..max */
	CFG_SIZE,  /* long long bytes, with K/M/G suffixes */
	CFG_BOOL,
	CFG_ENUM,  /* a string among vals */
};

struct cfg_key {
	const char *section;
	const char *name;
	enum cfg_type type;
	const char *def;       /* NULL: no default (unset) */
	long long min, max;
	const char *vals;      /* CFG_ENUM: "a|b|c" */
	bool sensitive;        /* never printed */
	bool reloadable;
	size_t off;
};

#define L(f) offsetof(struct cfg, f)
#define SRC(f) (offsetof(struct cfg, source) + offsetof(struct cfg_link, f))
#define DST(f) (offsetof(struct cfg, destination) + offsetof(struct cfg_link, f))
#define SSL_MODES "disabled|preferred|required|verify_ca|verify_identity"

#define LINK_KEYS(S, M)                                                        \
	{ S, "host", CFG_STR, NULL, 0, 0, NULL, false, false, M(host) },       \
	{ S, "port", CFG_INT, "3306", 1, 65535, NULL, false, false, M(port) }, \
	{ S, "socket", CFG_STR, NULL, 0, 0, NULL, false, false, M(socket) },   \
	{ S, "user", CFG_STR, NULL, 0, 0, NULL, false, false, M(user) },       \
	{ S, "password", CFG_STR, NULL, 0, 0, NULL, true, false, M(password) }, \
	{ S, "password_file", CFG_STR, NULL, 0, 0, NULL, false, false,         \
	    M(password_file) },                                                \
	{ S, "ssl_mode", CFG_ENUM, "preferred", 0, 0, SSL_MODES, false, false, \
	    M(ssl_mode) },                                                     \
	{ S, "ssl_ca", CFG_STR, NULL, 0, 0, NULL, false, false, M(ssl_ca) },   \
	{ S, "ssl_cert", CFG_STR, NULL, 0, 0, NULL, false, false, M(ssl_cert) }, \
	{ S, "ssl_key", CFG_STR, NULL, 0, 0, NULL, false, false, M(ssl_key) }, \
	{ S, "server_public_key", CFG_STR, NULL, 0, 0, NULL, false, false,     \
	    M(server_public_key) },                                            \
	{ S, "get_server_public_key", CFG_BOOL, "false", 0, 0, NULL, false,    \
	    false, M(get_server_public_key) },                                 \
	{ S, "connect_timeout", CFG_INT, "10", 1, 3600, NULL, false, false,    \
	    M(connect_timeout) }

static const struct cfg_key keys[] = {
	LINK_KEYS("source", SRC),
	LINK_KEYS("destination", DST),
	{ "replication", "server_id", CFG_INT, NULL, 1, INT_MAX, NULL, false, false, L(server_id) },
	{ "replication", "start", CFG_STR, "snapshot", 0, 0, NULL, false, false, L(start) },
	{ "replication", "resume", CFG_ENUM, "position", 0, 0, "position|gtid", false, false, L(resume) },
	{ "replication", "retry_window", CFG_INT, "43200", 1, 31536000, NULL, false, true, L(retry_window) },
	{ "replication", "precheck", CFG_BOOL, "true", 0, 0, NULL, false, false, L(precheck) },
	{ "replication", "heartbeat", CFG_INT, "15", 1, 3600, NULL, false, false, L(heartbeat) },
	{ "filter", "include_databases", CFG_STR, "", 0, 0, NULL, false, false, L(include_databases) },
	{ "filter", "exclude_databases", CFG_STR, "", 0, 0, NULL, false, false, L(exclude_databases) },
	{ "filter", "include_tables", CFG_STR, "", 0, 0, NULL, false, false, L(include_tables) },
	{ "filter", "exclude_tables", CFG_STR, "", 0, 0, NULL, false, false, L(exclude_tables) },
	{ "filter", "exclude_columns", CFG_STR, "", 0, 0, NULL, false, false, L(exclude_columns) },
	{ "filter", "rename_databases", CFG_STR, "", 0, 0, NULL, false, false, L(rename_databases) },
	{ "filter", "rename_tables", CFG_STR, "", 0, 0, NULL, false, false, L(rename_tables) },
	{ "copy", "workers", CFG_INT, "4", 1, 64, NULL, false, false, L(copy_workers) },
	{ "copy", "chunk_rows", CFG_INT, "100000", 100, 100000000, NULL, false, false, L(copy_chunk_rows) },
	{ "copy", "max_rows_per_second", CFG_INT, "0", 0, INT_MAX, NULL, false, false, L(copy_max_rows) },
	{ "copy", "max_bytes_per_second", CFG_SIZE, "0", 0, 1LL << 40, NULL, false, false, L(copy_max_bytes) },
	{ "copy", "snapshot_max_age", CFG_INT, "30", 1, 86400, NULL, false, false, L(copy_snapshot_age) },
	{ "copy", "on_conflict", CFG_ENUM, "error", 0, 0, "error|ignore", false, false, L(copy_on_conflict) },
	{ "copy", "definer", CFG_STR, "", 0, 0, NULL, false, false, L(copy_definer) },
	{ "copy", "binlog", CFG_BOOL, "true", 0, 0, NULL, false, false, L(copy_binlog) },
	{ "cutover", "max_lag_ms", CFG_INT, "1000", 0, 86400000, NULL, false, false, L(cutover_max_lag_ms) },
	{ "cutover", "wait", CFG_INT, "300", 1, 86400, NULL, false, false, L(cutover_wait) },
	{ "cutover", "fence_timeout", CFG_INT, "10", 1, 3600, NULL, false, false, L(cutover_fence_timeout) },
	{ "cutover", "hook", CFG_STR, "", 0, 0, NULL, false, false, L(cutover_hook) },
	{ "cutover", "reverse_config", CFG_STR, "", 0, 0, NULL, false, false, L(cutover_reverse) },
	{ "cutover", "verify_rows", CFG_INT, "1000", 0, 1000000, NULL, false, false, L(cutover_verify_rows) },
	{ "verify", "chunk_rows", CFG_INT, "100000", 10, 10000000, NULL, false, false, L(verify_chunk_rows) },
	{ "apply", "queue_bytes", CFG_SIZE, "64M", 1 << 20, 1LL << 40, NULL, false, false, L(queue_bytes) },
	{ "apply", "batch_transactions", CFG_INT, "1000", 1, 100000, NULL, false, true, L(batch_transactions) },
	{ "apply", "batch_bytes", CFG_SIZE, "32M", 1024, 1LL << 32, NULL, false, true, L(batch_bytes) },
	{ "apply", "batch_wait_ms", CFG_INT, "5", 0, 10000, NULL, false, true, L(batch_wait_ms) },
	{ "apply", "state_schema", CFG_STR, "myshift", 0, 0, NULL, false, false, L(state_schema) },
	{ "apply", "foreign_key_checks", CFG_BOOL, "true", 0, 0, NULL, false, false, L(foreign_key_checks) },
	{ "apply", "replicate_accounts", CFG_BOOL, "false", 0, 0, NULL, false, false, L(replicate_accounts) },
	{ "apply", "collation_map", CFG_STR, "", 0, 0, NULL, false, false, L(collation_map) },
	{ "apply", "compact", CFG_BOOL, "true", 0, 0, NULL, false, true, L(compact) },
	{ "status", "listen", CFG_STR, "", 0, 0, NULL, false, false, L(status_listen) },
	{ "status", "interval", CFG_INT, "10", 1, 86400, NULL, false, true, L(status_interval) },
	{ "status", "heartbeat_ms", CFG_INT, "0", 0, 60000, NULL, false, false, L(heartbeat_ms) },
	{ "log", "level", CFG_ENUM, "info", 0, 0, "error|warn|info|debug", false, true, L(log_level) },
	{ "log", "file", CFG_STR, "", 0, 0, NULL, false, true, L(log_file) },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct cfg_item {
	int line;
	char *value;
};

struct loader {
	const char *path;
	FILE *f;
	int line;
	struct cfg_item seen[NKEYS];
	char errors[8192];
	size_t elen;
	int nerr;
};

static void
add_error(struct loader *l, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->elen >= sizeof(l->errors) - 2)
		return;
	if (line > 0)
		n = snprintf(l->errors + l->elen, sizeof(l->errors) - l->elen, "%s:%d: ",
		    l->path, line);
	else
		n = snprintf(l->errors + l->elen, sizeof(l->errors) - l->elen, "%s: ",
		    l->path);
	if (n > 0)
		l->elen += (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(l->errors + l->elen, sizeof(l->errors) - l->elen, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->elen += (size_t)n;
	if (l->elen >= sizeof(l->errors) - 1)
		l->elen = sizeof(l->errors) - 2;
	l->errors[l->elen++] = '\n';
	l->errors[l->elen] = '\0';
	l->nerr++;
}

/* inih reader that counts lines and reports lines inih would ignore. */
static char *
reader(char *str, int num, void *stream)
{
	struct loader *l = stream;
	char *s = fgets(str, num, l->f), *t;

	if (s == NULL)
		return NULL;
	l->line++;
	t = s + strspn(s, " \t\r\n");
	if (*t != '\0' && *t != ';' && *t != '#' && *t != '[' && strchr(t, '=') == NULL)
		add_error(l, l->line, "not a 'key = value' line: %.*s",
		    (int)strcspn(t, "\r\n"), t);
	return s;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	bool known_section = false;

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		known_section = true;
		if (strcmp(keys[i].name, name) != 0)
			continue;
		if (l->seen[i].value != NULL) {
			add_error(l, l->line, "[%s] %s is set twice (first on line %d)",
			    section, name, l->seen[i].line);
			return 1;
		}
		l->seen[i].value = strdup(value);
		l->seen[i].line = l->line;
		return 1;
	}
	if (!known_section)
		add_error(l, l->line, "unknown section [%s]", section);
	else
		add_error(l, l->line, "unknown key '%s' in [%s]", name, section);
	return 1;
}

static bool
parse_size(const char *s, long long *v)
{
	char *end;
	long long m = 1;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || end == s)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		m = 1024;
		end++;
		break;
	case 'm':
	case 'M':
		m = 1024 * 1024;
		end++;
		break;
	case 'g':
	case 'G':
		m = 1024LL * 1024 * 1024;
		end++;
		break;
	}
	if (*end != '\0' || *v < 0 || *v > LLONG_MAX / m)
		return false;
	*v *= m;
	return true;
}

static bool
enum_ok(const char *vals, const char *v)
{
	size_t n = strlen(v);
	const char *p = vals;

	while (*p) {
		size_t k = strcspn(p, "|");
		if (k == n && strncasecmp(p, v, n) == 0)
			return true;
		p += k;
		if (*p == '|')
			p++;
	}
	return false;
}

/* Store value (or the default) into c per the key's type. */
static void
store(struct loader *l, struct cfg *c, const struct cfg_key *k, const char *v, int line)
{
	char *base = (char *)c + k->off;
	char *end;
	long long n;

	switch (k->type) {
	case CFG_STR:
		if (v != NULL && base == (char *)c + L(collation_map) &&
		    collations_map_check(v) != NULL) {
			add_error(l, line, "[%s] %s = %s: %s", k->section, k->name, v,
			    collations_map_check(v));
			return;
		}
		*(char **)base = v ? strdup(v) : NULL;
		return;
	case CFG_ENUM:
		if (v != NULL && !enum_ok(k->vals, v)) {
			add_error(l, line, "[%s] %s = %s: expected one of %s", k->section,
			    k->name, v, k->vals);
			return;
		}
		*(char **)base = v ? strdup(v) : NULL;
		return;
	case CFG_BOOL:
		if (v == NULL)
			return;
		if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
		    !strcasecmp(v, "on"))
			*(bool *)base = true;
		else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
		    !strcmp(v, "0") || !strcasecmp(v, "off"))
			*(bool *)base = false;
		else
			add_error(l, line, "[%s] %s = %s: expected true or false",
			    k->section, k->name, v);
		return;
	case CFG_INT:
		if (v == NULL)
			return;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n < k->min || n > k->max) {
			add_error(l, line, "[%s] %s = %s: expected an integer from %lld to %lld",
			    k->section, k->name, v, k->min, k->max);
			return;
		}
		*(int *)base = (int)n;
		return;
	case CFG_SIZE:
		if (v == NULL)
			return;
		if (!parse_size(v, &n) || n < k->min || n > k->max) {
			add_error(l, line, "[%s] %s = %s: expected a size from %lld to %lld "
			    "bytes (suffixes K, M, G)", k->section, k->name, v, k->min, k->max);
			return;
		}
		*(long long *)base = n;
		return;
	}
}

static char *
read_password_file(struct loader *l, const char *path, int line)
{
	FILE *f = fopen(path, "r");
	char buf[1024];
	struct stat st;

	if (f == NULL) {
		add_error(l, line, "cannot read password_file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0)
		add_error(l, line, "password_file %s is readable by others (mode %04o): "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return strdup(buf);
}

/* The line where section.name was set (0 if it was not). */
static int
key_line(const struct loader *l, const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return l->seen[i].line;
	return 0;
}

/* Cross-key checks and derived values. */
static void
check(struct loader *l, struct cfg *c, struct stat *st)
{
	struct cfg_link *links[2] = { &c->source, &c->destination };
	const char *names[2] = { "source", "destination" };
	const char *envs[2] = { "MYSHIFT_SOURCE_PASSWORD", "MYSHIFT_DESTINATION_PASSWORD" };
	bool secret_in_file = false;

	for (int i = 0; i < 2; i++) {
		struct cfg_link *k = links[i];
		if (k->socket != NULL && k->socket[0] == '\0') {
			free(k->socket);
			k->socket = NULL;
		}
		if (k->socket != NULL) {
			/* a server on this machine: host only names it (cutover's hooks) */
			struct stat ss;
			if (k->socket[0] != '/')
				add_error(l, key_line(l, names[i], "socket"), "[%s] socket = %s: "
				    "an absolute path is expected", names[i], k->socket);
			else if (stat(k->socket, &ss) == 0 && !S_ISSOCK(ss.st_mode))
				add_error(l, key_line(l, names[i], "socket"), "[%s] socket = %s: "
				    "not a socket", names[i], k->socket);
			if (k->host == NULL || *k->host == '\0') {
				free(k->host);
				k->host = strdup("localhost");
			}
			if (k->ssl_mode && !strcasecmp(k->ssl_mode, "verify_identity"))
				add_error(l, key_line(l, names[i], "ssl_mode"), "[%s] ssl_mode = "
				    "verify_identity and socket: a Unix socket has no host name to "
				    "verify (use verify_ca, or host and port)", names[i]);
		} else if (k->host == NULL || *k->host == '\0')
			add_error(l, 0, "[%s] host is required (or socket)", names[i]);
		if (k->user == NULL || *k->user == '\0')
			add_error(l, 0, "[%s] user is required", names[i]);
		if (k->password != NULL && k->password_file != NULL)
			add_error(l, 0, "[%s] has both password and password_file: keep one",
			    names[i]);
		if (k->password != NULL)
			secret_in_file = true;
		else if (k->password_file != NULL)
			k->password = read_password_file(l, k->password_file, 0);
		else if (getenv(envs[i]) != NULL)
			k->password = strdup(getenv(envs[i]));
		if (k->ssl_mode && !strcasecmp(k->ssl_mode, "verify_ca") && k->ssl_ca == NULL)
			add_error(l, 0, "[%s] ssl_mode = verify_ca needs ssl_ca", names[i]);
		/* files the TLS handshake reads: unreadable ones fail every connection */
		{
			const char *f[3] = { k->ssl_ca, k->ssl_cert, k->ssl_key };
			const char *n[3] = { "ssl_ca", "ssl_cert", "ssl_key" };
			for (int j = 0; j < 3; j++)
				if (f[j] != NULL && f[j][0] != '\0' && access(f[j], R_OK) != 0)
					add_error(l, key_line(l, names[i], n[j]), "[%s] %s = %s: %s",
					    names[i], n[j], f[j], strerror(errno));
		}
	}
	if (c->server_id == 0)
		add_error(l, 0, "[replication] server_id is required: a number no other "
		    "server or replica of the source uses");
	if (secret_in_file && (st->st_mode & 077) != 0)
		add_error(l, 0, "holds a password but is readable by others (mode %04o): "
		    "chmod 600 it, or use password_file or the environment",
		    (unsigned)(st->st_mode & 07777));
	{
		char file[512], why[300];
		uint64_t pos;
		if (start_parse(c->start, file, sizeof(file), &pos, why, sizeof(why)) == START_BAD)
			add_error(l, key_line(l, "replication", "start"), "[replication] start = "
			    "'%s': %s", c->start, why);
	}
	if (c->copy_definer && c->copy_definer[0] && strchr(c->copy_definer, '@') == NULL)
		add_error(l, key_line(l, "copy", "definer"), "[copy] definer = '%s': expected "
		    "an account, 'user'@'host'", c->copy_definer);
	/* accepted here means usable by run: the listener's address */
	if (c->status_listen && c->status_listen[0]) {
		const char *colon = strrchr(c->status_listen, ':');
		char *end = NULL;
		long port = colon ? strtol(colon + 1, &end, 10) : 0;
		if (colon == NULL || colon == c->status_listen || end == NULL || *end ||
		    port < 1 || port > 65535)
			add_error(l, key_line(l, "status", "listen"), "[status] listen = '%s': "
			    "expected host:port (like 127.0.0.1:9104)", c->status_listen);
	}
	if (c->state_schema && strpbrk(c->state_schema, "`.'\" ") != NULL)
		add_error(l, 0, "[apply] state_schema '%s' must be a plain name",
		    c->state_schema);
}

struct cfg *
cfg_load(const char *path, char **errors)
{
	struct loader l;
	struct cfg *c = calloc(1, sizeof(*c));
	struct stat st;

	memset(&l, 0, sizeof(l));
	l.path = path;
	*errors = NULL;
	if (c == NULL)
		return NULL;
	l.f = fopen(path, "r");
	if (l.f == NULL || fstat(fileno(l.f), &st) != 0) {
		add_error(&l, 0, "cannot read: %s", strerror(errno));
		if (l.f != NULL)
			fclose(l.f);
		free(c);
		*errors = strdup(l.errors);
		return NULL;
	}
	(void)ini_parse_stream(reader, &l, handler, &l);
	fclose(l.f);
	c->path = strdup(path);
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v = l.seen[i].value ? l.seen[i].value : keys[i].def;
		store(&l, c, &keys[i], v, l.seen[i].line);
	}
	check(&l, c, &st);
	for (size_t i = 0; i < NKEYS; i++)
		free(l.seen[i].value);
	if (l.nerr > 0) {
		*errors = strdup(l.errors);
		cfg_free(c);
		return NULL;
	}
	return c;
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == CFG_STR || keys[i].type == CFG_ENUM)
			free(*(char **)((char *)c + keys[i].off));
	free(c->path);
	free(c);
}

void
cfg_print_keys(void)
{
	for (size_t i = 0; i < NKEYS; i++)
		printf("%s.%s %s\n", keys[i].section, keys[i].name,
		    keys[i].def ? (keys[i].def[0] ? keys[i].def : "\"\"") : "-");
}
