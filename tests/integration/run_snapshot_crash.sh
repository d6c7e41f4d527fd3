#!/usr/bin/env bash
# run_snapshot_crash.sh: start = snapshot survives kill -9 during the copy.
#
# A source with two sysbench tables, a table without a key and a parent /
# child pair (ON DELETE CASCADE), its binlogs purged, under a write load.
# myshift copies it slowly (max_rows_per_second, small chunks, three
# workers, a fresh snapshot every second) and is killed with SIGKILL five
# times at random moments of the copy, then started again each time. At
# the end (writers stopped, caught up): every table is identical, and a
# restart logged "copy: reusing N finished chunks" with N > 0. A MySQL
# destination's local_infile (OFF by default; myshift turns it on for the
# copy) is OFF again: a run after a kill turns off what a killed one
# turned on.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench
mig_source src
mig_dest dst
srv_scratch

srv_sql src "CREATE DATABASE shop" || fail "cannot create shop"
mig_sysbench src shop --tables=2 --table-size=30000 prepare >/dev/null ||
    fail "sysbench prepare failed"
S=$(srv_seq 5000 q)
srv_sql src - <<-EOF || fail "cannot load app"
	CREATE DATABASE app;
	CREATE TABLE app.nokey (x INT, y VARCHAR(20)) ENGINE=InnoDB;
	INSERT INTO app.nokey SELECT seq % 13, 'r' FROM $S;
	CREATE TABLE app.parent (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
	CREATE TABLE app.child (id INT PRIMARY KEY AUTO_INCREMENT, pid INT, KEY (pid),
	    FOREIGN KEY (pid) REFERENCES app.parent (id) ON DELETE CASCADE) ENGINE=InnoDB;
	INSERT INTO app.parent SELECT seq, 0 FROM $S WHERE seq <= 1000;
	INSERT INTO app.child (pid) SELECT seq % 1000 + 1 FROM $S;
	DELIMITER //
	CREATE PROCEDURE app.work(n INT) BEGIN
	  DECLARE i INT DEFAULT 0;
	  WHILE i < n DO
	    SET i = i + 1;
	    INSERT INTO app.nokey VALUES (i % 13, 'w');
	    DELETE FROM app.nokey WHERE x = FLOOR(RAND() * 13) LIMIT 1;
	    DELETE FROM app.parent WHERE id = FLOOR(1 + RAND() * 1000);
	    INSERT IGNORE INTO app.parent VALUES (FLOOR(2000 + RAND() * 100000), i);
	    INSERT INTO app.child (pid) SELECT MAX(id) FROM app.parent;
	    UPDATE app.parent SET v = v + 1 WHERE id = FLOOR(1 + RAND() * 1000);
	  END WHILE;
	END //
	DELIMITER ;
	EOF
mig_purge_binlogs src

mig_sysbench_cmd src shop
"${MIG_SB[@]}" --tables=2 --table-size=30000 --threads=1 --rate=100 --time=600 \
    run >"$SRV_ROOT/sysbench.log" 2>&1 &
SB=$!
(
	while [ -d "$SRV_ROOT" ] && [ ! -e "$SRV_ROOT/stop" ]; do # ends with the test
		srv_sql src "CALL app.work(10)" >/dev/null 2>&1 || sleep 0.2
	done
) &
WR=$!
stop_writers() {
	touch "$SRV_ROOT/stop"
	kill "$SB" 2>/dev/null
	wait "$SB" 2>/dev/null
	wait "$WR" 2>/dev/null
}

mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "[copy]
workers = 3
chunk_rows = 500
max_rows_per_second = 4000
snapshot_max_age = 1"
mig_start "$SRV_ROOT/myshift.ini"
killed=0
for k in 1 2 3 4 5; do
	sleep "$((1 + RANDOM % 3)).$((RANDOM % 10))"
	if grep -q 'phase: catch-up' "$MIG_LOG"; then
		echo "kill $k: the copy is over already"
		break
	fi
	mig_kill
	killed=$k
	echo "kill $k: killed during the copy"
	mig_start "$SRV_ROOT/myshift.ini"
done
wait_until -t 240 log_contains "$MIG_LOG" 'phase: streaming' ||
    { stop_writers; mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
sleep 2
stop_writers
mig_wait_caught_up src dst 180 || fail "myshift did not catch up"

ERRORS=0
grep -E 'reusing [0-9]+ finished chunks' "$MIG_LOG" | sed 's/.*copy: //'
n=$(grep -oE 'reusing [0-9]+ finished' "$MIG_LOG" | awk '{ print $2 }' | sort -n | tail -n 1)
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "FAIL: no restart reused finished chunks" >&2; ERRORS=1; }
if srv_is_mysql dst; then
	[ "$(srv_sql dst "SELECT @@global.local_infile")" = 0 ] ||
	    { echo "FAIL: local_infile left ON on the destination" >&2; ERRORS=1; }
	[ "$killed" = 0 ] || grep -q 'local_infile was turned ON by an earlier run' "$MIG_LOG" ||
	    { echo "FAIL: no run after a kill took over local_infile" >&2; ERRORS=1; }
fi
for db in shop app; do
	mig_compare_db src dst "$db" || { echo "FAIL: the tables of $db differ" >&2; ERRORS=1; }
done
mig_stop
[ "$ERRORS" = 0 ] || fail "checks failed"
echo "PASS: run_snapshot_crash"
