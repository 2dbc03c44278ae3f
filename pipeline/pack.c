/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack.c
 * @brief The board pack's contents from a run (pipeline/pack.h): what a
 * board member reads, in words the tier allows.
 *
 * Every number comes from the published arrays the tables get (NaN:
 * withheld), so the pack says nothing a layer of the same tier does not.
 * At the partner and public tiers the words use only the study area's
 * direction (from the seasonal Kendall test on the published totals) and
 * changes rounded to the nearest 10 % between totals at or above the
 * threshold: no per-unit trend, no p-value, no count under the threshold.
 */
#include "pipeline/pack.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "engine/trends.h"
#include "pipeline/pack_build.h"
#include "pipeline/report.h"

/* ---- Memory: every text and array lives until vemt_pack_built_clear() -- */

void *vemt_pk_grab(vemt_pack_built *b, size_t bytes) {
    if (b->nomem) return NULL;
    if (b->n_blocks == b->cap_blocks) {
        size_t cap = b->cap_blocks ? 2 * b->cap_blocks : 64;
        void **p = vemt_realloc(b->blocks, cap * sizeof *p);
        if (!p) return b->nomem = true, NULL;
        b->blocks = p, b->cap_blocks = cap;
    }
    void *p = vemt_calloc(1, bytes ? bytes : 1);
    if (!p) return b->nomem = true, NULL;
    return b->blocks[b->n_blocks++] = p;
}

/* printf into the pack's memory; "" when memory ran out (b->nomem says). */
__attribute__((format(printf, 2, 3))) const char *vemt_pk_say(
    vemt_pack_built *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? vemt_pk_grab(b, (size_t)n + 1) : NULL;
    if (!s) return "";
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void vemt_pack_built_clear(vemt_pack_built *b) {
    if (!b) return;
    for (size_t i = 0; i < b->n_blocks; i++) vemt_free(b->blocks[i]);
    vemt_free(b->blocks);
    *b = (vemt_pack_built){0};
}

/* ---- Words ------------------------------------------------------------ */

/* A count with thousands separated: "12,345". */
const char *vemt_pk_count_words(vemt_pack_built *b, double v) {
    char digits[32], out[48];
    snprintf(digits, sizeof digits, "%.0f", v);
    size_t n = strlen(digits), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0 && digits[i - 1] != '-') out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    return vemt_pk_say(b, "%s", out);
}

/* One to nine in words (a board paper's style), else digits. */
static const char *small_number(vemt_pack_built *b, size_t n, bool capital) {
    static const char *const words[] = {"no",    "one",  "two", "three",
                                        "four",  "five", "six", "seven",
                                        "eight", "nine"};
    if (n >= 10) return vemt_pk_count_words(b, (double)n);
    const char *w = words[n];
    return capital ? vemt_pk_say(b, "%c%s", w[0] - 'a' + 'A', w + 1) : w;
}

/* The local month of t in words: "March 2024". */
const char *vemt_pk_month_of(vemt_pack_built *b, const vemt_tz *tz, int64_t t) {
    char text[48];
    return vemt_pk_say(b, "%s",
                       vemt_report_date_words(tz, t, true, text, sizeof text));
}

/* The local date of t in words: "7 March 2024". */
const char *vemt_pk_date_of(vemt_pack_built *b, const vemt_tz *tz, int64_t t) {
    char text[48];
    return vemt_pk_say(b, "%s",
                       vemt_report_date_words(tz, t, false, text, sizeof text));
}

/* A published count: NaN (withheld) stays NaN, the rest as given. The
 * number a sentence may say about a total the tables do not hold: under
 * the threshold it is not said (NaN), else rounded as the tier rounds. */
static double published(const vemt_tier_rules *r, double x) {
    if (r->threshold <= 0) return x;
    if (x < r->threshold) return (double)NAN;
    return vemt_disclosure_round(x, r->threshold, r->round_to);
}

static const struct {
    const char *term, *text;
} glossary[T_N_TERMS] = {
    [T_GISTAR] = {"Gi* (Getis-Ord)",
                  "A statistic that compares the count in a place and its "
                  "neighbours with the whole study area (Getis and Ord "
                  "1992; Ord and Getis 1995). A large positive value means "
                  "more events cluster there than chance would give."},
    [T_FDR] = {"Correction for multiple testing",
               "Testing many places at once finds some 'hot spots' by "
               "chance. The false discovery rate (Benjamini and Hochberg "
               "1995) keeps the share of such false finds among the "
               "reported hot spots below 10 %, 5 % or 1 %."},
    [T_HOTSPOT] = {"Hot spot",
                   "A place where significantly more events happened than "
                   "elsewhere in the study area, with 90 %, 95 % or 99 % "
                   "confidence."},
    [T_COLDSPOT] = {"Cold spot",
                    "A place with significantly fewer events than "
                    "elsewhere in the study area."},
    [T_EMERGING] = {"Emerging hot spot pattern",
                    "How a place's hot-spot status changed over the time "
                    "steps, in Esri's words: new, consecutive, "
                    "intensifying, persistent, diminishing, sporadic, "
                    "oscillating or historical."},
    [T_STEP] = {"Time step",
                "The period events are counted in (a calendar month, a "
                "week or a number of days), in local time."},
    [T_MK] = {"Mann-Kendall test",
              "A test of whether a series of counts rises or falls over "
              "time, without assuming a straight line (Mann 1945; Kendall "
              "1975)."},
    [T_SEASONAL] = {"Seasonal Kendall test",
                    "The Mann-Kendall test comparing each month only with "
                    "the same month of other years, so a summer peak is "
                    "not read as a trend (Hirsch, Slack and Smith 1982)."},
    [T_SEN] = {"Sen's slope",
               "The typical change per step (or per year): the median of "
               "the slopes between every pair of steps (Sen 1968). The "
               "trend line of the charts."},
    [T_POISSON] = {"Exact test of two Poisson rates",
                   "Tells whether a change between two periods' counts is "
                   "more than chance would give, taking the periods' "
                   "lengths into account (Przyborowski and Wilenski 1940)."},
    [T_DENSITY] = {"Density surface",
                   "A smooth map of events per square kilometre (kernel "
                   "density estimation)."},
    [T_DBSCAN] = {"DBSCAN cluster",
                  "A group of events each within a set distance of enough "
                  "others (Ester et al. 1996)."},
    [T_HDBSCAN] = {"HDBSCAN cluster",
                   "DBSCAN over every distance at once, keeping the most "
                   "stable groups (Campello, Moulavi and Sander 2013)."},
    [T_CONCERN] = {"Location of concern",
                   "A place linked to several children: where they went "
                   "missing from, were found, or where incidents involving "
                   "them happened."},
    [T_PATROL] = {"Patrol window",
                  "The hours of a weekday when a hot place's events most "
                  "often happen, for planning disruption patrols."},
    [T_WITHHELD] = {"Withheld",
                    "A count below the tier's threshold, or a result that "
                    "would reveal one, is not published."},
    [T_TIER] = {"Tier",
                "Who the pack is for: restricted (the analyst's working "
                "copy), partner (partner agencies) or public. The partner "
                "and public tiers show areas only, withhold small counts "
                "and round the rest."},
    [T_UNIT] = {"Unit",
                "The areas events are counted in: grid cells of a fixed "
                "size, or the polygons of an areas file (wards, say)."},
};

