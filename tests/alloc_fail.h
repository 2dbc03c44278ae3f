/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file alloc_fail.h
 * @brief The allocation-failure harness of the anomaly tests (h3
 * testH3Memory.c; SQLite's anomaly tests): the definitions of
 * vemt_test_malloc, vemt_test_calloc and vemt_test_realloc that
 * engine/alloc.h routes every allocation to when the code under test is
 * compiled with VEMT_ALLOC_TEST, counting them and making the one chosen
 * with alloc_fail_at() fail.
 *
 * Include it in exactly one translation unit of a test built with
 * VEMT_ALLOC_TEST: it defines the three functions. The counter is a C11
 * atomic, so code that allocates on several threads (a file read in two
 * parts) is counted exactly once per allocation; which thread gets the
 * failing one is then up to the scheduler. Call alloc_fail_at() only while
 * no allocating thread of the code under test runs.
 */
#ifndef VEMT_TESTS_ALLOC_FAIL_H
#define VEMT_TESTS_ALLOC_FAIL_H

#ifndef VEMT_ALLOC_TEST
#error "alloc_fail.h needs the code under test built with VEMT_ALLOC_TEST"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "engine/alloc.h"
#include "engine/vemt.h"
#include "tests/test.h"

typedef struct alloc_state {
    atomic_long fail_at; /* the allocation to fail (1-based); 0 = none */
    atomic_long count;   /* allocations asked for since alloc_fail_at() */
} alloc_state;

/* The counters live in the test program, not in the library. */
static alloc_state ALLOC;

/* Called with the number of every allocation asked for, when set: a test
 * that wants to know where each one comes from (say, to fail each call
 * site once) records it here. NULL: nobody is told. */
static void (*alloc_observer)(long n);

/** Count allocations from 0 again and make number n fail (0: none). */
static inline void alloc_fail_at(long n) {
    atomic_store(&ALLOC.fail_at, n);
    atomic_store(&ALLOC.count, 0);
}

/** Allocations asked for since alloc_fail_at(), the failed one included. */
static inline long alloc_count(void) { return atomic_load(&ALLOC.count); }

/* One allocation asked for: true when it is the one to fail. */
static inline bool fail_now(void) {
    long n = atomic_fetch_add(&ALLOC.count, 1) + 1;
    if (alloc_observer) alloc_observer(n);
    return n == atomic_load(&ALLOC.fail_at);
}

void *vemt_test_malloc(size_t size) {
    return fail_now() ? NULL : malloc(size ? size : 1);
}

void *vemt_test_calloc(size_t n, size_t size) {
    return fail_now() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *vemt_test_realloc(void *p, size_t size) {
    return fail_now() ? NULL : realloc(p, size ? size : 1);
}

/** Call step(arg, ctx) with allocation n failing, n = 1, 2, ... until a
 * call makes fewer than n allocations: every failing call must return
 * VEMT_E_NOMEM and the last VEMT_OK (leaks show in the sanitizer build).
 * Returns how many allocations a full call makes, -1 without a context. */
static inline long alloc_sweep(test_state *t_, const char *what,
                               vemt_status (*step)(void *, vemt_ctx *),
                               void *arg) {
    vemt_ctx *ctx;
    alloc_fail_at(0);
    if (vemt_ctx_create(1, &ctx)) return -1;
    long n;
    for (n = 1;; n++) {
        alloc_fail_at(n);
        vemt_status st = step(arg, ctx);
        if (alloc_count() < n) {
            CHECK_STATUS(st, VEMT_OK);
            break;
        }
        if (st != VEMT_E_NOMEM)
            TEST_FAIL_AT(t_, "%s: allocation %ld failed, status %d", what, n,
                         (int)st);
    }
    alloc_fail_at(0);
    vemt_ctx_destroy(ctx);
    fprintf(stderr, "  %s: %ld allocations, each failure handled\n", what,
            n - 1);
    return n - 1;
}

#endif /* VEMT_TESTS_ALLOC_FAIL_H */
