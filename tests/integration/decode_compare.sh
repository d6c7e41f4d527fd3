#!/usr/bin/env bash
# decode_compare.sh: myshift-binlog prints the same rows as mariadb-binlog.
#
# A type-coverage workload (every column type, extreme values, NULLs,
# charsets, a 17 MB row, DDL in between) runs on a real MariaDB server with
# binlog_format=ROW in four configurations: binlog_row_image FULL and
# MINIMAL, each with log_bin_compress OFF and ON (and binlog_row_metadata
# NO_LOG, MINIMAL or FULL, so that the table maps carry optional metadata
# of every column type too).  Each configuration writes
# its own binlog file, which is decoded by `myshift-binlog FILE` and by
# `TZ=UTC mariadb-binlog --base64-output=decode-rows -v FILE`; the lines
# starting with "###" must be byte for byte the same.  Also checked: the
# number of INSERT/UPDATE/DELETE rows is what the workload did, compressed
# configurations really contain compressed events, MINIMAL updates carry
# only the key before and the changed columns after, --json prints one JSON
# object per line with the same number of row changes, --stats counts the
# rows events, and --start-position/--stop-position select the same events
# as mariadb-binlog's options of the same name.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
command -v mariadb-binlog >/dev/null || skip "mariadb-binlog is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

# Row changes the workload makes in each configuration (one "### INSERT
# INTO", "### UPDATE" or "### DELETE FROM" line per row); see workload().
EXPECT_INSERT=93
EXPECT_UPDATE=41
EXPECT_DELETE=33

# Seconds allowed for one decode of one file.
DECODE_TIMEOUT=300

ERRORS=0

