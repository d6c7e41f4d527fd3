#!/usr/bin/env bash
# run_statement.sh: how `myshift run` stops: SIGTERM (exit 0, resumed
# exactly), a statement-format change, a binlog reset under its checkpoint
# and drifted data (exit 1, nothing of them applied), and where it starts:
# [replication] start = FILE:POS.
#
# Part 1, SIGTERM: a writer commits single-row and three-row transactions
# into st.seq (unique n); three times myshift gets SIGTERM at a random
# moment, must exit 0 within 60 s after logging that it finishes the
# current transaction, and is restarted.  A fourth SIGTERM comes while the
# destination is applying one transaction of 50,000 rows (streamed:
# batch_bytes = 256K): myshift must finish it (all 50,000 rows there
# after exit 0).  Then every table must be identical once caught up.
#
# Part 2, start = FILE:POS: a second myshift (its own server_id and
# state_schema myshift_b, include_databases = startpos, renamed to
# startpos_b) starts at the SHOW MASTER STATUS position taken just before
# CREATE DATABASE startpos on the source (the binlog is src-bin.NNNNNN: a
# name with a dash); it must replicate startpos whole into startpos_b.
#
# Part 3, statement format: with myshift batching (batch_wait_ms = 3000),
# five row-format transactions, then one done under SET SESSION
# binlog_format = STATEMENT (BEGIN; UPDATE; COMMIT), then two row-format
# transactions.  myshift must exit 1 with an error saying that ROW format is
# required and naming the statement's position (between SHOW MASTER STATUS
# before and after it); the destination must hold the five transactions
# before it and nothing of it or after it, and its checkpoint must be the
# position right before it.  Restarted, myshift must stop there again, the
# same way (it never skips the statement).
#
# Part 4, a transaction in MIXED format whose row events (5,000 rows, more
# than batch_bytes = 256K: applied as they arrive) come before its
# statement-format UPDATE: a third myshift (start = the GTID position
# before, include_databases = st2, state_schema myshift_c) must exit 1
# with nothing of that transaction on the destination (the streamed rows
# rolled back) and its checkpoint right before it.
#
# Part 5, a binlog reset under a checkpoint: after RESET MASTER, a fourth
# myshift (start = FILE:POS, include_databases = rst, state_schema
# myshift_d) replicates rst (created with GTIDs from 0-1-1000 on) and is
# stopped.  RESET MASTER again, and the same transactions into database
# rsu rebuild the binlog to the checkpoint's position exactly, with GTIDs
# 0-1-1 to 0-1-3; then rows into rst.  Restarted, myshift must exit 1
# saying that the binlog there is not the one its transactions came from
# (BINLOG_GTID_POS '0-1-3') and apply nothing.  Once more after a third
# RESET MASTER with writes that put the position inside an event: exit 1,
# "no event boundary", nothing applied.  On a MySQL source: RESET BINARY
# LOGS AND GTIDS, the GTIDs uuid:1000-1002 given by gtid_next, and both
# times myshift must say that the source has not executed the GTIDs
# received ('uuid:1000-1002' is not within its gtid_executed 'uuid:1-4',
# then 'uuid:1-20'), which it checks before the position.
#
# On a MySQL source the statement and MIXED formats are still settable
# (deprecated, with a warning) and part 4 starts at @@GLOBAL.gtid_executed.
#
# Part 6, drift: a fifth myshift (include_databases = drift, state_schema
# myshift_e) replicates drift.a; then a row is deleted on the destination
# behind its back and the source updates it.  With compact batching (the
# default) and again with compact = false, myshift must exit 1 saying that
# the data has drifted, and the row must still be missing on the
# destination (an upsert must not bring it back).  Then the row is put back
# and the destination gets a row the source then inserts: exit 1 again in
# both modes (drift; duplicate key), the destination's row not overwritten
# and nothing of the batch applied (the updates of rows 3 and 4 included).
#
# Part 7, drift in batches of several tables, which compact batching
# writes optimistically (the writes' own counts prove the rows were there,
# under a savepoint; see src/applier_rows.c): a sixth myshift
# (include_databases = drift2, state_schema myshift_f, log level debug)
# follows drift2.b and drift2.c.  A source transaction that changes a row
# of b and changes it back (its final image is the row as it was: the
# counts prove nothing) with a row of c must be applied (the log says the
# batch was checked the pessimistic way) and the tables equal.  Then a row
# of b deleted on the destination and updated on the source with a row of
# c: exit 1, drifted, neither table changed; the row put back and a row of
# b the source then inserts put on the destination first: exit 1, drifted,
# the destination's row kept and c unchanged.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require

