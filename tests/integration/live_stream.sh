#!/usr/bin/env bash
# live_stream.sh: myshift-binlog reading a live server prints what it prints
# for the server's binlog files, and --raw copies them byte for byte.
#
# A MariaDB server (ROW format, GTIDs as MariaDB always writes them) gets a
# replication account.  Three replicas are started before the workload:
#
#   text   myshift-binlog --stop-never, from the first binlog, into a file
#   raw    myshift-binlog --stop-never --raw --result-dir D, from position 4
#   json   myshift-binlog --stop-never --json
#
# The workload is a few thousand transactions on three tables with many
# column types (autocommit and multi-statement transactions, rolled back
# ones, multi-row statements, CREATE/ALTER/DROP TABLE) with two FLUSH
# BINARY LOGS in the middle.  When every replica has the last transaction
# they are stopped with SIGTERM, and:
#
#   - the text stream's "# at N" lines, event description lines and "###"
#     row lines equal, line for line, those of `myshift-binlog FILE...` on
#     the server's binlog files, and its row counts are the workload's;
#   - the JSON stream has one object per line and as many row changes;
#   - every completed binlog file in D is byte-identical to the server's,
#     and the active one is identical over the server's current length
#     but for the "in use" flag, which the server clears in what it sends;
#   - a run without --stop-never stops by itself with status 0 at the
#     server's current end, with the same events as the files.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

# Transactions in the workload (each one a binlog group, or a rollback).
NTRX=${LIVE_STREAM_NTRX:-3000}
# Seconds a replica may take to catch up with the end of the workload.
CATCHUP_TIMEOUT=120
REPL_PW='S3cret-live_stream'

ERRORS=0
PIDS=()
# Stop the replicas this test started (by pid), then the servers.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	srv_cleanup_all
}
trap cleanup EXIT

# show_diff A B: the first differing lines of two files.
show_diff() {
	diff "$1" "$2" | cut -c1-300 | head -n 30 >&2
}

# events FILE: the lines that identify events and rows in -v text output:
# "# at N", the event description line "#YYMMDD hh:mm:ss server id ...",
# and the "###" row lines.
events() {
	grep -aE '^(# at [0-9]+$|#[0-9]{6} |###)' "$1"
}

# count_rows FILE: "INSERT UPDATE DELETE" row counts of ### output.
count_rows() {
	printf '%s %s %s\n' \
	    "$(grep -ac '^### INSERT INTO ' "$1")" \
	    "$(grep -ac '^### UPDATE ' "$1")" \
	    "$(grep -ac '^### DELETE FROM ' "$1")"
}

