/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file allow.c
 * @brief What the partner and public tiers may publish, as an allow-list:
 * every table, every column and every provenance key. The writers write
 * nothing that is not on it, and the checker fails anything that is not,
 * whatever a file says of itself. And the dominance rule.
 */
#include "disclosure/allow.h"

#include <math.h>
#include <string.h>

/* Columns shared by the tables of a time step. */
#define STEP_COLUMNS \
    "step_start_utc", "step_end_utc", "step", "step_first_day", "step_last_day"

static const char *const unit_counts[] = {"n_events", "n_subjects", NULL};

static const char *const area_columns[] = {"name", "area_km2", NULL};
/* rank: by gi_bin, n_events and cell_id as published (pipeline/rank.h),
 * so it tells nothing the other columns do not. */
static const char *const cell_columns[] = {
    "cell_id", "area_id",   "area_name",  "n_events", "n_subjects",
    "gi_bin",  "lisa_type", "suppressed", "rank",     NULL};
/* Moran's I, its expectation, variance, z and p over every unit can be
 * solved for suppressed cells (finding 1 of issue 16): only the bands and
 * the peaks' places are published. */
static const char *const scale_columns[] = {"band_m", "n_units", "peak", NULL};
static const char *const emerging_columns[] = {
    "cell_id",    "pattern",    "chainey_pattern",
    "n_events",   "n_subjects", "share_hot",
    "suppressed", "rank",       NULL};
static const char *const cube_columns[] = {
    "cell_id", STEP_COLUMNS, "n_events", "n_subjects",
    "gi_bin",  "suppressed", NULL};
static const char *const trend_columns[] = {
    "area",       "category", STEP_COLUMNS, "n_events",
    "n_subjects", "days",     "suppressed", NULL};
/* The scan's circles (at least the smallest unit area), their windows and
 * a band of p: no count, expectation, risk or likelihood (issue 20). */
static const char *const scan_columns[] = {
    "rank", "mode", "first_step", "last_step", "p_band", "suppressed", NULL};
/* Forecasts: ranks only; backtest scores (no counts) of steps with at
 * least the threshold's events, the others withheld by the writer. */
static const char *const forecast_columns[] = {
    "cell_id",    "step", "recency_rank", "last_step_rank", "ewma_rank",
    "suppressed", NULL};
static const char *const score_columns[] = {
    "step", "method", "share", "hit_rate", "pai", "pei", "suppressed", NULL};
/* The styles QGIS reads from a GeoPackage (outputs/style.c). */
static const char *const style_columns[] = {"id",
                                            "f_table_catalog",
                                            "f_table_schema",
                                            "f_table_name",
                                            "f_geometry_column",
                                            "styleName",
                                            "styleQML",
                                            "styleSLD",
                                            "useAsDefault",
                                            "description",
                                            "owner",
                                            "ui",
                                            "update_time",
                                            NULL};

/* The board pack's tables (outputs/pack.h) outside the restricted tier:
 * the published counts and the units' classes, never a statistic. */
static const char *const pack_units_columns[] = {
    "rank", "unit_id", "name", "events", "hot_spot", "pattern", NULL};
static const char *const pack_trends_columns[] = {"step", "events", NULL};
static const char *const pack_missing_columns[] = {"step", "area", "episodes",
                                                   "children", NULL};
static const char *const pack_event_counts[] = {"events", "children", NULL};
static const char *const pack_missing_counts[] = {"episodes", "children",
                                                  "repeat_children", NULL};

const vemt_allowed_layer vemt_shared_allow[] = {
    {"study_area", VEMT_ALLOW_AREA, area_columns, NULL},
    {"hotspot_cells", VEMT_ALLOW_UNITS, cell_columns, unit_counts},
    {"scale_profile", VEMT_ALLOW_NONE, scale_columns, NULL},
    {"kde", VEMT_ALLOW_RASTER, NULL, NULL},
    {"emerging_hotspots", VEMT_ALLOW_UNITS, emerging_columns, unit_counts},
    {"hotspot_cube", VEMT_ALLOW_UNITS, cube_columns, unit_counts},
    {"trends", VEMT_ALLOW_NONE, trend_columns, unit_counts},
    {"scan_clusters", VEMT_ALLOW_UNITS, scan_columns, NULL},
    {"forecast", VEMT_ALLOW_UNITS, forecast_columns, NULL},
    {"forecast_scores", VEMT_ALLOW_NONE, score_columns, NULL},
    {"layer_styles", VEMT_ALLOW_NONE, style_columns, NULL},
    {"pack_units", VEMT_ALLOW_NONE, pack_units_columns, pack_event_counts},
    {"pack_trends", VEMT_ALLOW_NONE, pack_trends_columns, pack_event_counts},
    {"pack_missing", VEMT_ALLOW_NONE, pack_missing_columns,
     pack_missing_counts},
    {NULL, VEMT_ALLOW_NONE, NULL, NULL}};

