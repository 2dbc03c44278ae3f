/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file publish.c
 * @brief A job's side of the output tiers: its options read into the rules
 * of disclosure/, its settings checked against them, and the run's counts
 * published under them.
 */
#include "pipeline/publish.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
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

/* The area of one cell of the job's grid cell_m wide (flat-topped
 * hexagons: cell_m between opposite edges, (sqrt 3 / 2) cell_m^2). */
static double cell_area(const vemt_job *a, double cell_m) {
    return a->grid_shape == VEMT_UNIT_HEX ? sqrt(3.0) / 2 * cell_m * cell_m
                                          : cell_m * cell_m;
}

double vemt_tier_min_cell(const vemt_job *a) {
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    double m2 = vemt_disclosure_min_area(&r);
    if (!(m2 > 0)) return 0;
    double c =
        a->grid_shape == VEMT_UNIT_HEX ? sqrt(m2 / (sqrt(3.0) / 2)) : sqrt(m2);
    return 50 * ceil(c / 50 - 1e-9);
}

vemt_status vemt_tier_check_options(const vemt_job *a, vemt_error *err) {
    const vemt_tier_rules *floor = vemt_tier_rules_get((vemt_tier)a->tier);
    const char *tier = vemt_tier_name(floor->tier);
    if (!(floor->threshold > 0)) return VEMT_OK;
    if (a->suppress_below > 0 && a->suppress_below < floor->threshold)
        return vemt_error_set(err, VEMT_E_ARG,
                              "the %s tier withholds counts under %g at "
                              "least (--suppress-below %g); a tier's rules "
                              "can be tightened, not loosened",
                              tier, floor->threshold, a->suppress_below);
    if (a->round_to > 0 && a->round_to < floor->round_to)
        return vemt_error_set(err, VEMT_E_ARG,
                              "the %s tier rounds counts to multiples of %g "
                              "at least (--round-to %g); exact counts next "
                              "to withheld ones give them away",
                              tier, floor->round_to, a->round_to);
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    double q = r.threshold / r.round_to;
    if (fabs(q - round(q)) > 1e-9)
        return vemt_error_set(err, VEMT_E_ARG,
                              "the threshold (%g) must be a multiple of the "
                              "rounding base (%g), so no published count "
                              "rounds to below it",
                              r.threshold, r.round_to);
    return VEMT_OK;
}

vemt_status vemt_tier_check_cell(const vemt_job *a, double cell_m,
                                 vemt_error *err) {
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    const char *tier = vemt_tier_name(r.tier);
    double min_m2 = vemt_disclosure_min_area(&r);
    if (isfinite(cell_m) &&
        !vemt_disclosure_area_allowed(&r, cell_area(a, cell_m)))
        return vemt_error_set(
            err, VEMT_E_ARG,
            "the %s tier publishes units of at least "
            "%.0f m2 (a %g m square); a %s of %g m is "
            "%.0f m2: use --cell-size %g or more",
            tier, min_m2, r.min_cell_m,
            a->grid_shape == VEMT_UNIT_HEX ? "hexagon" : "cell", cell_m,
            cell_area(a, cell_m), vemt_tier_min_cell(a));
    if (!vemt_disclosure_step_allowed(&r, a->time_step)) {
        const char *grain = vemt_grain_name(r.finest_step);
        return vemt_error_set(err, VEMT_E_ARG,
                              "the %s tier publishes time steps no finer "
                              "than a %s; use --time-step %s",
                              tier, grain, grain);
    }
    return VEMT_OK;
}

vemt_status vemt_tier_check_units(const vemt_job *a, const vemt_units *units,
                                  vemt_error *err) {
    if (vemt_units_shape(units) != VEMT_UNIT_POLYGON) return VEMT_OK;
    vemt_tier_rules r;
    vemt_job_rules(a, &r);
    const vemt_polygons *p = vemt_units_polygons(units);
    size_t n = vemt_units_count(units), small = 0;
    char first[300] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        double m2 = vemt_polygons_m2(p, i);
        if (vemt_disclosure_area_allowed(&r, m2)) continue;
        if (small++ < 3 && used < sizeof first) {
            int k =
                snprintf(first + used, sizeof first - used, "%s%s (%.0f m2)",
                         small > 1 ? ", " : "", vemt_polygons_id(p, i), m2);
            used += k > 0 ? (size_t)k : 0;
        }
    }
    if (!small) return VEMT_OK;
    /* A usage error (exit 2): the user chooses larger units. */
    return vemt_error_set(err, VEMT_E_OPTION,
                          "%zu of %zu areas are smaller than the %s tier's "
                          "smallest unit (%.0f m2), first: %s; choose larger "
                          "areas (--areas) or the grid (--cell-size %g)",
                          small, n, vemt_tier_name(r.tier),
                          vemt_disclosure_min_area(&r), first,
                          vemt_tier_min_cell(a));
}

