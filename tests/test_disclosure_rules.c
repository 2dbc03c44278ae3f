/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file test_disclosure_rules.c
 * @brief The tiers' rules live in one place: the table of disclosure/.
 * A rule changed there (here: in a copy of a tier's rules, the one object
 * every component takes) is followed by the publication of counts, the
 * GeoPackage and GeoJSON writers, the metadata, the run's check and the
 * checker together.
 */
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "disclosure/disclosure.h"
#include "ingest/ingest.h"
#include "outputs/outputs.h"
#include "tests/ogrutil.h"
#include "tests/test.h"
#include "tests/testutil.h"

TEST(tier_names_and_table) {
    for (int t = VEMT_TIER_RESTRICTED; t <= VEMT_TIER_PUBLIC; t++) {
        vemt_tier back = VEMT_TIER_PARTNER;
        CHECK(vemt_tier_parse(vemt_tier_name((vemt_tier)t), &back));
        CHECK_INT_EQ(back, t);
        CHECK_INT_EQ(vemt_tier_rules_get((vemt_tier)t)->tier, t);
    }
    vemt_tier kept = VEMT_TIER_PARTNER;
    CHECK(!vemt_tier_parse("secret", &kept) && kept == VEMT_TIER_PARTNER);
    CHECK(!vemt_tier_parse(NULL, &kept));
    CHECK_STR_EQ(vemt_tier_name((vemt_tier)7), "restricted");
    /* The rules README's "Sharing results" states. */
    const vemt_tier_rules *r = vemt_tier_rules_get(VEMT_TIER_RESTRICTED);
    const vemt_tier_rules *pa = vemt_tier_rules_get(VEMT_TIER_PARTNER);
    const vemt_tier_rules *pu = vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    CHECK(r->threshold == 0 && pa->threshold == 5 && pu->threshold == 10);
    CHECK(r->round_to == 0 && pa->round_to == 5 && pu->round_to == 5);
    CHECK(vemt_disclosure_layer_allowed(r, "events"));
    CHECK(!vemt_disclosure_layer_allowed(pa, "events"));
    CHECK(!vemt_disclosure_layer_allowed(pu, "clusters"));
    CHECK(vemt_disclosure_layer_allowed(pu, "hotspot_cube"));
    CHECK(vemt_disclosure_field_allowed(r, VEMT_FIELD_STATISTIC));
    CHECK(!vemt_disclosure_field_allowed(pa, VEMT_FIELD_IDENTIFIER));
    CHECK(vemt_disclosure_field_allowed(pu, VEMT_FIELD_COUNT));
    CHECK(vemt_disclosure_cell_allowed(pa, 100));
    CHECK(!vemt_disclosure_cell_allowed(pu, 249));
    CHECK(vemt_disclosure_cell_allowed(pu, 250));
    CHECK(vemt_disclosure_cell_allowed(pu, (double)INFINITY)); /* polygons */
    CHECK(vemt_disclosure_area_allowed(pu, 250.0 * 250.0 * (1 - 1e-10)));
    CHECK(!vemt_disclosure_area_allowed(pu, 249.0 * 249.0));
    CHECK(vemt_disclosure_step_allowed(pa, VEMT_STEP_DAYS));
    CHECK(!vemt_disclosure_step_allowed(pu, VEMT_STEP_WEEK));
    CHECK(vemt_disclosure_step_allowed(pu, VEMT_STEP_MONTH));
    CHECK(!vemt_disclosure_span_allowed(pu, 27) &&
          vemt_disclosure_span_allowed(pu, 28));
    /* --suppress-below and --round-to can only tighten the table's numbers
     * (they are floors); a tier that withholds nothing keeps withholding
     * nothing. */
    vemt_tier_rules given;
    vemt_tier_rules_for(VEMT_TIER_PUBLIC, 12, 1, &given);
    CHECK(given.threshold == 12 && given.round_to == 5);
    CHECK(given.min_cell_m == pu->min_cell_m);
    vemt_tier_rules_for(VEMT_TIER_PARTNER, 2, 10, &given);
    CHECK(given.threshold == 5 && given.round_to == 10);
    vemt_tier_rules_for(VEMT_TIER_RESTRICTED, 12, 0, &given);
    CHECK(given.threshold == 0 && given.round_to == 0);
    CHECK_INT_EQ(vemt_disclosure_role_by_name("n_events"), VEMT_FIELD_COUNT);
    CHECK_INT_EQ(vemt_disclosure_role_by_name("mk_z"), VEMT_FIELD_STATISTIC);
    CHECK_INT_EQ(vemt_disclosure_role_by_name("child_key"),
                 VEMT_FIELD_IDENTIFIER);
    CHECK_INT_EQ(vemt_disclosure_role_by_name("gi_bin"), 0);
}

