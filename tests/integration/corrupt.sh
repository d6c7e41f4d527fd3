#!/usr/bin/env bash
# corrupt.sh: myshift-binlog on truncated and corrupted copies of a binlog.
#
# A real MariaDB server writes a small binlog with CRC32 checksums (the
# default) holding DDL, plain and compressed rows events of many types, and
# a second one with binlog_checksum=NONE.  From them the driver below makes
# thousands of damaged copies and runs myshift-binlog on each:
#
#   cut     the file cut at an offset (inside the magic, an event header, an
#           event body, a row, the checksum).  A cut exactly at an event
#           boundary is a valid, shorter binlog: it must decode (exit 0).
#           Any other cut must fail with an error naming the file and an
#           offset between the start of the cut event and the cut.
#   flip    one byte XORed with 0xFF or 0x01.  With CRC32 every flip must be
#           detected (non-zero exit, file and offset named), except the
#           FORMAT_DESCRIPTION in-use flag (bit 0 of its flags), which the
#           server clears after writing and the checksum does not cover.
#           The same copies with --no-verify-checksum, and flips of the
#           NONE file, may decode or fail, but only with a proper error.
#   size    an event's length field set to 0, 1, 18, 19, length +-1, 2^31-1,
#           2^32-1, ...: an error with CRC32; no crash without.
#   garbage runs of random bytes written over event bodies, decoded with
#           --no-verify-checksum (and --json): no crash.
#
# Never allowed: a crash (signal, exit status >= 128), a sanitizer report,
# a hang (each run is killed after 20 s), an error without file or offset.
# Under ASan with detect_leaks=1, every fourth run (of every kind) checks
# for leaks; the others skip the check, which is most of a run's time.
# MYSHIFT_CORRUPT_EXHAUSTIVE=1 tries every offset instead of a sample;
# MYSHIFT_CORRUPT_SEED changes the random sample.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
MYSHIFT_BINLOG=${MYSHIFT_BINLOG:-$top_builddir/myshift-binlog}
. "$top_srcdir/tests/lib/servers.sh"

srv_require
command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$MYSHIFT_BINLOG" ] || fail "myshift-binlog not found: $MYSHIFT_BINLOG"

srv_start src --log_bin_compress_min_len=10

# The CRC32 binlog: DDL, rows of many types, then compressed events.
srv_sql src "FLUSH BINARY LOGS" || fail "FLUSH BINARY LOGS"
crc_file=$(srv_sql src "SHOW MASTER STATUS" | cut -f1)
srv_sql src - <<'EOF' || fail "workload failed"
SET sql_mode='';
SET time_zone='+00:00';
CREATE DATABASE c;
USE c;
CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(200), b DECIMAL(20,5),
  d DATETIME(6), e ENUM('x','y'), j JSON, bl BLOB, ti TIME(3),
  u BIGINT UNSIGNED, f DOUBLE, bt BIT(10), ts TIMESTAMP(2) NULL, y YEAR,
  s SET('p','q'), g POINT) DEFAULT CHARSET=utf8mb4;
INSERT INTO t VALUES
  (1, 'héllo 😀', -123.45678, '2024-01-02 03:04:05.678901', 'y',
   '{"k": [1,2]}', X'00FF', '-01:02:03.456', 18446744073709551615, 1.5,
   b'1010101010', '2001-02-03 04:05:06.78', 2024, 'p,q', POINT(1, 2)),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL),
  (3, REPEAT('z', 150), 0, '0000-00-00', 'x', '[]', REPEAT(X'AB', 300),
   '00:00:00', 0, -0.25, 0, '0000-00-00', 0, '', POINT(0, 0));
UPDATE t SET a='upd', b=b+1 WHERE id IN (1, 3);
DELETE FROM t WHERE id=2;
CREATE TABLE k (x INT) ENGINE=MyISAM;
INSERT INTO k VALUES (1), (2), (NULL);
SET GLOBAL log_bin_compress=ON;
EOF
srv_sql src - <<'EOF' || fail "compressed workload failed"
USE c;
INSERT INTO t (id, a, bl) VALUES (10, REPEAT('compressed ', 15), REPEAT(X'01', 200));
UPDATE t SET a=CONCAT(a, '!') WHERE id=10;
ALTER TABLE t ADD COLUMN z INT DEFAULT 5;
DELETE FROM t WHERE id=10;
SET GLOBAL log_bin_compress=OFF;
EOF

# The same without checksums.
srv_sql src "SET GLOBAL binlog_checksum=NONE; FLUSH BINARY LOGS" || fail "binlog_checksum=NONE"
none_file=$(srv_sql src "SHOW MASTER STATUS" | cut -f1)
srv_sql src "INSERT INTO c.t (id, a, d) VALUES (20, 'no crc', NOW(6));
  UPDATE c.t SET a='x', d=NULL WHERE id=20; DELETE FROM c.t WHERE id=20;
  FLUSH BINARY LOGS" || fail "NONE workload failed"

