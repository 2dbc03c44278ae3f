/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_colocation.c
 * @brief Local and global co-location quotients against an independent
 * numpy implementation (tests/ref/colocation_ref.py): quotients to 1e-12,
 * permutation p-values within Monte Carlo error of the exact conditional
 * ones; a planted association is found, independent categories give
 * p-values spread over (0, 1]; the same for any thread count.
 */
#include <stdint.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/test.h"

enum { N = 40 };

/* colocation_ref.py's points: 40 points, categories 0..2. */
static void ref_points(double *xy, int32_t *cat) {
    uint32_t s = 777;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
    for (size_t i = 0; i < N; i++) {
        xy[2 * i] = (double)(NEXT() % 100000) / 1000.0;
        xy[2 * i + 1] = (double)(NEXT() % 100000) / 1000.0;
        cat[i] = (int32_t)(NEXT() % 3);
    }
#undef NEXT
}

typedef struct ref_lclq {
    size_t i;
    double lclq, p; /* p: exact two-sided conditional-permutation p */
} ref_lclq;

/* colocation_ref.py, A = 0, B = 1. */
static const ref_lclq REF_01[] = {
    {1, 1.6852377578468065, 0.077761972498814613},
    {2, 0.87466147709953235, 0.78794178794178693},
    {9, 0.53088278503234587, 0.18711018711018715},
    {10, 0.89706050536423332, 0.85031185031184897},
    {13, 0.33315656753477452, 0.092862092862092849},
    {14, 1.4500903294618439, 0.23486644539276114},
    {18, 0.57568124937222998, 0.26957726957726963},
    {19, 1.6513552190617897, 0.091038406827880503},
    {22, 0.94459330421769128, 0.97505197505197305},
    {26, 0.3260575710949033, 0.092862092862092849},
    {30, 0.52566444679168733, 0.22245322245322252},
    {33, 1.5706916580931054, 0.11869764501343447},
    {37, 0.9110835579018467, 0.90228690228690067},
};
#define REF_GLOBAL_01 0.94432434068252236

/* colocation_ref.py, A = B = 1 (N'_B = N_B - 1). */
static const ref_lclq REF_11[] = {
    {0, 0.67433434574771356, 0.49504708328237745},
    {3, 1.0997055955058688, 0.82775035097016669},
    {4, 1.2728515631383599, 0.47598992181035488},
    {12, 1.1834295533152448, 0.68554932641620003},
    {15, 1.3723531473389681, 0.32929833858626434},
    {16, 0, 0.015939015939015939},
    {20, 1.473709645290076, 0.2724179287646783},
    {21, 1.2923681201547585, 0.37869448395764177},
    {23, 0.83106215482351109, 0.61380837851426095},
    {24, 1.2524945008672259, 0.45353712845972871},
    {25, 0.60790302035603494, 0.34034486975663447},
    {27, 1.5044187636772837, 0.23200290073355115},
    {29, 1.4825123032121725, 0.24547457674392686},
    {35, 0.32522717199350659, 0.11157311157311156},
    {36, 1.2227798925718993, 0.58825388856348604},
    {38, 0.30716526749549256, 0.07969507969507969},
    {39, 1.1527573153680699, 0.78284476426891403},
};
#define REF_GLOBAL_11 1.0032395506385992

static void check_ref(test_state *t_, int32_t a, int32_t b, const ref_lclq *ref,
                      size_t nref, double global) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N], q[N], p[N], g, gp;
    int32_t cat[N];
    ref_points(xy, cat);
    enum { R = 19999 };
    vemt_clq_opts o = {.perm = {.permutations = R, .seed = 11}};
    CHECK_INT_EQ(vemt_clq_local(ctx, xy, cat, N, a, b, &o, q, p), VEMT_OK);
    size_t m = 0;
    for (size_t i = 0; i < N; i++) {
        if (m < nref && ref[m].i == i) {
            CHECK_NEAR(q[i], ref[m].lclq, 1e-12);
            /* p = 2 min(tail): twice a binomial proportion's error. */
            double tail = ref[m].p / 2;
            double se = 2 * sqrt(tail * (1 - tail) / R);
            CHECK_NEAR(p[i], ref[m].p, 4 * se + 4.0 / R);
            m++;
        } else {
            CHECK(isnan(q[i]) && isnan(p[i]));
        }
    }
    CHECK_INT_EQ(m, nref);
    o.perm.permutations = 999;
    CHECK_INT_EQ(vemt_clq_global(ctx, xy, cat, N, a, b, &o, &g, &gp), VEMT_OK);
    CHECK_NEAR(g, global, 1e-12);
    CHECK(gp >= 2.0 / 1000 && gp <= 1);
    vemt_ctx_destroy(ctx);
}

TEST(against_numpy_a_to_b) { check_ref(t_, 0, 1, REF_01, 13, REF_GLOBAL_01); }

TEST(against_numpy_a_to_a) { check_ref(t_, 1, 1, REF_11, 17, REF_GLOBAL_11); }

/* Points of category 1 within 6 m of each point of category 0 (on a 200 m
 * lattice), category 2 uniform over the area. */
