/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file clusters.c
 * @brief The cluster and density stage: DBSCAN, ST-DBSCAN and HDBSCAN of
 * the events, their outlines and attributes, and the kernel density
 * surface (of the events, or of published counts outside the restricted
 * tier).
 */
#include "pipeline/clusters.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "disclosure/disclosure.h"
#include "engine/alloc.h"
#include "pipeline/log.h"
#include "pipeline/options.h"

/* HDBSCAN's Prim over mutual reachability takes seconds per 100,000
 * points; past this it runs only when --clusters names it. */
#define HDBSCAN_DEFAULT_MAX 200000

static const char method_names[][12] = {"dbscan", "st-dbscan", "hdbscan"};

void vemt_clusters_result_clear(vemt_cluster_result *r) {
    for (int m = 0; m < VEMT_CLUSTER_METHODS; m++) {
        vemt_clusters_clear(&r->clusters[m]);
        vemt_free(r->labels[m]);
        vemt_free(r->n_subjects[m]);
    }
    vemt_free(r->prob);
    vemt_free(r->alerts);
    vemt_raster_clear(&r->raster);
    memset(r, 0, sizeof *r);
}

/* Distinct subjects of each cluster, by the engine's one rule
 * (vemt_subjects_count: exact keys; events without a key are unknown
 * subjects, not counted). */
static double *cluster_subjects(const vemt_events *events,
                                const vemt_event_points *ep,
                                const int32_t *labels, size_t k) {
    double *out = vemt_calloc(k ? k : 1, sizeof *out);
    vemt_subject_pair *mem = vemt_calloc(ep->n ? ep->n : 1, sizeof *mem);
    size_t m = 0;
    for (size_t i = 0; out && mem && i < ep->n; i++)
        if (labels[i] >= 0)
            mem[m++] = (vemt_subject_pair){
                (size_t)labels[i], events->items[ep->event[i]].subject_key};
    if (!mem || vemt_subjects_count(mem, m, out, k, NULL)) {
        vemt_free(out);
        out = NULL;
    }
    vemt_free(mem);
    return out;
}

/* Labels per event from labels per point (others: VEMT_LABEL_EXCLUDED). */
static int32_t *event_labels(const vemt_events *events,
                             const vemt_event_points *ep,
                             const int32_t *labels) {
    int32_t *out = vemt_malloc((events->n ? events->n : 1) * sizeof *out);
    for (size_t e = 0; out && e < events->n; e++) out[e] = VEMT_LABEL_EXCLUDED;
    for (size_t i = 0; out && i < ep->n; i++) out[ep->event[i]] = labels[i];
    return out;
}