mkdir -p "$SRV_ROOT/corrupt"
cp "$src_BINLOG_DIR/$crc_file" "$SRV_ROOT/corrupt/crc32.bin"
cp "$src_BINLOG_DIR/$none_file" "$SRV_ROOT/corrupt/none.bin"
srv_stop src

# The undamaged files must decode, and really are what we think they are.
for f in crc32.bin none.bin; do
	mariadb-binlog "$SRV_ROOT/corrupt/$f" >"$SRV_ROOT/ref.out" 2>&1 ||
	    fail "mariadb-binlog cannot read the undamaged $f"
	timeout 60 "$MYSHIFT_BINLOG" "$SRV_ROOT/corrupt/$f" >/dev/null 2>"$SRV_ROOT/my.err" || {
		cat "$SRV_ROOT/my.err" >&2
		fail "myshift-binlog fails on the undamaged $f"
	}
done
grep -q 'CRC32 0x' < <(mariadb-binlog "$SRV_ROOT/corrupt/crc32.bin") ||
    fail "crc32.bin has no CRC32 checksums"
grep -q 'Write_compressed_rows' < <(mariadb-binlog "$SRV_ROOT/corrupt/crc32.bin") ||
    fail "crc32.bin has no compressed rows events"

python3 - "$MYSHIFT_BINLOG" "$SRV_ROOT/corrupt" <<'EOF'
import concurrent.futures, os, random, re, subprocess, sys

tool, work = sys.argv[1], sys.argv[2]
exhaustive = os.environ.get("MYSHIFT_CORRUPT_EXHAUSTIVE") == "1"
seed = int(os.environ.get("MYSHIFT_CORRUPT_SEED", "20240601"))
rng = random.Random(seed)
HDR = 19
OFFSET_RE = re.compile(rb"offset[ :=]+(\d+)", re.I)
CRASH_RE = re.compile(rb"Sanitizer|runtime error:|Segmentation|core dumped")


def events(data):
    """Start offsets of the events of an undamaged binlog, plus its end."""
    starts, pos = [], 4
    while pos < len(data):
        starts.append(pos)
        pos += int.from_bytes(data[pos + 9:pos + 13], "little")
    assert pos == len(data), "undamaged binlog does not parse"
    return starts + [pos]


def event_at(starts, off):
    """Start of the event holding offset off (0 inside the magic)."""
    s = 0
    for b in starts:
        if b <= off:
            s = b
    return s


# Header bytes worth damaging: type, length, log_pos, flags (the
# timestamp and server id are not interpreted).
HDR_FIELDS = (4, 9, 10, 12, 13, 16, 17, 18)
# Cuts inside a header: after the timestamp, type, server id, length...
HDR_CUTS = (0, 1, 5, 9, 13, 17, 19, 20)


def sample(starts, size, stride, near):
    """Offsets worth damaging: the magic and the FORMAT_DESCRIPTION,
    offsets near in every event header, the checksum area of every event,
    and every stride-th byte."""
    if exhaustive:
        return list(range(size))
    # FORMAT_DESCRIPTION: header, version, header length, the first
    # post-header lengths; its tail (checksum algorithm, CRC).
    offs = set(range(0, min(size, 4 + HDR + 64)))
    offs.update(range(starts[1] - 6, starts[1]))
    for b in starts[:-1]:
        offs.update(b + k for k in near)
    for b in starts[1:]:
        offs.update((b - 1, b - 4, b - 5))
    offs.update(range(0, size, stride))
    return sorted(o for o in offs if o < size)


class Result:
    def __init__(self):
        self.failures = []
        self.counts = {}

    def count(self, kind, outcome):
        k = (kind, outcome)
        self.counts[k] = self.counts.get(k, 0) + 1


res = Result()


# Under AddressSanitizer the leak check at exit is most of a run's time:
# it runs on every fourth copy (of every kind), the others skip it.
ASAN = os.environ.get("ASAN_OPTIONS", "")
NO_LEAKS = dict(os.environ, ASAN_OPTIONS=re.sub(
    r"detect_leaks=1", "detect_leaks=0", ASAN)) if "detect_leaks=1" in ASAN else None


