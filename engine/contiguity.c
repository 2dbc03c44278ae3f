/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file contiguity.c
 * @brief Queen and rook contiguity: grid cells by their lattice, polygon
 * units by spdep's poly2nb rule on their vertices.
 *
 * Polygons follow spdep's poly2nb exactly (Bivand & Wong 2018, "Comparing
 * implementations of global and local indicators of spatial association",
 * TEST 27:716-748, doi:10.1007/s11749-018-0599-x; spdep 1.2-7 R/poly2nb.R
 * and src/polypoly.c), so that a neighbour list can be compared with
 * spdep's for equality (tests/test_areas.c, tests/ref/README.md):
 *
 * - a polygon's vertices are every coordinate of every ring (exterior and
 *   holes) of every part, in order, ring-closing vertices included, less
 *   the very first coordinate of the feature (poly2nb takes
 *   sf::st_coordinates(pl) and drops row 1 of each feature, spdep issue
 *   50), so a ring's start is counted once for the first ring and twice
 *   for later rings and parts;
 * - two polygons are queen neighbours when at least one pair of vertices,
 *   one from each, lies within snap: |dx| <= snap, |dy| <= snap and
 *   hypot(dx, dy) <= snap (polypolyC, Micah Altman 2010), and rook
 *   neighbours when at least two such pairs do.
 *
 * The vertex test is all there is: a vertex lying on a neighbour's edge
 * without a vertex there does not make them neighbours (unless snap
 * reaches a vertex), and two polygons with two separate vertex pairs in
 * common are rook neighbours although they share no edge. The candidate
 * pairs come from the units' STRtree (envelopes grown by snap); in each
 * pair only the vertices within the other's envelope, grown by snap, are
 * compared, through a copy of each polygon's vertices sorted by x, so
 * large polygons cost n log n, not n^2. snap is in CRS units (metres).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/polygons.h"
#include "engine/weights.h"

vemt_status vemt_weights_units_contiguity(vemt_ctx *ctx,
                                          const vemt_units *units,
                                          vemt_contiguity kind, double snap_m,
                                          bool include_self,
                                          vemt_weights **out) {
    *out = NULL;
    if (kind != VEMT_CONTIGUITY_QUEEN && kind != VEMT_CONTIGUITY_ROOK)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "unknown contiguity %d",
                             (int)kind);
    const vemt_polygons *polys = vemt_units_polygons(units);
    if (polys)
        return vemt_weights_polygons_contiguity(ctx, polys, kind, snap_m,
                                                include_self, out);
    /* Neighbours across an edge have centres one cell apart in both
     * lattices (a hexagon's six all do); across a square's corner,
     * cell x sqrt(2). The band search compares with a relative tolerance.
     * Grid cells share their vertices exactly, so snap plays no part. */
    double cell = vemt_units_cell_m(units), band = cell;
    if (vemt_units_shape(units) == VEMT_UNIT_SQUARE &&
        kind == VEMT_CONTIGUITY_QUEEN)
        band = cell * sqrt(2.0);
    return vemt_weights_units_band(ctx, units, band, include_self, out);
}

/* A vertex. */
typedef struct pt {
    double x, y;
} pt;

static int by_x(const void *p, const void *q) {
    const pt *a = p, *b = q;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->y != b->y) return a->y < b->y ? -1 : 1;
    return 0;
}

/* One contiguity computation: the units, the rule, and every unit's
 * vertices as poly2nb takes them, sorted by x (v[start[i]..start[i + 1]]). */
typedef struct job {
    const vemt_polygons *a;
    int need; /* vertex pairs within snap: 1 queen, 2 rook */
    double snap;
    pt *v;
    size_t *start, nv, cap;
    bool first;                   /* the feature's first coordinate is next */
    size_t i, *cand, ncand, ccap; /* STRtree candidates j > i */
    bool nomem;
} job;

static bool add_ring(job *jb, GEOSContextHandle_t h, const GEOSGeometry *ring) {
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) return false;
    for (unsigned int k = 0; k < n; k++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(h, cs, k, &x, &y)) return false;
        if (jb->first) { /* poly2nb drops row 1 of st_coordinates */
            jb->first = false;
            continue;
        }
        if (vemt_grow((void **)&jb->v, &jb->cap, jb->nv + 1, sizeof *jb->v)) {
            jb->nomem = true;
            return false;
        }
        jb->v[jb->nv++] = (pt){x, y};
    }
    return true;
}

/* Every unit's vertices (exterior and interior rings of every part, in
 * st_coordinates order), sorted by x. */
static vemt_status collect_vertices(job *jb) {
    GEOSContextHandle_t h = vemt_polygons_geos(jb->a);
    size_t n = vemt_polygons_count(jb->a);
    jb->start = vemt_calloc(n + 1, sizeof *jb->start);
    if (!jb->start) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = vemt_polygons_geom(jb->a, i);
        bool multi = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON;
        int parts = multi ? GEOSGetNumGeometries_r(h, g) : 1;
        jb->first = true;
        for (int p = 0; p < parts; p++) {
            const GEOSGeometry *poly = multi ? GEOSGetGeometryN_r(h, g, p) : g;
            int holes = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
            bool ok =
                holes >= 0 && add_ring(jb, h, GEOSGetExteriorRing_r(h, poly));
            for (int r = 0; r < holes && ok; r++)
                ok = add_ring(jb, h, GEOSGetInteriorRingN_r(h, poly, r));
            if (!ok) return jb->nomem ? VEMT_E_NOMEM : VEMT_E_DEPENDENCY;
        }
        jb->start[i + 1] = jb->nv;
        if (jb->nv - jb->start[i] > 1)
            qsort(jb->v + jb->start[i], jb->nv - jb->start[i], sizeof *jb->v,
                  by_x);
    }
    return VEMT_OK;
}