/* The provenance outside the restricted tier: what was asked for and the
 * rules, never a number computed from the data (no row accounting, no
 * extent, no nearest-neighbour distance, no hash of an input). A key
 * allows everything under it. */
const char *const vemt_shared_metadata[] = {
    /* clang-format off */
    "program", "version", "created_utc", "command_line", "attribution",
    "job_file", "crs", "analysis_crs", "time_convention", "pseudonym_key",
    "command", "tier", "disclosure", "time_window", "statistics",
    "inputs.kind", "inputs.format", "inputs.layout",
    "parameters.cell_size_m", "parameters.grid",
    "parameters.distance_band_m", "parameters.weights",
    "parameters.permutations", "parameters.lisa_rule",
    "parameters.gi_bin_rule", "parameters.seed", "parameters.analysis_crs",
    "parameters.date_order", "parameters.input_time_zone",
    "parameters.time_zone", "parameters.tier", "parameters.kind",
    "parameters.time_step", "parameters.time_weighting",
    "parameters.time_lag", "parameters.spread_months",
    "parameters.global_window", "parameters.count", "parameters.fdr",
    "parameters.merge_distance_m", "parameters.merge_time_s",
    "parameters.max_memory_bytes", "parameters.centroids",
    "parameters.cell_size_method",
    NULL
    /* clang-format on */
};

static bool same(const char *a, const char *b) { return !strcmp(a, b); }

static bool listed(const char *const *list, const char *name) {
    for (; list && *list; list++)
        if (same(*list, name)) return true;
    return false;
}

const vemt_allowed_layer *vemt_disclosure_allowed_layer(
    const vemt_tier_rules *rules, const char *layer) {
    for (const vemt_allowed_layer *l = rules->allow; l && l->name; l++)
        if (same(l->name, layer)) return l;
    return NULL;
}

bool vemt_disclosure_column_allowed(const vemt_tier_rules *rules,
                                    const char *layer, const char *column) {
    if (!rules->allow) return true;
    const vemt_allowed_layer *l = vemt_disclosure_allowed_layer(rules, layer);
    return l && listed(l->columns, column);
}

bool vemt_disclosure_column_is_count(const vemt_tier_rules *rules,
                                     const char *layer, const char *column) {
    const vemt_allowed_layer *l = vemt_disclosure_allowed_layer(rules, layer);
    return l && listed(l->counts, column);
}

/* A key is allowed when it, or a key above it ("inputs" for
 * "inputs.kind"), is listed. */
bool vemt_disclosure_metadata_allowed(const vemt_tier_rules *rules,
                                      const char *key) {
    if (!rules->metadata) return true;
    for (const char *const *m = rules->metadata; *m; m++) {
        size_t n = strlen(*m);
        if (!strncmp(key, *m, n) && (key[n] == '\0' || key[n] == '.'))
            return true;
    }
    return false;
}

bool vemt_disclosure_metadata_below(const vemt_tier_rules *rules,
                                    const char *key) {
    if (!rules->metadata) return true;
    size_t n = strlen(key);
    for (const char *const *m = rules->metadata; *m; m++)
        if (!strncmp(*m, key, n) && (*m)[n] == '.') return true;
    return false;
}

double vemt_disclosure_min_area(const vemt_tier_rules *rules) {
    return rules->min_cell_m * rules->min_cell_m;
}

bool vemt_disclosure_dominated(const vemt_tier_rules *rules, double n_events,
                               double n_subjects, double top) {
    if (!(rules->threshold > 0) || !(round(n_events) >= 1)) return false;
    if (round(n_subjects) < rules->threshold) return true;
    return rules->dominance > 0 && top > rules->dominance * n_events;
}
