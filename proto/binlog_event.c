/* binlog_event.c: the event header, checksums, FORMAT_DESCRIPTION and every non-row event. */
#include "proto/binlog.h"
#include "proto/binlog_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "proto/crc32.h"
#include "proto/gtid.h"

/* Post-header lengths used when an FDE's table does not cover a type. */
static uint8_t
default_post_header_len(uint8_t type)
{
	switch (type) {
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		return 13;
	case BINLOG_ROTATE_EVENT:
		return 8;
	case BINLOG_TABLE_MAP_EVENT:
	case BINLOG_WRITE_ROWS_EVENT_V1:
	case BINLOG_UPDATE_ROWS_EVENT_V1:
	case BINLOG_DELETE_ROWS_EVENT_V1:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1:
		return 8;
	case BINLOG_WRITE_ROWS_EVENT:
	case BINLOG_UPDATE_ROWS_EVENT:
	case BINLOG_DELETE_ROWS_EVENT:
	case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT:
		return 10;
	case BINLOG_INCIDENT_EVENT:
		return 2;
	case BINLOG_GTID_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT:
		return 42;
	case BINLOG_MARIA_GTID_EVENT:
		return 19;
	case BINLOG_MARIA_GTID_LIST_EVENT:
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
		return 4;
	case BINLOG_MARIA_START_ENCRYPTION_EVENT:
		return 0;
	case BINLOG_XA_PREPARE_EVENT:
		return 0;
	default:
		return 0;
	}
}

static const struct {
	uint8_t type;
	const char *name;
} type_names[] = {
	{ BINLOG_START_EVENT_V3, "Start_v3" },
	{ BINLOG_QUERY_EVENT, "Query" },
	{ BINLOG_STOP_EVENT, "Stop" },
	{ BINLOG_ROTATE_EVENT, "Rotate" },
	{ BINLOG_INTVAR_EVENT, "Intvar" },
	{ BINLOG_LOAD_EVENT, "Load" },
	{ BINLOG_SLAVE_EVENT, "Slave" },
	{ BINLOG_CREATE_FILE_EVENT, "Create_file" },
	{ BINLOG_APPEND_BLOCK_EVENT, "Append_block" },
	{ BINLOG_EXEC_LOAD_EVENT, "Exec_load" },
	{ BINLOG_DELETE_FILE_EVENT, "Delete_file" },
	{ BINLOG_NEW_LOAD_EVENT, "New_load" },
	{ BINLOG_RAND_EVENT, "RAND" },
	{ BINLOG_USER_VAR_EVENT, "User var" },
	{ BINLOG_FORMAT_DESCRIPTION_EVENT, "Format_desc" },
	{ BINLOG_XID_EVENT, "Xid" },
	{ BINLOG_BEGIN_LOAD_QUERY_EVENT, "Begin_load_query" },
	{ BINLOG_EXECUTE_LOAD_QUERY_EVENT, "Execute_load_query" },
	{ BINLOG_TABLE_MAP_EVENT, "Table_map" },
	{ BINLOG_PRE_GA_WRITE_ROWS_EVENT, "Write_rows_event_old" },
	{ BINLOG_PRE_GA_UPDATE_ROWS_EVENT, "Update_rows_event_old" },
	{ BINLOG_PRE_GA_DELETE_ROWS_EVENT, "Delete_rows_event_old" },
	{ BINLOG_WRITE_ROWS_EVENT_V1, "Write_rows_v1" },
	{ BINLOG_UPDATE_ROWS_EVENT_V1, "Update_rows_v1" },
	{ BINLOG_DELETE_ROWS_EVENT_V1, "Delete_rows_v1" },
	{ BINLOG_INCIDENT_EVENT, "Incident" },
	{ BINLOG_HEARTBEAT_EVENT, "Heartbeat" },
	{ BINLOG_IGNORABLE_EVENT, "Ignorable" },
	{ BINLOG_ROWS_QUERY_EVENT, "Rows_query" },
	{ BINLOG_WRITE_ROWS_EVENT, "Write_rows" },
	{ BINLOG_UPDATE_ROWS_EVENT, "Update_rows" },
	{ BINLOG_DELETE_ROWS_EVENT, "Delete_rows" },
	{ BINLOG_GTID_EVENT, "Gtid" },
	{ BINLOG_ANONYMOUS_GTID_EVENT, "Anonymous_Gtid" },
	{ BINLOG_PREVIOUS_GTIDS_EVENT, "Previous_gtids" },
	{ BINLOG_TRANSACTION_CONTEXT_EVENT, "Transaction_context" },
	{ BINLOG_VIEW_CHANGE_EVENT, "View_change" },
	{ BINLOG_XA_PREPARE_EVENT, "XA_prepare" },
	{ BINLOG_PARTIAL_UPDATE_ROWS_EVENT, "Update_rows_partial" },
	{ BINLOG_TRANSACTION_PAYLOAD_EVENT, "Transaction_payload" },
	{ BINLOG_HEARTBEAT_EVENT_V2, "Heartbeat_v2" },
	{ BINLOG_GTID_TAGGED_EVENT, "Gtid_tagged_log_event" },
	{ BINLOG_MARIA_ANNOTATE_ROWS_EVENT, "Annotate_rows" },
	{ BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT, "Binlog_checkpoint" },
	{ BINLOG_MARIA_GTID_EVENT, "Gtid" },
	{ BINLOG_MARIA_GTID_LIST_EVENT, "Gtid_list" },
	{ BINLOG_MARIA_START_ENCRYPTION_EVENT, "Start_encryption" },
	{ BINLOG_MARIA_QUERY_COMPRESSED_EVENT, "Query_compressed" },
	{ BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1, "Write_rows_compressed_v1" },
	{ BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1, "Update_rows_compressed_v1" },
	{ BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1, "Delete_rows_compressed_v1" },
	{ BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT, "Write_rows_compressed" },
	{ BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT, "Update_rows_compressed" },
	{ BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT, "Delete_rows_compressed" },
};

const char *
binlog_type_name(uint8_t type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "Unknown";
}

bool
binlog_type_is_rows(uint8_t t)
{
	return (t >= BINLOG_WRITE_ROWS_EVENT_V1 && t <= BINLOG_DELETE_ROWS_EVENT_V1) ||
	    (t >= BINLOG_WRITE_ROWS_EVENT && t <= BINLOG_DELETE_ROWS_EVENT) ||
	    t == BINLOG_PARTIAL_UPDATE_ROWS_EVENT ||
	    (t >= BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1 &&
	    t <= BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT);
}

/*
 * Types this decoder handles. The LOAD DATA family of statement-based
 * replication (6-12, 17, 18) and pre-GA rows events are known by name but
 * not decoded: they stop decoding as unsupported.
 */
