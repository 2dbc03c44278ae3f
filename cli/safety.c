/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.c
 * @brief Temporary files never outlive a run: removed on SIGINT, SIGTERM
 * and SIGHUP, and those of earlier runs that died removed beside each
 * output.
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
static volatile sig_atomic_t n_temps;

void vemt_safety_add_temp(const char *path) {
    size_t n = strlen(path);
    if (n_temps >= MAX_TEMPS || n + 1 > TEMP_LEN) return;
    memcpy(temps[n_temps], path, n + 1);
    n_temps++; /* after the copy: the handler reads only whole entries */
}

/* Call fn with the path of every GeoJSON file the run may write. */
static void each_geojson(const vemt_job *a, void (*fn)(const char *final)) {
    const char *name;
    for (size_t i = 0; a->geojson_dir && (name = vemt_outputs_layer_name(i));
         i++) {
        char final[TEMP_LEN];
        snprintf(final, sizeof final, "%s/%s.geojson", a->geojson_dir, name);
        fn(final);
    }
}

static void on_signal(int sig) {
    for (int i = 0; i < n_temps; i++) unlink(temps[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void vemt_safety_arm(void) {
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

void vemt_safety_clean_stale(const vemt_job *a) {
    if (a->out) clean_beside(a->out);
    if (a->qgis_project) clean_beside(a->qgis_project);
    if (a->kde_path) clean_beside(a->kde_path);
    each_geojson(a, clean_beside);
}
