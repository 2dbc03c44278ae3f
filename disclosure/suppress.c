/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file suppress.c
 * @brief Small-count suppression for published tables: primary suppression
 * of counts under a threshold, and secondary (complementary) suppression so
 * that no suppressed value can be recovered from published row and column
 * totals by subtraction; rounding; and the one function that prepares a
 * table of counts for publication under a tier's rules.
 */
#include <math.h>
#include <string.h>

#include "disclosure/disclosure.h"

/* Primary: a count from 1 to threshold - 1 is withheld (NaN). Zeros and
 * counts at or over the threshold are published. Fractional (aoristic)
 * counts are judged by their rounded value. */
static void primary(double *x, size_t n, double threshold) {
    for (size_t i = 0; i < n; i++) {
        double r = round(x[i]);
        if (r >= 1 && r < threshold) x[i] = (double)NAN;
    }
}

/* In one line (a row or a column: len values, stride apart), a single
 * suppressed value is recoverable from the line's total: withhold the
 * smallest published value too (zeros included: the pair is then known
 * only as a sum). Returns 1 when it changed the line. */
static int protect_line(double *x, const double *orig, size_t start, size_t len,
                        size_t stride) {
    size_t hidden = 0, pick = (size_t)-1;
    for (size_t k = 0; k < len; k++) {
        size_t i = start + k * stride;
        if (isnan(x[i])) {
            hidden++;
        } else if (pick == (size_t)-1 || orig[i] < orig[pick]) {
            pick = i;
        }
    }
    if (hidden != 1 || pick == (size_t)-1) return 0;
    x[pick] = (double)NAN;
    return 1;
}

static size_t count_withheld(const double *x, size_t n) {
    size_t hidden = 0;
    for (size_t i = 0; i < n; i++) hidden += isnan(x[i]);
    return hidden;
}

size_t vemt_suppress_table(double *x, const double *orig, size_t rows,
                           size_t cols, double threshold) {
    size_t n = rows * cols;
    primary(x, n, threshold);
    /* Repeat until every row and column with a hidden value hides at least
     * two (Cox 1980's condition for a table with published margins). */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t r = 0; r < rows; r++)
            changed |= protect_line(x, orig, r * cols, cols, 1);
        for (size_t c = 0; cols > 0 && c < cols; c++)
            changed |= protect_line(x, orig, c, rows, cols);
    }
    return count_withheld(x, n);
}

double vemt_disclosure_round(double x, double threshold, double to) {
    if (to <= 0 || isnan(x)) return x;
    if (round(x) < 1) return 0;
    double r = to * round(x / to);
    return threshold > 0 && r < threshold ? to * ceil(threshold / to) : r;
}

/* A row (a unit's or a series' steps) whose total is under the threshold
 * is withheld whole, zeros included: with its zeros published, its withheld
 * steps are each known to be at least 1, and threshold - 1 of them under a
 * total under the threshold would all be 1. */
static void hide_small_rows(double *x, size_t rows, size_t cols, double t) {
    for (size_t r = 0; cols > 1 && r < rows; r++) {
        double sum = 0;
        for (size_t c = 0; c < cols; c++) sum += x[r * cols + c];
        if (round(sum) < 1 || round(sum) >= t) continue;
        for (size_t c = 0; c < cols; c++) x[r * cols + c] = (double)NAN;
    }
}

size_t vemt_disclosure_publish_table(const vemt_tier_rules *rules,
                                     const double *x, size_t rows, size_t cols,
                                     bool margins, double *out) {
    size_t n = rows * cols;
    double t = rules->threshold;
    if (n) memcpy(out, x, n * sizeof *out);
    if (t > 0) hide_small_rows(out, rows, cols, t);
    /* Without published totals nothing can be subtracted: primary only. */
    if (t > 0 && margins) vemt_suppress_table(out, x, rows, cols, t);
    if (t > 0 && !margins) primary(out, n, t);
    for (size_t i = 0; i < n; i++)
        out[i] = vemt_disclosure_round(out[i], t, rules->round_to);
    return count_withheld(out, n);
}
