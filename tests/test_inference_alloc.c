/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_inference_alloc.c
 * @brief Allocation failures along every path of the inference modules
 * (permutations, Local and Global Moran, incremental spatial
 * autocorrelation), as tests/test_cluster_alloc.c does for clustering: the
 * modules are compiled into this test with VEMT_ALLOC_TEST, so allocation
 * number N fails, for N = 1, 2, ... until a call completes; each failing
 * call must return VEMT_E_NOMEM, and nothing may leak (ASan's leak check in
 * the sanitizer build).
 */
#define VEMT_ALLOC_TEST
#include "engine/lisa.c"
#include "engine/moran.c"
#include "engine/permute.c"
#include "tests/alloc_fail.h"
#include "tests/test.h"

enum { NC = 12, N = NC * NC };

typedef struct fixture {
    double xy[2 * N], x[N], out[3][N];
    int8_t type[N];
    vemt_weights *w;
} fixture;

static vemt_status gistar_perm(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_perm_opts o = {.permutations = 19, .seed = 3, .threads = 3};
    return vemt_gistar_permute(ctx, f->w, f->x, N, &o, f->out[0]);
}

static vemt_status lisa_all(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_perm_opts o = {.permutations = 19, .seed = 3, .threads = 2};
    vemt_status st = vemt_lisa_compute(ctx, f->w, f->x, N, VEMT_LISA_TOTAL,
                                       f->out[0], f->out[1], f->out[2]);
    if (!st) st = vemt_lisa_permute(ctx, f->w, f->x, N, &o, f->out[2]);
    if (!st) st = vemt_lisa_types(ctx, f->w, f->x, N, f->out[2], 0.05, f->type);
    return st;
}

static vemt_status moran_all(void *arg, vemt_ctx *ctx) {
    fixture *f = arg;
    vemt_moran m;
    vemt_isa_band prof[3];
    vemt_isa_opts o = {100, 100, 3, true};
    size_t first, max;
    vemt_status st = vemt_moran_global(ctx, f->w, f->x, N, false, &m);
    if (!st)
        st = vemt_moran_incremental_xy(ctx, f->xy, f->x, N, &o, prof, &first,
                                       &max);
    return st;
}

TEST(every_path) {
    static fixture f;
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    for (int i = 0; i < N; i++) {
        f.xy[2 * i] = (i % NC) * 100.0;
        f.xy[2 * i + 1] = (i / NC) * 100.0;
        f.x[i] = (i * 7) % 5 + (i % NC < 4 ? 6 : 0);
    }
    CHECK_STATUS(vemt_weights_band(ctx, f.xy, N, 100 * sqrt(2.0), true, &f.w),
                 VEMT_OK);
    CHECK(alloc_sweep(t_, "Gi* permutations", gistar_perm, &f) >= 7);
    CHECK(alloc_sweep(t_, "Local Moran", lisa_all, &f) >= 5);
    CHECK(alloc_sweep(t_, "Global Moran and bands", moran_all, &f) >= 4);
    vemt_weights_destroy(f.w);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(inference_alloc) { RUN(every_path); }