/* n with thousands separators ("92,568"). */
static void thousands(double n, char *buf, size_t size) {
    char d[32];
    snprintf(d, sizeof d, "%.0f", n);
    size_t len = strlen(d), k = 0;
    for (size_t i = 0; i < len && k + 2 < size; i++) {
        if (i && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = d[i];
    }
    buf[k] = '\0';
}

/* The options that make a method's clusters smaller. */
static void advice(const vemt_job *a, int m, char *buf, size_t size) {
    if (m == VEMT_CLUSTER_HDBSCAN)
        snprintf(buf, size,
                 "raise --min-cluster-size (now %ld) or --min-samples (now "
                 "%ld)",
                 a->min_cluster_size,
                 a->min_samples ? a->min_samples : a->min_cluster_size);
    else
        snprintf(buf, size,
                 "lower --eps (now %g m)%s or raise --min-points (now %ld)",
                 a->eps_m, m == VEMT_CLUSTER_STDBSCAN ? " or --time-eps" : "",
                 a->min_points);
}

/* A warning when one cluster holds more than half the events the method
 * was given or its outline covers more than a quarter of the study area
 * (without one, of the events' extent): such a "cluster" is the whole
 * pattern, not a place to act on. Logged at VEMT_LOG_WARNING by the caller
 * (r->alerts), in the report and in the provenance (r->warnings). Returns
 * VEMT_E_NOMEM when the line can't be kept. */
static vemt_status warn_giant(const vemt_job *a, int m, const vemt_clusters *cs,
                              size_t given, double area_m2,
                              const char *area_what, vemt_cluster_result *r) {
    size_t big = SIZE_MAX, wide = SIZE_MAX;
    for (size_t c = 0; c < cs->n; c++) {
        if (big == SIZE_MAX || cs->items[c].n_events > cs->items[big].n_events)
            big = c;
        if (wide == SIZE_MAX || cs->items[c].area_m2 > cs->items[wide].area_m2)
            wide = c;
    }
    if (big == SIZE_MAX || !given) return VEMT_OK;
    bool many = 2.0 * (double)cs->items[big].n_events > (double)given;
    bool broad = area_m2 > 0 && 4.0 * cs->items[wide].area_m2 > area_m2;
    if (!many && !broad) return VEMT_OK;
    const vemt_cluster *c = &cs->items[many ? big : wide];
    char n[32], of[32], km2[32], adv[160], line[600];
    thousands((double)c->n_events, n, sizeof n);
    thousands((double)given, of, sizeof of);
    if (c->area_m2 < 1e7)
        snprintf(km2, sizeof km2, "%.2f", c->area_m2 / 1e6);
    else
        thousands(c->area_m2 / 1e6, km2, sizeof km2);
    advice(a, m, adv, sizeof adv);
    snprintf(line, sizeof line,
             "%s: one cluster holds %s of %s events (%.1f %%) over %s km2 "
             "(%.0f %% of %s): %s",
             method_names[m], n, of,
             100.0 * (double)c->n_events / (double)given, km2,
             area_m2 > 0 ? 100.0 * c->area_m2 / area_m2 : 0.0, area_what, adv);
    size_t had = r->alerts ? strlen(r->alerts) : 0;
    vemt_alerts_add(&r->alerts, line);
    if ((r->alerts ? strlen(r->alerts) : 0) == had) return VEMT_E_NOMEM;
    size_t used = strlen(r->warnings);
    snprintf(r->warnings + used, sizeof r->warnings - used, "%s%s.",
             used ? " " : "", line);
    return VEMT_OK;
}

/* One method over the points: labels, outlines, subjects, the set. */
static vemt_status one_method(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_events *events,
                              const vemt_event_points *ep,
                              const vemt_study_area *area, int m,
                              vemt_cluster_result *r,
                              const vemt_callbacks *info) {
    vemt_points pts = vemt_event_points_view(ep);
    int32_t *labels = vemt_calloc(ep->n, sizeof *labels);
    double *prob =
        m == VEMT_CLUSTER_HDBSCAN ? vemt_calloc(ep->n, sizeof *prob) : NULL;
    if (!labels || (m == VEMT_CLUSTER_HDBSCAN && !prob)) {
        vemt_free(labels), vemt_free(prob);
        return VEMT_E_NOMEM;
    }
    size_t k = 0;
    vemt_status st;
    if (m == VEMT_CLUSTER_HDBSCAN) {
        vemt_hdbscan_opts o = {(size_t)a->min_cluster_size,
                               (size_t)a->min_samples};
        st = vemt_hdbscan_compute(ctx, &pts, &o, labels, prob, NULL, &k, NULL);
    } else {
        bool st_dbscan = m == VEMT_CLUSTER_STDBSCAN;
        int32_t *date =
            st_dbscan ? vemt_event_points_dates(ep, a->tz, a->input_tz) : NULL;
        vemt_dbscan_opts o = {a->eps_m,       (size_t)a->min_points,
                              st_dbscan,      (int64_t)a->time_eps_s,
                              a->dbscan_star, date,
                              false};
        st = st_dbscan && !date
                 ? VEMT_E_NOMEM
                 : vemt_dbscan_compute(ctx, &pts, &o, labels, NULL, &k);
        vemt_free(date);
    }
    vemt_outline_opts oo = {a->convex ? VEMT_HULL_CONVEX : VEMT_HULL_CONCAVE,
                            a->concave_ratio, 0, a->patrol_hours, a->tz};
    if (!st)
        st =
            vemt_clusters_summarise(ctx, &pts, labels, k, &oo, &r->clusters[m]);
    size_t noise = 0, excluded = 0;
    for (size_t i = 0; i < ep->n; i++) {
        noise += labels[i] == VEMT_LABEL_NOISE;
        excluded += labels[i] == VEMT_LABEL_EXCLUDED;
    }
    if (!st && !(r->labels[m] = event_labels(events, ep, labels)))
        st = VEMT_E_NOMEM;
    if (!st && !(r->n_subjects[m] = cluster_subjects(events, ep, labels, k)))
        st = VEMT_E_NOMEM;
    if (!st && prob) {
        r->prob = vemt_malloc((events->n ? events->n : 1) * sizeof *r->prob);
        for (size_t e = 0; r->prob && e < events->n; e++) r->prob[e] = NAN;
        for (size_t i = 0; r->prob && i < ep->n; i++)
            r->prob[ep->event[i]] = prob[i];
        if (!r->prob) st = VEMT_E_NOMEM;
    }
    vemt_free(labels), vemt_free(prob);
    if (st) return st;
    if (m == VEMT_CLUSTER_STDBSCAN) r->st_excluded = excluded;
    double area_m2 = area ? vemt_study_area_m2(area) : 0;
    if (!area && ep->n) {
        vemt_bbox b = {ep->x[0], ep->y[0], ep->x[0], ep->y[0]};
        for (size_t i = 1; i < ep->n; i++) {
            b.xmin = fmin(b.xmin, ep->x[i]), b.xmax = fmax(b.xmax, ep->x[i]);
            b.ymin = fmin(b.ymin, ep->y[i]), b.ymax = fmax(b.ymax, ep->y[i]);
        }
        area_m2 = (b.xmax - b.xmin) * (b.ymax - b.ymin);
    }
    st = warn_giant(a, m, &r->clusters[m], ep->n - excluded, area_m2,
                    area ? "the study area" : "the events' extent", r);
    if (st) return st;
    r->sets[r->n_sets++] = (vemt_cluster_set){
        method_names[m], &r->clusters[m], r->n_subjects[m], r->labels[m],
        m == VEMT_CLUSTER_HDBSCAN ? r->prob : NULL};
    if (info) {
        vemt_logf(info, "clusters (%s): %zu, %zu of %zu events in none",
                  method_names[m], k, noise, ep->n);
        if (excluded)
            vemt_logf(info, ", %zu with month-only times left out", excluded);
        vemt_logs(info, "\n");
    }
    return VEMT_OK;
}

/* Outlines of clusters too big to outline from every location (over
 * 10,000: engine/outline.c) come from a bounded subset; the largest
 * distance any event can be from its outline is logged and recorded. */
static void bounded_outlines(const vemt_clusters *cs, int m,
                             const vemt_callbacks *info, vemt_params *params) {
    double tol = 0;
    size_t big = 0;
    for (size_t c = 0; c < cs->n; c++)
        if (cs->items[c].outline_tol_m > 0) {
            big++;
            tol = fmax(tol, cs->items[c].outline_tol_m);
        }
    if (!big) return;
    char name[40];
    snprintf(name, sizeof name, "%s_outline_tolerance_m", method_names[m]);
    vemt_params_add(params, name, "automatic", tol);
    if (info)
        vemt_logf(info,
                  "clusters (%s): %zu outline%s made from a bounded sample of "
                  "locations (over 10,000): every event inside or at most "
                  "%.0f m outside its outline\n",
                  method_names[m], big, big == 1 ? "" : "s", tol);
}

static const char *how_number(const vemt_job *a, const char *opt) {
    return vemt_job_number_given(a, opt) ? "given" : "default";
}

static void record(const vemt_job *a, vemt_params *params) {
    const char *how = a->clusters_given ? "given" : "default";
    char list[64] = "";
    for (int m = 0; m < VEMT_CLUSTER_METHODS; m++)
        if (a->cluster_methods & (1u << m))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     list[0] ? "," : "", method_names[m]);
    vemt_params_add_text(params, "clusters", how, list[0] ? list : "none");
    if (!a->cluster_methods) return;
    vemt_params_add(params, "eps_m", how_number(a, "--eps"), a->eps_m);
    vemt_params_add(params, "min_points", how_number(a, "--min-points"),
                    (double)a->min_points);
    vemt_params_add(params, "time_eps_s", how_number(a, "--time-eps"),
                    a->time_eps_s);
    vemt_params_add_text(params, "dbscan_border_points",
                         a->dbscan_star ? "given" : "default",
                         a->dbscan_star ? "noise (DBSCAN*)"
                                        : "join the first cluster reaching "
                                          "them; a cluster left below "
                                          "min_points joins those clusters");
    vemt_params_add(params, "min_cluster_size",
                    how_number(a, "--min-cluster-size"),
                    (double)a->min_cluster_size);
    vemt_params_add(
        params, "min_samples", a->min_samples ? "given" : "default",
        (double)(a->min_samples ? a->min_samples : a->min_cluster_size));
    char hull[40];
    if (a->convex)
        snprintf(hull, sizeof hull, "convex hull");
    else
        snprintf(hull, sizeof hull, "concave hull, ratio %.3g",
                 a->concave_ratio);
    vemt_params_add_text(
        params, "cluster_outline",
        a->convex || vemt_job_number_given(a, "--concave-ratio") ? "given"
                                                                 : "default",
        hull);
}

