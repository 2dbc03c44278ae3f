/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_knn.c
 * @brief The two nearest-neighbour passes of a default run (issue 19): the
 * automatic cell size's mean nearest-neighbour distance and the automatic
 * density bandwidth's mean 5th-nearest distance, each over the distinct
 * event locations, as they were computed (one thread) and as
 * vemt_kdtree_kth_all computes them at 1 and 2 threads; the means must be
 * equal bit for bit.
 *
 *   bench_knn [POINTS.csv [REPS]]   columns easting, northing (e.g. the
 *       incidents.csv of vemt-fixtures); without a file, 1,000,000 points
 *       in 40 Gaussian blobs over 20 x 15 km (seed 1). REPS default 3.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/kdtree.h"
#include "engine/points.h"
#include "tests/bench/bench.h"
#include "tests/ref/csv_table.h"

static double lcg(uint64_t *s) {
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* xy pairs: from the CSV's easting and northing, or synthetic. */
static size_t load(const char *path, double **xy) {
    if (!path) {
        size_t n = 1000000;
        uint64_t s = 1;
        double cx[40], cy[40];
        *xy = malloc(2 * n * sizeof **xy);
        for (int c = 0; c < 40; c++)
            cx[c] = 20000 * lcg(&s), cy[c] = 15000 * lcg(&s);
        for (size_t i = 0; i < n; i++) {
            int c = (int)(40 * lcg(&s));
            double u = lcg(&s), v = lcg(&s);
            double r = 400 * sqrt(-2 * log(1 - u));
            /* snapped to the metre, as police.uk-like data are */
            (*xy)[2 * i] = floor(cx[c] + r * cos(6.283185307179586 * v));
            (*xy)[2 * i + 1] = floor(cy[c] + r * sin(6.283185307179586 * v));
        }
        return n;
    }
    csv_table tb;
    if (csv_table_load(path, &tb)) return 0;
    int cx = csv_col(&tb, "easting"), cy = csv_col(&tb, "northing");
    *xy = malloc(2 * (tb.rows + 1) * sizeof **xy);
    size_t n = 0;
    for (size_t i = 0; cx >= 0 && cy >= 0 && i < tb.rows; i++) {
        char *e1, *e2;
        double x = strtod(csv_get(&tb, i, cx), &e1);
        double y = strtod(csv_get(&tb, i, cy), &e2);
        /* empty, not a number or 0 (a null): rejected, as ingest does */
        if (*e1 || *e2 || e1 == csv_get(&tb, i, cx) ||
            e2 == csv_get(&tb, i, cy) || !isfinite(x) || !isfinite(y) ||
            x == 0 || y == 0)
            continue;
        (*xy)[2 * n] = x, (*xy)[2 * n + 1] = y;
        n++;
    }
    csv_table_free(&tb);
    return n;
}

/* The cell size's mean as grid.c computed it before: vemt_weights_knn. */
static double old_cell_mean(vemt_ctx *ctx, const double *xy, size_t n) {
    vemt_weights *w;
    if (vemt_weights_knn(ctx, xy, n, 1, false, &w)) return -1;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        sum +=
            hypot(xy[2 * i] - xy[2 * nb[0]], xy[2 * i + 1] - xy[2 * nb[0] + 1]);
    }
    vemt_weights_destroy(w);
    return sum / (double)n;
}

/* The same mean as grid.c computes it now (tree included). */
static double new_cell_mean(vemt_ctx *ctx, const double *x, const double *y,
                            size_t n, double *d) {
    vemt_kdtree *t;
    if (vemt_kdtree_create(ctx, x, y, n, &t)) return -1;
    double sum = 0;
    if (vemt_kdtree_kth_all(ctx, t, 1, VEMT_KTH_HYPOT, "bench", d)) sum = NAN;
    vemt_kdtree_destroy(t);
    for (size_t i = 0; i < n; i++) sum += d[i];
    return sum / (double)n;
}

/* The bandwidth as kde.c computed it before: a serial loop on the tree. */
static double old_bandwidth(const double *x, const double *y, size_t n) {
    vemt_kdtree *t;
    if (vemt_kdtree_create(NULL, x, y, n, &t)) return -1;
    double heap[VEMT_KDE_KNN_K], sum = 0;
    for (size_t p = 0; p < n; p++)
        sum += sqrt(vemt_kdtree_kth_d2(t, p, VEMT_KDE_KNN_K, heap));
    vemt_kdtree_destroy(t);
    return sum / (double)n;
}

