/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file grid.c
 * @brief Analysis units on a square grid over the study area, origin
 * snapped to the national grid, cells outside the study-area mask left
 * out; what every unit shape shares (hexagons: hexgrid.c, polygons:
 * units.c); the automatic cell size.
 */
#include "engine/grid.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/kdtree.h"
#include "engine/points.h"
#include "engine/polygons.h"

#define MAX_CELLS VEMT_GRID_MAX_CELLS

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
    if (!(cell >= 1.0) || !isfinite(cell))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "cell size must be at least 1 m, got %g", cell);
    if (!vemt_bbox_is_valid(e))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "empty extent for the grid");
    double x0 = floor(e->xmin / cell) * cell, y0 = floor(e->ymin / cell) * cell;
    *cols = floor((e->xmax - x0) / cell) + 1;
    *rows = floor((e->ymax - y0) / cell) + 1;
    if (*cols * *rows > (double)MAX_CELLS)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "a %g m grid over this extent has %.0f cells "
                             "(at most %ld): choose a larger cell size",
                             cell, *cols * *rows, MAX_CELLS);
    return VEMT_OK;
}

vemt_status vemt_units_create_square(vemt_ctx *ctx, double cell_m,
                                     const vemt_bbox *extent,
                                     const vemt_study_area *mask,
                                     vemt_units **out) {
    *out = NULL;
    double cols = 0, rows = 0;
    vemt_status st = check_shape(ctx, cell_m, extent, &cols, &rows);
    if (st) return st;
    vemt_units *g = vemt_calloc(1, sizeof *g);
    if (!g) return VEMT_E_NOMEM;
    g->cell = cell_m;
    g->x0 = floor(extent->xmin / cell_m) * cell_m;
    g->y0 = floor(extent->ymin / cell_m) * cell_m;
    g->ncol = (int)cols;
    g->nrow = (int)rows;
    size_t total = (size_t)g->ncol * (size_t)g->nrow;
    if (vemt_units_alloc_lattice(g)) {
        vemt_units_destroy(g);
        return VEMT_E_NOMEM;
    }
    for (size_t k = 0; k < total; k++) {
        g->slot[k] = -1;
        vemt_bbox b = {g->x0 + (double)(k % (size_t)g->ncol) * cell_m,
                       g->y0 + (double)(k / (size_t)g->ncol) * cell_m, 0, 0};
        b.xmax = b.xmin + cell_m;
        b.ymax = b.ymin + cell_m;
        if (mask && !vemt_study_area_intersects_bbox(mask, &b)) continue;
        g->slot[k] = (int32_t)g->n;
        g->full[g->n++] = k;
    }
    *out = g;
    return VEMT_OK;
}

void vemt_units_destroy(vemt_units *units) {
    if (!units) return;
    vemt_polygons_destroy(units->polys);
    vemt_free(units->slot);
    vemt_free(units->full);
    vemt_free(units);
}

size_t vemt_units_count(const vemt_units *units) { return units->n; }

double vemt_units_cell_m(const vemt_units *units) { return units->cell; }

void vemt_units_lattice(const vemt_units *units, int *ncol, int *nrow,
                        double *x0, double *y0) {
    if (ncol) *ncol = units->ncol;
    if (nrow) *nrow = units->nrow;
    if (x0) *x0 = units->x0;
    if (y0) *y0 = units->y0;
}

void vemt_units_colrow(const vemt_units *units, size_t i, int *col, int *row) {
    if (units->shape == VEMT_UNIT_POLYGON) {
        *col = *row = -1;
        return;
    }
    size_t k = units->full[i];
    *col = (int)(k % (size_t)units->ncol);
    *row = (int)(k / (size_t)units->ncol);
}

vemt_bbox vemt_units_bbox(const vemt_units *units, size_t i) {
    if (units->shape == VEMT_UNIT_HEX) return vemt_hexgrid_bbox(units, i);
    if (units->shape == VEMT_UNIT_POLYGON)
        return vemt_polygons_bbox(units->polys, i);
    int col, row;
    vemt_units_colrow(units, i, &col, &row);
    vemt_bbox b;
    b.xmin = units->x0 + col * units->cell;
    b.ymin = units->y0 + row * units->cell;
    /* As the next cell computes its minimum, so neighbours share edges
     * exactly whatever the cell size. */
    b.xmax = units->x0 + (col + 1) * units->cell;
    b.ymax = units->y0 + (row + 1) * units->cell;
    return b;
}

