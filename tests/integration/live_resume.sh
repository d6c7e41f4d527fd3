#!/usr/bin/env bash
# live_resume.sh: myshift-binlog --stop-never keeps streaming through killed
# connections and server restarts under write load, and prints every
# transaction exactly once, whole; and it starts where it is told to.
#
# A writer loop commits transactions into d.seq, each row with a unique
# sequence number n: single-row inserts, multi-statement transactions, and
# every 100th transaction 2000 rows in one INSERT ... SELECT (many rows
# events), with max_binlog_size=2M so files rotate.  Meanwhile three
# replicas stream with --stop-never --retry-window 120:
#
#   file   text, from the first binlog (file and position resume)
#   gtid   text, --start-gtid of the last setup DDL (GTID resume)
#   raw    --raw --result-dir D from position 4
#   stats  --stats, from the first binlog
#
# and the test, with writes going on in between, several times KILLs every
# "Binlog Dump" thread on the server and several times restarts the server
# (srv_restart: same port and datadir).  Some of these happen while the
# replicas are stopped (SIGSTOP) and a transaction of 30,000 rows (9 MB)
# is being sent, with the dump threads seen blocked in "Writing to net": then the
# link is certainly cut in the middle of a transaction.
#
# Afterwards (writer stopped, replicas caught up with the last GTID,
# SIGTERM, exit 0) each text stream must hold every n on the server exactly
# once (parsed from the "### INSERT" @1 values; the count equals
# SELECT COUNT(*)), its "###" lines must equal those of `myshift-binlog
# FILE...` on the server's binlog files, and for the file stream also the
# "# at" and event lines; the raw copies must equal the server's files;
# the --stats stream must count what `myshift-binlog --stats FILE...`
# counts (events, rows, per type and per table).
#
# Then: --start-gtid of a GTID in the middle prints from the next
# transaction on; --start-file/--start-position of an event in the middle
# of a file prints what the files print from there; and after PURGE BINARY
# LOGS, --start-file of a purged file and --start-gtid of a purged GTID fail
# (exit 1, one error line naming the link) saying that the source no
# longer has the binlog and what to do.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

REPL_PW='Resume-pw_31337'
# Seconds the replicas may take to catch up at the end.
CATCHUP_TIMEOUT=180
# Seconds to wait for the replicas to be back after a disruption.
RECONNECT_TIMEOUT=90
# Rows of the transaction sent while the replicas are stopped: larger
# than what the loopback socket buffers hold, so it is cut.
BIG_ROWS=30000

ERRORS=0
STREAMS=(file gtid raw stats)
declare -A PID=()
writer_pid=
# Stop what this test started (writer, replicas; by pid), then the servers.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local s
	[ -z "$writer_pid" ] || kill -TERM "$writer_pid" 2>/dev/null
	for s in "${!PID[@]}"; do
		kill -CONT "${PID[$s]}" 2>/dev/null
		kill -TERM "${PID[$s]}" 2>/dev/null
	done
	[ -z "$writer_pid" ] || wait "$writer_pid" 2>/dev/null
	for s in "${!PID[@]}"; do
		wait "${PID[$s]}" 2>/dev/null
	done
	srv_cleanup_all
}
trap cleanup EXIT

show_diff() {
	diff "$1" "$2" | cut -c1-300 | head -n 30 >&2
}

# events FILE: "# at N", event description and "###" lines of -v output.
events() {
	grep -aE '^(# at [0-9]+$|#[0-9]{6} |###)' "$1"
}

# rows FILE: the "###" lines.
rows() {
	grep -a '^###' "$1"
}

# seqs FILE: the n (@1) of every row inserted into d.seq, one per line.
seqs() {
	awk '
	    /^### INSERT INTO `d`\.`seq`$/ { want = 1; next }
	    want && /^###   @1=/ { sub(/^###   @1=/, ""); print; want = 0 }' "$1"
}

srv_start src --max_binlog_size=2M
srv_scratch
T=$SRV_ROOT
srv_sql src "SET sql_log_bin=0;
    CREATE USER repl@'127.0.0.1' IDENTIFIED BY '$REPL_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO repl@'127.0.0.1';
    SET sql_log_bin=1;
    CREATE DATABASE d;
    CREATE TABLE d.seq (n BIGINT NOT NULL PRIMARY KEY, tx INT NOT NULL,
        pad VARCHAR(255)) ENGINE=InnoDB" || fail "cannot set up the server"