/* A text written with fprintf (open_memstream); NULL (b->nomem set) when
 * memory runs out. The caller fcloses it and frees *text. */
static FILE *begin_text(builder *k, char **text, size_t *len) {
    *text = NULL, *len = 0;
    FILE *m = open_memstream(text, len);
    if (!m) k->b->nomem = true;
    return m;
}

static void para(builder *k, const char *heading, const char *text) {
    if (k->n_para < sizeof k->para / sizeof k->para[0])
        k->para[k->n_para++] = (vemt_pack_para){heading, text};
}

/* A unit's name for people: the area's name with its id, or the cell's id
 * with the label area it lies in. */
const char *vemt_pk_unit_label(builder *k, size_t u) {
    const vemt_units *g = k->in->grid;
    char id[64];
    vemt_units_id(g, u, id, sizeof id);
    const char *name = vemt_units_polygons(g) ? vemt_units_name(g, u) : NULL;
    if ((!name || !*name) && k->in->unit_names) name = k->in->unit_names[u];
    if (vemt_units_polygons(g))
        return name && *name && strcmp(name, id)
                   ? vemt_pk_say(k->b, "%s (%s)", name, id)
                   : vemt_pk_say(k->b, "%s", id);
    return name && *name ? vemt_pk_say(k->b, "cell %s, %s", id, name)
                         : vemt_pk_say(k->b, "cell %s", id);
}

/* The units as a noun: "grid cells", "hexagons", "areas"; sized: "400 m
 * grid cells". */
const char *vemt_pk_units_noun(builder *k, bool plural) {
    const vemt_units *g = k->in->grid;
    if (!g) return "units";
    switch (vemt_units_shape(g)) {
        case VEMT_UNIT_SQUARE:
            return plural ? "grid cells" : "grid cell";
        case VEMT_UNIT_HEX:
            return plural ? "hexagons" : "hexagon";
        default:
            return plural ? "areas" : "area";
    }
}

const char *vemt_pk_units_words(builder *k, bool plural) {
    const vemt_units *g = k->in->grid;
    if (!g || vemt_units_polygons(g)) return vemt_pk_units_noun(k, plural);
    return vemt_pk_say(k->b, "%.0f m %s", k->in->cell_m,
                       vemt_pk_units_noun(k, plural));
}

/* What the events are, as a plural noun. */
const char *vemt_pk_events_noun(const vemt_job *a) {
    const char *k = a->kind_name;
    return !strcmp(k, "incident")       ? "incidents"
           : !strcmp(k, "missing_from") ? "missing episodes"
           : !strcmp(k, "found_at")     ? "found-at records"
                                        : "events";
}

const char *vemt_pk_confidence_words(int bin) {
    int a = abs(bin);
    return a >= 3 ? "99 %" : a == 2 ? "95 %" : "90 %";
}

/* ---- The summary's paragraphs ----------------------------------------- */

/* What was analysed: the events, the period, the categories, the units. */
static void what_was_analysed(builder *k, const char *period,
                              const char *categories) {
    const vemt_pack_inputs *in = k->in;
    double n = published(k->rules, (double)in->counted);
    const char *events =
        isnan(n) ? vemt_pk_say(k->b, "Fewer than %g", k->rules->threshold)
                 : vemt_pk_count_words(k->b, n);
    k->used[T_UNIT] = true;
    para(
        k, "What this covers",
        vemt_pk_say(
            k->b, "%s %s%s from %s, counted in %s, %s. Categories: %s.%s",
            events, vemt_pk_events_noun(in->job),
            k->shared && k->rules->round_to > 1
                ? vemt_pk_say(k->b, " (rounded to the nearest %g)",
                              k->rules->round_to)
                : "",
            period, vemt_pk_units_words(k, true),
            in->job->boundary ? "inside the study boundary"
                              : "over the data's extent",
            categories,
            k->shared ? vemt_pk_say(k->b,
                                    " This is the %s version: small counts are "
                                    "withheld and the rest rounded.",
                                    vemt_tier_name(k->rules->tier))
                      : ""));
    if (k->shared) k->used[T_TIER] = k->used[T_WITHHELD] = true;
}

