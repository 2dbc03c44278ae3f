/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_areas.c
 * @brief Polygon units (location, counts, centres, bad input) and the
 * references on real data: contiguity by poly2nb's rule against spdep's
 * poly2nb on the Nottingham wards and on the Cleveland LSOAs
 * (tests/ref/cleveland_lsoa_*.txt, made by tests/ref/cleveland_lsoa_poly2nb.R),
 * lattice neighbours of lon/lat raster cells, and Gi* z-scores against spdep
 * on ward, square and hexagon units of real police.uk burglaries
 * (tests/ref/nottingham_spdep_ref.h, made by tests/ref/nottingham_spdep.R).
 */
#include <gdal.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/ref/nottingham_spdep_ref.h"
#include "tests/test.h"
#include "tests/wkb.h"

#define WARDS VEMT_FIXTURES "/ref/nottingham_wards_27700.gpkg"
#define POINTS VEMT_FIXTURES "/ref/nottingham_burglary_27700.csv"

static const char *row(const vemt_weights *w, size_t i, char *buf) {
    const size_t *nb;
    size_t k, at = 0;
    vemt_weights_neighbours(w, i, &nb, &k);
    buf[0] = 0;
    for (size_t m = 0; m < k; m++)
        at += (size_t)snprintf(buf + at, 256 - at, m ? " %zu" : "%zu", nb[m]);
    return buf;
}

/* Three boxes: A and B share the edge x = 100; C is apart and U-shaped. */
static vemt_polygons *three(vemt_ctx *ctx, vemt_status *st) {
    const double a[][4] = {{0, 0, 100, 100}}, b[][4] = {{100, 0, 200, 100}};
    const double c[][4] = {
        {500, 0, 510, 100}, {510, 0, 590, 10}, {590, 0, 600, 100}};
    static unsigned char buf[3][512];
    const unsigned char *wkb[3] = {buf[0], buf[1], buf[2]};
    size_t size[3] = {test_wkb_multipolygon(a, 1, buf[0], 512),
                      test_wkb_multipolygon(b, 1, buf[1], 512),
                      test_wkb_multipolygon(c, 3, buf[2], 512)};
    const char *ids[] = {"A", "B", "C"}, *names[] = {"Alpha", "Beta", "Gamma"};
    vemt_polygons *out = NULL;
    *st = vemt_polygons_create_wkb(ctx, 3, wkb, size, ids, names, &out);
    return out;
}

