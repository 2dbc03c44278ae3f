/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_value.c
 * @brief Number and date parsers, including summer-time edges in the
 * input time zone (Europe/London by default, New York, UTC).
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "ingest/value.h"
#include "tests/test.h"

/* The zones of the tests, loaded from the system's tzdata as a run loads
 * them; freed when the suite ends. */
static vemt_tz *zones[2];

static const vemt_tz *zone(int k) {
    static const char names[][24] = {"Europe/London", "America/New_York"};
    if (!zones[k] && vemt_tz_load(NULL, names[k], &zones[k])) {
        fprintf(stderr, "no time zone %s\n", names[k]);
        abort();
    }
    return zones[k];
}

#define LONDON zone(0)
#define NEW_YORK zone(1)

static int64_t utc(int y, int m, int d, int h, int mi, int s) {
    return vemt_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + s;
}

TEST(numbers) {
    double v;
    const char *why;
    CHECK_INT_EQ(vemt_value_number(" 460123.5 ", &v, &why), VEMT_OK);
    CHECK_NEAR(v, 460123.5, 0);
    CHECK_INT_EQ(vemt_value_number("", &v, &why), VEMT_E_MISSING);
    CHECK_INT_EQ(vemt_value_number("n/a", &v, &why), VEMT_E_NUMBER);
    CHECK_INT_EQ(vemt_value_number("0x10", &v, &why), VEMT_E_NUMBER);
    CHECK_INT_EQ(vemt_value_number("nan", &v, &why), VEMT_E_NUMBER);
    CHECK_INT_EQ(vemt_value_number("1e999", &v, &why), VEMT_E_NUMBER);
    CHECK_INT_EQ(vemt_value_number("12 3", &v, &why), VEMT_E_NUMBER);
}

/* The exact decimal path must give the very double strtod gives (glibc's
 * strtod rounds correctly), on random decimals of every length and shape
 * an export writes, and on the edge shapes. */
TEST(numbers_match_strtod) {
    static const char *edge[] = {"-0",
                                 "+5",
                                 ".5",
                                 "5.",
                                 "-.25",
                                 "0.0",
                                 "999999999999999",
                                 "-999999999999.999",
                                 "0000000000000001234.5",
                                 "1234567890123456",
                                 "0.1",
                                 "0.3",
                                 "1e5",
                                 "2.5E-3",
                                 " 7\t",
                                 "454933.6",
                                 "-1.2345678901234"};
    char buf[64];
    double v, ref;
    const char *why;
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        CHECK_INT_EQ(vemt_value_number(edge[i], &v, &why), VEMT_OK);
        ref = strtod(edge[i], NULL);
        CHECK(memcmp(&v, &ref, sizeof v) == 0);
    }
    uint64_t x = 88172645463325252ULL; /* xorshift64 (Marsaglia 2003) */
    for (int k = 0; k < 200000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int nd = 1 + (int)(x % 17),
            point = (int)((x >> 8) % (unsigned)(nd + 1));
        size_t n = 0;
        if (x >> 63) buf[n++] = '-';
        for (int d = 0; d < nd; d++) {
            if (d == point && d) buf[n++] = '.';
            buf[n++] = (char)('0' + (x >> (10 + 3 * (d % 17))) % 10);
        }
        buf[n] = '\0';
        CHECK_INT_EQ(vemt_value_number(buf, &v, &why), VEMT_OK);
        ref = strtod(buf, NULL);
        if (memcmp(&v, &ref, sizeof v) != 0) {
            fprintf(stderr, "  %s: %.17g, strtod %.17g\n", buf, v, ref);
            CHECK(false);
            break;
        }
    }
}

TEST(iso_with_zone) {
    vemt_time t;
    const char *why;
    CHECK_INT_EQ(vemt_value_time("2024-07-01T12:30:05Z", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 1, 12, 30, 5));
    CHECK_INT_EQ(t.end_utc, t.start_utc);
    CHECK_INT_EQ(t.precision, VEMT_PREC_SECOND);
    CHECK_INT_EQ(
        vemt_value_time("2016-11-01T10:30:00+01:00", 0, LONDON, &t, &why), 0);
    CHECK_INT_EQ(t.start_utc, utc(2016, 11, 1, 9, 30, 0));
    CHECK_INT_EQ(
        vemt_value_time("2024-07-01T12:30:05.250-0130", 0, LONDON, &t, &why),
        0);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 1, 14, 0, 5));
}

