/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_lisa.c
 * @brief Local Moran's I against R spdep 1.2-7's localmoran to 1e-9
 * (statistic, z and p under conditional and total randomisation, isolates),
 * its quadrants against spdep's, the permutation p (shared with Gi*) and
 * the cluster and outlier types on planted patterns.
 */
#include <string.h>

#include "engine/engine.h"
#include "tests/ref/lisa_spdep_ref.h"
#include "tests/test.h"

enum { NA = LISA_A_NCOL * LISA_A_NROW };

/* Centres of the reference grid A, row-major from the south-west; with
 * keep, only the cells kept (in order). Returns the number of cells. */
static size_t grid_a_xy(const int *keep, double *xy) {
    size_t n = 0;
    for (int i = 0; i < NA; i++) {
        if (keep && !keep[i]) continue;
        xy[2 * n] = LISA_A_X0 + (i % LISA_A_NCOL + 0.5) * LISA_A_CELL;
        xy[2 * n + 1] = LISA_A_Y0 + (i / LISA_A_NCOL + 0.5) * LISA_A_CELL;
        n++;
    }
    return n;
}

static vemt_weights *grid_a_weights(vemt_ctx *ctx, const int *keep, double band,
                                    size_t *n) {
    double xy[2 * NA];
    vemt_weights *w = NULL;
    *n = grid_a_xy(keep, xy);
    vemt_weights_band(ctx, xy, *n, band, false, &w);
    return w;
}

TEST(spdep_localmoran) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    size_t n;
    vemt_weights *w = grid_a_weights(ctx, NULL, LISA_A_CELL * sqrt(2.0), &n);
    double ii[NA], z[NA], p[NA];
    CHECK_INT_EQ(vemt_lisa_compute(ctx, w, lisa_a_count, n,
                                   VEMT_LISA_CONDITIONAL, ii, z, p),
                 VEMT_OK);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_NEAR(ii[i], lisa_a_ii[i], 1e-9);
        CHECK_NEAR(z[i], lisa_a_z_cond[i], 1e-9);
        CHECK_NEAR(p[i], lisa_a_p_cond[i], 1e-9);
        worst = fmax(worst, fabs(z[i] - lisa_a_z_cond[i]));
    }
    fprintf(stderr, "  max |z - spdep| conditional %.3g\n", worst);
    CHECK_INT_EQ(
        vemt_lisa_compute(ctx, w, lisa_a_count, n, VEMT_LISA_TOTAL, ii, z, p),
        VEMT_OK);
    for (size_t i = 0; i < n; i++) {
        CHECK_NEAR(ii[i], lisa_a_ii[i], 1e-9);
        CHECK_NEAR(z[i], lisa_a_z_total[i], 1e-9);
        CHECK_NEAR(p[i], lisa_a_p_total[i], 1e-9);
    }
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(spdep_isolates) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    size_t n, m = 0;
    vemt_weights *w = grid_a_weights(ctx, lisa_m_keep, LISA_A_CELL, &n);
    double x[NA], ii[NA], z[NA], p[NA];
    for (int i = 0; i < NA; i++)
        if (lisa_m_keep[i]) x[m++] = lisa_a_count[i];
    CHECK_INT_EQ(n, m);
    CHECK_INT_EQ(
        vemt_lisa_compute(ctx, w, x, n, VEMT_LISA_CONDITIONAL, ii, z, p),
        VEMT_OK);
    size_t isolates = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_NEAR(ii[i], lisa_m_ii[i], 1e-9);
        if (isnan(lisa_m_z_cond[i])) {
            CHECK(isnan(z[i]) && isnan(p[i]) && ii[i] == 0);
            isolates++;
        } else {
            CHECK_NEAR(z[i], lisa_m_z_cond[i], 1e-9);
        }
    }
    CHECK_INT_EQ(isolates, 2);
    vemt_perm_opts o = {.permutations = 99, .seed = 5, .threads = 1};
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, n, &o, p), VEMT_OK);
    for (size_t i = 0; i < n; i++)
        if (isnan(lisa_m_z_cond[i])) CHECK(isnan(p[i]));
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* With every p at 0, each type is the quadrant of the Moran scatter plot:
 * the same as spdep's attr(, "quadr")$pysal (1 Low-Low, 2 High-Low,
 * 3 Low-High, 4 High-High). */
