# shellcheck shell=bash
# lib.sh: the benchmarks' shared helpers: -O2 binary, cleanup, caches, timing.
#
# Source it from a benchmark after setting $top (the source tree) and
# set -u; it sources tests/lib/servers.sh (fail, skip, srv_*):
#
#   top=$(cd "$(dirname "$0")/../.." && pwd)
#   . "$top/tests/bench/lib.sh"
#   bench_init decode-bench sb_pid     # $work, the EXIT trap
#   bin=$(find_binary myshift-binlog MYSHIFT_BINLOG 0) || exit 1

# shellcheck disable=SC2154 # top: set by the benchmark that sources this
# shellcheck source=tests/lib/servers.sh
. "$top/tests/lib/servers.sh"	# fail, skip, srv_*; its EXIT trap stops servers

# The cache key of the sysbench binlog that decode_bench.sh and
# stream_bench.sh share.  Bump it when the workload changes, so that old
# cached binlogs are not reused.
sbwrite_workload=sbwrite1

# bench_init NAME PIDVAR...: create the temp dir $work (NAME.XXXX under
# $TMPDIR) and set the EXIT trap; the variables PIDVAR... (emptied here)
# hold the pids of the background jobs the trap stops, in that order.
bench_init() {
	local v
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXX") || fail "cannot create a temp dir"
	shift
	bench_pid_vars=("$@")
	for v in "$@"; do
		printf -v "$v" '%s' ""
	done
	trap bench_cleanup EXIT
}

# Stop what the benchmark started (the jobs of bench_init's PIDVARs, the
# servers) and remove temp files: $work and an unfinished cache dir.
# shellcheck disable=SC2317 # called by the EXIT trap
bench_cleanup() {
	local v p
	for v in "${bench_pid_vars[@]}"; do
		p=${!v:-}
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	srv_cleanup_all
	rm -rf "$work"
	[ -z "${gen_tmp:-}" ] || rm -rf "$gen_tmp"
}

# need_positive VALUE NAME: fail unless VALUE is a positive integer.
need_positive() {
	[[ $1 =~ ^[1-9][0-9]*$ ]] || fail "$2 must be a positive integer"
}

# Print "A / B" with DIGITS decimals (floating point, via awk).
div() {
	awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { printf "%.*f", d, a / b }'
}

# Print the smaller of two numbers; an empty second one counts as infinite.
min_time() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'
}

# rate N SECONDS UNIT: print N / SECONDS / UNIT with one decimal (UNIT
# 1e6 turns bytes into MB/s).
rate() {
	awk -v n="$1" -v t="$2" -v u="$3" 'BEGIN { printf "%.1f", n / t / u }'
}

