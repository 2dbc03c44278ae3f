/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_table.c
 * @brief The checker's tables: every table and column against the tier's
 * allow-list, and every row: its feature's own geometry (never the layer's
 * declared type), its counts and its time step.
 */
#include <math.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/check.h"

/* Units read in a geographic CRS (GeoJSON is WGS 84, RFC 7946) are
 * measured in a Lambert azimuthal equal-area projection centred on the
 * layer. A grid cell drawn in a national projected CRS has, on the
 * ellipsoid, its grid area divided by the square of the projection's scale
 * factor (British National Grid: 0.9996 to 1.0004 over Great Britain, so
 * within 0.1 %); a relative tolerance of 0.5 % keeps such cells while a
 * 250 m hexagon (13 % under a 250 m square) or a 1 m2 polygon still fails. */
#define GEOGRAPHIC_AREA_TOLERANCE 0.005

typedef struct row_check {
    vemt_checker *c;
    const char *name;
    const vemt_allowed_layer *entry;
    OGRFeatureDefnH defn;
    int id_field;                         /* cell_id, area, or -1 */
    int first_day, last_day;              /* step_first_day / step_last_day */
    int start_utc, end_utc;               /* step_start_utc / step_end_utc */
    OGRCoordinateTransformationH to_area; /* geographic -> LAEA, or NULL */
    double min_area, tolerance;
} row_check;

/* "hotspot_cells fid 3 (cell_id 467700_510600)" into buf. */
static void feature_label(const row_check *r, OGRFeatureH f, char *buf,
                          size_t size) {
    long long fid = (long long)OGR_F_GetFID(f);
    if (r->id_field >= 0 && OGR_F_IsFieldSetAndNotNull(f, r->id_field))
        snprintf(buf, size, "%s fid %lld (%s %s)", r->name, fid,
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(r->defn, r->id_field)),
                 OGR_F_GetFieldAsString(f, r->id_field));
    else
        snprintf(buf, size, "%s fid %lld", r->name, fid);
}

static bool is_polygon(OGRwkbGeometryType t) {
    return t == wkbPolygon || t == wkbMultiPolygon;
}

/* The area of a unit in square metres: as it is in a projected CRS, in an
 * equal-area projection from a geographic one. */
static double unit_area(const row_check *r, OGRGeometryH g) {
    if (!r->to_area) return OGR_G_Area(g);
    OGRGeometryH copy = OGR_G_Clone(g);
    double a = (double)NAN;
    if (copy && OGR_G_Transform(copy, r->to_area) == OGRERR_NONE)
        a = OGR_G_Area(copy);
    if (copy) OGR_G_DestroyGeometry(copy);
    return a;
}

static void check_geometry(const row_check *r, OGRFeatureH f, OGRGeometryH g) {
    if (!g || OGR_G_IsEmpty(g)) return;
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    char label[256];
    feature_label(r, f, label, sizeof label);
    vemt_checker *c = r->c;
    if (r->entry->geom == VEMT_ALLOW_NONE ||
        r->entry->geom == VEMT_ALLOW_RASTER) {
        vemt_check_problem(c, "geometries in tables that may hold none",
                           "%s: %s", label, OGRGeometryTypeToName(t));
        return;
    }
    if (!is_polygon(t)) {
        vemt_check_problem(c,
                           "geometries that are not polygons (points, lines "
                           "or collections show where events happened)",
                           "%s: %s", label, OGRGeometryTypeToName(t));
        return;
    }
    if (r->entry->geom != VEMT_ALLOW_UNITS || !(r->min_area > 0)) return;
    double a = unit_area(r, g);
    if (!(a >= r->min_area * (1 - r->tolerance)) ||
        (!r->to_area && !vemt_disclosure_area_allowed(c->rules, a))) {
        char what[96];
        snprintf(what, sizeof what, "units smaller than %.0f m2", r->min_area);
        vemt_check_problem(c, what, "%s: %.0f m2", label, a);
    }
}

bool vemt_check_count_ok(const vemt_tier_rules *rules, double v) {
    if (!isfinite(v) || v < 0) return false;
    if (v == 0) return true;
    if (v < rules->threshold) return false;
    double base = rules->round_to > 1 ? rules->round_to : 1;
    return fabs(v / base - round(v / base)) < 1e-9;
}

const char *vemt_check_count_rule(const vemt_tier_rules *rules,
                                  const char *counts, const char *blank,
                                  char *buf, size_t size) {
    snprintf(buf, size, "%s neither %s%s0 %s at least %g and a multiple of %g",
             counts, blank ? blank : "", blank ? " nor " : "",
             blank ? "or" : "nor", rules->threshold,
             rules->round_to > 1 ? rules->round_to : 1);
    return buf;
}

static void check_counts(const row_check *r, OGRFeatureH f) {
    vemt_checker *c = r->c;
    for (int i = 0; i < OGR_FD_GetFieldCount(r->defn); i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(r->defn, i);
        const char *col = OGR_Fld_GetNameRef(fd);
        if (!vemt_disclosure_column_is_count(c->rules, r->name, col) ||
            !OGR_F_IsFieldSetAndNotNull(f, i))
            continue;
        char text[64]; /* OGR's string is overwritten by the next call */
        snprintf(text, sizeof text, "%s", OGR_F_GetFieldAsString(f, i));
        char *end = NULL;
        double v = strtod(text, &end);
        if (end == text || *end) v = (double)NAN; /* not a number at all */
        if (vemt_check_count_ok(c->rules, v)) continue;
        char what[160], label[256];
        feature_label(r, f, label, sizeof label);
        vemt_check_problem(
            c,
            vemt_check_count_rule(c->rules, "counts", NULL, what, sizeof what),
            "%s: %s = %s", label, col, text);
    }
}

