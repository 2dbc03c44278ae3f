/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack.c
 * @brief The board pack's folder: the manifest (board-pack.json), the
 * maps and charts as 300 dpi PNGs (maps with world files), the tables as
 * CSV for spreadsheets and the PDF (outputs/pack_pdf.c), each written to a
 * temporary registered with the run's commit.
 */
#define _DEFAULT_SOURCE /* lstat */
#include "outputs/pack.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "outputs/draw.h"
#include "outputs/ogr_writer.h"
#include "outputs/pack_write.h"

/* The pack's files, relative to its folder (pack.h's list). */
static const char pack_files[][24] = {
    "board-pack.json",     "board-pack.pdf",    "maps/hotspots.png",
    "maps/hotspots.pgw",   "maps/emerging.png", "maps/emerging.pgw",
    "maps/density.png",    "maps/density.pgw",  "maps/concern.png",
    "maps/concern.pgw",    "charts/trend.png",  "charts/units.png",
    "charts/forecast.png", "tables/units.csv",  "tables/trends.csv",
    "tables/missing.csv"};

const char *vemt_pack_file_name(size_t i) {
    return i < sizeof pack_files / sizeof pack_files[0] ? pack_files[i] : NULL;
}

/* ---- The manifest ------------------------------------------------------ */

static json_object *text_or_null(const char *s) {
    return s ? json_object_new_string(s) : NULL;
}

/* A number as a JSON number: whole numbers without a fraction ("40"),
 * others to 15 significant digits; NaN and infinities (withheld) as
 * null. */
static json_object *number(double v) {
    if (!isfinite(v)) return NULL;
    if (v == floor(v) && fabs(v) < 1e15)
        return json_object_new_int64((int64_t)v);
    char t[40];
    snprintf(t, sizeof t, "%.15g", v);
    return json_object_new_double_s(v, t);
}

static json_object *strings(const char *const *s, size_t n) {
    json_object *a = json_object_new_array();
    for (size_t i = 0; s && i < n; i++)
        json_object_array_add(a, json_object_new_string(s[i] ? s[i] : ""));
    return a;
}

static json_object *paras(const vemt_pack_para *p, size_t n, const char *key,
                          const char *text_key) {
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, key, text_or_null(p[i].heading));
        json_object_object_add(o, text_key, text_or_null(p[i].text));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *series_json(const vemt_pack_series *s) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", text_or_null(s->name));
    json_object_object_add(o, "labels", strings(s->labels, s->n));
    json_object *c = json_object_new_array();
    for (size_t i = 0; s->count && i < s->n; i++)
        json_object_array_add(c, number(s->count[i]));
    json_object_object_add(o, "count", c);
    json_object *t = NULL, *f = NULL;
    if (s->trend) {
        t = json_object_new_array();
        for (size_t i = 0; i < s->n; i++)
            json_object_array_add(t, number(s->trend[i]));
    }
    if (s->flag) {
        f = json_object_new_array();
        for (size_t i = 0; i < s->n; i++)
            json_object_array_add(f, json_object_new_int(s->flag[i] ? 1 : 0));
    }
    json_object_object_add(o, "trend", t);
    json_object_object_add(o, "flag", f);
    return o;
}

static json_object *table_json(const vemt_pack_table *t) {
    json_object *o = json_object_new_object();
    char file[64];
    snprintf(file, sizeof file, "tables/%s.csv", t->name ? t->name : "");
    json_object_object_add(o, "name", text_or_null(t->name));
    json_object_object_add(o, "file",
                           t->why_empty ? NULL : json_object_new_string(file));
    json_object_object_add(o, "title", text_or_null(t->title));
    json_object_object_add(o, "columns", strings(t->columns, t->n_cols));
    size_t n_counts = 0;
    while (t->counts && t->counts[n_counts]) n_counts++;
    json_object_object_add(o, "counts", strings(t->counts, n_counts));
    json_object *rows = json_object_new_array();
    for (size_t r = 0; t->cells && r < t->n_rows; r++)
        json_object_array_add(rows,
                              strings(t->cells + r * t->n_cols, t->n_cols));
    json_object_object_add(o, "rows", rows);
    json_object_object_add(o, "why_empty", text_or_null(t->why_empty));
    json_object_object_add(o, "note", text_or_null(t->note));
    return o;
}

