/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_legend.c
 * @brief What a board-pack map has around its layers: labels on a halo
 * that never overlap, the legend, the scale bar, the north arrow, the title,
 * the protective marking and the attribution.
 */
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/pack_map.h"

/* Text and lines in dark grey, as the QGIS styles' labels. */
#define INK "40,40,40"

void vemt_boxes_clear(vemt_boxes *bs) {
    vemt_free(bs->b);
    memset(bs, 0, sizeof *bs);
}

static vemt_status boxes_push(vemt_boxes *bs, const vemt_box *b) {
    if (bs->n == bs->cap) {
        size_t cap = bs->cap ? 2 * bs->cap : 64;
        vemt_box *grown = vemt_realloc(bs->b, cap * sizeof *grown);
        if (!grown) return VEMT_E_NOMEM;
        bs->b = grown;
        bs->cap = cap;
    }
    bs->b[bs->n++] = *b;
    return VEMT_OK;
}

static bool boxes_overlap(const vemt_box *a, const vemt_box *b) {
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

void vemt_legend_add(vemt_legend *l, vemt_swatch s, const char *rgb,
                     double width, const char *label) {
    if (l->n >= VEMT_LEGEND_MAX) return;
    vemt_legend_item *it = &l->items[l->n++];
    it->swatch = s;
    snprintf(it->rgb, sizeof it->rgb, "%s", rgb ? rgb : INK);
    it->width = width;
    snprintf(it->label, sizeof it->label, "%s", label ? label : "");
}

void vemt_draw_hatch(cairo_t *cr) {
    cairo_save(cr);
    cairo_clip(cr);
    double x0, y0, x1, y1;
    cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
    vemt_draw_set_rgb(cr, "232,232,232", 1);
    cairo_paint(cr);
    /* Lines rising to the right, 2.5 pt apart (QGIS's b_diagonal). */
    vemt_draw_set_rgb(cr, "150,150,150", 1);
    cairo_set_line_width(cr, 0.5);
    double h = y1 - y0;
    for (double x = x0 - h; x <= x1; x += 2.5) {
        cairo_move_to(cr, x, y1);
        cairo_line_to(cr, x + h, y0);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

void vemt_draw_halo_text(cairo_t *cr, double x, double y, const char *text,
                         double size, bool bold, const char *rgb) {
    PangoLayout *l = vemt_text_layout(cr, text, size, bold, 0, VEMT_ALIGN_LEFT);
    vemt_drawn_note(cr, text);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_move_to(cr, x, y);
    pango_cairo_layout_path(cr, l);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_width(cr, size * 0.28);
    vemt_draw_set_rgb(cr, "255,255,255", 0.9);
    cairo_stroke(cr);
    /* The text itself as text, not a path: a PDF's labels stay searchable
     * (and auditable by the checker with pdftotext). */
    vemt_draw_set_rgb(cr, rgb, 1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
    g_object_unref(l);
}

vemt_status vemt_label_place(cairo_t *cr, vemt_boxes *taken,
                             const vemt_box *within, double u, double v,
                             const char *text, double size, bool *placed) {
    *placed = false;
    if (!text || !*text || !isfinite(u) || !isfinite(v)) return VEMT_OK;
    double w, h;
    vemt_text_extent(cr, text, size, true, &w, &h);
    /* The box with the halo's room around the text. */
    vemt_box b = {u - w / 2 - 1, v - h / 2 - 1, u + w / 2 + 1, v + h / 2 + 1};
    if (b.x0 < within->x0 || b.y0 < within->y0 || b.x1 > within->x1 ||
        b.y1 > within->y1)
        return VEMT_OK;
    for (size_t i = 0; i < taken->n; i++)
        if (boxes_overlap(&b, &taken->b[i])) return VEMT_OK;
    if (boxes_push(taken, &b)) return VEMT_E_NOMEM;
    vemt_draw_halo_text(cr, u - w / 2, v - h / 2, text, size, true, INK);
    *placed = true;
    return VEMT_OK;
}

/* Where the scale bar and the north arrow go: the frame's bottom-left and
 * top-right corners. */
static vemt_box scale_box(void) {
    return (vemt_box){VEMT_MAP_X0, VEMT_MAP_Y1 - 34,
                      VEMT_MAP_X0 + (VEMT_MAP_X1 - VEMT_MAP_X0) / 4 + 40,
                      VEMT_MAP_Y1};
}

static vemt_box north_box(void) {
    return (vemt_box){VEMT_MAP_X1 - 34, VEMT_MAP_Y0, VEMT_MAP_X1,
                      VEMT_MAP_Y0 + 46};
}

vemt_status vemt_map_furniture_reserve(vemt_boxes *taken) {
    vemt_box s = scale_box(), n = north_box();
    if (boxes_push(taken, &s) || boxes_push(taken, &n)) return VEMT_E_NOMEM;
    return VEMT_OK;
}

/* The largest round length (1, 2 or 5 x 10^n metres) not over target. */
static double round_length_m(double target) {
    double p = pow(10, floor(log10(target)));
    return target >= 5 * p ? 5 * p : target >= 2 * p ? 2 * p : p;
}

static void length_text(double m, char *buf, size_t size) {
    if (m >= 1000)
        snprintf(buf, size, "%g km", m / 1000);
    else
        snprintf(buf, size, "%g m", m);
}

static void scale_bar(cairo_t *cr, const vemt_map_frame *f) {
    /* About a fifth of the frame's width, in two halves, black and white. */
    double len = round_length_m((VEMT_MAP_X1 - VEMT_MAP_X0) / 5 * f->m_per_pt);
    double w = len / f->m_per_pt, x = VEMT_MAP_X0 + 10, y = VEMT_MAP_Y1 - 16;
    char end[32], half[32];
    length_text(len, end, sizeof end);
    length_text(len / 2, half, sizeof half);
    double tw, th;
    vemt_text_extent(cr, end, 7, false, &tw, &th);
    vemt_draw_set_rgb(cr, "255,255,255", 0.85);
    cairo_rectangle(cr, x - 6, y - th - 6, w + tw / 2 + 12, th + 16);
    cairo_fill(cr);
    cairo_set_line_width(cr, 0.6);
    for (int k = 0; k < 2; k++) {
        cairo_rectangle(cr, x + k * w / 2, y, w / 2, 4);
        vemt_draw_set_rgb(cr, k ? "255,255,255" : INK, 1);
        cairo_fill_preserve(cr);
        vemt_draw_set_rgb(cr, INK, 1);
        cairo_stroke(cr);
    }
    vemt_draw_set_rgb(cr, INK, 1);
    vemt_draw_text(cr, x, y - th - 1, 0, "0", 7, false, VEMT_ALIGN_CENTRE);
    vemt_draw_text(cr, x + w / 2, y - th - 1, 0, half, 7, false,
                   VEMT_ALIGN_CENTRE);
    vemt_draw_text(cr, x + w, y - th - 1, 0, end, 7, false, VEMT_ALIGN_CENTRE);
}

static void north_arrow(cairo_t *cr) {
    vemt_box b = north_box();
    double cx = (b.x0 + b.x1) / 2, top = b.y0 + 16, bottom = b.y1 - 6;
    vemt_draw_set_rgb(cr, "255,255,255", 0.85);
    cairo_rectangle(cr, b.x0 + 4, b.y0 + 3, b.x1 - b.x0 - 8, b.y1 - b.y0 - 6);
    cairo_fill(cr);
    /* A split arrowhead: the left half dark, the right half white. */
    cairo_set_line_width(cr, 0.6);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    const char *fill[2] = {INK, "255,255,255"};
    for (int k = 0; k < 2; k++) {
        double s = k ? 1 : -1;
        cairo_move_to(cr, cx, top);
        cairo_line_to(cr, cx + s * 7, bottom);
        cairo_line_to(cr, cx, bottom - 6);
        cairo_close_path(cr);
        vemt_draw_set_rgb(cr, fill[k], 1);
        cairo_fill_preserve(cr);
        vemt_draw_set_rgb(cr, INK, 1);
        cairo_stroke(cr);
    }
    vemt_draw_text(cr, cx, b.y0 + 4, 0, "N", 9, true, VEMT_ALIGN_CENTRE);
}

void vemt_map_furniture(cairo_t *cr, const vemt_map_frame *frame) {
    cairo_save(cr);
    scale_bar(cr, frame);
    north_arrow(cr);
    cairo_restore(cr);
}

/* One legend symbol in the box (x, y, w, h). */
static void swatch(cairo_t *cr, const vemt_legend_item *it, double x, double y,
                   double w, double h) {
    cairo_save(cr);
    cairo_set_line_width(cr, 0.5);
    cairo_rectangle(cr, x, y, w, h);
    switch (it->swatch) {
        case VEMT_SWATCH_FILL:
            vemt_draw_set_rgb(cr, it->rgb, 1);
            cairo_fill_preserve(cr);
            vemt_draw_set_rgb(cr, "150,150,150", 1);
            cairo_stroke(cr);
            break;
        case VEMT_SWATCH_PLAIN:
            vemt_draw_set_rgb(cr, "150,150,150", 0.6);
            cairo_stroke(cr);
            break;
        case VEMT_SWATCH_HATCH:
            vemt_draw_hatch(cr);
            cairo_rectangle(cr, x, y, w, h);
            vemt_draw_set_rgb(cr, "150,150,150", 1);
            cairo_stroke(cr);
            break;
        case VEMT_SWATCH_OUTLINE:
        case VEMT_SWATCH_DASHED:
            if (it->swatch == VEMT_SWATCH_DASHED) {
                static const double dash[] = {3, 2};
                cairo_set_dash(cr, dash, 2, 0);
            }
            cairo_set_line_width(cr, it->width > 0 ? it->width : 0.5);
            vemt_draw_set_rgb(cr, it->rgb, 1);
            cairo_stroke(cr);
            break;
        case VEMT_SWATCH_POINT:
            cairo_new_path(cr);
            cairo_arc(cr, x + w / 2, y + h / 2, it->width, 0, 2 * acos(-1.0));
            vemt_draw_set_rgb(cr, it->rgb, 1);
            cairo_fill_preserve(cr);
            vemt_draw_set_rgb(cr, "255,255,255", 1);
            cairo_stroke(cr);
            break;
    }
    cairo_restore(cr);
}

/* The legend panel at the right of the map; returns where it ends. */
static double legend(cairo_t *cr, const vemt_legend *l, double y) {
    double x = VEMT_LEGEND_X, w = VEMT_LEGEND_W;
    vemt_draw_set_rgb(cr, INK, 1);
    y += vemt_draw_text(cr, x, y, w, "Legend", 11, true, VEMT_ALIGN_LEFT) + 6;
    for (size_t i = 0; i < l->n; i++) {
        const vemt_legend_item *it = &l->items[i];
        vemt_draw_set_rgb(cr, INK, 1);
        double th = vemt_draw_text(cr, x + 24, y, w - 24, it->label, 8, false,
                                   VEMT_ALIGN_LEFT);
        swatch(cr, it, x + 1, y + 0.5, 16, 10);
        y += fmax(th, 11) + 4;
    }
    return y;
}

static const char *default_title(vemt_pack_map_kind kind) {
    static const char titles[][48] = {"Hot spots", "Emerging hot spots",
                                      "Density of events",
                                      "Locations of concern and patrol places"};
    return (unsigned)kind < VEMT_MAP_COUNT ? titles[kind] : "";
}

void vemt_map_page_text(cairo_t *cr, const vemt_pack *pack,
                        vemt_pack_map_kind kind, const vemt_legend *l) {
    cairo_save(cr);
    double full = VEMT_PAGE_W - 2 * VEMT_MAP_X0;
    vemt_draw_set_rgb(cr, "120,120,120", 1);
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, VEMT_MAP_X0, VEMT_MAP_Y0, VEMT_MAP_X1 - VEMT_MAP_X0,
                    VEMT_MAP_Y1 - VEMT_MAP_Y0);
    cairo_stroke(cr);

    vemt_draw_set_rgb(cr, "0,0,0", 1);
    if (pack->marking && *pack->marking) {
        vemt_draw_text(cr, VEMT_PAGE_W / 2, 8, 0, pack->marking, 10, true,
                       VEMT_ALIGN_CENTRE);
        vemt_draw_text(cr, VEMT_PAGE_W / 2, VEMT_PAGE_H - 20, 0, pack->marking,
                       10, true, VEMT_ALIGN_CENTRE);
    }
    const char *title = pack->maps[kind].title;
    vemt_draw_set_rgb(cr, INK, 1);
    double y = 24;
    y += vemt_draw_text(cr, VEMT_MAP_X0, y, full,
                        title && *title ? title : default_title(kind), 15, true,
                        VEMT_ALIGN_LEFT);
    char line[512];
    snprintf(line, sizeof line, "%s%s%s%s%s",
             pack->area && *pack->area ? pack->area : "",
             pack->area && *pack->area ? " · " : "",
             pack->period ? pack->period : "",
             pack->period && pack->categories ? " · " : "",
             pack->categories ? pack->categories : "");
    vemt_draw_text(cr, VEMT_MAP_X0, y + 2, full, line, 9.5, false,
                   VEMT_ALIGN_LEFT);

    y = legend(cr, l, VEMT_MAP_Y0) + 10;
    /* The palette matters only on the classed maps. */
    static const char colours[][48] = {
        "Colours: Esri's (as the GeoPackage's styles)",
        "Colours: safe for colour-blind readers"};
    bool classed = kind == VEMT_MAP_HOTSPOTS || kind == VEMT_MAP_EMERGING;
    const char *facts[][2] = {
        {"Units: ", pack->units},
        {"Tier: ", pack->tier},
        {"",
         classed ? colours[pack->palette == VEMT_PALETTE_COLOURBLIND] : NULL},
        {"Created ", pack->created}};
    vemt_draw_set_rgb(cr, "90,90,90", 1);
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        if (!facts[i][1] || !*facts[i][1]) continue;
        snprintf(line, sizeof line, "%s%s", facts[i][0], facts[i][1]);
        y += vemt_draw_text(cr, VEMT_LEGEND_X, y, VEMT_LEGEND_W, line, 7.5,
                            false, VEMT_ALIGN_LEFT) +
             2;
    }
    if (pack->attribution && *pack->attribution)
        vemt_draw_text(cr, VEMT_MAP_X0, VEMT_MAP_Y1 + 4, full,
                       pack->attribution, 6.5, false, VEMT_ALIGN_LEFT);
    cairo_restore(cr);
}
