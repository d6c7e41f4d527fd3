#!/usr/bin/env bash
# run_gtid_tags.sh: MySQL 8.3+ tagged GTIDs (GTID_TAGGED_LOG_EVENT, type
# 42) through `myshift run` with resume = gtid.
#
# A MySQL source (skipped otherwise) writes transactions under
# gtid_next = AUTOMATIC:tag_a / AUTOMATIC:tag_b and untagged ones, DDL and
# rows (a VECTOR column too); myshift is killed (-9) after catching up,
# more tagged and untagged transactions follow, and myshift restarts with
# resume = gtid: it must ask for the tagged set it checkpointed, apply
# everything once, and end with a checkpoint GTID set equal to the
# source's gtid_executed; rows compared row by row.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_is_mysql src || skip "tagged GTIDs are MySQL's (source $(srv_flavour src))"
trap 'mig_stop 20; srv_cleanup_all' EXIT

mig_source src
mig_dest dst
srv_scratch
T=$SRV_ROOT
# History before the start: the first checkpoint holds a GTID set.
srv_sql src "CREATE DATABASE g" || fail "cannot create g on src"
srv_sql dst "CREATE DATABASE g" || fail "cannot create g on dst"
mig_config "$T/m.ini" src dst
sed -i 's/^start = current$/start = current\nresume = gtid/' "$T/m.ini"
grep -q '^resume = gtid$' "$T/m.ini" || fail "cannot set resume = gtid"
mig_start "$T/m.ini"
mig_wait_started dst || fail "myshift did not start"

if srv_is_mysql dst; then
	vec="VECTOR(3)"
	v() { echo "STRING_TO_VECTOR('$1')"; }
else
	vec="VARBINARY(12)"
	v() { echo "NULL"; }
fi
srv_sql src "CREATE TABLE g.t (id INT PRIMARY KEY, s VARCHAR(20), v $vec);
    SET gtid_next = 'AUTOMATIC:tag_a';
    INSERT INTO g.t VALUES (1, 'a', $(v '[1,2,3]'));
    SET gtid_next = 'AUTOMATIC';
    INSERT INTO g.t VALUES (2, 'plain', NULL);
    SET gtid_next = 'AUTOMATIC:tag_b';
    BEGIN; INSERT INTO g.t VALUES (3, 'b', $(v '[1.5,-2,3e10]')); UPDATE g.t SET s = 'a2' WHERE id = 1;
    COMMIT;
    SET gtid_next = 'AUTOMATIC:tag_b';
    CREATE TABLE g.u (id INT PRIMARY KEY)" || fail "the first workload failed"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up"
mig_kill
ck=$(srv_sql dst "SELECT source_gtid FROM myshift.checkpoint WHERE id = 1")
case $ck in
*:1-*:tag_a:1:tag_b:1-2) ;;
*) fail "the checkpoint's GTID set does not hold the tagged GTIDs: '$ck'" ;;
esac
srv_sql src "SET gtid_next = 'AUTOMATIC:tag_a'; INSERT INTO g.t VALUES (4, 'a', NULL);
    SET gtid_next = 'AUTOMATIC'; UPDATE g.t SET v = $(v '[0,0,1]') WHERE id = 2;
    SET gtid_next = 'AUTOMATIC:tag_c'; INSERT INTO g.u VALUES (1), (2); DELETE FROM g.t WHERE id = 3" ||
    fail "the second workload failed"
mig_start "$T/m.ini"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up after the restart"
grep -q "resume = gtid: asking the source for the transactions after .*:tag_a:1:tag_b:1-2" \
    "$MIG_LOG" || fail "the restart did not ask for the tagged set: $(grep 'resume = gtid' "$MIG_LOG" | tail -n 1)"
rc=0
mig_compare_db src dst g || rc=1
want=$(srv_sql src "SELECT @@gtid_executed")
have=$(srv_sql dst "SELECT source_gtid FROM myshift.checkpoint WHERE id = 1")
[ "$want" = "$have" ] || { echo "checkpoint GTIDs '$have', source gtid_executed '$want'" >&2; rc=1; }
mig_stop
[ "$MIG_RC" = 0 ] || fail "myshift exited $MIG_RC on SIGTERM"
[ $rc -eq 0 ] || fail "the destination differs"
echo "run_gtid_tags: ok ($(srv_flavour src) -> $(srv_flavour dst)): $have"
