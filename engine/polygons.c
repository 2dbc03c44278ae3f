/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file polygons.c
 * @brief The polygon set behind polygon units (wards, LSOAs, beats): GEOS
 * prepared polygons, an STRtree over their envelopes for point location (the
 * Sort-Tile-Recursive packed R-tree of Leutenegger, Lopez & Edgington 1997,
 * Proc. 13th ICDE 497-506, doi:10.1109/ICDE.1997.582015, as GEOS implements
 * it), centres for distance weights.
 */
#include "engine/polygons.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/grid.h"
#include "engine/study_area.h"

typedef struct unit {
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    char *id, *name;
    vemt_bbox bbox;
    double m2;
    double cx, cy; /* centroid */
    double sx, sy; /* point on surface */
} unit;

struct vemt_polygons {
    GEOSContextHandle_t geos; /* borrowed from the creating context */
    size_t n;
    unit *units;
    size_t *items; /* items[i] == i: what the STRtree hands back */
    GEOSSTRtree *tree;
    vemt_bbox bbox;
};

static bool point_xy(GEOSContextHandle_t h, GEOSGeometry *pt, double *x,
                     double *y) {
    bool ok = pt && GEOSGeomGetX_r(h, pt, x) && GEOSGeomGetY_r(h, pt, y);
    if (pt) GEOSGeom_destroy_r(h, pt);
    return ok;
}

/* Measures of a unit's geometry: prepared form, extent, area, centres. */
static bool measure(GEOSContextHandle_t h, unit *u) {
    u->prep = GEOSPrepare_r(h, u->geom);
    return u->prep &&
           GEOSGeom_getExtent_r(h, u->geom, &u->bbox.xmin, &u->bbox.ymin,
                                &u->bbox.xmax, &u->bbox.ymax) &&
           GEOSArea_r(h, u->geom, &u->m2) &&
           point_xy(h, GEOSGetCentroid_r(h, u->geom), &u->cx, &u->cy) &&
           point_xy(h, GEOSPointOnSurface_r(h, u->geom), &u->sx, &u->sy);
}

static vemt_status load_unit(vemt_ctx *ctx, GEOSWKBReader *reader, unit *u,
                             size_t i, const unsigned char *wkb, size_t size,
                             const char *id, const char *name) {
    GEOSContextHandle_t h = vemt_ctx_geos(ctx);
    u->id = vemt_strdup(id ? id : "");
    u->name = vemt_strdup(name ? name : "");
    if (!u->id || !u->name) return VEMT_E_NOMEM;
    u->geom = GEOSWKBReader_read_r(h, reader, wkb, size);
    if (u->geom) u->geom = vemt_geom_repair(h, u->geom);
    if (!u->geom) return VEMT_E_DEPENDENCY; /* GEOS's message is in ctx */
    int t = GEOSGeomTypeId_r(h, u->geom);
    if ((t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) ||
        GEOSisEmpty_r(h, u->geom) != 0)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "unit %zu (%s) is not a non-empty polygon", i,
                             u->id);
    return measure(h, u) ? VEMT_OK : VEMT_E_DEPENDENCY;
}

static void ignore_item(void *item, void *data) {
    (void)item;
    (void)data;
}

/* Insert every unit in the STRtree, then query once so that GEOS builds
 * the tree now rather than inside a later, logically const, call. */
