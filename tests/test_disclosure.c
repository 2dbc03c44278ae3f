/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_disclosure.c
 * @brief Output tiers: the demo in each tier, suppression that totals can't
 * undo, check-disclosure on hand-made files, file permissions.
 */
#include <ctype.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "disclosure/disclosure.h"
#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt", tmpdir,
             VEMT_BIN, args);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

typedef struct textbuf {
    char *s;
    size_t n, cap;
} textbuf;

static void append(textbuf *t, const char *s, size_t k) {
    while (t->s && t->n + k + 2 > t->cap) t->s = realloc(t->s, t->cap *= 2);
    if (!t->s) return;
    memcpy(t->s + t->n, s, k);
    t->n += k;
    t->s[t->n] = '\0';
}

/* Every vertex of g, its rings and parts, as "x y," at 1 m. */
static void vertices(textbuf *t, OGRGeometryH g) {
    char xy[64];
    for (int p = 0; p < OGR_G_GetPointCount(g); p++) {
        int k = snprintf(xy, sizeof xy, "%.0f %.0f,", OGR_G_GetX(g, p),
                         OGR_G_GetY(g, p));
        append(t, xy, (size_t)k);
    }
    for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
        vertices(t, OGR_G_GetGeometryRef(g, i));
}

/* Every layer's features as text (fields, then vertices at 1 m), then the
 * metadata. */
