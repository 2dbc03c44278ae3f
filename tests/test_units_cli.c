/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_units_cli.c
 * @brief End to end: `vemt run` on polygon units, hexagons and squares of
 * real police.uk burglaries against R spdep's Gi*, permutation p-values
 * identical across thread counts, the scale profile behind
 * --distance-band auto, and the clusters layer against the events'
 * cluster ids.
 */
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ref/nottingham_spdep_ref.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static bool exists(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return access(path, F_OK) == 0;
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

/* One number from SQL on an open dataset (NaN when it fails). */
static double ds_num(GDALDatasetH ds, const char *sql) {
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    double v = f && OGR_F_IsFieldSetAndNotNull(f, 0)
                   ? OGR_F_GetFieldAsDouble(f, 0)
                   : (double)NAN;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return v;
}

/* ds_num on a run's output. */
static double sql_num(const char *name, const char *sql) {
    GDALDatasetH ds = open_out(name);
    if (!ds) return NAN;
    double v = ds_num(ds, sql);
    GDALClose(ds);
    return v;
}

/* The 1,795 burglaries as an incidents CSV vemt reads (one date for all:
 * the reference counts space only). */
static void write_points(void) {
    char src[256], dst[256], line[128];
    snprintf(src, sizeof src, "%s/ref/nottingham_burglary_27700.csv",
             VEMT_FIXTURES);
    snprintf(dst, sizeof dst, "%s/nott.csv", tmpdir);
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    if (!in || !out) return;
    fputs("id,occurred_at,easting,northing\n", out);
    long k = 0;
    while (fgets(line, sizeof line, in))
        if (k++ > 0) fprintf(out, "b%ld,2022-06-01T12:00:00Z,%s", k, line);
    fclose(in);
    fclose(out);
}

/* The city outline (layer nottingham_city) as a file of its own. */
static void write_city(void) {
    char src[256], dst[256];
    snprintf(src, sizeof src, "%s/ref/nottingham_wards_27700.gpkg",
             VEMT_FIXTURES);
    snprintf(dst, sizeof dst, "%s/city.gpkg", tmpdir);
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    char *argv[] = {"-f", "GPKG", "nottingham_city", NULL};
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    GDALDatasetH out =
        in ? GDALVectorTranslate(dst, NULL, 1, &in, o, NULL) : NULL;
    GDALVectorTranslateOptionsFree(o);
    if (out) GDALClose(out);
    if (in) GDALClose(in);
}

/* The feature of layer l whose field equals value, or NULL. */
static OGRFeatureH find(OGRLayerH l, const char *field, const char *value) {
    char where[160];
    snprintf(where, sizeof where, "%s = '%s'", field, value);
    OGR_L_SetAttributeFilter(l, where);
    OGR_L_ResetReading(l);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    OGR_L_SetAttributeFilter(l, NULL);
    return f;
}

static double num(OGRFeatureH f, const char *field) {
    int i = OGR_F_GetFieldIndex(f, field);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsDouble(f, i)
               : (double)NAN;
}

static const char base[] =
    "run --incidents nott.csv --no-trends --clusters none --no-kde "
    "--permutations 99 --quiet";

/* Wards: counts and Gi* z of every ward against spdep (queen, knn 4). */
static void check_wards(test_state *t_, const char *weights,
                        const double *ref_z) {
    char args[1024];
    snprintf(args, sizeof args,
             "%s --areas '%s/ref/nottingham_wards_27700.gpkg' %s --out "
             "wards.gpkg",
             base, VEMT_FIXTURES, weights);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    GDALDatasetH ds = open_out("wards.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), NOTT_NWARDS);
    CHECK_INT_EQ(wkbFlatten(OGR_L_GetGeomType(l)), wkbMultiPolygon);
    double maxdz = 0;
    for (size_t i = 0; i < NOTT_NWARDS; i++) {
        OGRFeatureH f = find(l, "area_id", nott_ward_code[i]);
        CHECK(f != NULL);
        if (!f) continue;
        CHECK_STR_EQ(
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "cell_id")),
            nott_ward_code[i]);
        CHECK(
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "area_name"))[0]);
        CHECK_NEAR(num(f, "n_events"), nott_ward_count[i], 0);
        CHECK_NEAR(num(f, "gi_z"), ref_z[i], 1e-9);
        maxdz = fmax(maxdz, fabs(num(f, "gi_z") - ref_z[i]));
        double ps = num(f, "gi_p_sim");
        CHECK(ps >= 2.0 / 100 && ps <= 1); /* R = 99: p >= 2 / (R + 1) */
        /* Police.uk rows have no subject: each event is of an unknown
         * subject, in no count of distinct subjects (engine/subjects.c;
         * they used to count one each, n_subjects == n_events). */
        CHECK(num(f, "n_subjects") == 0);
        OGR_F_Destroy(f);
    }
    fprintf(stderr, "  wards (%s): max |z - spdep| = %.3g\n",
            weights[0] ? weights : "queen", maxdz);
    GDALClose(ds);
}

