#!/usr/bin/env bash
# cutover.sh: `myshift cutover` under a write load, then the way back.
#
# A source (app.t, app.kv and two sysbench tables) is migrated by `myshift
# run` (start = snapshot, [status] listen, a [cutover] hook that writes its
# environment to a file; a slow copy in fresh snapshots, with writes during
# its first 2 s only: the catch-up must end although no event comes after
# the last position a chunk was read at).  With sysbench writing on the source at 200
# transactions/s, as an application account with DML privileges only
# (ignoring the read-only error 1290 it gets once fenced):
#   - cutover --dry-run exits 0, says what it would do, and changes
#     nothing (the source stays writable);
#   - two rows the stream changed are then changed behind myshift's back
#     on the destination (one altered, one deleted): cutover's quick
#     verify names both by key, cancels (exit 1), and leaves the source
#     writable and myshift running; verify --repair mends them;
#   - cutover exits 0 reporting the write pause, the quick verify of the
#     rows changed last, and the final position;
#     the source is read_only (MySQL: super_read_only, as sysbench's
#     account could write through read_only), myshift run has exited 0, the hook ran with
#     the final position in its environment, the destination's state
#     schema records the cutover, and every table is identical;
#   - the reverse configuration it wrote (destination -> old source, from
#     the destination's position at the switch) replays the writes then
#     made on the new primary back onto the old source: identical again.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench
mig_source src
mig_dest dst
srv_scratch

# The source account fences the source (read_only) and, on the way back,
# writes there while it is read_only.
srv_sql src "SET sql_log_bin = 0; GRANT ALL ON *.* TO '$MIG_REPL_USER'@'127.0.0.1'" ||
    fail "cannot grant on the source"
S=$(srv_seq 2000 q)
srv_sql src - <<-EOF || fail "cannot load app"
	CREATE DATABASE app;
	CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(30)) ENGINE=InnoDB;
	INSERT INTO app.t (v) SELECT CONCAT('v', seq) FROM $S;
	CREATE TABLE app.kv (k VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, n INT) ENGINE=InnoDB;
	INSERT INTO app.kv SELECT CONCAT('k', seq), seq FROM $S;
	CREATE DATABASE shop;
	EOF
mig_sysbench src shop --tables=2 --table-size=5000 prepare >/dev/null ||
    fail "sysbench prepare failed"

SP=$(_srv_pick_port)
mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "[status]
listen = 127.0.0.1:$SP
[cutover]
max_lag_ms = 500
# the rows of app changed before the sysbench load must stay in the ring
verify_rows = 100000
hook = env | grep '^MYSHIFT_' | sort > '$SRV_ROOT/hook.out'
[copy]
workers = 2
chunk_rows = 500
max_rows_per_second = 2500
snapshot_max_age = 1"
mig_start "$SRV_ROOT/myshift.ini"
# writes during the first part of the copy only: later chunks are read in
# fresh snapshots at the source's last position, which the stream reaches
# by replaying these writes, and then nothing more comes: the catch-up must
# end there all the same
wait_until -t 60 log_contains "$MIG_LOG" 'phase: copy' ||
    { mig_log_tail 20; fail "myshift did not start the copy"; }
end=$((SECONDS + 2))
n=0
while [ "$SECONDS" -lt "$end" ]; do
	srv_sql src "UPDATE app.t SET v = CONCAT('during the copy ', id) WHERE id = $((RANDOM % 2000 + 1))" ||
	    fail "cannot update app.t during the copy"
	n=$((n + 1))
done
log_contains "$MIG_LOG" 'phase: catch-up' &&
    check_fail "the copy ended before the writes stopped: make it slower"
echo "$n updates during the copy, then none"
wait_until -t 60 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_log_tail 20; fail "myshift did not reach the streaming phase after the copy with an idle source"; }
mig_wait_caught_up src dst 120 || fail "myshift did not catch up"

# the application's account: no privilege that writes through read_only
srv_sql src "SET sql_log_bin = 0; CREATE USER app@localhost IDENTIFIED BY 'App-pw1';
    GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO app@localhost" ||
    fail "cannot create the application's account"
mig_sysbench_cmd src shop
MIG_SB=("${MIG_SB[@]/--mysql-user=root/--mysql-user=app}" --mysql-password=App-pw1)
"${MIG_SB[@]}" --tables=2 --table-size=5000 --threads=2 --rate=200 --time=600 \
    --mysql-ignore-errors=1290 run >"$SRV_ROOT/sysbench.log" 2>&1 &
SB=$!
sleep 3

