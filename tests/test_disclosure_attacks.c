/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_disclosure_attacks.c
 * @brief Issue 16's attacks on the partner and public tiers, each
 * reproduced on a run and its fix asserted: counts and distances in the
 * provenance and exact global statistics (finding 1), exact counts next to
 * withheld ones (2), the one-child home (3), units too small to publish
 * (4).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

/* Run vemt in tmpdir; err gets the whole of stderr (its end, when long). */
static int vemt(const char *args, char *err, size_t n) {
    int rc = test_vemt(tmpdir, args, NULL, 0);
    char path[256];
    snprintf(path, sizeof path, "%s/err.txt", tmpdir);
    size_t len = 0;
    char *text = test_slurp(path, &len);
    snprintf(err, n, "%s",
             text && len < n ? text
             : text          ? text + len - n + 1
                             : "");
    free(text);
    return rc;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL,
                      NULL);
}

/* The text of every metadata row of a GeoPackage, joined. */
static char *metadata_text(GDALDatasetH ds) {
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds, "SELECT metadata FROM gpkg_metadata", NULL, NULL);
    size_t cap = 1 << 16, n = 0;
    char *all = calloc(cap, 1);
    OGRFeatureH f;
    while (all && r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        const char *s = OGR_F_GetFieldAsString(f, 0);
        size_t k = strlen(s);
        while (all && n + k + 2 > cap) all = realloc(all, cap *= 2);
        if (all) memcpy(all + n, s, k + 1), n += k;
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return all;
}

static bool has_field(GDALDatasetH ds, const char *layer, const char *field) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    return l && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field) >= 0;
}

/* Deterministic pseudo-random numbers in [0, 1) (a 64-bit LCG). */
static double uniform(unsigned long long *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Incidents: n events of 40 children over two years around (460000,
 * 520000), one category. */
static void write_incidents(const char *name, int n) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("id,occurred_at,easting,northing,category,subject_id\n", f);
    unsigned long long s = 7;
    for (int i = 0; i < n; i++)
        fprintf(f, "I%d,20%02d-%02d-%02dT%02d:00:00Z,%.1f,%.1f,violence,C%d\n",
                i, 24 + i % 2, 1 + i % 12, 1 + (int)(uniform(&s) * 27),
                (int)(uniform(&s) * 24), 460000 + uniform(&s) * 4000,
                520000 + uniform(&s) * 4000, (int)(uniform(&s) * 40));
    fclose(f);
}

