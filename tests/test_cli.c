/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_cli.c
 * @brief End to end: the vemt program's exit statuses and messages, and a
 * demo run checked through GDAL against the generator's ground truth.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <proj.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/ogrutil.h"
#include "tests/ref/gistar_spdep_ref.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static bool exists(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return access(path, F_OK) == 0;
}

TEST(help_and_version) {
    CHECK_INT_EQ(vemt("--help", NULL, 0), 0);
    CHECK_INT_EQ(vemt("run --help", NULL, 0), 0);
    CHECK_INT_EQ(vemt("--version", NULL, 0), 0);
}

TEST(usage_errors) {
    char line[512];
    CHECK_INT_EQ(vemt("", line, sizeof line), 2);
    CHECK_STR_EQ(line, "vemt: no command given");
    CHECK_INT_EQ(vemt("run --bogus 1", line, sizeof line), 2);
    CHECK_STR_EQ(line, "vemt: unknown option: --bogus");
    CHECK_INT_EQ(vemt("run --incidents", line, sizeof line), 2);
    CHECK_STR_EQ(line, "vemt: missing value for: --incidents");
    CHECK_INT_EQ(vemt("run --incidents x.csv", line, sizeof line), 2);
    CHECK_INT_EQ(vemt("run --demo --cell-size abc", line, sizeof line), 2);
    CHECK_INT_EQ(vemt("run --demo --kind everything", line, sizeof line), 2);
    CHECK_INT_EQ(vemt("frobnicate", line, sizeof line), 2);
}

TEST(bad_input_leaves_no_output) {
    char line[512], args[1024];
    CHECK_INT_EQ(
        vemt("run --incidents missing.csv --out a.gpkg", line, sizeof line), 1);
    CHECK_STR_EQ(line, "missing.csv: can't read: No such file or directory");
    CHECK(!exists("a.gpkg"));
    /* A previous output stays untouched when a later run fails. */
    CHECK_INT_EQ(vemt("run --demo --out keep.gpkg --quiet", NULL, 0), 0);
    snprintf(args, sizeof args, "%s/keep.gpkg", tmpdir);
    size_t n_before = 0, n_after = 0;
    char *before = test_slurp(args, &n_before);
    snprintf(args, sizeof args,
             "run --missing '%s/bad/number.csv' --out keep.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    char want[1024];
    snprintf(want, sizeof want,
             "%s/bad/number.csv:1: required column 'child_id' not found "
             "(accepted names: childid|subjectid|personid)",
             VEMT_FIXTURES);
    CHECK_STR_EQ(line, want);
    snprintf(args, sizeof args, "%s/keep.gpkg", tmpdir);
    char *after = test_slurp(args, &n_after);
    CHECK(before && after && n_before == n_after &&
          !memcmp(before, after, n_before));
    free(before);
    free(after);
    /* A file vemt did not write is not replaced without --force. */
    snprintf(args, sizeof args, "%s/other.gpkg", tmpdir);
    FILE *f = fopen(args, "w");
    fputs("previous\n", f);
    fclose(f);
    CHECK_INT_EQ(vemt("run --demo --out other.gpkg", line, sizeof line), 1);
    CHECK(strstr(line, "other.gpkg: exists and was not written by vemt") ==
          line);
    f = fopen(args, "r");
    char buf[32] = "";
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f) fclose(f);
    CHECK_STR_EQ(buf, "previous\n");
    CHECK_INT_EQ(vemt("run --demo --out other.gpkg --force --quiet", NULL, 0),
                 0);
    snprintf(args, sizeof args,
             "run --demo --boundary '%s/bad/number.csv' --out b.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    CHECK(!exists("b.gpkg"));
}

static long count_where(GDALDatasetH ds, const char *layer, const char *where) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    if (!l) return -1;
    OGR_L_SetAttributeFilter(l, where);
    long n = (long)OGR_L_GetFeatureCount(l, 1);
    OGR_L_SetAttributeFilter(l, NULL);
    return n;
}

/* Write text to name in the test's folder. */
static void write_file(const char *name, const char *text) {
    test_write_file(tmpdir, name, text);
}

/* The first line of the test folder's file (out.txt, err.txt) that starts
 * with prefix, without its newline; "" when there is none. */
