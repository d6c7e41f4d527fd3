#!/usr/bin/env bash
# apply_bench.sh: how fast myshift run replays a backlog of sysbench
# transactions onto a destination, against MariaDB's own replica (one
# thread, and four optimistic parallel threads), all timed in this run.
#
# Usage: tests/bench/apply_bench.sh
#        MYSHIFT_PAIR=mysql-9.7:mysql-9.7 tests/bench/apply_bench.sh
#
# The flavour pair comes from MYSHIFT_PAIR (tests/lib/servers.sh; default
# MariaDB 10.11); both sides must be one flavour.  On MySQL the native
# replica is MySQL's (see below) and the backlog defaults to 40,000
# transactions; everything else is the same.
#
# The backlog (generated once, then cached like decode_bench.sh's binlog):
# a scratch source server (ROW, FULL images) gets sysbench oltp_write_only
# prepare (4 tables of 100,000 rows by default); it is shut down and its
# datadir copied: that copy is the initial state of every destination.  It
# is started again (a new binlog file: the backlog starts there), then
# sysbench oltp_write_only runs 80,000 transactions with 4 threads.  The
# source's start and end positions, the number of transactions between them
# (GTID sequence numbers) and CHECKSUM TABLE of every sbtest table at the end
# are kept with the binlog files of the backlog and the datadir copy.
#
# Each round then replays the same backlog, served by a scratch source that
# holds the cached binlog files, onto a fresh destination (the datadir copy
# restored; binlog off, innodb_flush_log_at_trx_commit=2, 256 MB buffer
# pool; identical for every method), with:
#
#   myshift      myshift run, [replication] start = the position after the
#                prepare; timed from its launch until its checkpoint row
#                (myshift.checkpoint) reaches the end position, then stopped
#                with SIGTERM (it must exit 0)
#   native 1     CHANGE MASTER TO ... MASTER_LOG_FILE/POS = the same
#                position, slave_parallel_threads=0; timed from START SLAVE
#                until MASTER_POS_WAIT(end) returns (Exec_Master_Log_Pos
#                reaches the end)
#   native 4     the same with slave_parallel_threads=4,
#                slave_parallel_mode=optimistic
#
# and each run's destination must end equal to the source (CHECKSUM TABLE of
# every sbtest table; myshift's checkpoint must also count every
# transaction), so that a broken applier cannot look fast.  The waits run
# inside the destination server (a compound statement polling the
# checkpoint every 10 ms, MASTER_POS_WAIT; on MySQL a stored procedure in
# the schema bench_wait, SOURCE_POS_WAIT), so the timing costs no
# client processes.  The best of the rounds is printed as
#
#   apply: myshift N trx/s, native 1 thread N trx/s (ratio R, target >= 1.0),
#       native 4 optimistic N trx/s (ratio R)
#
# with the CPU seconds that myshift, the destination server and the source
# server used in each run (and for myshift, the destination commits it made,
# from its GET /status), and per 1000 transactions (the least of the
# rounds; on 2 shared cores, CPU is the steadier figure).  Rounds run the
# methods in alternating order.
#
# On MySQL: CHANGE REPLICATION SOURCE TO ... SOURCE_LOG_FILE/POS,
# SOURCE_AUTO_POSITION=0, GET_SOURCE_PUBLIC_KEY=1 (gtid_mode is ON on both
# sides; the destination's datadir copy carries the source's GTIDs of the
# prepare, the replica applies those of the backlog), timed from START
# REPLICA until SOURCE_POS_WAIT(end) returns; "native 1 worker" with
# replica_parallel_workers=1 (9.7 takes 0 as 1: a coordinator and one
# worker), "native 4 workers" with 4, MySQL's default (WRITESET
# dependencies, the only kind 9.7 has, and replica_preserve_commit_order
# ON).  The target there is myshift >= native 4 workers, printed as
#
#   apply: myshift N trx/s, native 1 worker N trx/s (ratio R),
#       native 4 workers N trx/s (ratio R, target >= 1.0)
#
# Environment:
#   MYSHIFT              the binary to measure (default build/debug/myshift,
#                        then ./myshift); a -O0 or sanitizer build is
#                        replaced by an -O2 build of this tree in build/release
#   MYSHIFT_PAIR         SRC:DST flavours, one flavour on both sides
#                        (default mariadb-10.11:mariadb-10.11)
#   APPLY_BENCH_TRX      transactions in the backlog (default 80000; 40000
#                        on MySQL)
#   APPLY_BENCH_TABLES   sysbench tables (default 4)
#   APPLY_BENCH_ROWS     rows per table (default 100000)
#   APPLY_BENCH_RUNS     rounds; the best of each method counts (default 2)
#   APPLY_BENCH_VARIANTS more myshift runs per round with [apply] settings,
#                        ';' between variants, ',' between key=value pairs,
#                        e.g. "batch_transactions=1000;batch_wait_ms=0,batch_bytes=32M"
#   APPLY_BENCH_NATIVE=0 skip the native replica (myshift runs only)
#   APPLY_BENCH_PERF=DIR one more, untimed myshift run under
#                        perf record -a -g, reported for myshift and the
#                        destination server;
#                        perf.data and a report (perf.txt) are left in DIR and
#                        the top symbols printed
#   APPLY_BENCH_PERF_SETTINGS  [apply] settings of that run, as one variant
#   APPLY_BENCH_PERF_CALLGRAPH perf's --call-graph (default fp; dwarf finds
#                        callers through the -O2 code, with a larger perf.data)
#   APPLY_BENCH_TIMEOUT  seconds one replay may take (default 1800)
#   APPLY_BENCH_CACHE    where generated backlogs are kept (default
#                        build/bench-cache)
#   APPLY_BENCH_FRESH=1  generate a new backlog even if one is cached
#
# Exit status: 0 when measured (also if the target is missed), 1 on an
# error (a failed build, server, sysbench; myshift or a replica that stops
# with an error, does not reach the end, exits non-zero on SIGTERM, or
# leaves a destination that differs from the source), 77 if sysbench or
# MariaDB is not installed.

