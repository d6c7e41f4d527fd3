#!/usr/bin/env bash
# decode_bench.sh: decode speed of myshift-binlog against mariadb-binlog,
# both timed in this run on the same >= 200 MB ROW binlog written by sysbench.
#
# Usage: tests/bench/decode_bench.sh
#
# Environment:
#   MYSHIFT_BINLOG        the binary to measure (default build/debug/myshift-binlog,
#                         then ./myshift-binlog); a -O0 or sanitizer build is
#                         replaced by an -O2 build of the same tree in build/release
#   DECODE_BENCH_MB       binlog size to generate, in MB (default 200)
#   DECODE_BENCH_RUNS     timed runs per command; the best counts (default 3)
#   DECODE_BENCH_CACHE    where generated binlogs are kept between runs, one
#                         directory per size (default build/bench-cache)
#   DECODE_BENCH_FRESH=1  generate a new binlog even if one is cached
#
# Exit status: 0 when measured (also if the 10x target is missed), 1 on an
# error (a failed build, server, sysbench, or a decoder that exits non-zero
# or counts other rows than mariadb-binlog), 77 if sysbench or MariaDB is
# not installed.  MB are 10^6 bytes.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/servers.sh
. "$top/tests/lib/servers.sh"	# fail, skip, srv_*; its EXIT trap stops servers

size_mb=${DECODE_BENCH_MB:-200}
runs=${DECODE_BENCH_RUNS:-3}
cache_root=${DECODE_BENCH_CACHE:-$top/build/bench-cache}
target_ratio=10
# Bump when the workload changes, so that old cached binlogs are not reused.
workload=sbwrite1

[[ $size_mb =~ ^[1-9][0-9]*$ ]] || fail "DECODE_BENCH_MB must be a positive integer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || fail "DECODE_BENCH_RUNS must be a positive integer"

work=$(mktemp -d "${TMPDIR:-/tmp}/decode-bench.XXXX") || fail "cannot create a temp dir"
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

# Print "A / B" with DIGITS decimals (floating point, via awk).
div() {
	awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { printf "%.*f", d, a / b }'
}

# Does BIN look unoptimized (-O0 or sanitizers)?  Reads the compiler flags
# GCC and clang record in DW_AT_producer; a binary without debug info is
# judged by the Makefile of its build directory, and is taken as optimized
# when neither tells.
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
	# Per compile unit: sanitizers, or a last -O that is -O0 (or absent:
	# GCC's default is -O0).
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

# Pick the binary to measure: $MYSHIFT_BINLOG, build/debug, then the top
# directory; an unoptimized one is swapped for an -O2 build.
find_binary() {
	local bin=${MYSHIFT_BINLOG:-}
	if [ -z "$bin" ]; then
		for bin in "$top/build/debug/myshift-binlog" "$top/myshift-binlog" ""; do
			[ -z "$bin" ] || [ ! -x "$bin" ] || break
		done
	fi
	[ -n "$bin" ] || fail "no myshift-binlog: build it or set MYSHIFT_BINLOG"
	[ -x "$bin" ] || fail "$bin is not an executable"
	bin=$(realpath "$bin")	# the timed runs happen in the cache dir
	if binary_is_slow "$bin"; then
		echo "note: $bin is a -O0 or sanitizer build; building -O2 in build/release" >&2
		bin=$(build_release) || exit 1
		! binary_is_slow "$bin" || fail "$bin is still not an -O2 build"
	fi
	echo "$bin"
}

