/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file row.c
 * @brief Header mapping and typed field readers for the normalisers.
 */
#include "ingest/row.h"

#include <ctype.h>
#include <math.h>
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
    {VEMT_ROLE_ID, "id", "id|incidentid|crimeid|reference|ref", false},
    {VEMT_ROLE_OCCURRED_AT, "occurred_at",
     "occurredat|datetime|date|occurred|incidentdate|month|from|start|"
     "startdate|datefrom|occurredfrom",
     true},
    {VEMT_ROLE_OCCURRED_TO, "occurred_to",
     "occurredto|to|end|enddate|dateto|occurreduntil", false},
    {VEMT_ROLE_EASTING, "easting", "easting|x|eastings|xcoordinate", false},
    {VEMT_ROLE_NORTHING, "northing", "northing|y|northings|ycoordinate", false},
    {VEMT_ROLE_LONGITUDE, "longitude", "longitude|lon|lng|long", false},
    {VEMT_ROLE_LATITUDE, "latitude", "latitude|lat", false},
    {VEMT_ROLE_POSTCODE, "postcode", "postcode|postalcode|pcds|pcd", false},
    {VEMT_ROLE_CATEGORY, "category", "category|crimetype|offence|type", false},
    {VEMT_ROLE_SUBJECT_ID, "subject_id", "subjectid|childid|personid", false},
    {VEMT_ROLE_LSOA, "lsoa", "lsoa|lsoacode|lsoa11cd|lsoa21cd", false},
    /* police.uk's street text ("On or near Park Street"). */
    {VEMT_ROLE_LOCATION, "location", "location|streetname", false},
};

static const role_spec episode_roles[] = {
    {VEMT_ROLE_EPISODE_ID, "episode_id", "episodeid|episode|id", true},
    {VEMT_ROLE_CHILD_ID, "child_id", "childid|subjectid|personid", true},
    {VEMT_ROLE_MISSING_AT, "missing_at", "missingat|reportedmissingat", true},
    {VEMT_ROLE_RETURNED_AT, "returned_at", "returnedat|foundattime", false},
    {VEMT_ROLE_FROM_EASTING, "from_easting", "fromeasting|missingfromeasting",
     false},
    {VEMT_ROLE_FROM_NORTHING, "from_northing",
     "fromnorthing|missingfromnorthing", false},
    {VEMT_ROLE_FROM_LONGITUDE, "from_longitude", "fromlongitude|fromlon",
     false},
    {VEMT_ROLE_FROM_LATITUDE, "from_latitude", "fromlatitude|fromlat", false},
    {VEMT_ROLE_FROM_POSTCODE, "from_postcode",
     "frompostcode|missingfrompostcode", false},
    {VEMT_ROLE_FOUND_EASTING, "found_easting", "foundeasting|foundateasting",
     false},
    {VEMT_ROLE_FOUND_NORTHING, "found_northing",
     "foundnorthing|foundatnorthing", false},
    {VEMT_ROLE_FOUND_LONGITUDE, "found_longitude", "foundlongitude|foundlon",
     false},
    {VEMT_ROLE_FOUND_LATITUDE, "found_latitude", "foundlatitude|foundlat",
     false},
    {VEMT_ROLE_FOUND_POSTCODE, "found_postcode",
     "foundpostcode|foundatpostcode", false},
    {VEMT_ROLE_LOOKED_AFTER, "looked_after", "lookedafter|lac|cla", false},
    {VEMT_ROLE_PLACING_AUTHORITY, "placing_authority", "placingauthority",
     false},
};

const vemt_place_roles vemt_incident_place = {
    VEMT_ROLE_EASTING, VEMT_ROLE_NORTHING, VEMT_ROLE_LONGITUDE,
    VEMT_ROLE_LATITUDE, VEMT_ROLE_POSTCODE};
const vemt_place_roles vemt_from_place = {
    VEMT_ROLE_FROM_EASTING, VEMT_ROLE_FROM_NORTHING, VEMT_ROLE_FROM_LONGITUDE,
    VEMT_ROLE_FROM_LATITUDE, VEMT_ROLE_FROM_POSTCODE};
