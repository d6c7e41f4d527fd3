#!/usr/bin/env bash
# run_snapshot_ddl.sh: DROP TABLE, TRUNCATE TABLE and CREATE TABLE on the
# source while `myshift run` (start = snapshot) copies it.
#
# The source has d.big (60,000 rows, the biggest: copied first), d.a
# (20,000), d.c (5,000) and d.x (4,000), copied in that order. The copy is
# throttled (10,000 rows/s, 2 workers, chunks of 2,000 rows) so that it
# takes about 9 s; a writer updates d.a all along. 1.5 s into the copy,
# while d.big is being read, at once: TRUNCATE TABLE d.c then one row
# inserted, DROP TABLE d.x, CREATE TABLE d.n with two rows. On MariaDB
# each chunk is read in a snapshot of its own, so the DDL does not wait:
# d.c is read after it (in a fresh snapshot; should a snapshot older than
# the TRUNCATE read it, error 1412, "table definition has changed", it is
# read again in a fresh one: the log then says so, shown but not required,
# as that takes a TRUNCATE in the milliseconds between a snapshot's start
# and its read) and holds its one row; d.x is gone (error 1146), so it is
# skipped and the catch-up replays its DROP. On MySQL the DDL waits for
# the copy's backup lock and runs after it. Either way: the migration
# reaches streaming with no ERROR, d.x does not exist on the destination,
# d.big, d.a, d.c and d.n are identical, and (MariaDB) the log says d.x
# was gone.
#
# Part 2: a migration of database e (e.big, 60,000 rows, e.y, and e.k
# without a key) is killed (SIGKILL) as its copy starts, so slow that no
# chunk is done; rows of e.k are changed, e.y and e.k dropped on the source
# and e.big changed, e.n2 created with two rows; myshift is run again
# (e.n2 is listed and created by its schema phase, and its CREATE, in the
# catch-up, is found done and not replayed): e.y and e.k must be recorded
# gone (e.k's changes before then skipped, its copy holding no row), and be
# gone from the destination once streaming (the
# catch-up starts where the source was before the first run's first
# snapshot, so it replays the DROP); e.y is created again on the source
# once the second run found it gone: it must stay (the catch-up replays
# DROP then CREATE, and the end of the catch-up must not drop it again);
# e.big, e.n2 and the new e.y identical.
#
# Part 3: a migration of database f (120 tables of two rows); as soon as
# its schema phase starts, f.t001 and f.t110 are dropped on the source and
# f.new created: no ERROR, neither dropped table on the destination once
# streaming (one created before its DROP, found gone by the copy and
# dropped when the catch-up ends; one left out by the schema phase), f.new
# created and copied (the tables are listed again once the stream's start
# is recorded), every table identical.
#
# Part 4 (a MariaDB source): how long DDL on a copied table waits for the
# copy. Database g: g.t1 (30,000 short rows, copied first) and g.t2
# (20,000 rows of 500 bytes), copied by one worker under 1 MB/s, so that
# g.t2 takes about 10 s; snapshot_max_age = 120. Once a chunk of g.t2 is
# done, TRUNCATE TABLE g.t1 on the source: the snapshot that read g.t1
# must not hold its metadata lock while g.t2 is copied (each chunk is read
# in a snapshot of its own, ended after it): the TRUNCATE must take under
# 4 s (it waited for the whole copy of g.t2 before), and the tables come
# out identical (g.t1 empty). On MySQL the backup lock keeps DDL out of
# the whole copy by design: skipped there.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

