/* binlog_int.h: decoder state shared by the files of the binlog codec (not public). */
#ifndef PROTO_BINLOG_INT_H
#define PROTO_BINLOG_INT_H

#include "proto/binlog.h"

struct binlog_tmap_slot {
	uint64_t id;
	struct binlog_table *t; /* NULL: empty slot */
};

struct binlog_decoder {
	struct binlog_fde fde;
	bool have_fde;
	uint8_t checksum_alg; /* in force for non-FDE events */
	bool verify;
	bool encrypted;   /* START_ENCRYPTION seen */
	bool inner_mode;  /* decoding events inside a TRANSACTION_PAYLOAD */
	/* table maps by id: open addressing, power-of-two capacity */
	struct binlog_tmap_slot *maps;
	size_t nmaps, maps_cap;
	/* decompression output (MariaDB compressed events) */
	uint8_t *scratch;
	size_t scratch_cap;
};

bool binlog_scratch(struct binlog_decoder *d, size_t n);
uint8_t binlog_post_header_len(const struct binlog_decoder *d, uint8_t type);
PROTO_WUR bool binlog_inflate(struct binlog_decoder *d, struct cur *c,
    size_t keep, const uint8_t **out, size_t *out_len);
PROTO_WUR bool binlog_decode_table_map(struct binlog_decoder *d, struct cur *c,
    uint8_t post, struct binlog_event *ev);
PROTO_WUR bool binlog_decode_rows(struct binlog_decoder *d, struct cur *c,
    uint8_t post, struct binlog_event *ev);
void binlog_tables_free(struct binlog_decoder *d);

#endif
