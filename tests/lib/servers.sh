# servers.sh: start and stop scratch MySQL and MariaDB servers of a named
# flavour for integration tests.
#
# Source it from a bash test:
#
#   . "$top_srcdir/tests/lib/servers.sh"
#   srv_require                        # exit 77 (skip) without mariadbd
#   srv_start src --binlog_row_image=MINIMAL
#   srv_sql src "CREATE DATABASE t1"
#   srv_start dst --server-id=2
#   ...                                # servers are stopped on exit
#
# srv_start NAME records, for NAME (a shell identifier):
#   NAME_PORT        TCP port on 127.0.0.1
#   NAME_SOCK        unix socket
#   NAME_PID         pid of the server (a child of the test shell)
#   NAME_DIR         scratch directory of this server (data, cnf, log)
#   NAME_DATADIR     datadir
#   NAME_BINLOG_DIR  directory of the binlog files (base name NAME-bin)
#   NAME_CNF         the defaults file; extra options are appended to it
#   NAME_LOG         the error log
#
# Functions: srv_require, srv_start, srv_sql, srv_stop, srv_kill,
# srv_restart, srv_binlogs, srv_scratch ($SRV_ROOT: the per-test scratch
# dir), srv_cleanup_all, wait_until, log_contains, fail, check_fail, skip.  Server ids
# count up from 1 in start order unless --server-id is given.
#
# Call srv_start in the test's main shell, not in $(...) or a pipeline: the
# server must be a child of the shell that stops it.  An EXIT trap runs
# srv_cleanup_all so that no server outlives its test; a test that needs its
# own EXIT trap must call srv_cleanup_all from it.
#
# Flavours: mariadb-10.11 (the host's packages), mariadb-11.8 and mysql-9.7
# (each from a chroot built once by tests/lib/roots.sh).  The flavour of a
# server comes from srv_start -f FLAVOUR, else from the test's pair:
# MYSHIFT_PAIR=SRC:DST (default mariadb-10.11:mariadb-10.11) gives names
# starting with "dst" or "rdst" the destination flavour and every other
# name the source flavour.  srv_flavour NAME prints a running server's
# flavour, srv_vendor NAME "mysql" or "mariadb".  A chrooted server's files
# live inside its root (NAME_DIR is the host's path to them, NAME_INNER_DIR
# the same directory as the server sees it); the host's mariadb client and
# myshift reach it over the socket and TCP as any other.
#
# Environment: MYSHIFT_TEST_TMP (parent of scratch dirs, default /tmp),
# MYSHIFT_TEST_KEEP=1 keeps the scratch dir after the test,
# MYSHIFT_SAVE_BINLOGS=DIR copies the servers' binlogs of up to 1 MB into
# DIR at cleanup (tests/run makes fuzzing seeds of them),
# SRV_START_TIMEOUT (seconds, default 60).

SRV_ROOT=
SRV_NAMES=()
SRV_INNER_DIRS=()
SRV_NEXT_ID=1
SRV_PORT_LOCKS="${MYSHIFT_TEST_TMP:-/tmp}/myshift-ports"

# Print a message on stderr and exit with failure.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# check_fail MESSAGE...: report a failed check on stderr and carry on with
# the next one; ERRORS counts them (a test ends with
# [ "$ERRORS" = 0 ] || fail ...).
ERRORS=0
check_fail() {
	echo "FAIL: $*" >&2
	ERRORS=$((ERRORS + 1))
}

# Print a message and exit with automake's "skipped" status.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# The source and destination flavours of this test.
SRV_SRC_FLAVOUR=${MYSHIFT_PAIR:-}
SRV_SRC_FLAVOUR=${SRV_SRC_FLAVOUR%%:*}
SRV_DST_FLAVOUR=${MYSHIFT_PAIR:-}
SRV_DST_FLAVOUR=${SRV_DST_FLAVOUR#*:}
SRV_SRC_FLAVOUR=${SRV_SRC_FLAVOUR:-mariadb-10.11}
SRV_DST_FLAVOUR=${SRV_DST_FLAVOUR:-mariadb-10.11}
. "$(dirname "${BASH_SOURCE[0]}")/roots.sh"

# srv_require [FLAVOUR...]: skip the test unless a MariaDB server and client
# are installed; make sure the roots of the pair's flavours (and of any
# FLAVOUR named) exist, building them if needed.
srv_require() {
	local p f
	for p in mariadbd mariadb-install-db mariadb; do
		command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
		    skip "$p is not installed (apt-get install mariadb-server mariadb-client)"
	done
	for f in "$SRV_SRC_FLAVOUR" "$SRV_DST_FLAVOUR" "$@"; do
		_srv_flavour_ready "$f" || fail "the $f server is not available"
	done
	echo "flavour pair: $SRV_SRC_FLAVOUR -> $SRV_DST_FLAVOUR" >&2
}

# Is FLAVOUR's server at hand (its root built)?
_srv_flavour_ready() {
	case $1 in
	mariadb-10.11) return 0 ;;
	mariadb-11.8 | mysql-9.7) roots_ensure "$1" >/dev/null ;;
	*) fail "unknown server flavour '$1' (mariadb-10.11, mariadb-11.8, mysql-9.7)" ;;
	esac
}

