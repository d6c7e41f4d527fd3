#!/usr/bin/env bash
# run_xa.sh: `myshift run` replays the source's XA transactions exactly once.
#
# The source logs XA START ... XA END + XA PREPARE as one binlog group and
# XA COMMIT / XA ROLLBACK as a later one; XA COMMIT ... ONE PHASE is one
# group (MariaDB logs it as an ordinary transaction).  myshift holds a
# prepared transaction's events in its state schema (xa_pending) and
# applies them at XA COMMIT.  One myshift run (start = current), then:
#
#   commit     XA START 'xc', insert + update, XA PREPARE; an ordinary
#              transaction; while prepared, the destination has none of
#              its rows and xa_pending holds it; XA COMMIT: applied, the
#              held rows gone
#   rollback   XA PREPARE 'xr', XA ROLLBACK: nothing applied
#   onephase   XA START 'x1' ... XA COMMIT 'x1' ONE PHASE: applied
#   binary     xid X'00ff27',X'5c',7 (gtrid, bqual, format) and a quoted
#              xid with a quote and a backslash: applied
#   interleaved  xa1 and xa2 prepared, xa2 committed before xa1
#   crash      XA PREPARE 'xk' held (myshift cutover refuses then, naming
#              it, the source left writable), kill -9, XA COMMIT 'xk' while
#              myshift is down, restart: applied once
# after which every table is identical, xa_pending is empty and the
# destination has no XA transaction of its own (XA RECOVER).  Then a new
# run (its own state schema) starts after XA PREPARE 'xl' and 'xm' on the
# source: its precheck warns of both, XA ROLLBACK 'xm' passes (nothing to undo, logged), an ordinary
# row after it is applied, and XA COMMIT 'xl' stops myshift (exit 1) with
# one ERROR naming the position and the xid, saying its XA PREPARE was
# never received and what to do; nothing of 'xl' or after it is applied.
# Last, start = snapshot of another database with an XA transaction
# prepared before the copy and XA transactions (committed and rolled back)
# running during it: the copy waits until those prepared before it began
# are finished (then 'ys' is committed; its XA COMMIT is passed as its rows
# are in the copy), and after catching up the database is identical.  And
# start = snapshot while XA RECOVER is never empty (each XA transaction is
# committed after the next is prepared): the copy starts at once and the
# database comes out identical.

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
# (MySQL) to let the precheck list prepared XA transactions
if srv_is_mysql src; then
	srv_sql src "GRANT XA_RECOVER_ADMIN ON *.* TO '$MIG_REPL_USER'@'127.0.0.1'" ||
	    fail "cannot grant XA_RECOVER_ADMIN"
fi
srv_scratch
T=$SRV_ROOT
for s in src dst; do
	srv_sql "$s" "CREATE DATABASE x; CREATE TABLE x.t (id INT PRIMARY KEY, v VARCHAR(20));
	    CREATE TABLE x.k (id INT PRIMARY KEY AUTO_INCREMENT, note VARCHAR(20))" ||
	    fail "cannot create x.t on $s"
	srv_sql "$s" "INSERT INTO x.t VALUES (1, 'one'), (2, 'two'), (3, 'three')" ||
	    fail "cannot fill x.t on $s"
done

# dst_has WHERE COUNT: does x.t on dst hold COUNT rows WHERE ...?
dst_has() {
	[ "$(srv_sql dst "SELECT COUNT(*) FROM x.t WHERE $1")" = "$2" ]
}
held() {
	srv_sql dst "SELECT COUNT(DISTINCT xid) FROM \`$MIG_STATE_SCHEMA\`.xa_pending"
}
# status_held: xa_held of myshift status, then myshift_xa_held of /metrics
status_held() {
	printf '%s ' "$("$MYSHIFT" status -c "$T/xa.ini" | sed -n 's/^ *xa_held: //p')"
	python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
	    "http://127.0.0.1:$SP/metrics" 2>/dev/null | sed -n 's/^myshift_xa_held //p'
}
caught_up() {
	mig_wait_caught_up src dst 60 || { grep -aE "ERROR|WARN" "$MIG_LOG" | tail -5 | cut -c1-600; fail "$1: myshift did not catch up"; }
}

