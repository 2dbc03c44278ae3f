/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trends.c
 * @brief Space-time cube, emerging hot spot patterns and the trend table.
 */
#include "pipeline/trends.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"
#include "pipeline/log.h"

void vemt_trends_clear(vemt_trend_result *r) {
    vemt_cube_destroy(r->cube);
    vemt_free(r->z);
    vemt_free(r->p);
    vemt_free(r->share_hot);
    vemt_free(r->bins);
    vemt_free(r->pattern);
    vemt_free(r->chainey);
    vemt_free(r->mk);
    vemt_free(r->count_mk);
    vemt_free(r->rows);
    for (size_t i = 0; i < r->n_categories; i++) vemt_free(r->categories[i]);
    vemt_free(r->categories);
    for (size_t i = 0; i < r->n_units; i++) vemt_free(r->unit_names[i]);
    vemt_free(r->unit_names);
    memset(r, 0, sizeof *r);
}

static vemt_status cube_opts(const vemt_job *a, vemt_cube_opts *o) {
    memset(o, 0, sizeof *o);
    o->unit = (vemt_step_unit)a->time_step;
    o->n_days = a->step_days;
    o->at_start = a->time_at_start;
    o->kinds = a->kinds;
    o->subjects = a->count_subjects;
    o->time_lag = a->time_lag;
    o->window = (vemt_window)a->global_window;
    if (a->time_start) o->start_utc = a->time_start_utc;
    if (a->time_end) o->end_utc = a->time_end_utc;
    o->zone = a->tz;
    o->input_zone = a->input_tz;
    o->spread_months = a->spread_months;
    return VEMT_OK;
}

/* Chainey's category of unit u: a step is significant when its bin is at
 * 95 % or more after the cube's FDR control (sfhotspot's critical p of
 * 0.05). Series longer than 512 steps are classified on their last 512;
 * scratch holds T booleans. */
static vemt_chainey chainey_of(const vemt_trend_result *r, size_t u, size_t T,
                               const vemt_chainey_params *prm, bool *scratch) {
    double zz[512], pp[512];
    size_t n = T < 512 ? T : 512;
    for (size_t t = 0; t < n; t++) {
        int8_t b = r->bins[u * T + T - n + t];
        zz[t] = b > 0 ? 1 : b < 0 ? -1 : 0;
        pp[t] = b >= 2 || b <= -2 ? 0 : 1;
    }
    return vemt_chainey_classify(zz, pp, n, prm, scratch);
}

/* Each unit's pattern from its Gi* series (NaN z read as 0). */
static vemt_status classify(vemt_trend_result *r, bool counts_analysed) {
    size_t U = vemt_cube_units(r->cube), T = vemt_cube_steps(r->cube);
    const double *x = counts_analysed ? vemt_cube_subjects(r->cube)
                                      : vemt_cube_events(r->cube);
    int *bins = vemt_calloc(T, sizeof *bins);
    double *z = vemt_calloc(T, sizeof *z);
    bool *scratch = vemt_calloc(T, sizeof *scratch);
    vemt_chainey_params prm = {0.1, 0.8, 0.2, 0.05};
    if (!bins || !z || !scratch) {
        vemt_free(bins), vemt_free(z), vemt_free(scratch);
        return VEMT_E_NOMEM;
    }
    for (size_t u = 0; u < U; u++) {
        size_t hot = 0;
        for (size_t t = 0; t < T; t++) {
            bins[t] = r->bins[u * T + t];
            z[t] = isnan(r->z[u * T + t]) ? 0 : r->z[u * T + t];
            hot += bins[t] > 0;
        }
        r->pattern[u] = vemt_ehsa_classify(bins, z, T, 0.05);
        r->chainey[u] = chainey_of(r, u, T, &prm, scratch);
        /* The trends of the z series and of the counts analysed: events,
         * or distinct subjects (--count). */
        if (vemt_mann_kendall(z, T, &r->mk[u]) == VEMT_E_NOMEM ||
            vemt_mann_kendall(x + u * T, T, &r->count_mk[u]) == VEMT_E_NOMEM) {
            vemt_free(bins), vemt_free(z), vemt_free(scratch);
            return VEMT_E_NOMEM;
        }
        r->share_hot[u] = (double)hot / (double)T;
    }
    vemt_free(bins), vemt_free(z), vemt_free(scratch);
    return VEMT_OK;
}

