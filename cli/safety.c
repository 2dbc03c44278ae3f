/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file safety.c
 * @brief Temporary files never outlive a run: removed on SIGINT, SIGTERM
 * and SIGHUP (unless the commit has begun: then the next run rolls it
 * forward; the pipeline removes what earlier runs that died left).
 */
#define _DEFAULT_SOURCE /* kill, sigaction */
#include "cli/safety.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TEMPS 48
#define TEMP_LEN 4200

/* This run's temporary paths, for the signal handler (cli/ may hold
 * process state; the libraries may not). Written before the handlers are
 * installed, read only by them. */
static char temps[MAX_TEMPS][TEMP_LEN];
static volatile sig_atomic_t n_temps;

/* The run's commit manifest: while it exists the renames have begun, and
 * the temporaries are the next run's to roll forward, not ours to remove. */
static char manifest[TEMP_LEN];

void vemt_safety_add_temp(const char *path) {
    size_t n = strlen(path);
    static const char mark[] = ".vemt-commit";
    size_t k = sizeof mark - 1;
    if (n > k && !strcmp(path + n - k, mark) && n + 1 <= TEMP_LEN) {
        memcpy(manifest, path, n + 1);
        return;
    }
    if (n_temps >= MAX_TEMPS || n + 1 > TEMP_LEN) return;
    memcpy(temps[n_temps], path, n + 1);
    n_temps++; /* after the copy: the handler reads only whole entries */
}

static void on_signal(int sig) {
    /* access and unlink are async-signal-safe (POSIX 2.4.3). */
    bool committing = manifest[0] && access(manifest, F_OK) == 0;
    for (int i = 0; !committing && i < n_temps; i++) unlink(temps[i]);
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
