/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_grid.c
 * @brief Grid snapping, cell location, masks and band weights.
 */
#include "engine/engine.h"
#include "tests/test.h"
#include "tests/wkb.h"

TEST(snapped_origin) {
    vemt_ctx *ctx;
    vemt_units *g;
    vemt_ctx_create(1, &ctx);
    vemt_bbox e = {455123.4, 515987.0, 456999.9, 517000.0};
    CHECK_INT_EQ(vemt_units_create_square(ctx, 500, &e, NULL, &g), VEMT_OK);
    int ncol, nrow;
    double x0, y0;
    vemt_units_lattice(g, &ncol, &nrow, &x0, &y0);
    CHECK_NEAR(x0, 455000, 0);
    CHECK_NEAR(y0, 515500, 0);
    CHECK_INT_EQ(ncol, 4);
    CHECK_INT_EQ(nrow, 4); /* 517000 is on an edge: it opens a new row */
    size_t i;
    CHECK(vemt_units_locate(g, 455500, 515500, &i)); /* west/south edge */
    int c, r;
    vemt_units_colrow(g, i, &c, &r);
    CHECK_INT_EQ(c, 1);
    CHECK_INT_EQ(r, 0);
    char id[48];
    vemt_units_id(g, i, id, sizeof id);
    CHECK_STR_EQ(id, "455500_515500");
    CHECK(!vemt_units_locate(g, 454999.9, 515600, &i));
    vemt_units_destroy(g);
    CHECK_INT_EQ(vemt_units_create_square(ctx, 0.5, &e, NULL, &g), VEMT_E_ARG);
    CHECK(g == NULL);
    vemt_bbox county = {400000, 500000, 480000, 560000};
    CHECK_INT_EQ(vemt_units_create_square(ctx, 1, &county, NULL, &g),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "choose a larger cell size"));
    vemt_ctx_destroy(ctx);
}

TEST(auto_cell_size) {
    vemt_bbox e = {450000, 510000, 476740, 527000};
    char rule[160];
    CHECK_NEAR(vemt_grid_auto_cell_size_m(&e, rule, sizeof rule), 300, 0);
    CHECK(strstr(rule, "26740 m") != NULL);
    vemt_bbox tiny = {0, 0, 10, 10};
    CHECK_NEAR(vemt_grid_auto_cell_size_m(&tiny, NULL, 0), 50, 0);
}

TEST(mask_and_weights) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    /* An L-shaped study area: cells (0..2, 0) and (0, 1..2) of 100 m. */
    unsigned char wkb[1024];
    const double boxes[][4] = {{0, 0, 300, 100}, {0, 100, 100, 300}};
    size_t n = test_wkb_multipolygon(boxes, 2, wkb, sizeof wkb);
    vemt_study_area *a;
    CHECK_INT_EQ(vemt_study_area_create_wkb(ctx, wkb, n, &a), VEMT_OK);
    CHECK_NEAR(vemt_study_area_m2(a), 50000, 1e-6);
    CHECK(vemt_study_area_covers_xy(a, 50, 250));
    CHECK(!vemt_study_area_covers_xy(a, 250, 250));
    /* Shrink the extent a little so edge-touching cells stay out. */
    vemt_bbox e = {0, 0, 299, 299};
    vemt_units *g;
    CHECK_INT_EQ(vemt_units_create_square(ctx, 100, &e, a, &g), VEMT_OK);
    /* Cells touching the area only along an edge count as intersecting:
     * (1,1) touches at a corner and (1,1),(2,1),(1,2) share edges. */
    size_t ncells = vemt_units_count(g);
    CHECK(ncells >= 5);
    vemt_weights *w;
    CHECK_INT_EQ(vemt_weights_units_band(ctx, g, 100 * sqrt(2.0), true, &w), 0);
    size_t i;
    CHECK(vemt_units_locate(g, 50, 50, &i));
    const size_t *nb;
    size_t k;
    vemt_weights_neighbours(w, i, &nb, &k);
    /* Self, east, north and the diagonal when that cell was kept. */
    size_t j;
    CHECK(k == 3 + (size_t)vemt_units_locate(g, 150, 150, &j));
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_units_band(ctx, g, 99.9, false, &w), 0);
    vemt_weights_neighbours(w, i, &nb, &k);
    CHECK_INT_EQ(k, 0); /* a band shorter than a cell reaches no one */
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
    vemt_study_area_destroy(a);
    vemt_ctx_destroy(ctx);
}

TEST(diagonals_survive_rounding) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    /* Cell sizes whose sqrt(2) multiple is not exact in binary. */
    const double sizes[] = {0.1 * 3000, 333.3, 1234.5678};
    for (int s = 0; s < 3; s++) {
        vemt_bbox e = {1000, 1000, 1000 + 4 * sizes[s], 1000 + 4 * sizes[s]};
        vemt_units *g;
        vemt_weights *w;
        vemt_units_create_square(ctx, sizes[s], &e, NULL, &g);
        vemt_weights_units_band(ctx, g, sizes[s] * sqrt(2.0), true, &w);
        size_t i;
        vemt_units_locate(g, 1000 + 2.5 * sizes[s], 1000 + 2.5 * sizes[s], &i);
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        CHECK_INT_EQ(k, 9);
        vemt_weights_destroy(w);
        vemt_units_destroy(g);
    }
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(grid) {
    RUN(snapped_origin);
    RUN(auto_cell_size);
    RUN(mask_and_weights);
    RUN(diagonals_survive_rounding);
}
