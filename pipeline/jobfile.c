/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file jobfile.c
 * @brief JSON job files (json-c): every option of run and ingest under its
 * long name, and inputs with explicit columns, CRS and date order per file.
 *
 * {
 *   "incidents": ["a.csv", {"path": "b.xlsx", "crs": "EPSG:4326",
 *                           "date_order": "mdy",
 *                           "columns": {"occurred_at": "Date reported"}}],
 *   "missing": "episodes.csv",
 *   "files": {"c.csv": {"columns": {"easting": "X"}}},
 *   "boundary": "area.gpkg", "cell_size": 250, "distance-band": "auto",
 *   "permutations": 999, "clusters": "dbscan,hdbscan", "no_kde": true
 * }
 *
 * A key is an option's long name without the leading dashes, spelt with
 * dashes or underscores. It is looked up in the parser's option table and
 * its value is given through vemt_job_give(), the same code and checks as
 * the command line, so the two accept the same options and can't drift
 * apart. Strings and numbers are the option's value (a number as written in
 * the file), true gives a flag and false leaves it out. Repeatable options
 * (incidents, missing, areas) take a path, a per-file object or a list of
 * them; an areas object takes "path" and "where" (an OGR SQL filter for
 * that file, instead of --areas-where).
 * Path-valued options are relative to the job file's folder. "files"
 * configures inputs named on the command line.
 *
 * The command line wins, option by option: a job key whose option the
 * command line gave is checked but not applied, so a flag stays set, a value
 * is the command line's, and --incidents (or --missing) on the command line
 * replaces the job's whole list of that kind.
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/alloc.h"
#include "pipeline/job.h"
#include "pipeline/options.h"

/* One job file being applied. */
typedef struct job {
    const char *path;              /* as given to --config */
    vemt_job *a;                   /* being filled */
    vemt_error *err;               /* the first problem */
    bool cli[VEMT_MAX_OPTIONS];    /* options the command line gave */
    bool in_job[VEMT_MAX_OPTIONS]; /* options a job key named already */
} job;

/* err: source PATH, message "job file: "KEY": reason"; returns false. */
static bool job_fail(const job *j, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool job_fail(const job *j, const char *key, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vemt_error_set(j->err, VEMT_E_ARG, "job file: %s%s%s%s", key ? "\"" : "",
                   key ? key : "", key ? "\": " : "", msg);
    j->err->source = j->path;
    return false;
}

/* Out of memory: VEMT_E_NOMEM, not a mistake in the file; returns false. */
static bool job_nomem(const job *j) {
    vemt_error_set(j->err, VEMT_E_NOMEM, "out of memory");
    j->err->source = j->path;
    return false;
}

/* A path from the job file: relative ones are relative to the job file's
 * folder. The joined string is the job's; NULL after a message when too
 * long or out of memory. */
static const char *job_path(job *j, const char *key, const char *p) {
    const char *slash = strrchr(j->path, '/');
    if (p[0] == '/' || !slash) return p;
    char joined[4096];
    int n = snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - j->path),
                     j->path, p);
    if (n < 0 || (size_t)n >= sizeof joined)
        return job_fail(j, key, "path too long"), NULL;
    const char *kept = vemt_job_keep(j->a, joined);
    if (!kept) job_nomem(j);
    return kept;
}

/* Edit distance (Levenshtein 1966) of two short strings, capped at 99. */
static size_t distance(const char *s, const char *t) {
    size_t m = strlen(s), n = strlen(t), row[48], prev;
    if (m >= 47 || n >= 47) return 99;
    for (size_t k = 0; k <= n; k++) row[k] = k;
    for (size_t i = 1; i <= m; i++) {
        prev = row[0];
        row[0] = i;
        for (size_t k = 1; k <= n; k++) {
            size_t sub = prev + (s[i - 1] != t[k - 1]), here = row[k];
            size_t best = row[k - 1] + 1 < here + 1 ? row[k - 1] + 1 : here + 1;
            row[k] = sub < best ? sub : best;
            prev = here;
        }
    }
    return row[n];
}

