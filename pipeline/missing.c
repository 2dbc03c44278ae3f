/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file missing.c
 * @brief The missing-episode summary: per area (the study area and each
 * polygon unit) and time step, episodes, distinct and repeat children,
 * median duration, shares found out of area and looked after.
 */
#include "pipeline/missing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/log.h"

void vemt_missing_clear(vemt_missing_result *r) {
    vemt_free(r->rows);
    memset(r, 0, sizeof *r);
}

/* One episode: its missing_from event and, when known, its found_at. */
typedef struct episode {
    const vemt_event *from, *found;
    bool repeat; /* the child's repeat_episodes-th within repeat_days */
    size_t unit; /* polygon unit of the missing-from place, or SIZE_MAX */
} episode;

static int by_child_time(const void *p, const void *q) {
    const episode *a = p, *b = q;
    int c = strcmp(a->from->subject_key, b->from->subject_key);
    if (c) return c;
    return (a->from->start_utc > b->from->start_utc) -
           (a->from->start_utc < b->from->start_utc);
}

/* The reader writes an episode's found_at right after its missing_from. */
static size_t collect(const vemt_events *ev, const vemt_units *grid,
                      episode *eps) {
    size_t n = 0;
    bool areas = grid && vemt_units_polygons(grid);
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *a = &ev->items[i];
        if (a->kind != VEMT_KIND_MISSING_FROM) continue;
        const vemt_event *b = i + 1 < ev->n ? &ev->items[i + 1] : NULL;
        bool found = b && b->kind == VEMT_KIND_FOUND_AT &&
                     b->source == a->source && b->ref == a->ref;
        size_t u = SIZE_MAX;
        if (!areas || !a->located || !vemt_units_locate(grid, a->x, a->y, &u))
            u = SIZE_MAX;
        eps[n++] = (episode){a, found ? b : NULL, false, u};
    }
    return n;
}

/* A child with repeat_episodes episodes starting within repeat_days (the
 * episode itself the last of them) is a repeat child at that episode, the
 * Department for Education's "3 or more in 90 days" by default. Episodes
 * of unknown children are never repeats. */
static void flag_repeats(episode *eps, size_t n, long k, long days) {
    qsort(eps, n, sizeof *eps, by_child_time);
    int64_t span = (int64_t)days * 86400;
    for (size_t i = 0; i < n; i++) {
        if (!eps[i].from->subject_key[0] || i + 1 < (size_t)k) continue;
        const episode *first = &eps[i + 1 - (size_t)k];
        eps[i].repeat =
            !strcmp(first->from->subject_key, eps[i].from->subject_key) &&
            eps[i].from->start_utc - first->from->start_utc <= span;
    }
}

static int by_double(const void *p, const void *q) {
    double a = *(const double *)p, b = *(const double *)q;
    return (a > b) - (a < b);
}

/* Distinct children among n (group 0) into *out, by the engine's one rule
 * (vemt_subjects_count): episodes of unknown children (no subject key)
 * are not counted. VEMT_E_NOMEM. */
static vemt_status distinct(vemt_subject_pair *keys, size_t n, long *out) {
    double d = 0;
    vemt_status st = vemt_subjects_count(keys, n, &d, 1, NULL);
    *out = (long)d;
    return st;
}

/* The row of the episodes of unit (SIZE_MAX: all) starting in [s, e).
 * VEMT_E_NOMEM. */
static vemt_status summarise(const episode *eps, size_t n, size_t unit,
                             int64_t s, int64_t e, vemt_subject_pair *keys,
                             vemt_subject_pair *rkeys, double *dur,
                             vemt_missing_row *row) {
    size_t nk = 0, nr = 0, nd = 0;
    long found = 0, out = 0, known = 0, la = 0;
    for (size_t i = 0; i < n; i++) {
        const vemt_event *f = eps[i].from;
        if ((unit != SIZE_MAX && eps[i].unit != unit) || f->start_utc < s ||
            f->start_utc >= e)
            continue;
        keys[nk++] = (vemt_subject_pair){0, f->subject_key};
        if (eps[i].repeat) rkeys[nr++] = (vemt_subject_pair){0, f->subject_key};
        if (f->end_utc >= f->start_utc)
            dur[nd++] = (double)(f->end_utc - f->start_utc) / 3600.0;
        if (eps[i].found && eps[i].found->located) {
            found++;
            out += !eps[i].found->in_area;
        }
        known += f->looked_after != VEMT_UNKNOWN;
        la += f->looked_after == VEMT_YES;
    }
    row->episodes = (long)nk;
    vemt_status st = distinct(keys, nk, &row->children);
    if (!st) st = distinct(rkeys, nr, &row->repeat_children);
    qsort(dur, nd, sizeof *dur, by_double);
    row->median_duration_h = nd == 0 ? (double)NAN
                             : nd % 2 == 1
                                 ? dur[nd / 2]
                                 : (dur[nd / 2 - 1] + dur[nd / 2]) / 2;
    row->share_out_of_area = found ? (double)out / (double)found : (double)NAN;
    row->share_looked_after = known ? (double)la / (double)known : (double)NAN;
    return st;
}

vemt_status vemt_missing_run(const vemt_job *a, const vemt_events *events,
                             const vemt_units *grid, const vemt_cube *cube,
                             vemt_missing_result *r) {
    memset(r, 0, sizeof *r);
    size_t cap = events->n + 1;
    episode *eps = vemt_calloc(cap, sizeof *eps);
    vemt_subject_pair *keys = vemt_calloc(cap, sizeof *keys),
                      *rkeys = vemt_calloc(cap, sizeof *rkeys);
    double *dur = vemt_calloc(cap, sizeof *dur);
    vemt_status st = eps && keys && rkeys && dur ? VEMT_OK : VEMT_E_NOMEM;
    size_t n = st ? 0 : collect(events, grid, eps);
    /* Steps: the cube's, or the whole data window as one. */
    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        t0 = eps[i].from->start_utc < t0 ? eps[i].from->start_utc : t0;
        t1 = eps[i].from->start_utc > t1 ? eps[i].from->start_utc : t1;
    }
    size_t T = cube ? vemt_cube_steps(cube) : 1;
    size_t U = grid && vemt_units_polygons(grid) ? vemt_units_count(grid) : 0;
    if (!st && n > 0) {
        flag_repeats(eps, n, a->repeat_episodes, a->repeat_days);
        r->rows = vemt_calloc((U + 1) * T, sizeof *r->rows);
        if (!r->rows) st = VEMT_E_NOMEM;
    }
    for (size_t u = 0; !st && n > 0 && u <= U; u++) {
        for (size_t t = 0; !st && t < T; t++) {
            vemt_missing_row *row = &r->rows[r->n++];
            int64_t s = cube ? vemt_cube_step_start(cube, t) : t0;
            int64_t e = cube ? vemt_cube_step_end(cube, t) : t1 + 1;
            st = summarise(eps, n, u ? u - 1 : SIZE_MAX, s, e, keys, rkeys, dur,
                           row);
            row->area = u ? vemt_polygons_id(vemt_units_polygons(grid), u - 1)
                          : "study area";
            row->step_start_utc = s;
            row->step_end_utc = e - 1;
        }
    }
    vemt_free(eps), vemt_free(keys), vemt_free(rkeys), vemt_free(dur);
    return st;
}
