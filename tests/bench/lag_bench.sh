#!/usr/bin/env bash
# lag_bench.sh: how far behind myshift keeps a destination under a steady,
# rate-limited write load, against the native replica, both measured in
# this run the same way.
#
# Usage: tests/bench/lag_bench.sh
#        MYSHIFT_PAIR=mysql-9.7:mysql-9.7 tests/bench/lag_bench.sh
#
# Three scratch servers of one flavour (MYSHIFT_PAIR, tests/lib/servers.sh;
# default MariaDB 10.11): the source, myshift's destination (dst) and a
# native replica (dst2), both without a binlog, with the same settings
# (servers.sh's: innodb_flush_log_at_trx_commit=2).  Both follow the
# source from its first position: sysbench oltp_write_only prepare
# (LAG_BENCH_TABLES x LAG_BENCH_ROWS) reaches them through the stream.
# A MySQL source runs with innodb_log_writer_threads=ON: MySQL 9.7 comes
# up with its dedicated redo log threads off on this 2-CPU machine (8.4
# changed the default), and a source so configured, sharing the cores with
# the replicas, stops committing (and answering reads: the whole of InnoDB
# waits, the machine is idle) for 100-150 ms every 2-5 s, in both methods'
# windows: the source's own sampler (below) read a heartbeat 151.7 ms old
# at worst with them off and 53.2 ms with them on, in runs of 10 ms
# samples.  No replica can be faster than its source; these stalls are
# not replication lag, and they are not seen with a MySQL source alone.
# The replicas keep the server's defaults.
# The native replica runs with the server's defaults (MariaDB: one
# thread; MySQL: 4 workers, WRITESET, commit order preserved).
#
# Each method is then measured alone (the other one stopped, caught up
# again before it is measured next time):
#
#   - sysbench oltp_write_only, 4 threads, --rate=LAG_BENCH_RATE
#     transactions/s, runs on the source;
#   - a heartbeat row on the source (bench.hb) is set to NOW(6) every
#     50 ms by a stored procedure (each UPDATE its own transaction);
#   - after LAG_BENCH_WARMUP seconds, a procedure on the replica reads
#     TIMESTAMPDIFF(MICROSECOND, hb.ts, NOW(6)) every 100 ms for
#     LAG_BENCH_SECONDS, into a MEMORY table there: one lag sample each
#     (the servers share the host's clock; a replica with no lag at all
#     shows 0 to 50 ms, the heartbeat's age);
#   - the same sampler on the source itself, reading its own heartbeat
#     row: the floor of the measure (a heartbeat commit the source delays,
#     say on a slow binlog fsync, ages the row there as on any replica);
#   - the CPU time that myshift plus its destination server, or the
#     native replica's server, used over the same window.
#
# It prints, per method, p50 / p99 / max of the samples and the CPU
# seconds, then
#
#   lag: myshift p99 X ms, native p99 Y ms (ratio R, target <= 1.3 and
#       X < 100 ms); cpu myshift + destination C s, native N s (ratio Q,
#       target <= 1.0)
#
# At the end the load stops, both replicas catch up, and every sbtest
# table must be equal on all three servers (CHECKSUM TABLE), so that a
# broken applier cannot look fast.
#
# Environment:
#   MYSHIFT            the binary (default build/debug/myshift, then
#                      ./myshift; a -O0 or sanitizer build is replaced by
#                      an -O2 build of this tree)
#   MYSHIFT_PAIR       SRC:DST, one flavour (default mariadb-10.11:mariadb-10.11)
#   LAG_BENCH_RATE     sysbench transactions per second (default 1500)
#   LAG_BENCH_SECONDS  the measured window per method and round (default 30)
#   LAG_BENCH_WARMUP   seconds of load before it (default 5)
#   LAG_BENCH_RUNS     rounds, methods in alternating order; samples of
#                      all rounds pooled (default 1)
#   LAG_BENCH_TABLES   sysbench tables (default 4)
#   LAG_BENCH_ROWS     rows per table (default 10000)
#   LAG_BENCH_APPLY    myshift [apply] settings, "k=v,k=v" (default none)
#   LAG_BENCH_SAMPLE_S the samplers' period in seconds (default 0.1; 0.01
#                      with LAG_BENCH_SERIES shows when each heartbeat
#                      became visible on the source and on the replica)
#   LAG_BENCH_SRC_OPTS extra options of the source server (say
#                      --innodb-redo-log-capacity=536870912, or
#                      --innodb_log_writer_threads=OFF on MySQL)
#   LAG_BENCH_LOG_LEVEL  myshift's [log] level (default info; debug logs
#                      each batch open longer than 40 ms or committed more
#                      than 60 ms after its first transaction's source commit)
#   LAG_BENCH_SERIES   a path prefix: each method's samples in order (n,
#                      lag, when taken, the heartbeat read; the source's
#                      own, every window so far, as PREFIX-src-METHOD-ROUND;
#                      and myshift's log) are kept as PREFIX-METHOD-ROUND
#
# Exit status: 0 when measured (also if a target is missed), 1 on an
# error (a server, sysbench, myshift failing, a replica that does not catch
# up, tables that differ at the end), 77 if sysbench or the servers are
# not installed.