bool
binlog_type_known(uint8_t type)
{
	switch (type) {
	case BINLOG_QUERY_EVENT:
	case BINLOG_STOP_EVENT:
	case BINLOG_ROTATE_EVENT:
	case BINLOG_INTVAR_EVENT:
	case BINLOG_RAND_EVENT:
	case BINLOG_USER_VAR_EVENT:
	case BINLOG_FORMAT_DESCRIPTION_EVENT:
	case BINLOG_XID_EVENT:
	case BINLOG_TABLE_MAP_EVENT:
	case BINLOG_WRITE_ROWS_EVENT_V1:
	case BINLOG_UPDATE_ROWS_EVENT_V1:
	case BINLOG_DELETE_ROWS_EVENT_V1:
	case BINLOG_INCIDENT_EVENT:
	case BINLOG_HEARTBEAT_EVENT:
	case BINLOG_IGNORABLE_EVENT:
	case BINLOG_ROWS_QUERY_EVENT:
	case BINLOG_WRITE_ROWS_EVENT:
	case BINLOG_UPDATE_ROWS_EVENT:
	case BINLOG_DELETE_ROWS_EVENT:
	case BINLOG_GTID_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT:
	case BINLOG_PREVIOUS_GTIDS_EVENT:
	case BINLOG_TRANSACTION_CONTEXT_EVENT:
	case BINLOG_VIEW_CHANGE_EVENT:
	case BINLOG_XA_PREPARE_EVENT:
	case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
	case BINLOG_HEARTBEAT_EVENT_V2:
	case BINLOG_MARIA_ANNOTATE_ROWS_EVENT:
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
	case BINLOG_MARIA_GTID_EVENT:
	case BINLOG_MARIA_GTID_LIST_EVENT:
	case BINLOG_MARIA_START_ENCRYPTION_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT:
		return true;
	default:
		return false;
	}
}

struct binlog_decoder *
binlog_decoder_new(void)
{
	struct binlog_decoder *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->checksum_alg = BINLOG_CHECKSUM_UNDEF;
	d->verify = true;
	d->fde.header_len = BINLOG_HEADER_LEN;
	d->fde.binlog_version = 4;
	return d;
}

void
binlog_decoder_free(struct binlog_decoder *d)
{
	if (d == NULL)
		return;
	binlog_tables_free(d);
	free(d->scratch);
	free(d);
}

void
binlog_decoder_set_checksum(struct binlog_decoder *d, uint8_t alg)
{
	d->checksum_alg = alg;
}

void
binlog_decoder_set_verify(struct binlog_decoder *d, bool verify)
{
	d->verify = verify;
}

const struct binlog_fde *
binlog_decoder_fde(const struct binlog_decoder *d)
{
	return d->have_fde ? &d->fde : NULL;
}

size_t
binlog_event_length(const uint8_t *buf, size_t len)
{
	if (len < 13)
		return 0;
	return le32(buf + 9);
}

/* Make the scratch buffer at least n bytes; false on out of memory. */
bool
binlog_scratch(struct binlog_decoder *d, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (d->scratch_cap >= n)
		return true;
	cap = d->scratch_cap ? d->scratch_cap : 4096;
	while (cap < n)
		cap *= 2;
	p = realloc(d->scratch, cap);
	if (p == NULL)
		return false;
	d->scratch = p;
	d->scratch_cap = cap;
	return true;
}

/* Parse "10.11.6-MariaDB-log" into three numbers and a flavour. */
static void
fde_parse_version(struct binlog_fde *f)
{
	const char *s = f->server_version;
	unsigned i = 0;

	memset(f->version, 0, sizeof(f->version));
	while (i < 3 && *s >= '0' && *s <= '9') {
		unsigned v = 0;
		while (*s >= '0' && *s <= '9') {
			if (v < 100000)
				v = v * 10 + (unsigned)(*s - '0');
			s++;
		}
		f->version[i++] = v;
		if (*s != '.')
			break;
		s++;
	}
	f->flavor = strstr(f->server_version, "MariaDB") != NULL ?
	    BINLOG_FLAVOR_MARIADB : BINLOG_FLAVOR_MYSQL;
}

/* Whether this server version writes the checksum-algorithm byte in the FDE. */
static bool
fde_has_checksum_alg(const struct binlog_fde *f)
{
	unsigned v = f->version[0] * 10000 + f->version[1] * 100 + f->version[2];

	if (f->flavor == BINLOG_FLAVOR_MARIADB)
		return v >= 50300;
	return v >= 50601;
}

/*
 * FORMAT_DESCRIPTION body:
 *   0   2  binlog_version (4)
 *   2  50  server_version, NUL padded
 *  52   4  create_timestamp
 *  56   1  common header length (19)
 *  57   n  post-header length of each type, from type 1
 *  57+n 1  checksum algorithm (versions >= 5.6.1 / MariaDB 5.3)
 *       4  CRC32 of the event (present whatever the algorithm)
 */
static bool
decode_fde(struct binlog_decoder *d, struct cur *c, size_t total_body,
    struct binlog_fde *f)
{
	const uint8_t *ver;
	size_t n;

	memset(f, 0, sizeof(*f));
	if (!cur_u16(c, &f->binlog_version, "FORMAT_DESCRIPTION binlog version") ||
	    !cur_bytes(c, 50, &ver, "FORMAT_DESCRIPTION server version") ||
	    !cur_u32(c, &f->create_timestamp, "FORMAT_DESCRIPTION timestamp") ||
	    !cur_u8(c, &f->header_len, "FORMAT_DESCRIPTION header length"))
		return false;
	if (f->binlog_version < 4)
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "binlog version %u (MySQL before 5.0) is not supported",
		    f->binlog_version);
	if (f->header_len < BINLOG_HEADER_LEN)
		return cur_fail(c, PROTO_MALFORMED,
		    "FORMAT_DESCRIPTION header length %u is less than 19",
		    f->header_len);
	memcpy(f->server_version, ver, 50);
	f->server_version[50] = '\0';
	fde_parse_version(f);
	n = total_body - 57;
	if (fde_has_checksum_alg(f)) {
		if (n < 5)
			return cur_fail(c, PROTO_TRUNCATED,
			    "FORMAT_DESCRIPTION too short for its checksum trailer");
		n -= 5;
		f->checksum_alg = c->p[c->pos + n];
		if (f->checksum_alg != BINLOG_CHECKSUM_OFF &&
		    f->checksum_alg != BINLOG_CHECKSUM_CRC32)
			return cur_fail(c, PROTO_UNSUPPORTED,
			    "unknown checksum algorithm %u in FORMAT_DESCRIPTION",
			    f->checksum_alg);
	} else
		f->checksum_alg = BINLOG_CHECKSUM_UNDEF; /* no checksums before 5.6.1 */
	if (n > 255)
		n = 255;
	f->n_post_header = (uint16_t)n;
	memcpy(f->post_header_len, c->p + c->pos, n);
	(void)d;
	return true;
}

uint8_t
binlog_post_header_len(const struct binlog_decoder *d, uint8_t type)
{
	if (d->have_fde && type >= 1 && type <= d->fde.n_post_header)
		return d->fde.post_header_len[type - 1];
	return default_post_header_len(type);
}

/*
 * Inflate a MariaDB compressed block: 1 byte 0x80|alg<<4|lenlen, lenlen
 * bytes of big-endian uncompressed length, then a zlib stream.
 * The result lands in the decoder's scratch buffer at offset keep.
 */
bool
binlog_inflate(struct binlog_decoder *d, struct cur *c, size_t keep,
    const uint8_t **out, size_t *out_len)
{
	uint8_t h;
	unsigned lenlen;
	uint64_t ulen = 0;
	uLongf dlen;
	const uint8_t *lp;
	int rc;
	size_t zlen;

	if (!cur_u8(c, &h, "compressed header"))
		return false;
	if ((h & 0x80) == 0 || (h & 0x70) != 0)
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "unknown compression header byte 0x%02x (only zlib, algorithm 0, "
		    "is known)", h);
	lenlen = h & 0x07;
	if (lenlen < 1 || lenlen > 4)
		return cur_fail(c, PROTO_MALFORMED,
		    "compressed length has %u bytes", lenlen);
	if (!cur_bytes(c, lenlen, &lp, "compressed length"))
		return false;
	ulen = be_read(lp, lenlen);
	zlen = cur_left(c);
	/*
	 * zlib cannot expand more than about 1032:1: a larger claim is a lie,
	 * refused before the buffer for it is allocated.
	 */
	if (ulen > (uint64_t)zlen * 1100 + 1024 || ulen > (1u << 30))
		return cur_fail(c, PROTO_MALFORMED,
		    "compressed block of %zu bytes claims to inflate to %llu bytes",
		    zlen, (unsigned long long)ulen);
	if (!binlog_scratch(d, keep + ulen + 1))
		return cur_fail(c, PROTO_NOMEM,
		    "out of memory inflating %llu bytes",
		    (unsigned long long)ulen);
	dlen = (uLongf)ulen;
	rc = uncompress(d->scratch + keep, &dlen, cur_ptr(c), (uLong)zlen);
	if (rc != Z_OK || dlen != ulen)
		return cur_fail(c, PROTO_MALFORMED,
		    "zlib data does not inflate to the %llu bytes announced (zlib error %d)",
		    (unsigned long long)ulen, rc);
	c->pos += zlen;
	*out = d->scratch + keep;
	*out_len = (size_t)ulen;
	return true;
}

