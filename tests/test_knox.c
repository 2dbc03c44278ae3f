/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_knox.c
 * @brief Knox near-repeat test against an independent numpy implementation
 * (tests/ref/knox_ref.py): exact observed counts; permutation means and
 * p-values within Monte Carlo error of the exact values from all 7!
 * assignments of a tiny case; through both pair strategies (pairs close in
 * space, pairs close in time); the same for any thread count; time gaps
 * in calendar days for day-precision events and elapsed time for exact
 * ones, across the clock changes of Europe/London; the pair limit decided
 * from counts exactly as pair by pair.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/test.h"
#include "tests/tzutil.h"

/* The tiny case of knox_ref.py. */
static const double TINY_X[] = {0, 1, 1, 4, 5, 9, 2};
static const double TINY_Y[] = {0, 0, 2, 4, 4, 1, 7};
static const double TINY_T[] = {0, 1, 1, 3, 4, 7, 2};

typedef struct ref_cell {
    int s, t;
    long observed;
    double mean; /* exact permutation mean */
    double p;    /* exact P(count >= observed); -1 when not given */
} ref_cell;

/* knox_ref.py, tiny: all 5040 permutations enumerated. */
static const ref_cell TINY_FINITE[] = {
    {0, 0, 0, 0, 1},
    {0, 1, 0, 0, 1},
    {0, 2, 0, 0, 1},
    {1, 0, 1, 0.14285714285714285, 0.14285714285714285},
    {1, 1, 2, 0.8571428571428571, 0.19047619047619047},
    {1, 2, 0, 1.1428571428571428, 1},
    {2, 0, 0, 0.14285714285714285, 1},
    {2, 1, 2, 0.8571428571428571, 0.17142857142857143},
    {2, 2, 1, 1.1428571428571428, 0.79047619047619044},
};
static const ref_cell TINY_SPACE_INF[] = {
    {0, 0, 0, 0.095238095238095233, 1},
    {0, 1, 2, 0.95238095238095233, 0.18095238095238095},
    {1, 0, 1, 0.90476190476190477, 0.90476190476190477},
    {1, 1, 8, 9.0476190476190474, 1},
};
static const ref_cell TINY_TIME_INF[] = {
    {0, 0, 0, 0, 1},
    {0, 1, 0, 0, 1},
    {1, 0, 4, 1.3333333333333333, 0.014285714285714285},
    {1, 1, 0, 2.6666666666666665, 1},
};

/* knox_ref.py, lcg: exact observed and closed-form means. */
static const ref_cell LCG_MANHATTAN[] = {
    {0, 0, 0, 0.006131549609810479, -1}, {0, 1, 1, 0.045551839464882941, -1},
    {0, 2, 0, 0.037279821627647716, -1}, {0, 3, 0, 0.090590858416945377, -1},
    {1, 0, 145, 4.9052396878483835, -1}, {1, 1, 634, 36.441471571906355, -1},
    {1, 2, 0, 29.823857302118171, -1},   {1, 3, 3, 72.472686733556301, -1},
    {2, 0, 0, 0.45986622073578598, -1},  {2, 1, 1, 3.4163879598662206, -1},
    {2, 2, 2, 2.7959866220735785, -1},   {2, 3, 6, 6.7943143812709028, -1},
    {3, 0, 0, 2.6856187290969902, -1},   {3, 1, 10, 19.95170568561873, -1},
    {3, 2, 19, 16.328561872909699, -1},  {3, 3, 63, 39.67879598662207, -1},
};
static const ref_cell LCG_EUCLIDEAN[] = {
    {0, 0, 0, 0.006131549609810479, -1}, {0, 1, 1, 0.045551839464882941, -1},
    {0, 2, 0, 0.037279821627647716, -1}, {0, 3, 0, 0.090590858416945377, -1},
    {1, 0, 145, 5.0094760312151614, -1}, {1, 1, 635, 37.215852842809362, -1},
    {1, 2, 0, 30.457614269788184, -1},   {1, 3, 3, 74.012731326644371, -1},
    {2, 0, 0, 0.78483835005574132, -1},  {2, 1, 0, 5.8306354515050165, -1},
    {2, 2, 5, 4.7718171683389077, -1},   {2, 3, 22, 11.595629877369008, -1},
    {3, 0, 0, 4.5128205128205128, -1},   {3, 1, 46, 33.526153846153846, -1},
    {3, 2, 62, 27.437948717948718, -1},  {3, 3, 59, 66.674871794871791, -1},
};

