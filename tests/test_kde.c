/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_kde.c
 * @brief Kernel density: each kernel integrates to the number of events
 * (1 %), weights, the raster's north-up layout, the peak on a planted blob,
 * the k-nearest-neighbour bandwidth by hand and by numpy, Silverman's
 * bandwidth computed by hand, and the argument checks.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "tests/test.h"

/* A deterministic stream in [0, 1) (Knuth's MMIX LCG, high bits). */
static double lcg(uint64_t *s) {
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Standard normal by Box-Muller. */
static double gauss(uint64_t *s) {
    double u = lcg(s), v = lcg(s);
    return sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v);
}

static double integral(const vemt_raster *r) {
    double sum = 0;
    for (size_t k = 0; k < (size_t)r->ncol * (size_t)r->nrow; k++)
        sum += (double)r->values[k];
    return sum * r->pixel_m * r->pixel_m / 1e6; /* per km^2 x km^2 */
}

/* 500 points in a 2 km square; the raster reaches past every kernel. */
/* The automatic bandwidth, or -1 when the call fails. */
static double auto_bw(const vemt_points *p, vemt_kernel kernel) {
    double h = -1;
    return vemt_kde_silverman_bandwidth(p, kernel, &h, NULL, 0) ? -1 : h;
}

TEST(integrates_to_n) {
    enum { N = 500 };
    double x[N], y[N], w[N];
    uint64_t s = 1;
    for (int i = 0; i < N; i++) {
        x[i] = 400000 + 2000 * lcg(&s);
        y[i] = 500000 + 2000 * lcg(&s);
        w[i] = 2;
    }
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {N, x, y, NULL, NULL, NULL};
    for (int k = 0; k <= VEMT_KERNEL_GAUSSIAN; k++) {
        vemt_kde_opts o = {(vemt_kernel)k, 300, 0, NULL};
        vemt_raster r;
        double h = 0;
        CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, &h, NULL, 0), VEMT_OK);
        CHECK_NEAR(h, 300, 0);
        CHECK(r.pixel_m > 0 && r.pixel_m <= 60); /* extent / 250 or h / 5 */
        CHECK_NEAR(integral(&r), N, 0.01 * N);
        vemt_raster_clear(&r);
        o.pixel_m = 60; /* the coarsest automatic pixel: bandwidth / 5 */
        CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_OK);
        CHECK_NEAR(integral(&r), N, 0.01 * N);
        vemt_raster_clear(&r);
        o.pixel_m = 0;
        p.weight = w; /* weights 2: twice the mass */
        CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_OK);
        CHECK_NEAR(integral(&r), 2 * N, 0.02 * N);
        vemt_raster_clear(&r);
        p.weight = NULL;
    }
    vemt_ctx_destroy(ctx);
}

/* One point, an explicit extent: row 0 is the north edge, columns run
 * east, pixel (c, r) has its centre at x0 + (c + 0.5) p, y0 - (r + 0.5) p. */
TEST(north_up_layout) {
    const double x[] = {1000}, y[] = {2000};
    vemt_bbox e = {900, 1900, 1100, 2300};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {1, x, y, NULL, NULL, NULL};
    vemt_kde_opts o = {VEMT_KERNEL_QUARTIC, 100, 10, &e};
    vemt_raster r;
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_OK);
    CHECK_NEAR(r.x0, 900, 0);
    CHECK_NEAR(r.y0, 2300, 0);
    CHECK_INT_EQ(r.ncol, 20);
    CHECK_INT_EQ(r.nrow, 40);
    size_t best = 0;
    for (size_t k = 1; k < 800; k++)
        if (r.values[k] > r.values[best]) best = k;
    CHECK_INT_EQ(best / 20, 29); /* y = 2300 - 29.5 x 10 = 2005 */
    CHECK_INT_EQ(best % 20, 9);  /* x = 900 + 9.5 x 10 = 995 */
    /* Quartic at 50^0.5 m: 3 / (pi 100^2) (1 - 50 / 100^2)^2 per m^2. */
    double want = 3 / (3.14159265358979323846 * 1e4) * pow(1 - 0.005, 2) * 1e6;
    CHECK_NEAR((double)r.values[best], want, 1e-5 * want);
    CHECK_NEAR((double)r.values[0], 0,
               0); /* the north-west corner is out of reach */
    vemt_raster_clear(&r);
    vemt_ctx_destroy(ctx);
}