# shellcheck disable=SC2154 # NAME_PORT, NAME_PID, ... are set by srv_start
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"

flavour=$(srv_flavour src)
[ "$flavour" = "$(srv_flavour dst)" ] ||
    skip "lag_bench.sh compares with the native replica: one flavour on both sides," \
    "not $flavour -> $(srv_flavour dst)"
mysql=0
srv_is_mysql src && mysql=1
rate=${LAG_BENCH_RATE:-1500}
secs=${LAG_BENCH_SECONDS:-30}
warm=${LAG_BENCH_WARMUP:-5}
runs=${LAG_BENCH_RUNS:-1}
ntables=${LAG_BENCH_TABLES:-4}
nrows=${LAG_BENCH_ROWS:-10000}
apply=${LAG_BENCH_APPLY:-}
for v in rate secs warm runs ntables nrows; do
	need_positive "${!v}" "$v (LAG_BENCH_*)"
done
sample_s=${LAG_BENCH_SAMPLE_S:-0.1}
if ! [[ $sample_s =~ ^[0-9]*\.?[0-9]+$ ]] || ! awk -v s="$sample_s" 'BEGIN { exit !(s > 0) }'; then
	fail "LAG_BENCH_SAMPLE_S must be a positive number of seconds, not '$sample_s'"
fi
read -ra src_opts <<<"${LAG_BENCH_SRC_OPTS:-}"
# A MySQL source writes its redo log from threads of its own (see the
# header); LAG_BENCH_SRC_OPTS=--innodb_log_writer_threads=OFF measures with
# the server's default on this machine.
[ "$mysql" = 1 ] && src_opts=(--innodb_log_writer_threads=ON "${src_opts[@]}")
BENCH_PW='Lag-bench_pw1'
command -v sysbench >/dev/null || skip "sysbench is not installed (apt-get install sysbench)"

bench_init lag-bench ms_pid sb_pid hb_pid rd_pid rs_pid

# Print the CPU time (user + system) of process PID in seconds, 0 if gone.
cpu_of() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' <<<"$s"
}

# Print "FILE POS" of the source's binlog end.
src_pos() {
	local sql="SHOW MASTER STATUS"
	[ "$mysql" = 0 ] || sql="SHOW BINARY LOG STATUS"
	srv_sql src "$sql" | awk 'NR == 1 { print $1, $2 }'
}

bin=$(find_binary myshift MYSHIFT 1) || exit 1
cp "$bin" "$work/myshift" || fail "cannot copy $bin"
bin_name=$bin
bin=$work/myshift
srv_require
srv_scratch
srv_start src "${src_opts[@]}"
srv_start dst --skip-log-bin
srv_start dst2 --skip-log-bin
for s in src dst dst2; do
	srv_sql "$s" "SET sql_log_bin = 0;
	    CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
	    GRANT ALL ON *.* TO bench@'127.0.0.1'" || fail "cannot create the bench user on $s"
done
read -r start_file start_pos < <(src_pos)
[ -n "$start_pos" ] || fail "no binlog position on the source"

# The heartbeat: a table that replicates, and (not replicated) the
# procedure that beats it until a given time.
srv_sql src "CREATE DATABASE bench;
    CREATE TABLE bench.hb (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL);
    INSERT INTO bench.hb VALUES (1, NOW(6))" || fail "cannot create the heartbeat table"
