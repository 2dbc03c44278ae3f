/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_job.c
 * @brief Job files (pipeline/jobfile.c) in-process: every option of the
 * parser's table gives the same parsed options from a job file as from the
 * command line; paths relative to the job file, the command line's precedence,
 * and the messages for unknown keys, booleans and bad values.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "tests/test.h"

static char tmpdir[64];

/* One parse: the options, the words they borrow from, the messages. */
typedef struct parsed {
    vemt_args a;
    char words[4096];
    char *argv[64];
    char msg[2048];
    bool ok;
} parsed;

/* Parse "vemt LINE" in-process, LINE split at spaces; messages go into
 * msg. Free with done(). */
static parsed *parse(const char *line) {
    parsed *p = calloc(1, sizeof *p);
    if (!p) abort();
    snprintf(p->words, sizeof p->words, "vemt %s", line);
    int argc = 0;
    char *save = NULL;
    for (char *w = strtok_r(p->words, " ", &save); w && argc < 63;
         w = strtok_r(NULL, " ", &save))
        p->argv[argc++] = w;
    FILE *m = fmemopen(p->msg, sizeof p->msg - 1, "w");
    p->ok = vemt_args_parse(argc, p->argv, &p->a, m ? m : stderr);
    if (m) fclose(m);
    return p;
}

static void done(parsed *p) {
    vemt_args_clear(&p->a);
    free(p);
}

/* The first line of the messages. */
static const char *first_line(parsed *p) {
    static char line[1024];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(p->msg, "\n"), p->msg);
    return line;
}

/* Write a job file into the scratch folder; its path (static). */
static const char *write_job(const char *name, const char *json) {
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(json, f);
    fclose(f);
    return path;
}

/* Parse LINE with --config NAME holding JSON. */
static parsed *parse_job(const char *line, const char *name, const char *json) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s --config %s", line, write_job(name, json));
    return parse(cmd);
}

static bool same_text(const char *x, const char *y) {
    return (!x && !y) || (x && y && !strcmp(x, y));
}

#define N_TEXT 28

/* The text fields of the options: compared by content. */
static void text_fields(vemt_job *a, const char **f[N_TEXT]) {
    const char **all[N_TEXT] = {&a->boundary,       &a->out,
                                &a->geojson_dir,    &a->key_file,
                                &a->postcodes,      &a->crs,
                                &a->categories,     &a->exclude_categories,
                                &a->qgis_project,   &a->attribution,
                                &a->kind_name,      &a->time_start,
                                &a->time_end,       &a->demo_dir,
                                &a->report,         &a->areas,
                                &a->area_id,        &a->area_name,
                                &a->kde_path,       &a->nr_space,
                                &a->nr_time,        &a->flag_places,
                                &a->boundary_where, &a->areas_where,
                                &a->analysis_crs,   &a->board_pack,
                                &a->marking,        &a->config};
    memcpy(f, all, sizeof all);
}

/* Compare the text of x and y (the inputs' too) and clear it in both, so
 * what is left can be compared byte for byte. */
