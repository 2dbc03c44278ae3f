/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file audit.h
 * @brief Private to disclosure/ (and its tests and benchmark): the audit
 * by linear programming with its options and counters, behind
 * vemt_disclosure_audit() and vemt_disclosure_protect().
 */
#ifndef VEMT_DISCLOSURE_AUDIT_H
#define VEMT_DISCLOSURE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "disclosure/disclosure.h"

/** What one audit did. */
typedef struct vemt_audit_stats {
    size_t blocks;    /* independent linear programs built (one per block) */
    size_t lps;       /* simplex solves, the first feasible one included */
    size_t screened;  /* withheld cells proven protected by feasible points
                         already found, without an LP of their own */
    size_t unbounded; /* withheld cells in no published sum at all */
} vemt_audit_stats;

/** How to audit. Zero-initialised: every withheld cell, no seed, the fast
 * ranges. */
typedef struct vemt_audit_opts {
    const unsigned char *check; /* rows x cols: audit only the withheld
                                   cells marked nonzero; NULL: all */
    const double *seed;         /* rows x cols: a table known to satisfy what is
                                   published (the true counts, in the writer), a
                                   first feasible point; NULL: none. Ignored when
                                   it does not satisfy every published value. */
    bool exact; /* true: the exact range of every audited cell (two
                   LPs each); false: a protected cell's lo and hi
                   may be a narrower range it is proven to reach,
                   at least protect wide */
    unsigned char *unprotected; /* rows x cols out, or NULL: 1 for each
                                   unprotected withheld cell, else 0 */
} vemt_audit_opts;

/** vemt_disclosure_audit() with options (opts NULL: the defaults) and
 * counters (stats NULL: not wanted). Cells not audited (opts->check) get
 * lo = 0, hi = INFINITY when withheld. Returns VEMT_E_ARG for a table
 * that is not one (a negative or infinite published value, published
 * values no table of counts satisfies), VEMT_E_NOMEM, or
 * VEMT_E_DEPENDENCY when GLPK fails. */
vemt_status vemt_audit_run(const vemt_audit_table *t, double protect,
                           const vemt_audit_opts *opts, double *lo, double *hi,
                           size_t *unprotected, vemt_audit_stats *stats);

#endif /* VEMT_DISCLOSURE_AUDIT_H */
