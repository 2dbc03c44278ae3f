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
 * left out), in a unit, wholly inside one step. */
static vemt_status collect(const vemt_job *a, const vemt_units *grid,
                           const vemt_events *events, const vemt_cube *cube,
                           vemt_scan_stage *s, uint32_t **loc,
                           uint32_t **step) {
    *loc = vemt_calloc(events->n ? events->n : 1, sizeof **loc);
    *step = vemt_calloc(events->n ? events->n : 1, sizeof **step);
    if (!*loc || !*step) return VEMT_E_NOMEM;
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
        (*loc)[s->n_events] = (uint32_t)u;
        (*step)[s->n_events++] = (uint32_t)t;
    }
    return VEMT_OK;
}

static vemt_status make_rows(const vemt_job *a, const vemt_units *grid,
                             const vemt_cube *cube, const vemt_names *names,
                             vemt_scan_stage *s) {
    const vemt_scan_result *res = &s->res;
    s->rows =
        vemt_calloc(res->n_clusters ? res->n_clusters : 1, sizeof *s->rows);
    if (!s->rows) return VEMT_E_NOMEM;
    vemt_tier_rules rules;
    vemt_job_rules(a, &rules);
    for (size_t i = 0; i < res->n_clusters; i++) {
        const vemt_scan_cluster *k = &res->clusters[i];
        vemt_scan_row *w = &s->rows[i];
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
        w->observed = k->observed;
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
    s->out = (vemt_scan_out){s->rows, res->n_clusters, !a->scan_retrospective};
    return VEMT_OK;
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
    if (!s->res.n_clusters) {
        vemt_logs(info,
                  "space-time scan: no cylinder holds more events "
                  "than expected\n");
        return;
    }
    const vemt_scan_row *w = &s->rows[0];
    char ri[64] = "";
    if (!a->scan_retrospective)
        snprintf(ri, sizeof ri, "; by chance once in %.0f days",
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
    double *xy = vemt_calloc(2 * (U ? U : 1), sizeof *xy);
    bool *used = vemt_calloc(U ? U : 1, sizeof *used);
    vemt_status st = VEMT_E_NOMEM;
    if (!xy || !used) goto done;
    if ((st = collect(a, grid, events, cube, s, &loc, &step))) goto done;
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
    vemt_params_add(params, "scan_max_share", "default", o.max_share);
    vemt_params_add(params, "scan_max_steps",
                    a->scan_max_steps ? "given" : "automatic",
                    (double)(a->scan_max_steps    ? a->scan_max_steps
                             : s->n_steps / 2 > 0 ? (long)(s->n_steps / 2)
                                                  : 1));
    vemt_params_add(params, "scan_replicates", "default",
                    (double)a->scan_replicates);
    vemt_params_add(params, "scan_every_steps", "default",
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
    if ((st = make_rows(a, grid, cube, names, s))) goto done;
    s->done = true;
    if (info) tell(a, s, info);
done:
    vemt_free(xy);
    vemt_free(used);
    vemt_free(loc);
    vemt_free(step);
    return st;
}
