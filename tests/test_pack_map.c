/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_pack_map.c
 * @brief The board pack's maps: drawn at 300 dpi, a unit's centre (map ->
 * page through the frame -> pixel) has its class's colour, withheld units
 * are hatched grey, outside is white; the colour-blind palette, the
 * density classes, places of concern only at a tier with exact locations,
 * labels that never overlap. With VEMT_PACK_MAP_PNG_DIR set the maps are
 * written there as PNGs to look at.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "outputs/draw.h"
#include "outputs/pack_map.h"
#include "tests/test.h"
#include "tests/testutil.h"
#include "tests/wkb.h"

#define PX_W 3508 /* A4 landscape at 300 dpi */
#define PX_H 2480

/* The study area: 1000 m x 800 m; 200 m squares: 5 x 4 units. */
#define AX 450000.0
#define AY 520000.0

typedef struct fixture {
    vemt_ctx *ctx;
    vemt_study_area *area;
    vemt_units *grid;
    vemt_events events;
    vemt_cube *cube;
    size_t n, hot, cold, hidden;
    int8_t bins[20];
    uint8_t bin_hidden[20], pattern_hidden[20];
    vemt_ehsa pattern[20];
    double unit_events[20];
    vemt_trends_out trends;
    float values[50 * 40];
    vemt_raster raster;
    vemt_density_out density;
    vemt_place_row places[1];
    vemt_patrol_row patrol[1];
    vemt_safeguarding_out sg;
    vemt_output out;
    vemt_pack pack;
    cairo_surface_t *img;
    cairo_t *cr;
} fixture;

static void setup_trends(fixture *f) {
    /* Five incidents a month for a year over the units: a cube the
     * engine accepts (60 events, 12 steps). */
    for (int m = 0; m < 12; m++)
        for (int k = 0; k < 5; k++) {
            vemt_event ev = {0};
            ev.kind = VEMT_KIND_INCIDENT;
            ev.start_utc = ev.end_utc =
                1704067200 + (int64_t)m * 31 * 86400 + k * 3600;
            ev.x = AX + 100 + 200 * ((m + k) % 5);
            ev.y = AY + 100 + 200 * (k % 4);
            ev.located = ev.in_area = true;
            vemt_events_push(&f->events, &ev);
        }
    vemt_cube_opts o = {.unit = VEMT_STEP_MONTH,
                        .kinds = 1u << VEMT_KIND_INCIDENT,
                        .time_lag = 1};
    vemt_cube_create(f->ctx, f->grid, &f->events, &o, &f->cube);
    for (size_t i = 0; i < f->n; i++) {
        f->pattern[i] = VEMT_EHSA_NONE;
        f->unit_events[i] = 5;
    }
    f->pattern[f->hot] = VEMT_EHSA_INTENSIFYING_HOT;
    f->pattern[f->cold] = VEMT_EHSA_PERSISTENT_COLD;
    f->pattern[f->hidden] = VEMT_EHSA_NEW_HOT;
    f->pattern_hidden[f->hidden] = 1;
    f->trends = (vemt_trends_out){.cube = f->cube,
                                  .pattern = f->pattern,
                                  .unit_events = f->unit_events,
                                  .pattern_hidden = f->pattern_hidden};
}

/* A surface rising from 0 in the west to 100 per km2 in the east, 20 m
 * pixels over the study area. */
static void setup_density(fixture *f) {
    for (int r = 0; r < 40; r++)
        for (int c = 0; c < 50; c++) f->values[r * 50 + c] = (float)(2 * c);
    f->values[49] = 100; /* the largest value: the top of the last class */
    f->raster = (vemt_raster){AX, AY + 800, 20, 50, 40, f->values};
    f->density = (vemt_density_out){&f->raster, "test surface"};
}