static char *dump(GDALDatasetH ds, size_t *len) {
    textbuf t = {malloc(1 << 20), 0, 1 << 20};
    for (int i = 0; t.s && i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        OGRFeatureH f;
        OGR_L_ResetReading(l);
        while ((f = OGR_L_GetNextFeature(l)) != NULL) {
            for (int j = 0; j < OGR_F_GetFieldCount(f); j++) {
                const char *v = OGR_F_GetFieldAsString(f, j);
                append(&t, v, strlen(v));
                append(&t, "|", 1);
            }
            if (OGR_F_GetGeometryRef(f)) vertices(&t, OGR_F_GetGeometryRef(f));
            append(&t, "\n", 1);
            OGR_F_Destroy(f);
        }
    }
    OGRLayerH r = GDALDatasetExecuteSQL(
        ds, "SELECT metadata FROM gpkg_metadata", NULL, NULL);
    OGRFeatureH f;
    while (r && (f = OGR_L_GetNextFeature(r)) != NULL) {
        const char *v = OGR_F_GetFieldAsString(f, 0);
        append(&t, v, strlen(v));
        append(&t, "\n", 1);
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    *len = t.n;
    return t.s;
}

/* True when the text holds the number as a whole word (no digit or point
 * either side). */
static bool has_number(const char *hay, size_t n, double v) {
    char num[32];
    int k = snprintf(num, sizeof num, "%.0f", v);
    for (const char *p = hay; p && p < hay + n; p++) {
        p = strstr(p, num);
        if (!p) return false;
        bool before =
            p > hay && (isdigit((unsigned char)p[-1]) || p[-1] == '.');
        bool after = isdigit((unsigned char)p[k]) || p[k] == '.';
        if (!before && !after) return true;
    }
    return false;
}

/* An input coordinate appears: as a vertex "x y," of a geometry, or both
 * its numbers (to the metre) in the metadata text. */
static bool coordinate_in(const char *dumped, size_t n, const char *meta,
                          double x, double y) {
    char xy[64];
    snprintf(xy, sizeof xy, "%.0f %.0f,", x, y);
    if (x <= 0) return false;
    return test_contains(dumped, n, xy) || (has_number(meta, strlen(meta), x) &&
                                            has_number(meta, strlen(meta), y));
}

/* Events' coordinates to the metre and raw and pseudonymous ids of the
 * demo: none may appear in a partner or public file. */
static int leaks(const char *gpkg_text, size_t n, const char *bytes,
                 size_t nb) {
    /* The metadata: the text after the last feature line's layers. */
    const char *meta = strstr(gpkg_text, "\"program\":\"vemt\"");
    if (!meta) meta = "";
    char path[512], key[24];
    int found = 0;
    vemt_ctx *ctx;
    vemt_pseudo *ps;
    vemt_key_origin o;
    vemt_ctx_create(1, &ctx);
    vemt_pseudo_create(ctx, NULL, getenv("VEMT_PSEUDONYM_KEY"), &ps, &o);
    const char *files[] = {"incidents.csv", "missing.csv"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/demo/%s", VEMT_FIXTURES, files[k]);
        size_t m;
        char *csv = test_slurp(path, &m), *save = NULL;
        char *line = csv ? strtok_r(csv, "\n", &save) : NULL;
        while (line && (line = strtok_r(NULL, "\n", &save))) {
            char f[12][64] = {{0}};
            int c = 0;
            for (char *p = line; c < 12; c++) {
                size_t w = strcspn(p, ",");
                snprintf(f[c], sizeof f[c], "%.*s", (int)w, p);
                if (!p[w]) break;
                p += w + 1;
            }
            const char *id = k ? f[1] : f[5];
            /* incidents: easting, northing; episodes: from and found at. */
            double x = atof(k ? f[4] : f[2]), y = atof(k ? f[5] : f[3]);
            found += coordinate_in(gpkg_text, n, meta, x, y);
            if (k)
                found +=
                    coordinate_in(gpkg_text, n, meta, atof(f[6]), atof(f[7]));
            vemt_pseudo_key(ps, id, key, sizeof key);
            if (*id &&
                (test_contains(bytes, nb, id) || test_contains(bytes, nb, key)))
                found++;
        }
        free(csv);
    }
    vemt_pseudo_destroy(ps);
    vemt_ctx_destroy(ctx);
    return found;
}

static void check_tier(test_state *t_, const char *tier, double threshold) {
    char args[256], path[256];
    snprintf(args, sizeof args, "run --demo --tier %s --out %s.gpkg --quiet",
             tier, tier);
    CHECK_INT_EQ(vemt(args), 0);
    snprintf(path, sizeof path, "%s/%s.gpkg", tmpdir, tier);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (!ds) return;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        OGRwkbGeometryType g = wkbFlatten(OGR_L_GetGeomType(l));
        CHECK(g != wkbPoint && g != wkbLineString && g != wkbMultiPoint &&
              g != wkbMultiLineString);
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        int flag = OGR_FD_GetFieldIndex(d, "suppressed");
        for (int j = 0; j < OGR_FD_GetFieldCount(d); j++) {
            const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, j));
            CHECK(strcmp(name, "gi_z") && strcmp(name, "gi_p") &&
                  strcmp(name, "subject_key") && strcmp(name, "mk_z"));
            if (strncmp(name, "n_", 2)) continue;
            OGRFeatureH f;
            OGR_L_ResetReading(l);
            while ((f = OGR_L_GetNextFeature(l)) != NULL) {
                double v = OGR_F_GetFieldAsDouble(f, j);
                if (OGR_F_IsFieldSetAndNotNull(f, j))
                    CHECK(round(v) == 0 || round(v) >= threshold);
                else /* a withheld count says so */
                    CHECK(flag >= 0 && OGR_F_GetFieldAsInteger(f, flag) == 1);
                OGR_F_Destroy(f);
            }
        }
    }
    size_t n, nb;
    char *text = dump(ds, &n), *bytes = test_slurp(path, &nb);
    CHECK_INT_EQ(leaks(text, n, bytes, nb), 0);
    /* The scan sees polygons' vertices: a cell's corner is in the text. */
    OGRLayerH cells = GDALDatasetGetLayerByName(ds, "hotspot_cells");
    OGRFeatureH first = cells ? OGR_L_GetFeature(cells, 1) : NULL;
    if (first && OGR_F_GetGeometryRef(first)) {
        OGREnvelope env;
        char corner[64];
        OGR_G_GetEnvelope(OGR_F_GetGeometryRef(first), &env);
        snprintf(corner, sizeof corner, "%.0f %.0f,", env.MinX, env.MinY);
        CHECK(test_contains(text, n, corner));
    }
    CHECK(first != NULL);
    if (first) OGR_F_Destroy(first);
    free(text);
    free(bytes);
    GDALClose(ds);
    /* vemt's own output passes its checker. */
    snprintf(args, sizeof args, "check-disclosure %s.gpkg --tier %s", tier,
             tier);
    CHECK_INT_EQ(vemt(args), 0);
}