static void planted(double *xy, int32_t *cat, size_t *n) {
    uint32_t s = 99;
    size_t m = 0;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
    for (int r = 0; r < 6; r++)
        for (int c = 0; c < 6; c++) {
            double x0 = 100 + 200.0 * c, y0 = 100 + 200.0 * r;
            xy[2 * m] = x0;
            xy[2 * m + 1] = y0;
            cat[m++] = 0;
            for (int k = 0; k < 8; k++) {
                xy[2 * m] = x0 + (double)(NEXT() % 1200) / 100.0 - 6;
                xy[2 * m + 1] = y0 + (double)(NEXT() % 1200) / 100.0 - 6;
                cat[m++] = 1;
            }
        }
    for (int k = 0; k < 400; k++) {
        xy[2 * m] = (double)(NEXT() % 120000) / 100.0;
        xy[2 * m + 1] = (double)(NEXT() % 120000) / 100.0;
        cat[m++] = 2;
    }
#undef NEXT
    *n = m;
}

TEST(planted_association_found) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { M = 36 * 9 + 400, R = 999 };
    double xy[2 * M], q[M], p[M], g, gp;
    int32_t cat[M];
    size_t n;
    planted(xy, cat, &n);
    CHECK_INT_EQ(n, M);
    vemt_clq_opts o = {.perm = {.permutations = R, .seed = 3}};
    CHECK_INT_EQ(vemt_clq_local(ctx, xy, cat, n, 0, 1, &o, q, p), VEMT_OK);
    for (size_t i = 0; i < n; i++)
        if (cat[i] == 0) {
            CHECK(q[i] > 2);
            CHECK(p[i] <= 0.01);
        }
    CHECK_INT_EQ(vemt_clq_global(ctx, xy, cat, n, 0, 1, &o, &g, &gp), VEMT_OK);
    CHECK(g > 2);
    CHECK_NEAR(gp, 2.0 / (R + 1), 1e-15);
    /* The reverse, category 2 around category 0, is not associated. */
    CHECK_INT_EQ(vemt_clq_global(ctx, xy, cat, n, 0, 2, &o, &g, &gp), VEMT_OK);
    CHECK(g < 1);
    vemt_ctx_destroy(ctx);
}

TEST(independent_categories_uniform_p) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    enum { M = 2000, R = 199 };
    static double xy[2 * M], q[M], p[M], again[M];
    static int32_t cat[M];
    uint32_t s = 5;
    for (size_t i = 0; i < M; i++) {
        s = s * 1664525u + 1013904223u;
        xy[2 * i] = (double)(s >> 12);
        s = s * 1664525u + 1013904223u;
        xy[2 * i + 1] = (double)(s >> 12);
        s = s * 1664525u + 1013904223u;
        cat[i] = (int32_t)((s >> 20) % 3);
    }
    vemt_clq_opts o = {.perm = {.permutations = R, .seed = 8, .threads = 1}};
    CHECK_INT_EQ(vemt_clq_local(ctx, xy, cat, M, 0, 1, &o, q, p), VEMT_OK);
    size_t na = 0, small = 0;
    double mean = 0;
    for (size_t i = 0; i < M; i++)
        if (cat[i] == 0) {
            na++;
            mean += p[i];
            small += p[i] <= 0.05;
        }
    mean /= (double)na;
    CHECK(na > 500);
    CHECK(mean > 0.45 && mean < 0.75);
    CHECK((double)small / (double)na < 0.08);
    /* Thread count changes nothing. */
    o.perm.threads = 3;
    CHECK_INT_EQ(vemt_clq_local(ctx, xy, cat, M, 0, 1, &o, q, again), VEMT_OK);
    CHECK(!memcmp(p, again, sizeof p));
    vemt_ctx_destroy(ctx);
}

TEST(bad_arguments) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N], q[N], p[N];
    int32_t cat[N];
    ref_points(xy, cat);
    vemt_clq_opts o = {.k = N, .perm = {.permutations = 9}};
    CHECK_STATUS(vemt_clq_local(ctx, xy, cat, N, 0, 1, &o, q, p), VEMT_E_ARG);
    o.k = 0;
    o.perm.permutations = 0;
    CHECK_STATUS(vemt_clq_local(ctx, xy, cat, N, 0, 1, &o, q, p), VEMT_E_ARG);
    o.perm.permutations = 9;
    xy[3] = NAN;
    CHECK_STATUS(vemt_clq_local(ctx, xy, cat, N, 0, 1, &o, q, p), VEMT_E_ARG);
    ref_points(xy, cat);
    /* No other point of B: every quotient undefined. */
    CHECK_INT_EQ(vemt_clq_local(ctx, xy, cat, N, 0, 7, &o, q, p), VEMT_OK);
    CHECK(isnan(q[1]) && isnan(p[1]));
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(colocation) {
    RUN(against_numpy_a_to_b);
    RUN(against_numpy_a_to_a);
    RUN(planted_association_found);
    RUN(independent_categories_uniform_p);
    RUN(bad_arguments);
}
