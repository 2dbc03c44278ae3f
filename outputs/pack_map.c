/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_map.c
 * @brief The board pack's maps: hot spots, emerging hot spots, density and
 * locations of concern, drawn with cairo from the output's published
 * layers in the colours of the GeoPackage's layer_styles, with the study
 * boundary, the units' outlines and names.
 */
#include "outputs/pack_map.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/alloc.h"
#include "outputs/ogr_writer.h"
#include "outputs/raster.h"

/* Units' outlines: thin grey, as the QGIS styles' 0.1 mm. */
#define OUTLINE_RGB "150,150,150"
#define OUTLINE_PT 0.3
/* The study boundary: the study_area style's colour. */
#define BOUNDARY_RGB "40,40,40"
/* Patrol places: Okabe-Ito's blue, apart from the places' reds. */
#define PATROL_RGB "0,114,178"

/* ---- Names ----------------------------------------------------------------
 */

static const char map_names[][12] = {"hotspots", "emerging", "density",
                                     "concern"};

const char *vemt_pack_map_name(vemt_pack_map_kind kind) {
    return (unsigned)kind < VEMT_MAP_COUNT ? map_names[kind] : NULL;
}

bool vemt_palette_parse(const char *name, vemt_palette *out) {
    if (!name) return false;
    if (!strcasecmp(name, "esri")) {
        *out = VEMT_PALETTE_ESRI;
        return true;
    }
    if (!strcasecmp(name, "colourblind") || !strcasecmp(name, "colorblind")) {
        *out = VEMT_PALETTE_COLOURBLIND;
        return true;
    }
    return false;
}

const char *vemt_palette_name(vemt_palette p) {
    return p == VEMT_PALETTE_COLOURBLIND ? "colourblind" : "esri";
}

/* ---- Palettes -------------------------------------------------------------
 */

typedef struct class_rgb {
    char value[24];
    char rgb[12];
} class_rgb;

/* Gi* bins for colour-blind readers: ColorBrewer's 7-class RdBu, a
 * diverging scheme marked colour-blind safe (Brewer, Hatchard and Harrower
 * 2003, "ColorBrewer in print", Cartography and Geographic Information
 * Science 30(1):5-32, https://doi.org/10.1559/152304003100010929;
 * colorbrewer2.org). Hot is dark red #b2182b, cold dark blue #2166ac. */
static const class_rgb rdbu7[] = {
    {"-3", "33,102,172"}, {"-2", "103,169,207"}, {"-1", "209,229,240"},
    {"0", "247,247,247"}, {"1", "253,219,199"},  {"2", "239,138,98"},
    {"3", "178,24,43"},
};

/* Emerging hot spot patterns for colour-blind readers: the eight colours of
 * Okabe and Ito (2008), "Color Universal Design (CUD): how to make figures
 * and presentations that are friendly to colorblind people",
 * https://jfly.uni-koeln.de/color/. Hot patterns take the warm hues
 * (yellow, orange, vermillion, reddish purple), cold ones the cool hues
 * (sky blue, blue, bluish green); sixteen patterns over eight colours, so
 * the second pattern of a hue is that hue mixed half with white (they
 * differ in lightness too), and the historical ones are greys of its
 * black. */
static const class_rgb okabe_ito[] = {
    {"New Hot Spot", "240,228,66"},
    {"Consecutive Hot Spot", "230,159,0"},
    {"Intensifying Hot Spot", "213,94,0"},
    {"Persistent Hot Spot", "204,121,167"},
    {"Diminishing Hot Spot", "234,175,128"},
    {"Sporadic Hot Spot", "248,242,161"},
    {"Oscillating Hot Spot", "230,188,211"},
    {"Historical Hot Spot", "128,128,128"},
    {"New Cold Spot", "171,218,244"},
    {"Consecutive Cold Spot", "86,180,233"},
    {"Intensifying Cold Spot", "0,114,178"},
    {"Persistent Cold Spot", "0,158,115"},
    {"Diminishing Cold Spot", "128,207,185"},
    {"Sporadic Cold Spot", "128,185,217"},
    {"Oscillating Cold Spot", "64,64,64"},
    {"Historical Cold Spot", "191,191,191"},
};

static const char *lookup(const class_rgb *t, size_t n, const char *value) {
    for (size_t k = 0; value && k < n; k++)
        if (!strcmp(t[k].value, value)) return t[k].rgb;
    return NULL;
}

