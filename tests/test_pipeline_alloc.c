/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_pipeline_alloc.c
 * @brief Allocation failures through the whole pipeline (issue 14; h3
 * testH3Memory.c, SQLite's anomaly tests): building a job, reading a job
 * file, vemt_pipeline_run() and vemt_pipeline_write() on a small input the
 * test generates (incidents with bad rows, missing episodes, a study area
 * and a flagged place, so that every stage runs), with allocation number N
 * made to fail.
 *
 * Every directory of ours (engine/, ingest/, outputs/, pipeline/ and the
 * disclosure code pipeline/ builds from cli/) is compiled into this test
 * with VEMT_ALLOC_TEST, so every allocation of ours is counted: the stage
 * code's, and the engine's and the writers' below it. (The engine's
 * allocation helpers can't be compiled in alone, as in ingest_alloc: the
 * engine and outputs code linked from the libraries would pull the
 * libraries' own engine/alloc.c in beside them.) GDAL, GEOS, PROJ, GSL and
 * json-c allocate with their own malloc and never fail here.
 *
 * One thread (--threads 1), so the allocations come in the same order on
 * every run. A failing call must return VEMT_E_NOMEM with err saying so,
 * never crash, and leave nothing behind: the result is destroyed after
 * each call, so ASan's leak check (the sanitizer build, detect_leaks=1)
 * finds any leak, and a failed write leaves no file. VEMT_OK is accepted
 * only with the reference result, every logged line included: a failure
 * that changes nothing (the ingest's memo of pseudonyms stops growing). Nothing
 * may degrade the result with VEMT_OK (the automatic KDE bandwidth and a unit's
 * polygon once did: they now say VEMT_E_NOMEM).
 *
 * Coverage: a run makes about 1,100 allocations from about 390 call sites
 * (a site: the allocating function and its callers, six frames deep), a
 * write about 1,400 from 40; each call takes 60 to 150 ms, mostly PROJ's
 * database, so not every N is swept. Instead a failure-free call records
 * each allocation's site, and the sweep fails the first and the second
 * allocation of every site (the second finds what the first pass of a loop
 * leaves behind): about 480 runs and 65 writes, some 35 s in a normal
 * build and 110 s under ASan. The test prints the counts.
 */
#include <dirent.h>
#include <execinfo.h>
#include <gdal.h>
#include <gsl/gsl_errno.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/job.h"
#include "pipeline/pipeline.h"
#include "tests/alloc_fail.h"
#include "tests/test.h"
#include "tests/testutil.h"

/* The allocations of each call site that are made to fail. */
enum { PER_SITE = 2 };

static char tmpdir[] = "/tmp/vemt-pipeline-alloc-XXXXXX";
static char incidents[128], missing[128], boundary[128], flags[128];
static char out[128], jobfile[128];

/* Numerical Recipes' LCG: the same inputs on every machine. */
static double uniform(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return (double)(*s >> 8) / (double)(1u << 24);
}

/* 150 incidents over twelve months (one in three at a hot spot), with a
 * row located nowhere, an id used twice and a bad date; 30
 * missing episodes of eight children (repeat children), found near the hot
 * spot; the study area around them (WGS 84); one flagged place, at the
 * first episode's missing-from place. */
static bool write_inputs(void) {
    snprintf(incidents, sizeof incidents, "%s/incidents.csv", tmpdir);
    snprintf(missing, sizeof missing, "%s/missing.csv", tmpdir);
    snprintf(boundary, sizeof boundary, "%s/boundary.geojson", tmpdir);
    snprintf(flags, sizeof flags, "%s/flags.geojson", tmpdir);
    snprintf(out, sizeof out, "%s/out.gpkg", tmpdir);
    snprintf(jobfile, sizeof jobfile, "%s/job.json", tmpdir);
    uint32_t seed = 15;
    FILE *f = fopen(incidents, "w");
    if (!f) return false;
    fputs("id,occurred_at,easting,northing,category,subject_id\n", f);
    for (int i = 0; i < 150; i++) {
        bool hot = i % 3 == 0;
        double x = hot ? 460950 + 100 * uniform(&seed)
                       : 459500 + 3000 * uniform(&seed);
        double y = hot ? 520950 + 100 * uniform(&seed)
                       : 519500 + 3000 * uniform(&seed);
        fprintf(f, "I%03d,2024-%02d-%02dT%02d:00:00Z,%.1f,%.1f,%s,S%02d\n", i,
                1 + i % 12, 1 + i % 28, i % 24, x, y,
                i % 2 ? "violence" : "sexual-offence", i % 20);
    }
    fputs("I900,2024-03-03,,,violence,S01\n", f);
    fputs("I000,2024-01-01T00:00:00Z,460000,520000,violence,S00\n", f);
    fputs("I901,2024-02-30,460000,520000,violence,S01\n", f);
    if (fclose(f) != 0 || !(f = fopen(missing, "w"))) return false;
    fputs(
        "episode_id,child_id,missing_at,returned_at,from_easting,"
        "from_northing,found_easting,found_northing,looked_after,"
        "placing_authority\n",
        f);
    for (int i = 0; i < 30; i++) {
        int m = 1 + i % 12, d = 1 + i % 5;
        fprintf(f,
                "E%02d,C%d,2024-%02d-%02dT18:00:00Z,2024-%02d-%02dT23:00:00Z,"
                "%d,520400,%.1f,%.1f,%s,Redcar and Cleveland\n",
                i, i % 8, m, d, m, d, 460200 + 300 * (i % 4),
                460900 + 200 * uniform(&seed), 520900 + 200 * uniform(&seed),
                i % 2 ? "yes" : "no");
    }
    if (fclose(f) != 0 || !(f = fopen(boundary, "w"))) return false;
    fputs(
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
        "\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":"
        "\"study area\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[459400,519400],[462600,519400],[462600,522600],[459400,522600],"
        "[459400,519400]]]}}]}\n",
        f);
    if (fclose(f) != 0 || !(f = fopen(flags, "w"))) return false;
    fputs(
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
        "\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":"
        "\"home\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
        "[460200,520400]}}]}\n",
        f);
    if (fclose(f) != 0 || !(f = fopen(jobfile, "w"))) return false;
    fputs(
        "{\"incidents\": [\"incidents.csv\"], \"missing\": \"missing.csv\", "
        "\"cell_size\": 250, \"no_kde\": true, \"permutations\": 9, "
        "\"nr_time\": \"0,7,14,21\", \"tier\": \"partner\"}\n",
        f);
    return fclose(f) == 0;
}

/* The options of the swept run. */
static const char *const run_words[] = {
    "--incidents",    incidents,     "--missing",     missing,
    "--boundary",     boundary,      "--flag-places", flags,
    "--out",          out,           "--threads",     "1",
    "--permutations", "9",           "--seed",        "3",
    "--kde-pixel",    "100",         "--cell-size",   "400",
    "--nr-space",     "0,1,200,400", "--nr-time",     "0,7,14",
    "--report",       NULL};

/* The job of the swept run, built without failures. */
static bool run_job(vemt_job *job) {
    static char report[160];
    snprintf(report, sizeof report, "%s/report.md", tmpdir);
    const char *words[sizeof run_words / sizeof *run_words + 1];
    size_t n = 0;
    for (; run_words[n]; n++) words[n] = run_words[n];
    words[n++] = report;
    words[n] = NULL;
    vemt_error err = {0};
    alloc_fail_at(0);
    if (test_job_from_words(job, VEMT_JOB_RUN, words, &err)) {
        fprintf(stderr, "  the swept job is refused: %s\n", err.msg);
        return false;
    }
    return true;
}

/* What a run gave, to compare a run after a harmless failure with: its
 * status, row counts, units, Gi* z and bins, and every line it logged. */
typedef struct outcome {
    vemt_status st;
    long read, used, rejected, events, units;
    uint64_t gi; /* hash of the z (bit for bit) and the bins */
    char *log;   /* the lines, warnings marked "W: " (the test's memory) */
    size_t n_log;
} outcome;

static void on_log(void *user, vemt_log_level level, const char *text) {
    outcome *o = user;
    size_t k = strlen(text), mark = level == VEMT_LOG_WARNING ? 3 : 0;
    char *p = realloc(o->log, o->n_log + mark + k + 1);
    if (!p) abort();
    memcpy(p + o->n_log, "W: ", mark);
    memcpy(p + o->n_log + mark, text, k + 1);
    o->log = p;
    o->n_log += mark + k;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211u;
    return h;
}

static void describe(const vemt_result *res, vemt_status st, outcome *o) {
    o->st = st;
    if (!res) return;
    size_t n;
    const vemt_source *src = vemt_result_sources(res, &n);
    for (size_t i = 0; i < n; i++) {
        o->read += src[i].n_read;
        o->used += src[i].n_used;
        o->rejected += src[i].n_rejected;
    }
    o->events = (long)vemt_result_events(res)->n;
    const vemt_units *g = vemt_result_units(res);
    const double *z = vemt_result_gi_z(res);
    const int8_t *bin = vemt_result_gi_bin(res);
    o->units = g ? (long)vemt_units_count(g) : 0;
    o->gi = 1469598103934665603u;
    if (z && bin) {
        o->gi = fnv(o->gi, z, (size_t)o->units * sizeof *z);
        o->gi = fnv(o->gi, bin, (size_t)o->units);
    }
}

static void outcome_clear(outcome *o) {
    free(o->log);
    memset(o, 0, sizeof *o);
}

static bool same_numbers(const outcome *a, const outcome *b) {
    return a->st == b->st && a->read == b->read && a->used == b->used &&
           a->rejected == b->rejected && a->events == b->events &&
           a->units == b->units && a->gi == b->gi;
}

static bool same(const outcome *a, const outcome *b) {
    return same_numbers(a, b) && a->n_log == b->n_log &&
           (!a->n_log || !memcmp(a->log, b->log, a->n_log));
}

/* The line of log that starts with prefix (after a newline), or NULL. */
static const char *line_of(const char *log, const char *prefix) {
    for (const char *p = log; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, prefix, strlen(prefix))) return p;
    return NULL;
}

/* Sweep tallies. */
typedef struct tally {
    long swept, nomem, harmless;
} tally;

/* One run with allocation n failing (0: none); its outcome (cleared by
 * the caller). The result is destroyed, so a leak shows in the sanitizer
 * build. */
static long run_once(const vemt_job *job, long n, outcome *o) {
    vemt_result *res = NULL;
    vemt_error err = {0};
    memset(o, 0, sizeof *o);
    vemt_callbacks cb = {.log = on_log, .user = o};
    alloc_fail_at(n);
    vemt_status st = vemt_pipeline_run(job, &cb, &res, &err);
    long count = alloc_count();
    alloc_fail_at(0);
    describe(res, st, o);
    if (st && (err.code != st || !err.msg[0]))
        o->st = VEMT_E_ARG; /* a status without why */
    if (st != VEMT_OK && st != VEMT_E_NOMEM)
        fprintf(stderr, "  allocation %ld: status %d (%s): %s\n", n, (int)st,
                vemt_status_str(st), err.msg);
    vemt_result_destroy(res);
    return count;
}

/* Check one failing call: VEMT_E_NOMEM, or VEMT_OK with the reference. */
static void judge(test_state *t_, long n, const outcome *ref,
                  const outcome *got, tally *t) {
    t->swept++;
    if (got->st == VEMT_E_NOMEM)
        t->nomem++;
    else if (same(got, ref))
        t->harmless++;
    else
        TEST_FAIL_AT(t_, "run: allocation %ld failed: status %d (%s)%s", n,
                     (int)got->st, vemt_status_str(got->st),
                     got->st ? "" : ", a different result");
}

/* Where each allocation of a failure-free call comes from: a hash of its
 * call stack (the allocating function and its callers, six frames), so
 * that the allocations of one call site in a loop share it. */
typedef struct sites {
    uint64_t *hash; /* by allocation number - 1 */
    size_t n, cap;
} sites;

static sites SITES;

static void record_site(long n) {
    void *frames[8];
    int k = backtrace(frames, 8);
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (int i = 1; i < k; i++)
        h = (h ^ (uint64_t)(uintptr_t)frames[i]) * 1099511628211u;
    if ((size_t)n > SITES.cap) {
        size_t cap = SITES.cap ? 2 * SITES.cap : 4096;
        uint64_t *p = realloc(SITES.hash, cap * sizeof *p);
        if (!p) abort();
        SITES.hash = p;
        SITES.cap = cap;
    }
    SITES.hash[n - 1] = h;
    if ((size_t)n > SITES.n) SITES.n = (size_t)n;
}

/* The allocations to fail, ascending: the first PER_SITE of every call
 * site. Returns how many; *n_sites the distinct call sites. Caller frees
 * *picked. */
static size_t schedule(long **picked, size_t *n_sites) {
    size_t n = SITES.n, m = 0;
    long *pick = malloc((n + 1) * sizeof *pick);
    uint64_t *seen = calloc(2 * n + 2, sizeof *seen); /* open addressing */
    unsigned char *times = calloc(2 * n + 2, 1);
    if (!pick || !seen || !times) abort();
    *n_sites = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = SITES.hash[i] | 1; /* 0 marks a free slot */
        size_t slot = (size_t)(h % (2 * n + 2));
        while (seen[slot] && seen[slot] != h) slot = (slot + 1) % (2 * n + 2);
        if (!seen[slot]) ++*n_sites;
        seen[slot] = h;
        if (times[slot] < PER_SITE) {
            times[slot]++;
            pick[m++] = (long)i + 1;
        }
    }
    free(seen);
    free(times);
    *picked = pick;
    return m;
}

