/** @file args.c
 * @brief Command-line parsing: every problem is one line and a hint.
 */
#include "cli/args.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/vemt.h"

void vemt_args_usage(FILE *out, vemt_command command) {
    if (command == VEMT_CMD_RUN) {
        fputs(
            "usage: vemt run [options]\n"
            "\n"
            "Read agency exports, count events on a grid over the study area,\n"
            "compute Getis-Ord Gi* hot spots and write a GeoPackage.\n"
            "\n"
            "inputs:\n"
            "  --incidents PATH     incident CSV (repeatable): id, "
            "occurred_at,\n"
            "                       easting, northing, category[, subject_id]\n"
            "  --missing PATH       missing-episode CSV (repeatable): "
            "episode_id,\n"
            "                       child_id, missing_at, returned_at, "
            "from_easting,\n"
            "                       from_northing, found_easting, "
            "found_northing\n"
            "  --boundary PATH      study-area polygon, any format GDAL reads\n"
            "  --key-file PATH      key for pseudonyms of child/subject ids "
            "(else\n"
            "                       $VEMT_PSEUDONYM_KEY, else a random key per "
            "run)\n"
            "  --demo               use the bundled demo data (fixtures/demo)\n"
            "analysis:\n"
            "  --cell-size METRES   grid cell size (default: chosen from the "
            "extent)\n"
            "  --kind KIND          events counted in cells: incident "
            "(default),\n"
            "                       missing_from, found_at or all\n"
            "  --seed N             seed for random numbers (default 1)\n"
            "outputs:\n"
            "  --out PATH.gpkg      GeoPackage to write (default with --demo:\n"
            "                       vemt-demo.gpkg)\n"
            "  --geojson-dir DIR    also write one GeoJSON file per layer\n"
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
        "\n"
        "Run 'vemt run --help' for the options of run.\n",
        out);
}

static bool fail(FILE *err, const char *msg, const char *what) {
    fprintf(err, "vemt: %s%s%s\n", msg, what ? ": " : "", what ? what : "");
    fputs("Try 'vemt run --help' for more information.\n", err);
    return false;
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

/* Options that take a value. Returns false on a usage error. */
static bool take_value(const char *opt, const char *v, vemt_args *a,
                       FILE *err) {
    char *end;
    if (!strcmp(opt, "--incidents") || !strcmp(opt, "--missing")) {
        bool inc = opt[2] == 'i';
        int *n = inc ? &a->n_incidents : &a->n_missing;
        if (*n >= VEMT_MAX_INPUTS)
            return fail(err, "too many input files", opt);
        (inc ? a->incidents : a->missing)[(*n)++] = v;
    } else if (!strcmp(opt, "--boundary")) {
        a->boundary = v;
    } else if (!strcmp(opt, "--out")) {
        a->out = v;
    } else if (!strcmp(opt, "--geojson-dir")) {
        a->geojson_dir = v;
    } else if (!strcmp(opt, "--key-file")) {
        a->key_file = v;
    } else if (!strcmp(opt, "--cell-size")) {
        errno = 0;
        a->cell_size_m = strtod(v, &end);
        if (*end || errno || !(a->cell_size_m >= 1) ||
            !isfinite(a->cell_size_m))
            return fail(err, "--cell-size needs a number of metres >= 1", v);
    } else if (!strcmp(opt, "--seed")) {
        errno = 0;
        unsigned long long s = strtoull(v, &end, 10);
        if (*end || errno || *v == '-' || !*v)
            return fail(err, "--seed needs a whole number >= 0", v);
        a->seed = s;
        a->seed_given = true;
    } else if (!strcmp(opt, "--kind")) {
        if (!parse_kind(v, a))
            return fail(
                err, "--kind must be incident, missing_from, found_at or all",
                v);
    } else {
        return fail(err, "unknown option", opt);
    }
    return true;
}

static bool is_flag(const char *opt, vemt_args *a) {
    if (!strcmp(opt, "--help") || !strcmp(opt, "-h"))
        a->help = true;
    else if (!strcmp(opt, "--demo"))
        a->demo = true;
    else if (!strcmp(opt, "--quiet"))
        a->quiet = true;
    else
        return false;
    return true;
}

static bool parse_run(int argc, char **argv, int i, vemt_args *a, FILE *err) {
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (is_flag(opt, a)) continue;
        if (strncmp(opt, "--", 2) != 0)
            return fail(err, "unexpected argument", opt);
        const char *eq = strchr(opt, '=');
        char name[64];
        const char *v;
        if (eq) { /* --name=value */
            snprintf(name, sizeof name, "%.*s", (int)(eq - opt), opt);
            opt = name;
            v = eq + 1;
        } else {
            if (i + 1 >= argc) return fail(err, "missing value for", opt);
            v = argv[++i];
        }
        if (!take_value(opt, v, a, err)) return false;
    }
    if (a->help) return true;
    if (!a->demo && a->n_incidents == 0 && a->n_missing == 0)
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
    if (!strcmp(cmd, "run")) {
        a->command = VEMT_CMD_RUN;
        return parse_run(argc, argv, 2, a, err);
    }
    return fail(err, cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}
