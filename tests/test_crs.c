/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_crs.c
 * @brief The analysis CRS: which CRSs are accepted and refused, and that
 * inputs, postcodes and polygon layers land where PROJ puts them in a
 * non-default analysis CRS (EPSG:32630, UTM zone 30N, which covers the
 * Tees valley fixtures).
 */
#include <gdal.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <unistd.h>

#include "ingest/crs.h"
#include "ingest/ingest.h"
#include "tests/test.h"

#define UTM "EPSG:32630"

/* Reference coordinates in EPSG:32630, computed once, independently of
 * vemt, with GDAL's Python bindings (python3-gdal 3.6.2 on PROJ 9.1.1,
 * no OSTN15 grid installed, so EPSG:27700 goes through the Helmert of
 * "OSGB36 to WGS 84 (6)"):
 *   /usr/bin/python3 -c 'from osgeo import osr
 *   s = osr.SpatialReference(); s.ImportFromEPSG(27700)   # or 4326
 *   t = osr.SpatialReference(); t.ImportFromEPSG(32630)
 *   for r in (s, t): r.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
 *   print(osr.CoordinateTransformation(s, t).TransformPoint(x, y))'
 * Both libraries call the same PROJ, so they agree to well under a mm. */
static const struct {
    const char *from;
    double a, b; /* easting/northing or longitude/latitude */
    double x, y; /* EPSG:32630 */
} REF[] = {
    {"EPSG:27700", 466222.4, 521001.8, 630749.9494, 6049925.6039},
    {"EPSG:27700", 461000, 520000, 625541.6955, 6048849.4641},
    {"EPSG:27700", 460300, 524300, 624780.4816, 6053139.5709}, /* ZZ1 1AA */
    {"EPSG:4326", -1.0667, 54.6167, 624838.7086, 6053856.9705},
    {"EPSG:4326", -1.2, 54.5, 616564.5244, 6040645.0708},
    {"EPSG:4326", -1.0, 54.5, 629514.5133, 6040994.8116},
    {"EPSG:4326", -1.1, 54.6, 622738.9380, 6051940.4081},
    {"EPSG:4326", -1.15, 54.55, 619655.7493, 6046291.6198},
};
#define TOL_M 0.001

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* vemt_ingest_analysis_crs's verdict on def: its status, and its message
 * or canonical definition into out. */
static vemt_status verdict(const char *def, char *out, size_t size, char *name,
                           size_t name_size) {
    vemt_ctx *ctx;
    char *canonical = NULL;
    vemt_ctx_create(1, &ctx);
    vemt_status st =
        vemt_ingest_analysis_crs(ctx, def, &canonical, name, name_size);
    snprintf(out, size, "%s", st ? vemt_ctx_error(ctx)->msg : canonical);
    if (st && canonical) st = VEMT_OK; /* a failure must leave it NULL */
    vemt_ingest_free(canonical);
    vemt_ctx_destroy(ctx);
    return st;
}

TEST(analysis_crs_accepted) {
    char got[4096], name[128];
    CHECK_INT_EQ(verdict(UTM, got, sizeof got, name, sizeof name), VEMT_OK);
    CHECK_STR_EQ(got, UTM);
    CHECK_STR_EQ(name, "WGS 84 / UTM zone 30N");
    CHECK_INT_EQ(verdict(NULL, got, sizeof got, name, sizeof name), VEMT_OK);
    CHECK_STR_EQ(got, VEMT_ANALYSIS_CRS_DEFAULT);
    CHECK_STR_EQ(name, "OSGB36 / British National Grid");
    /* A PROJ string has no identifier: every stage gets its WKT2. */
    CHECK_INT_EQ(verdict("+proj=utm +zone=30 +datum=WGS84 +units=m", got,
                         sizeof got, NULL, 0),
                 VEMT_OK);
    CHECK(!strncmp(got, "PROJCRS[", 8));
    /* With +towgs84 it is a bound CRS, judged by its base. */
    CHECK_INT_EQ(verdict("+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 "
                         "+x_0=400000 +y_0=-100000 +ellps=airy "
                         "+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,"
                         "-20.489 +units=m",
                         got, sizeof got, NULL, 0),
                 VEMT_OK);
    CHECK(!strncmp(got, "BOUNDCRS[", 9));
}