/*
 * Status variables of QUERY events, one code byte then a value:
 *   0 FLAGS2 4 | 1 SQL_MODE 8 | 2 CATALOG 1+n+NUL | 3 AUTO_INCREMENT 2+2
 *   4 CHARSET 2+2+2 | 5 TIME_ZONE 1+n | 6 CATALOG_NZ 1+n | 7 LC_TIME_NAMES 2
 *   8 CHARSET_DATABASE 2 | 9 TABLE_MAP_FOR_UPDATE 8 | 10 MASTER_DATA_WRITTEN 4
 *  11 INVOKER 1+n 1+n | 12 UPDATED_DB_NAMES 1 count (254 = too many) then
 *     count NUL-terminated names | 13 MICROSECONDS 3 | 14 COMMIT_TS 0 (unused)
 *  15 COMMIT_TS2 0 (unused) | 16 EXPLICIT_DEFAULTS_FOR_TIMESTAMP 1
 *  17 DDL_LOGGED_WITH_XID 8 | 18 DEFAULT_COLLATION_FOR_UTF8MB4 2
 *  19 SQL_REQUIRE_PRIMARY_KEY 1 | 20 DEFAULT_TABLE_ENCRYPTION 1
 * MariaDB: 128 HRNOW 3 | 129 XID 8 | 130 GTID_FLAGS3 1
 *  (130: with COMMIT/ROLLBACK ALTER flags, 8 more bytes of start alter seq_no)
 *  131 CHARACTER_SET_COLLATIONS 1 count then count * 4 bytes
 * An unknown code ends parsing (the values have no generic length); it is
 * recorded so that an applier can refuse the statement.
 */
static bool
decode_status_vars(struct cur *c, struct binlog_query *q)
{
	const uint8_t *s;
	uint8_t code, n8;
	uint16_t n16;
	uint64_t v;

	while (cur_left(c) > 0) {
		if (!cur_u8(c, &code, "QUERY status variable code"))
			return false;
		switch (code) {
		case 0:
			q->has_flags2 = true;
			if (!cur_u32(c, &q->flags2, "Q_FLAGS2"))
				return false;
			break;
		case 1:
			q->has_sql_mode = true;
			if (!cur_u64(c, &q->sql_mode, "Q_SQL_MODE"))
				return false;
			break;
		case 2:
			if (!cur_u8(c, &n8, "Q_CATALOG length") ||
			    !cur_bytes(c, (size_t)n8 + 1, &s, "Q_CATALOG"))
				return false;
			q->catalog.p = (const char *)s;
			q->catalog.len = n8;
			break;
		case 3:
			q->has_auto_increment = true;
			if (!cur_u16(c, &q->auto_increment_increment, "Q_AUTO_INCREMENT") ||
			    !cur_u16(c, &q->auto_increment_offset, "Q_AUTO_INCREMENT"))
				return false;
			break;
		case 4:
			q->has_charset = true;
			if (!cur_u16(c, &q->charset_client, "Q_CHARSET") ||
			    !cur_u16(c, &q->collation_connection, "Q_CHARSET") ||
			    !cur_u16(c, &q->collation_server, "Q_CHARSET"))
				return false;
			break;
		case 5:
			q->has_time_zone = true;
			if (!cur_u8(c, &n8, "Q_TIME_ZONE length") ||
			    !cur_bytes(c, n8, &s, "Q_TIME_ZONE"))
				return false;
			q->time_zone.p = (const char *)s;
			q->time_zone.len = n8;
			break;
		case 6:
			if (!cur_u8(c, &n8, "Q_CATALOG_NZ length") ||
			    !cur_bytes(c, n8, &s, "Q_CATALOG_NZ"))
				return false;
			q->catalog.p = (const char *)s;
			q->catalog.len = n8;
			break;
		case 7:
			q->has_lc_time_names = true;
			if (!cur_u16(c, &q->lc_time_names, "Q_LC_TIME_NAMES"))
				return false;
			break;
		case 8:
			q->has_charset_database = true;
			if (!cur_u16(c, &q->charset_database, "Q_CHARSET_DATABASE"))
				return false;
			break;
		case 9:
			q->has_table_map_for_update = true;
			if (!cur_u64(c, &q->table_map_for_update, "Q_TABLE_MAP_FOR_UPDATE"))
				return false;
			break;
		case 10:
			if (!cur_u32(c, &q->master_data_written, "Q_MASTER_DATA_WRITTEN"))
				return false;
			break;
		case 11:
			q->has_invoker = true;
			if (!cur_u8(c, &n8, "Q_INVOKER user length") ||
			    !cur_bytes(c, n8, &s, "Q_INVOKER user"))
				return false;
			q->invoker_user.p = (const char *)s;
			q->invoker_user.len = n8;
			if (!cur_u8(c, &n8, "Q_INVOKER host length") ||
			    !cur_bytes(c, n8, &s, "Q_INVOKER host"))
				return false;
			q->invoker_host.p = (const char *)s;
			q->invoker_host.len = n8;
			break;
		case 12:
			if (!cur_u8(c, &n8, "Q_UPDATED_DB_NAMES count"))
				return false;
			q->n_updated_dbs = n8;
			if (n8 != 254) {
				for (unsigned i = 0; i < n8; i++) {
					const uint8_t *nul = memchr(cur_ptr(c), 0, cur_left(c));
					if (nul == NULL)
						return cur_fail(c, PROTO_TRUNCATED,
						    "Q_UPDATED_DB_NAMES name %u not terminated", i);
					c->pos += (size_t)(nul - cur_ptr(c)) + 1;
				}
			}
			break;
		case 13:
			q->has_microseconds = true;
			if (!cur_uint(c, 3, &v, "Q_MICROSECONDS"))
				return false;
			q->microseconds = (uint32_t)v;
			break;
		case 14:
		case 15:
			/* Q_COMMIT_TS, Q_COMMIT_TS2: never written, no value */
			break;
		case 16:
			q->has_explicit_defaults_ts = true;
			if (!cur_u8(c, &q->explicit_defaults_ts, "Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP"))
				return false;
			break;
		case 17:
			q->has_ddl_xid = true;
			if (!cur_u64(c, &q->ddl_xid, "Q_DDL_LOGGED_WITH_XID"))
				return false;
			break;
		case 18:
			q->has_default_collation = true;
			if (!cur_u16(c, &q->default_collation_utf8mb4, "Q_DEFAULT_COLLATION_FOR_UTF8MB4"))
				return false;
			break;
		case 19:
			q->has_sql_require_pk = true;
			if (!cur_u8(c, &q->sql_require_pk, "Q_SQL_REQUIRE_PRIMARY_KEY"))
				return false;
			break;
		case 20:
			q->has_default_table_encryption = true;
			if (!cur_u8(c, &q->default_table_encryption, "Q_DEFAULT_TABLE_ENCRYPTION"))
				return false;
			break;
		case 128:
			q->has_hrnow = true;
			if (!cur_uint(c, 3, &v, "Q_HRNOW"))
				return false;
			q->hrnow_usec = (uint32_t)v;
			break;
		case 129:
			q->has_xid = true;
			if (!cur_u64(c, &q->xid, "Q_XID"))
				return false;
			break;
		case 130:
			/* MariaDB: flags; with COMMIT/ROLLBACK ALTER the start alter seq_no */
			q->has_gtid_flags3 = true;
			if (!cur_u8(c, &q->gtid_flags3, "Q_GTID_FLAGS3"))
				return false;
			if ((q->gtid_flags3 & (BINLOG_MARIA_FL_COMMIT_ALTER |
			    BINLOG_MARIA_FL_ROLLBACK_ALTER)) &&
			    !cur_u64(c, &q->gtid_sa_seq_no, "Q_GTID_FLAGS3 start alter seq_no"))
				return false;
			break;
		case 131:
			q->has_character_set_collations = true;
			if (!cur_u8(c, &n8, "Q_CHARACTER_SET_COLLATIONS count"))
				return false;
			n16 = (uint16_t)(n8 * 4u);
			q->character_set_collations = cur_ptr(c) - 1;
			q->character_set_collations_len = n16 + 1u;
			if (!cur_skip(c, n16, "Q_CHARACTER_SET_COLLATIONS"))
				return false;
			break;
		default:
			q->unknown_status_code = code;
			c->pos = c->len;
			return true;
		}
	}
	return true;
}

