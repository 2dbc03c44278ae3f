/** @file reader.c
 * @brief Read one input: load and hash it, tokenize (CSV) or read it
 * through OGR (spreadsheets, GIS files), map the header, and send every
 * data row to its normaliser, the merges, the filter or the rejects.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/alloc.h"
#include "ingest/idset.h"
#include "ingest/load.h"
#include "ingest/ogr_rows.h"
#include "ingest/row.h"

/* Everything one file's read holds; freed in one place. */
typedef struct file_run {
    vemt_ctx *ctx;
    const vemt_ingest_opts *opts;
    vemt_source *src;
    int source;
    vemt_loaded file;
    vemt_csv *csv;      /* delimited text, or */
    vemt_ogr_rows *ogr; /* a spreadsheet or GIS layer */
    vemt_colmap map;
    vemt_idset *ids;
    vemt_crs *xy_crs, *geo_crs;
    vemt_pseudo_cache *pseudonyms;
    vemt_idset *texts;
    unsigned date_flags;
    vemt_csv_record header; /* a CSV's first record */
    vemt_crs *used_crs;     /* the CRS the coordinates came in, or NULL */
} file_run;

static void file_run_clear(file_run *fr) {
    /* The pipeline PROJ actually used, now that it has transformed. */
    if (fr->used_crs)
        snprintf(fr->src->pipeline, sizeof fr->src->pipeline, "%s",
                 vemt_crs_pipeline(fr->used_crs));
    vemt_colmap_clear(&fr->map);
    vemt_idset_destroy(fr->ids);
    vemt_csv_destroy(fr->csv);
    vemt_ogr_rows_destroy(fr->ogr);
    vemt_crs_destroy(fr->xy_crs);
    vemt_crs_destroy(fr->geo_crs);
    vemt_pseudo_cache_destroy(fr->pseudonyms);
    vemt_idset_destroy(fr->texts);
    vemt_loaded_clear(&fr->file);
}

/* Delimited text by name: .csv, .tsv, .tab, .txt, optionally .gz. */
static bool is_delimited(const char *path) {
    static const char exts[][9] = {".csv",    ".tsv",    ".tab",    ".txt",
                                   ".csv.gz", ".tsv.gz", ".tab.gz", ".txt.gz"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);
        if (n >= k && !strcasecmp(path + n - k, exts[i])) return true;
    }
    return false;
}

static vemt_status next_record(file_run *fr, vemt_csv_record *rec) {
    return fr->csv ? vemt_csv_next(fr->csv, rec)
                   : vemt_ogr_rows_next(fr->ogr, rec);
}

static bool column_is_identifier(const vemt_colmap *map, size_t c) {
    for (int r = 0; r < VEMT_ROLE_END; r++)
        if (vemt_role_is_identifier((vemt_role)r) && map->col[r] == (int)c)
            return true;
    return false;
}

static bool has_identifier_column(const vemt_colmap *map) {
    for (size_t c = 0; c < map->n; c++)
        if (column_is_identifier(map, c)) return true;
    return false;
}

/* The rejected row's text for the rejects table, rebuilt from its fields
 * with identifier fields replaced by their pseudonym. A malformed row's
 * fields can't be trusted to sit in their columns, so when the file has
 * identifier columns its text is withheld rather than risk a raw id. */
static char *reject_text(const vemt_row *row, char delim) {
    const vemt_csv_record *rec = row->rec;
    if ((rec->bad || rec->n != row->map->n) && has_identifier_column(row->map))
        return vemt_strdup(
            "[withheld: malformed row in a file with "
            "identifier columns]");
    size_t cap = 0, n = 0;
    char *out = NULL, key[24];
    for (size_t c = 0; c < rec->n; c++) {
        const char *v = rec->fields[c];
        if (column_is_identifier(row->map, c) && !vemt_value_is_blank(v)) {
            vemt_pseudo_key(row->opts->pseudo, v, key, sizeof key);
            v = key;
        }
        bool quote = strpbrk(v, "\"\r\n") || strchr(v, delim);
        if (vemt_grow((void **)&out, &cap, n + 2 * strlen(v) + 4, 1)) {
            vemt_free(out);
            return NULL;
        }
        if (c) out[n++] = delim;
        if (quote) out[n++] = '"';
        for (; *v; v++) {
            if (*v == '"') out[n++] = '"';
            out[n++] = *v;
        }
        if (quote) out[n++] = '"';
        out[n] = '\0';
    }
    return out ? out : vemt_strdup("");
}

