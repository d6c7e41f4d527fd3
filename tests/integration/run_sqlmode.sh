#!/usr/bin/env bash
# run_sqlmode.sh: DDL keeps its meaning when the destination is of another
# flavour: the source's sql_mode is translated (src/sqlclass.c
# sql_mode_translate) and checked here against real servers.
#
# Runs on the test's pair (MYSHIFT_PAIR).  A MySQL source runs with
# gtid_mode=OFF here (anonymous GTID events; the other suites run MySQL
# with GTIDs).  Under each mode the source creates a table whose meaning
# depends on it, fills it, and changes it with ALTER TABLE, which the
# destination computes itself:
#   t1  default mode: a fractional DATETIME default and a TIME(6) column
#       narrowed to TIME(1) on existing rows (MySQL rounds, MariaDB
#       truncates, unless told otherwise);
#   t2  the other rounding mode (MySQL TIME_TRUNCATE_FRACTIONAL, MariaDB
#       TIME_ROUND_FRACTIONAL), the same table;
#   t3  ANSI_QUOTES ("t3", "v" are identifiers);
#   t4  PIPES_AS_CONCAT in a stored generated column (a || b);
#   t5  NO_BACKSLASH_ESCAPES in a default ('a\b');
#   t6  REAL_AS_FLOAT (REAL is FLOAT, not DOUBLE);
#   t7  IGNORE_SPACE, HIGH_NOT_PRECEDENCE in a generated column.
# When myshift has caught up, every table must hold the same rows (hexed),
# and a row inserted with every default on both servers (not binlogged)
# must come out the same: defaults are the destination's own.
# On a MariaDB source, a statement under sql_mode=ORACLE to a MySQL
# destination must stop myshift (exit 1) naming the mode, nothing of it
# applied.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
trap 'mig_stop 20; srv_cleanup_all' EXIT

if srv_is_mysql src; then
	mig_source src --gtid-mode=OFF --enforce-gtid-consistency=OFF
	other_rounding=TIME_TRUNCATE_FRACTIONAL
else
	mig_source src
	other_rounding=TIME_ROUND_FRACTIONAL
fi
mig_dest dst
srv_scratch
T=$SRV_ROOT
mig_config "$T/m.ini" src dst
mig_start "$T/m.ini"
mig_wait_started dst || fail "myshift did not start"

# A fractional temporal table under the session's mode.
temporal() {
	cat <<-EOF
	CREATE TABLE sm.$1 (id INT PRIMARY KEY, a DATETIME(2) DEFAULT '2020-01-01 10:00:00.555',
	    b TIME(6), c DATETIME(6));
	INSERT INTO sm.$1 (id, b, c) VALUES (1, '10:00:00.987654', '2021-12-31 23:59:59.999999'),
	    (2, '-838:59:58.999999', '2000-02-28 12:00:00.450001');
	ALTER TABLE sm.$1 MODIFY b TIME(1), MODIFY c DATETIME(0);
	EOF
}

srv_sql src "
CREATE DATABASE sm;
SET SESSION sql_mode = '';
$(temporal t1)
SET SESSION sql_mode = '$other_rounding';
$(temporal t2)
SET SESSION sql_mode = 'ANSI_QUOTES';
CREATE TABLE sm.\"t3\" (\"id\" INT PRIMARY KEY, \"v\" VARCHAR(10) DEFAULT 'x\"y');
INSERT INTO sm.t3 (id) VALUES (1);
SET SESSION sql_mode = 'PIPES_AS_CONCAT';
CREATE TABLE sm.t4 (id INT PRIMARY KEY, a VARCHAR(5), b VARCHAR(5),
    g VARCHAR(12) AS (a || b || '!') STORED, d VARCHAR(12) DEFAULT 'p');
INSERT INTO sm.t4 (id, a, b) VALUES (1, 'ab', 'cd'), (2, '1', '0');
SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES';
CREATE TABLE sm.t5 (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT 'a\\b', w VARCHAR(10));
INSERT INTO sm.t5 (id, w) VALUES (1, 'c\\d');
SET SESSION sql_mode = 'REAL_AS_FLOAT';
CREATE TABLE sm.t6 (id INT PRIMARY KEY, r REAL, d DOUBLE);
INSERT INTO sm.t6 VALUES (1, 1.1, 1.1), (2, 3.4e38, 1e300);
SET SESSION sql_mode = 'IGNORE_SPACE,HIGH_NOT_PRECEDENCE';
CREATE TABLE sm.t7 (id INT PRIMARY KEY, a INT, g INT AS (NOT a BETWEEN -1 AND 1) STORED,
    n INT DEFAULT 7);