SP=$(_srv_pick_port)
mig_config "$T/xa.ini" src dst current "[status]
listen = 127.0.0.1:$SP"
mig_start "$T/xa.ini" "$T/xa.log"
mig_wait_started dst || fail "myshift did not start"

echo "commit"
srv_sql src "XA START 'xc'; INSERT INTO x.t VALUES (10, 'xa-commit');
    UPDATE x.t SET v = 'xa-upd' WHERE id = 1; XA END 'xc'; XA PREPARE 'xc'" ||
    fail "commit: XA PREPARE failed on src"
srv_sql src "INSERT INTO x.t VALUES (11, 'between')" || fail "commit: insert failed"
caught_up commit
dst_has "id = 11" 1 || check_fail "commit: the transaction after the XA PREPARE was not applied"
dst_has "id = 10 OR v = 'xa-upd'" 0 ||
    check_fail "commit: rows of the prepared XA transaction are on the destination before its XA COMMIT"
[ "$(held)" = 1 ] || check_fail "commit: xa_pending holds $(held) transactions, expected 1"
[ "$(status_held)" = "1 1" ] || check_fail "commit: status and metrics show '$(status_held)' held, expected 1"
srv_sql src "XA COMMIT 'xc'" || fail "commit: XA COMMIT failed on src"
caught_up commit
dst_has "id = 10 OR v = 'xa-upd'" 2 || check_fail "commit: the XA transaction was not applied"
[ "$(held)" = 0 ] || check_fail "commit: xa_pending still holds $(held) after XA COMMIT"
[ "$(status_held)" = "0 0" ] || check_fail "commit: status and metrics show '$(status_held)' held after XA COMMIT"
grep -q "XA COMMIT X'7863',X'',1: applied" "$T/xa.log" ||
    check_fail "commit: the log does not say the held transaction was applied"

echo "rollback"
srv_sql src "XA START 'xr'; INSERT INTO x.t VALUES (20, 'xa-rollback'); XA END 'xr';
    XA PREPARE 'xr'" || fail "rollback: XA PREPARE failed"
srv_sql src "XA ROLLBACK 'xr'; INSERT INTO x.t VALUES (21, 'after-rb')" || fail "rollback: failed"
caught_up rollback
dst_has "id = 20" 0 || check_fail "rollback: the rolled back XA transaction was applied"
dst_has "id = 21" 1 || check_fail "rollback: the row after it was not applied"

echo "onephase"
srv_sql src "XA START 'x1'; INSERT INTO x.t VALUES (30, 'xa-1p'); XA END 'x1';
    XA COMMIT 'x1' ONE PHASE" || fail "onephase failed"
caught_up onephase
dst_has "id = 30" 1 || check_fail "onephase: not applied"

echo "binary and quoted xids"
srv_sql src "XA START X'00ff27',X'5c',7; INSERT INTO x.t VALUES (40, 'bin'); XA END X'00ff27',X'5c',7;
    XA PREPARE X'00ff27',X'5c',7" || fail "binary: XA PREPARE failed"
srv_sql src "XA START 'a''b\\\\c'; INSERT INTO x.t VALUES (41, 'quoted'); XA END 'a''b\\\\c';
    XA PREPARE 'a''b\\\\c'" || fail "quoted: XA PREPARE failed"
srv_sql src "XA COMMIT X'00ff27',X'5c',7; XA COMMIT 'a''b\\\\c'" || fail "binary: XA COMMIT failed"
caught_up binary
dst_has "id IN (40, 41)" 2 || check_fail "binary/quoted xids: not applied"

echo "interleaved"
srv_sql src "XA START 'xa1'; INSERT INTO x.t VALUES (50, 'xa1'); INSERT INTO x.k (note) VALUES ('xa1');
    XA END 'xa1'; XA PREPARE 'xa1'" || fail "interleaved: xa1 failed"