# srv_flavour NAME: the flavour NAME runs (or would run) as.
srv_flavour() {
	local f
	f=$(_srv_get "$1" FLAVOUR)
	if [ -z "$f" ]; then
		case $1 in
		dst* | rdst*) f=$SRV_DST_FLAVOUR ;;
		*) f=$SRV_SRC_FLAVOUR ;;
		esac
	fi
	echo "$f"
}

# srv_vendor NAME: mysql or mariadb.
srv_vendor() {
	case $(srv_flavour "$1") in
	mysql-*) echo mysql ;;
	*) echo mariadb ;;
	esac
}

# srv_is_mysql NAME: does NAME run MySQL?
srv_is_mysql() {
	[ "$(srv_vendor "$1")" = mysql ]
}

# Find a server program: PATH first, then /usr/sbin (not in a user's PATH).
_srv_prog() {
	command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"
}

# Create the per-test scratch root on first use.
_srv_root() {
	if [ -z "$SRV_ROOT" ]; then
		mkdir -p "${MYSHIFT_TEST_TMP:-/tmp}"
		SRV_ROOT=$(mktemp -d "${MYSHIFT_TEST_TMP:-/tmp}/myshift-test.XXXX") ||
		    fail "cannot create a scratch directory"
	fi
}

# Is PORT free on 127.0.0.1?  (Nothing listens, and we can bind it.)
_srv_port_free() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$1" <<-'EOF' 2>/dev/null
		import socket, sys
		s = socket.socket()
		s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		s.bind(("127.0.0.1", int(sys.argv[1])))
		EOF
	else
		! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# Reserve a free loopback port and print it.  Reservations are directories
# under $SRV_PORT_LOCKS holding the owner's pid, so tests running in
# parallel never pick the same port; a reservation whose owner is dead is
# taken over.
_srv_pick_port() {
	local port i owner
	mkdir -p "$SRV_PORT_LOCKS"
	for i in $(seq 1 200); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 30000))
		if ! mkdir "$SRV_PORT_LOCKS/$port" 2>/dev/null; then
			owner=$(cat "$SRV_PORT_LOCKS/$port/pid" 2>/dev/null)
			if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null; then
				rm -rf "$SRV_PORT_LOCKS/$port"
			fi
			continue
		fi
		echo $$ >"$SRV_PORT_LOCKS/$port/pid"
		if _srv_port_free "$port"; then
			echo "$port"
			return 0
		fi
		rm -rf "$SRV_PORT_LOCKS/$port"
	done
	fail "no free TCP port found on 127.0.0.1"
}

# Set the variable NAME_FIELD to VALUE.
_srv_set() {
	printf -v "${1}_$2" '%s' "$3"
}

