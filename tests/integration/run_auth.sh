#!/usr/bin/env bash
# run_auth.sh: `myshift run` with caching_sha2_password accounts and
# ssl_mode = disabled on both links (MySQL sources and destinations).
#
#   - get_server_public_key = true on both links: myshift replicates (every
#     MySQL pair's run_* suite does this too; this checks a row arrives);
#
# With get_server_public_key = false, myshift's first SQL connection to the
# source (through MariaDB Connector/C, whose caching_sha2_password plugin
# fetches the key unbidden) fills the server's cache; the replica link then
# logs in by fast authentication.  myshift.ini(5) says so; this suite
# checks the link that works, and live_auth.sh checks that myshift's own
# protocol refuses without a key.
# MariaDB sources (mysql_native_password accounts) have no equivalent: skipped.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_is_mysql src || skip "caching_sha2_password accounts are MySQL's"
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

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_auth"
