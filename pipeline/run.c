/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file run.c
 * @brief The run pipeline: read every input, lay the units over the study
 * area, count, compute every statistic; then write the outputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <gdal.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "engine/engine.h"
#include "ingest/ingest.h"
#include "outputs/outputs.h"
#include "pipeline/clusters.h"
#include "pipeline/flagged.h"
#include "pipeline/forecast.h"
#include "pipeline/hotspots.h"
#include "pipeline/log.h"
#include "pipeline/memory.h"
#include "pipeline/missing.h"
#include "pipeline/names.h"
#include "pipeline/options.h"
#include "pipeline/pack.h"
#include "pipeline/params.h"
#include "pipeline/pipeline.h"
#include "pipeline/publish.h"
#include "pipeline/rank.h"
#include "pipeline/repeat.h"
#include "pipeline/report.h"
#include "pipeline/safeguard.h"
#include "pipeline/safety.h"
#include "pipeline/scan.h"
#include "pipeline/timings.h"
#include "pipeline/trends.h"

/* Everything one run holds; freed in one place. */
struct vemt_result {
    vemt_job a;      /* the job, with the analysis CRS as checked */
    vemt_error *err; /* the caller's, while running or writing */
    vemt_callbacks cb;
    vemt_ctx *ctx;
    vemt_pseudo *pseudo;
    vemt_key_origin key_origin;
    vemt_postcodes *postcodes;
    vemt_filter *filter;
    vemt_text_index *texts; /* the events' categories etc., all files */
    vemt_source sources[VEMT_MAX_INPUTS];
    size_t n_sources;
    vemt_events events;
    vemt_rejects rejects;
    vemt_merges merges;
    vemt_study_area *area;
    vemt_hotspot_result hs;
    vemt_cluster_result cl;
    vemt_trend_result trends;
    vemt_scan_stage scan;         /* --scan (pipeline/scan.h) */
    vemt_forecast_stage forecast; /* --forecast (pipeline/forecast.h) */
    vemt_published pub;
    size_t *rank_order; /* the units in rank order (vemt_rank_units) */
    size_t *unit_rank;  /* per unit: its rank, 1 = first */
    vemt_safeguard_result sg;
    vemt_repeat_result rep;
    vemt_missing_result mis;
    vemt_flagged_result flg;
    vemt_pack_built pack; /* the board pack's contents (pipeline/pack.c) */
    vemt_names names; /* of the units, clusters, windows (pipeline/names.h) */
    bool have_trends;
    vemt_params params;
    const char *crs_given; /* --analysis-crs as given, or NULL */
    char *crs;             /* the analysis CRS as checked (a.analysis_crs) */
    char crs_name[128];
    const vemt_callbacks *info; /* &cb, or NULL with --quiet */
    bool cancelled;             /* the progress callback said stop */
    int64_t started;            /* when the run started (UTC seconds) */
    char err_path[4096];        /* a folder an error names */
    vemt_timings tm;            /* each stage's time (pipeline/timings.h) */
    vemt_gpkg_early *early;     /* the GeoPackage's events layer, begun */
};

typedef struct vemt_result run;

void vemt_result_destroy(run *r) {
    if (!r) return;
    vemt_outputs_gpkg_early_destroy(r->early); /* it reads the events */
    vemt_pack_built_clear(&r->pack);
    vemt_names_free(&r->names);
    vemt_trends_clear(&r->trends);
    vemt_scan_stage_clear(&r->scan);
    vemt_forecast_stage_clear(&r->forecast);
    vemt_published_clear(&r->pub);
    vemt_free(r->rank_order);
    vemt_free(r->unit_rank);
    vemt_safeguard_clear(&r->sg);
    vemt_repeat_clear(&r->rep);
    vemt_missing_clear(&r->mis);
    vemt_flagged_clear(&r->flg);
    vemt_clusters_result_clear(&r->cl);
    vemt_hotspots_clear(&r->hs);
    vemt_study_area_destroy(r->area);
    vemt_events_clear(&r->events);
    vemt_rejects_clear(&r->rejects);
    vemt_merges_clear(&r->merges);
    vemt_filter_destroy(r->filter);
    vemt_text_index_destroy(r->texts);
    vemt_postcodes_destroy(r->postcodes);
    vemt_pseudo_destroy(r->pseudo);
    vemt_ingest_free(r->crs);
    vemt_ctx_destroy(r->ctx);
    vemt_free(r);
}

/* The tier may show where events happened: journeys, places, patrol
 * windows. */
static bool shows_places(const run *r) {
    return vemt_tier_rules_get((vemt_tier)r->a.tier)->exact_locations;
}

/* A failed call's status, with the context's error copied to the caller's
 * (the file named when the error names none). */
static vemt_status failed(run *r, vemt_status st, const char *path) {
    *r->err = *vemt_ctx_error(r->ctx);
    /* The context's last error may be another call's (a stage that ran
     * out of memory sets none; GDAL complains while cleaning up): then
     * the status says what happened. */
    if (r->err->code != st)
        vemt_error_set(r->err, st, "%s", vemt_status_str(st));
    if (!r->err->source) r->err->source = path;
    return st;
}

