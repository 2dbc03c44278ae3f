/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file publish.c
 * @brief A job's side of the output tiers: its options read into the rules
 * of disclosure/, its settings checked against them, and the run's counts
 * published under them.
 */
#include "pipeline/publish.h"

#include <math.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/options.h"

/* The rules in force: the tier's, with --suppress-below and --round-to. */
void vemt_job_rules(const vemt_job *a, vemt_tier_rules *r) {
    vemt_tier_rules_for((vemt_tier)a->tier, a->suppress_below, a->round_to, r);
}

void vemt_tier_defaults(vemt_job *a) {
    if (a->round_to == 0)
        a->round_to = vemt_tier_rules_get((vemt_tier)a->tier)->round_to;
}

double vemt_tier_threshold(const vemt_job *a) {
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    return r.threshold;
}

vemt_status vemt_tier_check_cell(const vemt_job *a, double cell_m,
                                 vemt_error *err) {
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    const char *tier = vemt_tier_name(r.tier);
    if (!vemt_disclosure_cell_allowed(&r, cell_m))
        return vemt_error_set(err, VEMT_E_ARG,
                              "the %s tier publishes cells of at least %g m "
                              "(this run: %g m); use --cell-size %g or more",
                              tier, r.min_cell_m, cell_m, r.min_cell_m);
    if (!vemt_disclosure_step_allowed(&r, a->time_step)) {
        const char *grain = vemt_grain_name(r.finest_step);
        return vemt_error_set(err, VEMT_E_ARG,
                              "the %s tier publishes time steps no finer "
                              "than a %s; use --time-step %s",
                              tier, grain, grain);
    }
    return VEMT_OK;
}

/* A counts table published with its row and column totals. */
static vemt_status table(double **out, const double *x, size_t rows,
                         size_t cols, const vemt_job *a) {
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    size_t n = rows * cols;
    if (!(*out = vemt_malloc((n ? n : 1) * sizeof **out))) return VEMT_E_NOMEM;
    vemt_disclosure_publish_table(&r, x, rows, cols, true, *out);
    return VEMT_OK;
}

/* Row totals of a units x steps table. */
static double *row_totals(const double *x, size_t rows, size_t cols) {
    double *r = vemt_calloc(rows ? rows : 1, sizeof *r);
    for (size_t i = 0; r && i < rows * cols; i++) r[i / cols] += x[i];
    return r;
}

/* One series' T rows get its published counts e and s (NaN: withheld);
 * what can be solved back to a withheld count goes too: the series'
 * tests when any count is withheld, a change when either end is. */
static void publish_series(vemt_trend_row *rows, size_t T, const double *e,
                           const double *s) {
    bool any = false;
    for (size_t t = 0; t < T; t++) any |= isnan(e[t]) || isnan(s[t]);
    for (size_t t = 0; t < T; t++) {
        vemt_trend_row *r = &rows[t];
        r->n_events = e[t];
        r->n_subjects = s[t];
        if (any) r->mk_z = r->mk_p = r->sen_slope = (double)NAN;
        if (any) r->sk_z = r->sk_p = r->sk_slope = (double)NAN;
        if (isnan(e[t]) || any) r->rate_per_day = (double)NAN;
        bool prev = t && !isnan(e[t - 1]) && !isnan(e[t]);
        if (!prev) r->change_prev = r->change_prev_p = (double)NAN;
        if (isnan(e[t]) || any) r->change_year = r->change_year_p = (double)NAN;
    }
}

/* Trend rows: each category x steps table with the "all" series as its
 * column totals; derived changes and tests withheld where a count is. */
static vemt_status publish_rows(const vemt_job *a, vemt_trend_result *tr) {
    size_t T = vemt_cube_steps(tr->cube), S = tr->n_area_rows / T;
    double *e = vemt_malloc(S * T * sizeof *e),
           *s = vemt_malloc(S * T * sizeof *s);
    double *pe = NULL, *ps = NULL;
    vemt_status st = e && s ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < S * T; i++)
        e[i] = tr->rows[i].n_events, s[i] = tr->rows[i].n_subjects;
    if (!st) st = table(&pe, e, S, T, a);
    if (!st) st = table(&ps, s, S, T, a);
    for (size_t k = 0; !st && k < S; k++)
        publish_series(&tr->rows[k * T], T, pe + k * T, ps + k * T);
    vemt_free(e), vemt_free(s), vemt_free(pe), vemt_free(ps);
    return st;
}

/* Rows of polygon units (after the study area's): the cube's published
 * bins, tests and changes withheld as for the study area's series. */
static void publish_unit_rows(vemt_trend_result *tr,
                              const vemt_published *pub) {
    size_t T = vemt_cube_steps(tr->cube);
    for (size_t k = tr->n_area_rows; k + T <= tr->out.n_rows; k += T) {
        size_t u = (k - tr->n_area_rows) / T;
        publish_series(&tr->rows[k], T, pub->bins_e + u * T,
                       pub->bins_s + u * T);
    }
}

vemt_status vemt_publish(const vemt_job *a, const double *cells,
                         const double *subjects, size_t n,
                         vemt_trend_result *tr, vemt_published *pub) {
    memset(pub, 0, sizeof *pub);
    vemt_status st = table(&pub->cells, cells, n, 1, a);
    if (!st) st = table(&pub->cell_subjects, subjects, n, 1, a);
    if (st || !tr || !tr->cube) return st;
    size_t U = vemt_cube_units(tr->cube), T = vemt_cube_steps(tr->cube);
    const double *e = vemt_cube_events(tr->cube);
    const double *s = vemt_cube_subjects(tr->cube);
    double *ue = row_totals(e, U, T), *us = row_totals(s, U, T);
    if (!ue || !us) st = VEMT_E_NOMEM;
    if (!st) st = table(&pub->bins_e, e, U, T, a);
    if (!st) st = table(&pub->bins_s, s, U, T, a);
    if (!st) st = table(&pub->unit_e, ue, U, 1, a);
    if (!st) st = table(&pub->unit_s, us, U, 1, a);
    vemt_free(ue), vemt_free(us);
    /* Where counts are withheld, so is what can be solved back to them. */
    bool withholds = vemt_tier_threshold(a) > 0;
    if (!st && withholds) st = publish_rows(a, tr);
    if (!st && withholds) publish_unit_rows(tr, pub);
    if (st) return st;
    tr->out.pub_events = pub->bins_e;
    tr->out.pub_subjects = pub->bins_s;
    tr->out.unit_events = pub->unit_e;
    tr->out.unit_subjects = pub->unit_s;
    return VEMT_OK;
}

void vemt_published_clear(vemt_published *pub) {
    vemt_free(pub->cells);
    vemt_free(pub->cell_subjects);
    vemt_free(pub->bins_e);
    vemt_free(pub->bins_s);
    vemt_free(pub->unit_e);
    vemt_free(pub->unit_s);
    memset(pub, 0, sizeof *pub);
}