INSERT INTO sm.t7 (id, a) VALUES (1, 0), (2, 5), (3, -3);
" || fail "the workload failed on the source"

mig_wait_caught_up src dst 120 || fail "myshift did not catch up"
mig_alive || fail "myshift is not running"

# Rows inserted with every default, on each server alone.
for n in src dst; do
	srv_sql "$n" "SET sql_log_bin = 0; SET SESSION sql_mode = '';
	    INSERT INTO sm.t1 (id) VALUES (100); INSERT INTO sm.t2 (id) VALUES (100);
	    INSERT INTO sm.t3 (id) VALUES (100); INSERT INTO sm.t4 (id, a, b) VALUES (100, 'x', 'y');
	    INSERT INTO sm.t5 (id) VALUES (100); INSERT INTO sm.t6 (id) VALUES (100);
	    INSERT INTO sm.t7 (id, a) VALUES (100, 2)" ||
	    fail "inserting default rows on $n failed"
done
rc=0
mig_compare_db src dst sm || rc=1
# The meaning checked directly too, so that a wrong schema on both sides
# cannot pass: the source's own rounding and concatenation.
if srv_is_mysql src; then
	want_t1=$'1\t10:00:01.0\t2022-01-01 00:00:00'
	want_t2=$'1\t10:00:00.9\t2021-12-31 23:59:59'
else
	want_t1=$'1\t10:00:00.9\t2021-12-31 23:59:59'
	want_t2=$'1\t10:00:01.0\t2022-01-01 00:00:00'
fi
for n in src dst; do
	got=$(srv_sql "$n" "SELECT id, b, c FROM sm.t1 WHERE id = 1")
	[ "$got" = "$want_t1" ] || { echo "sm.t1 on $n: '$got', want '$want_t1'" >&2; rc=1; }
	got=$(srv_sql "$n" "SELECT id, b, c FROM sm.t2 WHERE id = 1")
	[ "$got" = "$want_t2" ] || { echo "sm.t2 on $n: '$got', want '$want_t2'" >&2; rc=1; }
	got=$(srv_sql "$n" "SELECT g FROM sm.t4 WHERE id = 1")
	[ "$got" = "abcd!" ] || { echo "sm.t4.g on $n: '$got', want 'abcd!'" >&2; rc=1; }
	got=$(srv_sql "$n" "SELECT v FROM sm.t5 WHERE id = 100")
	[ "$got" = 'a\\b' ] || { echo "sm.t5 default on $n: '$got', want 'a\\\\b'" >&2; rc=1; }
	got=$(srv_sql "$n" "SELECT DATA_TYPE FROM information_schema.COLUMNS
	    WHERE TABLE_SCHEMA = 'sm' AND TABLE_NAME = 't6' AND COLUMN_NAME = 'r'")
	[ "$got" = float ] || { echo "sm.t6.r on $n is $got, want float" >&2; rc=1; }
done
[ $rc -eq 0 ] || fail "the destination differs (see above)"

if ! srv_is_mysql src && srv_is_mysql dst; then
	# A mode MySQL cannot reproduce: a clear stop, nothing applied.
	srv_sql src "SET SESSION sql_mode = 'ORACLE'; CREATE TABLE sm.t9 (id INT PRIMARY KEY)" ||
	    fail "the ORACLE statement failed on the source"
	mig_wait_exit 60 || fail "myshift kept running after a statement under sql_mode=ORACLE"
	[ "$MIG_RC" = 1 ] || fail "sql_mode=ORACLE: exit $MIG_RC, want 1"
	grep -q "sql_mode ORACLE" "$MIG_LOG" ||
	    fail "the stop does not name the mode: $(mig_log_tail 3)"
	[ -z "$(srv_sql dst "SHOW TABLES FROM sm LIKE 't9'")" ] ||
	    fail "the ORACLE statement was applied"
	echo "sql_mode=ORACLE to MySQL: stopped as expected"
else
	mig_stop
	[ "$MIG_RC" = 0 ] || fail "myshift exited $MIG_RC on SIGTERM"
fi
echo "run_sqlmode: ok ($(srv_flavour src) -> $(srv_flavour dst))"
