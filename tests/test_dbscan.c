/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_dbscan.c
 * @brief DBSCAN and ST-DBSCAN: the labelling rules on hand-made points,
 * argument checks, and agreement with scikit-learn and QGIS (labels, core
 * points, numbering) on generated points, the demo incidents and a real
 * police.uk month (tests/ref/dbscan_ref.h, made by
 * tests/ref/dbscan_peers.py); ST-DBSCAN's time gaps in calendar days for
 * day-precision events against a brute-force reference.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "tests/ref/csv_table.h"
#include "tests/ref/dbscan_ref.h"
#include "tests/test.h"
#include "tests/tzutil.h"

/* Run DBSCAN on n points (t may be NULL); labels and core into the given
 * arrays. Returns the status. */
static vemt_status run(const double *x, const double *y, const int64_t *t,
                       size_t n, vemt_dbscan_opts o, int32_t *labels,
                       bool *core, size_t *k) {
    vemt_ctx *ctx;
    if (vemt_ctx_create(1, &ctx)) return VEMT_E_NOMEM;
    vemt_points p = {n, x, y, t, NULL, NULL};
    vemt_status st = vemt_dbscan_compute(ctx, &p, &o, labels, core, k);
    vemt_ctx_destroy(ctx);
    return st;
}

/* Two groups of 4 points (10 m squares) 90 m apart; a border point 45 m
 * from a core point of each; an isolated point. The second group comes first in
 * the input, so it is cluster 0; the border point (index 8) joins the lowest
 * numbered cluster, whatever the order it is reached in. */
TEST(border_joins_lowest_cluster) {
    const double x[] = {100, 110, 100, 110, 0, 10, 0, 10, 55, 500};
    const double y[] = {0, 0, 10, 10, 0, 0, 10, 10, 0, 500};
    int32_t lab[10];
    bool core[10];
    size_t k;
    vemt_dbscan_opts o = {.eps_m = 45, .min_points = 4};
    CHECK_STATUS(run(x, y, NULL, 10, o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 2);
    for (int i = 0; i < 4; i++) CHECK_INT_EQ(lab[i], 0);
    for (int i = 4; i < 8; i++) CHECK_INT_EQ(lab[i], 1);
    CHECK_INT_EQ(lab[8], 0);
    CHECK(!core[8]);
    CHECK_INT_EQ(lab[9], VEMT_LABEL_NOISE);
    /* DBSCAN*: border points are noise. */
    o.border_noise = true;
    CHECK_STATUS(run(x, y, NULL, 10, o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(lab[8], VEMT_LABEL_NOISE);
    CHECK_INT_EQ(lab[0], 0);
}

/* Neighbours at exactly eps count (distance <= eps); coincident points
 * count separately; min_points counts the point itself. */
TEST(closed_ball_and_duplicates) {
    const double x[] = {0, 3, 0, 0, 100, 100, 100};
    const double y[] = {0, 4, 0, 0, 100, 100, 100};
    int32_t lab[7];
    bool core[7];
    size_t k;
    vemt_dbscan_opts o = {.eps_m = 5, .min_points = 4};
    CHECK_STATUS(run(x, y, NULL, 7, o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 1);
    CHECK(core[0] && core[2] && core[3]); /* 3 coincident + (3, 4) at 5 m */
    CHECK(core[1]);
    CHECK_INT_EQ(lab[4], VEMT_LABEL_NOISE); /* 3 coincident, min 4 */
    o.min_points = 3;
    CHECK_STATUS(run(x, y, NULL, 7, o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 2);
    CHECK_INT_EQ(lab[4], 1);
    o.min_points = 1; /* every point is core: each is a cluster or joins */
    CHECK_STATUS(run(x, y, NULL, 7, o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 2);
}

/* ST-DBSCAN: a neighbour must also be within eps_s in time; points with
 * month precision are left out. */
TEST(space_time) {
    const double x[] = {0, 1, 2, 3, 4, 5};
    const double y[] = {0, 0, 0, 0, 0, 0};
    const int64_t t[] = {0, 100, 200, 10000, 10100, 10200};
    uint8_t prec[] = {0, 0, 0, 0, 0, VEMT_PREC_MONTH};
    int32_t lab[6];
    bool core[6];
    size_t k;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {6, x, y, t, prec, NULL};
    vemt_dbscan_opts o = {
        .eps_m = 10, .min_points = 2, .space_time = true, .eps_s = 150};
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 2);
    CHECK(lab[0] == 0 && lab[1] == 0 && lab[2] == 0);
    CHECK(lab[3] == 1 && lab[4] == 1);
    CHECK_INT_EQ(lab[5], VEMT_LABEL_EXCLUDED);
    o.space_time = false; /* plain DBSCAN: one cluster, nothing left out */
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, core, &k), VEMT_OK);
    CHECK_INT_EQ(k, 1);
    CHECK_INT_EQ(lab[5], 0);
    vemt_ctx_destroy(ctx);
}

TEST(bad_arguments) {
    const double x[] = {0, NAN}, y[] = {0, 0};
    int32_t lab[2];
    size_t k;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {1, x, y, NULL, NULL, NULL};
    vemt_dbscan_opts o = {.eps_m = 0.0001, .min_points = 3};
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_E_ARG);
    o.eps_m = 10;
    o.min_points = 0;
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_E_ARG);
    o.min_points = 3;
    o.space_time = true; /* no times */
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_E_ARG);
    o.space_time = false;
    p.n = 2; /* a NaN coordinate */
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "point 1") != NULL);
    p.n = 0;
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_OK);
    CHECK_INT_EQ(k, 0);
    vemt_ctx_destroy(ctx);
}

