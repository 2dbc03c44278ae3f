/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_childperm.c
 * @brief Child-level Gi*: one child found 50 times in one unit makes an
 * event-level hot spot but not a child-level one; six children found in
 * one unit make a child-level hot spot; distinct-child counts; the same for
 * any thread count; bad child lists rejected.
 */
#include <stdint.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/test.h"

enum { NC = 15, NR = 15, N = NC * NR, U = 7 * NC + 7, MAXCH = 80 };

/* Unit centres of the grid, 100 m cells. */
static void grid_xy(double *xy) {
    for (int r = 0; r < NR; r++)
        for (int c = 0; c < NC; c++) {
            xy[2 * (r * NC + c)] = 50 + 100.0 * c;
            xy[2 * (r * NC + c) + 1] = 50 + 100.0 * r;
        }
}

/* Children as lists of units (CSR), and events per unit. */
typedef struct kids {
    size_t n, start[MAXCH + 1], units[4 * MAXCH];
    double events[N];
} kids;

static void add_child(kids *k, const size_t *units, size_t m, double events) {
    k->start[k->n + 1] = k->start[k->n] + m;
    for (size_t j = 0; j < m; j++) {
        k->units[k->start[k->n] + j] = units[j];
        k->events[units[j]] += events;
    }
    k->n++;
}

/* nkids background children, each found once in 1 to 3 units: a random unit
 * and its east and north neighbours (kept on the grid). Returns how many
 * of them were found in unit U. */
static double background(kids *k, int nkids) {
    memset(k, 0, sizeof *k);
    uint32_t s = 31;
    for (int c = 0; c < nkids; c++) {
        s = s * 1664525u + 1013904223u;
        size_t u = (s >> 8) % N, m = 1 + (s >> 4) % 3, set[3] = {u, 0, 0};
        size_t got = 1;
        if (m > 1 && u % NC + 1 < NC) set[got++] = u + 1;
        if (m > 2 && u / NC + 1 < NR) set[got++] = u + NC;
        add_child(k, set, got, 1);
    }
    double at_u = 0;
    for (size_t j = 0; j < k->start[k->n]; j++) at_u += k->units[j] == U;
    return at_u;
}

typedef struct result {
    double x[N], z[N], p[N]; /* child level */
    double ez[N], ep[N];     /* event level: z, normal p */
} result;

static void run(test_state *t_, const kids *k, unsigned threads, result *res) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N];
    grid_xy(xy);
    vemt_weights *w = NULL;
    CHECK_INT_EQ(vemt_weights_band(ctx, xy, N, 100 * sqrt(2.0), true, &w),
                 VEMT_OK);
    vemt_child_units ch = {k->n, k->start, k->units};
    vemt_perm_opts o = {.permutations = 999, .seed = 5, .threads = threads};
    CHECK_INT_EQ(vemt_gistar_child_permute(ctx, w, xy, N, &ch, &o, res->x,
                                           res->z, res->p),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_gistar_compute(ctx, w, k->events, N, res->ez, res->ep),
                 VEMT_OK);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST(one_child_found_often_is_not_a_hot_spot) {
    static kids k;
    static result r;
    double before = background(&k, 30);
    size_t u = U;
    add_child(&k, &u, 1, 50); /* found 50 times in unit U */
    run(t_, &k, 2, &r);
    /* Event level: Gi* z about 4.9, normal p under 1e-6. */
    CHECK(r.ez[U] > 4.5);
    CHECK(r.ep[U] < 1e-5);
    /* Child level: U counts the child once; z about 1.8, p about 0.18. */
    CHECK_NEAR(r.x[U], before + 1, 0);
    CHECK(r.z[U] < 2.5);
    CHECK(r.p[U] > 0.1);
}

TEST(six_children_in_one_unit_are_a_hot_spot) {
    static kids k;
    static result r;
    double before = background(&k, 30);
    for (int c = 0; c < 6; c++) {
        size_t u = U;
        add_child(&k, &u, 1, 1);
    }
    run(t_, &k, 2, &r);
    CHECK_NEAR(r.x[U], before + 6, 0);
    CHECK(r.z[U] > 3);
    CHECK(r.p[U] <= 0.01);
    /* Far from U nothing changed: a corner unit is not significant. */
    CHECK(r.p[0] > 0.05);
}

TEST(counts_and_threads) {
    static kids k;
    static result a, b;
    background(&k, 60);
    run(t_, &k, 1, &a);
    run(t_, &k, 4, &b);
    CHECK(!memcmp(a.p, b.p, sizeof a.p));
    CHECK(!memcmp(a.z, b.z, sizeof a.z));
    double total = 0;
    for (size_t i = 0; i < N; i++) {
        total += a.x[i];
        CHECK(a.p[i] >= 2.0 / 1000 && a.p[i] <= 1);
    }
    CHECK_NEAR(total, (double)k.start[k.n], 0);
}

TEST(bad_children) {
    vemt_ctx *ctx;
    vemt_ctx_create(1, &ctx);
    double xy[2 * N], z[N], p[N];
    grid_xy(xy);
    vemt_weights *w = NULL;
    vemt_weights_band(ctx, xy, N, 100, true, &w);
    size_t start[] = {0, 2}, twice[] = {3, 3}, out[] = {3, N};
    vemt_child_units ch = {1, start, twice};
    vemt_perm_opts o = {.permutations = 9, .seed = 1};
    CHECK_STATUS(vemt_gistar_child_permute(ctx, w, xy, N, &ch, &o, NULL, z, p),
                 VEMT_E_ARG);
    ch.units = out;
    CHECK_STATUS(vemt_gistar_child_permute(ctx, w, xy, N, &ch, &o, NULL, z, p),
                 VEMT_E_ARG);
    CHECK_STATUS(
        vemt_gistar_child_permute(ctx, w, xy, N - 1, &ch, &o, NULL, z, p),
        VEMT_E_ARG);
    o.permutations = 0;
    CHECK_STATUS(vemt_gistar_child_permute(ctx, w, xy, N, &ch, &o, NULL, z, p),
                 VEMT_E_ARG);
    vemt_weights_destroy(w);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(childperm) {
    RUN(one_child_found_often_is_not_a_hot_spot);
    RUN(six_children_in_one_unit_are_a_hot_spot);
    RUN(counts_and_threads);
    RUN(bad_children);
}
