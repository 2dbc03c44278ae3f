/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file bench_audit.c
 * @brief The disclosure audit (issue 16's target: a 5,000-unit x 24-step
 * public table audited in under 60 s). A generated table of counts is
 * published under the public tier's rules (threshold 10, rounding to 5,
 * row, column and grand totals), protected by vemt_disclosure_protect()
 * and then audited as the checker audits a file (no true counts).
 *
 *   bench_audit [UNITS [STEPS [MEAN [LPFILE [ROUND]]]]]
 *       UNITS x STEPS cells (default 5000 x 24), MEAN events per cell
 *       (default 0.5); with LPFILE (not "-"), one of the audit's LPs
 *       (maximise the first withheld cell over the whole published table)
 *       is written there in CPLEX LP format for GLPK's glpsol (the peer
 *       run), and that cell's exact range is computed alone; ROUND
 *       replaces the public tier's rounding base (0: exact counts).
 */
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure/audit.h"
#include "tests/bench/bench.h"

/* splitmix64 (Steele, Lea and Flood 2014, doi:10.1145/2714064.2660195). */
static double uniform(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

/* Poisson by Knuth's product of uniforms (small means only). */
static double poisson(uint64_t *s, double mean) {
    double limit = exp(-mean), p = uniform(s);
    int k = 0;
    while (p > limit) {
        k++;
        p *= uniform(s);
    }
    return k;
}

/* Counts with a heavy-tailed rate per unit (log-normal, sd 1.2, mean
 * `mean`; Box-Muller) and a mild season over the steps: most units quiet,
 * a few hot, as incidents over a grid are. */
static void generate(double *x, size_t units, size_t steps, double mean) {
    uint64_t s = 1;
    for (size_t u = 0; u < units; u++) {
        double z = sqrt(-2 * log(uniform(&s))) * cos(6.283185307 * uniform(&s));
        double rate = mean * exp(1.2 * z - 0.72);
        for (size_t t = 0; t < steps; t++) {
            double season = 1 + 0.3 * sin(6.283185307 * (double)t / 12);
            x[u * steps + t] = poisson(&s, fmin(rate * season, 200));
        }
    }
}

/* A published total: withheld under the threshold, else rounded. */
static double publish_total(const vemt_tier_rules *r, double v) {
    if (v >= 1 && v < r->threshold) return (double)NAN;
    return vemt_disclosure_round(v, r->threshold, r->round_to);
}

/* The audit's LP over the whole published table, maximising cell c, in
 * CPLEX LP format (the same formulation as disclosure/audit.c, without
 * its blocks). */
static int write_lp(const char *path, const double *pub, const double *rt,
                    const double *ct, double total, size_t rows, size_t cols,
                    double round_to, size_t c) {
    double h = round_to / 2;
    size_t n = rows * cols;
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_cols(lp, (int)n);
    for (size_t k = 0; k < n; k++) {
        if (isnan(pub[k])) {
            glp_set_col_bnds(lp, (int)k + 1, GLP_LO, 0, 0);
        } else {
            glp_set_col_bnds(lp, (int)k + 1, GLP_DB, fmax(0, pub[k] - h),
                             pub[k] + h);
        }
    }
    glp_set_obj_coef(lp, (int)c + 1, 1);
    int *ind = malloc((n + 1) * sizeof *ind);
    double *val = malloc((n + 1) * sizeof *val);
    for (size_t k = 0; k <= n; k++) val[k] = 1;
    for (size_t r = 0; r < rows + cols + 1; r++) {
        double v = r < rows ? rt[r] : r < rows + cols ? ct[r - rows] : total;
        if (isnan(v)) continue;
        int len = 0;
        for (size_t k = 0; k < n; k++)
            if (r == rows + cols || (r < rows && k / cols == r) ||
                (r >= rows && r < rows + cols && k % cols == r - rows))
                ind[++len] = (int)k + 1;
        int i = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, i, GLP_DB, fmax(0, v - h), v + h);
        glp_set_mat_row(lp, i, len, ind, val);
    }
    int was = glp_term_out(GLP_OFF);
    int ret = glp_write_lp(lp, NULL, path);
    glp_term_out(was);
    free(ind);
    free(val);
    glp_delete_prob(lp);
    return ret;
}

