/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_dbscan.c
 * @brief DBSCAN, ST-DBSCAN and HDBSCAN on generated incidents: time per
 * run and the result. Peer comparison: tests/bench/RESULTS.md.
 *
 *   bench_dbscan                             the suite: 100,000 and
 *       1,000,000 incidents of the fixture generator (seed 1)
 *   bench_dbscan METHOD POINTS.csv [MIN] [REPS]
 *       METHOD dbscan, stdbscan, stdbscan-days (every third incident
 *       known only to its UTC day: time gaps in calendar days, the
 *       index searched with a slack and each pair checked) or hdbscan
 *       (or load: read only, the
 *       baseline for peak memory) on a CSV with columns easting,
 *       northing (and occurred_at, ISO 8601 UTC, for stdbscan), such as
 *       ../shared/peers/gen_points.py writes; eps 250 m (14 days), MIN
 *       points (HDBSCAN: min_cluster_size; default 10 per 10,000 points),
 *       REPS runs (default 3).
 */
#include <stdlib.h>

#include "engine/engine.h"
#include "tests/bench/bench.h"
#include "tests/ref/csv_table.h"

typedef struct pts {
    size_t n;
    double *x, *y;
    int64_t *t;
} pts;

static bool parse_time(const char *s, int64_t *t) {
    int Y, M, D, h, m, sec;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &Y, &M, &D, &h, &m, &sec) != 6)
        return false;
    *t = vemt_days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec;
    return true;
}

/* Rows whose coordinates (and time) parse, at most limit (0 = all). */
static bool load(const char *path, size_t limit, pts *p) {
    csv_table tb;
    if (csv_table_load(path, &tb)) return false;
    int cx = csv_col(&tb, "easting"), cy = csv_col(&tb, "northing");
    int ct = csv_col(&tb, "occurred_at");
    p->x = malloc(tb.rows * sizeof *p->x);
    p->y = malloc(tb.rows * sizeof *p->y);
    p->t = malloc(tb.rows * sizeof *p->t);
    p->n = 0;
    for (size_t i = 0; cx >= 0 && cy >= 0 && i < tb.rows; i++) {
        if (limit && p->n == limit) break;
        char *e1, *e2;
        p->x[p->n] = strtod(csv_get(&tb, i, cx), &e1);
        p->y[p->n] = strtod(csv_get(&tb, i, cy), &e2);
        if (*e1 || *e2 || e1 == csv_get(&tb, i, cx)) continue;
        if (ct < 0 || !parse_time(csv_get(&tb, i, ct), &p->t[p->n]))
            p->t[p->n] = 0;
        p->n++;
    }
    csv_table_free(&tb);
    return p->n > 0;
}

/* Peak resident memory since the last reset, MB (Linux: VmHWM of
 * /proc/self/status; writing 5 to /proc/self/clear_refs resets it), so the
 * peak of a method excludes reading the CSV. -1 where unsupported. */
static void reset_peak(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

static double peak_mb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) kb = atof(line + 6);
    if (f) fclose(f);
    return kb < 0 ? -1 : kb / 1024;
}

static void run(const char *method, const pts *p, size_t min_pts, int reps) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_points v = {p->n, p->x, p->y, p->t, NULL, NULL};
    int32_t *lab = malloc(p->n * sizeof *lab);
    bool days = !strcmp(method, "stdbscan-days");
    int64_t *t = days ? malloc(p->n * sizeof *t) : NULL;
    uint8_t *prec = days ? malloc(p->n) : NULL;
    int32_t *date = days ? malloc(p->n * sizeof *date) : NULL;
    for (size_t i = 0; days && i < p->n; i++) {
        int64_t d =
            p->t[i] >= 0 ? p->t[i] / 86400 : -((-p->t[i] + 86399) / 86400);
        prec[i] = i % 3 ? VEMT_PREC_SECOND : VEMT_PREC_DAY;
        t[i] = i % 3 ? p->t[i] : d * 86400;
        date[i] = (int32_t)d;
    }
    if (days) v.t = t, v.precision = prec;
    size_t k = 0, noise = 0;
    char name[96];
    double best = 0;
    snprintf(name, sizeof name, "%s n=%zu min=%zu", method, p->n, min_pts);
    vemt_status st = VEMT_OK;
    reset_peak();
    if (!strcmp(method, "hdbscan")) {
        vemt_hdbscan_opts o = {min_pts, 0};
        BENCH(
            name, reps, best,
            st = vemt_hdbscan_compute(ctx, &v, &o, lab, NULL, NULL, &k, NULL));
    } else {
        vemt_dbscan_opts o = {
            250,        min_pts, days || !strcmp(method, "stdbscan"),
            14 * 86400, false,   date,
            false};
        BENCH(name, reps, best,
              st = vemt_dbscan_compute(ctx, &v, &o, lab, NULL, &k));
    }
    for (size_t i = 0; i < p->n; i++) noise += lab[i] < 0;
    if (st)
        printf("  failed: %s\n", vemt_ctx_error(ctx)->msg);
    else
        printf(
            "  %zu clusters, %zu noise; best %.3f s; peak RSS %.0f MB "
            "(points included)\n",
            k, noise, best, peak_mb());
    free(lab);
    free(t), free(prec), free(date);
    vemt_ctx_destroy(ctx);
}

static void free_pts(pts *p) {
    free(p->x);
    free(p->y);
    free(p->t);
}

/* The suite over the fixture generator's incidents (as bench_cube). */
static int suite(void) {
    if (system("test -s bench-ingest/incidents.csv || '" VEMT_FIXTURES_BIN
               "' --out-dir bench-ingest --incidents 999999 >/dev/null"))
        return 1;
    pts p;
    if (!load("bench-ingest/incidents.csv", 100000, &p)) return 1;
    run("dbscan", &p, 100, 3);
    run("stdbscan", &p, 100, 3);
    run("stdbscan-days", &p, 100, 3);
    run("hdbscan", &p, 100, 1);
    free_pts(&p);
    if (!load("bench-ingest/incidents.csv", 0, &p)) return 1;
    run("dbscan", &p, p.n / 1000, 1);
    run("stdbscan", &p, p.n / 1000, 1);
    free_pts(&p);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return suite();
    pts p;
    if (!load(argv[2], 0, &p)) {
        fprintf(stderr, "bench_dbscan: cannot read %s\n", argv[2]);
        return 1;
    }
    if (!strcmp(argv[1], "load")) { /* baseline for peak memory */
        printf("loaded %zu points\n", p.n);
        free_pts(&p);
        return 0;
    }
    size_t min_pts = argc > 3 ? (size_t)atol(argv[3]) : p.n / 1000;
    run(argv[1], &p, min_pts ? min_pts : 10, argc > 4 ? atoi(argv[4]) : 3);
    free_pts(&p);
    return 0;
}
