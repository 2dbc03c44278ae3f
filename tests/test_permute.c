/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_permute.c
 * @brief Conditional permutation inference for Gi*: reproducible for any
 * thread count, bounded, at its floor on a planted hot spot, exact on a
 * tiny case (without replacement, self held fixed), and in agreement with
 * an independent R implementation of the same null and, in distribution,
 * with spdep's localG_perm (tests/ref/lisa_spdep_ref.h); the integer pools
 * give exactly the double pool's p values.
 */
#include <stdint.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/permute.h"
#include "engine/weights.h"
#include "tests/ref/lisa_spdep_ref.h"
#include "tests/test.h"

/* Centres of an ncol x nrow grid of cell metres, row-major from (0, 0). */
static double *grid_xy(int ncol, int nrow, double cell) {
    double *xy = malloc(2 * (size_t)(ncol * nrow) * sizeof *xy);
    for (int r = 0; r < nrow; r++)
        for (int c = 0; c < ncol; c++) {
            xy[2 * (r * ncol + c)] = (c + 0.5) * cell;
            xy[2 * (r * ncol + c) + 1] = (r + 0.5) * cell;
        }
    return xy;
}

/* Queen + self weights on a grid. */
static vemt_weights *queen(vemt_ctx *ctx, int ncol, int nrow, bool self) {
    double *xy = grid_xy(ncol, nrow, 100);
    vemt_weights *w = NULL;
    vemt_weights_band(ctx, xy, (size_t)(ncol * nrow), 100 * sqrt(2.0), self,
                      &w);
    free(xy);
    return w;
}

/* Counts from a fixed linear congruential sequence (0..7). */
static void lcg_counts(double *x, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (double)(seed >> 29);
    }
}

TEST(same_for_any_thread_count) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { NC = 23, NR = 17, N = NC * NR };
    vemt_weights *w = queen(ctx, NC, NR, true);
    double x[N], p1[N], p2[N], p3[N], again[N];
    lcg_counts(x, N, 7);
    vemt_perm_opts o = {.permutations = 499, .seed = 42, .threads = 1};
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, p1), VEMT_OK);
    o.threads = 2;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, p2), VEMT_OK);
    o.threads = 3;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, p3), VEMT_OK);
    o.threads = 0; /* the online CPUs */
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, again), VEMT_OK);
    CHECK(!memcmp(p1, p2, sizeof p1));
    CHECK(!memcmp(p1, p3, sizeof p1));
    CHECK(!memcmp(p1, again, sizeof p1));
    /* Another seed gives other draws. */
    o.seed = 43;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, again), VEMT_OK);
    CHECK(memcmp(p1, again, sizeof p1) != 0);
    /* Bounds: 2 / (R + 1) <= p <= 1, on the grid of 2 (m + 1) / (R + 1). */
    for (size_t i = 0; i < N; i++) {
        CHECK(p1[i] >= 2.0 / 500 && p1[i] <= 1);
        double m = p1[i] * 500 / 2 - 1;
        if (p1[i] < 1) CHECK_NEAR(m, round(m), 1e-9);
    }
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(planted_hot_spot_at_floor) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { NC = 20, NR = 20, N = NC * NR };
    vemt_weights *w = queen(ctx, NC, NR, true);
    double x[N], p[N], z[N], pz[N];
    lcg_counts(x, N, 3);
    for (int r = 9; r <= 11; r++)
        for (int c = 9; c <= 11; c++) x[r * NC + c] = 40;
    vemt_perm_opts o = {.permutations = 999, .seed = 1, .threads = 2};
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, p), VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, N, z, pz), VEMT_OK);
    CHECK_NEAR(p[10 * NC + 10], 2.0 / 1000, 1e-15);
    CHECK(z[10 * NC + 10] > 10);
    /* Far from the hot spot nothing is that extreme. */
    size_t floor_n = 0;
    for (size_t i = 0; i < N; i++) floor_n += p[i] == 2.0 / 1000;
    CHECK(floor_n >= 1 && floor_n <= 25);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* Weights from explicit rows (tests may build them with weights.h). */
static vemt_weights *rows(size_t n, size_t *const *nb, const size_t *k) {
    vemt_weights *w;
    vemt_weights_begin(n, &w);
    for (size_t i = 0; i < n; i++) vemt_weights_append(w, nb[i], k[i]);
    return w;
}