TEST(run_sweep) {
    vemt_job job;
    if (!run_job(&job)) {
        CHECK(false);
        return;
    }
    outcome ref, got;
    SITES.n = 0;
    alloc_observer = record_site;
    long total = run_once(&job, 0, &ref);
    alloc_observer = NULL;
    CHECK_STATUS(ref.st, VEMT_OK);
    CHECK(ref.units > 0 && ref.rejected > 0 && ref.events > 0);
    CHECK(line_of(ref.log, "density: quartic") &&
          line_of(ref.log, "trends: ") && !line_of(ref.log, "trends: not") &&
          line_of(ref.log, "flagged places: ") &&
          line_of(ref.log, "near repeats: Knox") &&
          line_of(ref.log, "co-location: incidents"));
    CHECK_INT_EQ(SITES.n, total);
    /* The run is deterministic: the same count and result every time. */
    CHECK_INT_EQ(run_once(&job, 0, &got), total);
    CHECK(same(&got, &ref));
    outcome_clear(&got);
    long *pick;
    size_t n_sites, n_pick = schedule(&pick, &n_sites);
    tally t = {0};
    for (size_t i = 0; i < n_pick; i++) {
        long n = pick[i], count = run_once(&job, n, &got);
        if (count < n)
            TEST_FAIL_AT(t_, "run: allocation %ld never asked for", n);
        else
            judge(t_, n, &ref, &got, &t);
        outcome_clear(&got);
    }
    free(pick);
    /* One past the last: nothing fails, the reference result. */
    CHECK_INT_EQ(run_once(&job, total + 1, &got), total);
    CHECK(same(&got, &ref));
    outcome_clear(&got);
    outcome_clear(&ref);
    fprintf(stderr,
            "  run: %ld allocations from %zu call sites; %ld failures swept: "
            "%ld VEMT_E_NOMEM, %ld VEMT_OK with the same result\n",
            total, n_sites, t.swept, t.nomem, t.harmless);
    CHECK(t.nomem > t.swept * 9 / 10);
    vemt_job_clear(&job);
}

