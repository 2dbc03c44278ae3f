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
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"
#include "gdalutil/gdalutil.h"
#include "ingest/crs.h"
#include "ingest/ingest.h"

/* Lines for people about a layer being read: the features repaired. */
typedef struct notes {
    char *text;
    size_t len, cap, n;
    const char *path; /* the file being read: each line starts with it */
} notes;

static vemt_status note_add(notes *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static vemt_status note_add(notes *w, const char *fmt, ...) {
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t add = k < 0 ? 0 : strlen(line);
    if (vemt_grow((void **)&w->text, &w->cap, w->len + add + 2, 1))
        return VEMT_E_NOMEM;
    memcpy(w->text + w->len, line, add);
    w->len += add;
    w->text[w->len++] = '\n';
    w->text[w->len] = '\0';
    w->n++;
    return VEMT_OK;
}

/* "feature FID" and, with an id field, "(FIELD 'value')", into out. */
static void feature_label(OGRFeatureH f, int id_ix, char *out, size_t size) {
    long long fid = (long long)OGR_F_GetFID(f);
    if (id_ix < 0) {
        snprintf(out, size, "feature %lld", fid);
        return;
    }
    OGRFieldDefnH fd = OGR_F_GetFieldDefnRef(f, id_ix);
    snprintf(out, size, "feature %lld (%s '%s')", fid, OGR_Fld_GetNameRef(fd),
             OGR_F_GetFieldAsString(f, id_ix));
}

/* A copy of the polygon g of a feature (label), checked with GEOS in the
 * layer's CRS and repaired when invalid (GEOS MakeValid, polygonal parts
 * kept), with a line in w naming the feature and GEOS's reason. VEMT_E_ARG
 * when the repair leaves nothing areal. Caller owns *out. */
static vemt_status checked(vemt_ctx *ctx, OGRGeometryH g, const char *label,
                           notes *w, OGRGeometryH *out) {
    *out = NULL;
    size_t n = (size_t)OGR_G_WkbSize(g), fn = 0;
    unsigned char *wkb = vemt_malloc(n ? n : 1), *fixed = NULL;
    if (!wkb) return VEMT_E_NOMEM;
    char reason[256];
    vemt_status st = OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) == OGRERR_NONE
                         ? vemt_polygon_wkb_check(ctx, wkb, n, reason,
                                                  sizeof reason, &fixed, &fn)
                         : VEMT_E_DEPENDENCY;
    vemt_free(wkb);
    if (st) return st;
    if (!reason[0]) {
        *out = OGR_G_Clone(g);
        return *out ? VEMT_OK : VEMT_E_NOMEM;
    }
    if (!fixed)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "%s is not a valid polygon (%s) and GEOS "
                             "MakeValid leaves no area of it",
                             label, reason);
    st = note_add(w,
                  "%s: %s is not a valid polygon (%s): repaired with GEOS "
                  "MakeValid",
                  w->path, label, reason);
    if (!st && (OGR_G_CreateFromWkb(fixed, NULL, out, (int)fn) != OGRERR_NONE ||
                !*out))
        st = VEMT_E_DEPENDENCY;
    vemt_free(fixed); /* vemt_engine_free, without the study area's file */
    return st;
}

/* Keep only the features that match where (OGR SQL), if given; a clause
 * OGR refuses is an error naming it and OGR's reason. */
