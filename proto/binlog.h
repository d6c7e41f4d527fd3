/* binlog.h: binlog events of MySQL 5.7/8.x and MariaDB 10.x/11.x decoded to structs. */
#ifndef PROTO_BINLOG_H
#define PROTO_BINLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/cursor.h"

#define BINLOG_MAGIC "\xfe" "bin"
#define BINLOG_MAGIC_LEN 4
#define BINLOG_HEADER_LEN 19 /* v4 common header */
#define BINLOG_CHECKSUM_LEN 4

/* Event type codes (Log_event_type). */
enum binlog_type {
	BINLOG_UNKNOWN_EVENT = 0,
	BINLOG_START_EVENT_V3 = 1,
	BINLOG_QUERY_EVENT = 2,
	BINLOG_STOP_EVENT = 3,
	BINLOG_ROTATE_EVENT = 4,
	BINLOG_INTVAR_EVENT = 5,
	BINLOG_LOAD_EVENT = 6,
	BINLOG_SLAVE_EVENT = 7,
	BINLOG_CREATE_FILE_EVENT = 8,
	BINLOG_APPEND_BLOCK_EVENT = 9,
	BINLOG_EXEC_LOAD_EVENT = 10,
	BINLOG_DELETE_FILE_EVENT = 11,
	BINLOG_NEW_LOAD_EVENT = 12,
	BINLOG_RAND_EVENT = 13,
	BINLOG_USER_VAR_EVENT = 14,
	BINLOG_FORMAT_DESCRIPTION_EVENT = 15,
	BINLOG_XID_EVENT = 16,
	BINLOG_BEGIN_LOAD_QUERY_EVENT = 17,
	BINLOG_EXECUTE_LOAD_QUERY_EVENT = 18,
	BINLOG_TABLE_MAP_EVENT = 19,
	BINLOG_PRE_GA_WRITE_ROWS_EVENT = 20,
	BINLOG_PRE_GA_UPDATE_ROWS_EVENT = 21,
	BINLOG_PRE_GA_DELETE_ROWS_EVENT = 22,
	BINLOG_WRITE_ROWS_EVENT_V1 = 23,
	BINLOG_UPDATE_ROWS_EVENT_V1 = 24,
	BINLOG_DELETE_ROWS_EVENT_V1 = 25,
	BINLOG_INCIDENT_EVENT = 26,
	BINLOG_HEARTBEAT_EVENT = 27,
	BINLOG_IGNORABLE_EVENT = 28,
	BINLOG_ROWS_QUERY_EVENT = 29,
	BINLOG_WRITE_ROWS_EVENT = 30,
	BINLOG_UPDATE_ROWS_EVENT = 31,
	BINLOG_DELETE_ROWS_EVENT = 32,
	BINLOG_GTID_EVENT = 33,
	BINLOG_ANONYMOUS_GTID_EVENT = 34,
	BINLOG_PREVIOUS_GTIDS_EVENT = 35,
	BINLOG_TRANSACTION_CONTEXT_EVENT = 36,
	BINLOG_VIEW_CHANGE_EVENT = 37,
	BINLOG_XA_PREPARE_EVENT = 38,
	BINLOG_PARTIAL_UPDATE_ROWS_EVENT = 39,
	BINLOG_TRANSACTION_PAYLOAD_EVENT = 40,
	BINLOG_HEARTBEAT_EVENT_V2 = 41,
	BINLOG_GTID_TAGGED_EVENT = 42,
	/* MariaDB */
	BINLOG_MARIA_ANNOTATE_ROWS_EVENT = 160,
	BINLOG_MARIA_BINLOG_CHECKPOINT_EVENT = 161,
	BINLOG_MARIA_GTID_EVENT = 162,
	BINLOG_MARIA_GTID_LIST_EVENT = 163,
	BINLOG_MARIA_START_ENCRYPTION_EVENT = 164,
	BINLOG_MARIA_QUERY_COMPRESSED_EVENT = 165,
	BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT_V1 = 166,
	BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT_V1 = 167,
	BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT_V1 = 168,
	BINLOG_MARIA_WRITE_ROWS_COMPRESSED_EVENT = 169,
	BINLOG_MARIA_UPDATE_ROWS_COMPRESSED_EVENT = 170,
	BINLOG_MARIA_DELETE_ROWS_COMPRESSED_EVENT = 171,
};

