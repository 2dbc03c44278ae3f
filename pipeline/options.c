/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file options.c
 * @brief The option table of a job and the checks of each option's value:
 * every problem is one sentence, and nothing is read before all are
 * checked.
 */
#include "pipeline/options.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/job.h"
#include "pipeline/publish.h"

bool vemt_job_fail(vemt_error *err, const char *msg, const char *what) {
    vemt_error_set(err, VEMT_E_ARG, "%s%s%s", msg, what ? ": " : "",
                   what ? what : "");
    return false;
}

static bool fail(vemt_error *err, const char *msg, const char *what) {
    return vemt_job_fail(err, msg, what);
}

const char *vemt_job_keep(vemt_job *a, const char *text) {
    if (!text) return NULL;
    if (a->n_owned == a->cap_owned) {
        size_t cap = a->cap_owned ? 2 * a->cap_owned : 16;
        char **bigger = vemt_realloc(a->owned, cap * sizeof *bigger);
        if (!bigger) return NULL;
        a->owned = bigger;
        a->cap_owned = cap;
    }
    char *copy = vemt_strdup(text);
    if (copy) a->owned[a->n_owned++] = copy;
    return copy;
}

/* An input whose path the job owns already. */
static bool add_input(vemt_job *a, const char *path, vemt_source_kind k) {
    if (a->n_inputs >= VEMT_MAX_INPUTS) return false;
    vemt_job_input *in = &a->inputs[a->n_inputs++];
    memset(in, 0, sizeof *in);
    in->path = path;
    in->kind = k;
    in->date_order = -1;
    return true;
}

static bool parse_kind(const char *v, vemt_job *a) {
    static const char names[][16] = {"incident", "missing_from", "found_at"};
    for (unsigned k = 0; k < 3; k++)
        if (!strcmp(v, names[k])) {
            a->kinds = 1u << k;
            a->kind_name = v;
            return true;
        }
    if (strcmp(v, "all")) return false;
    a->kinds = 7u;
    a->kind_name = v;
    return true;
}

/* A number within [lo, hi]. */
static bool number(const char *v, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d) || d < lo || d > hi)
        return false;
    *out = d;
    return true;
}

typedef enum opt_id {
    O_INCIDENTS,
    O_MISSING,
    O_BOUNDARY,
    O_OUT,
    O_GEOJSON,
    O_KEY,
    O_CONFIG,
    O_POSTCODES,
    O_CRS,
    O_ANALYSIS_CRS,
    O_DATE_ORDER,
    O_CATEGORIES,
    O_EXCLUDE,
    O_QGIS,
    O_ATTRIBUTION,
    O_TIME_STEP,
    O_TIME_START,
    O_TIME_END,
    O_TIME_WEIGHTING,
    O_TIME_LAG,
    O_TIME_ZONE,
    O_INPUT_TIME_ZONE,
    O_SPREAD_MONTHS,
    O_WINDOW,
    O_COUNT,
    O_FDR,
    O_TIER,
    O_SUPPRESS,
    O_ROUND,
    O_PLACE_RADIUS,
    O_MIN_CHILDREN,
    O_PATROL_HOURS,
    O_PATROL_TOP,
    O_REPORT,
    O_BOARD_PACK,
    O_MARKING,
    O_PALETTE,
    O_MERGE_M,
    O_MERGE_MIN,
    O_MAX_REJECT,
    O_CELL,
    O_SEED,
    O_KIND,
    O_ANALYSIS,      /* a value parsed by pipeline/options_analysis.c */
    O_ANALYSIS_FLAG, /* a flag set by pipeline/options_analysis.c */
    O_HELP,
    O_DEMO,
    O_QUIET,
    O_FORCE,
    O_NO_TRENDS,
    O_WORLD
} opt_id;

/* Shorthands for the table's flags. */
#define VAL VEMT_OPT_VALUE
#define PATH (VEMT_OPT_VALUE | VEMT_OPT_PATH)
#define CLI VEMT_OPT_CLI_ONLY

/* The option table: every long option of run and ingest, in the order of
 * the help text. The command line and job files (pipeline/jobfile.c) both look
 * options up here and give them through give(), so they accept the same
 * options with the same checks. */
