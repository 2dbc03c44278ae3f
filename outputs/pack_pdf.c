/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_pdf.c
 * @brief The board pack's PDF: a cover, the summary in plain English, the
 * maps and charts (vector, drawn by the same code as the PNGs), the tables
 * with their header repeated on each page, and the glossary; the marking
 * at the top and bottom of every page with "Page N of M". The layout runs
 * twice: a counting pass (same fonts and metrics, output discarded) gives
 * M, then the real pass draws, with tagged headings and an outline.
 */
#include <cairo-pdf.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/alloc.h"
#include "outputs/draw.h"
#include "outputs/pack_write.h"

#define M_SIDE 48.0
#define BODY_TOP 58.0
#define BODY_BOTTOM (VEMT_PAGE_H - 52.0)
#define BODY_W (VEMT_PAGE_W - 2 * M_SIDE)
/* Prose in a measure of about 90 characters, easier to read than the
 * page's whole width (tables and pictures take that). */
#define PROSE_W (0.72 * BODY_W)
#define S_BODY 10.5
#define S_H1 18.0
#define S_H2 13.0
#define S_TABLE 8.0
#define CELL_PAD 4.0
/* A board paper prints the head of a long table; the CSV holds it all. */
#define PDF_MAX_ROWS 100

typedef struct doc {
    vemt_ctx *ctx;
    const vemt_output *out;
    const vemt_pack *pack;
    cairo_surface_t *pdf;
    cairo_t *cr;
    bool counting;       /* the counting pass: no pictures, tags, outline */
    int page;            /* 1-based; 0 before the first */
    int n_pages;         /* from the counting pass; 0 during it */
    double y;            /* where the next line goes */
    bool flowing;        /* the page takes more text (not a picture's) */
    const char *running; /* the section's name in the page header */
    vemt_status st;      /* a picture's failure */
} doc;

/* A layout in the pack's font (draw.c), pango's alignment. Caller unrefs. */
static PangoLayout *layout(cairo_t *cr, const char *text, double size,
                           bool bold, double w, PangoAlignment align) {
    return vemt_text_layout(cr, text, size, bold, w,
                            align == PANGO_ALIGN_CENTER  ? VEMT_ALIGN_CENTRE
                            : align == PANGO_ALIGN_RIGHT ? VEMT_ALIGN_RIGHT
                                                         : VEMT_ALIGN_LEFT);
}

static void measure(cairo_t *cr, const char *text, double size, bool bold,
                    double w, double *tw, double *th) {
    PangoLayout *l = layout(cr, text, size, bold, w, PANGO_ALIGN_LEFT);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    g_object_unref(l);
    if (tw) *tw = (double)pw / PANGO_SCALE;
    if (th) *th = (double)ph / PANGO_SCALE;
}

static double show(cairo_t *cr, double x, double y, double w, const char *text,
                   double size, bool bold, PangoAlignment align) {
    PangoLayout *l = layout(cr, text, size, bold, w, align);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return (double)ph / PANGO_SCALE;
}

/* ---- Pages ------------------------------------------------------------- */

/* The header and footer of a page: the marking centred at both, the
 * pack's title and the section, the date and "Page N of M". */
static void chrome(doc *d) {
    cairo_t *cr = d->cr;
    const vemt_pack *p = d->pack;
    cairo_save(cr);
    vemt_draw_set_rgb(cr, "110,110,110", 1);
    show(cr, M_SIDE, 20, BODY_W / 3, p->title, 8, false, PANGO_ALIGN_LEFT);
    if (d->running)
        show(cr, VEMT_PAGE_W - M_SIDE - BODY_W / 3, 20, BODY_W / 3, d->running,
             8, false, PANGO_ALIGN_RIGHT);
    if (p->created)
        show(cr, M_SIDE, VEMT_PAGE_H - 30, BODY_W / 3, p->created, 8, false,
             PANGO_ALIGN_LEFT);
    char num[48];
    if (d->n_pages)
        snprintf(num, sizeof num, "Page %d of %d", d->page, d->n_pages);
    else
        snprintf(num, sizeof num, "Page %d", d->page);
    show(cr, VEMT_PAGE_W - M_SIDE - BODY_W / 3, VEMT_PAGE_H - 30, BODY_W / 3,
         num, 8, false, PANGO_ALIGN_RIGHT);
    cairo_set_line_width(cr, 0.5);
    vemt_draw_set_rgb(cr, "190,190,190", 1);
    cairo_move_to(cr, M_SIDE, 38);
    cairo_line_to(cr, VEMT_PAGE_W - M_SIDE, 38);
    cairo_move_to(cr, M_SIDE, VEMT_PAGE_H - 38);
    cairo_line_to(cr, VEMT_PAGE_W - M_SIDE, VEMT_PAGE_H - 38);
    cairo_stroke(cr);
    if (p->marking && *p->marking) {
        vemt_draw_set_rgb(cr, "0,0,0", 1);
        show(cr, M_SIDE + BODY_W / 3, 18, BODY_W / 3, p->marking, 10, true,
             PANGO_ALIGN_CENTER);
        show(cr, M_SIDE + BODY_W / 3, VEMT_PAGE_H - 32, BODY_W / 3, p->marking,
             10, true, PANGO_ALIGN_CENTER);
    }
    cairo_restore(cr);
}