# workload DB: print the SQL of the workload on stdout.  Counts of row
# changes per statement are in comments: ins/upd/del.
workload() {
	local db=$1 i enum_big="" set_big=""
	for i in $(seq 1 300); do enum_big+="${enum_big:+,}'e$i'"; done
	for i in $(seq 1 64); do set_big+="${set_big:+,}'s$i'"; done
	cat <<-EOF
	SET NAMES utf8mb4;
	SET sql_mode='';
	SET time_zone='+00:00';
	CREATE DATABASE $db;
	USE $db;

	CREATE TABLE t_types (
	  id INT NOT NULL PRIMARY KEY,
	  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
	  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
	  bi BIGINT, biu BIGINT UNSIGNED,
	  dec65 DECIMAL(65,30), dec10 DECIMAL(10,2), dec5 DECIMAL(5,0),
	  decu DECIMAL(20,10) UNSIGNED, dec1 DECIMAL(1,1),
	  f FLOAT, d DOUBLE,
	  b1 BIT(1), b13 BIT(13), b64 BIT(64),
	  y YEAR, da DATE,
	  tm0 TIME, tm1 TIME(1), tm2 TIME(2), tm3 TIME(3), tm4 TIME(4),
	  tm5 TIME(5), tm6 TIME(6),
	  dt0 DATETIME, dt1 DATETIME(1), dt2 DATETIME(2), dt3 DATETIME(3),
	  dt4 DATETIME(4), dt5 DATETIME(5), dt6 DATETIME(6),
	  ts0 TIMESTAMP NULL DEFAULT NULL, ts1 TIMESTAMP(1) NULL DEFAULT NULL,
	  ts2 TIMESTAMP(2) NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL DEFAULT NULL,
	  ts4 TIMESTAMP(4) NULL DEFAULT NULL, ts5 TIMESTAMP(5) NULL DEFAULT NULL,
	  ts6 TIMESTAMP(6) NULL DEFAULT NULL,
	  ch CHAR(10), chb CHAR(100), vcs VARCHAR(20), vc VARCHAR(300),
	  ttx TINYTEXT, tx TEXT, mtx MEDIUMTEXT, ltx LONGTEXT,
	  tbl TINYBLOB, bl BLOB, mbl MEDIUMBLOB, lbl LONGBLOB,
	  bin8 BINARY(8), vbin VARBINARY(20),
	  l1c CHAR(10) CHARACTER SET latin1, l1v VARCHAR(300) CHARACTER SET latin1,
	  l1t TEXT CHARACTER SET latin1,
	  en ENUM('a','b','c'), enb ENUM($enum_big),
	  st SET('x','y','z'), stb SET($set_big),
	  js JSON, geo GEOMETRY, pt POINT, ip INET6, uu UUID
	) ENGINE=InnoDB;

	-- ins 1: minimum values
	INSERT INTO t_types SET id=1,
	  ti=-128, tiu=0, si=-32768, siu=0, mi=-8388608, miu=0,
	  i=-2147483648, iu=0, bi=-9223372036854775808, biu=0,
	  dec65='-99999999999999999999999999999999999.999999999999999999999999999999',
	  dec10=-99999999.99, dec5=-99999, decu=0, dec1=-0.9,
	  f=-3.40282e38, d=-1.7976931348623157e308,
	  b1=b'0', b13=0, b64=0, y=1901, da='1000-01-01',
	  tm0='-838:59:59', tm1='-838:59:58.9', tm2='-838:59:58.99',
	  tm3='-838:59:58.999', tm4='-838:59:58.9999', tm5='-838:59:58.99999',
	  tm6='-838:59:59.000000',
	  dt0='1000-01-01 00:00:00', dt1='1000-01-01 00:00:00.1',
	  dt2='1000-01-01 00:00:00.01', dt3='1000-01-01 00:00:00.001',
	  dt4='1000-01-01 00:00:00.0001', dt5='1000-01-01 00:00:00.00001',
	  dt6='1000-01-01 00:00:00.000001',
	  ts0='1970-01-01 00:00:01', ts1='1970-01-01 00:00:01.1',
	  ts2='1970-01-01 00:00:01.01', ts3='1970-01-01 00:00:01.001',
	  ts4='1970-01-01 00:00:01.0001', ts5='1970-01-01 00:00:01.00001',
	  ts6='1970-01-01 00:00:01.000001',
	  ch='a', chb='b', vcs='c', vc='d', ttx='e', tx='f', mtx='g', ltx='h',
	  tbl=X'00', bl=X'01', mbl=X'02', lbl=X'03', bin8=X'00', vbin=X'00',
	  l1c='a', l1v='b', l1t='c', en='a', enb='e1', st='x', stb='s1',
	  js='{}', geo=ST_GeomFromText('POINT(0 0)'), pt=ST_GeomFromText('POINT(0 0)'),
	  ip='::', uu='00000000-0000-0000-0000-000000000000';

	-- ins 1: maximum values
	INSERT INTO t_types SET id=2,
	  ti=127, tiu=255, si=32767, siu=65535, mi=8388607, miu=16777215,
	  i=2147483647, iu=4294967295, bi=9223372036854775807,
	  biu=18446744073709551615,
	  dec65='99999999999999999999999999999999999.999999999999999999999999999999',
	  dec10=99999999.99, dec5=99999, decu='9999999999.9999999999', dec1=0.9,
	  f=3.40282e38, d=1.7976931348623157e308,
	  b1=b'1', b13=b'1111111111111', b64=0xFFFFFFFFFFFFFFFF, y=2155,
	  da='9999-12-31',
	  tm0='838:59:59', tm1='838:59:58.9', tm2='838:59:58.99',
	  tm3='838:59:58.999', tm4='838:59:58.9999', tm5='838:59:58.99999',
	  tm6='838:59:59.000000',
	  dt0='9999-12-31 23:59:59', dt1='9999-12-31 23:59:59.9',
	  dt2='9999-12-31 23:59:59.99', dt3='9999-12-31 23:59:59.999',
	  dt4='9999-12-31 23:59:59.9999', dt5='9999-12-31 23:59:59.99999',
	  dt6='9999-12-31 23:59:59.999999',
	  ts0='2038-01-19 03:14:07', ts1='2038-01-19 03:14:07.9',
	  ts2='2038-01-19 03:14:07.99', ts3='2038-01-19 03:14:07.999',
	  ts4='2038-01-19 03:14:07.9999', ts5='2038-01-19 03:14:07.99999',
	  ts6='2038-01-19 03:14:07.999999',
	  ch=REPEAT('z', 10), chb=REPEAT('😀', 100), vcs=REPEAT('é', 20),
	  vc=REPEAT('😀', 300), ttx=REPEAT('t', 255), tx=REPEAT('u', 1000),
	  mtx=REPEAT('v', 70000), ltx=REPEAT('w', 100000),
	  tbl=REPEAT(X'FF', 255), bl=REPEAT(X'FE', 65535),
	  mbl=REPEAT(X'FD', 70000), lbl=REPEAT(X'FC', 100000),
	  bin8=X'FFFFFFFFFFFFFFFF', vbin=REPEAT(X'FF', 20),
	  l1c=REPEAT(X'FF', 10), l1v=REPEAT(X'E9', 300), l1t=REPEAT(X'80', 1000),
	  en='c', enb='e300', st='x,y,z', stb=CONCAT_WS(',', 's1','s8','s9','s16','s17','s32','s33','s63','s64'),
	  js='{"a": [1, 2.5, "x", null, true, false, {"b": {}}], "emoji": "😀"}',
	  geo=ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,2 1,2 2,1 1))'),
	  pt=ST_GeomFromText('POINT(-1.5 1e300)'),
	  ip='ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
	  uu='ffffffff-ffff-ffff-ffff-ffffffffffff';

	-- ins 1: zero values (zero dates need sql_mode without NO_ZERO_DATE)
	INSERT INTO t_types SET id=3,
	  ti=0, tiu=0, si=0, siu=0, mi=0, miu=0, i=0, iu=0, bi=0, biu=0,
	  dec65=0, dec10=0, dec5=0, decu=0, dec1=0, f=0, d=0,
	  b1=0, b13=0, b64=0, y='0000', da='0000-00-00',
	  tm0='00:00:00', tm1='-00:00:00.1', tm2='-00:00:00.01', tm3='-00:00:00.5',
	  tm4='-00:00:00.0001', tm5='-00:00:00.00001', tm6='-00:00:00.000001',
	  dt0='0000-00-00 00:00:00', dt1='0000-00-00 00:00:00.0',
	  dt2='0000-00-00 00:00:00', dt3='0000-00-00 00:00:00',
	  dt4='0000-00-00 00:00:00', dt5='0000-00-00 00:00:00',
	  dt6='0000-00-00 00:00:00.000000',
	  ts0='0000-00-00 00:00:00', ts1='0000-00-00 00:00:00',
	  ts2='0000-00-00 00:00:00', ts3='0000-00-00 00:00:00',
	  ts4='0000-00-00 00:00:00', ts5='0000-00-00 00:00:00',
	  ts6='0000-00-00 00:00:00',
	  ch='', chb='', vcs='', vc='', ttx='', tx='', mtx='', ltx='',
	  tbl='', bl='', mbl='', lbl='', bin8='', vbin='',
	  l1c='', l1v='', l1t='', en='', enb='', st='', stb='',
	  js='null', geo=ST_GeomFromText('GEOMETRYCOLLECTION EMPTY'),
	  pt=ST_GeomFromText('POINT(0 0)'), ip='::', uu='00000000-0000-0000-0000-000000000000';

	-- ins 1: NULL in every column but the key
	INSERT INTO t_types SET id=4;

	-- ins 1: odd values: negative fractions, zero in dates, escapes,
	-- 4-byte characters, latin1 bytes >= 0x80, trailing zeros and spaces
	INSERT INTO t_types SET id=5,
	  ti=-1, tiu=128, si=-1, siu=32768, mi=-1, miu=8388608, i=-1,
	  iu=2147483648, bi=-1, biu=9223372036854775808,
	  dec65='-0.000000000000000000000000000001', dec10=-0.01, dec5=-1,
	  decu='0.0000000001', dec1=0.1,
	  f=1.17549435e-38, d=4.9e-324,
	  b1=1, b13=b'1000000000001', b64=0x8000000000000001, y=2024,
	  da='2020-00-15',
	  tm0='-12:34:56', tm1='-12:34:56.7', tm2='-00:00:01.01', tm3='-1:00:00.001',
	  tm4='-838:00:00.5', tm5='100:00:00.00001', tm6='-12:34:56.789012',
	  dt0='2024-02-29 12:34:56', dt1='2024-02-29 12:34:56.5',
	  dt2='2020-00-00 00:00:00.01', dt3='1999-12-31 23:59:59.999',
	  dt4='2000-01-01 00:00:00.0001', dt5='2000-06-15 12:00:00.12345',
	  dt6='2024-02-29 12:34:56.789012',
	  ts0='2001-09-09 01:46:40', ts1='2001-09-09 01:46:40.5',
	  ts2='2001-09-09 01:46:40.05', ts3='2001-09-09 01:46:40.123',
	  ts4='2001-09-09 01:46:40.1234', ts5='2001-09-09 01:46:40.12345',
	  ts6='2001-09-09 01:46:40.123456',
	  ch='  a  ', chb='😀🐬𝄞 ü', vcs='trailing   ',
	  vc=CONCAT('q''uo\\\\te', CHAR(0 USING utf8mb4), CHAR(10), CHAR(9), CHAR(13), CHAR(127), '😀ü€'),
	  ttx='🐬', tx=CONCAT('line1', CHAR(10), 'line2'), mtx='𝄞', ltx='ÿ',
	  tbl=X'00000000', bl=X'000102030405060708090A0B0C0D0E0F10111F20275C7F80FF',
	  mbl=X'C3A9', lbl=X'F09F9880',
	  bin8=X'0102000000000000', vbin=X'0000000000',
	  l1c=X'E9E8FF80A0', l1v=CONCAT(X'C0FF', 'abc', X'00', X'A3'), l1t=X'A3A9FF',
	  en=2, enb=256, st='', stb='s64',
	  js='[1, -2.5e-10, "\\\\u00e9", "😀", {"k": [[], {}]}]',
	  geo=ST_GeomFromText('MULTILINESTRING((0 0,1 1),(2 2,3 3,4 4))'),
	  pt=ST_GeomFromText('POINT(3.14159 -2.71828)'),
	  ip='192.168.0.1', uu='123e4567-e89b-12d3-a456-426655440000';

	-- ins 40: a multi-row insert
	INSERT INTO t_types (id, i, vc, dt6, dec10, st, b13)
	WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 40)
	SELECT 100 + k, k * 1000, CONCAT('row ', k, ' 😀'),
	  '2024-01-01 00:00:00' + INTERVAL k * 86400123 MICROSECOND,
	  k * -1.25, IF(k % 2, 'x,z', ''), k FROM n;

	-- upd 1 each: change every column of a row, a NULL row to values,
	-- values to NULL, and the key
	UPDATE t_types SET ti=ti+1, tiu=tiu+1, si=si+1, siu=siu+1, mi=mi+1,
	  miu=miu+1, i=i+1, iu=iu+1, bi=bi+1, biu=biu+1, dec65=dec65+1,
	  dec10=dec10+1, dec5=dec5+1, decu=decu+1, dec1=0, f=f/2, d=d/2,
	  b1=1, b13=1, b64=1, y=2000, da='2000-01-01', tm0='01:02:03',
	  tm6='-01:02:03.000004', dt0='2000-01-01 00:00:00', dt6=NOW(6),
	  ts0='2000-01-01 00:00:00', ts6='2000-01-01 00:00:00.654321',
	  ch='upd', vc='updated 😀', tx='updated', lbl=X'AA', bin8=X'01',
	  l1c=X'FF', en='b', enb='e2', st='y', stb='s2,s3', js='[]',
	  geo=NULL, ip='::2', uu='11111111-1111-1111-1111-111111111111'
	  WHERE id=1;
	UPDATE t_types SET ti=1, vc='was null', dt3='2010-10-10 10:10:10.101',
	  b64=42, js='{"x": 1}' WHERE id=4;
	UPDATE t_types SET ti=NULL, vc=NULL, dt6=NULL, js=NULL, pt=NULL,
	  bin8=NULL WHERE id=5;
	UPDATE t_types SET id=6 WHERE id=3;

	-- upd 20: a multi-row update
	UPDATE t_types SET i=i+1, vc=CONCAT(vc, ' upd') WHERE id BETWEEN 101 AND 120;

	-- del 10: a multi-row delete
	DELETE FROM t_types WHERE id BETWEEN 131 AND 140;

	-- ins 2, upd 2, del 2: a transaction over two tables
	CREATE TABLE t_small (id INT NOT NULL PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB;
	BEGIN;
	INSERT INTO t_small VALUES (1, 'one'), (2, 'two');
	UPDATE t_types SET iu=iu DIV 2 + 1 WHERE id IN (2, 6);
	UPDATE t_small SET v=CONCAT(v, '!') WHERE id=1;
	UPDATE t_small SET v=NULL WHERE id=2;
	DELETE FROM t_small WHERE id=1;
	DELETE FROM t_types WHERE id=121;
	COMMIT;

	-- a table without a primary key, with duplicate rows
	-- ins 6, upd 3, del 3
	CREATE TABLE t_nopk (a INT, b VARCHAR(10), c DOUBLE) ENGINE=InnoDB;
	INSERT INTO t_nopk VALUES (1, 'x', 1.5), (1, 'x', 1.5), (2, NULL, NULL),
	  (3, 'y', -0.5), (3, 'y', -0.5), (NULL, NULL, NULL);
	UPDATE t_nopk SET c=c*2 WHERE a=1;
	UPDATE t_nopk SET b='z' WHERE a=3 LIMIT 1;
	DELETE FROM t_nopk WHERE a=3;
	DELETE FROM t_nopk WHERE a IS NULL;

	-- DDL between row changes: ins 2, upd 2, del 1
	ALTER TABLE t_nopk ADD COLUMN d DATETIME(3) DEFAULT '2001-02-03 04:05:06.789';
	INSERT INTO t_nopk VALUES (4, 'w', 4.25, '2011-11-11 11:11:11.111');
	UPDATE t_nopk SET d=NULL WHERE a=2;
	ALTER TABLE t_nopk DROP COLUMN b;
	INSERT INTO t_nopk VALUES (5, 5.5, NULL);
	UPDATE t_nopk SET c=0 WHERE a=5;
	DELETE FROM t_nopk WHERE a=4;
	ALTER TABLE t_types ADD COLUMN extra INT DEFAULT 7 AFTER id, DROP COLUMN mtx;
	-- upd 5, ins 1
	UPDATE t_types SET extra=extra+id WHERE id IN (1, 2, 4, 5, 6);
	INSERT INTO t_types (id, extra, vc) VALUES (7, -7, 'after alter');

	-- CREATE / DROP / RENAME / MyISAM: ins 3, upd 1, del 1
	CREATE TABLE t_tmp (k BIGINT UNSIGNED NOT NULL PRIMARY KEY, s SET('a','b')) ENGINE=MyISAM;
	INSERT INTO t_tmp VALUES (18446744073709551615, 'a,b'), (0, ''), (1, 'b');
	UPDATE t_tmp SET s='a' WHERE k=0;
	DELETE FROM t_tmp WHERE k=1;
	RENAME TABLE t_tmp TO t_tmp2;
	DROP TABLE t_tmp2;
	CREATE TABLE t_gone (x INT);
	DROP TABLE t_gone;

	-- a row larger than 16 MB: ins 1, upd 1, del 1
	CREATE TABLE t_big (id INT NOT NULL PRIMARY KEY, n INT, lb LONGBLOB) ENGINE=InnoDB;
	INSERT INTO t_big VALUES (1, 0, CONCAT(REPEAT(X'00FF275C0A', 3400000), 'end'));
	UPDATE t_big SET n=1 WHERE id=1;
	DELETE FROM t_big WHERE id=1;

	-- ins 33, upd 1, del 10: many small rows in one table, then the
	-- rest of t_types
	INSERT INTO t_small (id, v)
	WITH RECURSIVE n(k) AS (SELECT 10 UNION ALL SELECT k + 1 FROM n WHERE k < 42)
	SELECT k, HEX(k) FROM n;
	UPDATE t_small SET v='last' WHERE id=42;
	DELETE FROM t_small WHERE id < 20;
	DELETE FROM t_types WHERE id > 1 AND id < 7;
	EOF
}

