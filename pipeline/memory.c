/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file memory.c
 * @brief Memory estimates before the big arrays: the space-time cube
 * (units x steps) and the grid's units, against --max-memory.
 *
 * A run over 1900-2100 in daily steps would allocate units x 73,414 bins
 * of several arrays and be killed by the kernel part way; the estimate
 * stops it first, saying what to change.
 */
#include "pipeline/memory.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "outputs/outputs.h"

bool vemt_memory_parse_size(const char *text, uint64_t *bytes) {
    char *end;
    errno = 0;
    if (!text || !isdigit((unsigned char)text[0])) return false;
    double v = strtod(text, &end);
    if (errno || end == text || !isfinite(v) || v <= 0) return false;
    double scale = 1;
    static const char units[] = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end && !u) {
        if (strcasecmp(end, "B")) return false; /* "100B" */
    } else if (u) {
        scale = pow(1024, (double)(u - units) + 1);
        end++;
        if (*end && strcasecmp(end, "B") && strcasecmp(end, "iB")) return false;
    }
    double b = v * scale;
    if (b < 1 || b >= 18446744073709549568.0) return false;
    if (scale == 1 && v != floor(v)) return false; /* bytes are whole */
    *bytes = (uint64_t)b;
    return true;
}

uint64_t vemt_memory_default_limit(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double have = pages > 0 && page > 0 ? (double)pages * (double)page : 1.8e19;
    /* A process limit (ulimit -v, -d) lower than the memory is the one
     * that stops the run. */
    static const int kinds[] = {RLIMIT_AS, RLIMIT_DATA};
    for (size_t k = 0; k < 2; k++) {
        struct rlimit rl;
        if (getrlimit(kinds[k], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (double)rl.rlim_cur < have)
            have = (double)rl.rlim_cur;
    }
    return have >= 1.8e19 ? UINT64_MAX : (uint64_t)(have * 0.8);
}

uint64_t vemt_memory_limit(const vemt_job *a) {
    return a->max_memory ? a->max_memory : vemt_memory_default_limit();
}

void vemt_memory_format(uint64_t bytes, char *buf, size_t size) {
    static const char names[][6] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
    double v = (double)bytes;
    int k = 0;
    while (v >= 1024 && k < 5) v /= 1024, k++;
    if (k == 0)
        snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
    else
        snprintf(buf, size, v < 100 ? "%.1f %s" : "%.0f %s", v, names[k]);
}

size_t vemt_memory_steps(const vemt_job *a, const vemt_events *ev) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < ev->n; i++) {
        const vemt_event *e = &ev->items[i];
        if (!(a->kinds & (1u << e->kind)) || e->start_utc == VEMT_TIME_NONE)
            continue;
        int64_t end = e->end_utc >= e->start_utc ? e->end_utc : e->start_utc;
        if (e->start_utc < lo) lo = e->start_utc;
        if (end > hi) hi = end;
    }
    if (a->time_start) lo = a->time_start_utc;
    if (a->time_end) hi = a->time_end_utc;
    if (lo > hi) return 0;
    double days = ((double)hi - (double)lo) / 86400 + 1;
    double per = a->time_step == VEMT_STEP_MONTH  ? 365.2425 / 12
                 : a->time_step == VEMT_STEP_WEEK ? 7
                 : a->step_days > 0               ? a->step_days
                                                  : 1;
    return (size_t)ceil(days / per) + 2; /* partial first and last steps */
}

/* Bytes of the events already read (they stay while the cube is made). */
static double events_bytes(const vemt_events *ev) {
    return (double)ev->cap * sizeof *ev->items + (double)ev->text_cap;
}

