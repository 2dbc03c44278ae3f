/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file audit.c
 * @brief The disclosure audit of a published table by linear programming
 * (GLPK), as tau-ARGUS audits (Hundepool et al. 2012, "Statistical
 * Disclosure Control", Wiley, section 5.5; de Wolf 2002, "HiTaS: a
 * heuristic approach to cell suppression in hierarchical tables", LNCS
 * 2316, doi:10.1007/3-540-47804-3_6): every withheld cell is minimised and
 * maximised subject to everything the table publishes. And the writer's
 * side: withhold more until every withheld cell is protected.
 *
 * The LP: one variable per cell that is not published exactly (a withheld
 * cell in [0, inf), a rounded one in [v - r/2, v + r/2] cut at 0); one
 * constraint per published margin (its interval likewise), with the cells
 * published exactly moved to the constant side. Sums that share no
 * variable give independent blocks, each its own LP. Each block is solved
 * once for a feasible point, then for each withheld cell the objective is
 * changed and the simplex restarts from the last basis (warm start).
 *
 * The screen decides most cells without an LP of their own. Every basic
 * solution is a feasible table, and so is every table reached from a
 * feasible point by moves that keep each published value in its interval
 * (the alternating cycles of Cox 1980, below, and their kin): the least
 * and greatest value a withheld cell takes over all of these is a range it
 * certainly reaches. Its points are the seed (the true counts, in the
 * writer), the block's first vertex, and a point that moves a fifth of the
 * way toward each LP's vertex in turn. A cell whose range so found is
 * already protect wide is protected; every other cell gets its two LPs,
 * so the screen can only save work, never pass a cell the LPs would fail.
 * vemt_disclosure_protect() is in protect.c.
 */
#include "disclosure/audit.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "engine/alloc.h"

/* Slack for the simplex's rounding when comparing a width with protect. */
#define AUDIT_TOL 1e-7
#define NONE SIZE_MAX

enum { CELL_EXACT = 0, CELL_RANGE = 1, CELL_HIDDEN = 2 };

/* One published sum: its member cells (not exact) and its interval, less
 * the exact cells' values. */
typedef struct audit_sum {
    size_t first, count; /* into members */
    double lo, hi;
} audit_sum;

typedef struct audit {
    const vemt_audit_table *t;
    const vemt_audit_opts *opts;
    double protect;
    size_t n;
    unsigned char *kind; /* CELL_* per cell */
    double *blo, *bhi;   /* each cell's bounds */
    audit_sum *sums;
    size_t nsums;
    size_t *members;
    size_t nmembers;
    size_t *root;           /* union-find over cells, then each cell's root */
    double *plo, *phi;      /* the screen: least and greatest value seen */
    int *col;               /* cell -> its column (1-based) in its block's LP */
    size_t *rsum, *csum;    /* each row's and column's sum, or NONE */
    size_t tsum;            /* the grand total's sum, or NONE */
    bool seeded;            /* opts->seed satisfies every published value */
    double *pt;             /* a feasible point, for the screen */
    double *sup, *sdown;    /* each sum's slack at pt: up and down */
    struct screen_top *top; /* the screen's partners: 2 lists per row and
                               per column */
    vemt_audit_stats stats;
} audit;

/* The interval a published value v stands for. */
static void published_interval(double v, double h, double *lo, double *hi) {
    *lo = h > 0 ? fmax(0, v - h) : v;
    *hi = h > 0 ? v + h : v;
}

static size_t find_root(size_t *parent, size_t c) {
    while (parent[c] != c) {
        parent[c] = parent[parent[c]]; /* path halving */
        c = parent[c];
    }
    return c;
}

/* Add the sum of the cells start, start + stride, ... (len of them) with
 * the published total v. VEMT_E_ARG when exact cells alone break it. */
