#!/usr/bin/env bash
# run_partition.sh: partitioned tables through start = snapshot and the stream.
#
# A source with partitioned tables of every kind both vendors have: RANGE
# with MAXVALUE and a secondary index, HASH over a composite key, KEY over
# a string key in a case-insensitive collation, LIST COLUMNS, RANGE with
# HASH subpartitions, and a plain table to exchange partitions with; its
# binlogs purged, a writer changing rows of every table all along.
# myshift migrates it (start = snapshot), then, while it streams, the
# source's partitions are reorganised, truncated, dropped, added,
# coalesced, exchanged with a table and finally one table's partitioning
# is removed: DDL whose rows never appear as row events (a TRUNCATE or
# DROP PARTITION empties partitions, an EXCHANGE moves rows between
# tables), so the destination must reach the same rows by replaying it;
# before the DDL, statements changing and deleting many rows of the
# subpartitioned table keyed by (INT, DATE) in one transaction each (the
# applier's batched deletes by key, which MySQL 9.7 mismatched when
# written as a prepared (a, b) IN ((?, ?), ...)).
# Checks, after the writer stops and myshift has caught up:
#   - every table is identical row by row;
#   - every table's partitions (names, methods, expressions, bounds,
#     subpartitions) are the source's, and each partition holds as many
#     rows as on the source;
#   - myshift verify finds every table identical.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_source src
mig_dest dst
srv_scratch

S=$(srv_seq 4000 q)
srv_sql src - <<-EOF || fail "cannot load the source"
	CREATE DATABASE pt;
	CREATE TABLE pt.r (id INT NOT NULL PRIMARY KEY, v INT, note VARCHAR(20), KEY (v))
	    ENGINE=InnoDB PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (1000),
	    PARTITION p1 VALUES LESS THAN (2000), PARTITION p2 VALUES LESS THAN (3000),
	    PARTITION pmax VALUES LESS THAN MAXVALUE);
	INSERT INTO pt.r SELECT seq, seq % 97, CONCAT('r', seq) FROM $S;
	CREATE TABLE pt.h (a INT NOT NULL, b INT NOT NULL, v VARCHAR(10),
	    PRIMARY KEY (a, b)) ENGINE=InnoDB PARTITION BY HASH (a) PARTITIONS 6;
	INSERT INTO pt.h SELECT seq % 50, seq, 'h' FROM $S;
	CREATE TABLE pt.k (code VARCHAR(20) NOT NULL PRIMARY KEY, v INT) ENGINE=InnoDB
	    DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci PARTITION BY KEY () PARTITIONS 4;
	INSERT INTO pt.k SELECT CONCAT(IF(seq % 2, 'Code-', 'code_'), seq), seq FROM $S;
	CREATE TABLE pt.l (region CHAR(2) NOT NULL, id INT NOT NULL, v INT,
	    PRIMARY KEY (region, id)) ENGINE=InnoDB
	    PARTITION BY LIST COLUMNS (region) (PARTITION eu VALUES IN ('de', 'fr', 'it'),
	    PARTITION us VALUES IN ('us', 'ca'), PARTITION ap VALUES IN ('jp', 'au'));
	INSERT INTO pt.l SELECT ELT(seq % 7 + 1, 'de', 'fr', 'it', 'us', 'ca', 'jp', 'au'),
	    seq, seq FROM $S;
	CREATE TABLE pt.s (id INT NOT NULL, d DATE NOT NULL, v INT, PRIMARY KEY (id, d))
	    ENGINE=InnoDB PARTITION BY RANGE (YEAR(d)) SUBPARTITION BY HASH (id)
	    SUBPARTITIONS 2 (PARTITION y2023 VALUES LESS THAN (2024),
	    PARTITION y2024 VALUES LESS THAN (2025), PARTITION ymax VALUES LESS THAN MAXVALUE);
	INSERT INTO pt.s SELECT seq, '2023-01-01' + INTERVAL seq DAY, seq FROM $S WHERE seq <= 1200;
	CREATE TABLE pt.x (id INT NOT NULL PRIMARY KEY, v INT, note VARCHAR(20), KEY (v))
	    ENGINE=InnoDB;
	INSERT INTO pt.x SELECT 5000 + seq, seq, 'x' FROM $S WHERE seq <= 300;
	DELIMITER //
	CREATE PROCEDURE pt.work(n INT) BEGIN
	  DECLARE i INT DEFAULT 0;
	  WHILE i < n DO
	    SET i = i + 1;
	    UPDATE pt.r SET v = v + 1 WHERE id = FLOOR(1 + RAND() * 4000);
	    INSERT IGNORE INTO pt.r VALUES (FLOOR(10000 + RAND() * 100000), i, 'w');
	    DELETE FROM pt.h WHERE a = FLOOR(RAND() * 50) AND b = FLOOR(1 + RAND() * 4000);
	    INSERT IGNORE INTO pt.h VALUES (FLOOR(RAND() * 50), FLOOR(5000 + RAND() * 100000), 'w');
	    UPDATE pt.k SET v = v - 1 WHERE code = CONCAT('CODE-', 2 * FLOOR(RAND() * 2000) + 1);
	    UPDATE pt.l SET region = 'au' WHERE region = 'de' AND id = FLOOR(1 + RAND() * 4000);
	    UPDATE pt.s SET d = d + INTERVAL 400 DAY WHERE id = FLOOR(1 + RAND() * 1200)
	        AND d < '2024-06-01';
	  END WHILE;
	END //
	DELIMITER ;
	EOF
