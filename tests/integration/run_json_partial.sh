#!/usr/bin/env bash
# run_json_partial.sh: `myshift run` replays MySQL's partial JSON updates
# (binlog_row_value_options=PARTIAL_JSON: PARTIAL_UPDATE_ROWS events whose
# after image carries JSON diffs) exactly.
#
# The source is MySQL (MYSHIFT_PAIR=mysql-9.7:DST; skipped otherwise),
# started with --binlog-row-value-options=PARTIAL_JSON. The same JSON
# workload runs twice, in database jfull with binlog_row_image=FULL and in
# jmin with MINIMAL (session setting): JSON_SET, JSON_REPLACE and JSON_REMOVE
# (also nested, several paths each) on nested objects and arrays, members
# and cells inserted (shorter and longer keys: MySQL orders members by key
# length), removed and replaced, scalars replaced with objects and arrays,
# strings growing and shrinking, unicode and quoted member names, integers,
# doubles, temporal values, true/false/null, NULL columns, two
# JSON columns changed in one statement together with a plain column,
# several rows per statement, a document of more than 64 KB (the large
# binary format), $[last] paths, and updates MySQL logs in full (the
# document replaced, a diff bigger than the document).
#
# The source binlog must hold PARTIAL_UPDATE_ROWS events, and
# myshift-binlog -v must print them (JSON_INSERT/JSON_REPLACE/JSON_REMOVE
# calls).
#
# FULL images: every destination gets the documents computed from the
# before image, identical to what full after images give: every row of
# jfull compared (JSON hexed in its text form, which on MariaDB is the text
# myshift wrote).
#
# Typed scalars (databases jtyped, FULL images, and jtmin, MINIMAL): MySQL's
# binary JSON holds DECIMAL, DATE, TIME, DATETIME, TIMESTAMP and binary
# (opaque: VARBINARY, BINARY, TINY/MEDIUM/LONG/BLOB, BIT) values that JSON
# text cannot carry. Documents made of them by JSON_OBJECT, JSON_ARRAYAGG
# (1200 DECIMALs: more than one JSON_TABLE of the rebuilding SQL), CAST(..
# AS JSON) (top-level scalars), nested, with odd member names, written
# whole (net-effect batches, multi-row INSERTs), by partial updates that
# add typed values or leave those of the document, and in a keyless table
# whose UPDATE and DELETE find the row by its JSON value. A MySQL
# destination must hold the same types: every path of every document is
# compared with its JSON_TYPE() and text (json_paths); a MariaDB one the
# text (its JSON is text).
# MINIMAL images: a MySQL destination applies the diffs itself (JSON_*
# functions): jmin compared too. A MariaDB destination cannot do that
# exactly: myshift must exit 1 naming the position, the table, the column
# and binlog_row_image=FULL, with nothing of that transaction applied.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/migrate.sh"

case $SRV_SRC_FLAVOUR in
mysql-*) ;;
*) skip "partial JSON updates are MySQL's: the source flavour is $SRV_SRC_FLAVOUR (set MYSHIFT_PAIR=mysql-9.7:DST)" ;;
esac
mig_require

cleanup() {
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src --binlog-row-value-options=PARTIAL_JSON
mig_dest dst
srv_scratch
T=$SRV_ROOT
CFG=$T/myshift.ini
[ "$(srv_sql src "SELECT @@global.binlog_row_value_options")" = PARTIAL_JSON ] ||
    fail "the source does not run with binlog_row_value_options=PARTIAL_JSON"
mig_config "$CFG" src dst "" "[apply]
batch_transactions = 20"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# src SQL: run SQL on the source; a failure ends the test.
src() {
	srv_sql src "$1" || fail "on the source: ${1:0:300}"
}

# json_schema DB IMAGE: the database and its tables with their first rows.
json_schema() {
	local db=$1 image=$2
	# utf8mb4_general_ci: MariaDB 10.11 has no utf8mb4_0900_ai_ci (MySQL's default)
	cat <<-EOF
	SET SESSION binlog_row_image = $image;
	SET SESSION collation_server = 'utf8mb4_general_ci';
	CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
	USE $db;
	CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT, j JSON, j2 JSON, k JSON);
	INSERT INTO t VALUES
	  (1, 0, '{"a": {"b": {"c": 1}}, "arr": [1, 2, 3], "s": "abc", "n": 1}',
	      '[1, {"x": [true, false]}, "z"]', NULL),
	  (2, 0, '{"a": 1, "bbb": 2, "cc": 3}', '{}', '{"k": null}'),
	  (3, 0, '[]', '[[1, 2], [3, 4]]', '"scalar"'),
	  (4, 0, NULL, '{"u": "\u00e9"}', '[1]'),
	  (5, 0, '{}', '{}', NULL);
	UPDATE t SET j = JSON_OBJECT('big', REPEAT('b', 70000), 'n', 1, 'l', JSON_ARRAY(1, 2))
	  WHERE id = 5;
	CREATE TABLE many (id INT NOT NULL PRIMARY KEY, j JSON NOT NULL);
	INSERT INTO many
	  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50)
	  SELECT n, JSON_OBJECT('id', n, 'tags', JSON_ARRAY('t', n), 'pad', REPEAT('p', n * 10))
	  FROM seq;
	EOF
}