static vemt_status set_where(vemt_ctx *ctx, OGRLayerH layer,
                             const char *where) {
    if (!where) return VEMT_OK;
    vemt_gdal_errors quiet;
    vemt_gdal_errors_push(&quiet, NULL, VEMT_OK); /* the reason is ours */
    OGRErr e = OGR_L_SetAttributeFilter(layer, where);
    if (e == OGRERR_NONE) {
        /* Drivers that hand the clause to their database (GeoPackage)
         * find it wrong only when reading: read the first feature. */
        OGR_L_ResetReading(layer);
        OGRFeatureH f = OGR_L_GetNextFeature(layer);
        if (f)
            OGR_F_Destroy(f);
        else if (CPLGetLastErrorType() >= CE_Failure)
            e = OGRERR_FAILURE;
        OGR_L_ResetReading(layer);
    }
    char why[256];
    snprintf(why, sizeof why, "%s", CPLGetLastErrorMsg());
    for (char *c = why; *c; c++) /* one line: OGR points at the place */
        if (*c == '\n') *c = ' ';
    vemt_gdal_errors_pop();
    if (e == OGRERR_NONE) return VEMT_OK;
    return vemt_ctx_fail(ctx, VEMT_E_ARG,
                         "the where clause \"%s\" is not valid OGR SQL for "
                         "this layer%s%s%s",
                         where, why[0] ? " (" : "", why, why[0] ? ")" : "");
}

/* The error for a where clause that selects no feature. */
static vemt_status selects_nothing(vemt_ctx *ctx, const char *where) {
    return vemt_ctx_fail(ctx, VEMT_E_ARG,
                         "the where clause \"%s\" selects no feature of the "
                         "first layer",
                         where);
}

static int find_field(OGRFeatureDefnH defn, const char *named,
                      const char *const *exact, const char *const *tails);

static const char *const id_exact[] = {"areaid", "id", "code", NULL};
static const char *const id_tails[] = {"cd", "code", NULL};

/* Union every polygon of the layer (those matching where), each checked
 * and repaired, into *out (owned by caller; NULL when there is none). */
static vemt_status collect_polygons(vemt_ctx *ctx, OGRLayerH layer,
                                    const char *where, notes *w,
                                    OGRGeometryH *out) {
    *out = NULL;
    vemt_status st = set_where(ctx, layer, where);
    if (st) return st;
    int id_ix = find_field(OGR_L_GetLayerDefn(layer), NULL, id_exact, id_tails);
    OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon);
    if (!all) return VEMT_E_NOMEM;
    OGRFeatureH f;
    size_t features = 0;
    OGR_L_ResetReading(layer);
    while (!st && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        features++;
        OGRGeometryH g = OGR_F_GetGeometryRef(f), c = NULL;
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
        if ((t == wkbPolygon || t == wkbMultiPolygon) && !OGR_G_IsEmpty(g)) {
            char label[160];
            feature_label(f, id_ix, label, sizeof label);
            st = checked(ctx, g, label, w, &c);
        }
        t = c ? wkbFlatten(OGR_G_GetGeometryType(c)) : 0;
        if (t == wkbPolygon) {
            OGR_G_AddGeometry(all, c);
        } else if (t == wkbMultiPolygon) {
            for (int i = 0; i < OGR_G_GetGeometryCount(c); i++)
                OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(c, i));
        }
        if (c) OGR_G_DestroyGeometry(c);
        OGR_F_Destroy(f);
    }
    if (!st && where && features == 0) st = selects_nothing(ctx, where);
    if (!st && OGR_G_GetGeometryCount(all) > 0) {
        *out = OGR_G_UnionCascaded(all);
        if (!*out)
            st = vemt_ctx_error(ctx)->code
                     ? vemt_ctx_error(ctx)->code
                     : vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY,
                                     "GEOS can't union the polygons");
    }
    OGR_G_DestroyGeometry(all);
    return st;
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

/* A study area the analysis can use: finite coordinates within the range
 * of a projected CRS in metres (the Earth is about 4e7 m round), and an
 * area of at least one square metre. Else VEMT_E_ARG with the cause, so
 * the message names the boundary file rather than what later chokes on
 * it (a vertex at 1e308 made the distance bands fail). */
