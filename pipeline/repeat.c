/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file repeat.c
 * @brief Near repeats (Knox test), found-at hot spots at event and child
 * level, and co-location quotients, from the run's events and units.
 */
#include "pipeline/repeat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/log.h"

/* Co-location categories: found-at places and incidents. */
enum { CAT_FOUND = 0, CAT_INCIDENT = 1 };

void vemt_repeat_clear(vemt_repeat_result *r) {
    vemt_free(r->cells);
    vemt_free(r->n_found), vemt_free(r->n_children), vemt_free(r->gi_z),
        vemt_free(r->gi_p);
    vemt_free(r->child_z), vemt_free(r->child_p), vemt_free(r->gi_bin);
    vemt_free(r->clq_event), vemt_free(r->lclq), vemt_free(r->lclq_p),
        vemt_free(r->mean_lclq);
    memset(r, 0, sizeof *r);
}

static bool counted(const vemt_event *e, unsigned kinds) {
    return vemt_event_counted(e, kinds);
}

/* Knox (1964) test of the counted events known to the day or better, times
 * in days: pairs close in space and in time more often than the shuffled
 * times give (Johnson et al. 2007; NearRepeat's Monte Carlo). */
static vemt_status near_repeat(vemt_ctx *ctx, const vemt_job *a,
                               const vemt_events *ev,
                               const vemt_callbacks *info, vemt_params *params,
                               vemt_repeat_result *r) {
    const double *se = a->nr_space_m, *te = a->nr_time_days;
    size_t ns = a->n_nr_space, nt = a->n_nr_time, n = 0, month = 0;
    double *x = vemt_calloc(ev->n + 1, sizeof *x),
           *y = vemt_calloc(ev->n + 1, sizeof *y),
           *t = vemt_calloc(ev->n + 1, sizeof *t);
    /* Calendar time: gaps in calendar days unless both times are exact. */
    int32_t *date = vemt_calloc(ev->n + 1, sizeof *date);
    uint8_t *prec = vemt_calloc(ev->n + 1, sizeof *prec);
    vemt_status st = x && y && t && date && prec ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (!counted(e, a->kinds)) continue;
        if (e->precision == VEMT_PREC_MONTH) { /* a month says no day */
            month++;
            continue;
        }
        date[n] =
            vemt_event_date(a->tz, a->input_tz, e->start_utc, e->precision);
        prec[n] = e->precision;
        x[n] = e->x, y[n] = e->y, t[n++] = (double)e->start_utc / 86400.0;
    }
    if (!st && n < 2) {
        if (info)
            vemt_logf(info,
                      "near repeats: not tested: %zu events known to the "
                      "day\n",
                      n);
        vemt_free(x), vemt_free(y), vemt_free(t), vemt_free(date),
            vemt_free(prec);
        return VEMT_OK;
    }
    r->cells = st ? NULL : vemt_calloc((ns - 1) * (nt - 1), sizeof *r->cells);
    if (!st && !r->cells) st = VEMT_E_NOMEM;
    vemt_knox_opts o = {
        se,
        ns,
        te,
        nt,
        a->nr_euclidean ? VEMT_METRIC_EUCLIDEAN : VEMT_METRIC_MANHATTAN,
        {(size_t)a->permutations, a->seed, (unsigned)a->threads},
        date,
        prec,
        0}; /* the default pair limit */
    if (!st) st = vemt_knox_compute(ctx, x, y, t, n, &o, r->cells);
    vemt_free(x), vemt_free(y), vemt_free(t), vemt_free(date), vemt_free(prec);
    if (st == VEMT_E_ARG) { /* too many close pairs: narrower bands */
        if (info)
            vemt_logf(info,
                      "near repeats: not tested: %s (give narrower "
                      "--nr-space or --nr-time bands)\n",
                      vemt_ctx_error(ctx)->msg);
        return VEMT_OK;
    }
    if (st) return st;
    r->nr =
        (vemt_near_repeat_out){r->cells, ns - 1, nt - 1,
                               a->nr_euclidean ? "euclidean" : "manhattan", n};
    r->have_nr = true;
    vemt_params_add_text(params, "nr_space_m", "given", a->nr_space);
    vemt_params_add_text(params, "nr_time_days", "given", a->nr_time);
    vemt_params_add_text(params, "nr_distance",
                         a->nr_euclidean ? "given" : "default", r->nr.metric);
    if (info) {
        size_t sig = 0;
        for (size_t k = 0; k < (ns - 1) * (nt - 1); k++)
            sig += r->cells[k].p <= 0.05 && r->cells[k].ratio > 1;
        vemt_logf(info,
                  "near repeats: Knox test of %zu events (%zu with month-only "
                  "times left out): %zu of %zu band pairs above chance at "
                  "p <= 0.05\n",
                  n, month, sig, (ns - 1) * (nt - 1));
    }
    return VEMT_OK;
}

