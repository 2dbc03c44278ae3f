/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file montecarlo.h
 * @brief Monte Carlo internals shared inside engine/ (private header): the
 * one random stream, one per work item and derived from the run's seed and
 * the item's index, and the one loop that hands work items to threads, so
 * results do not depend on the number of threads. Used by the conditional
 * permutations (permute.c), Knox, co-location and the child-level test.
 */
#ifndef VEMT_ENGINE_MONTECARLO_H
#define VEMT_ENGINE_MONTECARLO_H

#include <stdint.h>

#include "engine/engine.h"

/* ---- Random streams ------------------------------------------------------ */

/** A random stream: a splitmix64 generator (Steele, Lea & Flood 2014,
 * "Fast splittable pseudorandom number generators", OOPSLA,
 * doi:10.1145/2660193.2660195): a Weyl sequence passed through the mixing
 * function. Streams of different items start at mixed, far-apart points of
 * the 2^64 cycle; two of R = 10^4 streams of 10^6 draws overlap with a
 * probability under 10^-5. Not a GSL generator: gsl_rng_set() takes one
 * unsigned long (taus2 keeps only 32 bits of it, so 100,000 unit streams
 * would collide) and reseeding mt19937 per work item costs more than the
 * item's draws. Plain struct on the worker's stack. */
typedef struct vemt_stream {
    uint64_t state;
    uint32_t spare; /* the low half of the last output (vemt_stream_pick) */
    bool has_spare;
} vemt_stream;

/** The splitmix64 mixing function (Steele et al. 2014, as above). */
static inline uint64_t vemt_stream_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/** The stream of work item `item` in the run seeded `seed`, from the key
 * mix(mix(seed) ^ item). */
static inline vemt_stream vemt_stream_for(uint64_t seed, uint64_t item) {
    vemt_stream s = {vemt_stream_mix(vemt_stream_mix(seed) ^ item), 0, false};
    return s;
}

/** The next 64 random bits. */
static inline uint64_t vemt_stream_next(vemt_stream *s) {
    s->state += 0x9e3779b97f4a7c15u;
    return vemt_stream_mix(s->state);
}

/** 32 random bits: with halves, the high and then the low half of each
 * output; without, the high half of a new one. */
static inline uint32_t vemt_stream_bits32(vemt_stream *s, bool halves) {
    if (!halves) return (uint32_t)(vemt_stream_next(s) >> 32);
    if (s->has_spare) {
        s->has_spare = false;
        return s->spare;
    }
    uint64_t v = vemt_stream_next(s);
    s->spare = (uint32_t)v;
    s->has_spare = true;
    return (uint32_t)(v >> 32);
}

/* Uniform integer in [0, range), 1 <= range < 2^32, by Lemire's nearly
 * divisionless method (Lemire 2019, "Fast random integer generation in an
 * interval", ACM TOMACS 29(1):3, doi:10.1145/3230636): the 32 random bits
 * times range, rejecting the biased low products; unbiased, a division
 * only on the rare rejection path. */
static inline uint32_t vemt_stream_lemire(vemt_stream *s, uint32_t range,
                                          bool halves) {
    uint64_t m = (uint64_t)vemt_stream_bits32(s, halves) * range;
    if ((uint32_t)m < range) {
        uint32_t reject = (uint32_t)(-range) % range;
        while ((uint32_t)m < reject)
            m = (uint64_t)vemt_stream_bits32(s, halves) * range;
    }
    return (uint32_t)(m >> 32);
}

/** Uniform integer in [0, range), 1 <= range < 2^32, from one output per
 * draw (Knox, co-location and the child-level test). */
static inline uint32_t vemt_stream_below(vemt_stream *s, uint32_t range) {
    return vemt_stream_lemire(s, range, false);
}

/** Uniform integer in [0, range) as vemt_stream_below, but from both
 * halves of each output: half the generator's work, for loops dominated
 * by their draws (the conditional permutations: a quarter less time). */
static inline uint32_t vemt_stream_pick(vemt_stream *s, uint32_t range) {
    return vemt_stream_lemire(s, range, true);
}

/** Shuffle a[0..n) uniformly, n < 2^32 (Fisher-Yates; Knuth, TAOCP vol. 2,
 * 3rd ed., 3.4.2 Algorithm P). */
static inline void vemt_stream_shuffle(vemt_stream *r, uint32_t *a, size_t n) {
    for (size_t j = n; j > 1; j--) {
        uint32_t k = vemt_stream_below(r, (uint32_t)j), v = a[j - 1];
        a[j - 1] = a[k];
        a[k] = v;
    }
}

/* ---- Threads ------------------------------------------------------------- */

/** Most worker threads one loop starts. */
#define VEMT_MC_MAX_THREADS 256u

/** The number of worker threads opts asks for (0: the online CPUs), at
 * least 1 and at most VEMT_MC_MAX_THREADS. */
unsigned vemt_mc_threads(const vemt_perm_opts *opts);

/** Work on item `item` with a worker's own scratch space. */
typedef void (*vemt_mc_item_fn)(void *worker, size_t item);

/** Run fn on items 0..items-1, handed out chunk (>= 1) at a time, on at
 * most nt threads (1..VEMT_MC_MAX_THREADS, and no more than there are
 * chunks): thread t works with workers + t * worker_size, which no other
 * thread touches. The calling thread works too and reports progress as
 * `stage`. A thread that cannot start leaves its share to the others, so
 * the call cannot fail; each item must give the same result on whichever
 * thread it runs (its own random stream, no state kept between items). */
void vemt_mc_run(const vemt_ctx *ctx, const char *stage, size_t items,
                 size_t chunk, void *workers, size_t worker_size, unsigned nt,
                 vemt_mc_item_fn fn);

/** Two-sided pseudo p-value from ge and le, the draws at least and at most
 * as extreme as the observed value out of r: min(1, 2 (min(ge, le) + 1) /
 * (r + 1)) (Esri's folded pseudo p-value for permutation tests, ArcGIS
 * Stats.py; Anselin 1995, Geographical Analysis 27(2):93-115, section 5,
 * doi:10.1111/j.1538-4632.1995.tb00338.x). */
static inline double vemt_mc_p_two_sided(size_t ge, size_t le, size_t r) {
    double p = 2.0 * (double)((ge < le ? ge : le) + 1) / (double)(r + 1);
    return p < 1 ? p : 1;
}

#endif /* VEMT_ENGINE_MONTECARLO_H */