writer_pid=
b_pid=
c_pid=
d_pid=
e_pid=
cleanup() {
	[ -z "$writer_pid" ] || { touch "$T/stop"; wait "$writer_pid" 2>/dev/null; }
	[ -z "$b_pid" ] || { kill -TERM "$b_pid" 2>/dev/null; wait "$b_pid" 2>/dev/null; }
	[ -z "$c_pid" ] || { kill -TERM "$c_pid" 2>/dev/null; wait "$c_pid" 2>/dev/null; }
	[ -z "$d_pid" ] || { kill -TERM "$d_pid" 2>/dev/null; wait "$d_pid" 2>/dev/null; }
	[ -z "$e_pid" ] || { kill -TERM "$e_pid" 2>/dev/null; wait "$e_pid" 2>/dev/null; }
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
CFG=$T/myshift.ini
mig_config "$CFG" src dst current "[apply]
batch_transactions = 20
batch_bytes = 256K"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# src SQL: run SQL on the source; a failure ends the test.
src() {
	srv_sql src "$1" || fail "on the source: $1"
}

# logged_since_start: myshift wrote a line since its last start, so it runs
# its own code (a process still being exec'd dies of any SIGTERM).
logged_since_start() {
	[ "$(awk '/^==== start/ { n = 0; next } { n++ } END { print n + 0 }' \
	    "$MIG_LOG")" -gt 0 ]
}

# sigterm WHAT: SIGTERM myshift, expect exit 0 within 60 s, restart it.
sigterm() {
	local n
	wait_until -t 30 logged_since_start
	mig_alive || fail "myshift exited by itself before SIGTERM ($1): $(mig_log_tail 5)"
	n=$(grep -c 'finishing the current transaction' "$MIG_LOG")
	mig_stop 60
	[ "$MIG_RC" = 0 ] || check_fail "SIGTERM $1: exit status $MIG_RC, expected 0:" \
	    "$(mig_log_tail 3)"
	[ "$(grep -c 'finishing the current transaction' "$MIG_LOG")" -gt "$n" ] ||
	    check_fail "SIGTERM $1: myshift did not say it finishes the current transaction"
}

echo "part 1: SIGTERM"
src "CREATE DATABASE st;
    CREATE TABLE st.seq (n INT NOT NULL PRIMARY KEY, k INT NOT NULL, v VARCHAR(20));
    CREATE TABLE st.big (id INT NOT NULL PRIMARY KEY, v VARCHAR(120));
    CREATE TABLE st.t (id INT NOT NULL PRIMARY KEY, v INT);
    CREATE TABLE st.log (n INT NOT NULL PRIMARY KEY)"

# writer: transactions into st.seq until $T/stop exists.
writer() {
	local k=0 n=0
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		k=$((k + 1))
		if [ $((k % 4)) = 0 ]; then
			srv_sql src "BEGIN; INSERT INTO st.seq VALUES ($((n + 1)), $k, 'a');
			    INSERT INTO st.seq VALUES ($((n + 2)), $k, 'b');
			    UPDATE st.seq SET v = 'c' WHERE n = $((n + 1)); COMMIT" \
			    >/dev/null 2>>"$T/writer.err" && n=$((n + 2))
		else
			srv_sql src "INSERT INTO st.seq VALUES ($((n + 1)), $k, 'single')" \
			    >/dev/null 2>>"$T/writer.err" && n=$((n + 1))
		fi
		sleep 0.02
	done
}
writer &
writer_pid=$!
for i in 1 2 3; do
	sleep "$((RANDOM % 2)).$((RANDOM % 10))"
	sigterm "number $i"
	mig_start "$CFG"
done
touch "$T/stop"
wait "$writer_pid"
writer_pid=

# dst_big_rows: rows of st.big myshift wrote on the destination, committed
# or not (the blocker's row not counted).
dst_big_rows() {
	srv_sql dst "SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
	    SELECT COUNT(*) FROM st.big WHERE v <> 'blocker'"
}
# big_applying: the destination is in the middle of the 50,000-row transaction.
big_applying() {
	local n
	n=$(dst_big_rows)
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt 50000 ]
}
# blocked_on_lock: a destination session waits for a row lock.
blocked_on_lock() {
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.INNODB_TRX
	    WHERE trx_state = 'LOCK WAIT'")" -gt 0 ]
}
# A destination session holds the row lock of the transaction's last key for
# a few seconds, so that the transaction is caught half applied however fast
# the destination is (a poll alone misses it on a quick machine).
srv_sql dst "BEGIN; INSERT INTO st.big VALUES (50000, 'blocker'); SELECT SLEEP(8); ROLLBACK" \
    >/dev/null 2>&1 &