# shellcheck disable=SC2154 # NAME_PORT, NAME_PID, ... are set by srv_start
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"	# find_binary, bench_fill_cache, serve_cached, ...; fail, skip, srv_*

# The flavour pair (tests/lib/servers.sh): MYSHIFT_PAIR=SRC:DST, default
# mariadb-10.11:mariadb-10.11.  Every destination starts from a copy of the
# source's datadir, so both must be the same flavour.
flavour=$(srv_flavour src)
[ "$flavour" = "$(srv_flavour dst)" ] ||
    skip "apply_bench.sh needs one flavour on both sides (the destinations start" \
    "from a copy of the source's datadir), not $flavour -> $(srv_flavour dst)"
mysql=0
srv_is_mysql src && mysql=1
# MySQL: a smaller default backlog keeps the run within about 5 minutes here.
ntrx_default=80000
[ "$mysql" = 0 ] || ntrx_default=40000
ntrx=${APPLY_BENCH_TRX:-$ntrx_default}
ntables=${APPLY_BENCH_TABLES:-4}
nrows=${APPLY_BENCH_ROWS:-100000}
runs=${APPLY_BENCH_RUNS:-2}
variants=${APPLY_BENCH_VARIANTS:-}
native=${APPLY_BENCH_NATIVE:-1}
perf_dir=${APPLY_BENCH_PERF:-}
timeout=${APPLY_BENCH_TIMEOUT:-1800}
cache_root=${APPLY_BENCH_CACHE:-$top/build/bench-cache}
target_ratio=1.0
# Bump when the workload changes, so that old cached backlogs are not reused.
workload=sbwo-apply2
BENCH_PW='Apply-bench_pw1'

for v in ntrx ntables nrows runs timeout; do
	need_positive "${!v}" "$v (APPLY_BENCH_*)"
done

# $work; on exit stops perf, myshift, sysbench (their pids) and servers.
bench_init apply-bench perf_pid ms_pid sb_pid
perf_pids=
ms_perf_pid=

# Print the seconds from $1 to $2 ($EPOCHREALTIME values).
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

# Print the larger of two rates; an empty second one counts as zero.
max_rate() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 > b + 0) ? a : b }'
}

# Print the CPU time (user + system) of process PID in seconds, 0 if gone.
cpu_of() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	# fields after "(comm)": state is 3rd, utime 14th, stime 15th of the line
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' <<<"$s"
}

# Print the option giving server NAME a tmpdir of its own (created here,
# under the scratch dir): other jobs on the machine clean /tmp, and the
# server's temporary files (information_schema queries) went with it.
# A chrooted server (not MariaDB 10.11) has one already, in its dir inside
# the root: nothing is printed.
tmp_opt() {
	[ "$flavour" = mariadb-10.11 ] || return 0
	mkdir -p "$SRV_ROOT/tmp-$1" || fail "cannot create $SRV_ROOT/tmp-$1"
	echo "--tmpdir=$SRV_ROOT/tmp-$1"
}

# The source's options.  Its binlog files keep servers.sh's dashed base
# name (src-bin.000003): a dashed FILE:POS start is what users write.
src_opts() {
	tmp_opt src
}