TEST(partner_tier) { check_tier(t_, "partner", 5); }
TEST(public_tier) { check_tier(t_, "public", 10); }

TEST(secondary_suppression_holds) {
    /* Random tables: no withheld value may be recoverable from its row or
     * column total, i.e. no line holds exactly one withheld value. */
    unsigned seed = 7;
    for (int trial = 0; trial < 200; trial++) {
        double x[12 * 8], orig[12 * 8];
        for (int i = 0; i < 96; i++) {
            seed = seed * 1103515245u + 12345u;
            orig[i] = x[i] = (double)((seed >> 16) % 14);
        }
        vemt_suppress_table(x, orig, 12, 8, 5);
        for (int r = 0; r < 12; r++) {
            int hidden = 0;
            for (int c = 0; c < 8; c++) hidden += isnan(x[r * 8 + c]);
            CHECK(hidden != 1);
        }
        for (int c = 0; c < 8; c++) {
            int hidden = 0;
            for (int r = 0; r < 12; r++) hidden += isnan(x[r * 8 + c]);
            CHECK(hidden != 1);
        }
        for (int i = 0; i < 96; i++)
            CHECK(isnan(x[i]) || x[i] == 0 || x[i] >= 5);
    }
}

/* ---- Overlapping windows: what two public files give away together ---- */

/* One field's counts in a file: per unit (hotspot_cells, emerging_hotspots
 * over the file's window), per bin (hotspot_cube, units x steps) and per
 * step of the study area's series (trends: 'all', then each category). */
typedef struct tables {
    size_t U, T, K;
    double *cells, *unit, *bins, *all, *cat; /* U, U, U*T, T, K*T */
} tables;

/* The first column of an SQL result, NaN for null. */
static double *column(GDALDatasetH ds, const char *sql, size_t *n) {
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    size_t cap = 1024;
    double *v = malloc(cap * sizeof *v);
    OGRFeatureH f;
    *n = 0;
    while (r && v && (f = OGR_L_GetNextFeature(r)) != NULL) {
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        if (v)
            v[(*n)++] = OGR_F_IsFieldSetAndNotNull(f, 0)
                            ? OGR_F_GetFieldAsDouble(f, 0)
                            : (double)NAN;
        OGR_F_Destroy(f);
    }
    if (r) GDALDatasetReleaseResultSet(ds, r);
    return v;
}

static bool load(const char *file, const char *field, tables *t) {
    char path[256], sql[256];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds) return false;
    snprintf(sql, sizeof sql, "SELECT %s FROM hotspot_cells ORDER BY fid",
             field);
    t->cells = column(ds, sql, &t->U);
    snprintf(sql, sizeof sql, "SELECT %s FROM emerging_hotspots ORDER BY fid",
             field);
    t->unit = column(ds, sql, &n);
    snprintf(sql, sizeof sql, "SELECT %s FROM hotspot_cube ORDER BY fid",
             field);
    t->bins = column(ds, sql, &n);
    t->T = t->U ? n / t->U : 0;
    snprintf(sql, sizeof sql,
             "SELECT %s FROM trends WHERE area = 'study area' AND category "
             "= 'all' ORDER BY fid",
             field);
    t->all = column(ds, sql, &n);
    snprintf(sql, sizeof sql,
             "SELECT %s FROM trends WHERE area = 'study area' AND category "
             "<> 'all' ORDER BY fid",
             field);
    t->cat = column(ds, sql, &n);
    t->K = t->T ? n / t->T : 0;
    GDALClose(ds);
    return t->cells && t->unit && t->bins && t->all && t->cat && t->T;
}

static void tables_clear(tables *t) {
    free(t->cells), free(t->unit), free(t->bins), free(t->all), free(t->cat);
}

typedef struct rule {
    double threshold, round_to;
    bool distinct; /* distinct subjects: a cell's total over the window is
                      not the sum of its bins (one subject in two steps
                      counts once), so one subject more or less in a bin
                      may leave it as it was */
} rule;