static const char *line_of(const char *file, const char *prefix, char *buf,
                           size_t n) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    while (f && fgets(buf, (int)n, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (!strncmp(buf, prefix, strlen(prefix))) break;
        buf[0] = '\0';
    }
    if (f) fclose(f);
    return buf;
}

/* The summary's "read N, used U, located nowhere L, merged M, excluded X,
 * rejected R" in line, and whether N = U + L + M + X + R. */
static bool counts_add_up(const char *line) {
    const char *p = strstr(line, "read ");
    long n, u, l, m, x, r;
    return p &&
           sscanf(p,
                  "read %ld, used %ld, located nowhere %ld, merged %ld, "
                  "excluded %ld, rejected %ld",
                  &n, &u, &l, &m, &x, &r) == 6 &&
           n == u + l + m + x + r;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

TEST(rejects_in_compiler_style) {
    char line[1024], args[1024], want[1024], path[256];
    snprintf(path, sizeof path, "%s/bad/date.csv", VEMT_FIXTURES);
    snprintf(args, sizeof args, "run --incidents '%s' --out c.gpkg", path);
    /* Every row rejected: the reject in compiler style, a warning, and the
     * run still writes what it read and exits 0 (issue 3: bad rows do not
     * stop a run). */
    CHECK_INT_EQ(vemt(args, line, sizeof line), 0);
    snprintf(want, sizeof want,
             "%s:2:2: column 'occurred_at': impossible date or time: "
             "\"31/02/2024\"",
             path);
    CHECK_STR_EQ(line, want);
    CHECK_STR_EQ(line_of("err.txt", "vemt: warning:", line, sizeof line),
                 "vemt: warning: no located incident events in the inputs: "
                 "nothing to analyse, so no hot spots or trends; the events, "
                 "rejects and merges are written (see the rejects above)");
    snprintf(want, sizeof want,
             "%s (csv, incidents, EPSG:27700): read 1, used 0, located "
             "nowhere 0, merged 0, excluded 0, rejected 1",
             path);
    CHECK_STR_EQ(line_of("out.txt", path, line, sizeof line), want);
    GDALDatasetH ds = open_out("c.gpkg");
    CHECK(ds != NULL);
    if (ds) {
        CHECK_INT_EQ(count_where(ds, "events", NULL), 0);
        CHECK_INT_EQ(count_where(ds, "merges", NULL), 0);
        CHECK_INT_EQ(count_where(ds, "rejects", NULL), 1);
        CHECK(GDALDatasetGetLayerByName(ds, "hotspot_cells") == NULL);
        test_query_text(ds,
                        "SELECT source || '|' || source_row || '|' || "
                        "source_line || '|' || \"column\" || '|' || "
                        "column_number || '|' || reason || '|' || raw FROM "
                        "rejects",
                        line, sizeof line);
        CHECK_STR_EQ(line,
                     "date.csv|2|2|occurred_at|2|impossible date or time: "
                     "\"31/02/2024\"|I1,31/02/2024,460000,520000,drugs");
        GDALClose(ds);
    }
    /* vemt ingest writes the same and exits 0. */
    snprintf(args, sizeof args, "ingest --incidents '%s' --out i.gpkg", path);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    ds = open_out("i.gpkg");
    CHECK(ds != NULL);
    if (ds) {
        CHECK_INT_EQ(count_where(ds, "rejects", NULL), 1);
        GDALClose(ds);
    }
    /* --max-reject-rate is what makes bad rows stop a run. */
    snprintf(args, sizeof args,
             "run --incidents '%s' --max-reject-rate 0.5 --out r.gpkg", path);
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    snprintf(want, sizeof want,
             "%s: 1 of 1 rows rejected (100.0%%), more than "
             "--max-reject-rate 0.5 allows",
             path);
    CHECK_STR_EQ(line, want);
    CHECK(!exists("r.gpkg"));
}

/* The summary gives each file's counts, used, located nowhere, merged,
 * excluded and rejected, and they add up to the rows read; the layers
 * hold the same rows. */
TEST(summary_accounts_for_every_row) {
    write_file("mixed.csv",
               "id,date,x,y,category\n"
               "A,2024-01-01T10:00Z,461000,520000,grooming\n"
               "B,2024-01-02T10:00Z,,,grooming\n"
               "A,2024-01-01T10:00Z,461000,520000,grooming\n"
               "C,2024-01-03T10:00Z,461100,520100,drugs\n"
               "D,2024-02-30T10:00Z,461000,520000,grooming\n"
               "E,2024-01-04T10:00Z,461200,520200,grooming\n");
    write_file("allbad.csv",
               "id,date,x,y\n"
               "F,2024-01-05,abc,520000\n"
               "G,2024-13-05,461000,520000\n");
    CHECK_INT_EQ(vemt("run --incidents mixed.csv --incidents allbad.csv "
                      "--categories grooming --cell-size 100 --out acc.gpkg",
                      NULL, 0),
                 0);
    char line[512];
    const struct {
        const char *prefix, *line;
    } want[] = {
        {"mixed.csv (",
         "mixed.csv (csv, incidents, EPSG:27700): read 6, used 2, located "
         "nowhere 1, merged 1, excluded 1, rejected 1"},
        {"allbad.csv (",
         "allbad.csv (csv, incidents, EPSG:27700): read 2, used 0, located "
         "nowhere 0, merged 0, excluded 0, rejected 2"},
        {"total: ",
         "total: read 8, used 2, located nowhere 1, merged 1, excluded 1, "
         "rejected 3"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        CHECK_STR_EQ(line_of("out.txt", want[i].prefix, line, sizeof line),
                     want[i].line);
        CHECK(counts_add_up(line));
    }
    GDALDatasetH ds = open_out("acc.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    CHECK_INT_EQ(count_where(ds, "events", NULL), 3);
    CHECK_INT_EQ(count_where(ds, "events", "located = 0"), 1);
    CHECK_INT_EQ(count_where(ds, "merges", NULL), 1);
    CHECK_INT_EQ(count_where(ds, "rejects", "source = 'mixed.csv'"), 1);
    CHECK_INT_EQ(count_where(ds, "rejects", "source = 'allbad.csv'"), 2);
    CHECK(GDALDatasetGetLayerByName(ds, "hotspot_cells") != NULL);
    GDALClose(ds);
}

/* An episode's two events carry its duration in real seconds: across the
 * spring change 22:00 to 10:00 is 11 hours, across the autumn one 13. */
TEST(episode_duration_and_open) {
    write_file("episodes.csv",
               "episode_id,child_id,missing_at,returned_at,from_easting,"
               "from_northing,found_easting,found_northing,looked_after,"
               "placing_authority\n"
               "E1,C1,2024-03-30 22:00,2024-03-31 10:00,461000,520000,462000,"
               "521000,yes,Leeds\n"
               "E2,C2,2024-10-26 22:00,2024-10-27 10:00,461000,520000,462000,"
               "521000,no,\n"
               "E3,C3,2024-05-01T08:00:00Z,2024-05-01T09:30:15Z,461000,520000,"
               ",,,\n"
               "E4,C1,2024-06-01 12:00,,461000,520000,,,unknown,\n");
    write_file("one.csv", "id,date,x,y\nI1,2024-01-01,461000,520000\n");
    CHECK_INT_EQ(vemt("ingest --missing episodes.csv --incidents one.csv "
                      "--out ep.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("ep.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    static const char *const want[] = {
        "E1|missing_from|2024-03-30T22:00:00.000Z|2024-03-31T09:00:00.000Z|"
        "39600|0|yes|Leeds",
        "E1|found_at|2024-03-31T09:00:00.000Z|2024-03-31T09:00:00.000Z|"
        "39600|0|yes|Leeds",
        "E2|missing_from|2024-10-26T21:00:00.000Z|2024-10-27T10:00:00.000Z|"
        "46800|0|no|",
        "E2|found_at|2024-10-27T10:00:00.000Z|2024-10-27T10:00:00.000Z|"
        "46800|0|no|",
        "E3|missing_from|2024-05-01T08:00:00.000Z|2024-05-01T09:30:15.000Z|"
        "5415|0|unknown|",
        "E4|missing_from|2024-06-01T11:00:00.000Z|||1|unknown|",
        "I1|incident|2024-01-01T00:00:00.000Z|2024-01-01T23:59:59.000Z||||",
    };
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT source_ref || '|' || kind || '|' || start_utc || '|' || "
        "ifnull(end_utc, '') || '|' || ifnull(duration_s, '') || '|' || "
        "ifnull(open, '') || '|' || ifnull(looked_after, '') || '|' || "
        "ifnull(placing_authority, '') FROM events ORDER BY event_id",
        NULL, NULL);
    size_t k = 0;
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        if (k < sizeof want / sizeof want[0])
            CHECK_STR_EQ(OGR_F_GetFieldAsString(f, 0), want[k]);
        k++;
        OGR_F_Destroy(f);
    }
    CHECK_INT_EQ(k, sizeof want / sizeof want[0]);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
}

/* Load the generator's truth for the demo. */
static json_object *demo_truth(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/demo/truth.json", VEMT_FIXTURES);
    return json_object_from_file(path);
}

static long jint(json_object *o, const char *a, const char *b) {
    json_object *v = o;
    if (a) json_object_object_get_ex(v, a, &v);
    if (b) json_object_object_get_ex(v, b, &v);
    return (long)json_object_get_int64(v);
}

/* gi_z of the cell holding (x, y), or NAN. */
static double cell_z_at(GDALDatasetH ds, double x, double y) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT gi_z FROM hotspot_cells WHERE ST_Intersects(geom, "
             "MakePoint(%.1f, %.1f, 27700))",
             x, y);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    double z = NAN;
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    if (f) {
        z = OGR_F_GetFieldAsDouble(f, 0);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return z;
}

/* How many of the demo's raw child and subject ids appear anywhere in the
 * bytes of the output file (ids are the 2nd field of missing.csv and the
 * 6th of incidents.csv). */
static int raw_ids_in_file(const char *gpkg) {
    size_t n = 0, m = 0;
    char *bytes = test_slurp(gpkg, &n), path[512];
    int found = 0;
    const char *files[] = {"missing.csv", "incidents.csv"};
    const int cols[] = {1, 5};
    for (int k = 0; k < 2 && bytes; k++) {
        snprintf(path, sizeof path, "%s/demo/%s", VEMT_FIXTURES, files[k]);
        char *csv = test_slurp(path, &m), *save = NULL;
        char *line = csv ? strtok_r(csv, "\n", &save) : NULL; /* header */
        while (line && (line = strtok_r(NULL, "\n", &save))) {
            char *f = line;
            for (int c = 0; c < cols[k] && f; c++) {
                f = strchr(f, ',');
                if (f) f++;
            }
            if (!f || !*f || *f == ',') continue;
            char id[32];
            snprintf(id, sizeof id, "%.*s", (int)strcspn(f, ",\r"), f);
            if (strlen(id) >= 4 && test_contains(bytes, n, id)) found++;
        }
        free(csv);
    }
    free(bytes);
    return bytes ? found : -1;
}

TEST(demo_end_to_end) {
    char path[256];
    CHECK_INT_EQ(vemt("run --demo --out demo.gpkg --geojson-dir .", NULL, 0),
                 0);
    snprintf(path, sizeof path, "%s/demo.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    json_object *truth = demo_truth();
    CHECK(ds != NULL && truth != NULL);
    if (!ds || !truth) return;
    long bad = jint(truth, "incidents", "bad_rows") +
               jint(truth, "missing", "bad_rows");
    long rows =
        jint(truth, "incidents", "rows") + jint(truth, "missing", "rows");
    CHECK_INT_EQ(count_where(ds, "rejects", NULL), bad);
    long incidents = count_where(ds, "events", "kind = 'incident'");
    long missing_from = count_where(ds, "events", "kind = 'missing_from'");
    /* Every row is used or rejected: incidents give one event, episodes a
     * missing_from event each. */
    CHECK_INT_EQ(incidents + missing_from + bad, rows);
    CHECK(count_where(ds, "events", "kind = 'found_at'") > 0);
    CHECK_INT_EQ(count_where(ds, "events",
                             "subject_key IS NOT NULL AND "
                             "length(subject_key) <> 20"),
                 0);
    CHECK_INT_EQ(raw_ids_in_file(path), 0);
    /* Planted persistent hot spots come out hot at 99 % confidence. */
    json_object *spots;
    json_object_object_get_ex(truth, "hotspots", &spots);
    int persistent = 0;
    for (size_t i = 0; i < json_object_array_length(spots); i++) {
        json_object *s = json_object_array_get_idx(spots, i), *v;
        json_object_object_get_ex(s, "behaviour", &v);
        if (strcmp(json_object_get_string(v), "persistent")) continue;
        persistent++;
        json_object *e, *nn;
        json_object_object_get_ex(s, "easting", &e);
        json_object_object_get_ex(s, "northing", &nn);
        double z = cell_z_at(ds, json_object_get_double(e),
                             json_object_get_double(nn));
        CHECK(z > 2.58);
    }
    CHECK(persistent >= 2);
    CHECK(exists("hotspot_cells.geojson") && exists("events.geojson"));
    json_object_put(truth);
    GDALClose(ds);
}

/* Pattern of the emerging_hotspots cell holding (x, y), or "". */
static void pattern_at(GDALDatasetH ds, double x, double y, char *out,
                       size_t n) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT pattern FROM emerging_hotspots WHERE ST_Intersects(geom, "
             "MakePoint(%.1f, %.1f, 27700))",
             x, y);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    snprintf(out, n, "%s", f ? OGR_F_GetFieldAsString(f, 0) : "");
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

TEST(demo_trends_find_planted_behaviours) {
    char path[256], got[64];
    /* At the 300 m scale the behaviours are planted at (the automatic
     * size, a median of 3 events per non-empty cell, is 400 m on the
     * demo's uniform background, which splits some across cells). */
    CHECK_INT_EQ(
        vemt("run --demo --cell-size 300 --out trends.gpkg --quiet", NULL, 0),
        0);
    snprintf(path, sizeof path, "%s/trends.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    json_object *truth = demo_truth(), *spots;
    CHECK(ds && truth);
    if (!ds || !truth) return;
    json_object_object_get_ex(truth, "hotspots", &spots);
    static const struct {
        const char *behaviour, *a, *b;
    } want[] = {
        {"persistent", "Persistent Hot Spot", NULL},
        {"new", "New Hot Spot", "Consecutive Hot Spot"},
        {"intensifying", "Intensifying Hot Spot", NULL},
        {"diminishing", "Diminishing Hot Spot", "Historical Hot Spot"},
        {"sporadic", "Sporadic Hot Spot", NULL},
    };
    for (size_t i = 0; i < json_object_array_length(spots); i++) {
        json_object *s = json_object_array_get_idx(spots, i), *v, *e, *n;
        json_object_object_get_ex(s, "behaviour", &v);
        json_object_object_get_ex(s, "easting", &e);
        json_object_object_get_ex(s, "northing", &n);
        pattern_at(ds, json_object_get_double(e), json_object_get_double(n),
                   got, sizeof got);
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            if (strcmp(json_object_get_string(v), want[k].behaviour)) continue;
            bool ok = !strcmp(got, want[k].a) ||
                      (want[k].b && !strcmp(got, want[k].b));
            if (!ok)
                TEST_FAIL_AT(t_, "%s hot spot came out as '%s'",
                             want[k].behaviour, got);
        }
    }
    /* No empty area is a hot spot: every cell labelled a hot spot has
     * events in itself or its neighbourhood (the cube counts them). */
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT count(*) FROM emerging_hotspots e WHERE e.pattern LIKE "
        "'%Hot Spot%' AND (SELECT sum(c.n_events) FROM hotspot_cells c WHERE "
        "ST_Intersects(c.geom, ST_Buffer(e.geom, 1))) = 0",
        NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(f && OGR_F_GetFieldAsInteger(f, 0) == 0);
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    CHECK_INT_EQ(count_where(ds, "hotspot_cube", NULL),
                 count_where(ds, "hotspot_cells", NULL) * 24);
    CHECK(count_where(ds, "trends", "category = 'all'") == 24);
    json_object_put(truth);
    GDALClose(ds);
}

TEST(demo_safeguarding_finds_planted_places) {
    char path[256], sql[512];
    CHECK_INT_EQ(
        vemt("run --demo --cell-size 300 --out sg.gpkg --report sg.md --quiet",
             NULL, 0),
        0); /* the planted places' 300 m scale (see above) */
    snprintf(path, sizeof path, "%s/sg.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    json_object *truth = demo_truth(), *loc, *wk, *v;
    CHECK(ds && truth);
    if (!ds || !truth) return;
    /* The planted location of concern: a place within 100 m of it linked
     * to at least 3 children. */
    json_object_object_get_ex(truth, "location_of_concern", &loc);
    double lx = 0, ly = 0, wx = 0, wy = 0;
    if (json_object_object_get_ex(loc, "easting", &v))
        lx = json_object_get_double(v);
    if (json_object_object_get_ex(loc, "northing", &v))
        ly = json_object_get_double(v);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM locations_of_concern WHERE n_children >= 3 "
             "AND ST_Distance(geom, MakePoint(%.1f, %.1f, 27700)) < 100",
             lx, ly);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(f && OGR_F_GetFieldAsInteger(f, 0) >= 1);
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    /* The weekday-evening place: among the top 3 patrol windows, one in a
     * cell within 400 m of it, on Tuesday to Thursday evening. */
    json_object_object_get_ex(truth, "weekday_evening_place", &wk);
    if (json_object_object_get_ex(wk, "easting", &v))
        wx = json_object_get_double(v);
    if (json_object_object_get_ex(wk, "northing", &v))
        wy = json_object_get_double(v);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT * FROM patrol_windows WHERE "
             "place_kind = 'cell' ORDER BY rank LIMIT 3) p JOIN hotspot_cells "
             "c ON c.cell_id = p.place WHERE p.weekday IN "
             "('Tuesday', 'Wednesday', 'Thursday') AND p.start_hour BETWEEN 18 "
             "AND 21 AND ST_Distance(c.geom, MakePoint(%.1f, %.1f, 27700)) < "
             "400",
             wx, wy);
    r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    f = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(f && OGR_F_GetFieldAsInteger(f, 0) >= 1);
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    /* One journey per found-at event (both ends known). */
    CHECK_INT_EQ(count_where(ds, "missing_journeys", NULL),
                 count_where(ds, "events", "kind = 'found_at'"));
    snprintf(path, sizeof path, "%s/sg.md", tmpdir);
    size_t n;
    char *md = test_slurp(path, &n);
    CHECK(md && strstr(md, "## Patrol windows") && strstr(md, "## Trends"));
    free(md);
    json_object_put(truth);
    GDALClose(ds);
}

TEST(cli_matches_spdep) {
    char args[512], path[256];
    snprintf(args, sizeof args,
             "run --incidents '%s/ref/gistar_points.csv' --cell-size 2000 "
             "--out ref.gpkg --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(path, sizeof path, "%s/ref.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    size_t n = sizeof ref_full / sizeof *ref_full, matched = 0;
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), (long)n);
    for (size_t i = 0; i < n; i++) {
        char where[96];
        snprintf(where, sizeof where, "cell_id = '%.0f_%.0f'",
                 REF_X0 + ref_full[i].col * REF_CELL,
                 REF_Y0 + ref_full[i].row * REF_CELL);
        OGR_L_SetAttributeFilter(l, where);
        OGRFeatureH f = OGR_L_GetNextFeature(l);
        if (!f) continue;
        matched++;
        CHECK_NEAR(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "gi_z")),
                   ref_full[i].gi_z, 1e-9);
        CHECK_INT_EQ(
            OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "n_events")),
            (long)ref_full[i].count);
        OGR_F_Destroy(f);
    }
    CHECK_INT_EQ(matched, n);
    GDALClose(ds);
}

