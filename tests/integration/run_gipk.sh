#!/usr/bin/env bash
# run_gipk.sh: a MySQL destination that gives keyless tables a generated
# invisible primary key (sql_generate_invisible_primary_key = ON, as
# managed services and Group Replication setups do).
#
# The destination's CREATE TABLE of a table without a primary key adds
# my_row_id, an invisible AUTO_INCREMENT first column, which the source's
# rows lack: the stream stopped at the first change ("the source row has
# 2 columns, the destination table has 3"). Tables: one without any key,
# one with only a unique key of a NULL-able column (a unique NOT NULL one
# is MySQL's implicit primary key: no my_row_id), one keyed; a keyless table created on the source while streaming
# (its CREATE replayed, given a my_row_id too). A writer inserts, updates
# and deletes in all of them from before the copy on. Checks: every table
# holds the source's rows (without my_row_id), my_row_id is there, the
# log says it is left to the destination, and myshift verify finds all
# identical. Then a destination with sql_require_primary_key = ON (no
# GIPK): it refused the keyless tables' CREATE TABLE; now myshift's
# sessions turn it off for themselves, as a MySQL replica does (STREAM):
# the same tables, and one created and altered while streaming, come out
# identical; an account that may not change the variable (no
# SESSION_VARIABLES_ADMIN) makes the precheck fail with the fix.
# Skipped unless the destination is MySQL.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_is_mysql dst || skip "the destination is not MySQL (generated invisible primary keys are MySQL's)"
mig_source src
mig_dest dst sql_generate_invisible_primary_key=ON
srv_scratch

S=$(srv_seq 3000 q)
srv_sql src - <<EOF || fail "cannot load the source"
CREATE DATABASE gk;
USE gk;
CREATE TABLE nk (a INT, b VARCHAR(20));
INSERT INTO nk SELECT seq % 100, CONCAT('b', seq) FROM $S;
CREATE TABLE uk (u INT, v INT, UNIQUE KEY (u));
INSERT INTO uk SELECT seq, seq FROM $S;
CREATE TABLE k (id INT PRIMARY KEY, v INT);
INSERT INTO k SELECT seq, seq FROM $S;
EOF
mig_purge_binlogs src

# work I: the writer's I-th round
work() {
	local i=$1
	srv_sql src "USE gk; UPDATE nk SET b = CONCAT(b, 'x') WHERE a = $((i % 100));
	    INSERT INTO nk VALUES ($i, 'new'); DELETE FROM nk WHERE a = $(((i + 50) % 100)) LIMIT 1;
	    UPDATE uk SET v = v + 1 WHERE u % 97 = $((i % 97)); DELETE FROM uk WHERE u = $((i * 7));
	    INSERT INTO uk VALUES ($((100000 + i)), $i); UPDATE k SET v = v + 1 WHERE id = $i"
}
mig_writer work
mig_snapshot_streaming src dst "[copy]
chunk_rows = 300
workers = 3"
srv_sql src "CREATE TABLE gk.later (x INT, y VARCHAR(10)); INSERT INTO gk.later VALUES (1, 'a'), (2, 'b');
    UPDATE gk.later SET y = 'c' WHERE x = 2; DELETE FROM gk.later WHERE x = 1" ||
    fail "cannot write gk.later"
sleep 2
mig_writer_stop
mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"

for t in nk uk later; do
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'gk'
	    AND TABLE_NAME = '$t' AND COLUMN_NAME = 'my_row_id'")" = 1 ] ||
	    check_fail "gk.$t has no my_row_id on the destination: the test tests nothing"
	mig_compare_table src dst gk "$t" gk "$t" my_row_id || check_fail "gk.$t differs"
done
mig_compare_table src dst gk k || check_fail "gk.k differs"
grep -q '`gk`.`nk`: its generated invisible primary key (my_row_id) is left' "$MIG_LOG" ||
    check_fail "the log does not say gk.nk's my_row_id is left to the destination"
mig_verify
[ "$MIG_VERIFY_RC" = 0 ] && grep -q '^verify: .*identical' <<<"$MIG_VERIFY_OUT" ||
    check_fail "verify: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
mig_stop

# sql_require_primary_key = ON (without GIPK): the destination refused the
# CREATE TABLE of every keyless table (the precheck's upgrade check
# failed; with precheck = false the schema phase stopped). myshift's
# sessions now turn it off for themselves, as a MySQL replica's STREAM.
echo "sql_require_primary_key = ON"
mig_dest dst2 --sql_require_primary_key=ON
srv_sql src "DROP TABLE gk.later" || fail "cannot drop gk.later"
work2() { work $(($1 + 50000)); }
mig_writer work2
mig_config "$SRV_ROOT/myshift2.ini" src dst2 snapshot "[copy]
chunk_rows = 300
workers = 3"
mig_start "$SRV_ROOT/myshift2.ini" "$SRV_ROOT/myshift2.log"
wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_writer_stop; mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
srv_sql src "CREATE TABLE gk.later (x INT, y VARCHAR(10)); INSERT INTO gk.later VALUES (1, 'a'), (2, 'b');
    ALTER TABLE gk.later ADD INDEX (y); UPDATE gk.later SET y = 'c' WHERE x = 2" ||
    fail "cannot write gk.later"
sleep 2
mig_writer_stop
mig_wait_caught_up src dst2 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"
grep -q 'PASS  sql_require_primary_key: ON on the destination' "$MIG_LOG" ||
    check_fail "the precheck did not report sql_require_primary_key"
for t in nk uk later k; do
	mig_compare_table src dst2 gk "$t" || check_fail "gk.$t differs on dst2"
done
mig_stop

# an account that may not change it: the precheck fails, naming the fix
srv_sql dst2 "CREATE USER 'nosv'@'127.0.0.1' IDENTIFIED BY 'nosv-pw';
    GRANT ALL PRIVILEGES ON *.* TO 'nosv'@'127.0.0.1';
    REVOKE SESSION_VARIABLES_ADMIN, SYSTEM_VARIABLES_ADMIN ON *.* FROM 'nosv'@'127.0.0.1'" ||
    fail "cannot create the account nosv"
srv_sql dst2 "REVOKE SUPER ON *.* FROM 'nosv'@'127.0.0.1'" >/dev/null 2>&1
srv_sql src "CREATE DATABASE gk2; CREATE TABLE gk2.nk (a INT)" || fail "cannot create gk2"
mig_config "$SRV_ROOT/myshift3.ini" src dst2 snapshot "[filter]
include_databases = gk2"
sed -i "s/^user = $MIG_DST_USER\$/user = nosv/; s/^password = $MIG_DST_PW\$/password = nosv-pw/" \
    "$SRV_ROOT/myshift3.ini"
grep -q '^user = nosv' "$SRV_ROOT/myshift3.ini" || fail "cannot write myshift3.ini"
out=$("$MYSHIFT" precheck -c "$SRV_ROOT/myshift3.ini" 2>&1)
rc=$?
[ "$rc" != 0 ] || check_fail "precheck exited 0"
grep -A1 'FAIL  sql_require_primary_key' <<<"$out" | grep -q 'SESSION_VARIABLES_ADMIN' ||
    check_fail "the precheck does not fail sql_require_primary_key with its fix: $(grep -A1 sql_require <<<"$out")"
grep -A1 'sql_require_primary_key' <<<"$out" | cut -c1-300

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_gipk"