const char *vemt_palette_rgb(const vemt_style *s, size_t i,
                             vemt_palette palette) {
    if (!s || i >= s->n_classes) return OUTLINE_RGB;
    const vemt_style_class *c = &s->classes[i];
    const char *rgb = NULL;
    if (palette == VEMT_PALETTE_COLOURBLIND && s->field) {
        if (!strcmp(s->field, "gi_bin"))
            rgb = lookup(rdbu7, sizeof rdbu7 / sizeof *rdbu7, c->value);
        else if (!strcmp(s->field, "pattern"))
            rgb = lookup(okabe_ito, sizeof okabe_ito / sizeof *okabe_ito,
                         c->value);
    }
    return rgb ? rgb : c->rgb;
}

/* ---- Geometry to page -----------------------------------------------------
 */

static void to_page(const vemt_map_frame *f, double x, double y, double *u,
                    double *v) {
    *u = (x - f->x0) / f->m_per_pt;
    *v = (f->y0 - y) / f->m_per_pt;
}

typedef struct wkb_reader {
    const unsigned char *p;
    size_t n, at;
    bool le;
} wkb_reader;

static bool rd_u32(wkb_reader *r, uint32_t *v) {
    if (r->n - r->at < 4) return false;
    const unsigned char *b = r->p + r->at;
    *v = r->le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24
               : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 |
                     (uint32_t)b[0] << 24;
    r->at += 4;
    return true;
}

