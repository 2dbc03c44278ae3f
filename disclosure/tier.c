/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file tier.c
 * @brief The output tiers and their rules: the one table that says what
 * each tier may publish, and the checks the run and the checker share.
 */
#include <string.h>

#include "disclosure/allow.h"

/* Outside the restricted tier: areas and their aggregates only. Anything
 * not listed is restricted (README, "Sharing results: output tiers"). */
static const char *const shared_layers[] = {"study_area",
                                            "hotspot_cells",
                                            "scale_profile",
                                            "kde",
                                            "emerging_hotspots",
                                            "hotspot_cube",
                                            "trends",
                                            "scan_clusters",
                                            "forecast",
                                            "forecast_scores",
                                            NULL};

/* Statistics can be solved back to counts; identifiers point at records
 * or people. */
#define WITHHELD (VEMT_FIELD_STATISTIC | VEMT_FIELD_IDENTIFIER)

/* Every disclosure rule, once. The partner and public tiers' density is of
 * published counts at cell centres, for cells at least as wide as the
 * public tier's smallest. */
static const vemt_tier_rules rules_table[] = {
    {.tier = VEMT_TIER_RESTRICTED,
     .threshold = 0,
     .round_to = 0,
     .min_cell_m = 0,
     .finest_step = VEMT_GRAIN_ANY,
     .finest_date = VEMT_GRAIN_ANY,
     .exact_locations = true,
     .density_min_cell_m = 0,
     .withheld_roles = 0,
     .layers = NULL,
     .dominance = 0,
     .allow = NULL,
     .metadata = NULL},
    {.tier = VEMT_TIER_PARTNER,
     .threshold = 5,
     .round_to = 5,
     .min_cell_m = 100,
     .finest_step = VEMT_GRAIN_ANY,
     .finest_date = VEMT_GRAIN_MONTH,
     .exact_locations = false,
     .density_min_cell_m = 250,
     .withheld_roles = WITHHELD,
     .layers = shared_layers,
     .dominance = 0.5,
     .allow = vemt_shared_allow,
     .metadata = vemt_shared_metadata},
    {.tier = VEMT_TIER_PUBLIC,
     .threshold = 10,
     .round_to = 5,
     .min_cell_m = 250,
     .finest_step = VEMT_GRAIN_MONTH,
     .finest_date = VEMT_GRAIN_MONTH,
     .exact_locations = false,
     .density_min_cell_m = 250,
     .withheld_roles = WITHHELD,
     .layers = shared_layers,
     .dominance = 0.5,
     .allow = vemt_shared_allow,
     .metadata = vemt_shared_metadata},
};

static const char tier_names[][12] = {"restricted", "partner", "public"};

static bool tier_valid(vemt_tier tier) {
    return (unsigned)tier <= VEMT_TIER_PUBLIC;
}

const char *vemt_tier_name(vemt_tier tier) {
    return tier_names[tier_valid(tier) ? tier : VEMT_TIER_RESTRICTED];
}

bool vemt_tier_parse(const char *name, vemt_tier *tier) {
    for (int t = VEMT_TIER_RESTRICTED; name && t <= VEMT_TIER_PUBLIC; t++)
        if (!strcmp(name, tier_names[t])) {
            *tier = (vemt_tier)t;
            return true;
        }
    return false;
}

/* Each grain's name, and the fewest calendar days one of its units covers. */
static const char grain_names[][8] = {"second", "day", "week", "month"};
static const double grain_days[] = {0, 1, 7, 28};

const char *vemt_grain_name(vemt_grain grain) {
    return grain_names[(unsigned)grain <= VEMT_GRAIN_MONTH ? grain : 0];
}

const vemt_tier_rules *vemt_tier_rules_get(vemt_tier tier) {
    return &rules_table[tier_valid(tier) ? tier : VEMT_TIER_RESTRICTED];
}