/* The key that was probably meant ("" if none): the option within two
 * edits, else the only one that starts with the key; spelt with the key's
 * separator. dashed is the key with dashes, without the leading "--". */
static void suggest(const char *key, const char *dashed, char *out, size_t n) {
    size_t best = 3, len = strlen(dashed), prefixed = 0;
    const char *pick = NULL, *prefix = NULL;
    for (size_t k = 0; k <= vemt_job_n_options(); k++) {
        const char *name = k < vemt_job_n_options()
                               ? vemt_job_option_at(k)->name + 2
                               : "files";
        size_t d = distance(dashed, name);
        if (d < best && d < len) best = d, pick = name;
        if (len >= 3 && !strncmp(name, dashed, len)) prefixed++, prefix = name;
    }
    if (!pick && prefixed == 1) pick = prefix;
    snprintf(out, n, "%s", pick ? pick : "");
    bool underscores = strchr(key, '_') || !strchr(key, '-');
    for (char *c = out; underscores && *c; c++)
        if (*c == '-') *c = '_';
}

/* Give option k its value (NULL: a flag) through the command line's code;
 * its message, if any, comes back prefixed with the job file and key. */
static bool give(job *j, size_t k, const char *key, const char *value) {
    vemt_error inner = {0};
    if (!vemt_job_give(j->a, k, value, &inner)) return true;
    if (inner.code == VEMT_E_NOMEM) return job_nomem(j);
    return job_fail(j, key, "%s", inner.msg);
}

/* A per-file key: path, crs, date_order (or date-order) or columns. */
static bool input_key(const char *key, const char *want) {
    for (; *key && *want; key++, want++)
        if (*key != *want && !(*key == '-' && *want == '_')) return false;
    return !*key && !*want;
}

/* The columns of one input: role -> header name. */
static bool input_columns(job *j, const char *key, json_object *v,
                          vemt_job_input *in) {
    if (!json_object_is_type(v, json_type_object))
        return job_fail(j, key, "\"columns\" must map roles to column names");
    json_object_object_foreach(v, role, col) {
        vemt_column_map *m = &in->columns;
        if (m->n >= sizeof m->role / sizeof m->role[0])
            return job_fail(j, key, "too many columns");
        if (!json_object_is_type(col, json_type_string))
            return job_fail(j, key, "column \"%s\" must name a column", role);
        const char *r = vemt_job_keep(j->a, role);
        const char *c = vemt_job_keep(j->a, json_object_get_string(col));
        if (!r || !c) return job_nomem(j);
        m->role[m->n] = r;
        m->column[m->n++] = c;
    }
    return true;
}

/* Per-input settings: crs, date_order, columns ("path" is read by the
 * caller). */
static bool input_settings(job *j, const char *key, json_object *o,
                           vemt_job_input *in) {
    json_object_object_foreach(o, name, v) {
        if (input_key(name, "path")) continue;
        if (input_key(name, "crs")) {
            if (!json_object_is_type(v, json_type_string))
                return job_fail(j, key, "\"crs\" must be a string");
            if (!(in->crs = vemt_job_keep(j->a, json_object_get_string(v))))
                return job_nomem(j);
        } else if (input_key(name, "date_order")) {
            const char *d = json_object_get_string(v);
            if (!json_object_is_type(v, json_type_string) ||
                (strcmp(d, "dmy") && strcmp(d, "mdy")))
                return job_fail(j, key,
                                "\"date_order\" must be \"dmy\" or \"mdy\"");
            in->date_order = !strcmp(d, "mdy");
        } else if (input_key(name, "columns")) {
            if (!input_columns(j, key, v, in)) return false;
        } else {
            return job_fail(j, key,
                            "unknown input setting \"%s\" (an input takes "
                            "path, crs, date_order and columns)",
                            name);
        }
    }
    return true;
}

/* The settings of one --areas file: "where", an OGR SQL filter for that
 * file alone ("path" is read by the caller). */
