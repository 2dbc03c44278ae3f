/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_weights.c
 * @brief Spatial weights beyond the square band: distance bands and k
 * nearest neighbours on any points (checked against brute force, ties
 * included), grid contiguity of both shapes, and polygon contiguity
 * (spdep's poly2nb rule) on a constructed layout with a known answer.
 */
#include <stdint.h>

#include "engine/engine.h"
#include "tests/test.h"
#include "tests/wkb.h"

/* Row i of w as a string "a b c" for compact comparison. */
static const char *row(const vemt_weights *w, size_t i, char *buf) {
    const size_t *nb;
    size_t k, at = 0;
    vemt_weights_neighbours(w, i, &nb, &k);
    buf[0] = 0;
    for (size_t m = 0; m < k; m++)
        at += (size_t)snprintf(buf + at, 256 - at, m ? " %zu" : "%zu", nb[m]);
    return buf;
}

TEST(band_on_points) {
    vemt_ctx *ctx;
    vemt_weights *w = (vemt_weights *)(uintptr_t)8;
    vemt_ctx_create(1, &ctx);
    /* 0-1 exactly 5 apart; 2 is 5 + 4e-9 from 0 (inside the 1e-9 relative
     * tolerance), 3 is 5 + 1e-8 away (outside). */
    const double xy[] = {0, 0, 3, 4, 0, 5 + 4e-9, 0, -5 - 1e-8, 100, 100};
    char b[256];
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, 5, 5, false, &w), VEMT_OK);
    CHECK_STR_EQ(row(w, 0, b), "1 2");
    CHECK_STR_EQ(row(w, 1, b), "0 2"); /* 1 to 2: about 3.16 */
    CHECK_STR_EQ(row(w, 3, b), "");
    CHECK_STR_EQ(row(w, 4, b), ""); /* an island */
    CHECK_INT_EQ(vemt_weights_links(w), 6);
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, 5, 5, true, &w), VEMT_OK);
    CHECK_STR_EQ(row(w, 0, b), "0 1 2");
    CHECK_STR_EQ(row(w, 4, b), "4");
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, 5, 0, true, &w), VEMT_E_ARG);
    CHECK(w == NULL);
    const double nan_xy[] = {0, 0, NAN, 1};
    CHECK_INT_EQ(vemt_weights_band(ctx, nan_xy, 2, 5, true, &w), VEMT_E_ARG);
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, 0, 5, true, &w), VEMT_OK);
    CHECK_INT_EQ(vemt_weights_n(w), 0);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

static double *random_points(size_t n, unsigned long long seed, bool lattice) {
    double *xy = calloc(2 * n, sizeof *xy);
    for (size_t i = 0; i < 2 * n; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(seed >> 11) / 9007199254740992.0;
        /* Half spread over 3 km, half packed in a 100 m square. */
        double v = (i / 2) % 2 ? 450000 + u * 3000 : 451000 + u * 100;
        xy[i] = lattice ? floor(v / 10) * 10 : v;
    }
    return xy;
}

/* Brute force: row i of the k nearest others (ties to the lower index),
 * ascending, or of those within band (k == 0). */
static size_t brute_row(const double *xy, size_t n, size_t i, size_t k,
                        double band, size_t *out, double *d2) {
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        double dx = xy[2 * j] - xy[2 * i], dy = xy[2 * j + 1] - xy[2 * i + 1];
        double d = dx * dx + dy * dy;
        if (j == i || (k == 0 && d > band * band * (1 + 1e-9) * (1 + 1e-9)))
            continue;
        size_t at = m++;
        while (at > 0 &&
               (d2[at - 1] > d || (d2[at - 1] == d && out[at - 1] > j))) {
            d2[at] = d2[at - 1];
            out[at] = out[at - 1];
            at--;
        }
        d2[at] = d;
        out[at] = j;
        if (k && m > k) m = k;
    }
    for (size_t a = 1; a < m; a++) /* ascending indices, as stored */
        for (size_t b = a; b > 0 && out[b - 1] > out[b]; b--) {
            size_t t = out[b];
            out[b] = out[b - 1];
            out[b - 1] = t;
        }
    return m;
}

