/** @file layers.c
 * @brief What each output layer holds: fields and features, independent of
 * the format written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outputs/ogr_writer.h"

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Set a UTC date-time field (OGR TZFlag 100 = UTC) or null for t < 0. */
static void set_utc(OGRFeatureH f, int i, int64_t t) {
    if (i < 0) return;
    if (t < 0) {
        OGR_F_SetFieldNull(f, i);
        return;
    }
    int64_t days = t / 86400, secs = t % 86400;
    int y, m, d;
    vemt_civil_from_days(days, &y, &m, &d);
    OGR_F_SetFieldDateTimeEx(f, i, y, m, d, (int)(secs / 3600),
                             (int)(secs / 60 % 60), (float)(secs % 60), 100);
}

/* Where each field of a layer's description went in the layer (-1: not
 * written for this tier), and the "suppressed" flag field, if any. */
typedef struct fieldmap {
    int ix[24];
    int suppressed;
} fieldmap;

static void map_fields(OGRLayerH layer, const vemt_field_def *defs, size_t n,
                       fieldmap *m) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(layer);
    for (size_t k = 0; k < n && k < 24; k++)
        m->ix[k] = OGR_FD_GetFieldIndex(d, defs[k].name);
    m->suppressed = OGR_FD_GetFieldIndex(d, "suppressed");
}

/* A number into field ix (skipped when not written), NaN as null. */
static void put_real(OGRFeatureH f, int ix, double v) {
    if (ix < 0) return;
    if (isfinite(v))
        OGR_F_SetFieldDouble(f, ix, v);
    else
        OGR_F_SetFieldNull(f, ix);
}

static void put_count(OGRFeatureH f, int ix, double v) {
    if (ix < 0) return;
    if (isfinite(v))
        OGR_F_SetFieldInteger(f, ix, (int)lround(v));
    else
        OGR_F_SetFieldNull(f, ix);
}

static void put_text(OGRFeatureH f, int ix, const char *v) {
    if (ix < 0) return;
    if (v)
        OGR_F_SetFieldString(f, ix, v);
    else
        OGR_F_SetFieldNull(f, ix);
}

static void put_flag(OGRFeatureH f, const fieldmap *m, bool suppressed) {
    if (m->suppressed >= 0) OGR_F_SetFieldInteger(f, m->suppressed, suppressed);
}

static vemt_status add_feature(OGRLayerH layer, OGRFeatureH f) {
    OGRErr e = OGR_L_CreateFeature(layer, f);
    OGR_F_Destroy(f);
    return e == OGRERR_NONE ? VEMT_OK : VEMT_E_DEPENDENCY;
}

static const char *precision_str(vemt_precision p) {
    static const char names[][8] = {"second", "minute", "day", "month"};
    return (unsigned)p < 4 ? names[p] : "";
}

static const vemt_field_def event_fields[] = {
    {"event_id", OFTInteger64, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"kind", OFTString, OFSTNone, 0},
    {"source", OFTString, OFSTNone, 0},
    {"source_row", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"source_ref", OFTString, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"time_precision", OFTString, OFSTNone, 0},
    {"category", OFTString, OFSTNone, 0},
    {"subject_key", OFTString, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"located", OFTInteger, OFSTBoolean, 0},
    {"in_area", OFTInteger, OFSTBoolean, 0},
    {"time_ambiguous", OFTInteger, OFSTBoolean, 0},
    {"looked_after", OFTString, OFSTNone, 0},
    {"placing_authority", OFTString, OFSTNone, 0},
    {"lsoa", OFTString, OFSTNone, 0},
};

static void set_text_or_null(OGRFeatureH f, int i, const char *v) {
    if (v && v[0])
        OGR_F_SetFieldString(f, i, v);
    else
        OGR_F_SetFieldNull(f, i);
}

/* Fields only episodes or some sources carry. */
static void set_event_extras(OGRFeatureH f, const vemt_events *events,
                             const vemt_event *ev) {
    static const char tri[][8] = {"unknown", "yes", "no"};
    OGR_F_SetFieldInteger(f, 12, ev->time_ambiguous);
    if (ev->kind == VEMT_KIND_INCIDENT)
        OGR_F_SetFieldNull(f, 13);
    else
        OGR_F_SetFieldString(f, 13, tri[ev->looked_after]);
    set_text_or_null(f, 14, vemt_events_text(events, ev->placing_authority));
    set_text_or_null(f, 15, vemt_events_text(events, ev->lsoa));
}