const vemt_place_roles vemt_found_place = {
    VEMT_ROLE_FOUND_EASTING, VEMT_ROLE_FOUND_NORTHING,
    VEMT_ROLE_FOUND_LONGITUDE, VEMT_ROLE_FOUND_LATITUDE,
    VEMT_ROLE_FOUND_POSTCODE};

/* The role table of a source kind. */
static const role_spec *roles_of(vemt_source_kind kind, size_t *n) {
    if (kind == VEMT_SOURCE_INCIDENTS) {
        *n = sizeof incident_roles / sizeof *incident_roles;
        return incident_roles;
    }
    *n = sizeof episode_roles / sizeof *episode_roles;
    return episode_roles;
}

const char *vemt_role_name(vemt_role role) {
    for (int k = 0; k < 2; k++) {
        size_t n;
        const role_spec *specs = roles_of((vemt_source_kind)k, &n);
        for (size_t i = 0; i < n; i++)
            if (specs[i].role == role) return specs[i].name;
    }
    return "";
}

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

/* Columns c and d (0-based) have one name, exactly or after the folding
 * the matcher does: which column the file meant can't be told. */
static vemt_status same_name(vemt_ctx *ctx, const vemt_colmap *map, size_t c,
                             size_t d, const char *role) {
    bool exact = !strcmp(map->header[c], map->header[d]);
    vemt_ctx_fail(ctx, VEMT_E_ARG,
                  "columns %zu ('%s') and %zu ('%s') have the same name%s%s%s: "
                  "rename one",
                  c + 1, map->header[c], d + 1, map->header[d],
                  exact ? "" : " once case and punctuation are ignored",
                  role ? ", and either could be " : "", role ? role : "");
    vemt_ctx_set_location(ctx, 1, 1, (int)d + 1, map->header[d]);
    return VEMT_E_ARG;
}

/* A column of column c's folded name other than c, or -1. */
static int namesake(const vemt_colmap *map, size_t c) {
    char a[64], b[64];
    normalise_name(map->header[c], a, sizeof a);
    if (!a[0]) return -1;
    for (size_t d = 0; d < map->n; d++) {
        if (d == c) continue;
        normalise_name(map->header[d], b, sizeof b);
        if (!strcmp(a, b)) return (int)d;
    }
    return -1;
}

/* Two columns of exactly one (non-blank) name anywhere in the header: a
 * file that says "id,id" can't say which it means. */
static vemt_status exact_duplicates(vemt_ctx *ctx, const vemt_colmap *map) {
    for (size_t c = 0; c < map->n; c++) {
        if (vemt_value_is_blank(map->header[c])) continue;
        for (size_t d = c + 1; d < map->n; d++)
            if (!strcmp(map->header[c], map->header[d]))
                return same_name(ctx, map, c, d, NULL);
    }
    return VEMT_OK;
}

/* Find the column of one role: an exact canonical name beats aliases; two
 * alias matches are ambiguous, and so are two candidates of one name
 * after folding ("Easting" and "easting"). */
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
    for (size_t c = 0; c < map->n; c++) {
        normalise_name(map->header[c], name, sizeof name);
        int d = alias_match(spec->aliases, name) ? namesake(map, c) : -1;
        if (d > (int)c) return same_name(ctx, map, c, (size_t)d, spec->name);
    }
    if (exact < 0 && second >= 0) {
        vemt_ctx_fail(ctx, VEMT_E_ARG,
                      "columns '%s' and '%s' could both be %s: rename one",
                      map->header[found], map->header[second], spec->name);
        vemt_ctx_set_location(ctx, 1, 1, second + 1, map->header[second]);
        return VEMT_E_ARG;
    }
    if (*col < 0 && spec->required) {
        vemt_ctx_fail(ctx, VEMT_E_MISSING,
                      "required column '%s' not found (accepted names: %s)",
                      spec->name, spec->aliases);
        vemt_ctx_set_location(ctx, 1, 1, 0, NULL);
        return VEMT_E_MISSING;
    }
    return VEMT_OK;
}

/* Index of the header column named name (compared normalised), or -1. */
static int column_named(const vemt_colmap *map, const char *name) {
    char want[64], have[64];
    normalise_name(name, want, sizeof want);
    for (size_t c = 0; c < map->n; c++) {
        normalise_name(map->header[c], have, sizeof have);
        if (!strcmp(want, have)) return (int)c;
    }
    return -1;
}