# workload COUNTS: print the workload's SQL on stdout and write the row
# changes it makes, "INSERT UPDATE DELETE", into the file COUNTS.  Every
# statement changes the number of rows it is counted for: updates always
# change a value, deletes and updates touch rows known to exist.
workload() {
	awk -v n="$NTRX" -v counts="$1" '
	function t1row(id) {
		return sprintf("(%d, %s, %d.%03d, %s, %s, %s, %s, %s, %s, %s)",
		    id, "18446744073709551615 - " id, id * 3, id % 1000,
		    id % 2 ? id / 7 : -id * 1e10,
		    id % 5 ? "\x27é😀 row " id "\x27" : "NULL",
		    "\x27" sprintf("2024-%02d-%02d %02d:%02d:%02d.%06d", id % 12 + 1,
		    id % 28 + 1, id % 24, id % 60, (id * 7) % 60, id * 37 % 1000000) "\x27",
		    "UNHEX(\x27" sprintf("00%04X0A27", id) "\x27)",
		    "\x27" substr("xyz", id % 3 + 1, 1) "\x27",
		    "\x27{\"id\": " id ", \"a\": [1, \"x\", null, true]}\x27",
		    id % 2 ? "NULL" : "\x27" (1000 + id % 9000) "-06-15\x27")
	}
	function t1ins(k,   s, j) {
		s = "INSERT INTO t1 VALUES "
		for (j = 0; j < k; j++) {
			next1++
			s = s (j ? ", " : "") t1row(next1)
			if (next1 % 3 == 1) del1[++ndel1] = next1
			ins++
		}
		print s ";"
	}
	function t2ins(  k) {
		next2++
		print "INSERT INTO t2 (k, n, ts, bits, y) VALUES (\x27key" next2 "\x27, " \
		    next2 ", \x27" sprintf("2020-02-%02d 10:00:00.%03d", next2 % 28 + 1, next2 % 1000) \
		    "\x27, b\x27" (next2 % 2 ? "1010101010" : "1") "\x27, " (1901 + next2 % 250) ");"
		ins++
	}
	# an id of t1 that is never deleted (id % 3 == 0), at most next1
	function keep1() { return next1 - next1 % 3 }
	BEGIN {
		print "SET NAMES utf8mb4; SET time_zone=\x27+00:00\x27;"
		print "CREATE DATABASE d; USE d;"
		print "CREATE TABLE t1 (id INT PRIMARY KEY, u BIGINT UNSIGNED, " \
		    "dc DECIMAL(12,3), f DOUBLE, s VARCHAR(64), dt DATETIME(6), " \
		    "b VARBINARY(32), e ENUM(\x27x\x27,\x27y\x27,\x27z\x27), j JSON, da DATE NULL) ENGINE=InnoDB;"
		print "CREATE TABLE t2 (k VARCHAR(32) PRIMARY KEY, n INT, " \
		    "ts TIMESTAMP(3) NULL, bits BIT(10), y YEAR) ENGINE=InnoDB;"
		t1ins(6)
		for (i = 0; i < 20; i++) t2ins()
		head2 = 1
		for (i = 1; i <= n; i++) {
			if (i == int(n / 3) || i == int(2 * n / 3))
				print "FLUSH BINARY LOGS;"
			if (i == int(n / 4))
				print "CREATE TABLE t3 (a INT PRIMARY KEY, c CHAR(5), " \
				    "m MEDIUMINT UNSIGNED) ENGINE=InnoDB;"
			if (i == int(n / 2))
				print "ALTER TABLE t2 ADD COLUMN extra INT DEFAULT 7 AFTER n;"
			if (i == int(3 * n / 4))
				print "DROP TABLE t3;"
			r = i % 10
			if (r <= 1) {
				t1ins(1)
			} else if (r == 2) {
				if (i > int(n / 4) && i < int(3 * n / 4)) {
					print "INSERT INTO t3 VALUES (" i ", \x27c" i % 100 "\x27, " \
					    16777215 - i ");"
					ins++
				} else
					t1ins(1)
			} else if (r == 3) {
				print "BEGIN;"
				t1ins(3)
				print "UPDATE t1 SET s=CONCAT(\x27upd \x27, " i "), f=f+1 WHERE id=" keep1() ";"
				upd++
				t2ins()
				print "COMMIT;"
			} else if (r == 4) {
				print "UPDATE t1 SET j=JSON_SET(j, \x27$.u\x27, " i "), dc=dc+0.5 WHERE id=" keep1() ";"
				upd++
			} else if (r == 5 && hd1 < ndel1) {
				print "DELETE FROM t1 WHERE id=" del1[++hd1] ";"
				del++
			} else if (r == 6) {
				print "BEGIN;"
				print "UPDATE t2 SET n=n+" i ", bits=b\x27111\x27 ^ bits WHERE k=\x27key" next2 "\x27;"
				upd++
				if (head2 < next2) {
					print "DELETE FROM t2 WHERE k=\x27key" head2++ "\x27;"
					del++
				}
				t2ins()
				print "COMMIT;"
			} else if (r == 7) {
				print "BEGIN; INSERT INTO t1 (id) VALUES (" 10000000 + i "); ROLLBACK;"
			} else if (r == 8) {
				lo = keep1() - 12
				if (lo < 1) lo = 1
				print "UPDATE t1 SET f=f*2+1 WHERE id BETWEEN " lo " AND " lo + 12 " AND id % 3 = 0;"
				for (j = lo; j <= lo + 12; j++) if (j % 3 == 0 && j <= next1) upd++
			} else {
				t1ins(5)
			}
		}
		print "INSERT INTO t2 (k, n) VALUES (\x27end-of-workload\x27, -1);"
		ins++
		print ins, upd, del > counts
	}'
}

srv_start src
srv_scratch
T=$SRV_ROOT
srv_sql src "SET sql_log_bin=0;
    CREATE USER repl@'127.0.0.1' IDENTIFIED BY '$REPL_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO repl@'127.0.0.1'" ||
    fail "cannot create the replication user"
# The password goes through the environment (env execs: $! stays the pid).
LIVE=(env MYSQL_PWD="$REPL_PW" "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$src_PORT" --user repl)

mkdir -p "$T/raw"
"${LIVE[@]}" --stop-never >"$T/text.out" 2>"$T/text.err" &
text_pid=$!
PIDS+=("$text_pid")
"${LIVE[@]}" --stop-never --raw --result-dir "$T/raw" --start-position 4 \
    >"$T/raw.out" 2>"$T/raw.err" &
raw_pid=$!
PIDS+=("$raw_pid")
"${LIVE[@]}" --stop-never --json >"$T/json.out" 2>"$T/json.err" &
json_pid=$!
PIDS+=("$json_pid")

workload "$T/counts" >"$T/workload.sql"
srv_sql src - <"$T/workload.sql" >"$T/workload.log" 2>&1 ||
    { tail -n 5 "$T/workload.log" >&2; fail "the workload failed"; }