/* Which units are hot spots, by name. */
static void where(builder *k) {
    const vemt_pack_inputs *in = k->in;
    size_t n = vemt_units_count(in->grid), hot = 0, cold = 0, hidden = 0;
    for (size_t i = 0; i < n; i++) {
        if (in->bin_hidden && in->bin_hidden[i]) {
            hidden++;
            continue;
        }
        hot += in->bins[i] > 0, cold += in->bins[i] < 0;
    }
    k->used[T_GISTAR] = k->used[T_HOTSPOT] = true;
    const char *rule = in->job->fdr
                           ? "after correction for multiple testing"
                           : "at p < 0.10 without correction for multiple "
                             "testing";
    if (in->job->fdr) k->used[T_FDR] = true;
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    if (hot == 0)
        fprintf(m,
                "No %s%s is a significant hot spot %s (Gi*, 90 %% "
                "confidence or more).",
                hidden ? "published " : "", vemt_pk_units_noun(k, false), rule);
    else {
        fprintf(m, "%s %s %s significant hot spot%s %s (Gi*): ",
                small_number(k->b, hot, true), vemt_pk_units_noun(k, hot != 1),
                hot == 1 ? "is a" : "are", hot == 1 ? "" : "s", rule);
        size_t shown = 0;
        for (size_t r = 0; r < n && shown < 5; r++) {
            size_t u = in->order[r];
            if ((in->bin_hidden && in->bin_hidden[u]) || in->bins[u] <= 0)
                continue;
            fprintf(m, "%s%s (%s)", shown ? "; " : "", vemt_pk_unit_label(k, u),
                    vemt_pk_confidence_words(in->bins[u]));
            shown++;
        }
        if (hot > shown)
            fprintf(m, "; and %s more (tables/units.csv lists them all)",
                    vemt_pk_count_words(k->b, (double)(hot - shown)));
        fputc('.', m);
    }
    if (cold) {
        k->used[T_COLDSPOT] = true;
        fprintf(m, " %s %s %s cold spot%s.", small_number(k->b, cold, true),
                vemt_pk_units_noun(k, cold != 1), cold == 1 ? "is a" : "are",
                cold == 1 ? "" : "s");
    }
    if (hidden) {
        k->used[T_WITHHELD] = true;
        fprintf(m,
                " The hot-spot class of %s %s is withheld under the "
                "disclosure rules (shown hatched grey on the map): a count "
                "it is computed from is too small to publish%s.",
                vemt_pk_count_words(k->b, (double)hidden),
                vemt_pk_units_noun(k, hidden != 1),
                k->unknown
                    ? ", or comes from fewer distinct people than the "
                      "threshold (events without a person's id count as one "
                      "person)"
                    : "");
        if (k->unknown && k->keyless)
            fprintf(m,
                    " None of these events carries a person's id (as "
                    "police.uk's), so every unit counts as one person: "
                    "such data publish no hot-spot class at this tier; "
                    "the restricted pack shows them.");
        else if (2 * hidden > n)
            fprintf(m,
                    " Larger units publish more classes: a larger "
                    "--cell-size, or --areas with wards or "
                    "neighbourhoods.");
    }
    fclose(m);
    para(k, "Where: hot spots", vemt_pk_say(k->b, "%s", text ? text : ""));
    free(text); /* open_memstream's buffer is the C library's */
}

/* The study area's "all" series: its T rows (published at shared tiers). */
const vemt_trend_row *vemt_pk_area_rows(const vemt_trends_out *tr, size_t *T) {
    *T = vemt_cube_steps(tr->cube);
    return tr->rows;
}

bool vemt_pk_monthly(const vemt_trends_out *tr) {
    return vemt_report_steps_are_months(tr->cube);
}

/* Sum of the series over steps [a, b); NaN when a step is withheld. */
static double window_sum(const vemt_trend_row *rows, size_t a, size_t b,
                         double *days) {
    double s = 0;
    *days = 0;
    for (size_t t = a; t < b; t++) {
        if (isnan(rows[t].n_events)) return (double)NAN;
        s += rows[t].n_events;
        *days += rows[t].days;
    }
    return s;
}

/* "rose 12 %" / "fell 30 %" / "did not change"; at shared tiers rounded to
 * the nearest 10 %. */
static const char *change_words(builder *k, double now, double before) {
    double pct = 100 * (now - before) / before;
    if (k->shared) pct = 10 * round(pct / 10);
    if (fabs(pct) < 0.5)
        return k->shared ? "changed by less than 5 %" : "did not change";
    return vemt_pk_say(k->b, "%s %.0f %%", pct > 0 ? "rose" : "fell",
                       fabs(pct));
}

/* The last step the data cover to its end: the events' latest end (or
 * start) reaches the step's end, a day's grace for a clock change. A run
 * whose extract stops on 7 December, or whose last episode runs into an
 * empty January, must not read that step's few events as a fall. */
static size_t last_complete(const vemt_pack_inputs *in, size_t T) {
    int64_t t0, t1;
    const vemt_cube *c = in->trends->cube;
    if (!vemt_outputs_time_range(in->events, &t0, &t1)) return T - 1;
    size_t t = T - 1;
    while (t > 0 && vemt_cube_step_start(c, t) +
                            86400 * (vemt_cube_step_days(c, t) - 1) >
                        t1)
        t--;
    return t;
}

/* A total the shared tiers may compare: published and at or above the
 * threshold (the decision); any total at the restricted tier. */
static bool comparable(const builder *k, double x) {
    return !isnan(x) && x > 0 && (!k->shared || x >= k->rules->threshold);
}