TEST(analysis_crs_refused) {
    char got[512];
    CHECK_INT_EQ(verdict("EPSG:4326", got, sizeof got, NULL, 0), VEMT_E_ARG);
    CHECK_STR_EQ(got,
                 "WGS 84 is a geographic CRS (degrees), but cell sizes, "
                 "distances and bandwidths are metres: use a projected CRS "
                 "in metres, e.g. the study area's UTM zone (EPSG:32630 for "
                 "6W-0E)");
    CHECK_INT_EQ(verdict("EPSG:2227", got, sizeof got, NULL, 0), VEMT_E_ARG);
    CHECK_STR_EQ(got,
                 "NAD83 / California zone 3 (ftUS) has axes in US survey "
                 "foot, but cell sizes, distances and bandwidths are metres: "
                 "use a projected CRS in metres, e.g. the study area's UTM "
                 "zone (EPSG:32630 for 6W-0E)");
    CHECK_INT_EQ(verdict("+proj=utm +zone=30 +datum=WGS84 +units=ft", got,
                         sizeof got, NULL, 0),
                 VEMT_E_ARG);
    CHECK(strstr(got, "has axes in foot, but") != NULL);
    CHECK_INT_EQ(verdict("EPSG:4978", got, sizeof got, NULL, 0), VEMT_E_ARG);
    CHECK(strstr(got, "WGS 84 is not a projected CRS") == got);
    CHECK_INT_EQ(verdict("EPSG:27700+5701", got, sizeof got, NULL, 0),
                 VEMT_E_ARG);
    CHECK(strstr(got, "is a compound CRS: give its horizontal part") != NULL);
    /* South-oriented: westing and southing (Hartebeesthoek94 / Lo29). */
    CHECK_INT_EQ(verdict("EPSG:2053", got, sizeof got, NULL, 0), VEMT_E_ARG);
    CHECK(strstr(got, "does not have axes pointing east and north") != NULL);
    CHECK_INT_EQ(verdict("EPSG:999999", got, sizeof got, NULL, 0), VEMT_E_ARG);
    CHECK(strstr(got,
                 "unknown coordinate reference system 'EPSG:999999' "
                 "(PROJ: ") == got);
}

TEST(transform_to_utm) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    for (size_t i = 0; i < sizeof REF / sizeof REF[0]; i++) {
        vemt_crs *crs = NULL;
        double x = 0, y = 0;
        CHECK_INT_EQ(vemt_crs_create(ctx, REF[i].from, UTM, &crs), VEMT_OK);
        if (!crs) continue;
        CHECK(!vemt_crs_is_analysis(crs));
        CHECK(vemt_crs_in_area(crs, REF[i].a, REF[i].b));
        CHECK(vemt_crs_to_analysis(crs, REF[i].a, REF[i].b, &x, &y));
        CHECK_NEAR(x, REF[i].x, TOL_M);
        CHECK_NEAR(y, REF[i].y, TOL_M);
        /* The batch form gives the same. */
        double xy[2] = {REF[i].a, REF[i].b};
        CHECK(vemt_crs_to_analysis_n(crs, xy, xy + 1, 2, 1));
        CHECK_NEAR(xy[0], x, 1e-9);
        CHECK_NEAR(xy[1], y, 1e-9);
        CHECK(strstr(vemt_crs_pipeline(crs), "utm zone=30") != NULL);
        vemt_crs_destroy(crs);
    }
    vemt_ctx_destroy(ctx);
}

TEST(same_crs_skips_proj) {
    vemt_ctx *ctx;
    vemt_crs *crs = NULL;
    double x, y;
    vemt_ctx_create(1, &ctx);
    CHECK_INT_EQ(vemt_crs_create(ctx, UTM, UTM, &crs), VEMT_OK);
    CHECK(crs && vemt_crs_is_analysis(crs) && !vemt_crs_is_bng(crs));
    CHECK(vemt_crs_to_analysis(crs, 630749.9494, 6049925.6039, &x, &y));
    CHECK(x == 630749.9494 && y == 6049925.6039);
    /* Inside UTM zone 30N's area of use; 3 degrees east is outside. */
    CHECK(vemt_crs_in_area(crs, 630749.9494, 6049925.6039));
    CHECK(!vemt_crs_in_area(crs, 830000, 6049925));
    vemt_crs_destroy(crs);
    /* Equivalent, not equal: EPSG:27700 as WKT without its id. */
    PJ_CONTEXT *pc = proj_context_create();
    PJ *bng = proj_create(pc, "EPSG:27700");
    const char *const one_line[] = {"MULTILINE=NO", NULL};
    const char *wkt = proj_as_wkt(pc, bng, PJ_WKT2_2019, one_line);
    char text[4096] = "";
    snprintf(text, sizeof text, "%s", wkt ? wkt : "");
    char *id = strstr(text, ",ID[\"EPSG\",27700]");
    CHECK(id != NULL);
    if (id) strcpy(id, "]");
    CHECK_INT_EQ(vemt_crs_create(ctx, text, NULL, &crs), VEMT_OK);
    CHECK(crs && vemt_crs_is_analysis(crs) && !vemt_crs_is_bng(crs));
    vemt_crs_destroy(crs);
    proj_destroy(bng);
    proj_context_destroy(pc);
    vemt_ctx_destroy(ctx);
}

