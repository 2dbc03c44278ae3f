/** @file safety.c
 * @brief A run that could not write everything writes nothing: the output
 * folders are checked before any input is read.
 */
#include "pipeline/safety.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/outputs.h"

/* err: source the folder, the reason. */
static vemt_status refuse(vemt_error *err, const char *dir, const char *why) {
    vemt_error_set(err, VEMT_E_IO, "%s", why);
    err->source = dir;
    return VEMT_E_IO;
}

/* The folder of path (or path itself with is_dir): an existing, writable
 * directory. Its name is kept in dir for the error. */
static vemt_status folder_writable(const char *path, bool is_dir, char *dir,
                                   size_t size, vemt_error *err) {
    const char *slash = strrchr(path, '/');
    if (is_dir)
        snprintf(dir, size, "%s", path);
    else if (!slash)
        snprintf(dir, size, ".");
    else
        snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path),
                 path);
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
    return st;
}
