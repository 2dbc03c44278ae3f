/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_scan.c
 * @brief The space-time permutation scan against a brute force over every
 * cylinder (tests/ref/scan_ref.py: each circle's members listed anew, the
 * expectation summed term by term): the clusters, their windows, counts,
 * expectations and LLRs, prospective and retrospective; the pruned Monte
 * Carlo equal to evaluating every cylinder, at any thread count; the
 * p-value against the exact permutation probability of a tiny case; the
 * primary cluster's p uniform when the steps are permuted (no space-time
 * interaction); refusals and allocation failures.
 */
#define VEMT_ALLOC_TEST
#include "engine/scan.c"
#include "tests/alloc_fail.h"
#include "tests/test.h"

/* ---- The lcg case of scan_ref.py ---------------------------------------- */

enum { NLOC = 30, NSTEP = 10, NEV = 224 };

typedef struct lcg_case {
    double xy[2 * NLOC];
    uint32_t loc[NEV], step[NEV];
} lcg_case;

static uint32_t lcg_x;
static double lcg_u(void) {
    lcg_x = 1664525u * lcg_x + 1013904223u;
    return (double)lcg_x / 4294967296.0;
}

static void make_case(lcg_case *c) {
    lcg_x = 12345;
    for (int i = 0; i < NLOC; i++) {
        c->xy[2 * i] = floor(lcg_u() * 20);
        c->xy[2 * i + 1] = floor(lcg_u() * 20);
    }
    for (int i = 0; i < 200; i++) {
        c->loc[i] = (uint32_t)floor(lcg_u() * 30);
        c->step[i] = (uint32_t)floor(lcg_u() * 10);
    }
    for (int i = 200; i < NEV; i++) {
        c->loc[i] = 0;
        c->step[i] = 7 + (uint32_t)floor(lcg_u() * 3);
    }
}

typedef struct ref_cluster {
    uint32_t centre, first, last;
    double r2, n, mu, llr;
    uint32_t members[8];
    int n_members;
} ref_cluster;

/* scan_ref.py, S = 5, prospective. */
static const ref_cluster PROSPECTIVE[] = {
    {0, 7, 9, 0, 24, 9.1607142857142847, 8.8005374718280862, {0}, 1},
    {2,
     7,
     9,
     37,
     10,
     6.4464285714285712,
     0.86619858611809342,
     {2, 6, 13, 22},
     4},
    {11, 9, 9, 0, 2, 0.84375, 0.5728430879935924, {11}, 1},
    {8, 7, 9, 0, 6, 4.0714285714285712, 0.40650248265929934, {8}, 1},
    {10, 7, 9, 0, 4, 2.7142857142857144, 0.26909022201243671, {10}, 1},
    {18, 8, 9, 0, 2, 1.1785714285714286, 0.2377756444840593, {18}, 1},
    {21, 9, 9, 0, 1, 0.5625, 0.13829274641317335, {21}, 1},
    {3, 5, 9, 0, 4, 3.0535714285714288, 0.13553133358722513, {3}, 1},
    {16, 5, 9, 0, 5, 4.0714285714285712, 0.10061149116378987, {16}, 1},
    {17, 5, 9, 0, 5, 4.5803571428571423, 0.019063377866070874, {17}, 1},
};

/* scan_ref.py, S = 5, retrospective. */
static const ref_cluster RETROSPECTIVE[] = {
    {0, 7, 9, 0, 24, 9.1607142857142847, 8.8005374718280862, {0}, 1},
    {5, 5, 5, 61, 9, 2.96875, 4.0335480834695314, {5, 12, 14, 18, 25}, 5},
    {1, 6, 6, 10, 10, 3.5625, 3.978652177467044, {3, 4, 21, 24, 26, 28}, 6},
    {10, 1, 2, 5, 9, 3.0535714285714288, 3.8625329436181737, {10, 23}, 2},
    {27, 1, 1, 0, 3, 0.6428571428571429, 2.2766740050540477, {27}, 1},
    {20, 3, 4, 0, 5, 1.7678571428571428, 1.9898248244140309, {20}, 1},
};

static int cmp_u32(const void *a, const void *b) {
    uint32_t p = *(const uint32_t *)a, q = *(const uint32_t *)b;
    return p < q ? -1 : p > q;
}