/* The rows of one series n (events, then subjects; 2 x T): counts per
 * step, changes and the series' trend. Returns VEMT_E_NOMEM. */
static vemt_status put_series(vemt_trend_result *r, const double *n,
                              const char *area, const char *name,
                              size_t lag_year, size_t *row) {
    size_t T = vemt_cube_steps(r->cube);
    vemt_mk mk;
    if (vemt_mann_kendall(n, T, &mk) == VEMT_E_NOMEM) return VEMT_E_NOMEM;
    for (size_t t = 0; t < T; t++) {
        vemt_trend_row *w = &r->rows[(*row)++];
        w->area = area;
        w->category = name;
        w->step_start_utc = vemt_cube_step_start(r->cube, t);
        w->step_end_utc = vemt_cube_step_end(r->cube, t);
        w->n_events = n[t];
        w->n_subjects = n[T + t];
        w->change_prev = t ? n[t] - n[t - 1] : (double)NAN;
        w->change_prev_p =
            t ? vemt_poisson_change_p(n[t], n[t - 1]) : (double)NAN;
        bool year = lag_year && t >= lag_year;
        w->change_year = year ? n[t] - n[t - lag_year] : (double)NAN;
        w->change_year_p =
            year ? vemt_poisson_change_p(n[t], n[t - lag_year]) : (double)NAN;
        w->mk_z = mk.z;
        w->mk_p = mk.p;
        w->sen_slope = mk.sen_slope;
    }
    return VEMT_OK;
}

/* One series of the whole study area (category 0: all). */
static vemt_status series_rows(vemt_trend_result *r, const vemt_events *ev,
                               uint32_t category, const char *name,
                               size_t lag_year, size_t *row) {
    size_t T = vemt_cube_steps(r->cube);
    double *n = vemt_calloc(2 * T, sizeof *n);
    if (!n) return VEMT_E_NOMEM;
    vemt_status st = vemt_cube_series(r->cube, ev, category, n, n + T);
    if (!st) st = put_series(r, n, "study area", name, lag_year, row);
    vemt_free(n);
    return st;
}

/* With polygon units (--areas), each unit's series of all events: the
 * cube's own bins, so the table and hotspot_cube agree (and publish the
 * same suppressed values outside the restricted tier). */
static vemt_status unit_rows(vemt_trend_result *r, const vemt_units *grid,
                             size_t lag_year, size_t *row) {
    size_t U = vemt_cube_units(r->cube), T = vemt_cube_steps(r->cube);
    const double *e = vemt_cube_events(r->cube),
                 *s = vemt_cube_subjects(r->cube);
    double *n = vemt_calloc(2 * T, sizeof *n);
    r->unit_names = vemt_calloc(U ? U : 1, sizeof *r->unit_names);
    if (!n || !r->unit_names) {
        vemt_free(n);
        return VEMT_E_NOMEM;
    }
    for (size_t u = 0; u < U; u++) {
        char id[256];
        vemt_units_id(grid, u, id, sizeof id);
        if (!(r->unit_names[u] = vemt_strdup(id))) {
            vemt_free(n);
            return VEMT_E_NOMEM;
        }
        r->n_units++;
        memcpy(n, e + u * T, T * sizeof *n);
        memcpy(n + T, s + u * T, T * sizeof *n);
        if (put_series(r, n, r->unit_names[u], "all", lag_year, row)) {
            vemt_free(n);
            return VEMT_E_NOMEM;
        }
    }
    vemt_free(n);
    return VEMT_OK;
}

/* The distinct categories of the counted events, as pool offsets. */
static size_t categories(const vemt_events *ev, unsigned kinds, uint32_t *out,
                         size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < ev->n; i++) {
        uint32_t c = ev->items[i].category;
        if (!c || !(kinds & (1u << ev->items[i].kind))) continue;
        size_t k = 0;
        while (k < n && out[k] != c &&
               strcmp(vemt_events_text(ev, out[k]), vemt_events_text(ev, c)))
            k++;
        if (k == n && n < max) out[n++] = c;
    }
    return n;
}

static size_t steps_per_year(const vemt_job *a) {
    if (a->time_step == VEMT_STEP_MONTH) return 12;
    if (a->time_step == VEMT_STEP_WEEK) return 52;
    return 365 % a->step_days == 0 ? (size_t)(365 / a->step_days) : 0;
}

