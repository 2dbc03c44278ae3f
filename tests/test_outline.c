/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_outline.c
 * @brief Cluster outlines and attributes: hull areas against geometry
 * worked by hand, the buffer for clusters without area, density, times and
 * the busiest window in local time, the WKB read back by GEOS.
 */
#include <geos_c.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/test.h"
#include "tests/tzutil.h"

#define PI 3.14159265358979323846

/* Summarise n points all in cluster 0 (times optional). */
static vemt_status summarise(const double *x, const double *y, const int64_t *t,
                             const uint8_t *prec, size_t n,
                             const vemt_outline_opts *o, vemt_clusters *out) {
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return VEMT_E_NOMEM;
    int32_t *lab = calloc(n, sizeof *lab);
    vemt_points p = {n, x, y, t, prec, NULL};
    vemt_status st = vemt_clusters_summarise(ctx, &p, lab, 1, o, out);
    free(lab);
    vemt_ctx_destroy(ctx);
    return st;
}

/* Area of WKB read back by GEOS; -1 unless it is a valid Polygon. */
static double wkb_area(const unsigned char *wkb, size_t size) {
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSWKBReader *r = GEOSWKBReader_create_r(h);
    GEOSGeometry *g = GEOSWKBReader_read_r(h, r, wkb, size);
    double a = -1;
    if (g && GEOSGeomTypeId_r(h, g) == GEOS_POLYGON && GEOSisValid_r(h, g))
        GEOSArea_r(h, g, &a);
    if (g) GEOSGeom_destroy_r(h, g);
    GEOSWKBReader_destroy_r(h, r);
    GEOS_finish_r(h);
    return a;
}

/* A 100 m square of 11 x 11 points: both hulls are the square. */
TEST(square) {
    double x[121], y[121];
    for (int i = 0; i < 121; i++)
        x[i] = 1000 + 10 * (i % 11), y[i] = 10 * (i / 11);
    for (int hull = 0; hull < 2; hull++) {
        vemt_outline_opts o = {.hull = (vemt_hull)hull};
        vemt_clusters c;
        CHECK_STATUS(summarise(x, y, NULL, NULL, 121, &o, &c), VEMT_OK);
        CHECK_INT_EQ(c.n, 1);
        CHECK_INT_EQ(c.items[0].n_events, 121);
        CHECK_INT_EQ(c.items[0].n_locations, 121);
        CHECK_NEAR(c.items[0].area_m2, 10000, 1e-6);
        CHECK_NEAR(c.items[0].density_km2, 121 / 0.01, 1e-6);
        CHECK_NEAR(c.items[0].cx, 1050, 1e-9);
        CHECK_NEAR(c.items[0].cy, 50, 1e-9);
        CHECK_NEAR(wkb_area(c.items[0].wkb, c.items[0].wkb_size), 10000, 1e-6);
        CHECK(c.items[0].first_utc == INT64_MIN);
        CHECK_INT_EQ(c.items[0].busiest_weekday, -1);
        vemt_clusters_clear(&c);
    }
}

/* An L of points: the convex hull spans the notch, the concave one
 * follows it. */
TEST(concave_l) {
    double x[200], y[200];
    size_t n = 0;
    for (int i = 0; i <= 10; i++)
        for (int j = 0; j <= 10; j++)
            if (i <= 3 || j <= 3) x[n] = 10.0 * i, y[n++] = 10.0 * j;
    vemt_clusters cc, cv;
    vemt_outline_opts o = {.hull = VEMT_HULL_CONCAVE, .concave_ratio = 0.1};
    CHECK_STATUS(summarise(x, y, NULL, NULL, n, &o, &cc), VEMT_OK);
    o.hull = VEMT_HULL_CONVEX;
    CHECK_STATUS(summarise(x, y, NULL, NULL, n, &o, &cv), VEMT_OK);
    /* The L is 100 x 30 + 30 x 70 = 5,100 m^2; its convex hull adds the
     * triangle between the arms' ends: 7,550 m^2. */
    CHECK_NEAR(cv.items[0].area_m2, 7550, 1e-6);
    CHECK(cc.items[0].area_m2 < 7000 && cc.items[0].area_m2 >= 5100 - 1e-6);
    vemt_clusters_clear(&cc);
    vemt_clusters_clear(&cv);
}

/* One location (5 events), two locations, three in a line: buffered by
 * 25 m (a 32-gon: area 16 r^2 sin(pi / 16) for a disc). */
