#!/usr/bin/env bash
# live_auth.sh: myshift-binlog logs in to a live server with
# mysql_native_password and ed25519 accounts, and fails clearly (exit 1,
# one error line, no password anywhere) on every login problem.
#
# Checked on a MariaDB server with the auth_ed25519 plugin loaded:
#   - a mysql_native_password account and an ed25519 account both stream
#     the binlog (rows printed), with the password from MYSQL_PWD and from
#     -pPASSWORD; a password given as -pPASSWORD is hidden from ps;
#   - a wrong password (both plugins) and an unknown user: exit 1 at once
#     (no reconnecting), exactly one ERROR line, naming the link and the
#     user and saying "Access denied" or "authentication";
#   - an account without REPLICATION SLAVE: exit 1 at once, an error
#     naming the missing privilege;
#   - a port where nothing listens, with --retry-window 1: exit 1 within
#     a few seconds, an error saying it cannot connect;
#   - -p without a value and without a terminal: a usage error, no hang;
#   - no password string ever appears on stdout or stderr (also with -v).
#
# On MySQL (9.7: no mysql_native_password on the server; caching_sha2_password
# is the default, sha256_password still there) the two accounts are
# caching_sha2_password ("native"'s place) and sha256_password ("ed"'s
# place), and over links without TLS the password goes RSA-encrypted:
#   - caching_sha2_password with --ssl-mode disabled and an empty
#     authentication cache (FLUSH PRIVILEGES): fails at once, clearly,
#     without --get-server-public-key or --server-public-key-path; streams
#     with either (the key asked from the server, or the datadir's
#     public_key.pem); once cached, the fast path needs no key;
#   - sha256_password the same (it has no cache);
#   - creating a mysql_native_password account is refused by the server.

# src_PORT, src_LOG are set by srv_start (whole file):
# shellcheck disable=SC2154
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

# Distinct, greppable passwords; WRONG_PW must not show up either.
NATIVE_PW='Native-pw_4711'
ED_PW='Ed25519-pw_0815'
NOPRIV_PW='Nopriv-pw_2342'
WRONG_PW='Wrong-pw_9999'
ALL_PW=("$NATIVE_PW" "$ED_PW" "$NOPRIV_PW" "$WRONG_PW")

ERRORS=0
bg_pid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$bg_pid" ]; then
		kill -TERM "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
	fi
	srv_cleanup_all
}
trap cleanup EXIT

# PLUG1/PLUG2: the plugins of accounts native and ed (names kept on MySQL).
if srv_is_mysql src; then
	PLUG1=caching_sha2_password PLUG2=sha256_password
	srv_start src
	srv_scratch
	T=$SRV_ROOT
	acc1="CREATE USER native@'127.0.0.1' IDENTIFIED WITH caching_sha2_password
	    BY '$NATIVE_PW';"
	acc2="CREATE USER ed@'127.0.0.1' IDENTIFIED WITH sha256_password BY '$ED_PW';"
else
	PLUG1=mysql_native_password PLUG2=ed25519
	srv_start src --plugin-load-add=auth_ed25519
	srv_scratch
	T=$SRV_ROOT
	[ "$(srv_sql src "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS
	    WHERE PLUGIN_NAME='ed25519'")" = ACTIVE ] ||
	    fail "the ed25519 plugin is not active (see $src_LOG)"
	acc1="CREATE USER native@'127.0.0.1' IDENTIFIED VIA mysql_native_password
	    USING PASSWORD('$NATIVE_PW');"
	acc2="CREATE USER ed@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('$ED_PW');"
fi
srv_sql src "SET sql_log_bin=0;
    $acc1
    $acc2
    CREATE USER nopriv@'127.0.0.1' IDENTIFIED BY '$NOPRIV_PW';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO native@'127.0.0.1';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ed@'127.0.0.1';
    GRANT REPLICATION CLIENT, SELECT ON *.* TO nopriv@'127.0.0.1';
    SET sql_log_bin=1;
    CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10));
    INSERT INTO d.t VALUES (1, 'one'), (2, 'two'), (3, 'three')" ||
    fail "cannot create the accounts"
[ "$(srv_sql src "SELECT plugin FROM mysql.user WHERE user='ed'")" = "$PLUG2" ] ||
    fail "account ed does not use $PLUG2"
[ "$(srv_sql src "SELECT plugin FROM mysql.user WHERE user='native'")" = "$PLUG1" ] ||
    fail "account native does not use $PLUG1"