/* Check every cell against ref: observed exactly, the mean within 6
 * standard errors of a Poisson-like count (and 0.02), the p-value within
 * 4 binomial standard errors. */
static void check_cells(test_state *t_, const vemt_knox_cell *cells,
                        const ref_cell *ref, size_t nref, size_t nt,
                        size_t reps) {
    for (size_t m = 0; m < nref; m++) {
        const vemt_knox_cell *c = &cells[(size_t)ref[m].s * nt + ref[m].t];
        CHECK_INT_EQ(c->observed, ref[m].observed);
        double se = sqrt((ref[m].mean + 1) / (double)reps);
        CHECK_NEAR(c->expected, ref[m].mean, 6 * se + 0.02);
        if (ref[m].p >= 0) {
            double sp = sqrt(ref[m].p * (1 - ref[m].p) / (double)reps);
            CHECK_NEAR(c->p, ref[m].p, 4 * sp + 2.0 / (double)reps);
        }
        if (c->expected > 0)
            CHECK_NEAR(c->ratio, (double)c->observed / c->expected, 1e-12);
        else
            CHECK(c->observed == 0 ? isnan(c->ratio) : isinf(c->ratio));
    }
}

static void run_tiny(test_state *t_, const double *se, size_t nse,
                     const double *te, size_t nte, vemt_metric metric,
                     const ref_cell *ref, size_t nref) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { R = 99999 };
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = nse,
                        .t_edges = te,
                        .n_t_edges = nte,
                        .metric = metric,
                        .perm = {.permutations = R, .seed = 2024}};
    vemt_knox_cell cells[16];
    CHECK_INT_EQ(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_OK);
    CHECK_INT_EQ(nref, (nse - 1) * (nte - 1));
    check_cells(t_, cells, ref, nref, nte - 1, R);
    vemt_ctx_destroy(ctx);
}

/* Both bands finite (either strategy may be chosen). */
TEST(tiny_exact_finite_bands) {
    const double se[] = {0, 1, 3, 6}, te[] = {0, 1, 2, 4};
    run_tiny(t_, se, 4, te, 4, VEMT_METRIC_MANHATTAN, TINY_FINITE, 9);
}

/* An infinite space band: every pair is close in space, so the pairs close
 * in time are followed and distances measured per permutation. */
TEST(tiny_exact_time_pairs) {
    const double se[] = {0, 2, INFINITY}, te[] = {0, 1, 3};
    run_tiny(t_, se, 3, te, 3, VEMT_METRIC_EUCLIDEAN, TINY_SPACE_INF, 4);
}

/* An infinite time band: the pairs close in space are followed. */
TEST(tiny_exact_space_pairs) {
    const double se[] = {0, 1, 4}, te[] = {0, 2, INFINITY};
    run_tiny(t_, se, 3, te, 3, VEMT_METRIC_MANHATTAN, TINY_TIME_INF, 4);
}

/* The 300 events of knox_ref.py's lcg_points. */
static void lcg_points(double *x, double *y, double *t, size_t n) {
    uint32_t s = 12345;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
    for (size_t i = 0; i < n; i++) {
        if (i < 40) {
            x[i] = 1000 + NEXT() % 50;
            y[i] = 1000 + NEXT() % 50;
            t[i] = 100 + NEXT() % 5;
        } else {
            x[i] = NEXT() % 5000;
            y[i] = NEXT() % 5000;
            t[i] = NEXT() % 365;
        }
    }
#undef NEXT
}

