/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_tz.c
 * @brief Time zones from the system's tzdata: offsets over history, the
 * footer rule past the last transition, wall times in the gap and the
 * repeat, local dates and midnights.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "ingest/ingest.h"
#include "tests/test.h"

/* Seconds of a UTC date-time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s) {
    return vemt_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static vemt_tz *load(const char *name) {
    vemt_ctx *ctx = NULL;
    if (vemt_ctx_create(1, &ctx)) exit(1);
    vemt_tz *tz = NULL;
    if (vemt_tz_load(ctx, name, &tz)) {
        fprintf(stderr, "%s\n", vemt_ctx_error(ctx)->msg);
        exit(1);
    }
    vemt_ctx_destroy(ctx);
    return tz;
}

/* Reference offsets from Python's zoneinfo (an independent reader of the
 * same tzdata): /usr/bin/python3 -c 'from zoneinfo import ZoneInfo; ...
 * datetime(..., tzinfo=timezone.utc).astimezone(ZoneInfo(z)).utcoffset()'
 */
TEST(offsets_match_zoneinfo) {
    static const struct {
        const char *zone;
        int y, mo, d, h, mi, s;
        int32_t off;
    } cases[] = {
        {"Europe/London", 2022, 3, 27, 0, 59, 59, 0},
        {"Europe/London", 2022, 3, 27, 1, 0, 0, 3600},
        {"Europe/London", 2022, 10, 30, 0, 59, 59, 3600},
        {"Europe/London", 2022, 10, 30, 1, 0, 0, 0},
        {"Europe/London", 1970, 1, 1, 0, 0, 0, 3600}, /* British Standard
                                                         Time 1968-71 */
        {"Europe/London", 1941, 6, 1, 0, 0, 0, 7200}, /* double summer */
        {"Europe/London", 1900, 1, 1, 0, 0, 0, 0},
        {"Europe/London", 2100, 7, 1, 12, 0, 0, 3600}, /* footer rule */
        {"Europe/London", 2100, 12, 1, 12, 0, 0, 0},
        {"America/New_York", 2022, 7, 1, 0, 0, 0, -14400},
        {"America/New_York", 2022, 1, 1, 0, 0, 0, -18000},
        {"Australia/Sydney", 2022, 1, 1, 0, 0, 0, 39600},
        {"Australia/Sydney", 2022, 7, 1, 0, 0, 0, 36000},
        {"Australia/Sydney", 2090, 1, 15, 0, 0, 0, 39600},
        {"Australia/Sydney", 2090, 7, 15, 0, 0, 0, 36000},
        {"Europe/Dublin", 2090, 1, 1, 0, 0, 0, 0}, /* negative DST rule */
        {"Europe/Dublin", 2090, 7, 1, 0, 0, 0, 3600},
        {"America/Sao_Paulo", 2018, 11, 4, 3, 0, 0, -7200},
        {"America/Sao_Paulo", 2018, 11, 4, 2, 59, 59, -10800},
        {"UTC", 2022, 7, 1, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vemt_tz *tz = load(cases[i].zone);
        CHECK_STR_EQ(vemt_tz_name(tz), cases[i].zone);
        int64_t t = utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
                        cases[i].mi, cases[i].s);
        CHECK_INT_EQ(vemt_tz_offset(tz, t), cases[i].off);
        vemt_tz_destroy(tz);
    }
}

TEST(wall_times_in_the_gap_and_the_repeat) {
    vemt_tz *tz = load("Europe/London");
    int64_t t;
    /* 01:30 on 27 March 2022 never happened in London. */
    int64_t wall = utc(2022, 3, 27, 1, 30, 0);
    CHECK_INT_EQ(vemt_tz_instant(tz, wall, &t), VEMT_TZ_SKIPPED);
    CHECK_INT_EQ(t, utc(2022, 3, 27, 1, 0, 0));
    /* 01:30 on 30 October 2022 happened twice: BST first. */
    wall = utc(2022, 10, 30, 1, 30, 0);
    CHECK_INT_EQ(vemt_tz_instant(tz, wall, &t), VEMT_TZ_REPEATED);
    CHECK_INT_EQ(t, utc(2022, 10, 30, 0, 30, 0));
    wall = utc(2022, 7, 1, 12, 0, 0);
    CHECK_INT_EQ(vemt_tz_instant(tz, wall, &t), VEMT_TZ_UNIQUE);
    CHECK_INT_EQ(t, utc(2022, 7, 1, 11, 0, 0));
    /* Past the last transition the file lists: the footer rule. */
    wall = utc(2090, 3, 26, 1, 30, 0);
    CHECK_INT_EQ(vemt_tz_instant(tz, wall, &t), VEMT_TZ_SKIPPED);
    CHECK_INT_EQ(t, utc(2090, 3, 26, 1, 0, 0));
    vemt_tz_destroy(tz);
}