/* Place the context's error on the header row and return its code. */
static vemt_status at_header(vemt_ctx *ctx) {
    vemt_ctx_set_location(ctx, 1, 1, 0, NULL);
    return vemt_ctx_error(ctx)->code;
}

/* Apply the job file's explicit names: they win over aliases. */
static vemt_status explicit_columns(vemt_ctx *ctx, const role_spec *specs,
                                    size_t nspecs, const vemt_column_map *cols,
                                    vemt_colmap *map, bool *fixed) {
    for (size_t k = 0; cols && k < cols->n; k++) {
        size_t s = 0;
        while (s < nspecs && strcmp(specs[s].name, cols->role[k])) s++;
        if (s == nspecs) {
            vemt_ctx_fail(ctx, VEMT_E_ARG, "job file maps unknown role '%s'",
                          cols->role[k]);
            return at_header(ctx);
        }
        int c = column_named(map, cols->column[k]);
        if (c < 0) {
            vemt_ctx_fail(ctx, VEMT_E_ARG,
                          "job file names column '%s', which the "
                          "header does not have",
                          cols->column[k]);
            return at_header(ctx);
        }
        int d = namesake(map, (size_t)c);
        if (d >= 0)
            return same_name(ctx, map, (size_t)c, (size_t)d, specs[s].name);
        map->col[specs[s].role] = c;
        fixed[specs[s].role] = true;
    }
    return VEMT_OK;
}

/* police.uk layouts, recognised by columns no other export has. */
static vemt_schema detect_schema(const vemt_colmap *map) {
    if (column_named(map, "Crime ID") >= 0 &&
        column_named(map, "Falls within") >= 0 &&
        column_named(map, "Month") >= 0)
        return VEMT_SCHEMA_POLICE_STREET;
    if (column_named(map, "Part of a policing operation") >= 0 &&
        column_named(map, "Object of search") >= 0)
        return VEMT_SCHEMA_POLICE_SEARCH;
    return VEMT_SCHEMA_VEMT;
}

/* A place needs a whole coordinate pair or a postcode column. */
static vemt_status check_place(vemt_ctx *ctx, const vemt_colmap *map,
                               const vemt_place_roles *p, const char *what) {
    const int *c = map->col;
    vemt_role pairs[2][2] = {{p->x, p->y}, {p->lon, p->lat}};
    bool any = c[p->postcode] >= 0;
    for (int k = 0; k < 2; k++) {
        bool a = c[pairs[k][0]] >= 0, b = c[pairs[k][1]] >= 0;
        if (a != b) {
            vemt_ctx_fail(ctx, VEMT_E_MISSING,
                          "column '%s' has no partner column",
                          vemt_role_name(pairs[k][a ? 0 : 1]));
            return at_header(ctx);
        }
        any |= a && b;
    }
    if (!any) {
        vemt_ctx_fail(ctx, VEMT_E_MISSING,
                      "no location columns for %s: need easting/"
                      "northing, longitude/latitude or a postcode",
                      what);
        return at_header(ctx);
    }
    return VEMT_OK;
}

static vemt_status copy_header(const vemt_csv_record *hdr, vemt_colmap *map) {
    map->header = vemt_calloc(hdr->n, sizeof *map->header);
    if (!map->header) return VEMT_E_NOMEM;
    for (size_t c = 0; c < hdr->n; c++) {
        if (!(map->header[c] = vemt_strdup(hdr->fields[c])))
            return VEMT_E_NOMEM;
        map->n = c + 1;
    }
    return VEMT_OK;
}

