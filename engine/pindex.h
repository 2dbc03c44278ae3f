/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pindex.h
 * @brief Bucket index of points (private header): a uniform grid of square
 * buckets over the points' extent, each listing its points, for the
 * distance-band and nearest-neighbour searches, and the one iterator over
 * the points near a place (weights, places, Knox, the child-level test).
 */
#ifndef VEMT_ENGINE_PINDEX_H
#define VEMT_ENGINE_PINDEX_H

#include <math.h>

#include "engine/engine.h"

/** The index. Plain struct, read by the searches; built by
 * vemt_pindex_create() only. */
typedef struct vemt_pindex {
    double x0, y0; /* south-west corner of bucket (0, 0) */
    double side;   /* bucket side */
    long nx, ny;   /* buckets across and up */
    size_t *start; /* nx * ny + 1 offsets into ids */
    size_t *ids;   /* point indices bucket by bucket, ascending in each */
} vemt_pindex;

/** Index the n points xy (x, y pairs) in buckets of about side (enlarged
 * so there are at most about 4n + 16 buckets). Returns VEMT_E_ARG for
 * non-finite coordinates, VEMT_E_NOMEM. Caller owns *out; free with
 * vemt_pindex_destroy(). */
vemt_status vemt_pindex_create(vemt_ctx *ctx, const double *xy, size_t n,
                               double side, vemt_pindex **out);

/** Free the index; NULL is a no-op. */
void vemt_pindex_destroy(vemt_pindex *ix);

/** Bucket column and row of (x, y), clamped to the index. */
void vemt_pindex_bucket(const vemt_pindex *ix, double x, double y, long *bx,
                        long *by);

/** The points of bucket (bx, by), which must be inside the index.
 * Borrowed; valid until the index is destroyed. */
void vemt_pindex_points(const vemt_pindex *ix, long bx, long by,
                        const size_t **ids, size_t *count);

/** Iterator over the points near a place (vemt_pindex_near). Plain struct
 * on the caller's stack; it borrows the index. */
typedef struct vemt_pindex_iter {
    const vemt_pindex *ix;
    long u0, u1, v1;        /* bucket columns u0..u1, rows up to v1 */
    long u, v;              /* the current bucket */
    const size_t *id, *end; /* the current bucket's points not yet given */
} vemt_pindex_iter;

/** An iterator on the points that may lie within r of (x, y): every point of
 * the buckets within ceil(r / side) buckets of (x, y)'s own, so every
 * point within r and some beyond, which the caller's own distance test
 * sorts out. They come bucket row by row from the south, west to east, in
 * ascending order within a bucket (vemt_pindex_next). Inline, as
 * vemt_pindex_next, so the iterator stays in registers: `for
 * (vemt_pindex_iter it = vemt_pindex_near(ix, x, y, r);
 * vemt_pindex_next(&it, &j);)`. */
static inline vemt_pindex_iter vemt_pindex_near(const vemt_pindex *ix, double x,
                                                double y, double r) {
    /* No bucket is farther than nx + ny away; a NaN or negative r has no
     * point within it. */
    double q = ceil(r / ix->side);
    if (!(q >= 0)) return (vemt_pindex_iter){.ix = ix};
    long bx, by, span = ix->nx + ix->ny;
    long reach = q < (double)span ? (long)q : span;
    vemt_pindex_bucket(ix, x, y, &bx, &by);
    /* Rows and columns past the index hold no point: clamp them away. */
    vemt_pindex_iter it = {
        .ix = ix,
        .u0 = bx - reach < 0 ? 0 : bx - reach,
        .u1 = bx + reach >= ix->nx ? ix->nx - 1 : bx + reach,
        .v1 = by + reach >= ix->ny ? ix->ny - 1 : by + reach};
    /* So that the first vemt_pindex_next moves to bucket (u0, v0). */
    it.u = it.u1;
    it.v = (by - reach < 0 ? 0 : by - reach) - 1;
    return it;
}

/** The next point of the iterator into *j; false when there is none left.
 * Inline: it runs for every candidate pair. */
static inline bool vemt_pindex_next(vemt_pindex_iter *it, size_t *j) {
    while (it->id == it->end) {
        if (it->u < it->u1) {
            it->u++;
        } else if (it->v < it->v1) {
            it->u = it->u0;
            it->v++;
        } else {
            return false;
        }
        size_t k = (size_t)it->v * (size_t)it->ix->nx + (size_t)it->u;
        it->id = it->ix->ids + it->ix->start[k];
        it->end = it->ix->ids + it->ix->start[k + 1];
    }
    *j = *it->id++;
    return true;
}

#endif /* VEMT_ENGINE_PINDEX_H */