/* Reasons that come from the tokenizer rather than a normaliser. */
static vemt_status check_shape(vemt_row *row) {
    const vemt_csv_record *rec = row->rec;
    vemt_error *err = &row->err;
    if (rec->bad)
        vemt_error_set(err, rec->bad, "%s", rec->bad_why);
    else if (rec->n != row->map->n)
        vemt_error_set(err, VEMT_E_CSV_WIDTH,
                       "row has %zu fields, the header has %zu", rec->n,
                       row->map->n);
    else
        return VEMT_OK;
    err->row = rec->row;
    err->line = rec->line;
    err->column = rec->bad_column;
    if (rec->bad_column > 0 && (size_t)rec->bad_column <= row->map->n)
        snprintf(err->field, sizeof err->field, "%s",
                 row->map->header[rec->bad_column - 1]);
    return err->code;
}

/* Hash of all of a row's fields: equal rows have equal content. */
static uint64_t content_hash(const vemt_csv_record *rec) {
    uint64_t h = VEMT_HASH_SEED;
    for (size_t c = 0; c < rec->n; c++)
        h = vemt_hash_str(h + c, rec->fields[c]);
    return h;
}

typedef enum outcome { USED, MERGED, EXCLUDED, REJECTED } outcome;

/* The same id twice in one file: identical rows are merged (recorded),
 * differing ones are a conflict and rejected naming both rows. Blank ids
 * (police.uk leaves anti-social behaviour ids blank) are never compared. */
static outcome check_duplicate(file_run *fr, vemt_row *row, vemt_merges *merges,
                               vemt_status *st) {
    vemt_role id = fr->src->kind == VEMT_SOURCE_INCIDENTS
                       ? VEMT_ROLE_ID
                       : VEMT_ROLE_EPISODE_ID;
    const char *v = vemt_row_text(row, id);
    long first = 0;
    uint64_t tag = content_hash(row->rec), first_tag = 0;
    if (vemt_value_is_blank(v)) return USED;
    if ((*st = vemt_idset_add(fr->ids, v, row->rec->row, tag, &first,
                              &first_tag)) ||
        !first)
        return USED;
    if (first_tag == tag) {
        vemt_merge m = {fr->source,
                        first,
                        fr->source,
                        row->rec->row,
                        "same id and same content in one file",
                        0,
                        0};
        *st = vemt_merges_push(merges, &m);
        return MERGED;
    }
    char why[96];
    snprintf(why, sizeof why,
             "id already used at row %ld with different "
             "content",
             first);
    vemt_row_fail(row, id, VEMT_E_DUPLICATE, why);
    return REJECTED;
}

/* Normalise one row and decide what becomes of it. */
static outcome process_row(file_run *fr, vemt_row *row, vemt_events *events,
                           vemt_merges *merges, vemt_status *st) {
    size_t added = 0;
    *st = VEMT_OK;
    if (check_shape(row)) return REJECTED;
    bool incidents = fr->src->kind == VEMT_SOURCE_INCIDENTS;
    *st = incidents ? vemt_incident_row(row, fr->source, events, &added)
                    : vemt_episode_row(row, fr->source, events, &added);
    if (*st == VEMT_E_NOMEM) return REJECTED;
    if (row->err.code) {
        *st = VEMT_OK;
        return REJECTED;
    }
    outcome o = check_duplicate(fr, row, merges, st);
    if (o == USED && incidents && fr->opts->filter &&
        !vemt_filter_keeps(
            fr->opts->filter,
            vemt_events_text(events, events->items[events->n - 1].category)))
        o = EXCLUDED;
    if (o != USED) events->n -= added; /* the row gives no event */
    fr->src->n_events += o == USED ? (long)added : 0;
    if (o == USED) {
        bool located = false;
        for (size_t k = events->n - added; k < events->n; k++)
            located |= events->items[k].located;
        if (!located)
            fr->src->n_nowhere++;
        else
            fr->src->n_used++;
    }
    return o;
}

