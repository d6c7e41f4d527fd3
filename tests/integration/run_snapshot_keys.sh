#!/usr/bin/env bash
# run_snapshot_keys.sh: the copy's and verify's chunks over keys of every kind.
#
# The copy splits tables into ranges of their key whose bounds the source
# computes and stores as text, then reads each range with the bound as a
# literal; verify does the same. A bound of any key type must read back
# as the same value, or a range reads fewer rows than it holds. Tables
# keyed by DATE, DATETIME(6), TIMESTAMP(3), DECIMAL, DOUBLE, ENUM (whose
# order is its index), BIT, VARBINARY with every byte value (NUL, tab,
# newline, backslash, quote), a case-insensitive utf8mb4 string with
# quotes and emoji, a composite (string, date) key, and on MariaDB
# servers also UUID, INET6 and INET4 keys (their text read on a binary
# connection was taken for their packed form: every range read nothing,
# and 10.10+ tables keyed by them were copied empty without an error),
# long unique keys (UNIQUE on a TEXT, USING HASH: their hidden hash
# columns are in the binlog rows, not in information_schema: the stream
# stopped at the first change), a key WITHOUT OVERLAPS written by UPDATE
# ... FOR PORTION OF (the server refuses REPLACE into it: the table is
# copied whole), an Aria table written in one transaction with two InnoDB
# tables (the batch's savepoint was refused: the stream stopped),
# and on MariaDB 11.8 a VECTOR column; a table of 700 columns (the
# stream stopped on more than 512). Copied with 100 rows a chunk under
# a writer, after which:
#   - every table is identical row by row, and no chunk that the source
#     planned full read no row (the copy's own warning of bounds that do
#     not read back);
#   - myshift verify, 70 rows a chunk, finds all identical; then, with one
#     row changed and one deleted on the destination in the UUID-keyed
#     table (or the string-keyed one from MySQL), it names both by key
#     and --repair mends them.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

# MariaDB's own types between MariaDB servers (MySQL has none of them)
maria_src=1
srv_is_mysql src && maria_src=
srv_is_mysql dst && maria_src=
vector=
case $(srv_flavour src):$(srv_flavour dst) in
mariadb-11.8:mariadb-11.8) vector=1 ;;
esac

S=$(srv_seq 1500 q)
srv_sql src - <<-EOF || fail "cannot load the source"
	CREATE DATABASE ky;
	USE ky;
	CREATE TABLE d (k DATE NOT NULL PRIMARY KEY, v INT);
	INSERT INTO d SELECT '1970-01-01' + INTERVAL seq * 17 DAY, seq FROM $S;
	CREATE TABLE dt (k DATETIME(6) NOT NULL PRIMARY KEY, v INT);
	INSERT INTO dt SELECT '2020-01-01' + INTERVAL seq * 1234567 MICROSECOND, seq FROM $S;
	CREATE TABLE ts (k TIMESTAMP(3) NOT NULL PRIMARY KEY, v INT);
	INSERT INTO ts SELECT FROM_UNIXTIME(1600000000 + seq * 3.217), seq FROM $S;
	CREATE TABLE dc (k DECIMAL(20,6) NOT NULL PRIMARY KEY, v INT);
	INSERT INTO dc SELECT (seq - 750) * 1234.567891, seq FROM $S;
	CREATE TABLE db (k DOUBLE NOT NULL PRIMARY KEY, v INT);
	INSERT INTO db SELECT (seq - 700) / 7 + 0.1, seq FROM $S;
	CREATE TABLE en (k ENUM('zulu', 'alpha', 'mike', 'bravo', 'yankee') NOT NULL, n INT NOT NULL,
	    v INT, PRIMARY KEY (k, n));
	INSERT INTO en SELECT 1 + seq % 5, seq, seq FROM $S;
	CREATE TABLE bt (k BIT(12) NOT NULL PRIMARY KEY, v INT);
	INSERT INTO bt SELECT seq, seq FROM $S;
	CREATE TABLE vb (k VARBINARY(8) NOT NULL PRIMARY KEY, v INT);
	INSERT INTO vb SELECT CONCAT(CHAR(seq % 256), CHAR(FLOOR(seq / 256)), IF(seq % 3 = 0, '\\\\\\t\\n''', '')), seq FROM $S;
	CREATE TABLE st (k VARCHAR(40) NOT NULL PRIMARY KEY, v INT) DEFAULT CHARSET utf8mb4
	    COLLATE utf8mb4_general_ci;
	INSERT INTO st SELECT CONCAT(ELT(1 + seq % 4, 'a', 'B', 'it''s ', 'quote"\\\\'), seq,
	    IF(seq % 5 = 0, CONVERT(X'F09F9880' USING utf8mb4), '')), seq FROM $S;
	CREATE TABLE cp (s VARCHAR(10) NOT NULL, d DATE NOT NULL, v INT, PRIMARY KEY (s, d))
	    DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci;
	INSERT INTO cp SELECT ELT(1 + seq % 3, 'x', 'Y', 'z'), '2000-01-01' + INTERVAL seq DAY, seq FROM $S;
	EOF
