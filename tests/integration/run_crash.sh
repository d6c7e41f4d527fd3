#!/usr/bin/env bash
# run_crash.sh: `myshift run` applies every source transaction exactly once
# although it is killed (SIGKILL) again and again under write load.
#
# myshift streams from the source's current position onto an empty
# destination, with small batches (batch_transactions = 20) and
# batch_bytes = 256K, so that large transactions are applied as they
# arrive (streamed) rather than held.  On the source, created after
# myshift started so that the DDL replicates:
#   - sysbench oltp_write_only (2 tables x 2000 rows) at 20 transactions/s;
#   - a writer loop: crash.seq gets one row per transaction with a unique
#     sequence number n (UNIQUE KEY), crash.nokey (no key at all) gets rows
#     with many duplicates, some updated and deleted one at a time (LIMIT 1)
#     inside multi-statement transactions, and every 60th transaction
#     inserts 2000 rows (about 300 KB, more than batch_bytes) at once.
# Three parts, each under that load, after which the writes stop, myshift
# catches up and is checked:
#   1. myshift is killed with SIGKILL 20 times (KILLS), after random
#      0.2-2 s, and restarted each time at once;
#   2. the source restarts (a clean shutdown: sysbench and the writer lose
#      their connections; sysbench is started again): myshift must
#      reconnect by itself and stream again;
#   3. the source's binlog dump thread serving myshift (Command 'Binlog
#      Dump' or 'Binlog Dump GTID' in information_schema.PROCESSLIST, on
#      both vendors) is KILLed, twice: myshift must reconnect by itself;
#   4. the destination server crashes (SIGKILL), four times 5 s apart,
#      each time started again after 2 s: myshift must resume by itself
#      within 10 s of each restart (a life that applied transactions
#      starts the retry delay at 1 s again: before, the delays of earlier
#      failures piled up to 16-32 s).
# The checks after each part:
#   - myshift's checkpoint equals the source's binlog position (SHOW
#     MASTER STATUS, or SHOW BINARY LOG STATUS on MySQL);
#   - every table identical (all rows in order, which for crash.nokey
#     counts every row with its multiplicity, and CHECKSUM TABLE between
#     servers of one vendor); also for crash.nokey the count of every
#     distinct row is compared, and crash.seq holds as many rows as
#     distinct n on both sides (no duplicates).
# At the end: the "transactions applied so far" that myshift reports at each
# restart never goes down; myshift logged no ERROR (a lost source is a
# warning), and exits 0 on SIGTERM.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench

KILLS=${KILLS:-20}