/* Common header flags. */
#define BINLOG_F_BINLOG_IN_USE 0x0001
#define BINLOG_F_THREAD_SPECIFIC 0x0004
#define BINLOG_F_SUPPRESS_USE 0x0008
#define BINLOG_F_ARTIFICIAL 0x0020
#define BINLOG_F_RELAY_LOG 0x0040
#define BINLOG_F_IGNORABLE 0x0080
#define BINLOG_F_SKIP_REPLICATION 0x8000

/* Checksum algorithms (FDE trailer). */
#define BINLOG_CHECKSUM_OFF 0
#define BINLOG_CHECKSUM_CRC32 1
#define BINLOG_CHECKSUM_UNDEF 255

enum binlog_flavor {
	BINLOG_FLAVOR_UNKNOWN = 0,
	BINLOG_FLAVOR_MYSQL,
	BINLOG_FLAVOR_MARIADB,
};

/* Column types of the table map (enum_field_types). */
enum binlog_col_type {
	MYSQL_T_DECIMAL = 0,
	MYSQL_T_TINY = 1,
	MYSQL_T_SHORT = 2,
	MYSQL_T_LONG = 3,
	MYSQL_T_FLOAT = 4,
	MYSQL_T_DOUBLE = 5,
	MYSQL_T_NULL = 6,
	MYSQL_T_TIMESTAMP = 7,
	MYSQL_T_LONGLONG = 8,
	MYSQL_T_INT24 = 9,
	MYSQL_T_DATE = 10,
	MYSQL_T_TIME = 11,
	MYSQL_T_DATETIME = 12,
	MYSQL_T_YEAR = 13,
	MYSQL_T_NEWDATE = 14,
	MYSQL_T_VARCHAR = 15,
	MYSQL_T_BIT = 16,
	MYSQL_T_TIMESTAMP2 = 17,
	MYSQL_T_DATETIME2 = 18,
	MYSQL_T_TIME2 = 19,
	MYSQL_T_TYPED_ARRAY = 20,
	MYSQL_T_VECTOR = 242,
	MYSQL_T_BLOB_COMPRESSED = 140, /* MariaDB */
	MYSQL_T_VARCHAR_COMPRESSED = 141, /* MariaDB */
	MYSQL_T_JSON = 245,
	MYSQL_T_NEWDECIMAL = 246,
	MYSQL_T_ENUM = 247,
	MYSQL_T_SET = 248,
	MYSQL_T_TINY_BLOB = 249,
	MYSQL_T_MEDIUM_BLOB = 250,
	MYSQL_T_LONG_BLOB = 251,
	MYSQL_T_BLOB = 252,
	MYSQL_T_VAR_STRING = 253,
	MYSQL_T_STRING = 254,
	MYSQL_T_GEOMETRY = 255,
};

/* The common event header (19 bytes in v4). */
struct binlog_header {
	uint32_t timestamp;
	uint8_t type;
	uint32_t server_id;
	uint32_t event_size; /* header + body + checksum */
	uint32_t log_pos;    /* end position of the event (0 in relay/inner) */
	uint16_t flags;
};

/* A string view into an event buffer (not NUL-terminated). */
struct binlog_str {
	const char *p;
	uint32_t len;
};

/* FORMAT_DESCRIPTION: how later events of this binlog are laid out. */
struct binlog_fde {
	uint16_t binlog_version;
	char server_version[51];
	uint32_t create_timestamp;
	uint8_t header_len;
	uint16_t n_post_header;
	uint8_t post_header_len[256];
	uint8_t checksum_alg; /* BINLOG_CHECKSUM_* */
	enum binlog_flavor flavor;
	unsigned version[3]; /* parsed server_version */
};