/*
 * QUERY post-header (13 bytes):
 *   0 4 thread_id | 4 4 exec_time | 8 1 db length | 9 2 error_code
 *  11 2 status_vars length
 * body: status vars, db, NUL, query text (zlib-compressed for type 165).
 */
static bool
decode_query(struct binlog_decoder *d, struct cur *c, uint8_t post_len,
    bool compressed, struct binlog_query *q)
{
	uint8_t dblen;
	uint16_t svlen = 0;
	const uint8_t *sv, *db, *text;
	struct cur svc;
	size_t skip;

	memset(q, 0, sizeof(*q));
	q->unknown_status_code = -1;
	if (post_len < 11)
		return cur_fail(c, PROTO_MALFORMED,
		    "QUERY post-header length %u is less than 11", post_len);
	if (!cur_u32(c, &q->thread_id, "QUERY thread id") ||
	    !cur_u32(c, &q->exec_time, "QUERY exec time") ||
	    !cur_u8(c, &dblen, "QUERY db length") ||
	    !cur_u16(c, &q->error_code, "QUERY error code"))
		return false;
	skip = post_len - 11u;
	if (post_len >= 13) {
		if (!cur_u16(c, &svlen, "QUERY status vars length"))
			return false;
		skip -= 2;
	}
	if (!cur_skip(c, skip, "QUERY post-header") ||
	    !cur_bytes(c, svlen, &sv, "QUERY status variables"))
		return false;
	cur_init(&svc, sv, svlen, c->base + c->pos - svlen, c->err);
	if (!decode_status_vars(&svc, q))
		return false;
	if (!cur_bytes(c, (size_t)dblen + 1, &db, "QUERY database name"))
		return false;
	if (db[dblen] != 0)
		return cur_fail(c, PROTO_MALFORMED,
		    "QUERY database name is not NUL-terminated");
	q->db.p = (const char *)db;
	q->db.len = dblen;
	if (compressed) {
		size_t tlen;
		if (!binlog_inflate(d, c, 0, &text, &tlen))
			return false;
		q->query.p = (const char *)text;
		q->query.len = (uint32_t)tlen;
	} else {
		q->query.len = (uint32_t)cur_left(c);
		q->query.p = (const char *)cur_ptr(c);
		c->pos = c->len;
	}
	return true;
}

/*
 * USER_VAR body:
 *   4 name length | name | 1 is_null | if not null: 1 type | 4 charset |
 *   4 value length | value | optional 1 flags (bit 0 unsigned)
 */
static bool
decode_user_var(struct cur *c, struct binlog_user_var *u)
{
	uint32_t n;
	const uint8_t *p;
	uint8_t isnull;

	memset(u, 0, sizeof(*u));
	if (!cur_u32(c, &n, "USER_VAR name length") ||
	    !cur_bytes(c, n, &p, "USER_VAR name"))
		return false;
	u->name.p = (const char *)p;
	u->name.len = n;
	if (!cur_u8(c, &isnull, "USER_VAR is_null"))
		return false;
	u->is_null = isnull != 0;
	if (u->is_null)
		return true;
	if (!cur_u8(c, &u->type, "USER_VAR type") ||
	    !cur_u32(c, &u->charset, "USER_VAR charset") ||
	    !cur_u32(c, &n, "USER_VAR value length") ||
	    !cur_bytes(c, n, &p, "USER_VAR value"))
		return false;
	u->value.p = (const char *)p;
	u->value.len = n;
	if (cur_left(c) > 0) {
		u->has_flags = true;
		if (!cur_u8(c, &u->flags, "USER_VAR flags"))
			return false;
	}
	return true;
}

/*
 * MySQL GTID / ANONYMOUS_GTID:
 *   0 1 flags | 1 16 sid | 17 8 gno
 *  25 1 logical timestamp type (2) | 26 8 last_committed | 34 8 sequence_number
 *  42 7 immediate_commit_ts (bit 55 set: 7 more bytes of original_commit_ts)
 *     packed transaction_length
 *     4 immediate_server_version (bit 31 set: 4 more bytes original version)
 *     8 commit_group_ticket (8.0.33+)
 * Each optional part is present only when bytes remain.
 */
static bool
decode_mysql_gtid(struct cur *c, struct binlog_mysql_gtid *g)
{
	const uint8_t *sid;
	uint8_t lt;
	uint64_t v;

	memset(g, 0, sizeof(*g));
	if (!cur_u8(c, &g->flags, "GTID flags") ||
	    !cur_bytes(c, 16, &sid, "GTID sid") ||
	    !cur_u64(c, &v, "GTID gno"))
		return false;
	memcpy(g->sid, sid, 16);
	g->gno = (int64_t)v;
	if (cur_left(c) == 0)
		return true;
	if (!cur_u8(c, &lt, "GTID logical timestamp type"))
		return false;
	if (lt != 2)
		return cur_fail(c, PROTO_MALFORMED,
		    "GTID logical timestamp type %u, expected 2", lt);
	g->has_logical_ts = true;
	if (!cur_u64(c, &v, "GTID last_committed"))
		return false;
	g->last_committed = (int64_t)v;
	if (!cur_u64(c, &v, "GTID sequence_number"))
		return false;
	g->sequence_number = (int64_t)v;
	if (cur_left(c) == 0)
		return true;
	if (!cur_uint(c, 7, &v, "GTID immediate_commit_timestamp"))
		return false;
	g->has_commit_ts = true;
	if (v & (1ULL << 55)) {
		g->immediate_commit_ts = v & ~(1ULL << 55);
		if (!cur_uint(c, 7, &g->original_commit_ts, "GTID original_commit_timestamp"))
			return false;
	} else {
		g->immediate_commit_ts = v;
		g->original_commit_ts = v;
	}
	if (cur_left(c) == 0)
		return true;
	if (!cur_lenenc(c, &g->transaction_length, "GTID transaction_length"))
		return false;
	g->has_trx_length = true;
	if (cur_left(c) == 0)
		return true;
	{
		uint32_t sv;
		if (!cur_u32(c, &sv, "GTID immediate_server_version"))
			return false;
		g->has_server_version = true;
		if (sv & 0x80000000u) {
			g->immediate_server_version = sv & 0x7fffffffu;
			if (!cur_u32(c, &g->original_server_version, "GTID original_server_version"))
				return false;
		} else {
			g->immediate_server_version = sv;
			g->original_server_version = sv;
		}
	}
	if (cur_left(c) >= 8) {
		g->has_commit_group_ticket = true;
		if (!cur_u64(c, &g->commit_group_ticket, "GTID commit_group_ticket"))
			return false;
	}
	return true;
}