/* ---- Agreement with scikit-learn and QGIS ---- */

typedef struct ref_points {
    size_t n;
    double *x, *y;
    int64_t *t;
    long *id;
} ref_points;

static void ref_points_free(ref_points *r) {
    free(r->x);
    free(r->y);
    free(r->t);
    free(r->id);
}

/* Seconds of "YYYY-MM-DDTHH:MM:SSZ", or false when it is not a valid
 * instant (the rule of datetime.strptime in dbscan_peers.py). */
static bool parse_time(const char *s, int64_t *t) {
    int Y, M, D, h, m, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &Y, &M, &D, &h, &m, &sec, &n) !=
            6 ||
        n != 20 || s[20])
        return false;
    int64_t days = vemt_days_from_civil(Y, M, D);
    int y2, m2, d2;
    vemt_civil_from_days(days, &y2, &m2, &d2);
    if (y2 != Y || m2 != M || d2 != D || h > 23 || m > 59 || sec > 59)
        return false;
    *t = days * 86400 + h * 3600 + m * 60 + sec;
    return true;
}

static bool parse_coord(const char *s, double *v) {
    char *end;
    *v = strtod(s, &end);
    return end != s && !*end && isfinite(*v);
}

/* The points of a reference case, in the order of its labels file. */
static bool load_case(const char *name, ref_points *r) {
    char path[512];
    bool demo = !strncmp(name, "demo", 4), timed = strstr(name, "_st") != 0;
    const char *file = demo ? "demo/incidents.csv"
                       : !strncmp(name, "gen", 3)
                           ? "ref/dbscan_points_10k.csv"
                           : "ref/merseyside_2019-05_27700.csv";
    snprintf(path, sizeof path, "%s/%s", VEMT_FIXTURES, file);
    csv_table tb;
    if (csv_table_load(path, &tb)) return false;
    int cx = csv_col(&tb, "easting"), cy = csv_col(&tb, "northing");
    int ct = csv_col(&tb, "occurred_at");
    r->x = calloc(tb.rows, sizeof *r->x);
    r->y = calloc(tb.rows, sizeof *r->y);
    r->t = calloc(tb.rows, sizeof *r->t);
    r->id = calloc(tb.rows, sizeof *r->id);
    r->n = 0;
    for (size_t i = 0; i < tb.rows; i++) {
        size_t k = r->n;
        if (!parse_coord(csv_get(&tb, i, cx), &r->x[k]) ||
            !parse_coord(csv_get(&tb, i, cy), &r->y[k]))
            continue;
        bool has_t = ct >= 0 && parse_time(csv_get(&tb, i, ct), &r->t[k]);
        if (timed && !has_t) continue;
        r->id[k] = (long)i + 2; /* line number (demo ids) */
        r->n++;
    }
    csv_table_free(&tb);
    return true;
}

