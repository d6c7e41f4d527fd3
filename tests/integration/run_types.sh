#!/usr/bin/env bash
# run_types.sh: `myshift run` replays every column type byte-exactly.
#
# myshift starts at the source's current position (start = current) on an
# empty destination;
# then, on the source, with the schema created there so that the DDL
# replicates too:
#   - sysbench oltp_write_only (2 tables x 2000 rows, about 20 s at a modest
#     rate) in the background;
#   - the same type workload twice, in database types_full with
#     binlog_row_image=FULL and in types_min with MINIMAL (session setting):
#     every integer type signed and unsigned at its limits, DECIMAL(65,30),
#     FLOAT/DOUBLE limits and denormals, BIT(1)/BIT(64), YEAR, DATE,
#     TIME(0..6) negative with fractions, DATETIME(0..6) with zero dates
#     (sql_mode without NO_ZERO_DATE), TIMESTAMP(0..6), the same in
#     MariaDB's pre-10.1 formats (a table created under
#     mysql56_temporal_format=OFF, whose fractional columns the binlog does
#     not describe: rows compared, then the table converted with ALTER
#     TABLE ... FORCE for CHECKSUM TABLE), MariaDB compressed VARCHAR,
#     VARBINARY, BLOB and TEXT columns (stored raw and deflated, raw and
#     zlib-wrapped streams), strings in utf8mb4
#     (4-byte characters), latin1 and binary, BINARY(8) with trailing zero
#     bytes also as the primary key, ENUM, SET, JSON, GEOMETRY, generated
#     columns, defaults left to the server, NULLs and empty strings, a table
#     without any key holding duplicate rows (updated and deleted one at a
#     time), a value of 18 MB (inserted, updated, deleted), multi-row
#     inserts (600 rows in one statement), updates (also of the primary
#     key) and deletes; primary keys changed within a transaction (swapped,
#     composite of INT, DATE, DECIMAL and VARCHAR, deleted and re-inserted)
#     and case-insensitive keys changed in case or trailing spaces (rows
#     that compare equal but differ in bytes), for the applier's
#     net-effect batching;
# and when myshift has caught up (its checkpoint equals SHOW MASTER STATUS),
# every table of sbtest, types_full and types_min must be identical on both
# servers: CHECKSUM TABLE ... EXTENDED and every row in key order (strings
# hexed).  myshift must still be running and exit 0 on SIGTERM.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench

