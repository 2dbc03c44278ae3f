/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_audit.c
 * @brief The disclosure audit by linear programming (disclosure/audit.c):
 * tables whose ranges are computed by hand, rounding intervals, brute
 * force over every integer table of tiny sizes, and the writer's protect()
 * ending with every withheld cell protected.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "disclosure/audit.h"
#include "disclosure/disclosure.h"
#include "tests/test.h"

#define NA ((double)NAN)
#define MAXN 64

/* The exact range of every withheld cell. */
static const vemt_audit_opts exact_opts = {.exact = true};

/* 2 x 2, all four withheld, margins exact: rows 10 and 20, columns 12 and
 * 18, total 30. With x the top-left cell the table is
 * [x, 10 - x; 12 - x, 8 + x], every cell >= 0: x in [0, 10], so the four
 * ranges are [0, 10], [0, 10], [2, 12], [8, 18], each 10 wide. */
TEST(two_by_two_all_withheld) {
    double cells[4] = {NA, NA, NA, NA}, rt[2] = {10, 20}, ct[2] = {12, 18};
    vemt_audit_table t = {2, 2, cells, rt, ct, 30, 0};
    double lo[4], hi[4];
    size_t bad = 99;
    CHECK_STATUS(vemt_audit_run(&t, 10, &exact_opts, lo, hi, &bad, NULL),
                 VEMT_OK);
    const double elo[4] = {0, 0, 2, 8}, ehi[4] = {10, 10, 12, 18};
    for (int c = 0; c < 4; c++) {
        CHECK_NEAR(lo[c], elo[c], 1e-9);
        CHECK_NEAR(hi[c], ehi[c], 1e-9);
    }
    CHECK_INT_EQ(bad, 0); /* 10 wide: protected at 10 */
    CHECK_STATUS(vemt_disclosure_audit(&t, 10.5, lo, hi, &bad), VEMT_OK);
    CHECK_INT_EQ(bad, 4); /* not at 10.5 */
}

/* One withheld cell in a row with an exact total: 20 - 5 - 7 = 8, a range
 * of width 0. */
TEST(single_withheld_in_row) {
    double cells[6] = {5, NA, 7, 1, 2, 3}, rt[2] = {20, 6};
    vemt_audit_table t = {2, 3, cells, rt, NULL, NA, 1};
    double lo[6], hi[6];
    size_t bad = 0;
    vemt_audit_stats stats;
    CHECK_STATUS(vemt_audit_run(&t, 5, NULL, lo, hi, &bad, &stats), VEMT_OK);
    CHECK_NEAR(lo[1], 8, 1e-9);
    CHECK_NEAR(hi[1], 8, 1e-9);
    CHECK_INT_EQ(bad, 1);
    CHECK(stats.lps >= 2);   /* decided by its own LPs */
    CHECK_NEAR(lo[0], 5, 0); /* published cells: their own value */
    CHECK_NEAR(hi[0], 5, 0);
}

/* Issue 16, finding 2: at the partner tier with exact counts (threshold
 * 5), the 3 is withheld and secondary suppression takes zeros as its
 * complements; the zero column total then gives the 3 back (width 0).
 * protect() withholds more until the audit passes. */
