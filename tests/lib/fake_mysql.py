#!/usr/bin/env python3
"""fake_mysql.py: a scripted MySQL 8.0 source for myshift's tests.

It speaks the server side of the MySQL protocol well enough for a replica:
handshake v10 as MySQL 8.0.36, authentication (mysql_native_password,
caching_sha2_password fast and full paths, sha256_password, auth switch),
optional TLS, the setup queries a replica sends, COM_REGISTER_SLAVE, and
COM_BINLOG_DUMP / COM_BINLOG_DUMP_GTID served from binlog files the way
MySQL's dump thread does (sql/rpl_binlog_sender.cc): a fake ROTATE before
every file, the file's FORMAT_DESCRIPTION (log_pos 0 when the dump starts
past it), every event as 0x00 + event bytes, GTID groups in the replica's
set skipped (with a heartbeat for the skipped bytes), then EOF for a
non-blocking dump or heartbeats (HEARTBEAT_LOG_EVENT v1, type 27) while
waiting for the file to grow.

It is no database: real MariaDB servers remain the integration tests'
source (DESIGN.md, decision 5).  This one exists to serve recorded MySQL 8
binlogs and to inject faults.

Serve:
  fake_mysql.py [serve] --binlog FILE[=NAME] ... [--user NAME:PLUGIN[:warm]=PW]
                [--tls] [--workdir D] [--port N] [--port-file F] [--log F]
                [--fault SPEC] ...
It prints its port on stdout when it accepts connections.  In --workdir it
writes rsa_public_key.pem (for --server-public-key-path) and, with --tls,
ca.pem (the self-signed certificate, for --ssl-ca).

Faults (--fault, repeatable) are used up in order, one at a time: the
first unused one is armed on each new connection (greeting faults) or dump
(the others) and stays armed until it fires.  POS is a byte offset in a
binlog file, optionally FILE:POS.
  cut@POS           send the stream up to file offset POS (mid-event if POS
                    is inside one: the packet is cut) and close
  cutbytes@N        close after N bytes of the dump's reply on the wire
  reset@POS         like cut, but with a TCP reset
  silent@POS|end    stop sending at POS (or where EOF/heartbeats would go),
                    keep the connection open, answer nothing
  garble@POS[:MODE] damage the event starting at POS: flip (a body byte,
                    stale CRC; default), crc, type (unknown type, CRC
                    fixed), len (wrong event size, CRC fixed), trunc
                    (packet 10 bytes short), short (10 bytes: less
                    than an event header)
  refuse[:CODE[:MESSAGE]]  answer the dump with ERR (default 1236)
  close@greeting    close at once after accept
  silent@greeting   accept and say nothing

Tools:
  fake_mysql.py gtidify IN OUT --uuid U [--first-gno N]
      turn ANONYMOUS_GTID events into GTID events U:N, U:N+1, ...
  fake_mysql.py split IN --at POS[,POS...] --out DIR --name BASE
      cut a binlog at transaction boundaries into BASE.000001, ...: each
      later file gets the FDE, a PREVIOUS_GTIDS, rewritten log_pos and
      CRCs; all but the last end with a ROTATE to the next
  fake_mysql.py rows-query IN OUT --event POS:SIZE ...
      insert ROWS_QUERY events of SIZE bytes (16 MB packet splits)
  fake_mysql.py strip-checksums IN OUT
      the same binlog as written with binlog_checksum=NONE
  fake_mysql.py gtidset-encode SET  /  gtidset-decode HEX
      the SID-block encoding of COM_BINLOG_DUMP_GTID and PREVIOUS_GTIDS

Python 3 standard library; RSA with python3-cryptography when importable,
else the openssl command (also used for the TLS certificate).
"""

import argparse
import hashlib
import os
import random
import re
import select
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    HAVE_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - the openssl command does it then
    HAVE_CRYPTOGRAPHY = False

# ------------------------------------------------------------------ constants

SERVER_VERSION = "8.0.36"

CLIENT_LONG_PASSWORD = 1
CLIENT_CONNECT_WITH_DB = 8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SSL = 0x800
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 1 << 19
CLIENT_CONNECT_ATTRS = 1 << 20
CLIENT_PLUGIN_AUTH_LENENC_DATA = 1 << 21
CLIENT_DEPRECATE_EOF = 1 << 24
CLIENT_QUERY_ATTRIBUTES = 1 << 27
SERVER_CAPS = 0xDFFFFFFF  # what MySQL 8.0 advertises

COM_QUIT = 0x01
COM_INIT_DB = 0x02
COM_QUERY = 0x03
COM_PING = 0x0E
COM_BINLOG_DUMP = 0x12
COM_REGISTER_SLAVE = 0x15
COM_BINLOG_DUMP_GTID = 0x1E
COM_NAMES = {0x01: "COM_QUIT", 0x02: "COM_INIT_DB", 0x03: "COM_QUERY",
             0x0E: "COM_PING", 0x12: "COM_BINLOG_DUMP",
             0x15: "COM_REGISTER_SLAVE", 0x1E: "COM_BINLOG_DUMP_GTID"}

BINLOG_DUMP_NON_BLOCK = 0x01
BINLOG_THROUGH_GTID = 0x04

HDR = 19
ROTATE = 4
FDE = 15
XID = 16
HEARTBEAT = 27
GTID = 33
ANONYMOUS_GTID = 34
PREVIOUS_GTIDS = 35
F_IN_USE = 0x0001
F_ARTIFICIAL = 0x0020
MAGIC = b"\xfebin"

ER_ACCESS_DENIED = 1045
ER_UNKNOWN_COM = 1047
ER_PARSE = 1064
ER_UNKNOWN_SYSVAR = 1193
ER_MASTER_FATAL = 1236
ER_OUT_OF_ORDER = 1156

PLUGINS = ("mysql_native_password", "caching_sha2_password", "sha256_password")


class Closed(Exception):
    """The peer went away (or a fault ended the connection)."""


# ------------------------------------------------------------------- helpers


# (id, name, charset, is_default) of the MySQL 8 collations the fake serves.
MYSQL8_COLLATIONS = [
    (8, "latin1_swedish_ci", "latin1", "Yes"),
    (33, "utf8mb3_general_ci", "utf8mb3", "Yes"),
    (45, "utf8mb4_general_ci", "utf8mb4", ""),
    (46, "utf8mb4_bin", "utf8mb4", ""),
    (63, "binary", "binary", "Yes"),
    (224, "utf8mb4_unicode_ci", "utf8mb4", ""),
    (255, "utf8mb4_0900_ai_ci", "utf8mb4", "Yes"),
    (309, "utf8mb4_0900_bin", "utf8mb4", ""),
]

def le(n, size):
    return n.to_bytes(size, "little")


def lenenc_int(n):
    if n < 251:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + le(n, 2)
    if n < 1 << 24:
        return b"\xfd" + le(n, 3)
    return b"\xfe" + le(n, 8)


def lenenc_str(b):
    if isinstance(b, str):
        b = b.encode()
    return lenenc_int(len(b)) + b


def read_lenenc(p, i):
    c = p[i]
    if c < 251:
        return c, i + 1
    if c == 0xFC:
        return int.from_bytes(p[i + 1:i + 3], "little"), i + 3
    if c == 0xFD:
        return int.from_bytes(p[i + 1:i + 4], "little"), i + 4
    if c == 0xFE:
        return int.from_bytes(p[i + 1:i + 9], "little"), i + 9
    raise ValueError("bad length-encoded integer 0x%02x" % c)


def cstr(p, i):
    j = p.index(b"\0", i)
    return p[i:j], j + 1


def crc32(b):
    return zlib.crc32(b) & 0xFFFFFFFF


def sha1(b):
    return hashlib.sha1(b).digest()


def sha256(b):
    return hashlib.sha256(b).digest()


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def native_scramble(pw, scramble):
    if not pw:
        return b""
    h1 = sha1(pw)
    return xor(h1, sha1(scramble + sha1(h1)))


def sha2_scramble(pw, scramble):
    if not pw:
        return b""
    h1 = sha256(pw)
    return xor(h1, sha256(sha256(h1) + scramble))


def quote(s):
    """A log value: bare when simple, else in single quotes."""
    if isinstance(s, bytes):
        s = s.decode("utf-8", "backslashreplace")
    if s and re.fullmatch(r"[A-Za-z0-9_.:/@+,-]+", s):
        return s
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"


# ------------------------------------------------------------------ GTID sets

def uuid_bytes(text):
    h = text.replace("-", "")
    if not re.fullmatch(r"[0-9a-fA-F]{32}", h):
        raise ValueError("bad UUID '%s'" % text)
    return bytes.fromhex(h)


def uuid_text(b):
    h = b.hex()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


