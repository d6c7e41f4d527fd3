/* packet.c: MySQL protocol packets: framing, handshake, replies, commands. */
#include "proto/packet.h"

#include <string.h>

/* CLIENT_MYSQL shares bit 0 with CLIENT_LONG_PASSWORD; MariaDB clears it. */
#define PKT_CLIENT_MYSQL CAP_LONG_PASSWORD

/* A sqlstate is '#' and five characters (protocol 4.1 ERR packets). */
#define PKT_SQLSTATE_LEN 5

/* Append an n-byte (1..8) little-endian integer. */
static void
pkt_put_le(struct sbuf *out, uint64_t v, unsigned n)
{
	uint8_t b[8];

	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	sbuf_add(out, b, n);
}

/* Append a length-encoded integer: < 251 itself, else 0xfc/fd/fe + 2/3/8. */
static void
pkt_put_lenenc(struct sbuf *out, uint64_t v)
{
	if (v < 251) {
		sbuf_addc(out, (char)v);
	} else if (v < 0x10000) {
		sbuf_addc(out, (char)0xfc);
		pkt_put_le(out, v, 2);
	} else if (v < 0x1000000) {
		sbuf_addc(out, (char)0xfd);
		pkt_put_le(out, v, 3);
	} else {
		sbuf_addc(out, (char)0xfe);
		pkt_put_le(out, v, 8);
	}
}

/* Append a length-encoded string. */
static void
pkt_put_lenenc_str(struct sbuf *out, const void *p, size_t n)
{
	pkt_put_lenenc(out, n);
	if (n)
		sbuf_add(out, p, n);
}

/* Append a string with its terminating NUL. */
static void
pkt_put_cstr(struct sbuf *out, const char *s)
{
	sbuf_add(out, s, strlen(s));
	sbuf_addc(out, '\0');
}

/* Append a string of at most 255 bytes preceded by its 1-byte length. */
static void
pkt_put_str1(struct sbuf *out, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > 255)
		n = 255;
	sbuf_addc(out, (char)n);
	if (n)
		sbuf_add(out, s, n);
}

/*
 * Packet framing:
 *   0  3  payload length (little-endian, at most 0xffffff)
 *   3  1  sequence id
 *   4  n  payload
 * A payload of 0xffffff bytes continues in the next packet; a logical
 * payload that is an exact multiple of 0xffffff ends with an empty packet.
 */
void
pkt_write(struct sbuf *out, uint8_t *seq, const uint8_t *payload, size_t n)
{
	size_t chunk;

	do {
		chunk = n < PKT_MAX_PAYLOAD ? n : PKT_MAX_PAYLOAD;
		pkt_put_le(out, chunk, 3);
		sbuf_addc(out, (char)*seq);
		(*seq)++;
		if (chunk)
			sbuf_add(out, payload, chunk);
		payload += chunk;
		n -= chunk;
	} while (chunk == PKT_MAX_PAYLOAD);
}

/*
 * Outside authentication 0xfe is EOF only when short (< 9 bytes): a text
 * row may begin with 0xfe, the prefix of an 8-byte string length, but then
 * has at least 9 bytes. Under CLIENT_DEPRECATE_EOF the end of a result set
 * is an OK packet with the 0xfe header: callers that negotiated it treat
 * PKT_EOF as that OK and parse it with pkt_ok_parse(). Inside a result set
 * only PKT_ERR and PKT_EOF are meaningful (a row may begin with 0x00 or
 * 0xfb); PKT_LOCAL_INFILE applies to the first reply to a query.
 */
enum pkt_kind
pkt_classify(const uint8_t *p, size_t n, bool during_auth)
{
	if (n == 0)
		return PKT_DATA;
	switch (p[0]) {
	case 0x00:
		return PKT_OK;
	case 0xff:
		return PKT_ERR;
	case 0xfe:
		if (during_auth)
			return PKT_AUTH_SWITCH;
		return n < 9 ? PKT_EOF : PKT_DATA;
	case 0x01:
		return during_auth ? PKT_AUTH_MORE : PKT_DATA;
	case 0xfb:
		return during_auth ? PKT_DATA : PKT_LOCAL_INFILE;
	default:
		return PKT_DATA;
	}
}

