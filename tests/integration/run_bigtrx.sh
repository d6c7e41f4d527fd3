#!/usr/bin/env bash
# run_bigtrx.sh: transactions too big to hold (more than [apply]
# batch_bytes = 256K), applied as they arrive, come out exact, and rows of
# tables with only a primary key are written by their net effect there too.
#
# Until 2026-12-06 such a transaction was replayed one statement per row:
# a 300,000-row UPDATE took 20 s where the native replica took 3 (see
# tests/bench/README). Now its rows are folded into the net effect and
# written every batch_bytes of rows events (multi-row upserts and deletes),
# inside the one destination transaction.
#
# Each numbered transaction below is one source transaction of well over
# 256K, on an InnoDB table nt (primary key, a secondary index, a TEXT
# column) unless said otherwise:
#   1. UPDATE of every row;
#   2. every row updated twice, a third of them deleted, some deleted ones
#      inserted again with other values, new rows (keys met again across
#      the flushes);
#   3. the primary key shifted (id = id + 1, from the top down), then
#      shifted back (keys that leave and come back);
#   4. rows of nt and of a parent and a child table (a foreign key: written
#      in order) interleaved;
#   5. a SAVEPOINT, rows, ROLLBACK TO SAVEPOINT (on MariaDB with a MyISAM
#      table written after the savepoint, so that the rollback is logged),
#      rows. The replica took "ROLLBACK TO" for the transaction's end: the
#      stream stopped ("SAVEPOINT sp1 does not exist");
#   6. DELETE of half the rows;
#   7. as 5 in a small transaction (held whole): on MariaDB, whose
#      transactions have no BEGIN event, the replica ended the group at
#      the SAVEPOINT (committing the transaction's first part alone).
# Checks after each: nt and the other tables identical to the source;
# after 1, the destination ran fewer than 2,000 UPDATE statements for the
# 20,000 rows (Com_update: the net path is taken); at the end myshift
# logged no ERROR.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

N=20000
S=$(srv_seq $N q)
mig_config "$SRV_ROOT/myshift.ini" src dst here "[apply]
batch_bytes = 256K"
mig_start "$SRV_ROOT/myshift.ini"
mig_wait_started dst || fail "myshift did not start"

srv_sql src "CREATE DATABASE bt; USE bt;
    CREATE TABLE nt (id INT PRIMARY KEY, k INT, c VARCHAR(200), t TEXT, KEY (k));
    INSERT INTO nt SELECT seq, seq % 100, REPEAT(CHAR(65 + seq % 26), 150), CONCAT('t', seq) FROM $S;
    CREATE TABLE pa (id INT PRIMARY KEY, v INT);
    INSERT INTO pa SELECT seq, seq FROM $S;
    CREATE TABLE ch (id INT PRIMARY KEY, pid INT, v INT,
        FOREIGN KEY (pid) REFERENCES pa (id) ON DELETE CASCADE);
    CREATE TABLE my (id INT PRIMARY KEY, v INT) ENGINE = MyISAM" ||
    fail "cannot load the source"

check() {
	local what=$1
	mig_wait_caught_up src dst 180 || { mig_log_tail 20; fail "$what: myshift did not catch up"; }
	for t in nt pa ch my; do
		mig_compare_table src dst bt "$t" || check_fail "$what: bt.$t differs"
	done
	echo "$what: identical ($(srv_sql dst "SELECT COUNT(*) FROM bt.nt") rows in nt)"
}
com_update() {
	srv_sql dst "SHOW GLOBAL STATUS LIKE 'Com_update'" | awk '{ print $2 }'
}
check "loaded"

u0=$(com_update)
srv_sql src "UPDATE bt.nt SET c = REPEAT(CHAR(97 + id % 26), 160), k = k + 1" || fail "trx 1"
check "1. update of every row"
u1=$(com_update)
[ $((u1 - u0)) -lt 2000 ] ||
    check_fail "1: the destination ran $((u1 - u0)) UPDATE statements for $N rows: not the net path"