uint64_t vemt_memory_cube_bytes(const vemt_job *a, size_t n_units,
                                size_t n_steps, bool polygons,
                                const vemt_events *ev) {
    (void)a;
    double bins = (double)n_units * (double)n_steps;
    /* engine/cube.c: events and subjects (double); trends.c: z, p
     * (double) and bins (int8_t); engine/bins.c: the sorted p-values of
     * the FDR (double); publish.c: the published events and subjects
     * (double). With polygon units, each unit's trend rows, its
     * whole-step counts and its missing-episode rows (missing.c). Then
     * writing hotspot_cube, a feature a bin: GDAL's GeoPackage writer
     * held 200 to 400 bytes a feature more (peak RSS of the demo's 2,916
     * cells in daily steps: 131 MB over 53 steps, 486 MB over 366, 706 MB
     * over 731). The analysis alone of the demo's cells over 1900-2100 in
     * days grew to 24 GB before the kernel killed it. */
    double per_bin = 7 * sizeof(double) + sizeof(int8_t) + 200;
    if (polygons)
        per_bin +=
            sizeof(vemt_trend_row) + sizeof(double) + sizeof(vemt_missing_row);
    /* The study area's series of all events and of each category (at most
     * 64) are trend rows too: at least the one of all events. */
    double per_step = 2 * sizeof(vemt_trend_row) + 4 * sizeof(double);
    /* A (bin, subject) pair per counted event and step it falls in, in an
     * array that grows by doubling. */
    double pairs = 2.0 * (double)ev->n * sizeof(vemt_subject_pair);
    /* Sen's slope (engine/trend.c) sorts the slopes of every pair of steps
     * of one series at a time: 358 cells over 1900-2100 in days (73,417
     * steps) grew to 21 GB there, with every bin's arrays well inside the
     * limit. */
    double sen = (double)n_steps * ((double)n_steps - 1) / 2 * sizeof(double);
    double total = bins * per_bin + (double)n_steps * per_step + pairs +
                   events_bytes(ev) + sen;
    return total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
}

/* VEMT_E_OPTION: need bytes for what, over the limit; change says what
 * to change (the message fits vemt_error's 256 bytes). */
static vemt_status over(vemt_ctx *ctx, const vemt_job *a, uint64_t need,
                        const char *what, const char *change) {
    char n[32], l[32];
    vemt_memory_format(need, n, sizeof n);
    vemt_memory_format(vemt_memory_limit(a), l, sizeof l);
    return vemt_ctx_fail(
        ctx, VEMT_E_OPTION,
        "%s needs about %s, over the %s limit (%s): %s or "
        "raise --max-memory",
        what, n, l, a->max_memory ? "--max-memory" : "80 % of memory", change);
}

vemt_status vemt_memory_check_cube(vemt_ctx *ctx, const vemt_job *a,
                                   const vemt_units *units,
                                   const vemt_events *events) {
    size_t U = vemt_units_count(units), T = vemt_memory_steps(a, events);
    uint64_t need =
        vemt_memory_cube_bytes(a, U, T, vemt_units_polygons(units), events);
    if (need <= vemt_memory_limit(a)) return VEMT_OK;
    char what[160];
    snprintf(what, sizeof what, "the space-time cube (%zu units x %zu %s)", U,
             T,
             a->time_step == VEMT_STEP_MONTH  ? "months"
             : a->time_step == VEMT_STEP_WEEK ? "weeks"
                                              : "steps");
    return over(ctx, a, need, what,
                "use a longer --time-step, a shorter "
                "--time-start/--time-end, a larger --cell-size");
}

vemt_status vemt_memory_check_grid(vemt_ctx *ctx, const vemt_job *a,
                                   const vemt_bbox *e, double cell_m,
                                   const vemt_events *events) {
    if (!(cell_m > 0)) return VEMT_OK;
    double cols = floor((e->xmax - e->xmin) / cell_m) + 2;
    double rows = floor((e->ymax - e->ymin) / cell_m) + 2;
    /* Per unit: its cell and centre, the hot spots' ten arrays, its
     * neighbours in the weights (about 8) and the Gi* work: 512 bytes is
     * a floor, not a ceiling. */
    double units = cols * rows * (a->grid_shape == VEMT_UNIT_HEX ? 1.16 : 1);
    double total = units * 512 + events_bytes(events);
    uint64_t need = total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
    if (need <= vemt_memory_limit(a)) return VEMT_OK;
    char what[160];
    snprintf(what, sizeof what, "a grid of %.0f cells of %g m", units, cell_m);
    return over(ctx, a, need, what, "use a larger --cell-size");
}