static void new_page(doc *d) {
    if (d->page) cairo_show_page(d->cr);
    d->page++;
    chrome(d);
    d->y = BODY_TOP;
    d->flowing = true;
}

/* Start a new page unless h more fits on this one. */
static void need(doc *d, double h) {
    if (!d->flowing || (d->y + h > BODY_BOTTOM && d->y > BODY_TOP + 0.5))
        new_page(d);
}

/* Flow text (one paragraph) down the page from d->y at indent, breaking
 * to new pages between lines as needed. */
static void flow(doc *d, const char *text, double size, bool bold,
                 double indent, const char *rgb, double after) {
    cairo_t *cr = d->cr;
    PangoLayout *l =
        layout(cr, text, size, bold, PROSE_W - indent, PANGO_ALIGN_LEFT);
    pango_layout_set_line_spacing(l, 1.25f);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double y0 = d->y, off = 0, bottom = d->y;
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double top = (double)r.y / PANGO_SCALE,
               h = (double)r.height / PANGO_SCALE;
        if (y0 + top - off + h > BODY_BOTTOM &&
            y0 + top - off > BODY_TOP + 0.5) {
            new_page(d);
            y0 = d->y;
            off = top;
        }
        double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        vemt_draw_set_rgb(cr, rgb, 1);
        cairo_move_to(cr, M_SIDE + indent + (double)r.x / PANGO_SCALE,
                      y0 + base - off);
        pango_cairo_show_layout_line(cr,
                                     pango_layout_iter_get_line_readonly(it));
        bottom = y0 + top - off + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    d->y = bottom + after;
}

/* Text with '\n' between paragraphs, each flowed. */
static void paragraphs(doc *d, const char *text, double size, const char *rgb) {
    const char *p = text ? text : "";
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n) {
            char *one = vemt_malloc(n + 1);
            if (!one) {
                d->st = vemt_ctx_fail(d->ctx, VEMT_E_NOMEM,
                                      "out of memory laying out the PDF");
                return;
            }
            memcpy(one, p, n);
            one[n] = '\0';
            flow(d, one, size, false, 0, rgb, 6);
            vemt_free(one);
        }
        if (!nl) break;
        p = nl + 1;
    }
}

/* A heading (level 1 or 2): kept with the next lines, tagged H1/H2, and
 * an entry under parent in the outline (its id returned). */
static int heading(doc *d, const char *text, int level, int parent) {
    double size = level == 1 ? S_H1 : S_H2, h;
    measure(d->cr, text, size, true, BODY_W, NULL, &h);
    need(d, h + 3 * S_BODY * 1.4);
    const char *tag = level == 1 ? "H1" : "H2";
    if (!d->counting) cairo_tag_begin(d->cr, tag, NULL);
    vemt_draw_set_rgb(d->cr, "20,20,20", 1);
    show(d->cr, M_SIDE, d->y, BODY_W, text, size, true, PANGO_ALIGN_LEFT);
    if (!d->counting) cairo_tag_end(d->cr, tag);
    int id = 0;
    if (!d->counting) {
        char link[96];
        snprintf(link, sizeof link, "page=%d pos=[%g %g]", d->page, M_SIDE,
                 d->y);
        id = cairo_pdf_surface_add_outline(
            d->pdf, parent, text, link,
            level == 1 ? CAIRO_PDF_OUTLINE_FLAG_BOLD : 0);
    }
    d->y += h + (level == 1 ? 10 : 5);
    return id;
}

