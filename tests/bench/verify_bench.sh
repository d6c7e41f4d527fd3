#!/usr/bin/env bash
# verify_bench.sh: myshift verify against pt-table-checksum on the same
# data, in the same run.
#
# A MariaDB 10.11 source gets sysbench prepare, 4 tables of 1,000,000 rows
# (VERIFY_BENCH_TABLES, VERIFY_BENCH_ROWS); `myshift run` copies it to the
# destination (start = snapshot) and is stopped once streaming; the
# destination is then made a native replica of the source from the
# source's current position, which pt-table-checksum needs (its checksum
# statements replicate).  Both tools then compare the same data, the
# servers idle:
#
#   myshift      myshift verify (no running myshift: the destination as it
#                is), [verify] chunk_rows default; must exit 0
#   pt           pt-table-checksum --databases=sbtest, the replica found
#                through a DSN table (percona.dsns), --no-version-check;
#                must report no differences
#
# and prints
#
#   verify: myshift N s, pt-table-checksum N s (ratio R, target >= 1.0)
#
# VERIFY_BENCH_CHUNK sets [verify] chunk_rows (default: myshift's).
#
# Exit status: 0 when measured (also if the target is missed), 1 on an
# error (a tool that fails or finds differences), 77 if sysbench or
# pt-table-checksum (Debian: percona-toolkit) is missing.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
top_srcdir=$top
. "$top/tests/bench/lib.sh"
MYSHIFT=$(find_binary myshift MYSHIFT 1) || exit 1
. "$top/tests/lib/migrate.sh"

TABLES=${VERIFY_BENCH_TABLES:-4}
ROWS=${VERIFY_BENCH_ROWS:-1000000}
need_positive "$TABLES" VERIFY_BENCH_TABLES
need_positive "$ROWS" VERIFY_BENCH_ROWS
PW='Verify-bench_pw1'

bench_init verify-bench ms_pid
mig_require_sysbench
command -v pt-table-checksum >/dev/null 2>&1 ||
    skip "pt-table-checksum is not installed (Debian package percona-toolkit)"
srv_is_mysql src && skip "verify_bench runs on MariaDB (pt-table-checksum 3.2 predates MySQL 9)"

SETTINGS=(innodb_flush_log_at_trx_commit=2 innodb_buffer_pool_size=768M)
mig_source src "${SETTINGS[@]}"
mig_dest dst "${SETTINGS[@]}"
for s in src dst; do
	srv_sql "$s" "SET sql_log_bin = 0; CREATE USER bench@'127.0.0.1' IDENTIFIED BY '$PW';
	    GRANT ALL ON *.* TO bench@'127.0.0.1'" || fail "cannot create the bench user on $s"
done
print_load

echo "prepare: $TABLES tables x $ROWS rows (sysbench)"
srv_sql src "CREATE DATABASE sbtest" || fail "cannot create sbtest"
t0=$SECONDS
mig_sysbench src sbtest --tables="$TABLES" --table-size="$ROWS" --threads=2 prepare \
    >"$work/prepare.log" 2>&1 || fail "sysbench prepare failed (see $work/prepare.log)"
echo "prepared in $((SECONDS - t0)) s"

# the destination: a copy by myshift, then a native replica from here on
mig_config "$work/copy.ini" src dst snapshot "[copy]
binlog = false"
: >"$work/copy.log"	# (before the job opens it: the loop reads it at once)
"$MYSHIFT" run -c "$work/copy.ini" >>"$work/copy.log" 2>&1 &
ms_pid=$!
until grep -q 'phase: streaming' "$work/copy.log"; do
	kill -0 "$ms_pid" 2>/dev/null || { tail -n 5 "$work/copy.log"; fail "myshift exited"; }
	sleep 0.2
done
kill -TERM "$ms_pid"
wait "$ms_pid" || fail "myshift exited with status $? on SIGTERM"
ms_pid=
read -r f p < <(mig_position src)
srv_sql dst "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $(_srv_get src PORT),
    MASTER_USER = 'bench', MASTER_PASSWORD = '$PW', MASTER_LOG_FILE = '$f',
    MASTER_LOG_POS = $p; START SLAVE" || fail "cannot start the native replica"
srv_sql src "CREATE DATABASE percona; CREATE TABLE percona.dsns (id INT PRIMARY KEY,
    parent_id INT, dsn VARCHAR(255) NOT NULL);
    INSERT INTO percona.dsns VALUES (1, NULL, 'h=127.0.0.1,P=$(_srv_get dst PORT)')" ||
    fail "cannot create the DSN table"
sleep 1

now() {
	date +%s.%N
}

# myshift verify: the destination as it is
mig_config "$work/verify.ini" src dst current "${VERIFY_BENCH_CHUNK:+[verify]
chunk_rows = $VERIFY_BENCH_CHUNK}"
t0=$(now)
"$MYSHIFT" verify -c "$work/verify.ini" >"$work/verify.out" 2>&1
rc=$?
t_ms=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
tail -n 1 "$work/verify.out" | sed 's/^/  /'
[ "$rc" = 0 ] || { cat "$work/verify.out" >&2; fail "myshift verify exited $rc (expected 0: identical)"; }
echo "myshift verify: $t_ms s"

# pt-table-checksum
t0=$(now)
pt-table-checksum "h=127.0.0.1,P=$(_srv_get src PORT),u=bench,p=$PW" --databases=sbtest \
    --recursion-method="dsn=h=127.0.0.1,P=$(_srv_get src PORT),D=percona,t=dsns" \
    --no-version-check --no-check-binlog-format >"$work/pt.out" 2>&1
rc=$?
t_pt=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
sed 's/^/  /' "$work/pt.out" | tail -n $((TABLES + 1))
[ "$rc" = 0 ] || { cat "$work/pt.out" >&2; fail "pt-table-checksum exited $rc"; }
echo "pt-table-checksum: $t_pt s"

echo "verify: myshift $t_ms s, pt-table-checksum $t_pt s (ratio $(div "$t_pt" "$t_ms" 2)," \
    "target >= 1.0) on $TABLES x $ROWS rows"
exit 0