static bool strip_texts(vemt_job *x, vemt_job *y, bool verbose) {
    const char **fx[N_TEXT], **fy[N_TEXT];
    text_fields(x, fx);
    text_fields(y, fy);
    bool same = true;
    for (size_t i = 0; i + 1 < N_TEXT; i++) { /* --config: differs */
        if (!same_text(*fx[i], *fy[i])) {
            if (verbose)
                fprintf(stderr, "  text field %zu: \"%s\" vs \"%s\"\n", i,
                        *fx[i] ? *fx[i] : "(null)", *fy[i] ? *fy[i] : "(null)");
            same = false;
        }
    }
    for (size_t i = 0; i < N_TEXT; i++) *fx[i] = *fy[i] = NULL;
    for (int i = 0; i < VEMT_MAX_AREAS; i++) {
        same = same && same_text(x->area_files[i], y->area_files[i]) &&
               same_text(x->area_where[i], y->area_where[i]);
        x->area_files[i] = y->area_files[i] = NULL;
        x->area_where[i] = y->area_where[i] = NULL;
    }
    /* The areas that name places (pipeline/names.c). */
    same = same && same_text(x->label_areas, y->label_areas) &&
           same_text(x->label_field, y->label_field);
    x->label_areas = y->label_areas = x->label_field = y->label_field = NULL;
    for (int i = 0; i < VEMT_MAX_INPUTS; i++) {
        vemt_job_input *p = &x->inputs[i], *q = &y->inputs[i];
        same = same && same_text(p->path, q->path) && same_text(p->crs, q->crs);
        p->path = q->path = p->crs = q->crs = NULL;
        for (size_t k = 0; k < 24; k++) {
            same = same && same_text(p->columns.role[k], q->columns.role[k]) &&
                   same_text(p->columns.column[k], q->columns.column[k]);
            p->columns.role[k] = q->columns.role[k] = NULL;
            p->columns.column[k] = q->columns.column[k] = NULL;
        }
    }
    x->owned = y->owned = NULL; /* the copies the job owns */
    x->n_owned = y->n_owned = x->cap_owned = y->cap_owned = 0;
    return same;
}

/* Are two parsed options the same? Text by content, everything else byte
 * for byte (vemt_args_parse zeroes the struct first, padding too); the
 * --config entry of given is left out, and all of given unless asked (and
 * then the differences are printed). */
static bool same_args(const vemt_args *x, const vemt_args *y, bool given) {
    vemt_args *cx = malloc(sizeof *cx), *cy = malloc(sizeof *cy);
    if (!cx || !cy) abort();
    memcpy(cx, x, sizeof *cx);
    memcpy(cy, y, sizeof *cy);
    bool same = strip_texts(&cx->job, &cy->job, given);
    /* The zones: by name, as loaded. */
    same = same && same_text(cx->job.time_zone, cy->job.time_zone) &&
           same_text(cx->job.input_time_zone, cy->job.input_time_zone) &&
           same_text(vemt_tz_name(cx->job.tz), vemt_tz_name(cy->job.tz)) &&
           same_text(vemt_tz_name(cx->job.input_tz),
                     vemt_tz_name(cy->job.input_tz));
    cx->job.time_zone = cy->job.time_zone = NULL;
    cx->job.input_time_zone = cy->job.input_time_zone = NULL;
    cx->job.tz = cy->job.tz = cx->job.input_tz = cy->job.input_tz = NULL;
    int config = vemt_job_option_find("--config");
    cx->job.given[config] = cy->job.given[config] = false;
    if (!given) {
        memset(cx->job.given, 0, sizeof cx->job.given);
        memset(cy->job.given, 0, sizeof cy->job.given);
    }
    const unsigned char *bx = (const void *)cx, *by = (const void *)cy;
    for (size_t i = 0; same && i < sizeof *cx; i++)
        if (bx[i] != by[i]) {
            if (given)
                fprintf(stderr, "  options differ at byte %zu of %zu\n", i,
                        sizeof *cx);
            same = false;
        }
    free(cx);
    free(cy);
    return same;
}

/* A valid, non-default value of each option: on the command line and as
 * JSON. Path values are relative; the command-line form is given the job
 * file's folder in front. */
