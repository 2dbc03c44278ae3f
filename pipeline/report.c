/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file report.c
 * @brief Messages for people: compiler-style errors, accounting, top cells
 * and the run summary.
 */
#include "pipeline/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alloc.h"
#include "pipeline/publish.h"
#include "pipeline/rank.h"

void vemt_error_print(FILE *out, const char *path, const vemt_error *err) {
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
        vemt_error_print(out, sources[rejects->items[i].source].path,
                         &rejects->items[i].err);
    if (rejects->n > max)
        fprintf(out, "... and %zu more rejected rows (see the rejects layer)\n",
                rejects->n - max);
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

static const char *weekday_name(int d) {
    static const char days[][12] = {"Monday",   "Tuesday", "Wednesday",
                                    "Thursday", "Friday",  "Saturday",
                                    "Sunday"};
    return days[d % 7];
}

static void heading(FILE *out, bool md, const char *text) {
    if (md)
        fprintf(out, "\n## %s\n\n", text);
    else
        fprintf(out, "%s:\n", text);
}

/* A unit's noun: "area" for --areas polygons, else "cell". */
static const char *unit_noun(const vemt_units *u) {
    return vemt_units_polygons(u) ? "area" : "cell";
}

static int confidence(int bin) { return bin >= 3 ? 99 : bin == 2 ? 95 : 90; }

/* Append ", text" to buf. */
static void append_name(char *buf, size_t size, const char *text) {
    size_t len = strlen(buf);
    if (len < size) snprintf(buf + len, size - len, ", %s", text);
}

/* Unit u as people read it: "cell 460200_524100, Middlesbrough Central"
 * (the label area holding the cell's centre), "St. Ann's (E05012287)" with
 * --areas (and ", <label area>" when one holds it under another name),
 * "area E05012287" when it has no name. */
static void unit_label(const vemt_summary *s, size_t u, char *buf,
                       size_t size) {
    char id[128];
    vemt_units_id(s->grid, u, id, sizeof id);
    const vemt_polygons *own = vemt_units_polygons(s->grid);
    const char *label =
        s->names && u < s->names->n && s->names->unit ? s->names->unit[u] : "";
    if (!own) {
        snprintf(buf, size, "cell %s", id);
        if (label[0]) append_name(buf, size, label);
        return;
    }
    const char *name = vemt_polygons_name(own, u);
    if (name && name[0])
        snprintf(buf, size, "%s (%s)", name, id);
    else
        snprintf(buf, size, "area %s", id);
    if (s->names && s->names->areas && label[0] &&
        strcmp(label, name ? name : ""))
        append_name(buf, size, label);
}

void vemt_report_top_cells(FILE *out, const vemt_summary *s, size_t max,
                           bool md) {
    size_t n = s->grid ? vemt_units_count(s->grid) : 0, shown = 0;
    /* Gi* z can be solved back to counts: restricted tier only. */
    bool z = s->gi_z && !(s->rules->withheld_roles & VEMT_FIELD_STATISTIC);
    char id[400];
    /* The hot units come first in the order (bins descending, withheld
     * bins last), so the first hot ones are ranks 1, 2, ... */
    for (size_t k = 0; s->order && k < n && shown < max; k++) {
        size_t u = s->order[k];
        if (!vemt_rank_is_hot(s->bins, s->bin_hidden, u)) break;
        unit_label(s, u, id, sizeof id);
        fprintf(out, "%s%zu. %s: hot spot at %d %% confidence", md ? "" : "  ",
                k + 1, id, confidence(s->bins[u]));
        if (z && isfinite(s->gi_z[u]))
            fprintf(out, " (Gi* z %.2f)", s->gi_z[u]);
        if (isnan(s->cells[u]))
            fputs(", events withheld", out);
        else
            fprintf(out, ", %.0f events", s->cells[u]);
        /* The pattern only where emerging_hotspots publishes it. */
        const vemt_trends_out *tr = s->trends;
        if (tr && !isnan(tr->unit_events[u]) &&
            !(tr->pattern_hidden && tr->pattern_hidden[u]))
            fprintf(out, "; %s", vemt_ehsa_name(tr->pattern[u]));
        fputc('\n', out);
        shown++;
    }
    if (!shown && !s->order)
        fprintf(out, "%sNone: the units were not ranked.\n", md ? "- " : "  ");
    else if (!shown)
        fprintf(out,
                "%sNone: no %s is a %ssignificant hot spot at 90 %% "
                "confidence or more (Gi*, %s).\n",
                md ? "- " : "  ", unit_noun(s->grid),
                s->rules->threshold > 0 ? "published " : "",
                s->job && !s->job->fdr
                    ? "plain p-values"
                    : "after the false discovery rate correction");
}

/* Events as text: whole when they are (aoristic weights add up to
 * fractions), else to one decimal. */
static void events_text(double v, char *buf, size_t size) {
    snprintf(buf, size, fabs(v - round(v)) < 0.05 ? "%.0f" : "%.1f", v);
}

/* One patrol window's sentence; place: the place as people read it, or
 * NULL: "cell <id>" or "DBSCAN cluster <n>". */
static void patrol_line(FILE *out, const vemt_patrol_row *p,
                        const char *place) {
    char in[32], of[32], own[80];
    if (!place) {
        snprintf(own, sizeof own, "%s %s",
                 strcmp(p->place_kind, "cell") ? "DBSCAN cluster" : "cell",
                 p->place);
        place = own;
    }
    events_text(p->n_window, in, sizeof in);
    events_text(p->n_place, of, sizeof of);
    /* The window's share of the week's hours, and the lift: the share of
     * the place's events in the window over the share an even spread over
     * the week would put there. */
    double hours = 100.0 * p->hours / (7 * 24);
    double lift = p->share / (p->hours / (7.0 * 24));
    /* A window that ends at midnight ends at 24:00, as people say it. */
    int end = p->end_hour == 0 ? 24 : p->end_hour;
    fprintf(out,
            "%s, %s %02d:00-%02d:00 (%d h = %.1f %% of the week): %s of "
            "the %s %s at this place known to the hour fall in this window "
            "(%.0f %%), %.*f times an even spread.\n",
            place, weekday_name(p->weekday), p->start_hour, end, p->hours,
            hours, in, of, strcmp(of, "1") ? "events" : "event", 100 * p->share,
            lift < 10 ? 1 : 0, lift);
}

void vemt_report_patrol_window(FILE *out, const vemt_patrol_row *p) {
    patrol_line(out, p, NULL);
}

/* A patrol window's place as people read it: a hot unit by unit_label, a
 * DBSCAN cluster by the label area (or --areas unit) holding its mean
 * centre: "DBSCAN cluster 5, Middlesbrough Central". */
static void patrol_place(const vemt_summary *s, const vemt_patrol_row *p,
                         char *buf, size_t size) {
    if (!strcmp(p->place_kind, "cell")) {
        size_t n = s->grid ? vemt_units_count(s->grid) : 0;
        char id[128];
        /* Windows are of hot units (gi_bin 3) only: look among them. */
        for (size_t u = 0; u < n; u++) {
            if (!s->bins || s->bins[u] < 3) continue;
            vemt_units_id(s->grid, u, id, sizeof id);
            if (strcmp(id, p->place)) continue;
            unit_label(s, u, buf, size);
            return;
        }
        snprintf(buf, size, "%s %s", s->grid ? unit_noun(s->grid) : "cell",
                 p->place);
        return;
    }
    snprintf(buf, size, "DBSCAN cluster %s", p->place);
    char *end;
    unsigned long c = strtoul(p->place, &end, 10);
    if (!s->names || !s->dbscan || *end || c >= s->dbscan->n) return;
    const vemt_cluster *cl = &s->dbscan->items[c];
    const char *name = vemt_names_at(s->names, cl->cx, cl->cy);
    if (name) append_name(buf, size, name);
}

void vemt_report_patrol_named(FILE *out, const vemt_summary *s,
                              const vemt_patrol_row *p) {
    char place[256];
    patrol_place(s, p, place, sizeof place);
    patrol_line(out, p, place);
}

/* What a step of the cube is called: "month", "week" or "period". */
static const char *step_noun(const vemt_cube *c) {
    int64_t d = vemt_cube_step_days(c, 0);
    char label[32];
    vemt_cube_step_label(c, 0, label, sizeof label);
    if (strchr(label, 'W')) return "week";
    return d >= 28 && strlen(label) == 7 ? "month" : "period";
}

/* "rose 14 % on the same month a year earlier" for the latest step of the
 * "all" series (restricted tier): rates per day of the events wholly
 * inside each step, tested as two Poisson rates with the days as
 * exposures. The trend's direction comes from the seasonal Kendall test
 * when there is one (months, two years or more), so a summer peak is not
 * read as a trend; else from Mann-Kendall. */
static void trend_tests(FILE *out, const vemt_trends_out *tr, bool md) {
    size_t T = vemt_cube_steps(tr->cube);
    const vemt_trend_row *last = &tr->rows[T - 1];
    const char *dash = md ? "- " : "  ";
    char when[32];
    vemt_cube_step_label(tr->cube, T - 1, when, sizeof when);
    double before = last->rate_per_day - last->change_year;
    if (isfinite(last->change_year) && before > 0)
        fprintf(out,
                "%sEvents per day in %s %s %.0f %% on the same %s a year "
                "earlier (%.3g vs %.3g per day; exact test of two Poisson "
                "rates p = %.2g).\n",
                dash, when, last->change_year >= 0 ? "rose" : "fell",
                fabs(100 * last->change_year / before), step_noun(tr->cube),
                last->rate_per_day, before, last->change_year_p);
    if (tr->n_spread)
        fprintf(out,
                "%sChanges between steps compare events per day of the %zu "
                "events wholly inside one step; %zu events spread over more "
                "than one step are left out of them.\n",
                dash, tr->n_whole, tr->n_spread);
    if (isfinite(last->sk_p))
        fprintf(out,
                "%sOver all %zu months the trend is %s (seasonal Kendall "
                "test, Hirsch, Slack & Smith 1982: z = %.2f, p = %.2g; slope "
                "%.2f events per year), comparing each month with the same "
                "month of other years.\n",
                dash, T,
                last->sk_p < 0.05 ? (last->sk_z > 0 ? "rising" : "falling")
                                  : "not significant",
                last->sk_z, last->sk_p, last->sk_slope);
    if (isfinite(last->mk_p) && isfinite(last->sk_p))
        fprintf(out,
                "%sMann-Kendall over all %zu steps, seasons not taken into "
                "account: z = %.2f, p = %.2g; Sen's slope %.2f events per "
                "step.\n",
                dash, T, last->mk_z, last->mk_p, last->sen_slope);
    else if (isfinite(last->mk_p))
        fprintf(out,
                "%sOver all %zu steps the trend is %s (Mann-Kendall z = "
                "%.2f, p = %.2g; Sen's slope %.2f events per step).\n",
                dash, T,
                last->mk_p < 0.05 ? (last->mk_z > 0 ? "rising" : "falling")
                                  : "not significant",
                last->mk_z, last->mk_p, last->sen_slope);
}

/* A published count as text: the number, or "withheld" for a null. */
static const char *count_text(double v, char *buf, size_t size) {
    if (isnan(v)) return "withheld (small count)";
    snprintf(buf, size, "%.0f", v);
    return buf;
}

/* Outside the restricted tier the trends table gives counts but no tests
 * or changes (they can be solved back to counts), so the report gives the
 * latest step's published count and the same step a year earlier. The
 * rows already hold the published (suppressed, rounded) counts. */
static void trend_counts(FILE *out, const vemt_trends_out *tr, bool md,
                         const char *tier) {
    size_t T = vemt_cube_steps(tr->cube);
    const vemt_trend_row *last = &tr->rows[T - 1];
    char when[32], a[32];
    vemt_cube_step_label(tr->cube, T - 1, when, sizeof when);
    fprintf(out, "%sEvents in %s: %s", md ? "- " : "  ", when,
            count_text(last->n_events, a, sizeof a));
    /* Monthly steps (the only ones these tiers publish): the same month a
     * year earlier is 12 steps back. */
    if (T > 12 && vemt_cube_step_days(tr->cube, T - 1) >= 28) {
        const vemt_trend_row *before = &tr->rows[T - 13];
        vemt_cube_step_label(tr->cube, T - 13, when, sizeof when);
        fprintf(out, "; in %s: %s", when,
                count_text(before->n_events, a, sizeof a));
    }
    fprintf(out,
            ".\n%sTrend tests, p-values and exact changes are withheld in "
            "the %s tier (the summary gives the study area's direction and "
            "changes rounded to 10 %%; the trends layer each month's "
            "count).\n",
            md ? "- " : "  ", tier);
}

static void trend_sentences(FILE *out, const vemt_summary *s, bool md) {
    heading(out, md, "Trends");
    if (s->rules->threshold > 0)
        trend_counts(out, s->trends, md, vemt_tier_name(s->rules->tier));
    else
        trend_tests(out, s->trends, md);
}

/* The calendar of the run: the zones, and whether month-only events were
 * spread over days (--spread-months), so no weekly or daily count of theirs
 * is read as observed. */
static void calendar(FILE *out, const vemt_summary *s, bool md) {
    const vemt_job *a = s->job;
    if (!a) return;
    heading(out, md, "Calendar");
    fprintf(out,
            "%sSteps, weekdays and hours are local time in %s "
            "(--time-zone); input times without an offset, dates and "
            "months were read as local time in %s (--input-time-zone).\n",
            md ? "- " : "  ", a->time_zone, a->input_time_zone);
    size_t months = 0;
    for (size_t i = 0; i < s->events->n; i++) {
        const vemt_event *e = &s->events->items[i];
        months +=
            vemt_event_counted(e, a->kinds) && e->precision == VEMT_PREC_MONTH;
    }
    if (a->command != VEMT_JOB_RUN || a->no_trends || !a->spread_months ||
        a->time_step == VEMT_STEP_MONTH || months == 0)
        return;
    /* A count as the tier publishes it, as for the kinds below. */
    const vemt_tier_rules *r = s->rules;
    char n[48];
    if ((double)months < r->threshold)
        snprintf(n, sizeof n, "Fewer than %g", r->threshold);
    else
        snprintf(n, sizeof n, "%.0f",
                 vemt_disclosure_round((double)months, r->threshold,
                                       r->threshold > 0 ? r->round_to : 0));
    fprintf(out,
            "%s%s month-only events were spread evenly over the days of "
            "their month (--spread-months): their share of each week or day "
            "is an estimate, not an observed count.\n",
            md ? "- " : "  ", n);
}

static const char month_names[][10] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *vemt_report_date_words(const vemt_tz *tz, int64_t t, bool month,
                                   char *buf, size_t size) {
    int y, m, d;
    int64_t wall = vemt_tz_wall(tz, t);
    int64_t days = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400);
    vemt_civil_from_days(days, &y, &m, &d);
    if (month)
        snprintf(buf, size, "%s %d", month_names[m - 1], y);
    else
        snprintf(buf, size, "%d %s %d", d, month_names[m - 1], y);
    return buf;
}

