/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file contiguity.c
 * @brief Queen and rook contiguity: grid cells by their lattice, polygon
 * units with GEOS.
 *
 * Polygons. spdep's poly2nb (Bivand & Wong 2018, "Comparing implementations
 * of global and local indicators of spatial association", TEST 27:716-748,
 * doi:10.1007/s11749-018-0599-x; spdep 1.2-7 R/poly2nb.R and src/polypoly.c)
 * compares vertices: queen when the two polygons have at least one pair of
 * vertices within snap of each other, rook when at least two. We use GEOS
 * topology instead, on the candidate pairs whose envelopes (grown by snap)
 * meet in the units' STRtree:
 *
 * - queen: the polygons intersect (snap 0) or lie within snap of each
 *   other (GEOSPreparedDistanceWithin);
 * - rook: a queen pair whose boundaries have a segment in common (same
 *   end points; this fast path, tried first, also settles queen), or whose
 * DE-9IM matrix, after snapping the first to the second within snap (GEOSSnap,
 *   JTS's GeometrySnapper), has boundaries meeting in a line (BB = 1) or
 *   interiors overlapping (II != F).
 *
 * The two agree on tessellations whose neighbours share vertices. They
 * differ where a vertex of one polygon lies on an edge of another without
 * a vertex there (GEOS: queen; poly2nb: not, unless snap reaches a vertex),
 * and for rook where two polygons share two separate points but no edge
 * (poly2nb: rook; GEOS: queen only). tests/test_areas.c counts the
 * differences on real ward boundaries. snap is in CRS units (metres):
 * poly2nb's default, sqrt(.Machine$double.eps), is 1.5e-8 m, in effect 0.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/polygons.h"
#include "engine/weights.h"

vemt_status vemt_weights_units_contiguity(vemt_ctx *ctx,
                                          const vemt_units *units,
                                          vemt_contiguity kind,
                                          bool include_self,
                                          vemt_weights **out) {
    *out = NULL;
    if (kind != VEMT_CONTIGUITY_QUEEN && kind != VEMT_CONTIGUITY_ROOK)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "unknown contiguity %d",
                             (int)kind);
    /* Polygon units: GEOS topology, snap 0 (as tests/test_areas.c checks
     * against poly2nb on real wards). */
    const vemt_polygons *polys = vemt_units_polygons(units);
    if (polys)
        return vemt_weights_polygons_contiguity(ctx, polys, kind, 0.0,
                                                include_self, out);
    /* Neighbours across an edge have centres one cell apart in both
     * lattices (a hexagon's six all do); across a square's corner,
     * cell x sqrt(2). The band search compares with a relative tolerance. */
    double cell = vemt_units_cell_m(units), band = cell;
    if (vemt_units_shape(units) == VEMT_UNIT_SQUARE &&
        kind == VEMT_CONTIGUITY_QUEEN)
        band = cell * sqrt(2.0);
    return vemt_weights_units_band(ctx, units, band, include_self, out);
}

/* A boundary segment with its end points in lexicographic order. */
typedef struct seg {
    double ax, ay, bx, by;
} seg;

static int by_seg(const void *p, const void *q) {
    const seg *a = p, *b = q;
    if (a->ax != b->ax) return a->ax < b->ax ? -1 : 1;
    if (a->ay != b->ay) return a->ay < b->ay ? -1 : 1;
    if (a->bx != b->bx) return a->bx < b->bx ? -1 : 1;
    if (a->by != b->by) return a->by < b->by ? -1 : 1;
    return 0;
}

/* One contiguity computation: the units, the rule, and every unit's
 * boundary segments, sorted (segs[start[i]..start[i + 1]]). */
typedef struct job {
    const vemt_polygons *a;
    vemt_contiguity kind;
    double snap;
    seg *segs;
    size_t *start, nsegs, cap;
    size_t i, *cand, ncand, ccap; /* STRtree candidates j > i */
    bool nomem;
} job;

static bool add_ring(job *jb, GEOSContextHandle_t h, const GEOSGeometry *ring) {
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) return false;
    double px = 0, py = 0, x, y;
    for (unsigned int k = 0; k < n; k++, px = x, py = y) {
        if (!GEOSCoordSeq_getXY_r(h, cs, k, &x, &y)) return false;
        if (k == 0 || (x == px && y == py)) continue;
        if (vemt_grow((void **)&jb->segs, &jb->cap, jb->nsegs + 1,
                      sizeof *jb->segs)) {
            jb->nomem = true;
            return false;
        }
        bool fwd = px < x || (px == x && py < y);
        jb->segs[jb->nsegs++] = fwd ? (seg){px, py, x, y} : (seg){x, y, px, py};
    }
    return true;
}

/* Every unit's boundary segments (exterior and interior rings of every
 * part), for the fast test. */