static void setup(fixture *f) {
    memset(f, 0, sizeof *f);
    vemt_ctx_create(1, &f->ctx);
    unsigned char wkb[512];
    const double box[][4] = {{AX, AY, AX + 1000, AY + 800}};
    size_t nw = test_wkb_multipolygon(box, 1, wkb, sizeof wkb);
    vemt_study_area_create_wkb(f->ctx, wkb, nw, &f->area);
    vemt_bbox e = {AX, AY, AX + 999, AY + 799};
    vemt_units_create_square(f->ctx, 200, &e, f->area, &f->grid);
    f->n = f->grid ? vemt_units_count(f->grid) : 0;
    vemt_units_locate(f->grid, AX + 700, AY + 500, &f->hot);
    vemt_units_locate(f->grid, AX + 100, AY + 100, &f->cold);
    vemt_units_locate(f->grid, AX + 300, AY + 700, &f->hidden);
    f->bins[f->hot] = 3;
    f->bins[f->cold] = -3;
    f->bins[f->hidden] = 3;
    f->bin_hidden[f->hidden] = 1;
    setup_trends(f);
    setup_density(f);
    f->places[0] = (vemt_place_row){
        .x = AX + 500, .y = AY + 300, .n_children = 6, .n_events = 9};
    f->patrol[0] = (vemt_patrol_row){
        .place_kind = "cell", .weekday = 4, .start_hour = 20, .end_hour = 2};
    vemt_units_id(f->grid, f->hot, f->patrol[0].place,
                  sizeof f->patrol[0].place);
    f->sg = (vemt_safeguarding_out){
        .places = f->places, .n_places = 1, .patrol = f->patrol, .n_patrol = 1};
    f->out = (vemt_output){.grid = f->grid,
                           .gi_bin = f->bins,
                           .bin_hidden = f->bin_hidden,
                           .trends = &f->trends,
                           .density = &f->density,
                           .safeguarding = &f->sg,
                           .rules = vemt_tier_rules_get(VEMT_TIER_RESTRICTED),
                           .area = f->area};
    f->pack =
        (vemt_pack){.title = "Hot spots and trends: Testshire",
                    .area = "Testshire",
                    .period = "January 2024 to December 2024",
                    .categories = "all categories",
                    .units = "200 m grid cells",
                    .tier = "restricted",
                    .marking = "OFFICIAL-SENSITIVE",
                    .attribution =
                        "Contains public sector information licensed under the "
                        "Open Government Licence v3.0.",
                    .created = "7 December 2026"};
    f->pack.maps[VEMT_MAP_HOTSPOTS].title =
        "Hot spots (Gi*, FDR at 90/95/99 %)";
    f->img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, PX_W, PX_H);
    f->cr = cairo_create(f->img);
    cairo_scale(f->cr, VEMT_PACK_DPI / 72., VEMT_PACK_DPI / 72.);
}

static void teardown(fixture *f) {
    cairo_destroy(f->cr);
    cairo_surface_destroy(f->img);
    vemt_cube_destroy(f->cube);
    vemt_events_clear(&f->events);
    vemt_units_destroy(f->grid);
    vemt_study_area_destroy(f->area);
    vemt_ctx_destroy(f->ctx);
}

/* The colour of the pixel at map point (x, y) as 0xRRGGBB. */
static unsigned pixel_at(fixture *f, const vemt_map_frame *fr, double x,
                         double y) {
    cairo_surface_flush(f->img);
    double u = (x - fr->x0) / fr->m_per_pt, v = (fr->y0 - y) / fr->m_per_pt;
    int px = (int)(u * VEMT_PACK_DPI / 72), py = (int)(v * VEMT_PACK_DPI / 72);
    if (px < 0 || py < 0 || px >= PX_W || py >= PX_H) return 0x1000000;
    const unsigned char *d = cairo_image_surface_get_data(f->img);
    uint32_t p;
    memcpy(&p,
           d + (size_t)py * cairo_image_surface_get_stride(f->img) +
               (size_t)px * 4,
           4);
    return p & 0xffffff; /* opaque: premultiplied = straight */
}

static unsigned unit_pixel(fixture *f, const vemt_map_frame *fr, size_t i) {
    double x, y;
    vemt_units_centre(f->grid, i, &x, &y);
    return pixel_at(f, fr, x, y);
}

static void save_png(fixture *f, const char *name) {
    const char *dir = getenv("VEMT_PACK_MAP_PNG_DIR");
    if (!dir) return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", dir, name);
    cairo_surface_write_to_png(f->img, path);
}

static bool is_grey(unsigned c) {
    return (c >> 16 & 255) == (c >> 8 & 255) && (c >> 8 & 255) == (c & 255);
}