static const struct {
    vemt_job_option o;
    opt_id id;
} options[] = {
    /* inputs */
    {{"--incidents", PATH | VEMT_OPT_REPEAT}, O_INCIDENTS},
    {{"--missing", PATH | VEMT_OPT_REPEAT}, O_MISSING},
    {{"--config", PATH | CLI}, O_CONFIG},
    {{"--crs", VAL}, O_CRS},
    {{"--analysis-crs", VAL}, O_ANALYSIS_CRS},
    {{"--date-order", VAL}, O_DATE_ORDER},
    {{"--input-time-zone", VAL}, O_INPUT_TIME_ZONE},
    {{"--postcodes", PATH}, O_POSTCODES},
    {{"--categories", VAL}, O_CATEGORIES},
    {{"--exclude-categories", VAL}, O_EXCLUDE},
    {{"--merge-distance", VAL}, O_MERGE_M},
    {{"--merge-time", VAL}, O_MERGE_MIN},
    {{"--max-reject-rate", VAL}, O_MAX_REJECT},
    {{"--centroids", 0}, O_ANALYSIS_FLAG},
    {{"--max-memory", VAL}, O_ANALYSIS},
    {{"--boundary", PATH}, O_BOUNDARY},
    {{"--boundary-where", VAL}, O_ANALYSIS},
    {{"--key-file", PATH}, O_KEY},
    {{"--demo", 0}, O_DEMO},
    /* analysis */
    {{"--cell-size", VAL}, O_CELL},
    {{"--kind", VAL}, O_KIND},
    {{"--seed", VAL}, O_SEED},
    {{"--fdr", VAL}, O_FDR},
    /* hot-spot units and weights (pipeline/options_analysis.c) */
    {{"--grid", VAL}, O_ANALYSIS},
    {{"--areas", PATH | VEMT_OPT_REPEAT}, O_ANALYSIS},
    {{"--areas-where", VAL}, O_ANALYSIS},
    {{"--area-id", VAL}, O_ANALYSIS},
    {{"--area-name", VAL}, O_ANALYSIS},
    {{"--weights", VAL}, O_ANALYSIS},
    {{"--snap", VAL}, O_ANALYSIS},
    {{"--distance-band", VAL}, O_ANALYSIS},
    {{"--k", VAL}, O_ANALYSIS},
    {{"--permutations", VAL}, O_ANALYSIS},
    {{"--threads", VAL}, O_ANALYSIS},
    /* clusters and density (pipeline/options_analysis.c) */
    {{"--clusters", VAL}, O_ANALYSIS},
    {{"--eps", VAL}, O_ANALYSIS},
    {{"--min-points", VAL}, O_ANALYSIS},
    {{"--time-eps", VAL}, O_ANALYSIS},
    {{"--dbscan-star", 0}, O_ANALYSIS_FLAG},
    {{"--min-cluster-size", VAL}, O_ANALYSIS},
    {{"--min-samples", VAL}, O_ANALYSIS},
    {{"--hull", VAL}, O_ANALYSIS},
    {{"--concave-ratio", VAL}, O_ANALYSIS},
    {{"--kde", PATH}, O_ANALYSIS},
    {{"--kde-kernel", VAL}, O_ANALYSIS},
    {{"--kde-bandwidth", VAL}, O_ANALYSIS},
    {{"--kde-pixel", VAL}, O_ANALYSIS},
    {{"--no-kde", 0}, O_ANALYSIS_FLAG},
    /* near repeats and co-location (pipeline/options_analysis.c) */
    {{"--nr-space", VAL}, O_ANALYSIS},
    {{"--nr-time", VAL}, O_ANALYSIS},
    {{"--nr-distance", VAL}, O_ANALYSIS},
    {{"--no-near-repeat", 0}, O_ANALYSIS_FLAG},
    {{"--clq-k", VAL}, O_ANALYSIS},
    {{"--repeat-episodes", VAL}, O_ANALYSIS},
    {{"--repeat-days", VAL}, O_ANALYSIS},
    {{"--flag-places", PATH}, O_ANALYSIS},
    {{"--flag-radius", VAL}, O_ANALYSIS},
    {{"--include-flagged", 0}, O_ANALYSIS_FLAG},
    /* names of places (pipeline/names.c) */
    {{"--label-areas", PATH}, O_ANALYSIS},
    {{"--label-field", VAL}, O_ANALYSIS},
    /* trends */
    {{"--time-step", VAL}, O_TIME_STEP},
    {{"--time-start", VAL}, O_TIME_START},
    {{"--time-end", VAL}, O_TIME_END},
    {{"--time-weighting", VAL}, O_TIME_WEIGHTING},
    {{"--time-lag", VAL}, O_TIME_LAG},
    {{"--time-zone", VAL}, O_TIME_ZONE},
    {{"--spread-months", 0}, O_SPREAD_MONTHS},
    {{"--global-window", VAL}, O_WINDOW},
    {{"--count", VAL}, O_COUNT},
    {{"--no-trends", 0}, O_NO_TRENDS},
    /* the space-time permutation scan (pipeline/options_analysis.c) */
    {{"--scan", 0}, O_ANALYSIS_FLAG},
    {{"--scan-retrospective", 0}, O_ANALYSIS_FLAG},
    {{"--scan-max-share", VAL}, O_ANALYSIS},
    {{"--scan-max-steps", VAL}, O_ANALYSIS},
    {{"--scan-replicates", VAL}, O_ANALYSIS},
    {{"--scan-every", VAL}, O_ANALYSIS},
    /* forecasts (pipeline/options_analysis.c) */
    {{"--forecast", 0}, O_ANALYSIS_FLAG},
    {{"--backtest", VAL}, O_ANALYSIS},
    /* safeguarding */
    {{"--place-radius", VAL}, O_PLACE_RADIUS},
    {{"--min-children", VAL}, O_MIN_CHILDREN},
    {{"--patrol-window-hours", VAL}, O_PATROL_HOURS},
    {{"--patrol-top", VAL}, O_PATROL_TOP},
    {{"--report", PATH}, O_REPORT},
    /* disclosure control */
    {{"--tier", VAL}, O_TIER},
    {{"--suppress-below", VAL}, O_SUPPRESS},
    {{"--round-to", VAL}, O_ROUND},
    {{"--allow-world-readable", 0}, O_WORLD},
    /* outputs */
    {{"--out", PATH}, O_OUT},
    {{"--geojson-dir", PATH}, O_GEOJSON},
    {{"--qgis-project", PATH}, O_QGIS},
    {{"--attribution", VAL}, O_ATTRIBUTION},
    {{"--board-pack", PATH}, O_BOARD_PACK},
    {{"--marking", VAL}, O_MARKING},
    {{"--palette", VAL}, O_PALETTE},
    {{"--force", 0}, O_FORCE},
    {{"--quiet", 0}, O_QUIET},
    {{"--timings", 0}, O_ANALYSIS_FLAG},
    {{"--help", CLI}, O_HELP},
};

