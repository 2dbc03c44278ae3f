/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file kde.c
 * @brief Kernel density surface of (weighted) points on a north-up raster.
 *
 * Kernels (two-dimensional, radial, each integrating to 1 over the plane;
 * u = distance / h): Silverman (1986), "Density Estimation for Statistics
 * and Data Analysis", Chapman & Hall, doi:10.1201/9781315140919, section
 * 4.2.3: quartic (biweight) 3/(pi h^2) (1 - u^2)^2 (eq. 4.5, the default
 * of CrimeStat and of QGIS's heatmap), Epanechnikov 2/(pi h^2) (1 - u^2)
 * (eq. 4.4); the cone (triangular) 3/(pi h^2) (1 - u) and the uniform disc
 * 1/(pi h^2) for u < 1; the Gaussian 1/(2 pi h^2) exp(-u^2 / 2) cut at
 * u = 4 and divided by the mass kept, 1 - exp(-8), so it too integrates
 * to 1. Values are per square metre times 10^6: events per km^2.
 *
 * Automatic bandwidth (the default): the mean distance from each distinct
 * place with events to its k-th nearest other distinct place, k = 5
 * (VEMT_KDE_KNN_K), after Williamson, McLafferty, Goldsmith, Mollenkopf &
 * McGuire (1998), "Smoothing crime incident data: new methods for
 * determining the bandwidth in kernel estimation", Proc. Esri User
 * Conference 1998, paper 829 (and ArcUser, January 1999): a bandwidth from
 * the k-nearest-neighbour distances between the incidents follows how
 * clustered they are, where a rule from the extent or the spread does not.
 * They read k as the scale of the map; k = 5 is DBSCAN's default min
 * points, so the kernel reaches about five places with events around a
 * typical one. Places, not events: police.uk
 * snaps events to shared map points, so many events sit at one point and
 * their distances of 0 would shrink the bandwidth towards nothing;
 * coincident points (weight > 0) count once. Fewer than 2 distinct places:
 * no bandwidth; fewer than k + 1: k is the number of others. Measured on
 * police.uk files: Nottingham burglary 2022 255 m, Merseyside shoplifting
 * 632 m (Silverman: 2.9 km), Lancashire anti-social behaviour 234 m
 * (Silverman: 6.3 km), Greater Manchester burglary 185 m; the demo 155 m
 * (Silverman: 2.7 km).
 *
 * Silverman's rule, the documented alternative (vemt_kde_silverman_
 * bandwidth; give its value with --kde-bandwidth): the normal reference
 * rule for d = 2
 * (section 4.3.2, eq. 4.14), h = A(K) sigma n^(-1/6), with sigma^2 the
 * mean of the two marginal variances (Silverman's suggestion in 4.3.2) and
 * each marginal scale the robust min(sd, IQR / 1.349) (section 3.4.2, eq.
 * 3.30). A(K) = (4 pi R(K) / mu2(K)^2)^(1/6) is the factor that makes
 * kernel K's AMISE-optimal bandwidth for normal data (Wand & Jones 1995,
 * "Kernel Smoothing", Chapman & Hall, doi:10.1201/b14876, eq. 4.13 with
 * R(D^2 f) of the bivariate normal): 1 for the Gaussian, 2.78 quartic,
 * 2.40 Epanechnikov, 2.54 cone, 2.00 uniform, from R(K) and mu2(K) below.
 * The normal reference over-smooths multimodal crime data (2.9 km for
 * Merseyside shoplifting, 6.3 km for Lancashire anti-social behaviour),
 * which is why it is no longer the default.
 *
 * Each point adds its kernel to the pixels whose centres lie within its
 * reach (h, or 4h for the Gaussian): the raster itself is the spatial
 * index, so the work is the number of points times the pixels per kernel.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/kdtree.h"
#include "engine/points.h"

#define MAX_PIXELS 50000000.0
#define AUTO_PIXELS 10000000.0 /* the automatic pixel's largest raster */
#define PI 3.14159265358979323846
#define GAUSS_CUT 4.0

/* Per kernel: normalising constant c (K = c / h^2 * shape), R(K) = integral
 * of K^2 and mu2(K) = integral of x1^2 K, both for h = 1. */
typedef struct kernel_info {
    const char *name;
    double c, r, mu2;
} kernel_info;

