#!/usr/bin/env bash
# run_collation.sh: collations cross between vendors by name, and
# [apply] collation_map maps those the destination lacks.
#
# Runs on the test's pair (MYSHIFT_PAIR).  The source creates databases,
# tables and columns in its default collation, in explicit collations
# (COLLATE clauses, in versioned comments too), with CHARACTER SET clauses
# without COLLATE (which take each server's own default for the charset),
# and in latin1; rows in each.  Expected on the destination, per column,
# table and database: the source's collation name, passed through the map
# when the destination lacks it.
#
#   - Pairs where the destination lacks a collation the source uses
#     (MySQL 9.7 -> MariaDB 10.11: utf8mb4_0900_*; MariaDB 11.8 -> MySQL
#     9.7: utf8mb4_uca1400_ai_ci): first without a map, myshift must
#     stop (exit 1) at the first statement that uses it, naming the
#     collation and collation_map, with nothing applied; then with the
#     map, everything replays.
#   - check-config rejects a malformed collation_map naming its line (exit
#     2); a map to a collation the destination does not have stops the run
#     naming it.
#   - Rows compared row by row (hex), the collations by name.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
trap 'mig_stop 20; srv_cleanup_all' EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT

# The map for collations of the source the destination lacks.
# WANT: the collation the stop names, and the map it suggests; STOPDB:
# the database of the statement it stops at (not on the destination).
MAP=""
WANT=""
STOPDB=c1
case "$(srv_flavour src)>$(srv_flavour dst)" in
mysql-*\>mariadb-10.11)
	MAP="utf8mb4_0900_ai_ci:utf8mb4_uca1400_ai_ci,utf8mb4_0900_bin:utf8mb4_nopad_bin"
	MAP="$MAP,utf8mb4_0900_as_cs:utf8mb4_uca1400_as_cs"
	WANT="no collation utf8mb4_0900_ai_ci.*collation_map = utf8mb4_0900_ai_ci:utf8mb4_uca1400_ai_ci"
	;;
mariadb-11.8\>mysql-*)
	# MariaDB 11's default utf8mb4 collation, UCA 14.0, is not MySQL's
	MAP="utf8mb4_uca1400_ai_ci:utf8mb4_0900_ai_ci"
	WANT="no collation utf8mb4_uca1400_ai_ci.*collation_map = utf8mb4_uca1400_ai_ci:utf8mb4_0900_ai_ci"
	# c1 takes collation_server (utf8mb4_general_ci in Debian's
	# MariaDB), c2's CHARACTER SET utf8mb4 the charset's default
	STOPDB=c2
	;;
esac

# Collations the source has for the workload: its utf8mb4 default, and an
# explicit one of its own flavour.
src_default=$(srv_sql src "SELECT @@collation_server")
if srv_is_mysql src; then
	explicit=utf8mb4_0900_bin
	tabdef=utf8mb4_0900_as_cs
else
	explicit=utf8mb4_unicode_520_ci
	tabdef=utf8mb4_bin
fi

workload() {
	cat <<-EOF
	CREATE DATABASE c1;
	CREATE DATABASE c2 CHARACTER SET utf8mb4;
	CREATE DATABASE c3 /*!40100 DEFAULT CHARACTER SET latin1 */;
	USE c1;
	CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(20), c VARCHAR(10) CHARACTER SET utf8mb4,
	    l VARCHAR(5) CHARSET latin1, e VARCHAR(10) COLLATE $explicit,
	    g VARCHAR(30) GENERATED ALWAYS AS (CONCAT(s, 'x')) STORED) DEFAULT CHARSET=utf8mb4;
	CREATE TABLE u (id INT PRIMARY KEY, s VARCHAR(20))
	    /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE $tabdef */;
	INSERT INTO t (id, s, c, l, e) VALUES (1, 'ä😀', 'x', 'é', 'Zz'), (2, 'b', NULL, NULL, 'a');
	INSERT INTO u VALUES (1, 'Ä');
	ALTER TABLE u ADD COLUMN v VARCHAR(5) CHARACTER SET utf8mb4 DEFAULT 'q';
	UPDATE u SET v = 'ß' WHERE id = 1;
	USE c2;
	CREATE TABLE t (id INT PRIMARY KEY, s TEXT);
	INSERT INTO t VALUES (1, 'Straße');
	USE c3;
	CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(10), m VARCHAR(10) CHARACTER SET utf8mb4);
	INSERT INTO t VALUES (1, 'ü', '😀');
	EOF
}

