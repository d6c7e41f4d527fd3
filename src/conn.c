/* conn.c: the client side of the MySQL protocol over a libevent bufferevent, TLS included. */
#include "src/conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "proto/auth.h"
#include "src/log.h"

#define CONN_CHARSET 45 /* utf8mb4_general_ci */
#define CONN_MAX_PACKET (1u << 30)
#define CONN_MAX_ROWS_BYTES (16u << 20) /* setup queries only */

struct conn {
	struct event_base *base;
	struct evdns_base *dns;
	struct conn_opts o;
	char where[300];          /* "source 127.0.0.1:3306" */
	enum conn_state state;
	struct bufferevent *bev;  /* plain or TLS filter on top */
	SSL_CTX *ssl_ctx;
	bool tls;
	struct event *timer;
	time_t started, last_io;
	uint8_t seq;              /* next sequence id expected / to send */
	struct pkt_handshake hs;
	char plugin[64];          /* auth plugin in use */
	uint8_t scramble[32];
	size_t scramble_len;
	bool asked_key;
	/* split-packet reassembly */
	uint8_t *big;
	size_t big_len, big_cap;
	/* current query */
	conn_result_fn result_cb;
	conn_stream_fn stream_cb;
	enum { Q_HEAD, Q_COLS, Q_ROWS } qstep;
	struct conn_rows rows;
	size_t rows_cap, rows_bytes;
	/* callbacks */
	conn_ready_fn ready;
	conn_error_fn error;
	void *arg;
	unsigned err_code;
	uint64_t bytes_in;
	bool failing;             /* inside fail(): no reentry */
};

static const char *const state_names[] = {
	"INIT", "CONNECTING", "GREETING", "TLS", "AUTH", "READY", "QUERY",
	"COMMAND", "STREAM", "CLOSED",
};

const char *
conn_state_name(enum conn_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ?
	    state_names[s] : "?";
}

static const char *const ssl_names[] = {
	"disabled", "preferred", "required", "verify_ca", "verify_identity",
};

int
conn_ssl_mode_parse(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (strcasecmp(s, ssl_names[i]) == 0)
			return i;
	return -1;
}

const char *
conn_ssl_mode_name(enum conn_ssl_mode m)
{
	return (unsigned)m < 5 ? ssl_names[m] : "?";
}

/* Change state and log it (one place for every transition). */
static void
conn_set_state(struct conn *c, enum conn_state s)
{
	if (c->state == s)
		return;
	log_debug("%s: %s -> %s", c->where, conn_state_name(c->state),
	    conn_state_name(s));
	c->state = s;
}

static void
rows_clear(struct conn *c)
{
	size_t n = (size_t)c->rows.nrows * c->rows.ncols;

	for (size_t i = 0; i < n; i++)
		free(c->rows.vals[i]);
	for (uint32_t i = 0; i < c->rows.ncols; i++)
		free(c->rows.names[i]);
	free(c->rows.vals);
	free(c->rows.names);
	memset(&c->rows, 0, sizeof(c->rows));
	c->rows_cap = c->rows_bytes = 0;
}

/* Tear the link down and report once; the owner frees the conn later. */
static void
fail(struct conn *c, enum conn_error_kind kind, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	if (c->failing || c->state == CONN_CLOSED)
		return;
	c->failing = true;
	n = snprintf(msg, sizeof(msg), "%s: ", c->where);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	conn_set_state(c, CONN_CLOSED);
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (c->timer != NULL)
		event_del(c->timer);
	c->error(c, c->arg, kind, msg);
}

/* Queue one payload as packet(s) with the running sequence id. */
static void
send_payload(struct conn *c, const uint8_t *p, size_t n)
{
	struct sbuf out = { 0 };

	pkt_write(&out, &c->seq, p, n);
	if (out.oom) {
		fail(c, CONN_E_PROTOCOL, "out of memory");
		return;
	}
	bufferevent_write(c->bev, out.p, out.len);
	sbuf_free(&out);
}

/* A command starts a new sequence. */
static void
send_command(struct conn *c, const uint8_t *p, size_t n)
{
	c->seq = 0;
	send_payload(c, p, n);
}

/* ---------------------------------------------------------------- TLS */

static bool
is_ip(const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, host, &a4) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
}

static const char *
ssl_error_text(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();

	if (e == 0)
		return "no detail";
	ERR_error_string_n(e, buf, sizeof(buf));
	return buf;
}

