/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_crs_cli.c
 * @brief End to end: `vemt run --demo --analysis-crs EPSG:32630` writes
 * every layer, the kde raster, the GeoTIFF and the QGIS project in UTM
 * zone 30N, still finds hot spots, keeps every event, writes the same
 * WGS 84 GeoJSON as the default run and records the CRS in the
 * provenance; a geographic or feet-based analysis CRS is refused before
 * anything is read.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <unistd.h>

#include "tests/ogrutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];
static int rc_default, rc_utm; /* exit statuses of the two demo runs */

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static void path_of(const char *name, char *buf, size_t n) {
    snprintf(buf, n, "%s/%s", tmpdir, name);
}

static GDALDatasetH open_out(const char *name, unsigned flags) {
    char path[256];
    path_of(name, path, sizeof path);
    return GDALOpenEx(path, flags | GDAL_OF_READONLY, NULL, NULL, NULL);
}

/* "AUTH:CODE" of srs into buf ("" without one or without srs). */
static void auth_code(OGRSpatialReferenceH srs, char *buf, size_t n) {
    const char *a = srs ? OSRGetAuthorityName(srs, NULL) : NULL;
    const char *c = srs ? OSRGetAuthorityCode(srs, NULL) : NULL;
    snprintf(buf, n, "%s%s%s", a ? a : "", a && c ? ":" : "", c ? c : "");
}

/* A count from SQL on a run's GeoPackage (-1 when it fails). */
static long count(const char *gpkg, const char *sql) {
    char buf[64];
    GDALDatasetH ds = open_out(gpkg, GDAL_OF_VECTOR);
    if (!ds) return -1;
    test_query_text(ds, sql, buf, sizeof buf);
    GDALClose(ds);
    return buf[0] ? atol(buf) : -1;
}

TEST(demo_runs) {
    CHECK_INT_EQ(rc_default, 0);
    CHECK_INT_EQ(rc_utm, 0);
}

/* Every layer with geometry in EPSG:32630, tables without a CRS. */
TEST(layers_in_the_analysis_crs) {
    GDALDatasetH ds = open_out("utm.gpkg", GDAL_OF_VECTOR);
    CHECK(ds != NULL);
    if (!ds) return;
    int spatial = 0;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        char code[64];
        auth_code(OGR_L_GetSpatialRef(l), code, sizeof code);
        if (OGR_L_GetGeomType(l) == wkbNone) {
            CHECK_STR_EQ(code, "");
            continue;
        }
        spatial++;
        if (strcmp(code, "EPSG:32630"))
            fprintf(stderr, "layer %s: %s\n", OGR_L_GetName(l), code);
        CHECK_STR_EQ(code, "EPSG:32630");
    }
    CHECK(spatial >= 8); /* study area, cells, events, clusters, trends... */
    char srs[16];
    test_query_text(ds,
                    "SELECT group_concat(DISTINCT srs_id) FROM gpkg_contents "
                    "WHERE data_type IN ('features', '2d-gridded-coverage')",
                    srs, sizeof srs);
    CHECK_STR_EQ(srs, "32630");
    GDALClose(ds);
}

/* The kde raster table and the --kde GeoTIFF too. */
TEST(rasters_in_the_analysis_crs) {
    char paths[2][256];
    snprintf(paths[0], sizeof paths[0], "GPKG:%s/utm.gpkg:kde", tmpdir);
    path_of("utm_kde.tif", paths[1], sizeof paths[1]);
    for (int i = 0; i < 2; i++) {
        GDALDatasetH ds = GDALOpenEx(
            paths[i], GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
        CHECK(ds != NULL);
        if (!ds) continue;
        char code[64];
        auth_code(GDALGetSpatialRef(ds), code, sizeof code);
        CHECK_STR_EQ(code, "EPSG:32630");
        double gt[6];
        CHECK(GDALGetGeoTransform(ds, gt) == CE_None);
        /* UTM 30N eastings and northings of the Tees valley. */
        CHECK(gt[0] > 590000 && gt[0] < 640000);
        CHECK(gt[3] > 6030000 && gt[3] < 6080000);
        GDALClose(ds);
    }
}

/* Nothing is lost and hot spots are still found. */
TEST(same_events_and_hot_spots) {
    static const char *const tables[] = {"events", "rejects", "merges"};
    for (int i = 0; i < 3; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        long a = count("default.gpkg", sql), b = count("utm.gpkg", sql);
        CHECK(a >= 0);
        CHECK_INT_EQ(b, a);
    }
    CHECK(count("utm.gpkg", "SELECT count(*) FROM events") > 5000);
    CHECK(count("utm.gpkg",
                "SELECT count(*) FROM hotspot_cells WHERE gi_bin = 3") > 0);
    CHECK(count("utm.gpkg", "SELECT count(*) FROM clusters") > 0);
}

/* GeoJSON coordinates of one layer from a run's folder. */
static json_object *geojson(const char *dir, const char *layer) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s.geojson", tmpdir, dir, layer);
    return json_object_from_file(path);
}

