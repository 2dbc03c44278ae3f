/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_pipeline.c
 * @brief The pipeline library in-process (issue 14): jobs filled and
 * checked through vemt_job_*, then vemt_pipeline_run() and
 * vemt_pipeline_write() on a small input the test generates (a few hundred
 * incidents with a planted hot spot and some missing episodes, from a fixed
 * seed), with the log, progress and temp-file callbacks a program would
 * give. What is asserted: bad option values refused with VEMT_E_ARG and
 * their exact message before anything is read; a run's sources reconcile,
 * its units, Gi* z and bins; the lines the program prints arrive through
 * the log callback at the right level, and --quiet silences only the
 * information; a progress callback returning false cancels with
 * VEMT_E_CANCELLED; temporary files are announced before they exist and
 * are gone after writing; an ingest job gives events and rejects but no
 * units; the same job gives the same z at 1 and 2 threads.
 */
#include <cpl_conv.h>
#include <dirent.h>
#include <gdal.h>
#include <gsl/gsl_errno.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/job.h"
#include "pipeline/pipeline.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[] = "/tmp/vemt-pipeline-XXXXXX";

/* The generated inputs: row counts and the planted hot spot. */
enum { N_INCIDENTS = 360, N_EPISODES = 80, N_BAD_ROWS = 1 };
#define HOT_X 461050.0
#define HOT_Y 521050.0

static char incidents[128], missing[128], bad[256];

/* A growing text, the test's own memory. */
typedef struct text {
    char *s;
    size_t n;
} text;

static void text_add(text *t, const char *s) {
    size_t k = strlen(s);
    char *p = realloc(t->s, t->n + k + 1);
    if (!p) abort();
    memcpy(p + t->n, s, k + 1);
    t->s = p;
    t->n += k;
}

static bool text_has(const text *t, const char *needle) {
    return t->s && strstr(t->s, needle);
}

/* What the callbacks saw. */
typedef struct seen {
    text info, warning;
    long progress_calls;
    char stages[16][64]; /* the distinct stages reported, in order */
    int n_stages;
    const char *stop_at; /* return false at this stage ("" any), or NULL */
    char temps[32][512]; /* the temporary files announced */
    int n_temps;
    int temps_existing; /* how many existed when announced */
} seen;

static void seen_clear(seen *s) {
    free(s->info.s);
    free(s->warning.s);
    memset(s, 0, sizeof *s);
}

static void on_log(void *user, vemt_log_level level, const char *line) {
    seen *s = user;
    text_add(level == VEMT_LOG_WARNING ? &s->warning : &s->info, line);
}

static bool on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total) {
    seen *s = user;
    (void)done;
    (void)total;
    s->progress_calls++;
    bool known = false;
    for (int i = 0; i < s->n_stages; i++) known |= !strcmp(s->stages[i], stage);
    if (!known && s->n_stages < 16)
        snprintf(s->stages[s->n_stages++], sizeof s->stages[0], "%s", stage);
    if (!s->stop_at) return true;
    return *s->stop_at && strcmp(stage, s->stop_at);
}

static void on_temp(void *user, const char *path) {
    seen *s = user;
    if (s->n_temps < 32)
        snprintf(s->temps[s->n_temps++], sizeof s->temps[0], "%s", path);
    s->temps_existing += access(path, F_OK) == 0;
}

static vemt_callbacks callbacks(seen *s) {
    return (vemt_callbacks){on_log, on_progress, on_temp, s};
}

/* A path in the scratch folder (static, two in turn). */
static const char *in_tmp(const char *name) {
    static char paths[2][256];
    static int k;
    k = !k;
    snprintf(paths[k], sizeof paths[k], "%s/%s", tmpdir, name);
    return paths[k];
}

/* A small deterministic generator (Numerical Recipes' LCG): the same
 * files on every machine. */
static double uniform(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return (double)(*s >> 8) / (double)(1u << 24);
}

/* N_INCIDENTS incidents over twelve months of 2024 in a 3 km square, one
 * in three within 60 m of the hot spot; and N_EPISODES missing episodes
 * of sixteen children from four places, found near the hot spot. */
