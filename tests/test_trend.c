/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_trend.c
 * @brief Mann-Kendall, Poisson change, emerging hot spot and Chainey
 * categories, FDR bins, the space-time cube and its Gi*.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/ref/st_gistar_ref.h"
#include "tests/test.h"

TEST(mann_kendall_reference) {
    /* Reference: tests/ref/mann_kendall_ref.py, an independent
     * implementation of Kendall's (1975) formulas with the tie and
     * continuity corrections and Sen's (1968) slope (printed with %.17g). */
    const double a[] = {1, 3, 2, 4, 4, 5, 3, 6, 7, 7, 8, 6};
    vemt_mk mk;
    CHECK_INT_EQ(vemt_mann_kendall(a, 12, &mk), VEMT_OK);
    CHECK_NEAR(mk.s, 48, 0);
    CHECK_NEAR(mk.var_s, 208.66666666666666, 1e-9);
    CHECK_NEAR(mk.z, 3.253653635658023, 1e-9);
    CHECK_NEAR(mk.p, 0.0011393109944930354, 1e-9);
    CHECK_NEAR(mk.tau, 0.75036647937686685, 1e-9);
    CHECK_NEAR(mk.sen_slope, 0.56349206349206349, 1e-12);
    const double b[] = {5, 4, 4, 3, 2, 2, 2, 1, 0, 1};
    CHECK_INT_EQ(vemt_mann_kendall(b, 10, &mk), VEMT_OK);
    CHECK_NEAR(mk.s, -38, 0);
    CHECK_NEAR(mk.var_s, 119.33333333333333, 1e-9);
    CHECK_NEAR(mk.z, -3.3870439972203119, 1e-9);
    CHECK_NEAR(mk.p, 0.00070650056758434778, 1e-9);
    CHECK_NEAR(mk.tau, -0.89566858950296013, 1e-9);
    CHECK_NEAR(mk.sen_slope, -0.5, 0);
    const double c[] = {2, 2, 2, 2, 2};
    CHECK_INT_EQ(vemt_mann_kendall(c, 5, &mk), VEMT_OK);
    CHECK_NEAR(mk.z, 0, 0);
    CHECK_NEAR(mk.p, 1, 0);
    CHECK_INT_EQ(vemt_mann_kendall(c, 2, &mk), VEMT_E_ARG);
}

TEST(poisson_change_reference) {
    /* Reference: R 4.2.2 stats::poisson.test(c(a, b))$p.value. */
    CHECK_NEAR(vemt_poisson_change_p(30, 18), 0.1114028910610189, 1e-9);
    CHECK_NEAR(vemt_poisson_change_p(12, 12), 1, 1e-12);
    CHECK_NEAR(vemt_poisson_change_p(0, 5), 0.0625, 1e-12);
    CHECK_NEAR(vemt_poisson_change_p(45, 60), 0.17156469715424205, 1e-9);
    CHECK_NEAR(vemt_poisson_change_p(0, 0), 1, 0);
}

/* Classify a series written as a string: '+' hot, '-' cold, '.' neither;
 * z rises (trend +1), falls (-1) or stays flat (0) with noise-free steps. */
static vemt_ehsa ehsa(const char *s, int trend) {
    int bins[64];
    double z[64];
    size_t t = strlen(s);
    for (size_t i = 0; i < t; i++) {
        bins[i] = s[i] == '+' ? 3 : s[i] == '-' ? -3 : 0;
        double base = bins[i] ? 3.0 * (bins[i] > 0 ? 1 : -1) : 0;
        z[i] = base + trend * 0.2 * (double)i + (trend ? 0 : 0.01 * (i % 3));
    }
    return vemt_ehsa_classify(bins, z, t, 0.05);
}

#define CHECK_EHSA(series, trend, want) \
    CHECK_STR_EQ(vemt_ehsa_name(ehsa(series, trend)), vemt_ehsa_name(want))