srv_sql src "XA START 'xa2'; INSERT INTO x.t VALUES (51, 'xa2'); UPDATE x.t SET v = 'by-xa2' WHERE id = 2;
    INSERT INTO x.k (note) VALUES ('xa2'); XA END 'xa2'; XA PREPARE 'xa2'" || fail "interleaved: xa2 failed"
caught_up interleaved
[ "$(status_held)" = "2 2" ] || check_fail "interleaved: status and metrics show '$(status_held)' held, expected 2"
srv_sql src "INSERT INTO x.t VALUES (52, 'plain'); XA COMMIT 'xa2'" || fail "interleaved: commit xa2"
srv_sql src "UPDATE x.t SET v = 'after-xa2' WHERE id = 51; XA COMMIT 'xa1'" ||
    fail "interleaved: commit xa1"
caught_up interleaved
mig_compare_db src dst x || check_fail "interleaved: x differs"

echo "crash while a prepared transaction is held"
srv_sql src "XA START 'xk'; INSERT INTO x.t VALUES (60, 'xa-kill'); DELETE FROM x.t WHERE id = 3;
    XA END 'xk'; XA PREPARE 'xk'" || fail "crash: XA PREPARE failed"
caught_up crash
[ "$(held)" = 1 ] || check_fail "crash: xa_pending holds $(held), expected 1"
# a cutover now would leave 'xk' to be decided on a source nobody follows
out=$("$MYSHIFT" cutover -c "$T/xa.ini" 2>&1)
rc=$?
[ "$rc" = 1 ] || check_fail "cutover with a held XA transaction: exit $rc, expected 1: $out"
echo "$out" | grep -q "1 XA transaction(s) prepared on the source are not finished" ||
    check_fail "cutover does not name the unfinished XA transaction: $out"
[ "$(srv_sql src "SELECT @@GLOBAL.read_only")" = 0 ] ||
    check_fail "cutover refused but left the source read_only"
echo "ok: cutover refused while 'xk' is prepared: $(echo "$out" | grep 'XA transaction' | cut -c1-120)"
mig_kill
srv_sql src "XA COMMIT 'xk'; INSERT INTO x.t VALUES (61, 'after-kill')" || fail "crash: XA COMMIT failed"
mig_start "$T/xa.ini" "$T/xa.log"
caught_up crash
mig_compare_db src dst x || check_fail "crash: x differs after the restart"
[ "$(held)" = 0 ] || check_fail "crash: xa_pending still holds $(held)"
[ -z "$(srv_sql dst "XA RECOVER")" ] ||
    check_fail "the destination has XA transactions of its own: $(srv_sql dst "XA RECOVER")"
mig_stop 30
[ "$MIG_RC" = 0 ] || check_fail "SIGTERM: exit $MIG_RC"
[ "$(grep -c ' ERROR ' "$T/xa.log")" = 0 ] || check_fail "errors in the log: $(grep ' ERROR ' "$T/xa.log" | head -3)"
echo "replayed: $(grep -c 'XA COMMIT .*: applied' "$T/xa.log") XA COMMITs applied from held transactions"

echo "late: prepared before myshift's start position"
srv_sql src "XA START 'xl'; INSERT INTO x.t VALUES (70, 'xa-late'); XA END 'xl'; XA PREPARE 'xl'" ||
    fail "late: XA PREPARE xl failed"
srv_sql src "XA START 'xm'; INSERT INTO x.t VALUES (71, 'xa-late-rb'); XA END 'xm'; XA PREPARE 'xm'" ||
    fail "late: XA PREPARE xm failed"
MIG_STATE_SCHEMA=st_late
mig_config "$T/late.ini" src dst current "[apply]
state_schema = st_late"
mig_start "$T/late.ini" "$T/late.log"
mig_wait_started dst || fail "late: myshift did not start"
grep -qE "precheck: WARN +XA transactions: 2 prepared on the source now \('x[lm]', 'x[lm]'\)" \
    "$T/late.log" || check_fail "late: the precheck does not warn of the two prepared XA" \
    "transactions: $(grep 'XA transactions' "$T/late.log" | cut -c1-250)"
