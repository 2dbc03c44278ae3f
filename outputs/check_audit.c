/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_audit.c
 * @brief The checker's linked-table audit (Hundepool et al. 2012,
 * "Statistical Disclosure Control", Wiley, section 5.5, as tau-ARGUS
 * audits): the published tables that share cells are read back as one
 * table with its margins, and vemt_disclosure_audit() solves, by linear
 * programming, the range every withheld count can take given all of them.
 * A withheld count whose range is narrower than the tier's threshold has
 * been disclosed.
 *
 * Two tables: hotspot_cube's units x steps of n_events, with the units'
 * totals (hotspot_cells.n_events by cell_id; emerging_hotspots' where
 * hotspot_cells has none: the same total) and
 * the steps' totals (trends, area 'study area', category 'all'); and
 * trends' categories x steps, with the 'all' series as the steps' totals.
 * n_subjects is not audited: distinct subjects do not add up (a subject
 * seen in two cells is one subject of their total), so its margins are no
 * sums and equality constraints would be false.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/check.h"

/* A sorted set of distinct strings: a table's row or column keys. */
typedef struct keyset {
    char **key;
    size_t n, cap;
} keyset;

static bool keyset_add(keyset *k, const char *s) {
    char *copy = vemt_strdup(s);
    if (!copy ||
        vemt_grow((void **)&k->key, &k->cap, k->n + 1, sizeof *k->key)) {
        vemt_free(copy);
        return false;
    }
    k->key[k->n++] = copy;
    return true;
}

static int cmp_key(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates. */
static void keyset_finish(keyset *k) {
    if (k->n) qsort(k->key, k->n, sizeof *k->key, cmp_key);
    size_t m = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (m && !strcmp(k->key[m - 1], k->key[i])) {
            vemt_free(k->key[i]);
            continue;
        }
        k->key[m++] = k->key[i];
    }
    k->n = m;
}

static long keyset_find(const keyset *k, const char *s) {
    if (!k->n) return -1;
    char *const *hit = bsearch(&s, k->key, k->n, sizeof *k->key, cmp_key);
    return hit ? (long)(hit - k->key) : -1;
}

static void keyset_free(keyset *k) {
    for (size_t i = 0; i < k->n; i++) vemt_free(k->key[i]);
    vemt_free(k->key);
    memset(k, 0, sizeof *k);
}

/* A time step's key: its "step" label ("2024-01"), else its start. */
static void step_key(OGRFeatureH f, char *buf, size_t size) {
    OGRFeatureDefnH d = OGR_F_GetDefnRef(f);
    int i = OGR_FD_GetFieldIndex(d, "step");
    if (i < 0) i = OGR_FD_GetFieldIndex(d, "step_start_utc");
    snprintf(buf, size, "%s",
             i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
                 ? OGR_F_GetFieldAsString(f, i)
                 : "");
}

static const char *text_of(OGRFeatureH f, const char *field) {
    int i = OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(f), field);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsString(f, i)
               : "";
}

/* A count, NaN when withheld (null) or absent. */
static double count_of(OGRFeatureH f, const char *field) {
    int i = OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(f), field);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i)
               ? OGR_F_GetFieldAsDouble(f, i)
               : (double)NAN;
}

/* Which rows of a layer belong to a table, and their row key. */
typedef enum source {
    CUBE,      /* hotspot_cube: every row, by cell_id */
    CATEGORY,  /* trends: study area, a category but 'all' */
    ALL_SERIES /* trends: study area, 'all' (the steps' totals) */
} source;

static bool row_key(OGRFeatureH f, source s, char *buf, size_t size) {
    if (s == CUBE) {
        snprintf(buf, size, "%s", text_of(f, "cell_id"));
        return buf[0] != '\0';
    }
    if (strcmp(text_of(f, "area"), "study area")) return false;
    const char *cat = text_of(f, "category");
    snprintf(buf, size, "%s", cat);
    return (s == ALL_SERIES) == !strcmp(cat, "all") && cat[0];
}

