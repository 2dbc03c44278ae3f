/** @file idset.c
 * @brief Open-addressing hash set of identifiers (FNV-1a, linear probing).
 */
#include "ingest/idset.h"

#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"

typedef struct slot {
    uint64_t hash;
    uint64_t tag;
    char *id; /* NULL: empty slot */
    long row;
} slot;

struct vemt_idset {
    slot *slots;
    size_t cap; /* power of two */
    size_t n;
};

uint64_t vemt_fnv1a(uint64_t h, const char *s) {
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

vemt_status vemt_idset_create(vemt_idset **out) {
    *out = NULL;
    vemt_idset *set = vemt_calloc(1, sizeof *set);
    if (!set) return VEMT_E_NOMEM;
    set->cap = 1024;
    set->slots = vemt_calloc(set->cap, sizeof *set->slots);
    if (!set->slots) {
        vemt_free(set);
        return VEMT_E_NOMEM;
    }
    *out = set;
    return VEMT_OK;
}

void vemt_idset_destroy(vemt_idset *set) {
    if (!set) return;
    for (size_t i = 0; i < set->cap; i++) vemt_free(set->slots[i].id);
    vemt_free(set->slots);
    vemt_free(set);
}

static slot *probe(const slot *slots, size_t cap, uint64_t h, const char *id) {
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].id || (slots[i].hash == h && !strcmp(slots[i].id, id)))
            return (slot *)&slots[i];
}

static vemt_status rehash(vemt_idset *set) {
    size_t cap = set->cap * 2;
    slot *slots = vemt_calloc(cap, sizeof *slots);
    if (!slots) return VEMT_E_NOMEM;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i].id)
            *probe(slots, cap, set->slots[i].hash, set->slots[i].id) =
                set->slots[i];
    vemt_free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return VEMT_OK;
}

vemt_status vemt_idset_add(vemt_idset *set, const char *id, long row,
                           uint64_t tag, long *first_row, uint64_t *first_tag) {
    *first_row = 0;
    if ((set->n + 1) * 2 > set->cap && rehash(set)) return VEMT_E_NOMEM;
    uint64_t h = vemt_fnv1a(VEMT_FNV_OFFSET, id);
    slot *s = probe(set->slots, set->cap, h, id);
    if (s->id) {
        *first_row = s->row;
        *first_tag = s->tag;
        return VEMT_OK;
    }
    if (!(s->id = vemt_strdup(id))) return VEMT_E_NOMEM;
    s->hash = h;
    s->tag = tag;
    s->row = row;
    set->n++;
    return VEMT_OK;
}

bool vemt_idset_find(const vemt_idset *set, const char *id, long *row) {
    const slot *s =
        probe(set->slots, set->cap, vemt_fnv1a(VEMT_FNV_OFFSET, id), id);
    if (!s->id) return false;
    *row = s->row;
    return true;
}
