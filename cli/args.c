/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file args.c
 * @brief Command-line parsing: every problem is one line and a hint.
 */
#include "cli/args.h"

#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline.h"

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
    "  --input-time-zone Z  zone of input times without an offset and of\n"
    "                       date and month labels (default Europe/London)\n"
    "  --postcodes PATH     postcode lookup (ONS Postcode Directory columns\n"
    "                       pcds + oseast1m/osnrth1m or lat/long)\n"
    "  --categories LIST    analyse only these categories: a,b,c or /regex/\n"
    "  --exclude-categories LIST  leave these categories out\n"
    "  --merge-distance M   cross-source duplicates: same subject within M\n"
    "                       metres (default 50) and\n"
    "  --merge-time MIN     MIN minutes (default 60) are merged\n"
    "  --max-reject-rate R  fail (exit 1) when more than R (0-1) of a file's\n"
    "                       rows are rejected\n"
    "  --centroids          GIS inputs: a line, polygon or multipoint event\n"
    "                       is located at its centroid (else rejected)\n"
    "  --max-memory SIZE    stop (exit 2) before arrays that would need more\n"
    "                       (512M, 4G, bytes; default 80 % of physical "
    "memory)\n"
    "  --boundary PATH      study-area polygon, any format GDAL reads\n"
    "  --boundary-where SQL keep the boundary features matching an OGR SQL\n"
    "                       where clause (\"LAD13NM = 'Middlesbrough'\")\n"
    "  --key-file PATH      key for pseudonyms of child/subject ids (else\n"
    "                       $VEMT_PSEUDONYM_KEY, else a random key per run)\n"
    "  --demo               use the bundled demo data (fixtures/demo)\n";

/* The help of the hot-spot and cluster options. */
static void analysis_usage(FILE *out) {
    fputs(
        "hot-spot units and weights:\n"
        "  --grid square|hex    cell shape (default square; hexagons are\n"
        "                       --cell-size high, flat to flat)\n"
        "  --areas PATH         polygon units instead of a grid (wards, "
        "LSOAs,\n"
        "                       beats: any polygon layer GDAL reads, any "
        "CRS);\n"
        "                       repeatable: the layers are combined\n"
        "  --areas-where SQL    keep the --areas features matching an OGR SQL\n"
        "                       where clause (every --areas file)\n"
        "  --area-id FIELD      the units' id field (--area-name FIELD: "
        "name)\n"
        "  --label-areas PATH   polygons (any layer GDAL reads) whose names\n"
        "                       name the cells, clusters and patrol windows\n"
        "                       (\"cell 460200_524100, Middlesbrough "
        "Central\")\n"
        "  --label-field FIELD  their name field (default: guessed as for\n"
        "                       --area-name)\n"
        "  --weights W          band (grids' default), knn, queen (areas'\n"
        "                       default) or rook\n"
        "  --snap M             queen/rook of polygons: vertices within M\n"
        "                       metres meet (spdep poly2nb; default 0.001)\n"
        "  --distance-band M    band in metres, or auto (first peak of the\n"
        "                       scale profile); default cell size x sqrt 2\n"
        "  --k N                neighbours for --weights knn (default 8)\n"
        "  --permutations N     conditional permutations for gi_p_sim and\n"
        "                       lisa_p (default 999; 0: none)\n"
        "  --threads N          worker threads (default: every core)\n"
        "clusters and density:\n"
        "  --clusters LIST      dbscan,st-dbscan,hdbscan (default all; "
        "HDBSCAN\n"
        "                       only up to 200,000 events unless named) or\n"
        "                       none\n"
        "  --eps M              DBSCAN / ST-DBSCAN distance (default 200 m)\n"
        "  --min-points N       points within eps for a core point, itself\n"
        "                       included (default 5)\n"
        "  --time-eps T         ST-DBSCAN time window: Nh or Nd (default "
        "14d)\n"
        "  --dbscan-star        border points are noise (DBSCAN*)\n"
        "  --min-cluster-size N HDBSCAN smallest cluster (default 10)\n"
        "  --min-samples N      HDBSCAN core distance neighbours (default:\n"
        "                       the min cluster size)\n"
        "  --hull concave|convex  cluster outlines (default concave)\n"
        "  --concave-ratio R    GEOS concave hull ratio, 0-1 (default 0.5)\n"
        "  --kde PATH.tif       also write the density surface as GeoTIFF\n"
        "  --kde-kernel K       quartic (default), epanechnikov, triangular,\n"
        "                       uniform or gaussian\n"
        "  --kde-bandwidth M    kernel radius (default: mean distance to the\n"
        "                       5th nearest place, Williamson et al. 1998)\n"
        "  --kde-pixel M        pixel size (default: from the bandwidth)\n"
        "  --no-kde             no density surface\n"
        "near repeats and co-location:\n"
        "  --nr-space EDGES     Knox space bands, metres: [0, 1) same place,\n"
        "                       [1, 200), ... (default "
        "0,1,200,400,600,800,1000)\n"
        "  --nr-time EDGES      Knox time bands, days (default "
        "0,7,14,21,28,35)\n"
        "  --nr-distance D      manhattan (default) or euclidean\n"
        "  --no-near-repeat     skip the Knox test\n"
        "  --clq-k N            co-location neighbours (default 8)\n"
        "  --repeat-episodes N, --repeat-days D  a repeat child has N\n"
        "                       episodes within D days (default 3, 90)\n"
        "  --flag-places PATH   children's homes and other reporting places\n"
        "                       (points or polygons): their missing-from\n"
        "                       events are flagged, listed, and left out of\n"
        "                       the hot spots\n"
        "  --flag-radius M      around flagged points (default 50 m)\n"
        "  --include-flagged    keep them in the hot spots\n",
        out);
}

