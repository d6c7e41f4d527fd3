#!/usr/bin/env bash
# run_types_mysql.sh: `myshift run` replays every column type of a MySQL
# source byte-exactly (run_types.sh is the MariaDB source's workload).
#
# Skipped unless the source is MySQL.  myshift starts at the source's
# position (start = current); the source then creates and fills, in one
# database per binlog variant:
#   t_full   binlog_row_image=FULL
#   t_min    binlog_row_image=MINIMAL
#   t_noblob binlog_row_image=NOBLOB
#   t_zstd   binlog_transaction_compression=ON (TRANSACTION_PAYLOAD events)
#   t_meta   binlog_row_metadata=FULL (set globally for that phase)
# the same tables: every integer type signed and unsigned at its limits,
# DECIMAL(65,30), FLOAT/DOUBLE limits, BIT(1)/BIT(64), YEAR, DATE,
# TIME(0..6) with negatives and the 838-hour limit, DATETIME(0..6),
# TIMESTAMP(6), CHAR/VARCHAR/TEXT in utf8mb4 (4-byte characters) and
# latin1, BINARY(8) with trailing zero bytes as the primary key,
# VARBINARY, BLOB, ENUM, SET, JSON, GEOMETRY (POINT, POLYGON, a
# collection), VECTOR (MySQL destinations), invisible columns, a table
# under sql_generate_invisible_primary_key (GIPK), virtual and stored
# generated columns, a keyless table with duplicate rows, NULLs, a 3 MB
# value, multi-row statements, key updates and deletes.  When myshift has
# caught up every table is compared row by row (hexed) and, between servers
# of one vendor, with CHECKSUM TABLE.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_is_mysql src || skip "the MySQL type workload needs a MySQL source (source $(srv_flavour src))"
trap 'mig_stop 20; srv_cleanup_all' EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
mig_config "$T/m.ini" src dst "" "[apply]
batch_transactions = 50"
mig_start "$T/m.ini"
mig_wait_started dst || fail "myshift did not start"

vector=no
srv_is_mysql dst && vector=yes

