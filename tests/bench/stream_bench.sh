#!/usr/bin/env bash
# stream_bench.sh: speed of myshift-binlog reading a live server's binlog
# backlog as a replica, against mariadb-binlog --read-from-remote-server,
# both timed in this run on the same >= 200 MB ROW backlog.
#
# Usage: tests/bench/stream_bench.sh
#
# The backlog is the sysbench oltp_write_only binlog that decode_bench.sh
# writes and caches (the same cache, the same workload name: either script
# reuses what the other generated).  A scratch MariaDB server is started,
# stopped, given the cached binlog files as its own (same base name
# bench-bin, an index listing them) and started again: it then serves them
# to replicas like any backlog.  Timed, best of N and interleaved:
#
#   myshift-binlog --host 127.0.0.1 --port P --user U --stats
#       (non-blocking: ends at the end of the backlog; every value decoded)
#   TZ=UTC mariadb-binlog --read-from-remote-server --host 127.0.0.1
#       --port P --user U --password=... --base64-output=decode-rows -v
#       FILES >/dev/null
#   myshift-binlog --host ... (full -v text) >/dev/null
#
# Every --stats run must count the rows events and rows that mariadb-binlog
# -v counts in the files (build/bench-cache/.../expected), and the text run
# must print them, so a stream that breaks off cannot look fast.
#
# Environment:
#   MYSHIFT_BINLOG        the binary to measure (default build/debug/myshift-binlog,
#                         then ./myshift-binlog, else an -O2 build of this tree
#                         in build/release); a -O0 or sanitizer build is
#                         replaced by that -O2 build
#   DECODE_BENCH_MB       backlog size in MB (default 200)
#   STREAM_BENCH_RUNS     timed runs per command; the best counts (default 3)
#   DECODE_BENCH_CACHE    the cache of generated binlogs (default build/bench-cache)
#   DECODE_BENCH_FRESH=1  generate a new binlog even if one is cached
#
# Exit status: 0 when measured, 1 on an error (build, server, sysbench, a
# reader that exits non-zero or counts other rows), 77 if sysbench (needed
# only without a cached binlog) or MariaDB is not installed.  MB are 10^6
# bytes.

# bench_PORT, bench_BINLOG_DIR are set by srv_start (whole file):
# shellcheck disable=SC2154
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/servers.sh
. "$top/tests/lib/servers.sh"	# fail, skip, srv_*; its EXIT trap stops servers

size_mb=${DECODE_BENCH_MB:-200}
runs=${STREAM_BENCH_RUNS:-3}
cache_root=${DECODE_BENCH_CACHE:-$top/build/bench-cache}
# Must match decode_bench.sh: the cache is shared.
workload=sbwrite1
BENCH_PW='Stream-bench_pw1'

[[ $size_mb =~ ^[1-9][0-9]*$ ]] || fail "DECODE_BENCH_MB must be a positive integer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || fail "STREAM_BENCH_RUNS must be a positive integer"

work=$(mktemp -d "${TMPDIR:-/tmp}/stream-bench.XXXX") || fail "cannot create a temp dir"
sb_pid=
# Stop what this script started (sysbench, servers) and remove temp files.
# shellcheck disable=SC2317 # called by the EXIT trap
bench_cleanup() {
	if [ -n "$sb_pid" ]; then
		kill "$sb_pid" 2>/dev/null
		wait "$sb_pid" 2>/dev/null
	fi
	srv_cleanup_all
	rm -rf "$work"
	[ -z "${gen_tmp:-}" ] || rm -rf "$gen_tmp"
}
trap bench_cleanup EXIT

# Print "A / B" with DIGITS decimals.
div() {
	awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { printf "%.*f", d, a / b }'
}

# Does BIN look unoptimized (-O0 or sanitizers)?  As in decode_bench.sh:
# the compiler flags in DW_AT_producer, else its build directory's Makefile.
binary_is_slow() {
	local bin=$1 prods mk flags
	prods=$(readelf --debug-dump=info "$bin" 2>/dev/null |
	    grep -a 'DW_AT_producer' | grep -aE 'GNU C|clang' | sort -u)
	if [ -z "$prods" ]; then
		mk=$(dirname "$bin")/Makefile
		[ -f "$mk" ] || return 1
		flags=$(sed -n 's/^\(AM_\)\{0,1\}CFLAGS = //p' "$mk" | tr '\n' ' ')
		prods="x $flags"
	fi
	echo "$prods" | awk '
	    /-fsanitize/ { slow = 1 }
	    { o = "-O0"; for (i = 1; i <= NF; i++) if ($i ~ /^-O/) o = $i
	      if (o == "-O0") slow = 1 }
	    END { exit slow ? 0 : 1 }'
}

