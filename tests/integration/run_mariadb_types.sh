#!/usr/bin/env bash
# run_mariadb_types.sh: `myshift run` replays MariaDB's own INET4, INET6
# and UUID columns exactly, and refuses them loudly on a MySQL destination.
#
# MariaDB logs these types as MYSQL_TYPE_STRING of 4 or 16 bytes in their
# binary (in-memory) form with trailing zero bytes cut, so `::`, 0.0.0.0,
# 2001:db8:: or a UUID ending in 00 arrive short; a short binary string is
# no INET6/UUID to the server (a warning and NULL, or `::` in a NOT NULL
# column) unless the applier puts the bytes back.
#
# For each type, every value class (all-zero, all-ones, trailing zero
# bytes, IPv4-mapped IPv6, UUID v1/v4/v7, generated UUIDs, NULL) goes
# through a table with the type as primary key plus a unique and a plain
# column; one with only a primary key (the applier's net-effect batching);
# one keyed by a NOT NULL unique key; and one without any key: inserts,
# updates of plain, unique and key columns (also swapped within a
# transaction), deletes by key and by zero values, with binlog_row_image
# FULL (database mt_full) and MINIMAL (mt_min). When myshift has caught up,
# every table must be identical on both servers (rows hexed, CHECKSUM
# TABLE) and each column must hold as many NULLs on the destination as on
# the source; myshift must have logged no error. Then a value the
# destination cannot store as it came (a column changed there to INET4)
# must stop myshift with the server's warning instead of becoming NULL.
#
# MYSHIFT_PAIR picks the servers (default mariadb-10.11:mariadb-10.11). A
# MySQL source is skipped (MySQL has no such types). With a MySQL
# destination the test checks instead that a CREATE TABLE with an INET6
# column stops myshift with an error naming the column and the type.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
case ${MYSHIFT_PAIR:-} in
mysql-*) skip "MySQL has no INET4, INET6 or UUID: nothing to test from a MySQL source" ;;
esac

