/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack.h
 * @brief The board pack: maps, charts, tables and a PDF for a board paper,
 * drawn by vemt itself (cairo and pango) from one manifest.
 *
 * The pipeline fills a vemt_pack with what the run's tier publishes: every
 * number and sentence of the pack is in it, already suppressed and rounded
 * under the tier's rules. vemt_outputs_write_pack() serialises it as
 * board-pack.json (the manifest the checker audits), writes the CSV tables
 * from it, draws the maps from the output's published layers and the
 * charts from its series, and lays out the PDF; nothing in the pack comes
 * from anywhere else.
 *
 * The pack's folder:
 *   board-pack.json  the manifest (vemt_pack_json())
 *   board-pack.pdf   cover, summary, maps, charts, tables, glossary
 *   maps/hotspots.png, maps/emerging.png, maps/density.png,
 *   maps/concern.png  300 dpi A4 landscape, each with a world file (.pgw)
 *   charts/trend.png, charts/units.png
 *   tables/units.csv, tables/trends.csv, tables/missing.csv (UTF-8 + BOM)
 * A map, chart or table the run does not make is not written; its entry in
 * the manifest says why (why_empty), and a file of that name left by an
 * earlier run is removed at the commit.
 */
#ifndef VEMT_OUTPUTS_PACK_H
#define VEMT_OUTPUTS_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/units.h"
#include "outputs/outputs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The colours of the classed maps. */
typedef enum vemt_palette {
    VEMT_PALETTE_ESRI = 0,   /* the GeoPackage's layer_styles (Esri's) */
    VEMT_PALETTE_COLOURBLIND /* safe for colour-blind readers (Okabe and
                                Ito 2008; ColorBrewer's RdBu) */
} vemt_palette;

/** Parse "esri" or "colourblind" (also "colorblind"); false otherwise. */
bool vemt_palette_parse(const char *name, vemt_palette *out);
const char *vemt_palette_name(vemt_palette p);

/** A heading and its text: paragraphs separated by '\n'. */
typedef struct vemt_pack_para {
    const char *heading; /* or NULL: continues the previous heading */
    const char *text;
} vemt_pack_para;

/** One table: written as tables/<name>.csv and printed in the PDF. Cells
 * are text as published ("" where withheld or none). */
typedef struct vemt_pack_table {
    const char *name;  /* "units", "trends" or "missing" */
    const char *title; /* its heading in the PDF */
    size_t n_cols, n_rows;
    const char *const *columns; /* n_cols header names */
    const char *const *counts;  /* the columns that are counts (published
                                   under the threshold rule), NULL-terminated,
                                   or NULL */
    const char *const *cells;   /* n_rows x n_cols, row-major */
    const char *why_empty;      /* n_rows == 0: why (printed instead, and no
                                   CSV is written); else NULL */
    const char *note;           /* a line under it in the PDF, or NULL */
} vemt_pack_table;

/** A count series over the run's time steps. */
typedef struct vemt_pack_series {
    const char *name;          /* "Study area", or a unit's name */
    size_t n;                  /* steps */
    const char *const *labels; /* per step: "Jan 2024", "w/c 3 Jun 2024" */
    const double *count;       /* per step as published; NaN: withheld */
    const double *trend;       /* per step: the fitted line (Sen's slope
                                  through the medians), or NULL: none */
    const uint8_t *flag;       /* per step: 1 where a change test flags it,
                                  or NULL */
} vemt_pack_series;

/** The forecasts' backtest for the chart: each method's mean hit rate
 * and PAI over the steps scored, at each share of the area. */
typedef struct vemt_pack_scores {
    size_t n_steps;                   /* steps scored */
    size_t asked;                     /* the last steps backtested */
    const char *first, *last;         /* their labels */
    const char *methods[3];           /* "recency", "last step", "ewma" */
    double shares[3];                 /* 0.01, 0.05, 0.10 */
    double pai[3][3], hit_rate[3][3]; /* method x share; NaN: none */
} vemt_pack_scores;

/** Why the backtest chart is not drawn (scores_why, or no steps scored),
 * or NULL when it is. Borrowed. */
#define VEMT_PACK_SCORES_WHY(p)                                     \
    ((p)->scores_why        ? (p)->scores_why                       \
     : !(p)->scores.n_steps ? "No backtest was run (--backtest N)." \
                            : NULL)

/** The pack's maps, in the order the PDF shows them. */
typedef enum vemt_pack_map_kind {
    VEMT_MAP_HOTSPOTS = 0, /* Gi* bins of the units (hotspot_cells) */
    VEMT_MAP_EMERGING,     /* emerging hot-spot patterns of the units */
    VEMT_MAP_DENSITY,      /* the density surface (out->density) */
    VEMT_MAP_CONCERN,      /* locations of concern and patrol places */
    VEMT_MAP_COUNT
} vemt_pack_map_kind;

/** The file stem of a map ("hotspots", ...). Borrowed, static. */
const char *vemt_pack_map_name(vemt_pack_map_kind kind);

