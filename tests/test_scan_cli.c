/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_scan_cli.c
 * @brief End to end: `vemt run --demo --scan`. The demo's planted new hot
 * spot (fixtures/demo/truth.json: "Guisborough", 20 events a month in the
 * last 3 of 24 months, none before) is the primary cluster of the
 * prospective scan, its circle over the planted centre, its window those
 * 3 months, p < 0.01; the retrospective scan finds it too; at the partner
 * and public tiers the layer holds only circles of at least the tier's
 * smallest unit area, the window and a p band; --scan with --no-trends is
 * a usage error; the options are in the provenance. And the forecasts
 * (--forecast, --backtest): a rank per unit and method, every score row
 * with PAI = hit rate / share and PEI at most 1, the recency map better
 * than chance, and at the shared tiers ranks and scores only.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/ogrutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

static double query_num(GDALDatasetH ds, const char *sql) {
    char buf[128];
    test_query_text(ds, sql, buf, sizeof buf);
    return buf[0] ? atof(buf) : (double)NAN;
}

/* The planted centre (truth.json) lies inside the primary circle, whose
 * window is the last 3 months. */
static void check_primary(test_state *t_, GDALDatasetH ds) {
    char buf[128];
    test_query_text(ds,
                    "SELECT first_step || ' ' || last_step FROM scan_clusters "
                    "WHERE rank = 1",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "2025-10 2025-12");
    test_query_text(ds,
                    "SELECT ST_Intersects(geom, MakePoint(460200, 517300, "
                    "27700)) FROM scan_clusters WHERE rank = 1",
                    buf, sizeof buf);
    CHECK_STR_EQ(buf, "1");
}

TEST(prospective_finds_the_new_hot_spot) {
    char err[512];
    CHECK_INT_EQ(
        test_vemt(tmpdir, "run --demo --scan --seed 3 --out p.gpkg --quiet",
                  err, sizeof err),
        0);
    GDALDatasetH ds = open_out("p.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    check_primary(t_, ds);
    double p = query_num(ds, "SELECT p FROM scan_clusters WHERE rank = 1");
    CHECK(p < 0.01);
    /* 60 planted events in 3 months, about 11 expected there. */
    double obs =
        query_num(ds, "SELECT observed FROM scan_clusters WHERE rank = 1");
    double expct =
        query_num(ds, "SELECT expected FROM scan_clusters WHERE rank = 1");
    CHECK(obs >= 60 && obs < 80);
    CHECK(expct > 1 && expct < obs / 3);
    /* Recurrence interval: the mean month (30.4 days) over p. */
    double ri = query_num(
        ds, "SELECT recurrence_days * p FROM scan_clusters WHERE rank = 1");
    CHECK_NEAR(ri, 731.0 / 24, 1e-6);
    /* Ranks run 1.. (at the restricted tier no cluster is withheld). */
    CHECK_NEAR(query_num(ds, "SELECT COUNT(*) = MAX(rank) FROM scan_clusters"),
               1, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT mode = 'prospective' FROM scan_clusters "
                         "WHERE rank = 1"),
               1, 0);
    /* The scan's options in the provenance. */
    CHECK_NEAR(query_num(ds,
                         "SELECT COUNT(*) > 0 FROM gpkg_metadata WHERE "
                         "metadata LIKE '%\"scan_replicates\"%' AND "
                         "metadata LIKE '%\"scan_mode\"%'"),
               1, 0);
    GDALClose(ds);
}