/*
 * GTID_TAGGED (42, MySQL 8.3+): the body is one mysql::serialization
 * message (libs/mysql/serialization, Serializer_default over
 * Read_archive_binary; fields from Gtid_event::define_fields() in
 * libs/mysql/binlog/event/control_events.h). Every integer is a varlen
 * (cur_varlen), signed ones zigzag:
 *   varlen  message id = serialization format version (1)
 *   varlen  message size in bytes, counted from the message id
 *   varlen  last non-ignorable field id (0: all may be skipped); a
 *           reader knowing fields 0..k must refuse a value above k + 1
 *   then fields, each a varlen field id and its value, ids ascending; a
 *   field absent from the stream keeps its default:
 *     0 gtid_flags                 uint8
 *     1 uuid                       16 x uint8 (each a varlen)
 *     2 gno                        int64
 *     3 tag                        varlen length (<= 32) and its bytes
 *     4 last_committed             int64
 *     5 sequence_number            int64
 *     6 immediate_commit_timestamp uint64 (microseconds)
 *     7 original_commit_timestamp  uint64; absent: = immediate
 *     8 transaction_length         uint64
 *     9 immediate_server_version   uint32
 *    10 original_server_version    uint32; absent: = immediate
 *    11 commit_group_ticket        uint64; absent: 0 (unset)
 * Fields 0-6, 8 and 9 have no encode predicate: every writer includes
 * them, and a message without one is refused.
 * Fields with ids above 11 are newer than this reader: the format allows
 * skipping them only when the message says they are ignorable, which is
 * checked. The message fills the body exactly (no post-header).
 */
enum {
	TGTID_FLAGS,
	TGTID_UUID,
	TGTID_GNO,
	TGTID_TAG,
	TGTID_LAST_COMMITTED,
	TGTID_SEQUENCE_NUMBER,
	TGTID_IMMEDIATE_TS,
	TGTID_ORIGINAL_TS,
	TGTID_TRX_LENGTH,
	TGTID_IMMEDIATE_VERSION,
	TGTID_ORIGINAL_VERSION,
	TGTID_COMMIT_GROUP_TICKET,
	TGTID_LAST_KNOWN = TGTID_COMMIT_GROUP_TICKET,
};

#define TGTID_REQUIRED (0x3ffu & ~(1u << TGTID_ORIGINAL_TS))

static const char *const tgtid_names[] = {
	"flags", "uuid", "gno", "tag", "last_committed", "sequence_number",
	"immediate_commit_timestamp", "original_commit_timestamp",
	"transaction_length", "immediate_server_version",
	"original_server_version", "commit_group_ticket",
};

static bool
decode_mysql_gtid_tagged(struct cur *c, struct binlog_mysql_gtid *g)
{
	uint64_t version, size, last_ni, id, v;
	uint32_t seen = 0;
	int64_t prev = -1;
	size_t start = c->pos;

	memset(g, 0, sizeof(*g));
	if (!cur_varlen(c, UINT64_MAX, &version, "GTID_TAGGED format version"))
		return false;
	if (version != 1) {
		c->pos = start;
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "GTID_TAGGED serialization format version %llu (only 1 is "
		    "known)", (unsigned long long)version);
	}
	if (!cur_varlen(c, UINT64_MAX, &size, "GTID_TAGGED message size") ||
	    !cur_varlen(c, UINT64_MAX, &last_ni,
	    "GTID_TAGGED last non-ignorable field id"))
		return false;
	if (size != c->len - start)
		return cur_fail(c, PROTO_MALFORMED,
		    "GTID_TAGGED message of %llu bytes in a body of %zu",
		    (unsigned long long)size, c->len - start);
	if (last_ni > TGTID_LAST_KNOWN + 1)
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "GTID_TAGGED carries non-ignorable fields up to id %llu; "
		    "this reader knows ids 0-%d", (unsigned long long)last_ni - 1,
		    TGTID_LAST_KNOWN);
	while (cur_left(c) > 0) {
		size_t at = c->pos;
		if (!cur_varlen(c, UINT64_MAX, &id, "GTID_TAGGED field id"))
			return false;
		if ((int64_t)id <= prev) {
			c->pos = at;
			return cur_fail(c, PROTO_MALFORMED,
			    "GTID_TAGGED field id %llu after field %lld",
			    (unsigned long long)id, (long long)prev);
		}
		if (id > TGTID_LAST_KNOWN) {
			/* newer, ignorable (checked above): the rest of the message */
			c->pos = c->len;
			break;
		}
		prev = (int64_t)id;
		seen |= 1u << id;
		switch (id) {
		case TGTID_FLAGS:
			if (!cur_varlen(c, UINT8_MAX, &v, "GTID_TAGGED flags"))
				return false;
			g->flags = (uint8_t)v;
			break;
		case TGTID_UUID:
			for (int i = 0; i < 16; i++) {
				if (!cur_varlen(c, UINT8_MAX, &v, "GTID_TAGGED uuid byte"))
					return false;
				g->sid[i] = (uint8_t)v;
			}
			break;
		case TGTID_GNO:
			if (!cur_varlen_signed(c, &g->gno, "GTID_TAGGED gno"))
				return false;
			if (g->gno < 1 || g->gno == INT64_MAX) {
				c->pos = at;
				return cur_fail(c, PROTO_MALFORMED,
				    "GTID_TAGGED gno %lld out of range",
				    (long long)g->gno);
			}
			break;
		case TGTID_TAG: {
			const uint8_t *p;
			if (!cur_varlen(c, GTID_TAG_MAX, &v, "GTID_TAGGED tag length") ||
			    !cur_bytes(c, (size_t)v, &p, "GTID_TAGGED tag"))
				return false;
			if (!gtid_tag_valid((const char *)p, (size_t)v)) {
				c->pos = at;
				return cur_fail(c, PROTO_MALFORMED,
				    "GTID_TAGGED tag \"%.*s\" is not a tag", (int)v,
				    (const char *)p);
			}
			g->tag.p = (const char *)p;
			g->tag.len = (uint32_t)v;
			break;
		}
		case TGTID_LAST_COMMITTED:
			if (!cur_varlen_signed(c, &g->last_committed,
			    "GTID_TAGGED last_committed"))
				return false;
			break;
		case TGTID_SEQUENCE_NUMBER:
			if (!cur_varlen_signed(c, &g->sequence_number,
			    "GTID_TAGGED sequence_number"))
				return false;
			break;
		case TGTID_IMMEDIATE_TS:
			if (!cur_varlen(c, UINT64_MAX, &g->immediate_commit_ts,
			    "GTID_TAGGED immediate_commit_timestamp"))
				return false;
			break;
		case TGTID_ORIGINAL_TS:
			if (!cur_varlen(c, UINT64_MAX, &g->original_commit_ts,
			    "GTID_TAGGED original_commit_timestamp"))
				return false;
			break;
		case TGTID_TRX_LENGTH:
			if (!cur_varlen(c, UINT64_MAX, &g->transaction_length,
			    "GTID_TAGGED transaction_length"))
				return false;
			break;
		case TGTID_IMMEDIATE_VERSION:
			if (!cur_varlen(c, UINT32_MAX, &v,
			    "GTID_TAGGED immediate_server_version"))
				return false;
			g->immediate_server_version = (uint32_t)v;
			break;
		case TGTID_ORIGINAL_VERSION:
			if (!cur_varlen(c, UINT32_MAX, &v,
			    "GTID_TAGGED original_server_version"))
				return false;
			g->original_server_version = (uint32_t)v;
			break;
		case TGTID_COMMIT_GROUP_TICKET:
			if (!cur_varlen(c, UINT64_MAX, &g->commit_group_ticket,
			    "GTID_TAGGED commit_group_ticket"))
				return false;
			break;
		}
	}
	/*
	 * Fields MySQL always writes (no encode predicate): a message without
	 * one was not written by a server we know.
	 */
	for (id = 0; id <= TGTID_LAST_KNOWN; id++)
		if ((TGTID_REQUIRED & (1u << id)) && (seen & (1u << id)) == 0)
			return cur_fail(c, PROTO_MALFORMED,
			    "GTID_TAGGED without its field %llu (%s)",
			    (unsigned long long)id, tgtid_names[id]);
	g->has_logical_ts = (seen & (1u << TGTID_LAST_COMMITTED)) != 0 &&
	    (seen & (1u << TGTID_SEQUENCE_NUMBER)) != 0;
	g->has_commit_ts = (seen & (1u << TGTID_IMMEDIATE_TS)) != 0;
	if ((seen & (1u << TGTID_ORIGINAL_TS)) == 0)
		g->original_commit_ts = g->immediate_commit_ts;
	g->has_trx_length = (seen & (1u << TGTID_TRX_LENGTH)) != 0;
	g->has_server_version = (seen & (1u << TGTID_IMMEDIATE_VERSION)) != 0;
	if ((seen & (1u << TGTID_ORIGINAL_VERSION)) == 0)
		g->original_server_version = g->immediate_server_version;
	g->has_commit_group_ticket =
	    (seen & (1u << TGTID_COMMIT_GROUP_TICKET)) != 0;
	return true;
}

