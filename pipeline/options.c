/** @file args.c
 * @brief Command-line parsing: every problem is one line and a hint.
 */
#include "cli/args.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/disclose.h"
#include "engine/vemt.h"

static const char usage_inputs[] =
    "inputs:\n"
    "  --incidents PATH     incidents (repeatable): CSV (any delimiter, .gz\n"
    "                       too), XLSX, ODS or a GIS file; vemt's columns, or\n"
    "                       police.uk street-level / stop-and-search exports\n"
    "  --missing PATH       missing-episode file (repeatable): episode_id,\n"
    "                       child_id, missing_at, returned_at, from_easting,\n"
    "                       from_northing, found_easting, found_northing, ...\n"
    "  --config JOB.json    job file (JSON): any other option, named\n"
    "                       without its dashes (- or _ inside both work):\n"
    "                       {\"incidents\": [\"a.csv\", {\"path\": "
    "\"b.xlsx\",\n"
    "                       \"crs\": \"EPSG:4326\", \"date_order\": \"mdy\",\n"
    "                       \"columns\": {\"occurred_at\": \"Date\"}}],\n"
    "                       \"cell_size\": 250, \"no_kde\": true}; true gives "
    "a\n"
    "                       flag; paths are relative to the job file; an\n"
    "                       option on the command line replaces the job's\n"
    "  --crs CRS            CRS of the inputs' coordinates (default "
    "EPSG:27700\n"
    "                       for easting/northing, EPSG:4326 for lon/lat)\n"
    "  --analysis-crs CRS   CRS everything is transformed to and analysed in\n"
    "                       (default " VEMT_ANALYSIS_CRS_DEFAULT
    "); projected, in metres, e.g.\n"
    "                       EPSG:32630 (UTM zone 30N), WKT or a PROJ string\n"
    "  --date-order dmy|mdy order of dd/mm/yyyy dates (default dmy)\n"
    "  --postcodes PATH     postcode lookup (ONS Postcode Directory columns\n"
    "                       pcds + oseast1m/osnrth1m or lat/long)\n"
    "  --categories LIST    analyse only these categories: a,b,c or /regex/\n"
    "  --exclude-categories LIST  leave these categories out\n"
    "  --merge-distance M   cross-source duplicates: same subject within M\n"
    "                       metres (default 50) and\n"
    "  --merge-time MIN     MIN minutes (default 60) are merged\n"
    "  --max-reject-rate R  fail (exit 1) when more than R (0-1) of a file's\n"
    "                       rows are rejected\n"
    "  --boundary PATH      study-area polygon, any format GDAL reads\n"
    "  --key-file PATH      key for pseudonyms of child/subject ids (else\n"
    "                       $VEMT_PSEUDONYM_KEY, else a random key per run)\n"
    "  --demo               use the bundled demo data (fixtures/demo)\n";

