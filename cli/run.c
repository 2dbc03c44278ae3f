/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file run.c
 * @brief `vemt run` and `vemt ingest`: the pipeline library with the
 * program's printing, progress line, signals and exit statuses.
 */
#include "cli/run.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/safety.h"

/* Info lines on stdout, warnings on stderr, each as soon as it is said. */
static void on_log(void *user, vemt_log_level level, const char *text) {
    (void)user;
    FILE *out = level == VEMT_LOG_WARNING ? stderr : stdout;
    fputs(text, out);
    fflush(out);
}

/* A progress line on stderr (installed only when stderr is a terminal). */
static bool on_progress(void *user, const char *stage, uint64_t done,
                        uint64_t total) {
    (void)user;
    if (total) {
        fprintf(stderr, "\r%s: %3.0f%%", stage,
                100.0 * (double)done / (double)total);
        if (done >= total) fputs("\r\033[K", stderr);
    } else {
        fprintf(stderr, "\r%s: %llu", stage, (unsigned long long)done);
    }
    fflush(stderr);
    return true;
}

static void on_temp_file(void *user, const char *path) {
    (void)user;
    vemt_safety_add_temp(path);
}

/* The exit status for a failed pipeline, after its message. */
static int failed(vemt_status st, const vemt_error *err) {
    if (st == VEMT_E_OPTION) {
        vemt_args_fail(stderr, err->msg, NULL);
        return VEMT_EXIT_USAGE;
    }
    vemt_error_print(stderr, NULL, err);
    if (st == VEMT_E_NOMEM || st == VEMT_E_DEPENDENCY || st == VEMT_E_CANCELLED)
        return VEMT_EXIT_INTERNAL;
    return VEMT_EXIT_INPUT;
}

int vemt_run(const vemt_args *args, int argc, char **argv) {
    const vemt_job *job = &args->job;
    /* Restricted files for the owner only, side files and all (the
     * library also makes each output private as it creates it). */
    if (vemt_tier_rules_get((vemt_tier)job->tier)->exact_locations) umask(077);
    vemt_safety_arm();
    vemt_callbacks cb = {.log = on_log,
                         .progress = isatty(STDERR_FILENO) ? on_progress : NULL,
                         .temp_file = on_temp_file};
    vemt_result *res = NULL;
    vemt_error err = {0};
    vemt_status st = vemt_pipeline_run(job, &cb, &res, &err);
    if (!st) st = vemt_pipeline_write(res, argc, argv, &err);
    int rc = st ? failed(st, &err) : VEMT_EXIT_OK;
    vemt_result_destroy(res);
    return rc;
}
