/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_rank.c
 * @brief The one ranking of units (pipeline/rank.c) and what shows it:
 * stdout, the report and the rank column agree; at the partner tier the
 * order uses only published values; the patrol window sentence; option
 * conflicts exit 2 with the hint (issue 17, findings 5 and 6).
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "pipeline/pipeline.h"
#include "pipeline/rank.h"
#include "pipeline/report.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

/* ---- The rule, on a 4 x 2 grid of 500 m squares ------------------------- */

/* The unit whose id is id, or SIZE_MAX. */
static size_t unit_of(const vemt_units *g, const char *id) {
    char buf[64];
    for (size_t i = 0; i < vemt_units_count(g); i++) {
        vemt_units_id(g, i, buf, sizeof buf);
        if (!strcmp(buf, id)) return i;
    }
    return SIZE_MAX;
}

typedef struct planted {
    const char *id;
    int bin;
    double count; /* NaN: withheld */
    bool hidden;  /* bin withheld */
} planted;

/* The ids of the units in rank order, joined by spaces, into buf; and a
 * check that rank[] is the inverse of order[]. */
static bool ranked(test_state *t_, const vemt_units *g, const planted *p,
                   size_t n, char *buf, size_t size) {
    int8_t bins[8] = {0};
    uint8_t hidden[8] = {0};
    double counts[8] = {0};
    size_t order[8], rank[8];
    CHECK_INT_EQ(vemt_units_count(g), 8);
    if (vemt_units_count(g) != 8 || n != 8) return false;
    for (size_t k = 0; k < n; k++) {
        size_t u = unit_of(g, p[k].id);
        CHECK(u != SIZE_MAX);
        if (u == SIZE_MAX) return false;
        bins[u] = (int8_t)p[k].bin;
        counts[u] = p[k].count;
        hidden[u] = p[k].hidden;
    }
    CHECK_STATUS(vemt_rank_units(g, bins, hidden, counts, order, rank),
                 VEMT_OK);
    buf[0] = '\0';
    char id[64];
    for (size_t k = 0; k < 8; k++) {
        CHECK_INT_EQ(rank[order[k]], k + 1);
        vemt_units_id(g, order[k], id, sizeof id);
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", k ? " " : "",
                 id);
    }
    return true;
}

static vemt_units *grid8(vemt_ctx **ctx) {
    vemt_units *g = NULL;
    vemt_bbox e = {0, 0, 1999, 999};
    if (vemt_ctx_create(1, ctx)) return NULL;
    if (vemt_units_create_square(*ctx, 500, &e, NULL, &g)) return NULL;
    return g;
}