blocker_pid=$!
blocker_started() {
	[ "$(srv_sql dst "SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;
	    SELECT COUNT(*) FROM st.big")" = 1 ]
}
wait_until -t 30 blocker_started || fail "the blocking session on the destination did not start"
src "INSERT INTO st.big SELECT seq, REPEAT('b', 100) FROM $(srv_seq 50000)"
if wait_until -t 120 blocked_on_lock && big_applying; then
	echo "SIGTERM while the destination holds $(dst_big_rows) of 50000 uncommitted rows"
	sigterm "during the 50,000-row transaction"
	n=$(srv_sql dst "SELECT COUNT(*) FROM st.big")
	[ "$n" = 50000 ] || check_fail "after SIGTERM during the 50,000-row transaction" \
	    "the destination has $n of its rows, expected all 50000 (finish the current" \
	    "transaction)"
else
	check_fail "never saw the destination applying the 50,000-row transaction" \
	    "(rows: $(dst_big_rows))"
	mig_stop 60
fi
wait "$blocker_pid"
mig_start "$CFG"
mig_wait_caught_up src dst 180 || fail "myshift did not catch up after the SIGTERMs"
mig_compare_db src dst st || check_fail "part 1: database st differs"
echo "part 1: $(srv_sql src "SELECT COUNT(*) FROM st.seq") rows in st.seq," \
    "$(grep -c '^==== start' "$MIG_LOG") starts"

echo "part 2: start = FILE:POS"
pos=$(mig_position src)
start="${pos% *}:${pos#* }"
src "CREATE DATABASE startpos;
    CREATE TABLE startpos.a (id INT NOT NULL PRIMARY KEY, v VARCHAR(10));
    INSERT INTO startpos.a VALUES (1, 'one'), (2, 'two');
    UPDATE startpos.a SET v = 'TWO' WHERE id = 2"
MIG_SERVER_ID=4243 mig_config "$T/b.ini" src dst "$start" "[filter]
include_databases = startpos
rename_databases = startpos:startpos_b
[apply]
state_schema = myshift_b"
"$MYSHIFT" run -c "$T/b.ini" >"$T/b.log" 2>&1 </dev/null &
b_pid=$!
# b_settled: the second myshift exited, or its checkpoint is the source's position.
b_settled() {
	kill -0 "$b_pid" 2>/dev/null || return 0
	[ "$(srv_sql dst "SELECT source_file, source_pos FROM myshift_b.checkpoint" 2>/dev/null |
	    tr '\t' ' ')" = "$(mig_position src)" ]
}
wait_until -t 60 b_settled
if kill -0 "$b_pid" 2>/dev/null; then
	mig_compare_table src dst startpos a startpos_b a ||
	    check_fail "start = $start: startpos.a and startpos_b.a differ"
	kill -TERM "$b_pid"
	wait "$b_pid"
	rc=$?
	[ "$rc" = 0 ] || check_fail "the second myshift exited with status $rc on SIGTERM"
else
	wait "$b_pid"
	check_fail "start = $start: the second myshift exited (status $?) instead of" \
	    "replicating startpos: $(grep -v ' INFO ' "$T/b.log" | head -n 3 | cut -c1-300)"
fi
b_pid=

echo "part 3: a statement-format transaction"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up before part 3"
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "SIGTERM before part 3: exit status $MIG_RC"
mig_config "$CFG" src dst current "[apply]
batch_transactions = 1000
batch_wait_ms = 3000"
mig_start "$CFG"
src "INSERT INTO st.t SELECT seq, seq FROM $(srv_seq 10)"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with st.t"
before=$(mig_position src)
srv_sql src "INSERT INTO st.log VALUES (1);
    INSERT INTO st.log VALUES (2);
    UPDATE st.t SET v = 100 WHERE id = 10;
    BEGIN; INSERT INTO st.log VALUES (3); UPDATE st.t SET v = 200 WHERE id = 9; COMMIT;
    DELETE FROM st.t WHERE id = 8;
    SELECT 'ok'" >/dev/null || fail "the row-format transactions failed"