static bool primary(double v, rule r) {
    return round(v) >= 1 && round(v) < r.threshold;
}

/* Could a true count v (v0 in the real data) have been published as p?
 * Null: only if v is withheld for the same reason v0 is (primary stays
 * primary, so the complementary choices, made among the published values,
 * stay the same). */
static bool could_be(double p, double v, double v0, rule r) {
    if (v < 0) return false;
    if (isnan(p)) return primary(v, r) == primary(v0, r);
    if (primary(v, r)) return false;
    double q = v;
    if (r.round_to > 0) {
        q = round(v) < 1 ? 0 : r.round_to * round(v / r.round_to);
        if (round(v) >= 1 && q < r.threshold)
            q = r.round_to * ceil(r.threshold / r.round_to);
    }
    return fabs(q - p) < 1e-6;
}

/* As could_be, for a count in a row (a unit's or a series' steps) whose
 * total was sum0 and would be sum: a row with a total under the threshold
 * is withheld whole, so any count under the threshold could hide there
 * while the total stays under it. */
static bool could_be_in_row(double p, double v, double v0, double sum,
                            double sum0, rule r) {
    if (isnan(p) && round(sum0) >= 1 && round(sum0) < r.threshold)
        return v >= 0 && round(v) < r.threshold && round(sum) >= 1 &&
               round(sum) < r.threshold;
    return could_be(p, v, v0, r);
}

static double row_sum(const double *x, size_t row, size_t T, size_t off) {
    double sum = 0;
    for (size_t s = off; s < T; s++) sum += x[row * T + s];
    return sum;
}

/* One event more (d = 1) or less (d = -1) of category k in unit u, step t. */
typedef struct change {
    size_t u, t, k;
    double d;
} change;

/* Is the real data with the changes consistent with everything the file
 * (its steps starting off steps after the truth's) publishes? */
static bool consistent(const tables *tr, const tables *f, size_t off,
                       const change *c, size_t nc, rule r) {
    for (size_t i = 0; i < nc; i++) {
        size_t u = c[i].u, t = c[i].t;
        double du = 0, dc = 0, dt = 0, dk = 0, dkw = 0, dall = 0;
        for (size_t j = 0; j < nc; j++) {
            bool in = c[j].t >= off;
            dc += c[j].u == u ? c[j].d : 0;
            du += c[j].u == u && in ? c[j].d : 0;
            dt += c[j].t == t ? c[j].d : 0;
            dk += c[j].t == t && c[j].k == c[i].k ? c[j].d : 0;
            dkw += c[j].k == c[i].k && in ? c[j].d : 0;
            dall += in ? c[j].d : 0;
        }
        double tu = row_sum(tr->bins, u, tr->T, off);
        bool cell_ok =
            could_be(f->cells[u], tr->cells[u] + dc, tr->cells[u], r) ||
            (r.distinct &&
             could_be(f->cells[u], tr->cells[u], tr->cells[u], r));
        if (!cell_ok || !could_be(f->unit[u], tu + du, tu, r)) return false;
        if (t < off) continue;
        size_t b = u * tr->T + t, fb = u * f->T + t - off;
        size_t kb = c[i].k * tr->T + t, fk = c[i].k * f->T + t - off;
        double ta = row_sum(tr->all, 0, tr->T, off);
        double tk = row_sum(tr->cat, c[i].k, tr->T, off);
        if (!could_be_in_row(f->bins[fb], tr->bins[b] + c[i].d, tr->bins[b],
                             tu + du, tu, r) ||
            !could_be_in_row(f->all[t - off], tr->all[t] + dt, tr->all[t],
                             ta + dall, ta, r) ||
            !could_be_in_row(f->cat[fk], tr->cat[kb] + dk, tr->cat[kb],
                             tk + dkw, tk, r))
            return false;
    }
    return true;
}

static bool consistent_both(const tables *tr, const tables *pub, change *c,
                            size_t nc, rule r) {
    return consistent(tr, &pub[0], tr->T - pub[0].T, c, nc, r) &&
           consistent(tr, &pub[1], tr->T - pub[1].T, c, nc, r);
}

