#!/usr/bin/env bash
# run_snapshot_conflict.sh: [copy] on_conflict with tables already on the
# destination.
#
# The source has c1.a, c1.b, c1.c. The destination already has c1.a and
# c1.b (same columns, one row each, equal to the source's):
#   - on_conflict = error (the default): myshift exits with status 1
#     before writing anything; the error names both tables; c1.c is not
#     created, no chunk is recorded;
#   - on_conflict = ignore: the run proceeds and the tables end identical
#     (the rows already there are left as they are; they are the source's);
#   - a table with other columns than the source's stops an ignore run;
#   - a MariaDB destination whose max_allowed_packet (512 KB) is too small
#     for the array-bound INSERT: the tables go by LOAD DATA, identical,
#     and the log says so.
# Between MariaDB servers a sequence c1.s exists on both too (the
# destination's at another state): the error names it with the tables;
# ignore reuses it and sets it to the source's state.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

S=$(srv_seq 3000 q)
for n in src dst; do
	srv_sql "$n" "CREATE DATABASE c1;
	    CREATE TABLE c1.a (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
	    CREATE TABLE c1.b (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
	    INSERT INTO c1.a VALUES (1, 'one'); INSERT INTO c1.b VALUES (1, 'one')" ||
	    fail "cannot create the tables on $n"
done
seqs=
if ! srv_is_mysql src && ! srv_is_mysql dst; then
	seqs=1
	srv_sql src "CREATE SEQUENCE c1.s START WITH 100 INCREMENT BY 5;
	    SELECT NEXTVAL(c1.s), NEXTVAL(c1.s)" >/dev/null || fail "sequence on src"
	srv_sql dst "CREATE SEQUENCE c1.s START WITH 100 INCREMENT BY 5" ||
	    fail "sequence on dst"
fi
srv_sql src "CREATE TABLE c1.c (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;
    INSERT INTO c1.a SELECT seq, 'x' FROM $S WHERE seq > 1;
    INSERT INTO c1.b SELECT seq, 'y' FROM $S WHERE seq > 1;
    INSERT INTO c1.c SELECT seq, 'z' FROM $S" || fail "cannot load the source"

# error_run WHAT [EXTRA]: a run with on_conflict = error (config EXTRA)
# stops with status 1 before writing anything, its error naming c1.a and
# c1.b (and the sequence c1.s where there is one).
error_run() {
	local what=$1 err n
	mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "${2:-}"
	mig_start "$SRV_ROOT/myshift.ini"
	mig_wait_exit 60 || { mig_stop; fail "$what: myshift did not stop on existing tables"; }
	[ "$MIG_RC" = 1 ] || check_fail "$what: exit status $MIG_RC, expected 1"
	err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
	echo "error: $(echo "$err" | cut -c1-300)"
	case $err in
	*'exist'*'`c1`.`a`'*'`c1`.`b`'*) ;;
	*) check_fail "$what: the error does not name c1.a and c1.b: '$err'" ;;
	esac
	if [ -n "$seqs" ]; then
		case $err in
		*'`c1`.`s`'*) ;;
		*) check_fail "$what: the error does not name the sequence c1.s: '$err'" ;;
		esac
	fi
	n=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'c1'
	    AND TABLE_NAME = 'c'")
	[ "$n" = 0 ] || check_fail "$what: c1.c was created although the run stopped"
	n=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'myshift'
	    AND TABLE_NAME = 'copy_chunks'")
	if [ "$n" != 0 ]; then
		n=$(srv_sql dst "SELECT COUNT(*) FROM myshift.copy_chunks")
		[ "$n" = 0 ] || check_fail "$what: $n chunks recorded although the run stopped"
	fi
	n=$(srv_sql dst "SELECT COUNT(*) FROM c1.a")
	[ "$n" = 1 ] || check_fail "$what: c1.a holds $n rows after the stopped run, expected 1"
}

echo "on_conflict = error"
error_run precheck
echo "on_conflict = error without the precheck (the migration's own check)"
error_run "no precheck" "[replication]
precheck = false"

echo "on_conflict = ignore"
mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "[copy]
on_conflict = ignore"
mig_start "$SRV_ROOT/myshift.ini"
wait_until -t 60 log_contains "$MIG_LOG" 'phase: streaming' ||
    { mig_log_tail 10; fail "the ignore run did not reach streaming"; }
src_ins() { srv_sql src "INSERT INTO c1.c VALUES (5000, 'after')"; }
src_ins || fail "insert on the source failed"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up"
mig_check_start_gtid src
mig_compare_db src dst c1 || check_fail "the tables of c1 differ"
if [ -n "$seqs" ]; then
	a=$(srv_sql src "SELECT * FROM c1.s")
	b=$(srv_sql dst "SELECT * FROM c1.s")
	[ -n "$a" ] && [ "$a" = "$b" ] ||
	    check_fail "sequence c1.s: destination '$b', source '$a'"
	grep -q 'sequence(s) already on the destination are reused' "$MIG_LOG" ||
	    check_fail "the ignore run does not log the reused sequence"
fi
mig_stop

echo "on_conflict = ignore with other columns"
srv_sql src "CREATE TABLE c1.d (id INT PRIMARY KEY, v INT) ENGINE=InnoDB" || fail "c1.d"
srv_sql dst "CREATE TABLE c1.d (id INT PRIMARY KEY, w VARCHAR(5)) ENGINE=InnoDB;
    DROP DATABASE myshift" || fail "c1.d on the destination"
mig_start "$SRV_ROOT/myshift.ini"
mig_wait_exit 60 || { mig_stop; fail "myshift did not stop on a table with other columns"; }
[ "$MIG_RC" = 1 ] || check_fail "exit status $MIG_RC on c1.d, expected 1"
err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
case $err in
*'`c1`.`d`'*columns*) ;;
*) check_fail "the error does not name c1.d and its columns: '$err'" ;;
esac

# A MariaDB destination that does not take the array-bound INSERT (its
# max_allowed_packet under 1 MB): the tables go by LOAD DATA, and the log
# says so.
if ! srv_is_mysql dst; then
	echo "a destination whose max_allowed_packet refuses the arrays"
	srv_sql src "DROP TABLE c1.d" || fail "drop c1.d"
	srv_sql dst "DROP DATABASE c1; DROP DATABASE IF EXISTS myshift;
	    SET GLOBAL max_allowed_packet = 524288" || fail "cannot empty the destination"
	mig_config "$SRV_ROOT/myshift.ini" src dst snapshot
	mig_start "$SRV_ROOT/myshift.ini"
	wait_until -t 60 log_contains "$MIG_LOG" 'phase: streaming' ||
	    { mig_log_tail 10; fail "the run with a small packet did not reach streaming"; }
	srv_sql src "INSERT INTO c1.c VALUES (5001, 'small')" || fail "insert on the source failed"
	mig_wait_caught_up src dst 60 || fail "myshift did not catch up"
	mig_compare_db src dst c1 || check_fail "the tables of c1 differ (small packet)"
	grep -q 'does not take array-bound INSERT' "$MIG_LOG" ||
	    check_fail "no log line of the arrays refused: $(grep 'array-bound' "$MIG_LOG" | head -n 2)"
	mig_stop
	srv_sql dst "SET GLOBAL max_allowed_packet = DEFAULT" || fail "packet size back"
fi

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_snapshot_conflict"
