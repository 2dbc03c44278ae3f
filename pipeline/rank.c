/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file rank.c
 * @brief The one ranking of units: Gi* bin, then events, then id, on the
 * published values only.
 */
#include "pipeline/rank.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"

/* Longest id kept, as the tables write it (outputs/layers.c). */
#define ID_MAX 128

/* A unit's sort keys, taken from the published values only. */
typedef struct key {
    int bin;        /* gi_bin, or INT_MIN when withheld */
    double count;   /* the published count, or -INFINITY when withheld */
    const char *id; /* into the ids buffer */
    size_t unit;
} key;

static int by_rule(const void *a, const void *b) {
    const key *p = a, *q = b;
    if (p->bin != q->bin) return p->bin > q->bin ? -1 : 1;
    if (p->count != q->count) return p->count > q->count ? -1 : 1;
    int c = strcmp(p->id, q->id);
    if (c) return c;
    /* Two units never share an id; keep the sort total all the same. */
    return (p->unit > q->unit) - (p->unit < q->unit);
}

bool vemt_rank_is_hot(const int8_t *gi_bin, const uint8_t *bin_hidden,
                      size_t i) {
    return gi_bin && !(bin_hidden && bin_hidden[i]) && gi_bin[i] > 0;
}

vemt_status vemt_rank_units(const vemt_units *units, const int8_t *gi_bin,
                            const uint8_t *bin_hidden, const double *count,
                            size_t *order, size_t *rank) {
    size_t n = vemt_units_count(units), bytes = 0;
    char id[ID_MAX];
    for (size_t i = 0; i < n; i++) {
        vemt_units_id(units, i, id, sizeof id);
        bytes += strlen(id) + 1;
    }
    key *keys = vemt_calloc(n ? n : 1, sizeof *keys);
    char *ids = vemt_calloc(bytes ? bytes : 1, 1);
    if (!keys || !ids) {
        vemt_free(keys), vemt_free(ids);
        return VEMT_E_NOMEM;
    }
    char *next = ids;
    for (size_t i = 0; i < n; i++) {
        /* Only what is published decides a place. A withheld bin or count
         * takes a fixed place, whatever its true value: a withheld bin
         * after every published bin (-3 included), a withheld count after
         * every published count of its bin, the id deciding among them. A
         * withheld count placed by its true value (or a rounded count
         * split by its exact value) would let the order tell what the
         * table withholds; placed so, the rank is a function of the
         * published columns and tells nothing more. */
        if (!gi_bin)
            keys[i].bin = 0;
        else
            keys[i].bin = bin_hidden && bin_hidden[i] ? INT_MIN : gi_bin[i];
        keys[i].count = isnan(count[i]) ? -(double)INFINITY : count[i];
        vemt_units_id(units, i, id, sizeof id);
        size_t len = strlen(id) + 1;
        memcpy(next, id, len);
        keys[i].id = next;
        keys[i].unit = i;
        next += len;
    }
    qsort(keys, n, sizeof *keys, by_rule);
    for (size_t k = 0; k < n; k++) {
        if (order) order[k] = keys[k].unit;
        if (rank) rank[keys[k].unit] = k + 1;
    }
    vemt_free(keys), vemt_free(ids);
    return VEMT_OK;
}