static double rd_f64_at(const wkb_reader *r, size_t at) {
    uint64_t u = 0;
    for (int k = 0; k < 8; k++)
        u |= (uint64_t)r->p[at + (r->le ? (size_t)k : (size_t)(7 - k))]
             << (8 * k);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* The rings of a WKB Polygon as closed subpaths of cr. */
static bool wkb_polygon(cairo_t *cr, const vemt_map_frame *f, wkb_reader *r,
                        size_t dims) {
    uint32_t rings;
    if (!rd_u32(r, &rings)) return false;
    for (uint32_t k = 0; k < rings; k++) {
        uint32_t n;
        if (!rd_u32(r, &n) || n > (r->n - r->at) / (8 * dims)) return false;
        for (uint32_t j = 0; j < n; j++) {
            double u, v;
            to_page(f, rd_f64_at(r, r->at), rd_f64_at(r, r->at + 8), &u, &v);
            r->at += 8 * dims;
            if (j == 0)
                cairo_move_to(cr, u, v);
            else
                cairo_line_to(cr, u, v);
        }
        if (n) cairo_close_path(cr);
    }
    return true;
}

/* A WKB Polygon, MultiPolygon or collection of them (ISO or EWKB, any byte
 * order, Z and M skipped) as subpaths of cr. False for anything else. */
static bool wkb_geom(cairo_t *cr, const vemt_map_frame *f, wkb_reader *r,
                     int depth) {
    if (depth > 8 || r->at >= r->n) return false;
    r->le = r->p[r->at++] == 1;
    uint32_t type;
    if (!rd_u32(r, &type)) return false;
    size_t dims = 2 + !!(type & 0x80000000u) + !!(type & 0x40000000u);
    if (type & 0x20000000u) { /* EWKB's SRID */
        uint32_t srid;
        if (!rd_u32(r, &srid)) return false;
    }
    type &= 0x0fffffffu;
    if (type >= 1000) { /* ISO: 1000 Z, 2000 M, 3000 ZM */
        dims = type / 1000 == 3 ? 4 : 3;
        type %= 1000;
    }
    if (type == 3) return wkb_polygon(cr, f, r, dims);
    if (type != 6 && type != 7) return false;
    uint32_t parts;
    if (!rd_u32(r, &parts)) return false;
    for (uint32_t k = 0; k < parts; k++)
        if (!wkb_geom(cr, f, r, depth + 1)) return false;
    return true;
}

static bool wkb_path(cairo_t *cr, const vemt_map_frame *f,
                     const unsigned char *wkb, size_t size) {
    wkb_reader r = {wkb, size, 0, true};
    return wkb_geom(cr, f, &r, 0);
}

/* Unit i's outline as the current path. */
static vemt_status unit_path(vemt_ctx *ctx, cairo_t *cr,
                             const vemt_map_frame *f, const vemt_units *g,
                             size_t i) {
    double xy[2 * VEMT_UNIT_RING_MAX];
    size_t n = vemt_units_ring(g, i, xy);
    cairo_new_path(cr);
    if (n) {
        for (size_t k = 0; k < n; k++) {
            double u, v;
            to_page(f, xy[2 * k], xy[2 * k + 1], &u, &v);
            if (k == 0)
                cairo_move_to(cr, u, v);
            else
                cairo_line_to(cr, u, v);
        }
        cairo_close_path(cr);
        return VEMT_OK;
    }
    unsigned char *wkb = NULL;
    size_t size = 0;
    vemt_status st = vemt_units_wkb(g, i, &wkb, &size);
    if (st) return vemt_ctx_fail(ctx, st, "map: unit %zu has no outline", i);
    bool ok = wkb_path(cr, f, wkb, size);
    vemt_engine_free(wkb);
    return ok ? VEMT_OK
              : vemt_ctx_fail(ctx, VEMT_E_ARG,
                              "map: unit %zu's outline is not a polygon", i);
}

/* ---- Frame ----------------------------------------------------------------
 */

/* The map's extent: the study area's envelope, else the units'. */
static bool map_extent(const vemt_output *out, vemt_bbox *b) {
    if (out->area) {
        *b = vemt_study_area_bbox(out->area);
        if (vemt_bbox_is_valid(b)) return true;
    }
    *b = (vemt_bbox){INFINITY, INFINITY, -INFINITY, -INFINITY};
    size_t n = vemt_units_count(out->grid);
    for (size_t i = 0; i < n; i++) {
        vemt_bbox u = vemt_units_bbox(out->grid, i);
        b->xmin = fmin(b->xmin, u.xmin), b->ymin = fmin(b->ymin, u.ymin);
        b->xmax = fmax(b->xmax, u.xmax), b->ymax = fmax(b->ymax, u.ymax);
    }
    return n > 0 && isfinite(b->xmin) && isfinite(b->ymax);
}

/* One scale in x and y, the extent with a 4 % margin centred in the map's
 * frame; the frame georeferences the whole page. */
static void frame_for(const vemt_bbox *b, vemt_map_frame *f) {
    double ew = b->xmax - b->xmin, eh = b->ymax - b->ymin;
    double pad = 0.04 * fmax(fmax(ew, eh), 100.0);
    ew += 2 * pad, eh += 2 * pad;
    double fw = VEMT_MAP_X1 - VEMT_MAP_X0, fh = VEMT_MAP_Y1 - VEMT_MAP_Y0;
    f->m_per_pt = fmax(ew / fw, eh / fh);
    double cx = (b->xmin + b->xmax) / 2, cy = (b->ymin + b->ymax) / 2;
    f->x0 = cx - (VEMT_MAP_X0 + fw / 2) * f->m_per_pt;
    f->y0 = cy + (VEMT_MAP_Y0 + fh / 2) * f->m_per_pt;
}

/* ---- Classed units ---------------------------------------------------------
 */

/* How a unit is drawn: a class of the style, plain, or withheld. */
#define UNIT_WITHHELD ((size_t)-1)

static size_t class_of(const vemt_style *s, const char *value) {
    for (size_t k = 0; value && k < s->n_classes; k++)
        if (s->classes[k].value && !strcmp(s->classes[k].value, value))
            return k;
    return UNIT_WITHHELD;
}

static bool is_plain(const vemt_style *s, size_t k) {
    return k != UNIT_WITHHELD && s->plain && s->classes[k].value &&
           !strcmp(s->classes[k].value, s->plain);
}

/* Fill unit i in class k of s (or hatch it, withheld) and outline it. */
static vemt_status draw_unit(vemt_ctx *ctx, cairo_t *cr,
                             const vemt_map_frame *f, const vemt_output *out,
                             size_t i, const vemt_style *s, size_t k,
                             vemt_palette palette) {
    vemt_status st = unit_path(ctx, cr, f, out->grid, i);
    if (st) return st;
    if (k == UNIT_WITHHELD) {
        cairo_path_t *p = cairo_copy_path(cr);
        vemt_draw_hatch(cr);
        cairo_append_path(cr, p);
        cairo_path_destroy(p);
        vemt_draw_set_rgb(cr, OUTLINE_RGB, 1);
    } else if (is_plain(s, k)) {
        vemt_draw_set_rgb(cr, OUTLINE_RGB, 0.5); /* as the QGIS style */
    } else {
        vemt_draw_set_rgb(cr, vemt_palette_rgb(s, k, palette), 1);
        cairo_fill_preserve(cr);
        vemt_draw_set_rgb(cr, OUTLINE_RGB, 1);
    }
    cairo_set_line_width(cr, OUTLINE_PT);
    cairo_stroke(cr);
    return VEMT_OK;
}

/* The classes present (in order; reversed: last first) in the legend, then
 * the withheld hatch. */
static void legend_classes(vemt_legend *l, const vemt_style *s,
                           const bool *present, bool withheld, bool reversed,
                           vemt_palette palette) {
    for (size_t j = 0; j < s->n_classes; j++) {
        size_t k = reversed ? s->n_classes - 1 - j : j;
        if (!present[k]) continue;
        vemt_legend_add(
            l, is_plain(s, k) ? VEMT_SWATCH_PLAIN : VEMT_SWATCH_FILL,
            vemt_palette_rgb(s, k, palette), 0, s->classes[k].label);
    }
    if (withheld)
        vemt_legend_add(l, VEMT_SWATCH_HATCH, NULL, 0,
                        "Withheld (disclosure rules)");
}

#define MAX_CLASSES 32

/* A unit's class in a style: its index, or UNIT_WITHHELD. */
typedef size_t (*unit_class_fn)(const vemt_output *out, const vemt_style *s,
                                size_t i);

/* Gi* bins of the units in Esri's classes (hotspot_cells). */
static size_t hotspot_class(const vemt_output *out, const vemt_style *s,
                            size_t i) {
    if (out->bin_hidden && out->bin_hidden[i]) return UNIT_WITHHELD;
    char v[8];
    snprintf(v, sizeof v, "%d", out->gi_bin ? out->gi_bin[i] : 0);
    return class_of(s, v);
}

/* The emerging hot spot pattern of each unit, as the emerging_hotspots
 * layer writes it (outputs/layers.c: withheld where the unit's total or any
 * of its bins is). */
static size_t emerging_class(const vemt_output *out, const vemt_style *s,
                             size_t i) {
    const vemt_trends_out *tr = out->trends;
    bool hidden = (tr->unit_events && isnan(tr->unit_events[i])) ||
                  (tr->pattern_hidden && tr->pattern_hidden[i]);
    return hidden ? UNIT_WITHHELD : class_of(s, vemt_ehsa_name(tr->pattern[i]));
}

/* Every unit filled in its class of the layer's style, and the classes
 * present (reversed: last first) and the withheld hatch in the legend. */
static vemt_status draw_classes(vemt_ctx *ctx, cairo_t *cr,
                                const vemt_map_frame *f, const vemt_output *out,
                                const vemt_pack *pack, vemt_legend *l,
                                const char *layer, unit_class_fn class_fn,
                                bool reversed) {
    const vemt_style *s = vemt_style_for(layer);
    bool present[MAX_CLASSES] = {false}, withheld = false;
    size_t n = vemt_units_count(out->grid);
    for (size_t i = 0; i < n; i++) {
        size_t k = class_fn(out, s, i);
        if (k == UNIT_WITHHELD)
            withheld = true;
        else if (k < MAX_CLASSES)
            present[k] = true;
        vemt_status st = draw_unit(ctx, cr, f, out, i, s, k, pack->palette);
        if (st) return st;
    }
    legend_classes(l, s, present, withheld, reversed, pack->palette);
    return VEMT_OK;
}

/* ---- Density --------------------------------------------------------------
 */

/* The density class of value v of a surface whose largest value is hi, as
 * vemt_style_density_qml_body() classes it (QGIS's discrete ramp: the first
 * class whose upper bound v does not exceed); -1 for 0 (transparent). */
static int density_class(double v, double hi, int n) {
    if (!(v > 0) || !(hi > 0)) return -1;
    int k = (int)ceil(v / hi * n) - 1;
    return k < 0 ? 0 : k >= n ? n - 1 : k;
}

static void hex_rgb(const char *hex, unsigned *r, unsigned *g, unsigned *b) {
    unsigned long v = strtoul(hex + 1, NULL, 16);
    *r = (unsigned)(v >> 16) & 255, *g = (unsigned)(v >> 8) & 255,
    *b = (unsigned)v & 255;
}

/* v clamped to 0..n before it becomes an int (a surface far off the frame
 * would overflow one). */
static int clamp_index(double v, int n) {
    return !(v > 0) ? 0 : v >= n ? n : (int)v;
}

/* The surface as an image of the pixels the frame shows (every step-th,
 * nearest neighbour), each pixel its class's colour. */
static vemt_status draw_density(vemt_ctx *ctx, cairo_t *cr,
                                const vemt_map_frame *f, const vemt_output *out,
                                vemt_legend *l) {
    const vemt_raster *r = out->density->raster;
    int n = 0;
    while (vemt_style_density_hex((size_t)n)) n++;
    double lo, hi;
    vemt_raster_range(r, &lo, &hi);
    /* The columns and rows inside the frame. */
    double xa = f->x0 + VEMT_MAP_X0 * f->m_per_pt,
           xb = f->x0 + VEMT_MAP_X1 * f->m_per_pt,
           ya = f->y0 - VEMT_MAP_Y0 * f->m_per_pt,
           yb = f->y0 - VEMT_MAP_Y1 * f->m_per_pt;
    int c0 = clamp_index(floor((xa - r->x0) / r->pixel_m), r->ncol),
        c1 = clamp_index(ceil((xb - r->x0) / r->pixel_m), r->ncol),
        r0 = clamp_index(floor((r->y0 - ya) / r->pixel_m), r->nrow),
        r1 = clamp_index(ceil((r->y0 - yb) / r->pixel_m), r->nrow);
    bool present[MAX_CLASSES] = {false};
    if (c1 > c0 && r1 > r0 && hi > 0) {
        /* At most ~4000 image pixels a side: finer than the page's 300 dpi
         * frame needs. */
        int step = 1 + (c1 - c0 > r1 - r0 ? c1 - c0 : r1 - r0) / 4000;
        int w = (c1 - c0 + step - 1) / step, h = (r1 - r0 + step - 1) / step;
        cairo_surface_t *img =
            cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        if (cairo_surface_status(img)) {
            cairo_surface_destroy(img);
            return vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                                 "map: no memory for the %d x %d density image",
                                 w, h);
        }
        cairo_surface_flush(img);
        unsigned char *px = cairo_image_surface_get_data(img);
        int stride = cairo_image_surface_get_stride(img);
        for (int y = 0; y < h; y++) {
            uint32_t *row = (uint32_t *)(void *)(px + (size_t)y * stride);
            const float *src =
                r->values + (size_t)(r0 + y * step) * (size_t)r->ncol;
            for (int x = 0; x < w; x++) {
                int k = density_class(src[c0 + x * step], hi, n);
                unsigned cr8 = 0, cg = 0, cb = 0;
                if (k >= 0) {
                    hex_rgb(vemt_style_density_hex((size_t)k), &cr8, &cg, &cb);
                    if (k < MAX_CLASSES) present[k] = true;
                }
                row[x] = k < 0 ? 0 : 0xff000000u | cr8 << 16 | cg << 8 | cb;
            }
        }
        cairo_surface_mark_dirty(img);
        cairo_save(cr);
        double u, v;
        to_page(f, r->x0 + c0 * r->pixel_m, r->y0 - r0 * r->pixel_m, &u, &v);
        cairo_translate(cr, u, v);
        double sc = r->pixel_m * step / f->m_per_pt;
        cairo_scale(cr, sc, sc);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
    }
    for (int k = 0; k < n && k < MAX_CLASSES; k++) {
        if (!present[k]) continue;
        char label[112], rgb[16];
        unsigned cr8, cg, cb;
        hex_rgb(vemt_style_density_hex((size_t)k), &cr8, &cg, &cb);
        snprintf(rgb, sizeof rgb, "%u,%u,%u", cr8, cg, cb);
        snprintf(label, sizeof label, "%.1f – %.1f events per km²", hi * k / n,
                 hi * (k + 1) / n);
        vemt_legend_add(l, VEMT_SWATCH_FILL, rgb, 0, label);
    }
    return VEMT_OK;
}

