/* packet.h: MySQL client/server protocol packets (framing, handshake, OK/ERR, result sets, replication commands). */
#ifndef PROTO_PACKET_H
#define PROTO_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/cursor.h"
#include "proto/sbuf.h"

#define PKT_HEADER_LEN 4
#define PKT_MAX_PAYLOAD 0xffffffu /* a payload this long continues in the next packet */

/* Capability flags (CLIENT_*). */
#define CAP_LONG_PASSWORD 0x00000001u
#define CAP_FOUND_ROWS 0x00000002u
#define CAP_LONG_FLAG 0x00000004u
#define CAP_CONNECT_WITH_DB 0x00000008u
#define CAP_NO_SCHEMA 0x00000010u
#define CAP_COMPRESS 0x00000020u
#define CAP_LOCAL_FILES 0x00000080u
#define CAP_IGNORE_SPACE 0x00000100u
#define CAP_PROTOCOL_41 0x00000200u
#define CAP_INTERACTIVE 0x00000400u
#define CAP_SSL 0x00000800u
#define CAP_TRANSACTIONS 0x00002000u
#define CAP_SECURE_CONNECTION 0x00008000u
#define CAP_MULTI_STATEMENTS 0x00010000u
#define CAP_MULTI_RESULTS 0x00020000u
#define CAP_PS_MULTI_RESULTS 0x00040000u
#define CAP_PLUGIN_AUTH 0x00080000u
#define CAP_CONNECT_ATTRS 0x00100000u
#define CAP_PLUGIN_AUTH_LENENC_DATA 0x00200000u
#define CAP_SESSION_TRACK 0x00800000u
#define CAP_DEPRECATE_EOF 0x01000000u
/* CLIENT_MYSQL (bit 0) clear on a MariaDB server: extended caps follow. */

/* Server status flags. */
#define PKT_STATUS_IN_TRANS 0x0001u
#define PKT_STATUS_AUTOCOMMIT 0x0002u
#define PKT_STATUS_MORE_RESULTS 0x0008u

/* Commands. */
#define PKT_COM_QUIT 0x01
#define PKT_COM_QUERY 0x03
#define PKT_COM_PING 0x0e
#define PKT_COM_BINLOG_DUMP 0x12
#define PKT_COM_REGISTER_SLAVE 0x15
#define PKT_COM_BINLOG_DUMP_GTID 0x1e

/* PKT_COM_BINLOG_DUMP flags. */
#define PKT_DUMP_NON_BLOCK 0x01
#define PKT_DUMP_SEND_ANNOTATE_ROWS 0x02 /* MariaDB */
#define PKT_DUMP_THROUGH_GTID 0x04             /* MySQL PKT_COM_BINLOG_DUMP_GTID */

/* Read a packet header: payload length and sequence id (needs 4 bytes). */
static inline void
pkt_header(const uint8_t *p, uint32_t *len, uint8_t *seq)
{
	*len = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
	*seq = p[3];
}

/*
 * Append payload as one or more packets starting at sequence *seq (a
 * payload of 0xffffff bytes or more is split, with an empty packet ending
 * an exact multiple). *seq is advanced past the packets written.
 */
void pkt_write(struct sbuf *out, uint8_t *seq, const uint8_t *payload, size_t n);

/* The kinds of reply a client meets (first payload byte and length). */
enum pkt_kind {
	PKT_OK,          /* 0x00 (or 0xfe with >= 7 bytes under DEPRECATE_EOF) */
	PKT_ERR,         /* 0xff */
	PKT_EOF,         /* 0xfe, < 9 bytes */
	PKT_AUTH_SWITCH, /* 0xfe during authentication */
	PKT_AUTH_MORE,   /* 0x01 during authentication */
	PKT_LOCAL_INFILE,/* 0xfb in a query reply */
	PKT_DATA,        /* anything else */
};

/* Classify a reply payload; during_auth selects the authentication meanings. */
enum pkt_kind pkt_classify(const uint8_t *p, size_t n, bool during_auth);

