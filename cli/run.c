/** @file run.c
 * @brief The run pipeline: read every input, lay the grid over the study
 * area, count, compute Gi*, write the outputs, print the summary.
 */
#include "cli/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/disclose.h"
#include "cli/report.h"
#include "cli/safeguard.h"
#include "cli/safety.h"
#include "cli/trends.h"
#include "engine/engine.h"
#include "ingest/ingest.h"
#include "outputs/outputs.h"

#ifndef VEMT_DEMO_DIR
#define VEMT_DEMO_DIR "fixtures/demo"
#endif

#define MAX_PARAMS 16

/* Everything one run holds; freed in one place. */
typedef struct run {
    vemt_args a;
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_key_origin key_origin;
    vemt_postcodes *postcodes;
    vemt_filter *filter;
    vemt_source sources[VEMT_MAX_INPUTS];
    size_t n_sources;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_area *area;
    vemt_grid *grid;
    vemt_weights *weights;
    double *counts, *z, *p;
    int8_t *bins;
    vemt_trend_result trends;
    vemt_published pub;
    vemt_safeguard_result sg;
    bool have_trends;
    vemt_param params[MAX_PARAMS];
    size_t n_params;
    char demo_paths[3][4096];
    FILE *info; /* stdout, or NULL with --quiet */
} run;

static void run_free(run *r) {
    free(r->counts);
    free(r->z);
    free(r->p);
    free(r->bins);
    vemt_trends_clear(&r->trends);
    vemt_published_clear(&r->pub);
    vemt_safeguard_clear(&r->sg);
    vemt_weights_destroy(r->weights);
    vemt_grid_destroy(r->grid);
    vemt_area_destroy(r->area);
    vemt_events_clear(&r->events);
    vemt_rejects_clear(&r->rejects);
    vemt_merges_clear(&r->merges);
    vemt_filter_destroy(r->filter);
    vemt_postcodes_destroy(r->postcodes);
    vemt_pseudo_destroy(r->pseudo);
    vemt_ctx_destroy(r->ctx);
}

/* Exit status for a failed library call, after printing its error. */
static int failed(run *r, vemt_status st, const char *path) {
    vemt_report_error(stderr, path, vemt_ctx_error(r->ctx));
    if (st == VEMT_E_NOMEM || st == VEMT_E_DEPENDENCY)
        return VEMT_EXIT_INTERNAL;
    return VEMT_EXIT_INPUT;
}

static void add_param(run *r, const char *name, const char *how, double v) {
    if (r->n_params >= MAX_PARAMS) return;
    vemt_param *p = &r->params[r->n_params++];
    p->name = name;
    p->how = how;
    snprintf(p->value, sizeof p->value, "%.17g", v);
}

static void add_param_text(run *r, const char *name, const char *how,
                           const char *text) {
    if (r->n_params >= MAX_PARAMS) return;
    vemt_param *p = &r->params[r->n_params++];
    p->name = name;
    p->how = how;
    snprintf(p->value, sizeof p->value, "%s", text ? text : "");
}

/* With --demo, inputs default to the bundled demo data. */
static void apply_demo(run *r) {
    if (!r->a.demo) return;
    const char *dir = getenv("VEMT_DEMO_DIR");
    if (!dir || !*dir) dir = VEMT_DEMO_DIR;
    static const char names[][24] = {"incidents.csv", "missing.csv",
                                     "boundary.geojson"};
    for (int i = 0; i < 3; i++)
        snprintf(r->demo_paths[i], sizeof r->demo_paths[i], "%s/%s", dir,
                 names[i]);
    if (r->a.n_inputs == 0) {
        vemt_args_add_input(&r->a, r->demo_paths[0], VEMT_SOURCE_INCIDENTS);
        vemt_args_add_input(&r->a, r->demo_paths[1], VEMT_SOURCE_MISSING);
    }
    if (!r->a.boundary) r->a.boundary = r->demo_paths[2];
    if (!r->a.out) r->a.out = "vemt-demo.gpkg";
}

