/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_timings.c
 * @brief Stage timings (issue 19): the stopwatch keeps each stage's name,
 * times and memory; the provenance records the stages to the millisecond,
 * last, and only at the restricted tier; `--timings` prints the table on
 * stderr and the GeoPackage's provenance holds the stages finished before
 * it was written; trends run beside clusters change no line and no table.
 * No test here asserts how long anything takes.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <proj.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "pipeline/timings.h"
#include "tests/provutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

TEST(laps_keep_names_times_and_memory) {
    vemt_timings t;
    vemt_timings_start(&t);
    CHECK_INT_EQ(t.n, 0);
    vemt_timings_lap(&t, "first");
    /* 64 MB touched page by page: the resident set grows by about that
     * much, so the peak at the second lap's end is higher. */
    size_t big = (size_t)64 << 20;
    volatile unsigned char *p = malloc(big);
    CHECK(p != NULL);
    for (size_t i = 0; p && i < big; i += 4096) p[i] = (unsigned char)i;
    vemt_timings_lap(&t, "second");
    CHECK_INT_EQ(t.n, 2);
    CHECK_STR_EQ(t.name[0], "first");
    CHECK_STR_EQ(t.name[1], "second");
    for (size_t k = 0; k < 2; k++) {
        CHECK(t.wall_s[k] >= 0);
        CHECK(t.cpu_s[k] >= 0);
        CHECK(t.rss_kb[k] > 0);
        CHECK(t.hwm_kb[k] >= t.rss_kb[k]);
    }
    CHECK(t.rss_kb[1] - t.rss_kb[0] >= 60 * 1024);
    CHECK(t.hwm_kb[1] - t.hwm_kb[0] >= 60 * 1024);
    long rss, hwm;
    vemt_timings_memory(&rss, &hwm);
    CHECK(hwm >= t.rss_kb[1]);
    free((void *)p);
}

TEST(stages_beyond_the_table_join_the_last) {
    vemt_timings t;
    vemt_timings_start(&t);
    static const char names[][8] = {"a", "b"};
    for (int i = 0; i < VEMT_TIMINGS_MAX + 5; i++)
        vemt_timings_lap(&t, i < VEMT_TIMINGS_MAX - 1 ? names[0] : names[1]);
    CHECK_INT_EQ(t.n, VEMT_TIMINGS_MAX);
    CHECK_STR_EQ(t.name[VEMT_TIMINGS_MAX - 1], "b");
    CHECK_STR_EQ(t.name[VEMT_TIMINGS_MAX - 2], "a");
}

TEST(table_lists_every_stage_and_the_total) {
    vemt_timings t;
    vemt_timings_start(&t);
    vemt_timings_lap(&t, "read");
    vemt_timings_lap(&t, "hot spots");
    /* Fixed numbers, to check the layout. */
    t.wall_s[0] = 1.5, t.cpu_s[0] = 1.25, t.rss_kb[0] = 2048,
    t.hwm_kb[0] = 4096;
    t.wall_s[1] = 0.5, t.cpu_s[1] = 0.75, t.rss_kb[1] = 1024,
    t.hwm_kb[1] = 4096;
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    vemt_timings_print(m, &t);
    fclose(m);
    CHECK(strstr(text,
                 "  read                       1.500     1.250  75.0%"
                 "      2.0      4.0\n") != NULL);
    CHECK(strstr(text,
                 "  hot spots                  0.500     0.750  25.0%"
                 "      1.0      4.0\n") != NULL);
    CHECK(strstr(text,
                 "  total                      2.000     2.000 100.0%"
                 "               4.0\n") != NULL);
    free(text);
}

/* A stage beside the laps is listed with its own thread's CPU and left
 * out of the total (the laps' wall time holds it). */
TEST(stage_beside_listed_not_totalled) {
    vemt_timings t;
    vemt_timings_start(&t);
    vemt_timings_lap(&t, "clusters");
    vemt_timings_beside(&t, "trends (beside)", 0.75, 0.5);
    t.wall_s[0] = 1.5, t.cpu_s[0] = 2.0;
    CHECK(t.beside[1] && !t.beside[0]);
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    vemt_timings_print(m, &t);
    fclose(m);
    CHECK(strstr(text, "  trends (beside)            0.750     0.500 beside") !=
          NULL);
    CHECK(strstr(text, "  clusters                   1.500     2.000 100.0%") !=
          NULL);
    CHECK(strstr(text, "  total                      1.500     2.000 100.0%") !=
          NULL);
    free(text);
}

/* Every row of every table listed in gpkg_contents but the styles (their
 * update times differ), by table name: text. */