/* Build the TLS context for the configured mode and files. */
static bool
tls_context(struct conn *c)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL) {
		fail(c, CONN_E_TLS, "TLS: cannot create context: %s", ssl_error_text());
		return false;
	}
	c->ssl_ctx = ctx;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (c->o.ssl_ca != NULL &&
	    SSL_CTX_load_verify_locations(ctx, c->o.ssl_ca, NULL) != 1) {
		fail(c, CONN_E_TLS, "TLS: cannot load ssl_ca %s: %s", c->o.ssl_ca,
		    ssl_error_text());
		return false;
	}
	if (c->o.ssl_cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(ctx, c->o.ssl_cert) != 1) {
		fail(c, CONN_E_TLS, "TLS: cannot load ssl_cert %s: %s", c->o.ssl_cert,
		    ssl_error_text());
		return false;
	}
	if (c->o.ssl_key != NULL &&
	    SSL_CTX_use_PrivateKey_file(ctx, c->o.ssl_key, SSL_FILETYPE_PEM) != 1) {
		fail(c, CONN_E_TLS, "TLS: cannot load ssl_key %s: %s", c->o.ssl_key,
		    ssl_error_text());
		return false;
	}
	if (c->o.ssl_mode >= CONN_SSL_VERIFY_CA)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return true;
}

static void on_read(struct bufferevent *bev, void *arg);
static void on_event(struct bufferevent *bev, short what, void *arg);

/* Wrap the plain link in TLS after the SSLRequest went out. */
static bool
tls_start(struct conn *c)
{
	SSL *ssl = SSL_new(c->ssl_ctx);
	struct bufferevent *tb;

	if (ssl == NULL) {
		fail(c, CONN_E_TLS, "TLS: %s", ssl_error_text());
		return false;
	}
	if (c->o.ssl_mode == CONN_SSL_VERIFY_IDENTITY) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
		int ok = is_ip(c->o.host) ?
		    X509_VERIFY_PARAM_set1_ip_asc(vp, c->o.host) :
		    X509_VERIFY_PARAM_set1_host(vp, c->o.host, 0);
		if (ok != 1) {
			SSL_free(ssl);
			fail(c, CONN_E_TLS, "TLS: cannot set the host name to verify");
			return false;
		}
	}
	if (!is_ip(c->o.host))
		SSL_set_tlsext_host_name(ssl, c->o.host);
	tb = bufferevent_openssl_filter_new(c->base, c->bev, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (tb == NULL) {
		SSL_free(ssl);
		fail(c, CONN_E_TLS, "TLS: cannot start");
		return false;
	}
	c->bev = tb;
	bufferevent_setcb(tb, on_read, NULL, on_event, c);
	bufferevent_enable(tb, EV_READ | EV_WRITE);
	conn_set_state(c, CONN_TLS);
	return true;
}

/* --------------------------------------------------------- authentication */

static char *read_small_file(const char *path, size_t *len);

/* Whether a password may travel as it is: over TLS, or over a Unix socket
 * (which never leaves this machine; the servers think the same). */
static bool
secure(const struct conn *c)
{
	return c->tls || c->o.socket != NULL;
}