TEST(units_locate_count_and_centres) {
    vemt_ctx *ctx;
    vemt_status st;
    vemt_ctx_create(1, &ctx);
    vemt_polygons *a = three(ctx, &st);
    CHECK_INT_EQ(st, VEMT_OK);
    if (!a) return;
    CHECK_INT_EQ(vemt_polygons_count(a), 3);
    CHECK_STR_EQ(vemt_polygons_id(a, 1), "B");
    CHECK_STR_EQ(vemt_polygons_name(a, 2), "Gamma");
    CHECK_NEAR(vemt_polygons_m2(a, 2), 100 * 10 * 2 + 80 * 10, 1e-9);
    vemt_bbox bb = vemt_polygons_extent(a);
    CHECK(bb.xmin == 0 && bb.xmax == 600 && bb.ymax == 100);
    size_t i = 99;
    CHECK(vemt_polygons_locate(a, 50, 50, &i) && i == 0);
    CHECK(vemt_polygons_locate(a, 150, 50, &i) && i == 1);
    CHECK(vemt_polygons_locate(a, 100, 50, &i) && i == 0);  /* shared: lowest */
    CHECK(vemt_polygons_locate(a, 595, 100, &i) && i == 2); /* on the edge */
    CHECK(!vemt_polygons_locate(a, 550, 50, &i));           /* in C's notch */
    CHECK(!vemt_polygons_locate(a, 300, 50, &i));
    CHECK(!vemt_polygons_locate(a, NAN, 50, &i));
    /* The U's centroid lies in its notch; the surface point inside it. */
    double xy[6];
    vemt_polygons_centres(a, VEMT_CENTRE_CENTROID, xy);
    CHECK_NEAR(xy[0], 50, 1e-9);
    CHECK_NEAR(xy[4], 550, 1e-9);
    CHECK(!vemt_polygons_locate(a, xy[4], xy[5], &i));
    vemt_polygons_centres(a, VEMT_CENTRE_SURFACE, xy);
    CHECK(vemt_polygons_locate(a, xy[4], xy[5], &i) && i == 2);
    /* Counting respects located, in_area and kinds. */
    vemt_events ev = {0};
    const double pts[][3] = {{10, 10, 1},  {100, 20, 1}, {150, 20, 1},
                             {550, 50, 1}, {595, 50, 1}, {20, 20, 0}};
    for (int k = 0; k < 6; k++) {
        vemt_event v = {0};
        v.located = true;
        v.in_area = pts[k][2] > 0;
        v.x = pts[k][0];
        v.y = pts[k][1];
        vemt_events_push(&ev, &v);
    }
    double counts[3];
    CHECK_INT_EQ(
        vemt_polygons_count_events(a, &ev, 1u << VEMT_KIND_INCIDENT, counts),
        4);
    CHECK(counts[0] == 2 && counts[1] == 1 && counts[2] == 1);
    CHECK_INT_EQ(
        vemt_polygons_count_events(a, &ev, 1u << VEMT_KIND_FOUND_AT, counts),
        0);
    vemt_events_clear(&ev);
    /* WKB out and back. */
    unsigned char *wkb;
    size_t size;
    CHECK_INT_EQ(vemt_polygons_wkb(a, 2, &wkb, &size), VEMT_OK);
    const unsigned char *one[1] = {wkb};
    vemt_polygons *b = NULL;
    CHECK_INT_EQ(vemt_polygons_create_wkb(ctx, 1, one, &size, NULL, NULL, &b),
                 VEMT_OK);
    CHECK_NEAR(vemt_polygons_m2(b, 0), vemt_polygons_m2(a, 2), 1e-9);
    CHECK_STR_EQ(vemt_polygons_id(b, 0), "");
    vemt_engine_free(wkb);
    vemt_polygons_destroy(b);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

TEST(bad_units) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    unsigned char box[256], point[21] = {1, 1, 0, 0, 0}, junk[5] = {1, 3, 0};
    const double b[][4] = {{0, 0, 1, 1}};
    size_t size[2] = {test_wkb_multipolygon(b, 1, box, sizeof box), 21};
    const unsigned char *wkb[2] = {box, point};
    const char *ids[] = {"ok", "pt"};
    vemt_polygons *a = (vemt_polygons *)(uintptr_t)8;
    CHECK_INT_EQ(vemt_polygons_create_wkb(ctx, 2, wkb, size, ids, NULL, &a),
                 VEMT_E_ARG);
    CHECK(a == NULL);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "unit 1 (pt)"));
    wkb[1] = junk;
    size[1] = sizeof junk;
    CHECK_INT_EQ(vemt_polygons_create_wkb(ctx, 2, wkb, size, ids, NULL, &a),
                 VEMT_E_DEPENDENCY);
    /* A bow tie is repaired into its two triangles. */
    static const double tie[] = {0, 0, 2, 2, 2, 0, 0, 2, 0, 0};
    unsigned char bow[256];
    size_t k = 0, n1 = 1;
    bow[k++] = 1;
    k += wkb_put_u32(bow + k, 3);
    k += wkb_put_u32(bow + k, (uint32_t)n1);
    k += wkb_put_u32(bow + k, 5);
    for (int v = 0; v < 10; v++) k += wkb_put_f64(bow + k, tie[v]);
    const unsigned char *w1[1] = {bow};
    CHECK_INT_EQ(vemt_polygons_create_wkb(ctx, 1, w1, &k, NULL, NULL, &a),
                 VEMT_OK);
    CHECK_NEAR(vemt_polygons_m2(a, 0), 2, 1e-12);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

/* ---- Real data: Nottingham wards and police.uk burglaries ---- */

/* The features of a layer of the fixture as WKB, with one text field. */
typedef struct layer {
    size_t n;
    unsigned char *wkb[64];
    size_t size[64];
    char *ids[64];
} layer;