void vemt_units_id(const vemt_units *units, size_t i, char *buf, size_t size) {
    if (units->shape == VEMT_UNIT_HEX) {
        vemt_hexgrid_id(units, i, buf, size);
        return;
    }
    if (units->shape == VEMT_UNIT_POLYGON) {
        snprintf(buf, size, "%s", vemt_polygons_id(units->polys, i));
        return;
    }
    vemt_bbox b = vemt_units_bbox(units, i);
    snprintf(buf, size, "%.0f_%.0f", b.xmin, b.ymin);
}

bool vemt_units_locate(const vemt_units *units, double x, double y, size_t *i) {
    if (units->shape == VEMT_UNIT_HEX)
        return vemt_hexgrid_locate(units, x, y, i);
    if (units->shape == VEMT_UNIT_POLYGON)
        return vemt_polygons_locate(units->polys, x, y, i);
    double c = floor((x - units->x0) / units->cell);
    double r = floor((y - units->y0) / units->cell);
    if (!(c >= 0 && c < units->ncol && r >= 0 && r < units->nrow)) return false;
    int32_t s = units->slot[(size_t)r * (size_t)units->ncol + (size_t)c];
    if (s < 0) return false;
    *i = (size_t)s;
    return true;
}

size_t vemt_count_events_by(const vemt_events *events, unsigned kinds,
                            vemt_locate_fn locate, const void *where,
                            double *counts, size_t n) {
    for (size_t i = 0; i < n; i++) counts[i] = 0;
    size_t counted = 0;
    for (size_t e = 0; e < events->n; e++) {
        const vemt_event *ev = &events->items[e];
        size_t i;
        if (!vemt_event_counted(ev, kinds)) continue;
        if (!locate(where, ev->x, ev->y, &i)) continue;
        counts[i] += 1.0;
        counted++;
    }
    return counted;
}

static bool locate_unit(const void *units, double x, double y, size_t *i) {
    return vemt_units_locate(units, x, y, i);
}

size_t vemt_units_count_events(const vemt_units *units,
                               const vemt_events *events, unsigned kinds,
                               double *counts) {
    return vemt_count_events_by(events, kinds, locate_unit, units, counts,
                                units->n);
}

/* The (unit, subject) pair of each event vemt_units_count_events counts,
 * into a new array (*m of them); NULL when memory runs out. */
static vemt_subject_pair *unit_pairs(const vemt_units *units,
                                     const vemt_events *events, unsigned kinds,
                                     size_t *m) {
    vemt_subject_pair *cs = vemt_calloc(events->n ? events->n : 1, sizeof *cs);
    *m = 0;
    for (size_t e = 0; cs && e < events->n; e++) {
        const vemt_event *ev = &events->items[e];
        size_t i;
        if (!vemt_event_counted(ev, kinds) ||
            !vemt_units_locate(units, ev->x, ev->y, &i))
            continue;
        cs[(*m)++] = (vemt_subject_pair){i, ev->subject_key};
    }
    return cs;
}

vemt_status vemt_units_count_subjects(const vemt_units *units,
                                      const vemt_events *events, unsigned kinds,
                                      double *subjects) {
    for (size_t i = 0; i < units->n; i++) subjects[i] = 0;
    size_t m;
    vemt_subject_pair *cs = unit_pairs(units, events, kinds, &m);
    if (!cs) return VEMT_E_NOMEM;
    vemt_status st = vemt_subjects_count(cs, m, subjects, units->n, NULL);
    vemt_free(cs);
    return st;
}

vemt_status vemt_units_subjects_top(const vemt_units *units,
                                    const vemt_events *events, unsigned kinds,
                                    double *subjects, double *top) {
    size_t m;
    vemt_subject_pair *cs = unit_pairs(units, events, kinds, &m);
    if (!cs) return VEMT_E_NOMEM;
    vemt_status st = vemt_subjects_top(cs, m, units->n, subjects, top);
    vemt_free(cs);
    return st;
}

/* ---- Every unit shape ---- */

vemt_status vemt_units_alloc_lattice(vemt_units *g) {
    size_t total = (size_t)g->ncol * (size_t)g->nrow;
    g->slot = vemt_calloc(total, sizeof *g->slot);
    g->full = vemt_calloc(total, sizeof *g->full);
    return g->slot && g->full ? VEMT_OK : VEMT_E_NOMEM;
}