/* What a GeoPackage holds, in short: each layer's name, features and
 * features without a geometry (in a layer that has one). */
static uint64_t gpkg_fingerprint(const char *path, long *no_geometry) {
    uint64_t h = 1469598103934665603u;
    *no_geometry = 0;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds) return 0;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        const char *name = OGR_L_GetName(l);
        long features = 0;
        bool geometry = OGR_L_GetGeomType(l) != wkbNone;
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l))) {
            features++;
            *no_geometry += geometry && !OGR_F_GetGeometryRef(f);
            OGR_F_Destroy(f);
        }
        h = fnv(h, name, strlen(name) + 1);
        h = fnv(h, &features, sizeof features);
    }
    GDALClose(ds);
    return h;
}

/* Files in the scratch folder that are not the inputs: what a write left. */
static int leftovers(void) {
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
             !strstr(e->d_name, ".csv") && !strstr(e->d_name, "json") &&
             strcmp(e->d_name, "report.md");
    if (d) closedir(d);
    return n;
}

/* What one write gave. */
typedef struct written {
    vemt_status st;
    long count;       /* allocations the write asked for */
    uint64_t gpkg;    /* gpkg_fingerprint() of the output, 0: none */
    long no_geometry; /* its features without a geometry */
    int left;         /* files left besides the output */
} written;

