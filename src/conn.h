/* conn.h: a non-blocking MySQL client connection on libevent (TLS, auth plugins, queries, binlog streaming). */
#ifndef SRC_CONN_H
#define SRC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/packet.h"

struct event_base;
struct conn;

enum conn_ssl_mode {
	CONN_SSL_DISABLED,
	CONN_SSL_PREFERRED,
	CONN_SSL_REQUIRED,
	CONN_SSL_VERIFY_CA,
	CONN_SSL_VERIFY_IDENTITY,
};

/* Parse "disabled", "preferred", ... (case-insensitive); -1 if unknown. */
int conn_ssl_mode_parse(const char *s);
const char *conn_ssl_mode_name(enum conn_ssl_mode m);

struct conn_opts {
	const char *name;       /* "source": names the link in every error */
	const char *host;
	uint16_t port;
	const char *socket;     /* Unix socket path: instead of host and port */
	const char *user;
	const char *password;   /* never logged nor put in errors */
	enum conn_ssl_mode ssl_mode;
	const char *ssl_ca;
	const char *ssl_cert;
	const char *ssl_key;
	const char *server_public_key; /* PEM file for RSA password exchange */
	bool get_server_public_key;    /* ask the server for its RSA key */
	unsigned connect_timeout;      /* seconds, 0: 10 */
	unsigned read_timeout;         /* seconds of silence that kill the link; 0: none */
};

/* Connection states; conn_set_state() logs every change. */
enum conn_state {
	CONN_INIT,
	CONN_CONNECTING,  /* TCP connect in progress */
	CONN_GREETING,    /* waiting for the server's handshake */
	CONN_TLS,         /* TLS handshake in progress */
	CONN_AUTH,        /* login sent, authentication exchange */
	CONN_READY,       /* idle, a command may be sent */
	CONN_QUERY,       /* waiting for a query result */
	CONN_COMMAND,     /* waiting for OK/ERR of a command */
	CONN_STREAM,      /* binlog dump: every packet goes to the stream callback */
	CONN_CLOSED,      /* failed or closed; only conn_free() remains */
};

/* Why a connection failed: decides between retrying and giving up. */
enum conn_error_kind {
	CONN_E_NETWORK,  /* refused, reset, unreachable: retry */
	CONN_E_TIMEOUT,  /* connect or read timeout: retry */
	CONN_E_AUTH,     /* wrong password, unknown user or plugin: final */
	CONN_E_TLS,      /* TLS refused or certificate rejected: final */
	CONN_E_PROTOCOL, /* bytes that make no sense: retry once, then final */
	CONN_E_SERVER,   /* the server sent ERR; code in conn_error_code() */
};

/* A small text result set (setup queries only). vals is row-major; NULL is SQL NULL. */
struct conn_rows {
	uint32_t ncols, nrows;
	char **names;
	char **vals;
};

/* The server's ERR packet, or an error of our own (code 0). */
struct conn_result {
	const struct conn_rows *rows; /* NULL when the reply was OK */
	const struct pkt_ok *ok;      /* NULL when rows or error */
	const struct pkt_err *err;    /* NULL on success */
};

typedef void (*conn_ready_fn)(struct conn *c, void *arg);
typedef void (*conn_error_fn)(struct conn *c, void *arg,
    enum conn_error_kind kind, const char *msg);
typedef void (*conn_result_fn)(struct conn *c, void *arg,
    const struct conn_result *res);
/*
 * One stream packet's payload after the 0x00 byte. p == NULL: the server
 * reached the end of a non-blocking dump (the conn is READY again).
 * Callbacks must not free the conn; they may fail it or send commands.
 */
typedef void (*conn_stream_fn)(struct conn *c, void *arg, const uint8_t *p,
    size_t n);

struct conn *conn_new(struct event_base *base, const struct conn_opts *o,
    conn_ready_fn ready, conn_error_fn error, void *arg);
void conn_free(struct conn *c);

/* Start connecting; ready or error is called later from the loop. */
int conn_start(struct conn *c) __attribute__((warn_unused_result));

/* Send a COM_QUERY (state READY); cb gets the rows, OK or ERR. */
int conn_query(struct conn *c, const char *sql, conn_result_fn cb)
    __attribute__((warn_unused_result));
/* Send a command payload whose reply is OK or ERR (state READY). */
int conn_command(struct conn *c, const uint8_t *payload, size_t n,
    conn_result_fn cb) __attribute__((warn_unused_result));
/*
 * Send a command (COM_BINLOG_DUMP[_GTID]) and enter CONN_STREAM: every 0x00
 * packet goes to cb; ERR and EOF end the stream through the error callback.
 */
int conn_stream(struct conn *c, const uint8_t *payload, size_t n,
    conn_stream_fn cb) __attribute__((warn_unused_result));

/* Stop and restart reading (backpressure from a full queue). */
void conn_pause(struct conn *c);
void conn_resume(struct conn *c);

enum conn_state conn_state(const struct conn *c);
const char *conn_state_name(enum conn_state s);
const struct pkt_handshake *conn_handshake(const struct conn *c);
bool conn_tls(const struct conn *c);
/* The server error code of the last CONN_E_SERVER failure. */
unsigned conn_error_code(const struct conn *c);
/* Bytes received since conn_start(). */
uint64_t conn_bytes_in(const struct conn *c);

#endif
