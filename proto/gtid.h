/* gtid.h: GTID sets of MySQL (uuid:1-5:7) and MariaDB (domain-server-seq lists). */
#ifndef PROTO_GTID_H
#define PROTO_GTID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/cursor.h"
#include "proto/sbuf.h"

/* ---- MySQL: a set of intervals per source UUID (and tag, MySQL 8.3+) */

#define GTID_TAG_MAX 32 /* characters of a tag (mysql::gtid::tag_max_length) */

struct gtid_interval {
	int64_t start, end; /* [start, end) as on the wire; printed as start-(end-1) */
};

struct gtid_sid {
	uint8_t uuid[16];
	char tag[33]; /* "" untagged */
	uint32_t n, cap;
	struct gtid_interval *iv; /* sorted, disjoint, non-adjacent */
};

struct gtid_mysql_set {
	uint32_t n, cap;
	struct gtid_sid *sids; /* sorted by uuid then tag */
};

void gtid_mysql_init(struct gtid_mysql_set *s);
void gtid_mysql_free(struct gtid_mysql_set *s);
/* Parse "uuid:1-5:7,uuid2:3" (tags "uuid:tag:1-3" accepted); "" is empty. */
PROTO_WUR bool gtid_mysql_parse(struct gtid_mysql_set *s, const char *text,
    struct proto_err *err);
/* Print in MySQL's canonical form (uuids lower case, ",\n" not used: ","). */
void gtid_mysql_print(const struct gtid_mysql_set *s, struct sbuf *out);
PROTO_WUR bool gtid_mysql_add(struct gtid_mysql_set *s, const uint8_t uuid[16],
    const char *tag, int64_t gno);
bool gtid_mysql_contains(const struct gtid_mysql_set *s, const uint8_t uuid[16],
    const char *tag, int64_t gno);
/* Remove every GTID of sub from s (GTID by GTID: sub is small); false on OOM. */
PROTO_WUR bool gtid_mysql_subtract(struct gtid_mysql_set *s,
    const struct gtid_mysql_set *sub);
/* Every GTID of sub is in s. */
bool gtid_mysql_contains_set(const struct gtid_mysql_set *s,
    const struct gtid_mysql_set *sub);
/* Decode the binary SID block of PREVIOUS_GTIDS / COM_BINLOG_DUMP_GTID. */
PROTO_WUR bool gtid_mysql_decode(struct gtid_mysql_set *s, const uint8_t *p,
    size_t len, uint64_t base, struct proto_err *err);
/* Encode the binary SID block (untagged format). */
PROTO_WUR bool gtid_mysql_encode(const struct gtid_mysql_set *s, struct sbuf *out);
/* n bytes are a tag: [A-Za-z_][A-Za-z0-9_]*, at most 32 ("" too). */
bool gtid_tag_valid(const char *tag, size_t n);
/* Format one uuid as 8-4-4-4-12 lower-case hex (37 bytes with NUL). */
void gtid_uuid_format(const uint8_t uuid[16], char out[37]);

/* ---- MariaDB: one position per (domain, server); seq_no the highest */

struct gtid_maria {
	uint32_t domain_id;
	uint32_t server_id;
	uint64_t seq_no;
};

struct gtid_maria_set {
	uint32_t n, cap;
	struct gtid_maria *g; /* sorted by domain, then server */
};

void gtid_maria_init(struct gtid_maria_set *s);
void gtid_maria_free(struct gtid_maria_set *s);
/* Parse "0-1-100,1-2-5"; "" is empty. */
PROTO_WUR bool gtid_maria_parse(struct gtid_maria_set *s, const char *text,
    struct proto_err *err);
void gtid_maria_print(const struct gtid_maria_set *s, struct sbuf *out);
/*
 * Add a GTID: replaces the entry of its (domain, server) if seq_no is
 * higher.
 */
PROTO_WUR bool gtid_maria_add(struct gtid_maria_set *s, const struct gtid_maria *g);
/*
 * True if the GTID is at or before the set's position in its domain (the
 * MariaDB meaning of "already applied": seq_no <= highest seen in the domain
 * from any server).
 */
bool gtid_maria_contains(const struct gtid_maria_set *s, const struct gtid_maria *g);
/* Decode a GTID_LIST body list (count entries of domain 4, server 4, seq 8). */
PROTO_WUR bool gtid_maria_decode_list(struct gtid_maria_set *s, const uint8_t *p,
    uint32_t count, size_t len, uint64_t base, struct proto_err *err);

#endif
