#!/usr/bin/env bash
# copy_bench.sh: how fast start = snapshot copies a data set into an empty
# destination, against mydumper + myloader, mariadb-dump | mariadb, and the
# floor: the destination's own LOAD DATA INFILE of the same rows, all timed
# in this run on the same servers.
#
# Usage: tests/bench/copy_bench.sh
#        COPY_BENCH_ROWS=200000 tests/bench/copy_bench.sh    (smaller)
#        COPY_BENCH_WORKERS=4 ...                            ([copy] workers)
#
# A source server gets sysbench prepare: 4 tables (COPY_BENCH_TABLES) of
# 1,000,000 rows (COPY_BENCH_ROWS), with sysbench's secondary index k_1.
# The floor's files are written beforehand with SELECT ... INTO OUTFILE
# (not timed). Then, each into an empty destination (the database and
# myshift's state dropped between methods; same server, same settings:
# innodb_flush_log_at_trx_commit=2, a 512 MB buffer pool; the loads do not
# write the destination's binlog, as myloader does not by default: the
# floor and mariadb under SET sql_log_bin = 0, myshift with [copy]
# binlog = false), in this order:
#
#   floor     CREATE TABLE as on the source (with k_1), then LOAD DATA
#             INFILE of the files, two tables at a time (two clients)
#   myshift   myshift run, start = snapshot, [copy] workers = 2 (two
#             connections to each server, as mydumper -t 2 and myloader
#             -t 2 have; on this 2-core machine 4 workers cost the
#             destination 20-30 % more CPU in lock contention and took 10 %
#             longer), through
#             both servers' Unix sockets as the other methods; timed from
#             its launch until the log says "phase: catch-up" (schema, copy,
#             secondary indexes and objects done; the stream starts), then
#             stopped with SIGTERM
#   mydumper  mydumper -t 2 into a directory, then myloader -t 2 (the sum),
#             each through its server's Unix socket
#   dump      mariadb-dump --single-transaction | mariadb (sockets)
#
# After each, every table's row count and CHECKSUM TABLE must equal the
# source's, so that a method that copies nothing cannot look fast. For
# myshift and mydumper + myloader it shows the CPU seconds the source and
# destination servers (and myshift) used, and myshift's phases. Prints
#
#   copy: myshift N s (R rows/s), mydumper+myloader N s (ratio R, target >= 2),
#       dump|load N s (ratio R), LOAD DATA floor N s (myshift / floor R,
#       target <= 1.5)
#
# The myshift binary: $MYSHIFT, else an -O2 build (build/release).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=$top
. "$top/tests/bench/lib.sh"
MYSHIFT=$(find_binary myshift MYSHIFT 1) || exit 1
. "$top/tests/lib/migrate.sh"

TABLES=${COPY_BENCH_TABLES:-4}
ROWS=${COPY_BENCH_ROWS:-1000000}
need_positive "$TABLES" COPY_BENCH_TABLES
need_positive "$ROWS" COPY_BENCH_ROWS

bench_init copy-bench sb_pid loader_pid
mig_require_sysbench
command -v mydumper >/dev/null 2>&1 && command -v myloader >/dev/null 2>&1 ||
    skip "mydumper/myloader are not installed (Debian package mydumper)"
srv_is_mysql src && skip "copy_bench runs on MariaDB (mariadb-dump, mydumper's build)"

SETTINGS=(innodb_flush_log_at_trx_commit=2 innodb_buffer_pool_size=512M)
mig_source src "${SETTINGS[@]}"
mig_dest dst "${SETTINGS[@]}"
mig_socket_accounts src dst
print_load

echo "prepare: $TABLES tables x $ROWS rows (sysbench)"
srv_sql src "CREATE DATABASE sbtest" || fail "cannot create sbtest"
t0=$SECONDS
mig_sysbench src sbtest --tables="$TABLES" --table-size="$ROWS" --threads=2 prepare \
    >"$work/prepare.log" 2>&1 || fail "sysbench prepare failed (see $work/prepare.log)"