/* ---- Outlines -------------------------------------------------------------
 */

static vemt_status draw_unit_outlines(vemt_ctx *ctx, cairo_t *cr,
                                      const vemt_map_frame *f,
                                      const vemt_output *out) {
    size_t n = vemt_units_count(out->grid);
    vemt_draw_set_rgb(cr, OUTLINE_RGB, 0.7);
    cairo_set_line_width(cr, OUTLINE_PT);
    for (size_t i = 0; i < n; i++) {
        vemt_status st = unit_path(ctx, cr, f, out->grid, i);
        if (st) return st;
        cairo_stroke(cr);
    }
    return VEMT_OK;
}

/* The label areas' outlines where they are not the units themselves. */
static vemt_status draw_label_areas(vemt_ctx *ctx, cairo_t *cr,
                                    const vemt_map_frame *f,
                                    const vemt_polygons *p) {
    vemt_draw_set_rgb(cr, "100,100,100", 1);
    cairo_set_line_width(cr, 0.6);
    for (size_t i = 0; i < vemt_polygons_count(p); i++) {
        unsigned char *wkb = NULL;
        size_t size = 0;
        vemt_status st = vemt_polygons_wkb(p, i, &wkb, &size);
        if (st) return vemt_ctx_fail(ctx, st, "map: label area %zu", i);
        cairo_new_path(cr);
        bool ok = wkb_path(cr, f, wkb, size);
        vemt_engine_free(wkb);
        if (!ok)
            return vemt_ctx_fail(ctx, VEMT_E_ARG,
                                 "map: label area %zu is not a polygon", i);
        cairo_stroke(cr);
    }
    return VEMT_OK;
}