static const struct {
    const char *opt, *cli, *json;
} cases[] = {
    {"--incidents", "i.csv", "\"i.csv\""},
    {"--missing", "m.csv", "\"m.csv\""},
    {"--crs", "EPSG:4326", "\"EPSG:4326\""},
    {"--analysis-crs", "EPSG:32630", "\"EPSG:32630\""},
    {"--date-order", "mdy", "\"mdy\""},
    {"--input-time-zone", "America/New_York", "\"America/New_York\""},
    {"--postcodes", "onspd.csv", "\"onspd.csv\""},
    {"--categories", "/sexual|grooming/", "\"/sexual|grooming/\""},
    {"--exclude-categories", "drugs,theft", "\"drugs,theft\""},
    {"--merge-distance", "25", "25"},
    {"--merge-time", "30", "30"},
    {"--max-reject-rate", "0.25", "0.25"},
    {"--centroids", NULL, "true"},
    {"--max-memory", "512M", "\"512M\""},
    {"--boundary", "area.gpkg", "\"area.gpkg\""},
    {"--boundary-where", "LAD13NM='Middlesbrough'",
     "\"LAD13NM='Middlesbrough'\""},
    {"--key-file", "k.key", "\"k.key\""},
    {"--demo", NULL, "true"},
    {"--cell-size", "250", "250"},
    {"--cell-size", "250", "\"250\""},
    {"--cell-size", "2.5e2", "2.5e2"},
    {"--kind", "all", "\"all\""},
    {"--seed", "7", "7"},
    {"--fdr", "off", "\"off\""},
    {"--grid", "hex", "\"hex\""},
    {"--areas", "wards.gpkg", "\"wards.gpkg\""},
    {"--areas", "wards.gpkg", "{\"path\": \"wards.gpkg\"}"},
    {"--areas-where", "WD13NM<>'Zetland'", "\"WD13NM<>'Zetland'\""},
    {"--area-id", "WD23CD", "\"WD23CD\""},
    {"--area-name", "WD23NM", "\"WD23NM\""},
    {"--weights", "knn", "\"knn\""},
    {"--snap", "0.1", "0.1"},
    {"--snap", "0", "0"},
    {"--distance-band", "300", "300"},
    {"--distance-band", "auto", "\"auto\""},
    {"--k", "6", "6"},
    {"--permutations", "99", "99"},
    {"--permutations", "99.0", "99.0"},
    {"--threads", "2", "2"},
    {"--clusters", "dbscan,hdbscan", "\"dbscan,hdbscan\""},
    {"--clusters", "none", "\"none\""},
    {"--eps", "150.5", "150.5"},
    {"--min-points", "4", "4"},
    {"--time-eps", "12h", "\"12h\""},
    {"--dbscan-star", NULL, "true"},
    {"--min-cluster-size", "12", "12"},
    {"--min-samples", "3", "3"},
    {"--hull", "convex", "\"convex\""},
    {"--concave-ratio", "0.25", "0.25"},
    {"--kde", "density.tif", "\"density.tif\""},
    {"--kde-kernel", "gaussian", "\"gaussian\""},
    {"--kde-bandwidth", "400", "400"},
    {"--kde-pixel", "50", "50"},
    {"--no-kde", NULL, "true"},
    {"--nr-space", "0,1,100,200", "\"0,1,100,200\""},
    {"--nr-time", "0,7,14", "\"0,7,14\""},
    {"--nr-distance", "euclidean", "\"euclidean\""},
    {"--no-near-repeat", NULL, "true"},
    {"--clq-k", "6", "6"},
    {"--repeat-episodes", "4", "4"},
    {"--repeat-days", "30", "30"},
    {"--flag-places", "homes.csv", "\"homes.csv\""},
    {"--flag-radius", "75", "75"},
    {"--include-flagged", NULL, "true"},
    {"--label-areas", "wards.gpkg", "\"wards.gpkg\""},
    {"--label-field", "WD13NM", "\"WD13NM\""},
    {"--time-step", "7d", "\"7d\""},
    {"--time-step", "week", "\"week\""},
    {"--time-start", "2024-01-01", "\"2024-01-01\""},
    {"--time-end", "2024-12-31", "\"2024-12-31\""},
    {"--time-weighting", "start", "\"start\""},
    {"--time-lag", "2", "2"},
    {"--time-zone", "UTC", "\"UTC\""},
    {"--spread-months", NULL, "true"},
    {"--global-window", "individual", "\"individual\""},
    {"--count", "subjects", "\"subjects\""},
    {"--no-trends", NULL, "true"},
    {"--scan", NULL, "true"},
    {"--scan-retrospective", NULL, "true"},
    {"--scan-max-share", "0.3", "0.3"},
    {"--scan-max-steps", "6", "6"},
    {"--scan-replicates", "99", "99"},
    {"--scan-every", "2", "2"},
    {"--forecast", NULL, "true"},
    {"--backtest", "6", "6"},
    {"--place-radius", "150", "150"},
    {"--min-children", "4", "4"},
    {"--patrol-window-hours", "6", "6"},
    {"--patrol-top", "5", "5"},
    {"--report", "summary.md", "\"summary.md\""},
    {"--tier", "partner", "\"partner\""},
    {"--suppress-below", "7", "7"},
    {"--round-to", "10", "10"},
    {"--allow-world-readable", NULL, "true"},
    {"--out", "o.gpkg", "\"o.gpkg\""},
    {"--geojson-dir", "layers", "\"layers\""},
    {"--qgis-project", "p.qgz", "\"p.qgz\""},
    {"--attribution", "OGL-v3", "\"OGL-v3\""},
    {"--board-pack", "pack", "\"pack\""},
    {"--marking", "OFFICIAL", "\"OFFICIAL\""},
    {"--palette", "colourblind", "\"colourblind\""},
    {"--force", NULL, "true"},
    {"--quiet", NULL, "true"},
    {"--timings", NULL, "true"},
};