static vemt_status add_sum(audit *a, double v, double h, size_t start,
                           size_t len, size_t stride, size_t *index) {
    double lo, hi, fixed = 0;
    *index = NONE;
    if (!isfinite(v) || v < 0) return isnan(v) ? VEMT_OK : VEMT_E_ARG;
    published_interval(v, h, &lo, &hi);
    audit_sum *s = &a->sums[a->nsums];
    s->first = a->nmembers;
    for (size_t k = 0; k < len; k++) {
        size_t c = start + k * stride;
        if (a->kind[c] == CELL_EXACT) {
            fixed += a->blo[c];
        } else {
            a->members[a->nmembers++] = c;
        }
    }
    s->count = a->nmembers - s->first;
    s->lo = lo - fixed;
    s->hi = hi - fixed;
    if (s->count == 0) {
        /* Nothing left to solve for: only check the exact cells agree. */
        return s->lo <= AUDIT_TOL && s->hi >= -AUDIT_TOL ? VEMT_OK : VEMT_E_ARG;
    }
    *index = a->nsums++;
    return VEMT_OK;
}

/* The cells' kinds and bounds, and the published sums. */
static vemt_status build_sums(audit *a) {
    const vemt_audit_table *t = a->t;
    size_t rows = t->rows, cols = t->cols;
    double h = t->round_to > 1 ? t->round_to / 2 : 0;
    for (size_t c = 0; c < a->n; c++) {
        double v = t->cells[c];
        if (isnan(v)) {
            a->kind[c] = CELL_HIDDEN;
            a->blo[c] = 0;
            a->bhi[c] = (double)INFINITY;
            continue;
        }
        if (!isfinite(v) || v < 0) return VEMT_E_ARG;
        a->kind[c] = h > 0 ? CELL_RANGE : CELL_EXACT;
        published_interval(v, h, &a->blo[c], &a->bhi[c]);
    }
    /* With exact values, the grand total is the sum of the row totals (or
     * of the column totals) when they are all published: redundant, and
     * it would join every block into one. */
    bool all_rows = t->row_tot != NULL, all_cols = t->col_tot != NULL;
    for (size_t r = 0; all_rows && r < rows; r++)
        all_rows = !isnan(t->row_tot[r]);
    for (size_t k = 0; all_cols && k < cols; k++)
        all_cols = !isnan(t->col_tot[k]);
    bool drop_total = h == 0 && (all_rows || all_cols);
    vemt_status st = VEMT_OK;
    for (size_t r = 0; st == VEMT_OK && t->row_tot && r < rows; r++)
        st = add_sum(a, t->row_tot[r], h, r * cols, cols, 1, &a->rsum[r]);
    for (size_t k = 0; st == VEMT_OK && t->col_tot && k < cols; k++)
        st = add_sum(a, t->col_tot[k], h, k, rows, cols, &a->csum[k]);
    if (st == VEMT_OK && !drop_total)
        st = add_sum(a, t->total, h, 0, a->n, 1, &a->tsum);
    return st;
}

/* Cells joined by a sum are in one block; a cell's root names its block. */
static void find_blocks(audit *a) {
    for (size_t c = 0; c < a->n; c++) a->root[c] = c;
    for (size_t s = 0; s < a->nsums; s++) {
        const size_t *m = a->members + a->sums[s].first;
        size_t r0 = find_root(a->root, m[0]);
        for (size_t k = 1; k < a->sums[s].count; k++) {
            size_t r = find_root(a->root, m[k]);
            if (r != r0) a->root[r] = r0;
        }
    }
    for (size_t c = 0; c < a->n; c++) a->root[c] = find_root(a->root, c);
}

/* The seed table as the screen's first point, when it satisfies every
 * published value. */
static void use_seed(audit *a) {
    const double *x = a->opts->seed;
    for (size_t c = 0; c < a->n; c++) {
        a->plo[c] = (double)INFINITY;
        a->phi[c] = -(double)INFINITY;
    }
    if (!x) return;
    for (size_t c = 0; c < a->n; c++)
        if (!(x[c] >= a->blo[c] - AUDIT_TOL && x[c] <= a->bhi[c] + AUDIT_TOL))
            return;
    for (size_t s = 0; s < a->nsums; s++) {
        double sum = 0;
        for (size_t k = 0; k < a->sums[s].count; k++)
            sum += x[a->members[a->sums[s].first + k]];
        if (!(sum >= a->sums[s].lo - AUDIT_TOL &&
              sum <= a->sums[s].hi + AUDIT_TOL))
            return;
    }
    for (size_t c = 0; c < a->n; c++) a->plo[c] = a->phi[c] = x[c];
    a->seeded = true;
}

/* One block: its cells and its sums. */
typedef struct block {
    const size_t *cells;
    size_t ncells;
    const size_t *sums;
    size_t nsums;
} block;

