/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_outputs.c
 * @brief The writer: read a written GeoPackage and GeoJSON back through OGR
 * and check layers, CRS, fields, times, metadata and safe replacement.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "tests/ogrutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

typedef struct fixture {
    vemt_ctx *ctx;
    vemt_events events;
    vemt_rejects rejects;
    vemt_source src;
    vemt_units *grid;
    double counts[4], z[4], p[4];
    vemt_param params[1];
    vemt_provenance prov;
    vemt_output out;
    char dir[64];
} fixture;

static void setup(fixture *f) {
    memset(f, 0, sizeof *f);
    vemt_ctx_create(1, &f->ctx);
    vemt_event ev = {0};
    ev.kind = VEMT_KIND_INCIDENT;
    ev.start_utc = ev.end_utc = 1704067200 + 3600; /* 2024-01-01T01:00Z */
    ev.x = 460050;
    ev.y = 520050;
    ev.located = ev.in_area = true;
    ev.source_row = 2;
    vemt_events_add_text(&f->events, "I1", 2, &ev.ref);
    vemt_events_add_text(&f->events, "drugs", 5, &ev.category);
    vemt_events_push(&f->events, &ev);
    ev.kind = VEMT_KIND_MISSING_FROM;
    ev.end_utc = VEMT_TIME_NONE; /* open episode */
    ev.located = ev.in_area = false;
    strcpy(ev.subject_key, "0123456789abcdef0123");
    vemt_events_push(&f->events, &ev);
    vemt_error e;
    vemt_error_set(&e, VEMT_E_DATE, "not a date: \"x\"");
    e.row = 3;
    e.line = 3;
    e.column = 2;
    strcpy(e.field, "occurred_at");
    vemt_rejects_push(&f->rejects, 0, &e, "I2,x,1,2,drugs");
    f->src.path = "/somewhere/incidents.csv";
    vemt_bbox b = {460000, 520000, 460150, 520150};
    vemt_units_create_square(f->ctx, 100, &b, NULL, &f->grid);
    for (int i = 0; i < 4; i++)
        f->counts[i] = i, f->z[i] = i - 1.5, f->p[i] = 0.5;
    f->z[3] = NAN;
    f->params[0].name = "cell_size_m";
    f->params[0].how = "given";
    strcpy(f->params[0].value, "100");
    static char *const argv[] = {"vemt", "run"};
    f->prov = (vemt_provenance){.argc = 2,
                                .argv = argv,
                                .params = f->params,
                                .n_params = 1,
                                .created_utc = 1704067200,
                                .key_origin = "environment variable",
                                .tier = "restricted",
                                .command = "run"};
    f->out = (vemt_output){.events = &f->events,
                           .rejects = &f->rejects,
                           .sources = &f->src,
                           .n_sources = 1,
                           .grid = f->grid,
                           .n_events = f->counts,
                           .gi_z = f->z,
                           .gi_p = f->p,
                           .provenance = &f->prov};
    strcpy(f->dir, "/tmp/vemt-test-outputs-XXXXXX");
    if (!mkdtemp(f->dir)) f->dir[0] = '\0';
}

static void teardown(fixture *f) {
    test_remove_dir(f->dir);
    vemt_units_destroy(f->grid);
    vemt_events_clear(&f->events);
    vemt_rejects_clear(&f->rejects);
    vemt_ctx_destroy(f->ctx);
}

