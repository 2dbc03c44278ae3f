/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_cluster_alloc.c
 * @brief Allocation failures along every path of the point-cluster and
 * density modules (h3 testH3Memory.c; SQLite's anomaly tests): the modules
 * are compiled into this test with VEMT_ALLOC_TEST, so allocation number N
 * fails, for N = 1, 2, ... until a call completes; each failing call must
 * return VEMT_E_NOMEM and leave its outputs clean, and nothing may leak
 * (ASan's leak check in the sanitizer build).
 */
#define VEMT_ALLOC_TEST
#include "engine/dbscan.c"
#include "engine/hdbscan.c"
#include "engine/hdbtree.c"
#include "engine/kde.c"
#include "engine/kdtree.c"
#include "engine/outline.c"
#include "engine/points.c"
#include "engine/stindex.c"
#include "tests/alloc_fail.h"
#include "tests/test.h"

enum { N = 300 };

typedef struct fixture {
    double x[N], y[N];
    int64_t t[N];
    int32_t lab[N];
    double a[N], b[N];
    bool core[N];
} fixture;

static void make_points(fixture *f) {
    for (int i = 0; i < N; i++) {
        f->x[i] = 1000 + (i % 3) * 500 + (i * 37 % 41);
        f->y[i] = 2000 + (i * 53 % 47);
        f->t[i] = (int64_t)i * 3600;
    }
}

static vemt_status do_dbscan(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_points p = {N, f->x, f->y, f->t, NULL, NULL};
    vemt_dbscan_opts o = {60, 5, false, 0, false, NULL, false};
    size_t k;
    return vemt_dbscan_compute(ctx, &p, &o, f->lab, f->core, &k);
}

static vemt_status do_stdbscan(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    uint8_t prec[N] = {VEMT_PREC_MONTH}; /* one left out: the packed path */
    vemt_points p = {N, f->x, f->y, f->t, prec, NULL};
    vemt_dbscan_opts o = {60, 3, true, 86400, false, NULL, false};
    size_t k;
    return vemt_dbscan_compute(ctx, &p, &o, f->lab, NULL, &k);
}

static vemt_status do_hdbscan(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_points p = {N, f->x, f->y, NULL, NULL, NULL};
    vemt_hdbscan_opts o = {8, 0};
    size_t k;
    double *stab = NULL;
    vemt_status st =
        vemt_hdbscan_compute(ctx, &p, &o, f->lab, f->a, f->b, &k, &stab);
    if (st && stab) return VEMT_E_ARG; /* must be NULL on failure */
    vemt_engine_free(stab);
    return st;
}

static vemt_status do_summarise(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_points p = {N, f->x, f->y, f->t, NULL, NULL};
    for (int i = 0; i < N; i++) f->lab[i] = i % 3;
    vemt_clusters c;
    vemt_status st = vemt_clusters_summarise(ctx, &p, f->lab, 3, NULL, &c);
    if (st && (c.items || c.n)) return VEMT_E_ARG;
    vemt_clusters_clear(&c);
    return st;
}

/* One cluster of 20,000 events at 20,000 locations: over outline.c's
 * 10,000 (the bounded subset) and RADIX_MIN (the radix sort). */
enum { BIG = 20000 };
static vemt_status do_summarise_big(void *arg, vemt_ctx *ctx) {
    (void)arg;
    double *x = calloc(BIG, sizeof *x), *y = calloc(BIG, sizeof *y);
    int32_t *lab = calloc(BIG, sizeof *lab);
    if (!x || !y || !lab) {
        free(x), free(y), free(lab);
        return VEMT_E_ARG;
    }
    for (int i = 0; i < BIG; i++)
        x[i] = (i % 150) * 7.0 + (i * 37 % 41) * 0.1, y[i] = (i / 150) * 7.0;
    vemt_points p = {BIG, x, y, NULL, NULL, NULL};
    vemt_clusters c;
    vemt_status st = vemt_clusters_summarise(ctx, &p, lab, 1, NULL, &c);
    if (st && (c.items || c.n)) st = VEMT_E_ARG;
    if (!st && !(c.items[0].outline_tol_m > 0)) st = VEMT_E_ARG;
    vemt_clusters_clear(&c);
    free(x), free(y), free(lab);
    return st;
}

static vemt_status do_kde(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_points p = {N, f->x, f->y, NULL, NULL, NULL};
    vemt_kde_opts o = {VEMT_KERNEL_QUARTIC, 0, 0, NULL};
    vemt_raster r;
    vemt_status st = vemt_kde_compute(ctx, &p, &o, &r, NULL, NULL, 0);
    if (st && r.values) return VEMT_E_ARG;
    vemt_raster_clear(&r);
    return st;
}

static vemt_status do_event_points(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    (void)f;
    (void)ctx;
    vemt_events ev = {0};
    vemt_event e = {.located = true, .in_area = true};
    /* vemt_events_push is the library's own, outside the count. */
    vemt_status st = vemt_events_push(&ev, &e);
    vemt_event_points p;
    if (!st) st = vemt_event_points_fill(&ev, 1, true, &p);
    if (st && (p.x || p.n)) st = VEMT_E_ARG;
    vemt_event_points_clear(&p);
    vemt_events_clear(&ev);
    return st;
}

TEST(every_path) {
    static fixture f;
    make_points(&f);
    CHECK(alloc_sweep(t_, "DBSCAN", do_dbscan, &f) > 5);
    CHECK(alloc_sweep(t_, "ST-DBSCAN", do_stdbscan, &f) > 5);
    CHECK(alloc_sweep(t_, "HDBSCAN", do_hdbscan, &f) > 20);
    CHECK(alloc_sweep(t_, "cluster outlines", do_summarise, &f) > 5);
    CHECK(alloc_sweep(t_, "big cluster outline", do_summarise_big, NULL) > 5);
    CHECK(alloc_sweep(t_, "density", do_kde, &f) > 2);
    CHECK(alloc_sweep(t_, "event points", do_event_points, &f) > 2);
}

TEST_SUITE(cluster_alloc) { RUN(every_path); }