TEST(rule_bin_then_count_then_id) {
    vemt_ctx *ctx = NULL;
    vemt_units *g = grid8(&ctx);
    CHECK(g != NULL);
    if (!g) return;
    /* Restricted: every value published. Ties on bin and count go to the
     * id as text, bytewise ("1000_0" before "500_0"), as SQLite's ORDER
     * BY cell_id does. */
    const planted all[] = {
        {"0_0", 3, 10, false},     {"500_0", 3, 25, false},
        {"1000_0", 3, 10, false},  {"1500_0", 1, 50, false},
        {"0_500", 0, 99, false},   {"500_500", -2, 0, false},
        {"1000_500", 2, 5, false}, {"1500_500", 0, 99, false},
    };
    char got[256];
    if (ranked(t_, g, all, 8, got, sizeof got))
        CHECK_STR_EQ(got,
                     "500_0 0_0 1000_0 1000_500 1500_0 0_500 1500_500 "
                     "500_500");
    /* Partner: 0_0's count is withheld (its true 40 would put it first),
     * 500_0's bin is withheld (its true 3 would put it first), 1500_0
     * has both withheld. A withheld count goes after every published
     * count of its bin; a withheld bin after every published bin, its
     * published count (then the id) ordering those. */
    planted partner[8];
    memcpy(partner, all, sizeof all);
    partner[0].count = (double)NAN;
    partner[1].hidden = true;
    partner[3].hidden = true, partner[3].count = (double)NAN;
    partner[5].hidden = true;
    char first[256];
    if (ranked(t_, g, partner, 8, first, sizeof first))
        CHECK_STR_EQ(first,
                     "1000_0 0_0 1000_500 0_500 1500_500 500_0 500_500 "
                     "1500_0");
    /* Whatever the withheld values are, the order is the same: it tells
     * nothing the published values do not. */
    partner[1].bin = -3, partner[3].bin = 3, partner[5].bin = 2;
    if (ranked(t_, g, partner, 8, got, sizeof got)) CHECK_STR_EQ(got, first);
    /* Only a published bin above 0 is hot. */
    int8_t bins[2] = {3, 1};
    uint8_t hidden[2] = {1, 0};
    CHECK(!vemt_rank_is_hot(bins, hidden, 0));
    CHECK(vemt_rank_is_hot(bins, hidden, 1));
    CHECK(vemt_rank_is_hot(bins, NULL, 0));
    CHECK(!vemt_rank_is_hot(NULL, NULL, 0));
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

/* ---- The patrol window sentence ---------------------------------------- */

static char *patrol_text(const vemt_patrol_row *p) {
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    vemt_report_patrol_window(m, p);
    fclose(m);
    return text;
}

TEST(patrol_window_text) {
    /* 12 of 40 events in a 4 h window: 30 % of the events in 4 / 168 =
     * 2.4 % of the week's hours, 0.3 / (4 / 168) = 12.6 times an even
     * spread. A window to midnight ends at 24:00. */
    vemt_patrol_row p = {.place_kind = "cell",
                         .place = "460200_524100",
                         .weekday = 4,
                         .start_hour = 20,
                         .end_hour = 0,
                         .per_week = 0.45,
                         .share = 0.3,
                         .n_window = 12,
                         .n_place = 40,
                         .hours = 4};
    char *text = patrol_text(&p);
    CHECK_STR_EQ(text,
                 "cell 460200_524100, Friday 20:00-24:00 (4 h = 2.4 % of the "
                 "week): 12 of the 40 events at this place known to the hour "
                 "fall in this window (30 %), 13 times an even spread.\n");
    free(text);
    /* Aoristic weights give fractions: one decimal; one event is one. */
    vemt_patrol_row q = {.place_kind = "dbscan cluster",
                         .place = "5",
                         .weekday = 0,
                         .start_hour = 9,
                         .end_hour = 12,
                         .share = 0.5,
                         .n_window = 0.5,
                         .n_place = 1,
                         .hours = 3};
    text = patrol_text(&q);
    CHECK_STR_EQ(text,
                 "DBSCAN cluster 5, Monday 09:00-12:00 (3 h = 1.8 % of the "
                 "week): 0.5 of the 1 event at this place known to the hour "
                 "fall in this window (50 %), 28 times an even spread.\n");
    free(text);
}

/* ---- The same ranking on stdout, in the report and in the tables ------- */

/* The ids of the numbered lines "N. cell ID:" after the line starting
 * with heading in text (up to the first line that is not one), in order,
 * space-joined; each N must be its position. */
static void listed(test_state *t_, const char *text, const char *heading,
                   const char *indent, char *buf, size_t size) {
    buf[0] = '\0';
    const char *p = text ? strstr(text, heading) : NULL;
    CHECK(p != NULL);
    if (!p) return;
    p = strchr(p, '\n');
    for (size_t k = 1; p && *++p;) {
        while (*p == '\n') p++;          /* Markdown's blank line */
        if (!strncmp(p, "Ranked ", 7)) { /* the report's rule */
            p = strchr(p, '\n');
            continue;
        }
        size_t n = 0;
        char id[64];
        if (sscanf(p + strlen(indent), "%zu. cell %63[^:]:", &n, id) != 2 ||
            strncmp(p, indent, strlen(indent)))
            break;
        CHECK_INT_EQ(n, k++);
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                 buf[0] ? " " : "", id);
        p = strchr(p, '\n');
    }
}

/* The first cell_ids of hotspot_cells by rank, space-joined. */
static void by_rank(GDALDatasetH ds, int max, char *buf, size_t size) {
    buf[0] = '\0';
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT cell_id FROM hotspot_cells WHERE gi_bin > 0 ORDER BY "
             "rank LIMIT %d",
             max);
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                 buf[0] ? " " : "", OGR_F_GetFieldAsString(f, 0));
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
}

static long query_long(GDALDatasetH ds, const char *sql) {
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, "SQLITE");
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    long v = f ? (long)OGR_F_GetFieldAsInteger64(f, 0) : -1;
    if (f) OGR_F_Destroy(f);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return v;
}

