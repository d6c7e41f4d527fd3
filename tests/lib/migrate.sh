# shellcheck shell=bash
# migrate.sh: helpers for the `myshift run` integration tests: a source and
# a destination server, their accounts, a config, myshift in the background,
# "caught up", and table-by-table comparison of the two servers.
#
# Source it from a bash test (it sources servers.sh):
#
#   . "$top_srcdir/tests/lib/migrate.sh"
#   mig_require                      # skip without servers, fail without myshift
#   mig_source src --binlog_row_image=MINIMAL
#   mig_dest dst
#   mig_config "$SRV_ROOT/m.ini" src dst "" $'[apply]\nbatch_transactions = 50'
#   mig_start "$SRV_ROOT/m.ini"      # MIG_PID, output in $MIG_LOG
#   mig_wait_started dst             # its first checkpoint is written
#   ... workload on src ...
#   mig_wait_caught_up src dst || fail "..."
#   mig_compare_db src dst shop || fail "..."
#   mig_stop                          # SIGTERM; MIG_RC is the exit status
#
# Environment: MYSHIFT (default $top_builddir/myshift); MIG_STATE_SCHEMA
# (default myshift) names the destination's state schema for the helpers
# that read the checkpoint; MIG_SERVER_ID (default 4242) is the
# [replication] server_id mig_config writes.
#
# Every comparison prints on stderr what differed (the first differing rows,
# cut to 300 characters) and returns 1; it never exits, so a test can report
# every difference before failing.

# shellcheck disable=SC2154 # top_srcdir: set by make check or the test
. "$top_srcdir/tests/lib/servers.sh"

MYSHIFT=${MYSHIFT:-${top_builddir:-$top_srcdir}/myshift}
MIG_STATE_SCHEMA=${MIG_STATE_SCHEMA:-myshift}
MIG_REPL_USER=mig_repl
MIG_REPL_PW='Repl-pw_4711'
MIG_DST_USER=mig_apply
MIG_DST_PW='Apply-pw_0815'
MIG_PID=
MIG_RC=
MIG_LOG=
MIG_STARTS=0
# Client options for reading large rows (a 16+ MB value, hexed).
MIG_BIG=(--max-allowed-packet=1073741824)

# mig_require: skip unless MariaDB is installed; fail unless myshift is built.
mig_require() {
	srv_require
	[ -x "$MYSHIFT" ] || fail "myshift not found: $MYSHIFT (run make first)"
}

# mig_source NAME [mariadbd options]: start a source server with the
# replication account (REPLICATION SLAVE, BINLOG MONITOR, SELECT, and what
# start = snapshot reads objects and takes snapshots with: SHOW VIEW,
# TRIGGER, EVENT; on MySQL RELOAD and BACKUP_ADMIN), not binlogged.
mig_source() {
	local name=$1
	shift
	local monitor='BINLOG MONITOR'
	srv_start "$name" "$@"
	# MySQL has no BINLOG MONITOR: REPLICATION CLIENT shows binlog status.
	srv_is_mysql "$name" && monitor='REPLICATION CLIENT, RELOAD, BACKUP_ADMIN'
	srv_sql "$name" "SET sql_log_bin = 0;
	    CREATE USER '$MIG_REPL_USER'@'127.0.0.1' IDENTIFIED BY '$MIG_REPL_PW';
	    GRANT REPLICATION SLAVE, $monitor, SELECT, SHOW VIEW, TRIGGER, EVENT ON *.*
	        TO '$MIG_REPL_USER'@'127.0.0.1';
	    SET sql_log_bin = 1" || fail "cannot create the replication account on $name"
}

# mig_dest NAME [mariadbd options]: start a destination server with the
# account myshift applies with (every privilege: it creates schemas,
# routines with definers, views).
mig_dest() {
	local name=$1
	shift
	srv_start "$name" "$@"
	srv_sql "$name" "SET sql_log_bin = 0;
	    CREATE USER '$MIG_DST_USER'@'127.0.0.1' IDENTIFIED BY '$MIG_DST_PW';
	    GRANT ALL PRIVILEGES ON *.* TO '$MIG_DST_USER'@'127.0.0.1' WITH GRANT OPTION;
	    SET sql_log_bin = 1" || fail "cannot create the apply account on $name"
}