TEST(quadrants_as_spdep) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    size_t n;
    vemt_weights *w = grid_a_weights(ctx, NULL, LISA_A_CELL * sqrt(2.0), &n);
    double p[NA];
    int8_t type[NA];
    static const int8_t from_spdep[5] = {0, VEMT_LISA_LL, VEMT_LISA_HL,
                                         VEMT_LISA_LH, VEMT_LISA_HH};
    for (size_t i = 0; i < n; i++) p[i] = 0;
    CHECK_INT_EQ(vemt_lisa_types(ctx, w, lisa_a_count, n, p, 0.05, type),
                 VEMT_OK);
    for (size_t i = 0; i < n; i++)
        CHECK_INT_EQ(type[i], from_spdep[lisa_a_quadr[i]]);
    p[0] = 0.05; /* at the cut-off: still significant */
    p[1] = 0.0501;
    p[2] = NAN;
    CHECK_INT_EQ(vemt_lisa_types(ctx, w, lisa_a_count, n, p, 0.05, type),
                 VEMT_OK);
    CHECK_INT_EQ(type[0], from_spdep[lisa_a_quadr[0]]);
    CHECK_INT_EQ(type[1], VEMT_LISA_NONE);
    CHECK_INT_EQ(type[2], VEMT_LISA_NONE);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

/* A 15 x 15 grid of small counts with a block of highs (a High-High
 * cluster), a single low cell inside it (Low-High), a single high cell in
 * a block of zeros (High-Low) and a block of zeros (Low-Low). */
TEST(planted_types_with_permutations) {
    enum { NC = 15, N = NC * NC };
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N], x[N], p1[N], p2[N];
    int8_t type[N];
    for (int i = 0; i < N; i++) {
        xy[2 * i] = (i % NC) * 100.0;
        xy[2 * i + 1] = (i / NC) * 100.0;
        x[i] = 4 + (i * 7 % 5);
    }
    for (int r = 1; r <= 4; r++)
        for (int c = 1; c <= 4; c++) x[r * NC + c] = 30;
    x[2 * NC + 2] = 0;
    for (int r = 7; r <= 13; r++)
        for (int c = 7; c <= 13; c++) x[r * NC + c] = 0;
    x[11 * NC + 11] = 30;
    vemt_weights *w = NULL;
    vemt_weights_band(ctx, xy, N, 100 * sqrt(2.0), true, &w);
    vemt_perm_opts o = {.permutations = 999, .seed = 77, .threads = 1};
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, N, &o, p1), VEMT_OK);
    o.threads = 3;
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, N, &o, p2), VEMT_OK);
    CHECK(!memcmp(p1, p2, sizeof p1));
    for (int i = 0; i < N; i++) CHECK(p1[i] >= 2.0 / 1000 && p1[i] <= 1);
    CHECK_INT_EQ(vemt_lisa_types(ctx, w, x, N, p1, VEMT_LISA_ALPHA, type),
                 VEMT_OK);
    CHECK_INT_EQ(type[3 * NC + 3], VEMT_LISA_HH);
    CHECK_INT_EQ(type[2 * NC + 2], VEMT_LISA_LH);
    CHECK_INT_EQ(type[11 * NC + 11], VEMT_LISA_HL);
    CHECK_INT_EQ(type[9 * NC + 9], VEMT_LISA_LL);
    CHECK_NEAR(p1[3 * NC + 3], 2.0 / 1000, 1e-15);
    CHECK_STR_EQ(vemt_lisa_type_name(VEMT_LISA_HH), "High-High");
    CHECK_STR_EQ(vemt_lisa_type_name(VEMT_LISA_NONE), "Not significant");
    CHECK_STR_EQ(vemt_lisa_type_name(VEMT_LISA_TYPE_END), "?");
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(degenerate_input) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[8] = {0, 0, 1, 0, 0, 1, 1, 1}, x[4] = {2, 2, 2, 2}, ii[4], z[4],
           p[4];
    vemt_weights *w = NULL;
    vemt_weights_band(ctx, xy, 4, 1, false, &w);
    CHECK_INT_EQ(
        vemt_lisa_compute(ctx, w, x, 4, VEMT_LISA_CONDITIONAL, ii, z, p),
        VEMT_OK);
    CHECK(isnan(ii[0]) && isnan(z[0]) && isnan(p[0]));
    vemt_perm_opts o = {.permutations = 9, .seed = 1, .threads = 1};
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, 4, &o, p), VEMT_OK);
    CHECK(isnan(p[3]));
    x[0] = 1, x[1] = 3; /* units 2 and 3 sit at the mean: I = 0, p = 1 */
    CHECK_INT_EQ(vemt_lisa_permute(ctx, w, x, 4, &o, p), VEMT_OK);
    CHECK(p[2] == 1 && p[3] == 1);
    CHECK_INT_EQ(vemt_lisa_compute(ctx, w, x, 3, VEMT_LISA_TOTAL, ii, z, p),
                 VEMT_E_ARG);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(lisa) {
    RUN(spdep_localmoran);
    RUN(spdep_isolates);
    RUN(quadrants_as_spdep);
    RUN(planted_types_with_permutations);
    RUN(degenerate_input);
}