/*
 * MariaDB GTID (post-header 19; a shorter body is padded with zeros up to
 * it), as Gtid_log_event's constructor from a buffer reads it
 * (sql/log_event.cc):
 *   0 8 seq_no | 8 4 domain_id | 12 1 flags2
 *   FL_GROUP_COMMIT_ID: 8 commit_id
 *   FL_PREPARED_XA|FL_COMPLETED_XA: 4 format_id, 1 gtrid_len, 1 bqual_len,
 *     gtrid_len + bqual_len bytes of XID (at most 128)
 *   if bytes remain: 1 flags_extra, then in this order
 *     EXTRA_MULTI_ENGINE (10.5+): 1 extra_engines
 *     COMMIT_ALTER|ROLLBACK_ALTER (10.8+): 8 sa_seq_no
 *     EXTRA_THREAD_ID (11.5+, MDEV-7850): 4 thread_id
 *   then the zero padding.
 * A flags_extra bit we do not know, or anything but zeros after the known
 * fields, is a layout we cannot vouch for: refused.
 */
static bool
decode_maria_gtid(struct cur *c, struct binlog_maria_gtid *g)
{
	uint32_t fmt;

	memset(g, 0, sizeof(*g));
	if (!cur_u64(c, &g->seq_no, "GTID seq_no") ||
	    !cur_u32(c, &g->domain_id, "GTID domain_id") ||
	    !cur_u8(c, &g->flags, "GTID flags"))
		return false;
	if (g->flags & BINLOG_MARIA_FL_GROUP_COMMIT_ID) {
		if (!cur_u64(c, &g->commit_id, "GTID commit_id"))
			return false;
	}
	if (g->flags & (BINLOG_MARIA_FL_PREPARED_XA | BINLOG_MARIA_FL_COMPLETED_XA)) {
		if (!cur_u32(c, &fmt, "GTID XA format id") ||
		    !cur_u8(c, &g->xa_gtrid_len, "GTID XA gtrid length") ||
		    !cur_u8(c, &g->xa_bqual_len, "GTID XA bqual length"))
			return false;
		g->xa_format_id = (int32_t)fmt;
		if ((unsigned)g->xa_gtrid_len + g->xa_bqual_len > 128)
			return cur_fail(c, PROTO_MALFORMED, "GTID XA id longer than 128 bytes");
		if (!cur_bytes(c, (size_t)g->xa_gtrid_len + g->xa_bqual_len,
		    &g->xa_data, "GTID XA id"))
			return false;
	}
	if (cur_left(c) > 0) {
		g->has_flags_extra = true;
		if (!cur_u8(c, &g->flags_extra, "GTID flags_extra"))
			return false;
		if (g->flags_extra & ~BINLOG_MARIA_FL_EXTRA_KNOWN) {
			c->pos--;
			return cur_fail(c, PROTO_UNSUPPORTED,
			    "GTID flags_extra 0x%02x has unknown bits 0x%02x",
			    g->flags_extra,
			    g->flags_extra & ~BINLOG_MARIA_FL_EXTRA_KNOWN);
		}
		if (g->flags_extra & BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE &&
		    !cur_u8(c, &g->extra_engines, "GTID extra engines"))
			return false;
		if (g->flags_extra & (BINLOG_MARIA_FL_COMMIT_ALTER | BINLOG_MARIA_FL_ROLLBACK_ALTER) &&
		    !cur_u64(c, &g->sa_seq_no, "GTID start alter seq_no"))
			return false;
		if (g->flags_extra & BINLOG_MARIA_FL_EXTRA_THREAD_ID) {
			if (!cur_u32(c, &g->thread_id, "GTID thread id"))
				return false;
			g->has_thread_id = true;
		}
	}
	/* only the zero padding up to the post-header length may remain */
	for (; cur_left(c) > 0; c->pos++)
		if (c->p[c->pos] != 0)
			return cur_fail(c, PROTO_UNSUPPORTED,
			    "GTID has %zu bytes after its known fields that are "
			    "not zero padding", cur_left(c));
	return true;
}

/*
 * The next field of MySQL's serialized event bodies (packed type, packed
 * length, value): 1 with *type and f over the value, 0 at the end mark
 * (type 0) or, when end_ok, at the end of the body; -1 on error.
 */
static int
tlv_next(struct cur *c, bool end_ok, const char *what, uint64_t *type,
    struct cur *f)
{
	uint64_t len;

	if (end_ok && cur_left(c) == 0)
		return 0;
	if (!cur_lenenc(c, type, what))
		return -1;
	if (*type == 0)
		return 0;
	if (!cur_lenenc(c, &len, what))
		return -1;
	if (len > cur_left(c)) {
		cur_fail(c, PROTO_TRUNCATED, "%s field %llu of %llu bytes", what,
		    (unsigned long long)*type, (unsigned long long)len);
		return -1;
	}
	cur_init(f, cur_ptr(c), (size_t)len, cur_offset(c), c->err);
	c->pos += (size_t)len;
	return 1;
}

/*
 * TRANSACTION_PAYLOAD body: fields of (packed type, packed length, value)
 * until type 0; 1 payload size, 2 compression type (0 zstd, 255 none),
 * 3 uncompressed size; then the payload.
 */
