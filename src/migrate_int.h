/* migrate_int.h: what the files of start = snapshot share (migrate.c runs
 * the migration; migrate_schema.c creates its databases and tables;
 * migrate_xa.c finds the XA floor).  Not for other modules. */
#ifndef MYSHIFT_MIGRATE_INT_H
#define MYSHIFT_MIGRATE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "src/cfg.h"
#include "src/collation.h"
#include "src/dest.h"
#include "src/filter.h"
#include "src/snapshot.h"

/* One selected table of the source. */
struct mtable {
	char sdb[65], stbl[65], ddb[65], dtbl[65];
	uint64_t rows_est;
	bool ours;         /* created by this migration (in copy_tables) */
	bool exists;       /* on the destination before */
	bool gone;         /* dropped on the source since it was listed */
};

struct mig {
	const struct cfg *c;
	const struct filter *f;
	struct dest src, dst;
	bool mariadb;     /* the source */
	bool dst_mariadb; /* the destination */
	struct mtable *t;
	unsigned n;
	struct collations *coll;
	char *err;
	size_t errlen;
	bool fatal;
	bool infile_on; /* local_infile turned on for the copy: off again at the end */
	bool relisting; /* mig_list_tables() again, after the schema (quiet) */
};

bool mig_fail(struct mig *m, bool fatal, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool mig_fail_dest(struct mig *m, struct dest *d);
bool mig_source_position(struct mig *m, struct snap_pos *p);

/* migrate_schema.c */
bool mig_list_tables(struct mig *m);
bool mig_mark_ours(struct mig *m);
bool mig_check_conflicts(struct mig *m, bool fresh);
bool mig_create_schema(struct mig *m);
/* After the copy's earliest position is recorded: tables created since the listing. */
bool mig_relist(struct mig *m);
bool mig_check_definitions(struct mig *m);

/* migrate_xa.c */
bool mig_xa_floor(struct mig *m);
bool mig_xa_floor_apply(struct mig *m, struct snap_pos *low);

#endif