static vemt_status read_rows(file_run *fr, vemt_events *events,
                             vemt_rejects *rejects, vemt_merges *merges) {
    vemt_csv_record rec;
    char delim = fr->csv ? vemt_csv_delimiter(fr->csv) : ',';
    for (;;) {
        if (next_record(fr, &rec)) return VEMT_E_NOMEM;
        if (rec.eof) break;
        vemt_source *src = fr->src;
        src->n_read++;
        vemt_row row;
        memset(&row, 0, sizeof row);
        row.rec = &rec;
        row.map = &fr->map;
        row.opts = fr->opts;
        row.xy_crs = fr->xy_crs;
        row.geo_crs = fr->geo_crs;
        row.date_flags = fr->date_flags;
        row.pseudonyms = fr->pseudonyms;
        row.texts = fr->texts;
        vemt_status st;
        outcome o = process_row(fr, &row, events, merges, &st);
        if (st) return st;
        src->n_merged += o == MERGED;
        src->n_excluded += o == EXCLUDED;
        if (o == REJECTED) {
            char *raw = reject_text(&row, delim);
            if (!raw) return VEMT_E_NOMEM;
            st = vemt_rejects_push(rejects, fr->source, &row.err, raw);
            vemt_free(raw);
            if (st) return st;
            src->n_rejected++;
        }
        if (src->n_read % 65536 == 0)
            vemt_ctx_progress(fr->ctx, src->path,
                              fr->csv ? vemt_csv_offset(fr->csv) : 0,
                              fr->csv ? fr->file.size : 0);
    }
    vemt_ctx_progress(fr->ctx, fr->src->path, 1, 1);
    return VEMT_OK;
}

/* Open the file and read its header row. */
static vemt_status open_source(file_run *fr, const vemt_csv_record **hdr) {
    vemt_error *err = vemt_ctx_err(fr->ctx);
    const char *path = fr->src->path;
    vemt_status st;
    if (is_delimited(path)) {
        if ((st = vemt_load_file_async(fr->ctx, path, &fr->file)) ||
            (st = vemt_csv_create(fr->file.data, fr->file.size, 0, &fr->csv)))
            return st;
        fr->src->format = fr->file.gzip ? "csv (gzip)" : "csv";
        if (vemt_csv_next(fr->csv, &fr->header)) return VEMT_E_NOMEM;
        *hdr = &fr->header;
    } else {
        if ((st = vemt_load_identity(fr->ctx, path, &fr->file)) ||
            (st = vemt_ogr_rows_open(fr->ctx, path, &fr->ogr)))
            return st;
        fr->src->format = vemt_ogr_rows_format(fr->ogr);
        *hdr = vemt_ogr_rows_header(fr->ogr);
        if (vemt_ogr_rows_is_spreadsheet(fr->ogr))
            fr->date_flags |= VEMT_DATE_SERIAL;
    }
    fr->src->bytes = fr->file.bytes;
    if ((*hdr)->eof || (*hdr)->n == 0)
        return vemt_error_set(err, VEMT_E_MISSING,
                              "file is empty: expected a header row");
    if ((*hdr)->bad) {
        vemt_error_set(err, (*hdr)->bad, "header row: %s", (*hdr)->bad_why);
        err->row = err->line = 1;
        err->column = (*hdr)->bad_column;
        return (*hdr)->bad;
    }
    return VEMT_OK;
}

/* The CRS of each kind of coordinate column: the job file's override, the
 * GIS layer's own, or EPSG:27700 for x/y and EPSG:4326 for lon/lat; each
 * transformed to the analysis CRS. */