static uint64_t fnv1a(const int32_t *v, size_t n) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++) {
            h ^= (uint32_t)v[i] >> (8 * b) & 0xffu;
            h *= 0x100000001b3u;
        }
    return h;
}

/* Adjusted Rand index of two labellings (Hubert & Arabie 1985, "Comparing
 * partitions", Journal of Classification 2:193-218,
 * doi:10.1007/BF01908075), each label a value in [0, k). */
static double ari(const int32_t *a, const int32_t *b, size_t n, size_t k) {
    double *nij = calloc(k * k, sizeof *nij), *ai = calloc(k, sizeof *ai);
    double *bj = calloc(k, sizeof *bj), sij = 0, sa = 0, sb = 0;
    for (size_t i = 0; i < n; i++) {
        nij[(size_t)a[i] * k + (size_t)b[i]] += 1;
        ai[a[i]] += 1;
        bj[b[i]] += 1;
    }
    for (size_t i = 0; i < k * k; i++) sij += nij[i] * (nij[i] - 1) / 2;
    for (size_t i = 0; i < k; i++) {
        sa += ai[i] * (ai[i] - 1) / 2;
        sb += bj[i] * (bj[i] - 1) / 2;
    }
    double all = (double)n * ((double)n - 1) / 2, e = sa * sb / all;
    free(nij), free(ai), free(bj);
    return (sij - e) / ((sa + sb) / 2 - e);
}

static void check_case(test_state *t_, const dbscan_ref *ref) {
    ref_points pts = {0};
    csv_table tb;
    char path[512];
    snprintf(path, sizeof path, "%s/ref/dbscan_%s.csv", VEMT_FIXTURES,
             ref->name);
    CHECK(load_case(ref->name, &pts));
    CHECK(csv_table_load(path, &tb) == 0);
    CHECK_INT_EQ(pts.n, ref->n);
    CHECK_INT_EQ(tb.rows, ref->n);
    if (pts.n != (size_t)ref->n || tb.rows != (size_t)ref->n) return;
    int32_t *lab = calloc(pts.n, sizeof *lab), *peer = calloc(pts.n, 4);
    int32_t *qgis = calloc(pts.n, 4), *la = calloc(pts.n, 4);
    int32_t *lb = calloc(pts.n, 4);
    bool *core = calloc(pts.n, sizeof *core);
    size_t k, same = 0, same_core = 0, same_qgis = 0, ncore = 0;
    vemt_dbscan_opts o = {ref->eps_m,
                          (size_t)ref->min_points,
                          ref->eps_days > 0,
                          (int64_t)(ref->eps_days * 86400),
                          false,
                          NULL,
                          true}; /* the peers' labels, small clusters kept */
    CHECK_STATUS(run(pts.x, pts.y, pts.t, pts.n, o, lab, core, &k), VEMT_OK);
    for (size_t i = 0; i < pts.n; i++) {
        peer[i] = atoi(csv_get(&tb, i, 1));
        qgis[i] = atoi(csv_get(&tb, i, 3));
        same += lab[i] == peer[i];
        same_qgis += lab[i] == qgis[i];
        same_core += core[i] == (atoi(csv_get(&tb, i, 2)) == 1);
        if (core[i] && peer[i] >= 0) { /* ARI over the core points */
            la[ncore] = lab[i];
            lb[ncore++] = peer[i];
        }
    }
    CHECK_INT_EQ(k, ref->n_clusters);
    CHECK_INT_EQ(same, pts.n);      /* identical to scikit-learn */
    CHECK_INT_EQ(same_core, pts.n); /* the same core points */
    CHECK_INT_EQ(same_qgis, pts.n); /* identical to QGIS */
    CHECK_INT_EQ(ncore, ref->n_core);
    CHECK(fnv1a(lab, pts.n) == ref->sklearn_hash);
    CHECK(fnv1a(lab, pts.n) == ref->qgis_hash);
    CHECK_NEAR(ari(la, lb, ncore, k), 1.0, 1e-12);
    fprintf(stderr,
            "  %s: %zu points, %zu clusters, %zu core: identical to "
            "scikit-learn and QGIS\n",
            ref->name, pts.n, k, ncore);
    /* The default joins the clusters the peers leave under min_points
     * (dbscan.c, join_small): the same noise, whole peer clusters joined
     * (each peer cluster within one joined cluster), and every joined
     * cluster at least min_points strong. */
    o.split_small = false;
    int32_t *joined = calloc(pts.n, sizeof *joined);
    int32_t *map = malloc((k ? k : 1) * sizeof *map);
    size_t kj = 0, *size = calloc(pts.n + 1, sizeof *size);
    CHECK_STATUS(run(pts.x, pts.y, pts.t, pts.n, o, joined, NULL, &kj),
                 VEMT_OK);
    for (size_t c = 0; c < k; c++) map[c] = -1;
    size_t same_noise = 0, whole = 0, small = 0, labelled = 0;
    for (size_t c = 0; c < k; c++) size[c] = 0;
    for (size_t i = 0; i < pts.n; i++)
        if (lab[i] >= 0) size[lab[i]]++;
    for (size_t c = 0; c < k; c++) small += size[c] < o.min_points;
    for (size_t i = 0; i < pts.n; i++) {
        same_noise += (lab[i] < 0) == (joined[i] < 0);
        if (lab[i] < 0) continue;
        if (map[lab[i]] < 0) map[lab[i]] = joined[i];
        whole += map[lab[i]] == joined[i];
        labelled++;
    }
    CHECK_INT_EQ(same_noise, pts.n);
    CHECK_INT_EQ(whole, labelled); /* every labelled point */
    for (size_t c = 0; c <= kj; c++) size[c] = 0;
    for (size_t i = 0; i < pts.n; i++)
        if (joined[i] >= 0 && (size_t)joined[i] < kj) size[joined[i]]++;
    size_t under = 0;
    for (size_t c = 0; c < kj; c++) under += size[c] < o.min_points;
    CHECK_INT_EQ(under, 0);
    CHECK(kj <= k && (small == 0) == (kj == k));
    fprintf(stderr,
            "  %s: %zu peer clusters under %zu points joined: %zu -> %zu\n",
            ref->name, small, o.min_points, k, kj);
    free(joined), free(map), free(size);
    free(lab), free(peer), free(qgis), free(la), free(lb), free(core);
    csv_table_free(&tb);
    ref_points_free(&pts);
}

