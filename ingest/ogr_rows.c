/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file ogr_rows.c
 * @brief Spreadsheets and GIS layers through OGR, as text records.
 */
#include "ingest/ogr_rows.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"

struct vemt_ogr_rows {
    GDALDatasetH ds;
    OGRLayerH layer;
    int nfields;         /* attribute fields */
    bool points;         /* two extra columns from point geometries */
    bool geographic;     /* ... named longitude/latitude */
    char **text;         /* current row's field texts (owned) */
    const char **fields; /* current row's fields (point into text) */
    const char **names;  /* header names (borrowed from OGR or static) */
    vemt_csv_record header;
    long row;
    bool geometry_used; /* the x/y columns are the rows' location */
    bool centroids;     /* take a non-point geometry's centroid */
    long n_centroids;   /* rows located at a centroid */
};

static vemt_status build_header(vemt_ogr_rows *r) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    r->nfields = OGR_FD_GetFieldCount(defn);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(r->layer);
    /* Every layer with geometry and a CRS: point geometries give the
     * location; others are rejected with their type, or give their
     * centroid when asked (vemt_ogr_rows_use_geometry). */
    r->points = srs && OGR_FD_GetGeomFieldCount(defn) > 0;
    r->geographic = r->points && OSRIsGeographic(srs);
    size_t n = (size_t)r->nfields + (r->points ? 2 : 0);
    r->text = vemt_calloc(n, sizeof *r->text);
    r->fields = vemt_calloc(n, sizeof *r->fields);
    r->names = vemt_calloc(n, sizeof *r->names);
    if (!r->text || !r->fields || !r->names) return VEMT_E_NOMEM;
    for (int i = 0; i < r->nfields; i++)
        r->names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
    if (r->points) {
        r->names[r->nfields] = r->geographic ? "longitude" : "x";
        r->names[r->nfields + 1] = r->geographic ? "latitude" : "y";
    }
    r->header.fields = r->names;
    r->header.n = n;
    r->header.row = r->header.line = 1;
    return VEMT_OK;
}

vemt_status vemt_ogr_rows_open(vemt_ctx *ctx, const char *path,
                               vemt_ogr_rows **out) {
    *out = NULL;
    vemt_ogr_rows *r = vemt_calloc(1, sizeof *r);
    if (!r) return VEMT_E_NOMEM;
    /* Spreadsheets: the first row is always the header. */
    const char *const open_opts[] = {"HEADERS=FORCE", NULL};
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_IO);
    r->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, open_opts,
                       NULL);
    vemt_gdal_errors_pop();
    if (!r->ds || !(r->layer = GDALDatasetGetLayer(r->ds, 0))) {
        if (!r->ds && vemt_ctx_error(ctx)->code == VEMT_OK)
            vemt_ctx_fail(ctx, VEMT_E_IO, "not a format GDAL can read");
        else if (r->ds)
            vemt_ctx_fail(ctx, VEMT_E_IO, "file has no table or layer");
        vemt_ctx_set_source(ctx, path);
        vemt_ogr_rows_destroy(r);
        return VEMT_E_IO;
    }
    if (build_header(r)) {
        vemt_ogr_rows_destroy(r);
        return VEMT_E_NOMEM;
    }
    r->row = 1;
    *out = r;
    return VEMT_OK;
}

static void free_texts(vemt_ogr_rows *r) {
    for (size_t i = 0; r->text && i < r->header.n; i++) {
        vemt_free(r->text[i]);
        r->text[i] = NULL;
    }
}

void vemt_ogr_rows_destroy(vemt_ogr_rows *r) {
    if (!r) return;
    free_texts(r);
    vemt_free(r->text);
    vemt_free(r->fields);
    vemt_free(r->names);
    if (r->ds) GDALClose(r->ds);
    vemt_free(r);
}

const vemt_csv_record *vemt_ogr_rows_header(vemt_ogr_rows *r) {
    return &r->header;
}

const char *vemt_ogr_rows_format(const vemt_ogr_rows *r) {
    return GDALGetDriverShortName(GDALGetDatasetDriver(r->ds));
}

bool vemt_ogr_rows_is_spreadsheet(const vemt_ogr_rows *r) {
    const char *f = vemt_ogr_rows_format(r);
    return !strcmp(f, "XLSX") || !strcmp(f, "ODS") || !strcmp(f, "XLS");
}

void vemt_ogr_rows_crs(const vemt_ogr_rows *r, char *buf, size_t size) {
    buf[0] = '\0';
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(r->layer);
    if (!r->points || !srs) return;
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        snprintf(buf, size, "%s:%s", auth, code);
        return;
    }
    char *wkt = NULL;
    if (OSRExportToWkt(srs, &wkt) == OGRERR_NONE)
        snprintf(buf, size, "%s", wkt);
    CPLFree(wkt);
}

