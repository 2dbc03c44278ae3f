/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file cube.c
 * @brief The space-time cube: grid cells x time steps, aoristic counts,
 * distinct subjects, and space-time Gi*.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

struct vemt_cube {
    size_t units, steps;
    int64_t *days;    /* steps + 1 first local dates of the steps */
    int64_t *edges;   /* steps + 1 step boundaries, seconds UTC */
    double *events;   /* units x steps, aoristic weights */
    double *subjects; /* units x steps, distinct subjects */
    double total;
    vemt_cube_opts opts;
};

void vemt_cube_destroy(vemt_cube *cube) {
    if (!cube) return;
    vemt_free(cube->days);
    vemt_free(cube->edges);
    vemt_free(cube->events);
    vemt_free(cube->subjects);
    vemt_free(cube);
}

size_t vemt_cube_units(const vemt_cube *c) { return c->units; }
size_t vemt_cube_steps(const vemt_cube *c) { return c->steps; }
int64_t vemt_cube_step_start(const vemt_cube *c, size_t t) {
    return c->edges[t];
}
int64_t vemt_cube_step_end(const vemt_cube *c, size_t t) {
    return c->edges[t + 1];
}
int64_t vemt_cube_step_first_day(const vemt_cube *c, size_t t) {
    return c->days[t];
}
int64_t vemt_cube_step_days(const vemt_cube *c, size_t t) {
    return c->days[t + 1] - c->days[t];
}

void vemt_cube_step_label(const vemt_cube *c, size_t t, char *buf,
                          size_t size) {
    int y, m, d;
    int64_t day = c->days[t];
    if (c->opts.unit == VEMT_STEP_WEEK) {
        /* ISO 8601: the week belongs to the year of its Thursday. */
        vemt_civil_from_days(day + 3, &y, &m, &d);
        int64_t jan4 = vemt_days_from_civil(y, 1, 4);
        int64_t week1 = jan4 - ((jan4 + 3) % 7 + 7) % 7;
        snprintf(buf, size, "%04d-W%02d", y, (int)((day - week1) / 7 + 1));
        return;
    }
    vemt_civil_from_days(day, &y, &m, &d);
    if (c->opts.unit == VEMT_STEP_MONTH)
        snprintf(buf, size, "%04d-%02d", y, m);
    else
        snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

const double *vemt_cube_events(const vemt_cube *c) { return c->events; }
const double *vemt_cube_subjects(const vemt_cube *c) { return c->subjects; }
double vemt_cube_total(const vemt_cube *c) { return c->total; }

double vemt_cube_zero_share(const vemt_cube *c) {
    size_t n = c->units * c->steps, z = 0;
    for (size_t i = 0; i < n; i++) z += c->events[i] == 0;
    return n ? (double)z / (double)n : 0;
}

/* The first local date of the step holding local date day. */
static int64_t step_floor(const vemt_cube_opts *o, int64_t day) {
    if (o->unit == VEMT_STEP_MONTH) {
        int y, m, d;
        vemt_civil_from_days(day, &y, &m, &d);
        return vemt_days_from_civil(y, m, 1);
    }
    if (o->unit == VEMT_STEP_WEEK) /* ISO weeks: 1969-12-29 was a Monday */
        return day - (((day + 3) % 7) + 7) % 7;
    return day;
}

static int64_t step_next(const vemt_cube_opts *o, int64_t first) {
    if (o->unit == VEMT_STEP_MONTH) {
        int y, m, d;
        vemt_civil_from_days(first, &y, &m, &d);
        return vemt_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1,
                                    1);
    }
    return first + (o->unit == VEMT_STEP_WEEK ? 7 : o->n_days);
}

static bool counted(const vemt_event *ev, unsigned kinds) {
    return vemt_event_counted(ev, kinds);
}

static int64_t event_end(const vemt_event *ev) {
    return ev->end_utc >= ev->start_utc ? ev->end_utc : ev->start_utc;
}

/* A day- or month-precision event is a label: the local dates it names in
 * the zone it was read in, whatever the analysis zone. */
static bool is_label(const vemt_event *ev) {
    return ev->precision >= VEMT_PREC_DAY;
}

/* The first and last local dates of an event by the time-gap rule
 * (vemt_event_date): its labels, or the analysis zone's dates of its first
 * and last instants. */
static void event_days(const vemt_cube_opts *o, const vemt_event *ev,
                       int64_t *first, int64_t *last) {
    *first =
        vemt_event_date(o->zone, o->input_zone, ev->start_utc, ev->precision);
    *last =
        vemt_event_date(o->zone, o->input_zone, event_end(ev), ev->precision);
}

