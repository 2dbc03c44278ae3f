/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file weights.h
 * @brief Weights internals shared inside engine/ (private header): building
 * compressed neighbour lists row by row or from pairs.
 */
#ifndef VEMT_ENGINE_WEIGHTS_H
#define VEMT_ENGINE_WEIGHTS_H

#include "engine/engine.h"

/** Most neighbour entries one set of weights may hold (2^27, 1 GiB). */
#define VEMT_WEIGHTS_MAX_LINKS ((size_t)1 << 27)

/** Empty weights for n units, to be filled by vemt_weights_append() row by
 * row. Returns VEMT_E_NOMEM. Caller owns *out; free with
 * vemt_weights_destroy(). */
vemt_status vemt_weights_begin(size_t n, vemt_weights **out);

/** Append the next row (rows come in order 0..n-1): the k indices in nbrs,
 * which are sorted ascending in place. Returns VEMT_E_NOMEM, or
 * VEMT_E_ARG past VEMT_WEIGHTS_MAX_LINKS. */
vemt_status vemt_weights_append(vemt_weights *w, size_t *nbrs, size_t k);

/** Symmetric weights for n units from npairs unordered pairs (i, j), i != j,
 * each listed once as pairs[2m], pairs[2m + 1]; with include_self each unit
 * is also its own neighbour. Returns VEMT_E_NOMEM. Caller owns *out; free
 * with vemt_weights_destroy(). */
vemt_status vemt_weights_from_pairs(size_t n, const size_t *pairs,
                                    size_t npairs, bool include_self,
                                    vemt_weights **out);

#endif /* VEMT_ENGINE_WEIGHTS_H */
