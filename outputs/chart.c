/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file chart.c
 * @brief The board pack's charts: the study area's counts over time with
 * their trend line and flagged steps (charts/trend.png), and small
 * multiples of the busiest units on one shared scale (charts/units.png),
 * and the forecasts' backtest by method (charts/forecast.png).
 * Both draw on a whole A4 landscape page in points, for a PNG or the PDF.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "outputs/draw.h"

/* Okabe and Ito (2008), "Color Universal Design": distinguishable by
 * readers with any common colour-vision deficiency, so the charts need no
 * palette option. */
#define C_BAR "0,114,178"    /* blue */
#define C_TREND "213,94,0"   /* vermillion */
#define C_FLAG "0,0,0"       /* black */
#define C_GRID "210,210,210" /* light grey */
#define C_TEXT "40,40,40"
#define C_MUTED "110,110,110"

#define MARGIN 40.0

/* A round axis step (1, 2, 2.5 or 5 times a power of ten, at least 1:
 * counts are whole) giving about five intervals up to max, and the top of
 * the axis (a multiple of the step at or above max). */
static void round_ticks(double max, double *step, double *top) {
    if (!(max > 0)) max = 1;
    double raw = max / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double s = (f <= 1     ? 1
                : f <= 2   ? 2
                : f <= 2.5 ? 2.5
                : f <= 5   ? 5
                           : 10) *
               mag;
    if (s < 1) s = 1;
    *step = s;
    *top = ceil(max / s - 1e-9) * s;
}

/* The largest finite value of the series' counts and trend. */
static double series_max(const vemt_pack_series *s) {
    double m = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (isfinite(s->count[i]) && s->count[i] > m) m = s->count[i];
        if (s->trend && isfinite(s->trend[i]) && s->trend[i] > m)
            m = s->trend[i];
    }
    return m;
}

static bool any_withheld(const vemt_pack_series *s) {
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(s->count[i])) return true;
    return false;
}

static bool any_flag(const vemt_pack_series *s) {
    for (size_t i = 0; s->flag && i < s->n; i++)
        if (s->flag[i]) return true;
    return false;
}

/* The protective marking centred at the top and bottom of the page. */
static void draw_marking(cairo_t *cr, const vemt_pack *pack) {
    if (!pack->marking || !*pack->marking) return;
    vemt_draw_set_rgb(cr, C_TEXT, 1);
    vemt_draw_text(cr, VEMT_PAGE_W / 2, 10, 0, pack->marking, 10, true,
                   VEMT_ALIGN_CENTRE);
    vemt_draw_text(cr, VEMT_PAGE_W / 2, VEMT_PAGE_H - 22, 0, pack->marking, 10,
                   true, VEMT_ALIGN_CENTRE);
}

/* Title and a subtitle line under it; returns the y below them. */
static double draw_title(cairo_t *cr, const char *title, const char *sub) {
    vemt_draw_set_rgb(cr, C_TEXT, 1);
    double y = 32;
    y += vemt_draw_text(cr, MARGIN, y, VEMT_PAGE_W - 2 * MARGIN, title, 20,
                        true, VEMT_ALIGN_LEFT);
    vemt_draw_set_rgb(cr, C_MUTED, 1);
    y += 2 + vemt_draw_text(cr, MARGIN, y + 2, VEMT_PAGE_W - 2 * MARGIN, sub,
                            11, false, VEMT_ALIGN_LEFT);
    return y + 10;
}

/* A filled diamond centred at (x, y): a flagged step. */
static void diamond(cairo_t *cr, double x, double y, double r) {
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
    vemt_draw_set_rgb(cr, C_FLAG, 1);
    cairo_fill(cr);
}