static vemt_status trend_table(vemt_trend_result *r, const vemt_job *a,
                               const vemt_units *grid, const vemt_events *ev) {
    uint32_t cats[64];
    size_t nc = categories(ev, a->kinds, cats, 64),
           T = vemt_cube_steps(r->cube);
    size_t units = vemt_units_polygons(grid) ? vemt_cube_units(r->cube) : 0;
    r->rows = vemt_calloc((nc + 1 + units) * T, sizeof *r->rows);
    r->categories = vemt_calloc(nc + 1, sizeof *r->categories);
    if (!r->rows || !r->categories) return VEMT_E_NOMEM;
    size_t row = 0;
    vemt_status st = series_rows(r, ev, 0, "all", steps_per_year(a), &row);
    for (size_t k = 0; k < nc && !st; k++) {
        /* Copies: the events' text pool may move before outputs run. */
        r->categories[r->n_categories] =
            vemt_strdup(vemt_events_text(ev, cats[k]));
        if (!r->categories[r->n_categories]) return VEMT_E_NOMEM;
        st = series_rows(r, ev, cats[k], r->categories[r->n_categories++],
                         steps_per_year(a), &row);
    }
    r->n_area_rows = row;
    if (!st && units) st = unit_rows(r, grid, steps_per_year(a), &row);
    r->out.rows = r->rows;
    r->out.n_rows = row;
    return st;
}

static vemt_status allocate(vemt_trend_result *r) {
    size_t U = vemt_cube_units(r->cube), n = U * vemt_cube_steps(r->cube);
    r->z = vemt_calloc(n, sizeof *r->z);
    r->p = vemt_calloc(n, sizeof *r->p);
    r->bins = vemt_calloc(n, sizeof *r->bins);
    r->pattern = vemt_calloc(U, sizeof *r->pattern);
    r->chainey = vemt_calloc(U, sizeof *r->chainey);
    r->mk = vemt_calloc(U, sizeof *r->mk);
    r->count_mk = vemt_calloc(U, sizeof *r->count_mk);
    r->share_hot = vemt_calloc(U, sizeof *r->share_hot);
    return r->z && r->p && r->bins && r->pattern && r->chainey && r->mk &&
                   r->count_mk && r->share_hot
               ? VEMT_OK
               : VEMT_E_NOMEM;
}

vemt_status vemt_trends_run(vemt_ctx *ctx, const vemt_job *a,
                            const vemt_units *grid, const vemt_weights *w,
                            const vemt_events *events,
                            const vemt_callbacks *info, vemt_trend_result *r,
                            bool *done) {
    memset(r, 0, sizeof *r);
    *done = false;
    vemt_cube_opts o;
    if (cube_opts(a, &o))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "--time-start/--time-end: not a date");
    vemt_status st = vemt_cube_create(ctx, grid, events, &o, &r->cube);
    if (st == VEMT_E_ARG) {
        if (info)
            vemt_logf(info, "trends: not analysed: %s\n",
                      vemt_ctx_error(ctx)->msg);
        return VEMT_OK;
    }
    if (!st) st = allocate(r);
    if (!st)
        st = vemt_cube_gistar(ctx, r->cube, w, a->fdr, r->z, r->p, r->bins);
    if (!st) st = classify(r, a->count_subjects);
    if (!st) st = trend_table(r, a, grid, events);
    if (st) {
        vemt_trends_clear(r);
        return st;
    }
    r->out = (vemt_trends_out){.cube = r->cube,
                               .z = r->z,
                               .p = r->p,
                               .bins = r->bins,
                               .pattern = r->pattern,
                               .chainey = r->chainey,
                               .mk = r->mk,
                               .count_mk = r->count_mk,
                               .share_hot = r->share_hot,
                               .rows = r->rows,
                               .n_rows = r->out.n_rows};
    *done = true;
    if (info)
        vemt_logf(info,
                  "trends: %zu cells x %zu steps, %.0f events, %.0f %% of "
                  "bins empty\n",
                  vemt_cube_units(r->cube), vemt_cube_steps(r->cube),
                  vemt_cube_total(r->cube),
                  100 * vemt_cube_zero_share(r->cube));
    return VEMT_OK;
}