static vemt_status fill_events(vemt_ctx *ctx, OGRLayerH layer,
                               const vemt_output *out) {
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i < out->events->n; i++) {
        const vemt_event *ev = &out->events->items[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldInteger64(f, 0, (GIntBig)i + 1);
        OGR_F_SetFieldString(f, 1, vemt_kind_str((vemt_kind)ev->kind));
        OGR_F_SetFieldString(f, 2, base_name(out->sources[ev->source].path));
        OGR_F_SetFieldInteger(f, 3, (int)ev->source_row);
        set_text_or_null(f, 4, vemt_events_text(out->events, ev->ref));
        set_utc(f, 5, ev->start_utc);
        set_utc(f, 6, ev->end_utc);
        OGR_F_SetFieldString(f, 7,
                             precision_str((vemt_precision)ev->precision));
        set_text_or_null(f, 8, vemt_events_text(out->events, ev->category));
        set_text_or_null(f, 9, ev->subject_key);
        OGR_F_SetFieldInteger(f, 10, ev->located);
        OGR_F_SetFieldInteger(f, 11, ev->in_area);
        set_event_extras(f, out->events, ev);
        if (ev->located) {
            OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(pt, 0, ev->x, ev->y);
            OGR_F_SetGeometryDirectly(f, pt);
        }
        vemt_status st = add_feature(layer, f);
        if (st) return st;
        if ((i + 1) % 65536 == 0)
            vemt_ctx_progress(ctx, "write events", i + 1, out->events->n);
    }
    return VEMT_OK;
}

/* Cell i of the grid as a polygon, exterior ring counter-clockwise (the
 * right-hand rule). */
static OGRGeometryH cell_polygon(const vemt_grid *grid, size_t i) {
    vemt_bbox b = vemt_grid_cell_bbox(grid, i);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, b.xmin, b.ymin);
    OGR_G_AddPoint_2D(ring, b.xmax, b.ymin);
    OGR_G_AddPoint_2D(ring, b.xmax, b.ymax);
    OGR_G_AddPoint_2D(ring, b.xmin, b.ymax);
    OGR_G_AddPoint_2D(ring, b.xmin, b.ymin);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, ring);
    return poly;
}

static const vemt_field_def cell_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"n_events", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_bin", OFTInteger, OFSTInt16, 0},
};

static vemt_status fill_cells(vemt_ctx *ctx, OGRLayerH layer,
                              const vemt_output *out) {
    (void)ctx;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    fieldmap m;
    map_fields(layer, cell_fields, sizeof cell_fields / sizeof *cell_fields,
               &m);
    size_t n = vemt_grid_ncells(out->grid);
    char id[48];
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(defn);
        vemt_grid_cell_id(out->grid, i, id, sizeof id);
        put_text(f, m.ix[0], id);
        put_count(f, m.ix[1], out->n_events[i]);
        put_real(f, m.ix[2], out->gi_z[i]);
        put_real(f, m.ix[3], out->gi_p[i]);
        if (m.ix[4] >= 0)
            OGR_F_SetFieldInteger(f, m.ix[4], out->gi_bin ? out->gi_bin[i] : 0);
        put_flag(f, &m, isnan(out->n_events[i]));
        OGR_F_SetGeometryDirectly(f, cell_polygon(out->grid, i));
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def cube_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"step_start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step_end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"n_events", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_bin", OFTInteger, OFSTInt16, 0},
};

/* One feature per unit and time step, so QGIS's temporal controller can
 * animate the cube. Steps end one second before the next starts. */
static vemt_status fill_cube(vemt_ctx *ctx, OGRLayerH layer,
                             const vemt_output *out) {
    const vemt_trends_out *tr = out->trends;
    size_t units = vemt_cube_units(tr->cube), steps = vemt_cube_steps(tr->cube);
    const double *ne = tr->pub_events, *ns = tr->pub_subjects;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    fieldmap m;
    map_fields(layer, cube_fields, sizeof cube_fields / sizeof *cube_fields,
               &m);
    char id[48];
    for (size_t u = 0; u < units; u++) {
        vemt_grid_cell_id(out->grid, u, id, sizeof id);
        for (size_t t = 0; t < steps; t++) {
            size_t b = u * steps + t;
            OGRFeatureH f = OGR_F_Create(defn);
            put_text(f, m.ix[0], id);
            set_utc(f, m.ix[1], vemt_cube_step_start(tr->cube, t));
            set_utc(f, m.ix[2], vemt_cube_step_end(tr->cube, t) - 1);
            put_real(f, m.ix[3], ne[b]);
            put_count(f, m.ix[4], ns[b]);
            put_real(f, m.ix[5], tr->z[b]);
            put_real(f, m.ix[6], tr->p[b]);
            OGR_F_SetFieldInteger(f, m.ix[7], tr->bins[b]);
            put_flag(f, &m, isnan(ne[b]) || isnan(ns[b]));
            OGR_F_SetGeometryDirectly(f, cell_polygon(out->grid, u));
            vemt_status st = add_feature(layer, f);
            if (st) return st;
        }
        vemt_ctx_progress(ctx, "write hotspot_cube", u + 1, units);
    }
    return VEMT_OK;
}

