#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Canonical dump of a GeoPackage's tables, for the demo_tables golden test.

The guard of behaviour-preserving refactors: with a fixed key file and seed,
`vemt run --demo` must write the same rows into every table.  This dumps
every table of sqlite_master (the gpkg_* system tables, layer_styles, the
metadata, the feature and attribute tables, the kde tiles and the R*Tree
virtual tables; not SQLite's own tables nor the R*Tree shadow tables) as
column names and types plus every row, values rendered canonically, and
masks only what legitimately differs between runs (see MASKS below).

Usage (standard library only):
  demo_tables.py GPKG                     one line a table: table|n_rows|sha256
  demo_tables.py --full GPKG              every row, to find a mismatch
  demo_tables.py --write-expected GPKG    the summary under the golden header
  demo_tables.py --compare EXPECTED GPKG  exit 1 and name the tables that differ
  demo_tables.py --check VEMT EXPECTED KEY SEED WORKDIR
      run `VEMT run --demo` with --threads 1 and --threads 2 into WORKDIR,
      compare each with EXPECTED, print "demo_tables: N passed, M failed"
"""
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

# R*Tree shadow tables hold the index's nodes, whose layout is an internal
# detail; the index's content is dumped through the rtree virtual table.
SHADOW = re.compile(r"^rtree_.+_(node|parent|rowid)$")

# Columns that hold the time of writing (GeoPackage 1.3 tables and QGIS's
# layer_styles): masked whole, since nothing else is in them.
MASKED_COLUMNS = {
    ("gpkg_contents", "last_change"),
    ("gpkg_metadata_reference", "timestamp"),
    ("layer_styles", "update_time"),
}

# Inside text values (the provenance JSON in gpkg_metadata, and GDAL's copy
# of it in its XML metadata), only the variable part is replaced.
MASKS = [
    # When the run started.
    (re.compile(r'("created_utc"\s*:\s*")[^"]*(")'), r"\1<TIME>\2"),
    # The command line (the program's path, the output path, --threads):
    # the options that matter are recorded one by one in "parameters".
    (re.compile(r'("command_line"\s*:\s*\[)[^\]]*(\])'), r"\1<ARGV>\2"),
    # The stage timings (outputs/metadata.c writes them last): dropped
    # whole, key and all, since they differ from run to run.
    (re.compile(r',\s*"timings"\s*:\s*\{[^{}]*\}'), ""),
    # The default --max-memory: 80 % of this machine's memory.
    (re.compile(r'("max_memory_bytes"\s*:\s*\{\s*"value"\s*:\s*")[^"]*(")'),
     r"\1<MEMORY>\2"),
    # The folder part of absolute file paths (the checkout or VEMT_DEMO_DIR):
    # a "/" that starts a path, not one inside a word, a number or a URL.
    (re.compile(r'(?<![\w.:/~-])/(?:[^/\s"\'<>&|]+/)+(?=[^/\s"\'<>&|]+)'),
     "<DIR>/"),
]

HEADER = """\
# Golden dump of the demo's GeoPackage tables: table|n_rows|sha256 of the
# table's canonical rows (tests/demo_tables.py; `--full` prints the rows).
# Made from the code as it is, by:
#   build/vemt run --demo --out X.gpkg --key-file fixtures/golden/demo.key \\
#       --seed 7 --threads 1
#   /usr/bin/python3 tests/demo_tables.py --write-expected X.gpkg \\
#       > fixtures/golden/demo_tables.expected
# The CTest test demo_tables runs the same with --threads 1 and 2 and compares.
# Masked: gpkg_contents.last_change, gpkg_metadata_reference.timestamp,
# layer_styles.update_time, and in text the provenance's created_utc, its
# command_line, the default max_memory_bytes and the folders of absolute
# paths.
# To see which rows differ, dump the GeoPackages of the old and the new code
# with `--full` and diff them.
# This file changes only on purpose: a change of output is a change of
# behaviour, reviewed in the commit that regenerates it.
"""


def mask_text(s):
    for pat, rep in MASKS:
        s = pat.sub(rep, s)
    return s


def render(v):
    """One value as an unambiguous token without '|' outside quotes."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):  # not produced by sqlite3, kept for safety
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        # Exact: the RelWithDebInfo, Release and Debug+ASan/UBSan builds
        # write bit-identical doubles (checked when this test was made), so
        # no rounding hides a change in the last bits.
        return repr(v)
    if isinstance(v, bytes):
        return "x'" + v.hex() + "'"
    return json.dumps(mask_text(v), ensure_ascii=False)


def tables(db):
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return [n for n in names
            if not n.startswith("sqlite_") and not SHADOW.match(n)]


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def dump_table(db, table):
    """Returns (header line, row lines) of one table, rows in a stable order."""
    info = db.execute("PRAGMA table_info(%s)" % quote(table)).fetchall()
    cols = [(r[1], r[2]) for r in info]
    pks = [r for r in info if r[5]]
    header = "|".join("%s %s" % (n, t) if t else n for n, t in cols)
    masked = [(table, n) in MASKED_COLUMNS for n, _ in cols]
    select = "SELECT %s FROM %s" % (", ".join(quote(n) for n, _ in cols),
                                    quote(table))
    # An INTEGER PRIMARY KEY is the rowid, the fid the features are known
    # by: keep that order. Otherwise the rows are sorted once rendered.
    by_key = len(pks) == 1 and pks[0][2].upper() == "INTEGER"
    if by_key:
        select += " ORDER BY %s" % quote(pks[0][1])
    rows = []
    for row in db.execute(select):
        rows.append("|".join("<MASKED>" if m and v is not None else render(v)
                             for v, m in zip(row, masked)))
    if not by_key:
        rows.sort()
    return header, rows


def open_gpkg(path):
    if not os.path.isfile(path):
        sys.exit("demo_tables: no such file: %s" % path)
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def summary(path):
    """[(table, n_rows, sha256)] of every dumped table."""
    db = open_gpkg(path)
    out = []
    for t in tables(db):
        header, rows = dump_table(db, t)
        h = hashlib.sha256()
        h.update((header + "\n").encode())
        for r in rows:
            h.update((r + "\n").encode())
        out.append((t, len(rows), h.hexdigest()))
    db.close()
    return out


def full(path):
    db = open_gpkg(path)
    for t in tables(db):
        header, rows = dump_table(db, t)
        sys.stdout.write("%s#columns|%s\n" % (t, header))
        for r in rows:
            sys.stdout.write("%s|%s\n" % (t, r))
    db.close()


def read_expected(path):
    exp = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            t, n, h = line.split("|")
            exp[t] = (int(n), h)
    return exp


def compare(expected, path, label=""):
    """Prints every difference; returns the number of tables that differ."""
    exp = read_expected(expected)
    got = {t: (n, h) for t, n, h in summary(path)}
    bad = 0
    for t in sorted(set(exp) | set(got)):
        if t not in got:
            print("%sdiffers: %s: missing (expected %d rows)"
                  % (label, t, exp[t][0]))
        elif t not in exp:
            print("%sdiffers: %s: unexpected table (%d rows)"
                  % (label, t, got[t][0]))
        elif exp[t] != got[t]:
            print("%sdiffers: %s: %d rows, expected %d%s"
                  % (label, t, got[t][0], exp[t][0],
                     "" if got[t][0] != exp[t][0] else " (same count, other rows)"))
        else:
            continue
        bad += 1
    return bad


def check(vemt, expected, key, seed, workdir):
    """The CTest test: the demo at 1 and 2 threads, each against EXPECTED."""
    os.makedirs(workdir, exist_ok=True)
    passed = failed = 0
    for threads in ("1", "2"):
        out = os.path.join(workdir, "demo-threads%s.gpkg" % threads)
        if os.path.exists(out):
            os.remove(out)
        cmd = [vemt, "run", "--demo", "--out", out, "--key-file", key,
               "--seed", seed, "--threads", threads, "--quiet"]
        t0 = time.monotonic()
        # The demo's bad rows are reported on stderr even with --quiet:
        # shown only when the run fails.
        run = subprocess.run(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        label = "threads %s: " % threads
        if run.returncode != 0:
            sys.stdout.write(run.stdout)
            print("%svemt exited %d: %s"
                  % (label, run.returncode, " ".join(cmd)))
            failed += 1
            continue
        bad = compare(expected, out, label)
        print("%s%s (%.1f s): %s" % (label, "ok" if not bad else "FAILED",
                                     time.monotonic() - t0, out))
        if bad:
            print("%sto see the rows: %s %s --full %s"
                  % (label, sys.executable, sys.argv[0], out))
            failed += 1
        else:
            passed += 1
    print("demo_tables: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main(argv):
    args = argv[1:]
    if len(args) == 1 and not args[0].startswith("--"):
        for t, n, h in summary(args[0]):
            print("%s|%d|%s" % (t, n, h))
        return 0
    if len(args) == 2 and args[0] == "--full":
        full(args[1])
        return 0
    if len(args) == 2 and args[0] == "--write-expected":
        sys.stdout.write(HEADER)
        for t, n, h in summary(args[1]):
            print("%s|%d|%s" % (t, n, h))
        return 0
    if len(args) == 3 and args[0] == "--compare":
        bad = compare(args[1], args[2])
        print("%d table(s) differ" % bad if bad else "all tables equal")
        return 1 if bad else 0
    if len(args) == 6 and args[0] == "--check":
        return check(*args[1:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
