/** @file montecarlo.h
 * @brief Monte Carlo internals shared by knox.c, colocation.c and
 * childperm.c (private header): one random stream per work item, derived
 * from the run's seed and the item's index as engine/permute.c derives its
 * unit streams, and the loop that hands work items to threads, so results
 * do not depend on the number of threads.
 */
#ifndef VEMT_ENGINE_MONTECARLO_H
#define VEMT_ENGINE_MONTECARLO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "engine/permute.h"

/** A random stream: a splitmix64 generator (Steele, Lea & Flood 2014,
 * "Fast splittable pseudorandom number generators", OOPSLA,
 * doi:10.1145/2660193.2660195): a Weyl sequence passed through the mixing
 * function. Streams of different items start at mixed, far-apart points of
 * the 2^64 cycle; two of R = 10^4 streams of 10^6 draws overlap with a
 * probability under 10^-5. */
typedef struct vemt_stream {
    uint64_t state;
} vemt_stream;

/** The splitmix64 mixing function (Steele et al. 2014, as above). */
static inline uint64_t vemt_stream_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/** The stream of work item `item` in the run seeded `seed`: the key
 * mix(mix(seed) ^ item) of engine/permute.c's unit streams. */
static inline vemt_stream vemt_stream_for(uint64_t seed, uint64_t item) {
    vemt_stream s = {vemt_stream_mix(vemt_stream_mix(seed) ^ item)};
    return s;
}

/** The next 64 random bits. */
static inline uint64_t vemt_stream_next(vemt_stream *s) {
    s->state += 0x9e3779b97f4a7c15u;
    return vemt_stream_mix(s->state);
}

/** Uniform integer in [0, range), 1 <= range < 2^32: the high 32 bits times
 * range, rejecting the biased low products (Lemire 2019, "Fast random
 * integer generation in an interval", ACM TOMACS 29(1):3,
 * doi:10.1145/3230636). */
static inline uint32_t vemt_stream_below(vemt_stream *s, uint32_t range) {
    uint64_t m = (vemt_stream_next(s) >> 32) * (uint64_t)range;
    if ((uint32_t)m < range) {
        uint32_t reject = (uint32_t)(-range) % range;
        while ((uint32_t)m < reject)
            m = (vemt_stream_next(s) >> 32) * (uint64_t)range;
    }
    return (uint32_t)(m >> 32);
}

/** Shuffle a[0..n) uniformly, n < 2^32 (Fisher-Yates; Knuth, TAOCP vol. 2,
 * 3rd ed., 3.4.2 Algorithm P). */
static inline void vemt_stream_shuffle(vemt_stream *s, uint32_t *a, size_t n) {
    for (size_t j = n; j > 1; j--) {
        uint32_t r = vemt_stream_below(s, (uint32_t)j), v = a[j - 1];
        a[j - 1] = a[r];
        a[r] = v;
    }
}

/** Work on item `item` with a worker's own scratch space. */
typedef void (*vemt_mc_item_fn)(void *worker, size_t item);

/** Shared state of one loop (used by vemt_mc_run only). */
typedef struct vemt_mc_loop {
    vemt_mc_item_fn fn;
    size_t items;
    atomic_size_t next; /* first item not yet handed out */
} vemt_mc_loop;

/** One thread of a loop (used by vemt_mc_run only). */
typedef struct vemt_mc_thread {
    vemt_mc_loop *loop;
    void *worker;
    pthread_t thread;
    bool started;
} vemt_mc_thread;

/** Take the next item; false when none is left. */
static inline bool vemt_mc_step(vemt_mc_thread *th) {
    size_t item = atomic_fetch_add(&th->loop->next, 1);
    if (item >= th->loop->items) return false;
    th->loop->fn(th->worker, item);
    return true;
}

static inline void *vemt_mc_main(void *arg) {
    while (vemt_mc_step(arg)) continue;
    return NULL;
}

/** Run fn on items 0..items-1 with nt workers (1..VEMT_PERM_MAX_THREADS):
 * worker t is workers + t * worker_size and is used by one thread at a
 * time. The calling thread works too and reports progress as `stage`. A
 * thread that cannot start leaves its share to the others, so the call
 * cannot fail; each item must give the same result on whichever thread it
 * runs (its own random stream, no state kept between items). */
static inline void vemt_mc_run(const vemt_ctx *ctx, const char *stage,
                               size_t items, void *workers, size_t worker_size,
                               unsigned nt, vemt_mc_item_fn fn) {
    vemt_mc_loop loop = {.fn = fn, .items = items};
    atomic_init(&loop.next, 0);
    vemt_mc_thread th[VEMT_PERM_MAX_THREADS];
    if (nt < 1) nt = 1;
    if (nt > VEMT_PERM_MAX_THREADS) nt = VEMT_PERM_MAX_THREADS;
    if (nt > items) nt = items > 0 ? (unsigned)items : 1;
    for (unsigned t = 0; t < nt; t++) {
        th[t] = (vemt_mc_thread){.loop = &loop,
                                 .worker = (char *)workers + t * worker_size};
        if (t > 0)
            th[t].started =
                pthread_create(&th[t].thread, NULL, vemt_mc_main, &th[t]) == 0;
    }
    while (vemt_mc_step(&th[0])) {
        size_t done = atomic_load(&loop.next);
        vemt_ctx_progress(ctx, stage, done < items ? done : items, items);
    }
    for (unsigned t = 1; t < nt; t++)
        if (th[t].started) pthread_join(th[t].thread, NULL);
}

/** Two-sided pseudo p-value from ge and le, the draws at least and at most
 * as extreme as the observed value out of r: min(1, 2 (min(ge, le) + 1) /
 * (r + 1)), as engine/permute.c (Esri's folded pseudo p-value; Anselin
 * 1995, Geographical Analysis 27(2):93-115, section 5,
 * doi:10.1111/j.1538-4632.1995.tb00338.x). */
static inline double vemt_mc_p_two_sided(size_t ge, size_t le, size_t r) {
    double p = 2.0 * (double)((ge < le ? ge : le) + 1) / (double)(r + 1);
    return p < 1 ? p : 1;
}

#endif /* VEMT_ENGINE_MONTECARLO_H */
