#!/usr/bin/env bash
# run_failover.sh: `myshift run` follows a promoted replica by GTID
# ([replication] resume = gtid) and refuses binlog positions of another
# server (resume = position).
#
# Servers: a (the source), b (a native MariaDB replica of a by GTID, with
# log_slave_updates), dst.  Before myshift starts, a writes in GTID domain 1
# (database fo, table d1) and dst is given the same table and rows, as a
# snapshot load would: so the checkpoint's GTID position must know domain 1
# from the start (BINLOG_GTID_POS of the start position), or a resume by
# GTID would be sent that domain's history again.
#
# myshift (start = current, resume = position) replicates a while a writer
# inserts and updates rows of fo.t0 (domain 0); it is killed (-9) in the
# middle, so its checkpoint is behind.  The writer stops; b catches up with
# a; a is stopped; b is promoted (STOP SLAVE, RESET SLAVE ALL) and takes new
# writes in both domains.
#   - myshift pointed at b with resume = position must exit 1 at once,
#     saying that the binlog at its position is not the one its
#     transactions came from, with nothing applied;
#   - with resume = gtid it must resume after its checkpoint's GTIDs and,
#     once caught up with b, database fo must be identical on b and dst
#     (nothing lost of what a wrote after the kill, nothing twice).
#
# On MySQL (gtid_mode=ON): b replicates with SOURCE_AUTO_POSITION and
# log_replica_updates; there are no domains, so the history before myshift
# starts is a's own: the first checkpoint must hold a's whole gtid_executed
# of that moment (SHOW BINARY LOG STATUS), or a resume by GTID would be sent
# fo.d1's history again; resume = position on b is refused because b's
# server_uuid is not the one the checkpoint's position belongs to.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require

writer_pid=
cleanup() {
	[ -z "$writer_pid" ] || { touch "$T/stop"; wait "$writer_pid" 2>/dev/null; }
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source a
if srv_is_mysql a; then
	mig_source b --log_replica_updates=ON
else
	mig_source b --log_slave_updates=ON
fi
mig_dest dst
srv_scratch
T=$SRV_ROOT

if srv_is_mysql b; then
	srv_sql b "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1',
	    SOURCE_PORT = $(_srv_get a PORT), SOURCE_USER = '$MIG_REPL_USER',
	    SOURCE_PASSWORD = '$MIG_REPL_PW', SOURCE_AUTO_POSITION = 1,
	    GET_SOURCE_PUBLIC_KEY = 1;
	    START REPLICA" || fail "cannot make b a replica of a"
else
	srv_sql b "CHANGE MASTER TO MASTER_HOST = '127.0.0.1',
	    MASTER_PORT = $(_srv_get a PORT), MASTER_USER = '$MIG_REPL_USER',
	    MASTER_PASSWORD = '$MIG_REPL_PW', MASTER_USE_GTID = slave_pos;
	    START SLAVE" || fail "cannot make b a replica of a"
fi

# b_synced: b has applied everything a has logged.
b_synced() {
	local pos
	if srv_is_mysql a; then
		pos=$(srv_sql a "SELECT REPLACE(@@gtid_executed, '\n', '')") || return 1
		[ "$(srv_sql b "SELECT WAIT_FOR_EXECUTED_GTID_SET('$pos', 1)")" = 0 ]
		return
	fi
	pos=$(srv_sql a "SELECT @@gtid_binlog_pos") || return 1
	[ "$(srv_sql b "SELECT MASTER_GTID_WAIT('$pos', 1)")" = 0 ]
}

echo "domain 1 before myshift starts, loaded on dst as a snapshot would"
d1_sql="CREATE DATABASE fo;
    CREATE TABLE fo.d1 (id INT NOT NULL PRIMARY KEY, v VARCHAR(20));
    INSERT INTO fo.d1 VALUES (1, 'one'), (2, 'two'), (3, 'three')"
if srv_is_mysql a; then
	srv_sql a "$d1_sql" || fail "fo.d1 writes failed on a"
else
	srv_sql a "SET SESSION gtid_domain_id = 1; $d1_sql" || fail "domain 1 writes failed on a"
fi
srv_sql dst "$d1_sql" || fail "cannot load fo.d1 on dst"
srv_sql a "CREATE TABLE fo.t0 (id INT NOT NULL PRIMARY KEY, n INT NOT NULL)" ||
    fail "cannot create fo.t0"
srv_sql dst "CREATE TABLE fo.t0 (id INT NOT NULL PRIMARY KEY, n INT NOT NULL)" ||
    fail "cannot create fo.t0 on dst"
wait_until -t 60 b_synced || fail "b did not catch up with a"

CFG=$T/myshift.ini
a_before=
srv_is_mysql a && a_before=$(srv_sql a "SELECT REPLACE(@@gtid_executed, '\n', '')")
mig_config "$CFG" a dst current "[apply]
batch_transactions = 10"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"
ck=$(srv_sql dst "SELECT source_gtid FROM myshift.checkpoint")
echo "first checkpoint: $(mig_checkpoint dst), GTID position '$ck'"
if srv_is_mysql a; then
	[ -n "$a_before" ] || fail "a has an empty gtid_executed after its writes"
	[ "$(srv_sql a "SELECT GTID_SUBSET('$a_before', '$ck')")" = 1 ] ||
	    check_fail "the first checkpoint's GTID set '$ck' lacks what a ran before" \
	    "myshift started ('$a_before'; SHOW BINARY LOG STATUS's Executed_Gtid_Set)"
else
	case ",$ck," in *,1-*) ;; *) check_fail "the first checkpoint's GTID position '$ck'" \
	    "does not know domain 1 (BINLOG_GTID_POS of the start position)" ;; esac
