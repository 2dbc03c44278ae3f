/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file merge.c
 * @brief Cross-source duplicates: the same incident exported by two
 * agencies.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

typedef struct keyed {
    const vemt_event *ev;
    size_t index;
} keyed;

/* Order by subject, then start time, then input order. */
static int by_subject_time(const void *a, const void *b) {
    const keyed *p = a, *q = b;
    int c = strcmp(p->ev->subject_key, q->ev->subject_key);
    if (c) return c;
    if (p->ev->start_utc != q->ev->start_utc)
        return p->ev->start_utc < q->ev->start_utc ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

/* Is b a duplicate of a under the rule? Different sources, both located
 * incidents of the same subject, within max_m and max_s. */
static bool duplicate(const vemt_event *a, const vemt_event *b, double max_m,
                      double max_s, double *d, double *s) {
    *d = hypot(a->x - b->x, a->y - b->y);
    *s = fabs((double)(b->start_utc - a->start_utc));
    return a->source != b->source && b->located && *d <= max_m && *s <= max_s;
}

/* The rule, in the order a reader can check it: for each subject, events
 * in time order; an event merges into the earliest kept event of another
 * source within max_s before it and max_m of it. Merged events are marked
 * in drop[] and counted in *merged. Returns VEMT_E_NOMEM. */
static vemt_status mark(keyed *k, size_t n, bool *drop, vemt_source *sources,
                        vemt_merges *merges, double max_m, double max_s,
                        size_t *merged) {
    for (size_t i = 1; i < n; i++) {
        const vemt_event *b = k[i].ev;
        for (size_t j = i; j-- > 0;) {
            const vemt_event *a = k[j].ev;
            double d, s;
            if (strcmp(a->subject_key, b->subject_key) ||
                (double)(b->start_utc - a->start_utc) > max_s)
                break;
            if (drop[k[j].index] || !duplicate(a, b, max_m, max_s, &d, &s))
                continue;
            vemt_merge m = {a->source,
                            a->source_row,
                            b->source,
                            b->source_row,
                            "same subject from another source within the "
                            "merge distance and time",
                            d,
                            s};
            if (vemt_merges_push(merges, &m)) return VEMT_E_NOMEM;
            drop[k[i].index] = true;
            sources[b->source].n_used--;
            sources[b->source].n_merged++;
            sources[b->source].n_events--;
            (*merged)++;
            break;
        }
    }
    return VEMT_OK;
}

vemt_status vemt_ingest_merge_across(vemt_events *events, vemt_source *sources,
                                     vemt_merges *merges, double max_m,
                                     double max_s, size_t *merged) {
    size_t n = 0;
    *merged = 0;
    keyed *k = vemt_calloc(events->n, sizeof *k);
    bool *drop = vemt_calloc(events->n, sizeof *drop);
    if (!k || !drop) {
        vemt_free(k);
        vemt_free(drop);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *ev = &events->items[i];
        if (ev->kind == VEMT_KIND_INCIDENT && ev->located && ev->subject_key[0])
            k[n++] = (keyed){ev, i};
    }
    qsort(k, n, sizeof *k, by_subject_time);
    vemt_status st = mark(k, n, drop, sources, merges, max_m, max_s, merged);
    size_t w = 0;
    for (size_t i = 0; !st && i < events->n; i++)
        if (!drop[i]) events->items[w++] = events->items[i];
    if (!st) events->n = w;
    vemt_free(k);
    vemt_free(drop);
    return st;
}