/* Each child's distinct units of its found-at events, as CSR lists. By the
 * engine's rule of distinct subjects (vemt_subjects_count), an event
 * without a subject key is of an unknown child: left out of the child
 * counts and the child-level test (counted in *unknown). */
typedef struct found_child {
    const char *key;
    size_t event, unit;
} found_child;

static int by_child(const void *p, const void *q) {
    const found_child *a = p, *b = q;
    int c = strcmp(a->key, b->key);
    if (c) return c;
    return (a->unit > b->unit) - (a->unit < b->unit);
}

/* One child's run of fc (sorted by key, unit) and its first event. */
typedef struct child_span {
    size_t begin, end, first_event;
} child_span;

static int by_first_event(const void *p, const void *q) {
    const child_span *a = p, *b = q;
    return (a->first_event > b->first_event) -
           (a->first_event < b->first_event);
}

static vemt_status child_lists(const vemt_events *ev, const vemt_units *g,
                               size_t **start, size_t **units, size_t *nc,
                               size_t *unknown) {
    found_child *fc = vemt_calloc(ev->n + 1, sizeof *fc);
    *start = vemt_calloc(ev->n + 2, sizeof **start);
    *units = vemt_calloc(ev->n + 1, sizeof **units);
    if (!fc || !*start || !*units) {
        vemt_free(fc);
        return VEMT_E_NOMEM;
    }
    size_t m = 0, k = 0;
    *nc = *unknown = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        size_t u;
        if (!counted(e, 1u << VEMT_KIND_FOUND_AT) ||
            !vemt_units_locate(g, e->x, e->y, &u))
            continue;
        if (e->subject_key[0])
            fc[m++] = (found_child){e->subject_key, i, u};
        else
            (*unknown)++;
    }
    qsort(fc, m, sizeof *fc, by_child);
    /* Children in the order of their first found-at event in the input,
     * not of their keys: the permutation draws child c's stream, and keys
     * are keyed pseudonyms (a random key a run), so key order would give
     * other p-values for the same data. */
    child_span *cs = vemt_calloc(m + 1, sizeof *cs);
    if (!cs) {
        vemt_free(fc);
        return VEMT_E_NOMEM;
    }
    size_t n_spans = 0;
    for (size_t i = 0; i < m; i++) {
        if (i == 0 || strcmp(fc[i].key, fc[i - 1].key))
            cs[n_spans++] = (child_span){i, i, fc[i].event};
        child_span *c = &cs[n_spans - 1];
        c->end = i + 1;
        if (fc[i].event < c->first_event) c->first_event = fc[i].event;
    }
    qsort(cs, n_spans, sizeof *cs, by_first_event);
    for (size_t c = 0; c < n_spans; c++) {
        (*start)[(*nc)++] = k;
        for (size_t i = cs[c].begin; i < cs[c].end; i++)
            if (i == cs[c].begin || fc[i].unit != fc[i - 1].unit)
                (*units)[k++] = fc[i].unit;
    }
    (*start)[*nc] = k;
    vemt_free(cs);
    vemt_free(fc);
    return VEMT_OK;
}

/* Found-at hot spots: Gi* of the events per unit (FDR bins) beside the
 * child-level test whose null moves whole children (engine/childperm.c),
 * so one child found many times in one place can't make a hot spot. */
