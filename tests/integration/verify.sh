#!/usr/bin/env bash
# verify.sh: `myshift verify` against a running migration.
#
# A source with vdb.t (an INT key, strings, FLOAT, DECIMAL, DATETIME,
# BLOB, NULLs; 6,000 rows), vdb.ck (a composite key whose VARCHAR part is
# in a case-insensitive collation) and vdb.nokey (no key), and a sysbench
# database; `myshift run` (start = snapshot, [status] listen) copies it
# and streams.  Then, with [verify] chunk_rows = 500:
#   1. while sysbench writes on the source at 300 transactions/s, verify
#      must exit 0 and report every table identical (the applier is held at
#      each snapshot's position while the destination is read);
#   2. behind myshift's back on the destination: a row of vdb.t changed,
#      one deleted, one added; a row of vdb.ck changed; in vdb.nokey a row
#      added and two of the fifteen copies of another deleted.  verify
#      must exit 1 and name each row by key as different, missing or extra,
#      and count the keyless table's differences;
#   3. verify --repair must fix them all, the keyless table's by content
#      (exit 1: it found them); verify must exit 0 again, with the load
#      still running; the tables compare equal row by row at the end
#      (mig_compare_db), so a repair that wrote wrong values, or the wrong
#      number of copies, fails;
#   5. myshift stopped, a table with the same rows on both sides, its key
#      in utf8mb4_general_ci on the source and utf8mb4_bin on the
#      destination (as a collation_map can make it: another order):
#      verify --repair must find it identical and delete nothing.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench
mig_source src
mig_dest dst
srv_scratch

S=$(srv_seq 6000 q)
srv_sql src - <<-EOF || fail "cannot load vdb"
	CREATE DATABASE vdb;
	CREATE TABLE vdb.t (id INT PRIMARY KEY, s VARCHAR(40), f FLOAT, n DECIMAL(12,3),
	    d DATETIME(3), b BLOB, z INT NULL) ENGINE=InnoDB;
	INSERT INTO vdb.t SELECT seq, CONCAT('caf', CHAR(233 USING latin1), seq), seq / 7, seq * 1.125,
	    '2024-01-01 00:00:00.250' + INTERVAL seq MINUTE, UNHEX(REPEAT('0A', seq % 9)),
	    IF(seq % 5 = 0, NULL, seq) FROM $S;
	CREATE TABLE vdb.ck (k VARCHAR(10) COLLATE utf8mb4_general_ci NOT NULL, n INT NOT NULL,
	    v VARCHAR(20), PRIMARY KEY (k, n)) ENGINE=InnoDB;
	INSERT INTO vdb.ck SELECT CONCAT(CHAR(65 + seq % 26), IF(seq % 2, 'a', 'B')), seq,
	    CONCAT('v', seq) FROM $S WHERE seq <= 3000;
	CREATE TABLE vdb.nokey (x INT, y VARCHAR(10)) ENGINE=InnoDB;
	INSERT INTO vdb.nokey SELECT seq % 13, CONCAT('r', seq % 4) FROM $S WHERE seq <= 800;
	CREATE DATABASE shop;
	EOF
mig_sysbench src shop --tables=2 --table-size=10000 prepare >/dev/null ||
    fail "sysbench prepare failed"

SP=$(_srv_pick_port)
mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "[status]
listen = 127.0.0.1:$SP
[verify]
chunk_rows = 500"
mig_start "$SRV_ROOT/myshift.ini"
wait_until -t 180 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
mig_wait_caught_up src dst 120 || fail "myshift did not catch up"

mig_sysbench_cmd src shop
"${MIG_SB[@]}" --tables=2 --table-size=10000 --threads=2 --rate=300 --time=600 \
    run >"$SRV_ROOT/sysbench.log" 2>&1 &
SB=$!
stop_load() {
	kill "$SB" 2>/dev/null
	wait "$SB" 2>/dev/null
}
sleep 2

# verify [ARGS]: run it; sets OUT and RC
verify() {
	OUT=$("$MYSHIFT" verify -c "$SRV_ROOT/myshift.ini" "$@" 2>&1)
	RC=$?
	echo "$OUT" | sed 's/^/  | /'
}

echo "1. under load, nothing changed behind myshift's back"
verify
[ "$RC" = 0 ] || check_fail "verify under load: exit $RC, expected 0 (identical)"
echo "$OUT" | grep -q 'verify: 5 tables, .* identical' ||
    check_fail "verify under load did not report 5 identical tables"