/* The screen: from a feasible point pt, moves that keep every published
 * value within its interval, each giving a feasible table: the cell alone
 * (its row's, column's and the grand total's slack); the cell against
 * partners in its row (each partner's slack and its column's, the cell's
 * column's slack for all of them together) and in its column (likewise
 * with rows), both at once since they touch different sums; or the cell
 * around rectangles of four (no sum changes: the alternating cycles of Cox
 * 1980, "Suppression methodology and statistical disclosure control",
 * JASA 75(370), 377-385, doi:10.1080/01621459.1980.10477481), from the
 * best few partners of its row and column. The largest move up and the
 * largest down give a range the cell certainly reaches: the screen only
 * proves a cell protected; the LPs decide every cell it can't. */
#define TOPK 3

/* A sum that may hold infinite terms, less one of them cheaply. */
typedef struct screen_sum {
    double finite;
    size_t infinite;
} screen_sum;

typedef struct screen_top {
    double v[TOPK];
    size_t c[TOPK];     /* NONE: empty */
    screen_sum pair[2]; /* the partners' moves down (0) and up (1) */
} screen_top;

/* The lists per row and per column, in a->top: rows x 2, then cols x 2:
 * the best cells by slack down (0) and up (1). */
enum { TOP_LISTS = 2 };

static void top_clear(screen_top *t) {
    for (int k = 0; k < TOPK; k++) t->c[k] = NONE;
    memset(t->pair, 0, sizeof t->pair);
}

static void sum_add(screen_sum *s, double v) {
    if (isinf(v)) {
        s->infinite++;
    } else if (v > 0) {
        s->finite += v;
    }
}

/* The sum less the term v (one added before). */
static double sum_less(const screen_sum *s, double v) {
    if (isinf(v)) return s->infinite > 1 ? (double)INFINITY : s->finite;
    return s->infinite ? (double)INFINITY : fmax(0, s->finite - fmax(0, v));
}

static void top_add(screen_top *t, double v, size_t c) {
    if (!(v > 0)) return;
    for (int k = 0; k < TOPK; k++) {
        if (t->c[k] != NONE && v <= t->v[k]) continue;
        for (int m = TOPK - 1; m > k; m--) {
            t->v[m] = t->v[m - 1];
            t->c[m] = t->c[m - 1];
        }
        t->v[k] = v;
        t->c[k] = c;
        return;
    }
}

static screen_top *row_top(const audit *a, size_t r, int list) {
    return &a->top[r * TOP_LISTS + (size_t)list];
}

static screen_top *col_top(const audit *a, size_t k, int list) {
    return &a->top[(a->t->rows + k) * TOP_LISTS + (size_t)list];
}

static double cell_up(const audit *a, size_t c) {
    return a->kind[c] == CELL_HIDDEN ? (double)INFINITY
                                     : fmax(0, a->bhi[c] - a->pt[c]);
}

static double cell_down(const audit *a, size_t c) {
    return fmax(0, a->pt[c] - a->blo[c]);
}

static double sum_up(const audit *a, size_t s) {
    return s == NONE ? (double)INFINITY : a->sup[s];
}

static double sum_down(const audit *a, size_t s) {
    return s == NONE ? (double)INFINITY : a->sdown[s];
}

/* Disjoint rectangle moves of cell c = (i, j): the x-th best partner
 * (i, l) of its row with the x-th best (k, j) of its column, both moving
 * against c, and the corner (k, l) with it. */
static double rectangles(const audit *a, size_t c, bool up) {
    size_t cols = a->t->cols, i = c / cols, j = c % cols;
    int list = up ? 0 : 1; /* partners move down when c moves up */
    const screen_top *rt = row_top(a, i, list), *ct = col_top(a, j, list);
    double total = 0;
    for (int x = 0, y = 0; x < TOPK && y < TOPK; x++, y++) {
        while (x < TOPK && rt->c[x] == c) x++;
        while (y < TOPK && ct->c[y] == c) y++;
        if (x == TOPK || y == TOPK || rt->c[x] == NONE || ct->c[y] == NONE)
            break;
        size_t corner = (ct->c[y] / cols) * cols + rt->c[x] % cols;
        if (a->kind[corner] == CELL_EXACT || a->root[corner] != a->root[c])
            continue;
        double d = up ? cell_up(a, corner) : cell_down(a, corner);
        total += fmin(d, fmin(rt->v[x], ct->v[y]));
    }
    return total;
}

