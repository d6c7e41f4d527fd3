#!/usr/bin/env bash
# decode_flavours.sh: myshift-binlog decodes MySQL 9.7 and MariaDB 11.8
# binlogs as their own tools do.
#
# Three servers, each a different shape of binlog:
#   my     MySQL 9.7, gtid_mode=ON, binlog_row_metadata=FULL: every common
#          column type, VECTOR, untagged and tagged GTIDs (SET gtid_next=
#          'AUTOMATIC:tag'), DDL in between (no GEOMETRY: mysqlbinlog -v
#          cannot print it; decode_compare.sh covers it); then the same again
#          with binlog_transaction_compression=ON (TRANSACTION_PAYLOAD);
#   myoff  MySQL 9.7, gtid_mode=OFF (ANONYMOUS_GTID), binlog_row_image=
#          MINIMAL, binlog_row_metadata=MINIMAL;
#   ma     MariaDB 11.8 (GTIDs with the 11.5+ thread id), its VECTOR,
#          INET6/UUID, binlog_row_metadata=FULL.
# Every binlog file of each server is decoded by `myshift-binlog FILE`
# (exit 0), --json (one object per line, as many row changes) and --stats
# (exit 0), and by the vendor's tool (`mysqlbinlog -v` inside the MySQL
# root; `mariadb-binlog -v` of the MariaDB root, or the host's when the
# root has none): the "###" row lines must be byte for byte the same, and
# so must the transactions' GTIDs (MySQL GTID_NEXT lines with their tags,
# MySQL Previous-GTIDs sets, MariaDB domain-server-seq).  The row counts
# must be what the workloads did, and no QUERY event may carry a status
# variable myshift does not know.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
# servers are started with their flavour named (srv_start -f); the pair
# only says which roots srv_require makes sure of
MYSHIFT_PAIR=mysql-9.7:mariadb-11.8
. "$top_srcdir/tests/lib/servers.sh"

srv_require
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

DECODE_TIMEOUT=120
ERRORS=0
FLAVOURS=()