echo "2. rows changed behind myshift's back"
srv_sql dst "SET SESSION foreign_key_checks = 0;
    UPDATE vdb.t SET s = 'changed' WHERE id = 5;
    DELETE FROM vdb.t WHERE id = 7;
    INSERT INTO vdb.t (id, s) VALUES (100000, 'extra');
    UPDATE vdb.ck SET v = 'other' WHERE k = 'Ba' AND n = 1;
    INSERT INTO vdb.nokey VALUES (99, 'added');
    DELETE FROM vdb.nokey WHERE x = 1 AND y = 'r1' LIMIT 2" || fail "cannot change the destination"
verify
[ "$RC" = 1 ] || check_fail "verify after the changes: exit $RC, expected 1 (differences)"
for want in "different \`vdb\`.\`t\` \`id\`='5'" "missing \`vdb\`.\`t\` \`id\`='7'" \
    "extra \`vdb\`.\`t\` \`id\`='100000'" "different \`vdb\`.\`ck\` \`k\`='Ba', \`n\`='1'" \
    '`vdb`.`nokey` has no key: 2 distinct rows differ'; do
	echo "$OUT" | grep -qF "$want" || check_fail "verify does not report: $want"
done
echo "$OUT" | grep -q 'verify: .* DIFFERENT (3 missing, 2 extra, 2 different)' ||
    check_fail "verify's totals are not 3 missing, 2 extra, 2 different"

echo "3. --repair"
verify --repair
[ "$RC" = 1 ] || check_fail "verify --repair: exit $RC, expected 1 (it found differences)"
verify
[ "$RC" = 0 ] || check_fail "verify after the repair: exit $RC, expected 0"
stop_load
mig_wait_caught_up src dst 120 || fail "myshift did not catch up"
mig_compare_db src dst vdb || check_fail "vdb differs after the repair"
mig_compare_db src dst shop || check_fail "shop differs"
mig_stop

echo "5. a key the destination orders by another collation"
# As [apply] collation_map can make it: vdb.ord's key in utf8mb4_bin on
# the destination, where 'AB...' sorts before 'Aa...' (the source's
# general_ci: after).  The destination's rows of a chunk's range then
# include rows the source orders into other chunks: none of them may be
# taken for extra (and, with --repair, deleted).  Same rows on both sides.
for s in src dst; do
	coll=utf8mb4_general_ci
	[ "$s" = dst ] && coll=utf8mb4_bin
	srv_sql "$s" "SET SESSION sql_log_bin = 0;
	    CREATE TABLE vdb.ord (k VARCHAR(12) COLLATE $coll NOT NULL PRIMARY KEY, v INT)
	    ENGINE=InnoDB;
	    INSERT INTO vdb.ord SELECT CONCAT(CHAR(65 + (seq DIV 2) % 26), IF(seq % 2, 'a', 'B'),
	        LPAD(seq, 5, '0')), seq FROM $S WHERE seq <= 3000" ||
	    fail "cannot create vdb.ord on $s"
done
verify --repair
[ "$RC" = 0 ] || check_fail "verify --repair of a key in another collation: exit $RC, expected 0"
echo "$OUT" | grep -q "^  | *extra " && check_fail "verify took rows of another chunk for extra"
n=$(srv_sql dst "SELECT COUNT(*) FROM vdb.ord")
[ "$n" = 3000 ] || check_fail "vdb.ord has $n rows on the destination after verify --repair, not 3000"
# (in byte order: the servers' ORDER BY k differ)
for s in src dst; do
	srv_sql "$s" "SELECT HEX(k), v FROM vdb.ord ORDER BY HEX(k)" >"$SRV_ROOT/ord.$s" ||
	    fail "cannot read vdb.ord on $s"
done
cmp -s "$SRV_ROOT/ord.src" "$SRV_ROOT/ord.dst" ||
    check_fail "vdb.ord differs after verify --repair with another collation"

echo "4. bad use"
"$MYSHIFT" status -c "$SRV_ROOT/myshift.ini" >/dev/null 2>&1
[ $? = 1 ] || check_fail "myshift status with nothing listening: expected exit 1"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: verify finds nothing under load, names missing, extra and different rows by key, and --repair fixes them"
