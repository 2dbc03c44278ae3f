/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test.h
 * @brief The test harness (after h3's test.h and liblwgeom's cu_tester):
 * TEST_SUITE expands to main; an argument runs one test by name.
 */
#ifndef VEMT_TESTS_TEST_H
#define VEMT_TESTS_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct test_state {
    const char *only; /* run just this test, or NULL */
    int run, failed;
    int current_failed;
} test_state;

#define TEST_FAIL_AT(st, ...)                                   \
    do {                                                        \
        fprintf(stderr, "%s:%d: FAILED: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                           \
        fputc('\n', stderr);                                    \
        (st)->current_failed = 1;                               \
    } while (0)

#define CHECK(cond)                                 \
    do {                                            \
        if (!(cond)) TEST_FAIL_AT(t_, "%s", #cond); \
    } while (0)

#define CHECK_INT_EQ(obtained, expected)                                  \
    do {                                                                  \
        long long o_ = (long long)(obtained), e_ = (long long)(expected); \
        if (o_ != e_)                                                     \
            TEST_FAIL_AT(t_, "%s\n  Expected: %lld\n  Obtained: %lld",    \
                         #obtained, e_, o_);                              \
    } while (0)

#define CHECK_STR_EQ(obtained, expected)                                   \
    do {                                                                   \
        const char *o_ = (obtained), *e_ = (expected);                     \
        if (!o_ || strcmp(o_, e_))                                         \
            TEST_FAIL_AT(t_, "%s\n  Expected: \"%s\"\n  Obtained: \"%s\"", \
                         #obtained, e_, o_ ? o_ : "(null)");               \
    } while (0)

#define CHECK_NEAR(obtained, expected, tol)                           \
    do {                                                              \
        double o_ = (obtained), e_ = (expected), d_ = fabs(o_ - e_);  \
        if (!(d_ <= (tol)))                                           \
            TEST_FAIL_AT(t_,                                          \
                         "%s\n  Expected: %.17g\n  Obtained: %.17g\n" \
                         "  Difference: %.3g\n  Tolerated: %.3g",     \
                         #obtained, e_, o_, d_, (double)(tol));       \
    } while (0)

#define CHECK_STATUS(call, expected) CHECK_INT_EQ((call), (expected))

#define TEST(name) static void test_##name(test_state *t_)

#define RUN(name)                                                        \
    do {                                                                 \
        if (t_->only && strcmp(t_->only, #name)) break;                  \
        t_->current_failed = 0;                                          \
        test_##name(t_);                                                 \
        t_->run++;                                                       \
        t_->failed += t_->current_failed;                                \
        fprintf(stderr, "%s %s\n", t_->current_failed ? "FAIL" : "ok  ", \
                #name);                                                  \
    } while (0)

/* TEST_SUITE(name) { RUN(a); RUN(b); } */
#define TEST_SUITE(name)                                                \
    static void suite_body(test_state *t_);                             \
    int main(int argc, char **argv) {                                   \
        test_state st = {argc > 1 ? argv[1] : NULL, 0, 0, 0};           \
        suite_body(&st);                                                \
        printf("%s: %d passed, %d failed\n", #name, st.run - st.failed, \
               st.failed);                                              \
        return st.failed || st.run == 0 ? 1 : 0;                        \
    }                                                                   \
    static void suite_body(test_state *t_)

#endif /* VEMT_TESTS_TEST_H */