static bool write_inputs(void) {
    snprintf(incidents, sizeof incidents, "%s/incidents.csv", tmpdir);
    snprintf(missing, sizeof missing, "%s/missing.csv", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad/date.csv", VEMT_FIXTURES);
    uint32_t seed = 14;
    FILE *f = fopen(incidents, "w");
    if (!f) return false;
    fputs("id,occurred_at,easting,northing,category,subject_id\n", f);
    for (int i = 0; i < N_INCIDENTS; i++) {
        bool hot = i % 3 == 0;
        double x = hot ? HOT_X - 60 + 120 * uniform(&seed)
                       : 459500 + 3000 * uniform(&seed);
        double y = hot ? HOT_Y - 60 + 120 * uniform(&seed)
                       : 519500 + 3000 * uniform(&seed);
        fprintf(f, "I%04d,2024-%02d-%02dT%02d:%02d:00Z,%.1f,%.1f,%s,S%02d\n", i,
                1 + i % 12, 1 + i % 28, i % 24, i % 60, x, y,
                i % 2 ? "violence" : "sexual-offence", i % 40);
    }
    if (fclose(f) != 0) return false;
    if (!(f = fopen(missing, "w"))) return false;
    fputs(
        "episode_id,child_id,missing_at,returned_at,from_easting,"
        "from_northing,found_easting,found_northing,looked_after,"
        "placing_authority\n",
        f);
    for (int i = 0; i < N_EPISODES; i++) {
        int m = 1 + i % 12, d = 1 + i % 28;
        fprintf(f,
                "E%03d,C%02d,2024-%02d-%02dT18:00:00Z,2024-%02d-%02dT23:00:00Z,"
                "%d,%d,%.1f,%.1f,%s,Redcar and Cleveland\n",
                i, i % 16, m, d, m, d, 460200 + 300 * (i % 4), 520400,
                HOT_X - 100 + 200 * uniform(&seed),
                HOT_Y - 100 + 200 * uniform(&seed), i % 2 ? "yes" : "no");
    }
    return fclose(f) == 0;
}

/* The options of the small runs: both inputs, fast settings. */
#define SMALL_RUN                                                           \
    "--incidents", incidents, "--missing", missing, "--permutations", "99", \
        "--no-kde", "--seed", "7"

/* The message a job is refused with ("" when accepted). */
static const char *refused(vemt_job_command command, const char *const *words) {
    static char msg[256];
    vemt_job job;
    vemt_error err = {0};
    bool ok = test_job_from_words(&job, command, words, &err) == VEMT_OK;
    snprintf(msg, sizeof msg, "%s", ok ? "" : err.msg);
    if (!ok && err.code != VEMT_E_ARG)
        snprintf(msg, sizeof msg, "status %d, not VEMT_E_ARG", (int)err.code);
    vemt_job_clear(&job);
    return msg;
}

TEST(job_refuses_bad_values) {
    /* The inputs named here do not exist: a refusal comes before anything
     * is opened. */
    CHECK_STR_EQ(
        refused(VEMT_JOB_RUN,
                (const char *[]){"--incidents", "nowhere.csv", "--out",
                                 "o.gpkg", "--time-start", "2024-13", NULL}),
        "--time-start needs a date (2024-03 or 2024-03-01): 2024-13");
    CHECK_STR_EQ(
        refused(
            VEMT_JOB_RUN,
            (const char *[]){"--incidents", "nowhere.csv", "--out", "o.gpkg",
                             "--tier", "public", "--cell-size", "100", NULL}),
        "the public tier publishes units of at least 62500 m2 (a 250 m "
        "square); a cell of 100 m is 10000 m2: use --cell-size 250 or more");
    CHECK_STR_EQ(refused(VEMT_JOB_RUN,
                         (const char *[]){"--incidents", "nowhere.csv", "--out",
                                          "o.gpkg", "--tier", "public",
                                          "--time-step", "week", NULL}),
                 "the public tier publishes time steps no finer than a "
                 "month; use --time-step month");
    CHECK_STR_EQ(
        refused(VEMT_JOB_RUN, (const char *[]){"--out", "o.gpkg", NULL}),
        "no input: give --incidents or --missing, or --demo");
    CHECK_STR_EQ(refused(VEMT_JOB_INGEST,
                         (const char *[]){"--incidents", "nowhere.csv", NULL}),
                 "--out PATH.gpkg is required");
    CHECK_STR_EQ(
        refused(VEMT_JOB_RUN, (const char *[]){"--cell-size", "abc", NULL}),
        "--cell-size needs a number of metres >= 1: abc");
    CHECK_STR_EQ(
        refused(VEMT_JOB_RUN, (const char *[]){"--tier", "secret", NULL}),
        "--tier must be restricted, partner or public: secret");
    CHECK_STR_EQ(
        refused(VEMT_JOB_RUN, (const char *[]){"--permutations", "-1", NULL}),
        "--permutations needs a whole number from 0 to 99999: -1");
    /* The public tier with a cell size it allows is accepted, and an
     * ingest job is not held to the run's cell rules. */
    CHECK_STR_EQ(refused(VEMT_JOB_RUN,
                         (const char *[]){"--incidents", "nowhere.csv", "--out",
                                          "o.gpkg", "--tier", "public",
                                          "--cell-size", "250", NULL}),
                 "");
    CHECK_STR_EQ(refused(VEMT_JOB_INGEST,
                         (const char *[]){"--incidents", "nowhere.csv", "--out",
                                          "o.gpkg", "--tier", "public",
                                          "--cell-size", "100", NULL}),
                 "");

    vemt_job job;
    vemt_error err = {0};
    vemt_job_init(&job, VEMT_JOB_RUN);
    CHECK_INT_EQ(vemt_job_option_find("--bogus"), -1);
    CHECK_STATUS(vemt_job_give(&job, vemt_job_n_options(), "1", &err),
                 VEMT_E_ARG);
    CHECK_STR_EQ(err.msg, "internal error: no such option");
    CHECK(vemt_job_option_at(vemt_job_n_options()) == NULL);
    /* A value given is kept (copied) and marked given. */
    char value[] = "250";
    int k = vemt_job_option_find("--cell-size");
    CHECK(k >= 0);
    CHECK_STATUS(vemt_job_give(&job, (size_t)k, value, &err), VEMT_OK);
    value[0] = '9';
    CHECK_NEAR(job.cell_size_m, 250, 0);
    CHECK(job.given[k]);
    for (int i = 0; i < VEMT_MAX_INPUTS; i++)
        CHECK_STATUS(
            vemt_job_add_input(&job, "x.csv", VEMT_SOURCE_INCIDENTS, &err),
            VEMT_OK);
    CHECK_STATUS(vemt_job_add_input(&job, "x.csv", VEMT_SOURCE_INCIDENTS, &err),
                 VEMT_E_ARG);
    CHECK_STR_EQ(err.msg, "too many input files");
    vemt_job_clear(&job);
}

/* Run words as a job; the result (the caller destroys it) and status. */
static vemt_status run_job(vemt_job_command command, const char *const *words,
                           seen *s, vemt_job *job, vemt_result **res,
                           vemt_error *err) {
    *res = NULL;
    if (test_job_from_words(job, command, words, err)) return err->code;
    vemt_callbacks cb = callbacks(s);
    return vemt_pipeline_run(job, &cb, res, err);
}

TEST(run_refuses_before_reading) {
    /* A geographic analysis CRS and a missing output folder are usage
     * and I/O errors found before any input is read: no source, no line
     * about one. */
    const char *cases[][2] = {{"--analysis-crs", "EPSG:4326"},
                              {"--out", "/nonexistent-vemt-dir/o.gpkg"}};
    const vemt_status want[] = {VEMT_E_OPTION, VEMT_E_IO};
    for (int c = 0; c < 2; c++) {
        seen s = {0};
        vemt_job job;
        vemt_result *res;
        vemt_error err = {0};
        const char *words[] = {SMALL_RUN,   "--out",     in_tmp("never.gpkg"),
                               cases[c][0], cases[c][1], NULL};
        CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err),
                     want[c]);
        CHECK_INT_EQ(err.code, want[c]);
        size_t n = 99;
        if (res) vemt_result_sources(res, &n);
        CHECK_INT_EQ(n, 0);
        CHECK(!text_has(&s.info, "incidents.csv"));
        CHECK_INT_EQ(s.n_temps, 0);
        if (c == 0)
            CHECK(!strncmp(err.msg, "--analysis-crs EPSG:4326: ", 26));
        else
            CHECK_STR_EQ(err.source, "/nonexistent-vemt-dir");
        vemt_result_destroy(res);
        vemt_job_clear(&job);
        seen_clear(&s);
    }
    CHECK(access(in_tmp("never.gpkg"), F_OK) != 0);
}

