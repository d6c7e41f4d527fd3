#!/usr/bin/env bash
# std_data.sh: myshift-binlog on the real binlogs of MariaDB's test suite.
#
# Debian's mariadb-test-data ships binlog and relay-log files from many
# servers (MySQL 4.x to 8.0, MariaDB 5.5 to 10.x), some deliberately broken.
# For every one of them myshift-binlog must either decode it fully (exit 0)
# or stop with an error on stderr naming the file and an offset; it must
# never crash, hang or trip a sanitizer, in text, --json, --stats and
# --no-verify-checksum modes.  EXPECT below says which outcome each file
# must have.  Where mariadb-binlog decodes a file fully, the "###" row lines
# of both tools must be identical; where mariadb-binlog stops early (it
# cannot read MySQL 8 compressed transactions, for one), the rows it did
# print must be a prefix of myshift-binlog's.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
STD_DATA=${MYSHIFT_STD_DATA:-/usr/share/mysql/mysql-test/std_data}
. "$top_srcdir/tests/lib/servers.sh"

[ -d "$STD_DATA" ] || skip "$STD_DATA missing (apt-get install mariadb-test-data)"
command -v mariadb-binlog >/dev/null || skip "mariadb-binlog is not installed"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

# Seconds allowed for one decode of one (small) file.
DECODE_TIMEOUT=60

# Expected outcome per file (path relative to std_data): "decodes" (exit 0)
# or "error" (non-zero exit, file and offset named on stderr).
declare -A EXPECT=(
	# MariaDB / MySQL 5.x files that decode.
	[binlog-header.binlog]=decodes
	[binlog_savepoint.000001]=decodes
	[binlog_transaction.000001]=decodes
	[bug16266.000001]=decodes
	[bug33029-slave-relay-bin.000001]=decodes
	[mariadb-5.5-binlog.000001]=decodes
	[mdev-4645-binlog_checksum.binlog]=decodes
	[mdev-4645-binlog_group_id.binlog]=decodes
	[mdev-4645-binlog_group_id_checksum.binlog]=decodes
	[mdev-4645-binlog_none.binlog]=decodes
	[mdev6020-mysql-bin.000001]=decodes
	[rpl/master-bin-seq_10.3.36.000001]=decodes
	[rpl/mysql-5.7.11-stm-temporal-round-binlog.000001]=decodes
	# MySQL 8.0 files.
	[mdev29078-mysql-bin.000001]=decodes
	[rpl/mysql-8.0.13-stm-temporal-round-binlog.000001]=decodes
	# MySQL 8.0.40 with binlog_transaction_compression: transactions in
	# TRANSACTION_PAYLOAD (type 40, zstd).  mariadb-binlog stops at the
	# first one, so only the 20 rows before it are compared.
	[mdev35643_mysql_80_binlog.000001]=decodes
	# BUG#40482: an Incident event with a non-existent incident number
	# (66).  mariadb-binlog rejects it as an invalid event; myshift-binlog
	# prints it ("Incident: 66") and the Rotate after it.
	[bug40482-bin.000001]=decodes

	# Written with MariaDB binlog encryption: every event after
	# START_ENCRYPTION (offset 256) is encrypted with a key only the
	# server has (mariadb-binlog: "Event decryption failure").
	[binlog_before_20574.bin]=error
	# BUG#11747416 (disk full): the last event, a Write_rows of 65567
	# bytes at offset 316, was only partly written.
	[bug11747416_32228_binlog.000001]=error
	# BUG#31793: a relay log with a corrupt Query event (status variables
	# longer than the event) near its end; mariadb-binlog fails there too.
	[corrupt-relay-bin.000624]=error
	# MDEV-39404: a GTID event crafted to crash mariadb-binlog; its stored
	# CRC32 (0) does not match.
	[mdev-39404-binlog.000001]=error
	# MySQL 4.x binlogs (format v1/v3, Start_v3 event): not supported,
	# refused at the first event.  trunc_binlog is also cut short.
	[bug47142_master-bin.000001]=error
	[master-bin.000001]=error
	[trunc_binlog.000001]=error
	# relay-log.info / master.info text files, not binlogs: no magic.
	[old-format-relay-log-win.info]=error
	[old-format-relay-log.info]=error
	[relay-log-10.0-win.info]=error
	[relay-log-10.0.info]=error
	[relay-log-12.3.2-win.info]=error
	[relay-log-12.3.2.info]=error
)

ERRORS=0
srv_scratch
W=$SRV_ROOT

# The files to try: names with "bin" or "relay" in std_data, and every file
# below it that starts with the binlog magic.
list_files() {
	(
		cd "$STD_DATA" || exit 1
		ls | grep -iE 'bin|relay' | while read -r f; do
			[ -f "$f" ] && echo "$f"
		done
		find . -type f -size -20M -print | sed 's|^\./||' | while read -r f; do
			[ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = fe62696e ] &&
			    echo "$f"
		done
	) | sort -u
}

# run_tool NAME FILE ARGS...: run myshift-binlog ARGS on FILE; output to
# $W/NAME.out and .err; fail on a crash, a hang or a sanitizer report.
# Prints the exit status.
run_tool() {
	local name=$1 file=$2 rc
	shift 2
	timeout "$DECODE_TIMEOUT" "$MYSHIFT_BINLOG" "$@" "$file" \
	    >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	if [ $rc -eq 124 ]; then
		check_fail "$file: myshift-binlog $* hung (killed after ${DECODE_TIMEOUT}s)"
	elif [ $rc -gt 128 ]; then
		check_fail "$file: myshift-binlog $* crashed (status $rc, signal $((rc - 128)))"
	fi
	if grep -Eq 'Sanitizer|runtime error:' "$W/$name.err"; then
		head -n 30 "$W/$name.err" >&2
		check_fail "$file: myshift-binlog $*: sanitizer report"
	fi
	echo "$rc"
}