/* A run without failures, then its write with allocation n failing (0:
 * none); the outputs are removed after each. */
static void write_once(const vemt_job *job, long n, bool observe, written *w) {
    vemt_result *res = NULL;
    vemt_error err = {0};
    memset(w, 0, sizeof *w);
    alloc_fail_at(0);
    w->st = vemt_pipeline_run(job, NULL, &res, &err);
    if (w->st) { /* the run must not fail here */
        vemt_result_destroy(res);
        w->st = VEMT_E_ARG;
        return;
    }
    alloc_observer = observe ? record_site : NULL;
    alloc_fail_at(n);
    w->st = vemt_pipeline_write(res, 0, NULL, &err);
    w->count = alloc_count();
    alloc_fail_at(0);
    alloc_observer = NULL;
    vemt_result_destroy(res);
    if (w->st && (err.code != w->st || !err.msg[0]))
        w->st = VEMT_E_ARG; /* a status without why */
    if (w->st != VEMT_OK && w->st != VEMT_E_NOMEM)
        fprintf(stderr, "  write, allocation %ld: status %d (%s): %s\n", n,
                (int)w->st, vemt_status_str(w->st), err.msg);
    if (access(out, F_OK) == 0)
        w->gpkg = gpkg_fingerprint(out, &w->no_geometry);
    unlink(out);
    w->left = leftovers();
}