static bool read_layer(const char *name, const char *field, layer *out) {
    memset(out, 0, sizeof *out);
    GDALDatasetH ds =
        GDALOpenEx(WARDS, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH lyr = ds ? GDALDatasetGetLayerByName(ds, name) : NULL;
    OGRFeatureH f;
    while (lyr && out->n < 64 && (f = OGR_L_GetNextFeature(lyr))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        size_t k = out->n++;
        out->size[k] = (size_t)OGR_G_WkbSize(g);
        out->wkb[k] = malloc(out->size[k]);
        OGR_G_ExportToIsoWkb(g, wkbNDR, out->wkb[k]);
        int fi = OGR_F_GetFieldIndex(f, field);
        out->ids[k] = strdup(OGR_F_GetFieldAsString(f, fi));
        OGR_F_Destroy(f);
    }
    if (ds) GDALClose(ds);
    return lyr != NULL;
}

static void free_layer(layer *l) {
    for (size_t k = 0; k < l->n; k++) {
        free(l->wkb[k]);
        free(l->ids[k]);
    }
}

static vemt_polygons *load_wards(vemt_ctx *ctx) {
    layer l;
    vemt_polygons *a = NULL;
    if (read_layer("nottingham_wards", "ward_code", &l))
        vemt_polygons_create_wkb(ctx, l.n, (const unsigned char *const *)l.wkb,
                                 l.size, (const char *const *)l.ids, NULL, &a);
    free_layer(&l);
    return a;
}

/* The burglaries, located and in the study area (all are in the city). */
static void load_points(vemt_events *ev) {
    FILE *f = fopen(POINTS, "r");
    char line[128];
    if (!f) return;
    if (!fgets(line, sizeof line, f)) line[0] = 0; /* header */
    vemt_event v = {0};
    v.located = v.in_area = true;
    while (fscanf(f, "%lf,%lf", &v.x, &v.y) == 2) vemt_events_push(ev, &v);
    fclose(f);
}

/* Pairs (i < j) in exactly one of spdep's list and ours. */
static size_t differing_pairs(const vemt_weights *w, const int *start,
                              const int *idx) {
    size_t diff = 0;
    for (size_t i = 0; i < NOTT_NWARDS; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        for (size_t j = i + 1; j < NOTT_NWARDS; j++) {
            bool ours = false, theirs = false;
            for (size_t m = 0; m < k; m++) ours |= nb[m] == j;
            for (int m = start[i]; m < start[i + 1]; m++)
                theirs |= (size_t)idx[m] == j;
            diff += ours != theirs;
        }
    }
    return diff;
}

/* Neighbour lists first: poly2nb's rule (snap 0) against spdep 1.2-7's
 * poly2nb (default snap, 1.5e-8 m) on the 20 real wards in EPSG:27700.
 * Measured: no differing pair, for queen (86 links each) or rook (82). The
 * ONS boundaries are topologically clean: neighbouring wards share their
 * boundary vertices exactly. Wards 1 and 11, and 2 and 12 (0-based), meet
 * at a single point: queen, not rook. */
TEST(nottingham_neighbours_vs_poly2nb) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    vemt_polygons *a = load_wards(ctx);
    CHECK(a && vemt_polygons_count(a) == NOTT_NWARDS);
    if (!a || vemt_polygons_count(a) != NOTT_NWARDS) return;
    for (size_t i = 0; i < NOTT_NWARDS; i++)
        CHECK_STR_EQ(vemt_polygons_id(a, i), nott_ward_code[i]);
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  0, false, &w),
                 VEMT_OK);
    CHECK_INT_EQ(differing_pairs(w, nott_queen_start, nott_queen), 0);
    CHECK_INT_EQ(vemt_weights_links(w), nott_queen_start[NOTT_NWARDS]);
    vemt_weights_destroy(w);
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_ROOK,
                                                  0, false, &w),
                 VEMT_OK);
    CHECK_INT_EQ(differing_pairs(w, nott_rook_start, nott_rook), 0);
    CHECK_INT_EQ(vemt_weights_links(w), nott_rook_start[NOTT_NWARDS]);
    char b[256];
    CHECK_STR_EQ(row(w, 1, b), "0 2 3 5 6 12 18"); /* 11: a point only */
    vemt_weights_destroy(w);
    /* k = 4 nearest centroids: knearneigh's lists exactly. */
    double xy[2 * NOTT_NWARDS];
    vemt_polygons_centres(a, VEMT_CENTRE_CENTROID, xy);
    CHECK_INT_EQ(vemt_weights_knn(ctx, xy, NOTT_NWARDS, 4, false, &w), VEMT_OK);
    size_t bad = 0;
    for (size_t i = 0; i < NOTT_NWARDS; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        for (size_t m = 0; m < k; m++)
            bad += nb[m] != (size_t)nott_knn4[4 * i + m];
    }
    CHECK_INT_EQ(bad, 0);
    vemt_weights_destroy(w);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