#define N_CASES (sizeof cases / sizeof cases[0])

/* The options whose value is a path, listed here independently of the
 * table's VEMT_OPT_PATH, which the cases trust. */
static const char path_options[][24] = {
    "--incidents",    "--missing",     "--config",    "--postcodes",
    "--boundary",     "--key-file",    "--areas",     "--kde",
    "--flag-places",  "--report",      "--out",       "--geojson-dir",
    "--qgis-project", "--label-areas", "--board-pack"};

static bool is_path_option(const char *name) {
    for (size_t i = 0; i < sizeof path_options / sizeof path_options[0]; i++)
        if (!strcmp(path_options[i], name)) return true;
    return false;
}

/* The command line every case starts from, without the option tested when
 * it is --incidents or --out (which the base gives). */
static void base_line(const char *opt, char *out, size_t n) {
    snprintf(out, n, "run%s%s",
             strcmp(opt, "--incidents") ? " --incidents base.csv" : "",
             strcmp(opt, "--out") ? " --out base.gpkg" : "");
}

/* Case c with the key spelt with underscores or dashes: the job file's
 * options equal the command line's, and differ from the base's. */
static void check_case(test_state *t_, size_t c, bool underscores) {
    const vemt_job_option *o =
        vemt_job_option_at((size_t)vemt_job_option_find(cases[c].opt));
    char base[128], cli[1024], key[48], json[512], value[512];
    base_line(o->name, base, sizeof base);
    snprintf(key, sizeof key, "%s", o->name + 2);
    for (char *k = key; underscores && *k; k++)
        if (*k == '-') *k = '_';
    snprintf(
        value, sizeof value, "%s%s%s", o->flags & VEMT_OPT_PATH ? tmpdir : "",
        o->flags & VEMT_OPT_PATH ? "/" : "", cases[c].cli ? cases[c].cli : "");
    snprintf(cli, sizeof cli, "%s %s %s", base, o->name, value);
    snprintf(json, sizeof json, "{\"%s\": %s}", key, cases[c].json);
    parsed *from_cli = parse(cli),
           *from_job = parse_job(base, "job.json", json),
           *plain = parse("run --incidents base.csv --out base.gpkg");
    if (!from_cli->ok || !from_job->ok || !plain->ok)
        TEST_FAIL_AT(t_, "%s: cli \"%s\": %s job %s: %s", o->name, cli,
                     from_cli->msg, json, from_job->msg);
    else if (!same_args(&from_cli->a, &from_job->a, true))
        TEST_FAIL_AT(t_, "%s: job %s parses differently from \"%s\"", o->name,
                     json, cli);
    else if (same_args(&from_cli->a, &plain->a, false))
        TEST_FAIL_AT(t_, "%s %s: the case's value is the default", o->name,
                     value);
    done(from_cli);
    done(from_job);
    done(plain);
}