# types_sql DB: the workload in database DB under the session's settings.
types_sql() {
	local db=$1
	cat <<-EOF
	SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
	SET SESSION time_zone = '+05:30';
	CREATE DATABASE $db CHARACTER SET utf8mb4;
	USE $db;
	CREATE TABLE t_int (id INT PRIMARY KEY, ti TINYINT, tu TINYINT UNSIGNED,
	  si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED,
	  i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED);
	INSERT INTO t_int VALUES
	  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0),
	  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
	   9223372036854775807, 18446744073709551615),
	  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	  (4, 0, 1, -1, 1, -1, 1, -1, 1, -1, 1);
	UPDATE t_int SET bu = bu + 1, bi = bi + 1 WHERE id = 1;
	CREATE TABLE t_num (id INT PRIMARY KEY, d DECIMAL(65,30), d2 DECIMAL(10,0) UNSIGNED,
	  f FLOAT, db DOUBLE, b1 BIT(1), b64 BIT(64), y YEAR);
	INSERT INTO t_num VALUES
	  (1, '99999999999999999999999999999999999.999999999999999999999999999999', 0,
	   3.402823466e38, 1.7976931348623157e308, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 2155),
	  (2, '-0.000000000000000000000000000001', 9999999999, -1.175494351e-38,
	   -2.2250738585072014e-308, b'0', b'0', 1901),
	  (3, 0, NULL, 0, 4.9e-324, NULL, b'1010', 0),
	  (4, NULL, 1, NULL, NULL, NULL, NULL, NULL);
	CREATE TABLE t_time (id INT PRIMARY KEY, dt DATE, t0 TIME, t3 TIME(3), t6 TIME(6),
	  d0 DATETIME, d1 DATETIME(1), d6 DATETIME(6), ts TIMESTAMP(6) NULL);
	INSERT INTO t_time VALUES
	  (1, '1000-01-01', '-838:59:59', '-838:59:58.999', '838:59:58.999999',
	   '1000-01-01 00:00:00', '1000-01-01 00:00:00.1', '9999-12-31 23:59:59.999999',
	   '1970-01-01 05:30:01.000001'),
	  (2, '9999-12-31', '00:00:00', '-00:00:00.001', '-00:00:00.000001',
	   '2024-02-29 12:00:00', '2024-02-29 12:00:00.9', '2000-01-01 00:00:00.5',
	   '2038-01-19 08:44:07.999999'),
	  (3, '0000-00-00', '12:34:56', '12:34:56.789', '-12:34:56.789012',
	   '0000-00-00 00:00:00', NULL, '2020-06-15 10:00:00', NULL),
	  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-03-31 02:30:00.25');
	CREATE TABLE t_str (id INT PRIMARY KEY, c CHAR(10), v VARCHAR(300), tx TEXT,
	  l VARCHAR(20) CHARACTER SET latin1, lc CHAR(5) CHARACTER SET latin1,
	  vb VARBINARY(20), bl BLOB, mt MEDIUMTEXT, e ENUM('a','b','c'), s SET('x','y','z'),
	  u VARCHAR(20) COLLATE utf8mb4_bin);
	INSERT INTO t_str VALUES
	  (1, 'ab ', 'ä😀ß', REPEAT('😀', 100), 'é', 'ü ', 0x00FF0000, 0x0000, '', 'a', 'x,z', 'A'),
	  (2, '', '', '', '', '', '', '', NULL, 'c', '', 'a'),
	  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	  (4, 'x', REPEAT('v', 300), 'tail ', 'ÿ', 'a', 0x61, 0x62, 'mt', 'b', 'x,y,z', 'b ');
	UPDATE t_str SET v = CONCAT(v, '!'), bl = 0x00 WHERE id IN (1, 2);
	CREATE TABLE t_bin (k BINARY(8) PRIMARY KEY, v VARCHAR(10));
	INSERT INTO t_bin VALUES (0x0102000000000000, 'a'), (0x00, 'zero'), (0x41, 'A'),
	  (0xFFFFFFFFFFFFFFFF, 'ff');
	UPDATE t_bin SET k = 0x4100000000000001 WHERE k = 0x41;
	DELETE FROM t_bin WHERE k = 0x00;
	CREATE TABLE t_json (id INT PRIMARY KEY, j JSON);
	INSERT INTO t_json VALUES (1, '{"a": [1, 2.5, "x", null, true, {"b": "😀"}]}'),
	  (2, '[]'), (3, NULL), (4, '"s"'), (5, '12345678901234567890'),
	  (6, JSON_OBJECT('d', CAST(12.50 AS DECIMAL(5,2)), 't', CAST('2020-01-01 10:00:00.5' AS DATETIME(1))));
	UPDATE t_json SET j = JSON_SET(j, '$.a[0]', 'one') WHERE id = 1;
	CREATE TABLE t_geo (id INT PRIMARY KEY, g GEOMETRY, p POINT);
	INSERT INTO t_geo VALUES (1, ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))'),
	  ST_GeomFromText('POINT(1.5 -2.25)')),
	  (2, ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1))'), NULL),
	  (3, NULL, ST_GeomFromText('POINT(0 0)'));
	CREATE TABLE t_gen (id INT PRIMARY KEY, a INT, b VARCHAR(10),
	  gv INT AS (a * 2) VIRTUAL, gs VARCHAR(20) AS (CONCAT(b, '-', a)) STORED,
	  hid INT INVISIBLE DEFAULT 7, KEY (gs));
	INSERT INTO t_gen (id, a, b, hid) VALUES (1, 1, 'x', 1), (2, 2, NULL, 2), (3, NULL, 'z', NULL);
	UPDATE t_gen SET a = 10, hid = 11 WHERE id = 1;
	SET SESSION sql_generate_invisible_primary_key = ON;
	CREATE TABLE t_gipk (a INT, b VARCHAR(10));
	SET SESSION sql_generate_invisible_primary_key = OFF;
	INSERT INTO t_gipk VALUES (1, 'a'), (1, 'a'), (2, 'b');
	UPDATE t_gipk SET b = 'c' WHERE a = 2;
	DELETE FROM t_gipk WHERE a = 1 LIMIT 1;
	CREATE TABLE t_nokey (a INT, b VARCHAR(10), c DOUBLE);
	INSERT INTO t_nokey VALUES (1, 'dup', 0.5), (1, 'dup', 0.5), (1, 'dup', 0.5),
	  (2, NULL, NULL), (2, NULL, NULL), (3, 'x', -1);
	UPDATE t_nokey SET b = 'one' WHERE a = 1 LIMIT 1;
	DELETE FROM t_nokey WHERE a = 2 LIMIT 1;
	CREATE TABLE t_big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT);
	INSERT INTO t_big VALUES (1, REPEAT(0x00FF61, 1024 * 1024), 'small'), (2, 'x', NULL);
	UPDATE t_big SET b = CONCAT(b, 0x7A), t = REPEAT('é', 1000) WHERE id = 1;
	CREATE TABLE t_multi (id INT PRIMARY KEY, v VARCHAR(20));
	INSERT INTO t_multi SELECT seq, CONCAT('r', seq) FROM $(srv_seq 600);
	UPDATE t_multi SET id = id + 1000 WHERE id <= 100;
	UPDATE t_multi SET v = CONCAT(v, '+') WHERE id % 7 = 0;
	DELETE FROM t_multi WHERE id % 11 = 0;
	BEGIN;
	UPDATE t_multi SET id = -1 WHERE id = 101;
	UPDATE t_multi SET id = 101 WHERE id = 102;
	UPDATE t_multi SET id = 102 WHERE id = -1;
	COMMIT;
	EOF
	if [ "$vector" = yes ]; then
		cat <<-EOF
		CREATE TABLE t_vec (id INT PRIMARY KEY, s VARCHAR(10), v VECTOR(3), w VECTOR(1));
		INSERT INTO t_vec VALUES (1, 'a', STRING_TO_VECTOR('[1,2,3]'), STRING_TO_VECTOR('[0]')),
		  (2, NULL, STRING_TO_VECTOR('[-3.4e38,1e-30,0.5]'), NULL), (3, 'c', NULL, NULL);
		UPDATE t_vec SET v = STRING_TO_VECTOR('[9,8,7]') WHERE id = 3;
		EOF
	fi
}