class GtidSet:
    """MySQL GTID set: {(uuid bytes, tag): [[start, end), ...]}, intervals merged."""

    def __init__(self):
        self.sids = {}

    @classmethod
    def parse(cls, text):
        s = cls()
        text = "".join(text.split())
        if not text:
            return s
        for part in text.split(","):
            fields = part.split(":")
            u = uuid_bytes(fields[0])
            tag = ""
            for f in fields[1:]:
                m = re.fullmatch(r"(\d+)(?:-(\d+))?", f)
                if m:
                    a = int(m.group(1))
                    b = int(m.group(2) or a)
                    if a < 1 or b < a:
                        raise ValueError("bad interval '%s'" % f)
                    s.add_interval(u, tag, a, b + 1)
                elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", f):
                    tag = f.lower()
                else:
                    raise ValueError("bad GTID set element '%s'" % f)
            if len(fields) == 1:
                raise ValueError("'%s' has no interval" % part)
        return s

    def copy(self):
        s = GtidSet()
        s.sids = {k: [list(iv) for iv in v] for k, v in self.sids.items()}
        return s

    def add_interval(self, u, tag, a, b):
        ivs = self.sids.setdefault((u, tag), [])
        ivs.append([a, b])
        ivs.sort()
        out = []
        for iv in ivs:
            if out and iv[0] <= out[-1][1]:
                out[-1][1] = max(out[-1][1], iv[1])
            else:
                out.append(iv)
        self.sids[(u, tag)] = out

    def add(self, u, tag, gno):
        self.add_interval(u, tag, gno, gno + 1)

    def update(self, other):
        for (u, tag), ivs in other.sids.items():
            for a, b in ivs:
                self.add_interval(u, tag, a, b)

    def contains(self, u, tag, gno):
        return any(a <= gno < b for a, b in self.sids.get((u, tag), []))

    def issubset(self, other):
        for (u, tag), ivs in self.sids.items():
            for a, b in ivs:
                if not any(oa <= a and b <= ob for oa, ob in other.sids.get((u, tag), [])):
                    return False
        return True

    def only(self, u):
        s = GtidSet()
        s.sids = {k: [list(iv) for iv in v] for k, v in self.sids.items() if k[0] == u}
        return s

    def nonempty_keys(self):
        return sorted(k for k, v in self.sids.items() if v)

    def text(self):
        out = []
        for u, tag in self.nonempty_keys():
            ivs = ":".join("%d" % a if b == a + 1 else "%d-%d" % (a, b - 1)
                           for a, b in self.sids[(u, tag)])
            out.append(uuid_text(u) + (":" + tag if tag else "") + ":" + ivs)
        return ",".join(out)

    def encode(self):
        keys = self.nonempty_keys()
        tagged = any(tag for _, tag in keys)
        if tagged:
            out = bytes([1]) + le(len(keys), 6) + bytes([1])
        else:
            out = le(len(keys), 8)
        for u, tag in keys:
            out += u
            if tagged:
                t = tag.encode()
                out += bytes([len(t) << 1]) + t
            ivs = self.sids[(u, tag)]
            out += le(len(ivs), 8)
            for a, b in ivs:
                out += le(a, 8) + le(b, 8)
        return out

    @classmethod
    def decode(cls, data):
        """Decode a SID block; raises ValueError with the reason."""
        s = cls()
        if len(data) < 8:
            raise ValueError("SID block of %d bytes, shorter than 8" % len(data))
        tagged = data[0] == 1 and data[7] == 1
        n = int.from_bytes(data[1:7] if tagged else data[0:8], "little")
        i = 8
        for _ in range(n):
            if i + 16 > len(data):
                raise ValueError("SID block truncated at byte %d" % i)
            u = data[i:i + 16]
            i += 16
            tag = ""
            if tagged:
                if i >= len(data) or data[i] & 1:
                    raise ValueError("unsupported tag length at byte %d" % i)
                tl = data[i] >> 1
                tag = data[i + 1:i + 1 + tl].decode()
                i += 1 + tl
            if i + 8 > len(data):
                raise ValueError("SID block truncated at byte %d" % i)
            k = int.from_bytes(data[i:i + 8], "little")
            i += 8
            if i + 16 * k > len(data):
                raise ValueError("SID block truncated at byte %d" % i)
            s.sids.setdefault((u, tag), [])
            for _ in range(k):
                a = int.from_bytes(data[i:i + 8], "little")
                b = int.from_bytes(data[i + 8:i + 16], "little")
                i += 16
                if a < 1 or b <= a:
                    raise ValueError("bad interval [%d, %d) in SID block" % (a, b))
                s.add_interval(u, tag, a, b)
        if i != len(data):
            raise ValueError("%d bytes after the SID block" % (len(data) - i))
        return s


# ------------------------------------------------------------------ binlogs

def parse_version(v):
    nums = re.findall(r"\d+", v)[:3]
    return tuple(int(x) for x in nums) + (0,) * (3 - len(nums))


class Binlog:
    """One binlog file: bytes, event boundaries, checksum algorithm, GTIDs."""

    def __init__(self, path, name, data=None):
        self.path = path
        self.name = name
        self.synthetic = data is not None
        self.data = b""
        self.size_seen = -1
        self.load(data)

    def load(self, data=None):
        if data is None:
            with open(self.path, "rb") as f:
                data = f.read()
        self.data = data
        self.size_seen = len(data)
        if data[:4] != MAGIC:
            raise ValueError("%s: not a binlog file (no magic number)" % self.path)
        self.events = []      # (start, end, type)
        self.gtids = []       # (start, uuid, tag, gno) of GTID events
        self.prev_gtids = GtidSet()
        self.fde = None
        self.alg = 0
        self.server_id = None
        pos = 4
        while pos + HDR <= len(data):
            size = int.from_bytes(data[pos + 9:pos + 13], "little")
            if size < HDR or pos + size > len(data):
                break  # incomplete tail: the writer is not done
            typ = data[pos + 4]
            self.events.append((pos, pos + size, typ))
            if typ == FDE and self.fde is None:
                self.fde = (pos, pos + size)
                self.server_id = int.from_bytes(data[pos + 5:pos + 9], "little")
                ver = data[pos + HDR + 2:pos + HDR + 52].split(b"\0")[0].decode("latin1")
                v = parse_version(ver)
                has_alg = v >= (5, 6, 1) if "mariadb" not in ver.lower() else v >= (5, 3, 0)
                self.alg = data[pos + size - 5] if has_alg else 0
            elif typ == PREVIOUS_GTIDS and not self.gtids:
                body = data[pos + HDR:pos + size - (4 if self.alg == 1 else 0)]
                try:
                    self.prev_gtids = GtidSet.decode(body)
                except ValueError:
                    pass
            elif typ == GTID:
                b = pos + HDR
                self.gtids.append((pos, data[b + 1:b + 17], "",
                                   int.from_bytes(data[b + 17:b + 25], "little")))
            pos += size
        self.end = pos
        if self.fde is None:
            raise ValueError("%s: no FORMAT_DESCRIPTION event" % self.path)

    def refresh(self):
        """Re-read a file that grew (tests append events while a dump waits)."""
        if self.synthetic:
            return False
        try:
            size = os.path.getsize(self.path)
        except OSError:
            return False
        if size == self.size_seen:
            return False
        self.load()
        return True

    def event_at(self, pos):
        for i, (s, e, t) in enumerate(self.events):
            if s == pos:
                return i
        return None

    def executed(self):
        g = GtidSet()
        for _, u, tag, gno in self.gtids:
            g.add(u, tag, gno)
        return g


def make_event(typ, server_id, log_pos, flags, body, alg, timestamp=0):
    size = HDR + len(body) + (4 if alg == 1 else 0)
    ev = le(timestamp, 4) + bytes([typ]) + le(server_id, 4) + le(size, 4) + \
        le(log_pos, 4) + le(flags, 2) + body
    if alg == 1:
        ev += le(crc32(ev), 4)
    return ev


def fix_crc(ev, alg):
    """Recompute an event's CRC32; a FORMAT_DESCRIPTION always has one."""
    if (alg == 1 or ev[4] == FDE) and len(ev) >= HDR + 4:
        ev = ev[:-4] + le(crc32(ev[:-4]), 4)
    return ev


def synthetic_next(prev, name):
    """An empty next binlog (FDE + PREVIOUS_GTIDS), as after a rotate."""
    fs, fe = prev.fde
    fde = bytearray(prev.data[fs:fe])
    fde[17] &= ~F_IN_USE & 0xFF
    fde = fix_crc(bytes(fde), prev.alg)
    executed = prev.prev_gtids.copy()
    executed.update(prev.executed())
    pos = 4 + len(fde)
    body = executed.encode()
    size = HDR + len(body) + (4 if prev.alg == 1 else 0)
    pg = make_event(PREVIOUS_GTIDS, prev.server_id, pos + size, 0, body, prev.alg,
                    int.from_bytes(fde[:4], "little"))
    return Binlog(name, name, MAGIC + fde + pg)


# ------------------------------------------------------------------- faults

