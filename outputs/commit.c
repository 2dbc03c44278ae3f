/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file commit.c
 * @brief A run's outputs commit together or not at all: each writer leaves
 * a finished temporary beside its target; every temporary is read back;
 * then a manifest (".NAME.vemt-commit") records the renames, fsynced
 * before the first one, so a run killed half-way is rolled forward by the
 * next. The pattern is the write-ahead "intent log" of a file system
 * journal: record, make durable, apply, fsync, forget.
 */
#define _DEFAULT_SOURCE /* kill, fsync */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_minixml.h>
#include <cpl_vsi.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal_alg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "engine/alloc.h"
#include "gdalutil/gdalutil.h"
#include "outputs/ogr_writer.h"
#include "outputs/pack.h"
#include "outputs/pack_write.h"

#define MANIFEST_MAGIC "vemt-commit 1"
#define TEMP_MARK ".vemt-tmp-"

typedef struct entry {
    char *tmp;   /* NULL: final is removed at commit */
    char *final; /* where it goes */
    vemt_commit_kind kind;
    bool done; /* renamed (or removed) */
} entry;

struct vemt_commit {
    entry *items;
    size_t n, cap;
    bool begun;   /* the manifest is written: the renames are the next
                     run's to finish if this one can't */
    bool applied; /* every rename done and the manifest removed */
};

vemt_status vemt_commit_create(vemt_ctx *ctx, vemt_commit **out) {
    *out = vemt_calloc(1, sizeof **out);
    if (!*out)
        return vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                             "out of memory preparing the outputs");
    return VEMT_OK;
}

void vemt_commit_destroy(vemt_commit *c) {
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        if (c->items[i].tmp && !c->items[i].done && !(c->begun && !c->applied))
            vemt_remove_with_side_files(c->items[i].tmp);
        vemt_free(c->items[i].tmp);
        vemt_free(c->items[i].final);
    }
    vemt_free(c->items);
    vemt_free(c);
}

static char *dup_text(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = vemt_malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Append an entry; on failure the temporary is removed. */
static vemt_status add(vemt_ctx *ctx, vemt_commit *c, const char *tmp,
                       const char *final, vemt_commit_kind kind) {
    char *t = tmp ? dup_text(tmp) : NULL, *f = dup_text(final);
    if ((tmp && !t) || !f ||
        vemt_grow((void **)&c->items, &c->cap, c->n + 1, sizeof *c->items)) {
        vemt_free(t);
        vemt_free(f);
        if (tmp) vemt_remove_with_side_files(tmp);
        return vemt_ctx_fail(ctx, VEMT_E_NOMEM,
                             "out of memory preparing the outputs");
    }
    c->items[c->n++] = (entry){t, f, kind, false};
    return VEMT_OK;
}

vemt_status vemt_commit_add(vemt_ctx *ctx, vemt_commit *c, const char *tmp,
                            const char *final, vemt_commit_kind kind) {
    return add(ctx, c, tmp, final, kind);
}

vemt_status vemt_commit_remove(vemt_ctx *ctx, vemt_commit *c,
                               const char *final) {
    return add(ctx, c, NULL, final, VEMT_COMMIT_REMOVE);
}

const char *vemt_commit_temp_of(const vemt_commit *c, const char *final) {
    for (size_t i = 0; c && i < c->n; i++)
        if (c->items[i].tmp && !strcmp(c->items[i].final, final))
            return c->items[i].tmp;
    return NULL;
}

const char *vemt_commit_removal(const vemt_commit *c, size_t i) {
    for (size_t k = 0; c && k < c->n; k++)
        if (!c->items[k].tmp && i-- == 0) return c->items[k].final;
    return NULL;
}

vemt_status vemt_output_write_failed(vemt_ctx *ctx, const char *final,
                                     const char *tmp, int err_no,
                                     vemt_status st) {
    if (st == VEMT_OK || st == VEMT_E_NOMEM || st == VEMT_E_ARG) return st;
    /* GDAL's drivers name the failed call, not its cause: a full disk shows
     * as an SQLite trigger that could not be made, or (GeoJSON) as nothing
     * at all until the file is read back. errno still holds the cause
     * when the last system call failed; a folder with no space left says
     * the same when something else overwrote it. */
    int e = err_no;
    if (e != ENOSPC && e != EIO && e != EDQUOT && e != EFBIG && e != EROFS) {
        char dir[4200];
        const char *slash = strrchr(tmp, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - tmp) : 1,
                 slash ? tmp : ".");
        if (slash == tmp) snprintf(dir, sizeof dir, "/");
        struct statvfs sv;
        e = statvfs(dir, &sv) == 0 && sv.f_bavail == 0 ? ENOSPC : 0;
    }
    if (!e) {
        if (!vemt_ctx_error(ctx)->source) vemt_ctx_set_source(ctx, final);
        return st;
    }
    vemt_ctx_fail(ctx, VEMT_E_IO, "can't write: %s", strerror(e));
    vemt_ctx_set_source(ctx, final);
    return VEMT_E_IO;
}

