/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file draw.h
 * @brief Private to outputs/: drawing the board pack with cairo and pango.
 * One drawing code for the PNGs and the PDF: every function draws into a
 * cairo context whose user space is in points (1/72 inch), y down; a PNG
 * scales it by VEMT_PACK_DPI / 72.
 */
#ifndef VEMT_OUTPUTS_DRAW_H
#define VEMT_OUTPUTS_DRAW_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>

#include "outputs/pack.h"
#include "outputs/style.h"

/* A4 landscape, in points, and the PNGs' resolution. */
#define VEMT_PAGE_W (297.0 / 25.4 * 72.0)
#define VEMT_PAGE_H (210.0 / 25.4 * 72.0)
#define VEMT_PACK_DPI 300.0

/** The font every page uses (fonts-dejavu-core). */
#define VEMT_FONT "DejaVu Sans"

/** Where the text goes. */
typedef enum vemt_align {
    VEMT_ALIGN_LEFT = 0,
    VEMT_ALIGN_CENTRE,
    VEMT_ALIGN_RIGHT
} vemt_align;

/** A pango layout of text in the pack's font, size points, bold or not,
 * wrapped to width w (0: no wrap) and aligned. Caller unrefs. */
PangoLayout *vemt_text_layout(cairo_t *cr, const char *text, double size,
                              bool bold, double w, vemt_align align);

/** Draw text (UTF-8, plain: no markup) wrapped to width w (0: no wrap) with
 * its top-left at (x, y), in size points, bold or not, in the current
 * source colour. Returns the height it took. */
double vemt_draw_text(cairo_t *cr, double x, double y, double w,
                      const char *text, double size, bool bold,
                      vemt_align align);

/** The words drawn on a surface, noted once each when a notebook is
 * attached to it (the pack's maps and charts: the manifest keeps them). */
typedef struct vemt_drawn {
    char **text;
    size_t n, cap;
    bool nomem; /* a word could not be noted */
} vemt_drawn;

/** Note every text drawn on surface s into d from now on (d outlives s's
 * drawing). */
void vemt_drawn_attach(cairo_surface_t *s, vemt_drawn *d);

/** Note text as drawn on cr's target, if a notebook is attached to it. */
void vemt_drawn_note(cairo_t *cr, const char *text);

/** Free d's words and zero it. */
void vemt_drawn_clear(vemt_drawn *d);

/** The width and height text would take (no wrap). */
void vemt_text_extent(cairo_t *cr, const char *text, double size, bool bold,
                      double *w, double *h);

/** Set the source colour from "r,g,b" (0..255 each) with alpha 0..1;
 * black when rgb does not parse. */
void vemt_draw_set_rgb(cairo_t *cr, const char *rgb, double alpha);

/** How a map's frame maps to the map: a point (u, v) of user space (points,
 * y down) is at map x = x0 + u * m_per_pt, y = y0 - v * m_per_pt (the
 * analysis CRS, metres). A PNG's world file follows from it. */
typedef struct vemt_map_frame {
    double x0, y0, m_per_pt;
} vemt_map_frame;

/** Draw map kind of the pack (pack->maps[kind] must have no why_empty) on
 * a whole page of cr (VEMT_PAGE_W x VEMT_PAGE_H points): the map with the
 * study boundary, units' outlines and labels, title, period and categories,
 * legend, scale bar, north arrow, the marking and the attribution. *frame
 * gets the map's georeferencing. Returns VEMT_E_NOMEM, VEMT_E_DEPENDENCY
 * (cairo failed) or VEMT_OK. */
vemt_status vemt_draw_map(vemt_ctx *ctx, cairo_t *cr, const vemt_output *out,
                          const vemt_pack *pack, vemt_pack_map_kind kind,
                          vemt_map_frame *frame);

/** Draw charts/trend.png's chart (the study area's series, its trend line
 * and flagged steps) on a whole page; pack->trend_why must be NULL. */
vemt_status vemt_draw_trend_chart(vemt_ctx *ctx, cairo_t *cr,
                                  const vemt_pack *pack);

/** Draw charts/units.png's small multiples (pack->unit_series) on a whole
 * page; pack->units_why must be NULL. */
/** The forecasts' backtest (charts/forecast.png): each method's mean PAI
 * at each share of the area, grouped bars. VEMT_E_NOMEM. */
vemt_status vemt_draw_forecast_chart(vemt_ctx *ctx, cairo_t *cr,
                                     const vemt_pack *pack);

vemt_status vemt_draw_unit_charts(vemt_ctx *ctx, cairo_t *cr,
                                  const vemt_pack *pack);

/** The colour of class i of style s under the palette ("r,g,b"): the
 * style's own for VEMT_PALETTE_ESRI. Borrowed, static. */
const char *vemt_palette_rgb(const vemt_style *s, size_t i,
                             vemt_palette palette);

#endif /* VEMT_OUTPUTS_DRAW_H */