static void check_brute(test_state *t_, bool lattice, size_t k, double band) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    const size_t n = 2500;
    double *xy = random_points(n, 99, lattice), *d2 = calloc(n, sizeof *d2);
    size_t *want = calloc(n, sizeof *want), bad = 0;
    vemt_status st = k ? vemt_weights_knn(ctx, xy, n, k, false, &w)
                       : vemt_weights_band(ctx, xy, n, band, false, &w);
    CHECK_INT_EQ(st, VEMT_OK);
    for (size_t i = 0; i < n && !st; i++) {
        const size_t *nb;
        size_t got;
        size_t m = brute_row(xy, n, i, k, band, want, d2);
        vemt_weights_neighbours(w, i, &nb, &got);
        if (got != m || memcmp(nb, want, m * sizeof *nb)) bad++;
    }
    CHECK_INT_EQ(bad, 0);
    if (!st) vemt_weights_destroy(w);
    free(xy);
    free(d2);
    free(want);
    vemt_ctx_destroy(ctx);
}

TEST(band_matches_brute_force) {
    check_brute(t_, false, 0, 37.5);
    check_brute(t_, true, 0, 30); /* exact lattice distances at the band */
}

TEST(knn_matches_brute_force_with_ties) {
    check_brute(t_, false, 6, 0);
    check_brute(t_, true, 6, 0); /* 10 m lattice: ties and duplicates */
    check_brute(t_, true, 1, 0);
}

