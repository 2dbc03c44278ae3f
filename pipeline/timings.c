/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file timings.c
 * @brief Each stage's wall and CPU time and the memory held at its end.
 */
#include "pipeline/timings.h"

#include <stdlib.h>
#include <string.h>

static double seconds_between(struct timespec a, struct timespec b) {
    return (double)(b.tv_sec - a.tv_sec) +
           (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

void vemt_timings_start(vemt_timings *t) {
    memset(t, 0, sizeof *t);
    clock_gettime(CLOCK_MONOTONIC, &t->wall0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t->cpu0);
    t->start = t->wall0;
}

void vemt_timings_memory(long *rss_kb, long *hwm_kb) {
    *rss_kb = *hwm_kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6)) *rss_kb = strtol(line + 6, NULL, 10);
        if (!strncmp(line, "VmHWM:", 6)) *hwm_kb = strtol(line + 6, NULL, 10);
    }
    fclose(f);
}

void vemt_timings_lap(vemt_timings *t, const char *stage) {
    struct timespec wall, cpu;
    clock_gettime(CLOCK_MONOTONIC, &wall);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    size_t k = t->n < VEMT_TIMINGS_MAX ? t->n++ : VEMT_TIMINGS_MAX - 1;
    if (t->name[k] == NULL) t->name[k] = stage;
    t->wall_s[k] += seconds_between(t->wall0, wall);
    t->cpu_s[k] += seconds_between(t->cpu0, cpu);
    vemt_timings_memory(&t->rss_kb[k], &t->hwm_kb[k]);
    t->wall0 = wall;
    t->cpu0 = cpu;
}

void vemt_timings_beside(vemt_timings *t, const char *stage, double wall_s,
                         double cpu_s) {
    size_t k = t->n < VEMT_TIMINGS_MAX ? t->n++ : VEMT_TIMINGS_MAX - 1;
    if (t->name[k] == NULL) t->name[k] = stage;
    t->wall_s[k] += wall_s;
    t->cpu_s[k] += cpu_s;
    t->beside[k] = true;
    vemt_timings_memory(&t->rss_kb[k], &t->hwm_kb[k]);
}

void vemt_timings_print(FILE *f, const vemt_timings *t) {
    double wall = 0, cpu = 0;
    long hwm = -1;
    for (size_t k = 0; k < t->n; k++) {
        wall += t->beside[k] ? 0 : t->wall_s[k];
        cpu += t->beside[k] ? 0 : t->cpu_s[k];
        if (t->hwm_kb[k] > hwm) hwm = t->hwm_kb[k];
    }
    fprintf(f,
            "timings (--timings): wall and CPU seconds (CPU of every "
            "thread), memory held at the stage's end and the peak so far "
            "(MB)\n");
    fprintf(f, "  %-22s %9s %9s %6s %8s %8s\n", "stage", "wall_s", "cpu_s",
            "wall%", "rss_MB", "peak_MB");
    for (size_t k = 0; k < t->n; k++)
        if (t->beside[k]) /* its own thread's CPU; no share of the total */
            fprintf(f, "  %-22s %9.3f %9.3f %6s %8.1f %8.1f\n", t->name[k],
                    t->wall_s[k], t->cpu_s[k], "beside",
                    (double)t->rss_kb[k] / 1024, (double)t->hwm_kb[k] / 1024);
        else
            fprintf(f, "  %-22s %9.3f %9.3f %5.1f%% %8.1f %8.1f\n", t->name[k],
                    t->wall_s[k], t->cpu_s[k],
                    wall > 0 ? 100 * t->wall_s[k] / wall : 0.0,
                    (double)t->rss_kb[k] / 1024, (double)t->hwm_kb[k] / 1024);
    fprintf(f, "  %-22s %9.3f %9.3f %5.1f%% %8s %8.1f\n", "total", wall, cpu,
            100.0, "", (double)hwm / 1024);
}
