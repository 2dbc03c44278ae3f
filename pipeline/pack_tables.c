/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_tables.c
 * @brief The board pack's tables, series and maps' reasons from a run
 * (pipeline/pack.h), every count as the tier publishes it.
 */
#include <math.h>
#include <string.h>

#include "engine/trends.h"
#include "pipeline/pack.h"
#include "pipeline/pack_build.h"

/* ---- Tables ------------------------------------------------------------ */

static const char *cell_count(builder *k, double v) {
    return isnan(v) ? "" : vemt_pk_say(k->b, "%.0f", v);
}

static const char *hot_words(builder *k, size_t u) {
    const vemt_pack_inputs *in = k->in;
    if (in->bin_hidden && in->bin_hidden[u]) return "Withheld";
    int bin = in->bins[u];
    if (!bin) return "Not significant";
    return vemt_pk_say(k->b, "%s spot, %s confidence", bin > 0 ? "Hot" : "Cold",
                       vemt_pk_confidence_words(bin));
}

/* A unit's count trend in words (restricted only): its count series'
 * Mann-Kendall test. */
static const char *unit_trend(builder *k, size_t u) {
    const vemt_trends_out *tr = k->in->trends;
    if (!tr || !tr->count_mk || u >= vemt_cube_units(tr->cube)) return "";
    const vemt_mk *mk = &tr->count_mk[u];
    if (!isfinite(mk->p)) return "no test (too few events)";
    if (mk->p >= 0.05)
        return vemt_pk_say(k->b, "no clear trend (p = %.2g)", mk->p);
    return vemt_pk_say(k->b, "%s (p = %.2g, %+.2f a step)",
                       mk->z > 0 ? "rising" : "falling", mk->p, mk->sen_slope);
}

static const char *const units_cols_r[] = {
    "rank", "unit_id",  "name",    "events", "children",
    "gi_z", "hot_spot", "pattern", "trend",  NULL};
const char *const vemt_pk_units_cols_shared[] = {
    "rank", "unit_id", "name", "events", "hot_spot", "pattern", NULL};
const char *const vemt_pk_units_counts[] = {"events", "children", NULL};

size_t vemt_pk_n_cols(const char *const *cols) {
    size_t n = 0;
    while (cols[n]) n++;
    return n;
}

void vemt_pk_units_table(builder *k, vemt_pack_table *t) {
    const vemt_pack_inputs *in = k->in;
    const char *const *cols =
        k->shared ? vemt_pk_units_cols_shared : units_cols_r;
    size_t n = vemt_units_count(in->grid), C = vemt_pk_n_cols(cols);
    *t = (vemt_pack_table){.name = "units",
                           .title = vemt_pk_say(k->b, "Units ranked (%s)",
                                                vemt_pk_units_words(k, true)),
                           .n_cols = C,
                           .columns = cols,
                           .counts = vemt_pk_units_counts};
    const char **cells = vemt_pk_grab(k->b, (n * C + 1) * sizeof *cells);
    if (!cells) return;
    const vemt_trends_out *tr = in->trends;
    for (size_t r = 0; r < n; r++) {
        size_t u = in->order[r];
        const char **row = cells + r * C;
        char id[64];
        vemt_units_id(in->grid, u, id, sizeof id);
        const char *name =
            vemt_units_polygons(in->grid) ? vemt_units_name(in->grid, u) : NULL;
        if ((!name || !*name) && in->unit_names) name = in->unit_names[u];
        bool hidden_pat = !tr || !tr->pattern ||
                          u >= vemt_cube_units(tr->cube) ||
                          (tr->pattern_hidden && tr->pattern_hidden[u]);
        size_t c = 0;
        row[c++] = vemt_pk_say(k->b, "%zu", in->rank[u]);
        row[c++] = vemt_pk_say(k->b, "%s", id);
        row[c++] = name ? name : "";
        row[c++] = cell_count(k, in->cells[u]);
        if (!k->shared)
            row[c++] = in->cell_subjects && !k->keyless
                           ? cell_count(k, in->cell_subjects[u])
                           : "";
        if (!k->shared)
            row[c++] = isfinite(in->gi_z[u])
                           ? vemt_pk_say(k->b, "%.2f", in->gi_z[u])
                           : "";
        row[c++] = hot_words(k, u);
        row[c++] = hidden_pat ? "" : vemt_ehsa_name(tr->pattern[u]);
        if (!k->shared) row[c++] = unit_trend(k, u);
    }
    t->cells = cells;
    t->n_rows = n;
    t->note = k->shared
                  ? vemt_pk_say(k->b,
                                "Counts under %g are withheld (blank) and the "
                                "rest rounded to the nearest %g.",
                                k->rules->threshold,
                                k->rules->round_to > 1 ? k->rules->round_to : 1)
                  : "Trend: Mann-Kendall test of the unit's counts per "
                    "step (p < 0.05: rising or falling).";
}