/* A cell's moves as a partner, into its row's and its column's lists. */
static void partner(audit *a, size_t c) {
    size_t cols = a->t->cols, i = c / cols, j = c % cols;
    double up = cell_up(a, c), down = cell_down(a, c);
    size_t rs = a->rsum[i], cs = a->csum[j];
    screen_top *rd = row_top(a, i, 0), *ru = row_top(a, i, 1);
    screen_top *cd = col_top(a, j, 0), *cu = col_top(a, j, 1);
    /* In its row it moves its column's sum; in its column, its row's. */
    sum_add(&rd->pair[0], fmin(down, sum_down(a, cs)));
    sum_add(&rd->pair[1], fmin(up, sum_up(a, cs)));
    sum_add(&cd->pair[0], fmin(down, sum_down(a, rs)));
    sum_add(&cd->pair[1], fmin(up, sum_up(a, rs)));
    top_add(rd, down, c);
    top_add(cd, down, c);
    top_add(ru, up, c);
    top_add(cu, up, c);
    /* A cell of a row with no published total is its column's reservoir:
     * it moves without changing any sum but its column's. */
    if (rs == NONE) {
        sum_add(&cu->pair[0], down);
        sum_add(&cu->pair[1], up);
    }
}

/* Column k's reservoir down (d = 0) or up (1), less cell c's own term.
 * (A column with no published total is no freer: its change would move
 * the grand total.) */
static double reservoir(const audit *a, size_t k, int d, size_t c) {
    double own = 0;
    if (a->rsum[c / a->t->cols] == NONE && c % a->t->cols == k)
        own = d == 0 ? cell_down(a, c) : cell_up(a, c);
    return sum_less(&col_top(a, k, 1)->pair[d], own);
}

/* The second pass, once every reservoir is known: each published row's
 * cells moving down (up) against their columns' reservoirs. */
static void partner_reservoir(audit *a, size_t c) {
    size_t cols = a->t->cols, i = c / cols, j = c % cols;
    if (a->rsum[i] == NONE) return;
    screen_top *r = row_top(a, i, 1);
    sum_add(&r->pair[0], fmin(cell_down(a, c), reservoir(a, j, 1, c)));
    sum_add(&r->pair[1], fmin(cell_up(a, c), reservoir(a, j, 0, c)));
}

/* Cell c against the reservoirs, every column's sum unchanged: c's column
 * by its reservoir, c's row by its slack and its other cells, each with
 * its own column's reservoir. */
static double reservoir_move(const audit *a, size_t c, bool up) {
    size_t cols = a->t->cols, i = c / cols, j = c % cols;
    int d = up ? 0 : 1;
    double own_col = reservoir(a, j, d, c);
    if (a->rsum[i] == NONE) return own_col;
    double own = up ? fmin(cell_down(a, c), reservoir(a, j, 1, c))
                    : fmin(cell_up(a, c), reservoir(a, j, 0, c));
    double row = (up ? sum_up : sum_down)(a, a->rsum[i]) +
                 sum_less(&row_top(a, i, 1)->pair[d], own);
    return fmin(row, own_col);
}

/* How far cell c moves up (or down) by the screen's moves. */
static double reach(const audit *a, size_t c, bool up) {
    size_t cols = a->t->cols, i = c / cols, j = c % cols;
    size_t rs = a->rsum[i], cs = a->csum[j], ts = a->tsum;
    double (*slack)(const audit *, size_t) = up ? sum_up : sum_down;
    double (*back)(const audit *, size_t) = up ? sum_down : sum_up;
    /* The partners move the other way: down (pair[0]) when c moves up.
     * c's own term, as partner() added it, is taken out of the sums. */
    int d = up ? 0 : 1;
    double own = up ? cell_down(a, c) : cell_up(a, c);
    double in_row =
        sum_less(&row_top(a, i, 0)->pair[d], fmin(own, back(a, cs)));
    double in_col =
        sum_less(&col_top(a, j, 0)->pair[d], fmin(own, back(a, rs)));
    double alone = fmin(slack(a, rs), fmin(slack(a, cs), slack(a, ts)));
    double pairs = fmin(slack(a, cs), in_row) + fmin(slack(a, rs), in_col);
    double move = fmax(fmax(alone, reservoir_move(a, c, up)),
                       fmax(pairs, rectangles(a, c, up)));
    return up ? move : fmin(move, cell_down(a, c));
}

