#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference labels for tests/test_dbscan.c from the DBSCAN / ST-DBSCAN peers.

Not run at test time. From the repository root, with Debian's python3-sklearn,
python3-pyproj and QGIS (qgis_process) installed:

  /usr/bin/python3 tests/ref/dbscan_peers.py ../shared/peers ../shared/data

Writes
  fixtures/ref/dbscan_points_10k.csv   gen_points.py --n 10000 --seed 1
                                       (id,occurred_at,easting,northing)
  fixtures/ref/merseyside_2019-05_27700.csv
                                       police.uk Merseyside shoplifting,
                                       May 2019, projected to EPSG:27700
  fixtures/ref/dbscan_<case>.csv       per point: the peers' labels
  tests/ref/dbscan_ref.h               parameters, counts, label hashes

Every case runs both peers: scikit-learn through ../shared/peers/
dbscan_sklearn.py (labels) plus the same computation in-process for the
core flags (DBSCAN.core_sample_indices_; ST-DBSCAN with the peer's own
st_graph), and QGIS through ../shared/peers/qgis_dbscan.sh
(native:dbscanclustering / native:stdbscanclustering, DBSCAN* off).
"""

import csv
import datetime as dt
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pyproj
from pyproj.transformer import TransformerGroup
import sklearn
from sklearn.cluster import DBSCAN

PEERS, DATA = sys.argv[1], sys.argv[2]
sys.path.insert(0, PEERS)
import dbscan_sklearn  # noqa: E402  (the peer's st_graph)

REF = "fixtures/ref"
DEMO = "fixtures/demo/incidents.csv"
MERSEY = os.path.join(DATA, "merseyside-shoplifting-2019-2020",
                      "merseyside-shoplifting-policeuk-schema.csv")


def parse_time(s):
    try:
        return int(dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
                   .replace(tzinfo=dt.timezone.utc).timestamp())
    except ValueError:
        return None


def write_peer_csv(path, rows):
    """rows: (id, occurred_at, x_text, y_text) -> the peers' input CSV."""
    with open(path, "w") as f:
        f.write("id,occurred_at,easting,northing,category\n")
        for r in rows:
            f.write("%d,%s,%s,%s,x\n" % r)


def fnv1a(labels):
    h = 0xcbf29ce484222325
    for v in labels:
        for b in int(v).to_bytes(4, "little", signed=True):
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def sklearn_core(rows, eps, min_pts, days):
    xy = np.array([[float(r[2]), float(r[3])] for r in rows])
    if days is None:
        m = DBSCAN(eps=eps, min_samples=min_pts, n_jobs=1).fit(xy)
    else:
        t = np.array([parse_time(r[1]) for r in rows], dtype=np.int64)
        g = dbscan_sklearn.st_graph(xy, t, eps, days * 86400.0, "auto", 1)
        m = DBSCAN(eps=1.0, min_samples=min_pts, metric="precomputed",
                   n_jobs=1).fit(g)
    core = np.zeros(len(rows), dtype=int)
    core[m.core_sample_indices_] = 1
    return m.labels_, core


def run_peers(work, name, rows, eps, min_pts, days):
    inp = os.path.join(work, name + ".csv")
    write_peer_csv(inp, rows)
    extra = [] if days is None else ["--eps-time-days", "%g" % days]
    sk, qg = inp[:-4] + ".sklearn.csv", inp[:-4] + ".qgis.csv"
    subprocess.run(["/usr/bin/python3", os.path.join(PEERS, "dbscan_sklearn.py"),
                    inp, sk, "--eps", "%g" % eps, "--min-samples",
                    str(min_pts)] + extra, check=True)
    subprocess.run([os.path.join(PEERS, "qgis_dbscan.sh"),
                    "dbscan" if days is None else "stdbscan", inp, qg,
                    "--eps", "%g" % eps, "--min-size", str(min_pts)] + extra,
                   check=True)
    load = lambda p: {int(r["id"]): int(r["cluster_label"])
                      for r in csv.DictReader(open(p))}
    s, q = load(sk), load(qg)
    labels, core = sklearn_core(rows, eps, min_pts, days)
    ids = [r[0] for r in rows]
    assert [s[i] for i in ids] == list(labels), name + ": peer script differs"
    return labels, core, np.array([q[i] for i in ids])


def demo_rows(timed):
    """Demo incidents whose coordinates parse (and, if timed, whose time
    parses); id = the row's line number in the file."""
    out = []
    for i, r in enumerate(csv.DictReader(open(DEMO, newline="")), start=2):
        try:
            x, y = float(r["easting"]), float(r["northing"])
        except ValueError:
            continue
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        t = r["occurred_at"] if parse_time(r["occurred_at"]) else ""
        if timed and not t:
            continue
        out.append((i, t, r["easting"], r["northing"]))
    return out