# show_diff A B: print the first differing lines of two files, each line
# cut to 300 characters (one value is 17 MB long).
show_diff() {
	diff "$1" "$2" | cut -c1-300 | head -n 40 >&2
}

# count_rows FILE: print "INSERT UPDATE DELETE" row counts of ### output.
count_rows() {
	printf '%s %s %s\n' \
	    "$(grep -c '^### INSERT INTO ' "$1")" \
	    "$(grep -c '^### UPDATE ' "$1")" \
	    "$(grep -c '^### DELETE FROM ' "$1")"
}

# minimal_update_cols DB ROWS: print the WHERE and SET columns of the
# update of DB.t_types id=4 in ROWS (### lines).
minimal_update_cols() {
	python3 - "$1" "$2" <<-'PYEOF'
	import sys
	hdr = ("### UPDATE `%s`.`t_types`" % sys.argv[1]).encode()
	blocks, cur = [], None
	for line in open(sys.argv[2], "rb"):
	    line = line.rstrip(b"\n")
	    if line.startswith((b"### INSERT", b"### UPDATE", b"### DELETE")):
	        cur = [] if line == hdr else None
	        if cur is not None:
	            blocks.append(cur)
	    elif cur is not None:
	        cur.append(line)
	for b in blocks:
	    if b[:2] == [b"### WHERE", b"###   @1=4"]:
	        out = ["@1=4"]
	        for l in b[2:]:
	            out.append("SET" if l == b"### SET" else l[6:].split(b"=")[0].decode())
	        print(" ".join(out))
	        break
	PYEOF
}

