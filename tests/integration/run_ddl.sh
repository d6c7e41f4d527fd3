#!/usr/bin/env bash
# run_ddl.sh: `myshift run` replays DDL in stream order with the writes
# around it, and never applies a DDL twice across a crash.
#
# myshift streams from the source's current position onto an empty
# destination.  A writer loop inserts into and updates ddl.t1 and ddl.w
# all along.  Part 1, on the source, between the writes: ALTER TABLE add,
# modify, rename and drop columns, CREATE/DROP INDEX, indexes made
# invisible and visible again (MariaDB: IGNORED), a MySQL table with a
# generated invisible primary key (logged in versioned comments, which
# MariaDB ignores), a sequence (MariaDB:
# created, drawn from, altered, set), CREATE TABLE, RENAME
# TABLE, TRUNCATE, CREATE VIEW, CREATE PROCEDURE (one-statement and
# BEGIN ... END bodies) and CALL, CREATE FUNCTION, CREATE TABLE ... SELECT,
# CREATE TABLE ... LIKE, DROP TABLE, DROP PROCEDURE, a table in another
# database, CREATE and DROP DATABASE.  Once myshift has caught up, the data
# (CHECKSUM TABLE, every row) and the schema (information_schema columns
# and indexes, SHOW CREATE TABLE without AUTO_INCREMENT=, SHOW CREATE
# VIEW/PROCEDURE/FUNCTION without DEFINER=) must be identical.
#
# Part 2, crashes around DDL, writer still running:
#   - three times an ALTER TABLE ddl.big ADD COLUMN xN (ALGORITHM=COPY on
#     100,000 rows: about a second) is run on the source; as soon as the
#     destination runs it, myshift is killed (SIGKILL), and restarted once
#     the destination has finished it: the ALTER is on the destination, its
#     checkpoint is not.  myshift must see that it was applied (replaying it
#     would fail: duplicate column) and go on.  (An ALTER the destination
#     completes between two looks is reported, and myshift killed after it.
#     An ALTER that still waited for a metadata lock when its client died
#     is given up by MySQL: then it is not on the destination, and myshift
#     applies it after the restart; the test says which happened.)
#   - six times an ALTER TABLE ddl.t1 ADD COLUMN yN is run and myshift is
#     killed 0-0.6 s later and restarted at once.
# Data and schema must be identical again.
#
# Part 3, killed inside the window between a DDL and its checkpoint, made
# wide on purpose: a destination session holds a metadata lock, so that
# myshift's replay of the DDL waits; myshift is frozen (SIGSTOP), the lock
# is released, the destination completes the DDL, myshift is killed
# (SIGKILL) before it could write the DDL's checkpoint, and restarted.
# DDLs: a swap of two tables of identical definition (RENAME TABLE a TO
# tmp, b TO a, tmp TO b: applied twice it swaps them back), ALTER TABLE
# ADD COLUMN, DROP TABLE.  Data and schema must be identical afterwards.
#
# myshift must never exit by itself, and exit 0 on SIGTERM at the end.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require

