/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_boundaries.c
 * @brief Reading boundaries and polygon units (ingest/boundary.c): invalid
 * polygons repaired with GEOS MakeValid and a warning naming the feature,
 * OGR SQL where clauses, and sets of --areas files combined.
 */
#include <gdal.h>
#include <proj.h>
#include <unistd.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/test.h"
#include "tests/testutil.h"

#define BOUNDARIES VEMT_FIXTURES "/boundaries"
#define LAD BOUNDARIES "/lad_cleveland_pfa_from_topojson.geojson"
#define BNG "EPSG:27700"

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text) {
    static char path[4][128];
    static int k;
    char *p = path[k++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    if (f) fputs(text, f), fclose(f);
    return p;
}

/* A GeoJSON layer in British National Grid with features (id, ring). */
static const char *write_layer(const char *name, const char *features) {
    char text[4096];
    snprintf(text, sizeof text,
             "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", "
             "\"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::27700\"}}, "
             "\"features\": [%s]}",
             features);
    return write_tmp(name, text);
}

#define FEATURE(id, ring)                                      \
    "{\"type\": \"Feature\", \"properties\": {\"code\": \"" id \
    "\"}, "                                                    \
    "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [" ring "]}}"

/* A bow tie of two 200 x 100 m triangles meeting at (450100, 520100). */
#define BOW_TIE                                               \
    "[[450000, 520000], [450200, 520200], [450200, 520000], " \
    "[450000, 520200], [450000, 520000]]"
#define BOX                                                   \
    "[[451000, 520000], [451100, 520000], [451100, 520100], " \
    "[451000, 520100], [451000, 520000]]"

/* Area in m2 of a boundary read from path (where may be NULL); -1 when
 * the read fails. */
static double boundary_m2(vemt_ctx *ctx, const char *path, const char *where,
                          char **warnings) {
    unsigned char *wkb = NULL;
    size_t n = 0;
    vemt_study_area *a = NULL;
    double m2 = -1;
    if (!vemt_boundary_read(ctx, path, where, BNG, &wkb, &n, NULL, warnings) &&
        !vemt_study_area_create_wkb(ctx, wkb, n, &a))
        m2 = vemt_study_area_m2(a);
    vemt_study_area_destroy(a);
    vemt_ingest_free(wkb);
    return m2;
}

TEST(bow_tie_repaired_with_a_warning) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    const char *path =
        write_layer("tie.geojson", FEATURE("T", BOW_TIE) "," FEATURE("B", BOX));
    char *warnings = NULL;
    /* The boundary: the two triangles (2 x 10,000 m2) and the box. */
    CHECK_NEAR(boundary_m2(ctx, path, NULL, &warnings), 20000 + 10000, 1e-6);
    CHECK(warnings && strstr(warnings,
                             "tie.geojson: feature 0 (code 'T') is "
                             "not a valid polygon (Self-"
                             "intersection[450100 520100]): "
                             "repaired with GEOS MakeValid\n"));
    CHECK(warnings && !strstr(warnings, "'B'")); /* the valid one: silent */
    vemt_ingest_free(warnings);
    /* As polygon units: the same warning, kept per unit. */
    vemt_unit_list u;
    CHECK_INT_EQ(vemt_unit_list_read(ctx, 1, &path, NULL, BNG, NULL, NULL, &u),
                 VEMT_OK);
    CHECK_INT_EQ(u.n, 2);
    CHECK_INT_EQ(u.n_repaired, 1);
    CHECK(u.warnings && strstr(u.warnings, "feature 0 (code 'T')"));
    vemt_polygons *p = NULL;
    CHECK_INT_EQ(vemt_polygons_create_wkb(
                     ctx, u.n, (const unsigned char *const *)u.wkb, u.wkb_size,
                     (const char *const *)u.ids, NULL, &p),
                 VEMT_OK);
    if (p) CHECK_NEAR(vemt_polygons_m2(p, 0), 20000, 1e-6);
    vemt_polygons_destroy(p);
    vemt_unit_list_clear(&u);
    /* A ring with no area left after the repair is an error naming it. */
    path = write_layer(
        "flat.geojson",
        FEATURE("B", BOX) "," FEATURE("F",
                                      "[[450000, 520000], [450100, 520000], "
                                      "[450200, 520000], [450000, 520000]]"));
    CHECK(boundary_m2(ctx, path, NULL, NULL) < 0);
    const vemt_error *e = vemt_ctx_error(ctx);
    CHECK_INT_EQ(e->code, VEMT_E_ARG);
    CHECK(strstr(e->msg, "feature 1 (code 'F') is not a valid polygon"));
    CHECK(strstr(e->msg, "leaves no area"));
    CHECK(e->source && strstr(e->source, "flat.geojson"));
    CHECK_INT_EQ(vemt_unit_list_read(ctx, 1, &path, NULL, BNG, NULL, NULL, &u),
                 VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "feature 1 (code 'F')"));
    vemt_ctx_destroy(ctx);
}

