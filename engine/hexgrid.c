/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hexgrid.c
 * @brief Grid of flat-topped hexagons on a lattice anchored at the CRS
 * origin, cells outside the study-area mask left out.
 *
 * Lattice: flat-topped hexagons in offset columns, odd columns half a cell
 * north (the "flat" layout with offset coordinates of A. Patel, "Hexagonal
 * Grids", Red Blob Games 2013, https://www.redblobgames.com/grids/hexagons/;
 * hexagonal binning as in Birch, Oom & Beecham 2007, Ecological Modelling
 * 206:347-359, doi:10.1016/j.ecolmodel.2007.03.041). With s the cell size
 * (the distance between opposite edges, Esri's hexagon "height"), the side
 * and circumradius is R = s / sqrt(3) and columns are 1.5 R = s sqrt(3) / 2
 * apart. Hexagon (c, r), for any integers c and r, has its centre at
 *
 *   x = 3c * (R / 2),   y = (2r + (c odd ? 1 : 0)) * (s / 2),
 *
 * (that is, x = c s sqrt(3) / 2 and y = (r + 1/2 if c is odd) s),
 * so every run with the same cell size uses the same hexagons and a
 * hexagon's id "H<c>_<r>" is stable. All six neighbours' centres are s
 * away.
 *
 * A point belongs to the hexagon that contains it; a point on an edge or
 * vertex shared by several (within 1e-9 s, which absorbs rounding) belongs
 * to the one whose centre lies furthest north. Shared edges and vertices
 * never join hexagons with equal northings, so the owner is unique: a
 * hexagon owns its southern edges, as a square cell owns its south edge.
 */
#include <math.h>
#include <stdio.h>

#include "engine/alloc.h"
#include "engine/grid.h"
#include "engine/study_area.h"

#define SQRT3 1.7320508075688772

/* Parity of a column, correct for negative columns too. */
static bool is_odd(long c) { return c % 2 != 0; }

/* Every centre and vertex lies on the half-lattice of x = i R / 2 and
 * y = j s / 2 for integers i and j; computing each coordinate as
 * (double)i * (R / 2) makes the vertices that neighbours share identical
 * to the last bit, so the rings tile without gaps or slivers. */
static double half_x(double s, long i) { return (double)i * (s / SQRT3 / 2); }
static double half_y(double s, long j) { return (double)j * (s / 2); }

static void lattice_centre(double s, long c, long r, double *x, double *y) {
    *x = half_x(s, 3 * c);
    *y = half_y(s, 2 * r + (is_odd(c) ? 1 : 0));
}

/* Absolute column and row of kept cell i. */
static void cell_cr(const vemt_units *g, size_t i, long *c, long *r) {
    size_t k = g->full[i];
    *c = g->col0 + (long)(k % (size_t)g->ncol);
    *r = g->row0 + (long)(k / (size_t)g->ncol);
}

static size_t lattice_ring(double s, long c, long r, double *xy) {
    long i = 3 * c, j = 2 * r + (is_odd(c) ? 1 : 0);
    /* Counter-clockwise from the east vertex, every 60 degrees, in steps
     * of R / 2 across and s / 2 up from the centre. */
    static const int di[7] = {2, 1, -1, -2, -1, 1, 2};
    static const int dj[7] = {0, 1, 1, 0, -1, -1, 0};
    for (int k = 0; k < 7; k++) {
        xy[2 * k] = half_x(s, i + di[k]);
        xy[2 * k + 1] = half_y(s, j + dj[k]);
    }
    return 7;
}

/* Does the closed hexagon centred at (cx, cy) meet the closed box? The
 * separating-axis test on the box's two axes and the hexagon's two slanted
 * edge normals (sqrt(3)/2, +-1/2), along which the hexagon reaches s / 2. */
static bool hex_meets_box(double s, double cx, double cy, const vemt_bbox *b) {
    double rad = s / SQRT3, a = s / 2;
    if (cx + rad < b->xmin || cx - rad > b->xmax || cy + a < b->ymin ||
        cy - a > b->ymax)
        return false;
    for (int sign = -1; sign <= 1; sign += 2) {
        double lo = INFINITY, hi = -INFINITY;
        const double xs[2] = {b->xmin - cx, b->xmax - cx};
        const double ys[2] = {b->ymin - cy, b->ymax - cy};
        for (int p = 0; p < 4; p++) {
            double d = xs[p & 1] * (SQRT3 / 2) + ys[p >> 1] * (0.5 * sign);
            lo = fmin(lo, d);
            hi = fmax(hi, d);
        }
        if (hi < -a || lo > a) return false;
    }
    return true;
}

/* The hexagon owning (x, y) under the rule in the file comment. */
static bool hex_owner(double s, double x, double y, long *oc, long *orow) {
    double step = s * SQRT3 / 2, rad = s / SQRT3, tol = 1e-9 * s;
    if (!isfinite(x) || !isfinite(y) || fabs(x / step) > 1e15 ||
        fabs(y / s) > 1e15)
        return false;
    long c_lo = (long)ceil((x - rad - tol) / step);
    long c_hi = (long)floor((x + rad + tol) / step);
    bool found = false;
    double best = -INFINITY;
    for (long c = c_lo; c <= c_hi; c++) {
        double off = is_odd(c) ? 0.5 : 0.0;
        long r_lo = (long)ceil(y / s - off - 0.5 - 1e-9);
        long r_hi = (long)floor(y / s - off + 0.5 + 1e-9);
        for (long r = r_lo; r <= r_hi; r++) {
            double cx, cy;
            lattice_centre(s, c, r, &cx, &cy);
            double ax = fabs(x - cx), ay = fabs(y - cy);
            /* Inside: |dy| <= s/2 and sqrt(3)|dx| + |dy| <= s (the slanted
             * edges lie s/2 from the centre along (sqrt(3)/2, 1/2)). */
            if (ay > s / 2 + tol || SQRT3 * ax + ay > s + 2 * tol) continue;
            if (!found || cy > best) {
                found = true;
                best = cy;
                *oc = c;
                *orow = r;
            }
        }
    }
    return found;
}

/* Columns and rows of lattice hexagons that may meet the extent. */
static vemt_status hex_shape(vemt_ctx *ctx, double s, const vemt_bbox *e,
                             long *c0, long *r0, int *ncol, int *nrow) {
    if (!(s >= 1.0) || !isfinite(s))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "cell size must be at least 1 m, got %g", s);
    if (!vemt_bbox_is_valid(e))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "empty extent for the grid");
    double step = s * SQRT3 / 2, rad = s / SQRT3;
    double cmin = ceil((e->xmin - rad) / step);
    double cmax = floor((e->xmax + rad) / step);
    double rmin = ceil(e->ymin / s - 1), rmax = floor(e->ymax / s + 0.5);
    double cols = cmax - cmin + 1, rows = rmax - rmin + 1;
    if (cols * rows > (double)VEMT_GRID_MAX_CELLS || fabs(cmin) > 1e15 ||
        fabs(rmin) > 1e15)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a %g m hexagon grid over this extent has %.0f "
                             "cells (at most %ld): choose a larger cell size",
                             s, cols * rows, VEMT_GRID_MAX_CELLS);
    *c0 = (long)cmin;
    *r0 = (long)rmin;
    *ncol = (int)cols;
    *nrow = (int)rows;
    return VEMT_OK;
}