static void check_clusters(test_state *t_, const vemt_scan_result *res,
                           const lcg_case *c, const ref_cluster *ref,
                           size_t n_ref) {
    CHECK_INT_EQ(res->n_clusters, n_ref);
    for (size_t k = 0; k < n_ref && k < res->n_clusters; k++) {
        const vemt_scan_cluster *g = &res->clusters[k];
        const ref_cluster *e = &ref[k];
        CHECK_INT_EQ(g->centre, e->centre);
        CHECK_INT_EQ(g->first_step, e->first);
        CHECK_INT_EQ(g->last_step, e->last);
        CHECK_NEAR(g->observed, e->n, 0);
        CHECK_NEAR(g->expected, e->mu, 1e-12 * e->mu);
        CHECK_NEAR(g->llr, e->llr, 1e-10 * e->llr);
        CHECK_NEAR(g->radius * g->radius, e->r2, 1e-9);
        CHECK_INT_EQ(g->n_members, e->n_members);
        uint32_t m[8] = {0};
        for (int j = 0; j < e->n_members && j < 8 && j < (int)g->n_members; j++)
            m[j] = res->members[g->first_member + (size_t)j];
        qsort(m, (size_t)e->n_members, sizeof *m, cmp_u32);
        for (int j = 0; j < e->n_members; j++)
            CHECK_INT_EQ(m[j], e->members[j]);
        double N = NEV;
        CHECK_NEAR(g->relative_risk,
                   (e->n / e->mu) / ((N - e->n) / (N - e->mu)), 1e-12);
        CHECK(g->p >= res->p_floor && g->p <= 1);
    }
    (void)c;
}

static vemt_scan_opts opts_of(bool retro, size_t reps, unsigned threads) {
    vemt_scan_opts o = {.max_steps = 5, .retrospective = retro};
    o.perm =
        (vemt_perm_opts){.permutations = reps, .seed = 7, .threads = threads};
    return o;
}

TEST(llr_by_hand) {
    /* 24 events where 9.1607... are expected out of 224:
     * 24 ln(24 / 9.1607) + 200 ln(200 / 214.8393) = 23.1122 - 14.3117. */
    CHECK_NEAR(vemt_scan_llr(24, 9.1607142857142847, 224), 8.8005374718280862,
               1e-12);
    CHECK_NEAR(vemt_scan_llr(9, 9.5, 224), 0, 0); /* fewer than expected */
    CHECK_NEAR(vemt_scan_llr(3, 0, 224), 0, 0);
}

TEST(clusters_as_brute_force) {
    static lcg_case c;
    make_case(&c);
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_scan_result res;
    vemt_scan_opts o = opts_of(false, 99, 2);
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &res),
        VEMT_OK);
    check_clusters(t_, &res, &c, PROSPECTIVE,
                   sizeof PROSPECTIVE / sizeof *PROSPECTIVE);
    CHECK_INT_EQ(res.n_windows, 5);
    CHECK_INT_EQ(res.n_locations, 29);
    CHECK_INT_EQ(res.replicates, 99);
    /* The planted cluster: 24 events in 3 months at one place, 9.2
     * expected: no replicate of 99 comes near. */
    CHECK_NEAR(res.clusters[0].p, 0.01, 1e-15);
    vemt_scan_result_clear(&res);
    o = opts_of(true, 99, 2);
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &res),
        VEMT_OK);
    check_clusters(t_, &res, &c, RETROSPECTIVE,
                   sizeof RETROSPECTIVE / sizeof *RETROSPECTIVE);
    CHECK_INT_EQ(res.n_windows, 10 + 9 + 8 + 7 + 6);
    vemt_scan_result_clear(&res);
    vemt_ctx_destroy(ctx);
}

/* The pruned Monte Carlo gives every replicate the same largest LLR as
 * evaluating every cylinder, bit for bit, at 1 and 3 threads. */
