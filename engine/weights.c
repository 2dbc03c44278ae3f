/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file weights.c
 * @brief Binary spatial weights as compressed neighbour lists, built row by
 * row or from pairs, and the one distance-band search (any unit centres).
 */
#include "engine/weights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/pindex.h"

struct vemt_weights {
    size_t n;
    size_t *start; /* n + 1 offsets into nbr */
    size_t *nbr;   /* neighbour indices, each row ascending */
    size_t rows;   /* rows filled so far (== n once built) */
    size_t cap;    /* capacity of nbr while building */
};

void vemt_weights_destroy(vemt_weights *w) {
    if (!w) return;
    vemt_free(w->start);
    vemt_free(w->nbr);
    vemt_free(w);
}

size_t vemt_weights_n(const vemt_weights *w) { return w->n; }

void vemt_weights_neighbours(const vemt_weights *w, size_t i,
                             const size_t **nbrs, size_t *count) {
    *nbrs = w->nbr + w->start[i];
    *count = w->start[i + 1] - w->start[i];
}

size_t vemt_weights_links(const vemt_weights *w) { return w->start[w->n]; }

static int by_index(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

vemt_status vemt_weights_begin(size_t n, vemt_weights **out) {
    *out = NULL;
    vemt_weights *w = vemt_calloc(1, sizeof *w);
    if (!w) return VEMT_E_NOMEM;
    w->n = n;
    w->start = vemt_calloc(n + 1, sizeof *w->start);
    w->nbr = vemt_calloc(1, sizeof *w->nbr);
    if (!w->start || !w->nbr) {
        vemt_weights_destroy(w);
        return VEMT_E_NOMEM;
    }
    w->cap = 1;
    *out = w;
    return VEMT_OK;
}

vemt_status vemt_weights_append(vemt_weights *w, size_t *nbrs, size_t k) {
    if (w->rows >= w->n) return VEMT_E_ARG;
    size_t at = w->start[w->rows];
    if (k > VEMT_WEIGHTS_MAX_LINKS - at) return VEMT_E_ARG;
    if (vemt_grow((void **)&w->nbr, &w->cap, at + k, sizeof *w->nbr))
        return VEMT_E_NOMEM;
    if (k > 1) qsort(nbrs, k, sizeof *nbrs, by_index);
    if (k) memcpy(w->nbr + at, nbrs, k * sizeof *nbrs);
    w->start[++w->rows] = at + k;
    return VEMT_OK;
}

vemt_status vemt_weights_from_pairs(size_t n, const size_t *pairs,
                                    size_t npairs, bool include_self,
                                    vemt_weights **out) {
    *out = NULL;
    if (npairs > (VEMT_WEIGHTS_MAX_LINKS - n) / 2) return VEMT_E_ARG;
    vemt_weights *w;
    vemt_status st = vemt_weights_begin(n, &w);
    if (st) return st;
    size_t total = 2 * npairs + (include_self ? n : 0);
    size_t *at = vemt_calloc(n + 1, sizeof *at);
    size_t *nbr = vemt_calloc(total ? total : 1, sizeof *nbr);
    if (!at || !nbr) {
        vemt_free(at);
        vemt_free(nbr);
        vemt_weights_destroy(w);
        return VEMT_E_NOMEM;
    }
    for (size_t m = 0; m < 2 * npairs; m++) w->start[pairs[m] + 1]++;
    for (size_t i = 0; i < n; i++)
        w->start[i + 1] += w->start[i] + (include_self ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        at[i] = w->start[i];
        if (include_self) nbr[at[i]++] = i;
    }
    for (size_t m = 0; m < npairs; m++) {
        size_t i = pairs[2 * m], j = pairs[2 * m + 1];
        nbr[at[i]++] = j;
        nbr[at[j]++] = i;
    }
    for (size_t i = 0; i < n; i++)
        qsort(nbr + w->start[i], w->start[i + 1] - w->start[i], sizeof *nbr,
              by_index);
    vemt_free(at);
    vemt_free(w->nbr);
    w->nbr = nbr;
    w->cap = total ? total : 1;
    w->rows = n;
    *out = w;
    return VEMT_OK;
}

/* The points within reach_m (lim2 its square) of point i into *buf. */
static vemt_status band_row(const vemt_pindex *ix, const double *xy, size_t i,
                            double reach_m, double lim2, bool self,
                            size_t **buf, size_t *cap, size_t *k) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    size_t j;
    *k = 0;
    for (vemt_pindex_iter it = vemt_pindex_near(ix, x, y, reach_m);
         vemt_pindex_next(&it, &j);) {
        double dx = xy[2 * j] - x, dy = xy[2 * j + 1] - y;
        if ((j == i && !self) || dx * dx + dy * dy > lim2) continue;
        if (vemt_grow((void **)buf, cap, *k + 1, sizeof **buf))
            return VEMT_E_NOMEM;
        (*buf)[(*k)++] = j;
    }
    return VEMT_OK;
}

/* Distances are compared with a 1e-9 relative tolerance: centres of grid
 * cells at exactly the band (the diagonal at cell x sqrt(2), a hexagon's
 * neighbours at the cell size) must not be lost to rounding. */
vemt_status vemt_weights_band(vemt_ctx *ctx, const double *xy, size_t n,
                              double band_m, bool include_self,
                              vemt_weights **out) {
    *out = NULL;
    if (!(band_m > 0) || !isfinite(band_m))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "distance band must be > 0, got %g m", band_m);
    double reach_m = band_m * (1 + 1e-9), lim2 = reach_m * reach_m;
    vemt_pindex *ix = NULL;
    vemt_weights *w = NULL;
    size_t *buf = NULL, cap = 0, k;
    vemt_status st = vemt_pindex_create(ctx, xy, n, reach_m, &ix);
    if (!st) st = vemt_weights_begin(n, &w);
    for (size_t i = 0; i < n && !st; i++) {
        st = band_row(ix, xy, i, reach_m, lim2, include_self, &buf, &cap, &k);
        if (!st) st = vemt_weights_append(w, buf, k);
    }
    if (st == VEMT_E_ARG && w)
        vemt_ctx_fail(ctx, VEMT_E_ARG,
                      "a %g m band gives more than %zu neighbour links: "
                      "choose a shorter band",
                      band_m, VEMT_WEIGHTS_MAX_LINKS);
    vemt_free(buf);
    vemt_pindex_destroy(ix);
    if (st) {
        vemt_weights_destroy(w);
        return st;
    }
    *out = w;
    return VEMT_OK;
}

vemt_status vemt_weights_units_band(vemt_ctx *ctx, const vemt_units *units,
                                    double band_m, bool include_self,
                                    vemt_weights **out) {
    *out = NULL;
    double cell = vemt_units_cell_m(units);
    /* Polygon units have no cell size (0): the link cap guards them. */
    if (!(band_m > 0) || !isfinite(band_m) ||
        (cell > 0 && band_m / cell > 1000))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "distance band must be > 0 and at most 1000 "
                             "cells, got %g m",
                             band_m);
    size_t n = vemt_units_count(units);
    double *xy = vemt_calloc(2 * (n ? n : 1), sizeof *xy);
    if (!xy) return VEMT_E_NOMEM;
    vemt_units_centres(units, xy);
    vemt_status st = vemt_weights_band(ctx, xy, n, band_m, include_self, out);
    vemt_free(xy);
    return st;
}