# check_json FILE OUT: every line of OUT (myshift-binlog --json FILE) is
# one JSON object; print the number of row changes it holds.
check_json() {
	python3 - "$2" <<-'PYEOF'
	import json, sys
	rows = 0
	with open(sys.argv[1], "rb") as f:
	    for n, line in enumerate(f, 1):
	        try:
	            obj = json.loads(line)
	        except ValueError as e:
	            sys.exit("line %d is not JSON (%s): %.200r" % (n, e, line))
	        if not isinstance(obj, dict):
	            sys.exit("line %d is not a JSON object: %.200r" % (n, line))
	        r = obj.get("rows")
	        if isinstance(r, list):
	            rows += len(r)
	print(rows)
	PYEOF
}

# compare_file TAG FILE IMAGE COMPRESS METADATA: decode FILE both ways and
# check.
compare_file() {
	local tag=$1 file=$2 image=$3 compress=$4 metadata=$5 w=$SRV_ROOT/$tag
	local ref_counts my_counts rc n want got

	mkdir -p "$w"
	if ! TZ=UTC mariadb-binlog --base64-output=decode-rows -v "$file" \
	    >"$w/ref.out" 2>"$w/ref.err"; then
		cat "$w/ref.err" >&2
		check_fail "$tag: mariadb-binlog failed on $file"
		return
	fi
	grep -a '^###' "$w/ref.out" >"$w/ref.rows"
	ref_counts=$(count_rows "$w/ref.rows")
	if [ "$ref_counts" != "$EXPECT_INSERT $EXPECT_UPDATE $EXPECT_DELETE" ]; then
		check_fail "$tag: mariadb-binlog shows INSERT/UPDATE/DELETE rows $ref_counts, the workload made $EXPECT_INSERT $EXPECT_UPDATE $EXPECT_DELETE (update EXPECT_* with the workload)"
	fi

	# The configuration is what we think it is.
	if [ "$compress" = ON ]; then
		for n in Write_compressed_rows Update_compressed_rows \
		    Delete_compressed_rows Query_compressed; do
			grep -aq "	$n" "$w/ref.out" ||
			    check_fail "$tag: no $n event in $file although log_bin_compress=ON"
		done
	elif grep -aq '_compressed' "$w/ref.out"; then
		check_fail "$tag: compressed events in $file although log_bin_compress=OFF"
	fi
	if [ "$metadata" != NO_LOG ] && ! mariadb-binlog --print-table-metadata "$file" |
	    grep -aq '^# .*UNSIGNED'; then
		check_fail "$tag: no optional metadata in table maps although binlog_row_metadata=$metadata"
	fi
	if [ "$image" = MINIMAL ]; then
		# UPDATE t_types ... WHERE id=4: before image holds only @1,
		# after image only the 5 changed columns.
		n=$(minimal_update_cols "db_$tag" "$w/ref.rows")
		[ "$n" = "@1=4 SET @2 @21 @34 @48 @66" ] ||
		    check_fail "$tag: MINIMAL UPDATE of t_types id=4 shows '$n', not '@1=4 SET @2 @21 @34 @48 @66'"
	else
		grep -aq '^###   @60=' "$w/ref.rows" ||
		    check_fail "$tag: FULL image rows lack column @60"
	fi

	# myshift-binlog FILE
	timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" "$file" >"$w/my.out" 2>"$w/my.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		head -c 2000 "$w/my.err" >&2
		check_fail "$tag: myshift-binlog $file exited with status $rc"
	fi
	grep -a '^###' "$w/my.out" >"$w/my.rows"
	my_counts=$(count_rows "$w/my.rows")
	if [ "$my_counts" != "$ref_counts" ]; then
		check_fail "$tag: myshift-binlog shows INSERT/UPDATE/DELETE rows $my_counts, mariadb-binlog $ref_counts"
	fi
	if ! cmp -s "$w/ref.rows" "$w/my.rows"; then
		echo "--- mariadb-binlog, +++ myshift-binlog ($file):" >&2
		show_diff "$w/ref.rows" "$w/my.rows"
		check_fail "$tag: ### lines differ between mariadb-binlog and myshift-binlog"
	else
		echo "$tag: $(wc -l <"$w/my.rows") ### lines identical, rows $my_counts"
	fi

	# --json: one JSON object per line, the same number of row changes.
	timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" --json "$file" \
	    >"$w/my.json" 2>"$w/json.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		head -c 2000 "$w/json.err" >&2
		check_fail "$tag: myshift-binlog --json $file exited with status $rc"
	elif ! got=$(check_json "$file" "$w/my.json"); then
		check_fail "$tag: myshift-binlog --json: $got"
	else
		want=$((EXPECT_INSERT + EXPECT_UPDATE + EXPECT_DELETE))
		[ "$got" = "$want" ] ||
		    check_fail "$tag: --json holds $got row changes, expected $want"
	fi

	# --stats: the number of rows events of each kind.
	check_stats "$tag" "$file" "$w"

	# --start-position/--stop-position: the same events as mariadb-binlog.
	check_positions "$tag" "$file" "$w"
}