/* The Cleveland district file (decoded from TopoJSON) has self-
 * intersecting rings: it used to fail with "no polygon in the first
 * layer"; now it is read, with a warning per repaired district. */
TEST(cleveland_districts_read_after_repair) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    char *warnings = NULL;
    double all = boundary_m2(ctx, LAD, NULL, &warnings);
    CHECK(all > 5e8 && all < 7e8); /* about 600 km2 */
    CHECK(warnings && strstr(warnings,
                             "lad_cleveland_pfa_from_topojson.geojson: feature "
                             "1 (LAD13CD 'E06000002') is not a valid polygon "
                             "(Self-intersection["));
    vemt_ingest_free(warnings);
    /* One district by its name, and the rest: together the whole. */
    double mbro = boundary_m2(ctx, LAD, "LAD13NM = 'Middlesbrough'", &warnings);
    vemt_ingest_free(warnings);
    double rest =
        boundary_m2(ctx, LAD, "LAD13NM <> 'Middlesbrough'", &warnings);
    vemt_ingest_free(warnings);
    CHECK(mbro > 4e7 && mbro < 7e7); /* Middlesbrough: about 54 km2 */
    CHECK_NEAR((mbro + rest) / all, 1, 1e-3);
    vemt_ctx_destroy(ctx);
}

TEST(where_clauses) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    /* Nottingham out of the Nottinghamshire districts. */
    const char *notts = BOUNDARIES "/nottinghamshire_districts.gpkg";
    const char *where = "district_name = 'Nottingham'";
    vemt_unit_list u;
    CHECK_INT_EQ(
        vemt_unit_list_read(ctx, 1, &notts, &where, BNG, NULL, NULL, &u),
        VEMT_OK);
    CHECK_INT_EQ(u.n, 1);
    if (u.n == 1) {
        CHECK_STR_EQ(u.ids[0], "E06000018");
        CHECK_STR_EQ(u.names[0], "Nottingham");
    }
    vemt_unit_list_clear(&u);
    double city = boundary_m2(ctx, notts, where, NULL);
    CHECK(city > 7e7 && city < 8e7); /* Nottingham: about 75 km2 */
    /* A clause OGR refuses, and one that selects nothing: errors naming
     * the file and the clause. */
    static const char *const bad[] = {"district_name = = 'x'",
                                      "no_such_field = 1",
                                      "district_name = 'Atlantis'"};
    for (int k = 0; k < 3; k++) {
        CHECK(boundary_m2(ctx, notts, bad[k], NULL) < 0);
        const vemt_error *e = vemt_ctx_error(ctx);
        CHECK_INT_EQ(e->code, VEMT_E_ARG);
        CHECK(strstr(e->msg, bad[k]) != NULL);
        CHECK(strstr(e->msg,
                     k < 2 ? "is not valid OGR SQL" : "selects no feature"));
        CHECK(e->source && strstr(e->source, "nottinghamshire_districts"));
        CHECK_INT_EQ(
            vemt_unit_list_read(ctx, 1, &notts, &bad[k], BNG, NULL, NULL, &u),
            VEMT_E_ARG);
        CHECK(strstr(vemt_ctx_error(ctx)->msg, bad[k]) != NULL);
    }
    vemt_ctx_destroy(ctx);
}