static vemt_status setup_crs(file_run *fr) {
    char layer[1024] = "";
    if (fr->ogr) vemt_ogr_rows_crs(fr->ogr, layer, sizeof layer);
    const char *xy = fr->opts->crs ? fr->opts->crs
                     : layer[0]    ? layer
                                   : "EPSG:27700";
    const char *geo = fr->opts->crs ? fr->opts->crs
                      : layer[0]    ? layer
                                    : "EPSG:4326";
    const char *to = fr->opts->analysis_crs;
    vemt_status st = vemt_crs_create(fr->ctx, xy, to, &fr->xy_crs);
    if (!st) st = vemt_crs_create(fr->ctx, geo, to, &fr->geo_crs);
    if (st) return st;
    const int *c = fr->map.col;
    bool has_xy = c[VEMT_ROLE_EASTING] >= 0 || c[VEMT_ROLE_FROM_EASTING] >= 0;
    bool has_geo =
        c[VEMT_ROLE_LONGITUDE] >= 0 || c[VEMT_ROLE_FROM_LONGITUDE] >= 0;
    snprintf(fr->src->crs, sizeof fr->src->crs, "%.*s",
             (int)sizeof fr->src->crs - 1,
             has_xy    ? xy
             : has_geo ? geo
                       : "postcodes");
    fr->used_crs = has_xy ? fr->xy_crs : has_geo ? fr->geo_crs : NULL;
    snprintf(fr->src->pipeline, sizeof fr->src->pipeline, "%s",
             fr->used_crs ? vemt_crs_pipeline(fr->used_crs)
                          : "none (postcode lookup, in the analysis CRS)");
    return VEMT_OK;
}

/* Size the id set and the event array for the rows the file probably holds
 * (its size over the first data line's length), so a million-row file is
 * not rehashed and copied again and again. */
static vemt_status presize(file_run *fr, vemt_events *events) {
    size_t rows = 1024;
    if (fr->csv && fr->file.size) {
        const char *p = fr->file.data + vemt_csv_offset(fr->csv);
        const char *nl =
            memchr(p, '\n', fr->file.size - vemt_csv_offset(fr->csv));
        size_t line = nl ? (size_t)(nl - p) + 1 : fr->file.size;
        rows = fr->file.size / (line ? line : 1) + 16;
    }
    if (vemt_grow((void **)&events->items, &events->cap, events->n + rows,
                  sizeof *events->items))
        return VEMT_E_NOMEM;
    vemt_advise_huge(events->items, events->cap * sizeof *events->items);
    return vemt_idset_create_sized(rows, &fr->ids);
}

static const char *schema_name(vemt_source_kind kind, vemt_schema s) {
    if (s == VEMT_SCHEMA_POLICE_STREET) return "police.uk street-level crime";
    if (s == VEMT_SCHEMA_POLICE_SEARCH) return "police.uk stop and search";
    return kind == VEMT_SOURCE_INCIDENTS ? "incidents" : "missing episodes";
}

vemt_status vemt_ingest_file(vemt_ctx *ctx, const vemt_ingest_opts *opts,
                             vemt_source *src, int source_index,
                             vemt_events *events, vemt_rejects *rejects,
                             vemt_merges *merges) {
    file_run fr;
    memset(&fr, 0, sizeof fr);
    fr.ctx = ctx;
    fr.opts = opts;
    fr.src = src;
    fr.source = source_index;
    fr.date_flags = opts->month_first ? VEMT_DATE_MDY : 0;
    const vemt_csv_record *hdr = NULL;
    vemt_status st = open_source(&fr, &hdr);
    if (!st)
        st = vemt_colmap_build(ctx, src->kind, hdr, opts->columns, &fr.map);
    if (!st) st = setup_crs(&fr);
    if (!st) st = presize(&fr, events);
    if (!st) st = vemt_pseudo_cache_create(opts->pseudo, &fr.pseudonyms);
    if (!st) st = vemt_idset_create(&fr.texts);
    if (st) {
        if (!vemt_ctx_err(ctx)->source) vemt_ctx_err(ctx)->source = src->path;
        file_run_clear(&fr);
        return st;
    }
    src->schema = schema_name(src->kind, fr.map.schema);
    vemt_colmap_describe(&fr.map, src->columns, sizeof src->columns);
    st = read_rows(&fr, events, rejects, merges);
    vemt_load_join(&fr.file);
    memcpy(src->sha256, fr.file.sha256, sizeof src->sha256);
    file_run_clear(&fr);
    return st;
}

void vemt_ingest_free(void *p) { vemt_free(p); }

bool vemt_ingest_parse_time(const char *text, int64_t *start_utc,
                            int64_t *end_utc) {
    vemt_time t;
    const char *why;
    if (vemt_value_time(text, 0, &t, &why)) return false;
    *start_utc = t.start_utc;
    *end_utc = t.end_utc;
    return true;
}