sb_pid=
cleanup() {
	[ -z "$sb_pid" ] || kill -TERM "$sb_pid" 2>/dev/null
	[ -z "$sb_pid" ] || wait "$sb_pid" 2>/dev/null
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
CFG=$T/myshift.ini
mig_config "$CFG" src dst "" "[apply]
batch_transactions = 50"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# types_sql DB IMAGE: the type workload on database DB with binlog_row_image IMAGE.
types_sql() {
	local db=$1 image=$2
	cat <<-EOF
	SET SESSION binlog_row_image = $image;
	SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
	SET SESSION time_zone = '+05:30';
	CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
	USE $db;

	CREATE TABLE t_int (
	  id INT NOT NULL PRIMARY KEY,
	  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
	  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
	  bi BIGINT, biu BIGINT UNSIGNED, z INT(5) ZEROFILL, b BOOL);
	INSERT INTO t_int VALUES
	  (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0,
	      -9223372036854775808, 0, 0, 0),
	  (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
	      9223372036854775807, 18446744073709551615, 99999, 1),
	  (3, -1, 128, -1, 32768, -1, 8388608, -1, 2147483648,
	      -1, 9223372036854775808, 1, -1),
	  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	  (5, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 42, 0);
	UPDATE t_int SET tiu = 254, biu = 18446744073709551614, bi = bi - 1 WHERE id = 2;
	UPDATE t_int SET id = 6, miu = 16777215 WHERE id = 5;

	CREATE TABLE t_num (
	  id INT NOT NULL PRIMARY KEY,
	  d65 DECIMAL(65,30), d10 DECIMAL(10,0), d5u DECIMAL(5,2) UNSIGNED,
	  d1 DECIMAL(1,1), f FLOAT, fu FLOAT UNSIGNED, f73 FLOAT(7,3), dbl DOUBLE,
	  dbl2 DOUBLE(20,6));
	INSERT INTO t_num VALUES
	  (1, 99999999999999999999999999999999999.999999999999999999999999999999,
	      9999999999, 999.99, 0.9, 3.40282e38, 3.40282e38, 9999.999,
	      1.7976931348623157e308, 99999999999999.999999),
	  (2, -99999999999999999999999999999999999.999999999999999999999999999999,
	      -9999999999, 0, -0.9, -3.40282e38, 0, -9999.999,
	      -1.7976931348623157e308, -99999999999999.999999),
	  (3, 0.000000000000000000000000000001, 0, 0.01, 0.1, 1.17549e-38, 1.4e-45,
	      0.001, 2.2250738585072014e-308, 0.000001),
	  (4, -0.000000000000000000000000000001, -1, 1.5, -0.1, -1.4e-45, 1.5,
	      -0.001, 4.9e-324, -0.000001),
	  (5, 0, 0, 0, 0, 0.1, 0.1, 0, 0.1, 0.1),
	  (6, 12345678901234567890.123456789012345678901234567890, 1234567890,
	      123.45, 0.5, -0.0, 3.14159, 3.142, -0.0, 2.718281),
	  (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	UPDATE t_num SET d65 = d65 / 3, dbl = 1/3, f = 1/3 WHERE id = 5;

	CREATE TABLE t_bit (
	  id INT NOT NULL PRIMARY KEY,
	  b1 BIT(1), b7 BIT(7), b8 BIT(8), b17 BIT(17), b63 BIT(63), b64 BIT(64),
	  y YEAR, y2 YEAR);
	INSERT INTO t_bit VALUES
	  (1, b'0', b'0', b'0', b'0', b'0', b'0', 1901, 0),
	  (2, b'1', b'1111111', b'11111111', b'11111111111111111', 0x7FFFFFFFFFFFFFFF,
	      0xFFFFFFFFFFFFFFFF, 2155, 2000),
	  (3, b'1', b'1010101', b'10000000', b'10000000000000001', 0x4000000000000001,
	      0x8000000000000001, 1970, 69),
	  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	UPDATE t_bit SET b64 = 0x0123456789ABCDEF, y = 2069 WHERE id = 1;

	CREATE TABLE t_time (
	  id INT NOT NULL PRIMARY KEY,
	  d DATE,
	  t0 TIME(0), t1 TIME(1), t2 TIME(2), t3 TIME(3), t4 TIME(4), t5 TIME(5),
	  t6 TIME(6),
	  dt0 DATETIME(0), dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3),
	  dt4 DATETIME(4), dt5 DATETIME(5), dt6 DATETIME(6),
	  ts0 TIMESTAMP(0) NULL DEFAULT NULL, ts1 TIMESTAMP(1) NULL DEFAULT NULL,
	  ts2 TIMESTAMP(2) NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL DEFAULT NULL,
	  ts4 TIMESTAMP(4) NULL DEFAULT NULL, ts5 TIMESTAMP(5) NULL DEFAULT NULL,
	  ts6 TIMESTAMP(6) NULL DEFAULT NULL);
	INSERT INTO t_time VALUES
	  (1, '0000-00-00',
	   '-838:59:59', '-838:59:58.9', '-838:59:58.99', '-838:59:58.999',
	   '-838:59:58.9999', '-838:59:58.99999', '-838:59:58.999999',
	   '0000-00-00 00:00:00', '0000-00-00 00:00:00.0', '0000-00-00 00:00:00.00',
	   '0000-00-00 00:00:00.000', '0000-00-00 00:00:00.0000',
	   '0000-00-00 00:00:00.00000', '0000-00-00 00:00:00.000000',
	   '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
	   '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
	   '0000-00-00 00:00:00'),
	  (2, '9999-12-31',
	   '838:59:59', '838:59:58.9', '838:59:58.99', '838:59:58.999',
	   '838:59:58.9999', '838:59:58.99999', '838:59:58.999999',
	   '9999-12-31 23:59:59', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.99',
	   '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.9999',
	   '9999-12-31 23:59:59.99999', '9999-12-31 23:59:59.999999',
	   '2038-01-19 08:44:07', '2038-01-19 08:44:07.9', '2038-01-19 08:44:07.99',
	   '2038-01-19 08:44:07.999', '2038-01-19 08:44:07.9999',
	   '2038-01-19 08:44:07.99999', '2038-01-19 08:44:07.999999'),
	  (3, '1000-01-01',
	   '-00:00:01', '-00:00:00.5', '-00:00:00.05', '-00:00:00.005',
	   '-00:00:00.0005', '-00:00:00.00005', '-00:00:00.000001',
	   '1000-01-01 00:00:00', '1000-01-01 00:00:00.1', '1000-01-01 00:00:00.01',
	   '1000-01-01 00:00:00.001', '1000-01-01 00:00:00.0001',
	   '1000-01-01 00:00:00.00001', '1000-01-01 00:00:00.000001',
	   '1970-01-01 05:30:01', '1970-01-01 05:30:01.1', '1970-01-01 05:30:01.01',
	   '1970-01-01 05:30:01.001', '1970-01-01 05:30:01.0001',
	   '1970-01-01 05:30:01.00001', '1970-01-01 05:30:01.000001'),
	  (4, '2024-02-29',
	   '-12:34:56', '-12:34:56.7', '-12:34:56.78', '-12:34:56.789',
	   '-12:34:56.7890', '-12:34:56.78901', '-12:34:56.789012',
	   '2024-02-29 12:34:56', '2024-02-29 12:34:56.7', '2024-02-29 12:34:56.78',
	   '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.7890',
	   '2024-02-29 12:34:56.78901', '2024-02-29 12:34:56.789012',
	   '2024-02-29 12:34:56', '2024-02-29 12:34:56.7', '2024-02-29 12:34:56.78',
	   '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.7890',
	   '2024-02-29 12:34:56.78901', '2024-02-29 12:34:56.789012'),
	  (5, '2000-00-00',
	   '00:00:00', '00:00:00.0', '00:00:00.00', '00:00:00.000', '00:00:00.0000',
	   '00:00:00.00000', '00:00:00.000000',
	   '2000-00-00 00:00:00', '2000-01-00 00:00:00.5', NULL, NULL, NULL, NULL,
	   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	UPDATE t_time SET t6 = '-00:00:00.999999', dt6 = '2001-02-03 04:05:06.000007',
	  ts6 = '2001-02-03 04:05:06.000007' WHERE id = 4;

	-- MariaDB's pre-10.1 temporal formats: logged with no precision
	SET GLOBAL mysql56_temporal_format = OFF;
	CREATE TABLE t_time_old (
	  id INT NOT NULL PRIMARY KEY,
	  t0 TIME, t1 TIME(1), t3 TIME(3), t6 TIME(6),
	  dt0 DATETIME, dt2 DATETIME(2), dt4 DATETIME(4), dt6 DATETIME(6),
	  ts0 TIMESTAMP NULL DEFAULT NULL, ts1 TIMESTAMP(1) NULL DEFAULT NULL,
	  ts5 TIMESTAMP(5) NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL);
	SET GLOBAL mysql56_temporal_format = ON;
	INSERT INTO t_time_old VALUES
	  (1, '-838:59:59', '-838:59:58.9', '-838:59:58.999', '-838:59:58.999999',
	   '0000-00-00 00:00:00', '0000-00-00 00:00:00.00', '0000-00-00 00:00:00.0000',
	   '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
	   '0000-00-00 00:00:00', '0000-00-00 00:00:00'),
	  (2, '838:59:59', '838:59:58.9', '838:59:58.999', '838:59:58.999999',
	   '9999-12-31 23:59:59', '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.9999',
	   '9999-12-31 23:59:59.999999', '2038-01-19 08:44:07',
	   '2038-01-19 08:44:07.9', '2038-01-19 08:44:07.99999',
	   '2038-01-19 08:44:07.999999'),
	  (3, '-00:00:01', '-00:00:00.5', '-00:00:00.005', '-00:00:00.000001',
	   '1000-01-01 00:00:00', '1000-01-01 00:00:00.01', '1000-01-01 00:00:00.0001',
	   '1000-01-01 00:00:00.000001', '1970-01-01 05:30:01', '1970-01-01 05:30:01.1',
	   '1970-01-01 05:30:01.00001', '1970-01-01 05:30:01.000001'),
	  (4, '-12:34:56', '12:34:56.7', '-12:34:56.789', '12:34:56.789012',
	   '2024-02-29 12:34:56', '2024-02-29 12:34:56.78', '2024-02-29 12:34:56.7890',
	   '2024-02-29 12:34:56.789012', '2024-02-29 12:34:56', '2024-02-29 12:34:56.7',
	   '2024-02-29 12:34:56.78901', '2024-02-29 12:34:56.789012'),
	  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	UPDATE t_time_old SET t6 = '-00:00:00.999999', dt6 = '2001-02-03 04:05:06.000007',
	  ts6 = '2001-02-03 04:05:06.000007', t0 = '00:00:00' WHERE id = 4;
	UPDATE t_time_old SET id = 6, dt2 = '2020-06-07 08:09:10.11' WHERE id = 3;
	DELETE FROM t_time_old WHERE id = 1;

	-- MariaDB compressed columns: logged in their stored form
	CREATE TABLE t_comp (
	  id INT NOT NULL PRIMARY KEY,
	  v VARCHAR(2000) COMPRESSED, vb VARBINARY(300) COMPRESSED,
	  b BLOB COMPRESSED, t MEDIUMTEXT COMPRESSED CHARACTER SET utf8mb4);
	INSERT INTO t_comp VALUES
	  (1, '', '', '', ''),
	  (2, 'x', 0x00, 'short', 'é😀'),
	  (3, REPEAT('abc', 600), REPEAT(0x00ff, 150), REPEAT('blob ', 3000),
	   REPEAT('😀ü', 20000)),
	  (4, NULL, NULL, NULL, NULL);
	SET SESSION column_compression_zlib_wrap = ON;
	INSERT INTO t_comp VALUES (5, REPEAT('wrapped ', 200), REPEAT(0x41, 300),
	  REPEAT('w', 70000), REPEAT('ä', 5000));
	SET SESSION column_compression_zlib_wrap = OFF;
	UPDATE t_comp SET v = REPEAT('z', 1999), t = 'now short' WHERE id = 3;
	UPDATE t_comp SET b = REPEAT('grown', 1000) WHERE id = 2;
	DELETE FROM t_comp WHERE id = 1;

	CREATE TABLE t_str (
	  id INT NOT NULL PRIMARY KEY,
	  c10 CHAR(10), vc VARCHAR(300), tt TINYTEXT, tx TEXT, mt MEDIUMTEXT,
	  lc CHAR(10) CHARACTER SET latin1, lvc VARCHAR(300) CHARACTER SET latin1,
	  ltx TEXT CHARACTER SET latin1,
	  bc CHAR(10) CHARACTER SET binary, vb VARBINARY(300), tb TINYBLOB, bl BLOB,
	  mb MEDIUMBLOB, lb LONGBLOB,
	  bin_ci VARCHAR(20) COLLATE utf8mb4_bin, vlong VARCHAR(10000))
	  DEFAULT CHARSET = utf8mb4;
	INSERT INTO t_str VALUES
	  (1, _utf8mb4 0xF09F9880F09D849E, _utf8mb4 0xF09F9880C3A9E282AC61F09D849E20,
	   'tiny 😀', REPEAT('τ😀', 1000), REPEAT('Ü', 70000),
	   _latin1 0xE9FF, _latin1 0xE9FFC0200920, REPEAT(_latin1 0xE9, 300),
	   0x000102, 0x00FF00FF0000, 0x00, REPEAT(0x00FF, 1000), REPEAT(0xAB, 70000),
	   0xDEADBEEF00, 'Case', REPEAT('x😀', 3999)),
	  (2, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''),
	  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	   NULL, NULL, NULL, NULL),
	  (4, 'a  ', 'trailing   ', ' ', '\\\\', 'quote''s "dq" \`bt\`', 'x',
	   'tab\\there', 'nl\\nhere', 'z  ', 'vb  ', 0x20, 0x0A0D, 0x5C27, 0x00, 'CASE',
	   'v');
	UPDATE t_str SET vc = CONCAT(vc, '…'), lb = REPEAT(0x01, 3) WHERE id = 1;
	UPDATE t_str SET c10 = 'x', bc = 0x00 WHERE id = 2;
	UPDATE t_str SET tx = NULL, vb = '' WHERE id = 4;

	CREATE TABLE t_binpk (
	  k BINARY(8) NOT NULL PRIMARY KEY, v BINARY(8), n INT,
	  u BINARY(4) NOT NULL, UNIQUE KEY (u));
	INSERT INTO t_binpk VALUES
	  (0x0102000000000000, 0x0100000000000000, 1, 0x01000000),
	  (0x01, 0x0000000000000000, 2, 0x02000000),
	  ('', '', 3, 0x00000000),
	  (0xFFFFFFFFFFFFFF00, NULL, 4, 0x04),
	  (0x6162630000000000, 'abc', 5, 0x05),
	  (0x0000000000000001, 0x00, 6, 0x06);
	UPDATE t_binpk SET n = n + 10, v = 0x0200 WHERE k = 0x0102;
	UPDATE t_binpk SET k = 0x0300, u = 0x07 WHERE k = 0x01;
	UPDATE t_binpk SET n = 30 WHERE k = '';
	DELETE FROM t_binpk WHERE k = 0xFFFFFFFFFFFFFF00;
	UPDATE t_binpk SET v = 0x61626300 WHERE u = 0x05;

	CREATE TABLE t_enum (
	  id INT NOT NULL PRIMARY KEY,
	  e ENUM('a', 'b', 'c with space', 'ü', '😀'), e2 ENUM('x', 'y') NOT NULL,
	  s SET('x', 'y', 'z', 'ä'), s64 SET('a1','a2','a3','a4','a5','a6','a7','a8',
	  'a9','a10','a11','a12','a13','a14','a15','a16','a17','a18','a19','a20',
	  'a21','a22','a23','a24','a25','a26','a27','a28','a29','a30','a31','a32',
	  'a33','a34','a35','a36','a37','a38','a39','a40','a41','a42','a43','a44',
	  'a45','a46','a47','a48','a49','a50','a51','a52','a53','a54','a55','a56',
	  'a57','a58','a59','a60','a61','a62','a63','a64'));
	INSERT INTO t_enum VALUES
	  (1, 'a', 'x', '', ''),
	  (2, '😀', 'y', 'x,y,z,ä', 'a1,a64'),
	  (3, 'c with space', 'x', 'ä', 'a1,a2,a3,a4,a5,a6,a7,a8,a9,a10,a11,a12,a13,a14,a15,a16,a17,a18,a19,a20,a21,a22,a23,a24,a25,a26,a27,a28,a29,a30,a31,a32,a33,a34,a35,a36,a37,a38,a39,a40,a41,a42,a43,a44,a45,a46,a47,a48,a49,a50,a51,a52,a53,a54,a55,a56,a57,a58,a59,a60,a61,a62,a63,a64'),
	  (4, NULL, 'y', NULL, NULL),
	  (5, 'not a member', 'x', 'y', 'a33');
	UPDATE t_enum SET e = 'ü', s = 'x,z' WHERE id = 1;

	CREATE TABLE t_json (id INT NOT NULL PRIMARY KEY, j JSON, j2 JSON);
	INSERT INTO t_json VALUES
	  (1, '{"a": 1, "b": [true, false, null], "c": {"d": "😀 é"}}', '[]'),
	  (2, '[1, 2.5, -3e10, 18446744073709551615, -9223372036854775808, "x"]', '{}'),
	  (3, '"just a string"', 'null'),
	  (4, NULL, '{"k": "v\\\\"quoted\\\\""}'),
	  (5, '{"deep": [[[[[[{"x": [1]}]]]]]]}', '123.456');
	UPDATE t_json SET j = JSON_SET(j, '$.a', 2, '$.e', 'new') WHERE id = 1;
	UPDATE t_json SET j2 = JSON_ARRAY_APPEND(j2, '$', 'y') WHERE id = 1;

	CREATE TABLE t_geo (
	  id INT NOT NULL PRIMARY KEY, g GEOMETRY, p POINT, ls LINESTRING,
	  pg POLYGON, gc GEOMETRYCOLLECTION);
	INSERT INTO t_geo VALUES
	  (1, ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(-1.5 1e300)'),
	   ST_GeomFromText('LINESTRING(0 0, 1 1, 2 0)'),
	   ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))'),
	   ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 3 3))')),
	  (2, ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))', 4326),
	   ST_GeomFromText('POINT(0 0)', 4326), NULL, NULL, NULL),
	  (3, NULL, NULL, NULL, NULL, NULL);
	UPDATE t_geo SET p = ST_GeomFromText('POINT(3 4)') WHERE id = 1;

	CREATE TABLE t_gen (
	  id INT NOT NULL PRIMARY KEY, a INT, b VARCHAR(20),
	  v INT AS (a * 2) VIRTUAL, s VARCHAR(40) AS (CONCAT(b, '!')) PERSISTENT,
	  dflt VARCHAR(10) NOT NULL DEFAULT 'dflt', n INT DEFAULT 7,
	  ts TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
	      ON UPDATE CURRENT_TIMESTAMP(3),
	  ai INT NOT NULL AUTO_INCREMENT, UNIQUE KEY (ai));
	INSERT INTO t_gen (id, a, b) VALUES (1, 1, 'one'), (2, 2, 'two'), (3, NULL, NULL);
	INSERT INTO t_gen (id, a) VALUES (4, 4);
	UPDATE t_gen SET a = 10 WHERE id = 1;
	UPDATE t_gen SET b = 'three' WHERE id = 3;

	CREATE TABLE t_gen2 (id INT NOT NULL PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL,
	  p VARCHAR(12) AS (CONCAT('p', a)) PERSISTENT, z INT DEFAULT 5);
	INSERT INTO t_gen2 (id, a) VALUES (1, 1), (2, 2), (3, NULL);
	BEGIN;
	UPDATE t_gen2 SET a = 20 WHERE id = 2;
	UPDATE t_gen2 SET id = 4, z = 6 WHERE id = 3;
	DELETE FROM t_gen2 WHERE id = 1;
	INSERT INTO t_gen2 (id, a, z) VALUES (1, 100, NULL);
	COMMIT;

	CREATE TABLE t_nokey (a INT, b VARCHAR(20), c DOUBLE, d BLOB);
	INSERT INTO t_nokey VALUES (1, 'x', 1.5, NULL), (1, 'x', 1.5, NULL),
	  (1, 'x', 1.5, NULL), (2, 'y', NULL, 0x00), (2, 'y', NULL, 0x00),
	  (3, NULL, NULL, NULL), (3, NULL, NULL, NULL), (4, '', 0, '');
	UPDATE t_nokey SET b = 'z' WHERE a = 1 LIMIT 1;
	DELETE FROM t_nokey WHERE a = 2 LIMIT 1;
	UPDATE t_nokey SET c = 2.5 WHERE a = 3 LIMIT 1;
	DELETE FROM t_nokey WHERE a = 3 LIMIT 1;
	INSERT INTO t_nokey SELECT * FROM t_nokey;
	UPDATE t_nokey SET d = 0x0102 WHERE a = 4;
	DELETE FROM t_nokey WHERE b = 'z' LIMIT 1;

	CREATE TABLE t_multi (
	  id INT NOT NULL PRIMARY KEY, grp INT NOT NULL, v VARCHAR(40), KEY (grp));
	INSERT INTO t_multi SELECT seq, seq % 10, CONCAT('row ', seq) FROM seq_1_to_600;
	INSERT INTO t_multi VALUES (1001, 1, 'a'), (1002, 2, 'b'), (1003, 3, NULL);
	UPDATE t_multi SET v = CONCAT(v, ' updated') WHERE grp = 3;
	UPDATE t_multi SET id = id + 10000 WHERE grp = 4 ORDER BY id DESC;
	DELETE FROM t_multi WHERE grp = 5;
	BEGIN;
	INSERT INTO t_multi VALUES (2001, 1, 'in trx');
	UPDATE t_multi SET v = 'in trx upd' WHERE grp = 6;
	DELETE FROM t_multi WHERE grp = 7 AND id < 300;
	COMMIT;
	BEGIN;
	INSERT INTO t_multi VALUES (3001, 1, 'rolled back');
	ROLLBACK;
	REPLACE INTO t_multi VALUES (1, 99, 'replaced'), (3002, 1, 'new by replace');
	INSERT INTO t_multi VALUES (2, 0, 'dup') ON DUPLICATE KEY UPDATE v = 'odku';

	CREATE TABLE t_cipk (k VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL PRIMARY KEY,
	  v INT);
	INSERT INTO t_cipk VALUES ('abc', 1), ('Straße', 2), ('x', 3), ('y ', 4), ('q', 5);
	UPDATE t_cipk SET k = 'ABC' WHERE k = 'abc';
	BEGIN;
	DELETE FROM t_cipk WHERE k = 'ABC';
	INSERT INTO t_cipk VALUES ('aBc', 10);
	UPDATE t_cipk SET k = 'x ' WHERE k = 'x';
	UPDATE t_cipk SET k = 'y', v = 40 WHERE k = 'y';
	UPDATE t_cipk SET k = 'STRASSE' WHERE v = 2;
	COMMIT;
	UPDATE t_cipk SET k = 'Q' WHERE k = 'q';
	UPDATE t_cipk SET v = 50 WHERE k = 'q';

	CREATE TABLE t_netkeys (a INT NOT NULL, d DATE NOT NULL, n DECIMAL(10,3) NOT NULL,
	  s VARCHAR(10) NOT NULL, v VARCHAR(20), PRIMARY KEY (a, d, n, s));
	INSERT INTO t_netkeys SELECT seq % 3, '2020-01-01' + INTERVAL seq DAY, seq / 8,
	  CHAR(64 + seq), CONCAT('v', seq) FROM seq_1_to_20;
	BEGIN;
	UPDATE t_netkeys SET a = -1 WHERE s = 'A';
	UPDATE t_netkeys SET a = 1, d = '2020-01-02', n = 0.125, s = 'A' WHERE s = 'B';
	UPDATE t_netkeys SET a = 2, d = '2020-01-03', n = 0.250, s = 'B' WHERE a = -1;
	DELETE FROM t_netkeys WHERE s = 'C';
	INSERT INTO t_netkeys VALUES (0, '2020-01-04', 0.375, 'C', 'reinserted');
	UPDATE t_netkeys SET v = CONCAT(v, '!') WHERE a = 0;
	DELETE FROM t_netkeys WHERE s = 'D';
	INSERT INTO t_netkeys VALUES (9, '2020-01-04', 0.375, 'D', 'new');
	DELETE FROM t_netkeys WHERE a = 9;
	COMMIT;

	CREATE TABLE t_big (id INT NOT NULL PRIMARY KEY, b LONGBLOB, t LONGTEXT);
	INSERT INTO t_big VALUES (1, REPEAT(0x00FF61, 6 * 1024 * 1024), 'small'),
	  (2, 'small', NULL);
	UPDATE t_big SET b = CONCAT(b, 0x7A), t = REPEAT('é', 100) WHERE id = 1;
	UPDATE t_big SET t = 'after the big one' WHERE id = 2;
	INSERT INTO t_big VALUES (3, REPEAT(0x41, 17 * 1024 * 1024), NULL);
	DELETE FROM t_big WHERE id = 3;
	EOF
}