static const kernel_info KERNELS[] = {
    /* quartic: R = 9 / (5 pi), mu2 = 1/8 */
    {"quartic", 3.0 / PI, 9.0 / (5.0 * PI), 1.0 / 8.0},
    /* Epanechnikov: R = 4 / (3 pi), mu2 = 1/6 */
    {"Epanechnikov", 2.0 / PI, 4.0 / (3.0 * PI), 1.0 / 6.0},
    /* cone: R = 3 / (2 pi), mu2 = 3/20 */
    {"triangular", 3.0 / PI, 3.0 / (2.0 * PI), 3.0 / 20.0},
    /* uniform disc: R = 1 / pi, mu2 = 1/4 */
    {"uniform", 1.0 / PI, 1.0 / PI, 1.0 / 4.0},
    /* Gaussian: R = 1 / (4 pi), mu2 = 1 */
    {"Gaussian", 1.0 / (2.0 * PI), 1.0 / (4.0 * PI), 1.0},
};

static double reach(vemt_kernel k, double h) {
    return k == VEMT_KERNEL_GAUSSIAN ? GAUSS_CUT * h : h;
}

/* Kernel shape at squared scaled distance u2 (< reach^2 / h^2). */
static double shape(vemt_kernel k, double u2) {
    switch (k) {
        case VEMT_KERNEL_QUARTIC:
            return (1 - u2) * (1 - u2);
        case VEMT_KERNEL_EPANECHNIKOV:
            return 1 - u2;
        case VEMT_KERNEL_TRIANGULAR:
            return 1 - sqrt(u2);
        case VEMT_KERNEL_UNIFORM:
            return 1;
        case VEMT_KERNEL_GAUSSIAN:
            return exp(-0.5 * u2) / (1 - exp(-0.5 * GAUSS_CUT * GAUSS_CUT));
    }
    return 0;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* min(sd, IQR / 1.349) of v[0..n) (sorted in place); NaN on no memory. */
static double robust_scale(double *v, size_t n) {
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++) mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
    double sd = sqrt(ss / (double)(n - 1));
    qsort(v, n, sizeof *v, by_value);
    /* Quartiles by linear interpolation (R's type 7). */
    double q[2];
    for (int j = 0; j < 2; j++) {
        double at = (j ? 0.75 : 0.25) * (double)(n - 1);
        size_t lo = (size_t)floor(at);
        size_t hi = lo + 1 < n ? lo + 1 : lo;
        q[j] = v[lo] + (at - (double)lo) * (v[hi] - v[lo]);
    }
    double iqr = (q[1] - q[0]) / 1.349;
    return iqr > 0 && iqr < sd ? iqr : sd;
}

/* Silverman's rule (see the file comment) into *h (0 for fewer than 2
 * points or no spread). Returns VEMT_E_NOMEM. */
static vemt_status silverman_bandwidth(const vemt_points *pts,
                                       vemt_kernel kernel, double *h,
                                       char *rule_out, size_t rule_size) {
    size_t n = 0;
    *h = 0;
    for (size_t i = 0; i < pts->n; i++) n += !pts->weight || pts->weight[i] > 0;
    if (rule_out && rule_size) rule_out[0] = '\0';
    if (n < 2 || (unsigned)kernel > VEMT_KERNEL_GAUSSIAN) return VEMT_OK;
    double *v = vemt_calloc(n, sizeof *v);
    if (!v) return VEMT_E_NOMEM;
    double s2 = 0;
    for (int axis = 0; axis < 2; axis++) {
        const double *c = axis ? pts->y : pts->x;
        size_t m = 0;
        for (size_t i = 0; i < pts->n; i++)
            if (!pts->weight || pts->weight[i] > 0) v[m++] = c[i];
        double s = robust_scale(v, m);
        s2 += s * s / 2;
    }
    vemt_free(v);
    const kernel_info *k = &KERNELS[kernel];
    double a = pow(4 * PI * k->r / (k->mu2 * k->mu2), 1.0 / 6.0);
    *h = a * sqrt(s2) * pow((double)n, -1.0 / 6.0);
    if (rule_out)
        snprintf(rule_out, rule_size,
                 "bandwidth %.1f m: Silverman's normal reference rule for 2 "
                 "dimensions, %.3f (%s kernel) x sigma %.1f m x n^(-1/6), "
                 "n = %zu",
                 *h, a, k->name, sqrt(s2), n);
    return VEMT_OK;
}

vemt_status vemt_kde_silverman_bandwidth(const vemt_points *pts,
                                         vemt_kernel kernel, double *h_m,
                                         char *rule_out, size_t rule_size) {
    return silverman_bandwidth(pts, kernel, h_m, rule_out, rule_size);
}