static vemt_status draw_boundary(vemt_ctx *ctx, cairo_t *cr,
                                 const vemt_map_frame *f,
                                 const vemt_study_area *a) {
    unsigned char *wkb = NULL;
    size_t size = 0;
    vemt_status st = vemt_study_area_wkb(a, &wkb, &size);
    if (st) return vemt_ctx_fail(ctx, st, "map: the study area's outline");
    cairo_new_path(cr);
    bool ok = wkb_path(cr, f, wkb, size);
    vemt_engine_free(wkb);
    if (!ok)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "map: the study area is not a polygon");
    vemt_draw_set_rgb(cr, BOUNDARY_RGB, 1);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
    return VEMT_OK;
}

/* ---- Locations of concern --------------------------------------------------
 */

static const char weekday_abbr[][4] = {"Mon", "Tue", "Wed", "Thu",
                                       "Fri", "Sat", "Sun"};

/* The outline of a patrol place as the current path: the unit whose id is
 * place, or the dbscan cluster whose label it is. False when none is. */
static vemt_status patrol_path(vemt_ctx *ctx, cairo_t *cr,
                               const vemt_map_frame *f, const vemt_output *out,
                               const vemt_patrol_row *p, bool *found) {
    *found = false;
    cairo_new_path(cr);
    if (!strcmp(p->place_kind, "cell")) {
        char id[128];
        for (size_t i = 0; i < vemt_units_count(out->grid); i++) {
            vemt_units_id(out->grid, i, id, sizeof id);
            if (strcmp(id, p->place)) continue;
            *found = true;
            return unit_path(ctx, cr, f, out->grid, i);
        }
        return VEMT_OK;
    }
    char *end;
    long label = strtol(p->place, &end, 10);
    for (size_t s = 0; s < out->n_cluster_sets && *p->place && !*end; s++) {
        const vemt_cluster_set *set = &out->cluster_sets[s];
        if (strcmp(set->method, "dbscan") || !set->clusters) continue;
        for (size_t c = 0; c < set->clusters->n; c++) {
            const vemt_cluster *cl = &set->clusters->items[c];
            if (cl->label != label || !cl->wkb) continue;
            *found = wkb_path(cr, f, cl->wkb, cl->wkb_size);
            return VEMT_OK;
        }
    }
    return VEMT_OK;
}