echo "sysbench prepare (2 tables x 2000 rows)"
srv_sql src "CREATE DATABASE sbtest" || fail "cannot create sbtest"
mig_sysbench src sbtest --tables=2 --table-size=2000 prepare >"$T/sb.prepare" 2>&1 ||
    fail "sysbench prepare failed: $(tail -n 5 "$T/sb.prepare")"
mig_sysbench_cmd src sbtest
"${MIG_SB[@]}" --tables=2 --table-size=2000 --threads=2 --rate=40 \
    --time=20 --report-interval=0 run >"$T/sb.run" 2>&1 &
sb_pid=$!

echo "type workload, binlog_row_image=FULL"
types_sql types_full FULL | srv_sql src - >"$T/types_full.out" 2>&1 ||
    fail "the FULL type workload failed on the source: $(tail -n 5 "$T/types_full.out")"
echo "type workload, binlog_row_image=MINIMAL"
types_sql types_min MINIMAL | srv_sql src - >"$T/types_min.out" 2>&1 ||
    fail "the MINIMAL type workload failed on the source: $(tail -n 5 "$T/types_min.out")"

wait "$sb_pid"
sb_rc=$?
sb_pid=
[ "$sb_rc" = 0 ] || fail "sysbench run failed: $(tail -n 5 "$T/sb.run")"
echo "sysbench: $(grep -E 'transactions:' "$T/sb.run" | tr -s ' ')"

