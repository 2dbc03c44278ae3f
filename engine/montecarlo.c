/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file montecarlo.c
 * @brief The one loop that hands Monte Carlo work items to threads: items
 * are taken in chunks from a shared counter, so threads that finish early
 * take more, and the result of an item does not depend on its thread.
 */
#include "engine/montecarlo.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/* Shared state of one loop. */
typedef struct mc_loop {
    vemt_mc_item_fn fn;
    size_t items, chunk;
    atomic_size_t next; /* first item not yet handed out */
} mc_loop;

/* One thread of a loop. */
typedef struct mc_thread {
    mc_loop *loop;
    void *worker;
    pthread_t thread;
    bool started;
} mc_thread;

/* Take the next chunk and work it; false when none is left. */
static bool take_chunk(mc_thread *th) {
    mc_loop *loop = th->loop;
    size_t a = atomic_fetch_add(&loop->next, loop->chunk);
    if (a >= loop->items) return false;
    size_t b = loop->items - a > loop->chunk ? a + loop->chunk : loop->items;
    for (size_t i = a; i < b; i++) loop->fn(th->worker, i);
    return true;
}

static void *thread_main(void *arg) {
    while (take_chunk(arg)) continue;
    return NULL;
}

unsigned vemt_mc_threads(const vemt_perm_opts *opts) {
    long t = opts->threads;
    if (t == 0) t = sysconf(_SC_NPROCESSORS_ONLN);
    if (t < 1) t = 1;
    return t > (long)VEMT_MC_MAX_THREADS ? VEMT_MC_MAX_THREADS : (unsigned)t;
}

void vemt_mc_run(const vemt_ctx *ctx, const char *stage, size_t items,
                 size_t chunk, void *workers, size_t worker_size, unsigned nt,
                 vemt_mc_item_fn fn) {
    if (chunk < 1) chunk = 1;
    mc_loop loop = {.fn = fn, .items = items, .chunk = chunk};
    atomic_init(&loop.next, 0);
    mc_thread th[VEMT_MC_MAX_THREADS];
    size_t chunks = items / chunk + (items % chunk != 0);
    if (nt < 1) nt = 1;
    if (nt > VEMT_MC_MAX_THREADS) nt = VEMT_MC_MAX_THREADS;
    if (nt > chunks) nt = chunks > 0 ? (unsigned)chunks : 1;
    for (unsigned t = 0; t < nt; t++) {
        th[t] = (mc_thread){.loop = &loop,
                            .worker = (char *)workers + t * worker_size};
        if (t > 0)
            th[t].started =
                pthread_create(&th[t].thread, NULL, thread_main, &th[t]) == 0;
    }
    while (take_chunk(&th[0])) {
        size_t done = atomic_load(&loop.next);
        vemt_ctx_progress(ctx, stage, done < items ? done : items, items);
    }
    for (unsigned t = 1; t < nt; t++)
        if (th[t].started) pthread_join(th[t].thread, NULL);
}