srv_sql src "BEGIN;
    UPDATE bt.nt SET k = k + 1, t = CONCAT(t, 'a');
    UPDATE bt.nt SET c = CONCAT(LEFT(c, 100), id) WHERE id % 2 = 0;
    DELETE FROM bt.nt WHERE id % 3 = 0;
    INSERT INTO bt.nt SELECT seq, -1, 'again', NULL FROM $S WHERE seq % 9 = 0;
    INSERT INTO bt.nt SELECT seq + $N, seq, REPEAT('n', 150), 'new' FROM $S WHERE seq <= 3000;
    UPDATE bt.nt SET t = 'last' WHERE id % 7 = 0;
    COMMIT" || fail "trx 2"
check "2. keys met again"

srv_sql src "BEGIN; UPDATE bt.nt SET id = id + 1 ORDER BY id DESC;
    UPDATE bt.nt SET id = id - 1 ORDER BY id; COMMIT" || fail "trx 3"
check "3. keys shifted and back"

u0=$(com_update)
srv_sql src "BEGIN;
    INSERT INTO bt.ch SELECT id, id, 1 FROM bt.pa WHERE id % 5 = 1;
    UPDATE bt.nt SET k = k + 5 WHERE id % 5 = 1;
    UPDATE bt.ch SET v = v + 1;
    DELETE FROM bt.nt WHERE id % 10 = 1;
    DELETE FROM bt.pa WHERE id % 10 = 1;
    UPDATE bt.nt SET c = 'after' WHERE id % 5 = 2;
    UPDATE bt.pa SET v = v + 1;
    COMMIT" || fail "trx 4"
check "4. with a foreign key"
# pa has only its primary key but a foreign key references it: its rows
# must be written one by one, in order (not by their net effect)
u1=$(com_update)
[ $((u1 - u0)) -ge 18000 ] ||
    check_fail "4: $((u1 - u0)) UPDATE statements for the 18,000 rows of bt.pa: it was batched"

# (MySQL enforcing GTID consistency refuses MyISAM inside a transaction)
myisam="INSERT INTO bt.my VALUES (1, 1);"
srv_is_mysql src && myisam=
srv_sql src "BEGIN;
    UPDATE bt.nt SET k = 1000 WHERE id % 4 = 0;
    SAVEPOINT sp1;
    UPDATE bt.nt SET k = 2000, c = 'rolled back' WHERE id % 4 = 1;
    $myisam
    ROLLBACK TO SAVEPOINT sp1;
    UPDATE bt.nt SET k = 3000 WHERE id % 4 = 2;
    COMMIT" || fail "trx 5"
check "5. savepoint"
srv_is_mysql src || "$top_builddir/myshift-binlog" "$(srv_binlogs src | tail -n 1)" 2>/dev/null |
    grep -qi 'ROLLBACK TO' || check_fail "5: no ROLLBACK TO in the source's binlog: not tested"

srv_sql src "DELETE FROM bt.nt WHERE id % 2 = 1" || fail "trx 6"
check "6. delete of half"

myisam="INSERT INTO bt.my VALUES (2, 2);"
srv_is_mysql src && myisam=
srv_sql src "BEGIN;
    UPDATE bt.nt SET k = 7 WHERE id < 100;
    SAVEPOINT sp2;
    UPDATE bt.nt SET k = 8, c = 'rolled back' WHERE id < 200;
    $myisam
    ROLLBACK TO SAVEPOINT sp2;
    UPDATE bt.nt SET k = 9 WHERE id BETWEEN 100 AND 300;
    COMMIT" || fail "trx 7"
check "7. savepoint in a small transaction"

mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"
grep -q ' ERROR ' "$MIG_LOG" && check_fail "myshift logged an error: $(grep ' ERROR ' "$MIG_LOG" | head -n 1)"
mig_stop
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_bigtrx"
