#!/usr/bin/env bash
# live_tls.sh: myshift-binlog's --ssl-mode against real MariaDB servers.
#
# openssl makes a CA, a server certificate for "localhost" and 127.0.0.1,
# a second server certificate for another name (same CA), a client
# certificate, and an unrelated CA.  Server "good" uses the first server
# certificate, server "bad" the second; "bad" is later restarted without
# TLS.  Checked, each time on the events printed or the one error line:
#
#   disabled, preferred, required      stream (good); a REQUIRE SSL account
#                                      streams with preferred and required
#                                      (so TLS was used) and is refused with
#                                      disabled
#   REQUIRE X509 account               streams with the client certificate,
#                                      refused without it
#   verify_ca                          streams with the right CA; a clear TLS
#                                      certificate error with an unrelated CA;
#                                      without --ssl-ca a clear error
#   verify_identity                    streams with --host localhost and
#                                      --host 127.0.0.1 (names in the
#                                      certificate); fails against "bad"
#                                      (name not in the certificate) with an
#                                      error that says the certificate does
#                                      not match the host name or address
#   server without TLS                 required/verify_* fail clearly,
#                                      preferred streams in clear text

# good_PORT, bad_PORT, good_LOG... are set by srv_start (whole file):
# shellcheck disable=SC2154
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
command -v openssl >/dev/null || skip "openssl is not installed"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

PW='Tls-test-pw_1'
ERRORS=0
srv_scratch
T=$SRV_ROOT
P=$T/pki
# A chrooted server (MariaDB 11.8, MySQL 9.7) reads its certificates inside
# its root: the PKI is made there, PS is the servers' path to it.
PS=$P
if [ "$(srv_flavour good)" != mariadb-10.11 ]; then
	. "$top_srcdir/tests/lib/roots.sh"
	R=$(roots_path "$(srv_flavour good)")
	PS=/var/tmp/pki.$$
	P=$R$PS
	trap 'rm -rf "$P"; srv_cleanup_all' EXIT
fi
mkdir -p "$P"

# ---------------------------------------------------------------- PKI
# mkca NAME: a self-signed CA in $P/NAME.pem, key $P/NAME.key.
mkca() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
	    -keyout "$P/$1.key" -out "$P/$1.pem" -subj "/CN=myshift test $1" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" >>"$P/log" 2>&1 ||
	    fail "openssl: cannot make CA $1 (see $P/log)"
}

# mkcert NAME CN EXT: a certificate signed by ca, EXT the extensions
# ("subjectAltName=...", "extendedKeyUsage=...").
mkcert() {
	local name=$1 cn=$2
	shift 2
	printf '%s\n' "$@" >"$P/$name.ext"
	openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$P/$name.key" \
	    -out "$P/$name.csr" -subj "/CN=$cn" >>"$P/log" 2>&1 ||
	    fail "openssl: cannot make the request for $name (see $P/log)"
	openssl x509 -req -in "$P/$name.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" \
	    -CAcreateserial -days 30 -sha256 -extfile "$P/$name.ext" \
	    -out "$P/$name.pem" >>"$P/log" 2>&1 ||
	    fail "openssl: cannot make certificate $name (see $P/log)"
}

mkca ca
mkca otherca
mkcert server localhost "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    "extendedKeyUsage=serverAuth"
mkcert wrongname db.wrong.example "subjectAltName=DNS:db.wrong.example" \
    "extendedKeyUsage=serverAuth"
mkcert client myshift-client "extendedKeyUsage=clientAuth"

# ------------------------------------------------------------ servers
chmod -R a+rX "$P"
srv_start good --ssl-ca="$PS/ca.pem" --ssl-cert="$PS/server.pem" --ssl-key="$PS/server.key"
srv_start bad --ssl-ca="$PS/ca.pem" --ssl-cert="$PS/wrongname.pem" --ssl-key="$PS/wrongname.key"

# has_tls NAME: does NAME accept TLS? (MySQL 9 has no @@have_ssl)
has_tls() {
	if srv_is_mysql "$1"; then
		# tls_version empty: encrypted connections are off
		[ -n "$(srv_sql "$1" "SELECT @@global.tls_version")" ] &&
		    [ -n "$(srv_sql "$1" "SELECT VARIABLE_VALUE FROM performance_schema.global_status
		    WHERE VARIABLE_NAME = 'Current_tls_cert'")" ]
	else
		[ "$(srv_sql "$1" "SELECT @@have_ssl")" = YES ]
	fi
}

