/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file study_area.c
 * @brief The study area: a GEOS prepared polygon for fast point and cell
 * tests.
 */
#include "engine/study_area.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/engine.h"
#include "engine/polygons.h"

struct vemt_study_area {
    GEOSContextHandle_t geos; /* borrowed from the creating context */
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    vemt_bbox bbox;
    double area_m2;
};

static bool is_areal(GEOSContextHandle_t h, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(h, g);
    return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
}

/* Repair self-intersections and overlapping parts that hand-made
 * boundaries often carry; returns the geometry to keep (g itself or its
 * repaired copy). */
static GEOSGeometry *repaired(GEOSContextHandle_t h, GEOSGeometry *g) {
    if (GEOSisValid_r(h, g) == 1) return g;
    GEOSGeometry *fixed = vemt_geos_make_valid(h, g);
    GEOSGeom_destroy_r(h, g);
    return fixed;
}

vemt_status vemt_study_area_create_wkb(vemt_ctx *ctx, const unsigned char *wkb,
                                       size_t size, vemt_study_area **out) {
    *out = NULL;
    GEOSContextHandle_t h = vemt_ctx_geos(ctx);
    vemt_status st = VEMT_OK;
    vemt_study_area *a = vemt_calloc(1, sizeof *a);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    if (!a || !reader) {
        st = VEMT_E_NOMEM;
        goto done;
    }
    a->geos = h;
    a->geom = GEOSWKBReader_read_r(h, reader, wkb, size);
    if (a->geom) a->geom = repaired(h, a->geom);
    if (!a->geom) {
        st = VEMT_E_DEPENDENCY; /* GEOS's message is already in ctx->err */
        goto done;
    }
    if (!is_areal(h, a->geom)) {
        st = vemt_ctx_fail(ctx, VEMT_E_ARG, "study area is not a polygon");
        goto done;
    }
    a->prep = GEOSPrepare_r(h, a->geom);
    if (!a->prep ||
        !GEOSGeom_getExtent_r(h, a->geom, &a->bbox.xmin, &a->bbox.ymin,
                              &a->bbox.xmax, &a->bbox.ymax) ||
        !GEOSArea_r(h, a->geom, &a->area_m2)) {
        st = VEMT_E_DEPENDENCY;
        goto done;
    }
done:
    if (reader) GEOSWKBReader_destroy_r(h, reader);
    if (st != VEMT_OK) {
        vemt_study_area_destroy(a);
        return st;
    }
    *out = a;
    return VEMT_OK;
}

void vemt_study_area_destroy(vemt_study_area *area) {
    if (!area) return;
    if (area->prep) GEOSPreparedGeom_destroy_r(area->geos, area->prep);
    if (area->geom) GEOSGeom_destroy_r(area->geos, area->geom);
    vemt_free(area);
}

vemt_bbox vemt_study_area_bbox(const vemt_study_area *area) {
    return area->bbox;
}

double vemt_study_area_m2(const vemt_study_area *area) { return area->area_m2; }

bool vemt_study_area_covers_xy(const vemt_study_area *area, double x,
                               double y) {
    const vemt_bbox *b = &area->bbox;
    if (x < b->xmin || x > b->xmax || y < b->ymin || y > b->ymax) return false;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(area->geos, x, y);
    if (!pt) return false;
    bool in = GEOSPreparedIntersects_r(area->geos, area->prep, pt) == 1;
    GEOSGeom_destroy_r(area->geos, pt);
    return in;
}

bool vemt_study_area_intersects_bbox(const vemt_study_area *area,
                                     const vemt_bbox *b) {
    const vemt_bbox *a = &area->bbox;
    if (b->xmax < a->xmin || b->xmin > a->xmax || b->ymax < a->ymin ||
        b->ymin > a->ymax)
        return false;
    GEOSGeometry *r = GEOSGeom_createRectangle_r(area->geos, b->xmin, b->ymin,
                                                 b->xmax, b->ymax);
    if (!r) return false;
    bool hit = GEOSPreparedIntersects_r(area->geos, area->prep, r) == 1;
    GEOSGeom_destroy_r(area->geos, r);
    return hit;
}

size_t vemt_study_area_flag_events(const vemt_study_area *area,
                                   vemt_events *events) {
    size_t inside = 0;
    for (size_t i = 0; i < events->n; i++) {
        vemt_event *ev = &events->items[i];
        if (!ev->located) {
            ev->in_area = false;
            continue;
        }
        ev->in_area = !area || vemt_study_area_covers_xy(area, ev->x, ev->y);
        inside += ev->in_area;
    }
    return inside;
}