TEST(gpkg_layers_and_metadata) {
    fixture f;
    setup(&f);
    char path[128], buf[8192];
    snprintf(path, sizeof path, "%s/out.gpkg", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, path, &f.out), VEMT_OK);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) {
        teardown(&f);
        return;
    }
    CHECK_INT_EQ(GDALDatasetGetLayerCount(ds), 5); /* + QGIS's layer_styles */
    CHECK(GDALDatasetGetLayerByName(ds, "merges") != NULL);
    OGRLayerH ev = GDALDatasetGetLayerByName(ds, "events");
    OGRLayerH cells = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    OGRLayerH rej = GDALDatasetGetLayerByName(ds, "rejects");
    CHECK(ev && cells && rej);
    if (!ev || !cells || !rej) {
        teardown(&f);
        return;
    }
    CHECK_INT_EQ(OGR_L_GetFeatureCount(ev, 1), 2);
    CHECK_INT_EQ(OGR_L_GetFeatureCount(cells, 1), 4);
    CHECK_INT_EQ(OGR_L_GetFeatureCount(rej, 1), 1);
    CHECK_STR_EQ(OSRGetAuthorityCode(OGR_L_GetSpatialRef(cells), NULL),
                 "27700");
    CHECK_INT_EQ(OGR_L_GetGeomType(rej), wkbNone);
    /* Date-times as the GeoPackage specification writes them. */
    test_query_text(ds, "SELECT start_utc || '' FROM events WHERE fid = 1", buf,
                    sizeof buf);
    CHECK_STR_EQ(buf, "2024-01-01T01:00:00.000Z");
    test_query_text(ds, "SELECT count(*) FROM events WHERE end_utc IS NULL",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "1");
    test_query_text(ds, "SELECT count(*) FROM hotspot_cells WHERE gi_z IS NULL",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "1");
    test_query_text(ds, "SELECT cell_id FROM hotspot_cells WHERE fid = 4", buf,
                    sizeof buf);
    CHECK_STR_EQ(buf, "460100_520100");
    test_query_text(
        ds, "SELECT reason || '|' || \"column\" || '|' || source FROM rejects",
        buf, sizeof buf);
    CHECK_STR_EQ(buf, "not a date: \"x\"|occurred_at|incidents.csv");
    test_query_text(ds,
                    "SELECT description FROM gpkg_contents WHERE table_name = "
                    "'events'",
                    buf, sizeof buf);
    CHECK(strstr(buf, "pseudonym") != NULL);
    test_query_text(
        ds,
        "SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = "
        "'urn:vemt:provenance:1'",
        buf, sizeof buf);
    json_object *doc = json_tokener_parse(buf);
    CHECK(doc != NULL);
    json_object *v;
    CHECK(json_object_object_get_ex(doc, "parameters", &v));
    CHECK(json_object_object_get_ex(v, "cell_size_m", &v));
    CHECK(json_object_object_get_ex(doc, "created_utc", &v));
    CHECK_STR_EQ(json_object_get_string(v), "2024-01-01T00:00:00.000Z");
    json_object_put(doc);
    /* Styles in the layout QGIS reads: schema '' (never NULL), the exact
     * geometry column, one default row per styled layer, QML and SLD. */
    test_query_text(ds,
                    "SELECT group_concat(f_table_name || ':' || "
                    "f_geometry_column || ':' || useAsDefault, ',') FROM "
                    "layer_styles WHERE f_table_schema = '' AND "
                    "f_table_catalog = ''",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "hotspot_cells:geom:1,events:geom:1");
    test_query_text(ds,
                    "SELECT count(*) FROM layer_styles WHERE styleQML LIKE "
                    "'%<renderer-v2 type=\"categorizedSymbol\" attr=\"kind\"%' "
                    "AND styleQML LIKE '%<temporal enabled=\"1\" mode=\"2\"%' "
                    "AND styleSLD LIKE '%StyledLayerDescriptor%'",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "1");
    test_query_text(ds, "SELECT reference_scope FROM gpkg_metadata_reference",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "geopackage");
    GDALClose(ds);
    teardown(&f);
}

TEST(geojson_rfc7946) {
    fixture f;
    setup(&f);
    char path[128];
    CHECK_INT_EQ(vemt_outputs_write_geojson(f.ctx, f.dir, &f.out), VEMT_OK);
    snprintf(path, sizeof path, "%s/hotspot_cells.geojson", f.dir);
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    if (!fp) {
        teardown(&f);
        return;
    }
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    CHECK(strstr(text, "\"crs\"") == NULL);
    json_object *doc = json_tokener_parse(text), *feats, *geom, *coords;
    CHECK(doc && json_object_object_get_ex(doc, "features", &feats));
    CHECK_INT_EQ(json_object_array_length(feats), 4);
    json_object *f0 = json_object_array_get_idx(feats, 0);
    json_object_object_get_ex(f0, "geometry", &geom);
    json_object_object_get_ex(geom, "coordinates", &coords);
    json_object *ring = json_object_array_get_idx(coords, 0);
    /* Longitude first, about -1.0 here; latitude about 54.6. */
    double lon = json_object_get_double(
        json_object_array_get_idx(json_object_array_get_idx(ring, 0), 0));
    double lat = json_object_get_double(
        json_object_array_get_idx(json_object_array_get_idx(ring, 0), 1));
    CHECK(lon > -1.2 && lon < -0.9);
    CHECK(lat > 54.4 && lat < 54.7);
    /* Exterior ring counter-clockwise: positive shoelace area. */
    double a = 0;
    for (size_t i = 0; i + 1 < json_object_array_length(ring); i++) {
        json_object *p = json_object_array_get_idx(ring, i);
        json_object *q = json_object_array_get_idx(ring, i + 1);
        a += json_object_get_double(json_object_array_get_idx(p, 0)) *
                 json_object_get_double(json_object_array_get_idx(q, 1)) -
             json_object_get_double(json_object_array_get_idx(q, 0)) *
                 json_object_get_double(json_object_array_get_idx(p, 1));
    }
    CHECK(a > 0);
    json_object_put(doc);
    snprintf(path, sizeof path, "%s/rejects.geojson", f.dir);
    CHECK(access(path, R_OK) == 0);
    teardown(&f);
}