writer_pid=
alter_pid=
cleanup() {
	[ -z "$writer_pid" ] || { touch "$T/stop"; wait "$writer_pid" 2>/dev/null; }
	[ -z "$alter_pid" ] || wait "$alter_pid" 2>/dev/null
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
CFG=$T/myshift.ini
mig_config "$CFG" src dst current "[apply]
batch_transactions = 20"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# src SQL: run SQL on the source; a failure ends the test.
src() {
	srv_sql src "$1" || fail "on the source: $1"
}

# alive: fail (and show its last lines) if myshift exited by itself.
alive() {
	if ! mig_alive; then
		wait "$MIG_PID" 2>/dev/null
		local rc=$?
		MIG_PID=
		fail "myshift exited by itself (status $rc) $1; its last lines:" \
		    "$(mig_log_tail 8)"
	fi
}

src "CREATE DATABASE ddl;
    CREATE TABLE ddl.t1 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, a INT,
        b VARCHAR(20) DEFAULT 'b') ENGINE=InnoDB;
    CREATE TABLE ddl.w (k INT NOT NULL PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB"

# writer: insert into and update ddl.t1 and ddl.w until $T/stop exists.
writer() {
	local k=0
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		k=$((k + 1))
		srv_sql src "INSERT INTO ddl.t1 (a) VALUES ($k);
		    INSERT INTO ddl.w VALUES ($k, 'w$k');
		    UPDATE ddl.t1 SET a = a + 1 WHERE id = $((k / 2 + 1));
		    DELETE FROM ddl.w WHERE k = $((k - 3)) AND k % 4 = 0" \
		    >/dev/null 2>>"$T/writer.err"
		sleep 0.05
	done
}
writer &
writer_pid=$!

echo "part 1: DDL during streaming"
sleep 1
src "ALTER TABLE ddl.t1 ADD COLUMN c VARCHAR(30) NOT NULL DEFAULT 'cdef' AFTER a"
sleep 0.5
src "ALTER TABLE ddl.t1 ADD COLUMN d DATETIME(3) NULL, ADD INDEX ia (a)"
src "UPDATE ddl.t1 SET d = '2020-01-02 03:04:05.678', c = CONCAT('c', id) WHERE id % 3 = 0"
sleep 0.5
src "ALTER TABLE ddl.t1 DROP COLUMN b"
src "CREATE INDEX ic ON ddl.t1 (c)"
src "DROP INDEX ia ON ddl.t1"
src "ALTER TABLE ddl.t1 MODIFY a BIGINT, COMMENT 'altered'"
# an index hidden from the optimizer: MySQL's INVISIBLE is MariaDB's IGNORED
if srv_is_mysql src; then
	src "ALTER TABLE ddl.t1 ADD INDEX iv (c, a) INVISIBLE, ADD COLUMN h INT INVISIBLE"
	src "CREATE INDEX iv2 ON ddl.t1 (d) INVISIBLE"
	src "ALTER TABLE ddl.t1 ALTER INDEX iv2 VISIBLE, ALTER INDEX ic INVISIBLE"
	# a column made visible and invisible: MariaDB has no ALTER COLUMN ...
	# SET [IN]VISIBLE, only MODIFY with the column's whole definition
	src "ALTER TABLE ddl.t1 ALTER COLUMN h SET VISIBLE, ALTER a SET INVISIBLE"
	src "UPDATE ddl.t1 SET h = id WHERE id % 5 = 0"
	src "ALTER TABLE ddl.t1 ALTER COLUMN a SET VISIBLE, ALTER COLUMN h SET INVISIBLE"
	# a generated invisible primary key: MySQL logs its column and an
	# index as versioned comments (/*!80023 INVISIBLE */), which MariaDB
	# ignores unless myshift unwraps them
	src "SET SESSION sql_generate_invisible_primary_key = ON;
	    CREATE TABLE ddl.gipk (c INT, KEY kc (c) /*!80000 INVISIBLE */);
	    INSERT INTO ddl.gipk VALUES (1), (2), (3)"
	# CHECK constraints the source does not enforce (MariaDB has no NOT
	# ENFORCED: left out there, or its rows would be refused), in MySQL's
	# versioned comment and in plain words, a column's, ALTER CHECK, DROP
	# CHECK; rows that break them
	src "CREATE TABLE ddl.ck (id INT PRIMARY KEY, a INT CHECK (a <> 13) NOT ENFORCED,
	    b INT, CONSTRAINT ck_a CHECK (a > 0) /*!80016 NOT ENFORCED */,
	    CONSTRAINT ck_b CHECK (b > 0) ENFORCED)"
	src "INSERT INTO ddl.ck VALUES (1, -5, 1), (2, 13, 2)"
	src "ALTER TABLE ddl.ck ADD CONSTRAINT ck_c CHECK (a < 100) NOT ENFORCED,
	    ALTER CHECK ck_b NOT ENFORCED, ADD COLUMN c INT"
	src "INSERT INTO ddl.ck VALUES (3, 500, -1, 0)"
	src "ALTER TABLE ddl.ck DROP CHECK ck_a, ALTER CHECK ck_c NOT ENFORCED"
	src "ALTER TABLE ddl.ck ADD CONSTRAINT ck_d CHECK (c IS NULL OR c >= 0) NOT ENFORCED"
	src "INSERT INTO ddl.ck VALUES (4, -1, -1, -1)"
	src "ALTER TABLE ddl.ck DROP CONSTRAINT ck_d, ADD CONSTRAINT ck_e CHECK (id < 1000)"
	src "ALTER TABLE ddl.ck DROP CONSTRAINT ck_e"
	# DROP CONSTRAINT of a UNIQUE key (MySQL 8.0.19+; MariaDB drops it
	# too), then a row its key would have refused
	src "ALTER TABLE ddl.ck ADD CONSTRAINT uq_a UNIQUE KEY (a)"
	src "ALTER TABLE ddl.ck DROP CONSTRAINT uq_a"
	src "INSERT INTO ddl.ck VALUES (5, 500, 2, 7)"
