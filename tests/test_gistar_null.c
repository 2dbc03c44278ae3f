/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_gistar_null.c
 * @brief Gi* bins on data with no pattern (issue 4's done-when): 50 seeds of
 * 4,500 uniform random points on a 30 x 30 grid (5 events per cell on
 * average), queen + self weights. With FDR on, few seeds show any cell
 * with gi_bin != 0; with FDR off, about 10 % of cells have |gi_bin| >= 1.
 */
#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "tests/test.h"

enum { SIDE = 30, N = SIDE * SIDE, EVENTS = 5 * N, SEEDS = 50 };

/* Counts of EVENTS uniform points over the SIDE x SIDE cells of 100 m. */
static void uniform_counts(gsl_rng *r, double *x) {
    for (int i = 0; i < N; i++) x[i] = 0;
    for (int e = 0; e < EVENTS; e++) {
        double px = gsl_rng_uniform(r) * SIDE * 100;
        double py = gsl_rng_uniform(r) * SIDE * 100;
        x[(int)(py / 100) * SIDE + (int)(px / 100)] += 1;
    }
}

/* Under the null, every cell's Gi* p is (nearly) uniform, and the tests
 * are positively dependent (neighbourhoods overlap), a case where BH keeps
 * the chance of any false discovery at most q = 0.10 (Benjamini &
 * Yekutieli 2001, Ann. Stat. 29(4):1165-1188, doi:10.1214/aos/1013699998):
 * about 5 of 50 seeds in expectation, fewer with the positive dependence.
 * With FDR off, |gi_bin| >= 1 means p < 0.10: 10 % of the 45,000 cells in
 * expectation. Cells are correlated (9-cell windows overlap, so about 900 /
 * 9 = 100 independent ones per seed): the pooled share over 50 seeds has a
 * standard error near sqrt(0.09 / 5000) = 0.0042; 0.085..0.115 is about
 * 3.5 of them. Each seed's share (SE about 0.03) must stay in 0.02..0.20. */
TEST(no_pattern_no_hot_spots) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N], x[N], z[N], p[N];
    int8_t bin[N];
    for (int i = 0; i < N; i++) {
        xy[2 * i] = (i % SIDE + 0.5) * 100;
        xy[2 * i + 1] = (i / SIDE + 0.5) * 100;
    }
    vemt_weights *w = NULL;
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, N, 100 * sqrt(2.0), true, &w),
                 VEMT_OK);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int seeds_fdr = 0;
    long plain = 0;
    double lo = 1, hi = 0;
    for (unsigned long s = 1; s <= SEEDS; s++) {
        gsl_rng_set(r, s);
        uniform_counts(r, x);
        CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, N, z, p), VEMT_OK);
        CHECK_INT_EQ(vemt_significance_bins(z, p, N, true, bin), VEMT_OK);
        int any = 0, count = 0;
        for (int i = 0; i < N; i++) any |= bin[i] != 0;
        seeds_fdr += any;
        CHECK_INT_EQ(vemt_significance_bins(z, p, N, false, bin), VEMT_OK);
        for (int i = 0; i < N; i++) count += bin[i] != 0;
        plain += count;
        lo = fmin(lo, count / (double)N);
        hi = fmax(hi, count / (double)N);
    }
    double share = (double)plain / ((double)N * SEEDS);
    fprintf(stderr,
            "  FDR on: %d of %d seeds with any gi_bin != 0; FDR off: "
            "%.4f of cells |gi_bin| >= 1 (seeds %.3f..%.3f)\n",
            seeds_fdr, SEEDS, share, lo, hi);
    CHECK(seeds_fdr <= 5);
    CHECK(share >= 0.085 && share <= 0.115);
    CHECK(lo >= 0.02 && hi <= 0.20);
    gsl_rng_free(r);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(gistar_null) { RUN(no_pattern_no_hot_spots); }