static vemt_status check_extent(vemt_ctx *ctx, OGRGeometryH g) {
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    const double lim = 1e8;
    if (!(fabs(e.MinX) < lim && fabs(e.MaxX) < lim && fabs(e.MinY) < lim &&
          fabs(e.MaxY) < lim))
        return vemt_ctx_fail(
            ctx, VEMT_E_ARG,
            "a vertex lies outside any projected CRS in metres (the "
            "polygons' extent reaches %.3g, %.3g to %.3g, %.3g in the "
            "analysis CRS): check the file's coordinates and its CRS",
            e.MinX, e.MinY, e.MaxX, e.MaxY);
    double area = OGR_G_Area(g);
    if (!(area >= 1))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the study area has no area (%.3g m2): a "
                             "boundary must be a polygon that encloses the "
                             "places to analyse",
                             area);
    return VEMT_OK;
}

vemt_status vemt_boundary_read(vemt_ctx *ctx, const char *path,
                               const char *where, const char *analysis_crs,
                               unsigned char **wkb, size_t *size,
                               vemt_transform_note *note, char **warnings) {
    *wkb = NULL;
    *size = 0;
    if (warnings) *warnings = NULL;
    vemt_transform_note unused;
    if (!note) note = &unused;
    memset(note, 0, sizeof *note);
    vemt_status st = VEMT_OK;
    OGRGeometryH g = NULL;
    notes w = {.path = path};
    if ((st = vemt_ingest_check_path(ctx, path))) return st;
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
    if (layer) st = collect_polygons(ctx, layer, where, &w, &g);
    if (st) goto done;
    if (!g) {
        st = vemt_ctx_fail(ctx, VEMT_E_ARG, "no polygon in the first layer");
        goto done;
    }
    if ((st = to_analysis(ctx, layer, analysis_crs, g, note))) goto done;
    if ((st = check_extent(ctx, g))) goto done;
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
    if (!st && warnings) {
        *warnings = w.text;
        w.text = NULL;
    }
    vemt_free(w.text);
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
    vemt_free(u->file);
    vemt_free(u->warnings);
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
    void *g = e ? vemt_realloc(u->file, c * sizeof *u->file) : NULL;
    if (g) u->file = g;
    if (!g) return VEMT_E_NOMEM;
    *cap = c;
    return VEMT_OK;
}

/* One layer being read as units: its fields, transformation, file. */
typedef struct reading {
    int id_ix, name_ix;
    const vemt_crs *crs;
    double radius_m; /* > 0: points too, as circles of that radius */
    size_t file;     /* index of the file among those read */
    notes *w;
} reading;

/* One feature as unit u->n: its polygon (checked and repaired) in the
 * analysis CRS, id and name; with radius_m > 0 points too, as circles. */
static vemt_status add_unit(vemt_ctx *ctx, OGRFeatureH f, const reading *rd,
                            vemt_unit_list *u) {
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : 0;
    char fid[32], label[160];
    snprintf(fid, sizeof fid, "%lld", (long long)OGR_F_GetFID(f));
    const char *id =
        rd->id_ix >= 0 ? OGR_F_GetFieldAsString(f, rd->id_ix) : fid;
    bool point = t == wkbPoint || t == wkbMultiPoint;
    if ((t != wkbPolygon && t != wkbMultiPolygon &&
         !(point && rd->radius_m > 0)) ||
        OGR_G_IsEmpty(g))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "feature %s ('%s') has no polygon%s", fid, id,
                             rd->radius_m > 0 ? " or point" : "");
    if (!id[0])
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "feature %s has an empty id",
                             fid);
    feature_label(f, rd->id_ix, label, sizeof label);
    OGRGeometryH c = NULL;
    vemt_status st = point ? ((c = OGR_G_Clone(g)) ? VEMT_OK : VEMT_E_NOMEM)
                           : checked(ctx, g, label, rd->w, &c);
    if (!st) st = transform_geometry(ctx, rd->crs, c);
    if (st) {
        if (c) OGR_G_DestroyGeometry(c);
        return st;
    }
    if (point) { /* in metres, after the transform */
        OGRGeometryH b = OGR_G_Buffer(c, rd->radius_m, 16);
        OGR_G_DestroyGeometry(c);
        if (!b) return VEMT_E_DEPENDENCY;
        c = b;
    }
    size_t k = u->n;
    u->wkb_size[k] = (size_t)OGR_G_WkbSize(c);
    u->wkb[k] = vemt_malloc(u->wkb_size[k]);
    u->ids[k] = vemt_strdup(id);
    u->names[k] = vemt_strdup(
        rd->name_ix >= 0 ? OGR_F_GetFieldAsString(f, rd->name_ix) : "");
    u->file[k] = rd->file;
    u->n++; /* counted now so that clearing frees what was allocated */
    if (!u->wkb[k] || !u->ids[k] || !u->names[k])
        st = VEMT_E_NOMEM;
    else if (OGR_G_ExportToIsoWkb(c, wkbNDR, u->wkb[k]) != OGRERR_NONE)
        st = VEMT_E_DEPENDENCY;
    OGR_G_DestroyGeometry(c);
    return st;
}