vemt_bbox vemt_bbox_of_xy(const double *xy, size_t n) {
    vemt_bbox b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        b.xmin = fmin(b.xmin, xy[2 * i]);
        b.xmax = fmax(b.xmax, xy[2 * i]);
        b.ymin = fmin(b.ymin, xy[2 * i + 1]);
        b.ymax = fmax(b.ymax, xy[2 * i + 1]);
    }
    return b;
}

bool vemt_bbox_is_valid(const vemt_bbox *b) {
    return b->xmin <= b->xmax && b->ymin <= b->ymax && isfinite(b->xmin) &&
           isfinite(b->xmax) && isfinite(b->ymin) && isfinite(b->ymax);
}

bool vemt_events_bbox(const vemt_events *events, unsigned kinds,
                      vemt_bbox *out) {
    vemt_bbox b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        if (!vemt_event_counted(ev, kinds)) continue;
        b.xmin = fmin(b.xmin, ev->x);
        b.ymin = fmin(b.ymin, ev->y);
        b.xmax = fmax(b.xmax, ev->x);
        b.ymax = fmax(b.ymax, ev->y);
    }
    *out = b;
    return vemt_bbox_is_valid(&b);
}

vemt_status vemt_study_area_wkb(const vemt_study_area *area,
                                unsigned char **wkb, size_t *size) {
    *wkb = NULL;
    *size = 0;
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(area->geos);
    if (!w) return VEMT_E_NOMEM;
    GEOSWKBWriter_setByteOrder_r(area->geos, w, GEOS_WKB_NDR);
    unsigned char *g = GEOSWKBWriter_write_r(area->geos, w, area->geom, size);
    GEOSWKBWriter_destroy_r(area->geos, w);
    if (!g) return VEMT_E_DEPENDENCY;
    /* Copy into our allocator so one free function serves every caller. */
    *wkb = vemt_malloc(*size);
    if (*wkb) memcpy(*wkb, g, *size);
    GEOSFree_r(area->geos, g);
    return *wkb ? VEMT_OK : VEMT_E_NOMEM;
}

void vemt_engine_free(void *p) { vemt_free(p); }

/* ---- GEOS helpers for hexagons and polygon units ---- */

GEOSGeometry *vemt_geom_repair(GEOSContextHandle_t h, GEOSGeometry *g) {
    return repaired(h, g);
}

GEOSGeometry *vemt_geom_ring_polygon(GEOSContextHandle_t h, const double *xy,
                                     size_t n) {
    GEOSCoordSequence *seq =
        GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned int)n, 0, 0);
    GEOSGeometry *ring = seq ? GEOSGeom_createLinearRing_r(h, seq) : NULL;
    if (!ring) {
        if (seq) GEOSCoordSeq_destroy_r(h, seq);
        return NULL;
    }
    GEOSGeometry *poly = GEOSGeom_createPolygon_r(h, ring, NULL, 0);
    if (!poly) GEOSGeom_destroy_r(h, ring);
    return poly;
}

bool vemt_study_area_intersects_ring(const vemt_study_area *area,
                                     const double *xy, size_t n) {
    vemt_bbox b = vemt_bbox_of_xy(xy, n);
    const vemt_bbox *a = &area->bbox;
    if (b.xmax < a->xmin || b.xmin > a->xmax || b.ymax < a->ymin ||
        b.ymin > a->ymax)
        return false;
    GEOSGeometry *poly = vemt_geom_ring_polygon(area->geos, xy, n);
    if (!poly) return false;
    bool hit = GEOSPreparedIntersects_r(area->geos, area->prep, poly) == 1;
    GEOSGeom_destroy_r(area->geos, poly);
    return hit;
}

double vemt_polygons_share_in(const vemt_polygons *polys, size_t i,
                              const vemt_study_area *area) {
    GEOSContextHandle_t h = area->geos;
    const GEOSGeometry *u = vemt_polygons_geom(polys, i);
    double whole = vemt_polygons_m2(polys, i), part = 0;
    if (!(whole > 0)) return (double)NAN;
    vemt_bbox b = vemt_polygons_bbox(polys, i);
    if (!vemt_study_area_intersects_bbox(area, &b)) return 0;
    if (GEOSPreparedContains_r(h, area->prep, u) == 1) return 1;
    GEOSGeometry *x = GEOSIntersection_r(h, area->geom, u);
    bool ok = x && GEOSArea_r(h, x, &part);
    if (x) GEOSGeom_destroy_r(h, x);
    return ok ? part / whole : (double)NAN;
}
