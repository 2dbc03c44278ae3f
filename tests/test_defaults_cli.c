/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_defaults_cli.c
 * @brief End to end: the defaults that must fit the data and say so
 * (issue 17). The automatic cell size on a sparse and a dense real
 * police.uk file (the size, the printed reason, the provenance at the
 * restricted and partner tiers), the warning on a planted one-giant-cluster
 * case (stderr, report, provenance), no DBSCAN or HDBSCAN cluster below
 * its minimum on real data, and defaults recorded as defaults.
 */
#include <cpl_string.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args) { return test_vemt(tmpdir, args, NULL, 0); }

static bool file_has(const char *name, const char *text) {
    size_t n = 0;
    char *buf = test_slurp_in(tmpdir, name, &n);
    bool found = buf && test_contains(buf, n, text);
    if (!found)
        fprintf(stderr, "  %s lacks: %s\n%s\n", name, text, buf ? buf : "");
    free(buf);
    return found;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

/* One integer from SQL on a run's output (-1 when it fails). */
static long sql_long(const char *name, const char *sql) {
    GDALDatasetH ds = open_out(name);
    if (!ds) return -1;
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    long v = f && OGR_F_IsFieldSetAndNotNull(f, 0)
                 ? (long)OGR_F_GetFieldAsInteger64(f, 0)
                 : -1;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
    return v;
}

/* parameters.<param>.how (or .value) of a run's provenance into out ("" when
 * the parameter is not there). */
static void prov_param(const char *name, const char *param, const char *field,
                       char *out, size_t size) {
    out[0] = '\0';
    GDALDatasetH ds = open_out(name);
    if (!ds) return;
    char **md = GDALGetMetadata(ds, NULL);
    const char *text =
        md ? CSLFetchNameValue(md, "GPKG_METADATA_ITEM_1") : NULL;
    json_object *root = text ? json_tokener_parse(text) : NULL, *params, *p, *v;
    if (root && json_object_object_get_ex(root, "parameters", &params) &&
        json_object_object_get_ex(params, param, &p) &&
        json_object_object_get_ex(p, field, &v))
        snprintf(out, size, "%s", json_object_get_string(v));
    json_object_put(root);
    GDALClose(ds);
}

static const char quick[] =
    "--no-trends --no-kde --clusters none --permutations 0";

/* The sparse real file: Nottingham burglary 2022, 1,795 events at 1,247
 * distinct snap points over 13.6 km. Esri's rule gave 150 m (96 % of the
 * cells empty, a 14-event cell at z = 28); the target gives 350 m. The
 * reason names the target, the median reached, the non-empty cells and
 * both bounds; the written table agrees: 407 cells hold events. */
TEST(cell_size_sparse_real_file) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' %s "
             "--out n.gpkg",
             VEMT_FIXTURES, quick);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(file_has("out.txt",
                   "cell size: 350 m (automatic: the smallest 50 m multiple "
                   "with a median of at least 3 events per non-empty cell: "
                   "median 3 in 407 non-empty cells; searched from 100 m "
                   "(mean nearest-neighbour distance of 1247 distinct event "
                   "locations, 98.6 m, rounded up to 50 m) to 650 m (the "
                   "extent's longer side, 13630 m, / 20))"));
    CHECK_INT_EQ(sql_long("n.gpkg",
                          "SELECT count(*) FROM hotspot_cells WHERE "
                          "n_events > 0"),
                 407);
    /* Median 3: at most half the non-empty cells under 5, at most half
     * over it. */
    CHECK(sql_long("n.gpkg",
                   "SELECT count(*) FROM hotspot_cells WHERE "
                   "n_events > 0 AND n_events < 3") <= 203);
    CHECK(sql_long("n.gpkg",
                   "SELECT count(*) FROM hotspot_cells WHERE n_events > 3") <=
          203);
    char how[64], rule[600];
    prov_param("n.gpkg", "cell_size_m", "how", how, sizeof how);
    CHECK_STR_EQ(how, "automatic");
    prov_param("n.gpkg", "cell_size_rule", "value", rule, sizeof rule);
    CHECK(strstr(rule, "median 3 in 407 non-empty cells") != NULL);
    prov_param("n.gpkg", "cell_size_method", "value", rule, sizeof rule);
    CHECK(strstr(rule, "median of at least 3 events per non-empty cell"));
    /* Partner tier: the size and the rule's name, not the reason's
     * numbers from the data. */
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' %s "
             "--tier partner --out p.gpkg",
             VEMT_FIXTURES, quick);
    CHECK_INT_EQ(vemt(args), 0);
    prov_param("p.gpkg", "cell_size_m", "value", how, sizeof how);
    CHECK_STR_EQ(how, "350");
    prov_param("p.gpkg", "cell_size_method", "value", rule, sizeof rule);
    CHECK(strstr(rule, "median of at least 3 events per non-empty cell"));
    prov_param("p.gpkg", "cell_size_rule", "value", rule, sizeof rule);
    CHECK_STR_EQ(rule, "");
    /* Hexagons: the same rule on hexagon cells. */
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' %s "
             "--grid hex --out h.gpkg",
             VEMT_FIXTURES, quick);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(file_has("out.txt", "events per non-empty hexagon: median "));
}

