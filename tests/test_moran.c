/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_moran.c
 * @brief Global Moran's I against R spdep 1.2-7's moran.test
 * (randomisation) to 1e-9, binary and row-standardised, with isolates; the
 * incremental profile over distance bands against moran.test at each band;
 * Esri's first and maximum peaks; Esri's default bands.
 */
#include <stdint.h>

#include "engine/engine.h"
#include "tests/ref/lisa_spdep_ref.h"
#include "tests/test.h"

enum { NA = LISA_A_NCOL * LISA_A_NROW };

static size_t grid_a_xy(const int *keep, double *xy) {
    size_t n = 0;
    for (int i = 0; i < NA; i++) {
        if (keep && !keep[i]) continue;
        xy[2 * n] = LISA_A_X0 + (i % LISA_A_NCOL + 0.5) * LISA_A_CELL;
        xy[2 * n + 1] = LISA_A_Y0 + (i / LISA_A_NCOL + 0.5) * LISA_A_CELL;
        n++;
    }
    return n;
}

static void check_moran(test_state *t_, const vemt_moran *m,
                        const ref_moran *r) {
    CHECK_NEAR(m->i, r->i, 1e-9);
    CHECK_NEAR(m->expected, r->e, 1e-12);
    CHECK_NEAR(m->variance, r->var, 1e-9);
    CHECK_NEAR(m->z, r->z, 1e-9);
    CHECK_NEAR(m->p, r->p, 1e-9);
}

TEST(spdep_moran_test) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * NA];
    size_t n = grid_a_xy(NULL, xy);
    vemt_weights *w = NULL;
    vemt_moran m;
    /* Gi* weights (self included): the self entries are ignored. */
    vemt_weights_band(ctx, xy, n, LISA_A_CELL * sqrt(2.0), true, &w);
    CHECK_INT_EQ(vemt_moran_global(ctx, w, lisa_a_count, n, true, &m), VEMT_OK);
    check_moran(t_, &m, &moran_a_w);
    CHECK_INT_EQ(m.n, NA);
    fprintf(stderr, "  W: |z - spdep| %.3g, B: ", fabs(m.z - moran_a_w.z));
    CHECK_INT_EQ(vemt_moran_global(ctx, w, lisa_a_count, n, false, &m),
                 VEMT_OK);
    check_moran(t_, &m, &moran_a_b);
    fprintf(stderr, "%.3g\n", fabs(m.z - moran_a_b.z));
    CHECK_INT_EQ(vemt_moran_global(ctx, w, lisa_a_count, 3, true, &m),
                 VEMT_E_ARG);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(spdep_isolates_leave_n) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * NA], x[NA];
    size_t n = grid_a_xy(lisa_m_keep, xy), m = 0;
    for (int i = 0; i < NA; i++)
        if (lisa_m_keep[i]) x[m++] = lisa_a_count[i];
    vemt_weights *w = NULL;
    vemt_moran r;
    vemt_weights_band(ctx, xy, n, LISA_A_CELL, false, &w);
    CHECK_INT_EQ(vemt_moran_global(ctx, w, x, n, true, &r), VEMT_OK);
    check_moran(t_, &r, &moran_m_w);
    CHECK_INT_EQ(r.n, n - 2);
    for (size_t i = 0; i < n; i++) x[i] = 7;
    CHECK_INT_EQ(vemt_moran_global(ctx, w, x, n, true, &r), VEMT_OK);
    CHECK(isnan(r.z) && isnan(r.p));
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(incremental_profile_as_spdep) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * NA];
    size_t n = grid_a_xy(NULL, xy), first, max;
    /* The reference bands are 2000 x (1, sqrt 2, 2, sqrt 5, sqrt 8, 3):
     * give them as start 2000 and let the profile visit each. */
    vemt_isa_band prof[6];
    for (int b = 0; b < 6; b++) {
        vemt_isa_opts o = {isa_a_band[b], 0, 1, true};
        CHECK_INT_EQ(vemt_moran_incremental_xy(ctx, xy, lisa_a_count, n, &o,
                                               &prof[b], &first, &max),
                     VEMT_OK);
        CHECK_NEAR(prof[b].band_m, isa_a_band[b], 0);
        check_moran(t_, &prof[b].moran, &isa_a[b]);
    }
    /* Evenly spaced bands go through the callback in order. */
    vemt_isa_opts o = {2000, 2000, 3, true};
    CHECK_INT_EQ(vemt_moran_incremental_xy(ctx, xy, lisa_a_count, n, &o, prof,
                                           &first, &max),
                 VEMT_OK);
    check_moran(t_, &prof[0].moran, &isa_a[0]);
    check_moran(t_, &prof[1].moran, &isa_a[2]);
    check_moran(t_, &prof[2].moran, &isa_a[5]);
    CHECK_INT_EQ(first, SIZE_MAX); /* no z above 1.65 in this profile */
    o.start_m = 0;
    CHECK_INT_EQ(vemt_moran_incremental_xy(ctx, xy, lisa_a_count, n, &o, prof,
                                           &first, &max),
                 VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

static void check_peaks(test_state *t_, const double *z, size_t m, size_t first,
                        size_t max) {
    size_t f, x;
    CHECK_INT_EQ(vemt_moran_peaks(z, m, VEMT_ISA_PEAK_Z, &f, &x),
                 first != SIZE_MAX);
    CHECK_INT_EQ(f, first);
    CHECK_INT_EQ(x, max);
}

/* Series worked through Esri's returnPeakIndices by hand. */
TEST(esri_peaks) {
    const double rise_fall[] = {1, 3, 2, 4, 5, 1};
    check_peaks(t_, rise_fall, 6, 1, 4);
    /* A peak under 1.65 does not count; the decline after a peak does not
     * (Esri flags 2.5 and 2 after the 3, both lower). */
    const double low_first[] = {0.5, 1.6, 1.0, 2.0, 3.0, 2.5, 2.0};
    check_peaks(t_, low_first, 7, 4, 4);
    /* Rising to the last band: the last band is never a peak. */
    const double rising[] = {1, 2, 3, 4};
    check_peaks(t_, rising, 4, SIZE_MAX, SIZE_MAX);
    /* Falling from the first band: nothing rose to it. */
    const double falling[] = {5, 4, 3};
    check_peaks(t_, falling, 3, SIZE_MAX, SIZE_MAX);
    /* A level top is a peak at its last band; equal peaks: the first. */
    const double plateau[] = {1, 4, 4, 2, 4, 1};
    check_peaks(t_, plateau, 6, 2, 2);
    /* A level stretch then a rise is no peak. */
    const double step[] = {1, 2, 2, 3, 1};
    check_peaks(t_, step, 5, 3, 3);
    /* NaN breaks the series. */
    const double gap[] = {1, 3, NAN, 2, 1};
    check_peaks(t_, gap, 5, SIZE_MAX, SIZE_MAX);
    check_peaks(t_, gap, 0, SIZE_MAX, SIZE_MAX);
}

/* A callback that counts its calls and fails on the third band. */
typedef struct cb_state {
    vemt_ctx *ctx;
    const double *xy;
    size_t n;
    int calls;
} cb_state;

static vemt_status failing_band(void *data, double band_m, vemt_weights **out) {
    cb_state *s = data;
    if (++s->calls == 3) return VEMT_E_IO;
    return vemt_weights_band(s->ctx, s->xy, s->n, band_m, false, out);
}

TEST(callback_failure_stops) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * NA];
    size_t n = grid_a_xy(NULL, xy), first, max;
    cb_state s = {ctx, xy, n, 0};
    vemt_isa_band prof[5];
    vemt_isa_opts o = {2000, 1000, 5, true};
    CHECK_INT_EQ(vemt_moran_incremental(ctx, failing_band, &s, lisa_a_count, n,
                                        &o, prof, &first, &max),
                 VEMT_E_IO);
    CHECK_INT_EQ(s.calls, 3);
    vemt_ctx_destroy(ctx);
}