# live NAME PW ARGS...: a non-blocking stream from the server, the password
# PW (if not empty) in MYSQL_PWD; output in $T/NAME.out, $T/NAME.err,
# exit status in RC, wall seconds in SECS.
live() {
	local name=$1 pw=$2 t0
	shift 2
	t0=$(date +%s.%N)
	if [ -n "$pw" ]; then
		timeout 60 env MYSQL_PWD="$pw" "$MYSHIFT_BINLOG" --host 127.0.0.1 "$@" \
		    >"$T/$name.out" 2>"$T/$name.err" </dev/null
	else
		timeout 60 env -u MYSQL_PWD "$MYSHIFT_BINLOG" --host 127.0.0.1 "$@" \
		    >"$T/$name.out" 2>"$T/$name.err" </dev/null
	fi
	RC=$?
	SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

# expect_ok NAME WHAT: exit 0 and the 3 rows printed.
expect_ok() {
	local rows
	if [ "$RC" -ne 0 ]; then
		check_fail "$2: exit status $RC, expected 0: $(grep -av ' INFO ' "$T/$1.err" | head -n 3)"
		return
	fi
	# shellcheck disable=SC2016 # backquotes of the output, not a command
	rows=$(grep -ac '^### INSERT INTO `d`.`t`' "$T/$1.out")
	[ "$rows" -eq 3 ] || check_fail "$2: $rows rows printed, expected 3"
	echo "ok: $2"
}

# expect_fail NAME WHAT MAXSECS REGEX...: exit 1 within MAXSECS seconds,
# no event printed, exactly one ERROR line naming the link
# (source 127.0.0.1:PORT) and matching every extended REGEX
# (case-insensitive).
expect_fail() {
	local name=$1 what=$2 max=$3 line re
	shift 3
	if [ "$RC" -ne 1 ]; then
		check_fail "$what: exit status $RC, expected 1 (124: still running after 60 s):" \
		    "$(head -n 3 "$T/$name.err")"
		return
	fi
	awk -v s="$SECS" -v m="$max" 'BEGIN { exit !(s <= m) }' ||
	    check_fail "$what: took $SECS s, expected at most $max s (retrying a final error?)"
	grep -aq '^# at ' "$T/$name.out" && check_fail "$what: events printed"
	if [ "$(grep -ac ' ERROR ' "$T/$name.err")" -ne 1 ]; then
		check_fail "$what: expected one ERROR line, got: $(cat "$T/$name.err")"
		return
	fi
	line=$(grep -a ' ERROR ' "$T/$name.err")
	grep -qE 'source 127\.0\.0\.1:[0-9]+' <<<"$line" ||
	    check_fail "$what: the error does not name the link (source 127.0.0.1:PORT): $line"
	for re in "$@"; do
		grep -qiE -- "$re" <<<"$line" ||
		    check_fail "$what: the error does not match /$re/: $line"
	done
	echo "ok: $what fails in $SECS s: ${line#* ERROR }"
}

P=(--port "$src_PORT")

# Both plugins stream, the password from the environment or -p.
# MySQL: an empty cache of caching_sha2_password, so that the next login
# of "native" takes the full path (password over TLS or RSA-encrypted).
flush_cache() {
	srv_is_mysql src || return 0
	srv_sql src "FLUSH PRIVILEGES" || fail "FLUSH PRIVILEGES failed"
}
NOKEY=()
if srv_is_mysql src; then
	# without TLS: RSA needs a key; first the clear error without one
	flush_cache
	live native_nokey "$NATIVE_PW" "${P[@]}" --user native --ssl-mode disabled
	expect_fail native_nokey "$PLUG1, no TLS, no RSA key" \
	    10 'full password|RSA' 'get.server.public.key|server.public.key'
	# sha256_password asks the server for the key unbidden, as libmysqlclient
	live ed_pubfile "$ED_PW" "${P[@]}" --user ed --ssl-mode disabled \
	    --server-public-key-path "$src_DATADIR/public_key.pem"
	expect_ok ed_pubfile "$PLUG2, no TLS, --server-public-key-path"
	NOKEY=(--get-server-public-key)
	flush_cache
	live native_pubfile "$NATIVE_PW" "${P[@]}" --user native --ssl-mode disabled \
	    --server-public-key-path "$src_DATADIR/public_key.pem"
	expect_ok native_pubfile "$PLUG1, no TLS, --server-public-key-path (datadir's public_key.pem)"
	grep -aqE 'connected \(.*caching_sha2_password, no TLS' "$T/native_pubfile.err" ||
	    check_fail "$PLUG1 without TLS not logged as such: $(grep -a connected "$T/native_pubfile.err")"
	flush_cache
	live native_getkey "$NATIVE_PW" "${P[@]}" --user native --ssl-mode disabled \
	    --get-server-public-key
	expect_ok native_getkey "$PLUG1, no TLS, --get-server-public-key (after FLUSH PRIVILEGES)"
	# cached now: the fast path sends a scramble, no key needed
	live native_fast "$NATIVE_PW" "${P[@]}" --user native --ssl-mode disabled
	expect_ok native_fast "$PLUG1, no TLS, cached (fast authentication)"
	if srv_sql src "SET sql_log_bin=0; CREATE USER np@'127.0.0.1' IDENTIFIED WITH
	    mysql_native_password BY 'x'" 2>"$T/native_create.err"; then
		check_fail "the MySQL server has mysql_native_password: test it here"
	else
		echo "ok: no mysql_native_password on this server: $(tail -n 1 "$T/native_create.err")"
	fi
	flush_cache
fi
live native_env "$NATIVE_PW" "${P[@]}" --user native
expect_ok native_env "$PLUG1, MYSQL_PWD"
grep -aq "$PLUG1" "$T/native_env.err" ||
    check_fail "$PLUG1 login not logged as such: $(grep -a connected "$T/native_env.err")"
flush_cache
live native_opt "" "${P[@]}" --user native -p"$NATIVE_PW"
expect_ok native_opt "$PLUG1, -pPASSWORD"
live ed_env "$ED_PW" "${P[@]}" --user ed
expect_ok ed_env "$PLUG2, MYSQL_PWD"
grep -aq "$PLUG2" "$T/ed_env.err" ||
    check_fail "$PLUG2 login not logged as such: $(grep -a connected "$T/ed_env.err")"
live ed_opt "" "${P[@]}" --user ed --password="$ED_PW" --ssl-mode disabled "${NOKEY[@]}"
expect_ok ed_opt "$PLUG2, --password=PASSWORD, no TLS"
# the same accounts over TLS are covered by live_tls.sh (native only)

# -pPASSWORD is not visible in the process's arguments.
env -u MYSQL_PWD "$MYSHIFT_BINLOG" --host 127.0.0.1 "${P[@]}" --user ed -p"$ED_PW" \
    --stop-never >"$T/ps.out" 2>"$T/ps.err" </dev/null &
bg_pid=$!
wait_until -t 20 grep -aq 'streaming from' "$T/ps.err" ||
    check_fail "-p stream did not start: $(cat "$T/ps.err")"
if tr '\0' ' ' </proc/$bg_pid/cmdline | grep -qF -- "$ED_PW"; then
	check_fail "the -p password is visible in ps: $(tr '\0' ' ' </proc/$bg_pid/cmdline)"
else
	echo "ok: -pPASSWORD hidden from ps ($(tr '\0' ' ' </proc/$bg_pid/cmdline | cut -c1-200))"
fi
kill -TERM "$bg_pid"
wait "$bg_pid"
rc=$?
bg_pid=
[ $rc -eq 0 ] || check_fail "--stop-never stream exited $rc after SIGTERM: $(grep -av ' INFO ' "$T/ps.err")"

# Wrong passwords, unknown user: final at once, with the default retry
# window (12 hours), also verbose.
flush_cache
live native_wrong "$WRONG_PW" "${P[@]}" --user native -v
expect_fail native_wrong "$PLUG1, wrong password" 10 \
    'access denied|authentication' "'?native'?"
if srv_is_mysql src; then
	live native_wrong_rsa "$WRONG_PW" "${P[@]}" --user native -v --ssl-mode disabled \
	    --get-server-public-key
	expect_fail native_wrong_rsa "$PLUG1, wrong password, no TLS, RSA" 10 \
	    'access denied|authentication' "'?native'?"
fi
live ed_wrong "$WRONG_PW" "${P[@]}" --user ed -v
expect_fail ed_wrong "$PLUG2, wrong password" 10 'access denied|authentication' "'?ed'?"
live ed_nopw "" "${P[@]}" --user ed
expect_fail ed_nopw "$PLUG2, no password" 10 'access denied|authentication' "'?ed'?"
live unknown "$WRONG_PW" "${P[@]}" --user no_such_user -v
expect_fail unknown "unknown user" 10 'access denied|authentication' 'no_such_user'

# No REPLICATION SLAVE privilege.
live nopriv "$NOPRIV_PW" "${P[@]}" --user nopriv
expect_fail nopriv "account without REPLICATION SLAVE" 10 'REPLICATION SLAVE' \
    'privilege|access denied'

# Nothing listens on the port: "cannot connect", quickly.
dead_port=$(_srv_pick_port) || exit 1
live dead "$NATIVE_PW" --port "$dead_port" --user native --retry-window 1
expect_fail dead "nothing listening, --retry-window 1" 8 'cannot connect|connection refused'
grep -qF "127.0.0.1:$dead_port" "$T/dead.err" ||
    check_fail "the connect error does not name port $dead_port: $(cat "$T/dead.err")"
rm -rf "${SRV_PORT_LOCKS:?}/$dead_port"

# -p without a value and no terminal: an error, not a hang.
setsid -w timeout 20 env -u MYSQL_PWD "$MYSHIFT_BINLOG" --host 127.0.0.1 "${P[@]}" \
    --user native -p </dev/null >"$T/tty.out" 2>"$T/tty.err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
	check_fail "-p without a terminal: exit status $rc: $(cat "$T/tty.err")"
elif ! grep -qi 'terminal\|MYSQL_PWD' "$T/tty.err"; then
	check_fail "-p without a terminal: no useful message: $(cat "$T/tty.err")"
else
	echo "ok: -p without a terminal: exit $rc: $(head -n 1 "$T/tty.err")"
fi

# No password anywhere in what the tool printed.
for pw in "${ALL_PW[@]}"; do
	if grep -laF -- "$pw" "$T"/*.out "$T"/*.err >/dev/null 2>&1; then
		check_fail "a password appears in: $(grep -laF -- "$pw" "$T"/*.out "$T"/*.err | tr '\n' ' ')"
	fi
done

[ $ERRORS -eq 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: live_auth"