/* Steps from the clip window or the counted events' dates: calendar
 * periods of the analysis zone, bounded by its local midnights. */
static vemt_status make_edges(vemt_cube *c, const vemt_events *events) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        if (!counted(ev, c->opts.kinds)) continue;
        int64_t a, b;
        event_days(&c->opts, ev, &a, &b);
        if (a < lo) lo = a;
        if (b > hi) hi = b;
    }
    if (c->opts.start_utc) lo = vemt_tz_date(c->opts.zone, c->opts.start_utc);
    if (c->opts.end_utc) hi = vemt_tz_date(c->opts.zone, c->opts.end_utc - 1);
    if (lo > hi) return VEMT_E_ARG;
    int64_t first = step_floor(&c->opts, lo);
    size_t cap = 0;
    for (int64_t d = first; d <= hi; d = step_next(&c->opts, d)) {
        if (vemt_grow((void **)&c->days, &cap, c->steps + 2, sizeof *c->days))
            return VEMT_E_NOMEM;
        c->days[c->steps++] = d;
        if (c->steps > 100000) return VEMT_E_ARG;
    }
    c->days[c->steps] = step_next(&c->opts, c->days[c->steps - 1]);
    c->edges = vemt_calloc(c->steps + 1, sizeof *c->edges);
    if (!c->edges) return VEMT_E_NOMEM;
    for (size_t t = 0; t <= c->steps; t++)
        c->edges[t] = vemt_tz_day_start(c->opts.zone, c->days[t]);
    return VEMT_OK;
}

/* Index of the step holding v in the ascending bounds b[0..steps], or -1
 * outside them (binary search). */