static const char *const trends_cols_r[] = {
    "step",           "events",           "children", "events_per_day",
    "change_on_year", "change_on_year_p", NULL};
static const char *const trends_cols_s[] = {"step", "events", NULL};
static const char *const trends_counts[] = {"events", "children", NULL};

void vemt_pk_trends_table(builder *k, vemt_pack_table *t) {
    const vemt_trends_out *tr = k->in->trends;
    const char *const *cols = k->shared ? trends_cols_s : trends_cols_r;
    size_t C = vemt_pk_n_cols(cols);
    *t = (vemt_pack_table){.name = "trends",
                           .title = "The study area, step by step",
                           .n_cols = C,
                           .columns = cols,
                           .counts = trends_counts};
    if (!tr) {
        t->why_empty = k->in->job->no_trends
                           ? "No trend analysis was run (--no-trends)."
                           : "No trend analysis: too few time steps.";
        return;
    }
    size_t T;
    const vemt_trend_row *rows = vemt_pk_area_rows(tr, &T);
    const char **cells = vemt_pk_grab(k->b, (T * C + 1) * sizeof *cells);
    if (!cells) return;
    for (size_t s = 0; s < T; s++) {
        const vemt_trend_row *r = &rows[s];
        const char **row = cells + s * C;
        char label[32];
        vemt_cube_step_label(tr->cube, s, label, sizeof label);
        row[0] = vemt_pk_say(k->b, "%s", label);
        row[1] = cell_count(k, r->n_events);
        if (k->shared) continue;
        row[2] = k->keyless ? "" : cell_count(k, r->n_subjects);
        row[3] = isfinite(r->rate_per_day)
                     ? vemt_pk_say(k->b, "%.3f", r->rate_per_day)
                     : "";
        double before = r->rate_per_day - r->change_year;
        row[4] =
            isfinite(r->change_year) && before > 0
                ? vemt_pk_say(k->b, "%+.0f %%", 100 * r->change_year / before)
                : "";
        row[5] = isfinite(r->change_year_p)
                     ? vemt_pk_say(k->b, "%.3g", r->change_year_p)
                     : "";
    }
    t->cells = cells;
    t->n_rows = T;
    t->note = k->shared ? "Counts under the threshold are withheld (blank)."
                        : "change_on_year: events per day against the same "
                          "step a year earlier; its p: exact test of two "
                          "Poisson rates.";
}

static const char *const missing_cols_r[] = {"step",
                                             "area",
                                             "episodes",
                                             "children",
                                             "repeat_children",
                                             "median_hours_missing",
                                             "share_found_out_of_area",
                                             "share_looked_after",
                                             NULL};
static const char *const missing_cols_s[] = {"step", "area", "episodes",
                                             "children", NULL};
static const char *const missing_counts[] = {"episodes", "children",
                                             "repeat_children", NULL};

static const char *share_text(builder *k, double v) {
    return isfinite(v) ? vemt_pk_say(k->b, "%.0f %%", 100 * v) : "";
}

