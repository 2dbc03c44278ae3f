/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file load.c
 * @brief Read whole files, hash them (libsodium SHA-256), and decompress
 * gzip through GDAL's /vsigzip/.
 */
#define _DEFAULT_SOURCE /* mmap's MAP_POPULATE */
#include "ingest/load.h"

#include <cpl_vsi.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

static vemt_status io_error(vemt_ctx *ctx, const char *path) {
    vemt_ctx_fail(ctx, VEMT_E_IO, "can't read: %s",
                  errno ? strerror(errno) : "unknown error");
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

/* Read all of f into *buf (NUL-terminated), hashing when sha != NULL. */
static vemt_status read_all(FILE *f, VSILFILE *vf, char **buf, size_t *size,
                            crypto_hash_sha256_state *sha, bool keep,
                            size_t hint) {
    size_t cap = 0, n = 0, got;
    *buf = NULL;
    /* Size the buffer once for a regular file instead of doubling. */
    if (keep && hint && vemt_grow((void **)buf, &cap, hint + 1, 1))
        return VEMT_E_NOMEM;
    char chunk[65536];
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
    struct stat sb;
    size_t hint = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)
                      ? (size_t)sb.st_size
                      : 0;
    vemt_status st =
        read_all(f, NULL, &out->data, &out->size, &sha, keep, hint);
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
    st = read_all(NULL, vf, &out->data, &out->size, NULL, true, 0);
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

vemt_status vemt_ingest_file_sha256(vemt_ctx *ctx, const char *path,
                                    char hex[65], uint64_t *bytes) {
    vemt_loaded l;
    vemt_status st = vemt_load_identity(ctx, path, &l);
    snprintf(hex, 65, "%s", st ? "" : l.sha256);
    *bytes = st ? 0 : l.bytes;
    return st;
}

/* The hash thread's work: SHA-256 of the bytes read from disk. */
typedef struct hash_job {
    pthread_t thread;
    const unsigned char *data;
    size_t size;
    char *hex; /* the loaded's sha256 */
} hash_job;

static void *hash_main(void *arg) {
    hash_job *j = arg;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, j->data, j->size);
    sodium_bin2hex(j->hex, 65, digest, sizeof digest);
    return NULL;
}

/* Map a regular file read-only: the page cache's pages are used as they
 * are, with no copy and no zeroed buffer (a 70 MB export was 10 % of its
 * read in copying and page clearing). Returns false when the file can't
 * be mapped (a pipe, an empty file), so the caller reads it instead. */
static bool map_plain(int fd, vemt_loaded *out) {
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
        return false;
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ,
                   MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) return false;
    out->data = p;
    out->size = out->bytes = (size_t)sb.st_size;
    out->mapped = true;
    return true;
}

/* Read a plain file whole: mapped when it can be, else read, sizing the
 * buffer from fstat. */
static vemt_status read_plain(vemt_ctx *ctx, const char *path,
                              vemt_loaded *out) {
    errno = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return io_error(ctx, path);
    if (map_plain(fileno(f), out)) {
        fclose(f);
        return VEMT_OK;
    }
    struct stat sb;
    size_t hint = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)
                      ? (size_t)sb.st_size
                      : 0;
    vemt_status st =
        read_all(f, NULL, &out->data, &out->size, NULL, true, hint);
    fclose(f);
    if (st == VEMT_E_IO) return io_error(ctx, path);
    out->bytes = out->size;
    return st;
}

vemt_status vemt_load_file_async(vemt_ctx *ctx, const char *path,
                                 vemt_loaded *out) {
    memset(out, 0, sizeof *out);
    vemt_status st = read_plain(ctx, path, out);
    bool gz = !st && out->size >= 2 && (unsigned char)out->data[0] == 0x1f &&
              (unsigned char)out->data[1] == 0x8b;
    if (st || gz) { /* gzip: the plain path hashes and decompresses */
        vemt_loaded_clear(out);
        return st ? st : vemt_load_file(ctx, path, out);
    }
    hash_job *j = vemt_calloc(1, sizeof *j);
    if (!j) {
        vemt_loaded_clear(out);
        return VEMT_E_NOMEM;
    }
    *j =
        (hash_job){0, (const unsigned char *)out->data, out->size, out->sha256};
    if (pthread_create(&j->thread, NULL, hash_main, j) != 0) {
        hash_main(j); /* no thread to be had: hash here */
        vemt_free(j);
        return VEMT_OK;
    }
    out->hasher = j;
    return VEMT_OK;
}

void vemt_load_join(vemt_loaded *l) {
    hash_job *j = l->hasher;
    if (!j) return;
    pthread_join(j->thread, NULL);
    vemt_free(j);
    l->hasher = NULL;
}

void vemt_loaded_clear(vemt_loaded *l) {
    vemt_load_join(l); /* never free bytes a thread still reads */
    if (l->mapped)
        munmap(l->data, l->size);
    else
        vemt_free(l->data);
    l->mapped = false;
    l->data = NULL;
    l->size = 0;
}
