/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file scan.c
 * @brief The space-time permutation scan stage: which events, which
 * units, which steps, and the clusters told for people.
 */
#include "pipeline/scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/publish.h"

void vemt_scan_stage_clear(vemt_scan_stage *s) {
    if (!s) return;
    vemt_scan_result_clear(&s->res);
    vemt_free(s->rows);
    memset(s, 0, sizeof *s);
}

/* Vertices of the circle outputs/layers.c draws (the closing one apart). */
#define DRAWN_SIDES 64

/* The radius the circle of a cluster is drawn with: through the far side of
 * its farthest member (half a cell's diagonal, or a polygon unit's radius
 * of equal area), and never smaller in area, as the 64-gon drawn, than the
 * tier's smallest unit. */
static double drawn_radius(const vemt_units *grid, const vemt_scan_result *res,
                           const vemt_scan_cluster *k,
                           const vemt_tier_rules *rules) {
    double reach = 0;
    double cell = vemt_units_cell_m(grid);
    if (cell > 0 && !vemt_units_polygons(grid))
        reach = cell * 0.7071067811865476;
    else
        for (uint32_t j = 0; j < k->n_members; j++) {
            double m2 = vemt_units_m2(grid, res->members[k->first_member + j]);
            double r = sqrt(m2 / 3.141592653589793);
            if (r > reach) reach = r;
        }
    double radius = k->radius + reach;
    double min_m2 = vemt_disclosure_min_area(rules);
    /* A regular 64-gon of circumradius R has area 32 R^2 sin(2 pi / 64). */
    double polygon = 0.5 * DRAWN_SIDES * sin(6.283185307179586 / DRAWN_SIDES);
    double least = sqrt(min_m2 / polygon) * 1.001;
    return radius > least ? radius : least;
}

/* The events of the scan: counted (kind, located in the study area, not
 * left out), in a unit, wholly inside one step; which event each is in
 * *which. */
static vemt_status collect(const vemt_job *a, const vemt_units *grid,
                           const vemt_events *events, const vemt_cube *cube,
                           vemt_scan_stage *s, uint32_t **loc, uint32_t **step,
                           size_t **which) {
    *loc = vemt_calloc(events->n ? events->n : 1, sizeof **loc);
    *step = vemt_calloc(events->n ? events->n : 1, sizeof **step);
    *which = vemt_calloc(events->n ? events->n : 1, sizeof **which);
    if (!*loc || !*step || !*which) return VEMT_E_NOMEM;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *e = &events->items[i];
        size_t u;
        if (!vemt_event_counted(e, a->kinds) ||
            !vemt_units_locate(grid, e->x, e->y, &u))
            continue;
        long t = vemt_cube_event_step(cube, e);
        if (t == VEMT_CUBE_SPANS) s->n_spread++;
        if (t < 0) {
            s->n_outside += t == VEMT_CUBE_OUTSIDE;
            continue;
        }
        (*which)[s->n_events] = i;
        (*loc)[s->n_events] = (uint32_t)u;
        (*step)[s->n_events++] = (uint32_t)t;
    }
    return VEMT_OK;
}

static int by_key(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the tier keeps cluster k back: outside the restricted tier a
 * cluster is published only as its units' counts would be, with at least
 * the threshold's events and distinct subjects (events without a key
 * counted as one) and no subject giving more than the dominance share
 * (vemt_disclosure_dominated). keys has room for every event scanned. */
static bool withheld(const vemt_tier_rules *rules, const vemt_scan_result *res,
                     const vemt_scan_cluster *k, const vemt_events *events,
                     const uint32_t *loc, const uint32_t *step,
                     const size_t *which, size_t n, bool *member,
                     const char **keys) {
    if (!(rules->threshold > 0)) return false;
    if (k->observed < rules->threshold) return true;
    for (uint32_t j = 0; j < k->n_members; j++)
        member[res->members[k->first_member + j]] = true;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (member[loc[i]] && step[i] >= k->first_step &&
            step[i] <= k->last_step)
            keys[m++] = events->items[which[i]].subject_key;
    for (uint32_t j = 0; j < k->n_members; j++)
        member[res->members[k->first_member + j]] = false;
    qsort(keys, m, sizeof *keys, by_key);
    double subjects = 0, top = 0, run = 0;
    for (size_t i = 0; i < m; i++) {
        bool same = i > 0 && !strcmp(keys[i], keys[i - 1]);
        run = same ? run + 1 : 1;
        subjects += !same;
        if (run > top) top = run;
    }
    return vemt_disclosure_dominated(rules, (double)m, subjects, top);
}