typedef struct vemt_pack_map {
    const char *title;     /* e.g. "Hot spots (Gi*, FDR at 90/95/99 %)" */
    const char *why_empty; /* NULL: drawn; else not drawn, and why */
} vemt_pack_map;

/** Everything the pack holds. All borrowed. */
typedef struct vemt_pack {
    const char *title;       /* e.g. "Hot spots and trends: Tees" */
    const char *area;        /* the study area in words */
    const char *period;      /* "January 2023 to December 2024" */
    const char *categories;  /* "all categories", or which were analysed */
    const char *units;       /* "400 m grid cells", "wards (areas.gpkg)" */
    const char *sources;     /* the data sources in words */
    const char *tier;        /* "restricted", "partner" or "public" */
    const char *marking;     /* the protective marking on every page and
                                map ("OFFICIAL-SENSITIVE" by default at the
                                restricted tier, --marking) */
    const char *attribution; /* on every map and the cover, or NULL */
    const char *created;     /* the run's date in words */
    double threshold;        /* counts under it are withheld (0: none) */
    double round_to;         /* published counts are multiples (0: exact) */
    vemt_palette palette;

    /* The summary in plain English: the PDF's first page after the cover,
     * and the whole of the --report Markdown. */
    const vemt_pack_para *summary;
    size_t n_summary;

    vemt_pack_map maps[VEMT_MAP_COUNT];

    /* charts/trend.png: the study area's series; why_empty when not drawn */
    vemt_pack_series trend;
    const char *trend_why;
    /* charts/units.png: the busiest units' series (at most 10) */
    const vemt_pack_series *unit_series;
    size_t n_unit_series;
    const char *units_why;
    /* charts/forecast.png: the backtest's scores by method */
    vemt_pack_scores scores;
    const char *scores_why;

    vemt_pack_table tables[3]; /* units, trends, missing */

    const vemt_pack_para *glossary; /* heading: the term; text: what it is */
    size_t n_glossary;

    /* Map labels: the areas whose names the maps print (largest first, none
     * overlapping): --label-areas, or with polygon units NULL (the units'
     * own names are used). */
    const vemt_polygons *label_areas;
} vemt_pack;

/** The i-th file a pack folder may hold, relative to the folder
 * ("board-pack.json", "maps/hotspots.png", "maps/hotspots.pgw", ...),
 * NULL past the last: the only names a pack writes, or removes as stale.
 * Borrowed, static. */
const char *vemt_pack_file_name(size_t i);

/** The manifest (board-pack.json) of a pack as JSON text:
 *   {"vemt_board_pack": 1, "tier", "marking", "threshold", "round_to",
 *    "title", "area", "period", "categories", "units", "sources",
 *    "attribution", "created", "palette",
 *    "summary": [{"heading", "text"}],
 *    "maps": [{"name", "file" (null when not drawn), "title", "why_empty"}],
 *    "charts": [{"name", "file", "why_empty"}],
 *    "series": [{"name", "labels": [...], "count": [n|null],
 *                "trend": [n|null] | null, "flag": [0|1] | null}],
 *    "tables": [{"name", "file", "title", "columns": [...], "counts": [...],
 *                "rows": [[text, ...]], "why_empty", "note"}],
 *    "glossary": [{"term", "text"}],
 *    "drawn": [text, ...]}
 * The first series is the study area's, the rest the units' charts.
 * Caller owns the result; free with vemt_free(). NULL when memory runs out. */
char *vemt_pack_json(const vemt_pack *pack);

struct vemt_drawn;
/** The manifest with "drawn": every word the maps and charts print
 * (legends, scale bars, axes, labels), noted while drawing them; drawn
 * NULL: an empty list. */
char *vemt_pack_json_drawn(const vemt_pack *pack,
                           const struct vemt_drawn *drawn);

/** Write the board pack into dir (created with mode 0700 if missing, with
 * its maps/, charts/ and tables/ folders): every file to a temporary
 * registered with out->commit (which must not be NULL), together with the
 * removal of a pack file of an earlier run that this pack does not write.
 * progress (may be NULL) is called with each stage's name ("maps", ...).
 * Returns VEMT_E_IO naming the file, VEMT_E_NOMEM or VEMT_E_DEPENDENCY
 * (cairo's or pango's failure). */
vemt_status vemt_outputs_write_pack(
    vemt_ctx *ctx, const char *dir, const vemt_output *out,
    const vemt_pack *pack, void (*progress)(void *user, const char *stage),
    void *user);

/** vemt check-disclosure's rules on the pack in dir as registered with
 * commit (its temporaries, before vemt_commit_apply()), under rules; the
 * problems printed to report and counted in *problems. VEMT_E_NOMEM. */
vemt_status vemt_outputs_check_pack_commit(vemt_ctx *ctx, const char *dir,
                                           const vemt_commit *commit,
                                           const vemt_tier_rules *rules,
                                           FILE *report, size_t *problems);

#ifdef __cplusplus
}
#endif

#endif /* VEMT_OUTPUTS_PACK_H */
