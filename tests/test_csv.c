/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_csv.c
 * @brief The RFC 4180 tokenizer.
 */
#include "ingest/csv.h"
#include "tests/test.h"

/* Tokenize text and return the record at index k (0 = header). */
static vemt_csv *open_text(const char *text) {
    vemt_csv *c = NULL;
    if (vemt_csv_create(text, strlen(text), 0, &c)) return NULL;
    return c;
}

TEST(quoted_fields) {
    const char *text = "a,b,c\r\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n";
    vemt_csv *c = open_text(text);
    vemt_csv_record r;
    CHECK_INT_EQ(vemt_csv_next(c, &r), VEMT_OK);
    CHECK_INT_EQ(r.n, 3);
    CHECK_STR_EQ(r.fields[2], "c");
    CHECK_INT_EQ(vemt_csv_next(c, &r), VEMT_OK);
    CHECK_INT_EQ(r.n, 3);
    CHECK_STR_EQ(r.fields[0], "x,1");
    CHECK_STR_EQ(r.fields[1], "say \"hi\"");
    CHECK_STR_EQ(r.fields[2], "two\nlines");
    CHECK_INT_EQ(r.line, 2);
    CHECK_INT_EQ(r.row, 2);
    CHECK_INT_EQ(r.bad, VEMT_OK);
    CHECK_INT_EQ(vemt_csv_next(c, &r), VEMT_OK);
    CHECK(r.eof);
    vemt_csv_destroy(c);
}

TEST(line_after_embedded_newline) {
    vemt_csv *c = open_text("h1,h2\n\"a\nb\",1\nc,2\n");
    vemt_csv_record r;
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    CHECK_STR_EQ(r.fields[0], "c");
    CHECK_INT_EQ(r.line, 4);
    CHECK_INT_EQ(r.row, 3);
    vemt_csv_destroy(c);
}

TEST(bom_and_delimiters) {
    vemt_csv *c = open_text("\xEF\xBB\xBFid;date\n1;2024-01-01\n");
    vemt_csv_record r;
    CHECK_INT_EQ(vemt_csv_delimiter(c), ';');
    vemt_csv_next(c, &r);
    CHECK_STR_EQ(r.fields[0], "id");
    vemt_csv_destroy(c);
    c = open_text("id\tdate\n1\t2\n");
    CHECK_INT_EQ(vemt_csv_delimiter(c), '\t');
    vemt_csv_destroy(c);
    c = open_text("\"a;b\",c\n");
    CHECK_INT_EQ(vemt_csv_delimiter(c), ',');
    vemt_csv_destroy(c);
}

TEST(unclosed_quote_recovers) {
    vemt_csv *c = open_text("a,b\n\"oops,1\n2,3\n4,5\n");
    vemt_csv_record r;
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_E_CSV_QUOTE);
    CHECK_INT_EQ(r.bad_column, 1);
    CHECK_INT_EQ(r.raw_len, 7);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_OK);
    CHECK_STR_EQ(r.fields[0], "2");
    CHECK_INT_EQ(r.line, 3);
    vemt_csv_next(c, &r);
    CHECK_STR_EQ(r.fields[1], "5");
    vemt_csv_destroy(c);
}

TEST(text_after_quote_and_utf8) {
    vemt_csv *c = open_text("a,b\n\"x\"y,1\nok,\xC3\x28\n\xE2\x82\xAC,2\n");
    vemt_csv_record r;
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_E_CSV_QUOTE);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_E_ENCODING);
    CHECK_INT_EQ(r.bad_column, 2);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_OK); /* the euro sign is valid UTF-8 */
    vemt_csv_destroy(c);
}

TEST(empty_fields_and_blank_lines) {
    vemt_csv *c = open_text("a,b,c\n\n,,\n\r\nx,,z");
    vemt_csv_record r;
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.n, 3);
    CHECK_STR_EQ(r.fields[1], "");
    CHECK_INT_EQ(r.line, 3);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.n, 3);
    CHECK_STR_EQ(r.fields[2], "z");
    CHECK_INT_EQ(r.line, 5);
    vemt_csv_next(c, &r);
    CHECK(r.eof);
    vemt_csv_destroy(c);
}

TEST(nul_byte_rejected) {
    /* Found by fuzz_csv: a NUL ended the field's string and hid the
     * invalid byte after it. */
    static const char text[] = "id,category\nI1,caf\0\xE9\nI2,ok\n";
    vemt_csv *c = NULL;
    vemt_csv_create(text, sizeof text - 1, 0, &c);
    vemt_csv_record r;
    vemt_csv_next(c, &r);
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_E_ENCODING);
    CHECK_INT_EQ(r.bad_column, 2);
    CHECK_STR_EQ(r.bad_why, "NUL byte in the data");
    vemt_csv_next(c, &r);
    CHECK_INT_EQ(r.bad, VEMT_OK);
    CHECK_STR_EQ(r.fields[1], "ok");
    vemt_csv_destroy(c);
}

TEST_SUITE(csv) {
    RUN(quoted_fields);
    RUN(line_after_embedded_newline);
    RUN(bom_and_delimiters);
    RUN(unclosed_quote_recovers);
    RUN(text_after_quote_and_utf8);
    RUN(empty_fields_and_blank_lines);
    RUN(nul_byte_rejected);
}