/* The bin one event up or down against three more withheld bins: (u, t2)
 * in its row, (u2, t) in its column and (u2, t2), so every unit's and
 * step's total stays as it was. */
static bool has_cycle(const tables *tr, const tables *pub, size_t u, size_t t,
                      rule r) {
    size_t T = tr->T;
    for (int sign = -1; sign <= 1; sign += 2) {
        double d = sign;
        if (!primary(tr->bins[u * T + t] + d, r)) continue;
        for (size_t t2 = 0; t2 < T; t2++) {
            if (t2 == t || !isnan(pub[0].bins[u * T + t2])) continue;
            for (size_t u2 = 0; u2 < tr->U; u2++) {
                if (u2 == u || !isnan(pub[0].bins[u2 * T + t]) ||
                    !isnan(pub[0].bins[u2 * T + t2]))
                    continue;
                for (size_t k = 0; k < tr->K * tr->K; k++) {
                    size_t k1 = k / tr->K, k2 = k % tr->K;
                    change c[4] = {{u, t, k1, d},
                                   {u, t2, k2, -d},
                                   {u2, t, k1, -d},
                                   {u2, t2, k2, d}};
                    if (consistent_both(tr, pub, c, 4, r)) return true;
                }
            }
        }
    }
    return false;
}

/* Another value of the withheld bin (u, t) consistent with both files: the
 * bin one event up or down, alone or against another withheld bin of its
 * row or column, or in a cycle of four (a witness: a second dataset the
 * files can't tell apart). */
static bool has_witness(const tables *tr, const tables *pub, size_t u, size_t t,
                        rule r) {
    for (int sign = -1; sign <= 1; sign += 2) {
        double d = sign;
        if (!primary(tr->bins[u * tr->T + t] + d, r)) continue;
        for (size_t k = 0; k < tr->K; k++) {
            change c[2] = {{u, t, k, d}, {0, 0, 0, 0}};
            if (consistent_both(tr, pub, c, 1, r)) return true;
            for (size_t o = 0; o < tr->U + tr->T; o++) {
                size_t u2 = o < tr->U ? o : u, t2 = o < tr->U ? t : o - tr->U;
                if ((u2 == u && t2 == t) ||
                    !isnan(pub[0].bins[u2 * tr->T + t2]))
                    continue;
                for (size_t k2 = 0; k2 < tr->K; k2++) {
                    c[1] = (change){u2, t2, o < tr->U ? k : k2, -d};
                    if (consistent_both(tr, pub, c, 2, r)) return true;
                    if (o < tr->U) break; /* a column pair: same category */
                }
            }
        }
    }
    return has_cycle(tr, pub, u, t, r);
}

/* Withheld bins of the two public files that no other dataset explains. */
static size_t recoverable_bins(test_state *t_, const char *field, const char *a,
                               const char *b, rule r) {
    tables tr = {0}, pub[2] = {{0}, {0}};
    CHECK(load("truth.gpkg", field, &tr));
    CHECK(load(a, field, &pub[0]) && load(b, field, &pub[1]));
    CHECK(pub[0].U == tr.U && pub[1].U == tr.U && pub[0].K == tr.K &&
          pub[0].T == tr.T && pub[1].T + 1 == tr.T);
    size_t bad = 0;
    if (pub[0].U == tr.U && pub[1].U == tr.U && pub[0].T == tr.T &&
        pub[1].T + 1 == tr.T && pub[1].K == tr.K) {
        /* The real data is itself consistent: the model is vemt's rule. */
        CHECK(consistent_both(&tr, pub, NULL, 0, r));
        /* Without rounding, one leak is enough to show. */
        size_t most = r.round_to > 1 ? SIZE_MAX : 1;
        for (size_t u = 0; u < tr.U && bad < most; u++)
            for (size_t t = 0; t < tr.T && bad < most; t++) {
                bool withheld =
                    isnan(pub[0].bins[u * tr.T + t]) ||
                    (t > 0 && isnan(pub[1].bins[u * pub[1].T + t - 1]));
                if (!withheld || !primary(tr.bins[u * tr.T + t], r)) continue;
                if (has_witness(&tr, pub, u, t, r)) continue;
                if (bad++ < 3 && r.round_to > 1)
                    fprintf(stderr,
                            "  %s: unit %zu step %zu (%g) recoverable\n", field,
                            u, t, tr.bins[u * tr.T + t]);
            }
    }
    tables_clear(&tr), tables_clear(&pub[0]), tables_clear(&pub[1]);
    return bad;
}

