/** @file row.c
 * @brief Header mapping and typed field readers for the normalisers.
 */
#include "ingest/row.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"

/* One role of one source kind: its canonical name and the other header
 * names it is recognised by, after lower-casing and dropping everything
 * but letters and digits. */
typedef struct role_spec {
    vemt_role role;
    const char *name;
    const char *aliases; /* '|'-separated, normalised */
    bool required;
} role_spec;

static const role_spec incident_roles[] = {
    {VEMT_ROLE_ID, "id", "id|incidentid|crimeid|reference|ref", true},
    {VEMT_ROLE_OCCURRED_AT, "occurred_at",
     "occurredat|datetime|date|occurred|incidentdate", true},
    {VEMT_ROLE_EASTING, "easting", "easting|x|eastings", true},
    {VEMT_ROLE_NORTHING, "northing", "northing|y|northings", true},
    {VEMT_ROLE_CATEGORY, "category", "category|crimetype|offence|type", false},
    {VEMT_ROLE_SUBJECT_ID, "subject_id", "subjectid|childid|personid", false},
};

static const role_spec episode_roles[] = {
    {VEMT_ROLE_EPISODE_ID, "episode_id", "episodeid|episode|id", true},
    {VEMT_ROLE_CHILD_ID, "child_id", "childid|subjectid|personid", true},
    {VEMT_ROLE_MISSING_AT, "missing_at", "missingat|reportedmissingat", true},
    {VEMT_ROLE_RETURNED_AT, "returned_at", "returnedat|foundattime", false},
    {VEMT_ROLE_FROM_EASTING, "from_easting", "fromeasting|missingfromeasting",
     true},
    {VEMT_ROLE_FROM_NORTHING, "from_northing",
     "fromnorthing|missingfromnorthing", true},
    {VEMT_ROLE_FOUND_EASTING, "found_easting", "foundeasting|foundateasting",
     false},
    {VEMT_ROLE_FOUND_NORTHING, "found_northing",
     "foundnorthing|foundatnorthing", false},
    {VEMT_ROLE_LOOKED_AFTER, "looked_after", "lookedafter|lac|cla", false},
    {VEMT_ROLE_PLACING_AUTHORITY, "placing_authority", "placingauthority",
     false},
};

bool vemt_role_is_identifier(vemt_role role) {
    return role == VEMT_ROLE_SUBJECT_ID || role == VEMT_ROLE_CHILD_ID;
}