/* The auth response for plugin with scramble; -1 fail()ed, 0 ok. */
static int
auth_response(struct conn *c, const char *plugin, struct sbuf *out)
{
	const char *pw = c->o.password ? c->o.password : "";
	struct proto_err err = { 0 };

	if (strcmp(plugin, "mysql_native_password") == 0) {
		uint8_t r[20];
		if (*pw == '\0')
			return 0;
		auth_native(r, pw, c->scramble, c->scramble_len < 20 ? c->scramble_len : 20);
		sbuf_add(out, r, sizeof(r));
		return 0;
	}
	if (strcmp(plugin, "caching_sha2_password") == 0) {
		uint8_t r[32];
		if (*pw == '\0')
			return 0;
		auth_sha2(r, pw, c->scramble, c->scramble_len < 20 ? c->scramble_len : 20);
		sbuf_add(out, r, sizeof(r));
		return 0;
	}
	if (strcmp(plugin, "sha256_password") == 0) {
		if (secure(c)) {
			sbuf_add(out, pw, strlen(pw) + 1);
			return 0;
		}
		if (*pw == '\0') {
			sbuf_addc(out, 0);
			return 0;
		}
		if (c->o.server_public_key != NULL) {
			/* the key at hand: the encrypted password at once */
			size_t n, enc_len;
			uint8_t *enc;
			char *pem = read_small_file(c->o.server_public_key, &n);
			if (pem == NULL) {
				fail(c, CONN_E_AUTH, "cannot read server_public_key %s: %s",
				    c->o.server_public_key, strerror(errno));
				return -1;
			}
			bool ok = auth_rsa_encrypt(&enc, &enc_len, pw, c->scramble,
			    c->scramble_len < 20 ? c->scramble_len : 20, pem, n, &err);
			free(pem);
			if (!ok) {
				fail(c, CONN_E_AUTH, "RSA password exchange: %s", err.msg);
				return -1;
			}
			sbuf_add(out, enc, enc_len);
			free(enc);
			return 0;
		}
		/* as libmysqlclient: sha256_password asks for the key unbidden */
		sbuf_addc(out, 1); /* ask for the public key */
		c->asked_key = true;
		return 0;
	}
	if (strcmp(plugin, "client_ed25519") == 0) {
		uint8_t sig[64];
		if (!auth_ed25519(sig, pw, c->scramble, c->scramble_len, &err)) {
			fail(c, CONN_E_AUTH, "client_ed25519: %s", err.msg);
			return -1;
		}
		sbuf_add(out, sig, sizeof(sig));
		return 0;
	}
	if (strcmp(plugin, "mysql_clear_password") == 0) {
		if (!secure(c)) {
			fail(c, CONN_E_AUTH, "the server asks for mysql_clear_password, "
			    "which would send the password unencrypted: use TLS (ssl_mode)");
			return -1;
		}
		sbuf_add(out, pw, strlen(pw) + 1);
		return 0;
	}
	fail(c, CONN_E_AUTH, "the server asks for authentication plugin '%s', "
	    "which myshift does not support (supported: mysql_native_password, "
	    "caching_sha2_password, sha256_password, client_ed25519)", plugin);
	return -1;
}

/* Read a whole small file (the RSA public key). */
static char *
read_small_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(65536);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Send the password RSA-encrypted with pem. */
static void
send_rsa_password(struct conn *c, const char *pem, size_t pem_len)
{
	struct proto_err err = { 0 };
	uint8_t *enc;
	size_t enc_len;

	if (!auth_rsa_encrypt(&enc, &enc_len, c->o.password ? c->o.password : "",
	    c->scramble, c->scramble_len < 20 ? c->scramble_len : 20, pem, pem_len,
	    &err)) {
		fail(c, CONN_E_AUTH, "RSA password exchange: %s", err.msg);
		return;
	}
	send_payload(c, enc, enc_len);
	free(enc);
}

/* caching_sha2_password / sha256_password needs the full password. */
static void
full_auth(struct conn *c)
{
	const char *pw = c->o.password ? c->o.password : "";

	if (secure(c)) {
		send_payload(c, (const uint8_t *)pw, strlen(pw) + 1);
		return;
	}
	if (c->o.server_public_key != NULL) {
		size_t n;
		char *pem = read_small_file(c->o.server_public_key, &n);
		if (pem == NULL) {
			fail(c, CONN_E_AUTH, "cannot read server_public_key %s: %s",
			    c->o.server_public_key, strerror(errno));
			return;
		}
		send_rsa_password(c, pem, n);
		free(pem);
		return;
	}
	if (c->o.get_server_public_key) {
		uint8_t req = 2;
		c->asked_key = true;
		send_payload(c, &req, 1);
		return;
	}
	fail(c, CONN_E_AUTH, "%s needs the full password, which myshift sends only "
	    "over TLS or RSA-encrypted: set ssl_mode, server_public_key or "
	    "get_server_public_key", c->plugin);
}

