/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file memory.h
 * @brief The memory a run will need, estimated before its big arrays are
 * allocated, against --max-memory (default 80 % of physical memory);
 * private to pipeline/.
 */
#ifndef VEMT_PIPELINE_MEMORY_H
#define VEMT_PIPELINE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "pipeline/job.h"

/** Parse a size: whole bytes ("1073741824"), or a number with K, M, G or
 * T (powers of 1024, "B" or "iB" may follow: "512M", "4G", "1.5GiB").
 * False when text is not one or is 0. */
bool vemt_memory_parse_size(const char *text, uint64_t *bytes);

/** 80 % of the machine's physical memory (sysconf _SC_PHYS_PAGES times
 * _SC_PAGE_SIZE), or of the process's address-space or data limit
 * (getrlimit RLIMIT_AS, RLIMIT_DATA) when that is lower; UINT64_MAX when
 * the system says neither. */
uint64_t vemt_memory_default_limit(void);

/** The job's limit: --max-memory, else vemt_memory_default_limit(). */
uint64_t vemt_memory_limit(const vemt_job *job);

/** A size for a message: "24.3 GB", "512 MB", "800 bytes" (powers of
 * 1024). */
void vemt_memory_format(uint64_t bytes, char *buf, size_t size);

/** Time steps the cube of the job will have: from --time-start/--time-end
 * or the counted events' first and last times, at --time-step (an upper
 * estimate, within a step or two). */
size_t vemt_memory_steps(const vemt_job *job, const vemt_events *events);

/** Bytes the space-time cube and the trends of n_units units over n_steps
 * steps need (engine/cube.c: events and subjects per bin; trends.c: z, p
 * and bins per bin, a trend row per step of each series and, with polygon
 * units, of each unit), with the events already read. */
uint64_t vemt_memory_cube_bytes(const vemt_job *job, size_t n_units,
                                size_t n_steps, bool polygons,
                                const vemt_events *events);

/** Stop before the cube when its estimate exceeds the limit:
 * VEMT_E_OPTION (exit 2) with the estimate, the limit and what to change
 * (--time-step, a shorter --time-start/--time-end, a larger --cell-size,
 * or --max-memory). */
vemt_status vemt_memory_check_cube(vemt_ctx *ctx, const vemt_job *job,
                                   const vemt_units *units,
                                   const vemt_events *events);

/** Stop before a grid of cell_m over extent is made when its units (and
 * the per-unit arrays of the hot spots) would exceed the limit:
 * VEMT_E_OPTION with the estimate, the limit and --cell-size or
 * --max-memory to change. */
vemt_status vemt_memory_check_grid(vemt_ctx *ctx, const vemt_job *job,
                                   const vemt_bbox *extent, double cell_m,
                                   const vemt_events *events);

#endif /* VEMT_PIPELINE_MEMORY_H */
