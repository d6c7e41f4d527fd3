#!/usr/bin/env bash
# run_fk.sh: foreign key actions and destination triggers under `myshift run`.
#
# Part 1: parent/child tables with ON DELETE CASCADE / ON UPDATE CASCADE,
# ON DELETE SET NULL / ON UPDATE SET NULL, a cascade through three levels, a
# cascade on a UNIQUE (non-primary) key, and a self-referencing tree.  On
# the source: deletes (single and multi-row) and key updates of parents.
# The rows InnoDB changes by cascading are not in the source's row binlog:
# the destination must perform them itself.  Also rows written under
# SET foreign_key_checks = 0 (orphans) must arrive.  When myshift has caught
# up every table must be identical (CHECKSUM TABLE and every row).
#
# Part 2: a destination table with a trigger.  fk.trig is created on the
# source and replicated; then a trigger is created on the destination only,
# and a row inserted on the source: myshift must stop (exit 1) with an
# error naming the table and saying the trigger is the problem, and that
# row must not be on the destination.  Without the trigger, a restart
# applies it (once).  The same for a table myshift has written to before the
# trigger was created while myshift was stopped (fk.trig2).

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
CFG=$T/myshift.ini
mig_config "$CFG" src dst current "[apply]
batch_transactions = 10"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

# src SQL: run SQL on the source; a failure ends the test.
src() {
	srv_sql src "$1" || fail "on the source: $1"
}

echo "part 1: cascades"
src "CREATE DATABASE fk; USE fk;
CREATE TABLE parent (id INT NOT NULL PRIMARY KEY, code INT NOT NULL,
    name VARCHAR(30), UNIQUE KEY (code)) ENGINE=InnoDB;
CREATE TABLE child (id INT NOT NULL PRIMARY KEY, pid INT NOT NULL, v VARCHAR(30),
    KEY (pid), FOREIGN KEY (pid) REFERENCES parent (id)
    ON DELETE CASCADE ON UPDATE CASCADE) ENGINE=InnoDB;
CREATE TABLE grandchild (id INT NOT NULL PRIMARY KEY, cid INT, v VARCHAR(30),
    FOREIGN KEY (cid) REFERENCES child (id) ON DELETE CASCADE ON UPDATE CASCADE)
    ENGINE=InnoDB;
CREATE TABLE by_code (id INT NOT NULL PRIMARY KEY, pcode INT NULL,
    FOREIGN KEY (pcode) REFERENCES parent (code) ON DELETE SET NULL
    ON UPDATE CASCADE) ENGINE=InnoDB;
CREATE TABLE setnull (id INT NOT NULL PRIMARY KEY, pid INT NULL, note CHAR(5),
    FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE SET NULL ON UPDATE SET NULL)
    ENGINE=InnoDB;
CREATE TABLE tree (id INT NOT NULL PRIMARY KEY, up INT NULL, label VARCHAR(20),
    FOREIGN KEY (up) REFERENCES tree (id) ON DELETE CASCADE ON UPDATE CASCADE)
    ENGINE=InnoDB;
CREATE TABLE nokey_child (pid INT, v VARCHAR(10),
    FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE)
    ENGINE=InnoDB;
INSERT INTO parent SELECT seq, 1000 + seq, CONCAT('p', seq) FROM $(srv_seq 200);
INSERT INTO child SELECT seq, (seq - 1) % 200 + 1, CONCAT('c', seq) FROM $(srv_seq 600);
INSERT INTO grandchild SELECT seq, (seq - 1) % 600 + 1, CONCAT('g', seq) FROM $(srv_seq 900);
INSERT INTO by_code SELECT seq, 1000 + (seq - 1) % 200 + 1 FROM $(srv_seq 400);
INSERT INTO setnull SELECT seq, (seq - 1) % 200 + 1, 'n' FROM $(srv_seq 300);
INSERT INTO tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'aa'),
    (5, 4, 'aaa'), (6, 5, 'aaaa'), (7, 3, 'ba'), (10, NULL, 'root2'), (11, 10, 'x');
INSERT INTO nokey_child SELECT (seq - 1) % 200 + 1, 'k' FROM $(srv_seq 400)"

src "USE fk;
DELETE FROM parent WHERE id = 1;
DELETE FROM parent WHERE id BETWEEN 10 AND 19;
UPDATE parent SET id = id + 1000 WHERE id BETWEEN 20 AND 29;
UPDATE parent SET code = code + 5000 WHERE id BETWEEN 30 AND 39;
UPDATE parent SET id = 2000, code = 9000 WHERE id = 40;
BEGIN;
DELETE FROM parent WHERE id = 41;
UPDATE parent SET id = 2041 WHERE id = 42;
INSERT INTO child VALUES (1001, 2041, 'new child');
UPDATE child SET v = 'touched' WHERE pid = 2041;
COMMIT;
DELETE FROM parent WHERE id IN (50, 51, 52);
UPDATE child SET id = id + 5000 WHERE id BETWEEN 300 AND 310;
DELETE FROM child WHERE id BETWEEN 311 AND 320;
DELETE FROM tree WHERE id = 2;
DELETE FROM tree WHERE id = 10;
DELETE FROM parent WHERE id > 190"