TEST(lcg_against_numpy) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 300, R = 1999 };
    double x[N], y[N], t[N];
    lcg_points(x, y, t, N);
    const double se[] = {0, 1, 100, 200, 400}, te[] = {0, 1, 7, 14, 30};
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = 5,
                        .t_edges = te,
                        .n_t_edges = 5,
                        .perm = {.permutations = R, .seed = 7}};
    vemt_knox_cell cells[16];
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, cells), VEMT_OK);
    check_cells(t_, cells, LCG_MANHATTAN, 16, 4, R);
    /* The planted near repeats: 145 pairs against about 5, at the floor. */
    CHECK_NEAR(cells[4].p, 1.0 / (R + 1), 1e-15);
    CHECK(cells[4].ratio > 20);
    CHECK(cells[4].s_from == 1 && cells[4].s_to == 100);
    CHECK(cells[4].t_from == 0 && cells[4].t_to == 1);
    o.metric = VEMT_METRIC_EUCLIDEAN;
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, cells), VEMT_OK);
    check_cells(t_, cells, LCG_EUCLIDEAN, 16, 4, R);
    vemt_ctx_destroy(ctx);
}

TEST(same_for_any_thread_count) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 300 };
    double x[N], y[N], t[N];
    lcg_points(x, y, t, N);
    const double se[] = {0, 100, 400}, te[] = {0, 7, 30};
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = 3,
                        .t_edges = te,
                        .n_t_edges = 3,
                        .perm = {.permutations = 199, .seed = 9, .threads = 1}};
    vemt_knox_cell a[4], b[4], c[4];
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, a), VEMT_OK);
    o.perm.threads = 2;
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, b), VEMT_OK);
    o.perm.threads = 5;
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, c), VEMT_OK);
    CHECK(!memcmp(a, b, sizeof a));
    CHECK(!memcmp(a, c, sizeof a));
    o.perm.seed = 10; /* another seed, other draws */
    CHECK_INT_EQ(vemt_knox_compute(ctx, x, y, t, N, &o, c), VEMT_OK);
    CHECK(a[0].observed == c[0].observed && a[0].expected != c[0].expected);
    vemt_ctx_destroy(ctx);
}

TEST(bad_arguments) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    const double se[] = {0, 1, 3}, te[] = {0, 1, 2};
    const double down[] = {0, 3, 1}, mid_inf[] = {0, INFINITY, 5};
    const double neg[] = {-1, 1}, nan_t[] = {0, 1, NAN, 3, 4, 5, 6};
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = 3,
                        .t_edges = te,
                        .n_t_edges = 3,
                        .perm = {.permutations = 9, .seed = 1}};
    vemt_knox_cell cells[4];
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 1, &o, cells),
                 VEMT_E_ARG);
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, nan_t, 7, &o, cells),
                 VEMT_E_ARG);
    o.s_edges = down;
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_E_ARG);
    o.s_edges = mid_inf;
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_E_ARG);
    o.s_edges = se;
    o.t_edges = neg;
    o.n_t_edges = 2;
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_E_ARG);
    o.n_t_edges = 1;
    o.t_edges = te;
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_E_ARG);
    o.n_t_edges = 3;
    o.perm.permutations = 0;
    CHECK_STATUS(vemt_knox_compute(ctx, TINY_X, TINY_Y, TINY_T, 7, &o, cells),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "permutations") != NULL);
    vemt_ctx_destroy(ctx);
}

/* ---- Calendar time --------------------------------------------------- */

/* A London day's first instant (its label's local midnight). */
static int64_t london_day(const vemt_tz *z, int y, int m, int d) {
    return vemt_tz_day_start(z, vemt_days_from_civil(y, m, d));
}

/* Observed counts of the bands [0, 7) and [7, 14) days for two events at
 * one place, with calendar dates (dated) or with elapsed time only. */
