/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file layers.c
 * @brief What each output layer holds: fields and features, independent of
 * the format written.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/ogr_writer.h"
#include "outputs/sink.h"

static const char *base_name(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Set a UTC date-time field (OGR TZFlag 100 = UTC), or null for
 * VEMT_TIME_NONE; times before 1970 are negative and real. */
static void set_utc(vemt_sink *s, int i, int64_t t) {
    if (i < 0) return;
    if (t == VEMT_TIME_NONE) {
        vemt_sink_null(s, i);
        return;
    }
    int64_t days = vemt_floor_div(t, 86400);
    int64_t secs = t - days * 86400;
    int y, m, d;
    vemt_civil_from_days(days, &y, &m, &d);
    vemt_sink_datetime(s, i, y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
                       (int)(secs % 60), true);
}

static void set_date(vemt_sink *s, int i, int64_t day) {
    if (i < 0) return;
    int y, m, d;
    vemt_civil_from_days(day, &y, &m, &d);
    vemt_sink_datetime(s, i, y, m, d, 0, 0, 0, false);
}

/* The step of cube c that starts at start_utc, or -1. */
static long cube_step(const vemt_cube *c, int64_t start_utc) {
    size_t lo = 0, hi = c ? vemt_cube_steps(c) : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t s = vemt_cube_step_start(c, mid);
        if (s == start_utc) return (long)mid;
        if (s < start_utc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Step t's local label (made: already made, or NULL) and its first and last
 * local dates into fields i, i + 1 and i + 2 (null when t < 0). */
static void put_step_label(vemt_sink *s, const int *ix, const vemt_cube *c,
                           long t, const char *made) {
    if (t < 0) {
        for (int k = 0; k < 3; k++)
            if (ix[k] >= 0) vemt_sink_null(s, ix[k]);
        return;
    }
    char label[24];
    if (made)
        vemt_sink_text(s, ix[0], made);
    else if (ix[0] >= 0) {
        vemt_cube_step_label(c, (size_t)t, label, sizeof label);
        vemt_sink_text(s, ix[0], label);
    }
    int64_t first = vemt_cube_step_first_day(c, (size_t)t);
    set_date(s, ix[1], first);
    set_date(s, ix[2], first + vemt_cube_step_days(c, (size_t)t) - 1);
}

static void put_step(vemt_sink *s, const int *ix, const vemt_cube *c, long t) {
    put_step_label(s, ix, c, t, NULL);
}

/* Where each field of a layer's description went in the layer (-1: not
 * written for this tier), and the "suppressed" flag field, if any. */
typedef struct fieldmap {
    int ix[24];
    int suppressed;
} fieldmap;

static void map_fields(vemt_sink *s, const vemt_field_def *defs, size_t n,
                       fieldmap *m) {
    for (size_t k = 0; k < n && k < 24; k++)
        m->ix[k] = vemt_sink_index(s, defs[k].name);
    m->suppressed = vemt_sink_index(s, "suppressed");
}

/* A number into field ix (skipped when not written), NaN as null. */
static void put_real(vemt_sink *s, int ix, double v) {
    if (ix < 0) return;
    if (isfinite(v))
        vemt_sink_real(s, ix, v);
    else
        vemt_sink_null(s, ix);
}

static void put_count(vemt_sink *s, int ix, double v) {
    if (ix < 0) return;
    if (isfinite(v))
        vemt_sink_int(s, ix, (int)lround(v));
    else
        vemt_sink_null(s, ix);
}

static void put_text(vemt_sink *s, int ix, const char *v) {
    if (ix < 0) return;
    if (v)
        vemt_sink_text(s, ix, v);
    else
        vemt_sink_null(s, ix);
}

static void put_flag(vemt_sink *s, const fieldmap *m, bool suppressed) {
    if (m->suppressed >= 0) vemt_sink_int(s, m->suppressed, suppressed);
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
    {"cluster_id", OFTInteger, OFSTNone, 0},
    {"st_cluster_id", OFTInteger, OFSTNone, 0},
    {"hdbscan_id", OFTInteger, OFSTNone, 0},
    {"hdbscan_prob", OFTReal, OFSTNone, 0},
    {"at_flagged_place", OFTInteger, OFSTBoolean, 0},
    {"duration_s", OFTInteger64, OFSTNone, 0},
    {"open", OFTInteger, OFSTBoolean, 0},
    /* Street text (police.uk's Location): this layer is restricted only. */
    {"location", OFTString, OFSTNone, 0},
};

/* Is b the found_at event of a's episode? The reader writes an episode's
 * found_at right after its missing_from, with the same source and id. */
static bool episode_pair(const vemt_event *a, const vemt_event *b) {
    return a->kind == VEMT_KIND_MISSING_FROM && b->kind == VEMT_KIND_FOUND_AT &&
           a->source == b->source && a->ref == b->ref;
}

/* The episode's duration in seconds (field 21: from going missing to the
 * return, both in UTC, so a daylight-saving change counts as it happened;
 * null while the episode is open) and whether it is still open (22), on
 * both of its events; null for incidents. The missing_from event spans
 * the episode. */
static void set_episode(vemt_sink *s, const vemt_events *events, size_t i) {
    const vemt_event *ev = &events->items[i], *from = NULL;
    if (ev->kind == VEMT_KIND_MISSING_FROM)
        from = ev;
    else if (ev->kind == VEMT_KIND_FOUND_AT && i > 0 &&
             episode_pair(&events->items[i - 1], ev))
        from = &events->items[i - 1];
    vemt_sink_null(s, 21);
    vemt_sink_null(s, 22);
    if (ev->kind == VEMT_KIND_INCIDENT) return;
    /* A found_at event exists only once the child has returned. */
    bool open =
        ev->kind == VEMT_KIND_MISSING_FROM && ev->end_utc == VEMT_TIME_NONE;
    vemt_sink_int(s, 22, open);
    if (from && !open)
        vemt_sink_int(s, 21, (int64_t)(from->end_utc - from->start_utc));
}

/* The event's cluster of each method (fields 16-18; null for noise or
 * when the method did not run) and its HDBSCAN membership (19). */
static void set_event_clusters(vemt_sink *s, const vemt_output *out, size_t e) {
    for (int k = 16; k <= 19; k++) vemt_sink_null(s, k);
    for (size_t cs = 0; cs < out->n_cluster_sets; cs++) {
        const vemt_cluster_set *set = &out->cluster_sets[cs];
        int field = !strcmp(set->method, "dbscan")      ? 16
                    : !strcmp(set->method, "st-dbscan") ? 17
                                                        : 18;
        if (set->event_label[e] >= 0)
            vemt_sink_int(s, field, set->event_label[e]);
        if (set->event_prob && set->event_label[e] != VEMT_LABEL_EXCLUDED)
            put_real(s, 19, set->event_prob[e]);
    }
}

/* An event's text (the events' own, unchanged until the layer is
 * complete), or null when empty. */
static void set_text_or_null(vemt_sink *s, int i, const char *v) {
    if (v && v[0])
        vemt_sink_text_kept(s, i, v);
    else
        vemt_sink_null(s, i);
}

/* Fields only episodes or some sources carry. */
static void set_event_extras(vemt_sink *s, const vemt_events *events,
                             const vemt_event *ev) {
    static const char tri[][8] = {"unknown", "yes", "no"};
    vemt_sink_int(s, 12, ev->time_ambiguous);
    if (ev->kind == VEMT_KIND_INCIDENT)
        vemt_sink_null(s, 13);
    else
        vemt_sink_text_kept(s, 13, tri[ev->looked_after]);
    set_text_or_null(s, 14, vemt_events_text(events, ev->placing_authority));
    set_text_or_null(s, 15, vemt_events_text(events, ev->lsoa));
}

static vemt_status fill_events(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    for (size_t i = 0; i < out->events->n; i++) {
        const vemt_event *ev = &out->events->items[i];
        vemt_sink_begin(s);
        vemt_sink_int(s, 0, (int64_t)i + 1);
        vemt_sink_text_kept(s, 1, vemt_kind_str((vemt_kind)ev->kind));
        vemt_sink_text_kept(s, 2, base_name(out->sources[ev->source].path));
        vemt_sink_int(s, 3, (int)ev->source_row);
        set_text_or_null(s, 4, vemt_events_text(out->events, ev->ref));
        set_utc(s, 5, ev->start_utc);
        set_utc(s, 6, ev->end_utc);
        vemt_sink_text_kept(s, 7, precision_str((vemt_precision)ev->precision));
        set_text_or_null(s, 8, vemt_events_text(out->events, ev->category));
        set_text_or_null(s, 9, ev->subject_key);
        vemt_sink_int(s, 10, ev->located);
        vemt_sink_int(s, 11, ev->in_area);
        set_event_extras(s, out->events, ev);
        set_event_clusters(s, out, i);
        vemt_sink_int(s, 20, ev->flagged);
        set_episode(s, out->events, i);
        set_text_or_null(s, 23, vemt_events_text(out->events, ev->location));
        if (ev->located) {
            vemt_sink_point(s, ev->x, ev->y);
        }
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
        if ((i + 1) % 65536 == 0)
            vemt_ctx_progress(ctx, "write events", i + 1, out->events->n);
    }
    return VEMT_OK;
}

/* Unit i as a polygon, exterior ring counter-clockwise (the right-hand
 * rule); polygon units as multipolygons (wards may have islands). NULL
 * when memory runs out. */
static OGRGeometryH cell_polygon(const vemt_units *grid, size_t i) {
    unsigned char *wkb;
    size_t size;
    if (vemt_units_wkb(grid, i, &wkb, &size)) return NULL;
    OGRGeometryH g = NULL;
    OGR_G_CreateFromWkbEx(wkb, NULL, &g, size);
    vemt_engine_free(wkb);
    if (g && vemt_units_polygons(grid)) g = OGR_G_ForceToMultiPolygon(g);
    return g;
}

/* Add the row with unit i's polygon as its geometry: a cell's ring
 * straight from the lattice (no allocation), a polygon unit through OGR.
 * VEMT_E_NOMEM when the polygon can't be made: a unit is never written
 * without its shape. */
static vemt_status add_unit_feature(vemt_sink *s, const vemt_units *grid,
                                    size_t i) {
    double ring[2 * VEMT_UNIT_RING_MAX];
    size_t n = vemt_units_ring(grid, i, ring);
    if (n > 0) {
        vemt_sink_ring(s, ring, n);
        return vemt_sink_add(s);
    }
    OGRGeometryH g = cell_polygon(grid, i);
    if (!g) return VEMT_E_NOMEM;
    vemt_sink_geometry(s, g);
    return vemt_sink_add(s);
}

static const vemt_field_def cell_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"area_id", OFTString, OFSTNone, 0},
    {"area_name", OFTString, OFSTNone, 0},
    {"n_events", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p_sim", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_bin", OFTInteger, OFSTInt16, 0},
    {"lisa_i", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"lisa_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"lisa_type", OFTString, OFSTNone, 0},
    {"rank", OFTInteger, OFSTNone, 0},
};

/* Unit i's rank (vemt_output.rank), or null. */
static void put_rank(vemt_sink *s, int ix, const vemt_output *out, size_t i) {
    put_count(s, ix, out->rank ? (double)out->rank[i] : (double)NAN);
}

static double at(const double *x, size_t i) { return x ? x[i] : (double)NAN; }

static vemt_status fill_cells(vemt_ctx *ctx, vemt_sink *s,
                              const vemt_output *out) {
    (void)ctx;
    fieldmap m;
    map_fields(s, cell_fields, sizeof cell_fields / sizeof *cell_fields, &m);
    size_t n = vemt_units_count(out->grid);
    bool areas = vemt_units_polygons(out->grid) != NULL;
    char id[128];
    for (size_t i = 0; i < n; i++) {
        vemt_sink_begin(s);
        vemt_units_id(out->grid, i, id, sizeof id);
        put_text(s, m.ix[0], id);
        put_text(s, m.ix[1], areas ? id : NULL);
        put_text(s, m.ix[2], areas ? vemt_units_name(out->grid, i) : NULL);
        put_count(s, m.ix[3], out->n_events[i]);
        put_count(s, m.ix[4], at(out->n_subjects, i));
        put_real(s, m.ix[5], out->gi_z[i]);
        put_real(s, m.ix[6], out->gi_p[i]);
        put_real(s, m.ix[7], at(out->gi_p_sim, i));
        bool hidden = out->bin_hidden && out->bin_hidden[i];
        if (m.ix[8] >= 0 && !hidden)
            vemt_sink_int(s, m.ix[8], out->gi_bin ? out->gi_bin[i] : 0);
        put_real(s, m.ix[9], at(out->lisa_i, i));
        put_real(s, m.ix[10], at(out->lisa_p, i));
        put_text(s, m.ix[11],
                 out->lisa_type && !hidden
                     ? vemt_lisa_type_name((vemt_lisa_type)out->lisa_type[i])
                     : NULL);
        put_rank(s, m.ix[12], out, i);
        put_flag(s, &m,
                 isnan(out->n_events[i]) ||
                     (out->n_subjects && isnan(out->n_subjects[i])));
        vemt_status st = add_unit_feature(s, out->grid, i);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def scale_fields[] = {
    {"band_m", OFTReal, OFSTNone, 0},     {"moran_i", OFTReal, OFSTNone, 0},
    {"expected_i", OFTReal, OFSTNone, 0}, {"variance_i", OFTReal, OFSTNone, 0},
    {"z", OFTReal, OFSTNone, 0},          {"p", OFTReal, OFSTNone, 0},
    {"n_units", OFTInteger, OFSTNone, 0}, {"peak", OFTString, OFSTNone, 0},
};

/* Incremental spatial autocorrelation: Global Moran's I per band. One
 * number per band over every unit, so it is published in every tier. */
static vemt_status fill_scale(vemt_ctx *ctx, vemt_sink *s,
                              const vemt_output *out) {
    (void)ctx;
    fieldmap m;
    map_fields(s, scale_fields, sizeof scale_fields / sizeof *scale_fields, &m);
    for (size_t b = 0; b < out->n_scale_profile; b++) {
        const vemt_isa_band *band = &out->scale_profile[b];
        bool first = b == out->scale_first_peak, max = b == out->scale_max_peak;
        vemt_sink_begin(s);
        put_real(s, m.ix[0], band->band_m);
        put_real(s, m.ix[1], band->moran.i);
        put_real(s, m.ix[2], band->moran.expected);
        put_real(s, m.ix[3], band->moran.variance);
        put_real(s, m.ix[4], band->moran.z);
        put_real(s, m.ix[5], band->moran.p);
        put_count(s, m.ix[6], (double)band->moran.n);
        put_text(s, m.ix[7],
                 first && max ? "first,max"
                 : first      ? "first"
                 : max        ? "max"
                              : NULL);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def cluster_fields[] = {
    {"cluster_id", OFTInteger, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"method", OFTString, OFSTNone, 0},
    {"n_events", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_locations", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"first_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"last_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"area_m2", OFTReal, OFSTNone, 0},
    {"density_km2", OFTReal, OFSTNone, 0},
    {"busiest_weekday", OFTString, OFSTNone, 0},
    {"busiest_start_hour", OFTInteger, OFSTNone, 0},
    {"busiest_end_hour", OFTInteger, OFSTNone, 0},
    {"busiest_share", OFTReal, OFSTNone, 0},
};

static const char weekday_names[][12] = {"Monday",   "Tuesday", "Wednesday",
                                         "Thursday", "Friday",  "Saturday",
                                         "Sunday"};

/* The busiest weekday-hour window of a cluster, or nulls when none of its
 * events is known to the minute. */
static void put_window(vemt_sink *s, const fieldmap *m, const vemt_cluster *c) {
    if (c->busiest_weekday < 0 || c->n_timed == 0) {
        for (int k = 9; k <= 12; k++)
            if (m->ix[k] >= 0) vemt_sink_null(s, m->ix[k]);
        return;
    }
    put_text(s, m->ix[9], weekday_names[c->busiest_weekday % 7]);
    put_count(s, m->ix[10], c->busiest_hour);
    put_count(s, m->ix[11], (c->busiest_hour + c->window_h) % 24);
    put_real(s, m->ix[12], c->busiest_events / (double)c->n_timed);
}

static vemt_status fill_clusters(vemt_ctx *ctx, vemt_sink *s,
                                 const vemt_output *out) {
    (void)ctx;
    fieldmap m;
    map_fields(s, cluster_fields,
               sizeof cluster_fields / sizeof *cluster_fields, &m);
    for (size_t cs = 0; cs < out->n_cluster_sets; cs++) {
        const vemt_cluster_set *set = &out->cluster_sets[cs];
        for (size_t k = 0; k < set->clusters->n; k++) {
            const vemt_cluster *c = &set->clusters->items[k];
            vemt_sink_begin(s);
            put_count(s, m.ix[0], c->label);
            put_text(s, m.ix[1], set->method);
            put_count(s, m.ix[2], (double)c->n_events);
            put_count(s, m.ix[3], set->n_subjects[k]);
            put_count(s, m.ix[4], (double)c->n_locations);
            set_utc(s, m.ix[5], c->first_utc);
            set_utc(s, m.ix[6], c->last_utc);
            put_real(s, m.ix[7], c->area_m2);
            put_real(s, m.ix[8], c->density_km2);
            put_window(s, &m, c);
            OGRGeometryH g = NULL;
            OGR_G_CreateFromWkbEx(c->wkb, NULL, &g, c->wkb_size);
            if (g) vemt_sink_geometry(s, g);
            vemt_status st = vemt_sink_add(s);
            if (st) return st;
        }
    }
    return VEMT_OK;
}

static const vemt_field_def cube_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"step_start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step_end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step", OFTString, OFSTNone, 0},
    {"step_first_day", OFTDate, OFSTNone, 0},
    {"step_last_day", OFTDate, OFSTNone, 0},
    {"n_events", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_bin", OFTInteger, OFSTInt16, 0},
};

/* One feature per unit and time step, so QGIS's temporal controller can
 * animate the cube. Steps end one second before the next starts. */
static vemt_status fill_cube(vemt_ctx *ctx, vemt_sink *s,
                             const vemt_output *out) {
    const vemt_trends_out *tr = out->trends;
    size_t units = vemt_cube_units(tr->cube), steps = vemt_cube_steps(tr->cube);
    const double *ne = tr->pub_events, *ns = tr->pub_subjects;
    fieldmap m;
    map_fields(s, cube_fields, sizeof cube_fields / sizeof *cube_fields, &m);
    char id[48];
    /* The steps' labels once, not once a cell (millions of rows). */
    char(*labels)[24] = vemt_malloc(steps * sizeof *labels);
    if (!labels && steps) return VEMT_E_NOMEM;
    for (size_t t = 0; t < steps; t++)
        vemt_cube_step_label(tr->cube, t, labels[t], sizeof *labels);
    vemt_status st = VEMT_OK;
    for (size_t u = 0; u < units && !st; u++) {
        vemt_units_id(out->grid, u, id, sizeof id);
        for (size_t t = 0; t < steps && !st; t++) {
            size_t b = u * steps + t;
            vemt_sink_begin(s);
            vemt_sink_text(s, m.ix[0], id);
            set_utc(s, m.ix[1], vemt_cube_step_start(tr->cube, t));
            set_utc(s, m.ix[2], vemt_cube_step_end(tr->cube, t) - 1);
            put_step_label(s, m.ix + 3, tr->cube, (long)t, labels[t]);
            put_real(s, m.ix[6], ne[b]);
            put_count(s, m.ix[7], ns[b]);
            put_real(s, m.ix[8], tr->z[b]);
            put_real(s, m.ix[9], tr->p[b]);
            if (!tr->bin_hidden || !tr->bin_hidden[b])
                vemt_sink_int(s, m.ix[10], tr->bins[b]);
            put_flag(s, &m, isnan(ne[b]) || isnan(ns[b]));
            st = add_unit_feature(s, out->grid, u);
        }
        vemt_ctx_progress(ctx, "write hotspot_cube", u + 1, units);
    }
    vemt_free(labels);
    return st;
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
    {"mk_n", OFTInteger, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_note", OFTString, OFSTNone, VEMT_FIELD_STATISTIC},
    {"rank", OFTInteger, OFSTNone, 0},
};

static vemt_status fill_emerging(vemt_ctx *ctx, vemt_sink *s,
                                 const vemt_output *out) {
    (void)ctx;
    const vemt_trends_out *tr = out->trends;
    size_t units = vemt_cube_units(tr->cube);
    fieldmap m;
    map_fields(s, emerging_fields,
               sizeof emerging_fields / sizeof *emerging_fields, &m);
    char id[48];
    for (size_t u = 0; u < units; u++) {
        vemt_sink_begin(s);
        vemt_units_id(out->grid, u, id, sizeof id);
        put_text(s, m.ix[0], id);
        /* Patterns withheld (NULL) where the cell's total is suppressed,
         * or any of its bins (vemt_trends_out.pattern_hidden). */
        bool hidden = isnan(tr->unit_events[u]) ||
                      (tr->pattern_hidden && tr->pattern_hidden[u]);
        put_text(s, m.ix[1], hidden ? NULL : vemt_ehsa_name(tr->pattern[u]));
        put_text(s, m.ix[2], hidden ? NULL : vemt_chainey_name(tr->chainey[u]));
        put_real(s, m.ix[3], tr->mk[u].z);
        put_real(s, m.ix[4], tr->mk[u].p);
        put_real(s, m.ix[5], tr->mk[u].sen_slope);
        put_real(s, m.ix[6], tr->unit_events[u]);
        /* Distinct subjects of the unit over the period. */
        put_count(s, m.ix[7], tr->unit_subjects[u]);
        put_real(s, m.ix[8], hidden ? (double)NAN : tr->share_hot[u]);
        put_real(s, m.ix[9], tr->count_mk[u].z);
        put_real(s, m.ix[10], tr->count_mk[u].p);
        put_real(s, m.ix[11], tr->count_mk[u].sen_slope);
        /* Steps whose Gi* z is defined, used by mk_*; why they are null. */
        put_count(s, m.ix[12], (double)tr->mk[u].n);
        put_text(s, m.ix[13], tr->mk[u].null_reason);
        put_rank(s, m.ix[14], out, u); /* hotspot_cells' rank */
        put_flag(s, &m, hidden || isnan(tr->unit_subjects[u]));
        vemt_status st = add_unit_feature(s, out->grid, u);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def trend_fields[] = {
    {"area", OFTString, OFSTNone, 0},
    {"category", OFTString, OFSTNone, 0},
    {"step_start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step_end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step", OFTString, OFSTNone, 0},
    {"step_first_day", OFTDate, OFSTNone, 0},
    {"step_last_day", OFTDate, OFSTNone, 0},
    {"n_events", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"n_subjects", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"change_prev", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_prev_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_year", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"change_year_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"sen_slope", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"days", OFTInteger, OFSTNone, 0},
    {"rate_per_day", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_n", OFTInteger, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_note", OFTString, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_seasonal_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_seasonal_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"mk_seasonal_slope", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_trends(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    (void)ctx;
    fieldmap m;
    map_fields(s, trend_fields, sizeof trend_fields / sizeof *trend_fields, &m);
    for (size_t i = 0; i < out->trends->n_rows; i++) {
        const vemt_trend_row *r = &out->trends->rows[i];
        vemt_sink_begin(s);
        put_text(s, m.ix[0], r->area);
        put_text(s, m.ix[1], r->category);
        set_utc(s, m.ix[2], r->step_start_utc);
        set_utc(s, m.ix[3], r->step_end_utc - 1);
        put_step(s, m.ix + 4, out->trends->cube,
                 cube_step(out->trends->cube, r->step_start_utc));
        put_real(s, m.ix[7], r->n_events);
        put_count(s, m.ix[8], r->n_subjects);
        const double v[] = {r->change_prev,   r->change_prev_p, r->change_year,
                            r->change_year_p, r->mk_z,          r->mk_p,
                            r->sen_slope};
        for (int k = 0; k < 7; k++) put_real(s, m.ix[9 + k], v[k]);
        put_count(s, m.ix[16], r->days);
        put_real(s, m.ix[17], r->rate_per_day);
        put_count(s, m.ix[18], r->mk_n);
        put_text(s, m.ix[19], r->mk_note);
        const double sk[] = {r->sk_z, r->sk_p, r->sk_slope};
        for (int k = 0; k < 3; k++) put_real(s, m.ix[20 + k], sk[k]);
        put_flag(s, &m, isnan(r->n_events) || isnan(r->n_subjects));
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def scan_fields[] = {
    {"rank", OFTInteger, OFSTNone, 0},
    {"mode", OFTString, OFSTNone, 0},
    {"centre_id", OFTString, OFSTNone, 0},
    {"place", OFTString, OFSTNone, 0},
    {"n_units", OFTInteger, OFSTNone, 0},
    {"radius_m", OFTReal, OFSTNone, 0},
    {"first_step", OFTString, OFSTNone, 0},
    {"last_step", OFTString, OFSTNone, 0},
    {"start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"observed", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"expected", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"relative_risk", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"llr", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"p_band", OFTString, OFSTNone, 0},
    {"recurrence_days", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

/* Vertices of a drawn circle, the closing one included. */
#define SCAN_CIRCLE_VERTICES 65

static vemt_status fill_scan(vemt_ctx *ctx, vemt_sink *s,
                             const vemt_output *out) {
    (void)ctx;
    fieldmap m;
    map_fields(s, scan_fields, sizeof scan_fields / sizeof *scan_fields, &m);
    for (size_t k = 0; k < out->scan->n; k++) {
        const vemt_scan_row *c = &out->scan->rows[k];
        vemt_sink_begin(s);
        put_count(s, m.ix[0], (double)c->rank);
        put_text(s, m.ix[1],
                 out->scan->prospective ? "prospective" : "retrospective");
        put_text(s, m.ix[2], c->centre_id);
        put_text(s, m.ix[3], c->place);
        put_count(s, m.ix[4], (double)c->n_units);
        put_real(s, m.ix[5], c->radius_m);
        put_text(s, m.ix[6], c->first_step);
        put_text(s, m.ix[7], c->last_step);
        set_utc(s, m.ix[8], c->start_utc);
        set_utc(s, m.ix[9], c->end_utc);
        put_count(s, m.ix[10], c->observed);
        put_real(s, m.ix[11], c->expected);
        put_real(s, m.ix[12], c->relative_risk);
        put_real(s, m.ix[13], c->llr);
        put_real(s, m.ix[14], c->p);
        put_text(s, m.ix[15], vemt_p_band(c->p));
        put_real(s, m.ix[16], c->recurrence_days);
        put_flag(s, &m, false); /* a withheld cluster is not written */
        double ring[2 * SCAN_CIRCLE_VERTICES];
        for (int v = 0; v < SCAN_CIRCLE_VERTICES; v++) {
            double a = 6.283185307179586 * (v % (SCAN_CIRCLE_VERTICES - 1)) /
                       (SCAN_CIRCLE_VERTICES - 1);
            ring[2 * v] = c->x + c->drawn_m * cos(a);
            ring[2 * v + 1] = c->y + c->drawn_m * sin(a);
        }
        vemt_sink_ring(s, ring, SCAN_CIRCLE_VERTICES);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def forecast_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"step", OFTString, OFSTNone, 0},
    {"recency_rank", OFTInteger, OFSTNone, 0},
    {"recency_expected", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"last_step_rank", OFTInteger, OFSTNone, 0},
    {"last_step_expected", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"ewma_rank", OFTInteger, OFSTNone, 0},
    {"ewma_expected", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_forecast(vemt_ctx *ctx, vemt_sink *s,
                                 const vemt_output *out) {
    (void)ctx;
    const vemt_forecast_out *f = out->forecast;
    fieldmap m;
    map_fields(s, forecast_fields,
               sizeof forecast_fields / sizeof *forecast_fields, &m);
    size_t n = vemt_units_count(out->grid);
    char id[128];
    for (size_t u = 0; u < n; u++) {
        vemt_sink_begin(s);
        vemt_units_id(out->grid, u, id, sizeof id);
        put_text(s, m.ix[0], id);
        put_text(s, m.ix[1], f->step);
        for (int k = 0; k < VEMT_FORECAST_METHODS; k++) {
            /* rank 0: none (recency outside the restricted tier) */
            put_count(s, m.ix[2 + 2 * k],
                      f->rank[k][u] ? (double)f->rank[k][u] : (double)NAN);
            put_real(s, m.ix[3 + 2 * k], f->expected[k][u]);
        }
        put_flag(s, &m, false);
        vemt_status st = add_unit_feature(s, out->grid, u);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def score_fields[] = {
    {"step", OFTString, OFSTNone, 0},
    {"method", OFTString, OFSTNone, 0},
    {"share", OFTReal, OFSTNone, 0},
    {"hit_rate", OFTReal, OFSTNone, 0},
    {"pai", OFTReal, OFSTNone, 0},
    {"pei", OFTReal, OFSTNone, 0},
    {"captured", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"best", OFTReal, OFSTNone, VEMT_FIELD_COUNT},
    {"total", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"note", OFTString, OFSTNone, 0},
};

/* Each backtest step, method and share. Outside the restricted tier a
 * step whose total is under the threshold keeps its scores back: from a
 * few events the hit rate tells counts (issue 20). */
static vemt_status fill_scores(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    (void)ctx;
    const vemt_forecast_out *f = out->forecast;
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    fieldmap m;
    map_fields(s, score_fields, sizeof score_fields / sizeof *score_fields, &m);
    for (size_t i = 0; i < f->n_scores; i++) {
        const vemt_forecast_row *r = &f->scores[i];
        const vemt_forecast_score *sc = &r->score;
        bool held = rules.threshold > 0 && !(sc->total >= rules.threshold);
        vemt_sink_begin(s);
        put_text(s, m.ix[0], f->score_step[i]);
        put_text(s, m.ix[1], vemt_forecast_method_name(r->method));
        put_real(s, m.ix[2], sc->share);
        put_real(s, m.ix[3], held ? (double)NAN : sc->hit_rate);
        put_real(s, m.ix[4], held ? (double)NAN : sc->pai);
        put_real(s, m.ix[5], held ? (double)NAN : sc->pei);
        put_real(s, m.ix[6], sc->captured);
        put_real(s, m.ix[7], sc->best);
        put_count(s, m.ix[8], sc->total);
        put_text(s, m.ix[9], sc->null_reason);
        put_flag(s, &m, held);
        vemt_status st = vemt_sink_add(s);
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

static vemt_status fill_rejects(vemt_ctx *ctx, vemt_sink *s,
                                const vemt_output *out) {
    (void)ctx;
    for (size_t i = 0; i < out->rejects->n; i++) {
        const vemt_reject *r = &out->rejects->items[i];
        vemt_sink_begin(s);
        vemt_sink_text(s, 0, base_name(out->sources[r->source].path));
        vemt_sink_int(s, 1, (int)r->err.row);
        vemt_sink_int(s, 2, (int)r->err.line);
        if (r->err.field[0])
            vemt_sink_text(s, 3, r->err.field);
        else
            vemt_sink_null(s, 3);
        if (r->err.column)
            vemt_sink_int(s, 4, r->err.column);
        else
            vemt_sink_null(s, 4);
        vemt_sink_text(s, 5, vemt_status_str(r->err.code));
        vemt_sink_text(s, 6, r->err.msg);
        if (r->raw) vemt_sink_text(s, 7, r->raw);
        vemt_status st = vemt_sink_add(s);
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

static vemt_status fill_merges(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    (void)ctx;
    for (size_t i = 0; out->merges && i < out->merges->n; i++) {
        const vemt_merge *m = &out->merges->items[i];
        vemt_sink_begin(s);
        vemt_sink_text(s, 0, base_name(out->sources[m->kept_source].path));
        vemt_sink_int(s, 1, (int)m->kept_row);
        vemt_sink_text(s, 2, base_name(out->sources[m->merged_source].path));
        vemt_sink_int(s, 3, (int)m->merged_row);
        vemt_sink_text(s, 4, m->rule);
        vemt_sink_real(s, 5, m->distance_m);
        vemt_sink_real(s, 6, m->seconds);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def area_fields[] = {
    {"name", OFTString, OFSTNone, 0},
    {"area_km2", OFTReal, OFSTNone, 0},
};

static vemt_status fill_area(vemt_ctx *ctx, vemt_sink *s,
                             const vemt_output *out) {
    (void)ctx;
    unsigned char *wkb = NULL;
    size_t n = 0;
    if (!out->area) return VEMT_OK;
    vemt_status st = vemt_study_area_wkb(out->area, &wkb, &n);
    if (st) return st;
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)n) != OGRERR_NONE) {
        vemt_engine_free(wkb);
        return VEMT_E_DEPENDENCY;
    }
    vemt_engine_free(wkb);
    vemt_sink_begin(s);
    vemt_sink_text(s, 0, out->area_name ? base_name(out->area_name) : "");
    vemt_sink_real(s, 1, vemt_study_area_m2(out->area) / 1e6);
    vemt_sink_geometry(s, OGR_G_ForceToMultiPolygon(g));
    return vemt_sink_add(s);
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
static vemt_status fill_journeys(vemt_ctx *ctx, vemt_sink *s,
                                 const vemt_output *out) {
    (void)ctx;
    static const char tri[][8] = {"unknown", "yes", "no"};
    const vemt_events *ev = out->events;
    for (size_t i = 0; i + 1 < ev->n; i++) {
        const vemt_event *a = &ev->items[i], *b = &ev->items[i + 1];
        if (!episode_pair(a, b) || !a->located) continue;
        vemt_sink_begin(s);
        put_text(s, 0, vemt_events_text(ev, a->ref));
        put_text(s, 1, a->subject_key);
        set_utc(s, 2, a->start_utc);
        set_utc(s, 3, b->end_utc);
        put_real(s, 4, (double)(b->end_utc - a->start_utc) / 3600.0);
        put_real(s, 5, hypot(b->x - a->x, b->y - a->y));
        put_text(s, 6, tri[a->looked_after < 3 ? a->looked_after : 0]);
        vemt_sink_int(s, 7, !a->in_area || !b->in_area);
        const char *pa = vemt_events_text(ev, a->placing_authority);
        put_text(s, 8, *pa ? pa : NULL);
        OGRGeometryH line = OGR_G_CreateGeometry(wkbLineString);
        OGR_G_AddPoint_2D(line, a->x, a->y);
        OGR_G_AddPoint_2D(line, b->x, b->y);
        vemt_sink_geometry(s, line);
        vemt_status st = vemt_sink_add(s);
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

static vemt_status fill_places(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    (void)ctx;
    const vemt_safeguarding_out *sg = out->safeguarding;
    for (size_t i = 0; i < sg->n_places; i++) {
        const vemt_place_row *p = &sg->places[i];
        vemt_sink_begin(s);
        vemt_sink_int(s, 0, (int)i + 1);
        vemt_sink_int(s, 1, (int)p->n_children);
        vemt_sink_int(s, 2, (int)p->n_events);
        set_utc(s, 3, p->first_utc);
        set_utc(s, 4, p->last_utc);
        put_text(s, 5, p->kinds);
        put_text(s, 6, p->categories);
        vemt_sink_point(s, p->x, p->y);
        vemt_status st = vemt_sink_add(s);
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
    {"place_kind", OFTString, OFSTNone, 0},
    {"n_window", OFTReal, OFSTNone, 0},
    {"n_place", OFTInteger, OFSTNone, 0},
    {"hours", OFTInteger, OFSTNone, 0},
    {"week_share", OFTReal, OFSTNone, 0},
    {"lift", OFTReal, OFSTNone, 0},
};

static vemt_status fill_patrol(vemt_ctx *ctx, vemt_sink *s,
                               const vemt_output *out) {
    (void)ctx;
    const vemt_safeguarding_out *sg = out->safeguarding;
    for (size_t i = 0; i < sg->n_patrol; i++) {
        const vemt_patrol_row *p = &sg->patrol[i];
        vemt_sink_begin(s);
        vemt_sink_int(s, 0, (int)i + 1);
        put_text(s, 1, p->place);
        put_text(s, 2, weekday_names[p->weekday % 7]);
        vemt_sink_int(s, 3, p->start_hour);
        vemt_sink_int(s, 4, p->end_hour);
        put_real(s, 5, p->per_week);
        put_real(s, 6, p->share);
        put_text(s, 7, p->place_kind);
        /* As the report says it (pipeline/report.c): events in the window
         * of the place's events known to the hour, the window's share of
         * the week's hours, and the first share over the second. */
        put_real(s, 8, p->n_window);
        put_count(s, 9, p->n_place);
        vemt_sink_int(s, 10, p->hours);
        put_real(s, 11, p->hours / (7.0 * 24));
        put_real(s, 12, p->share / (p->hours / (7.0 * 24)));
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def near_repeat_fields[] = {
    {"space_band", OFTString, OFSTNone, 0},
    {"time_band", OFTString, OFSTNone, 0},
    {"s_from_m", OFTReal, OFSTNone, 0},
    {"s_to_m", OFTReal, OFSTNone, 0},
    {"t_from_days", OFTReal, OFSTNone, 0},
    {"t_to_days", OFTReal, OFSTNone, 0},
    {"observed", OFTInteger64, OFSTNone, VEMT_FIELD_COUNT},
    {"expected", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"knox_ratio", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"median_ratio", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

/* "[a, b) unit" in the explicit interval notation of the bands. */
static void band_label(char *buf, size_t size, double a, double b,
                       const char *unit) {
    if (isinf(b))
        snprintf(buf, size, "[%g, inf) %s", a, unit);
    else
        snprintf(buf, size, "[%g, %g) %s", a, b, unit);
}

static vemt_status fill_near_repeat(vemt_ctx *ctx, vemt_sink *s,
                                    const vemt_output *out) {
    (void)ctx;
    const vemt_near_repeat_out *nr = out->safeguarding->near_repeat;
    fieldmap m;
    map_fields(s, near_repeat_fields,
               sizeof near_repeat_fields / sizeof *near_repeat_fields, &m);
    char sb[64], tb[64];
    for (size_t k = 0; k < nr->n_space * nr->n_time; k++) {
        const vemt_knox_cell *c = &nr->cells[k];
        vemt_sink_begin(s);
        band_label(sb, sizeof sb, c->s_from, c->s_to, "m");
        band_label(tb, sizeof tb, c->t_from, c->t_to, "days");
        put_text(s, m.ix[0], sb);
        put_text(s, m.ix[1], tb);
        put_real(s, m.ix[2], c->s_from);
        put_real(s, m.ix[3], c->s_to);
        put_real(s, m.ix[4], c->t_from);
        put_real(s, m.ix[5], c->t_to);
        if (m.ix[6] >= 0) vemt_sink_int(s, m.ix[6], (int64_t)c->observed);
        put_real(s, m.ix[7], c->expected);
        put_real(s, m.ix[8], c->ratio);
        put_real(s, m.ix[9], c->ratio_median);
        put_real(s, m.ix[10], c->p);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def found_fields[] = {
    {"cell_id", OFTString, OFSTNone, 0},
    {"n_found", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_children", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"gi_bin", OFTInteger, OFSTInt16, 0},
    {"child_gi_z", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"child_p_sim", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"child_significant", OFTInteger, OFSTBoolean, 0},
    {"mean_lclq", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_found(vemt_ctx *ctx, vemt_sink *s,
                              const vemt_output *out) {
    (void)ctx;
    const vemt_found_out *fo = out->safeguarding->found;
    fieldmap m;
    map_fields(s, found_fields, sizeof found_fields / sizeof *found_fields, &m);
    size_t n = vemt_units_count(out->grid);
    char id[128];
    for (size_t i = 0; i < n; i++) {
        vemt_sink_begin(s);
        vemt_units_id(out->grid, i, id, sizeof id);
        put_text(s, m.ix[0], id);
        put_count(s, m.ix[1], fo->n_found[i]);
        put_count(s, m.ix[2], fo->n_children[i]);
        put_real(s, m.ix[3], fo->gi_z[i]);
        put_real(s, m.ix[4], fo->gi_p[i]);
        if (m.ix[5] >= 0) vemt_sink_int(s, m.ix[5], fo->gi_bin[i]);
        put_real(s, m.ix[6], fo->child_z[i]);
        put_real(s, m.ix[7], fo->child_p[i]);
        /* Hot at child level: positive z and a permutation p of 0.05. */
        if (m.ix[8] >= 0)
            vemt_sink_int(s, m.ix[8],
                          fo->child_z[i] > 0 && fo->child_p[i] <= 0.05);
        put_real(s, m.ix[9], fo->mean_lclq ? fo->mean_lclq[i] : (double)NAN);
        vemt_status st = add_unit_feature(s, out->grid, i);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def colocation_fields[] = {
    {"event_id", OFTInteger64, OFSTNone, VEMT_FIELD_IDENTIFIER},
    {"kind", OFTString, OFSTNone, 0},
    {"direction", OFTString, OFSTNone, 0},
    {"lclq", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
    {"lclq_p", OFTReal, OFSTNone, VEMT_FIELD_STATISTIC},
};

static vemt_status fill_colocation(vemt_ctx *ctx, vemt_sink *s,
                                   const vemt_output *out) {
    (void)ctx;
    const vemt_colocation_out *c = out->safeguarding->colocation;
    fieldmap m;
    map_fields(s, colocation_fields,
               sizeof colocation_fields / sizeof *colocation_fields, &m);
    for (size_t k = 0; k < c->n; k++) {
        const vemt_event *e = &out->events->items[c->event[k]];
        bool found = e->kind == VEMT_KIND_FOUND_AT;
        vemt_sink_begin(s);
        if (m.ix[0] >= 0) vemt_sink_int(s, m.ix[0], (int64_t)c->event[k] + 1);
        put_text(s, m.ix[1], vemt_kind_str((vemt_kind)e->kind));
        put_text(s, m.ix[2],
                 found ? "incidents around this found-at place"
                       : "found-at places around this incident");
        put_real(s, m.ix[3], c->lclq[k]);
        put_real(s, m.ix[4], c->p[k]);
        vemt_sink_point(s, e->x, e->y);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def missing_fields[] = {
    {"area", OFTString, OFSTNone, 0},
    {"step_start_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"step_end_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"episodes", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"children", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"repeat_children", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"median_duration_h", OFTReal, OFSTNone, 0},
    {"share_found_out_of_area", OFTReal, OFSTNone, 0},
    {"share_looked_after", OFTReal, OFSTNone, 0},
};

static vemt_status fill_missing(vemt_ctx *ctx, vemt_sink *s,
                                const vemt_output *out) {
    (void)ctx;
    const vemt_safeguarding_out *sg = out->safeguarding;
    fieldmap m;
    map_fields(s, missing_fields,
               sizeof missing_fields / sizeof *missing_fields, &m);
    for (size_t i = 0; i < sg->n_missing; i++) {
        const vemt_missing_row *r = &sg->missing[i];
        vemt_sink_begin(s);
        put_text(s, m.ix[0], r->area);
        set_utc(s, m.ix[1], r->step_start_utc);
        set_utc(s, m.ix[2], r->step_end_utc);
        put_count(s, m.ix[3], (double)r->episodes);
        put_count(s, m.ix[4], (double)r->children);
        put_count(s, m.ix[5], (double)r->repeat_children);
        put_real(s, m.ix[6], r->median_duration_h);
        put_real(s, m.ix[7], r->share_out_of_area);
        put_real(s, m.ix[8], r->share_looked_after);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

static const vemt_field_def flagged_fields[] = {
    {"name", OFTString, OFSTNone, 0},
    {"n_missing_from", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"n_children", OFTInteger, OFSTNone, VEMT_FIELD_COUNT},
    {"first_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"last_utc", OFTDateTime, OFSTNone, VEMT_FIELD_TIME},
    {"in_hot_spots", OFTInteger, OFSTBoolean, 0},
};

static vemt_status fill_flagged(vemt_ctx *ctx, vemt_sink *s,
                                const vemt_output *out) {
    (void)ctx;
    const vemt_safeguarding_out *sg = out->safeguarding;
    fieldmap m;
    map_fields(s, flagged_fields,
               sizeof flagged_fields / sizeof *flagged_fields, &m);
    for (size_t i = 0; i < sg->n_flagged; i++) {
        const vemt_flagged_row *r = &sg->flagged[i];
        vemt_sink_begin(s);
        put_text(s, m.ix[0], r->name);
        put_count(s, m.ix[1], (double)r->n_missing_from);
        put_count(s, m.ix[2], (double)r->n_children);
        set_utc(s, m.ix[3], r->first_utc);
        set_utc(s, m.ix[4], r->last_utc);
        if (m.ix[5] >= 0) vemt_sink_int(s, m.ix[5], r->included);
        vemt_status st = vemt_sink_add(s);
        if (st) return st;
    }
    return VEMT_OK;
}

#define FIELDS(a) a, sizeof a / sizeof a[0]

static const vemt_layer_def layer_defs[] = {
    {"study_area",
     "The study area the analysis covers (the --boundary polygons, unioned "
     "and in the analysis CRS).",
     wkbMultiPolygon, FIELDS(area_fields), fill_area, VEMT_NEEDS_AREA},
    {"hotspot_cells",
     "Units of the study area (grid cells, or the polygons of --areas with "
     "area_id and area_name): events (n_events) and distinct subjects "
     "(n_subjects) per unit; Getis-Ord Gi* z-score (gi_z), two-sided "
     "p-value (gi_p) and conditional-permutation p (gi_p_sim); gi_bin -3..3 "
     "(cold/hot spot at 99/95/90 % confidence, FDR-controlled by default); "
     "Local Moran's I (lisa_i), its permutation p (lisa_p) and cluster or "
     "outlier type (lisa_type); rank, 1 = first, by gi_bin descending, then "
     "n_events descending, then cell_id, on the published values (a "
     "withheld bin or count sorts last). The weights are in the provenance.",
     wkbPolygon, FIELDS(cell_fields), fill_cells, VEMT_NEEDS_GRID},
    {"scale_profile",
     "Incremental spatial autocorrelation: Global Moran's I of the unit "
     "counts at a series of distance bands (row-standardised), its "
     "expectation, variance, z and p under randomisation, and the first and "
     "highest peaks of z (Esri's Incremental Spatial Autocorrelation).",
     wkbNone, FIELDS(scale_fields), fill_scale, VEMT_NEEDS_SCALE},
    {"clusters",
     "Point clusters of the events: one outline per method (dbscan, "
     "st-dbscan, hdbscan) and cluster_id (the events' cluster_id, "
     "st_cluster_id and hdbscan_id), with events, distinct subjects and "
     "locations, first and last times, area, density and the busiest window "
     "of the week in local time (busiest_share: its share of the events "
     "known to the minute). Restricted.",
     wkbPolygon, FIELDS(cluster_fields), fill_clusters, VEMT_NEEDS_CLUSTERS},
    {"events",
     "Normalised events, one per incident, missing-from place and found-at "
     "place; times in UTC; an episode's two events share source_ref and "
     "carry its duration_s (seconds, null while open) and open; subject_key "
     "is a keyed pseudonym, never a raw identifier; location is the street "
     "text the source gives (police.uk's Location). Restricted: exact "
     "locations.",
     wkbPoint, FIELDS(event_fields), fill_events, VEMT_NEEDS_NOTHING},
    {"rejects",
     "Input rows that could not be used, with file, row, column and reason; "
     "identifiers in raw are pseudonymised. Restricted.",
     wkbNone, FIELDS(reject_fields), fill_rejects, VEMT_NEEDS_NOTHING},
    {"emerging_hotspots",
     "Emerging hot spot pattern of each cell over the time steps (Esri's "
     "categories and wording; chainey_pattern as R sfhotspot names them), "
     "Mann-Kendall test and Sen's slope of its space-time Gi* z-series, "
     "events, the share of steps that were hot, and the cell's rank in "
     "hotspot_cells.",
     wkbPolygon, FIELDS(emerging_fields), fill_emerging, VEMT_NEEDS_TRENDS},
    {"hotspot_cube",
     "The space-time cube: one feature per cell and time step, events "
     "(aoristic weights), distinct subjects, space-time Gi* z, p and bin "
     "(FDR across all bins). Time-enabled.",
     wkbPolygon, FIELDS(cube_fields), fill_cube, VEMT_NEEDS_TRENDS},
    {"trends",
     "Counts per time step for the study area, all and by category: events, "
     "distinct subjects, change against the previous step and a year "
     "earlier with an exact Poisson test, and the series' Mann-Kendall test "
     "and Sen's slope.",
     wkbNone, FIELDS(trend_fields), fill_trends, VEMT_NEEDS_TRENDS},
    {"scan_clusters",
     "Space-time permutation scan (Kulldorff et al. 2005, PLoS Medicine "
     "2(3):e59): circles of units and windows of whole steps holding more "
     "events than the space and time margins expect; rank 1 is the most "
     "likely cluster, the others share no unit with a higher one. observed "
     "and expected events, relative_risk, the log likelihood ratio (llr), "
     "the Monte Carlo p from permutations of the steps among the events, "
     "and (prospective) the recurrence interval in days: how often a "
     "cluster this unusual would arise by chance. The circle is drawn round "
     "the member units; radius_m reaches the farthest member's centre.",
     wkbPolygon, FIELDS(scan_fields), fill_scan, VEMT_NEEDS_SCAN},
    {"forecast",
     "Forecast of the step after the data (step) for each unit by three "
     "methods, each with its rank (1 = most expected; ties by unit) and "
     "expected events: recency, prospective hot-spot mapping (Bowers, "
     "Johnson & Pease 2004: recent events within the bandwidth, weighted "
     "1 / (1 + cells away) x 1 / (1 + weeks ago), scaled to the EWMA "
     "total); last_step, the unit's count in the last step; ewma, an "
     "exponentially weighted moving average of its counts. The window, "
     "bandwidth and smoothing are in the provenance's parameters.",
     wkbPolygon, FIELDS(forecast_fields), fill_forecast, VEMT_NEEDS_FORECAST},
    {"forecast_scores",
     "Backtest of the forecasts (--backtest N): each of the last N steps "
     "forecast from the data before it, and each method scored on it at the "
     "top 1, 5 and 10 % of the area (share; the last unit counted "
     "fractionally): hit_rate, the share of the step's events captured; "
     "pai, the Predictive Accuracy Index, hit_rate / share (Chainey, "
     "Tompson & Uhlig 2008); pei, the Predictive Efficiency Index, "
     "captured / best, best being the most any selection of that area "
     "could hold (Hunt 2016).",
     wkbNone, FIELDS(score_fields), fill_scores, VEMT_NEEDS_BACKTEST},
    {"missing_journeys",
     "Each missing episode as a line from where the child went missing to "
     "where they were found, with its duration, distance, looked-after "
     "status, placing authority and whether either end is outside the study "
     "area. Restricted.",
     wkbLineString, FIELDS(journey_fields), fill_journeys,
     VEMT_NEEDS_SAFEGUARDING},
    {"locations_of_concern",
     "Places (found-at and incident locations grouped within the place "
     "radius) linked to at least the minimum number of distinct children, "
     "ranked by children, then events. Restricted.",
     wkbPoint, FIELDS(place_fields), fill_places, VEMT_NEEDS_SAFEGUARDING},
    {"patrol_windows",
     "When to patrol: for each hot cell (gi_bin 3) and each DBSCAN cluster "
     "the busiest window of the week in local time, ranked by expected "
     "events per week: n_window of the place's n_place events known to the "
     "hour fall in its hours (share), which are week_share of the week's; "
     "lift = share / week_share; place is the cell_id of hotspot_cells "
     "(place_kind "
     "cell) or the cluster_id of the clusters layer's dbscan rows "
     "(place_kind dbscan cluster). Restricted.",
     wkbNone, FIELDS(patrol_fields), fill_patrol, VEMT_NEEDS_SAFEGUARDING},
    {"missing_summary",
     "Missing episodes per area (the study area, and each polygon unit of "
     "--areas by where the child went missing from) and time step: "
     "episodes starting in the step, distinct children, repeat children "
     "(a child with an episode that is the --repeat-episodes-th within "
     "--repeat-days days, 3 in 90 by default), median duration of the "
     "closed episodes, share found outside the study area (of those found "
     "at a known place) and share looked after (of those whose status is "
     "known). Restricted.",
     wkbNone, FIELDS(missing_fields), fill_missing, VEMT_NEEDS_MISSING},
    {"flagged_places",
     "Known reporting places (--flag-places: children's homes and other "
     "places that report many absences): the missing-from episodes that "
     "started there, distinct children, first and last, and whether they "
     "were kept in the hot spots (--include-flagged; by default they are "
     "left out of every spatial analysis and flagged in events). "
     "Restricted.",
     wkbNone, FIELDS(flagged_fields), fill_flagged, VEMT_NEEDS_FLAGGED},
    {"near_repeat",
     "Knox near-repeat test of the counted events (month-only times left "
     "out): for each space band and time band, in explicit interval notation "
     "[a, b), the observed pairs of events that close in space and in time, "
     "the expected number (mean over the permutations that shuffle times "
     "among the events), the Knox ratio observed / expected, the ratio to "
     "the median, and the permutation p. Restricted.",
     wkbNone, FIELDS(near_repeat_fields), fill_near_repeat,
     VEMT_NEEDS_NEAR_REPEAT},
    {"found_hotspots",
     "Where missing children are found: found-at events (n_found) and "
     "distinct children (n_children) per unit, the event-level Gi* (gi_z, "
     "gi_p, gi_bin with FDR) and the child-level test whose null moves each "
     "child's found-at places as a whole (child_gi_z on distinct children, "
     "child_p_sim), so a child found many times in one place can't make a "
     "hot spot alone; mean_lclq, the mean co-location quotient of incidents "
     "around the unit's found-at places. Restricted.",
     wkbPolygon, FIELDS(found_fields), fill_found, VEMT_NEEDS_FOUND},
    {"colocation",
     "Local co-location quotients (Cromley, Hanink & Bentlage 2014; "
     "Gaussian kernel over the k nearest events): at each found-at place, "
     "of incidents around it, and at each incident, of found-at places "
     "around it; above 1 means more than the overall mix; lclq_p from "
     "conditional permutations. Restricted.",
     wkbPoint, FIELDS(colocation_fields), fill_colocation,
     VEMT_NEEDS_COLOCATION},
    {"merges",
     "Input rows merged into an earlier row as duplicates, each with the "
     "rule that merged it. Restricted.",
     wkbNone, FIELDS(merge_fields), fill_merges, VEMT_NEEDS_NOTHING},
};

size_t vemt_layers_count(void) {
    return sizeof layer_defs / sizeof layer_defs[0];
}

const vemt_layer_def *vemt_layers_get(size_t i) { return &layer_defs[i]; }

const char *vemt_outputs_layer_name(size_t i) {
    return i < vemt_layers_count() ? layer_defs[i].name : NULL;
}

OGRwkbGeometryType vemt_layer_geom(const vemt_layer_def *def,
                                   const vemt_output *out) {
    /* Units' layers of polygon areas hold multipolygons. */
    bool units =
        def->needs == VEMT_NEEDS_GRID || def->needs == VEMT_NEEDS_TRENDS ||
        def->needs == VEMT_NEEDS_FORECAST || def->needs == VEMT_NEEDS_FOUND;
    if (def->geom == wkbPolygon && units && out->grid &&
        vemt_units_polygons(out->grid))
        return wkbMultiPolygon;
    return def->geom;
}

void vemt_output_rules(const vemt_output *out, vemt_tier_rules *rules) {
    if (out->rules) {
        *rules = *out->rules;
        return;
    }
    const vemt_provenance *p = out->provenance;
    vemt_tier tier = VEMT_TIER_RESTRICTED;
    /* A tier vemt does not know gets the strictest rules. */
    if (p && p->tier && !vemt_tier_parse(p->tier, &tier))
        tier = VEMT_TIER_PUBLIC;
    *rules = *vemt_tier_rules_get(tier);
    /* The run's threshold and rounding, as its provenance records them. */
    rules->threshold = p ? p->suppress_below : 0;
    rules->round_to = p ? p->round_to : 0;
}

bool vemt_field_published(const vemt_layer_def *def, size_t k,
                          const vemt_output *out) {
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    return vemt_disclosure_field_allowed(&rules, def->fields[k].flags) &&
           vemt_disclosure_column_allowed(&rules, def->name,
                                          def->fields[k].name);
}

bool vemt_layer_is_written(const vemt_layer_def *def, const vemt_output *out) {
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    if (!vemt_disclosure_layer_allowed(&rules, def->name)) return false;
    switch (def->needs) {
        case VEMT_NEEDS_GRID:
            return out->grid != NULL;
        case VEMT_NEEDS_AREA:
            return out->area != NULL;
        case VEMT_NEEDS_SAFEGUARDING:
            return out->safeguarding != NULL;
        case VEMT_NEEDS_TRENDS:
            return out->trends != NULL;
        case VEMT_NEEDS_SCALE:
            return out->grid != NULL && out->n_scale_profile > 0;
        case VEMT_NEEDS_CLUSTERS:
            return out->n_cluster_sets > 0;
        case VEMT_NEEDS_NEAR_REPEAT:
            return out->safeguarding && out->safeguarding->near_repeat;
        case VEMT_NEEDS_FOUND:
            return out->safeguarding && out->safeguarding->found && out->grid;
        case VEMT_NEEDS_COLOCATION:
            return out->safeguarding && out->safeguarding->colocation;
        case VEMT_NEEDS_MISSING:
            return out->safeguarding && out->safeguarding->n_missing > 0;
        case VEMT_NEEDS_FLAGGED:
            return out->safeguarding && out->safeguarding->n_flagged > 0;
        case VEMT_NEEDS_SCAN:
            return out->scan != NULL && out->grid != NULL;
        case VEMT_NEEDS_FORECAST:
            return out->forecast != NULL && out->grid != NULL;
        case VEMT_NEEDS_BACKTEST:
            return out->forecast != NULL && out->forecast->n_scores > 0;
        default:
            return true;
    }
}

bool vemt_outputs_time_range(const vemt_events *events, int64_t *start,
                             int64_t *end) {
    bool any = false;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        int64_t e = ev->end_utc >= ev->start_utc ? ev->end_utc : ev->start_utc;
        if (!any || ev->start_utc < *start) *start = ev->start_utc;
        if (!any || e > *end) *end = e;
        any = true;
    }
    return any;
}
