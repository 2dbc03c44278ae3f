/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safeguard.c
 * @brief Locations of concern and patrol windows.
 */
#include "pipeline/safeguard.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/log.h"

void vemt_safeguard_clear(vemt_safeguard_result *r) {
    vemt_free(r->places);
    vemt_free(r->patrol);
    memset(r, 0, sizeof *r);
}

static int by_children(const void *a, const void *b) {
    const vemt_place_row *p = a, *q = b;
    if (p->n_children != q->n_children)
        return p->n_children < q->n_children ? 1 : -1;
    return (p->n_events < q->n_events) - (p->n_events > q->n_events);
}

/* Summarise one place's events (their indices in which[0..n)); its
 * children are counted by the engine's one rule (vemt_subjects_count:
 * events without a subject key are of unknown children, not counted).
 * VEMT_E_NOMEM. */
static vemt_status summarise(const vemt_events *ev, const size_t *which,
                             size_t n, vemt_subject_pair *keys,
                             vemt_place_row *p) {
    memset(p, 0, sizeof *p);
    size_t nk = 0;
    bool kinds[VEMT_KIND_END] = {false};
    for (size_t j = 0; j < n; j++) {
        const vemt_event *e = &ev->items[which[j]];
        p->x += e->x / (double)n;
        p->y += e->y / (double)n;
        int64_t end = e->end_utc >= e->start_utc ? e->end_utc : e->start_utc;
        if (!j || e->start_utc < p->first_utc) p->first_utc = e->start_utc;
        if (!j || end > p->last_utc) p->last_utc = end;
        kinds[e->kind] = true;
        keys[nk++] = (vemt_subject_pair){0, e->subject_key};
        const char *cat = vemt_events_text(ev, e->category);
        if (*cat && !strstr(p->categories, cat) &&
            strlen(p->categories) + strlen(cat) + 2 < sizeof p->categories)
            strcat(strcat(p->categories, p->categories[0] ? "," : ""), cat);
    }
    double children = 0;
    vemt_status st = vemt_subjects_count(keys, nk, &children, 1, NULL);
    p->n_children = (long)children;
    p->n_events = (long)n;
    for (int k = 0; k < VEMT_KIND_END; k++)
        if (kinds[k] && strlen(p->kinds) + 16 < sizeof p->kinds)
            strcat(strcat(p->kinds, p->kinds[0] ? "," : ""),
                   vemt_kind_str((vemt_kind)k));
    return st;
}

/* True when an event vemt_places_group() would group has a subject key:
 * children are counted from the keys alone (vemt_subjects_count), so
 * without one no place reaches --min-children (at least 1). */
static bool any_subject(const vemt_events *ev, unsigned kinds) {
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (e->located && (kinds & (1u << e->kind)) && e->subject_key[0])
            return true;
    }
    return false;
}

/* Events of each place, in place order: order[] holds event indices,
 * start[p] .. start[p + 1] those of place p. Every event of the kinds is
 * grouped, keyed or not: an event without a key still links two places
 * and counts in its place's events, kinds, categories and times. */
static vemt_status places_of_concern(const vemt_job *a, const vemt_events *ev,
                                     vemt_safeguard_result *r) {
    unsigned kinds = (1u << VEMT_KIND_FOUND_AT) | (1u << VEMT_KIND_INCIDENT);
    if (a->min_children >= 1 && !any_subject(ev, kinds)) {
        r->note =
            "locations of concern: not looked for: no located incident or "
            "found-at event has a subject key, so no place can be linked to "
            "children";
        return VEMT_OK;
    }
    size_t np = 0, *place = vemt_calloc(ev->n + 1, sizeof *place);
    if (!place) return VEMT_E_NOMEM;
    vemt_status st = vemt_places_group(ev, kinds, a->place_radius, place, &np);
    size_t *start = vemt_calloc(np + 2, sizeof *start),
           *order = vemt_calloc(ev->n + 1, sizeof *order);
    vemt_subject_pair *keys = vemt_calloc(ev->n + 1, sizeof *keys);
    r->places = vemt_calloc(np + 1, sizeof *r->places);
    if (!st && (!start || !order || !keys || !r->places)) st = VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ev->n; i++)
        if (place[i] != SIZE_MAX) start[place[i] + 2]++;
    for (size_t p = 0; !st && p < np; p++) start[p + 2] += start[p + 1];
    for (size_t i = 0; !st && i < ev->n; i++)
        if (place[i] != SIZE_MAX) order[start[place[i] + 1]++] = i;
    size_t kept = 0;
    for (size_t p = 0; !st && p < np; p++) {
        vemt_place_row row;
        st = summarise(ev, order + start[p], start[p + 1] - start[p], keys,
                       &row);
        if (!st && row.n_children >= a->min_children) r->places[kept++] = row;
    }
    if (kept) /* r->places is NULL when out of memory */
        qsort(r->places, kept, sizeof *r->places, by_children);
    r->out.places = r->places;
    r->out.n_places = kept;
    vemt_free(place), vemt_free(start), vemt_free(order), vemt_free(keys);
    return st;
}

static int by_per_week(const void *a, const void *b) {
    double x = ((const vemt_patrol_row *)a)->per_week;
    double y = ((const vemt_patrol_row *)b)->per_week;
    return (x < y) - (x > y);
}

static int by_cell_then_event(const void *a, const void *b) {
    const size_t *p = a, *q = b;
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;
    return (p[1] > q[1]) - (p[1] < q[1]);
}