static void two_events(test_state *t_, const vemt_tz *z, const int64_t s[2],
                       const uint8_t prec[2], bool dated, uint64_t want[2]) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    const double x[2] = {0, 0}, y[2] = {0, 0};
    double t[2];
    int32_t date[2];
    for (int i = 0; i < 2; i++) {
        t[i] = (double)s[i] / 86400.0;
        date[i] = vemt_event_date(z, z, s[i], prec[i]);
    }
    const double se[] = {0, 1}, te[] = {0, 7, 14};
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = 2,
                        .t_edges = te,
                        .n_t_edges = 3,
                        .perm = {.permutations = 9, .seed = 1},
                        .date = dated ? date : NULL,
                        .precision = dated ? prec : NULL};
    vemt_knox_cell cells[2];
    CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, 2, &o, cells), VEMT_OK);
    CHECK_INT_EQ(cells[0].observed, want[0]);
    CHECK_INT_EQ(cells[1].observed, want[1]);
    vemt_ctx_destroy(ctx);
}

/* Dated 2022-03-21 and 2022-03-28 (the clocks went forward on the 27th):
 * 6.958 days elapsed, 7 calendar days, band [7, 14) as in January; two
 * exact times 6 d 23.5 h apart stay in [0, 7) though their dates are 7
 * days apart; a day and an exact time count calendar days. */
TEST(calendar_days_across_the_clock_change) {
    vemt_tz *z = test_zone("Europe/London");
    CHECK(z != NULL);
    if (!z) return;
    const uint8_t day[2] = {VEMT_PREC_DAY, VEMT_PREC_DAY};
    int64_t march[2] = {london_day(z, 2022, 3, 21), london_day(z, 2022, 3, 28)};
    CHECK_INT_EQ(march[1] - march[0], 7 * 86400 - 3600);
    two_events(t_, z, march, day, true, (uint64_t[]){0, 1});
    two_events(t_, z, march, day, false, (uint64_t[]){1, 0}); /* elapsed */
    int64_t jan[2] = {london_day(z, 2022, 1, 10), london_day(z, 2022, 1, 17)};
    two_events(t_, z, jan, day, true, (uint64_t[]){0, 1});
    two_events(t_, z, jan, day, false, (uint64_t[]){0, 1});
    /* Exact: 2022-03-21 12:00 GMT and 2022-03-28 12:30 BST. */
    const uint8_t exact[2] = {VEMT_PREC_MINUTE, VEMT_PREC_SECOND};
    int64_t e[2] = {march[0] + 12 * 3600,
                    march[0] + 12 * 3600 + 6 * 86400 + 23 * 3600 + 1800};
    CHECK_INT_EQ(vemt_event_date(z, z, e[1], VEMT_PREC_MINUTE) -
                     vemt_event_date(z, z, e[0], VEMT_PREC_MINUTE),
                 7);
    two_events(t_, z, e, exact, true, (uint64_t[]){1, 0});
    /* The day 2022-03-21 and 00:30 BST on the 28th (23:30 UTC on the 27th,
     * 6.979 days after the day's start): 7 calendar days. */
    const uint8_t mixed[2] = {VEMT_PREC_DAY, VEMT_PREC_MINUTE};
    int64_t m[2] = {march[0], march[1] + 1800};
    two_events(t_, z, m, mixed, true, (uint64_t[]){0, 1});
    two_events(t_, z, m, mixed, false, (uint64_t[]){1, 0});
    vemt_tz_destroy(z);
}

/* n events of 2022 in London, every third known only to the day, a
 * cluster of near repeats among the first 40; t in days, dates and
 * precisions as the pipeline gives them. */
