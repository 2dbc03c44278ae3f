/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_pack.c
 * @brief The board pack's folder (issue 18): a hand-built pack written
 * through a commit; every file read back independently: the manifest
 * parsed with json-c, the CSV's bytes, the PNGs' IHDR, the world files'
 * numbers, and the PDF through poppler's pdfinfo and pdftotext.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/draw.h"
#include "outputs/outputs.h"
#include "outputs/pack.h"
#include "tests/test.h"
#include "tests/testutil.h"

#define STEPS 24
#define MARKING "OFFICIAL-SENSITIVE"

typedef struct fixture {
    vemt_ctx *ctx;
    vemt_events events;
    vemt_units *grid;
    double counts[4], z[4], p[4];
    int8_t bins[4];
    vemt_provenance prov;
    vemt_output out;
    const char *labels[STEPS];
    char label_text[STEPS][16];
    double count[STEPS], trend[STEPS];
    uint8_t flag[STEPS];
    double unit_count[3][STEPS];
    vemt_pack_series units[3];
    const char *trend_cells[STEPS * 6];
    char trend_text[STEPS][2][24];
    vemt_pack_para summary[3];
    vemt_pack_para glossary[4];
    vemt_pack pack;
    char dir[64];
    char stages[64];
} fixture;

static const char *const unit_cols[] = {"rank",     "unit_id",  "name",
                                        "events",   "children", "gi_z",
                                        "hot_spot", "pattern",  "trend"};
static const char *const unit_counts[] = {"events", "children", NULL};
/* One name with a comma and quotes: RFC 4180 quoting. */
static const char *const unit_cells[] = {"1",
                                         "460050_520150",
                                         "Park Street, \"The Arches\"",
                                         "40",
                                         "12",
                                         "4.21",
                                         "Hot spot, 99 % confidence",
                                         "Intensifying Hot Spot",
                                         "rising",
                                         "2",
                                         "460150_520150",
                                         "Middlesbrough Central",
                                         "31",
                                         "",
                                         "3.05",
                                         "Hot spot, 95 % confidence",
                                         "Persistent Hot Spot",
                                         "no clear trend",
                                         "3",
                                         "460050_520050",
                                         "St. Ann's",
                                         "17",
                                         "5",
                                         "1.70",
                                         "Not significant",
                                         "No Pattern Detected",
                                         "falling"};
static const char *const trend_cols[] = {"step",           "events",
                                         "children",       "events_per_day",
                                         "change_on_year", "change_on_year_p"};
static const char *const missing_cols[] = {"step", "area", "episodes",
                                           "children"};
static const char *const missing_counts[] = {"episodes", "children", NULL};

static const char summary_1[] =
    "Three wards are significant hot spots after correction for multiple "
    "testing: Park Street, Middlesbrough Central and St. Ann's.";
static const char summary_2[] =
    "Incidents rose 12 % on the same month last year, which is more than "
    "chance would give.";
static const char why_missing[] =
    "No missing episodes were given, so there is no missing-episode table.";
static const char why_density[] =
    "The density surface was not asked for (--kde).";