TEST(mann_kendall_with_gaps) {
    /* Reference: tests/ref/seasonal_kendall_ref.py (scipy's kendalltau and
     * theilslopes on the kept (step, value) pairs). A NaN step (Gi* z of
     * a step with no variance) is dropped: S, Var(S), z, p and tau equal
     * those of the series with the NaN removed; Sen's slope keeps the true
     * step distances (0.667 here, 0.826 if the gaps were closed up). */
    const double nan = (double)NAN;
    const double x[] = {3, 5, nan, 4,   6,  6,  nan, 8,
                        7, 9, 11,  nan, 10, 12, 12,  13};
    const double closed[] = {3, 5, 4, 6, 6, 8, 7, 9, 11, 10, 12, 12, 13};
    vemt_mk a, b;
    CHECK_INT_EQ(vemt_mann_kendall_min(x, 16, VEMT_MK_MIN_STEPS, &a), VEMT_OK);
    CHECK_INT_EQ(vemt_mann_kendall(closed, 13, &b), VEMT_OK);
    CHECK_INT_EQ((long)a.n, 13);
    CHECK(a.null_reason == NULL);
    CHECK_NEAR(a.s, 70, 0);
    CHECK_NEAR(a.var_s, 266.66666666666669, 1e-9);
    CHECK_NEAR(a.z, 4.2253698063009821, 1e-12);
    CHECK_NEAR(a.p, 2.3854871023881777e-05, 1e-15);
    CHECK_NEAR(a.tau, 0.90916758356572924, 1e-12);
    CHECK_NEAR(a.sen_slope, 0.66666666666666663, 1e-12);
    CHECK_NEAR(b.sen_slope, 0.8257575757575758, 1e-12);
    CHECK_NEAR(a.z, b.z, 0);
    CHECK_NEAR(a.p, b.p, 0);
    /* Fewer than VEMT_MK_MIN_STEPS (10) steps with a value: null with the
     * reason, not an error. */
    const double few[] = {1, nan, 2, 3, nan, 5, 4, 6, nan, 7, 8, 9};
    CHECK_INT_EQ(vemt_mann_kendall_min(few, 12, VEMT_MK_MIN_STEPS, &a),
                 VEMT_OK);
    CHECK_INT_EQ((long)a.n, 9);
    CHECK(isnan(a.z) && isnan(a.p) && isnan(a.sen_slope) && isnan(a.tau));
    CHECK(a.null_reason &&
          strstr(a.null_reason, "fewer than 10 steps with a value"));
    /* NaN anywhere, including first, never reaches a comparison sort. */
    const double edge[] = {nan, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, nan};
    CHECK_INT_EQ(vemt_mann_kendall_min(edge, 12, VEMT_MK_MIN_STEPS, &a),
                 VEMT_OK);
    CHECK_INT_EQ((long)a.n, 10);
    CHECK_NEAR(a.s, 45, 0);
    CHECK_NEAR(a.sen_slope, 1, 0);
}

/* The reference Sen's slope: every pair's slope (steps with a NaN value
 * left out, steps keeping their index; within a season for period > 1),
 * sorted with NaN last and the middle one or the mean of the middle two
 * taken, as trend.c did before it selected. */
static int by_value_nan_last(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    if (isnan(x) || isnan(y)) return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

static double sorted_sen(const double *x, size_t n, size_t period) {
    double *s = malloc((n * n / 2 + 1) * sizeof *s), med = NAN;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + period; j < n; j += period)
            if (!isnan(x[i]) && !isnan(x[j]))
                s[m++] = (x[j] - x[i]) / (double)((j - i) / period);
    qsort(s, m, sizeof *s, by_value_nan_last);
    if (m) med = m % 2 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
    free(s);
    return med;
}

/* Var(S) of the kept values with Kendall's tie correction (as in
 * mann_kendall_reference), the tie groups counted pair by pair. */
static double brute_var_s(const double *x, size_t n) {
    double k = 0, ties = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) continue;
        k++;
        bool first = true;
        double t = 0;
        for (size_t j = 0; j < n; j++) {
            if (j < i && x[j] == x[i]) first = false;
            t += x[j] == x[i];
        }
        if (first) ties += t * (t - 1) * (2 * t + 5);
    }
    return (k * (k - 1) * (2 * k + 5) - ties) / 18.0;
}

/* Bitwise equal, or both NaN. */
static bool same_double(double a, double b) {
    return (isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a);
}