TEST(buffer_without_area) {
    const double x[] = {10, 10, 10, 10, 10}, y[] = {20, 20, 20, 20, 20};
    vemt_clusters c;
    double disc = 16 * 625 * sin(PI / 16);
    CHECK_STATUS(summarise(x, y, NULL, NULL, 5, NULL, &c), VEMT_OK);
    CHECK_INT_EQ(c.items[0].n_locations, 1);
    CHECK_NEAR(c.items[0].area_m2, disc, 1e-6 * disc);
    CHECK_NEAR(c.items[0].density_km2, 5 / (disc / 1e6), 1e-6);
    vemt_clusters_clear(&c);
    const double x2[] = {0, 100, 0}, y2[] = {0, 0, 0};
    CHECK_STATUS(summarise(x2, y2, NULL, NULL, 3, NULL, &c), VEMT_OK);
    CHECK_INT_EQ(c.items[0].n_locations, 2);
    CHECK_NEAR(c.items[0].area_m2, 100 * 50 + disc, 1e-6 * disc);
    vemt_clusters_clear(&c);
    const double x3[] = {0, 50, 100}, y3[] = {0, 50, 100};
    vemt_outline_opts o = {.buffer_m = 10};
    CHECK_STATUS(summarise(x3, y3, NULL, NULL, 3, &o, &c), VEMT_OK);
    CHECK_NEAR(c.items[0].area_m2, 100 * sqrt(2) * 20 + 16 * 100 * sin(PI / 16),
               1e-3);
    CHECK(wkb_area(c.items[0].wkb, c.items[0].wkb_size) > 0);
    vemt_clusters_clear(&c);
}

/* Times: first and last over every event with a time; the busiest window
 * over those known to the minute, in UK local time (BST in July). */
TEST(times_and_busiest_window) {
    const double x[] = {0, 10, 0, 10, 5, 5}, y[] = {0, 0, 10, 10, 5, 5};
    /* Mon 2024-01-08 09:15 UTC (GMT), Mon 2024-07-08 08:15 UTC (09:15
     * BST) twice, Sun 2024-07-07 23:30 UTC (Mon 00:30 BST), a Friday with
     * month precision (not in the profile), Tue 2024-01-09 10:00 UTC. */
    const int64_t t[] = {1704705300, 1720426500, 1720426500,
                         1720395000, 1701388800, 1704794400};
    const uint8_t prec[] = {0, 1, 0, 0, VEMT_PREC_MONTH, 0};
    vemt_tz *london = test_zone("Europe/London");
    CHECK(london != NULL);
    vemt_outline_opts o = {.window_h = 1, .zone = london};
    vemt_clusters c;
    CHECK_STATUS(summarise(x, y, t, prec, 6, &o, &c), VEMT_OK);
    const vemt_cluster *k = &c.items[0];
    CHECK(k->first_utc == 1701388800);
    CHECK(k->last_utc == 1720426500);
    CHECK_INT_EQ(k->n_timed, 5);
    CHECK_INT_EQ(k->busiest_weekday, 0);
    CHECK_INT_EQ(k->busiest_hour, 9);
    CHECK_NEAR(k->busiest_events, 3, 0);
    CHECK_INT_EQ(k->window_h, 1);
    vemt_clusters_clear(&c);
    o.window_h = 3; /* 07:00-10:00 holds the three; so does 08-11 (first) */
    CHECK_STATUS(summarise(x, y, t, prec, 6, &o, &c), VEMT_OK);
    CHECK_INT_EQ(c.items[0].busiest_hour, 7);
    CHECK_NEAR(c.items[0].busiest_events, 3, 0);
    vemt_clusters_clear(&c);
    /* In UTC the two July events are at 08:15, the January one at 09:15. */
    o.window_h = 1;
    o.zone = NULL;
    CHECK_STATUS(summarise(x, y, t, prec, 6, &o, &c), VEMT_OK);
    CHECK_INT_EQ(c.items[0].busiest_weekday, 0);
    CHECK_INT_EQ(c.items[0].busiest_hour, 8);
    CHECK_NEAR(c.items[0].busiest_events, 2, 0);
    vemt_clusters_clear(&c);
    /* New York: the July events at 04:15 EDT (UTC-4), the January one at
     * 04:15 EST (UTC-5), all three on Monday. */
    vemt_tz *ny = test_zone("America/New_York");
    CHECK(ny != NULL);
    o.zone = ny;
    CHECK_STATUS(summarise(x, y, t, prec, 6, &o, &c), VEMT_OK);
    CHECK_INT_EQ(c.items[0].busiest_weekday, 0);
    CHECK_INT_EQ(c.items[0].busiest_hour, 4);
    CHECK_NEAR(c.items[0].busiest_events, 3, 0);
    vemt_clusters_clear(&c);
    vemt_tz_destroy(ny);
    vemt_tz_destroy(london);
}