/* A blob of 150 events (sd 100 m) among 300 spread over 10 km: the
 * densest pixel is at the blob. */
TEST(peak_on_planted_blob) {
    enum { N = 450 };
    double x[N], y[N];
    uint64_t s = 7;
    for (int i = 0; i < N; i++) {
        if (i < 150) {
            x[i] = 463000 + 100 * gauss(&s);
            y[i] = 521000 + 100 * gauss(&s);
        } else {
            x[i] = 458000 + 10000 * lcg(&s);
            y[i] = 516000 + 10000 * lcg(&s);
        }
    }
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {N, x, y, NULL, NULL, NULL};
    vemt_kde_opts o = {VEMT_KERNEL_QUARTIC, 0, 0, NULL};
    vemt_raster r;
    double h;
    char rule[512];
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, &h, rule, sizeof rule),
                 VEMT_OK);
    CHECK(strstr(rule, "Williamson") && strstr(rule, "pixel"));
    size_t best = 0;
    for (size_t k = 1; k < (size_t)r.ncol * (size_t)r.nrow; k++)
        if (r.values[k] > r.values[best]) best = k;
    double bx = r.x0 + ((double)(best % (size_t)r.ncol) + 0.5) * r.pixel_m;
    double by = r.y0 - ((double)(best / (size_t)r.ncol) + 0.5) * r.pixel_m;
    CHECK(hypot(bx - 463000, by - 521000) < 100);
    vemt_raster_clear(&r);
    vemt_ctx_destroy(ctx);
}

/* 25 points on a 5 x 5 lattice of 1 m: each axis has sd sqrt(50 / 24) and
 * IQR 2 (quartiles 1 and 3), so sigma = sd; Silverman's h = A(K) sigma
 * 25^(-1/6), A = 1 (Gaussian) and 460.8^(1/6) (quartic: 4 pi R(K) /
 * mu2^2 with R = 9 / (5 pi), mu2 = 1/8). */
TEST(silverman_bandwidth) {
    double x[25], y[25];
    for (int i = 0; i < 25; i++) x[i] = i % 5, y[i] = i / 5;
    vemt_points p = {25, x, y, NULL, NULL, NULL};
    double sd = sqrt(50.0 / 24.0), g = sd * pow(25, -1.0 / 6);
    CHECK_NEAR(auto_bw(&p, VEMT_KERNEL_GAUSSIAN), g, 1e-12);
    CHECK_NEAR(auto_bw(&p, VEMT_KERNEL_QUARTIC), pow(460.8, 1.0 / 6) * g,
               1e-12);
    CHECK_NEAR(auto_bw(&p, VEMT_KERNEL_UNIFORM), 2 * g, 1e-12);
    p.n = 1;
    CHECK_NEAR(auto_bw(&p, VEMT_KERNEL_QUARTIC), 0, 0);
}

/* The default bandwidth (Williamson et al. 1998): the mean distance from
 * each distinct place to its 5th nearest other place. */
static double knn_bw(const vemt_points *p) {
    double h = -1;
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return -1;
    vemt_status st = vemt_kde_auto_bandwidth(ctx, p, &h, NULL, 0);
    vemt_ctx_destroy(ctx);
    return st ? -1 : h;
}