static vemt_status make_rows(const vemt_job *a, const vemt_units *grid,
                             const vemt_cube *cube, const vemt_names *names,
                             const vemt_events *events, const uint32_t *loc,
                             const uint32_t *step, const size_t *which,
                             vemt_scan_stage *s) {
    const vemt_scan_result *res = &s->res;
    s->rows =
        vemt_calloc(res->n_clusters ? res->n_clusters : 1, sizeof *s->rows);
    if (!s->rows) return VEMT_E_NOMEM;
    vemt_tier_rules rules;
    vemt_job_rules(a, &rules);
    size_t U = vemt_units_count(grid), n = 0;
    bool *member = vemt_calloc(U ? U : 1, sizeof *member);
    const char **keys =
        vemt_calloc(s->n_events ? s->n_events : 1, sizeof *keys);
    if (!member || !keys) {
        vemt_free(member);
        vemt_free(keys);
        return VEMT_E_NOMEM;
    }
    for (size_t i = 0; i < res->n_clusters; i++) {
        const vemt_scan_cluster *k = &res->clusters[i];
        if (withheld(&rules, res, k, events, loc, step, which, s->n_events,
                     member, keys)) {
            s->n_withheld++;
            continue;
        }
        vemt_scan_row *w = &s->rows[n++];
        w->rank = (long)i + 1;
        vemt_units_centre(grid, k->centre, &w->x, &w->y);
        vemt_units_id(grid, k->centre, w->centre_id, sizeof w->centre_id);
        w->place = names ? vemt_names_at(names, w->x, w->y) : NULL;
        w->radius_m = k->radius;
        w->drawn_m = drawn_radius(grid, res, k, &rules);
        w->n_units = k->n_members;
        w->start_utc = vemt_cube_step_start(cube, k->first_step);
        w->end_utc = vemt_cube_step_end(cube, k->last_step);
        vemt_cube_step_label(cube, k->first_step, w->first_step,
                             sizeof w->first_step);
        vemt_cube_step_label(cube, k->last_step, w->last_step,
                             sizeof w->last_step);
        w->observed = rules.round_to > 0
                          ? vemt_disclosure_round(k->observed, rules.threshold,
                                                  rules.round_to)
                          : k->observed;
        w->expected = k->expected;
        w->relative_risk = k->relative_risk;
        w->llr = k->llr;
        w->p = k->p;
        /* SaTScan's recurrence interval for prospective surveillance: the
         * analysis interval over p (Kulldorff 2001, "Prospective time
         * periodic geographical disease surveillance using a scan
         * statistic", J. R. Stat. Soc. A 164(1):61-72). */
        w->recurrence_days = a->scan_retrospective
                                 ? (double)NAN
                                 : (double)a->scan_every * s->step_days / k->p;
    }
    vemt_free(member);
    vemt_free(keys);
    s->out = (vemt_scan_out){s->rows, n, !a->scan_retrospective, res->p_floor};
    return VEMT_OK;
}

/* "given" when the job gave the option, else "default". */
static const char *how(const vemt_job *a, const char *opt) {
    int k = vemt_job_option_find(opt);
    return k >= 0 && a->given[k] ? "given" : "default";
}

/* The run's story: what was scanned and the primary cluster in words. */
static void tell(const vemt_job *a, const vemt_scan_stage *s,
                 const vemt_callbacks *info) {
    vemt_logf(info,
              "space-time scan (%s, %ld replicates): %zu events in %zu units "
              "over %zu steps, %zu windows a circle, %llu cylinders\n",
              a->scan_retrospective ? "retrospective" : "prospective",
              a->scan_replicates, s->n_events, s->n_units, s->n_steps,
              s->res.n_windows, (unsigned long long)s->res.n_cylinders);
    if (s->n_spread)
        vemt_logf(info,
                  "space-time scan: %zu events over more than one step left "
                  "out (an event counts in the one step that holds it)\n",
                  s->n_spread);
    if (s->n_withheld)
        vemt_logf(info,
                  "space-time scan: %zu of %zu clusters withheld in the %s "
                  "tier (too few events or children, or one child's)\n",
                  s->n_withheld, s->res.n_clusters,
                  vemt_tier_name((vemt_tier)a->tier));
    if (!s->res.n_clusters) {
        vemt_logs(info,
                  "space-time scan: no cylinder holds more events "
                  "than expected\n");
        return;
    }
    if (!s->out.n || s->rows[0].rank != 1) {
        vemt_logs(info,
                  "space-time scan: the most likely cluster is "
                  "withheld in this tier\n");
        return;
    }
    const vemt_scan_row *w = &s->rows[0];
    char ri[96] = "";
    /* At the least p the replicates allow, the interval is a bound. */
    if (!a->scan_retrospective)
        snprintf(ri, sizeof ri, "; by chance %sonce in %.0f days",
                 w->p <= s->res.p_floor * (1 + 1e-9) ? "less often than " : "",
                 w->recurrence_days);
    vemt_logf(info,
              "space-time scan: most likely cluster %g events where %.1f were "
              "expected (relative risk %.2f) in %ld unit%s round %s%s%s, "
              "%s to %s, p = %.4g%s\n",
              w->observed, w->expected, w->relative_risk, w->n_units,
              w->n_units == 1 ? "" : "s", w->centre_id, w->place ? ", " : "",
              w->place ? w->place : "", w->first_step, w->last_step, w->p, ri);
}

