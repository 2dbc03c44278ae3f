/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_cube.c
 * @brief The space-time cube and its Gi*: the demo (4,000 incidents over
 * Redcar & Cleveland, 24 months) and 1,000,000 events x 24 monthly steps x
 * 10,000 cells (a 100 x 100 grid of 300 m), events from the fixture
 * generator (seed 1) with their times kept and their places rescaled.
 */
#include <gdal.h>
#include <proj.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/bench/bench.h"

static vemt_status read_events(const char *path, vemt_ctx *ctx,
                               vemt_events *ev) {
    vemt_pseudo *p;
    vemt_key_origin o;
    vemt_pseudo_create(ctx, NULL, "bench key", &p, &o);
    vemt_ingest_opts opts = {.pseudo = p};
    vemt_source s = {.path = path, .kind = VEMT_SOURCE_INCIDENTS};
    vemt_rejects rj = {0};
    vemt_merges mg = {0};
    vemt_status st = vemt_ingest_file(ctx, &opts, &s, 0, ev, &rj, &mg);
    vemt_study_area_flag_events(NULL, ev);
    vemt_rejects_clear(&rj);
    vemt_merges_clear(&mg);
    vemt_pseudo_destroy(p);
    return st;
}

/* Cube + space-time Gi* + FDR on a grid of cell metres over the events. */
static void run_cube(const char *name, vemt_ctx *ctx, vemt_events *ev,
                     double cell, const vemt_bbox *extent, int reps) {
    vemt_bbox e;
    if (extent)
        e = *extent;
    else
        vemt_events_bbox(ev, 1, &e);
    vemt_units *g;
    vemt_weights *w;
    vemt_units_create_square(ctx, cell, &e, NULL, &g);
    vemt_weights_units_band(ctx, g, cell * 1.4142135623730951, true, &w);
    vemt_cube_opts o = {.unit = VEMT_STEP_MONTH, .kinds = 1, .time_lag = 1};
    double best = 0;
    size_t n = 0;
    BENCH(name, reps, best, {
        vemt_cube *c = NULL;
        if (vemt_cube_create(ctx, g, ev, &o, &c)) return;
        n = vemt_cube_units(c) * vemt_cube_steps(c);
        double *z = malloc(n * sizeof *z), *p = malloc(n * sizeof *p);
        int8_t *b = malloc(n);
        vemt_cube_gistar(ctx, c, w, true, z, p, b);
        free(z), free(p), free(b);
        vemt_cube_destroy(c);
    });
    printf("  %zu cells x steps = %zu bins, %zu events: %.0f bins/s\n",
           vemt_units_count(g), n, ev->n, (double)n / best);
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
}

int main(void) {
    GDALAllRegister();
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_events ev = {0};
    char path[512];
    snprintf(path, sizeof path, "%s/demo/incidents.csv", VEMT_FIXTURES);
    if (read_events(path, ctx, &ev)) return 1;
    run_cube("cube + Gi*: demo (300 m cells)", ctx, &ev, 300, NULL, 20);
    vemt_events_clear(&ev);
    if (system("test -s bench-ingest/incidents.csv || '" VEMT_FIXTURES_BIN
               "' --out-dir bench-ingest --incidents 999999 >/dev/null"))
        return 1;
    if (read_events("bench-ingest/incidents.csv", ctx, &ev)) return 1;
    /* 30 km x 20 km of data on 300 m cells is 100 x 67; stretch the
     * northings so the grid is 100 x 100 = 10,000 cells. */
    for (size_t i = 0; i < ev.n; i++)
        ev.items[i].y = 510000 + (ev.items[i].y - 510000) * 1.5;
    vemt_bbox box = {450000, 510000, 479999, 539999}; /* 100 x 100 cells */
    run_cube("cube + Gi*: 1M events, 10k cells, 24 months", ctx, &ev, 300, &box,
             3);
    vemt_events_clear(&ev);
    vemt_ctx_destroy(ctx);
    GDALDestroy();
    proj_cleanup();
    return 0;
}
