#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent co-location quotient reference for tests/test_colocation.c
(numpy only).

Run: /usr/bin/python3 tests/ref/colocation_ref.py > /tmp/clq_ref.txt
The values it prints are recorded in tests/test_colocation.c; the test
never runs Python.

40 points and categories 0, 1, 2 from the linear congruential sequence the
C test also generates. For each point i of A, the k = 8 nearest other
points (ties to the lower index), Gaussian weights exp(-0.5 d^2 / h^2) with
h the 8th distance, and

  LCLQ_i = (sum_j w_ij [j in B] / sum_j w_ij) / (N'_B / (N - 1)),

N'_B = N_B - 1 when A = B (Cromley, Hanink & Bentlage 2014; Leslie &
Kronenfeld 2011). The global quotient is their mean over A.

Exact conditional-permutation tails: the 8 neighbours take 8 of the N - 1
other points' categories without replacement, so a set S of neighbour slots
holds B (and the rest not) with probability
C(N - 1 - k, N'_B - |S|) / C(N - 1, N'_B); all 2^8 sets are enumerated, and
the exact two-sided p is min(1, 2 min(P(V >= v), P(V <= v))).
"""
import itertools
from math import comb

import numpy as np

N, K = 40, 8


def points():
    s = 777
    xy, cat = [], []

    def nxt():
        nonlocal s
        s = (s * 1664525 + 1013904223) % 2**32
        return s >> 8

    for _ in range(N):
        x = nxt() % 100000 / 1000.0
        y = nxt() % 100000 / 1000.0
        xy.append((x, y))
        cat.append(nxt() % 3)
    return np.array(xy), np.array(cat)


def neighbours(xy, i):
    d2 = (xy[:, 0] - xy[i, 0]) ** 2 + (xy[:, 1] - xy[i, 1]) ** 2
    idx = np.arange(len(xy))
    order = np.lexsort((idx, d2))
    order = order[order != i][:K]
    h2 = d2[order].max()
    w = np.exp(-0.5 * d2[order] / h2) if h2 > 0 else np.ones(K)
    return order, w / w.sum()


def local(xy, cat, a, b):
    n_b = (cat == b).sum() - (1 if a == b else 0)
    share = n_b / (N - 1)
    out = []
    for i in range(N):
        if cat[i] != a:
            continue
        nb, g = neighbours(xy, i)
        f = (cat[nb] == b).astype(float)
        v = float((g * f).sum())
        ge = le = 0.0
        for bits in itertools.product((0, 1), repeat=K):
            m = sum(bits)
            if m > n_b or K - m > N - 1 - n_b:
                continue
            prob = comb(N - 1 - K, n_b - m) / comb(N - 1, n_b)
            val = float((g * np.array(bits)).sum())
            if val >= v - 1e-12:
                ge += prob
            if val <= v + 1e-12:
                le += prob
        out.append((i, v / share, min(1.0, 2 * min(ge, le))))
    return out


def main():
    xy, cat = points()
    for a, b in ((0, 1), (1, 1)):
        rows = local(xy, cat, a, b)
        print(f"/* A = {a}, B = {b}: point, LCLQ, exact two-sided p */")
        for i, q, p in rows:
            print(f"{{{i}, {q:.17g}, {p:.17g}}},")
        print(f"/* global CLQ {a}->{b}: "
              f"{np.mean([q for _, q, _ in rows]):.17g} */")


if __name__ == "__main__":
    main()