TEST(wards_match_spdep) {
    check_wards(t_, "", nott_ward_z_queen);
    check_wards(t_, "--weights knn --k 4", nott_ward_z_knn4);
}

/* A 500 m grid masked to the city: every cell's count and z as spdep. */
static void check_grid(test_state *t_, bool hex, const nott_cell *ref,
                       size_t nref) {
    char args[1024];
    snprintf(args, sizeof args,
             "%s --boundary city.gpkg --cell-size 500 %s --out grid.gpkg", base,
             hex ? "--grid hex" : "");
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    GDALDatasetH ds = open_out("grid.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), (long)nref);
    double maxdz = 0, x0 = 0, y0 = 0;
    if (!hex) { /* the reference's origin: the city's extent snapped down */
        GDALDatasetH c = open_out("city.gpkg");
        OGREnvelope e = {0, 0, 0, 0};
        CHECK(c &&
              OGR_L_GetExtent(GDALDatasetGetLayer(c, 0), &e, 1) == OGRERR_NONE);
        if (c) GDALClose(c);
        x0 = floor(e.MinX / NOTT_CELL) * NOTT_CELL;
        y0 = floor(e.MinY / NOTT_CELL) * NOTT_CELL;
    }
    size_t matched = 0;
    for (size_t k = 0; k < nref; k++) {
        char id[64];
        if (hex)
            snprintf(id, sizeof id, "H%ld_%ld", ref[k].col, ref[k].row);
        else
            snprintf(id, sizeof id, "%.0f_%.0f", x0 + ref[k].col * NOTT_CELL,
                     y0 + ref[k].row * NOTT_CELL);
        OGRFeatureH f = find(l, "cell_id", id);
        if (!f) continue;
        matched++;
        CHECK_NEAR(num(f, "n_events"), ref[k].count, 0);
        CHECK_NEAR(num(f, "gi_z"), ref[k].z, 1e-9);
        maxdz = fmax(maxdz, fabs(num(f, "gi_z") - ref[k].z));
        OGR_F_Destroy(f);
    }
    CHECK_INT_EQ(matched, nref);
    fprintf(stderr, "  %s: %zu cells, max |z - spdep| = %.3g\n",
            hex ? "hexagons" : "squares", matched, maxdz);
    GDALClose(ds);
}

TEST(grids_match_spdep) {
    check_grid(t_, true, nott_hex, sizeof nott_hex / sizeof *nott_hex);
    check_grid(t_, false, nott_square,
               sizeof nott_square / sizeof *nott_square);
}

/* gi_p_sim of every cell of a run, in feature order. */
static size_t read_p_sim(const char *name, double *out, size_t max) {
    GDALDatasetH ds = open_out(name);
    if (!ds) return 0;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    OGRFeatureH f;
    size_t n = 0;
    while ((f = OGR_L_GetNextFeature(l)) != NULL && n < max) {
        out[n++] = num(f, "gi_p_sim");
        OGR_F_Destroy(f);
    }
    if (f) OGR_F_Destroy(f);
    GDALClose(ds);
    return n;
}

/* The demo tests below give the 300 m its planted spots are laid out at
 * (the automatic size is 400 m on the demo's uniform background). */
TEST(permutations_reproducible_across_threads) {
    static const char run[] =
        "run --demo --cell-size 300 --no-trends "
        "--clusters none --no-kde --quiet";
    char args[512];
    snprintf(args, sizeof args, "%s --threads 1 --out t1.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(args, sizeof args, "%s --threads 2 --out t2.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(args, sizeof args, "%s --seed 2 --out s2.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    enum { MAX = 20000 };
    double *a = calloc(MAX, sizeof *a), *b = calloc(MAX, sizeof *b),
           *c = calloc(MAX, sizeof *c);
    size_t na = read_p_sim("t1.gpkg", a, MAX),
           nb = read_p_sim("t2.gpkg", b, MAX),
           nc = read_p_sim("s2.gpkg", c, MAX), same = 0, differ = 0, small = 0;
    CHECK(na > 1000 && na == nb && na == nc);
    for (size_t i = 0; i < na && na == nb && na == nc; i++) {
        same += a[i] == b[i] || (isnan(a[i]) && isnan(b[i]));
        differ += a[i] != c[i];
        small += a[i] <= 0.002 + 1e-12;
    }
    CHECK_INT_EQ(same, na); /* identical for 1 and 2 threads */
    CHECK(differ > 0);      /* another seed, other draws */
    CHECK(small > 0);       /* the planted spots reach p = 2 / 1000 */
    free(a), free(b), free(c);
}

/* The child-level test's p-values do not depend on the pseudonym key (a
 * random one each run unless given): children are taken in the order of
 * their first found-at event, not of their keyed pseudonyms. */
TEST(child_test_same_under_any_key) {
    static const char run[] =
        "run --demo --cell-size 300 --no-trends --clusters none --no-kde "
        "--quiet --permutations 199";
    static const char *const keys[] = {
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"};
    char args[512];
    for (int i = 0; i < 2; i++) {
        setenv("VEMT_PSEUDONYM_KEY", keys[i], 1);
        snprintf(args, sizeof args, "%s --out key%d.gpkg", run, i);
        CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    }
    unsetenv("VEMT_PSEUDONYM_KEY");
    double tested[2], sum[2];
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, "key%d.gpkg", i);
        tested[i] = sql_num(name,
                            "SELECT count(*) FROM found_hotspots "
                            "WHERE child_p_sim IS NOT NULL");
        sum[i] = sql_num(name,
                         "SELECT sum(fid * child_p_sim) FROM "
                         "found_hotspots");
    }
    CHECK(tested[0] > 100);
    CHECK_NEAR(tested[1], tested[0], 0);
    CHECK_NEAR(sum[1], sum[0], 0);
}

TEST(scale_profile_gives_the_auto_band) {
    static const char run[] =
        "run --demo --no-trends --clusters none --no-kde --permutations 0 "
        "--distance-band auto --quiet --out auto.gpkg";
    CHECK_INT_EQ(vemt(run, NULL, 0), 0);
    GDALDatasetH ds = open_out("auto.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "scale_profile");
    CHECK(l != NULL);
    if (!l) return;
    CHECK_INT_EQ(OGR_L_GetFeatureCount(l, 1), 10);
    OGRFeatureH f;
    double band = NAN, prev_band = 0;
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        const char *peak =
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "peak"));
        CHECK(num(f, "band_m") > prev_band);
        prev_band = num(f, "band_m");
        if (strstr(peak, "first")) band = num(f, "band_m");
        CHECK(num(f, "moran_i") > num(f, "expected_i")); /* clustered data */
        OGR_F_Destroy(f);
    }
    CHECK(isfinite(band));
    /* The provenance records that band as the automatic choice. */
    char **md = GDALGetMetadata(ds, NULL);
    const char *prov =
        md ? CSLFetchNameValue(md, "GPKG_METADATA_ITEM_1") : NULL;
    char want[96];
    snprintf(want, sizeof want,
             "\"value\":\"%.17g\",\n      \"how\":\"automatic\"", band);
    CHECK(prov && strstr(prov, want));
    CHECK(prov && strstr(prov, "\"value\":\"sha256 "));
    /* Every option is recorded, defaults too. */
    static const char *const keys[] = {"\"time_step\"",
                                       "\"time_lag\"",
                                       "\"global_window\"",
                                       "\"fdr\"",
                                       "\"merge_distance_m\"",
                                       "\"place_radius_m\"",
                                       "\"permutations\"",
                                       "\"weights\"",
                                       "\"clusters\"",
                                       "\"grid\"",
                                       "\"tier\"",
                                       "\"boundary_file\""};
    for (size_t k = 0; prov && k < sizeof keys / sizeof *keys; k++)
        CHECK(strstr(prov, keys[k]) != NULL);
    GDALClose(ds);
}