/* An outline entry for a section that starts on the next page. */
static int section(doc *d, const char *name) {
    d->running = name;
    if (d->counting) return 0;
    char link[32];
    snprintf(link, sizeof link, "page=%d", d->page + 1);
    return cairo_pdf_surface_add_outline(
        d->pdf, CAIRO_PDF_OUTLINE_ROOT, name, link,
        CAIRO_PDF_OUTLINE_FLAG_BOLD | CAIRO_PDF_OUTLINE_FLAG_OPEN);
}

/* ---- Sections ---------------------------------------------------------- */

/* One line of the cover: a label and its value. */
static void cover_line(doc *d, const char *label, const char *value) {
    if (!value || !*value) return;
    double h1, h2, x = M_SIDE + 170, w = BODY_W - 170;
    vemt_draw_set_rgb(d->cr, "90,90,90", 1);
    h1 = show(d->cr, M_SIDE, d->y, 160, label, 11, true, PANGO_ALIGN_LEFT);
    vemt_draw_set_rgb(d->cr, "20,20,20", 1);
    h2 = show(d->cr, x, d->y, w, value, 11, false, PANGO_ALIGN_LEFT);
    d->y += fmax(h1, h2) + 7;
}

static void cover(doc *d) {
    const vemt_pack *p = d->pack;
    d->running = NULL;
    new_page(d);
    d->y = 110;
    if (!d->counting) {
        char link[32];
        snprintf(link, sizeof link, "page=%d", d->page);
        cairo_pdf_surface_add_outline(d->pdf, CAIRO_PDF_OUTLINE_ROOT, "Cover",
                                      link, 0);
        cairo_tag_begin(d->cr, "H1", NULL);
    }
    vemt_draw_set_rgb(d->cr, "20,20,20", 1);
    d->y +=
        show(d->cr, M_SIDE, d->y, BODY_W, p->title, 28, true, PANGO_ALIGN_LEFT);
    if (!d->counting) cairo_tag_end(d->cr, "H1");
    vemt_draw_set_rgb(d->cr, "70,70,70", 1);
    if (p->area)
        d->y += 4 + show(d->cr, M_SIDE, d->y + 4, BODY_W, p->area, 16, false,
                         PANGO_ALIGN_LEFT);
    d->y += 36;
    char rules[256] = "";
    int n = snprintf(rules, sizeof rules, "%s", p->tier ? p->tier : "");
    if (p->threshold > 0 && n >= 0 && (size_t)n < sizeof rules)
        n += snprintf(rules + n, sizeof rules - (size_t)n,
                      "; counts under %g are withheld", p->threshold);
    if (p->round_to > 0 && n >= 0 && (size_t)n < sizeof rules)
        snprintf(rules + n, sizeof rules - (size_t)n,
                 "; counts are rounded to multiples of %g", p->round_to);
    cover_line(d, "Period", p->period);
    cover_line(d, "Categories analysed", p->categories);
    cover_line(d, "Units of analysis", p->units);
    cover_line(d, "Data sources", p->sources);
    cover_line(d, "Output tier", rules);
    cover_line(d, "Protective marking", p->marking);
    cover_line(d, "Attribution", p->attribution);
    cover_line(d, "Created", p->created);
}

static void summary(doc *d) {
    const vemt_pack *p = d->pack;
    d->running = "Summary";
    d->flowing = false;
    int parent = heading(d, "Summary", 1, CAIRO_PDF_OUTLINE_ROOT);
    if (!p->n_summary)
        paragraphs(d, "This run made no summary.", S_BODY, "20,20,20");
    for (size_t i = 0; i < p->n_summary; i++) {
        if (p->summary[i].heading) heading(d, p->summary[i].heading, 2, parent);
        paragraphs(d, p->summary[i].text, S_BODY, "20,20,20");
    }
}

/* What a picture page shows. */
typedef enum picture {
    PIC_TREND = VEMT_MAP_COUNT,
    PIC_UNITS,
    PIC_FORECAST
} picture;

/* A picture on a page of its own under its heading, scaled to fit the
 * body (vector: the same drawing code as the PNG). */
