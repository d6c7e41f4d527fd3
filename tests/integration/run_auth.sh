#!/usr/bin/env bash
# run_auth.sh: `myshift run` with caching_sha2_password accounts and
# ssl_mode = disabled on both links (MySQL sources and destinations).
#
#   - get_server_public_key = true on both links: myshift replicates (every
#     MySQL pair's run_* suite does this too; this checks a row arrives);
#   - get_server_public_key = false on the source link, its authentication
#     cache empty (FLUSH PRIVILEGES): myshift must stop at once with exit
#     status 1 and an error naming the source link and get_server_public_key
#     (myshift-binlog does: live_auth.sh).
#
# KNOWN FAILURE (not in PAIR_TESTS): myshift run's first connection to the
# source (src/run.c start_position, through src/dest.c with libmariadb)
# logs in with the C library, whose caching_sha2_password asks the server
# for its RSA key unbidden: the login succeeds, fills the server's cache,
# and the replica link then passes by fast authentication; myshift runs.
# MariaDB sources (mysql_native_password accounts) have no equivalent: skipped.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_is_mysql src || skip "caching_sha2_password accounts are MySQL's"
ERRORS=0
check_fail() {
	echo "FAIL: $*" >&2
	ERRORS=$((ERRORS + 1))
}
cleanup() {
	mig_stop 20
	srv_cleanup_all
}
trap cleanup EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
srv_sql src "CREATE DATABASE a; CREATE TABLE a.t (id INT PRIMARY KEY)" || fail "setup failed"
srv_sql dst "CREATE DATABASE a; CREATE TABLE a.t (id INT PRIMARY KEY)" || fail "setup failed"

echo "get_server_public_key = true on both links, no TLS"
srv_sql src "FLUSH PRIVILEGES" && srv_sql dst "FLUSH PRIVILEGES" || fail "FLUSH PRIVILEGES failed"
mig_config "$T/ok.ini" src dst current
mig_start "$T/ok.ini" "$T/ok.log"
mig_wait_started dst || fail "myshift did not start"
srv_sql src "INSERT INTO a.t VALUES (1)" || fail "insert failed"
mig_wait_caught_up src dst 60 || check_fail "myshift did not catch up"
mig_stop
grep -q 'caching_sha2_password, no TLS' "$T/ok.log" ||
    check_fail "the source link is not logged as caching_sha2_password without TLS"
srv_sql dst "DROP DATABASE myshift" || fail "cannot drop dst's state"

echo "get_server_public_key = false on the source link"
srv_sql src "FLUSH PRIVILEGES" || fail "FLUSH PRIVILEGES failed on src"
mig_config "$T/nokey.ini" src dst current
sed -i '0,/^get_server_public_key = true/s//get_server_public_key = false/' "$T/nokey.ini"
mig_start "$T/nokey.ini" "$T/nokey.log"
if mig_wait_exit 30; then
	err=$(grep ' ERROR ' "$T/nokey.log" | tail -n 1)
	echo "exit $MIG_RC: $(echo "$err" | cut -c1-300)"
	[ "$MIG_RC" = 1 ] || check_fail "no RSA key on the source link: exit status $MIG_RC"
	echo "$err" | grep -qE 'source 127\.0\.0\.1:[0-9]+: .*get_server_public_key' ||
	    check_fail "no RSA key on the source link: unclear error: $err"
else
	check_fail "no RSA key on the source link: myshift kept running:" \
	    "$(grep -E 'connected|ERROR' "$T/nokey.log" | head -n 3 | cut -c1-200)"
	mig_stop
fi

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_auth"
