/** @file job.c
 * @brief JSON job files (json-c): inputs with explicit columns, CRS and
 * date order per file, and run options.
 *
 * {
 *   "incidents": ["a.csv", {"path": "b.xlsx", "crs": "EPSG:4326",
 *                           "date_order": "mdy",
 *                           "columns": {"occurred_at": "Date reported"}}],
 *   "missing": ["episodes.csv"],
 *   "files": {"c.csv": {"columns": {"easting": "X"}}},
 *   "boundary": "area.gpkg", "cell_size": 250, "seed": 7, "kind": "all",
 *   "postcodes": "onspd.csv", "categories": "/sexual|grooming/"
 * }
 *
 * "files" configures inputs named on the command line. Options given on
 * the command line win over the job file's.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"

static bool bad(FILE *err, const char *path, const char *why) {
    fprintf(err, "%s: job file: %s\n", path, why);
    return false;
}

/* Per-input settings: crs, date_order, columns. */
static bool input_settings(json_object *o, vemt_input_arg *in, const char *path,
                           FILE *err) {
    json_object *v;
    if (json_object_object_get_ex(o, "crs", &v))
        in->crs = json_object_get_string(v);
    if (json_object_object_get_ex(o, "date_order", &v)) {
        const char *d = json_object_get_string(v);
        if (strcmp(d, "dmy") && strcmp(d, "mdy"))
            return bad(err, path, "date_order must be \"dmy\" or \"mdy\"");
        in->date_order = !strcmp(d, "mdy");
    }
    if (!json_object_object_get_ex(o, "columns", &v)) return true;
    if (!json_object_is_type(v, json_type_object))
        return bad(err, path, "\"columns\" must map roles to column names");
    json_object_object_foreach(v, role, col) {
        vemt_column_map *m = &in->columns;
        if (m->n >= sizeof m->role / sizeof m->role[0])
            return bad(err, path, "too many columns");
        m->role[m->n] = role;
        m->column[m->n++] = json_object_get_string(col);
    }
    return true;
}

/* A path from the job file: relative ones are relative to the job file's
 * folder. The joined string is kept alive inside the job object. */
static const char *job_path(json_object *job, const char *job_file,
                            const char *p) {
    const char *slash = strrchr(job_file, '/');
    if (p[0] == '/' || !slash) return p;
    json_object *keep;
    if (!json_object_object_get_ex(job, " resolved", &keep)) {
        keep = json_object_new_array();
        json_object_object_add(job, " resolved", keep);
    }
    size_t n = (size_t)(slash - job_file) + 1 + strlen(p) + 1;
    char *joined = malloc(n);
    if (!joined) return p;
    snprintf(joined, n, "%.*s/%s", (int)(slash - job_file), job_file, p);
    json_object *str = json_object_new_string(joined);
    free(joined);
    json_object_array_add(keep, str);
    return json_object_get_string(str);
}

static bool add_inputs(json_object *job, const char *key, vemt_source_kind k,
                       vemt_args *a, const char *path, FILE *err) {
    json_object *arr;
    if (!json_object_object_get_ex(job, key, &arr)) return true;
    if (!json_object_is_type(arr, json_type_array))
        return bad(err, path, "inputs must be a list");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *e = json_object_array_get_idx(arr, i), *p = e;
        if (json_object_is_type(e, json_type_object) &&
            !json_object_object_get_ex(e, "path", &p))
            return bad(err, path, "an input has no \"path\"");
        if (!vemt_args_add_input(
                a, job_path(job, path, json_object_get_string(p)), k))
            return bad(err, path, "too many inputs");
        if (json_object_is_type(e, json_type_object) &&
            !input_settings(e, &a->inputs[a->n_inputs - 1], path, err))
            return false;
    }
    return true;
}

/* "files": settings for inputs named on the command line. */
static bool configure_files(json_object *job, vemt_args *a, const char *path,
                            FILE *err) {
    json_object *files;
    if (!json_object_object_get_ex(job, "files", &files)) return true;
    json_object_object_foreach(files, name, settings) {
        int i = 0;
        while (i < a->n_inputs && strcmp(a->inputs[i].path, name)) i++;
        if (i == a->n_inputs)
            return bad(err, path,
                       "\"files\" names a file that is not an input");
        if (!input_settings(settings, &a->inputs[i], path, err)) return false;
    }
    return true;
}

/* Text options the command line did not set. */
static void text_options(json_object *job, vemt_args *a, const char *path) {
    struct {
        const char *key;
        const char **dst;
    } t[] = {{"boundary", &a->boundary},
             {"out", &a->out},
             {"geojson_dir", &a->geojson_dir},
             {"postcodes", &a->postcodes},
             {"crs", &a->crs},
             {"categories", &a->categories},
             {"exclude_categories", &a->exclude_categories},
             {"key_file", &a->key_file}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        json_object *v;
        if (!*t[i].dst && json_object_object_get_ex(job, t[i].key, &v))
            *t[i].dst = json_object_get_string(v);
    }
    /* Files the job names are relative to the job file. */
    const char **files[] = {&a->boundary, &a->postcodes, &a->key_file};
    for (size_t i = 0; i < 3; i++)
        if (*files[i]) *files[i] = job_path(job, path, *files[i]);
}

static void number_options(json_object *job, vemt_args *a) {
    json_object *v;
    if (a->cell_size_m == 0 && json_object_object_get_ex(job, "cell_size", &v))
        a->cell_size_m = json_object_get_double(v);
    if (!a->seed_given && json_object_object_get_ex(job, "seed", &v)) {
        a->seed = (uint64_t)json_object_get_int64(v);
        a->seed_given = true;
    }
}

bool vemt_job_apply(const char *path, vemt_args *a, FILE *err) {
    json_object *job = json_object_from_file(path);
    if (!job) return bad(err, path, json_util_get_last_err());
    a->job = job;
    if (!json_object_is_type(job, json_type_object))
        return bad(err, path, "the top level must be an object");
    if (!configure_files(job, a, path, err) ||
        !add_inputs(job, "incidents", VEMT_SOURCE_INCIDENTS, a, path, err) ||
        !add_inputs(job, "missing", VEMT_SOURCE_MISSING, a, path, err))
        return false;
    text_options(job, a, path);
    number_options(job, a);
    if (a->cell_size_m != 0 && !(a->cell_size_m >= 1))
        return bad(err, path, "cell_size must be at least 1 metre");
    return true;
}
