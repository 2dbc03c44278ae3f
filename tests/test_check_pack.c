/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_check_pack.c
 * @brief `vemt check-disclosure` on a board pack (issue 18): packs built
 * by hand (the manifest with json-c, the CSVs with fprintf, the PDF with
 * cairo and pango, the PNGs with cairo) in a private folder; a clean
 * public pack passes, each rule catches its own violation, and a
 * restricted pack is held only to the structural rules.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <cairo-pdf.h>
#include <cairo.h>
#include <gdal.h>
#include <json-c/json.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/check.h"
#include "outputs/draw.h"
#include "outputs/outputs.h"
#include "outputs/pack.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

/* What a pack holds; each test edits a copy of the clean one. */
typedef struct pack {
    const char *tier;
    double threshold, round_to;
    const char *summary;
    const char *units_cols[8];
    size_t n_units_cols;
    const char *units[2][8];    /* two rows */
    const char *csv_units_cell; /* else units[0][3] in the CSV only */
    bool bom, crlf;
    const char *pdf_extra; /* a line more on the PDF's second page */
    bool stale_csv, concern_png;
} pack;

static pack clean_pack(void) {
    pack p = {.tier = "public",
              .threshold = 10,
              .round_to = 5,
              .summary =
                  "Between January 2023 and December 2024 the study area "
                  "had 40 events; 20 children were reported missing.",
              .units_cols = {"rank", "unit_id", "name", "events", "hot_spot",
                             "pattern"},
              .n_units_cols = 6,
              .units = {{"1", "E05001", "Park \"North\", East", "25",
                         "Hot spot, 99 %", "New"},
                        {"2", "E05002", "", "10", "Not significant", ""}},
              .bom = true,
              .crlf = true};
    return p;
}

static json_object *strings(const char *const *s, size_t n) {
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, s[i] ? json_object_new_string(s[i]) : NULL);
    return a;
}

static json_object *entry(const char *name, const char *file, const char *title,
                          const char *why) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "file",
                           file ? json_object_new_string(file) : NULL);
    if (title)
        json_object_object_add(o, "title", json_object_new_string(title));
    json_object_object_add(o, "why_empty",
                           why ? json_object_new_string(why) : NULL);
    return o;
}

static const char *const trend_cols[] = {"step", "events"};
static const char *const trends[3][2] = {
    {"Jan 2024", "15"}, {"Feb 2024", ""}, {"Mar 2024", "25"}};

static json_object *table(const char *name, const char *file,
                          const char *const *cols, size_t n_cols,
                          const char *const *cells, size_t n_rows,
                          const char *const *counts, size_t n_counts,
                          const char *why) {
    json_object *t = json_object_new_object();
    json_object_object_add(t, "name", json_object_new_string(name));
    json_object_object_add(t, "file",
                           file ? json_object_new_string(file) : NULL);
    json_object_object_add(t, "title", json_object_new_string(name));
    json_object_object_add(t, "columns", strings(cols, n_cols));
    json_object_object_add(t, "counts", strings(counts, n_counts));
    json_object *rows = json_object_new_array();
    for (size_t i = 0; i < n_rows; i++)
        json_object_array_add(rows, strings(cells + i * n_cols, n_cols));
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "why_empty",
                           why ? json_object_new_string(why) : NULL);
    json_object_object_add(t, "note", NULL);
    return t;
}

static void add_str(json_object *o, const char *key, const char *value) {
    json_object_object_add(o, key, json_object_new_string(value));
}