static bool
decode_payload_header(struct cur *c, struct binlog_payload *p)
{
	uint64_t type, v;
	bool have_size = false;
	struct cur f;
	int rc;

	memset(p, 0, sizeof(*p));
	p->compression_type = 255;
	while ((rc = tlv_next(c, false, "TRANSACTION_PAYLOAD", &type, &f)) == 1) {
		if (type < 1 || type > 3)
			continue;
		if (!cur_lenenc(&f, &v, "TRANSACTION_PAYLOAD field value"))
			return false;
		if (type == 1) {
			p->payload_size = v;
			have_size = true;
		} else if (type == 2)
			p->compression_type = v;
		else
			p->uncompressed_size = v;
	}
	if (rc < 0)
		return false;
	if (!have_size)
		p->payload_size = cur_left(c);
	if (p->payload_size != cur_left(c))
		return cur_fail(c, PROTO_MALFORMED,
		    "TRANSACTION_PAYLOAD announces %llu payload bytes, event holds %zu",
		    (unsigned long long)p->payload_size, cur_left(c));
	if (p->compression_type != 0 && p->compression_type != 255)
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "TRANSACTION_PAYLOAD compression type %llu is unknown",
		    (unsigned long long)p->compression_type);
	p->data = cur_ptr(c);
	p->data_len = cur_left(c);
	p->data_offset = cur_offset(c);
	c->pos = c->len;
	return true;
}

/*
 * HEARTBEAT_V2 body: fields of (packed type, packed length, value) until
 * type 0; 1 log file name (bytes), 2 log position (packed integer).
 */
static bool
decode_heartbeat_v2(struct cur *c, struct binlog_event *ev)
{
	uint64_t type;
	struct cur f;
	int rc;

	while ((rc = tlv_next(c, true, "HEARTBEAT_V2", &type, &f)) == 1) {
		if (type == 1) {
			ev->heartbeat.log_file.p = (const char *)cur_ptr(&f);
			ev->heartbeat.log_file.len = (uint32_t)cur_left(&f);
		} else if (type == 2 &&
		    !cur_lenenc(&f, &ev->heartbeat.log_pos, "HEARTBEAT_V2 position"))
			return false;
	}
	return rc == 0;
}

/* Decode the body of ev (header already filled) from cursor c. */
static bool
decode_body(struct binlog_decoder *d, struct cur *c, struct binlog_event *ev)
{
	uint8_t type = ev->h.type;
	uint8_t post = binlog_post_header_len(d, type);
	const uint8_t *p;
	uint32_t n32;

	switch (type) {
	case BINLOG_FORMAT_DESCRIPTION_EVENT:
		ev->fde = &d->fde;
		return true; /* decoded by binlog_decode() */
	case BINLOG_ROTATE_EVENT:
		if (!cur_u64(c, &ev->rotate.position, "ROTATE position"))
			return false;
		if (post > 8 && !cur_skip(c, post - 8u, "ROTATE post-header"))
			return false;
		ev->rotate.file.p = (const char *)cur_ptr(c);
		ev->rotate.file.len = (uint32_t)cur_left(c);
		return true;
	case BINLOG_STOP_EVENT:
		return true;
	case BINLOG_QUERY_EVENT:
	case BINLOG_MARIA_QUERY_COMPRESSED_EVENT:
		return decode_query(d, c, post, type == BINLOG_MARIA_QUERY_COMPRESSED_EVENT,
		    &ev->query);
	case BINLOG_XID_EVENT:
		return cur_u64(c, &ev->xid.xid, "XID");
	case BINLOG_INTVAR_EVENT:
		return cur_u8(c, &ev->intvar.type, "INTVAR type") &&
		    cur_u64(c, &ev->intvar.value, "INTVAR value");
	case BINLOG_RAND_EVENT:
		return cur_u64(c, &ev->rand.seed1, "RAND seed1") &&
		    cur_u64(c, &ev->rand.seed2, "RAND seed2");
	case BINLOG_USER_VAR_EVENT:
		return decode_user_var(c, &ev->user_var);
	case BINLOG_ROWS_QUERY_EVENT:
		/* 1 byte length (truncated to 255, ignored), then the text */
		if (!cur_skip(c, 1, "ROWS_QUERY length"))
			return false;
		/* FALLTHROUGH */
	case BINLOG_MARIA_ANNOTATE_ROWS_EVENT:
		ev->rows_query.p = (const char *)cur_ptr(c);
		ev->rows_query.len = (uint32_t)cur_left(c);
		return true;
	case BINLOG_INCIDENT_EVENT: {
		uint8_t n;
		if (!cur_u16(c, &ev->incident.type, "INCIDENT type"))
			return false;
		if (cur_left(c) == 0)
			return true;
		if (!cur_u8(c, &n, "INCIDENT message length") ||
		    !cur_bytes(c, n, &p, "INCIDENT message"))
			return false;
		ev->incident.message.p = (const char *)p;
		ev->incident.message.len = n;
		return true;
	}
	case BINLOG_HEARTBEAT_EVENT:
		ev->heartbeat.log_file.p = (const char *)cur_ptr(c);
		ev->heartbeat.log_file.len = (uint32_t)cur_left(c);
		ev->heartbeat.log_pos = ev->h.log_pos;
		return true;
	case BINLOG_HEARTBEAT_EVENT_V2:
		return decode_heartbeat_v2(c, ev);
	case BINLOG_XA_PREPARE_EVENT: {
		uint8_t one;
		if (!cur_u8(c, &one, "XA_PREPARE one_phase") ||
		    !cur_u32(c, &n32, "XA_PREPARE format id") ||
		    !cur_u32(c, &ev->xa_prepare.gtrid_len, "XA_PREPARE gtrid length") ||
		    !cur_u32(c, &ev->xa_prepare.bqual_len, "XA_PREPARE bqual length"))
			return false;
		ev->xa_prepare.one_phase = one != 0;
		ev->xa_prepare.format_id = (int32_t)n32;
		if (ev->xa_prepare.gtrid_len > 64 || ev->xa_prepare.bqual_len > 64)
			return cur_fail(c, PROTO_MALFORMED,
			    "XA_PREPARE id parts longer than 64 bytes");
		return cur_bytes(c, ev->xa_prepare.gtrid_len + ev->xa_prepare.bqual_len,
		    &ev->xa_prepare.data, "XA_PREPARE id");
	}
	case BINLOG_TABLE_MAP_EVENT:
		return binlog_decode_table_map(d, c, post, ev);
	case BINLOG_WRITE_ROWS_EVENT_V1:
	case BINLOG_UPDATE_ROWS_EVENT_V1:
	case BINLOG_DELETE_ROWS_EVENT_V1:
	case BINLOG_WRITE_ROWS_EVENT:
	case BINLOG_UPDATE_ROWS_EVENT:
	case BINLOG_DELETE_ROWS_EVENT:
	case BINLOG_PARTIAL_UPDATE_ROWS_EVENT:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1:
	case BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT:
	case BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT:
		return binlog_decode_rows(d, c, post, ev);
	case BINLOG_GTID_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT:
		return decode_mysql_gtid(c, &ev->gtid);
	case BINLOG_GTID_TAGGED_EVENT:
		/* the FDE announces no post-header; the message starts the body */
		return decode_mysql_gtid_tagged(c, &ev->gtid);
	case BINLOG_PREVIOUS_GTIDS_EVENT:
		ev->previous_gtids.data = cur_ptr(c);
		ev->previous_gtids.len = cur_left(c);
		return true;
	case BINLOG_TRANSACTION_PAYLOAD_EVENT:
		if (ev->inner)
			return cur_fail(c, PROTO_MALFORMED,
			    "TRANSACTION_PAYLOAD nested inside another");
		/*
		 * MySQL's FDE announces a 40-byte post-header for this type,
		 * but the event writes none: the fields start the body.
		 */
		return decode_payload_header(c, &ev->payload);
	case BINLOG_MARIA_GTID_EVENT:
		if (!decode_maria_gtid(c, &ev->mgtid))
			return false;
		ev->mgtid.server_id = ev->h.server_id;
		return true;
	case BINLOG_MARIA_GTID_LIST_EVENT:
		/* 4 bytes: count (low 28 bits) and flags (high 4); count * 16 */
		if (!cur_u32(c, &n32, "GTID_LIST count"))
			return false;
		ev->gtid_list.count = n32 & 0x0fffffffu;
		ev->gtid_list.flags = (uint8_t)(n32 >> 28);
		return cur_bytes(c, (size_t)ev->gtid_list.count * 16,
		    &ev->gtid_list.list, "GTID_LIST entries");
	case BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT:
		if (!cur_u32(c, &n32, "BINLOG_CHECKPOINT name length") ||
		    !cur_bytes(c, n32, &p, "BINLOG_CHECKPOINT name"))
			return false;
		ev->checkpoint_file.p = (const char *)p;
		ev->checkpoint_file.len = n32;
		return true;
	case BINLOG_MARIA_START_ENCRYPTION_EVENT:
		if (!cur_u8(c, &ev->start_encryption.scheme, "START_ENCRYPTION scheme") ||
		    !cur_u32(c, &ev->start_encryption.key_version, "START_ENCRYPTION key version") ||
		    !cur_bytes(c, 12, &ev->start_encryption.nonce, "START_ENCRYPTION nonce"))
			return false;
		d->encrypted = true;
		return true;
	case BINLOG_IGNORABLE_EVENT:
	case BINLOG_TRANSACTION_CONTEXT_EVENT:
	case BINLOG_VIEW_CHANGE_EVENT:
		/* Group Replication bookkeeping: no data changes; kept raw. */
		return true;
	case BINLOG_START_EVENT_V3:
		return cur_fail(c, PROTO_UNSUPPORTED,
		    "Start_v3 event: binlog format version 1 or 3 (MySQL 3.23 to "
		    "4.x) is not supported");
	default:
		if (ev->h.flags & BINLOG_F_IGNORABLE)
			return true; /* caller logs that it skipped it */
		if (strcmp(binlog_type_name(type), "Unknown") != 0)
			return cur_fail(c, PROTO_UNSUPPORTED,
			    "%s events (type %u) are not supported",
			    binlog_type_name(type), type);
		return proto_fail(c->err, PROTO_UNSUPPORTED, ev->offset,
		    "unknown event type %u (%s) not flagged ignorable", type,
		    binlog_type_name(type));
	}
}

