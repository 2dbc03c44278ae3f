/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file alloc.h
 * @brief The library's allocation functions. Every allocation in engine/,
 * ingest/ and outputs/ goes through these, so that a test build can make
 * the Nth one fail (h3 alloc.h / H3_MEMORY; SQLite anomaly tests).
 */
#ifndef VEMT_ENGINE_ALLOC_H
#define VEMT_ENGINE_ALLOC_H

#include <stddef.h>

#ifdef VEMT_ALLOC_TEST
/* Defined by the allocation-failure test, which links its own copies. */
void *vemt_test_malloc(size_t size);
void *vemt_test_calloc(size_t n, size_t size);
void *vemt_test_realloc(void *p, size_t size);
#define vemt_malloc vemt_test_malloc
#define vemt_calloc vemt_test_calloc
#define vemt_realloc vemt_test_realloc
#define vemt_free free
#include <stdlib.h>
#else
/** malloc(); NULL on failure. Caller owns the result; free with vemt_free(). */
void *vemt_malloc(size_t size);
/** calloc(); NULL on failure or overflow of n * size. */
void *vemt_calloc(size_t n, size_t size);
/** realloc(); NULL on failure, p left untouched. */
void *vemt_realloc(void *p, size_t size);
/** free(); NULL is a no-op. */
void vemt_free(void *p);
#endif

/** Ask the kernel to back the large block [p, p + size) with huge pages
 * (Linux transparent huge pages): fewer page faults and TLB misses for big
 * arrays read at random. A hint only; does nothing where unsupported or
 * under 8 MB. vemt_malloc(), vemt_calloc() and vemt_realloc() give it for
 * every block they return. */
void vemt_advise_huge(void *p, size_t size);

/** Duplicate a string with vemt_malloc; NULL on failure or s == NULL. */
char *vemt_strdup(const char *s);

/** Grow *items (element size elem) so that it holds at least need elements,
 * doubling *cap. Returns 0 on success, -1 on allocation failure (unchanged).
 */
int vemt_grow(void **items, size_t *cap, size_t need, size_t elem);

#endif /* VEMT_ENGINE_ALLOC_H */
