/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file metadata.c
 * @brief The run's provenance as a JSON document (json-c).
 */
#include <cpl_conv.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "engine/alloc.h"
#include "outputs/ogr_writer.h"
#include "outputs/outputs.h"

static const char *source_kind_str(vemt_source_kind k) {
    return k == VEMT_SOURCE_INCIDENTS ? "incidents" : "missing";
}

/* What the PROJ pipeline means for accuracy: the OSTN15 grid is the
 * national standard (centimetres); without it PROJ uses the 7-parameter
 * Helmert of the OS guide (about 2 m). */
static const char *transformation_note(const vemt_source *s) {
    if (strstr(s->pipeline, "OSTN15"))
        return "OSTN15 grid shift (Ordnance Survey's definitive, cm accuracy)";
    if (strstr(s->pipeline, "helmert"))
        return "7-parameter Helmert (OSTN15 grid not installed: about 2 m "
               "accuracy)";
    if (strstr(s->pipeline, "proj=noop") || !strncmp(s->pipeline, "none", 4))
        return "none (already in the analysis CRS)";
    return "as the PROJ pipeline says";
}

/* Each input file: what it was and its row accounting (outside the
 * restricted tier the accounting, size and hash are pruned: prune()). */
static json_object *inputs_json(const vemt_output *out) {
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < out->n_sources; i++) {
        const vemt_source *s = &out->sources[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "path", json_object_new_string(s->path));
        json_object_object_add(
            o, "kind", json_object_new_string(source_kind_str(s->kind)));
        json_object_object_add(o, "bytes",
                               json_object_new_int64((int64_t)s->bytes));
        json_object_object_add(o, "sha256", json_object_new_string(s->sha256));
        static const char names[][24] = {
            "rows_read",   "rows_used",     "rows_located_nowhere",
            "rows_merged", "rows_excluded", "rows_rejected",
            "events"};
        const long counts[7] = {s->n_read,   s->n_used,     s->n_nowhere,
                                s->n_merged, s->n_excluded, s->n_rejected,
                                s->n_events};
        for (int k = 0; k < 7; k++)
            json_object_object_add(o, names[k],
                                   json_object_new_int64((int64_t)counts[k]));
        json_object_object_add(
            o, "format", json_object_new_string(s->format ? s->format : ""));
        json_object_object_add(
            o, "layout", json_object_new_string(s->schema ? s->schema : ""));
        json_object_object_add(o, "crs", json_object_new_string(s->crs));
        json_object_object_add(o, "columns",
                               json_object_new_string(s->columns));
        json_object_object_add(o, "proj_pipeline",
                               json_object_new_string(s->pipeline));
        json_object_object_add(o, "transformation",
                               json_object_new_string(transformation_note(s)));
        json_object_array_add(arr, o);
    }
    return arr;
}

/* The analysis CRS: its definition as vemt used it, name, identifier (null
 * without one) and WKT2 (as GDAL, through PROJ, writes it); brief gets the
 * identifier, else the name. */
static json_object *crs_json(const vemt_output *out, char *brief, size_t size) {
    json_object *o = json_object_new_object();
    const char *def = out->crs ? out->crs : VEMT_ANALYSIS_CRS_DEFAULT;
    json_object_object_add(o, "definition", json_object_new_string(def));
    snprintf(brief, size, "%s", def);
    OGRSpatialReferenceH srs;
    if (vemt_output_srs(NULL, out, &srs)) return o;
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    const char *name = OSRGetName(srs) ? OSRGetName(srs) : "";
    char id[64] = "";
    if (auth && code) snprintf(id, sizeof id, "%s:%s", auth, code);
    snprintf(brief, size, "%s", id[0] ? id : name);
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "id", id[0] ? json_object_new_string(id) : NULL);
    json_object_object_add(o, "units", json_object_new_string("metre"));
    const char *const wkt2[] = {"FORMAT=WKT2_2019", NULL};
    char *wkt = NULL;
    if (OSRExportToWktEx(srs, &wkt, wkt2) == OGRERR_NONE)
        json_object_object_add(o, "wkt", json_object_new_string(wkt));
    CPLFree(wkt);
    OSRRelease(srs);
    return o;
}