cleanup() {
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

if srv_is_mysql dst; then
	# MariaDB's types have no MySQL counterpart: the DDL must stop myshift.
	srv_sql src "CREATE DATABASE mt_my;
	    CREATE TABLE mt_my.ok (id INT PRIMARY KEY, a VARCHAR(10));
	    INSERT INTO mt_my.ok VALUES (1, 'before');
	    CREATE TABLE mt_my.t (id INT PRIMARY KEY, \`ip addr\` INET6 NOT NULL);
	    INSERT INTO mt_my.t VALUES (1, '::1')" ||
	    fail "cannot create the INET6 table on the source"
	mig_wait_exit 60 || fail "myshift did not stop at CREATE TABLE with an INET6 column"
	[ "$MIG_RC" != 0 ] || check_fail "myshift exited 0 at an INET6 column for MySQL"
	grep -q 'column `ip addr` .*INET6' "$MIG_LOG" ||
	    check_fail "the error does not name column \`ip addr\` and type INET6:" \
	    "$(mig_log_tail 5)"
	grep -q 'error 1064' "$MIG_LOG" &&
	    check_fail "the statement was sent to MySQL: $(grep 'error 1064' "$MIG_LOG" | head -n 1)"
	[ "$(grep -c '==== start\|retrying' "$MIG_LOG")" -le 1 ] ||
	    check_fail "myshift retried instead of stopping: $(mig_log_tail 5)"
	n=$(srv_sql dst "SELECT COUNT(*) FROM mt_my.ok" 2>/dev/null)
	[ "$n" = 1 ] || check_fail "the rows before the DDL did not arrive ($n)"
	[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
	echo "PASS: INET6 for a MySQL destination stops at the DDL, naming the column"
	exit 0
fi

V4=("'0.0.0.0'" "'255.255.255.255'" "'10.0.0.0'" "'192.168.1.1'" "'0.0.0.1'"
    "'1.0.0.0'" "'127.0.0.1'" "'172.16.0.0'" "'0.255.0.0'" "'100.64.0.255'")
V6=("'::'" "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'" "'::ffff:192.0.2.1'"
    "'::ffff:0.0.0.0'" "'2001:db8::'" "'fe80::1:0'" "'::1'" "'1::'"
    "'2001:db8:85a3::8a2e:370:7334'" "'::ffff:10.0.0.0'")
VU=("'00000000-0000-0000-0000-000000000000'" "'ffffffff-ffff-ffff-ffff-ffffffffffff'"
    "'6ba7b810-9dad-11d1-80b4-00c04fd430c8'" "'550e8400-e29b-41d4-a716-446655440000'"
    "'01890a5d-ac96-774b-bcce-b302099a8057'" "'123e4567-e89b-12d3-a456-426614174000'"
    "'9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f'" "'00000000-0000-0000-0000-000000000001'"
    "'01890a5d-ac96-7000-8000-000000000000'" "'f81d4fae-7dec-11d0-a765-00a0c91e6b00'")

# type_sql NAME TYPE V0..V9: the workload of one type (V0 all-zero, V1 all-ones).
type_sql() {
	local t=$1 ty=$2
	shift 2
	local v=("$@")
	cat <<-EOF
	CREATE TABLE t_$t (k $ty NOT NULL PRIMARY KEY, u $ty NULL, v $ty NULL, n INT,
	  UNIQUE KEY (u));
	INSERT INTO t_$t VALUES
	  (${v[0]}, ${v[1]}, ${v[0]}, 0), (${v[1]}, ${v[0]}, ${v[1]}, 1),
	  (${v[2]}, ${v[7]}, ${v[3]}, 2), (${v[3]}, NULL, ${v[2]}, 3),
	  (${v[4]}, ${v[5]}, NULL, 4), (${v[5]}, ${v[4]}, ${v[0]}, 5),
	  (${v[6]}, ${v[3]}, ${v[1]}, 6), (${v[7]}, ${v[2]}, ${v[6]}, 7);
	UPDATE t_$t SET v = ${v[0]}, n = n + 100 WHERE k = ${v[2]};
	UPDATE t_$t SET v = NULL WHERE k = ${v[0]};
	UPDATE t_$t SET v = ${v[1]} WHERE k = ${v[4]};
	UPDATE t_$t SET u = ${v[8]} WHERE k = ${v[3]};
	UPDATE t_$t SET u = NULL WHERE u = ${v[0]};
	UPDATE t_$t SET u = ${v[0]} WHERE k = ${v[6]};
	UPDATE t_$t SET k = ${v[9]} WHERE k = ${v[7]};
	BEGIN;
	UPDATE t_$t SET k = ${v[8]} WHERE k = ${v[0]};
	UPDATE t_$t SET k = ${v[0]} WHERE k = ${v[1]};
	UPDATE t_$t SET k = ${v[1]} WHERE k = ${v[8]};
	COMMIT;
	DELETE FROM t_$t WHERE k = ${v[5]};
	DELETE FROM t_$t WHERE u = ${v[0]};
	INSERT INTO t_$t VALUES (${v[5]}, NULL, ${v[0]}, 50);

	CREATE TABLE t_${t}_pk (k $ty NOT NULL PRIMARY KEY, v $ty, n INT);
	INSERT INTO t_${t}_pk VALUES (${v[0]}, ${v[1]}, 0), (${v[1]}, ${v[0]}, 1),
	  (${v[2]}, NULL, 2), (${v[3]}, ${v[4]}, 3), (${v[4]}, ${v[0]}, 4),
	  (${v[5]}, ${v[5]}, 5), (${v[6]}, ${v[7]}, 6), (${v[7]}, ${v[6]}, 7);
	BEGIN;
	UPDATE t_${t}_pk SET v = ${v[0]} WHERE k = ${v[1]};
	UPDATE t_${t}_pk SET v = ${v[1]} WHERE k = ${v[0]};
	UPDATE t_${t}_pk SET k = ${v[8]} WHERE k = ${v[0]};
	UPDATE t_${t}_pk SET k = ${v[0]}, v = NULL WHERE k = ${v[2]};
	DELETE FROM t_${t}_pk WHERE k = ${v[3]};
	INSERT INTO t_${t}_pk VALUES (${v[3]}, ${v[9]}, 33);
	DELETE FROM t_${t}_pk WHERE k = ${v[4]};
	COMMIT;
	UPDATE t_${t}_pk SET k = ${v[9]} WHERE k = ${v[1]};
	UPDATE t_${t}_pk SET v = ${v[0]} WHERE k = ${v[9]};
	DELETE FROM t_${t}_pk WHERE k = ${v[0]};

	CREATE TABLE t_${t}_uk (n INT NULL, k $ty NOT NULL, v $ty NULL, UNIQUE KEY (k));
	INSERT INTO t_${t}_uk VALUES (0, ${v[0]}, ${v[0]}), (1, ${v[1]}, NULL),
	  (2, ${v[2]}, ${v[1]}), (3, ${v[3]}, ${v[5]}), (NULL, ${v[4]}, ${v[4]});
	UPDATE t_${t}_uk SET v = ${v[9]} WHERE k = ${v[0]};
	UPDATE t_${t}_uk SET k = ${v[8]} WHERE k = ${v[1]};
	UPDATE t_${t}_uk SET k = ${v[1]}, v = ${v[0]} WHERE k = ${v[2]};
	DELETE FROM t_${t}_uk WHERE k = ${v[3]};

	CREATE TABLE t_${t}_nokey (a $ty, b $ty NOT NULL, n INT);
	INSERT INTO t_${t}_nokey VALUES (${v[0]}, ${v[0]}, 1), (${v[0]}, ${v[0]}, 1),
	  (NULL, ${v[1]}, 2), (NULL, ${v[1]}, 2), (${v[4]}, ${v[5]}, 3),
	  (${v[1]}, ${v[0]}, 4);
	UPDATE t_${t}_nokey SET n = 10 WHERE a = ${v[0]} LIMIT 1;
	UPDATE t_${t}_nokey SET a = ${v[0]} WHERE a IS NULL LIMIT 1;
	DELETE FROM t_${t}_nokey WHERE b = ${v[1]} LIMIT 1;
	UPDATE t_${t}_nokey SET b = ${v[9]}, a = NULL WHERE n = 3;
	DELETE FROM t_${t}_nokey WHERE n = 4;
	EOF
}

# mdb_sql DB IMAGE: every type's workload in database DB with binlog_row_image IMAGE.
mdb_sql() {
	cat <<-EOF
	SET SESSION binlog_row_image = $2;
	CREATE DATABASE $1;
	USE $1;
	EOF
	type_sql inet4 INET4 "${V4[@]}"
	type_sql inet6 INET6 "${V6[@]}"
	type_sql uuid UUID "${VU[@]}"
	cat <<-EOF
	CREATE TABLE t_mixed (id INT NOT NULL PRIMARY KEY, a INET4, b INET6, c UUID,
	  ca INET4 NOT NULL, cb INET6 NOT NULL, cc UUID NOT NULL);
	INSERT INTO t_mixed SELECT seq, INET_NTOA(seq << 8), CONCAT('::', HEX(seq << 4)),
	  UUID(), '0.0.0.0', '::', '00000000-0000-0000-0000-000000000000'
	  FROM seq_1_to_300;
	UPDATE t_mixed SET a = '0.0.0.0', b = '::', c = '00000000-0000-0000-0000-000000000000',
	  ca = INET_NTOA((id % 256) << 24), cb = CONCAT(HEX(id), '::'),
	  cc = CONCAT('00000000-0000-0000-0000-', LPAD(HEX(id << 8), 12, '0'))
	  WHERE id % 3 = 0;
	UPDATE t_mixed SET id = id + 1000 WHERE id % 7 = 0;
	DELETE FROM t_mixed WHERE id % 11 = 0;
	CREATE TABLE t_uuid_gen (u UUID NOT NULL PRIMARY KEY, n INT);
	INSERT INTO t_uuid_gen SELECT UUID(), seq FROM seq_1_to_200;
	INSERT INTO t_uuid_gen SELECT SYS_GUID(), seq FROM seq_1_to_100;
	UPDATE t_uuid_gen SET n = n + 1000 WHERE n % 2 = 0;
	DELETE FROM t_uuid_gen WHERE n % 5 = 0;
	EOF
	# UUID_v4() and UUID_v7() came with MariaDB 11.7
	if [ "$(srv_sql src "SELECT VERSION() >= '11.7'")" = 1 ]; then
		cat <<-EOF
		INSERT INTO t_uuid_gen SELECT UUID_v4(), seq + 5000 FROM seq_1_to_100;
		INSERT INTO t_uuid_gen SELECT UUID_v7(), seq + 6000 FROM seq_1_to_100;
		UPDATE t_uuid_gen SET n = -n WHERE n > 5000 AND n % 3 = 0;
		DELETE FROM t_uuid_gen WHERE n > 5000 AND n % 4 = 0;
		EOF
	fi
}

for db in mt_full:FULL mt_min:MINIMAL; do
	echo "MariaDB type workload, binlog_row_image=${db#*:}"
	mdb_sql "${db%:*}" "${db#*:}" | srv_sql src - >"$T/${db%:*}.out" 2>&1 ||
	    fail "the ${db#*:} workload failed on the source: $(tail -n 5 "$T/${db%:*}.out")"
done

echo "waiting for myshift to catch up"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up"

for db in mt_full mt_min; do
	mig_compare_db src dst "$db" || check_fail "database $db differs"
	# no NULL where the source has none (and the rows are there at all)
	while IFS=$'\t' read -r t c; do
		q="SELECT COUNT(*), SUM($c IS NULL) FROM $db.$t"
		a=$(srv_sql src "$q")
		b=$(srv_sql dst "$q" 2>&1)
		[ "$a" = "$b" ] || check_fail "$db.$t.$c: rows and NULLs '$a' on the" \
		    "source, '$b' on the destination"
	done < <(srv_sql src "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS
	    WHERE TABLE_SCHEMA = '$db' AND DATA_TYPE IN ('inet4', 'inet6', 'uuid')")
done
# the source really holds what the workload meant to write
n=$(srv_sql src "SELECT COUNT(*) FROM mt_full.t_inet6 WHERE k = ${V6[1]} AND
    u = ${V6[1]} AND v IS NULL AND n = 0")
[ "$n" = 1 ] || check_fail "mt_full.t_inet6 has not the swapped row (all-ones, NULL) on the source"
n=$(srv_sql src "SELECT COUNT(*) FROM mt_min.t_uuid_pk")
[ "$n" = 6 ] || check_fail "mt_min.t_uuid_pk has $n rows on the source, expected 6"

mig_alive || check_fail "myshift exited: $(mig_log_tail 5)"
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi

# A value the destination cannot take as it came (here an INET6 for a
# column changed to INET4 on the destination alone) must stop myshift,
# not become NULL with a warning.
echo "a value the destination's column cannot hold"
srv_sql src "CREATE TABLE mt_full.t_warn (id INT NOT NULL PRIMARY KEY, v INET6)" ||
    fail "cannot create mt_full.t_warn"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with t_warn"
srv_sql dst "SET sql_log_bin = 0; ALTER TABLE mt_full.t_warn DROP v, ADD v INET4" ||
    fail "cannot alter mt_full.t_warn on the destination"
srv_sql src "INSERT INTO mt_full.t_warn VALUES (1, '2001:db8::1')" ||
    fail "cannot insert into mt_full.t_warn"
if mig_wait_exit 60; then
	[ "$MIG_RC" != 0 ] || check_fail "myshift exited 0 on a value it could not store"
	grep -q 'did not take a value as it came: Warning 1292: Incorrect inet4 value' \
	    "$MIG_LOG" || check_fail "myshift did not say which value it could not store:" \
	    "$(mig_log_tail 3)"
else
	check_fail "myshift did not stop on a value its destination could not store"
fi
n=$(srv_sql dst "SELECT COUNT(*) FROM mt_full.t_warn")
[ "$n" = 0 ] || check_fail "mt_full.t_warn has $n rows on the destination, expected none"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: INET4, INET6 and UUID identical on both servers ($(srv_flavour src) to" \
    "$(srv_flavour dst))"