TEST(knn_semantics) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    char b[256];
    /* A line 0, 1, 2, 3, 10 (indices 0..4). */
    const double line[] = {0, 0, 1, 0, 2, 0, 3, 0, 10, 0};
    CHECK_INT_EQ(vemt_weights_knn(ctx, line, 5, 2, false, &w), VEMT_OK);
    CHECK_STR_EQ(row(w, 0, b), "1 2");
    CHECK_STR_EQ(row(w, 2, b), "1 3"); /* 1 and 3 tie at 1 */
    CHECK_STR_EQ(row(w, 4, b), "2 3"); /* not symmetrised: */
    CHECK_STR_EQ(row(w, 3, b), "1 2"); /* 3 does not list 4 */
    vemt_weights_destroy(w);
    /* A cross: the centre (index 4) ties four ways; lower indices win. */
    const double cross[] = {0, 1, 1, 0, 0, -1, -1, 0, 0, 0, 0, 0};
    CHECK_INT_EQ(vemt_weights_knn(ctx, cross, 6, 2, true, &w), VEMT_OK);
    CHECK_STR_EQ(row(w, 4, b), "0 4 5"); /* 5 at 0, then 0 of 0..3 */
    CHECK_STR_EQ(row(w, 0, b), "0 4 5");
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_knn(ctx, cross, 6, 3, false, &w), VEMT_OK);
    /* 4 and 5 coincide: each is the other's nearest at distance 0. */
    CHECK_STR_EQ(row(w, 4, b), "0 1 5");
    CHECK_STR_EQ(row(w, 5, b), "0 1 4");
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_knn(ctx, cross, 6, 6, false, &w), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "k = 6 for 6 units"));
    CHECK_INT_EQ(vemt_weights_knn(ctx, cross, 6, 0, false, &w), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

TEST(grid_contiguity) {
    vemt_ctx *ctx;
    vemt_units *sq, *hx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    vemt_bbox e = {0, 0, 499, 499};
    vemt_units_create_square(ctx, 100, &e, NULL, &sq);
    vemt_units_create_hex(ctx, 100, &e, NULL, &hx);
    size_t mid, corner;
    CHECK(vemt_units_locate(sq, 250, 250, &mid));
    CHECK(vemt_units_locate(sq, 10, 10, &corner));
    const struct {
        vemt_contiguity kind;
        bool self;
        size_t mid, corner;
    } sq_cases[] = {{VEMT_CONTIGUITY_ROOK, false, 4, 2},
                    {VEMT_CONTIGUITY_QUEEN, false, 8, 3},
                    {VEMT_CONTIGUITY_QUEEN, true, 9, 4}};
    for (int c = 0; c < 3; c++) {
        const size_t *nb;
        size_t k;
        CHECK_INT_EQ(vemt_weights_units_contiguity(ctx, sq, sq_cases[c].kind, 0,
                                                   sq_cases[c].self, &w),
                     VEMT_OK);
        vemt_weights_neighbours(w, mid, &nb, &k);
        CHECK_INT_EQ(k, sq_cases[c].mid);
        vemt_weights_neighbours(w, corner, &nb, &k);
        CHECK_INT_EQ(k, sq_cases[c].corner);
        vemt_weights_destroy(w);
    }
    /* Hexagons: six neighbours, each one cell size away, queen or rook. */
    CHECK(vemt_units_locate(hx, 250, 250, &mid));
    for (int kind = 0; kind < 2; kind++) {
        const size_t *nb;
        size_t k;
        double x, y, nx, ny;
        CHECK_INT_EQ(vemt_weights_units_contiguity(
                         ctx, hx, (vemt_contiguity)kind, 0, false, &w),
                     VEMT_OK);
        vemt_weights_neighbours(w, mid, &nb, &k);
        CHECK_INT_EQ(k, 6);
        vemt_units_centre(hx, mid, &x, &y);
        for (size_t m = 0; m < k; m++) {
            vemt_units_centre(hx, nb[m], &nx, &ny);
            CHECK_NEAR(hypot(nx - x, ny - y), 100, 1e-9);
        }
        vemt_weights_destroy(w);
    }
    CHECK_INT_EQ(vemt_weights_units_contiguity(ctx, hx, (vemt_contiguity)7, 0,
                                               false, &w),
                 VEMT_E_ARG);
    vemt_units_destroy(sq);
    vemt_units_destroy(hx);
    vemt_ctx_destroy(ctx);
}

/* Little-endian WKB Polygon from rings of (x, y) pairs. */
static size_t wkb_polygon(const double *const *rings, const size_t *npts,
                          size_t nrings, unsigned char *out) {
    size_t k = 0;
    out[k++] = 1;
    k += wkb_put_u32(out + k, 3);
    k += wkb_put_u32(out + k, (uint32_t)nrings);
    for (size_t r = 0; r < nrings; r++) {
        k += wkb_put_u32(out + k, (uint32_t)npts[r]);
        for (size_t v = 0; v < 2 * npts[r]; v++)
            k += wkb_put_f64(out + k, rings[r][v]);
    }
    return k;
}

#define BOX(x0, y0, x1, y1) \
    { x0, y0, x1, y0, x1, y1, x0, y1, x0, y0 }

/* The layout (100 m squares 0..8 in a 3 x 3 block, row-major from the
 * south-west), and:
 *   9: x 300..400, y 0..150: shares the east edges of 2 (fully) and of 5
 *      (partly); 5's corner (300, 100) lies on 9's edge with no vertex there;
 *  10: x 300..400, y 300..400: touches 8 at the single point (300, 300);
 *  11: x -100.5..-0.5, y 200..300: 0.5 m west of 6 (a gap);
 *  12: a 300 m square at (1000, 1000) with a 100 m hole, and 13 filling it.
 */
static vemt_polygons *layout(vemt_ctx *ctx) {
    static const double sq[9][10] = {
        BOX(0, 0, 100, 100),     BOX(100, 0, 200, 100),
        BOX(200, 0, 300, 100),   BOX(0, 100, 100, 200),
        BOX(100, 100, 200, 200), BOX(200, 100, 300, 200),
        BOX(0, 200, 100, 300),   BOX(100, 200, 200, 300),
        BOX(200, 200, 300, 300)};
    static const double b10[] = BOX(300, 300, 400, 400),
                        b11[] = BOX(-100.5, 200, -0.5, 300),
                        outer[] = BOX(1000, 1000, 1300, 1300),
                        hole[] = {1100, 1100, 1100, 1200, 1200,
                                  1200, 1200, 1100, 1100, 1100},
                        b13[] = BOX(1100, 1100, 1200, 1200);
    unsigned char buf[14][256];
    const unsigned char *wkb[14];
    size_t size[14], five = 5, two[2] = {5, 5};
    for (int i = 0; i < 9; i++) {
        const double *r = sq[i];
        size[i] = wkb_polygon(&r, &five, 1, buf[i]);
    }
    const double *one[4] = {NULL, b10, b11, b13}, *donut[2] = {outer, hole};
    const double box9[][4] = {{300, 0, 400, 150}}; /* as a MultiPolygon */
    size[9] = test_wkb_multipolygon(box9, 1, buf[9], sizeof buf[9]);
    size[10] = wkb_polygon(&one[1], &five, 1, buf[10]);
    size[11] = wkb_polygon(&one[2], &five, 1, buf[11]);
    size[12] = wkb_polygon(donut, two, 2, buf[12]);
    size[13] = wkb_polygon(&one[3], &five, 1, buf[13]);
    for (int i = 0; i < 14; i++) wkb[i] = buf[i];
    vemt_polygons *a = NULL;
    vemt_polygons_create_wkb(ctx, 14, wkb, size, NULL, NULL, &a);
    return a;
}

TEST(polygon_contiguity_known_layout) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    vemt_polygons *a = layout(ctx);
    CHECK(a != NULL);
    if (!a) return;
    char b[256];
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  0, false, &w),
                 VEMT_OK);
    CHECK_STR_EQ(row(w, 4, b), "0 1 2 3 5 6 7 8");
    CHECK_STR_EQ(row(w, 0, b), "1 3 4");
    CHECK_STR_EQ(row(w, 2, b), "1 4 5 9");
    /* spdep's poly2nb compares vertices only: 5's corner on 9's edge, a
     * T-junction without a vertex of 9 there, does not make them
     * neighbours (GEOS's "intersects" did). */
    CHECK_STR_EQ(row(w, 9, b), "2");
    CHECK_STR_EQ(row(w, 10, b), "8");  /* a single shared point */
    CHECK_STR_EQ(row(w, 11, b), "");   /* the 0.5 m gap */
    CHECK_STR_EQ(row(w, 12, b), "13"); /* island in a hole */
    CHECK_INT_EQ(vemt_weights_links(w), 2 * (20 + 1 + 1 + 1));
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_ROOK,
                                                  0, true, &w),
                 VEMT_OK);
    CHECK_STR_EQ(row(w, 4, b), "1 3 4 5 7");
    CHECK_STR_EQ(row(w, 0, b), "0 1 3");
    /* 9 has one vertex, (300, 0), in common with 2 and none with 5: one
     * pair is queen, not rook, although the two share the edge from
     * (300, 0) to (300, 100) (poly2nb's rule; 9 has no vertex at 100). */
    CHECK_STR_EQ(row(w, 9, b), "9");
    CHECK_STR_EQ(row(w, 10, b), "10"); /* the point is not an edge */
    CHECK_STR_EQ(row(w, 13, b), "12 13");
    vemt_weights_destroy(w);
    /* With a 1 m snap the gap closes, for queen and for rook. */
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_ROOK,
                                                  1, false, &w),
                 VEMT_OK);
    CHECK_STR_EQ(row(w, 11, b), "6");
    CHECK_STR_EQ(row(w, 10, b), "");
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  -1, false, &w),
                 VEMT_E_ARG);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