srv_sql src "XA ROLLBACK 'xm'; INSERT INTO x.t VALUES (72, 'before-late')" || fail "late: rollback xm"
wait_until -t 30 dst_has "id = 72" 1 || check_fail "late: the row after XA ROLLBACK 'xm' was not applied"
grep -q "XA ROLLBACK X'786d',X'',1 of a transaction myshift did not receive prepared: nothing to undo" \
    "$T/late.log" || check_fail "late: the passed XA ROLLBACK is not logged"
srv_sql src "XA COMMIT 'xl'; INSERT INTO x.t VALUES (73, 'after-late')" || fail "late: XA COMMIT xl"
if ! mig_wait_exit 60; then
	check_fail "late: myshift did not stop at the XA COMMIT of a transaction it never received"
	mig_stop
else
	[ "$MIG_RC" = 1 ] || check_fail "late: exit status $MIG_RC, expected 1"
	line=$(grep ' ERROR ' "$T/late.log" | tail -n 1)
	echo "late: $(echo "$line" | cut -c1-300)"
	echo "$line" | grep -qE "XA COMMIT X'786c',X'',1 at [^ ]+-bin\.[0-9]+:[0-9]+" ||
	    check_fail "late: the error does not name the xid and the binlog position: $line"
	echo "$line" | grep -q 'never received' ||
	    check_fail "late: the error does not say the XA PREPARE was never received: $line"
	echo "$line" | grep -q 'new snapshot' || check_fail "late: the error does not say what to do: $line"
fi
dst_has "id IN (70, 71, 73)" 0 || check_fail "late: rows of 'xl', 'xm' or after them were applied"

echo "snapshot: an XA transaction prepared before the copy, XA load during it"
S=$(srv_seq 1000 q)
srv_sql src "CREATE DATABASE y; CREATE TABLE y.big (id INT PRIMARY KEY, v VARCHAR(40), n INT);
    INSERT INTO y.big SELECT seq, REPEAT('y', 30), 0 FROM $S" || fail "snapshot: setup failed"
for i in $(seq 1 19); do
	srv_sql src "INSERT INTO y.big SELECT seq + $i * 1000, REPEAT('y', 30), 0 FROM $S" ||
	    fail "snapshot: setup failed"
done
srv_sql src "XA START 'ys'; UPDATE y.big SET n = -1 WHERE id = 500; INSERT INTO y.big VALUES (50000, 'ys', 0);
    XA END 'ys'; XA PREPARE 'ys'" || fail "snapshot: XA PREPARE ys failed"
xa_load() {
	local id=$(( ($1 * 7919) % 20000 + 1 ))
	if [ $(( $1 % 4 )) = 0 ]; then
		srv_sql src "XA START 'w$1'; UPDATE y.big SET n = n + 1000 WHERE id = $id; XA END 'w$1';
		    XA PREPARE 'w$1'" && srv_sql src "XA ROLLBACK 'w$1'"
	else
		srv_sql src "XA START 'w$1'; UPDATE y.big SET n = n + 1, v = 'xa' WHERE id = $id;
		    INSERT INTO y.big VALUES (60000 + $1, 'w', $1); XA END 'w$1'; XA PREPARE 'w$1'" &&
		    srv_sql src "UPDATE y.big SET n = n + 10 WHERE id = $id + 1; XA COMMIT 'w$1'"
	fi
}
MIG_STATE_SCHEMA=st_snap
mig_config "$T/snap.ini" src dst snapshot "[filter]
include_databases = y
[apply]
state_schema = st_snap
[copy]
workers = 2
chunk_rows = 1000"
mig_writer xa_load
mig_start "$T/snap.ini" "$T/snap.log"
wait_until -t 30 grep -q "copy: waiting for [0-9]* XA transaction(s) prepared on the source before the copy" \
    "$T/snap.log" || check_fail "snapshot: the copy does not wait for the prepared XA transaction"