static const char kernel_names[][16] = {"quartic", "Epanechnikov", "triangular",
                                        "uniform", "Gaussian"};

/* The density of the events (restricted) or of the published cell counts
 * at cell centres (partner, public). */
static vemt_status density(vemt_ctx *ctx, const vemt_job *a,
                           const vemt_event_points *ep,
                           const vemt_study_area *area, const vemt_units *grid,
                           const double *cells, const vemt_callbacks *info,
                           vemt_params *params, vemt_cluster_result *r) {
    vemt_points pts = vemt_event_points_view(ep);
    double *w = NULL, *x = NULL, *y = NULL;
    const char *what = "the events";
    const vemt_tier_rules *rules = vemt_tier_rules_get((vemt_tier)a->tier);
    if (!rules->exact_locations) {
        double cell = vemt_units_cell_m(grid);
        if (!(cell >= rules->density_min_cell_m)) {
            if (info)
                vemt_logf(info,
                          "density: not made in the %s tier (it needs grid "
                          "cells of %.0f m or more)\n",
                          vemt_tier_name(rules->tier),
                          rules->density_min_cell_m);
            return VEMT_OK;
        }
        size_t n = vemt_units_count(grid);
        x = vemt_calloc(n, sizeof *x), y = vemt_calloc(n, sizeof *y);
        w = vemt_calloc(n, sizeof *w);
        if (!x || !y || !w) {
            vemt_free(x), vemt_free(y), vemt_free(w);
            return VEMT_E_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            vemt_units_centre(grid, i, &x[i], &y[i]);
            w[i] = isnan(cells[i]) ? 0 : cells[i]; /* withheld: nothing */
        }
        pts = (vemt_points){n, x, y, NULL, NULL, w};
        what = "the published cell counts at the cell centres";
    }
    /* The bandwidth once: given, or the k-nearest-neighbour rule (none for
     * fewer than two distinct locations, and then no surface). */
    char rule_h[300] = "", rule[300] = "";
    double h = a->kde_bandwidth_m;
    if (h <= 0 &&
        vemt_kde_auto_bandwidth(ctx, &pts, &h, rule_h, sizeof rule_h)) {
        vemt_free(x), vemt_free(y), vemt_free(w);
        return vemt_ctx_fail(ctx, VEMT_E_NOMEM, "out of memory");
    }
    if (h <= 0) {
        if (info)
            vemt_logs(info,
                      "density: not made: too few distinct locations for an "
                      "automatic bandwidth (give --kde-bandwidth)\n");
        vemt_free(x), vemt_free(y), vemt_free(w);
        return VEMT_OK;
    }
    vemt_bbox box =
        area ? vemt_study_area_bbox(area) : (vemt_bbox){0, 0, -1, -1};
    vemt_kde_opts o = {(vemt_kernel)a->kde_kernel, h, a->kde_pixel_m,
                       area ? &box : NULL};
    vemt_status st =
        vemt_kde_compute(ctx, &pts, &o, &r->raster, &h, rule, sizeof rule);
    vemt_free(x), vemt_free(y), vemt_free(w);
    if (st) return st;
    snprintf(r->density_desc, sizeof r->density_desc,
             "Kernel density of %s in events per km2: %s kernel, bandwidth "
             "%.0f m%s, pixel %.0f m. %s%s%s",
             what, kernel_names[a->kde_kernel], h,
             a->kde_bandwidth_m > 0 ? " (given)" : " (automatic)",
             r->raster.pixel_m, rule_h, rule_h[0] && rule[0] ? "; " : "", rule);
    r->density = (vemt_density_out){&r->raster, r->density_desc};
    vemt_params_add_text(params, "kde", "automatic", r->density_desc);
    bool given = a->kde_bandwidth_m > 0;
    vemt_params_add(params, "kde_bandwidth_m", given ? "given" : "automatic",
                    h);
    if (!given)
        vemt_params_add_text(params, "kde_bandwidth_rule", "automatic", rule_h);
    /* The rule without its leading "bandwidth N m: ". */
    const char *why = strstr(rule_h, ": ");
    if (info)
        vemt_logf(info,
                  "density: %s kernel, bandwidth %.0f m (%s%s), %d x %d "
                  "pixels of %.0f m\n",
                  kernel_names[a->kde_kernel], h,
                  given ? "given" : "automatic: ",
                  given ? ""
                  : why ? why + 2
                        : rule_h,
                  r->raster.ncol, r->raster.nrow, r->raster.pixel_m);
    return VEMT_OK;
}