# Get the variable NAME_FIELD.
_srv_get() {
	local v="${1}_$2"
	[[ $v =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || return 0
	printf '%s' "${!v-}"
}

# srv_start [-f FLAVOUR] NAME [--option[=value]...]: initialise a datadir and
# start a server with binlog_format=ROW (MySQL: GTIDs on, unless an option
# says otherwise); extra options go into its cnf (the last occurrence of an
# option wins).  Waits until it accepts connections.
srv_start() {
	local name flavour= dir inner root= opt port id
	if [ "$1" = -f ]; then
		flavour=$2
		shift 2
	fi
	name=$1
	shift
	[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail "srv_start: bad name '$name'"
	[ -z "$(_srv_get "$name" PID)" ] || fail "srv_start: $name is running"
	[ -n "$flavour" ] || flavour=$(srv_flavour "$name")
	_srv_flavour_ready "$flavour" || fail "the $flavour server is not available"
	_srv_root
	case $flavour in
	mariadb-10.11)
		dir=$SRV_ROOT/$name
		inner=$dir
		;;
	*)
		# Inside the root: a scratch dir of its own, removed at cleanup.
		root=$(roots_path "$flavour")
		_srv_inner_root "$root" || exit 1
		inner=$SRV_INNER/$name
		dir=$root$inner
		;;
	esac
	mkdir -p "$dir/data" "$dir/binlog" "$dir/tmp" || fail "cannot create $dir"
	_srv_set "$name" FLAVOUR "$flavour"
	_srv_set "$name" CHROOT "$root"
	_srv_set "$name" DIR "$dir"
	_srv_set "$name" INNER_DIR "$inner"
	[ ${#dir} -lt 100 ] || fail "socket path $dir/sock is too long (MYSHIFT_TEST_TMP, MYSHIFT_ROOTS)"
	_srv_init_datadir "$name" || exit 1
	port=$(_srv_pick_port) || exit 1
	id=$SRV_NEXT_ID
	SRV_NEXT_ID=$((SRV_NEXT_ID + 1))
	case $flavour in
	mysql-*) _srv_cnf_mysql "$inner" "$name" "$port" "$id" >"$dir/my.cnf" ;;
	*) _srv_cnf_mariadb "$inner" "$name" "$port" "$id" >"$dir/my.cnf" ;;
	esac
	for opt in "$@"; do
		echo "${opt#--}" >>"$dir/my.cnf"
	done
	SRV_NAMES+=("$name")
	_srv_set "$name" PORT "$port"
	_srv_set "$name" SOCK "$dir/sock"
	_srv_set "$name" DATADIR "$dir/data"
	_srv_set "$name" BINLOG_DIR "$dir/binlog"
	_srv_set "$name" CNF "$dir/my.cnf"
	_srv_set "$name" LOG "$dir/error.log"
	_srv_launch "$name"
	case $flavour in
	mariadb-11.8)
		# mariadb-install-db's anonymous accounts shadow user@'%'
		# logins from 127.0.0.1.
		srv_sql "$name" "SET sql_log_bin = 0;
		    DELETE FROM mysql.global_priv WHERE user = ''; FLUSH PRIVILEGES" ||
		    fail "cannot remove the anonymous accounts of $name"
		;;
	esac
}

# _srv_inner_root ROOT: create (once per test) a scratch dir inside ROOT
# and set SRV_INNER to its path as seen inside the root.  Called in the
# test's own shell (not in $(...)), so that the dir is recorded for
# srv_cleanup_all.  Scratch dirs left by tests that were killed (their
# owner pid, in the dir's .owner file, is gone) are removed first: they
# hold whole datadirs.
_srv_inner_root() {
	local root=$1 v d o
	v=SRV_INNER_$(echo "$root" | md5sum | cut -c1-8)
	if [ -z "${!v-}" ]; then
		mkdir -p "$root/var/tmp" || return 1
		for d in "$root"/var/tmp/mst.*; do
			[ -d "$d" ] || continue
			o=$(cat "$d/.owner" 2>/dev/null)
			# no .owner: a dir being made right now, or one from before .owner
			[ -z "$o" ] && [ -n "$(find "$d" -maxdepth 0 -mmin -360)" ] && continue
			[ -n "$o" ] && kill -0 "$o" 2>/dev/null && continue
			rm -rf "$d"
		done
		d=$(mktemp -d "$root/var/tmp/mst.XXXX") || return 1
		echo $$ >"$d/.owner"
		printf -v "$v" '%s' "${d#"$root"}"
		SRV_INNER_DIRS+=("$d")
	fi
	SRV_INNER=${!v}
}

# _srv_in NAME PROG ARGS...: run a program of NAME's flavour (in its root).
_srv_in() {
	local name=$1 root
	shift
	root=$(_srv_get "$name" CHROOT)
	if [ -n "$root" ]; then
		chroot "$root" "$@"
	else
		"$(_srv_prog "$1")" "${@:2}"
	fi
}