mig_purge_binlogs src

work() {
	srv_sql src "CALL pt.work(20)"
}
mig_writer work
mig_snapshot_streaming src dst "[copy]
chunk_rows = 300
workers = 3"

echo "partition DDL while streaming"
for sql in \
    "UPDATE pt.s SET d = d + INTERVAL 1 DAY WHERE id BETWEEN 1000 AND 1040" \
    "DELETE FROM pt.s WHERE id BETWEEN 1100 AND 1120" \
    "ALTER TABLE pt.r REORGANIZE PARTITION pmax INTO (PARTITION p3 VALUES LESS THAN (4000), PARTITION pmax VALUES LESS THAN MAXVALUE)" \
    "ALTER TABLE pt.r TRUNCATE PARTITION p0" \
    "ALTER TABLE pt.r DROP PARTITION p1" \
    "DELETE FROM pt.x WHERE id >= 5100; ALTER TABLE pt.r REORGANIZE PARTITION pmax INTO (PARTITION p4 VALUES LESS THAN (5000), PARTITION p5 VALUES LESS THAN (5100), PARTITION pmax VALUES LESS THAN MAXVALUE)" \
    "ALTER TABLE pt.r EXCHANGE PARTITION p5 WITH TABLE pt.x" \
    "ALTER TABLE pt.h COALESCE PARTITION 2" \
    "ALTER TABLE pt.h ADD PARTITION PARTITIONS 3" \
    "ALTER TABLE pt.l ADD PARTITION (PARTITION sa VALUES IN ('br', 'ar'))" \
    "INSERT INTO pt.l VALUES ('br', 1, 1), ('ar', 2, 2)" \
    "ALTER TABLE pt.l TRUNCATE PARTITION us" \
    "ALTER TABLE pt.s TRUNCATE PARTITION y2023" \
    "ALTER TABLE pt.k REMOVE PARTITIONING"; do
	srv_sql src "$sql" || { mig_writer_stop; fail "on the source: $sql"; }
	sleep 0.3
done
sleep 2
mig_writer_stop
mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"

mig_compare_db src dst pt || check_fail "the tables of pt differ"
# partitions: layout and rows per partition (TABLE_ROWS is an estimate: counted)
layout() {
	srv_sql "$1" "SELECT TABLE_NAME, PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD,
	    SUBPARTITION_METHOD, REPLACE(REPLACE(IFNULL(PARTITION_EXPRESSION, ''), '\`', ''), ' ', ''),
	    REPLACE(IFNULL(SUBPARTITION_EXPRESSION, ''), '\`', ''),
	    REPLACE(REPLACE(IFNULL(PARTITION_DESCRIPTION, ''), ' ', ''), '\`', '')
	    FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = 'pt'
	    ORDER BY 1, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION"
}
a=$(layout src)
b=$(layout dst)
if [ "$a" != "$b" ]; then
	check_fail "the partitions differ"
	diff <(echo "$a") <(echo "$b") | head -n 20 >&2
fi
echo "$a" | awk '{ print $1 }' | sort | uniq -c | tr '\n' ' '
echo
for p in r:p0 r:p2 r:p3 r:p5 r:pmax l:eu l:us l:sa s:y2023 s:y2024; do
	q="SELECT COUNT(*) FROM pt.${p%%:*} PARTITION (${p#*:})"
	x=$(srv_sql src "$q")
	y=$(srv_sql dst "$q")
	[ -n "$x" ] && [ "$x" = "$y" ] || check_fail "pt.${p%%:*} partition ${p#*:}: $y rows, source $x"
done
[ "$(srv_sql src "SELECT COUNT(*) FROM pt.r PARTITION (p5)")" -gt 0 ] ||
    check_fail "the exchange moved no row into pt.r p5 (test setup)"
mig_verify
[ "$MIG_VERIFY_RC" = 0 ] && grep -q '^verify: .*identical' <<<"$MIG_VERIFY_OUT" ||
    check_fail "myshift verify: exit $MIG_VERIFY_RC: $(tail -n 3 <<<"$MIG_VERIFY_OUT")"
mig_stop
[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_partition"