vemt_status vemt_units_create_hex(vemt_ctx *ctx, double cell_m,
                                  const vemt_bbox *extent,
                                  const vemt_study_area *mask,
                                  vemt_units **out) {
    *out = NULL;
    long c0 = 0, r0 = 0;
    int ncol = 0, nrow = 0;
    vemt_status st = hex_shape(ctx, cell_m, extent, &c0, &r0, &ncol, &nrow);
    if (st) return st;
    vemt_units *g = vemt_calloc(1, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    g->shape = VEMT_UNIT_HEX;
    g->cell = cell_m;
    g->col0 = c0;
    g->row0 = r0;
    g->ncol = ncol;
    g->nrow = nrow;
    lattice_centre(cell_m, c0, r0, &g->x0, &g->y0);
    if (vemt_units_alloc_lattice(g)) {
        vemt_units_destroy(g);
        return VEMT_E_NOMEM;
    }
    size_t total = (size_t)ncol * (size_t)nrow;
    for (size_t k = 0; k < total; k++) {
        long c = c0 + (long)(k % (size_t)ncol),
             r = r0 + (long)(k / (size_t)ncol);
        double cx, cy, ring[2 * VEMT_UNIT_RING_MAX];
        g->slot[k] = -1;
        lattice_centre(cell_m, c, r, &cx, &cy);
        if (!hex_meets_box(cell_m, cx, cy, extent)) continue;
        lattice_ring(cell_m, c, r, ring);
        if (mask && !vemt_study_area_intersects_ring(mask, ring, 7)) continue;
        g->slot[k] = (int32_t)g->n;
        g->full[g->n++] = k;
    }
    *out = g;
    return VEMT_OK;
}

void vemt_hexgrid_centre(const vemt_units *g, size_t i, double *x, double *y) {
    long c, r;
    cell_cr(g, i, &c, &r);
    lattice_centre(g->cell, c, r, x, y);
}

size_t vemt_hexgrid_ring(const vemt_units *g, size_t i, double *xy) {
    long c, r;
    cell_cr(g, i, &c, &r);
    return lattice_ring(g->cell, c, r, xy);
}

vemt_bbox vemt_hexgrid_bbox(const vemt_units *g, size_t i) {
    double cx, cy, rad = g->cell / SQRT3;
    vemt_hexgrid_centre(g, i, &cx, &cy);
    vemt_bbox b = {cx - rad, cy - g->cell / 2, cx + rad, cy + g->cell / 2};
    return b;
}

void vemt_hexgrid_id(const vemt_units *g, size_t i, char *buf, size_t size) {
    long c, r;
    cell_cr(g, i, &c, &r);
    snprintf(buf, size, "H%ld_%ld", c, r);
}

bool vemt_hexgrid_lattice_cell(double s, double x, double y, long *c, long *r) {
    return hex_owner(s, x, y, c, r);
}

bool vemt_hexgrid_locate(const vemt_units *g, double x, double y, size_t *i) {
    long c, r;
    if (!hex_owner(g->cell, x, y, &c, &r)) return false;
    long col = c - g->col0, row = r - g->row0;
    if (col < 0 || col >= g->ncol || row < 0 || row >= g->nrow) return false;
    int32_t s = g->slot[(size_t)row * (size_t)g->ncol + (size_t)col];
    if (s < 0) return false;
    *i = (size_t)s;
    return true;
}