/* Units whose rank is not their place in ORDER BY gi_bin DESC, n_events
 * DESC, cell_id (SQLite puts nulls last when descending): the rule over
 * the published columns alone. */
static long misranked(GDALDatasetH ds, const char *table) {
    char sql[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM (SELECT cell_id, row_number() OVER "
             "(ORDER BY gi_bin DESC, n_events DESC, cell_id) AS k FROM "
             "hotspot_cells) o JOIN %s t ON t.cell_id = o.cell_id WHERE "
             "t.rank IS NULL OR t.rank != o.k",
             table);
    return query_long(ds, sql);
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

/* Events as the report writes them (pipeline/report.c). */
static void events_text(double v, char *buf, size_t size) {
    snprintf(buf, size, fabs(v - round(v)) < 0.05 ? "%.0f" : "%.1f", v);
}

TEST(one_ranking_restricted) {
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --permutations 99 --out "
                      "r.gpkg --report r.md --seed 7",
                      NULL, 0),
                 0);
    char *out = test_slurp_in(tmpdir, "out.txt", NULL),
         *md = test_slurp_in(tmpdir, "r.md", NULL);
    char on_stdout[512], in_report[512], in_table[512];
    listed(t_, out, "hottest units (by Gi* bin, then events, then id):\n", "  ",
           on_stdout, sizeof on_stdout);
    listed(t_, md, "## Hottest cells\n", "", in_report, sizeof in_report);
    GDALDatasetH ds = open_out("r.gpkg");
    CHECK(ds != NULL);
    if (ds) by_rank(ds, 5, in_table, sizeof in_table);
    /* Five hot cells, the same in the same order everywhere. */
    CHECK(strlen(in_table) > 0 && strchr(in_table, ' '));
    CHECK_STR_EQ(on_stdout, in_table);
    CHECK_STR_EQ(in_report, in_table);
    CHECK(md && strstr(md, "Ranked by Gi* bin, then events, then id"));
    /* Restricted: the Gi* z is there too. */
    CHECK(out && strstr(out, "hot spot at 99 % confidence (Gi* z "));
    if (ds) {
        /* The whole order: every unit ranked, by the rule, in both
         * tables. */
        CHECK_INT_EQ(misranked(ds, "hotspot_cells"), 0);
        CHECK_INT_EQ(misranked(ds, "emerging_hotspots"), 0);
        CHECK_INT_EQ(query_long(ds,
                                "SELECT count(DISTINCT rank) = count(*) "
                                "AND min(rank) = 1 AND max(rank) = "
                                "count(*) FROM hotspot_cells"),
                     1);
        /* The patrol windows' numbers are the report's: the first row's
         * events in the window of the place's, and its share of the week. */
        OGRLayerH r = GDALDatasetExecuteSQL(
            ds,
            "SELECT place, n_window, n_place, hours, week_share, lift, share "
            "FROM patrol_windows WHERE rank = 1",
            NULL, "SQLITE");
        OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
        CHECK(f != NULL);
        if (f) {
            char a[32], b[32], want[256];
            double share = OGR_F_GetFieldAsDouble(f, 6);
            double week = OGR_F_GetFieldAsDouble(f, 4);
            events_text(OGR_F_GetFieldAsDouble(f, 1), a, sizeof a);
            events_text(OGR_F_GetFieldAsDouble(f, 2), b, sizeof b);
            snprintf(want, sizeof want,
                     " %s, %%s (%d h = %.1f %% of the week): %s of the %s "
                     "events at this place known to the hour fall in this "
                     "window (%.0f %%)",
                     OGR_F_GetFieldAsString(f, 0),
                     OGR_F_GetFieldAsInteger(f, 3), 100 * week, a, b,
                     100 * share);
            /* The weekday and hours between place and "(": skip them. */
            const char *line = md ? strstr(md, "## Patrol windows") : NULL;
            line = line ? strstr(line, "\n1. ") : NULL;
            char head[128];
            snprintf(head, sizeof head, " %s, ", OGR_F_GetFieldAsString(f, 0));
            CHECK(line && strstr(line, head));
            const char *tail = strstr(want, " (");
            CHECK(line && tail && strstr(line, tail));
            CHECK_NEAR(week, 3.0 / 168, 1e-12);
            CHECK_NEAR(OGR_F_GetFieldAsDouble(f, 5), share / week, 1e-9);
            CHECK_NEAR(
                share,
                OGR_F_GetFieldAsDouble(f, 1) / OGR_F_GetFieldAsDouble(f, 2),
                1e-9);
            OGR_F_Destroy(f);
        }
        if (r) GDALDatasetReleaseResultSet(ds, r);
        GDALClose(ds);
    }
    /* The old wording is gone. */
    CHECK(md && !strstr(md, "events a week"));
    free(out);
    free(md);
}

