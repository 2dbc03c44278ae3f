/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_raster.c
 * @brief The density raster: write a known 7 x 5 surface as a GeoTIFF and
 * as the GeoPackage's kde table, read both back through GDAL and check
 * georeferencing, CRS, values, nodata, descriptions and safe writing.
 */
#include <dirent.h>
#include <gdal.h>
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

#define NCOL 7
#define NROW 5
#define X0 460000.0
#define Y0 520500.0
#define PIXEL 100.0
#define DESC "Quartic kernel, bandwidth 250 m, 100 m pixels, 3 events"

typedef struct fixture {
    vemt_ctx *ctx;
    vemt_events events;
    vemt_rejects rejects;
    vemt_source src;
    float values[NCOL * NROW];
    vemt_raster raster;
    vemt_density_out density;
    vemt_provenance prov;
    vemt_output out;
    char dir[64];
} fixture;

/* Pixel (c, r): distinct values exact in float, zero in the first row,
 * one without a value (NaN: written as nodata). */
static float expected(int c, int r) {
    if (r == 0) return 0.0f;
    if (c == 6 && r == 4) return (float)-9999.0;
    return (float)r * 10.0f + (float)c + 0.125f;
}

static void setup(fixture *f) {
    memset(f, 0, sizeof *f);
    vemt_ctx_create(1, &f->ctx);
    for (int r = 0; r < NROW; r++)
        for (int c = 0; c < NCOL; c++) f->values[r * NCOL + c] = expected(c, r);
    f->values[4 * NCOL + 6] = NAN;
    f->raster = (vemt_raster){X0, Y0, PIXEL, NCOL, NROW, f->values};
    f->density = (vemt_density_out){&f->raster, DESC};
    f->src.path = "/somewhere/incidents.csv";
    static char *const argv[] = {"vemt", "run"};
    f->prov = (vemt_provenance){.argc = 2,
                                .argv = argv,
                                .created_utc = 1704067200,
                                .key_origin = "environment variable",
                                .tier = "restricted",
                                .command = "run"};
    f->out = (vemt_output){.events = &f->events,
                           .rejects = &f->rejects,
                           .sources = &f->src,
                           .n_sources = 1,
                           .density = &f->density,
                           .provenance = &f->prov};
    strcpy(f->dir, "/tmp/vemt-test-raster-XXXXXX");
    if (!mkdtemp(f->dir)) f->dir[0] = '\0';
}

static void teardown(fixture *f) {
    test_remove_dir(f->dir);
    vemt_ctx_destroy(f->ctx);
}

/* Number of entries in dir besides . and .. (-1: can't read it). */
static int entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* What both formats must hold: size, geotransform, EPSG:27700, nodata,
 * the band's description and every value to float precision. */
static void check_surface(test_state *t_, GDALDatasetH ds) {
    CHECK_INT_EQ(GDALGetRasterXSize(ds), NCOL);
    CHECK_INT_EQ(GDALGetRasterYSize(ds), NROW);
    CHECK_INT_EQ(GDALGetRasterCount(ds), 1);
    double gt[6] = {0};
    CHECK_INT_EQ(GDALGetGeoTransform(ds, gt), CE_None);
    CHECK_NEAR(gt[0], X0, 1e-9);
    CHECK_NEAR(gt[1], PIXEL, 1e-9);
    CHECK_NEAR(gt[2], 0, 0);
    CHECK_NEAR(gt[3], Y0, 1e-9);
    CHECK_NEAR(gt[4], 0, 0);
    CHECK_NEAR(gt[5], -PIXEL, 1e-9);
    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    CHECK(srs != NULL);
    if (srs) {
        CHECK_STR_EQ(OSRGetAuthorityName(srs, NULL), "EPSG");
        CHECK_STR_EQ(OSRGetAuthorityCode(srs, NULL), "27700");
    }
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    CHECK_INT_EQ(GDALGetRasterDataType(band), GDT_Float32);
    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    CHECK(has_nodata);
    CHECK_NEAR(nodata, -9999.0, 0);
    float got[NCOL * NROW];
    CHECK_INT_EQ(GDALRasterIO(band, GF_Read, 0, 0, NCOL, NROW, got, NCOL, NROW,
                              GDT_Float32, 0, 0),
                 CE_None);
    int wrong = 0;
    for (int r = 0; r < NROW; r++)
        for (int c = 0; c < NCOL; c++)
            wrong += got[r * NCOL + c] != expected(c, r);
    CHECK_INT_EQ(wrong, 0);
    /* North up: row 0 is the north edge, y0. */
    CHECK_NEAR(got[1 * NCOL + 3], 13.125, 0);
}