/* The busiest patrol window of the n events which[] (a weekday x hour
 * profile, aoristic: vemt_week_profile) into p's times; false when none
 * of them is timed well enough. */
static bool best_window(const vemt_job *a, const vemt_events *ev,
                        const size_t *which, size_t n, double weeks,
                        vemt_patrol_row *p) {
    double prof[7 * 24], total = 0;
    size_t skipped;
    vemt_week_profile(ev, which, n, a->tz, prof, &skipped);
    for (int h = 0; h < 7 * 24; h++) total += prof[h];
    vemt_window_score best;
    vemt_best_windows(prof, a->patrol_hours, &best, 1);
    if (best.start_hour < 0 || total <= 0) return false;
    p->weekday = best.weekday;
    p->start_hour = best.start_hour % 24;
    p->end_hour = (best.start_hour + a->patrol_hours) % 24;
    p->per_week = best.weight / weeks;
    p->share = best.weight / total;
    p->n_window = best.weight;
    p->n_place = total; /* one weight in all per event known to the hour */
    p->hours = a->patrol_hours;
    return true;
}

/* The busiest window of each DBSCAN cluster, appended to *rows after
 * have rows (place: the cluster_id of the clusters layer's dbscan rows). */
static vemt_status cluster_windows(const vemt_job *a, const vemt_events *ev,
                                   const vemt_cluster_set *set, double weeks,
                                   vemt_patrol_row **rows, size_t have,
                                   size_t *added) {
    size_t k = set->clusters->n, *which = vemt_calloc(ev->n + 1, sizeof *which);
    vemt_patrol_row *grown =
        vemt_realloc(*rows, (have + k + 1) * sizeof **rows);
    if (grown) *rows = grown;
    if (!which || !grown) {
        vemt_free(which);
        return VEMT_E_NOMEM;
    }
    *added = 0;
    for (size_t c = 0; c < k; c++) {
        size_t m = 0;
        for (size_t i = 0; i < ev->n; i++)
            if (set->event_label[i] == (int32_t)c) which[m++] = i;
        vemt_patrol_row *p = &(*rows)[have + *added];
        if (!best_window(a, ev, which, m, weeks, p)) continue;
        snprintf(p->place_kind, sizeof p->place_kind, "dbscan cluster");
        snprintf(p->place, sizeof p->place, "%zu", c);
        ++*added;
    }
    vemt_free(which);
    return VEMT_OK;
}

/* The busiest window of each hot cell and DBSCAN cluster, ranked, the top
 * N kept. Events are located once and sorted by cell, so each hot cell
 * reads only its own. */
static vemt_status patrol_windows(const vemt_job *a, const vemt_events *ev,
                                  const vemt_units *g, const int8_t *bins,
                                  const vemt_cluster_set *clusters,
                                  vemt_safeguard_result *r) {
    size_t n = vemt_units_count(g), hot = 0, m = 0;
    size_t(*pairs)[2] = vemt_calloc(ev->n + 1, sizeof *pairs);
    size_t *which = vemt_calloc(ev->n + 1, sizeof *which);
    r->patrol = vemt_calloc(n + 1, sizeof *r->patrol);
    if (!pairs || !which || !r->patrol) {
        vemt_free(pairs), vemt_free(which);
        return VEMT_E_NOMEM;
    }
    int64_t t0 = INT64_MAX, t1 = INT64_MIN;
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        size_t cell;
        if (e->start_utc < t0) t0 = e->start_utc;
        if (e->start_utc > t1) t1 = e->start_utc;
        if (e->located && (a->kinds & (1u << e->kind)) &&
            vemt_units_locate(g, e->x, e->y, &cell) && bins[cell] >= 3)
            pairs[m][0] = cell, pairs[m++][1] = i;
    }
    qsort(pairs, m, sizeof *pairs, by_cell_then_event);
    double weeks = t1 > t0 ? (double)(t1 - t0) / (7 * 86400.0) : 1;
    for (size_t j = 0; j < m;) {
        size_t c = pairs[j][0], k = 0;
        for (; j < m && pairs[j][0] == c; j++) which[k++] = pairs[j][1];
        vemt_patrol_row *p = &r->patrol[hot];
        if (!best_window(a, ev, which, k, weeks, p)) continue;
        snprintf(p->place_kind, sizeof p->place_kind, "cell");
        vemt_units_id(g, c, p->place, sizeof p->place);
        hot++;
    }
    if (clusters) {
        size_t more = 0;
        vemt_status st =
            cluster_windows(a, ev, clusters, weeks, &r->patrol, hot, &more);
        if (st) {
            vemt_free(pairs), vemt_free(which);
            return st;
        }
        hot += more;
    }
    qsort(r->patrol, hot, sizeof *r->patrol, by_per_week);
    r->out.patrol = r->patrol;
    r->out.n_patrol = hot < (size_t)a->patrol_top ? hot : (size_t)a->patrol_top;
    vemt_free(pairs), vemt_free(which);
    return VEMT_OK;
}

vemt_status vemt_safeguard_run(const vemt_job *a, const vemt_events *events,
                               const vemt_units *grid, const int8_t *gi_bin,
                               const vemt_cluster_set *dbscan,
                               vemt_safeguard_result *r) {
    memset(r, 0, sizeof *r);
    vemt_status st = places_of_concern(a, events, r);
    if (!st) st = patrol_windows(a, events, grid, gi_bin, dbscan, r);
    return st;
}