static void build_pack(fixture *f) {
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                         "May", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < STEPS; i++) {
        snprintf(f->label_text[i], sizeof f->label_text[i], "%s %d",
                 months[i % 12], 2023 + i / 12);
        f->labels[i] = f->label_text[i];
        f->count[i] = 30 + (i % 12) + i / 2;
        f->trend[i] = 33.5 + 0.5 * i;
        f->flag[i] = i == 11 || i == 23;
        for (int u = 0; u < 3; u++)
            f->unit_count[u][i] = (i * (u + 2)) % 9 + 3 * (3 - u);
        const char **row = f->trend_cells + i * 6;
        snprintf(f->trend_text[i][0], 24, "%.0f", f->count[i]);
        snprintf(f->trend_text[i][1], 24, "%.2f", f->count[i] / 30.4);
        row[0] = f->labels[i];
        row[1] = f->trend_text[i][0];
        row[2] = "";
        row[3] = f->trend_text[i][1];
        row[4] = i >= 12 ? "+5 %" : "";
        row[5] = i >= 12 ? "0.21" : "";
    }
    f->count[5] = NAN; /* withheld */
    f->trend_cells[5 * 6 + 1] = f->trend_cells[5 * 6 + 3] = "";
    f->unit_count[1][7] = NAN;
    static const char *const names[] = {"Park Street", "Middlesbrough Central",
                                        "St. Ann's"};
    for (int u = 0; u < 3; u++)
        f->units[u] = (vemt_pack_series){names[u],         STEPS, f->labels,
                                         f->unit_count[u], NULL,  NULL};
    f->summary[0] = (vemt_pack_para){"Hot spots", summary_1};
    f->summary[1] = (vemt_pack_para){"Trend", summary_2};
    f->summary[2] =
        (vemt_pack_para){NULL,
                         "Missing episodes are not part of this run.\nA second "
                         "paragraph under the same heading."};
    f->glossary[0] = (vemt_pack_para){
        "Gi*",
        "The Getis-Ord statistic: how far a unit and its neighbours "
        "stand out from the study area (Getis and Ord 1992)."};
    f->glossary[1] = (vemt_pack_para){
        "Mann-Kendall test", "A test of a steady rise or fall over time."};
    f->glossary[2] = (vemt_pack_para){
        "Sen's slope", "The median of the slopes between every pair of steps."};
    f->glossary[3] = (vemt_pack_para){
        "False discovery rate", "The share of hot spots that may be chance."};
    vemt_pack *p = &f->pack;
    *p = (vemt_pack){
        .title = "Hot spots and trends: Testshire",
        .area = "Testshire (test boundary)",
        .period = "January 2023 to December 2024",
        .categories = "all categories",
        .units = "100 m grid cells",
        .sources = "incidents.csv (police.uk street-level crime)",
        .tier = "restricted",
        .marking = MARKING,
        .attribution =
            "Contains public sector information licensed under "
            "the Open Government Licence v3.0.",
        .created = "7 December 2026",
        .threshold = 3,
        .round_to = 0,
        .palette = VEMT_PALETTE_ESRI,
        .summary = f->summary,
        .n_summary = 3,
        .trend = {"Study area", STEPS, f->labels, f->count, f->trend, f->flag},
        .unit_series = f->units,
        .n_unit_series = 3,
        .glossary = f->glossary,
        .n_glossary = 4};
    p->maps[VEMT_MAP_HOTSPOTS].title = "Hot spots (Gi*, FDR at 90/95/99 %)";
    p->maps[VEMT_MAP_EMERGING] = (vemt_pack_map){
        "Emerging hot spots", "No trend analysis in this run (--trends)."};
    p->maps[VEMT_MAP_DENSITY] = (vemt_pack_map){"Density", why_density};
    p->maps[VEMT_MAP_CONCERN] = (vemt_pack_map){
        "Locations of concern", "No place is linked to several children."};
    p->tables[0] = (vemt_pack_table){"units",
                                     "Units ranked by Gi*",
                                     9,
                                     3,
                                     unit_cols,
                                     unit_counts,
                                     unit_cells,
                                     NULL,
                                     "Ranked by Gi* z-score, hottest first."};
    p->tables[1] = (vemt_pack_table){
        "trends",    "Events per month", 6,    STEPS, trend_cols,
        unit_counts, f->trend_cells,     NULL, NULL};
    p->tables[2] = (vemt_pack_table){
        "missing", "Missing episodes", 4,   0, missing_cols, missing_counts,
        NULL,      why_missing,        NULL};
}

static void setup(fixture *f) {
    memset(f, 0, sizeof *f);
    vemt_ctx_create(1, &f->ctx);
    vemt_bbox b = {460000, 520000, 460200, 520200};
    vemt_units_create_square(f->ctx, 100, &b, NULL, &f->grid);
    static const int8_t bins[] = {3, 2, 0, -1};
    for (int i = 0; i < 4; i++) {
        f->counts[i] = 10 * (4 - i);
        f->z[i] = 3.5 - 1.5 * i;
        f->p[i] = 0.01 * (i + 1);
        f->bins[i] = bins[i];
    }
    static char *const argv[] = {"vemt", "run"};
    f->prov = (vemt_provenance){.argc = 2,
                                .argv = argv,
                                .created_utc = 1796601600, /* 2026-12-07 */
                                .key_origin = "environment variable",
                                .tier = "restricted",
                                .command = "run"};
    f->out = (vemt_output){.events = &f->events,
                           .grid = f->grid,
                           .n_events = f->counts,
                           .gi_z = f->z,
                           .gi_p = f->p,
                           .gi_bin = f->bins,
                           .provenance = &f->prov};
    build_pack(f);
    strcpy(f->dir, "/tmp/vemt-test-pack-XXXXXX");
    if (!mkdtemp(f->dir)) f->dir[0] = '\0';
}

static void teardown(fixture *f) {
    /* VEMT_PACK_KEEP=DIR keeps a copy of the last pack to look at. */
    const char *keep = getenv("VEMT_PACK_KEEP");
    if (keep && *keep) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s/pack' '%s'", keep,
                 f->dir, keep);
        if (system(cmd)) fputs("VEMT_PACK_KEEP: copy failed\n", stderr);
    }
    test_remove_dir(f->dir);
    vemt_units_destroy(f->grid);
    vemt_events_clear(&f->events);
    vemt_ctx_destroy(f->ctx);
}

