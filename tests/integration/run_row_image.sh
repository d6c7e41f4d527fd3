#!/usr/bin/env bash
# run_row_image.sh: start = snapshot against sources whose row images are
# not FULL, with writes during the copy (so inside the catch-up, where rows
# are rewritten whole).
#
# FULL_NODUP (MariaDB 11.4+; source mariadb-11.8 only): an update's before
# image has every column, its after image only the changed ones. The
# precheck and the migration refused it; the catch-up stopped at the first
# such update ("a row image without every column"). Now the after image is
# completed from the before image. Tables: a primary key with TEXT, BLOB
# and an invisible column; a unique NOT NULL key without a primary key; a
# keyless table (copied whole); a parent and a child with ON UPDATE
# CASCADE. A writer updates a few columns of each at a time from before the
# copy to after it, which is throttled ([copy] max_rows_per_second) so that
# the catch-up holds many of them. Checks: every table identical, myshift
# verify identical, the log's idempotent range not empty.
#
# MINIMAL (every flavour): a session writing with binlog_row_image =
# MINIMAL during the copy leaves updates whose other columns nobody knows
# inside the catch-up: myshift must stop there, naming the table, the
# position and what to do (start the migration again), and exit non-zero.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
. "$top_srcdir/tests/lib/migrate.sh"

mig_require
srv_scratch

# schema DB: the tables both parts write
schema() {
	local S
	S=$(srv_seq 3000 q)
	cat <<-EOF
	CREATE DATABASE $1;
	USE $1;
	CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(40), c TEXT,
	    d INT INVISIBLE DEFAULT 7, e BLOB, f DOUBLE);
	INSERT INTO t (id, a, b, c, d, e, f) SELECT seq, seq, CONCAT('b', seq),
	    REPEAT('c', seq % 50), seq * 2, REPEAT('e', seq % 30), seq / 7 FROM $S;
	CREATE TABLE u (id INT NOT NULL, k VARCHAR(20) NOT NULL, v INT, w TEXT, UNIQUE KEY (k));
	INSERT INTO u SELECT seq, CONCAT('k', seq), seq, 'w' FROM $S;
	CREATE TABLE nk (a INT, b VARCHAR(40), c TEXT);
	INSERT INTO nk SELECT seq % 300, CONCAT('b', seq), REPEAT('x', seq % 20) FROM $S;
	CREATE TABLE p (id INT PRIMARY KEY, code INT NOT NULL, note VARCHAR(20), UNIQUE KEY (code));
	INSERT INTO p SELECT seq, seq, 'p' FROM $S;
	CREATE TABLE ch (id INT PRIMARY KEY, pcode INT, x INT,
	    FOREIGN KEY (pcode) REFERENCES p (code) ON UPDATE CASCADE ON DELETE CASCADE);
	INSERT INTO ch SELECT seq, seq, seq FROM $S;
	EOF
}

# work SERVER DB SESSION I: the writer's I-th round
work() {
	local srv=$1 db=$2 session=$3 i=$4
	srv_sql "$srv" "USE $db; $session
	    UPDATE t SET a = a + 1 WHERE id % 97 = $((i % 97));
	    UPDATE t SET d = d + 1, c = CONCAT(c, 'z') WHERE id = $((i % 3000 + 1));
	    UPDATE t SET e = NULL, f = f * 2 WHERE id = $((i * 7 % 3000 + 1));
	    UPDATE t SET b = b WHERE id = $((i * 11 % 3000 + 1));
	    INSERT INTO t (id, a, d) VALUES ($((100000 + i)), $i, $i);
	    UPDATE u SET v = v + 1 WHERE id % 53 = $((i % 53));
	    UPDATE u SET k = CONCAT('r', k) WHERE id = $((i % 3000 + 1));
	    UPDATE nk SET c = CONCAT(c, 'y') WHERE a = $((i % 300));
	    DELETE FROM nk WHERE a = $(((i + 7) % 300)) LIMIT 1;
	    INSERT INTO nk VALUES ($((i % 300)), 'n', 'new');
	    UPDATE p SET note = CONCAT(note, 'q') WHERE id % 41 = $((i % 41));
	    UPDATE p SET code = code + 100000 WHERE id = $((i * 13 % 3000 + 1));
	    UPDATE ch SET x = x + 1 WHERE id % 37 = $((i % 37))"
}
work_nodup() { work src nd '' "$1"; }
work_minimal() { work src2 mi 'SET SESSION binlog_row_image = MINIMAL;' "$1"; }

