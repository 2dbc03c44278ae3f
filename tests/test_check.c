/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_check.c
 * @brief `vemt check-disclosure` audits, never trusts (issue 16, findings
 * 4 and 6): a real public output of `vemt run --demo --tier public`,
 * copied and edited the way a determined reader or a careless analyst
 * would, must fail with the problem's own line; the linked-table audit
 * finds a withheld count its totals give away; the output is one line per
 * class of problem.
 */
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];
static bool have_demo;

/* Run `vemt check-disclosure ARGS` in tmpdir; its stdout into *out (caller
 * frees). Returns the exit status. */
static int check(const char *args, char **out) {
    char cmd[1024], path[256];
    snprintf(cmd, sizeof cmd, "check-disclosure %s", args);
    int rc = test_vemt(tmpdir, cmd, NULL, 0);
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    size_t n;
    *out = test_slurp(path, &n);
    return rc;
}

/* The count of the problem class line of out holding text ("PATH: N
 * text ..."), 0 when there is none; the line's start into *line. */
static long class_count(const char *out, const char *text, const char **line) {
    for (const char *l = out; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        const char *colon = memchr(l, ':', n);
        if (test_contains(l, n, text) && colon) {
            *line = l;
            return strtol(colon + 1, NULL, 10);
        }
        l = end ? end + 1 : NULL;
    }
    *line = NULL;
    return 0;
}

/* The check of the unedited public GeoPackage (the writer is being brought
 * to pass it: what it fails now is the baseline the edits add to). */
static char *baseline;

/* The unedited file's count of class what. */
static long base(const char *what) {
    const char *line;
    return class_count(baseline, what, &line);
}

/* True when the check of args exits 1 and prints the line of class what
 * with want problems and every one of the (NULL-terminated) texts. */
static bool flags(test_state *t_, const char *args, const char *what, long want,
                  const char *const *texts) {
    char *out = NULL;
    int rc = check(args, &out);
    const char *line = NULL;
    long n = class_count(out, what, &line);
    bool hit = rc == 1 && line && n == want;
    const char *end = line ? strchr(line, '\n') : NULL;
    size_t len = line ? (end ? (size_t)(end - line) : strlen(line)) : 0;
    for (const char *const *t = texts; hit && *t; t++)
        hit = test_contains(line, len, *t);
    if (!hit)
        fprintf(stderr, "check-disclosure %s (exit %d, want %ld %s):\n%s", args,
                rc, want, what, out ? out : "(no output)\n");
    CHECK(hit);
    free(out);
    return hit;
}

#define FLAGS(args, what, want, ...) \
    flags(t_, args, what, want, (const char *const[]){__VA_ARGS__, NULL})

/* name: a copy of the demo's public GeoPackage. */
static void copy_public(const char *name) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s/pub.gpkg' '%s/%s'", tmpdir, tmpdir, name);
    if (system(cmd)) fputs("copy failed\n", stderr);
}

/* Run SQL statements (NULL-terminated) on tmpdir/name. */
static void sql(const char *name, const char *const *stmts) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    for (; ds && *stmts; stmts++) {
        OGRLayerH r = GDALDatasetExecuteSQL(ds, *stmts, NULL, NULL);
        if (r) GDALDatasetReleaseResultSet(ds, r);
    }
    if (ds) GDALClose(ds);
}

#define SQL(name, ...) sql(name, (const char *const[]){__VA_ARGS__, NULL})

/* Replace the geometry of the first n features of layer in tmpdir/name (n
 * < 0: all) by make(centre, out), returning how many were changed. */
typedef OGRGeometryH (*make_fn)(double x, double y);

