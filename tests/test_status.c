/** @file test_status.c
 * @brief Status strings are non-empty and unique; input classes are a
 * range (h3 testDescribeH3Error).
 */
#include "engine/vemt.h"
#include "tests/test.h"

TEST(strings_unique) {
    for (int a = 0; a < VEMT_STATUS_END; a++) {
        const char *s = vemt_status_str((vemt_status)a);
        CHECK(s && *s);
        for (int b = 0; b < a; b++)
            CHECK(strcmp(s, vemt_status_str((vemt_status)b)) != 0);
    }
    CHECK_STR_EQ(vemt_status_str(VEMT_STATUS_END), "unknown status");
}

TEST(input_range) {
    CHECK(!vemt_status_is_input(VEMT_OK));
    CHECK(!vemt_status_is_input(VEMT_E_NOMEM));
    CHECK(!vemt_status_is_input(VEMT_E_DEPENDENCY));
    CHECK(vemt_status_is_input(VEMT_E_CSV_QUOTE));
    CHECK(vemt_status_is_input(VEMT_E_RANGE));
    CHECK(!vemt_status_is_input(VEMT_STATUS_END));
}

TEST(error_set) {
    vemt_error e;
    CHECK_INT_EQ(vemt_error_set(&e, VEMT_E_DATE, "bad %s", "x"), VEMT_E_DATE);
    CHECK_STR_EQ(e.msg, "bad x");
    CHECK_INT_EQ(e.row, 0);
    CHECK_INT_EQ(vemt_error_set(NULL, VEMT_E_IO, "ignored"), VEMT_E_IO);
}

TEST(calendar) {
    char buf[32];
    CHECK_INT_EQ(vemt_days_from_civil(1970, 1, 1), 0);
    CHECK_INT_EQ(vemt_days_from_civil(2000, 3, 1), 11017);
    CHECK_INT_EQ(vemt_days_from_civil(2024, 2, 29), 19782);
    vemt_time_format_utc(1709164800 + 3723, buf, sizeof buf);
    CHECK_STR_EQ(buf, "2024-02-29T01:02:03.000Z");
    for (int64_t d = -800; d < 800000; d += 97) {
        int y, m, dd;
        vemt_civil_from_days(d, &y, &m, &dd);
        CHECK_INT_EQ(vemt_days_from_civil(y, m, dd), d);
    }
}

TEST_SUITE(status) {
    RUN(strings_unique);
    RUN(input_range);
    RUN(error_set);
    RUN(calendar);
}