# a table of 700 columns (the stream took at most 512)
srv_sql src "USE ky; CREATE TABLE wide (id INT NOT NULL PRIMARY KEY,
    $(seq -f 'c%g INT NOT NULL DEFAULT 0' 1 700 | paste -sd,));
    INSERT INTO wide (id, c1, c700) SELECT seq, seq, -seq FROM $S" ||
    fail "cannot load the wide table"
if [ -n "$maria_src" ]; then
	srv_sql src - <<-EOF || fail "cannot load the MariaDB tables"
	USE ky;
	CREATE TABLE uu (k UUID NOT NULL PRIMARY KEY, v INT);
	INSERT INTO uu SELECT UUID(), seq FROM $S;
	INSERT INTO uu SELECT CONCAT('00000000-0000-0000-0000-0000000000', LPAD(HEX(seq), 2, '0')), seq FROM $S WHERE seq < 200;
	CREATE TABLE i6 (k INET6 NOT NULL PRIMARY KEY, v INT);
	INSERT INTO i6 SELECT CONCAT('2001:db8::', HEX(seq * 7 % 65536), ':', HEX(seq)), seq FROM $S;
	INSERT INTO i6 SELECT CONCAT('::ffff:10.0.', seq, '.0'), seq FROM $S WHERE seq < 250;
	CREATE TABLE i4 (k INET4 NOT NULL PRIMARY KEY, v INT);
	INSERT INTO i4 SELECT CONCAT('10.', seq % 256, '.', FLOOR(seq / 256), '.0'), seq FROM $S;
	CREATE TABLE lu (id INT NOT NULL PRIMARY KEY, t TEXT NOT NULL, v INT, UNIQUE KEY ut (t),
	    UNIQUE KEY uv (v) USING HASH);
	INSERT INTO lu SELECT seq, CONCAT(REPEAT('long ', 60), seq), seq FROM $S;
	CREATE TABLE pr (id INT NOT NULL, s DATE NOT NULL, e DATE NOT NULL, v INT,
	    PERIOD FOR p (s, e), PRIMARY KEY (id, p WITHOUT OVERLAPS));
	INSERT INTO pr SELECT seq, '2020-01-01', '2021-01-01', seq FROM $S;
	CREATE TABLE ar (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=Aria;
	INSERT INTO ar SELECT seq, seq FROM $S;
	EOF
fi
if [ -n "$vector" ]; then
	srv_sql src "USE ky; CREATE TABLE vec (id INT NOT NULL PRIMARY KEY, e VECTOR(3) NOT NULL,
	    VECTOR INDEX (e)); INSERT INTO vec SELECT seq, VEC_FromText(CONCAT('[', seq, ',',
	    seq / 3, ',', -seq, ']')) FROM $S" || fail "cannot load the VECTOR table"
fi
mig_purge_binlogs src