static vemt_status collect_segments(job *jb) {
    GEOSContextHandle_t h = vemt_polygons_geos(jb->a);
    size_t n = vemt_polygons_count(jb->a);
    jb->start = vemt_calloc(n + 1, sizeof *jb->start);
    if (!jb->start) return VEMT_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = vemt_polygons_geom(jb->a, i);
        bool multi = GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON;
        int parts = multi ? GEOSGetNumGeometries_r(h, g) : 1;
        for (int p = 0; p < parts; p++) {
            const GEOSGeometry *poly = multi ? GEOSGetGeometryN_r(h, g, p) : g;
            int holes = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
            bool ok =
                holes >= 0 && add_ring(jb, h, GEOSGetExteriorRing_r(h, poly));
            for (int r = 0; r < holes && ok; r++)
                ok = add_ring(jb, h, GEOSGetInteriorRingN_r(h, poly, r));
            if (!ok) return jb->nomem ? VEMT_E_NOMEM : VEMT_E_DEPENDENCY;
        }
        jb->start[i + 1] = jb->nsegs;
        if (jb->nsegs - jb->start[i] > 1)
            qsort(jb->segs + jb->start[i], jb->nsegs - jb->start[i],
                  sizeof *jb->segs, by_seg);
    }
    return VEMT_OK;
}

/* Do units i and j have a boundary segment in common (same end points)?
 * A merge of the two sorted lists. */
static bool share_segment(const job *jb, size_t i, size_t j) {
    const seg *a = jb->segs + jb->start[i], *b = jb->segs + jb->start[j];
    size_t na = jb->start[i + 1] - jb->start[i];
    size_t nb = jb->start[j + 1] - jb->start[j], p = 0, q = 0;
    while (p < na && q < nb) {
        int c = by_seg(&a[p], &b[q]);
        if (c == 0) return true;
        if (c < 0)
            p++;
        else
            q++;
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

/* Rook for a queen pair without a segment in common: GEOS decides on the
 * DE-9IM matrix, after snapping i to j when snap > 0. 1 yes, 0 no, -1 when
 * GEOS fails. */
static int shares_line(const job *jb, size_t i, size_t j) {
    GEOSContextHandle_t h = vemt_polygons_geos(jb->a);
    const GEOSGeometry *gi = vemt_polygons_geom(jb->a, i);
    const GEOSGeometry *gj = vemt_polygons_geom(jb->a, j);
    GEOSGeometry *snapped =
        jb->snap > 0 ? GEOSSnap_r(h, gi, gj, jb->snap) : NULL;
    if (jb->snap > 0 && !snapped) return -1;
    char *m = GEOSRelate_r(h, snapped ? snapped : gi, gj);
    if (snapped) GEOSGeom_destroy_r(h, snapped);
    if (!m) return -1;
    int rook = m[0] != 'F' || m[4] == '1';
    GEOSFree_r(h, m);
    return rook;
}

/* 1 when units i and j are neighbours of the job's kind, 0 when not, -1
 * when GEOS fails (its message is in the context). A boundary segment in
 * common makes them queen and rook neighbours at once: the fast path on
 * clean tessellations, whose neighbours share their edges' vertices. */
static int adjacent(const job *jb, size_t i, size_t j) {
    if (share_segment(jb, i, j)) return 1;
    GEOSContextHandle_t h = vemt_polygons_geos(jb->a);
    const GEOSPreparedGeometry *pi = vemt_polygons_prepared(jb->a, i);
    const GEOSGeometry *gj = vemt_polygons_geom(jb->a, j);
    char q = jb->snap > 0 ? GEOSPreparedDistanceWithin_r(h, pi, gj, jb->snap)
                          : GEOSPreparedIntersects_r(h, pi, gj);
    if (q == 2) return -1;
    if (q != 1 || jb->kind == VEMT_CONTIGUITY_QUEEN) return q;
    return shares_line(jb, i, j);
}

/* Append the neighbours j > i of unit i to *pairs as (i, j). */
static vemt_status unit_pairs(job *jb, size_t i, size_t **pairs, size_t *np,
                              size_t *cap) {
    vemt_bbox b = vemt_polygons_bbox(jb->a, i);
    b.xmin -= jb->snap;
    b.ymin -= jb->snap;
    b.xmax += jb->snap;
    b.ymax += jb->snap;
    jb->i = i;
    jb->ncand = 0;
    vemt_status st = vemt_polygons_query(jb->a, &b, collect, jb);
    if (st) return st;
    if (jb->nomem) return VEMT_E_NOMEM;
    if (jb->ncand > 1) qsort(jb->cand, jb->ncand, sizeof *jb->cand, by_index);
    for (size_t m = 0; m < jb->ncand; m++) {
        int adj = adjacent(jb, i, jb->cand[m]);
        if (adj < 0) return VEMT_E_DEPENDENCY;
        if (!adj) continue;
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
    job jb = {.a = polys, .kind = kind, .snap = snap_m};
    size_t *pairs = NULL, np = 0, cap = 0, n = vemt_polygons_count(polys);
    vemt_status st = collect_segments(&jb);
    for (size_t i = 0; i < n && !st; i++)
        st = unit_pairs(&jb, i, &pairs, &np, &cap);
    if (!st) st = vemt_weights_from_pairs(n, pairs, np, include_self, out);
    vemt_free(jb.segs);
    vemt_free(jb.start);
    vemt_free(jb.cand);
    vemt_free(pairs);
    return st;
}
