#!/usr/bin/env bash
# run.sh: `make check` of a --enable-fuzzing build: the event decoder fuzzer
# for about a minute over seed binlogs.
#
# Seeds: the unit tests' event streams (tests/unit/test_events writes them
# with MYSHIFT_SEED_DIR), binlogs the integration tests saved
# ($MYSHIFT_FUZZ_SEEDS, from MYSHIFT_SAVE_BINLOGS), and MariaDB's std_data
# binlogs.  The corpus grows in tests/fuzz/corpus of the build directory and
# is reused; crashes land in tests/fuzz/artifacts.  FUZZ_SECONDS (default
# 60) sets the time.  Exit 0: no crash, leak, timeout or sanitizer report.

set -u
b=${top_builddir:?run by make check}
fz=$b/tests/fuzz/event-fuzzer
dir=$b/tests/fuzz
std=/usr/share/mysql/mysql-test/std_data

[ -x "$fz" ] || { echo "no fuzzer at $fz (configure --enable-fuzzing)"; exit 99; }
rm -rf "$dir/seeds"
mkdir -p "$dir/seeds" "$dir/corpus" "$dir/artifacts" || exit 99
if [ -n "${MYSHIFT_FUZZ_SEEDS:-}" ] && [ -d "$MYSHIFT_FUZZ_SEEDS" ]; then
	for f in "$MYSHIFT_FUZZ_SEEDS"/*; do
		[ -f "$f" ] && cp "$f" "$dir/seeds/"
	done
fi
[ -x "$b/tests/unit/test_events" ] &&
    MYSHIFT_SEED_DIR=$dir/seeds "$b/tests/unit/test_events" >/dev/null 2>&1
for f in "$std"/*.0000* "$std"/*binlog* "$std"/rpl/*.0000*; do
	[ -f "$f" ] && [ "$(stat -c %s "$f")" -le 1048576 ] &&
	    cp "$f" "$dir/seeds/std-${f##*/}"
done
echo "$(find "$dir/seeds" -type f | wc -l) seed files, $(find "$dir/corpus" -type f | wc -l) in the corpus"
"$fz" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$dir/corpus" "$dir/seeds" 2>&1 |
    grep -vE '^#[0-9]+.*(NEW|REDUCE|pulse)'
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || echo "FAIL: the fuzzer stopped with status $rc; artifacts in $dir/artifacts"
exit "$rc"