static bool areas_settings(job *j, const char *key, json_object *o) {
    json_object_object_foreach(o, name, v) {
        if (input_key(name, "path")) continue;
        if (!input_key(name, "where"))
            return job_fail(j, key,
                            "unknown areas setting \"%s\" (an areas file "
                            "takes path and where)",
                            name);
        const char *w = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string) || !*w)
            return job_fail(j, key, "\"where\" must be a non-empty string");
        const char *kept = vemt_job_keep(j->a, w);
        if (!kept) return job_nomem(j);
        j->a->area_where[j->a->n_areas - 1] = kept;
    }
    return true;
}

/* One input of a repeatable option: a path, or {path, crs, ...} ({path,
 * where} for areas). */
static bool give_input(job *j, size_t k, const char *key, json_object *e) {
    json_object *p = e;
    bool settings = json_object_is_type(e, json_type_object);
    if (settings && !json_object_object_get_ex(e, "path", &p))
        return job_fail(j, key, "an input has no \"path\"");
    if (!json_object_is_type(p, json_type_string))
        return job_fail(j, key, "an input is a path or {\"path\": ...}");
    const char *path = job_path(j, key, json_object_get_string(p));
    if (!path) return false;
    if (!give(j, k, key, path)) return false;
    if (!settings) return true;
    if (!strcmp(vemt_job_option_at(k)->name, "--areas"))
        return areas_settings(j, key, e);
    return input_settings(j, key, e, &j->a->inputs[j->a->n_inputs - 1]);
}

/* A repeatable option: one input or a list of them. */
static bool give_inputs(job *j, size_t k, const char *key, json_object *v) {
    if (!json_object_is_type(v, json_type_array))
        return give_input(j, k, key, v);
    for (size_t i = 0; i < json_object_array_length(v); i++)
        if (!give_input(j, k, key, json_object_array_get_idx(v, i)))
            return false;
    return true;
}

/* The value of an option that takes one: a string or a number, as text. */
static bool give_value(job *j, size_t k, const char *key, json_object *v) {
    const vemt_job_option *o = vemt_job_option_at(k);
    json_type t = json_object_get_type(v);
    if (t == json_type_boolean)
        return job_fail(j, key, "%s takes a value, not true or false", o->name);
    if (o->flags & VEMT_OPT_REPEAT) return give_inputs(j, k, key, v);
    if (t == json_type_null)
        return job_fail(j, key, "%s needs a value", o->name);
    if (t == json_type_array || t == json_type_object)
        return job_fail(j, key, "%s takes one value, not a %s", o->name,
                        t == json_type_array ? "list" : "object");
    /* A number as written in the file ("0.25", "2.5e2"): json-c keeps the
     * text of every number it parsed. */
    const char *text = json_object_get_string(v);
    if (o->flags & VEMT_OPT_PATH) text = job_path(j, key, text);
    if (!text) return false;
    return give(j, k, key, text);
}

/* Give option k the key's value: a flag takes a boolean, other options a
 * string, a number or (repeatable ones) inputs. */
static bool give_option(job *j, size_t k, const char *key, json_object *v) {
    const vemt_job_option *o = vemt_job_option_at(k);
    if (o->flags & VEMT_OPT_VALUE) return give_value(j, k, key, v);
    if (!json_object_is_type(v, json_type_boolean))
        return job_fail(j, key, "%s is a flag: give true or false", o->name);
    return !json_object_get_boolean(v) || give(j, k, key, NULL);
}

/* A key whose option the command line gave: checked as usual, on a scratch
 * copy of the options, so a mistake in the job file shows even while the
 * command line overrides it. */
static bool check_only(job *j, size_t k, const char *key, json_object *v) {
    vemt_job *real = j->a, *scratch = vemt_malloc(sizeof *scratch);
    if (!scratch) return job_nomem(j);
    memcpy(scratch, real, sizeof *scratch);
    scratch->n_inputs = 0; /* room for the job's inputs */
    scratch->n_areas = 0;  /* and areas files */
    scratch->areas = NULL;
    scratch->owned = NULL; /* its copies are its own */
    scratch->n_owned = scratch->cap_owned = 0;
    j->a = scratch;
    bool ok = give_option(j, k, key, v);
    j->a = real;
    vemt_job_clear(scratch);
    vemt_free(scratch);
    return ok;
}