# Print "FILE POS" of server NAME's binlog end (MySQL 8.4 removed SHOW
# MASTER STATUS).
# shellcheck disable=SC2317 # used by generate (called by bench_fill_cache)
master_pos() {
	local sql="SHOW MASTER STATUS"
	[ "$mysql" = 0 ] || sql="SHOW BINARY LOG STATUS"
	srv_sql "$1" "$sql" | awk 'NR == 1 { print $1, $2 }'
}

# Print server NAME's GTID position: MariaDB's @@gtid_binlog_pos
# (domain-server-seq), MySQL's @@gtid_executed (UUID:1-N; the client
# prints the newline after each comma as \n, removed here).
# shellcheck disable=SC2317 # used by generate (called by bench_fill_cache)
gtid_pos() {
	if [ "$mysql" = 0 ]; then
		srv_sql "$1" "SELECT @@gtid_binlog_pos"
	else
		srv_sql "$1" "SELECT @@gtid_executed" | sed 's/\\n//g; s/[[:space:]]//g'
	fi
}

# Print how many transactions server NAME committed between its GTID
# positions $2 and $3 (gtid_pos): domain 0's sequence numbers on MariaDB,
# the GTIDs of GTID_SUBTRACT($3, $2) on MySQL.
# shellcheck disable=SC2317 # used by generate (called by bench_fill_cache)
gtid_count() {
	if [ "$mysql" = 0 ]; then
		echo $(($(gtid_seq "$3") - $(gtid_seq "$2")))
		return
	fi
	srv_sql "$1" "SELECT GTID_SUBTRACT('$3', '$2')" | sed 's/\\n//g; s/[[:space:]]//g' |
	    awk '{ n = 0; ns = split($0, sets, ",")
		for (i = 1; i <= ns; i++) {
		    ni = split(sets[i], iv, ":")
		    for (j = 2; j <= ni; j++) {
			if (split(iv[j], ab, "-") == 2) n += ab[2] - ab[1] + 1
			else n++
		    }
		}
		print n }'
}

# Print the sequence number of the GTID of domain 0 in GTID position $1.
# shellcheck disable=SC2317 # used by generate (called by bench_fill_cache)
gtid_seq() {
	awk -v g="$1" 'BEGIN {
	    n = split(g, a, ",")
	    for (i = 1; i <= n; i++) { split(a[i], p, "-"); if (p[1] == "0") s = p[3] }
	    print s + 0 }'
}

# CHECKSUM TABLE of every sbtest table of server NAME, one "table sum" a line.
checksums() {
	local list="" i
	for i in $(seq 1 "$ntables"); do
		list+="${list:+,}sbtest.sbtest$i"
	done
	srv_sql "$1" "CHECKSUM TABLE $list"
}

