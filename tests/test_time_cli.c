/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_time_cli.c
 * @brief End to end: the time zones of a run. --input-time-zone moves
 * times without an offset by that zone's offset (winter and summer) and
 * leaves times with one alone; a local time in the spring gap is rejected
 * with the reason, one in the autumn repeat takes the earlier instant and
 * is flagged; an unknown zone is a usage error naming it; the zones and
 * --spread-months are in the provenance and the report.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/ogrutil.h"
#include "tests/provutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

static char tmpdir[64];

static int vemt(const char *args, char *err_line, size_t n) {
    return test_vemt(tmpdir, args, err_line, n);
}

static void write_file(const char *name, const char *text) {
    test_write_file(tmpdir, name, text);
}

static GDALDatasetH open_out(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
}

/* One column of the row of layer whose source_row is row, as text. */
static void field_of_row(GDALDatasetH ds, const char *layer, const char *col,
                         int row, char *buf, size_t n) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE source_row = %d", col,
             layer, row);
    test_query_text(ds, sql, buf, n);
}

/* Rows 2..7: winter and summer local times, one with an offset, one in
 * New York's spring gap (2024-03-10 02:30), one in its autumn repeat
 * (2024-11-03 01:30), a date. */
static const char incidents[] =
    "id,occurred_at,easting,northing,category\n"
    "I1,2024-01-15 08:00,460000,520000,drugs\n"
    "I2,2024-07-15 08:00,460010,520000,drugs\n"
    "I3,2024-07-15T08:00:00+02:00,460020,520000,drugs\n"
    "I4,2024-03-10 02:30,460030,520000,drugs\n"
    "I5,2024-11-03 01:30,460040,520000,drugs\n"
    "I6,2024-07-10,460050,520000,drugs\n";

