/* startpos.h: the forms of [replication] start and their syntax, checked before any server is contacted. */
#ifndef SRC_STARTPOS_H
#define SRC_STARTPOS_H

#include <stddef.h>
#include <stdint.h>

enum start_kind {
	START_BAD,
	START_SNAPSHOT,      /* migrate first (the default) */
	START_CURRENT,       /* the source's end of binlog now */
	START_FILEPOS,       /* FILE:POS of the source's binlog */
	START_GTID_MARIADB,  /* domain-server-seq[,...] */
	START_GTID_MYSQL,    /* uuid[:tag]:interval[:interval...][,...] */
};

/*
 * Which form s has.  FILE:POS fills file (a binlog name: no directory,
 * ending in .NNNNNN) and pos (4 or more); START_BAD fills why.
 */
enum start_kind start_parse(const char *s, char *file, size_t flen, uint64_t *pos,
    char *why, size_t wlen);

#endif