# accounts NAME: the replication accounts (not binlogged) and one
# transaction of 3 rows in the binlog.
accounts() {
	srv_sql "$1" "SET sql_log_bin=0;
	    CREATE USER repl@'127.0.0.1' IDENTIFIED BY '$PW';
	    CREATE USER repl_ssl@'127.0.0.1' IDENTIFIED BY '$PW' REQUIRE SSL;
	    CREATE USER repl_x509@'127.0.0.1' IDENTIFIED BY '$PW' REQUIRE X509;
	    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO repl@'127.0.0.1';
	    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO repl_ssl@'127.0.0.1';
	    GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO repl_x509@'127.0.0.1';
	    SET sql_log_bin=1;
	    CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10));
	    INSERT INTO d.t VALUES (1, 'one'), (2, 'two'), (3, 'three')" ||
	    fail "cannot set up server $1"
}
accounts good
accounts bad
has_tls good || fail "server good has no TLS (see $good_LOG)"

N=0
# live NAME PORT ARGS...: run a non-blocking stream (password from the
# environment) into $T/NAME.out and $T/NAME.err; sets RC.
live() {
	local name=$1 port=$2
	shift 2
	N=$((N + 1))
	timeout 60 env MYSQL_PWD="$PW" "$MYSHIFT_BINLOG" --port "$port" \
	    --retry-window 5 --connect-timeout 10 "$@" >"$T/$name.out" 2>"$T/$name.err"
	RC=$?
}

# errors NAME: the ERROR/WARN lines (or every line not INFO) of a run.
errors() {
	grep -av ' INFO ' "$T/$1.err" | head -n 3
}

# expect_ok NAME WHAT [TLS]: the run streamed the 3 rows and exited 0; with
# TLS=tls/plain also that the connection was (not) encrypted, as logged.
expect_ok() {
	local name=$1 what=$2 tls=${3:-} rows
	if [ "$RC" -ne 0 ]; then
		check_fail "$what: exit status $RC, expected 0: $(errors "$name")"
		return
	fi
	# shellcheck disable=SC2016 # backquotes of the output, not a command
	rows=$(grep -ac '^### INSERT INTO `d`.`t`' "$T/$name.out")
	[ "$rows" -eq 3 ] || check_fail "$what: $rows rows printed, expected 3"
	case $tls in
	tls)
		grep -aqE 'connected \(.*, TLS' "$T/$name.err" ||
		    check_fail "$what: not logged as a TLS connection: $(grep -a connected "$T/$name.err")"
		;;
	plain)
		grep -aqE 'connected \(.*, no TLS' "$T/$name.err" ||
		    check_fail "$what: not logged as a clear-text connection: $(grep -a connected "$T/$name.err")"
		;;
	esac
	echo "ok: $what"
}

# expect_fail NAME WHAT REGEX...: the run exited 1, printed no event, and
# its stderr has exactly one ERROR line, naming the link and matching
# every extended REGEX (case-insensitive).
expect_fail() {
	local name=$1 what=$2 port line re
	shift 2
	if [ "$RC" -ne 1 ]; then
		check_fail "$what: exit status $RC, expected 1: $(errors "$name")"
		return
	fi
	if grep -aq '^# at ' "$T/$name.out"; then
		check_fail "$what: events printed although the connection must fail"
	fi
	if [ "$(grep -ac ' ERROR ' "$T/$name.err")" -ne 1 ]; then
		check_fail "$what: expected one ERROR line, got: $(cat "$T/$name.err")"
		return
	fi
	line=$(grep -a ' ERROR ' "$T/$name.err")
	port=$(grep -aoE 'source 127\.0\.0\.1:[0-9]+|source localhost:[0-9]+' <<<"$line")
	[ -n "$port" ] || check_fail "$what: the error does not name the link (source HOST:PORT): $line"
	# match the message after "source HOST:PORT: " (which names the host)
	for re in "$@"; do
		grep -qiE -- "$re" <<<"${line#*"$port": }" ||
		    check_fail "$what: the error does not match /$re/: $line"
	done
	echo "ok: $what fails: ${line#* ERROR }"
}

G=(--host 127.0.0.1)
# MySQL's caching_sha2_password without TLS: the RSA key exchange
srv_is_mysql good && G+=(--get-server-public-key)
# ssl modes that do not verify
live disabled "$good_PORT" "${G[@]}" --user repl --ssl-mode disabled
expect_ok disabled "ssl-mode disabled" plain
live preferred "$good_PORT" "${G[@]}" --user repl --ssl-mode preferred
expect_ok preferred "ssl-mode preferred" tls
live default "$good_PORT" "${G[@]}" --user repl
expect_ok default "no --ssl-mode (preferred)" tls
live required "$good_PORT" "${G[@]}" --user repl --ssl-mode required
expect_ok required "ssl-mode required" tls
live required_bad "$bad_PORT" "${G[@]}" --user repl --ssl-mode required
expect_ok required_bad "ssl-mode required, name not in the certificate (not checked)" tls