static void
on_auth_packet(struct conn *c, const uint8_t *p, size_t n)
{
	struct proto_err err = { 0 };
	struct pkt_err e;
	struct pkt_auth_switch sw;
	struct sbuf out = { 0 };

	switch (pkt_classify(p, n, true)) {
	case PKT_OK:
		conn_set_state(c, CONN_READY);
		log_info("%s: connected (server %s, %s, %s)", c->where, c->hs.server_version,
		    c->plugin, c->tls ? "TLS" : c->o.socket != NULL ? "Unix socket" : "no TLS");
		c->ready(c, c->arg);
		return;
	case PKT_ERR:
		if (!pkt_err_parse(p, n, &e, &err)) {
			fail(c, CONN_E_PROTOCOL, "bad ERR packet: %s", err.msg);
			return;
		}
		c->err_code = e.code;
		fail(c, CONN_E_AUTH, "authentication of user '%s' failed: %s (error %u)",
		    c->o.user, e.message, e.code);
		return;
	case PKT_AUTH_SWITCH:
		if (!pkt_auth_switch_parse(p, n, &sw, &err)) {
			fail(c, CONN_E_PROTOCOL, "bad auth switch request: %s", err.msg);
			return;
		}
		snprintf(c->plugin, sizeof(c->plugin), "%s", sw.plugin);
		c->scramble_len = sw.data_len > sizeof(c->scramble) ?
		    sizeof(c->scramble) : sw.data_len;
		memcpy(c->scramble, sw.data, c->scramble_len);
		if (c->scramble_len > 0 && c->scramble[c->scramble_len - 1] == 0 &&
		    strcmp(c->plugin, "client_ed25519") != 0)
			c->scramble_len--;
		if (auth_response(c, c->plugin, &out) == 0)
			send_payload(c, (const uint8_t *)out.p, out.len);
		sbuf_free(&out);
		return;
	case PKT_AUTH_MORE:
		if (strcmp(c->plugin, "caching_sha2_password") == 0 && n == 2 && p[1] == 3)
			return; /* fast authentication succeeded: OK follows */
		if (strcmp(c->plugin, "caching_sha2_password") == 0 && n == 2 && p[1] == 4) {
			full_auth(c);
			return;
		}
		if (c->asked_key && n > 1) {
			send_rsa_password(c, (const char *)p + 1, n - 1);
			return;
		}
		fail(c, CONN_E_PROTOCOL, "unexpected authentication data for %s", c->plugin);
		return;
	default:
		fail(c, CONN_E_PROTOCOL, "unexpected packet 0x%02x during authentication",
		    n ? p[0] : 0);
	}
}

/* Send HandshakeResponse41 (after TLS when on). */
static void
send_login(struct conn *c)
{
	struct pkt_login l;
	struct sbuf out = { 0 };
	struct sbuf auth = { 0 };
	const char *plugin = c->hs.auth_plugin[0] ? c->hs.auth_plugin :
	    "mysql_native_password";

	memset(&l, 0, sizeof(l));
	snprintf(c->plugin, sizeof(c->plugin), "%s", plugin);
	/* the first plugin may be one we do not know: offer native, the server switches */
	if (strcmp(plugin, "mysql_native_password") != 0 &&
	    strcmp(plugin, "caching_sha2_password") != 0 &&
	    strcmp(plugin, "sha256_password") != 0 &&
	    strcmp(plugin, "client_ed25519") != 0)
		snprintf(c->plugin, sizeof(c->plugin), "mysql_native_password");
	if (auth_response(c, c->plugin, &auth) != 0) {
		sbuf_free(&auth);
		return;
	}
	l.capabilities = (CAP_LONG_PASSWORD | CAP_LONG_FLAG | CAP_PROTOCOL_41 |
	    CAP_TRANSACTIONS | CAP_SECURE_CONNECTION | CAP_PLUGIN_AUTH |
	    CAP_PLUGIN_AUTH_LENENC_DATA | CAP_CONNECT_ATTRS) & c->hs.capabilities;
	if (c->tls)
		l.capabilities |= CAP_SSL;
	l.max_packet = CONN_MAX_PACKET;
	l.charset = CONN_CHARSET;
	l.user = c->o.user ? c->o.user : "";
	l.auth = (const uint8_t *)auth.p;
	l.auth_len = auth.len;
	l.auth_plugin = c->plugin;
	l.attrs[0][0] = "_client_name";
	l.attrs[0][1] = "myshift";
	l.attrs[1][0] = "program_name";
	l.attrs[1][1] = "myshift";
	pkt_login_response(&out, &l);
	send_payload(c, (const uint8_t *)out.p, out.len);
	sbuf_free(&out);
	sbuf_free(&auth);
	conn_set_state(c, CONN_AUTH);
}

