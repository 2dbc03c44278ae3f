/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file report.h
 * @brief What the program tells people: errors in compiler style, rejects,
 * progress and the run summary.
 */
#ifndef VEMT_PIPELINE_REPORT_H
#define VEMT_PIPELINE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "disclosure/disclosure.h"
#include "engine/engine.h"
#include "outputs/outputs.h"
#include "pipeline/names.h"
#include "pipeline/pipeline.h"

/** Print the first max rejects, then a count of the rest. */
void vemt_report_rejects(FILE *out, const vemt_rejects *rejects,
                         const vemt_source *sources, size_t max);

/** Print each file's format, layout, CRS, column use and accounting (out
 * may be NULL to only check); returns false when a file's counts do not
 * reconcile (see vemt_source). */
bool vemt_report_sources(FILE *out, const vemt_source *sources, size_t n);

/** What the run summary tells. All borrowed; trends and safeguarding may
 * be NULL. */
typedef struct vemt_summary {
    const vemt_source *sources;
    size_t n_sources;
    const vemt_events *events;
    const vemt_units *grid;
    const double *cells; /* published cell counts */
    const int8_t *bins;
    const vemt_trends_out *trends;
    const vemt_safeguarding_out *safeguarding;
    const vemt_tier_rules *rules; /* the disclosure rules in force: counts
                                     under the threshold are not printed,
                                     the rest rounded, dates to the grain */
    const vemt_job *job;          /* the run's options: its zones and
                                     whether month-only events were spread */
    const char *alerts;        /* "warning: ...\n" lines a person must look at
                                  (repaired polygons, units with no neighbour), or
                                  NULL; the Markdown summary lists them */
    const uint8_t *bin_hidden; /* per unit: its bin withheld (a count it uses
                                  is), or NULL */
    const size_t *order;       /* the units in rank order (vemt_rank_units: the
                                  published values), or NULL: no hottest units */
    const double *gi_z;        /* Gi* z per unit, printed in the restricted tier
                                  only, or NULL */
    /* "warning: ...\n" lines on the clusters (one cluster holds most events
     * or covers much of the area), or NULL; printed under "Clusters". */
    const char *cluster_alerts;
    /* Names of the units and of the places holding clusters and windows
     * (label areas or --areas names), or NULL: ids only. Street text
     * (events' location) is never printed. */
    const vemt_names *names;
    const vemt_clusters *dbscan; /* DBSCAN clusters (patrol windows' places
                                    are their labels), or NULL */
} vemt_summary;

/** Print the hottest units: the first max hot units (published gi_bin above
 * 0) of s->order, with rank, confidence, published events, Gi* z where the
 * tier publishes it and the emerging pattern where emerging_hotspots
 * publishes it; or why there is none. One line each, numbered by rank, as
 * a Markdown list when markdown. stdout and the report both print these
 * lines. */
void vemt_report_top_cells(FILE *out, const vemt_summary *s, size_t max,
                           bool markdown);

/** Print one patrol window, a sentence and a newline: the place, the local
 * weekday and hours, the events in the window of the place's events known
 * to the hour, the window's share of the week's 168 hours, and the lift
 * (the first share over the second). */
void vemt_report_patrol_window(FILE *out, const vemt_patrol_row *p);

/** The same sentence with the place named as people read it (the hot
 * unit's label; a DBSCAN cluster by the label area holding its centre). */
void vemt_report_patrol_named(FILE *out, const vemt_summary *s,
                              const vemt_patrol_row *p);

/** The local date of t (UTC seconds) in the calendar of tz (NULL: UTC) in
 * words, "7 March 2024", or its month, "March 2024", into buf. Returns
 * buf. */
const char *vemt_report_date_words(const vemt_tz *tz, int64_t t, bool month,
                                   char *buf, size_t size);

/** True when the cube's steps are calendar months. */
bool vemt_report_steps_are_months(const vemt_cube *c);

/** The period in words, as the run summary and the board pack say it, into
 * buf: the first to the last step of cube (may be NULL) when its steps are
 * months ("January 2024 to December 2025"), else the months (months) or
 * the dates of first and last (UTC seconds, both inside the period) in the
 * calendar of tz; one month or day is said once ("May 2019"). */
void vemt_report_period_words(const vemt_tz *tz, const vemt_cube *cube,
                              int64_t first, int64_t last, bool months,
                              char *buf, size_t size);

/** How vemt_report_categories_words() lists the categories analysed: the
 * run summary and the board pack say them differently (the tests of each
 * pin its words). */
typedef enum vemt_categories_style {
    /* The run summary: the categories of the incidents not left out, the
     * first 12 as read ("and more"); the filter as given ("only a,b",
     * "those matching /re/", "leaving out ..."); nothing at all where
     * there is neither a filter nor a category. */
    VEMT_CATEGORIES_REPORT,
    /* The board pack: the categories of the counted events of the run's
     * kinds, of the first 16 the most frequent first ("and others"); "those
     * matching X", else "all but those matching X"; "not recorded" where
     * there is none. */
    VEMT_CATEGORIES_PACK,
    /* The board pack at the partner and public tiers: alphabetical, since
     * the order by count would rank small categories. */
    VEMT_CATEGORIES_PACK_SHARED
} vemt_categories_style;

/** Write the categories analysed in words to out after lead: the filter
 * (job's --categories or --exclude-categories; job may be NULL in the
 * report's style), ": " and the categories of the events. Returns false
 * when it wrote nothing, lead included (the report's style with nothing to
 * say). */
bool vemt_report_categories_words(FILE *out, const char *lead,
                                  const vemt_events *events,
                                  const vemt_job *job,
                                  vemt_categories_style style);

/** Print the summary for people: data window, the calendar (zones, month-
 * only events spread), counts by kind, the hottest
 * cells and their patterns, locations of concern (counts only), patrol
 * windows and trend sentences; as Markdown when markdown. Outside the
 * restricted tier (threshold > 0) it prints only what that tier's tables
 * publish: the window in whole months, counts suppressed and rounded as in
 * the tables, patterns only where emerging_hotspots gives them, and the
 * latest step's published counts instead of the trend tests and changes. */
void vemt_report_summary(FILE *out, const vemt_summary *s, bool markdown);

#endif /* VEMT_PIPELINE_REPORT_H */