# json_updates DB IMAGE: the partial update workload.
json_updates() {
	local db=$1 image=$2
	cat <<-EOF
	SET SESSION binlog_row_image = $image;
	USE $db;
	UPDATE t SET j = JSON_SET(j, '\$.a.b.c', 2) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.a.b.d', 'new member') WHERE id = 1;
	UPDATE t SET j = JSON_REPLACE(j, '\$.arr[1]', 'two') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.arr[10]', 4) WHERE id = 1;
	UPDATE t SET j = JSON_REMOVE(j, '\$.arr[0]') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.arr[last]', 'last') WHERE id = 1;
	UPDATE t SET j = JSON_REMOVE(j, '\$.arr[last]') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.s', JSON_OBJECT('x', 1, 'yy', JSON_ARRAY(1, 2))) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.n', JSON_ARRAY()) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.n[0]', 'first') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.z', 1, '\$.zzzzz', 5, '\$.b', 2, '\$.aa', 3) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$."key with space"', 'sp', '\$."ключ"', '😀 é ∑') WHERE id = 1;
	UPDATE t SET j = JSON_REPLACE(j, '\$."ключ"', 'короче') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$."quo\\\\"te"', 1) WHERE id = 1;
	UPDATE t SET j = JSON_REMOVE(JSON_SET(j, '\$.tmp', 1, '\$.a.b.c', 3), '\$.a.b.d') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.i16', -5, '\$.i32', 100000, '\$.i64', -9223372036854775808,
	    '\$.u64', 18446744073709551615, '\$.dbl', 1.5e300, '\$.neg', -0.25,
	    '\$.t', true, '\$.f', false, '\$.nul', CAST('null' AS JSON),
	    '\$.dt', CAST('2024-02-29 12:34:56.789' AS DATETIME(3)), '\$.d', CAST('2024-01-02' AS DATE))
	  WHERE id = 2;
	UPDATE t SET j = JSON_REPLACE(j, '\$.a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa') WHERE id = 2;
	UPDATE t SET j = JSON_REPLACE(j, '\$.a', 'a') WHERE id = 2;
	UPDATE t SET j = JSON_REMOVE(j, '\$.bbb', '\$.cc') WHERE id = 2;
	UPDATE t SET j = JSON_SET(j, '\$[0]', 1) WHERE id = 3;
	UPDATE t SET j = JSON_SET(j, '\$[5]', JSON_OBJECT('in', 'array')) WHERE id = 3;
	UPDATE t SET j = JSON_SET(j, '\$[1].in', 'changed', '\$[1].more', JSON_ARRAY(1, 2, 3)) WHERE id = 3;
	UPDATE t SET j2 = JSON_SET(j2, '\$[0][1]', 20), j2 = JSON_REMOVE(j2, '\$[1][0]') WHERE id = 3;
	UPDATE t SET v = v + 1, j = JSON_SET(j, '\$.c', 'both'), j2 = JSON_REMOVE(j2, '\$[2]') WHERE id = 1;
	UPDATE t SET j2 = JSON_SET(j2, '\$[1].x[0]', 'deep'), k = JSON_SET(k, '\$.x', 1) WHERE id = 1;
	UPDATE t SET k = JSON_SET(k, '\$.k', 'was null') WHERE id = 2;
	UPDATE t SET j = JSON_SET(j, '\$.a', 1) WHERE id = 4;
	UPDATE t SET j = '{"assigned": "whole"}' WHERE id = 4;
	UPDATE t SET j = JSON_SET(j, '\$.assigned', 'partly') WHERE id = 4;
	UPDATE t SET j = JSON_SET(j, '\$', JSON_OBJECT('root', 'replaced')) WHERE id = 4;
	UPDATE t SET j = JSON_SET(j, '\$.x', 1, '\$.x', 2, '\$.x', 3, '\$.x', 4, '\$.x', 5, '\$.x', 6,
	    '\$.x', 7, '\$.x', 8, '\$.x', 9) WHERE id = 4;
	UPDATE t SET j2 = JSON_SET(j2, '\$.u', 'ü', '\$.u2', '\\\\u00e9 "quoted" \\\\\\\\ tab\\\\t') WHERE id = 4;
	UPDATE t SET k = JSON_REPLACE(k, '\$[0]', 'k') WHERE id = 4;
	UPDATE t SET j = JSON_SET(j, '\$.n', 2, '\$.l[1]', 'two', '\$.new', REPEAT('n', 300)) WHERE id = 5;
	UPDATE t SET j = JSON_REPLACE(j, '\$.big', REPEAT('c', 70010)) WHERE id = 5;
	UPDATE t SET j = JSON_REMOVE(j, '\$.new') WHERE id = 5;
	BEGIN;
	UPDATE many SET j = JSON_SET(j, '\$.seen', id, '\$.tags[0]', 'tt') WHERE id <= 30;
	UPDATE many SET j = JSON_REMOVE(j, '\$.pad') WHERE id % 3 = 0;
	UPDATE many SET j = JSON_REPLACE(j, '\$.pad', 'short') WHERE id % 3 = 1;
	COMMIT;
	UPDATE many SET j = JSON_SET(j, '\$.tags[1]', JSON_OBJECT('n', id)) WHERE id > 40;
	DELETE FROM many WHERE id = 50;
	UPDATE t SET j = JSON_SET(j, '\$.same', 'same') WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.same', 'same'), v = v + 1 WHERE id = 1;
	EOF
}

