#!/usr/bin/env bash
# precheck.sh: `myshift precheck` on real servers.
#
# A source with database app (a keyed table, a keyless one, a view on a
# view, a function, a procedure, a trigger, an event): precheck exits 0,
# WARNs about the keyless table (naming it) and PASSes the upgrade check
# (everything created in a scratch schema on the destination, which is
# dropped again).  It exits 1 with a FAIL naming the cause for:
#   - binlog_format = STATEMENT on the source;
#   - a source with binary logging off (a second server, --skip-log-bin);
#   - a source account without REPLICATION SLAVE (the privilege named);
#   - a view calling a function the destination lacks (in a database the
#     filter leaves out): the view named with the destination's error;
#     also when the view is alone in a selected database without tables;
#   - a destination with super_read_only (MySQL), or read_only and an
#     account without CONNECTION_ADMIN (MariaDB: READ_ONLY ADMIN): the
#     setting named (read_only with myshift's ALL PRIVILEGES passes);
#   - (MariaDB) a SYSTEM VERSIONED table, which the copy does not move,
#     and a SEQUENCE, moved only to MariaDB: what is not moved is named;
#     precheck passes once the filter leaves them out.
# `myshift run` runs the same precheck on a new migration: with that view it
# stops (exit 1) before writing anything, its error naming the view; without
# it, it says the precheck passed and migrates app.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

srv_sql src - <<-EOF || fail "cannot load app"
	CREATE DATABASE app;
	CREATE TABLE app.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB;
	CREATE TABLE app.nokey (x INT, y VARCHAR(10)) ENGINE=InnoDB;
	CREATE TABLE app.log (id INT PRIMARY KEY AUTO_INCREMENT, what VARCHAR(20)) ENGINE=InnoDB;
	DELIMITER //
	CREATE FUNCTION app.dbl(x INT) RETURNS INT DETERMINISTIC RETURN x * 2 //
	CREATE PROCEDURE app.p() BEGIN SELECT 1; END //
	CREATE TRIGGER app.t_ai AFTER INSERT ON app.t FOR EACH ROW INSERT INTO app.log (what) VALUES ('ins') //
	CREATE EVENT app.ev ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO DELETE FROM app.log //
	DELIMITER ;
	CREATE VIEW app.v1 AS SELECT id, app.dbl(v) AS d FROM app.t;
	CREATE VIEW app.v2 AS SELECT id, d + 1 AS e FROM app.v1;
	CREATE DATABASE other;
	CREATE FUNCTION other.f() RETURNS INT DETERMINISTIC RETURN 7;
	EOF

# precheck NAME CONFIG WANT_RC [REGEX...]: run it, check its status and output
precheck() {
	local name=$1 cfg=$2 want=$3 out rc re
	shift 3
	out=$("$MYSHIFT" precheck -c "$cfg" 2>&1)
	rc=$?
	echo "== $name (exit $rc)"
	echo "$out" | grep -E '^(WARN|FAIL)|fix:|^precheck:' | sed 's/^/  /' | cut -c1-240
	[ "$rc" = "$want" ] || check_fail "$name: exit $rc, expected $want"
	for re in "$@"; do
		echo "$out" | grep -Eq -- "$re" || check_fail "$name: the output has no '$re'"
	done
	LAST=$out
}

mig_config "$SRV_ROOT/good.ini" src dst snapshot "[filter]
include_databases = app"
precheck "a good setup" "$SRV_ROOT/good.ini" 0 '^WARN  keys: .*`app`.`nokey`' \
    '^PASS  upgrade check: the destination creates all' '^PASS  log_bin' '^PASS  source privileges'