/* Patrol places outlined and labelled with their first window, each place
 * once; their label boxes are taken before the areas' names. */
static vemt_status draw_patrol(vemt_ctx *ctx, cairo_t *cr,
                               const vemt_map_frame *f, const vemt_output *out,
                               vemt_boxes *taken, vemt_legend *l) {
    const vemt_safeguarding_out *sg = out->safeguarding;
    bool kinds[2] = {false, false};
    const vemt_box within = {VEMT_MAP_X0, VEMT_MAP_Y0, VEMT_MAP_X1,
                             VEMT_MAP_Y1};
    for (size_t i = 0; i < sg->n_patrol; i++) {
        const vemt_patrol_row *p = &sg->patrol[i];
        bool seen = false, found;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(sg->patrol[j].place, p->place) &&
                   !strcmp(sg->patrol[j].place_kind, p->place_kind);
        if (seen) continue;
        vemt_status st = patrol_path(ctx, cr, f, out, p, &found);
        if (st) return st;
        if (!found) continue;
        bool cell = !strcmp(p->place_kind, "cell");
        kinds[!cell] = true;
        double x0, y0, x1, y1;
        cairo_path_extents(cr, &x0, &y0, &x1, &y1);
        static const double dash[] = {4, 2};
        cairo_save(cr);
        if (!cell) cairo_set_dash(cr, dash, 2, 0);
        vemt_draw_set_rgb(cr, PATROL_RGB, 1);
        cairo_set_line_width(cr, 1.8);
        cairo_stroke(cr);
        cairo_restore(cr);
        char text[48];
        int end = p->end_hour == 0 ? 24 : p->end_hour;
        snprintf(text, sizeof text, "%s %02d:00–%02d:00",
                 weekday_abbr[((p->weekday % 7) + 7) % 7], p->start_hour, end);
        bool placed;
        /* Above the place, else below it. */
        st = vemt_label_place(cr, taken, &within, (x0 + x1) / 2, y0 - 6, text,
                              7, &placed);
        if (!st && !placed)
            st = vemt_label_place(cr, taken, &within, (x0 + x1) / 2, y1 + 6,
                                  text, 7, &placed);
        if (st) return vemt_ctx_fail(ctx, st, "map: out of memory");
    }
    if (kinds[0])
        vemt_legend_add(l, VEMT_SWATCH_OUTLINE, PATROL_RGB, 1.8,
                        "Patrol place: hot cell (its busiest window)");
    if (kinds[1])
        vemt_legend_add(l, VEMT_SWATCH_DASHED, PATROL_RGB, 1.8,
                        "Patrol place: DBSCAN cluster (its busiest window)");
    return VEMT_OK;
}