/* A status with its message, for the checks the pipeline itself makes. */
static vemt_status fail(run *r, vemt_status st, const char *path,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static vemt_status fail(run *r, vemt_status st, const char *path,
                        const char *fmt, ...) {
    char msg[sizeof r->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vemt_error_set(r->err, st, "%s", msg);
    r->err->source = path;
    return st;
}

/* The progress callback said stop. */
static vemt_status cancelled(run *r) {
    return fail(r, VEMT_E_CANCELLED, NULL, "cancelled");
}

/* --analysis-crs: a projected CRS in metres, checked before anything is
 * read; from here on every stage gets it as a.analysis_crs. */
static vemt_status check_analysis_crs(run *r) {
    const char *def = r->crs_given = r->a.analysis_crs;
    if (!def) def = VEMT_ANALYSIS_CRS_DEFAULT;
    vemt_status st = vemt_ingest_analysis_crs(r->ctx, def, &r->crs, r->crs_name,
                                              sizeof r->crs_name);
    if (st == VEMT_E_NOMEM || st == VEMT_E_DEPENDENCY)
        return failed(r, st, NULL);
    if (st) {
        return fail(r, VEMT_E_OPTION, NULL, "--analysis-crs %.60s%s: %s", def,
                    strlen(def) > 60 ? "..." : "", vemt_ctx_error(r->ctx)->msg);
    }
    r->a.analysis_crs = r->crs;
    bool wkt = strchr(r->crs, '[') != NULL; /* no identifier: just the name */
    if (r->crs_given && r->info)
        vemt_logf(r->info, "analysis CRS: %s%s%s%s\n", r->crs_name,
                  wkt ? "" : " (", wkt ? "" : r->crs, wkt ? "" : ")");
    return VEMT_OK;
}

/* Pseudonym key, postcode lookup and category filter for the inputs. */
static vemt_status reading_aids(run *r) {
    vemt_status st = vemt_pseudo_create(
        r->ctx, r->a.key_file, r->a.pseudonym_key, &r->pseudo, &r->key_origin);
    if (st) return failed(r, st, r->a.key_file);
    if (r->key_origin == VEMT_KEY_RANDOM && r->info)
        vemt_logf(r->info,
                  "note: no --key-file or VEMT_PSEUDONYM_KEY: pseudonyms use a "
                  "random key and will differ from other runs\n");
    if (r->a.postcodes &&
        (st = vemt_postcodes_load(r->ctx, r->a.postcodes, r->a.analysis_crs,
                                  &r->postcodes)))
        return failed(r, st, r->a.postcodes);
    if (r->postcodes)
        vemt_params_add_transform(&r->params, "postcodes_transformation",
                                  vemt_postcodes_transform(r->postcodes));
    if (r->postcodes && r->info)
        vemt_logf(r->info, "postcodes: %zu in %s\n",
                  vemt_postcodes_count(r->postcodes), r->a.postcodes);
    if ((r->a.categories || r->a.exclude_categories) &&
        (st = vemt_filter_create(r->ctx, r->a.categories,
                                 r->a.exclude_categories, &r->filter)))
        return failed(r, st, NULL);
    if (vemt_text_index_create(&r->texts)) return failed(r, VEMT_E_NOMEM, NULL);
    return VEMT_OK;
}

/* --max-reject-rate: too many bad rows in one file stops the run. */
static vemt_status check_reject_rate(run *r, const vemt_source *s) {
    if (r->a.max_reject_rate < 0 || s->n_read == 0) return VEMT_OK;
    double rate = (double)s->n_rejected / (double)s->n_read;
    if (rate <= r->a.max_reject_rate) return VEMT_OK;
    return fail(r, VEMT_E_ARG, s->path,
                "%ld of %ld rows rejected (%.1f%%), more than "
                "--max-reject-rate %g allows",
                s->n_rejected, s->n_read, 100 * rate, r->a.max_reject_rate);
}

static vemt_status read_inputs(run *r) {
    vemt_status rc = reading_aids(r);
    for (int i = 0; rc == VEMT_OK && i < r->a.n_inputs; i++) {
        const vemt_job_input *in = &r->a.inputs[i];
        vemt_ingest_opts opts = {.pseudo = r->pseudo,
                                 .postcodes = r->postcodes,
                                 .filter = r->filter,
                                 .columns = &in->columns,
                                 .crs = in->crs ? in->crs : r->a.crs,
                                 .analysis_crs = r->a.analysis_crs,
                                 .month_first = in->date_order < 0
                                                    ? r->a.month_first
                                                    : in->date_order == 1,
                                 .zone = r->a.input_tz,
                                 .texts = r->texts,
                                 .parts = r->a.threads == 1 ? 1 : 0,
                                 .centroids = r->a.centroids};
        vemt_source *s = &r->sources[r->n_sources];
        s->path = in->path;
        s->kind = in->kind;
        vemt_status st = vemt_ingest_file(r->ctx, &opts, s, (int)r->n_sources,
                                          &r->events, &r->rejects, &r->merges);
        if (st) return failed(r, st, s->path);
        r->n_sources++;
        rc = check_reject_rate(r, s);
        if (!rc && r->cancelled) rc = cancelled(r);
    }
    if (rc == VEMT_OK && r->n_sources > 1) {
        size_t m = 0;
        if (vemt_ingest_merge_across(&r->events, r->sources, &r->merges,
                                     r->a.merge_m, r->a.merge_s, &m))
            return fail(r, VEMT_E_NOMEM, NULL, "out of memory");
        if (m && r->info)
            vemt_logf(r->info,
                      "merged %zu cross-source duplicates (same "
                      "subject within %g m and %g min)\n",
                      m, r->a.merge_m, r->a.merge_s / 60);
    }
    return rc;
}

static vemt_status read_boundary(run *r) {
    if (!r->a.boundary) {
        vemt_study_area_flag_events(NULL, &r->events);
        return VEMT_OK;
    }
    unsigned char *wkb = NULL;
    size_t n = 0;
    vemt_transform_note note;
    char *repairs = NULL;
    vemt_status st =
        vemt_boundary_read(r->ctx, r->a.boundary, r->a.boundary_where,
                           r->a.analysis_crs, &wkb, &n, &note, &repairs);
    if (!st)
        vemt_params_add_transform(&r->params, "boundary_transformation", &note);
    if (r->a.boundary_where)
        vemt_params_add_text(&r->params, "boundary_where", "given",
                             r->a.boundary_where);
    if (repairs) { /* one line a repaired feature */
        for (const char *p = repairs; *p;) {
            size_t len = strcspn(p, "\n");
            char line[700];
            snprintf(line, sizeof line, "warning: %.*s\n", (int)len, p);
            vemt_log_text(&r->cb, VEMT_LOG_WARNING, line);
            p += len + (p[len] == '\n');
        }
        vemt_params_add_text(&r->params, "boundary_repairs", "automatic",
                             repairs);
    }
    vemt_ingest_free(repairs);
    if (!st) st = vemt_study_area_create_wkb(r->ctx, wkb, n, &r->area);
    vemt_ingest_free(wkb);
    if (st) return failed(r, st, r->a.boundary);
    vemt_study_area_flag_events(r->area, &r->events);
    return VEMT_OK;
}

/* True, with a warning, when no event of the --kind is located
 * in the study area (every row rejected, say): bad rows never stop a run
 * (issue 3), so the run still writes the events, rejects and merges and
 * its summary, as `vemt ingest` does, and exits 0. */
static bool nothing_to_analyse(run *r) {
    for (size_t i = 0; i < r->events.n; i++)
        if (vemt_event_counted(&r->events.items[i], r->a.kinds)) return false;
    char why[160];
    snprintf(why, sizeof why, "no located %s events in the %s", r->a.kind_name,
             r->area ? "study area" : "inputs");
    char line[400];
    snprintf(line, sizeof line,
             "vemt: warning: %s: nothing to analyse, so no hot spots or "
             "trends; the events, rejects and merges are written (see the "
             "rejects above)\n",
             why);
    vemt_log_text(&r->cb, VEMT_LOG_WARNING, line);
    vemt_params_add_text(&r->params, "analysis", "automatic", why);
    return true;
}

/* The one ranking of the units (pipeline/rank.h), on the published values:
 * stdout, the report and the tables all take it from here. */
static vemt_status rank_units(run *r) {
    size_t n = vemt_units_count(r->hs.grid);
    r->rank_order = vemt_calloc(n ? n : 1, sizeof *r->rank_order);
    r->unit_rank = vemt_calloc(n ? n : 1, sizeof *r->unit_rank);
    if (!r->rank_order || !r->unit_rank) return VEMT_E_NOMEM;
    return vemt_rank_units(r->hs.grid, r->hs.bins, r->pub.unit_hidden,
                           r->pub.cells, r->rank_order, r->unit_rank);
}

/* The DBSCAN clusters (patrol windows name them), or NULL. */
static const vemt_clusters *dbscan_clusters(const run *r) {
    for (size_t k = 0; k < r->cl.n_sets; k++)
        if (!strcmp(r->cl.sets[k].method, "dbscan"))
            return r->cl.sets[k].clusters;
    return NULL;
}

/* What stdout's and the report's summaries tell, under the job's rules
 * (filled into *rules, which *sm borrows). */
static void summary_of(const run *r, vemt_tier_rules *rules, vemt_summary *sm) {
    vemt_job_rules(&r->a, rules);
    *sm = (vemt_summary){
        .sources = r->sources,
        .n_sources = r->n_sources,
        .events = &r->events,
        .grid = r->hs.grid,
        .cells = r->pub.cells,
        .bins = r->hs.bins,
        .trends = r->have_trends ? &r->trends.out : NULL,
        .safeguarding = shows_places(r) && r->hs.grid ? &r->sg.out : NULL,
        .rules = rules,
        .job = &r->a,
        .alerts = r->hs.alerts,
        .bin_hidden = r->pub.unit_hidden,
        .order = r->rank_order,
        .gi_z = r->hs.z,
        .cluster_alerts = r->cl.alerts,
        .names = &r->names,
        .dbscan = dbscan_clusters(r)};
}

/* Publication (tier rules) and the units' ranks, once trends are in. */
static vemt_status publish_and_rank(run *r) {
    vemt_status st = vemt_publish(&r->a, &r->hs,
                                  r->have_trends ? &r->trends : NULL, &r->pub);
    if (!st) st = rank_units(r);
    vemt_timings_lap(&r->tm, "publish and rank");
    return st;
}

/* The GeoPackage's events layer begun in a thread of its own, now that
 * the events' clusters are known: its 24 s at 10 million events go on
 * beside places, Knox, trends and publication (issue 19). Not with one
 * thread, nor when no GeoPackage is written. */
static vemt_status start_gpkg(run *r) {
    if (!r->a.out || r->a.threads == 1 || r->early) return VEMT_OK;
    vemt_provenance prov = {.tier = vemt_tier_name((vemt_tier)r->a.tier),
                            .suppress_below = vemt_tier_threshold(&r->a),
                            .round_to = r->a.round_to};
    vemt_output out = {.events = &r->events,
                       .sources = r->sources,
                       .n_sources = r->n_sources,
                       .cluster_sets = r->cl.sets,
                       .n_cluster_sets = r->cl.n_sets,
                       .provenance = &prov,
                       .crs = r->a.analysis_crs};
    return vemt_outputs_gpkg_start(r->ctx, r->a.out, &out, &r->early);
}

/* Clusters, places and Knox: nothing of the trends' (where the tier shows
 * places, the density is of the events, not of published cell counts). */
static vemt_status later_stages(run *r) {
    const vemt_hotspot_result *h = &r->hs;
    vemt_status st =
        vemt_clusters_run(r->ctx, &r->a, &r->events, r->area, h->grid,
                          r->pub.cells, r->info, &r->params, &r->cl);
    if (!st) st = start_gpkg(r);
    vemt_timings_lap(&r->tm, "clusters");
    if (r->cl.alerts) vemt_log_text(&r->cb, VEMT_LOG_WARNING, r->cl.alerts);
    /* Journeys, places and patrol windows show places: restricted only. */
    const vemt_cluster_set *dbscan = NULL;
    for (size_t k = 0; k < r->cl.n_sets; k++)
        if (!strcmp(r->cl.sets[k].method, "dbscan")) dbscan = &r->cl.sets[k];
    if (!st && shows_places(r))
        st = vemt_safeguard_run(&r->a, &r->events, h->grid, h->bins, dbscan,
                                &r->sg);
    vemt_timings_lap(&r->tm, "places");
    if (!st && shows_places(r))
        st = vemt_repeat_run(r->ctx, &r->a, &r->events, h->grid, h->weights,
                             r->info, &r->params, &r->rep);
    vemt_timings_lap(&r->tm, "knox and co-location");
    return st;
}

/* Units, counts, weights, Gi*, Local Moran; then trends, publication,
 * safeguarding and clusters. */
static vemt_status analyse(run *r) {
    vemt_hotspot_result *h = &r->hs;
    vemt_status st = vemt_flagged_run(r->ctx, &r->a, &r->events, r->info,
                                      &r->params, &r->flg);
    if (r->flg.alerts) vemt_log_text(&r->cb, VEMT_LOG_WARNING, r->flg.alerts);
    if (st) return failed(r, st, r->a.flag_places);
    vemt_timings_lap(&r->tm, "flagged places");
    st = vemt_hotspots_run(r->ctx, &r->a, r->area, &r->events, r->info,
                           &r->params, h);
    if (h->alerts) vemt_log_text(&r->cb, VEMT_LOG_WARNING, h->alerts);
    if (st) return failed(r, st, NULL);
    vemt_timings_lap(&r->tm, "hot spots");
    if (r->cancelled) return cancelled(r); /* the stages that report end here */
    /* A unit or step the tier can't publish is a usage error (exit 2), as
     * vemt_job_finish() finds a given one; here it meets a job that
     * skipped that check (the library's callers). */
    if (vemt_tier_check_cell(
            &r->a, h->cell_m > 0 ? h->cell_m : (double)INFINITY, r->err) ||
        vemt_tier_check_units(&r->a, h->grid, r->err))
        return r->err->code = VEMT_E_OPTION;
    size_t n = vemt_units_count(h->grid);
    /* Names of the units, before stdout lists the hottest. */
    if ((st = vemt_names_build(r->ctx, &r->a, h->grid, &r->names, r->err)))
        return st;
    if (r->a.label_areas)
        vemt_params_add_text(&r->params, "label_areas", "given",
                             r->a.label_areas);
    vemt_params_add_text(
        &r->params, "gi_bin_rule", r->a.fdr ? "default" : "given",
        r->a.fdr ? "Benjamini-Hochberg FDR at q = 0.10, 0.05, 0.01"
                 : "plain p < 0.10, 0.05, 0.01");
    vemt_timings_lap(&r->tm, "names");
    /* Where the tier shows places and more than one thread may work,
     * trends on grid cells run in a thread of their own beside clusters,
     * places and Knox (polygon units hold one GEOS handle, which one
     * thread at a time may use), which need nothing of theirs (the density is
     * of the events then, not of published counts); their lines are held and
     * told in a serial run's order. */
    vemt_trends_beside tb;
    bool beside = !r->a.no_trends && shows_places(r) && r->a.threads != 1 &&
                  !vemt_units_polygons(h->grid) && /* one GEOS handle */
                  vemt_trends_start(&tb, &r->a, h->grid, h->weights, &r->events,
                                    r->info, &r->trends, &r->have_trends);
    st = VEMT_OK;
    if (beside) {
        vemt_log_held mine;
        vemt_log_hold(&mine, &r->cb, true);
        r->cb = mine.cb;
        st = later_stages(r);
        r->cb = mine.to;
        vemt_status ts = vemt_trends_join(&tb, st ? NULL : r->ctx);
        vemt_log_release(&mine);
        vemt_timings_lap(&r->tm, "waiting for trends");
        vemt_timings_beside(&r->tm, "trends (beside)", tb.wall_s, tb.cpu_s);
        if (!st) st = ts;
        if (!st) st = publish_and_rank(r);
    } else {
        if (!r->a.no_trends)
            st = vemt_trends_run(r->ctx, &r->a, h->grid, h->weights, &r->events,
                                 r->info, &r->trends, &r->have_trends);
        vemt_timings_lap(&r->tm, "trends");
        if (!st) st = publish_and_rank(r);
        if (!st) st = later_stages(r);
    }
    if (!st && shows_places(r))
        st = vemt_missing_run(&r->a, &r->events, h->grid,
                              r->have_trends ? r->trends.cube : NULL, &r->mis);
    vemt_timings_lap(&r->tm, "missing");
    if (!st && r->a.scan) {
        st = vemt_scan_stage_run(r->ctx, &r->a, h->grid, &r->events,
                                 r->have_trends ? r->trends.cube : NULL,
                                 &r->names, r->info, &r->params, &r->scan);
        vemt_timings_lap(&r->tm, "space-time scan");
    }
    if (!st && r->a.forecast) {
        st = vemt_forecast_stage_run(
            r->ctx, &r->a, h->grid, &r->events,
            r->have_trends ? r->trends.cube : NULL,
            r->have_trends ? r->trends.out.pub_events : NULL, r->info,
            &r->params, &r->forecast);
        vemt_timings_lap(&r->tm, "forecast");
    }
    if (!st && shows_places(r)) {
        r->sg.out.missing = r->mis.n ? r->mis.rows : NULL;
        r->sg.out.n_missing = r->mis.n;
        r->sg.out.repeat_episodes = r->a.repeat_episodes;
        r->sg.out.repeat_days = r->a.repeat_days;
        r->sg.out.flagged = r->flg.n ? r->flg.rows : NULL;
        r->sg.out.n_flagged = r->flg.n;
        r->sg.out.near_repeat = r->rep.have_nr ? &r->rep.nr : NULL;
        r->sg.out.found = r->rep.have_found ? &r->rep.found : NULL;
        r->sg.out.colocation = r->rep.have_clq ? &r->rep.clq : NULL;
    }
    if (st) return failed(r, st, NULL);
    if (r->info && r->sg.note) vemt_logf(r->info, "%s\n", r->sg.note);
    if (r->info) {
        vemt_logf(r->info, "units: %zu %s, %zu %s events counted\n", n,
                  vemt_units_polygons(h->grid) ? "polygons" : "cells",
                  h->counted, r->a.kind_name);
        vemt_logs(r->info, "hottest units (" VEMT_RANK_RULE "):\n");
        vemt_tier_rules rules;
        vemt_summary sm;
        summary_of(r, &rules, &sm);
        char *text;
        size_t len;
        FILE *m = vemt_log_open(r->info, &text, &len);
        if (m) vemt_report_top_cells(m, &sm, 5, false);
        vemt_log_flush(r->info, VEMT_LOG_INFO, m, &text);
    }
    return VEMT_OK;
}

/* Write the Markdown report to a new temporary tmp (created for the owner
 * only where the tier shows places, as every other output:
 * outputs/ogr_writer.c), checking every write down to fsync. 0, or the
 * errno of the failure. */
static int write_report_file(run *r, const vemt_summary *sm, const char *tmp) {
    unlink(tmp);
    int fd =
        open(tmp, O_WRONLY | O_CREAT | O_EXCL, shows_places(r) ? 0600 : 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        return e;
    }
    errno = 0;
    if (r->pack.pack.title) vemt_pack_markdown_head(f, &r->pack.pack);
    vemt_report_summary(f, sm, true);
    if (r->pack.pack.title) vemt_pack_markdown_glossary(f, &r->pack.pack);
    int e = fflush(f) != 0 || ferror(f) ? (errno ? errno : EIO) : 0;
    if (!e && fsync(fileno(f)) != 0) e = errno;
    if (fclose(f) != 0 && !e) e = errno;
    return e;
}

/* The run summary for people, on stdout and (--report) as Markdown: the
 * report is one of the outputs committed together (c). */
static vemt_status write_report(run *r, vemt_commit *c) {
    if (r->a.command != VEMT_JOB_RUN) return VEMT_OK;
    vemt_tier_rules rules;
    vemt_summary sm;
    summary_of(r, &rules, &sm);
    char *text;
    size_t len;
    FILE *m = vemt_log_open(r->info, &text, &len);
    if (m) vemt_report_summary(m, &sm, false);
    vemt_log_flush(r->info, VEMT_LOG_INFO, m, &text);
    if (!r->a.report) return VEMT_OK;
    char tmp[4200];
    if (!vemt_outputs_temp_path(r->a.report, "", (long)getpid(), tmp,
                                sizeof tmp))
        return fail(r, VEMT_E_IO, r->a.report, "can't write: %s",
                    strerror(ENAMETOOLONG));
    int e = write_report_file(r, &sm, tmp);
    if (e) {
        unlink(tmp);
        return fail(r, VEMT_E_IO, r->a.report, "can't write: %s", strerror(e));
    }
    if (vemt_commit_add(r->ctx, c, tmp, r->a.report, VEMT_COMMIT_TEXT))
        return failed(r, VEMT_E_NOMEM, r->a.report);
    return VEMT_OK;
}

/* A small text file's contents (the job file, for provenance), or NULL. */
static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = vemt_calloc(1, 65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    if (buf) buf[n] = '\0';
    fclose(f);
    return buf;
}

/* SHA-256 and size of the files that are not record inputs, into the
 * provenance (never the key file: it is a secret). */
static vemt_status hash_aux_files(run *r) {
    const struct {
        const char *name, *path;
    } files[] = {{"boundary_file", r->a.boundary},
                 {"areas_file", r->a.areas},
                 {"postcodes_file", r->a.postcodes},
                 {"flag_places_file", r->a.flag_places}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i].path) continue;
        char hex[65], text[160];
        uint64_t bytes;
        vemt_status st =
            vemt_ingest_file_sha256(r->ctx, files[i].path, hex, &bytes);
        if (st) return st;
        snprintf(text, sizeof text, "sha256 %s, %llu bytes", hex,
                 (unsigned long long)bytes);
        vemt_params_add_text(&r->params, files[i].name, "automatic", text);
    }
    /* The second and later --areas files together. */
    char more[512] = "";
    size_t used = 0;
    for (int k = 1; k < r->a.n_areas; k++) {
        char hex[65];
        uint64_t bytes;
        vemt_status st =
            vemt_ingest_file_sha256(r->ctx, r->a.area_files[k], hex, &bytes);
        if (st) return st;
        int w = snprintf(more + used, sizeof more - used,
                         "%s%s: sha256 %s, %llu bytes", k > 1 ? "; " : "",
                         r->a.area_files[k], hex, (unsigned long long)bytes);
        if (w > 0 && (size_t)w < sizeof more - used) used += (size_t)w;
    }
    if (used)
        vemt_params_add_text(&r->params, "areas_more_files", "automatic", more);
    return VEMT_OK;
}