stmt_at=$(mig_position src)
srv_sql src "SET SESSION binlog_format = 'STATEMENT';
    BEGIN; UPDATE st.t SET v = v + 1000 WHERE id <= 5; COMMIT;
    SET SESSION binlog_format = 'ROW';
    INSERT INTO st.log VALUES (1001);
    UPDATE st.t SET v = -1 WHERE id = 6" || fail "the statement-format transaction failed"
after=$(mig_position src)
echo "row transactions from $before, statement transaction at $stmt_at, end $after"

if ! mig_wait_exit 60; then
	check_fail "myshift did not stop on the statement-format transaction"
	mig_stop
fi
[ "${MIG_RC:-}" = 1 ] || check_fail "statement format: exit status ${MIG_RC:-none}, expected 1"
err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
echo "error: $(echo "$err" | cut -c1-400)"
echo "$err" | grep -q 'ROW' ||
    check_fail "the error does not say that ROW format is required: $err"
at=$(echo "$err" | grep -o "${stmt_at% *}:[0-9]*" | head -n 1)
if [ -z "$at" ]; then
	check_fail "the error names no position in ${stmt_at% *}: $err"
elif [ "${at#*:}" -lt "${stmt_at#* }" ] || [ "${at#*:}" -ge "${after#* }" ]; then
	check_fail "the error names $at, not a position of the statement transaction" \
	    "(from ${stmt_at#* } to ${after#* })"
fi
have=$(srv_sql dst "SELECT GROUP_CONCAT(n ORDER BY n) FROM st.log")
[ "$have" = "1,2,3" ] || check_fail "st.log on the destination holds [$have]," \
    "expected [1,2,3] (the transactions before the statement one, none after)"
have=$(srv_sql dst "SELECT GROUP_CONCAT(CONCAT(id, '=', v) ORDER BY id) FROM st.t")
want="1=1,2=2,3=3,4=4,5=5,6=6,7=7,9=200,10=100"
[ "$have" = "$want" ] || check_fail "st.t on the destination holds [$have], expected" \
    "[$want] (before the statement transaction: all; of it and after: nothing)"
ck=$(mig_checkpoint dst)
[ "$ck" = "$stmt_at" ] || check_fail "the checkpoint is '$ck', expected '$stmt_at'" \
    "(right before the statement transaction)"

mig_start "$CFG"
if ! mig_wait_exit 60; then
	check_fail "restarted, myshift did not stop on the statement-format transaction again"
	mig_stop
fi
[ "${MIG_RC:-}" = 1 ] || check_fail "restarted: exit status ${MIG_RC:-none}, expected 1"
err2=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
[ "${err2#*ERROR}" = "${err#*ERROR}" ] || check_fail "restarted, the error differs:" \
    "'${err2#*ERROR}' vs '${err#*ERROR}'"
ck2=$(mig_checkpoint dst)
[ "$ck2" = "$ck" ] || check_fail "restarted, the checkpoint moved from '$ck' to '$ck2'"
n=$(srv_sql dst "SELECT COUNT(*) FROM st.log WHERE n = 1001")
[ "$n" = 0 ] || check_fail "restarted, a transaction after the statement one was applied"

echo "part 4: a MIXED transaction, rows streamed before its statement (start = GTID)"
if srv_is_mysql src; then
	gtid=$(srv_sql src "SELECT REPLACE(@@GLOBAL.gtid_executed, '\\n', '')")
else
	gtid=$(srv_sql src "SELECT @@gtid_binlog_pos")
fi
src "CREATE DATABASE st2;
    CREATE TABLE st2.a (id INT NOT NULL PRIMARY KEY, v INT);
    CREATE TABLE st2.big (id INT NOT NULL PRIMARY KEY, u CHAR(36), pad VARCHAR(200));
    INSERT INTO st2.a VALUES (1, 1), (2, 2)"