/* Count entries of dir whose name contains "vemt-tmp". */
static int temp_files(const char *dir) {
    char cmd[160], out[16] = "";
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c vemt-tmp", dir);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    if (!fgets(out, sizeof out, p)) out[0] = '\0';
    pclose(p);
    return atoi(out);
}

TEST(failed_write_leaves_nothing) {
    fixture f;
    setup(&f);
    char path[128], inner[160];
    /* The final rename fails when the target is a non-empty folder: the
     * written temporary file must go, and the folder stay as it was. */
    snprintf(path, sizeof path, "%s/out.gpkg", f.dir);
    mkdir(path, 0700);
    snprintf(inner, sizeof inner, "%s/keep", path);
    FILE *fp = fopen(inner, "w");
    if (fp) fclose(fp);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, path, &f.out), VEMT_E_IO);
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->source, path);
    CHECK_INT_EQ(temp_files(f.dir), 0);
    CHECK(access(inner, F_OK) == 0);
    snprintf(path, sizeof path, "/nonexistent-dir-vemt/out.gpkg");
    CHECK(vemt_outputs_write_gpkg(f.ctx, path, &f.out) != VEMT_OK);
    CHECK(access(path, F_OK) != 0);
    teardown(&f);
}

TEST(qgis_project) {
    fixture f;
    setup(&f);
    char gpkg[128], sub[128], qgs[160], text[16384] = "";
    snprintf(gpkg, sizeof gpkg, "%s/out.gpkg", f.dir);
    snprintf(sub, sizeof sub, "%s/maps", f.dir);
    mkdir(sub, 0700);
    snprintf(qgs, sizeof qgs, "%s/maps/p.qgs", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, gpkg, &f.out), VEMT_OK);
    CHECK_INT_EQ(vemt_outputs_write_project(f.ctx, qgs, gpkg, &f.out), 0);
    FILE *fp = fopen(qgs, "r");
    size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    text[n] = '\0';
    if (fp) fclose(fp);
    /* Relative to the project, so the two can move together. */
    CHECK(strstr(text, "<datasource>../out.gpkg|layername=events") != NULL);
    /* The hot-spot layer ticked at the top level, named from the run's
     * settings (no provenance here: the FDR is on by default). */
    CHECK(strstr(text,
                 "name=\"Hot spots (Gi*, FDR at 90/95/99 %)\" "
                 "providerKey=\"ogr\" checked=\"Qt::Checked\"") != NULL);
    CHECK(strstr(text, "<start>2024-01-01T01:00:00Z</start>") != NULL);
    CHECK(vemt_outputs_is_vemt_file(qgs));
    CHECK(vemt_outputs_is_vemt_file(gpkg));
    snprintf(qgs, sizeof qgs, "%s/maps/p.qgz", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_project(f.ctx, qgs, gpkg, &f.out), 0);
    CHECK(vemt_outputs_is_vemt_file(qgs));
    snprintf(qgs, sizeof qgs, "%s/maps/p.txt", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_project(f.ctx, qgs, gpkg, &f.out),
                 VEMT_E_ARG);
    CHECK(!vemt_outputs_is_vemt_file(qgs));
    teardown(&f);
}

TEST_SUITE(outputs) {
    GDALAllRegister();
    RUN(gpkg_layers_and_metadata);
    RUN(geojson_rfc7946);
    RUN(failed_write_leaves_nothing);
    RUN(qgis_project);
    GDALDestroy();
    proj_cleanup();
}