static void on_stage(void *user, const char *stage) {
    fixture *f = user;
    size_t n = strlen(f->stages);
    snprintf(f->stages + n, sizeof f->stages - n, "%s%s", n ? "," : "", stage);
}

/* Write the pack into sub (a folder under the fixture's) through a
 * commit and apply it. */
static vemt_status write_and_commit(fixture *f, const char *sub) {
    char dir[128], manifest[256];
    snprintf(dir, sizeof dir, "%s/%s", f->dir, sub);
    snprintf(manifest, sizeof manifest, "%s/.pack.vemt-commit", f->dir);
    vemt_commit *c = NULL;
    vemt_status st = vemt_commit_create(f->ctx, &c);
    f->out.commit = c;
    if (!st)
        st = vemt_outputs_write_pack(f->ctx, dir, &f->out, &f->pack, on_stage,
                                     f);
    if (!st) st = vemt_commit_verify(f->ctx, c);
    if (!st) st = vemt_commit_apply(f->ctx, c, manifest);
    vemt_commit_destroy(c);
    f->out.commit = NULL;
    return st;
}

static int count_of(const char *hay, const char *needle) {
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

TEST(folder_files_and_stale_removal) {
    fixture f;
    setup(&f);
    char p[256];
    /* An earlier, restricted run's concern map and a missing table. */
    snprintf(p, sizeof p, "%s/pack", f.dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/pack/maps", f.dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/pack/tables", f.dir);
    mkdir(p, 0700);
    test_write_file(f.dir, "pack/maps/concern.png", "old");
    test_write_file(f.dir, "pack/maps/concern.pgw", "old");
    test_write_file(f.dir, "pack/tables/missing.csv", "old");
    test_write_file(f.dir, "pack/maps/notes.txt", "the user's own");
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    CHECK_STR_EQ(f.stages, "maps,charts,tables,pdf");
    static const char *const present[] = {
        "pack/board-pack.json",   "pack/board-pack.pdf",
        "pack/maps/hotspots.png", "pack/maps/hotspots.pgw",
        "pack/charts/trend.png",  "pack/charts/units.png",
        "pack/tables/units.csv",  "pack/tables/trends.csv",
        "pack/maps/notes.txt"};
    static const char *const absent[] = {
        "pack/maps/concern.png", "pack/maps/concern.pgw",
        "pack/maps/emerging.png", "pack/maps/density.png",
        "pack/tables/missing.csv"};
    for (size_t i = 0; i < sizeof present / sizeof *present; i++)
        if (!test_exists_in(f.dir, present[i]))
            TEST_FAIL_AT(t_, "missing %s", present[i]);
    for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
        if (test_exists_in(f.dir, absent[i]))
            TEST_FAIL_AT(t_, "stale %s", absent[i]);
    /* Restricted: the files are their owner's only. */
    struct stat sb;
    snprintf(p, sizeof p, "%s/pack/tables/units.csv", f.dir);
    CHECK(stat(p, &sb) == 0 && (sb.st_mode & 077) == 0);
    snprintf(p, sizeof p, "find '%s' -name '*vemt-tmp*' | grep -q .", f.dir);
    CHECK(system(p) != 0);
    teardown(&f);
}

TEST(manifest_round_trips) {
    fixture f;
    setup(&f);
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    size_t n;
    char *text = test_slurp_in(f.dir, "pack/board-pack.json", &n);
    json_object *d = text ? json_tokener_parse(text) : NULL;
    CHECK(d != NULL);
    if (!d) {
        free(text);
        teardown(&f);
        return;
    }
    json_object *v, *a;
#define GET(o, k) (json_object_object_get_ex((o), (k), &v) ? v : NULL)
    CHECK_INT_EQ(json_object_get_int(GET(d, "vemt_board_pack")), 1);
    CHECK_STR_EQ(json_object_get_string(GET(d, "tier")), "restricted");
    CHECK_STR_EQ(json_object_get_string(GET(d, "marking")), MARKING);
    CHECK(json_object_is_type(GET(d, "threshold"), json_type_int));
    CHECK_INT_EQ(json_object_get_int(GET(d, "threshold")), 3);
    CHECK_STR_EQ(json_object_get_string(GET(d, "palette")), "esri");
    CHECK_STR_EQ(json_object_get_string(GET(d, "period")),
                 "January 2023 to December 2024");
    a = GET(d, "summary");
    CHECK_INT_EQ(json_object_array_length(a), 3);
    CHECK_STR_EQ(
        json_object_get_string(GET(json_object_array_get_idx(a, 0), "text")),
        summary_1);
    CHECK(GET(json_object_array_get_idx(a, 2), "heading") == NULL);
    /* Maps: file only where drawn, why_empty otherwise. */
    a = GET(d, "maps");
    CHECK_INT_EQ(json_object_array_length(a), 4);
    json_object *m0 = json_object_array_get_idx(a, 0);
    json_object *m2 = json_object_array_get_idx(a, 2);
    CHECK_STR_EQ(json_object_get_string(GET(m0, "name")), "hotspots");
    CHECK_STR_EQ(json_object_get_string(GET(m0, "file")), "maps/hotspots.png");
    CHECK(GET(m0, "why_empty") == NULL);
    CHECK_STR_EQ(json_object_get_string(GET(m2, "name")), "density");
    CHECK(GET(m2, "file") == NULL);
    CHECK_STR_EQ(json_object_get_string(GET(m2, "why_empty")), why_density);
    a = GET(d, "charts");
    CHECK_STR_EQ(
        json_object_get_string(GET(json_object_array_get_idx(a, 1), "file")),
        "charts/units.png");
    /* Series: the study area first; withheld counts null, numbers as
     * numbers. */
    a = GET(d, "series");
    CHECK_INT_EQ(json_object_array_length(a), 4);
    json_object *s0 = json_object_array_get_idx(a, 0);
    json_object *cnt = GET(s0, "count");
    CHECK_INT_EQ(json_object_array_length(cnt), STEPS);
    CHECK(json_object_array_get_idx(cnt, 5) == NULL);
    CHECK(
        json_object_is_type(json_object_array_get_idx(cnt, 0), json_type_int));
    for (int i = 0; i < STEPS; i++) {
        if (i == 5) continue;
        CHECK_NEAR(json_object_get_double(json_object_array_get_idx(cnt, i)),
                   30 + (i % 12) + i / 2, 0);
    }
    json_object *tr = GET(s0, "trend");
    CHECK_NEAR(json_object_get_double(json_object_array_get_idx(tr, 3)), 35.0,
               1e-12);
    CHECK_NEAR(json_object_get_double(json_object_array_get_idx(tr, 4)), 35.5,
               1e-12);
    json_object *fl = GET(s0, "flag");
    CHECK_INT_EQ(json_object_get_int(json_object_array_get_idx(fl, 11)), 1);
    CHECK_INT_EQ(json_object_get_int(json_object_array_get_idx(fl, 10)), 0);
    CHECK_STR_EQ(json_object_get_string(
                     json_object_array_get_idx(GET(s0, "labels"), 23)),
                 "Dec 2024");
    json_object *s2 = json_object_array_get_idx(a, 2);
    CHECK_STR_EQ(json_object_get_string(GET(s2, "name")),
                 "Middlesbrough Central");
    CHECK(GET(s2, "trend") == NULL && GET(s2, "flag") == NULL);
    CHECK(json_object_array_get_idx(GET(s2, "count"), 7) == NULL);
    /* Tables: cells as text, the empty one's reason and no file. */
    a = GET(d, "tables");
    json_object *t0 = json_object_array_get_idx(a, 0);
    json_object *t2 = json_object_array_get_idx(a, 2);
    CHECK_STR_EQ(json_object_get_string(GET(t0, "file")), "tables/units.csv");
    CHECK_STR_EQ(json_object_get_string(json_object_array_get_idx(
                     json_object_array_get_idx(GET(t0, "rows"), 0), 2)),
                 "Park Street, \"The Arches\"");
    CHECK_STR_EQ(json_object_get_string(json_object_array_get_idx(
                     json_object_array_get_idx(GET(t0, "rows"), 1), 4)),
                 "");
    CHECK_INT_EQ(json_object_array_length(GET(t0, "counts")), 2);
    CHECK_STR_EQ(json_object_get_string(GET(t0, "note")),
                 "Ranked by Gi* z-score, hottest first.");
    CHECK(GET(t2, "file") == NULL);
    CHECK_STR_EQ(json_object_get_string(GET(t2, "why_empty")), why_missing);
    CHECK_INT_EQ(json_object_array_length(GET(t2, "rows")), 0);
    a = GET(d, "glossary");
    CHECK_STR_EQ(
        json_object_get_string(GET(json_object_array_get_idx(a, 2), "term")),
        "Sen's slope");
#undef GET
    json_object_put(d);
    free(text);
    teardown(&f);
}

TEST(csv_bom_crlf_quoting) {
    fixture f;
    setup(&f);
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    size_t n;
    char *csv = test_slurp_in(f.dir, "pack/tables/units.csv", &n);
    static const char expected[] =
        "\xEF\xBB\xBF"
        "rank,unit_id,name,events,children,gi_z,hot_spot,pattern,trend\r\n"
        "1,460050_520150,\"Park Street, \"\"The Arches\"\"\",40,12,4.21,"
        "\"Hot spot, 99 % confidence\",Intensifying Hot Spot,rising\r\n"
        "2,460150_520150,Middlesbrough Central,31,,3.05,"
        "\"Hot spot, 95 % confidence\",Persistent Hot Spot,no clear trend\r\n"
        "3,460050_520050,St. Ann's,17,5,1.70,Not significant,"
        "No Pattern Detected,falling\r\n";
    CHECK_STR_EQ(csv, expected);
    CHECK_INT_EQ(n, sizeof expected - 1);
    free(csv);
    csv = test_slurp_in(f.dir, "pack/tables/trends.csv", &n);
    CHECK(csv && !memcmp(csv, "\xEF\xBB\xBF", 3));
    CHECK(csv && strstr(csv, "\r\nJun 2023,,,,,\r\n") != NULL);
    CHECK_INT_EQ(csv ? count_of(csv, "\r\n") : 0, STEPS + 1);
    free(csv);
    teardown(&f);
}

TEST(png_size_and_world_file) {
    fixture f;
    setup(&f);
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    static const char *const pngs[] = {"pack/maps/hotspots.png",
                                       "pack/charts/trend.png",
                                       "pack/charts/units.png"};
    for (size_t i = 0; i < 3; i++) {
        size_t n;
        char *png = test_slurp_in(f.dir, pngs[i], &n);
        long w = 0, h = 0;
        CHECK(png && test_png_size(png, n, &w, &h));
        /* A4 landscape at 300 dpi: 297 mm and 210 mm over 25.4 mm. */
        CHECK_INT_EQ(w, 3508);
        CHECK_INT_EQ(h, 2480);
        /* pHYs: 300 dpi is 11811 dots per metre (300 / 0.0254), unit 1. */
        static const unsigned char phys[] = {
            'p', 'H', 'Y', 's', 0, 0, 0x2e, 0x23, 0, 0, 0x2e, 0x23, 1};
        bool found = false;
        for (size_t k = 0; png && k + sizeof phys <= n && k < 256; k++)
            found = found || !memcmp(png + k, phys, sizeof phys);
        CHECK(found);
        free(png);
    }
    /* The world file follows from the frame the map draws with: a pixel is
     * 72/300 of a point; lines 5 and 6 are the top-left pixel's centre. */
    cairo_surface_t *s =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 3508, 2480);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 300.0 / 72, 300.0 / 72);
    vemt_map_frame fr = {0, 0, 0};
    CHECK_INT_EQ(
        vemt_draw_map(f.ctx, cr, &f.out, &f.pack, VEMT_MAP_HOTSPOTS, &fr),
        VEMT_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    CHECK(fr.m_per_pt > 0);
    size_t n;
    char *pgw = test_slurp_in(f.dir, "pack/maps/hotspots.pgw", &n);
    double v[6] = {0};
    CHECK(pgw && sscanf(pgw, "%lf %lf %lf %lf %lf %lf", v, v + 1, v + 2, v + 3,
                        v + 4, v + 5) == 6);
    CHECK_INT_EQ(pgw ? count_of(pgw, "\n") : 0, 6);
    double px = fr.m_per_pt * 0.24;
    CHECK_NEAR(v[0], px, 1e-9);
    CHECK_NEAR(v[1], 0, 0);
    CHECK_NEAR(v[2], 0, 0);
    CHECK_NEAR(v[3], -px, 1e-9);
    CHECK_NEAR(v[4], fr.x0 + 0.5 * px, 1e-6);
    CHECK_NEAR(v[5], fr.y0 - 0.5 * px, 1e-6);
    free(pgw);
    teardown(&f);
}