TEST(nottingham_ward_gistar) {
    vemt_ctx *ctx;
    vemt_weights *w;
    vemt_ctx_create(1, &ctx);
    vemt_polygons *a = load_wards(ctx);
    vemt_events ev = {0};
    load_points(&ev);
    CHECK_INT_EQ(ev.n, NOTT_NPOINTS);
    if (!a) return;
    double x[NOTT_NWARDS], z[NOTT_NWARDS], p[NOTT_NWARDS], xy[2 * NOTT_NWARDS];
    CHECK_INT_EQ(
        vemt_polygons_count_events(a, &ev, 1u << VEMT_KIND_INCIDENT, x),
        NOTT_NWARD_COUNTED);
    for (size_t i = 0; i < NOTT_NWARDS; i++)
        CHECK_NEAR(x[i], nott_ward_count[i], 0);
    double maxdz = 0;
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  0, true, &w),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, NOTT_NWARDS, z, p), VEMT_OK);
    for (size_t i = 0; i < NOTT_NWARDS; i++) {
        CHECK_NEAR(z[i], nott_ward_z_queen[i], 1e-9);
        maxdz = fmax(maxdz, fabs(z[i] - nott_ward_z_queen[i]));
    }
    vemt_weights_destroy(w);
    vemt_polygons_centres(a, VEMT_CENTRE_CENTROID, xy);
    CHECK_INT_EQ(vemt_weights_knn(ctx, xy, NOTT_NWARDS, 4, true, &w), VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, NOTT_NWARDS, z, p), VEMT_OK);
    for (size_t i = 0; i < NOTT_NWARDS; i++) {
        CHECK_NEAR(z[i], nott_ward_z_knn4[i], 1e-9);
        maxdz = fmax(maxdz, fabs(z[i] - nott_ward_z_knn4[i]));
    }
    fprintf(stderr, "  wards: max |z - spdep| = %.3g\n", maxdz);
    vemt_weights_destroy(w);
    vemt_events_clear(&ev);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