vemt_status vemt_colmap_build(vemt_ctx *ctx, vemt_source_kind kind,
                              const vemt_csv_record *hdr,
                              const vemt_column_map *cols, vemt_colmap *map) {
    memset(map, 0, sizeof *map);
    for (int r = 0; r < VEMT_ROLE_END; r++) map->col[r] = -1;
    size_t nspecs;
    const role_spec *specs = roles_of(kind, &nspecs);
    bool fixed[VEMT_ROLE_END] = {false};
    vemt_status st = copy_header(hdr, map);
    if (!st) st = exact_duplicates(ctx, map);
    if (!st) st = explicit_columns(ctx, specs, nspecs, cols, map, fixed);
    for (size_t s = 0; s < nspecs && !st; s++)
        if (!fixed[specs[s].role])
            st = find_role(ctx, &specs[s], map, &map->col[specs[s].role]);
    if (!st)
        st = kind == VEMT_SOURCE_INCIDENTS
                 ? check_place(ctx, map, &vemt_incident_place, "incidents")
                 : check_place(ctx, map, &vemt_from_place,
                               "the missing-from place");
    if (st) {
        vemt_colmap_clear(map);
        return st;
    }
    map->schema = detect_schema(map);
    for (int r = 0; r < VEMT_ROLE_END; r++) {
        char name[16];
        if (map->col[r] < 0) continue;
        normalise_name(map->header[map->col[r]], name, sizeof name);
        map->month[r] = !strcmp(name, "month");
    }
    return VEMT_OK;
}

void vemt_colmap_describe(const vemt_colmap *map, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (int r = 0; r < VEMT_ROLE_END && n < size; r++) {
        int c = map->col[r];
        if (c < 0) continue;
        int k = snprintf(buf + n, size - n, "%s%s='%s'", n ? ", " : "",
                         vemt_role_name((vemt_role)r), map->header[c]);
        if (k < 0) break;
        n += (size_t)k;
    }
}

void vemt_colmap_clear(vemt_colmap *map) {
    for (size_t c = 0; c < map->n; c++) vemt_free((void *)map->header[c]);
    vemt_free(map->header);
    memset(map, 0, sizeof *map);
}

const char *vemt_row_text(const vemt_row *row, vemt_role role) {
    int c = row->map->col[role];
    if (c < 0 || (size_t)c >= row->rec->n) return "";
    const char *v = row->rec->fields[c];
    /* R writes missing values as NA (police.uk files saved from R). */
    if (role != VEMT_ROLE_CATEGORY && !strcmp(v, "NA")) return "";
    return v;
}

/* Quote a value for a message: at most 40 bytes, control characters and
 * quotes escaped (PostGIS quotes the offending text the same way). */
static void quote_value(const char *v, char *out, size_t size) {
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; v[i]; i++) {
        unsigned char ch = (unsigned char)v[i];
        /* Cut before a character, never inside one: half a UTF-8
         * sequence would make the message invalid UTF-8. Room is kept
         * for this character (4 bytes at most), "...", '"' and NUL. */
        bool starts = (ch & 0xC0) != 0x80;
        if (starts && (i >= 40 || n + 9 > size)) {
            n += (size_t)snprintf(out + n, size - n, "...");
            break;
        }
        if (n + 6 > size) break; /* a run of stray continuation bytes */
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
    unsigned flags = row->date_flags;
    if (row->map->month[role]) flags |= VEMT_DATE_MONTH;
    vemt_status st = vemt_value_time(vemt_row_text(row, role), flags,
                                     row->opts->zone, t, &why);
    return st ? vemt_row_fail(row, role, st, why) : VEMT_OK;
}

/* Both fields of a pair as numbers; *given false when both are blank. */
static vemt_status read_pair(vemt_row *row, vemt_role ra, vemt_role rb,
                             double *a, double *b, bool *given) {
    const char *ta = vemt_row_text(row, ra), *tb = vemt_row_text(row, rb);
    const char *why;
    *given = !(vemt_value_is_blank(ta) && vemt_value_is_blank(tb));
    if (!*given || row->map->col[ra] < 0) {
        *given = false;
        return VEMT_OK;
    }
    vemt_status st = vemt_value_number(ta, a, &why);
    if (st) return vemt_row_fail(row, ra, st, why);
    if ((st = vemt_value_number(tb, b, &why)))
        return vemt_row_fail(row, rb, st, why);
    if (*a == 0 && *b == 0)
        return vemt_row_fail(row, ra, VEMT_E_COORD,
                             "coordinates are (0, 0), a common null");
    return VEMT_OK;
}

/* Transform a coordinate pair to the analysis CRS, checking the area of
 * use. */
