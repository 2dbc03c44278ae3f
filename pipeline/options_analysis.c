/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file options_analysis.c
 * @brief The hot-spot, cluster and density options of a run: units,
 * weights, permutations, DBSCAN, ST-DBSCAN, HDBSCAN and the kernel
 * density surface.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "pipeline/job.h"
#include "pipeline/memory.h"
#include "pipeline/options.h"

void vemt_job_analysis_defaults(vemt_job *a) {
    a->grid_shape = VEMT_UNIT_SQUARE;
    a->weights = -1;
    a->knn_k = 8;
    a->snap_m = 0.001;
    a->permutations = VEMT_PERMUTATIONS_DEFAULT;
    a->scan_max_share = 0.5;
    a->scan_replicates = VEMT_PERMUTATIONS_DEFAULT;
    a->scan_every = 1;
    a->cluster_methods = (1u << VEMT_CLUSTER_DBSCAN) |
                         (1u << VEMT_CLUSTER_STDBSCAN) |
                         (1u << VEMT_CLUSTER_HDBSCAN);
    a->eps_m = 200;
    a->min_points = 5;
    a->time_eps_s = 14 * 86400.0;
    a->min_cluster_size = 10;
    a->concave_ratio = 0.5;
    a->kde_kernel = VEMT_KERNEL_QUARTIC;
    a->nr_space = "0,1,200,400,600,800,1000";
    a->nr_time = "0,7,14,21,28,35";
    a->clq_k = 8;
    a->repeat_episodes = 3;
    a->repeat_days = 90;
    a->flag_radius_m = 50;
}

bool vemt_job_analysis_flag(const char *opt, vemt_job *a) {
    if (!strcmp(opt, "--dbscan-star"))
        a->dbscan_star = true;
    else if (!strcmp(opt, "--no-kde"))
        a->no_kde = true;
    else if (!strcmp(opt, "--no-near-repeat"))
        a->no_near_repeat = true;
    else if (!strcmp(opt, "--include-flagged"))
        a->include_flagged = true;
    else if (!strcmp(opt, "--centroids"))
        a->centroids = true;
    else if (!strcmp(opt, "--timings"))
        a->timings = true;
    else if (!strcmp(opt, "--forecast"))
        a->forecast = true;
    else if (!strcmp(opt, "--scan"))
        a->scan = true;
    else if (!strcmp(opt, "--scan-retrospective"))
        a->scan = a->scan_retrospective = true;
    else
        return false;
    return true;
}

/* A number within [lo, hi]; whole when asked. */
static bool number(const char *v, double lo, double hi, bool whole,
                   double *out) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d) || d < lo || d > hi ||
        (whole && d != floor(d)))
        return false;
    *out = d;
    return true;
}

bool vemt_job_parse_edges(const char *list, double *edges, size_t max,
                          size_t *n) {
    const char *p = list;
    *n = 0;
    while (*p) {
        char *end;
        errno = 0;
        double d = strtod(p, &end);
        if (end == p || errno || !isfinite(d) || d < 0 || *n >= max ||
            (*n && d <= edges[*n - 1]))
            return false;
        edges[(*n)++] = d;
        if (*end == ',')
            end++;
        else if (*end)
            return false;
        p = end;
    }
    return *n >= 2;
}

/* --areas: one more file of polygon units (repeatable). */
static bool add_areas(const char *v, vemt_job *a, vemt_error *err) {
    if (a->n_areas >= VEMT_MAX_AREAS)
        return vemt_job_fail(err, "too many --areas files", v);
    a->area_where[a->n_areas] = NULL;
    a->area_files[a->n_areas++] = v;
    if (!a->areas) a->areas = v;
    return true;
}

static bool clusters_list(const char *v, vemt_job *a, vemt_error *err) {
    static const char names[][12] = {"dbscan", "st-dbscan", "hdbscan"};
    a->cluster_methods = 0;
    a->clusters_given = true;
    if (!strcmp(v, "none")) return true;
    const char *p = v;
    while (*p) {
        size_t len = strcspn(p, ",");
        unsigned k = 0;
        while (k < VEMT_CLUSTER_METHODS &&
               (strlen(names[k]) != len || strncmp(p, names[k], len)))
            k++;
        if (k == VEMT_CLUSTER_METHODS)
            return vemt_job_fail(err,
                                 "--clusters takes dbscan, st-dbscan and "
                                 "hdbscan separated by commas, or none",
                                 v);
        a->cluster_methods |= 1u << k;
        p += len;
        if (*p == ',') p++;
    }
    return true;
}

/* --time-eps: hours (Nh) or days (Nd). */
static bool time_eps(const char *v, vemt_job *a, vemt_error *err) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    double unit = !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400 : 0;
    if (end == v || errno || !unit || !(d >= 0) || d * unit > 3660 * 86400.0)
        return vemt_job_fail(err, "--time-eps needs hours (12h) or days (14d)",
                             v);
    a->time_eps_s = d * unit;
    return true;
}