static const char *how(bool is_default) {
    return is_default ? "default" : "given";
}

/* Every option's value in the provenance, "default" where it is one. */
static void record_options(run *r) {
    const vemt_job *a = &r->a;
    vemt_params *p = &r->params;
    vemt_params_add(p, "merge_distance_m", how(a->merge_m == 50), a->merge_m);
    vemt_params_add(p, "merge_time_s", how(a->merge_s == 3600), a->merge_s);
    vemt_params_add_text(
        p, "analysis_crs", how(!r->crs_given),
        r->crs_given ? r->crs_given : VEMT_ANALYSIS_CRS_DEFAULT);
    vemt_params_add_text(p, "date_order", how(!a->month_first),
                         a->month_first ? "mdy" : "dmy");
    vemt_params_add_text(p, "input_time_zone",
                         how(!strcmp(a->input_time_zone, VEMT_TZ_DEFAULT)),
                         a->input_time_zone);
    if (a->categories)
        vemt_params_add_text(p, "categories", "given", a->categories);
    if (a->exclude_categories)
        vemt_params_add_text(p, "exclude_categories", "given",
                             a->exclude_categories);
    vemt_params_add_text(p, "tier", how(a->tier == 0),
                         vemt_tier_name((vemt_tier)a->tier));
    vemt_params_add_text(p, "centroids", how(!a->centroids),
                         a->centroids ? "yes: line, polygon and multipoint "
                                        "events located at their centroid"
                                      : "no: non-point geometries rejected");
    vemt_params_add(
        p, "max_memory_bytes",
        a->max_memory ? "given" : "default (80 % of memory or ulimit)",
        (double)vemt_memory_limit(a));
    if (a->command != VEMT_JOB_RUN) return;
    vemt_params_add_text(p, "kind", how(a->kinds == 1u << VEMT_KIND_INCIDENT),
                         a->kind_name);
    static const char steps[][8] = {"month", "week", "days"};
    char step[32];
    snprintf(step, sizeof step, "%s", steps[a->time_step % 3]);
    if (a->time_step == 2) snprintf(step, sizeof step, "%dd", a->step_days);
    vemt_params_add_text(p, "time_step", how(a->time_step == 0), step);
    if (a->time_start)
        vemt_params_add_text(p, "time_start", "given", a->time_start);
    if (a->time_end) vemt_params_add_text(p, "time_end", "given", a->time_end);
    vemt_params_add_text(p, "time_weighting", how(!a->time_at_start),
                         a->time_at_start ? "start" : "aoristic");
    vemt_params_add(p, "time_lag", how(a->time_lag == 1), a->time_lag);
    vemt_params_add_text(p, "time_zone",
                         how(!strcmp(a->time_zone, VEMT_TZ_DEFAULT)),
                         a->time_zone);
    vemt_params_add_text(p, "spread_months", how(!a->spread_months),
                         a->spread_months ? "yes" : "no");
    static const char windows[][16] = {"cube", "neighbourhood", "individual"};
    vemt_params_add_text(p, "global_window", how(a->global_window == 0),
                         windows[a->global_window % 3]);
    vemt_params_add_text(p, "count", how(!a->count_subjects),
                         a->count_subjects ? "subjects" : "events");
    vemt_params_add_text(p, "fdr", how(a->fdr), a->fdr ? "on" : "off");
    vemt_params_add(p, "place_radius_m", how(a->place_radius == 100),
                    a->place_radius);
    vemt_params_add(p, "min_children", how(a->min_children == 3),
                    (double)a->min_children);
    vemt_params_add(p, "patrol_window_hours", how(a->patrol_hours == 3),
                    a->patrol_hours);
    vemt_params_add(p, "patrol_top", how(a->patrol_top == 10), a->patrol_top);
}