TEST(finding2_zero_complement) {
    vemt_tier_rules rules = *vemt_tier_rules_get(VEMT_TIER_PARTNER);
    rules.round_to = 0;
    rules.threshold = 5;
    const double x[9] = {3, 0, 20, 6, 0, 14, 8, 5, 30};
    double pub[9], rt[3] = {23, 20, 43}, ct[3] = {17, 5, 64}, total = 86;
    vemt_disclosure_publish_table(&rules, x, 3, 3, true, pub);
    /* the pattern the finding describes: 3 and the zero beside it */
    CHECK(isnan(pub[0]) && isnan(pub[1]) && isnan(pub[3]) && isnan(pub[4]));
    CHECK(!isnan(pub[7]));
    vemt_audit_table t = {3, 3, pub, rt, ct, total, 0};
    double lo[9], hi[9];
    size_t bad = 0;
    CHECK_STATUS(vemt_audit_run(&t, 5, &exact_opts, lo, hi, &bad, NULL),
                 VEMT_OK);
    CHECK_NEAR(lo[0], 3, 1e-9); /* recovered exactly */
    CHECK_NEAR(hi[0], 3, 1e-9);
    CHECK_INT_EQ(bad, 4);

    double before[9];
    memcpy(before, pub, sizeof pub);
    size_t added = 0;
    CHECK_STATUS(
        vemt_disclosure_protect(&rules, x, 3, 3, pub, rt, ct, &total, &added),
        VEMT_OK);
    CHECK(added >= 1);
    for (int c = 0; c < 9; c++) CHECK(!isnan(before[c]) || isnan(pub[c]));
    CHECK_STATUS(vemt_audit_run(&t, 5, &exact_opts, lo, hi, &bad, NULL),
                 VEMT_OK);
    CHECK_INT_EQ(bad, 0);
    CHECK(hi[0] - lo[0] >= 5);
}

/* Rounded to 5, a published 10 stands for [7.5, 12.5], a 20 for
 * [17.5, 22.5] and a 0 for [0, 2.5]: the withheld cell of [10, ?, 0] with
 * the row total 20 lies in [17.5 - 12.5 - 2.5, 22.5 - 7.5 - 0] =
 * [2.5, 15], 12.5 wide. */
TEST(rounding_intervals) {
    double cells[3] = {10, NA, 0}, rt[1] = {20};
    vemt_audit_table t = {1, 3, cells, rt, NULL, NA, 5};
    double lo[3], hi[3];
    size_t bad = 0;
    CHECK_STATUS(vemt_audit_run(&t, 10, &exact_opts, lo, hi, &bad, NULL),
                 VEMT_OK);
    CHECK_NEAR(lo[0], 7.5, 0);
    CHECK_NEAR(hi[0], 12.5, 0);
    CHECK_NEAR(lo[2], 0, 0);
    CHECK_NEAR(hi[2], 2.5, 0);
    CHECK_NEAR(lo[1], 2.5, 1e-9);
    CHECK_NEAR(hi[1], 15, 1e-9);
    CHECK_INT_EQ(bad, 0);
    CHECK_STATUS(vemt_disclosure_audit(&t, 12.5, lo, hi, &bad), VEMT_OK);
    CHECK_INT_EQ(bad, 0); /* 12.5 wide */
    CHECK_STATUS(vemt_disclosure_audit(&t, 12.6, lo, hi, &bad), VEMT_OK);
    CHECK_INT_EQ(bad, 1);
}

/* No withheld cell: no LP. A withheld cell in no published sum: [0, inf)
 * without an LP. */
TEST(trivial_tables) {
    double cells[4] = {1, 2, 3, 4}, rt[2] = {3, 7}, lo[4], hi[4];
    vemt_audit_table t = {2, 2, cells, rt, NULL, 10, 0};
    size_t bad = 9;
    vemt_audit_stats stats;
    CHECK_STATUS(vemt_audit_run(&t, 5, NULL, lo, hi, &bad, &stats), VEMT_OK);
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(stats.lps, 0);
    cells[0] = NA;
    t.row_tot = NULL;
    t.total = NA;
    CHECK_STATUS(vemt_audit_run(&t, 5, NULL, lo, hi, &bad, &stats), VEMT_OK);
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(stats.lps, 0);
    CHECK_INT_EQ(stats.unbounded, 1);
    CHECK_NEAR(lo[0], 0, 0);
    CHECK(isinf(hi[0]));
}

/* Not a table: a negative or infinite value, or published values no
 * table of counts satisfies. */
