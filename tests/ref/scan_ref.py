#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Brute-force space-time permutation scan for tests/test_scan.c (plain
Python, no numpy).

Run: /usr/bin/python3 tests/ref/scan_ref.py > /tmp/scan_ref.txt
The values it prints are recorded in tests/test_scan.c; the test never
runs Python.

Definitions (Kulldorff et al. 2005, PLoS Medicine 2(3):e59; SaTScan):
every location is a centre; every distinct distance from it to a location
is a radius; the circle holds the locations at most that far, and counts
only while its events are at most half of all events. A window is a run of
whole steps: prospective, ending at the last step, 1..S long;
retrospective, any run 1..S long. The expected count of a cylinder is the
sum over its locations z and steps d of N_z N_d / N, summed here term by
term (the engine uses the product N_Z N_D / N); its count is counted from
the events; LLR = n ln(n/mu) + (N-n) ln((N-n)/(N-mu)) when n > mu, else 0.
The engine evaluates the same sets in another order: nearest neighbours
added one group of equidistant ones at a time.

Case "lcg": 30 locations on a 20 x 20 integer lattice (ties in distance),
10 steps, 200 background events and 24 planted at location 0 in the last
3 steps, from the linear congruential sequence the C test also generates.
Printed for S = 5 in both modes: the primary cylinder, each centre's best
LLR, and the clusters with no location in common, in order of LLR, with
their members that hold events (a location without events is a centre
and takes part in the overlap of circles, but changes no count).

Case "tiny": 8 events at 4 locations over 3 steps; all 8! assignments of
the steps to the events are enumerated to give the exact probability that
a permutation's largest LLR is at least the data's, which the Monte Carlo
p-value (1 + #{replicates >= observed}) / (R + 1) estimates.
"""
import itertools
import math


class Lcg:
    """Numerical Recipes' 32-bit LCG; u() in [0, 1)."""

    def __init__(self, seed):
        self.x = seed

    def u(self):
        self.x = (1664525 * self.x + 1013904223) % 2**32
        return self.x / 2**32


def lcg_case():
    g = Lcg(12345)
    xy = [(math.floor(g.u() * 20), math.floor(g.u() * 20)) for _ in range(30)]
    loc, step = [], []
    for _ in range(200):
        loc.append(math.floor(g.u() * 30))
        step.append(math.floor(g.u() * 10))
    for _ in range(24):
        loc.append(0)
        step.append(7 + math.floor(g.u() * 3))
    return xy, 10, loc, step


def llr(n, mu, total):
    if not (n > mu) or not (mu > 0):
        return 0.0
    return n * math.log(n / mu) + (total - n) * math.log((total - n) / (total - mu))


def windows(T, S, retrospective):
    if retrospective:
        return [(s, e) for s in range(T) for e in range(s, min(T, s + S))]
    return [(T - l, T - 1) for l in range(1, S + 1)]


def circles(xy, nz, share_cap):
    """Per centre: the member sets (sorted) of every distinct radius."""
    out = []
    for c, (cx, cy) in enumerate(xy):
        d2 = [(x - cx) ** 2 + (y - cy) ** 2 for (x, y) in xy]
        sets = []
        for r2 in sorted(set(d2)):
            z = [j for j in range(len(xy)) if d2[j] <= r2]
            if sum(nz[j] for j in z) <= share_cap:
                sets.append((r2, z))
        out.append(sets)
    return out


def scan(xy, T, loc, step, S, retrospective, circ=None):
    N = len(loc)
    nz = [0] * len(xy)
    nd = [0] * T
    cnt = {}
    for a, b in zip(loc, step):
        nz[a] += 1
        nd[b] += 1
        cnt[(a, b)] = cnt.get((a, b), 0) + 1
    if circ is None:
        circ = circles(xy, nz, 0.5 * N)
    best = []
    for c, sets in enumerate(circ):
        top = (0.0, c, None, None, 0, 0.0)
        for r2, z in sets:
            for (s, e) in windows(T, S, retrospective):
                mu = sum(nz[q] * nd[d] / N for q in z for d in range(s, e + 1))
                n = sum(cnt.get((q, d), 0) for q in z for d in range(s, e + 1))
                v = llr(n, mu, N)
                if v > top[0]:
                    top = (v, c, r2, (s, e), n, mu, z)
        best.append(top)
    return best, circ


def report(best, cap=10):
    """Clusters sharing no location (events or none) within their circles;
    of equal LLRs the smaller circle first, then the centre."""
    order = sorted((b for b in best if b[0] > 0),
                   key=lambda b: (-b[0], b[2], b[1]))
    taken, out = set(), []
    for b in order:
        z = b[6]
        if taken & set(z):
            continue
        taken |= set(z)
        out.append(b)
        if len(out) == cap:
            break
    return out


def main():
    xy, T, loc, step = lcg_case()
    print("lcg: N = %d, locations with events = %d" % (len(loc), len(set(loc))))
    for retro in (False, True):
        mode = "retrospective" if retro else "prospective"
        best, _ = scan(xy, T, loc, step, 5, retro)
        print("%s: best LLR per centre:" % mode)
        print("  " + ", ".join("%.17g" % b[0] for b in best))
        for k, b in enumerate(report(best)):
            v, c, r2, (s, e), n, mu, z = b
            z = [q for q in z if q in loc]  # members: locations with events
            print("  cluster %d: centre %d r2 %d window %d-%d n %d mu %.17g "
                  "LLR %.17g members %s" % (k, c, r2, s, e, n, mu, v, z))

    # Tiny exact case.
    txy = [(0, 0), (1, 0), (5, 5), (9, 0)]
    tloc = [0, 0, 1, 0, 2, 3, 2, 3]
    tstep = [2, 2, 2, 1, 0, 1, 0, 2]
    best, circ = scan(txy, 3, tloc, tstep, 2, False)
    obs = max(b[0] for b in best)
    ge = tot = 0
    for perm in itertools.permutations(tstep):
        b2, _ = scan(txy, 3, tloc, list(perm), 2, False, circ)
        tot += 1
        ge += max(b[0] for b in b2) >= obs - 1e-12
    print("tiny: observed LLR %.17g, P(max >= observed) = %d / %d = %.17g"
          % (obs, ge, tot, ge / tot))


if __name__ == "__main__":
    main()