static GDALDatasetH open_raster(const char *path) {
    return GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL,
                      NULL);
}

TEST(geotiff_round_trip) {
    fixture f;
    setup(&f);
    char path[128];
    snprintf(path, sizeof path, "%s/kde.tif", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, path, &f.out), VEMT_OK);
    CHECK_INT_EQ(entries(f.dir), 1); /* no temporary or .aux.xml file */
    GDALDatasetH ds = open_raster(path);
    CHECK(ds != NULL);
    if (ds) {
        check_surface(t_, ds);
        GDALRasterBandH band = GDALGetRasterBand(ds, 1);
        CHECK_STR_EQ(GDALGetDescription(band), "events per km2");
        CHECK_STR_EQ(GDALGetRasterUnitType(band), "events per km2");
        CHECK_STR_EQ(GDALGetMetadataItem(ds, "TIFFTAG_IMAGEDESCRIPTION", NULL),
                     DESC);
        CHECK_STR_EQ(GDALGetMetadataItem(ds, "OUTPUT_TIER", NULL),
                     "restricted");
        CHECK_STR_EQ(GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE"),
                     "DEFLATE");
        CHECK_STR_EQ(GDALGetMetadataItem(ds, "PREDICTOR", "IMAGE_STRUCTURE"),
                     "3");
        int bx = 0, by = 0;
        GDALGetBlockSize(band, &bx, &by);
        CHECK_INT_EQ(bx, 256); /* tiled, not strips of the raster's width */
        CHECK_INT_EQ(by, 256);
        GDALClose(ds);
    }
    CHECK(vemt_outputs_is_vemt_file(path));
    /* Replacing an earlier output works the same way. */
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, path, &f.out), VEMT_OK);
    CHECK_INT_EQ(entries(f.dir), 1);
    teardown(&f);
}

TEST(gpkg_kde_table) {
    fixture f;
    setup(&f);
    char path[128], uri[160], buf[1024];
    snprintf(path, sizeof path, "%s/out.gpkg", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, path, &f.out), VEMT_OK);
    CHECK_INT_EQ(entries(f.dir), 1);
    snprintf(uri, sizeof uri, "GPKG:%s:kde", path);
    GDALDatasetH ds = open_raster(uri);
    CHECK(ds != NULL);
    if (ds) {
        check_surface(t_, ds);
        GDALClose(ds);
    }
    /* The vector layers are still there, and the tables say what kde is. */
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) {
        teardown(&f);
        return;
    }
    CHECK(GDALDatasetGetLayerByName(ds, "events") != NULL);
    test_query_text(
        ds,
        "SELECT data_type || '|' || srs_id || '|' || description FROM "
        "gpkg_contents WHERE table_name = 'kde'",
        buf, sizeof buf);
    CHECK(!strncmp(buf, "2d-gridded-coverage|27700|", 26));
    CHECK(strstr(buf, DESC) != NULL);
    CHECK(strstr(buf, "Output tier: restricted.") != NULL);
    test_query_text(
        ds,
        "SELECT datatype || '|' || uom || '|' || grid_cell_encoding || "
        "'|' || data_null FROM gpkg_2d_gridded_coverage_ancillary "
        "WHERE tile_matrix_set_name = 'kde'",
        buf, sizeof buf);
    CHECK_STR_EQ(buf, "float|events per km2|grid-value-is-center|-9999.0");
    /* vemt's own provenance row stays beside GDAL's raster metadata. */
    test_query_text(
        ds,
        "SELECT count(*) FROM gpkg_metadata WHERE md_standard_uri = "
        "'urn:vemt:provenance:1'",
        buf, sizeof buf);
    CHECK_STR_EQ(buf, "1");
    GDALClose(ds);
    CHECK(vemt_outputs_is_vemt_file(path));
    /* Without a density there is no kde table. */
    f.out.density = NULL;
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, path, &f.out), VEMT_OK);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        test_query_text(ds,
                        "SELECT count(*) FROM gpkg_contents WHERE table_name = "
                        "'kde'",
                        buf, sizeof buf);
        CHECK_STR_EQ(buf, "0");
        GDALClose(ds);
    }
    teardown(&f);
}

