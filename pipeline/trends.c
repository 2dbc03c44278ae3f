/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file trends.c
 * @brief Space-time cube, emerging hot spot patterns and the trend table.
 */
#include "pipeline/trends.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"
#include "pipeline/log.h"
#include "pipeline/memory.h"

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

/* Each unit's pattern from its Gi* series. A NaN z (a step whose window
 * has no variance: Gi* undefined) is not significant for the bins, and is
 * left out of the Mann-Kendall tests. */
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
            z[t] = r->z[u * T + t];
            hot += bins[t] > 0;
        }
        r->pattern[u] = vemt_ehsa_classify(bins, z, T, 0.05);
        r->chainey[u] = chainey_of(r, u, T, &prm, scratch);
        /* The trends of the z series and of the counts analysed: events,
         * or distinct subjects (--count). */
        if (vemt_mann_kendall_min(z, T, VEMT_MK_MIN_STEPS, &r->mk[u]) ||
            vemt_mann_kendall_min(x + u * T, T, VEMT_MK_MIN_STEPS,
                                  &r->count_mk[u])) {
            vemt_free(bins), vemt_free(z), vemt_free(scratch);
            return VEMT_E_NOMEM;
        }
        r->share_hot[u] = (double)hot / (double)T;
    }
    vemt_free(bins), vemt_free(z), vemt_free(scratch);
    return VEMT_OK;
}

/* Integer counts of the events wholly inside one step, per step: of the
 * study area (grid NULL: the events vemt_cube_series counts, of one
 * category or all) or per unit of grid (the events the cube counts; out
 * has units x steps). Events spread over more than one step are left out
 * of the period comparisons (counted in *spread). */
static void whole_counts(const vemt_trend_result *r, const vemt_job *a,
                         const vemt_events *ev, uint32_t category,
                         const vemt_units *grid, double *out, size_t *spread) {
    size_t T = vemt_cube_steps(r->cube);
    size_t U = grid ? vemt_cube_units(r->cube) : 1;
    for (size_t i = 0; i < U * T; i++) out[i] = 0;
    *spread = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        size_t u = 0;
        if (grid ? !vemt_event_counted(e, a->kinds) ||
                       !vemt_units_locate(grid, e->x, e->y, &u)
                 : !(a->kinds & (1u << e->kind)) ||
                       (e->located && !e->in_area) || e->excluded ||
                       (category && e->category != category))
            continue;
        long t = vemt_cube_event_step(r->cube, e);
        if (t >= 0)
            out[u * T + (size_t)t] += 1;
        else if (t == VEMT_CUBE_SPANS)
            (*spread)++; /* those outside the window are not in the cube */
    }
}

/* Rates per day of two steps compared: the difference, and the exact
 * conditional test of two Poisson rates with the days as exposures. */
static void rate_change(const vemt_trend_row *now, const vemt_trend_row *then,
                        double wn, double wt, double *change, double *p) {
    *change = now->rate_per_day - then->rate_per_day;
    *p = vemt_poisson_rate_p(wn, now->days, wt, then->days);
}

/* The rows of one series n (events, then subjects; 2 x T) with its counts
 * wholly inside each step (whole): counts per step, changes of the rate
 * per day and the series' trends; seasons 12 for monthly steps (seasonal
 * Kendall test from 24 steps), else 0. Returns VEMT_E_NOMEM. */
