#!/usr/bin/env bash
# decode_bench.sh: decode speed of myshift-binlog against mariadb-binlog,
# both timed in this run on the same >= 200 MB ROW binlog written by sysbench
# (sbwrite_generate in lib.sh: a scratch server, oltp_write_only; cached).
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
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"	# find_binary, sbwrite_cache, time_once, ...; fail, skip, srv_*

size_mb=${DECODE_BENCH_MB:-200}
runs=${DECODE_BENCH_RUNS:-3}
cache_root=${DECODE_BENCH_CACHE:-$top/build/bench-cache}
target_ratio=10

need_positive "$size_mb" DECODE_BENCH_MB
need_positive "$runs" DECODE_BENCH_RUNS

bench_init decode-bench sb_pid	# $work; on exit stops sysbench and servers

bin=$(find_binary myshift-binlog MYSHIFT_BINLOG 1) || exit 1
command -v mariadb-binlog >/dev/null ||
    skip "mariadb-binlog is not installed (apt-get install mariadb-client)"

# The binlog (shared with stream_bench.sh): $cache, $gen_note.
sbwrite_cache "$cache_root" "$size_mb" "${DECODE_BENCH_FRESH:-0}"

cd "$cache" || fail "cannot enter $cache"
mapfile -t files <files
bytes=$(total_bytes "${files[@]}")
read -r want_ev want_rows <expected
mb=$(div "$bytes" 1000000 1)
echo "binlog: ${#files[@]} files, $mb MB, $want_ev rows events, $want_rows rows ($cache, $gen_note)"
echo "myshift-binlog: $bin"
print_load
cat "${files[@]}" >/dev/null		# both tools read from the page cache

# Untimed check of the text output: it must print every row mariadb-binlog does.
got=$(text_rows myshift-binlog "$bin" "${files[@]}") || exit 1
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
echo "decode: myshift-binlog $(rate "$bytes" "$t_stats" 1e6) MB/s," \
    "mariadb-binlog $(rate "$bytes" "$t_ref" 1e6) MB/s," \
    "ratio $(div "$t_ref" "$t_stats" 1)x (target >= ${target_ratio}x)"
echo "text: myshift-binlog $(rate "$bytes" "$t_text" 1e6) MB/s (full -v text to /dev/null)," \
    "ratio $(div "$t_ref" "$t_text" 1)x to mariadb-binlog"
echo "cpu: myshift-binlog --stats ${c_stats} s, mariadb-binlog ${c_ref} s (user+system)," \
    "ratio $(div "$c_ref" "$c_stats" 1)x"
exit 0
