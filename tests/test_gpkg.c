/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_gpkg.c
 * @brief The GeoPackage vemt writes with SQLite directly (issue 19): GDAL's
 * validate_gpkg.py passes it, every R-tree passes rtreecheck() and answers
 * random box queries exactly as an R-tree built row by row from the
 * features' own boxes, the GeoPackage's triggers are GDAL's word for word,
 * and an edit through GDAL afterwards keeps the index right.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"
#include "tests/testutil.h"

static char dir[] = "/tmp/vemt-test-gpkg-XXXXXX";
static char gpkg[4200];

static void make_demo(test_state *t_) {
    if (gpkg[0]) return;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(gpkg, sizeof gpkg, "%s/demo.gpkg", dir);
    CHECK_INT_EQ(test_vemt(dir, "run --demo --out demo.gpkg --quiet", NULL, 0),
                 0);
}

/* GDAL's own validator (python3-gdal's osgeo_utils). */
TEST(validate_gpkg_passes) {
    make_demo(t_);
    char cmd[4400];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -m osgeo_utils.samples.validate_gpkg '%s' "
             ">'%s/validate.txt' 2>&1",
             gpkg, dir);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(cmd, sizeof cmd, "cat '%s/validate.txt' >&2", dir);
        CHECK_INT_EQ(system(cmd), 0);
    }
    CHECK_INT_EQ(rc, 0);
}

/* A feature's box from its GeoPackage geometry blob: the envelope in the
 * header, or a point's coordinates. False for null or empty. */
static bool blob_box(const unsigned char *b, int n, double box[4]) {
    if (!b || n < 8 || b[0] != 'G' || b[1] != 'P' || (b[3] & 0x10))
        return false;
    int env = (b[3] >> 1) & 7;
    double v[4];
    if (env == 1 && n >= 40) {
        memcpy(v, b + 8, sizeof v);
        for (int k = 0; k < 4; k++) box[k] = v[k];
        return true;
    }
    if (env == 0 && n >= 29) {
        memcpy(v, b + 13, 2 * sizeof *v);
        box[0] = box[1] = v[0];
        box[2] = box[3] = v[1];
        return true;
    }
    return false;
}

