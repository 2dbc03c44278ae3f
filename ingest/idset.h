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

/** The row stored with id, or false when id is absent. */
bool vemt_idset_find(const vemt_idset *set, const char *id, long *row);

/** Hash of a string, continuing from h (start with VEMT_HASH_SEED): eight
 * bytes a step with a multiply-xorshift mix (not cryptographic; for hash
 * tables and equality tags). */
#define VEMT_HASH_SEED 1469598103934665603ULL
uint64_t vemt_hash_str(uint64_t h, const char *s);

/** Create a set sized for about n ids without rehashing. */
vemt_status vemt_idset_create_sized(size_t n, vemt_idset **out);

#endif /* VEMT_INGEST_IDSET_H */
