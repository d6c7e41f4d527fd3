/* binlog_file.h: walking the events of a binlog file on disk. */
#ifndef SRC_BINLOG_FILE_H
#define SRC_BINLOG_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "proto/cursor.h"

struct binlog_file {
	const char *path;
	int fd;
	const uint8_t *map; /* whole file, read-only mapping */
	size_t size;
	size_t pos;         /* offset of the next event */
};

/* Open and map path, check the magic; -1 with a message in errbuf. */
int binlog_file_open(struct binlog_file *f, const char *path, char *errbuf,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * The next whole event: 1 with ev, len and offset set, 0 at a clean end of
 * file, -1 (err filled with the offset) on a truncated or impossible event.
 */
int binlog_file_next(struct binlog_file *f, const uint8_t **ev, size_t *len,
    uint64_t *offset, struct proto_err *err) __attribute__((warn_unused_result));

void binlog_file_close(struct binlog_file *f);

#endif
