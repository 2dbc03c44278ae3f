/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_names.c
 * @brief End to end: names for people (issue 18). police.uk's Location
 * reaches the events layer at the restricted tier and no output of the
 * partner tier; --label-areas (and a job file's label_areas) names the
 * hottest cells and the patrol windows; --areas units go by their names;
 * sections that come out empty say why; the report says the period, the
 * units and the categories in words.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/vemt.h"
#include "tests/test.h"
#include "tests/testutil.h"

#define POLICEUK \
    VEMT_FIXTURES "/policeuk/merseyside_shoplifting_policeuk_head300.csv"
#define WARDS VEMT_FIXTURES "/boundaries/wards_E06000003.geojson"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

/* Whether the scratch file holds text (binary files too). */
static bool file_has(const char *name, const char *text) {
    size_t n = 0;
    char *all = test_slurp_in(tmpdir, name, &n);
    bool found = all && test_contains(all, n, text);
    free(all);
    return found;
}

/* One number from SQLite SQL on a scratch GeoPackage (-1 when it fails). */
static long gpkg_num(const char *name, const char *sql) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds) return -1;
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    long v = f ? (long)OGR_F_GetFieldAsInteger64(f, 0) : -1;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
    return v;
}

static bool has_layer(const char *name, const char *layer) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    bool found = ds && GDALDatasetGetLayerByName(ds, layer) != NULL;
    if (ds) GDALClose(ds);
    return found;
}

/* The street text costs the events no memory: it takes the padding
 * subject_key left (issue 19 wants 10 million events). */
TEST(event_stays_88_bytes) {
    CHECK_INT_EQ((long)sizeof(vemt_event), 88);
    vemt_event ev;
    CHECK_INT_EQ((long)sizeof ev.subject_key, 21); /* 20 hex digits + NUL */
}

/* police.uk's Location: every row's text in the events layer (75 of the
 * 300 rows say "On or near Supermarket": awk over the CSV's 7th column),
 * and nowhere in what the partner tier writes. */
TEST(location_restricted_only) {
    CHECK_INT_EQ(vemt("run --incidents '" POLICEUK
                      "' --out r.gpkg --report r.md --seed 1 --no-kde",
                      NULL, 0),
                 0);
    CHECK_INT_EQ(gpkg_num("r.gpkg",
                          "SELECT count(*) FROM events WHERE location LIKE "
                          "'On or near %'"),
                 300);
    CHECK_INT_EQ(gpkg_num("r.gpkg",
                          "SELECT count(*) FROM events WHERE location = "
                          "'On or near Supermarket'"),
                 75);
    /* Street text stays out of stdout and the report at any tier. */
    CHECK(!file_has("out.txt", "On or near"));
    CHECK(!file_has("r.md", "On or near"));
    CHECK_INT_EQ(vemt("run --incidents '" POLICEUK
                      "' --tier partner --out p.gpkg --report p.md --seed 1 "
                      "--no-kde",
                      NULL, 0),
                 0);
    CHECK(!has_layer("p.gpkg", "events"));
    CHECK(has_layer("p.gpkg", "hotspot_cells"));
    CHECK(!file_has("p.gpkg", "On or near"));
    CHECK(!file_has("p.md", "On or near"));
    CHECK(!file_has("out.txt", "On or near"));
    CHECK(file_has("out.txt",
                   "Withheld in the partner tier: patrol windows show where "
                   "and when events happen."));
}

static const char demo_flags[] =
    "--seed 7 --threads 1 --permutations 99 --no-kde --no-near-repeat "
    "--clusters dbscan";

/* The demo's hottest cells named by the ward holding their centre. The
 * wards were found independently with SpatiaLite: ST_Intersects of the
 * wards with ST_Transform(MakePoint(466200, 521000, 27700), 4326), the
 * centre of cell 466000_520800, is Saltburn; (460200, 524600) is
 * Newcomen. */
TEST(label_areas_name_cells_and_windows) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --demo %s --out l.gpkg --report l.md --label-areas '%s'",
             demo_flags, WARDS);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    CHECK(file_has("out.txt", "1. cell 466000_520800, Saltburn: hot spot"));
    CHECK(file_has("out.txt", "2. cell 460000_524400, Newcomen: hot spot"));
    CHECK(file_has("l.md", "1. cell 466000_520800, Saltburn: hot spot"));
    /* Patrol windows: a DBSCAN cluster by the ward of its mean centre. */
    CHECK(file_has("out.txt", "1. DBSCAN cluster 5, Grangetown, "));
    /* A job file's keys, the name field given: the ward codes. */
    char job[512];
    snprintf(job, sizeof job,
             "{\"label_areas\": \"%s\", \"label_field\": \"WD13CD\"}", WARDS);
    test_write_file(tmpdir, "job.json", job);
    snprintf(args, sizeof args, "run --demo %s --out j.gpkg --config job.json",
             demo_flags);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    CHECK(file_has("out.txt", "1. cell 466000_520800, E05001520: hot spot"));
    CHECK(!file_has("out.txt", "Saltburn"));
}

/* A label file without a name field, or a --label-field it lacks, is an
 * error naming the file. */