echo "FULL row images"
src "$(json_schema jfull FULL)"
src "$(json_updates jfull FULL)"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up on jfull"
mig_compare_db src dst jfull || check_fail "jfull differs on the destination"

# The workload must really have produced partial updates, and the decoder
# must print them.
binlogs=()
while read -r f; do binlogs+=("$f"); done < <(srv_binlogs src)
"$MYSHIFT_BINLOG" "${binlogs[@]}" >"$T/binlog.txt" 2>"$T/binlog.err" ||
    check_fail "myshift-binlog failed on the source binlog: $(head -c 300 "$T/binlog.err")"
n=$(grep -c 'Update_rows_partial' "$T/binlog.txt")
[ "$n" -ge 30 ] || check_fail "only $n PARTIAL_UPDATE_ROWS events in the source binlog"
for fn in 'JSON_REPLACE(' 'JSON_INSERT(' 'JSON_REMOVE(' 'JSON_ARRAY_INSERT('; do
	grep -qF "$fn" "$T/binlog.txt" ||
	    check_fail "myshift-binlog printed no $fn call for the partial updates"
done

# json_paths NAME DB TABLE KEY: each path of each JSON document of
# DB.TABLE.j with its JSON_TYPE() and the hex of its text (MySQL only).
json_paths() {
	srv_sql "$1" "WITH RECURSIVE p (k, path, v) AS (
	  SELECT $4, CAST('\$' AS CHAR(2000)), j FROM $2.$3 WHERE j IS NOT NULL
	  UNION ALL
	  SELECT p.k, CONCAT(p.path, '[', a.i - 1, ']'),
	      JSON_EXTRACT(p.v, CONCAT('\$[', a.i - 1, ']'))
	    FROM p, JSON_TABLE(IF(JSON_TYPE(p.v) = 'ARRAY', p.v, JSON_ARRAY()),
	      '\$[*]' COLUMNS (i FOR ORDINALITY)) a
	  UNION ALL
	  SELECT p.k, CONCAT(p.path, '.', JSON_QUOTE(o.m)),
	      JSON_EXTRACT(p.v, CONCAT('\$.', JSON_QUOTE(o.m)))
	    FROM p, JSON_TABLE(IF(JSON_TYPE(p.v) = 'OBJECT', JSON_KEYS(p.v), JSON_ARRAY()),
	      '\$[*]' COLUMNS (m VARCHAR(500) PATH '\$')) o)
	SELECT k, path, JSON_TYPE(v), HEX(CAST(v AS CHAR)) FROM p ORDER BY 1, 2, 3, 4"
}