/* The keys of the rows and steps of table s in layer. */
static bool read_keys(OGRLayerH layer, source s, keyset *rows, keyset *cols) {
    OGRFeatureH f;
    bool ok = true;
    OGR_L_ResetReading(layer);
    while (ok && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        char r[256], c[64];
        if (row_key(f, s, r, sizeof r)) {
            step_key(f, c, sizeof c);
            ok = keyset_add(rows, r) && keyset_add(cols, c);
        }
        OGR_F_Destroy(f);
    }
    keyset_finish(rows);
    keyset_finish(cols);
    return ok;
}

/* Fill cells (rows x cols, NaN first: a cell the file does not hold is
 * not published) with the counts of table s. */
static void read_cells(OGRLayerH layer, source s, const keyset *rows,
                       const keyset *cols, const char *field, double *cells) {
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        char r[256], c[64];
        if (row_key(f, s, r, sizeof r)) {
            step_key(f, c, sizeof c);
            long i = keyset_find(rows, r), j = keyset_find(cols, c);
            if (i >= 0 && j >= 0)
                cells[(size_t)i * cols->n + (size_t)j] = count_of(f, field);
        }
        OGR_F_Destroy(f);
    }
}

/* The steps' totals: the study area's 'all' series in trends. */
static void read_step_totals(OGRLayerH trends, const keyset *cols,
                             double *col_tot) {
    OGRFeatureH f;
    OGR_L_ResetReading(trends);
    while ((f = OGR_L_GetNextFeature(trends)) != NULL) {
        char r[64], c[64];
        if (row_key(f, ALL_SERIES, r, sizeof r)) {
            step_key(f, c, sizeof c);
            long j = keyset_find(cols, c);
            if (j >= 0) col_tot[j] = count_of(f, "n_events");
        }
        OGR_F_Destroy(f);
    }
}

/* The units' totals: n_events of the units' layer by cell_id, where no
 * total was read yet. */
static void read_unit_totals(OGRLayerH units, const keyset *rows,
                             double *row_tot) {
    OGRFeatureH f;
    OGR_L_ResetReading(units);
    while ((f = OGR_L_GetNextFeature(units)) != NULL) {
        long i = keyset_find(rows, text_of(f, "cell_id"));
        if (i >= 0 && isnan(row_tot[i])) row_tot[i] = count_of(f, "n_events");
        OGR_F_Destroy(f);
    }
}

/* Audit t and report each withheld cell narrower than the threshold. */
static void report(vemt_checker *c, const char *table, const char *row_name,
                   const vemt_audit_table *t, const keyset *rows,
                   const keyset *cols) {
    size_t n = t->rows * t->cols, unprotected = 0;
    double *lo = vemt_calloc(n ? n : 1, sizeof *lo);
    double *hi = vemt_calloc(n ? n : 1, sizeof *hi);
    vemt_status st = lo && hi ? vemt_disclosure_audit(t, c->rules->threshold,
                                                      lo, hi, &unprotected)
                              : VEMT_E_NOMEM;
    if (st == VEMT_E_NOMEM) c->nomem = true;
    if (st && st != VEMT_E_NOMEM)
        vemt_check_problem(c,
                           "linked tables the audit can't solve (published "
                           "counts and totals no table satisfies, or GLPK "
                           "failed)",
                           "%s: %s", table, vemt_status_str(st));
    char what[160];
    snprintf(what, sizeof what,
             "withheld counts recoverable from the published totals to a "
             "range narrower than %g",
             c->rules->threshold);
    /* A withheld cell that can be no more than half the rounding base is
     * a zero: the tier never rounds a count of 1 or more to 0 (counts
     * under the threshold are withheld, published ones never below it), so
     * what pins it is a published 0, and a zero discloses no one (a unit
     * with no events, its steps withheld whole with it). */
    double zero = t->round_to > 1 ? t->round_to / 2 : 0;
    /* Only the file's own rows (not the located-nowhere row). */
    n = rows->n * t->cols;
    for (size_t k = 0; !st && unprotected && k < n; k++)
        if (isnan(t->cells[k]) && hi[k] - lo[k] < c->rules->threshold &&
            hi[k] > zero)
            vemt_check_problem(c, what,
                               "%s %s %s step %s: n_events in [%g, %g]", table,
                               row_name, rows->key[k / t->cols],
                               cols->key[k % t->cols], lo[k], hi[k]);
    vemt_free(lo);
    vemt_free(hi);
}