void vemt_pk_missing_table(builder *k, vemt_pack_table *t) {
    const vemt_safeguarding_out *sg = k->in->safeguarding;
    size_t C = vemt_pk_n_cols(missing_cols_r);
    *t = (vemt_pack_table){.name = "missing",
                           .title = "Missing episodes by step",
                           .n_cols = C,
                           .columns = missing_cols_r,
                           .counts = missing_counts};
    if (k->shared) {
        t->columns = missing_cols_s;
        t->n_cols = vemt_pk_n_cols(missing_cols_s);
        t->why_empty =
            vemt_pk_say(k->b,
                        "Missing-episode summaries are published only in "
                        "the restricted tier (this is the %s tier).",
                        vemt_tier_name(k->rules->tier));
        return;
    }
    if (!sg || !sg->missing || !sg->n_missing) {
        t->why_empty = "No missing-episode records were given (--missing).";
        return;
    }
    const char **cells =
        vemt_pk_grab(k->b, (sg->n_missing * C + 1) * sizeof *cells);
    if (!cells) return;
    const vemt_tz *tz = k->in->job->tz;
    for (size_t i = 0; i < sg->n_missing; i++) {
        const vemt_missing_row *r = &sg->missing[i];
        const char **row = cells + i * C;
        row[0] =
            !k->in->trends || vemt_pk_monthly(k->in->trends)
                ? vemt_pk_month_of(k->b, tz, r->step_start_utc)
                : vemt_pk_say(k->b, "from %s",
                              vemt_pk_date_of(k->b, tz, r->step_start_utc));
        row[1] = r->area;
        row[2] = vemt_pk_say(k->b, "%ld", r->episodes);
        row[3] = vemt_pk_say(k->b, "%ld", r->children);
        row[4] = vemt_pk_say(k->b, "%ld", r->repeat_children);
        row[5] = isfinite(r->median_duration_h)
                     ? vemt_pk_say(k->b, "%.1f", r->median_duration_h)
                     : "";
        row[6] = share_text(k, r->share_out_of_area);
        row[7] = share_text(k, r->share_looked_after);
    }
    t->cells = cells;
    t->n_rows = sg->n_missing;
}

/* ---- Series ------------------------------------------------------------- */

/* The step labels of the cube, in words ("Jan 2024"). */
static const char *const *step_labels(builder *k) {
    const vemt_trends_out *tr = k->in->trends;
    size_t T = vemt_cube_steps(tr->cube);
    const char **labels = vemt_pk_grab(k->b, (T + 1) * sizeof *labels);
    if (!labels) return NULL;
    for (size_t t = 0; t < T; t++) {
        char label[32];
        vemt_cube_step_label(tr->cube, t, label, sizeof label);
        labels[t] = vemt_pk_say(k->b, "%s", label);
    }
    return labels;
}

/* Sen's line through the series (Sen 1968): the slope is the median of the
 * pairwise slopes, the intercept the median of x_t - slope * t (Conover
 * 1980), over the published steps. NULL when the series is too short. */
static const double *sen_line(builder *k, const double *x, size_t T) {
    vemt_mk mk;
    if (vemt_mann_kendall(x, T, &mk) || !isfinite(mk.sen_slope)) return NULL;
    double *d = vemt_pk_grab(k->b, (T + 1) * sizeof *d);
    double *line = vemt_pk_grab(k->b, (T + 1) * sizeof *line);
    if (!d || !line) return NULL;
    size_t n = 0;
    for (size_t t = 0; t < T; t++)
        if (!isnan(x[t])) d[n++] = x[t] - mk.sen_slope * (double)t;
    if (!n) return NULL;
    /* median of d[0..n) by insertion sort: at most a few hundred steps */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j && d[j - 1] > d[j]; j--) {
            double s = d[j];
            d[j] = d[j - 1], d[j - 1] = s;
        }
    double b0 = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
    for (size_t t = 0; t < T; t++) line[t] = b0 + mk.sen_slope * (double)t;
    return line;
}