/* The key's option in the table ("cell_size" -> --cell-size), or -1 after
 * a message with the nearest name. */
static int find_key(const job *j, const char *key) {
    char name[48], hint[40];
    int n = snprintf(name, sizeof name, "--%s", key);
    for (char *c = name + 2; *c; c++)
        if (*c == '_') *c = '-';
    int k = n > 0 && (size_t)n < sizeof name ? vemt_job_option_find(name) : -1;
    if (k >= 0) return k;
    suggest(key, name + 2, hint, sizeof hint);
    job_fail(j, NULL, "unknown option \"%s\"%s%s%s", key,
             *hint ? " (did you mean \"" : "", hint, *hint ? "\"?)" : "");
    return -1;
}

/* One top-level key other than "files". */
static bool give_key(job *j, const char *key, json_object *v) {
    int k = find_key(j, key);
    if (k < 0) return false;
    const vemt_job_option *o = vemt_job_option_at((size_t)k);
    if (o->flags & VEMT_OPT_CLI_ONLY)
        return job_fail(j, key, "%s is for the command line only%s", o->name,
                        !strcmp(o->name, "--config")
                            ? " (a job file can't name another)"
                            : "");
    if (j->in_job[k])
        return job_fail(j, key, "%s is given twice in the job file", o->name);
    j->in_job[k] = true;
    if (j->cli[k]) return check_only(j, (size_t)k, key, v);
    return give_option(j, (size_t)k, key, v);
}

/* "files": settings for inputs named on the command line. */
static bool configure_files(job *j, json_object *files) {
    if (!json_object_is_type(files, json_type_object))
        return job_fail(j, "files", "must map input paths to settings");
    json_object_object_foreach(files, name, settings) {
        int i = 0;
        while (i < j->a->n_inputs && strcmp(j->a->inputs[i].path, name)) i++;
        if (i == j->a->n_inputs)
            return job_fail(j, "files",
                            "\"%s\" is not an input on the command line", name);
        if (!json_object_is_type(settings, json_type_object))
            return job_fail(j, "files",
                            "the settings of \"%s\" must be an object", name);
        if (!input_settings(j, "files", settings, &j->a->inputs[i]))
            return false;
    }
    return true;
}