/* The text of page i (1-based) of pdftotext's output (pages end in \f). */
static char *page_text(const char *all, int i) {
    const char *p = all;
    for (int k = 1; k < i && p; k++) {
        p = strchr(p, '\f');
        if (p) p++;
    }
    if (!p) return NULL;
    const char *end = strchr(p, '\f');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *t = malloc(n + 1);
    if (t) {
        memcpy(t, p, n);
        t[n] = '\0';
    }
    return t;
}

/* The value of a "Name:   value" line of pdfinfo's output, or NULL. */
static const char *info_field(const char *info, const char *name, char *buf,
                              size_t size) {
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    const char *p = info ? strstr(info, key) : NULL;
    if (!p && info && !strncmp(info, key + 1, strlen(key + 1))) p = info - 1;
    if (!p) return NULL;
    p += strlen(key);
    p += strspn(p, " ");
    snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
    return buf;
}

TEST(pdf_pages_text_and_metadata) {
    fixture f;
    setup(&f);
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    char pdf[256], cmd[400];
    snprintf(pdf, sizeof pdf, "%s/pack/board-pack.pdf", f.dir);
    /* Cover, summary, the hot-spot map, the three maps not drawn (one
     * page), the two charts, the tables (two pages: 24 months run over),
     * the glossary. */
    int pages = (int)test_pdf_pages(pdf);
    CHECK_INT_EQ(pages, 9);
    snprintf(cmd, sizeof cmd, "pdfinfo '%s'", pdf);
    char *info = test_command_output(cmd);
    char val[200];
    CHECK_STR_EQ(info_field(info, "Title", val, sizeof val),
                 "Hot spots and trends: Testshire");
    CHECK_STR_EQ(info_field(info, "Subject", val, sizeof val),
                 "Board pack, restricted tier, " MARKING);
    CHECK_STR_EQ(info_field(info, "Creator", val, sizeof val), "vemt");
    /* 1796601600 is 2026-12-07T00:00:00Z. */
    CHECK_STR_EQ(info_field(info, "CreationDate", val, sizeof val),
                 "Mon Dec  7 00:00:00 2026 UTC");
    free(info);
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", pdf);
    char *text = test_command_output(cmd);
    CHECK(text != NULL);
    if (!text) {
        teardown(&f);
        return;
    }
    CHECK(strstr(text, "Hot spots and trends: Testshire") != NULL);
    CHECK(strstr(text, "Three wards are significant hot spots") != NULL);
    CHECK(strstr(text, "more than chance would give.") != NULL);
    CHECK(strstr(text, "A second paragraph under the same heading.") != NULL);
    CHECK(strstr(text, why_missing) != NULL);
    CHECK(strstr(text, why_density) != NULL);
    CHECK(strstr(text, "Middlesbrough Central") != NULL);
    CHECK(strstr(text, "Park Street, \"The Arches\"") != NULL);
    CHECK(strstr(text, "Intensifying Hot Spot") != NULL);
    CHECK(strstr(text, "Ranked by Gi* z-score, hottest first.") != NULL);
    CHECK(strstr(text, "Events per month (continued)") != NULL);
    CHECK(strstr(text, "Dec 2024") != NULL);
    CHECK(strstr(text, "counts under 3 are withheld") != NULL);
    for (int i = 0; i < 4; i++)
        CHECK(strstr(text, f.glossary[i].heading) != NULL);
    CHECK(strstr(text, "The median of the slopes between every pair") != NULL);
    /* The marking at the top and the bottom of every page, and its
     * number. */
    for (int i = 1; i <= pages; i++) {
        char *pt = page_text(text, i), num[32];
        snprintf(num, sizeof num, "Page %d of %d", i, pages);
        if (!pt || count_of(pt, MARKING) < 2 || !strstr(pt, num))
            TEST_FAIL_AT(t_, "page %d: marking or number missing", i);
        free(pt);
    }
    free(text);
    /* An outline and tagged headings (cairo writes the dictionaries
     * uncompressed). */
    size_t n;
    char *raw = test_slurp(pdf, &n);
    CHECK(raw && test_contains(raw, n, "/Outlines"));
    CHECK(raw && test_contains(raw, n, "/StructTreeRoot"));
    CHECK(raw && test_contains(raw, n, "/S /H1"));
    free(raw);
    teardown(&f);
}

