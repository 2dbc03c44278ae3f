/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_rtree.c
 * @brief The packed R-tree loader (outputs/rtree.c) against SQLite's
 * R*Tree filled one INSERT a row (what GDAL's GeoPackage driver and its
 * triggers do): 1M and 10M random points over 20 x 15 km of British
 * National Grid, fids 1..n in file order, into a file database (page 4096,
 * as a GeoPackage) inside one transaction. Prints the median and minimum
 * of the runs (wall clock), the median CPU time, the commit apart, and the
 * process's peak resident size.
 *
 * Usage: bench_rtree [max_n [runs]]   (defaults 10000000 and 3)
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/vemt.h"
#include "outputs/rtree.h"
#include "tests/bench/bench.h"

static uint64_t next_u64(uint64_t *s) { /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) {
    return (double)(next_u64(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* CPU seconds of this process: on a shared machine the wall clock counts
 * the other programs' turns too. */
static double cpu_now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc) fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return rc;
}

/* A fresh file database holding an empty rtree "t" (in a transaction). */
static sqlite3 *fresh(const char *path) {
    sqlite3 *db = NULL;
    unlink(path);
    if (sqlite3_open(path, &db) ||
        exec(db,
             "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
             "PRAGMA cache_size = -65536; BEGIN; CREATE VIRTUAL TABLE t "
             "USING rtree(id, minx, maxx, miny, maxy)")) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static double median3(double *t, int k) {
    for (int i = 1; i < k; i++) /* insertion sort, k is small */
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) {
            double x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    return t[k / 2];
}

/* Time one way of filling the index, runs times; returns 0 on success. */
static int run(const char *label, const char *path, const vemt_rtree_entry *e,
               size_t n, int runs, bool packed, vemt_rtree_entry *work) {
    double t_fill[16] = {0}, t_commit[16] = {0}, t_cpu[16] = {0};
    if (runs < 1) runs = 1;
    for (int r = 0; r < runs && r < 16; r++) {
        sqlite3 *db = fresh(path);
        if (!db) return 1;
        double t0 = bench_now_s(), c0 = cpu_now_s();
        int bad = 0;
        if (packed) {
            vemt_ctx *ctx = NULL;
            memcpy(work, e, n * sizeof *work); /* untimed below */
            t0 = bench_now_s();
            c0 = cpu_now_s();
            bad = vemt_ctx_create(1, &ctx) ||
                  vemt_rtree_load(ctx, db, "t", work, n);
            if (bad && ctx) fprintf(stderr, "%s\n", vemt_ctx_error(ctx)->msg);
            vemt_ctx_destroy(ctx);
        } else {
            sqlite3_stmt *st = NULL;
            bad = sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?,?,?,?,?)", -1,
                                     &st, NULL);
            for (size_t i = 0; i < n && !bad; i++) {
                sqlite3_bind_int64(st, 1, e[i].id);
                sqlite3_bind_double(st, 2, e[i].minx);
                sqlite3_bind_double(st, 3, e[i].maxx);
                sqlite3_bind_double(st, 4, e[i].miny);
                sqlite3_bind_double(st, 5, e[i].maxy);
                bad = sqlite3_step(st) != SQLITE_DONE;
                sqlite3_reset(st);
            }
            sqlite3_finalize(st);
        }
        double t1 = bench_now_s();
        t_cpu[r] = cpu_now_s() - c0;
        bad |= exec(db, "COMMIT");
        t_fill[r] = t1 - t0;
        t_commit[r] = bench_now_s() - t1;
        sqlite3_close(db);
        if (bad) return 1;
    }
    int k = runs < 16 ? runs : 16;
    double best = t_fill[0];
    for (int r = 1; r < k; r++)
        if (t_fill[r] < best) best = t_fill[r];
    double commit = median3(t_commit, k);
    printf(
        "%-36s n=%9zu  %d run(s)  median %7.3f s  min %7.3f s  "
        "cpu %7.3f s  (commit %.3f s)\n",
        label, n, k, median3(t_fill, k), best, median3(t_cpu, k), commit);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv) {
    size_t max_n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    char dir[] = "/tmp/vemt-bench-rtree-XXXXXX", path[64];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/rtree.sqlite", dir);
    printf("SQLite %s, page 4096 (1228-byte nodes, 51 cells), file at %s\n",
           sqlite3_libversion(), dir);
    int bad = 0;
    for (size_t n = 1000000; n <= max_n && !bad; n *= 10) {
        vemt_rtree_entry *e = malloc(n * sizeof *e);
        vemt_rtree_entry *work = malloc(n * sizeof *work);
        if (!e || !work) return 1;
        uint64_t s = 19;
        for (size_t i = 0; i < n; i++) {
            double x = 420000 + 20000 * uniform(&s);
            double y = 430000 + 15000 * uniform(&s);
            e[i] = (vemt_rtree_entry){(int64_t)i + 1, x, x, y, y};
        }
        bad |= run("vemt_rtree_load (fids 1..n)", path, e, n, runs, true, work);
        /* Sparse ids: the _rowid rows go in leaf order, not key order. */
        for (size_t i = 0; i < n && n <= 1000000; i++)
            e[i].id = (int64_t)((next_u64(&s) >> 24) << 20 | i);
        if (n <= 1000000)
            bad |= run("vemt_rtree_load (sparse 63-bit ids)", path, e, n, runs,
                       true, work);
        if (n <= 1000000) {
            for (size_t i = 0; i < n; i++) e[i].id = (int64_t)i + 1;
            bad |= run("INSERT row by row (rtree module)", path, e, n, 1, false,
                       work);
        }
        free(work);
        free(e);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf(
        "peak resident %.0f MB (the entries and their copy: 80 bytes an "
        "entry)\n",
        (double)ru.ru_maxrss / 1024.0);
    unlink(path);
    rmdir(dir);
    return bad;
}
