/** @file reader.c
 * @brief Read one delimited file: load, hash, tokenize, map the header, and
 * send every data row to its normaliser or to the rejects.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"
#include "ingest/idset.h"
#include "ingest/row.h"

/* Read a whole file into memory (pipes too), hashing it as it comes. */
static vemt_status load_file(vemt_ctx *ctx, vemt_source *src, char **data,
                             size_t *size) {
    vemt_error *err = vemt_ctx_err(ctx);
    *data = NULL;
    *size = 0;
    FILE *f = fopen(src->path, "rb");
    if (!f) goto io;
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    size_t cap = 0, n = 0, got;
    char *buf = NULL;
    do {
        if (vemt_grow((void **)&buf, &cap, n + 65536, 1)) {
            vemt_free(buf);
            fclose(f);
            return VEMT_E_NOMEM;
        }
        got = fread(buf + n, 1, cap - n, f);
        crypto_hash_sha256_update(&sha, (unsigned char *)buf + n, got);
        n += got;
    } while (got > 0);
    if (ferror(f)) {
        vemt_free(buf);
        fclose(f);
        goto io;
    }
    fclose(f);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, digest);
    sodium_bin2hex(src->sha256, sizeof src->sha256, digest, sizeof digest);
    src->bytes = n;
    *data = buf;
    *size = n;
    return VEMT_OK;
io:
    vemt_error_set(err, VEMT_E_IO, "can't read: %s", strerror(errno));
    err->source = src->path;
    return VEMT_E_IO;
}

static bool has_identifier_column(const vemt_colmap *map) {
    for (int r = 0; r < VEMT_ROLE_END; r++)
        if (vemt_role_is_identifier((vemt_role)r) && map->col[r] >= 0)
            return true;
    return false;
}

