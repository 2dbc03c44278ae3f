/** @file weights.c
 * @brief Binary spatial weights as compressed neighbour lists, and the one
 * neighbour search over grid cells.
 */
#include <math.h>

#include "engine/alloc.h"
#include "engine/engine.h"

struct vemt_weights {
    size_t n;
    size_t *start; /* n + 1 offsets into nbr */
    size_t *nbr;   /* neighbour indices, each row ascending */
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

/* Visit the kept cells within band of cell i, in ascending index order
 * (rows south to north, columns west to east). Centre distances are whole
 * multiples of the cell size, so compare in cell units with a relative
 * tolerance: a plain <= on cell x sqrt(2) drops diagonal neighbours. With
 * out == NULL only count them. */
static size_t band_neighbours(const vemt_grid *g, size_t i, double band_cells,
                              bool self, size_t *out) {
    int ncol, nrow, col, row;
    vemt_grid_shape(g, &ncol, &nrow, NULL, NULL);
    vemt_grid_cell_colrow(g, i, &col, &row);
    int reach = (int)floor(band_cells * (1 + 1e-9));
    double lim2 = band_cells * band_cells * (1 + 1e-9) * (1 + 1e-9);
    double x0, y0, cell = vemt_grid_cell_m(g);
    vemt_grid_shape(g, NULL, NULL, &x0, &y0);
    size_t m = 0;
    for (int r = row - reach; r <= row + reach; r++) {
        for (int c = col - reach; c <= col + reach; c++) {
            if (r < 0 || r >= nrow || c < 0 || c >= ncol) continue;
            double dr = r - row, dc = c - col;
            if (dr * dr + dc * dc > lim2) continue;
            if (!self && r == row && c == col) continue;
            size_t j;
            double cx = x0 + (c + 0.5) * cell, cy = y0 + (r + 0.5) * cell;
            if (!vemt_grid_locate(g, cx, cy, &j)) continue;
            if (out) out[m] = j;
            m++;
        }
    }
    return m;
}

vemt_status vemt_weights_grid_band(vemt_ctx *ctx, const vemt_grid *grid,
                                   double band_m, bool include_self,
                                   vemt_weights **out) {
    *out = NULL;
    double cell = vemt_grid_cell_m(grid);
    if (!(band_m > 0) || !isfinite(band_m) || band_m / cell > 1000)
        return vemt_error_set(vemt_ctx_err(ctx), VEMT_E_ARG,
                              "distance band must be > 0 and at most 1000 "
                              "cells, got %g m",
                              band_m);
    double band_cells = band_m / cell;
    vemt_weights *w = vemt_calloc(1, sizeof *w);
    if (!w) return VEMT_E_NOMEM;
    w->n = vemt_grid_ncells(grid);
    w->start = vemt_calloc(w->n + 1, sizeof *w->start);
    if (!w->start) goto nomem;
    for (size_t i = 0; i < w->n; i++)
        w->start[i + 1] = w->start[i] + band_neighbours(grid, i, band_cells,
                                                        include_self, NULL);
    w->nbr = vemt_calloc(w->start[w->n], sizeof *w->nbr);
    if (!w->nbr) goto nomem;
    for (size_t i = 0; i < w->n; i++)
        band_neighbours(grid, i, band_cells, include_self,
                        w->nbr + w->start[i]);
    *out = w;
    return VEMT_OK;
nomem:
    vemt_weights_destroy(w);
    return VEMT_E_NOMEM;
}