TEST(project_density_layer) {
    fixture f;
    setup(&f);
    char gpkg[128], qgs[160];
    snprintf(gpkg, sizeof gpkg, "%s/out.gpkg", f.dir);
    snprintf(qgs, sizeof qgs, "%s/p.qgs", f.dir);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(f.ctx, gpkg, &f.out), VEMT_OK);
    CHECK_INT_EQ(vemt_outputs_write_project(f.ctx, qgs, gpkg, &f.out), 0);
    size_t n = 0;
    char *text = test_slurp(qgs, &n);
    CHECK(text != NULL);
    if (!text) {
        teardown(&f);
        return;
    }
    /* The GeoPackage raster URI, relative, in the tree and as a layer. */
    /* Its id is one QGIS keeps (a short raster id is replaced on reading,
     * unlinking the tree node): the table name and a 36-character suffix.
     * Ticked: this output has no hot spots (which would hide it). */
    CHECK(test_contains(text, n,
                        "<layer-tree-layer id=\"kde_3dc54219_3657_1a7d_d243_"
                        "4cf7724c1b7a\" name=\"Density (events per km²)\" "
                        "providerKey=\"gdal\" checked=\"Qt::Checked\" "
                        "expanded=\"1\" source=\"GPKG:./out.gpkg:kde\">"));
    CHECK(test_contains(text, n,
                        "<id>kde_3dc54219_3657_1a7d_d243_4cf7724c1b7a</id>"));
    CHECK(
        test_contains(text, n, "<datasource>GPKG:./out.gpkg:kde</datasource>"));
    CHECK(test_contains(text, n, "type=\"singlebandpseudocolor\""));
    /* Transparent at 0, the last class ending at the largest value
     * (45.125: the NaN pixel does not count). */
    CHECK(test_contains(text, n,
                        "<item value=\"0\" color=\"#ffffb2\" alpha=\"0\""));
    CHECK(test_contains(text, n, "<item value=\"45.125\" color=\"#bd0026\""));
    CHECK(test_contains(text, n,
                        "<extent><xmin>460000.000</xmin><ymin>520000.000"
                        "</ymin><xmax>460700.000</xmax><ymax>520500.000"
                        "</ymax></extent>"));
    free(text);
    /* No density, no kde layer. */
    f.out.density = NULL;
    CHECK_INT_EQ(vemt_outputs_write_project(f.ctx, qgs, gpkg, &f.out), 0);
    text = test_slurp(qgs, &n);
    CHECK(text && !test_contains(text, n, "kde"));
    free(text);
    teardown(&f);
}

TEST(failures_leave_nothing) {
    fixture f;
    setup(&f);
    char path[128], inner[160];
    /* No density, or a density without a raster: a caller's mistake. */
    snprintf(path, sizeof path, "%s/kde.tif", f.dir);
    f.out.density = NULL;
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, path, &f.out), VEMT_E_ARG);
    f.density.raster = NULL;
    f.out.density = &f.density;
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, path, &f.out), VEMT_E_ARG);
    CHECK_INT_EQ(entries(f.dir), 0);
    f.density.raster = &f.raster;
    /* A folder that does not exist. */
    const char *missing = "/nonexistent-dir-vemt/kde.tif";
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, missing, &f.out), VEMT_E_IO);
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->source, missing);
    CHECK(access(missing, F_OK) != 0);
    /* The final rename fails when the target is a non-empty folder: the
     * written temporary file goes and the folder stays as it was. */
    mkdir(path, 0700);
    snprintf(inner, sizeof inner, "%s/keep", path);
    FILE *fp = fopen(inner, "w");
    if (fp) fclose(fp);
    CHECK_INT_EQ(vemt_outputs_write_geotiff(f.ctx, path, &f.out), VEMT_E_IO);
    CHECK_INT_EQ(entries(f.dir), 1);
    CHECK(access(inner, F_OK) == 0);
    /* Likewise for the GeoPackage, and when adding its kde table fails
     * after the vector layers are written (GDAL refuses a geotransform
     * that is not a number). */
    snprintf(path, sizeof path, "%s/none/out.gpkg", f.dir);
    CHECK(vemt_outputs_write_gpkg(f.ctx, path, &f.out) != VEMT_OK);
    snprintf(path, sizeof path, "%s/out.gpkg", f.dir);
    f.raster.pixel_m = NAN;
    CHECK(vemt_outputs_write_gpkg(f.ctx, path, &f.out) != VEMT_OK);
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->source, path);
    CHECK_INT_EQ(entries(f.dir), 1);
    teardown(&f);
}

TEST_SUITE(raster) {
    GDALAllRegister();
    RUN(geotiff_round_trip);
    RUN(gpkg_kde_table);
    RUN(project_density_layer);
    RUN(failures_leave_nothing);
    GDALDestroy();
    proj_cleanup();
}