TEST(exact_without_replacement) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    /* Unit 0 (value 10, held fixed) has neighbours 4 and 5: observed lag
     * sum 4 + 5 = 9. Drawing 2 of the other values {1..5} without
     * replacement, 1 of the C(5,2) = 10 pairs reaches 9: p = 2 x 1/10 =
     * 0.2. With replacement (25 ordered pairs, 3 reach 9) it would be
     * 0.24, and drawing the self slot as well (spdep's localG_perm) would
     * let 10 in. Unit 1 (value 1) has neighbours 2 and 3: lag 5; the pairs
     * of {10, 2, 3, 4, 5} sum to 12, 13, 14, 15, 5, 6, 7, 7, 8, 9, so
     * P(S <= 5) = 1/10 and p = 0.2 again, from the lower tail.
     * Unit 2 has only itself: NaN. */
    size_t r0[] = {0, 4, 5}, r1[] = {1, 2, 3}, r2[] = {2}, r3[] = {3, 2},
           r4[] = {4, 0}, r5[] = {5, 0};
    size_t *nb[] = {r0, r1, r2, r3, r4, r5}, k[] = {3, 3, 1, 2, 2, 2};
    vemt_weights *w = rows(6, nb, k);
    double x[] = {10, 1, 2, 3, 4, 5}, p[6];
    vemt_perm_opts o = {.permutations = 200000, .seed = 9, .threads = 2};
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, 6, &o, p), VEMT_OK);
    /* Standard error of p: 2 sqrt(0.1 x 0.9 / R) = 0.0013; 5 of them. */
    CHECK_NEAR(p[0], 0.2, 0.0067);
    CHECK_NEAR(p[1], 0.2, 0.0067);
    CHECK(isnan(p[2]));
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* p of x on each pool from `from` to the double pool (threads 2, kind as
 * given) is the same, bit for bit, as on the double pool; narrower pools
 * are refused. */
static void check_pools(test_state *t_, vemt_ctx *ctx, const vemt_weights *w,
                        const double *x, size_t n, const uint8_t *kind,
                        vemt_perm_pool from) {
    vemt_perm_opts o = {.permutations = 299, .seed = 5, .threads = 2};
    double *ref = malloc(n * sizeof *ref), *p = malloc(n * sizeof *p);
    CHECK_INT_EQ(vemt_permute_pseudo_p_pool(ctx, w, x, n, kind, &o,
                                            VEMT_PERM_POOL_DOUBLE, ref),
                 VEMT_OK);
    for (int pool = VEMT_PERM_POOL_U8; pool < VEMT_PERM_POOL_DOUBLE; pool++) {
        vemt_status st = vemt_permute_pseudo_p_pool(ctx, w, x, n, kind, &o,
                                                    (vemt_perm_pool)pool, p);
        CHECK_INT_EQ(st, pool < (int)from ? VEMT_E_ARG : VEMT_OK);
        if (st == VEMT_OK) CHECK(!memcmp(p, ref, n * sizeof *p));
    }
    /* The default picks `from`, with the same p. */
    CHECK_INT_EQ(vemt_permute_pseudo_p(ctx, w, x, n, kind, &o, p), VEMT_OK);
    CHECK(!memcmp(p, ref, n * sizeof *p));
    free(ref), free(p);
}

TEST(integer_pools_match_double_pool) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { NC = 23, NR = 17, N = NC * NR };
    vemt_weights *w = queen(ctx, NC, NR, true);
    double x[N], half[N], p[N], ph[N];
    uint8_t kind[N];
    /* Counts 0..7 (many tied sums) with some units marked constant or
     * undefined, then the same shifted to just under and over 2^16 and
     * 2^32: the pool the values need, and every wider one, give the
     * double pool's p. */
    lcg_counts(x, N, 11);
    for (size_t i = 0; i < N; i++) kind[i] = (uint8_t)(i % 17 == 3 ? i % 3 : 0);
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_U8);
    check_pools(t_, ctx, w, x, N, kind, VEMT_PERM_POOL_U8);
    x[100] = 255;
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_U8);
    for (size_t i = 0; i < N; i++) x[i] += 65535 - 255;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_U16);
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_U16);
    x[200] = 65536;
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_U32);
    for (size_t i = 0; i < N; i++) x[i] += 4294967295.0 - 65536;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_U32);
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_U32);
    x[300] = 4294967296.0;
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_DOUBLE);
    /* Halved counts are fractions (the double pool) and every sum and
     * tolerance halves exactly: the same p as the counts (a byte pool). */
    vemt_perm_opts o = {.permutations = 499, .seed = 3, .threads = 2};
    lcg_counts(x, N, 12);
    for (size_t i = 0; i < N; i++) half[i] = x[i] / 2;
    CHECK_INT_EQ(vemt_permute_pool_for(half, N, 9), VEMT_PERM_POOL_DOUBLE);
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, N, &o, p), VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, half, N, &o, ph), VEMT_OK);
    CHECK(!memcmp(p, ph, sizeof p));
    /* Local Moran: the same for both. */
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, N, &o, p), VEMT_OK);
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, half, N, &o, ph), VEMT_OK);
    CHECK(!memcmp(p, ph, sizeof p));
    /* A negative value or a fraction takes the double pool; so do sums
     * that could reach 2^44 (max x max_drawn). */
    x[5] = -1;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_DOUBLE);
    check_pools(t_, ctx, w, x, N, NULL, VEMT_PERM_POOL_DOUBLE);
    x[5] = 2.5;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_DOUBLE);
    x[5] = -0.0; /* a whole number */
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_U8);
    x[5] = 4294967295.0;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 4096), VEMT_PERM_POOL_U32);
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 4097), VEMT_PERM_POOL_DOUBLE);
    x[5] = NAN;
    CHECK_INT_EQ(vemt_permute_pool_for(x, N, 9), VEMT_PERM_POOL_DOUBLE);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(bad_arguments) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_weights *w = queen(ctx, 4, 4, true);
    double x[16], p[16];
    for (int i = 0; i < 16; i++) x[i] = 3;
    vemt_perm_opts o = {.permutations = 99, .seed = 1, .threads = 1};
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, 16, &o, p), VEMT_OK);
    CHECK(isnan(p[0]) && isnan(p[15])); /* all equal: Gi* undefined */
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, 15, &o, p), VEMT_E_ARG);
    x[3] = NAN;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, 16, &o, p), VEMT_E_ARG);
    x[3] = 1;
    o.permutations = 0;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, x, 16, &o, p), VEMT_E_ARG);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* Grid B of the reference: queen + self weights, 999 permutations. */