static void write_manifest(const char *dir, const pack *p) {
    json_object *m = json_object_new_object();
    json_object_object_add(m, "vemt_board_pack", json_object_new_int(1));
    add_str(m, "tier", p->tier);
    add_str(m, "marking", "OFFICIAL");
    json_object_object_add(m, "threshold",
                           json_object_new_double(p->threshold));
    json_object_object_add(m, "round_to", json_object_new_double(p->round_to));
    add_str(m, "title", "Hot spots and trends: Tees");
    add_str(m, "area", "Tees");
    add_str(m, "period", "January 2023 to December 2024");
    add_str(m, "categories", "all categories");
    add_str(m, "units", "wards (areas.gpkg)");
    add_str(m, "sources", "police.uk street-level crime");
    json_object_object_add(m, "attribution", NULL);
    add_str(m, "created", "7 December 2026");
    add_str(m, "palette", "esri");
    json_object *summary = json_object_new_array(),
                *para = json_object_new_object();
    add_str(para, "heading", "Summary");
    add_str(para, "text", p->summary);
    json_object_array_add(summary, para);
    json_object_object_add(m, "summary", summary);
    json_object *maps = json_object_new_array();
    json_object_array_add(maps,
                          entry("hotspots", "maps/hotspots.png",
                                "Hot spots (Gi*, FDR at 90/95/99 %)", NULL));
    json_object_array_add(maps,
                          entry("emerging", NULL, "Emerging hot spots",
                                "Too few time steps for emerging hot spots."));
    json_object_array_add(
        maps, entry("density", NULL, "Density", "No density was asked for."));
    json_object_array_add(maps,
                          entry("concern", NULL, "Locations of concern",
                                "The public tier publishes no locations."));
    json_object_object_add(m, "maps", maps);
    json_object *charts = json_object_new_array();
    json_object_array_add(charts,
                          entry("trend", "charts/trend.png", NULL, NULL));
    json_object_array_add(
        charts, entry("units", NULL, NULL, "No unit has enough events."));
    json_object_object_add(m, "charts", charts);
    json_object *series = json_object_new_array(),
                *s = json_object_new_object();
    static const char *const labels[] = {"Jan 2024", "Feb 2024", "Mar 2024"};
    add_str(s, "name", "Study area");
    json_object_object_add(s, "labels", strings(labels, 3));
    json_object *count = json_object_new_array();
    json_object_array_add(count, json_object_new_int(15));
    json_object_array_add(count, NULL);
    json_object_array_add(count, json_object_new_int(25));
    json_object_object_add(s, "count", count);
    json_object_object_add(s, "trend", NULL);
    json_object_object_add(s, "flag", NULL);
    json_object_array_add(series, s);
    json_object_object_add(m, "series", series);
    json_object *tables = json_object_new_array();
    const char *cells[16];
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < p->n_units_cols; j++)
            cells[i * p->n_units_cols + j] = p->units[i][j];
    static const char *const unit_counts[] = {"events"};
    json_object_array_add(
        tables, table("units", "tables/units.csv", p->units_cols,
                      p->n_units_cols, cells, 2, unit_counts, 1, NULL));
    json_object_array_add(tables,
                          table("trends", "tables/trends.csv", trend_cols, 2,
                                &trends[0][0], 3, unit_counts, 1, NULL));
    static const char *const missing_cols[] = {"step", "area", "episodes",
                                               "children"};
    json_object_array_add(
        tables, table("missing", NULL, missing_cols, 4, NULL, 0,
                      missing_cols + 2, 2, "No missing episodes were given."));
    json_object_object_add(m, "tables", tables);
    json_object *glossary = json_object_new_array(),
                *g = json_object_new_object();
    add_str(g, "term", "Hot spot");
    add_str(g, "text",
            "A unit with significantly more events than its neighbours.");
    json_object_array_add(glossary, g);
    g = json_object_new_object();
    add_str(g, "term", "Density");
    add_str(g, "text", "Events per km², in classes from 0.0 to 3.3.");
    json_object_array_add(glossary, g);
    json_object_object_add(m, "glossary", glossary);
    json_object *drawn = json_object_new_array();
    json_object_array_add(drawn, json_object_new_string("2.5 km"));
    json_object_object_add(m, "drawn", drawn);
    char path[256];
    snprintf(path, sizeof path, "%s/board-pack.json", dir);
    json_object_to_file_ext(path, m, JSON_C_TO_STRING_PRETTY);
    json_object_put(m);
}

/* One RFC 4180 field: quoted when it holds a comma, quote or line end. */
static void csv_field(FILE *f, const char *s, bool last, bool crlf) {
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? (crlf ? "\r\n" : "\n") : ",", f);
}