/* spdep's poly2nb rule on its edge cases (contiguity.c): two separate
 * vertex pairs make rook neighbours without a shared edge, and the snap
 * distance counts with <=. */
TEST(polygon_contiguity_poly2nb_rule) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    /* 0: a triangle on y = 0; 1: an arrow below it touching it at (0, 0)
     * and (10, 0) only; 2 and 3: boxes 0.5 m apart (x 30 to 30.5). */
    static const double tri[] = {0, 0, 10, 0, 5, 5, 0, 0},
                        arrow[] = {0, 0, 5, -5, 10, 0, 5, -1, 0, 0},
                        c[] = BOX(20, 0, 30, 10), d[] = BOX(30.5, 0, 40, 10);
    const double *rings[] = {tri, arrow, c, d};
    size_t npts[] = {4, 5, 5, 5}, size[4];
    unsigned char buf[4][256];
    const unsigned char *wkb[4];
    for (int i = 0; i < 4; i++) {
        size[i] = wkb_polygon(&rings[i], &npts[i], 1, buf[i]);
        wkb[i] = buf[i];
    }
    vemt_polygons *a = NULL;
    CHECK_INT_EQ(vemt_polygons_create_wkb(ctx, 4, wkb, size, NULL, NULL, &a),
                 VEMT_OK);
    if (!a) return;
    char b[256];
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_ROOK,
                                                  0.5, false, &w),
                 VEMT_OK);
    CHECK_STR_EQ(row(w, 0, b), "1"); /* two points, no edge: rook */
    CHECK_STR_EQ(row(w, 2, b), "3"); /* exactly 0.5 m: within */
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  0.4999, false, &w),
                 VEMT_OK);
    CHECK_STR_EQ(row(w, 2, b), ""); /* just beyond */
    CHECK_STR_EQ(row(w, 1, b), "0");
    vemt_weights_destroy(w);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(weights) {
    RUN(band_on_points);
    RUN(band_matches_brute_force);
    RUN(knn_matches_brute_force_with_ties);
    RUN(knn_semantics);
    RUN(grid_contiguity);
    RUN(polygon_contiguity_known_layout);
    RUN(polygon_contiguity_poly2nb_rule);
}
