/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.c
 * @brief A run that could not write everything writes nothing: the output
 * folders are checked before any input is read.
 */
#include "pipeline/safety.h"

#include <stdio.h>
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
    const char *paths[] = {a->out, a->qgis_project, a->geojson_dir, a->kde_path,
                           a->report};
    for (int i = 0; i < 5; i++) {
        char probe[4200];
        if (!paths[i]) continue;
        snprintf(probe, sizeof probe, "%s%s", paths[i], i == 2 ? "/x" : "");
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

vemt_status vemt_pipeline_check_outputs(const vemt_job *a, char *dir,
                                        size_t size, vemt_error *err) {
    const char *files[] = {a->out, a->qgis_project, a->kde_path, a->report};
    vemt_status st = VEMT_OK;
    for (int i = 0; !st && i < 4; i++)
        if (files[i]) st = folder_writable(files[i], false, dir, size, err);
    if (!st && a->geojson_dir)
        st = folder_writable(a->geojson_dir, true, dir, size, err);
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