/* A small hatched box: where a withheld count would be. */
static void hatch(cairo_t *cr, double x, double y, double w, double h) {
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip_preserve(cr);
    vemt_draw_set_rgb(cr, C_MUTED, 1);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    for (double d = -h; d < w; d += 3) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The dashed trend line through the finite points, broken at gaps, and
 * clipped to the plot from 0 to top (a fitted line may leave it). */
static void trend_line(cairo_t *cr, const vemt_pack_series *s, double x0,
                       double slot, double base, double scale, double top,
                       double width) {
    if (!s->trend) return;
    static const double dash[] = {6, 4};
    cairo_save(cr);
    cairo_rectangle(cr, x0, base - top * scale - width, slot * (double)s->n,
                    top * scale + width);
    cairo_clip(cr);
    vemt_draw_set_rgb(cr, C_TREND, 1);
    cairo_set_line_width(cr, width);
    cairo_set_dash(cr, dash, 2, 0);
    bool pen = false;
    for (size_t i = 0; i < s->n; i++) {
        double v = s->trend[i];
        if (!isfinite(v)) {
            pen = false;
            continue;
        }
        double x = x0 + (i + 0.5) * slot, y = base - v * scale;
        if (pen)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen = true;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The y axis: gridlines and labels at each step up to top. */
static void y_axis(cairo_t *cr, double left, double right, double base,
                   double scale, double step, double top, double size,
                   bool labels) {
    cairo_set_line_width(cr, 0.5);
    for (double v = 0; v <= top + 1e-9; v += step) {
        double y = base - v * scale;
        vemt_draw_set_rgb(cr, v == 0 ? C_MUTED : C_GRID, 1);
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, right, y);
        cairo_stroke(cr);
        if (!labels) continue;
        char t[32];
        snprintf(t, sizeof t, "%g", v);
        double tw, th;
        vemt_text_extent(cr, t, size, false, &tw, &th);
        vemt_draw_set_rgb(cr, C_MUTED, 1);
        vemt_draw_text(cr, left - 4, y - th / 2, 0, t, size, false,
                       VEMT_ALIGN_RIGHT);
    }
}

/* Legend entries in a row from (x, y): a swatch and its words each. */
typedef enum swatch { SW_BAR, SW_TREND, SW_FLAG, SW_WITHHELD } swatch;

static double legend_entry(cairo_t *cr, double x, double y, swatch kind,
                           const char *text) {
    static const double dash[] = {6, 4};
    cairo_save(cr);
    switch (kind) {
        case SW_BAR:
            vemt_draw_set_rgb(cr, C_BAR, 1);
            cairo_rectangle(cr, x, y + 1, 14, 10);
            cairo_fill(cr);
            break;
        case SW_TREND:
            vemt_draw_set_rgb(cr, C_TREND, 1);
            cairo_set_line_width(cr, 2);
            cairo_set_dash(cr, dash, 2, 0);
            cairo_move_to(cr, x, y + 6);
            cairo_line_to(cr, x + 22, y + 6);
            cairo_stroke(cr);
            break;
        case SW_FLAG:
            diamond(cr, x + 7, y + 6, 5);
            break;
        case SW_WITHHELD:
            hatch(cr, x, y + 1, 14, 10);
            break;
    }
    cairo_restore(cr);
    double sw = kind == SW_TREND ? 28 : 20, tw, th;
    vemt_draw_set_rgb(cr, C_TEXT, 1);
    vemt_draw_text(cr, x + sw, y, 0, text, 10, false, VEMT_ALIGN_LEFT);
    vemt_text_extent(cr, text, 10, false, &tw, &th);
    return x + sw + tw + 24;
}

/* The attribution, small, bottom left (the counts come from the data). */
static void draw_attribution(cairo_t *cr, const vemt_pack *pack) {
    if (!pack->attribution || !*pack->attribution) return;
    vemt_draw_set_rgb(cr, C_MUTED, 1);
    vemt_draw_text(cr, MARGIN, VEMT_PAGE_H - 40, VEMT_PAGE_W / 2 - MARGIN,
                   pack->attribution, 7, false, VEMT_ALIGN_LEFT);
}

static vemt_status cairo_result(vemt_ctx *ctx, cairo_t *cr) {
    cairo_status_t cs = cairo_status(cr);
    if (cs == CAIRO_STATUS_SUCCESS) return VEMT_OK;
    vemt_status st = vemt_ctx_fail(
        ctx, cs == CAIRO_STATUS_NO_MEMORY ? VEMT_E_NOMEM : VEMT_E_DEPENDENCY,
        "cairo failed drawing a chart: %s", cairo_status_to_string(cs));
    vemt_ctx_set_source(ctx, "cairo");
    return st;
}

/* A chart's frame: the marking, title and subtitle, and a vertical axis
 * from 0 to a round top above max, named at its top; its bars stand on
 * base, bottom points above the page's foot. */
typedef struct axes {
    double left, right, base, scale, top;
} axes;

static void open_chart(cairo_t *cr, const vemt_pack *pack, const char *title,
                       const char *sub, double bottom, double max,
                       const char *name, axes *a) {
    draw_marking(cr, pack);
    double top_y = draw_title(cr, title, sub) + 18;
    a->left = MARGIN + 40, a->right = VEMT_PAGE_W - MARGIN;
    a->base = VEMT_PAGE_H - bottom;
    double step;
    round_ticks(max, &step, &a->top);
    a->scale = (a->base - top_y) / a->top;
    y_axis(cr, a->left, a->right, a->base, a->scale, step, a->top, 9, true);
    vemt_draw_set_rgb(cr, C_MUTED, 1);
    vemt_draw_text(cr, a->left - 4, top_y - 18, 0, name, 9, true,
                   VEMT_ALIGN_LEFT);
}

vemt_status vemt_draw_trend_chart(vemt_ctx *ctx, cairo_t *cr,
                                  const vemt_pack *pack) {
    const vemt_pack_series *s = &pack->trend;
    char title[512], sub[1024];
    snprintf(title, sizeof title, "Events over time: %s",
             s->name ? s->name : "study area");
    snprintf(sub, sizeof sub, "%s; %s", pack->period ? pack->period : "",
             pack->categories ? pack->categories : "all categories");
    cairo_save(cr);
    axes ax;
    open_chart(cr, pack, title, sub, 120, series_max(s), "Events", &ax);
    double left = ax.left, right = ax.right, base = ax.base, scale = ax.scale;

    size_t n = s->n ? s->n : 1;
    double slot = (right - left) / (double)n, bw = slot * 0.7;
    for (size_t i = 0; i < s->n; i++) {
        double x = left + i * slot + (slot - bw) / 2, v = s->count[i];
        if (!isfinite(v)) {
            hatch(cr, x, base - 8, bw, 8);
            continue;
        }
        vemt_draw_set_rgb(cr, C_BAR, 1);
        cairo_rectangle(cr, x, base - v * scale, bw, v * scale);
        cairo_fill(cr);
    }
    trend_line(cr, s, left, slot, base, scale, ax.top, 2);
    for (size_t i = 0; s->flag && i < s->n; i++) {
        if (!s->flag[i]) continue;
        double v = isfinite(s->count[i]) ? s->count[i] : 0;
        diamond(cr, left + (i + 0.5) * slot, base - v * scale - 10,
                fmin(6, slot / 2));
    }

    /* Labels thinned to every k-th step so none overlaps the next. */
    double widest = 0, tw, th = 0;
    for (size_t i = 0; s->labels && i < s->n; i++) {
        vemt_text_extent(cr, s->labels[i], 8, false, &tw, &th);
        if (tw > widest) widest = tw;
    }
    size_t k = (size_t)ceil((widest + 8) / slot);
    if (k < 1) k = 1;
    for (size_t i = 0; s->labels && i < s->n; i += k) {
        double x = left + (i + 0.5) * slot;
        vemt_draw_set_rgb(cr, C_MUTED, 1);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, x, base);
        cairo_line_to(cr, x, base + 4);
        cairo_stroke(cr);
        vemt_draw_set_rgb(cr, C_TEXT, 1);
        vemt_draw_text(cr, x, base + 6, 0, s->labels[i], 8, false,
                       VEMT_ALIGN_CENTRE);
    }

    double lx = left, ly = base + 34;
    lx = legend_entry(cr, lx, ly, SW_BAR, "Events (as published)");
    if (s->trend) lx = legend_entry(cr, lx, ly, SW_TREND, "Trend line");
    if (any_flag(s))
        lx = legend_entry(cr, lx, ly, SW_FLAG, "flagged by a change test");
    if (any_withheld(s))
        legend_entry(cr, lx, ly, SW_WITHHELD,
                     "withheld under the disclosure rules");
    if (any_withheld(s)) {
        vemt_draw_set_rgb(cr, C_MUTED, 1);
        vemt_draw_text(cr, left, ly + 18, right - left,
                       "A step without a column: its count is withheld under "
                       "the disclosure rules.",
                       9, false, VEMT_ALIGN_LEFT);
    }
    draw_attribution(cr, pack);
    cairo_restore(cr);
    return cairo_result(ctx, cr);
}

/* The backtest: for each share of the area a group of bars, one per
 * method, each its mean PAI over the steps scored, the value over it; a
 * dashed line at 1 (no better than chance). */
vemt_status vemt_draw_forecast_chart(vemt_ctx *ctx, cairo_t *cr,
                                     const vemt_pack *pack) {
    static const char *const colours[3] = {"0,114,178", "230,159,0",
                                           "0,158,115"};
    const vemt_pack_scores *sc = &pack->scores;
    double max = 1;
    for (int m = 0; m < 3; m++)
        for (int a = 0; a < 3; a++)
            if (isfinite(sc->pai[m][a]) && sc->pai[m][a] > max)
                max = sc->pai[m][a];
    char title[256], sub[512];
    snprintf(title, sizeof title,
             "How well the forecasts did: the Predictive Accuracy Index");
    char of[160] = "";
    if (sc->asked > sc->n_steps)
        snprintf(of, sizeof of,
                 " (%zu of the last %zu: the others had too few events to "
                 "publish)",
                 sc->n_steps, sc->asked);
    snprintf(sub, sizeof sub,
             "Each step from %s to %s%s forecast from the data before it; "
             "each method's PAI at each share of the area, the mean over the "
             "steps",
             sc->first ? sc->first : "", sc->last ? sc->last : "", of);
    cairo_save(cr);
    axes ax;
    open_chart(cr, pack, title, sub, 130, max, "PAI", &ax);
    double left = ax.left, right = ax.right, base = ax.base, scale = ax.scale;
    /* PAI 1: the share of events equals the share of area. */
    vemt_draw_set_rgb(cr, C_TREND, 1);
    cairo_set_line_width(cr, 1);
    double dash[] = {4, 3};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, left, base - scale);
    cairo_line_to(cr, right, base - scale);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    double slot = (right - left) / 3, bw = slot * 0.8 / 3;
    for (int a = 0; a < 3; a++) {
        double x0 = left + a * slot + slot * 0.1;
        for (int m = 0; m < 3; m++) {
            double v = sc->pai[m][a], x = x0 + m * bw;
            if (!isfinite(v)) {
                hatch(cr, x + 2, base - 8, bw - 4, 8);
                continue;
            }
            vemt_draw_set_rgb(cr, colours[m], 1);
            cairo_rectangle(cr, x + 2, base - v * scale, bw - 4, v * scale);
            cairo_fill(cr);
            char t[32];
            snprintf(t, sizeof t, "%.1f", v);
            vemt_draw_set_rgb(cr, C_TEXT, 1);
            vemt_draw_text(cr, x + bw / 2, base - v * scale - 14, 0, t, 9,
                           false, VEMT_ALIGN_CENTRE);
        }
        char t[64];
        snprintf(t, sizeof t, "top %g %% of the area", 100 * sc->shares[a]);
        vemt_draw_set_rgb(cr, C_TEXT, 1);
        vemt_draw_text(cr, left + (a + 0.5) * slot, base + 6, 0, t, 10, false,
                       VEMT_ALIGN_CENTRE);
    }
    double lx = left, ly = base + 34;
    for (int m = 0; m < 3; m++) {
        vemt_draw_set_rgb(cr, colours[m], 1);
        cairo_rectangle(cr, lx, ly + 2, 10, 10);
        cairo_fill(cr);
        double tw, th;
        const char *name = sc->methods[m] ? sc->methods[m] : "";
        vemt_text_extent(cr, name, 10, false, &tw, &th);
        vemt_draw_set_rgb(cr, C_TEXT, 1);
        vemt_draw_text(cr, lx + 14, ly, 0, name, 10, false, VEMT_ALIGN_LEFT);
        lx += 14 + tw + 18;
    }
    vemt_draw_set_rgb(cr, C_MUTED, 1);
    vemt_draw_text(cr, left, ly + 20, right - left,
                   "PAI = share of the next step's events in the area "
                   "flagged / share of the area (Chainey, Tompson & Uhlig "
                   "2008); the dashed line at 1 is no better than chance. "
                   "Recency: recent events nearby weigh most (Bowers, "
                   "Johnson & Pease 2004); last step: the last step's "
                   "counts; ewma: a moving average of each unit's counts.",
                   9, false, VEMT_ALIGN_LEFT);
    draw_attribution(cr, pack);
    cairo_restore(cr);
    return cairo_result(ctx, cr);
}