setup_gtid=$(srv_sql src "SELECT @@gtid_binlog_pos") || fail "no gtid_binlog_pos"

LIVE=(env MYSQL_PWD="$REPL_PW" "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$src_PORT"
    --user repl)

mkdir -p "$T/raw"
start_streams() {
	"${LIVE[@]}" --stop-never --retry-window 120 -v >"$T/file.out" 2>"$T/file.err" &
	PID[file]=$!
	"${LIVE[@]}" --stop-never --retry-window 120 -v --start-gtid "$setup_gtid" \
	    >"$T/gtid.out" 2>"$T/gtid.err" &
	PID[gtid]=$!
	"${LIVE[@]}" --stop-never --retry-window 120 -v --raw --result-dir "$T/raw" \
	    --start-position 4 >"$T/raw.out" 2>"$T/raw.err" &
	PID[raw]=$!
	"${LIVE[@]}" --stop-never --retry-window 120 -v --stats >"$T/stats.out" 2>"$T/stats.err" &
	PID[stats]=$!
}

# writer: commit transactions until $T/stop exists.  Transaction k
# inserts rows with fresh n; a batch that fails (server restarting) is
# not retried: its n are never used again, the server's table is the
# truth.  Large transactions use n above 10^9 + k * 10^4.
writer() {
	local k=0 n=0 sql
	trap - EXIT INT TERM
	while [ ! -e "$T/stop" ]; do
		sql="USE d;"
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			k=$((k + 1))
			if [ $((k % 100)) -eq 0 ]; then
				sql+="INSERT INTO seq SELECT $((1000000000 + k * 10000)) + seq, $k,
				    REPEAT('L', 100) FROM seq_1_to_2000;"
			elif [ $((k % 7)) -eq 0 ]; then
				sql+="BEGIN; INSERT INTO seq VALUES ($((n + 1)), $k, 'm1'),
				    ($((n + 2)), $k, 'm2'), ($((n + 3)), $k, 'm3');
				    INSERT INTO seq VALUES ($((n + 4)), $k, REPEAT('m', 200));
				    INSERT INTO seq VALUES ($((n + 5)), $k, NULL); COMMIT;"
				n=$((n + 5))
			else
				n=$((n + 1))
				sql+="INSERT INTO seq VALUES ($n, $k, 'single $n');"
			fi
		done
		srv_sql src - <<<"$sql" >/dev/null 2>>"$T/writer.err" || sleep 0.3
		sleep 0.05
	done
}

# dump_threads: ids of the server's Binlog Dump threads.
dump_threads() {
	srv_sql src "SELECT ID FROM information_schema.PROCESSLIST
	    WHERE COMMAND LIKE 'Binlog Dump%' ORDER BY ID" 2>/dev/null
}