/* A unit's id and where it came from, for the uniqueness check. */
typedef struct id_ref {
    const char *id;
    size_t file, i;
} id_ref;

/* In order of id, then of file and index. */
static int by_id(const void *a, const void *b) {
    const id_ref *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c) return c;
    if (x->file != y->file) return x->file < y->file ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

/* An id used by two units is an error naming it and the file(s). */
static vemt_status unique_ids(vemt_ctx *ctx, const vemt_unit_list *u,
                              const char *const *paths) {
    id_ref *order = vemt_calloc(u->n ? u->n : 1, sizeof *order);
    if (!order) return VEMT_E_NOMEM;
    for (size_t i = 0; i < u->n; i++)
        order[i] = (id_ref){u->ids[i], u->file[i], i};
    qsort(order, u->n, sizeof *order, by_id);
    vemt_status st = VEMT_OK;
    for (size_t k = 1; k < u->n && !st; k++) {
        const id_ref *a = &order[k - 1], *b = &order[k];
        if (strcmp(a->id, b->id)) continue;
        if (a->file == b->file)
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "two units have the id '%s' (give --area-id "
                               "a field whose values are unique)",
                               b->id);
        else
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "the unit id '%s' is in both %s and %s (area "
                               "ids must be unique across the --areas files)",
                               b->id, paths[a->file], paths[b->file]);
        vemt_ctx_set_source(ctx, paths[b->file]);
    }
    vemt_free(order);
    return st;
}

/* Append "text" to a field list ("a, b") unless it is there already. */
static void add_name(char *list, size_t size, const char *text) {
    size_t n = strlen(text), len = strlen(list);
    for (const char *p = list; (p = strstr(p, text)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n])) return;
    snprintf(list + len, size - len, "%s%s", len ? ", " : "", text);
}

static vemt_status read_units(vemt_ctx *ctx, OGRLayerH layer, const char *where,
                              const char *analysis_crs, const char *id_field,
                              const char *name_field, reading *rd,
                              vemt_unit_list *out, size_t *cap) {
    static const char *const nm_exact[] = {"areaname", "name", NULL};
    static const char *const nm_tails[] = {"nm", "name", NULL};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    rd->id_ix = find_field(defn, id_field, id_exact, id_tails);
    rd->name_ix = find_field(defn, name_field, nm_exact, nm_tails);
    if (id_field && rd->id_ix < 0)
        return vemt_ctx_fail(ctx, VEMT_E_MISSING, "no field '%s' for ids",
                             id_field);
    if (name_field && rd->name_ix < 0)
        return vemt_ctx_fail(ctx, VEMT_E_MISSING, "no field '%s' for names",
                             name_field);
    if (rd->id_ix >= 0)
        add_name(out->id_field, sizeof out->id_field,
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, rd->id_ix)));
    if (rd->name_ix >= 0)
        add_name(out->name_field, sizeof out->name_field,
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, rd->name_ix)));
    vemt_status st = set_where(ctx, layer, where);
    if (st) return st;
    vemt_crs *crs = NULL;
    vemt_transform_note note = {0};
    st = layer_transform(ctx, layer, analysis_crs, &crs, &note);
    if (crs)
        snprintf(note.pipeline, sizeof note.pipeline, "%s",
                 vemt_crs_pipeline(crs));
    if (!st && rd->file == 0) out->transform = note;
    rd->crs = crs;
    size_t before = out->n;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while (!st && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        st = grow_units(out, cap);
        if (!st) st = add_unit(ctx, f, rd, out);
        OGR_F_Destroy(f);
    }
    vemt_crs_destroy(crs);
    rd->crs = NULL;
    if (!st && out->n == before)
        st = where ? selects_nothing(ctx, where)
                   : vemt_ctx_fail(ctx, VEMT_E_ARG,
                                   "no polygon in the first layer");
    return st;
}

