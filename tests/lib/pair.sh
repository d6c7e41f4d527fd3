#!/usr/bin/env bash
# pair.sh: run an integration suite on a flavour pair; automake's log
# compiler for tests/pairs/SRC--DST/SUITE.pair files.
#
# tests/pairs/mysql-9.7--mariadb-11.8/run_types.pair runs
# tests/integration/run_types.sh with MYSHIFT_PAIR=mysql-9.7:mariadb-11.8.
# The .pair file itself holds nothing but a comment.

set -u
p=$1
shift
suite=$(basename "$p" .pair)
pair=$(basename "$(dirname "$p")")
src=${pair%%--*}
dst=${pair#*--}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -f "$top_srcdir/tests/integration/$suite.sh" ] || {
	echo "pair.sh: no suite tests/integration/$suite.sh for $p" >&2
	exit 99
}
echo "suite $suite on $src -> $dst"
export MYSHIFT_PAIR="$src:$dst"
exec bash "$top_srcdir/tests/integration/$suite.sh" "$@"