TEST(every_option_from_a_job_file) {
    size_t checked = 0;
    for (size_t k = 0; k < vemt_job_n_options(); k++) {
        const vemt_job_option *o = vemt_job_option_at(k);
        if (is_path_option(o->name) != !!(o->flags & VEMT_OPT_PATH))
            TEST_FAIL_AT(t_, "%s: path flag in the table is wrong", o->name);
        if (o->flags & VEMT_OPT_CLI_ONLY) continue;
        bool found = false;
        for (size_t c = 0; c < N_CASES; c++) {
            if (strcmp(cases[c].opt, o->name)) continue;
            found = true;
            check_case(t_, c, true);
            if (strchr(o->name + 2, '-')) check_case(t_, c, false);
            checked++;
        }
        if (!found) TEST_FAIL_AT(t_, "no test value for %s", o->name);
    }
    CHECK_INT_EQ(checked, N_CASES);
    CHECK(vemt_job_option_at(vemt_job_n_options()) == NULL);
}

/* Does text mention option name as a whole word ("--k", not "--kde")? */
static bool mentions(const char *text, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        char next = p[n];
        if (!(next == '-' || (next >= 'a' && next <= 'z'))) return true;
    }
    return false;
}

/* Every option in the table is in `vemt run --help` and README.md, and
 * every option the help names is in the table. */
TEST(help_and_readme_list_every_option) {
    char *help = NULL, *readme = NULL, path[512];
    size_t n = 0;
    FILE *m = open_memstream(&help, &n);
    vemt_args_usage(m, VEMT_CMD_RUN);
    fclose(m);
    snprintf(path, sizeof path, "%s/../README.md", VEMT_FIXTURES);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        readme = calloc(1, 1 << 20);
        if (readme) fread(readme, 1, (1 << 20) - 1, f);
        fclose(f);
    }
    for (size_t k = 0; k < vemt_job_n_options(); k++) {
        const char *name = vemt_job_option_at(k)->name;
        if (strcmp(name, "--help") && !mentions(help, name))
            TEST_FAIL_AT(t_, "%s is not in the help", name);
        if (readme && !mentions(readme, name))
            TEST_FAIL_AT(t_, "%s is not in README.md", name);
    }
    for (const char *p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
        char name[40];
        size_t len = 2 + strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        if (len > 2 && vemt_job_option_find(name) < 0)
            TEST_FAIL_AT(t_, "the help names %s, which the table lacks", name);
    }
    free(help);
    free(readme);
}