TEST(bad_area_options) {
    char args[512], line[512];
    snprintf(args, sizeof args,
             "%s --areas '%s/ref/nottingham_wards_27700.gpkg' --area-id nope "
             "--out x.gpkg",
             base, VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, line, sizeof line), 1);
    CHECK(strstr(line, "nope") != NULL);
    CHECK(!exists("x.gpkg"));
    /* An output that can't be written stops the run before anything is. */
    CHECK_INT_EQ(vemt("run --demo --geojson-dir no/such/dir --out g.gpkg", line,
                      sizeof line),
                 1);
    CHECK_STR_EQ(line, "no/such/dir: no such folder for the output");
    CHECK_INT_EQ(
        vemt("run --demo --kde no/such/k.tif --out g.gpkg", line, sizeof line),
        1);
    CHECK(!exists("g.gpkg"));
    /* A GeoTIFF vemt did not write is not replaced without --force. */
    char tif[256];
    snprintf(tif, sizeof tif, "%s/theirs.tif", tmpdir);
    FILE *t = fopen(tif, "w");
    if (t) fputs("not a vemt file", t), fclose(t);
    CHECK_INT_EQ(
        vemt("run --demo --kde theirs.tif --out g.gpkg", line, sizeof line), 1);
    CHECK(strstr(line, "theirs.tif: exists and was not written by vemt"));
    CHECK_INT_EQ(
        vemt("run --demo --grid round --out x.gpkg", line, sizeof line), 2);
    CHECK_STR_EQ(line, "vemt: --grid must be square or hex: round");
    CHECK_INT_EQ(
        vemt("run --demo --weights near --out x.gpkg", line, sizeof line), 2);
    CHECK_INT_EQ(
        vemt("run --demo --time-eps 3w --out x.gpkg", line, sizeof line), 2);
    CHECK_INT_EQ(
        vemt("run --demo --clusters kmeans --out x.gpkg", line, sizeof line),
        2);
}

