#!/usr/bin/env bash
# fake_source.sh: myshift-binlog as a replica of tests/lib/fake_mysql.py.
#
# The fake source is a scripted MySQL 8.0.36 server: it serves a recorded
# MySQL 8.0 binlog (with TRANSACTION_PAYLOAD compressed transactions and
# partial JSON updates) and injects faults.  It adds to the real MariaDB
# servers of the other integration tests, it does not replace them.
#
# Cases (each prints "ok - NAME" or "FAIL - NAME" with the reasons):
#   auth-*     caching_sha2_password fast path, full path over TLS, with
#              --server-public-key-path, with --get-server-public-key, and
#              without any of them (a clear error); auth switch to
#              mysql_native_password; sha256_password (key request, TLS);
#              wrong passwords and unknown users (exit 1, error 1045, the
#              password never printed, no retry).
#   stream-*   the live stream prints what decoding the file prints (rows
#              inside TRANSACTION_PAYLOAD included); --json; --raw copies;
#              the setup queries and commands the fake received; a start
#              position; events split over 16 MB packets; a source with
#              binlog_checksum=NONE; --stop-never with heartbeats while the
#              binlog grows.
#   gtid-*     COM_BINLOG_DUMP_GTID: the SID block received equals the
#              requested set, the output starts after it; file choice from
#              PREVIOUS_GTIDS; the set sent again after a reconnect.
#   cut-*      connections cut at chosen byte offsets (mid-event,
#              mid-packet-header, TCP reset, across binlog files): every
#              transaction exactly once, resumes at the right positions.
#   garble-*   a damaged event stops the stream with an error naming its
#              position; nothing after the last good transaction printed.
#   silence-*  a source that stops talking is detected (--heartbeat 1: 7 s)
#              and the replica reconnects; heartbeats keep an idle link up.
#   source-*   the source restarts (the replica resumes) or another server
#              answers at its address (server_uuid changed: final error).
#   run-*      `myshift run` (destination: a MariaDB server) keeps the
#              source's server_uuid in its checkpoint and refuses another
#              server at the address on its next start.
#   err-*      a dump refused with a transient error is retried; ERR 1236
#              gives the clear final error, no retry.
#
# Environment: MYSHIFT_BINLOG (the binary), top_srcdir; MYSHIFT_STD_DATA
# (default /usr/share/mysql/mysql-test/std_data); FAKE_SOURCE_CASES (a
# regular expression: run only the cases whose name matches).

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
STD_DATA=${MYSHIFT_STD_DATA:-/usr/share/mysql/mysql-test/std_data}
. "$top_srcdir/tests/lib/servers.sh"

FAKE=$top_srcdir/tests/lib/fake_mysql.py
REC=$STD_DATA/mdev35643_mysql_80_binlog.000001