bool vemt_report_steps_are_months(const vemt_cube *c) {
    char label[32];
    vemt_cube_step_label(c, 0, label, sizeof label);
    return strlen(label) == 7 && vemt_cube_step_days(c, 0) >= 28;
}

void vemt_report_period_words(const vemt_tz *tz, const vemt_cube *cube,
                              int64_t first, int64_t last, bool months,
                              char *buf, size_t size) {
    char from[48], to[48];
    if (cube && vemt_report_steps_are_months(cube)) {
        first = vemt_cube_step_start(cube, 0);
        last = vemt_cube_step_start(cube, vemt_cube_steps(cube) - 1);
        months = true;
    }
    vemt_report_date_words(tz, first, months, from, sizeof from);
    vemt_report_date_words(tz, last, months, to, sizeof to);
    if (!strcmp(from, to))
        snprintf(buf, size, "%s", from);
    else
        snprintf(buf, size, "%s to %s", from, to);
}

/* The units in words: "400 m grid cells (squares, 1682 of them)". */
static void units_words(const vemt_units *g, char *buf, size_t size) {
    size_t n = vemt_units_count(g);
    if (vemt_units_shape(g) == VEMT_UNIT_POLYGON)
        snprintf(buf, size, "%zu areas (--areas polygons)", n);
    else
        snprintf(buf, size, "%g m grid cells (%s, %zu of them)",
                 vemt_units_cell_m(g),
                 vemt_units_shape(g) == VEMT_UNIT_HEX ? "hexagons, flat to flat"
                                                      : "squares",
                 n);
}