TEST(names_and_palette_parse) {
    CHECK_STR_EQ(vemt_pack_map_name(VEMT_MAP_HOTSPOTS), "hotspots");
    CHECK_STR_EQ(vemt_pack_map_name(VEMT_MAP_EMERGING), "emerging");
    CHECK_STR_EQ(vemt_pack_map_name(VEMT_MAP_DENSITY), "density");
    CHECK_STR_EQ(vemt_pack_map_name(VEMT_MAP_CONCERN), "concern");
    CHECK(vemt_pack_map_name(VEMT_MAP_COUNT) == NULL);
    vemt_palette p = VEMT_PALETTE_ESRI;
    CHECK(vemt_palette_parse("colorblind", &p));
    CHECK_INT_EQ(p, VEMT_PALETTE_COLOURBLIND);
    CHECK(vemt_palette_parse("esri", &p));
    CHECK_INT_EQ(p, VEMT_PALETTE_ESRI);
    CHECK(vemt_palette_parse("colourblind", &p));
    CHECK_STR_EQ(vemt_palette_name(p), "colourblind");
    CHECK_STR_EQ(vemt_palette_name(VEMT_PALETTE_ESRI), "esri");
    CHECK(!vemt_palette_parse("rainbow", &p));
    CHECK(!vemt_palette_parse(NULL, &p));
    /* Esri: the style's own; colour-blind: ColorBrewer RdBu's ends. */
    const vemt_style *s = vemt_style_for("hotspot_cells");
    CHECK_STR_EQ(vemt_palette_rgb(s, 6, VEMT_PALETTE_ESRI), "214,47,39");
    CHECK_STR_EQ(vemt_palette_rgb(s, 6, VEMT_PALETTE_COLOURBLIND), "178,24,43");
    CHECK_STR_EQ(vemt_palette_rgb(s, 0, VEMT_PALETTE_COLOURBLIND),
                 "33,102,172");
    /* Emerging: Okabe-Ito's vermillion; a style without a table: its own. */
    const vemt_style *e = vemt_style_for("emerging_hotspots");
    CHECK_STR_EQ(vemt_palette_rgb(e, 2, VEMT_PALETTE_COLOURBLIND), "213,94,0");
    const vemt_style *k = vemt_style_for("events");
    CHECK_STR_EQ(vemt_palette_rgb(k, 0, VEMT_PALETTE_COLOURBLIND),
                 k->classes[0].rgb);
}

TEST(hotspots_pixels) {
    fixture f;
    setup(&f);
    CHECK_INT_EQ(f.n, 20);
    vemt_map_frame fr = {0};
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    save_png(&f, "hotspots");
    /* One scale: the 1000 m x 800 m area (+4 %) fills the frame's width or
     * height. */
    double fw = VEMT_MAP_X1 - VEMT_MAP_X0, fh = VEMT_MAP_Y1 - VEMT_MAP_Y0;
    CHECK_NEAR(fr.m_per_pt, fmax(1080 / fw, 880 / fh), 1e-9);
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.hot), 0xd62f27);  /* 214,47,39 */
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.cold), 0x4575b5); /* 69,117,181 */
    unsigned h = unit_pixel(&f, &fr, f.hidden);
    CHECK(h != 0xd62f27);
    CHECK(is_grey(h) && h != 0xffffff);
    /* Not significant: unfilled, white. Outside the area: white. */
    size_t plain;
    CHECK(vemt_units_locate(f.grid, AX + 900, AY + 100, &plain));
    CHECK_INT_EQ(unit_pixel(&f, &fr, plain), 0xffffff);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX - 25, AY + 400), 0xffffff);
    /* The colour-blind palette changes the hot colour to RdBu's. */
    f.pack.palette = VEMT_PALETTE_COLOURBLIND;
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.hot), 0xb2182b);
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.cold), 0x2166ac);
    teardown(&f);
}

