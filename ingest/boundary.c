/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file boundary.c
 * @brief Read polygon layers with OGR and bring them to the analysis CRS
 * through PROJ: the study area (unioned), the polygon units of --areas
 * (one per feature, with ids and names) and the places of --flag-places.
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <ctype.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "ingest/crs.h"
#include "ingest/ingest.h"

/* Union every polygon of the layer into one geometry (owned by caller). */
static OGRGeometryH collect_polygons(OGRLayerH layer) {
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
        if (t == wkbPolygon) {
            OGR_G_AddGeometry(all, g);
        } else if (t == wkbMultiPolygon) {
            for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
                OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(g, i));
        }
        OGR_F_Destroy(f);
    }
    if (OGR_G_GetGeometryCount(all) == 0) {
        OGR_G_DestroyGeometry(all);
        return NULL;
    }
    OGRGeometryH u = OGR_G_UnionCascaded(all);
    OGR_G_DestroyGeometry(all);
    return u;
}

/* The transformation from the layer's CRS to the analysis CRS (PROJ), into
 * *crs, and the layer's CRS into note. Caller destroys *crs. */
static vemt_status layer_transform(vemt_ctx *ctx, OGRLayerH layer,
                                   const char *analysis_crs, vemt_crs **crs,
                                   vemt_transform_note *note) {
    *crs = NULL;
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (!srs)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the polygon layer has no coordinate reference "
                             "system");
    /* OGR hands geometries over in GIS order (longitude or easting
     * first), as the normalised PROJ transformation expects them. */
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    const char *const wkt2[] = {"FORMAT=WKT2_2019", NULL};
    char id[64], *wkt = NULL;
    snprintf(id, sizeof id, "%s:%s", auth ? auth : "", code ? code : "");
    if (!(auth && code) && OSRExportToWktEx(srs, &wkt, wkt2) != OGRERR_NONE)
        return vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                             "GDAL can't describe the layer's CRS");
    vemt_status st = vemt_crs_create(ctx, wkt ? wkt : id, analysis_crs, crs);
    snprintf(note->crs, sizeof note->crs, "%s",
             wkt && OSRGetName(srs) ? OSRGetName(srs) : id);
    CPLFree(wkt);
    return st;
}

/* Transform every vertex of g in place to the analysis CRS. */
static vemt_status transform_geometry(vemt_ctx *ctx, const vemt_crs *crs,
                                      OGRGeometryH g) {
    if (vemt_crs_is_analysis(crs)) return VEMT_OK;
    int parts = OGR_G_GetGeometryCount(g); /* polygons, rings */
    for (int i = 0; i < parts; i++) {
        vemt_status st =
            transform_geometry(ctx, crs, OGR_G_GetGeometryRef(g, i));
        if (st) return st;
    }
    int n = parts ? 0 : OGR_G_GetPointCount(g);
    if (n <= 0) return VEMT_OK;
    double *p = vemt_calloc(3 * (size_t)n, sizeof *p);
    if (!p) return VEMT_E_NOMEM;
    int step = 3 * (int)sizeof *p;
    OGR_G_GetPoints(g, p, step, p + 1, step, p + 2, step);
    bool ok = vemt_crs_to_analysis_n(crs, p, p + 1, 3, (size_t)n);
    if (ok)
        OGR_G_SetPoints(g, n, p, step, p + 1, step,
                        OGR_G_Is3D(g) ? p + 2 : NULL, step);
    vemt_free(p);
    return ok ? VEMT_OK
              : vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                              "PROJ can't transform the layer's coordinates "
                              "to the analysis CRS");
}

/* Transform g in place from the layer's CRS to the analysis CRS. */
static vemt_status to_analysis(vemt_ctx *ctx, OGRLayerH layer,
                               const char *analysis_crs, OGRGeometryH g,
                               vemt_transform_note *note) {
    vemt_crs *crs;
    vemt_status st = layer_transform(ctx, layer, analysis_crs, &crs, note);
    if (!st) st = transform_geometry(ctx, crs, g);
    if (!st)
        snprintf(note->pipeline, sizeof note->pipeline, "%s",
                 vemt_crs_pipeline(crs));
    vemt_crs_destroy(crs);
    return st;
}

