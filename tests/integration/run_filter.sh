#!/usr/bin/env bash
# run_filter.sh: `myshift run` with [filter]: wildcards, exclusions, column
# exclusion and renames; and configuration errors.
#
# Part 1: configuration errors, no server needed:
#   - a bad [filter] (a rename without ':', a table pattern without a
#     database, a column pattern of two parts, a wildcard in a rename) makes
#     `myshift run` and `myshift check-config` exit 2 naming the bad item;
#   - a config holding a password with mode 0644 is refused (exit 2, the
#     message names the mode), and so is a password_file of mode 0640;
#   - a config with many malformed lines reports every one of them, each
#     with its line number, in one run (exit 2).
#
# Part 2: replication through filters.  With
#   include_databases = shop*, crm       exclude_databases = shop_tmp*
#   include_tables    = shop*.*, crm.cust*, crm.orders
#   exclude_tables    = shop*.tmp_*, crm.customers_old
#   exclude_columns   = crm.customers.password_hash, *.*.secret
#   rename_databases  = shop:shop_v2, crm:crm2
#   rename_tables     = crm.orders:shop_v2.crm_orders, shop_eu.items:shop_eu.items_eu
# a workload on the source (created after myshift started, so the DDL goes
# through the filters too) writes to selected and filtered objects alike,
# with DDL on both (ALTER, CREATE INDEX, a view, DROP TABLE).  Afterwards
# the destination must hold exactly the selected databases and tables under
# their new names (nothing of shop, crm, shop_tmp1, other, tmp_*,
# customers_old, notes), with the same rows (CHECKSUM TABLE and every row;
# the excluded columns left out of the comparison, and holding their
# default (NULL or DEFAULT) on the destination: never written), and the
# same columns as on the source.

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

srv_scratch
T=$SRV_ROOT

# base_cfg FILE: a complete config (no server behind it) without [filter].
base_cfg() {
	(
		umask 077
		cat >"$1" <<-EOF
		[source]
		host = 127.0.0.1
		port = 9
		user = repl
		password = secret-source-pw
		[destination]
		host = 127.0.0.1
		port = 9
		user = apply
		password = secret-dest-pw
		[replication]
		server_id = 77
		EOF
	)
}

# expect_exit2 WHAT PATTERN CMD...: CMD exits 2 within 20 s and its output
# matches the extended regex PATTERN; no password in it.
expect_exit2() {
	local what=$1 pat=$2 out rc
	shift 2
	out=$(timeout 20 "$@" 2>&1)
	rc=$?
	if [ "$rc" != 2 ]; then
		check_fail "$what: exit status $rc, expected 2: $(echo "$out" | head -n 3)"
	elif ! echo "$out" | grep -Eq -- "$pat"; then
		check_fail "$what: the message does not match /$pat/: $(echo "$out" | head -n 5)"
	fi
	case $out in *secret-*-pw*) check_fail "$what: a password is shown: $out" ;; esac
	echo "$what: $(echo "$out" | head -n 1 | cut -c1-200)"
}