static void lcg_dated(const vemt_tz *z, double *x, double *y, double *t,
                      int32_t *date, uint8_t *prec, size_t n) {
    uint32_t s = 777;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
    int64_t y0 = vemt_days_from_civil(2022, 1, 1) * 86400;
    for (size_t i = 0; i < n; i++) {
        bool near = i < 40;
        x[i] = near ? 1000 + NEXT() % 50 : NEXT() % 5000;
        y[i] = near ? 1000 + NEXT() % 50 : NEXT() % 5000;
        int64_t days = near ? 84 + NEXT() % 14 : NEXT() % 365;
        int64_t at = y0 + days * 86400 + (int64_t)(NEXT() % 86400);
        prec[i] = i % 3 ? VEMT_PREC_MINUTE : VEMT_PREC_DAY;
        if (prec[i] == VEMT_PREC_DAY) /* its label's local midnight */
            at = vemt_tz_day_start(z, vemt_tz_date(z, at));
        t[i] = (double)at / 86400.0;
        date[i] = vemt_event_date(z, z, at, prec[i]);
    }
#undef NEXT
}

/* Calendar time through both pair strategies: the observed counts equal a
 * count of every pair by the rule, and the permutation means come near the
 * exact mean S_s T_t / C(n, 2) (S_s pairs in space band s, T_t pairs of
 * times in time band t; a uniform shuffle puts each pair of times on each
 * pair of places alike); the same for any thread count. */
TEST(calendar_days_both_strategies) {
    vemt_tz *z = test_zone("Europe/London");
    CHECK(z != NULL);
    if (!z) return;
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 300, R = 1999 };
    double x[N], y[N], t[N];
    int32_t date[N];
    uint8_t prec[N];
    lcg_dated(z, x, y, t, date, prec, N);
    /* A last edge between whole days: a pair of a day and an exact time
     * 29 dates apart is in the band but up to 30 days apart in t. */
    const double te[] = {0, 1, 7, 14, 29.5};
    const double narrow[] = {0, 1, 100, 200}, wide[] = {0, 100, 1000, INFINITY};
    const double *ses[2] = {narrow, wide};
    for (int k = 0; k < 2; k++) {
        const double *se = ses[k];
        vemt_knox_opts o = {.s_edges = se,
                            .n_s_edges = 4,
                            .t_edges = te,
                            .n_t_edges = 5,
                            .perm = {.permutations = R, .seed = 3},
                            .date = date,
                            .precision = prec};
        vemt_knox_cell c[12], c2[12];
        CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, c), VEMT_OK);
        uint64_t obs[12] = {0};
        double S[3] = {0}, T[4] = {0};
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; j < N; j++) {
                double d = fabs(x[i] - x[j]) + fabs(y[i] - y[j]);
                bool exact =
                    prec[i] <= VEMT_PREC_MINUTE && prec[j] <= VEMT_PREC_MINUTE;
                double g = exact ? fabs(t[i] - t[j])
                                 : fabs((double)date[i] - (double)date[j]);
                int sb = -1, tb = -1;
                for (int b = 0; b < 3; b++)
                    if (d >= se[b] && d < se[b + 1]) sb = b;
                for (int b = 0; b < 4; b++)
                    if (g >= te[b] && g < te[b + 1]) tb = b;
                if (sb >= 0) S[sb]++;
                if (tb >= 0) T[tb]++;
                if (sb >= 0 && tb >= 0) obs[sb * 4 + tb]++;
            }
        double pairs = N * (N - 1) / 2.0;
        for (int c_ = 0; c_ < 12; c_++) {
            CHECK_INT_EQ(c[c_].observed, obs[c_]);
            double mean = S[c_ / 4] * T[c_ % 4] / pairs;
            /* Five Monte Carlo standard errors of a count near Poisson. */
            CHECK_NEAR(c[c_].expected, mean, 5 * sqrt(mean / R) + 1e-12);
        }
        o.perm.threads = 3;
        CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, c2), VEMT_OK);
        CHECK(!memcmp(c, c2, sizeof c));
    }
    vemt_ctx_destroy(ctx);
    vemt_tz_destroy(z);
}

