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
 * threads. Reports progress as stage "permutations" from the calling
 * thread. Returns VEMT_E_ARG (size mismatch, n < 2 or >= 2^32, no
 * permutations, a non-finite value), VEMT_E_NOMEM. */
vemt_status vemt_permute_pseudo_p(vemt_ctx *ctx, const vemt_weights *w,
                                  const double *x, size_t n,
                                  const uint8_t *kind,
                                  const vemt_perm_opts *opts, double *p_sim);

#endif /* VEMT_ENGINE_PERMUTE_H */