/* Locations of concern as points in the classes of their children. */
static void draw_places(cairo_t *cr, const vemt_map_frame *f,
                        const vemt_output *out, vemt_legend *l) {
    const vemt_safeguarding_out *sg = out->safeguarding;
    const vemt_style *s = vemt_style_for("locations_of_concern");
    bool present[MAX_CLASSES] = {false};
    cairo_set_line_width(cr, 0.6);
    for (size_t i = 0; i < sg->n_places; i++) {
        const vemt_place_row *p = &sg->places[i];
        double c = (double)p->n_children;
        size_t k = 0;
        while (k + 1 < s->n_classes && c > s->classes[k].hi) k++;
        if (k < MAX_CLASSES) present[k] = true;
        double u, v;
        to_page(f, p->x, p->y, &u, &v);
        cairo_new_path(cr);
        cairo_arc(cr, u, v, 3 + k, 0, 2 * acos(-1.0));
        vemt_draw_set_rgb(cr, s->classes[k].rgb, 1);
        cairo_fill_preserve(cr);
        vemt_draw_set_rgb(cr, "255,255,255", 1);
        cairo_stroke(cr);
    }
    for (size_t k = 0; k < s->n_classes && k < MAX_CLASSES; k++) {
        if (!present[k]) continue;
        char label[112];
        snprintf(label, sizeof label, "Location of concern: %s",
                 s->classes[k].label);
        vemt_legend_add(l, VEMT_SWATCH_POINT, s->classes[k].rgb, 3 + (double)k,
                        label);
    }
    if (!sg->n_places)
        vemt_legend_add(l, VEMT_SWATCH_PLAIN, NULL, 0,
                        "No place is linked to several children");
}

/* ---- Labels ---------------------------------------------------------------
 */

typedef struct by_area {
    double m2;
    size_t i;
} by_area;

static int larger_first(const void *a, const void *b) {
    const by_area *x = a, *y = b;
    if (x->m2 != y->m2) return x->m2 < y->m2 ? 1 : -1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* The names of the label areas (or of polygon units) at a point inside each,
 * the largest first, none overlapping another. */
static vemt_status draw_names(vemt_ctx *ctx, cairo_t *cr,
                              const vemt_map_frame *f, const vemt_polygons *p,
                              vemt_boxes *taken) {
    size_t n = p ? vemt_polygons_count(p) : 0;
    if (!n) return VEMT_OK;
    double *xy = vemt_calloc(2 * n, sizeof *xy);
    by_area *order = vemt_calloc(n, sizeof *order);
    vemt_status st = VEMT_OK;
    if (!xy || !order) {
        st = vemt_ctx_fail(ctx, VEMT_E_NOMEM, "map: out of memory for labels");
        goto done;
    }
    vemt_polygons_centres(p, VEMT_CENTRE_SURFACE, xy);
    for (size_t i = 0; i < n; i++)
        order[i] = (by_area){vemt_polygons_m2(p, i), i};
    qsort(order, n, sizeof *order, larger_first);
    const vemt_box within = {VEMT_MAP_X0 + 2, VEMT_MAP_Y0 + 2, VEMT_MAP_X1 - 2,
                             VEMT_MAP_Y1 - 2};
    for (size_t j = 0; j < n && !st; j++) {
        size_t i = order[j].i;
        double u, v;
        to_page(f, xy[2 * i], xy[2 * i + 1], &u, &v);
        bool placed;
        if (vemt_label_place(cr, taken, &within, u, v, vemt_polygons_name(p, i),
                             8, &placed))
            st = vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                               "map: out of memory for labels");
    }
done:
    vemt_free(xy);
    vemt_free(order);
    return st;
}

/* ---- The map --------------------------------------------------------------
 */