static vemt_status build_tree(vemt_polygons *a) {
    GEOSContextHandle_t h = a->geos;
    a->tree = GEOSSTRtree_create_r(h, 10);
    if (!a->tree) return VEMT_E_DEPENDENCY;
    a->bbox = (vemt_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < a->n; i++) {
        const vemt_bbox *b = &a->units[i].bbox;
        a->items[i] = i;
        GEOSSTRtree_insert_r(h, a->tree, a->units[i].geom, &a->items[i]);
        a->bbox.xmin = fmin(a->bbox.xmin, b->xmin);
        a->bbox.ymin = fmin(a->bbox.ymin, b->ymin);
        a->bbox.xmax = fmax(a->bbox.xmax, b->xmax);
        a->bbox.ymax = fmax(a->bbox.ymax, b->ymax);
    }
    if (a->n == 0) return VEMT_OK;
    GEOSGeometry *pt =
        GEOSGeom_createPointFromXY_r(h, a->bbox.xmin, a->bbox.ymin);
    if (!pt) return VEMT_E_DEPENDENCY;
    GEOSSTRtree_query_r(h, a->tree, pt, ignore_item, NULL);
    GEOSGeom_destroy_r(h, pt);
    return VEMT_OK;
}

vemt_status vemt_polygons_create_wkb(vemt_ctx *ctx, size_t n,
                                     const unsigned char *const *wkb,
                                     const size_t *wkb_size,
                                     const char *const *ids,
                                     const char *const *names,
                                     vemt_polygons **out) {
    *out = NULL;
    GEOSContextHandle_t h = vemt_ctx_geos(ctx);
    vemt_status st = VEMT_OK;
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    vemt_polygons *a = vemt_calloc(1, sizeof *a);
    if (a) {
        a->geos = h;
        a->n = n;
        a->units = vemt_calloc(n ? n : 1, sizeof *a->units);
        a->items = vemt_calloc(n ? n : 1, sizeof *a->items);
    }
    if (!reader || !a || !a->units || !a->items) st = VEMT_E_NOMEM;
    for (size_t i = 0; i < n && !st; i++)
        st = load_unit(ctx, reader, &a->units[i], i, wkb[i], wkb_size[i],
                       ids ? ids[i] : NULL, names ? names[i] : NULL);
    if (!st) st = build_tree(a);
    if (reader) GEOSWKBReader_destroy_r(h, reader);
    if (st) {
        vemt_polygons_destroy(a);
        return st;
    }
    *out = a;
    return VEMT_OK;
}

void vemt_polygons_destroy(vemt_polygons *polys) {
    if (!polys) return;
    GEOSContextHandle_t h = polys->geos;
    if (polys->tree) GEOSSTRtree_destroy_r(h, polys->tree);
    for (size_t i = 0; polys->units && i < polys->n; i++) {
        unit *u = &polys->units[i];
        if (u->prep) GEOSPreparedGeom_destroy_r(h, u->prep);
        if (u->geom) GEOSGeom_destroy_r(h, u->geom);
        vemt_free(u->id);
        vemt_free(u->name);
    }
    vemt_free(polys->units);
    vemt_free(polys->items);
    vemt_free(polys);
}

size_t vemt_polygons_count(const vemt_polygons *polys) { return polys->n; }

const char *vemt_polygons_id(const vemt_polygons *polys, size_t i) {
    return polys->units[i].id;
}

const char *vemt_polygons_name(const vemt_polygons *polys, size_t i) {
    return polys->units[i].name;
}

vemt_bbox vemt_polygons_extent(const vemt_polygons *polys) {
    return polys->bbox;
}

double vemt_polygons_m2(const vemt_polygons *polys, size_t i) {
    return polys->units[i].m2;
}

void vemt_polygons_centres(const vemt_polygons *polys, vemt_centre kind,
                           double *xy) {
    for (size_t i = 0; i < polys->n; i++) {
        const unit *u = &polys->units[i];
        xy[2 * i] = kind == VEMT_CENTRE_SURFACE ? u->sx : u->cx;
        xy[2 * i + 1] = kind == VEMT_CENTRE_SURFACE ? u->sy : u->cy;
    }
}

void vemt_polygons_centre(const vemt_polygons *polys, size_t i,
                          vemt_centre kind, double *xy) {
    const unit *u = &polys->units[i];
    xy[0] = kind == VEMT_CENTRE_SURFACE ? u->sx : u->cx;
    xy[1] = kind == VEMT_CENTRE_SURFACE ? u->sy : u->cy;
}

