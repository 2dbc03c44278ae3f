#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent Knox-test reference for tests/test_knox.c (numpy only).

Run: /usr/bin/python3 tests/ref/knox_ref.py > /tmp/knox_ref.txt
The values it prints are recorded in tests/test_knox.c; the test never
runs Python.

Case "tiny": 7 events; all 7! = 5040 assignments of the times to the
events are enumerated, giving the exact permutation mean of every cell and
the exact probability P(count >= observed) that the Monte Carlo p-value
(1 + #{perm >= obs}) / (R + 1) of NearRepeat estimates. The mean is also
checked against the closed form N_s * N_t / C(n, 2): each pair of events
gets a uniformly random pair of distinct time slots.

Case "lcg": 300 events from the linear congruential sequence the C test
also generates; exact observed counts (both metrics) and exact expected
counts by the closed form.

Bands are half-open [a, b), as R's cut(right = FALSE).
"""
import itertools
import math

import numpy as np

TINY_X = [0, 1, 1, 4, 5, 9, 2]
TINY_Y = [0, 0, 2, 4, 4, 1, 7]
TINY_T = [0, 1, 1, 3, 4, 7, 2]

CONFIGS = {
    # name: (space edges, time edges, metric)
    "finite": ([0, 1, 3, 6], [0, 1, 2, 4], "manhattan"),
    "space_inf": ([0, 2, math.inf], [0, 1, 3], "euclidean"),
    "time_inf": ([0, 1, 4], [0, 2, math.inf], "manhattan"),
}


def band(edges, d):
    """Index k with edges[k] <= d < edges[k+1], or -1 (vectorised)."""
    d = np.asarray(d, dtype=float)
    out = np.full(d.shape, -1)
    for k in range(len(edges) - 1):
        out[(d >= edges[k]) & (d < edges[k + 1])] = k
    return out


def pair_dists(x, y, t, metric):
    x, y, t = (np.asarray(v, dtype=float) for v in (x, y, t))
    i, j = np.triu_indices(len(x), 1)
    dx, dy = np.abs(x[i] - x[j]), np.abs(y[i] - y[j])
    ds = np.sqrt(dx * dx + dy * dy) if metric == "euclidean" else dx + dy
    return i, j, ds, np.abs(t[i] - t[j])


def table(x, y, t, se, te, metric):
    _, _, ds, dt = pair_dists(x, y, t, metric)
    sb, tb = band(se, ds), band(te, dt)
    ok = (sb >= 0) & (tb >= 0)
    tab = np.zeros((len(se) - 1, len(te) - 1), dtype=np.int64)
    np.add.at(tab, (sb[ok], tb[ok]), 1)
    return tab


def closed_form(x, y, t, se, te, metric):
    n = len(x)
    _, _, ds, _ = pair_dists(x, y, t, metric)
    _, _, _, dt = pair_dists(t, t, t, metric)  # all pairs of time slots
    ns = np.array([(band(se, ds) == k).sum() for k in range(len(se) - 1)])
    nt = np.array([(band(te, dt) == k).sum() for k in range(len(te) - 1)])
    return np.outer(ns, nt) / (n * (n - 1) / 2)


def tiny():
    for name, (se, te, metric) in CONFIGS.items():
        obs = table(TINY_X, TINY_Y, TINY_T, se, te, metric)
        tot = np.zeros(obs.shape)
        ge = np.zeros(obs.shape)
        count = 0
        for perm in itertools.permutations(TINY_T):
            tab = table(TINY_X, TINY_Y, perm, se, te, metric)
            tot += tab
            ge += tab >= obs
            count += 1
        mean = tot / count
        assert np.allclose(mean, closed_form(TINY_X, TINY_Y, TINY_T, se, te,
                                             metric))
        print(f"/* tiny {name}: observed, exact mean, exact P(>= obs) */")
        for (s, k), o in np.ndenumerate(obs):
            print(f"{{{s}, {k}, {o}, {mean[s, k]:.17g}, "
                  f"{ge[s, k] / count:.17g}}},")


def lcg_points(n):
    """The sequence tests/test_knox.c generates: 40 planted near repeats
    (within 50 m and 5 days of (1000, 1000), day 100), then uniform."""
    s = 12345
    out = []

    def nxt():
        nonlocal s
        s = (s * 1664525 + 1013904223) % 2**32
        return s >> 8

    for i in range(n):
        if i < 40:
            out.append((1000 + nxt() % 50, 1000 + nxt() % 50, 100 + nxt() % 5))
        else:
            out.append((nxt() % 5000, nxt() % 5000, nxt() % 365))
    return [np.array(v, dtype=float) for v in zip(*out)]


def lcg():
    x, y, t = lcg_points(300)
    se, te = [0, 1, 100, 200, 400], [0, 1, 7, 14, 30]
    for metric in ("manhattan", "euclidean"):
        obs = table(x, y, t, se, te, metric)
        exp = closed_form(x, y, t, se, te, metric)
        print(f"/* lcg {metric}: observed, exact mean */")
        for (s, k), o in np.ndenumerate(obs):
            print(f"{{{s}, {k}, {o}, {exp[s, k]:.17g}}},")


if __name__ == "__main__":
    tiny()
    lcg()