/* The screen over block b from the point a->pt: widens the cells' known
 * ranges (plo, phi). */
static void screen(audit *a, const block *b) {
    size_t cols = a->t->cols;
    for (size_t s = 0; s < b->nsums; s++) {
        const audit_sum *sum = &a->sums[b->sums[s]];
        double v = 0;
        for (size_t k = 0; k < sum->count; k++)
            v += a->pt[a->members[sum->first + k]];
        a->sup[b->sums[s]] = fmax(0, sum->hi - v);
        a->sdown[b->sums[s]] = fmax(0, v - sum->lo);
    }
    for (size_t x = 0; x < b->ncells; x++) {
        size_t c = b->cells[x];
        for (int l = 0; l < TOP_LISTS; l++) {
            top_clear(row_top(a, c / cols, l));
            top_clear(col_top(a, c % cols, l));
        }
    }
    for (size_t x = 0; x < b->ncells; x++) partner(a, b->cells[x]);
    for (size_t x = 0; x < b->ncells; x++) partner_reservoir(a, b->cells[x]);
    const unsigned char *check = a->opts->check;
    for (size_t x = 0; x < b->ncells; x++) {
        size_t c = b->cells[x];
        if (a->kind[c] != CELL_HIDDEN || (check && !check[c])) continue;
        a->plo[c] = fmin(a->plo[c], a->pt[c] - reach(a, c, false));
        a->phi[c] = fmax(a->phi[c], a->pt[c] + reach(a, c, true));
    }
}

/* True when the screen has proven every cell of b to audit protected. */
static bool screened_all(const audit *a, const block *b) {
    const unsigned char *check = a->opts->check;
    for (size_t x = 0; x < b->ncells; x++) {
        size_t c = b->cells[x];
        if (a->kind[c] != CELL_HIDDEN || (check && !check[c])) continue;
        if (!(a->phi[c] - a->plo[c] >= a->protect - AUDIT_TOL)) return false;
    }
    return true;
}

/* The simplex from the current basis; on a singular or ill-conditioned
 * basis once more from the standard one. *status gets GLPK's status. */
static vemt_status solve(audit *a, glp_prob *lp, int *status) {
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    parm.meth = GLP_PRIMAL;
    int ret = glp_simplex(lp, &parm);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(lp);
        ret = glp_simplex(lp, &parm);
    }
    a->stats.lps++;
    if (ret != 0) return VEMT_E_DEPENDENCY;
    *status = glp_get_status(lp);
    return VEMT_OK;
}

/* The screen learns from a feasible point of the block. */
static void remember(audit *a, glp_prob *lp, const block *b) {
    for (size_t k = 0; k < b->ncells; k++) {
        size_t c = b->cells[k];
        if (a->kind[c] != CELL_HIDDEN) continue;
        double v = glp_get_col_prim(lp, a->col[c]);
        if (v < a->plo[c]) a->plo[c] = v;
        if (v > a->phi[c]) a->phi[c] = v;
    }
}

/* The block's LP, with a zero objective. NULL on allocation failure. */
static glp_prob *build_lp(audit *a, const block *b) {
    size_t nnz = 0;
    for (size_t s = 0; s < b->nsums; s++) nnz += a->sums[b->sums[s]].count;
    int *ia = vemt_calloc(nnz + 1, sizeof *ia);
    int *ja = vemt_calloc(nnz + 1, sizeof *ja);
    double *ar = vemt_calloc(nnz + 1, sizeof *ar);
    glp_prob *lp = NULL;
    if (!ia || !ja || !ar) goto done;
    lp = glp_create_prob();
    glp_add_rows(lp, (int)b->nsums);
    glp_add_cols(lp, (int)b->ncells);
    for (size_t k = 0; k < b->ncells; k++) {
        size_t c = b->cells[k];
        int j = (int)k + 1;
        a->col[c] = j;
        if (a->kind[c] == CELL_HIDDEN) {
            glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
        } else if (a->bhi[c] > a->blo[c]) {
            glp_set_col_bnds(lp, j, GLP_DB, a->blo[c], a->bhi[c]);
        } else {
            glp_set_col_bnds(lp, j, GLP_FX, a->blo[c], a->blo[c]);
        }
    }
    int e = 0;
    for (size_t s = 0; s < b->nsums; s++) {
        const audit_sum *sum = &a->sums[b->sums[s]];
        int i = (int)s + 1;
        if (sum->hi > sum->lo) {
            glp_set_row_bnds(lp, i, GLP_DB, sum->lo, sum->hi);
        } else {
            glp_set_row_bnds(lp, i, GLP_FX, sum->lo, sum->lo);
        }
        for (size_t k = 0; k < sum->count; k++) {
            e++;
            ia[e] = i;
            ja[e] = a->col[a->members[sum->first + k]];
            ar[e] = 1;
        }
    }
    glp_load_matrix(lp, e, ia, ja, ar);
done:
    vemt_free(ia);
    vemt_free(ja);
    vemt_free(ar);
    return lp;
}

