/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file permute.h
 * @brief Conditional permutation internals shared inside engine/ (private
 * header): the one permutation loop behind Gi* and Local Moran's pseudo
 * p-values.
 */
#ifndef VEMT_ENGINE_PERMUTE_H
#define VEMT_ENGINE_PERMUTE_H

#include "engine/engine.h"

/** How a unit's statistic responds to the values drawn for its neighbours. */
typedef enum vemt_perm_kind {
    VEMT_PERM_VARIES = 0, /* monotone in the sum of the drawn values */
    VEMT_PERM_CONSTANT,   /* does not depend on them: p = 1 */
    VEMT_PERM_UNDEFINED   /* the statistic is undefined: p = NaN */
} vemt_perm_kind;

/** Two-sided conditional-permutation pseudo p-values for statistics that,
 * for each unit i, are monotone in the sum of its neighbours' values
 * (entries of w other than i itself): unit i keeps its own value, and each
 * of opts->permutations draws takes as many values as i has such
 * neighbours, without replacement, from the other n - 1 units. M_ge and
 * M_le count draws whose sum is >= and <= the observed one, and
 * p_sim[i] = min(1, 2 (min(M_ge, M_le) + 1) / (R + 1)). A unit with no
 * neighbour but itself gets NaN. kind (n entries; NULL: all VARIES) marks
 * constant and undefined statistics. Unit i draws from its own stream,
 * derived from opts->seed and i, so p_sim does not depend on the number of
 * threads. Draws from the narrowest pool that holds x
 * (vemt_permute_pool_for); every pool gives the same p_sim. Reports
 * progress as stage "permutations" from the calling thread. Returns VEMT_E_ARG
 * (size mismatch, n < 2 or >= 2^32, no permutations, a non-finite value),
 * VEMT_E_NOMEM. */
vemt_status vemt_permute_pseudo_p(vemt_ctx *ctx, const vemt_weights *w,
                                  const double *x, size_t n,
                                  const uint8_t *kind,
                                  const vemt_perm_opts *opts, double *p_sim);

/** The element type of the pool the neighbours' values are drawn from, in
 * order of width. Every pool draws the same picks from the same streams and
 * gives the same p_sim; a narrower pool keeps the random accesses in
 * cache. */
typedef enum vemt_perm_pool {
    VEMT_PERM_POOL_U8 = 0, /* integers 0..255, summed exactly */
    VEMT_PERM_POOL_U16,    /* integers 0..65535, summed exactly */
    VEMT_PERM_POOL_U32,    /* integers 0..2^32 - 1, summed exactly */
    VEMT_PERM_POOL_DOUBLE  /* any finite values, ties within a tolerance */
} vemt_perm_pool;

/** The narrowest pool that holds x[0..n-1] (and that vemt_permute_pseudo_p
 * uses) when a unit draws at most max_drawn values: an integer pool when
 * every value is a whole number in its range and max(x) x max_drawn <
 * 2^44, so that the double pool's sums are exact and its tie tolerance is
 * under a half; else VEMT_PERM_POOL_DOUBLE (fractions, negative or
 * non-finite values). */
vemt_perm_pool vemt_permute_pool_for(const double *x, size_t n,
                                     size_t max_drawn);

/** vemt_permute_pseudo_p on a given pool (tests compare the pools):
 * returns VEMT_E_ARG also when the pool is narrower than
 * vemt_permute_pool_for's for x (its max_drawn: the most entries of any
 * unit in w). */
vemt_status vemt_permute_pseudo_p_pool(vemt_ctx *ctx, const vemt_weights *w,
                                       const double *x, size_t n,
                                       const uint8_t *kind,
                                       const vemt_perm_opts *opts,
                                       vemt_perm_pool pool, double *p_sim);

#endif /* VEMT_ENGINE_PERMUTE_H */
