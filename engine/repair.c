/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file repair.c
 * @brief Check a polygon read from a file and repair it when invalid
 * (GEOS MakeValid), for the readers of boundaries and polygon units.
 */
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/ctx.h"
#include "engine/engine.h"
#include "engine/polygons.h"

GEOSGeometry *vemt_geos_make_valid(GEOSContextHandle_t h,
                                   const GEOSGeometry *g) {
    /* "structure" keeps the areas the rings enclose, dissolving parts that
     * share edges; collapsed parts are dropped. */
    GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(h);
    if (!params) return NULL;
    GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
    GEOSGeometry *fixed = GEOSMakeValidWithParams_r(h, g, params);
    GEOSMakeValidParams_destroy_r(h, params);
    return fixed;
}

/* Append clones of the non-empty polygons in g (any depth) to *parts. */
static bool add_polygons(GEOSContextHandle_t h, const GEOSGeometry *g,
                         GEOSGeometry ***parts, size_t *n, size_t *cap) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g)) return true;
        if (vemt_grow((void **)parts, cap, *n + 1, sizeof **parts))
            return false;
        return ((*parts)[*n] = GEOSGeom_clone_r(h, g)) != NULL && ++*n;
    }
    if (t != GEOS_MULTIPOLYGON && t != GEOS_GEOMETRYCOLLECTION) return true;
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
        if (!add_polygons(h, GEOSGetGeometryN_r(h, g, i), parts, n, cap))
            return false;
    return true;
}

/* The polygonal parts of g as one MultiPolygon; NULL when there are none
 * or GEOS fails. g is left alone. */
static GEOSGeometry *polygonal(GEOSContextHandle_t h, const GEOSGeometry *g) {
    GEOSGeometry **parts = NULL, *out = NULL;
    size_t n = 0, cap = 0;
    if (add_polygons(h, g, &parts, &n, &cap) && n)
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts,
                                          (unsigned int)n);
    if (!out)
        for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, parts[i]);
    vemt_free(parts);
    return out;
}

vemt_status vemt_polygon_wkb_check(vemt_ctx *ctx, const unsigned char *wkb,
                                   size_t size, char *reason,
                                   size_t reason_size, unsigned char **fixed,
                                   size_t *fixed_size) {
    *fixed = NULL;
    *fixed_size = 0;
    if (reason_size) reason[0] = '\0';
    GEOSContextHandle_t h = vemt_ctx_geos(ctx);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    GEOSGeometry *g =
        reader ? GEOSWKBReader_read_r(h, reader, wkb, size) : NULL;
    if (reader) GEOSWKBReader_destroy_r(h, reader);
    if (!g) return VEMT_E_DEPENDENCY; /* GEOS's message is in ctx */
    char valid = GEOSisValid_r(h, g);
    if (valid != 0) {
        GEOSGeom_destroy_r(h, g);
        return valid == 1 ? VEMT_OK : VEMT_E_DEPENDENCY;
    }
    char *why = GEOSisValidReason_r(h, g);
    snprintf(reason, reason_size, "%s", why ? why : "invalid geometry");
    if (why) GEOSFree_r(h, why);
    /* The areas rings enclose; any non-areal parts left are filtered out. */
    GEOSGeometry *mv = vemt_geos_make_valid(h, g);
    GEOSGeom_destroy_r(h, g);
    if (!mv) return VEMT_E_DEPENDENCY;
    int t = GEOSGeomTypeId_r(h, mv);
    GEOSGeometry *poly =
        t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON ? mv : polygonal(h, mv);
    if (poly != mv) GEOSGeom_destroy_r(h, mv);
    if (!poly || GEOSisEmpty_r(h, poly)) { /* nothing areal is left */
        if (poly) GEOSGeom_destroy_r(h, poly);
        return VEMT_OK;
    }
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    unsigned char *buf = NULL;
    if (w) {
        GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
        buf = GEOSWKBWriter_write_r(h, w, poly, fixed_size);
        GEOSWKBWriter_destroy_r(h, w);
    }
    GEOSGeom_destroy_r(h, poly);
    if (!buf) return VEMT_E_DEPENDENCY;
    *fixed = vemt_malloc(*fixed_size);
    if (*fixed) memcpy(*fixed, buf, *fixed_size);
    GEOSFree_r(h, buf);
    return *fixed ? VEMT_OK : VEMT_E_NOMEM;
}