TEST(sen_slope_selection_matches_sort) {
    /* Random series of small counts (many tied values and slopes), some
     * NaN steps, lengths 3..60 and 400 (odd and even numbers of slopes;
     * short and long sorts of the values for Var(S)), and the values a
     * sort orders differently from a selection: -0 beside +0, and
     * infinities whose difference is NaN. */
    uint32_t seed = 1;
    int odd = 0, even = 0;
    double x[400];
    for (int rep = 0; rep < 600; rep++) {
        size_t n = rep < 580 ? 3 + (size_t)rep % 58 : 400, kept = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            uint32_t r = seed >> 24;
            x[i] = r < 20 ? (double)NAN : (double)(r % 9) - (rep % 3 ? 0 : 4);
            if (rep % 7 == 0) x[i] /= 3; /* slopes that are not integers */
        }
        if (rep % 50 == 1) x[1] = -0.0, x[2] = 0.0, x[n - 1] = 0.0;
        if (rep % 50 == 2) x[0] = INFINITY, x[n - 1] = INFINITY;
        kept = 0;
        for (size_t i = 0; i < n; i++) kept += !isnan(x[i]);
        vemt_mk mk;
        vemt_status st = vemt_mann_kendall(x, n, &mk);
        if (kept < 3) {
            CHECK_INT_EQ(st, VEMT_E_ARG);
            continue;
        }
        CHECK_INT_EQ(st, VEMT_OK);
        double want = sorted_sen(x, n, 1);
        if (!same_double(mk.sen_slope, want))
            TEST_FAIL_AT(t_, "series %d (n %zu): Sen %.17g, sorted %.17g", rep,
                         n, mk.sen_slope, want);
        CHECK_NEAR(mk.var_s, brute_var_s(x, n), 0);
        size_t m = kept * (kept - 1) / 2;
        odd += m % 2, even += m % 2 == 0;
        if (n >= 24) {
            CHECK_INT_EQ(vemt_seasonal_kendall(x, n, 12, &mk), VEMT_OK);
            want = sorted_sen(x, n, 12);
            if (!same_double(mk.sen_slope, want))
                TEST_FAIL_AT(t_,
                             "series %d (n %zu): seasonal %.17g, "
                             "sorted %.17g",
                             rep, n, mk.sen_slope, want);
        }
    }
    CHECK(odd > 100 && even > 100);
    /* The stable sort makes -0 the median of these 15 slopes (ten are
     * zeros, the fourth and eighth of them -0): so does vemt. */
    const double z[] = {0.0, 0.0, 1.0, -0.0, 0.0, 0.0};
    vemt_mk mk;
    CHECK_INT_EQ(vemt_mann_kendall(z, 6, &mk), VEMT_OK);
    CHECK(mk.sen_slope == 0 && signbit(mk.sen_slope));
    CHECK(same_double(mk.sen_slope, sorted_sen(z, 6, 1)));
}

TEST(seasonal_kendall_reference) {
    /* Reference: tests/ref/seasonal_kendall_ref.py, Hirsch, Slack & Smith
     * (1982) from the formulas: 36 months with a summer peak, a rise of
     * about one event a year, ties, and one month (June of year 2) NaN. */
    const double nan = (double)NAN;
    const double m[] = {4, 3, 5, 7, 9,  14,  16, 13, 9,  5, 3, 4,
                        5, 3, 5, 8, 9,  nan, 15, 15, 12, 6, 5, 3,
                        6, 4, 7, 8, 11, 15,  17, 16, 12, 9, 7, 6};
    vemt_mk sk;
    CHECK_INT_EQ(vemt_seasonal_kendall(m, 36, 12, &sk), VEMT_OK);
    CHECK_INT_EQ((long)sk.n, 35);
    CHECK_NEAR(sk.s, 25, 0);
    CHECK_NEAR(sk.var_s, 36.333333333333336, 1e-12);
    CHECK_NEAR(sk.z, 3.9816090979871834, 1e-12);
    CHECK_NEAR(sk.p, 6.8450289276276514e-05, 1e-15);
    CHECK_NEAR(sk.sen_slope, 1, 0);
    /* A summer peak and no trend, October to October (25 months):
     * Mann-Kendall reads the second peak as a rise (z = 2.62,
     * p = 0.0087); the seasonal test, month against the same month, does
     * not (z = 0.92, p = 0.36). */
    const double peak[] = {4, 5, 4, 5, 5, 3, 5, 6,  14, 15, 15, 11, 6,
                           4, 5, 5, 5, 6, 5, 7, 13, 16, 14, 11, 8};
    vemt_mk mk;
    CHECK_INT_EQ(vemt_mann_kendall(peak, 25, &mk), VEMT_OK);
    CHECK_NEAR(mk.z, 2.6237619333892694, 1e-12);
    CHECK_NEAR(mk.p, 0.0086964547395473116, 1e-14);
    CHECK_INT_EQ(vemt_seasonal_kendall(peak, 25, 12, &sk), VEMT_OK);
    CHECK_NEAR(sk.s, 4, 0);
    CHECK_NEAR(sk.var_s, 10.666666666666666, 1e-12);
    CHECK_NEAR(sk.z, 0.91855865354369182, 1e-12);
    CHECK_NEAR(sk.p, 0.35832646674888025, 1e-12);
    CHECK_NEAR(sk.sen_slope, 0.5, 0);
    /* Under two years: no test. */
    CHECK_INT_EQ(vemt_seasonal_kendall(peak, 23, 12, &sk), VEMT_E_ARG);
    CHECK(isnan(sk.p) && sk.null_reason);
}