/* The whole file as text (NUL-terminated), or NULL after a message. */
static char *read_all(const job *j, size_t *n) {
    struct stat sb;
    if (stat(j->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        job_fail(j, NULL,
                 "not a regular file (a device, FIFO, socket or folder): "
                 "a job file is a JSON file");
        return NULL;
    }
    FILE *f = fopen(j->path, "rb");
    if (!f) {
        job_fail(j, NULL, "can't read: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0, got;
    char *buf = vemt_malloc(cap);
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        char *bigger = len + 1 < cap ? buf : vemt_realloc(buf, cap *= 2);
        if (!bigger) vemt_free(buf);
        buf = bigger;
    }
    bool nomem = !buf, bad = nomem || ferror(f);
    fclose(f);
    if (bad) {
        vemt_free(buf);
        if (nomem)
            job_nomem(j);
        else
            job_fail(j, NULL, "can't read");
        return NULL;
    }
    buf[len] = '\0';
    *n = len;
    return buf;
}

/* A problem at byte at of the text: its line and column in err. */
static void fail_at(const job *j, const char *text, size_t at,
                    const char *why) {
    long line = 1, col = 1;
    for (size_t i = 0; i < at; i++, col++)
        if (text[i] == '\n') line++, col = 0;
    job_fail(j, NULL, "%s", why);
    j->err->line = line;
    j->err->column = (int)col;
}

/* One object's keys seen so far while scanning: as written, with dashes
 * as underscores, and their line. */
typedef struct seen_key {
    size_t depth;
    char raw[48], name[48];
    long line;
} seen_key;

/* Scan the JSON text (already parsed: it is valid) for a key given twice
 * in one object, which json-c would keep the last of without a word;
 * "cell_size" and "cell-size" are one key. False after a message naming
 * the key and both lines. */
static bool unique_keys(const job *j, const char *text, size_t n) {
    seen_key *keys = NULL;
    size_t n_keys = 0, cap = 0, depth = 0;
    bool in_object[64] = {false}, want_key = false, ok = true;
    long line = 1;
    for (size_t i = 0; ok && i < n; i++) {
        char c = text[i];
        if (c == '\n') line++;
        if (c == '{' || c == '[') {
            if (++depth < 64) in_object[depth] = c == '{';
            want_key = c == '{';
        } else if (c == '}' || c == ']') {
            while (n_keys && keys[n_keys - 1].depth >= depth) n_keys--;
            depth--;
            want_key = false;
        } else if (c == ',') {
            want_key = depth < 64 && in_object[depth];
        } else if (c == '"') {
            size_t start = ++i;
            while (i < n && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
            if (!want_key) continue;
            want_key = false;
            seen_key k = {depth, "", "", line};
            size_t len =
                i - start < sizeof k.name - 1 ? i - start : sizeof k.name - 1;
            memcpy(k.raw, text + start, len);
            for (size_t m = 0; m < len; m++)
                k.name[m] = k.raw[m] == '-' ? '_' : k.raw[m];
            for (size_t m = n_keys; m-- > 0 && keys[m].depth == depth;) {
                if (strcmp(keys[m].name, k.name)) continue;
                job_fail(j, k.raw,
                         "given twice in one object, as \"%s\" at line %ld "
                         "and \"%s\" at line %ld: keep one",
                         keys[m].raw, keys[m].line, k.raw, line);
                j->err->line = line;
                ok = false;
                break;
            }
            if (ok && vemt_grow((void **)&keys, &cap, n_keys + 1, sizeof *keys))
                ok = job_nomem(j);
            else if (ok)
                keys[n_keys++] = k;
        }
    }
    vemt_free(keys);
    return ok;
}

/* Parse the job file; a syntax error names its line and column. */
static json_object *load(const job *j) {
    size_t n = 0;
    char *text = read_all(j, &n);
    if (!text) return NULL;
    json_tokener *tok = n < INT_MAX ? json_tokener_new() : NULL;
    if (!tok) {
        vemt_free(text);
        if (n < INT_MAX)
            job_nomem(j);
        else
            job_fail(j, NULL, "too large");
        return NULL;
    }
    json_object *root = json_tokener_parse_ex(tok, text, (int)n);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    end += strspn(text + end, " \t\r\n");
    if (!e && end < n) { /* text after the value, a NUL byte included */
        json_object_put(root);
        root = NULL;
        fail_at(j, text, end,
                text[end] ? "text after the end of the JSON object"
                          : "a NUL byte after the end of the JSON object");
    } else if (!e && !unique_keys(j, text, n)) {
        json_object_put(root);
        root = NULL;
    }
    if (e == json_tokener_continue) e = json_tokener_error_parse_eof;
    if (e) {
        fail_at(j, text, end, json_tokener_error_desc(e));
        json_object_put(root);
        root = NULL;
    }
    json_tokener_free(tok);
    vemt_free(text);
    return root;
}

/* Apply the parsed file's keys. */
static bool apply(job *j, json_object *root) {
    if (!json_object_is_type(root, json_type_object))
        return job_fail(j, NULL, "the top level must be an object");
    json_object *files;
    if (json_object_object_get_ex(root, "files", &files) &&
        !configure_files(j, files))
        return false;
    json_object_object_foreach(root, key, v) {
        if (strcmp(key, "files") && !give_key(j, key, v)) return false;
    }
    return true;
}

vemt_status vemt_job_read_file(vemt_job *a, const char *path, vemt_error *err) {
    const char *kept = vemt_job_keep(a, path);
    if (!kept) return vemt_error_set(err, VEMT_E_NOMEM, "out of memory");
    job j = {.path = kept, .a = a, .err = err};
    memcpy(j.cli, a->given, sizeof j.cli);
    a->config = kept;
    json_object *root = load(&j);
    if (!root) return err->code;
    bool ok = apply(&j, root);
    json_object_put(root);
    return ok ? VEMT_OK : err->code;
}