/* QUERY status variables worth keeping (others are parsed and dropped). */
struct binlog_query {
	uint32_t thread_id;
	uint32_t exec_time;
	uint16_t error_code;
	struct binlog_str db;
	struct binlog_str query; /* text; decompressed for QUERY_COMPRESSED */
	/* status variables; has_* says whether the event carried them */
	bool has_flags2, has_sql_mode, has_auto_increment, has_charset,
	    has_time_zone, has_lc_time_names, has_charset_database,
	    has_table_map_for_update, has_invoker, has_microseconds,
	    has_explicit_defaults_ts, has_ddl_xid, has_default_collation,
	    has_sql_require_pk, has_default_table_encryption, has_hrnow,
	    has_xid, has_gtid_flags3, has_character_set_collations;
	uint32_t flags2;
	uint64_t sql_mode;
	uint16_t auto_increment_increment, auto_increment_offset;
	uint16_t charset_client, collation_connection, collation_server;
	struct binlog_str time_zone;
	struct binlog_str catalog;
	uint16_t lc_time_names;
	uint16_t charset_database;
	uint64_t table_map_for_update;
	uint32_t master_data_written;
	struct binlog_str invoker_user, invoker_host;
	uint8_t n_updated_dbs; /* 254: more than the limit */
	uint32_t microseconds;
	uint8_t explicit_defaults_ts;
	uint64_t ddl_xid;
	uint16_t default_collation_utf8mb4;
	uint8_t sql_require_pk;
	uint8_t default_table_encryption;
	uint32_t hrnow_usec;
	uint64_t xid;
	uint8_t gtid_flags3;
	uint64_t gtid_sa_seq_no; /* with COMMIT/ROLLBACK ALTER in gtid_flags3 */
	/* MariaDB Q_CHARACTER_SET_COLLATIONS raw bytes (count + pairs) */
	const uint8_t *character_set_collations;
	uint32_t character_set_collations_len;
	/* a status code we do not know ended parsing: callers that apply
	 * must refuse, printers may show it */
	int unknown_status_code; /* -1 if none */
};

/* USER_VAR: a user variable set before a statement. */
struct binlog_user_var {
	struct binlog_str name;
	bool is_null;
	uint8_t type;        /* Item_result: 0 STRING 1 REAL 2 INT 3 ROW 4 DECIMAL */
	uint32_t charset;
	struct binlog_str value; /* raw value bytes */
	uint8_t flags;       /* bit 0: unsigned */
	bool has_flags;
};

/* MySQL GTID / ANONYMOUS_GTID / GTID_TAGGED. */
struct binlog_mysql_gtid {
	uint8_t flags; /* bit 0: may have been committed in parallel (commit flag) */
	uint8_t sid[16];
	int64_t gno;
	struct binlog_str tag; /* empty unless GTID_TAGGED */
	bool has_logical_ts;
	int64_t last_committed, sequence_number;
	bool has_commit_ts;
	uint64_t immediate_commit_ts, original_commit_ts; /* microseconds */
	bool has_trx_length;
	uint64_t transaction_length;
	bool has_server_version;
	uint32_t immediate_server_version, original_server_version;
	bool has_commit_group_ticket;
	uint64_t commit_group_ticket;
};

/* MariaDB GTID (162). */
#define BINLOG_MARIA_FL_STANDALONE 0x01
#define BINLOG_MARIA_FL_GROUP_COMMIT_ID 0x02
#define BINLOG_MARIA_FL_TRANSACTIONAL 0x04
#define BINLOG_MARIA_FL_ALLOW_PARALLEL 0x08
#define BINLOG_MARIA_FL_WAITED 0x10
#define BINLOG_MARIA_FL_DDL 0x20
#define BINLOG_MARIA_FL_PREPARED_XA 0x40
#define BINLOG_MARIA_FL_COMPLETED_XA 0x80
/* flags_extra */
#define BINLOG_MARIA_FL_EXTRA_MULTI_ENGINE 0x01
#define BINLOG_MARIA_FL_START_ALTER 0x02
#define BINLOG_MARIA_FL_COMMIT_ALTER 0x04
#define BINLOG_MARIA_FL_ROLLBACK_ALTER 0x08
#define BINLOG_MARIA_FL_EXTRA_THREAD_ID 0x10 /* 11.5+ */
#define BINLOG_MARIA_FL_EXTRA_KNOWN 0x1f

struct binlog_maria_gtid {
	uint64_t seq_no;
	uint32_t domain_id;
	uint32_t server_id; /* from the header */
	uint8_t flags;
	uint64_t commit_id; /* FL_GROUP_COMMIT_ID */
	/* XA (FL_PREPARED_XA | FL_COMPLETED_XA) */
	int32_t xa_format_id;
	uint8_t xa_gtrid_len, xa_bqual_len;
	const uint8_t *xa_data;
	bool has_flags_extra;
	uint8_t flags_extra;
	uint8_t extra_engines;
	uint64_t sa_seq_no; /* start alter seq_no for COMMIT/ROLLBACK ALTER */
	bool has_thread_id; /* FL_EXTRA_THREAD_ID */
	uint32_t thread_id; /* of the session that ran the transaction */
};