/* The .qgs inside a .qgz temporary: GDAL's /vsizip/ path, braces so any
 * name is taken as the archive. */
static void project_text_path(const entry *e, char *buf, size_t size) {
    size_t n = strlen(e->final);
    if (n > 4 && !strcasecmp(e->final + n - 4, ".qgz")) {
        const char *base = strrchr(e->final, '/');
        base = base ? base + 1 : e->final;
        snprintf(buf, size, "/vsizip/{%s}/%.*s.qgs", e->tmp,
                 (int)strlen(base) - 4, base);
    } else {
        snprintf(buf, size, "%s", e->tmp);
    }
}

/* A project reads back as well-formed XML (GDAL's own parser). */
static bool project_reads_back(const entry *e) {
    char path[8500];
    project_text_path(e, path, sizeof path);
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f) return false;
    VSIFSeekL(f, 0, SEEK_END);
    vsi_l_offset len = VSIFTellL(f);
    VSIFSeekL(f, 0, SEEK_SET);
    char *text = len < ((vsi_l_offset)1 << 30) ? vemt_malloc(len + 1) : NULL;
    bool ok = text && VSIFReadL(text, 1, len, f) == len;
    VSIFCloseL(f);
    if (ok) {
        text[len] = '\0';
        /* CPLParseXMLString takes no DOCTYPE past the prolog's first line:
         * parse from the root element. */
        const char *root = strstr(text, "<qgis");
        CPLXMLNode *doc = root ? CPLParseXMLString(root) : NULL;
        ok = doc != NULL && CPLGetLastErrorType() < CE_Failure;
        if (doc) CPLDestroyXMLNode(doc);
    }
    vemt_free(text);
    return ok;
}

/* A GDAL dataset reads back whole: a GeoPackage passes SQLite's quick
 * check, a GeoJSON file parses, every tile of a GeoTIFF decodes. */
static bool dataset_reads_back(const entry *e) {
    unsigned flags =
        GDAL_OF_READONLY |
        (e->kind == VEMT_COMMIT_TIFF ? GDAL_OF_RASTER : GDAL_OF_VECTOR);
    GDALDatasetH ds = GDALOpenEx(e->tmp, flags, NULL, NULL, NULL);
    if (!ds) return false;
    bool ok = true;
    if (e->kind == VEMT_COMMIT_GPKG) {
        OGRLayerH r =
            GDALDatasetExecuteSQL(ds, "PRAGMA quick_check", NULL, NULL);
        OGRFeatureH ft = r ? OGR_L_GetNextFeature(r) : NULL;
        ok = ft && !strcmp(OGR_F_GetFieldAsString(ft, 0), "ok");
        if (ft) OGR_F_Destroy(ft);
        if (r) GDALDatasetReleaseResultSet(ds, r);
    } else if (e->kind == VEMT_COMMIT_GEOJSON) {
        OGRLayerH l = GDALDatasetGetLayer(ds, 0);
        ok = l != NULL;
        OGRFeatureH ft;
        while (ok && (ft = OGR_L_GetNextFeature(l)) != NULL) OGR_F_Destroy(ft);
    } else {
        GDALRasterBandH b = GDALGetRasterBand(ds, 1);
        ok = b != NULL;
        if (ok)
            GDALChecksumImage(b, 0, 0, GDALGetRasterXSize(ds),
                              GDALGetRasterYSize(ds));
    }
    ok = ok && CPLGetLastErrorType() < CE_Failure;
    GDALClose(ds);
    return ok;
}