static void write_csv(const char *dir, const char *name, const pack *p,
                      const char *const *cols, size_t n_cols,
                      const char *const *cells, size_t n_rows) {
    char path[256];
    snprintf(path, sizeof path, "%s/tables/%s.csv", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    if (p->bom) fputs("\xEF\xBB\xBF", f);
    for (size_t j = 0; j < n_cols; j++)
        csv_field(f, cols[j], j + 1 == n_cols, p->crlf);
    for (size_t i = 0; i < n_rows; i++)
        for (size_t j = 0; j < n_cols; j++)
            csv_field(f, cells[i * n_cols + j], j + 1 == n_cols, p->crlf);
    fclose(f);
}

static void write_png(const char *dir, const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
    cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
}

/* The PDF: the title and summary, then the units' table, as the pack's
 * writer would draw them from the manifest. */
static void write_pdf(const char *dir, const pack *p) {
    char path[256];
    snprintf(path, sizeof path, "%s/board-pack.pdf", dir);
    cairo_surface_t *s =
        cairo_pdf_surface_create(path, VEMT_PAGE_W, VEMT_PAGE_H);
    cairo_t *cr = cairo_create(s);
    double y = 40;
    y += vemt_draw_text(cr, 40, y, 700, "Hot spots and trends: Tees", 20, true,
                        VEMT_ALIGN_LEFT);
    y += vemt_draw_text(cr, 40, y, 700, p->summary, 11, false, VEMT_ALIGN_LEFT);
    vemt_draw_text(cr, 40, 560, 700, "Page 1 of 2", 9, false, VEMT_ALIGN_RIGHT);
    cairo_show_page(cr);
    y = 40;
    /* Each cell drawn apart in its column, counts right-aligned, as the
     * pack's tables are: poppler joins an id and the count after an empty
     * name ("E05002" and "10" into "E0500210") unless the checker puts the
     * gap back. */
    static const double x[] = {40, 60, 120, 150, 180, 260},
                        w[] = {20, 60, 30, 30, 80, 60};
    for (size_t i = 0; i < 2; i++) {
        for (size_t j = 0; j < 6; j++)
            vemt_draw_text(cr, x[j] + 2, y, w[j] - 4, p->units[i][j], 8, false,
                           j == 3 ? VEMT_ALIGN_RIGHT : VEMT_ALIGN_LEFT);
        y += 14;
    }
    y += vemt_draw_text(cr, 40, y, 700, "Density: 0.0 - 3.3 events per km²", 11,
                        false, VEMT_ALIGN_LEFT);
    /* A chart's last month label, then its axis title. */
    y += vemt_draw_text(cr, 40, y, 700, "2024-03 Events per month", 11, false,
                        VEMT_ALIGN_LEFT);
    if (p->pdf_extra)
        vemt_draw_text(cr, 40, y, 700, p->pdf_extra, 11, false,
                       VEMT_ALIGN_LEFT);
    vemt_draw_text(cr, 40, 560, 700, "Created 7 December 2026, 2 / 2", 9, false,
                   VEMT_ALIGN_RIGHT);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* Build pack p in tmpdir/name (a fresh folder). */
static void build(const char *name, const pack *p, char *dir, size_t size) {
    snprintf(dir, size, "%s/%s", tmpdir, name);
    test_remove_dir(dir);
    char sub[256];
    mkdir(dir, 0700);
    for (const char *f = "maps\0charts\0tables\0"; *f; f += strlen(f) + 1) {
        snprintf(sub, sizeof sub, "%s/%s", dir, f);
        mkdir(sub, 0700);
    }
    write_manifest(dir, p);
    const char *cells[16];
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < p->n_units_cols; j++)
            cells[i * p->n_units_cols + j] = p->units[i][j];
    if (p->csv_units_cell) cells[3] = p->csv_units_cell;
    write_csv(dir, "units", p, p->units_cols, p->n_units_cols, cells, 2);
    write_csv(dir, "trends", p, trend_cols, 2, &trends[0][0], 3);
    write_png(dir, "maps/hotspots.png");
    test_write_file(dir, "maps/hotspots.pgw",
                    "10\n0\n0\n-10\n450000\n520000\n");
    write_png(dir, "charts/trend.png");
    if (p->stale_csv)
        test_write_file(dir, "tables/x.csv",
                        "\xEF\xBB\xBF"
                        "a\r\n");
    if (p->concern_png) write_png(dir, "maps/concern.png");
    write_pdf(dir, p);
}

/* Check path in-process under tier's rules: the report into *out (caller
 * frees), the number of problems returned (-1: the check failed). */
static long check(const char *path, vemt_tier tier, char **out) {
    vemt_ctx *ctx = NULL;
    size_t size = 0, problems = 0;
    *out = NULL;
    FILE *report = open_memstream(out, &size);
    if (!report || vemt_ctx_create(1, &ctx)) return -1;
    vemt_status st = vemt_outputs_check_disclosure(
        ctx, path, vemt_tier_rules_get(tier), report, &problems);
    fclose(report);
    vemt_ctx_destroy(ctx);
    return st ? -1 : (long)problems;
}

/* True when the report has a line holding every (NULL-terminated) text. */
static bool has_line(const char *out, const char *const *texts) {
    for (const char *l = out; l && *l;) {
        const char *end = strchr(l, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l);
        bool all = true;
        for (const char *const *t = texts; all && *t; t++)
            all = test_contains(l, n, *t);
        if (all) return true;
        l = end ? end + 1 : NULL;
    }
    return false;
}

/* Check pack p (built as name) at tier: exactly want problems, one line
 * holding the texts. */
static bool flags(test_state *t_, const char *name, const pack *p,
                  vemt_tier tier, long want, const char *const *texts) {
    char dir[128], *out = NULL;
    build(name, p, dir, sizeof dir);
    long n = check(dir, tier, &out);
    bool ok = n == want && (!texts[0] || has_line(out, texts));
    if (!ok)
        TEST_FAIL_AT(t_, "%s: %ld problems (want %ld):\n%s", name, n, want,
                     out ? out : "(no report)");
    free(out);
    return ok;
}

#define TEXTS(...) ((const char *const[]){__VA_ARGS__, NULL})

TEST(clean_public_pack_passes) {
    pack p = clean_pack();
    flags(t_, "clean", &p, VEMT_TIER_PUBLIC, 0, TEXTS(NULL));
}

TEST(small_count_in_a_table) {
    pack p = clean_pack();
    p.units[1][3] = "3";
    flags(t_, "count3", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 pack table counts neither withheld",
                "at least 10 and a multiple of 5",
                "tables/units.csv row 3 column events: '3'"));
}

