#!/usr/bin/env bash
# run_snapshot.sh: start = snapshot migrates a live source whose binlogs are
# purged: schema, a parallel chunked copy under write load, objects, then
# the stream; the destination ends identical and its objects work.
#
# The source holds two databases: shop (two sysbench tables) and app:
#   - kv: a composite key (VARCHAR in a case-insensitive collation, INT),
#     keys differing only by case in the INT part's neighbours;
#   - parent / child: ON DELETE CASCADE and ON UPDATE CASCADE;
#   - nokey: no primary or unique key (copied whole, in one snapshot);
#   - sparse: a BIGINT key from -2e14 to 2e14, its values bunched around 0
#     (chunks planned by value are very uneven); uns: BIGINT UNSIGNED keys
#     past the signed range (chunks planned by the server);
#   - types: most column types, generated columns (virtual and stored);
#   - t / log: a trigger on t writes log on every insert, a BEFORE trigger
#     changes the inserted value, a FOLLOWS trigger counts in cnt;
#   - views v1 -> v2 -> v3 (v1 calls a function), a procedure, an event;
# and two databases without tables: util (latin1: a function, a view on
# app.t calling it) and empty_db.
# Its binlogs are purged (FLUSH, PURGE BINARY LOGS TO the current one), a
# sysbench write load runs on shop and a procedure keeps changing app (the
# FK tables, the triggered table, the keyless one) while myshift copies
# (3 workers, 1000-row chunks, fresh snapshots every second, so that the
# catch-up replays many changes the copy already holds) and then streams.
# After the writers stop and myshift catches up:
#   - every table of both databases is identical row by row;
#   - the log shows the phases in order, and on MySQL the snapshot lock
#     was held under a second each time;
#   - a MySQL destination's local_infile, OFF by default, which myshift
#     turns on for the copy, is OFF again;
#   - (MariaDB to MariaDB) two sequences, drawn from (NEXTVAL, SETVAL) by
#     the writers all along: their rows as on the source, and after the
#     stop the destination's NEXTVAL repeats no value the source gave;
#   - the source's invisible column is invisible on the destination, its
#     invisible index (MariaDB: IGNORED) invisible (ignored), a MySQL
#     source's CHECK NOT ENFORCED not enforced (on MariaDB, left out);
#   - table options (MySQL: AUTOEXTEND_SIZE, COMPRESSION; MariaDB:
#     PAGE_COMPRESSED, and an Aria table with TRANSACTIONAL and
#     PAGE_CHECKSUM) kept between servers of one vendor; across vendors
#     left out with a warning, Aria becoming InnoDB on MySQL;
#   - /status and /metrics show the phase during the copy and after it,
#     the lag in milliseconds and the heartbeat's transit time (myshift
#     writes it on the source every 200 ms: [status] heartbeat_ms), which
#     is on the source and never on the destination;
#   - views return the source's rows, the function and procedure work, the
#     event exists disabled, the triggers are guarded;
#   - after myshift stops, a plain session's INSERT on the destination
#     fires the triggers (log and cnt grow, the BEFORE trigger's change).

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
mig_require_sysbench
mig_source src
mig_dest dst
srv_scratch

src() {
	srv_sql src "$1" || fail "on the source: $1"
}

echo "loading the source"
srv_sql src "CREATE DATABASE shop" || fail "cannot create shop"
mig_sysbench src shop --tables=2 --table-size=20000 prepare >/dev/null ||
    fail "sysbench prepare failed"