enum { MAX_CATEGORIES = 16 };

/* Whether the categories of event e are listed in style. */
static bool category_listed(const vemt_event *e, const vemt_job *a,
                            vemt_categories_style style) {
    if (!e->category) return false;
    if (style == VEMT_CATEGORIES_REPORT)
        return e->kind == VEMT_KIND_INCIDENT && !e->excluded;
    return vemt_event_counted(e, a->kinds);
}

/* The first max distinct categories of the events listed in style, as
 * text offsets in off[] with their events in cnt[]; *more: there are
 * others. Returns how many. */
static size_t categories_seen(const vemt_events *events, const vemt_job *a,
                              vemt_categories_style style, size_t max,
                              uint32_t *off, size_t *cnt, bool *more) {
    size_t n = 0;
    *more = false;
    for (size_t i = 0; i < events->n; i++) {
        const vemt_event *e = &events->items[i];
        if (!category_listed(e, a, style)) continue;
        size_t j = 0;
        const char *s = vemt_events_text(events, e->category);
        while (j < n && off[j] != e->category &&
               strcmp(vemt_events_text(events, off[j]), s))
            j++;
        if (j < n)
            cnt[j]++;
        else if (n < max)
            off[n] = e->category, cnt[n++] = 1;
        else
            *more = true;
    }
    return n;
}