TEST(csv_differs_from_the_manifest) {
    pack p = clean_pack();
    p.csv_units_cell = "30";
    flags(t_, "differs", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 CSV files that differ from the manifest",
                "tables/units.csv row 2 column 4 events"));
}

TEST(csv_without_bom_or_crlf) {
    pack p = clean_pack();
    p.bom = false;
    flags(t_, "nobom", &p, VEMT_TIER_PUBLIC, 2,
          TEXTS("2 CSV files without the UTF-8 byte order mark",
                "tables/units.csv", "tables/trends.csv"));
    p = clean_pack();
    p.crlf = false;
    flags(t_, "lf", &p, VEMT_TIER_PUBLIC, 2,
          TEXTS("2 CSV files with line ends other than CRLF"));
}

TEST(stale_csv) {
    pack p = clean_pack();
    p.stale_csv = true;
    flags(t_, "stale", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 files of an earlier run the manifest does not name",
                "tables/x.csv"));
}

TEST(concern_map_at_public) {
    pack p = clean_pack();
    p.concern_png = true;
    flags(t_, "concern", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 maps the manifest withholds (why_empty) that the public "
                "tier's pack holds",
                "maps/concern.png"));
}

TEST(small_count_in_words) {
    pack p = clean_pack();
    p.summary = "The study area had 4 incidents.";
    /* Once in the manifest's summary, once in the PDF's text. */
    flags(t_, "words", &p, VEMT_TIER_PUBLIC, 2,
          TEXTS("2 counts in the pack's words neither 0 nor at least 10",
                "board-pack.json summary[0].text: '4 incidents'",
                "board-pack.pdf page 1: '4 incidents'"));
}