void vemt_args_usage(FILE *out, vemt_command command) {
    if (command == VEMT_CMD_RUN || command == VEMT_CMD_INGEST) {
        bool run = command == VEMT_CMD_RUN;
        fputs(run ? "usage: vemt run [options]\n\n"
                    "Read agency exports, count events on a grid over the "
                    "study area,\ncompute Getis-Ord Gi* hot spots and write a "
                    "GeoPackage.\n\n"
                  : "usage: vemt ingest [options] --out PATH.gpkg\n\n"
                    "Read and normalise the inputs only: write the events, "
                    "rejects and\nmerges layers, so the data can be checked "
                    "before any analysis.\n\n",
              out);
        fputs(usage_inputs, out);
        if (run)
            fputs(
                "analysis:\n"
                "  --cell-size METRES   grid cell size (default: chosen "
                "from the extent)\n"
                "  --kind KIND          events counted in cells: incident "
                "(default),\n"
                "                       missing_from, found_at or all\n"
                "  --seed N             seed for random numbers (default "
                "1)\n"
                "  --fdr on|off         control the false discovery rate of "
                "gi_bin (on)\n",
                out);
        if (run) vemt_args_analysis_usage(out);
        if (run)
            fputs(
                "trends (space-time cube, emerging hot spots):\n"
                "  --time-step S        month (default), week, day or Nd\n"
                "  --time-start DATE    clip the cube (and --time-end DATE)\n"
                "  --time-weighting W   aoristic (default: events spread "
                "over the steps\n"
                "                       their time range overlaps) or start\n"
                "  --time-lag K         neighbours in the K previous steps "
                "(default 1)\n"
                "  --global-window W    cube (default), neighbourhood or "
                "individual\n"
                "  --count C            events (default) or subjects "
                "(distinct children)\n"
                "  --no-trends          skip the trend analysis\n"
                "safeguarding:\n"
                "  --place-radius M     group places within M metres "
                "(default 100)\n"
                "  --min-children N     locations of concern: places linked "
                "to N or more\n"
                "                       children (default 3)\n"
                "  --patrol-window-hours H, --patrol-top N   patrol windows "
                "(3, 10)\n"
                "  --report PATH.md     also write the run summary as "
                "Markdown\n"
                "disclosure control:\n"
                "  --tier T             restricted (default: everything), "
                "partner or public\n"
                "                       (aggregates only, small counts "
                "suppressed)\n"
                "  --suppress-below N   smallest count published (default 5 "
                "partner,\n"
                "                       10 public)\n"
                "  --round-to N         round published counts to multiples "
                "of N\n"
                "                       (default 5 partner and public; 1: "
                "exact)\n"
                "  --allow-world-readable  write a restricted output into a "
                "folder\n"
                "                       others can read\n",
                out);
        fputs(
            "outputs:\n"
            "  --out PATH.gpkg      GeoPackage to write (default with "
            "--demo:\n"
            "                       vemt-demo.gpkg)\n"
            "  --geojson-dir DIR    also write one GeoJSON file per layer\n"
            "  --qgis-project PATH  also write a QGIS project (.qgs or .qgz) "
            "that\n"
            "                       opens the layers styled and time-enabled\n"
            "  --attribution TEXT   data attribution to record in the outputs\n"
            "  --force              overwrite an output that is not vemt's\n"
            "  --quiet              print only errors\n"
            "\n"
            "exit status: 0 success, 1 bad input, 2 bad usage, 3 internal "
            "error\n",
            out);
        return;
    }
    fputs(
        "usage: vemt [--help] [--version] <command> [options]\n"
        "\n"
        "vemt finds hot spots and trends of child sexual exploitation and\n"
        "missing-child episodes for safeguarding partnerships.\n"
        "\n"
        "commands:\n"
        "  run      ingest exports, find hot spots, write a GeoPackage\n"
        "  ingest   only read and normalise the exports (events, rejects)\n"
        "  check-disclosure PATH.gpkg [--tier public|partner]\n"
        "           report every feature that breaks the tier's rules\n"
        "\n"
        "Run 'vemt run --help' for the options of run.\n",
        out);
}

