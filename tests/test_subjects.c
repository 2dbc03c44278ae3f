/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_subjects.c
 * @brief The one counter of distinct subjects (engine/subjects.c): exact
 * keys, keyless events unknown, and the analyses that use it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "tests/test.h"

TEST(distinct_keys_counted_exactly) {
    /* Keys are compared byte for byte: the old counter of the cube hashed
     * them to 63 bits, so two children could be taken for one; here keys
     * that differ in their last byte, or where one is a prefix of the
     * other, are distinct, and equal keys count once per group. */
    const char *a = "AAAAAAAAAAAAAAAAAAAAAA1", *b = "AAAAAAAAAAAAAAAAAAAAAA2";
    vemt_subject_pair p[] = {{0, a},      {0, b},  {0, a}, {0, "abc"},
                             {0, "abcd"}, {1, a},  {1, a}, {1, ""},
                             {1, NULL},   {2, ""}, {2, b}, {0, "abc"}};
    double n[3] = {0, 0, 0};
    size_t unknown = 99;
    CHECK_INT_EQ(vemt_subjects_count(p, sizeof p / sizeof *p, n, 3, &unknown),
                 VEMT_OK);
    CHECK_NEAR(n[0], 4, 0); /* a, b, abc, abcd */
    CHECK_NEAR(n[1], 1, 0); /* a twice; the keyless are unknown */
    CHECK_NEAR(n[2], 1, 0); /* b; the keyless is unknown */
    CHECK_INT_EQ((long)unknown, 3);
    /* Counts add to what is there (several passes into one array). */
    vemt_subject_pair q[] = {{2, a}};
    CHECK_INT_EQ(vemt_subjects_count(q, 1, n, 3, NULL), VEMT_OK);
    CHECK_NEAR(n[2], 2, 0);
    /* A group outside the counts is a caller's bug, and counts stay. */
    vemt_subject_pair bad[] = {{0, a}, {3, b}};
    CHECK_INT_EQ(vemt_subjects_count(bad, 2, n, 3, NULL), VEMT_E_ARG);
    CHECK_NEAR(n[0], 4, 0);
    CHECK_INT_EQ(vemt_subjects_count(NULL, 0, n, 3, &unknown), VEMT_OK);
    CHECK_INT_EQ((long)unknown, 0);
}

static void put(vemt_events *ev, double x, double y, unsigned kind,
                const char *who) {
    vemt_event v = {0};
    v.x = x;
    v.y = y;
    v.start_utc = v.end_utc = 1704067200; /* 2024-01-01 */
    v.located = v.in_area = true;
    v.kind = (uint8_t)kind;
    snprintf(v.subject_key, sizeof v.subject_key, "%s", who);
    vemt_events_push(ev, &v);
}

TEST(cells_count_known_subjects_and_report_unknown) {
    vemt_ctx *ctx;
    vemt_units *g;
    vemt_ctx_create(1, &ctx);
    vemt_bbox e = {0, 0, 200, 100};
    CHECK_INT_EQ(vemt_units_create_square(ctx, 100, &e, NULL, &g), VEMT_OK);
    vemt_events ev = {0};
    /* Cell 0: child A twice, B once, two events without a key. Cell 1:
     * only events without a key. An episode kind not counted: ignored. */
    put(&ev, 50, 50, VEMT_KIND_INCIDENT, "A");
    put(&ev, 60, 50, VEMT_KIND_INCIDENT, "A");
    put(&ev, 70, 50, VEMT_KIND_INCIDENT, "B");
    put(&ev, 80, 50, VEMT_KIND_INCIDENT, "");
    put(&ev, 90, 50, VEMT_KIND_INCIDENT, "");
    put(&ev, 150, 50, VEMT_KIND_INCIDENT, "");
    put(&ev, 150, 50, VEMT_KIND_FOUND_AT, "C");
    size_t cells = vemt_units_count(g), c0, c1;
    CHECK(cells <= 16);
    CHECK(vemt_units_locate(g, 50, 50, &c0));
    CHECK(vemt_units_locate(g, 150, 50, &c1));
    double n[16], s[16];
    unsigned kinds = 1u << VEMT_KIND_INCIDENT;
    CHECK_INT_EQ((long)vemt_units_count_events(g, &ev, kinds, n), 6);
    CHECK_INT_EQ(vemt_units_count_subjects(g, &ev, kinds, s), VEMT_OK);
    CHECK_NEAR(n[c0], 5, 0);
    CHECK_NEAR(s[c0], 2, 0); /* A and B; the keyless are unknown */
    CHECK_NEAR(n[c1], 1, 0);
    CHECK_NEAR(s[c1], 0, 0); /* formerly 1: a keyless event was a subject */
    CHECK_INT_EQ((long)vemt_subjects_unknown(&ev, kinds), 3);
    CHECK_INT_EQ((long)vemt_subjects_unknown(&ev, ~0u), 3);
    CHECK_INT_EQ((long)vemt_subjects_unknown(&ev, 1u << VEMT_KIND_FOUND_AT), 0);
    vemt_events_clear(&ev);
    vemt_units_destroy(g);
    vemt_ctx_destroy(ctx);
}