# mig_socket_accounts SRC DST: the accounts of mig_source and mig_dest as
# 'user'@'localhost' too, which is how a server sees a login over its Unix
# socket (same passwords and privileges).
mig_socket_accounts() {
	local monitor='BINLOG MONITOR'
	srv_is_mysql "$1" && monitor='REPLICATION CLIENT, RELOAD, BACKUP_ADMIN'
	srv_sql "$1" "SET sql_log_bin = 0;
	    CREATE USER '$MIG_REPL_USER'@'localhost' IDENTIFIED BY '$MIG_REPL_PW';
	    GRANT REPLICATION SLAVE, $monitor, SELECT, SHOW VIEW, TRIGGER, EVENT ON *.*
	        TO '$MIG_REPL_USER'@'localhost';
	    SET sql_log_bin = 1" || fail "cannot create the socket replication account on $1"
	srv_sql "$2" "SET sql_log_bin = 0;
	    CREATE USER '$MIG_DST_USER'@'localhost' IDENTIFIED BY '$MIG_DST_PW';
	    GRANT ALL PRIVILEGES ON *.* TO '$MIG_DST_USER'@'localhost' WITH GRANT OPTION;
	    SET sql_log_bin = 1" || fail "cannot create the socket apply account on $2"
}

# mig_use_sockets FILE SRC DST: make a mig_config file reach both servers
# by their Unix sockets ([source] and [destination] socket, host removed).
mig_use_sockets() {
	awk -v s="$(_srv_get "$2" SOCK)" -v d="$(_srv_get "$3" SOCK)" '
	    /^\[source\]/ { sec = s } /^\[destination\]/ { sec = d }
	    /^\[/ && !/^\[(source|destination)\]/ { sec = "" }
	    sec != "" && /^host = / { print "socket = " sec; next }
	    { print }' "$1" >"$1.sock" && mv "$1.sock" "$1" && chmod 600 "$1" ||
	    fail "cannot write sockets into $1"
}

# mig_status_sql NAME: the statement that shows NAME's binlog position
# (MySQL 8.4 removed SHOW MASTER STATUS).
mig_status_sql() {
	if srv_is_mysql "$1"; then
		echo "SHOW BINARY LOG STATUS"
	else
		echo "SHOW MASTER STATUS"
	fi
}

# mig_position NAME: print "FILE POS" of NAME's binlog status.
mig_position() {
	srv_sql "$1" "$(mig_status_sql "$1")" | awk -F'\t' 'NR == 1 { print $1, $2 }'
}

# mig_purge_binlogs NAME: FLUSH BINARY LOGS, then PURGE BINARY LOGS TO the
# new one until only it is left (a binlog still needed for crash recovery
# is kept until its checkpoint).  Fails the test after 30 s.
mig_purge_binlogs() {
	local cur t0=$SECONDS
	srv_sql "$1" "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS failed on $1"
	cur=$(mig_position "$1" | awk '{ print $1 }')
	until [ "$(srv_sql "$1" "SHOW BINARY LOGS" | wc -l)" = 1 ]; do
		[ $((SECONDS - t0)) -lt 30 ] ||
		    fail "PURGE BINARY LOGS left on $1: $(srv_sql "$1" "SHOW BINARY LOGS" | tr '\n' ' ')"
		srv_sql "$1" "PURGE BINARY LOGS TO '$cur'" >/dev/null 2>&1
		sleep 0.2
	done
}

# mig_cross_vendor SRC DST: are SRC and DST of different vendors?
mig_cross_vendor() {
	[ "$(srv_vendor "$1")" != "$(srv_vendor "$2")" ]
}

# mig_config FILE SRC DST [START [EXTRA]]: write a myshift config for
# servers SRC and DST, mode 0600 (it holds the passwords). START is the
# [replication] start value (default current; "here": SRC's FILE:POS read
# now). EXTRA (text with its own [sections]) is appended as it is.
# MIG_LOG_LEVEL sets [log] level (default info).
mig_config() {
	local file=$1 src=$2 dst=$3 start=${4:-current} extra=${5:-} pos
	if [ "$start" = here ]; then
		pos=$(mig_position "$src") || fail "SHOW MASTER STATUS failed on $src"
		start="${pos% *}:${pos#* }"
	fi
	(
		umask 077
		cat >"$file" <<-EOF
		[source]
		host = 127.0.0.1
		port = $(_srv_get "$src" PORT)
		user = $MIG_REPL_USER
		password = $MIG_REPL_PW
		ssl_mode = disabled
		get_server_public_key = true

		[destination]
		host = 127.0.0.1
		port = $(_srv_get "$dst" PORT)
		user = $MIG_DST_USER
		password = $MIG_DST_PW
		ssl_mode = disabled
		get_server_public_key = true

		[replication]
		server_id = ${MIG_SERVER_ID:-4242}
		start = $start

		[log]
		level = ${MIG_LOG_LEVEL:-info}
		EOF
		[ -z "$extra" ] || printf '\n%s\n' "$extra" >>"$file"
	) || fail "cannot write $file"
	chmod 600 "$file"
}

# mig_start CFG [LOG]: start `myshift run -c CFG` in the background (in the
# test's main shell, not in $(...)); MIG_PID is its pid, its output is
# appended to LOG (default $SRV_ROOT/myshift.log), MIG_LOG names it.
mig_start() {
	local cfg=$1
	srv_scratch
	MIG_LOG=${2:-$SRV_ROOT/myshift.log}
	[ -z "$MIG_PID" ] || fail "mig_start: myshift (pid $MIG_PID) is running"
	MIG_STARTS=$((MIG_STARTS + 1))
	echo "==== start $MIG_STARTS" >>"$MIG_LOG"
	"$MYSHIFT" run -c "$cfg" >>"$MIG_LOG" 2>&1 </dev/null &
	MIG_PID=$!
	MIG_RC=
}

# mig_wait_started DST [SECONDS]: wait (default 30 s) until myshift has a
# checkpoint row on DST (on a first run with start = current: the source's
# position, so writes after this replicate). Fails if myshift exited.
mig_wait_started() {
	local dst=$1 timeout=${2:-30} t0=$SECONDS
	until [ -n "$(mig_checkpoint "$dst")" ]; do
		if ! mig_alive; then
			[ -z "$MIG_PID" ] || { wait "$MIG_PID"; MIG_RC=$?; MIG_PID=; }
			echo "myshift exited (status ${MIG_RC:-?}) before writing its first" \
			    "checkpoint; its last lines:" >&2
			mig_log_tail 15 >&2
			return 1
		fi
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			echo "myshift wrote no checkpoint within ${timeout}s:" >&2
			mig_log_tail 15 >&2
			return 1
		fi
		sleep 0.2
	done
}

# srv_cleanup_hook: run by srv_cleanup_all (the EXIT trap): a myshift a
# failed test left running is stopped (SIGTERM, then SIGKILL after 5 s)
# before its servers go, so that it does not retry against them forever.
srv_cleanup_hook() {
	local i
	[ -n "$MIG_PID" ] && kill -0 "$MIG_PID" 2>/dev/null || return 0
	kill -TERM "$MIG_PID" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$MIG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$MIG_PID" 2>/dev/null
	wait "$MIG_PID" 2>/dev/null
	MIG_PID=
}

# mig_alive: is the myshift we started still running?
mig_alive() {
	[ -n "$MIG_PID" ] && kill -0 "$MIG_PID" 2>/dev/null
}

# mig_kill: crash myshift (SIGKILL) and reap it.
mig_kill() {
	[ -n "$MIG_PID" ] || return 0
	kill -KILL "$MIG_PID" 2>/dev/null
	wait "$MIG_PID" 2>/dev/null
	MIG_RC=$?
	MIG_PID=
}

# mig_wait_exit [SECONDS]: wait (default 60 s) for myshift to exit by
# itself; MIG_RC is its status. Returns 1 if it is still running.
mig_wait_exit() {
	local timeout=${1:-60} t0=$SECONDS
	[ -n "$MIG_PID" ] || return 0
	while kill -0 "$MIG_PID" 2>/dev/null; do
		[ $((SECONDS - t0)) -lt "$timeout" ] || return 1
		sleep 0.1
	done
	wait "$MIG_PID"
	MIG_RC=$?
	MIG_PID=
	return 0
}

# mig_stop [SECONDS]: SIGTERM myshift and wait for it (default 60 s, then
# SIGKILL); MIG_RC is its exit status (137 when it had to be killed).
mig_stop() {
	[ -n "$MIG_PID" ] || return 0
	kill -TERM "$MIG_PID" 2>/dev/null
	if ! mig_wait_exit "${1:-60}"; then
		echo "mig_stop: myshift (pid $MIG_PID) ignored SIGTERM for ${1:-60}s," \
		    "killing it" >&2
		mig_kill
		MIG_RC=137
	fi
	return 0
}

# mig_check_start_gtid SRC: on a MariaDB source, the log's "copy done: the
# stream starts at F:P (GTIDs applied there: G)" has G = the source's
# BINLOG_GTID_POS(F, P) (the chunks keep no GTID position; the start gets
# its own after the copy). check_fail otherwise.
mig_check_start_gtid() {
	local line want
	! srv_is_mysql "$1" || return 0
	line=$(grep -m1 'copy done: the stream starts at' "$MIG_LOG")
	if [[ $line =~ starts\ at\ ([^:\ ]+):([0-9]+)\ \(GTIDs\ applied\ there:\ ([^\)]*)\) ]]; then
		want=$(srv_sql "$1" "SELECT BINLOG_GTID_POS('${BASH_REMATCH[1]}', ${BASH_REMATCH[2]})")
		[ "${BASH_REMATCH[3]}" = "$want" ] || check_fail "the stream starts at" \
		    "${BASH_REMATCH[1]}:${BASH_REMATCH[2]} with GTIDs '${BASH_REMATCH[3]}'; the" \
		    "source's BINLOG_GTID_POS there is '$want'"
	else
		check_fail "the stream's start has no GTID position in the log: '$line'"
	fi
}