# streams_alive: check that every replica still runs; one that exited is
# a failure, and is left out of the rest of the test.
streams_alive() {
	local s left=()
	for s in "${STREAMS[@]}"; do
		if kill -0 "${PID[$s]}" 2>/dev/null; then
			left+=("$s")
			continue
		fi
		wait "${PID[$s]}"
		check_fail "the $s stream exited (status $?) during the disruptions;" \
		    "its last log lines: $(grep -av ' DEBUG ' "$T/$s.err" | tail -n 3)"
		unset "PID[$s]"
	done
	STREAMS=("${left[@]}")
	[ ${#STREAMS[@]} -gt 0 ] || fail "every stream has exited"
}

# reconnected OLD_IDS: every replica has a dump thread again, none of
# them one of OLD_IDS (space separated).
reconnected() {
	local ids id
	ids=$(dump_threads) || return 1
	[ "$(echo "$ids" | grep -c .)" -eq ${#STREAMS[@]} ] || return 1
	for id in $ids; do
		case " $1 " in *" $id "*) return 1 ;; esac
	done
}

# wait_back OLD_IDS: wait until the replicas are back after a disruption.
wait_back() {
	local t0=$SECONDS
	until reconnected "$1"; do
		streams_alive
		[ $((SECONDS - t0)) -lt $RECONNECT_TIMEOUT ] ||
		    fail "the replicas did not reconnect within ${RECONNECT_TIMEOUT}s" \
		    "(dump threads: $(dump_threads | tr '\n' ' ')): $(tail -n 2 "$T/file.err")"
		sleep 0.2
	done
}

# kill_dumps: KILL every Binlog Dump thread, wait until all are back.
kill_dumps() {
	local ids id
	ids=$(dump_threads | tr '\n' ' ')
	for id in $ids; do
		srv_sql src "KILL $id" 2>/dev/null
	done
	echo "killed dump threads $ids"
}

# stop_streams / cont_streams: SIGSTOP / SIGCONT every replica.
stop_streams() {
	local s
	for s in "${STREAMS[@]}"; do kill -STOP "${PID[$s]}"; done
}
cont_streams() {
	local s
	for s in "${STREAMS[@]}"; do kill -CONT "${PID[$s]}"; done
}

BIG=0
# big_stalled: with the replicas stopped, commit a transaction of
# BIG_ROWS rows, and wait until every dump thread is blocked sending it.
big_stalled() {
	local t0=$SECONDS st
	BIG=$((BIG + 1))
	srv_sql src "INSERT INTO d.seq SELECT $((2000000000 + BIG * 100000)) + seq, -$BIG,
	    REPEAT('B', 250) FROM d.seq_1_to_$BIG_ROWS" || fail "big transaction failed"
	while :; do
		st=$(srv_sql src "SELECT COUNT(*) FROM information_schema.PROCESSLIST
		    WHERE COMMAND LIKE 'Binlog Dump%' AND STATE = 'Writing to net'")
		[ "$st" = ${#STREAMS[@]} ] && break
		if [ $((SECONDS - t0)) -ge 20 ]; then
			check_fail "dump threads not blocked in 'Writing to net' while the" \
			    "replicas are stopped: $(srv_sql src "SELECT ID, STATE FROM
			    information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")"
			break
		fi
		sleep 0.2
	done
	echo "transaction of $BIG_ROWS rows stalled in the dump threads"
}

start_streams
writer &
writer_pid=$!
wait_back "" || exit 1

# The disruptions, with writes going on between them.
# LIVE_RESUME_STEPS: another list of disruptions (kill, bigkill, restart,
# bigrestart), e.g. to look at one kind alone.
for step in ${LIVE_RESUME_STEPS:-kill bigkill restart kill bigrestart kill restart bigkill}; do
	sleep 2
	old=$(dump_threads | tr '\n' ' ')
	case $step in
	kill)
		kill_dumps
		;;
	bigkill)
		stop_streams
		big_stalled
		kill_dumps
		sleep 0.5
		cont_streams
		;;
	restart)
		srv_restart src
		echo "restarted the server"
		;;
	bigrestart)
		stop_streams
		big_stalled
		srv_stop src
		cont_streams
		sleep 1
		srv_restart src
		echo "restarted the server with a transaction in flight"
		;;
	*)
		fail "unknown step '$step' in LIVE_RESUME_STEPS"
		;;
	esac
	wait_back "$old"
	streams_alive
done
sleep 2

# Stop writing; wait for the replicas to catch up with the last GTID.
touch "$T/stop"
wait "$writer_pid"
writer_pid=
last_gtid=$(srv_sql src "SELECT @@gtid_binlog_pos") || fail "no gtid_binlog_pos"
mapfile -t files < <(srv_binlogs src)
active=${files[${#files[@]} - 1]}
active_size=$(stat -c %s "$active")
server_count=$(srv_sql src "SELECT COUNT(*) FROM d.seq")
echo "written: $server_count rows, last GTID $last_gtid, ${#files[@]} binlog files"
[ "$server_count" -gt $((2 * BIG_ROWS)) ] || check_fail "only $server_count rows written"

# drained: the --stats stream prints nothing until it stops, so: every
# dump thread has sent all, and nothing waits in the stats stream's socket.
drained() {
	local q
	[ "$(srv_sql src "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	    WHERE COMMAND LIKE 'Binlog Dump%'
	    AND STATE NOT LIKE 'Master has sent all binlog%'")" = 0 ] || return 1
	q=$(ss -Htnp state established "( dport = :$src_PORT )" 2>/dev/null |
	    grep -F "pid=${PID[stats]}," | awk '{ print $1 }')
	[ "$q" = 0 ]
}
caught_up() {
	case $1 in
	stats)
		if ! command -v ss >/dev/null; then
			sleep 5
			return 0
		fi
		# three times in a row, 0.2 s apart
		drained && sleep 0.2 && drained && sleep 0.2 && drained ;;
	raw) [ -f "$T/raw/${active##*/}" ] &&
	    [ "$(stat -c %s "$T/raw/${active##*/}")" -ge "$active_size" ] ;;
	*) grep -aqE "	GTID $last_gtid (trans|ddl)" "$T/$1.out" ;;
	esac
}
declare -A OK=()
for s in "${STREAMS[@]}"; do
	t0=$SECONDS
	OK[$s]=1
	until caught_up "$s"; do
		if ! kill -0 "${PID[$s]}" 2>/dev/null || [ $((SECONDS - t0)) -ge $CATCHUP_TIMEOUT ]; then
			check_fail "the $s stream did not catch up with GTID $last_gtid:" \
			    "$(grep -aE ' (ERROR|WARN) ' "$T/$s.err" | tail -n 2)"
			OK[$s]=0
			break
		fi
		sleep 0.2
	done
done
for s in "${STREAMS[@]}"; do
	kill -TERM "${PID[$s]}" 2>/dev/null
done
for s in "${STREAMS[@]}"; do
	wait "${PID[$s]}"
	rc=$?
	[ "${OK[$s]}" = 0 ] || [ $rc -eq 0 ] ||
	    check_fail "the $s stream exited with status $rc after SIGTERM:" \
	    "$(grep -a ' ERROR ' "$T/$s.err" | head -n 3)"
	echo "$s stream: $(grep -ac ' WARN ' "$T/$s.err") warnings," \
	    "$(grep -a 'reconnects$' "$T/$s.err" | sed 's/.*myshift-binlog: //')"
	if grep -aq ' ERROR ' "$T/$s.err"; then
		check_fail "the $s stream logged an error: $(grep -a ' ERROR ' "$T/$s.err" | head -n 3)"
	fi
done
PID=()

# The reference: the binlog files on disk.
"$MYSHIFT_BINLOG" "${files[@]}" >"$T/files.out" 2>"$T/files.err" ||
    fail "myshift-binlog FILES failed: $(head -n 3 "$T/files.err")"
srv_sql src "SELECT n FROM d.seq ORDER BY n" >"$T/server.seq" || fail "cannot read d.seq"
sort -n "$T/server.seq" >"$T/server.sorted"
seqs "$T/files.out" | sort -n >"$T/files.seq"
cmp -s "$T/server.sorted" "$T/files.seq" ||
    fail "the binlog files do not hold the server's rows (test bug?)"

for s in file gtid; do
	case " ${STREAMS[*]} " in *" $s "*) ;; *) continue ;; esac
	seqs "$T/$s.out" >"$T/$s.seq"
	n=$(wc -l <"$T/$s.seq")
	dups=$(sort -n "$T/$s.seq" | uniq -d)
	if [ -n "$dups" ]; then
		check_fail "$s stream: $(echo "$dups" | wc -l) sequence numbers printed more" \
		    "than once, e.g. $(echo "$dups" | head -n 5 | tr '\n' ' ')"
	fi
	sort -nu "$T/$s.seq" >"$T/$s.sorted"
	missing=$(comm -23 "$T/server.sorted" "$T/$s.sorted" | head -n 5 | tr '\n' ' ')
	extra=$(comm -13 "$T/server.sorted" "$T/$s.sorted" | head -n 5 | tr '\n' ' ')
	[ -z "$missing" ] || check_fail "$s stream: rows missing, e.g. n = $missing"
	[ -z "$extra" ] || check_fail "$s stream: rows not on the server, e.g. n = $extra"
	[ "$n" -eq "$server_count" ] ||
	    check_fail "$s stream: $n rows inserted into d.seq, the server has $server_count"
	rows "$T/$s.out" >"$T/$s.rows"
	rows "$T/files.out" >"$T/files.rows"
	if ! cmp -s "$T/files.rows" "$T/$s.rows"; then
		check_fail "$s stream: ### lines differ from the binlog files" \
		    "(< files, > stream; $(wc -l <"$T/files.rows") vs $(wc -l <"$T/$s.rows") lines):"
		show_diff "$T/files.rows" "$T/$s.rows"
	fi
done
events "$T/files.out" >"$T/files.ev"
events "$T/file.out" >"$T/file.ev"
if [[ " ${STREAMS[*]} " == *" file "* ]] && ! cmp -s "$T/files.ev" "$T/file.ev"; then
	check_fail "file stream: events (# at, event lines, ###) differ from the binlog files" \
	    "(< files, > stream):"
	show_diff "$T/files.ev" "$T/file.ev"
fi
rm -f "$T"/*.rows "$T"/*.ev "$T"/*.seq "$T"/*.sorted
echo "text streams checked: $server_count rows each"

# --raw: completed files byte-identical; the active one too, but for the
# in-use flag (byte 22 for cmp) that the server clears in what it sends.
files_raw=("${files[@]}")
[[ " ${STREAMS[*]} " == *" raw "* ]] || files_raw=()
for f in "${files_raw[@]}"; do
	copy=$T/raw/${f##*/}
	if [ ! -f "$copy" ]; then
		check_fail "--raw did not write ${f##*/}"
	elif [ "$f" != "$active" ]; then
		cmp "$f" "$copy" >&2 ||
		    check_fail "--raw copy of ${f##*/} differs ($(stat -c %s "$f") bytes," \
		    "copy $(stat -c %s "$copy"))"
	else
		d=$(cmp -l "$f" "$copy" 2>&1 | awk '$1 != 22 || $2 != 1 || $3 != 0')
		[ -z "$d" ] || check_fail "--raw copy of the active ${f##*/} differs:" \
		    "$(echo "$d" | head -n 3 | tr '\n' ' ')"
	fi