TEST(every_kind) {
    fixture f;
    setup(&f);
    CHECK(f.cube != NULL);
    vemt_map_frame fr = {0};
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_EMERGING, &fr),
        VEMT_OK);
    save_png(&f, "emerging");
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.hot), 0xa80000);  /* 168,0,0 */
    CHECK_INT_EQ(unit_pixel(&f, &fr, f.cold), 0x005ce6); /* 0,92,230 */
    CHECK(is_grey(unit_pixel(&f, &fr, f.hidden)));
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_DENSITY, &fr),
        VEMT_OK);
    save_png(&f, "density");
    /* 0 is transparent (white); the east edge (98..100 per km2) is in the
     * last class, #bd0026; 50 per km2 in the third of five (40..60),
     * #fd8d3c. Points between units' outlines. */
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 5, AY + 150), 0xffffff);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 990, AY + 150), 0xbd0026);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 510, AY + 150), 0xfd8d3c);
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_CONCERN, &fr),
        VEMT_OK);
    save_png(&f, "concern");
    /* 6 children: the "5-9 children" class. */
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 500, AY + 300), 0xf46d43);
    /* The patrol cell's outline is drawn in blue (0,114,178) on its east
     * edge. */
    vemt_bbox hb = vemt_units_bbox(f.grid, f.hot);
    CHECK_INT_EQ(pixel_at(&f, &fr, hb.xmax, (hb.ymin + hb.ymax) / 2), 0x0072b2);
    /* At the partner and public tiers the concern map is refused; the
     * others are drawn. */
    f.out.rules = vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    for (int k = 0; k < VEMT_MAP_COUNT; k++)
        CHECK_INT_EQ(vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack,
                                   (vemt_pack_map_kind)k, &fr),
                     k == VEMT_MAP_CONCERN ? VEMT_E_ARG : VEMT_OK);
    f.out.rules = vemt_tier_rules_get(VEMT_TIER_PARTNER);
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_CONCERN, &fr),
        VEMT_E_ARG);
    /* No trends, no surface: refused, not drawn. */
    f.out.trends = NULL;
    f.out.density = NULL;
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_EMERGING, &fr),
        VEMT_E_ARG);
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_DENSITY, &fr),
        VEMT_E_ARG);
    teardown(&f);
}

/* A WKB Polygon: the box {x0, y0, x1, y1} with the box hole cut out. */
static size_t wkb_box_with_hole(const double *box, const double *hole,
                                unsigned char *out) {
    size_t k = 0;
    out[k++] = 1;
    k += wkb_put_u32(out + k, 3);
    k += wkb_put_u32(out + k, 2);
    const double *rings[2] = {box, hole};
    for (int r = 0; r < 2; r++) {
        const double *b = rings[r];
        const double xy[5][2] = {{b[0], b[1]},
                                 {b[2], b[1]},
                                 {b[2], b[3]},
                                 {b[0], b[3]},
                                 {b[0], b[1]}};
        k += wkb_put_u32(out + k, 5);
        for (int v = 0; v < 5; v++) {
            k += wkb_put_f64(out + k, xy[v][0]);
            k += wkb_put_f64(out + k, xy[v][1]);
        }
    }
    return k;
}

/* Polygon units through their WKB: a polygon with a hole (the hole stays
 * white) and a multipolygon of two parts (both filled); no study area, so
 * the extent is the units'. */
TEST(polygon_units) {
    fixture f;
    setup(&f);
    unsigned char w0[256], w1[512];
    const double ring[4] = {AX, AY, AX + 500, AY + 800},
                 hole[4] = {AX + 200, AY + 300, AX + 300, AY + 500};
    const double parts[][4] = {{AX + 500, AY, AX + 1000, AY + 300},
                               {AX + 500, AY + 500, AX + 1000, AY + 800}};
    const unsigned char *wkb[2] = {w0, w1};
    size_t size[2] = {wkb_box_with_hole(ring, hole, w0),
                      test_wkb_multipolygon(parts, 2, w1, sizeof w1)};
    const char *ids[2] = {"W", "E"};
    vemt_polygons *p = NULL;
    vemt_units *units = NULL;
    CHECK_INT_EQ(vemt_polygons_create_wkb(f.ctx, 2, wkb, size, ids, NULL, &p),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_units_create_polygons(f.ctx, &p, &units), VEMT_OK);
    int8_t bins[2] = {3, -3};
    vemt_output out = {.grid = units,
                       .gi_bin = bins,
                       .rules = vemt_tier_rules_get(VEMT_TIER_PUBLIC)};
    vemt_map_frame fr = {0};
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    save_png(&f, "polygons");
    double fw = VEMT_MAP_X1 - VEMT_MAP_X0, fh = VEMT_MAP_Y1 - VEMT_MAP_Y0;
    CHECK_NEAR(fr.m_per_pt, fmax(1080 / fw, 880 / fh), 1e-9);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 100, AY + 400), 0xd62f27);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 250, AY + 400), 0xffffff); /* hole */
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 750, AY + 150), 0x4575b5);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 750, AY + 650), 0x4575b5);
    CHECK_INT_EQ(pixel_at(&f, &fr, AX + 750, AY + 400), 0xffffff); /* gap */
    vemt_units_destroy(units);
    teardown(&f);
}

/* Dark pixels (labels' text) in the page box around map point (x, y). */
static size_t dark_near(fixture *f, const vemt_map_frame *fr, double x,
                        double y) {
    size_t n = 0;
    for (double dx = -60; dx <= 60; dx += 2)
        for (double dy = -15; dy <= 15; dy += 2) {
            unsigned c = pixel_at(f, fr, x + dx, y + dy);
            n += c < 0x1000000 && (c >> 16 & 255) < 90 && (c & 255) < 90;
        }
    return n;
}