S=$(srv_seq 6000 q)
srv_sql src - <<-EOF || fail "cannot load app"
	CREATE DATABASE app;
	CREATE TABLE app.kv (k VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL,
	    n INT NOT NULL, v VARCHAR(100), PRIMARY KEY (k, n)) ENGINE=InnoDB;
	INSERT INTO app.kv SELECT CONCAT(CHAR(65 + seq % 26), IF(seq % 3 = 0, 'x', 'Y')),
	    seq, REPEAT('v', seq % 90) FROM $S;
	CREATE TABLE app.parent (id INT PRIMARY KEY, name VARCHAR(30)) ENGINE=InnoDB;
	CREATE TABLE app.child (id INT PRIMARY KEY AUTO_INCREMENT, pid INT,
	    note VARCHAR(30), KEY (pid), FOREIGN KEY (pid) REFERENCES app.parent (id)
	    ON DELETE CASCADE ON UPDATE CASCADE) ENGINE=InnoDB;
	INSERT INTO app.parent SELECT seq, CONCAT('p', seq) FROM $S WHERE seq <= 2000;
	INSERT INTO app.child (pid, note) SELECT seq % 2000 + 1, 'c' FROM $S;
	CREATE TABLE app.sparse (id BIGINT PRIMARY KEY, v INT) ENGINE=InnoDB;
	INSERT INTO app.sparse SELECT IF(seq % 2, -1, 1) * seq * seq * seq * 1000, seq FROM $S;
	CREATE TABLE app.uns (id BIGINT UNSIGNED PRIMARY KEY, v INT) ENGINE=InnoDB;
	INSERT INTO app.uns SELECT 18446744073709551615 - seq * 3, seq FROM $S WHERE seq <= 2500;
	CREATE TABLE app.nokey (x INT, y VARCHAR(20)) ENGINE=InnoDB;
	INSERT INTO app.nokey SELECT seq % 17, CONCAT('row', seq % 5) FROM $S WHERE seq <= 3000;
	CREATE TABLE app.types (id INT PRIMARY KEY AUTO_INCREMENT,
	    ti TINYINT, tu TINYINT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
	    de DECIMAL(20,6), f FLOAT, d DOUBLE, b BIT(13), e ENUM('a','b','c'),
	    st SET('x','y','z'), dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL,
	    tm TIME(2), yr YEAR, c CHAR(5), vc VARCHAR(40) CHARACTER SET latin1,
	    bn BINARY(6), vb VARBINARY(20), bl BLOB, tx TEXT, j JSON,
	    g POINT, gv INT AS (ti * 2) VIRTUAL, gs VARCHAR(60) AS (UPPER(vc)) STORED)
	    ENGINE=InnoDB;
	INSERT INTO app.types (ti, tu, bi, bu, de, f, d, b, e, st, dt, dtm, ts, tm, yr,
	    c, vc, bn, vb, bl, tx, j, g)
	    SELECT seq % 256 - 128, seq % 256, seq * 1000003 - 9000000000, seq * 7919,
	    seq / 7, seq / 3, seq / 11, seq % 8192, ELT(1 + seq % 3, 'a', 'b', 'c'),
	    ELT(1 + seq % 3, 'x', 'x,y', ''), '2024-02-29' - INTERVAL seq DAY,
	    '2020-01-01 00:00:00.123456' + INTERVAL seq SECOND,
	    FROM_UNIXTIME(1600000000 + seq), SEC_TO_TIME(seq * 37) + INTERVAL 0 SECOND,
	    1901 + seq % 254, IF(seq % 4 = 0, NULL, SUBSTR(CONCAT('k', seq * 7), 1, 5)),
	    CONCAT('caf', CHAR(233), seq), UNHEX(CONCAT('00', LPAD(HEX(seq), 4, '0'))),
	    UNHEX(REPEAT('00', seq % 5)), UNHEX(REPEAT('FF00', seq % 30)),
	    REPEAT('text\ttab\nline\\\\', seq % 4), JSON_OBJECT('n', seq, 'a', JSON_ARRAY(seq, 'x')),
	    POINT(seq, -seq) FROM $S WHERE seq <= 2000;
	CREATE TABLE app.btypes (id INT PRIMARY KEY, ti TINYINT, bu BIGINT UNSIGNED,
	    de DECIMAL(65,30), e ENUM('a','b','c'), st SET('x','y','z'), dt DATE,
	    dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), yr YEAR, c CHAR(10),
	    vc VARCHAR(40) CHARACTER SET latin1, vu VARCHAR(60) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci,
	    bn BINARY(4), vb VARBINARY(40)) ENGINE=InnoDB;
	INSERT INTO app.btypes SELECT seq, seq % 256 - 128, 18446744073709551615 - seq,
	    CONCAT(IF(seq % 2, '-', ''), REPEAT('9', 35), '.', LPAD(seq, 30, '0')),
	    IF(seq % 5 = 0, NULL, ELT(1 + seq % 3, 'a', 'b', 'c')),
	    ELT(1 + seq % 4, 'x', 'x,y', '', 'x,y,z'), '1000-01-01' + INTERVAL seq DAY,
	    '9999-12-31 23:59:59.999999' - INTERVAL seq SECOND,
	    IF(seq % 7 = 0, NULL, FROM_UNIXTIME(1 + seq * 1000.123456)),
	    IF(seq % 2, '-838:59:59.000000', SEC_TO_TIME(seq * 37.5)), 1901 + seq % 255,
	    IF(seq % 3 = 0, NULL, CONCAT('k', CHAR(0xF09F9880 USING utf8mb4), seq)),
	    CONCAT('caf', CHAR(233), CHAR(255), seq),
	    CONVERT(CONCAT('t', CHAR(9), 'n', CHAR(10), 'b', CHAR(92), 'z', CHAR(0), 'N',
	        CHAR(92), 'N', seq) USING utf8mb4),
	    UNHEX(LPAD(HEX(seq), 8, '0')),
	    IF(seq % 11 = 0, '', UNHEX(CONCAT('000A095C4E', HEX(seq), 'FF')))
	    FROM $S WHERE seq <= 3000;
	CREATE TABLE app.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT) ENGINE=InnoDB;
	CREATE TABLE app.log (id INT PRIMARY KEY AUTO_INCREMENT, tid INT, what VARCHAR(20)) ENGINE=InnoDB;
	CREATE TABLE app.cnt (k INT PRIMARY KEY, n INT) ENGINE=InnoDB;
	INSERT INTO app.cnt VALUES (1, 0);
	DELIMITER //
	CREATE FUNCTION app.dbl(x INT) RETURNS INT DETERMINISTIC RETURN x * 2 //
	CREATE PROCEDURE app.bump(IN k INT) BEGIN UPDATE app.cnt SET n = n + k WHERE cnt.k = 1; END //
	CREATE TRIGGER app.t_bi BEFORE INSERT ON app.t FOR EACH ROW SET NEW.v = IFNULL(NEW.v, 0) + 1000 //
	CREATE TRIGGER app.t_ai AFTER INSERT ON app.t FOR EACH ROW
	    INSERT INTO app.log (tid, what) VALUES (NEW.id, 'ins') //
	CREATE TRIGGER app.t_ai2 AFTER INSERT ON app.t FOR EACH ROW FOLLOWS t_ai
	    BEGIN UPDATE app.cnt SET n = n + 1 WHERE k = 1; END //
	CREATE EVENT app.ev ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00'
	    DO INSERT INTO app.log (tid, what) VALUES (0, 'event') //
	CREATE PROCEDURE app.work(n INT) BEGIN
	  DECLARE i INT DEFAULT 0;
	  WHILE i < n DO
	    SET i = i + 1;
	    INSERT INTO app.t (v) VALUES (i);
	    UPDATE app.kv SET v = CONCAT('u', i) WHERE n = FLOOR(1 + RAND() * 6000);
	    DELETE FROM app.kv WHERE n = FLOOR(1 + RAND() * 6000);
	    INSERT IGNORE INTO app.kv VALUES (CONCAT('z', FLOOR(RAND() * 1000)), i, 'new');
	    DELETE FROM app.parent WHERE id = FLOOR(1 + RAND() * 2000);
	    UPDATE IGNORE app.parent SET id = id + 100000 WHERE id = FLOOR(1 + RAND() * 2000);
	    INSERT IGNORE INTO app.parent VALUES (FLOOR(200000 + RAND() * 100000), 'new');
	    INSERT INTO app.child (pid, note) SELECT MAX(id), 'new' FROM app.parent;
	    INSERT INTO app.nokey VALUES (i % 17, 'w');
	    DELETE FROM app.nokey WHERE x = FLOOR(RAND() * 17) LIMIT 1;
	    UPDATE app.nokey SET y = 'upd' WHERE x = FLOOR(RAND() * 17) LIMIT 1;
	    UPDATE app.types SET d = d + 1, j = JSON_SET(j, '$.n', i) WHERE id = FLOOR(1 + RAND() * 2000);
	  END WHILE;
	END //
	DELIMITER ;
	INSERT INTO app.t (v) VALUES (1), (2), (3);
	CREATE VIEW app.v1 AS SELECT id, app.dbl(v) AS d FROM app.t;
	CREATE VIEW app.v2 AS SELECT id, d + 1 AS e FROM app.v1;
	CREATE VIEW app.v3 AS SELECT COUNT(*) AS c, SUM(e) AS s FROM app.v2;
	CREATE DATABASE util CHARACTER SET latin1;
	CREATE FUNCTION util.half(x INT) RETURNS INT DETERMINISTIC RETURN x DIV 2;
	CREATE VIEW util.tv AS SELECT id, util.half(v) AS h FROM app.t;
	CREATE DATABASE empty_db;
	EOF