/*
 * OK packet (header 0x00, or 0xfe ending a result set under DEPRECATE_EOF):
 *   0  1     header
 *   1  lenenc affected rows
 *   .  lenenc last insert id
 *   .  2     status flags        (PROTOCOL_41 or TRANSACTIONS)
 *   .  2     warnings            (PROTOCOL_41)
 *   .  ...   info: lenenc string with SESSION_TRACK (when bytes remain,
 *            then session state changes, not decoded), else the rest
 */
bool
pkt_ok_parse(const uint8_t *p, size_t n, uint32_t caps, struct pkt_ok *ok,
    struct proto_err *err)
{
	struct cur c;
	uint8_t hdr;
	uint64_t len;
	const uint8_t *s;

	memset(ok, 0, sizeof(*ok));
	cur_init(&c, p, n, 0, err);
	if (!cur_u8(&c, &hdr, "OK header"))
		return false;
	if (hdr != 0x00 && hdr != 0xfe) {
		c.pos--;
		return cur_fail(&c, PROTO_MALFORMED,
		    "OK packet header 0x%02x, want 0x00 or 0xfe", hdr);
	}
	if (!cur_lenenc(&c, &ok->affected_rows, "OK affected rows") ||
	    !cur_lenenc(&c, &ok->last_insert_id, "OK last insert id"))
		return false;
	if (caps & CAP_PROTOCOL_41) {
		if (!cur_u16(&c, &ok->status, "OK status") ||
		    !cur_u16(&c, &ok->warnings, "OK warnings"))
			return false;
	} else if (caps & CAP_TRANSACTIONS) {
		if (!cur_u16(&c, &ok->status, "OK status"))
			return false;
	}
	if ((caps & CAP_SESSION_TRACK) && cur_left(&c) > 0) {
		if (!cur_lenenc(&c, &len, "OK info length"))
			return false;
		if (len > UINT32_MAX)
			return cur_fail(&c, PROTO_MALFORMED,
			    "OK info length %llu too large",
			    (unsigned long long)len);
		if (!cur_bytes(&c, (size_t)len, &s, "OK info"))
			return false;
	} else {
		len = cur_left(&c);
		s = cur_ptr(&c);
	}
	ok->info.p = (const char *)s;
	ok->info.len = (uint32_t)len;
	return true;
}

/*
 * ERR packet:
 *   0  1  0xff
 *   1  2  error code
 *   3  1  '#'                 (present under PROTOCOL_41; absent in errors
 *   4  5  sqlstate             sent before capabilities are agreed)
 *   .  .  message, the rest of the packet
 */
bool
pkt_err_parse(const uint8_t *p, size_t n, struct pkt_err *e,
    struct proto_err *err)
{
	struct cur c;
	uint8_t hdr;
	const uint8_t *s;
	size_t len;

	memset(e, 0, sizeof(*e));
	cur_init(&c, p, n, 0, err);
	if (!cur_u8(&c, &hdr, "ERR header"))
		return false;
	if (hdr != 0xff) {
		c.pos--;
		return cur_fail(&c, PROTO_MALFORMED,
		    "ERR packet header 0x%02x, want 0xff", hdr);
	}
	if (!cur_u16(&c, &e->code, "ERR code"))
		return false;
	if (cur_left(&c) > 0 && *cur_ptr(&c) == '#') {
		c.pos++;
		if (!cur_bytes(&c, PKT_SQLSTATE_LEN, &s, "ERR sqlstate"))
			return false;
		memcpy(e->sqlstate, s, PKT_SQLSTATE_LEN);
		e->sqlstate[PKT_SQLSTATE_LEN] = '\0';
	}
	len = cur_left(&c);
	if (len > sizeof(e->message) - 1)
		len = sizeof(e->message) - 1;
	memcpy(e->message, cur_ptr(&c), len);
	e->message[len] = '\0';
	return true;
}

/* Find a NUL-terminated string at the cursor; *len excludes the NUL. */
static bool
pkt_cstr(struct cur *c, const uint8_t **s, size_t *len, const char *what)
{
	const uint8_t *start = cur_ptr(c);
	const uint8_t *nul = memchr(start, 0, cur_left(c));

	if (nul == NULL)
		return cur_fail(c, PROTO_TRUNCATED,
		    "truncated %s: no terminating NUL in %zu bytes", what,
		    cur_left(c));
	*s = start;
	*len = (size_t)(nul - start);
	c->pos += *len + 1;
	return true;
}

/*
 * Copy the name of len bytes at s into a fixed buffer as a C string, or
 * fail naming the name's position (s lies in the cursor's buffer).
 */
