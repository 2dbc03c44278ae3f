/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file kdtree.h
 * @brief Two-dimensional k-d tree (private header): k-nearest distances,
 * and nearest-point queries over the points not yet removed under the
 * mutual reachability distance of HDBSCAN, for Prim's algorithm.
 */
#ifndef VEMT_ENGINE_KDTREE_H
#define VEMT_ENGINE_KDTREE_H

#include <stdint.h>

#include "engine/engine.h"

/** The tree. Plain struct read by hdbscan.c; built by vemt_kdtree_create()
 * only. Positions are the points' places in tree order. */
typedef struct vemt_kdtree {
    size_t n;          /* points */
    size_t nnodes;     /* nodes; node 0 is the root */
    double *box;       /* per node: xmin, xmax, ymin, ymax of its points */
    uint32_t *lo, *hi; /* per node: positions [lo, hi) */
    uint32_t *kid;     /* per node: first child (second is kid + 1); 0 =
                          leaf */
    uint32_t *up;      /* per node: parent (root: itself) */
    uint32_t *id;      /* per position: the point's index */
    uint32_t *leaf;    /* per position: its leaf node */
    double *x, *y;     /* per position: coordinates */
    /* Removal state for the reachability queries (see vemt_kdtree_arm). */
    double *cd;      /* per position: core distance */
    uint8_t *gone;   /* per position: removed */
    uint32_t *left;  /* per node: points not removed */
    double *mincd;   /* per node: least core distance not removed */
    uint32_t *minid; /* per node: least point index not removed */
} vemt_kdtree;

/** Build the tree over the n points (x, y), a level at a time on the
 * context's threads (vemt_ctx_set_threads; ctx NULL: the calling thread
 * alone); the tree is the same for any number of threads. Returns
 * VEMT_E_NOMEM. Caller owns *out; free with vemt_kdtree_destroy(). */
vemt_status vemt_kdtree_create(const vemt_ctx *ctx, const double *x,
                               const double *y, size_t n, vemt_kdtree **out);

/** Free the tree; NULL is a no-op. */
void vemt_kdtree_destroy(vemt_kdtree *t);

/** Squared distance from the point at position p to its k-th nearest other
 * point (coincident points count, at distance 0); heap holds k doubles.
 * Requires 1 <= k < n. */
double vemt_kdtree_kth_d2(const vemt_kdtree *t, size_t p, size_t k,
                          double *heap);

/** Most neighbours vemt_kdtree_kth_all() ranks (its heaps live on the
 * stack). */
#define VEMT_KDTREE_KTH_MAX 64

/** How vemt_kdtree_kth_all() measures the distance to the k-th neighbour
 * (each caller keeps the arithmetic it has always used). */
typedef enum vemt_kth_dist {
    VEMT_KTH_SQRT, /* sqrt(dx * dx + dy * dy) */
    VEMT_KTH_HYPOT /* hypot(dx, dy) */
} vemt_kth_dist;

/** For every point i (by point index), the distance from it to its k-th
 * nearest other point into d[i] (coincident points count, at distance 0),
 * measured as `how`. The k-th is taken in order of squared distance and
 * then of point index, so the same point is chosen whatever the tree's
 * shape (its squared distance does not depend on the tie-break). Runs on
 * the context's threads (vemt_ctx_set_threads) by vemt_mc_run, reporting
 * progress as `stage`; each d[i] is written by one item and nothing is
 * allocated, so d is the same for any number of threads: sum it serially
 * for a mean that is too. Returns VEMT_E_ARG unless 1 <= k < n and k <=
 * VEMT_KDTREE_KTH_MAX. */
vemt_status vemt_kdtree_kth_all(vemt_ctx *ctx, const vemt_kdtree *t, size_t k,
                                vemt_kth_dist how, const char *stage,
                                double *d);

/** Most points whose distances vemt_kdtree_kth_mean() measures for the
 * automatic cell size and bandwidth: above it, a systematic sample. The
 * mean of a million distances has a standard error of about a thousandth
 * of the mean, far below the rounding of the values made from it, and
 * measuring all ten million of a large run took 13 s of CPU. */
#define VEMT_KDTREE_MEAN_MOST 1000000

/** The mean of vemt_kdtree_kth_all()'s distances over the n points of xy
 * (x, y pairs, n >= 2) into *mean, from a tree built here on the
 * context's threads; summed by point index, or in the tree's order with
 * tree_order (the order the density bandwidth has always summed in), so
 * it is the same for any number of threads. With most > 0 and n > most,
 * only the points whose index is a multiple of *stride = ceil(n / most)
 * are measured (their k-th nearest still sought among all n) and summed
 * by index: a systematic sample of at most `most`; otherwise *stride is 1.
 * Returns as vemt_kdtree_kth_all, VEMT_E_NOMEM. */
vemt_status vemt_kdtree_kth_mean(vemt_ctx *ctx, const double *xy, size_t n,
                                 size_t k, vemt_kth_dist how, bool tree_order,
                                 size_t most, const char *stage, double *mean,
                                 size_t *stride);

/** Prepare the removal state with core distances cd (by point index).
 * Returns VEMT_E_NOMEM. */
vemt_status vemt_kdtree_arm(vemt_kdtree *t, const double *cd);

/** Remove the point at position p from the queries. */
void vemt_kdtree_remove(vemt_kdtree *t, size_t p);

/** Among the points not removed, the k least far from the point at
 * position p in mutual reachability distance max(cd_p, cd_q, d(p, q)),
 * ordered by distance and then by point index: their distances into
 * value[0..) and point indices into best[0..) (room for k). stack holds
 * nnodes entries. Returns how many were found (fewer than k when fewer
 * points are left). */
size_t vemt_kdtree_nearest_mr(const vemt_kdtree *t, size_t p, size_t k,
                              uint32_t *stack, double *value, uint32_t *best);

#endif /* VEMT_ENGINE_KDTREE_H */