/* XA_PREPARE (MySQL 38). */
struct binlog_xa_prepare {
	bool one_phase;
	int32_t format_id;
	uint32_t gtrid_len, bqual_len;
	const uint8_t *data; /* gtrid then bqual */
};

/* TRANSACTION_PAYLOAD (MySQL 40): inner events are read with binlog_payload_*(). */
struct binlog_payload {
	uint64_t compression_type; /* 0 ZSTD, 255 NONE */
	uint64_t payload_size;
	uint64_t uncompressed_size;
	const uint8_t *data;
	size_t data_len;
	uint64_t data_offset; /* absolute offset of data[0] */
};

/* ---------------------------------------------------------------- tables */

/* One column of a TABLE_MAP, with what optional metadata told us. */
struct binlog_col {
	uint8_t type;      /* real type: STRING metadata resolved to ENUM/SET */
	uint8_t map_type;  /* type as written in the table map */
	uint16_t meta;     /* type metadata, normalised (see binlog_rows.c) */
	bool nullable;
	int8_t is_unsigned; /* -1 unknown (no optional metadata), 0, 1 */
	uint32_t charset;   /* collation id, 0 unknown */
	struct binlog_str name; /* empty if unknown */
	uint32_t n_values;  /* ENUM/SET values from optional metadata */
	struct binlog_str *values;
	uint32_t geometry_type;
	uint32_t vector_dim; /* MySQL VECTOR(n): n, 0 unknown */
	bool in_pk;
	bool visible;
};

/* TABLE_MAP: an owned copy (it outlives the event). */
struct binlog_table {
	uint64_t table_id;
	uint16_t flags;
	struct binlog_str db;    /* NUL-terminated in owned memory */
	struct binlog_str table; /* NUL-terminated in owned memory */
	uint32_t ncols;
	struct binlog_col *cols;
	uint32_t n_pk;
	uint32_t *pk;        /* column indexes */
	uint32_t *pk_prefix; /* 0 = whole column */
	bool has_optional_metadata;
	/* private: owned storage */
	uint8_t *raw;
	size_t raw_len;
	void *mem;
};

/* ----------------------------------------------------------------- rows */

enum binlog_rows_kind {
	BINLOG_ROWS_WRITE = 1,
	BINLOG_ROWS_UPDATE,
	BINLOG_ROWS_DELETE,
	BINLOG_ROWS_PARTIAL_UPDATE,
};

/* Rows event flags. */
#define BINLOG_ROWS_F_STMT_END 0x0001
#define BINLOG_ROWS_F_NO_FOREIGN_KEY_CHECKS 0x0002
#define BINLOG_ROWS_F_RELAXED_UNIQUE_CHECKS 0x0004
#define BINLOG_ROWS_F_COMPLETE_ROWS 0x0008

struct binlog_rows_event {
	enum binlog_rows_kind kind;
	uint8_t version; /* 0 pre-GA, 1, 2 */
	bool compressed; /* MariaDB zlib; body already decompressed */
	uint64_t table_id;
	uint16_t flags;
	const struct binlog_table *table; /* resolved from the decoder's maps */
	const uint8_t *extra; /* v2 extra row info (after its 2-byte length) */
	uint16_t extra_len;
	uint32_t ncols;
	const uint8_t *cols_before; /* present-columns bitmap (before image / insert image) */
	const uint8_t *cols_after;  /* update after image; NULL otherwise */
	uint32_t n_before, n_after; /* columns set in each bitmap */
	const uint8_t *body;        /* row data */
	size_t body_len;
	uint64_t body_offset;       /* absolute offset of body[0] (for errors) */
};