srv_sql src - <<-EOF || fail "cannot create the heartbeat procedure"
	SET sql_log_bin = 0;
	CREATE DATABASE bench_beat;
	DELIMITER //
	CREATE PROCEDURE bench_beat.beat(seconds DOUBLE)
	BEGIN
	  DECLARE t_end DOUBLE DEFAULT UNIX_TIMESTAMP(NOW(6)) + seconds;
	  WHILE UNIX_TIMESTAMP(NOW(6)) < t_end DO
	    UPDATE bench.hb SET ts = NOW(6) WHERE id = 1;
	    DO SLEEP(0.05);
	  END WHILE;
	END//
	EOF
# The sampler on each replica, in a schema of its own there, and on the
# source itself (not replicated): the heartbeat's age where it is written
# is the floor of the measure (a commit the source delays shows there too).
for s in src dst dst2; do
	srv_sql "$s" - <<-EOF || fail "cannot create the sampler on $s"
	SET sql_log_bin = 0;
	CREATE DATABASE bench_lag;
	CREATE TABLE bench_lag.s (n INT AUTO_INCREMENT PRIMARY KEY, lag_us BIGINT,
	    at DATETIME(6), hb DATETIME(6)) ENGINE = MEMORY;
	DELIMITER //
	CREATE PROCEDURE bench_lag.sample(seconds DOUBLE)
	BEGIN
	  DECLARE t_end DOUBLE DEFAULT UNIX_TIMESTAMP(NOW(6)) + seconds;
	  WHILE UNIX_TIMESTAMP(NOW(6)) < t_end DO
	    INSERT INTO bench_lag.s (lag_us, at, hb)
	      SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)), NOW(6), ts FROM bench.hb WHERE id = 1;
	    DO SLEEP($sample_s);
	  END WHILE;
	END//
	EOF
done

log=$work/sysbench.log
sb_prepare src "$ntables" "$nrows" "$log"	# sets sb

# The native replica, from the first position.
if [ "$mysql" = 0 ]; then
	native_label="native replica (1 thread, the default)"
	srv_sql dst2 "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $src_PORT,
	    MASTER_USER = 'bench', MASTER_PASSWORD = '$BENCH_PW',
	    MASTER_LOG_FILE = '$start_file', MASTER_LOG_POS = $start_pos, MASTER_USE_GTID = no" ||
	    fail "CHANGE MASTER failed"
else
	native_label="native replica (4 workers, the default)"
	srv_sql dst2 "CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1',
	    SOURCE_PORT = $src_PORT, SOURCE_USER = 'bench', SOURCE_PASSWORD = '$BENCH_PW',
	    SOURCE_LOG_FILE = '$start_file', SOURCE_LOG_POS = $start_pos,
	    SOURCE_AUTO_POSITION = 0, GET_SOURCE_PUBLIC_KEY = 1" ||
	    fail "CHANGE REPLICATION SOURCE failed"
fi

conn_opts=
[ "$mysql" = 0 ] || conn_opts=$'ssl_mode = disabled\nget_server_public_key = true\n'
ini=$work/myshift.ini
{
	printf '[source]\nhost = 127.0.0.1\nport = %s\nuser = bench\n%s' "$src_PORT" "$conn_opts"
	printf '[destination]\nhost = 127.0.0.1\nport = %s\nuser = bench\n%s' "$dst_PORT" "$conn_opts"
	printf '[replication]\nserver_id = 4242\nstart = %s:%s\n' "$start_file" "$start_pos"
	printf '[apply]\n'
	IFS=, read -ra kv <<<"$apply"
	for p in "${kv[@]}"; do
		[ -n "$p" ] && printf '%s = %s\n' "${p%%=*}" "${p#*=}"
	done
	printf '[status]\ninterval = 5\n'
	printf '[log]\nfile = %s\nlevel = %s\n' "$work/myshift.log" "${LAG_BENCH_LOG_LEVEL:-info}"
} >"$ini"