static bool choice(const char *v, const char (*names)[16], int n, int *out) {
    for (int k = 0; k < n; k++)
        if (!strcmp(v, names[k])) {
            *out = k;
            return true;
        }
    return false;
}

static bool words(const char *opt, const char *v, vemt_job *a,
                  vemt_error *err) {
    static const char shapes[][16] = {"square", "hex"};
    static const char weights[][16] = {"band", "knn", "queen", "rook"};
    static const char kernels[][16] = {"quartic", "epanechnikov", "triangular",
                                       "uniform", "gaussian"};
    static const char hulls[][16] = {"concave", "convex"};
    int k;
    if (!strcmp(opt, "--grid")) {
        if (!choice(v, shapes, 2, &a->grid_shape))
            return vemt_job_fail(err, "--grid must be square or hex", v);
    } else if (!strcmp(opt, "--weights")) {
        if (!choice(v, weights, 4, &a->weights))
            return vemt_job_fail(
                err, "--weights must be band, knn, queen or rook", v);
    } else if (!strcmp(opt, "--kde-kernel")) {
        if (!choice(v, kernels, 5, &a->kde_kernel))
            return vemt_job_fail(err,
                                 "--kde-kernel must be quartic, epanechnikov,"
                                 " triangular, uniform or gaussian",
                                 v);
    } else {
        if (!choice(v, hulls, 2, &k))
            return vemt_job_fail(err, "--hull must be concave or convex", v);
        a->convex = k == 1;
    }
    return true;
}

/* Options with a number: name, range, whole, destination. */
typedef struct numeric {
    char name[24];
    double lo, hi;
    bool whole;
    const char *what;
} numeric;

static const numeric numerics[] = {
    {"--k", 1, 1000, true, "a whole number of neighbours from 1 to 1000"},
    {"--permutations", 0, 99999, true, "a whole number from 0 to 99999"},
    {"--threads", 0, 256, true, "a whole number from 0 (every core) to 256"},
    {"--eps", 0.001, 1e5, false, "metres from 0.001 to 100000"},
    {"--min-points", 1, 1e6, true, "a whole number from 1"},
    {"--min-cluster-size", 2, 1e6, true, "a whole number from 2"},
    {"--min-samples", 1, 1e6, true, "a whole number from 1"},
    {"--concave-ratio", 0, 1, false, "a ratio from 0 to 1"},
    {"--kde-bandwidth", 1, 1e5, false, "metres from 1 to 100000"},
    {"--kde-pixel", 1, 1e5, false, "metres from 1 to 100000"},
    {"--clq-k", 1, 100, true, "a whole number of neighbours from 1 to 100"},
    {"--repeat-episodes", 2, 1000, true, "a whole number from 2"},
    {"--repeat-days", 1, 3660, true, "a whole number of days from 1"},
    {"--flag-radius", 1, 5000, false, "metres from 1 to 5000"},
    {"--snap", 0, 1000, false, "metres from 0 to 1000"},
    {"--distance-band", 0.001, 1e6, false, "metres, or auto"},
};

/* --time-eps's bit in numbers_given, after the numerics'. */
#define TIME_EPS_BIT (sizeof numerics / sizeof numerics[0])

bool vemt_job_number_given(const vemt_job *a, const char *opt) {
    if (!strcmp(opt, "--time-eps"))
        return a->numbers_given >> TIME_EPS_BIT & 1u;
    for (size_t k = 0; k < sizeof numerics / sizeof numerics[0]; k++)
        if (!strcmp(opt, numerics[k].name)) return a->numbers_given >> k & 1u;
    return false;
}

static void set_number(size_t k, double d, vemt_job *a) {
    a->numbers_given |= 1u << k;
    switch (k) {
        case 0:
            a->knn_k = (long)d;
            break;
        case 1:
            a->permutations = (long)d;
            break;
        case 2:
            a->threads = (long)d;
            break;
        case 3:
            a->eps_m = d;
            break;
        case 4:
            a->min_points = (long)d;
            break;
        case 5:
            a->min_cluster_size = (long)d;
            break;
        case 6:
            a->min_samples = (long)d;
            break;
        case 7:
            a->concave_ratio = d;
            break;
        case 8:
            a->kde_bandwidth_m = d;
            break;
        case 9:
            a->kde_pixel_m = d;
            break;
        case 10:
            a->clq_k = (long)d;
            break;
        case 11:
            a->repeat_episodes = (long)d;
            break;
        case 12:
            a->repeat_days = (long)d;
            break;
        case 13:
            a->flag_radius_m = d;
            break;
        case 14:
            a->snap_m = d;
            break;
        default:
            a->distance_band_m = d;
            break;
    }
}