static long long scalar(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The ids of the rtree table t whose boxes meet q, sorted, into ids
 * (room for cap); their number. */
static size_t query(test_state *t_, sqlite3 *db, const char *t,
                    const double q[4], int64_t *ids, size_t cap) {
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT id FROM \"%s\" WHERE minx <= ?2 AND maxx >= ?1 AND "
             "miny <= ?4 AND maxy >= ?3 ORDER BY id",
             t);
    sqlite3_stmt *st = NULL;
    size_t n = 0;
    CHECK_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    for (int k = 0; k < 4; k++) sqlite3_bind_double(st, k + 1, q[k]);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < cap) ids[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

/* Table t's packed index against one built row by row from the blobs. */
static void compare_index(test_state *t_, sqlite3 *db, const char *t) {
    char sql[400], rtree[160];
    snprintf(rtree, sizeof rtree, "rtree_%s_geom", t);
    snprintf(sql, sizeof sql, "SELECT rtreecheck('%s') = 'ok'", rtree);
    CHECK_INT_EQ(scalar(db, sql), 1);
    CHECK_INT_EQ(sqlite3_exec(db,
                              "DROP TABLE IF EXISTS chk; CREATE VIRTUAL TABLE "
                              "chk USING rtree(id, minx, maxx, miny, maxy)",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    snprintf(sql, sizeof sql, "SELECT fid, geom FROM \"%s\"", t);
    sqlite3_stmt *rd = NULL, *ins = NULL;
    CHECK_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &rd, NULL), SQLITE_OK);
    CHECK_INT_EQ(sqlite3_prepare_v2(db, "INSERT INTO chk VALUES (?,?,?,?,?)",
                                    -1, &ins, NULL),
                 SQLITE_OK);
    double ext[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    long long with_box = 0;
    while (sqlite3_step(rd) == SQLITE_ROW) {
        double b[4];
        if (!blob_box(sqlite3_column_blob(rd, 1), sqlite3_column_bytes(rd, 1),
                      b))
            continue;
        with_box++;
        sqlite3_bind_int64(ins, 1, sqlite3_column_int64(rd, 0));
        for (int k = 0; k < 4; k++) sqlite3_bind_double(ins, k + 2, b[k]);
        CHECK_INT_EQ(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
        ext[0] = fmin(ext[0], b[0]);
        ext[1] = fmax(ext[1], b[1]);
        ext[2] = fmin(ext[2], b[2]);
        ext[3] = fmax(ext[3], b[3]);
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(ins);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", rtree);
    CHECK(with_box > 0);
    CHECK_INT_EQ(scalar(db, sql), with_box);
    /* 300 boxes from a point to the whole extent, some on feature edges. */
    size_t cap = (size_t)with_box;
    int64_t *a = malloc(cap * sizeof *a), *b = malloc(cap * sizeof *b);
    CHECK(a && b);
    srand(19);
    for (int r = 0; r < 300; r++) {
        double w = (ext[1] - ext[0]) * pow(10.0, -3.0 * rand() / RAND_MAX);
        double h = (ext[3] - ext[2]) * pow(10.0, -3.0 * rand() / RAND_MAX);
        double x = ext[0] + (ext[1] - ext[0] - w) * rand() / RAND_MAX;
        double y = ext[2] + (ext[3] - ext[2] - h) * rand() / RAND_MAX;
        double q[4] = {x, x + w, y, y + h};
        size_t na = query(t_, db, rtree, q, a, cap),
               nb = query(t_, db, "chk", q, b, cap);
        CHECK_INT_EQ((long long)na, (long long)nb);
        CHECK(!memcmp(a, b, (na < cap ? na : cap) * sizeof *a));
    }
    free(a);
    free(b);
}

TEST(rtrees_answer_as_row_by_row) {
    make_demo(t_);
    /* on a copy: the test's own table must not touch the output */
    sqlite3 *db = NULL;
    char copy[4300], cmd[8700];
    snprintf(copy, sizeof copy, "%s/copy.gpkg", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", gpkg, copy);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(sqlite3_open(copy, &db), SQLITE_OK);
    static const char *const tables[] = {"events",       "hotspot_cells",
                                         "hotspot_cube", "clusters",
                                         "study_area",   "missing_journeys"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        compare_index(t_, db, tables[i]);
    /* every feature table has its index and its extension row */
    CHECK_INT_EQ(scalar(db,
                        "SELECT count(*) FROM gpkg_geometry_columns g WHERE "
                        "NOT EXISTS (SELECT 1 FROM gpkg_extensions e WHERE "
                        "e.table_name = g.table_name AND e.extension_name = "
                        "'gpkg_rtree_index') OR NOT EXISTS (SELECT 1 FROM "
                        "sqlite_master m WHERE m.name = 'rtree_' || "
                        "g.table_name || '_geom')"),
                 0);
    sqlite3_close(db);
}

/* The trigger texts of table t (name replaced by "T"), sorted. */
static char *triggers(test_state *t_, const char *path, const char *t) {
    sqlite3 *db = NULL;
    CHECK_INT_EQ(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CHECK_INT_EQ(sqlite3_prepare_v2(db,
                                    "SELECT replace(sql, ?1, 'T') FROM "
                                    "sqlite_master WHERE type = 'trigger' AND "
                                    "tbl_name = ?1 ORDER BY name",
                                    -1, &st, NULL),
                 SQLITE_OK);
    sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(cap, 1);
    CHECK(out != NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        len += (size_t)snprintf(out + len, cap - len, "%s;\n", s);
        CHECK(len < cap);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

/* The triggers vemt creates after the load are the ones GDAL creates with
 * a layer, character for character. */
TEST(triggers_are_gdal_s) {
    make_demo(t_);
    char ref[4300];
    snprintf(ref, sizeof ref, "%s/gdal.gpkg", dir);
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = GDALCreate(drv, ref, 0, 0, 0, GDT_Unknown, NULL);
    CHECK(ds != NULL);
    char *lco[] = {"FID=fid", "GEOMETRY_NAME=geom", NULL};
    OGRLayerH l = GDALDatasetCreateLayer(ds, "events", NULL, wkbPoint, lco);
    CHECK(l != NULL);
    GDALClose(ds);
    char *want = triggers(t_, ref, "events"),
         *got = triggers(t_, gpkg, "events");
    CHECK(strstr(want, "rtree_T_geom_update4") != NULL);
    CHECK(strstr(want, "trigger_insert_feature_count_T") != NULL);
    CHECK_STR_EQ(got, want);
    free(want);
    free(got);
}

/* Edits through GDAL after vemt wrote the file fire the triggers: the
 * index follows an insert, a move and a delete, and stays consistent. */
TEST(edits_keep_the_index) {
    make_demo(t_);
    char copy[4300], cmd[8700];
    snprintf(copy, sizeof copy, "%s/edit.gpkg", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", gpkg, copy);
    CHECK_INT_EQ(system(cmd), 0);
    GDALAllRegister();
    GDALDatasetH ds =
        GDALOpenEx(copy, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    CHECK(ds != NULL);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "events");
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, 460000.25, 515000.75);
    OGR_F_SetGeometryDirectly(f, pt);
    CHECK_INT_EQ(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    GIntBig fid = OGR_F_GetFID(f);
    OGR_F_Destroy(f);
    f = OGR_L_GetFeature(l, 1);
    pt = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(pt, 0, 470000.0, 520000.0);
    OGR_F_SetGeometryDirectly(f, pt);
    CHECK_INT_EQ(OGR_L_SetFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    CHECK_INT_EQ(OGR_L_DeleteFeature(l, 2), OGRERR_NONE);
    GDALClose(ds);
    sqlite3 *db = NULL;
    CHECK_INT_EQ(sqlite3_open(copy, &db), SQLITE_OK);
    CHECK_INT_EQ(scalar(db, "SELECT rtreecheck('rtree_events_geom') = 'ok'"),
                 1);
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM rtree_events_geom WHERE id = %lld AND "
             "minx <= 460000.25 AND maxx >= 460000.25 AND miny <= 515000.75 "
             "AND maxy >= 515000.75",
             (long long)fid);
    CHECK_INT_EQ(scalar(db, sql), 1);
    CHECK_INT_EQ(scalar(db,
                        "SELECT count(*) FROM rtree_events_geom WHERE id "
                        "= 1 AND minx <= 470000 AND maxx >= 470000"),
                 1);
    CHECK_INT_EQ(scalar(db,
                        "SELECT count(*) FROM rtree_events_geom WHERE id "
                        "= 2"),
                 0);
    CHECK_INT_EQ(scalar(db,
                        "SELECT feature_count = (SELECT count(*) FROM "
                        "events) FROM gpkg_ogr_contents WHERE table_name "
                        "= 'events'"),
                 1);
    sqlite3_close(db);
}

/* A CRS of another authority keeps it in gpkg_spatial_ref_sys, as GDAL
 * writes it (ESRI:102013, not NONE:100000), and the features use it. */
TEST(other_authority_kept) {
    make_demo(t_);
    CHECK_INT_EQ(test_vemt(dir,
                           "run --demo --analysis-crs ESRI:102013 --out "
                           "esri.gpkg --quiet",
                           NULL, 0),
                 0);
    char path[4300];
    snprintf(path, sizeof path, "%s/esri.gpkg", dir);
    sqlite3 *db = NULL;
    CHECK_INT_EQ(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT_EQ(scalar(db,
                        "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE "
                        "srs_id = 102013 AND organization = 'ESRI' AND "
                        "organization_coordsys_id = 102013"),
                 1);
    CHECK_INT_EQ(scalar(db,
                        "SELECT count(*) FROM gpkg_geometry_columns "
                        "WHERE srs_id != 102013"),
                 0);
    sqlite3_close(db);
}

TEST_SUITE(gpkg) {
    RUN(validate_gpkg_passes);
    RUN(rtrees_answer_as_row_by_row);
    RUN(triggers_are_gdal_s);
    RUN(edits_keep_the_index);
    RUN(other_authority_kept);
    if (gpkg[0]) {
        char cmd[4400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        CHECK_INT_EQ(system(cmd), 0);
    }
}