static json_object *params_json(const vemt_provenance *p) {
    json_object *obj = json_object_new_object();
    for (size_t i = 0; i < p->n_params; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "value",
                               json_object_new_string(p->params[i].value));
        json_object_object_add(o, "how",
                               json_object_new_string(p->params[i].how));
        json_object_object_add(obj, p->params[i].name, o);
    }
    return obj;
}

/* Outside the restricted tier the provenance keeps only the keys on the
 * tier's allow-list (disclosure/allow.c): parameters and rules, never a
 * number computed from the data. path is o's dotted key; arrays' elements
 * share their array's. */
static void prune(json_object *o, const vemt_tier_rules *rules,
                  const char *path) {
    if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            prune(json_object_array_get_idx(o, i), rules, path);
        return;
    }
    if (!json_object_is_type(o, json_type_object)) return;
    const char *drop[64];
    for (int pass = 0; pass < 1024; pass++) {
        size_t n = 0;
        json_object_object_foreach(o, key, val) {
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
            if (vemt_disclosure_metadata_allowed(rules, sub)) continue;
            if (vemt_disclosure_metadata_below(rules, sub))
                prune(val, rules, sub);
            else if (n < 64)
                drop[n++] = key;
        }
        if (!n) return;
        /* Keys are borrowed from the object: copy before deleting. */
        char names[64][128];
        for (size_t i = 0; i < n; i++)
            snprintf(names[i], sizeof names[i], "%s", drop[i]);
        for (size_t i = 0; i < n; i++) json_object_object_del(o, names[i]);
    }
}

char *vemt_outputs_provenance_json(const vemt_output *out) {
    const vemt_provenance *p = out->provenance;
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    json_object *doc = json_object_new_object();
    char when[32];
    vemt_time_format_utc(p->created_utc, when, sizeof when);
    json_object_object_add(doc, "program", json_object_new_string("vemt"));
    json_object_object_add(doc, "version",
                           json_object_new_string(VEMT_VERSION));
    json_object_object_add(doc, "created_utc", json_object_new_string(when));
    json_object *argv = json_object_new_array();
    for (int i = 0; i < p->argc; i++)
        json_object_array_add(argv, json_object_new_string(p->argv[i]));
    json_object_object_add(doc, "command_line", argv);
    char brief[160];
    json_object *crs = crs_json(out, brief, sizeof brief);
    json_object_object_add(doc, "crs", json_object_new_string(brief));
    json_object_object_add(doc, "analysis_crs", crs);
    json_object_object_add(
        doc, "time_convention",
        json_object_new_string(
            "all times UTC, written YYYY-MM-DDTHH:MM:SS.SSSZ"));
    json_object_object_add(doc, "pseudonym_key",
                           json_object_new_string(p->key_origin));
    json_object_object_add(
        doc, "command", json_object_new_string(p->command ? p->command : ""));
    json_object_object_add(doc, "tier",
                           json_object_new_string(p->tier ? p->tier : ""));
    json_object *sup = json_object_new_object();
    json_object_object_add(sup, "suppress_below",
                           json_object_new_double(rules.threshold));
    json_object_object_add(sup, "round_to",
                           json_object_new_double(rules.round_to));
    json_object_object_add(
        sup, "rule",
        json_object_new_string(
            rules.threshold > 0
                ? "counts from 1 to suppress_below - 1 withheld (null, "
                  "suppressed = 1); a unit's or series' steps withheld whole "
                  "(zeros too) when its total is under suppress_below; the "
                  "dominance rule: a unit where one subject gives more than "
                  "the dominance share of its events, or with fewer distinct "
                  "subjects (events without a subject key counted as one) "
                  "than suppress_below, and a bin with fewer distinct "
                  "subjects, publish no count, bin or pattern; linked tables "
                  "(units x steps with the units' and steps' totals, "
                  "categories x steps with the all series) audited by linear "
                  "programming and more counts withheld until every withheld "
                  "one's feasible range is at least suppress_below wide; "
                  "published counts rounded to the nearest multiple of "
                  "round_to; Gi* bins, LISA types and patterns published "
                  "only where every count they use is; statistics that can "
                  "be solved back to counts withheld; units no smaller than "
                  "min_unit_m2"
                : "none: restricted tier"));
    if (rules.threshold > 0) {
        json_object_object_add(sup, "dominance",
                               json_object_new_double(rules.dominance));
        json_object_object_add(
            sup, "min_unit_m2",
            json_object_new_double(vemt_disclosure_min_area(&rules)));
    }
    json_object_object_add(doc, "disclosure", sup);

    if (p->attribution)
        json_object_object_add(doc, "attribution",
                               json_object_new_string(p->attribution));
    if (p->job_json) {
        json_object *job = json_tokener_parse(p->job_json);
        json_object_object_add(doc, "job_file",
                               job ? job : json_object_new_string(p->job_json));
    }
    int64_t t0, t1;
    if (vemt_outputs_published_time_range(out, &t0, &t1)) {
        char a[32], b[32];
        vemt_time_format_utc(t0, a, sizeof a);
        vemt_time_format_utc(t1, b, sizeof b);
        json_object *w = json_object_new_object();
        json_object_object_add(w, "start_utc", json_object_new_string(a));
        json_object_object_add(w, "end_utc", json_object_new_string(b));
        json_object_object_add(doc, "time_window", w);
    }
    json_object_object_add(doc, "parameters", params_json(p));
    json_object_object_add(doc, "inputs", inputs_json(out));
    json_object_object_add(
        doc, "statistics",
        json_object_new_string(
            "Getis-Ord Gi* z-score (Getis & Ord 1992; Ord & Getis 1995, eq. "
            "12), binary weights including the cell itself, two-sided normal "
            "p-value; as spdep::localG with include.self"));
    /* Last, so tests/demo_tables.py can drop it from the golden dump: the
     * times differ from run to run. Not on any tier's allow-list. */
    if (p->n_timings) {
        json_object *t = json_object_new_object();
        for (size_t i = 0; i < p->n_timings; i++) {
            char ms[32];
            snprintf(ms, sizeof ms, "%.3f", p->timing_s[i]);
            json_object_object_add(
                t, p->timing_names[i],
                json_object_new_double_s(round(p->timing_s[i] * 1000) / 1000,
                                         ms));
        }
        json_object_object_add(doc, "timings", t);
    }
    if (rules.metadata) prune(doc, &rules, "");
    const char *text = json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = vemt_strdup(text);
    json_object_put(doc);
    return copy;
}