TEST(dominance_counts_keyless_as_one_subject) {
    /* For the dominance rule (disclosure/): group 0 has one child 14
     * times and one other (the one-child home of issue 16, finding 3);
     * group 1 has 3 keyless events and 2 of one child: the keyless are one
     * subject together, the largest; group 2 has none. */
    vemt_subject_pair p[17];
    for (int i = 0; i < 14; i++) p[i] = (vemt_subject_pair){0, "k1"};
    p[14] = (vemt_subject_pair){0, "k2"};
    p[15] = (vemt_subject_pair){1, ""};
    p[16] = (vemt_subject_pair){1, NULL};
    vemt_subject_pair q[] = {{1, "k1"}, {1, ""}, {1, "k1"}};
    vemt_subject_pair all[20];
    memcpy(all, p, sizeof p);
    memcpy(all + 17, q, sizeof q);
    double subjects[3], top[3];
    CHECK_INT_EQ(vemt_subjects_top(all, 20, 3, subjects, top), VEMT_OK);
    CHECK_NEAR(subjects[0], 2, 0);
    CHECK_NEAR(top[0], 14, 0);
    CHECK_NEAR(subjects[1], 2, 0);
    CHECK_NEAR(top[1], 3, 0);
    CHECK_NEAR(subjects[2], 0, 0);
    CHECK_NEAR(top[2], 0, 0);
    vemt_subject_pair bad[] = {{3, "x"}};
    CHECK_INT_EQ(vemt_subjects_top(bad, 1, 3, subjects, top), VEMT_E_ARG);
}

/* splitmix64 (Steele, Lea and Flood 2014). */
static uint64_t next_u64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* The linear counter against a count by brute force (every pair against
 * every earlier pair of its group): random groups and keys with many
 * repeats, keys that share prefixes, keyless pairs; and the largest
 * subject of each group, the keyless taken together as one. */
TEST(linear_count_matches_brute_force) {
    enum { N = 3000, KEYS = 400, GROUPS = 37 };
    static char names[KEYS][16];
    for (int k = 0; k < KEYS; k++)
        snprintf(names[k], sizeof names[k], k % 3 ? "k%d" : "k%dx", k / 2);
    uint64_t seed = 19;
    for (int round = 0; round < 5; round++) {
        static vemt_subject_pair p[N], q[N], r[N];
        for (int i = 0; i < N; i++) {
            uint64_t u = next_u64(&seed);
            int key = (int)(u % (KEYS + 40));
            p[i] =
                (vemt_subject_pair){(size_t)((u >> 20) % (round ? GROUPS : 1)),
                                    key < KEYS ? names[key]
                                    : key % 2  ? ""
                                               : NULL};
        }
        memcpy(q, p, sizeof p);
        memcpy(r, p, sizeof p);
        double want[GROUPS] = {0}, want_s[GROUPS] = {0}, want_top[GROUPS] = {0};
        size_t want_unknown = 0;
        for (int i = 0; i < N; i++) {
            const char *ki = p[i].key ? p[i].key : "";
            if (!ki[0]) want_unknown++;
            bool first = true;
            double same = 0;
            for (int j = 0; j < N; j++) {
                const char *kj = p[j].key ? p[j].key : "";
                if (p[j].group != p[i].group || strcmp(ki, kj)) continue;
                first &= j >= i;
                same += 1;
            }
            if (first && ki[0]) want[p[i].group] += 1;
            if (first) want_s[p[i].group] += 1;
            if (same > want_top[p[i].group]) want_top[p[i].group] = same;
        }
        double got[GROUPS] = {0}, got_s[GROUPS], got_top[GROUPS];
        size_t unknown = 0;
        CHECK_INT_EQ(vemt_subjects_count(q, N, got, GROUPS, &unknown), VEMT_OK);
        CHECK_INT_EQ((long)unknown, (long)want_unknown);
        CHECK_INT_EQ(vemt_subjects_top(r, N, GROUPS, got_s, got_top), VEMT_OK);
        for (int g = 0; g < GROUPS; g++) {
            CHECK_NEAR(got[g], want[g], 0);
            CHECK_NEAR(got_s[g], want_s[g], 0);
            CHECK_NEAR(got_top[g], want_top[g], 0);
        }
    }
}

TEST_SUITE(subjects) {
    RUN(linear_count_matches_brute_force);
    RUN(distinct_keys_counted_exactly);
    RUN(cells_count_known_subjects_and_report_unknown);
    RUN(dominance_counts_keyless_as_one_subject);
}