/* Williamson et al.'s k-nearest-neighbour bandwidth (see the file comment)
 * into *h (0 for fewer than 2 distinct places). Returns VEMT_E_NOMEM. */
static vemt_status knn_bandwidth(vemt_ctx *ctx, const vemt_points *pts,
                                 double *h, char *rule_out, size_t rule_size) {
    *h = 0;
    if (rule_out && rule_size) rule_out[0] = '\0';
    double *xy = vemt_calloc(2 * (pts->n ? pts->n : 1), sizeof *xy);
    if (!xy) return VEMT_E_NOMEM;
    size_t m = 0, npts = 0;
    for (size_t i = 0; i < pts->n; i++) {
        if (pts->weight && !(pts->weight[i] > 0)) continue;
        xy[2 * m] = pts->x[i];
        xy[2 * m + 1] = pts->y[i];
        m++;
        npts++;
    }
    size_t n = vemt_xy_distinct(xy, m, NULL);
    if (n < 2 || n == SIZE_MAX) {
        vemt_free(xy);
        return n == SIZE_MAX ? VEMT_E_NOMEM : VEMT_OK;
    }
    size_t k = n - 1 < VEMT_KDE_KNN_K ? n - 1 : VEMT_KDE_KNN_K;
    /* The distances on the context's threads (kdtree.c), summed in the
     * tree's order as they always were: the same for any number of
     * threads. */
    size_t stride;
    vemt_status st = vemt_kdtree_kth_mean(
        ctx, xy, n, k, VEMT_KTH_SQRT, true, VEMT_KDTREE_MEAN_MOST,
        "density bandwidth: nearest neighbours", h, &stride);
    vemt_free(xy);
    if (st) return st;
    char sample[64] = "";
    if (stride > 1)
        snprintf(sample, sizeof sample, ", measured from every %zu%s,", stride,
                 vemt_ordinal_suffix(stride));
    if (rule_out)
        snprintf(rule_out, rule_size,
                 "bandwidth %.1f m: the mean distance from each of %zu "
                 "distinct places (of %zu points)%s to its %zu%s nearest other "
                 "place (after Williamson et al. 1998)",
                 *h, n, npts, sample, k, vemt_ordinal_suffix(k));
    return VEMT_OK;
}

vemt_status vemt_kde_auto_bandwidth(vemt_ctx *ctx, const vemt_points *pts,
                                    double *h_m, char *rule_out,
                                    size_t rule_size) {
    return knn_bandwidth(ctx, pts, h_m, rule_out, rule_size);
}

/* Add point (x, y)'s kernel times scale to the pixels within reach r. */
static void splat(const vemt_raster *g, double *acc, vemt_kernel k, double h,
                  double r, double x, double y, double scale) {
    double p = g->pixel_m;
    double c0 = ceil((x - r - g->x0) / p - 0.5);
    double c1 = floor((x + r - g->x0) / p - 0.5);
    double r0 = ceil((g->y0 - (y + r)) / p - 0.5);
    double r1 = floor((g->y0 - (y - r)) / p - 0.5);
    c0 = fmax(c0, 0);
    r0 = fmax(r0, 0);
    c1 = fmin(c1, g->ncol - 1);
    r1 = fmin(r1, g->nrow - 1);
    double r2 = r * r, h2 = h * h;
    for (double row = r0; row <= r1; row++) {
        double dy = g->y0 - (row + 0.5) * p - y;
        double *line = acc + (size_t)row * (size_t)g->ncol;
        for (double col = c0; col <= c1; col++) {
            double dx = g->x0 + (col + 0.5) * p - x;
            double d2 = dx * dx + dy * dy;
            if (d2 < r2) line[(size_t)col] += scale * shape(k, d2 / h2);
        }
    }
}

static vemt_status check_kde_opts(vemt_ctx *ctx, const vemt_kde_opts *o) {
    if ((unsigned)o->kernel > VEMT_KERNEL_GAUSSIAN)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "unknown kernel %d",
                             (int)o->kernel);
    if (!(o->bandwidth_m >= 0 && o->bandwidth_m <= 1e6) ||
        !(o->pixel_m >= 0 && o->pixel_m <= 1e6))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "density bandwidth and pixel size must be from "
                             "0 (automatic) to 1,000 km");
    if (o->extent && !vemt_bbox_is_valid(o->extent))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "empty extent for the density");
    return VEMT_OK;
}

