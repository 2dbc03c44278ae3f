#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference values of tests/test_trend.c's mann_kendall_with_gaps,
seasonal_kendall_reference and poisson_rate_reference.

Independent of vemt's engine/trend.c: written from the published formulas,
with scipy for tau (scipy.stats.kendalltau), Sen's slope
(scipy.stats.theilslopes on the kept (step, value) pairs), the normal tail
and the binomial distribution.

  Mann-Kendall (Kendall 1975): S, Var(S) with ties, continuity-corrected z,
    p = 2 (1 - Phi(|z|)); NaN steps dropped, kept steps keep their index.
  Seasonal Kendall (Hirsch, Slack & Smith 1982, Water Resour. Res.
    18(1):107-121): S and Var(S) summed over the 12 seasons (each season's
    own tie correction), continuity-corrected z; slope = median of all
    within-season slopes (x_j - x_i) / (year_j - year_i).
  Two Poisson rates with exposures (Przyborowski & Wilenski 1940;
    Krishnamoorthy & Thomson 2004): given n = a + b,
    a ~ Binomial(n, ta / (ta + tb)); p = min(1, 2 min(P(X <= a), P(X >= a))).

Run: /usr/bin/python3 tests/ref/seasonal_kendall_ref.py  (Debian
python3-numpy 1.24.2, python3-scipy 1.10.1)
"""
import math

import numpy as np
from scipy import stats

nan = float("nan")


def mk(x):
    t = [i for i, v in enumerate(x) if not math.isnan(v)]
    y = [x[i] for i in t]
    n = len(y)
    s = sum(np.sign(y[j] - y[i]) for i in range(n) for j in range(i + 1, n))
    _, c = np.unique(y, return_counts=True)
    var = (n * (n - 1) * (2 * n + 5) - sum(k * (k - 1) * (2 * k + 5)
                                           for k in c)) / 18
    z = (s - 1) / math.sqrt(var) if s > 0 else (
        (s + 1) / math.sqrt(var) if s < 0 else 0)
    p = 2 * stats.norm.sf(abs(z))
    tau = stats.kendalltau(t, y).statistic
    sen = stats.theilslopes(y, t).slope
    return n, s, var, z, p, tau, sen


def sk(x, per=12):
    S = V = 0
    sl = []
    for g in range(per):
        pts = [(k, x[i]) for k, i in enumerate(range(g, len(x), per))
               if not math.isnan(x[i])]
        n = len(pts)
        if n < 2:
            continue
        S += sum(np.sign(pts[j][1] - pts[i][1])
                 for i in range(n) for j in range(i + 1, n))
        _, c = np.unique([p[1] for p in pts], return_counts=True)
        V += (n * (n - 1) * (2 * n + 5) - sum(k * (k - 1) * (2 * k + 5)
                                              for k in c)) / 18
        sl += [(pts[j][1] - pts[i][1]) / (pts[j][0] - pts[i][0])
               for i in range(n) for j in range(i + 1, n)]
    z = (S - 1) / math.sqrt(V) if S > 0 else (
        (S + 1) / math.sqrt(V) if S < 0 else 0)
    return S, V, z, 2 * stats.norm.sf(abs(z)), float(np.median(sl))


def rate_p(a, ta, b, tb):
    """R's poisson.test(c(a, b), c(ta, tb)), two-sided: binom.test's sum of
    the outcomes no more likely than a (relative tolerance 1e-7), here in
    exact rational arithmetic."""
    from fractions import Fraction
    n = a + b
    if n == 0:
        return 1.0
    q = Fraction(ta, ta + tb)
    pmf = [math.comb(n, k) * q ** k * (1 - q) ** (n - k) for k in range(n + 1)]
    d = pmf[a] * Fraction(10000001, 10000000)
    return float(min(1, sum(v for v in pmf if v <= d)))


def show(name, vals):
    print(name, ", ".join("%.17g" % float(v) for v in vals))


gaps = [3, 5, nan, 4, 6, 6, nan, 8, 7, 9, 11, nan, 10, 12, 12, 13]
show("gaps n s var z p tau sen", mk(gaps))
show("removed", mk([v for v in gaps if not math.isnan(v)]))
monthly = [4, 3, 5, 7, 9, 14, 16, 13, 9, 5, 3, 4, 5, 3, 5, 8, 9, nan, 15, 15,
           12, 6, 5, 3, 6, 4, 7, 8, 11, 15, 17, 16, 12, 9, 7, 6]
show("seasonal S var z p slope", sk(monthly))
# A summer peak, no trend: October to October, 25 months.
peak = [4, 5, 4, 5, 5, 3, 5, 6, 14, 15, 15, 11, 6, 4, 5, 5, 5, 6, 5, 7, 13,
        16, 14, 11, 8]
show("peak mk", mk(peak))
show("peak seasonal", sk(peak))
show("rates", [rate_p(2800, 28, 3100, 31), rate_p(2800, 1, 3100, 1),
               rate_p(40, 28, 30, 31), rate_p(12, 30, 25, 31),
               rate_p(0, 28, 5, 31), rate_p(10, 31, 20, 28)])