TEST(knn_bandwidth) {
    /* By hand: a 5 x 5 lattice of 1 m, every point twice (coincident
     * points count once) and a point of weight 0 far off (left out). The
     * 5th nearest other place is sqrt 2 away for the 21 interior and edge
     * points (4 or 3 at 1 m, then the diagonals) and 2 m for the 4 corners
     * (2 at 1 m, 1 at sqrt 2, 2 at 2 m): (21 sqrt 2 + 8) / 25. */
    double x[51], y[51], w[51];
    for (int i = 0; i < 50; i++) x[i] = i % 5, y[i] = (i % 25) / 5, w[i] = 1;
    x[50] = 1e5, y[50] = 1e5, w[50] = 0;
    vemt_points p = {51, x, y, NULL, NULL, w};
    CHECK_NEAR(knn_bw(&p), (21 * sqrt(2.0) + 8) / 25, 1e-12);
    char rule[300];
    double h;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_STATUS(vemt_kde_auto_bandwidth(ctx, &p, &h, rule, sizeof rule),
                 VEMT_OK);
    vemt_ctx_destroy(ctx);
    CHECK(strstr(rule, "25 distinct places (of 50 points)") &&
          strstr(rule, "5th nearest") && strstr(rule, "Williamson"));
    /* numpy (independent: unique rows, brute-force distances, sorted, the
     * 6th column counting the point itself), for x_i = ((37 i) mod 101) 3.7
     * + (i mod 3) 250, y_i = ((61 i) mod 97) 2.3, i < 60, and points 0..9
     * again: np.sqrt(((u[:,None]-u[None])**2).sum(-1)); d.sort(1);
     * d[:,5].mean() = 71.72050130764141. */
    double a[70], b[70];
    for (int i = 0; i < 70; i++) {
        int j = i < 60 ? i : i - 60;
        a[i] = ((37 * j) % 101) * 3.7 + (j % 3) * 250.0;
        b[i] = ((61 * j) % 97) * 2.3;
    }
    vemt_points q = {70, a, b, NULL, NULL, NULL};
    CHECK_NEAR(knn_bw(&q), 71.72050130764141, 1e-9);
    /* Two places: k falls to 1, the distance between them; one: none. */
    vemt_points two = {2, x, y, NULL, NULL, NULL};
    CHECK_NEAR(knn_bw(&two), 1, 0);
    two.n = 1;
    CHECK_NEAR(knn_bw(&two), 0, 0);
}

/* Two blobs of 60 events 400 km apart (a stray far event does the same):
 * the k-nearest-neighbour bandwidth is tens of metres, so bandwidth / 5
 * would ask for ~10^10 pixels; the automatic pixel is raised to keep the
 * raster within 10 million pixels, and the rule says so. */
TEST(auto_pixel_fits_a_large_extent) {
    enum { N = 120 };
    double x[N], y[N];
    uint64_t s = 11;
    for (int i = 0; i < N; i++) {
        x[i] = (i < 60 ? 100000 : 500000) + 50 * gauss(&s);
        y[i] = (i < 60 ? 100000 : 500000) + 50 * gauss(&s);
    }
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {N, x, y, NULL, NULL, NULL};
    vemt_kde_opts o = {VEMT_KERNEL_QUARTIC, 0, 0, NULL};
    vemt_raster r;
    double h;
    char rule[512];
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, &h, rule, sizeof rule),
                 VEMT_OK);
    CHECK(h < 100);
    CHECK(strstr(rule, "raised to keep the raster within 10 million pixels"));
    CHECK((double)r.ncol * (double)r.nrow <= 10.1e6);
    CHECK(r.pixel_m > 120 && r.pixel_m < 130); /* sqrt(400 km^2 / 10^7) */
    vemt_raster_clear(&r);
    vemt_ctx_destroy(ctx);
}

TEST(bad_arguments) {
    const double x[] = {0, 1e5}, y[] = {0, 1e5}, w[] = {1, -1};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {1, x, y, NULL, NULL, NULL};
    vemt_raster r;
    vemt_kde_opts o = {VEMT_KERNEL_QUARTIC, 0, 0, NULL};
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_E_ARG);
    p.n = 2;
    o.bandwidth_m = 100;
    o.pixel_m = 0.5; /* 200,000 x 200,000 pixels */
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_E_ARG);
    CHECK(r.values == NULL);
    o.pixel_m = 0;
    p.weight = w;
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_E_ARG);
    o.kernel = (vemt_kernel)9;
    p.weight = NULL;
    CHECK_STATUS(vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(kde) {
    RUN(integrates_to_n);
    RUN(north_up_layout);
    RUN(peak_on_planted_blob);
    RUN(silverman_bandwidth);
    RUN(knn_bandwidth);
    RUN(auto_pixel_fits_a_large_extent);
    RUN(bad_arguments);
}
