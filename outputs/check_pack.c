/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_pack.c
 * @brief The checker's board packs (outputs/pack.h): the manifest
 * (board-pack.json) and its tier, its tables against the allow-list, the
 * CSV files against the manifest, files the manifest does not name, and
 * outside the restricted tier every count the pack publishes, in its
 * tables, its series and its words (check_pack_text.c), and its PDF.
 */
#include "outputs/check_pack.h"

#include <ctype.h>
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/alloc.h"
#include "outputs/check.h"

/* The largest manifest or CSV read (a pack's tables are a few pages). */
#define MAX_FILE_BYTES (64 << 20)

static const char png_signature[] = "\x89PNG\r\n\x1A\n";

bool vemt_check_is_pack(const char *folder) {
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/" VEMT_PACK_MANIFEST, folder);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *vemt_check_read_file(vemt_checker *c, const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size <= MAX_FILE_BYTES) {
        if (!(buf = vemt_malloc((size_t)st.st_size + 1))) c->nomem = true;
    }
    if (buf) {
        *size = fread(buf, 1, (size_t)st.st_size, f);
        buf[*size] = '\0';
        if (ferror(f)) {
            vemt_free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

/* ---- The manifest's keys (outputs/pack.h, vemt_pack_json) ---- */

enum { J_STR = 1, J_NULL = 2, J_NUM = 4, J_ARR = 8, J_OBJ = 16 };

typedef struct key_spec {
    const char *key;
    unsigned types;
} key_spec;

static const key_spec top_keys[] = {{"vemt_board_pack", J_NUM},
                                    {"tier", J_STR},
                                    {"marking", J_STR},
                                    {"threshold", J_NUM},
                                    {"round_to", J_NUM},
                                    {"title", J_STR},
                                    {"area", J_STR},
                                    {"period", J_STR},
                                    {"categories", J_STR},
                                    {"units", J_STR},
                                    {"sources", J_STR},
                                    {"attribution", J_STR | J_NULL},
                                    {"created", J_STR},
                                    {"palette", J_STR},
                                    {"summary", J_ARR},
                                    {"maps", J_ARR},
                                    {"charts", J_ARR},
                                    {"series", J_ARR},
                                    {"tables", J_ARR},
                                    {"glossary", J_ARR},
                                    {"drawn", J_ARR},
                                    {NULL, 0}};
static const key_spec para_keys[] = {
    {"heading", J_STR | J_NULL}, {"text", J_STR}, {NULL, 0}};
static const key_spec map_keys[] = {{"name", J_STR},
                                    {"file", J_STR | J_NULL},
                                    {"title", J_STR | J_NULL},
                                    {"why_empty", J_STR | J_NULL},
                                    {NULL, 0}};
static const key_spec chart_keys[] = {{"name", J_STR},
                                      {"file", J_STR | J_NULL},
                                      {"why_empty", J_STR | J_NULL},
                                      {NULL, 0}};
static const key_spec series_keys[] = {
    {"name", J_STR},           {"labels", J_ARR},        {"count", J_ARR},
    {"trend", J_ARR | J_NULL}, {"flag", J_ARR | J_NULL}, {NULL, 0}};
static const key_spec table_keys[] = {{"name", J_STR},
                                      {"file", J_STR | J_NULL},
                                      {"title", J_STR | J_NULL},
                                      {"columns", J_ARR},
                                      {"counts", J_ARR | J_NULL},
                                      {"rows", J_ARR},
                                      {"why_empty", J_STR | J_NULL},
                                      {"note", J_STR | J_NULL},
                                      {NULL, 0}};
static const key_spec glossary_keys[] = {
    {"term", J_STR}, {"text", J_STR}, {NULL, 0}};

/* The pack's maps and charts by name (pack.h's files). */
static const char map_names[][10] = {"hotspots", "emerging", "density",
                                     "concern"};
static const char chart_names[][10] = {"trend", "units", "forecast"};
static const char table_names[][8] = {"units", "trends", "missing"};

static unsigned type_of(json_object *v) {
    switch (json_object_get_type(v)) {
        case json_type_null:
            return J_NULL;
        case json_type_string:
            return J_STR;
        case json_type_int:
        case json_type_double:
            return J_NUM;
        case json_type_array:
            return J_ARR;
        case json_type_object:
            return J_OBJ;
        default:
            return 0;
    }
}

static const char *str_of(json_object *o, const char *key) {
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

static json_object *arr_of(json_object *o, const char *key) {
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) &&
                   json_object_is_type(v, json_type_array)
               ? v
               : NULL;
}

/* Every key of specs present in o with its type; no other key. */
static void check_keys(vemt_pack_check *pc, json_object *o, const char *where,
                       const key_spec *specs) {
    vemt_checker *c = pc->c;
    if (!json_object_is_type(o, json_type_object)) {
        vemt_check_problem(c, "manifest entries that are not JSON objects",
                           "%s" VEMT_PACK_MANIFEST " %s", pc->label, where);
        return;
    }
    for (const key_spec *s = specs; s->key; s++) {
        json_object *v = NULL;
        if (!json_object_object_get_ex(o, s->key, &v))
            vemt_check_problem(c, "manifest keys missing (outputs/pack.h)",
                               "%s" VEMT_PACK_MANIFEST " %s%s%s", pc->label,
                               where, *where ? "." : "", s->key);
        else if (!(type_of(v) & s->types))
            vemt_check_problem(c,
                               "manifest values of the wrong JSON type "
                               "(outputs/pack.h)",
                               "%s" VEMT_PACK_MANIFEST " %s%s%s", pc->label,
                               where, *where ? "." : "", s->key);
    }
    json_object_object_foreach(o, key, child) {
        (void)child;
        const key_spec *s = specs;
        while (s->key && strcmp(s->key, key)) s++;
        if (!s->key)
            vemt_check_problem(c,
                               "manifest keys outputs/pack.h does not "
                               "document",
                               "%s" VEMT_PACK_MANIFEST " %s%s%s", pc->label,
                               where, *where ? "." : "", key);
    }
}

/* The keys of each element of the array at key. */
static void check_array_keys(vemt_pack_check *pc, const char *key,
                             const key_spec *specs) {
    json_object *a = arr_of(pc->root, key);
    size_t n = a ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        char where[64];
        snprintf(where, sizeof where, "%s[%zu]", key, i);
        check_keys(pc, json_object_array_get_idx(a, i), where, specs);
    }
}

/* Structure (rule 1) and the manifest's rules against the checker's. */
static void check_manifest(vemt_pack_check *pc) {
    vemt_checker *c = pc->c;
    check_keys(pc, pc->root, "", top_keys);
    check_array_keys(pc, "summary", para_keys);
    check_array_keys(pc, "maps", map_keys);
    check_array_keys(pc, "charts", chart_keys);
    check_array_keys(pc, "series", series_keys);
    check_array_keys(pc, "tables", table_keys);
    check_array_keys(pc, "glossary", glossary_keys);
    json_object *v = NULL;
    if (json_object_object_get_ex(pc->root, "vemt_board_pack", &v) &&
        type_of(v) == J_NUM && json_object_get_double(v) != 1)
        vemt_check_problem(c, "manifests of a format other than version 1",
                           "%s" VEMT_PACK_MANIFEST ": %s", pc->label,
                           json_object_to_json_string(v));
    /* The checker's tier governs, never what the manifest says of itself
     * (as for a GeoPackage's recorded tier); a pack made for another tier
     * is a problem of its own. */
    const char *tier = str_of(pc->root, "tier");
    if (tier && strcmp(tier, vemt_check_tier(c))) {
        char what[96];
        snprintf(what, sizeof what, "packs made for a tier other than %s",
                 vemt_check_tier(c));
        vemt_check_problem(c, what, "%s" VEMT_PACK_MANIFEST ": tier %s",
                           pc->label, tier);
    }
    double t = NAN, r = NAN;
    if (json_object_object_get_ex(pc->root, "threshold", &v) &&
        type_of(v) == J_NUM)
        t = json_object_get_double(v);
    if (json_object_object_get_ex(pc->root, "round_to", &v) &&
        type_of(v) == J_NUM)
        r = json_object_get_double(v);
    if (pc->shared && (t < c->rules->threshold || r < c->rules->round_to)) {
        char what[128];
        snprintf(what, sizeof what,
                 "manifests stating a threshold or rounding below the %s "
                 "tier's (%g, %g)",
                 vemt_check_tier(c), c->rules->threshold, c->rules->round_to);
        vemt_check_problem(c, what, "%s" VEMT_PACK_MANIFEST ": %g, %g",
                           pc->label, t, r);
    }
}

/* ---- Files: what the manifest names, and nothing else ---- */

static bool named(const vemt_pack_check *pc, const char *rel) {
    for (size_t i = 0; i < pc->n_named; i++)
        if (!strcmp(pc->named[i], rel)) return true;
    return false;
}

/* rel is folder/NAME.ext, NAME of letters, digits, '_' and '-'. */
static bool file_name_ok(const char *rel, const char *folder, const char *ext) {
    size_t k = strlen(folder), e = strlen(ext), n = strlen(rel);
    if (strncmp(rel, folder, k) || rel[k] != '/' || n <= k + 1 + e ||
        strcmp(rel + n - e, ext))
        return false;
    for (const char *p = rel + k + 1; p < rel + n - e; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return false;
    return true;
}

/* Register a file the manifest names, when its name is one the pack may
 * hold (false otherwise: it is not read). */
static bool name_file(vemt_pack_check *pc, const char *rel, const char *folder,
                      const char *ext) {
    vemt_checker *c = pc->c;
    if (!file_name_ok(rel, folder, ext)) {
        vemt_check_problem(c,
                           "files the manifest names outside the pack's "
                           "maps/*.png, charts/*.png and tables/*.csv",
                           "%s" VEMT_PACK_MANIFEST ": %s", pc->label, rel);
        return false;
    }
    if (vemt_grow((void **)&pc->named, &pc->cap_named, pc->n_named + 1,
                  sizeof *pc->named)) {
        c->nomem = true;
        return false;
    }
    pc->named[pc->n_named++] = rel;
    return true;
}

void vemt_check_pack_missing(vemt_pack_check *pc, const char *rel) {
    vemt_check_problem(pc->c, "files the manifest names that are missing",
                       "%s%s", pc->label, rel);
}

/* A PNG the manifest names: present, and a PNG (its signature, PNG
 * specification section 5.2). */
static void check_png(vemt_pack_check *pc, const char *rel) {
    char path[4096];
    vemt_check_pack_path(pc, rel, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        vemt_check_pack_missing(pc, rel);
        return;
    }
    char head[8];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n < 8 || memcmp(head, png_signature, 8))
        vemt_check_problem(pc->c, "PNG files that are not PNG", "%s%s",
                           pc->label, rel);
}

/* The map of that name's manifest entry says it was not drawn. */
static bool map_withheld(const vemt_pack_check *pc, const char *name) {
    json_object *maps = arr_of(pc->root, "maps");
    size_t n = maps ? json_object_array_length(maps) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(maps, i);
        const char *mn = str_of(m, "name");
        if (mn && !strcmp(mn, name) && str_of(m, "why_empty")) return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *tail) {
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

static void not_held(vemt_pack_check *pc, const char *rel) {
    vemt_check_problem(pc->c, "files a board pack does not hold", "%s%s",
                       pc->label, rel);
}

/* One file of maps/, charts/ or tables/ (rel: "maps/x.png"). */
static void check_pack_file(vemt_pack_check *pc, const char *folder,
                            const char *base, const char *rel) {
    vemt_checker *c = pc->c;
    bool tables = !strcmp(folder, "tables");
    const char *ext = tables ? ".csv" : ".png";
    char png[300];
    if (!tables && !strcmp(folder, "maps") && ends_with(base, ".pgw")) {
        /* A world file goes with its map. */
        snprintf(png, sizeof png, "maps/%.*s.png",
                 (int)(strlen(base) - strlen(".pgw")), base);
        rel = png;
    } else if (!ends_with(base, ext)) {
        not_held(pc, rel);
        return;
    }
    if (named(pc, rel)) return;
    size_t k = strlen("maps/");
    if (pc->shared && !strncmp(rel, "maps/", k) &&
        (!strncmp(rel + k, "concern.", 8) ||
         !strncmp(rel + k, "density.", 8)) &&
        map_withheld(
            pc, !strncmp(rel + k, "concern.", 8) ? "concern" : "density")) {
        char what[128];
        snprintf(what, sizeof what,
                 "maps the manifest withholds (why_empty) that the %s "
                 "tier's pack holds",
                 vemt_check_tier(c));
        vemt_check_problem(c, what, "%s%s/%s", pc->label, folder, base);
        return;
    }
    vemt_check_problem(c,
                       "files of an earlier run the manifest does not name "
                       "(stale)",
                       "%s%s/%s", pc->label, folder, base);
}

/* Everything in the pack's folder and its three folders. */
static void check_files(vemt_pack_check *pc) {
    static const char folders[][8] = {"maps", "charts", "tables"};
    DIR *dir = opendir(pc->dir);
    if (!dir) return; /* its manifest was read: it exists */
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        const char *n = e->d_name;
        bool folder = false;
        for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
            folder = folder || !strcmp(n, folders[i]);
        if (!strcmp(n, ".") || !strcmp(n, "..") ||
            !strcmp(n, VEMT_PACK_MANIFEST) || !strcmp(n, VEMT_PACK_PDF) ||
            folder)
            continue;
        not_held(pc, n);
    }
    closedir(dir);
    for (size_t i = 0; i < sizeof folders / sizeof *folders; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", pc->dir, folders[i]);
        if (!(dir = opendir(path))) continue;
        while ((e = readdir(dir)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char rel[300];
            snprintf(rel, sizeof rel, "%s/%.256s", folders[i], e->d_name);
            check_pack_file(pc, folders[i], e->d_name, rel);
        }
        closedir(dir);
    }
}

/* The manifest's maps and charts: their names and files. */
static void check_images(vemt_pack_check *pc, const char *key,
                         const char (*names)[10], size_t n_names,
                         const char *folder) {
    json_object *a = arr_of(pc->root, key);
    size_t n = a ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(a, i);
        const char *name = str_of(m, "name"), *file = str_of(m, "file");
        bool known = false;
        for (size_t k = 0; name && k < n_names; k++)
            known = known || !strcmp(name, names[k]);
        if (name && !known)
            vemt_check_problem(pc->c,
                               "maps or charts a board pack does not hold",
                               "%s" VEMT_PACK_MANIFEST " %s[%zu]: %s",
                               pc->label, key, i, name);
        if (file && name_file(pc, file, folder, ".png")) check_png(pc, file);
    }
}

/* ---- Tables (rules 2 and 3) ---- */

/* The cells of a row (n strings), or false. */
static bool row_cells(json_object *row, size_t n) {
    if (!json_object_is_type(row, json_type_array) ||
        json_object_array_length(row) != n)
        return false;
    for (size_t j = 0; j < n; j++)
        if (!json_object_is_type(json_object_array_get_idx(row, j),
                                 json_type_string))
            return false;
    return true;
}

/* A count cell: "" (withheld) or an integer the rules allow. */
static bool count_cell_ok(const vemt_tier_rules *rules, const char *cell) {
    size_t n = strlen(cell);
    if (n == 0) return true;
    if (n > 15 || strspn(cell, "0123456789") != n) return false;
    return vemt_check_count_ok(rules, strtod(cell, NULL));
}

static void check_counts(vemt_pack_check *pc, const char *entry,
                         const char *name, const char *const *cols,
                         size_t n_cols, json_object *rows) {
    vemt_checker *c = pc->c;
    size_t n_rows = json_object_array_length(rows);
    for (size_t j = 0; j < n_cols; j++) {
        if (!vemt_disclosure_column_is_count(c->rules, entry, cols[j]))
            continue;
        for (size_t i = 0; i < n_rows; i++) {
            json_object *row = json_object_array_get_idx(rows, i);
            if (!row_cells(row, n_cols)) continue;
            const char *cell =
                json_object_get_string(json_object_array_get_idx(row, j));
            if (count_cell_ok(c->rules, cell)) continue;
            char what[160];
            /* The row as a spreadsheet numbers tables/NAME.csv's. */
            vemt_check_problem(
                c,
                vemt_check_count_rule(c->rules, "pack table counts",
                                      "withheld (\"\")", what, sizeof what),
                "%stables/%s.csv row %zu column %s: '%.20s'", pc->label, name,
                i + 2, cols[j], cell);
        }
    }
}

static void check_table(vemt_pack_check *pc, json_object *t, size_t index) {
    vemt_checker *c = pc->c;
    const char *name = str_of(t, "name"), *file = str_of(t, "file");
    json_object *cols = arr_of(t, "columns"), *rows = arr_of(t, "rows");
    bool known = false;
    for (size_t k = 0; name && k < sizeof table_names / sizeof *table_names;
         k++)
        known = known || !strcmp(name, table_names[k]);
    if (!name || !known || !cols || !rows) {
        if (name && !known)
            vemt_check_problem(c,
                               "pack tables other than units, trends and "
                               "missing",
                               "%s" VEMT_PACK_MANIFEST " tables[%zu]: %s",
                               pc->label, index, name);
        return;
    }
    size_t n = json_object_array_length(cols);
    const char **names = vemt_calloc(n + 1, sizeof *names);
    bool *exempt = vemt_calloc(n + 1, sizeof *exempt);
    if (!names || !exempt) {
        c->nomem = true;
        goto done;
    }
    for (size_t j = 0; j < n; j++) {
        json_object *col = json_object_array_get_idx(cols, j);
        names[j] = json_object_is_type(col, json_type_string)
                       ? json_object_get_string(col)
                       : "";
    }
    size_t n_rows = json_object_array_length(rows);
    for (size_t i = 0; i < n_rows; i++)
        if (!row_cells(json_object_array_get_idx(rows, i), n))
            vemt_check_problem(c,
                               "pack table rows that are not one text per "
                               "column",
                               "%s" VEMT_PACK_MANIFEST " table %s row %zu",
                               pc->label, name, i + 2);
    if (pc->shared) {
        char entry[32];
        snprintf(entry, sizeof entry, "pack_%s", name);
        vemt_check_table(c, entry, NULL, names, exempt, n);
        check_counts(pc, entry, name, names, n, rows);
    }
    if (file && name_file(pc, file, "tables", ".csv"))
        vemt_check_pack_csv(pc, file, names, n, rows);
    else if (!file && n_rows > 0)
        vemt_check_problem(c, "pack tables with rows but no CSV file",
                           "%s" VEMT_PACK_MANIFEST " table %s", pc->label,
                           name);
done:
    vemt_free(names);
    vemt_free(exempt);
}

static void check_tables(vemt_pack_check *pc) {
    json_object *a = arr_of(pc->root, "tables");
    size_t n = a ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++)
        check_table(pc, json_object_array_get_idx(a, i), i);
}

