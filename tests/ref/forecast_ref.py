#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference values for tests/test_forecast.c, computed from the
definitions alone (plain Python, no vemt code): prospective hot-spot
weights (Bowers, Johnson & Pease 2004), EWMA, and hit rate / PAI / PEI with
a fractional last unit, PEI's n* by brute force over selections.
Run: python3 tests/ref/forecast_ref.py; the test records its output."""
import itertools
import math
from datetime import datetime, timezone

WEEK = 7 * 86400


def t(y, m, d, hh=0):
    return int(datetime(y, m, d, hh, tzinfo=timezone.utc).timestamp())


def recency(centre, events, start, cell, window_days=56, bandwidth=400):
    s = 0.0
    for (x, y, when) in events:
        el = start - when
        if el <= 0 or el >= window_days * 86400:
            continue
        d = math.hypot(centre[0] - x, centre[1] - y)
        if d > bandwidth:
            continue
        s += 1 / (1 + d / cell) * 1 / (1 + el // WEEK)
    return s


def ewma(x, a=0.3):
    s = x[0]
    for v in x[1:]:
        s = a * v + (1 - a) * s
    return s


def capture(order, m2, actual, target):
    left, n = target, 0.0
    for u in order:
        if left <= 0:
            break
        if m2[u] <= left:
            n += actual[u]
            left -= m2[u]
        else:
            n += actual[u] * left / m2[u]
            left = 0
    return n


def brute_best(m2, actual, target):
    """Most events in area target: any set of whole units that fits, plus
    any one other unit cut to the area left."""
    best, idx = 0.0, range(len(m2))
    for r in range(len(m2) + 1):
        for s in itertools.combinations(idx, r):
            a = sum(m2[u] for u in s)
            if a > target + 1e-9:
                continue
            n = sum(actual[u] for u in s)
            best = max(best, n)
            for j in idx:
                if j not in s:
                    best = max(best, n + actual[j] * min(1, (target - a) / m2[j]))
    return best


# Grid of 50 m cells; step 11 (December 2024) starts 2024-12-01 00:00 UTC.
start = t(2024, 12, 1)
ev = [(125, 125, t(2024, 11, 28, 12)),  # 2.5 days: week 0
      (325, 125, t(2024, 11, 20)),      # 11 days: week 1
      (125, 425, t(2024, 10, 10))]      # 52 days: week 7
for c in [(125, 125), (325, 125), (725, 125), (125, 875)]:
    print("recency grid %s: %.17g" % (c, recency(c, ev, start, 50)))

# Polygon units (rectangles), distance unit 50 m; one event at (50, 50)
# on 2024-11-25 (6 days before: week 0).
pev = [(50, 50, t(2024, 11, 25))]
for c in [(50, 50), (200, 50), (350, 50), (200, 150)]:
    print("recency polygon %s: %.17g" % (c, recency(c, pev, start, 50)))

# The far unit's monthly series (January..December 2024).
series = [10, 4, 8, 6, 12, 5, 7, 3, 5, 0, 0, 0]
for tt in (9, 11, 12):
    print("ewma t=%d: %.17g (last %g)" % (tt, ewma(series[:tt]),
                                          series[tt - 1]))

# Scores: four rectangles of unequal area.
m2 = [10000, 20000, 10000, 40000]
actual = [2, 6, 0, 4]
forecast = [5, 1, 3, 2]
order = sorted(range(4), key=lambda u: (-forecast[u], u))
dens = sorted(range(4), key=lambda u: (-actual[u] / m2[u], u))
A, N = sum(m2), sum(actual)
for share in (0.2, 0.25, 0.4, 0.6, 1.0):
    n = capture(order, m2, actual, share * A)
    ns = capture(dens, m2, actual, share * A)
    nb = brute_best(m2, actual, share * A)
    print("share %.2f: n %.17g hit %.17g PAI %.17g n* %.17g brute %.17g "
          "PEI %.17g" % (share, n, n / N, n / N / share, ns, nb, n / ns))
