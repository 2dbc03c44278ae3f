/** @file disclose.c
 * @brief The program's side of the restricted tier: files created for the
 * owner only, and never into a folder others can read unless allowed.
 */
#include "cli/disclose.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Is path's folder readable or searchable by others? */
static bool folder_open_to_others(const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    return stat(dir, &st) == 0 && (st.st_mode & (S_IROTH | S_IXOTH));
}

int vemt_tier_protect(const vemt_job *a) {
    if (a->tier != 0) return VEMT_EXIT_OK;
    umask(077); /* restricted files: the owner only */
    /* The demo's data is synthetic, so its outputs may go anywhere. */
    if (a->demo || a->allow_world_readable) return VEMT_EXIT_OK;
    const char *paths[] = {a->out, a->qgis_project, a->geojson_dir};
    for (int i = 0; i < 3; i++) {
        char probe[4200];
        if (!paths[i]) continue;
        snprintf(probe, sizeof probe, "%s%s", paths[i], i == 2 ? "/x" : "");
        if (!folder_open_to_others(probe)) continue;
        fprintf(stderr,
                "%s: its folder can be read by other users; a "
                "restricted output holds children's locations: "
                "choose a private folder or give "
                "--allow-world-readable\n",
                paths[i]);
        return VEMT_EXIT_INPUT;
    }
    return VEMT_EXIT_OK;
}
