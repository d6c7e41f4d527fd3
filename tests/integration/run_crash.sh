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
# Meanwhile myshift is killed with SIGKILL 20 times, after random 0.2-2 s,
# and restarted each time at once.  Then the writes stop and myshift
# catches up; the checks:
#   - myshift's checkpoint equals SHOW MASTER STATUS of the source;
#   - every table identical (CHECKSUM TABLE and all rows in order, which
#     for crash.nokey counts every row with its multiplicity); also for
#     crash.nokey the count of every distinct row is compared, and crash.seq
#     holds as many rows as distinct n on both sides;
#   - the "transactions applied so far" that myshift reports at each
#     restart never goes down;
#   - myshift logged no ERROR, and exits 0 on SIGTERM.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench

KILLS=${KILLS:-20}
ERRORS=0
check_fail() {
	echo "FAIL: $*" >&2
	ERRORS=$((ERRORS + 1))
}

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

# writer: commit transactions into crash.* until $T/stop exists.
writer() {
	local k=0 a sql
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		k=$((k + 1))
		a=$((k % 5))
		if [ $((k % 60)) -eq 0 ]; then
			sql="INSERT INTO crash.seq (n, k) VALUES ($k, $k);
			    INSERT INTO crash.nokey SELECT seq % 7, REPEAT('big', 45), $k
			    FROM crash.seq_1_to_2000;"
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

mig_sysbench_cmd src sbtest
"${MIG_SB[@]}" --tables=2 --table-size=2000 --threads=1 --rate=20 \
    --time=0 --report-interval=0 run >"$T/sb.run" 2>&1 &
sb_pid=$!
writer &
writer_pid=$!

for i in $(seq 1 "$KILLS"); do
	ms=$((200 + RANDOM % 1801))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
	if ! mig_alive; then
		wait "$MIG_PID" 2>/dev/null
		fail "myshift exited by itself (status $?) before kill $i: $(mig_log_tail 5)"
	fi
	mig_kill
	mig_start "$CFG"
done
echo "killed and restarted myshift $KILLS times"

touch "$T/stop"
wait "$writer_pid"
writer_pid=
kill -TERM "$sb_pid" 2>/dev/null
wait "$sb_pid" 2>/dev/null
sb_pid=
echo "writes stopped: $(srv_sql src "SELECT COUNT(*) FROM crash.seq") sequence rows," \
    "$(srv_sql src "SELECT COUNT(*) FROM crash.nokey") keyless rows"
[ ! -s "$T/writer.err" ] || echo "writer errors: $(head -n 3 "$T/writer.err")"

mig_wait_caught_up src dst 300 || fail "myshift did not catch up after the kills"
pos_src=$(mig_position src)
pos_dst=$(mig_checkpoint dst)
[ "$pos_src" = "$pos_dst" ] ||
    check_fail "checkpoint '$pos_dst' differs from the source position '$pos_src'"

for db in crash sbtest; do
	mig_compare_db src dst "$db" || check_fail "database $db differs"
done
q="SELECT HEX(a), HEX(b), HEX(c), COUNT(*) FROM crash.nokey GROUP BY a, b, c ORDER BY a, b, c"
srv_sql src "$q" >"$T/nokey.src"
srv_sql dst "$q" >"$T/nokey.dst"
if ! cmp -s "$T/nokey.src" "$T/nokey.dst"; then
	check_fail "crash.nokey: counts per distinct row differ (< source, > destination):"
	mig_show_diff "$T/nokey.src" "$T/nokey.dst"
fi
q="SELECT COUNT(*), COUNT(DISTINCT n), MIN(n), MAX(n) FROM crash.seq"
a=$(srv_sql src "$q")
b=$(srv_sql dst "$q")
[ "$a" = "$b" ] || check_fail "crash.seq: count, distinct, min, max are '$a' on" \
    "the source, '$b' on the destination"

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
echo "PASS: $KILLS kills, every transaction applied exactly once"