/* Cleveland's wards come as four files: combined, they are the union of
 * their features, in order, each unit knowing its file. */
TEST(ward_files_combined) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    const char *files[] = {BOUNDARIES "/wards_E06000001.geojson",
                           BOUNDARIES "/wards_E06000002.geojson",
                           BOUNDARIES "/wards_E06000003.geojson",
                           BOUNDARIES "/wards_E06000004.geojson"};
    vemt_unit_list one[4], all;
    size_t total = 0;
    for (int k = 0; k < 4; k++) {
        CHECK_INT_EQ(vemt_unit_list_read(ctx, 1, &files[k], NULL, BNG, NULL,
                                         NULL, &one[k]),
                     VEMT_OK);
        total += one[k].n;
    }
    CHECK_INT_EQ(total, 11 + 23 + 22 + 26);
    CHECK_INT_EQ(
        vemt_unit_list_read(ctx, 4, files, NULL, BNG, NULL, NULL, &all),
        VEMT_OK);
    CHECK_INT_EQ(all.n, total);
    CHECK_STR_EQ(all.id_field, "WD13CD");
    size_t i = 0, bad = 0;
    for (int k = 0; k < 4; k++)
        for (size_t j = 0; j < one[k].n && i < all.n; j++, i++)
            bad += strcmp(all.ids[i], one[k].ids[j]) != 0 ||
                   strcmp(all.names[i], one[k].names[j]) != 0 ||
                   all.file[i] != (size_t)k ||
                   all.wkb_size[i] != one[k].wkb_size[j] ||
                   memcmp(all.wkb[i], one[k].wkb[j], all.wkb_size[i]) != 0;
    CHECK_INT_EQ(bad, 0);
    vemt_unit_list_clear(&all);
    /* A where clause per file. */
    const char *wheres[] = {NULL, "WD13NM = 'Acklam'", NULL,
                            "WD13NM LIKE 'S%'"};
    CHECK_INT_EQ(
        vemt_unit_list_read(ctx, 4, files, wheres, BNG, NULL, NULL, &all),
        VEMT_OK);
    size_t s4 = 0;
    for (size_t j = 0; j < one[3].n; j++) s4 += one[3].names[j][0] == 'S';
    CHECK(s4 > 0 && s4 < one[3].n);
    CHECK_INT_EQ(all.n, one[0].n + 1 + one[2].n + s4);
    vemt_unit_list_clear(&all);
    for (int k = 0; k < 4; k++) vemt_unit_list_clear(&one[k]);
    /* The same ids in two files: an error naming the id and both files. */
    size_t n = 0;
    char *text = test_slurp(files[0], &n);
    const char *copy = write_tmp("copy.geojson", text ? text : "");
    free(text);
    const char *twice[] = {files[0], copy};
    CHECK_INT_EQ(
        vemt_unit_list_read(ctx, 2, twice, NULL, BNG, NULL, NULL, &all),
        VEMT_E_ARG);
    const vemt_error *e = vemt_ctx_error(ctx);
    CHECK(strstr(e->msg, "the unit id 'E0500") != NULL);
    CHECK(strstr(e->msg, "wards_E06000001.geojson and ") != NULL);
    CHECK(strstr(e->msg, "copy.geojson") != NULL);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(boundaries) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-boundaries-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(bow_tie_repaired_with_a_warning);
    RUN(cleveland_districts_read_after_repair);
    RUN(where_clauses);
    RUN(ward_files_combined);
    test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