vemt_status vemt_clusters_run(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_events *events,
                              const vemt_study_area *area,
                              const vemt_units *grid, const double *cells,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_cluster_result *r) {
    memset(r, 0, sizeof *r);
    vemt_event_points ep;
    vemt_status st = vemt_event_points_fill(events, a->kinds, true, &ep);
    if (st) return st;
    /* Clusters sit on event coordinates: restricted only. */
    const vemt_tier_rules *rules = vemt_tier_rules_get((vemt_tier)a->tier);
    if (rules->exact_locations) {
        record(a, params);
        for (int m = 0; !st && m < VEMT_CLUSTER_METHODS; m++) {
            if (!(a->cluster_methods & (1u << m)) || ep.n == 0) continue;
            if (m == VEMT_CLUSTER_HDBSCAN && !a->clusters_given &&
                ep.n > HDBSCAN_DEFAULT_MAX) {
                if (info)
                    vemt_logf(info,
                              "clusters (hdbscan): not run on %zu events by "
                              "default (name it in --clusters to run it)\n",
                              ep.n);
                continue;
            }
            st = one_method(ctx, a, events, &ep, area, m, r, info);
            if (!st) bounded_outlines(&r->clusters[m], m, info, params);
        }
    }
    if (r->warnings[0])
        vemt_params_add_text(params, "cluster_warnings", "automatic",
                             r->warnings);
    if (!st && !a->no_kde && (ep.n > 0 || !rules->exact_locations))
        st = density(ctx, a, &ep, area, grid, cells, info, params, r);
    vemt_event_points_clear(&ep);
    return st;
}