/* Each method's clusters hold exactly the events that carry its id. */
TEST(clusters_agree_with_events) {
    CHECK_INT_EQ(vemt("run --demo --no-trends --permutations 0 --no-kde "
                      "--quiet --out cl.gpkg",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("cl.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH cl = GDALDatasetGetLayerByName(ds, "clusters");
    CHECK(cl != NULL);
    static const char methods[][12] = {"dbscan", "st-dbscan", "hdbscan"};
    static const char fields[][16] = {"cluster_id", "st_cluster_id",
                                      "hdbscan_id"};
    for (int m = 0; cl && m < 3; m++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*), sum(n_events) FROM clusters WHERE method "
                 "= '%s'",
                 methods[m]);
        OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
        OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
        long k = f ? (long)OGR_F_GetFieldAsInteger64(f, 0) : -1;
        long total = f ? (long)OGR_F_GetFieldAsInteger64(f, 1) : -1;
        if (f) OGR_F_Destroy(f);
        if (r) GDALDatasetReleaseResultSet(ds, r);
        snprintf(sql, sizeof sql,
                 "SELECT count(*), count(DISTINCT %s), max(%s) FROM events "
                 "WHERE %s IS NOT NULL",
                 fields[m], fields[m], fields[m]);
        r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
        f = r ? OGR_L_GetNextFeature(r) : NULL;
        CHECK(k > 0);
        CHECK(f != NULL);
        if (f) {
            CHECK_INT_EQ((long)OGR_F_GetFieldAsInteger64(f, 0), total);
            CHECK_INT_EQ((long)OGR_F_GetFieldAsInteger64(f, 1), k);
            CHECK_INT_EQ((long)OGR_F_GetFieldAsInteger64(f, 2), k - 1);
            OGR_F_Destroy(f);
        }
        if (r) GDALDatasetReleaseResultSet(ds, r);
    }
    /* Patrol windows of DBSCAN clusters name clusters that exist, and
     * cover the busiest window the clusters layer gives them. */
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT count(*), sum(c.busiest_weekday = p.weekday AND "
        "c.busiest_start_hour = p.start_hour) FROM patrol_windows p JOIN "
        "clusters c ON c.method = 'dbscan' AND CAST(c.cluster_id AS TEXT) = "
        "p.place WHERE p.place_kind = 'dbscan cluster'",
        NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    CHECK(f != NULL);
    if (f) {
        CHECK(OGR_F_GetFieldAsInteger(f, 0) >= 1);
        CHECK_INT_EQ(OGR_F_GetFieldAsInteger(f, 1),
                     OGR_F_GetFieldAsInteger(f, 0));
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    GDALClose(ds);
}

/* The GeoTIFF's integral (events) and its densest pixel's centre. */
static bool read_density(const char *name, double *integral, double *px,
                         double *py) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) return false;
    double gt[6];
    GDALGetGeoTransform(ds, gt);
    int nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds);
    float *v = malloc((size_t)nx * (size_t)ny * sizeof *v);
    bool ok = v && GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, nx, ny,
                                v, nx, ny, GDT_Float32, 0, 0) == CE_None;
    double sum = 0;
    size_t best = 0;
    for (size_t k = 0; ok && k < (size_t)nx * (size_t)ny; k++) {
        sum += (double)v[k];
        if (v[k] > v[best]) best = k;
    }
    *integral = sum * gt[1] * -gt[5] / 1e6; /* events per km2 x km2 */
    *px = gt[0] + ((double)(best % (size_t)nx) + 0.5) * gt[1];
    *py = gt[3] + ((double)(best / (size_t)nx) + 0.5) * gt[5];
    free(v);
    GDALClose(ds);
    return ok;
}

/* Distance from (x, y) to the nearest planted hot spot of the demo, and
 * that spot's radius. */
