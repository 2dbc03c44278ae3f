/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_knn_dist.c
 * @brief The k-th nearest-neighbour distances of every point
 * (vemt_kdtree_kth_all), run on one and on two threads: equal, bit for
 * bit, to a brute-force O(n^2) reference on random points with tied
 * distances and coincident points, for both arithmetics; the nearest
 * neighbour it picks is the one vemt_weights_knn picks; the k-d tree
 * built on two threads is the one built on one (the automatic cell
 * size's mean, Clark & Evans 1954, is unchanged); and the automatic density
 * bandwidth (Williamson et al. 1998) equals the serial sum of
 * vemt_kdtree_kth_d2 over the tree that it used to be.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/kdtree.h"
#include "engine/points.h"
#include "tests/test.h"

/* A deterministic stream (Knuth's MMIX LCG, high bits). */
static uint64_t next(uint64_t *s) {
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 33;
}

/* n points: most on a 40 x 40 lattice of 2.5 m (many tied distances, and
 * repeated draws land on the same place: coincident points), the rest
 * anywhere in the square, in random order. */
static void make_points(size_t n, uint64_t seed, double *x, double *y) {
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        if (next(&s) % 4) {
            x[i] = 2.5 * (double)(next(&s) % 40);
            y[i] = 2.5 * (double)(next(&s) % 40);
        } else {
            x[i] = (double)(next(&s) % 100000) / 1000.0;
            y[i] = (double)(next(&s) % 100000) / 1000.0;
        }
    }
}

/* By brute force: the k-th nearest other point of i in order of squared
 * distance and then of index. */
static size_t brute_kth(const double *x, const double *y, size_t n, size_t i,
                        size_t k) {
    size_t best[VEMT_KDTREE_KTH_MAX];
    double bd[VEMT_KDTREE_KTH_MAX];
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        if (j == i) continue;
        double dx = x[i] - x[j], dy = y[i] - y[j], d2 = dx * dx + dy * dy;
        /* j rises, so an equal distance never displaces a kept one. */
        if (m == k && !(d2 < bd[k - 1])) continue;
        size_t at = m < k ? m++ : k - 1;
        while (at > 0 && bd[at - 1] > d2) {
            bd[at] = bd[at - 1];
            best[at] = best[at - 1];
            at--;
        }
        bd[at] = d2;
        best[at] = j;
    }
    return best[k - 1];
}

/* The distances at 1 and 2 threads, both equal to the brute-force ones. */
static void check_against_brute(test_state *t_, const double *x,
                                const double *y, size_t n, size_t k,
                                vemt_kth_dist how) {
    vemt_ctx *ctx;
    vemt_kdtree *t;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_STATUS(vemt_kdtree_create(NULL, x, y, n, &t), VEMT_OK);
    double *d1 = calloc(n, sizeof *d1), *d2 = calloc(n, sizeof *d2);
    double *ref = calloc(n, sizeof *ref);
    CHECK(d1 && d2 && ref);
    for (size_t i = 0; i < n; i++) {
        size_t j = brute_kth(x, y, n, i, k);
        double dx = x[i] - x[j], dy = y[i] - y[j];
        ref[i] =
            how == VEMT_KTH_HYPOT ? hypot(dx, dy) : sqrt(dx * dx + dy * dy);
    }
    vemt_ctx_set_threads(ctx, 1);
    CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, k, how, "test", d1), VEMT_OK);
    vemt_ctx_set_threads(ctx, 2);
    CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, k, how, "test", d2), VEMT_OK);
    CHECK(memcmp(d1, d2, n * sizeof *d1) == 0);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += memcmp(&d1[i], &ref[i], sizeof *d1);
    CHECK_INT_EQ(bad, 0);
    free(d1), free(d2), free(ref);
    vemt_kdtree_destroy(t);
    vemt_ctx_destroy(ctx);
}