/* Optimise cell c's column in direction dir: *v gets the optimum, or
 * +-INFINITY when unbounded. */
static vemt_status optimise(audit *a, glp_prob *lp, const block *b, size_t c,
                            int dir, double *v) {
    int status = 0;
    glp_set_obj_dir(lp, dir);
    glp_set_obj_coef(lp, a->col[c], 1);
    vemt_status st = solve(a, lp, &status);
    glp_set_obj_coef(lp, a->col[c], 0);
    if (st != VEMT_OK) return st;
    if (status == GLP_UNBND) {
        *v = dir == GLP_MAX ? (double)INFINITY : -(double)INFINITY;
    } else if (status == GLP_OPT) {
        *v = glp_get_obj_val(lp);
    } else {
        return VEMT_E_DEPENDENCY;
    }
    remember(a, lp, b); /* optimal or unbounded: the point is feasible */
    return VEMT_OK;
}

static bool wide(const audit *a, double lo, double hi) {
    return hi - lo >= a->protect - AUDIT_TOL;
}

/* The screen's ranges as the result for the cells of b it proved. */
static void take_screened(audit *a, const block *b, double *lo, double *hi) {
    const unsigned char *check = a->opts->check;
    for (size_t x = 0; x < b->ncells; x++) {
        size_t c = b->cells[x];
        if (a->kind[c] != CELL_HIDDEN || (check && !check[c])) continue;
        if (!wide(a, a->plo[c], a->phi[c]) || !isnan(lo[c])) continue;
        a->stats.screened++;
        lo[c] = a->plo[c];
        hi[c] = a->phi[c];
    }
}

/* Solve the block's LP for a first feasible point. */
static vemt_status first_point(audit *a, glp_prob *lp, const block *b) {
    int status = 0;
    /* glp_adv_basis reports on the terminal: GLPK's output switch is its
     * environment's (per thread), so it is set back at once. */
    int was = glp_term_out(GLP_OFF);
    glp_adv_basis(lp, 0);
    glp_term_out(was);
    vemt_status st = solve(a, lp, &status);
    if (st == VEMT_OK && status != GLP_OPT)
        st = status == GLP_NOFEAS ? VEMT_E_ARG : VEMT_E_DEPENDENCY;
    if (st != VEMT_OK) return st;
    remember(a, lp, b);
    for (size_t x = 0; x < b->ncells; x++)
        a->pt[b->cells[x]] = glp_get_col_prim(lp, a->col[b->cells[x]]);
    return st;
}

/* Move the screen's point a fifth of the way to the LP's new vertex (a
 * convex combination of feasible points is feasible) and screen again:
 * each LP's vertex puts mass where the last point had none. */
static void blend(audit *a, glp_prob *lp, const block *b) {
    for (size_t x = 0; x < b->ncells; x++) {
        size_t c = b->cells[x];
        a->pt[c] += (glp_get_col_prim(lp, a->col[c]) - a->pt[c]) / 5;
    }
    screen(a, b);
}

/* Audit the withheld cells of one block into lo and hi (NaN on entry for
 * the cells to audit). */