vemt_unit_shape vemt_units_shape(const vemt_units *units) {
    return units->shape;
}

void vemt_units_centre(const vemt_units *units, size_t i, double *x,
                       double *y) {
    if (units->shape == VEMT_UNIT_HEX) {
        vemt_hexgrid_centre(units, i, x, y);
        return;
    }
    if (units->shape == VEMT_UNIT_POLYGON) {
        /* Centroids, as spdep's distance weights on sf polygons take them. */
        double xy[2];
        vemt_polygons_centre(units->polys, i, VEMT_CENTRE_CENTROID, xy);
        *x = xy[0];
        *y = xy[1];
        return;
    }
    int col, row;
    vemt_units_colrow(units, i, &col, &row);
    *x = units->x0 + (col + 0.5) * units->cell;
    *y = units->y0 + (row + 0.5) * units->cell;
}

void vemt_units_centres(const vemt_units *units, double *xy) {
    for (size_t i = 0; i < units->n; i++)
        vemt_units_centre(units, i, &xy[2 * i], &xy[2 * i + 1]);
}

size_t vemt_units_ring(const vemt_units *units, size_t i, double *xy) {
    if (units->shape == VEMT_UNIT_HEX) return vemt_hexgrid_ring(units, i, xy);
    if (units->shape == VEMT_UNIT_POLYGON) return 0; /* vemt_units_wkb */
    vemt_bbox b = vemt_units_bbox(units, i);
    const double ring[5][2] = {{b.xmin, b.ymin},
                               {b.xmax, b.ymin},
                               {b.xmax, b.ymax},
                               {b.xmin, b.ymax},
                               {b.xmin, b.ymin}};
    for (int v = 0; v < 5; v++) {
        xy[2 * v] = ring[v][0];
        xy[2 * v + 1] = ring[v][1];
    }
    return 5;
}

/* The distinct located, in-area event locations of the kinds, sorted, into
 * *xy (2 x *n doubles), and how many events each holds into *w (may be
 * NULL). Coincident events count once for distances: police.uk snaps
 * events to shared map points, and a zero distance says nothing about how
 * far apart places with events are. */
static vemt_status distinct_locations(const vemt_events *events, unsigned kinds,
                                      double **xy, double **w, size_t *n) {
    *n = 0;
    *xy = vemt_calloc(2 * (events->n ? events->n : 1), sizeof **xy);
    if (w) *w = vemt_calloc(events->n ? events->n : 1, sizeof **w);
    if (!*xy || (w && !*w)) {
        vemt_free(*xy);
        if (w) vemt_free(*w), *w = NULL;
        *xy = NULL;
        return VEMT_E_NOMEM;
    }
    size_t m = 0;
    for (size_t e = 0; e < events->n; e++) {
        const vemt_event *ev = &events->items[e];
        if (!vemt_event_counted(ev, kinds)) continue;
        (*xy)[2 * m] = ev->x;
        (*xy)[2 * m + 1] = ev->y;
        m++;
    }
    *n = vemt_xy_distinct(*xy, m, w ? *w : NULL);
    if (*n != SIZE_MAX) return VEMT_OK;
    vemt_free(*xy);
    if (w) vemt_free(*w), *w = NULL;
    *xy = NULL;
    return VEMT_E_NOMEM;
}

/* Mean nearest-neighbour distance of the points (Clark & Evans 1954,
 * "Distance to nearest neighbor as a measure of spatial relationships in
 * populations", Ecology 35(4):445-453, doi:10.2307/1931034: the observed
 * mean r_A, which Esri's Average Nearest Neighbor tool reports as the
 * "Observed Mean Distance"). 0 for fewer than 2 points. */
static vemt_status mean_nn_distance(vemt_ctx *ctx, const double *xy, size_t n,
                                    double *out, size_t *stride) {
    *out = 0;
    *stride = 1;
    if (n < 2) return VEMT_OK;
    /* Each location's nearest other location on the context's threads
     * (kdtree.c); the nearest is the one of lowest index among equally
     * near ones, as vemt_weights_knn chose it, and its distance is
     * hypot(dx, dy) as before, summed here in index order, so the mean is
     * the same for any number of threads (tests/test_knn_dist.c). */
    return vemt_kdtree_kth_mean(ctx, xy, n, 1, VEMT_KTH_HYPOT, false,
                                VEMT_KDTREE_MEAN_MOST,
                                "cell size: nearest neighbours", out, stride);
}