class Fault:
    def __init__(self, spec):
        self.spec = spec
        self.file = None
        self.pos = None
        self.mode = None
        self.code = ER_MASTER_FATAL
        self.message = "Could not find first log file name in binary log index file"
        kind, _, where = spec.partition("@")
        self.kind = kind.split(":")[0]
        if self.kind == "refuse":
            parts = spec.split(":", 2)
            if len(parts) > 1 and parts[1]:
                self.code = int(parts[1])
            if len(parts) > 2:
                self.message = parts[2]
            return
        if self.kind not in ("cut", "reset", "cutbytes", "silent", "garble", "close"):
            raise ValueError("unknown fault '%s'" % spec)
        if not where:
            raise ValueError("fault '%s' needs @WHERE" % spec)
        if where == "greeting":
            if self.kind not in ("close", "silent"):
                raise ValueError("only close@greeting and silent@greeting exist")
            self.pos = "greeting"
            return
        if self.kind == "close":
            raise ValueError("close@ only at greeting")
        if self.kind == "cutbytes":
            self.pos = int(where)
            return
        if where == "end":
            if self.kind != "silent":
                raise ValueError("only silent@end exists")
            self.pos = "end"
            return
        if self.kind == "garble":
            m = re.fullmatch(r"(?:(.+):)?(\d+)(?::(flip|crc|type|len|trunc|short))?", where)
            if not m:
                raise ValueError("bad garble spec '%s'" % spec)
            self.file, self.pos, self.mode = m.group(1), int(m.group(2)), m.group(3) or "flip"
            return
        m = re.fullmatch(r"(?:(.+):)?(\d+)", where)
        if not m:
            raise ValueError("bad position in fault '%s'" % spec)
        self.file, self.pos = m.group(1), int(m.group(2))

    @property
    def at_greeting(self):
        return self.pos == "greeting"

    def matches_file(self, name):
        return self.file is None or self.file == name


# ------------------------------------------------------------------- server

class Account:
    def __init__(self, spec):
        head, sep, pw = spec.partition("=")
        if not sep:
            raise ValueError("--user NAME:PLUGIN[:warm]=PASSWORD")
        parts = head.split(":")
        self.name = parts[0]
        self.plugin = parts[1] if len(parts) > 1 and parts[1] else "caching_sha2_password"
        if self.plugin not in PLUGINS:
            raise ValueError("unknown plugin '%s'" % self.plugin)
        self.warm = len(parts) > 2 and parts[2] == "warm"
        self.password = pw.encode()


class Server:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.log_f = open(args.log, "a", buffering=1) if args.log else None
        self.conn_counter = 0
        self.dump_counter = 0
        self.faults = [Fault(s) for s in args.fault]
        self.accounts = {}
        for spec in args.user or ["repl:caching_sha2_password=secret"]:
            a = Account(spec)
            self.accounts[a.name] = a
        self.sha2_cache = {a.name for a in self.accounts.values() if a.warm}
        self.workdir = args.workdir or tempfile.mkdtemp(prefix="fake_mysql.")
        self.own_workdir = args.workdir is None
        os.makedirs(self.workdir, exist_ok=True)
        self.binlogs = []
        for spec in args.binlog:
            path, sep, name = spec.partition("=")
            self.binlogs.append(Binlog(path, name if sep else os.path.basename(path)))
        self.auto_next()
        first = self.binlogs[0] if self.binlogs else None
        self.server_id = args.server_id if args.server_id is not None else \
            (first.server_id if first and first.server_id else 1)
        if args.server_uuid:
            self.server_uuid = args.server_uuid.lower()
        else:
            u = next((g[1] for b in self.binlogs for g in b.gtids), None)
            self.server_uuid = uuid_text(u) if u else "3e11fa47-71ca-11e1-9e33-c80aa9429562"
        self.rsa_setup()
        self.ssl_ctx = self.tls_setup() if args.tls else None

    # ---- log

    def log(self, conn, text):
        line = "conn=%s %s" % (conn, text)
        with self.lock:
            if self.log_f:
                self.log_f.write(line + "\n")
            if self.args.verbose:
                sys.stderr.write("fake_mysql: " + line + "\n")
                sys.stderr.flush()

    # ---- files

    def auto_next(self):
        """A last file that ends with a ROTATE to a file not served gets that file, empty."""
        if self.args.no_auto_next or not self.binlogs:
            return
        last = self.binlogs[-1]
        if not last.events or last.events[-1][2] != ROTATE:
            return
        s, e, _ = last.events[-1]
        cut = 4 if last.alg == 1 else 0
        name = last.data[s + HDR + 8:e - cut].decode("utf-8", "replace")
        if any(b.name == name for b in self.binlogs):
            return
        self.binlogs.append(synthetic_next(last, name))

    def find_binlog(self, name):
        for i, b in enumerate(self.binlogs):
            if b.name == name:
                return i
        return None

    def checksum_name(self):
        if self.args.binlog_checksum:
            return self.args.binlog_checksum
        if self.binlogs and self.binlogs[0].alg == 0:
            return "NONE"
        return "CRC32"

    def gtid_executed(self):
        g = GtidSet()
        if self.binlogs:
            g.update(self.binlogs[0].prev_gtids)
        for b in self.binlogs:
            g.update(b.executed())
        return g

    # ---- keys and certificates

    def rsa_setup(self):
        priv = os.path.join(self.workdir, "rsa_private_key.pem")
        pub = os.path.join(self.workdir, "rsa_public_key.pem")
        if HAVE_CRYPTOGRAPHY:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            with open(priv, "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
            self.rsa_key = key
            self.rsa_pub_pem = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        else:
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                            "rsa_keygen_bits:2048", "-out", priv], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.rsa_key = None
            self.rsa_pub_pem = subprocess.run(["openssl", "pkey", "-in", priv, "-pubout"],
                                              check=True, capture_output=True).stdout
        self.rsa_priv_path = priv
        with open(pub, "wb") as f:
            f.write(self.rsa_pub_pem)
        self.rsa_bytes = 256

    def rsa_decrypt(self, blob):
        if self.rsa_key is not None:
            return self.rsa_key.decrypt(blob, padding.OAEP(
                mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None))
        r = subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", self.rsa_priv_path,
                            "-pkeyopt", "rsa_padding_mode:oaep"], input=blob,
                           capture_output=True)
        if r.returncode != 0:
            raise ValueError("RSA decryption failed")
        return r.stdout

    def tls_setup(self):
        cert = os.path.join(self.workdir, "ca.pem")
        key = os.path.join(self.workdir, "server-key.pem")
        if not (os.path.exists(cert) and os.path.exists(key)):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "2",
                            "-subj", "/CN=%s" % self.args.tls_cn,
                            "-addext", "subjectAltName=" + self.args.tls_san],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        return ctx

    # ---- faults

    def take_fault(self, greeting):
        """The armed fault for a new connection (greeting) or dump, or None."""
        with self.lock:
            if not self.faults:
                return None
            f = self.faults[0]
            if f.at_greeting != greeting:
                return None
            if greeting:
                self.faults.pop(0)
            return f

    def fault_fired(self, f):
        with self.lock:
            if self.faults and self.faults[0] is f:
                self.faults.pop(0)

    # ---- main loop

    def serve(self):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.args.port))
        ls.listen(16)
        port = ls.getsockname()[1]
        if self.args.port_file:
            tmp = self.args.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % port)
            os.rename(tmp, self.args.port_file)
        sys.stdout.write("%d\n" % port)
        sys.stdout.flush()
        self.log("-", "listening port=%d server_id=%d server_uuid=%s files=%s" % (
            port, self.server_id, self.server_uuid,
            ",".join(b.name for b in self.binlogs) or "-"))
        while True:
            try:
                s, peer = ls.accept()
            except OSError:
                return
            with self.lock:
                self.conn_counter += 1
                cid = self.conn_counter
            t = threading.Thread(target=Session(self, s, cid, peer).run, daemon=True)
            t.start()

    def cleanup(self):
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