static char *table_rows(const char *path) {
    sqlite3 *db = NULL;
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m) return NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *q = NULL, *rows = NULL;
        sqlite3_prepare_v2(db,
                           "SELECT table_name FROM gpkg_contents WHERE "
                           "table_name != 'layer_styles' AND data_type != "
                           "'2d-gridded-coverage' ORDER BY table_name",
                           -1, &q, NULL);
        while (q && sqlite3_step(q) == SQLITE_ROW) {
            char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"",
                                        sqlite3_column_text(q, 0));
            fprintf(m, "%s\n", sqlite3_column_text(q, 0));
            sqlite3_prepare_v2(db, sql, -1, &rows, NULL);
            sqlite3_free(sql);
            while (rows && sqlite3_step(rows) == SQLITE_ROW) {
                for (int c = 0; c < sqlite3_column_count(rows); c++) {
                    /* texts as they are, blobs (geometries) in hex */
                    const unsigned char *v = sqlite3_column_blob(rows, c);
                    int len = sqlite3_column_bytes(rows, c);
                    bool blob = sqlite3_column_type(rows, c) == SQLITE_BLOB;
                    fputc('|', m);
                    for (int k = 0; v && k < len; k++)
                        if (blob)
                            fprintf(m, "%02x", v[k]);
                        else
                            fputc(v[k], m);
                }
                fputc('\n', m);
            }
            sqlite3_finalize(rows);
            rows = NULL;
        }
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    fclose(m);
    return text;
}

/* Trends run beside clusters, places and Knox when more than one thread
 * may work: the lines people read and every table are a serial run's. */
TEST(trends_beside_change_nothing) {
    setenv("VEMT_PSEUDONYM_KEY",
           "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
           1);
    char *out[2] = {NULL, NULL}, *rows[2] = {NULL, NULL};
    static const char *const threads[] = {"1", "2"};
    for (int i = 0; i < 2; i++) {
        char args[160], dir[128], path[256];
        snprintf(dir, sizeof dir, "%s/threads-%s", tmpdir, threads[i]);
        CHECK(mkdir(dir, 0700) == 0);
        snprintf(args, sizeof args,
                 "run --demo --out b.gpkg --threads %s --permutations 99",
                 threads[i]);
        CHECK_INT_EQ(test_vemt(dir, args, NULL, 0), 0);
        size_t n = 0;
        snprintf(path, sizeof path, "%s/out.txt", dir);
        out[i] = test_slurp(path, &n);
        snprintf(path, sizeof path, "%s/b.gpkg", dir);
        rows[i] = table_rows(path);
        json_object *doc = test_provenance(path), *t = NULL;
        CHECK(doc && json_object_object_get_ex(doc, "timings", &t));
        CHECK(t && json_object_object_get_ex(
                       t, i ? "trends (beside)" : "trends", NULL));
        json_object_put(doc);
    }
    unsetenv("VEMT_PSEUDONYM_KEY");
    CHECK(out[0] && out[1] && strstr(out[0], "trends: ") &&
          strstr(out[0], "clusters (dbscan)"));
    CHECK(out[0] && out[1] && strcmp(out[0], out[1]) == 0);
    CHECK(rows[0] && strstr(rows[0], "\nhotspot_cube\n|1|4750"));
    CHECK(rows[0] && rows[1] && strcmp(rows[0], rows[1]) == 0);
    for (int i = 0; i < 2; i++) free(out[i]), free(rows[i]);
}

/* The provenance of a run with the given stage times at a tier. */
static json_object *provenance(const char *tier, size_t n_timings) {
    static const char *const names[] = {"read", "hot spots"};
    static const double seconds[] = {1.23456, 0.0004};
    vemt_events ev = {0};
    vemt_provenance p = {.key_origin = "test",
                         .tier = tier,
                         .command = "run",
                         .timing_names = names,
                         .timing_s = seconds,
                         .n_timings = n_timings};
    vemt_output out = {.events = &ev, .provenance = &p};
    char *text = vemt_outputs_provenance_json(&out);
    json_object *doc = text ? json_tokener_parse(text) : NULL;
    vemt_outputs_free(text);
    return doc;
}

