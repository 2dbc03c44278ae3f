/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file moran.c
 * @brief Global Moran's I with its randomisation test, and incremental
 * spatial autocorrelation: Moran's I over a series of distance bands and the
 * peaks of its z-scores.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* w_ij of an entry of row i (self entries are skipped by the callers). */
static double weight(size_t k, bool row_standardise) {
    return row_standardise ? 1 / (double)k : 1;
}

/* Neighbours of i other than itself. */
static size_t degree(const vemt_weights *w, size_t i) {
    const size_t *nb;
    size_t k, d = 0;
    vemt_weights_neighbours(w, i, &nb, &k);
    for (size_t m = 0; m < k; m++) d += nb[m] != i;
    return d;
}

/* w_ji: rows are sorted ascending, so a binary search finds i in row j. */
static double weight_back(const vemt_weights *w, const size_t *deg, size_t j,
                          size_t i, bool row_standardise) {
    const size_t *nb;
    size_t k, lo = 0, hi;
    vemt_weights_neighbours(w, j, &nb, &k);
    hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nb[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < k && nb[lo] == i ? weight(deg[j], row_standardise) : 0;
}

/* The weights constants of Cliff & Ord: S0 = sum w_ij, S1 = sum_ij
 * (w_ij^2 + w_ij w_ji) = (1/2) sum_ij (w_ij + w_ji)^2, S2 = sum_i (w_i. +
 * w_.i)^2, and the units with at least one neighbour (spdep's
 * spweights.constants with adjust.n = TRUE); with cross = sum_i z_i lag_i. */
typedef struct moran_sums {
    double s0, s1, s2, cross, n;
} moran_sums;

static void sum_rows(const vemt_weights *w, const double *dev,
                     const size_t *deg, size_t n, bool row_std, double *col,
                     moran_sums *s) {
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        if (!deg[i]) continue;
        double wij = weight(deg[i], row_std), lag = 0;
        vemt_weights_neighbours(w, i, &nb, &k);
        for (size_t m = 0; m < k; m++) {
            size_t j = nb[m];
            if (j == i) continue;
            lag += wij * dev[j];
            col[j] += wij;
            s->s1 += wij * wij + wij * weight_back(w, deg, j, i, row_std);
        }
        s->s0 += wij * (double)deg[i];
        s->cross += dev[i] * lag;
        s->n += 1;
    }
}

static vemt_status weight_sums(const vemt_weights *w, const double *dev,
                               size_t n, bool row_std, moran_sums *out) {
    double *col = vemt_calloc(n, sizeof *col);
    size_t *deg = vemt_calloc(n, sizeof *deg);
    if (!col || !deg) {
        vemt_free(col);
        vemt_free(deg);
        return VEMT_E_NOMEM;
    }
    moran_sums s = {0};
    for (size_t i = 0; i < n; i++) deg[i] = degree(w, i);
    sum_rows(w, dev, deg, n, row_std, col, &s);
    for (size_t i = 0; i < n; i++) {
        double r = deg[i] ? (row_std ? 1 : (double)deg[i]) : 0;
        s.s2 += (r + col[i]) * (r + col[i]);
    }
    vemt_free(col);
    vemt_free(deg);
    *out = s;
    return VEMT_OK;
}

/* Moran's I (Moran 1950, "Notes on continuous stochastic phenomena",
 * Biometrika 37(1-2):17-23, doi:10.1093/biomet/37.1-2.17) and its moments
 * under randomisation (Cliff & Ord 1981, Spatial Processes: Models and
 * Applications, Pion, London, ISBN 0-85086-081-4, p. 21), as spdep 1.2-7's
 * moran.test(randomisation = TRUE) computes them:
 *   I = (n / S0) sum_i z_i sum_j w_ij z_j / sum_i z_i^2,   E(I) = -1/(n - 1),
 *   E(I^2) = [n ((n^2 - 3n + 3) S1 - n S2 + 3 S0^2)
 *             - K ((n^2 - n) S1 - 2n S2 + 6 S0^2)] / ((n-1)(n-2)(n-3) S0^2),
 *   Var(I) = E(I^2) - E(I)^2,  K = N sum z^4 / (sum z^2)^2 (kurtosis),
 * z = x - xbar over all N units, n the units with a neighbour (the
 * no-neighbour units drop out of n as spdep's adjust.n and Esri's tool do);
 * z-score (I - E(I)) / sqrt(Var(I)) with a two-sided normal p. */