TEST(ingest_command_and_job_file) {
    char path[256], job[1024];
    CHECK_INT_EQ(vemt("ingest --demo --out ing.gpkg --quiet", NULL, 0), 0);
    snprintf(path, sizeof path, "%s/ing.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK(GDALDatasetGetLayerByName(ds, "events") != NULL);
        CHECK(GDALDatasetGetLayerByName(ds, "merges") != NULL);
        CHECK(GDALDatasetGetLayerByName(ds, "hotspot_cells") == NULL);
        GDALClose(ds);
    }
    /* A job file maps odd column names and adds the inputs. */
    snprintf(path, sizeof path, "%s/odd.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fputs(
        "Ref;When reported;E;N;Offence\n"
        "A1;05/01/2024 10:00;461000;520000;grooming\n"
        "A2;05/01/2024 11:00;461100;520100;drugs\n",
        f);
    fclose(f);
    snprintf(job, sizeof job,
             "{\"incidents\": [{\"path\": \"odd.csv\", \"columns\": "
             "{\"occurred_at\": \"When reported\", \"easting\": \"E\", "
             "\"northing\": \"N\"}}], \"cell_size\": 100, "
             "\"categories\": \"grooming\"}");
    snprintf(path, sizeof path, "%s/job.json", tmpdir);
    f = fopen(path, "w");
    fputs(job, f);
    fclose(f);
    CHECK_INT_EQ(vemt("run --config job.json --out job.gpkg", NULL, 0), 0);
    snprintf(path, sizeof path, "%s/job.gpkg", tmpdir);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        CHECK_INT_EQ(count_where(ds, "events", NULL), 1);
        GDALClose(ds);
    }
    char line[512];
    CHECK_INT_EQ(
        vemt("run --config nothere.json --out x.gpkg", line, sizeof line), 2);
    CHECK(strncmp(line, "nothere.json: job file:", 23) == 0);
    CHECK_INT_EQ(vemt("run --demo --max-reject-rate 0.001 --out y.gpkg", line,
                      sizeof line),
                 1);
    CHECK(!exists("y.gpkg"));
}

