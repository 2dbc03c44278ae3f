/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_scan.c
 * @brief The space-time permutation scan at issue 20's size: 100,000
 * events over 2,000 units (a 50 x 40 lattice of 250 m cells) and 24
 * monthly steps, 999 replicates, prospective (the target: under 60 s on
 * two cores) and retrospective, at 1 and 2 threads. The events: a smooth
 * background with hot units, and an emerging cluster of 60 events in the
 * last 3 steps, which must come out first.
 *
 *   bench_scan [EVENTS [REPS]]   defaults 100000 and 999
 *   bench_scan small              the "lcg" case of tests/ref/scan_ref.py
 *       (224 events, 30 locations, 10 steps, windows up to 5 steps), 999
 *       replicates, beside which RESULTS.md records the brute force's time
 *
 * BENCH_SCAN_RETRO=1 adds the retrospective scans.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/bench/bench.h"

enum { NX = 50, NY = 40, NU = NX * NY, T = 24 };

static double lcg(uint64_t *s) {
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* scan_ref.py's lcg case, generated alike. */
static int small_case(void) {
    enum { NL = 30, NE = 224 };
    double xy[2 * NL];
    uint32_t loc[NE], step[NE], x = 12345;
#define U01() (x = 1664525u * x + 1013904223u, (double)x / 4294967296.0)
    for (int i = 0; i < NL; i++) {
        xy[2 * i] = floor(U01() * 20);
        xy[2 * i + 1] = floor(U01() * 20);
    }
    for (int i = 0; i < 200; i++) {
        loc[i] = (uint32_t)floor(U01() * 30);
        step[i] = (uint32_t)floor(U01() * 10);
    }
    for (int i = 200; i < NE; i++) {
        loc[i] = 0;
        step[i] = 7 + (uint32_t)floor(U01() * 3);
    }
#undef U01
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return 1;
    for (int retro = 0; retro < 2; retro++) {
        vemt_scan_opts o = {.max_steps = 5, .retrospective = retro};
        o.perm = (vemt_perm_opts){999, 1, 1};
        vemt_scan_result res;
        double best;
        vemt_status st = VEMT_OK;
        BENCH(retro ? "small, retrospective, 1 thread"
                    : "small, prospective, 1 thread",
              5, best,
              st = vemt_scan_run(ctx, xy, NL, 10, loc, step, NE, &o, &res);
              if (!st) vemt_scan_result_clear(&res));
        if (st) return 1;
        (void)best;
    }
    vemt_ctx_destroy(ctx);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "small")) return small_case();
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    size_t reps = argc > 2 ? strtoul(argv[2], NULL, 10) : 999;
    static double xy[2 * NU], weight[NU];
    uint32_t *loc = malloc(n * sizeof *loc), *step = malloc(n * sizeof *step);
    if (!loc || !step || n < 100) return 1;
    uint64_t s = 1;
    double total = 0;
    for (int u = 0; u < NU; u++) {
        xy[2 * u] = 125.0 + 250.0 * (u % NX);
        xy[2 * u + 1] = 125.0 + 250.0 * (u / NX);
        /* a background with hot units: weight 1 + a heavy tail */
        weight[u] = 1 + 20 * pow(lcg(&s), 8);
        total += weight[u];
    }
    size_t planted = 60;
    for (size_t i = 0; i < n - planted; i++) {
        double v = lcg(&s) * total;
        int u = 0;
        while (u < NU - 1 && v >= weight[u]) v -= weight[u++];
        loc[i] = (uint32_t)u;
        step[i] = (uint32_t)(lcg(&s) * T);
    }
    for (size_t i = n - planted; i < n; i++) {
        loc[i] = (uint32_t)(20 * NX + 25 + (int)(lcg(&s) * 2));
        step[i] = T - 1 - (uint32_t)(lcg(&s) * 3);
    }
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return 1;
    printf("space-time scan: %zu events, %d units, %d steps, %zu replicates\n",
           n, NU, T, reps);
    for (int retro = 0; retro < (getenv("BENCH_SCAN_RETRO") ? 2 : 1); retro++)
        for (unsigned th = 2; th >= 1; th--) {
            vemt_scan_opts o = {.retrospective = retro};
            o.perm = (vemt_perm_opts){reps, 1, th};
            vemt_scan_result res;
            double best;
            char name[64];
            snprintf(name, sizeof name, "%s, %u thread%s",
                     retro ? "retrospective" : "prospective", th,
                     th > 1 ? "s" : "");
            vemt_status st = VEMT_OK;
            BENCH(name, 1, best,
                  st = vemt_scan_run(ctx, xy, NU, T, loc, step, n, &o, &res));
            if (st) {
                printf("failed: %s\n", vemt_ctx_error(ctx)->msg);
                return 1;
            }
            const vemt_scan_cluster *k = &res.clusters[0];
            printf(
                "  primary: centre %u, %u units, steps %u-%u, %g observed, "
                "%.1f expected, LLR %.1f, p %.4f; %llu cylinders, "
                "work %.3g\n",
                k->centre, k->n_members, k->first_step, k->last_step,
                k->observed, k->expected, k->llr, k->p,
                (unsigned long long)res.n_cylinders, res.work);
            (void)best;
            vemt_scan_result_clear(&res);
        }
    vemt_ctx_destroy(ctx);
    free(loc);
    free(step);
    return 0;
}