TEST(equals_brute_force) {
    enum { N = 3000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    CHECK(x && y);
    make_points(N, 7, x, y);
    /* The lattice does hold coincident points and ties. */
    size_t same = 0;
    for (size_t i = 1; i < N; i++) same += x[i] == x[0] && y[i] == y[0];
    CHECK(same > 0);
    const size_t ks[] = {1, 2, 5, 9};
    for (size_t a = 0; a < sizeof ks / sizeof *ks; a++) {
        check_against_brute(t_, x, y, N, ks[a], VEMT_KTH_HYPOT);
        check_against_brute(t_, x, y, N, ks[a], VEMT_KTH_SQRT);
    }
    /* Every point at one place: each distance is 0. */
    for (size_t i = 0; i < 20; i++) x[i] = y[i] = 3;
    check_against_brute(t_, x, y, 20, 5, VEMT_KTH_HYPOT);
    free(x), free(y);
}

/* Two neighbours at the same squared distance in double precision whose
 * hypot differs (by one unit in the last place): (0.1, 1.3) and (0.7, 1.1)
 * from the origin, each as i * 0.1 with i = 1, 13, 7, 11 (1 + 169 = 49 +
 * 121; found by search). The lower index is the nearest, in either order,
 * as vemt_weights_knn has it, so hypot is taken of the same difference as
 * before. */
TEST(tie_goes_to_lower_index) {
    double ax = 1 * 0.1, ay = 13 * 0.1, bx = 7 * 0.1, by = 11 * 0.1;
    CHECK(ax * ax + ay * ay == bx * bx + by * by);
    CHECK(hypot(ax, ay) != hypot(bx, by));
    for (int order = 0; order < 2; order++) {
        enum { N = 40 };
        double x[N], y[N], d[N], xy[2 * N];
        x[0] = y[0] = 0;
        x[1] = order ? bx : ax, y[1] = order ? by : ay;
        x[2] = order ? ax : bx, y[2] = order ? ay : by;
        for (int i = 3; i < N; i++) x[i] = 100 + i, y[i] = -50 + 3 * i;
        for (int i = 0; i < N; i++) xy[2 * i] = x[i], xy[2 * i + 1] = y[i];
        vemt_ctx *ctx;
        vemt_kdtree *t;
        vemt_weights *w;
        CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
        CHECK_STATUS(vemt_kdtree_create(NULL, x, y, N, &t), VEMT_OK);
        CHECK_STATUS(vemt_weights_knn(ctx, xy, N, 1, false, &w), VEMT_OK);
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, 0, &nb, &k);
        CHECK_INT_EQ(nb[0], 1);
        for (unsigned th = 1; th <= 2; th++) {
            vemt_ctx_set_threads(ctx, th);
            CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, 1, VEMT_KTH_HYPOT, "t", d),
                         VEMT_OK);
            double expect = hypot(0 - x[1], 0 - y[1]);
            CHECK(memcmp(&d[0], &expect, sizeof expect) == 0);
        }
        vemt_weights_destroy(w);
        vemt_kdtree_destroy(t);
        vemt_ctx_destroy(ctx);
    }
}

/* The tree built a level at a time on 2 threads is the serial one. */
TEST(tree_same_on_threads) {
    enum { N = 20000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    CHECK(x && y);
    make_points(N, 5, x, y);
    vemt_ctx *ctx;
    vemt_kdtree *a, *b;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_ctx_set_threads(ctx, 2);
    CHECK_STATUS(vemt_kdtree_create(NULL, x, y, N, &a), VEMT_OK);
    CHECK_STATUS(vemt_kdtree_create(ctx, x, y, N, &b), VEMT_OK);
    CHECK_INT_EQ(b->nnodes, a->nnodes);
    CHECK(a->nnodes > 2 * N / 8);
    size_t nn = a->nnodes;
    CHECK(!memcmp(a->box, b->box, 4 * nn * sizeof *a->box));
    CHECK(!memcmp(a->lo, b->lo, nn * sizeof *a->lo));
    CHECK(!memcmp(a->hi, b->hi, nn * sizeof *a->hi));
    CHECK(!memcmp(a->kid, b->kid, nn * sizeof *a->kid));
    CHECK(!memcmp(a->up, b->up, nn * sizeof *a->up));
    CHECK(!memcmp(a->id, b->id, N * sizeof *a->id));
    CHECK(!memcmp(a->leaf, b->leaf, N * sizeof *a->leaf));
    CHECK(!memcmp(a->x, b->x, N * sizeof *a->x));
    CHECK(!memcmp(a->y, b->y, N * sizeof *a->y));
    vemt_kdtree_destroy(a);
    vemt_kdtree_destroy(b);
    vemt_ctx_destroy(ctx);
    free(x), free(y);
}

TEST(bad_k) {
    double x[3] = {0, 1, 2}, y[3] = {0, 0, 0}, d[3];
    vemt_ctx *ctx;
    vemt_kdtree *t;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_STATUS(vemt_kdtree_create(NULL, x, y, 3, &t), VEMT_OK);
    CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, 0, VEMT_KTH_SQRT, "t", d),
                 VEMT_E_ARG);
    CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, 3, VEMT_KTH_SQRT, "t", d),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "got k = 3 for 3 points"));
    CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, 2, VEMT_KTH_SQRT, "t", d),
                 VEMT_OK);
    CHECK(d[0] == 2 && d[1] == 1 && d[2] == 2);
    vemt_kdtree_destroy(t);
    vemt_ctx_destroy(ctx);
}

