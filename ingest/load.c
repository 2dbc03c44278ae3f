/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file load.c
 * @brief Read whole files, hash them (libsodium SHA-256), and decompress
 * gzip (zlib), checking that the stream ends where gzip says it does.
 */
#define _DEFAULT_SOURCE /* mmap's MAP_POPULATE */
#include "ingest/load.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/alloc.h"
#include "ingest/ingest.h"

static vemt_status io_error(vemt_ctx *ctx, const char *path) {
    vemt_ctx_fail(ctx, VEMT_E_IO, "can't read: %s",
                  errno ? strerror(errno) : "unknown error");
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

bool vemt_load_is_stdin(const char *path) { return !strcmp(path, "-"); }

/* gzip's signature (RFC 1952 section 2.3.1: ID1 ID2). */
static bool is_gzip(const char *data, size_t size) {
    return size >= 2 && data && (unsigned char)data[0] == 0x1f &&
           (unsigned char)data[1] == 0x8b;
}

/* A name that promises gzip. */
static bool named_gz(const char *path) {
    size_t n = strlen(path);
    return n >= 3 && !strcasecmp(path + n - 3, ".gz");
}

/* A file named .gz must be gzip: read as plain text it would be taken for
 * something it is not said to be. An empty one is left to the reader
 * ("file is empty"). */
static vemt_status check_gz_name(vemt_ctx *ctx, const char *path,
                                 const vemt_loaded *l) {
    if (!named_gz(path) || l->gzip || l->size == 0) return VEMT_OK;
    vemt_ctx_fail(ctx, VEMT_E_IO,
                  "not gzip: the name ends in .gz but the file does not "
                  "start with gzip's signature (1f 8b); rename it or "
                  "compress it");
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

/* Room for one more inflate step: at least 64 KiB free, plus the NUL. */
static vemt_status out_room(char **buf, size_t *cap, size_t len) {
    if (*cap - len >= 65537) return VEMT_OK;
    return vemt_grow((void **)buf, cap, len + 65537, 1) ? VEMT_E_NOMEM
                                                        : VEMT_OK;
}

/* Decompress every member of gzip data in[0..n) (RFC 1952 section 2.2: a
 * file is a series of members) into *out, NUL-terminated. When the data
 * ends before a member's end, or a member is corrupt (its CRC-32 or
 * length does not match, a bad block), or other bytes follow the last
 * member, *damage says so and *out holds what was decompressed before
 * it; only running out of memory fails. */
static vemt_status gunzip(const char *in, size_t n, char **out, size_t *size,
                          char *damage, size_t damage_size) {
    z_stream z;
    memset(&z, 0, sizeof z);
    *out = NULL;
    *size = 0;
    damage[0] = '\0';
    if (inflateInit2(&z, 15 + 16) != Z_OK) return VEMT_E_NOMEM; /* gzip */
    size_t cap = 0, len = 0, pos = 0;
    vemt_status st = VEMT_OK;
    for (;;) {
        if (z.avail_in == 0 && pos < n) { /* zlib counts in uInt */
            size_t k = n - pos < (size_t)1 << 30 ? n - pos : (size_t)1 << 30;
            z.next_in = (Bytef *)(uintptr_t)(in + pos);
            z.avail_in = (uInt)k;
            pos += k;
        }
        if ((st = out_room(out, &cap, len))) break;
        size_t room = cap - len - 1;
        if (room > (size_t)1 << 30) room = (size_t)1 << 30;
        z.next_out = (Bytef *)(*out + len);
        z.avail_out = (uInt)room;
        int rc = inflate(&z, Z_NO_FLUSH);
        len += room - z.avail_out;
        size_t left = z.avail_in + (n - pos);
        if (rc == Z_STREAM_END) {
            if (left == 0) break;
            if (left >= 2 && (z.avail_in ? z.next_in[0] : (Bytef)in[pos]) ==
                                 0x1f) { /* the next member */
                inflateReset(&z);
                continue;
            }
            snprintf(damage, damage_size,
                     "%zu bytes that are not gzip follow the compressed data",
                     left);
            break;
        }
        if (rc == Z_MEM_ERROR) {
            st = VEMT_E_NOMEM;
            break;
        }
        if (rc == Z_BUF_ERROR) { /* no input left to go on with */
            snprintf(damage, damage_size,
                     "the gzip data is truncated: it ends before the end of "
                     "its compressed stream");
            break;
        }
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
            snprintf(damage, damage_size, "the gzip data is corrupt (%s)",
                     z.msg ? z.msg : "zlib error");
            break;
        }
    }
    inflateEnd(&z);
    if (st) {
        vemt_free(*out);
        *out = NULL;
        return st;
    }
    if (!*out && !(*out = vemt_calloc(1, 1))) return VEMT_E_NOMEM;
    (*out)[len] = '\0';
    *size = len;
    return VEMT_OK;
}

/* Replace the loaded gzip bytes by their decompressed text. A damaged
 * stream keeps the text up to the last line break before the damage, so
 * that the rows counted are whole ones. */
static vemt_status inflate_loaded(vemt_loaded *l) {
    char *text;
    size_t size;
    vemt_status st =
        gunzip(l->data, l->size, &text, &size, l->damage, sizeof l->damage);
    if (st) return st;
    if (l->damage[0]) {
        while (size && text[size - 1] != '\n') size--;
        text[size] = '\0';
    }
    if (l->mapped)
        munmap(l->data, l->size);
    else
        vemt_free(l->data);
    l->mapped = false;
    l->data = text;
    l->size = size;
    return VEMT_OK;
}

/* Read all of f into *buf (NUL-terminated), hashing when sha != NULL. */
static vemt_status read_all(FILE *f, char **buf, size_t *size,
                            crypto_hash_sha256_state *sha, bool keep,
                            size_t hint) {
    size_t cap = 0, n = 0, got;
    *buf = NULL;
    /* Size the buffer once for a regular file instead of doubling. */
    if (keep && hint && vemt_grow((void **)buf, &cap, hint + 1, 1))
        return VEMT_E_NOMEM;
    char chunk[65536];
    do {
        got = fread(chunk, 1, sizeof chunk, f);
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
    return ferror(f) ? VEMT_E_IO : VEMT_OK;
}

/* The file, or standard input for "-"; NULL with errno set. */
static FILE *open_input(const char *path) {
    return vemt_load_is_stdin(path) ? stdin : fopen(path, "rb");
}

static void close_input(FILE *f) {
    if (f != stdin) fclose(f);
}

/* A gzip stream that ended early or was corrupt: the error, with no rows
 * to count (vemt_load_file's callers read the whole file or nothing). */
static vemt_status damaged(vemt_ctx *ctx, const char *path,
                           const vemt_loaded *l) {
    vemt_ctx_fail(ctx, VEMT_E_IO, "%s", l->damage);
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

static vemt_status load(vemt_ctx *ctx, const char *path, vemt_loaded *out,
                        bool keep) {
    memset(out, 0, sizeof *out);
    vemt_status st = vemt_ingest_check_path(ctx, path);
    if (st) return st;
    errno = 0;
    FILE *f = open_input(path);
    if (!f) return io_error(ctx, path);
    crypto_hash_sha256_state sha;
    crypto_hash_sha256_init(&sha);
    struct stat sb;
    size_t hint = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)
                      ? (size_t)sb.st_size
                      : 0;
    st = read_all(f, &out->data, &out->size, &sha, keep, hint);
    close_input(f);
    if (st == VEMT_E_IO) return io_error(ctx, path);
    if (st) return st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha, digest);
    sodium_bin2hex(out->sha256, sizeof out->sha256, digest, sizeof digest);
    out->bytes = out->size;
    out->gzip = keep && is_gzip(out->data, out->size);
    if (keep && (st = check_gz_name(ctx, path, out))) return st;
    if (!out->gzip) return VEMT_OK;
    if ((st = inflate_loaded(out))) return st;
    return out->damage[0] ? damaged(ctx, path, out) : VEMT_OK;
}

vemt_status vemt_ingest_check_path(vemt_ctx *ctx, const char *path) {
    struct stat sb;
    if (vemt_load_is_stdin(path) || !strncmp(path, "/vsi", 4) ||
        stat(path, &sb) != 0 || S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))
        return VEMT_OK; /* a missing file: the open says so */
    const char *what = S_ISCHR(sb.st_mode)    ? "a character device"
                       : S_ISBLK(sb.st_mode)  ? "a block device"
                       : S_ISFIFO(sb.st_mode) ? "a FIFO (named pipe)"
                       : S_ISSOCK(sb.st_mode) ? "a socket"
                                              : "not a regular file";
    vemt_ctx_fail(ctx, VEMT_E_IO,
                  "is %s: vemt reads regular files, - (standard input), "
                  "folders GDAL opens and GDAL virtual paths (/vsizip/...)",
                  what);
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
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
    vemt_status st = vemt_ingest_check_path(ctx, path);
    if (st) return st;
    errno = 0;
    FILE *f = open_input(path);
    if (!f) return io_error(ctx, path);
    if (map_plain(fileno(f), out)) {
        close_input(f);
        return VEMT_OK;
    }
    struct stat sb;
    size_t hint = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)
                      ? (size_t)sb.st_size
                      : 0;
    st = read_all(f, &out->data, &out->size, NULL, true, hint);
    close_input(f);
    if (st == VEMT_E_IO) return io_error(ctx, path);
    out->bytes = out->size;
    return st;
}

vemt_status vemt_load_file_async(vemt_ctx *ctx, const char *path,
                                 vemt_loaded *out) {
    memset(out, 0, sizeof *out);
    vemt_status st = read_plain(ctx, path, out);
    if (!st) {
        out->gzip = is_gzip(out->data, out->size);
        st = check_gz_name(ctx, path, out);
    }
    if (!st && out->gzip) { /* hash the file as it is, then inflate it */
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (const unsigned char *)out->data, out->size);
        sodium_bin2hex(out->sha256, sizeof out->sha256, digest, sizeof digest);
        st = inflate_loaded(out);
        if (st) vemt_loaded_clear(out);
        return st;
    }
    if (st) {
        vemt_loaded_clear(out);
        return st;
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