TEST(input_zone_moves_local_times) {
    write_file("inc.csv", incidents);
    CHECK_INT_EQ(vemt("ingest --incidents inc.csv --input-time-zone "
                      "America/New_York --out ny.gpkg --quiet",
                      NULL, 0),
                 0);
    GDALDatasetH ds = open_out("ny.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char v[256];
    /* EST (UTC-5) in January, EDT (UTC-4) in July. */
    field_of_row(ds, "events", "start_utc", 2, v, sizeof v);
    CHECK_STR_EQ(v, "2024/01/15 13:00:00+00");
    field_of_row(ds, "events", "start_utc", 3, v, sizeof v);
    CHECK_STR_EQ(v, "2024/07/15 12:00:00+00");
    field_of_row(ds, "events", "start_utc", 4, v, sizeof v);
    CHECK_STR_EQ(v, "2024/07/15 06:00:00+00"); /* its own offset */
    field_of_row(ds, "rejects", "reason", 5, v, sizeof v);
    CHECK(strstr(v, "local time does not exist (clocks went forward)") != NULL);
    field_of_row(ds, "events", "start_utc", 6, v, sizeof v);
    CHECK_STR_EQ(v, "2024/11/03 05:30:00+00"); /* the earlier, EDT */
    field_of_row(ds, "events", "time_ambiguous", 6, v, sizeof v);
    CHECK_STR_EQ(v, "1");
    field_of_row(ds, "events", "start_utc", 7, v, sizeof v);
    CHECK_STR_EQ(v, "2024/07/10 04:00:00+00"); /* New York's midnight */
    GDALClose(ds);
    /* By default (Europe/London) the same rows read as UK local times. */
    CHECK_INT_EQ(
        vemt("ingest --incidents inc.csv --out uk.gpkg --quiet", NULL, 0), 0);
    ds = open_out("uk.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    field_of_row(ds, "events", "start_utc", 2, v, sizeof v);
    CHECK_STR_EQ(v, "2024/01/15 08:00:00+00");
    field_of_row(ds, "events", "start_utc", 3, v, sizeof v);
    CHECK_STR_EQ(v, "2024/07/15 07:00:00+00");
    field_of_row(ds, "events", "start_utc", 5, v, sizeof v);
    CHECK_STR_EQ(v, "2024/03/10 02:30:00+00");
    field_of_row(ds, "events", "time_ambiguous", 6, v, sizeof v);
    CHECK_STR_EQ(v, "0");
    GDALClose(ds);
}

/* London's spring gap (2024-03-31 01:00-02:00) and autumn repeat
 * (2024-10-27 01:00-02:00) under the default input zone. */
TEST(london_gap_and_repeat) {
    write_file("gap.csv",
               "id,occurred_at,easting,northing,category\n"
               "G1,2024-03-31 01:30,460000,520000,drugs\n"
               "G2,2024-10-27 01:30,460000,520000,drugs\n");
    char line[1024];
    CHECK_INT_EQ(
        vemt("ingest --incidents gap.csv --out gap.gpkg", line, sizeof line),
        0);
    CHECK_STR_EQ(line,
                 "gap.csv:2:2: column 'occurred_at': local time does not "
                 "exist (clocks went forward): \"2024-03-31 01:30\"");
    GDALDatasetH ds = open_out("gap.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char v[256];
    field_of_row(ds, "events", "start_utc", 3, v, sizeof v);
    CHECK_STR_EQ(v, "2024/10/27 00:30:00+00"); /* 01:30 BST */
    field_of_row(ds, "events", "time_ambiguous", 3, v, sizeof v);
    CHECK_STR_EQ(v, "1");
    GDALClose(ds);
}

TEST(unknown_zone_is_a_usage_error) {
    char line[1024];
    CHECK_INT_EQ(vemt("run --demo --time-zone Mars/Olympus_Mons --out m.gpkg",
                      line, sizeof line),
                 2);
    CHECK(strstr(line, "--time-zone") != NULL);
    CHECK(strstr(line, "Mars/Olympus_Mons") != NULL);
    CHECK_INT_EQ(vemt("ingest --demo --input-time-zone Europe/Atlantis --out "
                      "m.gpkg",
                      line, sizeof line),
                 2);
    CHECK(strstr(line, "--input-time-zone") != NULL);
    CHECK(strstr(line, "Europe/Atlantis") != NULL);
    /* Not a path out of the zone folder either. */
    CHECK_INT_EQ(vemt("run --demo --time-zone ../../etc/passwd --out m.gpkg",
                      line, sizeof line),
                 2);
    CHECK(access("m.gpkg", F_OK) != 0);
}

/* The provenance document of an output in the test's folder, or NULL
 * (caller puts it). */
static json_object *provenance(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return test_provenance(path);
}

/* A provenance parameter's value and how it was set ("" if absent). */
static const char *param(json_object *doc, const char *name, const char *key) {
    json_object *ps, *p, *v;
    if (json_object_object_get_ex(doc, "parameters", &ps) &&
        json_object_object_get_ex(ps, name, &p) &&
        json_object_object_get_ex(p, key, &v))
        return json_object_get_string(v);
    return "";
}

/* Does the file name in the test folder hold text? */
static bool file_has(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, text) != NULL;
}

/* Times before 1970 are real times, not "open": 1900 in GMT, a date of
 * 1955 in British Summer Time (from 23:00 UTC the day before), and the
 * last second of 1969. */
TEST(dates_back_to_1900) {
    write_file("old.csv",
               "id,occurred_at,easting,northing,category\n"
               "A,1900-01-01 10:00,460000,520000,x\n"
               "B,1955-06-15,460010,520000,x\n"
               "C,1969-12-31T23:59:59Z,460020,520000,x\n");
    CHECK_INT_EQ(
        vemt("ingest --incidents old.csv --out old.gpkg --quiet", NULL, 0), 0);
    GDALDatasetH ds = open_out("old.gpkg");
    CHECK(ds != NULL);
    if (!ds) return;
    char v[256];
    field_of_row(ds, "events", "start_utc", 2, v, sizeof v);
    CHECK_STR_EQ(v, "1900/01/01 10:00:00+00");
    field_of_row(ds, "events", "start_utc", 3, v, sizeof v);
    CHECK_STR_EQ(v, "1955/06/14 23:00:00+00");
    field_of_row(ds, "events", "end_utc", 3, v, sizeof v);
    CHECK_STR_EQ(v, "1955/06/15 22:59:59+00");
    field_of_row(ds, "events", "end_utc", 4, v, sizeof v);
    CHECK_STR_EQ(v, "1969/12/31 23:59:59+00");
    GDALClose(ds);
}

/* The report names a step by its local label: Merseyside's last month is
 * May 2020, whose first instant is 23:00 UTC on 30 April. */
TEST(report_names_local_months) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents "
             "'%s/policeuk/merseyside_shoplifting_13months_sample.csv' "
             "--no-kde --clusters none --no-near-repeat --permutations 9 "
             "--report ms.md --out ms.gpkg --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    CHECK(file_has("ms.md", "Data from 2019-05-01 to 2020-05-31."));
    CHECK(file_has("ms.md", "Events per day in 2020-05 "));
    CHECK(file_has("ms.md", "Over all 13 steps"));
}

/* Police.uk months under weekly steps, not asked to spread them: a usage
 * error that counts them and names both ways out, before any output. */
TEST(month_only_events_refuse_weekly_steps) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/nottingham_burglary.csv.gz' "
             "--time-step week --no-kde --clusters none --no-near-repeat "
             "--permutations 9 --out w.gpkg --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 2);
    CHECK(file_has("err.txt", "1795 of 1795 events give only a month"));
    CHECK(file_has("err.txt", "--time-step month"));
    CHECK(file_has("err.txt", "--spread-months"));
    char path[256];
    snprintf(path, sizeof path, "%s/w.gpkg", tmpdir);
    CHECK(access(path, F_OK) != 0);
}