# Write the backlog into directory $1: the source's datadir after the
# sysbench prepare (datadir/), the binlog files from the position after it
# (files), positions and transaction count (backlog), CHECKSUM TABLE at the
# end (checksums), time taken (generate_seconds).
# shellcheck disable=SC2317 # called by bench_fill_cache
generate() {
	local out=$1 t0 sb log f p p2 gtid0 gtid1 ef ep n files opts started=0
	command -v sysbench >/dev/null || skip "sysbench is not installed (apt-get install sysbench)"
	t0=$SECONDS
	srv_scratch
	# Not durable, so that generating is quick: its speed is not measured.
	mapfile -t opts < <(src_opts)
	srv_start src "${opts[@]}" --max_binlog_size=100M \
	    --innodb_flush_log_at_trx_commit=0 --innodb_buffer_pool_size=256M
	log=$out/sysbench.log
	sb_prepare src "$ntables" "$nrows" "$log"
	# The destinations' initial state: the datadir after a clean shutdown.
	srv_stop src
	cp -a "$src_DATADIR" "$out/datadir" || fail "cannot copy the datadir"
	# MySQL: without its auto.cnf each destination makes a server_uuid of
	# its own (a replica refuses its source's).  The copy keeps the
	# source's gtid_executed of the prepare (mysql.gtid_executed), so the
	# native replica applies exactly the GTIDs of the backlog.
	rm -f "$out/datadir/auto.cnf"
	srv_restart src		# opens a new binlog file: the backlog's first
	read -r f p < <(master_pos src)
	[ -n "$p" ] || fail "no binlog position on the source"
	gtid0=$(gtid_pos src)
	"${sb[@]}" --threads=4 --events="$ntrx" --time=0 --report-interval=10 \
	    run >>"$log" 2>&1 &
	sb_pid=$!
	wait "$sb_pid" || { sb_pid=; tail -n 20 "$log" >&2; fail "sysbench run failed"; }
	sb_pid=
	read -r ef ep < <(master_pos src)
	gtid1=$(gtid_pos src)
	n=$(gtid_count src "$gtid0" "$gtid1")
	[ "$n" -ge "$ntrx" ] ||
	    fail "the backlog has $n transactions (GTIDs $gtid0 to $gtid1), expected $ntrx"
	checksums src >"$out/checksums" || fail "CHECKSUM TABLE failed on the source"
	srv_stop src
	files=()
	while read -r p2; do
		[ "${p2##*/}" = "$f" ] && started=1
		[ "$started" = 1 ] && files+=("$p2")
	done < <(srv_binlogs src)
	[ ${#files[@]} -gt 0 ] || fail "binlog $f is not in the source's index"
	cp "${files[@]}" "$out/" || fail "cannot copy the binlog"
	printf '%s\n' "${files[@]##*/}" >"$out/files"
	echo "$f $p $ef $ep $n" >"$out/backlog"
	[ "$mysql" = 0 ] || echo "$gtid1" >"$out/gtid_executed"
	echo $((SECONDS - t0)) >"$out/generate_seconds"
	srv_cleanup_all
}

# Give the destination a fresh copy of the initial datadir and start it.
dst_restore() {
	srv_stop dst
	rm -rf "$dst_DATADIR" || fail "cannot remove $dst_DATADIR"
	cp -a "$cache/datadir" "$dst_DATADIR" || fail "cannot restore the destination's datadir"
	srv_restart dst
	srv_sql dst "CREATE USER IF NOT EXISTS bench@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
	    GRANT ALL ON *.* TO bench@'127.0.0.1'" || fail "cannot create the destination user"
	# MySQL has no anonymous compound statement: the wait loop is a
	# procedure in a schema of its own, created before the timing starts.
	if [ "$mysql" = 1 ]; then
		srv_sql dst - <<-EOF || fail "cannot create the wait procedure on the destination"
		CREATE DATABASE bench_wait;
		DELIMITER //
		CREATE PROCEDURE bench_wait.checkpoint_reached()
		BEGIN
		$(wait_body)
		END//
		EOF
	fi
}

# Print the body of the compound statement that waits until myshift's
# checkpoint table appears, then its row reaches the end position (file
# names compare in order: same base name, six digits), and selects the
# transactions it counts.
wait_body() {
	cat <<-EOF
	  DECLARE t0 DOUBLE DEFAULT UNIX_TIMESTAMP(NOW(6));
	  WHILE (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'myshift'
	      AND TABLE_NAME = 'checkpoint') = 0 AND UNIX_TIMESTAMP(NOW(6)) - t0 < $timeout DO
	    DO SLEEP(0.01);
	  END WHILE;
	  WHILE NOT EXISTS (SELECT 1 FROM myshift.checkpoint WHERE id = 1 AND (source_file > '$end_file'
	      OR (source_file = '$end_file' AND source_pos >= $end_pos)))
	      AND UNIX_TIMESTAMP(NOW(6)) - t0 < $timeout DO
	    DO SLEEP(0.01);
	  END WHILE;
	  SELECT transactions FROM myshift.checkpoint WHERE id = 1 AND (source_file > '$end_file'
	      OR (source_file = '$end_file' AND source_pos >= $end_pos));
	EOF
}

# Fail unless the destination's tables equal the source's at the end.
check_dst() {
	local what=$1
	checksums dst >"$work/dst.sums" || fail "$what: CHECKSUM TABLE failed on the destination"
	if ! cmp -s "$work/dst.sums" "$cache/checksums"; then
		diff "$cache/checksums" "$work/dst.sums" | sed 's/^/  /' >&2
		fail "$what: the destination differs from the source (CHECKSUM TABLE; < source, > destination)"
	fi
}

# Print the destination commits myshift made, from its GET /status
# ([status] listen), or nothing if it does not answer.
status_commits() {
	local reply
	reply=$(exec 3<>"/dev/tcp/127.0.0.1/$status_port" &&
	    printf 'GET /status HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 &&
	    timeout 5 cat <&3) 2>/dev/null
	[[ $reply =~ \"commits\":\ *([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# Set $cpu_total (seconds) and $cpu ("myshift M s, destination D s,
# source S s") from myshift's CPU time $1 (empty: none) and the servers'
# CPU times $2, $3 when the replay started.
cpu_report() {
	local d s
	d=$(awk -v a="$(cpu_of "$dst_PID")" -v b="$2" 'BEGIN { printf "%.2f", a - b }')
	s=$(awk -v a="$(cpu_of "$src_PID")" -v b="$3" 'BEGIN { printf "%.2f", a - b }')
	cpu_total=$(awk -v a="${1:-0}" -v b="$d" -v c="$s" 'BEGIN { printf "%.2f", a + b + c }')
	cpu="${1:+myshift $1 s, }destination $d s, source $s s"
}

# Run one myshift replay with [apply] overrides $1 ("k=v,k=v"); set
# $secs, $cpu and $cpu_total.
# With $2 = perf, run it under perf record instead (untimed).
run_myshift() {
	local over=$1 mode=${2:-} ini=$work/myshift.ini t0 t1 rc c_ms c_d0 c_s0 got kv p w_pid done_pid
	{
		printf '[source]\nhost = 127.0.0.1\nport = %s\nuser = bench\n%s' "$src_PORT" "$conn_opts"
		printf '[destination]\nhost = 127.0.0.1\nport = %s\nuser = bench\n%s' "$dst_PORT" "$conn_opts"
		printf '[replication]\nserver_id = 4242\nstart = %s:%s\n' "$start_file" "$start_pos"
		printf '[apply]\n'
		IFS=, read -ra kv <<<"$over"
		for p in "${kv[@]}"; do
			[ -n "$p" ] && printf '%s = %s\n' "${p%%=*}" "${p#*=}"
		done
		printf '[status]\ninterval = 5\nlisten = 127.0.0.1:%s\n' "$status_port"
		printf '[log]\nfile = %s\n' "$work/myshift.log"
	} >"$ini"
	: >"$work/myshift.log"
	c_d0=$(cpu_of "$dst_PID")
	c_s0=$(cpu_of "$src_PID")
	t0=$EPOCHREALTIME
	MYSHIFT_SOURCE_PASSWORD=$BENCH_PW MYSHIFT_DESTINATION_PASSWORD=$BENCH_PW \
	    "$bin" run -c "$ini" 2>"$work/myshift.err" &
	ms_pid=$!
	if [ "$mode" = perf ]; then
		# System-wide, reported for these two processes only: perf -p
		# misses the threads started after it attached (the applier's
		# and the server's connection threads).
		perf record -q -a --call-graph "${APPLY_BENCH_PERF_CALLGRAPH:-fp}" -F 499 \
		    -o "$perf_dir/perf.data" \
		    >"$perf_dir/perf-record.log" 2>&1 &
		perf_pid=$!
		perf_pids=$ms_pid,$dst_PID
		ms_perf_pid=$ms_pid
	fi
	# Wait inside the server (wait_body): MariaDB runs it as an anonymous
	# compound statement, MySQL as the procedure dst_restore created.
	if [ "$mysql" = 0 ]; then
		srv_sql dst - >"$work/wait.out" 2>&1 <<-EOF &
		DELIMITER //
		BEGIN NOT ATOMIC
		$(wait_body)
		END//
		EOF
	else
		srv_sql dst "CALL bench_wait.checkpoint_reached()" >"$work/wait.out" 2>&1 &
	fi
	w_pid=$!
	wait -n -p done_pid "$ms_pid" "$w_pid"
	rc=$?
	t1=$EPOCHREALTIME
	if [ "$done_pid" = "$ms_pid" ]; then
		ms_pid=
		kill "$w_pid" 2>/dev/null
		wait "$w_pid" 2>/dev/null
		tail -n 20 "$work/myshift.log" "$work/myshift.err" >&2
		fail "myshift exited with status $rc before reaching $end_file:$end_pos"
	fi
	c_ms=$(cpu_of "$ms_pid")
	secs=$(elapsed "$t0" "$t1")
	cpu_report "$c_ms" "$c_d0" "$c_s0"
	commits=$(status_commits)
	[ -z "$commits" ] || cpu="$cpu; $commits destination commits"
	if [ -n "$perf_pid" ]; then
		kill -INT "$perf_pid"
		wait "$perf_pid"
		perf_pid=
	fi
	kill -TERM "$ms_pid"
	wait "$ms_pid"
	rc=$?
	ms_pid=
	if [ $rc -ne 0 ]; then
		tail -n 20 "$work/myshift.log" "$work/myshift.err" >&2
		fail "myshift exited with status $rc on SIGTERM (expected 0)"
	fi
	got=$(cat "$work/wait.out")
	if ! [[ $got =~ ^[0-9]+$ ]]; then
		tail -n 20 "$work/myshift.log" "$work/myshift.err" >&2
		fail "myshift did not reach $end_file:$end_pos in ${timeout}s: $got"
	fi
	# The count also takes in the groups of one standalone event
	# (Gtid_list, Binlog_checkpoint, Format_description, Rotate): a few
	# per binlog file.
	if [ "$got" -lt "$backlog_trx" ] || [ "$got" -gt $((backlog_trx + 8 * ${#cfiles[@]} + 8)) ]; then
		fail "myshift's checkpoint counts $got transactions, the backlog has $backlog_trx"
	fi
	check_dst "myshift${over:+ [$over]}"
}

# One native replica replay with N parallel threads in MODE; set $secs,
# $cpu and $cpu_total.  MySQL (MODE ignored): N replica_parallel_workers,
# its only dependency tracking (WRITESET on the source), commit order
# preserved (replica_preserve_commit_order, its default).
run_native() {
	local n=$1 mode=$2 t0 t1 got st c_d0 c_s0 what="$1 threads, $2"
	if [ "$mysql" = 0 ]; then
		srv_sql dst "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $src_PORT,
		    MASTER_USER = 'bench', MASTER_PASSWORD = '$BENCH_PW',
		    MASTER_LOG_FILE = '$start_file', MASTER_LOG_POS = $start_pos, MASTER_USE_GTID = no;
		    SET GLOBAL slave_parallel_threads = $n, slave_parallel_mode = '$mode'" ||
		    fail "CHANGE MASTER failed"
	else
		what="$n workers"
		# By file position: the source serves the cached files, whose
		# GTIDs the destination's copy does not have yet.
		srv_sql dst "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1',
		    SOURCE_PORT = $src_PORT, SOURCE_USER = 'bench', SOURCE_PASSWORD = '$BENCH_PW',
		    SOURCE_LOG_FILE = '$start_file', SOURCE_LOG_POS = $start_pos,
		    SOURCE_AUTO_POSITION = 0, GET_SOURCE_PUBLIC_KEY = 1;
		    SET GLOBAL replica_parallel_workers = $n, replica_preserve_commit_order = ON" ||
		    fail "CHANGE REPLICATION SOURCE failed"
	fi
	c_d0=$(cpu_of "$dst_PID")
	c_s0=$(cpu_of "$src_PID")
	t0=$EPOCHREALTIME
	if [ "$mysql" = 0 ]; then
		got=$(srv_sql dst "START SLAVE;
		    SELECT IFNULL(MASTER_POS_WAIT('$end_file', $end_pos, $timeout), 'NULL')" 2>&1)
	else
		got=$(srv_sql dst "START REPLICA;
		    SELECT IFNULL(SOURCE_POS_WAIT('$end_file', $end_pos, $timeout), 'NULL')" 2>&1)
	fi
	t1=$EPOCHREALTIME
	secs=$(elapsed "$t0" "$t1")
	cpu_report "" "$c_d0" "$c_s0"
	if [ "$mysql" = 0 ]; then
		st=$(srv_sql dst "SHOW SLAVE STATUS\G" --skip-column-names 2>&1 |
		    grep -E 'Last_(IO|SQL)_Err(no|or):|Exec_Master_Log_Pos:|Relay_Master_Log_File:')
	else
		st=$(srv_sql dst "SHOW REPLICA STATUS\G" --skip-column-names 2>&1 |
		    grep -E 'Last_(IO|SQL)_Err(no|or):|Exec_Source_Log_Pos:|Relay_Source_Log_File:')
	fi
	if ! [[ $got =~ ^[0-9]+$ ]]; then
		echo "$st" >&2
		fail "native replica ($what) did not reach $end_file:$end_pos: $got"
	fi
	if [ "$mysql" = 0 ]; then
		srv_sql dst "STOP SLAVE" || fail "STOP SLAVE failed"
	else
		srv_sql dst "STOP REPLICA" || fail "STOP REPLICA failed"
	fi
	check_dst "native replica ($what)"
}

bin=$(find_binary myshift MYSHIFT 1) || exit 1
# A private copy: a rebuild during the benchmark does not change what is measured.
cp "$bin" "$work/myshift" || fail "cannot copy $bin"
bin_name=$bin
bin=$work/myshift
srv_require
[ -z "$perf_dir" ] || command -v perf >/dev/null ||
    fail "APPLY_BENCH_PERF is set but perf is not installed (apt-get install linux-perf)"

# The key names the flavour, except MariaDB 10.11's (its backlogs predate
# the other flavours).
cache=$cache_root/$workload
[ "$flavour" = mariadb-10.11 ] || cache+=-$flavour
cache+=-t${ntables}x${nrows}-n${ntrx}
bench_fill_cache "$cache" backlog "${APPLY_BENCH_FRESH:-0}" \
    "generating a backlog of $ntrx sysbench transactions into $cache ..." generate
read -r start_file start_pos end_file end_pos backlog_trx <"$cache/backlog"
cached_binlogs "$cache" src		# $cfiles

# The source: a scratch server whose binlog is the cached backlog (it
# opens one more, small file after them).  Its account has what
# myshift(1) asks for.
srv_scratch
mapfile -t opts < <(src_opts)
serve_cached src "$cache" "${opts[@]}"
srv_sql src "SET sql_log_bin=0;
    CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO bench@'127.0.0.1'" ||
    fail "cannot create the replication user"
check_served src "the source"
# MySQL: the served files' GTIDs are the source's (it read them at start),
# as on the server that wrote them.
if [ "$mysql" = 1 ]; then
	[ "$(srv_sql src "SELECT GTID_SUBSET('$(cat "$cache/gtid_executed")', @@gtid_executed)")" = 1 ] ||
	    fail "the source's gtid_executed ($(gtid_pos src)) does not cover the cached" \
	    "binlog's GTIDs ($(cat "$cache/gtid_executed"))"
fi
sfiles=("${cfiles[@]/#/$src_BINLOG_DIR/}")
bytes=$(total_bytes "${sfiles[@]}")
cat "${sfiles[@]}" >/dev/null	# the source reads from the page cache

# myshift's status listener (the destination commits it made).
status_port=$(_srv_pick_port) || exit 1

# What differs on MySQL: myshift's connection settings (caching_sha2
# accounts, no TLS here), the native replica's threads and its names.  MySQL
# 9.7 takes replica_parallel_workers = 0 as 1 (a coordinator and one
# worker); 4 is its default, with WRITESET dependencies (the only kind
# 9.7 has: no binlog_transaction_dependency_tracking) and
# replica_preserve_commit_order = ON, its default.
conn_opts=
n1_threads=0
n1_label="native 1 thread"
n4_label="native 4 optimistic"
if [ "$mysql" = 1 ]; then
	conn_opts=$'ssl_mode = disabled\nget_server_public_key = true\n'
	n1_threads=1
	n1_label="native 1 worker"
	n4_label="native 4 workers"
fi

# The destination: the same settings for every method; no binlog (the
# native replica does not log what it applies without log_slave_updates).
mapfile -t opts < <(tmp_opt dst)
srv_start dst "${opts[@]}" --server-id=100 --skip-log-bin --innodb_buffer_pool_size=256M \
    --innodb_flush_log_at_trx_commit=2

echo "backlog: $backlog_trx transactions of sysbench oltp_write_only on $ntables tables" \
    "x $nrows rows, $start_file:$start_pos to $end_file:$end_pos," \
    "$(div "$bytes" 1000000 1) MB of binlog ($cache, $gen_note)"
echo "myshift: $bin_name"
if [ "$mysql" = 1 ]; then
	[ "$native" = 0 ] ||
	    echo "native replica: MySQL's, replica_parallel_workers = 1 (9.7 takes 0 as 1)" \
	    "and 4 (its default; WRITESET, replica_preserve_commit_order = ON)"
	[ -n "${APPLY_BENCH_TRX:-}" ] ||
	    echo "note: $ntrx transactions on MySQL (not 80000), to keep the run within about 5 minutes; APPLY_BENCH_TRX sets it"
fi
print_load

# The myshift settings measured: the defaults, then each variant.
var_list=()
IFS=';' read -ra vs <<<"$variants"
for v in "${vs[@]}"; do
	[ -z "$v" ] || var_list+=("$v")
done
methods=("ms:")
for v in "${var_list[@]}"; do
	methods+=("ms:$v")
done
[ "$native" = 1 ] && methods+=(n1 n4)

# Measure METHOD once on a fresh destination; keep its best rate and its
# least CPU.
measure() {
	local m=$1 label rate
	dst_restore
	case $m in
	n1)
		run_native "$n1_threads" conservative
		label=$n1_label
		;;
	n4)
		run_native 4 optimistic
		label=$n4_label
		;;
	*)
		run_myshift "${m#ms:}"
		label="myshift${m#ms:}"
		[ "$m" = "ms:" ] || label="myshift [${m#ms:}]"
		;;
	esac
	rate=$(div "$backlog_trx" "$secs" 0)
	best[$m]=$(max_rate "$rate" "${best[$m]:-}")
	least[$m]=$(min_time "$cpu_total" "${least[$m]:-}")
	echo "  run $r: $label $secs s, $rate trx/s (cpu: $cpu)"
}

# Rounds alternate the order of the methods, so that a busy spell of the
# machine does not always fall on the same one.
declare -A best least
for r in $(seq 1 "$runs"); do
	if [ $((r % 2)) = 1 ]; then
		for m in "${methods[@]}"; do measure "$m"; done
	else
		for ((i = ${#methods[@]} - 1; i >= 0; i--)); do measure "${methods[i]}"; done
	fi
done

if [ -n "$perf_dir" ]; then
	mkdir -p "$perf_dir" || fail "cannot create $perf_dir"
	perf_dir=$(realpath "$perf_dir")
	dst_restore
	run_myshift "${APPLY_BENCH_PERF_SETTINGS:-}" perf
	# Each process alone: its samples by the function they were in (self
	# time).  perf report's --pid with relative percentages misattributed
	# here; counting perf script's samples does not.
	perf report -i "$perf_dir/perf.data" --stdio --no-children --pid "$perf_pids" \
	    --sort pid,dso,symbol --percent-limit 0.5 >"$perf_dir/perf.txt" 2>/dev/null
	echo "perf (myshift${APPLY_BENCH_PERF_SETTINGS:+ [$APPLY_BENCH_PERF_SETTINGS]}" \
	    "and the destination server, self time; $perf_dir/perf.txt):"
	for p in ${perf_pids//,/ }; do
		perf script -i "$perf_dir/perf.data" --pid "$p" -F ip,sym,dso -G 2>/dev/null |
		    awk -v p="$p" 'NF >= 2 { $1 = ""; c[$0]++; t++ }
		    END {
			printf "process %s (%s): %d samples\n", p, p == pid_ms ? "myshift" : "destination server", t
			for (k in c) if (c[k] * 100 >= t) printf "%6.1f%% %s\n", c[k] * 100 / t, k
		    }' pid_ms="$ms_perf_pid" | { read -r head; echo "$head"; sort -rn | head -n 20; } |
		    tee "$perf_dir/perf-top-$p.txt" | sed 's/^/  /'
	done
fi

# Per 1000 transactions: CPU seconds of myshift + destination + source.
per_k() {
	div "$(awk -v c="$1" 'BEGIN { print c * 1000 }')" "$backlog_trx" 3
}

ms=${best["ms:"]}
if [ "$native" = 1 ] && [ "$mysql" = 1 ]; then
	# The target: MySQL's default replica (4 workers).
	echo "apply (best of $runs): myshift $ms trx/s, $n1_label ${best[n1]} trx/s" \
	    "(ratio $(div "$ms" "${best[n1]}" 2))," \
	    "$n4_label ${best[n4]} trx/s (ratio $(div "$ms" "${best[n4]}" 2), target >= $target_ratio)"
	echo "cpu per 1000 trx (least of $runs; myshift + destination + source):" \
	    "myshift $(per_k "${least["ms:"]}") s, $n1_label $(per_k "${least[n1]}") s" \
	    "(ratio $(div "${least[n1]}" "${least["ms:"]}" 2)), $n4_label" \
	    "$(per_k "${least[n4]}") s (ratio $(div "${least[n4]}" "${least["ms:"]}" 2))"
elif [ "$native" = 1 ]; then
	echo "apply (best of $runs): myshift $ms trx/s, native 1 thread ${best[n1]} trx/s" \
	    "(ratio $(div "$ms" "${best[n1]}" 2), target >= $target_ratio)," \
	    "native 4 optimistic ${best[n4]} trx/s (ratio $(div "$ms" "${best[n4]}" 2))"
	echo "cpu per 1000 trx (least of $runs; myshift + destination + source):" \
	    "myshift $(per_k "${least["ms:"]}") s, native 1 thread $(per_k "${least[n1]}") s" \
	    "(ratio $(div "${least[n1]}" "${least["ms:"]}" 2)), native 4 optimistic" \
	    "$(per_k "${least[n4]}") s (ratio $(div "${least[n4]}" "${least["ms:"]}" 2))"
else
	echo "apply (best of $runs): myshift $ms trx/s; cpu per 1000 trx $(per_k "${least["ms:"]}") s"
fi
for v in "${var_list[@]}"; do
	echo "  myshift [$v]: ${best["ms:$v"]} trx/s (ratio $(div "${best["ms:$v"]}" "$ms" 2)" \
	    "to the defaults${best[n1]:+, $(div "${best["ms:$v"]}" "${best[n1]}" 2) to $n1_label});" \
	    "cpu per 1000 trx $(per_k "${least["ms:$v"]}") s"
done
exit 0
