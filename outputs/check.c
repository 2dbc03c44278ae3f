/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check.c
 * @brief `vemt check-disclosure`: re-read any GeoPackage (vemt's, or one
 * edited by hand in QGIS) and report every feature that breaks a tier's
 * rules.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"

typedef struct checker {
    FILE *report;
    const char *path;
    const vemt_tier_rules *rules;
    json_object *schema; /* the declared schema's "layers", or NULL */
    size_t problems;
} checker;

static void problem(checker *c, const char *layer, long fid, const char *what) {
    c->problems++;
    fprintf(c->report, "%s: layer '%s'", c->path, layer);
    if (fid >= 0) fprintf(c->report, " feature %ld", fid);
    fprintf(c->report, ": %s\n", what);
}

/* The declared role lists of a layer, or NULL. */
static json_object *declared(const checker *c, const char *layer,
                             const char *role) {
    json_object *l, *arr;
    if (!c->schema || !json_object_object_get_ex(c->schema, layer, &l) ||
        !json_object_object_get_ex(l, role, &arr))
        return NULL;
    return arr;
}

static bool in_list(json_object *arr, const char *name) {
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
        if (!strcmp(json_object_get_string(json_object_array_get_idx(arr, i)),
                    name))
            return true;
    return false;
}

/* A field's role by the declared schema, else by vemt's naming
 * conventions (for files without the declaration). */
static unsigned role_of(const checker *c, const char *layer, const char *f) {
    if (c->schema) {
        unsigned r = 0;
        r |= in_list(declared(c, layer, "counts"), f) ? VEMT_FIELD_COUNT : 0;
        r |= in_list(declared(c, layer, "statistics"), f) ? VEMT_FIELD_STATISTIC
                                                          : 0;
        r |= in_list(declared(c, layer, "identifiers"), f)
                 ? VEMT_FIELD_IDENTIFIER
                 : 0;
        return r;
    }
    return vemt_disclosure_role_by_name(f);
}

/* Rules on a layer's fields: those of roles the tier withholds (statistics,
 * identifiers) must be gone. */
static void check_fields(checker *c, OGRLayerH l, const char *name,
                         unsigned *roles) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    for (int i = 0; i < OGR_FD_GetFieldCount(d) && i < 64; i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i));
        char msg[256];
        roles[i] = role_of(c, name, f);
        unsigned withheld = roles[i] & c->rules->withheld_roles;
        if (withheld & VEMT_FIELD_STATISTIC) {
            snprintf(msg, sizeof msg,
                     "field '%s' can be solved back to counts and is "
                     "withheld outside the restricted tier",
                     f);
            problem(c, name, -1, msg);
        }
        if (withheld & VEMT_FIELD_IDENTIFIER) {
            snprintf(msg, sizeof msg, "field '%s' identifies records or people",
                     f);
            problem(c, name, -1, msg);
        }
    }
}

/* Per feature: counts 0 or >= threshold (or null); units no smaller than
 * the tier's smallest cell and steps no finer than its finest (public:
 * 250 m, a month). */
static void check_features(checker *c, OGRLayerH l, const char *name,
                           const unsigned *roles) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    int s0 = OGR_FD_GetFieldIndex(d, "step_start_utc");
    int s1 = OGR_FD_GetFieldIndex(d, "step_end_utc");
    bool has_counts = false;
    for (int i = 0; i < OGR_FD_GetFieldCount(d) && i < 64; i++)
        has_counts |= (roles[i] & VEMT_FIELD_COUNT) != 0;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        long fid = (long)OGR_F_GetFID(f);
        for (int i = 0; i < OGR_FD_GetFieldCount(d) && i < 64; i++) {
            if (!(roles[i] & VEMT_FIELD_COUNT) ||
                !OGR_F_IsFieldSetAndNotNull(f, i))
                continue;
            double v = OGR_F_GetFieldAsDouble(f, i);
            char msg[160];
            snprintf(msg, sizeof msg,
                     "count '%s' = %g is under the threshold "
                     "of %g",
                     OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)), v,
                     c->rules->threshold);
            if (round(v) >= 1 && round(v) < c->rules->threshold)
                problem(c, name, fid, msg);
        }
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        char msg[160];
        if (has_counts && g &&
            !vemt_disclosure_area_allowed(c->rules, OGR_G_Area(g))) {
            snprintf(msg, sizeof msg,
                     "unit of %.0f m2 is smaller than a %g m cell",
                     OGR_G_Area(g), c->rules->min_cell_m);
            problem(c, name, fid, msg);
        }
        if (c->rules->finest_step > VEMT_GRAIN_ANY && s0 >= 0 && s1 >= 0) {
            int y0, m0, d0, h, mi, tz, y1, m1, d1;
            float sec;
            OGR_F_GetFieldAsDateTimeEx(f, s0, &y0, &m0, &d0, &h, &mi, &sec,
                                       &tz);
            OGR_F_GetFieldAsDateTimeEx(f, s1, &y1, &m1, &d1, &h, &mi, &sec,
                                       &tz);
            double days = (double)(vemt_days_from_civil(y1, m1, d1) -
                                   vemt_days_from_civil(y0, m0, d0));
            snprintf(msg, sizeof msg,
                     "time step of %.0f days is finer than a %s", days + 1,
                     vemt_grain_name(c->rules->finest_step));
            if (!vemt_disclosure_span_allowed(c->rules, days + 1))
                problem(c, name, fid, msg);
        }
        OGR_F_Destroy(f);
    }
}