else
	# (no invisible column: MariaDB 10.11 and 11.8 place INVISIBLE apart in
	# SHOW CREATE TABLE, which the same-vendor comparison reads)
	src "ALTER TABLE ddl.t1 ADD INDEX iv (c, a) IGNORED"
	src "CREATE INDEX iv2 ON ddl.t1 (d) IGNORED"
	src "ALTER TABLE ddl.t1 ALTER INDEX iv2 NOT IGNORED, ALTER INDEX ic IGNORED"
fi
# MariaDB to MariaDB: a sequence created, drawn from, altered, set
if ! srv_is_mysql src && ! srv_is_mysql dst; then
	src "CREATE SEQUENCE ddl.sq START WITH 10 CACHE 2"
	src "SELECT NEXTVAL(ddl.sq), NEXTVAL(ddl.sq), NEXTVAL(ddl.sq)" >/dev/null
	src "ALTER SEQUENCE ddl.sq INCREMENT BY 5"
	src "SELECT NEXTVAL(ddl.sq), SETVAL(ddl.sq, 90), NEXTVAL(ddl.sq)" >/dev/null
fi
src "ALTER TABLE ddl.t1 RENAME COLUMN d TO d_renamed"
src "CREATE TABLE ddl.t2 (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(40))"
src "INSERT INTO ddl.t2 (v) VALUES ('one'), ('two'), ('three')"
src "RENAME TABLE ddl.t2 TO ddl.t2r"
src "INSERT INTO ddl.t2r (v) VALUES ('four')"
src "TRUNCATE TABLE ddl.t2r"
src "INSERT INTO ddl.t2r (v) VALUES ('after truncate'), ('again')"
src "CREATE VIEW ddl.v1 AS SELECT id, a FROM ddl.t1 WHERE a > 10"
src "CREATE PROCEDURE ddl.p1(IN x INT) UPDATE ddl.t2r SET v = CONCAT(v, '+') WHERE id <= x"
src "CALL ddl.p1(2)"
srv_sql src - <<-'EOF' || fail "CREATE PROCEDURE p2 failed on the source"
	USE ddl;
	DELIMITER //
	CREATE PROCEDURE p2(IN n INT)
	BEGIN
	  DECLARE i INT DEFAULT 0;
	  WHILE i < n DO
	    INSERT INTO t2r (v) VALUES (CONCAT('p2; ', i));
	    SET i = i + 1;
	  END WHILE;
	END//
	DELIMITER ;
	CALL p2(4);
	EOF
src "CREATE FUNCTION ddl.f1(x INT) RETURNS INT DETERMINISTIC RETURN x * 2"
src "CREATE PROCEDURE ddl.p_drop() SELECT 1"
src "DROP PROCEDURE ddl.p_drop"
src "CREATE TABLE ddl.t3 AS SELECT id, a, c FROM ddl.t1 WHERE id < 50"
src "CREATE TABLE ddl.t4 LIKE ddl.t1"
src "INSERT INTO ddl.t4 SELECT * FROM ddl.t1 WHERE id < 5"
src "CREATE TABLE ddl.t_drop (x INT PRIMARY KEY); INSERT INTO ddl.t_drop VALUES (1)"
src "DROP TABLE ddl.t_drop"
src "DROP TABLE IF EXISTS ddl.t_never_existed"
src "CREATE DATABASE other; CREATE TABLE other.o (id INT PRIMARY KEY, s TEXT)
    DEFAULT CHARSET = latin1; INSERT INTO other.o VALUES (1, 'x')"
src "CREATE DATABASE gone; CREATE TABLE gone.g (id INT PRIMARY KEY);
    INSERT INTO gone.g VALUES (1); DROP DATABASE gone"
src "USE ddl; CREATE TABLE t5 (id INT PRIMARY KEY, ts TIMESTAMP(6) NOT NULL
    DEFAULT CURRENT_TIMESTAMP(6), e ENUM('x', 'y') DEFAULT 'y') ENGINE=InnoDB;
    INSERT INTO t5 (id) VALUES (1), (2); ALTER TABLE t5 ADD COLUMN z INT FIRST"
sleep 1
alive "during part 1"