/* Sort the categories: the most frequent first, or alphabetical (stable:
 * ties stay as read). */
static void sort_categories(const vemt_events *events, bool by_name,
                            uint32_t *off, size_t *cnt, size_t n) {
    for (size_t i = 1; i < n; i++)
        for (size_t j = i;
             j && (by_name ? strcmp(vemt_events_text(events, off[j - 1]),
                                    vemt_events_text(events, off[j])) > 0
                           : cnt[j - 1] < cnt[j]);
             j--) {
            size_t c = cnt[j];
            uint32_t o = off[j];
            cnt[j] = cnt[j - 1], off[j] = off[j - 1];
            cnt[j - 1] = c, off[j - 1] = o;
        }
}

bool vemt_report_categories_words(FILE *out, const char *lead,
                                  const vemt_events *events, const vemt_job *a,
                                  vemt_categories_style style) {
    bool report = style == VEMT_CATEGORIES_REPORT, more;
    uint32_t off[MAX_CATEGORIES];
    size_t cnt[MAX_CATEGORIES];
    size_t n = categories_seen(events, a, style, report ? 12 : MAX_CATEGORIES,
                               off, cnt, &more);
    const char *only = a ? a->categories : NULL;
    const char *but = a ? a->exclude_categories : NULL;
    if (report && !n && !only && !but) return false;
    fputs(lead, out);
    if (!report)
        sort_categories(events, style != VEMT_CATEGORIES_PACK, off, cnt, n);
    if (report && only)
        fprintf(out, "%s %s (--categories)",
                only[0] == '/' ? "those matching" : "only", only);
    if (report && but)
        fprintf(out, "%sleaving out %s (--exclude-categories)",
                only ? ", " : "", but);
    if (!report && only)
        fprintf(out, "those matching %s (--categories)", only);
    else if (!report && but)
        fprintf(out, "all but those matching %s (--exclude-categories)", but);
    if (!only && !but) fputs("all", out);
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s%s", k ? ", " : ": ", vemt_events_text(events, off[k]));
    if (more) fputs(report ? " and more" : " and others", out);
    if (!n && !report)
        fputs(": not recorded in the data (no category column)", out);
    return true;
}

