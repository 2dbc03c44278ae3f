/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file idset.h
 * @brief A set of record identifiers with the row each was first seen on
 * (private to ingest/).
 */
#ifndef VEMT_INGEST_IDSET_H
#define VEMT_INGEST_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/vemt.h"

typedef struct vemt_idset vemt_idset;

/** Caller owns *out; free with vemt_idset_destroy(). */
vemt_status vemt_idset_create(vemt_idset **out);

/** Free the set; NULL is a no-op. */
void vemt_idset_destroy(vemt_idset *set);

/** Add id with a row number and a tag (e.g. a hash of the row's content).
 * When id is already present, *first_row and *first_tag get the earlier
 * values and nothing is added; else *first_row is 0. Returns VEMT_E_NOMEM
 * on failure. */
vemt_status vemt_idset_add(vemt_idset *set, const char *id, long row,
                           uint64_t tag, long *first_row, uint64_t *first_tag);

/** vemt_idset_add() of an id whose hash (vemt_idset_hash) is known. */
vemt_status vemt_idset_add_hashed(vemt_idset *set, const char *id, uint64_t h,
                                  long row, uint64_t tag, long *first_row,
                                  uint64_t *first_tag);

/** The hash the set files id under. */
uint64_t vemt_idset_hash(const char *id);

/** Start loading the table slot of hash h into the cache, so that an add
 * some hundreds of nanoseconds later does not wait for memory: in a
 * million-row file each add is otherwise one cache miss. */
void vemt_idset_prefetch(const vemt_idset *set, uint64_t h);

/** The row stored with id, or false when id is absent. */
bool vemt_idset_find(const vemt_idset *set, const char *id, long *row);

/** Number of ids in the set. */
size_t vemt_idset_count(const vemt_idset *set);

/** The k-th id added (0-based) and its row. Borrowed. */
const char *vemt_idset_entry(const vemt_idset *set, size_t k, long *row);

/** Whether any id of b is in a. */
bool vemt_idset_intersects(const vemt_idset *a, const vemt_idset *b);

/** Hash of a string, continuing from h (start with VEMT_HASH_SEED): eight
 * bytes a step with a multiply-xorshift mix (not cryptographic; for hash
 * tables and equality tags). */
#define VEMT_HASH_SEED 1469598103934665603ULL
uint64_t vemt_hash_str(uint64_t h, const char *s);

/** vemt_hash_str() of n bytes (NULs included). */
uint64_t vemt_hash_bytes(uint64_t h, const char *s, size_t n);

/** Create a set sized for about n ids without rehashing. */
vemt_status vemt_idset_create_sized(size_t n, vemt_idset **out);

#endif /* VEMT_INGEST_IDSET_H */