/* Copy the error's source into the run (it may point into memory about to
 * be freed). */
static void keep_source(run *r) {
    if (!r->err->source || r->err->source == r->err_path) return;
    snprintf(r->err_path, sizeof r->err_path, "%s", r->err->source);
    r->err->source = r->err_path;
}

/* Where this run's commit manifest goes: beside the GeoPackage, or the
 * first output it writes. False when there is no output. */
static bool manifest_of(const vemt_job *a, char *buf, size_t size) {
    const char *files[] = {a->out, a->qgis_project, a->kde_path, a->report};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (files[i]) return vemt_commit_manifest_path(files[i], buf, size);
    if (!a->geojson_dir) return false;
    char inside[4200];
    snprintf(inside, sizeof inside, "%s/vemt", a->geojson_dir);
    return vemt_commit_manifest_path(inside, buf, size);
}

/* The checker's first lines as warnings, the temporary's name replaced by
 * the output's (the file the user asked for). */
static void show_problems(run *r, const char *text, const char *tmp) {
    const size_t max = 20;
    size_t k = strlen(tmp), shown = 0, total = 0;
    for (const char *p = text; p && *p; total++) {
        size_t n = strcspn(p, "\n");
        if (shown < max) {
            char line[1200];
            bool named = n >= k && !strncmp(p, tmp, k);
            snprintf(line, sizeof line, "%s%.*s\n", named ? r->a.out : "",
                     (int)(named ? n - k : n), named ? p + k : p);
            vemt_log_text(&r->cb, VEMT_LOG_WARNING, line);
            shown++;
        }
        p += n + (p[n] == '\n');
    }
    if (total > shown) {
        char more[96];
        snprintf(more, sizeof more, "... and %zu more lines\n", total - shown);
        vemt_log_text(&r->cb, VEMT_LOG_WARNING, more);
    }
}