/* What was analysed, in words: the period, the units and the
 * categories. */
static void analysed(FILE *out, const vemt_summary *s, const char *period,
                     bool md) {
    char text[160];
    const char *dash = md ? "- " : "  ";
    heading(out, md, "What was analysed");
    fprintf(out, "%sPeriod: %s.\n", dash, period);
    if (s->grid) {
        units_words(s->grid, text, sizeof text);
        fprintf(out, "%sUnits: %s.\n", dash, text);
    }
    char lead[32];
    snprintf(lead, sizeof lead, "%sCategories analysed: ", dash);
    if (vemt_report_categories_words(out, lead, s->events, s->job,
                                     VEMT_CATEGORIES_REPORT))
        fputs(".\n", out);
}

/* Locations of concern: said only where there are subjects to link. */
static void concern_sentences(FILE *out, const vemt_summary *s, bool md) {
    bool subjects = false;
    for (size_t i = 0; i < s->events->n && !subjects; i++)
        subjects = s->events->items[i].subject_key[0] != '\0';
    if (!subjects) return;
    long k = s->job ? s->job->min_children : 3;
    heading(out, md, "Locations of concern");
    if (!s->safeguarding->n_places)
        fprintf(out,
                "%sNone: no place is linked to %ld or more distinct "
                "children (--min-children).\n",
                md ? "- " : "  ", k);
    else
        fprintf(out,
                "%s%zu places are each linked to %ld or more distinct "
                "children (see the locations_of_concern layer).\n",
                md ? "" : "  ", s->safeguarding->n_places, k);
}

