/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench.h
 * @brief Benchmark timing (after h3's benchmark.h): CLOCK_MONOTONIC, time
 * per iteration and the iteration count. Benchmarks are programs of their
 * own, never CTest tests, and run in a Release build.
 */
#ifndef VEMT_TESTS_BENCH_BENCH_H
#define VEMT_TESTS_BENCH_BENCH_H

#include <stdio.h>
#include <time.h>

/** Seconds on the monotonic clock. */
static inline double bench_now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/** Run body iterations times; print the mean and the minimum per
 * iteration (the minimum is the least disturbed by other work) and store
 * the minimum in best_out (a double lvalue). */
#define BENCH(name, iterations, best_out, ...)                          \
    do {                                                                \
        double best_ = 1e300, total_ = 0;                               \
        for (int it_ = 0; it_ < (iterations); it_++) {                  \
            double t0_ = bench_now_s();                                 \
            __VA_ARGS__;                                                \
            double dt_ = bench_now_s() - t0_;                           \
            total_ += dt_;                                              \
            if (dt_ < best_) best_ = dt_;                               \
        }                                                               \
        printf("%-40s %4d iterations  mean %.4f s  min %.4f s\n", name, \
               (iterations), total_ / (iterations), best_);             \
        (best_out) = best_;                                             \
    } while (0)

#endif /* VEMT_TESTS_BENCH_BENCH_H */
