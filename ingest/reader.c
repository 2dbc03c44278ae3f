/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file reader.c
 * @brief Read one input: load and hash it, tokenize (CSV) or read it
 * through OGR (spreadsheets, GIS files), map the header, and send every
 * data row to its normaliser, the merges, the filter or the rejects.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "ingest/idset.h"
#include "ingest/load.h"
#include "ingest/ogr_rows.h"
#include "ingest/row.h"

struct vemt_text_index {
    vemt_idset *set;
};

/* A file's rows can be read as two parts on two threads: the second part
 * starts at the first line break past the middle, on the guess that a
 * record starts there. The guess is right when the first part's last
 * record ends exactly there; it is wrong when a quoted field holds the
 * line break. Then, or when an id occurs in both parts, the second part's
 * work is dropped and the first reads on alone, so the result is always
 * the one-thread result: same events, rejects, merges and counts in the
 * same order. */
enum { SPLIT_MIN_BYTES = 4 << 20 }; /* smaller files: one thread */

/* A duplicate-id reject of the second part, whose message names a row. */
typedef struct conflict {
    size_t reject;
    long first_row;
} conflict;

struct file_run;

/* One part's reader and what it has produced. */
typedef struct part {
    struct file_run *fr;
    vemt_csv *csv;         /* delimited text, or */
    vemt_ogr_rows *ogr;    /* a spreadsheet or GIS layer (part 0) */
    size_t stop;           /* no record starts at or past it (0: end) */
    vemt_source *src;      /* the counts: the file's, or own_src */
    vemt_events *events;   /* the caller's, or own_events */
    vemt_rejects *rejects; /* the caller's, or own_rejects */
    vemt_merges *merges;   /* the caller's, or own_merges */
    vemt_idset *ids;       /* record ids -> first row, content */
    vemt_idset *texts;     /* shared texts -> pool offset */
    vemt_idset *own_texts; /* texts when not the caller's index */
    vemt_pseudo_cache *pseudonyms;
    vemt_crs *xy_crs, *geo_crs;
    conflict *conflicts; /* second part only */
    size_t n_conflicts, conflicts_cap;
    vemt_source own_src;
    vemt_events own_events;
    vemt_rejects own_rejects;
    vemt_merges own_merges;
    atomic_bool *cancel; /* second part: stop, the work is not wanted */
    vemt_status st;
    pthread_t thread;
} part;

/* Everything one file's read holds; freed in one place. */
typedef struct file_run {
    vemt_ctx *ctx;
    const vemt_ingest_opts *opts;
    vemt_source *src;
    int source;
    vemt_loaded file;
    vemt_colmap map;
    unsigned date_flags;
    vemt_csv_record header;           /* a CSV's first record */
    char xy_def[1024], geo_def[1024]; /* the coordinates' CRS definitions */
    bool used_xy, used_geo;           /* which of them the rows use */
    part parts[2];
    size_t n_parts;
    atomic_bool cancel;
} file_run;

static void part_clear(part *pt) {
    vemt_csv_destroy(pt->csv);
    vemt_ogr_rows_destroy(pt->ogr);
    vemt_idset_destroy(pt->ids);
    vemt_idset_destroy(pt->own_texts);
    vemt_pseudo_cache_destroy(pt->pseudonyms);
    vemt_crs_destroy(pt->xy_crs);
    vemt_crs_destroy(pt->geo_crs);
    vemt_free(pt->conflicts);
    vemt_events_clear(&pt->own_events);
    vemt_rejects_clear(&pt->own_rejects);
    vemt_merges_clear(&pt->own_merges);
    memset(pt, 0, sizeof *pt);
}