/* ---- Series (rule 4) ---- */

static void check_series(vemt_pack_check *pc) {
    vemt_checker *c = pc->c;
    json_object *a = arr_of(pc->root, "series");
    size_t n = a ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *counts = arr_of(json_object_array_get_idx(a, i), "count");
        size_t m = counts ? json_object_array_length(counts) : 0;
        for (size_t k = 0; k < m; k++) {
            json_object *v = json_object_array_get_idx(counts, k);
            if (!v) continue; /* null: withheld */
            if (type_of(v) == J_NUM &&
                vemt_check_count_ok(c->rules, json_object_get_double(v)))
                continue;
            char what[160];
            vemt_check_problem(c,
                               vemt_check_count_rule(c->rules, "series counts",
                                                     "null", what, sizeof what),
                               "%s" VEMT_PACK_MANIFEST
                               " series[%zu].count[%zu]: %.20s",
                               pc->label, i, k, json_object_to_json_string(v));
        }
    }
}

/* ---- The pack ---- */

static json_object *parse_manifest(vemt_pack_check *pc) {
    char path[4096];
    vemt_check_pack_path(pc, VEMT_PACK_MANIFEST, path, sizeof path);
    size_t n = 0;
    char *text = vemt_check_read_file(pc->c, path, &n);
    if (!text) {
        if (pc->c->nomem) return NULL;
        vemt_check_problem(pc->c, "manifests that can't be read",
                           "%s" VEMT_PACK_MANIFEST, pc->label);
        return NULL;
    }
    json_tokener *tok = json_tokener_new();
    json_object *root = NULL;
    if (tok) {
        root = json_tokener_parse_ex(tok, text, (int)n);
        if (root && tok->char_offset < (int)n &&
            strspn(text + tok->char_offset, " \t\r\n") !=
                n - (size_t)tok->char_offset) {
            json_object_put(root); /* text after the document */
            root = NULL;
        }
        enum json_tokener_error e = json_tokener_get_error(tok);
        if (!root)
            vemt_check_problem(
                pc->c, "manifests that are not JSON",
                "%s" VEMT_PACK_MANIFEST " byte %d: %s", pc->label,
                tok->char_offset,
                e == json_tokener_continue ? "the text ends inside the document"
                : e == json_tokener_success ? "text after the document"
                                            : json_tokener_error_desc(e));
        json_tokener_free(tok);
    } else {
        pc->c->nomem = true;
    }
    vemt_free(text);
    if (root && !json_object_is_type(root, json_type_object)) {
        vemt_check_problem(pc->c, "manifests that are not a JSON object",
                           "%s" VEMT_PACK_MANIFEST, pc->label);
        json_object_put(root);
        root = NULL;
    }
    return root;
}