vemt_status vemt_commit_verify(vemt_ctx *ctx, vemt_commit *c) {
    vemt_status st = VEMT_OK;
    vemt_gdal_errors ge;
    vemt_gdal_errors_push(&ge, NULL, VEMT_E_IO); /* expected failures */
    for (size_t i = 0; i < c->n && !st; i++) {
        const entry *e = &c->items[i];
        if (!e->tmp || e->kind == VEMT_COMMIT_TEXT) continue;
        CPLErrorReset();
        bool ok = e->kind == VEMT_COMMIT_PROJECT ? project_reads_back(e)
                  : e->kind == VEMT_COMMIT_PNG ? vemt_pack_png_is_whole(e->tmp)
                  : e->kind == VEMT_COMMIT_PDF ? vemt_pack_pdf_is_whole(e->tmp)
                                               : dataset_reads_back(e);
        if (ok) continue;
        vemt_ctx_fail(ctx, VEMT_E_IO,
                      "the finished file does not read back whole");
        vemt_ctx_set_source(ctx, e->final);
        st = vemt_output_write_failed(ctx, e->final, e->tmp, 0, VEMT_E_IO);
    }
    vemt_gdal_errors_pop();
    return st;
}

bool vemt_commit_manifest_path(const char *beside, char *buf, size_t size) {
    const char *slash = strrchr(beside, '/');
    int dir_len = slash ? (int)(slash - beside + 1) : 0;
    int n = snprintf(buf, size, "%.*s.%s.vemt-commit", dir_len, beside,
                     slash ? slash + 1 : beside);
    return n >= 0 && (size_t)n < size;
}

/* fsync a folder, so the renames in it survive a power cut. */
static int sync_folder_of(const char *path) {
    char dir[4200];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems can't fsync a folder (EINVAL): nothing to wait for. */
    if (rc && errno == EINVAL) rc = 0;
    close(fd);
    return rc;
}

/* Write the manifest: the magic line with our pid, one line per rename
 * ("R\t<tmp>\t<final>") or removal ("D\t\t<final>"), then "end"; fsynced. */
static vemt_status write_manifest(vemt_ctx *ctx, const vemt_commit *c,
                                  const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f && fd >= 0) close(fd);
    bool ok = f != NULL;
    if (ok) fprintf(f, MANIFEST_MAGIC " %ld\n", (long)getpid());
    for (size_t i = 0; ok && i < c->n; i++)
        fprintf(f, "%c\t%s\t%s\n", c->items[i].tmp ? 'R' : 'D',
                c->items[i].tmp ? c->items[i].tmp : "", c->items[i].final);
    if (ok) fputs("end\n", f);
    ok = ok && fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
    int e = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && sync_folder_of(path) != 0) {
        ok = false;
        e = errno;
    }
    if (ok) return VEMT_OK;
    unlink(path);
    vemt_ctx_fail(ctx, VEMT_E_IO, "can't write the commit manifest: %s",
                  strerror(e));
    vemt_ctx_set_source(ctx, path);
    return VEMT_E_IO;
}

/* fsync a finished temporary: its bytes are on the disk before its name
 * replaces the old file's. */
static int sync_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

