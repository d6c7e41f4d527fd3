#!/usr/bin/env bash
# run_nontx.sh: tables of an engine without transactions (MyISAM) written
# during the copy, the catch-up and the stream.
#
# A snapshot does not hold a MyISAM table still: a chunk read after its
# snapshot's position may hold changes logged after it. The source holds a
# keyed MyISAM table, a MyISAM table without a key and an InnoDB table,
# all written by a procedure the whole time. Checks:
#   - the precheck fails without LOCK TABLES for the source account (the
#     keyless MyISAM table is read under LOCK TABLES ... READ), naming it;
#   - with it, myshift migrates (start = snapshot) and streams: every table
#     is identical row by row after it caught up (the keyed table's chunks
#     are replayed idempotently until past their reads; the keyless one's
#     position is exact), and its log says the keyless table was locked;
#   - into MySQL enforcing GTID consistency (which refuses a MyISAM change
#     inside a transaction), the stream writes such rows outside its
#     batches and does not stop;
#   - myshift verify finds every table identical.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

S=$(srv_seq 60000 q)
srv_sql src - <<EOF || fail "cannot load the source"
CREATE DATABASE m;
USE m;
CREATE TABLE k (id INT NOT NULL PRIMARY KEY, n INT, s VARCHAR(40)) ENGINE=MyISAM;
INSERT INTO k SELECT seq, seq, REPEAT('x', 30) FROM $S;
CREATE TABLE nk (a INT, b VARCHAR(40), KEY (a)) ENGINE=MyISAM;
INSERT INTO nk SELECT seq % 1000, REPEAT('y', 30) FROM $S WHERE seq <= 20000;
CREATE TABLE i (id INT NOT NULL PRIMARY KEY, n INT) ENGINE=InnoDB;
INSERT INTO i SELECT seq, seq FROM $S;
DELIMITER //
CREATE PROCEDURE w(j INT) BEGIN
  DECLARE x INT DEFAULT 0;
  WHILE x < 300 DO
    SET x = x + 1;
    SET @r = FLOOR(1 + RAND() * 60000); UPDATE k SET n = n + 1 WHERE id = @r;
    INSERT INTO k VALUES (100000 + j * 1000 + x, x, 'new') ON DUPLICATE KEY UPDATE n = n + 1;
    SET @r = FLOOR(1 + RAND() * 60000); DELETE FROM k WHERE id = @r;
    SET @r = FLOOR(RAND() * 1000); UPDATE nk SET a = a + 1 WHERE a = @r LIMIT 1;
    INSERT INTO nk VALUES (x, 'new');
    SET @r = FLOOR(RAND() * 1000); DELETE FROM nk WHERE a = @r LIMIT 1;
    SET @r = FLOOR(1 + RAND() * 60000); UPDATE i SET n = n + 1 WHERE id = @r;
  END WHILE;
END //
DELIMITER ;
EOF
mig_purge_binlogs src

echo "precheck without LOCK TABLES"
mig_config "$SRV_ROOT/myshift.ini" src dst snapshot
out=$("$MYSHIFT" precheck -c "$SRV_ROOT/myshift.ini" 2>&1)
rc=$?
[ "$rc" != 0 ] && grep -q 'FAIL.*source privileges.*LOCK TABLES' <<<"$out" ||
    check_fail "precheck: exit $rc, no FAIL naming LOCK TABLES: $(grep -i 'lock' <<<"$out" | head -n 3)"
srv_sql src "GRANT LOCK TABLES ON *.* TO '$MIG_REPL_USER'@'127.0.0.1'" || fail "GRANT"

work() {
	srv_sql src "CALL m.w($1)"
}
mig_writer work
sleep 1
mig_snapshot_streaming src dst "[copy]
chunk_rows = 2000
workers = 2"
sleep 3
mig_writer_stop
mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"
mig_compare_db src dst m || check_fail "the tables of m differ"
grep -q '`m`.`nk` chunk 0: not transactional and without a key: read under LOCK TABLES' \
    "$MIG_LOG" || check_fail "the log does not say the keyless MyISAM table was read locked"
if srv_is_mysql dst; then
	grep -q '`m`.`k`: its engine has no transactions and the destination enforces GTID' \
	    "$MIG_LOG" || check_fail "the log does not say how MyISAM rows are written into MySQL"
fi
mig_verify
[ "$MIG_VERIFY_RC" = 0 ] && grep -q '^verify: .*identical' <<<"$MIG_VERIFY_OUT" ||
    check_fail "myshift verify: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
mig_stop
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_nontx"