TEST(local_london) {
    vemt_time t;
    const char *why;
    /* Summer: BST = UTC+1. Winter: GMT. */
    CHECK_INT_EQ(vemt_value_time("2024-07-01 12:30", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 1, 11, 30, 0));
    CHECK_INT_EQ(t.precision, VEMT_PREC_MINUTE);
    CHECK_INT_EQ(vemt_value_time("15/01/2024 08:00", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 1, 15, 8, 0, 0));
    /* 2024-03-31: clocks go 01:00 GMT -> 02:00 BST; 01:30 does not exist. */
    CHECK_INT_EQ(vemt_value_time("2024-03-31T01:30:00", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_STR_EQ(why, "local time does not exist (clocks went forward)");
    CHECK_INT_EQ(vemt_value_time("2024-03-31T02:00:00", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 3, 31, 1, 0, 0));
    CHECK_INT_EQ(vemt_value_time("2024-03-31T00:59:59", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 3, 31, 0, 59, 59));
    /* 2024-10-27: 01:30 happens twice; the earlier (BST) instant is taken. */
    CHECK_INT_EQ(vemt_value_time("2024-10-27T01:30:00", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 10, 27, 0, 30, 0));
    CHECK(t.ambiguous);
    CHECK_INT_EQ(vemt_value_time("2024-10-27T02:00:00", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 10, 27, 2, 0, 0));
    CHECK(!t.ambiguous);
}

TEST(days_and_months) {
    vemt_time t;
    const char *why;
    CHECK_INT_EQ(vemt_value_time("2024-02", 0, LONDON, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.precision, VEMT_PREC_MONTH);
    CHECK_INT_EQ(t.start_utc, utc(2024, 2, 1, 0, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2024, 2, 29, 23, 59, 59));
    /* A July day is a BST day: 23:00 UTC the day before to 22:59:59. */
    CHECK_INT_EQ(vemt_value_time("2024-07-10", 0, LONDON, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.precision, VEMT_PREC_DAY);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 9, 23, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2024, 7, 10, 22, 59, 59));
}

TEST(bad_dates) {
    vemt_time t;
    const char *why;
    CHECK_INT_EQ(vemt_value_time("2024-02-30T10:00:00Z", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_STR_EQ(why, "impossible date or time");
    CHECK_INT_EQ(vemt_value_time("2023-02-29", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_INT_EQ(vemt_value_time("yesterday", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_STR_EQ(why, "not a date");
    CHECK_INT_EQ(vemt_value_time("2024-01-01T25:00", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_INT_EQ(vemt_value_time("2024-01-01T10:00Zjunk", 0, LONDON, &t, &why),
                 VEMT_E_DATE);
    CHECK_INT_EQ(vemt_value_time("  ", 0, LONDON, &t, &why), VEMT_E_MISSING);
}

/* The input zone: a New York time moves by its own offsets (EST UTC-5 in
 * January, EDT UTC-4 in July); an explicit offset ignores the zone; NULL
 * is UTC. */
TEST(input_zone) {
    vemt_time t;
    const char *why;
    CHECK_INT_EQ(vemt_value_time("2024-01-15 08:00", 0, NEW_YORK, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 1, 15, 13, 0, 0));
    CHECK_INT_EQ(vemt_value_time("2024-07-15T08:00:00", 0, NEW_YORK, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 15, 12, 0, 0));
    CHECK_INT_EQ(vemt_value_time("2024-07-15T08:00:00", 0, NULL, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 15, 8, 0, 0));
    /* An offset wins over either zone. */
    for (int k = 0; k < 2; k++) {
        CHECK_INT_EQ(
            vemt_value_time("2024-07-15T08:00:00+02:00", 0, zone(k), &t, &why),
            VEMT_OK);
        CHECK_INT_EQ(t.start_utc, utc(2024, 7, 15, 6, 0, 0));
        CHECK_INT_EQ(vemt_value_time("2024-01-15T08:00Z", 0, zone(k), &t, &why),
                     VEMT_OK);
        CHECK_INT_EQ(t.start_utc, utc(2024, 1, 15, 8, 0, 0));
    }
    /* New York's spring gap (2024-03-10 02:00 EST -> 03:00 EDT) and autumn
     * repeat (2024-11-03 01:00-02:00 twice). */
    CHECK_INT_EQ(vemt_value_time("2024-03-10 02:30", 0, NEW_YORK, &t, &why),
                 VEMT_E_DATE);
    CHECK_STR_EQ(why, "local time does not exist (clocks went forward)");
    CHECK_INT_EQ(vemt_value_time("2024-03-10 02:30", 0, LONDON, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(vemt_value_time("2024-11-03 01:30", 0, NEW_YORK, &t, &why),
                 VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 11, 3, 5, 30, 0)); /* EDT */
    CHECK(t.ambiguous);
    /* A New York day and month are local: from 05:00 UTC in winter, 04:00
     * in summer; November 2024 starts in EDT and ends in EST. */
    CHECK_INT_EQ(vemt_value_time("2024-07-10", 0, NEW_YORK, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 10, 4, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2024, 7, 11, 3, 59, 59));
    CHECK_INT_EQ(vemt_value_time("2024-11", 0, NEW_YORK, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 11, 1, 4, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2024, 12, 1, 4, 59, 59));
    /* The London month of March 2022 ends at 23:59:59 BST on the 31st. */
    CHECK_INT_EQ(vemt_value_time("2022-03", 0, LONDON, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2022, 3, 1, 0, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2022, 3, 31, 22, 59, 59));
    /* In UTC a day is 00:00 to 23:59:59 UTC whatever the season. */
    CHECK_INT_EQ(vemt_value_time("2024-07-10", 0, NULL, &t, &why), VEMT_OK);
    CHECK_INT_EQ(t.start_utc, utc(2024, 7, 10, 0, 0, 0));
    CHECK_INT_EQ(t.end_utc, utc(2024, 7, 10, 23, 59, 59));
}

TEST_SUITE(value) {
    RUN(numbers);
    RUN(numbers_match_strtod);
    RUN(iso_with_zone);
    RUN(local_london);
    RUN(days_and_months);
    RUN(bad_dates);
    RUN(input_zone);
    vemt_tz_destroy(zones[0]);
    vemt_tz_destroy(zones[1]);
}
