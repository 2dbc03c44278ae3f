/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_board_pack.c
 * @brief End to end: the board pack (issue 18) on the demo and on a real
 * police.uk file. Every file is written; the PNGs are A4 landscape at 300
 * dpi; a planted hot spot's pixel, found through the map's world file, has
 * the hot colour; the PDF's pages and text (pdftotext) hold the summary,
 * the marking and the glossary; the units table's ranked rows match the
 * GeoPackage; the --report begins with the PDF's summary; at the public
 * tier the pack holds no restricted map, no street text and no count under
 * the threshold, passes `vemt check-disclosure`, and a restricted map left
 * by an earlier run is removed.
 */
#include <cairo.h>
#include <ctype.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args) { return test_vemt(tmpdir, args, NULL, 0); }

/* Whitespace collapsed to single spaces (pdftotext breaks lines where the
 * PDF wrapped them). In place; returns s. */
static char *squash(char *s) {
    char *w = s;
    bool space = false;
    for (const char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            space = w != s;
            continue;
        }
        if (space) *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

/* The text of a PDF of the scratch folder, whitespace squashed (free). */
static char *pdf_text(const char *pdf) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s/%s' -", tmpdir, pdf);
    char *t = test_command_output(cmd);
    return t ? squash(t) : NULL;
}

/* A world file's six numbers. */
static bool world_file(const char *name, double a[6]) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    int k = 0;
    while (k < 6 && fscanf(f, "%lf", &a[k]) == 1) k++;
    fclose(f);
    return k == 6;
}

/* The colour of the PNG's pixel at map point (x, y), through its world
 * file (line 5, 6: the centre of the top-left pixel). */
static bool pixel_at(const char *png, const char *pgw, double x, double y,
                     int rgb[3]) {
    double a[6];
    if (!world_file(pgw, a)) return false;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, png);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return false;
    }
    long col = lround((x - a[4]) / a[0]), row = lround((y - a[5]) / a[3]);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    bool ok = col >= 0 && row >= 0 && col < w && row < h;
    if (ok) {
        cairo_surface_flush(s);
        const unsigned char *d = cairo_image_surface_get_data(s);
        uint32_t px;
        memcpy(&px, d + row * cairo_image_surface_get_stride(s) + col * 4, 4);
        /* ARGB32, premultiplied: an opaque map's pixels are plain */
        rgb[0] = (int)(px >> 16 & 255), rgb[1] = (int)(px >> 8 & 255);
        rgb[2] = (int)(px & 255);
    }
    cairo_surface_destroy(s);
    return ok;
}

/* The hot class's colour (214,47,39; Esri's), drawn opaque or over white. */
static bool hot_colour(const int c[3]) {
    return c[0] > 180 && c[1] < 130 && c[2] < 120 && c[0] - c[1] > 80;
}

/* gi_bin and centre of the hotspot_cells unit holding (x, y). */
static int bin_at(const char *gpkg, double x, double y, double *cx,
                  double *cy) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, gpkg);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "hotspot_cells") : NULL;
    int bin = -9;
    if (l) {
        OGR_L_SetSpatialFilterRect(l, x, y, x, y);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            OGRGeometryH p = OGR_G_CreateGeometry(wkbPoint);
            OGR_G_SetPoint_2D(p, 0, x, y);
            if (g && OGR_G_Contains(g, p)) {
                int k = OGR_F_GetFieldIndex(f, "gi_bin");
                bin = OGR_F_IsFieldSetAndNotNull(f, k)
                          ? OGR_F_GetFieldAsInteger(f, k)
                          : -8;
                OGREnvelope e;
                OGR_G_GetEnvelope(g, &e);
                *cx = (e.MinX + e.MaxX) / 2, *cy = (e.MinY + e.MaxY) / 2;
            }
            OGR_G_DestroyGeometry(p);
            OGR_F_Destroy(f);
        }
    }
    if (ds) GDALClose(ds);
    return bin;
}