mixed_at=$(mig_position src)
src "SET SESSION binlog_format = 'MIXED';
    BEGIN;
    INSERT INTO st2.big SELECT seq, UUID(), REPEAT('p', 150) FROM $(srv_seq 5000);
    UPDATE st2.a SET v = v + 10;
    COMMIT;
    SET SESSION binlog_format = 'ROW';
    INSERT INTO st2.a VALUES (3, 3)"
mixed_end=$(mig_position src)
"${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}" --start-position "${mixed_at#* }" \
    --stop-position "${mixed_end#* }" "$(srv_binlogs src | tail -n 1)" >"$T/mixed.txt" 2>&1
if ! grep -q 'Write_rows' "$T/mixed.txt" || ! grep -q '^UPDATE st2.a SET' "$T/mixed.txt"; then
	check_fail "the MIXED transaction at $mixed_at is not rows then a statement, as" \
	    "this part needs: $(grep -E 'Write_rows|Query|UPDATE' "$T/mixed.txt" | head -n 5)"
fi
echo "MIXED transaction at $mixed_at: row events, then its UPDATE as a statement"
MIG_SERVER_ID=4244 mig_config "$T/c.ini" src dst "$gtid" "[filter]
include_databases = st2
[apply]
state_schema = myshift_c
batch_bytes = 256K"
"$MYSHIFT" run -c "$T/c.ini" >"$T/c.log" 2>&1 </dev/null &
c_pid=$!
t0=$SECONDS
while kill -0 "$c_pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do
	sleep 0.2
done
if kill -0 "$c_pid" 2>/dev/null; then
	check_fail "start = $gtid: myshift did not stop on the MIXED transaction:" \
	    "$(tail -n 3 "$T/c.log")"
	kill -TERM "$c_pid"
fi
wait "$c_pid"
rc=$?
[ "$rc" = 1 ] || check_fail "MIXED transaction: exit status $rc, expected 1"
err=$(grep ' ERROR ' "$T/c.log" | tail -n 1)
echo "error: $(echo "$err" | cut -c1-300)"
echo "$err" | grep -q 'ROW' || check_fail "MIXED transaction: the error does not" \
    "say that ROW format is required: $err"
have=$(srv_sql dst "SELECT GROUP_CONCAT(CONCAT(id, '=', v) ORDER BY id) FROM st2.a" 2>&1)
[ "$have" = "1=1,2=2" ] || check_fail "st2.a on the destination holds [$have]," \
    "expected [1=1,2=2] (nothing of the MIXED transaction or after it)"
n=$(srv_sql dst "SELECT COUNT(*) FROM st2.big" 2>&1)
[ "$n" = 0 ] || check_fail "st2.big on the destination holds $n rows of the MIXED" \
    "transaction, expected none (its row events came before its statement)"
ck=$(srv_sql dst "SELECT source_file, source_pos FROM myshift_c.checkpoint" | tr '\t' ' ')
[ "$ck" = "$mixed_at" ] || check_fail "the checkpoint of the GTID-started myshift is" \
    "'$ck', expected '$mixed_at' (right before the MIXED transaction)"

echo "part 5: a binlog reset under a checkpoint"
# round SCHEMA [GTID]: the same three transactions into database SCHEMA
# (three letters), with sequence numbers GTID, GTID + 1, GTID + 2 if given
# (MariaDB: gtid_seq_no; MySQL: gtid_next, each the same size in the
# binlog as an automatic one)
round() {
	local sql=("CREATE DATABASE $1"
	    "CREATE TABLE $1.t (id INT NOT NULL PRIMARY KEY, v VARCHAR(200))"
	    "INSERT INTO $1.t SELECT seq, REPEAT('a', 100) FROM $(srv_seq 50)") i all=
	for i in 0 1 2; do
		if [ -n "${2:-}" ] && srv_is_mysql src; then
			all+="SET gtid_next = '$SRC_UUID:$(($2 + i))'; "
		elif [ -n "${2:-}" ] && [ "$i" = 0 ]; then
			all+="SET SESSION gtid_seq_no = $2; "
		fi
		all+="${sql[$i]}; "
	done
	[ -z "${2:-}" ] || ! srv_is_mysql src || all+="SET gtid_next = 'AUTOMATIC'"
	src "$all"
}
# the binlog reset: MySQL 8.4 renamed RESET MASTER
RESET_SQL="RESET MASTER"
SRC_UUID=
if srv_is_mysql src; then
	RESET_SQL="RESET BINARY LOGS AND GTIDS"
	SRC_UUID=$(srv_sql src "SELECT @@server_uuid")