/*
 * Common header (v4, 19 bytes):
 *   0 4 timestamp | 4 1 type | 5 4 server_id | 9 4 event_size
 *  13 4 log_pos (end of event) | 17 2 flags
 * then (header_len - 19) extra header bytes, the body, and a CRC32 when
 * the checksum algorithm in force is CRC32.
 */
bool
binlog_decode(struct binlog_decoder *d, const uint8_t *buf, size_t len,
    uint64_t offset, struct binlog_event *ev, struct proto_err *err)
{
	struct cur c;
	uint8_t alg;
	size_t body_end, hlen;
	struct binlog_fde fde;

	memset(ev, 0, sizeof(*ev));
	ev->offset = offset;
	if (len < BINLOG_HEADER_LEN)
		return proto_fail(err, PROTO_TRUNCATED, offset,
		    "event header truncated: %zu of 19 bytes", len);
	ev->h.timestamp = le32(buf);
	ev->h.type = buf[4];
	ev->h.server_id = le32(buf + 5);
	ev->h.event_size = le32(buf + 9);
	ev->h.log_pos = le32(buf + 13);
	ev->h.flags = le16(buf + 17);
	if (ev->h.event_size != len)
		return proto_fail(err, PROTO_MALFORMED, offset,
		    "event size %u in header, %zu bytes given", ev->h.event_size, len);
	if (d->inner_mode && (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT ||
	    ev->h.type == BINLOG_TRANSACTION_PAYLOAD_EVENT))
		return proto_fail(err, PROTO_MALFORMED, offset,
		    "%s event inside a TRANSACTION_PAYLOAD",
		    binlog_type_name(ev->h.type));
	if (d->encrypted && ev->h.type != BINLOG_FORMAT_DESCRIPTION_EVENT)
		return proto_fail(err, PROTO_ENCRYPTED, offset,
		    "encrypted binlog: events after START_ENCRYPTION cannot be read "
		    "from the file; read them through the server instead");

	ev->inner = d->inner_mode;
	hlen = ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT || d->inner_mode ?
	    BINLOG_HEADER_LEN : d->fde.header_len;
	if (len < hlen)
		return proto_fail(err, PROTO_TRUNCATED, offset,
		    "event of %zu bytes shorter than its %zu-byte header", len, hlen);

	if (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT) {
		cur_init(&c, buf + hlen, len - hlen, offset + hlen, err);
		if (!decode_fde(d, &c, len - hlen, &fde))
			return false;
		alg = fde.checksum_alg;
	} else
		alg = d->inner_mode ? BINLOG_CHECKSUM_OFF :
		    d->checksum_alg == BINLOG_CHECKSUM_UNDEF ? BINLOG_CHECKSUM_OFF :
		    d->checksum_alg;

	body_end = len;
	if (alg == BINLOG_CHECKSUM_CRC32 ||
	    (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT &&
	    fde_has_checksum_alg(&fde))) {
		if (len < hlen + BINLOG_CHECKSUM_LEN)
			return proto_fail(err, PROTO_TRUNCATED, offset,
			    "event too short for its CRC32");
		body_end = len - BINLOG_CHECKSUM_LEN;
		if (alg == BINLOG_CHECKSUM_CRC32 && d->verify) {
			uint32_t want = le32(buf + body_end);
			uint32_t got;
			if (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT &&
			    (ev->h.flags & BINLOG_F_BINLOG_IN_USE)) {
				/*
				 * The server sets "in use" in the FDE of an open
				 * binlog after computing its CRC: check the CRC
				 * of the header as written, flag cleared.
				 */
				uint8_t h[BINLOG_HEADER_LEN];
				memcpy(h, buf, sizeof(h));
				h[17] &= (uint8_t)~BINLOG_F_BINLOG_IN_USE;
				got = crc32_update(0, h, sizeof(h));
				got = crc32_update(got, buf + sizeof(h),
				    body_end - sizeof(h));
			} else
				got = crc32_update(0, buf, body_end);
			if (want != got)
				return proto_fail(err, PROTO_CHECKSUM, offset,
				    "CRC32 mismatch in %s event: stored 0x%08x, computed 0x%08x",
				    binlog_type_name(ev->h.type), want, got);
		}
	}
	ev->body = buf + hlen;
	ev->body_len = body_end - hlen;
	if (ev->h.type == BINLOG_FORMAT_DESCRIPTION_EVENT) {
		d->fde = fde;
		d->have_fde = true;
		d->checksum_alg = fde.checksum_alg;
		ev->fde = &d->fde;
		return true;
	}
	switch (ev->h.type) {
	case BINLOG_GTID_EVENT:
	case BINLOG_ANONYMOUS_GTID_EVENT:
	case BINLOG_GTID_TAGGED_EVENT:
	case BINLOG_MARIA_GTID_EVENT:
		/* no map of an earlier transaction is used after this point */
		if (d->nmaps > 1024)
			binlog_decoder_forget_tables(d);
		break;
	}
	cur_init(&c, ev->body, ev->body_len, offset + hlen, err);
	return decode_body(d, &c, ev);
}