[ -z "$(srv_sql dst "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%precheck%'")" ] ||
    check_fail "the scratch schema was left on the destination"
[ -z "$(srv_sql dst "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'app'")" ] ||
    check_fail "precheck created app on the destination"

srv_sql src "SET GLOBAL binlog_format = 'STATEMENT'" || fail "cannot set binlog_format"
precheck "binlog_format = STATEMENT" "$SRV_ROOT/good.ini" 1 '^FAIL  binlog_format: STATEMENT'
srv_sql src "SET GLOBAL binlog_format = 'ROW'" || fail "cannot restore binlog_format"

srv_start src2 --skip-log-bin
srv_sql src2 "CREATE USER '$MIG_REPL_USER'@'127.0.0.1' IDENTIFIED BY '$MIG_REPL_PW';
    GRANT ALL ON *.* TO '$MIG_REPL_USER'@'127.0.0.1'" || fail "cannot create the user on src2"
mig_config "$SRV_ROOT/nolog.ini" src2 dst snapshot
precheck "log_bin off" "$SRV_ROOT/nolog.ini" 1 '^FAIL  log_bin: binary logging is off'

srv_sql src "CREATE USER norepl@'127.0.0.1' IDENTIFIED BY 'No-repl1';
    GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON *.* TO norepl@'127.0.0.1'" ||
    fail "cannot create norepl"
sed "s/^user = $MIG_REPL_USER\$/user = norepl/; s/^password = $MIG_REPL_PW\$/password = No-repl1/" \
    "$SRV_ROOT/good.ini" >"$SRV_ROOT/norepl.ini" && chmod 600 "$SRV_ROOT/norepl.ini"
precheck "no REPLICATION SLAVE" "$SRV_ROOT/norepl.ini" 1 \
    '^FAIL  source privileges: missing: REPLICATION SLAVE'

# the same view alone in a selected database that has no table
srv_sql src "CREATE DATABASE vonly; CREATE VIEW vonly.vf AS SELECT other.f() AS seven" ||
    fail "cannot create vonly.vf"
sed 's/^include_databases = app$/include_databases = app,vonly/' "$SRV_ROOT/good.ini" \
    >"$SRV_ROOT/vonly.ini" && chmod 600 "$SRV_ROOT/vonly.ini"
precheck "a view calling a function the destination lacks, in a database without tables" \
    "$SRV_ROOT/vonly.ini" 1 '^FAIL  upgrade check: the destination refuses VIEW `vonly`.`vf`'
srv_sql src "DROP DATABASE vonly" || fail "cannot drop vonly"

# MariaDB's SEQUENCE and SYSTEM VERSIONED tables: not moved by the copy,
# a FAIL naming each (until filtered out), not a late stop of the stream
if ! srv_is_mysql src; then
	srv_sql src "CREATE DATABASE kinds; CREATE SEQUENCE kinds.sq;
	    CREATE TABLE kinds.hist (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
	    CREATE TABLE kinds.plain (id INT PRIMARY KEY)" || fail "cannot create kinds"
	sed 's/^include_databases = app$/include_databases = app,kinds/' "$SRV_ROOT/good.ini" \
	    >"$SRV_ROOT/kinds.ini" && chmod 600 "$SRV_ROOT/kinds.ini"
	if srv_is_mysql dst; then
		# MySQL has no sequences
		precheck "a sequence and a system-versioned table" "$SRV_ROOT/kinds.ini" 1 \
		    '^FAIL  table kinds: 2 table.*`kinds`.`hist` \(SYSTEM VERSIONED\), `kinds`.`sq` \(SEQUENCE\)' \
		    'fix: leave them out with \[filter\] exclude_tables'
	else
		# a sequence is moved between MariaDB servers: not named
		precheck "a sequence and a system-versioned table" "$SRV_ROOT/kinds.ini" 1 \
		    '^FAIL  table kinds: 1 table.*`kinds`.`hist` \(SYSTEM VERSIONED\)' \
		    'fix: leave them out with \[filter\] exclude_tables'
		echo "$LAST" | grep 'table kinds' | grep -q '`sq`' &&
		    check_fail "table kinds names the sequence, which is moved to MariaDB"
	fi
	printf '%s\n' "exclude_tables = kinds.sq,kinds.hist" >>"$SRV_ROOT/kinds.ini"
	precheck "the same, filtered out" "$SRV_ROOT/kinds.ini" 0
	echo "$LAST" | grep -q 'table kinds' && check_fail "table kinds reported although filtered out"
	srv_sql src "DROP DATABASE kinds" || fail "cannot drop kinds"
fi

# a destination kept read-only (a standby): read_only lets myshift's account
# (ALL PRIVILEGES) write; super_read_only (MySQL) stops everyone, and an
# account without the privilege to write through read_only is refused: a
# FAIL naming the setting, not a WARN about a scratch schema
srv_sql dst "SET GLOBAL read_only = ON" || fail "cannot set read_only on dst"
precheck "destination read_only, an account that writes through it" "$SRV_ROOT/good.ini" 0
echo "$LAST" | grep -q 'destination writable' && check_fail "read_only: reported although myshift may write"
if srv_is_mysql dst; then
	srv_sql dst "SET GLOBAL super_read_only = ON" || fail "cannot set super_read_only on dst"
	precheck "destination super_read_only" "$SRV_ROOT/good.ini" 1 \
	    '^FAIL  destination writable: super_read_only is ON' 'fix: SET GLOBAL super_read_only = OFF'
	srv_sql dst "SET GLOBAL super_read_only = OFF" || fail "cannot reset super_read_only on dst"
	bypass="CONNECTION_ADMIN"
else
	bypass="READ_ONLY ADMIN"
fi
srv_sql dst "SET GLOBAL read_only = OFF; CREATE USER plain@'127.0.0.1' IDENTIFIED BY 'Plain-pw1';
    GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW,
    CREATE ROUTINE, ALTER ROUTINE, EXECUTE, TRIGGER, EVENT, REFERENCES ON *.* TO plain@'127.0.0.1';
    SET GLOBAL read_only = ON" || fail "cannot create plain on dst"
awk '/^\[destination\]/ { d = 1 } /^\[source\]/ { d = 0 }
    d && /^user = / { print "user = plain"; next }
    d && /^password = / { print "password = Plain-pw1"; next } { print }' \
    "$SRV_ROOT/good.ini" >"$SRV_ROOT/plain.ini" && chmod 600 "$SRV_ROOT/plain.ini"
precheck "destination read_only, an account without $bypass" "$SRV_ROOT/plain.ini" 1 \
    "^FAIL  destination writable: the destination refuses myshift's writes" "fix: .*$bypass"
srv_sql dst "SET GLOBAL read_only = OFF" || fail "cannot reset read_only on dst"

srv_sql src "CREATE VIEW app.vf AS SELECT other.f() AS seven" || fail "cannot create app.vf"
precheck "a view calling a function the destination lacks" "$SRV_ROOT/good.ini" 1 \
    '^FAIL  upgrade check: the destination refuses VIEW `app`.`vf`'

# myshift run prechecks a new migration: a FAIL stops it before anything is
# written, naming the object in its last error.
out=$(timeout 300 "$MYSHIFT" run -c "$SRV_ROOT/good.ini" 2>&1 </dev/null)
rc=$?
echo "== myshift run (exit $rc): $(echo "$out" | grep ' ERROR ' | tail -n 1 | cut -c1-300)"
[ "$rc" = 1 ] || check_fail "myshift run with a FAIL: exit $rc, expected 1"
echo "$out" | grep ' ERROR ' | tail -n 1 | grep -q 'precheck: 1 check(s) failed.*`app`.`vf`' ||
    check_fail "myshift run: the last error does not name the failed check"
[ -z "$(srv_sql dst "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE
    SCHEMA_NAME IN ('myshift', 'app') OR SCHEMA_NAME LIKE '%precheck%'")" ] ||
    check_fail "myshift run wrote on the destination although its precheck failed"
srv_sql src "DROP VIEW app.vf" || fail "cannot drop app.vf"

# ... and a good setup goes on to the migration.
srv_sql src "INSERT INTO app.t VALUES (1, 10), (2, 20); INSERT INTO app.nokey VALUES (1, 'a')" ||
    fail "cannot insert into app"
mig_start "$SRV_ROOT/good.ini"
mig_wait_caught_up src dst 120 || fail "myshift run did not catch up: $(mig_log_tail 5)"
grep -q 'precheck: passed, [0-9]* warning' "$MIG_LOG" ||
    check_fail "myshift run did not say its precheck passed"
mig_compare_db src dst app || check_fail "app differs after myshift run"
mig_stop 60

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: precheck passes a good setup, warns about a keyless table, fails bad binlog settings, a missing privilege, a table kind the copy does not move and an object the destination refuses"