/* Why there is no patrol window. */
static void no_patrol_reason(FILE *out, const vemt_summary *s, bool md) {
    unsigned kinds = s->job ? s->job->kinds : ~0u;
    size_t timed = 0, hot = 0, n = s->grid ? vemt_units_count(s->grid) : 0;
    for (size_t i = 0; i < s->events->n && !timed; i++) {
        const vemt_event *e = &s->events->items[i];
        timed += vemt_event_counted(e, kinds) && e->precision < VEMT_PREC_DAY;
    }
    for (size_t u = 0; s->bins && u < n && !hot; u++) hot += s->bins[u] >= 3;
    const char *dash = md ? "- " : "  ";
    if (!timed)
        fprintf(out,
                "%sNone: no event is known to the hour (events known only "
                "to the day or month, as police.uk's, are left out).\n",
                dash);
    else if (!hot && !(s->dbscan && s->dbscan->n))
        fprintf(out,
                "%sNone: patrol windows are computed for hot spots at 99 %% "
                "confidence and DBSCAN clusters, and there is neither.\n",
                dash);
    else
        fprintf(out,
                "%sNone: no hot %s (99 %%) or DBSCAN cluster has an event "
                "known to the hour.\n",
                dash, s->grid ? unit_noun(s->grid) : "cell");
}

/* Patrol windows by the places people know, or why there is none. */
static void patrol_sentences(FILE *out, const vemt_summary *s, bool md) {
    heading(out, md, "Patrol windows (local time)");
    const vemt_safeguarding_out *sg = s->safeguarding;
    if (!sg) {
        fprintf(out,
                "%sWithheld in the %s tier: patrol windows show where and "
                "when events happen.\n",
                md ? "- " : "  ", vemt_tier_name(s->rules->tier));
        return;
    }
    char place[400];
    for (size_t i = 0; i < sg->n_patrol && i < 5; i++) {
        fprintf(out, "%s%zu. ", md ? "" : "  ", i + 1);
        patrol_place(s, &sg->patrol[i], place, sizeof place);
        patrol_line(out, &sg->patrol[i], place);
    }
    if (!sg->n_patrol) no_patrol_reason(out, s, md);
}