# check_stats TAG FILE W: --stats reports as many Write/Update/Delete rows
# events as mariadb-binlog shows (its per-type lines, compressed or not,
# summed), and the workload's row counts.
check_stats() {
	local tag=$1 file=$2 w=$3 rc kind want got
	timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" --stats "$file" \
	    >"$w/stats.out" 2>"$w/stats.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		head -c 2000 "$w/stats.err" >&2
		check_fail "$tag: myshift-binlog --stats $file exited with status $rc"
		return
	fi
	for kind in Write Update Delete; do
		want=$(grep -Eac "	${kind}_(compressed_)?rows(_v1)?: table id" "$w/ref.out")
		got=$(awk -v k="$kind" '$1 ~ "^" k "_rows" && $2 ~ /^[0-9]+$/ { n += $2 } END { print n + 0 }' "$w/stats.out")
		if [ "$got" != "$want" ]; then
			cat "$w/stats.out" >&2
			check_fail "$tag: --stats counts $got ${kind}_rows* events, mariadb-binlog shows $want"
		fi
	done
	want="rows: inserted $EXPECT_INSERT +updated $EXPECT_UPDATE +deleted $EXPECT_DELETE"
	grep -Eq "^$want\$" "$w/stats.out" ||
	    check_fail "$tag: --stats lacks a line '$want'"
}