static void picture_page(doc *d, const char *title, int what, int parent) {
    d->flowing = false;
    heading(d, title, 2, parent);
    double s = fmin(BODY_W / VEMT_PAGE_W, (BODY_BOTTOM - d->y) / VEMT_PAGE_H);
    double x = M_SIDE + (BODY_W - s * VEMT_PAGE_W) / 2, y = d->y;
    d->flowing = false;
    if (d->counting || d->st) return;
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, s, s);
    cairo_rectangle(cr, 0, 0, VEMT_PAGE_W, VEMT_PAGE_H);
    cairo_clip(cr);
    vemt_map_frame frame;
    if (what == PIC_TREND)
        d->st = vemt_draw_trend_chart(d->ctx, cr, d->pack);
    else if (what == PIC_UNITS)
        d->st = vemt_draw_unit_charts(d->ctx, cr, d->pack);
    else if (what == PIC_FORECAST)
        d->st = vemt_draw_forecast_chart(d->ctx, cr, d->pack);
    else
        d->st = vemt_draw_map(d->ctx, cr, d->out, d->pack,
                              (vemt_pack_map_kind)what, &frame);
    cairo_restore(cr);
    cairo_set_line_width(cr, 0.5);
    vemt_draw_set_rgb(cr, "190,190,190", 1);
    cairo_rectangle(cr, x, y, s * VEMT_PAGE_W, s * VEMT_PAGE_H);
    cairo_stroke(cr);
}

/* A picture not drawn: its heading and why, in the flow. */
static void not_drawn(doc *d, const char *title, const char *why, int parent) {
    heading(d, title, 2, parent);
    char text[1024];
    snprintf(text, sizeof text, "Not drawn: %s", why);
    paragraphs(d, text, S_BODY, "20,20,20");
    d->y += 6;
}

static void maps(doc *d) {
    int parent = section(d, "Maps");
    d->flowing = false;
    for (int k = 0; k < VEMT_MAP_COUNT; k++) {
        const vemt_pack_map *m = &d->pack->maps[k];
        const char *title = m->title ? m->title : "Map";
        if (m->why_empty)
            not_drawn(d, title, m->why_empty, parent);
        else
            picture_page(d, title, k, parent);
    }
}

static void charts(doc *d) {
    const vemt_pack *p = d->pack;
    int parent = section(d, "Charts");
    d->flowing = false;
    static const char trend[] = "Events over time in the study area";
    char units[300];
    snprintf(units, sizeof units, "Events over time in the busiest %s",
             p->units ? p->units : "units");
    if (p->trend_why)
        not_drawn(d, trend, p->trend_why, parent);
    else
        picture_page(d, trend, PIC_TREND, parent);
    if (p->units_why)
        not_drawn(d, units, p->units_why, parent);
    else
        picture_page(d, units, PIC_UNITS, parent);
    static const char forecast[] = "How well the forecasts did (backtest)";
    /* A run that asked for no forecast gets no page about one. */
    if (!p->scores_why && !p->scores.n_steps) return;
    if (VEMT_PACK_SCORES_WHY(p))
        not_drawn(d, forecast, VEMT_PACK_SCORES_WHY(p), parent);
    else
        picture_page(d, forecast, PIC_FORECAST, parent);
}

/* Is every non-empty cell of column c a number (right-aligned)? */
static bool numeric_column(const vemt_pack_table *t, size_t c, size_t nr) {
    bool any = false;
    for (size_t r = 0; r < nr; r++) {
        const char *s = t->cells[r * t->n_cols + c];
        if (!s || !*s) continue;
        char *end;
        strtod(s, &end);
        if (*end) return false;
        any = true;
    }
    return any;
}

/* Column widths: natural where the table fits the page; else columns
 * narrower than an equal share keep theirs and the rest share what is
 * left, wrapping. */
static void column_widths(doc *d, const vemt_pack_table *t, size_t nr,
                          double *w) {
    size_t nc = t->n_cols;
    for (size_t c = 0; c < nc; c++) {
        double tw;
        measure(d->cr, t->columns[c], S_TABLE, true, 0, &tw, NULL);
        w[c] = tw;
        for (size_t r = 0; r < nr; r++) {
            measure(d->cr, t->cells[r * nc + c], S_TABLE, false, 0, &tw, NULL);
            if (tw > w[c]) w[c] = tw;
        }
        w[c] += 2 * CELL_PAD;
    }
    double total = 0;
    for (size_t c = 0; c < nc; c++) total += w[c];
    if (total <= BODY_W) return;
    /* Fair shares: fix the narrow columns until none changes. */
    bool *fixed = vemt_calloc(nc, sizeof *fixed);
    if (!fixed) { /* equal widths without the bookkeeping */
        for (size_t c = 0; c < nc; c++) w[c] = BODY_W / (double)nc;
        return;
    }
    double left = BODY_W;
    size_t open = nc;
    for (bool changed = true; changed && open;) {
        changed = false;
        double share = left / (double)open;
        for (size_t c = 0; c < nc; c++)
            if (!fixed[c] && w[c] <= share) {
                fixed[c] = true;
                left -= w[c];
                open--;
                changed = true;
            }
    }
    for (size_t c = 0; c < nc; c++)
        if (!fixed[c]) w[c] = left / (double)open;
    vemt_free(fixed);
}

