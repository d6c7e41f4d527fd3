#!/usr/bin/env bash
# docs_keys.sh: the configuration keys cannot drift from their documentation.
#
# Fails unless the keys that "myshift config-keys" prints are exactly those
# documented in man/myshift.ini.5 and those present in conf/myshift.ini
# (both directions; each missing key is named with where it is missing),
# unless every default documented in the man page is the code's, and unless
# every key the example leaves commented out (";key = value") shows the
# code's default, when the key has one.  Then "myshift check-config" must
# accept a copy of the example (required keys the example leaves commented
# out are uncommented in the copy) and reject the copy with an unknown key
# added, naming its line; and mandoc -T lint -W warning must find nothing
# in man/myshift.1 and man/myshift.ini.5 (when mandoc is installed).
#
# Conventions parsed:
#   man/myshift.ini.5  under ".Sh KEYS", each ".Ss" names its sections in
#                      brackets ("[source] and [destination]"); each key is
#                      one line ".It Cm KEY Ar TYPE Pq DEFAULT" where DEFAULT
#                      is "no default", "default empty" or "default Ql VALUE"
#   conf/myshift.ini   "[section]" headers; "key = value" set, ";key = value"
#                      commented out; lines starting with '#' are prose
#   config-keys        "section.key default", default "-" for none and
#                      '""' for empty
#
# Environment: top_srcdir, top_builddir (the binary is $top_builddir/myshift).

set -u
export LC_ALL=C		# sort, comm and join agree on the order
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT=${MYSHIFT:-$top_builddir/myshift}
MAN5=$top_srcdir/man/myshift.ini.5
MAN1=$top_srcdir/man/myshift.1
INI=$top_srcdir/conf/myshift.ini
# Keys without a default that check-config requires.
REQUIRED="source.host source.user destination.host destination.user replication.server_id"

nerr=0
# Record an error and go on, so that every difference is reported at once.
err() {
	echo "FAIL: $*" >&2
	nerr=$((nerr + 1))
}