done
echo "raw copies checked: ${#files_raw[@]} files"

# --stats: everything but the first line (files, time, rate) equal to the
# files' --stats; the event count of the first line too.
if [[ " ${STREAMS[*]} " == *" stats "* ]]; then
	"$MYSHIFT_BINLOG" --stats "${files[@]}" >"$T/files.stats" 2>&1 ||
	    fail "myshift-binlog --stats FILES failed: $(head -n 3 "$T/files.stats")"
	ev_files=$(head -n 1 "$T/files.stats" | grep -oE 'events: [0-9]+')
	ev_live=$(head -n 1 "$T/stats.out" | grep -oE 'events: [0-9]+')
	if [ -z "$ev_live" ] || [ "$ev_live" != "$ev_files" ]; then
		check_fail "stats stream: '$ev_live', the files: '$ev_files'"
	fi
	if ! cmp -s <(tail -n +2 "$T/files.stats") <(tail -n +2 "$T/stats.out"); then
		check_fail "stats stream: counts differ from --stats of the files (< files, > stream):"
		diff <(tail -n +2 "$T/files.stats") <(tail -n +2 "$T/stats.out") | head -n 20 >&2
	else
		echo "stats stream: $ev_live, counts equal to the files'"
	fi
fi

# --start-gtid of a GTID in the middle: the next transaction comes first.
mapfile -t gtids < <(grep -aoE '	GTID [0-9]+-[0-9]+-[0-9]+ (trans|ddl)' "$T/files.out" |
    awk '{ print $2 }')