echo "part 1: configuration errors"
for bad in "rename_tables = crm.orders|crm.orders" \
    "include_tables = shop|shop" \
    "exclude_columns = crm.customers|crm.customers" \
    "rename_databases = shop:shop_*|shop_\\*" \
    "include_databases = shop,,crm|empty"; do
	line=${bad%%|*}
	item=${bad#*|}
	base_cfg "$T/bad.ini"
	printf '[filter]\n%s\n' "$line" >>"$T/bad.ini"
	expect_exit2 "run, bad filter '$line'" "$item" "$MYSHIFT" run -c "$T/bad.ini"
	expect_exit2 "check-config, bad filter '$line'" "$item" \
	    "$MYSHIFT" check-config -c "$T/bad.ini"
done

base_cfg "$T/mode.ini"
chmod 644 "$T/mode.ini"
expect_exit2 "config with a password, mode 0644" "0644" "$MYSHIFT" run -c "$T/mode.ini"
expect_exit2 "check-config, password, mode 0644" "0644" "$MYSHIFT" check-config -c "$T/mode.ini"

base_cfg "$T/pwfile.ini"
sed -i 's/^password = secret-dest-pw$/password_file = '"${T//\//\\/}"'\/dest.pw/' "$T/pwfile.ini"
echo "secret-dest-pw" >"$T/dest.pw"
chmod 640 "$T/dest.pw"
expect_exit2 "password_file of mode 0640" "dest\\.pw.*0640|0640.*dest\\.pw" \
    "$MYSHIFT" run -c "$T/pwfile.ini"

cat >"$T/malformed.ini" <<-'EOF'
[source]
host = 127.0.0.1
port = notanumber
user = repl
this line has no equals sign
password_file = /nonexistent/pw
[destination]
host = 127.0.0.1
user = apply
colour = blue
[bogus]
key = value
[replication]
server_id = 0
server_id = 5
[apply]
batch_bytes = 12Q
foreign_key_checks = maybe
EOF
chmod 600 "$T/malformed.ini"
out=$(timeout 20 "$MYSHIFT" run -c "$T/malformed.ini" 2>&1)
rc=$?
[ "$rc" = 2 ] || check_fail "malformed config: exit status $rc, expected 2"
for want in "3:.*port" "5:.*(equals|key = value|this line)" "10:.*colour" \
    "12:.*bogus" "15:.*server_id" "17:.*batch_bytes" "18:.*foreign_key_checks"; do
	echo "$out" | grep -Eq "malformed\\.ini:$want" ||
	    check_fail "malformed config: no error for line ${want%%:*} (/$want/) in:" \
	    "$(echo "$out" | tr '\n' '|' | cut -c1-600)"
done
echo "malformed config: $(echo "$out" | grep -c 'malformed\.ini:[0-9]') line errors reported"

echo "part 2: replication through filters"
mig_source src
mig_dest dst
CFG=$T/myshift.ini
mig_config "$CFG" src dst current "[filter]
include_databases = shop*, crm
exclude_databases = shop_tmp*
include_tables = shop*.*, crm.cust*, crm.orders
exclude_tables = shop*.tmp_*, crm.customers_old
exclude_columns = crm.customers.password_hash, *.*.secret
rename_databases = shop:shop_v2, crm:crm2
rename_tables = crm.orders:shop_v2.crm_orders, shop_eu.items:shop_eu.items_eu

[apply]
batch_transactions = 20"
"$MYSHIFT" check-config -c "$CFG" >/dev/null 2>&1 ||
    fail "check-config refuses the filter config: $("$MYSHIFT" check-config -c "$CFG" 2>&1)"
mig_start "$CFG"
mig_wait_started dst || fail "myshift did not start"

srv_sql src - <<-EOF >"$T/workload.out" 2>&1 || fail "the workload failed: $(tail -n 5 "$T/workload.out")"
	CREATE DATABASE shop;
	CREATE TABLE shop.products (id INT NOT NULL PRIMARY KEY, name VARCHAR(40),
	    secret VARCHAR(40), price DECIMAL(10,2)) ENGINE=InnoDB;
	CREATE TABLE shop.tmp_import (id INT PRIMARY KEY, raw TEXT);
	CREATE DATABASE shop_eu;
	CREATE TABLE shop_eu.items (id INT NOT NULL PRIMARY KEY, sku CHAR(8), qty INT,
	    secret INT DEFAULT 42) ENGINE=InnoDB;
	CREATE TABLE shop_eu.stock (sku CHAR(8) NOT NULL PRIMARY KEY, n INT) ENGINE=InnoDB;
	CREATE DATABASE shop_tmp1;
	CREATE TABLE shop_tmp1.t (id INT PRIMARY KEY, v INT);
	CREATE DATABASE crm;
	CREATE TABLE crm.customers (id INT NOT NULL PRIMARY KEY, email VARCHAR(60),
	    password_hash BINARY(32), created DATE) ENGINE=InnoDB;
	CREATE TABLE crm.customers_old (id INT PRIMARY KEY, email VARCHAR(60));
	CREATE TABLE crm.orders (id INT NOT NULL PRIMARY KEY, customer INT,
	    total DECIMAL(12,2), secret VARCHAR(10)) ENGINE=InnoDB;
	CREATE TABLE crm.notes (id INT PRIMARY KEY, note TEXT);
	CREATE DATABASE other;
	CREATE TABLE other.t (id INT PRIMARY KEY, v INT);

	INSERT INTO shop.products SELECT seq, CONCAT('product ', seq), CONCAT('s', seq),
	    seq * 1.25 FROM $(srv_seq 300);
	INSERT INTO shop.tmp_import VALUES (1, 'raw'), (2, 'raw2');
	INSERT INTO shop_eu.items SELECT seq, CONCAT('SKU', seq), seq % 17, seq
	    FROM $(srv_seq 200);
	INSERT INTO shop_eu.stock SELECT CONCAT('SKU', seq), seq FROM $(srv_seq 50);
	INSERT INTO shop_tmp1.t VALUES (1, 1), (2, 2);
	INSERT INTO crm.customers SELECT seq, CONCAT('c', seq, '@example.com'),
	    UNHEX(SHA2(seq, 256)), '2020-01-01' + INTERVAL seq DAY FROM $(srv_seq 100);
	INSERT INTO crm.customers_old VALUES (1, 'old@example.com');
	INSERT INTO crm.orders SELECT seq, seq % 100 + 1, seq * 3.5, 'x'
	    FROM $(srv_seq 150);
	INSERT INTO crm.notes VALUES (1, 'note');
	INSERT INTO other.t VALUES (1, 1);

	BEGIN;
	UPDATE shop.products SET price = price * 2, secret = 'changed' WHERE id % 10 = 0;
	UPDATE crm.customers SET password_hash = UNHEX(SHA2('new', 256)) WHERE id < 10;
	UPDATE crm.customers SET email = 'changed@example.com', password_hash = NULL
	    WHERE id = 50;
	INSERT INTO shop_tmp1.t VALUES (3, 3);
	UPDATE other.t SET v = 2;
	INSERT INTO crm.notes VALUES (2, 'note 2');
	COMMIT;
	UPDATE shop_eu.items SET secret = secret + 1;
	UPDATE shop_eu.items SET qty = qty + 1, secret = 0 WHERE id < 20;
	DELETE FROM shop_eu.items WHERE id > 190;
	DELETE FROM crm.orders WHERE id > 140;
	UPDATE crm.orders SET total = total + 1, secret = 'y' WHERE id < 5;
	DELETE FROM crm.customers_old;

	ALTER TABLE shop.products ADD COLUMN stock INT NOT NULL DEFAULT 0;
	UPDATE shop.products SET stock = id % 7 WHERE id < 100;
	ALTER TABLE crm.orders ADD COLUMN note VARCHAR(20) NULL AFTER total;
	UPDATE crm.orders SET note = 'noted' WHERE id % 3 = 0;
	CREATE INDEX i_sku ON shop_eu.items (sku);
	ALTER TABLE shop_tmp1.t ADD COLUMN w INT;
	ALTER TABLE crm.notes ADD COLUMN n2 INT;
	ALTER TABLE shop.tmp_import ADD COLUMN x INT;
	ALTER TABLE other.t ADD COLUMN w INT;
	CREATE TABLE shop.tmp_more (id INT PRIMARY KEY);
	DROP TABLE shop.tmp_import;
	CREATE VIEW shop.cheap AS SELECT id, name FROM shop.products WHERE price < 10;
	CREATE TABLE shop_eu.later (id INT NOT NULL PRIMARY KEY, v VARCHAR(10));
	INSERT INTO shop_eu.later VALUES (1, 'a'), (2, 'b');
	USE crm;
	INSERT INTO customers (id, email, password_hash) VALUES (1000, 'use@crm', 0x01);
	UPDATE orders SET total = 0 WHERE id = 1;
	EOF

mig_wait_caught_up src dst 120 || fail "myshift did not catch up"

dbs=$(srv_sql dst "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME
    NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'myshift')
    ORDER BY SCHEMA_NAME" | tr '\n' ' ')
[ "$dbs" = "crm2 shop_eu shop_v2 " ] ||
    check_fail "databases on the destination: [$dbs], expected [crm2 shop_eu shop_v2 ]"
for want in "shop_v2:cheap crm_orders products" "shop_eu:items_eu later stock" \
    "crm2:customers"; do
	db=${want%%:*}
	have=$(mig_tables dst "$db" % | tr '\n' ' ')
	[ "$have" = "${want#*:} " ] || check_fail "tables of $db on the destination:" \
	    "[$have], expected [${want#*:} ]"
done

# compare SRC_DB.SRC_TABLE DST_DB.DST_TABLE [SKIP]: rows, columns, definition.
compare() {
	local sdb=${1%%.*} st=${1#*.} ddb=${2%%.*} dt=${2#*.} skip=${3:-} a b
	mig_compare_table src dst "$sdb" "$st" "$ddb" "$dt" "$skip" ||
	    check_fail "$1 and $2 differ"
	a=$(srv_sql src "SHOW CREATE TABLE \`$sdb\`.\`$st\`" | cut -f2- |
	    sed -E "s/^CREATE TABLE \`$st\`/CREATE TABLE X/; s/ AUTO_INCREMENT=[0-9]+//")
	b=$(srv_sql dst "SHOW CREATE TABLE \`$ddb\`.\`$dt\`" | cut -f2- |
	    sed -E "s/^CREATE TABLE \`$dt\`/CREATE TABLE X/; s/ AUTO_INCREMENT=[0-9]+//")
	[ "$a" = "$b" ] || check_fail "the definitions of $1 and $2 differ:" \
	    "source: $a; destination: $b"
}
compare shop.products shop_v2.products secret
compare crm.orders shop_v2.crm_orders secret
compare shop_eu.items shop_eu.items_eu secret
compare shop_eu.stock shop_eu.stock
compare shop_eu.later shop_eu.later
compare crm.customers crm2.customers password_hash

for c in "shop_v2.products.secret" "shop_v2.crm_orders.secret" \
    "shop_eu.items_eu.secret" "crm2.customers.password_hash"; do
	t=${c%.*}
	q=${c##*.}
	n=$(srv_sql dst "SELECT COUNT(*) FROM $t WHERE NOT ($q <=> DEFAULT($q))")
	[ "$n" = 0 ] || check_fail "excluded column $c was written: $n rows hold" \
	    "neither the column's default nor NULL ($(srv_sql dst "SELECT HEX($q)
	    FROM $t WHERE NOT ($q <=> DEFAULT($q)) LIMIT 3" | tr '\n' ' '))"
done
v=$(srv_sql dst "SELECT COUNT(*) FROM shop_v2.cheap" 2>&1)
w=$(srv_sql src "SELECT COUNT(*) FROM shop.cheap")
[ "$v" = "$w" ] || check_fail "view shop_v2.cheap on the destination gives '$v'," \
    "shop.cheap on the source $w"

mig_alive || check_fail "myshift exited: $(mig_log_tail 5)"
if grep -q ' ERROR ' "$MIG_LOG"; then
	check_fail "myshift logged errors: $(grep ' ERROR ' "$MIG_LOG" | head -n 3 | cut -c1-300)"
fi
mig_stop
[ "$MIG_RC" = 0 ] || check_fail "myshift exited with status $MIG_RC on SIGTERM, expected 0"

[ "$ERRORS" = 0 ] || fail "$ERRORS check(s) failed"
echo "PASS: exactly the selected objects, renamed, same data; config errors reported"
