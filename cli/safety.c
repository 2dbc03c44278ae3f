/** @file safety.c
 * @brief Temporary files never outlive a run; other people's files are
 * never overwritten silently.
 */
#define _DEFAULT_SOURCE /* kill, sigaction */
#include "cli/safety.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/outputs.h"

#define MAX_TEMPS 48
#define TEMP_LEN 4200

/* This run's temporary paths, for the signal handler (cli/ may hold
 * process state; the libraries may not). Written before the handlers are
 * installed, read only by them. */
static char temps[MAX_TEMPS][TEMP_LEN];
static int n_temps;

static const char *const geojson_layers[] = {
    "study_area", "hotspot_cells",     "events",       "rejects", "merges",
    "clusters",   "emerging_hotspots", "hotspot_cube", "trends"};

static void add_temp(const char *final, const char *ext, const char *side) {
    char t[TEMP_LEN];
    if (n_temps >= MAX_TEMPS ||
        !vemt_outputs_temp_path(final, ext, (long)getpid(), t, sizeof t))
        return;
    size_t a = strlen(t), b = strlen(side);
    if (a + b + 1 > TEMP_LEN) return;
    memcpy(temps[n_temps], t, a);
    memcpy(temps[n_temps] + a, side, b + 1);
    n_temps++;
}

/* Call fn with the path of every GeoJSON file the run may write. */
static void each_geojson(const vemt_args *a, void (*fn)(const char *final)) {
    for (size_t i = 0;
         a->geojson_dir && i < sizeof geojson_layers / sizeof *geojson_layers;
         i++) {
        char final[TEMP_LEN];
        snprintf(final, sizeof final, "%s/%s.geojson", a->geojson_dir,
                 geojson_layers[i]);
        fn(final);
    }
}

static void add_geojson_temp(const char *final) {
    add_temp(final, ".geojson", "");
}

static void on_signal(int sig) {
    for (int i = 0; i < n_temps; i++) unlink(temps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void vemt_safety_arm(const vemt_args *a) {
    static const char sides[][10] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; a->out && i < 4; i++) add_temp(a->out, ".gpkg", sides[i]);
    if (a->qgis_project) {
        add_temp(a->qgis_project, ".qgs", "");
        add_temp(a->qgis_project, ".zip", "");
    }
    each_geojson(a, add_geojson_temp);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Remove ".<base>.vemt-tmp-<pid>..." files in final's folder whose pid is
 * not running. */
static void clean_beside(const char *final) {
    char dir[TEMP_LEN], prefix[TEMP_LEN];
    const char *slash = strrchr(final, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == final)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - final), final);
    snprintf(prefix, sizeof prefix, ".%s.vemt-tmp-", slash ? slash + 1 : final);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t k = strlen(prefix);
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, k)) continue;
        long pid = strtol(e->d_name + k, NULL, 10);
        if (pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char path[2 * TEMP_LEN];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

void vemt_safety_clean_stale(const vemt_args *a) {
    if (a->out) clean_beside(a->out);
    if (a->qgis_project) clean_beside(a->qgis_project);
    each_geojson(a, clean_beside);
}

/* The folder of path (or path itself with is_dir): an existing,
 * writable directory, or a message and false. Checked before any input is
 * read, so a run that could not write everything writes nothing. */
static bool folder_writable(const char *path, bool is_dir) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (is_dir)
        snprintf(dir, sizeof dir, "%s", path);
    else if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s",
                 slash == path ? 1 : (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: no such folder for the output%s\n", dir,
                is_dir ? "" : " (create it first)");
        return false;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "%s: the folder is not writable\n", dir);
        return false;
    }
    return true;
}

int vemt_safety_check(const vemt_args *a) {
    const char *files[] = {a->out, a->qgis_project, a->kde_path, a->report};
    for (int i = 0; i < 4; i++)
        if (files[i] && !folder_writable(files[i], false))
            return VEMT_EXIT_INPUT;
    if (a->geojson_dir && !folder_writable(a->geojson_dir, true))
        return VEMT_EXIT_INPUT;
    const char *paths[] = {a->out, a->qgis_project, a->kde_path};
    for (int i = 0; i < 3; i++) {
        if (!paths[i] || a->force || access(paths[i], F_OK) != 0) continue;
        if (vemt_outputs_is_vemt_file(paths[i])) continue;
        fprintf(stderr,
                "%s: exists and was not written by vemt; not overwritten "
                "(use --force to replace it)\n",
                paths[i]);
        return VEMT_EXIT_INPUT;
    }
    return VEMT_EXIT_OK;
}