COPY="[copy]
chunk_rows = 500
workers = 2
max_rows_per_second = 4000"

# the idempotent range "FILE:POS until FILE:POS" the log names must not be empty
seam_range_check() {
	local line lo hi
	line=$(grep -oE 'starts at [^ ]+( \(GTIDs applied there: [^)]*\))? and replays idempotently until [^ ]+' \
	    "$MIG_LOG" | tail -n 1)
	lo=${line#starts at }
	lo=${lo%% *}
	hi=${line##* }
	[ -n "$line" ] && [ "$lo" != "$hi" ] ||
	    check_fail "no idempotent catch-up range in the log ('$line'): the writer missed the copy"
	echo "catch-up: $lo .. $hi"
}

if [ "$(srv_flavour src)" = mariadb-11.8 ]; then
	echo "FULL_NODUP source"
	mig_source src --binlog_row_image=FULL_NODUP
	mig_dest dst
	srv_sql src "$(schema nd)" || fail "cannot load the source"
	mig_purge_binlogs src
	mig_writer work_nodup
	mig_snapshot_streaming src dst "$COPY"
	sleep 2
	mig_writer_stop
	mig_wait_caught_up src dst 120 || { mig_log_tail 20; fail "myshift did not catch up"; }
	mig_alive || check_fail "myshift stopped: $(grep ' ERROR ' "$MIG_LOG" | tail -n 1)"
	grep -q 'precheck: PASS  binlog_row_image: FULL_NODUP' "$MIG_LOG" ||
	    check_fail "the precheck did not pass FULL_NODUP"
	seam_range_check
	mig_compare_db src dst nd || check_fail "nd differs"
	# the invisible column is compared too
	a=$(srv_sql src "SELECT SUM(d), SUM(CRC32(c)) FROM nd.t")
	b=$(srv_sql dst "SELECT SUM(d), SUM(CRC32(c)) FROM nd.t")
	[ "$a" = "$b" ] || check_fail "nd.t's invisible column differs: $a / $b"
	mig_verify
	[ "$MIG_VERIFY_RC" = 0 ] || check_fail "myshift verify exit $MIG_VERIFY_RC"
	mig_stop
	srv_stop src
	srv_stop dst
	rm -f "$SRV_ROOT/myshift.log"
	MIG_STARTS=0
else
	echo "FULL_NODUP: skipped (the source is $(srv_flavour src), not MariaDB 11.4+)"
fi

echo "MINIMAL session during the copy"
mig_source src2
mig_dest dst2
srv_sql src2 "$(schema mi)" || fail "cannot load the source"
mig_purge_binlogs src2
mig_writer work_minimal
mig_config "$SRV_ROOT/myshift2.ini" src2 dst2 snapshot "$COPY"
mig_start "$SRV_ROOT/myshift2.ini" "$SRV_ROOT/myshift2.log"
mig_wait_exit 120 || { mig_writer_stop; mig_log_tail 20; fail "myshift did not stop"; }
mig_writer_stop
[ "$MIG_RC" != 0 ] || check_fail "myshift exited 0"
err=$(grep ' ERROR ' "$MIG_LOG" | tail -n 1)
echo "${err:0:300}"
grep -q 'mi\.[a-z]* at [^ ]*:[0-9]*: a row image without every column .*binlog_row_image = FULL.*start the migration again' <<<"$err" ||
    check_fail "not the row image error: $err"
seam_range_check

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: run_row_image"
