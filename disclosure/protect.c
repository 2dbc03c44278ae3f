/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file protect.c
 * @brief The writer's side of the disclosure audit: withhold more cells
 * (or, when nothing else helps, a margin) until the audit of audit.c finds
 * every withheld cell protected, preferring cells that close a rectangle
 * of withheld cells (the alternating cycles of Cox 1980, "Suppression
 * methodology and statistical disclosure control", JASA 75(370), 377-385,
 * doi:10.1080/01621459.1980.10477481), the smallest true count first.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "disclosure/audit.h"
#include "disclosure/disclosure.h"
#include "engine/alloc.h"

#define NONE SIZE_MAX

/* Whether withholding cell (k, l) besides (i, j) closes a rectangle of
 * withheld cells: (i, l) or (k, j) and the opposite corner withheld. The
 * four can then move together (+d, -d, +d, -d) without changing a sum. */
static bool closes_rectangle(const double *pub, size_t rows, size_t cols,
                             size_t i, size_t j, size_t k, size_t l) {
    if (k == i) { /* (i, l) in the row: look for a row m with (m, j), (m, l) */
        for (size_t m = 0; m < rows; m++)
            if (m != i && isnan(pub[m * cols + j]) && isnan(pub[m * cols + l]))
                return true;
        return false;
    }
    /* (k, j) in the column: a column m with (i, m), (k, m) */
    for (size_t m = 0; m < cols; m++)
        if (m != j && isnan(pub[i * cols + m]) && isnan(pub[k * cols + m]))
            return true;
    return false;
}

/* The published cell to withhold next for the unprotected cell (i, j): in
 * its row or column, one that closes a rectangle with other withheld cells
 * first, the smallest true count first; NONE when its row and column hold
 * no published cell. */
static size_t pick_cell(const double *pub, const double *x, size_t rows,
                        size_t cols, size_t i, size_t j) {
    size_t best = NONE, best_rect = NONE;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t len = pass == 0 ? cols : rows;
        for (size_t m = 0; m < len; m++) {
            size_t k = pass == 0 ? i : m, l = pass == 0 ? m : j;
            size_t c = k * cols + l;
            if ((k == i && l == j) || isnan(pub[c])) continue;
            if (best == NONE || x[c] < x[best]) best = c;
            if ((best_rect == NONE || x[c] < x[best_rect]) &&
                closes_rectangle(pub, rows, cols, i, j, k, l))
                best_rect = c;
        }
    }
    return best_rect != NONE ? best_rect : best;
}

/* Withhold a published margin of cell (i, j): its row's total, else its
 * column's, else the grand total. False when all three are withheld. */
static bool withhold_margin(double *row_pub, double *col_pub, double *total_pub,
                            size_t i, size_t j) {
    double *m = NULL;
    if (row_pub && !isnan(row_pub[i])) {
        m = &row_pub[i];
    } else if (col_pub && !isnan(col_pub[j])) {
        m = &col_pub[j];
    } else if (total_pub && !isnan(*total_pub)) {
        m = total_pub;
    }
    if (m) *m = (double)NAN;
    return m != NULL;
}

/* The last resort, which always ends the loop: everything withheld (no
 * sum is then published, so every cell is unbounded). */
static void withhold_all(double *pub, size_t n, double *row_pub, size_t rows,
                         double *col_pub, size_t cols, double *total_pub,
                         unsigned char *check, size_t *added) {
    for (size_t c = 0; c < n; c++) {
        if (!isnan(pub[c])) (*added)++;
        pub[c] = (double)NAN;
        check[c] = 1;
    }
    for (size_t r = 0; row_pub && r < rows; r++) row_pub[r] = (double)NAN;
    for (size_t k = 0; col_pub && k < cols; k++) col_pub[k] = (double)NAN;
    if (total_pub) *total_pub = (double)NAN;
}

/* One round of the writer's loop: for each unprotected cell (marked in
 * unprot) withhold one more cell or margin, and mark in check the cells
 * to audit next (still unprotected, or newly withheld). True when
 * something was withheld. */
static bool widen(const double *x, size_t rows, size_t cols, double *pub,
                  double *row_pub, double *col_pub, double *total_pub,
                  const unsigned char *unprot, unsigned char *check,
                  size_t *added) {
    size_t n = rows * cols;
    bool changed = false;
    memset(check, 0, n);
    for (size_t c = 0; c < n; c++) {
        if (!unprot[c]) continue;
        check[c] = 1;
        size_t i = c / cols, j = c % cols;
        size_t pick = pick_cell(pub, x, rows, cols, i, j);
        if (pick != NONE) {
            pub[pick] = (double)NAN;
            check[pick] = 1;
            (*added)++;
            changed = true;
        } else {
            changed |= withhold_margin(row_pub, col_pub, total_pub, i, j);
        }
    }
    return changed;
}

vemt_status vemt_disclosure_protect(const vemt_tier_rules *rules,
                                    const double *x, size_t rows, size_t cols,
                                    double *pub, double *row_pub,
                                    double *col_pub, double *total_pub,
                                    size_t *added) {
    if (!rules || !added) return VEMT_E_ARG;
    *added = 0;
    size_t n = rows * cols;
    if (n == 0 || !(rules->threshold > 0)) return VEMT_OK;
    if (!x || !pub || n / rows != cols) return VEMT_E_ARG;
    vemt_status st = VEMT_E_NOMEM;
    unsigned char *check = vemt_calloc(n, 1);
    unsigned char *unprot = vemt_calloc(n, 1);
    double *lo = vemt_calloc(n, sizeof *lo);
    double *hi = vemt_calloc(n, sizeof *hi);
    if (!check || !unprot || !lo || !hi) goto done;
    for (size_t c = 0; c < n; c++) check[c] = isnan(pub[c]);
    for (;;) {
        vemt_audit_table t = {
            rows,           cols,    pub,
            row_pub,        col_pub, total_pub ? *total_pub : (double)NAN,
            rules->round_to};
        vemt_audit_opts opts = {
            .check = check, .seed = x, .unprotected = unprot};
        size_t bad = 0;
        st = vemt_audit_run(&t, rules->threshold, &opts, lo, hi, &bad, NULL);
        if (st != VEMT_OK || bad == 0) break;
        /* Withholding more only widens every range: the cells protected
         * stay protected, so only the rest (and the new ones) are audited
         * again. */
        if (!widen(x, rows, cols, pub, row_pub, col_pub, total_pub, unprot,
                   check, added))
            withhold_all(pub, n, row_pub, rows, col_pub, cols, total_pub, check,
                         added);
    }
done:
    vemt_free(check);
    vemt_free(unprot);
    vemt_free(lo);
    vemt_free(hi);
    return st;
}