/* Several clusters, noise and excluded points ignored; bad labels. */
TEST(labels) {
    const double x[] = {0, 1, 2, 100, 101, 102, 50},
                 y[] = {0, 1, 0, 0, 1, 0, 50};
    int32_t lab[] = {1, 1, 1, 0, 0, 0, VEMT_LABEL_NOISE};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {7, x, y, NULL, NULL, NULL};
    vemt_clusters c;
    CHECK_STATUS(vemt_clusters_summarise(ctx, &p, lab, 3, NULL, &c), VEMT_OK);
    CHECK_INT_EQ(c.n, 3);
    CHECK_NEAR(c.items[0].cx, 101, 1e-9);
    CHECK_NEAR(c.items[1].cx, 1, 1e-9);
    CHECK_NEAR(c.items[0].area_m2, 1, 1e-9); /* triangle, base 2, height 1 */
    CHECK_INT_EQ(c.items[2].n_events, 0);    /* an empty cluster */
    CHECK(c.items[2].wkb == NULL);
    vemt_clusters_clear(&c);
    CHECK_STATUS(vemt_clusters_summarise(ctx, &p, lab, 1, NULL, &c),
                 VEMT_E_ARG);
    CHECK(c.n == 0 && c.items == NULL);
    vemt_outline_opts o = {.concave_ratio = 2};
    CHECK_STATUS(vemt_clusters_summarise(ctx, &p, lab, 2, &o, &c), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

/* n points (deterministic, uniform) in a C: the ring of radii 600 and
 * 1,000 m round (1000, 1000), open to the east (angles 45 to 315 deg). */
static void c_shape(size_t n, double *x, double *y) {
    uint64_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        double u = (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005u + 1442695040888963407u;
        double v = (double)(s >> 11) / 9007199254740992.0;
        double r = sqrt(600.0 * 600 + u * (1000.0 * 1000 - 600.0 * 600));
        double a = (45 + 270 * v) * PI / 180;
        x[i] = 1000 + r * cos(a), y[i] = 1000 + r * sin(a);
    }
}

/* GEOS's own hull of every point (the reference, independent of
 * outline.c's subset): its area, or -1. */
static double full_hull_area(const double *x, const double *y, size_t n,
                             bool concave, double ratio) {
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSGeometry **g = calloc(n, sizeof *g);
    for (size_t i = 0; i < n; i++)
        g[i] = GEOSGeom_createPointFromXY_r(h, x[i], y[i]);
    GEOSGeometry *mp =
        GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, g, (unsigned)n);
    GEOSGeometry *hull =
        concave ? GEOSConcaveHull_r(h, mp, ratio, 0) : GEOSConvexHull_r(h, mp);
    double a = -1;
    if (hull) GEOSArea_r(h, hull, &a);
    GEOSGeom_destroy_r(h, hull);
    GEOSGeom_destroy_r(h, mp);
    free(g);
    GEOS_finish_r(h);
    return a;
}

/* How many of the n points are further than tol from the outline (wkb),
 * and how many are outside it (*outside). */
static size_t beyond(const unsigned char *wkb, size_t size, const double *x,
                     const double *y, size_t n, double tol, size_t *outside) {
    GEOSContextHandle_t h = GEOS_init_r();
    GEOSWKBReader *r = GEOSWKBReader_create_r(h);
    GEOSGeometry *g = GEOSWKBReader_read_r(h, r, wkb, size);
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, g);
    size_t far = 0;
    *outside = 0;
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, x[i], y[i]);
        double d = 0;
        if (!GEOSPreparedCovers_r(h, pg, p)) {
            ++*outside;
            GEOSPreparedDistance_r(h, pg, p, &d);
        }
        far += d > tol;
        GEOSGeom_destroy_r(h, p);
    }
    GEOSPreparedGeom_destroy_r(h, pg);
    GEOSGeom_destroy_r(h, g);
    GEOSWKBReader_destroy_r(h, r);
    GEOS_finish_r(h);
    return far;
}

/* A cluster of 30,000 events at 28,000 locations (over the 10,000
 * outlined from all; sorted by the radix sort): the concave outline comes
 * from a bounded subset. Every location is within outline_tol_m of it (the
 * documented bound), almost all inside it, and its area is close to
 * GEOS's concave hull of every point; the convex outline is exact; input
 * order changes nothing. */
