#!/usr/bin/env bash
# run_start.sh: [replication] start is checked completely before anything
# is written.
#
# Values that are not a start at all (a word, file:abc, 0-1, a file name
# without a numbered extension, a position under 4, a malformed MySQL set)
# make check-config and run exit 2 naming the key and its line, before
# any server is contacted.  Values of the right form that the source
# cannot serve make run exit 1 at once (no retry loop) with the reason: a
# GTID set of the other flavour, GTIDs the source never executed, a
# purged binlog file, a position inside an event.  None of them leaves a
# checkpoint row on the destination.  The corrected configuration
# (start = current) then runs normally.  Other keys of the same pattern
# (accepted by check-config, refused by run): [status] listen without a
# port, a [copy] definer that is no account, an unreadable ssl_ca.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

srv_sql src "CREATE DATABASE s; CREATE TABLE s.t (id INT PRIMARY KEY, v INT);
    INSERT INTO s.t VALUES (1, 1), (2, 2)" || fail "cannot write on the source"
first=$(mig_position src)
mig_purge_binlogs src
srv_sql src "INSERT INTO s.t VALUES (3, 3); INSERT INTO s.t VALUES (4, 4)" || fail "cannot write"
cur=$(mig_position src)

# checkpoint_rows: rows of the destination's checkpoint table (0 if none)
checkpoint_rows() {
	srv_sql dst "SELECT COUNT(*) FROM myshift.checkpoint" 2>/dev/null || echo 0
}

# try VALUE RC REGEX: check-config (for RC 2) and run exit RC, saying REGEX
try() {
	local value=$1 want=$2 re=$3 out rc
	mig_config "$SRV_ROOT/s.ini" src dst "$value" "[filter]
include_databases = s"
	if [ "$want" = 2 ]; then
		out=$("$MYSHIFT" check-config -c "$SRV_ROOT/s.ini" 2>&1)
		rc=$?
		[ "$rc" = 2 ] || check_fail "check-config with start = $value: exit $rc, expected 2"
		echo "$out" | grep -Eq "s\\.ini:[0-9]+: .*\\[replication\\] start" ||
		    check_fail "check-config with start = $value does not name the key and its line: $out"
	fi
	out=$(timeout 60 "$MYSHIFT" run -c "$SRV_ROOT/s.ini" 2>&1 </dev/null)
	rc=$?
	echo "start = $value: exit $rc: $(echo "$out" | grep -E 'ERROR|start' | tail -n 1 | cut -c1-260)"
	[ "$rc" = "$want" ] || check_fail "run with start = $value: exit $rc, expected $want"
	echo "$out" | grep -Eq -- "$re" || check_fail "run with start = $value does not say '$re'"
	[ "$(checkpoint_rows)" = 0 ] || check_fail "start = $value left a checkpoint row"
}

echo "values that are no start"
try snapshott 2 'expected snapshot, current'
try "${cur% *}:abc" 2 'not a position'
try 0-1 2 'expected snapshot, current'
try "srcbin:4" 2 'not a binlog file name'
try "${cur% *}:3" 2 'not a position'
try "3E11FA47-71CA-11E1-9E33-C80AA9429562:0-5" 2 'expected snapshot, current'

echo "other keys that check-config accepted and run then refused"
for extra in "[status]
listen = 127.0.0.1" "[copy]
definer = nobody" "[source]
ssl_ca = $SRV_ROOT/no-such-ca.pem"; do
	mig_config "$SRV_ROOT/k.ini" src dst current "$extra"
	out=$("$MYSHIFT" check-config -c "$SRV_ROOT/k.ini" 2>&1)
	rc=$?
	echo "${extra//$'\n'/ }: exit $rc: $out"
	[ "$rc" = 2 ] && echo "$out" | grep -Eq 'k\.ini:[0-9]+: ' ||
	    check_fail "check-config accepts ${extra//$'\n'/ } or names no line: $out"
done

echo "values the source cannot serve"
if srv_is_mysql src; then
	uuid=$(srv_sql src "SELECT @@server_uuid")
	try 0-1-5 1 'is a MariaDB GTID position, but source'
	try "$uuid:1-999999" 1 'has not executed all of these GTIDs'
	try "$uuid:1" 1 'has purged binlogs'
	try "${first% *}:4" 1 'has no binlog'
else
	try "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5" 1 'is a MySQL GTID set, but source .* is MariaDB'
	try 0-1-999999 1 'not reached that sequence number'
	try 7-1-1 1 'no transaction of domain 7'
	try 0-1-1 1 'has purged the binlogs after it'
	try "${first% *}:4" 1 'no such binlog position'
fi
try "${cur% *}:5" 1 'event'

echo "the corrected configuration runs"
mig_config "$SRV_ROOT/s.ini" src dst current "[filter]
include_databases = s"
srv_sql dst "CREATE DATABASE s; CREATE TABLE s.t (id INT PRIMARY KEY, v INT);
    INSERT INTO s.t VALUES (1, 1), (2, 2), (3, 3), (4, 4)" || fail "cannot prepare the destination"
mig_start "$SRV_ROOT/s.ini"
mig_wait_started dst || fail "myshift did not start: $(mig_log_tail 5)"
srv_sql src "INSERT INTO s.t VALUES (5, 5)" || fail "cannot write"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up"
mig_stop
mig_compare_db src dst s || check_fail "s differs"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: bad start values stop with the key, the line or the source's reason, and write nothing"
