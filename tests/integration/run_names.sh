#!/usr/bin/env bash
# run_names.sh: awkward names and index kinds through start = snapshot and the stream.
#
# A source database named with a hyphen and a space holds tables and
# columns named with reserved words, backquotes, spaces, dots, non-ASCII
# letters and a trailing space-free unicode name; a table with FULLTEXT
# and SPATIAL indexes (built after the data by the copy) and a prefix
# index; a view, a procedure and a trigger with such names. myshift
# migrates it (start = snapshot) under a writer; then, while it streams,
# rows of every table change and DDL renames, adds and drops such
# columns, indexes and tables. Checks, after myshift has caught up:
#   - every table is identical row by row;
#   - each table's indexes (name, kind, columns, prefix) are the source's;
#   - the view reads the same rows, the procedure and trigger exist and
#     the trigger works for an application on the destination;
#   - myshift verify finds every table identical.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

DB='my-db x'
S=$(srv_seq 3000 q)
srv_sql src - <<-EOF || fail "cannot load the source"
	CREATE DATABASE \`my-db x\` DEFAULT CHARSET utf8mb4 COLLATE utf8mb4_unicode_ci;
	USE \`my-db x\`;
	CREATE TABLE \`order\` (\`select\` INT NOT NULL PRIMARY KEY, \`from\` VARCHAR(20),
	    \`key\` INT, \`group\` DATE, KEY \`index\` (\`key\`)) ENGINE=InnoDB;
	INSERT INTO \`order\` SELECT seq, CONCAT('f', seq), seq % 10, '2024-01-01' + INTERVAL seq DAY FROM $S;
	CREATE TABLE \`tab\`\`le\` (\`id\`\`x\` INT NOT NULL, \`a b\` VARCHAR(30) NOT NULL,
	    \`c.d\` INT, PRIMARY KEY (\`id\`\`x\`, \`a b\`)) ENGINE=InnoDB;
	INSERT INTO \`tab\`\`le\` SELECT seq % 100, CONCAT('k ', seq), seq FROM $S;
	CREATE TABLE \`données\` (\`clé\` VARCHAR(40) NOT NULL PRIMARY KEY, \`prénom\` VARCHAR(40),
	    \`名前\` VARCHAR(20), KEY \`idx_prénom\` (\`prénom\`(5))) ENGINE=InnoDB;
	INSERT INTO \`données\` SELECT CONCAT('Clé-', seq), CONCAT('Zoë ', seq), CONCAT('名', seq) FROM $S;
	CREATE TABLE \`docs\` (id INT NOT NULL PRIMARY KEY, title VARCHAR(100), body TEXT,
	    pos POINT NOT NULL, FULLTEXT KEY ft (title, body), SPATIAL KEY sp (pos),
	    UNIQUE KEY u_title (title)) ENGINE=InnoDB;
	INSERT INTO \`docs\` SELECT seq, CONCAT('title ', seq), REPEAT(CONCAT('word', seq % 50, ' '), 20),
	    POINT(seq % 90, seq % 45) FROM $S;
	CREATE TABLE \`a.b\` (id INT NOT NULL PRIMARY KEY, n INT) ENGINE=InnoDB;
	INSERT INTO \`a.b\` SELECT seq, seq FROM $S WHERE seq <= 500;
	CREATE TABLE \`log table\` (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40)) ENGINE=InnoDB;
	CREATE VIEW \`view of order\` AS SELECT \`select\`, \`key\` FROM \`order\` WHERE \`key\` = 3;
	DELIMITER //
	CREATE TRIGGER \`trig-ger\` AFTER INSERT ON \`a.b\` FOR EACH ROW
	    INSERT INTO \`log table\` (what) VALUES (CONCAT('a.b ', NEW.id));
	CREATE PROCEDURE \`do work\`(n INT) BEGIN
	  DECLARE i INT DEFAULT 0;
	  WHILE i < n DO
	    SET i = i + 1;
	    UPDATE \`order\` SET \`from\` = CONCAT(\`from\`, '+') WHERE \`select\` = FLOOR(1 + RAND() * 3000);
	    UPDATE \`tab\`\`le\` SET \`c.d\` = \`c.d\` + 1 WHERE \`id\`\`x\` = FLOOR(RAND() * 100) LIMIT 3;
	    UPDATE \`données\` SET \`prénom\` = CONCAT('Zoé ', i) WHERE \`clé\` = CONCAT('CLÉ-', FLOOR(1 + RAND() * 3000));
	    UPDATE \`docs\` SET body = CONCAT(body, ' more'), pos = POINT(i % 90, i % 45)
	        WHERE id = FLOOR(1 + RAND() * 3000);
	    INSERT INTO \`a.b\` VALUES (FLOOR(1000 + RAND() * 1000000), i)
	        ON DUPLICATE KEY UPDATE n = n + 1;
	  END WHILE;
	END //
	DELIMITER ;
	EOF
mig_purge_binlogs src

work() {
	srv_sql src "CALL \`my-db x\`.\`do work\`(20)"
}
mig_writer work
mig_snapshot_streaming src dst "[copy]
chunk_rows = 400
workers = 3"

echo "DDL with such names while streaming"
for sql in \
    'ALTER TABLE `tab``le` ADD COLUMN `new``col` INT DEFAULT 7, ADD KEY `k``2` (`c.d`)' \
    'UPDATE `tab``le` SET `new``col` = `c.d` * 2 WHERE `id``x` < 10' \
    'ALTER TABLE `order` RENAME COLUMN `from` TO `to`' \
    'UPDATE `order` SET `to` = "renamed" WHERE `select` <= 5' \
    'CREATE TABLE `new table` LIKE `a.b`' \
    'INSERT INTO `new table` SELECT * FROM `a.b` WHERE id <= 100' \
    'RENAME TABLE `new table` TO `renamed-table`' \
    'ALTER TABLE `données` ADD COLUMN `âge` TINYINT UNSIGNED, DROP KEY `idx_prénom`' \
    'UPDATE `données` SET `âge` = 42 WHERE `clé` LIKE "clé-1%"' \
    'DELETE FROM `docs` WHERE MATCH (title, body) AGAINST ("word7" IN BOOLEAN MODE)' \
    'ALTER TABLE `docs` DROP KEY ft, ADD FULLTEXT KEY `ft 2` (body)'; do
	srv_sql src "USE \`$DB\`; $sql" || { mig_writer_stop; fail "on the source: $sql"; }
	sleep 0.2
done
sleep 1
mig_writer_stop
mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"

mig_compare_db src dst "$DB" || check_fail "the tables of $DB differ"
indexes() {
	srv_sql "$1" "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE, SEQ_IN_INDEX,
	    COLUMN_NAME, IFNULL(SUB_PART, 0) FROM information_schema.STATISTICS
	    WHERE TABLE_SCHEMA = '$DB' ORDER BY 1, 2, 5"
}
a=$(indexes src)
b=$(indexes dst)
if [ "$a" != "$b" ]; then
	check_fail "the indexes differ"
	diff <(echo "$a") <(echo "$b") | head -n 20 >&2
fi
echo "$(echo "$a" | wc -l) index columns, $(echo "$a" | grep -c FULLTEXT) FULLTEXT, $(echo "$a" | grep -c SPATIAL) SPATIAL"
q='SELECT COUNT(*), IFNULL(SUM(`select`), 0) FROM `view of order`'
x=$(srv_sql src "USE \`$DB\`; $q")
y=$(srv_sql dst "USE \`$DB\`; $q")
[ -n "$x" ] && [ "$x" = "$y" ] || check_fail "the view reads '$y' on the destination, '$x' on the source"
n=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '$DB'
    AND ROUTINE_NAME = 'do work'")
[ "$n" = 1 ] || check_fail "the procedure \`do work\` is not on the destination"
# verify reads the same names (while myshift runs: it holds the applier)
mig_verify
[ "$MIG_VERIFY_RC" = 0 ] && grep -q '^verify: .*identical' <<<"$MIG_VERIFY_OUT" ||
    check_fail "myshift verify: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
mig_stop
# the trigger works for the application on the destination
before=$(srv_sql dst "SELECT COUNT(*) FROM \`$DB\`.\`log table\`")
srv_sql dst "INSERT INTO \`$DB\`.\`a.b\` VALUES (99999999, 1)" || check_fail "insert on the destination"
after=$(srv_sql dst "SELECT COUNT(*) FROM \`$DB\`.\`log table\`")
[ "$after" = $((before + 1)) ] ||
    check_fail "the trigger \`trig-ger\` did not fire on the destination ($before -> $after)"
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_names"