/* ---- The pair limit ------------------------------------------------------
 * The test follows the pairs within the widest space band or within the
 * widest time band, whichever are fewer, and refuses when both number more
 * than the limit; the counts are bounded before any pair is listed. */

/* Knox with limit max_pairs; the status, and the message on refusal. */
static vemt_status knox_limit(vemt_ctx *ctx, const double *x, const double *y,
                              const double *t, size_t n, const double *se,
                              size_t nse, const double *te, size_t nte,
                              size_t max_pairs) {
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = nse,
                        .t_edges = te,
                        .n_t_edges = nte,
                        .perm = {.permutations = 9, .seed = 1},
                        .max_pairs = max_pairs};
    vemt_knox_cell cells[4];
    return vemt_knox_compute(ctx, x, y, t, n, &o, cells);
}

/* 46 events at one place on one day (C(46, 2) = 1035 pairs close in both),
 * and 300 others on a 1 km lattice each a year apart: exactly 1035 pairs in
 * either widest band. At a limit of 1035 the test runs, at 1034 it refuses
 * with the message; with all 346 on one day (59,685 time pairs), the 1035
 * space pairs are followed at 1035 and refused at 1034; with a first space
 * edge above 0 (no bound from the buckets) the same. */
TEST(pair_limit_boundary) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 346 };
    double x[N], y[N], t[N];
    for (size_t i = 0; i < N; i++) {
        bool near = i < 46;
        x[i] = near ? 500 : 1000.0 * (double)(i % 20);
        y[i] = near ? 500 : 1000.0 * (double)(i / 20) + 3000;
        t[i] = near ? 10 : 365.0 * (double)i;
    }
    const double se[] = {0, 100, 200}, te[] = {0, 7, 14};
    const double se1[] = {1e-9, 100, 200};
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se, 3, te, 3, 1035), VEMT_OK);
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se, 3, te, 3, 1034), VEMT_E_ARG);
    CHECK_STR_EQ(vemt_ctx_error(ctx)->msg,
                 "the Knox test would follow more than 1034 pairs; narrow "
                 "the widest space or time band");
    for (size_t i = 46; i < N; i++) t[i] = 10;
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se, 3, te, 3, 1035), VEMT_OK);
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se, 3, te, 3, 1034), VEMT_E_ARG);
    /* Coincident points are 0 apart, below a first edge of 1e-9: none. */
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se1, 3, te, 3, 0), VEMT_OK);
    for (size_t i = 0; i < 46; i++) x[i] += 1e-3 * (double)i;
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se1, 3, te, 3, 1035), VEMT_OK);
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se1, 3, te, 3, 1034), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

/* Random events, uniform or in clusters (tight: most pairs in one bucket;
 * 140 m wide: many pairs in one bucket of the widest band's side but
 * farther apart than it), both metrics, times in fractions of days or in
 * whole days against whole-day edges (many pairs exactly at an edge, not
 * in its band): the fewer of the pairs in the widest space band and in the
 * widest time band, counted pair by pair here, is exactly the limit at
 * which the test still runs. */
TEST(pair_limit_random) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 400 };
    double x[N], y[N], t[N];
    const double se[] = {0, 50, 150}, te_wide[] = {0, 3, 10},
                 te_days[] = {0, 1, 2};
    uint32_t s = 4242;