# Build an -O2 myshift-binlog of this tree in build/release and print its path.
build_release() {
	local rel=$top/build/release
	mkdir -p "$rel" || fail "cannot create $rel"
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) >"$rel/autoreconf.log" 2>&1 ||
		    fail "autoreconf failed, see $rel/autoreconf.log"
	fi
	[ ! -f "$top/config.status" ] ||
	    fail "$top is configured in place, so build/release cannot be;" \
	    "run 'make distclean' there or set MYSHIFT_BINLOG to an -O2 build"
	if [ ! -f "$rel/Makefile" ]; then
		(cd "$rel" && ../../configure CFLAGS='-g -O2') >"$rel/configure.out" 2>&1 ||
		    fail "configure failed, see $rel/configure.out"
	fi
	make -C "$rel" -j2 myshift-binlog >"$rel/make.out" 2>&1 ||
	    fail "make myshift-binlog failed, see $rel/make.out"
	echo "$rel/myshift-binlog"
}

# Pick the binary to measure, swapping an unoptimized one for build/release.
find_binary() {
	local bin=${MYSHIFT_BINLOG:-}
	if [ -z "$bin" ]; then
		for bin in "$top/build/debug/myshift-binlog" "$top/myshift-binlog" ""; do
			[ -z "$bin" ] || [ ! -x "$bin" ] || break
		done
	fi
	if [ -z "$bin" ]; then
		echo "note: no myshift-binlog built; building -O2 in build/release" >&2
		bin=$(build_release) || exit 1
	fi
	[ -x "$bin" ] || fail "$bin is not an executable"
	bin=$(realpath "$bin")
	if binary_is_slow "$bin"; then
		echo "note: $bin is a -O0 or sanitizer build; building -O2 in build/release" >&2
		bin=$(build_release) || exit 1
		! binary_is_slow "$bin" || fail "$bin is still not an -O2 build"
	fi
	echo "$bin"
}

total_bytes() {
	[ $# -gt 0 ] || { echo 0; return; }
	stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# Count what mariadb-binlog -v (or myshift-binlog) text shows: "ROWS_EVENTS ROWS".
count_rows() {
	awk '
	    /^#[0-9]/ && /\t(Write|Update|Delete)_(compressed_)?rows(_compressed)?(_v1)?: table id / { ev++ }
	    /^### (INSERT INTO|UPDATE|DELETE FROM) / { rows++ }
	    END { print ev + 0, rows + 0 }'
}

# Write the backlog into directory $1 exactly as decode_bench.sh does (same
# workload, same cache layout: files, expected, generate_seconds).
generate() {
	local out=$1 t0 sb log files bytes limit=900
	command -v sysbench >/dev/null || skip "sysbench is not installed (apt-get install sysbench)"
	t0=$SECONDS
	srv_start bench --binlog_format=ROW --binlog_row_image=FULL \
	    --max_binlog_size=100M --innodb_flush_log_at_trx_commit=0 \
	    --innodb_buffer_pool_size=256M
	srv_sql bench "SET sql_log_bin=0;
	    CREATE USER myshift_bench@'127.0.0.1';
	    GRANT ALL ON *.* TO myshift_bench@'127.0.0.1'" ||
	    fail "cannot create the sysbench user"
	srv_sql bench "CREATE DATABASE sbtest" || fail "cannot create sbtest"
	sb=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1
	    --mysql-port="$bench_PORT" --mysql-user=myshift_bench --mysql-db=sbtest
	    --tables=4 --table-size=50000)
	log=$out/sysbench.log
	"${sb[@]}" --threads=2 prepare >"$log" 2>&1 ||
	    { tail -n 20 "$log" >&2; fail "sysbench prepare failed"; }
	"${sb[@]}" --threads=4 --time=$limit --report-interval=10 run >>"$log" 2>&1 &
	sb_pid=$!
	while :; do
		mapfile -t files < <(srv_binlogs bench)
		bytes=$(total_bytes "${files[@]}")
		[ "$bytes" -lt $((size_mb * 1000000)) ] || break
		if ! kill -0 "$sb_pid" 2>/dev/null; then
			wait "$sb_pid"
			sb_pid=
			tail -n 20 "$log" >&2
			fail "sysbench stopped at $bytes bytes of binlog, before $size_mb MB"
		fi
		[ $((SECONDS - t0)) -lt $limit ] || fail "binlog still $bytes bytes after ${limit}s"
		sleep 0.5
	done
	kill "$sb_pid"
	wait "$sb_pid" 2>/dev/null
	sb_pid=
	srv_stop bench
	mapfile -t files < <(srv_binlogs bench)
	mv "${files[@]}" "$out/" || fail "cannot move the binlog into $out"
	(cd "$out" && printf '%s\n' "${files[@]##*/}" >files)
	(cd "$out" && TZ=UTC mariadb-binlog --base64-output=decode-rows -v \
	    "${files[@]##*/}") 2>"$out/mariadb-binlog.err" | count_rows >"$out/expected"
	[ "${PIPESTATUS[0]}" -eq 0 ] ||
	    fail "mariadb-binlog cannot read the generated binlog: $(head -n 3 "$out/mariadb-binlog.err")"
	echo $((SECONDS - t0)) >"$out/generate_seconds"
	srv_cleanup_all
}

time_once() {
	local out=$1 rc TIMEFORMAT='%3R %3U %3S'
	shift
	{ time "$@" >"$out" 2>"$work/err"; } 2>"$work/time"
	rc=$?
	if [ $rc -ne 0 ]; then
		head -n 5 "$work/err" >&2
		fail "'$*' exited with status $rc"
	fi
	awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$work/time"
}

min_time() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'
}