TEST(provenance_records_stages_to_the_millisecond) {
    json_object *doc = provenance("restricted", 2), *t = NULL, *v = NULL;
    CHECK(doc && json_object_object_get_ex(doc, "timings", &t));
    CHECK(t && json_object_object_length(t) == 2);
    CHECK(t && json_object_object_get_ex(t, "read", &v));
    CHECK_STR_EQ(json_object_to_json_string(v), "1.235");
    CHECK(t && json_object_object_get_ex(t, "hot spots", &v));
    CHECK_STR_EQ(json_object_to_json_string(v), "0.000");
    /* Last, where tests/demo_tables.py drops it from the golden dump. */
    const char *last = NULL;
    if (doc) {
        json_object_object_foreach(doc, key, val) {
            (void)val;
            last = key;
        }
    }
    CHECK(last && !strcmp(last, "timings"));
    json_object_put(doc);
    /* None timed: no key. */
    doc = provenance("restricted", 0);
    CHECK(doc && !json_object_object_get_ex(doc, "timings", NULL));
    json_object_put(doc);
}

TEST(timings_not_published_outside_the_restricted_tier) {
    static const char *const tiers[] = {"partner", "public"};
    for (int i = 0; i < 2; i++) {
        json_object *doc = provenance(tiers[i], 2);
        CHECK(doc != NULL);
        CHECK(doc && !json_object_object_get_ex(doc, "timings", NULL));
        json_object_put(doc);
    }
}

/* `vemt ingest --timings`: the table on stderr, with the stages of an
 * ingest; the provenance holds those finished before the GeoPackage. */
TEST(ingest_prints_the_table_and_records_the_stages) {
    char args[1024], path[256];
    snprintf(args, sizeof args,
             "ingest --incidents '%s/demo/incidents.csv' --out i.gpkg "
             "--timings",
             VEMT_FIXTURES);
    CHECK_INT_EQ(test_vemt(tmpdir, args, NULL, 0), 0);
    snprintf(path, sizeof path, "%s/err.txt", tmpdir);
    size_t n = 0;
    char *err = test_slurp(path, &n);
    CHECK(err != NULL);
    static const char *const lines[] = {
        "timings (--timings): wall and CPU seconds",
        "\n  setup ",
        "\n  read ",
        "\n  write gpkg ",
        "\n  report and commit ",
        "\n  total "};
    for (size_t i = 0; err && i < sizeof lines / sizeof *lines; i++)
        if (!test_contains(err, n, lines[i]))
            TEST_FAIL_AT(t_, "stderr lacks \"%s\"", lines[i]);
    CHECK(err && !test_contains(err, n, "hot spots"));
    free(err);
    snprintf(path, sizeof path, "%s/i.gpkg", tmpdir);
    json_object *doc = test_provenance(path), *t = NULL, *v = NULL;
    CHECK(doc && json_object_object_get_ex(doc, "timings", &t));
    CHECK(t && json_object_object_get_ex(t, "read", &v) &&
          json_object_get_double(v) >= 0);
    CHECK(t && json_object_object_get_ex(t, "setup", NULL));
    /* Written while the GeoPackage is: not yet finished. */
    CHECK(t && !json_object_object_get_ex(t, "write gpkg", NULL));
    json_object_put(doc);
}

/* Without --timings the run prints no table, and the provenance still has
 * the times; a run's analysis stages are among them. */
TEST(run_records_its_stages_without_the_flag) {
    CHECK_INT_EQ(
        test_vemt(tmpdir,
                  "run --demo --out r.gpkg --no-trends --no-kde --permutations "
                  "99",
                  NULL, 0),
        0);
    char path[256];
    snprintf(path, sizeof path, "%s/err.txt", tmpdir);
    size_t n = 0;
    char *err = test_slurp(path, &n);
    CHECK(err && !test_contains(err, n, "timings (--timings)"));
    free(err);
    snprintf(path, sizeof path, "%s/r.gpkg", tmpdir);
    json_object *doc = test_provenance(path), *t = NULL;
    CHECK(doc && json_object_object_get_ex(doc, "timings", &t));
    static const char *const stages[] = {"read", "hot spots", "clusters",
                                         "places", "pack contents"};
    for (size_t i = 0; t && i < sizeof stages / sizeof *stages; i++)
        if (!json_object_object_get_ex(t, stages[i], NULL))
            TEST_FAIL_AT(t_, "the provenance's timings lack \"%s\"", stages[i]);
    json_object_put(doc);
}

TEST_SUITE(timings) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-timings-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(laps_keep_names_times_and_memory);
    RUN(stages_beyond_the_table_join_the_last);
    RUN(table_lists_every_stage_and_the_total);
    RUN(stage_beside_listed_not_totalled);
    RUN(trends_beside_change_nothing);
    RUN(provenance_records_stages_to_the_millisecond);
    RUN(timings_not_published_outside_the_restricted_tier);
    RUN(ingest_prints_the_table_and_records_the_stages);
    RUN(run_records_its_stages_without_the_flag);
    GDALDestroy();
    proj_cleanup();
    test_remove_dir(tmpdir);
}