void vemt_outputs_free(void *p) { vemt_free(p); }

bool vemt_outputs_published_time_range(const vemt_output *out, int64_t *start,
                                       int64_t *end) {
    if (!vemt_outputs_time_range(out->events, start, end)) return false;
    /* Outside the restricted tier whole months: the first and last events'
     * times would date them. */
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    vemt_disclosure_time_window(&rules, out->zone, start, end);
    return true;
}

/* The disclosure schema vemt declares in its GeoPackages: which fields of
 * each written layer are counts, statistics, identifiers and times, so
 * `vemt check-disclosure` can apply the tier's rules to the file later. */
char *vemt_outputs_schema_json(const vemt_output *out) {
    static const char roles[][12] = {"counts", "statistics", "identifiers",
                                     "times"};
    json_object *doc = json_object_new_object(),
                *layers = json_object_new_object();
    vemt_tier_rules rules;
    vemt_output_rules(out, &rules);
    json_object_object_add(doc, "tier",
                           json_object_new_string(out->provenance->tier));
    json_object_object_add(doc, "suppress_below",
                           json_object_new_double(rules.threshold));
    for (size_t i = 0; i < vemt_layers_count(); i++) {
        const vemt_layer_def *d = vemt_layers_get(i);
        if (!vemt_layer_is_written(d, out)) continue;
        json_object *l = json_object_new_object();
        for (int r = 0; r < 4; r++) {
            json_object *arr = json_object_new_array();
            for (size_t k = 0; k < d->n_fields; k++)
                if ((d->fields[k].flags & (1u << r)) &&
                    vemt_field_published(d, k, out))
                    json_object_array_add(
                        arr, json_object_new_string(d->fields[k].name));
            json_object_object_add(l, roles[r], arr);
        }
        json_object_object_add(layers, d->name, l);
    }
    json_object_object_add(doc, "layers", layers);
    char *copy = vemt_strdup(json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
    return copy;
}
