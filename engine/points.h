/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file points.h
 * @brief Point-set internals shared by the clustering and density modules
 * (private header): argument checks and the union-find they use.
 */
#ifndef VEMT_ENGINE_POINTS_H
#define VEMT_ENGINE_POINTS_H

#include "engine/engine.h"

/** Largest |coordinate| accepted, metres: well beyond any projected CRS,
 * small enough that a double still resolves a micrometre. */
#define VEMT_POINTS_MAX_COORD 1e9

/** Most points one clustering call takes (labels are int32). */
#define VEMT_POINTS_MAX ((size_t)INT32_MAX - 1)

/** Check pts: x and y present, finite and within VEMT_POINTS_MAX_COORD;
 * with need_time, t present; weights (when given) finite and >= 0; n at
 * most VEMT_POINTS_MAX. what names the caller in the message. Returns
 * VEMT_E_ARG with the reason in the context. */
vemt_status vemt_points_check(vemt_ctx *ctx, const vemt_points *pts,
                              bool need_time, const char *what);

/** "st", "nd", "rd" or "th": the English ordinal suffix of n. */
const char *vemt_ordinal_suffix(size_t n);

/** Sort the m points of xy (x, y pairs) by x, then y, and keep each
 * distinct location once, in that order (-0 as +0); count (may be NULL)
 * gets how many of the m points each kept location held. Returns the
 * number kept, or SIZE_MAX when out of memory (a radix sort's keys, above
 * 16,384 points; xy is then unchanged). */
size_t vemt_xy_distinct(double *xy, size_t m, double *count);

/** Union-find root of i with path halving (parent[i] == i at a root). */
static inline uint32_t vemt_uf_find(uint32_t *parent, uint32_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

/** Join the sets of a and b (the larger root under the smaller, so each
 * set's root is its lowest member: dbscan.c's join_small relies on it). Returns
 * false when they were one set already. */
static inline bool vemt_uf_union(uint32_t *parent, uint32_t a, uint32_t b) {
    a = vemt_uf_find(parent, a);
    b = vemt_uf_find(parent, b);
    if (a == b) return false;
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
    return true;
}

#endif /* VEMT_ENGINE_POINTS_H */