TEST(poisson_rate_reference) {
    /* Reference: tests/ref/seasonal_kendall_ref.py, R's poisson.test rule
     * (binom.test's outcomes no more likely than the one observed) in exact
     * rational arithmetic.
     * February (28 days) with 2,800 events against January (31 days)
     * with 3,100: 100 a day each, so no change (p = 1), where counts
     * compared as if over equal periods give p = 9.9e-05. */
    CHECK_NEAR(vemt_poisson_rate_p(2800, 28, 3100, 31), 1, 1e-12);
    CHECK_NEAR(vemt_poisson_change_p(2800, 3100), 9.8837836696141572e-05,
               1e-15);
    CHECK_NEAR(vemt_poisson_rate_p(40, 28, 30, 31), 0.11961547571039303, 1e-12);
    CHECK_NEAR(vemt_poisson_rate_p(12, 30, 25, 31), 0.048118640703148918,
               1e-12);
    CHECK_NEAR(vemt_poisson_rate_p(0, 28, 5, 31), 0.064118003911907875, 1e-12);
    /* Across 0.05: the doubled smaller tail gave 0.054 here. */
    CHECK_NEAR(vemt_poisson_rate_p(10, 31, 20, 28), 0.043367713897707494,
               1e-12);
    CHECK_NEAR(vemt_poisson_rate_p(20, 28, 10, 31),
               vemt_poisson_rate_p(10, 31, 20, 28), 1e-15);
    CHECK(isnan(vemt_poisson_rate_p(3, 0, 4, 31)));
}

TEST(emerging_hot_spot_categories) {
    CHECK_EHSA("..........", 0, VEMT_EHSA_NONE);
    CHECK_EHSA(".........+", 0, VEMT_EHSA_NEW_HOT);
    CHECK_EHSA("--.......+", 0, VEMT_EHSA_NEW_HOT); /* cold before: still new */
    CHECK_EHSA(".......+++", 0, VEMT_EHSA_CONSECUTIVE_HOT);
    CHECK_EHSA("..+....+++", 0, VEMT_EHSA_SPORADIC_HOT); /* hot before run */
    CHECK_EHSA("++++++++++", 1, VEMT_EHSA_INTENSIFYING_HOT);
    CHECK_EHSA("++++++++++", 0, VEMT_EHSA_PERSISTENT_HOT);
    CHECK_EHSA("++++++++++", -1, VEMT_EHSA_DIMINISHING_HOT);
    /* Exactly 90 %: 9 of 10 hot, final hot -> the 90 % group. */
    CHECK_EHSA("+.++++++++", 0, VEMT_EHSA_PERSISTENT_HOT);
    /* 8 of 10 hot (under 90 %), final hot, never cold -> sporadic. */
    CHECK_EHSA("+..+++++++", 0, VEMT_EHSA_SPORADIC_HOT);
    CHECK_EHSA("+.+.+.+..+", 0, VEMT_EHSA_SPORADIC_HOT);
    /* A cold bin in the history makes it oscillating. */
    CHECK_EHSA("+-+.+.+..+", 0, VEMT_EHSA_OSCILLATING_HOT);
    /* Non-significant final step: historical when >= 90 % hot. */
    CHECK_EHSA("+++++++++.", 0, VEMT_EHSA_HISTORICAL_HOT);
    CHECK_EHSA("++++++++..", 0, VEMT_EHSA_NONE); /* 80 %: no pattern */
    CHECK_EHSA(".........-", 0, VEMT_EHSA_NEW_COLD);
    CHECK_EHSA("........--", 0, VEMT_EHSA_CONSECUTIVE_COLD);
    CHECK_EHSA("----------", -1, VEMT_EHSA_INTENSIFYING_COLD);
    CHECK_EHSA("----------", 0, VEMT_EHSA_PERSISTENT_COLD);
    CHECK_EHSA("----------", 1, VEMT_EHSA_DIMINISHING_COLD);
    CHECK_EHSA("-.-..-...-", 0, VEMT_EHSA_SPORADIC_COLD);
    CHECK_EHSA("-+-..-...-", 0, VEMT_EHSA_OSCILLATING_COLD);
    CHECK_EHSA("---------.", 0, VEMT_EHSA_HISTORICAL_COLD);
    for (int e = 0; e < VEMT_EHSA_END; e++)
        CHECK(strlen(vemt_ehsa_name((vemt_ehsa)e)) > 0);
}