TEST(publish_table) {
    vemt_tier_rules r = *vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    /* Two units x three steps: the first unit's total (9) is under the
     * threshold, so its steps go whole, zeros too, and each column's single
     * withheld value takes the other unit's with it. */
    const double x[] = {0, 4, 5, 12, 13, 11};
    double out[6];
    CHECK_INT_EQ(vemt_disclosure_publish_table(&r, x, 2, 3, true, out), 6);
    /* One unit: counts rounded to the nearest 5. */
    CHECK_INT_EQ(vemt_disclosure_publish_table(&r, x + 3, 1, 3, true, out), 0);
    CHECK(out[0] == 10 && out[1] == 15 && out[2] == 10);
    /* One column with its total published: a single withheld value takes
     * the smallest other with it (Cox 1980); without margins it doesn't. */
    const double c[] = {3, 0, 40, 25};
    double a[4], b[4];
    CHECK_INT_EQ(vemt_disclosure_publish_table(&r, c, 4, 1, true, a), 2);
    CHECK(isnan(a[0]) && isnan(a[1]) && a[2] == 40 && a[3] == 25);
    CHECK_INT_EQ(vemt_disclosure_publish_table(&r, c, 4, 1, false, b), 1);
    CHECK(isnan(b[0]) && b[1] == 0);
    /* The restricted tier publishes counts as they are. */
    CHECK_INT_EQ(
        vemt_disclosure_publish_table(vemt_tier_rules_get(VEMT_TIER_RESTRICTED),
                                      c, 4, 1, true, a),
        0);
    CHECK(a[0] == 3 && a[1] == 0);
    CHECK(vemt_disclosure_round(7, 10, 5) == 10);
    CHECK(vemt_disclosure_round(0.4, 10, 5) == 0);
    CHECK(vemt_disclosure_round(22.5, 10, 5) == 25);
}