# check_error_message FILE ERRFILE: the error names the file and an offset.
check_error_message() {
	if [ ! -s "$2" ]; then
		check_fail "$1: non-zero exit without a message on stderr"
	elif ! grep -qF -- "$1" "$2"; then
		check_fail "$1: error does not name the file: $(head -c 300 "$2")"
	elif ! grep -Eiq '(offset|position|pos)[ :=]+[0-9]+' "$2"; then
		check_fail "$1: error does not name an offset: $(head -c 300 "$2")"
	fi
}

n_files=0
n_compared=0
n_prefix=0
n_errors=0
while read -r rel; do
	file=$STD_DATA/$rel
	n_files=$((n_files + 1))
	rc=$(run_tool text "$file")
	outcome=decodes
	if [ "$rc" -ne 0 ]; then
		outcome=error
		n_errors=$((n_errors + 1))
		check_error_message "$file" "$W/text.err"
	fi
	want=${EXPECT[$rel]:-}
	if [ -z "$want" ]; then
		echo "note: $rel is not in EXPECT (outcome: $outcome; add it)"
	elif [ "$want" != "$outcome" ]; then
		check_fail "$rel: expected '$want', myshift-binlog $outcome (exit $rc): $(head -c 300 "$W/text.err")"
	fi
	printf '%-52s %s' "$rel" "$outcome"
	[ "$outcome" = error ] && printf ' (%s)' "$(head -n 1 "$W/text.err" | cut -c1-160)"
	echo

	# The other modes stop at the same place, or at least do not crash.
	for mode in --json --stats; do
		m=$(run_tool mode "$file" "$mode")
		if [ "$m" -ne 0 ] && [ "$m" -lt 124 ]; then
			check_error_message "$file" "$W/mode.err"
		fi
		if { [ "$m" -eq 0 ] && [ "$rc" -ne 0 ]; } ||
		    { [ "$m" -ne 0 ] && [ "$rc" -eq 0 ]; }; then
			check_fail "$rel: exit $m with $mode but $rc without"
		fi
		if [ "$mode" = --json ] && [ "$m" -eq 0 ] && command -v python3 >/dev/null &&
		    ! python3 -c '
import json, sys
for n, l in enumerate(open(sys.argv[1], "rb"), 1):
    if not isinstance(json.loads(l), dict):
        sys.exit("line %d: not an object" % n)' "$W/mode.out" 2>"$W/json.check"; then
			check_fail "$rel: --json output is not one JSON object per line: $(tail -n 1 "$W/json.check")"
		fi
	done
	m=$(run_tool mode "$file" --no-verify-checksum)
	[ "$m" -eq 0 ] || [ "$m" -ge 124 ] || check_error_message "$file" "$W/mode.err"

	# Compare rows with mariadb-binlog.
	TZ=UTC timeout "$DECODE_TIMEOUT" mariadb-binlog --base64-output=decode-rows -v \
	    "$file" >"$W/ref.out" 2>"$W/ref.err"
	ref_rc=$?
	grep -a '^###' "$W/ref.out" >"$W/ref.rows"
	grep -a '^###' "$W/text.out" >"$W/my.rows"
	if [ $ref_rc -eq 0 ] && [ ! -s "$W/ref.err" ] && [ "$outcome" = decodes ]; then
		n_compared=$((n_compared + 1))
		if ! cmp -s "$W/ref.rows" "$W/my.rows"; then
			echo "--- mariadb-binlog, +++ myshift-binlog ($rel):" >&2
			diff "$W/ref.rows" "$W/my.rows" | cut -c1-300 | head -n 40 >&2
			check_fail "$rel: ### lines differ from mariadb-binlog's"
		fi
	elif [ -s "$W/ref.rows" ]; then
		# mariadb-binlog stopped early (or so did we): the rows both
		# printed must agree.
		n_prefix=$((n_prefix + 1))
		n=$(wc -l <"$W/ref.rows")
		m=$(wc -l <"$W/my.rows")
		[ "$m" -lt "$n" ] && n=$m
		if ! cmp -s <(head -n "$n" "$W/ref.rows") <(head -n "$n" "$W/my.rows"); then
			echo "--- mariadb-binlog, +++ myshift-binlog ($rel, first $n lines):" >&2
			diff <(head -n "$n" "$W/ref.rows") <(head -n "$n" "$W/my.rows") |
			    cut -c1-300 | head -n 40 >&2
			check_fail "$rel: the first $n ### lines differ from mariadb-binlog's"
		fi
	fi
done < <(list_files)

for rel in "${!EXPECT[@]}"; do
	[ -e "$STD_DATA/$rel" ] || echo "note: $rel listed in EXPECT is not installed"
done

echo "std_data: $n_files files, $n_errors refused with an error," \
    "$n_compared compared in full and $n_prefix in part with mariadb-binlog"
[ "$n_files" -gt 0 ] || fail "no binlog files found in $STD_DATA"
if [ "$ERRORS" -ne 0 ]; then
	echo "std_data: $ERRORS checks failed" >&2
	exit 1
fi