TEST(overlapping_windows_recover_nothing) {
    /* The truth (restricted, on a 300 m grid) and two public files on the
     * same grid whose windows overlap: all months, and from February. (The
     * automatic size is 400 m on the demo: 300 m keeps the small counts
     * this attack needs.) */
    CHECK_INT_EQ(vemt("run --demo --cell-size 300 --out truth.gpkg --quiet"),
                 0);
    CHECK_INT_EQ(vemt("run --demo --tier public --cell-size 300 --out wa.gpkg "
                      "--quiet"),
                 0);
    CHECK_INT_EQ(vemt("run --demo --tier public --cell-size 300 --time-start "
                      "2024-02 --out wb.gpkg --quiet"),
                 0);
    rule r = {10, 5, false};
    CHECK_INT_EQ(recoverable_bins(t_, "n_events", "wa.gpkg", "wb.gpkg", r), 0);
    /* (Distinct subjects are not sums, so their totals subtract nothing;
     * they are withheld with their events.) Without rounding the two
     * windows' totals gave January back; exact counts are no longer
     * allowed in a tier that withholds (issue 16, finding 2): --round-to
     * can only coarsen the tier's base. */
    CHECK_INT_EQ(
        vemt("run --demo --tier public --round-to 1 --out xa.gpkg --quiet"), 2);
    CHECK_INT_EQ(
        vemt("run --demo --tier partner --round-to 1 --out xa.gpkg --quiet"),
        2);
}

TEST(report_publishes_what_tables_do) {
    char path[256];
    size_t n;
    CHECK_INT_EQ(vemt("run --demo --tier public --out rp.gpkg --report "
                      "rp.md --quiet"),
                 0);
    snprintf(path, sizeof path, "%s/rp.md", tmpdir);
    char *md = test_slurp(path, &n);
    CHECK(md != NULL);
    if (!md) return;
    /* The trends table withholds tests and changes in this tier: the
     * summary gives the study area's direction and changes rounded to the
     * nearest 10 % (issue 18), never a p-value, a z or a slope (the
     * glossary at the end explains the charts' trend line). */
    char *glossary = strstr(md, "## Glossary");
    if (glossary) *glossary = '\0';
    static const char *const withheld[] = {"Sen's slope",
                                           "p = ", "z = ", "per day"};
    for (size_t i = 0; i < sizeof withheld / sizeof *withheld; i++)
        CHECK(!strstr(md, withheld[i]));
    for (const char *c = md; (c = strstr(c, " rose ")) != NULL; c++) {
        long pct = strtol(c + 6, NULL, 10);
        CHECK(pct % 10 == 0);
    }
    CHECK(strstr(md, "Over the whole period incidents are"));
    CHECK(strstr(md, "Trend tests and changes are withheld in the public"));
    /* The window in whole months; counts rounded as in the tables. */
    int y0, m0, y1, m1, end = 0;
    const char *w = strstr(md, "Data from ");
    CHECK(w &&
          sscanf(w, "Data from %d-%d to %d-%d.%n", &y0, &m0, &y1, &m1, &end) ==
              4 &&
          end > 0);
    for (const char *k = strstr(md, "incident: "); k; k = NULL)
        CHECK(atol(k + 10) % 5 == 0);
    /* A pattern is named only for cells whose pattern is published. */
    snprintf(path, sizeof path, "%s/rp.gpkg", tmpdir);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    for (const char *c = strstr(md, "- cell "); ds && c;
         c = strstr(c + 1, "- cell ")) {
        char id[48], sql[160];
        if (sscanf(c, "- cell %47[^:]", id) != 1) continue;
        bool named = strncmp(strchr(c, '\n') - 5, "dence", 5) != 0;
        snprintf(sql, sizeof sql,
                 "SELECT pattern FROM emerging_hotspots WHERE cell_id = '%s'",
                 id);
        OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
        OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
        CHECK(f != NULL);
        if (f && named) CHECK(OGR_F_IsFieldSetAndNotNull(f, 0));
        if (f) OGR_F_Destroy(f);
        if (r) GDALDatasetReleaseResultSet(ds, r);
    }
    if (ds) GDALClose(ds);
    free(md);
    /* The restricted report does give the tests. */
    CHECK_INT_EQ(vemt("run --demo --out rr.gpkg --report rr.md --quiet"), 0);
    snprintf(path, sizeof path, "%s/rr.md", tmpdir);
    md = test_slurp(path, &n);
    CHECK(md && strstr(md, "Mann-Kendall"));
    /* Two years of months: the direction from the seasonal Kendall test;
     * changes as events per day. */
    CHECK(md && strstr(md, "seasonal Kendall"));
    CHECK(md && strstr(md, "Events per day in "));
    free(md);
}

