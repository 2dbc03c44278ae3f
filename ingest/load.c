/** @file load.c
 * @brief Read whole files, hash them (libsodium SHA-256), and decompress
 * gzip through GDAL's /vsigzip/.
 */
#include "ingest/load.h"

#include <cpl_vsi.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "engine/alloc.h"

static vemt_status io_error(vemt_ctx *ctx, const char *path) {
    vemt_error *err = vemt_ctx_err(ctx);
    vemt_error_set(err, VEMT_E_IO, "can't read: %s",
                   errno ? strerror(errno) : "unknown error");
    err->source = path;
    return VEMT_E_IO;
}

/* Read all of f into *buf (NUL-terminated), hashing when sha != NULL. */
static vemt_status read_all(FILE *f, VSILFILE *vf, char **buf, size_t *size,
                            crypto_hash_sha256_state *sha, bool keep) {
    size_t cap = 0, n = 0, got;
    char chunk[65536];
    *buf = NULL;
    do {
        got = f ? fread(chunk, 1, sizeof chunk, f)
                : VSIFReadL(chunk, 1, sizeof chunk, vf);
        if (sha) crypto_hash_sha256_update(sha, (unsigned char *)chunk, got);
        if (keep && got) {
            if (vemt_grow((void **)buf, &cap, n + got + 1, 1)) {
                vemt_free(*buf);
                *buf = NULL;
                return VEMT_E_NOMEM;
            }
            memcpy(*buf + n, chunk, got);
        }
        n += got;
    } while (got > 0);
    if (keep && !*buf && !(*buf = vemt_calloc(1, 1))) return VEMT_E_NOMEM;
    if (keep) (*buf)[n] = '\0';
    *size = n;
    return f && ferror(f) ? VEMT_E_IO : VEMT_OK;
}

static vemt_status load(vemt_ctx *ctx, const char *path, vemt_loaded *out,
                        bool keep) {
    memset(out, 0, sizeof *out);
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return io_error(ctx, path);
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    vemt_status st = read_all(f, NULL, &out->data, &out->size, &sha, keep);
    fclose(f);
    if (st == VEMT_E_IO) return io_error(ctx, path);
    if (st) return st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, digest);
    sodium_bin2hex(out->sha256, sizeof out->sha256, digest, sizeof digest);
    out->bytes = out->size;
    out->gzip = out->size >= 2 && out->data &&
                (unsigned char)out->data[0] == 0x1f &&
                (unsigned char)out->data[1] == 0x8b;
    if (!out->gzip) return VEMT_OK;
    /* Decompress through GDAL's gzip reader. */
    char vpath[4200];
    snprintf(vpath, sizeof vpath, "/vsigzip/%s", path);
    VSILFILE *vf = VSIFOpenL(vpath, "rb");
    if (!vf) return io_error(ctx, path);
    vemt_free(out->data);
    st = read_all(NULL, vf, &out->data, &out->size, NULL, true);
    VSIFCloseL(vf);
    return st;
}

vemt_status vemt_load_file(vemt_ctx *ctx, const char *path, vemt_loaded *out) {
    vemt_status st = load(ctx, path, out, true);
    if (st) vemt_loaded_clear(out);
    return st;
}

vemt_status vemt_load_identity(vemt_ctx *ctx, const char *path,
                               vemt_loaded *out) {
    vemt_status st = load(ctx, path, out, false);
    vemt_loaded_clear(out);
    return st;
}

void vemt_loaded_clear(vemt_loaded *l) {
    vemt_free(l->data);
    l->data = NULL;
    l->size = 0;
}