# typed_schema DB IMAGE: tables of typed values and JSON documents of them.
typed_schema() {
	local db=$1 image=$2
	cat <<-EOF
	SET SESSION binlog_row_image = $image;
	SET SESSION sql_mode = '';
	SET SESSION collation_server = 'utf8mb4_general_ci';
	CREATE DATABASE $db CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
	USE $db;
	CREATE TABLE vals (id INT NOT NULL PRIMARY KEY, dc DECIMAL(10,2), dz DECIMAL(30,10),
	  dn DECIMAL(65,30), d DATE, t TIME(6), dt DATETIME(6), ts TIMESTAMP(6) NULL,
	  vb VARBINARY(8), bl BLOB, tb TINYBLOB, mb MEDIUMBLOB, lb LONGBLOB, bn BINARY(3),
	  bi BIT(10), b64 BIT(64));
	INSERT INTO vals VALUES
	  (1, 12.50, 0.0000000001,
	   -12345678901234567890123456789012345.123456789012345678901234567890,
	   '2024-02-29', '-838:59:59', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.000001',
	   x'0001ff', x'ff00', x'', x'61', x'62', x'0102', b'1010101010', x'ffffffffffffffff'),
	  (2, -0.01, 0, 0, '0000-00-00', '00:00:00', '1000-01-01 00:00:00',
	   '2001-02-03 04:05:06.000007', x'', x'00', x'27', x'5c', x'22', x'000000', b'0', 0);
	CREATE TABLE t (id INT NOT NULL PRIMARY KEY, v INT, j JSON);
	CREATE TABLE nk (v INT, j JSON);
	INSERT INTO t SELECT id, 0, JSON_OBJECT('dc', dc, 'dz', dz, 'dn', dn, 'd', d, 't', t,
	    'dt', dt, 'ts', ts, 'vb', vb, 'bl', bl, 'tb', tb, 'mb', mb, 'lb', lb, 'bn', bn,
	    'bi', bi, 'b64', b64, 'lit', 0.50, 'neg', -0.5, 'dbl', 12.5e0, 's', 'str', 'i', 7,
	    'nest', JSON_ARRAY(dc, JSON_OBJECT('deep', dt, 'k''ey "q" \\\\ ü', vb)))
	  FROM vals;
	INSERT INTO t VALUES (10, 0, CAST(CAST(12.5 AS DECIMAL(4,1)) AS JSON)),
	  (11, 0, CAST(CAST('2020-01-01' AS DATE) AS JSON)),
	  (12, 0, JSON_EXTRACT(JSON_ARRAY(x'ff'), '\$[0]')),
	  (13, 0, '{"plain": [1, 2.5, "x"]}');
	INSERT INTO t SELECT 20, 0, JSON_ARRAYAGG(CAST(n / 100 AS DECIMAL(8,2))) FROM (
	  WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 1200)
	  SELECT n FROM seq) s;
	INSERT INTO nk SELECT id, j FROM t WHERE id IN (1, 2, 10, 13);
	INSERT INTO nk SELECT 1, j FROM t WHERE id = 1;
	EOF
}

# typed_updates DB IMAGE: full and partial updates with typed values.
typed_updates() {
	local db=$1 image=$2
	cat <<-EOF
	SET SESSION binlog_row_image = $image;
	SET SESSION sql_mode = '';
	USE $db;
	UPDATE t SET j = JSON_SET(j, '\$.dc', CAST(99.99 AS DECIMAL(6,2))) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.new_dt', CAST('2030-01-01 00:00:00.5' AS DATETIME(1)),
	    '\$.nest[1].deep', CAST('01:02:03' AS TIME)) WHERE id = 1;
	UPDATE t SET j = JSON_SET(j, '\$.s', 'changed') WHERE id = 2;
	UPDATE t SET j = JSON_SET(j, '\$.bin', (SELECT bl FROM vals WHERE id = 1),
	    '\$.ts2', (SELECT ts FROM vals WHERE id = 1), '\$.dec', (SELECT dn FROM vals WHERE id = 1))
	  WHERE id = 2;
	UPDATE t SET j = JSON_REPLACE(j, '\$[5]', CAST(-1.25 AS DECIMAL(5,2))) WHERE id = 20;
	UPDATE t SET j = JSON_REMOVE(j, '\$.vb') WHERE id = 1;
	UPDATE t SET j = JSON_ARRAY_INSERT(j, '\$.nest[0]', (SELECT d FROM vals WHERE id = 1)) WHERE id = 1;
	UPDATE t SET v = v + 1 WHERE id IN (1, 2, 10, 11, 12, 13, 20);
	UPDATE t SET j = JSON_OBJECT('whole', CAST(1.5 AS DECIMAL(3,1)), 'when', NOW(6)) WHERE id = 13;
	INSERT INTO t SELECT id + 100, 1, JSON_ARRAY(bi, bn, tb) FROM vals;
	BEGIN;
	INSERT INTO t SELECT 30, 1, JSON_OBJECT('a', dc, 'b', d) FROM vals WHERE id = 1;
	UPDATE t SET v = 2 WHERE id = 30;
	DELETE FROM t WHERE id = 102;
	COMMIT;
	UPDATE nk SET v = v + 100 WHERE v = 1 LIMIT 1;
	UPDATE nk SET j = JSON_SET(j, '\$.dc', CAST(1.00 AS DECIMAL(5,2))) WHERE v = 2;
	UPDATE nk SET v = 3 WHERE v = 13;
	DELETE FROM nk WHERE v = 10;
	EOF
}

