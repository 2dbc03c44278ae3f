/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_build.h
 * @brief Private to pipeline/pack*.c: the pack builder's state and the
 * words both files use.
 */
#ifndef VEMT_PIPELINE_PACK_BUILD_H
#define VEMT_PIPELINE_PACK_BUILD_H

#include "pipeline/pack.h"

/* The glossary: every term the pack may use, said once where it is used. */
enum {
    T_GISTAR,
    T_FDR,
    T_HOTSPOT,
    T_COLDSPOT,
    T_EMERGING,
    T_STEP,
    T_MK,
    T_SEASONAL,
    T_SEN,
    T_POISSON,
    T_DENSITY,
    T_DBSCAN,
    T_HDBSCAN,
    T_CONCERN,
    T_PATROL,
    T_WITHHELD,
    T_TIER,
    T_UNIT,
    T_N_TERMS
};

/* The summary's paragraphs, as they are made. */
typedef struct builder {
    vemt_pack_built *b;
    const vemt_pack_inputs *in;
    const vemt_tier_rules *rules;
    bool shared; /* partner or public: the allow-listed words only */
    /* Events without a subject key (vemt_subjects_unknown), counted once:
     * of the run's kinds, and whether they are all the counted events (no
     * event names a person: children are unknown, not 0). */
    size_t unknown;
    bool keyless;
    bool no_subjects; /* no event of any kind has a subject key */
    vemt_pack_para para[24];
    size_t n_para;
    bool used[T_N_TERMS];
} builder;

/** Memory that lives until vemt_pack_built_clear(); NULL (b->nomem set)
 * when it runs out. */
void *vemt_pk_grab(vemt_pack_built *b, size_t bytes);

/** printf into the pack's memory; "" when memory ran out. */
__attribute__((format(printf, 2, 3))) const char *vemt_pk_say(
    vemt_pack_built *b, const char *fmt, ...);

/** A count with thousands separated: "12,345". */
const char *vemt_pk_count_words(vemt_pack_built *b, double v);

/** The local month of t in words: "March 2024". */
const char *vemt_pk_month_of(vemt_pack_built *b, const vemt_tz *tz, int64_t t);

/** The local date of t in words: "7 March 2024". */
const char *vemt_pk_date_of(vemt_pack_built *b, const vemt_tz *tz, int64_t t);

/** The units as a noun ("grid cells", "areas"); sized ("400 m grid
 * cells"). */
const char *vemt_pk_units_noun(builder *k, bool plural);
const char *vemt_pk_units_words(builder *k, bool plural);

/** A unit's name for people: "cell 460200_524100, Middlesbrough Central",
 * "St. Ann's (E05012287)". */
const char *vemt_pk_unit_label(builder *k, size_t u);

/** "99 %", "95 %" or "90 %" for a Gi* bin. */
const char *vemt_pk_confidence_words(int bin);

/** What the events are, as a plural noun ("incidents"). */
const char *vemt_pk_events_noun(const vemt_job *a);

/** The study area's "all" series (its T rows). */
const vemt_trend_row *vemt_pk_area_rows(const vemt_trends_out *tr, size_t *T);

/** True when the steps are calendar months. */
bool vemt_pk_monthly(const vemt_trends_out *tr);

/** The tables (units, trends, missing), the series and the maps' titles
 * and reasons (pipeline/pack_tables.c). */
void vemt_pk_units_table(builder *k, vemt_pack_table *t);
void vemt_pk_trends_table(builder *k, vemt_pack_table *t);
void vemt_pk_missing_table(builder *k, vemt_pack_table *t);
void vemt_pk_series(builder *k, vemt_pack *p);
void vemt_pk_maps(builder *k, vemt_pack *p);
/** Entries of a NULL-terminated list of columns. */
size_t vemt_pk_n_cols(const char *const *cols);
extern const char *const vemt_pk_units_cols_shared[];
extern const char *const vemt_pk_units_counts[];

#endif /* VEMT_PIPELINE_PACK_BUILD_H */
