/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file hotspots.c
 * @brief The hot-spot stage: units, counts, weights, Gi* and its
 * permutation test, FDR bins, Local Moran, the scale profile.
 */
#include "pipeline/hotspots.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"
#include "pipeline/log.h"
#include "pipeline/memory.h"
#include "pipeline/publish.h"

/* Above this many units the scale profile is computed only when asked
 * for (--distance-band auto): ten bands of up to ten cells' radius over
 * 100,000 cells would hold 30 million links each. */
#define PROFILE_MAX_UNITS 20000

/* The LISA permutations draw from streams of their own, not the Gi*
 * ones: the same draws for both would correlate their p-values. */
#define LISA_SEED_OFFSET 0x9E3779B97F4A7C15ULL

void vemt_hotspots_clear(vemt_hotspot_result *r) {
    vemt_weights_destroy(r->weights);
    vemt_units_destroy(r->grid);
    vemt_free(r->counts);
    vemt_free(r->subjects);
    vemt_free(r->dom_subjects);
    vemt_free(r->dom_top);
    vemt_free(r->z);
    vemt_free(r->p);
    vemt_free(r->p_sim);
    vemt_free(r->bins);
    vemt_free(r->lisa_i);
    vemt_free(r->lisa_z);
    vemt_free(r->lisa_p);
    vemt_free(r->lisa_type);
    vemt_free(r->profile);
    vemt_free(r->alerts);
    memset(r, 0, sizeof *r);
}

static void warn(vemt_hotspot_result *r, const vemt_callbacks *info,
                 const char *text) {
    size_t used = strlen(r->warnings);
    snprintf(r->warnings + used, sizeof r->warnings - used, "%s%s",
             used ? " " : "", text);
    if (info) vemt_logf(info, "warning: %s\n", text);
}

/* The units of the keep mask, as new units (names and ids copied). */
static vemt_status subset_areas(vemt_ctx *ctx, const vemt_unit_list *ul,
                                const bool *keep, vemt_polygons **out) {
    size_t m = 0;
    const unsigned char **wkb = vemt_calloc(ul->n, sizeof *wkb);
    size_t *size = vemt_calloc(ul->n, sizeof *size);
    const char **ids = vemt_calloc(ul->n, sizeof *ids);
    const char **names = vemt_calloc(ul->n, sizeof *names);
    vemt_status st = wkb && size && ids && names ? VEMT_OK : VEMT_E_NOMEM;
    for (size_t i = 0; !st && i < ul->n; i++) {
        if (keep && !keep[i]) continue;
        wkb[m] = ul->wkb[i];
        size[m] = ul->wkb_size[i];
        ids[m] = ul->ids[i];
        names[m++] = ul->names[i];
    }
    if (!st) st = vemt_polygons_create_wkb(ctx, m, wkb, size, ids, names, out);
    vemt_free(wkb), vemt_free(size), vemt_free(ids), vemt_free(names);
    return st;
}

/* Append "warning: <text>\n" to r->alerts (dropped when out of memory:
 * the warnings' sentence still counts them). */