TEST(paths_relative_to_the_job_file) {
    char sub[128], line[256], want[256];
    snprintf(sub, sizeof sub, "%s/sub", tmpdir);
    CHECK_INT_EQ(mkdir(sub, 0700), 0);
    parsed *p = parse_job(
        "run --boundary cli.gpkg", "sub/job.json",
        "{\"incidents\": [\"a.csv\", {\"path\": \"../b.csv\", \"crs\": "
        "\"EPSG:4326\", \"date-order\": \"mdy\", \"columns\": "
        "{\"occurred_at\": \"When\"}}], \"missing\": {\"path\": \"m.csv\"}, "
        "\"out\": \"/abs/o.gpkg\", \"areas\": \"w.gpkg\", \"crs\": "
        "\"EPSG:27700\"}");
    CHECK(p->ok);
    CHECK_STR_EQ(p->a.job.boundary, "cli.gpkg"); /* the command line's own */
    CHECK_STR_EQ(p->a.job.out, "/abs/o.gpkg");
    CHECK_STR_EQ(p->a.job.crs, "EPSG:27700"); /* not a path */
    snprintf(want, sizeof want, "%s/w.gpkg", sub);
    CHECK_STR_EQ(p->a.job.areas, want);
    CHECK_INT_EQ(p->a.job.n_inputs, 3);
    snprintf(want, sizeof want, "%s/a.csv", sub);
    CHECK_STR_EQ(p->a.job.inputs[0].path, want);
    CHECK_INT_EQ(p->a.job.inputs[0].date_order, -1);
    snprintf(want, sizeof want, "%s/../b.csv", sub);
    CHECK_STR_EQ(p->a.job.inputs[1].path, want);
    CHECK_STR_EQ(p->a.job.inputs[1].crs, "EPSG:4326");
    CHECK_INT_EQ(p->a.job.inputs[1].date_order, 1);
    CHECK_INT_EQ(p->a.job.inputs[1].columns.n, 1);
    CHECK_STR_EQ(p->a.job.inputs[1].columns.column[0], "When");
    snprintf(want, sizeof want, "%s/m.csv", sub);
    CHECK_STR_EQ(p->a.job.inputs[2].path, want);
    CHECK_INT_EQ(p->a.job.inputs[2].kind, VEMT_SOURCE_MISSING);
    done(p);
    /* A job file named without a folder: paths as they are. */
    snprintf(line, sizeof line, "%s", tmpdir);
    char cwd[512];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_INT_EQ(chdir(line), 0);
    write_job("here.json", "{\"incidents\": \"a.csv\", \"out\": \"o.gpkg\"}");
    p = parse("run --config here.json");
    CHECK(p->ok);
    CHECK_STR_EQ(p->a.job.inputs[0].path, "a.csv");
    CHECK_STR_EQ(p->a.job.out, "o.gpkg");
    done(p);
    CHECK_INT_EQ(chdir(cwd), 0);
}

TEST(command_line_wins) {
    const char *job =
        "{\"cell_size\": 250, \"seed\": 5, \"no_kde\": true, \"quiet\": "
        "false, \"incidents\": [\"j1.csv\", \"j2.csv\"], \"missing\": "
        "[\"jm.csv\"], \"boundary\": \"jb.gpkg\", \"out\": \"j.gpkg\"}";
    parsed *p =
        parse_job("run --cell-size 100 --incidents c.csv --quiet --out o.gpkg",
                  "job.json", job);
    char want[256];
    CHECK(p->ok);
    CHECK_NEAR(p->a.job.cell_size_m, 100, 0);
    CHECK_INT_EQ(p->a.job.seed, 5);
    CHECK(p->a.job.no_kde);
    CHECK(p->a.job.quiet); /* a flag the command line gives stays set */
    CHECK_STR_EQ(p->a.job.out, "o.gpkg");
    snprintf(want, sizeof want, "%s/jb.gpkg", tmpdir);
    CHECK_STR_EQ(p->a.job.boundary, want);
    /* --incidents replaces the job's incidents; its missing stay. */
    CHECK_INT_EQ(p->a.job.n_inputs, 2);
    CHECK_STR_EQ(p->a.job.inputs[0].path, "c.csv");
    snprintf(want, sizeof want, "%s/jm.csv", tmpdir);
    CHECK_STR_EQ(p->a.job.inputs[1].path, want);
    CHECK_INT_EQ(p->a.job.inputs[1].kind, VEMT_SOURCE_MISSING);
    done(p);
    /* --missing replaces the job's missing; its incidents stay. */
    p = parse_job("run --missing cm.csv", "job.json", job);
    CHECK(p->ok);
    CHECK_INT_EQ(p->a.job.n_inputs, 3);
    CHECK_STR_EQ(p->a.job.inputs[0].path, "cm.csv");
    CHECK_INT_EQ(p->a.job.inputs[1].kind, VEMT_SOURCE_INCIDENTS);
    CHECK_INT_EQ(p->a.job.inputs[2].kind, VEMT_SOURCE_INCIDENTS);
    CHECK(!p->a.job.quiet);
    done(p);
    /* A key the command line overrides is still checked. */
    p = parse_job("run --demo --cell-size 100", "job.json",
                  "{\"cell_size\": \"abc\"}");
    CHECK(!p->ok);
    done(p);
    /* "files" configures inputs named on the command line. */
    p = parse_job("run --incidents c.csv --out o.gpkg", "job.json",
                  "{\"files\": {\"c.csv\": {\"columns\": {\"easting\": "
                  "\"X\"}, \"date_order\": \"mdy\"}}}");
    CHECK(p->ok);
    CHECK_INT_EQ(p->a.job.inputs[0].columns.n, 1);
    CHECK_INT_EQ(p->a.job.inputs[0].date_order, 1);
    done(p);
    /* --help shows the help without reading the job file. */
    p = parse("run --config nothere.json --help");
    CHECK(p->ok && p->a.help);
    done(p);
}