vemt_status vemt_moran_global(vemt_ctx *ctx, const vemt_weights *w,
                              const double *x, size_t n, bool row_standardise,
                              vemt_moran *out) {
    if (n != vemt_weights_n(w) || n < 4)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "Moran's I needs at least 4 units matching the "
                             "weights (got %zu for %zu)",
                             n, vemt_weights_n(w));
    double sum = 0, zz = 0, z4 = 0;
    for (size_t i = 0; i < n; i++) sum += x[i];
    double *dev = vemt_malloc(n * sizeof *dev);
    if (!dev) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        dev[i] = x[i] - sum / (double)n;
        zz += dev[i] * dev[i];
        z4 += dev[i] * dev[i] * dev[i] * dev[i];
    }
    moran_sums s;
    vemt_status st = weight_sums(w, dev, n, row_standardise, &s);
    vemt_free(dev);
    if (st) return st;
    double k = (double)n * z4 / (zz * zz), m = s.n, s02 = s.s0 * s.s0;
    vemt_moran r = {.n = (size_t)m, .expected = -1 / (m - 1)};
    r.i = (m / s.s0) * s.cross / zz;
    double left = m * ((m * m - 3 * m + 3) * s.s1 - m * s.s2 + 3 * s02);
    double right = k * ((m * m - m) * s.s1 - 2 * m * s.s2 + 6 * s02);
    r.variance = (left - right) / ((m - 1) * (m - 2) * (m - 3) * s02) -
                 r.expected * r.expected;
    bool ok = zz > 0 && s.s0 > 0 && m >= 4 && r.variance > 0;
    r.z = ok ? (r.i - r.expected) / sqrt(r.variance) : (double)NAN;
    r.p = ok ? 2.0 * gsl_cdf_ugaussian_Q(fabs(r.z)) : (double)NAN;
    if (!ok) r.i = zz > 0 && s.s0 > 0 ? r.i : (double)NAN;
    *out = r;
    return VEMT_OK;
}

/* Esri's first and maximum peaks (ArcGIS 10.1 SSUtilities.py,
 * returnPeakIndices, called by the Incremental Spatial Autocorrelation tool
 * with levelFilter 1.65): a band whose z is above min_z, reached by a rise
 * (possibly followed by a level stretch) and followed by a fall. Esri's
 * loop never clears its "gone up" flag, so it also flags every further
 * falling band after a peak; those are lower than the peak before them, so
 * its first and maximum peaks are the ones found here. The first and last
 * bands are never peaks. The maximum is the first of equal highest peaks. */
bool vemt_moran_peaks(const double *z, size_t m, double min_z, size_t *first,
                      size_t *max) {
    bool rising = false;
    *first = *max = SIZE_MAX;
    for (size_t c = 0; c + 1 < m; c++) {
        double d = z[c + 1] - z[c];
        if (isnan(d)) {
            rising = false;
        } else if (d > 0) {
            rising = true;
        } else if (d < 0) {
            if (rising && z[c] > min_z) {
                if (*first == SIZE_MAX) *first = c;
                if (*max == SIZE_MAX || z[c] > z[*max]) *max = c;
            }
            rising = false;
        }
    }
    return *first != SIZE_MAX;
}