TEST(long_summary_flows_over_pages) {
    fixture f;
    setup(&f);
    /* 160 numbered sentences: about three pages. */
    size_t cap = 160 * 80, k = 0;
    char *longtext = malloc(cap);
    for (int i = 1; longtext && i <= 160; i++)
        k += (size_t)snprintf(longtext + k, cap - k,
                              "Item%03d of the long summary says little. ", i);
    vemt_pack_para one = {"At length", longtext};
    f.pack.summary = &one;
    f.pack.n_summary = 1;
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    char pdf[256], cmd[400];
    snprintf(pdf, sizeof pdf, "%s/pack/board-pack.pdf", f.dir);
    snprintf(cmd, sizeof cmd, "pdftotext '%s' -", pdf);
    char *text = test_command_output(cmd);
    /* Every sentence once, in order, none lost at a page break. */
    const char *at = text;
    for (int i = 1; at && i <= 160; i++) {
        char s[64];
        snprintf(s, sizeof s, "Item%03d", i);
        const char *p = strstr(at, s);
        if (!p) TEST_FAIL_AT(t_, "sentence %d missing or out of order", i);
        at = p;
    }
    char *p2 = text ? page_text(text, 2) : NULL,
         *p3 = text ? page_text(text, 3) : NULL;
    CHECK(p2 && strstr(p2, "Item001") && !strstr(p2, "Item160"));
    CHECK(p3 && strstr(p3, "Item") && strstr(p3, MARKING));
    CHECK(test_pdf_pages(pdf) > 9);
    free(p2);
    free(p3);
    free(text);
    free(longtext);
    teardown(&f);
}

