/** @file pindex.h
 * @brief Bucket index of points (private header): a uniform grid of square
 * buckets over the points' extent, each listing its points, for the
 * distance-band and nearest-neighbour searches.
 */
#ifndef VEMT_ENGINE_PINDEX_H
#define VEMT_ENGINE_PINDEX_H

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

#endif /* VEMT_ENGINE_PINDEX_H */