/* The two comparisons of the decisions: the last complete month
 * against the same month a year earlier, and the 12 months to it against
 * the 12 before. At the restricted tier each with the exact test of two
 * Poisson rates (events per day over the steps' days: Przyborowski and
 * Wilenski 1940); at shared tiers the change only, rounded to 10 %, where
 * both totals are at or above the threshold. */
static void comparisons(builder *k, FILE *m) {
    const vemt_trends_out *tr = k->in->trends;
    size_t T;
    const vemt_trend_row *rows = vemt_pk_area_rows(tr, &T);
    const vemt_tz *tz = k->in->job->tz;
    if (!vemt_pk_monthly(tr)) {
        fprintf(m,
                " The month-on-year comparisons need monthly steps; this "
                "run counted %s.",
                vemt_cube_step_days(tr->cube, 0) == 7 ? "weeks" : "days");
        return;
    }
    size_t L = last_complete(k->in, T) + 1; /* steps up to the last whole */
    if (L < T)
        fprintf(
            m,
            " %s is not complete in the data (its last event ends "
            "before the month does), so the comparisons end with %s.",
            vemt_pk_month_of(k->b, tz, vemt_cube_step_start(tr->cube, T - 1)),
            vemt_pk_month_of(k->b, tz, vemt_cube_step_start(tr->cube, L - 1)));
    if (L < 13) {
        fprintf(m,
                " There are fewer than 13 complete months, so no month can "
                "be compared with the same month a year earlier.");
        return;
    }
    const char *noun = vemt_pk_events_noun(k->in->job);
    const vemt_trend_row *last = &rows[L - 1], *year = &rows[L - 13];
    const char *when =
        vemt_pk_month_of(k->b, tz, vemt_cube_step_start(tr->cube, L - 1));
    if (!comparable(k, last->n_events) || !comparable(k, year->n_events))
        fprintf(m,
                " %s cannot be compared with a year earlier: a count is "
                "%s.",
                when,
                k->shared ? "withheld, zero or under the publication threshold"
                          : "zero");
    else {
        double now = last->rate_per_day, before = now - last->change_year;
        bool rated = !k->shared && isfinite(last->change_year) && before > 0;
        fprintf(m, " In %s %s %s on the same month a year earlier", when, noun,
                rated ? change_words(k, now, before)
                      : change_words(k, last->n_events, year->n_events));
        if (rated && isfinite(last->change_year_p)) {
            k->used[T_POISSON] = true;
            fprintf(m, " (%s against %s; %s, p = %.2g)",
                    vemt_pk_count_words(k->b, last->n_events),
                    vemt_pk_count_words(k->b, year->n_events),
                    last->change_year_p < 0.05
                        ? "more than chance would give"
                        : "within what chance would give",
                    last->change_year_p);
        }
        fputc('.', m);
    }
    if (L < 24) return;
    double d1, d0;
    double now = window_sum(rows, L - 12, L, &d1);
    double before = window_sum(rows, L - 24, L - 12, &d0);
    if (k->shared)
        now = published(k->rules, now), before = published(k->rules, before);
    if (!comparable(k, now) || !comparable(k, before) || d0 <= 0 || d1 <= 0) {
        fprintf(m,
                " The last 12 months cannot be compared with the 12 "
                "before: a month's count is withheld.");
        return;
    }
    /* Events per day, so a leap year's extra day is not a rise. */
    fprintf(m, " Over the 12 months to %s %s %s on the 12 months before", when,
            noun, change_words(k, now / d1, before / d0));
    if (!k->shared) {
        double p = vemt_poisson_rate_p(now, d1, before, d0);
        k->used[T_POISSON] = true;
        fprintf(m, " (%s against %s; %s, p = %.2g)",
                vemt_pk_count_words(k->b, now),
                vemt_pk_count_words(k->b, before),
                p < 0.05 ? "more than chance would give"
                         : "within what chance would give",
                p);
    }
    fputc('.', m);
}

/* The direction of the whole series: the seasonal Kendall test (months,
 * two years or more) so a summer peak is not read as a trend, else
 * Mann-Kendall; at shared tiers computed here on the published totals. */
static void direction(builder *k, FILE *m) {
    const vemt_trends_out *tr = k->in->trends;
    size_t T;
    const vemt_trend_row *rows = vemt_pk_area_rows(tr, &T);
    vemt_mk mk = {.z = NAN, .p = NAN};
    bool seasonal = vemt_pk_monthly(tr) && T >= 24;
    if (k->shared) {
        /* Kendall's tests use ranks only. A withheld month lies between
         * a published 0 and the threshold, below every published non-zero
         * total: one value there for all of them keeps every rank's order
         * (withheld months tie among themselves), where dropping them would
         * censor the low months and hide a rise. */
        double *x = vemt_pk_grab(k->b, T * sizeof *x);
        if (!x) return;
        size_t published_steps = 0;
        for (size_t t = 0; t < T; t++) {
            x[t] = isnan(rows[t].n_events) ? k->rules->threshold / 2
                                           : rows[t].n_events;
            published_steps += !isnan(rows[t].n_events);
        }
        if (published_steps < VEMT_MK_MIN_STEPS) {
            fprintf(m,
                    " No trend over the whole period can be given: fewer "
                    "than %d months' totals are published.",
                    VEMT_MK_MIN_STEPS);
            return;
        }
        if (seasonal)
            vemt_seasonal_kendall(x, T, 12, &mk);
        else
            vemt_mann_kendall(x, T, &mk);
    } else if (seasonal && isfinite(rows[T - 1].sk_p)) {
        mk.z = rows[T - 1].sk_z, mk.p = rows[T - 1].sk_p;
        mk.sen_slope = rows[T - 1].sk_slope;
    } else {
        seasonal = false;
        mk.z = rows[T - 1].mk_z, mk.p = rows[T - 1].mk_p;
        mk.sen_slope = rows[T - 1].sen_slope;
    }
    k->used[seasonal ? T_SEASONAL : T_MK] = true;
    const char *test = seasonal ? "seasonal Kendall test" : "Mann-Kendall test";
    if (!isfinite(mk.p)) {
        fprintf(m, " No trend over the whole period can be given%s.",
                k->shared ? ": a month's total is withheld"
                          : " (the series is too short or constant)");
        return;
    }
    const char *dir = mk.p < 0.05 ? (mk.z > 0 ? "rising" : "falling")
                                  : "showing no clear trend";
    fprintf(m, " Over the whole period %s are %s (%s",
            vemt_pk_events_noun(k->in->job), dir, test);
    if (!k->shared) {
        k->used[T_SEN] = true;
        fprintf(m, ", p = %.2g; Sen's slope %+.2g a %s", mk.p, mk.sen_slope,
                seasonal ? "year" : "step");
    }
    fputs(").", m);
}