static vemt_status put_series(vemt_trend_result *r, const double *n,
                              const double *whole, const char *area,
                              const char *name, size_t lag_year, size_t seasons,
                              size_t *row) {
    size_t T = vemt_cube_steps(r->cube);
    vemt_mk mk, sk;
    if (vemt_mann_kendall_min(n, T, VEMT_MK_MIN_STEPS, &mk))
        return VEMT_E_NOMEM;
    vemt_status st =
        seasons ? vemt_seasonal_kendall(n, T, seasons, &sk) : VEMT_E_ARG;
    if (st == VEMT_E_NOMEM) return st;
    if (st) sk.z = sk.p = sk.sen_slope = (double)NAN;
    vemt_trend_row *first = &r->rows[*row];
    for (size_t t = 0; t < T; t++) {
        vemt_trend_row *w = &r->rows[(*row)++];
        w->area = area;
        w->category = name;
        w->step_start_utc = vemt_cube_step_start(r->cube, t);
        w->step_end_utc = vemt_cube_step_end(r->cube, t);
        w->n_events = n[t];
        w->n_subjects = n[T + t];
        w->days = (double)vemt_cube_step_days(r->cube, t); /* calendar */
        w->rate_per_day = whole[t] / w->days;
        w->change_prev = w->change_prev_p = (double)NAN;
        if (t)
            rate_change(w, w - 1, whole[t], whole[t - 1], &w->change_prev,
                        &w->change_prev_p);
        w->change_year = w->change_year_p = (double)NAN;
        if (lag_year && t >= lag_year)
            rate_change(w, &first[t - lag_year], whole[t], whole[t - lag_year],
                        &w->change_year, &w->change_year_p);
        w->mk_z = mk.z;
        w->mk_p = mk.p;
        w->sen_slope = mk.sen_slope;
        w->mk_n = (double)mk.n;
        w->mk_note = mk.null_reason;
        w->sk_z = sk.z;
        w->sk_p = sk.p;
        w->sk_slope = sk.sen_slope;
    }
    return VEMT_OK;
}

static size_t seasons_of(const vemt_job *a) {
    return a->time_step == VEMT_STEP_MONTH ? 12 : 0;
}

/* One series of the whole study area (category 0: all). */
static vemt_status series_rows(vemt_trend_result *r, const vemt_job *a,
                               const vemt_events *ev, uint32_t category,
                               const char *name, size_t lag_year, size_t *row) {
    size_t T = vemt_cube_steps(r->cube), spread;
    double *n = vemt_calloc(3 * T, sizeof *n);
    if (!n) return VEMT_E_NOMEM;
    vemt_status st = vemt_cube_series(r->cube, ev, category, n, n + T);
    whole_counts(r, a, ev, category, NULL, n + 2 * T, &spread);
    if (!category) {
        r->out.n_spread = spread;
        r->out.n_whole = 0;
        for (size_t t = 0; t < T; t++) r->out.n_whole += (size_t)n[2 * T + t];
    }
    if (!st)
        st = put_series(r, n, n + 2 * T, "study area", name, lag_year,
                        seasons_of(a), row);
    vemt_free(n);
    return st;
}

/* With polygon units (--areas), each unit's series of all events: the
 * cube's own bins, so the table and hotspot_cube agree (and publish the
 * same suppressed values outside the restricted tier). */