# MySQL: an invisible column and index (SHOW CREATE TABLE wraps both in
# versioned comments that MariaDB ignores)
if srv_is_mysql src; then
	srv_sql src "CREATE TABLE app.hidden (id INT PRIMARY KEY, h INT INVISIBLE DEFAULT 7,
	    v INT, KEY kv (v) INVISIBLE, CONSTRAINT ck CHECK (v > 150) NOT ENFORCED)
	    ENGINE=InnoDB AUTOEXTEND_SIZE=4M COMPRESSION='zlib';
	    INSERT INTO app.hidden (id, h, v) VALUES (1, 10, 100), (2, 20, 200)" ||
	    fail "cannot create app.hidden"
else
	# MariaDB: an invisible column and an ignored index (MySQL's word is INVISIBLE)
	srv_sql src "CREATE TABLE app.hidden (id INT PRIMARY KEY, h INT INVISIBLE DEFAULT 7,
	    v INT, KEY kv (v) IGNORED) ENGINE=InnoDB PAGE_COMPRESSED=1;
	    INSERT INTO app.hidden (id, h, v) VALUES (1, 10, 100), (2, 20, 200);
	    CREATE TABLE app.aria (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=Aria
	    TRANSACTIONAL=1 PAGE_CHECKSUM=1;
	    INSERT INTO app.aria VALUES (1, 'a'), (2, 'b')" ||
	    fail "cannot create app.hidden and app.aria"
fi

# MariaDB to MariaDB: sequences (MySQL has none), one with a small cache
# (its row changes every 3 values), one moved by SETVAL
seqs=
if ! srv_is_mysql src && ! srv_is_mysql dst; then
	seqs=1
	srv_sql src "CREATE SEQUENCE app.seq START WITH 100 INCREMENT BY 7 CACHE 3;
	    CREATE SEQUENCE app.seq2 CACHE 1000; SELECT NEXTVAL(app.seq), NEXTVAL(app.seq2)" \
	    >/dev/null || fail "cannot create the sequences"
fi

echo "purging the source's binlogs"
mig_purge_binlogs src

echo "writers start"
mig_sysbench_cmd src shop
"${MIG_SB[@]}" --tables=2 --table-size=20000 --threads=2 --rate=200 --time=600 \
    run >"$SRV_ROOT/sysbench.log" 2>&1 &
SB=$!
(
	while [ -d "$SRV_ROOT" ] && [ ! -e "$SRV_ROOT/stop" ]; do # ends with the test
		srv_sql src "CALL app.work(20)" >/dev/null 2>&1 || sleep 0.2
		[ -z "$seqs" ] || { k=$((${k:-0} + 1)); srv_sql src "SELECT NEXTVAL(app.seq),
		    NEXTVAL(app.seq), SETVAL(app.seq2, $((k * 1000))), NEXTVAL(app.seq2)"; } \
		    >>"$SRV_ROOT/seq.out" 2>&1
	done
) &
WR=$!
stop_writers() {
	touch "$SRV_ROOT/stop"
	kill "$SB" 2>/dev/null
	wait "$SB" 2>/dev/null
	wait "$WR" 2>/dev/null
}

SP=$(_srv_pick_port)
# the heartbeat (myshift writes it on the source): its account may
srv_sql src "SET sql_log_bin = 0; GRANT CREATE, INSERT, UPDATE ON myshift.* TO '$MIG_REPL_USER'@'127.0.0.1'" ||
    fail "cannot grant the heartbeat's privileges"
# MariaDB 10.11 lacks MySQL's utf8mb4_0900 collations: the map, as
# precheck tells the operator (run_collation.sh has the details)
map=
case "$(srv_flavour src)>$(srv_flavour dst)" in
mysql-*\>mariadb-10.11)
	map="[apply]
collation_map = utf8mb4_0900_ai_ci:utf8mb4_uca1400_ai_ci,utf8mb4_0900_bin:utf8mb4_nopad_bin
" ;;
esac
mig_config "$SRV_ROOT/myshift.ini" src dst snapshot "$map[copy]
workers = 3
chunk_rows = 1000
max_rows_per_second = 15000
snapshot_max_age = 1

[status]
listen = 127.0.0.1:$SP
heartbeat_ms = 200"
# http_get PATH: myshift's status listener (python3: no curl needed)
http_get() {
	python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
	    "http://127.0.0.1:$SP$1" 2>/dev/null
}
mig_start "$SRV_ROOT/myshift.ini"
wait_until -t 60 log_contains "$MIG_LOG" 'phase: copy' || { mig_log_tail 10; fail "no copy phase"; }
sleep 0.5
during=$(http_get /status)
echo "/status during the copy: $(echo "$during" | cut -c1-200)"
case $during in
*'"phase": "copy"'*'"per_table"'* | *'"phase": "indexes"'* | *'"phase": "objects"'* | *'"phase": "catch-up"'* | *'"phase": "streaming"'*) ;;
*) check_fail "/status during the copy: '$during'" ;;
esac
wait_until -t 180 log_contains "$MIG_LOG" 'phase: streaming' ||
    { stop_writers; mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
sleep 3
stop_writers
mig_wait_caught_up src dst 180 || fail "myshift did not catch up"

echo "checks"
# MySQL keeps local_infile OFF: myshift turns it on for the copy only
if srv_is_mysql dst; then
	[ "$(srv_sql dst "SELECT @@global.local_infile")" = 0 ] ||
	    check_fail "local_infile was left ON on the destination after the copy"
	grep -q 'local_infile is OFF again' "$MIG_LOG" ||
	    check_fail "the log does not say local_infile is OFF again"
fi
st=$(http_get /status)
case $st in
*'"phase": "streaming"'*) ;;
*) check_fail "/status after the catch-up: '$st'" ;;
esac
http_get /metrics | grep -q 'myshift_phase{phase="streaming"} 1' ||
    check_fail "/metrics has no streaming phase gauge"