/* A page number and an ISO week before a heading or legend are not
 * counts: "Page 5 of 8" then "Events over time"; "2024-W17" then "Events
 * (as published)" (a weekly chart's last axis label). */
TEST(page_numbers_and_weeks_are_not_counts) {
    pack p = clean_pack();
    p.summary =
        "Page 5 of 8 Events over time. 2024-W17 Events (as "
        "published).";
    flags(t_, "pages", &p, VEMT_TIER_PUBLIC, 0, TEXTS(NULL));
}

/* Before the commit (pipeline/run.c): the pack is read through the
 * commit's temporaries. Here the files are in "commit-src" and registered
 * as the temporaries of "commit-dst", which does not exist: the small
 * count is found in the temporary, and nothing is called stale. */
TEST(pack_checked_through_a_commit) {
    pack p = clean_pack();
    p.units[1][3] = "3";
    char src[128];
    build("commit-src", &p, src, sizeof src);
    char dst[160];
    snprintf(dst, sizeof dst, "%s/commit-dst", tmpdir);
    vemt_ctx *ctx = NULL;
    vemt_commit *c = NULL;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_STATUS(vemt_commit_create(ctx, &c), VEMT_OK);
    static const char *const files[] = {
        "board-pack.json",   "board-pack.pdf",    "tables/units.csv",
        "tables/trends.csv", "maps/hotspots.png", "maps/hotspots.pgw",
        "charts/trend.png"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char tmp[300], fin[300];
        snprintf(tmp, sizeof tmp, "%s/%s", src, files[i]);
        snprintf(fin, sizeof fin, "%s/%s", dst, files[i]);
        CHECK_STATUS(vemt_commit_add(ctx, c, tmp, fin, VEMT_COMMIT_TEXT),
                     VEMT_OK);
    }
    char *out = NULL;
    size_t size = 0, problems = 0;
    FILE *report = open_memstream(&out, &size);
    CHECK_STATUS(vemt_outputs_check_pack_commit(
                     ctx, dst, c, vemt_tier_rules_get(VEMT_TIER_PUBLIC), report,
                     &problems),
                 VEMT_OK);
    fclose(report);
    CHECK_INT_EQ(problems, 1);
    CHECK(has_line(out, TEXTS("tables/units.csv row 3 column events: '3'")));
    free(out);
    vemt_commit_destroy(c); /* removes the "temporaries" */
    vemt_ctx_destroy(ctx);
}

TEST(street_text_in_a_cell) {
    pack p = clean_pack();
    p.units[0][2] = "On or near Park Street";
    /* The cell, and the PDF's table which prints it. */
    flags(
        t_, "street", &p, VEMT_TIER_PUBLIC, 2,
        TEXTS("2 street text (police.uk's \"On or near\")",
              "board-pack.json tables[0].rows[0][2]", "board-pack.pdf page 2"));
}

TEST(number_in_the_pdf_only) {
    pack p = clean_pack();
    p.pdf_extra = "A rise of 37 per cent on the year.";
    flags(t_, "pdfnumber", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 numbers in the PDF that the manifest does not hold",
                "board-pack.pdf page 2: '37'"));
}

TEST(column_not_on_the_allow_list) {
    pack p = clean_pack();
    p.units_cols[6] = "gi_z";
    p.units[0][6] = "3.2";
    p.units[1][6] = "0.4";
    p.n_units_cols = 7;
    /* 0.4 is in the manifest (the cell) but on no page of the PDF. */
    flags(t_, "column", &p, VEMT_TIER_PUBLIC, 1,
          TEXTS("1 columns not on the public tier's allow-list",
                "pack_units.gi_z"));
}