/* Police.uk months under weekly steps, spread on request: the options in
 * the provenance and the report, which says the events were spread. */
TEST(zones_and_spreading_recorded) {
    char args[1024];
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/policeuk_street_with_gaps.csv' "
             "--time-zone UTC --time-step week --spread-months --no-kde "
             "--clusters none "
             "--no-near-repeat --permutations 9 --report r.md --out p.gpkg "
             "--quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    json_object *doc = provenance("p.gpkg");
    CHECK(doc != NULL);
    CHECK_STR_EQ(param(doc, "time_zone", "value"), "UTC");
    CHECK_STR_EQ(param(doc, "time_zone", "how"), "given");
    CHECK_STR_EQ(param(doc, "input_time_zone", "value"), "Europe/London");
    CHECK_STR_EQ(param(doc, "spread_months", "value"), "yes");
    json_object_put(doc);
    CHECK(file_has("r.md", "local time in UTC (--time-zone)"));
    CHECK(file_has("r.md", "read as local time in Europe/London"));
    CHECK(file_has("r.md",
                   "month-only events were spread evenly over the days of "
                   "their month (--spread-months)"));
    /* Monthly steps: nothing is spread, and the defaults are recorded. */
    snprintf(args, sizeof args,
             "run --incidents '%s/policeuk/policeuk_street_with_gaps.csv' "
             "--no-kde --clusters none --no-near-repeat --permutations 9 "
             "--report m.md --out m.gpkg --quiet",
             VEMT_FIXTURES);
    CHECK_INT_EQ(vemt(args, NULL, 0), 0);
    doc = provenance("m.gpkg");
    CHECK_STR_EQ(param(doc, "time_zone", "value"), "Europe/London");
    CHECK_STR_EQ(param(doc, "time_zone", "how"), "default");
    CHECK_STR_EQ(param(doc, "input_time_zone", "how"), "default");
    CHECK_STR_EQ(param(doc, "spread_months", "value"), "no");
    json_object_put(doc);
    CHECK(!file_has("m.md", "were spread"));
}

TEST_SUITE(time_cli) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vemt-time-XXXXXX");
    if (!mkdtemp(tmpdir)) return;
    GDALAllRegister();
    RUN(input_zone_moves_local_times);
    RUN(london_gap_and_repeat);
    RUN(unknown_zone_is_a_usage_error);
    RUN(month_only_events_refuse_weekly_steps);
    RUN(report_names_local_months);
    RUN(dates_back_to_1900);
    RUN(zones_and_spreading_recorded);
    test_remove_dir(tmpdir);
    GDALDestroy();
    proj_cleanup();
}