static bool reconciles(const vemt_source *s) {
    return s->n_read == s->n_used + s->n_nowhere + s->n_merged + s->n_excluded +
                            s->n_rejected;
}

/* The number after prefix in text, or -1. */
static long number_after(const text *t, const char *prefix) {
    const char *p = t->s ? strstr(t->s, prefix) : NULL;
    return p ? strtol(p + strlen(prefix), NULL, 10) : -1;
}

TEST(run_result) {
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {SMALL_RUN, "--out", in_tmp("result.gpkg"), NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    if (!res) return;
    /* Every row of both files is used and accounted for. */
    size_t n_sources;
    const vemt_source *src = vemt_result_sources(res, &n_sources);
    CHECK_INT_EQ(n_sources, 2);
    for (size_t i = 0; i < n_sources; i++) {
        CHECK(reconciles(&src[i]));
        CHECK(vemt_source_reconciles(&src[i]));
    }
    CHECK_STR_EQ(src[0].path, incidents);
    CHECK_INT_EQ(src[0].n_read, N_INCIDENTS);
    CHECK_INT_EQ(src[0].n_used, N_INCIDENTS);
    CHECK_INT_EQ(src[1].n_read, N_EPISODES);
    CHECK_INT_EQ(src[1].n_used, N_EPISODES);
    /* An incident each, a missing-from and a found-at event an episode. */
    CHECK_INT_EQ(vemt_result_events(res)->n, N_INCIDENTS + 2 * N_EPISODES);
    CHECK_INT_EQ(vemt_result_rejects(res)->n, 0);

    /* Units, and Gi* z and bins that agree with each other. */
    const vemt_units *units = vemt_result_units(res);
    const double *z = vemt_result_gi_z(res);
    const int8_t *bin = vemt_result_gi_bin(res);
    CHECK(units && z && bin);
    if (!units || !z || !bin) goto done;
    size_t n = vemt_units_count(units), hot = SIZE_MAX, n_hot = 0;
    CHECK(n > 30);
    for (size_t i = 0; i < n; i++) {
        CHECK(bin[i] >= -3 && bin[i] <= 3);
        if (bin[i] > 0) CHECK(z[i] > 1.64);
        if (bin[i] < 0) CHECK(z[i] < -1.64);
        if (isnan(z[i])) CHECK_INT_EQ(bin[i], 0);
        n_hot += bin[i] == 3;
    }
    CHECK(vemt_units_locate(units, HOT_X, HOT_Y, &hot));
    if (hot != SIZE_MAX) {
        CHECK_INT_EQ(bin[hot], 3); /* the planted hot spot, at 99 % */
        CHECK(z[hot] > 3);
    }
    CHECK(n_hot >= 1 && n_hot * 4 < n);

    /* The lines the program prints come through the log: the automatic
     * cell size, the units counted and the hottest units; a clean input
     * gives no warning. */
    CHECK(text_has(&s.info, "cell size: "));
    CHECK(text_has(&s.info, "(automatic: "));
    CHECK(text_has(&s.info,
                   "hottest units (by Gi* bin, then events, then id):\n"
                   "  1. cell "));
    CHECK(text_has(&s.info,
                   "incidents.csv (csv, incidents, EPSG:27700): "
                   "read 360, used 360, located nowhere 0, merged "
                   "0, excluded 0, rejected 0\n"));
    CHECK_INT_EQ(number_after(&s.info, "\nunits: "), n);
    CHECK(text_has(&s.info, " cells, 360 incident events counted\n"));
    CHECK(text_has(&s.info, "\nnear repeats: Knox test of 360 events"));
    CHECK(text_has(&s.info, "\ntrends: "));
    CHECK(s.info.n > 0 && s.info.s[s.info.n - 1] == '\n');
    CHECK_INT_EQ(s.warning.n, 0);
    if (s.warning.n) fprintf(stderr, "  warnings: %s", s.warning.s);
done:
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

TEST(warnings_and_quiet) {
    /* A file with one bad date beside the good ones: its row is rejected
     * with a warning at VEMT_LOG_WARNING, and the run goes on. */
    for (int quiet = 0; quiet < 2; quiet++) {
        seen s = {0};
        vemt_job job;
        vemt_result *res;
        vemt_error err = {0};
        const char *words[] = {
            SMALL_RUN, "--incidents",      bad,
            "--out",   in_tmp("bad.gpkg"), quiet ? "--quiet" : NULL,
            NULL};
        CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err),
                     VEMT_OK);
        size_t n = 0;
        const vemt_source *src = res ? vemt_result_sources(res, &n) : NULL;
        CHECK_INT_EQ(n, 3);
        if (n == 3) {
            CHECK_INT_EQ(src[2].n_read, N_BAD_ROWS);
            CHECK_INT_EQ(src[2].n_rejected, N_BAD_ROWS);
            CHECK(reconciles(&src[2]));
        }
        CHECK_INT_EQ(res ? vemt_result_rejects(res)->n : 0, N_BAD_ROWS);
        /* The program's message for the row, and nothing else. */
        char line[512];
        snprintf(line, sizeof line,
                 "%s:2:2: column 'occurred_at': impossible date or time: "
                 "\"31/02/2024\"\n",
                 bad);
        CHECK_STR_EQ(s.warning.s, line);
        CHECK(!text_has(&s.info, "date.csv:2:"));
        if (quiet) {
            CHECK_INT_EQ(s.info.n, 0);
        } else {
            CHECK(text_has(&s.info,
                           "date.csv (csv, incidents, EPSG:27700): "
                           "read 1, used 0, located nowhere 0, "
                           "merged 0, excluded 0, rejected 1\n"));
            CHECK(text_has(&s.info, "hottest units"));
        }
        vemt_result_destroy(res);
        vemt_job_clear(&job);
        seen_clear(&s);
    }
    /* Only bad rows: nothing to analyse is a warning, not a failure. */
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {"--incidents",       bad,       "--out",
                           in_tmp("none.gpkg"), "--quiet", NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    CHECK(text_has(&s.warning,
                   "vemt: warning: no located incident events in the "
                   "inputs: nothing to analyse"));
    CHECK_INT_EQ(s.info.n, 0);
    CHECK(res && vemt_result_units(res) == NULL);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

/* Run the small job with the progress callback stopping at stage. */
static void cancel_at(test_state *t_, const char *stage, bool after_reading) {
    seen s = {.stop_at = stage};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {SMALL_RUN, "--threads",           "1",
                           "--out",   in_tmp("cancel.gpkg"), NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err),
                 VEMT_E_CANCELLED);
    CHECK_INT_EQ(err.code, VEMT_E_CANCELLED);
    CHECK_STR_EQ(err.msg, "cancelled");
    CHECK(s.progress_calls > 0);
    /* The stage that was running finished; nothing after it ran. */
    size_t n = 0;
    if (res) vemt_result_sources(res, &n);
    CHECK_INT_EQ(n, after_reading ? 2 : 1);
    CHECK(!text_has(&s.info, "hottest units"));
    CHECK(!text_has(&s.info, "trends: "));
    CHECK(!text_has(&s.info, "clusters ("));
    CHECK(res != NULL);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

TEST(progress_cancels) {
    /* The stages a run reports: each input as it is read, then the
     * permutation tests. */
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {
        SMALL_RUN, "--threads", "1", "--out", in_tmp("progress.gpkg"), NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    CHECK(s.n_stages >= 3);
    CHECK_STR_EQ(s.stages[0], incidents);
    CHECK_STR_EQ(s.stages[1], missing);
    bool perm = false;
    for (int i = 2; i < s.n_stages; i++)
        perm |= !strcmp(s.stages[i], "permutations");
    CHECK(perm);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
    /* Stop at the first report (the first file read), and during the
     * permutations (after both were read). */
    cancel_at(t_, "", false);
    cancel_at(t_, "permutations", true);
}

/* The file name part of a path. */
static const char *base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

TEST(temp_files) {
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    char out[256], qgs[256], geojson[256];
    snprintf(out, sizeof out, "%s/temp.gpkg", tmpdir);
    snprintf(qgs, sizeof qgs, "%s/temp.qgs", tmpdir);
    snprintf(geojson, sizeof geojson, "%s/layers", tmpdir);
    CHECK(mkdir(geojson, 0700) == 0);
    const char *words[] = {SMALL_RUN, "--out",          out, "--geojson-dir",
                           geojson,   "--qgis-project", qgs, NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    /* Announced before anything was written: the GeoPackage's and its
     * SQLite side files, the project's, each GeoJSON layer's. */
    CHECK(s.n_temps >= 4 + 1 + 9);
    CHECK_INT_EQ(s.temps_existing, 0);
    bool gpkg = false, project = false, layer = false, concern = false;
    for (int i = 0; i < s.n_temps; i++) {
        gpkg |= !strncmp(s.temps[i], tmpdir, strlen(tmpdir)) &&
                strstr(base(s.temps[i]), "temp") && strstr(s.temps[i], ".gpkg");
        project |= strstr(s.temps[i], ".qgs") != NULL;
        layer |= !strncmp(s.temps[i], geojson, strlen(geojson));
        /* Every layer the writer may make, children's places included. */
        concern |= strstr(s.temps[i], ".locations_of_concern.geojson") != NULL;
    }
    CHECK(gpkg && project && layer && concern);
    if (res) CHECK_STATUS(vemt_pipeline_write(res, 0, NULL, &err), VEMT_OK);
    for (int i = 0; i < s.n_temps; i++)
        if (access(s.temps[i], F_OK) == 0)
            TEST_FAIL_AT(t_, "temporary file left: %s", s.temps[i]);
    char path[300];
    CHECK(access(out, F_OK) == 0);
    CHECK(access(qgs, F_OK) == 0);
    snprintf(path, sizeof path, "%s/hotspot_cells.geojson", geojson);
    CHECK(access(path, F_OK) == 0);
    snprintf(path, sizeof path, "%s/events.geojson", geojson);
    CHECK(access(path, F_OK) == 0);
    CHECK(text_has(&s.info, "wrote "));
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

/* Is path readable or writable by anyone but its owner? */
static bool open_to_others(const char *path) {
    struct stat st;
    return stat(path, &st) != 0 || (st.st_mode & 077) != 0;
}

TEST(restricted_files_private_whatever_the_umask) {
    /* A binding does not set a umask: the library makes each restricted
     * output its owner's alone, and refuses a folder others can read. */
    mode_t old = umask(022);
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    char out[300], dir[256], report[256], open_dir[256], path[300];
    snprintf(out, sizeof out, "%s/private.gpkg", tmpdir);
    snprintf(dir, sizeof dir, "%s/private-layers", tmpdir);
    snprintf(report, sizeof report, "%s/private.md", tmpdir);
    CHECK(mkdir(dir, 0700) == 0);
    const char *words[] = {SMALL_RUN, "--out",    out,    "--geojson-dir",
                           dir,       "--report", report, NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    if (res) CHECK_STATUS(vemt_pipeline_write(res, 0, NULL, &err), VEMT_OK);
    CHECK(!open_to_others(out));
    CHECK(!open_to_others(report));
    snprintf(path, sizeof path, "%s/events.geojson", dir);
    CHECK(!open_to_others(path));
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
    /* A folder others can read: refused before anything is read. */
    snprintf(open_dir, sizeof open_dir, "%s/open", tmpdir);
    CHECK(mkdir(open_dir, 0755) == 0 && chmod(open_dir, 0755) == 0);
    snprintf(out, sizeof out, "%s/r.gpkg", open_dir);
    const char *open_words[] = {SMALL_RUN, "--out", out, NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, open_words, &s, &job, &res, &err),
                 VEMT_E_IO);
    CHECK_STR_EQ(err.source ? err.source : "", out);
    CHECK(strstr(err.msg, "its folder can be read by other users") != NULL);
    CHECK(access(out, F_OK) != 0);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
    umask(old);
}

TEST(ingest_job) {
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {
        "--incidents", incidents, "--incidents",         bad, "--missing",
        missing,       "--out",   in_tmp("ingest.gpkg"), NULL};
    CHECK_STATUS(run_job(VEMT_JOB_INGEST, words, &s, &job, &res, &err),
                 VEMT_OK);
    if (!res) return;
    size_t n;
    const vemt_source *src = vemt_result_sources(res, &n);
    CHECK_INT_EQ(n, 3);
    for (size_t i = 0; i < n; i++) CHECK(reconciles(&src[i]));
    CHECK_INT_EQ(vemt_result_events(res)->n, N_INCIDENTS + 2 * N_EPISODES);
    CHECK_INT_EQ(vemt_result_rejects(res)->n, N_BAD_ROWS);
    CHECK(vemt_result_units(res) == NULL);
    CHECK(vemt_result_gi_z(res) == NULL);
    CHECK(vemt_result_gi_bin(res) == NULL);
    CHECK(!text_has(&s.info, "hottest units"));
    CHECK(text_has(&s.warning, "date.csv:2:"));
    CHECK_STATUS(vemt_pipeline_write(res, 0, NULL, &err), VEMT_OK);
    CHECK(access(in_tmp("ingest.gpkg"), F_OK) == 0);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

/* The z and bins of the small run at threads; false when it fails. */
static bool gi_of(const char *threads, double **z, int8_t **bin, size_t *n) {
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {SMALL_RUN, "--threads",         threads,
                           "--out",   in_tmp("same.gpkg"), NULL};
    vemt_status st = run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err);
    const vemt_units *g = res ? vemt_result_units(res) : NULL;
    *n = g ? vemt_units_count(g) : 0;
    *z = malloc((*n + 1) * sizeof **z);
    *bin = malloc(*n + 1);
    if (!*z || !*bin) abort();
    if (*n) {
        memcpy(*z, vemt_result_gi_z(res), *n * sizeof **z);
        memcpy(*bin, vemt_result_gi_bin(res), *n);
    }
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
    return st == VEMT_OK && *n > 0;
}

TEST(deterministic) {
    const char *threads[] = {"1", "1", "2", "2"};
    double *z[4];
    int8_t *bin[4];
    size_t n[4];
    for (int i = 0; i < 4; i++) CHECK(gi_of(threads[i], &z[i], &bin[i], &n[i]));
    for (int i = 1; i < 4; i++) {
        CHECK_INT_EQ(n[i], n[0]);
        if (n[i] != n[0]) continue;
        /* Bit for bit (NaN included). */
        CHECK(!memcmp(z[i], z[0], n[0] * sizeof *z[0]));
        CHECK(!memcmp(bin[i], bin[0], n[0]));
    }
    for (int i = 0; i < 4; i++) free(z[i]), free(bin[i]);
}

/* The events layer of the GeoPackage at path, every field but the
 * pseudonym (its key is random per run) and the geometry, row by row; NULL
 * when it can't be read. The caller frees it. *clustered: the rows with a
 * DBSCAN cluster. */
static char *events_layer(const char *path, int *clustered) {
    *clustered = 0;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "events") : NULL;
    text t = {0};
    OGRFeatureH f;
    while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        char line[64];
        snprintf(line, sizeof line, "%lld:", (long long)OGR_F_GetFID(f));
        text_add(&t, line);
        for (int i = 0; i < OGR_F_GetFieldCount(f); i++) {
            OGRFieldDefnH fd = OGR_F_GetFieldDefnRef(f, i);
            if (!strcmp(OGR_Fld_GetNameRef(fd), "subject_key")) continue;
            *clustered += !strcmp(OGR_Fld_GetNameRef(fd), "cluster_id") &&
                          OGR_F_IsFieldSetAndNotNull(f, i);
            text_add(&t, OGR_F_IsFieldSetAndNotNull(f, i)
                             ? OGR_F_GetFieldAsString(f, i)
                             : "null");
            text_add(&t, "|");
        }
        char *wkt = NULL;
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) OGR_G_ExportToWkt(g, &wkt);
        text_add(&t, wkt ? wkt : "no geometry");
        text_add(&t, "\n");
        CPLFree(wkt);
        OGR_F_Destroy(f);
    }
    if (ds) GDALClose(ds);
    return l ? t.s : (free(t.s), NULL);
}

/* The layers of the GeoPackage at path, in the order GDAL lists them;
 * the caller frees it. */
static char *layer_order(const char *path) {
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    text t = {0};
    for (int i = 0; ds && i < GDALDatasetGetLayerCount(ds); i++) {
        text_add(&t, OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
        text_add(&t, " ");
    }
    if (ds) GDALClose(ds);
    return t.s;
}

/* Entries of tmpdir whose names hold part. */
static int entries_with(const char *part) {
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) n += strstr(e->d_name, part) != NULL;
    if (d) closedir(d);
    return n;
}

/* The small run on `threads` threads into out (a name in tmpdir), its
 * GeoPackage written or not; both steps must succeed. */
static void small_run(test_state *t_, const char *threads, const char *out,
                      bool write) {
    seen s = {0};
    vemt_job job;
    vemt_result *res;
    vemt_error err = {0};
    const char *words[] = {SMALL_RUN, "--threads", threads,
                           "--out",   in_tmp(out), NULL};
    CHECK_STATUS(run_job(VEMT_JOB_RUN, words, &s, &job, &res, &err), VEMT_OK);
    if (res && write)
        CHECK_STATUS(vemt_pipeline_write(res, 0, NULL, &err), VEMT_OK);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
    seen_clear(&s);
}

TEST(events_layer_written_early) {
    /* With more than one thread the events layer is written in a thread of
     * its own while the run goes on (issue 19): the same rows, clusters
     * included, as one thread writes them after everything else. */
    char *layer[2] = {NULL, NULL};
    int clustered[2];
    const char *threads[2] = {"1", "2"}, *out[2] = {"late.gpkg", "early.gpkg"};
    for (int i = 0; i < 2; i++) {
        small_run(t_, threads[i], out[i], true);
        layer[i] = events_layer(in_tmp(out[i]), &clustered[i]);
    }
    CHECK(layer[0] && layer[1] && strcmp(layer[0], layer[1]) == 0);
    /* Listed in the same order, though events was written first. */
    char *order[2] = {layer_order(in_tmp(out[0])), layer_order(in_tmp(out[1]))};
    CHECK(order[0] && order[1] && strcmp(order[0], order[1]) == 0);
    CHECK(order[1] && strncmp(order[1], "events ", 7) != 0);
    free(order[0]), free(order[1]);
    /* The small run's hot spot is a DBSCAN cluster, and the layer says so. */
    CHECK(clustered[1] > 50);
    CHECK_INT_EQ(clustered[1], clustered[0]);
    free(layer[0]), free(layer[1]);

    /* A run whose GeoPackage is never written leaves no temporary: the
     * begun file goes with the result. */
    small_run(t_, "2", "abandoned.gpkg", false);
    CHECK_INT_EQ(entries_with("abandoned"), 0);
}

TEST(result_destroy_null) {
    vemt_result_destroy(NULL); /* a no-op */
    CHECK(true);
}

TEST_SUITE(pipeline) {
    if (!mkdtemp(tmpdir) || !write_inputs()) {
        fprintf(stderr, "can't write the inputs in %s\n", tmpdir);
        return;
    }
    gsl_set_error_handler_off();
    GDALAllRegister();
    RUN(job_refuses_bad_values);
    RUN(run_refuses_before_reading);
    RUN(run_result);
    RUN(warnings_and_quiet);
    RUN(progress_cancels);
    RUN(temp_files);
    RUN(restricted_files_private_whatever_the_umask);
    RUN(ingest_job);
    RUN(deterministic);
    RUN(events_layer_written_early);
    RUN(result_destroy_null);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "can't remove %s\n", tmpdir);
    GDALDestroy();
    proj_cleanup();
}