/* The height of a row of cells (header: bold) at the widths. */
static double row_height(doc *d, const char *const *cells, size_t nc,
                         const double *w, bool bold) {
    double h = 0, th;
    for (size_t c = 0; c < nc; c++) {
        measure(d->cr, cells[c], S_TABLE, bold, w[c] - 2 * CELL_PAD, NULL, &th);
        if (th > h) h = th;
    }
    return h + 2 * CELL_PAD - 2;
}

static void draw_row(doc *d, const char *const *cells, size_t nc,
                     const double *w, const bool *num, double h, bool bold,
                     const char *fill) {
    cairo_t *cr = d->cr;
    double x = M_SIDE, total = 0;
    for (size_t c = 0; c < nc; c++) total += w[c];
    if (fill) {
        vemt_draw_set_rgb(cr, fill, 1);
        cairo_rectangle(cr, x, d->y, total, h);
        cairo_fill(cr);
    }
    vemt_draw_set_rgb(cr, "20,20,20", 1);
    for (size_t c = 0; c < nc; c++) {
        show(cr, x + CELL_PAD, d->y + CELL_PAD - 1, w[c] - 2 * CELL_PAD,
             cells[c], S_TABLE, bold,
             num[c] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        x += w[c];
    }
    d->y += h;
}

/* A table: header, then rows (the first PDF_MAX_ROWS), the header
 * repeated on each new page. */
static void table(doc *d, const vemt_pack_table *t) {
    size_t nc = t->n_cols,
           nr = t->n_rows < PDF_MAX_ROWS ? t->n_rows : PDF_MAX_ROWS;
    double *w = vemt_calloc(nc ? nc : 1, sizeof *w);
    bool *num = vemt_calloc(nc ? nc : 1, sizeof *num);
    if (!w || !num) {
        vemt_free(w);
        vemt_free(num);
        d->st = vemt_ctx_fail(d->ctx, VEMT_E_NOMEM,
                              "out of memory laying out the PDF");
        return;
    }
    column_widths(d, t, nr, w);
    for (size_t c = 0; c < nc; c++) num[c] = numeric_column(t, c, nr);
    double hh = row_height(d, t->columns, nc, w, true);
    need(d, hh + 3 * (S_TABLE + 2 * CELL_PAD));
    draw_row(d, t->columns, nc, w, num, hh, true, "225,225,225");
    for (size_t r = 0; r < nr; r++) {
        const char *const *row = t->cells + r * nc;
        double h = row_height(d, row, nc, w, false);
        if (d->y + h > BODY_BOTTOM) {
            new_page(d);
            char cont[300];
            snprintf(cont, sizeof cont, "%s (continued)",
                     t->title ? t->title : t->name);
            vemt_draw_set_rgb(d->cr, "90,90,90", 1);
            d->y += 4 + show(d->cr, M_SIDE, d->y, BODY_W, cont, 9, true,
                             PANGO_ALIGN_LEFT);
            draw_row(d, t->columns, nc, w, num, hh, true, "225,225,225");
        }
        draw_row(d, row, nc, w, num, h, false, r % 2 ? "245,245,245" : NULL);
    }
    vemt_free(w);
    vemt_free(num);
    d->y += 8;
    if (nr < t->n_rows) {
        char more[200];
        snprintf(more, sizeof more,
                 "The first %zu of %zu rows; tables/%s.csv holds them all.", nr,
                 t->n_rows, t->name);
        flow(d, more, 9, false, 0, "90,90,90", 4);
    }
}

static void tables(doc *d) {
    d->running = "Tables";
    d->flowing = false;
    int parent = heading(d, "Tables", 1, CAIRO_PDF_OUTLINE_ROOT);
    for (size_t i = 0; i < 3 && !d->st; i++) {
        const vemt_pack_table *t = &d->pack->tables[i];
        heading(d, t->title ? t->title : t->name, 2, parent);
        if (!t->n_rows || t->why_empty)
            paragraphs(d, t->why_empty ? t->why_empty : "No rows.", S_BODY,
                       "20,20,20");
        else
            table(d, t);
        if (t->note) paragraphs(d, t->note, 9, "90,90,90");
        d->y += 10;
    }
}

static void glossary(doc *d) {
    const vemt_pack *p = d->pack;
    d->running = "Glossary";
    d->flowing = false;
    heading(d, "Glossary", 1, CAIRO_PDF_OUTLINE_ROOT);
    for (size_t i = 0; i < p->n_glossary; i++) {
        double h;
        measure(d->cr, p->glossary[i].heading, S_BODY, true, BODY_W, NULL, &h);
        need(d, h + 2 * S_BODY * 1.4);
        flow(d, p->glossary[i].heading, S_BODY, true, 0, "20,20,20", 1);
        flow(d, p->glossary[i].text, S_BODY, false, 14, "40,40,40", 8);
    }
}

/* The whole document, once. */
static void lay_out(doc *d) {
    cover(d);
    summary(d);
    if (!d->st) maps(d);
    if (!d->st) charts(d);
    if (!d->st) tables(d);
    if (!d->st) glossary(d);
    cairo_show_page(d->cr);
}

/* ---- The file ---------------------------------------------------------- */

typedef struct sink {
    FILE *f; /* NULL: discard (the counting pass) */
    int err;
} sink;

static cairo_status_t to_sink(void *closure, const unsigned char *data,
                              unsigned int length) {
    sink *s = closure;
    if (!s->f || fwrite(data, 1, length, s->f) == length)
        return CAIRO_STATUS_SUCCESS;
    if (!s->err) s->err = errno ? errno : EIO;
    return CAIRO_STATUS_WRITE_ERROR;
}

static void metadata(cairo_surface_t *pdf, const vemt_output *out,
                     const vemt_pack *p) {
    if (p->title)
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, p->title);
    char subject[300];
    snprintf(subject, sizeof subject, "Board pack, %s tier%s%s",
             p->tier ? p->tier : "", p->marking && *p->marking ? ", " : "",
             p->marking && *p->marking ? p->marking : "");
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "vemt");
    if (out->provenance && out->provenance->created_utc > 0) {
        time_t t = (time_t)out->provenance->created_utc;
        struct tm tm;
        char date[40];
        if (gmtime_r(&t, &tm) &&
            strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm))
            cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATE_DATE,
                                           date);
    }
}