static void file_run_clear(file_run *fr) {
    /* The pipeline PROJ actually used, now that it has transformed. */
    vemt_crs *used = fr->used_xy    ? fr->parts[0].xy_crs
                     : fr->used_geo ? fr->parts[0].geo_crs
                                    : NULL;
    if (used)
        snprintf(fr->src->pipeline, sizeof fr->src->pipeline, "%s",
                 vemt_crs_pipeline(used));
    for (size_t k = 0; k < 2; k++) part_clear(&fr->parts[k]);
    vemt_colmap_clear(&fr->map);
    vemt_loaded_clear(&fr->file);
}

/* Delimited text by name: .csv, .tsv, .tab, .txt, optionally .gz. */
static bool is_delimited(const char *path) {
    if (vemt_load_is_stdin(path)) return true; /* "-": CSV on stdin */
    static const char exts[][9] = {".csv",    ".tsv",    ".tab",    ".txt",
                                   ".csv.gz", ".tsv.gz", ".tab.gz", ".txt.gz"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t k = strlen(exts[i]);
        if (n >= k && !strcasecmp(path + n - k, exts[i])) return true;
    }
    return false;
}

static vemt_status next_record(part *pt, vemt_csv_record *rec) {
    return pt->csv ? vemt_csv_next(pt->csv, rec)
                   : vemt_ogr_rows_next(pt->ogr, rec);
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

/* The record's line as the file has it, without a CR. With escape (the
 * line holds invalid UTF-8 or a NUL), every byte that is not printable
 * ASCII or a tab is written \xNN, since the rejects table and GeoJSON hold
 * UTF-8 text and a NUL would end it. */
static char *line_text(const vemt_csv_record *rec, bool escape) {
    size_t k = rec->raw_len, n = 0;
    if (k && rec->raw[k - 1] == '\r') k--;
    char *out = vemt_malloc((escape ? 4 * k : k) + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < k; i++) {
        unsigned char ch = (unsigned char)rec->raw[i];
        if (escape && (ch >= 0x80 || (ch < 0x20 && ch != '\t')))
            n += (size_t)snprintf(out + n, 5, "\\x%02x", ch);
        else
            out[n++] = (char)ch;
    }
    out[n] = '\0';
    return out;
}

/* The rejected row's text for the rejects table, rebuilt from its fields
 * with identifier fields replaced by their pseudonym. A malformed row's
 * fields can't be trusted to sit in their columns, so when the file has
 * identifier columns its text is withheld rather than risk a raw id, and
 * otherwise it is the row's line as the file has it. */
static char *reject_text(const vemt_row *row, char delim) {
    const vemt_csv_record *rec = row->rec;
    bool malformed = rec->bad || rec->n != row->map->n;
    if (malformed && has_identifier_column(row->map))
        return vemt_strdup(
            "[withheld: malformed row in a file with "
            "identifier columns]");
    /* Rebuilt from its fields, an unclosed quote's row would hold the
     * rest of the file (the tokenizer reads those lines again). */
    if (malformed && rec->raw)
        return line_text(rec, rec->bad == VEMT_E_ENCODING);
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
    if (rec->packed)
        return vemt_hash_bytes(VEMT_HASH_SEED, rec->packed, rec->packed_len);
    uint64_t h = VEMT_HASH_SEED;
    for (size_t c = 0; c < rec->n; c++)
        h = vemt_hash_str(h + c, rec->fields[c]);
    return h;
}

typedef enum outcome { USED, MERGED, EXCLUDED, REJECTED } outcome;

static vemt_role id_role(const part *pt) {
    return pt->fr->src->kind == VEMT_SOURCE_INCIDENTS ? VEMT_ROLE_ID
                                                      : VEMT_ROLE_EPISODE_ID;
}

/* The row's id and its hash, the id set's slot for it prefetched: the
 * normalising in between hides the cache miss. NULL for a blank id. */
static const char *row_id(part *pt, const vemt_row *row, uint64_t *h) {
    const char *v = vemt_row_text(row, id_role(pt));
    if (vemt_value_is_blank(v)) return NULL;
    *h = vemt_idset_hash(v);
    vemt_idset_prefetch(pt->ids, *h);
    return v;
}

#define CONFLICT_TAIL " with different content"

static void conflict_reason(char *why, size_t size, long first) {
    snprintf(why, size, "id already used at row %ld" CONFLICT_TAIL, first);
}

/* The message of a conflict, its first row renumbered: the rest (the
 * quoted id) is kept. */
static void conflict_renumber(vemt_error *err, long first) {
    char head[sizeof err->msg], tail[sizeof err->msg];
    const char *t = strstr(err->msg, CONFLICT_TAIL);
    snprintf(tail, sizeof tail, "%s", t ? t : "");
    conflict_reason(head, sizeof head, first);
    head[strlen(head) - strlen(CONFLICT_TAIL)] = '\0';
    /* The head is a few dozen bytes; the tail is cut at the message's
     * size (written in two steps, which gcc's -Wformat-truncation can
     * bound in a Debug build with sanitizers). */
    size_t n = strlen(head);
    memcpy(err->msg, head, n);
    snprintf(err->msg + n, sizeof err->msg - n, "%s", tail);
}

/* The same id twice in one file: identical rows are merged (recorded),
 * differing ones are a conflict and rejected naming both rows. Blank ids
 * (police.uk leaves anti-social behaviour ids blank) are never compared. */
static outcome check_duplicate(part *pt, vemt_row *row, const char *v,
                               uint64_t h, vemt_status *st) {
    long first = 0;
    uint64_t tag, first_tag = 0;
    if (!v) return USED;
    tag = content_hash(row->rec);
    if ((*st = vemt_idset_add_hashed(pt->ids, v, h, row->rec->row, tag, &first,
                                     &first_tag)) ||
        !first)
        return USED;
    int source = pt->fr->source;
    if (first_tag == tag) {
        vemt_merge m = {source,
                        first,
                        source,
                        row->rec->row,
                        "same id and same content in one file",
                        0,
                        0};
        *st = vemt_merges_push(pt->merges, &m);
        return MERGED;
    }
    char why[96];
    conflict_reason(why, sizeof why, first);
    vemt_row_fail(row, id_role(pt), VEMT_E_DUPLICATE, why);
    if (pt->events == &pt->own_events) { /* the second part's: rows move */
        if (vemt_grow((void **)&pt->conflicts, &pt->conflicts_cap,
                      pt->n_conflicts + 1, sizeof *pt->conflicts))
            *st = VEMT_E_NOMEM;
        else
            pt->conflicts[pt->n_conflicts++] =
                (conflict){pt->rejects->n, first};
    }
    return REJECTED;
}

/* Normalise one row and decide what becomes of it. */
static outcome process_row(part *pt, vemt_row *row, vemt_status *st) {
    size_t added = 0;
    uint64_t h = 0;
    vemt_events *events = pt->events;
    *st = VEMT_OK;
    if (check_shape(row)) return REJECTED;
    const char *id = row_id(pt, row, &h);
    bool incidents = pt->fr->src->kind == VEMT_SOURCE_INCIDENTS;
    *st = incidents ? vemt_incident_row(row, pt->fr->source, events, &added)
                    : vemt_episode_row(row, pt->fr->source, events, &added);
    if (*st == VEMT_E_NOMEM) return REJECTED;
    if (row->err.code) {
        *st = VEMT_OK;
        return REJECTED;
    }
    outcome o = check_duplicate(pt, row, id, h, st);
    const vemt_filter *filter = pt->fr->opts->filter;
    if (o == USED && incidents && filter &&
        !vemt_filter_keeps(
            filter,
            vemt_events_text(events, events->items[events->n - 1].category)))
        o = EXCLUDED;
    if (o != USED) events->n -= added; /* the row gives no event */
    pt->src->n_events += o == USED ? (long)added : 0;
    if (o == USED) {
        bool located = false;
        for (size_t k = events->n - added; k < events->n; k++)
            located |= events->items[k].located;
        if (!located)
            pt->src->n_nowhere++;
        else
            pt->src->n_used++;
    }
    return o;
}

static void report_progress(const part *pt) {
    file_run *fr = pt->fr;
    if (pt != &fr->parts[0]) return; /* one progress line: the first's */
    size_t total = pt->stop ? pt->stop : fr->file.size;
    vemt_ctx_progress(fr->ctx, fr->src->path,
                      pt->csv ? vemt_csv_offset(pt->csv) : 0,
                      pt->csv ? total : 0);
}

static vemt_status read_rows(part *pt) {
    vemt_csv_record rec;
    file_run *fr = pt->fr;
    char delim = pt->csv ? vemt_csv_delimiter(pt->csv) : ',';
    vemt_source *src = pt->src;
    for (;;) {
        if (pt->stop && vemt_csv_offset(pt->csv) >= pt->stop) break;
        if (pt->cancel && src->n_read % 1024 == 0 &&
            atomic_load_explicit(pt->cancel, memory_order_relaxed))
            break;
        if (next_record(pt, &rec)) return VEMT_E_NOMEM;
        if (rec.eof) break;
        src->n_read++;
        vemt_row row;
        memset(&row, 0, sizeof row);
        row.rec = &rec;
        row.map = &fr->map;
        row.opts = fr->opts;
        row.xy_crs = pt->xy_crs;
        row.geo_crs = pt->geo_crs;
        row.date_flags = fr->date_flags;
        row.pseudonyms = pt->pseudonyms;
        row.texts = pt->texts;
        vemt_status st;
        outcome o = process_row(pt, &row, &st);
        if (st) return st;
        src->n_merged += o == MERGED;
        src->n_excluded += o == EXCLUDED;
        if (o == REJECTED) {
            char *raw = reject_text(&row, delim);
            if (!raw) return VEMT_E_NOMEM;
            st = vemt_rejects_push(pt->rejects, fr->source, &row.err, raw);
            vemt_free(raw);
            if (st) return st;
            src->n_rejected++;
        }
        if (src->n_read % 65536 == 0) report_progress(pt);
    }
    return VEMT_OK;
}

/* Open the file and read its header row. */
static vemt_status open_source(file_run *fr, const vemt_csv_record **hdr) {
    const char *path = fr->src->path;
    part *p0 = &fr->parts[0];
    vemt_status st;
    if (is_delimited(path)) {
        if ((st = vemt_load_file_async(fr->ctx, path, &fr->file)) ||
            (st = vemt_csv_create(fr->file.data, fr->file.size, 0, &p0->csv)))
            return st;
        fr->src->format = fr->file.gzip ? "csv (gzip)" : "csv";
        if (vemt_csv_next(p0->csv, &fr->header)) return VEMT_E_NOMEM;
        *hdr = &fr->header;
    } else {
        if ((st = vemt_ingest_check_path(fr->ctx, path)) ||
            (st = vemt_load_identity(fr->ctx, path, &fr->file)) ||
            (st = vemt_ogr_rows_open(fr->ctx, path, &p0->ogr)))
            return st;
        fr->src->format = vemt_ogr_rows_format(p0->ogr);
        if (vemt_ogr_rows_is_empty(p0->ogr))
            return vemt_ctx_fail(fr->ctx, VEMT_E_MISSING,
                                 "file is empty: its layer has no features "
                                 "and no fields");
        *hdr = vemt_ogr_rows_header(p0->ogr);
        if (vemt_ogr_rows_is_spreadsheet(p0->ogr))
            fr->date_flags |= VEMT_DATE_SERIAL;
    }
    fr->src->bytes = fr->file.bytes;
    if ((*hdr)->eof || (*hdr)->n == 0)
        return vemt_ctx_fail(fr->ctx, VEMT_E_MISSING,
                             "file is empty: expected a header row");
    if ((*hdr)->bad) {
        vemt_ctx_fail(fr->ctx, (*hdr)->bad, "header row: %s", (*hdr)->bad_why);
        vemt_ctx_set_location(fr->ctx, 1, 1, (*hdr)->bad_column, NULL);
        return (*hdr)->bad;
    }
    return VEMT_OK;
}

/* The CRS of each kind of coordinate column: the job file's override, the
 * GIS layer's own, or EPSG:27700 for x/y and EPSG:4326 for lon/lat; each
 * transformed to the analysis CRS. */
static void choose_crs(file_run *fr) {
    char layer[1024] = "";
    if (fr->parts[0].ogr)
        vemt_ogr_rows_crs(fr->parts[0].ogr, layer, sizeof layer);
    const char *o = fr->opts->crs;
    snprintf(fr->xy_def, sizeof fr->xy_def, "%s",
             o          ? o
             : layer[0] ? layer
                        : "EPSG:27700");
    snprintf(fr->geo_def, sizeof fr->geo_def, "%s",
             o          ? o
             : layer[0] ? layer
                        : "EPSG:4326");
    const int *c = fr->map.col;
    fr->used_xy = c[VEMT_ROLE_EASTING] >= 0 || c[VEMT_ROLE_FROM_EASTING] >= 0;
    fr->used_geo = !fr->used_xy && (c[VEMT_ROLE_LONGITUDE] >= 0 ||
                                    c[VEMT_ROLE_FROM_LONGITUDE] >= 0);
    snprintf(fr->src->crs, sizeof fr->src->crs, "%.*s",
             (int)sizeof fr->src->crs - 1,
             fr->used_xy    ? fr->xy_def
             : fr->used_geo ? fr->geo_def
                            : "postcodes");
}

/* Rows the file probably holds: its size over the first data line's
 * length. */
static size_t expected_rows(const file_run *fr) {
    const part *p0 = &fr->parts[0];
    if (!p0->csv || !fr->file.size) return 1024;
    size_t at = vemt_csv_offset(p0->csv);
    const char *p = fr->file.data + at;
    const char *nl = memchr(p, '\n', fr->file.size - at);
    size_t line = nl ? (size_t)(nl - p) + 1 : fr->file.size;
    return fr->file.size / (line ? line : 1) + 16;
}

/* A part's own state: its CRS transformations (PROJ contexts are not
 * shared between threads), id set, memo of pseudonyms and shared texts.
 * The sets are sized for rows, so a million-row file is not rehashed. */
static vemt_status part_init(file_run *fr, part *pt, size_t rows,
                             vemt_idset *texts) {
    pt->fr = fr;
    /* Only the transformations the file's columns need: each costs PROJ
     * a search of its database. */
    const int *c = fr->map.col;
    bool xy = c[VEMT_ROLE_EASTING] >= 0 || c[VEMT_ROLE_FROM_EASTING] >= 0 ||
              c[VEMT_ROLE_FOUND_EASTING] >= 0;
    bool geo = c[VEMT_ROLE_LONGITUDE] >= 0 ||
               c[VEMT_ROLE_FROM_LONGITUDE] >= 0 ||
               c[VEMT_ROLE_FOUND_LONGITUDE] >= 0;
    const char *to = fr->opts->analysis_crs;
    vemt_status st = VEMT_OK;
    if (xy) st = vemt_crs_create(fr->ctx, fr->xy_def, to, &pt->xy_crs);
    if (!st && geo)
        st = vemt_crs_create(fr->ctx, fr->geo_def, to, &pt->geo_crs);
    if (!st) st = vemt_idset_create_sized(rows, &pt->ids);
    if (!st) st = vemt_pseudo_cache_create(fr->opts->pseudo, &pt->pseudonyms);
    if (!st && !texts) st = vemt_idset_create(&pt->own_texts);
    pt->texts = texts ? texts : pt->own_texts;
    if (!st && vemt_grow((void **)&pt->events->items, &pt->events->cap,
                         pt->events->n + rows, sizeof *pt->events->items))
        st = VEMT_E_NOMEM;
    return st;
}

/* The first line break past the middle of the data rows, when the file is
 * big enough and there are processors for both parts and the hash; else
 * 0. On two processors the SHA-256 thread takes the second for most of the
 * read, and two parts measured no faster than one (tests/bench/RESULTS.md). */
static size_t split_point(const file_run *fr) {
    const part *p0 = &fr->parts[0];
    int parts = fr->opts->parts;
    if (!p0->csv || parts == 1) return 0;
    size_t at = vemt_csv_offset(p0->csv), size = fr->file.size;
    if (parts == 0 &&
        (size - at < SPLIT_MIN_BYTES || sysconf(_SC_NPROCESSORS_ONLN) < 3))
        return 0;
    size_t mid = at + (size - at) / 2;
    const char *nl = memchr(fr->file.data + mid, '\n', size - mid);
    size_t split = nl ? (size_t)(nl - fr->file.data) + 1 : 0;
    return split < size ? split : 0;
}

static void *part_main(void *arg) {
    part *pt = arg;
    pt->st = read_rows(pt);
    return NULL;
}

/* Start reading the second part on its own thread at split. */
static vemt_status start_second(file_run *fr, size_t split, size_t rows) {
    part *p1 = &fr->parts[1];
    p1->src = &p1->own_src;
    p1->events = &p1->own_events;
    p1->rejects = &p1->own_rejects;
    p1->merges = &p1->own_merges;
    p1->cancel = &fr->cancel;
    vemt_status st = part_init(fr, p1, rows, NULL);
    if (!st)
        st = vemt_csv_create_at(fr->file.data, fr->file.size, split,
                                vemt_csv_delimiter(fr->parts[0].csv), &p1->csv);
    if (st) return st;
    if (pthread_create(&p1->thread, NULL, part_main, p1) != 0) {
        part_clear(p1); /* no thread to be had: one part */
        return VEMT_OK;
    }
    fr->n_parts = 2;
    fr->parts[0].stop = split;
    return VEMT_OK;
}

/* A small map from the second part's text offsets to the first's. */
typedef struct offset_map {
    uint32_t *keys, *values; /* open addressing; key 0: empty */
    size_t cap;              /* power of two */
} offset_map;

static uint32_t *offset_slot(const offset_map *m, uint32_t key) {
    size_t i = (key * 2654435761u) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    return &m->keys[i];
}

static uint32_t offset_get(const offset_map *m, uint32_t key) {
    if (!key) return 0;
    uint32_t *k = offset_slot(m, key);
    return *k ? m->values[k - m->keys] : key;
}

/* Give the second part's shared texts (now at base + their offset) the
 * first part's offsets, adding those the first part lacks, so that equal
 * texts keep equal offsets. */
static vemt_status map_texts(part *p0, const part *p1, uint32_t base,
                             offset_map *m) {
    size_t n = vemt_idset_count(p1->own_texts);
    m->cap = 16;
    while (m->cap < 2 * n) m->cap *= 2;
    m->keys = vemt_calloc(m->cap, sizeof *m->keys);
    m->values = vemt_calloc(m->cap, sizeof *m->values);
    if (!m->keys || !m->values) return VEMT_E_NOMEM;
    for (size_t k = 0; k < n; k++) {
        long off, have, first;
        uint64_t tag;
        const char *text = vemt_idset_entry(p1->own_texts, k, &off);
        uint32_t moved = base + (uint32_t)off;
        if (!vemt_idset_find(p0->texts, text, &have)) {
            have = moved;
            if (vemt_idset_add(p0->texts, text, have, 0, &first, &tag))
                return VEMT_E_NOMEM;
        }
        uint32_t *slot = offset_slot(m, moved);
        *slot = moved;
        m->values[slot - m->keys] = (uint32_t)have;
    }
    return VEMT_OK;
}

/* Append the second part's results to the first's, its rows and lines
 * numbered on from where the first part stopped. When memory runs out
 * part way, the caller's arrays hold some of the second part's rows (as a
 * one-thread read that runs out holds the rows read so far): the read has
 * failed, and they are only to be freed. */
static vemt_status join_second(part *p0, part *p1) {
    long rows = vemt_csv_rows(p0->csv), lines = vemt_csv_line(p0->csv) - 1;
    vemt_events *ev = p0->events;
    size_t from = ev->n;
    uint32_t base = (uint32_t)(ev->text_len ? ev->text_len : 1) - 1;
    offset_map m = {0};
    vemt_status st = vemt_events_append(ev, &p1->own_events);
    if (!st) st = map_texts(p0, p1, base, &m);
    for (size_t i = from; !st && i < ev->n; i++) {
        vemt_event *e = &ev->items[i];
        e->source_row += (int32_t)rows;
        e->category = offset_get(&m, e->category);
        e->lsoa = offset_get(&m, e->lsoa);
        e->location = offset_get(&m, e->location);
        e->placing_authority = offset_get(&m, e->placing_authority);
    }
    vemt_free(m.keys);
    vemt_free(m.values);
    for (size_t k = 0; !st && k < p1->n_conflicts; k++) {
        vemt_error *err = &p1->own_rejects.items[p1->conflicts[k].reject].err;
        conflict_renumber(err, p1->conflicts[k].first_row + rows);
    }
    for (size_t k = 0; !st && k < p1->own_rejects.n; k++) {
        vemt_reject *r = &p1->own_rejects.items[k];
        r->err.row += rows;
        r->err.line += lines;
        st = vemt_rejects_push(p0->rejects, r->source, &r->err, r->raw);
    }
    for (size_t k = 0; !st && k < p1->own_merges.n; k++) {
        vemt_merge mg = p1->own_merges.items[k];
        mg.kept_row += rows;
        mg.merged_row += rows;
        st = vemt_merges_push(p0->merges, &mg);
    }
    const vemt_source *c = &p1->own_src;
    vemt_source *s = p0->src;
    s->n_read += c->n_read;
    s->n_used += c->n_used;
    s->n_nowhere += c->n_nowhere;
    s->n_merged += c->n_merged;
    s->n_excluded += c->n_excluded;
    s->n_rejected += c->n_rejected;
    s->n_events += c->n_events;
    return st;
}

/* Read the rows: in two parts when the file was split, and the second
 * part's work joined when the guess held and no id occurs in both; else
 * the first part reads on to the end. */
static vemt_status read_all_rows(file_run *fr) {
    part *p0 = &fr->parts[0], *p1 = &fr->parts[1];
    vemt_status st = read_rows(p0);
    if (fr->n_parts < 2) return st;
    bool exact = !st && vemt_csv_offset(p0->csv) == p0->stop;
    if (!exact) atomic_store(&fr->cancel, true);
    pthread_join(p1->thread, NULL);
    fr->n_parts = 1;
    if (st) return st;
    if (exact && !p1->st && !vemt_idset_intersects(p0->ids, p1->ids)) {
        fr->src->threads = 2;
        st = join_second(p0, p1);
        part_clear(p1);
        return st;
    }
    part_clear(p1);
    p0->stop = 0;
    return read_rows(p0);
}

static const char *schema_name(vemt_source_kind kind, vemt_schema s) {
    if (s == VEMT_SCHEMA_POLICE_STREET) return "police.uk street-level crime";
    if (s == VEMT_SCHEMA_POLICE_SEARCH) return "police.uk stop and search";
    return kind == VEMT_SOURCE_INCIDENTS ? "incidents" : "missing episodes";
}

/* --centroids: how many rows it located, after the column use. */
static void note_centroids(vemt_source *src, long n) {
    size_t k = strlen(src->columns);
    snprintf(src->columns + k, sizeof src->columns - k,
             "; %ld line, polygon or multipoint geometries located at their "
             "centroid (--centroids)",
             n);
}

vemt_status vemt_ingest_file(vemt_ctx *ctx, const vemt_ingest_opts *opts,
                             vemt_source *src, int source_index,
                             vemt_events *events, vemt_rejects *rejects,
                             vemt_merges *merges) {
    file_run *fr = vemt_calloc(1, sizeof *fr);
    if (!fr) return VEMT_E_NOMEM;
    fr->ctx = ctx;
    fr->opts = opts;
    fr->src = src;
    fr->source = source_index;
    fr->date_flags = opts->month_first ? VEMT_DATE_MDY : 0;
    fr->n_parts = 1;
    part *p0 = &fr->parts[0];
    p0->src = src;
    p0->events = events;
    p0->rejects = rejects;
    p0->merges = merges;
    const vemt_csv_record *hdr = NULL;
    vemt_status st = open_source(fr, &hdr);
    if (!st)
        st = vemt_colmap_build(ctx, src->kind, hdr, opts->columns, &fr->map);
    if (!st && p0->ogr)
        vemt_ogr_rows_use_geometry(p0->ogr, &fr->map, opts->centroids);
    if (!st) choose_crs(fr);
    size_t rows = st ? 0 : expected_rows(fr), split = st ? 0 : split_point(fr);
    if (!st)
        st = part_init(fr, p0, rows, opts->texts ? opts->texts->set : NULL);
    if (!st && split) st = start_second(fr, split, rows / 2 + 16);
    if (st) {
        if (!vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, src->path);
        file_run_clear(fr);
        vemt_free(fr);
        return st;
    }
    snprintf(src->pipeline, sizeof src->pipeline, "%s",
             fr->used_xy    ? vemt_crs_pipeline(p0->xy_crs)
             : fr->used_geo ? vemt_crs_pipeline(p0->geo_crs)
                            : "none (postcode lookup, in the analysis CRS)");
    src->schema = schema_name(src->kind, fr->map.schema);
    vemt_colmap_describe(&fr->map, src->columns, sizeof src->columns);
    src->threads = 1;
    st = read_all_rows(fr);
    if (!st && fr->file.damage[0]) {
        vemt_ctx_fail(ctx, VEMT_E_IO,
                      "%s; %ld rows were read before it, and nothing of "
                      "this file is used (get a whole copy of it)",
                      fr->file.damage, src->n_read);
        vemt_ctx_set_source(ctx, src->path);
        st = VEMT_E_IO;
    }
    if (p0->ogr && vemt_ogr_rows_centroids(p0->ogr)) /* said in the summary
                                                        and provenance */
        note_centroids(src, vemt_ogr_rows_centroids(p0->ogr));
    vemt_ctx_progress(ctx, src->path, 1, 1);
    vemt_load_join(&fr->file);
    memcpy(src->sha256, fr->file.sha256, sizeof src->sha256);
    file_run_clear(fr);
    vemt_free(fr);
    return st;
}

vemt_status vemt_text_index_create(vemt_text_index **out) {
    *out = vemt_calloc(1, sizeof **out);
    if (!*out) return VEMT_E_NOMEM;
    if (vemt_idset_create(&(*out)->set)) {
        vemt_free(*out);
        *out = NULL;
        return VEMT_E_NOMEM;
    }
    return VEMT_OK;
}

void vemt_text_index_destroy(vemt_text_index *t) {
    if (!t) return;
    vemt_idset_destroy(t->set);
    vemt_free(t);
}

void vemt_ingest_free(void *p) { vemt_free(p); }

bool vemt_ingest_parse_time(const char *text, const vemt_tz *zone,
                            int64_t *start_utc, int64_t *end_utc) {
    vemt_time t;
    const char *why;
    if (vemt_value_time(text, 0, zone, &t, &why)) return false;
    *start_utc = t.start_utc;
    *end_utc = t.end_utc;
    return true;
}