/* The job's message for JSON, and the command line's for the same value:
 * the job's is "PATH: job file: "KEY": " and the command line's without
 * "vemt: ". */
static void check_same_message(test_state *t_, const char *key,
                               const char *json_value, const char *cli) {
    char json[256], line[512], want[1024];
    snprintf(json, sizeof json, "{\"%s\": %s}", key, json_value);
    snprintf(line, sizeof line, "run --demo %s", cli);
    parsed *c = parse(line), *j = parse_job("run --demo", "bad.json", json);
    CHECK(!c->ok && !j->ok);
    CHECK(!strncmp(c->msg, "vemt: ", 6));
    snprintf(want, sizeof want, "%s/bad.json: job file: \"%s\": %s", tmpdir,
             key, first_line(c) + 6);
    CHECK_STR_EQ(first_line(j), want);
    CHECK(strstr(j->msg, "\nTry 'vemt run --help' for more information.\n"));
    done(c);
    done(j);
}

TEST(bad_values_give_the_command_lines_message) {
    check_same_message(t_, "cell_size", "\"abc\"", "--cell-size abc");
    check_same_message(t_, "cell-size", "0.5", "--cell-size 0.5");
    check_same_message(t_, "permutations", "1.5", "--permutations 1.5");
    check_same_message(t_, "seed", "-1", "--seed -1");
    check_same_message(t_, "clusters", "\"kmeans\"", "--clusters kmeans");
    check_same_message(t_, "tier", "\"secret\"", "--tier secret");
    check_same_message(t_, "time_step", "\"fortnight\"",
                       "--time-step fortnight");
    check_same_message(t_, "nr_space", "\"5,1\"", "--nr-space 5,1");
    check_same_message(t_, "date_order", "\"ymd\"", "--date-order ymd");
    check_same_message(t_, "distance_band", "\"far\"", "--distance-band far");
    parsed *p = parse_job("run --demo", "bad.json", "{\"cell_size\": \"abc\"}");
    char want[256];
    snprintf(want, sizeof want,
             "%s/bad.json: job file: \"cell_size\": --cell-size needs a "
             "number of metres >= 1: abc",
             tmpdir);
    CHECK_STR_EQ(first_line(p), want);
    done(p);
}

/* The first line of the message for a job file holding JSON. */
static void check_job_message(test_state *t_, const char *json,
                              const char *want) {
    char full[512];
    parsed *p = parse_job("run --demo", "bad.json", json);
    CHECK(!p->ok);
    snprintf(full, sizeof full, "%s/bad.json%s", tmpdir, want);
    CHECK_STR_EQ(first_line(p), full);
    done(p);
}