static const char usage_check[] =
    "usage: vemt check-disclosure PATH... [--tier public|partner]\n"
    "\n"
    "Audit the files a run publishes against the tier's rules (public by\n"
    "default). The rules are the tier's own, as vemt's table sets them:\n"
    "nothing the file says of itself is trusted, and no option loosens them.\n"
    "\n"
    "PATH is any number of:\n"
    "  a GeoPackage   every table (registered or not), column and row on the\n"
    "                 tier's allow-list; each feature's own geometry (units:\n"
    "                 polygons of at least the tier's smallest area); counts\n"
    "                 0 or at least the threshold and rounded; time steps no\n"
    "                 finer than the tier's; the provenance's keys and every\n"
    "                 other metadata item; and the linked-table audit: no\n"
    "                 withheld count of hotspot_cube or trends can be solved\n"
    "                 from the published totals (linear programming) to a\n"
    "                 range narrower than the threshold\n"
    "  a GeoJSON file or folder  each file a layer named by its file name;\n"
    "                 any other file in the folder is a problem\n"
    "  a GeoTIFF      the kde surface, when the tier publishes it; its tags\n"
    "  a QGIS project (.qgs, .qgz) well-formed XML naming allowed layers only\n"
    "  a report (.md) no coordinate pairs (eastings and northings, or\n"
    "                 degrees to 3 decimals) and no pseudonyms (20 hex\n"
    "                 digits); the report's wording is not otherwise checked\n"
    "  a board pack   its folder, its board-pack.json, or its folder inside a\n"
    "                 folder checked: the manifest's keys and tier; its "
    "tables\n"
    "                 (units, trends, missing) on the allow-list, counts \"\"\n"
    "                 (withheld) or at least the threshold and rounded; each\n"
    "                 CSV (UTF-8 with BOM, RFC 4180, CRLF) exactly the\n"
    "                 manifest's; no file the manifest does not name; series\n"
    "                 counts; counts in its words and its PDF's (\"4 "
    "events\");\n"
    "                 no street text (\"On or near\"); no number in the PDF\n"
    "                 that the manifest does not hold, but page numbers and\n"
    "                 years\n"
    "\n"
    "Prints one line per kind of problem with its count and first examples,\n"
    "then a summary.\n"
    "exit status: 0 no problem, 1 a problem (or a path that can't be read),\n"
    "2 bad usage, 3 internal error\n";

void vemt_args_usage(FILE *out, vemt_command command) {
    if (command == VEMT_CMD_CHECK) {
        fputs(usage_check, out);
        return;
    }
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
                "  --cell-size METRES   grid cell size (default: a median of "
                "3 events\n"
                "                       per non-empty cell)\n"
                "  --kind KIND          events counted in cells: incident "
                "(default),\n"
                "                       missing_from, found_at or all\n"
                "  --seed N             seed for random numbers (default "
                "1)\n"
                "  --fdr on|off         control the false discovery rate of "
                "gi_bin (on)\n",
                out);
        if (run) analysis_usage(out);
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
                "  --time-zone Z        calendar of the steps, hours and days "
                "(an IANA\n"
                "                       zone, default Europe/London)\n"
                "  --spread-months      spread month-only events evenly over "
                "the days\n"
                "                       of their month under week or day "
                "steps\n"
                "  --global-window W    cube (default), neighbourhood or "
                "individual\n"
                "  --count C            events (default) or subjects "
                "(distinct children)\n"
                "  --no-trends          skip the trend analysis\n"
                "space-time scan (Kulldorff's space-time permutation "
                "scan):\n"
                "  --scan               prospective: clusters ending in the "
                "last step\n"
                "  --scan-retrospective every window of the steps (slower)\n"
                "  --scan-max-share S   largest circle: share S of the "
                "events (0.5)\n"
                "  --scan-max-steps N   longest window in steps (half the "
                "steps)\n"
                "  --scan-replicates N  Monte Carlo replicates (999)\n"
                "  --scan-every N       steps between analyses, for the "
                "recurrence\n"
                "                       interval (1)\n"
                "forecasts:\n"
                "  --forecast           forecast the step after the data "
                "per unit:\n"
                "                       recency (Bowers et al. 2004), last "
                "step, EWMA\n"
                "  --backtest N         also forecast each of the last N "
                "steps from the\n"
                "                       data before it; hit rate, PAI and "
                "PEI\n"
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
            "                       (and on every map of the board pack)\n"
            "  --board-pack DIR     also write a board pack into DIR: maps "
            "and\n"
            "                       charts (PNG, maps with world files), "
            "tables\n"
            "                       (CSV for Excel), board-pack.pdf and its\n"
            "                       manifest board-pack.json, all of the tier\n"
            "  --marking TEXT       protective marking on every page and map\n"
            "                       (default: OFFICIAL-SENSITIVE at "
            "restricted,\n"
            "                       OFFICIAL at partner, OFFICIAL: for\n"
            "                       publication at public)\n"
            "  --palette NAME       the pack's map colours: esri (default, as "
            "the\n"
            "                       QGIS styles) or colourblind\n"
            "  --force              overwrite an output that is not vemt's\n"
            "  --quiet              print only errors\n"
            "  --timings            print each stage's wall and CPU time and "
            "memory\n"
            "                       (stderr, at the end); the provenance "
            "always\n"
            "                       records the times\n"
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
        "  check-disclosure PATH... [--tier public|partner]\n"
        "           audit published outputs against the tier's rules\n"
        "\n"
        "Run 'vemt run --help' for the options of run.\n",
        out);
}

