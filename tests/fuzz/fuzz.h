/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file fuzz.h
 * @brief The libFuzzer entry points every target defines, and the check
 * that turns a broken invariant into a crash the fuzzer reports.
 */
#ifndef VEMT_TESTS_FUZZ_FUZZ_H
#define VEMT_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/** Run one input. Always returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Optional one-time set-up; a target that needs none leaves it undefined
 * (standalone.c declares it weak). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/** A violated invariant is a bug: report it and abort, so that libFuzzer
 * saves the input and the replay test fails. */
#define FUZZ_CHECK(cond)                                                 \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, \
                    __LINE__, #cond);                                    \
            abort();                                                     \
        }                                                                \
    } while (0)

#endif /* VEMT_TESTS_FUZZ_FUZZ_H */