static vemt_status found_hotspots(vemt_ctx *ctx, const vemt_job *a,
                                  const vemt_events *ev, const vemt_units *g,
                                  const vemt_weights *w,
                                  const vemt_callbacks *info,
                                  vemt_repeat_result *r) {
    size_t n = vemt_units_count(g), nc = 0, *start = NULL, *units = NULL;
    size_t k = n ? n : 1, unknown = 0;
    r->n_found = vemt_calloc(k, sizeof *r->n_found);
    r->n_children = vemt_calloc(k, sizeof *r->n_children);
    r->gi_z = vemt_calloc(k, sizeof *r->gi_z),
    r->gi_p = vemt_calloc(k, sizeof *r->gi_p);
    r->child_z = vemt_calloc(k, sizeof *r->child_z);
    r->child_p = vemt_calloc(k, sizeof *r->child_p);
    r->gi_bin = vemt_calloc(k, sizeof *r->gi_bin);
    double *xy = vemt_calloc(2 * k, sizeof *xy);
    vemt_status st = r->n_found && r->n_children && r->gi_z && r->gi_p &&
                             r->child_z && r->child_p && r->gi_bin && xy
                         ? VEMT_OK
                         : VEMT_E_NOMEM;
    size_t found = 0;
    if (!st)
        found = vemt_units_count_events(g, ev, 1u << VEMT_KIND_FOUND_AT,
                                        r->n_found);
    if (!st && (found < 2 || n < 2)) {
        if (info)
            vemt_logs(info,
                      "found-at hot spots: not tested: too few found-at "
                      "events\n");
        vemt_free(xy);
        return VEMT_OK;
    }
    if (!st) st = vemt_gistar_compute(ctx, w, r->n_found, n, r->gi_z, r->gi_p);
    if (!st)
        st = vemt_significance_bins(r->gi_z, r->gi_p, n, a->fdr, r->gi_bin);
    if (!st) st = child_lists(ev, g, &start, &units, &nc, &unknown);
    if (!st) vemt_units_centres(g, xy);
    vemt_child_units cu = {nc, start, units};
    vemt_perm_opts po = {(size_t)a->permutations, a->seed,
                         (unsigned)a->threads};
    if (!st)
        st = vemt_gistar_child_permute(ctx, w, xy, n, &cu, &po, r->n_children,
                                       r->child_z, r->child_p);
    vemt_free(xy), vemt_free(start), vemt_free(units);
    if (st) return st;
    r->found = (vemt_found_out){r->n_found, r->n_children, r->gi_z,    r->gi_p,
                                r->gi_bin,  r->child_z,    r->child_p, NULL};
    r->have_found = true;
    if (info) {
        size_t hot = 0, child_sig = 0;
        for (size_t i = 0; i < n; i++) {
            hot += r->gi_bin[i] >= 2;
            child_sig += r->gi_bin[i] >= 2 && r->child_p[i] <= 0.05;
        }
        vemt_logf(
            info,
            "found-at hot spots: %zu units at 95 %% or more (events), %zu "
            "of them also at child level (%zu children; %zu found-at "
            "events without a subject key left out as unknown)\n",
            hot, child_sig, nc, unknown);
    }
    return VEMT_OK;
}

/* Local co-location quotients (Cromley, Hanink & Bentlage 2014) of
 * incidents around found-at places and the reverse, with the global
 * quotients. */
