/* binlog_file.c: mapping a binlog file and cutting it into events. */
#include "src/binlog_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/binlog.h"

int
binlog_file_open(struct binlog_file *f, const char *path, char *errbuf,
    size_t errlen)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->path = path;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errlen, "%s: not a regular file", path);
		close(f->fd);
		return -1;
	}
	f->size = (size_t)st.st_size;
	if (f->size < BINLOG_MAGIC_LEN) {
		snprintf(errbuf, errlen,
		    "%s: at offset 0: file of %zu bytes is too short for a binlog",
		    path, f->size);
		close(f->fd);
		return -1;
	}
	f->map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (f->map == MAP_FAILED) {
		snprintf(errbuf, errlen, "%s: cannot map: %s", path, strerror(errno));
		close(f->fd);
		return -1;
	}
	(void)madvise((void *)f->map, f->size, MADV_SEQUENTIAL);
	if (memcmp(f->map, BINLOG_MAGIC, BINLOG_MAGIC_LEN) != 0) {
		snprintf(errbuf, errlen,
		    "%s: at offset 0: no binlog magic (fe 62 69 6e): not a binlog file",
		    path);
		binlog_file_close(f);
		return -1;
	}
	f->pos = BINLOG_MAGIC_LEN;
	return 0;
}

int
binlog_file_next(struct binlog_file *f, const uint8_t **ev, size_t *len,
    uint64_t *offset, struct proto_err *err)
{
	size_t left = f->size - f->pos, n;

	if (left == 0)
		return 0;
	if (left < BINLOG_HEADER_LEN) {
		proto_fail(err, PROTO_TRUNCATED, f->pos,
		    "file ends inside an event header (%zu of 19 bytes)", left);
		return -1;
	}
	n = binlog_event_length(f->map + f->pos, left);
	if (n < BINLOG_HEADER_LEN) {
		proto_fail(err, PROTO_MALFORMED, f->pos,
		    "event length %zu is shorter than the event header", n);
		return -1;
	}
	if (n > left) {
		proto_fail(err, PROTO_TRUNCATED, f->pos,
		    "event of %zu bytes (type %u) but only %zu bytes left in the file",
		    n, f->map[f->pos + 4], left);
		return -1;
	}
	*ev = f->map + f->pos;
	*len = n;
	*offset = f->pos;
	f->pos += n;
	return 1;
}

void
binlog_file_close(struct binlog_file *f)
{
	if (f->map != NULL && f->map != MAP_FAILED)
		munmap((void *)f->map, f->size);
	if (f->fd >= 0)
		close(f->fd);
	f->map = NULL;
	f->fd = -1;
}