/* The server's greeting: decide on TLS, then log in. */
static void
on_greeting(struct conn *c, const uint8_t *p, size_t n)
{
	struct proto_err err = { 0 };
	struct pkt_err e;
	bool server_tls;

	if (pkt_classify(p, n, false) == PKT_ERR) {
		if (pkt_err_parse(p, n, &e, &err))
			fail(c, CONN_E_SERVER, "server refused the connection: %s (error %u)",
			    e.message, e.code);
		else
			fail(c, CONN_E_PROTOCOL, "server refused the connection");
		return;
	}
	if (!pkt_handshake_parse(p, n, &c->hs, &err)) {
		fail(c, CONN_E_PROTOCOL, "not a MySQL server greeting: %s", err.msg);
		return;
	}
	c->scramble_len = c->hs.scramble_len;
	memcpy(c->scramble, c->hs.scramble, c->scramble_len);
	server_tls = (c->hs.capabilities & CAP_SSL) != 0;
	/* a Unix socket never leaves this machine: preferred means no TLS there */
	if (c->o.ssl_mode == CONN_SSL_DISABLED ||
	    (c->o.ssl_mode == CONN_SSL_PREFERRED && (!server_tls || c->o.socket != NULL))) {
		send_login(c);
		return;
	}
	if (!server_tls) {
		fail(c, CONN_E_TLS, "ssl_mode %s but the server does not offer TLS",
		    conn_ssl_mode_name(c->o.ssl_mode));
		return;
	}
	if (!tls_context(c))
		return;
	{
		struct pkt_login l;
		struct sbuf out = { 0 };
		memset(&l, 0, sizeof(l));
		l.capabilities = (CAP_LONG_PASSWORD | CAP_LONG_FLAG | CAP_PROTOCOL_41 |
		    CAP_TRANSACTIONS | CAP_SECURE_CONNECTION | CAP_PLUGIN_AUTH |
		    CAP_PLUGIN_AUTH_LENENC_DATA | CAP_CONNECT_ATTRS) & c->hs.capabilities;
		l.capabilities |= CAP_SSL;
		l.max_packet = CONN_MAX_PACKET;
		l.charset = CONN_CHARSET;
		pkt_ssl_request(&out, &l);
		send_payload(c, (const uint8_t *)out.p, out.len);
		sbuf_free(&out);
	}
	tls_start(c);
}

/* ----------------------------------------------------------- results */