TEST(ten_small_multiples) {
    fixture f;
    setup(&f);
    static const char *const names[] = {
        "Park Street", "Middlesbrough Central",
        "St. Ann's",   "Linthorpe",
        "Newport",     "North Ormesby",
        "Ayresome",    "Acklam",
        "Hemlington",  "A long ward name that has to wrap within its panel"};
    vemt_pack_series ten[10];
    for (int u = 0; u < 10; u++) {
        ten[u] = f.units[u % 3];
        ten[u].name = names[u];
    }
    ten[0].trend = f.trend; /* a trend line and flags in a panel */
    ten[0].flag = f.flag;
    f.pack.unit_series = ten;
    f.pack.n_unit_series = 10;
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    char pdf[256], cmd[400];
    snprintf(pdf, sizeof pdf, "%s/pack/board-pack.pdf", f.dir);
    snprintf(cmd, sizeof cmd, "pdftotext -f 6 -l 6 '%s' -", pdf);
    char *text = test_command_output(cmd);
    for (int u = 0; u < 9; u++)
        if (!text || !strstr(text, names[u]))
            TEST_FAIL_AT(t_, "panel %d's name missing", u);
    /* The first panel's trend reaches 33.5 + 0.5 * 23 = 45: steps of 10
     * (45 / 5 = 9, rounded up to 10), so the shared axis ends at 50. */
    CHECK(text &&
          strstr(text,
                 "All panels share one vertical scale (events per step, "
                 "from 0 to 50)"));
    free(text);
    size_t n;
    char *json = test_slurp_in(f.dir, "pack/board-pack.json", &n);
    json_object *d = json ? json_tokener_parse(json) : NULL, *v = NULL;
    CHECK(d && json_object_object_get_ex(d, "series", &v) &&
          json_object_array_length(v) == 11);
    json_object_put(d);
    free(json);
    teardown(&f);
}

