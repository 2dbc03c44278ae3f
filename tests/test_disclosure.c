/** @file test_disclosure.c
 * @brief Output tiers: the demo in each tier, suppression that totals can't
 * undo, check-disclosure on hand-made files, file permissions.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt", tmpdir,
             VEMT_BIN, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Every layer's features as text: fields and WKT at 1 m. */
static char *dump(GDALDatasetH ds, size_t *len) {
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    for (int i = 0; out && i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            char line[8192];
            int k = 0;
            for (int j = 0; j < OGR_F_GetFieldCount(f) && k < 7000; j++)
                k += snprintf(line + k, sizeof line - (size_t)k, "%s|",
                              OGR_F_GetFieldAsString(f, j));
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            for (int p = 0; g && p < OGR_G_GetPointCount(g) && k < 8000; p++)
                k += snprintf(line + k, sizeof line - (size_t)k, "%.0f %.0f,",
                              OGR_G_GetX(g, p), OGR_G_GetY(g, p));
            while (n + (size_t)k + 2 > cap) out = realloc(out, cap *= 2);
            memcpy(out + n, line, (size_t)k);
            n += (size_t)k;
            out[n++] = '\n';
            OGR_F_Destroy(f);
        }
    }
    *len = n;
    return out;
}

/* Events' coordinates to the metre and raw and pseudonymous ids of the
 * demo: none may appear in a partner or public file. */
static int leaks(const char *gpkg_text, size_t n, const char *bytes,
                 size_t nb) {
    char path[512], key[24];
    int found = 0;
    vemt_ctx *ctx;
    vemt_pseudo *ps;
    vemt_key_origin o;
    vemt_ctx_create(1, &ctx);
    vemt_pseudo_create(ctx, NULL, getenv("VEMT_PSEUDONYM_KEY"), &ps, &o);
    const char *files[] = {"incidents.csv", "missing.csv"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/demo/%s", VEMT_FIXTURES, files[k]);
        size_t m;
        char *csv = test_slurp(path, &m), *save = NULL;
        char *line = csv ? strtok_r(csv, "\n", &save) : NULL;
        while (line && (line = strtok_r(NULL, "\n", &save))) {
            char f[12][64] = {{0}};
            int c = 0;
            for (char *p = line; c < 12; c++) {
                size_t w = strcspn(p, ",");
                snprintf(f[c], sizeof f[c], "%.*s", (int)w, p);
                if (!p[w]) break;
                p += w + 1;
            }
            const char *id = k ? f[1] : f[5];
            double x = atof(k ? f[4] : f[2]), y = atof(k ? f[5] : f[3]);
            char xy[64];
            snprintf(xy, sizeof xy, "%.0f %.0f,", x, y);
            if (x > 0 && test_contains(gpkg_text, n, xy)) found++;
            vemt_pseudo_key(ps, id, key, sizeof key);
            if (*id &&
                (test_contains(bytes, nb, id) || test_contains(bytes, nb, key)))
                found++;
        }
        free(csv);
    }
    vemt_pseudo_destroy(ps);
    vemt_ctx_destroy(ctx);
    return found;
}

static void check_tier(test_state *t_, const char *tier, double threshold) {
    char args[256], path[256];
    snprintf(args, sizeof args, "run --demo --tier %s --out %s.gpkg --quiet",
             tier, tier);
    CHECK_INT_EQ(vemt(args), 0);
    snprintf(path, sizeof path, "%s/%s.gpkg", tmpdir, tier);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) return;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        OGRwkbGeometryType g = wkbFlatten(OGR_L_GetGeomType(l));
        CHECK(g != wkbPoint && g != wkbLineString && g != wkbMultiPoint);
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        for (int j = 0; j < OGR_FD_GetFieldCount(d); j++) {
            const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, j));
            CHECK(strcmp(name, "gi_z") && strcmp(name, "gi_p") &&
                  strcmp(name, "subject_key") && strcmp(name, "mk_z"));
            if (strncmp(name, "n_", 2)) continue;
            OGRFeatureH f;
            OGR_L_ResetReading(l);
            while ((f = OGR_L_GetNextFeature(l)) != NULL) {
                double v = OGR_F_GetFieldAsDouble(f, j);
                if (OGR_F_IsFieldSetAndNotNull(f, j))
                    CHECK(round(v) == 0 || round(v) >= threshold);
                OGR_F_Destroy(f);
            }
        }
    }
    size_t n, nb;
    char *text = dump(ds, &n), *bytes = test_slurp(path, &nb);
    CHECK_INT_EQ(leaks(text, n, bytes, nb), 0);
    free(text);
    free(bytes);
    GDALClose(ds);
    /* vemt's own output passes its checker. */
    snprintf(args, sizeof args, "check-disclosure %s.gpkg --tier %s", tier,
             tier);
    CHECK_INT_EQ(vemt(args), 0);
}

TEST(partner_tier) { check_tier(t_, "partner", 5); }
TEST(public_tier) { check_tier(t_, "public", 10); }