void vemt_check_pack_path(const vemt_pack_check *pc, const char *rel, char *buf,
                          size_t size) {
    snprintf(buf, size, "%s/%s", pc->dir, rel);
    const char *tmp = pc->commit ? vemt_commit_temp_of(pc->commit, buf) : NULL;
    if (tmp) snprintf(buf, size, "%s", tmp);
}

void vemt_check_pack(vemt_checker *c, const char *folder, const char *label) {
    vemt_check_pack_in(c, folder, label, NULL);
}

void vemt_check_pack_in(vemt_checker *c, const char *folder, const char *label,
                        const vemt_commit *commit) {
    vemt_pack_check pc = {.c = c,
                          .dir = folder,
                          .label = label,
                          .commit = commit,
                          .shared = c->rules->tier != VEMT_TIER_RESTRICTED};
    if (!(pc.root = parse_manifest(&pc))) return;
    check_manifest(&pc);
    check_images(&pc, "maps", map_names, sizeof map_names / sizeof *map_names,
                 "maps");
    check_images(&pc, "charts", chart_names,
                 sizeof chart_names / sizeof *chart_names, "charts");
    check_tables(&pc);
    if (!commit) check_files(&pc); /* else the commit removes stale files */
    if (pc.shared) {
        check_series(&pc);
        vemt_check_pack_words(&pc);
    }
    vemt_check_pack_pdf(&pc);
    vemt_free(pc.named);
    vemt_free(pc.numbers);
    json_object_put(pc.root);
}