TEST(peers_generated) { check_case(t_, &DBSCAN_REFS[0]); }
TEST(peers_generated_st) { check_case(t_, &DBSCAN_REFS[1]); }
TEST(peers_demo) { check_case(t_, &DBSCAN_REFS[2]); }
TEST(peers_demo_st) { check_case(t_, &DBSCAN_REFS[3]); }
TEST(peers_policeuk) { check_case(t_, &DBSCAN_REFS[4]); }

/* vemt_event_points_fill picks located events of the kinds asked for. */
TEST(event_points) {
    vemt_events ev = {0};
    vemt_event e = {.located = true,
                    .in_area = true,
                    .x = 1,
                    .y = 2,
                    .start_utc = 7,
                    .precision = VEMT_PREC_MONTH};
    vemt_events_push(&ev, &e);
    e.located = false;
    vemt_events_push(&ev, &e);
    e.located = true;
    e.kind = VEMT_KIND_FOUND_AT;
    e.in_area = false;
    e.x = 3;
    vemt_events_push(&ev, &e);
    vemt_event_points p;
    CHECK_STATUS(vemt_event_points_fill(
                     &ev, 1u << VEMT_KIND_INCIDENT | 1u << VEMT_KIND_FOUND_AT,
                     false, &p),
                 VEMT_OK);
    CHECK_INT_EQ(p.n, 2);
    CHECK_INT_EQ(p.event[1], 2);
    CHECK_NEAR(p.x[1], 3, 0);
    CHECK_INT_EQ(p.precision[0], VEMT_PREC_MONTH);
    vemt_points v = vemt_event_points_view(&p);
    CHECK(v.n == 2 && v.t == p.t && !v.weight);
    vemt_event_points_clear(&p);
    CHECK_STATUS(
        vemt_event_points_fill(&ev, 1u << VEMT_KIND_FOUND_AT, true, &p),
        VEMT_OK);
    CHECK_INT_EQ(p.n, 0);
    vemt_event_points_clear(&p);
    vemt_events_clear(&ev);
}