/* Column index -> role, for the identifier columns only. */
static bool column_is_identifier(const vemt_colmap *map, size_t c) {
    for (int r = 0; r < VEMT_ROLE_END; r++)
        if (vemt_role_is_identifier((vemt_role)r) && map->col[r] == (int)c)
            return true;
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
            vemt_pseudo_key(row->pseudo, v, key, sizeof key);
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
static vemt_status check_shape(vemt_row *row, vemt_idset *ids, vemt_role id) {
    const vemt_csv_record *rec = row->rec;
    vemt_error *err = &row->err;
    if (rec->bad) {
        vemt_error_set(err, rec->bad, "%s", rec->bad_why);
    } else if (rec->n != row->map->n) {
        vemt_error_set(err, VEMT_E_CSV_WIDTH,
                       "row has %zu fields, the header has %zu", rec->n,
                       row->map->n);
    } else {
        long first = 0;
        const char *v = vemt_row_text(row, id);
        if (!vemt_value_is_blank(v) && vemt_idset_add(ids, v, rec->row, &first))
            return VEMT_E_NOMEM;
        if (!first) return VEMT_OK;
        char why[80];
        snprintf(why, sizeof why, "id already used at row %ld", first);
        return vemt_row_fail(row, id, VEMT_E_DUPLICATE, why);
    }
    err->row = rec->row;
    err->line = rec->line;
    err->column = rec->bad_column;
    if (rec->bad_column > 0 && (size_t)rec->bad_column <= row->map->n)
        snprintf(err->field, sizeof err->field, "%s",
                 row->map->header[rec->bad_column - 1]);
    return err->code;
}

/* Count one row as used, located-nowhere or rejected. */
static vemt_status account(vemt_row *row, vemt_source *src, int source,
                           const vemt_events *events, size_t added,
                           vemt_rejects *rejects, char delim) {
    if (row->err.code == VEMT_OK) {
        bool located = false;
        for (size_t k = events->n - added; k < events->n; k++)
            located |= events->items[k].located;
        src->n_events += (long)added;
        if (located)
            src->n_used++;
        else
            src->n_nowhere++;
        return VEMT_OK;
    }
    char *raw = reject_text(row, delim);
    if (!raw) return VEMT_E_NOMEM;
    vemt_status st = vemt_rejects_push(rejects, source, &row->err, raw);
    vemt_free(raw);
    src->n_rejected++;
    return st;
}

typedef struct file_run {
    vemt_ctx *ctx;
    const vemt_pseudo *pseudo;
    vemt_source *src;
    int source;
    vemt_csv *csv;
    vemt_colmap map;
    vemt_idset *ids;
} file_run;

static vemt_status read_rows(file_run *fr, vemt_events *events,
                             vemt_rejects *rejects, size_t size) {
    bool incidents = fr->src->kind == VEMT_SOURCE_INCIDENTS;
    vemt_role id = incidents ? VEMT_ROLE_ID : VEMT_ROLE_EPISODE_ID;
    vemt_csv_record rec;
    for (;;) {
        if (vemt_csv_next(fr->csv, &rec)) return VEMT_E_NOMEM;
        if (rec.eof) break;
        fr->src->n_read++;
        vemt_row row;
        memset(&row, 0, sizeof row);
        row.rec = &rec;
        row.map = &fr->map;
        row.pseudo = fr->pseudo;
        size_t added = 0;
        vemt_status st = check_shape(&row, fr->ids, id);
        if (st == VEMT_E_NOMEM) return st;
        if (st == VEMT_OK) {
            st = incidents ? vemt_incident_row(&row, fr->source, events, &added)
                           : vemt_episode_row(&row, fr->source, events, &added);
            if (st == VEMT_E_NOMEM) return st;
        }
        if (account(&row, fr->src, fr->source, events, added, rejects,
                    vemt_csv_delimiter(fr->csv)))
            return VEMT_E_NOMEM;
        if (fr->src->n_read % 65536 == 0)
            vemt_ctx_progress(fr->ctx, fr->src->path, vemt_csv_offset(fr->csv),
                              size);
    }
    vemt_ctx_progress(fr->ctx, fr->src->path, size, size);
    return VEMT_OK;
}

/* Read the header row; an empty file or a malformed header stops the file. */
static vemt_status read_header(file_run *fr) {
    vemt_error *err = vemt_ctx_err(fr->ctx);
    vemt_csv_record hdr;
    if (vemt_csv_next(fr->csv, &hdr)) return VEMT_E_NOMEM;
    if (hdr.eof)
        return vemt_error_set(err, VEMT_E_MISSING,
                              "file is empty: expected a header row");
    if (hdr.bad) {
        vemt_error_set(err, hdr.bad, "header row: %s", hdr.bad_why);
        err->row = err->line = 1;
        err->column = hdr.bad_column;
        return hdr.bad;
    }
    return vemt_colmap_build(fr->ctx, fr->src->kind, &hdr, &fr->map);
}

vemt_status vemt_ingest_file(vemt_ctx *ctx, const vemt_pseudo *pseudo,
                             vemt_source *src, int source_index,
                             vemt_events *events, vemt_rejects *rejects) {
    char *data = NULL;
    size_t size = 0;
    file_run fr;
    memset(&fr, 0, sizeof fr);
    fr.ctx = ctx;
    fr.pseudo = pseudo;
    fr.src = src;
    fr.source = source_index;
    vemt_status st = load_file(ctx, src, &data, &size);
    if (st) return st;
    if ((st = vemt_csv_create(data, size, 0, &fr.csv))) goto done;
    if ((st = vemt_idset_create(&fr.ids))) goto done;
    if ((st = read_header(&fr))) {
        vemt_ctx_err(ctx)->source = src->path;
        goto done;
    }
    st = read_rows(&fr, events, rejects, size);
done:
    vemt_colmap_clear(&fr.map);
    vemt_idset_destroy(fr.ids);
    vemt_csv_destroy(fr.csv);
    vemt_free(data);
    return st;
}

void vemt_ingest_free(void *p) { vemt_free(p); }