/* Lower-case letters and digits of s, into out. */
static void normalise_name(const char *s, char *out, size_t size) {
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (isalnum((unsigned char)*s))
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

static bool alias_match(const char *aliases, const char *name) {
    size_t len = strlen(name);
    for (const char *p = aliases; *p;) {
        const char *bar = strchr(p, '|');
        size_t k = bar ? (size_t)(bar - p) : strlen(p);
        if (k == len && len && strncmp(p, name, k) == 0) return true;
        p += k + (bar != NULL);
    }
    return false;
}

/* Find the column of one role: an exact canonical name beats aliases; two
 * alias matches are ambiguous. */
static vemt_status find_role(vemt_ctx *ctx, const role_spec *spec,
                             const vemt_colmap *map, int *col) {
    char name[64], canon[64];
    int found = -1, exact = -1, second = -1;
    normalise_name(spec->name, canon, sizeof canon);
    for (size_t c = 0; c < map->n; c++) {
        normalise_name(map->header[c], name, sizeof name);
        if (!alias_match(spec->aliases, name)) continue;
        if (strcmp(name, canon) == 0 && exact < 0) exact = (int)c;
        if (found < 0)
            found = (int)c;
        else if (second < 0)
            second = (int)c;
    }
    *col = exact >= 0 ? exact : found;
    if (exact < 0 && second >= 0) {
        vemt_error *err = vemt_ctx_err(ctx);
        vemt_error_set(err, VEMT_E_ARG,
                       "columns '%s' and '%s' could both be %s: rename one",
                       map->header[found], map->header[second], spec->name);
        err->row = 1;
        err->line = 1;
        err->column = second + 1;
        snprintf(err->field, sizeof err->field, "%s", map->header[second]);
        return VEMT_E_ARG;
    }
    if (*col < 0 && spec->required) {
        vemt_error *err = vemt_ctx_err(ctx);
        vemt_error_set(err, VEMT_E_MISSING,
                       "required column '%s' not found (accepted names: %s)",
                       spec->name, spec->aliases);
        err->row = 1;
        err->line = 1;
        return VEMT_E_MISSING;
    }
    return VEMT_OK;
}

vemt_status vemt_colmap_build(vemt_ctx *ctx, vemt_source_kind kind,
                              const vemt_csv_record *hdr, vemt_colmap *map) {
    memset(map, 0, sizeof *map);
    for (int r = 0; r < VEMT_ROLE_END; r++) map->col[r] = -1;
    map->header = vemt_calloc(hdr->n, sizeof *map->header);
    if (!map->header) return VEMT_E_NOMEM;
    for (size_t c = 0; c < hdr->n; c++) {
        map->header[c] = vemt_strdup(hdr->fields[c]);
        if (!map->header[c]) {
            vemt_colmap_clear(map);
            return VEMT_E_NOMEM;
        }
        map->n = c + 1;
    }
    const role_spec *specs =
        kind == VEMT_SOURCE_INCIDENTS ? incident_roles : episode_roles;
    size_t nspecs = kind == VEMT_SOURCE_INCIDENTS
                        ? sizeof incident_roles / sizeof *incident_roles
                        : sizeof episode_roles / sizeof *episode_roles;
    for (size_t s = 0; s < nspecs; s++) {
        vemt_status st =
            find_role(ctx, &specs[s], map, &map->col[specs[s].role]);
        if (st) {
            vemt_colmap_clear(map);
            return st;
        }
    }
    return VEMT_OK;
}

void vemt_colmap_clear(vemt_colmap *map) {
    for (size_t c = 0; c < map->n; c++) vemt_free((void *)map->header[c]);
    vemt_free(map->header);
    memset(map, 0, sizeof *map);
}

const char *vemt_row_text(const vemt_row *row, vemt_role role) {
    int c = row->map->col[role];
    if (c < 0 || (size_t)c >= row->rec->n) return "";
    return row->rec->fields[c];
}

/* Quote a value for a message: at most 40 bytes, control characters and
 * quotes escaped (PostGIS quotes the offending text the same way). */
static void quote_value(const char *v, char *out, size_t size) {
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; v[i] && n + 6 < size; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (i == 40) {
            n += (size_t)snprintf(out + n, size - n, "...");
            break;
        }
        if (ch < 0x20 || ch == '"' || ch == '\\')
            n += (size_t)snprintf(out + n, size - n, "\\x%02x", ch);
        else
            out[n++] = (char)ch;
    }
    out[n++] = '"';
    out[n] = '\0';
}

vemt_status vemt_row_fail(vemt_row *row, vemt_role role, vemt_status code,
                          const char *why) {
    vemt_error *err = &row->err;
    int c = row->map->col[role];
    const char *value = vemt_row_text(row, role);
    if (vemt_role_is_identifier(role) || vemt_value_is_blank(value)) {
        vemt_error_set(err, code, "%s", why);
    } else {
        char q[64];
        quote_value(value, q, sizeof q);
        vemt_error_set(err, code, "%s: %s", why, q);
    }
    err->row = row->rec->row;
    err->line = row->rec->line;
    err->column = c >= 0 ? c + 1 : 0;
    if (c >= 0)
        snprintf(err->field, sizeof err->field, "%s", row->map->header[c]);
    return code;
}

vemt_status vemt_row_time(vemt_row *row, vemt_role role, vemt_time *t) {
    const char *why;
    vemt_status st = vemt_value_time(vemt_row_text(row, role), t, &why);
    return st ? vemt_row_fail(row, role, st, why) : VEMT_OK;
}

vemt_status vemt_row_point(vemt_row *row, vemt_role rx, vemt_role ry, double *x,
                           double *y, bool *located) {
    const char *tx = vemt_row_text(row, rx), *ty = vemt_row_text(row, ry);
    const char *why;
    *located = false;
    if (vemt_value_is_blank(tx) && vemt_value_is_blank(ty)) return VEMT_OK;
    vemt_status st = vemt_value_number(tx, x, &why);
    if (st) return vemt_row_fail(row, rx, st, why);
    if ((st = vemt_value_number(ty, y, &why)))
        return vemt_row_fail(row, ry, st, why);
    if (*x == 0 && *y == 0)
        return vemt_row_fail(row, rx, VEMT_E_COORD,
                             "coordinates are (0, 0), a common null");
    /* British National Grid covers 0-700 km east, 0-1300 km north. */
    if (*x < 0 || *x > 700000)
        return vemt_row_fail(row, rx, VEMT_E_COORD,
                             "easting outside British National Grid");
    if (*y < 0 || *y > 1300000)
        return vemt_row_fail(row, ry, VEMT_E_COORD,
                             "northing outside British National Grid");
    *located = true;
    return VEMT_OK;
}