TEST(pruning_and_threads_change_nothing) {
    static lcg_case c;
    make_case(&c);
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    for (int retro = 0; retro < 2; retro++) {
        vemt_scan_result a, b, x;
        vemt_scan_opts o = opts_of(retro, 101, 1);
        CHECK_STATUS(
            vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &a),
            VEMT_OK);
        o.perm.threads = 3;
        CHECK_STATUS(
            vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &b),
            VEMT_OK);
        o.exhaustive = true;
        CHECK_STATUS(
            vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &x),
            VEMT_OK);
        CHECK(!memcmp(a.null_llr, b.null_llr, 101 * sizeof *a.null_llr));
        CHECK(!memcmp(a.null_llr, x.null_llr, 101 * sizeof *a.null_llr));
        size_t positive = 0;
        for (size_t r = 0; r < 101; r++) positive += a.null_llr[r] > 0;
        CHECK_INT_EQ(positive, 101);
        CHECK_NEAR(a.clusters[0].p, x.clusters[0].p, 0);
        vemt_scan_result_clear(&a);
        vemt_scan_result_clear(&b);
        vemt_scan_result_clear(&x);
    }
    vemt_ctx_destroy(ctx);
}

/* scan_ref.py, tiny: of all 8! assignments of the steps to the events,
 * 26496 / 40320 give a largest LLR at least the data's 0.30479. */
TEST(p_value_as_exact_permutation) {
    const double xy[] = {0, 0, 1, 0, 5, 5, 9, 0};
    const uint32_t loc[] = {0, 0, 1, 0, 2, 3, 2, 3};
    const uint32_t step[] = {2, 2, 2, 1, 0, 1, 0, 2};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_scan_opts o = {.max_steps = 2};
    o.perm = (vemt_perm_opts){.permutations = 9999, .seed = 11, .threads = 2};
    vemt_scan_result res;
    CHECK_STATUS(vemt_scan_run(ctx, xy, 4, 3, loc, step, 8, &o, &res), VEMT_OK);
    CHECK(res.n_clusters >= 1);
    CHECK_NEAR(res.clusters[0].llr, 0.30478754035472022, 1e-12);
    /* Within 4 standard errors of the exact probability. */
    double p = 26496.0 / 40320.0, se = sqrt(p * (1 - p) / 9999);
    CHECK_NEAR(res.clusters[0].p, p, 4 * se);
    vemt_scan_result_clear(&res);
    vemt_ctx_destroy(ctx);
}

/* With the steps permuted among the events (no space-time interaction),
 * the primary cluster's p is uniform: over 200 seeds, p <= 0.05 in
 * Binomial(200, 0.05) cases (mean 10); its 99.9 % interval is [2, 21]. */
TEST(null_rejection_rate) {
    static lcg_case c;
    make_case(&c);
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    int rejected = 0, uniform_low = 0;
    for (uint32_t seed = 1; seed <= 200; seed++) {
        uint32_t step[NEV];
        memcpy(step, c.step, sizeof step);
        vemt_stream s = vemt_stream_for(1000 + seed, 0);
        vemt_stream_shuffle(&s, step, NEV);
        vemt_scan_opts o = opts_of(false, 99, 2);
        o.perm.seed = seed;
        vemt_scan_result res;
        if (vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, step, NEV, &o, &res)) {
            CHECK(false);
            break;
        }
        rejected += res.clusters[0].p <= 0.05;
        uniform_low += res.clusters[0].p <= 0.5;
        vemt_scan_result_clear(&res);
    }
    fprintf(stderr, "  null: %d of 200 at p <= 0.05, %d at p <= 0.5\n",
            rejected, uniform_low);
    CHECK(rejected >= 2 && rejected <= 21);
    /* and the middle of the distribution: Binomial(200, 0.5), 99.9 %. */
    CHECK(uniform_low >= 77 && uniform_low <= 123);
    vemt_ctx_destroy(ctx);
}

/* A planted cluster beside an empty unit: the circle round the empty one
 * holds the same events (equal LLR), so the cluster is told round its own
 * unit, radius 0. */
TEST(ties_go_to_the_smaller_circle) {
    const double xy[] = {0, 0, 1, 0, 100, 0, 200, 0, 300, 0, 400, 0};
    uint32_t loc[110], step[110];
    size_t n = 0;
    for (uint32_t z = 1; z <= 5; z++)
        for (uint32_t t = 0; t < 4; t++)
            for (int k = 0; k < 5; k++) loc[n] = z, step[n++] = t;
    for (int k = 0; k < 10; k++) loc[n] = 1, step[n++] = 3;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_scan_opts o = {.max_steps = 2};
    o.perm = (vemt_perm_opts){.permutations = 99, .seed = 5, .threads = 1};
    vemt_scan_result res;
    CHECK_STATUS(vemt_scan_run(ctx, xy, 6, 4, loc, step, n, &o, &res), VEMT_OK);
    CHECK(res.n_clusters >= 1);
    CHECK_INT_EQ(res.clusters[0].centre, 1);
    CHECK_NEAR(res.clusters[0].radius, 0, 0);
    CHECK_INT_EQ(res.clusters[0].first_step, 3);
    vemt_scan_result_clear(&res);
    vemt_ctx_destroy(ctx);
}