static const char *const pack_files[] = {
    "board-pack.pdf",    "board-pack.json",   "maps/hotspots.png",
    "maps/hotspots.pgw", "maps/emerging.png", "maps/emerging.pgw",
    "maps/density.png",  "maps/density.pgw",  "maps/concern.png",
    "maps/concern.pgw",  "charts/trend.png",  "charts/units.png",
    "tables/units.csv",  "tables/trends.csv", "tables/missing.csv"};

/* The string at root.key[i].field (NULL when absent). */
static const char *json_at(json_object *root, const char *key, size_t i,
                           const char *field) {
    json_object *arr, *o, *v;
    if (!json_object_object_get_ex(root, key, &arr) ||
        !json_object_is_type(arr, json_type_array) ||
        i >= json_object_array_length(arr))
        return NULL;
    o = json_object_array_get_idx(arr, i);
    if (!json_object_object_get_ex(o, field, &v) ||
        json_object_is_type(v, json_type_null))
        return NULL;
    return json_object_get_string(v);
}

TEST(demo_restricted_pack) {
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --out d.gpkg --report r.md "
                      "--board-pack pack --attribution 'Synthetic demo data' "
                      "--seed 7"),
                 0);
    for (size_t i = 0; i < sizeof pack_files / sizeof pack_files[0]; i++) {
        char name[128];
        snprintf(name, sizeof name, "pack/%s", pack_files[i]);
        if (!test_exists_in(tmpdir, name))
            fprintf(stderr, "  missing %s\n", name);
        CHECK(test_exists_in(tmpdir, name));
    }
    long w = 0, h = 0;
    const char *pngs[] = {"maps/hotspots.png", "maps/emerging.png",
                          "maps/density.png",  "maps/concern.png",
                          "charts/trend.png",  "charts/units.png"};
    for (size_t i = 0; i < 6; i++) {
        char name[128];
        snprintf(name, sizeof name, "pack/%s", pngs[i]);
        size_t n = 0;
        char *png = test_slurp_in(tmpdir, name, &n);
        CHECK(test_png_size(png, n, &w, &h));
        free(png);
        CHECK_INT_EQ(w, 3508); /* A4 landscape at 300 dpi */
        CHECK_INT_EQ(h, 2480);
    }

    /* A planted hot spot that came out hot at 99 % is drawn in the hot
     * colour at its coordinates, through the world file. */
    size_t n = 0;
    char *truth = test_slurp(VEMT_FIXTURES "/demo/truth.json", &n);
    json_object *t = truth ? json_tokener_parse(truth) : NULL, *spots;
    free(truth);
    CHECK(t && json_object_object_get_ex(t, "hotspots", &spots));
    int hot_seen = 0;
    for (size_t i = 0; t && i < json_object_array_length(spots); i++) {
        json_object *s = json_object_array_get_idx(spots, i), *e, *no;
        json_object_object_get_ex(s, "easting", &e);
        json_object_object_get_ex(s, "northing", &no);
        double cx = 0, cy = 0;
        int bin = bin_at("d.gpkg", json_object_get_double(e),
                         json_object_get_double(no), &cx, &cy);
        if (bin != 3) continue;
        int rgb[3] = {0, 0, 0};
        CHECK(pixel_at("pack/maps/hotspots.png", "pack/maps/hotspots.pgw", cx,
                       cy, rgb));
        if (!hot_colour(rgb))
            fprintf(stderr, "  planted spot %zu: pixel %d,%d,%d\n", i, rgb[0],
                    rgb[1], rgb[2]);
        CHECK(hot_colour(rgb));
        hot_seen++;
    }
    CHECK(hot_seen >= 2);
    json_object_put(t);

    /* The PDF: cover, summary, four maps, two charts, tables, glossary. */
    char pdf[128];
    snprintf(pdf, sizeof pdf, "%s/pack/board-pack.pdf", tmpdir);
    CHECK(test_pdf_pages(pdf) >= 10);
    char *text = pdf_text("pack/board-pack.pdf");
    CHECK(text != NULL);
    size_t len = text ? strlen(text) : 0;
    CHECK(test_contains(text, len, "OFFICIAL-SENSITIVE"));
    CHECK(test_contains(text, len, "Synthetic demo data"));
    CHECK(test_contains(text, len, "Glossary"));
    CHECK(test_contains(text, len, "Gi* (Getis-Ord)"));
    CHECK(test_contains(text, len, "Sen's slope"));
    /* Every summary paragraph of the manifest is in the PDF, and the
     * report begins with the same summary. */
    char *manifest = test_slurp_in(tmpdir, "pack/board-pack.json", &n);
    json_object *m = manifest ? json_tokener_parse(manifest) : NULL;
    free(manifest);
    CHECK(m != NULL);
    char *report = test_slurp_in(tmpdir, "r.md", &n);
    CHECK(report != NULL);
    if (report) squash(report);
    size_t rlen = report ? strlen(report) : 0;
    const char *para;
    size_t k = 0;
    for (; m && (para = json_at(m, "summary", k, "text")) != NULL; k++) {
        char *p = strdup(para);
        squash(p);
        char head[120];
        snprintf(head, sizeof head, "%.100s", p);
        if (!test_contains(text, len, head))
            fprintf(stderr, "  PDF lacks summary: %s\n", head);
        CHECK(test_contains(text, len, head));
        CHECK(test_contains(report, rlen, head));
        free(p);
    }
    CHECK(k >= 5);
    CHECK(report && !strncmp(report, "# ", 2));
    free(report);
    free(text);

    /* The units table's ranked rows are the GeoPackage's (rank, id, events):
     * UTF-8 with a BOM, a header, then one row a unit in rank order. */
    char *csv = test_slurp_in(tmpdir, "pack/tables/units.csv", &n);
    CHECK(csv && n > 3 && !memcmp(csv, "\xEF\xBB\xBF", 3));
    char path[512];
    snprintf(path, sizeof path, "%s/d.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH r = ds ? GDALDatasetExecuteSQL(
                           ds,
                           "SELECT rank, cell_id, n_events FROM hotspot_cells "
                           "ORDER BY rank LIMIT 30",
                           NULL, NULL)
                     : NULL;
    CHECK(r != NULL);
    const char *line = csv ? strchr(csv, '\n') : NULL; /* after the header */
    int rows = 0;
    OGRFeatureH f;
    while (r && line && (f = OGR_L_GetNextFeature(r)) != NULL) {
        char want[160];
        snprintf(want, sizeof want, "%lld,%s,", OGR_F_GetFieldAsInteger64(f, 0),
                 OGR_F_GetFieldAsString(f, 1));
        line++;
        CHECK(!strncmp(line, want, strlen(want)));
        /* the events column: after the name */
        const char *c = line + strlen(want);
        c = *c == '"' ? strchr(strchr(c + 1, '"') + 1, ',') : strchr(c, ',');
        CHECK(c && strtol(c + 1, NULL, 10) == OGR_F_GetFieldAsInteger(f, 2));
        OGR_F_Destroy(f);
        line = strchr(line, '\n');
        rows++;
    }
    CHECK_INT_EQ(rows, 30);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    if (ds) GDALClose(ds);
    free(csv);
    json_object_put(m);
}