/* A 10 x 10 grid of 100 m: every nearest neighbour is 100 m away, so the
 * start and the increment are 100 m; the standard distance is
 * sqrt(2 x 100^2 (10^2 - 1) / 12) = 406.2 m, which the tenth band (1000 m)
 * passes, so the bands are spread from 100 m towards it: (406.2 - 100) /
 * 10 apart. */
TEST(esri_default_bands) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[200];
    for (int i = 0; i < 100; i++) {
        xy[2 * i] = (i % 10) * 100.0;
        xy[2 * i + 1] = (i / 10) * 100.0;
    }
    vemt_isa_opts o;
    CHECK_INT_EQ(vemt_moran_isa_defaults(ctx, xy, 100, &o), VEMT_OK);
    double sd = sqrt(2 * 100.0 * 100.0 * 99 / 12);
    CHECK_NEAR(o.start_m, 100, 1e-9);
    CHECK_NEAR(o.increment_m, (sd - 100) / 10, 1e-9);
    CHECK_INT_EQ(o.count, 10);
    CHECK(o.row_standardise);
    /* Two far clusters: the standard distance is large, no cap. */
    double two[8] = {0, 0, 10, 0, 5000, 0, 5010, 0};
    CHECK_INT_EQ(vemt_moran_isa_defaults(ctx, two, 4, &o), VEMT_OK);
    CHECK_NEAR(o.start_m, 10, 1e-9);
    CHECK_NEAR(o.increment_m, 10, 1e-9);
    CHECK_INT_EQ(vemt_moran_isa_defaults(ctx, two, 1, &o), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(moran) {
    RUN(spdep_moran_test);
    RUN(spdep_isolates_leave_n);
    RUN(incremental_profile_as_spdep);
    RUN(esri_peaks);
    RUN(callback_failure_stops);
    RUN(esri_default_bands);
}