# check_positions TAG FILE W: decode a slice of FILE between two
# transaction boundaries (GTID events) with both tools and compare the
# ### lines.
check_positions() {
	local tag=$1 file=$2 w=$3 starts start stop rc
	mapfile -t starts < <(awk '/^# at [0-9]+$/ { at = $3 }
	    /\tGTID [0-9]+-[0-9]+-[0-9]+/ { print at }' "$w/ref.out")
	[ ${#starts[@]} -gt 20 ] || { check_fail "$tag: too few transactions"; return; }
	start=${starts[$(( ${#starts[@]} / 3 ))]}
	stop=${starts[$(( ${#starts[@]} * 2 / 3 ))]}
	TZ=UTC mariadb-binlog --base64-output=decode-rows -v \
	    --start-position="$start" --stop-position="$stop" "$file" 2>/dev/null |
	    grep -a '^###' >"$w/ref.slice"
	[ -s "$w/ref.slice" ] || { check_fail "$tag: no rows between $start and $stop"; return; }
	timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" --start-position "$start" \
	    --stop-position "$stop" "$file" >"$w/my.slice.out" 2>"$w/slice.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		head -c 2000 "$w/slice.err" >&2
		check_fail "$tag: myshift-binlog --start-position $start --stop-position $stop exited with status $rc"
		return
	fi
	grep -a '^###' "$w/my.slice.out" >"$w/my.slice"
	if ! cmp -s "$w/ref.slice" "$w/my.slice"; then
		show_diff "$w/ref.slice" "$w/my.slice"
		check_fail "$tag: ### lines of --start-position $start --stop-position $stop differ"
	fi
}

srv_start src --max_allowed_packet=256M --log_bin_compress_min_len=10 \
    --innodb_log_file_size=256M

for cfg in full:FULL:OFF:NO_LOG full_z:FULL:ON:FULL minimal:MINIMAL:OFF:MINIMAL \
    minimal_z:MINIMAL:ON:FULL; do
	IFS=: read -r tag image compress metadata <<<"$cfg"
	srv_sql src "SET GLOBAL binlog_row_image=$image; SET GLOBAL log_bin_compress=$compress;
	    SET GLOBAL binlog_row_metadata=$metadata; FLUSH BINARY LOGS" ||
	    fail "cannot configure $tag"
	file=$(srv_sql src "SHOW MASTER STATUS" | cut -f1)
	if ! workload "db_$tag" | srv_sql src - --max-allowed-packet=1G >"$SRV_ROOT/$tag.sql.out" 2>&1; then
		cat "$SRV_ROOT/$tag.sql.out" >&2
		fail "$tag: the workload failed"
	fi
	srv_sql src "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS"
	compare_file "$tag" "$src_BINLOG_DIR/$file" "$image" "$compress" "$metadata"
done

if [ "$ERRORS" -ne 0 ]; then
	echo "decode_compare: $ERRORS checks failed" >&2
	exit 1
fi
echo "decode_compare: all checks passed"