/* GeoJSON is RFC 7946 WGS 84 whatever the analysis CRS: the events' places
 * written from UTM equal those written from British National Grid (to
 * the 7 decimals written, 1 cm). */
TEST(geojson_in_wgs84) {
    json_object *a = geojson("gj_default", "events"),
                *b = geojson("gj_utm", "events"), *fa, *fb;
    CHECK(a && b);
    if (!a || !b) return;
    CHECK(json_object_object_get_ex(a, "features", &fa));
    CHECK(json_object_object_get_ex(b, "features", &fb));
    size_t n = json_object_array_length(fa);
    CHECK_INT_EQ(json_object_array_length(fb), n);
    double most = 0;
    size_t points = 0;
    for (size_t i = 0; i < n && i < json_object_array_length(fb); i++) {
        json_object *ga, *gb, *ca, *cb;
        json_object_object_get_ex(json_object_array_get_idx(fa, i), "geometry",
                                  &ga);
        json_object_object_get_ex(json_object_array_get_idx(fb, i), "geometry",
                                  &gb);
        if (!ga || !gb) continue;
        json_object_object_get_ex(ga, "coordinates", &ca);
        json_object_object_get_ex(gb, "coordinates", &cb);
        for (size_t k = 0; k < 2; k++) {
            double u = json_object_get_double(json_object_array_get_idx(ca, k));
            double v = json_object_get_double(json_object_array_get_idx(cb, k));
            CHECK(k == 0 ? u > -2 && u < 0 : u > 54 && u < 55);
            if (fabs(u - v) > most) most = fabs(u - v);
        }
        points++;
    }
    CHECK(points > 5000);
    CHECK_NEAR(most, 0, 1.5e-7);
    json_object_put(a);
    json_object_put(b);
}

/* One value of the provenance by path ("a.b"), as text. */
static const char *prov(json_object *doc, const char *a, const char *b) {
    json_object *v = NULL;
    if (!json_object_object_get_ex(doc, a, &v)) return "";
    if (b && !json_object_object_get_ex(v, b, &v)) return "";
    return json_object_get_string(v);
}

TEST(provenance_records_the_crs) {
    static char text[65536];
    GDALDatasetH ds = open_out("utm.gpkg", GDAL_OF_VECTOR);
    CHECK(ds != NULL);
    if (!ds) return;
    test_query_text(ds,
                    "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri "
                    "= 'urn:vemt:provenance:1'",
                    text, sizeof text);
    GDALClose(ds);
    json_object *doc = json_tokener_parse(text), *params = NULL, *inputs;
    CHECK(doc != NULL);
    if (!doc) return;
    CHECK_STR_EQ(prov(doc, "crs", NULL), "EPSG:32630");
    CHECK_STR_EQ(prov(doc, "analysis_crs", "id"), "EPSG:32630");
    CHECK_STR_EQ(prov(doc, "analysis_crs", "definition"), "EPSG:32630");
    CHECK_STR_EQ(prov(doc, "analysis_crs", "name"), "WGS 84 / UTM zone 30N");
    CHECK(!strncmp(prov(doc, "analysis_crs", "wkt"),
                   "PROJCRS[\"WGS 84 / UTM zone 30N\"", 31));
    json_object_object_get_ex(doc, "parameters", &params);
    CHECK_STR_EQ(prov(params, "analysis_crs", "value"), "EPSG:32630");
    CHECK_STR_EQ(prov(params, "analysis_crs", "how"), "given");
    /* The operations PROJ used: the demo's BNG inputs through the
     * Helmert (no OSTN15 grid here) to UTM, the WGS 84 boundary by the
     * projection alone. */
    const char *b = prov(params, "boundary_transformation", "value");
    CHECK(strstr(b, "from EPSG:4326: ") == b);
    CHECK(strstr(b, "proj=utm zone=30") != NULL);
    CHECK(json_object_object_get_ex(doc, "inputs", &inputs));
    for (size_t i = 0; i < json_object_array_length(inputs); i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        CHECK_STR_EQ(prov(in, "crs", NULL), "EPSG:27700");
        CHECK(strstr(prov(in, "proj_pipeline", NULL), "proj=utm zone=30"));
        CHECK(strstr(prov(in, "transformation", NULL), "Helmert") ||
              strstr(prov(in, "transformation", NULL), "OSTN15"));
    }
    json_object_put(doc);
}