vemt_status vemt_boundary_read(vemt_ctx *ctx, const char *path,
                               const char *analysis_crs, unsigned char **wkb,
                               size_t *size, vemt_transform_note *note) {
    *wkb = NULL;
    *size = 0;
    vemt_transform_note unused;
    if (!note) note = &unused;
    memset(note, 0, sizeof *note);
    vemt_status st = VEMT_OK;
    OGRGeometryH g = NULL;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = vemt_ctx_fail(
            ctx, VEMT_E_IO, "can't open as a vector dataset (%s)",
            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "unknown format");
        goto done;
    }
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    if (!layer || !(g = collect_polygons(layer))) {
        st = vemt_ctx_fail(ctx, VEMT_E_ARG, "no polygon in the first layer");
        goto done;
    }
    if ((st = to_analysis(ctx, layer, analysis_crs, g, note))) goto done;
    *size = (size_t)OGR_G_WkbSize(g);
    if (!(*wkb = vemt_malloc(*size))) {
        st = VEMT_E_NOMEM;
        goto done;
    }
    if (OGR_G_ExportToIsoWkb(g, wkbNDR, *wkb) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
done:
    if (st && !vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, path);
    if (st) {
        vemt_free(*wkb);
        *wkb = NULL;
        *size = 0;
    }
    if (g) OGR_G_DestroyGeometry(g);
    if (ds) GDALClose(ds);
    vemt_gdal_errors_pop();
    return st;
}

/* ---- Polygon units (--areas) ---- */

void vemt_unit_list_clear(vemt_unit_list *u) {
    for (size_t i = 0; i < u->n; i++) {
        vemt_free(u->wkb[i]);
        vemt_free(u->ids[i]);
        vemt_free(u->names[i]);
    }
    vemt_free(u->wkb);
    vemt_free(u->wkb_size);
    vemt_free(u->ids);
    vemt_free(u->names);
    memset(u, 0, sizeof *u);
}

/* name lower-cased without punctuation into out. */
static void squash(const char *name, char *out, size_t size) {
    size_t n = 0;
    for (; *name && n + 1 < size; name++)
        if (isalnum((unsigned char)*name))
            out[n++] = (char)tolower((unsigned char)*name);
    out[n] = '\0';
}

static bool ends_with(const char *s, const char *tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && !strcmp(s + a - b, tail);
}

/* The field of a role: the one named, or the first whose squashed name is
 * one of exact or ends with one of tails (ONS codes: WD22CD, LSOA21NM). */
static int find_field(OGRFeatureDefnH defn, const char *named,
                      const char *const *exact, const char *const *tails) {
    int n = OGR_FD_GetFieldCount(defn);
    char want[64], have[64];
    if (named) squash(named, want, sizeof want);
    for (int pass = 0; pass < (named ? 1 : 2); pass++)
        for (int i = 0; i < n; i++) {
            squash(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), have,
                   sizeof have);
            if (named) {
                if (!strcmp(have, want)) return i;
                continue;
            }
            const char *const *list = pass == 0 ? exact : tails;
            for (; *list; list++)
                if (pass == 0 ? !strcmp(have, *list) : ends_with(have, *list))
                    return i;
        }
    return -1;
}

static vemt_status grow_units(vemt_unit_list *u, size_t *cap) {
    if (u->n < *cap) return VEMT_OK;
    size_t c = *cap ? 2 * *cap : 64;
    void *a = vemt_realloc(u->wkb, c * sizeof *u->wkb);
    if (a) u->wkb = a;
    void *b = a ? vemt_realloc(u->wkb_size, c * sizeof *u->wkb_size) : NULL;
    if (b) u->wkb_size = b;
    void *d = b ? vemt_realloc(u->ids, c * sizeof *u->ids) : NULL;
    if (d) u->ids = d;
    void *e = d ? vemt_realloc(u->names, c * sizeof *u->names) : NULL;
    if (e) u->names = e;
    if (!e) return VEMT_E_NOMEM;
    *cap = c;
    return VEMT_OK;
}

/* One feature as unit u->n: its polygon in the analysis CRS, id and name;
 * with radius_m > 0 points too, as circles of that radius. */
static vemt_status add_unit(vemt_ctx *ctx, OGRFeatureH f, int id_ix,
                            int name_ix, const vemt_crs *crs, double radius_m,
                            vemt_unit_list *u) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
    char fid[32];
    snprintf(fid, sizeof fid, "%lld", (long long)OGR_F_GetFID(f));
    const char *id = id_ix >= 0 ? OGR_F_GetFieldAsString(f, id_ix) : fid;
    bool point = t == wkbPoint || t == wkbMultiPoint;
    if ((t != wkbPolygon && t != wkbMultiPolygon && !(point && radius_m > 0)) ||
        OGR_G_IsEmpty(g))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "feature %s ('%s') has no polygon%s", fid, id,
                             radius_m > 0 ? " or point" : "");
    if (!id[0])
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "feature %s has an empty id",
                             fid);
    OGRGeometryH c = OGR_G_Clone(g);
    if (!c) return VEMT_E_NOMEM;
    vemt_status st = transform_geometry(ctx, crs, c);
    if (st) {
        OGR_G_DestroyGeometry(c);
        return st;
    }
    if (point) { /* in metres, after the transform */
        OGRGeometryH b = OGR_G_Buffer(c, radius_m, 16);
        OGR_G_DestroyGeometry(c);
        if (!b) return VEMT_E_DEPENDENCY;
        c = b;
    }
    size_t k = u->n;
    u->wkb_size[k] = (size_t)OGR_G_WkbSize(c);
    u->wkb[k] = vemt_malloc(u->wkb_size[k]);
    u->ids[k] = vemt_strdup(id);
    u->names[k] =
        vemt_strdup(name_ix >= 0 ? OGR_F_GetFieldAsString(f, name_ix) : "");
    u->n++; /* counted now so that clearing frees what was allocated */
    if (!u->wkb[k] || !u->ids[k] || !u->names[k])
        st = VEMT_E_NOMEM;
    else if (OGR_G_ExportToIsoWkb(c, wkbNDR, u->wkb[k]) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
    OGR_G_DestroyGeometry(c);
    return st;
}