int main(int argc, char **argv) {
    size_t units = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000;
    size_t steps = argc > 2 ? strtoul(argv[2], NULL, 10) : 24;
    double mean = argc > 3 ? strtod(argv[3], NULL) : 0.5;
    const char *lpfile = argc > 4 && strcmp(argv[4], "-") ? argv[4] : NULL;
    size_t n = units * steps;
    vemt_tier_rules public_rules = *vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    if (argc > 5) public_rules.round_to = strtod(argv[5], NULL);
    const vemt_tier_rules *rules = &public_rules;
    double *x = calloc(n, sizeof *x), *pub = calloc(n, sizeof *pub);
    double *lo = calloc(n, sizeof *lo), *hi = calloc(n, sizeof *hi);
    double *rt = calloc(units, sizeof *rt), *ct = calloc(steps, sizeof *ct);
    double total = 0;
    generate(x, units, steps, mean);
    for (size_t k = 0; k < n; k++) {
        rt[k / steps] += x[k];
        ct[k % steps] += x[k];
        total += x[k];
    }
    printf(
        "table: %zu units x %zu steps, %.0f events, public tier "
        "(threshold %g, rounding to %g)\n",
        units, steps, total, rules->threshold, rules->round_to);
    size_t withheld =
        vemt_disclosure_publish_table(rules, x, units, steps, true, pub);
    for (size_t u = 0; u < units; u++) rt[u] = publish_total(rules, rt[u]);
    for (size_t t = 0; t < steps; t++) ct[t] = publish_total(rules, ct[t]);
    total = publish_total(rules, total);
    printf(
        "published: %zu of %zu cells withheld by primary and "
        "secondary suppression\n",
        withheld, n);

    size_t added = 0;
    double t_protect = 0, t_audit = 0;
    BENCH("vemt_disclosure_protect (writer)", 1, t_protect,
          vemt_disclosure_protect(rules, x, units, steps, pub, rt, ct, &total,
                                  &added));
    size_t hidden = 0;
    for (size_t k = 0; k < n; k++) hidden += isnan(pub[k]);
    printf("protect: %zu cells added, %zu withheld in all\n", added, hidden);

    vemt_audit_table tab = {units, steps, pub, rt, ct, total, rules->round_to};
    vemt_audit_stats stats = {0};
    size_t bad = 0;
    vemt_status st = VEMT_OK;
    BENCH("vemt_disclosure_audit (checker)", 1, t_audit,
          st = vemt_audit_run(&tab, rules->threshold, NULL, lo, hi, &bad,
                              &stats));
    printf(
        "audit: status %d, %zu unprotected, %zu blocks, %zu LPs solved, "
        "%zu cells screened, %zu in no sum\n",
        (int)st, bad, stats.blocks, stats.lps, stats.screened, stats.unbounded);
    printf("total %.2f s (target: the audit under 60 s)\n",
           t_protect + t_audit);
    if (lpfile) {
        size_t first = 0;
        while (first < n && !isnan(pub[first])) first++;
        if (first < n && write_lp(lpfile, pub, rt, ct, total, units, steps,
                                  rules->round_to, first) == 0)
            printf("wrote %s: maximise cell %zu\n", lpfile, first);
        /* The same cell through the library, exactly (its block's first
         * solve, then its two LPs warm-started). */
        unsigned char *only = calloc(n, 1);
        only[first < n ? first : 0] = 1;
        vemt_audit_opts one = {.check = only, .exact = true};
        double t_one = 0;
        BENCH("one cell's exact range (3 solves)", 1, t_one,
              st = vemt_audit_run(&tab, rules->threshold, &one, lo, hi, &bad,
                                  &stats));
        if (first < n)
            printf("cell %zu: [%g, %g], %zu LPs, %.2f s\n", first, lo[first],
                   hi[first], stats.lps, t_one);
        free(only);
    }
    free(x);
    free(pub);
    free(lo);
    free(hi);
    free(rt);
    free(ct);
    return st == VEMT_OK && bad == 0 ? 0 : 1;
}