/* The scan's numbers. */
static bool scan_option(const char *opt, const char *v, vemt_job *a,
                        vemt_error *err) {
    double d;
    if (!strcmp(opt, "--scan-max-share")) {
        if (!number(v, 0.001, 0.5, false, &d))
            return vemt_job_fail(
                err,
                "--scan-max-share needs a share of the events from "
                "0.001 to 0.5",
                v);
        a->scan_max_share = d;
        return true;
    }
    if (!number(v, 1, 99999, true, &d))
        return vemt_job_fail(err,
                             !strcmp(opt, "--scan-replicates")
                                 ? "--scan-replicates needs a whole number "
                                   "from 1 to 99999 (999, 9999)"
                             : !strcmp(opt, "--scan-every")
                                 ? "--scan-every needs a whole number of "
                                   "steps from 1"
                                 : "--scan-max-steps needs a whole number of "
                                   "steps from 1",
                             v);
    *(!strcmp(opt, "--scan-replicates") ? &a->scan_replicates
      : !strcmp(opt, "--scan-every")    ? &a->scan_every
                                        : &a->scan_max_steps) = (long)d;
    return true;
}

bool vemt_job_analysis_option(const char *opt, const char *v, vemt_job *a,
                              vemt_error *err, bool *known) {
    if (!strcmp(opt, "--backtest")) {
        *known = true;
        double d;
        if (v && !number(v, 1, 1000, true, &d))
            return vemt_job_fail(
                err, "--backtest needs a whole number of steps from 1", v);
        if (v) a->backtest = (long)d, a->forecast = true;
        return true;
    }
    if (!strncmp(opt, "--scan-", 7)) {
        *known = true;
        return !v || scan_option(opt, v, a, err);
    }
    if (!strcmp(opt, "--max-memory")) {
        *known = true;
        return !v || vemt_memory_parse_size(v, &a->max_memory) ||
               vemt_job_fail(err,
                             "--max-memory needs a size: bytes, or a number "
                             "with K, M, G or T (512M, 4G)",
                             v);
    }
    /* The areas that name places (pipeline/names.c). */
    if (!strcmp(opt, "--label-areas") || !strcmp(opt, "--label-field")) {
        *known = true;
        if (v && !*v) return vemt_job_fail(err, "a name can't be empty", opt);
        if (v)
            *(!strcmp(opt, "--label-areas") ? &a->label_areas
                                            : &a->label_field) = v;
        return true;
    }
    static const char texts[][20] = {
        "--areas",       "--area-id",     "--area-name",      "--kde",
        "--nr-space",    "--nr-time",     "--clusters",       "--time-eps",
        "--nr-distance", "--grid",        "--weights",        "--kde-kernel",
        "--hull",        "--areas-where", "--boundary-where", "--flag-places"};
    size_t nt = sizeof texts / sizeof texts[0];
    size_t nn = sizeof numerics / sizeof numerics[0], t = 0, k = 0;
    while (t < nt && strcmp(opt, texts[t])) t++;
    while (k < nn && strcmp(opt, numerics[k].name)) k++;
    *known = t < nt || k < nn;
    if (!*known || !v) return *known;
    const char **dst[] = {&a->areas,    &a->area_id,  &a->area_name,
                          &a->kde_path, &a->nr_space, &a->nr_time};
    double edges[VEMT_MAX_EDGES];
    size_t n_edges;
    if ((t == 4 || t == 5) &&
        !vemt_job_parse_edges(v, edges, VEMT_MAX_EDGES, &n_edges))
        return vemt_job_fail(err,
                             "band edges must be 2 to 32 ascending numbers "
                             ">= 0 separated by commas",
                             v);
    if (t == 0) return add_areas(v, a, err);
    if (t < 6) {
        *dst[t] = v;
        return true;
    }
    if (t == nt - 2 || t == nt - 3) {
        if (!*v)
            return vemt_job_fail(err, "a where clause can't be empty", opt);
        *(t == nt - 3 ? &a->areas_where : &a->boundary_where) = v;
        return true;
    }
    if (t == 6) return clusters_list(v, a, err);
    if (t == 7) {
        a->numbers_given |= 1u << TIME_EPS_BIT;
        return time_eps(v, a, err);
    }
    if (t == nt - 1) {
        a->flag_places = v;
        return true;
    }
    if (t == 8) {
        if (strcmp(v, "manhattan") && strcmp(v, "euclidean"))
            return vemt_job_fail(
                err, "--nr-distance must be manhattan or euclidean", v);
        a->nr_euclidean = !strcmp(v, "euclidean");
        return true;
    }
    if (t < nt) return words(opt, v, a, err);
    if (k == nn - 1 && !strcmp(v, "auto")) {
        a->distance_band_m = -1;
        return true;
    }
    double d;
    if (!number(v, numerics[k].lo, numerics[k].hi, numerics[k].whole, &d)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s needs %s", opt, numerics[k].what);
        return vemt_job_fail(err, msg, v);
    }
    set_number(k, d, a);
    return true;
}