fi
src "$RESET_SQL"
pos=$(mig_position src)
round rst 1000
MIG_SERVER_ID=4245 mig_config "$T/d.ini" src dst "${pos% *}:${pos#* }" "[filter]
include_databases = rst
[apply]
state_schema = myshift_d"
"$MYSHIFT" run -c "$T/d.ini" >"$T/d.log" 2>&1 </dev/null &
d_pid=$!
# d_settled: the fourth myshift exited, or its checkpoint is the source's position.
d_settled() {
	kill -0 "$d_pid" 2>/dev/null || return 0
	[ "$(srv_sql dst "SELECT source_file, source_pos FROM myshift_d.checkpoint" 2>/dev/null |
	    tr '\t' ' ')" = "$(mig_position src)" ]
}
wait_until -t 60 d_settled
kill -0 "$d_pid" 2>/dev/null || fail "the fourth myshift exited: $(tail -n 3 "$T/d.log")"
kill -TERM "$d_pid"
wait "$d_pid"
d_pid=
ck=$(srv_sql dst "SELECT source_file, source_pos FROM myshift_d.checkpoint" | tr '\t' ' ')
n=$(srv_sql dst "SELECT COUNT(*) FROM rst.t")
[ "$n" = 50 ] || check_fail "rst.t has $n rows on the destination before the reset, expected 50"

# d_restart WHAT EXPECT: restart the fourth myshift; it must exit 1 with
# EXPECT in its error and apply nothing.
d_restart() {
	local rc err n t0=$SECONDS
	"$MYSHIFT" run -c "$T/d.ini" >"$T/d2.log" 2>&1 </dev/null &
	d_pid=$!
	while kill -0 "$d_pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do
		sleep 0.2
	done
	if kill -0 "$d_pid" 2>/dev/null; then
		check_fail "$1: myshift did not stop: $(tail -n 3 "$T/d2.log")"
		kill -TERM "$d_pid"
	fi
	wait "$d_pid"
	rc=$?
	d_pid=
	[ "$rc" = 1 ] || check_fail "$1: exit status $rc, expected 1"
	err=$(grep ' ERROR ' "$T/d2.log" | tail -n 1)
	echo "error: $(echo "$err" | cut -c1-400)"
	echo "$err" | grep -q "$2" || check_fail "$1: the error does not say '$2': $err"
	n=$(srv_sql dst "SELECT COUNT(*) FROM rst.t")
	[ "$n" = 50 ] || check_fail "$1: rst.t has $n rows on the destination, expected" \
	    "50 (nothing of the binlog written after the reset)"
}

# the same layout again: the checkpoint's position is an event boundary
# of the new binlog, with other GTIDs before it
src "$RESET_SQL"
round rsu
now=$(mig_position src)
[ "$now" = "$ck" ] || fail "the second round ends at $now, not at the checkpoint $ck"
src "INSERT INTO rst.t SELECT 1000 + seq, REPEAT('b', 200) FROM $(srv_seq 10)"
# MariaDB: the GTID position at the checkpoint's FILE:POS is not the one
# received (BINLOG_GTID_POS); MySQL: the source has not executed the GTIDs
# received (GTID_SUBSET of gtid_executed)
if srv_is_mysql src; then
	d_restart "reset, same layout" "'$SRC_UUID:1000-1002' is not within its gtid_executed '$SRC_UUID:1-4'"
else
	d_restart "reset, same layout" "has GTID position '0-1-3', but"
fi

# another layout: the checkpoint's position is inside an event
src "$RESET_SQL"
for i in $(seq 1 20); do
	src "INSERT INTO rst.t SELECT 10000 * $i + seq, REPEAT('b', 200) FROM $(srv_seq 10)"
done
now=$(mig_position src)
[ "${now#* }" -gt "${ck#* }" ] || fail "after the reset the source is at $now, before $ck"
# boundary FILE POS: an event of the source's binlog FILE starts or ends at POS
boundary() {
	srv_sql src "SHOW BINLOG EVENTS IN '$1'" |
	    awk -F'\t' -v p="$2" '$2 == p || $5 == p { f = 1 } END { exit !f }'
}
if srv_is_mysql src; then
	! boundary "${ck% *}" "${ck#* }" ||
	    fail "$ck is an event boundary of the new binlog: this case needs one inside an event"
	d_restart "reset, other layout" "'$SRC_UUID:1000-1002' is not within its gtid_executed '$SRC_UUID:1-20'"