rate() {
	awk -v n="$1" -v t="$2" -v u="$3" 'BEGIN { printf "%.1f", n / t / u }'
}

# Rows events and rows in --stats output: "EVENTS ROWS".
stats_rows() {
	awk '
	    $1 == "rows:" { rows = $3 + $5 + $7 }
	    $1 ~ /^(Write|Update|Delete)_rows(_compressed)?(_v1)?$/ ||
	    $1 == "Update_rows_partial" { ev += $2 }
	    END { print ev + 0, rows + 0 }' "$1"
}

# Events in --stats output ("... events: N ...").
stats_events() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "events:") { print $(i + 1); exit } }' "$1"
}

bin=$(find_binary) || exit 1
command -v mariadb-binlog >/dev/null ||
    skip "mariadb-binlog is not installed (apt-get install mariadb-client)"
srv_require

cache=$cache_root/$workload-${size_mb}mb
if [ "${DECODE_BENCH_FRESH:-0}" = 1 ] || [ ! -f "$cache/expected" ]; then
	echo "generating a ${size_mb} MB binlog with sysbench into $cache ..."
	mkdir -p "$cache_root" || fail "cannot create $cache_root"
	gen_tmp=$(mktemp -d "$cache_root/.gen.XXXX") || fail "cannot create a dir in $cache_root"
	generate "$gen_tmp"
	rm -rf "$cache"
	mv "$gen_tmp" "$cache" || fail "cannot rename $gen_tmp to $cache"
	gen_tmp=
fi
mapfile -t cfiles <"$cache/files"
read -r want_ev want_rows <"$cache/expected"
for f in "${cfiles[@]}"; do
	[[ $f =~ ^bench-bin\.[0-9]{6}$ ]] || fail "unexpected cached binlog name '$f' in $cache/files"
done

# A server whose binlog is the cached backlog: start it once (its binlog
# base name is bench-bin, as the generator's), stop it, put the cached
# files in place of its own, start it again.  It opens a new, small file
# after them.
srv_start bench --max_binlog_size=1G
srv_stop bench
bdir=$bench_BINLOG_DIR
rm -f "$bdir"/bench-bin.[0-9]* "$bdir/bench-bin.index" "$bdir/bench-bin.state"
for f in "${cfiles[@]}"; do
	cp "$cache/$f" "$bdir/$f" || fail "cannot copy $cache/$f"
	echo "$bdir/$f" >>"$bdir/bench-bin.index"
done
srv_restart bench
srv_sql bench "SET sql_log_bin=0;
    CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO bench@'127.0.0.1'" ||
    fail "cannot create the replication user"