# mysql_workload DB TAG: SQL for a MySQL server; row changes in comments.
# Transactions alternate between untagged and tagged GTIDs (gtid_mode=ON;
# with gtid_mode=OFF TAG is empty and no gtid_next is set).
mysql_workload() {
	local db=$1 tag=$2 tagged="" untagged=""
	if [ -n "$tag" ]; then
		tagged="SET gtid_next='AUTOMATIC:$tag';"
		untagged="SET gtid_next='AUTOMATIC';"
	fi
	cat <<-EOF
	SET NAMES utf8mb4;
	SET time_zone='+00:00';
	CREATE DATABASE $db;
	USE $db;
	CREATE TABLE t (
	  id INT NOT NULL PRIMARY KEY,
	  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED,
	  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
	  dec65 DECIMAL(65,30), dec10 DECIMAL(10,2) UNSIGNED,
	  f FLOAT, d DOUBLE, b1 BIT(1), b64 BIT(64), y YEAR, da DATE,
	  tm0 TIME, tm3 TIME(3), tm6 TIME(6),
	  dt0 DATETIME, dt2 DATETIME(2), dt6 DATETIME(6),
	  ts0 TIMESTAMP NULL DEFAULT NULL, ts4 TIMESTAMP(4) NULL DEFAULT NULL,
	  ch CHAR(10), vc VARCHAR(300), tx TEXT, bl BLOB, lbl LONGBLOB,
	  bin8 BINARY(8), vbin VARBINARY(20),
	  l1 VARCHAR(20) CHARACTER SET latin1,
	  en ENUM('a','b','c'), st SET('x','y','z'),
	  js JSON, v3 VECTOR(3), v16 VECTOR(16)
	) ENGINE=InnoDB;
	-- ins 1: minimum values
	$tagged
	INSERT INTO t VALUES (1, -128, 0, -32768, 0, -2147483648, 0,
	  -9223372036854775808, 0,
	  '-99999999999999999999999999999999999.999999999999999999999999999999',
	  0, -3.40282e38, -1.7976931348623157e308, b'0', 0, 1901, '1000-01-01',
	  '-838:59:59', '-838:59:58.999', '-838:59:59.000000',
	  '1000-01-01 00:00:00', '1000-01-01 00:00:00.01',
	  '1000-01-01 00:00:00.000001', '1970-01-01 00:00:01',
	  '1970-01-01 00:00:01.0001', '', '', '', X'', X'', X'00', X'',
	  '', 'a', '', '[]', STRING_TO_VECTOR('[-3.4e38,0,-0.5]'),
	  STRING_TO_VECTOR('[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]'));
	$untagged
	-- ins 1: maximum values
	INSERT INTO t VALUES (2, 127, 255, 32767, 16777215, 2147483647,
	  4294967295, 9223372036854775807, 18446744073709551615,
	  '99999999999999999999999999999999999.999999999999999999999999999999',
	  99999999.99, 3.40282e38, 1.7976931348623157e308, b'1',
	  18446744073709551615, 2155, '9999-12-31', '838:59:59',
	  '838:59:58.999', '838:59:59.000000', '9999-12-31 23:59:59',
	  '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999999',
	  '2038-01-19 03:14:07', '2038-01-19 03:14:07.9999', 'abcdefghij',
	  REPEAT('é', 300), REPEAT('t', 5000), X'00ff00', REPEAT(X'5a', 70000),
	  X'0102030400000000', X'0000', 'é', 'c', 'x,y,z',
	  '{"a": [1, 2.5, "x", null, true], "b": {"c": "q"}}',
	  STRING_TO_VECTOR('[1,2,3]'),
	  STRING_TO_VECTOR('[0.125,-1e-10,3e10,0,0,0,0,0,0,0,0,0,0,0,0,1]'));
	-- ins 1: NULLs
	INSERT INTO t (id) VALUES (3);
	-- ins 20 in one transaction, tagged
	$tagged
	BEGIN;
	INSERT INTO t (id, i, vc, v3) WITH RECURSIVE s(n) AS
	  (SELECT 10 UNION ALL SELECT n + 1 FROM s WHERE n < 29)
	  SELECT n, n * 7, CONCAT('row ', n), STRING_TO_VECTOR(CONCAT('[', n, ',', -n, ',0.5]')) FROM s;
	COMMIT;
	$untagged
	-- upd 2
	UPDATE t SET vc = 'updated', v3 = STRING_TO_VECTOR('[9,8,7]'),
	  js = '{"k": 1}', ts0 = '2001-02-03 04:05:06' WHERE id IN (1, 2);
	ALTER TABLE t ADD COLUMN extra INT DEFAULT 5;
	-- upd 20, tagged
	$tagged
	UPDATE t SET extra = id, v16 = STRING_TO_VECTOR('[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]') WHERE id >= 10;
	$untagged
	-- del 5
	DELETE FROM t WHERE id BETWEEN 10 AND 14;
	-- del 1, another tag
	$([ -n "$tag" ] && echo "SET gtid_next='AUTOMATIC:${tag}_2';")
	DELETE FROM t WHERE id = 3;
	$untagged
	EOF
}
MYSQL_EXPECT="23 22 6"

# maria_workload DB: the same for MariaDB 11.8 (its VECTOR, INET6, UUID).
maria_workload() {
	local db=$1
	cat <<-EOF
	SET NAMES utf8mb4;
	SET time_zone='+00:00';
	CREATE DATABASE $db;
	USE $db;
	CREATE TABLE t (
	  id INT NOT NULL PRIMARY KEY,
	  ti TINYINT, biu BIGINT UNSIGNED, dec65 DECIMAL(65,30), f FLOAT,
	  d DOUBLE, b13 BIT(13), y YEAR, da DATE, tm3 TIME(3), dt6 DATETIME(6),
	  ts2 TIMESTAMP(2) NULL DEFAULT NULL, vc VARCHAR(300), tx TEXT, bl BLOB,
	  en ENUM('a','b'), st SET('x','y'), js JSON, pt POINT, ip INET6,
	  uu UUID, v VECTOR(3) NOT NULL, VECTOR INDEX (v)
	) ENGINE=InnoDB;
	-- ins 1
	INSERT INTO t VALUES (1, -128, 18446744073709551615,
	  '-99999999999999999999999999999999999.999999999999999999999999999999',
	  -3.40282e38, 1.5, b'1010101010101', 2155, '9999-12-31',
	  '-838:59:58.999', '9999-12-31 23:59:59.999999',
	  '2038-01-19 03:14:07.99', REPEAT('é', 300), 'text', X'00ff',
	  'b', 'x,y', '{"a": 1}', ST_GeomFromText('POINT(1 2)'), '::1',
	  '123e4567-e89b-12d3-a456-426614174000', Vec_FromText('[1,2,3]'));
	-- ins 20
	BEGIN;
	INSERT INTO t (id, vc, v) WITH RECURSIVE s(n) AS
	  (SELECT 10 UNION ALL SELECT n + 1 FROM s WHERE n < 29)
	  SELECT n, CONCAT('row ', n), Vec_FromText(CONCAT('[', n, ',', -n, ',0.5]')) FROM s;
	COMMIT;
	-- upd 21
	UPDATE t SET vc = 'updated', v = Vec_FromText('[9,8,7]');
	ALTER TABLE t ADD COLUMN extra INT DEFAULT 5;
	-- del 6
	DELETE FROM t WHERE id BETWEEN 10 AND 14 OR id = 1;
	EOF
}
MARIA_EXPECT="21 21 6"

