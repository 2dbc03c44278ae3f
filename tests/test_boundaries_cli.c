/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_boundaries_cli.c
 * @brief End to end: `vemt run` on sets of boundary files: --areas given
 * more than once and as a job file's list with a where clause per file,
 * --boundary-where, the repaired Cleveland district file, --snap in the
 * provenance, and a unit without a neighbour (an island) named in the log
 * with a finite Gi*.
 */
#include <cpl_string.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <unistd.h>

#include "tests/test.h"
#include "tests/testutil.h"

#define BOUNDARIES VEMT_FIXTURES "/boundaries"
#define STOPS VEMT_FIXTURES "/policeuk/2017-0%d-cleveland-stop-and-search.csv"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

/* The run's stdout and stderr, concatenated (caller frees). */
static char *run_output(void) {
    char path[128];
    size_t a = 0, b = 0;
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    char *out = test_slurp(path, &a);
    snprintf(path, sizeof path, "%s/err.txt", tmpdir);
    char *err = test_slurp(path, &b);
    char *all = malloc(a + b + 1);
    if (all) {
        memcpy(all, out ? out : "", a);
        memcpy(all + a, err ? err : "", b);
        all[a + b] = '\0';
    }
    free(out);
    free(err);
    return all;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

static double num(OGRFeatureH f, const char *field) {
    int i = OGR_F_GetFieldIndex(f, field);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsDouble(f, i)
               : (double)NAN;
}

/* The three months of Cleveland stop and search as --incidents. */
static void incidents(char *out, size_t n) {
    size_t used = 0;
    out[0] = '\0';
    for (int m = 1; m <= 3; m++) {
        char path[256];
        snprintf(path, sizeof path, STOPS, m);
        used +=
            (size_t)snprintf(out + used, n - used, " --incidents '%s'", path);
    }
}

static const char flags[] =
    "--no-trends --clusters none --no-kde --permutations 0 --quiet";

/* Middlesbrough's wards and one Hartlepool ward (Headland and Harbour,
 * across the Tees: no ward of Middlesbrough touches it), from a job file
 * whose areas list gives that file a where clause. */
TEST(job_file_areas_list_and_an_island) {
    char job[2048], path[128], args[2048], inc[1024];
    snprintf(job, sizeof job,
             "{\"areas\": [\"%s/wards_E06000002.geojson\", {\"path\": "
             "\"%s/wards_E06000001.geojson\", \"where\": \"WD13NM = "
             "'Headland and Harbour'\"}], \"snap\": 0.5}",
             BOUNDARIES, BOUNDARIES);
    snprintf(path, sizeof path, "%s/job.json", tmpdir);
    FILE *f = fopen(path, "w");
    if (f) fputs(job, f), fclose(f);
    incidents(inc, sizeof inc);
    snprintf(args, sizeof args,
             "run %s %s --config job.json --out island.gpkg --report "
             "island.md",
             inc, flags);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    char *log = run_output();
    CHECK(log && strstr(log,
                        "warning: no neighbour: unit E05008947 "
                        "(Headland and Harbour)\n"));
    CHECK(log && strstr(log, "1 unit has no neighbour but itself"));
    free(log);
    /* The Markdown summary keeps the warnings with the results. */
    char md_path[128];
    size_t md_len = 0;
    snprintf(md_path, sizeof md_path, "%s/island.md", tmpdir);
    char *md_text = test_slurp(md_path, &md_len);
    CHECK(md_text && strstr(md_text,
                            "## Warnings\n\n- 1 unit has no "
                            "neighbour but itself"));
    CHECK(md_text && strstr(md_text,
                            "\n- no neighbour: unit E05008947 "
                            "(Headland and Harbour)\n"));
    free(md_text);
    GDALDatasetH ds = open_out("island.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    /* 23 + 1 units; the island's Gi* is its own count standardised,
     * (x - mean) / s with the population s (gistar.c with W = S1 = 1). */
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), 24);
    double sum = 0, ss = 0, x_island = NAN, z_island = NAN;
    int n = 0;
    OGRFeatureH g;
    OGR_L_ResetReading(l);
    while ((g = OGR_L_GetNextFeature(l)) != NULL) {
        double x = num(g, "n_events");
        sum += x;
        n++;
        const char *id =
            OGR_F_GetFieldAsString(g, OGR_F_GetFieldIndex(g, "cell_id"));
        if (!strcmp(id, "E05008947")) x_island = x, z_island = num(g, "gi_z");
        OGR_F_Destroy(g);
    }
    double mean = sum / n;
    OGR_L_ResetReading(l);
    while ((g = OGR_L_GetNextFeature(l)) != NULL) {
        double d = num(g, "n_events") - mean;
        ss += d * d;
        OGR_F_Destroy(g);
    }
    CHECK(isfinite(z_island));
    CHECK_NEAR(z_island, (x_island - mean) / sqrt(ss / n), 1e-9);
    /* The provenance records the snap, the files and their where. */
    char **md = GDALGetMetadata(ds, NULL);
    const char *prov =
        md ? CSLFetchNameValue(md, "GPKG_METADATA_ITEM_1") : NULL;
    CHECK(prov && strstr(prov, "\"snap_m\""));
    CHECK(prov && strstr(prov, "\"value\":\"0.5\""));
    CHECK(prov && strstr(prov,
                         "wards_E06000001.geojson (where WD13NM = "
                         "'Headland and Harbour')"));
    GDALClose(ds);
}

