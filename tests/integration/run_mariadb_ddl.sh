#!/usr/bin/env bash
# run_mariadb_ddl.sh: MariaDB's DDL words that MySQL lacks, replayed onto
# any destination.
#
# A MariaDB source runs, between writes, CREATE OR REPLACE of a table (also
# over a table holding rows, and ... SELECT), a database, procedures,
# functions, triggers and events; ALTER TABLE IF EXISTS (on a table that
# exists and one that does not); ALTER TABLE clauses with IF [NOT] EXISTS
# (ADD COLUMN, ADD INDEX/KEY/UNIQUE, ADD FOREIGN KEY, DROP COLUMN, DROP
# INDEX, DROP FOREIGN KEY, DROP CONSTRAINT, CHANGE, MODIFY), some true and
# some false in one statement; CREATE INDEX IF NOT EXISTS, DROP INDEX IF
# EXISTS, CREATE VIEW IF NOT EXISTS; WAIT n, NOWAIT and ALGORITHM=NOCOPY.
# myshift must replay every one (a MySQL destination has none of these
# words: each becomes what MySQL runs to the same effect, decided by the
# destination's schema) and keep streaming; afterwards schema and rows are
# identical, the routines answer the same, the replaced trigger's new body
# is the one on the destination, and (MySQL destination) the log shows the
# translations.  A clause MySQL cannot express (ADD COLUMN IF NOT EXISTS
# with a parenthesised list) stops myshift naming it, nothing applied.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require

trap 'mig_stop 20; srv_cleanup_all' EXIT

mig_source src
srv_is_mysql src && skip "MariaDB's DDL words need a MariaDB source (source $(srv_flavour src))"
mig_dest dst
srv_scratch
T=$SRV_ROOT
CFG=$T/myshift.ini
mig_config "$CFG" src dst current ""
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# step SQL: run SQL on the source, then wait until myshift has replayed it.
step() {
	srv_sql src "$1" || fail "on the source: $1"
	mig_wait_caught_up src dst 60 || fail "myshift did not replay: $1"
}

step "CREATE DATABASE m; CREATE TABLE m.p (id INT PRIMARY KEY, v INT);
    INSERT INTO m.p VALUES (1, 10), (2, 20), (3, 30)"
step "CREATE TABLE m.t (id INT PRIMARY KEY, a INT, b INT); INSERT INTO m.t VALUES (1, 1, 1)"
# over a table holding rows: the new one is empty, then written
step "CREATE OR REPLACE TABLE m.t (id INT PRIMARY KEY, a INT, b INT, s VARCHAR(10));
    INSERT INTO m.t VALUES (2, 2, 2, 'two'), (3, 3, 3, 'three')"
step "CREATE OR REPLACE TABLE m.fresh (k INT PRIMARY KEY)"
step "CREATE OR REPLACE TABLE m.copy AS SELECT id, a, s FROM m.t"
step "ALTER TABLE m.t ADD COLUMN IF NOT EXISTS c INT DEFAULT 7"
step "ALTER TABLE m.t ADD COLUMN IF NOT EXISTS c INT DEFAULT 8, ADD COLUMN IF NOT EXISTS d INT"
step "ALTER TABLE m.t DROP COLUMN IF EXISTS nope, DROP COLUMN IF EXISTS b"
step "ALTER TABLE m.t ADD INDEX IF NOT EXISTS ia (a), ADD KEY IF NOT EXISTS ia (c)"
step "ALTER TABLE m.t ADD UNIQUE KEY IF NOT EXISTS us (s), ADD INDEX IF NOT EXISTS ic (c)"
step "ALTER TABLE m.t DROP INDEX IF EXISTS nope, DROP KEY IF EXISTS ic"
step "CREATE INDEX IF NOT EXISTS ia ON m.t (d)"
step "CREATE INDEX IF NOT EXISTS id ON m.t (d)"
step "DROP INDEX IF EXISTS nope ON m.t"
step "DROP INDEX IF EXISTS id ON m.t"
step "ALTER TABLE m.t MODIFY COLUMN IF EXISTS nope BIGINT, MODIFY IF EXISTS c BIGINT DEFAULT 9"
step "ALTER TABLE m.t CHANGE COLUMN IF EXISTS nope nope2 INT, CHANGE IF EXISTS d d2 SMALLINT"
step "ALTER TABLE m.t ADD CONSTRAINT fk_p FOREIGN KEY IF NOT EXISTS (id) REFERENCES m.p (id)"
step "ALTER TABLE m.t ADD CONSTRAINT fk_p FOREIGN KEY IF NOT EXISTS (a) REFERENCES m.p (id)"
step "ALTER TABLE m.t DROP FOREIGN KEY IF EXISTS nope, DROP FOREIGN KEY IF EXISTS fk_p"
step "ALTER TABLE m.t ADD CONSTRAINT ck CHECK (c > 0)"
step "ALTER TABLE m.t DROP CONSTRAINT IF EXISTS nope"
step "ALTER TABLE m.t DROP CONSTRAINT IF EXISTS ck"
step "ALTER TABLE IF EXISTS m.nope ADD COLUMN z INT"
step "ALTER TABLE IF EXISTS m.t ADD COLUMN IF NOT EXISTS e INT, ALGORITHM=NOCOPY"
step "ALTER TABLE m.t WAIT 5 ADD COLUMN f INT"
step "ALTER TABLE m.t NOWAIT ADD COLUMN g INT"
step "UPDATE m.t SET c = id * 2, d2 = id, e = 5, f = 6, g = 7; INSERT INTO m.t (id, a, s) VALUES (4, 4, 'four')"
step "CREATE VIEW IF NOT EXISTS m.v AS SELECT id, a FROM m.t"
step "CREATE VIEW IF NOT EXISTS m.v AS SELECT id FROM m.p"
step "CREATE OR REPLACE VIEW m.v2 AS SELECT id, v FROM m.p"
step "CREATE PROCEDURE m.pr (OUT r INT) SET r = 1"
step "CREATE OR REPLACE PROCEDURE m.pr (OUT r INT) SET r = 2"
step "CREATE OR REPLACE FUNCTION m.fn (x INT) RETURNS INT DETERMINISTIC RETURN x + 100"
step "CREATE OR REPLACE FUNCTION m.fn (x INT) RETURNS INT DETERMINISTIC RETURN x + 200"
# (the trigger in a database of its own: on the destination its body is
# guarded against myshift's writes, which the schema comparison would see)
step "CREATE DATABASE m3; CREATE TABLE m3.p (id INT PRIMARY KEY);
    CREATE TABLE m3.log (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(20))"