/* Square or hexagon grid of 500 m masked to the city, against spdep. */
static void check_grid(test_state *t_, bool hex, const nott_cell *ref,
                       size_t nref) {
    vemt_ctx *ctx;
    vemt_study_area *city = NULL;
    vemt_units *g = NULL;
    vemt_weights *w = NULL;
    layer l;
    vemt_ctx_create(1, &ctx);
    CHECK(read_layer("nottingham_city", "name", &l) && l.n == 1);
    if (l.n == 1)
        CHECK_INT_EQ(
            vemt_study_area_create_wkb(ctx, l.wkb[0], l.size[0], &city),
            VEMT_OK);
    free_layer(&l);
    if (!city) return;
    vemt_events ev = {0};
    load_points(&ev);
    CHECK_INT_EQ(vemt_study_area_flag_events(city, &ev), NOTT_NCITY);
    vemt_bbox e = vemt_study_area_bbox(city);
    CHECK_INT_EQ(hex ? vemt_units_create_hex(ctx, NOTT_CELL, &e, city, &g)
                     : vemt_units_create_square(ctx, NOTT_CELL, &e, city, &g),
                 VEMT_OK);
    size_t n = vemt_units_count(g);
    CHECK_INT_EQ(n, nref);
    double *x = calloc(n, sizeof *x), *z = calloc(n, sizeof *z),
           *p = calloc(n, sizeof *p), x0, y0, maxdz = 0;
    CHECK_INT_EQ(vemt_units_count_events(g, &ev, 1u << VEMT_KIND_INCIDENT, x),
                 NOTT_NCITY);
    CHECK_INT_EQ(vemt_weights_units_contiguity(ctx, g, VEMT_CONTIGUITY_QUEEN, 0,
                                               true, &w),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, x, n, z, p), VEMT_OK);
    vemt_units_lattice(g, NULL, NULL, &x0, &y0);
    for (size_t k = 0; k < nref && n == nref; k++) {
        double cx = x0 + (ref[k].col + 0.5) * NOTT_CELL;
        double cy = y0 + (ref[k].row + 0.5) * NOTT_CELL;
        if (hex) {
            /* The lattice of hexgrid.c: (3c R / 2, (2r + c odd) s / 2). */
            cx =
                (double)(3 * ref[k].col) * (NOTT_CELL / 1.7320508075688772 / 2);
            cy = (double)(2 * ref[k].row + (ref[k].col % 2 ? 1 : 0)) *
                 (NOTT_CELL / 2);
        }
        size_t i = n;
        CHECK(vemt_units_locate(g, cx, cy, &i) && i == k); /* same order */
        if (i >= n) continue;
        CHECK_NEAR(x[i], ref[k].count, 0);
        CHECK_NEAR(z[i], ref[k].z, 1e-9);
        maxdz = fmax(maxdz, fabs(z[i] - ref[k].z));
    }
    fprintf(stderr, "  %s: %zu cells, max |z - spdep| = %.3g\n",
            hex ? "hexagons" : "squares", n, maxdz);
    free(x);
    free(z);
    free(p);
    vemt_events_clear(&ev);
    vemt_weights_destroy(w);
    vemt_units_destroy(g);
    vemt_study_area_destroy(city);
    vemt_ctx_destroy(ctx);
}

TEST(nottingham_square_gistar) {
    check_grid(t_, false, nott_square,
               sizeof nott_square / sizeof *nott_square);
}

TEST(nottingham_hex_gistar) {
    check_grid(t_, true, nott_hex, sizeof nott_hex / sizeof *nott_hex);
}

/* ---- spdep's poly2nb rule on real and lon/lat boundaries ---- */

#define BOUNDARIES VEMT_FIXTURES "/boundaries"

/* Polygon units read as `--areas` reads them: the files combined and
 * transformed to British National Grid by ingest. */
static vemt_polygons *read_areas(vemt_ctx *ctx, size_t n,
                                 const char *const *paths) {
    vemt_unit_list ul;
    vemt_polygons *a = NULL;
    if (vemt_unit_list_read(ctx, n, paths, NULL, "EPSG:27700", NULL, NULL, &ul))
        return NULL;
    vemt_polygons_create_wkb(ctx, ul.n, (const unsigned char *const *)ul.wkb,
                             ul.wkb_size, (const char *const *)ul.ids,
                             (const char *const *)ul.names, &a);
    vemt_unit_list_clear(&ul);
    return a;
}

/* The pairs "ID1 ID2" (ID1 < ID2) of w, sorted, one a line. */
static int by_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t pair_lines(const vemt_polygons *a, const vemt_weights *w,
                         char ***out) {
    size_t n = vemt_polygons_count(a), np = 0;
    char **lines = calloc(vemt_weights_links(w) + 1, sizeof *lines);
    for (size_t i = 0; lines && i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, i, &nb, &k);
        for (size_t m = 0; m < k; m++) {
            const char *p = vemt_polygons_id(a, i),
                       *q = vemt_polygons_id(a, nb[m]);
            if (nb[m] == i || strcmp(p, q) > 0) continue;
            lines[np] = malloc(strlen(p) + strlen(q) + 2);
            sprintf(lines[np++], "%s %s", p, q);
        }
    }
    qsort(lines, np, sizeof *lines, by_str);
    *out = lines;
    return np;
}