static void alert(vemt_hotspot_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void alert(vemt_hotspot_result *r, const char *fmt, ...) {
    char line[700];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (k >= 0) vemt_alerts_add(&r->alerts, line);
}

/* The --areas files as one text, each with its own where clause (a job
 * file's) in brackets. */
static void areas_text(const vemt_job *a, char *out, size_t size) {
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < a->n_areas && used < size; k++) {
        int w = snprintf(out + used, size - used, "%s%s%s%s%s", k ? "; " : "",
                         a->area_files[k], a->area_where[k] ? " (where " : "",
                         a->area_where[k] ? a->area_where[k] : "",
                         a->area_where[k] ? ")" : "");
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* --areas: the polygons with at least half their area in the study area
 * (all without one): generalised boundaries of neighbouring authorities
 * touch or overlap the study area by slivers, which must not count. */
static vemt_status area_units(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_study_area *area,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_hotspot_result *r) {
    vemt_unit_list ul;
    vemt_polygons *all = NULL, *kept = NULL;
    bool *keep = NULL;
    const char *where[VEMT_MAX_AREAS];
    for (int k = 0; k < a->n_areas; k++)
        where[k] = a->area_where[k] ? a->area_where[k] : a->areas_where;
    vemt_status st =
        vemt_unit_list_read(ctx, (size_t)a->n_areas, a->area_files, where,
                            a->analysis_crs, a->area_id, a->area_name, &ul);
    if (!st && ul.n_repaired) {
        vemt_alerts_add(&r->alerts, ul.warnings);
        char text[160];
        snprintf(text, sizeof text,
                 "%zu area polygon%s invalid and repaired with GEOS "
                 "MakeValid (see the log).",
                 ul.n_repaired, ul.n_repaired == 1 ? " was" : "s were");
        warn(r, NULL, text);
    }
    if (!st) st = subset_areas(ctx, &ul, NULL, &all);
    size_t n = st ? 0 : vemt_polygons_count(all), m = n;
    if (!st && area) {
        keep = vemt_calloc(n, sizeof *keep);
        if (!keep) st = VEMT_E_NOMEM;
        m = 0;
        for (size_t i = 0; !st && i < n; i++)
            m += keep[i] = vemt_polygons_share_in(all, i, area) >= 0.5;
        if (!st && m == 0)
            st = vemt_ctx_fail(ctx, VEMT_E_ARG,
                               "no unit of %s%s has half its area or more in "
                               "the study area",
                               a->areas,
                               a->n_areas > 1 ? " and the other "
                                                "--areas files"
                                              : "");
        if (!st && m < n) st = subset_areas(ctx, &ul, keep, &kept);
    }
    char files[512];
    areas_text(a, files, sizeof files);
    if (!st && info)
        vemt_logf(
            info, "units: %zu polygons of %s (ids from %s, names from %s)%s\n",
            m, files, ul.id_field[0] ? ul.id_field : "the feature ids",
            ul.name_field[0] ? ul.name_field : "no field",
            m < n ? "; those less than half in the study area left out" : "");
    vemt_params_add_text(params, "areas", "given", files);
    if (a->areas_where)
        vemt_params_add_text(params, "areas_where", "given", a->areas_where);
    if (!st)
        vemt_params_add_transform(params, "areas_transformation",
                                  &ul.transform);
    if (!st) {
        vemt_polygons *use = kept ? kept : all;
        st = vemt_units_create_polygons(ctx, &use, &r->grid);
        if (kept)
            kept = use;
        else
            all = use;
    }
    vemt_polygons_destroy(kept);
    vemt_polygons_destroy(all);
    vemt_unit_list_clear(&ul);
    vemt_free(keep);
    return st;
}

/* A square or hexagon grid over the study area or the events' extent. */
static vemt_status grid_units(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_study_area *area,
                              const vemt_events *events,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_hotspot_result *r) {
    vemt_bbox extent;
    if (area)
        extent = vemt_study_area_bbox(area);
    else if (!vemt_events_bbox(events, a->kinds, &extent))
        return vemt_ctx_fail(ctx, VEMT_E_ARG,
                             "no located %s events in the inputs: nothing "
                             "to map (see the rejects above)",
                             a->kind_name);
    double cell = a->cell_size_m;
    char rule[800];
    if (cell > 0) {
        vemt_params_add(params, "cell_size_m", "given", cell);
    } else {
        vemt_status st = vemt_grid_auto_cell_size_events_m(
            ctx, &extent, events, a->kinds, (vemt_unit_shape)a->grid_shape,
            &cell, rule, sizeof rule);
        if (st) return st;
        /* The tier's smallest unit floors it before anything is counted. */
        double floor_m = vemt_tier_min_cell(a);
        if (cell < floor_m) {
            size_t k = strlen(rule);
            snprintf(rule + k, sizeof rule - k,
                     "; raised to %g m, the %s tier's smallest unit", floor_m,
                     vemt_tier_name((vemt_tier)a->tier));
            cell = floor_m;
        }
        vemt_params_add(params, "cell_size_m", "automatic", cell);
        /* The reason, with numbers from the data, stays in the restricted
         * tier; the rule's name is shared (disclosure/allow.c). */
        vemt_params_add_text(params, "cell_size_method", "automatic",
                             VEMT_CELL_SIZE_RULE_NAME);
        vemt_params_add_text(params, "cell_size_rule", "automatic", rule);
        if (info)
            vemt_logf(info, "cell size: %g m (automatic: %s)\n", cell, rule);
    }
    vemt_status mst = vemt_memory_check_grid(ctx, a, &extent, cell, events);
    if (mst) return mst; /* pipeline/memory.c: before the grid's arrays */
    bool hex = a->grid_shape == VEMT_UNIT_HEX;
    vemt_params_add_text(
        params, "grid", a->grid_shape ? "given" : "default",
        hex ? "hexagons, flat-topped, cell size flat to flat" : "squares");
    r->cell_m = cell;
    return hex ? vemt_units_create_hex(ctx, cell, &extent, area, &r->grid)
               : vemt_units_create_square(ctx, cell, &extent, area, &r->grid);
}

static vemt_status alloc_arrays(vemt_hotspot_result *r, size_t n, bool perm) {
    size_t k = n ? n : 1;
    r->counts = vemt_calloc(k, sizeof *r->counts);
    r->subjects = vemt_calloc(k, sizeof *r->subjects);
    r->dom_subjects = vemt_calloc(k, sizeof *r->dom_subjects);
    r->dom_top = vemt_calloc(k, sizeof *r->dom_top);
    r->z = vemt_calloc(k, sizeof *r->z);
    r->p = vemt_calloc(k, sizeof *r->p);
    r->bins = vemt_calloc(k, sizeof *r->bins);
    r->lisa_i = vemt_calloc(k, sizeof *r->lisa_i);
    r->lisa_z = vemt_calloc(k, sizeof *r->lisa_z);
    r->lisa_p = vemt_calloc(k, sizeof *r->lisa_p);
    r->lisa_type = vemt_calloc(k, sizeof *r->lisa_type);
    if (perm) r->p_sim = vemt_calloc(k, sizeof *r->p_sim);
    bool ok = r->counts && r->subjects && r->dom_subjects && r->dom_top &&
              r->z && r->p && r->bins && r->lisa_i && r->lisa_z && r->lisa_p &&
              r->lisa_type && (!perm || r->p_sim);
    return ok ? VEMT_OK : VEMT_E_NOMEM;
}

/* Incremental spatial autocorrelation on the unit centres (Esri's
 * defaults: moran.c), into r->profile. */
static vemt_status scale_profile(vemt_ctx *ctx, vemt_hotspot_result *r,
                                 const double *xy, size_t n) {
    vemt_isa_opts o;
    vemt_status st = vemt_moran_isa_defaults(ctx, xy, n, &o);
    if (st) return st;
    r->profile = vemt_calloc(o.count, sizeof *r->profile);
    if (!r->profile) return VEMT_E_NOMEM;
    r->n_profile = o.count;
    return vemt_moran_incremental_xy(ctx, xy, r->counts, n, &o, r->profile,
                                     &r->first_peak, &r->max_peak);
}

/* The distance band: given, automatic (the profile's first peak, else its
 * highest, else the default) or the default (adjacent cells). */
static double choose_band(const vemt_job *a, vemt_hotspot_result *r,
                          const vemt_callbacks *info, vemt_params *params) {
    if (a->distance_band_m > 0) {
        vemt_params_add(params, "distance_band_m", "given", a->distance_band_m);
        return a->distance_band_m;
    }
    size_t peak = r->first_peak != SIZE_MAX ? r->first_peak : r->max_peak;
    bool want_auto = a->distance_band_m < 0 || r->cell_m == 0;
    if (want_auto && r->profile && peak != SIZE_MAX) {
        double band = r->profile[peak].band_m;
        vemt_params_add(params, "distance_band_m", "automatic", band);
        vemt_params_add_text(params, "distance_band_rule", "automatic",
                             r->first_peak != SIZE_MAX
                                 ? "first peak of the scale profile's z"
                                 : "highest peak of the scale profile's z");
        if (info)
            vemt_logf(info, "distance band: %.0f m (scale profile peak)\n",
                      band);
        return band;
    }
    if (want_auto)
        warn(r, info,
             "The scale profile has no peak: the distance "
             "band is the default.");
    double band = r->cell_m > 0 ? r->cell_m * sqrt(2.0) : 0;
    if (band == 0 && r->profile) band = r->profile[0].band_m;
    vemt_params_add(params, "distance_band_m", "default", band);
    return band;
}

static vemt_status build_weights(vemt_ctx *ctx, const vemt_job *a,
                                 vemt_hotspot_result *r, const double *xy,
                                 size_t n, const vemt_callbacks *info,
                                 vemt_params *params) {
    bool areas = vemt_units_polygons(r->grid) != NULL;
    int kind = a->weights >= 0 ? a->weights
               : areas         ? VEMT_WEIGHTS_QUEEN
                               : VEMT_WEIGHTS_BAND;
    const char *how = a->weights >= 0 ? "given" : "default";
    vemt_status st;
    if (kind == VEMT_WEIGHTS_KNN) {
        st = vemt_weights_knn(ctx, xy, n, (size_t)a->knn_k, true, &r->weights);
        snprintf(r->weights_desc, sizeof r->weights_desc,
                 "binary, the %ld nearest units (centroids) and the unit "
                 "itself (Gi*)",
                 a->knn_k);
        vemt_params_add(params, "k", a->weights >= 0 ? "given" : "default",
                        (double)a->knn_k);
    } else if (kind == VEMT_WEIGHTS_QUEEN || kind == VEMT_WEIGHTS_ROOK) {
        vemt_contiguity c = kind == VEMT_WEIGHTS_QUEEN ? VEMT_CONTIGUITY_QUEEN
                                                       : VEMT_CONTIGUITY_ROOK;
        st = vemt_weights_units_contiguity(ctx, r->grid, c, a->snap_m, true,
                                           &r->weights);
        if (areas) {
            snprintf(r->weights_desc, sizeof r->weights_desc,
                     "binary %s contiguity (spdep poly2nb's rule: at least %s "
                     "of boundary vertices within %g m), the unit itself "
                     "included (Gi*)",
                     c == VEMT_CONTIGUITY_QUEEN ? "queen" : "rook",
                     c == VEMT_CONTIGUITY_QUEEN ? "one pair" : "two pairs",
                     a->snap_m);
            vemt_params_add(params, "snap_m",
                            a->snap_m == 0.001 ? "default" : "given",
                            a->snap_m);
        } else {
            snprintf(
                r->weights_desc, sizeof r->weights_desc,
                "binary %s contiguity (%s), the unit itself included (Gi*)",
                c == VEMT_CONTIGUITY_QUEEN ? "queen" : "rook",
                c == VEMT_CONTIGUITY_QUEEN ? "a shared point"
                                           : "a shared edge");
        }
    } else {
        r->band_m = choose_band(a, r, info, params);
        st = vemt_weights_band(ctx, xy, n, r->band_m, true, &r->weights);
        snprintf(r->weights_desc, sizeof r->weights_desc,
                 "binary distance band of %.6g m between unit centres, the "
                 "unit itself included (Gi*)",
                 r->band_m);
    }
    vemt_params_add_text(params, "weights", how, r->weights_desc);
    return st;
}

/* Gi*, its permutation p, FDR bins and Local Moran on r->counts. */
static vemt_status statistics(vemt_ctx *ctx, const vemt_job *a,
                              vemt_hotspot_result *r, size_t n) {
    vemt_status st = VEMT_OK;
    for (size_t i = 0; i < n; i++) {
        r->z[i] = r->p[i] = r->lisa_i[i] = r->lisa_z[i] = r->lisa_p[i] = NAN;
        if (r->p_sim) r->p_sim[i] = NAN;
    }
    if (n >= 2)
        st = vemt_gistar_compute(ctx, r->weights, r->counts, n, r->z, r->p);
    vemt_perm_opts po = {(size_t)a->permutations, a->seed,
                         (unsigned)a->threads};
    if (!st && r->p_sim && n >= 2)
        st = vemt_gistar_permute(ctx, r->weights, r->counts, n, &po, r->p_sim);
    if (!st) st = vemt_significance_bins(r->z, r->p, n, a->fdr, r->bins);
    if (st || n < 3) return st;
    /* Local Moran: the analytic z under conditional randomisation (spdep's
     * default), and the permutation p for the types where there is one
     * (GeoDa, PySAL and Esri classify on the permutation p). */
    st = vemt_lisa_compute(ctx, r->weights, r->counts, n, VEMT_LISA_CONDITIONAL,
                           r->lisa_i, r->lisa_z, r->lisa_p);
    po.seed = a->seed ^ LISA_SEED_OFFSET;
    if (!st && a->permutations > 0)
        st = vemt_lisa_permute(ctx, r->weights, r->counts, n, &po, r->lisa_p);
    if (!st)
        st = vemt_lisa_types(ctx, r->weights, r->counts, n, r->lisa_p,
                             VEMT_LISA_ALPHA, r->lisa_type);
    return st;
}

/* The units with no neighbour but themselves (islands), by id and name,
 * as spdep prints its "no-neighbour observations": every one in the
 * alerts, the first few in the warnings of the provenance. */
static void name_islands(vemt_hotspot_result *r, size_t n) {
    const vemt_polygons *polys = vemt_units_polygons(r->grid);
    char list[200] = "";
    size_t used = 0, shown = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        vemt_weights_neighbours(r->weights, i, &nb, &k);
        if (k > 1) continue;
        char id[64];
        vemt_units_id(r->grid, i, id, sizeof id);
        const char *name = polys ? vemt_polygons_name(polys, i) : "";
        alert(r, "no neighbour: unit %s%s%s%s", id, name[0] ? " (" : "", name,
              name[0] ? ")" : "");
        total++;
        if (used + strlen(id) + 4 < sizeof list - 8) {
            int w = snprintf(list + used, sizeof list - used, "%s%s",
                             shown ? ", " : "", id);
            if (w > 0) used += (size_t)w, shown++;
        }
    }
    char text[300];
    snprintf(text, sizeof text, "Units with no neighbour: %s%s.", list,
             shown < total ? ", ..." : "");
    warn(r, NULL, text);
}

/* Warnings Esri's tools give too: few units or events, sparse counts,
 * units whose only neighbour is themselves. */
static void check_data(vemt_hotspot_result *r, size_t n,
                       const vemt_callbacks *info) {
    size_t empty = 0, isolated = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t *nb;
        size_t k;
        empty += r->counts[i] == 0;
        vemt_weights_neighbours(r->weights, i, &nb, &k);
        isolated += k <= 1;
    }
    char text[200];
    if (n < 30)
        warn(r, info,
             "Fewer than 30 units: Gi* z-scores are unreliable; "
             "choose smaller cells.");
    if (r->counted < 30)
        warn(r, info, "Fewer than 30 events counted: too few for hot spots.");
    if (n && empty * 10 > n * 9) {
        snprintf(text, sizeof text,
                 "%.0f %% of units have no event: the data are sparse for "
                 "this unit size.",
                 100.0 * (double)empty / (double)n);
        warn(r, info, text);
    }
    if (isolated) {
        snprintf(text, sizeof text,
                 "%zu unit%s no neighbour but %s (no-neighbour "
                 "observations): %s Gi* is %s own count standardised, (x - "
                 "mean) / s.",
                 isolated, isolated == 1 ? " has" : "s have",
                 isolated == 1 ? "itself" : "themselves",
                 isolated == 1 ? "its" : "their",
                 isolated == 1 ? "its" : "their");
        warn(r, NULL, text);
        alert(r, "%s", text);
        name_islands(r, n);
    }
}