#define HINT "Try 'vemt run --help' for more information.\n"

bool vemt_args_fail(FILE *err, const char *msg, const char *what) {
    fprintf(err, "vemt: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
    fputs(HINT, err);
    return false;
}

static bool fail(FILE *err, const char *msg, const char *what) {
    return vemt_args_fail(err, msg, what);
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
    int k = vemt_job_option_find(opt);
    if (k < 0) return fail(err, "unknown option", opt);
    if (!strcmp(opt, "--help")) {
        a->help = true;
        return true;
    }
    if (!(vemt_job_option_at((size_t)k)->flags & VEMT_OPT_VALUE)) {
        if (eq) return fail(err, "option takes no value", opt);
    } else if (!eq) {
        if (*i + 1 >= argc) return fail(err, "missing value for", opt);
        v = argv[++*i];
    }
    vemt_error e = {0};
    if (vemt_job_give(&a->job, (size_t)k, v, &e)) return fail(err, e.msg, NULL);
    return true;
}

static bool parse_command(int argc, char **argv, vemt_args *a, FILE *err) {
    for (int i = 2; i < argc; i++)
        if (!one_option(argc, argv, &i, a, err)) return false;
    if (a->help) return true;
    vemt_job *job = &a->job;
    vemt_error e = {0};
    if (job->config && vemt_job_read_file(job, job->config, &e)) {
        vemt_error_print(err, NULL, &e);
        fputs(HINT, err);
        return false;
    }
    const char *demo_dir = getenv("VEMT_DEMO_DIR");
    if (demo_dir && *demo_dir) job->demo_dir = demo_dir;
    job->pseudonym_key = getenv("VEMT_PSEUDONYM_KEY");
    if (vemt_job_finish(job, &e)) return fail(err, e.msg, NULL);
    return true;
}

/* vemt check-disclosure PATH... [--tier partner|public]: the tier is the
 * only option, since its rules are the table's (tier values are floors: no
 * --suppress-below or --round-to can loosen what is checked). */
static bool parse_check(int argc, char **argv, vemt_args *a, FILE *err) {
    a->command = VEMT_CMD_CHECK;
    a->check_tier = VEMT_TIER_PUBLIC;
    a->check_paths = calloc((size_t)argc, sizeof *a->check_paths);
    if (!a->check_paths) return fail(err, "out of memory", NULL);
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            a->help = true;
        } else if (!strncmp(arg, "--tier=", 7)) {
            v = arg + 7;
        } else if (!strcmp(arg, "--tier")) {
            if (i + 1 >= argc) return fail(err, "missing value for", arg);
            v = argv[++i];
        } else if (arg[0] == '-' && arg[1]) {
            return fail(err, "check-disclosure takes only --tier", arg);
        } else {
            a->check_paths[a->n_check_paths++] = arg;
        }
        vemt_tier t;
        if (v && (!vemt_tier_parse(v, &t) || t == VEMT_TIER_RESTRICTED))
            return fail(err, "--tier of check-disclosure is partner or public",
                        v);
        if (v) a->check_tier = (int)t;
    }
    return a->help || a->n_check_paths ||
           fail(err, "check-disclosure needs a path to check", NULL);
}

bool vemt_args_parse(int argc, char **argv, vemt_args *a, FILE *err) {
    memset(a, 0, sizeof *a);
    vemt_job_init(&a->job, VEMT_JOB_RUN);
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
    if (!strcmp(cmd, "check-disclosure"))
        return parse_check(argc, argv, a, err);
    if (!strcmp(cmd, "run") || !strcmp(cmd, "ingest")) {
        a->command = cmd[0] == 'r' ? VEMT_CMD_RUN : VEMT_CMD_INGEST;
        a->job.command = cmd[0] == 'r' ? VEMT_JOB_RUN : VEMT_JOB_INGEST;
        return parse_command(argc, argv, a, err);
    }
    return fail(err, cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}

void vemt_args_clear(vemt_args *a) {
    free(a->check_paths);
    a->check_paths = NULL;
    vemt_job_clear(&a->job);
}