# work I: the writer's I-th round of updates
work() {
	local i=$1
	srv_sql src "USE ky; UPDATE d SET v = v + 1 WHERE v % 97 = $((i % 97));
	    UPDATE st SET v = v + 1 WHERE v % 89 = $((i % 89));
	    UPDATE en SET v = v + 1 WHERE n % 83 = $((i % 83));
	    UPDATE wide SET c1 = c1 + 1, c350 = c350 + $i, c700 = c700 - 1 WHERE id % 43 = $((i % 43));
	    $([ -n "$maria_src" ] && echo "UPDATE uu SET v = v + 1 WHERE v % 79 = $((i % 79));
	    UPDATE i6 SET v = v + 1 WHERE v % 71 = $((i % 71));
	    UPDATE lu SET t = CONCAT(t, 'x'), v = v + 100000 WHERE id % 67 = $((i % 67));
	    UPDATE pr FOR PORTION OF p FROM '2020-03-01' TO '2020-04-0$((1 + i % 9))'
	        SET v = v + 1 WHERE id % 61 = $((i % 61));
	    BEGIN; UPDATE ar SET v = v + 1 WHERE id % 59 = $((i % 59));
	        UPDATE d SET v = v + 1 WHERE v % 53 = $((i % 53));
	        UPDATE st SET v = v + 1 WHERE v % 47 = $((i % 47)); COMMIT;")"
}
mig_writer work
mig_snapshot_streaming src dst "[copy]
chunk_rows = 100
workers = 3
[verify]
chunk_rows = 70"
sleep 1
mig_writer_stop
mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"
grep -E 'copy: [0-9]+ chunks' "$MIG_LOG" | tail -n 1 | sed 's/.*copy: /copy: /'
mig_compare_db src dst ky || check_fail "the tables of ky differ"
# the writer deletes nothing: no chunk planned full may read empty
! grep -q 'read no row' "$MIG_LOG" ||
    check_fail "a chunk read no row: $(grep 'read no row' "$MIG_LOG" | head -n 1)"

mig_verify
[ "$MIG_VERIFY_RC" = 0 ] && grep -q '^verify: .*identical' <<<"$MIG_VERIFY_OUT" ||
    check_fail "verify after the copy: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
# a row changed and one deleted on the destination: verify names both
if [ -n "$maria_src" ]; then
	t=uu
	k1=$(srv_sql src "SELECT k FROM ky.uu ORDER BY k LIMIT 1 OFFSET 333")
	k2=$(srv_sql src "SELECT k FROM ky.uu ORDER BY k LIMIT 1 OFFSET 1001")
else
	t=st
	k1=$(srv_sql src "SELECT k FROM ky.st ORDER BY k LIMIT 1 OFFSET 333")
	k2=$(srv_sql src "SELECT k FROM ky.st ORDER BY k LIMIT 1 OFFSET 1001")
fi
srv_sql dst "SET sql_log_bin = 0; UPDATE ky.$t SET v = -1 WHERE k = '${k1//\'/\'\'}';
    DELETE FROM ky.$t WHERE k = '${k2//\'/\'\'}'" || fail "cannot change the destination"
mig_verify --repair
OUT=$MIG_VERIFY_OUT
[ "$MIG_VERIFY_RC" = 1 ] || check_fail "verify --repair with two differences: exit $MIG_VERIFY_RC, expected 1"
grep -q "different \`ky\`.\`$t\`" <<<"$OUT" && grep -q "missing \`ky\`.\`$t\`" <<<"$OUT" ||
    check_fail "verify did not name the changed and the deleted row of ky.$t: $(grep -E 'different|missing' <<<"$OUT" | head -n 3)"
grep -q '^verify: .*(1 missing, 0 extra, 1 different' <<<"$OUT" ||
    check_fail "verify's totals are not 1 missing, 1 different: $(grep '^verify:' <<<"$OUT")"
mig_verify >/dev/null
[ "$MIG_VERIFY_RC" = 0 ] ||
    check_fail "verify after --repair: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
mig_compare_table src dst ky "$t" || check_fail "ky.$t differs after --repair"
mig_stop
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_snapshot_keys"
