/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file knn.c
 * @brief k-nearest-neighbour weights over the bucket index.
 *
 * Semantics of spdep's knearneigh() + knn2nb() (Bivand, Pebesma & Gomez-
 * Rubio 2013, "Applied Spatial Data Analysis with R", 2nd ed., Springer,
 * ch. 9, doi:10.1007/978-1-4614-7618-4): each unit's k nearest other
 * units by Euclidean distance, excluding itself (coincident units are
 * neighbours at distance 0), not symmetrised. Ties are broken
 * deterministically: among equal squared distances as computed in double
 * precision, the lower index wins (spdep leaves tie order to its k-d
 * tree). Rows are stored ascending, as knn2nb sorts them.
 */
#include <math.h>

#include "engine/alloc.h"
#include "engine/pindex.h"
#include "engine/weights.h"

/* The k best so far, ascending by (squared distance, index). */
typedef struct knn_best {
    size_t k, m;
    size_t *idx;
    double *d2;
} knn_best;

static void offer(knn_best *b, size_t j, double d2) {
    if (b->m == b->k && (d2 > b->d2[b->m - 1] ||
                         (d2 == b->d2[b->m - 1] && j > b->idx[b->m - 1])))
        return;
    size_t at = b->m < b->k ? b->m++ : b->m - 1;
    while (at > 0 && (b->d2[at - 1] > d2 ||
                      (b->d2[at - 1] == d2 && b->idx[at - 1] > j))) {
        b->d2[at] = b->d2[at - 1];
        b->idx[at] = b->idx[at - 1];
        at--;
    }
    b->d2[at] = d2;
    b->idx[at] = j;
}

/* Offer every point of the buckets on the square ring r around (bx, by). */
static void scan_ring(const vemt_pindex *ix, const double *xy, size_t i,
                      long bx, long by, long r, knn_best *b) {
    for (long v = by - r; v <= by + r; v++) {
        if (v < 0 || v >= ix->ny) continue;
        bool edge_row = v == by - r || v == by + r;
        for (long u = bx - r; u <= bx + r; u += edge_row ? 1 : 2 * r) {
            const size_t *ids;
            size_t m;
            if (u >= 0 && u < ix->nx) {
                vemt_pindex_points(ix, u, v, &ids, &m);
                for (size_t q = 0; q < m; q++) {
                    size_t j = ids[q];
                    double dx = xy[2 * j] - xy[2 * i];
                    double dy = xy[2 * j + 1] - xy[2 * i + 1];
                    if (j != i) offer(b, j, dx * dx + dy * dy);
                }
            }
            if (r == 0) break;
        }
    }
}

/* Search rings of buckets outwards until no unvisited point can beat or
 * tie the k-th best: after ring r every unvisited point is at least
 * r * side + (distance from the point to its own bucket's edge) away, and
 * the search stops only when the k-th best is strictly closer. */
static void knn_one(const vemt_pindex *ix, const double *xy, size_t i,
                    knn_best *b) {
    long bx, by;
    double x = xy[2 * i], y = xy[2 * i + 1];
    vemt_pindex_bucket(ix, x, y, &bx, &by);
    double left = ix->x0 + (double)bx * ix->side;
    double low = ix->y0 + (double)by * ix->side;
    double edge = fmin(fmin(x - left, left + ix->side - x),
                       fmin(y - low, low + ix->side - y));
    edge = fmax(edge, 0.0);
    long rmax = ix->nx > ix->ny ? ix->nx : ix->ny;
    b->m = 0;
    for (long r = 0; r <= rmax; r++) {
        scan_ring(ix, xy, i, bx, by, r, b);
        /* Less a hair for the rounding in the bucket arithmetic. */
        double bound = (double)r * ix->side + edge - 1e-9 * ix->side;
        if (bound > 0 && b->m == b->k && b->d2[b->k - 1] < bound * bound) break;
    }
}

/* Buckets of about two points each over the points' extent (a line of
 * points: about two per bucket along it). */
static double bucket_side(const double *xy, size_t n) {
    double x0 = xy[0], x1 = xy[0], y0 = xy[1], y1 = xy[1];
    for (size_t i = 1; i < n; i++) {
        x0 = fmin(x0, xy[2 * i]);
        x1 = fmax(x1, xy[2 * i]);
        y0 = fmin(y0, xy[2 * i + 1]);
        y1 = fmax(y1, xy[2 * i + 1]);
    }
    double w = x1 - x0, h = y1 - y0;
    if (w > 0 && h > 0) return sqrt(w * h * 2.0 / (double)n);
    return fmax(w, h) > 0 ? fmax(w, h) * 2.0 / (double)n : 1.0;
}

vemt_status vemt_weights_knn(vemt_ctx *ctx, const double *xy, size_t n,
                             size_t k, bool include_self, vemt_weights **out) {
    *out = NULL;
    if (k < 1 || k >= n)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "k nearest neighbours needs 1 <= k < number of "
                             "units, got k = %zu for %zu units",
                             k, n);
    vemt_pindex *ix = NULL;
    vemt_weights *w = NULL;
    knn_best b = {k, 0, vemt_calloc(k + 1, sizeof(size_t)),
                  vemt_calloc(k, sizeof(double))};
    vemt_status st = b.idx && b.d2 ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) st = vemt_pindex_create(ctx, xy, n, bucket_side(xy, n), &ix);
    if (!st) st = vemt_weights_begin(n, &w);
    for (size_t i = 0; i < n && !st; i++) {
        knn_one(ix, xy, i, &b);
        if (include_self) b.idx[b.m++] = i;
        st = vemt_weights_append(w, b.idx, b.m);
    }
    vemt_free(b.idx);
    vemt_free(b.d2);
    vemt_pindex_destroy(ix);
    if (st) {
        vemt_weights_destroy(w);
        return st;
    }
    *out = w;
    return VEMT_OK;
}
