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
 *
 * The count is linear: each distinct key gets a number (a hash table finds
 * a key's earlier twin, strcmp confirms it, so the hash only speeds the
 * search and never decides equality), the pairs are put in group order by
 * a counting sort, and each group's numbers are marked off as seen (the
 * sort of the pairs by their strings it replaces took 20 s on 10M pairs).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/engine.h"

/* The linear count's memory: each pair's key number, the pairs in group
 * order, and per key the group that last saw it and its events there. */
typedef struct keyed {
    uint32_t *id, *order, *seen_in, *events;
    size_t *first; /* first[g]: where group g starts in order; n_groups + 1 */
} keyed;

static void keyed_free(keyed *k) {
    vemt_free(k->id), vemt_free(k->order), vemt_free(k->seen_in);
    vemt_free(k->events), vemt_free(k->first);
}

/* 64-bit FNV-1a (Fowler, Noll & Vo). */
static uint64_t hash_key(const char *s) {
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return h;
}

/* Number the distinct keys of pairs (NULL as ""), put the pairs in group
 * order and make room to mark keys off. False when memory runs out (n and
 * n_groups past 32 bits count as that: 4 billion events do not fit). */
static bool key_numbers(const vemt_subject_pair *pairs, size_t n,
                        size_t n_groups, keyed *k) {
    *k = (keyed){0};
    if (n >= UINT32_MAX || n_groups >= UINT32_MAX) return false;
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    uint32_t *table = vemt_calloc(cap, sizeof *table); /* pair + 1, 0: none */
    k->id = vemt_malloc((n ? n : 1) * sizeof *k->id);
    k->order = vemt_malloc((n ? n : 1) * sizeof *k->order);
    k->first = vemt_calloc(n_groups + 1, sizeof *k->first);
    if (!table || !k->id || !k->order || !k->first) {
        vemt_free(table);
        keyed_free(k);
        return false;
    }
    uint32_t keys = 0;
    uint32_t *number = k->order; /* a pair's key number, by its first pair */
    for (size_t i = 0; i < n; i++) {
        const char *key = pairs[i].key ? pairs[i].key : "";
        size_t at = (size_t)hash_key(key) & (cap - 1);
        for (;; at = (at + 1) & (cap - 1)) {
            uint32_t j = table[at];
            if (j == 0) {
                table[at] = (uint32_t)i + 1;
                number[i] = keys;
                k->id[i] = keys++;
                break;
            }
            const char *other = pairs[j - 1].key ? pairs[j - 1].key : "";
            if (!strcmp(other, key)) {
                k->id[i] = number[j - 1];
                break;
            }
        }
    }
    vemt_free(table);
    /* Counting sort by group (stable). */
    for (size_t i = 0; i < n; i++) k->first[pairs[i].group + 1]++;
    for (size_t g = 0; g < n_groups; g++) k->first[g + 1] += k->first[g];
    size_t *next = vemt_malloc((n_groups ? n_groups : 1) * sizeof *next);
    k->seen_in = vemt_malloc((keys ? keys : 1) * sizeof *k->seen_in);
    k->events = vemt_malloc((keys ? keys : 1) * sizeof *k->events);
    if (!next || !k->seen_in || !k->events) {
        vemt_free(next);
        keyed_free(k);
        return false;
    }
    memcpy(next, k->first, n_groups * sizeof *next);
    for (size_t i = 0; i < n; i++)
        k->order[next[pairs[i].group]++] = (uint32_t)i;
    vemt_free(next);
    for (uint32_t j = 0; j < keys; j++) k->seen_in[j] = UINT32_MAX;
    return true;
}

/* Group g's distinct keys into subjects and its largest key's events
 * into top (either may be NULL); keyless pairs skipped when skip_empty. */
static void count_group(const vemt_subject_pair *pairs, keyed *k, size_t g,
                        bool skip_empty, double *subjects, double *top) {
    double distinct = 0, most = 0;
    for (size_t at = k->first[g]; at < k->first[g + 1]; at++) {
        uint32_t i = k->order[at], key = k->id[i];
        if (skip_empty && (!pairs[i].key || !pairs[i].key[0])) continue;
        if (k->seen_in[key] != (uint32_t)g) {
            k->seen_in[key] = (uint32_t)g;
            k->events[key] = 0;
            distinct += 1;
        }
        if (++k->events[key] > most) most = k->events[key];
    }
    if (subjects) subjects[g] += distinct;
    if (top) top[g] = most;
}

vemt_status vemt_subjects_count(vemt_subject_pair *pairs, size_t n,
                                double *counts, size_t n_groups,
                                size_t *n_unknown) {
    size_t unknown = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].group >= n_groups) return VEMT_E_ARG;
        unknown += !pairs[i].key || !pairs[i].key[0];
    }
    if (n_unknown) *n_unknown = unknown;
    keyed k;
    if (!key_numbers(pairs, n, n_groups, &k)) return VEMT_E_NOMEM;
    for (size_t g = 0; g < n_groups; g++)
        count_group(pairs, &k, g, true, counts, NULL);
    keyed_free(&k);
    return VEMT_OK;
}

/* The keyless events of a group all have the key "": one subject. */
vemt_status vemt_subjects_top(vemt_subject_pair *pairs, size_t n,
                              size_t n_groups, double *subjects, double *top) {
    for (size_t g = 0; g < n_groups; g++) subjects[g] = top[g] = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[i].group >= n_groups) return VEMT_E_ARG;
        if (!pairs[i].key) pairs[i].key = "";
    }
    keyed k;
    if (!key_numbers(pairs, n, n_groups, &k)) return VEMT_E_NOMEM;
    for (size_t g = 0; g < n_groups; g++)
        count_group(pairs, &k, g, false, subjects, top);
    keyed_free(&k);
    return VEMT_OK;
}

size_t vemt_subjects_unknown(const vemt_events *events, unsigned kinds) {
    size_t n = 0;
    for (size_t i = 0; i < events->n; i++)
        n += (kinds & (1u << events->items[i].kind)) &&
             !events->items[i].subject_key[0];
    return n;
}