static char *
dupn(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static void
finish_result(struct conn *c, const struct conn_result *r)
{
	conn_result_fn cb = c->result_cb;

	c->result_cb = NULL;
	conn_set_state(c, CONN_READY);
	if (cb != NULL)
		cb(c, c->arg, r);
	if (c->rows.names != NULL || c->rows.vals != NULL)
		rows_clear(c);
}

static void
on_result_packet(struct conn *c, const uint8_t *p, size_t n)
{
	struct proto_err err = { 0 };
	struct conn_result r = { 0 };
	struct pkt_ok ok;
	struct pkt_err e;
	uint64_t ncols;
	enum pkt_kind k = pkt_classify(p, n, false);

	if (k == PKT_ERR) {
		if (!pkt_err_parse(p, n, &e, &err)) {
			fail(c, CONN_E_PROTOCOL, "bad ERR packet: %s", err.msg);
			return;
		}
		r.err = &e;
		finish_result(c, &r);
		return;
	}
	switch (c->qstep) {
	case Q_HEAD:
		if (k == PKT_OK) {
			if (!pkt_ok_parse(p, n, c->hs.capabilities, &ok, &err)) {
				fail(c, CONN_E_PROTOCOL, "bad OK packet: %s", err.msg);
				return;
			}
			r.ok = &ok;
			finish_result(c, &r);
			return;
		}
		if (c->state == CONN_COMMAND) {
			fail(c, CONN_E_PROTOCOL, "unexpected reply 0x%02x to a command", p[0]);
			return;
		}
		if (k == PKT_LOCAL_INFILE) {
			fail(c, CONN_E_PROTOCOL, "server asked for LOCAL INFILE");
			return;
		}
		if (!pkt_column_count(p, n, &ncols, &err) || ncols == 0 || ncols > 4096) {
			fail(c, CONN_E_PROTOCOL, "bad result set header");
			return;
		}
		c->rows.ncols = (uint32_t)ncols;
		c->rows.names = calloc(ncols, sizeof(char *));
		if (c->rows.names == NULL) {
			fail(c, CONN_E_PROTOCOL, "out of memory");
			return;
		}
		c->rows_cap = 0;
		c->qstep = Q_COLS;
		c->rows_bytes = 0; /* counts column definitions received */
		return;
	case Q_COLS:
		if (k == PKT_EOF) {
			c->qstep = Q_ROWS;
			return;
		}
		{
			struct pkt_column col;
			if (!pkt_column_parse(p, n, &col, &err) ||
			    c->rows_bytes >= c->rows.ncols) {
				fail(c, CONN_E_PROTOCOL, "bad column definition");
				return;
			}
			c->rows.names[c->rows_bytes++] = dupn(col.name.p, col.name.len);
		}
		return;
	case Q_ROWS:
		if (k == PKT_EOF || (k == PKT_OK && p[0] == 0xfe)) {
			r.rows = &c->rows;
			finish_result(c, &r);
			return;
		}
		{
			const char *vals[4096];
			size_t lens[4096];
			size_t base = (size_t)c->rows.nrows * c->rows.ncols;
			if (!pkt_text_row(p, n, c->rows.ncols, vals, lens, &err)) {
				fail(c, CONN_E_PROTOCOL, "bad result row: %s", err.msg);
				return;
			}
			c->rows_bytes += n;
			if (c->rows_bytes > CONN_MAX_ROWS_BYTES) {
				fail(c, CONN_E_PROTOCOL, "setup query result too large");
				return;
			}
			if (base + c->rows.ncols > c->rows_cap) {
				size_t nc = c->rows_cap ? c->rows_cap * 2 : c->rows.ncols * 8;
				char **nv = realloc(c->rows.vals, nc * sizeof(char *));
				if (nv == NULL) {
					fail(c, CONN_E_PROTOCOL, "out of memory");
					return;
				}
				c->rows.vals = nv;
				c->rows_cap = nc;
			}
			for (uint32_t i = 0; i < c->rows.ncols; i++)
				c->rows.vals[base + i] = vals[i] ? dupn(vals[i], lens[i]) : NULL;
			c->rows.nrows++;
		}
		return;
	}
}

static void
on_stream_packet(struct conn *c, const uint8_t *p, size_t n)
{
	struct proto_err err = { 0 };
	struct pkt_err e;

	if (n > 0 && p[0] == 0x00) {
		c->stream_cb(c, c->arg, p + 1, n - 1);
		return;
	}
	if (n > 0 && p[0] == 0xff) {
		if (!pkt_err_parse(p, n, &e, &err)) {
			fail(c, CONN_E_PROTOCOL, "bad ERR packet in the binlog stream");
			return;
		}
		c->err_code = e.code;
		fail(c, CONN_E_SERVER, "binlog dump failed: %s (error %u)", e.message, e.code);
		return;
	}
	if (n > 0 && n < 9 && p[0] == 0xfe) {
		/* non-blocking dump reached the end: back to idle */
		conn_set_state(c, CONN_READY);
		c->stream_cb(c, c->arg, NULL, 0);
		return;
	}
	fail(c, CONN_E_PROTOCOL, "unexpected packet 0x%02x in the binlog stream",
	    n ? p[0] : 0);
}

/* One whole (reassembled) payload. */
static void
on_packet(struct conn *c, const uint8_t *p, size_t n)
{
	switch (c->state) {
	case CONN_GREETING:
		on_greeting(c, p, n);
		break;
	case CONN_AUTH:
		on_auth_packet(c, p, n);
		break;
	case CONN_QUERY:
	case CONN_COMMAND:
		on_result_packet(c, p, n);
		break;
	case CONN_STREAM:
		on_stream_packet(c, p, n);
		break;
	case CONN_READY:
		fail(c, CONN_E_PROTOCOL, "unexpected packet from the server while idle");
		break;
	default:
		fail(c, CONN_E_PROTOCOL, "packet in impossible state %s",
		    conn_state_name(c->state));
		break;
	}
}

/* Cut the input into packets; reassemble 16 MB splits. */
static void
on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	c->last_io = time(NULL);
	while (c->state != CONN_CLOSED && c->bev == bev) {
		uint8_t h[PKT_HEADER_LEN], seq;
		uint32_t len;
		size_t avail = evbuffer_get_length(in);
		const uint8_t *p;

		if (avail < PKT_HEADER_LEN)
			break;
		evbuffer_copyout(in, h, PKT_HEADER_LEN);
		pkt_header(h, &len, &seq);
		if (avail < PKT_HEADER_LEN + (size_t)len)
			break;
		if (seq != c->seq) {
			fail(c, CONN_E_PROTOCOL, "packet out of order: sequence %u, expected %u",
			    seq, c->seq);
			return;
		}
		c->seq = (uint8_t)(seq + 1);
		c->bytes_in += PKT_HEADER_LEN + (size_t)len;
		p = evbuffer_pullup(in, PKT_HEADER_LEN + (ssize_t)len);
		if (p == NULL) {
			fail(c, CONN_E_PROTOCOL, "out of memory reading a packet");
			return;
		}
		p += PKT_HEADER_LEN;
		if (len == PKT_MAX_PAYLOAD || c->big_len > 0) {
			if (c->big_len + len > CONN_MAX_PACKET) {
				fail(c, CONN_E_PROTOCOL, "packet larger than 1 GB");
				return;
			}
			if (c->big_len + len > c->big_cap) {
				size_t nc = c->big_cap ? c->big_cap : (1u << 25);
				uint8_t *nb;
				while (nc < c->big_len + len)
					nc *= 2;
				if ((nb = realloc(c->big, nc)) == NULL) {
					fail(c, CONN_E_PROTOCOL, "out of memory reassembling a packet");
					return;
				}
				c->big = nb;
				c->big_cap = nc;
			}
			memcpy(c->big + c->big_len, p, len);
			c->big_len += len;
			evbuffer_drain(in, PKT_HEADER_LEN + (size_t)len);
			if (len == PKT_MAX_PAYLOAD)
				continue;
			{
				size_t bl = c->big_len;
				c->big_len = 0;
				on_packet(c, c->big, bl);
			}
			continue;
		}
		if (c->state == CONN_GREETING) {
			/*
			 * The greeting may switch the link to TLS, which replaces
			 * the bufferevent: take it out of the plain buffer first.
			 */
			uint8_t *copy = malloc(len ? len : 1);
			if (copy == NULL) {
				fail(c, CONN_E_PROTOCOL, "out of memory");
				return;
			}
			memcpy(copy, p, len);
			evbuffer_drain(in, PKT_HEADER_LEN + (size_t)len);
			on_packet(c, copy, len);
			free(copy);
			if (c->state == CONN_CLOSED || c->bev != bev)
				return;
			continue;
		}
		on_packet(c, p, len);
		if (c->state == CONN_CLOSED || c->bev != bev)
			return; /* the callback failed or replaced the link */
		evbuffer_drain(in, PKT_HEADER_LEN + (size_t)len);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	int e = EVUTIL_SOCKET_ERROR();
	unsigned long ssl_err;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->last_io = time(NULL);
		if (c->state == CONN_CONNECTING)
			conn_set_state(c, CONN_GREETING);
		else if (c->state == CONN_TLS) {
			c->tls = true;
			send_login(c);
		}
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		if (c->state == CONN_TLS || c->tls) {
			ssl_err = bufferevent_get_openssl_error(bev);
			if (ssl_err != 0) {
				char buf[256];
				SSL *ssl = bufferevent_openssl_get_ssl(bev);
				long vr = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
				ERR_error_string_n(ssl_err, buf, sizeof(buf));
				if (vr != X509_V_OK)
					fail(c, CONN_E_TLS, "TLS handshake failed: the server's "
					    "certificate is not accepted: %s (%s)",
					    X509_verify_cert_error_string(vr), buf);
				else
					fail(c, CONN_E_TLS, "TLS handshake failed: %s", buf);
				return;
			}
		}
		if (c->state == CONN_CONNECTING) {
			int dnserr = bufferevent_socket_get_dns_error(c->bev);
			if (dnserr != 0) {
				fail(c, CONN_E_NETWORK, "cannot resolve host: %s",
				    evutil_gai_strerror(dnserr));
				return;
			}
			fail(c, CONN_E_NETWORK, "cannot connect: %s",
			    evutil_socket_error_to_string(e));
			return;
		}
		fail(c, CONN_E_NETWORK, "connection lost in state %s: %s",
		    conn_state_name(c->state), e ? evutil_socket_error_to_string(e) :
		    "reset");
		return;
	}
	if (what & BEV_EVENT_EOF) {
		fail(c, CONN_E_NETWORK, "the server closed the connection (state %s)",
		    conn_state_name(c->state));
		return;
	}
}