TEST(bad_folder_and_no_commit) {
    fixture f;
    setup(&f);
    test_write_file(f.dir, "afile", "x");
    char dir[128];
    snprintf(dir, sizeof dir, "%s/afile", f.dir);
    CHECK_STATUS(
        vemt_outputs_write_pack(f.ctx, dir, &f.out, &f.pack, NULL, NULL),
        VEMT_E_ARG); /* no commit */
    vemt_commit *c = NULL;
    vemt_commit_create(f.ctx, &c);
    f.out.commit = c;
    CHECK_STATUS(
        vemt_outputs_write_pack(f.ctx, dir, &f.out, &f.pack, NULL, NULL),
        VEMT_E_IO);
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->msg,
                 ".: is not a folder; the board pack needs a folder");
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->source, dir);
    /* A maps "folder" that is a file. */
    snprintf(dir, sizeof dir, "%s/p2", f.dir);
    mkdir(dir, 0700);
    test_write_file(dir, "maps", "x");
    CHECK_STATUS(
        vemt_outputs_write_pack(f.ctx, dir, &f.out, &f.pack, NULL, NULL),
        VEMT_E_IO);
    CHECK_STR_EQ(vemt_ctx_error(f.ctx)->msg,
                 "maps: is not a folder; the board pack needs a folder");
    vemt_commit_destroy(c);
    f.out.commit = NULL;
    teardown(&f);
}

