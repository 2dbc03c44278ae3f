/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_hdbscan.c
 * @brief HDBSCAN against R dbscan::hdbscan() (tests/ref/hdbscan_r_ref.h,
 * made by tests/ref/hdbscan_r.R): labels, membership, GLOSH scores and
 * cluster stabilities on the published "moons" example, 2,000 generated
 * points and a real police.uk month full of tied distances; plus the
 * documented departures and the argument checks.
 */
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "tests/ref/csv_table.h"
#include "tests/ref/hdbscan_r_ref.h"
#include "tests/test.h"

typedef struct xy {
    size_t n;
    double *x, *y;
} xy;

/* Columns ax and ay of a fixture, the first limit rows (0 = all). */
static bool load_xy(const char *file, const char *ax, const char *ay,
                    size_t limit, xy *p) {
    char path[512];
    csv_table tb;
    snprintf(path, sizeof path, "%s/ref/%s", VEMT_FIXTURES, file);
    if (csv_table_load(path, &tb)) return false;
    int cx = csv_col(&tb, ax), cy = csv_col(&tb, ay);
    p->n = limit && limit < tb.rows ? limit : tb.rows;
    p->x = calloc(p->n, sizeof *p->x);
    p->y = calloc(p->n, sizeof *p->y);
    for (size_t i = 0; cx >= 0 && cy >= 0 && i < p->n; i++) {
        p->x[i] = strtod(csv_get(&tb, i, cx), NULL);
        p->y[i] = strtod(csv_get(&tb, i, cy), NULL);
    }
    csv_table_free(&tb);
    return cx >= 0 && cy >= 0;
}

static bool load_ref_points(const char *name, xy *p) {
    if (!strcmp(name, "moons"))
        return load_xy("hdbscan_moons.csv", "x", "y", 0, p);
    if (!strcmp(name, "gen2k"))
        return load_xy("dbscan_points_10k.csv", "easting", "northing", 2000, p);
    return load_xy("merseyside_2019-05_27700.csv", "easting", "northing", 0, p);
}

/* Same labels (R's cluster - 1), the same membership (bit for bit, except
 * R's 0/0 = NaN where vemt gives 1), GLOSH and stabilities. */
static void check_case(test_state *t_, const hdbscan_ref *ref) {
    xy p = {0};
    csv_table r;
    char path[512];
    snprintf(path, sizeof path, "%s/ref/hdbscan_%s_r.csv", VEMT_FIXTURES,
             ref->name);
    CHECK(load_ref_points(ref->name, &p));
    CHECK(csv_table_load(path, &r) == 0);
    CHECK_INT_EQ(p.n, ref->n);
    CHECK_INT_EQ(r.rows, ref->n);
    if (p.n != (size_t)ref->n || r.rows != p.n) return;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    int32_t *lab = calloc(p.n, sizeof *lab);
    double *mem = calloc(p.n, sizeof *mem), *out = calloc(p.n, sizeof *out);
    double *stab = NULL;
    size_t k, same = 0, same_mem = 0, same_out = 0, noise = 0;
    vemt_points pts = {p.n, p.x, p.y, NULL, NULL, NULL};
    vemt_hdbscan_opts o = {(size_t)ref->min_pts, 0};
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &pts, &o, lab, mem, out, &k, &stab),
                 VEMT_OK);
    for (size_t i = 0; i < p.n; i++) {
        double rm = strtod(csv_get(&r, i, 1), NULL);
        same += lab[i] == atoi(csv_get(&r, i, 0)) - 1;
        same_mem += mem[i] == rm || (isnan(rm) && mem[i] == 1.0);
        same_out += out[i] == strtod(csv_get(&r, i, 2), NULL);
        noise += lab[i] < 0;
    }
    CHECK_INT_EQ(k, ref->n_clusters);
    CHECK_INT_EQ(noise, ref->n_noise);
    CHECK_INT_EQ(same, p.n);
    CHECK_INT_EQ(same_mem, p.n);
    CHECK_INT_EQ(same_out, p.n);
    for (size_t c = 0; stab && c < k && c < 64; c++)
        CHECK_NEAR(stab[c], ref->stability[c], 1e-12 * fabs(ref->stability[c]));
    fprintf(stderr,
            "  %s: %zu points, minPts %ld: %zu clusters, %zu noise, "
            "identical to R\n",
            ref->name, p.n, ref->min_pts, k, noise);
    vemt_engine_free(stab);
    free(lab), free(mem), free(out), free(p.x), free(p.y);
    csv_table_free(&r);
    vemt_ctx_destroy(ctx);
}