# Print the total size in bytes of the files named.
total_bytes() {
	[ $# -gt 0 ] || { echo 0; return; }
	stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'
}

# Print how busy the machine is: other jobs on it skew the figures.
print_load() {
	echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
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

# build_release PROG VAR: build an -O2 PROG of this tree in build/release
# and print its path (VAR: the variable that names the binary, for advice).
build_release() {
	local prog=$1 var=$2 rel=$top/build/release
	mkdir -p "$rel" || fail "cannot create $rel"
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) >"$rel/autoreconf.log" 2>&1 ||
		    fail "autoreconf failed, see $rel/autoreconf.log"
	fi
	[ ! -f "$top/config.status" ] ||
	    fail "$top is configured in place, so build/release cannot be;" \
	    "run 'make distclean' there or set $var to an -O2 build"
	if [ ! -f "$rel/Makefile" ]; then
		(cd "$rel" && ../../configure CFLAGS='-g -O2') >"$rel/configure.out" 2>&1 ||
		    fail "configure failed, see $rel/configure.out"
	fi
	make -C "$rel" -j2 "$prog" >"$rel/make.out" 2>&1 ||
	    fail "make $prog failed, see $rel/make.out"
	echo "$rel/$prog"
}

# find_binary PROG VAR BUILD: print the absolute path of the PROG to
# measure: $VAR, else build/debug/PROG, else ./PROG of the top directory;
# when there is none, an -O2 build in build/release if BUILD is 1, else a
# failure.  An unoptimized binary is swapped for that -O2 build.
find_binary() {
	local prog=$1 var=$2 build=$3 bin
	bin=${!var:-}
	if [ -z "$bin" ]; then
		for bin in "$top/build/debug/$prog" "$top/$prog" ""; do
			[ -z "$bin" ] || [ ! -x "$bin" ] || break
		done
	fi
	if [ -z "$bin" ]; then
		[ "$build" = 1 ] || fail "no $prog: build it or set $var"
		echo "note: no $prog built; building -O2 in build/release" >&2
		bin=$(build_release "$prog" "$var") || exit 1
	fi
	[ -x "$bin" ] || fail "$bin is not an executable"
	bin=$(realpath "$bin")	# the timed runs may happen in another directory
	if binary_is_slow "$bin"; then
		echo "note: $bin is a -O0 or sanitizer build; building -O2 in build/release" >&2
		bin=$(build_release "$prog" "$var") || exit 1
		! binary_is_slow "$bin" || fail "$bin is still not an -O2 build"
	fi
	echo "$bin"
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

# Count what mariadb-binlog -v (or myshift-binlog) text shows on stdin:
# "ROWS_EVENTS ROWS" (an update of one row, its before and after image, is
# one row).  This is the reference a decoder's counts are checked against.
count_rows() {
	awk '
	    /^#[0-9]/ && /\t(Write|Update|Delete)_(compressed_)?rows(_compressed)?(_v1)?: table id / { ev++ }
	    /^### (INSERT INTO|UPDATE|DELETE FROM) / { rows++ }
	    END { print ev + 0, rows + 0 }'
}

# text_rows NAME CMD...: run CMD... (a decoder printing -v text) and print
# count_rows of its output; fail, calling it NAME, if it exits non-zero.
text_rows() {
	local name=$1 rc
	shift
	"$@" 2>"$work/err" | count_rows >"$work/text.counts"
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || { head -n 5 "$work/err" >&2; fail "$name exited with status $rc"; }
	cat "$work/text.counts"
}

# Sum the rows events and rows in myshift-binlog --stats output FILE:
# "EVENTS ROWS".  It has a line "rows: inserted I  updated U  deleted D"
# and one line "TYPE COUNT BYTES" per event type.
stats_rows() {
	awk '
	    $1 == "rows:" { rows = $3 + $5 + $7 }
	    $1 ~ /^(Write|Update|Delete)_rows(_compressed)?(_v1)?$/ ||
	    $1 == "Update_rows_partial" { ev += $2 }
	    END { print ev + 0, rows + 0 }' "$1"
}

# bench_fill_cache DIR MARKER FRESH MESSAGE GEN...: unless DIR/MARKER
# exists and FRESH is not 1, print MESSAGE and run GEN... TMPDIR, with
# TMPDIR a new dir beside DIR (removed on exit if unfinished) that becomes
# DIR once GEN... is done.  GEN... must write TMPDIR/generate_seconds.
# Sets $gen_note: whether DIR was made now, and how long that took.
bench_fill_cache() {
	local dir=$1 marker=$2 fresh=$3 msg=$4 root=${1%/*}
	shift 4
	# shellcheck disable=SC2034 # gen_note: for the benchmark's output
	if [ "$fresh" = 1 ] || [ ! -f "$dir/$marker" ]; then
		echo "$msg"
		mkdir -p "$root" || fail "cannot create $root"
		gen_tmp=$(mktemp -d "$root/.gen.XXXX") || fail "cannot create a dir in $root"
		"$@" "$gen_tmp"
		rm -rf "$dir"
		mv "$gen_tmp" "$dir" || fail "cannot rename $gen_tmp to $dir"
		gen_tmp=
		gen_note="generated in $(cat "$dir/generate_seconds") s"
	else
		gen_note="cached, generated in $(cat "$dir/generate_seconds") s"
	fi
}

# sb_prepare NAME TABLES ROWS LOG: on server NAME, a sysbench user (kept
# out of the binlog; loopback, no password) and the database sbtest, then
# sysbench oltp_write_only prepare (bulk inserts) of TABLES tables of ROWS
# rows, logged to LOG.  Sets $sb (declare it local in the caller) to the
# sysbench command for the run that follows.
sb_prepare() {
	local name=$1 log=$4
	srv_sql "$name" "SET sql_log_bin=0;
	    CREATE USER myshift_bench@'127.0.0.1';
	    GRANT ALL ON *.* TO myshift_bench@'127.0.0.1'" ||
	    fail "cannot create the sysbench user"
	srv_sql "$name" "CREATE DATABASE sbtest" || fail "cannot create sbtest"
	sb=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1
	    --mysql-port="$(_srv_get "$name" PORT)" --mysql-user=myshift_bench --mysql-db=sbtest
	    --tables="$2" --table-size="$3")
	"${sb[@]}" --threads=2 prepare >"$log" 2>&1 ||
	    { tail -n 20 "$log" >&2; fail "sysbench prepare failed"; }
}

# sbwrite_generate SIZE_MB OUT: write a binlog of >= SIZE_MB MB into
# directory OUT: a scratch MariaDB server "bench" (ROW, FULL images, 100 MB
# files, not durable: its speed is not measured), sysbench oltp_write_only
# prepare (4 tables of 50,000 rows), then its run (updates, deletes,
# inserts; 4 threads) until the binlog is large enough.  Records the files
# (files), their row counts as mariadb-binlog -v sees them (expected) and
# the time taken (generate_seconds).
sbwrite_generate() {
	local size_mb=$1 out=$2 t0 sb log files bytes limit=900
	command -v sysbench >/dev/null || skip "sysbench is not installed (apt-get install sysbench)"
	srv_require
	t0=$SECONDS
	srv_start bench --binlog_format=ROW --binlog_row_image=FULL \
	    --max_binlog_size=100M --innodb_flush_log_at_trx_commit=0 \
	    --innodb_buffer_pool_size=256M
	log=$out/sysbench.log
	sb_prepare bench 4 50000 "$log"
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

# sbwrite_cache ROOT SIZE_MB FRESH: set $cache to the directory under ROOT
# of the cached >= SIZE_MB MB sysbench binlog (sbwrite_generate's files),
# generating it first if it is missing or FRESH is 1; sets $gen_note.
sbwrite_cache() {
	cache=$1/$sbwrite_workload-${2}mb
	bench_fill_cache "$cache" expected "$3" \
	    "generating a ${2} MB binlog with sysbench into $cache ..." sbwrite_generate "$2"
}

# cached_binlogs DIR NAME: read the names of the cached binlog files in DIR
# (DIR/files) into $cfiles; fail unless each is NAME-bin.NNNNNN, the base
# name servers.sh gives server NAME's binlog.
cached_binlogs() {
	local f
	mapfile -t cfiles <"$1/files"
	for f in "${cfiles[@]}"; do
		[[ $f =~ ^"$2"-bin\.[0-9]{6}$ ]] || fail "unexpected cached binlog name '$f' in $1/files"
	done
}

# serve_cached NAME DIR [OPTION...]: start a scratch server NAME whose
# binlog is the cached files $cfiles of DIR: start it once (with OPTIONs),
# stop it, put the files and an index listing them in place of its own,
# start it again.  It opens one more, small file after them.  The index
# names the files as the server sees them: a chrooted server (MySQL,
# MariaDB 11.8) by the path inside its root, NAME_INNER_DIR.  A MySQL
# server reads the GTIDs of the files at start: its gtid_executed then
# covers them, as on the server that wrote them.
serve_cached() {
	local name=$1 dir=$2 bdir inner f
	shift 2
	srv_start "$name" "$@" --max_binlog_size=1G
	srv_stop "$name"
	bdir=$(_srv_get "$name" BINLOG_DIR)
	inner=$(_srv_get "$name" INNER_DIR)/binlog
	rm -f "$bdir/$name"-bin.[0-9]* "$bdir/$name-bin.index" "$bdir/$name-bin.state"
	for f in "${cfiles[@]}"; do
		cp "$dir/$f" "$bdir/$f" || fail "cannot copy $dir/$f"
		echo "$inner/$f" >>"$bdir/$name-bin.index"
	done
	srv_restart "$name"
}

# check_served NAME WHO: set $served to the binlog files server NAME lists;
# fail (calling the server WHO) unless they are $cfiles and one new file.
check_served() {
	mapfile -t served < <(srv_sql "$1" "SHOW BINARY LOGS" | awk '{ print $1 }')
	if [ "${served[0]}" != "${cfiles[0]}" ] || [ ${#served[@]} -ne $((${#cfiles[@]} + 1)) ]; then
		fail "$2 serves '${served[*]}', expected ${cfiles[*]} and one new file"
	fi
}