/* Pairs in exactly one of ours and the reference file's (comment lines
 * skipped); the first differing pair is printed. */
static size_t differ_from_file(const char *path, char **ours, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return (size_t)-1;
    char line[128];
    size_t k = 0, diff = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        line[strcspn(line, "\n")] = 0;
        int c = 1;
        while (k < n && (c = strcmp(ours[k], line)) < 0) {
            if (!diff++) fprintf(stderr, "  only vemt: %s\n", ours[k]);
            k++;
        }
        if (c == 0) {
            k++;
        } else if (!diff++) {
            fprintf(stderr, "  only spdep: %s\n", line);
        }
    }
    for (; k < n; k++)
        if (!diff++) fprintf(stderr, "  only vemt: %s\n", ours[k]);
    fclose(f);
    return diff;
}

static void free_lines(char **lines, size_t n) {
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
}

/* The 352 Cleveland LSOAs, four files combined and projected to British
 * National Grid, against spdep 1.2-7's poly2nb(snap = 0.001) in R on the
 * same files (tests/ref/cleveland_lsoa_poly2nb.R): the pairs are equal,
 * queen (995) and rook (955). The files hold 80 truly adjacent pairs whose
 * shared vertices differ by 2e-9 to 1.7e-5 m, and two self-touching rings
 * (E01033471, E01012289) that ingest repairs with GEOS MakeValid. Exact
 * intersection (snap 0) loses the near-misses. */
TEST(cleveland_lsoa_equal_poly2nb) {
    vemt_ctx *ctx;
    vemt_weights *w = NULL;
    vemt_ctx_create(1, &ctx);
    const char *const files[] = {BOUNDARIES "/lsoa_E06000001.geojson",
                                 BOUNDARIES "/lsoa_E06000002.geojson",
                                 BOUNDARIES "/lsoa_E06000003.geojson",
                                 BOUNDARIES "/lsoa_E06000004.geojson"};
    vemt_polygons *a = read_areas(ctx, 4, files);
    CHECK(a && vemt_polygons_count(a) == 352);
    if (!a) return;
    static const char *const refs[] = {
        VEMT_FIXTURES "/../tests/ref/cleveland_lsoa_queen.txt",
        VEMT_FIXTURES "/../tests/ref/cleveland_lsoa_rook.txt"};
    static const size_t n_ref[] = {995, 955};
    for (int kind = 0; kind < 2; kind++) {
        char **lines = NULL;
        CHECK_INT_EQ(vemt_weights_polygons_contiguity(
                         ctx, a, (vemt_contiguity)kind, 0.001, false, &w),
                     VEMT_OK);
        size_t np = w ? pair_lines(a, w, &lines) : 0;
        CHECK_INT_EQ(np, n_ref[kind]);
        CHECK_INT_EQ(differ_from_file(refs[kind], lines, np), 0);
        free_lines(lines, np);
        vemt_weights_destroy(w);
    }
    /* Without a tolerance the near-misses are lost. */
    CHECK_INT_EQ(vemt_weights_polygons_contiguity(ctx, a, VEMT_CONTIGUITY_QUEEN,
                                                  0, false, &w),
                 VEMT_OK);
    CHECK(w && vemt_weights_links(w) < 2 * 995);
    vemt_weights_destroy(w);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
}

/* A raster of 10 x 8 cells of 0.01 degrees near Middlesbrough, written as
 * GeoJSON polygons in longitude and latitude, each cell with its own
 * corners (x0 + i d computed per cell, as raster-to-polygon tools do, so
 * neighbours' shared corners may differ in the last bit), read as --areas
 * reads them and transformed to British National Grid: every cell keeps
 * its lattice neighbours, queen 8 / 5 / 3 (inside, edge, corner) and rook
 * 4 / 3 / 2. */