static double nearest_planted(double x, double y, double *radius) {
    char path[256];
    snprintf(path, sizeof path, "%s/demo/truth.json", VEMT_FIXTURES);
    json_object *t = json_object_from_file(path), *spots;
    double best = INFINITY;
    if (t && json_object_object_get_ex(t, "hotspots", &spots))
        for (size_t i = 0; i < json_object_array_length(spots); i++) {
            json_object *h = json_object_array_get_idx(spots, i), *e, *n, *r;
            json_object_object_get_ex(h, "easting", &e);
            json_object_object_get_ex(h, "northing", &n);
            json_object_object_get_ex(h, "radius_m", &r);
            double d = hypot(json_object_get_double(e) - x,
                             json_object_get_double(n) - y);
            if (d < best) best = d, *radius = json_object_get_double(r);
        }
    json_object_put(t);
    return best;
}

/* The density holds the counted events and peaks on a planted spot. */
TEST(density_on_planted_spots) {
    static const char run[] =
        "run --demo --no-trends --clusters none --permutations 0 --quiet";
    char args[512];
    snprintf(args, sizeof args, "%s --out k.gpkg --kde k.tif", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(args, sizeof args,
             "%s --out k4.gpkg --kde k4.tif "
             "--kde-bandwidth 400",
             run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    double counted =
        sql_num("k.gpkg", "SELECT sum(n_events) FROM hotspot_cells");
    double sum, x, y, radius = 0;
    CHECK(counted > 3000);
    CHECK(read_density("k.tif", &sum, &x, &y));
    /* The surface covers the study area's extent: a little of the kernels
     * of events near its edge falls outside. */
    CHECK(sum <= counted * 1.001 && sum >= counted * 0.98);
    CHECK(nearest_planted(x, y, &radius) < 1000); /* bandwidth 2.7 km */
    CHECK(read_density("k4.tif", &sum, &x, &y));
    CHECK(sum <= counted * 1.001 && sum >= counted * 0.99);
    CHECK(nearest_planted(x, y, &radius) < radius);
}

/* Four quadrants over the demo as polygon units (EPSG:27700). */
static void write_quadrants(void) {
    char path[256];
    snprintf(path, sizeof path, "%s/quads.geojson", tmpdir);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(
        "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", "
        "\"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::27700\"}}, "
        "\"features\": [",
        f);
    for (int q = 0; q < 4; q++) {
        double x0 = 445000 + (q % 2) * 20000, y0 = 505000 + (q / 2) * 15000;
        fprintf(f,
                "%s{\"type\": \"Feature\", \"properties\": {\"zone_code\": "
                "\"Q%d\", \"zone_name\": \"Quadrant %d\"}, \"geometry\": "
                "{\"type\": \"Polygon\", \"coordinates\": [[[%.0f, %.0f], "
                "[%.0f, %.0f], [%.0f, %.0f], [%.0f, %.0f], [%.0f, %.0f]]]}}",
                q ? ", " : "", q, q, x0, y0, x0 + 20000, y0, x0 + 20000,
                y0 + 15000, x0, y0 + 15000, x0, y0);
    }
    fputs("]}\n", f);
    fclose(f);
}

/* --areas: the trends table has each unit's series, which add up to the
 * unit's events in emerging_hotspots. */
TEST(trends_per_area) {
    write_quadrants();
    char args[512];
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --areas quads.geojson "
             "--clusters none --no-kde --permutations 0 --quiet --out q.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    GDALDatasetH ds = open_out("q.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "emerging_hotspots");
    CHECK(l && OGR_L_GetFeatureCount(l, 1) == 4);
    for (int q = 0; l && q < 4; q++) {
        char id[8], sql[160];
        snprintf(id, sizeof id, "Q%d", q);
        OGRFeatureH f = find(l, "cell_id", id);
        CHECK(f != NULL);
        if (!f) continue;
        double unit_events = num(f, "n_events");
        OGR_F_Destroy(f);
        snprintf(sql, sizeof sql,
                 "SELECT count(*), sum(n_events) FROM trends WHERE area = "
                 "'%s' AND category = 'all'",
                 id);
        OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
        OGRFeatureH g = r ? OGR_L_GetNextFeature(r) : NULL;
        CHECK(g != NULL);
        if (g) {
            CHECK_INT_EQ((long)OGR_F_GetFieldAsInteger64(g, 0), 24);
            CHECK_NEAR(OGR_F_GetFieldAsDouble(g, 1), unit_events, 1e-6);
            OGR_F_Destroy(g);
        }
        if (r) GDALDatasetReleaseResultSet(ds, r);
    }
    GDALClose(ds);
}

/* A number of the demo's ground truth: key, then (optional) subkey. */
static double truth_num(const char *key, const char *sub) {
    char path[256];
    snprintf(path, sizeof path, "%s/demo/truth.json", VEMT_FIXTURES);
    json_object *t = json_object_from_file(path), *o = NULL, *v = NULL;
    double d = NAN;
    if (t && json_object_object_get_ex(t, key, &o))
        d = sub ? (json_object_object_get_ex(o, sub, &v)
                       ? json_object_get_double(v)
                       : (double)NAN)
                : json_object_get_double(o);
    json_object_put(t);
    return d;
}

/* The found_hotspots unit holding (x, y). */
static OGRFeatureH found_unit(OGRLayerH l, double x, double y) {
    OGR_L_SetSpatialFilterRect(l, x - 0.5, y - 0.5, x + 0.5, y + 0.5);
    OGR_L_ResetReading(l);
    OGRFeatureH f = OGR_L_GetNextFeature(l);
    OGR_L_SetSpatialFilter(l, NULL);
    return f;
}

/* The demo's repeat-missing child (found 40 times in one place) makes an
 * event-level hot spot but not a child-level one; a place where many
 * children are found is hot at both; the planted near repeats show in the
 * shortest bands; co-location is measured. */
TEST(safeguarding_statistics) {
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --no-trends --clusters none "
                      "--no-kde --quiet --out sg.gpkg",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("sg.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "found_hotspots");
    CHECK(l != NULL);
    OGRFeatureH f =
        l ? found_unit(l, truth_num("repeat_child", "found_easting"),
                       truth_num("repeat_child", "found_northing"))
          : NULL;
    CHECK(f != NULL);
    if (f) {
        CHECK(num(f, "n_found") >= 30);
        CHECK_INT_EQ((long)num(f, "n_children"), 1);
        CHECK_INT_EQ((long)num(f, "gi_bin"), 3); /* events: a hot spot */
        CHECK(num(f, "child_p_sim") > 0.05);     /* children: none */
        CHECK_INT_EQ((long)num(f, "child_significant"), 0);
        OGR_F_Destroy(f);
    }
    /* The first planted found-at hot spot (the seafront). */
    char path[256];
    snprintf(path, sizeof path, "%s/demo/truth.json", VEMT_FIXTURES);
    json_object *t = json_object_from_file(path), *spots, *e, *n;
    if (t && json_object_object_get_ex(t, "found_hotspots", &spots) && l) {
        json_object *h = json_object_array_get_idx(spots, 0);
        json_object_object_get_ex(h, "easting", &e);
        json_object_object_get_ex(h, "northing", &n);
        f = found_unit(l, json_object_get_double(e), json_object_get_double(n));
        CHECK(f != NULL);
        if (f) {
            CHECK(num(f, "n_children") >= 5);
            CHECK_INT_EQ((long)num(f, "child_significant"), 1);
            OGR_F_Destroy(f);
        }
    }
    json_object_put(t);
    l = GDALDatasetGetLayerByName(ds, "near_repeat");
    CHECK(l && OGR_L_GetFeatureCount(l, 1) == 30); /* 6 x 5 bands */
    f = l ? find(l, "space_band", "[1, 200) m") : NULL;
    CHECK(f != NULL);
    if (f) {
        CHECK_STR_EQ(
            OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "time_band")),
            "[0, 7) days");
        CHECK(num(f, "knox_ratio") > 1);
        CHECK(num(f, "p") <= 0.05);
        CHECK(num(f, "observed") > num(f, "expected"));
        OGR_F_Destroy(f);
    }
    l = GDALDatasetGetLayerByName(ds, "colocation");
    CHECK(l && OGR_L_GetFeatureCount(l, 1) > 4000);
    /* Aggregated to units: the mean over each unit's found-at places. */
    CHECK_NEAR(ds_num(ds,
                      "SELECT count(*) FROM found_hotspots WHERE (n_found > "
                      "0) <> (mean_lclq IS NOT NULL)"),
               0, 0);
    GDALClose(ds);
}