static vemt_status check_args(vemt_ctx *ctx, const vemt_output *out,
                              vemt_pack_map_kind kind) {
    if (!out->grid || (unsigned)kind >= VEMT_MAP_COUNT)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "map: no units to draw");
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    if (kind == VEMT_MAP_CONCERN && !rules.exact_locations)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "map 'concern': the tier does not publish exact "
                             "locations");
    if (kind == VEMT_MAP_CONCERN && !out->safeguarding)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "map 'concern': no safeguarding analysis");
    if (kind == VEMT_MAP_EMERGING &&
        (!out->trends || !out->trends->pattern || !out->trends->cube ||
         vemt_cube_units(out->trends->cube) != vemt_units_count(out->grid)))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "map 'emerging': no patterns of these units");
    if (kind == VEMT_MAP_DENSITY && (!out->density || !out->density->raster))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "map 'density': no surface");
    return VEMT_OK;
}

/* Everything inside the map's frame, clipped to it. */
static vemt_status draw_inside(vemt_ctx *ctx, cairo_t *cr,
                               const vemt_map_frame *f, const vemt_output *out,
                               const vemt_pack *pack, vemt_pack_map_kind kind,
                               vemt_legend *l, vemt_boxes *taken) {
    vemt_status st = VEMT_OK;
    if (kind == VEMT_MAP_HOTSPOTS)
        st = draw_classes(ctx, cr, f, out, pack, l, "hotspot_cells",
                          hotspot_class, true);
    else if (kind == VEMT_MAP_EMERGING)
        st = draw_classes(ctx, cr, f, out, pack, l, "emerging_hotspots",
                          emerging_class, false);
    else if (kind == VEMT_MAP_DENSITY)
        st = draw_density(ctx, cr, f, out, l);
    if (!st && (kind == VEMT_MAP_DENSITY || kind == VEMT_MAP_CONCERN))
        st = draw_unit_outlines(ctx, cr, f, out);
    const vemt_polygons *own = vemt_units_polygons(out->grid);
    const vemt_polygons *names = pack->label_areas ? pack->label_areas : own;
    bool areas = pack->label_areas && pack->label_areas != own;
    if (!st && areas) st = draw_label_areas(ctx, cr, f, pack->label_areas);
    if (!st && out->area) st = draw_boundary(ctx, cr, f, out->area);
    if (!st && vemt_map_furniture_reserve(taken))
        st = vemt_ctx_fail(ctx, VEMT_E_NOMEM, "map: out of memory");
    if (!st && kind == VEMT_MAP_CONCERN) {
        st = draw_patrol(ctx, cr, f, out, taken, l);
        if (!st) draw_places(cr, f, out, l);
    }
    if (!st) st = draw_names(ctx, cr, f, names, taken);
    if (!st) vemt_map_furniture(cr, f);
    /* What the outlines are. */
    vemt_legend_add(l, VEMT_SWATCH_OUTLINE, OUTLINE_RGB, OUTLINE_PT,
                    pack->units && *pack->units ? pack->units : "Units");
    if (areas)
        vemt_legend_add(l, VEMT_SWATCH_OUTLINE, "100,100,100", 0.6,
                        "Named areas");
    if (out->area)
        vemt_legend_add(l, VEMT_SWATCH_OUTLINE, BOUNDARY_RGB, 1.4,
                        "Study area");
    return st;
}

vemt_status vemt_draw_map(vemt_ctx *ctx, cairo_t *cr, const vemt_output *out,
                          const vemt_pack *pack, vemt_pack_map_kind kind,
                          vemt_map_frame *frame) {
    if (!cr || !out || !pack || !frame)
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "map: missing argument");
    vemt_status st = check_args(ctx, out, kind);
    if (st) return st;
    vemt_bbox b;
    if (!map_extent(out, &b))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "map: nothing to draw");
    frame_for(&b, frame);
    vemt_legend legend = {0};
    vemt_boxes taken = {0};
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD); /* holes */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_save(cr);
    cairo_rectangle(cr, VEMT_MAP_X0, VEMT_MAP_Y0, VEMT_MAP_X1 - VEMT_MAP_X0,
                    VEMT_MAP_Y1 - VEMT_MAP_Y0);
    cairo_clip(cr);
    st = draw_inside(ctx, cr, frame, out, pack, kind, &legend, &taken);
    cairo_restore(cr);
    if (!st) vemt_map_page_text(cr, pack, kind, &legend);
    cairo_restore(cr);
    vemt_boxes_clear(&taken);
    if (!st && cairo_status(cr))
        st = vemt_ctx_fail(ctx, VEMT_E_DEPENDENCY, "map '%s': cairo: %s",
                           vemt_pack_map_name(kind),
                           cairo_status_to_string(cairo_status(cr)));
    return st;
}