int main(int argc, char **argv) {
    double *xy = NULL;
    size_t m = load(argc > 1 ? argv[1] : NULL, &xy);
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (m < 2) {
        fprintf(stderr, "bench_knn: no points\n");
        return 1;
    }
    /* The pipeline's points: every event (the bandwidth dedupes them
     * itself); the cell size's: the distinct locations. */
    double *px = malloc(m * sizeof *px), *py = malloc(m * sizeof *py);
    for (size_t i = 0; i < m; i++) px[i] = xy[2 * i], py[i] = xy[2 * i + 1];
    size_t n = vemt_xy_distinct(xy, m, NULL);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *d = malloc(n * sizeof *d);
    for (size_t i = 0; i < n; i++) x[i] = xy[2 * i], y[i] = xy[2 * i + 1];
    printf("%zu points, %zu distinct locations\n", m, n);
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return 1;
    double best, a = 0, b[3] = {0}, c = 0, e[3] = {0};
    for (unsigned th = 0; th <= 2; th++) { /* 0: serial (no context) */
        char name[64];
        snprintf(name, sizeof name, "k-d tree build: %s%u thread%s",
                 th ? "" : "before, ", th ? th : 1, th > 1 ? "s" : "");
        vemt_ctx_set_threads(ctx, th ? th : 1);
        BENCH(name, reps, best, {
            vemt_kdtree *t;
            if (!vemt_kdtree_create(th ? ctx : NULL, x, y, n, &t))
                vemt_kdtree_destroy(t);
        });
    }
    BENCH("distinct locations (1 thread)", reps, best, {
        double *q = malloc(2 * m * sizeof *q);
        for (size_t i = 0; i < m; i++) q[2 * i] = px[i], q[2 * i + 1] = py[i];
        vemt_xy_distinct(q, m, NULL);
        free(q);
    });
    BENCH("cell size mean nn: before (1 thread)", reps, best,
          a = old_cell_mean(ctx, xy, n));
    for (unsigned th = 1; th <= 2; th++) {
        char name[64];
        snprintf(name, sizeof name, "cell size mean nn: now, %u thread%s", th,
                 th > 1 ? "s" : "");
        vemt_ctx_set_threads(ctx, th);
        BENCH(name, reps, best, b[th] = new_cell_mean(ctx, x, y, n, d));
    }
    vemt_points pts = {m, px, py, NULL, NULL, NULL};
    /* The old bandwidth: deduplication as knn_bandwidth does it, then the
     * serial loop (the dedup is in both). */
    BENCH("bandwidth 5th nn: before (1 thread)", reps, best, {
        double *q = malloc(2 * m * sizeof *q);
        for (size_t i = 0; i < m; i++) q[2 * i] = px[i], q[2 * i + 1] = py[i];
        size_t k = vemt_xy_distinct(q, m, NULL);
        double *qx = malloc(k * sizeof *qx), *qy = malloc(k * sizeof *qy);
        for (size_t i = 0; i < k; i++) qx[i] = q[2 * i], qy[i] = q[2 * i + 1];
        free(q);
        c = old_bandwidth(qx, qy, k);
        free(qx), free(qy);
    });
    for (unsigned th = 1; th <= 2; th++) {
        char name[64];
        snprintf(name, sizeof name, "bandwidth 5th nn: now, %u thread%s", th,
                 th > 1 ? "s" : "");
        vemt_ctx_set_threads(ctx, th);
        BENCH(name, reps, best,
              vemt_kde_auto_bandwidth(ctx, &pts, &e[th], NULL, 0));
    }
    int same = !memcmp(&a, &b[1], sizeof a) && !memcmp(&a, &b[2], sizeof a) &&
               !memcmp(&c, &e[1], sizeof c) && !memcmp(&c, &e[2], sizeof c);
    printf("cell size mean nn %.17g (now %.17g, %.17g)\n", a, b[1], b[2]);
    printf("bandwidth %.17g (now %.17g, %.17g)\n", c, e[1], e[2]);
    printf("%s\n", same ? "identical" : "DIFFERENT");
    (void)best;
    vemt_ctx_destroy(ctx);
    free(xy), free(px), free(py), free(x), free(y), free(d);
    return same ? 0 : 1;
}