static vemt_status audit_block(audit *a, const block *b, double *lo,
                               double *hi) {
    const unsigned char *check = a->opts->check;
    bool any = false, fast = !a->opts->exact;
    for (size_t k = 0; !any && k < b->ncells; k++) {
        size_t c = b->cells[k];
        any = a->kind[c] == CELL_HIDDEN && (!check || check[c]);
    }
    if (!any) return VEMT_OK;
    if (b->nsums == 0) { /* a lone cell in no published sum */
        a->stats.unbounded++;
        lo[b->cells[0]] = 0;
        hi[b->cells[0]] = (double)INFINITY;
        return VEMT_OK;
    }
    if (fast && a->seeded) {
        for (size_t x = 0; x < b->ncells; x++)
            a->pt[b->cells[x]] = a->opts->seed[b->cells[x]];
        screen(a, b);
        if (screened_all(a, b)) {
            take_screened(a, b, lo, hi);
            return VEMT_OK;
        }
    }
    glp_prob *lp = build_lp(a, b);
    if (!lp) return VEMT_E_NOMEM;
    a->stats.blocks++;
    vemt_status st = first_point(a, lp, b);
    if (st == VEMT_OK && fast) {
        screen(a, b);
        take_screened(a, b, lo, hi);
    }
    for (size_t k = 0; st == VEMT_OK && k < b->ncells; k++) {
        size_t c = b->cells[k];
        if (a->kind[c] != CELL_HIDDEN || (check && !check[c])) continue;
        if (!isnan(lo[c])) continue; /* screened */
        if (fast && wide(a, a->plo[c], a->phi[c])) {
            a->stats.screened++;
            lo[c] = a->plo[c];
            hi[c] = a->phi[c];
            continue;
        }
        st = optimise(a, lp, b, c, GLP_MAX, &hi[c]);
        if (st != VEMT_OK) break;
        if (fast) blend(a, lp, b);
        if (fast && wide(a, a->plo[c], hi[c])) {
            lo[c] = a->plo[c];
            continue;
        }
        st = optimise(a, lp, b, c, GLP_MIN, &lo[c]);
    }
    glp_delete_prob(lp);
    return st;
}

/* Every block in turn: cells and sums bucketed by their block's root. */
static vemt_status audit_blocks(audit *a, double *lo, double *hi) {
    size_t n = a->n;
    vemt_status st = VEMT_E_NOMEM;
    size_t *cstart = vemt_calloc(n + 1, sizeof *cstart);
    size_t *sstart = vemt_calloc(n + 1, sizeof *sstart);
    size_t *cells = vemt_calloc(n ? n : 1, sizeof *cells);
    size_t *sums = vemt_calloc(a->nsums ? a->nsums : 1, sizeof *sums);
    size_t *fill = vemt_calloc(n ? n : 1, sizeof *fill);
    if (!cstart || !sstart || !cells || !sums || !fill) goto done;
    /* Counting sort by root: cstart[r + 1] counts, then prefix sums. */
    for (size_t c = 0; c < n; c++)
        if (a->kind[c] != CELL_EXACT) cstart[a->root[c] + 1]++;
    for (size_t s = 0; s < a->nsums; s++)
        sstart[a->root[a->members[a->sums[s].first]] + 1]++;
    for (size_t r = 0; r < n; r++) {
        cstart[r + 1] += cstart[r];
        sstart[r + 1] += sstart[r];
    }
    for (size_t c = 0; c < n; c++) fill[c] = cstart[c];
    for (size_t c = 0; c < n; c++)
        if (a->kind[c] != CELL_EXACT) cells[fill[a->root[c]]++] = c;
    for (size_t c = 0; c < n; c++) fill[c] = sstart[c];
    for (size_t s = 0; s < a->nsums; s++)
        sums[fill[a->root[a->members[a->sums[s].first]]]++] = s;
    st = VEMT_OK;
    for (size_t r = 0; st == VEMT_OK && r < n; r++) {
        block b = {cells + cstart[r], cstart[r + 1] - cstart[r],
                   sums + sstart[r], sstart[r + 1] - sstart[r]};
        if (b.ncells) st = audit_block(a, &b, lo, hi);
    }
done:
    vemt_free(cstart);
    vemt_free(sstart);
    vemt_free(cells);
    vemt_free(sums);
    vemt_free(fill);
    return st;
}