/* One small multiple: the series as a line (broken where withheld) on the
 * shared scale, its trend and flags, titled by its name. */
static void small_multiple(cairo_t *cr, const vemt_pack_series *s, double x,
                           double y, double w, double h, double step,
                           double top, bool y_labels) {
    vemt_draw_set_rgb(cr, C_TEXT, 1);
    vemt_draw_text(cr, x, y, w, s->name ? s->name : "", 9, true,
                   VEMT_ALIGN_LEFT);
    double ptop = y + 26, base = y + h - 16, scale = (base - ptop) / top;
    y_axis(cr, x, x + w, base, scale, top / 2 >= step ? top / 2 : top, top, 7,
           y_labels);
    size_t n = s->n ? s->n : 1;
    double slot = w / (double)n;
    cairo_save(cr);
    vemt_draw_set_rgb(cr, C_BAR, 1);
    cairo_set_line_width(cr, 1.4);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    bool pen = false;
    for (size_t i = 0; i < s->n; i++) {
        double v = s->count[i];
        if (!isfinite(v)) {
            pen = false;
            continue;
        }
        double px = x + (i + 0.5) * slot, py = base - v * scale;
        /* A lone point between gaps still shows: a short stroke. */
        if (!pen) cairo_move_to(cr, px - 0.5, py);
        cairo_line_to(cr, px, py);
        pen = true;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    trend_line(cr, s, x, slot, base, scale, top, 1.2);
    for (size_t i = 0; s->flag && i < s->n; i++)
        if (s->flag[i]) {
            double v = isfinite(s->count[i]) ? s->count[i] : 0;
            diamond(cr, x + (i + 0.5) * slot, base - v * scale - 6, 3);
        }
    if (s->labels && s->n) {
        vemt_draw_set_rgb(cr, C_MUTED, 1);
        vemt_draw_text(cr, x, base + 3, 0, s->labels[0], 7, false,
                       VEMT_ALIGN_LEFT);
        vemt_draw_text(cr, x + w, base + 3, 0, s->labels[s->n - 1], 7, false,
                       VEMT_ALIGN_RIGHT);
    }
}

vemt_status vemt_draw_unit_charts(vemt_ctx *ctx, cairo_t *cr,
                                  const vemt_pack *pack) {
    size_t n = pack->n_unit_series < 10 ? pack->n_unit_series : 10;
    double max = 0;
    bool withheld = false, trend = false, flags = false;
    for (size_t i = 0; i < n; i++) {
        const vemt_pack_series *s = &pack->unit_series[i];
        double m = series_max(s);
        if (m > max) max = m;
        withheld = withheld || any_withheld(s);
        trend = trend || s->trend;
        flags = flags || any_flag(s);
    }
    double step, top;
    round_ticks(max, &step, &top);
    char title[512], sub[1024];
    snprintf(title, sizeof title, "Events over time: the busiest %s",
             pack->units ? pack->units : "units");
    snprintf(sub, sizeof sub, "The %zu with the most events; %s; %s", n,
             pack->period ? pack->period : "",
             pack->categories ? pack->categories : "all categories");
    cairo_save(cr);
    draw_marking(cr, pack);
    double y0 = draw_title(cr, title, sub);
    /* Up to five a row, two rows. */
    size_t cols = n < 5 ? (n ? n : 1) : 5, rows = n > 5 ? 2 : 1;
    double gap = 22, left = MARGIN + 18, right = VEMT_PAGE_W - MARGIN;
    double w = (right - left - (double)(cols - 1) * gap) / (double)cols;
    double bottom = VEMT_PAGE_H - 92;
    double h = (bottom - y0 - (double)(rows - 1) * gap) / (double)rows;
    for (size_t i = 0; i < n; i++) {
        size_t col = i % cols, row = i / cols;
        small_multiple(cr, &pack->unit_series[i], left + col * (w + gap),
                       y0 + row * (h + gap), w, h, step, top, col == 0);
    }
    char note[256];
    snprintf(note, sizeof note,
             "All panels share one vertical scale (events per step, from 0 "
             "to %g), so their heights compare directly.",
             top);
    double lx = left, ly = bottom + 6;
    vemt_draw_set_rgb(cr, C_TEXT, 1);
    vemt_draw_text(cr, left, ly, right - left, note, 10, false,
                   VEMT_ALIGN_LEFT);
    ly += 18;
    if (trend) lx = legend_entry(cr, lx, ly, SW_TREND, "Trend line");
    if (flags)
        lx = legend_entry(cr, lx, ly, SW_FLAG, "flagged by a change test");
    if (withheld) {
        vemt_draw_set_rgb(cr, C_MUTED, 1);
        vemt_draw_text(cr, lx, ly, 0,
                       "Gaps in a line: withheld under the disclosure rules.",
                       10, false, VEMT_ALIGN_LEFT);
    }
    draw_attribution(cr, pack);
    cairo_restore(cr);
    return cairo_result(ctx, cr);
}