vemt_status vemt_hotspots_run(vemt_ctx *ctx, const vemt_job *a,
                              const vemt_study_area *area,
                              const vemt_events *events,
                              const vemt_callbacks *info, vemt_params *params,
                              vemt_hotspot_result *r) {
    memset(r, 0, sizeof *r);
    r->first_peak = r->max_peak = SIZE_MAX;
    vemt_status st = a->areas
                         ? area_units(ctx, a, area, info, params, r)
                         : grid_units(ctx, a, area, events, info, params, r);
    size_t n = st ? 0 : vemt_units_count(r->grid);
    if (!st) st = alloc_arrays(r, n, a->permutations > 0);
    if (st) return st;
    r->counted = vemt_units_count_events(r->grid, events, a->kinds, r->counts);
    st = vemt_units_count_subjects(r->grid, events, a->kinds, r->subjects);
    if (!st)
        st = vemt_units_subjects_top(r->grid, events, a->kinds, r->dom_subjects,
                                     r->dom_top);
    double *xy = vemt_calloc(2 * (n ? n : 1), sizeof *xy);
    if (!st && !xy) st = VEMT_E_NOMEM;
    if (!st) vemt_units_centres(r->grid, xy);
    bool need =
        a->distance_band_m < 0 || (a->distance_band_m == 0 && r->cell_m == 0 &&
                                   (a->weights == VEMT_WEIGHTS_BAND));
    if (!st && n >= 4 && (n <= PROFILE_MAX_UNITS || need))
        st = scale_profile(ctx, r, xy, n);
    if (!st) st = build_weights(ctx, a, r, xy, n, info, params);
    vemt_free(xy);
    if (!st) st = statistics(ctx, a, r, n);
    if (st) return st;
    vemt_params_add(
        params, "permutations",
        a->permutations == VEMT_PERMUTATIONS_DEFAULT ? "default" : "given",
        (double)a->permutations);
    vemt_params_add_text(params, "lisa_rule", "default",
                         "Local Moran's I (Anselin 1995), row-standardised "
                         "weights without self; lisa_type where lisa_p <= "
                         "0.05 (permutation p when permutations > 0)");
    check_data(r, n, info);
    if (r->warnings[0])
        vemt_params_add_text(params, "warnings", "automatic", r->warnings);
    return VEMT_OK;
}