typedef struct locate_query {
    const vemt_polygons *polys;
    GEOSGeometry *pt;
    size_t best;
    bool found;
} locate_query;

static void locate_item(void *item, void *data) {
    locate_query *q = data;
    size_t j = *(const size_t *)item;
    if (q->found && j >= q->best) return;
    if (GEOSPreparedIntersects_r(q->polys->geos, q->polys->units[j].prep,
                                 q->pt) == 1) {
        q->best = j;
        q->found = true;
    }
}

bool vemt_polygons_locate(const vemt_polygons *polys, double x, double y,
                          size_t *i) {
    const vemt_bbox *b = &polys->bbox;
    if (!(x >= b->xmin && x <= b->xmax && y >= b->ymin && y <= b->ymax))
        return false;
    locate_query q = {polys, GEOSGeom_createPointFromXY_r(polys->geos, x, y), 0,
                      false};
    if (!q.pt) return false;
    GEOSSTRtree_query_r(polys->geos, polys->tree, q.pt, locate_item, &q);
    GEOSGeom_destroy_r(polys->geos, q.pt);
    if (q.found) *i = q.best;
    return q.found;
}

static bool locate_polygon(const void *polys, double x, double y, size_t *i) {
    return vemt_polygons_locate(polys, x, y, i);
}

size_t vemt_polygons_count_events(const vemt_polygons *polys,
                                  const vemt_events *events, unsigned kinds,
                                  double *counts) {
    return vemt_count_events_by(events, kinds, locate_polygon, polys, counts,
                                polys->n);
}

vemt_status vemt_polygons_wkb(const vemt_polygons *polys, size_t i,
                              unsigned char **wkb, size_t *size) {
    GEOSContextHandle_t h = polys->geos;
    *wkb = NULL;
    *size = 0;
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    if (!w) return VEMT_E_NOMEM;
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    unsigned char *g = GEOSWKBWriter_write_r(h, w, polys->units[i].geom, size);
    GEOSWKBWriter_destroy_r(h, w);
    if (!g) return VEMT_E_DEPENDENCY;
    /* Copy into our allocator so one free function serves every caller. */
    *wkb = vemt_malloc(*size);
    if (*wkb) memcpy(*wkb, g, *size);
    GEOSFree_r(h, g);
    return *wkb ? VEMT_OK : VEMT_E_NOMEM;
}

GEOSContextHandle_t vemt_polygons_geos(const vemt_polygons *polys) {
    return polys->geos;
}

const GEOSGeometry *vemt_polygons_geom(const vemt_polygons *polys, size_t i) {
    return polys->units[i].geom;
}

const GEOSPreparedGeometry *vemt_polygons_prepared(const vemt_polygons *polys,
                                                   size_t i) {
    return polys->units[i].prep;
}

vemt_bbox vemt_polygons_bbox(const vemt_polygons *polys, size_t i) {
    return polys->units[i].bbox;
}

typedef struct visit_query {
    void (*visit)(void *data, size_t j);
    void *data;
} visit_query;

static void visit_item(void *item, void *data) {
    visit_query *q = data;
    q->visit(q->data, *(const size_t *)item);
}

vemt_status vemt_polygons_query(const vemt_polygons *polys, const vemt_bbox *b,
                                void (*visit)(void *data, size_t j),
                                void *data) {
    GEOSContextHandle_t h = polys->geos;
    GEOSGeometry *box =
        GEOSGeom_createRectangle_r(h, b->xmin, b->ymin, b->xmax, b->ymax);
    if (!box) return VEMT_E_DEPENDENCY;
    visit_query q = {visit, data};
    GEOSSTRtree_query_r(h, polys->tree, box, visit_item, &q);
    GEOSGeom_destroy_r(h, box);
    return VEMT_OK;
}