void vemt_tier_rules_for(vemt_tier tier, double suppress_below, double round_to,
                         vemt_tier_rules *out) {
    *out = *vemt_tier_rules_get(tier);
    /* The tier's values are floors: an option can only tighten them. */
    if (out->threshold > 0 && suppress_below > out->threshold)
        out->threshold = suppress_below;
    if (out->threshold > 0 && round_to > out->round_to)
        out->round_to = round_to;
    if (out->threshold == 0 && round_to > 0) out->round_to = round_to;
}

bool vemt_disclosure_layer_allowed(const vemt_tier_rules *rules,
                                   const char *layer) {
    if (!rules->layers) return true;
    for (const char *const *l = rules->layers; *l; l++)
        if (!strcmp(*l, layer)) return true;
    return false;
}

bool vemt_disclosure_field_allowed(const vemt_tier_rules *rules,
                                   unsigned roles) {
    return (roles & rules->withheld_roles) == 0;
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

unsigned vemt_disclosure_role_by_name(const char *f) {
    if (!strncmp(f, "n_", 2) || strstr(f, "count")) return VEMT_FIELD_COUNT;
    if (!strcmp(f, "gi_z") || !strcmp(f, "gi_p") || !strncmp(f, "lisa_i", 6) ||
        !strncmp(f, "mk_", 3) || !strcmp(f, "sen_slope") ||
        !strncmp(f, "change_", 7) || !strncmp(f, "count_mk", 8) ||
        !strcmp(f, "rate_per_day"))
        return VEMT_FIELD_STATISTIC;
    if (!strcmp(f, "subject_key") || !strcmp(f, "source_ref") ||
        !strcmp(f, "child_id") || !strcmp(f, "episode_id") ||
        !strcmp(f, "event_id") || !strcmp(f, "raw") || ends_with(f, "_key"))
        return VEMT_FIELD_IDENTIFIER;
    return 0;
}

bool vemt_disclosure_cell_allowed(const vemt_tier_rules *rules, double cell_m) {
    return !(cell_m < rules->min_cell_m);
}

bool vemt_disclosure_area_allowed(const vemt_tier_rules *rules,
                                  double area_m2) {
    double m = rules->min_cell_m;
    return !(area_m2 < m * m * (1 - 1e-9));
}

bool vemt_disclosure_step_allowed(const vemt_tier_rules *rules,
                                  vemt_step_unit unit) {
    vemt_grain g = unit == VEMT_STEP_MONTH  ? VEMT_GRAIN_MONTH
                   : unit == VEMT_STEP_WEEK ? VEMT_GRAIN_WEEK
                                            : VEMT_GRAIN_DAY;
    return g >= rules->finest_step;
}

bool vemt_disclosure_span_allowed(const vemt_tier_rules *rules, double days) {
    unsigned g = rules->finest_step;
    return !(days < grain_days[g <= VEMT_GRAIN_MONTH ? g : VEMT_GRAIN_MONTH]);
}

/* The first day of the grain's unit holding day d, moved by n units. */
static int64_t unit_start(vemt_grain g, int64_t d, int n) {
    if (g == VEMT_GRAIN_DAY) return d + n;
    if (g == VEMT_GRAIN_WEEK) { /* 1970-01-01 was a Thursday */
        int64_t monday = d - ((d + 3) % 7 + 7) % 7;
        return monday + 7 * (int64_t)n;
    }
    int y, m, day;
    vemt_civil_from_days(d, &y, &m, &day);
    int k = y * 12 + (m - 1) + n;
    return vemt_days_from_civil(k / 12, k % 12 + 1, 1);
}

void vemt_disclosure_time_window(const vemt_tier_rules *rules,
                                 const vemt_tz *zone, int64_t *start,
                                 int64_t *end) {
    vemt_grain g = rules->finest_date;
    if (g == VEMT_GRAIN_ANY || (unsigned)g > VEMT_GRAIN_MONTH) return;
    int64_t first = unit_start(g, vemt_tz_date(zone, *start), 0);
    int64_t after = unit_start(g, vemt_tz_date(zone, *end), 1);
    *start = vemt_tz_day_start(zone, first);
    *end = vemt_tz_day_start(zone, after) - 1;
}
