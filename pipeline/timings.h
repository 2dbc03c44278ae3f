/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file timings.h
 * @brief Each stage's wall and CPU time and the memory held at its end
 * (--timings, and the provenance's "timings"); private to pipeline/.
 */
#ifndef VEMT_PIPELINE_TIMINGS_H
#define VEMT_PIPELINE_TIMINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/** Most stages one run times (the run pipeline names about 20). */
#define VEMT_TIMINGS_MAX 40

/** The stages timed so far, in order. A plain struct the run holds: no
 * allocation. */
typedef struct vemt_timings {
    const char *name[VEMT_TIMINGS_MAX]; /* static strings */
    double wall_s[VEMT_TIMINGS_MAX];    /* CLOCK_MONOTONIC */
    double cpu_s[VEMT_TIMINGS_MAX];     /* CLOCK_PROCESS_CPUTIME_ID: every
                                           thread's */
    long rss_kb[VEMT_TIMINGS_MAX];      /* VmRSS at the stage's end */
    long hwm_kb[VEMT_TIMINGS_MAX];      /* VmHWM at its end: the process's
                                           peak so far */
    bool beside[VEMT_TIMINGS_MAX];      /* ran in a thread beside the
                                           others: not in the total */
    size_t n;
    struct timespec wall0, cpu0; /* when the current stage began */
    struct timespec start;       /* when the first began */
} vemt_timings;

/** Zero t and start the first stage now. */
void vemt_timings_start(vemt_timings *t);

/** End the current stage as `stage` (a string that outlives t) and start
 * the next now. Stages beyond VEMT_TIMINGS_MAX are added to the last. */
void vemt_timings_lap(vemt_timings *t, const char *stage);

/** Record a stage that ran in a thread of its own beside the laps
 * (wall and that thread's CPU seconds), without ending the current one;
 * it is listed but not added to the total, as the laps' wall time holds
 * it and their CPU (every thread's) too. */
void vemt_timings_beside(vemt_timings *t, const char *stage, double wall_s,
                         double cpu_s);

/** The resident set size now and at its peak, in kB, from
 * /proc/self/status (VmRSS, VmHWM); -1 where the system does not say. */
void vemt_timings_memory(long *rss_kb, long *hwm_kb);

/** The table for people: one line a stage with its wall and CPU seconds,
 * its share of the wall time, the memory held at its end and the peak so
 * far, then the total. */
void vemt_timings_print(FILE *f, const vemt_timings *t);

#endif /* VEMT_PIPELINE_TIMINGS_H */