static vemt_status unit_rows(vemt_trend_result *r, const vemt_job *a,
                             const vemt_units *grid, const vemt_events *ev,
                             size_t lag_year, size_t *row) {
    size_t U = vemt_cube_units(r->cube), T = vemt_cube_steps(r->cube), spread;
    const double *e = vemt_cube_events(r->cube),
                 *s = vemt_cube_subjects(r->cube);
    double *n = vemt_calloc(2 * T, sizeof *n),
           *whole = vemt_calloc(U * T + 1, sizeof *whole);
    r->unit_names = vemt_calloc(U ? U : 1, sizeof *r->unit_names);
    vemt_status st = n && whole && r->unit_names ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) whole_counts(r, a, ev, 0, grid, whole, &spread);
    for (size_t u = 0; !st && u < U; u++) {
        char id[256];
        vemt_units_id(grid, u, id, sizeof id);
        if (!(r->unit_names[u] = vemt_strdup(id))) {
            st = VEMT_E_NOMEM;
            break;
        }
        r->n_units++;
        memcpy(n, e + u * T, T * sizeof *n);
        memcpy(n + T, s + u * T, T * sizeof *n);
        st = put_series(r, n, whole + u * T, r->unit_names[u], "all", lag_year,
                        seasons_of(a), row);
    }
    vemt_free(n), vemt_free(whole);
    return st;
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
    vemt_status st = series_rows(r, a, ev, 0, "all", steps_per_year(a), &row);
    for (size_t k = 0; k < nc && !st; k++) {
        /* Copies: the events' text pool may move before outputs run. */
        r->categories[r->n_categories] =
            vemt_strdup(vemt_events_text(ev, cats[k]));
        if (!r->categories[r->n_categories]) return VEMT_E_NOMEM;
        st = series_rows(r, a, ev, cats[k], r->categories[r->n_categories++],
                         steps_per_year(a), &row);
    }
    r->n_area_rows = row;
    if (!st && units) st = unit_rows(r, a, grid, ev, steps_per_year(a), &row);
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
    /* Stop before the cube's units x steps arrays when they would not fit
     * (exit 2, saying what to change). */
    vemt_status st = vemt_memory_check_cube(ctx, a, grid, events);
    if (st) return st;
    st = vemt_cube_create(ctx, grid, events, &o, &r->cube);
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
                               .n_rows = r->out.n_rows,
                               .n_whole = r->out.n_whole,
                               .n_spread = r->out.n_spread};
    *done = true;
    if (info)
        vemt_logf(info,
                  "trends: %zu cells x %zu steps, %.0f events, %.0f %% of "
                  "bins empty\n",
                  vemt_cube_units(r->cube), vemt_cube_steps(r->cube),
                  vemt_cube_total(r->cube),
                  100 * vemt_cube_zero_share(r->cube));
    if (info)
        vemt_logf(info,
                  "trends: period comparisons use rates per day of the %zu "
                  "events wholly inside one step; %zu spread over more than "
                  "one step are left out of them\n",
                  r->out.n_whole, r->out.n_spread);
    return VEMT_OK;
}

static double seconds_since(clockid_t clock, struct timespec a) {
    struct timespec b;
    clock_gettime(clock, &b);
    return (double)(b.tv_sec - a.tv_sec) +
           (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void *trends_thread(void *arg) {
    vemt_trends_beside *b = arg;
    struct timespec w0, c0;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    b->st = vemt_trends_run(b->ctx, b->a, b->grid, b->w, b->events,
                            b->logs ? &b->log.cb : NULL, b->r, b->done);
    b->wall_s = seconds_since(CLOCK_MONOTONIC, w0);
    b->cpu_s = seconds_since(CLOCK_THREAD_CPUTIME_ID, c0);
    return NULL;
}

bool vemt_trends_start(vemt_trends_beside *b, const vemt_job *a,
                       const vemt_units *grid, const vemt_weights *w,
                       const vemt_events *events, const vemt_callbacks *info,
                       vemt_trend_result *r, bool *done) {
    *b = (vemt_trends_beside){.a = a,
                              .grid = grid,
                              .w = w,
                              .events = events,
                              .r = r,
                              .done = done,
                              .logs = info != NULL};
    memset(r, 0, sizeof *r);
    *done = false;
    if (vemt_ctx_create(a->seed, &b->ctx)) return false;
    vemt_ctx_set_threads(b->ctx, (unsigned)a->threads);
    /* No progress from this thread: the caller's callbacks are its own. */
    vemt_log_hold(&b->log, info, false);
    if (pthread_create(&b->thread, NULL, trends_thread, b) == 0) return true;
    vemt_ctx_destroy(b->ctx);
    b->ctx = NULL;
    return false;
}

vemt_status vemt_trends_join(vemt_trends_beside *b, vemt_ctx *ctx) {
    pthread_join(b->thread, NULL);
    vemt_log_release(&b->log);
    const vemt_error *e = vemt_ctx_error(b->ctx);
    if (b->st && ctx)
        vemt_ctx_fail(ctx, b->st, "%s",
                      e->code == b->st ? e->msg : vemt_status_str(b->st));
    vemt_ctx_destroy(b->ctx);
    b->ctx = NULL;
    return b->st;
}