# Start method M (ms, native) and wait until it has everything the source has.
start_method() {
	local f p t0=$SECONDS got
	read -r f p < <(src_pos)
	if [ "$1" = ms ]; then
		MYSHIFT_SOURCE_PASSWORD=$BENCH_PW MYSHIFT_DESTINATION_PASSWORD=$BENCH_PW \
		    "$bin" run -c "$ini" 2>>"$work/myshift.err" &
		ms_pid=$!
		while :; do
			kill -0 "$ms_pid" 2>/dev/null || {
				tail -n 20 "$work/myshift.log" "$work/myshift.err" >&2
				fail "myshift exited while catching up"
			}
			got=$(srv_sql dst "SELECT 1 FROM myshift.checkpoint WHERE id = 1 AND
			    (source_file > '$f' OR (source_file = '$f' AND source_pos >= $p))" 2>/dev/null)
			[ "$got" = 1 ] && break
			[ $((SECONDS - t0)) -lt 600 ] || fail "myshift did not reach $f:$p in 600 s"
			sleep 0.2
		done
	elif [ "$mysql" = 0 ]; then
		got=$(srv_sql dst2 "START SLAVE; SELECT IFNULL(MASTER_POS_WAIT('$f', $p, 600), 'NULL')")
		[[ $got =~ ^[0-9]+$ ]] || fail "the native replica did not reach $f:$p: $got"
	else
		got=$(srv_sql dst2 "START REPLICA; SELECT IFNULL(SOURCE_POS_WAIT('$f', $p, 600), 'NULL')")
		[[ $got =~ ^[0-9]+$ ]] || fail "the native replica did not reach $f:$p: $got"
	fi
}

stop_method() {
	local rc
	if [ "$1" = ms ]; then
		kill -TERM "$ms_pid"
		wait "$ms_pid"
		rc=$?
		ms_pid=
		[ "$rc" = 0 ] || { tail -n 20 "$work/myshift.log" >&2; fail "myshift exited $rc on SIGTERM"; }
	elif [ "$mysql" = 0 ]; then
		srv_sql dst2 "STOP SLAVE" || fail "STOP SLAVE failed"
	else
		srv_sql dst2 "STOP REPLICA" || fail "STOP REPLICA failed"
	fi
}

# Measure method M once: load, heartbeat, samples, CPU.
declare -A cpu tps
measure() {
	local m=$1 srv=dst2 c0 c1 p0 p1 q0 q1 rc t
	[ "$m" = ms ] && srv=dst
	start_method "$m"
	"${sb[@]}" --threads=4 --rate="$rate" --time=$((warm + secs + 2)) --report-interval=0 \
	    run >"$work/sb-$m.log" 2>&1 &
	sb_pid=$!
	srv_sql src "CALL bench_beat.beat($((warm + secs + 2)))" >"$work/beat.log" 2>&1 &
	hb_pid=$!
	sleep "$warm"
	c0=$(cpu_of "$(_srv_get "$srv" PID)")
	[ "$m" = ms ] && p0=$(cpu_of "$ms_pid")
	q0=$(srv_sql "$srv" "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{ print $2 }')
	srv_sql "$srv" "CALL bench_lag.sample($secs)" >"$work/sample.log" 2>&1 &
	rd_pid=$!
	srv_sql src "SET sql_log_bin = 0; CALL bench_lag.sample($secs)" >"$work/sample-src.log" 2>&1 &
	rs_pid=$!
	wait "$rd_pid" || { rd_pid=; cat "$work/sample.log" >&2; fail "the sampler failed on $srv"; }
	rd_pid=
	wait "$rs_pid" || { rs_pid=; cat "$work/sample-src.log" >&2; fail "the sampler failed on the source"; }
	rs_pid=
	c1=$(cpu_of "$(_srv_get "$srv" PID)")
	q1=$(srv_sql "$srv" "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{ print $2 }')
	if [ "$m" = ms ]; then
		p1=$(cpu_of "$ms_pid")
		cpu_p=$(awk -v a="${cpu_p:-0}" -v b="$p1" -v c="$p0" 'BEGIN { printf "%.2f", a + b - c }')
		c0=$(awk -v a="$c0" -v b="$p0" 'BEGIN { print a + b }')
		c1=$(awk -v a="$c1" -v b="$p1" 'BEGIN { print a + b }')
	fi
	wait "$sb_pid"
	rc=$?
	sb_pid=
	[ "$rc" = 0 ] || { tail -n 20 "$work/sb-$m.log" >&2; fail "sysbench failed"; }
	wait "$hb_pid" || { hb_pid=; cat "$work/beat.log" >&2; fail "the heartbeat failed"; }
	hb_pid=
	t=$(awk '/transactions:/ { gsub(/[(]/, "", $3); print $3 }' "$work/sb-$m.log")
	cpu[$m]=$(awk -v a="${cpu[$m]:-0}" -v b="$c1" -v c="$c0" 'BEGIN { printf "%.2f", a + b - c }')
	tps[$m]=$t
	echo "  round $r: ${label[$m]}: cpu $(awk -v b="$c1" -v c="$c0" 'BEGIN { printf "%.2f", b - c }') s" \
	    "over ${secs} s, sysbench ${t:-?} trx/s, $(((q1 - q0) / secs)) statements/s on the replica"
	# myshift's last progress line: its commits and how long a batch stays open
	[ "$m" != ms ] || grep 'applied .* commits' "$work/myshift.log" | tail -n 1 | sed 's/^/    /'
	if [ -n "${LAG_BENCH_SERIES:-}" ]; then
		srv_sql "$srv" "SELECT n, lag_us, at, hb FROM bench_lag.s ORDER BY n" >"$LAG_BENCH_SERIES-$m-$r"
		srv_sql src "SELECT n, lag_us, at, hb FROM bench_lag.s ORDER BY n" >"$LAG_BENCH_SERIES-src-$m-$r"
		[ "$m" != ms ] || cp "$work/myshift.log" "$LAG_BENCH_SERIES-$m-$r.log"
	fi
	stop_method "$m"
}

# Print "p50 p99 max p90 count" in ms of the samples on server NAME.
quantiles() {
	srv_sql "$1" "SELECT lag_us FROM bench_lag.s ORDER BY lag_us" |
	    awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "- - - 0"; exit }
		i50 = int(NR * 0.50 + 0.999); i90 = int(NR * 0.90 + 0.999)
		i99 = int(NR * 0.99 + 0.999)
		printf "%.1f %.1f %.1f %.1f %d\n", v[i50] / 1000, v[i99] / 1000, v[NR] / 1000,
		    v[i90] / 1000, NR }'
}

declare -A label=([ms]="myshift" [native]="$native_label")
echo "lag: $flavour, sysbench oltp_write_only 4 threads at $rate trx/s on $ntables x $nrows rows;" \
    "heartbeat every 50 ms, read every $(awk -v s="$sample_s" 'BEGIN { print s * 1000 }') ms for $secs s after $warm s"
echo "myshift: $bin_name${apply:+ [apply] $apply}"
print_load
for r in $(seq 1 "$runs"); do
	if [ $((r % 2)) = 1 ]; then
		measure native
		measure ms
	else
		measure ms
		measure native
	fi
done

# Both catch up, then every table must be equal on the three servers.
start_method native
start_method ms
stop_method ms
stop_method native
list=
for i in $(seq 1 "$ntables"); do
	list+="${list:+,}sbtest.sbtest$i"
done
list+=",bench.hb"
srv_sql src "CHECKSUM TABLE $list" >"$work/src.sums" || fail "CHECKSUM TABLE failed on the source"
for s in dst dst2; do
	srv_sql "$s" "CHECKSUM TABLE $list" >"$work/$s.sums" || fail "CHECKSUM TABLE failed on $s"
	cmp -s "$work/src.sums" "$work/$s.sums" || {
		diff "$work/src.sums" "$work/$s.sums" >&2
		fail "$s differs from the source at the end"
	}
done

read -r m50 m99 mmax m90 mn < <(quantiles dst)
read -r n50 n99 nmax n90 nn < <(quantiles dst2)
read -r s50 s99 smax s90 sn < <(quantiles src)
echo "  myshift: p50 $m50 ms, p90 $m90 ms, p99 $m99 ms, max $mmax ms ($mn samples);" \
    "cpu myshift + destination ${cpu[ms]} s (myshift $cpu_p s)"
echo "  $native_label: p50 $n50 ms, p90 $n90 ms, p99 $n99 ms, max $nmax ms ($nn samples);" \
    "cpu ${cpu[native]} s"
echo "  the source itself (the floor: the heartbeat's age where it is written, both methods'" \
    "windows): p50 $s50 ms, p90 $s90 ms, p99 $s99 ms, max $smax ms ($sn samples)"
echo "lag: myshift p99 $m99 ms, native p99 $n99 ms (ratio $(div "$m99" "$n99" 2)," \
    "target <= 1.3 and < 100 ms); cpu myshift + destination ${cpu[ms]} s, native ${cpu[native]} s" \
    "(ratio $(div "${cpu[ms]}" "${cpu[native]}" 2), target <= 1.0)"
exit 0