# lag to the millisecond, the heartbeat's transit time (well under a second
# here), its row on the source and not on the destination
echo "/status: $st"
[[ $st =~ \"lag_ms\":\ ([0-9]+), ]] || check_fail "/status has no lag_ms: '$st'"
[ "${BASH_REMATCH[1]:-9999}" -lt 1000 ] || check_fail "the lag is ${BASH_REMATCH[1]:-?} ms once caught up"
# the position advances with the source's writes, in `myshift status` too
p0=$("$MYSHIFT" status -c "$SRV_ROOT/myshift.ini" | sed -n 's/^source_pos: //p')
srv_sql src "INSERT INTO app.t (v) VALUES (77)" || fail "cannot write on the source"
sleep 1
p1=$("$MYSHIFT" status -c "$SRV_ROOT/myshift.ini" | sed -n 's/^source_pos: //p')
[ -n "$p0" ] && [ -n "$p1" ] && [ "$p1" -gt "$p0" ] ||
    check_fail "myshift status: source_pos did not advance ($p0, then $p1)"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up"
[[ $st =~ \"heartbeat_seconds\":\ 0\.([0-9]{3}), ]] ||
    check_fail "/status has no heartbeat transit under a second: '$st'"
http_get /metrics | grep -qE '^myshift_heartbeat_seconds 0\.[0-9]{3}$' ||
    check_fail "/metrics has no myshift_heartbeat_seconds"
[ "$(srv_sql src "SELECT COUNT(*) FROM myshift.heartbeat WHERE server_id = ${MIG_SERVER_ID:-4242}
    AND ts > (UNIX_TIMESTAMP(NOW(6)) - 5) * 1000000")" = 1 ] ||
    check_fail "no recent heartbeat row on the source"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'myshift'
    AND TABLE_NAME = 'heartbeat'")" = 0 ] || check_fail "the heartbeat table reached the destination"
# caught up: everything received is applied (the heartbeat, every 200 ms,
# may be in flight); the GTID state applied is the source's, give or take
# the heartbeats since; no retry yet
caught_up_status() {
	st=$(http_get /status)
	[[ $st =~ \"behind_transactions\":\ 0,\ \"behind_bytes\":\ 0, ]]
}
wait_until -t 20 caught_up_status || check_fail "/status: transactions behind once caught up: '$st'"
[[ $st =~ \"retries\":\ 0,\ \"last_error\":\ null ]] || check_fail "/status: retries before any failure: '$st'"
[[ $st =~ \"received_pos\":\ ([0-9]+), ]] && [[ $st =~ \"transactions_per_second\":\ [0-9.]+, ]] ||
    check_fail "/status has no received position or rate: '$st'"
[[ $st =~ \"gtid\":\ \"([^\"]*)\", ]]
g_st=${BASH_REMATCH[1]:-}
g_src=$(srv_sql src "SELECT $(srv_is_mysql src && echo '@@GLOBAL.gtid_executed' || echo '@@GLOBAL.gtid_binlog_pos')")
n_st=${g_st##*[-:]} n_src=${g_src##*[-:]}
[ -n "$g_st" ] && [ "${g_st%[-:]*}" = "${g_src%[-:]*}" ] && [ "$n_st" -le "$n_src" ] &&
    [ $((n_src - n_st)) -le 50 ] ||
    check_fail "/status: the GTID state applied '$g_st' is not the source's '$g_src'"
# a lost destination connection: a retry, counted, its error shown
srv_sql dst "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '$MIG_DST_USER'" |
    while read -r id; do srv_sql dst "KILL $id" 2>/dev/null; done
srv_sql src "INSERT INTO app.t (v) VALUES (78)" || fail "cannot write on the source"
retried() {
	[[ $(http_get /status) =~ \"retries\":\ 1,\ \"last_error\":\ \"[^\"]+\",\ \"last_error_at\":\ \"20 ]]
}
wait_until -t 60 retried || check_fail "/status does not show the retry and its error: '$(http_get /status)'"
echo "/status after a retry: $(http_get /status | grep -o '"retries.*')"
http_get /metrics | grep -q '^myshift_retries_total 1$' || check_fail "/metrics has no myshift_retries_total 1"
mig_wait_caught_up src dst 60 || fail "myshift did not catch up after the retry"
phases=$(grep -oE 'phase: [a-z-]+' "$MIG_LOG" | awk '{ print $2 }' | tr '\n' ' ')
[ "$phases" = "precheck schema copy indexes objects catch-up streaming " ] ||
    check_fail "phases in the log: '$phases'"
grep -qE 'replays idempotently until' "$MIG_LOG" || check_fail "no seam in the log"
low=$(grep -oE 'the stream starts at [^ ]+' "$MIG_LOG" | head -n 1)
echo "copy: $(grep -E 'copy: [0-9]+ chunks' "$MIG_LOG" | tail -n 1 | cut -d' ' -f4-)"
echo "seam: $(grep -oE 'stream starts at .*' "$MIG_LOG" | head -n 1)"
[ -n "$low" ] || check_fail "no start position of the stream in the log"
mig_check_start_gtid src
if srv_is_mysql src; then
	max=$(grep -oE 'snapshot lock held for [0-9]+ ms' "$MIG_LOG" | awk '{ print $5 }' | sort -n | tail -n 1)
	echo "longest snapshot lock: ${max:-?} ms"
	[ -n "$max" ] && [ "$max" -lt 1000 ] || check_fail "snapshot lock held ${max:-?} ms"
fi
[ "$(srv_sql dst "SELECT EXTRA LIKE '%INVISIBLE%' FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'hidden' AND COLUMN_NAME = 'h'")" = 1 ] ||
    check_fail "app.hidden.h is not invisible on the destination"
if srv_is_mysql dst; then
	vis="SELECT IS_VISIBLE = 'NO'"
else
	vis="SELECT IGNORED = 'YES'"
fi
[ "$(srv_sql dst "$vis FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'app'
    AND TABLE_NAME = 'hidden' AND INDEX_NAME = 'kv'")" = 1 ] ||
    check_fail "index kv of app.hidden is not invisible (ignored) on the destination"
[ "$(srv_sql dst "SELECT h FROM app.hidden WHERE id = 2")" = 20 ] ||
    check_fail "app.hidden.h was not copied"
if srv_is_mysql src; then
	# a CHECK the source does not enforce (row 1 breaks it): NOT ENFORCED on
	# MySQL, left out on MariaDB (which has no NOT ENFORCED)
	if srv_is_mysql dst; then
		want=NO
	else
		want=
	fi
	[ "$(srv_sql dst "SELECT $(srv_is_mysql dst && echo ENFORCED || echo "'x'") FROM
	    information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'app' AND
	    TABLE_NAME = 'hidden' AND CONSTRAINT_NAME = 'ck'" | sed 's/^x$//')" = "$want" ] ||
	    check_fail "CHECK ck of app.hidden: not as expected on the destination"
	[ "$(srv_sql dst "SELECT COUNT(*) FROM app.hidden")" = 2 ] ||
	    check_fail "app.hidden lost a row that breaks a CHECK the source does not enforce"
fi
# table options: kept between servers of one vendor, left out where the
# other vendor refuses them (Aria becomes InnoDB on MySQL), with a warning
opts() {
	srv_sql "$1" "SELECT CONCAT(ENGINE, ' ', CREATE_OPTIONS) FROM information_schema.TABLES
	    WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '$2'"
}
if srv_is_mysql src && srv_is_mysql dst; then
	grep -q "COMPRESSION=.zlib." <<<"$(opts dst hidden)" ||
	    check_fail "app.hidden lost COMPRESSION: $(opts dst hidden)"
elif ! srv_is_mysql src && ! srv_is_mysql dst; then
	grep -qi "PAGE_COMPRESSED.*1" <<<"$(opts dst hidden)" ||
	    check_fail "app.hidden lost PAGE_COMPRESSED: $(opts dst hidden)"
	[ "$(opts dst aria | cut -d' ' -f1)" = Aria ] ||
	    check_fail "app.aria is not Aria: $(opts dst aria)"
else
	grep -q 'table `app`.`hidden`: .* left out on ' "$MIG_LOG" ||
	    check_fail "no warning for the options of app.hidden left out"
	if ! srv_is_mysql src; then
		[ "$(opts dst aria | cut -d' ' -f1)" = InnoDB ] ||
		    check_fail "app.aria is not InnoDB on MySQL: $(opts dst aria)"
	fi
fi
for db in shop app; do
	mig_compare_db src dst "$db" || check_fail "the tables of $db differ"
	# every index, built after the data while later tables were copied
	idx="SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, INDEX_TYPE
	    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '$db' ORDER BY 1, 2, 3"
	a=$(srv_sql src "$idx")
	b=$(srv_sql dst "$idx")
	[ -n "$a" ] && [ "$a" = "$b" ] || check_fail "the indexes of $db differ:" \
	    "$(diff <(echo "$a") <(echo "$b") | head -n 10)"
done
grep -qE 'indexes built: `' "$MIG_LOG" || check_fail "no 'indexes built' in the log"
# a MariaDB destination: tables whose column types allow it (app.btypes:
# every such type, values with tabs, newlines, backslashes, NUL bytes,
# latin1 and 4-byte UTF-8) are written by array-bound INSERT, compared above
if ! srv_is_mysql dst; then
	grep -E 'written by array-bound INSERT' "$MIG_LOG" ||
	    check_fail "no table written by array-bound INSERT on a MariaDB destination"
fi
[ "$(srv_sql dst "SELECT COUNT(*), SUM(vc LIKE 'caf%') FROM app.btypes")" = "$(printf '3000\t3000')" ] ||
    check_fail "app.btypes: not its 3000 rows on the destination"
a=$(srv_sql src "SELECT * FROM app.v3")
b=$(srv_sql dst "SELECT * FROM app.v3")
[ "$a" = "$b" ] || check_fail "view app.v3: '$a' on the source, '$b' on the destination"
b=$(srv_sql dst "SELECT app.dbl(21)")
[ "$b" = 42 ] || check_fail "app.dbl(21) gives '$b' on the destination"
# databases without tables: one with a function and a view, one empty
b=$(srv_sql dst "SELECT util.half(21)")
[ "$b" = 10 ] || check_fail "util.half(21) gives '$b' on the destination (a database with no table)"
a=$(srv_sql src "SELECT COUNT(*), SUM(h) FROM util.tv")
b=$(srv_sql dst "SELECT COUNT(*), SUM(h) FROM util.tv")
[ "$a" = "$b" ] || check_fail "view util.tv: '$a' on the source, '$b' on the destination"
[ "$(srv_sql dst "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'util'")" = latin1 ] ||
    check_fail "database util is not latin1 on the destination"
[ "$(srv_sql dst "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'empty_db'")" = 1 ] ||
    check_fail "the empty database empty_db was not created on the destination"
st=$(srv_sql dst "SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'app'
    AND EVENT_NAME = 'ev'")
case $st in
*DISABLED*) ;;
*) check_fail "event app.ev on the destination: status '$st', expected disabled" ;;
esac
ng=$(srv_sql dst "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE
    TRIGGER_SCHEMA = 'app' AND ACTION_STATEMENT LIKE 'IF @myshift_session IS NULL THEN%'")
[ "$ng" = 3 ] || check_fail "$ng of 3 triggers guarded on the destination"
echo "rows: $(srv_sql dst "SELECT COUNT(*) FROM app.t") in app.t," \
    "$(srv_sql dst "SELECT COUNT(*) FROM app.log") in app.log (trigger-written)"

if [ -n "$seqs" ]; then
	# the sequences' rows as on the source; the destination's next value is
	# past every value the source gave out
	for sq in seq seq2; do
		a=$(srv_sql src "SELECT * FROM app.$sq")
		b=$(srv_sql dst "SELECT * FROM app.$sq")
		echo "sequence app.$sq: $a"
		[ -n "$a" ] && [ "$a" = "$b" ] || check_fail "sequence app.$sq: source '$a'," \
		    "destination '$b'"
	done
	top1=$(cut -f1,2 "$SRV_ROOT/seq.out" | tr '\t' '\n' | grep -E '^[0-9]+$' | sort -n | tail -n 1)
	top2=$(cut -f3,4 "$SRV_ROOT/seq.out" | tr '\t' '\n' | grep -E '^[0-9]+$' | sort -n | tail -n 1)
	echo "the source gave up to $top1 (seq), $top2 (seq2)"
	[ -n "$top1" ] && [ -n "$top2" ] || check_fail "the writers drew no sequence values"
fi

mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM"
if [ -n "$seqs" ]; then
	n1=$(srv_sql dst "SELECT NEXTVAL(app.seq)")
	n2=$(srv_sql dst "SELECT NEXTVAL(app.seq2)")
	echo "after the stop, the destination's NEXTVAL: seq $n1, seq2 $n2"
	[ -n "$n1" ] && [ "$n1" -gt "${top1:-0}" ] ||
	    check_fail "NEXTVAL(app.seq) on the destination ($n1) repeats a value the source gave (up to $top1)"
	[ -n "$n2" ] && [ "$n2" -gt "${top2:-0}" ] ||
	    check_fail "NEXTVAL(app.seq2) on the destination ($n2) repeats a value the source gave (up to $top2)"
fi
before=$(srv_sql dst "SELECT COUNT(*) FROM app.log")
cnt0=$(srv_sql dst "SELECT n FROM app.cnt WHERE k = 1")
srv_sql dst "INSERT INTO app.t (v) VALUES (7); CALL app.bump(10)" ||
    check_fail "the application's insert and call failed on the destination"
after=$(srv_sql dst "SELECT COUNT(*) FROM app.log")
cnt1=$(srv_sql dst "SELECT n FROM app.cnt WHERE k = 1")
v=$(srv_sql dst "SELECT v FROM app.t ORDER BY id DESC LIMIT 1")
[ "$after" = $((before + 1)) ] || check_fail "the trigger did not write app.log for" \
    "the application ($before -> $after rows)"
[ "$cnt1" = $((cnt0 + 11)) ] || check_fail "app.cnt went $cnt0 -> $cnt1, expected +11" \
    "(FOLLOWS trigger and procedure)"
[ "$v" = 1007 ] || check_fail "the BEFORE trigger did not act for the application (v = $v)"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_snapshot"