TEST(secondary_suppression_holds) {
    /* Random tables: no withheld value may be recoverable from its row or
     * column total, i.e. no line holds exactly one withheld value. */
    unsigned seed = 7;
    for (int trial = 0; trial < 200; trial++) {
        double x[12 * 8], orig[12 * 8];
        for (int i = 0; i < 96; i++) {
            seed = seed * 1103515245u + 12345u;
            orig[i] = x[i] = (double)((seed >> 16) % 14);
        }
        vemt_suppress_table(x, orig, 12, 8, 5);
        for (int r = 0; r < 12; r++) {
            int hidden = 0;
            for (int c = 0; c < 8; c++) hidden += isnan(x[r * 8 + c]);
            CHECK(hidden != 1);
        }
        for (int c = 0; c < 8; c++) {
            int hidden = 0;
            for (int r = 0; r < 12; r++) hidden += isnan(x[r * 8 + c]);
            CHECK(hidden != 1);
        }
        for (int i = 0; i < 96; i++)
            CHECK(isnan(x[i]) || x[i] == 0 || x[i] >= 5);
    }
}

/* A GeoPackage that breaks one rule, made by hand. */
static void hand_made(const char *name, OGRwkbGeometryType geom,
                      const char *field, double value, double cell_m,
                      int step_days) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    OGRSpatialReferenceH bng = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(bng, 27700);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "hotspot_cube", bng, geom, NULL);
    OSRRelease(bng);
    const char *names[] = {"cell_id", "n_events", field, "step_start_utc",
                           "step_end_utc"};
    OGRFieldType types[] = {OFTString, OFTReal, OFTReal, OFTDateTime,
                            OFTDateTime};
    for (int i = 0; i < 5; i++) {
        if (i == 2 && !field) continue;
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "A");
    OGR_F_SetFieldDouble(f, 1, value);
    OGR_F_SetFieldDateTimeEx(f, OGR_F_GetFieldIndex(f, "step_start_utc"), 2024,
                             1, 1, 0, 0, 0, 100);
    OGR_F_SetFieldDateTimeEx(f, OGR_F_GetFieldIndex(f, "step_end_utc"), 2024, 1,
                             step_days, 0, 0, 0, 100);
    OGRGeometryH g;
    char wkt[256];
    if (geom == wkbPoint)
        snprintf(wkt, sizeof wkt, "POINT (460000 520000)");
    else
        snprintf(wkt, sizeof wkt,
                 "POLYGON ((460000 520000,%.0f 520000,%.0f %.0f,460000 "
                 "%.0f,460000 520000))",
                 460000 + cell_m, 460000 + cell_m, 520000 + cell_m,
                 520000 + cell_m);
    char *w = wkt;
    OGR_G_CreateFromWkt(&w, NULL, &g);
    OGR_F_SetGeometryDirectly(f, g);
    if (OGR_L_CreateFeature(l, f) != OGRERR_NONE) fputs("feature\n", stderr);
    OGR_F_Destroy(f);
    GDALClose(ds);
}

static bool flags(const char *file, const char *reason) {
    char args[256], path[256];
    snprintf(args, sizeof args, "check-disclosure %s --tier public", file);
    int rc = vemt(args);
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    size_t n;
    char *out = test_slurp(path, &n);
    bool hit = rc == 1 && out && strstr(out, reason);
    free(out);
    return hit;
}

TEST(check_disclosure_flags_each_rule) {
    hand_made("points.gpkg", wkbPoint, NULL, 20, 300, 31);
    CHECK(flags("points.gpkg", "point or line layer"));
    hand_made("small.gpkg", wkbPolygon, NULL, 3, 300, 31);
    CHECK(flags("small.gpkg", "count 'n_events' = 3 is under the threshold"));
    hand_made("stat.gpkg", wkbPolygon, "gi_z", 20, 300, 31);
    CHECK(flags("stat.gpkg", "field 'gi_z' can be solved back to counts"));
    hand_made("id.gpkg", wkbPolygon, "subject_key", 20, 300, 31);
    CHECK(flags("id.gpkg", "field 'subject_key' identifies"));
    hand_made("cell.gpkg", wkbPolygon, NULL, 20, 100, 31);
    CHECK(flags("cell.gpkg", "smaller than a 250 m cell"));
    hand_made("week.gpkg", wkbPolygon, NULL, 20, 300, 7);
    CHECK(flags("week.gpkg", "finer than a month"));
    hand_made("fine.gpkg", wkbPolygon, NULL, 20, 300, 31);
    CHECK(!flags("fine.gpkg", "layer"));
    char path[256];
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    size_t n;
    char *out = test_slurp(path, &n);
    CHECK(out && strstr(out, "no vemt disclosure schema in the file"));
    free(out);
}

TEST(restricted_files_private) {
    struct stat st;
    char path[256], args[512];
    CHECK_INT_EQ(vemt("run --demo --out r.gpkg --quiet"), 0);
    snprintf(path, sizeof path, "%s/r.gpkg", tmpdir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    /* A folder others can read is refused for restricted data. */
    snprintf(path, sizeof path, "%s/open", tmpdir);
    mkdir(path, 0755);
    chmod(path, 0755);
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --out open/r.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 1);
    snprintf(path, sizeof path, "%s/open/r.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --out open/r.gpkg "
             "--allow-world-readable --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    /* The public tier refuses cells under 250 m. */
    CHECK_INT_EQ(vemt("run --demo --tier public --cell-size 100 --out p.gpkg"),
                 1);
}

TEST_SUITE(disclosure) {
    strcpy(tmpdir, "/tmp/vemt-test-disclosure-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(partner_tier);
    RUN(public_tier);
    RUN(secondary_suppression_holds);
    RUN(check_disclosure_flags_each_rule);
    RUN(restricted_files_private);
    GDALDestroy();
    proj_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