/* --areas twice, --boundary-where on the district file (self-intersecting
 * rings, repaired with a warning): Middlesbrough's 23 wards are kept of
 * the 34 of Hartlepool and Middlesbrough. */
TEST(areas_twice_boundary_where_and_repair) {
    char args[2048], inc[1024];
    incidents(inc, sizeof inc);
    snprintf(
        args, sizeof args,
        "run %s %s --boundary '%s/lad_cleveland_pfa_from_topojson.geojson' "
        "--boundary-where \"LAD13NM = 'Middlesbrough'\" --areas "
        "'%s/wards_E06000001.geojson' --areas '%s/wards_E06000002.geojson' "
        "--out twice.gpkg",
        inc, flags, BOUNDARIES, BOUNDARIES, BOUNDARIES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    char *log = run_output();
    CHECK(log && strstr(log,
                        "lad_cleveland_pfa_from_topojson.geojson: "
                        "feature 1 (LAD13CD 'E06000002') is not a valid "
                        "polygon (Self-intersection["));
    CHECK(log && strstr(log, "repaired with GEOS MakeValid"));
    free(log);
    GDALDatasetH ds = open_out("twice.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), 23);
    char **md = GDALGetMetadata(ds, NULL);
    const char *prov =
        md ? CSLFetchNameValue(md, "GPKG_METADATA_ITEM_1") : NULL;
    CHECK(prov && strstr(prov, "\"boundary_where\""));
    CHECK(prov && strstr(prov, "\"boundary_repairs\""));
    CHECK(prov && strstr(prov, "\"areas_more_files\""));
    GDALClose(ds);
    /* Flagged places are repaired with the same warning. */
    snprintf(args, sizeof args,
             "run %s %s --flag-places "
             "'%s/lad_cleveland_pfa_from_topojson.geojson' --out flag.gpkg",
             inc, flags, BOUNDARIES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    log = run_output();
    CHECK(log && strstr(log,
                        "lad_cleveland_pfa_from_topojson.geojson: "
                        "feature 1 (LAD13CD 'E06000002') is not a valid "
                        "polygon (Self-intersection["));
    free(log);
    /* The same file twice: its ids are in both. */
    snprintf(args, sizeof args,
             "run %s %s --areas '%s/wards_E06000001.geojson' --areas "
             "'%s/wards_E06000001.geojson' --out dup.gpkg",
             inc, flags, BOUNDARIES, BOUNDARIES);
    char line[1024];
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    CHECK(strstr(line, "is in both ") != NULL);
    /* A where clause that selects nothing names the file and the clause. */
    snprintf(args, sizeof args,
             "run %s %s --areas '%s/wards_E06000001.geojson' --areas-where "
             "\"WD13NM = 'Atlantis'\" --out none.gpkg",
             inc, flags, BOUNDARIES);
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    CHECK(strstr(line,
                 "wards_E06000001.geojson: the where clause \"WD13NM = "
                 "'Atlantis'\" selects no feature") != NULL);
}

TEST_SUITE(boundaries_cli) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-bcli-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(job_file_areas_list_and_an_island);
    RUN(areas_twice_boundary_where_and_repair);
    test_remove_dir(tmpdir);
    GDALDestroy();
}