/* A cell of a candidate grid and the events in it. */
typedef struct cell_count {
    long c, r;
    double n;
} cell_count;

static int by_cell(const void *a, const void *b) {
    const cell_count *p = a, *q = b;
    if (p->c != q->c) return p->c < q->c ? -1 : 1;
    if (p->r != q->r) return p->r < q->r ? -1 : 1;
    return 0;
}

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median events per non-empty cell of the grid of cells cell_m across
 * (squares with the origin snapped to a multiple of cell_m, as
 * vemt_units_create_square lays them; hexagons on the shared lattice) over
 * the n distinct locations xy holding w events each, and the number of
 * non-empty cells. O(n log n); tmp holds n cell_counts, v n doubles. */
static double median_per_cell(const double *xy, const double *w, size_t n,
                              double cell_m, bool hex, cell_count *tmp,
                              double *v, size_t *nonempty) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        long c, r;
        if (hex) {
            if (!vemt_hexgrid_lattice_cell(cell_m, xy[2 * i], xy[2 * i + 1], &c,
                                           &r))
                continue;
        } else {
            c = (long)floor(xy[2 * i] / cell_m);
            r = (long)floor(xy[2 * i + 1] / cell_m);
        }
        tmp[m++] = (cell_count){c, r, w[i]};
    }
    qsort(tmp, m, sizeof *tmp, by_cell);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (k == 0 || by_cell(&tmp[i], &tmp[k - 1]))
            tmp[k++] = tmp[i];
        else
            tmp[k - 1].n += tmp[i].n;
    *nonempty = k;
    if (!k) return 0;
    for (size_t i = 0; i < k; i++) v[i] = tmp[i].n;
    qsort(v, k, sizeof *v, by_double);
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* The automatic cell size (units.h, VEMT_CELL_SIZE_RULE_NAME).
 *
 * Target: the smallest multiple of 50 m at which the median count of
 * events per non-empty cell is at least VEMT_CELL_SIZE_TARGET (3: "a
 * few"). Gi*'s z is a normal approximation to the sum of counts over a
 * cell and its neighbours (the 8 around it within the default band); 5 is
 * the classic smallest expected count for such approximations (Cochran
 * 1954, "Some methods for strengthening the common chi-squared tests",
 * Biometrics 10(4):417-451, doi:10.2307/3001616), which a non-empty cell
 * with one non-empty neighbour passes at a median of 3. Below it most
 * cells that hold anything hold one or two events, so one event more or
 * less swings a cell's z (police.uk Nottingham burglary at 150 m: 96 % of
 * the bins empty, a 14-event cell at z = 28). A median of 5 per cell
 * (Cochran's count in one cell) was tried: it gave 900 m on the demo,
 * merging its 300 m planted spots and losing one, and 500-600 m cells on
 * city files, too coarse to plan a patrol from.
 *
 * Bounds: the floor is the mean nearest-neighbour distance of the distinct
 * event locations (Clark & Evans 1954, as Esri's Optimized Hot Spot
 * Analysis uses it): cells finer than the spacing of the places events are
 * recorded at (police.uk snaps them to shared map points) split places
 * apart for nothing; at least 50 m, and doubled until the grid over the
 * extent fits VEMT_GRID_MAX_CELLS (so within twice the smallest size that
 * fits). The ceiling is the
 * extent's longer side / 20, rounded down to 50 m (the map keeps at least
 * about 20 cells across), never below the floor. A target not reached at
 * the ceiling leaves the ceiling, and the rule says so.
 *
 * Search: the median per non-empty cell grows with the cell size almost
 * always (not strictly: a shifted origin can split a pile of events), so a
 * binary search over the 50 m multiples between the bounds finds the
 * smallest size that reaches the target where it is monotone, in
 * O(m log m log K) for m distinct locations and K candidates; exact, no
 * sampling (10 million distinct locations: about 8 sorts of 10 million).
 * Hexagons: the same on the hexagon lattice, the size being their height
 * (flat to flat).
 *
 * Measured on whole police.uk files without a boundary (cells over the
 * events' extent, sea and moor included; % of them empty; the largest
 * Gi* z):
 *   Nottingham burglary 2022, 1,795 events: 350 m, median 3 in 407
 *     non-empty cells, 64.0 % empty, z 17.8 (Esri's rule: 150 m, 96 %
 *     empty, z 28.5);
 *   Merseyside shoplifting 2019-20, 7,930: 250 m (the floor), median 3 in
 *     762, 96.9 % empty, z 60.4 (a city centre's shops);
 *   Lancashire anti-social behaviour 2022, 56,434: 150 m, median 3 in
 *     9,496, 95.7 % empty, z 90.8 (Esri's rule: 850 m);
 *   Greater Manchester burglary 2016-19, 92,666: 100 m (the floor),
 *     median 3 in 23,243, 87.4 % empty, z 37.4;
 *   the demo, 3,958 synthetic events on a uniform background: 400 m,
 *     median 3 in 517, every planted spot found (Esri's rule: 300 m). */
vemt_status vemt_grid_auto_cell_size_events_m(
    vemt_ctx *ctx, const vemt_bbox *extent, const vemt_events *events,
    unsigned kinds, vemt_unit_shape shape, double *cell_m, char *rule_out,
    size_t rule_size) {
    double *xy, *w;
    size_t n;
    double nn = 0;
    size_t stride = 1;
    vemt_status st = distinct_locations(events, kinds, &xy, &w, &n);
    if (!st) st = mean_nn_distance(ctx, xy, n, &nn, &stride);
    cell_count *tmp = st ? NULL : vemt_calloc(n ? n : 1, sizeof *tmp);
    double *v = st ? NULL : vemt_calloc(n ? n : 1, sizeof *v);
    if (!st && (!tmp || !v)) st = VEMT_E_NOMEM;
    if (st) {
        vemt_free(xy), vemt_free(w), vemt_free(tmp), vemt_free(v);
        return st;
    }
    bool hex = shape == VEMT_UNIT_HEX;
    double wd = extent->xmax - extent->xmin, ht = extent->ymax - extent->ymin;
    double longer = fmax(wd, ht);
    long lo = (long)fmax(1, ceil(nn / 50.0));
    bool limit = false;
    /* The grid-size limit (hexagons: a hexagon covers 0.87 s^2). */
    while ((floor(wd / (50.0 * lo)) + 2) * (floor(ht / (50.0 * lo)) + 2) *
               (hex ? 1.16 : 1.0) >
           (double)VEMT_GRID_MAX_CELLS) {
        lo *= 2;
        limit = true;
    }
    long hi = (long)fmax((double)lo, floor(longer / 20.0 / 50.0));
    size_t nonempty = 0, ne_hi = 0;
    double med = median_per_cell(xy, w, n, 50.0 * lo, hex, tmp, v, &nonempty);
    bool reached = med >= VEMT_CELL_SIZE_TARGET;
    long best = lo;
    if (!reached && hi > lo) {
        double med_hi =
            median_per_cell(xy, w, n, 50.0 * hi, hex, tmp, v, &ne_hi);
        best = hi;
        reached = med_hi >= VEMT_CELL_SIZE_TARGET;
        med = med_hi, nonempty = ne_hi;
        long a = lo; /* a misses the target, best reaches it */
        while (reached && best - a > 1) {
            long mid = a + (best - a) / 2;
            size_t ne;
            double mm = median_per_cell(xy, w, n, 50.0 * mid, hex, tmp, v, &ne);
            if (mm >= VEMT_CELL_SIZE_TARGET)
                best = mid, med = mm, nonempty = ne;
            else
                a = mid;
        }
    }
    vemt_free(xy), vemt_free(w), vemt_free(tmp), vemt_free(v);
    *cell_m = 50.0 * best;
    char sample[64] = "";
    if (stride > 1)
        snprintf(sample, sizeof sample, " (measured from every %zu%s)", stride,
                 vemt_ordinal_suffix(stride));
    if (rule_out)
        snprintf(rule_out, rule_size,
                 "the smallest 50 m multiple with a median of at least %g "
                 "events per non-empty %s: median %g in %zu non-empty cells; "
                 "searched from %.0f m (mean nearest-neighbour distance of "
                 "%zu distinct event locations%s, %.1f m, rounded up to 50 "
                 "m%s) to %.0f m (the extent's longer side, %.0f m, / 20)%s",
                 VEMT_CELL_SIZE_TARGET, hex ? "hexagon" : "cell", med, nonempty,
                 50.0 * lo, n, sample, nn,
                 limit ? ", raised to the grid-size limit" : "", 50.0 * hi,
                 longer,
                 reached ? ""
                         : "; not reached below the ceiling, so the "
                           "ceiling");
    return VEMT_OK;
}