static vemt_status pair_to_analysis(vemt_row *row, const vemt_crs *crs,
                                    vemt_role ra, vemt_role rb, double a,
                                    double b, double *x, double *y) {
    /* Name the value that is no longitude or latitude at all, not just
     * the pair's first column. */
    if (vemt_crs_is_geographic(crs) && fabs(b) > 90)
        return vemt_row_fail(row, rb, VEMT_E_COORD,
                             "latitude outside -90 to 90");
    if (vemt_crs_is_geographic(crs) && fabs(a) > 180)
        return vemt_row_fail(row, ra, VEMT_E_COORD,
                             "longitude outside -180 to 180");
    if (vemt_crs_is_geographic(crs) && !vemt_crs_in_area(crs, a, b) &&
        vemt_crs_in_area(crs, b, a))
        return vemt_row_fail(row, ra, VEMT_E_COORD,
                             "longitude and latitude look swapped");
    if (!vemt_crs_is_geographic(crs) && vemt_crs_is_bng(crs)) {
        /* British National Grid covers 0-700 km east, 0-1300 km north. */
        if (a < 0 || a > 700000)
            return vemt_row_fail(row, ra, VEMT_E_COORD,
                                 "easting outside British National Grid");
        if (b < 0 || b > 1300000)
            return vemt_row_fail(row, rb, VEMT_E_COORD,
                                 "northing outside British National Grid");
    }
    /* Outside the source's or the analysis CRS's area of use: a wrong CRS,
     * a typo, or a place the analysis CRS does not cover. */
    if (!vemt_crs_in_area(crs, a, b) || !vemt_crs_to_analysis(crs, a, b, x, y))
        return vemt_row_fail(row, ra, VEMT_E_COORD,
                             "outside the area where the coordinate "
                             "reference system is valid");
    return VEMT_OK;
}

static vemt_status postcode_place(vemt_row *row, vemt_role role, double *x,
                                  double *y, bool *located) {
    const char *pc = vemt_row_text(row, role);
    if (vemt_value_is_blank(pc)) return VEMT_OK;
    if (!row->opts->postcodes)
        return vemt_row_fail(row, role, VEMT_E_MISSING,
                             "postcode but no coordinates, and no "
                             "--postcodes lookup given");
    if (!vemt_postcodes_find(row->opts->postcodes, pc, x, y))
        return vemt_row_fail(row, role, VEMT_E_COORD, "unknown postcode");
    *located = true;
    return VEMT_OK;
}

vemt_status vemt_row_place(vemt_row *row, const vemt_place_roles *p, double *x,
                           double *y, bool *located) {
    double a, b;
    bool given;
    *located = false;
    vemt_status st = read_pair(row, p->x, p->y, &a, &b, &given);
    if (st) return st;
    if (given) {
        if ((st = pair_to_analysis(row, row->xy_crs, p->x, p->y, a, b, x, y)))
            return st;
        *located = true;
        return VEMT_OK;
    }
    if ((st = read_pair(row, p->lon, p->lat, &a, &b, &given))) return st;
    if (given) {
        if ((st = pair_to_analysis(row, row->geo_crs, p->lon, p->lat, a, b, x,
                                   y)))
            return st;
        *located = true;
        return VEMT_OK;
    }
    return postcode_place(row, p->postcode, x, y, located);
}

vemt_status vemt_row_keep_text(vemt_row *row, vemt_role role,
                               vemt_events *events, bool shared,
                               uint32_t *off) {
    const char *v = vemt_row_text(row, role);
    long found;
    *off = 0;
    if (!*v) return VEMT_OK;
    if (shared && row->texts && vemt_idset_find(row->texts, v, &found)) {
        *off = (uint32_t)found;
        return VEMT_OK;
    }
    if (vemt_events_add_text(events, v, strlen(v), off)) return VEMT_E_NOMEM;
    long first;
    uint64_t tag;
    if (shared && row->texts &&
        vemt_idset_add(row->texts, v, (long)*off, 0, &first, &tag))
        return VEMT_E_NOMEM;
    return VEMT_OK;
}

void vemt_row_pseudonym(vemt_row *row, vemt_role role, char *out, size_t size) {
    const char *v = vemt_row_text(row, role);
    if (row->pseudonyms)
        vemt_pseudo_cache_key(row->pseudonyms, v, out, size);
    else
        vemt_pseudo_key(row->opts->pseudo, v, out, size);
}