echo "waiting for myshift to catch up"
mig_wait_caught_up src dst 240 || fail "myshift did not catch up"

# t_time_old: CHECKSUM TABLE reads the storage format, the old one on the
# source and the current one on the destination. Compare its rows, then
# convert it on the source (the ALTER replicates) for the checksums.
grep -q "types_full.t_time_old: column dt6 is a datetime(6) in MariaDB's pre-10.1" \
    "$MIG_LOG" || check_fail "myshift did not see t_time_old's columns in the" \
    "pre-10.1 format (did mysql56_temporal_format=OFF work?)"
for db in types_full types_min; do
	mig_dump_table src "$db" t_time_old >"$T/old.src" 2>&1
	mig_dump_table dst "$db" t_time_old >"$T/old.dst" 2>&1
	if ! cmp -s "$T/old.src" "$T/old.dst"; then
		check_fail "rows of $db.t_time_old differ (< source, > destination):"
		mig_show_diff "$T/old.src" "$T/old.dst"
	fi
	n=$(wc -l <"$T/old.src")
	[ "$n" = 4 ] || check_fail "$db.t_time_old has $n rows on the source, expected 4"
	srv_sql src "ALTER TABLE $db.t_time_old FORCE" || fail "ALTER TABLE $db.t_time_old failed"
done
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with the ALTERs"
for db in sbtest types_full types_min; do
	mig_compare_db src dst "$db" || check_fail "database $db differs"
done
# the sources really held what the workload meant to write
n=$(srv_sql src "SELECT COUNT(*) FROM types_full.t_nokey")
[ "$n" = 11 ] || check_fail "types_full.t_nokey has $n rows on the source, expected 11"
n=$(srv_sql src "SELECT LENGTH(b) FROM types_min.t_big WHERE id = 1")
[ "$n" = $((18 * 1024 * 1024 + 1)) ] ||
    check_fail "types_min.t_big row 1 is $n bytes on the source, expected 18 MB + 1"

mig_alive || check_fail "myshift exited: $(mig_log_tail 5)"
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM," \
    "expected 0: $(mig_log_tail 5)"
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: sbtest, types_full and types_min identical on both servers"