read -r want_ins want_upd want_del <"$T/counts"
if srv_is_mysql src; then
	last_gtid=$(srv_sql src "SELECT @@gtid_executed") || fail "cannot read gtid_executed"
else
	last_gtid=$(srv_sql src "SELECT @@gtid_binlog_pos") || fail "cannot read gtid_binlog_pos"
fi
mapfile -t files < <(srv_binlogs src)
[ ${#files[@]} -ge 3 ] ||
    fail "expected >= 3 binlog files after two FLUSH BINARY LOGS, got ${#files[@]}"
active=${files[${#files[@]} - 1]}
active_size=$(stat -c %s "$active")
echo "workload: $NTRX transactions, rows ins/upd/del $want_ins/$want_upd/$want_del," \
    "last GTID $last_gtid, ${#files[@]} binlog files"

# has_gtid FILE: the text stream has printed the last transaction.
has_gtid() {
	if srv_is_mysql src; then
		# MySQL's GTIDs print one by one: the marker row is the last
		grep -aq 'end-of-workload' "$1"
	else
		grep -aqE "	GTID $last_gtid (trans|ddl)" "$1"
	fi
}
# raw_caught_up: the raw copy of the active file has the server's size.
raw_caught_up() {
	[ -f "$T/raw/${active##*/}" ] &&
	    [ "$(stat -c %s "$T/raw/${active##*/}")" -eq "$active_size" ]
}
# json_has_end: the JSON stream has printed the marker row.
json_has_end() {
	grep -aq 'end-of-workload' "$T/json.out"
}

# caught_up WHAT PID COND...: wait until COND holds (true) or the stream
# PID has exited or the time is up (false, reported).
caught_up() {
	local what=$1 pid=$2 t0=$SECONDS
	shift 2
	until "$@"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			check_fail "the $what stream exited (status $?) before it had the" \
			    "last transaction: $(grep -av ' INFO ' "$T/$what.err" | head -n 3)"
			return 1
		fi
		if [ $((SECONDS - t0)) -ge "$CATCHUP_TIMEOUT" ]; then
			check_fail "the $what stream did not catch up with GTID $last_gtid" \
			    "within ${CATCHUP_TIMEOUT}s: $(tail -n 3 "$T/$what.err")"
			return 1
		fi
		sleep 0.2
	done
}

# read through ${!ok_var} below
# shellcheck disable=SC2034
ok_text=0 ok_raw=0 ok_json=0
# shellcheck disable=SC2034
{
	caught_up text "$text_pid" has_gtid "$T/text.out" && ok_text=1
	caught_up raw "$raw_pid" raw_caught_up && ok_raw=1
	caught_up json "$json_pid" json_has_end && ok_json=1
}

# Stop them as an operator would; each must exit 0 and log no warning.
for what in text raw json; do
	pid_var=${what}_pid
	kill -TERM "${!pid_var}" 2>/dev/null
done
for what in text raw json; do
	pid_var=${what}_pid
	ok_var=ok_$what
	wait "${!pid_var}"
	rc=$?
	[ "${!ok_var}" = 1 ] || continue
	[ $rc -eq 0 ] || check_fail "the $what stream exited with status $rc after SIGTERM:" \
	    "$(grep -av ' INFO ' "$T/$what.err" | head -n 3)"
	if grep -aE ' (ERROR|WARN) ' "$T/$what.err" >/dev/null; then
		check_fail "the $what stream logged: $(grep -aE ' (ERROR|WARN) ' "$T/$what.err" | head -n 3)"
	fi
done
PIDS=()

# Decode the files on disk: the reference.
"$MYSHIFT_BINLOG" "${files[@]}" >"$T/files.out" 2>"$T/files.err" ||
    fail "myshift-binlog FILES failed: $(head -n 3 "$T/files.err")"
events "$T/files.out" >"$T/files.ev"
events "$T/text.out" >"$T/text.ev"

got=$(count_rows "$T/text.out")
[ "$got" = "$want_ins $want_upd $want_del" ] ||
    check_fail "text stream: rows ins/upd/del $got, the workload made $want_ins $want_upd $want_del"
got=$(count_rows "$T/files.out")
[ "$got" = "$want_ins $want_upd $want_del" ] ||
    check_fail "binlog files: rows ins/upd/del $got, the workload made $want_ins $want_upd $want_del"
if ! cmp -s "$T/files.ev" "$T/text.ev"; then
	check_fail "text stream and binlog files differ (events, positions, rows;" \
	    "< files, > stream; $(wc -l <"$T/files.ev") vs $(wc -l <"$T/text.ev") lines):"
	show_diff "$T/files.ev" "$T/text.ev"
fi
n=$(grep -acE '	Rotate to ' "$T/text.out")
[ "$n" -eq $((${#files[@]} - 1)) ] ||
    check_fail "text stream has $n Rotate events, expected $((${#files[@]} - 1))"
n=$(grep -c '^# at ' "$T/text.ev")
echo "text stream: $n events, equal to the files: $(cmp -s "$T/files.ev" "$T/text.ev" && echo yes || echo no)"

# JSON: one object per line, as many row changes as the workload made.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/json.out" >"$T/json.check" 2>&1 <<-'EOF'
	import json, sys
	kinds = {"Write": 0, "Update": 0, "Delete": 0}
	for ln, line in enumerate(open(sys.argv[1], "rb"), 1):
	    try:
	        o = json.loads(line)
	    except ValueError as e:
	        sys.exit("line %d is not JSON: %s: %r" % (ln, e, line[:200]))
	    k = o.get("type", "").split("_")[0]
	    if k in kinds and "rows" in o:
	        kinds[k] += len(o["rows"])
	print(kinds["Write"], kinds["Update"], kinds["Delete"])
	EOF
	got=$(tail -n 1 "$T/json.check")
	[ "$got" = "$want_ins $want_upd $want_del" ] ||
	    check_fail "JSON stream: rows ins/upd/del '$got', the workload made $want_ins $want_upd $want_del"
fi
if ! grep -aq '"end-of-workload"' "$T/json.out"; then
	check_fail "JSON stream lacks the last row ('end-of-workload')"
fi
"$MYSHIFT_BINLOG" --json "${files[@]}" >"$T/files.json" 2>"$T/files.json.err" ||
    fail "myshift-binlog --json FILES failed: $(head -n 3 "$T/files.json.err")"
if ! cmp -s "$T/files.json" "$T/json.out"; then
	check_fail "JSON stream differs from --json of the files (< files, > stream):"
	show_diff "$T/files.json" "$T/json.out"
fi

# --raw: completed files byte-identical, the active one over its length.
for f in "${files[@]}"; do
	copy=$T/raw/${f##*/}
	size=$(stat -c %s "$f")
	if [ ! -f "$copy" ]; then
		check_fail "--raw did not write ${f##*/}"
	elif [ "$f" != "$active" ]; then
		cmp "$f" "$copy" >&2 || check_fail "--raw copy of ${f##*/} differs from the server's file" \
		    "($size bytes, copy $(stat -c %s "$copy"))"
	else
		# The server clears LOG_EVENT_BINLOG_IN_USE_F (bit 0 of the
		# format description's flags, file offset 21: cmp's byte 22)
		# in the copy it sends; it still has it set in its active file.
		d=$(cmp -l -n "$size" "$f" "$copy" 2>&1 | awk '$1 != 22 || $2 != 1 || $3 != 0')
		[ -z "$d" ] || check_fail "--raw copy of the active ${f##*/} differs over its" \
		    "$size bytes (byte, server octal, copy octal): $(echo "$d" | head -n 5 | tr '\n' ' ')"
		[ "$(stat -c %s "$copy")" -eq "$size" ] ||
		    check_fail "--raw copy of the active ${f##*/} has $(stat -c %s "$copy") bytes," \
		    "the server's $size"
	fi
done
n=$(find "$T/raw" -type f | wc -l)
[ "$n" -eq ${#files[@]} ] || check_fail "--raw wrote $n files, the server has ${#files[@]}"
echo "raw copies: ${#files[@]} files checked"

# Without --stop-never: the stream ends by itself at the current end.
srv_sql src "INSERT INTO d.t2 (k, n) VALUES ('after-stop', 1)" || fail "insert failed"
mapfile -t files < <(srv_binlogs src)
t0=$SECONDS
timeout 60 "${LIVE[@]}" >"$T/once.out" 2>"$T/once.err"
rc=$?
if [ $rc -ne 0 ]; then
	check_fail "without --stop-never: exit status $rc (124: still running after 60 s):" \
	    "$(grep -av ' INFO ' "$T/once.err" | head -n 3)"
else
	echo "without --stop-never: ended by itself in $((SECONDS - t0)) s"
	"$MYSHIFT_BINLOG" "${files[@]}" >"$T/files2.out" 2>&1 ||
	    fail "myshift-binlog FILES failed: $(head -n 3 "$T/files2.out")"
	events "$T/files2.out" >"$T/files2.ev"
	events "$T/once.out" >"$T/once.ev"
	if ! cmp -s "$T/files2.ev" "$T/once.ev"; then
		check_fail "without --stop-never: the stream differs from the files (< files, > stream):"
		show_diff "$T/files2.ev" "$T/once.ev"
	fi
	grep -aq "@1='after-stop'" "$T/once.out" ||
	    check_fail "without --stop-never: the last row ('after-stop') is missing"
	tail -n 5 "$T/once.out" | grep -q '^# End of log file' ||
	    check_fail "without --stop-never: the output does not end with '# End of log file'"
fi

[ $ERRORS -eq 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: live_stream"