/* A GeoPackage that breaks one rule, made by hand. */
static void hand_made(const char *name, OGRwkbGeometryType geom,
                      const char *field, double value, double cell_m,
                      int step_days) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    OGRSpatialReferenceH bng = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(bng, 27700);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "hotspot_cube", bng, geom, NULL);
    OSRRelease(bng);
    const char *names[] = {"cell_id", "n_events", field, "step_start_utc",
                           "step_end_utc"};
    OGRFieldType types[] = {OFTString, OFTReal, OFTReal, OFTDateTime,
                            OFTDateTime};
    for (int i = 0; i < 5; i++) {
        if (i == 2 && !field) continue;
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "A");
    OGR_F_SetFieldDouble(f, 1, value);
    OGR_F_SetFieldDateTimeEx(f, OGR_F_GetFieldIndex(f, "step_start_utc"), 2024,
                             1, 1, 0, 0, 0, 100);
    OGR_F_SetFieldDateTimeEx(f, OGR_F_GetFieldIndex(f, "step_end_utc"), 2024, 1,
                             step_days, 0, 0, 0, 100);
    OGRGeometryH g;
    char wkt[256];
    if (geom == wkbPoint)
        snprintf(wkt, sizeof wkt, "POINT (460000 520000)");
    else
        snprintf(wkt, sizeof wkt,
                 "POLYGON ((460000 520000,%.0f 520000,%.0f %.0f,460000 "
                 "%.0f,460000 520000))",
                 460000 + cell_m, 460000 + cell_m, 520000 + cell_m,
                 520000 + cell_m);
    char *w = wkt;
    OGR_G_CreateFromWkt(&w, NULL, &g);
    OGR_F_SetGeometryDirectly(f, g);
    if (OGR_L_CreateFeature(l, f) != OGRERR_NONE) fputs("feature\n", stderr);
    OGR_F_Destroy(f);
    GDALClose(ds);
}

static bool flags(const char *file, const char *reason) {
    char args[256], path[256];
    snprintf(args, sizeof args, "check-disclosure %s --tier public", file);
    int rc = vemt(args);
    snprintf(path, sizeof path, "%s/out.txt", tmpdir);
    size_t n;
    char *out = test_slurp(path, &n);
    bool hit = rc == 1 && out && strstr(out, reason);
    free(out);
    return hit;
}

TEST(check_disclosure_flags_each_rule) {
    hand_made("points.gpkg", wkbPoint, NULL, 20, 300, 31);
    CHECK(flags("points.gpkg", "geometries that are not polygons"));
    hand_made("small.gpkg", wkbPolygon, NULL, 3, 300, 31);
    CHECK(flags("small.gpkg", "n_events = 3"));
    hand_made("stat.gpkg", wkbPolygon, "gi_z", 20, 300, 31);
    CHECK(flags("stat.gpkg", "hotspot_cube.gi_z"));
    hand_made("id.gpkg", wkbPolygon, "subject_key", 20, 300, 31);
    CHECK(flags("id.gpkg", "hotspot_cube.subject_key"));
    hand_made("cell.gpkg", wkbPolygon, NULL, 20, 100, 31);
    CHECK(flags("cell.gpkg", "units smaller than 62500 m2"));
    hand_made("week.gpkg", wkbPolygon, NULL, 20, 300, 7);
    CHECK(flags("week.gpkg", "time steps finer than a month"));
    hand_made("fine.gpkg", wkbPolygon, NULL, 20, 300, 31);
    CHECK(!flags("fine.gpkg", "hotspot_cube"));
}