step "CREATE OR REPLACE TRIGGER m3.tr AFTER INSERT ON m3.p FOR EACH ROW INSERT INTO m3.log (what) VALUES ('old')"
step "CREATE OR REPLACE TRIGGER m3.tr AFTER INSERT ON m3.p FOR EACH ROW INSERT INTO m3.log (what) VALUES ('new')"
step "INSERT INTO m3.p VALUES (4)"
step "CREATE OR REPLACE EVENT m.ev ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM m.p WHERE id < 0"
step "CREATE OR REPLACE EVENT m.ev ON SCHEDULE EVERY 2 DAY DISABLE DO DELETE FROM m.p WHERE id < -1"
step "CREATE DATABASE m2; CREATE TABLE m2.x (k INT PRIMARY KEY); INSERT INTO m2.x VALUES (1)"
step "CREATE OR REPLACE DATABASE m2"
step "CREATE TABLE m2.y (k INT PRIMARY KEY); INSERT INTO m2.y VALUES (2)"
mig_alive || fail "myshift exited; its last lines: $(mig_log_tail 10)"

mig_compare_db src dst m3 || check_fail "the rows of m3 differ"
for db in m m2; do
	mig_compare_db src dst "$db" || check_fail "the rows of $db differ"
	mig_compare_schema src dst "$db" || check_fail "the schema of $db differs"
done
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'm2'")" = 1 ] ||
    check_fail "CREATE OR REPLACE DATABASE m2 left other tables than y on the destination"
for q in "SELECT m.fn(1)" "CALL m.pr(@r); SELECT @r"; do
	a=$(srv_sql src "$q") b=$(srv_sql dst "$q")
	[ "$a" = "$b" ] || check_fail "$q: source '$a', destination '$b'"
done
[ "$(srv_sql dst "SELECT GROUP_CONCAT(what ORDER BY n) FROM m3.log")" = new ] ||
    check_fail "m3.log on the destination: $(srv_sql dst "SELECT GROUP_CONCAT(what) FROM m3.log") (the replaced trigger's rows: new)"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'm3'
    AND ACTION_STATEMENT LIKE '%''new''%'")" = 1 ] || check_fail "the destination's trigger m3.tr is not the new one, or not alone"
srv_sql dst "SELECT INTERVAL_VALUE FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'm'
    AND EVENT_NAME = 'ev'" | grep -qx 2 || check_fail "the destination's event m.ev is not the new one"

if srv_is_mysql dst; then
	n=$(grep -c "in MySQL's words" "$MIG_LOG")
	[ "$n" -ge 20 ] || check_fail "only $n translations logged (expected at least 20)"
	grep -q "DROP TABLE IF EXISTS m.t)" "$MIG_LOG" ||
	    check_fail "no CREATE OR REPLACE TABLE m.t in MySQL's words in the log"
	# (MariaDB may not log it at all)
	if srv_sql src "SHOW BINLOG EVENTS" | grep -q "ALTER TABLE IF EXISTS m.nope"; then
		grep -q "leaves nothing to do on the destination: ALTER TABLE IF EXISTS m.nope" "$MIG_LOG" ||
		    check_fail "ALTER TABLE IF EXISTS on a missing table not logged as nothing to do"
	fi
fi

# what MySQL cannot say stops myshift, naming it, nothing applied
srv_sql src "ALTER TABLE m.fresh ADD COLUMN IF NOT EXISTS (n1 INT, n2 INT)" ||
    fail "on the source: the ADD COLUMN list"
if srv_is_mysql dst; then
	mig_wait_exit 30 || check_fail "myshift did not stop on ADD COLUMN IF NOT EXISTS (list)"
	mig_log_tail 3 | grep -q "before a parenthesised list has no MySQL equivalent.*ADD COLUMN IF NOT EXISTS (n1 INT" ||
	    check_fail "the stop does not name the clause: $(mig_log_tail 3)"
	[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'm'
	    AND TABLE_NAME = 'fresh'")" = 1 ] || check_fail "part of the stopped ALTER was applied"
else
	mig_wait_caught_up src dst 60 || check_fail "MariaDB did not replay the ADD COLUMN list"
	mig_compare_schema src dst m || check_fail "the schema of m differs after the ADD COLUMN list"
fi

[ "$ERRORS" -eq 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_mariadb_ddl"