/* ---- Calendar time --------------------------------------------------- */

/* Dated 2022-10-24 and 2022-10-31 (the clocks went back on the 30th): 7
 * calendar days, 7 days and 1 hour elapsed. With eps-time 7 days the two
 * day-precision events are neighbours in calendar days, not in elapsed
 * time; two exact times 7 days and 1 hour apart are not, dates or not. */
TEST(calendar_days_across_the_clock_change) {
    vemt_tz *z = test_zone("Europe/London");
    CHECK(z != NULL);
    if (!z) return;
    const double x[] = {0, 0}, y[] = {0, 0};
    int64_t t[2] = {vemt_tz_day_start(z, vemt_days_from_civil(2022, 10, 24)),
                    vemt_tz_day_start(z, vemt_days_from_civil(2022, 10, 31))};
    CHECK_INT_EQ(t[1] - t[0], 7 * 86400 + 3600);
    uint8_t prec[2] = {VEMT_PREC_DAY, VEMT_PREC_DAY};
    int32_t date[2];
    for (int i = 0; i < 2; i++) date[i] = vemt_event_date(z, z, t[i], prec[i]);
    CHECK_INT_EQ(date[1] - date[0], 7);
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {2, x, y, t, prec, NULL};
    vemt_dbscan_opts o = {.eps_m = 10,
                          .min_points = 2,
                          .space_time = true,
                          .eps_s = 7 * 86400,
                          .date = date};
    int32_t lab[2];
    size_t k;
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_OK);
    CHECK(k == 1 && lab[0] == 0 && lab[1] == 0);
    o.date = NULL; /* elapsed time only */
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_OK);
    CHECK(k == 0 && lab[0] == VEMT_LABEL_NOISE && lab[1] == VEMT_LABEL_NOISE);
    /* Exact: noon GMT... noon BST a week later is 7 d 1 h after. */
    prec[0] = prec[1] = VEMT_PREC_MINUTE;
    t[0] += 12 * 3600, t[1] += 12 * 3600;
    for (int i = 0; i < 2; i++) date[i] = vemt_event_date(z, z, t[i], prec[i]);
    o.date = date;
    CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k), VEMT_OK);
    CHECK_INT_EQ(k, 0);
    vemt_ctx_destroy(ctx);
    vemt_tz_destroy(z);
}

/* ST-DBSCAN by its definition, pair by pair: neighbours within eps in
 * space and within eps_s as a time gap (elapsed between exact times, else
 * calendar days); core points have min_points neighbours; clusters are the
 * connected core points numbered in input order; a border point takes the
 * lowest cluster among its core neighbours; month precision is left out. */
static void brute_st_dbscan(const double *x, const double *y, const int64_t *t,
                            const uint8_t *prec, const int32_t *date, size_t n,
                            const vemt_dbscan_opts *o, int32_t *lab) {
    bool *core = calloc(n, 1), *in = calloc(n, 1);
    int32_t *comp = calloc(n, sizeof *comp);
    size_t *stack = calloc(n, sizeof *stack);
#define NEAR(i, j)                                                    \
    ((x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]) <= \
         o->eps_m * o->eps_m &&                                       \
     (prec[i] <= VEMT_PREC_MINUTE && prec[j] <= VEMT_PREC_MINUTE      \
          ? llabs(t[i] - t[j])                                        \
          : llabs(((int64_t)date[i] - date[j]) * 86400)) <= o->eps_s)
    for (size_t i = 0; i < n; i++) {
        in[i] = prec[i] != VEMT_PREC_MONTH;
        comp[i] = -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t cnt = 0;
        for (size_t j = 0; in[i] && j < n; j++) cnt += in[j] && NEAR(i, j);
        core[i] = in[i] && cnt >= o->min_points;
    }
    int32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (!core[i] || comp[i] >= 0) continue;
        size_t top = 0;
        stack[top++] = i;
        comp[i] = next;
        while (top) {
            size_t a = stack[--top];
            for (size_t j = 0; j < n; j++)
                if (core[j] && comp[j] < 0 && NEAR(a, j)) {
                    comp[j] = next;
                    stack[top++] = j;
                }
        }
        next++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!in[i]) {
            lab[i] = VEMT_LABEL_EXCLUDED;
            continue;
        }
        if (core[i]) {
            lab[i] = comp[i];
            continue;
        }
        int32_t best = INT32_MAX;
        for (size_t j = 0; j < n; j++)
            if (core[j] && NEAR(i, j) && comp[j] < best) best = comp[j];
        lab[i] = best == INT32_MAX ? VEMT_LABEL_NOISE : best;
    }