# _srv_init_datadir NAME: a fresh datadir for NAME, copied from a template
# made once per server build (mysqld --initialize takes ~10 s,
# mariadb-install-db ~2 s; a copy a quarter of a second).  The chrooted
# flavours keep theirs in their root, the host's MariaDB in $MYSHIFT_ROOTS,
# remade when the host's server answers --version differently.
_srv_init_datadir() {
	local name=$1 flavour dir inner root user=() tpl stamp rc
	flavour=$(_srv_get "$name" FLAVOUR)
	dir=$(_srv_get "$name" DIR)
	inner=$(_srv_get "$name" INNER_DIR)
	root=$(_srv_get "$name" CHROOT)
	[ "$(id -u)" = 0 ] && user=(--user=root)
	if [ -z "$root" ]; then
		tpl=$MYSHIFT_ROOTS/host-$flavour-datadir-template
		stamp=$("$(_srv_prog mariadbd)" --version 2>&1)
		mkdir -p "$MYSHIFT_ROOTS" || fail "cannot create $MYSHIFT_ROOTS"
	else
		tpl=$root/var/lib/myshift-datadir-template
		stamp=ok
	fi
	if [ "$(cat "$tpl.ok" 2>/dev/null)" != "$stamp" ]; then
		exec 8>"$tpl.lock"
		flock 8
		if [ "$(cat "$tpl.ok" 2>/dev/null)" != "$stamp" ]; then
			rm -rf "$tpl" "$tpl.ok"
			mkdir -p "$tpl"
			case $flavour in
			mysql-*)
				rmdir "$tpl"
				chroot "$root" mysqld --no-defaults --initialize-insecure \
				    --user=root --datadir=/var/lib/myshift-datadir-template \
				    --innodb-redo-log-capacity=67108864 \
				    >"$dir/install.log" 2>&1
				;;
			*)
				if [ -z "$root" ]; then
					mkdir -p "$tpl.tmp" &&
					"$(_srv_prog mariadb-install-db)" --no-defaults \
					    --datadir="$tpl" --tmpdir="$tpl.tmp" "${user[@]}" \
					    --auth-root-authentication-method=normal --skip-test-db \
					    >"$dir/install.log" 2>&1
				else
					chroot "$root" mariadb-install-db --no-defaults \
					    --datadir=/var/lib/myshift-datadir-template --user=root \
					    --tmpdir=/var/tmp \
					    --auth-root-authentication-method=normal --skip-test-db \
					    >"$dir/install.log" 2>&1
				fi
				;;
			esac
			rc=$?
			rm -rf "$tpl.tmp"
			if [ $rc -ne 0 ]; then
				cat "$dir/install.log" >&2
				exec 8>&-
				fail "initialising a $flavour datadir failed"
			fi
			printf '%s' "$stamp" >"$tpl.ok"
		fi
		exec 8>&-
	fi
	rmdir "$dir/data" 2>/dev/null
	cp -a "$tpl" "$dir/data" || fail "cannot copy the $flavour datadir template"
	# MySQL keeps its server_uuid in auto.cnf and makes a new one when it
	# is missing: every copy must have its own (replication refuses equal
	# uuids, myshift tells servers apart by them).
	rm -f "$dir/data/auto.cnf"
}

# The cnf of a MariaDB server whose files are under INNER.
_srv_cnf_mariadb() {
	local inner=$1 name=$2 port=$3 id=$4
	cat <<-EOF
	[mariadbd]
	tmpdir=$inner/tmp
	datadir=$inner/data
	socket=$inner/sock
	pid-file=$inner/mariadbd.pid
	log-error=$inner/error.log
	port=$port
	bind-address=127.0.0.1
	skip-name-resolve
	server-id=$id
	log-bin=$inner/binlog/$name-bin
	binlog_format=ROW
	character-set-server=utf8mb4
	collation-server=utf8mb4_general_ci
	max_allowed_packet=64M
	performance_schema=OFF
	innodb_buffer_pool_size=128M
	innodb_log_file_size=64M
	innodb_log_buffer_size=16M
	innodb_flush_log_at_trx_commit=2
	innodb_read_io_threads=1
	innodb_write_io_threads=1
	innodb_purge_threads=1
	innodb_buffer_pool_load_at_startup=OFF
	innodb_buffer_pool_dump_at_shutdown=OFF
	sync_binlog=0
	max_connections=200
	table_open_cache=400
	key_buffer_size=8M
	max_recursive_iterations=100000000
	EOF
}

