#!/usr/bin/env bash
# run_xa.sh: `myshift run` stops, precisely and without applying anything
# of it, at an XA transaction of the source, which it does not replay.
#
# The source logs XA START ... XA END + XA PREPARE as one binlog group and
# XA COMMIT 'xid' / XA ROLLBACK 'xid' as a later one (MySQL: an
# XA_PREPARE_LOG_EVENT ends the first; XA COMMIT ... ONE PHASE is one
# group).  Each case starts myshift afresh (a new state schema, start =
# current) after an ordinary transaction, then runs the XA case and an
# ordinary transaction after it:
#
#   rollback   XA START 'xr' ... XA PREPARE 'xr'; XA ROLLBACK 'xr'
#   commit     XA START 'xc' ... XA PREPARE 'xc'; XA COMMIT 'xc'
#   onephase   XA START 'x1' ... XA END 'x1'; XA COMMIT 'x1' ONE PHASE
#   late       XA PREPARE 'xl' before myshift starts, XA COMMIT 'xl' after
#
# (MariaDB logs onephase as an ordinary transaction: it must be replayed)
# and each time myshift must exit 1 with one ERROR naming the binlog
# position, the XA statement with the xid, saying that XA transactions are
# not replayed and what to do; the ordinary transaction before the XA one
# is applied, nothing of the XA transaction or after it.

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
for s in src dst; do
	srv_sql "$s" "CREATE DATABASE x; CREATE TABLE x.t (id INT PRIMARY KEY, v VARCHAR(20))" ||
	    fail "cannot create x.t on $s"
done

# xa_case NAME PRE XA: a fresh myshift (state schema st_NAME) after PRE
# (SQL run on src before it starts); an ordinary row 'before-NAME', the
# statements XA, a row 'after-NAME'; myshift must stop at XA.  The xid
# of the case is x + the first letter of NAME ('xr', 'xc', ...).
# dst_has WHERE COUNT: does x.t on dst hold COUNT rows WHERE ...?  (A
# function, so that wait_until reads the table each time.)
dst_has() {
	[ "$(srv_sql dst "SELECT COUNT(*) FROM x.t WHERE $1")" = "$2" ]
}

n=0
xa_case() {
	local name=$1 pre=$2 xa=$3 xid line rc
	xid=x${name:0:1}
	[ "$name" = onephase ] && xid=x1
	n=$((n + 10))
	[ -z "$pre" ] || srv_sql src "$pre" || fail "$name: the statements before myshift failed"
	MIG_STATE_SCHEMA=st_$name
	mig_config "$T/$name.ini" src dst current "[apply]
state_schema = st_$name"
	mig_start "$T/$name.ini" "$T/$name.log"
	mig_wait_started dst || fail "$name: myshift did not start"
	srv_sql src "INSERT INTO x.t VALUES ($n, 'before-$name')" || fail "$name: insert failed"
	wait_until -t 30 dst_has "id = $n" 1 ||
	    check_fail "$name: the transaction before the XA one was not applied"
	srv_sql src "$xa" || fail "$name: the XA statements failed on src"
	srv_sql src "INSERT INTO x.t VALUES ($((n + 2)), 'after-$name')" ||
	    fail "$name: insert failed"
	if [ "$name" = onephase ] && ! srv_is_mysql src; then
		# MariaDB logs XA ... ONE PHASE as an ordinary transaction: replayed
		wait_until -t 30 dst_has "id > $n" 2 ||
		    check_fail "$name: MariaDB's one-phase XA transaction was not replayed"
		mig_compare_db src dst x || check_fail "$name: x differs"
		mig_stop
		echo "$name: replayed as an ordinary transaction (MariaDB logs it so)"
		return
	fi
	if ! mig_wait_exit 60; then
		check_fail "$name: myshift did not stop at the XA transaction"
		mig_stop
		return
	fi
	rc=$MIG_RC
	[ "$rc" = 1 ] || check_fail "$name: exit status $rc, expected 1"
	line=$(grep ' ERROR ' "$T/$name.log" | tail -n 1)
	echo "$name: $(echo "$line" | cut -c1-400)"
	echo "$line" | grep -qE 'XA transaction at [^ ]+-bin\.[0-9]+:[0-9]+' ||
	    check_fail "$name: the error does not name the binlog position: $line"
	# the xid as the source logs it: 'xr' or X'7872'
	echo "$line" | grep -qiE "'$xid'|X'$(printf %s "$xid" | od -An -tx1 | tr -d ' \n')'" ||
	    check_fail "$name: the error does not name the xid $xid: $line"
	echo "$line" | grep -q 'does not replay XA transactions' ||
	    check_fail "$name: the error does not say XA is not replayed: $line"
	echo "$line" | grep -q 'new snapshot' ||
	    check_fail "$name: the error does not say what to do: $line"
	[ "$(srv_sql dst "SELECT COUNT(*) FROM x.t WHERE id > $n")" = 0 ] ||
	    check_fail "$name: rows of the XA transaction or after it were applied:" \
	    "$(srv_sql dst "SELECT * FROM x.t WHERE id > $n" | tr '\n' ' ')"
	# the destination gets what the source has, so the next case starts equal
	srv_sql dst "DELETE FROM x.t; $(srv_sql src "SELECT CONCAT('INSERT INTO x.t VALUES (',
	    id, ', ', QUOTE(v), ');') FROM x.t")" || fail "cannot copy x.t to dst"
}

xa_case rollback "" "XA START 'xr'; INSERT INTO x.t VALUES ($((n + 11)), 'xa-rollback');
    XA END 'xr'; XA PREPARE 'xr'; XA ROLLBACK 'xr'"
xa_case commit "" "XA START 'xc'; INSERT INTO x.t VALUES ($((n + 11)), 'xa-commit');
    UPDATE x.t SET v = 'xa-upd' WHERE id = $((n + 10)); XA END 'xc'; XA PREPARE 'xc';
    XA COMMIT 'xc'"
xa_case onephase "" "XA START 'x1'; INSERT INTO x.t VALUES ($((n + 11)), 'xa-1p');
    XA END 'x1'; XA COMMIT 'x1' ONE PHASE"
xa_case late "XA START 'xl'; INSERT INTO x.t VALUES (1000, 'xa-late');
    XA END 'xl'; XA PREPARE 'xl'" "XA COMMIT 'xl'"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: XA transactions stop myshift at their position, naming the xid"