TEST(r_moons) { check_case(t_, &HDBSCAN_REFS[0]); }
TEST(r_generated) { check_case(t_, &HDBSCAN_REFS[1]); }
TEST(r_policeuk) { check_case(t_, &HDBSCAN_REFS[2]); }
TEST(r_policeuk_ties) { check_case(t_, &HDBSCAN_REFS[3]); }

/* Two tight groups and a point farther from both than they are from each
 * other: two clusters, the far point noise with the highest outlier score
 * (a point nearer one group would leave that group's cluster and, as in R,
 * count as its member); min_samples apart from min_cluster_size. */
TEST(two_groups) {
    double x[21], y[21];
    for (int i = 0; i < 10; i++) {
        x[i] = i % 5, y[i] = i / 5;
        x[10 + i] = 100 + i % 5, y[10 + i] = i / 5;
    }
    x[20] = 50, y[20] = 500;
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {21, x, y, NULL, NULL, NULL};
    int32_t lab[21];
    double mem[21], out[21], *stab;
    size_t k;
    vemt_hdbscan_opts o = {5, 0};
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &p, &o, lab, mem, out, &k, &stab),
                 VEMT_OK);
    CHECK_INT_EQ(k, 2);
    CHECK(lab[0] >= 0 && lab[10] >= 0 && lab[0] != lab[10]);
    for (int i = 1; i < 10; i++) CHECK_INT_EQ(lab[i], lab[0]);
    CHECK_INT_EQ(lab[20], VEMT_LABEL_NOISE);
    CHECK_NEAR(mem[20], 0, 0);
    for (int i = 0; i < 20; i++) CHECK(out[i] < out[20]);
    CHECK(stab && stab[0] > 0 && stab[1] > 0);
    vemt_engine_free(stab);
    o.min_samples = 2; /* core distance to the nearest other point */
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &p, &o, lab, NULL, NULL, &k, NULL),
                 VEMT_OK);
    CHECK_INT_EQ(k, 2);
    vemt_ctx_destroy(ctx);
}

TEST(few_points_and_bad_arguments) {
    const double x[] = {0, 1, 2}, y[] = {0, 0, NAN};
    vemt_ctx *ctx;
    CHECK_STATUS(vemt_ctx_create(1, &ctx), VEMT_OK);
    vemt_points p = {2, x, y, NULL, NULL, NULL};
    int32_t lab[3];
    double mem[3], *stab = (double *)1;
    size_t k = 9;
    vemt_hdbscan_opts o = {5, 0}; /* fewer points than min_samples */
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &p, &o, lab, mem, NULL, &k, &stab),
                 VEMT_OK);
    CHECK(k == 0 && !stab && lab[0] == VEMT_LABEL_NOISE && mem[1] == 0);
    o.min_cluster_size = 1;
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &p, &o, lab, NULL, NULL, &k, NULL),
                 VEMT_E_ARG);
    o.min_cluster_size = 2;
    p.n = 3;
    CHECK_STATUS(vemt_hdbscan_compute(ctx, &p, &o, lab, NULL, NULL, &k, NULL),
                 VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

TEST_SUITE(hdbscan) {
    RUN(r_moons);
    RUN(r_generated);
    RUN(r_policeuk);
    RUN(r_policeuk_ties);
    RUN(two_groups);
    RUN(few_points_and_bad_arguments);
}
