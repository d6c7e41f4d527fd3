#!/usr/bin/env bash
# cutover_bench.sh: the write pause of `myshift cutover` under load, over
# several cutovers.
#
# A MariaDB 10.11 source (sysbench, 4 tables of 100,000 rows) is migrated
# by `myshift run` (start = snapshot).  sysbench oltp_write_only then
# writes on the source with 4 threads at 1,000 transactions/s, as an
# application account (DML privileges only; the read-only error 1290 it
# gets once fenced is ignored).  Each round: myshift run streams until
# caught up, `myshift cutover` fences the source, waits for the
# destination's last write, compares the last 1,000 rows changed on both
# servers (the quick verify, [cutover] verify_rows at its default),
# records it and stops the run, and reports the write pause (fence to
# record) and the quick verify's share of it; then the source is made writable again
# and myshift run resumes from its checkpoint for the next round.  At the
# end the load stops and every table must be identical.  Prints
#
#   cutover: write pause median N ms, worst N ms over R cutovers
#       (targets: median < 1000 ms, worst < 2000 ms)
#
# Environment: CUTOVER_BENCH_ROUNDS (default 10), CUTOVER_BENCH_RATE
# (default 1000).  Exit status: 0 when measured, 1 on an error, 77 if
# sysbench is missing.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=$top
. "$top/tests/bench/lib.sh"
MYSHIFT=$(find_binary myshift MYSHIFT 1) || exit 1
. "$top/tests/lib/migrate.sh"

ROUNDS=${CUTOVER_BENCH_ROUNDS:-10}
RATE=${CUTOVER_BENCH_RATE:-1000}
need_positive "$ROUNDS" CUTOVER_BENCH_ROUNDS
need_positive "$RATE" CUTOVER_BENCH_RATE

bench_init cutover-bench sb_pid
mig_require_sysbench
srv_is_mysql src && skip "cutover_bench runs on MariaDB 10.11"
mig_source src
mig_dest dst
srv_sql src "SET sql_log_bin = 0; GRANT ALL ON *.* TO '$MIG_REPL_USER'@'127.0.0.1';
    CREATE USER app@localhost IDENTIFIED BY 'App-bench1';
    GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO app@localhost" ||
    fail "cannot create the accounts"
print_load
srv_sql src "CREATE DATABASE shop" || fail "cannot create shop"
mig_sysbench src shop --tables=4 --table-size=100000 prepare >/dev/null ||
    fail "sysbench prepare failed"

SP=$(_srv_pick_port)
mig_config "$work/myshift.ini" src dst snapshot "[status]
listen = 127.0.0.1:$SP"
mig_start "$work/myshift.ini" "$work/myshift.log"
wait_until -t 300 log_contains "$work/myshift.log" 'phase: streaming' ||
    fail "myshift did not reach the streaming phase"

mig_sysbench_cmd src shop
MIG_SB=("${MIG_SB[@]/--mysql-user=root/--mysql-user=app}" --mysql-password=App-bench1)
"${MIG_SB[@]}" --tables=4 --table-size=100000 --threads=4 --rate="$RATE" --time=3600 \
    --mysql-ignore-errors=1290 run >"$work/sysbench.log" 2>&1 &
sb_pid=$!
echo "sysbench oltp_write_only, 4 threads at $RATE trx/s; $ROUNDS cutovers"

pauses=()
for r in $(seq 1 "$ROUNDS"); do
	[ -n "$MIG_PID" ] || mig_start "$work/myshift.ini" "$work/myshift.log"
	sleep 3
	out=$("$MYSHIFT" cutover -c "$work/myshift.ini" 2>&1)
	rc=$?
	[ "$rc" = 0 ] || { echo "$out" >&2; fail "cutover $r exited $rc"; }
	[[ $out =~ write\ pause\ ([0-9]+)\ ms ]] || fail "cutover $r reported no write pause"
	pauses+=("${BASH_REMATCH[1]}")
	p=${BASH_REMATCH[1]}
	[[ $out =~ quick\ verify:\ the\ ([0-9]+)\ rows\ changed\ last\ are\ identical\ on\ both\ servers\ \(([0-9]+)\ ms\) ]] ||
	    fail "cutover $r reported no quick verify: $out"
	echo "  cutover $r: write pause $p ms (of which the quick verify of ${BASH_REMATCH[1]} rows ${BASH_REMATCH[2]} ms)"
	mig_wait_exit 60 || fail "myshift run did not stop after cutover $r"
	[ "$MIG_RC" = 0 ] || fail "myshift run exited $MIG_RC after cutover $r"
	srv_sql src "SET GLOBAL read_only = OFF" || fail "cannot unfence the source"
done
kill "$sb_pid" 2>/dev/null
wait "$sb_pid" 2>/dev/null
sb_pid=
mig_start "$work/myshift.ini" "$work/myshift.log"
mig_wait_caught_up src dst 120 || fail "myshift did not catch up at the end"
mig_stop
mig_compare_db src dst shop || fail "shop differs at the end"

read -r med worst < <(printf '%s\n' "${pauses[@]}" | sort -n |
    awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	print m, v[NR] }')
echo "cutover: write pause median $med ms, worst $worst ms over $ROUNDS cutovers" \
    "(targets: median < 1000 ms, worst < 2000 ms)"
exit 0