# srv_seq N [ALIAS]: a derived table of the integers 1..N in a column
# named seq, for FROM clauses on every flavour (MariaDB's seq_1_to_N
# tables need its SEQUENCE engine, which MySQL lacks); ALIAS defaults to
# seq_1_to_N.
srv_seq() {
	printf '(WITH RECURSIVE s_ (seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM s_ WHERE seq < %d) SELECT seq FROM s_) AS %s' "$1" "${2:-seq_1_to_$1}"
}

# The cnf of a MySQL server whose files are under INNER: MySQL's own
# defaults (utf8mb4_0900_ai_ci, caching_sha2_password), GTIDs on.
_srv_cnf_mysql() {
	local inner=$1 name=$2 port=$3 id=$4
	cat <<-EOF
	[mysqld]
	tmpdir=$inner/tmp
	datadir=$inner/data
	socket=$inner/sock
	pid-file=$inner/mysqld.pid
	log-error=$inner/error.log
	port=$port
	bind-address=127.0.0.1
	mysqlx=OFF
	secure-file-priv=
	skip-name-resolve
	server-id=$id
	log-bin=$inner/binlog/$name-bin
	binlog_format=ROW
	gtid_mode=ON
	enforce_gtid_consistency=ON
	max_allowed_packet=64M
	performance_schema=OFF
	innodb_buffer_pool_size=128M
	innodb_redo_log_capacity=67108864
	innodb_log_buffer_size=16777216
	innodb_flush_log_at_trx_commit=2
	innodb_read_io_threads=1
	innodb_write_io_threads=1
	innodb_purge_threads=1
	innodb_buffer_pool_load_at_startup=OFF
	innodb_buffer_pool_dump_at_shutdown=OFF
	sync_binlog=0
	max_connections=200
	table_open_cache=400
	key_buffer_size=8M
	cte_max_recursion_depth=100000000
	EOF
}

# Start the server of NAME from its cnf and wait until it answers.
_srv_launch() {
	local name=$1 dir inner root pid user=() t0 prog=mariadbd
	dir=$(_srv_get "$name" DIR)
	inner=$(_srv_get "$name" INNER_DIR)
	root=$(_srv_get "$name" CHROOT)
	[ "$(id -u)" = 0 ] && user=(--user=root)
	srv_is_mysql "$name" && prog=mysqld
	if [ -n "$root" ]; then
		chroot "$root" "/usr/sbin/$prog" --defaults-file="$inner/my.cnf" "${user[@]}" \
		    >>"$dir/server.out" 2>&1 </dev/null &
	else
		"$(_srv_prog "$prog")" --defaults-file="$dir/my.cnf" "${user[@]}" \
		    >>"$dir/server.out" 2>&1 </dev/null &
	fi
	pid=$!
	_srv_set "$name" PID "$pid"
	t0=$SECONDS
	until srv_sql "$name" "SELECT 1" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			_srv_set "$name" PID ""
			_srv_dump_log "$name"
			fail "$prog $name exited during startup"
		fi
		if [ $((SECONDS - t0)) -ge "${SRV_START_TIMEOUT:-60}" ]; then
			_srv_dump_log "$name"
			fail "$prog $name not ready after ${SRV_START_TIMEOUT:-60}s"
		fi
		sleep 0.1
	done
}

# Print the tail of NAME's error log on stderr.
_srv_dump_log() {
	local dir
	dir=$(_srv_get "$1" DIR)
	echo "---- $dir/error.log (tail) ----" >&2
	tail -n 40 "$dir/error.log" "$dir/server.out" >&2 2>/dev/null
	echo "----" >&2
}

# srv_sql NAME SQL [client options...]: run SQL ("-": read stdin) as root
# over the socket; batch output, no column names; fails on an SQL error.
srv_sql() {
	local name=$1 sql=$2
	shift 2
	if [ "$sql" = - ]; then
		mariadb --no-defaults -S "$(_srv_get "$name" SOCK)" -uroot \
		    --batch --skip-column-names "$@"
	else
		mariadb --no-defaults -S "$(_srv_get "$name" SOCK)" -uroot \
		    --batch --skip-column-names "$@" -e "$sql"
	fi
}

# srv_stop NAME: shut NAME down cleanly (SIGTERM, then SIGKILL after 60 s).
srv_stop() {
	local name=$1 pid i
	pid=$(_srv_get "$name" PID)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "srv_stop: $name (pid $pid) ignored SIGTERM, killing" >&2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	_srv_set "$name" PID ""
	return 0
}