#undef VAL
#undef PATH
#undef CLI

#define N_OPTIONS (sizeof options / sizeof options[0])
_Static_assert(N_OPTIONS <= VEMT_MAX_OPTIONS, "raise VEMT_MAX_OPTIONS");

size_t vemt_job_n_options(void) { return N_OPTIONS; }

const vemt_job_option *vemt_job_option_at(size_t k) {
    return k < N_OPTIONS ? &options[k].o : NULL;
}

int vemt_job_option_find(const char *name) {
    for (size_t k = 0; k < N_OPTIONS; k++)
        if (!strcmp(options[k].o.name, name)) return (int)k;
    return -1;
}

/* --time-start and --time-end: the first second of the start, and one past
 * the last second of the end, in the analysis calendar (read again in
 * vemt_job_finish() once --time-zone is known; zone NULL: UTC, to check the
 * value when it is given). */
static bool set_time(bool start, const char *v, const vemt_tz *zone,
                     vemt_job *a) {
    int64_t s, e;
    if (!vemt_ingest_parse_time(v, zone, &s, &e)) return false;
    if (start)
        a->time_start = v, a->time_start_utc = s;
    else
        a->time_end = v, a->time_end_utc = e + 1;
    return true;
}

static bool set_seed(const char *v, vemt_job *a) {
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 10);
    if (*end || errno || *v == '-' || !*v) return false;
    a->seed = s;
    a->seed_given = true;
    return true;
}

