/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.c
 * @brief A run that could not write everything writes nothing: the output
 * folders are checked before any input is read.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "pipeline/safety.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disclosure/disclosure.h"
#include "outputs/outputs.h"

/* err: source the folder, the reason. */
static vemt_status refuse(vemt_error *err, const char *dir, const char *why) {
    vemt_error_set(err, VEMT_E_IO, "%s", why);
    err->source = dir;
    return VEMT_E_IO;
}

/* The folder path is in, into dir: "." for a bare name, "/" at the root. */
static void folder_of(const char *path, char *dir, size_t size) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path),
                 path);
}

/* The folder of path (or path itself with is_dir): an existing, writable
 * directory. Its name is kept in dir for the error. */
static vemt_status folder_writable(const char *path, bool is_dir, char *dir,
                                   size_t size, vemt_error *err) {
    if (is_dir)
        snprintf(dir, size, "%s", path);
    else
        folder_of(path, dir, size);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return refuse(err, dir,
                      is_dir ? "no such folder for the output"
                             : "no such folder for the output (create it "
                               "first)");
    if (access(dir, W_OK | X_OK) != 0)
        return refuse(err, dir, "the folder is not writable");
    return VEMT_OK;
}

/* Is path's folder readable or searchable by others? */
static bool folder_open_to_others(const char *path) {
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    struct stat st;
    return stat(dir, &st) == 0 && (st.st_mode & (S_IROTH | S_IXOTH));
}

/* A tier that shows where events happened writes only into folders others
 * can't read (the demo's data is synthetic, so its outputs may go
 * anywhere): with the files made private at creation (outputs/), nobody
 * else can reach a child's location whatever the caller's umask. */
static vemt_status private_folders(const vemt_job *a, vemt_error *err) {
    if (!vemt_tier_rules_get((vemt_tier)a->tier)->exact_locations || a->demo ||
        a->allow_world_readable)
        return VEMT_OK;
    const char *paths[] = {a->out,      a->qgis_project, a->geojson_dir,
                           a->kde_path, a->report,       a->board_pack};
    for (int i = 0; i < 6; i++) {
        char probe[4200];
        if (!paths[i]) continue;
        /* a folder output: the folder itself (if it exists; vemt makes it
         * private otherwise) */
        snprintf(probe, sizeof probe, "%s%s", paths[i],
                 i == 2 || i == 5 ? "/x" : "");
        if (!folder_open_to_others(probe)) continue;
        vemt_error_set(err, VEMT_E_IO,
                       "its folder can be read by other users; a restricted "
                       "output holds children's locations: choose a private "
                       "folder or give --allow-world-readable");
        err->source = paths[i];
        return VEMT_E_IO;
    }
    return VEMT_OK;
}

/* A usage error (exit 2) naming the option and its path. */
static vemt_status clash(vemt_error *err, const char *opt, const char *path,
                         const char *why) {
    size_t n = strlen(path);
    vemt_error_set(err, VEMT_E_OPTION, "%s %s%.100s: %s", opt,
                   n > 100 ? "..." : "", n > 100 ? path + n - 100 : path, why);
    return VEMT_E_OPTION;
}

/* Do a and b name the same file? By device and inode when both exist;
 * else by the real path of their folders and their names. */
static bool same_file(const char *a, const char *b) {
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb) return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea != eb) return false;
    char da[4200], db[4200], ra[PATH_MAX], rb[PATH_MAX];
    folder_of(a, da, sizeof da);
    folder_of(b, db, sizeof db);
    const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
    na = na ? na + 1 : a;
    nb = nb ? nb + 1 : b;
    if (strcmp(na, nb)) return false;
    if (!realpath(da, ra) || !realpath(db, rb)) return !strcmp(da, db);
    return !strcmp(ra, rb);
}

/* Longest name vemt adds to an output's for its temporary:
 * ".<name>.vemt-tmp-<pid><ext>" and SQLite's "-journal". */
#define TEMP_EXTRA 48

/* An output's path: no control character (the commit manifest is one line
 * per file), short enough for its temporary, and not an existing file
 * that is not a regular one (a device, a FIFO, a folder): renaming a
 * temporary over it would replace it. */
static vemt_status sound_path(const char *opt, const char *path, bool is_dir,
                              vemt_error *err) {
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20)
            return clash(err, opt, path,
                         "a path with a control character is refused");
    const char *base = strrchr(path, '/');
    size_t longest = is_dir ? 32 : 0; /* a layer's "<name>.geojson" */
    if (strlen(path) + longest + TEMP_EXTRA >= 4000 ||
        strlen(base ? base + 1 : path) + longest + TEMP_EXTRA > NAME_MAX)
        return clash(err, opt, path, "the path is too long");
    struct stat st;
    if (stat(path, &st) != 0) return VEMT_OK;
    if (is_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)) return VEMT_OK;
    return clash(err, opt, path,
                 S_ISDIR(st.st_mode) ? "is a folder, not a file; choose a "
                                       "file name"
                 : is_dir            ? "is not a folder"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)
                     ? "is a device, not a regular file; not replaced (even "
                       "with --force)"
                 : S_ISFIFO(st.st_mode)
                     ? "is a FIFO, not a regular file; not replaced (even "
                       "with --force)"
                     : "is not a regular file; not replaced (even with "
                       "--force)");
}