TEST(dates_and_midnights) {
    vemt_tz *tz = load("Europe/London");
    int64_t apr1 = vemt_days_from_civil(2022, 4, 1);
    CHECK_INT_EQ(vemt_tz_day_start(tz, apr1), utc(2022, 3, 31, 23, 0, 0));
    CHECK_INT_EQ(vemt_tz_date(tz, utc(2022, 3, 31, 23, 0, 0)), apr1);
    CHECK_INT_EQ(vemt_tz_date(tz, utc(2022, 3, 31, 22, 59, 59)), apr1 - 1);
    int64_t mar27 = vemt_days_from_civil(2022, 3, 27);
    CHECK_INT_EQ(vemt_tz_day_start(tz, mar27), utc(2022, 3, 27, 0, 0, 0));
    CHECK_INT_EQ(
        vemt_tz_day_start(tz, mar27 + 1) - vemt_tz_day_start(tz, mar27),
        23 * 3600);
    vemt_tz_destroy(tz);
    /* Sao Paulo's clocks went from 00:00 to 01:00 on 4 November 2018: that
     * day began at 01:00 local, 03:00 UTC. */
    tz = load("America/Sao_Paulo");
    CHECK_INT_EQ(vemt_tz_day_start(tz, vemt_days_from_civil(2018, 11, 4)),
                 utc(2018, 11, 4, 3, 0, 0));
    vemt_tz_destroy(tz);
    /* NULL is UTC. */
    CHECK_INT_EQ(vemt_tz_offset(NULL, 12345), 0);
    CHECK_INT_EQ(vemt_tz_date(NULL, -1), -1);
    CHECK_STR_EQ(vemt_tz_name(NULL), "UTC");
}

TEST(unknown_and_bad_zones) {
    vemt_ctx *ctx = NULL;
    if (vemt_ctx_create(1, &ctx)) exit(1);
    vemt_tz *tz = NULL;
    CHECK_INT_EQ(vemt_tz_load(ctx, "Europe/Atlantis", &tz), VEMT_E_ARG);
    CHECK(strstr(vemt_ctx_error(ctx)->msg,
                 "unknown time zone \"Europe/Atlantis\""));
    CHECK(tz == NULL);
    CHECK_INT_EQ(vemt_tz_load(ctx, "../../etc/passwd", &tz), VEMT_E_ARG);
    CHECK_INT_EQ(vemt_tz_load(ctx, "/etc/passwd", &tz), VEMT_E_ARG);
    CHECK_INT_EQ(vemt_tz_load(ctx, "Europe/", &tz), VEMT_E_ARG);
    /* Not TZif: refused, not misread. */
    const char junk[64] = "TZif2 but then nothing sensible";
    CHECK_INT_EQ(vemt_tz_parse("junk", junk, sizeof junk, &tz), VEMT_E_ARG);
    CHECK_INT_EQ(vemt_tz_parse("junk", "abc", 3, &tz), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
}

/* Every cut of a real file is refused, never misread or read past its end
 * (the suite also runs under AddressSanitizer). */
TEST(truncated_files) {
    FILE *f = fopen("/usr/share/zoneinfo/Europe/London", "rb");
    CHECK(f != NULL);
    if (!f) return;
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    vemt_tz *tz = NULL;
    size_t ok = 0;
    for (size_t len = 0; len < n; len++) {
        unsigned char *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        vemt_status st = vemt_tz_parse("cut", copy, len, &tz);
        ok += st == VEMT_OK;
        vemt_tz_destroy(tz);
        tz = NULL;
        free(copy);
    }
    CHECK_INT_EQ(ok, 0);
    CHECK_INT_EQ(vemt_tz_parse("whole", buf, n, &tz), VEMT_OK);
    vemt_tz_destroy(tz);
}

/* A version 1 file of one transition, built here: times are 32-bit and
 * there is no footer, so the last type holds for ever. */
TEST(version_one_file) {
    unsigned char b[44 + 4 + 1 + 12 + 8] = "TZif";
    b[35] = 1; /* timecnt */
    b[39] = 2; /* typecnt */
    b[43] = 8; /* charcnt */
    unsigned char *p = b + 44;
    p[0] = 0, p[1] = 0, p[2] = 0x0e, p[3] = 0x10; /* t = 3600 */
    p[4] = 1;                                     /* -> type 1 */
    /* type 0: +0; type 1: +7200 */
    p[5 + 6 + 2] = 0x1c, p[5 + 6 + 3] = 0x20;
    memcpy(p + 17, "AAA\0BBB\0", 8);
    vemt_tz *tz = NULL;
    CHECK_INT_EQ(vemt_tz_parse("v1", b, sizeof b, &tz), VEMT_OK);
    if (!tz) return;
    CHECK_INT_EQ(vemt_tz_offset(tz, 3599), 0);
    CHECK_INT_EQ(vemt_tz_offset(tz, 3600), 7200);
    CHECK_INT_EQ(vemt_tz_offset(tz, (int64_t)1 << 40), 7200);
    vemt_tz_destroy(tz);
}

TEST_SUITE(tz) {
    RUN(offsets_match_zoneinfo);
    RUN(wall_times_in_the_gap_and_the_repeat);
    RUN(dates_and_midnights);
    RUN(unknown_and_bad_zones);
    RUN(truncated_files);
    RUN(version_one_file);
}