TEST(big_cluster_bounded) {
    enum { N = 30000, REPEATS = 2000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    double *rx = calloc(N, sizeof *rx), *ry = calloc(N, sizeof *ry);
    c_shape(N - REPEATS, x, y);
    for (size_t i = N - REPEATS; i < N; i++) /* events at the same place */
        x[i] = x[7 * (i - (N - REPEATS))], y[i] = y[7 * (i - (N - REPEATS))];
    for (size_t i = 0; i < N; i++) rx[i] = x[N - 1 - i], ry[i] = y[N - 1 - i];
    const double ratios[] = {0.5, 0.1};
    for (int k = 0; k < 2; k++) {
        vemt_outline_opts o = {.concave_ratio = ratios[k]};
        vemt_clusters c, cr;
        CHECK_STATUS(summarise(x, y, NULL, NULL, N, &o, &c), VEMT_OK);
        CHECK_STATUS(summarise(rx, ry, NULL, NULL, N, &o, &cr), VEMT_OK);
        const vemt_cluster *q = &c.items[0];
        CHECK_INT_EQ(q->n_events, N);
        CHECK_INT_EQ(q->n_locations, N - REPEATS);
        /* Cells of 2000 m / 128 (6,000-odd occupied): diagonal 22.1 m. */
        CHECK_NEAR(q->outline_tol_m, 2000.0 / 128 * sqrt(2), 1);
        size_t outside = 0;
        CHECK_INT_EQ(
            beyond(q->wkb, q->wkb_size, x, y, N, q->outline_tol_m, &outside),
            0);
        double full = full_hull_area(x, y, N, true, ratios[k]);
        CHECK(outside <= N / 1000);
        /* Measured: 1 point of 30,000 outside, areas within 0.003 %. */
        CHECK_NEAR(q->area_m2, full, 1e-3 * full);
        CHECK(wkb_area(q->wkb, q->wkb_size) > 0);
        CHECK_INT_EQ(cr.items[0].wkb_size, q->wkb_size);
        CHECK(cr.items[0].wkb_size == q->wkb_size &&
              !memcmp(cr.items[0].wkb, q->wkb, q->wkb_size));
        vemt_clusters_clear(&c);
        vemt_clusters_clear(&cr);
    }
    vemt_outline_opts o = {.hull = VEMT_HULL_CONVEX};
    vemt_clusters c;
    CHECK_STATUS(summarise(x, y, NULL, NULL, N, &o, &c), VEMT_OK);
    CHECK(c.items[0].outline_tol_m == 0);
    double full = full_hull_area(x, y, N, false, 0);
    CHECK_NEAR(c.items[0].area_m2, full, 1e-9 * full);
    vemt_clusters_clear(&c);
    free(x), free(y), free(rx), free(ry);
}

/* Up to 10,000 locations the outline is GEOS's hull of all of them. */
TEST(cap_keeps_small_clusters) {
    enum { N = 10000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    c_shape(N, x, y);
    vemt_outline_opts o = {.concave_ratio = 0.1};
    vemt_clusters c;
    CHECK_STATUS(summarise(x, y, NULL, NULL, N, &o, &c), VEMT_OK);
    CHECK(c.items[0].outline_tol_m == 0);
    double full = full_hull_area(x, y, N, true, 0.1);
    CHECK_NEAR(c.items[0].area_m2, full, 1e-9 * full);
    vemt_clusters_clear(&c);
    free(x), free(y);
}

/* 20,000 locations on one line: the bounded subset is on it too, so both
 * outlines are the 25 m buffer of the whole segment (as in
 * buffer_without_area). */
TEST(big_collinear) {
    enum { N = 20000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    for (size_t i = 0; i < N; i++) x[i] = (double)i, y[i] = 2.0 * (double)i;
    double len = sqrt(5.0) * (N - 1), disc = 16 * 625 * sin(PI / 16);
    for (int hull = 0; hull < 2; hull++) {
        vemt_outline_opts o = {.hull = (vemt_hull)hull};
        vemt_clusters c;
        CHECK_STATUS(summarise(x, y, NULL, NULL, N, &o, &c), VEMT_OK);
        CHECK_INT_EQ(c.items[0].n_locations, N);
        CHECK_NEAR(c.items[0].area_m2, len * 50 + disc, 1e-6 * len);
        vemt_clusters_clear(&c);
    }
    free(x), free(y);
}

TEST_SUITE(outline) {
    RUN(square);
    RUN(concave_l);
    RUN(buffer_without_area);
    RUN(times_and_busiest_window);
    RUN(labels);
    RUN(big_cluster_bounded);
    RUN(cap_keeps_small_clusters);
    RUN(big_collinear);
}