touch "$T/stop"
wait "$writer_pid"
writer_pid=
mig_wait_caught_up src dst 120 || fail "myshift did not catch up after part 1"
for db in ddl other; do
	mig_compare_db src dst "$db" || check_fail "part 1: data of $db differ"
	mig_compare_schema src dst "$db" || check_fail "part 1: schema of $db differs"
done
if ! srv_is_mysql src && ! srv_is_mysql dst; then
	a=$(srv_sql src "SELECT * FROM ddl.sq")
	b=$(srv_sql dst "SELECT * FROM ddl.sq")
	[ -n "$a" ] && [ "$a" = "$b" ] || check_fail "part 1: sequence ddl.sq: source '$a'," \
	    "destination '$b'"
	# myshift verify compares sequences too, and --repair sets them
	vfy() { "$MYSHIFT" verify -c "$CFG" "$@" 2>&1; }
	out=$(vfy)
	grep -q '^`ddl`.`sq`: identical (sequence' <<<"$out" ||
	    check_fail "part 1: verify does not find ddl.sq identical: $(grep sq <<<"$out")"
	srv_sql dst "SET sql_log_bin = 0; DO SETVAL(ddl.sq, 5000)"
	out=$(vfy)
	grep -q '^`ddl`.`sq`: sequence different' <<<"$out" ||
	    check_fail "part 1: verify does not find ddl.sq changed: $(grep sq <<<"$out")"
	out=$(vfy --repair)
	b=$(srv_sql dst "SELECT * FROM ddl.sq")
	[ "$a" = "$b" ] && grep -q 'repaired' <<<"$out" ||
	    check_fail "part 1: verify --repair left ddl.sq at '$b', the source's is '$a'"
fi
n=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'gone'")
[ "$n" = 0 ] || check_fail "part 1: database gone was dropped on the source but" \
    "exists on the destination"

echo "part 2: crashes around DDL"
src "CREATE TABLE ddl.big (id INT NOT NULL PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB"
src "INSERT INTO ddl.big SELECT seq, CONCAT('v', seq) FROM $(srv_seq 100000)"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up with ddl.big"
rm -f "$T/stop"
writer &
writer_pid=$!

# dst_running PATTERN: is the destination running a statement LIKE PATTERN
# for myshift's account?
dst_running() {
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE USER = '$MIG_DST_USER' AND INFO LIKE '$1'")" != 0 ]
}

# alter_seen I: the destination runs the ALTER adding xI, or has run it
# (fail if myshift exited).
alter_seen() {
	alive "while the source ran ALTER TABLE ddl.big ADD COLUMN x$1"
	dst_running "ALTER TABLE ddl.big ADD COLUMN x$1%" || alter_done "$1"
}
# alter_done I: column xI exists on the destination.
alter_done() {
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE
	    TABLE_SCHEMA = 'ddl' AND TABLE_NAME = 'big' AND COLUMN_NAME = 'x$1'")" = 1 ]
}

caught=0
for i in 1 2 3; do
	alive "before the ALTER of ddl.big number $i"
	srv_sql src "ALTER TABLE ddl.big ADD COLUMN x$i INT NOT NULL DEFAULT $i,
	    ALGORITHM=COPY" &
	alter_pid=$!
	if ! wait_until -t 60 alter_seen "$i"; then
		check_fail "the destination never ran ALTER TABLE ddl.big ADD COLUMN x$i"
		mig_kill
	elif dst_running "ALTER TABLE ddl.big ADD COLUMN x$i%"; then
		mig_kill
		echo "killed myshift while the destination ran ALTER ... x$i"
		wait_until -t 120 eval '! dst_running "ALTER TABLE ddl.big%"' ||
		    check_fail "the destination still runs the ALTER of x$i"
		# the server finishes a running ALTER whose client is gone, but
		# gives up one that still waited for a metadata lock (MySQL):
		# only a finished one must be found applied after the restart
		if alter_done "$i"; then
			caught=$((caught + 1))
			echo "  the destination finished it after myshift's death"
		else
			echo "  the destination gave it up with myshift's connection"
		fi
	else
		mig_kill
		echo "the destination ran ALTER ... x$i too fast to be caught;" \
		    "killed myshift right after it"
	fi
	wait "$alter_pid" || fail "ALTER TABLE ddl.big ADD COLUMN x$i failed on the source"
	alter_pid=
	mig_start "$CFG"
	sleep 1
