/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file idset.c
 * @brief Open-addressing hash set of identifiers, made for millions of
 * rows: 8-byte slots (a 32-bit hash fragment and an entry number) probed
 * linearly, entries and id bytes appended in arrays beside them, so a
 * lookup touches one cache line of the table unless the fragment matches.
 */
#include "ingest/idset.h"

#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"

typedef struct slot {
    uint32_t frag;  /* high 32 bits of the hash */
    uint32_t entry; /* entry number + 1; 0: empty slot */
} slot;

typedef struct entry {
    uint64_t tag;
    long row;
    size_t id; /* offset of the id in the arena */
} entry;

struct vemt_idset {
    slot *slots;
    size_t cap; /* power of two */
    entry *entries;
    size_t n, entries_cap;
    char *arena; /* the ids, NUL-terminated, one after another */
    size_t used, arena_cap;
};

/* The finaliser of MurmurHash3 (Appleby 2011): full avalanche. */
static uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

uint64_t vemt_hash_bytes(uint64_t h, const char *s, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = mix(h ^ w);
    }
    uint64_t tail = 0;
    memcpy(&tail, s + i, n - i);
    return mix(h ^ tail ^ ((uint64_t)n << 56));
}

uint64_t vemt_hash_str(uint64_t h, const char *s) {
    return vemt_hash_bytes(h, s, strlen(s));
}

uint64_t vemt_idset_hash(const char *id) {
    return vemt_hash_str(VEMT_HASH_SEED, id);
}

void vemt_idset_prefetch(const vemt_idset *set, uint64_t h) {
    __builtin_prefetch(&set->slots[h & (set->cap - 1)]);
}

vemt_status vemt_idset_create(vemt_idset **out) {
    return vemt_idset_create_sized(512, out);
}

vemt_status vemt_idset_create_sized(size_t n, vemt_idset **out) {
    *out = NULL;
    vemt_idset *set = vemt_calloc(1, sizeof *set);
    if (!set) return VEMT_E_NOMEM;
    set->cap = 1024;
    while (set->cap < 2 * n && set->cap < ((size_t)1 << 32)) set->cap *= 2;
    set->slots = vemt_calloc(set->cap, sizeof *set->slots);
    if (!set->slots) {
        vemt_free(set);
        return VEMT_E_NOMEM;
    }
    /* Ids of exports run to 10-20 bytes: room for n of 16 up front. */
    if (n > 512 &&
        (vemt_grow((void **)&set->entries, &set->entries_cap, n,
                   sizeof *set->entries) ||
         vemt_grow((void **)&set->arena, &set->arena_cap, 16 * n, 1))) {
        vemt_idset_destroy(set);
        return VEMT_E_NOMEM;
    }
    *out = set;
    return VEMT_OK;
}

void vemt_idset_destroy(vemt_idset *set) {
    if (!set) return;
    vemt_free(set->slots);
    vemt_free(set->entries);
    vemt_free(set->arena);
    vemt_free(set);
}

/* The slot holding id, or the empty slot where it would go. */
static slot *probe(const vemt_idset *set, const slot *slots, size_t cap,
                   uint64_t h, const char *id) {
    uint32_t frag = (uint32_t)(h >> 32);
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        const slot *s = &slots[i];
        if (!s->entry ||
            (s->frag == frag &&
             !strcmp(set->arena + set->entries[s->entry - 1].id, id)))
            return (slot *)s;
    }
}

static vemt_status rehash(vemt_idset *set) {
    size_t cap = set->cap * 2;
    slot *slots = vemt_calloc(cap, sizeof *slots);
    if (!slots) return VEMT_E_NOMEM;
    for (size_t k = 0; k < set->n; k++) {
        const char *id = set->arena + set->entries[k].id;
        uint64_t h = vemt_hash_str(VEMT_HASH_SEED, id);
        slot *s = probe(set, slots, cap, h, id);
        s->frag = (uint32_t)(h >> 32);
        s->entry = (uint32_t)k + 1;
    }
    vemt_free(set->slots);
    set->slots = slots;
    set->cap = cap;
    return VEMT_OK;
}

vemt_status vemt_idset_add(vemt_idset *set, const char *id, long row,
                           uint64_t tag, long *first_row, uint64_t *first_tag) {
    return vemt_idset_add_hashed(set, id, vemt_idset_hash(id), row, tag,
                                 first_row, first_tag);
}

vemt_status vemt_idset_add_hashed(vemt_idset *set, const char *id, uint64_t h,
                                  long row, uint64_t tag, long *first_row,
                                  uint64_t *first_tag) {
    *first_row = 0;
    if ((set->n + 1) * 2 > set->cap && rehash(set)) return VEMT_E_NOMEM;
    if (set->n + 1 >= UINT32_MAX) return VEMT_E_NOMEM;
    slot *s = probe(set, set->slots, set->cap, h, id);
    if (s->entry) {
        *first_row = set->entries[s->entry - 1].row;
        *first_tag = set->entries[s->entry - 1].tag;
        return VEMT_OK;
    }
    size_t len = strlen(id) + 1;
    if (vemt_grow((void **)&set->arena, &set->arena_cap, set->used + len, 1) ||
        vemt_grow((void **)&set->entries, &set->entries_cap, set->n + 1,
                  sizeof *set->entries))
        return VEMT_E_NOMEM;
    memcpy(set->arena + set->used, id, len);
    set->entries[set->n] = (entry){tag, row, set->used};
    set->used += len;
    s->frag = (uint32_t)(h >> 32);
    s->entry = (uint32_t)++set->n;
    return VEMT_OK;
}

bool vemt_idset_find(const vemt_idset *set, const char *id, long *row) {
    const slot *s =
        probe(set, set->slots, set->cap, vemt_hash_str(VEMT_HASH_SEED, id), id);
    if (!s->entry) return false;
    *row = set->entries[s->entry - 1].row;
    return true;
}

size_t vemt_idset_count(const vemt_idset *set) { return set->n; }

const char *vemt_idset_entry(const vemt_idset *set, size_t k, long *row) {
    *row = set->entries[k].row;
    return set->arena + set->entries[k].id;
}

bool vemt_idset_intersects(const vemt_idset *a, const vemt_idset *b) {
    enum { AHEAD = 8 }; /* lookups in flight: each is a cache miss */
    uint64_t h[AHEAD];
    for (size_t k = 0; k < b->n + AHEAD; k++) {
        if (k >= AHEAD) {
            size_t j = k - AHEAD;
            const char *id = b->arena + b->entries[j].id;
            if (probe(a, a->slots, a->cap, h[j % AHEAD], id)->entry)
                return true;
        }
        if (k < b->n) {
            h[k % AHEAD] = vemt_idset_hash(b->arena + b->entries[k].id);
            vemt_idset_prefetch(a, h[k % AHEAD]);
        }
    }
    return false;
}