/* Kinds of decoded values. */
enum binlog_vkind {
	BV_ABSENT = 0, /* column not in this row image */
	BV_NULL,
	BV_INT,       /* i: signed integers (TINY..LONGLONG, INT24) */
	BV_UINT,      /* u: unsigned integers (optional metadata says so) */
	BV_FLOAT,     /* f */
	BV_DOUBLE,    /* d */
	BV_DECIMAL,   /* dec: raw binary DECIMAL, printed on demand */
	BV_STRING,    /* bytes: CHAR/VARCHAR/BINARY/VARBINARY */
	BV_BLOB,      /* bytes: TEXT/BLOB */
	BV_BIT,       /* u (and bytes raw big-endian), nbits in meta */
	BV_YEAR,      /* u: 0 or 1901..2155 */
	BV_DATE,      /* tm */
	BV_TIME,      /* tm (neg, hour up to 838) */
	BV_DATETIME,  /* tm */
	BV_TIMESTAMP, /* ts */
	BV_ENUM,      /* u: 1-based index, 0 = '' */
	BV_SET,       /* u: bitmask */
	BV_JSON,      /* bytes: MySQL binary JSON */
	BV_JSON_DIFF, /* bytes: PARTIAL_UPDATE after-image JSON diff list */
	BV_GEOMETRY,  /* bytes: SRID + WKB */
	BV_VECTOR,    /* bytes */
};

struct binlog_tm {
	int32_t year;
	uint8_t month, day;
	uint32_t hour;
	uint8_t minute, second;
	uint32_t usec;
	bool neg;
};

/* One decoded value; byte views point into the event (or decompression) buffer. */
struct binlog_value {
	uint8_t kind;   /* enum binlog_vkind */
	uint8_t frac;   /* fractional digits of temporal types (0-6) */
	union {
		int64_t i;
		uint64_t u;
		float f;
		double d;
		struct {
			const uint8_t *p;
			uint32_t len;
		} bytes;
		struct {
			const uint8_t *p;
			uint8_t len, precision, scale;
		} dec;
		struct binlog_tm tm;
		struct {
			uint32_t sec;
			uint32_t usec;
		} ts;
	};
};

/*
 * A BV_INT value read as unsigned, for a column the table map could not
 * say was UNSIGNED (no optional metadata) but the destination's is: the
 * sign-extended value cut back to the column's width.
 */
static inline uint64_t
binlog_int_unsigned(const struct binlog_col *col, int64_t i)
{
	unsigned bits = col->type == MYSQL_T_TINY ? 8 : col->type == MYSQL_T_SHORT ? 16 :
	    col->type == MYSQL_T_INT24 ? 24 : col->type == MYSQL_T_LONG ? 32 : 64;

	return bits == 64 ? (uint64_t)i : (uint64_t)i & ((1ULL << bits) - 1);
}

/* One row image: vals has table->ncols slots, filled in column order. */
struct binlog_row {
	uint32_t ncols;
	struct binlog_value *vals;
	size_t offset; /* absolute offset of the image (errors, printing) */
};

/* ---------------------------------------------------------------- events */

struct binlog_event {
	struct binlog_header h;
	uint64_t offset;       /* absolute start of the event */
	const uint8_t *body;   /* after the common header, without checksum */
	size_t body_len;
	bool inner;            /* decoded from a TRANSACTION_PAYLOAD */
	union {
		const struct binlog_fde *fde;
		struct {
			uint64_t position;
			struct binlog_str file;
		} rotate;
		struct binlog_query query;
		struct {
			uint64_t xid;
		} xid;
		struct {
			uint8_t type; /* 1 LAST_INSERT_ID, 2 INSERT_ID */
			uint64_t value;
		} intvar;
		struct {
			uint64_t seed1, seed2;
		} rand;
		struct binlog_user_var user_var;
		struct binlog_str rows_query; /* ROWS_QUERY and MariaDB ANNOTATE_ROWS */
		struct {
			uint16_t type;
			struct binlog_str message;
		} incident;
		struct {
			struct binlog_str log_file;
			uint64_t log_pos; /* v2 only; v1: header log_pos */
		} heartbeat;
		struct binlog_xa_prepare xa_prepare;
		const struct binlog_table *table_map;
		struct binlog_rows_event rows;
		struct binlog_mysql_gtid gtid;
		struct {
			const uint8_t *data; /* encoded GTID set, see gtid.h */
			size_t len;
		} previous_gtids;
		struct binlog_payload payload;
		struct binlog_str checkpoint_file;
		struct binlog_maria_gtid mgtid;
		struct {
			uint32_t count;
			uint8_t flags;
			const uint8_t *list; /* count * (domain 4, server 4, seq 8) */
		} gtid_list;
		struct {
			uint8_t scheme;
			uint32_t key_version;
			const uint8_t *nonce; /* 12 bytes */
		} start_encryption;
	};
};

struct binlog_decoder;