class Session:
    def __init__(self, server, sock, cid, peer):
        self.srv = server
        self.sock = sock
        self.cid = cid
        self.peer = peer
        self.seq = 0
        self.tls = False
        self.caps = 0
        self.user = ""
        self.vars = {}
        self.scramble = bytes(random.choice([c for c in range(1, 128) if c != ord("$")])
                              for _ in range(20))
        self.stream_bytes = 0
        self.fault = None
        self.out = bytearray()

    def log(self, text):
        self.srv.log(self.cid, text)

    # ---- packets

    def recv_exact(self, n):
        out = b""
        while len(out) < n:
            try:
                chunk = self.sock.recv(n - len(out))
            except (OSError, ssl.SSLError) as e:
                raise Closed("recv: %s" % e)
            if not chunk:
                raise Closed("closed by the client")
            out += chunk
        return out

    def read_packet(self):
        payload = b""
        while True:
            h = self.recv_exact(4)
            n = int.from_bytes(h[:3], "little")
            if h[3] != self.seq:
                self.log("bad-sequence got=%d expected=%d" % (h[3], self.seq))
                self.seq = (h[3] + 1) & 0xFF
                self.send_err(ER_OUT_OF_ORDER, "08S01", "Got packets out of order")
                raise Closed("packets out of order")
            self.seq = (self.seq + 1) & 0xFF
            payload += self.recv_exact(n)
            if n < 0xFFFFFF:
                return payload

    def wire(self, payload):
        out = b""
        i = 0
        while True:
            chunk = payload[i:i + 0xFFFFFF]
            out += le(len(chunk), 3) + bytes([self.seq]) + chunk
            self.seq = (self.seq + 1) & 0xFF
            i += len(chunk)
            if len(chunk) < 0xFFFFFF:
                return out

    @staticmethod
    def wire_prefix(payload_len, k):
        """Wire bytes that carry the first k payload bytes of a packet of payload_len."""
        whole = payload_len // 0xFFFFFF
        full = min(k // 0xFFFFFF, whole)
        n = full * (0xFFFFFF + 4)
        return n + 4 + (k - full * 0xFFFFFF)

    def send_raw(self, data):
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            raise Closed("send: %s" % e)

    def queue(self, data):
        """Buffer stream bytes like MySQL's net buffer; written when full or flushed."""
        self.out += data
        if len(self.out) >= self.srv.args.net_buffer:
            self.flush()

    def flush(self):
        if self.out:
            data, self.out = bytes(self.out), bytearray()
            self.send_raw(data)

    def send(self, payload):
        self.flush()
        self.send_raw(self.wire(payload))

    def send_ok(self):
        self.send(b"\x00\x00\x00" + le(0x0002, 2) + le(0, 2))

    def send_err(self, code, state, msg):
        self.send(b"\xff" + le(code, 2) + b"#" + state.encode() + msg.encode())

    def send_eof(self):
        if self.caps & CLIENT_DEPRECATE_EOF:
            self.send(b"\xfe\x00\x00" + le(0x0002, 2) + le(0, 2))
        else:
            self.send(b"\xfe" + le(0, 2) + le(0x0002, 2))

    # ---- connection

    def run(self):
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.log("connect peer=%s:%d" % self.peer)
            f = self.srv.take_fault(greeting=True)
            if f is not None:
                self.log("fault %s" % f.spec)
                if f.kind == "silent":
                    self.hang()
                raise Closed("closed at greeting by fault")
            if self.handshake():
                self.commands()
        except Closed as e:
            self.log("closed reason=%s" % quote(str(e)))
        except Exception as e:  # a bug here must show in the log, not kill the server
            self.log("internal-error %s" % quote(repr(e)))
            import traceback
            traceback.print_exc()
        finally:
            try:
                self.sock.close()
            except OSError:
                pass

    def hang(self):
        """Say nothing until the client gives up."""
        self.flush()
        self.log("silent")
        while True:
            r, _, _ = select.select([self.sock], [], [], 1.0)
            if r:
                try:
                    if not self.sock.recv(65536):
                        break
                except (OSError, ssl.SSLError):
                    break
        raise Closed("the client gave up on the silence")

    def greeting(self, plugin):
        caps = SERVER_CAPS if self.srv.ssl_ctx else SERVER_CAPS & ~CLIENT_SSL
        p = b"\x0a" + SERVER_VERSION.encode() + b"\0" + le(self.cid + 7, 4)
        p += self.scramble[:8] + b"\0" + le(caps & 0xFFFF, 2) + bytes([255])
        p += le(0x0002, 2) + le(caps >> 16, 2) + bytes([21]) + b"\0" * 10
        p += self.scramble[8:] + b"\0" + plugin.encode() + b"\0"
        return p

    def handshake(self):
        default_plugin = self.srv.args.default_plugin
        self.seq = 0
        self.send(self.greeting(default_plugin))
        p = self.read_packet()
        if len(p) < 32:
            raise Closed("handshake response of %d bytes" % len(p))
        self.caps = int.from_bytes(p[0:4], "little")
        if not self.caps & CLIENT_PROTOCOL_41:
            self.send_err(1251, "08004", "Client does not support authentication "
                          "protocol requested by server; consider upgrading MySQL client")
            return False
        if len(p) == 32 and self.caps & CLIENT_SSL:
            if self.srv.ssl_ctx is None:
                raise Closed("SSL request but TLS is off")
            self.log("ssl-request")
            try:
                self.sock = self.srv.ssl_ctx.wrap_socket(self.sock, server_side=True)
            except (ssl.SSLError, OSError) as e:
                raise Closed("TLS handshake failed: %s" % e)
            self.tls = True
            self.log("tls version=%s cipher=%s" % (self.sock.version(), self.sock.cipher()[0]))
            p = self.read_packet()
            self.caps = int.from_bytes(p[0:4], "little")
        charset = p[8]
        user, i = cstr(p, 32)
        if self.caps & CLIENT_PLUGIN_AUTH_LENENC_DATA:
            n, i = read_lenenc(p, i)
        elif self.caps & CLIENT_SECURE_CONNECTION:
            n, i = p[i], i + 1
        else:
            j = p.index(b"\0", i)
            n = j - i
        resp = p[i:i + n]
        i += n
        db = b""
        if self.caps & CLIENT_CONNECT_WITH_DB and i < len(p):
            db, i = cstr(p, i)
        plugin = b""
        if self.caps & CLIENT_PLUGIN_AUTH and i < len(p):
            plugin, i = cstr(p, i)
        attrs = []
        if self.caps & CLIENT_CONNECT_ATTRS and i < len(p):
            total, i = read_lenenc(p, i)
            end = i + total
            while i < end:
                kl, i = read_lenenc(p, i)
                k = p[i:i + kl]
                i += kl
                vl, i = read_lenenc(p, i)
                v = p[i:i + vl]
                i += vl
                attrs.append("%s=%s" % (k.decode("utf-8", "replace"), v.decode("utf-8", "replace")))
        self.user = user.decode("utf-8", "replace")
        plugin = plugin.decode() or "mysql_native_password"
        self.log("login user=%s plugin=%s auth_len=%d tls=%s caps=0x%08x charset=%d db=%s attrs=%s" % (
            quote(self.user), plugin, len(resp), "yes" if self.tls else "no", self.caps, charset,
            quote(db), quote(",".join(attrs))))
        return self.authenticate(plugin, resp)

    # ---- authentication

    def deny(self, sent_password):
        self.log("auth user=%s result=denied" % quote(self.user))
        self.send_err(ER_ACCESS_DENIED, "28000", "Access denied for user '%s'@'localhost' "
                      "(using password: %s)" % (self.user, "YES" if sent_password else "NO"))
        return False

    def accept(self, method):
        self.log("auth user=%s method=%s result=ok" % (quote(self.user), method))
        self.send_ok()
        return True

    def more(self, data):
        self.send(b"\x01" + data)

    def check_rsa(self, blob, pw):
        try:
            clear = self.srv.rsa_decrypt(blob)
        except Exception:
            self.log("rsa-decrypt failed len=%d" % len(blob))
            return False
        mask = (self.scramble * (len(clear) // 20 + 1))[:len(clear)]
        return xor(clear, mask) == pw + b"\0"

    def authenticate(self, client_plugin, resp):
        acct = self.srv.accounts.get(self.user)
        plugin = acct.plugin if acct else client_plugin if client_plugin in PLUGINS \
            else "caching_sha2_password"
        if client_plugin != plugin or self.srv.args.force_switch:
            if self.srv.args.switch_new_scramble:
                self.scramble = os.urandom(20).translate(bytes.maketrans(b"\0$", b"\x01%"))
            self.log("auth-switch from=%s to=%s" % (client_plugin, plugin))
            self.send(b"\xfe" + plugin.encode() + b"\0" + self.scramble + b"\0")
            resp = self.read_packet()
            self.log("auth-switch-response len=%d" % len(resp))
        if acct is None:
            return self.deny(len(resp) > 0)
        pw = acct.password
        if plugin == "mysql_native_password":
            if resp == native_scramble(pw, self.scramble):
                return self.accept("native")
            return self.deny(len(resp) > 0)
        if plugin == "caching_sha2_password":
            if not resp:
                return self.accept("empty") if not pw else self.deny(False)
            if self.user in self.srv.sha2_cache and resp == sha2_scramble(pw, self.scramble):
                self.log("auth-more fast-auth-ok")
                self.more(b"\x03")
                return self.accept("fast")
            self.log("auth-more perform-full-authentication")
            self.more(b"\x04")
            r = self.read_packet()
            if self.tls:
                ok, method = r == pw + b"\0", "full-tls"
            elif r == b"\x02":
                self.log("key-request plugin=caching_sha2_password")
                self.more(self.srv.rsa_pub_pem)
                r = self.read_packet()
                ok, method = self.check_rsa(r, pw), "full-rsa-requested-key"
            elif len(r) == self.srv.rsa_bytes:
                ok, method = self.check_rsa(r, pw), "full-rsa"
            else:
                self.log("auth insecure-clear-password-refused len=%d" % len(r))
                ok, method = False, "refused"
            if not ok:
                return self.deny(True)
            with self.srv.lock:
                self.srv.sha2_cache.add(self.user)
            return self.accept(method)
        # sha256_password
        if self.tls:
            if resp == pw + b"\0" or (not pw and resp in (b"", b"\0")):
                return self.accept("sha256-tls")
            return self.deny(True)
        if resp in (b"", b"\0"):
            return self.accept("sha256-empty") if not pw else self.deny(False)
        if resp == b"\x01":
            self.log("key-request plugin=sha256_password")
            self.more(self.srv.rsa_pub_pem)
            r = self.read_packet()
            method = "sha256-rsa-requested-key"
        elif len(resp) == self.srv.rsa_bytes:
            r, method = resp, "sha256-rsa"
        else:
            self.log("auth insecure-clear-password-refused len=%d" % len(resp))
            return self.deny(True)
        if self.check_rsa(r, pw):
            return self.accept(method)
        return self.deny(True)

    # ---- commands

    def commands(self):
        while True:
            self.seq = 0
            p = self.read_packet()
            if not p:
                raise Closed("empty command packet")
            cmd = p[0]
            if cmd == COM_QUIT:
                self.log("COM_QUIT")
                raise Closed("COM_QUIT")
            if cmd == COM_PING:
                self.log("COM_PING")
                self.send_ok()
            elif cmd == COM_INIT_DB:
                self.log("COM_INIT_DB db=%s" % quote(p[1:]))
                self.send_ok()
            elif cmd == COM_QUERY:
                self.com_query(p)
            elif cmd == COM_REGISTER_SLAVE:
                self.com_register_slave(p)
            elif cmd == COM_BINLOG_DUMP:
                self.com_binlog_dump(p)
            elif cmd == COM_BINLOG_DUMP_GTID:
                self.com_binlog_dump_gtid(p)
            else:
                self.log("command 0x%02x len=%d (unknown)" % (cmd, len(p)))
                self.send_err(ER_UNKNOWN_COM, "08S01", "Unknown command")

    # ---- queries

    def sysvars(self):
        s = self.srv
        v = {
            "version": SERVER_VERSION,
            "version_comment": "MySQL Community Server - GPL (fake_mysql.py)",
            "server_id": str(s.server_id),
            "server_uuid": s.server_uuid,
            "binlog_checksum": s.checksum_name(),
            "gtid_mode": s.args.gtid_mode,
            "enforce_gtid_consistency": "ON" if s.args.gtid_mode == "ON" else "OFF",
            "log_bin": "1",
            "binlog_format": "ROW",
            "binlog_row_image": "FULL",
            "binlog_row_metadata": "MINIMAL",
            "binlog_row_value_options": "",
            "binlog_transaction_compression": "OFF",
            "gtid_executed": s.gtid_executed().text(),
            "gtid_purged": s.binlogs[0].prev_gtids.text() if s.binlogs else "",
            "max_allowed_packet": "67108864",
            "lower_case_table_names": "0",
            "character_set_server": "utf8mb4",
            "collation_server": "utf8mb4_0900_ai_ci",
            "time_zone": "SYSTEM",
            "system_time_zone": "UTC",
            "sql_mode": "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
                        "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
            "log_replica_updates": "1",
            "log_slave_updates": "1",
            "hostname": "fake-mysql",
            "port": "3306",
            "read_only": "0",
            "autocommit": "1",
        }
        for kv in s.args.var or []:
            k, _, val = kv.partition("=")
            v[k.lower()] = val
        return v

    @staticmethod
    def split_list(text):
        out, cur, q = [], "", None
        for ch in text:
            if q:
                cur += ch
                if ch == q:
                    q = None
            elif ch in "'\"":
                q = ch
                cur += ch
            elif ch == ",":
                out.append(cur.strip())
                cur = ""
            else:
                cur += ch
        if cur.strip():
            out.append(cur.strip())
        return out

    def eval_expr(self, e):
        """(value or None, error message or None); value is a str."""
        e = e.strip()
        m = re.fullmatch(r"@@(?:(global|session|local)\.)?([A-Za-z_][A-Za-z0-9_]*)", e)
        if m:
            v = self.sysvars().get(m.group(2).lower())
            if v is None:
                return None, "Unknown system variable '%s'" % m.group(2)
            return v, None
        m = re.fullmatch(r"@([A-Za-z_][A-Za-z0-9_]*)", e)
        if m:
            return self.vars.get(m.group(1).lower()), None
        if re.fullmatch(r"-?\d+(\.\d+)?", e):
            return e, None
        m = re.fullmatch(r"'((?:[^'\\]|\\.|'')*)'|\"((?:[^\"\\]|\\.)*)\"", e)
        if m:
            s = m.group(1) if m.group(1) is not None else m.group(2)
            return s.replace("''", "'").replace("\\'", "'"), None
        if re.fullmatch(r"(?i)version\(\)", e):
            return SERVER_VERSION, None
        if re.fullmatch(r"(?i)null", e):
            return None, None
        return None, "fake_mysql.py cannot evaluate '%s'" % e

    def result_set(self, names, rows):
        self.send(lenenc_int(len(names)))
        for n in names:
            col = lenenc_str("def") + lenenc_str("") + lenenc_str("") + lenenc_str("")
            col += lenenc_str(n) + lenenc_str("") + b"\x0c" + le(255, 2) + le(1024, 4)
            col += b"\xfd" + le(0, 2) + b"\x1f" + b"\0\0"
            self.send(col)
        if not self.caps & CLIENT_DEPRECATE_EOF:
            self.send_eof()
        for r in rows:
            self.send(b"".join(b"\xfb" if v is None else lenenc_str(v) for v in r))
        self.send_eof()

    def com_query(self, p):
        i = 1
        if self.caps & CLIENT_QUERY_ATTRIBUTES:
            nparams, i = read_lenenc(p, i)
            _, i = read_lenenc(p, i)
            if nparams:
                self.log("COM_QUERY with %d query attributes (unsupported)" % nparams)
                self.send_err(ER_PARSE, "42000", "fake_mysql.py: query attributes unsupported")
                return
        sql = p[i:].decode("utf-8", "replace")
        self.log("COM_QUERY sql=%s" % quote(sql))
        for spec in self.srv.args.query_error or []:
            sub, _, err = spec.rpartition("=")
            code, _, msg = err.partition(":")
            if sub and sub.lower() in sql.lower():
                self.send_err(int(code), "HY000", msg or "Injected error for '%s'" % sub)
                return
        s = sql.strip().rstrip(";").strip()
        m = re.fullmatch(r"(?is)select\s+(.*)", s)
        if m and not re.search(r"(?i)\bfrom\b", m.group(1)):
            names, row = [], []
            for item in self.split_list(m.group(1)):
                alias = re.fullmatch(r"(?is)(.*?)\s+as\s+(\w+)", item)
                expr, name = (alias.group(1), alias.group(2)) if alias else (item, item)
                v, err = self.eval_expr(expr)
                if err:
                    code = ER_UNKNOWN_SYSVAR if err.startswith("Unknown") else ER_PARSE
                    self.send_err(code, "HY000", err)
                    return
                names.append(name)
                row.append(v)
            self.result_set(names, [row])
            return
        m = re.fullmatch(r"(?is)set\s+(.*)", s)
        if m:
            if re.fullmatch(r"(?is)names\s+.*|character\s+set\s+.*", m.group(1)):
                self.send_ok()
                return
            for item in self.split_list(m.group(1)):
                a = re.fullmatch(r"(?s)(@@(?:(?:global|session|local)\.)?|@)([A-Za-z_]\w*)\s*:?=\s*(.*)",
                                 item)
                if not a:
                    self.send_err(ER_PARSE, "42000", "fake_mysql.py cannot parse SET item '%s'" % item)
                    return
                v, err = self.eval_expr(a.group(3))
                if err:
                    self.send_err(ER_PARSE, "42000", err)
                    return
                if a.group(1) == "@":
                    self.vars[a.group(2).lower()] = v
            self.send_ok()
            return
        if re.fullmatch(r"(?i)show\s+(binary|master)\s+logs", s):
            self.result_set(["Log_name", "File_size", "Encrypted"],
                            [[b.name, str(len(b.data)), "No"] for b in self.srv.binlogs])
            return
        m = re.fullmatch(r"(?is)show\s+binlog\s+events\s+in\s+'([^']*)'\s+from\s+(\d+)"
                         r"\s+limit\s+(\d+)", s)
        if m:
            # the events of a served binlog from an offset: an offset that
            # is no event's start is refused (error 1220), as servers do
            b = next((x for x in self.srv.binlogs if x.name == m.group(1)), None)
            if b is None:
                self.send_err(1220, "HY000", "Error when executing command SHOW BINLOG "
                              "EVENTS: Could not find target log")
                return
            want, limit, off, rows = int(m.group(2)), int(m.group(3)), 4, []
            while off + 19 <= len(b.data) and off < want:
                off += int.from_bytes(b.data[off + 9:off + 13], "little") or len(b.data)
            if off != want and want < len(b.data):
                self.send_err(1220, "HY000", "Error when executing command SHOW BINLOG "
                              "EVENTS: Wrong offset or I/O error")
                return
            while off + 19 <= len(b.data) and len(rows) < limit:
                size = int.from_bytes(b.data[off + 9:off + 13], "little")
                rows.append([b.name, str(off), str(b.data[off + 4]), "1", str(off + size), ""])
                off += size or len(b.data)
            self.result_set(["Log_name", "Pos", "Event_type", "Server_id", "End_log_pos",
                             "Info"], rows)
            return
        if re.fullmatch(r"(?i)show\s+(master|binary\s+log)\s+status", s):
            b = self.srv.binlogs[-1] if self.srv.binlogs else None
            self.result_set(["File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB",
                             "Executed_Gtid_Set"],
                            [[b.name, str(b.end), "", "", self.srv.gtid_executed().text()]]
                            if b else [])
            return
        if re.fullmatch(r"(?is)select\s+id,\s*collation_name,\s*character_set_name,\s*is_default"
                        r"\s+from\s+information_schema\.collations\b.*", s):
            # a few of MySQL 8's collations: the ids the served binlogs use
            self.result_set(["ID", "COLLATION_NAME", "CHARACTER_SET_NAME", "IS_DEFAULT"],
                            [[str(i), n, c, d] for i, n, c, d in MYSQL8_COLLATIONS])
            return
        m = re.fullmatch(r"(?is)show\s+(?:global\s+|session\s+)?variables\s+like\s+'([^']*)'", s)
        if m:
            pat = "^" + re.escape(m.group(1)).replace("%", ".*").replace("_", ".") + "$"
            self.result_set(["Variable_name", "Value"],
                            [[k, v] for k, v in sorted(self.sysvars().items())
                             if re.match(pat, k, re.I)])
            return
        self.send_err(ER_PARSE, "42000", "You have an error in your SQL syntax "
                      "(fake_mysql.py does not know this statement)")

    def com_register_slave(self, p):
        try:
            sid = int.from_bytes(p[1:5], "little")
            i = 5
            fields = []
            for _ in range(3):
                n = p[i]
                fields.append(p[i + 1:i + 1 + n])
                i += 1 + n
            port = int.from_bytes(p[i:i + 2], "little")
            rank = int.from_bytes(p[i + 2:i + 6], "little")
            mid = int.from_bytes(p[i + 6:i + 10], "little")
            extra = len(p) - (i + 10)
        except IndexError:
            self.log("COM_REGISTER_SLAVE malformed len=%d" % len(p))
            self.send_err(1218, "08S01", "Error connecting to master: malformed COM_REGISTER_SLAVE")
            return
        self.log("COM_REGISTER_SLAVE server_id=%d host=%s user=%s password_len=%d port=%d "
                 "rank=%d master_id=%d trailing=%d" % (sid, quote(fields[0]), quote(fields[1]),
                                                       len(fields[2]), port, rank, mid, extra))
        self.send_ok()

    # ---- dump

    def com_binlog_dump(self, p):
        if len(p) < 11:
            self.log("COM_BINLOG_DUMP malformed len=%d" % len(p))
            self.send_err(ER_MASTER_FATAL, "HY000", "malformed COM_BINLOG_DUMP")
            return
        pos = int.from_bytes(p[1:5], "little")
        flags = int.from_bytes(p[5:7], "little")
        sid = int.from_bytes(p[7:11], "little")
        name = p[11:].decode("utf-8", "replace")
        self.log("COM_BINLOG_DUMP pos=%d flags=0x%04x server_id=%d file=%s" % (
            pos, flags, sid, quote(name)))
        self.dump(name, pos, flags, sid, None)

    def com_binlog_dump_gtid(self, p):
        try:
            flags = int.from_bytes(p[1:3], "little")
            sid = int.from_bytes(p[3:7], "little")
            nlen = int.from_bytes(p[7:11], "little")
            name = p[11:11 + nlen].decode("utf-8", "replace")
            i = 11 + nlen
            pos = int.from_bytes(p[i:i + 8], "little")
            i += 8
            block = b""
            if flags & BINLOG_THROUGH_GTID:
                blen = int.from_bytes(p[i:i + 4], "little")
                block = p[i + 4:i + 4 + blen]
                if len(block) != blen or i + 4 + blen != len(p):
                    raise IndexError("SID block length %d, %d bytes follow" % (blen, len(p) - i - 4))
        except IndexError as e:
            self.log("COM_BINLOG_DUMP_GTID malformed len=%d: %s" % (len(p), e))
            self.send_err(ER_MASTER_FATAL, "HY000", "malformed COM_BINLOG_DUMP_GTID")
            return
        try:
            gs = GtidSet.decode(block) if flags & BINLOG_THROUGH_GTID else GtidSet()
            text, err = gs.text(), None
        except ValueError as e:
            gs, text, err = None, "", str(e)
        self.log("COM_BINLOG_DUMP_GTID flags=0x%04x server_id=%d file=%s pos=%d sid_len=%d "
                 "sid_hex=%s gtid_set=%s%s" % (flags, sid, quote(name), pos, len(block),
                                               block.hex() or "-", quote(text),
                                               " decode_error=%s" % quote(err) if err else ""))
        if gs is None:
            self.send_err(ER_MASTER_FATAL, "HY000", "Malformed GTID set encoding: " + err)
            return
        self.dump(name, pos, flags, sid, gs)

    def dump_error(self, msg, code=ER_MASTER_FATAL):
        self.log("dump-error code=%d message=%s" % (code, quote(msg)))
        self.send_err(code, "HY000", msg)

    def dump(self, name, pos, flags, slave_id, exclude):
        srv = self.srv
        with srv.lock:
            srv.dump_counter += 1
        self.fault = srv.take_fault(greeting=False)
        self.stream_bytes = 0
        if self.fault is not None:
            self.log("fault-armed %s" % self.fault.spec)
            if self.fault.kind == "refuse":
                srv.fault_fired(self.fault)
                self.dump_error(self.fault.message, self.fault.code)
                return
        if not srv.binlogs:
            self.dump_error("Binary log is not open")
            return
        clear_fde_for_gtid = False
        if exclude is not None:
            if srv.args.gtid_mode != "ON":
                self.dump_error("Request to dump GTID when @@GLOBAL.GTID_MODE <> ON.")
                return
            executed = srv.gtid_executed()
            mine = exclude.only(uuid_bytes(srv.server_uuid))
            if not mine.issubset(executed):
                self.dump_error("Slave has more GTIDs than the master has, using the master's "
                                "SERVER_UUID. This may indicate that the end of the binary log "
                                "was truncated or that the last binary log file was lost, e.g., "
                                "after a power or disk failure when sync_binlog != 1.")
                return
            if name:
                idx = srv.find_binlog(name)
            else:
                idx = None
                for i in range(len(srv.binlogs) - 1, -1, -1):
                    if srv.binlogs[i].prev_gtids.issubset(exclude):
                        idx = i
                        break
                if idx is None:
                    self.dump_error("Cannot replicate because the master purged required "
                                    "binary logs. Replicate the missing transactions from "
                                    "elsewhere, or provision a new slave from backup. The GTID "
                                    "set sent by the slave is '%s', and the missing transactions "
                                    "are '%s'" % (exclude.text(),
                                                  srv.binlogs[0].prev_gtids.text()))
                    return
                b = srv.binlogs[idx]
                if b.gtids and exclude.contains(b.gtids[0][1], b.gtids[0][2], b.gtids[0][3]):
                    clear_fde_for_gtid = True
            if pos < 4:
                pos = 4
        else:
            idx = srv.find_binlog(name) if name else 0
        if idx is None:
            self.dump_error("Could not find first log file name in binary log index file")
            return
        if pos < 4:
            self.dump_error("Client requested master to start replication from position < 4")
            return
        if pos > len(srv.binlogs[idx].data):
            self.dump_error("Client requested master to start replication from position > "
                            "file size")
            return
        slave_alg = self.vars.get("source_binlog_checksum", self.vars.get("master_binlog_checksum"))
        self.slave_alg = None if slave_alg is None else (1 if str(slave_alg).upper() == "CRC32" else 0)
        self.alg = self.slave_alg or 0
        hb = self.vars.get("source_heartbeat_period", self.vars.get("master_heartbeat_period"))
        try:
            self.hb_period = int(float(hb)) / 1e9 if hb is not None else 0.0
        except ValueError:
            self.hb_period = 0.0
        if srv.args.no_heartbeat:
            self.hb_period = 0.0
        non_block = bool(flags & BINLOG_DUMP_NON_BLOCK) or slave_id == 0
        self.log("dump-start file=%s pos=%d non_block=%s heartbeat=%gs checksum=%s" % (
            srv.binlogs[idx].name, pos, "yes" if non_block else "no", self.hb_period,
            {None: "undeclared", 0: "NONE", 1: "CRC32"}[self.slave_alg]))
        first = True
        while True:
            b = srv.binlogs[idx]
            self.cur_name = b.name
            self.send_fake_rotate(b.name, pos, b.server_id or srv.server_id)
            clear = clear_fde_for_gtid if exclude is not None and first else pos > 4
            if not self.send_fde(b, clear):
                return
            if pos == 4:
                pos = b.fde[1]
            if b.event_at(pos) is None and pos != b.end:
                self.dump_error("bogus data in log event; the first event '%s' at %d, the "
                                "last event read from '%s' at %d, the last byte read from "
                                "'%s' at %d." % (b.name, pos, b.name, pos, b.name, pos))
                return
            first = False
            while True:
                pos = self.send_events(b, pos, exclude)
                if idx < len(srv.binlogs) - 1:
                    break
                # the active file: its end is the end of the binlog
                if non_block:
                    self.check_silent_at_end()
                    self.log("eof file=%s pos=%d" % (b.name, pos))
                    self.send_eof()
                    return
                pos = self.wait_new_events(b, pos)
            idx += 1
            pos = 4

    def check_silent_at_end(self):
        f = self.fault
        if f is not None and f.kind == "silent" and f.pos == "end":
            self.srv.fault_fired(f)
            self.log("fault %s at the end of the binlog" % f.spec)
            self.hang()

    def wait_new_events(self, b, pos):
        """Heartbeats until the file grows; the position to continue from."""
        self.check_silent_at_end()
        self.flush()
        last_sent = time.monotonic()
        while True:
            if b.refresh():
                with self.srv.lock:
                    self.srv.auto_next()
                if b.end > pos:
                    self.log("grown file=%s end=%d" % (b.name, b.end))
                    return pos
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if r:
                try:
                    data = self.sock.recv(65536)
                except (OSError, ssl.SSLError) as e:
                    raise Closed("recv: %s" % e)
                if not data:
                    raise Closed("closed by the client while waiting for events")
            now = time.monotonic()
            if self.hb_period > 0 and now - last_sent >= self.hb_period:
                self.send_heartbeat(b, pos)
                last_sent = now

    def stream(self, ev, name=None, start=None):
        """Send one event packet; faults at a file position or byte count fire here."""
        payload = b"\x00" + ev
        f = self.fault
        if f is not None and name is not None and f.kind in ("cut", "reset", "silent") and \
                isinstance(f.pos, int) and f.matches_file(name) and start <= f.pos < start + len(ev):
            k = f.pos - start
            seq0 = self.seq
            data = self.wire(payload)
            self.seq = seq0
            part = data[:self.wire_prefix(len(payload), 1 + k)] if k > 0 else b""
            self.srv.fault_fired(f)
            self.log("fault %s file=%s event_start=%d sent_event_bytes=%d" % (f.spec, name, start, k))
            self.queue(part)
            self.flush()
            self.end_by_fault(f)
        data = self.wire(payload)
        if f is not None and f.kind == "cutbytes" and self.stream_bytes + len(data) > f.pos:
            n = f.pos - self.stream_bytes
            self.srv.fault_fired(f)
            self.log("fault %s file=%s event_start=%s sent_packet_bytes=%d" % (
                f.spec, name or self.cur_name, start if start is not None else "-", n))
            self.queue(data[:n])
            self.flush()
            self.end_by_fault(f)
        self.stream_bytes += len(data)
        self.queue(data)

    def end_by_fault(self, f):
        if f.kind == "silent":
            self.hang()
        if f.kind == "reset":
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()
            raise Closed("reset by fault")
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise Closed("cut by fault")

    def send_fake_rotate(self, name, pos, server_id):
        body = le(pos, 8) + name.encode()
        self.stream(make_event(ROTATE, server_id, 0, F_ARTIFICIAL, body, self.alg))

    def send_fde(self, b, clear_log_pos):
        s, e = b.fde
        ev = bytearray(b.data[s:e])
        self.alg = b.alg
        if self.slave_alg is None and b.alg == 1:
            self.dump_error("Slave can not handle replication events with the checksum that "
                            "master is configured to log; the first event '%s' at %d, the "
                            "last event read from '%s' at %d, the last byte read from '%s' at "
                            "%d." % (b.name, 4, b.name, 4, b.name, e))
            return False
        ev[17] &= ~F_IN_USE & 0xFF
        if clear_log_pos:
            ev[13:17] = le(0, 4)
            ev[HDR + 52:HDR + 56] = le(0, 4)  # created
        ev = fix_crc(bytes(ev), b.alg)
        self.stream(ev, b.name if not clear_log_pos else None, s if not clear_log_pos else None)
        return True

    def send_heartbeat(self, b, pos):
        body = b.name.encode()
        ev = make_event(HEARTBEAT, b.server_id or self.srv.server_id, min(pos, 0xFFFFFFFF), 0, body,
                        self.alg)
        if self.srv.args.log_heartbeats:
            self.log("heartbeat file=%s pos=%d" % (b.name, pos))
        self.stream(ev)
        self.flush()

    def garble(self, ev, mode):
        ev = bytearray(ev)
        body_end = len(ev) - (4 if self.alg == 1 else 0)
        if mode == "flip":
            i = HDR + max(0, (body_end - HDR) // 2)
            if i >= body_end:
                i = HDR - 1
            ev[i] ^= 0xFF
        elif mode == "crc":
            ev[-1] ^= 0xFF
        elif mode == "type":
            ev[4] = 0xEE
            ev = bytearray(fix_crc(bytes(ev), self.alg))
        elif mode == "len":
            ev[9:13] = le(len(ev) + 1000, 4)
            ev = bytearray(fix_crc(bytes(ev), self.alg))
        elif mode == "trunc":
            ev = ev[:max(HDR, len(ev) - 10)]
        elif mode == "short":
            ev = ev[:10]
        return bytes(ev)

    def send_events(self, b, pos, exclude):
        """Send the events of b from pos to its current end; the new position."""
        i = b.event_at(pos)
        if i is None:
            return pos
        in_exclude = False
        exclude_end = 0
        for s, e, t in b.events[i:]:
            ev = b.data[s:e]
            if exclude is not None:
                if t == GTID:
                    u = ev[HDR + 1:HDR + 17]
                    gno = int.from_bytes(ev[HDR + 17:HDR + 25], "little")
                    in_exclude = exclude.contains(u, "", gno)
                elif t == ROTATE:
                    in_exclude = False
                if in_exclude:
                    exclude_end = e
                    continue
                if exclude_end:
                    self.send_heartbeat(b, exclude_end)
                    exclude_end = 0
            f = self.fault
            if f is not None and f.kind == "garble" and f.matches_file(b.name) and f.pos == s:
                ev = self.garble(ev, f.mode)
                self.srv.fault_fired(f)
                self.fault = None
                self.log("fault %s file=%s event_start=%d type=%d" % (f.spec, b.name, s, t))
            self.stream(ev, b.name, s)
            if self.srv.args.log_events:
                self.log("sent file=%s pos=%d end=%d type=%d" % (b.name, s, e, t))
            pos = e
        if in_exclude and exclude_end:
            self.send_heartbeat(b, exclude_end)
        return pos


# ------------------------------------------------------------------- tools

def tool_gtidify(argv):
    ap = argparse.ArgumentParser(prog="fake_mysql.py gtidify")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--uuid", required=True)
    ap.add_argument("--first-gno", type=int, default=1)
    a = ap.parse_args(argv)
    u = uuid_bytes(a.uuid)
    b = Binlog(a.input, os.path.basename(a.input))
    data = bytearray(b.data)
    gno = a.first_gno
    for s, e, t in b.events:
        if t == ANONYMOUS_GTID:
            data[s + 4] = GTID
            data[s + HDR + 1:s + HDR + 17] = u
            data[s + HDR + 17:s + HDR + 25] = le(gno, 8)
            data[s:e] = fix_crc(bytes(data[s:e]), b.alg)
            gno += 1
    with open(a.output, "wb") as f:
        f.write(data)
    print("%s:%d-%d" % (uuid_text(u), a.first_gno, gno - 1) if gno > a.first_gno else "")
    return 0


def tool_split(argv):
    ap = argparse.ArgumentParser(prog="fake_mysql.py split")
    ap.add_argument("input")
    ap.add_argument("--at", required=True, help="comma-separated event start offsets")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", required=True, help="base name: BASE.000001, ...")
    a = ap.parse_args(argv)
    b = Binlog(a.input, os.path.basename(a.input))
    cuts = [int(x) for x in a.at.split(",") if x]
    starts = {s for s, _, _ in b.events}
    for c in cuts:
        if c not in starts or c <= b.fde[1]:
            sys.stderr.write("split: %d is not the start of an event after the FDE\n" % c)
            return 2
    names = ["%s.%06d" % (a.name, k + 1) for k in range(len(cuts) + 1)]
    bounds = [None] + cuts + [b.end]
    fs, fe = b.fde
    fde = bytearray(b.data[fs:fe])
    fde[17] &= ~F_IN_USE & 0xFF
    fde = fix_crc(bytes(fde), b.alg)
    gtids_before = b.prev_gtids.copy()
    os.makedirs(a.out, exist_ok=True)
    for k, name in enumerate(names):
        lo, hi = bounds[k], bounds[k + 1]
        if k == 0:
            evs = [ev for ev in b.events if ev[0] < hi]
            out = bytearray(b.data[:4])
            for s, e, t in evs:
                out += b.data[s:e]
        else:
            out = bytearray(MAGIC + fde)
            body = gtids_before.encode()
            size = HDR + len(body) + (4 if b.alg == 1 else 0)
            out += make_event(PREVIOUS_GTIDS, b.server_id, len(out) + size, 0, body, b.alg,
                              int.from_bytes(fde[:4], "little"))
            shift = len(out) - lo
            evs = [ev for ev in b.events if lo <= ev[0] < hi]
            for s, e, t in evs:
                ev = bytearray(b.data[s:e])
                lp = int.from_bytes(ev[13:17], "little")
                if lp:
                    ev[13:17] = le(lp + shift, 4)
                out += fix_crc(bytes(ev), b.alg)
        # a copied trailing ROTATE names the next file of this series
        if evs and evs[-1][2] == ROTATE:
            s, e, _ = evs[-1]
            del out[len(out) - (e - s):]
            nxt = "%s.%06d" % (a.name, len(names) + 1) if k == len(names) - 1 else names[k + 1]
            body = le(4, 8) + nxt.encode()
            size = HDR + len(body) + (4 if b.alg == 1 else 0)
            out += make_event(ROTATE, b.server_id, len(out) + size, 0, body, b.alg,
                              int.from_bytes(b.data[s:s + 4], "little"))
        elif k < len(names) - 1:
            body = le(4, 8) + names[k + 1].encode()
            size = HDR + len(body) + (4 if b.alg == 1 else 0)
            ts = int.from_bytes(b.data[evs[-1][0]:evs[-1][0] + 4], "little") if evs else 0
            out += make_event(ROTATE, b.server_id, len(out) + size, 0, body, b.alg, ts)
        for s, e, t in evs:
            if t == GTID:
                gtids_before.add(b.data[s + HDR + 1:s + HDR + 17], "",
                                 int.from_bytes(b.data[s + HDR + 17:s + HDR + 25], "little"))
        with open(os.path.join(a.out, name), "wb") as f:
            f.write(out)
        print(name)
    return 0


def tool_rows_query(argv):
    ap = argparse.ArgumentParser(prog="fake_mysql.py rows-query")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--event", action="append", required=True,
                    help="POS:SIZE: a ROWS_QUERY event of SIZE bytes before the event at POS")
    a = ap.parse_args(argv)
    b = Binlog(a.input, os.path.basename(a.input))
    inserts = {}
    for spec in a.event:
        pos, size = (int(x) for x in spec.split(":"))
        if b.event_at(pos) is None or pos <= b.fde[1]:
            sys.stderr.write("rows-query: %d is not the start of an event after the FDE\n" % pos)
            return 2
        text_len = size - HDR - 1 - (4 if b.alg == 1 else 0)
        if text_len < 0:
            sys.stderr.write("rows-query: %d bytes is too small\n" % size)
            return 2
        line = b"".join(bytes([48 + (i % 43)]) for i in range(79)) + b"\n"
        text = (line * (text_len // len(line) + 1))[:text_len]
        inserts[pos] = (size, text)
    out = bytearray(b.data[:4])
    shift = 0
    for s, e, t in b.events:
        ev = bytearray(b.data[s:e])
        if s in inserts:
            size, text = inserts[s]
            ts = int.from_bytes(ev[:4], "little")
            out += make_event(29, b.server_id, s + shift + size, 0, b"\x00" + text, b.alg, ts)
            shift += size
        lp = int.from_bytes(ev[13:17], "little")
        if lp and shift:
            ev[13:17] = le(lp + shift, 4)
            ev = bytearray(fix_crc(bytes(ev), b.alg))
        out += ev
    with open(a.output, "wb") as f:
        f.write(out)
    return 0


def tool_strip_checksums(argv):
    ap = argparse.ArgumentParser(prog="fake_mysql.py strip-checksums")
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args(argv)
    b = Binlog(a.input, os.path.basename(a.input))
    if b.alg != 1:
        sys.stderr.write("strip-checksums: %s has no CRC32 checksums\n" % a.input)
        return 2
    out = bytearray(b.data[:4])
    for s, e, t in b.events:
        ev = bytearray(b.data[s:e])
        if t == FDE:
            ev[-5] = 0  # binlog_checksum=NONE; the FDE keeps its own CRC
        else:
            ev = ev[:-4]
            ev[9:13] = le(len(ev), 4)
        if int.from_bytes(ev[13:17], "little"):
            ev[13:17] = le(len(out) + len(ev), 4)
        if t == FDE:
            ev = bytearray(fix_crc(bytes(ev), 1))
        out += ev
    with open(a.output, "wb") as f:
        f.write(out)
    return 0


def main(argv):
    if argv and argv[0] == "strip-checksums":
        return tool_strip_checksums(argv[1:])
    if argv and argv[0] == "gtidify":
        return tool_gtidify(argv[1:])
    if argv and argv[0] == "rows-query":
        return tool_rows_query(argv[1:])
    if argv and argv[0] == "split":
        return tool_split(argv[1:])
    if argv and argv[0] == "gtidset-encode":
        print(GtidSet.parse(argv[1]).encode().hex())
        return 0
    if argv and argv[0] == "gtidset-decode":
        print(GtidSet.decode(bytes.fromhex(argv[1])).text())
        return 0
    if argv and argv[0] == "serve":
        argv = argv[1:]
    ap = argparse.ArgumentParser(prog="fake_mysql.py",
                                 description="A scripted MySQL 8.0 source for tests.")
    ap.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any)")
    ap.add_argument("--port-file", help="write the port here when ready")
    ap.add_argument("--log", help="append what was received and done to this file")
    ap.add_argument("--verbose", action="store_true", help="log to stderr too")
    ap.add_argument("--binlog", action="append", default=[],
                    help="PATH[=NAME], in order; the last one is the active binlog")
    ap.add_argument("--no-auto-next", action="store_true",
                    help="do not add the empty file a final ROTATE names")
    ap.add_argument("--user", action="append",
                    help="NAME:PLUGIN[:warm]=PASSWORD (default repl:caching_sha2_password=secret)")
    ap.add_argument("--default-plugin", default="caching_sha2_password",
                    help="plugin named in the greeting")
    ap.add_argument("--force-switch", action="store_true",
                    help="send an auth switch even when the client chose the right plugin")
    ap.add_argument("--switch-new-scramble", action="store_true",
                    help="a fresh scramble in auth switch requests")
    ap.add_argument("--tls", action="store_true", help="offer TLS (self-signed, in --workdir)")
    ap.add_argument("--tls-cn", default="localhost")
    ap.add_argument("--tls-san", default="IP:127.0.0.1,DNS:localhost")
    ap.add_argument("--workdir", help="keys and certificate go here (default: a temp dir)")
    ap.add_argument("--server-id", type=int, help="default: the binlog's")
    ap.add_argument("--server-uuid", help="default: the first GTID's UUID")
    ap.add_argument("--gtid-mode", default="ON", choices=["ON", "OFF"])
    ap.add_argument("--binlog-checksum", help="@@binlog_checksum (default: the files')")
    ap.add_argument("--var", action="append", help="NAME=VALUE: a system variable")
    ap.add_argument("--query-error", action="append",
                    help="SUBSTRING=CODE[:MESSAGE]: a query containing it gets ERR")
    ap.add_argument("--no-heartbeat", action="store_true",
                    help="never send heartbeats (the replica's read timeout fires)")
    ap.add_argument("--log-events", action="store_true", help="log every event sent")
    ap.add_argument("--log-heartbeats", action="store_true", help="log every heartbeat sent")
    ap.add_argument("--fault", action="append", default=[], help="see the module doc")
    ap.add_argument("--net-buffer", type=int, default=16384,
                    help="stream bytes buffered before a write, like MySQL's "
                         "net_buffer_length (1: one write per packet)")
    args = ap.parse_args(argv)
    try:
        srv = Server(args)
    except (ValueError, OSError, subprocess.CalledProcessError) as e:
        sys.stderr.write("fake_mysql.py: %s\n" % e)
        return 2

    def stop(signum, frame):
        srv.log("-", "stopping on signal %d" % signum)
        srv.cleanup()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        srv.serve()
    finally:
        srv.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