/* Per cell_id (sorted text) of hotspot_cells: rank, published bin (INT_MIN:
 * null) and count (NaN: null). */
typedef struct cellrow {
    char id[32];
    long rank;
    int bin;
    double count;
} cellrow;

static cellrow *read_cells(GDALDatasetH ds, size_t *n) {
    *n = 0;
    long total = query_long(ds, "SELECT count(*) FROM hotspot_cells");
    if (total <= 0) return NULL;
    cellrow *rows = calloc((size_t)total, sizeof *rows);
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds,
        "SELECT cell_id, rank, gi_bin, n_events FROM hotspot_cells ORDER BY "
        "cell_id",
        NULL, "SQLITE");
    OGRFeatureH f;
    while (rows && r && *n < (size_t)total &&
           (f = OGR_L_GetNextFeature(r)) != NULL) {
        cellrow *c = &rows[(*n)++];
        snprintf(c->id, sizeof c->id, "%s", OGR_F_GetFieldAsString(f, 0));
        c->rank = (long)OGR_F_GetFieldAsInteger64(f, 1);
        c->bin = OGR_F_IsFieldSetAndNotNull(f, 2)
                     ? OGR_F_GetFieldAsInteger(f, 2)
                     : -1000;
        c->count = OGR_F_IsFieldSetAndNotNull(f, 3)
                       ? OGR_F_GetFieldAsDouble(f, 3)
                       : (double)NAN;
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return rows;
}