static const vemt_field_def emerging_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"pattern", OFTString, OFSTNone, 0},
    {"chainey_pattern", OFTString, OFSTNone, 0},
    {"mk_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"sen_slope", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"n_events", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"share_hot", OFTReal, OFSTNone, 0},
    {"count_mk_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"count_mk_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"count_sen_slope", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_emerging(vemt_ctx *ctx, OGRLayerH layer,
                                 const vemt_output *out) {
    (void)ctx;
    const vemt_trends_out *tr = out->trends;
    size_t units = vemt_cube_units(tr->cube);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    fieldmap m;
    map_fields(layer, emerging_fields,
               sizeof emerging_fields / sizeof *emerging_fields, &m);
    char id[48];
    for (size_t u = 0; u < units; u++) {
        OGRFeatureH f = OGR_F_Create(defn);
        vemt_grid_cell_id(out->grid, u, id, sizeof id);
        put_text(f, m.ix[0], id);
        /* Patterns withheld (NULL) where the cell's total is suppressed. */
        bool hidden = isnan(tr->unit_events[u]);
        put_text(f, m.ix[1], hidden ? NULL : vemt_ehsa_name(tr->pattern[u]));
        put_text(f, m.ix[2], hidden ? NULL : vemt_chainey_name(tr->chainey[u]));
        put_real(f, m.ix[3], tr->mk[u].z);
        put_real(f, m.ix[4], tr->mk[u].p);
        put_real(f, m.ix[5], tr->mk[u].sen_slope);
        put_real(f, m.ix[6], tr->unit_events[u]);
        /* Distinct subjects summed over steps: a subject seen in two steps
         * counts twice (the per-step counts are exact). */
        put_count(f, m.ix[7], tr->unit_subjects[u]);
        put_real(f, m.ix[8], tr->share_hot[u]);
        put_real(f, m.ix[9], tr->count_mk[u].z);
        put_real(f, m.ix[10], tr->count_mk[u].p);
        put_real(f, m.ix[11], tr->count_mk[u].sen_slope);
        put_flag(f, &m, hidden || isnan(tr->unit_subjects[u]));
        OGR_F_SetGeometryDirectly(f, cell_polygon(out->grid, u));
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def trend_fields[] = {
    {"area", OFTString, OFSTNone, 0},
    {"category", OFTString, OFSTNone, 0},
    {"step_start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step_end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"n_events", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"change_prev", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_prev_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_year", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_year_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"sen_slope", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_trends(vemt_ctx *ctx, OGRLayerH layer,
                               const vemt_output *out) {
    (void)ctx;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    fieldmap m;
    map_fields(layer, trend_fields, sizeof trend_fields / sizeof *trend_fields,
               &m);
    for (size_t i = 0; i < out->trends->n_rows; i++) {
        const vemt_trend_row *r = &out->trends->rows[i];
        OGRFeatureH f = OGR_F_Create(defn);
        put_text(f, m.ix[0], r->area);
        put_text(f, m.ix[1], r->category);
        set_utc(f, m.ix[2], r->step_start_utc);
        set_utc(f, m.ix[3], r->step_end_utc - 1);
        put_real(f, m.ix[4], r->n_events);
        put_count(f, m.ix[5], r->n_subjects);
        const double v[] = {r->change_prev,   r->change_prev_p, r->change_year,
                            r->change_year_p, r->mk_z,          r->mk_p,
                            r->sen_slope};
        for (int k = 0; k < 7; k++) put_real(f, m.ix[6 + k], v[k]);
        put_flag(f, &m, isnan(r->n_events) || isnan(r->n_subjects));
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def reject_fields[] = {
    {"source", OFTString, OFSTNone, 0},
    {"source_row", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"source_line", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"column", OFTString, OFSTNone, 0},
    {"column_number", OFTInteger, OFSTNone, 0},
    {"code", OFTString, OFSTNone, 0},
    {"reason", OFTString, OFSTNone, 0},
    {"raw", OFTString, OFSTNone, VEMT_FIELD_IDENTIFIER},
};

static vemt_status fill_rejects(vemt_ctx *ctx, OGRLayerH layer,
                                const vemt_output *out) {
    (void)ctx;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i < out->rejects->n; i++) {
        const vemt_reject *r = &out->rejects->items[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldString(f, 0, base_name(out->sources[r->source].path));
        OGR_F_SetFieldInteger(f, 1, (int)r->err.row);
        OGR_F_SetFieldInteger(f, 2, (int)r->err.line);
        if (r->err.field[0])
            OGR_F_SetFieldString(f, 3, r->err.field);
        else
            OGR_F_SetFieldNull(f, 3);
        if (r->err.column)
            OGR_F_SetFieldInteger(f, 4, r->err.column);
        else
            OGR_F_SetFieldNull(f, 4);
        OGR_F_SetFieldString(f, 5, vemt_status_str(r->err.code));
        OGR_F_SetFieldString(f, 6, r->err.msg);
        if (r->raw) OGR_F_SetFieldString(f, 7, r->raw);
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def merge_fields[] = {
    {"kept_source", OFTString, OFSTNone, 0},
    {"kept_row", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"merged_source", OFTString, OFSTNone, 0},
    {"merged_row", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"rule", OFTString, OFSTNone, 0},
    {"distance_m", OFTReal, OFSTNone, 0},
    {"seconds_apart", OFTReal, OFSTNone, 0},
};

static vemt_status fill_merges(vemt_ctx *ctx, OGRLayerH layer,
                               const vemt_output *out) {
    (void)ctx;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; out->merges && i < out->merges->n; i++) {
        const vemt_merge *m = &out->merges->items[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldString(f, 0,
                             base_name(out->sources[m->kept_source].path));
        OGR_F_SetFieldInteger(f, 1, (int)m->kept_row);
        OGR_F_SetFieldString(f, 2,
                             base_name(out->sources[m->merged_source].path));
        OGR_F_SetFieldInteger(f, 3, (int)m->merged_row);
        OGR_F_SetFieldString(f, 4, m->rule);
        OGR_F_SetFieldDouble(f, 5, m->distance_m);
        OGR_F_SetFieldDouble(f, 6, m->seconds);
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def area_fields[] = {
    {"name", OFTString, OFSTNone, 0},
    {"area_km2", OFTReal, OFSTNone, 0},
};

static vemt_status fill_area(vemt_ctx *ctx, OGRLayerH layer,
                             const vemt_output *out) {
    (void)ctx;
    unsigned char *wkb = NULL;
    size_t n = 0;
    if (!out->area) return VEMT_OK;
    vemt_status st = vemt_area_wkb(out->area, &wkb, &n);
    if (st) return st;
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)n) != OGRERR_NONE) {
        vemt_engine_free(wkb);
        return VEMT_E_DEPENDENCY;
    }
    vemt_engine_free(wkb);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGR_F_SetFieldString(f, 0, out->area_name ? base_name(out->area_name) : "");
    OGR_F_SetFieldDouble(f, 1, vemt_area_m2(out->area) / 1e6);
    OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(g));
    return add_feature(layer, f);
}

static const vemt_field_def journey_fields[] = {
    {"episode_id", OFTString, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"subject_key", OFTString, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"duration_h", OFTReal, OFSTNone, 0},
    {"distance_m", OFTReal, OFSTNone, 0},
    {"looked_after", OFTString, OFSTNone, 0},
    {"out_of_area", OFTInteger, OFSTBoolean, 0},
    {"placing_authority", OFTString, OFSTNone, 0},
};

/* An episode's journey: its missing_from event followed by its found_at
 * event (the reader writes them one after the other). */
static vemt_status fill_journeys(vemt_ctx *ctx, OGRLayerH layer,
                                 const vemt_output *out) {
    (void)ctx;
    static const char tri[][8] = {"unknown", "yes", "no"};
    const vemt_events *ev = out->events;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i + 1 < ev->n; i++) {
        const vemt_event *a = &ev->items[i], *b = &ev->items[i + 1];
        if (a->kind != VEMT_KIND_MISSING_FROM ||
            b->kind != VEMT_KIND_FOUND_AT || a->source != b->source ||
            a->ref != b->ref || !a->located)
            continue;
        OGRFeatureH f = OGR_F_Create(defn);
        put_text(f, 0, vemt_events_text(ev, a->ref));
        put_text(f, 1, a->subject_key);
        set_utc(f, 2, a->start_utc);
        set_utc(f, 3, b->end_utc);
        put_real(f, 4, (double)(b->end_utc - a->start_utc) / 3600.0);
        put_real(f, 5, hypot(b->x - a->x, b->y - a->y));
        put_text(f, 6, tri[a->looked_after < 3 ? a->looked_after : 0]);
        OGR_F_SetFieldInteger(f, 7, !a->in_area || !b->in_area);
        const char *pa = vemt_events_text(ev, a->placing_authority);
        put_text(f, 8, *pa ? pa : NULL);
        OGRGeometryH line = OGR_G_CreateGeometry(wkbLineString);
        OGR_G_AddPoint_2D(line, a->x, a->y);
        OGR_G_AddPoint_2D(line, b->x, b->y);
        OGR_F_SetGeometryDirectly(f, line);
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def place_fields[] = {
    {"place_id", OFTInteger, OFSTNone, 0},
    {"n_children", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_events", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"first_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"last_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"kinds", OFTString, OFSTNone, 0},
    {"categories", OFTString, OFSTNone, 0},
};

static vemt_status fill_places(vemt_ctx *ctx, OGRLayerH layer,
                               const vemt_output *out) {
    (void)ctx;
    const vemt_safeguarding_out *sg = out->safeguarding;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i < sg->n_places; i++) {
        const vemt_place_row *p = &sg->places[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldInteger(f, 0, (int)i + 1);
        OGR_F_SetFieldInteger(f, 1, (int)p->n_children);
        OGR_F_SetFieldInteger(f, 2, (int)p->n_events);
        set_utc(f, 3, p->first_utc);
        set_utc(f, 4, p->last_utc);
        put_text(f, 5, p->kinds);
        put_text(f, 6, p->categories);
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, p->x, p->y);
        OGR_F_SetGeometryDirectly(f, pt);
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def patrol_fields[] = {
    {"rank", OFTInteger, OFSTNone, 0},
    {"place", OFTString, OFSTNone, 0},
    {"weekday", OFTString, OFSTNone, 0},
    {"start_hour", OFTInteger, OFSTNone, 0},
    {"end_hour", OFTInteger, OFSTNone, 0},
    {"per_week", OFTReal, OFSTNone, 0},
    {"share", OFTReal, OFSTNone, 0},
};

static vemt_status fill_patrol(vemt_ctx *ctx, OGRLayerH layer,
                               const vemt_output *out) {
    (void)ctx;
    static const char days[][12] = {"Monday",   "Tuesday", "Wednesday",
                                    "Thursday", "Friday",  "Saturday",
                                    "Sunday"};
    const vemt_safeguarding_out *sg = out->safeguarding;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (size_t i = 0; i < sg->n_patrol; i++) {
        const vemt_patrol_row *p = &sg->patrol[i];
        OGRFeatureH f = OGR_F_Create(defn);
        OGR_F_SetFieldInteger(f, 0, (int)i + 1);
        put_text(f, 1, p->place);
        put_text(f, 2, days[p->weekday % 7]);
        OGR_F_SetFieldInteger(f, 3, p->start_hour);
        OGR_F_SetFieldInteger(f, 4, p->end_hour);
        put_real(f, 5, p->per_week);
        put_real(f, 6, p->share);
        vemt_status st = add_feature(layer, f);
        if (st) return st;
    }
    return VEMT_OK;
}

#define FIELDS(a) a, sizeof a / sizeof a[0]

static const vemt_layer_def layer_defs[] = {
    {"study_area",
     "The study area the analysis covers (the --boundary polygons, unioned "
     "and in EPSG:27700).",
     wkbMultiPolygon, FIELDS(area_fields), fill_area, VEMT_NEEDS_AREA, false},
    {"hotspot_cells",
     "Grid cells of the study area: n_events counted per cell, Getis-Ord "
     "Gi* z-score (gi_z) and two-sided p-value (gi_p), binary weights of "
     "the cell and its 8 neighbours.",
     wkbPolygon, FIELDS(cell_fields), fill_cells, VEMT_NEEDS_GRID, false},
    {"events",
     "Normalised events, one per incident, missing-from place and found-at "
     "place; times in UTC; subject_key is a keyed pseudonym, never a raw "
     "identifier. Restricted: exact locations.",
     wkbPoint, FIELDS(event_fields), fill_events, VEMT_NEEDS_NOTHING, true},
    {"rejects",
     "Input rows that could not be used, with file, row, column and reason; "
     "identifiers in raw are pseudonymised. Restricted.",
     wkbNone, FIELDS(reject_fields), fill_rejects, VEMT_NEEDS_NOTHING, true},
    {"emerging_hotspots",
     "Emerging hot spot pattern of each cell over the time steps (Esri's "
     "categories and wording; chainey_pattern as R sfhotspot names them), "
     "Mann-Kendall test and Sen's slope of its space-time Gi* z-series, "
     "events and the share of steps that were hot.",
     wkbPolygon, FIELDS(emerging_fields), fill_emerging, VEMT_NEEDS_TRENDS,
     false},
    {"hotspot_cube",
     "The space-time cube: one feature per cell and time step, events "
     "(aoristic weights), distinct subjects, space-time Gi* z, p and bin "
     "(FDR across all bins). Time-enabled.",
     wkbPolygon, FIELDS(cube_fields), fill_cube, VEMT_NEEDS_TRENDS, false},
    {"trends",
     "Counts per time step for the study area, all and by category: events, "
     "distinct subjects, change against the previous step and a year "
     "earlier with an exact Poisson test, and the series' Mann-Kendall test "
     "and Sen's slope.",
     wkbNone, FIELDS(trend_fields), fill_trends, VEMT_NEEDS_TRENDS, false},
    {"missing_journeys",
     "Each missing episode as a line from where the child went missing to "
     "where they were found, with its duration, distance, looked-after "
     "status, placing authority and whether either end is outside the study "
     "area. Restricted.",
     wkbLineString, FIELDS(journey_fields), fill_journeys,
     VEMT_NEEDS_SAFEGUARDING, true},
    {"locations_of_concern",
     "Places (found-at and incident locations grouped within the place "
     "radius) linked to at least the minimum number of distinct children, "
     "ranked by children, then events. Restricted.",
     wkbPoint, FIELDS(place_fields), fill_places, VEMT_NEEDS_SAFEGUARDING,
     true},
    {"patrol_windows",
     "When to patrol: for each hot cell (gi_bin 3) the busiest windows of "
     "the week in local time, ranked by expected events per week; place is "
     "the cell_id of hotspot_cells. Restricted.",
     wkbNone, FIELDS(patrol_fields), fill_patrol, VEMT_NEEDS_SAFEGUARDING,
     true},
    {"merges",
     "Input rows merged into an earlier row as duplicates, each with the "
     "rule that merged it. Restricted.",
     wkbNone, FIELDS(merge_fields), fill_merges, VEMT_NEEDS_NOTHING, true},
};

size_t vemt_layers_count(void) {
    return sizeof layer_defs / sizeof layer_defs[0];
}

const vemt_layer_def *vemt_layers_get(size_t i) { return &layer_defs[i]; }

bool vemt_output_restricted(const vemt_output *out) {
    const char *tier = out->provenance ? out->provenance->tier : NULL;
    return !tier || !strcmp(tier, "restricted");
}

bool vemt_field_published(const vemt_layer_def *def, size_t k,
                          const vemt_output *out) {
    return vemt_output_restricted(out) ||
           !(def->fields[k].flags &
             (VEMT_FIELD_STATISTIC | VEMT_FIELD_IDENTIFIER));
}

bool vemt_layer_is_written(const vemt_layer_def *def, const vemt_output *out) {
    if (def->restricted && !vemt_output_restricted(out)) return false;
    switch (def->needs) {
        case VEMT_NEEDS_GRID:
            return out->grid != NULL;
        case VEMT_NEEDS_AREA:
            return out->area != NULL;
        case VEMT_NEEDS_SAFEGUARDING:
            return out->safeguarding != NULL;
        case VEMT_NEEDS_TRENDS:
            return out->trends != NULL;
        default:
            return true;
    }
}

bool vemt_outputs_time_range(const vemt_events *events, int64_t *start,
                             int64_t *end) {
    bool any = false;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        int64_t e = ev->end_utc >= 0 ? ev->end_utc : ev->start_utc;
        if (!any || ev->start_utc < *start) *start = ev->start_utc;
        if (!any || e > *end) *end = e;
        any = true;
    }
    return any;
}