static void trend(builder *k) {
    if (!k->in->trends) {
        para(k, "Is it getting better or worse?",
             k->in->job->no_trends
                 ? "No trend analysis was run (--no-trends)."
                 : "No trend analysis: the data cover too few time steps.");
        return;
    }
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    k->used[T_STEP] = true;
    direction(k, m);
    comparisons(k, m);
    fclose(m);
    /* The sentences were written with a leading space each. */
    para(k, "Is it getting better or worse?",
         vemt_pk_say(k->b, "%s",
                     text && *text == ' ' ? text + 1
                     : text               ? text
                                          : ""));
    free(text);
}

/* Emerging patterns: how many units of each, where the tier publishes
 * them. */
static void emerging(builder *k) {
    const vemt_trends_out *tr = k->in->trends;
    if (!tr || !tr->pattern) return;
    size_t U = vemt_cube_units(tr->cube), count[VEMT_EHSA_END] = {0}, any = 0,
           hidden = 0;
    for (size_t u = 0; u < U; u++) {
        if (tr->pattern_hidden && tr->pattern_hidden[u]) {
            hidden++;
            continue;
        }
        count[tr->pattern[u]]++;
        any += tr->pattern[u] != VEMT_EHSA_NONE;
    }
    k->used[T_EMERGING] = true;
    if (!any) {
        para(k, "How hot spots changed",
             hidden
                 ? vemt_pk_say(k->b,
                               "No published unit shows an emerging hot- or "
                               "cold-spot pattern; the patterns of %s %s are "
                               "withheld under the disclosure rules.",
                               vemt_pk_count_words(k->b, (double)hidden),
                               vemt_pk_units_noun(k, hidden != 1))
                 : "No unit shows an emerging hot- or cold-spot pattern "
                   "over the time steps.");
        return;
    }
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    fputs("Patterns over the time steps:", m);
    bool first = true;
    for (int e = 1; e < VEMT_EHSA_END; e++) {
        if (!count[e]) continue;
        fprintf(m, "%s %s: %s", first ? "" : ";", vemt_ehsa_name((vemt_ehsa)e),
                vemt_pk_count_words(k->b, (double)count[e]));
        first = false;
    }
    fprintf(m, " %s (see the emerging hot-spot map).",
            vemt_pk_units_noun(k, true));
    fclose(m);
    para(k, "How hot spots changed", vemt_pk_say(k->b, "%s", text ? text : ""));
    free(text);
}

/* When: the patrol windows, restricted only. */
static void when(builder *k) {
    const vemt_safeguarding_out *sg = k->in->safeguarding;
    if (!sg && k->rules->exact_locations) {
        para(k, "When: patrol windows",
             "None: nothing was analysed (no located events in the study "
             "area).");
        return;
    }
    if (!sg) {
        para(
            k, "When: patrol windows",
            vemt_pk_say(k->b,
                        "Patrol windows are given only in the restricted tier: "
                        "they point to places and hours (this is the %s tier).",
                        vemt_tier_name(k->rules->tier)));
        return;
    }
    k->used[T_PATROL] = true;
    if (!sg->n_patrol) {
        para(k, "When: patrol windows",
             "None: no 99 % hot cell or DBSCAN cluster has events known to "
             "the hour (police.uk's events are known only to the month).");
        return;
    }
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    for (size_t i = 0; i < sg->n_patrol && i < 3; i++) {
        fprintf(m, "%zu. ", i + 1);
        vemt_report_patrol_named(m, k->in->summary, &sg->patrol[i]);
    }
    fclose(m);
    if (text && len && text[len - 1] == '\n') text[len - 1] = '\0';
    para(k, "When: patrol windows", vemt_pk_say(k->b, "%s", text ? text : ""));
    free(text);
}

/* Places linked to several children (restricted only; said only where the
 * data know children). */
static void places(builder *k) {
    const vemt_safeguarding_out *sg = k->in->safeguarding;
    if (!sg) return;
    if (k->no_subjects) return;
    k->used[T_CONCERN] = true;
    para(k, "Places linked to several children",
         sg->n_places
             ? vemt_pk_say(k->b,
                           "%s %s each linked to %ld or more children (see the "
                           "locations-of-concern map).",
                           small_number(k->b, sg->n_places, true),
                           sg->n_places == 1 ? "place is" : "places are",
                           k->in->job->min_children)
             : vemt_pk_say(k->b, "No place is linked to %ld or more children.",
                           k->in->job->min_children));
}