echo "prepared in $((SECONDS - t0)) s"
mkdir -p "$work/floor" && chmod 777 "$work/floor"
want=()
for i in $(seq 1 "$TABLES"); do
	srv_sql src "SELECT * INTO OUTFILE '$work/floor/sbtest$i.txt' FROM sbtest.sbtest$i" ||
	    fail "SELECT INTO OUTFILE failed"
	want+=("$(srv_sql src "CHECKSUM TABLE sbtest.sbtest$i" | cut -f2)")
done
bytes=$(du -sb "$work/floor" | cut -f1)
echo "data: $(div "$bytes" 1000000 1) MB as text"

# empty_dst: drop what a method made on the destination.
# Then let the destination settle, so that no method pays for the one
# before it: the page cleaner's writes and the freeing of the dropped files
# (sync), until no dirty page is left (at most 30 s), and a second more.
empty_dst() {
	local i dirty
	srv_sql dst "DROP DATABASE IF EXISTS sbtest; DROP DATABASE IF EXISTS myshift" ||
	    fail "cannot empty the destination"
	sync
	for i in $(seq 1 30); do
		dirty=$(srv_sql dst "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
		[ "${dirty:-0}" -gt 0 ] || break
		sleep 1
	done
	sleep 1
}

# verify METHOD: every table as on the source.
verify() {
	local i got
	for i in $(seq 1 "$TABLES"); do
		got=$(srv_sql dst "CHECKSUM TABLE sbtest.sbtest$i" | cut -f2)
		[ "$got" = "${want[$((i - 1))]}" ] || fail "$1: sbtest$i differs" \
		    "(CHECKSUM $got, source ${want[$((i - 1))]})"
	done
}

now() {
	date +%s.%N
}

# cpu PID: CPU seconds (user + system) PID has used so far.
cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null ||
	    echo 0
}