typedef struct loaded {
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_postcodes *postcodes;
    vemt_ingest_opts opts;
    vemt_source src;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
} loaded;

static void begin(loaded *l, const char *analysis_crs) {
    memset(l, 0, sizeof *l);
    vemt_key_origin o;
    vemt_ctx_create(1, &l->ctx);
    vemt_pseudo_create(l->ctx, NULL, "test key", &l->pseudo, &o);
    l->opts.pseudo = l->pseudo;
    l->opts.analysis_crs = analysis_crs;
}

static vemt_status read_text(loaded *l, const char *text) {
    memset(&l->src, 0, sizeof l->src);
    l->src.path = write_tmp("in.csv", text);
    l->src.kind = VEMT_SOURCE_INCIDENTS;
    return vemt_ingest_file(l->ctx, &l->opts, &l->src, 0, &l->events,
                            &l->rejects, &l->merges);
}

static void end(loaded *l) {
    vemt_events_clear(&l->events);
    vemt_rejects_clear(&l->rejects);
    vemt_merges_clear(&l->merges);
    vemt_postcodes_destroy(l->postcodes);
    vemt_pseudo_destroy(l->pseudo);
    vemt_ctx_destroy(l->ctx);
}

TEST(ingest_in_utm) {
    loaded l;
    begin(&l, UTM);
    CHECK_INT_EQ(read_text(&l,
                           "id,date,easting,northing\n"
                           "A,2024-01-01,466222.4,521001.8\n"
                           "B,2024-01-01,461000,520000\n"),
                 VEMT_OK);
    CHECK_INT_EQ(l.src.n_used, 2);
    CHECK_STR_EQ(l.src.crs, "EPSG:27700");
    CHECK(strstr(l.src.pipeline, "utm zone=30") != NULL);
    for (size_t i = 0; i < 2 && i < l.events.n; i++) {
        CHECK_NEAR(l.events.items[i].x, REF[i].x, TOL_M);
        CHECK_NEAR(l.events.items[i].y, REF[i].y, TOL_M);
    }
    end(&l);
    begin(&l, UTM);
    CHECK_INT_EQ(read_text(&l,
                           "id,date,longitude,latitude\n"
                           "A,2024-01-01,-1.0667,54.6167\n"),
                 VEMT_OK);
    CHECK_INT_EQ(l.src.n_used, 1);
    if (l.events.n) {
        CHECK_NEAR(l.events.items[0].x, REF[3].x, TOL_M);
        CHECK_NEAR(l.events.items[0].y, REF[3].y, TOL_M);
    }
    end(&l);
}

/* The area of use is that of both the input's CRS and the analysis CRS:
 * Norfolk (1.25E) is in Great Britain but east of UTM zone 30N (6W-0E). */
TEST(area_of_use_of_both) {
    static const char *const rows[] = {
        "id,date,longitude,latitude\nA,2024-01-01,1.2504,52.6431\n",
        "id,date,easting,northing\nA,2024-01-01,620000,310000\n"};
    for (int k = 0; k < 2; k++) {
        loaded l;
        begin(&l, NULL);
        read_text(&l, rows[k]);
        CHECK_INT_EQ(l.src.n_used, 1);
        end(&l);
        begin(&l, UTM);
        read_text(&l, rows[k]);
        CHECK_INT_EQ(l.src.n_rejected, 1);
        if (l.rejects.n)
            CHECK(strstr(l.rejects.items[0].err.msg,
                         "outside the area where the coordinate reference "
                         "system is valid") == l.rejects.items[0].err.msg);
        end(&l);
    }
    /* Swapped longitude and latitude are still caught. */
    loaded l;
    begin(&l, UTM);
    read_text(&l, "id,date,longitude,latitude\nA,2024-01-01,54.6167,-1.0667\n");
    CHECK_INT_EQ(l.src.n_rejected, 1);
    if (l.rejects.n)
        CHECK_STR_EQ(l.rejects.items[0].err.msg,
                     "longitude and latitude look swapped: \"54.6167\"");
    end(&l);
}