/* Missing episodes of the study area, restricted only. */
static void missing(builder *k) {
    const vemt_safeguarding_out *sg = k->in->safeguarding;
    if (!sg || !sg->missing) return;
    long ep = 0, ch = 0, rep = 0;
    for (size_t i = 0; i < sg->n_missing; i++) {
        const vemt_missing_row *r = &sg->missing[i];
        if (strcmp(r->area, "study area")) continue;
        ep += r->episodes, ch += r->children, rep += r->repeat_children;
    }
    if (!ep) return;
    para(k, "Missing from home and care",
         vemt_pk_say(
             k->b,
             "%s missing episodes began in the period (summed over the "
             "steps: %s children counted in each step they went missing, "
             "%s of them with a repeat episode in the step). "
             "tables/missing.csv gives each step.",
             vemt_pk_count_words(k->b, (double)ep),
             vemt_pk_count_words(k->b, (double)ch),
             vemt_pk_count_words(k->b, (double)rep)));
}

/* Clusters found, and their warnings. */
static void clusters(builder *k) {
    const vemt_pack_inputs *in = k->in;
    if (!in->n_cluster_sets || !k->rules->exact_locations) return;
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    for (size_t i = 0; i < in->n_cluster_sets; i++) {
        const vemt_cluster_set *s = &in->cluster_sets[i];
        bool hdb = !strcmp(s->method, "hdbscan");
        k->used[hdb ? T_HDBSCAN : T_DBSCAN] = true;
        size_t n = s->clusters ? s->clusters->n : 0;
        fprintf(m, "%s%s: %s cluster%s.", i ? " " : "",
                !strcmp(s->method, "st-dbscan") ? "ST-DBSCAN"
                : hdb                           ? "HDBSCAN"
                                                : "DBSCAN",
                vemt_pk_count_words(k->b, (double)n), n == 1 ? "" : "s");
    }
    fclose(m);
    para(k, "Clusters", vemt_pk_say(k->b, "%s", text ? text : ""));
    free(text);
}

/* Something new starting: the space-time scan's most likely cluster in
 * words, with its counts and recurrence interval where the tier shows
 * them, else its window and p band. */
static void scan(builder *k) {
    const vemt_scan_out *sc = k->in->scan;
    if (!sc) return;
    const char *what = vemt_pk_events_noun(k->in->job);
    if (!sc->n) {
        para(k, "Something new?",
             "The space-time scan found no cluster to publish (a cluster "
             "with few events or children is withheld under the disclosure "
             "rules).");
        return;
    }
    if (sc->rows[0].rank != 1) {
        para(k, "Something new?",
             "The space-time scan's most likely cluster is withheld under "
             "the disclosure rules (too few events or children); the "
             "scan_clusters layer holds the clusters that can be published.");
        return;
    }
    const vemt_scan_row *w = &sc->rows[0];
    const char *where =
        w->place ? vemt_pk_say(k->b, "cell %s, %s", w->centre_id, w->place)
                 : vemt_pk_say(k->b, "cell %s", w->centre_id);
    const char *window =
        strcmp(w->first_step, w->last_step)
            ? vemt_pk_say(k->b, "from %s to %s", w->first_step, w->last_step)
            : vemt_pk_say(k->b, "in %s", w->first_step);
    const char *text;
    if (k->shared)
        text = vemt_pk_say(
            k->b,
            "The space-time scan (Kulldorff et al. 2005) found its most "
            "likely cluster of %s around %s %s (%s): %s.",
            what, where, window,
            w->p < 0.01   ? "p < 0.01"
            : w->p < 0.05 ? "p < 0.05"
                          : "not significant, p of 0.05 or more",
            w->p < 0.05 ? "more than the area's time steps and places lead "
                          "one to expect"
                        : "no more than chance would give");
    else if (w->p >= 0.05)
        text = vemt_pk_say(
            k->b,
            "The space-time scan (Kulldorff et al. 2005) found no cluster "
            "beyond chance: the most likely, %.0f %s around %s %s where %.1f "
            "were expected, has p = %.2f.",
            w->observed, what, where, window, w->expected, w->p);
    else
        text = vemt_pk_say(
            k->b,
            "The space-time scan (Kulldorff et al. 2005) found a cluster of "
            "%.0f %s around %s %s, where %.1f were expected (p = %.3g)%s",
            w->observed, what, where, window, w->expected, w->p,
            sc->prospective
                ? vemt_pk_say(k->b,
                              "; a cluster this unusual would arise by chance "
                              "%sonce in %.0f days.",
                              w->p <= sc->p_floor * (1 + 1e-9)
                                  ? "less often than "
                                  : "",
                              w->recurrence_days)
                : ".");
    para(k, "Something new?", text);
}

/* Where next: the forecast's first unit by its lead method (recency; the
 * moving average outside the restricted tier, where forecasts are of the
 * published counts), and the backtest's scores at 5 % of the area, each
 * the mean over the steps scored (outside the restricted tier, those with
 * at least the threshold's events). */