fi

# writer: single-row inserts and updates of fo.t0 on a until $T/stop exists.
writer() {
	local i=0
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		i=$((i + 1))
		srv_sql a "INSERT INTO fo.t0 VALUES ($i, 0);
		    UPDATE fo.t0 SET n = n + 1 WHERE id = $(((i + 1) / 2))" \
		    >/dev/null 2>>"$T/writer.err" || break
		sleep 0.01
	done
}
writer &
writer_pid=$!
sleep 3
mig_kill
echo "myshift killed at $(mig_checkpoint dst)"
sleep 2
touch "$T/stop"
wait "$writer_pid"
writer_pid=
wait_until -t 60 b_synced || fail "b did not catch up with a after the writes"
echo "a wrote $(srv_sql a "SELECT COUNT(*) FROM fo.t0") rows into fo.t0;" \
    "dst has $(srv_sql dst "SELECT COUNT(*) FROM fo.t0")"

echo "failover: a stops, b is promoted and takes writes"
srv_stop a
if srv_is_mysql b; then
	srv_sql b "STOP REPLICA; RESET REPLICA ALL" || fail "cannot promote b"
	d1_domain=
else
	srv_sql b "STOP SLAVE; RESET SLAVE ALL" || fail "cannot promote b"
	d1_domain="SET SESSION gtid_domain_id = 1;"
fi
srv_sql b "INSERT INTO fo.t0 SELECT 100000 + seq, seq FROM $(srv_seq 50);
    UPDATE fo.t0 SET n = n + 1000 WHERE id <= 10;
    $d1_domain
    INSERT INTO fo.d1 VALUES (4, 'four');
    UPDATE fo.d1 SET v = 'TWO' WHERE id = 2" || fail "writes on b failed"
before=$(srv_sql dst "CHECKSUM TABLE fo.t0, fo.d1 EXTENDED")

echo "resume = position on b: refused"
mig_config "$CFG" b dst current "[apply]
batch_transactions = 10"
mig_start "$CFG"
if mig_wait_exit 60; then
	[ "$MIG_RC" = 1 ] || check_fail "resume = position on b: exit status $MIG_RC, expected 1"
	err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
	echo "error: $(echo "$err" | cut -c1-300)"
	# MariaDB: BINLOG_GTID_POS differs; MySQL: another server_uuid
	echo "$err" | grep -qE 'not the binlog they came from|server_uuid changed.*different server' ||
	    check_fail "resume = position on b: the error does not say the position is" \
	    "another binlog's: $err"
else
	check_fail "resume = position on b: myshift did not stop"
	mig_stop
fi
[ "$(srv_sql dst "CHECKSUM TABLE fo.t0, fo.d1 EXTENDED")" = "$before" ] ||
    check_fail "resume = position on b changed the destination"

echo "resume = gtid on b"
mig_config "$CFG" b dst current "[replication]
resume = gtid
[apply]
batch_transactions = 10"
mig_start "$CFG"
mig_wait_caught_up b dst 120 || fail "myshift did not catch up with b"
grep -q 'resume = gtid: asking the source for the transactions after' "$MIG_LOG" ||
    check_fail "myshift did not say it resumes by GTID"
mig_compare_db b dst fo || check_fail "database fo differs between b and dst"
n=$(srv_sql dst "SELECT COUNT(*) FROM fo.t0")
echo "fo.t0: $n rows on dst, $(srv_sql b "SELECT COUNT(*) FROM fo.t0") on b"
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: a promoted replica followed by GTID; its binlog positions refused"