TEST(labels) {
    fixture f;
    setup(&f);
    /* Two named areas (west and east halves) and the same without names. */
    unsigned char w0[256], w1[256];
    const double west[][4] = {{AX, AY, AX + 500, AY + 800}};
    const double east[][4] = {{AX + 500, AY, AX + 1000, AY + 800}};
    const unsigned char *wkb[2] = {w0, w1};
    size_t size[2] = {test_wkb_multipolygon(west, 1, w0, sizeof w0),
                      test_wkb_multipolygon(east, 1, w1, sizeof w1)};
    const char *ids[2] = {"W", "E"}, *names[2] = {"Westfield", "Eastgate"};
    vemt_polygons *named = NULL, *unnamed = NULL;
    CHECK_INT_EQ(
        vemt_polygons_create_wkb(f.ctx, 2, wkb, size, ids, names, &named),
        VEMT_OK);
    CHECK_INT_EQ(
        vemt_polygons_create_wkb(f.ctx, 2, wkb, size, ids, NULL, &unnamed),
        VEMT_OK);
    double xy[4];
    vemt_map_frame fr = {0};
    f.bins[f.hot] = 0; /* no fill near the labels */
    f.pack.label_areas = unnamed;
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    vemt_polygons_centres(unnamed, VEMT_CENTRE_SURFACE, xy);
    CHECK_INT_EQ(dark_near(&f, &fr, xy[0], xy[1]), 0);
    f.pack.label_areas = named;
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, f.cr, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    save_png(&f, "labels");
    CHECK(dark_near(&f, &fr, xy[0], xy[1]) > 0);
    CHECK(dark_near(&f, &fr, xy[2], xy[3]) > 0);
    /* On a PDF page the names, marking and legend are text (pdftotext reads
     * them, so the checker can audit them), not paths. */
    char pdf[] = "/tmp/vemt-test-pack-map-XXXXXX";
    int fd = mkstemp(pdf);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    cairo_surface_t *ps =
        cairo_pdf_surface_create(pdf, VEMT_PAGE_W, VEMT_PAGE_H);
    cairo_t *pc = cairo_create(ps);
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, pc, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    cairo_destroy(pc);
    cairo_surface_finish(ps);
    CHECK_INT_EQ(cairo_surface_status(ps), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(ps);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext '%s' - 2>/dev/null", pdf);
    char *text = test_command_output(cmd);
    CHECK(text && strstr(text, "Westfield") != NULL);
    CHECK(text && strstr(text, "Eastgate") != NULL);
    CHECK(text && strstr(text, "OFFICIAL-SENSITIVE") != NULL);
    CHECK(text && strstr(text, "Withheld (disclosure rules)") != NULL);
    free(text);
    unlink(pdf);
    vemt_polygons_destroy(named);
    vemt_polygons_destroy(unnamed);
    /* A label overlapping one already placed is skipped; one outside the
     * box too. */
    vemt_boxes taken = {0};
    vemt_box within = {0, 0, 400, 300};
    bool placed;
    CHECK_INT_EQ(vemt_label_place(f.cr, &taken, &within, 100, 100, "Westfield",
                                  7, &placed),
                 VEMT_OK);
    CHECK(placed);
    CHECK_INT_EQ(vemt_label_place(f.cr, &taken, &within, 110, 102, "Eastgate",
                                  7, &placed),
                 VEMT_OK);
    CHECK(!placed);
    CHECK_INT_EQ(vemt_label_place(f.cr, &taken, &within, 100, 200, "Eastgate",
                                  7, &placed),
                 VEMT_OK);
    CHECK(placed);
    CHECK_INT_EQ(vemt_label_place(f.cr, &taken, &within, 398, 250, "Northway",
                                  7, &placed),
                 VEMT_OK);
    CHECK(!placed);
    CHECK_INT_EQ(taken.n, 2);
    vemt_boxes_clear(&taken);
    teardown(&f);
}

TEST_SUITE(pack_map) {
    RUN(names_and_palette_parse);
    RUN(hotspots_pixels);
    RUN(every_kind);
    RUN(labels);
    RUN(polygon_units);
    /* Pango's font map and cairo's caches live until the process ends;
     * freed here so LeakSanitizer sees only leaks of ours. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}