/* On a lattice where most units are empty, no location, with events or
 * without, lies in two reported circles (SaTScan's "no geographical
 * overlap"). */
TEST(clusters_share_no_location) {
    enum { SIDE = 12, NL = SIDE * SIDE, NE = 600 };
    static double xy[2 * NL];
    static uint32_t loc[NE], step[NE];
    lcg_x = 99;
    for (int i = 0; i < NL; i++) {
        xy[2 * i] = i % SIDE;
        xy[2 * i + 1] = i / SIDE;
    }
    for (int i = 0; i < NE; i++) {
        /* a third of the units hold events */
        loc[i] = 3 * (uint32_t)floor(lcg_u() * (NL / 3));
        step[i] = (uint32_t)floor(lcg_u() * 8);
    }
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    for (int retro = 0; retro < 2; retro++) {
        vemt_scan_opts o = {.max_steps = 4,
                            .retrospective = retro,
                            .max_share = 0.1,
                            .max_clusters = 40};
        o.perm = (vemt_perm_opts){.permutations = 19, .seed = 5, .threads = 2};
        vemt_scan_result res;
        CHECK_STATUS(vemt_scan_run(ctx, xy, NL, 8, loc, step, NE, &o, &res),
                     VEMT_OK);
        CHECK(res.n_clusters >= 5);
        for (int z = 0; z < NL; z++) {
            int in = 0;
            for (size_t k = 0; k < res.n_clusters; k++) {
                const vemt_scan_cluster *c = &res.clusters[k];
                double dx = xy[2 * z] - xy[2 * c->centre];
                double dy = xy[2 * z + 1] - xy[2 * c->centre + 1];
                in += dx * dx + dy * dy <= c->radius * c->radius + 1e-9;
            }
            CHECK(in <= 1);
        }
        vemt_scan_result_clear(&res);
    }
    vemt_ctx_destroy(ctx);
}

TEST(refusals) {
    static lcg_case c;
    make_case(&c);
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_scan_result res;
    vemt_scan_opts o = opts_of(false, 99, 1);
    o.max_work = 1000;
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &res),
        VEMT_E_OPTION);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "--scan-max-share") != NULL);
    CHECK(res.clusters == NULL && res.null_llr == NULL);
    o = opts_of(false, 99, 1);
    o.max_share = 0.6;
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, NSTEP, c.loc, c.step, NEV, &o, &res),
        VEMT_E_ARG);
    o = opts_of(false, 99, 1);
    uint32_t bad[NEV];
    memcpy(bad, c.loc, sizeof bad);
    bad[17] = NLOC;
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, NSTEP, bad, c.step, NEV, &o, &res),
        VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg, "event 17") != NULL);
    CHECK_STATUS(
        vemt_scan_run(ctx, c.xy, NLOC, 1, c.loc, c.step, NEV, &o, &res),
        VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

static vemt_status scan_both(void *arg, vemt_ctx *ctx) {
    const lcg_case *c = arg;
    vemt_scan_result res;
    vemt_status st = VEMT_OK;
    for (int retro = 0; retro < 2 && !st; retro++) {
        vemt_scan_opts o = opts_of(retro, 40, 2);
        st = vemt_scan_run(ctx, c->xy, NLOC, NSTEP, c->loc, c->step, NEV, &o,
                           &res);
        if (!st) vemt_scan_result_clear(&res);
    }
    return st;
}

TEST(allocation_failures) {
    static lcg_case c;
    make_case(&c);
    CHECK(alloc_sweep(t_, "space-time scan", scan_both, &c) >= 20);
}

TEST_SUITE(scan) {
    RUN(llr_by_hand);
    RUN(clusters_as_brute_force);
    RUN(pruning_and_threads_change_nothing);
    RUN(p_value_as_exact_permutation);
    RUN(null_rejection_rate);
    RUN(ties_go_to_the_smaller_circle);
    RUN(clusters_share_no_location);
    RUN(refusals);
    RUN(allocation_failures);
}