[ -x "$MYSHIFT" ] || { echo "FAIL: myshift not found: $MYSHIFT" >&2; exit 1; }
for f in "$MAN5" "$MAN1" "$INI"; do
	[ -f "$f" ] || { echo "FAIL: $f is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/docs-keys.XXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Below, files hold tab-separated fields, sorted: "section.key<TAB>...".
T=$'\t'

# The code's keys: "section.key default".
"$MYSHIFT" config-keys >"$work/code.raw" || { echo "FAIL: myshift config-keys failed" >&2; exit 1; }
awk 'NF != 2 || $1 !~ /^[a-z_]+\.[a-z_]+$/ { print "bad line " NR ": " $0 > "/dev/stderr"; bad = 1 }
    { print $1 "\t" $2 } END { exit bad }' "$work/code.raw" | sort >"$work/code" ||
    { echo "FAIL: unexpected output of myshift config-keys" >&2; exit 1; }
[ -s "$work/code" ] || { echo "FAIL: myshift config-keys printed nothing" >&2; exit 1; }

# The man page's keys: "section.key default" (same spelling as config-keys).
awk -v file="$MAN5" '
    /^\.Sh / { inkeys = ($2 == "KEYS"); next }
    !inkeys { next }
    /^\.Ss / {
	n = 0; s = $0
	while (match(s, /\[[a-z_]+\]/)) {
		sec[++n] = substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
	}
	if (n == 0) { printf "%s:%d: .Ss names no [section]\n", file, NR > "/dev/stderr"; bad = 1 }
	next
    }
    /^\.It Cm / {
	if ($0 ~ /Pq no default$/) d = "-"
	else if ($0 ~ /Pq default empty$/) d = "\"\""
	else if (match($0, /Pq default Ql [^ ]+$/)) d = substr($0, RSTART + 14)
	else { printf "%s:%d: cannot read the default of: %s\n", file, NR, $0 > "/dev/stderr"; bad = 1; next }
	if ($4 != "Ar") { printf "%s:%d: no type (Ar) in: %s\n", file, NR, $0 > "/dev/stderr"; bad = 1 }
	if (n == 0) { printf "%s:%d: key %s outside a section\n", file, NR, $3 > "/dev/stderr"; bad = 1 }
	for (i = 1; i <= n; i++) print sec[i] "." $3 "\t" d
    }
    END { exit bad }' "$MAN5" | sort >"$work/man" || err "$MAN5 does not follow the key conventions (see above)"

# The example's keys: "section.key state value", state "set" or "commented".
awk -v file="$INI" '
    /^\[[a-z_]+\][ \t]*$/ { sec = $0; sub(/^\[/, "", sec); sub(/\][ \t]*$/, "", sec); next }
    /^;?[ \t]*[a-z_]+[ \t]*=/ {
	st = /^;/ ? "commented" : "set"
	line = $0; sub(/^;?[ \t]*/, "", line)
	k = line; sub(/[ \t]*=.*/, "", k)
	v = line; sub(/^[a-z_]+[ \t]*=[ \t]*/, "", v); sub(/[ \t\r]+$/, "", v)
	if (sec == "") { printf "%s:%d: key %s before any section\n", file, NR, k > "/dev/stderr"; bad = 1; next }
	print sec "." k "\t" st "\t" (v == "" ? "\"\"" : v)
    }
    END { exit bad }' "$INI" | sort >"$work/ini.all" || err "$INI has keys outside sections (see above)"

# Keys listed more than once in the example (set and commented, or twice).
while read -r k; do
	err "$k appears more than once in conf/myshift.ini"
done < <(cut -f1 "$work/ini.all" | uniq -d)

cut -f1 "$work/code" >"$work/code.keys"
cut -f1 "$work/man" | sort -u >"$work/man.keys"
cut -f1 "$work/ini.all" | sort -u >"$work/ini.keys"

# Both directions, for each document.
while read -r k; do
	err "$k is a key of myshift (config-keys) but is not documented in man/myshift.ini.5"
done < <(comm -23 "$work/code.keys" "$work/man.keys")
while read -r k; do
	err "$k is documented in man/myshift.ini.5 but myshift does not know it (config-keys)"
done < <(comm -13 "$work/code.keys" "$work/man.keys")
while read -r k; do
	err "$k is a key of myshift (config-keys) but is missing from conf/myshift.ini"
done < <(comm -23 "$work/code.keys" "$work/ini.keys")
while read -r k; do
	err "$k is in conf/myshift.ini but myshift does not know it (config-keys)"
done < <(comm -13 "$work/code.keys" "$work/ini.keys")

# Defaults: the man page's must be the code's.
while IFS=$T read -r k man_d code_d; do
	[ "$man_d" = "$code_d" ] ||
	    err "$k: man/myshift.ini.5 gives the default '$man_d', the code '$code_d'" \
	    "('-' none, '\"\"' empty)"
done < <(join -t "$T" "$work/man" "$work/code")

# Defaults: a key commented out in the example shows the code's default
# (keys without one show an example value).
while IFS=$T read -r k st v code_d; do
	if [ "$st" = commented ] && [ "$code_d" != - ] && [ "$v" != "$code_d" ]; then
		err "$k: conf/myshift.ini shows ';${k#*.} = $v' commented out in" \
		    "[${k%%.*}], but the default is '$code_d'"
	fi
done < <(join -t "$T" "$work/ini.all" "$work/code")

# check-config accepts the example, with the required keys set.
copy=$work/myshift.ini
awk -v req="$REQUIRED" '
    BEGIN { n = split(req, r, " "); for (i = 1; i <= n; i++) need[r[i]] = 1 }
    /^\[[a-z_]+\]/ { sec = $0; sub(/^\[/, "", sec); sub(/\].*/, "", sec) }
    /^;[ \t]*[a-z_]+[ \t]*=/ {
	k = $0; sub(/^;[ \t]*/, "", k); sub(/[ \t]*=.*/, "", k)
	if ((sec "." k) in need) sub(/^;[ \t]*/, "")
    }
    { print }' "$INI" >"$copy"
chmod 600 "$copy"
out=$(env -u MYSHIFT_SOURCE_PASSWORD -u MYSHIFT_DESTINATION_PASSWORD \
    "$MYSHIFT" check-config -c "$copy" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ "$out" != "$copy: ok" ]; then
	err "myshift check-config rejects conf/myshift.ini (status $rc): $out"
fi

# ... and rejects it with an unknown key, naming the line.
printf '[apply]\nno_such_key = 1\n' >>"$copy"
line=$(wc -l <"$copy")
out=$("$MYSHIFT" check-config -c "$copy" 2>&1)
rc=$?
if [ $rc -ne 2 ] || [[ $out != *"$copy:$line:"*no_such_key* ]]; then
	err "myshift check-config accepts an unknown key or does not name its line" \
	    "(status $rc): $out"
fi

# The man pages are clean for mandoc.
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -T lint -W warning "$MAN1" "$MAN5" 2>&1) ||
	    err "mandoc -T lint -W warning: $out"
fi

if [ $nerr -gt 0 ]; then
	echo "FAIL: $nerr problem(s) between myshift config-keys, man/myshift.ini.5 and conf/myshift.ini" >&2
	exit 1
fi
echo "ok: $(wc -l <"$work/code") keys documented in man/myshift.ini.5 and conf/myshift.ini, defaults agree"
exit 0