/* Outputs may not name an input or each other, nor be anything but a
 * regular file (a folder for --geojson-dir): refused even with --force. */
static vemt_status collisions(const vemt_job *a, vemt_error *err) {
    const char *opt[] = {"--out",    "--qgis-project", "--kde",
                         "--report", "--geojson-dir",  "--board-pack"};
    const char *path[] = {a->out,    a->qgis_project, a->kde_path,
                          a->report, a->geojson_dir,  a->board_pack};
    const int n_out = 6, dir_k = 4; /* from dir_k on: folders */
    const char *in[VEMT_MAX_INPUTS + VEMT_MAX_AREAS + 8];
    int n_in = 0;
    for (int i = 0; i < a->n_inputs; i++) in[n_in++] = a->inputs[i].path;
    for (int i = 0; i < a->n_areas; i++) in[n_in++] = a->area_files[i];
    const char *more[] = {a->boundary, a->postcodes,   a->key_file,
                          a->config,   a->flag_places, a->areas};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        in[n_in++] = more[i];
    for (int k = 0; k < n_out; k++) {
        if (!path[k]) continue;
        vemt_status st = sound_path(opt[k], path[k], k >= dir_k, err);
        if (st) return st;
        for (int i = 0; i < n_in; i++)
            if (in[i] && strcmp(in[i], "-") && strncmp(in[i], "/vsi", 4) &&
                same_file(path[k], in[i]))
                return clash(err, opt[k], path[k],
                             "is an input of this run; an output may not "
                             "replace an input (even with --force)");
        for (int j = 0; j < k; j++)
            if (path[j] && same_file(path[k], path[j])) {
                char why[80];
                snprintf(why, sizeof why,
                         "is also %s; each output needs its "
                         "own path",
                         opt[j]);
                return clash(err, opt[k], path[k], why);
            }
    }
    /* A file output inside the GeoJSON folder under a layer's name. */
    const char *name;
    for (size_t i = 0; a->geojson_dir && (name = vemt_outputs_layer_name(i));
         i++) {
        char layer[4200];
        snprintf(layer, sizeof layer, "%s/%s.geojson", a->geojson_dir, name);
        for (int k = 0; k < dir_k; k++)
            if (path[k] && same_file(path[k], layer))
                return clash(err, opt[k], path[k],
                             "is a layer file --geojson-dir writes; each "
                             "output needs its own path");
    }
    return VEMT_OK;
}

/* Text that goes into the XML project and the JSON provenance: refused
 * when it holds a control character or invalid UTF-8, which would make an
 * ill-formed project (issue 16, finding 9). */
static vemt_status plain_text(const char *opt, const char *text,
                              vemt_error *err) {
    size_t at = 0;
    if (!text || vemt_outputs_text_is_valid(text, &at)) return VEMT_OK;
    unsigned char c = (unsigned char)text[at];
    vemt_error_set(err, VEMT_E_OPTION,
                   "%s: %s at byte %zu (0x%02X); give plain UTF-8 text", opt,
                   c < 0x20 || c == 0x7F ||
                           (c == 0xC2 && (unsigned char)text[at + 1] >= 0x80 &&
                            (unsigned char)text[at + 1] <= 0x9F)
                       ? "a control character"
                       : "invalid UTF-8",
                   at + 1, c);
    return VEMT_E_OPTION;
}

vemt_status vemt_pipeline_check_outputs(const vemt_job *a, char *dir,
                                        size_t size, vemt_error *err) {
    vemt_status cs = collisions(a, err);
    if (!cs) cs = plain_text("--attribution", a->attribution, err);
    if (!cs) cs = plain_text("--marking", a->marking, err);
    if (cs) return cs;
    const char *files[] = {a->out, a->qgis_project, a->kde_path, a->report};
    vemt_status st = VEMT_OK;
    for (int i = 0; !st && i < 4; i++)
        if (files[i]) st = folder_writable(files[i], false, dir, size, err);
    if (!st && a->geojson_dir)
        st = folder_writable(a->geojson_dir, true, dir, size, err);
    /* The pack's folder is made if missing: its parent must be writable. */
    if (!st && a->board_pack)
        st = folder_writable(a->board_pack, false, dir, size, err);
    const char *paths[] = {a->out, a->qgis_project, a->kde_path};
    for (int i = 0; !st && i < 3; i++) {
        if (!paths[i] || a->force || access(paths[i], F_OK) != 0) continue;
        if (vemt_outputs_is_vemt_file(paths[i])) continue;
        vemt_error_set(err, VEMT_E_IO,
                       "exists and was not written by vemt; not overwritten "
                       "(use --force to replace it)");
        err->source = paths[i];
        st = VEMT_E_IO;
    }
    return st ? st : private_folders(a, err);
}
