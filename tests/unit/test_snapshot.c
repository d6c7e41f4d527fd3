/* test_snapshot.c: the order of binlog positions (the seam of a snapshot copy depends on it). */
#include "src/snapshot.h"
#include "tests/unit/t.h"

static const struct {
	const char *fa;
	uint64_t pa;
	const char *fb;
	uint64_t pb;
	int want; /* sign */
} cases[] = {
	{ "bin.000001", 4, "bin.000001", 4, 0 },
	{ "bin.000001", 4, "bin.000001", 5, -1 },
	{ "bin.000001", 900000, "bin.000002", 4, -1 },
	{ "bin.000002", 4, "bin.000001", 900000, 1 },
	/* past 999999 the number grows a digit: numbers compare, not text */
	{ "bin.999999", 4, "bin.1000000", 4, -1 },
	{ "bin.1000000", 4, "bin.999999", 1 << 30, 1 },
	{ "mysql-bin.000010", 120, "mysql-bin.000009", 99999999, 1 },
	{ "a-bin.000010", 120, "a-bin.000010", 119, 1 },
	/* positions past 4 GiB (MariaDB) */
	{ "bin.000003", 5000000000ULL, "bin.000003", 4294967295ULL, 1 },
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = snap_pos_cmp(cases[i].fa, cases[i].pa, cases[i].fb, cases[i].pb);
		T_CASE(cases[i].fa);
		T_CHECK((got > 0) - (got < 0) == cases[i].want, "%s:%llu vs %s:%llu: got %d, "
		    "want %d", cases[i].fa, (unsigned long long)cases[i].pa, cases[i].fb,
		    (unsigned long long)cases[i].pb, got, cases[i].want);
	}
	return t_done();
}