echo "cutover --dry-run"
out=$("$MYSHIFT" cutover --dry-run -c "$SRV_ROOT/myshift.ini" 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
[ "$rc" = 0 ] || check_fail "cutover --dry-run: exit $rc, expected 0"
echo "$out" | grep -q '^would wait until the lag' || check_fail "the dry run does not say what it would do"
[ "$(srv_sql src "SELECT @@GLOBAL.read_only")" = 0 ] || check_fail "the dry run fenced the source"
mig_alive || check_fail "the dry run stopped myshift run"

echo "cutover, with two rows changed behind myshift's back"
srv_sql src "UPDATE app.kv SET n = n + 1000 WHERE k = 'k5'; UPDATE app.t SET v = 'changed' WHERE id = 9" ||
    fail "cannot update the source"
changed() { [ "$(srv_sql dst "SELECT v FROM app.t WHERE id = 9")" = changed ]; }
wait_until -t 30 changed ||
    fail "the updates did not reach the destination"
srv_sql dst "SET sql_log_bin = 0; UPDATE app.kv SET n = 12345 WHERE k = 'k5'; DELETE FROM app.t WHERE id = 9" ||
    fail "cannot change the destination"
out=$("$MYSHIFT" cutover -c "$SRV_ROOT/myshift.ini" 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
[ "$rc" = 1 ] || check_fail "cutover with differing rows: exit $rc, expected 1"
echo "$out" | grep -q "different: \`app\`.\`kv\` \`k\`='k5'" ||
    check_fail "the quick verify does not name app.kv k5 as different"
echo "$out" | grep -q "missing: \`app\`.\`t\` \`id\`=9" ||
    check_fail "the quick verify does not name app.t 9 as missing"
[ "$(srv_sql src "SELECT @@GLOBAL.read_only")" = 0 ] || check_fail "the cancelled cutover left the source read_only"
mig_alive || check_fail "the cancelled cutover stopped myshift run"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'myshift' AND TABLE_NAME = 'cutover'")" = 0 ] ||
    check_fail "the cancelled cutover was recorded"
"$MYSHIFT" verify --repair -c "$SRV_ROOT/myshift.ini" >"$SRV_ROOT/repair.out" 2>&1
rc=$?
[ "$rc" = 1 ] || check_fail "verify --repair: exit $rc, expected 1 (differences repaired): $(tail -n 5 "$SRV_ROOT/repair.out")"
[ "$(srv_sql dst "SELECT v FROM app.t WHERE id = 9")" = changed ] || check_fail "verify --repair did not restore app.t 9"
# rows changed last, whatever pace sysbench keeps on a loaded machine (a
# CI run under ASan once had it change too few for the check below)
srv_sql src "UPDATE app.t SET v = CONCAT('last ', id) WHERE id BETWEEN 1000 AND 1199" ||
    fail "cannot update app.t"
wait_until -t 60 eval '[ "$(srv_sql dst "SELECT COUNT(*) FROM app.t WHERE v LIKE '"'last %'"'")" = 200 ]' ||
    fail "the last updates did not reach the destination"

echo "cutover"
out=$("$MYSHIFT" cutover -c "$SRV_ROOT/myshift.ini" 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
[ "$rc" = 0 ] || check_fail "cutover: exit $rc, expected 0"
[[ $out =~ write\ pause\ ([0-9]+)\ ms ]] || check_fail "cutover does not report the write pause"
[[ $out =~ quick\ verify:\ the\ ([0-9]+)\ rows\ changed\ last\ are\ identical ]] &&
    [ "${BASH_REMATCH[1]}" -gt 100 ] ||
    check_fail "cutover does not report a quick verify of more than 100 rows changed last" \
    "(sysbench: $(tail -n 3 "$SRV_ROOT/sysbench.log" | tr '\n' ' '))"
kill "$SB" 2>/dev/null
wait "$SB" 2>/dev/null
[ "$(srv_sql src "SELECT @@GLOBAL.read_only")" = 1 ] || check_fail "the source is not read_only"
if srv_is_mysql src; then
	[ "$(srv_sql src "SELECT @@GLOBAL.super_read_only")" = 1 ] ||
	    check_fail "the MySQL source is not super_read_only"
fi
mig_wait_exit 60 || check_fail "myshift run did not exit after the cutover"
[ "${MIG_RC:-x}" = 0 ] || check_fail "myshift run exited $MIG_RC after the cutover, expected 0"
final=$(echo "$out" | sed -n 's/^final source position //p')
[ -n "$final" ] || check_fail "cutover does not print the final position"
grep -q "^MYSHIFT_FINAL_FILE=${final%:*}\$" "$SRV_ROOT/hook.out" 2>/dev/null &&
    grep -q "^MYSHIFT_FINAL_POS=${final##*:}\$" "$SRV_ROOT/hook.out" &&
    grep -q "^MYSHIFT_DESTINATION_PORT=$(_srv_get dst PORT)\$" "$SRV_ROOT/hook.out" ||
    check_fail "the hook did not get the final position and the destination: $(cat "$SRV_ROOT/hook.out" 2>&1)"
[ "$(srv_sql dst "SELECT COUNT(*) FROM myshift.cutover")" = 1 ] ||
    check_fail "the cutover is not recorded in myshift.cutover"
for db in app shop; do
	mig_compare_db src dst "$db" || check_fail "$db differs after the cutover"
done

echo "the way back"
[ -f "$SRV_ROOT/myshift.ini.reverse" ] || fail "no reverse configuration was written"
# MySQL: what the reverse configuration says to do first (read_only stays on)
if srv_is_mysql src; then
	srv_sql src "SET GLOBAL super_read_only = OFF" || fail "cannot turn super_read_only off"
fi
mig_start "$SRV_ROOT/myshift.ini.reverse" "$SRV_ROOT/reverse.log"
sleep 2
srv_sql dst "INSERT INTO app.t (v) VALUES ('after the switch'); UPDATE app.kv SET n = -1 WHERE k = 'k7';
    DELETE FROM app.kv WHERE k = 'k8'; UPDATE shop.sbtest1 SET k = k + 1 WHERE id <= 50" ||
    fail "cannot write on the new primary"
back() {
	[ "$(srv_sql src "SELECT COUNT(*) FROM app.t WHERE v = 'after the switch'")" = 1 ] &&
	    [ "$(srv_sql src "SELECT COUNT(*) FROM app.kv WHERE k = 'k8'")" = 0 ]
}
wait_until -t 60 back || check_fail "the writes on the new primary did not reach the old source: $(tail -n 5 "$SRV_ROOT/reverse.log")"
mig_wait_caught_up dst src 60 || check_fail "the reverse run did not catch up"
for db in app shop; do
	mig_compare_db src dst "$db" || check_fail "$db differs after the way back"
done
mig_stop

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: cutover under load fences, waits, switches with the hook, records it, and the reverse configuration replays back"