def run(i, kind, name, blob, args, expect, lo=None, hi=None):
    """Run the tool on blob.  expect: 'ok', 'error' or 'any'.  For an
    error, the named offset must lie in [lo, hi] when those are given."""
    path = os.path.join(work, name)
    env = NO_LEAKS if NO_LEAKS and i % 4 else None
    with open(path, "wb") as f:
        f.write(blob)
    why = None
    try:
        r = subprocess.run([tool] + args + [path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=20, env=env)
        rc, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        rc, err, why = None, b"", "hung (killed after 20 s)"
    if why is None:
        if rc < 0 or rc >= 128:
            why = "crashed (exit status %d)" % (rc if rc >= 0 else 128 - rc)
        elif CRASH_RE.search(err):
            why = "sanitizer report"
        elif rc == 0 and expect == "error":
            why = "exit 0, the damage went undetected"
        elif rc != 0 and expect == "ok":
            why = "failed on a valid file"
        elif rc != 0:
            m = OFFSET_RE.search(err)
            if path.encode() not in err:
                why = "error does not name the file"
            elif m is None:
                why = "error names no offset"
            elif lo is not None and not lo <= int(m.group(1)) <= hi:
                why = "error names offset %s, not within [%d, %d]" % (
                    m.group(1).decode(), lo, hi)
    res.count(kind, "ok" if rc == 0 else "error")
    if why:
        res.failures.append("%s %s: %s\n      %s" % (
            " ".join(args) or "(text)", name, why,
            err.decode("utf-8", "replace").strip()[:400]))
    else:
        os.unlink(path)


def flip(data, off, mask):
    d = bytearray(data)
    d[off] ^= mask
    return bytes(d)


jobs = []
for base, crc in (("crc32.bin", True), ("none.bin", False)):
    data = open(os.path.join(work, base), "rb").read()
    starts = events(data)
    stem = base.split(".")[0]
    fde_flags = starts[0] + 17  # low byte of the FDE's flags

    # Cuts.
    for cut in sample(starts, len(data), 11 if crc else 23, HDR_CUTS):
        if cut in starts:
            jobs.append(("cut", "%s-cut-%d" % (stem, cut), data[:cut], [], "ok"))
        else:
            jobs.append(("cut", "%s-cut-%d" % (stem, cut), data[:cut], [],
                         "error", event_at(starts, cut), cut))

    # Flips.
    for i, off in enumerate(sample(starts, len(data), 7 if crc else 13, HDR_FIELDS)):
        masks = ((0xFF, 0x01)[i % 2],)
        if any(off - b in (4, 9, 12, 17) for b in starts[:-1]):
            masks = (0xFF, 0x01)
        for mask in masks:
            blob = flip(data, off, mask)
            name = "%s-flip-%d-%02x" % (stem, off, mask)
            if crc:
                expect = "any" if off == fde_flags and mask == 0x01 else "error"
                jobs.append(("flip", name, blob, [], expect))
                if i % 2 == 0:
                    jobs.append(("flip-noverify", name + "-nv", blob,
                                 ["--no-verify-checksum"], "any"))
            else:
                jobs.append(("flip-none", name, blob, [], "any"))

    # Event length fields.
    for k, (b, e) in enumerate(zip(starts[:-1], starts[1:])):
        size = e - b
        if k % 3 and not exhaustive:
            continue
        for v in sorted({0, HDR - 1, HDR, size - 1, size + 1, size + HDR,
                         len(data), 0x7FFFFFFF, 0xFFFFFFFF}):
            blob = data[:b + 9] + v.to_bytes(4, "little") + data[b + 13:]
            name = "%s-size-%d-%d" % (stem, b, v)
            jobs.append(("size", name, blob, [], "error" if crc else "any"))
            if crc:
                jobs.append(("size-noverify", name + "-nv", blob,
                             ["--no-verify-checksum"], "any"))

    # Garbage over event bodies, without checksum verification.
    for n in range(120 if crc else 40):
        k = rng.randrange(1, len(starts) - 1)
        b, e = starts[k], starts[k + 1]
        if e - b <= HDR + 1:
            continue
        off = rng.randrange(b + HDR, e - 1)
        ln = min(rng.randrange(1, 17), e - off)
        blob = data[:off] + bytes(rng.randrange(256) for _ in range(ln)) + data[off + ln:]
        args = ["--no-verify-checksum"] + (["--json"] if n % 3 == 0 else [])
        jobs.append(("garbage", "%s-garbage-%d-%d-%d" % (stem, n, off, ln), blob, args, "any"))

# A few cuts in --json and --stats modes.
for j in [j for j in jobs if j[0] == "cut"][::25]:
    for mode in ("--json", "--stats"):
        jobs.append(("cut" + mode, j[1] + mode, j[2], [mode]) + tuple(j[4:]))

with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    for f in [ex.submit(run, i, *j) for i, j in enumerate(jobs)]:
        f.result()

for kind in sorted({k for k, _ in res.counts}):
    print("%-16s %5d decoded  %5d refused" % (
        kind, res.counts.get((kind, "ok"), 0), res.counts.get((kind, "error"), 0)))
print("%d runs (seed %d%s)" % (len(jobs), seed, ", exhaustive" if exhaustive else ""))
if res.failures:
    print("%d failures (copies kept in %s):" % (len(res.failures), work), file=sys.stderr)
    for f in sorted(res.failures)[:40]:
        print("  " + f, file=sys.stderr)
    sys.exit(1)
EOF
rc=$?
if [ $rc -ne 0 ]; then
	# Keep the scratch dir with the failing copies for a look.
	MYSHIFT_TEST_KEEP=1
	exit 1
fi