struct pkt_ok {
	uint64_t affected_rows;
	uint64_t last_insert_id;
	uint16_t status;
	uint16_t warnings;
	struct {
		const char *p;
		uint32_t len;
	} info;
};

struct pkt_err {
	uint16_t code;
	char sqlstate[6];   /* "" if none */
	char message[512];  /* NUL-terminated, truncated */
};

PROTO_WUR bool pkt_ok_parse(const uint8_t *p, size_t n, uint32_t caps,
    struct pkt_ok *ok, struct proto_err *err);
PROTO_WUR bool pkt_err_parse(const uint8_t *p, size_t n, struct pkt_err *e,
    struct proto_err *err);

/* Initial handshake packet (protocol 10) from the server. */
struct pkt_handshake {
	uint8_t protocol;
	char server_version[64];
	bool mariadb;            /* "5.5.5-" prefix or "MariaDB" in the version */
	uint32_t connection_id;
	uint8_t scramble[32];    /* auth plugin data, NUL trailer removed */
	uint8_t scramble_len;
	uint32_t capabilities;   /* lower and upper 16 bits */
	uint32_t mariadb_capabilities; /* extended, when CLIENT_MYSQL is clear */
	uint8_t charset;
	uint16_t status;
	char auth_plugin[64];
};

PROTO_WUR bool pkt_handshake_parse(const uint8_t *p, size_t n,
    struct pkt_handshake *hs, struct proto_err *err);

/* What the client sends back (HandshakeResponse41). */
struct pkt_login {
	uint32_t capabilities;
	uint32_t mariadb_capabilities;
	uint32_t max_packet;
	uint8_t charset;
	const char *user;
	const uint8_t *auth;   /* auth response bytes */
	size_t auth_len;
	const char *database;  /* NULL: none */
	const char *auth_plugin;
	const char *attrs[16][2]; /* connect attributes, NULL-terminated list */
};

/* Payload of an SSLRequest (the first 32 bytes of the response). */
void pkt_ssl_request(struct sbuf *out, const struct pkt_login *l);
/* Payload of HandshakeResponse41. */
void pkt_login_response(struct sbuf *out, const struct pkt_login *l);

/* AuthSwitchRequest: 0xfe, plugin name NUL, plugin data. */
struct pkt_auth_switch {
	char plugin[64];
	const uint8_t *data;
	size_t data_len;
};
PROTO_WUR bool pkt_auth_switch_parse(const uint8_t *p, size_t n,
    struct pkt_auth_switch *sw, struct proto_err *err);

/* Text result sets: column count, then definitions, rows, end. */
struct pkt_column {
	struct binlog_strv {
		const char *p;
		uint32_t len;
	} catalog, schema, table, org_table, name, org_name;
	uint16_t charset;
	uint32_t length;
	uint8_t type;
	uint16_t flags;
	uint8_t decimals;
};
PROTO_WUR bool pkt_column_count(const uint8_t *p, size_t n, uint64_t *count,
    struct proto_err *err);
PROTO_WUR bool pkt_column_parse(const uint8_t *p, size_t n, struct pkt_column *c,
    struct proto_err *err);
/*
 * Split a text row into ncols values: vals[i] points into p (NULL for SQL
 * NULL), lens[i] its length.
 */
PROTO_WUR bool pkt_text_row(const uint8_t *p, size_t n, uint32_t ncols,
    const char **vals, size_t *lens, struct proto_err *err);

/* Command payloads. */
void pkt_com_query(struct sbuf *out, const char *sql, size_t len);
void pkt_com_register_slave(struct sbuf *out, uint32_t server_id,
    const char *host, const char *user, const char *password, uint16_t port);
void pkt_com_binlog_dump(struct sbuf *out, uint32_t pos, uint16_t flags,
    uint32_t server_id, const char *file);
/* sid_block: encoded MySQL GTID set (gtid_mysql_encode()). */
void pkt_com_binlog_dump_gtid(struct sbuf *out, uint16_t flags,
    uint32_t server_id, const char *file, uint64_t pos,
    const uint8_t *sid_block, size_t sid_len);

#endif