sleep 1
srv_sql src "XA COMMIT 'ys'" || fail "snapshot: XA COMMIT ys failed"
wait_until -t 60 grep -q "phase: catch-up" "$T/snap.log" || check_fail "snapshot: the copy did not end"
sleep 1
mig_writer_stop
caught_up snapshot
mig_compare_db src dst y || check_fail "snapshot: y differs"
[ "$(grep -c ' ERROR ' "$T/snap.log")" = 0 ] ||
    check_fail "snapshot: errors: $(grep ' ERROR ' "$T/snap.log" | head -3)"
grep -qE "precheck: PASS +XA transactions: [0-9]+ prepared on the source now \(.*'ys'.*the copy waits" "$T/snap.log" ||
    check_fail "snapshot: the precheck does not say the copy waits for 'ys': $(grep 'XA transactions' "$T/snap.log" | cut -c1-250)"
grep -q "XA COMMIT X'7973',X'',1: prepared before the stream's start and finished before the copy's first snapshot: its rows are in the copy" "$T/snap.log" ||
    check_fail "snapshot: the XA COMMIT of 'ys' is not passed as one whose rows are in the copy"
echo "ok: snapshot under XA load: y identical ($(grep -c 'XA COMMIT .*applied' "$T/snap.log") held transactions applied)"
mig_stop 30

echo "snapshot: XA RECOVER never empty (each XA transaction committed after the next is prepared)"
srv_sql src "CREATE DATABASE z; CREATE TABLE z.t (id INT PRIMARY KEY, n INT);
    INSERT INTO z.t SELECT seq, 0 FROM $S" || fail "chain: setup failed"
xa_chain() {
	srv_sql src "XA START 'c$1'; UPDATE z.t SET n = n + 1 WHERE id = $(( $1 % 900 + 1 ));
	    INSERT INTO z.t VALUES (10000 + $1, $1); XA END 'c$1'; XA PREPARE 'c$1'" || return 1
	[ "$1" = 1 ] || srv_sql src "XA COMMIT 'c$(( $1 - 1 ))'"
}
MIG_STATE_SCHEMA=st_chain
mig_config "$T/chain.ini" src dst snapshot "[filter]
include_databases = z
[apply]
state_schema = st_chain
[copy]
workers = 2
chunk_rows = 200"
mig_writer xa_chain
xa_prepared() {
	[ -n "$(srv_sql src "XA RECOVER")" ]
}
wait_until -t 30 xa_prepared || fail "chain: no XA transaction prepared"
sleep 1
mig_start "$T/chain.ini" "$T/chain.log"
wait_until -t 60 grep -q "phase: catch-up" "$T/chain.log" ||
    check_fail "chain: the copy did not end within 60 s: $(grep -a 'XA' "$T/chain.log" | tail -2 | cut -c1-300)"
sleep 1
mig_writer_stop
for x in $(srv_sql src "XA RECOVER" | cut -f4); do
	srv_sql src "XA COMMIT '$x'" || fail "chain: XA COMMIT $x failed"
done
caught_up chain
mig_compare_db src dst z || check_fail "chain: z differs"
n=$(grep -c "its rows are in the copy" "$T/chain.log")
[ "$n" -ge 1 ] || check_fail "chain: no XA COMMIT of a transaction prepared before the floor was passed"
[ "$(grep -c ' ERROR ' "$T/chain.log")" = 0 ] ||
    check_fail "chain: errors: $(grep ' ERROR ' "$T/chain.log" | head -3)"
echo "ok: chain: z identical; $n XA COMMIT(s) of transactions prepared before the floor passed, $(grep -c 'XA COMMIT .*applied' "$T/chain.log") held ones applied"
mig_stop 30

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: XA transactions replayed exactly once; one never received prepared stops myshift"