/* The board pack about to be committed passes the checker's pack rules
 * too (its temporaries, read as the folder will hold them). */
static vemt_status audit_pack(run *r, const vemt_commit *c,
                              const vemt_tier_rules *rules) {
    if (!r->a.board_pack || !r->pack.pack.title) return VEMT_OK;
    char *text = NULL;
    size_t len = 0, problems = 0;
    FILE *m = open_memstream(&text, &len);
    vemt_status st = m ? vemt_outputs_check_pack_commit(r->ctx, r->a.board_pack,
                                                        c, rules, m, &problems)
                       : VEMT_E_NOMEM;
    if (m) fclose(m);
    if (!st && problems) vemt_log_text(&r->cb, VEMT_LOG_WARNING, text);
    free(text); /* open_memstream's buffer is the C library's */
    if (st) return failed(r, st, r->a.board_pack);
    if (problems == 0) return VEMT_OK;
    return fail(r, VEMT_E_DEPENDENCY, r->a.board_pack,
                "internal error: the %s-tier board pack fails vemt's own "
                "disclosure check (%zu problems, above); nothing was written",
                vemt_tier_name((vemt_tier)r->a.tier), problems);
}

/* At partner and public tiers the GeoPackage about to be committed must
 * pass vemt's own disclosure checker: a file it fails is the writer's bug,
 * never to be published (an internal error, exit 3). Its problems go to
 * the warnings. */