vemt_status vemt_scan_stage_run(vemt_ctx *ctx, const vemt_job *a,
                                const vemt_units *grid,
                                const vemt_events *events,
                                const vemt_cube *cube, const vemt_names *names,
                                const vemt_callbacks *info, vemt_params *params,
                                vemt_scan_stage *s) {
    memset(s, 0, sizeof *s);
    if (!a->scan) return VEMT_OK;
    if (!cube || !grid) {
        vemt_log_text(info, VEMT_LOG_WARNING,
                      "space-time scan: not run: the data have no calendar "
                      "steps to scan (the trend analysis did not run)\n");
        return VEMT_OK;
    }
    size_t U = vemt_units_count(grid);
    s->n_steps = vemt_cube_steps(cube);
    double days = 0;
    for (size_t t = 0; t < s->n_steps; t++)
        days += (double)vemt_cube_step_days(cube, t);
    s->step_days = s->n_steps ? days / (double)s->n_steps : 0;
    uint32_t *loc = NULL, *step = NULL;
    size_t *which = NULL;
    double *xy = vemt_calloc(2 * (U ? U : 1), sizeof *xy);
    bool *used = vemt_calloc(U ? U : 1, sizeof *used);
    vemt_status st = VEMT_E_NOMEM;
    if (!xy || !used) goto done;
    if ((st = collect(a, grid, events, cube, s, &loc, &step, &which)))
        goto done;
    for (size_t i = 0; i < s->n_events; i++) used[loc[i]] = true;
    for (size_t u = 0; u < U; u++) s->n_units += used[u];
    vemt_units_centres(grid, xy);
    vemt_scan_opts o = {.max_share = a->scan_max_share,
                        .max_steps = (size_t)a->scan_max_steps,
                        .retrospective = a->scan_retrospective};
    o.perm = (vemt_perm_opts){(size_t)a->scan_replicates, a->seed,
                              (unsigned)a->threads};
    vemt_params_add_text(
        params, "scan_mode", a->scan_retrospective ? "given" : "default",
        a->scan_retrospective ? "retrospective" : "prospective");
    size_t longest =
        a->scan_max_steps ? (size_t)a->scan_max_steps : s->n_steps / 2;
    if (longest < 1) longest = 1;
    if (longest > s->n_steps) longest = s->n_steps;
    vemt_params_add(params, "scan_max_share", how(a, "--scan-max-share"),
                    o.max_share);
    vemt_params_add(params, "scan_max_steps",
                    a->scan_max_steps ? "given" : "automatic", (double)longest);
    vemt_params_add(params, "scan_replicates", how(a, "--scan-replicates"),
                    (double)a->scan_replicates);
    vemt_params_add(params, "scan_every_steps", how(a, "--scan-every"),
                    (double)a->scan_every);
    st = vemt_scan_run(ctx, xy, U, s->n_steps, loc, step, s->n_events, &o,
                       &s->res);
    if (st == VEMT_E_OPTION || st == VEMT_E_ARG) {
        char msg[400];
        snprintf(msg, sizeof msg, "space-time scan: not run: %s\n",
                 vemt_ctx_error(ctx)->msg);
        vemt_log_text(info, VEMT_LOG_WARNING, msg);
        st = VEMT_OK;
        goto done;
    }
    if (st) goto done;
    if ((st = make_rows(a, grid, cube, names, events, loc, step, which, s)))
        goto done;
    s->done = true;
    if (info) tell(a, s, info);
done:
    vemt_free(xy);
    vemt_free(used);
    vemt_free(loc);
    vemt_free(step);
    vemt_free(which);
    return st;
}