#define NEXT() (s = s * 1664525u + 1013904223u, (double)(s >> 8) / 16777216.0)
    for (int k = 0; k < 12; k++) {
        int layout = k % 3; /* uniform, tight clusters, wide clusters */
        bool manhattan = k % 2, days = k >= 6;
        const double *te = days ? te_days : te_wide;
        double spread = layout == 1 ? 20 : 140;
        for (size_t i = 0; i < N; i++) {
            double cx = 300.0 * (double)(i % 6), cy = 300.0 * (double)(i % 5);
            x[i] = layout ? cx + spread * NEXT() : 2000 * NEXT();
            y[i] = layout ? cy + spread * NEXT() : 2000 * NEXT();
            t[i] = days ? floor(400 * NEXT()) : 200 * NEXT();
        }
        vemt_metric m =
            manhattan ? VEMT_METRIC_MANHATTAN : VEMT_METRIC_EUCLIDEAN;
        size_t ns = 0, nt = 0;
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; j < N; j++) {
                double dx = fabs(x[i] - x[j]), dy = fabs(y[i] - y[j]);
                double d = manhattan ? dx + dy : sqrt(dx * dx + dy * dy);
                ns += d < se[2];
                nt += fabs(t[i] - t[j]) < te[2];
            }
        size_t fewer = ns < nt ? ns : nt;
        vemt_knox_opts o = {.s_edges = se,
                            .n_s_edges = 3,
                            .t_edges = te,
                            .n_t_edges = 3,
                            .metric = m,
                            .perm = {.permutations = 9, .seed = 1},
                            .max_pairs = fewer};
        vemt_knox_cell cells[4];
        CHECK(fewer > 100);
        CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, cells), VEMT_OK);
        o.max_pairs = fewer - 1;
        CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, cells), VEMT_E_ARG);
    }
#undef NEXT
    vemt_ctx_destroy(ctx);
}

/* At the real limit (2^26): 12,000 events at one place on one day have
 * 71,994,000 pairs close in both bands, and the test refuses (from the
 * counts: no pair is listed). */
TEST(refuses_above_the_limit) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 12000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    double *t = calloc(N, sizeof *t);
    const double se[] = {0, 1, 400}, te[] = {0, 1, 7};
    CHECK_STATUS(knox_limit(ctx, x, y, t, N, se, 3, te, 3, 0), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "more than 67108864 pairs"));
    free(x), free(y), free(t);
    vemt_ctx_destroy(ctx);
}

/* Calendar dates: the time pairs counted before listing (dates for a pair
 * with a day-precision time, elapsed time for two exact ones) decide the
 * limit as listing them does: at exactly their number the test runs, one
 * below it refuses (space pairs: every pair, an infinite band). */
TEST(pair_limit_calendar) {
    vemt_tz *z = test_zone("Europe/London");
    CHECK(z != NULL);
    if (!z) return;
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { N = 300 };
    double x[N], y[N], t[N];
    int32_t date[N];
    uint8_t prec[N];
    lcg_dated(z, x, y, t, date, prec, N);
    const double te[] = {0, 1, 7, 14, 29.5}, se[] = {0, 100, INFINITY};
    size_t nt = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++) {
            bool exact =
                prec[i] <= VEMT_PREC_MINUTE && prec[j] <= VEMT_PREC_MINUTE;
            double g = exact ? fabs(t[i] - t[j])
                             : fabs((double)date[i] - (double)date[j]);
            nt += g < 29.5;
        }
    CHECK(nt > 1000 && nt < N * (N - 1) / 2);
    vemt_knox_opts o = {.s_edges = se,
                        .n_s_edges = 3,
                        .t_edges = te,
                        .n_t_edges = 5,
                        .perm = {.permutations = 9, .seed = 3},
                        .date = date,
                        .precision = prec,
                        .max_pairs = nt};
    vemt_knox_cell c[8];
    CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, c), VEMT_OK);
    o.max_pairs = nt - 1;
    CHECK_STATUS(vemt_knox_compute(ctx, x, y, t, N, &o, c), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
    vemt_tz_destroy(z);
}

TEST_SUITE(knox) {
    RUN(tiny_exact_finite_bands);
    RUN(tiny_exact_time_pairs);
    RUN(tiny_exact_space_pairs);
    RUN(lcg_against_numpy);
    RUN(same_for_any_thread_count);
    RUN(bad_arguments);
    RUN(calendar_days_across_the_clock_change);
    RUN(calendar_days_both_strategies);
    RUN(pair_limit_boundary);
    RUN(pair_limit_random);
    RUN(refuses_above_the_limit);
    RUN(pair_limit_calendar);
}