src "USE fk; SET SESSION foreign_key_checks = 0;
INSERT INTO child VALUES (9001, 99999, 'orphan');
INSERT INTO setnull VALUES (9001, 88888, 'orph');
SET SESSION foreign_key_checks = 1;
INSERT INTO child VALUES (9002, 100, 'normal')"

mig_wait_caught_up src dst 120 || fail "myshift did not catch up after part 1"
mig_compare_db src dst fk || check_fail "part 1: the tables of fk differ"
n=$(srv_sql src "SELECT COUNT(*) FROM fk.child")
[ "$n" -lt 600 ] || check_fail "the source cascaded nothing? child has $n rows"

echo "part 2: a trigger on the destination"
src "CREATE TABLE fk.trig (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB;
    CREATE TABLE fk.trig_log (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v INT)"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with fk.trig"
srv_sql dst "CREATE TRIGGER fk.trig_ai AFTER INSERT ON fk.trig FOR EACH ROW
    INSERT INTO fk.trig_log (v) VALUES (NEW.v)" || fail "cannot create the trigger"
src "INSERT INTO fk.parent VALUES (500, 5500, 'before trig')"
src "INSERT INTO fk.trig VALUES (1, 10)"
src "INSERT INTO fk.parent VALUES (501, 5501, 'after trig')"
if ! mig_wait_exit 60; then
	check_fail "myshift did not stop on a destination table with a trigger"
	mig_stop
else
	[ "$MIG_RC" = 1 ] || check_fail "myshift exited with status $MIG_RC on a" \
	    "table with a trigger, expected 1"
fi
err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
case $err in
*fk*trig*trigger* | *trigger*fk*trig*) ;;
*) check_fail "the error does not name fk.trig and the trigger: '$err'" ;;
esac
echo "error: $(echo "$err" | cut -c1-300)"
n=$(srv_sql dst "SELECT COUNT(*) FROM fk.trig")
[ "$n" = 0 ] || check_fail "the row for the table with a trigger was applied ($n rows)"
n=$(srv_sql dst "SELECT COUNT(*) FROM fk.trig_log")
[ "$n" = 0 ] || check_fail "the destination trigger fired ($n rows in fk.trig_log)"
n=$(srv_sql dst "SELECT COUNT(*) FROM fk.parent WHERE id = 501")
[ "$n" = 0 ] || check_fail "a transaction after the one stopped at was applied"

srv_sql dst "DROP TRIGGER fk.trig_ai" || fail "cannot drop the trigger"
mig_start "$CFG"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up once the trigger was dropped"
mig_compare_db src dst fk || check_fail "part 2: the tables of fk differ after the restart"

# the same, on a table myshift has written to before (its definition read)
src "CREATE TABLE fk.trig2 (id INT NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB;
    INSERT INTO fk.trig2 VALUES (1, 1)"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with fk.trig2"
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"
srv_sql dst "CREATE TRIGGER fk.trig2_bu BEFORE UPDATE ON fk.trig2 FOR EACH ROW
    SET NEW.v = NEW.v * 100" || fail "cannot create the trigger on fk.trig2"
mig_start "$CFG"
src "UPDATE fk.trig2 SET v = 2 WHERE id = 1"
if ! mig_wait_exit 60; then
	check_fail "myshift did not stop on fk.trig2, which got a trigger while" \
	    "myshift was stopped"
	mig_stop
else
	[ "$MIG_RC" = 1 ] || check_fail "myshift exited with status $MIG_RC on" \
	    "fk.trig2 with a trigger, expected 1"
	err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
	case $err in
	*trig2*trigger*) ;;
	*) check_fail "the error does not name fk.trig2 and the trigger: '$err'" ;;
	esac
fi
n=$(srv_sql dst "SELECT v FROM fk.trig2 WHERE id = 1")
[ "$n" = 1 ] || check_fail "fk.trig2 holds v = $n on the destination, expected 1" \
    "(the update must not be applied through the trigger)"

echo "part 3: a guarded trigger on the destination"
# The guard myshift puts on the triggers it creates: it does not fire in
# myshift's sessions (they set @myshift_session), and fires in every other.
srv_sql dst - <<-'EOF' || fail "cannot create the guarded trigger on fk.trig2"
	DROP TRIGGER fk.trig2_bu;
	DELIMITER //
	CREATE TRIGGER fk.trig2_bu BEFORE UPDATE ON fk.trig2 FOR EACH ROW
	    IF @myshift_session IS NULL THEN SET NEW.v = NEW.v * 100; END IF //
	EOF
mig_start "$CFG"
src "UPDATE fk.trig2 SET v = 3 WHERE id = 1"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up with a guarded trigger"
n=$(srv_sql dst "SELECT v FROM fk.trig2 WHERE id = 1")
[ "$n" = 3 ] || check_fail "fk.trig2 holds v = $n on the destination, expected 3" \
    "(the guarded trigger fired for myshift's replayed update)"
mig_stop
srv_sql dst "UPDATE fk.trig2 SET v = 4 WHERE id = 1" || fail "cannot update on the destination"
n=$(srv_sql dst "SELECT v FROM fk.trig2 WHERE id = 1")
[ "$n" = 400 ] || check_fail "fk.trig2 holds v = $n after a plain session's update," \
    "expected 400 (the guarded trigger did not fire for the application)"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: cascades performed by the destination; unguarded triggers stop myshift," \
    "guarded ones do not fire for it and fire for others"