void vemt_pk_series(builder *k, vemt_pack *p) {
    const vemt_trends_out *tr = k->in->trends;
    if (!tr) {
        p->trend_why = p->units_why =
            k->in->job->no_trends ? "No trend analysis was run (--no-trends)."
                                  : "No trend analysis: too few time steps.";
        p->trend = (vemt_pack_series){.name = "Study area"};
        return;
    }
    size_t T;
    const vemt_trend_row *rows = vemt_pk_area_rows(tr, &T);
    const char *const *labels = step_labels(k);
    double *x = vemt_pk_grab(k->b, (T + 1) * sizeof *x);
    uint8_t *flag = vemt_pk_grab(k->b, T + 1);
    if (!labels || !x || !flag) return;
    bool any_flag = false;
    for (size_t t = 0; t < T; t++) {
        x[t] = rows[t].n_events;
        flag[t] = !k->shared && isfinite(rows[t].change_year_p) &&
                  rows[t].change_year_p < 0.05;
        any_flag |= flag[t];
    }
    if (any_flag) k->used[T_POISSON] = true;
    k->used[T_SEN] = true;
    p->trend = (vemt_pack_series){.name = "Study area",
                                  .n = T,
                                  .labels = labels,
                                  .count = x,
                                  .trend = sen_line(k, x, T),
                                  .flag = any_flag ? flag : NULL};
    /* The ten busiest units by published total. */
    size_t U = vemt_cube_units(tr->cube), top[10], n_top = 0;
    for (size_t u = 0; u < U; u++) {
        double v = tr->unit_events ? tr->unit_events[u] : (double)NAN;
        if (isnan(v) || v <= 0) continue;
        size_t at = n_top < 10 ? n_top++ : 10;
        while (at > 0 && tr->unit_events[top[at - 1]] < v) {
            if (at < 10) top[at] = top[at - 1];
            at--;
        }
        if (at < 10) top[at] = u;
    }
    if (!n_top) {
        p->units_why =
            "No unit has a published total: every unit's count is "
            "withheld.";
        return;
    }
    vemt_pack_series *us = vemt_pk_grab(k->b, n_top * sizeof *us);
    if (!us) return;
    size_t kept = 0;
    for (size_t i = 0; i < n_top; i++) {
        size_t u = top[i], shown = 0;
        double *y = vemt_pk_grab(k->b, (T + 1) * sizeof *y);
        if (!y) return;
        for (size_t t = 0; t < T; t++) {
            y[t] = tr->pub_events ? tr->pub_events[u * T + t] : (double)NAN;
            shown += !isnan(y[t]);
        }
        /* A panel most of whose steps are withheld says nothing. */
        if (2 * shown < T) continue;
        us[kept++] = (vemt_pack_series){.name = vemt_pk_unit_label(k, u),
                                        .n = T,
                                        .labels = labels,
                                        .count = y,
                                        .trend = NULL,
                                        .flag = NULL};
    }
    if (!kept) {
        p->units_why =
            "Most steps' counts of the busiest units are withheld "
            "under the disclosure rules, so no unit's series is "
            "drawn.";
        return;
    }
    p->unit_series = us;
    p->n_unit_series = kept;
}

/* ---- Maps -------------------------------------------------------------- */

void vemt_pk_maps(builder *k, vemt_pack *p) {
    const vemt_pack_inputs *in = k->in;
    p->maps[VEMT_MAP_HOTSPOTS].title =
        in->job->fdr ? "Hot spots (Gi*, FDR at 90/95/99 %)"
                     : "Hot spots (Gi*, p < 0.10/0.05/0.01)";
    p->maps[VEMT_MAP_EMERGING].title = "Emerging hot spots";
    p->maps[VEMT_MAP_DENSITY].title = "Density (events per km²)";
    p->maps[VEMT_MAP_CONCERN].title = "Locations of concern and patrol places";
    if (!in->trends || !in->trends->pattern)
        p->maps[VEMT_MAP_EMERGING].why_empty =
            in->job->no_trends
                ? "No trend analysis was run (--no-trends), so no emerging "
                  "hot spots."
                : "No trend analysis (too few time steps), so no emerging "
                  "hot spots.";
    if (!in->density) {
        p->maps[VEMT_MAP_DENSITY].why_empty =
            in->job->no_kde ? "No density surface was made (--no-kde)."
            : !k->rules->exact_locations
                ? vemt_pk_say(
                      k->b,
                      "The density surface shows where events happened, so "
                      "it is not published in the %s tier.",
                      vemt_tier_name(k->rules->tier))
                : "No density surface was made for this run.";
    } else
        k->used[T_DENSITY] = true;
    if (!k->rules->exact_locations || !in->safeguarding)
        p->maps[VEMT_MAP_CONCERN].why_empty = vemt_pk_say(
            k->b,
            "Locations of concern and patrol places could locate a child: "
            "they are shown only in the restricted tier (this is the %s "
            "tier).",
            vemt_tier_name(k->rules->tier));
    else if (!in->safeguarding->n_places && !in->safeguarding->n_patrol)
        p->maps[VEMT_MAP_CONCERN].why_empty =
            "No place is linked to several children and there is no patrol "
            "window.";
}