TEST(provenance_and_scale_profile_give_no_counts) {
    /* Finding 1: a public run on a few events recorded "... 4 distinct
     * event locations (5019.4 m)" and the extent, and scale_profile's
     * exact Moran's I and variance; with them the two withheld cells could
     * be solved. Now the provenance holds parameters and rules only, and
     * scale_profile its bands and peaks. */
    write_incidents("few.csv", 60);
    char err[512];
    CHECK_INT_EQ(vemt("run --incidents few.csv --tier public --out few.gpkg "
                      "--quiet",
                      err, sizeof err),
                 0);
    GDALDatasetH ds = open_out("few.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char *md = metadata_text(ds);
    CHECK(md != NULL);
    static const char *const leaks[] = {"distinct event locations",
                                        "cell_size_rule",
                                        "rows_used",
                                        "rows_read",
                                        "sha256",
                                        "\"bytes\"",
                                        "nearest neighbour"};
    for (size_t i = 0; md && i < sizeof leaks / sizeof *leaks; i++)
        if (strstr(md, leaks[i])) {
            fprintf(stderr, "  metadata holds '%s'\n", leaks[i]);
            CHECK(!strstr(md, leaks[i]));
        }
    /* The rules and the chosen cell size (a parameter) are there. */
    CHECK(md && strstr(md, "\"cell_size_m\""));
    CHECK(md && strstr(md, "\"dominance\":0.5"));
    free(md);
    CHECK(has_field(ds, "scale_profile", "band_m") ||
          !GDALDatasetGetLayerByName(ds, "scale_profile"));
    static const char *const exact[] = {"moran_i", "expected_i", "variance_i",
                                        "z", "p"};
    for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
        CHECK(!has_field(ds, "scale_profile", exact[i]));
    GDALClose(ds);
    /* The restricted tier keeps everything. */
    CHECK_INT_EQ(vemt("run --incidents few.csv --out fewr.gpkg --quiet "
                      "--allow-world-readable",
                      err, sizeof err),
                 0);
    ds = open_out("fewr.gpkg");
    md = ds ? metadata_text(ds) : NULL;
    CHECK(md && strstr(md, "cell_size_rule") && strstr(md, "rows_used"));
    CHECK(ds && has_field(ds, "scale_profile", "moran_i"));
    free(md);
    if (ds) GDALClose(ds);
}

TEST(exact_counts_refused_outside_restricted) {
    /* Finding 2: with --round-to 1 at the partner tier the trends total
     * minus the published cells gave a withheld cell. Tier values are
     * floors now: exact counts are refused, and a threshold that is not a
     * multiple of the rounding base too. */
    char err[512];
    CHECK_INT_EQ(vemt("run --demo --tier partner --round-to 1 --out r1.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err, "--round-to 1") && strstr(err, "at least"));
    CHECK_INT_EQ(vemt("run --demo --tier public --suppress-below 5 --out "
                      "r1.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err, "can be tightened, not loosened"));
    CHECK_INT_EQ(vemt("run --demo --tier public --suppress-below 12 --out "
                      "r1.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err, "multiple of the rounding base"));
    char path[256];
    snprintf(path, sizeof path, "%s/r1.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
}

/* The feature of layer whose unit holds (x, y), or NULL. */
static OGRFeatureH unit_at(OGRLayerH l, double x, double y) {
    OGR_L_SetSpatialFilterRect(l, x - 1, y - 1, x + 1, y + 1);
    OGR_L_ResetReading(l);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    return f;
}

static bool null_field(OGRFeatureH f, const char *name) {
    int i = OGR_F_GetFieldIndex(f, name);
    return i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i);
}

TEST(one_child_home_publishes_nothing) {
    /* Finding 3: one child missing 14 times from one home, public tier,
     * missing_from, 250 m cells: the home's cell was published with
     * n_events 15 and gi_bin 2, a cube step with gi_bin 3, and
     * emerging_hotspots.n_subjects 10 where the truth is 1. Now the
     * dominance rule withholds its count, bins and pattern everywhere. */
    char path[256];
    snprintf(path, sizeof path, "%s/home.csv", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(
        "episode_id,child_id,missing_at,returned_at,from_easting,"
        "from_northing\n",
        f);
    const double hx = 461125, hy = 521125; /* the home, a cell's centre */
    for (int i = 0; i < 14; i++)
        fprintf(f,
                "H%d,HOMECHILD,2024-%02d-10T20:00:00Z,2024-%02d-11T08:00:00Z,"
                "%.1f,%.1f\n",
                i, 1 + i % 12, 1 + i % 12, hx + 3 * i, hy - 2 * i);
    unsigned long long s = 11;
    for (int i = 0; i < 400; i++) {
        int m = 1 + (int)(uniform(&s) * 12), d = 1 + (int)(uniform(&s) * 27);
        fprintf(f,
                "E%d,C%d,2024-%02d-%02dT18:00:00Z,2024-%02d-%02dT23:00:00Z,"
                "%.1f,%.1f\n",
                i, (int)(uniform(&s) * 120), m, d, m, d,
                458000 + uniform(&s) * 8000, 518000 + uniform(&s) * 8000);
    }
    fclose(f);
    char err[512];
    CHECK_INT_EQ(vemt("run --missing home.csv --kind missing_from --tier "
                      "public --cell-size 250 --out home.gpkg --quiet",
                      err, sizeof err),
                 0);
    GDALDatasetH ds = open_out("home.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH cells = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    OGRFeatureH c = cells ? unit_at(cells, hx, hy) : NULL;
    CHECK(c != NULL);
    char id[64] = "";
    if (c) {
        snprintf(id, sizeof id, "%s", OGR_F_GetFieldAsString(c, 0));
        CHECK(null_field(c, "n_events") && null_field(c, "n_subjects"));
        CHECK(null_field(c, "gi_bin") && null_field(c, "lisa_type"));
        OGR_F_Destroy(c);
    }
    OGRLayerH em = GDALDatasetGetLayerByName(ds, "emerging_hotspots");
    OGRFeatureH e = em ? unit_at(em, hx, hy) : NULL;
    CHECK(e != NULL);
    if (e) {
        CHECK(null_field(e, "pattern") && null_field(e, "chainey_pattern"));
        CHECK(null_field(e, "n_subjects") && null_field(e, "n_events"));
        CHECK(null_field(e, "share_hot"));
        OGR_F_Destroy(e);
    }
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*), count(gi_bin), count(n_events) FROM "
             "hotspot_cube WHERE cell_id = '%s'",
             id);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH q = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(q != NULL);
    if (q) {
        CHECK(OGR_F_GetFieldAsInteger(q, 0) >= 12);
        CHECK_INT_EQ(OGR_F_GetFieldAsInteger(q, 1), 0);
        CHECK_INT_EQ(OGR_F_GetFieldAsInteger(q, 2), 0);
        OGR_F_Destroy(q);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    /* No published count anywhere is under the threshold or off the
     * rounding base, and none of n_subjects says 10 for fewer. */
    r = GDALDatasetExecuteSQL(ds,
                              "SELECT count(*) FROM hotspot_cells WHERE "
                              "n_subjects > 0 AND (n_subjects < 10 OR "
                              "n_subjects % 5 != 0)",
                              NULL, NULL);
    q = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(q && OGR_F_GetFieldAsInteger(q, 0) == 0);
    if (q) OGR_F_Destroy(q);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
}

/* A GeoJSON of n 500 m squares in a row, then (tiny) a 1 m square around
 * a home, in British National Grid. */
static void write_areas(const char *name, int n, bool tiny) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
        "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::27700\"}},"
        "\"features\":[",
        f);
    for (int i = 0; i < n + tiny; i++) {
        double x0 = 460000 + 500.0 * (i % n), y0 = 520000 + 500.0 * (i / n);
        double w = 500;
        if (i == n) x0 = 460200.5, y0 = 520200.5, w = 1;
        fprintf(f,
                "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"A%d\"},"
                "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,"
                "%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f]]]}}",
                i ? "," : "", i, x0, y0, x0 + w, y0, x0 + w, y0 + w, x0, y0 + w,
                x0, y0);
    }
    fputs("]}\n", f);
    fclose(f);
}

TEST(units_smaller_than_the_tier_refused) {
    /* Finding 4: --areas took any polygon size at the public tier (a 1 m2
     * polygon around a home was published with its count), and a 250 m
     * hexagon (54,127 m2) is smaller than a 250 m square. Both tiers now
     * refuse a unit under their smallest area before writing anything
     * (exit 2), naming how many and the first. */
    write_incidents("inc.csv", 300);
    write_areas("areas.geojson", 8, true);
    char err[1024];
    CHECK_INT_EQ(vemt("run --incidents inc.csv --areas areas.geojson "
                      "--area-id code --tier public --out a.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err,
                 "1 of 9 areas are smaller than the public tier's "
                 "smallest unit (62500 m2), first: A8 (1 m2)"));
    CHECK_INT_EQ(vemt("run --incidents inc.csv --areas areas.geojson "
                      "--area-id code --tier partner --out a.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err, "partner tier's smallest unit (10000 m2)"));
    char path[256];
    snprintf(path, sizeof path, "%s/a.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
    /* The real Output Areas of Redcar and Cleveland ran at the public tier
     * with exit 0 (the checker then found them undersized): 220 of the
     * 464 are under 62,500 m2. */
    CHECK_INT_EQ(vemt("run --demo --areas " VEMT_FIXTURES
                      "/boundaries/oa_E06000003.geojson --tier public --out "
                      "oa.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err,
                 "220 of 464 areas are smaller than the public tier's "
                 "smallest unit (62500 m2), first: E00061002 (17251 m2)"));
    /* Without the tiny one the areas are published. */
    write_areas("big.geojson", 8, false);
    CHECK_INT_EQ(vemt("run --incidents inc.csv --areas big.geojson --area-id "
                      "code --tier public --out a.gpkg --quiet",
                      err, sizeof err),
                 0);
    /* Hexagons by area: 250 m is too small, the automatic size is raised
     * to 300 m (the smallest multiple of 50 m over 62,500 m2). */
    CHECK_INT_EQ(vemt("run --incidents inc.csv --grid hex --cell-size 250 "
                      "--tier public --out h.gpkg",
                      err, sizeof err),
                 2);
    CHECK(strstr(err, "a hexagon of 250 m is 54127 m2: use --cell-size 300"));
    CHECK_INT_EQ(vemt("run --incidents inc.csv --grid hex --tier public --out "
                      "h.gpkg --quiet",
                      err, sizeof err),
                 0);
    GDALDatasetH ds = open_out("h.gpkg");
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "hotspot_cells") : NULL;
    OGRFeatureH f;
    double smallest = INFINITY;
    while (l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        double a = OGR_G_Area(OGR_F_GetGeometryRef(f));
        if (a < smallest) smallest = a;
        OGR_F_Destroy(f);
    }
    CHECK(smallest >= 62500 && isfinite(smallest));
    if (ds) GDALClose(ds);
}

TEST(time_window_run_passes_its_own_audit) {
    /* A review found a --time-start run at the partner tier refusing to
     * write (exit 3): the checker took hotspot_cells' totals, which count
     * the whole period, as the cube's (a unit busy only before the
     * window). The demo's incidents with 30 more at one place in 2024. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp '%s/demo/incidents.csv' '%s/ws.csv'",
             VEMT_FIXTURES, tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/ws.csv", tmpdir);
    FILE *f = fopen(path, "a");
    CHECK(f != NULL);
    for (int i = 0; f && i < 30; i++)
        fprintf(f,
                "X-%04d,2024-%02d-%02dT12:00:00Z,%.1f,518800.0,violence,"
                "ZZ%03d\n",
                i, 1 + i % 8, 1 + i % 28, 456400.0 + i, i);
    if (f) fclose(f);
    char err[1024];
    CHECK_INT_EQ(vemt("run --incidents ws.csv --boundary " VEMT_FIXTURES
                      "/demo/boundary.geojson --cell-size 300 --time-start "
                      "2025-03 --tier partner --permutations 0 --clusters "
                      "none --no-kde --out ws.gpkg --quiet",
                      err, sizeof err),
                 0);
    CHECK_INT_EQ(
        vemt("check-disclosure ws.gpkg --tier partner", err, sizeof err), 0);
}

TEST_SUITE(disclosure_attacks) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-attacks-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(provenance_and_scale_profile_give_no_counts);
    RUN(exact_counts_refused_outside_restricted);
    RUN(one_child_home_publishes_nothing);
    RUN(units_smaller_than_the_tier_refused);
    RUN(time_window_run_passes_its_own_audit);
    test_remove_dir(tmpdir);
    GDALDestroy();
}