/* The dense real file: Merseyside shoplifting, 7,930 events at 1,038
 * distinct snap points over 40 km: 250 m (the floor), median 3 in 762
 * cells. */
TEST(cell_size_dense_real_file) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/merseyside_shoplifting.csv.gz' %s "
             "--out m.gpkg",
             VEMT_FIXTURES, quick);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(file_has("out.txt",
                   "cell size: 250 m (automatic: the smallest 50 m multiple "
                   "with a median of at least 3 events per non-empty cell: "
                   "median 3 in 762 non-empty cells; searched from 250 m "
                   "(mean nearest-neighbour distance of 1038 distinct event "
                   "locations, 234.5 m, rounded up to 50 m) to 2000 m (the "
                   "extent's longer side, 40042 m, / 20))"));
    CHECK_INT_EQ(sql_long("m.gpkg",
                          "SELECT count(*) FROM hotspot_cells WHERE "
                          "n_events > 0"),
                 762);
    /* A given size is recorded as given, with no rule. */
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/merseyside_shoplifting.csv.gz' %s "
             "--cell-size 300 --out g.gpkg",
             VEMT_FIXTURES, quick);
    CHECK_INT_EQ(vemt(args), 0);
    char how[64];
    prov_param("g.gpkg", "cell_size_m", "how", how, sizeof how);
    CHECK_STR_EQ(how, "given");
    prov_param("g.gpkg", "cell_size_method", "how", how, sizeof how);
    CHECK_STR_EQ(how, "");
}

/* Events: a 20 x 20 lattice of 10 m (a 190 m square) per blob centre,
 * and scattered events 1 km apart (noise at eps 200 m). */
static void write_events(const char *name, int blobs, int scattered) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("id,occurred_at,easting,northing\n", f);
    long id = 0;
    for (int b = 0; b < blobs; b++)
        for (int i = 0; i < 400 / blobs; i++)
            fprintf(f, "e%ld,2024-%02d-%02dT12:00:00Z,%.1f,%.1f\n", ++id,
                    1 + i % 12, 1 + i % 28,
                    460000 + 5000.0 * b + 10.0 * (i % 20),
                    520000 + 10.0 * (i / 20));
    for (int i = 0; i < scattered; i++)
        fprintf(f, "e%ld,2024-%02d-01T08:00:00Z,%.1f,%.1f\n", ++id, 1 + i % 12,
                455500 + 1000.0 * (i % 10), 515500 + 1000.0 * (i / 10));
    fclose(f);
}

/* One planted blob holds 400 of 500 events: DBSCAN's single cluster holds
 * 80 %, and the run says so on stderr, in the report's Clusters paragraph
 * and in the provenance, naming the options to change. Two blobs of 200
 * (40 % each, each 0.04 km2 of a 100 km2 extent): no warning. */
TEST(giant_cluster_warned) {
    write_events("one.csv", 1, 100);
    CHECK_INT_EQ(vemt("run --incidents one.csv --no-trends --no-kde "
                      "--permutations 0 --clusters dbscan --report one.md "
                      "--out one.gpkg"),
                 0);
    const char *line =
        "dbscan: one cluster holds 400 of 500 events (80.0 %) over 0.04 km2";
    CHECK(file_has("err.txt", "warning: dbscan: one cluster holds 400 of 500"));
    CHECK(file_has("err.txt", line));
    CHECK(file_has("err.txt",
                   "lower --eps (now 200 m) or raise --min-points (now 5)"));
    CHECK(file_has("one.md", "## Clusters"));
    CHECK(file_has("one.md", line));
    char w[800];
    prov_param("one.gpkg", "cluster_warnings", "value", w, sizeof w);
    CHECK(strstr(w, line) != NULL);
    write_events("two.csv", 2, 100);
    CHECK_INT_EQ(vemt("run --incidents two.csv --no-trends --no-kde "
                      "--permutations 0 --clusters dbscan --report two.md "
                      "--out two.gpkg"),
                 0);
    size_t n = 0;
    char *err = test_slurp_in(tmpdir, "err.txt", &n);
    CHECK(err && !strstr(err, "one cluster"));
    free(err);
    prov_param("two.gpkg", "cluster_warnings", "value", w, sizeof w);
    CHECK_STR_EQ(w, "");
    CHECK_INT_EQ(sql_long("two.gpkg", "SELECT count(*) FROM clusters"), 2);
}

/* A cluster that is the whole map but not most events: a 20 x 20 lattice
 * of 150 m (eps 200 m: 4 neighbours at 150 m, the diagonals at 212 m, so
 * the interior is core, the edges border and the 4 corners, with 2
 * neighbours that are not core, noise: one DBSCAN cluster of 396 events;
 * its convex hull is the 2,850 m square less 4 corner triangles of 150 x
 * 150 / 2 m2, 8.0775 km2) and five tight blobs of 100 events east of it
 * (five clusters). The events' extent is 5,540 x 2,850 m (15.79 km2): the
 * lattice's cluster holds 44.0 % of the 900 events but covers 51 % of the
 * extent, more than a quarter: warned, by area. */