TEST(restricted_pack_with_small_counts_passes) {
    pack p = clean_pack();
    p.tier = "restricted";
    p.threshold = 0;
    p.round_to = 0;
    p.summary =
        "The study area had 4 incidents, 3 of them On or near "
        "Park Street.";
    p.units_cols[6] = "gi_z";
    p.units[0][6] = "3.2";
    p.units[1][3] = "3";
    p.units[1][6] = "0.4";
    p.n_units_cols = 7;
    p.pdf_extra = "A rise of 37 per cent on the year.";
    flags(t_, "restricted", &p, VEMT_TIER_RESTRICTED, 0, TEXTS(NULL));
    /* The structural rules hold at every tier. */
    p.bom = false;
    flags(t_, "restricted_nobom", &p, VEMT_TIER_RESTRICTED, 2,
          TEXTS("2 CSV files without the UTF-8 byte order mark"));
    /* Checked at public, it is a pack of another tier. */
    p.bom = true;
    char dir[128], *out = NULL;
    build("restricted_public", &p, dir, sizeof dir);
    long n = check(dir, VEMT_TIER_PUBLIC, &out);
    CHECK(n > 0 && has_line(out, TEXTS("packs made for a tier other than "
                                       "public",
                                       "tier restricted")));
    free(out);
}