/* The trend options whose value is one of a few words. */
static bool trend_choice(opt_id id, const char *v, vemt_job *a,
                         vemt_error *err) {
    if (id == O_TIME_STEP) {
        char *end;
        long d = strtol(v, &end, 10);
        if (!strcmp(v, "month"))
            a->time_step = 0;
        else if (!strcmp(v, "week"))
            a->time_step = 1;
        else if (!strcmp(v, "day"))
            a->time_step = 2, a->step_days = 1;
        else if (end != v && !strcmp(end, "d") && d >= 1 && d <= 3660)
            a->time_step = 2, a->step_days = (int)d;
        else
            return fail(err, "--time-step must be month, week, day or Nd", v);
    } else if (id == O_TIME_WEIGHTING) {
        if (strcmp(v, "aoristic") && strcmp(v, "start"))
            return fail(err, "--time-weighting must be aoristic or start", v);
        a->time_at_start = !strcmp(v, "start");
    } else if (id == O_WINDOW) {
        static const char w[][16] = {"cube", "neighbourhood", "individual"};
        int k = 0;
        while (k < 3 && strcmp(v, w[k])) k++;
        if (k == 3)
            return fail(err,
                        "--global-window must be cube, neighbourhood or "
                        "individual",
                        v);
        a->global_window = k;
    } else if (id == O_COUNT) {
        if (strcmp(v, "events") && strcmp(v, "subjects"))
            return fail(err, "--count must be events or subjects", v);
        a->count_subjects = !strcmp(v, "subjects");
    } else {
        if (strcmp(v, "on") && strcmp(v, "off"))
            return fail(err, "--fdr must be on or off", v);
        a->fdr = !strcmp(v, "on");
    }
    return true;
}

/* Options that take a value. Returns false on a usage error. */
static bool take_value(opt_id id, const char *opt, const char *v, vemt_job *a,
                       vemt_error *err) {
    const char **text[] = {[O_BOUNDARY] = &a->boundary,
                           [O_OUT] = &a->out,
                           [O_GEOJSON] = &a->geojson_dir,
                           [O_KEY] = &a->key_file,
                           [O_CONFIG] = &a->config,
                           [O_POSTCODES] = &a->postcodes,
                           [O_CRS] = &a->crs,
                           [O_ANALYSIS_CRS] = &a->analysis_crs,
                           [O_CATEGORIES] = &a->categories,
                           [O_EXCLUDE] = &a->exclude_categories,
                           [O_QGIS] = &a->qgis_project,
                           [O_ATTRIBUTION] = &a->attribution,
                           [O_BOARD_PACK] = &a->board_pack,
                           [O_MARKING] = &a->marking,
                           [O_TIME_ZONE] = &a->time_zone,
                           [O_INPUT_TIME_ZONE] = &a->input_time_zone};
    double minutes;
    switch (id) {
        case O_INCIDENTS:
        case O_MISSING:
            if (!add_input(a, v,
                           id == O_MISSING ? VEMT_SOURCE_MISSING
                                           : VEMT_SOURCE_INCIDENTS))
                return fail(err, "too many input files", opt);
            return true;
        case O_TIME_STEP:
        case O_TIME_WEIGHTING:
        case O_WINDOW:
        case O_COUNT:
        case O_FDR:
            return trend_choice(id, v, a, err);
        case O_PLACE_RADIUS:
            return number(v, 1, 5000, &a->place_radius) ||
                   fail(err, "--place-radius needs metres from 1 to 5000", v);
        case O_MIN_CHILDREN:
        case O_PATROL_HOURS:
        case O_PATROL_TOP:
            if (!number(v, 1, id == O_PATROL_HOURS ? 24 : 1000, &minutes))
                return fail(err, "needs a whole number", opt);
            if (id == O_MIN_CHILDREN)
                a->min_children = (long)minutes;
            else if (id == O_PATROL_HOURS)
                a->patrol_hours = (int)minutes;
            else
                a->patrol_top = (int)minutes;
            return true;
        case O_REPORT:
            a->report = v;
            return true;
        case O_PALETTE:
            if (!strcmp(v, "esri"))
                a->palette = 0;
            else if (!strcmp(v, "colourblind") || !strcmp(v, "colorblind"))
                a->palette = 1;
            else
                return fail(err, "--palette must be esri or colourblind", v);
            return true;
        case O_TIER:
            if (!strcmp(v, "restricted"))
                a->tier = 0;
            else if (!strcmp(v, "partner"))
                a->tier = 1;
            else if (!strcmp(v, "public"))
                a->tier = 2;
            else
                return fail(err, "--tier must be restricted, partner or public",
                            v);
            return true;
        case O_SUPPRESS:
            return number(v, 2, 1000, &a->suppress_below) ||
                   fail(err, "--suppress-below needs a count from 2 to 1000",
                        v);
        case O_ROUND:
            return number(v, 1, 100, &a->round_to) ||
                   fail(err, "--round-to needs a whole number from 1 to 100",
                        v);
        case O_TIME_START:
        case O_TIME_END:
            return set_time(id == O_TIME_START, v, NULL, a) ||
                   fail(
                       err,
                       id == O_TIME_START
                           ? "--time-start needs a date (2024-03 or 2024-03-01)"
                           : "--time-end needs a date (2024-03 or 2024-03-31)",
                       v);
        case O_TIME_LAG:
            if (!number(v, 0, 52, &minutes))
                return fail(err, "--time-lag needs a whole number 0-52", v);
            a->time_lag = (int)minutes;
            return true;
        case O_DATE_ORDER:
            if (strcmp(v, "dmy") && strcmp(v, "mdy"))
                return fail(err, "--date-order must be dmy or mdy", v);
            a->month_first = !strcmp(v, "mdy");
            return true;
        case O_MERGE_M:
            return number(v, 0, 1e5, &a->merge_m) ||
                   fail(err, "--merge-distance needs metres (0-100000)", v);
        case O_MERGE_MIN:
            if (!number(v, 0, 1e6, &minutes))
                return fail(err, "--merge-time needs minutes", v);
            a->merge_s = minutes * 60;
            return true;
        case O_MAX_REJECT:
            return number(v, 0, 1, &a->max_reject_rate) ||
                   fail(err, "--max-reject-rate needs a number 0-1", v);
        case O_CELL:
            return number(v, 1, 1e6, &a->cell_size_m) ||
                   fail(err, "--cell-size needs a number of metres >= 1", v);
        case O_SEED:
            return set_seed(v, a) ||
                   fail(err, "--seed needs a whole number >= 0", v);
        case O_KIND:
            return parse_kind(v, a) ||
                   fail(err,
                        "--kind must be incident, missing_from, found_at or "
                        "all",
                        v);
        default:
            *text[id] = v;
            return true;
    }
}

