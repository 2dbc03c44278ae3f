/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pindex.c
 * @brief Bucket index of points: a uniform grid ("cell method" of Bentley,
 * Stanat & Williams 1977, "The complexity of finding fixed-radius near
 * neighbors", Information Processing Letters 6(6):209-212,
 * doi:10.1016/0020-0190(77)90070-9), built with a counting sort.
 */
#include "engine/pindex.h"

#include <math.h>

#include "engine/alloc.h"

static bool all_finite(const double *xy, size_t n) {
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(xy[i])) return false;
    return true;
}

/* Choose the bucket side: the requested one, enlarged until the grid has
 * at most about 4n + 16 buckets so memory stays linear in n. */
static void size_grid(vemt_pindex *ix, const vemt_bbox *b, size_t n,
                      double side) {
    double w = b->xmax - b->xmin, h = b->ymax - b->ymin;
    double limit = 4.0 * (double)n + 16.0;
    if (!(side > 0) || !isfinite(side)) side = fmax(fmax(w, h), 1.0);
    while ((floor(w / side) + 1) * (floor(h / side) + 1) > limit) side *= 2;
    ix->side = side;
    ix->x0 = b->xmin;
    ix->y0 = b->ymin;
    ix->nx = (long)floor(w / side) + 1;
    ix->ny = (long)floor(h / side) + 1;
}

void vemt_pindex_bucket(const vemt_pindex *ix, double x, double y, long *bx,
                        long *by) {
    double fx = floor((x - ix->x0) / ix->side);
    double fy = floor((y - ix->y0) / ix->side);
    *bx = fx < 0 ? 0 : fx >= (double)ix->nx ? ix->nx - 1 : (long)fx;
    *by = fy < 0 ? 0 : fy >= (double)ix->ny ? ix->ny - 1 : (long)fy;
}

vemt_status vemt_pindex_create(vemt_ctx *ctx, const double *xy, size_t n,
                               double side, vemt_pindex **out) {
    *out = NULL;
    if (!all_finite(xy, n))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a unit's centre is not a finite coordinate");
    vemt_pindex *ix = vemt_calloc(1, sizeof *ix);
    if (!ix) return VEMT_E_NOMEM;
    vemt_bbox b = n ? vemt_bbox_of_xy(xy, n) : (vemt_bbox){0, 0, 0, 0};
    size_grid(ix, &b, n, side);
    size_t nb = (size_t)ix->nx * (size_t)ix->ny;
    ix->start = vemt_calloc(nb + 1, sizeof *ix->start);
    ix->ids = vemt_calloc(n ? n : 1, sizeof *ix->ids);
    if (!ix->start || !ix->ids) {
        vemt_pindex_destroy(ix);
        return VEMT_E_NOMEM;
    }
    /* Counting sort by bucket; a stable pass keeps ids ascending. */
    for (size_t i = 0; i < n; i++) {
        long bx, by;
        vemt_pindex_bucket(ix, xy[2 * i], xy[2 * i + 1], &bx, &by);
        ix->start[(size_t)by * (size_t)ix->nx + (size_t)bx + 1]++;
    }
    for (size_t k = 0; k < nb; k++) ix->start[k + 1] += ix->start[k];
    for (size_t i = 0; i < n; i++) {
        long bx, by;
        vemt_pindex_bucket(ix, xy[2 * i], xy[2 * i + 1], &bx, &by);
        size_t k = (size_t)by * (size_t)ix->nx + (size_t)bx;
        ix->ids[ix->start[k]++] = i;
    }
    for (size_t k = nb; k > 0; k--) ix->start[k] = ix->start[k - 1];
    ix->start[0] = 0;
    *out = ix;
    return VEMT_OK;
}

void vemt_pindex_destroy(vemt_pindex *ix) {
    if (!ix) return;
    vemt_free(ix->start);
    vemt_free(ix->ids);
    vemt_free(ix);
}

void vemt_pindex_points(const vemt_pindex *ix, long bx, long by,
                        const size_t **ids, size_t *count) {
    size_t k = (size_t)by * (size_t)ix->nx + (size_t)bx;
    *ids = ix->ids + ix->start[k];
    *count = ix->start[k + 1] - ix->start[k];
}