static void forecast(builder *k) {
    const vemt_forecast_out *f = k->in->forecast;
    if (!f || !k->in->grid) return;
    static const char *const words[VEMT_FORECAST_METHODS] = {
        "the recency map", "last step's map", "the moving average"};
    vemt_forecast_method lead =
        k->shared ? VEMT_FORECAST_EWMA : VEMT_FORECAST_RECENCY;
    size_t U = vemt_units_count(k->in->grid), top = 0;
    for (size_t u = 0; u < U; u++)
        if (f->rank[lead][u] == 1) top = u;
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return;
    fprintf(m,
            "The forecast for %s by %s puts %s first (the forecast layer "
            "ranks every unit).",
            f->step,
            lead == VEMT_FORECAST_RECENCY
                ? "recency (recent events nearby weigh most; Bowers, Johnson "
                  "& Pease 2004)"
                : "a moving average of each unit's published counts",
            vemt_pk_unit_label(k, top));
    double pai[VEMT_FORECAST_METHODS] = {0}, hit[VEMT_FORECAST_METHODS] = {0};
    size_t n[VEMT_FORECAST_METHODS] = {0};
    for (size_t i = 0; i < f->n_scores; i++) {
        const vemt_forecast_row *r = &f->scores[i];
        if (fabs(r->score.share - 0.05) > 1e-9 || !isfinite(r->score.pai) ||
            (k->shared && !(r->score.total >= k->rules->threshold)))
            continue;
        pai[r->method] += r->score.pai;
        hit[r->method] += r->score.hit_rate;
        n[r->method]++;
    }
    long asked = k->in->job->backtest;
    if (n[lead]) {
        fprintf(m,
                " Tested on %s%zu steps%s, each forecast from the data "
                "before it: on average per step %s captured %.0f %% of the "
                "next step's %s in 5 %% of the area, PAI %.1f (Chainey, "
                "Tompson & Uhlig 2008)",
                (long)n[lead] < asked ? "" : "the last ", n[lead],
                (long)n[lead] < asked
                    ? vemt_pk_say(k->b,
                                  " of the last %ld (the others had too few "
                                  "events to publish)",
                                  asked)
                    : "",
                words[lead], 100 * hit[lead] / (double)n[lead],
                vemt_pk_events_noun(k->in->job), pai[lead] / (double)n[lead]);
        const char *sep = ", against";
        for (int q = 0; q < VEMT_FORECAST_METHODS; q++)
            if (q != (int)lead && n[q]) {
                fprintf(m, "%s %.1f for %s", sep, pai[q] / (double)n[q],
                        words[q]);
                sep = " and";
            }
        fputs(".", m);
    } else if (f->refused) {
        fprintf(m, " The backtest was not run: %s.", f->refused);
    }
    fclose(m);
    para(k, "Where next?", vemt_pk_say(k->b, "%s", text ? text : ""));
    free(text);
}

/* The backtest chart's bars: each method's mean PAI and hit rate over
 * the steps scored (outside the restricted tier, those with at least the
 * threshold's events), at each share. */
static void scores(builder *k, vemt_pack *p) {
    const vemt_forecast_out *f = k->in->forecast;
    if (!f) return; /* nothing asked: no chart, no page (pack.h) */
    if (!f->n_scores) {
        p->scores_why =
            f->refused
                ? vemt_pk_say(k->b, "The backtest was not run: %s.", f->refused)
                : "No backtest was run (--backtest N scores the forecasts on "
                  "the last N steps).";
        return;
    }
    vemt_pack_scores *sc = &p->scores;
    double sum[3][3] = {{0}}, hit[3][3] = {{0}};
    size_t n[3][3] = {{0}}, first = SIZE_MAX, last = 0;
    for (int a = 0; a < 3; a++) sc->shares[a] = a == 0 ? 0.01 : a * 0.05;
    for (int m = 0; m < 3; m++)
        sc->methods[m] = vemt_forecast_method_name((vemt_forecast_method)m);
    for (size_t i = 0; i < f->n_scores; i++) {
        const vemt_forecast_row *r = &f->scores[i];
        int a = -1;
        for (int j = 0; j < 3; j++)
            if (fabs(r->score.share - sc->shares[j]) < 1e-9) a = j;
        if (a < 0 || (int)r->method > 2 || !isfinite(r->score.pai) ||
            (k->shared && !(r->score.total >= k->rules->threshold)))
            continue;
        sum[r->method][a] += r->score.pai;
        hit[r->method][a] += r->score.hit_rate;
        n[r->method][a]++;
        if (i < first) first = i;
        last = i;
    }
    size_t steps = 0;
    for (int m = 0; m < 3; m++)
        for (int a = 0; a < 3; a++) {
            sc->pai[m][a] = n[m][a] ? sum[m][a] / (double)n[m][a] : (double)NAN;
            sc->hit_rate[m][a] =
                n[m][a] ? hit[m][a] / (double)n[m][a] : (double)NAN;
            if (n[m][a] > steps) steps = n[m][a];
        }
    if (!steps) {
        p->scores_why =
            "No backtest step had enough events to publish its "
            "scores.";
        return;
    }
    sc->n_steps = steps;
    sc->asked = (size_t)k->in->job->backtest;
    sc->first = vemt_pk_say(k->b, "%s", f->score_step[first]);
    sc->last = vemt_pk_say(k->b, "%s", f->score_step[last]);
}

/* ---- The whole pack ------------------------------------------------------ */

/* The categories analysed, in words (vemt_report_categories_words): the
 * filter as given and the categories of the counted events, most frequent
 * first (names only at the shared tiers: a category's count may be
 * small). */
static const char *categories(builder *k) {
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return "";
    vemt_report_categories_words(
        m, "", k->in->events, k->in->job,
        k->shared ? VEMT_CATEGORIES_PACK_SHARED : VEMT_CATEGORIES_PACK);
    fclose(m);
    const char *s = vemt_pk_say(k->b, "%s", text ? text : "");
    free(text);
    return s;
}

static const char *sources(builder *k) {
    char *text;
    size_t len;
    FILE *m = begin_text(k, &text, &len);
    if (!m) return "";
    for (size_t i = 0; i < k->in->n_sources; i++) {
        const vemt_source *s = &k->in->sources[i];
        const char *base = strrchr(s->path, '/');
        fprintf(
            m, "%s%s (%s)", i ? "; " : "", base ? base + 1 : s->path,
            s->kind == VEMT_SOURCE_MISSING ? "missing episodes" : "incidents");
    }
    fclose(m);
    const char *r = vemt_pk_say(k->b, "%s", text ? text : "");
    free(text);
    return r;
}

static const char *default_marking(vemt_tier t) {
    return t == VEMT_TIER_RESTRICTED ? "OFFICIAL-SENSITIVE"
           : t == VEMT_TIER_PARTNER  ? "OFFICIAL"
                                     : "OFFICIAL: for publication";
}