static int by_id(const void *a, const void *b) {
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* An id used by two units is an error naming it. */
static vemt_status unique_ids(vemt_ctx *ctx, const vemt_unit_list *u) {
    char ***order = vemt_calloc(u->n ? u->n : 1, sizeof *order);
    if (!order) return VEMT_E_NOMEM;
    for (size_t i = 0; i < u->n; i++) order[i] = &u->ids[i];
    qsort(order, u->n, sizeof *order, by_id);
    vemt_status st = VEMT_OK;
    for (size_t i = 1; i < u->n && !st; i++)
        if (!strcmp(*order[i], *order[i - 1]))
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "two units have the id '%s' (give --area-id "
                               "a field whose values are unique)",
                               *order[i]);
    vemt_free(order);
    return st;
}

static vemt_status read_units(vemt_ctx *ctx, OGRLayerH layer,
                              const char *analysis_crs, const char *id_field,
                              const char *name_field, double radius_m,
                              vemt_unit_list *out) {
    static const char *const id_exact[] = {"areaid", "id", "code", NULL};
    static const char *const id_tails[] = {"cd", "code", NULL};
    static const char *const nm_exact[] = {"areaname", "name", NULL};
    static const char *const nm_tails[] = {"nm", "name", NULL};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int id_ix = find_field(defn, id_field, id_exact, id_tails);
    int name_ix = find_field(defn, name_field, nm_exact, nm_tails);
    if (id_field && id_ix < 0)
        return vemt_ctx_fail(ctx, VEMT_E_MISSING, "no field '%s' for ids",
                             id_field);
    if (name_field && name_ix < 0)
        return vemt_ctx_fail(ctx, VEMT_E_MISSING, "no field '%s' for names",
                             name_field);
    if (id_ix >= 0)
        snprintf(out->id_field, sizeof out->id_field, "%s",
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, id_ix)));
    if (name_ix >= 0)
        snprintf(out->name_field, sizeof out->name_field, "%s",
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, name_ix)));
    vemt_crs *crs;
    vemt_status st =
        layer_transform(ctx, layer, analysis_crs, &crs, &out->transform);
    size_t cap = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while (!st && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        st = grow_units(out, &cap);
        if (!st) st = add_unit(ctx, f, id_ix, name_ix, crs, radius_m, out);
        OGR_F_Destroy(f);
    }
    if (crs)
        snprintf(out->transform.pipeline, sizeof out->transform.pipeline, "%s",
                 vemt_crs_pipeline(crs));
    vemt_crs_destroy(crs);
    if (!st && out->n == 0)
        st = vemt_ctx_fail(ctx, VEMT_E_ARG, "no polygon in the first layer");
    /* Reporting places may share a name; their ids need not be unique. */
    return st || radius_m > 0 ? st : unique_ids(ctx, out);
}

static vemt_status read_polygons(vemt_ctx *ctx, const char *path,
                                 const char *analysis_crs, const char *id_field,
                                 const char *name_field, double radius_m,
                                 vemt_unit_list *out) {
    memset(out, 0, sizeof *out);
    vemt_status st;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH layer = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!ds)
        st = vemt_ctx_fail(
            ctx, VEMT_E_IO, "can't open as a vector dataset (%s)",
            CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg() : "unknown format");
    else if (!layer)
        st = vemt_ctx_fail(ctx, VEMT_E_ARG, "no layer in the file");
    else
        st = read_units(ctx, layer, analysis_crs, id_field, name_field,
                        radius_m, out);
    if (st && !vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, path);
    if (st) vemt_unit_list_clear(out);
    if (ds) GDALClose(ds);
    vemt_gdal_errors_pop();
    return st;
}

vemt_status vemt_unit_list_read(vemt_ctx *ctx, const char *path,
                                const char *analysis_crs, const char *id_field,
                                const char *name_field, vemt_unit_list *out) {
    return read_polygons(ctx, path, analysis_crs, id_field, name_field, 0, out);
}

vemt_status vemt_flag_places_read(vemt_ctx *ctx, const char *path,
                                  const char *analysis_crs, double radius_m,
                                  vemt_unit_list *out) {
    if (!(radius_m > 0))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the radius of flagged places must be > 0");
    return read_polygons(ctx, path, analysis_crs, NULL, NULL, radius_m, out);
}