/* The first of the n vertices (sorted by x) with x >= lo. */
static size_t lower(const pt *v, size_t n, double lo) {
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (v[m].x < lo)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

/* Half-width of the x window searched around a coordinate: wider than snap
 * by enough that rounding in x - snap can't leave out a vertex that
 * polypolyC's |x1 - x2| <= snap would take; that exact test decides. */
static double window(double snap, double x) {
    return 2 * snap + 4 * DBL_EPSILON * fabs(x) + DBL_MIN;
}

/* Are units i and j neighbours: at least jb->need pairs of vertices, one
 * of each, within snap (polypolyC's test, pair by pair). */
static bool adjacent(const job *jb, size_t i, size_t j) {
    const pt *a = jb->v + jb->start[i], *b = jb->v + jb->start[j];
    size_t na = jb->start[i + 1] - jb->start[i];
    size_t nb = jb->start[j + 1] - jb->start[j];
    if (!na || !nb) return false;
    double sn = jb->snap;
    /* Only a's vertices within b's x range (grown) can pair. */
    double bx0 = b[0].x, bx1 = b[nb - 1].x;
    size_t p = lower(a, na, bx0 - window(sn, bx0));
    int k = 0;
    for (; p < na && a[p].x <= bx1 + window(sn, bx1); p++) {
        double x1 = a[p].x, y1 = a[p].y, w = window(sn, x1);
        for (size_t q = lower(b, nb, x1 - w); q < nb && b[q].x <= x1 + w; q++) {
            double xd = x1 - b[q].x, yd = y1 - b[q].y;
            if (fabs(xd) > sn || fabs(yd) > sn) continue;
            if (hypot(xd, yd) <= sn && ++k >= jb->need) return true;
        }
    }
    return false;
}

static void collect(void *data, size_t j) {
    job *jb = data;
    if (j <= jb->i || jb->nomem) return;
    if (vemt_grow((void **)&jb->cand, &jb->ccap, jb->ncand + 1,
                  sizeof *jb->cand)) {
        jb->nomem = true;
        return;
    }
    jb->cand[jb->ncand++] = j;
}

static int by_index(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Append the neighbours j > i of unit i to *pairs as (i, j). */
static vemt_status unit_pairs(job *jb, size_t i, size_t **pairs, size_t *np,
                              size_t *cap) {
    vemt_bbox b = vemt_polygons_bbox(jb->a, i);
    b.xmin -= window(jb->snap, b.xmin);
    b.ymin -= window(jb->snap, b.ymin);
    b.xmax += window(jb->snap, b.xmax);
    b.ymax += window(jb->snap, b.ymax);
    jb->i = i;
    jb->ncand = 0;
    vemt_status st = vemt_polygons_query(jb->a, &b, collect, jb);
    if (st) return st;
    if (jb->nomem) return VEMT_E_NOMEM;
    if (jb->ncand > 1) qsort(jb->cand, jb->ncand, sizeof *jb->cand, by_index);
    for (size_t m = 0; m < jb->ncand; m++) {
        if (!adjacent(jb, i, jb->cand[m])) continue;
        if (vemt_grow((void **)pairs, cap, 2 * (*np + 1), sizeof **pairs))
            return VEMT_E_NOMEM;
        (*pairs)[2 * *np] = i;
        (*pairs)[2 * *np + 1] = jb->cand[m];
        (*np)++;
    }
    return VEMT_OK;
}

vemt_status vemt_weights_polygons_contiguity(vemt_ctx *ctx,
                                             const vemt_polygons *polys,
                                             vemt_contiguity kind,
                                             double snap_m, bool include_self,
                                             vemt_weights **out) {
    *out = NULL;
    if (!(snap_m >= 0) || !isfinite(snap_m) ||
        (kind != VEMT_CONTIGUITY_QUEEN && kind != VEMT_CONTIGUITY_ROOK))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "contiguity needs a snap distance >= 0 m and "
                             "queen or rook, got %g m and %d",
                             snap_m, (int)kind);
    job jb = {.a = polys,
              .need = kind == VEMT_CONTIGUITY_QUEEN ? 1 : 2,
              .snap = snap_m};
    size_t *pairs = NULL, np = 0, cap = 0, n = vemt_polygons_count(polys);
    vemt_status st = collect_vertices(&jb);
    for (size_t i = 0; i < n && !st; i++)
        st = unit_pairs(&jb, i, &pairs, &np, &cap);
    if (!st) st = vemt_weights_from_pairs(n, pairs, np, include_self, out);
    vemt_free(jb.v);
    vemt_free(jb.start);
    vemt_free(jb.cand);
    vemt_free(pairs);
    return st;
}