static json_object *maps_json(const vemt_pack *pack) {
    json_object *a = json_object_new_array();
    for (int k = 0; k < VEMT_MAP_COUNT; k++) {
        const vemt_pack_map *m = &pack->maps[k];
        const char *name = vemt_pack_map_name((vemt_pack_map_kind)k);
        char file[64];
        snprintf(file, sizeof file, "maps/%s.png", name);
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(name));
        json_object_object_add(
            o, "file", m->why_empty ? NULL : json_object_new_string(file));
        json_object_object_add(o, "title", text_or_null(m->title));
        json_object_object_add(o, "why_empty", text_or_null(m->why_empty));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *chart_json(const char *name, const char *why) {
    char file[64];
    snprintf(file, sizeof file, "charts/%s.png", name);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "file",
                           why ? NULL : json_object_new_string(file));
    json_object_object_add(o, "why_empty", text_or_null(why));
    return o;
}

char *vemt_pack_json(const vemt_pack *pack) {
    return vemt_pack_json_drawn(pack, NULL);
}

char *vemt_pack_json_drawn(const vemt_pack *pack, const vemt_drawn *drawn) {
    json_object *d = json_object_new_object();
    if (!d) return NULL;
    json_object_object_add(d, "vemt_board_pack", json_object_new_int(1));
    static const char *const keys[] = {
        "tier",       "marking", "title",   "area",        "period",
        "categories", "units",   "sources", "attribution", "created"};
    const char *const vals[] = {pack->tier,   pack->marking, pack->title,
                                pack->area,   pack->period,  pack->categories,
                                pack->units,  pack->sources, pack->attribution,
                                pack->created};
    json_object_object_add(d, keys[0], text_or_null(vals[0]));
    json_object_object_add(d, keys[1], text_or_null(vals[1]));
    json_object_object_add(d, "threshold", number(pack->threshold));
    json_object_object_add(d, "round_to", number(pack->round_to));
    for (size_t i = 2; i < sizeof keys / sizeof keys[0]; i++)
        json_object_object_add(d, keys[i], text_or_null(vals[i]));
    json_object_object_add(
        d, "palette", json_object_new_string(vemt_palette_name(pack->palette)));
    json_object_object_add(
        d, "summary", paras(pack->summary, pack->n_summary, "heading", "text"));
    json_object_object_add(d, "maps", maps_json(pack));
    json_object *charts = json_object_new_array();
    json_object_array_add(charts, chart_json("trend", pack->trend_why));
    json_object_array_add(charts, chart_json("units", pack->units_why));
    /* the backtest's chart only when a forecast was asked (pack_pdf.c) */
    if (pack->scores_why || pack->scores.n_steps)
        json_object_array_add(
            charts, chart_json("forecast", VEMT_PACK_SCORES_WHY(pack)));
    json_object_object_add(d, "charts", charts);
    json_object *series = json_object_new_array();
    json_object_array_add(series, series_json(&pack->trend));
    for (size_t i = 0; i < pack->n_unit_series; i++)
        json_object_array_add(series, series_json(&pack->unit_series[i]));
    json_object_object_add(d, "series", series);
    json_object *tables = json_object_new_array();
    for (size_t i = 0; i < 3; i++)
        json_object_array_add(tables, table_json(&pack->tables[i]));
    json_object_object_add(d, "tables", tables);
    json_object_object_add(
        d, "glossary", paras(pack->glossary, pack->n_glossary, "term", "text"));
    /* Every other word the maps and charts print (legends, scale bars,
     * axes, labels): the manifest holds all the pack says. */
    json_object *words = json_object_new_array();
    for (size_t i = 0; drawn && i < drawn->n; i++)
        json_object_array_add(words, json_object_new_string(drawn->text[i]));
    json_object_object_add(d, "drawn", words);
    char *text = vemt_strdup(json_object_to_json_string_ext(
        d, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(d);
    return text;
}

/* ---- Writing the folder ------------------------------------------------ */

typedef struct writer {
    vemt_ctx *ctx;
    const char *dir;
    const vemt_output *out;
    const vemt_pack *pack;
    cairo_surface_t *page; /* one 300 dpi page image, reused */
    vemt_drawn drawn;      /* the words drawn on it */
} writer;

/* Fail with "<rel>: <reason>", the folder as the source (it outlives the
 * call; the file's path does not). */
static vemt_status fail_in(writer *w, const char *rel, vemt_status st,
                           const char *why) {
    vemt_ctx_fail(w->ctx, st, "%s: %s", rel, why);
    vemt_ctx_set_source(w->ctx, w->dir);
    return st;
}

static vemt_status final_path(writer *w, const char *rel, char *buf,
                              size_t size) {
    int n = snprintf(buf, size, "%s/%s", w->dir, rel);
    if (n < 0 || (size_t)n >= size)
        return fail_in(w, rel, VEMT_E_ARG, "the path is too long");
    return VEMT_OK;
}

/* Open the temporary for rel (its final path into final), made private
 * before anything is written when the tier shows locations. */
static vemt_status begin_file(writer *w, const char *rel, char *final,
                              char *tmp, size_t size, FILE **f) {
    *f = NULL;
    vemt_status st = final_path(w, rel, final, size);
    const char *dot = strrchr(rel, '.');
    if (!st) st = vemt_tmp_path(w->ctx, final, dot, tmp, size);
    if (st) return st;
    unlink(tmp);
    *f = fopen(tmp, "wb");
    if (!*f) {
        char why[300];
        snprintf(why, sizeof why, "can't create: %s", strerror(errno));
        return fail_in(w, rel, VEMT_E_IO, why);
    }
    st = vemt_output_protect(w->ctx, w->out, tmp);
    if (st) {
        fclose(*f);
        *f = NULL;
        unlink(tmp);
        return fail_in(w, rel, st, vemt_ctx_error(w->ctx)->msg);
    }
    return VEMT_OK;
}

/* Close f and register tmp for final with the commit; on any failure
 * (st, or the close) remove tmp and name the file and the cause. */
static vemt_status end_file(writer *w, const char *rel, const char *final,
                            const char *tmp, FILE *f, vemt_commit_kind kind,
                            vemt_status st, int err_no) {
    if (f) {
        errno = 0;
        bool bad = ferror(f) != 0;
        int e = errno;
        if (fclose(f) != 0 || bad) {
            if (!st) {
                st = VEMT_E_IO;
                vemt_ctx_fail(w->ctx, st, "can't write: %s",
                              strerror(errno ? errno
                                       : e   ? e
                                             : EIO));
            }
            if (!err_no) err_no = errno ? errno : e;
        }
    }
    if (!st) return vemt_commit_add(w->ctx, w->out->commit, tmp, final, kind);
    unlink(tmp);
    st = vemt_output_write_failed(w->ctx, final, tmp, err_no, st);
    char why[sizeof vemt_ctx_error(w->ctx)->msg];
    snprintf(why, sizeof why, "%s", vemt_ctx_error(w->ctx)->msg);
    return fail_in(w, rel, st, why);
}

/* A file of this name left by an earlier run goes at the commit. */
static vemt_status stale(writer *w, const char *rel) {
    char final[4200];
    struct stat sb;
    vemt_status st = final_path(w, rel, final, sizeof final);
    if (st || lstat(final, &sb) != 0) return st;
    return vemt_commit_remove(w->ctx, w->out->commit, final);
}

/* The folder (or a subfolder: rel) exists as a folder, made 0700 when
 * missing. */
static vemt_status folder(writer *w, const char *rel) {
    char path[4200];
    vemt_status st = rel ? final_path(w, rel, path, sizeof path) : VEMT_OK;
    if (st) return st;
    if (!rel) snprintf(path, sizeof path, "%s", w->dir);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) return VEMT_OK;
        return fail_in(w, rel ? rel : ".", VEMT_E_IO,
                       "is not a folder; the board pack needs a folder");
    }
    if (errno == ENOENT && mkdir(path, 0700) == 0) return VEMT_OK;
    char why[300];
    snprintf(why, sizeof why, "can't make the folder: %s", strerror(errno));
    return fail_in(w, rel ? rel : ".", VEMT_E_IO, why);
}

