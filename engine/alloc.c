/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file alloc.c
 * @brief Allocation wrappers (see alloc.h).
 */
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "engine/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#ifndef VEMT_ALLOC_TEST
/* Every block of 8 MB or more is advised onto huge pages before it is
 * touched (glibc maps such blocks fresh, and a fresh page faults once per
 * 4 kB otherwise): on the 10M-event run that was 3.1 million page faults
 * and a quarter of the wall time on a virtual machine, where a fault is
 * dear (tests/bench/RESULTS.md, issue 19). glibc's own
 * glibc.malloc.hugetlb=1 does the same, but only from the environment. */
void *vemt_malloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (p) vemt_advise_huge(p, size);
    return p;
}

void *vemt_calloc(size_t n, size_t size) {
    if (n == 0 || size == 0) return calloc(1, 1);
    void *p = calloc(n, size);
    if (p) vemt_advise_huge(p, n * size); /* calloc checked the product */
    return p;
}

void *vemt_realloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (q) vemt_advise_huge(q, size);
    return q;
}

void vemt_free(void *p) { free(p); }
#endif

char *vemt_strdup(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *copy = vemt_malloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}

int vemt_grow(void **items, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : 16;
    while (cap2 < need) {
        if (cap2 > SIZE_MAX / 2 / elem) return -1;
        cap2 *= 2;
    }
    void *p = vemt_realloc(*items, cap2 * elem);
    if (!p) return -1;
    *items = p;
    *cap = cap2;
    return 0;
}

void vemt_advise_huge(void *p, size_t size) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t b = ((uintptr_t)p + size) & ~(huge - 1);
    if (size >= 4 * huge && b > a) madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)size;
#endif
}