TEST(partner_ranks_on_published_values) {
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --permutations 99 --out "
                      "truth.gpkg --seed 7 --quiet",
                      NULL, 0),
                 0);
    CHECK_INT_EQ(vemt("run --demo --tier partner --cell-size 300 "
                      "--permutations 99 --out p.gpkg --report p.md --seed 7",
                      NULL, 0),
                 0);
    GDALDatasetH truth = open_out("truth.gpkg"), pub = open_out("p.gpkg");
    CHECK(truth && pub);
    if (!truth || !pub) {
        if (truth) GDALClose(truth);
        if (pub) GDALClose(pub);
        return;
    }
    /* The rank is the rule over the published columns alone. */
    CHECK_INT_EQ(misranked(pub, "hotspot_cells"), 0);
    CHECK_INT_EQ(misranked(pub, "emerging_hotspots"), 0);
    size_t n = 0, m = 0;
    cellrow *p = read_cells(pub, &n), *t = read_cells(truth, &m);
    CHECK(p && t && n == m && n > 0);
    /* Pairs in the same published bin (or both bins withheld) where a's
     * count is withheld, b's published, and a's true count is above b's:
     * ranked by the true count a would come first; by the published
     * values b does. There must be such pairs (else this proves nothing),
     * and b must come first in every one. */
    size_t would_change = 0, revealed = 0;
    for (size_t i = 0; p && t && n == m && i < n; i++) {
        if (!isnan(p[i].count) || strcmp(p[i].id, t[i].id)) continue;
        for (size_t j = 0; j < n; j++) {
            if (isnan(p[j].count) || p[j].bin != p[i].bin ||
                !(t[i].count > p[j].count))
                continue;
            would_change++;
            revealed += p[i].rank < p[j].rank;
        }
    }
    CHECK(would_change > 0);
    CHECK_INT_EQ(revealed, 0);
    free(p);
    free(t);
    GDALClose(truth);
    GDALClose(pub);
    /* stdout and the report give no Gi* z and list only published hot
     * spots, the same ones. */
    char *out = test_slurp_in(tmpdir, "out.txt", NULL),
         *md = test_slurp_in(tmpdir, "p.md", NULL);
    CHECK(out && !strstr(out, "Gi* z"));
    CHECK(md && !strstr(md, "Gi* z"));
    CHECK(md && strstr(md, "on the published values only"));
    char on_stdout[512], in_report[512];
    listed(t_, out, "hottest units (by Gi* bin, then events, then id):\n", "  ",
           on_stdout, sizeof on_stdout);
    listed(t_, md, "## Hottest cells\n", "", in_report, sizeof in_report);
    CHECK_STR_EQ(on_stdout, in_report);
    free(out);
    free(md);
    /* vemt's checker fails a rank that is not the rule's over the
     * published columns (here: the order reversed). */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s/p.gpkg' '%s/tamper.gpkg'", tmpdir,
             tmpdir);
    CHECK_INT_EQ(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/tamper.gpkg", tmpdir);
    GDALDatasetH w =
        GDALOpenEx(cmd, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    CHECK(w != NULL);
    if (w) {
        GDALDatasetExecuteSQL(w,
                              "UPDATE hotspot_cells SET rank = (SELECT "
                              "count(*) FROM hotspot_cells) + 1 - rank",
                              NULL, NULL);
        GDALClose(w);
    }
    CHECK_INT_EQ(vemt("check-disclosure tamper.gpkg --tier partner", NULL, 0),
                 1);
    char *audit = test_slurp_in(tmpdir, "out.txt", NULL);
    CHECK(audit && strstr(audit,
                          "ranks not in the order of the published "
                          "gi_bin, n_events and cell_id"));
    CHECK(audit && strstr(audit, "hotspot_cells: "));
    free(audit);
    CHECK_INT_EQ(vemt("check-disclosure p.gpkg --tier partner", NULL, 0), 0);
}

/* ---- Option conflicts: exit 2 with the hint ---------------------------- */

TEST(option_conflicts_exit_2) {
    static const char *const conflicts[] = {
        "--tier public --cell-size 100",
        "--tier partner --cell-size 50",
        "--tier public --grid hex --cell-size 250",
        "--tier partner --suppress-below 2",
        "--tier public --round-to 1",
        "--tier partner --suppress-below 12 --round-to 5",
        "--tier public --time-step week",
        "--tier public --time-step 7d",
        NULL};
    char args[256], line[512];
    for (size_t i = 0; conflicts[i]; i++) {
        snprintf(args, sizeof args, "run --demo --out x.gpkg %s", conflicts[i]);
        int rc = vemt(args, line, sizeof line);
        if (rc != 2) fprintf(stderr, "  with %s: %s\n", conflicts[i], line);
        CHECK_INT_EQ(rc, 2);
        CHECK(!strncmp(line, "vemt: ", 6));
        char *err = test_slurp_in(tmpdir, "err.txt", NULL);
        CHECK(err && strstr(err,
                            "\nTry 'vemt run --help' for more "
                            "information.\n"));
        free(err);
    }
    /* The same from a job file. */
    test_write_file(tmpdir, "job.json",
                    "{\"demo\": true, \"tier\": \"public\", \"cell_size\": "
                    "100, \"out\": \"x.gpkg\"}\n");
    CHECK_INT_EQ(vemt("run --config job.json", line, sizeof line), 2);
    CHECK(strstr(line, "use --cell-size 250 or more"));
}

/* A library caller whose job skipped vemt_job_finish()'s tier check meets
 * it after the units are laid: still a usage error, VEMT_E_OPTION (exit 2
 * in the program), not bad input. */
TEST(tier_conflict_in_library_is_usage) {
    vemt_job job;
    vemt_error err = {0};
    char out[128];
    snprintf(out, sizeof out, "%s/lib.gpkg", tmpdir);
    const char *const words[] = {"--demo", "--out",   out,
                                 "--tier", "public",  "--permutations",
                                 "0",      "--quiet", NULL};
    CHECK_STATUS(test_job_from_words(&job, VEMT_JOB_RUN, words, &err), VEMT_OK);
    job.cell_size_m = 100; /* after the check */
    vemt_result *res = NULL;
    CHECK_STATUS(vemt_pipeline_run(&job, NULL, &res, &err), VEMT_E_OPTION);
    CHECK(strstr(err.msg, "use --cell-size 250 or more") != NULL);
    vemt_result_destroy(res);
    vemt_job_clear(&job);
}

TEST_SUITE(rank) {
    strcpy(tmpdir, "/tmp/vemt-test-rank-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(rule_bin_then_count_then_id);
    RUN(patrol_window_text);
    RUN(option_conflicts_exit_2);
    RUN(tier_conflict_in_library_is_usage);
    RUN(one_ranking_restricted);
    RUN(partner_ranks_on_published_values);
    GDALDestroy();
    proj_cleanup();
    test_remove_dir(tmpdir);
}
