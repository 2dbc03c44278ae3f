/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_gistar.c
 * @brief Gi* (analytic z and p) plus its conditional permutation test with
 * 999 draws on 100,000 cells (a 400 x 250 grid of 100 m, queen + self
 * weights; counts drawn from Poisson means with a few bumps, GSL mt19937,
 * seed 1), with 1 and 2 threads, beside R spdep's localG + localG_perm
 * (nsim 999) on the same cells and weights in the same run.
 *
 *   bench_gistar [REPEATS [R_REPEATS]]   (default 3 and 1; R_REPEATS 0
 *                                          skips R)
 *
 * Prints the median of the repeats. Writes bench-gistar/counts.csv.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/engine.h"
#include "tests/bench/bench.h"

enum { NCOL = 400, NROW = 250, N = NCOL * NROW, NSIM = 999 };
#define CELL 100.0

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, int n) {
    qsort(t, (size_t)n, sizeof *t, by_value);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* Poisson counts around 3 events a cell, with six bumps of up to 12 more. */
static void make_counts(double *x) {
    static const double bump[6][3] = {{60, 40, 4},  {150, 200, 6},
                                      {250, 90, 3}, {320, 180, 8},
                                      {380, 30, 5}, {200, 125, 10}};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    for (int i = 0; i < N; i++) {
        double c = i % NCOL, w = i / NCOL, mu = 3;
        for (int b = 0; b < 6; b++) {
            double d2 = (c - bump[b][0]) * (c - bump[b][0]) +
                        (w - bump[b][1]) * (w - bump[b][1]);
            mu += 12 * exp(-d2 / (2 * bump[b][2] * bump[b][2]));
        }
        x[i] = gsl_ran_poisson(r, mu);
    }
    gsl_rng_free(r);
}

static int write_csv(const char *path, const double *x) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "col,row,count\n");
    for (int i = 0; i < N; i++)
        fprintf(f, "%d,%d,%.0f\n", i % NCOL, i / NCOL, x[i]);
    return fclose(f);
}

/* vemt: analytic Gi* + 999 permutations, median of repeats. */
static double time_vemt(vemt_ctx *ctx, const vemt_weights *w, const double *x,
                        unsigned threads, int repeats, size_t *significant) {
    double *z = malloc(N * sizeof *z), *p = malloc(N * sizeof *p),
           *ps = malloc(N * sizeof *ps), t[16];
    vemt_perm_opts o = {.permutations = NSIM, .seed = 1, .threads = threads};
    for (int k = 0; k < repeats; k++) {
        double t0 = bench_now_s();
        vemt_gistar_compute(ctx, w, x, N, z, p);
        vemt_gistar_permute(ctx, w, x, N, &o, ps);
        t[k] = bench_now_s() - t0;
    }
    *significant = 0;
    for (int i = 0; i < N; i++) *significant += ps[i] < 0.05;
    free(z), free(p), free(ps);
    return median(t, repeats);
}

/* spdep: the whole Rscript run and its localG_perm stage, medians. */
static int time_spdep(int repeats, double *wall, double *perm, long *sig) {
    double tw[16], tp[16];
    for (int k = 0; k < repeats; k++) {
        double t0 = bench_now_s();
        if (system("Rscript '" VEMT_BENCH_DIR "/bench_gistar_spdep.R' "
                   "bench-gistar/counts.csv 100 999 > bench-gistar/spdep.txt"))
            return -1;
        tw[k] = bench_now_s() - t0;
        FILE *f = fopen("bench-gistar/spdep.txt", "r");
        char stage[32];
        double s;
        while (f && fscanf(f, "%31s %lf", stage, &s) == 2) {
            if (!strcmp(stage, "localG_perm")) tp[k] = s;
            if (!strcmp(stage, "significant")) *sig = (long)s;
        }
        if (f) fclose(f);
    }
    *wall = median(tw, repeats);
    *perm = median(tp, repeats);
    return 0;
}

int main(int argc, char **argv) {
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    int r_repeats = argc > 2 ? atoi(argv[2]) : 1;
    if (repeats < 1 || repeats > 16 || r_repeats < 0 || r_repeats > 16)
        return 2;
    double *x = malloc(N * sizeof *x), *xy = malloc(2 * N * sizeof *xy);
    make_counts(x);
    for (int i = 0; i < N; i++) {
        xy[2 * i] = (i % NCOL + 0.5) * CELL;
        xy[2 * i + 1] = (i / NCOL + 0.5) * CELL;
    }
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    double t0 = bench_now_s();
    if (vemt_weights_band(ctx, xy, N, CELL * sqrt(2.0), true, &w)) return 1;
    printf("weights (queen + self, %d cells): %.3f s\n", N, bench_now_s() - t0);
    size_t sig1, sig2;
    double v1 = time_vemt(ctx, w, x, 1, repeats, &sig1);
    double v2 = time_vemt(ctx, w, x, 2, repeats, &sig2);
    printf("vemt Gi* + %d permutations, 1 thread:  %.3f s (median of %d)\n",
           NSIM, v1, repeats);
    printf("vemt Gi* + %d permutations, 2 threads: %.3f s (median of %d)\n",
           NSIM, v2, repeats);
    printf("  cells with p_sim < 0.05: %zu (%s for 1 and 2 threads)\n", sig1,
           sig1 == sig2 ? "same" : "DIFFERENT");
    mkdir("bench-gistar", 0755);
    if (r_repeats && !write_csv("bench-gistar/counts.csv", x)) {
        double wall, perm;
        long sig = -1;
        if (time_spdep(r_repeats, &wall, &perm, &sig)) return 1;
        printf(
            "spdep localG + localG_perm(nsim %d): Rscript %.1f s, "
            "localG_perm %.1f s (median of %d); p_sim < 0.05: %ld\n",
            NSIM, wall, perm, r_repeats, sig);
        printf(
            "ratio spdep / vemt: Rscript / 1 thread %.0fx, localG_perm / "
            "1 thread %.0fx, localG_perm / 2 threads %.0fx\n",
            wall / v1, perm / v1, perm / v2);
    }
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
    free(x), free(xy);
    return 0;
}