# Print the total size in bytes of the files named.
total_bytes() {
	[ $# -gt 0 ] || { echo 0; return; }
	stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# Count what mariadb-binlog -v sees in FILES: "ROWS_EVENTS ROWS" (an update
# of one row, its before and after image, is one row).  This is the
# reference a decoder's counts are checked against.
count_rows() {
	awk '
	    /^#[0-9]/ && /\t(Write|Update|Delete)_(compressed_)?rows(_compressed)?(_v1)?: table id / { ev++ }
	    /^### (INSERT INTO|UPDATE|DELETE FROM) / { rows++ }
	    END { print ev + 0, rows + 0 }'
}

# Write a binlog of >= size_mb MB into directory $1: a scratch MariaDB server
# (ROW, FULL images, 100 MB files, not durable: its speed is not measured),
# sysbench oltp_write_only prepare (bulk inserts), then its run (updates,
# deletes, inserts; 4 threads) until the binlog is large enough.  Records
# the files, their expected row counts and the time taken.
generate() {
	local out=$1 t0 sb log files bytes limit=900
	command -v sysbench >/dev/null || skip "sysbench is not installed (apt-get install sysbench)"
	srv_require
	t0=$SECONDS
	srv_start bench --binlog_format=ROW --binlog_row_image=FULL \
	    --max_binlog_size=100M --innodb_flush_log_at_trx_commit=0 \
	    --innodb_buffer_pool_size=256M
	# The benchmark user stays out of the binlog; loopback, no password.
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
		[ $((SECONDS - t0)) -lt $limit ] ||
		    fail "binlog still $bytes bytes after ${limit}s"
		sleep 0.5
	done
	kill "$sb_pid"
	wait "$sb_pid" 2>/dev/null
	sb_pid=
	srv_stop bench		# closes the last binlog file cleanly
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

# Run CMD... once with stdout to OUT, fail on a non-zero exit, and print
# "WALL CPU": its wall-clock and CPU (user + system) times in seconds.
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

# Print the smaller of two times; an empty second one counts as infinite.
min_time() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'
}

# Print the rate in MB/s of BYTES read in SECONDS.
rate() {
	awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t / 1e6 }'
}

# Sum the rows events and rows in myshift-binlog --stats output: "EVENTS ROWS".
# It has a line "rows: inserted I  updated U  deleted D" and one line
# "TYPE COUNT BYTES" per event type.
stats_rows() {
	awk '
	    $1 == "rows:" { rows = $3 + $5 + $7 }
	    $1 ~ /^(Write|Update|Delete)_rows(_compressed)?(_v1)?$/ ||
	    $1 == "Update_rows_partial" { ev += $2 }
	    END { print ev + 0, rows + 0 }' "$1"
}

bin=$(find_binary) || exit 1
command -v mariadb-binlog >/dev/null ||
    skip "mariadb-binlog is not installed (apt-get install mariadb-client)"

cache=$cache_root/$workload-${size_mb}mb
if [ "${DECODE_BENCH_FRESH:-0}" = 1 ] || [ ! -f "$cache/expected" ]; then
	echo "generating a ${size_mb} MB binlog with sysbench into $cache ..."
	mkdir -p "$cache_root" || fail "cannot create $cache_root"
	gen_tmp=$(mktemp -d "$cache_root/.gen.XXXX") || fail "cannot create a dir in $cache_root"
	generate "$gen_tmp"
	rm -rf "$cache"
	mv "$gen_tmp" "$cache" || fail "cannot rename $gen_tmp to $cache"
	gen_tmp=
	gen_note="generated in $(cat "$cache/generate_seconds") s"
else
	gen_note="cached, generated in $(cat "$cache/generate_seconds") s"
fi

cd "$cache" || fail "cannot enter $cache"
mapfile -t files <files
bytes=$(total_bytes "${files[@]}")
read -r want_ev want_rows <expected
mb=$(div "$bytes" 1000000 1)
echo "binlog: ${#files[@]} files, $mb MB, $want_ev rows events, $want_rows rows ($cache, $gen_note)"
echo "myshift-binlog: $bin"
# Other jobs on the machine skew the figures: show how busy it is.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
cat "${files[@]}" >/dev/null		# both tools read from the page cache

# Untimed check of the text output: it must print every row mariadb-binlog does.
"$bin" "${files[@]}" 2>"$work/err" | count_rows >"$work/text.counts"
rc=${PIPESTATUS[0]}
got=$(cat "$work/text.counts")
[ "$rc" -eq 0 ] || { head -n 5 "$work/err" >&2; fail "myshift-binlog exited with status $rc"; }
[ "$got" = "$want_ev $want_rows" ] ||
    fail "myshift-binlog text output has rows events and rows '$got', mariadb-binlog '$want_ev $want_rows'"

# Interleave the three commands so that a slow moment hurts none more;
# every --stats run must count the rows mariadb-binlog counts.  CPU times
# are kept too: other jobs on the machine disturb them less than wall time.
t_stats="" t_ref="" t_text="" c_stats="" c_ref=""
for _ in $(seq 1 "$runs"); do
	tc=$(time_once "$work/stats.out" "$bin" --stats "${files[@]}") || exit 1
	read -r t c <<<"$tc"
	got=$(stats_rows "$work/stats.out")
	if [ "$got" != "$want_ev $want_rows" ]; then
		cat "$work/stats.out" >&2
		fail "myshift-binlog --stats counts rows events and rows '$got'," \
		    "mariadb-binlog '$want_ev $want_rows'"
	fi
	t_stats=$(min_time "$t" "$t_stats")
	c_stats=$(min_time "$c" "$c_stats")
	tc=$(time_once /dev/null env TZ=UTC mariadb-binlog \
	    --base64-output=decode-rows -v "${files[@]}") || exit 1
	read -r t c <<<"$tc"
	t_ref=$(min_time "$t" "$t_ref")
	c_ref=$(min_time "$c" "$c_ref")
	tc=$(time_once /dev/null "$bin" "${files[@]}") || exit 1
	read -r t c <<<"$tc"
	t_text=$(min_time "$t" "$t_text")
done

echo "best of $runs: myshift-binlog --stats ${t_stats} s, mariadb-binlog ${t_ref} s," \
    "myshift-binlog text ${t_text} s"
echo "decode: myshift-binlog $(rate "$bytes" "$t_stats") MB/s," \
    "mariadb-binlog $(rate "$bytes" "$t_ref") MB/s," \
    "ratio $(div "$t_ref" "$t_stats" 1)x (target >= ${target_ratio}x)"
echo "text: myshift-binlog $(rate "$bytes" "$t_text") MB/s (full -v text to /dev/null)," \
    "ratio $(div "$t_ref" "$t_text" 1)x to mariadb-binlog"
echo "cpu: myshift-binlog --stats ${c_stats} s, mariadb-binlog ${c_ref} s (user+system)," \
    "ratio $(div "$c_ref" "$c_stats" 1)x"
exit 0
