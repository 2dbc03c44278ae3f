/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_gistar.c
 * @brief Gi* against R spdep's localG (tests/ref/gistar_spdep_ref.h) to
 * 1e-9, on a full grid and on a masked one.
 */
#include "engine/engine.h"
#include "tests/ref/gistar_spdep_ref.h"
#include "tests/test.h"
#include "tests/wkb.h"

/* Run Gi* on the reference grid, optionally masked to the cells listed. */
static void check_against(test_state *t_, const ref_cell *ref, size_t nref,
                          bool masked) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_study_area *area = NULL;
    if (masked) {
        /* Each kept cell shrunk by 1 m, so the mask selects exactly it. */
        static double boxes[REF_NCOL * REF_NROW][4];
        static unsigned char wkb[REF_NCOL * REF_NROW * 120 + 16];
        for (size_t i = 0; i < nref; i++) {
            boxes[i][0] = REF_X0 + ref[i].col * REF_CELL + 1;
            boxes[i][1] = REF_Y0 + ref[i].row * REF_CELL + 1;
            boxes[i][2] = boxes[i][0] + REF_CELL - 2;
            boxes[i][3] = boxes[i][1] + REF_CELL - 2;
        }
        size_t n = test_wkb_multipolygon((const double(*)[4])boxes, nref, wkb,
                                         sizeof wkb);
        CHECK_INT_EQ(vemt_study_area_create_wkb(ctx, wkb, n, &area), VEMT_OK);
    }
    vemt_bbox e = {REF_X0, REF_Y0, REF_X0 + (REF_NCOL - 1) * REF_CELL + 0.5,
                   REF_Y0 + (REF_NROW - 1) * REF_CELL + 0.5};
    vemt_units *g;
    vemt_weights *w;
    CHECK_INT_EQ(vemt_units_create_square(ctx, REF_CELL, &e, area, &g),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_units_count(g), nref);
    size_t n = vemt_units_count(g);
    double x[REF_NCOL * REF_NROW], z[REF_NCOL * REF_NROW],
        p[REF_NCOL * REF_NROW];
    for (size_t i = 0; i < nref; i++) {
        size_t c;
        CHECK(vemt_units_locate(g, REF_X0 + (ref[i].col + 0.5) * REF_CELL,
                                REF_Y0 + (ref[i].row + 0.5) * REF_CELL, &c));
        x[c] = ref[i].count;
    }
    CHECK_INT_EQ(
        vemt_weights_units_band(ctx, g, REF_CELL * sqrt(2.0), true, &w),
        VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, n, z, p), VEMT_OK);
    for (size_t i = 0; i < nref; i++) {
        size_t c;
        vemt_units_locate(g, REF_X0 + (ref[i].col + 0.5) * REF_CELL,
                          REF_Y0 + (ref[i].row + 0.5) * REF_CELL, &c);
        CHECK_NEAR(z[c], ref[i].gi_z, 1e-9);
        CHECK_NEAR(p[c], erfc(fabs(ref[i].gi_z) / sqrt(2.0)), 1e-12);
    }
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
    vemt_study_area_destroy(area);
    vemt_ctx_destroy(ctx);
}

TEST(spdep_full_grid) {
    check_against(t_, ref_full, sizeof ref_full / sizeof *ref_full, false);
}

TEST(spdep_masked_grid) {
    check_against(t_, ref_masked, sizeof ref_masked / sizeof *ref_masked, true);
}

TEST(constant_values_undefined) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_bbox e = {0, 0, 350, 350};
    vemt_units *g;
    vemt_weights *w;
    vemt_units_create_square(ctx, 100, &e, NULL, &g);
    vemt_weights_units_band(ctx, g, 100 * sqrt(2.0), true, &w);
    double x[16], z[16], p[16];
    for (int i = 0; i < 16; i++) x[i] = 2;
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, 16, z, p), VEMT_OK);
    CHECK(isnan(z[5]) && isnan(p[5]));
    x[5] = 3; /* one different value makes every z defined */
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, 16, z, p), VEMT_OK);
    CHECK(z[5] > 0 && z[15] < 0);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, 8, z, p), VEMT_E_ARG);
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(gistar) {
    RUN(spdep_full_grid);
    RUN(spdep_masked_grid);
    RUN(constant_values_undefined);
}
