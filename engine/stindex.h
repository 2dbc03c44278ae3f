/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file stindex.h
 * @brief Space-time index for the fixed-radius searches of DBSCAN and
 * ST-DBSCAN (private header): square cells of one side over the plane, the
 * occupied ones in a hash table, each holding its points sorted by time and
 * then by id, with copies of their coordinates and times so a scan reads memory
 * in order.
 */
#ifndef VEMT_ENGINE_STINDEX_H
#define VEMT_ENGINE_STINDEX_H

#include <stdint.h>

#include "engine/engine.h"

/** The index. Plain struct read by the searches; built by
 * vemt_stindex_create() only. */
typedef struct vemt_stindex {
    double x0, y0; /* south-west corner of cell (0, 0) */
    double side;   /* cell side, metres */
    size_t n;      /* points */
    size_t ncells; /* occupied cells */
    int64_t *col;  /* per cell: column and row from (x0, y0) */
    int64_t *row;
    uint64_t *key;  /* per cell: row * span + col */
    size_t *start;  /* ncells + 1 offsets into the point arrays */
    uint32_t *id;   /* point ids in cell order */
    double *x, *y;  /* coordinates in cell order */
    int64_t *t;     /* times in cell order (0 without times) */
    uint64_t span;  /* columns spanned by the points */
    size_t hmask;   /* hash table of hmask + 1 slots */
    uint32_t *slot; /* cell index + 1, 0 = empty */
} vemt_stindex;

/** Index the n points ids[0..n) of the arrays x, y and t (t may be NULL)
 * in cells of side metres. Returns VEMT_E_ARG when the cells over the
 * points' extent would number more than 2^62 (side far too small),
 * VEMT_E_NOMEM. Caller owns *out; free with vemt_stindex_destroy(). */
vemt_status vemt_stindex_create(vemt_ctx *ctx, const double *x, const double *y,
                                const int64_t *t, const uint32_t *ids, size_t n,
                                double side, vemt_stindex **out);

/** Free the index; NULL is a no-op. */
void vemt_stindex_destroy(vemt_stindex *c);

/** The occupied cell at (col, row), or SIZE_MAX. */
size_t vemt_stindex_find(const vemt_stindex *c, int64_t col, int64_t row);

/** The occupied cells whose column and row differ from cell k's by at most
 * reach (k itself first), into nb (room for (2 reach + 1)^2 entries).
 * Returns how many. */
size_t vemt_stindex_around(const vemt_stindex *c, size_t k, int reach,
                           size_t *nb);

/** Squared distances from (x, y) to the nearest and farthest points of
 * cell k's square grown by a micrometre (so both bounds hold for points
 * that rounding put on either side of an edge). Inline: it runs for every
 * point and cell around it. */
static inline void vemt_stindex_bounds(const vemt_stindex *c, size_t k,
                                       double x, double y, double *near2,
                                       double *far2) {
    const double tol = 1e-6;
    double x0 = c->x0 + (double)c->col[k] * c->side - tol;
    double x1 = c->x0 + (double)(c->col[k] + 1) * c->side + tol;
    double y0 = c->y0 + (double)c->row[k] * c->side - tol;
    double y1 = c->y0 + (double)(c->row[k] + 1) * c->side + tol;
    double gx = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    double gy = y < y0 ? y0 - y : y > y1 ? y - y1 : 0;
    double fx = x - x0 > x1 - x ? x - x0 : x1 - x;
    double fy = y - y0 > y1 - y ? y - y0 : y1 - y;
    *near2 = gx * gx + gy * gy;
    *far2 = fx * fx + fy * fy;
}

/** First index in the ascending times t[lo..hi) that is >= t0. */
size_t vemt_times_lower(const int64_t *t, size_t lo, size_t hi, int64_t t0);

/** First index in the ascending times t[lo..hi) that is > t0. */
size_t vemt_times_upper(const int64_t *t, size_t lo, size_t hi, int64_t t0);

/** a + b clamped to the int64 range. */
int64_t vemt_add_sat(int64_t a, int64_t b);

#endif /* VEMT_ENGINE_STINDEX_H */
