#!/usr/bin/env bash
# run_socket.sh: [source] and [destination] socket: a migration between two
# servers on this machine through their Unix sockets, no host, no port.
#
#   - start = snapshot through both sockets (precheck, schema, copy with two
#     workers, the replica stream) with ssl_mode = preferred and, on MySQL,
#     caching_sha2_password accounts and no RSA key options: the password
#     goes over the socket as over TLS; every table identical after rows
#     written during and after the copy, and the log names the sockets and
#     says the replica link is a Unix socket without TLS;
#   - kill -9, restart through the sockets: resumes, identical;
#   - myshift verify through the sockets: identical;
#   - MySQL sources: myshift-binlog -S logs in by caching_sha2_password's
#     full authentication over the socket, with an emptied cache, no TLS
#     and no RSA key;
#   - the configuration refuses a relative socket path, a path that is not a
#     socket, and verify_identity with a socket, each naming the key's line;
#   - the server's refusal of a wrong password over the socket stops myshift
#     at once (exit 1), naming the socket.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
cleanup() {
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src
mig_dest dst
mig_socket_accounts src dst
srv_scratch
T=$SRV_ROOT
SS=$(_srv_get src SOCK)
DS=$(_srv_get dst SOCK)
S=$(srv_seq 3000 q)
srv_sql src - <<-EOF || fail "cannot load the source"
	CREATE DATABASE so;
	USE so;
	CREATE TABLE a (id INT PRIMARY KEY, s VARCHAR(40), b BLOB, KEY (s));
	INSERT INTO a SELECT seq, CONCAT('row ', seq), REPEAT(CHAR(seq % 256), seq % 50) FROM $S;
	CREATE TABLE nokey (x INT, y VARCHAR(10));
	INSERT INTO nokey SELECT seq % 7, 'dup' FROM $S;
EOF

mig_config "$T/sock.ini" src dst snapshot "[copy]
workers = 2
chunk_rows = 500"
mig_use_sockets "$T/sock.ini" src dst
sed -i 's/^ssl_mode = disabled$/ssl_mode = preferred/; /^get_server_public_key/d' "$T/sock.ini"
grep -q "^socket = $SS$" "$T/sock.ini" && grep -q "^socket = $DS$" "$T/sock.ini" &&
    ! grep -q '^host' "$T/sock.ini" || fail "mig_use_sockets did not write the sockets"
if srv_is_mysql src; then
	srv_sql src "SELECT plugin FROM mysql.user WHERE user = '$MIG_REPL_USER'" |
	    grep -qv caching_sha2_password && fail "the source account is not caching_sha2_password"
	# an empty cache: the first login of each account needs the full password
	srv_sql src "FLUSH PRIVILEGES" && srv_sql dst "FLUSH PRIVILEGES" || fail "FLUSH PRIVILEGES"
fi

echo "start = snapshot through both sockets, a writer running"
write_one() {
	srv_sql src "INSERT INTO so.a VALUES (10000 + $1, 'written', NULL);
	    UPDATE so.a SET s = CONCAT('update ', $1) WHERE id = $1 % 3000 + 1"
}
mig_writer write_one
mig_start "$T/sock.ini" "$T/sock.log"
sleep 2
mig_writer_stop
srv_sql src "INSERT INTO so.nokey VALUES (99, 'after'); UPDATE so.a SET s = 'changed' WHERE id = 7" ||
    fail "writes after the copy failed"
mig_wait_caught_up src dst 120 || fail "did not catch up through the sockets"
mig_compare_db src dst so || fail "so differs after the copy and stream through the sockets"
grep -q "source $SS: connected (server .*Unix socket)" "$T/sock.log" ||
    fail "the log does not show the replica link over the socket: $(grep -m3 connected "$T/sock.log")"
grep -q "destination $DS" "$T/sock.log" || grep -q "precheck: PASS  destination: destination $DS" \
    "$T/sock.log" || fail "the log does not name the destination's socket"
echo "ok: snapshot and stream through the sockets: identical"

echo "kill -9, restart through the sockets"
mig_kill
srv_sql src "INSERT INTO so.a VALUES (100000, 'after kill', NULL); DELETE FROM so.a WHERE id = 9" ||
    fail "writes after the kill failed"
mig_start "$T/sock.ini" "$T/sock.log"
mig_wait_caught_up src dst 60 || fail "did not resume through the sockets"
mig_compare_db src dst so || fail "so differs after the restart"
mig_stop 30
[ "$MIG_RC" = 0 ] || fail "SIGTERM: exit $MIG_RC"
echo "ok: resumed through the sockets: identical"

"$MYSHIFT" verify -c "$T/sock.ini" >"$T/verify.out" 2>&1 ||
    fail "verify through the sockets: $(tail -5 "$T/verify.out")"
echo "ok: verify through the sockets: $(tail -1 "$T/verify.out" | cut -c1-120)"

if srv_is_mysql src; then
	# myshift's own replica protocol over the socket, first login after the
	# cache is emptied: caching_sha2_password's full authentication, with
	# neither TLS nor an RSA key (the myshift-binlog tool, same code)
	srv_sql src "FLUSH PRIVILEGES" || fail "FLUSH PRIVILEGES failed"
	f=$(mig_position src | cut -d' ' -f1)
	timeout 60 env MYSQL_PWD="$MIG_REPL_PW" "${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}" \
	    -S "$SS" -u "$MIG_REPL_USER" --ssl-mode=preferred --start-file="$f" -v \
	    >"$T/binlog.out" 2>"$T/binlog.err" </dev/null ||
	    fail "myshift-binlog -S: exit $?: $(grep -v ' INFO ' "$T/binlog.err" | head -3)"
	grep -q "source $SS: connected (server .*caching_sha2_password, Unix socket)" "$T/binlog.err" ||
	    fail "myshift-binlog -S did not log in by caching_sha2_password over the socket:" \
	    "$(grep -m2 -i connect "$T/binlog.err")"
	echo "ok: caching_sha2_password full login over the socket (no TLS, no RSA key)"
fi

# badcfg NAME SED-EXPR PATTERN: the configuration edited by SED-EXPR is
# refused (exit 2) with a message matching PATTERN, before any connection.
badcfg() {
	sed "$2" "$T/sock.ini" >"$T/$1.ini" && chmod 600 "$T/$1.ini"
	"$MYSHIFT" run -c "$T/$1.ini" >"$T/$1.log" 2>&1
	local rc=$?
	[ "$rc" = 2 ] || fail "$1: exit $rc, expected 2 (a configuration error): $(tail -3 "$T/$1.log")"
	grep -qE -- "$3" "$T/$1.log" || fail "$1: the error does not say /$3/: $(tail -3 "$T/$1.log")"
	echo "ok: $1 refused: $(grep -m1 -E -- "$3" "$T/$1.log" | cut -c1-160)"
}
badcfg relative "s|^socket = $DS\$|socket = sock|" ':[0-9]+: \[destination\] socket = sock: an absolute path'
badcfg notsock "s|^socket = $DS\$|socket = $T/sock.ini|" 'socket = .*: not a socket'
badcfg identity "0,/^ssl_mode = preferred/s//ssl_mode = verify_identity/" 'verify_identity and socket'

sed "0,/^\[destination\]/!{0,/^password = .*/s//password = not-the-password/}" "$T/sock.ini" >"$T/badpw.ini"
chmod 600 "$T/badpw.ini"
grep -q "^password = not-the-password" "$T/badpw.ini" || fail "cannot write badpw.ini"
timeout 60 "$MYSHIFT" run -c "$T/badpw.ini" >"$T/badpw.log" 2>&1
rc=$?
[ "$rc" = 1 ] || fail "wrong password over the socket: exit $rc, expected 1: $(tail -3 "$T/badpw.log")"
grep -q "destination $DS: cannot connect: Access denied" "$T/badpw.log" ||
    fail "the refusal does not name the socket: $(tail -3 "$T/badpw.log")"
echo "ok: a wrong password over the socket stops at once"
echo "PASS: run_socket"