TEST(demo_public_pack) {
    /* An earlier restricted pack in the folder: its restricted maps go. */
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --out q.gpkg "
                      "--board-pack shared --seed 7 --quiet"),
                 0);
    CHECK(test_exists_in(tmpdir, "shared/maps/concern.png"));
    CHECK_INT_EQ(vemt("run --demo --tier public --out q.gpkg --board-pack "
                      "shared --seed 7 --quiet"),
                 0);
    CHECK(!test_exists_in(tmpdir, "shared/maps/concern.png"));
    CHECK(!test_exists_in(tmpdir, "shared/maps/concern.pgw"));
    CHECK(!test_exists_in(tmpdir, "shared/tables/missing.csv"));
    CHECK(test_exists_in(tmpdir, "shared/board-pack.pdf"));
    CHECK(test_exists_in(tmpdir, "shared/maps/hotspots.png"));
    CHECK_INT_EQ(vemt("check-disclosure shared"), 0);
    CHECK_INT_EQ(vemt("check-disclosure q.gpkg shared"), 0);

    char *text = pdf_text("shared/board-pack.pdf");
    CHECK(text != NULL);
    size_t len = text ? strlen(text) : 0;
    CHECK(test_contains(text, len, "OFFICIAL: for publication"));
    CHECK(!test_contains(text, len, "On or near"));
    CHECK(!test_contains(text, len, "DBSCAN cluster"));
    /* The direction of the whole series, in words the tier allows, and no
     * p-value. */
    CHECK(test_contains(text, len, "Over the whole period incidents are"));
    CHECK(!test_contains(text, len, "p = "));
    free(text);

    /* Every count of the units table is blank, 0 or at least the threshold
     * (10) and a multiple of the rounding base (5). */
    size_t n = 0;
    char *csv = test_slurp_in(tmpdir, "shared/tables/units.csv", &n);
    CHECK(csv != NULL);
    int checked = 0;
    for (const char *line = csv ? strchr(csv, '\n') : NULL; line && line[1];
         line = strchr(line + 1, '\n')) {
        /* rank,unit_id,name,events,... (the demo's names hold no comma) */
        const char *c = line + 1;
        for (int k = 0; k < 3 && c; k++) c = strchr(c, ',') + 1;
        if (!c || *c == ',') continue;
        long v = strtol(c, NULL, 10);
        CHECK(v == 0 || (v >= 10 && v % 5 == 0));
        checked++;
    }
    CHECK(checked > 0);
    free(csv);
}