sb_pid=
writer_pid=
cleanup() {
	[ -z "$writer_pid" ] || { touch "$T/stop"; wait "$writer_pid" 2>/dev/null; }
	[ -z "$sb_pid" ] || { kill -TERM "$sb_pid" 2>/dev/null; wait "$sb_pid" 2>/dev/null; }
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
batch_bytes = 256K
batch_wait_ms = 20"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

srv_sql src "CREATE DATABASE crash;
    CREATE TABLE crash.seq (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        n BIGINT NOT NULL, k INT NOT NULL, UNIQUE KEY (n)) ENGINE=InnoDB;
    CREATE TABLE crash.nokey (a INT, b VARCHAR(200), c INT) ENGINE=InnoDB;
    CREATE DATABASE sbtest" || fail "cannot create the schema on the source"
mig_sysbench src sbtest --tables=2 --table-size=2000 prepare >"$T/sb.prepare" 2>&1 ||
    fail "sysbench prepare failed: $(tail -n 5 "$T/sb.prepare")"

# writer K: commit transactions into crash.* until $T/stop exists, their
# sequence numbers after K.
writer() {
	local k=$1 a sql
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		k=$((k + 1))
		a=$((k % 5))
		if [ $((k % 60)) -eq 0 ]; then
			sql="INSERT INTO crash.seq (n, k) VALUES ($k, $k);
			    INSERT INTO crash.nokey SELECT seq % 7, REPEAT('big', 45), $k
			    FROM $(srv_seq 2000);"
		elif [ $((k % 5)) -eq 0 ]; then
			sql="BEGIN;
			    INSERT INTO crash.seq (n, k) VALUES ($k, $k);
			    UPDATE crash.nokey SET c = c + 1 WHERE a = $a LIMIT 1;
			    DELETE FROM crash.nokey WHERE a = $a AND b = 'dup' LIMIT 1;
			    INSERT INTO crash.nokey VALUES ($a, 'dup', 0), ($a, 'dup', 0),
			        (NULL, NULL, NULL);
			    COMMIT;"
		else
			sql="INSERT INTO crash.seq (n, k) VALUES ($k, $k);
			    INSERT INTO crash.nokey VALUES ($a, 'x', $k % 3);"
		fi
		srv_sql src "$sql" >/dev/null 2>>"$T/writer.err"
		sleep 0.02
	done
}

# start_sb: sysbench oltp_write_only at 20 transactions/s, in the background.
start_sb() {
	mig_sysbench_cmd src sbtest
	"${MIG_SB[@]}" --tables=2 --table-size=2000 --threads=1 --rate=20 \
	    --time=0 --report-interval=0 run >>"$T/sb.run" 2>&1 &
	sb_pid=$!
}

# start_load PART: sysbench and the writer (sequence numbers from PART *
# 1000000 on), in the background.
start_load() {
	rm -f "$T/stop"
	start_sb
	writer $(($1 * 1000000)) &
	writer_pid=$!
}

# stop_load: stop the writer and sysbench (which may have died with the
# source: it stops at a lost connection).
stop_load() {
	touch "$T/stop"
	wait "$writer_pid"
	writer_pid=
	kill -TERM "$sb_pid" 2>/dev/null
	wait "$sb_pid" 2>/dev/null
	sb_pid=
}

# alive WHAT: fail (with its last lines) if myshift exited by itself.
alive() {
	if ! mig_alive; then
		wait "$MIG_PID" 2>/dev/null
		local rc=$?
		MIG_PID=
		fail "myshift exited by itself (status $rc) $1: $(mig_log_tail 5)"
	fi
}

# verify WHAT: once myshift has caught up, its checkpoint is the source's
# position and every table is identical, each row as many times as on the
# source (crash.nokey: counts per distinct row; crash.seq: no duplicate n).
SEQ_ROWS=0
verify() {
	local pos_src pos_dst q a b n
	n=$(srv_sql src "SELECT COUNT(*) FROM crash.seq")
	echo "$1: $n sequence rows, $(srv_sql src "SELECT COUNT(*) FROM crash.nokey")" \
	    "keyless rows"
	[ -n "$n" ] && [ "$n" -gt "$SEQ_ROWS" ] || check_fail "$1: the writer wrote" \
	    "nothing ($n sequence rows, $SEQ_ROWS before): $(tail -n 2 "$T/writer.err")"
	SEQ_ROWS=$n
	mig_wait_caught_up src dst 300 || fail "myshift did not catch up $1"
	pos_src=$(mig_position src)
	pos_dst=$(mig_checkpoint dst)
	[ "$pos_src" = "$pos_dst" ] || check_fail "$1: checkpoint '$pos_dst' differs from" \
	    "the source position '$pos_src'"
	for db in crash sbtest; do
		mig_compare_db src dst "$db" || check_fail "$1: database $db differs"
	done
	q="SELECT HEX(a), HEX(b), HEX(c), COUNT(*) FROM crash.nokey GROUP BY a, b, c
	    ORDER BY a, b, c"
	srv_sql src "$q" >"$T/nokey.src"
	srv_sql dst "$q" >"$T/nokey.dst"
	if ! cmp -s "$T/nokey.src" "$T/nokey.dst"; then
		check_fail "$1: crash.nokey: counts per distinct row differ (< source," \
		    "> destination):"
		mig_show_diff "$T/nokey.src" "$T/nokey.dst"
	fi
	q="SELECT COUNT(*), COUNT(DISTINCT n), MIN(n), MAX(n) FROM crash.seq"
	a=$(srv_sql src "$q")
	b=$(srv_sql dst "$q")
	[ "$a" = "$b" ] || check_fail "$1: crash.seq: count, distinct, min, max are '$a'" \
	    "on the source, '$b' on the destination"
}

# dump_threads: the ids of the source's binlog dump threads (myshift's).
dump_threads() {
	srv_sql src "SELECT ID FROM information_schema.PROCESSLIST
	    WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID') ORDER BY ID"
}

# streaming_anew OLD: a dump thread other than OLD serves myshift.
streaming_anew() {
	local id
	alive "while it should reconnect"
	id=$(dump_threads | tail -n 1)
	[ -n "$id" ] && [ "$id" != "$1" ]
}

echo "part 1: $KILLS kills of myshift under load"
start_load 1
for i in $(seq 1 "$KILLS"); do
	ms=$((200 + RANDOM % 1801))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	alive "before kill $i"
	mig_kill
	mig_start "$CFG"
done
echo "killed and restarted myshift $KILLS times"
stop_load
[ ! -s "$T/writer.err" ] || echo "writer errors: $(head -n 3 "$T/writer.err")"
verify "after the kills"

echo "part 2: the source restarts under load"
start_load 2
sleep 1.5
alive "before the source restart"
srv_restart src
echo "restarted the source"
# sysbench stops at its lost connection: a new one
kill -TERM "$sb_pid" 2>/dev/null
wait "$sb_pid" 2>/dev/null
start_sb
wait_until -t 60 streaming_anew "" || check_fail "myshift did not stream again" \
    "after the source restart: $(mig_log_tail 5)"
sleep 2
alive "after the source restart"
stop_load
verify "after the source restart"

echo "part 3: KILL of the source's dump thread under load"
start_load 3
for i in 1 2; do
	sleep 1.5
	alive "before KILL $i of the dump thread"
	wait_until -t 30 eval '[ -n "$(dump_threads)" ]' ||
	    fail "the source shows no binlog dump thread (PROCESSLIST)"
	id=$(dump_threads | tail -n 1)
	srv_sql src "KILL $id" || fail "cannot KILL the dump thread $id"
	echo "killed the dump thread $id"
	wait_until -t 60 streaming_anew "$id" || check_fail "myshift did not stream" \
	    "again after KILL $id of its dump thread: $(mig_log_tail 5)"
done
sleep 1.5
alive "after the KILLs of the dump thread"
stop_load
verify "after KILL of the dump thread"

echo "part 4: the destination crashes under load"
start_load 4
for i in 1 2 3 4; do
	sleep 3
	alive "before destination crash $i"
	before=$(grep -c 'resuming from' "$MIG_LOG")
	srv_kill dst
	sleep 2
	srv_restart dst
	t0=$SECONDS
	if wait_until -t 10 eval '[ "$(grep -c "resuming from" "$MIG_LOG")" -gt "$before" ]'; then
		echo "destination crashed and started again ($i): myshift resumed" \
		    "$((SECONDS - t0)) s after"
	else
		check_fail "myshift did not resume within 10 s of destination restart $i:" \
		    "$(grep -c 'restarting from the checkpoint' "$MIG_LOG") retries; $(mig_log_tail 3)"
	fi
done
sleep 1.5
alive "after the destination crashes"
stop_load
verify "after the destination crashes"

starts=$(grep -c '^==== start' "$MIG_LOG")
[ "$starts" = $((KILLS + 1)) ] || check_fail "myshift started $starts times, expected $((KILLS + 1))"
prev=0
while read -r n; do
	if [ "$n" -lt "$prev" ]; then
		check_fail "the transactions applied so far went down across a restart:" \
		    "$prev, then $n ($(grep -o 'resuming from.*' "$MIG_LOG" | tr '\n' ';' | cut -c1-600))"
		break
	fi
	prev=$n
done < <(sed -n 's/.*resuming from .* (\([0-9]*\) transactions applied so far).*/\1/p' "$MIG_LOG")

if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_alive || check_fail "myshift exited: $(mig_log_tail 5)"
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: $KILLS kills, a source restart, KILLs of the dump thread and destination crashes: every transaction applied exactly once"