/* Calendar day number of a date or date-time field, false when unset. */
static bool day_of(OGRFeatureH f, int i, int64_t *day) {
    int y, m, d, h, mi, tz;
    float s;
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i) ||
        !OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &h, &mi, &s, &tz))
        return false;
    *day = vemt_days_from_civil(y, m, d);
    return true;
}

static void check_step(const row_check *r, OGRFeatureH f) {
    vemt_checker *c = r->c;
    if (c->rules->finest_step <= VEMT_GRAIN_ANY) return;
    int64_t d0, d1;
    bool have = day_of(f, r->first_day, &d0) && day_of(f, r->last_day, &d1);
    if (!have)
        have = day_of(f, r->start_utc, &d0) && day_of(f, r->end_utc, &d1);
    if (!have) return;
    double days = (double)(d1 - d0) + 1;
    if (vemt_disclosure_span_allowed(c->rules, days)) return;
    char what[96], label[256];
    snprintf(what, sizeof what, "time steps finer than a %s",
             vemt_grain_name(c->rules->finest_step));
    feature_label(r, f, label, sizeof label);
    vemt_check_problem(c, what, "%s: %.0f days", label, days);
}

/* A transformation from the layer's geographic CRS to an equal-area one
 * centred on its extent, or NULL for a projected (or unknown) CRS. */
static OGRCoordinateTransformationH area_transform(OGRLayerH layer) {
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    OGREnvelope env;
    if (!srs || !OSRIsGeographic(srs) ||
        OGR_L_GetExtent(layer, &env, 1) != OGRERR_NONE)
        return NULL;
    OGRSpatialReferenceH src = OSRClone(srs),
                         laea = OSRNewSpatialReference(NULL);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(laea, OAMS_TRADITIONAL_GIS_ORDER);
    OSRCopyGeogCSFrom(laea, src);
    OSRSetLAEA(laea, (env.MinY + env.MaxY) / 2, (env.MinX + env.MaxX) / 2, 0,
               0);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, laea);
    OSRRelease(src);
    OSRRelease(laea);
    return ct;
}

static void check_rows(vemt_checker *c, const char *name, OGRLayerH layer,
                       const vemt_allowed_layer *entry) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(layer);
    row_check r = {.c = c,
                   .name = name,
                   .entry = entry,
                   .defn = d,
                   .id_field = OGR_FD_GetFieldIndex(d, "cell_id"),
                   .first_day = OGR_FD_GetFieldIndex(d, "step_first_day"),
                   .last_day = OGR_FD_GetFieldIndex(d, "step_last_day"),
                   .start_utc = OGR_FD_GetFieldIndex(d, "step_start_utc"),
                   .end_utc = OGR_FD_GetFieldIndex(d, "step_end_utc"),
                   .min_area = vemt_disclosure_min_area(c->rules)};
    if (r.id_field < 0) r.id_field = OGR_FD_GetFieldIndex(d, "area");
    if (entry->geom == VEMT_ALLOW_UNITS) r.to_area = area_transform(layer);
    r.tolerance = r.to_area ? GEOGRAPHIC_AREA_TOLERANCE : 0;
    int ngeom = OGR_FD_GetGeomFieldCount(d);
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        for (int g = 0; g < ngeom; g++)
            check_geometry(&r, f, OGR_F_GetGeomFieldRef(f, g));
        check_counts(&r, f);
        check_step(&r, f);
        OGR_F_Destroy(f);
    }
    if (r.to_area) OCTDestroyCoordinateTransformation(r.to_area);
}

void vemt_check_table(vemt_checker *c, const char *name, OGRLayerH layer,
                      const char *const *columns, const bool *exempt,
                      size_t n) {
    const vemt_tier_rules *rules = c->rules;
    if (!rules->allow) return; /* a tier without a list publishes anything */
    const vemt_allowed_layer *entry =
        vemt_disclosure_allowed_layer(rules, name);
    if (!entry) {
        char cols[256] = "";
        for (size_t i = 0, k = 0; i < n && k < sizeof cols; i++) {
            if (exempt[i]) continue;
            k += (size_t)snprintf(cols + k, sizeof cols - k, "%s%s",
                                  k ? ", " : "", columns[i]);
        }
        char what[96];
        snprintf(what, sizeof what, "tables not on the %s tier's allow-list",
                 vemt_check_tier(c));
        vemt_check_problem(c, what, "%s (%s)", name, cols);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (exempt[i] ||
            vemt_disclosure_column_allowed(rules, name, columns[i]))
            continue;
        char what[96];
        snprintf(what, sizeof what, "columns not on the %s tier's allow-list",
                 vemt_check_tier(c));
        vemt_check_problem(c, what, "%s.%s", name, columns[i]);
    }
    if (layer) check_rows(c, name, layer, entry);
}