TEST(retrospective_finds_it_too) {
    char err[512];
    CHECK_INT_EQ(test_vemt(tmpdir,
                           "run --demo --scan-retrospective --scan-replicates "
                           "99 --seed 3 --out r.gpkg --quiet",
                           err, sizeof err),
                 0);
    GDALDatasetH ds = open_out("r.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    check_primary(t_, ds);
    CHECK_NEAR(query_num(ds, "SELECT p FROM scan_clusters WHERE rank = 1"),
               0.01, 1e-12);
    CHECK(isnan(query_num(ds,
                          "SELECT recurrence_days FROM scan_clusters "
                          "WHERE rank = 1 AND recurrence_days IS NOT "
                          "NULL")));
    GDALClose(ds);
}

/* Shared tiers: circles only as large as a unit may be, the window and a
 * p band; no count, expectation, risk or likelihood. */
TEST(shared_tiers_publish_circles_and_bands) {
    static const char *const tiers[] = {"partner", "public"};
    static const double min_m2[] = {100.0 * 100.0, 250.0 * 250.0};
    for (int k = 0; k < 2; k++) {
        char args[256], err[512], name[32];
        snprintf(name, sizeof name, "%s.gpkg", tiers[k]);
        snprintf(args, sizeof args,
                 "run --demo --scan --tier %s --seed 3 "
                 "--out %s --quiet",
                 tiers[k], name);
        CHECK_INT_EQ(test_vemt(tmpdir, args, err, sizeof err), 0);
        GDALDatasetH ds = open_out(name);
        CHECK(ds != NULL);
        if (!ds) continue;
        OGRLayerH l = GDALDatasetGetLayerByName(ds, "scan_clusters");
        CHECK(l != NULL);
        if (l) {
            OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
            CHECK(OGR_FD_GetFieldIndex(d, "observed") < 0);
            CHECK(OGR_FD_GetFieldIndex(d, "expected") < 0);
            CHECK(OGR_FD_GetFieldIndex(d, "llr") < 0);
            CHECK(OGR_FD_GetFieldIndex(d, "p") < 0);
            CHECK(OGR_FD_GetFieldIndex(d, "centre_id") < 0);
            CHECK(OGR_FD_GetFieldIndex(d, "p_band") >= 0);
        }
        check_primary(t_, ds);
        /* No cluster of fewer events than the threshold (5, 10): those of
         * the restricted run (same data, seed and clusters) are absent. */
        GDALDatasetH full = open_out("p.gpkg");
        CHECK(full != NULL);
        if (full) {
            OGRLayerH few = GDALDatasetExecuteSQL(
                full,
                k ? "SELECT rank FROM scan_clusters WHERE observed < 10"
                  : "SELECT rank FROM scan_clusters WHERE observed < 5",
                NULL, NULL);
            int n_few = 0;
            OGRFeatureH f;
            while (few && (f = OGR_L_GetNextFeature(few))) {
                char sql[96];
                snprintf(sql, sizeof sql,
                         "SELECT COUNT(*) FROM scan_clusters WHERE rank = %d",
                         OGR_F_GetFieldAsInteger(f, 0));
                CHECK_NEAR(query_num(ds, sql), 0, 0);
                n_few++;
                OGR_F_Destroy(f);
            }
            if (few) GDALDatasetReleaseResultSet(full, few);
            CHECK(n_few > 0); /* the demo has such clusters */
            GDALClose(full);
        }
        char buf[64];
        test_query_text(ds, "SELECT p_band FROM scan_clusters WHERE rank = 1",
                        buf, sizeof buf);
        CHECK_STR_EQ(buf, "p < 0.01");
        CHECK(query_num(ds, "SELECT MIN(ST_Area(geom)) FROM scan_clusters") >=
              min_m2[k]);
        GDALClose(ds);
        snprintf(args, sizeof args, "check-disclosure %s --tier %s", name,
                 tiers[k]);
        CHECK_INT_EQ(test_vemt(tmpdir, args, err, sizeof err), 0);
    }
}

TEST(scan_needs_the_steps) {
    char err[512];
    CHECK_INT_EQ(test_vemt(tmpdir, "run --demo --scan --no-trends --out n.gpkg",
                           err, sizeof err),
                 2);
    CHECK(strstr(err, "--no-trends") != NULL);
    CHECK_INT_EQ(test_vemt(tmpdir,
                           "run --demo --scan --scan-max-share 0.7 --out "
                           "n.gpkg",
                           err, sizeof err),
                 2);
    CHECK(strstr(err, "--scan-max-share") != NULL);
}

TEST(forecast_and_backtest) {
    char err[512];
    CHECK_INT_EQ(test_vemt(tmpdir,
                           "run --demo --scan --backtest 6 --seed 3 --out "
                           "f.gpkg --board-pack fb --quiet",
                           err, sizeof err),
                 0);
    GDALDatasetH ds = open_out("f.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    double units = query_num(ds, "SELECT COUNT(*) FROM hotspot_cells");
    CHECK(units > 100);
    CHECK_NEAR(query_num(ds, "SELECT COUNT(*) FROM forecast"), units, 0);
    /* Each method's ranks are 1..units, each once. */
    static const char *const ranks[] = {"recency_rank", "last_step_rank",
                                        "ewma_rank"};
    for (int k = 0; k < 3; k++) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT COUNT(DISTINCT %s) = COUNT(*) AND MIN(%s) = 1 AND "
                 "MAX(%s) = COUNT(*) FROM forecast",
                 ranks[k], ranks[k], ranks[k]);
        CHECK_NEAR(query_num(ds, sql), 1, 0);
    }
    char buf[64];
    test_query_text(ds, "SELECT DISTINCT step FROM forecast", buf, sizeof buf);
    CHECK_STR_EQ(buf, "2026-01");
    /* 6 steps x 3 methods x 3 shares. */
    CHECK_NEAR(query_num(ds, "SELECT COUNT(*) FROM forecast_scores"), 54, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT MAX(ABS(pai - hit_rate / share)) < 1e-9 "
                         "FROM forecast_scores"),
               1, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT MAX(pei) <= 1 + 1e-12 AND MIN(pei) >= 0 "
                         "FROM forecast_scores"),
               1, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT MAX(ABS(hit_rate * total - captured)) < "
                         "1e-6 FROM forecast_scores"),
               1, 0);
    /* The demo's planted hot spots persist: the recency map at 5 % of the
     * area captures far more than 5 % of the next month. */
    CHECK(query_num(ds,
                    "SELECT AVG(pai) FROM forecast_scores WHERE method "
                    "= 'recency' AND share = 0.05") > 3);
    GDALClose(ds);
    /* The board pack: the backtest's chart, and both paragraphs. */
    CHECK(test_exists_in(tmpdir, "fb/charts/forecast.png"));
    char *manifest = test_slurp_in(tmpdir, "fb/board-pack.json", NULL);
    CHECK(manifest && strstr(manifest, "\"Where next?\"") &&
          strstr(manifest, "\"Something new?\"") &&
          strstr(manifest, "charts/forecast.png") &&
          strstr(manifest, "the recency map captured"));
    free(manifest);
    CHECK_INT_EQ(test_vemt(tmpdir,
                           "run --demo --backtest 2 --tier public --seed 3 "
                           "--out fp.gpkg --quiet",
                           err, sizeof err),
                 0);
    ds = open_out("fp.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRFeatureDefnH d =
        OGR_L_GetLayerDefn(GDALDatasetGetLayerByName(ds, "forecast"));
    CHECK(OGR_FD_GetFieldIndex(d, "recency_rank") >= 0);
    CHECK(OGR_FD_GetFieldIndex(d, "recency_expected") < 0);
    /* Outside the restricted tier the forecasts are of the published
     * counts: no recency (it needs the events' points), the moving
     * average's ranks every unit once. */
    CHECK_NEAR(query_num(ds,
                         "SELECT COUNT(*) FROM forecast WHERE "
                         "recency_rank IS NOT NULL"),
               0, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT COUNT(DISTINCT ewma_rank) = COUNT(*) "
                         "FROM forecast"),
               1, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT COUNT(*) FROM forecast_scores WHERE "
                         "suppressed = 1 AND pai IS NOT NULL"),
               0, 0);
    CHECK_NEAR(query_num(ds,
                         "SELECT COUNT(*) FROM forecast_scores WHERE "
                         "method = 'recency'"),
               0, 0);
    d = OGR_L_GetLayerDefn(GDALDatasetGetLayerByName(ds, "forecast_scores"));
    CHECK(OGR_FD_GetFieldIndex(d, "pai") >= 0);
    CHECK(OGR_FD_GetFieldIndex(d, "total") < 0);
    CHECK(OGR_FD_GetFieldIndex(d, "captured") < 0);
    GDALClose(ds);
    CHECK_INT_EQ(test_vemt(tmpdir, "check-disclosure fp.gpkg", err, sizeof err),
                 0);
    CHECK_INT_EQ(
        test_vemt(tmpdir, "run --demo --forecast --no-trends --out n.gpkg", err,
                  sizeof err),
        2);
}

TEST_SUITE(scan_cli) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-scan-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(prospective_finds_the_new_hot_spot);
    RUN(retrospective_finds_it_too);
    RUN(shared_tiers_publish_circles_and_bands);
    RUN(scan_needs_the_steps);
    RUN(forecast_and_backtest);
    test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