count_rows() {
	printf '%s %s %s\n' \
	    "$(grep -ac '^### INSERT INTO ' "$1")" \
	    "$(grep -ac '^### UPDATE ' "$1")" \
	    "$(grep -ac '^### DELETE FROM ' "$1")"
}

# json_rows OUT: every line is one JSON object; print the row changes held.
json_rows() {
	python3 - "$1" <<-'PYEOF'
	import json, sys
	rows = 0
	with open(sys.argv[1], "rb") as f:
	    for n, line in enumerate(f, 1):
	        try:
	            obj = json.loads(line)
	        except ValueError as e:
	            sys.exit("line %d is not JSON (%s): %.200r" % (n, e, line))
	        if not isinstance(obj, dict):
	            sys.exit("line %d is not a JSON object" % n)
	        r = obj.get("rows")
	        if isinstance(r, list):
	            rows += len(r)
	print(rows)
	PYEOF
}

# gtids VENDOR OUT: the transaction ids an output shows, one a line.
gtids() {
	if [ "$1" = mysql ]; then
		grep -aoE "^SET @@SESSION.GTID_NEXT= '(ANONYMOUS|[0-9a-f-]{36}(:[a-z0-9_]+)?:[0-9]+)'" "$2"
		# the Previous-GTIDs set: the line after the event's
		awk '/Previous-GTIDs$/ { getline; print "prev " $0 }' "$2"
	else
		grep -aoE 'GTID [0-9]+-[0-9]+-[0-9]+' "$2"
	fi
}

