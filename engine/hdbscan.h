/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hdbscan.h
 * @brief HDBSCAN internals shared by hdbscan.c (core distances, Prim's
 * path) and hdbtree.c (R's cluster tree, selection and scores); private.
 */
#ifndef VEMT_ENGINE_HDBSCAN_H
#define VEMT_ENGINE_HDBSCAN_H

#include <stdint.h>

#include "engine/engine.h"

/** What the cluster tree produces (arrays of n, or NULL when not wanted). */
typedef struct vemt_hdb_out {
    int32_t *labels;
    double *membership;
    double *outlier;
    size_t n_clusters;
    double *stability; /* n_clusters entries, owned (vemt_free) */
} vemt_hdb_out;

/** From Prim's path over n >= 2 points (edge k joins point a[k], the
 * (k+2)-th point Prim added, to b[k], the one added just before it, at
 * mutual reachability w[k], as R's prims() records it) and the core
 * distances cd: R dbscan's hclust merges, cluster tree with stabilities
 * (computeStability), excess-of-mass selection (extractUnsupervised), the
 * labels, membership and GLOSH scores of hdbscan(). Returns VEMT_E_NOMEM. */
vemt_status vemt_hdb_tree(size_t n, const uint32_t *a, const uint32_t *b,
                          const double *w, const double *cd, size_t mcs,
                          vemt_hdb_out *out);

#endif /* VEMT_ENGINE_HDBSCAN_H */
