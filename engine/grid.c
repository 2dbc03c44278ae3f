/** @file grid.c
 * @brief Square grid over the study area, origin snapped to the national
 * grid, cells outside the study-area mask left out.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* A grid larger than this is a mistake (a 1 m cell over a county). */
#define MAX_CELLS 50000000L

struct vemt_grid {
    double cell;    /* cell side, metres */
    double x0, y0;  /* south-west corner of cell (0, 0) */
    int ncol, nrow; /* full rectangle */
    size_t n;       /* cells kept after the mask */
    int32_t *slot;  /* full index -> kept index, or -1 when masked out */
    size_t *full;   /* kept index -> full index (row * ncol + col) */
};

double vemt_grid_auto_cell_size_m(const vemt_bbox *extent, char *rule_out,
                                  size_t rule_size) {
    double w = extent->xmax - extent->xmin, h = extent->ymax - extent->ymin;
    double longer = fmax(w, h);
    /* Longer side / 100: the coarse default of Esri's Optimized Hot Spot
     * Analysis fishnet; rounded up to 50 m so cells line up across runs. */
    double cell = fmax(50.0, ceil(longer / 100.0 / 50.0) * 50.0);
    if (rule_out)
        snprintf(rule_out, rule_size,
                 "longer side of the extent (%.0f m) / 100, rounded up to a "
                 "multiple of 50 m, at least 50 m",
                 longer);
    return cell;
}

static vemt_status check_shape(vemt_ctx *ctx, double cell, const vemt_bbox *e,
                               double *cols, double *rows) {
    vemt_error *err = vemt_ctx_err(ctx);
    if (!(cell >= 1.0) || !isfinite(cell))
        return vemt_error_set(err, VEMT_E_ARG,
                              "cell size must be at least 1 m, got %g", cell);
    if (!vemt_bbox_is_valid(e))
        return vemt_error_set(err, VEMT_E_ARG, "empty extent for the grid");
    double x0 = floor(e->xmin / cell) * cell, y0 = floor(e->ymin / cell) * cell;
    *cols = floor((e->xmax - x0) / cell) + 1;
    *rows = floor((e->ymax - y0) / cell) + 1;
    if (*cols * *rows > (double)MAX_CELLS)
        return vemt_error_set(err, VEMT_E_ARG,
                              "a %g m grid over this extent has %.0f cells "
                              "(at most %ld): choose a larger cell size",
                              cell, *cols * *rows, MAX_CELLS);
    return VEMT_OK;
}

vemt_status vemt_grid_create(vemt_ctx *ctx, double cell_m,
                             const vemt_bbox *extent, const vemt_area *mask,
                             vemt_grid **out) {
    *out = NULL;
    double cols = 0, rows = 0;
    vemt_status st = check_shape(ctx, cell_m, extent, &cols, &rows);
    if (st) return st;
    vemt_grid *g = vemt_calloc(1, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    g->cell = cell_m;
    g->x0 = floor(extent->xmin / cell_m) * cell_m;
    g->y0 = floor(extent->ymin / cell_m) * cell_m;
    g->ncol = (int)cols;
    g->nrow = (int)rows;
    size_t total = (size_t)g->ncol * (size_t)g->nrow;
    g->slot = vemt_calloc(total, sizeof *g->slot);
    g->full = vemt_calloc(total, sizeof *g->full);
    if (!g->slot || !g->full) {
        vemt_grid_destroy(g);
        return VEMT_E_NOMEM;
    }
    for (size_t k = 0; k < total; k++) {
        g->slot[k] = -1;
        vemt_bbox b = {g->x0 + (double)(k % (size_t)g->ncol) * cell_m,
                       g->y0 + (double)(k / (size_t)g->ncol) * cell_m, 0, 0};
        b.xmax = b.xmin + cell_m;
        b.ymax = b.ymin + cell_m;
        if (mask && !vemt_area_intersects_bbox(mask, &b)) continue;
        g->slot[k] = (int32_t)g->n;
        g->full[g->n++] = k;
    }
    *out = g;
    return VEMT_OK;
}

void vemt_grid_destroy(vemt_grid *grid) {
    if (!grid) return;
    vemt_free(grid->slot);
    vemt_free(grid->full);
    vemt_free(grid);
}

size_t vemt_grid_ncells(const vemt_grid *grid) { return grid->n; }

double vemt_grid_cell_m(const vemt_grid *grid) { return grid->cell; }

void vemt_grid_shape(const vemt_grid *grid, int *ncol, int *nrow, double *x0,
                     double *y0) {
    if (ncol) *ncol = grid->ncol;
    if (nrow) *nrow = grid->nrow;
    if (x0) *x0 = grid->x0;
    if (y0) *y0 = grid->y0;
}

void vemt_grid_cell_colrow(const vemt_grid *grid, size_t i, int *col,
                           int *row) {
    size_t k = grid->full[i];
    *col = (int)(k % (size_t)grid->ncol);
    *row = (int)(k / (size_t)grid->ncol);
}

vemt_bbox vemt_grid_cell_bbox(const vemt_grid *grid, size_t i) {
    int col, row;
    vemt_grid_cell_colrow(grid, i, &col, &row);
    vemt_bbox b;
    b.xmin = grid->x0 + col * grid->cell;
    b.ymin = grid->y0 + row * grid->cell;
    b.xmax = b.xmin + grid->cell;
    b.ymax = b.ymin + grid->cell;
    return b;
}

void vemt_grid_cell_id(const vemt_grid *grid, size_t i, char *buf,
                       size_t size) {
    vemt_bbox b = vemt_grid_cell_bbox(grid, i);
    snprintf(buf, size, "%.0f_%.0f", b.xmin, b.ymin);
}

bool vemt_grid_locate(const vemt_grid *grid, double x, double y, size_t *i) {
    double c = floor((x - grid->x0) / grid->cell);
    double r = floor((y - grid->y0) / grid->cell);
    if (!(c >= 0 && c < grid->ncol && r >= 0 && r < grid->nrow)) return false;
    int32_t s = grid->slot[(size_t)r * (size_t)grid->ncol + (size_t)c];
    if (s < 0) return false;
    *i = (size_t)s;
    return true;
}

size_t vemt_grid_count(const vemt_grid *grid, const vemt_events *events,
                       unsigned kinds, double *counts) {
    for (size_t i = 0; i < grid->n; i++) counts[i] = 0;
    size_t counted = 0;
    for (size_t e = 0; e < events->n; e++) {
        const vemt_event *ev = &events->items[e];
        size_t i;
        if (!ev->located || !ev->in_area || !(kinds & (1u << ev->kind)))
            continue;
        if (!vemt_grid_locate(grid, ev->x, ev->y, &i)) continue;
        counts[i] += 1.0;
        counted++;
    }
    return counted;
}