# cpu_line LABEL SRC0 DST0 [PID PID0]: CPU seconds the servers (and PID) used since.
cpu_line() {
	local s d p=
	s=$(awk -v a="$(cpu "$(_srv_get src PID)")" -v b="$2" 'BEGIN { printf "%.1f", a - b }')
	d=$(awk -v a="$(cpu "$(_srv_get dst PID)")" -v b="$3" 'BEGIN { printf "%.1f", a - b }')
	[ $# -lt 5 ] || p=", $1 $(awk -v a="$(cpu "$4")" -v b="$5" 'BEGIN { printf "%.1f", a - b }') s"
	echo "  CPU: source server $s s, destination server $d s$p"
}

# floor: LOAD DATA INFILE, two tables at a time
empty_dst
srv_sql dst "CREATE DATABASE sbtest" || fail "floor: create database"
for i in $(seq 1 "$TABLES"); do
	def=$(srv_sql src "SHOW CREATE TABLE sbtest.sbtest$i" | cut -f2 | sed 's/\\n/\n/g')
	srv_sql dst "USE sbtest; $def" || fail "floor: create sbtest$i"
done
t0=$(now)
i=1
while [ "$i" -le "$TABLES" ]; do
	srv_sql dst "SET sql_log_bin = 0; LOAD DATA INFILE '$work/floor/sbtest$i.txt' INTO TABLE sbtest.sbtest$i" &
	p1=$!
	p2=
	if [ $((i + 1)) -le "$TABLES" ]; then
		srv_sql dst "SET sql_log_bin = 0; LOAD DATA INFILE '$work/floor/sbtest$((i + 1)).txt' INTO TABLE sbtest.sbtest$((i + 1))" &
		p2=$!
	fi
	wait "$p1" || fail "floor: LOAD DATA failed"
	[ -z "$p2" ] || wait "$p2" || fail "floor: LOAD DATA failed"
	i=$((i + 2))
done
t_floor=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
verify floor
echo "floor (LOAD DATA INFILE, 2 at a time): $t_floor s"

# myshift
empty_dst
mig_config "$work/myshift.ini" src dst snapshot "[copy]
workers = ${COPY_BENCH_WORKERS:-2}
binlog = false"
mig_use_sockets "$work/myshift.ini" src dst
c_src=$(cpu "$(_srv_get src PID)") c_dst=$(cpu "$(_srv_get dst PID)")
t0=$(now)
: >"$work/myshift.log"
"$MYSHIFT" run -c "$work/myshift.ini" >>"$work/myshift.log" 2>&1 &
loader_pid=$!
# Wait for the line without forking: a grep and a sleep started every few
# milliseconds take CPU from the copy being timed on a small machine. tail
# reads the log as it grows (inotify, else a stat every 50 ms: its default
# second would add up to a second to the time); --pid ends it (and the wait
# fails) if myshift exits first.
if ! tail --pid="$loader_pid" -s 0.05 -n +1 -F "$work/myshift.log" 2>/dev/null |
    grep -q -m1 'phase: catch-up'; then
	tail -n 5 "$work/myshift.log"
	fail "myshift exited before the stream started"
fi
t_myshift=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
cpu_myshift=$(cpu_line myshift "$c_src" "$c_dst" "$loader_pid" 0)
kill -TERM "$loader_pid"
wait "$loader_pid" || fail "myshift exited with status $? on SIGTERM"
loader_pid=
verify myshift
echo "myshift (start = snapshot, ${COPY_BENCH_WORKERS:-2} workers, until the stream starts): $t_myshift s"
echo "$cpu_myshift"
grep -E 'phase: |copy: [0-9]+ chunks|indexes built' "$work/myshift.log" | tail -n 6 | sed 's/^/  /'

# mydumper + myloader
empty_dst
rm -rf "$work/dump"
c_src=$(cpu "$(_srv_get src PID)") c_dst=$(cpu "$(_srv_get dst PID)")
t0=$(now)
mydumper -S "$(_srv_get src SOCK)" -u root -B sbtest -t 2 -o "$work/dump" >"$work/mydumper.log" 2>&1 ||
    fail "mydumper failed (see $work/mydumper.log)"
t1=$(now)
myloader -S "$(_srv_get dst SOCK)" -u root -d "$work/dump" -t 2 >"$work/myloader.log" 2>&1 ||
    fail "myloader failed (see $work/myloader.log)"
t_mydumper=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
cpu_mydumper=$(cpu_line mydumper "$c_src" "$c_dst")
verify mydumper
echo "mydumper -t 2 + myloader -t 2: $t_mydumper s (dump $(awk -v a="$t1" -v b="$t0" \
    'BEGIN { printf "%.2f", a - b }') s)"
echo "$cpu_mydumper"

# mariadb-dump | mariadb
empty_dst
srv_sql dst "CREATE DATABASE sbtest" || fail "dump: create database"
t0=$(now)
mariadb-dump --no-defaults -S "$(_srv_get src SOCK)" -uroot --single-transaction sbtest |
    mariadb --no-defaults -S "$(_srv_get dst SOCK)" -uroot --init-command="SET sql_log_bin = 0" sbtest ||
    fail "mariadb-dump | mariadb failed"
t_dump=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
verify dump
echo "mariadb-dump | mariadb: $t_dump s"

rows=$((TABLES * ROWS))
echo "copy: myshift $t_myshift s ($(div "$rows" "$t_myshift" 0) rows/s)," \
    "mydumper+myloader $t_mydumper s (ratio $(div "$t_mydumper" "$t_myshift" 2), target >= 2)," \
    "dump|load $t_dump s (ratio $(div "$t_dump" "$t_myshift" 2))," \
    "LOAD DATA floor $t_floor s (myshift / floor $(div "$t_myshift" "$t_floor" 2), target <= 1.5)"
