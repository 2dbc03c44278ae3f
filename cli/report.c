/** @file report.c
 * @brief Messages for people: compiler-style errors, accounting, top cells.
 */
#include "cli/report.h"

#include <math.h>
#include <stdlib.h>

void vemt_report_error(FILE *out, const char *path, const vemt_error *err) {
    const char *src = err->source ? err->source : path;
    if (src) fprintf(out, "%s:", src);
    if (err->line > 0) fprintf(out, "%ld:", err->line);
    if (err->line > 0 && err->column > 0) fprintf(out, "%d:", err->column);
    fputs(src ? " " : "vemt: ", out);
    if (err->field[0]) fprintf(out, "column '%s': ", err->field);
    fputs(err->msg[0] ? err->msg : vemt_status_str(err->code), out);
    if (err->row > 0 && err->row != err->line)
        fprintf(out, " (row %ld)", err->row);
    fputc('\n', out);
}

void vemt_report_rejects(FILE *out, const vemt_rejects *rejects,
                         const vemt_source *sources, size_t max) {
    for (size_t i = 0; i < rejects->n && i < max; i++)
        vemt_report_error(out, sources[rejects->items[i].source].path,
                          &rejects->items[i].err);
    if (rejects->n > max)
        fprintf(out, "... and %zu more rejected rows (see the rejects layer)\n",
                rejects->n - max);
}

void vemt_report_progress(void *data, const char *stage, uint64_t done,
                          uint64_t total) {
    (void)data;
    if (total) {
        fprintf(stderr, "\r%s: %3.0f%%", stage,
                100.0 * (double)done / (double)total);
        if (done >= total) fputs("\r\033[K", stderr);
    } else {
        fprintf(stderr, "\r%s: %llu", stage, (unsigned long long)done);
    }
    fflush(stderr);
}

bool vemt_report_sources(FILE *out, const vemt_source *sources, size_t n) {
    bool ok = true;
    vemt_source t = {0};
    for (size_t i = 0; i < n; i++) {
        const vemt_source *s = &sources[i];
        ok &= vemt_source_reconciles(s);
        t.n_read += s->n_read, t.n_used += s->n_used;
        t.n_nowhere += s->n_nowhere, t.n_merged += s->n_merged;
        t.n_excluded += s->n_excluded, t.n_rejected += s->n_rejected;
        if (!out) continue;
        fprintf(out,
                "%s (%s, %s, %s): read %ld, used %ld, located nowhere "
                "%ld, merged %ld, excluded %ld, rejected %ld\n",
                s->path, s->format, s->schema, s->crs, s->n_read, s->n_used,
                s->n_nowhere, s->n_merged, s->n_excluded, s->n_rejected);
        fprintf(out, "  columns: %s\n", s->columns);
    }
    if (out)
        fprintf(out,
                "total: read %ld, used %ld, located nowhere %ld, merged "
                "%ld, excluded %ld, rejected %ld%s\n",
                t.n_read, t.n_used, t.n_nowhere, t.n_merged, t.n_excluded,
                t.n_rejected, ok ? "" : "  ** COUNTS DO NOT RECONCILE **");
    return ok;
}

typedef struct ranked {
    double z;
    size_t i;
} ranked;

static int by_z_desc(const void *a, const void *b) {
    double za = ((const ranked *)a)->z, zb = ((const ranked *)b)->z;
    return (za < zb) - (za > zb);
}

void vemt_report_top_cells(FILE *out, const vemt_grid *grid,
                           const double *counts, const double *z, size_t max) {
    size_t n = vemt_grid_ncells(grid), m = 0;
    ranked *r = calloc(n ? n : 1, sizeof *r);
    if (!r) return;
    for (size_t i = 0; i < n; i++)
        if (isfinite(z[i])) r[m++] = (ranked){z[i], i};
    qsort(r, m, sizeof *r, by_z_desc);
    char id[48];
    for (size_t k = 0; k < m && k < max && r[k].z > 0; k++) {
        vemt_grid_cell_id(grid, r[k].i, id, sizeof id);
        fprintf(out, "  cell %-14s  events %4.0f  gi_z %6.2f\n", id,
                counts[r[k].i], r[k].z);
    }
    free(r);
}