/* ---- PNG: libpng, for speed ----------------------------------------- */

/* cairo's own encoder (zlib level 6 with adaptive filters) takes 0.3 to
 * 0.4 s for a 3508 x 2480 page; zlib level 3 with the Up filter about
 * 0.1 s, in files of similar size for these flat-coloured pages. libpng
 * also records the 300 dpi (pHYs), which cairo can't. */
typedef struct png_sink {
    FILE *f;
    int err;       /* errno of a failed write, or 0 */
    char msg[160]; /* libpng's reason */
} png_sink;

static void png_to_file(png_structp png, png_bytep data, size_t n) {
    png_sink *o = png_get_io_ptr(png);
    if (fwrite(data, 1, n, o->f) == n) return;
    o->err = errno ? errno : EIO;
    png_error(png, "write failed");
}

static void png_no_flush(png_structp png) { (void)png; }

static void png_failed(png_structp png, png_const_charp msg) {
    png_sink *o = png_get_error_ptr(png);
    snprintf(o->msg, sizeof o->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warned(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

/* Encode the page image (cairo's RGB24: a native-endian 0x00RRGGBB word
 * a pixel) as an 8-bit RGB PNG into o->f. False with o->msg (and o->err
 * for a failed write). */
static bool encode_png(cairo_surface_t *page, png_sink *o) {
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, o,
                                              png_failed, png_warned);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(o->msg, sizeof o->msg, "out of memory");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    int w = cairo_image_surface_get_width(page);
    int h = cairo_image_surface_get_height(page);
    int stride = cairo_image_surface_get_stride(page);
    unsigned char *data = cairo_image_surface_get_data(page);
    png_set_write_fn(png, o, png_to_file, png_no_flush);
    png_set_compression_level(png, 3);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    /* 300 dots per inch in dots per metre: 300 / 0.0254. */
    png_uint_32 ppm = (png_uint_32)lround(VEMT_PACK_DPI / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_text sw = {.compression = PNG_TEXT_COMPRESSION_NONE,
                   .key = "Software",
                   .text = "vemt"};
    png_set_text(png, info, &sw, 1);
    png_write_info(png, info);
    const uint32_t one = 1;
    if (*(const unsigned char *)&one) { /* little-endian: B, G, R, pad */
        png_set_bgr(png);
        png_set_filler(png, 0, PNG_FILLER_AFTER);
    } else { /* pad, R, G, B */
        png_set_filler(png, 0, PNG_FILLER_BEFORE);
    }
    for (int y = 0; y < h; y++) png_write_row(png, data + (size_t)y * stride);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return true;
}

static vemt_status cairo_failed(writer *w, const char *rel, cairo_status_t cs) {
    char why[300];
    snprintf(why, sizeof why, "cairo failed: %s", cairo_status_to_string(cs));
    return fail_in(
        w, rel, cs == CAIRO_STATUS_NO_MEMORY ? VEMT_E_NOMEM : VEMT_E_DEPENDENCY,
        why);
}

/* What a page image shows. */
typedef enum picture {
    PIC_TREND = VEMT_MAP_COUNT,
    PIC_UNITS,
    PIC_FORECAST
} picture;

/* Read a PNG back row by row into one row's buffer (libpng checks every
 * chunk's CRC and the compressed stream), without decoding it into a
 * 35 MB image as cairo would. */
static bool png_rows_read(png_structp png, png_infop info, FILE *f,
                          unsigned char *row, size_t row_size) {
    png_init_io(png, f);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    if (w != (png_uint_32)lround(VEMT_PAGE_W * VEMT_PACK_DPI / 72) ||
        h != (png_uint_32)lround(VEMT_PAGE_H * VEMT_PACK_DPI / 72) ||
        png_get_rowbytes(png, info) > row_size ||
        png_get_interlace_type(png, info) != PNG_INTERLACE_NONE)
        return false;
    for (png_uint_32 y = 0; y < h; y++) png_read_row(png, row, NULL);
    png_read_end(png, NULL);
    return true;
}

bool vemt_pack_png_is_whole(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    png_sink o = {f, 0, ""};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &o,
                                             png_failed, png_warned);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    size_t row_size = 4 * 3508 + 64;
    unsigned char *row = info ? vemt_malloc(row_size) : NULL;
    bool ok = false;
    if (row && !setjmp(png_jmpbuf(png)))
        ok = png_rows_read(png, info, f, row, row_size);
    png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    vemt_free(row);
    fclose(f);
    return ok;
}

bool vemt_pack_pdf_is_whole(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char head[5], tail[33] = {0};
    bool ok = fread(head, 1, 5, f) == 5 && !memcmp(head, "%PDF-", 5) &&
              fseek(f, -32, SEEK_END) == 0;
    size_t n = ok ? fread(tail, 1, 32, f) : 0;
    fclose(f);
    return ok && n == 32 && strstr(tail, "%%EOF") != NULL;
}

/* Draw picture (a map kind, or a chart) on the reused 300 dpi page. */
static vemt_status draw_page(writer *w, const char *rel, int what,
                             vemt_map_frame *frame) {
    if (!w->page) {
        w->page = cairo_image_surface_create(
            CAIRO_FORMAT_RGB24, (int)lround(VEMT_PAGE_W * VEMT_PACK_DPI / 72),
            (int)lround(VEMT_PAGE_H * VEMT_PACK_DPI / 72));
        cairo_status_t cs = cairo_surface_status(w->page);
        if (cs) return cairo_failed(w, rel, cs);
        vemt_drawn_attach(w->page, &w->drawn);
    }
    cairo_t *cr = cairo_create(w->page);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, VEMT_PACK_DPI / 72, VEMT_PACK_DPI / 72);
    vemt_status st;
    if (what == PIC_TREND)
        st = vemt_draw_trend_chart(w->ctx, cr, w->pack);
    else if (what == PIC_UNITS)
        st = vemt_draw_unit_charts(w->ctx, cr, w->pack);
    else if (what == PIC_FORECAST)
        st = vemt_draw_forecast_chart(w->ctx, cr, w->pack);
    else
        st = vemt_draw_map(w->ctx, cr, w->out, w->pack,
                           (vemt_pack_map_kind)what, frame);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(w->page);
    if (!st && cs) return cairo_failed(w, rel, cs);
    if (st) {
        char why[sizeof vemt_ctx_error(w->ctx)->msg];
        snprintf(why, sizeof why, "%s", vemt_ctx_error(w->ctx)->msg);
        return fail_in(w, rel, st, why);
    }
    return VEMT_OK;
}

/* Draw and write one PNG (rel) of the picture. */
static vemt_status write_png(writer *w, const char *rel, int what,
                             vemt_map_frame *frame) {
    char final[4200], tmp[4300];
    vemt_status st = draw_page(w, rel, what, frame);
    FILE *f = NULL;
    if (!st) st = begin_file(w, rel, final, tmp, sizeof final, &f);
    if (st) return st;
    png_sink o = {f, 0, ""};
    errno = 0;
    if (!encode_png(w->page, &o)) {
        if (o.err)
            st = vemt_ctx_fail(w->ctx, VEMT_E_IO, "can't write: %s",
                               strerror(o.err));
        else
            st = vemt_ctx_fail(w->ctx, VEMT_E_DEPENDENCY, "libpng failed: %s",
                               o.msg);
    }
    return end_file(w, rel, final, tmp, f, VEMT_COMMIT_PNG, st, o.err);
}

/* The world file of a map PNG: pixel size, two rotations, minus the pixel
 * size, then the centre of the top-left pixel (Esri's world file format;
 * GDAL reads it beside a PNG as its geotransform). A pixel is 72/300 of a
 * point of the frame. */
static vemt_status write_world(writer *w, const char *rel,
                               const vemt_map_frame *fr) {
    char final[4200], tmp[4300];
    FILE *f;
    vemt_status st = begin_file(w, rel, final, tmp, sizeof final, &f);
    if (st) return st;
    double px = fr->m_per_pt * 72.0 / VEMT_PACK_DPI;
    errno = 0;
    int rc =
        fprintf(f, "%.10f\n0.0000000000\n0.0000000000\n%.10f\n%.6f\n%.6f\n", px,
                -px, fr->x0 + px / 2, fr->y0 - px / 2);
    if (rc < 0)
        vemt_ctx_fail(w->ctx, VEMT_E_IO, "can't write: %s", strerror(errno));
    return end_file(w, rel, final, tmp, f, VEMT_COMMIT_TEXT,
                    rc < 0 ? VEMT_E_IO : VEMT_OK, rc < 0 ? errno : 0);
}

static vemt_status write_maps(writer *w) {
    for (int k = 0; k < VEMT_MAP_COUNT; k++) {
        const char *name = vemt_pack_map_name((vemt_pack_map_kind)k);
        char png[64], pgw[64];
        snprintf(png, sizeof png, "maps/%s.png", name);
        snprintf(pgw, sizeof pgw, "maps/%s.pgw", name);
        vemt_status st;
        if (w->pack->maps[k].why_empty) {
            st = stale(w, png);
            if (!st) st = stale(w, pgw);
        } else {
            vemt_map_frame fr = {0, 0, 0};
            st = write_png(w, png, k, &fr);
            if (!st) st = write_world(w, pgw, &fr);
        }
        if (st) return st;
    }
    return VEMT_OK;
}

static vemt_status write_charts(writer *w) {
    vemt_status st = w->pack->trend_why
                         ? stale(w, "charts/trend.png")
                         : write_png(w, "charts/trend.png", PIC_TREND, NULL);
    if (!st)
        st = w->pack->units_why
                 ? stale(w, "charts/units.png")
                 : write_png(w, "charts/units.png", PIC_UNITS, NULL);
    if (!st)
        st = VEMT_PACK_SCORES_WHY(w->pack)
                 ? stale(w, "charts/forecast.png")
                 : write_png(w, "charts/forecast.png", PIC_FORECAST, NULL);
    return st;
}

/* One CSV field, quoted as RFC 4180 section 2 requires when it holds a
 * comma, a quote or a line break (quotes doubled). */
static void csv_field(FILE *f, const char *s) {
    if (!s) s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_row(FILE *f, const char *const *cells, size_t n) {
    for (size_t c = 0; c < n; c++) {
        if (c) fputc(',', f);
        csv_field(f, cells[c]);
    }
    fputs("\r\n", f); /* RFC 4180: CRLF */
}

/* tables/<name>.csv: UTF-8 with a byte-order mark (Excel otherwise reads
 * it as the local code page), header then rows, CRLF line ends. */
static vemt_status write_table(writer *w, const vemt_pack_table *t) {
    char rel[64], final[4200], tmp[4300];
    snprintf(rel, sizeof rel, "tables/%s.csv", t->name ? t->name : "");
    if (t->why_empty) return stale(w, rel);
    FILE *f;
    vemt_status st = begin_file(w, rel, final, tmp, sizeof final, &f);
    if (st) return st;
    errno = 0;
    fputs("\xEF\xBB\xBF", f);
    csv_row(f, t->columns, t->n_cols);
    for (size_t r = 0; r < t->n_rows; r++)
        csv_row(f, t->cells + r * t->n_cols, t->n_cols);
    int e = ferror(f) ? (errno ? errno : EIO) : 0;
    if (e) vemt_ctx_fail(w->ctx, VEMT_E_IO, "can't write: %s", strerror(e));
    return end_file(w, rel, final, tmp, f, VEMT_COMMIT_TEXT,
                    e ? VEMT_E_IO : VEMT_OK, e);
}

static vemt_status write_manifest(writer *w) {
    const char *rel = "board-pack.json";
    char *text =
        w->drawn.nomem ? NULL : vemt_pack_json_drawn(w->pack, &w->drawn);
    if (!text)
        return fail_in(w, rel, VEMT_E_NOMEM,
                       "out of memory writing the manifest");
    char final[4200], tmp[4300];
    FILE *f;
    vemt_status st = begin_file(w, rel, final, tmp, sizeof final, &f);
    if (!st) {
        errno = 0;
        size_t n = strlen(text);
        bool ok = fwrite(text, 1, n, f) == n && fputc('\n', f) != EOF;
        int e = ok ? 0 : (errno ? errno : EIO);
        if (e) vemt_ctx_fail(w->ctx, VEMT_E_IO, "can't write: %s", strerror(e));
        st = end_file(w, rel, final, tmp, f, VEMT_COMMIT_TEXT,
                      e ? VEMT_E_IO : VEMT_OK, e);
    }
    vemt_free(text);
    return st;
}

static vemt_status write_pdf(writer *w) {
    const char *rel = "board-pack.pdf";
    char final[4200], tmp[4300];
    FILE *f;
    vemt_status st = begin_file(w, rel, final, tmp, sizeof final, &f);
    if (st) return st;
    int e = 0;
    st = vemt_pack_write_pdf(w->ctx, w->out, w->pack, f, &e);
    return end_file(w, rel, final, tmp, f, VEMT_COMMIT_PDF, st, e);
}

vemt_status vemt_outputs_write_pack(
    vemt_ctx *ctx, const char *dir, const vemt_output *out,
    const vemt_pack *pack, void (*progress)(void *user, const char *stage),
    void *user) {
    if (!out->commit)
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "the board pack is written through a commit");
    writer w = {ctx, dir, out, pack, NULL, {0}};
    vemt_status st = folder(&w, NULL);
    if (!st) st = folder(&w, "maps");
    if (!st) st = folder(&w, "charts");
    if (!st) st = folder(&w, "tables");
    /* Temporaries a killed run left (their process gone). */
    static const char subs[][8] = {"", "/maps", "/charts", "/tables"};
    for (size_t i = 0; i < 4 && !st; i++) {
        char path[4200];
        int n = snprintf(path, sizeof path, "%s%s", dir, subs[i]);
        if (n > 0 && (size_t)n < sizeof path) vemt_commit_clean_stale(path);
    }
    if (!st && progress) progress(user, "maps");
    if (!st) st = write_maps(&w);
    if (!st && progress) progress(user, "charts");
    if (!st) st = write_charts(&w);
    if (w.page) cairo_surface_destroy(w.page);
    if (!st && progress) progress(user, "tables");
    for (size_t i = 0; i < 3 && !st; i++)
        st = write_table(&w, &pack->tables[i]);
    if (!st) st = write_manifest(&w);
    if (!st && progress) progress(user, "pdf");
    if (!st) st = write_pdf(&w);
    vemt_drawn_clear(&w.drawn);
    return st;
}