# srv_kill NAME: crash NAME (SIGKILL), as a power cut would.
srv_kill() {
	local pid
	pid=$(_srv_get "$1" PID)
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	_srv_set "$1" PID ""
	return 0
}

# srv_restart NAME [--option...]: stop NAME and start it again on the same
# datadir and port; extra options are appended to its cnf for good.
srv_restart() {
	local name=$1 opt
	shift
	srv_stop "$name"
	for opt in "$@"; do
		echo "${opt#--}" >>"$(_srv_get "$name" CNF)"
	done
	_srv_launch "$name"
}

# srv_binlogs NAME: print the paths of NAME's binlog files, oldest first.
srv_binlogs() {
	local dir f
	dir=$(_srv_get "$1" BINLOG_DIR)
	while read -r f; do
		echo "$dir/${f##*/}"
	done <"$dir/$1-bin.index"
}

# Copy NAME's binlogs of up to 1 MB to $MYSHIFT_SAVE_BINLOGS.
_srv_save_binlogs() {
	local f
	mkdir -p "$MYSHIFT_SAVE_BINLOGS" || return 0
	for f in "$(_srv_get "$1" BINLOG_DIR)"/"$1"-bin.[0-9]*; do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" -le 1048576 ] &&
		    cp "$f" "$MYSHIFT_SAVE_BINLOGS/${SRV_ROOT##*/}-${f##*/}"
	done
	return 0
}

# srv_cleanup_all: stop every server this test started, release the ports
# and remove the scratch dir (kept if MYSHIFT_TEST_KEEP=1).  The servers
# are killed (SIGKILL): their datadirs are removed next, and a clean
# shutdown of a MySQL server takes 1.5 s of each test; kept ones are
# stopped cleanly.
srv_cleanup_all() {
	local name port d
	# what the test started that talks to the servers goes first
	# (tests/lib/migrate.sh: a myshift left running by a failed check)
	if declare -F srv_cleanup_hook >/dev/null; then
		srv_cleanup_hook
	fi
	for name in "${SRV_NAMES[@]}"; do
		if [ "${MYSHIFT_TEST_KEEP:-0}" = 1 ]; then
			srv_stop "$name"
		else
			srv_kill "$name"
		fi
		port=$(_srv_get "$name" PORT)
		[ -n "$port" ] && rm -rf "$SRV_PORT_LOCKS/$port"
		[ -n "${MYSHIFT_SAVE_BINLOGS:-}" ] && _srv_save_binlogs "$name"
	done
	SRV_NAMES=()
	for d in "${SRV_INNER_DIRS[@]}"; do
		if [ "${MYSHIFT_TEST_KEEP:-0}" = 1 ]; then
			echo "kept $d" >&2
		else
			rm -rf "$d"
		fi
	done
	SRV_INNER_DIRS=()
	if [ -n "$SRV_ROOT" ]; then
		if [ "${MYSHIFT_TEST_KEEP:-0}" = 1 ]; then
			echo "kept $SRV_ROOT" >&2
		else
			rm -rf "$SRV_ROOT"
		fi
		SRV_ROOT=
	fi
}

# srv_scratch: create the per-test scratch dir $SRV_ROOT now (call it in
# the main shell), for files a test makes besides servers; it is removed
# with the servers.
srv_scratch() {
	_srv_root
}

# wait_until [-t SECONDS] CMD...: run CMD every 0.2 s until it succeeds;
# return 1 after SECONDS (default 30).
wait_until() {
	local timeout=30 t0=$SECONDS
	if [ "$1" = -t ]; then
		timeout=$2
		shift 2
	fi
	until "$@"; do
		if [ $((SECONDS - t0)) -ge "$timeout" ]; then
			echo "wait_until: '$*' still false after ${timeout}s" >&2
			return 1
		fi
		sleep 0.2
	done
}

# log_contains NAME|FILE REGEX: does the server's error log (or FILE)
# contain a line matching the extended REGEX?
log_contains() {
	local f=$1
	[ -n "$(_srv_get "$1" LOG)" ] && f=$(_srv_get "$1" LOG)
	grep -Eq -- "$2" "$f" 2>/dev/null
}

trap srv_cleanup_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
