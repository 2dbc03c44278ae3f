/** @file metadata.c
 * @brief The run's provenance as a JSON document (json-c).
 */
#include <json-c/json.h>
#include <string.h>

#include "engine/alloc.h"
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
    if (!strcmp(s->crs, "EPSG:27700")) return "none (already EPSG:27700)";
    return "as the PROJ pipeline says";
}

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
        json_object_object_add(o, "rows_read",
                               json_object_new_int64(s->n_read));
        json_object_object_add(o, "rows_used",
                               json_object_new_int64(s->n_used));
        json_object_object_add(o, "rows_located_nowhere",
                               json_object_new_int64(s->n_nowhere));
        json_object_object_add(o, "rows_merged",
                               json_object_new_int64(s->n_merged));
        json_object_object_add(o, "rows_excluded",
                               json_object_new_int64(s->n_excluded));
        json_object_object_add(o, "rows_rejected",
                               json_object_new_int64(s->n_rejected));
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
        json_object_object_add(o, "events", json_object_new_int64(s->n_events));
        json_object_array_add(arr, o);
    }
    return arr;
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

char *vemt_outputs_provenance_json(const vemt_output *out) {
    const vemt_provenance *p = out->provenance;
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
    json_object_object_add(doc, "crs", json_object_new_string("EPSG:27700"));
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
    if (p->attribution)
        json_object_object_add(doc, "attribution",
                               json_object_new_string(p->attribution));
    if (p->job_json) {
        json_object *job = json_tokener_parse(p->job_json);
        json_object_object_add(doc, "job_file",
                               job ? job : json_object_new_string(p->job_json));
    }
    int64_t t0, t1;
    if (vemt_outputs_time_range(out->events, &t0, &t1)) {
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
    const char *text = json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = vemt_strdup(text);
    json_object_put(doc);
    return copy;
}

void vemt_outputs_free(void *p) { vemt_free(p); }