def make_fixtures(work):
    gen = os.path.join(work, "gen.csv")
    subprocess.run(["/usr/bin/python3", os.path.join(PEERS, "gen_points.py"),
                    "--n", "10000", "--seed", "1", "--out", gen, "--truth",
                    os.path.join(work, "truth.json")], check=True)
    with open(os.path.join(REF, "dbscan_points_10k.csv"), "w") as f:
        for r in csv.reader(open(gen)):
            f.write(",".join(r[:4]) + "\n")
    # The best operation PROJ has without the OSTN15 grid (2 m Helmert);
    # chosen explicitly so its name can be recorded.
    tr = TransformerGroup("EPSG:4326", "EPSG:27700",
                          always_xy=True).transformers[0]
    with open(os.path.join(REF, "merseyside_2019-05_27700.csv"), "w") as f:
        f.write("row,month,easting,northing\n")
        for i, r in enumerate(csv.DictReader(open(MERSEY)), start=2):
            if r["Month"] == "2019-05":
                x, y = tr.transform(float(r["Longitude"]), float(r["Latitude"]))
                f.write("%d,%s,%.3f,%.3f\n" % (i, r["Month"], x, y))
    return tr


def cases():
    g = [(int(r["id"]), r["occurred_at"], r["easting"], r["northing"])
         for r in csv.DictReader(open(os.path.join(REF, "dbscan_points_10k.csv")))]
    m = [(int(r["row"]), "2019-05-01T00:00:00Z", r["easting"], r["northing"])
         for r in csv.DictReader(open(os.path.join(REF, "merseyside_2019-05_27700.csv")))]
    # name, rows, eps, min_points, days (None = DBSCAN)
    return [("gen10k", g, 250.0, 10, None), ("gen10k_st", g, 250.0, 10, 14.0),
            ("demo", demo_rows(False), 200.0, 10, None),
            ("demo_st", demo_rows(True), 300.0, 5, 14.0),
            ("mersey", m, 300.0, 8, None)]


def main():
    with tempfile.TemporaryDirectory() as work:
        tr = make_fixtures(work)
        hdr = []
        for name, rows, eps, min_pts, days in cases():
            lab, core, qg = run_peers(work, name, rows, eps, min_pts, days)
            with open(os.path.join(REF, "dbscan_%s.csv" % name), "w") as f:
                f.write("id,sklearn,core,qgis\n")
                for r, a, c, q in zip(rows, lab, core, qg):
                    f.write("%d,%d,%d,%d\n" % (r[0], a, c, q))
            hdr.append((name, len(rows), eps, min_pts, days or 0,
                        int(lab.max()) + 1, int((lab < 0).sum()),
                        int(core.sum()), fnv1a(lab), fnv1a(qg),
                        bool((lab == qg).all())))
    write_header(hdr, tr)


def write_header(hdr, tr):
    qgis = subprocess.run(["/usr/bin/qgis_process.bin", "--version"],
                          capture_output=True, text=True,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    qv = next((l for l in qgis.stdout.splitlines() if "QGIS" in l), "QGIS ?")
    qv = qv.split("'")[0].strip()
    with open("tests/ref/dbscan_ref.h", "w") as f:
        f.write("""/** @file dbscan_ref.h
 * @brief Reference DBSCAN / ST-DBSCAN results of scikit-learn %s and
 * %s (native:dbscanclustering /
 * native:stdbscanclustering, DBSCAN* off) on the points of fixtures/ref
 * (generated and real) and the demo incidents.
 *
 * Made by tests/ref/dbscan_peers.py (Python %s, pyproj %s, PROJ %s;
 * Merseyside lon/lat -> EPSG:27700 by "%s").
 * Per-point labels and core
 * flags are in fixtures/ref/dbscan_<case>.csv; hashes are FNV-1a 64 of the
 * labels as little-endian int32 in point order. qgis_same: QGIS's labels
 * equal scikit-learn's, numbering included.
 */
#ifndef VEMT_TESTS_REF_DBSCAN_REF_H
#define VEMT_TESTS_REF_DBSCAN_REF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct dbscan_ref {
    const char *name;
    long n;
    double eps_m;
    long min_points;
    double eps_days; /* 0 = DBSCAN */
    long n_clusters, n_noise, n_core;
    uint64_t sklearn_hash, qgis_hash;
    bool qgis_same;
} dbscan_ref;

static const dbscan_ref DBSCAN_REFS[] = {
""" % (sklearn.__version__, qv.strip(), sys.version.split()[0],
       pyproj.__version__, pyproj.proj_version_str, tr.description))
        for h in hdr:
            f.write('    {"%s", %d, %g, %d, %g, %d, %d, %d, 0x%016xu, 0x%016xu, %s},\n'
                    % (h[:10] + ("true" if h[10] else "false",)))
        f.write("};\n\n#endif /* VEMT_TESTS_REF_DBSCAN_REF_H */\n")


if __name__ == "__main__":
    main()