mid=$((${#gtids[@]} / 2))
g=${gtids[$mid]} next=${gtids[$((mid + 1))]}
timeout 120 "${LIVE[@]}" --start-gtid "$g" >"$T/sgtid.out" 2>"$T/sgtid.err"
rc=$?
if [ $rc -ne 0 ]; then
	check_fail "--start-gtid $g: exit status $rc: $(grep -av ' INFO ' "$T/sgtid.err" | head -n 3)"
else
	first=$(grep -aoE '	GTID [0-9]+-[0-9]+-[0-9]+ ' "$T/sgtid.out" | head -n 1 | awk '{ print $2 }')
	[ "$first" = "$next" ] ||
	    check_fail "--start-gtid $g: the first transaction printed is $first, expected $next"
	# from the "# at" line before GTID $next on, in both
	from_gtid() {
		events "$1" | awk -v g="$2" '
		    found { print; next }
		    /^# at / { at = $0; next }
		    index($0, "\tGTID " g " ") { found = 1; print at; print }'
	}
	from_gtid "$T/files.out" "$next" >"$T/sgtid.want"
	from_gtid "$T/sgtid.out" "$next" >"$T/sgtid.got"
	before=$(awk -v g="$next" 'index($0, "\tGTID " g " ") { exit } /^###/ { n++ } END { print n + 0 }' \
	    "$T/sgtid.out")
	[ "$before" -eq 0 ] || check_fail "--start-gtid $g: $before ### lines before GTID $next"
	if [ ! -s "$T/sgtid.want" ] || ! cmp -s "$T/sgtid.want" "$T/sgtid.got"; then
		check_fail "--start-gtid $g: events from GTID $next on differ from the files (< files, > stream):"
		show_diff "$T/sgtid.want" "$T/sgtid.got"
	else
		echo "ok: --start-gtid $g starts with $next, $(grep -c '^# at' "$T/sgtid.got") events as in the files"
	fi
fi
rm -f "$T"/sgtid.*

# --start-file/--start-position of a GTID event in the middle of a file.
[ ${#files[@]} -ge 3 ] || fail "only ${#files[@]} binlog files; expected rotations"
sf=${files[1]}
"$MYSHIFT_BINLOG" "$sf" >"$T/sf.full" 2>&1 || fail "cannot decode $sf: $(head -n 2 "$T/sf.full")"
pos=$(awk '/^# at / { at = $3 } /\tGTID [0-9-]+ trans/ { if (at > 4) p[++n] = at }
    END { print p[int((n + 1) / 2)] }' "$T/sf.full")
[ -n "$pos" ] || fail "no GTID event found in $sf"
timeout 120 "${LIVE[@]}" --start-file "${sf##*/}" --start-position "$pos" \
    >"$T/spos.out" 2>"$T/spos.err"
rc=$?
if [ $rc -ne 0 ]; then
	check_fail "--start-file ${sf##*/} --start-position $pos: exit status $rc:" \
	    "$(grep -av ' INFO ' "$T/spos.err" | head -n 3)"
else
	"$MYSHIFT_BINLOG" --start-position "$pos" "${files[@]:1}" >"$T/spos.want" 2>&1 ||
	    fail "myshift-binlog --start-position $pos FILES failed: $(head -n 3 "$T/spos.want")"
	events "$T/spos.want" >"$T/spos.want.ev"
	events "$T/spos.out" >"$T/spos.got.ev"
	first=$(grep -a -m1 '^# at ' "$T/spos.out")
	[ "$first" = "# at $pos" ] ||
	    check_fail "--start-position $pos: the first event printed is '$first'"
	if ! cmp -s "$T/spos.want.ev" "$T/spos.got.ev"; then
		check_fail "--start-file ${sf##*/} --start-position $pos: events differ from the files" \
		    "(< files, > stream):"
		show_diff "$T/spos.want.ev" "$T/spos.got.ev"
	else
		echo "ok: --start-file ${sf##*/} --start-position $pos:" \
		    "$(grep -c '^# at' "$T/spos.got.ev") events as in the files"
	fi
fi
rm -f "$T"/spos.* "$T"/file.out "$T"/gtid.out "$T"/files.out

# Purged binlogs: a clear error, at once, saying what to do.
first_gtid=${gtids[0]}
srv_sql src "FLUSH BINARY LOGS; PURGE BINARY LOGS TO '${files[2]##*/}'" ||
    fail "PURGE BINARY LOGS failed"
[ ! -e "${files[0]}" ] || fail "${files[0]} still exists after PURGE BINARY LOGS"
# expect_purged NAME WHAT: exit 1 within 20 s, one ERROR line naming the
# link, saying the binlog is gone and what to do.
expect_purged() {
	local name=$1 what=$2 line
	if [ "$RC" -ne 1 ]; then
		check_fail "$what: exit status $RC, expected 1 (124: still running after 60 s):" \
		    "$(grep -av ' INFO ' "$T/$name.err" | head -n 3)"
		return
	fi
	[ $((SECONDS - t0)) -le 20 ] ||
	    check_fail "$what: took $((SECONDS - t0)) s: a final error must not be retried"
	if [ "$(grep -ac ' ERROR ' "$T/$name.err")" -ne 1 ]; then
		check_fail "$what: expected one ERROR line, got: $(cat "$T/$name.err")"
		return
	fi
	line=$(grep -a ' ERROR ' "$T/$name.err")
	grep -qE "source 127\.0\.0\.1:$src_PORT" <<<"$line" ||
	    check_fail "$what: the error does not name the link: $line"
	grep -qiE 'purged|no longer|not found|could not find' <<<"$line" ||
	    check_fail "$what: the error does not say the binlog is gone: $line"
	grep -qiE 'snapshot|SHOW BINARY LOGS|start again' <<<"$line" ||
	    check_fail "$what: the error does not say what to do: $line"
	grep -aq '^### ' "$T/$name.out" && check_fail "$what: rows printed"
	echo "ok: $what fails: ${line#* ERROR }"
}
t0=$SECONDS
timeout 60 "${LIVE[@]}" --start-file "${files[0]##*/}" >"$T/purged.out" 2>"$T/purged.err"
RC=$?
expect_purged purged "--start-file of a purged binlog (${files[0]##*/})"
t0=$SECONDS
timeout 60 "${LIVE[@]}" --start-gtid "$first_gtid" >"$T/purgedg.out" 2>"$T/purgedg.err"
RC=$?
expect_purged purgedg "--start-gtid $first_gtid (its binlog purged)"

[ $ERRORS -eq 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: live_resume"