/* Pseudonym key, postcode lookup and category filter for the inputs. */
static int reading_aids(run *r) {
    const char *env_key = getenv("VEMT_PSEUDONYM_KEY");
    vemt_status st = vemt_pseudo_create(r->ctx, r->a.key_file, env_key,
                                        &r->pseudo, &r->key_origin);
    if (st) return failed(r, st, r->a.key_file);
    if (r->key_origin == VEMT_KEY_RANDOM && r->info)
        fprintf(r->info,
                "note: no --key-file or VEMT_PSEUDONYM_KEY: pseudonyms use a "
                "random key and will differ from other runs\n");
    if (r->a.postcodes &&
        (st = vemt_postcodes_load(r->ctx, r->a.postcodes, &r->postcodes)))
        return failed(r, st, r->a.postcodes);
    if (r->postcodes && r->info)
        fprintf(r->info, "postcodes: %zu in %s\n",
                vemt_postcodes_count(r->postcodes), r->a.postcodes);
    if ((r->a.categories || r->a.exclude_categories) &&
        (st = vemt_filter_create(r->ctx, r->a.categories,
                                 r->a.exclude_categories, &r->filter)))
        return failed(r, st, NULL);
    return VEMT_EXIT_OK;
}

/* --max-reject-rate: too many bad rows in one file stops the run. */
static int check_reject_rate(run *r, const vemt_source *s) {
    if (r->a.max_reject_rate < 0 || s->n_read == 0) return VEMT_EXIT_OK;
    double rate = (double)s->n_rejected / (double)s->n_read;
    if (rate <= r->a.max_reject_rate) return VEMT_EXIT_OK;
    fprintf(stderr,
            "%s: %ld of %ld rows rejected (%.1f%%), more than "
            "--max-reject-rate %g allows\n",
            s->path, s->n_rejected, s->n_read, 100 * rate,
            r->a.max_reject_rate);
    return VEMT_EXIT_INPUT;
}

static int read_inputs(run *r) {
    int rc = reading_aids(r);
    for (int i = 0; rc == VEMT_EXIT_OK && i < r->a.n_inputs; i++) {
        const vemt_input_arg *in = &r->a.inputs[i];
        vemt_ingest_opts opts = {
            r->pseudo,
            r->postcodes,
            r->filter,
            &in->columns,
            in->crs ? in->crs : r->a.crs,
            in->date_order < 0 ? r->a.month_first : in->date_order == 1};
        vemt_source *s = &r->sources[r->n_sources];
        s->path = in->path;
        s->kind = in->kind;
        vemt_status st = vemt_ingest_file(r->ctx, &opts, s, (int)r->n_sources,
                                          &r->events, &r->rejects, &r->merges);
        if (st) return failed(r, st, s->path);
        r->n_sources++;
        rc = check_reject_rate(r, s);
    }
    if (rc == VEMT_EXIT_OK && r->n_sources > 1) {
        size_t m = vemt_ingest_merge_across(&r->events, r->sources, &r->merges,
                                            r->a.merge_m, r->a.merge_s);
        if (m && r->info)
            fprintf(r->info,
                    "merged %zu cross-source duplicates (same "
                    "subject within %g m and %g min)\n",
                    m, r->a.merge_m, r->a.merge_s / 60);
    }
    return rc;
}

static int read_boundary(run *r) {
    if (!r->a.boundary) {
        vemt_area_flag_events(NULL, &r->events);
        return VEMT_EXIT_OK;
    }
    unsigned char *wkb = NULL;
    size_t n = 0;
    vemt_status st = vemt_boundary_read(r->ctx, r->a.boundary, &wkb, &n);
    if (!st) st = vemt_area_create_wkb(r->ctx, wkb, n, &r->area);
    vemt_ingest_free(wkb);
    if (st) return failed(r, st, r->a.boundary);
    vemt_area_flag_events(r->area, &r->events);
    return VEMT_EXIT_OK;
}

