#!/usr/bin/env bash
# stream_bench.sh: speed of myshift-binlog reading a live server's binlog
# backlog as a replica, against mariadb-binlog --read-from-remote-server,
# both timed in this run on the same >= 200 MB ROW backlog.
#
# Usage: tests/bench/stream_bench.sh
#
# The backlog is the sysbench oltp_write_only binlog that decode_bench.sh
# writes and caches (sbwrite_cache in lib.sh: the same cache, either script
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
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"	# find_binary, sbwrite_cache, serve_cached, ...; fail, skip, srv_*

size_mb=${DECODE_BENCH_MB:-200}
runs=${STREAM_BENCH_RUNS:-3}
cache_root=${DECODE_BENCH_CACHE:-$top/build/bench-cache}
BENCH_PW='Stream-bench_pw1'

need_positive "$size_mb" DECODE_BENCH_MB
need_positive "$runs" STREAM_BENCH_RUNS

bench_init stream-bench sb_pid	# $work; on exit stops sysbench and servers

# Events in --stats output ("... events: N ...").
stats_events() {
	awk '{ for (i = 1; i < NF; i++) if ($i == "events:") { print $(i + 1); exit } }' "$1"
}

bin=$(find_binary myshift-binlog MYSHIFT_BINLOG 1) || exit 1
command -v mariadb-binlog >/dev/null ||
    skip "mariadb-binlog is not installed (apt-get install mariadb-client)"
srv_require

# The binlog decode_bench.sh measures: $cache; its files are $cfiles.
sbwrite_cache "$cache_root" "$size_mb" "${DECODE_BENCH_FRESH:-0}"
cached_binlogs "$cache" bench
read -r want_ev want_rows <"$cache/expected"

# A server whose binlog is the cached backlog (its binlog base name is
# bench-bin, as the generator's); it opens a new, small file after them.
serve_cached bench "$cache"
bdir=$bench_BINLOG_DIR
srv_sql bench "SET sql_log_bin=0;
    CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO bench@'127.0.0.1'" ||
    fail "cannot create the replication user"
check_served bench "the server"		# $served
sfiles=()
for f in "${served[@]}"; do sfiles+=("$bdir/$f"); done
bytes=$(total_bytes "${sfiles[@]}")
cat "${sfiles[@]}" >/dev/null		# the server reads from the page cache

echo "backlog: ${#served[@]} files (${served[*]}), $(div "$bytes" 1000000 1) MB," \
    "$want_ev rows events, $want_rows rows ($cache)"
echo "myshift-binlog: $bin"
print_load

LIVE=(env MYSQL_PWD="$BENCH_PW" "$bin" --host 127.0.0.1 --port "$bench_PORT" --user bench)
REF=(env TZ=UTC mariadb-binlog --no-defaults --read-from-remote-server --host 127.0.0.1
    --port "$bench_PORT" --user bench --password="$BENCH_PW"
    --base64-output=decode-rows -v "${served[@]}")

# Untimed checks: the text stream prints every row, mariadb-binlog reads
# the whole backlog remotely and counts the same.
got=$(text_rows "myshift-binlog (text)" "${LIVE[@]}") || exit 1
[ "$got" = "$want_ev $want_rows" ] ||
    fail "myshift-binlog text stream has rows events and rows '$got', expected '$want_ev $want_rows'"
got=$(text_rows mariadb-binlog "${REF[@]}") || exit 1
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