/* A field as text; dates in ISO 8601 so the one date parser reads them. */
static char *field_text(OGRFeatureH f, int i) {
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) return vemt_strdup("");
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
    if (t != OFTDate && t != OFTDateTime)
        return vemt_strdup(OGR_F_GetFieldAsString(f, i));
    int y, m, d, h, mi, tz;
    float s;
    OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &h, &mi, &s, &tz);
    char buf[64], zone[16] = "";
    if (tz == 100)
        snprintf(zone, sizeof zone, "Z");
    else if (tz > 1)
        snprintf(zone, sizeof zone, "%c%02d:%02d", tz >= 100 ? '+' : '-',
                 abs(tz - 100) / 4, abs(tz - 100) % 4 * 15);
    if (t == OFTDate)
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    else
        snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, h,
                 mi, (int)s, zone);
    return vemt_strdup(buf);
}

void vemt_ogr_rows_use_geometry(vemt_ogr_rows *r, const vemt_colmap *map,
                                bool centroids) {
    r->centroids = centroids;
    r->geometry_used = false;
    for (int k = 0; r->points && k < VEMT_ROLE_END; k++)
        r->geometry_used |=
            map->col[k] == r->nfields || map->col[k] == r->nfields + 1;
}

bool vemt_ogr_rows_is_empty(const vemt_ogr_rows *r) {
    return r->nfields == 0 && OGR_L_GetFeatureCount(r->layer, TRUE) == 0;
}

long vemt_ogr_rows_centroids(const vemt_ogr_rows *r) { return r->n_centroids; }

/* Why a geometry is not a location (static text for the reject). */
static const char *not_a_point(OGRwkbGeometryType t) {
    switch (t) {
        case wkbLineString:
            return "geometry is a LineString, not a point (--centroids "
                   "takes its centroid)";
        case wkbPolygon:
            return "geometry is a Polygon, not a point (--centroids takes "
                   "its centroid)";
        case wkbMultiPoint:
            return "geometry is a MultiPoint of several points, not a point "
                   "(--centroids takes their centroid)";
        case wkbMultiLineString:
            return "geometry is a MultiLineString, not a point (--centroids "
                   "takes its centroid)";
        case wkbMultiPolygon:
            return "geometry is a MultiPolygon, not a point (--centroids "
                   "takes its centroid)";
        case wkbGeometryCollection:
            return "geometry is a GeometryCollection, not a point "
                   "(--centroids takes its centroid)";
        default:
            return "geometry is not a point (--centroids takes its "
                   "centroid)";
    }
}

/* The row's location from its geometry into a and b ("" and "" for none);
 * a geometry that is not a point either gives its centroid (centroids) or
 * marks the record bad with its type. A MultiPoint of one point is that
 * point. */
static void geometry_xy(vemt_ogr_rows *r, OGRGeometryH g, vemt_csv_record *rec,
                        char *a, char *b, size_t n) {
    if (!g || OGR_G_IsEmpty(g)) return;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1) {
        g = OGR_G_GetGeometryRef(g, 0);
        t = wkbFlatten(OGR_G_GetGeometryType(g));
    }
    if (t == wkbPoint) {
        snprintf(a, n, "%.10g", OGR_G_GetX(g, 0));
        snprintf(b, n, "%.10g", OGR_G_GetY(g, 0));
        return;
    }
    if (!r->geometry_used) return;
    OGRGeometryH c = r->centroids ? OGR_G_CreateGeometry(wkbPoint) : NULL;
    if (c && OGR_G_Centroid(g, c) == OGRERR_NONE && !OGR_G_IsEmpty(c)) {
        snprintf(a, n, "%.10g", OGR_G_GetX(c, 0));
        snprintf(b, n, "%.10g", OGR_G_GetY(c, 0));
        r->n_centroids++;
    } else {
        rec->bad = VEMT_E_COORD;
        rec->bad_column = r->nfields + 1;
        rec->bad_why = c ? "geometry has no centroid" : not_a_point(t);
    }
    if (c) OGR_G_DestroyGeometry(c);
}

vemt_status vemt_ogr_rows_next(vemt_ogr_rows *r, vemt_csv_record *rec) {
    memset(rec, 0, sizeof *rec);
    free_texts(r);
    OGRFeatureH f = OGR_L_GetNextFeature(r->layer);
    if (!f) {
        rec->eof = true;
        return VEMT_OK;
    }
    for (int i = 0; i < r->nfields; i++)
        if (!(r->text[i] = field_text(f, i))) goto nomem;
    if (r->points) {
        char a[32] = "", b[32] = "";
        geometry_xy(r, OGR_F_GetGeometryRef(f), rec, a, b, sizeof a);
        if (!(r->text[r->nfields] = vemt_strdup(a)) ||
            !(r->text[r->nfields + 1] = vemt_strdup(b)))
            goto nomem;
    }
    OGR_F_Destroy(f);
    for (size_t i = 0; i < r->header.n; i++) r->fields[i] = r->text[i];
    rec->fields = r->fields;
    rec->n = r->header.n;
    rec->row = rec->line = ++r->row;
    return VEMT_OK;
nomem:
    OGR_F_Destroy(f);
    return VEMT_E_NOMEM;
}