/* Read table s from layer with its margins (units: row totals; trends:
 * step totals; either may be NULL) and audit it. */
static void audit_one(vemt_checker *c, OGRLayerH layer, source s,
                      OGRLayerH units, OGRLayerH trends) {
    keyset rows = {0}, cols = {0};
    double *cells = NULL, *row_tot = NULL, *col_tot = NULL;
    if (!read_keys(layer, s, &rows, &cols)) goto nomem;
    if (!rows.n || !cols.n) goto done;
    /* The study area's step totals also count events located nowhere (in
     * no unit): one more row, withheld, holds them, so a step's units sum
     * to at most its total (the writer knows whether there are any and
     * audits the stricter table when there are none). */
    size_t R = rows.n + (s == CUBE && trends ? 1 : 0);
    size_t n = R * cols.n;
    cells = vemt_calloc(n, sizeof *cells);
    row_tot = units ? vemt_calloc(R, sizeof *row_tot) : NULL;
    col_tot = trends ? vemt_calloc(cols.n, sizeof *col_tot) : NULL;
    if (!cells || (units && !row_tot) || (trends && !col_tot)) goto nomem;
    for (size_t k = 0; k < n; k++) cells[k] = NAN;
    for (size_t i = 0; row_tot && i < R; i++) row_tot[i] = NAN;
    for (size_t j = 0; col_tot && j < cols.n; j++) col_tot[j] = NAN;
    read_cells(layer, s, &rows, &cols, "n_events", cells);
    if (units) read_unit_totals(units, &rows, row_tot);
    if (trends) read_step_totals(trends, &cols, col_tot);
    /* The grand total is the steps' totals' sum; only exact totals give it
     * as one more published value (a sum of rounded totals is known only
     * to within the sum of their rounding, which the steps already say). */
    double total = NAN;
    if (col_tot && !(c->rules->round_to > 1)) {
        total = 0;
        for (size_t j = 0; j < cols.n; j++) total += col_tot[j];
    }
    vemt_audit_table t = {.rows = R,
                          .cols = cols.n,
                          .cells = cells,
                          .row_tot = row_tot,
                          .col_tot = col_tot,
                          .total = total,
                          .round_to = c->rules->round_to};
    report(c, s == CUBE ? "hotspot_cube" : "trends",
           s == CUBE ? "cell" : "category", &t, &rows, &cols);
    goto done;
nomem:
    c->nomem = true;
done:
    vemt_free(cells);
    vemt_free(row_tot);
    vemt_free(col_tot);
    keyset_free(&rows);
    keyset_free(&cols);
}

void vemt_check_audit(vemt_checker *c, OGRLayerH cube, OGRLayerH cells,
                      OGRLayerH emerging, OGRLayerH trends) {
    if (!(c->rules->threshold > 0)) return; /* nothing is withheld */
    /* The cube's unit totals are emerging_hotspots'; hotspot_cells counts
     * the whole period, which differs from the cube's under --time-start
     * or --time-end (it is the same table only without them). */
    if (cube) audit_one(c, cube, CUBE, emerging ? emerging : cells, trends);
    if (trends) audit_one(c, trends, CATEGORY, NULL, trends);
}