/* The raster's extent, pixel size and shape (see vemt_kde_compute). */
static vemt_status lay_out(vemt_ctx *ctx, const vemt_points *pts,
                           const vemt_kde_opts *o, double h, vemt_raster *g,
                           char *rule, size_t size) {
    vemt_bbox e = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    double r = reach(o->kernel, h);
    if (o->extent) e = *o->extent;
    for (size_t i = 0; !o->extent && i < pts->n; i++) {
        e.xmin = fmin(e.xmin, pts->x[i] - r);
        e.xmax = fmax(e.xmax, pts->x[i] + r);
        e.ymin = fmin(e.ymin, pts->y[i] - r);
        e.ymax = fmax(e.ymax, pts->y[i] + r);
    }
    if (!vemt_bbox_is_valid(&e))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "no points and no extent for the density");
    double shorter = fmin(e.xmax - e.xmin, e.ymax - e.ymin);
    double p = o->pixel_m > 0 ? o->pixel_m : fmin(shorter / 250, h / 5);
    /* A bandwidth of a few hundred metres gives pixels of tens of metres:
     * over a large extent (a region, or one stray event far away) the
     * automatic pixel grows to keep the raster to AUTO_PIXELS. */
    double fit = sqrt((e.xmax - e.xmin) * (e.ymax - e.ymin) / AUTO_PIXELS);
    bool raised = o->pixel_m <= 0 && p < fit;
    if (raised) p = fit;
    if (rule && o->pixel_m <= 0)
        snprintf(rule, size,
                 "pixel %.2f m: the smaller of the extent's shorter side "
                 "(%.0f m) / 250 and the bandwidth / 5%s",
                 p, shorter,
                 raised ? ", raised to keep the raster within 10 million "
                          "pixels"
                        : "");
    g->pixel_m = p;
    g->x0 = floor(e.xmin / p) * p;
    g->y0 = ceil(e.ymax / p) * p;
    double ncol = fmax(1, ceil((e.xmax - g->x0) / p));
    double nrow = fmax(1, ceil((g->y0 - e.ymin) / p));
    if (!(ncol * nrow <= MAX_PIXELS))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a %.2f m density raster over this extent has "
                             "%.0f pixels (at most %.0f): choose larger "
                             "pixels",
                             p, ncol * nrow, MAX_PIXELS);
    g->ncol = (int)ncol;
    g->nrow = (int)nrow;
    return VEMT_OK;
}

vemt_status vemt_kde_compute(vemt_ctx *ctx, const vemt_points *pts,
                             const vemt_kde_opts *opts, vemt_raster *out,
                             double *bandwidth_m, char *rule_out,
                             size_t rule_size) {
    memset(out, 0, sizeof *out);
    char rule_h[256] = "", rule_p[192] = "";
    vemt_status st = check_kde_opts(ctx, opts);
    if (!st) st = vemt_points_check(ctx, pts, false, "density");
    if (st) return st;
    double h = opts->bandwidth_m;
    if (h <= 0) st = knn_bandwidth(ctx, pts, &h, rule_h, sizeof rule_h);
    if (st) return st;
    if (!(h > 0))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "no automatic bandwidth for fewer than 2 "
                             "distinct points: give one");
    st = lay_out(ctx, pts, opts, h, out, rule_p, sizeof rule_p);
    if (st) return st;
    size_t npix = (size_t)out->ncol * (size_t)out->nrow;
    double *acc = vemt_calloc(npix, sizeof *acc);
    out->values = vemt_calloc(npix, sizeof *out->values);
    if (!acc || !out->values) {
        vemt_free(acc);
        vemt_raster_clear(out);
        return VEMT_E_NOMEM;
    }
    /* Per point: weight x c / h^2 per square metre, x 10^6 per km^2. */
    double c = KERNELS[opts->kernel].c / (h * h) * 1e6;
    for (size_t i = 0; i < pts->n; i++) {
        double w = pts->weight ? pts->weight[i] : 1.0;
        if (w > 0)
            splat(out, acc, opts->kernel, h, reach(opts->kernel, h), pts->x[i],
                  pts->y[i], w * c);
    }
    for (size_t k = 0; k < npix; k++) out->values[k] = (float)acc[k];
    vemt_free(acc);
    if (bandwidth_m) *bandwidth_m = h;
    if (rule_out)
        snprintf(rule_out, rule_size, "%s%s%s", rule_h,
                 rule_h[0] && rule_p[0] ? "; " : "", rule_p);
    return VEMT_OK;
}

void vemt_raster_clear(vemt_raster *r) {
    vemt_free(r->values);
    memset(r, 0, sizeof *r);
}