/* The flags: options without a value. */
static void set_flag(opt_id id, vemt_job *a) {
    if (id == O_HELP) return; /* the program's business */
    bool *flag[] = {[O_DEMO] = &a->demo,
                    [O_QUIET] = &a->quiet,
                    [O_FORCE] = &a->force,
                    [O_NO_TRENDS] = &a->no_trends,
                    [O_WORLD] = &a->allow_world_readable,
                    [O_SPREAD_MONTHS] = &a->spread_months};
    *flag[id] = true;
}

static bool give(vemt_job *a, size_t k, const char *v, vemt_error *err) {
    if (k >= N_OPTIONS)
        return fail(err, "internal error: no such option", NULL);
    const char *opt = options[k].o.name;
    bool known = true, ok = true;
    a->given[k] = true;
    switch (options[k].id) {
        case O_ANALYSIS:
            ok = vemt_job_analysis_option(opt, v, a, err, &known);
            break;
        case O_ANALYSIS_FLAG:
            known = vemt_job_analysis_flag(opt, a);
            break;
        case O_HELP:
        case O_DEMO:
        case O_QUIET:
        case O_FORCE:
        case O_NO_TRENDS:
        case O_WORLD:
        case O_SPREAD_MONTHS:
            set_flag(options[k].id, a);
            break;
        default:
            ok = take_value(options[k].id, opt, v, a, err);
    }
    /* A table entry its parser does not know is a bug the option tests
     * catch (tests/test_job.c). */
    return known ? ok : fail(err, "internal error: no parser for", opt);
}

vemt_status vemt_job_give(vemt_job *a, size_t k, const char *value,
                          vemt_error *err) {
    const char *v = value;
    if (value && !(v = vemt_job_keep(a, value)))
        return vemt_error_set(err, VEMT_E_NOMEM, "out of memory");
    return give(a, k, v, err) ? VEMT_OK : err->code;
}

vemt_status vemt_job_add_input(vemt_job *a, const char *path,
                               vemt_source_kind kind, vemt_error *err) {
    const char *p = vemt_job_keep(a, path);
    if (!p) return vemt_error_set(err, VEMT_E_NOMEM, "out of memory");
    if (!add_input(a, p, kind))
        return vemt_error_set(err, VEMT_E_ARG, "too many input files");
    return VEMT_OK;
}

void vemt_job_init(vemt_job *a, vemt_job_command command) {
    memset(a, 0, sizeof *a);
    a->command = command;
    a->kinds = 1u << VEMT_KIND_INCIDENT;
    a->kind_name = "incident";
    a->seed = 1;
    a->merge_m = 50;
    a->merge_s = 3600;
    a->max_reject_rate = -1;
    a->time_lag = 1;
    a->time_zone = a->input_time_zone = VEMT_TZ_DEFAULT;
    a->fdr = true;
    a->place_radius = 100;
    a->min_children = 3;
    a->patrol_hours = 3;
    a->patrol_top = 10;
    vemt_job_analysis_defaults(a);
}