TEST(lonlat_raster_keeps_lattice_neighbours) {
    enum { NX = 10, NY = 8 };
    char dir[] = "/tmp/vemt-raster-XXXXXX", path[64];
    bool made = mkdtemp(dir) != NULL;
    snprintf(path, sizeof path, "%s/cells.geojson", dir);
    FILE *f = made ? fopen(path, "w") : NULL;
    CHECK(f != NULL);
    if (!f) return;
    fputs("{\"type\": \"FeatureCollection\", \"features\": [\n", f);
    for (int r = 0; r < NY; r++)
        for (int c = 0; c < NX; c++) {
            double x0 = -1.27 + 0.01 * c, y0 = 54.52 + 0.01 * r;
            double x1 = x0 + 0.01, y1 = y0 + 0.01;
            fprintf(f,
                    "%s{\"type\": \"Feature\", \"properties\": {\"id\": "
                    "\"r%dc%d\"}, \"geometry\": {\"type\": \"Polygon\", "
                    "\"coordinates\": [[[%.17g, %.17g], [%.17g, %.17g], "
                    "[%.17g, %.17g], [%.17g, %.17g], [%.17g, %.17g]]]}}\n",
                    r || c ? "," : "", r, c, x0, y0, x1, y0, x1, y1, x0, y1, x0,
                    y0);
        }
    fputs("]}\n", f);
    fclose(f);
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    const char *files[] = {path};
    vemt_polygons *a = read_areas(ctx, 1, files);
    CHECK(a && vemt_polygons_count(a) == NX * NY);
    for (int kind = 0; a && kind < 2; kind++) {
        vemt_weights *w = NULL;
        CHECK_INT_EQ(vemt_weights_polygons_contiguity(
                         ctx, a, (vemt_contiguity)kind, 0.001, false, &w),
                     VEMT_OK);
        size_t bad = 0;
        for (int r = 0; w && r < NY; r++)
            for (int c = 0; c < NX; c++) {
                const size_t *nb;
                size_t k, want = 0;
                for (int dr = -1; dr <= 1; dr++)
                    for (int dc = -1; dc <= 1; dc++) {
                        int rr = r + dr, cc = c + dc;
                        if ((dr || dc) && rr >= 0 && rr < NY && cc >= 0 &&
                            cc < NX && (kind == 0 || !dr || !dc))
                            want++;
                    }
                vemt_weights_neighbours(w, (size_t)(r * NX + c), &nb, &k);
                bad += k != want;
                for (size_t m = 0; m < k;
                     m++) { /* and they are the right ones */
                    int rr = (int)nb[m] / NX, cc = (int)nb[m] % NX;
                    bad += abs(rr - r) > 1 || abs(cc - c) > 1 ||
                           (kind == 1 && rr != r && cc != c);
                }
            }
        CHECK_INT_EQ(bad, 0);
        /* 2 x (horizontal + vertical (+ diagonal)) adjacencies */
        CHECK_INT_EQ(vemt_weights_links(w),
                     kind == 0 ? 2 * ((NX - 1) * NY + NX * (NY - 1) +
                                      2 * (NX - 1) * (NY - 1))
                               : 2 * ((NX - 1) * NY + NX * (NY - 1)));
        vemt_weights_destroy(w);
    }
    /* Two rows' shared edges differ in the last bit of latitude: without a
     * tolerance the cells across them are no rook neighbours. */
    vemt_weights *w0 = NULL;
    if (a)
        CHECK_INT_EQ(vemt_weights_polygons_contiguity(
                         ctx, a, VEMT_CONTIGUITY_ROOK, 0, false, &w0),
                     VEMT_OK);
    CHECK(!a ||
          (w0 && vemt_weights_links(w0) < 2 * ((NX - 1) * NY + NX * (NY - 1))));
    vemt_weights_destroy(w0);
    vemt_polygons_destroy(a);
    vemt_ctx_destroy(ctx);
    remove(path);
    rmdir(dir);
}

TEST_SUITE(areas) {
    GDALAllRegister();
    RUN(units_locate_count_and_centres);
    RUN(bad_units);
    RUN(nottingham_neighbours_vs_poly2nb);
    RUN(nottingham_ward_gistar);
    RUN(nottingham_square_gistar);
    RUN(nottingham_hex_gistar);
    RUN(cleveland_lsoa_equal_poly2nb);
    RUN(lonlat_raster_keeps_lattice_neighbours);
    GDALDestroy();
    proj_cleanup();
}