/* Read the first layer of every file into out, in order. */
static vemt_status read_polygons(vemt_ctx *ctx, size_t n_files,
                                 const char *const *paths,
                                 const char *const *wheres,
                                 const char *analysis_crs, const char *id_field,
                                 const char *name_field, double radius_m,
                                 bool unique, vemt_unit_list *out) {
    memset(out, 0, sizeof *out);
    vemt_status st = VEMT_OK;
    notes w = {0};
    size_t cap = 0;
    for (size_t k = 0; k < n_files && !st; k++) {
        const char *path = paths[k];
        if ((st = vemt_ingest_check_path(ctx, path))) break;
        vemt_gdal_errors ge;
        vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                     NULL, NULL, NULL);
        OGRLayerH layer = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
        w.path = path;
        reading rd = {.radius_m = radius_m, .file = k, .w = &w};
        if (!ds)
            st = vemt_ctx_fail(ctx, VEMT_E_IO,
                               "can't open as a vector dataset (%s)",
                               CPLGetLastErrorMsg()[0] ? CPLGetLastErrorMsg()
                                                       : "unknown format");
        else if (!layer)
            st = vemt_ctx_fail(ctx, VEMT_E_ARG, "no layer in the file");
        else
            st = read_units(ctx, layer, wheres ? wheres[k] : NULL, analysis_crs,
                            id_field, name_field, &rd, out, &cap);
        if (st && !vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, path);
        if (ds) GDALClose(ds);
        vemt_gdal_errors_pop();
    }
    /* Reporting places and label areas may share a name; their ids need
     * not be unique. */
    if (!st && unique) st = unique_ids(ctx, out, paths);
    out->warnings = w.text;
    out->n_repaired = w.n;
    if (st) vemt_unit_list_clear(out);
    return st;
}

vemt_status vemt_unit_list_read(vemt_ctx *ctx, size_t n_files,
                                const char *const *paths,
                                const char *const *wheres,
                                const char *analysis_crs, const char *id_field,
                                const char *name_field, vemt_unit_list *out) {
    if (n_files == 0)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "no file of polygon units");
    return read_polygons(ctx, n_files, paths, wheres, analysis_crs, id_field,
                         name_field, 0, true, out);
}

vemt_status vemt_label_areas_read(vemt_ctx *ctx, const char *path,
                                  const char *analysis_crs,
                                  const char *name_field, vemt_unit_list *out) {
    vemt_status st = read_polygons(ctx, 1, &path, NULL, analysis_crs, NULL,
                                   name_field, 0, false, out);
    if (st || out->name_field[0]) return st;
    /* Areas without names name nothing. */
    vemt_unit_list_clear(out);
    vemt_ctx_fail(ctx, VEMT_E_MISSING,
                  "no field of names found (looked for name, areaname and "
                  "fields ending in nm or name): give --label-field");
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_MISSING;
}

vemt_status vemt_flag_places_read(vemt_ctx *ctx, const char *path,
                                  const char *analysis_crs, double radius_m,
                                  vemt_unit_list *out) {
    if (!(radius_m > 0))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the radius of flagged places must be > 0");
    return read_polygons(ctx, 1, &path, NULL, analysis_crs, NULL, NULL,
                         radius_m, false, out);
}