/* One pass: lay the document out on a PDF surface writing to s. */
static vemt_status pass(doc *d, sink *s) {
    d->pdf = cairo_pdf_surface_create_for_stream(to_sink, s, VEMT_PAGE_W,
                                                 VEMT_PAGE_H);
    d->cr = cairo_create(d->pdf);
    d->page = 0;
    d->st = VEMT_OK;
    if (!d->counting) metadata(d->pdf, d->out, d->pack);
    lay_out(d);
    cairo_status_t cs = cairo_status(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->pdf);
    if (!cs) cs = cairo_surface_status(d->pdf);
    cairo_surface_destroy(d->pdf);
    d->pdf = NULL;
    d->cr = NULL;
    if (d->st) return d->st;
    if (s->err)
        return vemt_ctx_fail(d->ctx, VEMT_E_IO, "can't write: %s",
                             strerror(s->err));
    if (cs)
        return vemt_ctx_fail(
            d->ctx,
            cs == CAIRO_STATUS_NO_MEMORY ? VEMT_E_NOMEM : VEMT_E_DEPENDENCY,
            "cairo failed laying out the PDF: %s", cairo_status_to_string(cs));
    return VEMT_OK;
}

vemt_status vemt_pack_write_pdf(vemt_ctx *ctx, const vemt_output *out,
                                const vemt_pack *pack, FILE *f, int *err_no) {
    *err_no = 0;
    doc d = {.ctx = ctx, .out = out, .pack = pack, .counting = true};
    sink none = {NULL, 0}, file = {f, 0};
    vemt_status st = pass(&d, &none);
    if (st) return st;
    d.n_pages = d.page;
    d.counting = false;
    errno = 0;
    st = pass(&d, &file);
    *err_no = file.err;
    return st;
}