/* Grid, counts, weights and Gi*. */
static int analyse(run *r) {
    vemt_bbox extent;
    if (r->area) {
        extent = vemt_area_bbox(r->area);
    } else if (!vemt_events_bbox(&r->events, r->a.kinds, &extent)) {
        fprintf(stderr,
                "vemt: no located %s events in the inputs: nothing to "
                "map (see the rejects above)\n",
                r->a.kind_name);
        return VEMT_EXIT_INPUT;
    }
    double cell = r->a.cell_size_m;
    char rule[160];
    if (cell > 0) {
        add_param(r, "cell_size_m", "given", cell);
    } else {
        cell = vemt_grid_auto_cell_size_m(&extent, rule, sizeof rule);
        add_param(r, "cell_size_m", "automatic", cell);
        add_param_text(r, "cell_size_rule", "automatic", rule);
        if (r->info)
            fprintf(r->info, "cell size: %g m (automatic: %s)\n", cell, rule);
    }
    int rc = vemt_tier_check(&r->a, cell);
    if (rc) return rc;
    vemt_status st = vemt_grid_create(r->ctx, cell, &extent, r->area, &r->grid);
    if (st) return failed(r, st, NULL);
    size_t n = vemt_grid_ncells(r->grid);
    r->counts = calloc(n ? n : 1, sizeof *r->counts);
    r->z = calloc(n ? n : 1, sizeof *r->z);
    r->p = calloc(n ? n : 1, sizeof *r->p);
    r->bins = calloc(n ? n : 1, sizeof *r->bins);
    if (!r->counts || !r->z || !r->p || !r->bins)
        return failed(r, VEMT_E_NOMEM, NULL);
    size_t counted =
        vemt_grid_count(r->grid, &r->events, r->a.kinds, r->counts);
    double band = cell * sqrt(2.0);
    add_param(r, "distance_band_m", "default", band);
    st = vemt_weights_grid_band(r->ctx, r->grid, band, true, &r->weights);
    if (!st && n >= 2)
        st = vemt_gistar_compute(r->ctx, r->weights, r->counts, n, r->z, r->p);
    for (size_t i = 0; n < 2 && i < n; i++) r->z[i] = r->p[i] = NAN;
    if (!st) st = vemt_significance_bins(r->z, r->p, n, r->a.fdr, r->bins);
    add_param_text(r, "gi_bin_rule", r->a.fdr ? "default" : "given",
                   r->a.fdr ? "Benjamini-Hochberg FDR at q = 0.10, 0.05, 0.01"
                            : "plain p < 0.10, 0.05, 0.01");
    if (!st && !r->a.no_trends)
        st = vemt_trends_run(r->ctx, &r->a, r->grid, r->weights, &r->events,
                             r->info, &r->trends, &r->have_trends);
    if (!st)
        st = vemt_publish(&r->a, r->counts, n,
                          r->have_trends ? &r->trends : NULL, &r->pub);
    /* Journeys, places and patrol windows show places: restricted only. */
    if (!st && r->a.tier == 0)
        st = vemt_safeguard_run(&r->a, &r->events, r->grid, r->bins, &r->sg);
    if (st) return failed(r, st, NULL);
    if (r->info) {
        fprintf(r->info, "grid: %zu cells of %g m, %zu %s events counted\n", n,
                cell, counted, r->a.kind_name);
        if (n < 30)
            fprintf(r->info,
                    "warning: fewer than 30 cells: Gi* z-scores are "
                    "unreliable; choose a smaller --cell-size\n");
        fputs("hottest cells (Getis-Ord Gi*):\n", r->info);
        vemt_report_top_cells(r->info, r->grid, r->counts, r->z, 5);
    }
    return VEMT_EXIT_OK;
}

/* The run summary for people, on stdout and (--report) as Markdown. */
static vemt_status write_report(run *r) {
    if (r->a.command != VEMT_CMD_RUN) return VEMT_OK;
    vemt_summary sm = {r->sources,
                       r->n_sources,
                       &r->events,
                       r->grid,
                       r->pub.cells,
                       r->bins,
                       r->have_trends ? &r->trends.out : NULL,
                       r->a.tier == 0 ? &r->sg.out : NULL,
                       vemt_tier_name(r->a.tier),
                       vemt_tier_threshold(&r->a)};
    if (r->info) vemt_report_summary(r->info, &sm, false);
    if (!r->a.report) return VEMT_OK;
    FILE *f = fopen(r->a.report, "w");
    if (!f)
        return vemt_error_set(vemt_ctx_err(r->ctx), VEMT_E_IO,
                              "can't write the report %s", r->a.report);
    vemt_report_summary(f, &sm, true);
    if (fclose(f) != 0)
        return vemt_error_set(vemt_ctx_err(r->ctx), VEMT_E_IO,
                              "can't write the report %s", r->a.report);
    if (r->info) fprintf(r->info, "wrote report %s\n", r->a.report);
    return VEMT_OK;
}

/* A small text file's contents (the job file, for provenance), or NULL. */
static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