TEST(postcodes_in_utm) {
    loaded l;
    double x = 0, y = 0;
    begin(&l, UTM);
    CHECK_INT_EQ(vemt_postcodes_load(l.ctx, VEMT_FIXTURES "/demo/postcodes.csv",
                                     UTM, &l.postcodes),
                 VEMT_OK);
    CHECK(l.postcodes && vemt_postcodes_find(l.postcodes, "zz11aa", &x, &y));
    CHECK_NEAR(x, REF[2].x, TOL_M);
    CHECK_NEAR(y, REF[2].y, TOL_M);
    if (l.postcodes) {
        const vemt_transform_note *t = vemt_postcodes_transform(l.postcodes);
        CHECK_STR_EQ(t->crs, "EPSG:27700");
        CHECK(strstr(t->pipeline, "utm zone=30") != NULL);
    }
    /* Rows located by postcode get the same place. */
    l.opts.postcodes = l.postcodes;
    read_text(&l,
              "id,date,easting,northing,postcode\nA,2024-01-01,,,ZZ1 1AA\n");
    CHECK_INT_EQ(l.src.n_used, 1);
    if (l.events.n) CHECK_NEAR(l.events.items[0].x, REF[2].x, TOL_M);
    end(&l);
}

/* The vertices of WKB (a Polygon or MultiPolygon) through OGR. */
static OGRGeometryH from_wkb(const unsigned char *wkb, size_t n) {
    OGRGeometryH g = NULL;
    OGR_G_CreateFromWkbEx(wkb, NULL, &g, n);
    return g;
}

TEST(polygons_in_utm) {
    const char *path = write_tmp(
        "units.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": ["
        "{\"type\": \"Feature\", \"properties\": {\"id\": \"T\"}, "
        "\"geometry\": {\"type\": \"Polygon\", \"coordinates\": "
        "[[[-1.2, 54.5], [-1.0, 54.5], [-1.1, 54.6], [-1.2, 54.5]]]}}, "
        "{\"type\": \"Feature\", \"properties\": {\"id\": \"P\"}, "
        "\"geometry\": {\"type\": \"Point\", \"coordinates\": "
        "[-1.15, 54.55]}}]}");
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    vemt_unit_list u;
    CHECK_INT_EQ(vemt_flag_places_read(ctx, path, UTM, 50, &u), VEMT_OK);
    CHECK_INT_EQ(u.n, 2);
    CHECK_STR_EQ(u.transform.crs, "EPSG:4326");
    CHECK(strstr(u.transform.pipeline, "utm zone=30") != NULL);
    OGRGeometryH tri = u.n == 2 ? from_wkb(u.wkb[0], u.wkb_size[0]) : NULL;
    OGRGeometryH ring = tri ? OGR_G_GetGeometryRef(tri, 0) : NULL;
    CHECK(ring && OGR_G_GetPointCount(ring) == 4);
    for (int k = 0; ring && k < 3; k++) {
        CHECK_NEAR(OGR_G_GetX(ring, k), REF[4 + k].x, TOL_M);
        CHECK_NEAR(OGR_G_GetY(ring, k), REF[4 + k].y, TOL_M);
    }
    /* The point becomes a 50 m circle around its place in UTM. */
    OGRGeometryH circle = u.n == 2 ? from_wkb(u.wkb[1], u.wkb_size[1]) : NULL;
    OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
    CHECK(circle && OGR_G_Centroid(circle, c) == OGRERR_NONE);
    CHECK_NEAR(OGR_G_GetX(c, 0), REF[7].x, TOL_M);
    CHECK_NEAR(OGR_G_GetY(c, 0), REF[7].y, TOL_M);
    OGR_G_DestroyGeometry(c);
    if (tri) OGR_G_DestroyGeometry(tri);
    if (circle) OGR_G_DestroyGeometry(circle);
    vemt_unit_list_clear(&u);
    /* The study area from the same layer's polygon. */
    unsigned char *wkb = NULL;
    size_t n = 0;
    vemt_transform_note note;
    CHECK_INT_EQ(
        vemt_boundary_read(ctx, path, NULL, UTM, &wkb, &n, &note, NULL),
        VEMT_OK);
    OGRGeometryH area = wkb ? from_wkb(wkb, n) : NULL;
    OGREnvelope env = {0, 0, 0, 0};
    if (area) OGR_G_GetEnvelope(area, &env);
    CHECK_NEAR(env.MinX, REF[4].x, TOL_M);
    CHECK_NEAR(env.MaxX, REF[5].x, TOL_M);
    CHECK_NEAR(env.MaxY, REF[6].y, TOL_M);
    CHECK_STR_EQ(note.crs, "EPSG:4326");
    if (area) OGR_G_DestroyGeometry(area);
    vemt_ingest_free(wkb);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(crs) {
    strcpy(tmpdir, "/tmp/vemt-test-crs-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(analysis_crs_accepted);
    RUN(analysis_crs_refused);
    RUN(transform_to_utm);
    RUN(same_crs_skips_proj);
    RUN(ingest_in_utm);
    RUN(area_of_use_of_both);
    RUN(postcodes_in_utm);
    RUN(polygons_in_utm);
    GDALDestroy();
    proj_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