void vemt_job_clear(vemt_job *a) {
    vemt_tz_destroy(a->tz);
    vemt_tz_destroy(a->input_tz);
    for (size_t i = 0; i < a->n_owned; i++) vemt_free(a->owned[i]);
    vemt_free(a->owned);
    memset(a, 0, sizeof *a);
}

/* With --demo, inputs default to the bundled demo data. */
static bool apply_demo(vemt_job *a, vemt_error *err) {
    const char *dir = a->demo_dir ? a->demo_dir : VEMT_DEMO_DIR;
    static const char names[][24] = {"incidents.csv", "missing.csv",
                                     "boundary.geojson"};
    const char *paths[3];
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!(paths[i] = vemt_job_keep(a, path)))
            return vemt_error_set(err, VEMT_E_NOMEM, "out of memory"), false;
    }
    if (a->n_inputs == 0) {
        add_input(a, paths[0], VEMT_SOURCE_INCIDENTS);
        add_input(a, paths[1], VEMT_SOURCE_MISSING);
    }
    if (!a->boundary) a->boundary = paths[2];
    if (!a->out) a->out = "vemt-demo.gpkg";
    return true;
}

/* Load the zone called name for option opt into *tz (any zone there was
 * freed first). */
static bool load_zone(const char *opt, const char *name, vemt_tz **tz,
                      vemt_error *err) {
    vemt_tz_destroy(*tz);
    *tz = NULL;
    vemt_status st = vemt_tz_load(NULL, name, tz);
    if (st == VEMT_E_NOMEM)
        return vemt_error_set(err, st, "out of memory"), false;
    if (st == VEMT_E_IO)
        return vemt_error_set(err, VEMT_E_ARG,
                              "%s: the time zone file of \"%s\" can't be read",
                              opt, name),
               false;
    if (st)
        return vemt_error_set(err, VEMT_E_ARG,
                              "%s: no time zone called \"%s\" in the "
                              "system's tzdata (an IANA name such as "
                              "Europe/London or UTC)",
                              opt, name),
               false;
    return true;
}

/* The zones, and the clip dates read in the analysis calendar. */
static bool finish_time(vemt_job *a, vemt_error *err) {
    if (!load_zone("--time-zone", a->time_zone, &a->tz, err) ||
        !load_zone("--input-time-zone", a->input_time_zone, &a->input_tz, err))
        return false;
    if (a->time_start && !set_time(true, a->time_start, a->tz, a))
        return fail(err, "--time-start needs a date", a->time_start);
    if (a->time_end && !set_time(false, a->time_end, a->tz, a))
        return fail(err, "--time-end needs a date", a->time_end);
    return true;
}

vemt_status vemt_job_finish(vemt_job *a, vemt_error *err) {
    vemt_tier_defaults(a);
    if (a->demo && !apply_demo(a, err)) return err->code;
    if (a->n_inputs == 0)
        return fail(err, "no input: give --incidents or --missing, or --demo",
                    NULL),
               err->code;
    if (!a->out)
        return fail(err, "--out PATH.gpkg is required", NULL), err->code;
    if (!vemt_job_parse_edges(a->nr_space, a->nr_space_m, VEMT_MAX_EDGES,
                              &a->n_nr_space) ||
        !vemt_job_parse_edges(a->nr_time, a->nr_time_days, VEMT_MAX_EDGES,
                              &a->n_nr_time))
        return fail(err, "bad near-repeat band edges", NULL), err->code;
    /* The public tier's rules on what was given; an automatic cell size is
     * checked when it is chosen. */
    if (vemt_tier_check_options(a, err)) return err->code;
    if (a->command == VEMT_JOB_RUN &&
        vemt_tier_check_cell(
            a, a->cell_size_m > 0 ? a->cell_size_m : (double)INFINITY, err))
        return err->code;
    if (!finish_time(a, err)) return err->code;
    if (a->forecast && a->no_trends)
        return fail(err,
                    "--forecast and --backtest forecast the trend analysis's "
                    "calendar steps: drop --no-trends",
                    NULL),
               err->code;
    if (a->scan && a->no_trends)
        return fail(err,
                    "--scan counts events in the trend analysis's calendar "
                    "steps: drop --no-trends",
                    NULL),
               err->code;
    return VEMT_OK;
}