/* A counts table published with its row and column totals. */
static vemt_status table(double **out, const double *x, size_t rows,
                         size_t cols, const vemt_tier_rules *r) {
    size_t n = rows * cols;
    if (!(*out = vemt_malloc((n ? n : 1) * sizeof **out))) return VEMT_E_NOMEM;
    vemt_disclosure_publish_table(r, x, rows, cols, true, *out);
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

/* A count of distinct subjects is not a sum, so it has no margins; but it
 * is withheld with its events (the one bounds the other). */
static void withhold_with(double *s, const double *e, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (isnan(e[i])) s[i] = (double)NAN;
}

/* The study area's trend rows: the categories x steps table with the "all"
 * series (row 0) as its column totals, audited (vemt_disclosure_protect)
 * so no withheld count can be narrowed from the published ones. The "all"
 * series' published counts go into all_pub (T) for the cube's audit. */
static vemt_status publish_rows(const vemt_tier_rules *rules,
                                vemt_trend_result *tr, double *all_pub) {
    size_t T = vemt_cube_steps(tr->cube), S = tr->n_area_rows / T;
    double *e = vemt_malloc(S * T * sizeof *e),
           *s = vemt_malloc(S * T * sizeof *s);
    double *pe = NULL, *ps = NULL;
    vemt_status st = e && s ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < S * T; i++)
        e[i] = tr->rows[i].n_events, s[i] = tr->rows[i].n_subjects;
    if (!st) st = table(&pe, e, S, T, rules);
    if (!st) st = table(&ps, s, S, T, rules);
    double total = (double)NAN;
    size_t added = 0;
    if (!st && S > 1)
        st = vemt_disclosure_protect(rules, e + T, S - 1, T, pe + T, NULL, pe,
                                     &total, &added);
    if (!st) withhold_with(ps, pe, S * T);
    for (size_t k = 0; !st && k < S; k++)
        publish_series(&tr->rows[k * T], T, pe + k * T, ps + k * T);
    for (size_t t = 0; !st && t < T; t++) all_pub[t] = pe[t];
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

/* Units the dominance rule withholds: one subject gives more than the
 * tier's share of the unit's events, or it has fewer distinct subjects
 * (the keyless events as one) than the threshold. */
static void dominated_units(const vemt_tier_rules *rules,
                            const vemt_hotspot_result *h, size_t n,
                            uint8_t *dom) {
    for (size_t u = 0; u < n; u++)
        dom[u] = vemt_disclosure_dominated(rules, h->counts[u],
                                           h->dom_subjects[u], h->dom_top[u]);
}

/* Counts of units in a units x cols table withheld whole. */
static void withhold_rows(double *x, size_t rows, size_t cols,
                          const uint8_t *dom) {
    for (size_t i = 0; i < rows * cols; i++)
        if (dom[i / cols]) x[i] = (double)NAN;
}

/* A bin or a unit's Gi* bin is an inequality on its neighbourhood's
 * counts: published only where every count it uses is (issue 16). Unit
 * u's bin is hidden when any neighbour's count in col (of cols) is
 * withheld; lag: also the steps up to lag before (the cube's window). */
static void hide_bins(const vemt_weights *w, const double *x, size_t U,
                      size_t cols, size_t lag, uint8_t *hidden) {
    for (size_t u = 0; u < U; u++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(w, u, &nb, &k);
        for (size_t t = 0; t < cols; t++) {
            bool hide = isnan(x[u * cols + t]);
            size_t t0 = t > lag ? t - lag : 0;
            for (size_t j = 0; !hide && j < k; j++)
                for (size_t s = t0; !hide && s <= t; s++)
                    hide = isnan(x[nb[j] * cols + s]);
            hidden[u * cols + t] = hide;
        }
    }
}

/* Cells only (no trends): the dominance rule, then the table with its
 * total audited. */
static vemt_status publish_cells(const vemt_tier_rules *rules,
                                 const vemt_hotspot_result *h, size_t n,
                                 const uint8_t *dom, vemt_published *pub) {
    vemt_status st = table(&pub->cells, h->counts, n, 1, rules);
    if (!st) st = table(&pub->cell_subjects, h->subjects, n, 1, rules);
    if (st || !(rules->threshold > 0)) return st;
    withhold_rows(pub->cells, n, 1, dom);
    withhold_with(pub->cell_subjects, pub->cells, n);
    return VEMT_OK;
}

/* The cube: units x steps of events with the units' totals (hotspot_cells
 * and emerging_hotspots) and the steps' totals (the study area's "all"
 * series, which also counts events located nowhere: a step that has any
 * gets an unpublished row of its own, so the audit sees only what holds). */
static vemt_status publish_cube(const vemt_tier_rules *rules,
                                const vemt_hotspot_result *h,
                                vemt_trend_result *tr, const uint8_t *dom,
                                const double *all_true, const double *all_pub,
                                vemt_published *pub) {
    size_t U = vemt_cube_units(tr->cube), T = vemt_cube_steps(tr->cube);
    const double *e = vemt_cube_events(tr->cube);
    const double *s = vemt_cube_subjects(tr->cube);
    double *ue = row_totals(e, U, T);
    size_t R = U + 1; /* the units and the events located nowhere */
    double *x = vemt_calloc(R * T, sizeof *x);
    double *px = vemt_malloc(R * T * sizeof *px);
    double *ru = vemt_malloc(R * sizeof *ru);
    double *col = vemt_malloc((T ? T : 1) * sizeof *col);
    vemt_status st = ue && x && px && ru && col ? VEMT_OK : VEMT_E_NOMEM;
    if (!st) st = table(&pub->bins_e, e, U, T, rules);
    if (!st) st = table(&pub->bins_s, s, U, T, rules);
    if (!st) st = table(&pub->unit_e, ue, U, 1, rules);
    if (!st && rules->threshold > 0) {
        /* Bins with fewer distinct subjects than the threshold, and every
         * bin of a dominated unit, publish no count. */
        for (size_t b = 0; b < U * T; b++)
            if (round(e[b]) >= 1 && s[b] < rules->threshold)
                pub->bins_e[b] = (double)NAN;
        withhold_rows(pub->bins_e, U, T, dom);
        withhold_rows(pub->unit_e, U, 1, dom);
        memcpy(x, e, U * T * sizeof *x);
        memcpy(px, pub->bins_e, U * T * sizeof *px);
        memcpy(ru, pub->unit_e, U * sizeof *ru);
        ru[U] = (double)NAN;
        bool nowhere = false;
        for (size_t t = 0; t < T; t++) {
            double sum = 0;
            for (size_t u = 0; u < U; u++) sum += e[u * T + t];
            double rest = all_true[t] - sum;
            x[U * T + t] = rest > 1e-9 ? rest : 0;
            px[U * T + t] = rest > 1e-9 ? (double)NAN : 0;
            nowhere |= rest > 1e-9;
            col[t] = all_pub[t];
        }
        double total = (double)NAN;
        size_t added = 0;
        st = vemt_disclosure_protect(rules, x, nowhere ? R : U, T, px, ru, col,
                                     &total, &added);
        memcpy(pub->bins_e, px, U * T * sizeof *px);
        memcpy(pub->unit_e, ru, U * sizeof *ru);
    }
    /* The cells' counts are the cube's unit totals when the two agree (as
     * they do when the cube spans every counted event): one published
     * value for both, and the units' distinct subjects over the period. */
    bool same = !st && U == vemt_units_count(h->grid);
    for (size_t u = 0; same && u < U; u++)
        same = fabs(h->counts[u] - ue[u]) < 1e-9;
    if (!st) {
        double *us = row_totals(s, U, T);
        if (us && !same) st = table(&pub->unit_s, us, U, 1, rules);
        if (us && same) {
            pub->unit_s = us, us = NULL;
            memcpy(pub->unit_s, pub->cell_subjects, U * sizeof *us);
        }
        if (!us && !pub->unit_s) st = VEMT_E_NOMEM;
        vemt_free(us);
    }
    if (!st && same && rules->threshold > 0)
        memcpy(pub->cells, pub->unit_e, U * sizeof *pub->cells);
    vemt_free(ue), vemt_free(x), vemt_free(px), vemt_free(ru), vemt_free(col);
    if (st || !(rules->threshold > 0)) return st;
    withhold_with(pub->bins_s, pub->bins_e, U * T);
    withhold_with(pub->cell_subjects, pub->cells, vemt_units_count(h->grid));
    withhold_with(pub->unit_s, pub->unit_e, U);
    return VEMT_OK;
}

/* Where bins, LISA types and patterns are withheld: a unit's when its
 * count or a neighbour's is; a cube bin's likewise in its window of steps;
 * a pattern (a summary of the unit's bins) when any of its bins is. */
static vemt_status hide_statistics(const vemt_job *a,
                                   const vemt_hotspot_result *h,
                                   vemt_trend_result *tr, vemt_published *pub) {
    size_t n = vemt_units_count(h->grid);
    pub->unit_hidden = vemt_calloc(n ? n : 1, 1);
    if (!pub->unit_hidden) return VEMT_E_NOMEM;
    hide_bins(h->weights, pub->cells, n, 1, 0, pub->unit_hidden);
    if (!tr || !tr->cube) return VEMT_OK;
    size_t U = vemt_cube_units(tr->cube), T = vemt_cube_steps(tr->cube);
    pub->bin_hidden = vemt_calloc(U * T > 0 ? U * T : 1, 1);
    pub->pattern_hidden = vemt_calloc(U ? U : 1, 1);
    if (!pub->bin_hidden || !pub->pattern_hidden) return VEMT_E_NOMEM;
    size_t lag = a->time_lag > 0 ? (size_t)a->time_lag : 0;
    hide_bins(h->weights, pub->bins_e, U, T, lag, pub->bin_hidden);
    for (size_t u = 0; u < U; u++) {
        bool hide = isnan(pub->unit_e[u]) || (u < n && pub->unit_hidden[u]);
        for (size_t t = 0; t < T; t++) hide |= pub->bin_hidden[u * T + t];
        pub->pattern_hidden[u] = hide;
    }
    tr->out.bin_hidden = pub->bin_hidden;
    tr->out.pattern_hidden = pub->pattern_hidden;
    return VEMT_OK;
}

vemt_status vemt_publish(const vemt_job *a, const vemt_hotspot_result *h,
                         vemt_trend_result *tr, vemt_published *pub) {
    memset(pub, 0, sizeof *pub);
    vemt_tier_rules rules;
    vemt_job_rules(a, &rules);
    size_t n = vemt_units_count(h->grid);
    uint8_t *dom = vemt_calloc(n ? n : 1, sizeof *dom);
    if (!dom) return VEMT_E_NOMEM;
    dominated_units(&rules, h, n, dom);
    vemt_status st = publish_cells(&rules, h, n, dom, pub);
    bool withholds = rules.threshold > 0;
    if (!st && tr && tr->cube) {
        size_t T = vemt_cube_steps(tr->cube);
        /* The "all" series' true counts (T), then as published (T):
         * publish_rows() overwrites the rows with the published ones. */
        double *all = vemt_malloc((T ? 2 * T : 1) * sizeof *all);
        if (!all) st = VEMT_E_NOMEM;
        for (size_t t = 0; all && t < T; t++)
            all[t] = all[T + t] = tr->rows[t].n_events;
        if (!st && withholds) st = publish_rows(&rules, tr, all + T);
        if (!st) st = publish_cube(&rules, h, tr, dom, all, all + T, pub);
        if (!st && withholds) publish_unit_rows(tr, pub);
        vemt_free(all);
    }
    vemt_free(dom);
    if (!st && withholds) st = hide_statistics(a, h, tr, pub);
    if (st || !tr || !tr->cube) return st;
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
    vemt_free(pub->unit_hidden);
    vemt_free(pub->bin_hidden);
    vemt_free(pub->pattern_hidden);
    memset(pub, 0, sizeof *pub);
}