vemt_status vemt_commit_apply(vemt_ctx *ctx, vemt_commit *c,
                              const char *manifest) {
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].tmp && sync_file(c->items[i].tmp) != 0) {
            vemt_ctx_fail(ctx, VEMT_E_IO, "can't write: %s", strerror(errno));
            vemt_ctx_set_source(ctx, c->items[i].final);
            return VEMT_E_IO;
        }
    vemt_status st = write_manifest(ctx, c, manifest);
    if (st) return st;
    c->begun = true;
    for (size_t i = 0; i < c->n && !st; i++) {
        entry *e = &c->items[i];
        int rc = e->tmp ? rename(e->tmp, e->final) : unlink(e->final);
        if (rc != 0 && !(errno == ENOENT && !e->tmp)) {
            /* The manifest stays: the next run finishes the commit. */
            vemt_ctx_fail(ctx, VEMT_E_IO,
                          "can't move the finished output into place: %s",
                          strerror(errno));
            vemt_ctx_set_source(ctx, e->final);
            return VEMT_E_IO;
        }
        e->done = true;
    }
    for (size_t i = 0; i < c->n; i++)
        if (sync_folder_of(c->items[i].final) != 0) {
            vemt_ctx_fail(ctx, VEMT_E_IO, "can't sync the folder: %s",
                          strerror(errno));
            vemt_ctx_set_source(ctx, c->items[i].final);
            return VEMT_E_IO;
        }
    unlink(manifest);
    sync_folder_of(manifest);
    c->applied = true;
    return VEMT_OK;
}

/* Is the process that wrote a manifest or temporary still running (and
 * not us)? */
static bool other_alive(long pid) {
    if (pid <= 0 || pid == (long)getpid()) return false;
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* "<dir>/<layer>.geojson" for one of vemt's layers, or a board pack's
 * file: the only files a commit removes. */
static bool is_layer_file(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *name;
    for (size_t i = 0; (name = vemt_outputs_layer_name(i)) != NULL; i++) {
        size_t k = strlen(name);
        if (!strncmp(base, name, k) && !strcmp(base + k, ".geojson"))
            return true;
    }
    /* A board pack's file ("<dir>/maps/concern.png", ...). */
    size_t n = strlen(path);
    for (size_t i = 0; (name = vemt_pack_file_name(i)) != NULL; i++) {
        size_t k = strlen(name);
        if (n > k && path[n - k - 1] == '/' && !strcmp(path + n - k, name))
            return true;
    }
    return false;
}

vemt_status vemt_commit_recover(vemt_ctx *ctx, const char *manifest,
                                size_t *rolled) {
    *rolled = 0;
    FILE *f = fopen(manifest, "r");
    if (!f) return VEMT_OK;
    char line[8500];
    long pid = 0;
    if (!fgets(line, sizeof line, f) ||
        strncmp(line, MANIFEST_MAGIC " ", strlen(MANIFEST_MAGIC) + 1)) {
        fclose(f);
        unlink(manifest); /* not a manifest we can read: nothing to do */
        return VEMT_OK;
    }
    pid = strtol(line + strlen(MANIFEST_MAGIC) + 1, NULL, 10);
    if (other_alive(pid)) { /* another run is committing right now */
        fclose(f);
        return vemt_ctx_fail(ctx, VEMT_E_IO,
                             "another vemt run (process %ld) is writing these "
                             "outputs",
                             pid);
    }
    /* Two passes: a manifest without its "end" line was cut short before
     * any rename, so its temporaries are removed instead. */
    long start = ftell(f);
    bool complete = false;
    while (fgets(line, sizeof line, f))
        if (!strcmp(line, "end\n")) complete = true;
    fseek(f, start, SEEK_SET);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) continue;
        *t1 = *t2 = '\0';
        const char *tmp = t1 + 1, *final = t2 + 1;
        /* Only names vemt makes: never rename or remove anything else. */
        if (line[0] == 'R' && !strstr(tmp, TEMP_MARK)) continue;
        if (line[0] == 'R' && access(tmp, F_OK) == 0) {
            if (complete && rename(tmp, final) == 0)
                (*rolled)++;
            else
                vemt_remove_with_side_files(tmp);
        } else if (line[0] == 'D' && complete && is_layer_file(final)) {
            unlink(final);
        }
        if (complete) sync_folder_of(final);
    }
    fclose(f);
    unlink(manifest);
    sync_folder_of(manifest);
    return VEMT_OK;
}

void vemt_commit_clean_stale(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* ".<name>.vemt-tmp-<pid><ext>[-wal|-shm|-journal]" */
        const char *mark =
            e->d_name[0] == '.' ? strstr(e->d_name, TEMP_MARK) : NULL;
        if (!mark) continue;
        long pid = strtol(mark + strlen(TEMP_MARK), NULL, 10);
        if (pid <= 0 || pid == (long)getpid() || other_alive(pid)) continue;
        char path[8500];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}