# The collations of every column, table and database of c1..c3 on NAME,
# source names passed through the map for the destination's view.
collations_of() {
	srv_sql "$1" "SELECT CONCAT('db ', SCHEMA_NAME, ' ', DEFAULT_COLLATION_NAME)
	    FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('c1','c2','c3')
	    UNION ALL SELECT CONCAT('table ', TABLE_SCHEMA, '.', TABLE_NAME, ' ', TABLE_COLLATION)
	    FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('c1','c2','c3')
	    UNION ALL SELECT CONCAT('column ', TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME,
	    ' ', COLLATION_NAME) FROM information_schema.COLUMNS
	    WHERE TABLE_SCHEMA IN ('c1','c2','c3') AND COLLATION_NAME IS NOT NULL" | sort
}

mapped() {
	local line pair
	while IFS= read -r line; do
		for pair in ${MAP//,/ }; do
			case $line in *" ${pair%%:*}") line="${line% *} ${pair#*:}" ;; esac
		done
		echo "$line"
	done
}

# A malformed map is a config error with its line.
mig_config "$T/bad.ini" src dst "" "[apply]
collation_map = utf8mb4_0900_ai_ci=utf8mb4_general_ci"
out=$("$MYSHIFT" check-config -c "$T/bad.ini" 2>&1)
rc=$?
[ $rc -eq 2 ] || fail "check-config of a malformed collation_map: exit $rc, want 2: $out"
echo "$out" | grep -q 'bad.ini:[0-9][0-9]*: \[apply\] collation_map' ||
    fail "check-config does not name the line of collation_map: $out"

# A map to a collation the destination does not have stops the run.
mig_config "$T/nodst.ini" src dst "" "[apply]
collation_map = utf8mb4_0900_ai_ci:no_such_collation_ci"
mig_start "$T/nodst.ini"
mig_wait_exit 60 || fail "myshift kept running with a map to a missing collation"
[ "$MIG_RC" = 1 ] || fail "map to a missing collation: exit $MIG_RC, want 1"
grep -q 'no collation no_such_collation_ci' "$MIG_LOG" ||
    fail "the error does not name the missing collation: $(mig_log_tail 3)"
srv_sql dst "DROP DATABASE IF EXISTS myshift"

if [ -n "$MAP" ]; then
	# Without the map: a stop naming the collation and the key.
	mig_config "$T/nomap.ini" src dst
	mig_start "$T/nomap.ini"
	mig_wait_started dst || fail "myshift did not start"
	workload | srv_sql src - --default-character-set=utf8mb4 || fail "workload failed"
	mig_wait_exit 60 || fail "myshift kept running on a collation the destination lacks"
	[ "$MIG_RC" = 1 ] || fail "missing collation: exit $MIG_RC, want 1"
	grep -q "$WANT" "$MIG_LOG" || fail "the error does not name the collation and the key: $(mig_log_tail 3)"
	[ -z "$(srv_sql dst "SHOW DATABASES LIKE '$STOPDB'")" ] ||
	    fail "the statement myshift stopped at was applied"
	# Start again with the map, from the same checkpoint.
	mig_config "$T/m.ini" src dst "" "[apply]
collation_map = $MAP"
	mig_start "$T/m.ini"
else
	mig_config "$T/m.ini" src dst
	mig_start "$T/m.ini"
	mig_wait_started dst || fail "myshift did not start"
	workload | srv_sql src - --default-character-set=utf8mb4 || fail "workload failed"
fi
mig_wait_caught_up src dst 120 || fail "myshift did not catch up"

rc=0
for db in c1 c2 c3; do
	mig_compare_db src dst $db || rc=1
done
collations_of src | mapped >"$T/coll.src"
collations_of dst >"$T/coll.dst"
if ! cmp -s "$T/coll.src" "$T/coll.dst"; then
	echo "collations differ (< source through the map, > destination):" >&2
	diff "$T/coll.src" "$T/coll.dst" >&2
	rc=1
fi
grep -q "column c1.t.c " "$T/coll.dst" || fail "no collations read from the destination"
echo "source default $src_default; map '${MAP:-none}'; $(wc -l <"$T/coll.dst") collations compared"
mig_stop
[ "$MIG_RC" = 0 ] || fail "myshift exited $MIG_RC on SIGTERM"
[ $rc -eq 0 ] || fail "the destination differs"
echo "run_collation: ok ($(srv_flavour src) -> $(srv_flavour dst))"