# check_server NAME EXPECT: decode each binlog file of NAME with both tools.
check_server() {
	local name=$1 expect=$2 vendor root inner file base w rc ref tot=""
	local ri=0 ru=0 rd=0 a b c got
	vendor=$(srv_vendor "$name")
	root=$(_srv_get "$name" CHROOT)
	inner=$(_srv_get "$name" INNER_DIR)
	FLAVOURS+=("$(srv_flavour "$name") ($(srv_sql "$name" "SELECT VERSION()"), $name)")
	for file in $(srv_binlogs "$name"); do
		base=${file##*/}
		w=$SRV_ROOT/out-$name-$base
		mkdir -p "$w"
		# the vendor's decode
		if [ "$vendor" = mysql ]; then
			ref="mysqlbinlog (9.7 root)"
			chroot "$root" env TZ=UTC mysqlbinlog --base64-output=decode-rows \
			    -v "$inner/binlog/$base" >"$w/ref.out" 2>"$w/ref.err"
		elif [ -x "$root/usr/bin/mariadb-binlog" ]; then
			ref="mariadb-binlog (11.8 root)"
			chroot "$root" env TZ=UTC mariadb-binlog --base64-output=decode-rows \
			    -v "$inner/binlog/$base" >"$w/ref.out" 2>"$w/ref.err"
		else
			ref="mariadb-binlog (host, $(mariadb-binlog --version | awk '{print $3}'))"
			TZ=UTC mariadb-binlog --base64-output=decode-rows -v "$file" \
			    >"$w/ref.out" 2>"$w/ref.err"
		fi
		rc=$?
		if [ $rc -ne 0 ]; then
			head -c 2000 "$w/ref.err" >&2
			check_fail "$name $base: $ref exited with status $rc"
			continue
		fi
		# ours
		TZ=UTC timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" "$file" >"$w/my.out" 2>"$w/my.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			head -c 2000 "$w/my.err" >&2
			check_fail "$name $base: myshift-binlog exited with status $rc"
			continue
		fi
		if grep -a '^# unknown status variable' "$w/my.out" >&2; then
			check_fail "$name $base: a QUERY status variable myshift does not know"
		fi
		grep -a '^###' "$w/ref.out" >"$w/ref.rows"
		grep -a '^###' "$w/my.out" >"$w/my.rows"
		if ! cmp -s "$w/ref.rows" "$w/my.rows"; then
			echo "--- $ref, +++ myshift-binlog ($name $base):" >&2
			diff "$w/ref.rows" "$w/my.rows" | cut -c1-300 | head -n 40 >&2
			check_fail "$name $base: ### lines differ from $ref"
		fi
		gtids "$vendor" "$w/ref.out" >"$w/ref.gtids"
		gtids "$vendor" "$w/my.out" >"$w/my.gtids"
		if ! cmp -s "$w/ref.gtids" "$w/my.gtids"; then
			diff "$w/ref.gtids" "$w/my.gtids" | head -n 20 >&2
			check_fail "$name $base: transaction GTIDs differ from $ref"
		fi
		read -r a b c <<<"$(count_rows "$w/my.rows")"
		ri=$((ri + a)) ru=$((ru + b)) rd=$((rd + c))
		echo "$name $base: $(wc -l <"$w/my.rows") ### lines and $(wc -l <"$w/my.gtids") GTIDs as $ref; rows $a $b $c"

		TZ=UTC timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" --json "$file" \
		    >"$w/my.json" 2>"$w/json.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			head -c 2000 "$w/json.err" >&2
			check_fail "$name $base: myshift-binlog --json exited with status $rc"
		elif ! got=$(json_rows "$w/my.json"); then
			check_fail "$name $base: --json: $got"
		elif [ "$got" != $((a + b + c)) ]; then
			check_fail "$name $base: --json holds $got row changes, ### lines $((a + b + c))"
		fi
		if ! timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" --stats "$file" \
		    >"$w/stats.out" 2>&1; then
			head -c 2000 "$w/stats.out" >&2
			check_fail "$name $base: myshift-binlog --stats failed"
		fi
	done
	[ "$ri $ru $rd" = "$expect" ] ||
	    check_fail "$name: INSERT/UPDATE/DELETE rows $ri $ru $rd in its binlogs, the workload made $expect"
}

# run_sql NAME: the workload on stdin, run on NAME.
run_sql() {
	local out=$SRV_ROOT/$1.sql.out
	if ! srv_sql "$1" - >"$out" 2>&1; then
		cat "$out" >&2
		fail "$1: the workload failed"
	fi
}

# MySQL 9.7, GTIDs on, tagged and untagged, then compressed transactions
srv_start -f mysql-9.7 my --binlog_row_metadata=FULL
mysql_workload d1 blue | run_sql my
srv_sql my "SET GLOBAL binlog_transaction_compression=ON; FLUSH BINARY LOGS" ||
    fail "cannot turn on binlog_transaction_compression"
mysql_workload d2 green | run_sql my
srv_sql my "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS"
check_server my "$(awk '{ print $1 * 2, $2 * 2, $3 * 2 }' <<<"$MYSQL_EXPECT")"
grep -aq ':blue:' "$SRV_ROOT"/out-my-*/my.gtids ||
    check_fail "my: no tagged GTID (blue) in myshift-binlog's output"
grep -aq 'Transaction_payload\|Transaction_Payload' "$SRV_ROOT"/out-my-*/my.out ||
    check_fail "my: no TRANSACTION_PAYLOAD although compression was on"

# MySQL 9.7, GTIDs off: anonymous transactions, MINIMAL images
srv_start -f mysql-9.7 myoff --gtid-mode=OFF --enforce-gtid-consistency=OFF \
    --binlog_row_image=MINIMAL --binlog_row_metadata=MINIMAL
mysql_workload d3 "" | run_sql myoff
srv_sql myoff "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS"
check_server myoff "$MYSQL_EXPECT"
grep -aq "'ANONYMOUS'" "$SRV_ROOT"/out-myoff-*/my.gtids ||
    check_fail "myoff: no ANONYMOUS GTID in myshift-binlog's output"

# MariaDB 11.8
srv_start -f mariadb-11.8 ma --binlog_row_metadata=FULL
maria_workload d4 | run_sql ma
srv_sql ma "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS"
check_server ma "$MARIA_EXPECT"
grep -aq 'thread_id=' "$SRV_ROOT"/out-ma-*/my.out ||
    check_fail "ma: GTIDs without the 11.5+ thread id"

echo "decode_flavours: flavours run:"
printf '  %s\n' "${FLAVOURS[@]}"
if [ "$ERRORS" -ne 0 ]; then
	echo "decode_flavours: $ERRORS checks failed" >&2
	exit 1
fi
echo "decode_flavours: all checks passed"