static int write_outputs(run *r, int argc, char **argv, int64_t started) {
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->a.seed);
    add_param_text(r, "seed", r->a.seed_given ? "given" : "default", seed);
    add_param_text(r, "boundary", r->a.boundary ? "given" : "default",
                   r->a.boundary ? r->a.boundary : "none (data extent)");
    if (r->a.command == VEMT_CMD_RUN) {
        add_param_text(r, "kind", "given", r->a.kind_name);
        add_param_text(r, "weights", "default",
                       "binary distance band, self included (Gi*)");
    }
    static const char *const origins[] = {"key file", "environment variable",
                                          "random per run"};
    char *job = r->a.config ? read_text(r->a.config) : NULL;
    vemt_provenance prov = {
        .argc = argc,
        .argv = argv,
        .params = r->params,
        .n_params = r->n_params,
        .created_utc = started,
        .key_origin = origins[r->key_origin],
        .attribution = r->a.attribution,
        .job_json = job,
        .tier = vemt_tier_name(r->a.tier),
        .suppress_below = vemt_tier_threshold(&r->a),
        .round_to = r->a.round_to,
        .command = r->a.command == VEMT_CMD_RUN ? "run" : "ingest"};
    vemt_output out = {
        .events = &r->events,
        .rejects = &r->rejects,
        .merges = &r->merges,
        .sources = r->sources,
        .n_sources = r->n_sources,
        .grid = r->grid,
        .n_events = r->pub.cells,
        .gi_z = r->z,
        .gi_p = r->p,
        .gi_bin = r->bins,
        .trends = r->have_trends ? &r->trends.out : NULL,
        .safeguarding = r->a.tier == 0 && r->grid ? &r->sg.out : NULL,
        .provenance = &prov,
        .area = r->area,
        .area_name = r->a.boundary};
    if (r->info) {
        fprintf(r->info, "writing %s\n", r->a.out);
        fflush(r->info);
    }
    vemt_status st = vemt_outputs_write_gpkg(r->ctx, r->a.out, &out);
    if (!st && r->a.geojson_dir)
        st = vemt_outputs_write_geojson(r->ctx, r->a.geojson_dir, &out);
    if (!st && r->a.qgis_project)
        st = vemt_outputs_write_project(r->ctx, r->a.qgis_project, r->a.out,
                                        &out);
    free(job);
    if (st) return failed(r, st, NULL);
    if (!st) st = write_report(r);
    if (r->info && r->a.qgis_project)
        fprintf(r->info, "wrote QGIS project %s\n", r->a.qgis_project);
    if (r->info) {
        fprintf(r->info, "wrote %s (%s tier)\n", r->a.out,
                vemt_tier_name(r->a.tier));
        if (r->a.geojson_dir)
            fprintf(r->info, "wrote GeoJSON layers into %s\n",
                    r->a.geojson_dir);
        fprintf(r->info,
                "open it in QGIS: qgis %s  (or drag the file onto the "
                "QGIS window)\n",
                r->a.out);
    }
    return VEMT_EXIT_OK;
}

int vemt_run(const vemt_args *args, int argc, char **argv) {
    run r;
    memset(&r, 0, sizeof r);
    r.a = *args;
    r.info = args->quiet ? NULL : stdout;
    int64_t started = (int64_t)time(NULL);
    apply_demo(&r);
    if (vemt_ctx_create(r.a.seed, &r.ctx)) {
        fputs("vemt: out of memory or a dependency failed to start\n", stderr);
        return VEMT_EXIT_INTERNAL;
    }
    if (isatty(STDERR_FILENO))
        vemt_ctx_set_progress(r.ctx, vemt_report_progress, NULL);
    int rc = vemt_safety_check(&r.a);
    if (rc == VEMT_EXIT_OK) rc = vemt_tier_protect(&r.a);
    if (rc == VEMT_EXIT_OK) {
        vemt_safety_clean_stale(&r.a);
        vemt_safety_arm(&r.a);
        rc = read_inputs(&r);
    }
    if (rc == VEMT_EXIT_OK) rc = read_boundary(&r);
    if (rc == VEMT_EXIT_OK) {
        vemt_report_rejects(stderr, &r.rejects, r.sources, 10);
        if (!vemt_report_sources(r.info, r.sources, r.n_sources))
            rc = VEMT_EXIT_INTERNAL; /* a bug: every row must be counted */
    }
    if (rc == VEMT_EXIT_OK && r.a.command == VEMT_CMD_RUN) rc = analyse(&r);
    if (rc == VEMT_EXIT_OK) rc = write_outputs(&r, argc, argv, started);
    run_free(&r);
    return rc;
}