TEST(wide_cluster_warned) {
    char path[256];
    snprintf(path, sizeof path, "%s/wide.csv", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("id,occurred_at,easting,northing\n", f);
    long id = 0;
    for (int i = 0; i < 400; i++)
        fprintf(f, "w%ld,2024-03-01T12:00:00Z,%.1f,%.1f\n", ++id,
                460000 + 150.0 * (i % 20), 520000 + 150.0 * (i / 20));
    for (int b = 0; b < 5; b++)
        for (int i = 0; i < 100; i++)
            fprintf(f, "w%ld,2024-03-01T12:00:00Z,%.1f,%.1f\n", ++id,
                    463450 + 500.0 * b + 10.0 * (i % 10),
                    520000 + 600.0 * b + 10.0 * (i / 10));
    fclose(f);
    CHECK_INT_EQ(vemt("run --incidents wide.csv --no-trends --no-kde "
                      "--permutations 0 --clusters dbscan --hull convex --out "
                      "wide.gpkg"),
                 0);
    CHECK(file_has("err.txt",
                   "warning: dbscan: one cluster holds 396 of "
                   "900 events (44.0 %) over 8.08 km2 (51 % of "
                   "the events' extent)"));
    CHECK_INT_EQ(sql_long("wide.gpkg", "SELECT count(*) FROM clusters"), 6);
}

/* Nottingham burglary with the default options: DBSCAN left a cluster of
 * one event (its core point's neighbours taken by an earlier cluster);
 * now every written cluster holds at least --min-points events (5), and
 * HDBSCAN's at least --min-cluster-size (10); the events layer agrees. */
TEST(no_cluster_below_min_points) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' "
             "--no-trends --no-kde --permutations 0 --clusters "
             "dbscan,hdbscan --out c.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(sql_long("c.gpkg",
                   "SELECT count(*) FROM clusters WHERE method = 'dbscan'") >
          0);
    CHECK_INT_EQ(sql_long("c.gpkg",
                          "SELECT count(*) FROM clusters WHERE "
                          "method = 'dbscan' AND n_events < 5"),
                 0);
    CHECK_INT_EQ(sql_long("c.gpkg",
                          "SELECT count(*) FROM clusters WHERE "
                          "method = 'hdbscan' AND n_events < 10"),
                 0);
    CHECK_INT_EQ(sql_long("c.gpkg",
                          "SELECT count(*) FROM (SELECT cluster_id "
                          "FROM events WHERE cluster_id IS NOT NULL "
                          "GROUP BY cluster_id HAVING count(*) < 5)"),
                 0);
    CHECK_INT_EQ(
        sql_long("c.gpkg", "SELECT count(DISTINCT cluster_id) FROM events"),
        sql_long("c.gpkg",
                 "SELECT count(*) FROM clusters WHERE method = 'dbscan'"));
}

/* Defaults are recorded as defaults, given values as given, automatic
 * choices as automatic. */
TEST(defaults_recorded_as_defaults) {
    char args[1024], how[64];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' "
             "--no-trends --permutations 0 --clusters dbscan --out d.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 0);
    static const char *const want[][2] = {{"eps_m", "default"},
                                          {"min_points", "default"},
                                          {"time_eps_s", "default"},
                                          {"min_cluster_size", "default"},
                                          {"min_samples", "default"},
                                          {"dbscan_border_points", "default"},
                                          {"cluster_outline", "default"},
                                          {"cell_size_m", "automatic"},
                                          {"distance_band_m", "default"},
                                          {"kde_bandwidth_m", "automatic"},
                                          {"kde_bandwidth_rule", "automatic"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        prov_param("d.gpkg", want[i][0], "how", how, sizeof how);
        if (strcmp(how, want[i][1]))
            fprintf(stderr, "  %s: %s\n", want[i][0], how);
        CHECK_STR_EQ(how, want[i][1]);
    }
    CHECK(file_has("out.txt", "after Williamson et al. 1998"));
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' "
             "--no-trends --permutations 0 --clusters dbscan --eps 150 "
             "--min-points 6 --time-eps 7d --kde-bandwidth 400 --out e.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 0);
    static const char *const given[] = {"eps_m", "min_points", "time_eps_s",
                                        "kde_bandwidth_m"};
    for (size_t i = 0; i < 4; i++) {
        prov_param("e.gpkg", given[i], "how", how, sizeof how);
        CHECK_STR_EQ(how, "given");
    }
    prov_param("e.gpkg", "min_cluster_size", "how", how, sizeof how);
    CHECK_STR_EQ(how, "default");
}

TEST_SUITE(defaults_cli) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-defaults-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(cell_size_sparse_real_file);
    RUN(cell_size_dense_real_file);
    RUN(giant_cluster_warned);
    RUN(wide_cluster_warned);
    RUN(no_cluster_below_min_points);
    RUN(defaults_recorded_as_defaults);
    test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