/* hotspot_cube with two cells in one step, one of them withheld, and the
 * step's study-area count in trends: published (the withheld cell is that
 * count minus the other) or withheld too. */
static void hand_made_column(const char *name, bool total_published) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    static const char *const layers[] = {"hotspot_cube", "trends"};
    for (int k = 0; k < 2; k++) {
        OGRLayerH l =
            GDALDatasetCreateLayer(ds, layers[k], NULL, wkbNone, NULL);
        const char *names[] = {k ? "area" : "cell_id", "category",
                               "step_start_utc", "n_events"};
        OGRFieldType types[] = {OFTString, OFTString, OFTDateTime, OFTReal};
        for (int i = 0; i < 4; i++) {
            OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
            OGR_L_CreateField(l, fd, 1);
            OGR_Fld_Destroy(fd);
        }
        for (int row = 0; row < (k ? 1 : 2); row++) {
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
            OGR_F_SetFieldString(f, 0, k ? "study area" : row ? "B" : "A");
            OGR_F_SetFieldString(f, 1, "all");
            OGR_F_SetFieldDateTimeEx(f, 2, 2024, 1, 1, 0, 0, 0, 100);
            if (k ? total_published : row == 0)
                OGR_F_SetFieldDouble(f, 3, k ? 25 : 20);
            else
                OGR_F_SetFieldNull(f, 3);
            if (OGR_L_CreateFeature(l, f) != OGRERR_NONE)
                fputs("feature\n", stderr);
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
}

TEST(check_disclosure_flags_column_recovery) {
    /* A = 20 published, B withheld, the step's total 25: at the public
     * tier's rounding (5) B lies anywhere in [0, 10], the threshold wide,
     * so the audit finds it protected. tests/test_check.c (linked_audit)
     * recovers a withheld cell from exact totals. */
    hand_made_column("column.gpkg", true);
    CHECK(!flags("column.gpkg", "recoverable"));
    hand_made_column("column_safe.gpkg", false);
    CHECK(!flags("column_safe.gpkg", "recoverable"));
}

TEST(restricted_files_private) {
    struct stat st;
    char path[256], args[512];
    CHECK_INT_EQ(vemt("run --demo --out r.gpkg --quiet"), 0);
    snprintf(path, sizeof path, "%s/r.gpkg", tmpdir);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    /* A folder others can read is refused for restricted data. */
    snprintf(path, sizeof path, "%s/open", tmpdir);
    mkdir(path, 0755);
    chmod(path, 0755);
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --out open/r.gpkg",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 1);
    snprintf(path, sizeof path, "%s/open/r.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
    snprintf(args, sizeof args,
             "run --incidents '%s/demo/incidents.csv' --out open/r.gpkg "
             "--allow-world-readable --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args), 0);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
    /* The public tier refuses cells under 250 m: a usage error, found
     * before anything is read. */
    CHECK_INT_EQ(vemt("run --demo --tier public --cell-size 100 --out p.gpkg"),
                 2);
}

TEST_SUITE(disclosure) {
    strcpy(tmpdir, "/tmp/vemt-test-disclosure-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(partner_tier);
    RUN(public_tier);
    RUN(secondary_suppression_holds);
    RUN(overlapping_windows_recover_nothing);
    RUN(report_publishes_what_tables_do);
    RUN(check_disclosure_flags_each_rule);
    RUN(check_disclosure_flags_column_recovery);
    RUN(restricted_files_private);
    GDALDestroy();
    proj_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd)) fputs("cleanup failed\n", stderr);
}