/* A new decoder with no FORMAT_DESCRIPTION yet (NULL on out of memory). */
struct binlog_decoder *binlog_decoder_new(void);
void binlog_decoder_free(struct binlog_decoder *d);

/*
 * For a network stream: the checksum algorithm negotiated with the source,
 * in force before the first FORMAT_DESCRIPTION arrives.
 */
void binlog_decoder_set_checksum(struct binlog_decoder *d, uint8_t alg);

/* Whether CRC32s are verified (default true). */
void binlog_decoder_set_verify(struct binlog_decoder *d, bool verify);

/*
 * Forget every table map. The decoder does this by itself at a transaction
 * start once many maps are held, so that a long stream stays bounded.
 */
void binlog_decoder_forget_tables(struct binlog_decoder *d);

/* The FORMAT_DESCRIPTION in force, NULL before the first one. */
const struct binlog_fde *binlog_decoder_fde(const struct binlog_decoder *d);

/* The table map for an id, NULL if none has been seen. */
const struct binlog_table *binlog_decoder_table(const struct binlog_decoder *d,
    uint64_t table_id);

/*
 * Column col of the map of table_id is a MariaDB "hires" TIME, DATETIME or
 * TIMESTAMP of fsp (1-6) fractional digits: the table map cannot say so (see
 * value.c), a caller that knows it from the schema does. Rows decoded after
 * this use that layout. False if there is no such map or column, the column
 * has another type, or it already has another precision.
 */
bool binlog_decoder_set_hires(struct binlog_decoder *d, uint64_t table_id,
    uint32_t col, unsigned fsp);

/*
 * Length of the event starting at buf (needs 13 bytes of header), or 0 if
 * fewer are available. Checks nothing else.
 */
size_t binlog_event_length(const uint8_t *buf, size_t len);

/*
 * Decode one whole event (header, body, checksum) of len bytes found at
 * absolute offset. Views in ev point into buf or into the decoder's scratch
 * buffers, valid until the next call. Updates the decoder: FORMAT_DESCRIPTION,
 * TABLE_MAP. Unknown types are an error unless flagged ignorable (then
 * ev->h.type is kept and the body is left undecoded: callers log it).
 * Returns false with err filled on any failure.
 */
PROTO_WUR bool binlog_decode(struct binlog_decoder *d, const uint8_t *buf,
    size_t len, uint64_t offset, struct binlog_event *ev, struct proto_err *err);

/* The name of an event type ("Write_rows_v1", ...), "Unknown" if none. */
const char *binlog_type_name(uint8_t type);

/* True for the rows events (v1, v2, partial update, MariaDB compressed). */
bool binlog_type_is_rows(uint8_t type);

/* True if the type is a known, decodable event type. */
bool binlog_type_known(uint8_t type);

/*
 * Walk the rows of a rows event. *pos starts at 0. Fills before (DELETE,
 * UPDATE) and after (WRITE, UPDATE) with values, either may be NULL for
 * kinds that do not use it. Returns 1 for a row, 0 at the end, -1 on error.
 */
int binlog_rows_next(const struct binlog_rows_event *r, size_t *pos,
    struct binlog_row *before, struct binlog_row *after,
    struct proto_err *err);

/*
 * Decode one column value at the cursor into v, given its table-map column.
 * Implemented in value.c, table driven per type family.
 */
PROTO_WUR bool binlog_value_decode(const struct binlog_col *col, struct cur *c,
    struct binlog_value *v);

/*
 * The value of a MariaDB compressed column (BLOB_COMPRESSED,
 * VARCHAR_COMPRESSED: decoded as the bytes stored) uncompressed into out;
 * max is the column's limit in bytes.
 */
struct sbuf;
PROTO_WUR bool binlog_column_uncompress(const uint8_t *p, size_t len, uint64_t max,
    struct sbuf *out, struct proto_err *err);

/* Iterator over the inner events of a TRANSACTION_PAYLOAD (streaming zstd). */
struct binlog_payload_iter;
struct binlog_payload_iter *binlog_payload_open(struct binlog_decoder *d,
    const struct binlog_event *payload_event, struct proto_err *err);
/* 1 event, 0 end, -1 error. Inner views valid until the next call. */
int binlog_payload_next(struct binlog_payload_iter *it, struct binlog_event *ev,
    struct proto_err *err);
void binlog_payload_close(struct binlog_payload_iter *it);

#endif