TEST(manifest_structure) {
    pack p = clean_pack();
    char dir[128], path[256], *out = NULL;
    build("structure", &p, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/board-pack.json", dir);
    json_object *m = json_object_from_file(path);
    json_object_object_del(m, "period");
    json_object_object_add(m, "extent", json_object_new_string("x"));
    json_object_to_file(path, m);
    json_object_put(m);
    long n = check(dir, VEMT_TIER_PUBLIC, &out);
    CHECK_INT_EQ(n, 2);
    CHECK(has_line(out, TEXTS("1 manifest keys missing",
                              "board-pack.json "
                              "period")));
    CHECK(has_line(out, TEXTS("1 manifest keys outputs/pack.h does not "
                              "document",
                              "board-pack.json extent")));
    free(out);
    test_write_file(dir, "board-pack.json", "{\"tier\": ");
    n = check(dir, VEMT_TIER_PUBLIC, &out);
    CHECK(n == 1 && has_line(out, TEXTS("1 manifests that are not JSON",
                                        "the text ends inside the document")));
    free(out);
}

/* A quote out of place: the CSV is not RFC 4180. */
TEST(csv_not_rfc4180) {
    pack p = clean_pack();
    char dir[128], *out = NULL;
    build("quote", &p, dir, sizeof dir);
    test_write_file(dir, "tables/trends.csv",
                    "\xEF\xBB\xBF"
                    "step,events\r\nJan 2024,1\"5\r\n");
    long n = check(dir, VEMT_TIER_PUBLIC, &out);
    CHECK_INT_EQ(n, 1);
    CHECK(has_line(out, TEXTS("1 CSV files that are not RFC 4180",
                              "tables/trends.csv row 2")));
    free(out);
}

/* Files the manifest names must be there; nothing else may be. */
TEST(missing_and_extra_files) {
    pack p = clean_pack();
    char dir[128], path[256], *out = NULL;
    build("files", &p, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/charts/trend.png", dir);
    unlink(path);
    test_write_file(dir, "events.geojson", "{}");
    test_write_file(dir, "maps/old.pgw", "10\n0\n0\n-10\n0\n0\n");
    test_write_file(dir, "maps/emerging.png", "not a png");
    long n = check(dir, VEMT_TIER_PUBLIC, &out);
    CHECK_INT_EQ(n, 4);
    CHECK(has_line(out, TEXTS("1 files the manifest names that are missing",
                              "charts/trend.png")));
    CHECK(has_line(
        out, TEXTS("1 files a board pack does not hold", "events.geojson")));
    CHECK(has_line(out, TEXTS("2 files of an earlier run the manifest does "
                              "not name (stale)",
                              "maps/old.pgw", "maps/emerging.png")));
    free(out);
}

/* The pack found by its manifest's path and inside a folder checked; the
 * program's exit status. */
TEST(paths_and_exit_status) {
    pack p = clean_pack();
    char dir[128], path[256], *out = NULL;
    p.units[1][3] = "3";
    build("inside/pack", &p, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/board-pack.json", dir);
    CHECK_INT_EQ(check(path, VEMT_TIER_PUBLIC, &out), 1);
    free(out);
    snprintf(path, sizeof path, "%s/inside", tmpdir);
    CHECK_INT_EQ(check(path, VEMT_TIER_PUBLIC, &out), 1);
    CHECK(has_line(out, TEXTS("pack/tables/units.csv row 3 column events")));
    free(out);
    CHECK_INT_EQ(test_vemt(tmpdir, "check-disclosure inside/pack", NULL, 0), 1);
    p = clean_pack();
    build("inside/pack", &p, dir, sizeof dir);
    CHECK_INT_EQ(test_vemt(tmpdir, "check-disclosure inside/pack", NULL, 0), 0);
    /* A partner pack checked at partner passes; at public it fails. */
    p.tier = "partner";
    build("partner", &p, dir, sizeof dir);
    CHECK_INT_EQ(
        test_vemt(tmpdir, "check-disclosure --tier partner partner", NULL, 0),
        0);
    CHECK_INT_EQ(test_vemt(tmpdir, "check-disclosure partner", NULL, 0), 1);
}

/* The checker's four headings of the count rule, one helper: each as it
 * was written out before, under the public tier's rules (10, rounded to 5)
 * and under exact counts. */
TEST(count_rule_headings) {
    vemt_tier_rules r;
    vemt_tier_rules_for(VEMT_TIER_PUBLIC, 10, 5, &r);
    char buf[160];
    CHECK_STR_EQ(vemt_check_count_rule(&r, "counts", NULL, buf, sizeof buf),
                 "counts neither 0 nor at least 10 and a multiple of 5");
    CHECK_STR_EQ(vemt_check_count_rule(&r, "counts in the pack's words", NULL,
                                       buf, sizeof buf),
                 "counts in the pack's words neither 0 nor at least 10 and a "
                 "multiple of 5");
    CHECK_STR_EQ(
        vemt_check_count_rule(&r, "series counts", "null", buf, sizeof buf),
        "series counts neither null nor 0 or at least 10 and a multiple of 5");
    CHECK_STR_EQ(vemt_check_count_rule(&r, "pack table counts",
                                       "withheld (\"\")", buf, sizeof buf),
                 "pack table counts neither withheld (\"\") nor 0 or at least "
                 "10 and a multiple of 5");
    r.threshold = 7, r.round_to = 0; /* exact counts: a multiple of 1 */
    CHECK_STR_EQ(vemt_check_count_rule(&r, "counts", NULL, buf, sizeof buf),
                 "counts neither 0 nor at least 7 and a multiple of 1");
}

TEST_SUITE(check_pack) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-check-pack-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        TEST_FAIL_AT(t_, "mkdtemp failed");
        return;
    }
    char inside[128];
    snprintf(inside, sizeof inside, "%s/inside", tmpdir);
    mkdir(inside, 0700);
    RUN(count_rule_headings);
    RUN(clean_public_pack_passes);
    RUN(small_count_in_a_table);
    RUN(csv_differs_from_the_manifest);
    RUN(csv_without_bom_or_crlf);
    RUN(stale_csv);
    RUN(concern_map_at_public);
    RUN(small_count_in_words);
    RUN(page_numbers_and_weeks_are_not_counts);
    RUN(pack_checked_through_a_commit);
    RUN(street_text_in_a_cell);
    RUN(number_in_the_pdf_only);
    RUN(column_not_on_the_allow_list);
    RUN(restricted_pack_with_small_counts_passes);
    RUN(manifest_structure);
    RUN(csv_not_rfc4180);
    RUN(missing_and_extra_files);
    RUN(paths_and_exit_status);
    test_remove_dir(tmpdir);
    vemt_outputs_release_fonts();
    GDALDestroy();
    proj_cleanup();
}