TEST(unknown_keys_suggest_the_nearest) {
    check_job_message(t_, "{\"cell_sise\": 5}",
                      ": job file: unknown option \"cell_sise\" (did you "
                      "mean \"cell_size\"?)");
    check_job_message(t_, "{\"distance-bnd\": 5}",
                      ": job file: unknown option \"distance-bnd\" (did you "
                      "mean \"distance-band\"?)");
    check_job_message(t_, "{\"perm\": 5}",
                      ": job file: unknown option \"perm\" (did you mean "
                      "\"permutations\"?)");
    check_job_message(t_, "{\"--cell-size\": 5}",
                      ": job file: unknown option \"--cell-size\" (did you "
                      "mean \"cell-size\"?)");
    check_job_message(t_, "{\"fils\": {}}",
                      ": job file: unknown option \"fils\" (did you mean "
                      "\"files\"?)");
    check_job_message(t_, "{\"frobnicate\": 5}",
                      ": job file: unknown option \"frobnicate\"");
    check_job_message(t_, "{\"incidents\": {\"path\": \"a.csv\", \"csr\": 1}}",
                      ": job file: \"incidents\": unknown input setting "
                      "\"csr\" (an input takes path, crs, date_order and "
                      "columns)");
}

TEST(booleans_and_other_misuse) {
    parsed *p = parse_job("run --demo", "job.json", "{\"no_kde\": false}");
    CHECK(p->ok && !p->a.job.no_kde);
    CHECK(!p->a.job.given[vemt_job_option_find("--no-kde")]);
    done(p);
    p = parse_job("run --demo", "job.json", "{\"no-kde\": true}");
    CHECK(p->ok && p->a.job.no_kde);
    done(p);
    check_job_message(t_, "{\"no_kde\": \"yes\"}",
                      ": job file: \"no_kde\": --no-kde is a flag: give true "
                      "or false");
    check_job_message(t_, "{\"quiet\": 1}",
                      ": job file: \"quiet\": --quiet is a flag: give true or "
                      "false");
    check_job_message(t_, "{\"fdr\": true}",
                      ": job file: \"fdr\": --fdr takes a value, not true or "
                      "false");
    check_job_message(t_, "{\"incidents\": false}",
                      ": job file: \"incidents\": --incidents takes a value, "
                      "not true or false");
    check_job_message(t_, "{\"cell_size\": null}",
                      ": job file: \"cell_size\": --cell-size needs a value");
    check_job_message(t_, "{\"cell_size\": [250]}",
                      ": job file: \"cell_size\": --cell-size takes one "
                      "value, not a list");
    check_job_message(t_, "{\"cell_size\": 250, \"cell-size\": 300}",
                      ":1: job file: \"cell-size\": given twice in one "
                      "object, as \"cell_size\" at line 1 and \"cell-size\" "
                      "at line 1: keep one");
    check_job_message(t_, "{\"config\": \"other.json\"}",
                      ": job file: \"config\": --config is for the command "
                      "line only (a job file can't name another)");
    check_job_message(t_, "{\"help\": true}",
                      ": job file: \"help\": --help is for the command line "
                      "only");
    check_job_message(t_, "{\"files\": {\"x.csv\": {}}}",
                      ": job file: \"files\": \"x.csv\" is not an input on "
                      "the command line");
    check_job_message(t_, "[1]", ": job file: the top level must be an object");
    check_job_message(t_, "{\"seed\": 1,\n \"x\": tru}",
                      ":2:10: job file: boolean expected");
    parsed *none = parse("run --config nothere.json --out x.gpkg");
    CHECK_STR_EQ(first_line(none),
                 "nothere.json: job file: can't read: No such file or "
                 "directory");
    done(none);
}

TEST_SUITE(job) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-job-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    RUN(every_option_from_a_job_file);
    RUN(help_and_readme_list_every_option);
    RUN(paths_relative_to_the_job_file);
    RUN(command_line_wins);
    RUN(bad_values_give_the_command_lines_message);
    RUN(unknown_keys_suggest_the_nearest);
    RUN(booleans_and_other_misuse);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}