bool vemt_args_fail(FILE *err, const char *msg, const char *what) {
    fprintf(err, "vemt: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
    fputs("Try 'vemt run --help' for more information.\n", err);
    return false;
}

static bool fail(FILE *err, const char *msg, const char *what) {
    return vemt_args_fail(err, msg, what);
}

bool vemt_args_add_input(vemt_args *a, const char *path, vemt_source_kind k) {
    if (a->n_inputs >= VEMT_MAX_INPUTS) return false;
    vemt_input_arg *in = &a->inputs[a->n_inputs++];
    memset(in, 0, sizeof *in);
    in->path = path;
    in->kind = k;
    in->date_order = -1;
    return true;
}

static bool parse_kind(const char *v, vemt_args *a) {
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
    O_MERGE_M,
    O_MERGE_MIN,
    O_MAX_REJECT,
    O_CELL,
    O_SEED,
    O_KIND,
    O_ANALYSIS,      /* a value parsed by cli/args_analysis.c */
    O_ANALYSIS_FLAG, /* a flag set by cli/args_analysis.c */
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
 * the help text. The command line and job files (cli/job.c) both look
 * options up here and give them through give(), so they accept the same
 * options with the same checks. */
static const struct {
    vemt_option o;
    opt_id id;
} options[] = {
    /* inputs */
    {{"--incidents", PATH | VEMT_OPT_REPEAT}, O_INCIDENTS},
    {{"--missing", PATH | VEMT_OPT_REPEAT}, O_MISSING},
    {{"--config", PATH | CLI}, O_CONFIG},
    {{"--crs", VAL}, O_CRS},
    {{"--analysis-crs", VAL}, O_ANALYSIS_CRS},
    {{"--date-order", VAL}, O_DATE_ORDER},
    {{"--postcodes", PATH}, O_POSTCODES},
    {{"--categories", VAL}, O_CATEGORIES},
    {{"--exclude-categories", VAL}, O_EXCLUDE},
    {{"--merge-distance", VAL}, O_MERGE_M},
    {{"--merge-time", VAL}, O_MERGE_MIN},
    {{"--max-reject-rate", VAL}, O_MAX_REJECT},
    {{"--boundary", PATH}, O_BOUNDARY},
    {{"--key-file", PATH}, O_KEY},
    {{"--demo", 0}, O_DEMO},
    /* analysis */
    {{"--cell-size", VAL}, O_CELL},
    {{"--kind", VAL}, O_KIND},
    {{"--seed", VAL}, O_SEED},
    {{"--fdr", VAL}, O_FDR},
    /* hot-spot units and weights (cli/args_analysis.c) */
    {{"--grid", VAL}, O_ANALYSIS},
    {{"--areas", PATH}, O_ANALYSIS},
    {{"--area-id", VAL}, O_ANALYSIS},
    {{"--area-name", VAL}, O_ANALYSIS},
    {{"--weights", VAL}, O_ANALYSIS},
    {{"--distance-band", VAL}, O_ANALYSIS},
    {{"--k", VAL}, O_ANALYSIS},
    {{"--permutations", VAL}, O_ANALYSIS},
    {{"--threads", VAL}, O_ANALYSIS},
    /* clusters and density (cli/args_analysis.c) */
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
    /* near repeats and co-location (cli/args_analysis.c) */
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
    /* trends */
    {{"--time-step", VAL}, O_TIME_STEP},
    {{"--time-start", VAL}, O_TIME_START},
    {{"--time-end", VAL}, O_TIME_END},
    {{"--time-weighting", VAL}, O_TIME_WEIGHTING},
    {{"--time-lag", VAL}, O_TIME_LAG},
    {{"--global-window", VAL}, O_WINDOW},
    {{"--count", VAL}, O_COUNT},
    {{"--no-trends", 0}, O_NO_TRENDS},
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
    {{"--force", 0}, O_FORCE},
    {{"--quiet", 0}, O_QUIET},
    {{"--help", CLI}, O_HELP},
};

#undef VAL
#undef PATH
#undef CLI

#define N_OPTIONS (sizeof options / sizeof options[0])
_Static_assert(N_OPTIONS <= VEMT_MAX_OPTIONS, "raise VEMT_MAX_OPTIONS");

size_t vemt_args_n_options(void) { return N_OPTIONS; }

const vemt_option *vemt_args_option(size_t k) {
    return k < N_OPTIONS ? &options[k].o : NULL;
}

int vemt_args_option_find(const char *name) {
    for (size_t k = 0; k < N_OPTIONS; k++)
        if (!strcmp(options[k].o.name, name)) return (int)k;
    return -1;
}

static bool set_seed(const char *v, vemt_args *a) {
    char *end;
    errno = 0;
    unsigned long long s = strtoull(v, &end, 10);
    if (*end || errno || *v == '-' || !*v) return false;
    a->seed = s;
    a->seed_given = true;
    return true;
}

/* The trend options whose value is one of a few words. */
static bool trend_choice(opt_id id, const char *v, vemt_args *a, FILE *err) {
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
static bool take_value(opt_id id, const char *opt, const char *v, vemt_args *a,
                       FILE *err) {
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
                           [O_ATTRIBUTION] = &a->attribution};
    double minutes;
    switch (id) {
        case O_INCIDENTS:
        case O_MISSING:
            if (!vemt_args_add_input(a, v,
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
            *(id == O_TIME_START ? &a->time_start : &a->time_end) = v;
            return true;
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
static void set_flag(opt_id id, vemt_args *a) {
    bool *flag[] = {
        [O_HELP] = &a->help,           [O_DEMO] = &a->demo,
        [O_QUIET] = &a->quiet,         [O_FORCE] = &a->force,
        [O_NO_TRENDS] = &a->no_trends, [O_WORLD] = &a->allow_world_readable};
    *flag[id] = true;
}

bool vemt_args_give(vemt_args *a, size_t k, const char *v, FILE *err) {
    if (k >= N_OPTIONS)
        return fail(err, "internal error: no such option", NULL);
    const char *opt = options[k].o.name;
    bool known = true, ok = true;
    a->given[k] = true;
    switch (options[k].id) {
        case O_ANALYSIS:
            ok = vemt_args_analysis_option(opt, v, a, err, &known);
            break;
        case O_ANALYSIS_FLAG:
            known = vemt_args_analysis_flag(opt, a);
            break;
        case O_HELP:
        case O_DEMO:
        case O_QUIET:
        case O_FORCE:
        case O_NO_TRENDS:
        case O_WORLD:
            set_flag(options[k].id, a);
            break;
        default:
            ok = take_value(options[k].id, opt, v, a, err);
    }
    /* A table entry its parser does not know is a bug the option tests
     * catch (tests/test_job.c). */
    return known ? ok : fail(err, "internal error: no parser for", opt);
}

static bool one_option(int argc, char **argv, int *i, vemt_args *a, FILE *err) {
    const char *opt = argv[*i], *v = NULL;
    if (!strcmp(opt, "-h")) opt = "--help";
    if (strncmp(opt, "--", 2) != 0)
        return fail(err, "unexpected argument", opt);
    const char *eq = strchr(opt, '=');
    char name[40];
    if (eq) { /* --name=value */
        snprintf(name, sizeof name, "%.*s", (int)(eq - opt), opt);
        opt = name;
        v = eq + 1;
    }
    int k = vemt_args_option_find(opt);
    if (k < 0) return fail(err, "unknown option", opt);
    if (!(options[k].o.flags & VEMT_OPT_VALUE)) {
        if (eq) return fail(err, "option takes no value", opt);
    } else if (!eq) {
        if (*i + 1 >= argc) return fail(err, "missing value for", opt);
        v = argv[++*i];
    }
    return vemt_args_give(a, (size_t)k, v, err);
}

static bool parse_command(int argc, char **argv, vemt_args *a, FILE *err) {
    for (int i = 2; i < argc; i++)
        if (!one_option(argc, argv, &i, a, err)) return false;
    if (a->help) return true;
    if (a->config && !vemt_job_apply(a->config, a, err)) return false;
    vemt_tier_defaults(a);
    if (!a->demo && a->n_inputs == 0)
        return fail(err, "no input: give --incidents or --missing, or --demo",
                    NULL);
    if (!a->demo && !a->out)
        return fail(err, "--out PATH.gpkg is required", NULL);
    return true;
}

bool vemt_args_parse(int argc, char **argv, vemt_args *a, FILE *err) {
    memset(a, 0, sizeof *a);
    a->kinds = 1u << VEMT_KIND_INCIDENT;
    a->kind_name = "incident";
    a->seed = 1;
    a->merge_m = 50;
    a->merge_s = 3600;
    a->max_reject_rate = -1;
    a->time_lag = 1;
    a->fdr = true;
    a->place_radius = 100;
    a->min_children = 3;
    a->patrol_hours = 3;
    a->patrol_top = 10;
    vemt_args_analysis_defaults(a);
    if (argc < 2) return fail(err, "no command given", NULL);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        a->command = VEMT_CMD_HELP;
        return true;
    }
    if (!strcmp(cmd, "--version")) {
        a->command = VEMT_CMD_VERSION;
        return true;
    }
    if (!strcmp(cmd, "check-disclosure")) {
        a->command = VEMT_CMD_CHECK;
        a->tier = 2;
        for (int i = 2; i < argc; i++) {
            if (argv[i][0] == '-') {
                if (!one_option(argc, argv, &i, a, err)) return false;
            } else if (!a->check_path) {
                a->check_path = argv[i];
            } else {
                return fail(err, "unexpected argument", argv[i]);
            }
        }
        return a->help || a->check_path ||
               fail(err, "check-disclosure needs a GeoPackage", NULL);
    }
    if (!strcmp(cmd, "run") || !strcmp(cmd, "ingest")) {
        a->command = cmd[0] == 'r' ? VEMT_CMD_RUN : VEMT_CMD_INGEST;
        return parse_command(argc, argv, a, err);
    }
    return fail(err, cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}

void vemt_args_clear(vemt_args *a) {
    if (a->job) json_object_put(a->job);
    a->job = NULL;
}