mapfile -t served < <(srv_sql bench "SHOW BINARY LOGS" | awk '{ print $1 }')
if [ "${served[0]}" != "${cfiles[0]}" ] || [ ${#served[@]} -ne $((${#cfiles[@]} + 1)) ]; then
	fail "the server serves '${served[*]}', expected ${cfiles[*]} and one new file"
fi
sfiles=()
for f in "${served[@]}"; do sfiles+=("$bdir/$f"); done
bytes=$(total_bytes "${sfiles[@]}")
cat "${sfiles[@]}" >/dev/null		# the server reads from the page cache

echo "backlog: ${#served[@]} files (${served[*]}), $(div "$bytes" 1000000 1) MB," \
    "$want_ev rows events, $want_rows rows ($cache)"
echo "myshift-binlog: $bin"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

LIVE=(env MYSQL_PWD="$BENCH_PW" "$bin" --host 127.0.0.1 --port "$bench_PORT" --user bench)
REF=(env TZ=UTC mariadb-binlog --no-defaults --read-from-remote-server --host 127.0.0.1
    --port "$bench_PORT" --user bench --password="$BENCH_PW"
    --base64-output=decode-rows -v "${served[@]}")

# Untimed checks: the text stream prints every row, mariadb-binlog reads
# the whole backlog remotely and counts the same.
"${LIVE[@]}" 2>"$work/err" | count_rows >"$work/text.counts"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { head -n 5 "$work/err" >&2; fail "myshift-binlog (text) exited with status $rc"; }
got=$(cat "$work/text.counts")
[ "$got" = "$want_ev $want_rows" ] ||
    fail "myshift-binlog text stream has rows events and rows '$got', expected '$want_ev $want_rows'"
"${REF[@]}" 2>"$work/err" | count_rows >"$work/ref.counts"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { head -n 5 "$work/err" >&2; fail "mariadb-binlog exited with status $rc"; }
got=$(cat "$work/ref.counts")
[ "$got" = "$want_ev $want_rows" ] ||
    fail "mariadb-binlog remote has rows events and rows '$got', expected '$want_ev $want_rows'"

t_stats="" t_ref="" t_text="" c_stats="" c_ref="" c_text="" events=""
for _ in $(seq 1 "$runs"); do
	tc=$(time_once "$work/stats.out" "${LIVE[@]}" --stats) || exit 1
	read -r t c <<<"$tc"
	got=$(stats_rows "$work/stats.out")
	if [ "$got" != "$want_ev $want_rows" ]; then
		cat "$work/stats.out" >&2
		fail "myshift-binlog --stats counts rows events and rows '$got', expected '$want_ev $want_rows'"
	fi
	events=$(stats_events "$work/stats.out")
	t_stats=$(min_time "$t" "$t_stats")
	c_stats=$(min_time "$c" "$c_stats")
	tc=$(time_once /dev/null "${REF[@]}") || exit 1
	read -r t c <<<"$tc"
	t_ref=$(min_time "$t" "$t_ref")
	c_ref=$(min_time "$c" "$c_ref")
	tc=$(time_once /dev/null "${LIVE[@]}") || exit 1
	read -r t c <<<"$tc"
	t_text=$(min_time "$t" "$t_text")
	c_text=$(min_time "$c" "$c_text")
done
[[ $events =~ ^[0-9]+$ ]] || fail "no event count in --stats output: $(head -n 2 "$work/stats.out")"

echo "best of $runs (wall): myshift-binlog --stats ${t_stats} s, mariadb-binlog ${t_ref} s," \
    "myshift-binlog text ${t_text} s"
echo "stream: myshift-binlog --stats $(rate "$events" "$t_stats" 1) events/s" \
    "$(rate "$bytes" "$t_stats" 1e6) MB/s; mariadb-binlog $(rate "$events" "$t_ref" 1) events/s" \
    "$(rate "$bytes" "$t_ref" 1e6) MB/s; ratio $(div "$t_ref" "$t_stats" 1)x"
echo "text: myshift-binlog $(rate "$events" "$t_text" 1) events/s $(rate "$bytes" "$t_text" 1e6) MB/s" \
    "(full -v text to /dev/null), ratio $(div "$t_ref" "$t_text" 1)x to mariadb-binlog"
echo "cpu of the reader (user+system): myshift-binlog --stats ${c_stats} s, text ${c_text} s," \
    "mariadb-binlog ${c_ref} s, ratio $(div "$c_ref" "$c_stats" 1)x"
exit 0