/* An extract that stops on 7 December: December is not read as a fall;
 * the comparisons end with the last complete month. */
TEST(partial_last_month_not_compared) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "awk -F, 'NR==1||$2<\"2025-12-08\"' %s/demo/incidents.csv > "
             "'%s/part.csv'",
             VEMT_FIXTURES, tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
    CHECK_INT_EQ(vemt("run --incidents part.csv --boundary " VEMT_FIXTURES
                      "/demo/boundary.geojson --out part.gpkg --report "
                      "part.md --seed 7 --quiet"),
                 0);
    size_t n = 0;
    char *md = test_slurp_in(tmpdir, "part.md", &n);
    CHECK(test_contains(md, n, "December 2025 is not complete in the data"));
    CHECK(test_contains(md, n, "In November 2025 incidents"));
    CHECK(!test_contains(md, n, "In December 2025 incidents"));
    free(md);
}

TEST(real_police_uk_pack) {
    /* Nottingham burglary 2022 (police.uk, Open Government Licence). */
    CHECK_INT_EQ(vemt("run --incidents " VEMT_FIXTURES
                      "/policeuk/nottingham_burglary.csv.gz "
                      "--out n.gpkg --board-pack npack --report n.md "
                      "--allow-world-readable --seed 7 --quiet"),
                 0);
    CHECK(test_exists_in(tmpdir, "npack/board-pack.pdf"));
    CHECK(test_exists_in(tmpdir, "npack/maps/hotspots.png"));
    CHECK(test_exists_in(tmpdir, "npack/charts/trend.png"));
    CHECK(test_exists_in(tmpdir, "npack/tables/units.csv"));
    char *text = pdf_text("npack/board-pack.pdf");
    size_t len = text ? strlen(text) : 0;
    /* The fixture has no category column: the pack says so. */
    CHECK(test_contains(text, len, "not recorded in the data"));
    CHECK(test_contains(text, len, "January 2022 to December 2022"));
    /* No section is empty without saying why. */
    CHECK(!test_contains(text, len, "0 places are each linked"));
    free(text);
}

TEST_SUITE(board_pack) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-pack-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(demo_restricted_pack);
    RUN(demo_public_pack);
    RUN(partial_last_month_not_compared);
    RUN(real_police_uk_pack);
    test_remove_dir(tmpdir);
    GDALDestroy();
}