# mig_log_tail [N]: the last N (default 15) lines of myshift's output.
mig_log_tail() {
	[ -n "$MIG_LOG" ] && tail -n "${1:-15}" "$MIG_LOG" | cut -c1-400
}

# mig_checkpoint DST: print "FILE POS" of DST's checkpoint row (nothing if none).
mig_checkpoint() {
	srv_sql "$1" "SELECT source_file, source_pos FROM
	    \`$MIG_STATE_SCHEMA\`.checkpoint WHERE id = 1" 2>/dev/null |
	    awk -F'\t' 'NR == 1 { print $1, $2 }'
}

# mig_wait_caught_up SRC DST [SECONDS]: wait (default 120 s) until DST's
# checkpoint equals SRC's SHOW MASTER STATUS (writes on SRC must have
# stopped). Fails at once, with myshift's last lines, if myshift exited.
mig_wait_caught_up() {
	local src=$1 dst=$2 timeout=${3:-120} t0=$SECONDS want have
	while :; do
		want=$(mig_position "$src")
		have=$(mig_checkpoint "$dst")
		[ -n "$want" ] && [ "$want" = "$have" ] && return 0
		if ! mig_alive; then
			[ -z "$MIG_PID" ] || { wait "$MIG_PID"; MIG_RC=$?; MIG_PID=; }
			echo "myshift is not running (exit status ${MIG_RC:-?}) while" \
			    "catching up: checkpoint '$have', source at '$want'; its last" \
			    "lines:" >&2
			mig_log_tail 15 >&2
			return 1
		fi
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			echo "myshift did not catch up within ${timeout}s: checkpoint" \
			    "'$have', source at '$want'; its last lines:" >&2
			mig_log_tail 15 >&2
			return 1
		fi
		sleep 0.3
	done
}

# _mig_quote NAME: NAME as a quoted identifier.
_mig_quote() {
	# shellcheck disable=SC2016 # backquotes of SQL, not a command
	printf '`%s`' "${1//\`/\`\`}"
}

# _mig_lit TEXT: TEXT as an SQL string literal.
_mig_lit() {
	local s=${1//\\/\\\\}
	printf "'%s'" "${s//\'/\'\'}"
}

# mig_tables NAME DB [TYPE]: the tables of DB on NAME, sorted (TYPE: BASE
# TABLE (default), VIEW, or % for both).
mig_tables() {
	srv_sql "$1" "SELECT TABLE_NAME FROM information_schema.TABLES
	    WHERE TABLE_SCHEMA = $(_mig_lit "$2") AND TABLE_TYPE LIKE
	    $(_mig_lit "${3:-BASE TABLE}") ORDER BY TABLE_NAME"
}

# _mig_row_query NAME DB TABLE SKIP: print a SELECT of every column of
# DB.TABLE (as NAME defines it) but those in SKIP (space separated), in a
# binary-safe text form: strings hexed (long ones as length and SHA-256),
# BIT hexed, FLOAT widened to DOUBLE; ordered by the primary key, else by
# every column.
_mig_row_query() {
	local name=$1 db=$2 table=$3 skip=" ${4:-} " col type q exprs=() order=() pk=() ties=()
	while IFS=$'\t' read -r col type; do
		case $skip in *" $col "*) continue ;; esac
		q=$(_mig_quote "$col")
		case $type in
		tinyint | smallint | mediumint | int | bigint | decimal | double | \
		year | date | time | datetime | timestamp)
			exprs+=("$q") ;;
		float)
			exprs+=("CAST($q AS DOUBLE)") ;;
		bit)
			exprs+=("HEX($q)") ;;
		*)
			exprs+=("IF(LENGTH($q) > 2048, CONCAT('len=', LENGTH($q), ' sha256=',
			    SHA2($q, 256)), HEX($q))")
			# rows that differ past max_sort_length bytes: in hash order
			ties+=("SHA2($q, 256)") ;;
		esac
	done < <(srv_sql "$name" "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS
	    WHERE TABLE_SCHEMA = $(_mig_lit "$db") AND TABLE_NAME = $(_mig_lit "$table")
	    ORDER BY ORDINAL_POSITION")
	while IFS= read -r col; do
		case $skip in *" $col "*) pk=(); break ;; esac
		pk+=("$(_mig_quote "$col")")
	done < <(srv_sql "$name" "SELECT COLUMN_NAME FROM information_schema.STATISTICS
	    WHERE TABLE_SCHEMA = $(_mig_lit "$db") AND TABLE_NAME = $(_mig_lit "$table")
	    AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX")
	if [ ${#pk[@]} -gt 0 ]; then
		order=("${pk[@]}")
	else
		order=("${exprs[@]}" "${ties[@]}")
	fi
	[ ${#exprs[@]} -gt 0 ] || exprs=("'(no columns)'")
	local IFS=,
	printf 'SET time_zone = "+00:00"; SELECT %s FROM %s.%s ORDER BY %s' \
	    "${exprs[*]}" "$(_mig_quote "$db")" "$(_mig_quote "$table")" "${order[*]}"
}

# mig_dump_table NAME DB TABLE [SKIP]: the rows of DB.TABLE, one a line,
# binary-safe, in a stable order (see _mig_row_query).
mig_dump_table() {
	srv_sql "$1" "$(_mig_row_query "$1" "$2" "$3" "${4:-}")" "${MIG_BIG[@]}"
}

# mig_checksum NAME DB TABLE: CHECKSUM TABLE ... EXTENDED of DB.TABLE.
mig_checksum() {
	srv_sql "$1" "CHECKSUM TABLE $(_mig_quote "$2").$(_mig_quote "$3") EXTENDED" |
	    awk -F'\t' '{ print $2 }'
}

# mig_show_diff A B: the first differing lines of files A and B, cut.
mig_show_diff() {
	diff "$1" "$2" | cut -c1-300 | head -n "${MIG_DIFF_LINES:-20}" >&2
}

# mig_compare_table SRC DST DB TABLE [DSTDB [DSTTABLE [SKIP]]]: DB.TABLE on
# SRC and DSTDB.DSTTABLE on DST hold the same rows: the ordered rows equal
# (hexed), without the columns in SKIP (space separated), and CHECKSUM
# TABLE equal unless columns are skipped or the servers are of different
# flavours (CHECKSUM's algorithm differs between vendors, and between
# MariaDB 10.11 and 11.8 for tables with generated columns). Prints the first differing
# rows.
mig_compare_table() {
	local src=$1 dst=$2 db=$3 t=$4 ddb=${5:-$3} dt=${6:-$4} skip=${7:-} a b ca cb rc=0
	srv_scratch
	a=$SRV_ROOT/cmp.src.$db.$t
	b=$SRV_ROOT/cmp.dst.$ddb.$dt
	if ! mig_dump_table "$src" "$db" "$t" "$skip" >"$a" 2>"$a.err"; then
		echo "cannot read $db.$t on $src: $(head -c 300 "$a.err")" >&2
		return 1
	fi
	if ! mig_dump_table "$dst" "$ddb" "$dt" "$skip" >"$b" 2>"$b.err"; then
		echo "cannot read $ddb.$dt on $dst: $(head -c 300 "$b.err")" >&2
		return 1
	fi
	if ! cmp -s "$a" "$b"; then
		echo "rows of $db.$t differ ($(wc -l <"$a") on the source, $(wc -l <"$b")" \
		    "as $ddb.$dt on the destination); first differences (< source," \
		    "> destination):" >&2
		mig_show_diff "$a" "$b"
		rc=1
	fi
	if [ -z "$skip" ] && [ "$(srv_flavour "$src")" = "$(srv_flavour "$dst")" ]; then
		ca=$(mig_checksum "$src" "$db" "$t")
		cb=$(mig_checksum "$dst" "$ddb" "$dt")
		if [ -z "$ca" ] || [ "$ca" != "$cb" ]; then
			echo "CHECKSUM TABLE of $db.$t differs: '$ca' on the source," \
			    "'$cb' for $ddb.$dt on the destination" >&2
			rc=1
		fi
	fi
	rm -f "$a" "$b" "$a.err" "$b.err"
	return $rc
}

# mig_compare_db SRC DST DB [DSTDB]: the same base tables in DB on SRC as
# in DSTDB (default DB) on DST, each holding the same rows. Returns 1 after
# reporting every difference.
mig_compare_db() {
	local src=$1 dst=$2 db=$3 ddb=${4:-$3} ta tb t rc=0
	ta=$(mig_tables "$src" "$db") || { echo "cannot list $db on $src" >&2; return 1; }
	tb=$(mig_tables "$dst" "$ddb") || { echo "cannot list $ddb on $dst" >&2; return 1; }
	if [ "$ta" != "$tb" ]; then
		echo "tables of $db differ: source has [${ta//$'\n'/ }], destination" \
		    "$ddb has [${tb//$'\n'/ }]" >&2
		rc=1
	fi
	# one name a line: names may hold spaces
	while IFS= read -r t; do
		[ -n "$t" ] || continue
		grep -qxF -- "$t" <<<"$tb" || continue
		mig_compare_table "$src" "$dst" "$db" "$t" "$ddb" "$t" || rc=1
	done <<<"$ta"
	return $rc
}

# mig_schema NAME DB: a normalised description of DB's objects on NAME:
# SHOW CREATE TABLE of every base table (without AUTO_INCREMENT=N), the
# columns from information_schema, SHOW CREATE VIEW, PROCEDURE, FUNCTION
# and TRIGGER (without DEFINER clauses), the database's own name written DB.
# shellcheck disable=SC2016 # backquotes of SQL, not a command
mig_schema() {
	local name=$1 db=$2 qdb t r
	qdb=$(_mig_quote "$db")
	{
		echo "== database"
		srv_sql "$name" "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME
		    FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = $(_mig_lit "$db")"
		echo "== columns"
		srv_sql "$name" "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME,
		    COLUMN_TYPE, IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '(none)'),
		    IFNULL(COLLATION_NAME, ''), EXTRA, COLUMN_KEY
		    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = $(_mig_lit "$db")
		    ORDER BY TABLE_NAME, ORDINAL_POSITION"
		echo "== indexes"
		srv_sql "$name" "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME,
		    NON_UNIQUE, IFNULL(SUB_PART, '') FROM information_schema.STATISTICS
		    WHERE TABLE_SCHEMA = $(_mig_lit "$db")
		    ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
		for t in $(mig_tables "$name" "$db"); do
			echo "== table $t"
			srv_sql "$name" "SHOW CREATE TABLE $qdb.$(_mig_quote "$t")" |
			    cut -f2- | sed -E 's/ AUTO_INCREMENT=[0-9]+//'
		done
		for t in $(mig_tables "$name" "$db" VIEW); do
			echo "== view $t"
			srv_sql "$name" "SHOW CREATE VIEW $qdb.$(_mig_quote "$t")" | cut -f2-3
		done
		while IFS=$'\t' read -r r t; do
			[ -n "$t" ] || continue
			echo "== $r $t"
			srv_sql "$name" "SHOW CREATE $r $qdb.$(_mig_quote "$t")" | cut -f2-6
		done < <(srv_sql "$name" "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM
		    information_schema.ROUTINES WHERE ROUTINE_SCHEMA = $(_mig_lit "$db")
		    ORDER BY ROUTINE_TYPE, ROUTINE_NAME")
		for t in $(srv_sql "$name" "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS
		    WHERE TRIGGER_SCHEMA = $(_mig_lit "$db") ORDER BY TRIGGER_NAME"); do
			echo "== trigger $t"
			srv_sql "$name" "SHOW CREATE TRIGGER $qdb.$(_mig_quote "$t")" | cut -f2-3
		done
	} 2>&1 | sed -E -e 's/DEFINER=`[^`]*`@`[^`]*` ?//g' \
	    -e "s/\`${db//\//\\/}\`\\./\`DB\`./g"
}

# mig_schema_portable NAME DB: what of DB's objects on NAME means the same
# on MySQL and MariaDB, each vendor's spelling made one: columns
# (integer display widths dropped; defaults unquoted, NULL as none, the
# CURRENT_TIMESTAMP spelling; EXTRA without MySQL's DEFAULT_GENERATED and
# MariaDB's commas),
# indexes, tables (engine, collation, comment: in place of SHOW CREATE
# TABLE), foreign keys (RESTRICT, MariaDB's name for the default, as NO
# ACTION: the same in InnoDB), views (check option, updatable, security), routines
# (body, return and parameter types, characteristics) and triggers
# (timing, event, statement).
mig_schema_portable() {
	local name=$1 db dflt vis
	db=$(_mig_lit "$2")
	if srv_is_mysql "$name"; then
		dflt="IFNULL(COLUMN_DEFAULT, '(none)')"
		vis=IS_VISIBLE
	else
		vis="IF(IGNORED = 'YES', 'NO', 'YES')"
		dflt="CASE WHEN COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL' THEN '(none)'
		    WHEN COLUMN_DEFAULT LIKE '''%''' THEN REPLACE(SUBSTRING(COLUMN_DEFAULT, 2,
		    CHAR_LENGTH(COLUMN_DEFAULT) - 2), '''''', '''') ELSE COLUMN_DEFAULT END"
	fi
	{
		echo "== database"
		srv_sql "$name" "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME
		    FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = $db"
		echo "== columns"
		srv_sql "$name" "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME,
		    COLUMN_TYPE, IS_NULLABLE, $dflt, IFNULL(COLLATION_NAME, ''),
		    TRIM(REPLACE(REPLACE(EXTRA, 'DEFAULT_GENERATED', ''), ',', '')), COLUMN_KEY
		    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = $db
		    ORDER BY TABLE_NAME, ORDINAL_POSITION"
		echo "== indexes"
		# visible to the optimizer: MySQL's IS_VISIBLE, MariaDB's IGNORED
		srv_sql "$name" "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME,
		    NON_UNIQUE, IFNULL(SUB_PART, ''), $vis FROM information_schema.STATISTICS
		    WHERE TABLE_SCHEMA = $db ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
		echo "== tables"
		srv_sql "$name" "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT
		    FROM information_schema.TABLES WHERE TABLE_SCHEMA = $db
		    AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME"
		echo "== foreign keys"
		srv_sql "$name" "SELECT r.TABLE_NAME, r.CONSTRAINT_NAME, k.COLUMN_NAME,
		    k.REFERENCED_TABLE_SCHEMA = r.CONSTRAINT_SCHEMA, k.REFERENCED_TABLE_NAME,
		    k.REFERENCED_COLUMN_NAME, REPLACE(r.UPDATE_RULE, 'RESTRICT', 'NO ACTION'),
		    REPLACE(r.DELETE_RULE, 'RESTRICT', 'NO ACTION')
		    FROM information_schema.REFERENTIAL_CONSTRAINTS r
		    JOIN information_schema.KEY_COLUMN_USAGE k
		    ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA
		    AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME AND k.TABLE_NAME = r.TABLE_NAME
		    WHERE r.CONSTRAINT_SCHEMA = $db
		    ORDER BY r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION"
		echo "== views"
		srv_sql "$name" "SELECT TABLE_NAME, CHECK_OPTION, IS_UPDATABLE, SECURITY_TYPE
		    FROM information_schema.VIEWS WHERE TABLE_SCHEMA = $db ORDER BY TABLE_NAME"
		echo "== routines"
		srv_sql "$name" "SELECT ROUTINE_TYPE, ROUTINE_NAME, IFNULL(DTD_IDENTIFIER, ''),
		    ROUTINE_BODY, ROUTINE_DEFINITION, IS_DETERMINISTIC, SQL_DATA_ACCESS,
		    SECURITY_TYPE FROM information_schema.ROUTINES
		    WHERE ROUTINE_SCHEMA = $db ORDER BY ROUTINE_TYPE, ROUTINE_NAME"
		srv_sql "$name" "SELECT SPECIFIC_NAME, ORDINAL_POSITION,
		    IFNULL(PARAMETER_MODE, ''), IFNULL(PARAMETER_NAME, ''), DTD_IDENTIFIER
		    FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = $db
		    ORDER BY SPECIFIC_NAME, ORDINAL_POSITION"
		echo "== triggers"
		srv_sql "$name" "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING,
		    EVENT_MANIPULATION, ACTION_ORDER, ACTION_STATEMENT
		    FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = $db
		    ORDER BY TRIGGER_NAME"
	} 2>&1 | sed -E -e 's/\b(tinyint|smallint|mediumint|int|bigint)\([0-9]+\)/\1/g' \
	    -e 's/\bcurrent_timestamp\(\)/CURRENT_TIMESTAMP/gI' \
	    -e 's/\bcurrent_timestamp(\([1-6]\))/CURRENT_TIMESTAMP\1/gI'
}

# mig_compare_schema SRC DST DB [DSTDB]: DB on SRC and DSTDB on DST have
# the same normalised schema (mig_schema; mig_schema_portable between
# servers of different vendors). Prints the first differences.
mig_compare_schema() {
	local src=$1 dst=$2 db=$3 ddb=${4:-$3} a b f=mig_schema
	srv_scratch
	a=$SRV_ROOT/schema.src.$db
	b=$SRV_ROOT/schema.dst.$ddb
	mig_cross_vendor "$src" "$dst" && f=mig_schema_portable
	"$f" "$src" "$db" >"$a"
	"$f" "$dst" "$ddb" >"$b"
	if ! cmp -s "$a" "$b"; then
		echo "schema of $db differs (< source, > destination $ddb):" >&2
		MIG_DIFF_LINES=40 mig_show_diff "$a" "$b"
		return 1
	fi
	rm -f "$a" "$b"
	return 0
}

# mig_sysbench_cmd NAME DB: set the array MIG_SB to the sysbench
# oltp_write_only command line for NAME (over its socket, as root) on
# database DB; run it as "${MIG_SB[@]}" ARGS... (with & it is a child of the
# test shell, its pid in $!, so that kill stops sysbench itself).
mig_sysbench_cmd() {
	MIG_SB=(sysbench oltp_write_only --db-driver=mysql
	    --mysql-socket="$(_srv_get "$1" SOCK)" --mysql-user=root --mysql-db="$2")
}

# mig_sysbench NAME DB ARGS...: run sysbench (see mig_sysbench_cmd) in the
# foreground.
mig_sysbench() {
	mig_sysbench_cmd "$1" "$2"
	shift 2
	"${MIG_SB[@]}" "$@"
}

# mig_require_sysbench: skip unless sysbench with the MySQL driver is installed.
mig_require_sysbench() {
	command -v sysbench >/dev/null 2>&1 || skip "sysbench is not installed"
}

# mig_writer FUNC: call the shell function FUNC with 1, 2, 3, ... in the
# background until mig_writer_stop (a failing call waits 0.2 s and the
# loop goes on; the loop also ends with the test's scratch directory).
mig_writer() {
	rm -f "$SRV_ROOT/writer.stop" "$SRV_ROOT/writer.ok" # an earlier writer's
	(
		local i=0 ok=0
		while [ -d "$SRV_ROOT" ] && [ ! -e "$SRV_ROOT/writer.stop" ]; do
			i=$((i + 1))
			if "$1" "$i" >/dev/null 2>&1; then
				ok=$((ok + 1))
				echo "$ok" >"$SRV_ROOT/writer.ok"
			else
				sleep 0.2
			fi
		done
	) &
	MIG_WRITER=$!
}

# mig_writer_stop: stop mig_writer's loop after its current call; fails
# the test if no call succeeded (a writer that writes nothing tests
# nothing), else prints how many did.
mig_writer_stop() {
	[ -n "${MIG_WRITER:-}" ] || return 0
	touch "$SRV_ROOT/writer.stop"
	wait "$MIG_WRITER" 2>/dev/null
	MIG_WRITER=
	local n
	n=$(cat "$SRV_ROOT/writer.ok" 2>/dev/null)
	[ -n "$n" ] || fail "the writer's statements all failed"
	echo "writer: $n rounds"
}

# mig_snapshot_streaming SRC DST [EXTRA]: myshift run, start = snapshot
# (config EXTRA), until it logs "phase: streaming"; fails the test (the
# writer stopped, the log's tail shown) if it does not within 120 s.
mig_snapshot_streaming() {
	mig_config "$SRV_ROOT/myshift.ini" "$1" "$2" snapshot "${3:-}"
	mig_start "$SRV_ROOT/myshift.ini"
	wait_until -t 120 log_contains "$MIG_LOG" 'phase: streaming' ||
	    { mig_writer_stop; mig_log_tail 20; fail "myshift did not reach the streaming phase"; }
}

# mig_verify [ARGS]: myshift verify with the config of mig_snapshot_streaming;
# its output in MIG_VERIFY_OUT, its exit status in MIG_VERIFY_RC, its
# summary line printed.
mig_verify() {
	MIG_VERIFY_OUT=$("$MYSHIFT" verify -c "$SRV_ROOT/myshift.ini" "$@" 2>&1)
	MIG_VERIFY_RC=$?
	grep '^verify:' <<<"$MIG_VERIFY_OUT" | tail -n 1
}