/* Start vemt with args; return its pid after it printed "writing ",
 * reading its stdout through a pipe (no sleeping: it tells us). */
static pid_t start_until_writing(const char *args) {
    int fd[2];
    if (pipe(fd)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        if (chdir(tmpdir)) _exit(127);
        execl("/bin/sh", "sh", "-c", args, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *out = fdopen(fd[0], "r");
    char line[1024];
    while (out && fgets(line, sizeof line, out))
        if (!strncmp(line, "writing ", 8)) break;
    /* Leave the pipe open: the child must not die of SIGPIPE first. */
    return pid;
}

TEST(interrupted_run_leaves_previous_output) {
    char cmd[1024], path[256];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && '%s' --out-dir big --incidents 300000", tmpdir,
             VEMT_FIXTURES_BIN);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(vemt("run --demo --out kept.gpkg --quiet", NULL, 0), 0);
    snprintf(path, sizeof path, "%s/kept.gpkg", tmpdir);
    size_t n0, n1;
    char *before = test_slurp(path, &n0);
    const int sigs[] = {SIGTERM, SIGINT, SIGKILL};
    for (int k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd,
                 "exec '%s' run --incidents big/incidents.csv --cell-size 100 "
                 "--no-trends --permutations 0 --clusters none --no-kde --out "
                 "kept.gpkg 2>/dev/null",
                 VEMT_BIN);
        pid_t pid = start_until_writing(cmd);
        CHECK(pid > 0);
        /* Kill it while its temporary GeoPackage exists: mid-write. */
        bool mid = false;
        snprintf(path, sizeof path,
                 "ls -A '%s' | grep -q '^.kept.gpkg.vemt-tmp'", tmpdir);
        for (int tries = 0; tries < 500 && !mid; tries++) {
            mid = system(path) == 0;
            struct timespec ms10 = {0, 10000000};
            if (!mid) nanosleep(&ms10, NULL);
        }
        CHECK(mid);
        snprintf(path, sizeof path, "%s/kept.gpkg", tmpdir);
        kill(pid, sigs[k]);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sigs[k]);
        char *after = test_slurp(path, &n1);
        CHECK(before && after && n0 == n1 && !memcmp(before, after, n0));
        free(after);
        /* SIGKILL can't be caught: the next run removes what it left. */
        if (sigs[k] == SIGKILL)
            CHECK_INT_EQ(vemt("run --demo --out other2.gpkg --quiet", NULL, 0),
                         0);
        if (sigs[k] == SIGKILL)
            CHECK_INT_EQ(vemt("run --demo --out kept.gpkg --quiet", NULL, 0),
                         0);
        snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q vemt-tmp", tmpdir);
        CHECK(system(cmd) != 0); /* no temporary file left */
    }
    free(before);
}