srv_sql src "CREATE DATABASE d;
    CREATE TABLE d.big (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    CREATE TABLE d.c (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    CREATE TABLE d.x (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    CREATE TABLE d.a (id INT PRIMARY KEY, v VARCHAR(40), n INT NOT NULL DEFAULT 0) ENGINE=InnoDB;
    INSERT INTO d.big SELECT seq, CONCAT('big ', seq) FROM $(srv_seq 60000 q);
    INSERT INTO d.a (id, v) SELECT seq, CONCAT('a ', seq) FROM $(srv_seq 20000 q);
    INSERT INTO d.c SELECT seq, CONCAT('c ', seq) FROM $(srv_seq 5000 q);
    INSERT INTO d.x SELECT seq, CONCAT('x ', seq) FROM $(srv_seq 4000 q);
    ANALYZE TABLE d.big, d.c, d.x, d.a" >/dev/null || fail "cannot load the source"

mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "[copy]
workers = 2
chunk_rows = 2000
max_rows_per_second = 10000"
mig_start "$SRV_ROOT/myshift.ini"
wait_until -t 60 log_contains "$MIG_LOG" 'phase: copy' ||
    { mig_log_tail 20; fail "myshift did not start the copy"; }
rm -f "$SRV_ROOT/writer.stop"
(
	while [ ! -e "$SRV_ROOT/writer.stop" ]; do
		srv_sql src "UPDATE d.a SET n = n + 1, v = CONCAT('w ', id) WHERE id = $((RANDOM % 20000 + 1))" ||
		    exit 1
	done
) &
writer=$!
sleep 1.5
log_contains "$MIG_LOG" 'phase: (indexes|catch-up)' &&
    check_fail "the copy was over before the DDL: make it slower"
t0=$SECONDS
# (each on its own: on MySQL they wait for the copy's end)
srv_sql src "TRUNCATE TABLE d.c; INSERT INTO d.c VALUES (7, 'after the truncate')" &
p1=$!
srv_sql src "DROP TABLE d.x" &
p2=$!
srv_sql src "CREATE TABLE d.n (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    INSERT INTO d.n VALUES (1, 'new'), (2, 'newer')" &
p3=$!
wait "$p1" || fail "TRUNCATE TABLE d.c failed"
wait "$p2" || fail "DROP TABLE d.x failed"
wait "$p3" || fail "CREATE TABLE d.n failed"
echo "DDL on the source done in $((SECONDS - t0)) s"
wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
    { touch "$SRV_ROOT/writer.stop"; mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
touch "$SRV_ROOT/writer.stop"
wait "$writer" || check_fail "the writer failed"
mig_alive || fail "myshift exited: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1 | cut -c1-300)"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up"

[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 'x'")" = 0 ] ||
    check_fail "d.x, dropped on the source during the copy, is still on the destination"
for t in big a c n; do
	mig_compare_table src dst d "$t" || check_fail "d.$t differs"
done
[ "$(srv_sql dst "SELECT GROUP_CONCAT(id) FROM d.c")" = 7 ] ||
    check_fail "d.c on the destination is not the one row after the truncate"
if ! srv_is_mysql src; then
	grep -q '`d`.`x` no longer exists on the source' "$MIG_LOG" ||
	    check_fail "the log does not say d.x was gone"
fi
grep -E 'changed by DDL|no longer exists' "$MIG_LOG" | cut -c1-240 | sed 's/^/  | /'
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

echo "part 2: a table dropped while myshift was down during the copy"
srv_sql src "CREATE DATABASE e;
    CREATE TABLE e.big (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    CREATE TABLE e.y (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    CREATE TABLE e.k (id INT NOT NULL, v INT NOT NULL) ENGINE=InnoDB;
    INSERT INTO e.big SELECT seq, CONCAT('big ', seq) FROM $(srv_seq 60000 q);
    INSERT INTO e.y SELECT seq, CONCAT('y ', seq) FROM $(srv_seq 10000 q);
    INSERT INTO e.k SELECT seq, seq FROM $(srv_seq 100 q);
    ANALYZE TABLE e.big, e.y, e.k" >/dev/null || fail "cannot load e"
# first so slow (500 rows/s) that no chunk is done when it is killed: the
# DROP then comes before any position a chunk is read at
mig_config "$SRV_ROOT/myshift2.ini" src dst snapshot "[apply]
state_schema = myshift2
[filter]
include_databases = e
[copy]
workers = 2
chunk_rows = 2000
max_rows_per_second = 500"
MIG_STATE_SCHEMA=myshift2
mig_start "$SRV_ROOT/myshift2.ini" "$SRV_ROOT/myshift2.log"
wait_until -t 60 log_contains "$MIG_LOG" 'phase: copy' ||
    { mig_log_tail 20; fail "myshift did not start the copy of e"; }
sleep 0.5
mig_kill
srv_sql src "UPDATE e.k SET v = v + 1 WHERE id <= 5; DELETE FROM e.k WHERE id = 9;
    DROP TABLE e.y, e.k; UPDATE e.big SET v = 'after the drop' WHERE id <= 10;
    CREATE TABLE e.n2 (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
    INSERT INTO e.n2 VALUES (1, 'while down'), (2, 'while down')" ||
    fail "cannot drop e.y and e.k, create e.n2"
sed -i 's/^max_rows_per_second = 500$/max_rows_per_second = 20000/' "$SRV_ROOT/myshift2.ini"
mig_start "$SRV_ROOT/myshift2.ini" "$SRV_ROOT/myshift2.log"
# e.y created again once found gone, while the copy goes on: the catch-up
# replays its DROP then its CREATE, and must leave the new one in place
wait_until -t 60 log_contains "$MIG_LOG" '`e`.`y` no longer exists on the source' ||
    { mig_log_tail 20; fail "myshift did not find e.y gone"; }
srv_sql src "CREATE TABLE e.y (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB;
    INSERT INTO e.y VALUES (1, 'created again')" || fail "cannot create e.y again"
log_contains "$MIG_LOG" 'phase: catch-up' &&
    echo "note: the copy was over before e.y was created again"
wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_log_tail 20; fail "myshift did not reach the streaming phase (part 2)"; }
mig_wait_caught_up src dst 60 || fail "myshift did not catch up (part 2)"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'e' AND TABLE_NAME = 'k'")" = 0 ] ||
    check_fail "e.k, dropped on the source while myshift was down, is still on the destination"
mig_compare_table src dst e y || check_fail "e.y, dropped then created again, differs"
srv_sql src "INSERT INTO e.n2 VALUES (3, 'after'); UPDATE e.n2 SET v = 'changed' WHERE id = 1" ||
    fail "cannot write e.n2"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up (part 2, e.n2)"
mig_compare_table src dst e big || check_fail "e.big differs"
mig_compare_table src dst e n2 || check_fail "e.n2 differs"
grep -q 'CREATE TABLE `e`.`n2` during the copy not replayed: the migration.s schema phase made it' "$MIG_LOG" ||
    check_fail "the log does not say e.n2's CREATE was found done by the schema phase:" \
    "$(grep -E "n2|copy done|stream starts" "$MIG_LOG" | cut -c1-250)"
grep -q '`e`.`y` no longer exists on the source' "$MIG_LOG" &&
    grep -q '`e`.`k` no longer exists on the source' "$MIG_LOG" ||
    check_fail "the log does not say e.y and e.k were gone"
grep -q 'dropped on the destination too' "$MIG_LOG" &&
    check_fail "a table of e was dropped when the catch-up ended: its DROP was in the catch-up"
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

echo "part 3: tables dropped while the schema is created"
sql="CREATE DATABASE f;"
for i in $(seq -w 1 120); do
	sql="$sql CREATE TABLE f.t$i (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
	    INSERT INTO f.t$i VALUES (1, $i), (2, $i);"
done
srv_sql src "$sql" || fail "cannot create f"
mig_config "$SRV_ROOT/myshift3.ini" src dst snapshot "[apply]
state_schema = myshift3
[filter]
include_databases = f"
MIG_STATE_SCHEMA=myshift3
mig_start "$SRV_ROOT/myshift3.ini" "$SRV_ROOT/myshift3.log"
t0=$SECONDS
until log_contains "$MIG_LOG" 'phase: schema'; do
	[ $((SECONDS - t0)) -lt 60 ] || { mig_log_tail 20; fail "myshift did not start the schema of f"; }
	sleep 0.02
done
# f.t001 is likely created on the destination already (then found gone
# by the copy), f.t110 likely not yet (then left out by the schema)
srv_sql src "DROP TABLE f.t001, f.t110;
    CREATE TABLE f.new (id INT PRIMARY KEY, v INT) ENGINE=InnoDB; INSERT INTO f.new VALUES (1, 1)" ||
    fail "cannot drop f.t001 and f.t110, create f.new"
wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_log_tail 20; fail "myshift did not reach the streaming phase (part 3)"; }
mig_wait_caught_up src dst 60 || fail "myshift did not catch up (part 3)"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'f' AND TABLE_NAME IN ('t001', 't110')")" = 0 ] ||
    check_fail "f.t001 or f.t110, dropped on the source, are on the destination"
srv_sql src "INSERT INTO f.new VALUES (2, 2)" || fail "cannot insert into f.new"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up (part 3, f.new)"
mig_compare_table src dst f new || check_fail "f.new, created while the schema was, differs"
# every row of the 118 others, in one statement a side
sql=
for i in $(seq -w 2 109) $(seq 111 120); do
	sql="$sql${sql:+ UNION ALL }SELECT 't$i', id, v FROM f.t$i"
done
[ "$(srv_sql src "$sql ORDER BY 1, 2")" = "$(srv_sql dst "$sql ORDER BY 1, 2")" ] &&
    [ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'f'")" = 119 ] ||
    check_fail "f differs"
grep -E '`f`.`(t001|t110|new)`' "$MIG_LOG" | cut -c1-200 | sed 's/^/  | /'
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

if srv_is_mysql src; then
	echo "part 4: skipped (a MySQL source: the backup lock keeps DDL out of the whole copy)"
else
	echo "part 4: DDL on a table copied already waits at most for one chunk"
	srv_sql src "CREATE DATABASE g;
	    CREATE TABLE g.t1 (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
	    CREATE TABLE g.t2 (id INT PRIMARY KEY, v VARCHAR(500)) ENGINE=InnoDB;
	    INSERT INTO g.t1 SELECT seq, seq FROM $(srv_seq 30000 q);
	    INSERT INTO g.t2 SELECT seq, REPEAT('x', 500) FROM $(srv_seq 20000 q);
	    ANALYZE TABLE g.t1, g.t2" >/dev/null || fail "cannot create g"
	mig_config "$SRV_ROOT/myshift4.ini" src dst snapshot "[apply]
state_schema = myshift4
[filter]
include_databases = g
[copy]
workers = 1
chunk_rows = 1000
max_bytes_per_second = 1M
snapshot_max_age = 120"
	MIG_STATE_SCHEMA=myshift4
	mig_start "$SRV_ROOT/myshift4.ini" "$SRV_ROOT/myshift4.log"
	t0=$SECONDS
	until [ "$(srv_sql dst "SELECT COUNT(*) FROM myshift4.copy_chunks WHERE src_table = 't2' AND done = 1" 2>/dev/null)" -gt 0 ] 2>/dev/null; do
		[ $((SECONDS - t0)) -lt 60 ] || { mig_log_tail 20; fail "g.t2's copy did not start"; }
		sleep 0.1
	done
	log_contains "$MIG_LOG" 'phase: (indexes|catch-up)' &&
	    check_fail "the copy of g was over before the TRUNCATE: make it slower"
	t1=$(date +%s%N)
	srv_sql src "TRUNCATE TABLE g.t1" || fail "TRUNCATE TABLE g.t1 failed"
	waited=$((($(date +%s%N) - t1) / 1000000))
	echo "TRUNCATE TABLE g.t1 during g.t2's copy took $waited ms"
	[ "$waited" -lt 4000 ] ||
	    check_fail "TRUNCATE TABLE g.t1 waited $waited ms for the copy of another table"
	log_contains "$MIG_LOG" 'phase: (indexes|catch-up)' &&
	    check_fail "the copy of g was over when the TRUNCATE ended: the test shows nothing"
	wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
	    { mig_log_tail 20; fail "myshift did not reach the streaming phase (part 4)"; }
	mig_wait_caught_up src dst 60 || fail "myshift did not catch up (part 4)"
	for t in t1 t2; do
		mig_compare_table src dst g "$t" || check_fail "g.$t differs"
	done
	[ "$(srv_sql dst "SELECT COUNT(*) FROM g.t1")" = 0 ] ||
	    check_fail "g.t1 on the destination is not empty after the TRUNCATE"
	if grep -q ' ERROR ' "$MIG_LOG"; then
		check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
	fi
	mig_stop
	[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"
fi

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: DROP, TRUNCATE and CREATE TABLE during the copy, and DROP while myshift was down: no ERROR, identical; DDL waits at most for one chunk (MariaDB)"