TEST(bad_tables) {
    double cells[2] = {-1, NA}, rt[1] = {5}, lo[2], hi[2];
    vemt_audit_table t = {1, 2, cells, rt, NULL, NA, 0};
    size_t bad;
    CHECK_STATUS(vemt_disclosure_audit(&t, 5, lo, hi, &bad), VEMT_E_ARG);
    cells[0] = (double)INFINITY;
    CHECK_STATUS(vemt_disclosure_audit(&t, 5, lo, hi, &bad), VEMT_E_ARG);
    cells[0] = 9; /* 9 + a count >= 0 can't be 5 */
    CHECK_STATUS(vemt_disclosure_audit(&t, 5, lo, hi, &bad), VEMT_E_ARG);
    cells[1] = 1; /* exact cells alone break the total */
    CHECK_STATUS(vemt_disclosure_audit(&t, 5, lo, hi, &bad), VEMT_E_ARG);
    CHECK_STATUS(vemt_disclosure_audit(NULL, 5, lo, hi, &bad), VEMT_E_ARG);
}

/* splitmix64, for reproducible random tables. */
static uint64_t next_u64(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int rand_int(uint64_t *s, int n) {
    return (int)(next_u64(s) % (uint64_t)n);
}

/* Brute force: every integer table within the published intervals (a
 * withheld cell 0 .. cap), its withheld cells' least and greatest values. */
typedef struct brute {
    size_t rows, cols;
    int dlo[MAXN], dhi[MAXN]; /* each cell's domain */
    int rlo[8], rhi[8], clo[8], chi[8], tlo, thi;
    int y[MAXN], rsum[8], csum[8], tsum;
    int min[MAXN], max[MAXN];
    long feasible;
} brute;

static void brute_rec(brute *b, size_t c) {
    size_t n = b->rows * b->cols;
    if (c == n) {
        for (size_t k = 0; k < b->cols; k++)
            if (b->csum[k] < b->clo[k]) return;
        if (b->tsum < b->tlo) return;
        b->feasible++;
        for (size_t k = 0; k < n; k++) {
            if (b->y[k] < b->min[k]) b->min[k] = b->y[k];
            if (b->y[k] > b->max[k]) b->max[k] = b->y[k];
        }
        return;
    }
    size_t r = c / b->cols, k = c % b->cols;
    for (int v = b->dlo[c]; v <= b->dhi[c]; v++) {
        if (b->rsum[r] + v > b->rhi[r] || b->csum[k] + v > b->chi[k] ||
            b->tsum + v > b->thi)
            break;
        if (k == b->cols - 1 && b->rsum[r] + v < b->rlo[r]) continue;
        b->y[c] = v;
        b->rsum[r] += v;
        b->csum[k] += v;
        b->tsum += v;
        brute_rec(b, c + 1);
        b->rsum[r] -= v;
        b->csum[k] -= v;
        b->tsum -= v;
    }
}

/* A published value rounded to base r (0: exact), and its integer
 * interval [v - r/2, v + r/2] (r even). */
static double round_to(int x, int r) {
    return r ? r * round((double)x / r) : x;
}

static void interval(double v, int r, int *lo, int *hi) {
    *lo = (int)fmax(0, v - r / 2);
    *hi = (int)v + r / 2;
}

/* One random table checked against brute force: the LP ranges contain the
 * integer ranges, and equal them for 2-row tables (the constraint matrix
 * is a network matrix, totally unimodular, and the bounds are integers);
 * the fast audit agrees with the exact one on which cells are unprotected
 * and its ranges lie inside the exact ones. */
static size_t brute_case(test_state *t_, uint64_t *s, size_t rows, size_t cols,
                         int r) {
    size_t n = rows * cols;
    int x[MAXN];
    double cells[MAXN], rt[8], ct[8], total;
    brute b = {.rows = rows, .cols = cols};
    int sum = 0, hidden = 0;
    for (size_t c = 0; c < n; c++) sum += x[c] = rand_int(s, 5);
    for (size_t c = 0; c < n; c++) {
        bool w = rand_int(s, 2) == 0 && hidden < 4;
        hidden += w;
        cells[c] = w ? NA : round_to(x[c], r);
        if (w) {
            b.dlo[c] = 0;
            b.dhi[c] = sum + r * (int)(rows + cols + 1);
        } else {
            interval(cells[c], r, &b.dlo[c], &b.dhi[c]);
        }
        b.min[c] = INT32_MAX;
        b.max[c] = INT32_MIN;
    }
    for (size_t i = 0; i < rows; i++) {
        int v = 0;
        for (size_t k = 0; k < cols; k++) v += x[i * cols + k];
        rt[i] = round_to(v, r);
        interval(rt[i], r, &b.rlo[i], &b.rhi[i]);
    }
    for (size_t k = 0; k < cols; k++) {
        int v = 0;
        for (size_t i = 0; i < rows; i++) v += x[i * cols + k];
        ct[k] = round_to(v, r);
        interval(ct[k], r, &b.clo[k], &b.chi[k]);
    }
    total = round_to(sum, r);
    interval(total, r, &b.tlo, &b.thi);
    brute_rec(&b, 0);
    CHECK(b.feasible > 0); /* the true table is one */

    vemt_audit_table t = {rows, cols, cells, rt, ct, total, r};
    double lo[MAXN], hi[MAXN], flo[MAXN], fhi[MAXN];
    unsigned char ex_bad[MAXN], fast_bad[MAXN];
    vemt_audit_opts eo = {.exact = true, .unprotected = ex_bad};
    vemt_audit_opts fo = {.unprotected = fast_bad};
    size_t nbad = 0, nfast = 0;
    double protect = 1 + rand_int(s, 6);
    CHECK_STATUS(vemt_audit_run(&t, protect, &eo, lo, hi, &nbad, NULL),
                 VEMT_OK);
    CHECK_STATUS(vemt_audit_run(&t, protect, &fo, flo, fhi, &nfast, NULL),
                 VEMT_OK);
    CHECK_INT_EQ(nfast, nbad);
    for (size_t c = 0; c < n; c++) {
        if (!isnan(cells[c])) continue;
        CHECK(lo[c] <= b.min[c] + 1e-6 && hi[c] >= b.max[c] - 1e-6);
        if (rows == 2) {
            CHECK_NEAR(lo[c], b.min[c], 1e-6);
            CHECK_NEAR(hi[c], b.max[c], 1e-6);
        }
        CHECK_INT_EQ(fast_bad[c], ex_bad[c]);
        CHECK(flo[c] >= lo[c] - 1e-6 && fhi[c] <= hi[c] + 1e-6);
        if (!fast_bad[c]) CHECK(fhi[c] - flo[c] >= protect - 1e-6);
    }
    return nbad;
}

TEST(brute_force) {
    uint64_t s = 16;
    size_t bad = 0;
    for (int k = 0; k < 40; k++) bad += brute_case(t_, &s, 2, 3, 0);
    for (int k = 0; k < 20; k++)
        bad += brute_case(t_, &s, 2, 2 + (size_t)(k % 3), 2);
    for (int k = 0; k < 20; k++) bad += brute_case(t_, &s, 3, 3, 0);
    for (int k = 0; k < 10; k++) bad += brute_case(t_, &s, 3, 2, 2);
    CHECK(bad > 0); /* the cases hold unprotected cells as well */
}

/* The screen proves only what is true: on random tables with some margins
 * not published (rows whose cells become reservoirs of their columns),
 * rounded or exact, with and without the true table as a seed, the fast
 * audit finds the same unprotected cells as the exact one, and every range
 * it gives lies inside the exact range. */
TEST(screen_sound) {
    uint64_t s = 2016;
    size_t screened = 0;
    for (int k = 0; k < 200; k++) {
        size_t rows = 3 + (size_t)rand_int(&s, 6);
        size_t cols = 2 + (size_t)rand_int(&s, 4), n = rows * cols;
        double r = k % 3 == 0 ? 0 : k % 3 == 1 ? 2 : 5, h = r > 1 ? r / 2 : 0;
        double x[MAXN], cells[MAXN], rt[8], ct[8], total = 0;
        memset(rt, 0, sizeof rt);
        memset(ct, 0, sizeof ct);
        for (size_t c = 0; c < n; c++) {
            x[c] = rand_int(&s, 3) ? rand_int(&s, 10) : 10 + rand_int(&s, 20);
            rt[c / cols] += x[c];
            ct[c % cols] += x[c];
            total += x[c];
        }
        /* Published values within r/2 of the truth, so x is feasible. */
        for (size_t c = 0; c < n; c++)
            cells[c] = rand_int(&s, 2)
                           ? NA
                           : x[c] + (h ? h - rand_int(&s, 2) * r / 2 : 0);
        for (size_t i = 0; i < rows; i++) rt[i] = rand_int(&s, 3) ? rt[i] : NA;
        for (size_t j = 0; j < cols; j++) ct[j] = rand_int(&s, 4) ? ct[j] : NA;
        if (rand_int(&s, 3) == 0) total = NA;
        vemt_audit_table t = {rows, cols, cells, rt, ct, total, r};
        double lo[MAXN], hi[MAXN], flo[MAXN], fhi[MAXN];
        unsigned char ex_bad[MAXN], fast_bad[MAXN];
        vemt_audit_opts eo = {.exact = true, .unprotected = ex_bad};
        vemt_audit_opts fo = {.unprotected = fast_bad};
        if (k % 2) fo.seed = x;
        size_t nbad = 0, nfast = 0;
        vemt_audit_stats stats;
        double protect = 1 + rand_int(&s, 15);
        CHECK_STATUS(vemt_audit_run(&t, protect, &eo, lo, hi, &nbad, NULL),
                     VEMT_OK);
        CHECK_STATUS(vemt_audit_run(&t, protect, &fo, flo, fhi, &nfast, &stats),
                     VEMT_OK);
        screened += stats.screened;
        CHECK_INT_EQ(nfast, nbad);
        for (size_t c = 0; c < n; c++) {
            if (!isnan(cells[c])) continue;
            CHECK_INT_EQ(fast_bad[c], ex_bad[c]);
            CHECK(flo[c] >= lo[c] - 1e-6 && fhi[c] <= hi[c] + 1e-6);
        }
    }
    CHECK(screened > 0);
}

/* A total as the writer publishes it: withheld under the threshold, else
 * rounded. */
static double publish_total(const vemt_tier_rules *r, double v) {
    if (v >= 1 && v < r->threshold) return NA;
    return vemt_disclosure_round(v, r->threshold, r->round_to);
}

/* protect() on random tables: at the end the audit finds every withheld
 * cell protected; nothing withheld before is published after; *added
 * counts the cells it withheld. */
static size_t protect_case(test_state *t_, uint64_t *s,
                           const vemt_tier_rules *rules, size_t rows,
                           size_t cols) {
    size_t n = rows * cols;
    double x[MAXN], pub[MAXN], before[MAXN], rt[8], ct[8], total = 0;
    for (size_t c = 0; c < n; c++) {
        int kind = rand_int(s, 4); /* zeros, small counts and some large */
        x[c] = kind == 0   ? 0
               : kind == 3 ? 10 + rand_int(s, 30)
                           : rand_int(s, 8);
    }
    memset(rt, 0, sizeof rt);
    memset(ct, 0, sizeof ct);
    for (size_t c = 0; c < n; c++) {
        rt[c / cols] += x[c];
        ct[c % cols] += x[c];
        total += x[c];
    }
    for (size_t i = 0; i < rows; i++) rt[i] = publish_total(rules, rt[i]);
    for (size_t k = 0; k < cols; k++) ct[k] = publish_total(rules, ct[k]);
    total = publish_total(rules, total);
    vemt_disclosure_publish_table(rules, x, rows, cols, true, pub);
    memcpy(before, pub, sizeof pub);
    size_t added = 0;
    CHECK_STATUS(vemt_disclosure_protect(rules, x, rows, cols, pub, rt, ct,
                                         &total, &added),
                 VEMT_OK);
    size_t more = 0;
    for (size_t c = 0; c < n; c++) {
        CHECK(!isnan(before[c]) || isnan(pub[c])); /* never un-withheld */
        more += !isnan(before[c]) && isnan(pub[c]);
        CHECK(isnan(pub[c]) || pub[c] == before[c]);
    }
    CHECK_INT_EQ(added, more);
    vemt_audit_table t = {rows, cols, pub, rt, ct, total, rules->round_to};
    double lo[MAXN], hi[MAXN];
    size_t bad = 99;
    CHECK_STATUS(
        vemt_audit_run(&t, rules->threshold, &exact_opts, lo, hi, &bad, NULL),
        VEMT_OK);
    CHECK_INT_EQ(bad, 0);
    return added;
}

TEST(protect_random) {
    uint64_t s = 1616;
    vemt_tier_rules exact = *vemt_tier_rules_get(VEMT_TIER_PARTNER);
    exact.round_to = 0;
    const vemt_tier_rules *pub = vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    for (int k = 0; k < 60; k++) {
        size_t rows = 2 + (size_t)rand_int(&s, 6),
               cols = 2 + (size_t)rand_int(&s, 5);
        protect_case(t_, &s, k % 2 ? pub : &exact, rows, cols);
    }
}

/* protect() leaves a table alone when every withheld cell is protected,
 * and does nothing without a threshold. */
TEST(protect_nothing_to_do) {
    vemt_tier_rules rules = *vemt_tier_rules_get(VEMT_TIER_PARTNER);
    rules.round_to = 0;
    rules.threshold = 10;
    const double x[4] = {5, 15, 15, 5};
    double pub[4] = {NA, NA, NA, NA}, rt[2] = {20, 20}, ct[2] = {20, 20};
    double total = 40;
    size_t added = 9;
    CHECK_STATUS(
        vemt_disclosure_protect(&rules, x, 2, 2, pub, rt, ct, &total, &added),
        VEMT_OK);
    CHECK_INT_EQ(added, 0); /* each cell ranges over [0, 20] */
    CHECK(!isnan(rt[0]) && !isnan(ct[1]) && !isnan(total));
    rules.threshold = 0;
    CHECK_STATUS(
        vemt_disclosure_protect(&rules, x, 2, 2, pub, rt, ct, &total, &added),
        VEMT_OK);
    CHECK_INT_EQ(added, 0);
}

/* When no published cell is left in the row or column of an unprotected
 * cell, protect() withholds a margin: here [3, 4] (both withheld) with
 * the row total 7 and the grand total 7 published: each cell in [0, 7],
 * under 10 wide; the row total goes, then the grand total (which alone
 * still says 7), and the cells are then unbounded. */
TEST(protect_margins) {
    vemt_tier_rules rules = *vemt_tier_rules_get(VEMT_TIER_PARTNER);
    rules.round_to = 0;
    rules.threshold = 10;
    const double x[2] = {3, 4};
    double pub[2] = {NA, NA}, rt[1] = {7}, ct[2] = {NA, NA}, total = 7;
    size_t added = 9;
    CHECK_STATUS(
        vemt_disclosure_protect(&rules, x, 1, 2, pub, rt, ct, &total, &added),
        VEMT_OK);
    CHECK_INT_EQ(added, 0); /* no cell: margins only */
    CHECK(isnan(rt[0]));
    CHECK(isnan(total));
    vemt_audit_table t = {1, 2, pub, rt, ct, total, 0};
    double lo[2], hi[2];
    size_t bad = 9;
    CHECK_STATUS(vemt_disclosure_audit(&t, 10, lo, hi, &bad), VEMT_OK);
    CHECK_INT_EQ(bad, 0);
    CHECK(isinf(hi[0]) && isinf(hi[1]));
}

TEST_SUITE(audit) {
    RUN(two_by_two_all_withheld);
    RUN(single_withheld_in_row);
    RUN(finding2_zero_complement);
    RUN(rounding_intervals);
    RUN(trivial_tables);
    RUN(bad_tables);
    RUN(brute_force);
    RUN(screen_sound);
    RUN(protect_random);
    RUN(protect_nothing_to_do);
    RUN(protect_margins);
}