static long find_step(const int64_t *b, size_t steps, int64_t v) {
    if (v < b[0] || v >= b[steps]) return -1;
    size_t lo = 0, hi = steps;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (b[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo;
}

/* A (bin, subject) pair, for counting distinct subjects by the one rule
 * of engine/subjects.c (exact keys; events without a key unknown). */
typedef vemt_subject_pair presence;

long vemt_cube_event_step(const vemt_cube *c, const vemt_event *ev) {
    const int64_t *b = c->edges;
    int64_t s = ev->start_utc, e = event_end(ev);
    if (is_label(ev)) {
        b = c->days;
        event_days(&c->opts, ev, &s, &e);
    }
    if (e < b[0] || s >= b[c->steps]) return VEMT_CUBE_OUTSIDE;
    long first = find_step(b, c->steps, s), last = find_step(b, c->steps, e);
    return first >= 0 && first == last ? first : VEMT_CUBE_SPANS;
}

/* Add weight w of an event to bin (unit, t) and note its subject. */
static vemt_status add_weight(vemt_cube *c, const vemt_event *ev, size_t unit,
                              long t, double w, presence **seen, size_t *n_seen,
                              size_t *cap) {
    if (w <= 0) return VEMT_OK;
    size_t bin = unit * c->steps + (size_t)t;
    c->events[bin] += w;
    c->total += w;
    if (vemt_grow((void **)seen, cap, *n_seen + 1, sizeof **seen))
        return VEMT_E_NOMEM;
    (*seen)[(*n_seen)++] = (presence){bin, ev->subject_key};
    return VEMT_OK;
}

/* Spread one event over the steps its time range overlaps (aoristic
 * weighting, Ratcliffe 2002, "Aoristic signatures and the spatio-temporal
 * analysis of high volume crime patterns", J. Quant. Criminol. 18(1):23-43,
 * doi:10.1023/A:1013240828824), or count it at its start. A label event
 * (a date or a month) is spread over its calendar days, each day whole in
 * one step, so an event that lies wholly inside a step counts 1 there; an
 * exact range is spread over the seconds it overlaps. The part of a range
 * outside the cube's window is not counted. */
static vemt_status add_event(vemt_cube *c, const vemt_event *ev, size_t unit,
                             presence **seen, size_t *n_seen, size_t *cap) {
    if (is_label(ev)) {
        int64_t d0, d1;
        event_days(&c->opts, ev, &d0, &d1);
        if (c->opts.at_start) d1 = d0;
        double n = (double)(d1 - d0 + 1);
        int64_t a = d0 > c->days[0] ? d0 : c->days[0];
        int64_t b = d1 < c->days[c->steps] - 1 ? d1 : c->days[c->steps] - 1;
        if (a > b) return VEMT_OK;
        long first = find_step(c->days, c->steps, a);
        long last = find_step(c->days, c->steps, b);
        for (long t = first; t <= last; t++) {
            int64_t x = a > c->days[t] ? a : c->days[t];
            int64_t y = b < c->days[t + 1] - 1 ? b : c->days[t + 1] - 1;
            vemt_status st = add_weight(c, ev, unit, t, (double)(y - x + 1) / n,
                                        seen, n_seen, cap);
            if (st) return st;
        }
        return VEMT_OK;
    }
    int64_t s = ev->start_utc, e = event_end(ev) + 1;
    if (c->opts.at_start || e - s <= 1) {
        long t = find_step(c->edges, c->steps, s);
        return t < 0 ? VEMT_OK
                     : add_weight(c, ev, unit, t, 1.0, seen, n_seen, cap);
    }
    int64_t a = s > c->edges[0] ? s : c->edges[0];
    int64_t b = e < c->edges[c->steps] ? e : c->edges[c->steps];
    if (a >= b) return VEMT_OK;
    long first = find_step(c->edges, c->steps, a);
    long last = find_step(c->edges, c->steps, b - 1);
    for (long t = first; t <= last; t++) {
        int64_t x = s > c->edges[t] ? s : c->edges[t];
        int64_t y = e < c->edges[t + 1] ? e : c->edges[t + 1];
        vemt_status st =
            add_weight(c, ev, unit, t, (double)(y - x) / (double)(e - s), seen,
                       n_seen, cap);
        if (st) return st;
    }
    return VEMT_OK;
}

/* Distinct subjects per bin from the (bin, subject) pairs. */
static vemt_status count_subjects(vemt_cube *c, presence *seen, size_t n) {
    return vemt_subjects_count(seen, n, c->subjects, c->units * c->steps, NULL);
}

static vemt_status fill(vemt_cube *c, const vemt_units *units,
                        const vemt_events *events) {
    presence *seen = NULL;
    size_t n_seen = 0, cap = 0;
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < events->n && !st; i++) {
        const vemt_event *ev = &events->items[i];
        size_t unit;
        if (!counted(ev, c->opts.kinds) ||
            !vemt_units_locate(units, ev->x, ev->y, &unit))
            continue;
        st = add_event(c, ev, unit, &seen, &n_seen, &cap);
    }
    if (!st) st = count_subjects(c, seen, n_seen);
    vemt_free(seen);
    return st;
}

/* True when ev counts in a whole-area series of the cube's kinds (and of
 * category, unless 0): located-nowhere events count in trends; those
 * located outside the study area do not. */
static bool in_series(const vemt_cube_opts *o, const vemt_event *ev,
                      uint32_t category) {
    return (o->kinds & (1u << ev->kind)) && !(ev->located && !ev->in_area) &&
           !ev->excluded && (!category || ev->category == category);
}

vemt_status vemt_cube_create(vemt_ctx *ctx, const vemt_units *units,
                             const vemt_events *events,
                             const vemt_cube_opts *opts, vemt_cube **out) {
    *out = NULL;
    if (opts->unit == VEMT_STEP_DAYS && opts->n_days < 1)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "time step of %d days",
                             opts->n_days);
    if (opts->unit != VEMT_STEP_MONTH && !opts->spread_months) {
        size_t months = 0, n = 0;
        for (size_t i = 0; i < events->n; i++) {
            if (!in_series(opts, &events->items[i], 0)) continue;
            n++;
            months += events->items[i].precision == VEMT_PREC_MONTH;
        }
        if (months)
            return vemt_ctx_fail(
                ctx, VEMT_E_OPTION,
                "%zu of %zu events give only a month (as police.uk does): %s "
                "steps would have to spread them over their month. Use "
                "--time-step month, or --spread-months to spread them evenly "
                "over its days (the report then says so)",
                months, n, opts->unit == VEMT_STEP_WEEK ? "weekly" : "daily");
    }
    vemt_cube *c = vemt_calloc(1, sizeof *c);
    if (!c) return VEMT_E_NOMEM;
    c->opts = *opts;
    c->units = vemt_units_count(units);
    vemt_status st = make_edges(c, events);
    if (st == VEMT_E_ARG)
        vemt_ctx_fail(ctx, VEMT_E_ARG, "no events in the cube's time window");
    if (!st) {
        c->events = vemt_calloc(c->units * c->steps, sizeof *c->events);
        c->subjects = vemt_calloc(c->units * c->steps, sizeof *c->subjects);
        st = c->events && c->subjects ? fill(c, units, events) : VEMT_E_NOMEM;
    }
    if (!st && (c->total < 60 || c->steps < 10))
        st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                           "too little data for trends: %.0f events in %zu "
                           "time steps (at least 60 events and 10 steps)",
                           c->total, c->steps);
    if (st) {
        vemt_cube_destroy(c);
        return st;
    }
    *out = c;
    return VEMT_OK;
}