static vemt_chainey chainey(const char *s) {
    double z[64], p[64];
    bool scratch[64];
    size_t t = strlen(s);
    for (size_t i = 0; i < t; i++) {
        z[i] = s[i] == '+' ? 3 : s[i] == '-' ? -3 : 0.5;
        p[i] = s[i] == '.' ? 0.6 : 0.001;
    }
    vemt_chainey_params prm = {0.1, 0.8, 0.2, 0.05};
    return vemt_chainey_classify(z, p, t, &prm, scratch);
}

TEST(chainey_categories) {
    /* 10 steps: recent = the last 2 (recent_prop 0.2). */
    CHECK_STR_EQ(vemt_chainey_name(chainey("++++++++..")),
                 "persistent hot spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("........+.")), "emerging hot spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("+.+.......")), "former hot spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("..+.....+.")),
                 "intermittent hot spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("--------.-")),
                 "persistent cold spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("+.+......-")),
                 "mixed hot/cold spot");
    CHECK_STR_EQ(vemt_chainey_name(chainey("..........")), "no pattern");
}

TEST(fdr_bins) {
    /* BH at q: the largest p_(k) <= q k / m. p sorted: 0.001 0.008 0.039
     * 0.041 0.042 0.06 0.074 0.205 0.212 0.216 (m = 10). q = 0.05 cuts at
     * 0.008 (k = 2: 0.01 >= 0.008; k = 3: 0.015 < 0.039); q = 0.10 at
     * 0.042? k = 5: 0.05 >= 0.042 yes; k = 7: 0.07 < 0.074; k = 6: 0.06 >=
     * 0.06 -> 0.06. q = 0.01: k = 1: 0.001 <= 0.001 -> 0.001. */
    const double p[] = {0.039, 0.001, 0.216, 0.06,  0.008,
                        0.212, 0.041, 0.074, 0.205, 0.042};
    const double z[] = {2, 3, 1, -2, -3, 1, 2, 2, 1, 2};
    int8_t b[10];
    CHECK_INT_EQ(vemt_significance_bins(z, p, 10, true, b), VEMT_OK);
    const int8_t want[] = {1, 3, 0, -1, -2, 0, 1, 0, 0, 1};
    for (int i = 0; i < 10; i++) CHECK_INT_EQ(b[i], want[i]);
    vemt_significance_bins(z, p, 10, false, b);
    const int8_t plain[] = {2, 3, 0, -1, -3, 0, 2, 1, 0, 2};
    for (int i = 0; i < 10; i++) CHECK_INT_EQ(b[i], plain[i]);
}

/* A grid of 4 x 3 cells of 100 m and events placed in it. */
static vemt_units *small_grid(vemt_ctx *ctx) {
    vemt_bbox e = {0, 0, 350, 250};
    vemt_units *g = NULL;
    vemt_units_create_square(ctx, 100, &e, NULL, &g);
    return g;
}

static void put(vemt_events *ev, double x, double y, int64_t s, int64_t e,
                const char *who) {
    vemt_event v = {0};
    v.x = x;
    v.y = y;
    v.start_utc = s;
    v.end_utc = e;
    v.located = v.in_area = true;
    v.kind = VEMT_KIND_INCIDENT;
    snprintf(v.subject_key, sizeof v.subject_key, "%s", who);
    vemt_events_push(ev, &v);
}

static int64_t day(int y, int m, int d) {
    return vemt_days_from_civil(y, m, d) * 86400;
}