static vemt_status audit_outputs(run *r, const vemt_commit *c) {
    if ((vemt_tier)r->a.tier == VEMT_TIER_RESTRICTED || !r->a.out)
        return VEMT_OK;
    const char *tmp = vemt_commit_temp_of(c, r->a.out);
    if (!tmp) return VEMT_OK;
    vemt_tier_rules rules;
    vemt_job_rules(&r->a, &rules);
    char *text = NULL;
    size_t len = 0, problems = 0;
    FILE *m = open_memstream(&text, &len);
    vemt_status st =
        m ? vemt_outputs_check_disclosure(r->ctx, tmp, &rules, m, &problems)
          : VEMT_E_NOMEM;
    if (m) fclose(m);
    if (!st && problems) show_problems(r, text, tmp);
    free(text); /* open_memstream's buffer is the C library's */
    if (st) return failed(r, st, r->a.out);
    if (problems == 0) return audit_pack(r, c, &rules);
    return fail(r, VEMT_E_DEPENDENCY, r->a.out,
                "internal error: the %s-tier output fails vemt's own "
                "disclosure check (%zu problems, above); nothing was written",
                vemt_tier_name((vemt_tier)r->a.tier), problems);
}

/* Every output is written to its temporary: add the report, read each
 * back, audit the GeoPackage, then rename them all into place together
 * (outputs/commit.c). */
static vemt_status commit_outputs(run *r, vemt_commit *c) {
    vemt_status st = write_report(r, c);
    if (st) return st;
    char manifest[4200];
    if (!manifest_of(&r->a, manifest, sizeof manifest))
        return fail(r, VEMT_E_IO, NULL, "output path too long");
    if ((st = vemt_commit_verify(r->ctx, c))) return failed(r, st, NULL);
    if ((st = audit_outputs(r, c))) return st;
    if ((st = vemt_commit_apply(r->ctx, c, manifest)))
        return failed(r, st, manifest);
    const char *gone;
    for (size_t i = 0; (gone = vemt_commit_removal(c, i)) != NULL; i++) {
        char line[4400];
        snprintf(line, sizeof line,
                 "vemt: warning: removed %s: a layer this run does not write "
                 "(left by an earlier run)\n",
                 gone);
        vemt_log_text(&r->cb, VEMT_LOG_WARNING, line);
    }
    if (r->info && r->a.report)
        vemt_logf(r->info, "wrote report %s\n", r->a.report);
    return VEMT_OK;
}

/* The board pack's contents from the run's published values (the --report
 * begins with its summary; --board-pack draws it). */
static vemt_status build_pack(run *r, const vemt_output *out,
                              const vemt_tier_rules *rules) {
    if (r->a.command != VEMT_JOB_RUN) return VEMT_OK;
    vemt_pack_inputs in = {.job = &r->a,
                           .rules = rules,
                           .sources = r->sources,
                           .n_sources = r->n_sources,
                           .events = &r->events,
                           .grid = r->hs.grid,
                           .cell_m = r->hs.cell_m,
                           .counted = r->hs.counted,
                           .cells = r->pub.cells,
                           .cell_subjects = r->pub.cell_subjects,
                           .bins = r->hs.bins,
                           .bin_hidden = r->pub.unit_hidden,
                           .gi_z = r->hs.z,
                           .order = r->rank_order,
                           .rank = r->unit_rank,
                           .trends = out->trends,
                           .safeguarding = out->safeguarding,
                           .cluster_sets = out->cluster_sets,
                           .n_cluster_sets = out->n_cluster_sets,
                           .scan = out->scan,
                           .forecast = out->forecast,
                           .density = out->density != NULL,
                           .unit_names = (const char *const *)r->names.unit,
                           .label_areas = r->names.areas,
                           .created_utc = r->started};
    vemt_tier_rules sr;
    vemt_summary sm;
    summary_of(r, &sr, &sm);
    in.summary = &sm;
    vemt_status st = vemt_pack_build(&in, &r->pack);
    return st ? failed(r, st, r->a.board_pack) : VEMT_OK;
}

/* A progress line for each stage of the board pack: "board pack (maps):
 * 25%", the share of its stages begun; stage NULL: done. */
static void pack_stage(void *user, const char *stage) {
    run *r = user;
    static const char *const stages[] = {"maps", "charts", "tables", "pdf"};
    const uint64_t n = sizeof stages / sizeof stages[0];
    uint64_t k = 0;
    while (stage && k < n && strcmp(stages[k], stage)) k++;
    char name[64];
    snprintf(name, sizeof name, "board pack (%s)", stage ? stage : "done");
    if (r->cb.progress && !r->cb.progress(r->cb.user, name, stage ? k : n, n))
        r->cancelled = true;
}