TEST(label_areas_errors) {
    test_write_file(tmpdir, "codes.geojson",
                    "{\"type\": \"FeatureCollection\", \"features\": [{"
                    "\"type\": \"Feature\", \"properties\": {\"code\": "
                    "\"A\"}, \"geometry\": {\"type\": \"Polygon\", "
                    "\"coordinates\": [[[-1.1, 54.5], [-1.0, 54.5], "
                    "[-1.0, 54.6], [-1.1, 54.5]]]}}]}");
    char args[1024];
    snprintf(args, sizeof args,
             "run --demo %s --out e.gpkg --label-areas codes.geojson",
             demo_flags);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    CHECK(file_has("err.txt",
                   "codes.geojson: no field of names found (looked for name, "
                   "areaname and fields ending in nm or name): give "
                   "--label-field\n"));
    snprintf(args, sizeof args,
             "run --demo %s --out e.gpkg --label-areas '%s' --label-field "
             "nope",
             demo_flags, WARDS);
    CHECK_INT_EQ(vemt(args, NULL, 0), 1);
    CHECK(file_has("err.txt",
                   "wards_E06000003.geojson: no field 'nope' for names\n"));
    char path[128];
    snprintf(path, sizeof path, "%s/e.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
}

/* The 1,795 Nottingham burglaries of 2022 (tests/test_units_cli.c) as an
 * incidents CSV. */
static void write_burglaries(void) {
    char src[256], dst[256], line[128];
    snprintf(src, sizeof src, "%s/ref/nottingham_burglary_27700.csv",
             VEMT_FIXTURES);
    snprintf(dst, sizeof dst, "%s/nott.csv", tmpdir);
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    if (in && out) {
        fputs("id,occurred_at,easting,northing\n", out);
        long k = 0;
        while (fgets(line, sizeof line, in))
            if (k++ > 0) fprintf(out, "b%ld,2022-06-01T12:00:00Z,%s", k, line);
    }
    if (in) fclose(in);
    if (out) fclose(out);
}

/* --areas: the wards by their names and codes, as the issue asks ("St.
 * Ann's (E05012287)"); with the FDR correction none is a hot spot, and
 * the report says so and why the patrol windows are empty. */
TEST(areas_named_and_empty_sections) {
    write_burglaries();
    char args[1024];
    const char *base =
        "run --incidents nott.csv --no-trends --clusters none --no-kde "
        "--permutations 99 --seed 1";
    snprintf(args, sizeof args,
             "%s --fdr off --areas '%s/ref/nottingham_wards_27700.gpkg' "
             "--out w.gpkg",
             base, VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    CHECK(file_has("out.txt", "3. St. Ann's (E05012287): hot spot at 95 %"));
    CHECK(!file_has("out.txt", "area E05012287"));
    snprintf(args, sizeof args,
             "%s --areas '%s/ref/nottingham_wards_27700.gpkg' --out f.gpkg "
             "--report f.md",
             base, VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    CHECK(file_has("f.md",
                   "## Hottest areas\n\nRanked by Gi* bin, then events, then "
                   "id"));
    CHECK(file_has("f.md",
                   "- None: no area is a significant hot spot at 90 % "
                   "confidence or more (Gi*, after the false discovery rate "
                   "correction)."));
    CHECK(file_has("f.md",
                   "## Patrol windows (local time)\n\n- None: patrol windows "
                   "are computed for hot spots at 99 % confidence and DBSCAN "
                   "clusters, and there is neither."));
    /* No subjects: no line on places linked to children. */
    CHECK(!file_has("f.md", "Locations of concern"));
    CHECK(!file_has("f.md", "0 places"));
    CHECK(file_has("f.md", "- Period: 1 June 2022.\n"));
    CHECK(file_has("f.md", "- Units: 20 areas (--areas polygons).\n"));
}

/* police.uk months: the period and the cell size in words, the category
 * filter said, and why there is no patrol window. */
TEST(words_and_month_only_windows) {
    CHECK_INT_EQ(vemt("run --incidents '" VEMT_FIXTURES
                      "/policeuk/merseyside_shoplifting_13months_sample.csv' "
                      "--cell-size 500 --categories '/shop|burg/' --out m.gpkg "
                      "--report m.md --seed 1 --no-kde --permutations 99",
                      NULL, 0),
                 0);
    CHECK(file_has("m.md", "- Period: May 2019 to May 2020 (13 months).\n"));
    CHECK(file_has("m.md", "- Units: 500 m grid cells (squares, "));
    CHECK(file_has("m.md",
                   "- Categories analysed: those matching /shop|burg/ "
                   "(--categories): Shoplifting.\n"));
    CHECK(file_has("m.md",
                   "- None: no event is known to the hour (events known only "
                   "to the day or month, as police.uk's, are left out)."));
    CHECK(!file_has("m.md", "Locations of concern"));
    CHECK(file_has("out.txt", "  Period: May 2019 to May 2020 (13 months).\n"));
}

TEST_SUITE(names) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-names-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(event_stays_88_bytes);
    RUN(location_restricted_only);
    RUN(label_areas_name_cells_and_windows);
    RUN(label_areas_errors);
    RUN(areas_named_and_empty_sections);
    RUN(words_and_month_only_windows);
    test_remove_dir(tmpdir);
    GDALDestroy();
}