static vemt_status colocation(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_events *ev, const vemt_callbacks *info,
                              vemt_params *params, vemt_repeat_result *r) {
    size_t n = 0, nf = 0;
    unsigned kinds = (1u << VEMT_KIND_FOUND_AT) | (1u << VEMT_KIND_INCIDENT);
    double *xy = vemt_calloc(2 * (ev->n + 1), sizeof *xy);
    int32_t *cat = vemt_calloc(ev->n + 1, sizeof *cat);
    r->clq_event = vemt_calloc(ev->n + 1, sizeof *r->clq_event);
    r->lclq = vemt_calloc(ev->n + 1, sizeof *r->lclq);
    r->lclq_p = vemt_calloc(ev->n + 1, sizeof *r->lclq_p);
    double *l2 = vemt_calloc(ev->n + 1, sizeof *l2),
           *p2 = vemt_calloc(ev->n + 1, sizeof *p2);
    vemt_status st =
        xy && cat && r->clq_event && r->lclq && r->lclq_p && l2 && p2
            ? VEMT_OK
            : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (!counted(e, kinds)) continue;
        xy[2 * n] = e->x, xy[2 * n + 1] = e->y;
        cat[n] = e->kind == VEMT_KIND_FOUND_AT ? CAT_FOUND : CAT_INCIDENT;
        nf += cat[n] == CAT_FOUND;
        r->clq_event[n++] = i;
    }
    size_t k = (size_t)a->clq_k;
    if (!st && (nf < 2 || n - nf < 2 || n <= k)) {
        if (info)
            vemt_logs(info,
                      "co-location: not measured: too few found-at places "
                      "or incidents\n");
        vemt_free(xy), vemt_free(cat), vemt_free(l2), vemt_free(p2);
        return VEMT_OK;
    }
    vemt_clq_opts o = {
        k, {(size_t)a->permutations, a->seed, (unsigned)a->threads}};
    vemt_colocation_out *c = &r->clq;
    if (!st)
        st = vemt_clq_local(ctx, xy, cat, n, CAT_FOUND, CAT_INCIDENT, &o,
                            r->lclq, r->lclq_p);
    if (!st)
        st = vemt_clq_local(ctx, xy, cat, n, CAT_INCIDENT, CAT_FOUND, &o, l2,
                            p2);
    /* One row per point: found-at places carry found-at -> incident, the
     * incidents incident -> found-at. */
    for (size_t i = 0; !st && i < n; i++)
        if (cat[i] == CAT_INCIDENT) r->lclq[i] = l2[i], r->lclq_p[i] = p2[i];
    if (!st)
        st = vemt_clq_global(ctx, xy, cat, n, CAT_FOUND, CAT_INCIDENT, &o,
                             &c->global_fi, &c->global_fi_p);
    if (!st)
        st = vemt_clq_global(ctx, xy, cat, n, CAT_INCIDENT, CAT_FOUND, &o,
                             &c->global_if, &c->global_if_p);
    vemt_free(xy), vemt_free(cat), vemt_free(l2), vemt_free(p2);
    if (st) return st;
    c->n = n;
    c->event = r->clq_event;
    c->lclq = r->lclq;
    c->p = r->lclq_p;
    r->have_clq = true;
    vemt_params_add(params, "clq_k", a->clq_k == 8 ? "default" : "given",
                    (double)a->clq_k);
    if (info)
        vemt_logf(info,
                  "co-location: incidents around found-at places CLQ %.2f (p = "
                  "%.3f), found-at places around incidents %.2f (p = %.3f)\n",
                  c->global_fi, c->global_fi_p, c->global_if, c->global_if_p);
    return VEMT_OK;
}

/* The co-location quotients aggregated to units: the mean quotient of
 * incidents around the found-at places of each unit (found_hotspots). */
static vemt_status clq_by_unit(const vemt_events *ev, const vemt_units *g,
                               vemt_repeat_result *r) {
    size_t n = vemt_units_count(g);
    double *sum = vemt_calloc(n ? n : 1, sizeof *sum);
    r->mean_lclq = vemt_calloc(n ? n : 1, sizeof *r->mean_lclq);
    if (!sum || !r->mean_lclq) {
        vemt_free(sum);
        return VEMT_E_NOMEM;
    }
    for (size_t k = 0; k < r->clq.n; k++) {
        const vemt_event *e = &ev->items[r->clq.event[k]];
        size_t u;
        if (e->kind != VEMT_KIND_FOUND_AT || isnan(r->lclq[k]) ||
            !vemt_units_locate(g, e->x, e->y, &u))
            continue;
        sum[u] += r->lclq[k];
        r->mean_lclq[u] += 1; /* count first, mean below */
    }
    for (size_t u = 0; u < n; u++)
        r->mean_lclq[u] =
            r->mean_lclq[u] > 0 ? sum[u] / r->mean_lclq[u] : (double)NAN;
    vemt_free(sum);
    r->found.mean_lclq = r->mean_lclq;
    return VEMT_OK;
}

vemt_status vemt_repeat_run(vemt_ctx *ctx, const vemt_job *a,
                            const vemt_events *events, const vemt_units *grid,
                            const vemt_weights *w, const vemt_callbacks *info,
                            vemt_params *params, vemt_repeat_result *r) {
    memset(r, 0, sizeof *r);
    if (a->permutations == 0) { /* all three are permutation tests */
        if (info)
            vemt_logs(info,
                      "near repeats, child-level found-at hot spots, "
                      "co-location: not tested (--permutations 0)\n");
        return VEMT_OK;
    }
    vemt_status st = VEMT_OK;
    if (!a->no_near_repeat) st = near_repeat(ctx, a, events, info, params, r);
    if (!st) st = found_hotspots(ctx, a, events, grid, w, info, r);
    if (!st) st = colocation(ctx, a, events, info, params, r);
    if (!st && r->have_found && r->have_clq) st = clq_by_unit(events, grid, r);
    return st;
}
