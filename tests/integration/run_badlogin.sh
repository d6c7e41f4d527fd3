#!/usr/bin/env bash
# run_badlogin.sh: `myshift run` refused by a server's login stops at once
# with the link, the server's words and the fix; a server that is down is
# waited for.
#
#   - a wrong destination password, first run, start = snapshot and start =
#     current: exit 1 within 30 s (not the 12-hour retry window), the error
#     names the destination, "Access denied" and [destination]; nothing is
#     written on the destination (no state schema, no copied database);
#   - a wrong source password, first run (the precheck refuses) and with
#     precheck = false (the copy's first connection refuses): exit 1, nothing
#     written;
#   - an unknown destination user: exit 1;
#   - after a good run (a checkpoint exists, no precheck on restart): a wrong
#     destination password and a wrong source password (the first source
#     login) each exit 1; the checkpoint and the rows are unchanged; the
#     good configuration then resumes and replays what was written meanwhile;
#   - a destination port nothing listens on: myshift stays up, says it
#     retries, and stops on SIGTERM (a network error is not a refusal).

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
srv_scratch
T=$SRV_ROOT
srv_sql src "CREATE DATABASE a; CREATE TABLE a.t (id INT PRIMARY KEY, v INT);
    INSERT INTO a.t VALUES (1, 1), (2, 2)" || fail "setup failed"

# set_key FILE SECTION KEY VALUE: rewrite KEY in [SECTION] of FILE.
set_key() {
	awk -v sec="[$2]" -v key="$3" -v val="$4" '
	    /^\[/ { s = ($0 == sec) }
	    s && $1 == key && $2 == "=" { $0 = key " = " val }
	    { print }' "$1" >"$1.new" && mv "$1.new" "$1" && chmod 600 "$1"
}

# refused NAME INI WHAT PATTERN...: myshift exits 1 within 30 s, its log
# matches every PATTERN (case-insensitive).
refused() {
	local name=$1 ini=$2 what=$3 p
	shift 3
	mig_start "$ini" "$T/$name.log"
	mig_wait_exit 30 || fail "$what: myshift still running after 30 s (it retries" \
	    "a refusal no retry cures); log: $(mig_log_tail 5)"
	[ "$MIG_RC" = 1 ] || fail "$what: exit status $MIG_RC, expected 1; log: $(mig_log_tail 5)"
	for p in "$@"; do
		grep -qiE -- "$p" "$T/$name.log" || fail "$what: the log does not say /$p/:" \
		    "$(mig_log_tail 8)"
	done
	grep -E "ERROR" "$T/$name.log" | tail -1 | cut -c1-300
	echo "ok: $what: exit 1 at once"
}

# untouched: the destination has neither the state schema nor database a.
untouched() {
	local n
	n=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE
	    SCHEMA_NAME IN ('myshift', 'a')") || fail "cannot query the destination"
	[ "$n" = 0 ] || fail "$1: the destination was written to ($n of myshift, a exist)"
}

for start in snapshot current; do
	mig_config "$T/dpw-$start.ini" src dst "$start"
	set_key "$T/dpw-$start.ini" destination password not-the-password
	refused "dpw-$start" "$T/dpw-$start.ini" "start = $start, wrong destination password" \
	    'access denied' 'destination' '\[destination\]'
	untouched "start = $start, wrong destination password"
done

mig_config "$T/spw.ini" src dst snapshot
set_key "$T/spw.ini" source password not-the-password
refused spw "$T/spw.ini" "wrong source password (precheck)" 'access denied' 'source'
untouched "wrong source password"

mig_config "$T/spw-np.ini" src dst snapshot
sed -i 's/^start = snapshot$/&\nprecheck = false/' "$T/spw-np.ini"
grep -q '^precheck = false' "$T/spw-np.ini" || fail "cannot write precheck = false"
set_key "$T/spw-np.ini" source password not-the-password
refused spw-np "$T/spw-np.ini" "wrong source password, precheck = false" \
    'access denied' 'source'
untouched "wrong source password, precheck = false"

mig_config "$T/duser.ini" src dst snapshot
set_key "$T/duser.ini" destination user no_such_user
refused duser "$T/duser.ini" "unknown destination user" 'access denied' 'no_such_user'
untouched "unknown destination user"

echo "a good run, then the same refusals on restart (a checkpoint exists)"
mig_config "$T/ok.ini" src dst snapshot
mig_start "$T/ok.ini" "$T/ok.log"
mig_wait_caught_up src dst 120 || fail "the good run did not catch up"
mig_stop 30
ck=$(mig_checkpoint dst)
[ -n "$ck" ] || fail "no checkpoint after the good run"
srv_sql src "INSERT INTO a.t VALUES (3, 3)" || fail "insert failed"

cp "$T/ok.ini" "$T/rdpw.ini"
set_key "$T/rdpw.ini" destination password not-the-password
refused rdpw "$T/rdpw.ini" "restart, wrong destination password" 'access denied' \
    '\[destination\]'
cp "$T/ok.ini" "$T/rspw.ini"
set_key "$T/rspw.ini" source password not-the-password
refused rspw "$T/rspw.ini" "restart, wrong source password" \
    'access denied|authentication' 'source'
[ "$(mig_checkpoint dst)" = "$ck" ] || fail "the checkpoint moved: $ck -> $(mig_checkpoint dst)"
n=$(srv_sql dst "SELECT COUNT(*) FROM a.t") || fail "cannot count a.t"
[ "$n" = 2 ] || fail "a.t has $n rows on the destination after refused restarts, expected 2"

echo "the good configuration resumes and replays the row written meanwhile"
mig_start "$T/ok.ini" "$T/ok2.log"
mig_wait_caught_up src dst 60 || fail "the resumed run did not catch up"
mig_compare_table src dst a t || fail "a.t differs after the resumed run"
mig_stop 30
echo "ok: resumed after the refusals: a.t identical"

echo "a destination nobody listens on is waited for"
# a port of this scratch area's range with no server: connection refused
port=$(_srv_get dst PORT)
mig_config "$T/down.ini" src dst current
set_key "$T/down.ini" destination port $((port + 1))
if ss -ltn 2>/dev/null | grep -q ":$((port + 1)) "; then
	echo "note: port $((port + 1)) is in use, not checked"
else
	mig_start "$T/down.ini" "$T/down.log"
	sleep 4
	mig_alive || fail "myshift exited on a refused connection (a network error): $(mig_log_tail 5)"
	grep -q "restarting from the checkpoint" "$T/down.log" ||
	    fail "myshift does not say it retries: $(mig_log_tail 5)"
	mig_stop 20
	[ "$MIG_RC" = 0 ] || fail "SIGTERM while waiting for the destination: exit $MIG_RC"
	echo "ok: connection refused: retried, SIGTERM stops it"
fi
echo "PASS: run_badlogin"
