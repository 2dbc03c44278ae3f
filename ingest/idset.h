/** @file idset.h
 * @brief A set of record identifiers with the row each was first seen on
 * (private to ingest/).
 */
#ifndef VEMT_INGEST_IDSET_H
#define VEMT_INGEST_IDSET_H

#include <stddef.h>

#include "engine/vemt.h"

typedef struct vemt_idset vemt_idset;

/** Caller owns *out; free with vemt_idset_destroy(). */
vemt_status vemt_idset_create(vemt_idset **out);

/** Free the set; NULL is a no-op. */
void vemt_idset_destroy(vemt_idset *set);

/** Add id first seen at row. When it is already present, *first_row gets
 * the earlier row and nothing is added. Returns VEMT_E_NOMEM on failure. */
vemt_status vemt_idset_add(vemt_idset *set, const char *id, long row,
                           long *first_row);

#endif /* VEMT_INGEST_IDSET_H */
