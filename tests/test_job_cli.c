/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_job_cli.c
 * @brief End to end: `vemt run --config JOB.json` with analysis options in
 * the job file (cell size, permutations, no density, no trends, no
 * clusters), checked in the GeoPackage through GDAL; the output path
 * relative to the job file; the command line overriding the job; the
 * provenance's parameters the same as for the command-line form.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/provutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

static void write_file(const char *name, const char *text) {
    test_write_file(tmpdir, name, text);
}

/* The smallest and largest area of the hot-spot cells, and their number. */
static size_t cell_areas(GDALDatasetH ds, double *lo, double *hi) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    size_t n = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        double a = OGR_G_Area(OGR_F_GetGeometryRef(f));
        *lo = fmin(*lo, a);
        *hi = fmax(*hi, a);
        n++;
        OGR_F_Destroy(f);
    }
    return n;
}

/* Is every gi_p_sim a multiple of 1 / (permutations + 1)? And the
 * smallest one. */
static bool p_sim_on_grid(GDALDatasetH ds, double permutations, double *min) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    bool ok = l != NULL;
    *min = INFINITY;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        int k = OGR_F_GetFieldIndex(f, "gi_p_sim");
        if (OGR_F_IsFieldSetAndNotNull(f, k)) {
            double p = OGR_F_GetFieldAsDouble(f, k) * (permutations + 1);
            ok = ok && fabs(p - round(p)) < 1e-6;
            *min = fmin(*min, OGR_F_GetFieldAsDouble(f, k));
        }
        OGR_F_Destroy(f);
    }
    return ok;
}

/* Rows of gpkg_contents for a table name. */
static long contents_rows(GDALDatasetH ds, const char *table) {
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM gpkg_contents WHERE table_name = '%s'",
             table);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    long n = f ? (long)OGR_F_GetFieldAsInteger64(f, 0) : -1;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return n;
}

/* The provenance document of an output in the test's folder, or NULL
 * (caller puts it). */
static json_object *provenance(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return test_provenance(path);
}

/* A provenance parameter's value, or "". */
static const char *param(json_object *doc, const char *name) {
    json_object *ps, *p, *v;
    if (json_object_object_get_ex(doc, "parameters", &ps) &&
        json_object_object_get_ex(ps, name, &p) &&
        json_object_object_get_ex(p, "value", &v))
        return json_object_get_string(v);
    return "";
}

static const char job_json[] =
    "{\"demo\": true, \"out\": \"job.gpkg\", \"cell_size\": 500,\n"
    " \"permutations\": 99, \"no_kde\": true, \"no-trends\": true,\n"
    " \"clusters\": \"none\", \"quiet\": true}\n";

TEST(job_file_sets_analysis_options) {
    char path[256];
    snprintf(path, sizeof path, "%s/jobs", tmpdir);
    CHECK_INT_EQ(mkdir(path, 0700), 0);
    write_file("jobs/job.json", job_json);
    CHECK_INT_EQ(vemt("run --config jobs/job.json", NULL, 0), 0);
    /* "out" is relative to the job file's folder. */
    snprintf(path, sizeof path, "%s/job.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
    GDALDatasetH ds = open_out("jobs/job.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    double lo, hi, min_p;
    CHECK(cell_areas(ds, &lo, &hi) > 100);
    CHECK_NEAR(lo, 500.0 * 500.0, 1e-6);
    CHECK_NEAR(hi, 500.0 * 500.0, 1e-6);
    /* 99 permutations: pseudo p-values in steps of 1/100, 0.01 at least
     * (999, the default, reaches below). */
    CHECK(p_sim_on_grid(ds, 99, &min_p));
    CHECK(min_p >= 0.01 - 1e-12 && min_p < 0.1);
    CHECK_INT_EQ(contents_rows(ds, "hotspot_cells"), 1);
    CHECK_INT_EQ(contents_rows(ds, "kde"), 0);          /* no_kde */
    CHECK_INT_EQ(contents_rows(ds, "hotspot_cube"), 0); /* no-trends */
    CHECK_INT_EQ(contents_rows(ds, "clusters"), 0);     /* clusters none */
    GDALClose(ds);
}

TEST(provenance_as_from_the_command_line) {
    CHECK_INT_EQ(vemt("run --demo --out cli.gpkg --cell-size 500 "
                      "--permutations 99 --no-kde --no-trends --clusters none "
                      "--quiet",
                      NULL, 0),
                 0);
    json_object *job = provenance("jobs/job.gpkg"),
                *cli = provenance("cli.gpkg");
    CHECK(job && cli);
    json_object *pj, *pc, *file;
    if (job && cli && json_object_object_get_ex(job, "parameters", &pj) &&
        json_object_object_get_ex(cli, "parameters", &pc)) {
        CHECK_STR_EQ(json_object_to_json_string(pj),
                     json_object_to_json_string(pc));
        CHECK_STR_EQ(param(job, "permutations"), "99");
        CHECK_STR_EQ(param(job, "cell_size_m"), "500");
    }
    /* The job file itself is recorded beside the command line. */
    CHECK(job && json_object_object_get_ex(job, "job_file", &file) &&
          json_object_is_type(file, json_type_object));
    CHECK(cli && !json_object_object_get_ex(cli, "job_file", &file));
    json_object_put(job);
    json_object_put(cli);
}

TEST(command_line_overrides_the_job_file) {
    CHECK_INT_EQ(vemt("run --config jobs/job.json --cell-size 1000 --out "
                      "over.gpkg",
                      NULL, 0),
                 0);
    /* --out on the command line is relative to the current folder. */
    GDALDatasetH ds = open_out("over.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    double lo, hi, min_p;
    cell_areas(ds, &lo, &hi);
    CHECK_NEAR(lo, 1e6, 1e-6);
    CHECK_NEAR(hi, 1e6, 1e-6);
    CHECK(p_sim_on_grid(ds, 99, &min_p)); /* the job's permutations */
    GDALClose(ds);
    json_object *doc = provenance("over.gpkg");
    CHECK_STR_EQ(param(doc, "cell_size_m"), "1000");
    json_object_put(doc);
}

TEST(job_file_errors_exit_2) {
    char line[512];
    write_file("jobs/bad.json", "{\"demo\": true, \"cell_sise\": 500}");
    CHECK_INT_EQ(vemt("run --config jobs/bad.json", line, sizeof line), 2);
    CHECK_STR_EQ(line,
                 "jobs/bad.json: job file: unknown option \"cell_sise\" (did "
                 "you mean \"cell_size\"?)");
    write_file("jobs/bad.json", "{\"demo\": true, \"permutations\": -5}");
    CHECK_INT_EQ(vemt("run --config jobs/bad.json", line, sizeof line), 2);
    CHECK_STR_EQ(line,
                 "jobs/bad.json: job file: \"permutations\": --permutations "
                 "needs a whole number from 0 to 99999: -5");
    write_file("jobs/bad.json", "{\"demo\": true, \"no_kde\": \"yes\"}");
    CHECK_INT_EQ(vemt("run --config jobs/bad.json", line, sizeof line), 2);
    CHECK_STR_EQ(line,
                 "jobs/bad.json: job file: \"no_kde\": --no-kde is a flag: "
                 "give true or false");
}

TEST_SUITE(job_cli) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-job-cli-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(job_file_sets_analysis_options);
    RUN(provenance_as_from_the_command_line);
    RUN(command_line_overrides_the_job_file);
    RUN(job_file_errors_exit_2);
    GDALDestroy();
    proj_cleanup();
    test_remove_dir(tmpdir);
}