/* The automatic cell size's mean nearest-neighbour distance as it was
 * computed before (engine/grid.c until this change): the neighbour from
 * vemt_weights_knn, hypot of the difference, summed in index order. */
TEST(cell_size_mean_as_before) {
    enum { N = 5000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    double *xy = calloc(2 * N, sizeof *xy), *d = calloc(N, sizeof *d);
    CHECK(x && y && xy && d);
    make_points(N, 11, x, y);
    for (size_t i = 0; i < N; i++) xy[2 * i] = x[i], xy[2 * i + 1] = y[i];
    size_t n = vemt_xy_distinct(xy, N, NULL); /* as grid.c feeds it */
    for (size_t i = 0; i < n; i++) x[i] = xy[2 * i], y[i] = xy[2 * i + 1];
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_kdtree *t;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_STATUS(vemt_weights_knn(ctx, xy, n, 1, false, &w), VEMT_OK);
    CHECK_STATUS(vemt_kdtree_create(NULL, x, y, n, &t), VEMT_OK);
    double old = 0;
    size_t differ = 0;
    for (unsigned th = 1; th <= 2; th++) {
        vemt_ctx_set_threads(ctx, th);
        CHECK_STATUS(vemt_kdtree_kth_all(ctx, t, 1, VEMT_KTH_HYPOT, "t", d),
                     VEMT_OK);
        double sum = 0;
        old = 0;
        for (size_t i = 0; i < n; i++) {
            const size_t *nb;
            size_t k;
            vemt_weights_neighbours(w, i, &nb, &k);
            double o = hypot(xy[2 * i] - xy[2 * nb[0]],
                             xy[2 * i + 1] - xy[2 * nb[0] + 1]);
            differ += memcmp(&o, &d[i], sizeof o) != 0;
            old += o;
            sum += d[i];
        }
        CHECK_INT_EQ(differ, 0);
        CHECK(memcmp(&old, &sum, sizeof sum) == 0);
    }
    CHECK(old > 0);
    vemt_kdtree_destroy(t);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
    free(x), free(y), free(xy), free(d);
}

/* The automatic density bandwidth as it was computed before (engine/kde.c
 * until this change): the serial sum of sqrt(vemt_kdtree_kth_d2) over the
 * tree's positions of the distinct places, / their number. */
TEST(bandwidth_as_before) {
    enum { N = 4000 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    double *xy = calloc(2 * N, sizeof *xy);
    double *tx = calloc(N, sizeof *tx), *ty = calloc(N, sizeof *ty);
    CHECK(x && y && xy && tx && ty);
    make_points(N, 23, x, y);
    for (size_t i = 0; i < N; i++) xy[2 * i] = x[i], xy[2 * i + 1] = y[i];
    size_t n = vemt_xy_distinct(xy, N, NULL);
    CHECK(n < N); /* coincident points were dropped */
    for (size_t i = 0; i < n; i++) tx[i] = xy[2 * i], ty[i] = xy[2 * i + 1];
    vemt_kdtree *t;
    CHECK_STATUS(vemt_kdtree_create(NULL, tx, ty, n, &t), VEMT_OK);
    double heap[VEMT_KDE_KNN_K], sum = 0;
    for (size_t p = 0; p < n; p++)
        sum += sqrt(vemt_kdtree_kth_d2(t, p, VEMT_KDE_KNN_K, heap));
    double old = sum / (double)n;
    vemt_kdtree_destroy(t);
    vemt_points pts = {N, x, y, NULL, NULL, NULL};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    for (unsigned th = 0; th <= 2; th++) { /* 0: every CPU */
        double h = -1;
        vemt_ctx_set_threads(ctx, th);
        CHECK_STATUS(vemt_kde_auto_bandwidth(ctx, &pts, &h, NULL, 0), VEMT_OK);
        CHECK(memcmp(&h, &old, sizeof h) == 0);
    }
    CHECK(old > 0);
    vemt_ctx_destroy(ctx);
    free(x), free(y), free(xy), free(tx), free(ty);
}

/* By x, then y (the order vemt_xy_distinct promises). */
static int by_xy(const void *a, const void *b) {
    const double *p = a, *q = b;
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
    return p[1] < q[1] ? -1 : p[1] > q[1];
}

TEST(distinct_by_radix_as_by_qsort) {
    /* Above 16,384 points vemt_xy_distinct sorts by radix: the same
     * locations, in the same order, with the same counts as a qsort and a
     * pass, here with negative coordinates and many coincident points. */
    enum { N = 60000 };
    double *xy = calloc(2 * N, sizeof *xy), *ref = calloc(2 * N, sizeof *ref);
    double *count = calloc(N, sizeof *count), *rc = calloc(N, sizeof *rc);
    CHECK(xy && ref && count && rc);
    if (!xy || !ref || !count || !rc) return;
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    CHECK(x && y);
    make_points(N, 31, x, y);
    for (size_t i = 0; i < N; i++) {
        xy[2 * i] = i % 3 ? x[i] : -x[i] - 1e6; /* both signs */
        xy[2 * i + 1] = y[i] + 450000.25;
    }
    memcpy(ref, xy, 2 * N * sizeof *xy);
    qsort(ref, N, 2 * sizeof *ref, by_xy);
    size_t m = 0;
    for (size_t i = 0; i < N; i++)
        if (m && !by_xy(&ref[2 * i], &ref[2 * (m - 1)])) {
            rc[m - 1] += 1;
        } else {
            ref[2 * m] = ref[2 * i], ref[2 * m + 1] = ref[2 * i + 1];
            rc[m++] = 1;
        }
    size_t n = vemt_xy_distinct(xy, N, count);
    CHECK_INT_EQ(n, m);
    CHECK(m < N / 2); /* coincident points met */
    CHECK(n == m && !memcmp(xy, ref, 2 * m * sizeof *xy));
    CHECK(n == m && !memcmp(count, rc, m * sizeof *count));
    free(xy), free(ref), free(count), free(rc), free(x), free(y);
}

TEST(sampled_mean_is_the_sample_mean) {
    /* Above `most` points the mean is of every stride-th point's distance
     * (by index), each to its k-th nearest among all the points: equal to
     * that mean by brute force, and the same on one and two threads. */
    enum { N = 3000, MOST = 700 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    double *xy = calloc(2 * N, sizeof *xy);
    CHECK(x && y && xy);
    if (!x || !y || !xy) return;
    make_points(N, 41, x, y);
    for (size_t i = 0; i < N; i++) xy[2 * i] = x[i], xy[2 * i + 1] = y[i];
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    for (size_t k = 1; k <= 5; k += 4) {
        vemt_kth_dist how = k == 1 ? VEMT_KTH_HYPOT : VEMT_KTH_SQRT;
        double sum = 0;
        size_t m = 0;
        for (size_t i = 0; i < N; i += 5) { /* ceil(3000 / 700) = 5 */
            size_t j = brute_kth(x, y, N, i, k);
            double dx = x[i] - x[j], dy = y[i] - y[j];
            sum +=
                how == VEMT_KTH_HYPOT ? hypot(dx, dy) : sqrt(dx * dx + dy * dy);
            m++;
        }
        double mean[2];
        size_t stride[2];
        for (unsigned th = 1; th <= 2; th++) {
            vemt_ctx_set_threads(ctx, th);
            CHECK_STATUS(
                vemt_kdtree_kth_mean(ctx, xy, N, k, how, true, MOST, "test",
                                     &mean[th - 1], &stride[th - 1]),
                VEMT_OK);
            CHECK_INT_EQ(stride[th - 1], 5);
        }
        CHECK(!memcmp(&mean[0], &mean[1], sizeof mean[0]));
        CHECK(!memcmp(&mean[0], &(double){sum / (double)m}, sizeof sum));
        /* Not sampled below `most`: every point, stride 1. */
        double all;
        size_t one;
        CHECK_STATUS(vemt_kdtree_kth_mean(ctx, xy, N, k, how, false, N, "test",
                                          &all, &one),
                     VEMT_OK);
        CHECK_INT_EQ(one, 1);
        CHECK(fabs(all - mean[0]) < 0.1 * all); /* a fair sample */
    }
    vemt_ctx_destroy(ctx);
    free(x), free(y), free(xy);
}

TEST_SUITE(knn_dist) {
    RUN(equals_brute_force);
    RUN(tie_goes_to_lower_index);
    RUN(tree_same_on_threads);
    RUN(bad_k);
    RUN(cell_size_mean_as_before);
    RUN(bandwidth_as_before);
    RUN(distinct_by_radix_as_by_qsort);
    RUN(sampled_mean_is_the_sample_mean);
}