/* The project's text names the CRS for QGIS (its load is the qgis test's). */
TEST(project_in_the_analysis_crs) {
    char path[256];
    size_t n = 0;
    path_of("utm.qgs", path, sizeof path);
    char *xml = test_slurp(path, &n);
    CHECK(xml != NULL);
    if (!xml) return;
    CHECK(test_contains(xml, n,
                        "<projectCrs><spatialrefsys><wkt>PROJCRS[&quot;WGS "
                        "84 / UTM zone 30N&quot;"));
    CHECK(test_contains(xml, n, "<authid>EPSG:32630</authid>"));
    CHECK(!test_contains(xml, n, "27700"));
    free(xml);
}

/* A geographic or feet-based analysis CRS is refused before any input is
 * read or output written: exit 2, one line saying why. */
TEST(non_metric_crs_refused) {
    static const struct {
        const char *crs, *why;
    } cases[] = {
        {"EPSG:4326",
         "vemt: --analysis-crs EPSG:4326: WGS 84 is a geographic CRS "
         "(degrees), but cell sizes, distances and bandwidths are metres: "
         "use a projected CRS in metres, e.g. the study area's UTM zone "
         "(EPSG:32630 for 6W-0E)"},
        {"EPSG:2227",
         "vemt: --analysis-crs EPSG:2227: NAD83 / California zone 3 (ftUS) "
         "has axes in US survey foot, but cell sizes, distances and "
         "bandwidths are metres: use a projected CRS in metres, e.g. the "
         "study area's UTM zone (EPSG:32630 for 6W-0E)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[256], line[512], path[256];
        for (int k = 0; k < 2; k++) {
            snprintf(args, sizeof args,
                     "%s --demo --analysis-crs %s --out refused.gpkg",
                     k ? "ingest" : "run", cases[i].crs);
            CHECK_INT_EQ(vemt(args, line, sizeof line), 2);
            CHECK_STR_EQ(line, cases[i].why);
            path_of("refused.gpkg", path, sizeof path);
            CHECK(access(path, F_OK) != 0);
            /* Not even the inputs' summary: nothing was read. */
            size_t n = 0;
            path_of("out.txt", path, sizeof path);
            char *out = test_slurp(path, &n);
            CHECK(out && !test_contains(out, n, "incidents.csv"));
            free(out);
        }
    }
}

/* vemt ingest writes its events in the analysis CRS too. */
TEST(ingest_in_the_analysis_crs) {
    CHECK_INT_EQ(vemt("ingest --demo --analysis-crs EPSG:32630 --out "
                      "ingest.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("ingest.gpkg", GDAL_OF_VECTOR);
    CHECK(ds != NULL);
    if (!ds) return;
    char code[64];
    auth_code(OGR_L_GetSpatialRef(GDALDatasetGetLayerByName(ds, "events")),
              code, sizeof code);
    CHECK_STR_EQ(code, "EPSG:32630");
    GDALClose(ds);
    CHECK_INT_EQ(count("ingest.gpkg", "SELECT count(*) FROM events"),
                 count("default.gpkg", "SELECT count(*) FROM events"));
}

TEST(help_lists_the_option) {
    size_t n = 0;
    char path[256];
    CHECK_INT_EQ(vemt("run --help", NULL, 0), 0);
    path_of("out.txt", path, sizeof path);
    char *out = test_slurp(path, &n);
    CHECK(out && test_contains(out, n, "--analysis-crs CRS"));
    free(out);
}

TEST_SUITE(crs_cli) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-crs-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir '%s/gj_default' '%s/gj_utm'", tmpdir,
             tmpdir);
    if (system(cmd)) fputs("mkdir failed\n", stderr);
    rc_default =
        vemt("run --demo --out default.gpkg --geojson-dir gj_default --quiet",
             NULL, 0);
    rc_utm = vemt(
        "run --demo --analysis-crs EPSG:32630 --out utm.gpkg --kde "
        "utm_kde.tif --geojson-dir gj_utm --qgis-project utm.qgs --quiet",
        NULL, 0);
    RUN(demo_runs);
    RUN(layers_in_the_analysis_crs);
    RUN(rasters_in_the_analysis_crs);
    RUN(same_events_and_hot_spots);
    RUN(geojson_in_wgs84);
    RUN(provenance_records_the_crs);
    RUN(project_in_the_analysis_crs);
    RUN(non_metric_crs_refused);
    RUN(ingest_in_the_analysis_crs);
    RUN(help_lists_the_option);
    test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