TEST(time_window_grains) {
    vemt_tier_rules r = *vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    /* Wednesday 17 January 2024, 15:00 to Thursday 5 December, 00:01. */
    const int64_t t0 = vemt_days_from_civil(2024, 1, 17) * 86400 + 15 * 3600;
    const int64_t t1 = vemt_days_from_civil(2024, 12, 5) * 86400 + 60;
    const struct {
        vemt_grain grain;
        int64_t start, end;
    } cases[] = {
        {VEMT_GRAIN_ANY, t0, t1},
        {VEMT_GRAIN_DAY, vemt_days_from_civil(2024, 1, 17) * 86400,
         vemt_days_from_civil(2024, 12, 6) * 86400 - 1},
        {VEMT_GRAIN_WEEK, vemt_days_from_civil(2024, 1, 15) * 86400,
         vemt_days_from_civil(2024, 12, 9) * 86400 - 1},
        {VEMT_GRAIN_MONTH, vemt_days_from_civil(2024, 1, 1) * 86400,
         vemt_days_from_civil(2025, 1, 1) * 86400 - 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t a = t0, b = t1;
        r.finest_date = cases[i].grain;
        vemt_disclosure_time_window(&r, NULL, &a, &b);
        CHECK_INT_EQ(a, cases[i].start);
        CHECK_INT_EQ(b, cases[i].end);
    }
}

/* In the London calendar a month starts at local midnight: 00:30 BST on
 * 1 April 2022 is 23:30 UTC on 31 March, and its window is April's, from
 * 23:00 UTC on 31 March to 22:59:59 UTC on 30 April. */
TEST(time_window_in_the_analysis_zone) {
    vemt_tier_rules r = *vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    r.finest_date = VEMT_GRAIN_MONTH;
    vemt_ctx *ctx = NULL;
    vemt_ctx_create(1, &ctx);
    vemt_tz *london = NULL;
    CHECK_INT_EQ(vemt_tz_load(ctx, "Europe/London", &london), VEMT_OK);
    int64_t mar31 = vemt_days_from_civil(2022, 3, 31) * 86400;
    int64_t a = mar31 + 23 * 3600 + 1800, b = a;
    vemt_disclosure_time_window(&r, london, &a, &b);
    CHECK_INT_EQ(a, mar31 + 23 * 3600);
    CHECK_INT_EQ(b, vemt_days_from_civil(2022, 4, 30) * 86400 + 23 * 3600 - 1);
    /* The same instant in the UTC calendar is March's. */
    a = b = mar31 + 23 * 3600 + 1800;
    vemt_disclosure_time_window(&r, NULL, &a, &b);
    CHECK_INT_EQ(a, vemt_days_from_civil(2022, 3, 1) * 86400);
    vemt_tz_destroy(london);
    vemt_ctx_destroy(ctx);
}

/* ---- One rule changed in one place: everything follows ----------------- */

enum { SIDE = 3, N = SIDE * SIDE };

/* A public-tier output of a 3 x 3 grid of 300 m cells with the counts
 * below and one input file's accounting, written under rules: the table's
 * for the public tier, or custom, a copy of them a test changes once. */
typedef struct world {
    const vemt_tier_rules *table;
    vemt_tier_rules custom;
    vemt_ctx *ctx;
    vemt_units *grid;
    vemt_events events;
    vemt_source src;
    double z[N], p[N], pub[N];
    vemt_provenance prov;
    vemt_output out;
    char dir[64];
} world;

static const double counts[N] = {0, 3, 12, 15, 25, 40, 0, 18, 60};

static void world_setup(world *w) {
    memset(w, 0, sizeof *w);
    w->table = vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    w->custom = *w->table;
    vemt_ctx_create(1, &w->ctx);
    /* On the 300 m lattice, so the grid is exactly SIDE x SIDE. */
    vemt_bbox b = {459900, 519900, 459900 + 300 * SIDE - 1,
                   519900 + 300 * SIDE - 1};
    vemt_units_create_square(w->ctx, 300, &b, NULL, &w->grid);
    w->src = (vemt_source){.path = "in.csv",
                           .kind = VEMT_SOURCE_INCIDENTS,
                           .n_read = 100,
                           .n_used = 85,
                           .n_excluded = 3,
                           .n_rejected = 12,
                           .n_events = 85};
    w->prov = (vemt_provenance){.key_origin = "test",
                                .tier = "public",
                                .created_utc = 1704067200,
                                .command = "run"};
    w->out = (vemt_output){.events = &w->events,
                           .sources = &w->src,
                           .n_sources = 1,
                           .grid = w->grid,
                           .n_events = w->pub,
                           .gi_z = w->z,
                           .gi_p = w->p,
                           .provenance = &w->prov};
    strcpy(w->dir, "/tmp/vemt-test-rules-XXXXXX");
    if (!mkdtemp(w->dir)) w->dir[0] = '\0';
}

static void world_teardown(world *w) {
    test_remove_dir(w->dir);
    vemt_units_destroy(w->grid);
    vemt_events_clear(&w->events);
    vemt_ctx_destroy(w->ctx);
}

/* The path of w's file name + tail ("name.gpkg", "name/layer.geojson"). */
static const char *file_in(const world *w, const char *name, const char *tail,
                           char *buf, size_t size) {
    snprintf(buf, size, "%s/%s%s", w->dir, name, tail);
    return buf;
}

/* Publish the counts and write <name>.gpkg and the GeoJSON folder <name>
 * under rules. */
static void write_under(test_state *t_, world *w, const vemt_tier_rules *rules,
                        const char *name) {
    char path[128];
    CHECK_INT_EQ(vemt_units_count(w->grid), N);
    vemt_disclosure_publish_table(rules, counts, N, 1, true, w->pub);
    w->out.rules = rules;
    file_in(w, name, ".gpkg", path, sizeof path);
    CHECK_INT_EQ(vemt_outputs_write_gpkg(w->ctx, path, &w->out), VEMT_OK);
    CHECK_INT_EQ(mkdir(file_in(w, name, "", path, sizeof path), 0700), 0);
    CHECK_INT_EQ(vemt_outputs_write_geojson(w->ctx, path, &w->out), VEMT_OK);
}

/* hotspot_cells' n_events as written (NaN: null), each null flagged. */
static void read_cells(test_state *t_, const char *path, double *v) {
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayerByName(ds, "hotspot_cells") : NULL;
    CHECK(l != NULL);
    for (int i = 0; i < N; i++) v[i] = -1;
    if (!l) {
        if (ds) GDALClose(ds);
        return;
    }
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    int n = OGR_FD_GetFieldIndex(d, "n_events");
    int flag = OGR_FD_GetFieldIndex(d, "suppressed");
    CHECK(n >= 0 && flag >= 0);
    OGRFeatureH f;
    for (int i = 0; n >= 0 && i < N && (f = OGR_L_GetNextFeature(l)); i++) {
        bool set = OGR_F_IsFieldSetAndNotNull(f, n);
        v[i] = set ? OGR_F_GetFieldAsDouble(f, n) : (double)NAN;
        CHECK_INT_EQ(OGR_F_GetFieldAsInteger(f, flag), !set);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
}

/* The provenance and schema the GeoPackage at path declares. */
static void read_metadata(const char *path, json_object **prov,
                          json_object **schema) {
    static char buf[1 << 16];
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    *prov = *schema = NULL;
    if (!ds) return;
    test_query_text(ds,
                    "SELECT metadata FROM gpkg_metadata WHERE "
                    "md_standard_uri = 'urn:vemt:provenance:1'",
                    buf, sizeof buf);
    *prov = json_tokener_parse(buf);
    test_query_text(ds,
                    "SELECT metadata FROM gpkg_metadata WHERE "
                    "md_standard_uri = 'urn:vemt:disclosure-schema:1'",
                    buf, sizeof buf);
    *schema = json_tokener_parse(buf);
    GDALClose(ds);
}

/* A member of a JSON object by path ("a.b"), NULL when absent or null. */
static json_object *member(json_object *o, const char *a, const char *b) {
    json_object *v = NULL;
    if (o && json_object_object_get_ex(o, a, &v) && b) {
        if (json_object_is_type(v, json_type_array))
            v = json_object_array_get_idx(v, 0);
        json_object *w = NULL;
        json_object_object_get_ex(v, b, &w);
        v = w;
    }
    return v;
}

/* The checker's problems for the file at path under rules. */
static size_t problems_under(test_state *t_, vemt_ctx *ctx, const char *path,
                             const vemt_tier_rules *rules) {
    size_t n = 0;
    FILE *sink = tmpfile();
    CHECK(sink != NULL);
    if (!sink) return 0;
    CHECK_INT_EQ(vemt_outputs_check_disclosure(ctx, path, rules, sink, &n),
                 VEMT_OK);
    fclose(sink);
    return n;
}

TEST(one_threshold_every_writer_and_checker) {
    world w;
    world_setup(&w);
    const vemt_tier_rules *table = w.table, *strict = &w.custom;
    w.custom.threshold = 20; /* the one change */
    write_under(t_, &w, table, "table");
    write_under(t_, &w, strict, "strict");
    const vemt_tier_rules *rules[] = {table, strict};
    static const char names[][8] = {"table", "strict"};
    double cells[2][N];
    for (int k = 0; k < 2; k++) {
        char gpkg[128], geojson[128];
        file_in(&w, names[k], ".gpkg", gpkg, sizeof gpkg);
        file_in(&w, names[k], "/hotspot_cells.geojson", geojson,
                sizeof geojson);
        double from_json[N];
        read_cells(t_, gpkg, cells[k]);
        read_cells(t_, geojson, from_json);
        for (int i = 0; i < N; i++) {
            double v = cells[k][i], t = rules[k]->threshold;
            /* Both formats publish the same; a count under the threshold
             * is withheld, and nothing published is under it. */
            CHECK(isnan(v) ? isnan(from_json[i]) : v == from_json[i]);
            if (counts[i] >= 1 && counts[i] < t) CHECK(isnan(v));
            CHECK(isnan(v) || v == 0 || v >= t);
        }
        /* The metadata: the threshold recorded, the accounting withheld
         * under it (12 rejected rows), in the provenance and the schema. */
        json_object *prov, *schema;
        read_metadata(gpkg, &prov, &schema);
        CHECK(prov != NULL && schema != NULL);
        json_object *below = member(prov, "disclosure", "suppress_below");
        CHECK(below && json_object_get_double(below) == rules[k]->threshold);
        below = member(schema, "suppress_below", NULL);
        CHECK(below && json_object_get_double(below) == rules[k]->threshold);
        /* No row accounting outside the restricted tier. */
        CHECK(member(prov, "inputs", "rows_rejected") == NULL);
        json_object_put(prov);
        json_object_put(schema);
    }
    /* 12 is published (as 10) under the table's 10, withheld under 20. */
    CHECK(cells[0][2] == 10 && isnan(cells[1][2]));
    CHECK(cells[0][7] == 20 && isnan(cells[1][7]));
    /* The checker: each file passes the rules it was written under; the
     * table's file fails the stricter rules, on its cells of 10 and 15. */
    char a[128], b[128];
    file_in(&w, "table", ".gpkg", a, sizeof a);
    file_in(&w, "strict", ".gpkg", b, sizeof b);
    CHECK_INT_EQ(problems_under(t_, w.ctx, a, table), 0);
    CHECK_INT_EQ(problems_under(t_, w.ctx, b, strict), 0);
    CHECK_INT_EQ(problems_under(t_, w.ctx, a, strict), 2);
    world_teardown(&w);
}

TEST(one_cell_size_run_and_checker) {
    world w;
    world_setup(&w);
    w.custom.min_cell_m = 400; /* the one change */
    write_under(t_, &w, w.table, "cells");
    /* The run's check and the checker both refuse the 300 m cells. */
    CHECK(vemt_disclosure_cell_allowed(w.table, 300));
    CHECK(!vemt_disclosure_cell_allowed(&w.custom, 300));
    char path[128];
    file_in(&w, "cells", ".gpkg", path, sizeof path);
    CHECK_INT_EQ(problems_under(t_, w.ctx, path, w.table), 0);
    CHECK_INT_EQ(problems_under(t_, w.ctx, path, &w.custom), N);
    world_teardown(&w);
}

TEST(one_layer_list_and_date_grain) {
    world w;
    world_setup(&w);
    vemt_event ev = {0};
    ev.start_utc = vemt_days_from_civil(2024, 1, 17) * 86400 + 15 * 3600;
    ev.end_utc = ev.start_utc;
    vemt_events_push(&w.events, &ev);
    static const char *const only_cells[] = {"hotspot_cells", NULL};
    w.custom.layers = only_cells; /* the changes */
    w.custom.finest_date = VEMT_GRAIN_DAY;
    /* The writer leaves out what the list leaves out, and the metadata
     * dates to the grain. */
    const vemt_tier_rules *rules[] = {w.table, &w.custom};
    static const char names[][8] = {"table", "custom"};
    static const char starts[][32] = {"2024-01-01T00:00:00.000Z",
                                      "2024-01-17T00:00:00.000Z"};
    vemt_isa_band band = {0};
    w.out.scale_profile = &band;
    w.out.n_scale_profile = 1;
    for (int k = 0; k < 2; k++) {
        char path[128];
        write_under(t_, &w, rules[k], names[k]);
        file_in(&w, names[k], ".gpkg", path, sizeof path);
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
        CHECK(ds && GDALDatasetGetLayerByName(ds, "hotspot_cells"));
        CHECK(ds && (GDALDatasetGetLayerByName(ds, "scale_profile") != NULL) ==
                        (k == 0));
        if (ds) GDALClose(ds);
        json_object *prov, *schema;
        read_metadata(path, &prov, &schema);
        json_object *start = member(prov, "time_window", "start_utc");
        CHECK(start != NULL);
        if (start) CHECK_STR_EQ(json_object_get_string(start), starts[k]);
        json_object *layers = member(schema, "layers", NULL), *v;
        CHECK(layers && json_object_object_get_ex(layers, "scale_profile",
                                                  &v) == (k == 0));
        json_object_put(prov);
        json_object_put(schema);
    }
    world_teardown(&w);
}

TEST(allow_list_and_dominance) {
    const vemt_tier_rules *re = vemt_tier_rules_get(VEMT_TIER_RESTRICTED);
    const vemt_tier_rules *pa = vemt_tier_rules_get(VEMT_TIER_PARTNER);
    const vemt_tier_rules *pu = vemt_tier_rules_get(VEMT_TIER_PUBLIC);
    /* Tables and columns by allow-list: whatever a column is called, only
     * those listed are published (issue 16, finding 6). */
    CHECK(vemt_disclosure_column_allowed(re, "events", "subject_key"));
    CHECK(vemt_disclosure_column_allowed(pu, "hotspot_cells", "n_events"));
    CHECK(vemt_disclosure_column_allowed(pu, "hotspot_cells", "gi_bin"));
    CHECK(!vemt_disclosure_column_allowed(pu, "hotspot_cells", "gi_z"));
    CHECK(!vemt_disclosure_column_allowed(pu, "hotspot_cells", "subject_key"));
    CHECK(!vemt_disclosure_column_allowed(pu, "hotspot_cells", "n_children"));
    CHECK(!vemt_disclosure_column_allowed(pa, "events", "category"));
    CHECK(!vemt_disclosure_column_allowed(pu, "scale_profile", "moran_i"));
    CHECK(!vemt_disclosure_column_allowed(pu, "scale_profile", "variance_i"));
    CHECK(vemt_disclosure_column_is_count(pu, "hotspot_cube", "n_events"));
    CHECK(!vemt_disclosure_column_is_count(pu, "hotspot_cube", "gi_bin"));
    CHECK(vemt_disclosure_allowed_layer(pu, "events") == NULL);
    CHECK(vemt_disclosure_allowed_layer(pu, "hotspot_cells")->geom ==
          VEMT_ALLOW_UNITS);
    /* Provenance keys: parameters and rules; nothing computed from data. */
    CHECK(vemt_disclosure_metadata_allowed(pu, "parameters.cell_size_m"));
    CHECK(!vemt_disclosure_metadata_allowed(pu, "parameters.cell_size_rule"));
    CHECK(!vemt_disclosure_metadata_allowed(pu, "parameters.cell"));
    CHECK(vemt_disclosure_metadata_allowed(pu, "disclosure.rule"));
    CHECK(vemt_disclosure_metadata_allowed(pu, "inputs.kind"));
    CHECK(!vemt_disclosure_metadata_allowed(pu, "inputs.rows_used"));
    CHECK(!vemt_disclosure_metadata_allowed(pu, "inputs"));
    CHECK(vemt_disclosure_metadata_below(pu, "inputs"));
    CHECK(!vemt_disclosure_metadata_below(pu, "statistics_extra"));
    CHECK(vemt_disclosure_metadata_allowed(re, "inputs.rows_used"));
    /* Smallest units: a 100 m square at partner, 250 m at public. */
    CHECK_NEAR(vemt_disclosure_min_area(pa), 10000, 0);
    CHECK_NEAR(vemt_disclosure_min_area(pu), 62500, 0);
    CHECK_NEAR(vemt_disclosure_min_area(re), 0, 0);
    /* The dominance rule (the (1, k) rule, k = 50 %): the one-child home
     * of finding 3 (15 events, 2 subjects, 14 of one) is withheld; so is
     * 60 of 100 from one subject among 20; 50 of 100 is not. */
    CHECK(pu->dominance == 0.5 && pa->dominance == 0.5);
    CHECK(vemt_disclosure_dominated(pu, 15, 2, 14));
    CHECK(vemt_disclosure_dominated(pa, 15, 2, 14));
    CHECK(vemt_disclosure_dominated(pu, 100, 20, 60));
    CHECK(!vemt_disclosure_dominated(pu, 100, 20, 50));
    /* Fewer distinct subjects than the threshold: 9 at public, not 10. */
    CHECK(vemt_disclosure_dominated(pu, 40, 9, 5));
    CHECK(!vemt_disclosure_dominated(pu, 40, 10, 5));
    CHECK(!vemt_disclosure_dominated(pa, 40, 5, 5));
    CHECK(!vemt_disclosure_dominated(pu, 0, 0, 0));
    CHECK(!vemt_disclosure_dominated(re, 15, 1, 15));
}

TEST_SUITE(disclosure_rules) {
    GDALAllRegister();
    RUN(tier_names_and_table);
    RUN(publish_table);
    RUN(time_window_grains);
    RUN(time_window_in_the_analysis_zone);
    RUN(one_threshold_every_writer_and_checker);
    RUN(one_cell_size_run_and_checker);
    RUN(one_layer_list_and_date_grain);
    RUN(allow_list_and_dominance);
    GDALDestroy();
    proj_cleanup();
}