/* The missing summary on six hand-made episodes: C1's third within 90
 * days makes it a repeat child; C2's three are months apart; one episode
 * is still open; one child is found outside the study area. */
TEST(missing_summary_rules) {
    char path[256], args[512];
    snprintf(path, sizeof path, "%s/eps.csv", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(
        "episode_id,child_id,missing_at,returned_at,from_easting,"
        "from_northing,found_easting,found_northing,looked_after\n"
        "E1,C1,2024-01-01T10:00:00Z,2024-01-01T12:00:00Z,460000,522000,"
        "460100,522100,yes\n"
        "E2,C1,2024-01-20T10:00:00Z,2024-01-20T20:00:00Z,460000,522000,"
        "460100,522100,yes\n"
        "E3,C1,2024-02-15T10:00:00Z,2024-02-16T10:00:00Z,460000,522000,"
        "440000,522100,yes\n"
        "E4,C2,2024-01-05T10:00:00Z,2024-01-05T14:00:00Z,465000,520000,"
        "465100,520100,no\n"
        "E5,C2,2024-04-10T10:00:00Z,2024-04-10T16:00:00Z,465000,520000,"
        ",,unknown\n"
        "E6,C2,2024-08-01T10:00:00Z,,465000,520000,,,no\n",
        f);
    fclose(f);
    snprintf(args, sizeof args,
             "run --missing eps.csv --boundary '%s/demo/boundary.geojson' "
             "--kind missing_from --cell-size 1000 --quiet --out ms.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    GDALDatasetH ds = open_out("ms.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "missing_summary");
    CHECK(l && OGR_L_GetFeatureCount(l, 1) == 1); /* no cube: one step */
    OGRFeatureH g = l ? OGR_L_GetNextFeature(l) : NULL;
    CHECK(g != NULL);
    if (g) {
        CHECK_INT_EQ((long)num(g, "episodes"), 6);
        CHECK_INT_EQ((long)num(g, "children"), 2);
        CHECK_INT_EQ((long)num(g, "repeat_children"), 1);
        /* Closed: 2, 10, 24, 4, 6 h: median 6. */
        CHECK_NEAR(num(g, "median_duration_h"), 6, 1e-9);
        /* Found at a known place: E1-E4, E3 outside the area. */
        CHECK_NEAR(num(g, "share_found_out_of_area"), 0.25, 1e-9);
        /* Known status: 5 of 6, 3 looked after. */
        CHECK_NEAR(num(g, "share_looked_after"), 0.6, 1e-9);
        OGR_F_Destroy(g);
    }
    GDALClose(ds);
}

/* n_events of the hotspot_cells unit holding (x, y) in a run's output. */
static double cell_events_at(const char *name, double x, double y) {
    GDALDatasetH ds = open_out(name);
    if (!ds) return NAN;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    OGRFeatureH f = l ? found_unit(l, x, y) : NULL;
    double v = f ? num(f, "n_events") : (double)NAN;
    if (f) OGR_F_Destroy(f);
    GDALClose(ds);
    return v;
}

/* The demo's children's homes as flagged places: their missing-from
 * events are listed and left out of the missing-from hot spots, or kept
 * with --include-flagged. */
TEST(flagged_places) {
    char path[256];
    snprintf(path, sizeof path, "%s/homes.geojson", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs(
        "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", "
        "\"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::27700\"}}, "
        "\"features\": [",
        f);
    static const double homes[][2] = {
        {460900, 523100}, {461200, 516300}, {455200, 517900}};
    for (int k = 0; k < 3; k++)
        fprintf(f,
                "%s{\"type\": \"Feature\", \"properties\": {\"name\": "
                "\"Home %d\"}, \"geometry\": {\"type\": \"Point\", "
                "\"coordinates\": [%.0f, %.0f]}}",
                k ? ", " : "", k + 1, homes[k][0], homes[k][1]);
    fputs("]}\n", f);
    fclose(f);
    static const char run[] =
        "run --demo --kind missing_from --no-trends --clusters none --no-kde "
        "--permutations 0 --quiet --flag-places homes.geojson";
    char args[512];
    snprintf(args, sizeof args, "%s --out fl.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(args, sizeof args, "%s --include-flagged --out fi.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    GDALDatasetH ds = open_out("fl.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "flagged_places");
    CHECK(l && OGR_L_GetFeatureCount(l, 1) == 3);
    double total = ds_num(ds, "SELECT sum(n_missing_from) FROM flagged_places");
    CHECK(ds_num(ds, "SELECT min(n_missing_from) FROM flagged_places") >= 1);
    CHECK(total >= 40); /* the repeat child alone goes missing 40 times */
    CHECK_NEAR(
        ds_num(ds, "SELECT count(*) FROM events WHERE at_flagged_place = 1"),
        total, 0);
    GDALClose(ds);
    for (int k = 0; k < 3; k++) {
        double out = cell_events_at("fl.gpkg", homes[k][0], homes[k][1]);
        double in = cell_events_at("fi.gpkg", homes[k][0], homes[k][1]);
        CHECK(isfinite(out) && isfinite(in) && in > out);
    }
}

/* The trend options end to end: ISO weeks start on Mondays; too few steps
 * are refused with a reason and no trend layer; the three global windows
 * give different cubes; --count subjects stops the repeat child's found-at
 * place being a hot spot in most steps. */
TEST(trend_options) {
    static const char run[] =
        "run --demo --cell-size 300 --clusters none "
        "--no-kde --permutations 0 --quiet";
    char args[512];
    snprintf(args, sizeof args, "%s --time-step week --out wk.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    /* Monday's local midnight in Europe/London: 00:00 GMT or 23:00 BST. */
    CHECK_NEAR(sql_num("wk.gpkg",
                       "SELECT count(*) FROM hotspot_cube WHERE "
                       "strftime('%w', step_first_day) <> '1' OR "
                       "strftime('%H:%M:%S', step_start_utc) NOT IN "
                       "('00:00:00', '23:00:00')"),
               0, 0);
    CHECK(sql_num("wk.gpkg",
                  "SELECT count(DISTINCT step_start_utc) FROM hotspot_cube") >
          100);
    snprintf(args, sizeof args,
             "run --demo --clusters none --no-kde --permutations 0 "
             "--time-start 2024-01 --time-end 2024-05 --out few.gpkg");
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    size_t n;
    char *text = test_slurp(path, &n);
    CHECK(text && strstr(text, "trends: not analysed") &&
          strstr(text, "10 steps"));
    free(text);
    GDALDatasetH ds = open_out("few.gpkg");
    CHECK(ds && !GDALDatasetGetLayerByName(ds, "emerging_hotspots"));
    if (ds) GDALClose(ds);
    double hot[3];
    static const char windows[][16] = {"cube", "neighbourhood", "individual"};
    for (int w = 0; w < 3; w++) {
        snprintf(args, sizeof args, "%s --global-window %s --out gw%d.gpkg",
                 run, windows[w], w);
        CHECK_INT_EQ(vemt(args, NULL, 0), 0);
        char name[16];
        snprintf(name, sizeof name, "gw%d.gpkg", w);
        hot[w] =
            sql_num(name, "SELECT count(*) FROM hotspot_cube WHERE gi_bin = 3");
        CHECK(hot[w] > 0);
    }
    CHECK(hot[0] != hot[1] && hot[1] != hot[2] && hot[0] != hot[2]);
    const char *where =
        "SELECT share_hot FROM emerging_hotspots WHERE "
        "cell_id = '465300_518100'";
    snprintf(args, sizeof args, "%s --kind found_at --out ce.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    snprintf(args, sizeof args,
             "%s --kind found_at --count subjects --out cs.gpkg", run);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    double by_events = sql_num("ce.gpkg", where),
           by_subjects = sql_num("cs.gpkg", where);
    CHECK(by_events >= 0.8 && by_subjects < by_events);
}

/* Every planted persistent hot spot of the demo lies in a unit with
 * gi_bin = 3 (FDR on), on squares and on hexagons. */
TEST(planted_spots_at_99_on_both_grids) {
    static const char *const grids[] = {"square", "hex"};
    char path[256];
    snprintf(path, sizeof path, "%s/demo/truth.json", VEMT_FIXTURES);
    json_object *t = json_object_from_file(path), *spots = NULL;
    CHECK(t && json_object_object_get_ex(t, "hotspots", &spots));
    for (int g = 0; spots && g < 2; g++) {
        char args[512], name[32];
        snprintf(name, sizeof name, "pl_%s.gpkg", grids[g]);
        snprintf(args, sizeof args,
                 "run --demo --grid %s --no-trends --clusters none --no-kde "
                 "--permutations 0 --quiet --out %s",
                 grids[g], name);
        CHECK_INT_EQ(vemt(args, NULL, 0), 0);
        GDALDatasetH ds = open_out(name);
        OGRLayerH l =
            ds ? GDALDatasetGetLayerByName(ds, "hotspot_cells") : NULL;
        CHECK(l != NULL);
        int persistent = 0;
        for (size_t i = 0; l && i < json_object_array_length(spots); i++) {
            json_object *h = json_object_array_get_idx(spots, i), *b, *e, *n;
            json_object_object_get_ex(h, "behaviour", &b);
            if (strcmp(json_object_get_string(b), "persistent")) continue;
            persistent++;
            json_object_object_get_ex(h, "easting", &e);
            json_object_object_get_ex(h, "northing", &n);
            OGRFeatureH f = found_unit(l, json_object_get_double(e),
                                       json_object_get_double(n));
            CHECK(f != NULL);
            if (f) CHECK_INT_EQ((long)num(f, "gi_bin"), 3);
            if (f) OGR_F_Destroy(f);
        }
        CHECK(persistent >= 2);
        if (ds) GDALClose(ds);
    }
    json_object_put(t);
}

TEST_SUITE(units_cli) {
    GDALAllRegister();
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-units-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    write_points();
    write_city();
    RUN(wards_match_spdep);
    RUN(grids_match_spdep);
    RUN(permutations_reproducible_across_threads);
    RUN(child_test_same_under_any_key);
    RUN(scale_profile_gives_the_auto_band);
    RUN(bad_area_options);
    RUN(clusters_agree_with_events);
    RUN(density_on_planted_spots);
    RUN(trends_per_area);
    RUN(safeguarding_statistics);
    RUN(missing_summary_rules);
    RUN(flagged_places);
    RUN(trend_options);
    RUN(planted_spots_at_99_on_both_grids);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    GDALDestroy();
    proj_cleanup();
}