static bool
pkt_copy_name(struct cur *c, char *dst, size_t cap, const uint8_t *s,
    size_t len, const char *what)
{
	if (len >= cap) {
		c->pos = (size_t)(s - c->p);
		return cur_fail(c, PROTO_MALFORMED,
		    "%s of %zu bytes, at most %zu handled", what, len, cap - 1);
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

/* True if the n bytes at s contain the string needle. */
static bool
pkt_contains(const uint8_t *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/*
 * Initial handshake, protocol 10:
 *   0  1   protocol version (10)
 *   1  .   server version, NUL-terminated ("5.5.5-" prefix on MariaDB)
 *   .  4   connection id
 *   .  8   auth plugin data, part 1
 *   .  1   filler (0)
 *   .  2   capabilities, low 16 bits
 *   -- the rest may be absent (pre-4.1 servers) --
 *   .  1   character set
 *   .  2   status flags
 *   .  2   capabilities, high 16 bits
 *   .  1   auth plugin data length (0 without PLUGIN_AUTH)
 *   .  6   reserved
 *   .  4   reserved; MariaDB extended capabilities when CLIENT_MYSQL is clear
 *   .  n   auth plugin data, part 2: max(13, length - 8) bytes, the last
 *          a NUL            (SECURE_CONNECTION)
 *   .  .   auth plugin name, NUL-terminated (PLUGIN_AUTH; some servers
 *          end the packet instead of the NUL)
 */
bool
pkt_handshake_parse(const uint8_t *p, size_t n, struct pkt_handshake *hs,
    struct proto_err *err)
{
	static const char maria_prefix[] = "5.5.5-";
	struct cur c;
	const uint8_t *s, *part1, *part2;
	size_t len, n2;
	uint16_t cap_lo, cap_hi;
	uint8_t auth_len;
	uint32_t ext;

	memset(hs, 0, sizeof(*hs));
	cur_init(&c, p, n, 0, err);
	if (!cur_u8(&c, &hs->protocol, "handshake protocol version"))
		return false;
	if (hs->protocol != 10) {
		c.pos--;
		if (hs->protocol == 0xff)
			return cur_fail(&c, PROTO_MALFORMED,
			    "server sent an error instead of a handshake");
		return cur_fail(&c, PROTO_UNSUPPORTED,
		    "handshake protocol version %u, want 10", hs->protocol);
	}
	if (!pkt_cstr(&c, &s, &len, "server version"))
		return false;
	if (pkt_contains(s, len, "MariaDB"))
		hs->mariadb = true;
	if (len >= sizeof(maria_prefix) - 1 &&
	    memcmp(s, maria_prefix, sizeof(maria_prefix) - 1) == 0) {
		hs->mariadb = true;
		s += sizeof(maria_prefix) - 1;
		len -= sizeof(maria_prefix) - 1;
	}
	if (len >= sizeof(hs->server_version))
		len = sizeof(hs->server_version) - 1; /* display only */
	memcpy(hs->server_version, s, len);
	hs->server_version[len] = '\0';

	if (!cur_u32(&c, &hs->connection_id, "connection id") ||
	    !cur_bytes(&c, 8, &part1, "auth plugin data part 1") ||
	    !cur_skip(&c, 1, "filler") ||
	    !cur_u16(&c, &cap_lo, "capability flags"))
		return false;
	memcpy(hs->scramble, part1, 8);
	hs->scramble_len = 8;
	hs->capabilities = cap_lo;
	if (cur_left(&c) == 0)
		return true;

	if (!cur_u8(&c, &hs->charset, "character set") ||
	    !cur_u16(&c, &hs->status, "status flags") ||
	    !cur_u16(&c, &cap_hi, "capability flags (upper)") ||
	    !cur_u8(&c, &auth_len, "auth plugin data length") ||
	    !cur_skip(&c, 6, "reserved") ||
	    !cur_u32(&c, &ext, "reserved / extended capabilities"))
		return false;
	hs->capabilities |= (uint32_t)cap_hi << 16;
	if (!(hs->capabilities & PKT_CLIENT_MYSQL))
		hs->mariadb_capabilities = ext;

	if (hs->capabilities & CAP_SECURE_CONNECTION) {
		n2 = auth_len > 8 + 13 ? (size_t)auth_len - 8 : 13;
		if (!cur_bytes(&c, n2, &part2, "auth plugin data part 2"))
			return false;
		if (part2[n2 - 1] == '\0')
			n2--;
		if (8 + n2 > sizeof(hs->scramble)) {
			c.pos = (size_t)(part2 - c.p);
			return cur_fail(&c, PROTO_UNSUPPORTED,
			    "auth plugin data of %zu bytes, at most %zu "
			    "handled",
			    8 + n2, sizeof(hs->scramble));
		}
		memcpy(hs->scramble + 8, part2, n2);
		hs->scramble_len = (uint8_t)(8 + n2);
	}

	if (hs->capabilities & CAP_PLUGIN_AUTH) {
		s = cur_ptr(&c);
		const uint8_t *nul = memchr(s, 0, cur_left(&c));
		len = nul ? (size_t)(nul - s) : cur_left(&c);
		c.pos += len;
		if (!pkt_copy_name(&c, hs->auth_plugin,
		    sizeof(hs->auth_plugin), s, len, "auth plugin name"))
			return false;
	}
	return true;
}

/*
 * The fixed start of HandshakeResponse41, which alone is an SSLRequest:
 *   0  4   client capabilities
 *   4  4   max packet size
 *   8  1   character set
 *   9  19  zero
 *  28  4   MariaDB extended client capabilities (zero for MySQL; MariaDB
 *          reads them only when CLIENT_MYSQL, bit 0, is clear)
 */
static void
pkt_login_head(struct sbuf *out, const struct pkt_login *l)
{
	static const uint8_t zero[19];

	pkt_put_le(out, l->capabilities, 4);
	pkt_put_le(out, l->max_packet, 4);
	sbuf_addc(out, (char)l->charset);
	sbuf_add(out, zero, sizeof(zero));
	pkt_put_le(out, l->mariadb_capabilities, 4);
}

void
pkt_ssl_request(struct sbuf *out, const struct pkt_login *l)
{
	pkt_login_head(out, l);
}

/*
 * HandshakeResponse41:
 *   0  32  as pkt_login_head()
 *  32  .   user name, NUL-terminated
 *   .  .   auth response: lenenc length (PLUGIN_AUTH_LENENC_DATA) or
 *          1-byte length (at most 255), then the bytes
 *   .  .   database, NUL-terminated            (CONNECT_WITH_DB)
 *   .  .   auth plugin name, NUL-terminated    (PLUGIN_AUTH)
 *   .  .   lenenc length of the attributes, then lenenc key and value
 *          strings                             (CONNECT_ATTRS)
 */
void
pkt_login_response(struct sbuf *out, const struct pkt_login *l)
{
	struct sbuf attrs = { 0 };
	size_t alen = l->auth_len;

	pkt_login_head(out, l);
	pkt_put_cstr(out, l->user ? l->user : "");
	if (l->capabilities & CAP_PLUGIN_AUTH_LENENC_DATA) {
		pkt_put_lenenc(out, alen);
	} else {
		if (alen > 255)
			alen = 255; /* caller's error: the server will refuse */
		sbuf_addc(out, (char)alen);
	}
	if (alen)
		sbuf_add(out, l->auth, alen);
	if (l->capabilities & CAP_CONNECT_WITH_DB)
		pkt_put_cstr(out, l->database ? l->database : "");
	if (l->capabilities & CAP_PLUGIN_AUTH)
		pkt_put_cstr(out, l->auth_plugin ? l->auth_plugin : "");
	if (l->capabilities & CAP_CONNECT_ATTRS) {
		for (size_t i = 0; i < 16 && l->attrs[i][0] != NULL; i++) {
			const char *k = l->attrs[i][0];
			const char *v = l->attrs[i][1] ? l->attrs[i][1] : "";
			pkt_put_lenenc_str(&attrs, k, strlen(k));
			pkt_put_lenenc_str(&attrs, v, strlen(v));
		}
		if (attrs.oom)
			out->oom = true;
		pkt_put_lenenc_str(out, attrs.p, attrs.len);
		sbuf_free(&attrs);
	}
}

/*
 * AuthSwitchRequest:
 *   0  1  0xfe
 *   1  .  plugin name, NUL-terminated
 *   .  .  plugin data, the rest (scrambles usually end with a NUL, kept)
 * A lone 0xfe is the pre-4.1 switch to mysql_old_password.
 */
bool
pkt_auth_switch_parse(const uint8_t *p, size_t n, struct pkt_auth_switch *sw,
    struct proto_err *err)
{
	struct cur c;
	uint8_t hdr;
	const uint8_t *s;
	size_t len;

	memset(sw, 0, sizeof(*sw));
	cur_init(&c, p, n, 0, err);
	if (!cur_u8(&c, &hdr, "auth switch header"))
		return false;
	if (hdr != 0xfe) {
		c.pos--;
		return cur_fail(&c, PROTO_MALFORMED,
		    "auth switch header 0x%02x, want 0xfe", hdr);
	}
	if (cur_left(&c) == 0) {
		strcpy(sw->plugin, "mysql_old_password");
		return true;
	}
	if (!pkt_cstr(&c, &s, &len, "auth switch plugin name") ||
	    !pkt_copy_name(&c, sw->plugin, sizeof(sw->plugin), s, len,
	    "auth switch plugin name"))
		return false;
	sw->data = cur_ptr(&c);
	sw->data_len = cur_left(&c);
	return true;
}

/*
 * Column count of a result set: one lenenc integer (a count of 0 would be
 * an OK packet). MySQL's optional-metadata or MariaDB's metadata-cache
 * byte may follow and is left to the caller.
 */
bool
pkt_column_count(const uint8_t *p, size_t n, uint64_t *count,
    struct proto_err *err)
{
	struct cur c;

	cur_init(&c, p, n, 0, err);
	if (!cur_lenenc(&c, count, "column count"))
		return false;
	if (*count == 0) {
		c.pos = 0;
		return cur_fail(&c, PROTO_MALFORMED,
		    "column count 0 (an OK packet)");
	}
	return true;
}

/* Read a lenenc string view into a pkt_column field. */
static bool
pkt_lenenc_strv(struct cur *c, struct binlog_strv *v, const char *what)
{
	uint64_t len;
	const uint8_t *s;

	if (!cur_lenenc(c, &len, what))
		return false;
	if (len > cur_left(c) || len > UINT32_MAX)
		return cur_fail(c, PROTO_TRUNCATED,
		    "truncated %s: need %llu bytes, %zu left", what,
		    (unsigned long long)len, cur_left(c));
	if (!cur_bytes(c, (size_t)len, &s, what))
		return false;
	v->p = (const char *)s;
	v->len = (uint32_t)len;
	return true;
}

/*
 * ColumnDefinition41:
 *   0  lenenc str  catalog ("def")
 *   .  lenenc str  schema
 *   .  lenenc str  table (alias)
 *   .  lenenc str  org_table
 *   .  lenenc str  name (alias)
 *   .  lenenc str  org_name
 *   .  lenenc int  length of the fixed fields (0x0c)
 *   .  2           character set
 *   .  4           column length
 *   .  1           type
 *   .  2           flags
 *   .  1           decimals
 *   .  2           filler
 * (MariaDB's extended metadata, asked for with its own capability, would
 * sit before the fixed fields; myshift does not ask for it.)
 */
bool
pkt_column_parse(const uint8_t *p, size_t n, struct pkt_column *col,
    struct proto_err *err)
{
	struct cur c;
	uint64_t fixed;
	size_t at;

	memset(col, 0, sizeof(*col));
	cur_init(&c, p, n, 0, err);
	if (!pkt_lenenc_strv(&c, &col->catalog, "column catalog") ||
	    !pkt_lenenc_strv(&c, &col->schema, "column schema") ||
	    !pkt_lenenc_strv(&c, &col->table, "column table") ||
	    !pkt_lenenc_strv(&c, &col->org_table, "column org_table") ||
	    !pkt_lenenc_strv(&c, &col->name, "column name") ||
	    !pkt_lenenc_strv(&c, &col->org_name, "column org_name"))
		return false;
	at = c.pos;
	if (!cur_lenenc(&c, &fixed, "column fixed-fields length"))
		return false;
	if (fixed < 0x0c) {
		c.pos = at;
		return cur_fail(&c, PROTO_MALFORMED,
		    "column fixed-fields length %llu, want 12",
		    (unsigned long long)fixed);
	}
	if (!cur_u16(&c, &col->charset, "column charset") ||
	    !cur_u32(&c, &col->length, "column length") ||
	    !cur_u8(&c, &col->type, "column type") ||
	    !cur_u16(&c, &col->flags, "column flags") ||
	    !cur_u8(&c, &col->decimals, "column decimals") ||
	    !cur_skip(&c, 2, "column filler"))
		return false;
	return true;
}

/*
 * Text row: ncols values, each a lenenc string or 0xfb for NULL, and
 * nothing after the last.
 */
bool
pkt_text_row(const uint8_t *p, size_t n, uint32_t ncols, const char **vals,
    size_t *lens, struct proto_err *err)
{
	struct cur c;
	uint64_t len;
	const uint8_t *s;

	cur_init(&c, p, n, 0, err);
	for (uint32_t i = 0; i < ncols; i++) {
		if (cur_left(&c) > 0 && *cur_ptr(&c) == 0xfb) {
			c.pos++;
			vals[i] = NULL;
			lens[i] = 0;
			continue;
		}
		if (!cur_lenenc(&c, &len, "row value length"))
			return false;
		if (len > cur_left(&c))
			return cur_fail(&c, PROTO_TRUNCATED,
			    "truncated value of column %u: need %llu bytes, "
			    "%zu left", i, (unsigned long long)len,
			    cur_left(&c));
		if (!cur_bytes(&c, (size_t)len, &s, "row value"))
			return false;
		vals[i] = (const char *)s;
		lens[i] = (size_t)len;
	}
	if (cur_left(&c) > 0)
		return cur_fail(&c, PROTO_MALFORMED,
		    "%zu bytes after the last of %u columns", cur_left(&c),
		    ncols);
	return true;
}

/* PKT_COM_QUERY:  0 1 0x03;  1 . statement text (the rest) */
void
pkt_com_query(struct sbuf *out, const char *sql, size_t len)
{
	sbuf_addc(out, PKT_COM_QUERY);
	sbuf_add(out, sql, len);
}

/*
 * PKT_COM_REGISTER_SLAVE:
 *   0  1  0x15
 *   1  4  server id
 *   5  1  host name length, then the name (at most 255 bytes)
 *   .  1  user length, then the user
 *   .  1  password length, then the password
 *   .  2  port
 *   .  4  replication rank (0)
 *   .  4  master id (0)
 */
void
pkt_com_register_slave(struct sbuf *out, uint32_t server_id, const char *host,
    const char *user, const char *password, uint16_t port)
{
	sbuf_addc(out, PKT_COM_REGISTER_SLAVE);
	pkt_put_le(out, server_id, 4);
	pkt_put_str1(out, host);
	pkt_put_str1(out, user);
	pkt_put_str1(out, password);
	pkt_put_le(out, port, 2);
	pkt_put_le(out, 0, 4);
	pkt_put_le(out, 0, 4);
}

/*
 * PKT_COM_BINLOG_DUMP:
 *   0   1  0x12
 *   1   4  binlog position
 *   5   2  flags
 *   7   4  server id
 *  11   .  binlog file name (the rest; empty: the first file)
 */
void
pkt_com_binlog_dump(struct sbuf *out, uint32_t pos, uint16_t flags,
    uint32_t server_id, const char *file)
{
	sbuf_addc(out, PKT_COM_BINLOG_DUMP);
	pkt_put_le(out, pos, 4);
	pkt_put_le(out, flags, 2);
	pkt_put_le(out, server_id, 4);
	if (file)
		sbuf_adds(out, file);
}

/*
 * PKT_COM_BINLOG_DUMP_GTID (MySQL):
 *   0   1  0x1e
 *   1   2  flags
 *   3   4  server id
 *   7   4  binlog file name length
 *  11   n  binlog file name
 *   .   8  binlog position
 *   .   4  SID block length       (flags & PKT_DUMP_THROUGH_GTID)
 *   .   .  SID block (the encoded GTID set)
 */
void
pkt_com_binlog_dump_gtid(struct sbuf *out, uint16_t flags, uint32_t server_id,
    const char *file, uint64_t pos, const uint8_t *sid_block, size_t sid_len)
{
	size_t flen = file ? strlen(file) : 0;

	sbuf_addc(out, PKT_COM_BINLOG_DUMP_GTID);
	pkt_put_le(out, flags, 2);
	pkt_put_le(out, server_id, 4);
	pkt_put_le(out, flen, 4);
	if (flen)
		sbuf_add(out, file, flen);
	pkt_put_le(out, pos, 8);
	if (flags & PKT_DUMP_THROUGH_GTID) {
		pkt_put_le(out, sid_len, 4);
		if (sid_len)
			sbuf_add(out, sid_block, sid_len);
	}
}