else
	[ "$(srv_sql src "SELECT BINLOG_GTID_POS('${ck% *}', ${ck#* }) IS NULL")" = 1 ] ||
	    fail "$ck is an event boundary of the new binlog: this case needs one inside an event"
	d_restart "reset, other layout" "has no event boundary at ${ck% *}:${ck#* }"
fi

echo "part 6: drift"
pos=$(mig_position src)
src "CREATE DATABASE drift;
    CREATE TABLE drift.a (id INT NOT NULL PRIMARY KEY, v INT);
    INSERT INTO drift.a SELECT seq, seq FROM $(srv_seq 10)"
# e_config [APPLY]: the fifth myshift's configuration, APPLY added to [apply].
e_config() {
	MIG_SERVER_ID=4246 mig_config "$T/e.ini" src dst "${pos% *}:${pos#* }" "[filter]
include_databases = drift
[apply]
state_schema = myshift_e
${1:-}"
}
e_config
"$MYSHIFT" run -c "$T/e.ini" >"$T/e.log" 2>&1 </dev/null &
e_pid=$!
e_settled() {
	kill -0 "$e_pid" 2>/dev/null || return 0
	[ "$(srv_sql dst "SELECT source_file, source_pos FROM myshift_e.checkpoint" 2>/dev/null |
	    tr '\t' ' ')" = "$(mig_position src)" ]
}
wait_until -t 60 e_settled
kill -0 "$e_pid" 2>/dev/null || fail "the fifth myshift exited: $(tail -n 3 "$T/e.log")"
srv_sql dst "DELETE FROM drift.a WHERE id = 3" || fail "cannot delete on the destination"
src "UPDATE drift.a SET v = 300 WHERE id = 3; UPDATE drift.a SET v = 400 WHERE id = 4"
# e_wait_drift WHAT LOG [REGEX [ROWS]]: the fifth myshift must exit 1 with
# REGEX (default: drifted) in its error, drift.a on the destination holding
# ROWS (default: all but 3, unchanged).
e_wait_drift() {
	local rc err t0=$SECONDS want=${4:-1=1,2=2,4=4,5=5,6=6,7=7,8=8,9=9,10=10}
	while kill -0 "$e_pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do
		sleep 0.2
	done
	if kill -0 "$e_pid" 2>/dev/null; then
		check_fail "$1: myshift did not stop on the drift: $(tail -n 3 "$2")"
		kill -TERM "$e_pid"
	fi
	wait "$e_pid"
	rc=$?
	e_pid=
	[ "$rc" = 1 ] || check_fail "$1: exit status $rc, expected 1"
	err=$(grep ' ERROR ' "$2" | tail -n 1)
	echo "error: $(echo "$err" | cut -c1-300)"
	echo "$err" | grep -E -q "${3:-drifted}" || check_fail "$1: the error does not" \
	    "match '${3:-drifted}': $err"
	have=$(srv_sql dst "SELECT GROUP_CONCAT(CONCAT(id, '=', v) ORDER BY id) FROM drift.a")
	[ "$have" = "$want" ] || check_fail "$1: drift.a on the destination holds" \
	    "[$have], expected [$want]: a drifted row was overwritten, or a transaction" \
	    "applied in part"
}
e_wait_drift "compact" "$T/e.log"
e_config "compact = false"
"$MYSHIFT" run -c "$T/e.ini" >"$T/e2.log" 2>&1 </dev/null &
e_pid=$!
e_wait_drift "compact = false" "$T/e2.log"
# repair row 3; now the destination has a row 20 the source is about to insert
srv_sql dst "INSERT INTO drift.a VALUES (3, 3), (20, 20)" || fail "cannot insert on the destination"
src "INSERT INTO drift.a VALUES (20, 99)"
e_config
"$MYSHIFT" run -c "$T/e.ini" >"$T/e3.log" 2>&1 </dev/null &
e_pid=$!
e_wait_drift "compact, inserted row exists" "$T/e3.log" "drifted" \
    "1=1,2=2,3=3,4=4,5=5,6=6,7=7,8=8,9=9,10=10,20=20"
e_config "compact = false"
"$MYSHIFT" run -c "$T/e.ini" >"$T/e4.log" 2>&1 </dev/null &
e_pid=$!
e_wait_drift "compact = false, inserted row exists" "$T/e4.log" "Duplicate entry" \
    "1=1,2=2,3=3,4=4,5=5,6=6,7=7,8=8,9=9,10=10,20=20"

echo "part 7: drift in batches of several tables"
pos=$(mig_position src)
src "CREATE DATABASE drift2;
    CREATE TABLE drift2.b (id INT NOT NULL PRIMARY KEY, v INT);
    CREATE TABLE drift2.c (id INT NOT NULL PRIMARY KEY, v INT);
    INSERT INTO drift2.b SELECT seq, seq FROM $(srv_seq 10);
    INSERT INTO drift2.c SELECT seq, seq FROM $(srv_seq 10)"
MIG_SERVER_ID=4247 MIG_LOG_LEVEL=debug mig_config "$T/f.ini" src dst "${pos% *}:${pos#* }" "[filter]
include_databases = drift2
[apply]
state_schema = myshift_f
batch_wait_ms = 200"
f_start() {
	"$MYSHIFT" run -c "$T/f.ini" >"$T/$1" 2>&1 </dev/null &
	e_pid=$!
}
f_rows() {
	srv_sql "$1" "SELECT CONCAT((SELECT GROUP_CONCAT(CONCAT(id, '=', v) ORDER BY id) FROM drift2.b),
	    ' / ', (SELECT GROUP_CONCAT(CONCAT(id, '=', v) ORDER BY id) FROM drift2.c))"
}
f_equal() {
	kill -0 "$e_pid" 2>/dev/null || return 0
	[ "$(f_rows src)" = "$(f_rows dst 2>/dev/null)" ]
}
f_start f.log
wait_until -t 60 f_equal
src "BEGIN; UPDATE drift2.b SET v = 100 WHERE id = 1; UPDATE drift2.b SET v = 1 WHERE id = 1;
    UPDATE drift2.c SET v = 200 WHERE id = 2; COMMIT"
wait_until -t 60 f_equal
kill -0 "$e_pid" 2>/dev/null || fail "the sixth myshift exited: $(tail -n 3 "$T/f.log")"
grep -q 'did not prove its rows' "$T/f.log" ||
    check_fail "a batch whose final image equals the row before was not checked the pessimistic way"
# f_wait_drift WHAT LOG WANT: exit 1, drifted, the destination holding WANT
f_wait_drift() {
	local rc t0=$SECONDS err have
	while kill -0 "$e_pid" 2>/dev/null && [ $((SECONDS - t0)) -lt 60 ]; do
		sleep 0.2
	done
	if kill -0 "$e_pid" 2>/dev/null; then
		check_fail "$1: myshift did not stop on the drift: $(tail -n 3 "$2")"
		kill -TERM "$e_pid"
	fi
	wait "$e_pid"
	rc=$?
	e_pid=
	[ "$rc" = 1 ] || check_fail "$1: exit status $rc, expected 1"
	err=$(grep ' ERROR ' "$2" | tail -n 1)
	echo "error: $(echo "$err" | cut -c1-300)"
	echo "$err" | grep -q "drifted" || check_fail "$1: the error does not say drifted: $err"
	have=$(f_rows dst)
	[ "$have" = "$3" ] || check_fail "$1: the destination holds [$have], expected [$3]"
}
before=$(f_rows dst)
srv_sql dst "DELETE FROM drift2.b WHERE id = 3" || fail "cannot delete on the destination"
src "BEGIN; UPDATE drift2.b SET v = 300 WHERE id = 3; UPDATE drift2.c SET v = 400 WHERE id = 4; COMMIT"
f_wait_drift "two tables, updated row missing" "$T/f.log" "${before/3=3,/}"
srv_sql dst "INSERT INTO drift2.b VALUES (3, 3), (20, 20)" || fail "cannot insert on the destination"
src "BEGIN; INSERT INTO drift2.b VALUES (20, 99); UPDATE drift2.c SET v = 500 WHERE id = 5; COMMIT"
f_start f2.log
f_wait_drift "two tables, inserted row exists" "$T/f2.log" "${before/10=10 \//10=10,20=20 /}"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: SIGTERM exits 0 and resumes exactly; statement format, a binlog reset and drift stop with nothing skipped"