TEST(write_sweep) {
    vemt_job job;
    if (!run_job(&job)) {
        CHECK(false);
        return;
    }
    written ref, got;
    SITES.n = 0;
    write_once(&job, 0, true, &ref);
    CHECK_STATUS(ref.st, VEMT_OK);
    CHECK(ref.gpkg != 0 && ref.count > 10);
    CHECK_INT_EQ(ref.left, 0);
    CHECK_INT_EQ(SITES.n, ref.count);
    long *pick;
    size_t n_sites, n_pick = schedule(&pick, &n_sites);
    long nomem = 0, same_file = 0;
    for (size_t i = 0; i < n_pick; i++) {
        long n = pick[i];
        write_once(&job, n, false, &got);
        if (got.count < n) {
            TEST_FAIL_AT(t_, "write: allocation %ld never asked for", n);
            continue;
        }
        /* Whole or not at all: no output and nothing else left after a
         * failure. */
        if (got.left || (got.st && got.gpkg))
            TEST_FAIL_AT(t_, "write: allocation %ld left %d file(s)%s", n,
                         got.left, got.gpkg ? " and the output" : "");
        if (got.st == VEMT_E_NOMEM)
            nomem++;
        else if (got.st == VEMT_OK && got.gpkg == ref.gpkg &&
                 got.no_geometry == ref.no_geometry)
            same_file++;
        else
            TEST_FAIL_AT(t_, "write: allocation %ld failed: status %d (%s)%s",
                         n, (int)got.st, vemt_status_str(got.st),
                         got.st ? "" : ", a different file");
    }
    free(pick);
    fprintf(stderr,
            "  write: %ld allocations from %zu call sites; %zu failures "
            "swept: %ld VEMT_E_NOMEM, %ld VEMT_OK with the same file\n",
            ref.count, n_sites, n_pick, nomem, same_file);
    CHECK(nomem > (long)n_pick * 3 / 4);
    vemt_job_clear(&job);
}

/* Building a job: options given one by one, the demo's defaults. */
static vemt_status give_options(void *arg, vemt_ctx *ctx) {
    (void)arg;
    (void)ctx;
    vemt_job job;
    vemt_error err = {0};
    vemt_status st = test_job_from_words(
        &job, VEMT_JOB_RUN,
        (const char *const[]){"--demo", "--cell-size", "250", "--categories",
                              "violence", "--out", "x.gpkg", "--quiet", NULL},
        &err);
    if (st && err.code != st) st = VEMT_E_ARG; /* the status without why */
    vemt_job_clear(&job);
    return st;
}

/* Reading a job file, its relative paths resolved. */
static vemt_status read_job_file(void *arg, vemt_ctx *ctx) {
    (void)arg;
    (void)ctx;
    vemt_job job;
    vemt_error err = {0};
    vemt_job_init(&job, VEMT_JOB_RUN);
    vemt_status st = vemt_job_read_file(&job, jobfile, &err);
    if (!st)
        st = vemt_job_give(&job, (size_t)vemt_job_option_find("--out"),
                           "x.gpkg", &err);
    if (!st) st = vemt_job_finish(&job, &err);
    if (!st && (job.n_inputs != 2 || strcmp(job.inputs[0].path, incidents)))
        st = VEMT_E_ARG;
    if (st && err.code != st) st = VEMT_E_ARG;
    vemt_job_clear(&job);
    return st;
}

TEST(job_sweep) {
    CHECK(alloc_sweep(t_, "job options", give_options, NULL) >= 5);
    CHECK(alloc_sweep(t_, "job file", read_job_file, NULL) >= 10);
}

TEST_SUITE(pipeline_alloc) {
    if (!mkdtemp(tmpdir) || !write_inputs()) {
        fprintf(stderr, "can't write the inputs in %s\n", tmpdir);
        return;
    }
    gsl_set_error_handler_off();
    GDALAllRegister();
    RUN(job_sweep);
    RUN(run_sweep);
    RUN(write_sweep);
    free(SITES.hash);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "can't remove %s\n", tmpdir);
    GDALDestroy();
    proj_cleanup();
}