/* Per-step sums of x and x^2 over all units. */
static void step_sums(const vemt_cube *c, const double *x, double *sum,
                      double *sq) {
    for (size_t t = 0; t < c->steps; t++) sum[t] = sq[t] = 0;
    for (size_t u = 0; u < c->units; u++)
        for (size_t t = 0; t < c->steps; t++) {
            double v = x[u * c->steps + t];
            sum[t] += v;
            sq[t] += v * v;
        }
}

/* Mean and standard deviation of the reference bins of step t: the whole
 * cube, steps t-k..t, or step t alone (Esri's global window). */
static void window_stats(const vemt_cube *c, const double *sum,
                         const double *sq, size_t t, double *mean, double *sd,
                         double *n) {
    size_t a = 0, b = c->steps - 1, k = (size_t)c->opts.time_lag;
    if (c->opts.window == VEMT_WINDOW_INDIVIDUAL) a = b = t;
    if (c->opts.window == VEMT_WINDOW_NEIGHBOURHOOD) {
        b = t;
        a = t >= k ? t - k : 0;
    }
    double s = 0, q = 0;
    for (size_t j = a; j <= b; j++) s += sum[j], q += sq[j];
    *n = (double)(c->units * (b - a + 1));
    *mean = s / *n;
    double var = q / *n - *mean * *mean;
    *sd = var > 0 ? sqrt(var) : 0;
}

/* Space-time Gi* (Ord & Getis 1995 eq. 12 over the space-time
 * neighbourhood, as Esri's Emerging Hot Spot Analysis applies it): the
 * neighbours of bin (i, t) are the spatial neighbours of i (self included)
 * in steps t-k..t; the mean and variance come from the global window. */
vemt_status vemt_cube_gistar(vemt_ctx *ctx, const vemt_cube *c,
                             const vemt_weights *w, bool fdr, double *z,
                             double *p, int8_t *bins) {
    if (vemt_weights_n(w) != c->units)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "weights for %zu units, cube has %zu",
                             vemt_weights_n(w), c->units);
    const double *x = c->opts.subjects ? c->subjects : c->events;
    size_t T = c->steps, k = c->opts.window == VEMT_WINDOW_INDIVIDUAL
                                 ? 0
                                 : (size_t)c->opts.time_lag;
    double *sum = vemt_calloc(2 * T, sizeof *sum);
    if (!sum) return VEMT_E_NOMEM;
    step_sums(c, x, sum, sum + T);
    for (size_t t = 0; t < T; t++) {
        double mean, sd, n;
        window_stats(c, sum, sum + T, t, &mean, &sd, &n);
        size_t t0 = t >= k ? t - k : 0;
        for (size_t i = 0; i < c->units; i++) {
            const size_t *nb;
            size_t deg;
            vemt_weights_neighbours(w, i, &nb, &deg);
            double lag = 0, wi = (double)(deg * (t - t0 + 1));
            for (size_t m = 0; m < deg; m++)
                for (size_t s = t0; s <= t; s++) lag += x[nb[m] * T + s];
            double den = sd * sqrt((n * wi - wi * wi) / (n - 1));
            size_t b = i * T + t;
            z[b] = den > 0 ? (lag - mean * wi) / den : (double)NAN;
            p[b] =
                den > 0 ? 2.0 * gsl_cdf_ugaussian_Q(fabs(z[b])) : (double)NAN;
        }
    }
    vemt_free(sum);
    return vemt_significance_bins(z, p, c->units * T, fdr, bins);
}

vemt_status vemt_cube_series(const vemt_cube *c, const vemt_events *events,
                             uint32_t category, double *n_events,
                             double *n_subjects) {
    presence *seen = NULL;
    size_t n_seen = 0, cap = 0;
    vemt_status st = VEMT_OK;
    /* A pseudo-cube of one unit with the same steps and settings. */
    vemt_cube one = *c;
    one.units = 1;
    one.events = n_events;
    one.subjects = n_subjects;
    one.total = 0;
    for (size_t t = 0; t < c->steps; t++) n_events[t] = n_subjects[t] = 0;
    for (size_t i = 0; i < events->n && !st; i++) {
        const vemt_event *ev = &events->items[i];
        if (!in_series(&c->opts, ev, category)) continue;
        st = add_event(&one, ev, 0, &seen, &n_seen, &cap);
    }
    if (!st) st = count_subjects(&one, seen, n_seen);
    vemt_free(seen);
    return st;
}