static vemt_status write_outputs(run *r, int argc, char *const *argv) {
    char seed[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->a.seed);
    vemt_params_add_text(&r->params, "seed",
                         r->a.seed_given ? "given" : "default", seed);
    vemt_params_add_text(&r->params, "boundary",
                         r->a.boundary && !r->a.demo ? "given" : "default",
                         r->a.boundary ? r->a.boundary : "none (data extent)");
    record_options(r);
    vemt_status hs = hash_aux_files(r);
    if (hs) return failed(r, hs, NULL);
    static const char *const origins[] = {"key file", "environment variable",
                                          "random per run"};
    char *job = r->a.config ? read_text(r->a.config) : NULL;
    vemt_provenance prov = {
        .argc = argc,
        .argv = argv,
        .params = r->params.items,
        .n_params = r->params.n,
        .created_utc = r->started,
        .key_origin = origins[r->key_origin],
        .attribution = r->a.attribution,
        .job_json = job,
        .tier = vemt_tier_name((vemt_tier)r->a.tier),
        .suppress_below = vemt_tier_threshold(&r->a),
        .round_to = r->a.round_to,
        .command = r->a.command == VEMT_JOB_RUN ? "run" : "ingest"};
    vemt_output out = {
        .events = &r->events,
        .rejects = &r->rejects,
        .merges = &r->merges,
        .sources = r->sources,
        .n_sources = r->n_sources,
        .grid = r->hs.grid,
        .n_events = r->pub.cells,
        .n_subjects = r->pub.cell_subjects,
        .bin_hidden = r->pub.unit_hidden,
        .rank = r->unit_rank,
        .gi_z = r->hs.z,
        .gi_p = r->hs.p,
        .gi_p_sim = r->hs.p_sim,
        .gi_bin = r->hs.bins,
        .lisa_i = r->hs.lisa_i,
        .lisa_p = r->hs.lisa_p,
        .lisa_type = r->hs.lisa_type,
        .scale_profile = r->hs.profile,
        .n_scale_profile = r->hs.n_profile,
        .scale_first_peak = r->hs.first_peak,
        .scale_max_peak = r->hs.max_peak,
        .trends = r->have_trends ? &r->trends.out : NULL,
        .safeguarding = shows_places(r) && r->hs.grid ? &r->sg.out : NULL,
        .cluster_sets = r->cl.sets,
        .n_cluster_sets = r->cl.n_sets,
        .density = r->cl.density.raster ? &r->cl.density : NULL,
        .scan = r->scan.done ? &r->scan.out : NULL,
        .forecast = r->forecast.done ? &r->forecast.out : NULL,
        .provenance = &prov,
        .area = r->area,
        .area_name = r->a.boundary,
        .zone = r->a.tz,
        .crs = r->a.analysis_crs};
    vemt_logf(r->info, "writing %s\n", r->a.out);
    vemt_tier_rules rules;
    vemt_job_rules(&r->a, &rules);
    vemt_status st = build_pack(r, &out, &rules);
    if (st) {
        vemt_free(job);
        return st;
    }
    vemt_timings_lap(&r->tm, "pack contents");
    /* The provenance holds the stages finished before the GeoPackage. */
    prov.timing_names = r->tm.name;
    prov.timing_s = r->tm.wall_s;
    prov.n_timings = r->tm.n;
    vemt_commit *commit = NULL;
    st = vemt_commit_create(r->ctx, &commit);
    out.commit = commit;
    out.early = r->early;
    if (!st) st = vemt_outputs_write_gpkg(r->ctx, r->a.out, &out);
    vemt_outputs_gpkg_early_destroy(r->early);
    r->early = NULL;
    vemt_timings_lap(&r->tm, "write gpkg");
    if (!st && r->a.geojson_dir) {
        st = vemt_outputs_write_geojson(r->ctx, r->a.geojson_dir, &out);
        vemt_timings_lap(&r->tm, "write geojson");
    }
    if (!st && r->a.kde_path && r->cl.density.raster) {
        st = vemt_outputs_write_geotiff(r->ctx, r->a.kde_path, &out);
        vemt_timings_lap(&r->tm, "write geotiff");
    }
    if (!st && r->a.qgis_project) {
        st = vemt_outputs_write_project(r->ctx, r->a.qgis_project, r->a.out,
                                        &out);
        vemt_timings_lap(&r->tm, "write project");
    }
    if (!st && r->a.board_pack && r->pack.pack.title) {
        st = vemt_outputs_write_pack(r->ctx, r->a.board_pack, &out,
                                     &r->pack.pack, pack_stage, r);
        pack_stage(r, NULL);
        vemt_timings_lap(&r->tm, "write pack");
    }
    vemt_free(job);
    if (st)
        st = failed(r, st, NULL);
    else
        st = commit_outputs(r, commit);
    vemt_timings_lap(&r->tm, "report and commit");
    if (st) keep_source(r); /* it may be a name the commit holds */
    /* Whatever was not committed (a failure anywhere) is removed here. */
    vemt_commit_destroy(commit);
    if (st) return st;
    if (r->info && r->a.qgis_project)
        vemt_logf(r->info, "wrote QGIS project %s\n", r->a.qgis_project);
    if (r->info && r->a.board_pack && r->pack.pack.title)
        vemt_logf(r->info, "wrote board pack %s/board-pack.pdf\n",
                  r->a.board_pack);
    if (r->info) {
        vemt_logf(r->info, "wrote %s (%s tier)\n", r->a.out,
                  vemt_tier_name((vemt_tier)r->a.tier));
        if (r->a.geojson_dir)
            vemt_logf(r->info, "wrote GeoJSON layers into %s\n",
                      r->a.geojson_dir);
        vemt_logf(r->info,
                  "open it in QGIS: qgis %s  (or drag the file onto the "
                  "QGIS window)\n",
                  r->a.out);
    }
    return VEMT_OK;
}

/* The engine's progress, passed on; a "stop" is kept until the next stage
 * boundary. */
static void on_progress(void *data, const char *stage, uint64_t done,
                        uint64_t total) {
    run *r = data;
    if (!r->cb.progress(r->cb.user, stage, done, total)) r->cancelled = true;
}

/* Announce the temporary name of final (written with extension ext). */
static void announce(run *r, const char *final, const char *ext, long pid) {
    char t[4200];
    if (vemt_outputs_temp_path(final, ext, pid, t, sizeof t))
        r->cb.temp_file(r->cb.user, t);
}

/* Every temporary file the outputs may create, for the caller to remove if
 * the process is killed: the GeoPackage with SQLite's side files, the QGIS
 * project, the density GeoTIFF and each GeoJSON layer. */