command -v python3 >/dev/null || skip "python3 is not installed"
command -v openssl >/dev/null || skip "openssl is not installed (TLS certificate)"
[ -f "$REC" ] || skip "$REC missing (apt-get install mariadb-test-data)"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"
case $MYSHIFT_BINLOG in /*) ;; *) MYSHIFT_BINLOG=$PWD/$MYSHIFT_BINLOG ;; esac

srv_scratch
W=$SRV_ROOT
FAKE_PIDS=()
FAKE_N=0
FAILED=()
PASSED=0

cleanup() {
	local p
	for p in "${FAKE_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	srv_cleanup_all
}
trap cleanup EXIT

# A password distinctive enough to grep for in every output.
PW='Pw-7f3c9q-Zx'
UUID=3e11fa47-71ca-11e1-9e33-c80aa9429562
UUID2=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee

# Transactions of the recorded file (MySQL 8.0.40, anonymous GTIDs): start
# offsets; gtidify numbers them 1..9.  TX5 is one TRANSACTION_PAYLOAD event
# (1468-2297); TX9 holds an Update_rows_partial (3403-4359).  The file ends
# with a ROTATE at 4390.
TX=(0 157 418 704 1099 1389 2297 2599 2821 3190)
END=4390

# ----------------------------------------------------------------- helpers

# problem MSG: the current case fails (carry on with the other checks).
problem() {
	echo "    $CASE: $*" >&2
	CASE_OK=0
}

# fake_start ARGS...: start a fake source; sets FAKE_PORT, FAKE_LOG, FAKE_DIR.
fake_start() {
	local i
	FAKE_N=$((FAKE_N + 1))
	FAKE_DIR=$W/fake$FAKE_N
	FAKE_LOG=$FAKE_DIR/log
	mkdir -p "$FAKE_DIR"
	python3 "$FAKE" --workdir "$FAKE_DIR" --log "$FAKE_LOG" \
	    --port-file "$FAKE_DIR/port" "$@" >"$FAKE_DIR/stdout" 2>"$FAKE_DIR/stderr" &
	FAKE_PID=$!
	FAKE_PIDS+=("$FAKE_PID")
	for i in $(seq 300); do
		[ -s "$FAKE_DIR/port" ] && break
		kill -0 "$FAKE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$FAKE_DIR/port" ]; then
		problem "the fake source did not start: $(tail -n 5 "$FAKE_DIR/stderr")"
		return 1
	fi
	FAKE_PORT=$(cat "$FAKE_DIR/port")
}

fake_stop() {
	[ -n "${FAKE_PID:-}" ] || return 0
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
	if grep -q internal-error "$FAKE_LOG" 2>/dev/null; then
		problem "fake_mysql.py failed: $(grep internal-error "$FAKE_LOG" | head -n 3)"
	fi
	FAKE_PID=
}

# replica NAME ARGS...: myshift-binlog ARGS as a replica of the fake; output
# in $W/NAME.out and $W/NAME.err; sets RC and ELAPSED.  REPL_USER and
# REPL_PW (MYSQL_PWD) default to repl and $PW.
replica() {
	local name=$1 t0=$SECONDS
	shift
	MYSQL_PWD=${REPL_PW-$PW} timeout "${REPLICA_TIMEOUT:-90}" "$MYSHIFT_BINLOG" \
	    --host 127.0.0.1 --port "$FAKE_PORT" --user "${REPL_USER:-repl}" "$@" \
	    >"$W/$name.out" 2>"$W/$name.err"
	RC=$?
	ELAPSED=$((SECONDS - t0))
	check_sane "$name"
}

# check_sane NAME: no hang, crash or sanitizer report in the run NAME.
check_sane() {
	if [ "$RC" -eq 124 ]; then
		problem "myshift-binlog hung (killed by timeout)"
	elif [ "$RC" -gt 128 ]; then
		problem "myshift-binlog crashed (status $RC)"
	fi
	if grep -Eq 'Sanitizer|runtime error:' "$W/$1.err"; then
		problem "sanitizer report: $(grep -E 'Sanitizer|runtime error:' "$W/$1.err" | head -n 3)"
	fi
}

# errors NAME: the ERROR/WARN lines of run NAME (for failure messages).
errors() {
	grep -E 'ERROR|WARN' "$W/$1.err" | sed 's/^[0-9TZ:.-]* //' | cut -c1-400 | head -n 5
}

expect_rc() {
	[ "$RC" -eq "$1" ] || problem "exit status $RC, expected $1: $(errors "$2")"
}

# reference NAME ARGS...: decode a file with myshift-binlog into $W/NAME.out.
reference() {
	local name=$1
	shift
	"$MYSHIFT_BINLOG" "$@" >"$W/$name.out" 2>"$W/$name.err" ||
	    problem "decoding $* failed: $(head -n 3 "$W/$name.err")"
}

# same_rows REF RUN: the ### lines of both outputs are identical.
same_rows() {
	grep -a '^###' "$W/$1.out" >"$W/$1.rows"
	grep -a '^###' "$W/$2.out" >"$W/$2.rows"
	if ! cmp -s "$W/$1.rows" "$W/$2.rows"; then
		problem "### lines differ ($(wc -l <"$W/$1.rows") expected, $(wc -l <"$W/$2.rows") printed): $(diff "$W/$1.rows" "$W/$2.rows" | head -n 6 | tr '\n' '|' | cut -c1-400)"
		return 1
	fi
	[ -s "$W/$1.rows" ] || problem "reference $1 has no rows (test bug)"
}

# log_has REGEX [N]: the fake's log has a line matching REGEX (N times).
log_has() {
	local n
	n=$(grep -Ec -- "$1" "$FAKE_LOG")
	if [ -n "${2:-}" ]; then
		[ "$n" -eq "$2" ] || problem "fake log: $n lines match '$1', expected $2"
	else
		[ "$n" -gt 0 ] || problem "fake log: nothing matches '$1'"
	fi
}

# dumps: the dump requests of the fake's log, one "file:pos" per line.
dumps() {
	sed -nE 's/.* COM_BINLOG_DUMP pos=([0-9]+) .* file=(.*)$/\2:\1/p' "$FAKE_LOG" |
	    sed "s/^''//"
}

# expect_dumps "F:P F:P ...": the dump requests, in order.
expect_dumps() {
	local got
	got=$(dumps | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$1" ] || problem "dump requests '$got', expected '$1'"
}

# no_password NAME: the password appears nowhere in run NAME's output.
no_password() {
	if grep -aqF -- "$PW" "$W/$1.out" "$W/$1.err"; then
		problem "the password appears in the output of $1"
	fi
}

# Run one case: run_case NAME FUNCTION.
run_case() {
	if [ -n "${FAKE_SOURCE_CASES:-}" ] && ! [[ $1 =~ $FAKE_SOURCE_CASES ]]; then
		return
	fi
	CASE=$1
	CASE_OK=1
	FAKE_PID=
	"$2"
	fake_stop
	if [ "$CASE_OK" = 1 ]; then
		echo "ok - $CASE"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL - $CASE"
		FAILED+=("$CASE")
	fi
}

# --------------------------------------------------------- fixtures

CASE=fixtures
CASE_OK=1
reference file "$REC"
python3 "$FAKE" gtidify "$REC" "$W/gtid.bin" --uuid "$UUID" >"$W/gtidify.out" ||
    fail "fake_mysql.py gtidify failed"
[ "$(cat "$W/gtidify.out")" = "$UUID:1-9" ] ||
    fail "gtidify numbered $(cat "$W/gtidify.out"), expected $UUID:1-9"
reference gtid "$W/gtid.bin"
# The layout the cases rely on.
for p in "${TX[@]:1}"; do
	grep -A1 -x "# at $p" "$W/file.out" | grep -q 'Anonymous_GTID' ||
	    fail "$REC: no transaction starts at $p (file changed?)"
done
grep -A1 -x "# at 1468" "$W/file.out" | grep -q Transaction_Payload ||
    fail "$REC: no TRANSACTION_PAYLOAD at 1468"
# The same transactions over three files (rotates at 1099 and 2599).
python3 "$FAKE" split "$W/gtid.bin" --at "${TX[4]},${TX[7]}" --out "$W/split" \
    --name src-bin >/dev/null || fail "fake_mysql.py split failed"
reference split "$W/split/src-bin.000001" "$W/split/src-bin.000002" "$W/split/src-bin.000003"
[ "$CASE_OK" = 1 ] || fail "cannot decode the fixtures"

# Start offsets of transactions in the split files, from their decoding:
# split_tx FILE: "# at" offsets of the GTID events of FILE.
split_tx() {
	"$MYSHIFT_BINLOG" "$W/split/$1" | awk '/^# at /{at=$3} /\tGTID\t/{print at}'
}

# ------------------------------------------------------------ auth

t_auth_fast() {
	fake_start --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password:warm=$PW" || return
	replica fast
	expect_rc 0 fast
	log_has 'method=fast result=ok' 1
	log_has 'fast-auth-ok'
	same_rows file fast
	no_password fast
}

t_auth_full_tls() {
	fake_start --tls --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password=$PW" || return
	replica full_tls --ssl-mode required
	expect_rc 0 full_tls
	log_has 'ssl-request'
	log_has 'perform-full-authentication'
	log_has 'method=full-tls result=ok'
	same_rows file full_tls
	no_password full_tls
	# The certificate checked against its CA and the address it names.
	replica full_tls_verify --ssl-mode verify_identity --ssl-ca "$FAKE_DIR/ca.pem"
	expect_rc 0 full_tls_verify
	same_rows file full_tls_verify
}

t_auth_tls_wrong_ca() {
	fake_start --tls --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password=$PW" || return
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/other.key" \
	    -out "$W/other.pem" -days 2 -subj /CN=other >/dev/null 2>&1
	replica wrong_ca --ssl-mode verify_ca --ssl-ca "$W/other.pem"
	expect_rc 1 wrong_ca
	grep -q 'TLS' "$W/wrong_ca.err" || problem "the error does not say TLS: $(errors wrong_ca)"
	log_has ' connect ' 1
}

t_auth_full_keyfile() {
	fake_start --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password=$PW" || return
	replica full_keyfile --ssl-mode disabled \
	    --server-public-key-path "$FAKE_DIR/rsa_public_key.pem"
	expect_rc 0 full_keyfile
	log_has 'perform-full-authentication'
	log_has 'method=full-rsa result=ok'
	log_has 'key-request' 0
	same_rows file full_keyfile
	no_password full_keyfile
}

t_auth_full_getkey() {
	fake_start --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password=$PW" || return
	replica full_getkey --ssl-mode disabled --get-server-public-key
	expect_rc 0 full_getkey
	log_has 'key-request plugin=caching_sha2_password' 1
	log_has 'method=full-rsa-requested-key result=ok'
	same_rows file full_getkey
	# The server caches the password hash now: the fast path follows.
	replica full_then_fast --ssl-mode disabled
	expect_rc 0 full_then_fast
	log_has 'method=fast result=ok' 1
}

t_auth_full_insecure() {
	fake_start --tls --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password=$PW" || return
	replica insecure --ssl-mode disabled
	expect_rc 1 insecure
	grep -q 'needs the full password' "$W/insecure.err" &&
	    grep -q 'TLS' "$W/insecure.err" && grep -q 'public' "$W/insecure.err" ||
	    problem "no clear error: $(errors insecure)"
	log_has ' connect ' 1
	log_has 'result=ok' 0
	no_password insecure
}

t_auth_switch_native() {
	fake_start --binlog "$REC=master-bin.000001" --switch-new-scramble \
	    --user "old:mysql_native_password=$PW" || return
	REPL_USER=old replica native --ssl-mode disabled
	expect_rc 0 native
	log_has 'auth-switch from=caching_sha2_password to=mysql_native_password'
	log_has 'method=native result=ok'
	same_rows file native
}

t_auth_sha256() {
	fake_start --tls --binlog "$REC=master-bin.000001" \
	    --user "sha:sha256_password=$PW" || return
	REPL_USER=sha replica sha256 --ssl-mode disabled
	expect_rc 0 sha256
	log_has 'auth-switch from=caching_sha2_password to=sha256_password'
	log_has 'key-request plugin=sha256_password' 1
	log_has 'method=sha256-rsa-requested-key result=ok'
	same_rows file sha256
	no_password sha256
	REPL_USER=sha replica sha256_tls --ssl-mode required
	expect_rc 0 sha256_tls
	log_has 'method=sha256-tls result=ok'
}

t_auth_sha256_default() {
	# sha256_password named in the greeting: no switch, 0x01 at once.
	fake_start --default-plugin sha256_password --binlog "$REC=master-bin.000001" \
	    --user "sha:sha256_password=$PW" || return
	REPL_USER=sha replica sha256_default --ssl-mode disabled
	expect_rc 0 sha256_default
	log_has 'auth-switch' 0
	log_has 'method=sha256-rsa-requested-key result=ok'
}

# wrong_password NAME ARGS...: exit 1, error 1045 named, no retry, no echo.
wrong_password() {
	local name=$1
	shift
	REPL_PW=wrong-$PW replica "$name" "$@"
	expect_rc 1 "$name"
	grep -q "Access denied for user '${REPL_USER:-repl}'" "$W/$name.err" &&
	    grep -q '1045' "$W/$name.err" ||
	    problem "no clear error: $(errors "$name")"
	no_password "$name"
	grep -aqF -- "wrong-$PW" "$W/$name.out" "$W/$name.err" &&
	    problem "the wrong password appears in the output"
	[ "$ELAPSED" -lt 10 ] || problem "took ${ELAPSED}s: retried?"
}

t_auth_wrong() {
	fake_start --tls --binlog "$REC=master-bin.000001" \
	    --user "repl:caching_sha2_password:warm=$PW" \
	    --user "old:mysql_native_password=$PW" || return
	# warm cache, wrong scramble: MySQL asks for the full password
	wrong_password wrong_sha2_rsa --ssl-mode disabled --get-server-public-key -v
	wrong_password wrong_sha2_tls --ssl-mode required -v
	REPL_USER=old wrong_password wrong_native --ssl-mode disabled -v
	REPL_USER=nobody wrong_password wrong_user --ssl-mode disabled
	log_has 'result=denied' 4
	log_has ' connect ' 4
	# -pPASSWORD on the command line: not echoed either.
	MYSQL_PWD= timeout 60 "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$FAKE_PORT" \
	    --user old -p"wrong-$PW" -v >"$W/wrong_argv.out" 2>"$W/wrong_argv.err"
	RC=$?
	expect_rc 1 wrong_argv
	grep -aqF -- "wrong-$PW" "$W/wrong_argv.out" "$W/wrong_argv.err" &&
	    problem "the -p password appears in the output"
}

# ----------------------------------------------------------- stream

t_stream_rows() {
	fake_start --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	replica rows --server-id 77
	expect_rc 0 rows
	same_rows file rows
	# the compressed transaction's rows came through
	grep -q 'Transaction_Payload' "$W/rows.out" ||
	    problem "no Transaction_Payload event printed"
	# what the replica sent, in order
	grep -oE 'COM_[A-Z_]+( sql=.*)?' "$FAKE_LOG" >"$W/rows.cmds"
	cat >"$W/rows.want" <<-'EOF'
	COM_QUERY sql='SELECT @@version, @@server_id, @@global.binlog_checksum'
	COM_QUERY sql='SELECT @@server_uuid'
	COM_QUERY sql='SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum'
	COM_QUERY sql='SET @master_heartbeat_period = 15000000000'
	EOF
	head -n 4 "$W/rows.cmds" | cmp -s - "$W/rows.want" ||
	    problem "setup queries: $(head -n 4 "$W/rows.cmds" | tr '\n' '|')"
	log_has 'COM_REGISTER_SLAVE server_id=77 ' 1
	log_has 'COM_BINLOG_DUMP pos=4 flags=0x0001 server_id=77 file=..$' 1
	log_has 'eof file=master-bin.000002 pos=157' 1
	# The whole text equals the file's, without the empty next file.
	fake_stop
	fake_start --no-auto-next --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	replica whole
	expect_rc 0 whole
	cmp -s "$W/file.out" "$W/whole.out" ||
	    problem "text differs from the file's: $(diff "$W/file.out" "$W/whole.out" | head -n 4 | tr '\n' '|')"
	replica json --json
	expect_rc 0 json
	reference file_json --json "$REC"
	cmp -s "$W/file_json.out" "$W/json.out" ||
	    problem "--json differs from the file's: $(diff "$W/file_json.out" "$W/json.out" | head -n 4 | tr '\n' '|' | cut -c1-300)"
	# our server_id equal to the source's: refused before registering
	replica same_id --server-id 1
	expect_rc 1 same_id
	grep -q "server_id 1 is the source's own" "$W/same_id.err" ||
	    problem "no clear error for --server-id 1: $(errors same_id)"
}

t_stream_start_position() {
	fake_start --no-auto-next --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	replica from1099 --start-file master-bin.000001 --start-position "${TX[4]}"
	expect_rc 0 from1099
	reference file_from1099 --start-position "${TX[4]}" "$REC"
	cmp -s "$W/file_from1099.out" "$W/from1099.out" ||
	    problem "text differs from the file's: $(diff "$W/file_from1099.out" "$W/from1099.out" | head -n 4 | tr '\n' '|' | cut -c1-300)"
	expect_dumps "master-bin.000001:${TX[4]}"
	# the FDE came with log_pos 0 (MySQL: the dump starts past it)
	log_has "dump-start file=master-bin.000001 pos=${TX[4]}" 1
}

t_stream_big_events() {
	# ROWS_QUERY events of 16 MB - 1 (a packet of exactly 0xffffff
	# payload bytes, then an empty one) and of 32 MB + 100 (three
	# packets); cuts inside both and inside a packet boundary
	local p2
	python3 "$FAKE" rows-query "$REC" "$W/big.bin" --event "572:$((0xffffff - 1))" \
	    --event "1253:$((2 * 0xffffff + 100))" || { problem "rows-query failed"; return; }
	p2=$((1253 + 0xffffff - 1))
	fake_start --no-auto-next --binlog "$W/big.bin=master-bin.000001" \
	    --fault cut@8000572 --fault "cut@$((p2 + 20000000))" \
	    --fault "cutbytes@$((0xffffff + 4 + 2))" \
	    --user "repl:mysql_native_password=$PW" || return
	replica big --retry-window 60
	expect_rc 0 big
	reference big_ref "$W/big.bin"
	cmp -s "$W/big_ref.out" "$W/big.out" ||
	    problem "text differs from the file's ($(stat -c %s "$W/big.out") bytes, $(stat -c %s "$W/big_ref.out") expected)"
	log_has 'fault cut' 3
	expect_dumps ":4 master-bin.000001:${TX[2]} master-bin.000001:$((TX[4] + 0xffffff - 1)) master-bin.000001:$((TX[4] + 0xffffff - 1))"
	rm -f "$W/big.bin" "$W/big.out" "$W/big_ref.out"
}

t_stream_checksum_none() {
	python3 "$FAKE" strip-checksums "$REC" "$W/nocrc.bin" ||
	    { problem "strip-checksums failed"; return; }
	reference nocrc_ref "$W/nocrc.bin"
	fake_start --no-auto-next --binlog "$W/nocrc.bin=master-bin.000001" --fault cut@1800 \
	    --user "repl:mysql_native_password=$PW" || return
	replica nocrc --retry-window 60
	expect_rc 0 nocrc
	log_has 'checksum=NONE' 2
	cmp -s "$W/nocrc_ref.out" "$W/nocrc.out" ||
	    problem "text differs from the file's: $(diff "$W/nocrc_ref.out" "$W/nocrc.out" | head -n 4 | tr '\n' '|' | cut -c1-300)"
	same_rows file nocrc
}

t_stream_raw() {
	fake_start --no-auto-next --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	mkdir -p "$W/raw"
	replica raw --raw --result-dir "$W/raw"
	expect_rc 0 raw
	grep -q ERROR "$W/raw.err" && problem "errors: $(errors raw)"
	cmp "$REC" "$W/raw/master-bin.000001" >"$W/raw.cmp" 2>&1 ||
	    problem "raw copy differs from the file: $(cat "$W/raw.cmp")"
}

t_stream_grow() {
	# --stop-never: heartbeats keep the idle link up past the read
	# timeout (2 * heartbeat + 5 = 7 s), new events come through.
	head -c "${TX[4]}" "$W/gtid.bin" >"$W/grow.bin"
	fake_start --binlog "$W/grow.bin=master-bin.000001" --log-heartbeats \
	    --user "repl:mysql_native_password=$PW" || return
	MYSQL_PWD=$PW "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$FAKE_PORT" --user repl \
	    --stop-never --heartbeat 1 --retry-window 30 >"$W/grow.out" 2>"$W/grow.err" &
	local pid=$! n
	sleep 9
	log_has 'COM_BINLOG_DUMP pos=4 flags=0x0000 ' 1
	n=$(grep -c ' heartbeat ' "$FAKE_LOG")
	[ "$n" -ge 6 ] || problem "$n heartbeats in 9 s"
	grep -q 'nothing received' "$W/grow.err" && problem "read timeout despite heartbeats"
	tail -c +$((TX[4] + 1)) "$W/gtid.bin" >>"$W/grow.bin"
	wait_until -t 20 grep -q 'grown file=master-bin.000001' "$FAKE_LOG" ||
	    problem "the fake did not see the file grow"
	n=$(grep -c '^###' "$W/gtid.out")
	wait_until -t 20 eval '[ "$(grep -c "^###" "$W/grow.out")" -ge '"$n"' ]' ||
	    problem "rows of the new transactions not printed: $(grep -c '^###' "$W/grow.out") of $n"
	kill -TERM "$pid"
	wait "$pid"
	RC=$?
	check_sane grow
	expect_rc 0 grow
	same_rows gtid grow
	log_has 'COM_BINLOG_DUMP ' 1
}

# ------------------------------------------------------------- GTID

# sid_block UUID-HEX INTERVALS...: the expected SID block for one UUID
# (written out here, independently of both implementations).
le64() { python3 -c "import sys; print(int(sys.argv[1]).to_bytes(8, 'little').hex())" "$1"; }

t_gtid_start() {
	fake_start --binlog "$W/gtid.bin=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	replica gtid --start-gtid "$UUID:1-3"
	expect_rc 0 gtid
	local want
	want=$(le64 1)$(echo "$UUID" | tr -d -)$(le64 1)$(le64 1)$(le64 4)
	log_has "COM_BINLOG_DUMP_GTID flags=0x0005 .* file='' pos=4 sid_len=48 sid_hex=$want gtid_set=$UUID:1-3\$" 1
	reference gtid_from4 --start-position "${TX[4]}" "$W/gtid.bin"
	same_rows gtid_from4 gtid
	grep -m1 'GTID_NEXT' "$W/gtid.out" | grep -q "'$UUID:4'" ||
	    problem "first transaction printed: $(grep -m1 GTID_NEXT "$W/gtid.out")"
	# Two UUIDs and a hole: 1-2:4 of ours, 1-5 of another server.
	replica gtid2 --start-gtid "$UUID2:1-5,$UUID:1-2:4"
	expect_rc 0 gtid2
	want=$(le64 2)$(echo "$UUID" | tr -d -)$(le64 2)$(le64 1)$(le64 3)$(le64 4)$(le64 5)
	want=$want$(echo "$UUID2" | tr -d -)$(le64 1)$(le64 1)$(le64 6)
	log_has "sid_len=$((8 + 2 * 24 + 16 * 3)) sid_hex=$want " 1
	reference gtid_tx3 --start-position "${TX[3]}" --stop-position "${TX[4]}" "$W/gtid.bin"
	reference gtid_tx5 --start-position "${TX[5]}" "$W/gtid.bin"
	cat "$W/gtid_tx3.out" "$W/gtid_tx5.out" >"$W/gtid_3_5.out"
	same_rows gtid_3_5 gtid2
}

t_gtid_files() {
	# src-bin.000002 starts with PREVIOUS_GTIDS U:1-3: a replica that has
	# U:1-5 starts there, skipping 4 and 5.
	fake_start --binlog "$W/split/src-bin.000001" --binlog "$W/split/src-bin.000002" \
	    --binlog "$W/split/src-bin.000003" --user "repl:mysql_native_password=$PW" || return
	replica gtid_files --start-gtid "$UUID:1-5"
	expect_rc 0 gtid_files
	log_has 'dump-start file=src-bin.000002 pos=4' 1
	reference gtid_from6 --start-position "${TX[6]}" "$W/gtid.bin"
	same_rows gtid_from6 gtid_files
	# a set the source never had
	replica gtid_ahead --start-gtid "$UUID:1-20"
	expect_rc 1 gtid_ahead
	grep -q 'error 1236' "$W/gtid_ahead.err" || problem "no 1236: $(errors gtid_ahead)"
}

t_gtid_reconnect() {
	# cut inside TX5 (the compressed one): the second request carries
	# the set plus TX4, received whole.
	fake_start --binlog "$W/gtid.bin=master-bin.000001" --fault cut@1800 \
	    --user "repl:mysql_native_password=$PW" || return
	replica gtid_cut --start-gtid "$UUID:1-3"
	expect_rc 0 gtid_cut
	sed -nE 's/.*COM_BINLOG_DUMP_GTID .* gtid_set=(.*)$/\1/p' "$FAKE_LOG" |
	    tr '\n' ' ' >"$W/gtid_cut.sets"
	[ "$(cat "$W/gtid_cut.sets")" = "$UUID:1-3 $UUID:1-4 " ] ||
	    problem "GTID sets sent: $(cat "$W/gtid_cut.sets")"
	reference gtid_from4 --start-position "${TX[4]}" "$W/gtid.bin"
	same_rows gtid_from4 gtid_cut
}

# -------------------------------------------------------------- cuts

t_cut_offsets() {
	# mid Write_rows (930), at an event boundary inside TX4 (1308), twice
	# inside the TRANSACTION_PAYLOAD (1800), inside a DDL (2700), inside
	# TX9's Query (3300) and its partial-JSON rows event (4000).
	fake_start --no-auto-next --binlog "$REC=master-bin.000001" \
	    --fault cut@930 --fault cut@1308 --fault cut@1800 --fault cut@1800 \
	    --fault cut@2700 --fault cut@3300 --fault cut@4000 \
	    --user "repl:mysql_native_password=$PW" || return
	replica cuts --retry-window 60
	expect_rc 0 cuts
	same_rows file cuts
	cmp -s "$W/file.out" "$W/cuts.out" ||
	    problem "text differs from the file's: $(diff "$W/file.out" "$W/cuts.out" | head -n 4 | tr '\n' '|' | cut -c1-300)"
	log_has 'fault cut@' 7
	expect_dumps ":4 master-bin.000001:${TX[3]} master-bin.000001:${TX[4]} master-bin.000001:${TX[5]} master-bin.000001:${TX[5]} master-bin.000001:${TX[7]} master-bin.000001:${TX[9]} master-bin.000001:${TX[9]}"
}

t_cut_bytes() {
	# inside the first packet's header, at stream byte 1000, and a TCP
	# reset inside the payload event
	fake_start --binlog "$REC=master-bin.000001" \
	    --fault cutbytes@2 --fault cutbytes@1000 --fault reset@2000 \
	    --user "repl:mysql_native_password=$PW" || return
	replica cutbytes --retry-window 60
	expect_rc 0 cutbytes
	same_rows file cutbytes
	log_has 'fault (cutbytes|reset)@' 3
	[ "$(dumps | head -n 2 | tr '\n' ' ')" = ":4 :4 " ] ||
	    problem "dump requests: $(dumps | tr '\n' ' ')"
	[ "$(dumps | tail -n 1)" = "master-bin.000001:${TX[5]}" ] ||
	    problem "after the reset: $(dumps | tail -n 1), expected master-bin.000001:${TX[5]}"
}

t_cut_files() {
	# cuts inside src-bin.000002 and src-bin.000003, after real rotates
	local f2 f3 p2 p3
	f2=$(split_tx src-bin.000002 | sed -n 2p)   # TX5 in file 2
	f3=$(split_tx src-bin.000003 | sed -n 3p)   # TX9 in file 3
	p2=$((f2 + 300))
	p3=$((f3 + 300))
	fake_start --binlog "$W/split/src-bin.000001" --binlog "$W/split/src-bin.000002" \
	    --binlog "$W/split/src-bin.000003" --fault "cut@src-bin.000002:$p2" \
	    --fault "cut@src-bin.000003:$p3" --user "repl:mysql_native_password=$PW" || return
	replica cut_files --retry-window 60
	expect_rc 0 cut_files
	same_rows split cut_files
	expect_dumps ":4 src-bin.000002:$f2 src-bin.000003:$f3"
	# and the raw copies are the files
	fake_stop
	fake_start --no-auto-next --binlog "$W/split/src-bin.000001" \
	    --binlog "$W/split/src-bin.000002" --binlog "$W/split/src-bin.000003" \
	    --fault "cut@src-bin.000002:$p2" --fault "cut@src-bin.000003:$p3" \
	    --user "repl:mysql_native_password=$PW" || return
	mkdir -p "$W/rawcut"
	replica raw_cut --raw --result-dir "$W/rawcut" --retry-window 60
	expect_rc 0 raw_cut
	local f
	for f in src-bin.000001 src-bin.000002 src-bin.000003; do
		cmp -s "$W/split/$f" "$W/rawcut/$f" ||
		    problem "raw copy of $f differs ($(stat -c %s "$W/rawcut/$f" 2>/dev/null || echo missing) bytes, $(stat -c %s "$W/split/$f") expected)"
	done
}

# ------------------------------------------------------------ garble

# garble MODE POS WHAT: the stream stops with an error naming POS; the rows
# printed are those of the transactions before the damaged one.
garble() {
	local mode=$1 pos=$2 before=$3 name=garble_$1_$2
	fake_start --binlog "$REC=master-bin.000001" --fault "garble@$pos:$mode" \
	    --user "repl:mysql_native_password=$PW" || return
	replica "$name" --retry-window 20
	expect_rc 1 "$name"
	grep -Eq "master-bin\.000001:$pos\b|(offset|position|pos)[ :=]+$pos\b" "$W/$name.err" ||
	    problem "the error does not name position $pos: $(errors "$name")"
	log_has 'COM_BINLOG_DUMP ' 1
	reference "before_$before" --stop-position "$before" "$REC"
	same_rows "before_$before" "$name"
}

t_garble_flip() { garble flip 913 "${TX[3]}"; }
t_garble_type() { garble type 913 "${TX[3]}"; }
t_garble_payload() { garble flip 1468 "${TX[5]}"; }
t_garble_trunc() { garble trunc 3403 "${TX[9]}"; }

t_garble_short() {
	# a packet shorter than an event header: an error, or a reconnect
	# that delivers everything once; never a silent gap
	fake_start --binlog "$REC=master-bin.000001" --fault garble@913:short \
	    --user "repl:mysql_native_password=$PW" || return
	replica garble_short --retry-window 20
	if [ "$RC" -eq 0 ]; then
		same_rows file garble_short
		log_has 'COM_BINLOG_DUMP ' 2
	else
		reference before_704 --stop-position "${TX[3]}" "$REC"
		same_rows before_704 garble_short
	fi
}

# ----------------------------------------------------------- silence

t_silence_mid() {
	# silent inside the TRANSACTION_PAYLOAD event, mid-packet
	fake_start --binlog "$REC=master-bin.000001" --fault silent@2000 \
	    --user "repl:mysql_native_password=$PW" || return
	replica silence --heartbeat 1 --retry-window 60
	expect_rc 0 silence
	grep -q 'nothing received for 7 s' "$W/silence.err" ||
	    problem "no read timeout reported: $(errors silence)"
	[ "$ELAPSED" -ge 6 ] && [ "$ELAPSED" -le 30 ] || problem "took ${ELAPSED}s"
	expect_dumps ":4 master-bin.000001:${TX[5]}"
	same_rows file silence
}

t_silence_end() {
	# --stop-never: silent where heartbeats should come; the replica
	# reconnects and asks for the end of the binlog
	fake_start --binlog "$REC=master-bin.000001" --fault silent@end \
	    --user "repl:mysql_native_password=$PW" || return
	MYSQL_PWD=$PW "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$FAKE_PORT" --user repl \
	    --stop-never --heartbeat 1 --retry-window 60 >"$W/silence_end.out" \
	    2>"$W/silence_end.err" &
	local pid=$!
	wait_until -t 30 eval '[ "$(dumps | wc -l)" -ge 2 ]' ||
	    problem "no reconnect after the silence: $(errors silence_end)"
	sleep 1
	kill -TERM "$pid"
	wait "$pid"
	RC=$?
	check_sane silence_end
	expect_rc 0 silence_end
	grep -q 'nothing received for 7 s' "$W/silence_end.err" ||
	    problem "no read timeout reported: $(errors silence_end)"
	expect_dumps ":4 master-bin.000002:157"
	same_rows file silence_end
}

# ---------------------------------------------------- source restarts

# restart_source UUID NAME: cut the stream in TX5, replace the fake by a
# new one on the same port with server_uuid UUID, let NAME run to the end.
restart_source() {
	local uuid=$1 name=$2 pid port
	fake_start --server-uuid "$UUID" --binlog "$REC=master-bin.000001" --fault cut@1800 \
	    --user "repl:mysql_native_password=$PW" || return
	port=$FAKE_PORT
	MYSQL_PWD=$PW timeout 90 "$MYSHIFT_BINLOG" --host 127.0.0.1 --port "$port" \
	    --user repl --retry-window 60 >"$W/$name.out" 2>"$W/$name.err" &
	pid=$!
	wait_until -t 30 grep -q 'fault cut@1800' "$FAKE_LOG" || problem "no cut"
	fake_stop
	fake_start --port "$port" --server-uuid "$uuid" --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || { kill "$pid"; return; }
	wait "$pid"
	RC=$?
	check_sane "$name"
}

t_source_restart() {
	restart_source "$UUID" restart
	expect_rc 0 restart
	expect_dumps "master-bin.000001:${TX[5]}"
	same_rows file restart
}

t_source_replaced() {
	# another server behind the same address: positions mean nothing
	restart_source "$UUID2" replaced
	expect_rc 1 replaced
	grep -q "server_uuid changed from $UUID to $UUID2" "$W/replaced.err" ||
	    problem "no clear error: $(errors replaced)"
	log_has 'COM_BINLOG_DUMP ' 0
	reference before_1389 --stop-position "${TX[5]}" "$REC"
	same_rows before_1389 replaced
}

# t_run_replaced: `myshift run` keeps a MySQL source's server_uuid in its
# first checkpoint; started again when another server (another uuid)
# answers at the address, it must stop before asking for the binlog.
t_run_replaced() {
	local port cfg=$W/run.ini pid have
	local myshift=${MYSHIFT:-${top_builddir:-$top_srcdir}/myshift}
	[ -x "$myshift" ] || { problem "myshift is not built: $myshift"; return; }
	if [ -z "$(_srv_get rdst PORT)" ]; then
		srv_start rdst
		srv_sql rdst "CREATE USER 'apply'@'127.0.0.1' IDENTIFIED BY '$PW';
		    GRANT ALL PRIVILEGES ON *.* TO 'apply'@'127.0.0.1'" ||
		    { problem "cannot create the destination account"; return; }
	fi
	fake_start --server-uuid "$UUID" --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	port=$FAKE_PORT
	(
		umask 077
		cat >"$cfg" <<-EOF
		[source]
		host = 127.0.0.1
		port = $port
		user = repl
		password = $PW
		ssl_mode = disabled
		[destination]
		host = 127.0.0.1
		port = $(_srv_get rdst PORT)
		user = apply
		password = $PW
		ssl_mode = disabled
		[replication]
		server_id = 4300
		start = master-bin.000001:4
		retry_window = 5
		# a fake source answers no precheck
		precheck = false
		EOF
	)
	"$myshift" run -c "$cfg" >"$W/run1.log" 2>&1 </dev/null &
	pid=$!
	# ck_server: the checkpoint's source_server
	ck_server() {
		srv_sql rdst "SELECT source_server FROM myshift.checkpoint" 2>/dev/null
	}
	has_ck_server() { [ -n "$(ck_server)" ]; }
	wait_until -t 30 has_ck_server
	have=$(ck_server)
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	[ "$have" = "$UUID" ] || problem "the first checkpoint's source_server is" \
	    "'$have', expected $UUID: $(tail -n 3 "$W/run1.log")"
	fake_stop
	fake_start --port "$port" --server-uuid "$UUID2" --binlog "$REC=master-bin.000001" \
	    --user "repl:mysql_native_password=$PW" || return
	timeout 60 "$myshift" run -c "$cfg" >"$W/run2.log" 2>&1 </dev/null
	RC=$?
	[ "$RC" = 1 ] || problem "against another server: exit status $RC, expected 1"
	grep -q "server_uuid changed from $UUID to $UUID2" "$W/run2.log" ||
	    problem "no clear error: $(grep ERROR "$W/run2.log" | tail -n 2)"
	log_has 'COM_BINLOG_DUMP' 0
}

t_err_transient() {
	# a dump refused with an error that is not final: retried
	fake_start --binlog "$REC=master-bin.000001" \
	    --fault "refuse:1053:Server shutdown in progress" \
	    --user "repl:mysql_native_password=$PW" || return
	replica transient --retry-window 60
	expect_rc 0 transient
	grep -q 'Server shutdown in progress (error 1053)' "$W/transient.err" ||
	    problem "the error is not reported: $(errors transient)"
	expect_dumps ":4 :4"
	same_rows file transient
}

# ----------------------------------------------------------- ERR 1236

t_err1236() {
	fake_start --binlog "$REC=master-bin.000001" --fault refuse \
	    --user "repl:mysql_native_password=$PW" || return
	replica refused --retry-window 60
	expect_rc 1 refused
	grep -q 'error 1236' "$W/refused.err" &&
	    grep -q 'Could not find first log file name' "$W/refused.err" ||
	    problem "no clear error: $(errors refused)"
	[ "$ELAPSED" -lt 10 ] || problem "took ${ELAPSED}s: retried?"
	log_has 'COM_BINLOG_DUMP ' 1
	# a file the source does not have
	replica nofile --start-file master-bin.000009 --start-position 4
	expect_rc 1 nofile
	grep -q 'error 1236' "$W/nofile.err" || problem "no 1236: $(errors nofile)"
}

t_err1236_after_cut() {
	# cut mid-transaction, then refused: the transactions before the cut
	# are printed, the broken one is not
	fake_start --binlog "$REC=master-bin.000001" --fault cut@930 --fault refuse \
	    --user "repl:mysql_native_password=$PW" || return
	replica refused_late --retry-window 60
	expect_rc 1 refused_late
	grep -q 'error 1236' "$W/refused_late.err" || problem "no 1236: $(errors refused_late)"
	expect_dumps ":4 master-bin.000001:${TX[3]}"
	reference before_704 --stop-position "${TX[3]}" "$REC"
	same_rows before_704 refused_late
}

# -------------------------------------------------------------- run

run_case auth-caching-sha2-fast t_auth_fast
run_case auth-caching-sha2-full-tls t_auth_full_tls
run_case auth-tls-wrong-ca t_auth_tls_wrong_ca
run_case auth-caching-sha2-full-keyfile t_auth_full_keyfile
run_case auth-caching-sha2-full-getkey t_auth_full_getkey
run_case auth-caching-sha2-full-insecure t_auth_full_insecure
run_case auth-switch-native t_auth_switch_native
run_case auth-sha256 t_auth_sha256
run_case auth-sha256-default t_auth_sha256_default
run_case auth-wrong-password t_auth_wrong
run_case stream-rows t_stream_rows
run_case stream-start-position t_stream_start_position
run_case stream-big-events t_stream_big_events
run_case stream-checksum-none t_stream_checksum_none
run_case stream-raw t_stream_raw
run_case stream-grow-heartbeat t_stream_grow
run_case gtid-start t_gtid_start
run_case gtid-files t_gtid_files
run_case gtid-reconnect t_gtid_reconnect
run_case cut-offsets t_cut_offsets
run_case cut-bytes-reset t_cut_bytes
run_case cut-across-files t_cut_files
run_case garble-flip t_garble_flip
run_case garble-type t_garble_type
run_case garble-payload t_garble_payload
run_case garble-trunc t_garble_trunc
run_case garble-short t_garble_short
run_case silence-mid-transaction t_silence_mid
run_case silence-at-end t_silence_end
run_case source-restart t_source_restart
run_case source-replaced t_source_replaced
run_case run-replaced t_run_replaced
run_case err-transient t_err_transient
run_case err1236 t_err1236
run_case err1236-after-cut t_err1236_after_cut

echo "fake_source: $PASSED passed, ${#FAILED[@]} failed${FAILED[*]:+: ${FAILED[*]}}"
[ "${#FAILED[@]}" -eq 0 ]