vemt_status vemt_moran_incremental(vemt_ctx *ctx, vemt_band_weights_fn fn,
                                   void *data, const double *x, size_t n,
                                   const vemt_isa_opts *opts,
                                   vemt_isa_band *profile, size_t *first_peak,
                                   size_t *max_peak) {
    *first_peak = *max_peak = SIZE_MAX;
    if (!(opts->start_m > 0) || !(opts->increment_m >= 0) || opts->count < 1 ||
        !isfinite(opts->start_m + opts->increment_m))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "distance bands need a start > 0, an increment "
                             ">= 0 and a count >= 1");
    double *z = vemt_malloc(opts->count * sizeof *z);
    if (!z) return VEMT_E_NOMEM;
    vemt_status st = VEMT_OK;
    for (size_t b = 0; b < opts->count && !st; b++) {
        vemt_weights *w = NULL;
        profile[b].band_m = opts->start_m + (double)b * opts->increment_m;
        st = fn(data, profile[b].band_m, &w);
        if (!st)
            st = vemt_moran_global(ctx, w, x, n, opts->row_standardise,
                                   &profile[b].moran);
        vemt_weights_destroy(w);
        if (!st) z[b] = profile[b].moran.z;
        vemt_ctx_progress(ctx, "distance bands", b + 1, opts->count);
    }
    if (!st)
        vemt_moran_peaks(z, opts->count, VEMT_ISA_PEAK_Z, first_peak, max_peak);
    vemt_free(z);
    return st;
}

/* The band callback over points: distance bands from weights.c. */
typedef struct xy_bands {
    vemt_ctx *ctx;
    const double *xy;
    size_t n;
} xy_bands;

static vemt_status xy_band(void *data, double band_m, vemt_weights **out) {
    const xy_bands *b = data;
    return vemt_weights_band(b->ctx, b->xy, b->n, band_m, false, out);
}

vemt_status vemt_moran_incremental_xy(vemt_ctx *ctx, const double *xy,
                                      const double *x, size_t n,
                                      const vemt_isa_opts *opts,
                                      vemt_isa_band *profile,
                                      size_t *first_peak, size_t *max_peak) {
    xy_bands b = {ctx, xy, n};
    return vemt_moran_incremental(ctx, xy_band, &b, x, n, opts, profile,
                                  first_peak, max_peak);
}

/* Esri's defaults when neither the start nor the increment is given
 * (ArcGIS 10.1 MoransI_Increment.py): 10 bands starting at the distance that
 * gives every unit at least one neighbour (the largest nearest-neighbour
 * distance), the mean nearest-neighbour distance apart; when the last band
 * would pass the standard distance of the points (the root mean squared
 * distance to their mean centre), the bands are spread evenly from the start
 * towards it instead: increment (sd - start) / count. */
vemt_status vemt_moran_isa_defaults(vemt_ctx *ctx, const double *xy, size_t n,
                                    vemt_isa_opts *out) {
    vemt_weights *nn = NULL;
    vemt_status st = vemt_weights_knn(ctx, xy, n, 1, false, &nn);
    if (st) return st;
    double maxd = 0, sumd = 0, cx = 0, cy = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(nn, i, &nb, &k);
        double d =
            hypot(xy[2 * nb[0]] - xy[2 * i], xy[2 * nb[0] + 1] - xy[2 * i + 1]);
        maxd = d > maxd ? d : maxd;
        sumd += d;
        cx += xy[2 * i] / (double)n;
        cy += xy[2 * i + 1] / (double)n;
    }
    vemt_weights_destroy(nn);
    for (size_t i = 0; i < n; i++)
        ss += (xy[2 * i] - cx) * (xy[2 * i] - cx) +
              (xy[2 * i + 1] - cy) * (xy[2 * i + 1] - cy);
    double sd = sqrt(ss / (double)n);
    vemt_isa_opts o = {.start_m = maxd,
                       .increment_m = sumd / (double)n,
                       .count = VEMT_ISA_BANDS_DEFAULT,
                       .row_standardise = true};
    if (o.start_m + (double)(o.count - 1) * o.increment_m > sd &&
        sd > o.start_m)
        o.increment_m = (sd - o.start_m) / (double)o.count;
    *out = o;
    return VEMT_OK;
}
