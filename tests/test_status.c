/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* The context's error is read-only outside the engine: vemt_ctx_fail and
 * the setters are the only ways to write it. */
TEST(ctx_fail) {
    vemt_ctx *ctx;
    CHECK_INT_EQ(vemt_ctx_create(1, &ctx), VEMT_OK);
    CHECK_INT_EQ(vemt_ctx_fail(ctx, VEMT_E_MISSING, "no %s", "column"),
                 VEMT_E_MISSING);
    vemt_ctx_set_source(ctx, "in.csv");
    vemt_ctx_set_location(ctx, 3, 4, 2, "occurred_at");
    const vemt_error *e = vemt_ctx_error(ctx);
    CHECK_INT_EQ(e->code, VEMT_E_MISSING);
    CHECK_STR_EQ(e->msg, "no column");
    CHECK_STR_EQ(e->source, "in.csv");
    CHECK_INT_EQ(e->row, 3);
    CHECK_INT_EQ(e->line, 4);
    CHECK_INT_EQ(e->column, 2);
    CHECK_STR_EQ(e->field, "occurred_at");
    /* A new failure resets the location, as vemt_error_set does. */
    CHECK_INT_EQ(vemt_ctx_fail(ctx, VEMT_E_IO, "again"), VEMT_E_IO);
    CHECK(e->source == NULL && e->row == 0 && e->column == 0);
    CHECK_STR_EQ(e->field, "");
    vemt_ctx_set_location(ctx, 1, 1, 0, NULL);
    CHECK_STR_EQ(e->field, "");
    CHECK_INT_EQ(vemt_ctx_fail(NULL, VEMT_E_ARG, "ignored"), VEMT_E_ARG);
    vemt_ctx_destroy(ctx);
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
    RUN(ctx_fail);
    RUN(calendar);
}