# typed_check DB: the typed documents of DB are on the destination.
typed_check() {
	local db=$1 tb key
	mig_compare_db src dst "$db" || check_fail "$db differs on the destination"
	srv_is_mysql dst || return 0
	for tb in t nk; do
		key=id
		[ "$tb" = t ] || key=v
		json_paths src "$db" "$tb" "$key" >"$T/$db.$tb.src" ||
		    fail "json_paths failed on the source"
		json_paths dst "$db" "$tb" "$key" >"$T/$db.$tb.dst" ||
		    fail "json_paths failed on the destination"
		[ "$(wc -l <"$T/$db.$tb.src")" -gt 50 ] ||
		    check_fail "json_paths found only $(wc -l <"$T/$db.$tb.src") paths in $db.$tb"
		cmp -s "$T/$db.$tb.src" "$T/$db.$tb.dst" ||
		    check_fail "$db.$tb: JSON types or values differ on the destination:
$(diff "$T/$db.$tb.src" "$T/$db.$tb.dst" | head -20)"
	done
}

echo "typed scalars, FULL row images"
src "$(typed_schema jtyped FULL)"
src "$(typed_updates jtyped FULL)"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up on jtyped: $(mig_log_tail 3)"
typed_check jtyped
for ty in DECIMAL DATE TIME DATETIME TIMESTAMP BLOB BIT; do
	grep -q "	$ty	" "$T/jtyped.t.src" 2>/dev/null || ! srv_is_mysql dst ||
	    check_fail "jtyped.t holds no $ty value: the workload does not test it"
done

echo "MINIMAL row images"
src "$(json_schema jmin MINIMAL)"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up on jmin's rows"
before=$(mig_checkpoint dst)
row1=$(srv_sql dst "SELECT HEX(j) FROM jmin.t WHERE id = 1")
pos_min=$(mig_position src)
src "$(json_updates jmin MINIMAL)"
after=$(mig_position src)
if srv_is_mysql dst; then
	mig_wait_caught_up src dst 120 || fail "myshift did not catch up on jmin"
	mig_compare_db src dst jmin || check_fail "jmin differs on the destination"
	echo "typed scalars, MINIMAL row images"
	src "$(typed_schema jtmin MINIMAL)"
	src "$(typed_updates jtmin MINIMAL)"
	mig_wait_caught_up src dst 120 || fail "myshift did not catch up on jtmin: $(mig_log_tail 3)"
	typed_check jtmin
else
	mig_wait_exit 60 || fail "myshift kept running after a partial JSON update it cannot replay on MariaDB"
	[ "$MIG_RC" = 1 ] || check_fail "myshift exited $MIG_RC, expected 1: $(mig_log_tail 3)"
	log_contains "$MIG_LOG" "partial JSON update of jmin\.t column 3 \(j\).*binlog_row_image=FULL" ||
	    check_fail "myshift's error does not name jmin.t, column j and binlog_row_image=FULL: $(mig_log_tail 3)"
	errpos=$(grep -oE "src-bin\.[0-9]+:[0-9]+: partial JSON update" "$MIG_LOG" | tail -1)
	errpos=${errpos%%: partial*}
	file=${pos_min% *}
	p=${errpos#*:}
	{ [ "${errpos%:*}" = "$file" ] && [ "$p" -ge "${pos_min#* }" ] && [ "$p" -lt "${after#* }" ]; } ||
	    check_fail "the error names position '$errpos', not one between '$pos_min' and '$after'"
	[ "$(mig_checkpoint dst)" = "$before" ] ||
	    check_fail "the checkpoint moved past the last transaction before the partial update: $(mig_checkpoint dst), was $before"
	[ -n "$row1" ] && [ "$(srv_sql dst "SELECT HEX(j) FROM jmin.t WHERE id = 1")" = "$row1" ] ||
	    check_fail "jmin.t row 1 changed on the destination although myshift stopped at its update"
fi

mig_alive && { mig_stop 30; [ "$MIG_RC" = 0 ] || check_fail "myshift exited $MIG_RC on SIGTERM"; }
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS"