/* The demo's incidents split into two files give the same trend table as
 * one file: a category read from both counts the events of both (each file
 * used to intern its categories on its own, and the series of a category
 * counted only the first file's events). */
TEST(two_files_one_series_per_category) {
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/demo/incidents.csv", VEMT_FIXTURES);
    FILE *in = fopen(path, "r");
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/half_a.csv", tmpdir);
    snprintf(b, sizeof b, "%s/half_b.csv", tmpdir);
    FILE *fa = fopen(a, "w"), *fb = fopen(b, "w");
    CHECK(in && fa && fb);
    if (!in || !fa || !fb) return;
    for (long row = 0; fgets(line, sizeof line, in); row++) {
        if (row == 0) fputs(line, fb); /* both get the header */
        fputs(line, row == 0 || row % 2 ? fa : fb);
    }
    fclose(in);
    fclose(fa);
    fclose(fb);
    CHECK_INT_EQ(vemt("run --incidents half_a.csv --incidents half_b.csv "
                      "--out halves.gpkg --quiet",
                      NULL, 0),
                 0);
    CHECK_INT_EQ(vemt("run --incidents " VEMT_FIXTURES
                      "/demo/incidents.csv --out whole.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH h = open_out("halves.gpkg"), w = open_out("whole.gpkg");
    CHECK(h && w);
    if (!h || !w) return;
    /* Every category's series counts the events of both files. */
    const char *sql =
        "SELECT category, sum(n_events) FROM trends GROUP BY category "
        "ORDER BY category";
    OGRLayerH rh = GDALDatasetExecuteSQL(h, sql, NULL, "SQLITE");
    OGRLayerH rw = GDALDatasetExecuteSQL(w, sql, NULL, "SQLITE");
    CHECK(rh && rw);
    int n = 0;
    OGRFeatureH fh, fw;
    while (rh && rw && (fw = OGR_L_GetNextFeature(rw)) != NULL) {
        fh = OGR_L_GetNextFeature(rh);
        CHECK(fh != NULL);
        if (fh) {
            CHECK_STR_EQ(OGR_F_GetFieldAsString(fh, 0),
                         OGR_F_GetFieldAsString(fw, 0));
            CHECK_NEAR(OGR_F_GetFieldAsDouble(fh, 1),
                       OGR_F_GetFieldAsDouble(fw, 1), 1e-9);
            OGR_F_Destroy(fh);
        }
        OGR_F_Destroy(fw);
        n++;
    }
    CHECK(n > 2); /* all, and the demo's categories */
    if (rh) GDALDatasetReleaseResultSet(h, rh);
    if (rw) GDALDatasetReleaseResultSet(w, rw);
    GDALClose(h);
    GDALClose(w);
}

TEST(empty_step_left_out_of_mann_kendall) {
    /* The demo's incidents without June 2024: under --global-window
     * individual that step is wholly empty, so its Gi* z is undefined
     * (NaN) in every cell, and Mann-Kendall uses the other 23 steps. */
    char path[256], line[512];
    snprintf(path, sizeof path, "%s/demo/incidents.csv", VEMT_FIXTURES);
    FILE *in = fopen(path, "r");
    char out[256];
    snprintf(out, sizeof out, "%s/no_june.csv", tmpdir);
    FILE *fo = fopen(out, "w");
    CHECK(in && fo);
    if (!in || !fo) {
        if (in) fclose(in);
        if (fo) fclose(fo);
        return;
    }
    while (fgets(line, sizeof line, in))
        if (!strstr(line, ",2024-06-")) fputs(line, fo);
    fclose(in);
    fclose(fo);
    CHECK_INT_EQ(vemt("run --incidents no_june.csv --global-window individual "
                      "--out no_june.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("no_june.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    long cells = count_where(ds, "emerging_hotspots", NULL);
    CHECK(cells > 0);
    CHECK_INT_EQ(count_where(ds, "emerging_hotspots", "mk_n = 23"), cells);
    CHECK_INT_EQ(count_where(ds, "emerging_hotspots", "mk_note IS NULL"),
                 cells);
    /* June alone has no z: one null per cell. */
    CHECK_INT_EQ(count_where(ds, "hotspot_cube", "gi_z IS NULL"), cells);
    /* The study area's series has no NaN: all 24 steps, and June's rate
     * per day over its 30 days is 0. */
    CHECK_INT_EQ(count_where(ds, "trends",
                             "area = 'study area' AND category = 'all' AND "
                             "mk_n = 24"),
                 24);
    CHECK_INT_EQ(count_where(ds, "trends",
                             "area = 'study area' AND category = 'all' AND "
                             "days = 30 AND rate_per_day = 0"),
                 1);
    GDALClose(ds);
}

TEST_SUITE(cli) {
    strcpy(tmpdir, "/tmp/vemt-test-cli-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(help_and_version);
    RUN(usage_errors);
    RUN(bad_input_leaves_no_output);
    RUN(rejects_in_compiler_style);
    RUN(summary_accounts_for_every_row);
    RUN(episode_duration_and_open);
    RUN(demo_end_to_end);
    RUN(demo_trends_find_planted_behaviours);
    RUN(demo_safeguarding_finds_planted_places);
    RUN(cli_matches_spdep);
    RUN(ingest_command_and_job_file);
    RUN(interrupted_run_leaves_previous_output);
    RUN(two_files_one_series_per_category);
    RUN(empty_step_left_out_of_mann_kendall);
    GDALDestroy();
    proj_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
