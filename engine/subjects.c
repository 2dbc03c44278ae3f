/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file subjects.c
 * @brief The one counter of distinct subjects (children, victims) per
 * group (a cell, a bin, a cluster, a place, a row), used by every analysis
 * that counts them.
 *
 * The rule: two events are of one subject exactly when their subject keys
 * (the keyed pseudonyms of vemt_event.subject_key) are equal byte for byte,
 * compared with strcmp (no hash, so two different keys are never taken for
 * one). An event without a key ("") is of an unknown subject: it is left
 * out of every count of distinct subjects and children, and counted as
 * unknown so the report can say how many there were.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static int by_group_key(const void *a, const void *b) {
    const vemt_subject_pair *p = a, *q = b;
    if (p->group != q->group) return p->group < q->group ? -1 : 1;
    return strcmp(p->key, q->key);
}

vemt_status vemt_subjects_count(vemt_subject_pair *pairs, size_t n,
                                double *counts, size_t n_groups,
                                size_t *n_unknown) {
    size_t m = 0, unknown = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].group >= n_groups) return VEMT_E_ARG;
        if (!pairs[i].key || !pairs[i].key[0])
            unknown++;
        else
            pairs[m++] = pairs[i];
    }
    /* Sorted by (group, key): each group's equal keys are adjacent, so
     * the distinct ones are counted in one pass, O(n log n) in all. */
    if (m > 1) qsort(pairs, m, sizeof *pairs, by_group_key);
    for (size_t i = 0; i < m; i++)
        if (i == 0 || pairs[i].group != pairs[i - 1].group ||
            strcmp(pairs[i].key, pairs[i - 1].key))
            counts[pairs[i].group] += 1;
    if (n_unknown) *n_unknown = unknown;
    return VEMT_OK;
}

/* Keys in order with "" first: the keyless events of a group are then
 * one run, one subject. */
vemt_status vemt_subjects_top(vemt_subject_pair *pairs, size_t n,
                              size_t n_groups, double *subjects, double *top) {
    for (size_t g = 0; g < n_groups; g++) subjects[g] = top[g] = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].group >= n_groups) return VEMT_E_ARG;
        if (!pairs[i].key) pairs[i].key = "";
    }
    if (n > 1) qsort(pairs, n, sizeof *pairs, by_group_key);
    for (size_t i = 0, run = 0; i < n; i++) {
        size_t g = pairs[i].group;
        bool same = i > 0 && pairs[i - 1].group == g &&
                    !strcmp(pairs[i].key, pairs[i - 1].key);
        run = same ? run + 1 : 1;
        if (!same) subjects[g] += 1;
        if ((double)run > top[g]) top[g] = (double)run;
    }
    return VEMT_OK;
}

size_t vemt_subjects_unknown(const vemt_events *events, unsigned kinds) {
    size_t n = 0;
    for (size_t i = 0; i < events->n; i++)
        n += (kinds & (1u << events->items[i].kind)) &&
             !events->items[i].subject_key[0];
    return n;
}