vemt_status vemt_pack_build(const vemt_pack_inputs *in, vemt_pack_built *out) {
    *out = (vemt_pack_built){0};
    builder k = {.b = out,
                 .in = in,
                 .rules = in->rules,
                 .shared = in->rules->threshold > 0};
    /* Counted once: the tables ask per row and per step. */
    k.unknown = vemt_subjects_unknown(in->events, in->job->kinds);
    k.keyless = k.unknown >= in->counted;
    k.no_subjects = vemt_subjects_unknown(in->events, ~0u) == in->events->n;
    vemt_pack *p = &out->pack;
    const vemt_job *a = in->job;
    int64_t t0 = 0, t1 = 0;
    const char *period = "no dated events";
    if (vemt_outputs_time_range(in->events, &t0, &t1)) {
        char text[160];
        vemt_disclosure_time_window(in->rules, a->tz, &t0, &t1);
        vemt_report_period_words(
            a->tz, in->trends ? in->trends->cube : NULL, t0, t1 - 1,
            k.shared || a->time_step == VEMT_STEP_MONTH, text, sizeof text);
        period = vemt_pk_say(out, "%s", text);
    }
    const char *area =
        a->boundary ? (strrchr(a->boundary, '/') ? strrchr(a->boundary, '/') + 1
                                                 : a->boundary)
                    : "the data's extent";
    p->title =
        vemt_pk_say(out, "Hot spots and trends of %s", vemt_pk_events_noun(a));
    p->area = a->demo       ? "the demo's synthetic study area"
              : a->boundary ? vemt_pk_say(out, "the study area of %s", area)
                            : "the extent of the data (no --boundary)";
    p->period = period;
    p->categories = categories(&k);
    p->units = vemt_pk_units_words(&k, true);
    p->sources = sources(&k);
    p->tier = vemt_tier_name(in->rules->tier);
    p->marking = a->marking ? a->marking : default_marking(in->rules->tier);
    p->attribution = a->attribution;
    p->created = vemt_pk_date_of(out, a->tz, in->created_utc);
    p->threshold = in->rules->threshold;
    p->round_to = k.shared ? in->rules->round_to : 0;
    p->palette = (vemt_palette)a->palette;
    p->label_areas = in->label_areas;

    what_was_analysed(&k, period, p->categories);
    if (in->grid) {
        where(&k);
        emerging(&k);
    } else
        para(&k, "Where: hot spots",
             "Nothing was analysed: no located events in the study area.");
    trend(&k);
    when(&k);
    places(&k);
    missing(&k);
    clusters(&k);
    scan(&k);
    forecast(&k);

    scores(&k, p);
    vemt_pack_para *sum = vemt_pk_grab(out, k.n_para * sizeof *sum);
    if (sum) memcpy(sum, k.para, k.n_para * sizeof *sum);
    p->summary = sum;
    p->n_summary = k.n_para;

    if (in->grid) {
        vemt_pk_maps(&k, p);
        vemt_pk_units_table(&k, &p->tables[0]);
    } else {
        for (int m = 0; m < VEMT_MAP_COUNT; m++)
            p->maps[m] = (vemt_pack_map){.title = "Map",
                                         .why_empty = "Nothing was analysed."};
        p->tables[0] = (vemt_pack_table){
            .name = "units",
            .title = "Units ranked",
            .n_cols = vemt_pk_n_cols(vemt_pk_units_cols_shared),
            .columns = vemt_pk_units_cols_shared,
            .counts = vemt_pk_units_counts,
            .why_empty = "Nothing was analysed: no located events."};
    }
    vemt_pk_trends_table(&k, &p->tables[1]);
    vemt_pk_missing_table(&k, &p->tables[2]);
    vemt_pk_series(&k, p);

    size_t n_terms = 0;
    for (int t = 0; t < T_N_TERMS; t++) n_terms += k.used[t];
    vemt_pack_para *g = vemt_pk_grab(out, n_terms * sizeof *g);
    for (int t = 0, j = 0; g && t < T_N_TERMS; t++)
        if (k.used[t])
            g[j++] = (vemt_pack_para){glossary[t].term, glossary[t].text};
    p->glossary = g;
    p->n_glossary = n_terms;
    if (out->nomem) {
        vemt_pack_built_clear(out);
        return VEMT_E_NOMEM;
    }
    return VEMT_OK;
}

/* ---- Markdown ------------------------------------------------------------ */

void vemt_pack_markdown_head(FILE *out, const vemt_pack *p) {
    fprintf(out, "# %s\n\n**%s** (%s tier)\n\n", p->title, p->marking, p->tier);
    fprintf(out,
            "- Area: %s\n- Period: %s\n- Categories: %s\n- Units: %s\n"
            "- Sources: %s\n",
            p->area, p->period, p->categories, p->units, p->sources);
    if (p->attribution) fprintf(out, "- Attribution: %s\n", p->attribution);
    fputs("\n## Summary\n", out);
    for (size_t i = 0; i < p->n_summary; i++) {
        if (p->summary[i].heading)
            fprintf(out, "\n### %s\n\n", p->summary[i].heading);
        for (const char *s = p->summary[i].text; *s;) {
            size_t n = strcspn(s, "\n");
            fprintf(out, "%.*s\n", (int)n, s);
            s += n + (s[n] == '\n');
            if (*s) fputc('\n', out);
        }
    }
    fputc('\n', out);
}

void vemt_pack_markdown_glossary(FILE *out, const vemt_pack *p) {
    if (!p->n_glossary) return;
    fputs("\n## Glossary\n\n", out);
    for (size_t i = 0; i < p->n_glossary; i++)
        fprintf(out, "- **%s**: %s\n", p->glossary[i].heading,
                p->glossary[i].text);
}