TEST(verify_reads_pack_files_back) {
    fixture f;
    setup(&f);
    vemt_commit *c = NULL;
    vemt_commit_create(f.ctx, &c);
    char tmp[128], final[128];
    /* A PNG cut short, and a PDF without its end-of-file marker. */
    snprintf(tmp, sizeof tmp, "%s/.a.png.vemt-tmp-1.png", f.dir);
    snprintf(final, sizeof final, "%s/a.png", f.dir);
    test_write_file(f.dir, ".a.png.vemt-tmp-1.png", "\x89PNG\r\n\x1a\n");
    vemt_commit_add(f.ctx, c, tmp, final, VEMT_COMMIT_PNG);
    CHECK_STATUS(vemt_commit_verify(f.ctx, c), VEMT_E_IO);
    vemt_commit_destroy(c);
    vemt_commit_create(f.ctx, &c);
    snprintf(tmp, sizeof tmp, "%s/.b.pdf.vemt-tmp-1.pdf", f.dir);
    snprintf(final, sizeof final, "%s/b.pdf", f.dir);
    test_write_file(f.dir, ".b.pdf.vemt-tmp-1.pdf",
                    "%PDF-1.5\n% a PDF cut short before its trailer, padded to "
                    "more than thirty-two bytes\n");
    vemt_commit_add(f.ctx, c, tmp, final, VEMT_COMMIT_PDF);
    CHECK_STATUS(vemt_commit_verify(f.ctx, c), VEMT_E_IO);
    vemt_commit_destroy(c);
    /* A whole page image passes; the same cut to half its bytes does not,
     * nor one of another size. */
    CHECK_INT_EQ(write_and_commit(&f, "pack"), VEMT_OK);
    size_t n;
    char *png = test_slurp_in(f.dir, "pack/charts/trend.png", &n);
    static const struct {
        const char *name;
        size_t keep;
        vemt_status want;
    } cases[] = {{"whole", 0, VEMT_OK}, {"half", 2, VEMT_E_IO}};
    for (size_t i = 0; png && i < 2; i++) {
        snprintf(tmp, sizeof tmp, "%s/.%s.png.vemt-tmp-1.png", f.dir,
                 cases[i].name);
        snprintf(final, sizeof final, "%s/%s.png", f.dir, cases[i].name);
        FILE *out = fopen(tmp, "wb");
        if (out) {
            fwrite(png, 1, cases[i].keep ? n / cases[i].keep : n, out);
            fclose(out);
        }
        vemt_commit_create(f.ctx, &c);
        vemt_commit_add(f.ctx, c, tmp, final, VEMT_COMMIT_PNG);
        CHECK_STATUS(vemt_commit_verify(f.ctx, c), cases[i].want);
        vemt_commit_destroy(c);
    }
    free(png);
    /* A PNG of another size. */
    cairo_surface_t *small =
        cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 200);
    snprintf(tmp, sizeof tmp, "%s/.small.png.vemt-tmp-1.png", f.dir);
    snprintf(final, sizeof final, "%s/small.png", f.dir);
    cairo_surface_write_to_png(small, tmp);
    cairo_surface_destroy(small);
    vemt_commit_create(f.ctx, &c);
    vemt_commit_add(f.ctx, c, tmp, final, VEMT_COMMIT_PNG);
    CHECK_STATUS(vemt_commit_verify(f.ctx, c), VEMT_E_IO);
    vemt_commit_destroy(c);
    teardown(&f);
}

TEST(recovery_removes_stale_pack_files_only) {
    fixture f;
    setup(&f);
    char p[256], manifest[256], text[1024];
    snprintf(p, sizeof p, "%s/maps", f.dir);
    mkdir(p, 0700);
    test_write_file(f.dir, "maps/concern.png", "old");
    test_write_file(f.dir, "maps/other.png", "the user's");
    /* A complete manifest of a run that died (pid 1 is not us). */
    snprintf(text, sizeof text,
             "vemt-commit 1 999999999\nD\t\t%s/maps/concern.png\n"
             "D\t\t%s/maps/other.png\nend\n",
             f.dir, f.dir);
    test_write_file(f.dir, ".x.vemt-commit", text);
    snprintf(manifest, sizeof manifest, "%s/.x.vemt-commit", f.dir);
    size_t rolled = 0;
    CHECK_STATUS(vemt_commit_recover(f.ctx, manifest, &rolled), VEMT_OK);
    CHECK(!test_exists_in(f.dir, "maps/concern.png"));
    CHECK(test_exists_in(f.dir, "maps/other.png"));
    teardown(&f);
}

TEST_SUITE(pack) {
    RUN(folder_files_and_stale_removal);
    RUN(manifest_round_trips);
    RUN(csv_bom_crlf_quoting);
    RUN(png_size_and_world_file);
    RUN(pdf_pages_text_and_metadata);
    RUN(long_summary_flows_over_pages);
    RUN(ten_small_multiples);
    RUN(bad_folder_and_no_commit);
    RUN(verify_reads_pack_files_back);
    RUN(recovery_removes_stale_pack_files_only);
    /* Pango's font map and cairo's caches live until the process ends;
     * freed here so LeakSanitizer sees only leaks of ours. */
    vemt_outputs_release_fonts();
}