static void audit_clear(audit *a) {
    vemt_free(a->kind);
    vemt_free(a->blo);
    vemt_free(a->bhi);
    vemt_free(a->sums);
    vemt_free(a->members);
    vemt_free(a->root);
    vemt_free(a->plo);
    vemt_free(a->phi);
    vemt_free(a->col);
    vemt_free(a->rsum);
    vemt_free(a->csum);
    vemt_free(a->pt);
    vemt_free(a->sup);
    vemt_free(a->sdown);
    vemt_free(a->top);
}

vemt_status vemt_audit_run(const vemt_audit_table *t, double protect,
                           const vemt_audit_opts *opts, double *lo, double *hi,
                           size_t *unprotected, vemt_audit_stats *stats) {
    static const vemt_audit_opts defaults = {0};
    if (!opts) opts = &defaults;
    if (stats) memset(stats, 0, sizeof *stats);
    if (!t || !lo || !hi || !unprotected || isnan(protect)) return VEMT_E_ARG;
    *unprotected = 0;
    size_t rows = t->rows, cols = t->cols, n = rows * cols;
    if (n == 0) return VEMT_OK;
    /* GLPK counts rows, columns and nonzeros (3 per cell) in an int. */
    if (!t->cells || n / rows != cols || n > (size_t)INT_MAX / 4)
        return VEMT_E_ARG;
    audit a = {.t = t, .opts = opts, .protect = protect, .n = n};
    size_t nsum = (t->row_tot ? rows : 0) + (t->col_tot ? cols : 0) + 1;
    a.kind = vemt_calloc(n, sizeof *a.kind);
    a.blo = vemt_calloc(n, sizeof *a.blo);
    a.bhi = vemt_calloc(n, sizeof *a.bhi);
    a.sums = vemt_calloc(nsum, sizeof *a.sums);
    a.members = vemt_calloc(3 * n, sizeof *a.members);
    a.root = vemt_calloc(n, sizeof *a.root);
    a.plo = vemt_calloc(n, sizeof *a.plo);
    a.phi = vemt_calloc(n, sizeof *a.phi);
    a.col = vemt_calloc(n, sizeof *a.col);
    a.rsum = vemt_calloc(rows, sizeof *a.rsum);
    a.csum = vemt_calloc(cols, sizeof *a.csum);
    a.pt = vemt_calloc(n, sizeof *a.pt);
    a.sup = vemt_calloc(nsum, sizeof *a.sup);
    a.sdown = vemt_calloc(nsum, sizeof *a.sdown);
    a.top = vemt_calloc((rows + cols) * TOP_LISTS, sizeof *a.top);
    a.tsum = NONE;
    vemt_status st = VEMT_E_NOMEM;
    if (!a.kind || !a.blo || !a.bhi || !a.sums || !a.members || !a.root ||
        !a.plo || !a.phi || !a.col || !a.rsum || !a.csum || !a.pt || !a.sup ||
        !a.sdown || !a.top)
        goto done;
    for (size_t r = 0; r < rows; r++) a.rsum[r] = NONE;
    for (size_t k = 0; k < cols; k++) a.csum[k] = NONE;
    st = build_sums(&a);
    if (st != VEMT_OK) goto done;
    /* Published cells get their own interval; withheld ones to audit NaN
     * until their block is audited, the others [0, inf). */
    memcpy(lo, a.blo, n * sizeof *lo);
    memcpy(hi, a.bhi, n * sizeof *hi);
    for (size_t c = 0; c < n; c++)
        if (a.kind[c] == CELL_HIDDEN && (!opts->check || opts->check[c]))
            lo[c] = hi[c] = (double)NAN;
    find_blocks(&a);
    use_seed(&a);
    st = audit_blocks(&a, lo, hi);
    if (st != VEMT_OK) goto done;
    for (size_t c = 0; c < n; c++) {
        bool audited = !opts->check || opts->check[c];
        bool bad =
            a.kind[c] == CELL_HIDDEN && audited && !wide(&a, lo[c], hi[c]);
        *unprotected += bad;
        if (opts->unprotected) opts->unprotected[c] = bad;
    }
done:
    if (stats) *stats = a.stats;
    audit_clear(&a);
    return st;
}

vemt_status vemt_disclosure_audit(const vemt_audit_table *t, double protect,
                                  double *lo, double *hi, size_t *unprotected) {
    return vemt_audit_run(t, protect, NULL, lo, hi, unprotected, NULL);
}