run_phase() {
	local db=$1 pre=$2
	echo "phase $db: $pre"
	{ echo "$pre"; types_sql "$db"; } | srv_sql src - --default-character-set=utf8mb4 \
	    >"$T/$db.out" 2>&1 || fail "the $db workload failed on the source: $(tail -n 5 "$T/$db.out")"
}

run_phase t_full "SET SESSION binlog_row_image = FULL;"
run_phase t_min "SET SESSION binlog_row_image = MINIMAL;"
run_phase t_noblob "SET SESSION binlog_row_image = NOBLOB;"
run_phase t_zstd "SET SESSION binlog_transaction_compression = ON;"
srv_sql src "SET GLOBAL binlog_row_metadata = FULL" || fail "cannot set binlog_row_metadata"
run_phase t_meta "SET SESSION binlog_row_image = FULL;"
srv_sql src "SET GLOBAL binlog_row_metadata = MINIMAL" || fail "cannot reset binlog_row_metadata"

mig_wait_caught_up src dst 240 || fail "myshift did not catch up"
n=$(srv_sql src "SELECT COUNT(*) FROM t_full.t_nokey")
[ "$n" = 5 ] || fail "t_full.t_nokey has $n rows on the source, expected 5"
compressed=0
for f in $(srv_sql src "SHOW BINARY LOGS" | cut -f1); do
	compressed=$((compressed + $(srv_sql src "SHOW BINLOG EVENTS IN '$f'" |
	    grep -c Transaction_payload)))
done
[ "$compressed" -gt 0 ] ||
    fail "the source logged no compressed transaction (binlog_transaction_compression)"
echo "$compressed compressed transactions in the source's binlog"
rc=0
for db in t_full t_min t_noblob t_zstd t_meta; do
	mig_compare_db src dst "$db" || rc=1
done
mig_alive || fail "myshift exited: $(mig_log_tail 5)"
mig_stop
[ "$MIG_RC" = 0 ] || fail "myshift exited $MIG_RC on SIGTERM: $(mig_log_tail 5)"
[ $rc -eq 0 ] || fail "the destination differs"
echo "PASS: every MySQL type identical ($(srv_flavour src) -> $(srv_flavour dst); VECTOR: $vector)"