/* Report each key the query returns: a line of hotspot_cube (what) with
 * exactly one withheld count whose total another layer publishes. */
static void recoverable(checker *c, GDALDatasetH ds, const char *sql,
                        const char *what) {
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "%s %s has one withheld count and a published total: the "
                 "count can be recovered by subtraction",
                 what, OGR_F_GetFieldAsString(f, 0));
        problem(c, "hotspot_cube", -1, msg);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

/* Rows: a cell's steps against its total in emerging_hotspots. Columns: a
 * step's cells against the study area's count in trends (category 'all'). */
static void check_lines(checker *c, GDALDatasetH ds) {
    if (!GDALDatasetGetLayerByName(ds, "hotspot_cube")) return;
    if (GDALDatasetGetLayerByName(ds, "emerging_hotspots"))
        recoverable(c, ds,
                    "SELECT cell_id FROM hotspot_cube GROUP BY cell_id "
                    "HAVING sum(n_events IS NULL) = 1 AND cell_id IN "
                    "(SELECT cell_id FROM emerging_hotspots WHERE n_events "
                    "IS NOT NULL)",
                    "cell");
    if (GDALDatasetGetLayerByName(ds, "trends"))
        recoverable(c, ds,
                    "SELECT step_start_utc FROM hotspot_cube GROUP BY "
                    "step_start_utc HAVING sum(n_events IS NULL) = 1 AND "
                    "step_start_utc IN (SELECT step_start_utc FROM trends "
                    "WHERE area = 'study area' AND category = 'all' AND "
                    "n_events IS NOT NULL)",
                    "time step");
}

/* The declared schema and tier in vemt's metadata, or NULL. */
static json_object *read_schema(GDALDatasetH ds) {
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = "
        "'urn:vemt:disclosure-schema:1'",
        NULL, NULL);
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    json_object *doc =
        f ? json_tokener_parse(OGR_F_GetFieldAsString(f, 0)) : NULL;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return doc;
}

static void check_layer(checker *c, OGRLayerH l) {
    const char *name = OGR_L_GetName(l);
    if (!strcmp(name, "layer_styles")) return;
    OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(l));
    bool points = t == wkbPoint || t == wkbMultiPoint || t == wkbLineString ||
                  t == wkbMultiLineString;
    if (points && !c->rules->exact_locations)
        problem(c, name, -1,
                "point or line layer: individual events, journeys or places "
                "are restricted");
    unsigned roles[64] = {0};
    check_fields(c, l, name, roles);
    check_features(c, l, name, roles);
}

vemt_status vemt_outputs_check_disclosure(vemt_ctx *ctx, const char *path,
                                          const vemt_tier_rules *rules,
                                          FILE *report, size_t *problems) {
    *problems = 0;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, ctx, VEMT_E_DEPENDENCY);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    vemt_gdal_errors_pop();
    if (!ds) {
        vemt_ctx_fail(ctx, VEMT_E_IO, "can't open as a GeoPackage");
        vemt_ctx_set_source(ctx, path);
        return VEMT_E_IO;
    }
    checker c = {report, path, rules, NULL, 0};
    json_object *doc = read_schema(ds);
    if (!doc || !json_object_object_get_ex(doc, "layers", &c.schema)) {
        c.schema = NULL;
        fprintf(report,
                "%s: no vemt disclosure schema in the file: fields "
                "checked by their names\n",
                path);
    }
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++)
        check_layer(&c, GDALDatasetGetLayer(ds, i));
    check_lines(&c, ds);
    json_object_put(doc);
    GDALClose(ds);
    *problems = c.problems;
    return VEMT_OK;
}