#undef NEAR
    free(core), free(in), free(comp), free(stack);
}

/* Generated London events of spring 2022 (a third known only to the day,
 * some to the month), in clumps, against the brute force, for several
 * time windows. */
TEST(calendar_days_against_brute_force) {
    vemt_tz *z = test_zone("Europe/London");
    CHECK(z != NULL);
    if (!z) return;
    enum { N = 1500 };
    double *x = calloc(N, sizeof *x), *y = calloc(N, sizeof *y);
    int64_t *t = calloc(N, sizeof *t);
    uint8_t *prec = calloc(N, 1);
    int32_t *date = calloc(N, sizeof *date), *lab = calloc(N, 4),
            *want = calloc(N, 4);
    uint32_t s = 99;
#define NEXT() (s = s * 1664525u + 1013904223u, s >> 8)
    int64_t y0 = vemt_days_from_civil(2022, 1, 1) * 86400;
    for (int month_only = 0; month_only < 2; month_only++) {
        for (size_t i = 0; i < N; i++) {
            double cx = (double)(NEXT() % 8) * 400;
            x[i] = cx + (double)(NEXT() % 150);
            y[i] = (double)(NEXT() % 150);
            /* 60 days over the spring clock change (2022-03-27). */
            int64_t day = 50 + (int64_t)(NEXT() % 60);
            t[i] = y0 + day * 86400 + (int64_t)(NEXT() % 86400);
            uint32_t r = NEXT() % 12;
            prec[i] = r < 4                  ? VEMT_PREC_DAY
                      : r == 4 && month_only ? VEMT_PREC_MONTH
                      : r < 8                ? VEMT_PREC_MINUTE
                                             : VEMT_PREC_SECOND;
            if (prec[i] >= VEMT_PREC_DAY)
                t[i] = vemt_tz_day_start(z, vemt_tz_date(z, t[i]));
            date[i] = vemt_event_date(z, z, t[i], prec[i]);
        }
        vemt_points p = {N, x, y, t, prec, NULL};
        const int64_t windows[] = {86400, 7 * 86400, 10 * 86400 + 1800};
        for (int w = 0; w < 3; w++) {
            vemt_dbscan_opts o = {.eps_m = 60,
                                  .min_points = 4,
                                  .space_time = true,
                                  .eps_s = windows[w],
                                  .date = date,
                                  .split_small = true}; /* as brute force */
            vemt_ctx *ctx;
            vemt_ctx_create(1, &ctx);
            size_t k;
            CHECK_STATUS(vemt_dbscan_compute(ctx, &p, &o, lab, NULL, &k),
                         VEMT_OK);
            vemt_ctx_destroy(ctx);
            brute_st_dbscan(x, y, t, prec, date, N, &o, want);
            size_t same = 0, clustered = 0;
            for (size_t i = 0; i < N; i++) {
                same += lab[i] == want[i];
                clustered += want[i] >= 0;
            }
            CHECK_INT_EQ(same, N);
            CHECK(clustered > N / 10); /* the case has clusters to find */
        }
    }
#undef NEXT
    free(x), free(y), free(t), free(prec), free(date), free(lab), free(want);
    vemt_tz_destroy(z);
}

TEST_SUITE(dbscan) {
    RUN(border_joins_lowest_cluster);
    RUN(closed_ball_and_duplicates);
    RUN(space_time);
    RUN(bad_arguments);
    RUN(peers_generated);
    RUN(peers_generated_st);
    RUN(peers_demo);
    RUN(peers_demo_st);
    RUN(peers_policeuk);
    RUN(event_points);
    RUN(calendar_days_across_the_clock_change);
    RUN(calendar_days_against_brute_force);
}