static void announce_temps(run *r) {
    if (!r->cb.temp_file) return;
    static const char sides[][10] = {"", "-wal", "-shm", "-journal"};
    long pid = (long)getpid();
    char t[4200], final[4200];
    for (int i = 0; r->a.out && i < 4; i++)
        if (vemt_outputs_temp_path(r->a.out, ".gpkg", pid, t,
                                   sizeof t - sizeof sides[i])) {
            strcat(t, sides[i]);
            r->cb.temp_file(r->cb.user, t);
        }
    if (r->a.qgis_project) {
        announce(r, r->a.qgis_project, ".qgs", pid);
        announce(r, r->a.qgis_project, ".zip", pid);
    }
    if (r->a.kde_path) announce(r, r->a.kde_path, ".tif", pid);
    if (r->a.report) announce(r, r->a.report, "", pid);
    /* The manifest too: the caller must not remove temporaries while it
     * exists (the renames have begun; the next run finishes them). */
    if (manifest_of(&r->a, t, sizeof t)) r->cb.temp_file(r->cb.user, t);
    const char *name;
    for (size_t i = 0; r->a.geojson_dir && (name = vemt_outputs_layer_name(i));
         i++) {
        snprintf(final, sizeof final, "%s/%s.geojson", r->a.geojson_dir, name);
        announce(r, final, ".geojson", pid);
    }
}

/* Before anything is written: finish (or undo) the commit of an earlier
 * run that was killed, then remove what earlier runs that died left beside
 * every output (temporaries of the GeoPackage with SQLite's side files,
 * the project, the GeoTIFF, the GeoJSON layers and the report). */
static vemt_status recover_outputs(run *r) {
    char manifest[sizeof r->err_path], dir[4200];
    size_t rolled = 0;
    if (manifest_of(&r->a, manifest, sizeof manifest) &&
        vemt_commit_recover(r->ctx, manifest, &rolled)) {
        snprintf(r->err_path, sizeof r->err_path, "%s", manifest);
        return failed(r, VEMT_E_IO, r->err_path);
    }
    if (rolled)
        vemt_logf(&r->cb,
                  "note: finished an interrupted run's commit (%zu files "
                  "moved into place, %s)\n",
                  rolled, manifest);
    const char *files[] = {r->a.out, r->a.qgis_project, r->a.kde_path,
                           r->a.report};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (!files[i]) continue;
        const char *slash = strrchr(files[i], '/');
        snprintf(dir, sizeof dir, "%.*s",
                 slash ? (int)(slash - files[i]) + (slash == files[i]) : 1,
                 slash ? files[i] : ".");
        vemt_commit_clean_stale(dir);
    }
    if (r->a.geojson_dir) vemt_commit_clean_stale(r->a.geojson_dir);
    static const char *const pack_dirs[] = {"", "/maps", "/charts", "/tables"};
    for (size_t i = 0; r->a.board_pack && i < 4; i++) {
        snprintf(dir, sizeof dir, "%s%s", r->a.board_pack, pack_dirs[i]);
        vemt_commit_clean_stale(dir);
    }
    return VEMT_OK;
}

/* Read every input and the boundary, then say what was read. */
static vemt_status read_all(run *r) {
    vemt_status rc = read_inputs(r);
    if (rc == VEMT_OK) rc = read_boundary(r);
    if (rc) return rc;
    char *text;
    size_t len;
    FILE *m = vemt_log_open(&r->cb, &text, &len);
    if (m) vemt_report_rejects(m, &r->rejects, r->sources, 10);
    vemt_log_flush(&r->cb, VEMT_LOG_WARNING, m, &text);
    m = vemt_log_open(r->info, &text, &len);
    bool ok = vemt_report_sources(m, r->sources, r->n_sources);
    vemt_log_flush(r->info, VEMT_LOG_INFO, m, &text);
    if (!ok) /* a bug: every row must be counted */
        return fail(r, VEMT_E_ARG, NULL,
                    "internal error: rows unaccounted for");
    return r->cancelled ? cancelled(r) : VEMT_OK;
}

vemt_status vemt_pipeline_run(const vemt_job *job, const vemt_callbacks *cb,
                              vemt_result **out, vemt_error *err) {
    /* Every caller needs GDAL's drivers; registering is idempotent. */
    GDALAllRegister();
    run *r = *out = vemt_calloc(1, sizeof *r);
    if (!r) return vemt_error_set(err, VEMT_E_NOMEM, "out of memory");
    r->a = *job;
    r->err = err;
    if (cb) r->cb = *cb;
    r->info = job->quiet ? NULL : &r->cb;
    r->started = (int64_t)time(NULL);
    vemt_timings_start(&r->tm);
    vemt_status cs = vemt_ctx_create(r->a.seed, &r->ctx);
    if (cs) /* VEMT_E_NOMEM, or GEOS or GSL failed to start */
        return fail(r, cs, NULL, "%s",
                    cs == VEMT_E_NOMEM ? "out of memory"
                                       : "a dependency failed to start");
    if (r->cb.progress) vemt_ctx_set_progress(r->ctx, on_progress, r);
    vemt_ctx_set_threads(r->ctx, (unsigned)r->a.threads);
    vemt_status rc = check_analysis_crs(r);
    if (rc == VEMT_OK)
        rc = vemt_pipeline_check_outputs(&r->a, r->err_path, sizeof r->err_path,
                                         r->err);
    if (rc == VEMT_OK) rc = recover_outputs(r);
    if (rc == VEMT_OK) {
        announce_temps(r);
        vemt_timings_lap(&r->tm, "setup");
        rc = read_all(r);
        vemt_timings_lap(&r->tm, "read");
    }
    if (rc == VEMT_OK && r->a.command == VEMT_JOB_RUN && !nothing_to_analyse(r))
        rc = analyse(r);
    if (rc == VEMT_OK && r->cancelled) rc = cancelled(r);
    r->err = NULL;
    return rc;
}

vemt_status vemt_pipeline_write(vemt_result *r, int argc, char *const *argv,
                                vemt_error *err) {
    r->err = err;
    vemt_timings_lap(&r->tm, "summary");
    vemt_status st = write_outputs(r, argc, argv);
    r->err = NULL;
    if (r->a.timings) {
        char *text;
        size_t len;
        FILE *m = vemt_log_open(&r->cb, &text, &len);
        if (m) vemt_timings_print(m, &r->tm);
        vemt_log_flush(&r->cb, VEMT_LOG_WARNING, m, &text);
    }
    return st;
}

const vemt_source *vemt_result_sources(const vemt_result *r, size_t *n) {
    *n = r->n_sources;
    return r->sources;
}

const vemt_events *vemt_result_events(const vemt_result *r) {
    return &r->events;
}

const vemt_rejects *vemt_result_rejects(const vemt_result *r) {
    return &r->rejects;
}

const vemt_units *vemt_result_units(const vemt_result *r) { return r->hs.grid; }

const double *vemt_result_gi_z(const vemt_result *r) { return r->hs.z; }

const int8_t *vemt_result_gi_bin(const vemt_result *r) { return r->hs.bins; }