/* Once a second: connect and read timeouts from the last-I/O stamp. */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	time_t now = time(NULL);
	unsigned ct = c->o.connect_timeout ? c->o.connect_timeout : 10;

	(void)fd;
	(void)what;
	switch (c->state) {
	case CONN_CONNECTING:
	case CONN_GREETING:
	case CONN_TLS:
	case CONN_AUTH:
		if (now - c->started >= (time_t)ct)
			fail(c, CONN_E_TIMEOUT, "no answer within %u s (state %s)", ct,
			    conn_state_name(c->state));
		break;
	case CONN_QUERY:
	case CONN_COMMAND:
	case CONN_STREAM:
		if (c->o.read_timeout && now - c->last_io >= (time_t)c->o.read_timeout)
			fail(c, CONN_E_TIMEOUT, "nothing received for %u s: the link is "
			    "considered dead", c->o.read_timeout);
		break;
	default:
		break;
	}
}

struct conn *
conn_new(struct event_base *base, const struct conn_opts *o, conn_ready_fn ready,
    conn_error_fn error, void *arg)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->base = base;
	c->o = *o;
	c->ready = ready;
	c->error = error;
	c->arg = arg;
	if (o->socket != NULL)
		snprintf(c->where, sizeof(c->where), "%s %s", o->name ? o->name : "server",
		    o->socket);
	else
		snprintf(c->where, sizeof(c->where), "%s %s:%u", o->name ? o->name : "server",
		    o->host, o->port);
	return c;
}