void vemt_report_summary(FILE *out, const vemt_summary *s, bool md) {
    int64_t t0, t1;
    char a[32] = "", b[32] = "", period[160] = "";
    const vemt_cube *cube = s->trends ? s->trends->cube : NULL;
    if (vemt_outputs_time_range(s->events, &t0, &t1)) {
        /* Dates of the analysis zone's calendar (a police.uk month label
         * is its local month), in whole units of the tier's date grain, as
         * the metadata's time_window: the first and last events' days
         * would date them. */
        const vemt_tz *tz = s->job ? s->job->tz : NULL;
        vemt_disclosure_time_window(s->rules, tz, &t0, &t1);
        vemt_time_format_utc(vemt_tz_wall(tz, t0), a, sizeof a);
        vemt_time_format_utc(vemt_tz_wall(tz, t1), b, sizeof b);
        size_t len = s->rules->finest_date == VEMT_GRAIN_MONTH ? 7 : 10;
        a[len] = b[len] = '\0';
        vemt_report_period_words(tz, cube, t0, t1, len == 7, period,
                                 sizeof period);
        size_t T = cube ? vemt_cube_steps(cube) : 0;
        if (T > 1 && vemt_report_steps_are_months(cube)) {
            size_t used = strlen(period);
            snprintf(period + used, sizeof period - used, " (%zu months)", T);
        }
    }
    if (md)
        fprintf(out, "# vemt run summary (%s tier)\n\nData from %s to %s.\n",
                vemt_tier_name(s->rules->tier), a, b);
    analysed(out, s, period, md);
    calendar(out, s, md);
    if (md && s->alerts && *s->alerts) {
        /* On stderr already; the report keeps them with the results. */
        heading(out, md, "Warnings");
        for (const char *p = s->alerts; *p;) {
            size_t n = strcspn(p, "\n");
            const char *t = p;
            if (!strncmp(t, "warning: ", 9)) t += 9;
            fprintf(out, "- %.*s\n", (int)(n - (size_t)(t - p)), t);
            p += n + (p[n] == '\n');
        }
    }
    if (s->cluster_alerts && *s->cluster_alerts) {
        /* Clusters that are the whole pattern (pipeline/clusters.c). */
        heading(out, md, "Clusters");
        for (const char *p = s->cluster_alerts; *p;) {
            size_t n = strcspn(p, "\n");
            const char *t = p;
            if (!strncmp(t, "warning: ", 9)) t += 9;
            fprintf(out, "%s%.*s\n", md ? "- " : "  ",
                    (int)(n - (size_t)(t - p)), t);
            p += n + (p[n] == '\n');
        }
    }
    size_t kinds[VEMT_KIND_END] = {0};
    for (size_t i = 0; i < s->events->n; i++) kinds[s->events->items[i].kind]++;
    heading(out, md, "Events by kind");
    for (int k = 0; k < VEMT_KIND_END; k++) {
        /* Outside the restricted tier a small count is not given. */
        if (kinds[k] && (double)kinds[k] < s->rules->threshold)
            fprintf(out, "%s%s: fewer than %g\n", md ? "- " : "  ",
                    vemt_kind_str((vemt_kind)k), s->rules->threshold);
        else
            fprintf(out, "%s%s: %.0f\n", md ? "- " : "  ",
                    vemt_kind_str((vemt_kind)k),
                    vemt_disclosure_round(
                        (double)kinds[k], s->rules->threshold,
                        s->rules->threshold > 0 ? s->rules->round_to : 0));
    }
    /* The rule of distinct subjects (engine/subjects.c): events without a
     * subject key are of unknown subjects, in no subject or child count. */
    size_t unknown = vemt_subjects_unknown(s->events, ~0u);
    if (unknown) {
        double shown = vemt_disclosure_round(
            (double)unknown, s->rules->threshold,
            s->rules->threshold > 0 ? s->rules->round_to : 0);
        if ((double)unknown < s->rules->threshold)
            fprintf(out, "%sFewer than %g events", md ? "- " : "  ",
                    s->rules->threshold);
        else
            fprintf(out, "%s%.0f events", md ? "- " : "  ", shown);
        fprintf(out,
                " have no subject key: their subjects are unknown and left "
                "out of every count of distinct subjects and children "
                "(n_subjects, n_children, --min-children, the child-level "
                "test).\n");
    }
    /* stdout listed them as the run went (pipeline/run.c). */
    if (s->grid && md) {
        heading(
            out, md,
            vemt_units_polygons(s->grid) ? "Hottest areas" : "Hottest cells");
        fprintf(out,
                "Ranked %s (hot spots at 99 %% confidence first, then 95 "
                "%%, then 90 %%)%s; hotspot_cells.rank gives the whole "
                "order.\n\n",
                VEMT_RANK_RULE,
                s->rules->threshold > 0
                    ? ", on the published values only (a withheld bin or "
                      "count sorts last)"
                    : "");
        vemt_report_top_cells(out, s, 5, md);
    }
    if (s->safeguarding) concern_sentences(out, s, md);
    if (s->grid) patrol_sentences(out, s, md);
    if (s->trends) trend_sentences(out, s, md);
}