TEST(cube_counts_and_aoristic_weights) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *g = small_grid(ctx);
    vemt_events ev = {0};
    /* 60 instant events, one a month in Jan..Dec 2024 in cell 0, by 2
     * subjects; then a range spanning 15 Jan - 14 Feb (31 days: 17 in
     * January, 14 in February); and a month-precision event in March. */
    for (int i = 0; i < 60; i++)
        put(&ev, 50, 50, day(2024, 1 + i % 12, 10), day(2024, 1 + i % 12, 10),
            (i / 12) % 2 ? "A" : "B");
    put(&ev, 150, 50, day(2024, 1, 15), day(2024, 2, 15) - 1, "");
    vemt_cube_opts o = {.unit = VEMT_STEP_MONTH,
                        .kinds = 1,
                        .time_lag = 1,
                        .window = VEMT_WINDOW_CUBE};
    vemt_cube *c;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    CHECK_INT_EQ(vemt_cube_steps(c), 12);
    CHECK_INT_EQ(vemt_cube_units(c), 12);
    CHECK_INT_EQ(vemt_cube_step_start(c, 1), day(2024, 2, 1));
    const double *n = vemt_cube_events(c), *s = vemt_cube_subjects(c);
    CHECK_NEAR(n[0 * 12 + 0], 5, 0);
    CHECK_NEAR(s[0 * 12 + 0], 2, 0); /* 5 events by 2 subjects */
    CHECK_NEAR(n[1 * 12 + 0], 17.0 / 31.0, 1e-12);
    CHECK_NEAR(n[1 * 12 + 1], 14.0 / 31.0, 1e-12);
    /* The spanning event has no subject key: an unknown subject, in no
     * count of distinct subjects (engine/subjects.c; it used to count as a
     * subject of its own). */
    CHECK_NEAR(s[1 * 12 + 1], 0, 0);
    CHECK_NEAR(vemt_cube_total(c), 61, 1e-9);
    vemt_cube_destroy(c);
    o.at_start = true;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    CHECK_NEAR(vemt_cube_events(c)[1 * 12 + 0], 1, 0);
    vemt_cube_destroy(c);
    /* Too little data is refused with the reason. */
    ev.n = 30;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "at least 60 events") != NULL);
    vemt_events_clear(&ev);
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

TEST(space_time_gistar_matches_spdep) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_units *g = small_grid(ctx);
    vemt_weights *w;
    vemt_weights_units_band(ctx, g, 100 * sqrt(2.0), true, &w);
    vemt_events ev = {0};
    /* Recreate the reference counts as events: unit u = row * 4 + col,
     * step t = month t of 2024. */
    for (int u = 0; u < 12; u++)
        for (int t = 0; t < 10; t++)
            for (int k = 0; k < (int)st_counts[u * 10 + t]; k++)
                put(&ev, (u % 4) * 100 + 50, (u / 4) * 100 + 50,
                    day(2024, t + 1, 5), day(2024, t + 1, 5), "");
    vemt_cube_opts o = {.unit = VEMT_STEP_MONTH, .kinds = 1, .time_lag = 1};
    vemt_cube *c;
    CHECK_INT_EQ(vemt_cube_create(ctx, g, &ev, &o, &c), VEMT_OK);
    double z[120], p[120];
    int8_t bins[120];
    CHECK_INT_EQ(vemt_cube_gistar(ctx, c, w, true, z, p, bins), VEMT_OK);
    for (int b = 0; b < 120; b++) CHECK_NEAR(z[b], st_z[b], 1e-9);
    /* The planted run of unit 6: z 2.78 in the last step (p 0.0054) is
     * significant at 1 % alone, but only at q = 0.10 once the false
     * discovery rate over the 120 bins is controlled. */
    CHECK_INT_EQ(bins[5 * 10 + 9], 1);
    CHECK_INT_EQ(vemt_cube_gistar(ctx, c, w, false, z, p, bins), VEMT_OK);
    CHECK_INT_EQ(bins[5 * 10 + 9], 3);
    vemt_cube_destroy(c);
    vemt_events_clear(&ev);
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(trend) {
    RUN(mann_kendall_reference);
    RUN(poisson_change_reference);
    RUN(mann_kendall_with_gaps);
    RUN(seasonal_kendall_reference);
    RUN(sen_slope_selection_matches_sort);
    RUN(poisson_rate_reference);
    RUN(emerging_hot_spot_categories);
    RUN(chainey_categories);
    RUN(fdr_bins);
    RUN(cube_counts_and_aoristic_weights);
    RUN(space_time_gistar_matches_spdep);
}