# REQUIRE SSL: the server itself checks that the session is encrypted.
live rs_pref "$good_PORT" "${G[@]}" --user repl_ssl --ssl-mode preferred
expect_ok rs_pref "REQUIRE SSL account, ssl-mode preferred"
live rs_req "$good_PORT" "${G[@]}" --user repl_ssl --ssl-mode required
expect_ok rs_req "REQUIRE SSL account, ssl-mode required"
live rs_dis "$good_PORT" "${G[@]}" --user repl_ssl --ssl-mode disabled
expect_fail rs_dis "REQUIRE SSL account, ssl-mode disabled" 'access denied' 'repl_ssl'

# REQUIRE X509: the client certificate is sent.
live x509 "$good_PORT" "${G[@]}" --user repl_x509 --ssl-mode verify_ca \
    --ssl-ca "$P/ca.pem" --ssl-cert "$P/client.pem" --ssl-key "$P/client.key"
expect_ok x509 "REQUIRE X509 account with a client certificate" tls
live x509_none "$good_PORT" "${G[@]}" --user repl_x509 --ssl-mode verify_ca \
    --ssl-ca "$P/ca.pem"
expect_fail x509_none "REQUIRE X509 account without a client certificate" \
    'access denied' 'repl_x509'

# verify_ca
live vca "$good_PORT" "${G[@]}" --user repl --ssl-mode verify_ca --ssl-ca "$P/ca.pem"
expect_ok vca "ssl-mode verify_ca, right CA" tls
live vca_name "$bad_PORT" "${G[@]}" --user repl --ssl-mode verify_ca --ssl-ca "$P/ca.pem"
expect_ok vca_name "ssl-mode verify_ca, name not in the certificate (not checked)" tls
live vca_wrong "$good_PORT" "${G[@]}" --user repl --ssl-mode verify_ca --ssl-ca "$P/otherca.pem"
expect_fail vca_wrong "ssl-mode verify_ca, unrelated CA" 'TLS' 'certificate'
live vca_noca "$good_PORT" "${G[@]}" --user repl --ssl-mode verify_ca
expect_fail vca_noca "ssl-mode verify_ca without --ssl-ca" 'ssl.ca|CA'
live vca_missing "$good_PORT" "${G[@]}" --user repl --ssl-mode verify_ca \
    --ssl-ca "$P/no-such-ca.pem"
expect_fail vca_missing "ssl-mode verify_ca, --ssl-ca file missing" 'no-such-ca\.pem'

# verify_identity
live vid_name "$good_PORT" --host localhost --user repl --ssl-mode verify_identity \
    --ssl-ca "$P/ca.pem"
expect_ok vid_name "ssl-mode verify_identity, --host localhost (in the certificate)" tls
live vid_ip "$good_PORT" "${G[@]}" --user repl --ssl-mode verify_identity --ssl-ca "$P/ca.pem"
expect_ok vid_ip "ssl-mode verify_identity, --host 127.0.0.1 (IP in the certificate)" tls
live vid_bad "$bad_PORT" "${G[@]}" --user repl --ssl-mode verify_identity --ssl-ca "$P/ca.pem"
expect_fail vid_bad "ssl-mode verify_identity, 127.0.0.1 not in the certificate" \
    'certificate' 'TLS' 'mismatch|host ?name|IP address|not (valid )?for'
live vid_badname "$bad_PORT" --host localhost --user repl --ssl-mode verify_identity \
    --ssl-ca "$P/ca.pem"
expect_fail vid_badname "ssl-mode verify_identity, localhost not in the certificate" \
    'certificate' 'TLS' 'mismatch|host ?name|not (valid )?for'
live vid_wrongca "$good_PORT" --host localhost --user repl --ssl-mode verify_identity \
    --ssl-ca "$P/otherca.pem"
expect_fail vid_wrongca "ssl-mode verify_identity, unrelated CA" 'certificate' 'TLS'

# A server without TLS.
if srv_is_mysql bad; then
	srv_restart bad --tls-version=
else
	srv_restart bad --skip-ssl
fi
! has_tls bad || fail "server bad still has TLS after it was turned off"
live notls_req "$bad_PORT" "${G[@]}" --user repl --ssl-mode required
expect_fail notls_req "ssl-mode required, server without TLS" 'TLS|SSL'
live notls_vca "$bad_PORT" "${G[@]}" --user repl --ssl-mode verify_ca --ssl-ca "$P/ca.pem"
expect_fail notls_vca "ssl-mode verify_ca, server without TLS" 'TLS|SSL'
live notls_pref "$bad_PORT" "${G[@]}" --user repl --ssl-mode preferred
expect_ok notls_pref "ssl-mode preferred, server without TLS" plain

# The password never shows in any output.
if grep -rlaF -- "$PW" "$T"/*.out "$T"/*.err >/dev/null 2>&1; then
	check_fail "the password appears in: $(grep -rlaF -- "$PW" "$T"/*.out "$T"/*.err | tr '\n' ' ')"
fi

[ $ERRORS -eq 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: live_tls ($N runs)"