done
for i in 1 2 3 4 5 6; do
	alive "before the ALTER of ddl.t1 number $i"
	src "ALTER TABLE ddl.t1 ADD COLUMN y$i INT NOT NULL DEFAULT $i"
	sleep "0.$((RANDOM % 7))"
	mig_kill
	mig_start "$CFG"
	sleep 0.5
done
sleep 1
alive "after the crashes"
touch "$T/stop"
wait "$writer_pid"
writer_pid=

mig_wait_caught_up src dst 180 || fail "myshift did not catch up after part 2"
for db in ddl other; do
	mig_compare_db src dst "$db" || check_fail "part 2: data of $db differ"
	mig_compare_schema src dst "$db" || check_fail "part 2: schema of $db differs"
done
seen=$(grep -c 'DDL already applied before a restart' "$MIG_LOG")
if [ "$caught" -gt 0 ] && [ "$seen" -lt 1 ]; then
	check_fail "myshift was killed $caught times while the destination ran an" \
	    "ALTER it then finished, but never said it found a DDL already applied"
fi
echo "DDL found already applied after a restart: $seen times"

echo "part 3: killed while the DDL waits for a lock on the destination"
src "CREATE TABLE ddl.sw_a (id INT NOT NULL PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
    CREATE TABLE ddl.sw_b (id INT NOT NULL PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
    INSERT INTO ddl.sw_a VALUES (1, 'a1'), (2, 'a2'); INSERT INTO ddl.sw_b VALUES (1, 'b1')"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up before part 3"

# ddl_waiting PATTERN: myshift's statement LIKE PATTERN waits for a
# metadata lock on the destination (fail if myshift exited).
ddl_waiting() {
	alive "while its DDL should wait for a lock"
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE USER = '$MIG_DST_USER' AND INFO LIKE '$1'
	    AND STATE LIKE 'Waiting for table metadata lock'")" != 0 ]
}

# crash_in_ddl LOCKTABLE PATTERN SQL: a destination session holds a
# metadata lock on LOCKTABLE for 8 s; SQL runs on the source; once
# myshift's replay of it (LIKE PATTERN) waits for the lock, myshift is
# frozen (SIGSTOP); when the lock is gone and the destination has completed
# the statement, myshift is killed (SIGKILL) and restarted: the statement is
# on the destination, its checkpoint is not.
crash_in_ddl() {
	local holder
	srv_sql dst "BEGIN; SELECT COUNT(*) FROM $1; DO SLEEP(8); COMMIT" >/dev/null &
	holder=$!
	wait_until -t 20 eval "[ \"\$(srv_sql dst \"SELECT COUNT(*) FROM
	    information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP(8)%'\")\" != 0 ]" ||
	    fail "the lock holder did not start"
	src "$3"
	if wait_until -t 30 ddl_waiting "$2"; then
		kill -STOP "$MIG_PID"
		echo "froze myshift while its '$2' waited for the lock on $1"
	else
		check_fail "myshift's '$2' never waited for the lock on $1"
	fi
	wait "$holder"
	wait_until -t 60 eval "[ \"\$(srv_sql dst \"SELECT COUNT(*) FROM
	    information_schema.PROCESSLIST WHERE USER = '$MIG_DST_USER'
	    AND INFO LIKE '$2'\")\" = 0 ]" || check_fail "'$2' never ended on the destination"
	mig_kill
	mig_start "$CFG"
}

crash_in_ddl ddl.sw_a 'RENAME TABLE%sw_a%' \
    "RENAME TABLE ddl.sw_a TO ddl.sw_tmp, ddl.sw_b TO ddl.sw_a, ddl.sw_tmp TO ddl.sw_b"
echo "destination after the killed swap: sw_a holds" \
    "$(srv_sql dst "SELECT GROUP_CONCAT(v ORDER BY id) FROM ddl.sw_a")"
crash_in_ddl ddl.t3 'ALTER TABLE ddl.t3%' "ALTER TABLE ddl.t3 ADD COLUMN z1 INT"
crash_in_ddl ddl.t4 'DROP TABLE%t4%' "DROP TABLE ddl.t4"
src "INSERT INTO ddl.sw_a VALUES (3, 'after')"
sleep 1
alive "after part 3"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up after part 3"
for db in ddl other; do
	mig_compare_db src dst "$db" || check_fail "part 3: data of $db differ"
	mig_compare_schema src dst "$db" || check_fail "part 3: schema of $db differs"
done
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: DDL replayed in order, never twice across crashes"