int
conn_start(struct conn *c)
{
	struct timeval one = { 1, 0 };

	if (c->o.ssl_mode == CONN_SSL_VERIFY_CA && c->o.ssl_ca == NULL) {
		fail(c, CONN_E_TLS, "ssl_mode verify_ca needs ssl_ca (the CA certificate file)");
		return -1;
	}
	if (c->o.socket == NULL)
		c->dns = evdns_base_new(c->base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	c->timer = event_new(c->base, -1, EV_PERSIST, on_timer, c);
	if (c->bev == NULL || c->timer == NULL) {
		fail(c, CONN_E_NETWORK, "out of memory");
		return -1;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	bufferevent_setwatermark(c->bev, EV_READ, 0, 64u << 20);
	c->started = c->last_io = time(NULL);
	conn_set_state(c, CONN_CONNECTING);
	event_add(c->timer, &one);
	if (c->o.socket != NULL) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(c->o.socket) >= sizeof(sun.sun_path)) {
			fail(c, CONN_E_NETWORK, "socket path longer than %zu bytes",
			    sizeof(sun.sun_path) - 1);
			return -1;
		}
		memcpy(sun.sun_path, c->o.socket, strlen(c->o.socket));
		if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sun,
		    (int)sizeof(sun)) != 0) {
			fail(c, CONN_E_NETWORK, "cannot connect: %s",
			    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
			return -1;
		}
		return 0;
	}
	if (bufferevent_socket_connect_hostname(c->bev, c->dns, AF_UNSPEC, c->o.host,
	    c->o.port) != 0) {
		fail(c, CONN_E_NETWORK, "cannot connect");
		return -1;
	}
	return 0;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->dns != NULL)
		evdns_base_free(c->dns, 0);
	if (c->ssl_ctx != NULL)
		SSL_CTX_free(c->ssl_ctx);
	rows_clear(c);
	free(c->big);
	free(c);
}

int
conn_query(struct conn *c, const char *sql, conn_result_fn cb)
{
	struct sbuf out = { 0 };

	if (c->state != CONN_READY)
		return -1;
	pkt_com_query(&out, sql, strlen(sql));
	c->result_cb = cb;
	c->qstep = Q_HEAD;
	conn_set_state(c, CONN_QUERY);
	send_command(c, (const uint8_t *)out.p, out.len);
	sbuf_free(&out);
	return 0;
}

int
conn_command(struct conn *c, const uint8_t *payload, size_t n, conn_result_fn cb)
{
	if (c->state != CONN_READY)
		return -1;
	c->result_cb = cb;
	c->qstep = Q_HEAD;
	conn_set_state(c, CONN_COMMAND);
	send_command(c, payload, n);
	return 0;
}

int
conn_stream(struct conn *c, const uint8_t *payload, size_t n, conn_stream_fn cb)
{
	if (c->state != CONN_READY)
		return -1;
	c->stream_cb = cb;
	conn_set_state(c, CONN_STREAM);
	send_command(c, payload, n);
	return 0;
}

void
conn_pause(struct conn *c)
{
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ);
}

void
conn_resume(struct conn *c)
{
	if (c->bev != NULL) {
		c->last_io = time(NULL);
		bufferevent_enable(c->bev, EV_READ);
	}
}

enum conn_state
conn_state(const struct conn *c)
{
	return c->state;
}

const struct pkt_handshake *
conn_handshake(const struct conn *c)
{
	return &c->hs;
}

bool
conn_tls(const struct conn *c)
{
	return c->tls;
}

unsigned
conn_error_code(const struct conn *c)
{
	return c->err_code;
}

uint64_t
conn_bytes_in(const struct conn *c)
{
	return c->bytes_in;
}