static void grid_b(test_state *t_, double *p) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_weights *w = queen(ctx, LISA_B_NCOL, LISA_B_NROW, true);
    vemt_perm_opts o = {.permutations = 999, .seed = 2024, .threads = 0};
    size_t n = LISA_B_NCOL * LISA_B_NROW;
    CHECK_INT_EQ(vemt_gistar_permute(ctx, w, perm_b_count, n, &o, p), VEMT_OK);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* Against an independent implementation of the same null in R (9999 draws
 * per cell): each p within 4 standard errors of the two Monte Carlo
 * estimates (SE of a two-sided p 2 t: 2 sqrt(t (1 - t) / (R + 1))), plus
 * one step of vemt's p grid. */
TEST(matches_r_conditional_null) {
    enum { N = LISA_B_NCOL * LISA_B_NROW };
    double p[N], sum = 0, worst = 0, expect = 0;
    grid_b(t_, p);
    for (size_t i = 0; i < N; i++) {
        double t = fmin(perm_b_cond[i] / 2, 0.5);
        double se = 2 * sqrt(t * (1 - t) / 1000 + t * (1 - t) / 10000);
        CHECK_NEAR(p[i], perm_b_cond[i], 4 * se + 2.0 / 1000);
        sum += fabs(p[i] - perm_b_cond[i]);
        worst = fmax(worst, fabs(p[i] - perm_b_cond[i]));
        expect += 0.7978845608 * se; /* sqrt(2 / pi) SE: half-normal mean */
    }
    fprintf(stderr, "  |p - R|: mean %.4f (%.4f expected), max %.4f\n", sum / N,
            expect / N, worst);
    /* The mean |difference| is that of half-normals of those SEs (the cap
     * at 1 only lowers it): 300 cells average it to within about 10 %. */
    CHECK(sum < 1.25 * expect);
}

/* In distribution against spdep's localG_perm, which draws with replacement
 * and draws the cell's own slot too (see tests/ref/lisa_spdep.R): the
 * number of cells under 0.05 may differ by the cells whose spdep p is
 * within Monte Carlo reach of 0.05 (0.02..0.08, three standard errors of a
 * p near 0.05 with 999 draws), plus the cells where the two nulls differ
 * in substance; decided cells must agree. */
TEST(agrees_with_spdep_in_distribution) {
    enum { N = LISA_B_NCOL * LISA_B_NROW };
    double p[N];
    grid_b(t_, p);
    int vemt = 0, spdep = 0, near = 0, decided = 0, agree = 0;
    for (size_t i = 0; i < N; i++) {
        vemt += p[i] < 0.05;
        spdep += perm_b_spdep_sim[i] < 0.05;
        double s = perm_b_spdep_sim[i];
        if (s >= 0.02 && s <= 0.08) {
            near++;
        } else if (s < 0.005 || s > 0.2) {
            decided++;
            agree += (p[i] < 0.05) == (s < 0.05);
        }
    }
    fprintf(stderr,
            "  p < 0.05: vemt %d, spdep %d of %d (%d near 0.05); %d of %d "
            "decided cells agree\n",
            vemt, spdep, N, near, agree, decided);
    CHECK(abs(vemt - spdep) <= near);
    CHECK_INT_EQ(agree, decided);
}

TEST_SUITE(permute) {
    RUN(same_for_any_thread_count);
    RUN(planted_hot_spot_at_floor);
    RUN(exact_without_replacement);
    RUN(integer_pools_match_double_pool);
    RUN(bad_arguments);
    RUN(matches_r_conditional_null);
    RUN(agrees_with_spdep_in_distribution);
}