static int regeometry(const char *name, const char *layer, int n,
                      make_fn make) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, layer) : NULL;
    int done = 0;
    OGRFeatureH f;
    GDALDatasetStartTransaction(ds, 0);
    while (l && (n < 0 || done < n) && (f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGREnvelope e;
        OGR_G_GetEnvelope(g, &e);
        OGR_F_SetGeometryDirectly(
            f, make((e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2));
        if (OGR_L_SetFeature(l, f) == OGRERR_NONE) done++;
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    if (ds) GDALClose(ds);
    return done;
}

static OGRGeometryH from_wkt(const char *wkt) {
    OGRGeometryH g = NULL;
    char *w = (char *)wkt;
    OGR_G_CreateFromWkt(&w, NULL, &g);
    return g;
}

static OGRGeometryH metre_square(double x, double y) {
    char wkt[256];
    snprintf(wkt, sizeof wkt, "POLYGON ((%f %f,%f %f,%f %f,%f %f,%f %f))", x, y,
             x + 1, y, x + 1, y + 1, x, y + 1, x, y);
    return from_wkt(wkt);
}

static OGRGeometryH point(double x, double y) {
    char wkt[128];
    snprintf(wkt, sizeof wkt, "POINT (%f %f)", x, y);
    return from_wkt(wkt);
}

/* A hexagon 250 m across its flats: circumradius 125 / cos 30 deg, area
 * (sqrt 3 / 2) * 250^2 = 54,126.6 m2 (computed by hand; finding 4's
 * 54,127). */
static OGRGeometryH hexagon(double x, double y) {
    const double pi = 3.14159265358979323846, r = 125 / cos(pi / 6);
    char wkt[512];
    int k = snprintf(wkt, sizeof wkt, "POLYGON ((");
    for (int i = 0; i <= 6; i++)
        k += snprintf(wkt + k, sizeof wkt - (size_t)k, "%s%.6f %.6f",
                      i ? "," : "", x + r * cos(pi / 3 * (i % 6)),
                      y + r * sin(pi / 3 * (i % 6)));
    snprintf(wkt + k, sizeof wkt - (size_t)k, "))");
    return from_wkt(wkt);
}

TEST(added_table) {
    if (!have_demo) return;
    copy_public("added.gpkg");
    /* Not in gpkg_contents: found through sqlite_master. */
    SQL("added.gpkg",
        "CREATE TABLE leak (fid INTEGER PRIMARY KEY, n_events INTEGER, "
        "subject_key TEXT, easting REAL, northing REAL)",
        "INSERT INTO leak VALUES (1, 3, '0123456789abcdef0123', 460123.4, "
        "520456.7)");
    FLAGS("added.gpkg", "tables not on the public tier's allow-list",
          base("tables not on the public tier's allow-list") + 1,
          "leak (n_events, subject_key, easting, northing)");
}

TEST(metre_polygons) {
    if (!have_demo) return;
    copy_public("metre.gpkg");
    CHECK_INT_EQ(regeometry("metre.gpkg", "hotspot_cells", 5, metre_square), 5);
    FLAGS("metre.gpkg", "units smaller than 62500 m2",
          base("units smaller than 62500 m2") + 5,
          "hotspot_cells fid 1 (cell_id ", ": 1 m2");
}

TEST(geometry_layer_holding_a_point) {
    if (!have_demo) return;
    copy_public("point.gpkg");
    SQL("point.gpkg",
        "UPDATE gpkg_geometry_columns SET geometry_type_name = 'GEOMETRY' "
        "WHERE table_name = 'hotspot_cells'");
    CHECK_INT_EQ(regeometry("point.gpkg", "hotspot_cells", 1, point), 1);
    FLAGS("point.gpkg", "geometries that are not polygons",
          base("geometries that are not polygons") + 1, "hotspot_cells fid 1",
          "Point");
}

TEST(schema_declaring_no_counts) {
    if (!have_demo) return;
    copy_public("schema.gpkg");
    SQL("schema.gpkg",
        "UPDATE gpkg_metadata SET metadata = '{\"tier\":\"public\","
        "\"layers\":{}}' WHERE md_standard_uri = "
        "'urn:vemt:disclosure-schema:1'",
        "UPDATE hotspot_cells SET n_events = 3 WHERE fid = 2");
    FLAGS("schema.gpkg", "counts neither 0 nor at least 10 and a multiple of 5",
          base("counts neither 0 nor at least 10 and a multiple of 5") + 1,
          "hotspot_cells fid 2", "n_events = 3");
}

TEST(renamed_count_column) {
    if (!have_demo) return;
    copy_public("renamed.gpkg");
    SQL("renamed.gpkg",
        "ALTER TABLE hotspot_cells RENAME COLUMN n_events TO events");
    FLAGS("renamed.gpkg", "columns not on the public tier's allow-list",
          base("columns not on the public tier's allow-list") + 1,
          "hotspot_cells.events");
}

TEST(identifiers_added_to_cells) {
    if (!have_demo) return;
    copy_public("ids.gpkg");
    SQL("ids.gpkg", "ALTER TABLE hotspot_cells ADD COLUMN subject_key TEXT",
        "ALTER TABLE hotspot_cells ADD COLUMN n_children INTEGER",
        "UPDATE hotspot_cells SET subject_key = '0123456789abcdef0123', "
        "n_children = 1 WHERE fid = 1");
    FLAGS("ids.gpkg", "columns not on the public tier's allow-list",
          base("columns not on the public tier's allow-list") + 2,
          "hotspot_cells.subject_key; hotspot_cells.n_children");
}

TEST(identifier_after_the_64th_field) {
    if (!have_demo) return;
    copy_public("wide.gpkg");
    /* hotspot_cells has 10 columns: 60 more, then an identifier at 71. */
    char stmt[60][96];
    const char *stmts[62];
    for (int i = 0; i < 60; i++) {
        snprintf(stmt[i], sizeof stmt[i],
                 "ALTER TABLE hotspot_cells ADD COLUMN pad_%02d REAL", i);
        stmts[i] = stmt[i];
    }
    stmts[60] = "ALTER TABLE hotspot_cells ADD COLUMN event_id TEXT";
    stmts[61] = NULL;
    sql("wide.gpkg", stmts);
    /* Every one of the 61 is seen; the count proves the last is. */
    FLAGS("wide.gpkg", "columns not on the public tier's allow-list",
          base("columns not on the public tier's allow-list") + 61,
          "hotspot_cells.pad_00");
}

/* Replace the provenance with a small one: allowed keys, then the cell
 * size's rule with its counts and distances, and the inputs' row
 * accounting (finding 1). */
TEST(provenance_with_counts) {
    if (!have_demo) return;
    copy_public("prov.gpkg");
    SQL("prov.gpkg",
        "UPDATE gpkg_metadata SET metadata = '{\"program\":\"vemt\","
        "\"tier\":\"public\",\"parameters\":{\"cell_size_m\":{\"value\":250,"
        "\"how\":\"given\"},\"cell_size_rule\":{\"value\":\"4 distinct event "
        "locations (5019.4 m)\"}},\"inputs\":[{\"kind\":\"incident\","
        "\"rows_used\":4},{\"kind\":\"incident\",\"rows_used\":9}]}' "
        "WHERE md_standard_uri = 'urn:vemt:provenance:1'");
    FLAGS("prov.gpkg", "provenance keys not on the public tier's list", 2,
          "parameters.cell_size_rule.value (gpkg_metadata id 1)",
          "inputs.rows_used (gpkg_metadata id 1)");
}

TEST(stale_events_geojson) {
    if (!have_demo) return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp -r '%s/json' '%s/stale'", tmpdir, tmpdir);
    CHECK(system(cmd) == 0);
    snprintf(cmd, sizeof cmd, "%s/stale", tmpdir);
    test_write_file(cmd, "events.geojson",
                    "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                    "\"Feature\",\"properties\":{\"event_id\":\"E1\"},"
                    "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-1.1,"
                    "54.6]}}]}\n");
    FLAGS("stale",
          "files in the folder that are not the GeoJSON of a layer "
          "the public tier may publish",
          1, "(first: events.geojson)");
}

TEST(hexagons_one_line) {
    if (!have_demo) return;
    copy_public("hex.gpkg");
    int n = regeometry("hex.gpkg", "hotspot_cells", -1, hexagon);
    CHECK(n > 1000);
    FLAGS("hex.gpkg", "units smaller than 62500 m2", n, ": 54127 m2");
    /* One line per class and a summary: never a line per unit. */
    char *out = NULL;
    CHECK_INT_EQ(check("hex.gpkg", &out), 1);
    size_t lines = 0;
    for (const char *p = out; p && *p; p++) lines += *p == '\n';
    CHECK(lines >= 2 && lines < 12);
    CHECK(out && strstr(out, "check-disclosure: ") &&
          strstr(out, "in 1 of 1 path for the public tier"));
    free(out);
}

TEST(project_and_report) {
    if (!have_demo) return;
    char dir[128];
    snprintf(dir, sizeof dir, "%s", tmpdir);
    /* A project naming a restricted layer, and one that is not XML. */
    test_write_file(dir, "p.qgs",
                    "<qgis><projectlayers><maplayer><datasource>./r.gpkg|"
                    "layername=events</datasource></maplayer><maplayer>"
                    "<datasource>./p.gpkg|layername=hotspot_cells"
                    "</datasource></maplayer></projectlayers></qgis>\n");
    FLAGS("p.qgs", "project layers the public tier may not publish", 1,
          "events (./r.gpkg|layername=events)");
    /* A .qgz is the same project zipped (GDAL writes the zip). */
    char zip[256], qgs[256];
    snprintf(zip, sizeof zip, "/vsizip/{%s/p.qgz}/p.qgs", tmpdir);
    snprintf(qgs, sizeof qgs, "%s/p.qgs", tmpdir);
    size_t n;
    char *text = test_slurp(qgs, &n);
    VSILFILE *z = text ? VSIFOpenL(zip, "wb") : NULL;
    CHECK(z && VSIFWriteL(text, 1, n, z) == n);
    if (z) VSIFCloseL(z);
    free(text);
    FLAGS("p.qgz", "project layers the public tier may not publish", 1,
          "events (./r.gpkg|layername=events)");
    test_write_file(dir, "bad.qgs", "<qgis><title>a\001b</title></qgis>\n");
    FLAGS("bad.qgs", "projects that are not well-formed XML", 1,
          "a control character");
    test_write_file(dir, "r.md",
                    "# Summary\n\n- cell 465900_520800: hot spot\n- the "
                    "busiest home is at 460123, 520456\n- child "
                    "0123456789abcdef0123 went missing 14 times\n");
    FLAGS("r.md", "coordinates in the report", 1, "line 4: '460123, 520456'");
    FLAGS("r.md", "pseudonyms in the report", 1, "line 5");
    /* A cell id is a published cell, not a coordinate pair. */
    test_write_file(dir, "ok.md", "- cell 465900_520800: hot spot\n");
    char *out = NULL;
    CHECK_INT_EQ(check("ok.md", &out), 0);
    free(out);
}

TEST(only_the_tier) {
    char *out = NULL;
    /* Tier values are floors: no option loosens the checker's rules. */
    CHECK_INT_EQ(check("x.gpkg --suppress-below 1", &out), 2);
    free(out);
    CHECK_INT_EQ(check("x.gpkg --tier restricted", &out), 2);
    free(out);
    CHECK_INT_EQ(check("--tier public", &out), 2);
    free(out);
    CHECK_INT_EQ(check("no-such.gpkg", &out), 1);
    free(out);
}

/* hotspot_cube of two cells A, B over two months, with A's total in
 * hotspot_cells and the months' totals in trends. A's February is withheld;
 * A's total (23) less its January (20) gives it: 3. */
static void linked_file(const char *path, bool total_published) {
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    const char *tables[] = {"hotspot_cube", "hotspot_cells", "trends"};
    const char *fields[3][4] = {{"cell_id", "step", "n_events", NULL},
                                {"cell_id", "n_events", NULL, NULL},
                                {"area", "category", "step", "n_events"}};
    const char *rows[3][4][4] = {
        {{"A", "2024-01", "20"},
         {"A", "2024-02", NULL},
         {"B", "2024-01", "30"},
         {"B", "2024-02", "40"}},
        {{"A", total_published ? "23" : NULL}, {"B", "70"}},
        {{"study area", "all", "2024-01", "50"},
         {"study area", "all", "2024-02", NULL}}};
    const int n_rows[3] = {4, 2, 2};
    for (int t = 0; t < 3; t++) {
        OGRLayerH l =
            GDALDatasetCreateLayer(ds, tables[t], NULL, wkbNone, NULL);
        int nf = 0;
        for (; nf < 4 && fields[t][nf]; nf++) {
            OGRFieldDefnH fd = OGR_Fld_Create(
                fields[t][nf],
                strcmp(fields[t][nf], "n_events") ? OFTString : OFTReal);
            OGR_L_CreateField(l, fd, 1);
            OGR_Fld_Destroy(fd);
        }
        for (int r = 0; r < n_rows[t]; r++) {
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
            for (int k = 0; k < nf; k++) {
                if (rows[t][r][k])
                    OGR_F_SetFieldString(f, k, rows[t][r][k]);
                else
                    OGR_F_SetFieldNull(f, k);
            }
            if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
                fputs("feature\n", stderr);
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
}

TEST(linked_audit) {
    /* The C API, with the partner tier's rules but exact counts (finding 2
     * was --round-to 1 at the partner tier). */
    vemt_tier_rules rules = *vemt_tier_rules_get(VEMT_TIER_PARTNER);
    rules.round_to = 1;
    vemt_ctx *ctx = NULL;
    CHECK_INT_EQ(vemt_ctx_create(1, &ctx), VEMT_OK);
    char path[256], out[4096] = "";
    for (int published = 1; published >= 0; published--) {
        snprintf(path, sizeof path, "%s/linked%d.gpkg", tmpdir, published);
        linked_file(path, published);
        FILE *report = tmpfile();
        size_t problems = 0;
        CHECK_INT_EQ(
            vemt_outputs_check_disclosure(ctx, path, &rules, report, &problems),
            VEMT_OK);
        rewind(report);
        size_t n = fread(out, 1, sizeof out - 1, report);
        out[n] = '\0';
        fclose(report);
        if (published) {
            CHECK_INT_EQ(problems, 1);
            CHECK(strstr(out,
                         "1 withheld counts recoverable from the published "
                         "totals to a range narrower than 5 (first: "
                         "hotspot_cube cell A step 2024-02: n_events in [3, "
                         "3])") != NULL);
        } else {
            CHECK_INT_EQ(problems, 0);
        }
        if (problems != (size_t)published) fputs(out, stderr);
    }
    vemt_ctx_destroy(ctx);
}

/* The unedited public output: whatever it fails is printed (the writer is
 * being brought to pass at the same time), and it holds no unit, count,
 * step or audit problem, which this checker's edits above add. */
TEST(unedited_public_output) {
    if (!have_demo) return;
    char *out = NULL;
    int rc = check("pub.gpkg json", &out);
    if (rc) fprintf(stderr, "unedited public output (exit %d):\n%s", rc, out);
    CHECK(out && !strstr(out, "units smaller") &&
          !strstr(out, "counts neither") && !strstr(out, "time steps finer") &&
          !strstr(out, "recoverable") && !strstr(out, "tables not on"));
    free(out);
}

TEST_SUITE(check) {
    strcpy(tmpdir, "/tmp/vemt-test-check-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    char dir[128];
    snprintf(dir, sizeof dir, "%s/json", tmpdir);
    mkdir(dir, 0700);
    have_demo = test_vemt(tmpdir,
                          "run --demo --tier public --cell-size 300 --out "
                          "pub.gpkg --geojson-dir json --quiet",
                          NULL, 0) == 0;
    CHECK(have_demo);
    /* The cube emptied (the edits below are elsewhere, and the checks are
     * quicker); the whole cube is audited in the GeoJSON folder. */
    SQL("pub.gpkg", "DELETE FROM hotspot_cube");
    check("pub.gpkg", &baseline);
    RUN(added_table);
    RUN(metre_polygons);
    RUN(geometry_layer_holding_a_point);
    RUN(schema_declaring_no_counts);
    RUN(renamed_count_column);
    RUN(identifiers_added_to_cells);
    RUN(identifier_after_the_64th_field);
    RUN(provenance_with_counts);
    RUN(stale_events_geojson);
    RUN(hexagons_one_line);
    RUN(project_and_report);
    RUN(only_the_tier);
    RUN(linked_audit);
    RUN(unedited_public_output);
    free(baseline);
    GDALDestroy();
    proj_cleanup();
    test_remove_dir(tmpdir);
}
