#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference values of tests/test_trend.c's mann_kendall_reference.

An implementation of the Mann-Kendall test independent of vemt's
(engine/trend.c), from the published formulas only (Kendall 1975, "Rank
Correlation Methods", 4th ed.; Hirsch, Slack & Smith 1982, Water Resour.
Res. 18(1):107-121, doi:10.1029/WR018i001p00107; Sen 1968, JASA 63:1379-1389,
doi:10.1080/01621459.1968.10480934):

  S      = sum_{i<j} sign(x_j - x_i)
  Var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18   (t: sizes of ties)
  z      = (S - sign(S)) / sqrt(Var(S))               (continuity correction)
  p      = 2 (1 - Phi(|z|))
  tau_b  = S / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2, n1, n2 the tied pairs
           of x and of the time index (none)
  Sen's slope = median over i<j of (x_j - x_i) / (j - i)

Standard library only. Run: python3 tests/ref/mann_kendall_ref.py
"""
import math
from collections import Counter
from statistics import median


def mann_kendall(x):
    n = len(x)
    s = sum((x[j] > x[i]) - (x[j] < x[i])
            for i in range(n) for j in range(i + 1, n))
    ties = Counter(x).values()
    var = (n * (n - 1) * (2 * n + 5)
           - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    z = 0.0 if s == 0 or var == 0 else (s - math.copysign(1, s)) / math.sqrt(var)
    p = math.erfc(abs(z) / math.sqrt(2))
    n0 = n * (n - 1) / 2
    n1 = sum(t * (t - 1) / 2 for t in ties)
    tau = s / math.sqrt((n0 - n1) * n0) if n0 > n1 else float("nan")
    slope = median((x[j] - x[i]) / (j - i)
                   for i in range(n) for j in range(i + 1, n))
    return s, var, z, p, tau, slope


if __name__ == "__main__":
    for series in ([1, 3, 2, 4, 4, 5, 3, 6, 7, 7, 8, 6],
                   [5, 4, 4, 3, 2, 2, 2, 1, 0, 1]):
        s, var, z, p, tau, slope = mann_kendall(series)
        print("S %d  var %.17g  z %.17g  p %.17g  tau %.17g  slope %.17g"
              % (s, var, z, p, tau, slope))
