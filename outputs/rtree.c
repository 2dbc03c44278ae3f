/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file rtree.c
 * @brief A packed R-tree written straight into SQLite's R*Tree shadow
 * tables: Sort-Tile-Recursive packing (Leutenegger, Lopez and Edgington
 * 1997, "STR: a simple and efficient algorithm for R-tree packing", ICDE,
 * doi:10.1109/ICDE.1997.582015) of full nodes, written level by level with
 * prepared statements, the root (node 1) last.
 *
 * The node format is the one SQLite's ext/rtree/rtree.c documents at its
 * top ("Database Format of R-Tree Tables"): see outputs/rtree.h. The node
 * size is read back from the empty root, as rtree.c's xConnect does.
 */
#include "outputs/rtree.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "engine/alloc.h"

#define CELL_BYTES 24 /* 8-byte id + 4 float32 */
#define MAX_CELLS 51  /* rtree.c RTREE_MAXCELLS */
#define SMALL_SORT 16 /* insertion sort below this many entries */
#define ROW_BATCH 64  /* _rowid rows an INSERT (128 parameters) */

/* ---- float32 rounding outward --------------------------------------- */

/* rtree.c (rtreeValueDown / rtreeValueUp) rounds a double that the cast
 * rounded the wrong way by scaling it by 1 -+ 2^-23 and casting again, and
 * compares stored float32 with the query's doubles; rounding exactly as it
 * does is what makes this tree answer every query as one built row by row.
 * Coordinates beyond float32's range are refused (check_entries); a value
 * within it that the scaling pushes past FLT_MAX is clamped to FLT_MAX,
 * still outward (SQLite stores an infinity there), so no cast overflows
 * and every stored box is finite. */
#define RND_TOWARDS (1.0 - 1.0 / 8388608.0)
#define RND_AWAY (1.0 + 1.0 / 8388608.0)

static float to_float(double d) {
    if (d > (double)FLT_MAX) return FLT_MAX;
    if (d < -(double)FLT_MAX) return -FLT_MAX;
    return (float)d;
}

static float round_down(double d) {
    float f = to_float(d);
    if ((double)f > d) f = to_float(d * (d < 0 ? RND_AWAY : RND_TOWARDS));
    return f;
}

static float round_up(double d) {
    float f = to_float(d);
    if ((double)f < d) f = to_float(d * (d < 0 ? RND_TOWARDS : RND_AWAY));
    return f;
}

/* ---- big-endian node cells ------------------------------------------ */

static void put_u16(unsigned char *p, unsigned v) {
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_u32(unsigned char *p, uint32_t v) {
    for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static void put_cell(unsigned char *p, int64_t id, const float box[4]) {
    uint64_t u = (uint64_t)id;
    for (int i = 7; i >= 0; i--, u >>= 8) p[i] = (unsigned char)u;
    for (int k = 0; k < 4; k++) {
        uint32_t b;
        memcpy(&b, &box[k], sizeof b);
        put_u32(p + 8 + 4 * k, b);
    }
}

/* ---- sorting by centre, ties by id ----------------------------------- */

/* The centre times two (no halving: the order is the same), on axis 0 (x)
 * or 1 (y). Coordinates are finite, so the key is never NaN and the order
 * is total. */
static double key(const vemt_rtree_entry *e, int axis) {
    return axis ? e->miny + e->maxy : e->minx + e->maxx;
}

static int before(const vemt_rtree_entry *a, const vemt_rtree_entry *b,
                  int axis) {
    double ka = key(a, axis), kb = key(b, axis);
    if (ka != kb) return ka < kb;
    return a->id < b->id;
}

static void swap_entries(vemt_rtree_entry *a, vemt_rtree_entry *b) {
    vemt_rtree_entry t = *a;
    *a = *b;
    *b = t;
}

static void insertion_sort(vemt_rtree_entry *a, size_t n, int axis) {
    for (size_t i = 1; i < n; i++) {
        vemt_rtree_entry x = a[i];
        size_t j = i;
        for (; j > 0 && before(&x, &a[j - 1], axis); j--) a[j] = a[j - 1];
        a[j] = x;
    }
}

static void sift_down(vemt_rtree_entry *a, size_t i, size_t n, int axis) {
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) return;
        if (c + 1 < n && before(&a[c], &a[c + 1], axis)) c++;
        if (!before(&a[i], &a[c], axis)) return;
        swap_entries(&a[i], &a[c]);
        i = c;
    }
}

static void heap_sort(vemt_rtree_entry *a, size_t n, int axis) {
    for (size_t i = n / 2; i-- > 0;) sift_down(a, i, n, axis);
    for (size_t end = n; end-- > 1;) {
        swap_entries(&a[0], &a[end]);
        sift_down(a, 0, end, axis);
    }
}

/* Introsort (Musser 1997, doi:10.1002/(SICI)1097-024X(199708)27:8<983::
 * AID-SPE117>3.0.CO;2-#): quicksort with a median-of-three Hoare partition,
 * heapsort past 2 log2 n levels, insertion sort for short runs. In place
 * (glibc's qsort would allocate a copy behind our allocator) and with the
 * comparison inlined.
 *
 * a[0, n) sits at offset off of the whole array; group > 1 only puts into
 * each run of group positions (off 0, group, 2 group, ...) the items the
 * full sort would, in any order within the run: a range inside one run is
 * left alone (a multi-way quickselect, n log(n / group) comparisons).
 * group == 1 sorts fully. */
static void sort_groups(vemt_rtree_entry *a, size_t n, int axis, size_t off,
                        size_t group) {
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1) depth += 2;
    while (n > SMALL_SORT) {
        if (off / group == (off + n - 1) / group) return;
        if (depth-- == 0) {
            heap_sort(a, n, axis);
            return;
        }
        size_t mid = n / 2;
        if (before(&a[mid], &a[0], axis)) swap_entries(&a[mid], &a[0]);
        if (before(&a[n - 1], &a[mid], axis)) {
            swap_entries(&a[n - 1], &a[mid]);
            if (before(&a[mid], &a[0], axis)) swap_entries(&a[mid], &a[0]);
        }
        vemt_rtree_entry pivot = a[mid];
        /* Hoare: a[0] <= pivot <= a[n - 1] bound both scans; with the
         * pivot below the last slot, 0 <= j < n - 1. */
        size_t i = 0, j = n - 1;
        for (;;) {
            while (before(&a[i], &pivot, axis)) i++;
            while (before(&pivot, &a[j], axis)) j--;
            if (i >= j) break;
            swap_entries(&a[i], &a[j]);
            i++;
            j--;
        }
        size_t left = j + 1; /* [0, left) <= pivot <= [left, n) */
        if (left < n - left) {
            sort_groups(a, left, axis, off, group);
            a += left;
            off += left;
            n -= left;
        } else {
            sort_groups(a + left, n - left, axis, off + left, group);
            n = left;
        }
    }
    insertion_sort(a, n, axis);
}

static void sort_entries(vemt_rtree_entry *a, size_t n, int axis) {
    sort_groups(a, n, axis, 0, 1);
}

/* Sort-Tile-Recursive order of one level (Leutenegger et al. 1997,
 * section 2.2): P = ceil(m / M) nodes; S = ceil(sqrt(P)) vertical slices
 * of S * M items by x centre; each slice by y centre. Consecutive runs of
 * M items are then the nodes (a slice holds whole nodes, so only the last
 * node of the level may be partial). The order by x within a slice does
 * not matter (the slice is sorted by y next), so the x pass only selects
 * each slice's items: the same nodes as a full sort, sooner. */
static void str_order(vemt_rtree_entry *a, size_t m, size_t cells) {
    size_t p = (m + cells - 1) / cells;
    size_t s = (size_t)ceil(sqrt((double)p));
    while (s * s < p) s++;
    while (s > 1 && (s - 1) * (s - 1) >= p) s--;
    size_t slice = s * cells;
    sort_groups(a, m, 0, 0, slice);
    for (size_t i = 0; i < m; i += slice)
        sort_entries(a + i, m - i < slice ? m - i : slice, 1);
}

/* ---- the loader ------------------------------------------------------ */

typedef struct loader {
    vemt_ctx *ctx;
    sqlite3 *db;
    const char *name;
    int node_bytes; /* the table's node size, from its root */
    size_t cells;   /* cells a node: (node_bytes - 4) / 24, at most 51 */
    sqlite3_stmt *ins_node, *upd_root, *ins_parent, *ins_rowid, *ins_rows;
    unsigned char *blob; /* the node being written */
    int64_t next_node;   /* number of the next non-root node */
    /* The _rowid rows go in in key order (appends to its b-tree, several
     * times faster than in leaf order). Dense ids: the leaf of each id -
     * id_min (0 = no entry). Sparse ids: (id, leaf as miny) pairs, sorted
     * by id once the leaves are written. */
    uint32_t *leaf_of;
    int64_t id_min;
    size_t id_span;
    vemt_rtree_entry *pairs;
    size_t npairs;
    int64_t batch[2 * ROW_BATCH]; /* rows waiting for ins_rows */
    size_t nbatch;
} loader;

static vemt_status sql_fail(loader *l, const char *what) {
    return vemt_ctx_fail(l->ctx, VEMT_E_IO, "rtree \"%s\": %s: %s", l->name,
                         what, sqlite3_errmsg(l->db));
}

static vemt_status prepare(loader *l, const char *fmt, sqlite3_stmt **out) {
    char *sql = sqlite3_mprintf(fmt, l->name);
    if (!sql)
        return vemt_ctx_fail(l->ctx, VEMT_E_NOMEM,
                             "rtree \"%s\": out of memory", l->name);
    int rc = sqlite3_prepare_v2(l->db, sql, -1, out, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? VEMT_OK : sql_fail(l, "can't prepare");
}

/* Step a bound statement and reset it. */
static vemt_status step(loader *l, sqlite3_stmt *st, const char *what) {
    vemt_status s =
        sqlite3_step(st) == SQLITE_DONE ? VEMT_OK : sql_fail(l, what);
    sqlite3_reset(st);
    return s;
}

/* The node size SQLite chose when the table was created (the root's
 * length; rtree.c getNodeSize), and refuse a table that isn't an empty
 * 2-D rtree. */
static vemt_status read_root(loader *l) {
    sqlite3_stmt *st = NULL;
    vemt_status s = prepare(l, "SELECT * FROM \"%w\"", &st);
    if (s == VEMT_OK && sqlite3_column_count(st) != 5)
        s = vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                          "rtree \"%s\": not a 2-D rtree (%d columns, "
                          "expected id, minx, maxx, miny, maxy)",
                          l->name, sqlite3_column_count(st));
    sqlite3_finalize(st);
    st = NULL;
    if (s == VEMT_OK)
        s = prepare(l, "SELECT data FROM \"%w_node\" WHERE nodeno = 1", &st);
    if (s != VEMT_OK) goto done;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        s = rc == SQLITE_DONE
                ? vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                                "rtree \"%s\": no root node", l->name)
                : sql_fail(l, "can't read the root node");
        goto done;
    }
    const unsigned char *root = sqlite3_column_blob(st, 0);
    int bytes = sqlite3_column_bytes(st, 0);
    if (!root || bytes < 4 + 2 * CELL_BYTES) {
        s = vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                          "rtree \"%s\": root node of %d bytes", l->name,
                          bytes);
        goto done;
    }
    if (root[2] || root[3]) {
        s = vemt_ctx_fail(l->ctx, VEMT_E_ARG, "rtree \"%s\": not empty",
                          l->name);
        goto done;
    }
    l->node_bytes = bytes;
    l->cells = (size_t)(bytes - 4) / CELL_BYTES;
    if (l->cells > MAX_CELLS) l->cells = MAX_CELLS;
done:
    sqlite3_finalize(st);
    return s;
}

static vemt_status open_loader(loader *l) {
    vemt_status s = read_root(l);
    if (s == VEMT_OK)
        s = prepare(l, "INSERT INTO \"%w_node\"(nodeno, data) VALUES (?1, ?2)",
                    &l->ins_node);
    if (s == VEMT_OK)
        s = prepare(l, "UPDATE \"%w_node\" SET data = ?2 WHERE nodeno = ?1",
                    &l->upd_root);
    if (s == VEMT_OK)
        s = prepare(l,
                    "INSERT INTO \"%w_parent\"(nodeno, parentnode) "
                    "VALUES (?1, ?2)",
                    &l->ins_parent);
    if (s == VEMT_OK)
        s = prepare(l,
                    "INSERT INTO \"%w_rowid\"(rowid, nodeno) VALUES (?1, ?2)",
                    &l->ins_rowid);
    if (s == VEMT_OK) {
        char sql[64 + 8 * ROW_BATCH] =
            "INSERT INTO \"%w_rowid\"(rowid, nodeno) "
            "VALUES (?, ?)";
        for (int k = 1; k < ROW_BATCH; k++) strcat(sql, ",(?, ?)");
        s = prepare(l, sql, &l->ins_rows);
    }
    if (s == VEMT_OK) {
        l->blob = vemt_malloc((size_t)l->node_bytes);
        if (!l->blob)
            s = vemt_ctx_fail(l->ctx, VEMT_E_NOMEM,
                              "rtree \"%s\": out of memory", l->name);
    }
    return s;
}

static void close_loader(loader *l) {
    sqlite3_finalize(l->ins_node);
    sqlite3_finalize(l->upd_root);
    sqlite3_finalize(l->ins_parent);
    sqlite3_finalize(l->ins_rowid);
    sqlite3_finalize(l->ins_rows);
    vemt_free(l->blob);
    vemt_free(l->leaf_of);
    vemt_free(l->pairs);
}

/* Not NaN, and finite as a float32 (NaN fails both tests). */
static bool in_range(double v) {
    return v >= -(double)FLT_MAX && v <= (double)FLT_MAX;
}

/* Every coordinate finite and each box, rounded, no wider than SQLite
 * would take (rtree.c refuses min > max after rounding: "rtree constraint
 * failed"). Nothing is written before this passes. */
static vemt_status check_entries(loader *l, const vemt_rtree_entry *e,
                                 size_t n) {
    for (size_t i = 0; i < n; i++) {
        const vemt_rtree_entry *x = &e[i];
        if (!in_range(x->minx) || !in_range(x->maxx) || !in_range(x->miny) ||
            !in_range(x->maxy))
            return vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                                 "rtree \"%s\": entry %zu (id %" PRId64
                                 ") has a coordinate that is NaN, infinite "
                                 "or beyond float32's range (an empty "
                                 "geometry has no entry)",
                                 l->name, i, x->id);
        if (round_down(x->minx) > round_up(x->maxx) ||
            round_down(x->miny) > round_up(x->maxy))
            return vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                                 "rtree \"%s\": entry %zu (id %" PRId64
                                 ") has a minimum above its maximum",
                                 l->name, i, x->id);
    }
    return VEMT_OK;
}

/* When the ids are dense (span at most 2n + 64, the GeoPackage's fids),
 * map each to its leaf, and find duplicates before anything is written.
 * Sparse ids: pairs to sort, duplicates found once sorted. */
static vemt_status map_ids(loader *l, const vemt_rtree_entry *e, size_t n,
                           size_t nodes) {
    int64_t lo = e[0].id, hi = e[0].id;
    for (size_t i = 1; i < n; i++) {
        if (e[i].id < lo) lo = e[i].id;
        if (e[i].id > hi) hi = e[i].id;
    }
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0 || span > 2 * (uint64_t)n + 64 || nodes >= UINT32_MAX) {
        l->pairs = vemt_calloc(n, sizeof *l->pairs);
        return l->pairs ? VEMT_OK
                        : vemt_ctx_fail(l->ctx, VEMT_E_NOMEM,
                                        "rtree \"%s\": out of memory", l->name);
    }
    l->leaf_of = vemt_calloc((size_t)span, sizeof *l->leaf_of);
    if (!l->leaf_of)
        return vemt_ctx_fail(l->ctx, VEMT_E_NOMEM,
                             "rtree \"%s\": out of memory", l->name);
    l->id_min = lo;
    l->id_span = (size_t)span;
    for (size_t i = 0; i < n; i++) {
        uint32_t *slot = &l->leaf_of[(uint64_t)e[i].id - (uint64_t)lo];
        if (*slot)
            return vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                                 "rtree \"%s\": two entries have id %" PRId64,
                                 l->name, e[i].id);
        *slot = 1;
    }
    return VEMT_OK;
}

/* Write one node of cnt cells from items (leaf entries or child nodes) as
 * node number no; depth is written only on the root (node 1). Its bounding
 * box, and its number, go to *up. */
static vemt_status write_node(loader *l, const vemt_rtree_entry *items,
                              size_t cnt, bool leaf, int64_t no, int depth,
                              vemt_rtree_entry *up) {
    memset(l->blob, 0, (size_t)l->node_bytes);
    put_u16(l->blob, no == 1 ? (unsigned)depth : 0);
    put_u16(l->blob + 2, (unsigned)cnt);
    float bb[4] = {FLT_MAX, -FLT_MAX, FLT_MAX, -FLT_MAX};
    vemt_status s = VEMT_OK;
    for (size_t c = 0; c < cnt; c++) {
        const vemt_rtree_entry *x = &items[c];
        float box[4] = {round_down(x->minx), round_up(x->maxx),
                        round_down(x->miny), round_up(x->maxy)};
        put_cell(l->blob + 4 + c * CELL_BYTES, x->id, box);
        for (int k = 0; k < 4; k += 2) {
            if (box[k] < bb[k]) bb[k] = box[k];
            if (box[k + 1] > bb[k + 1]) bb[k + 1] = box[k + 1];
        }
        if (leaf && l->leaf_of) {
            l->leaf_of[(uint64_t)x->id - (uint64_t)l->id_min] = (uint32_t)no;
        } else if (leaf) { /* the node number is exact in a double */
            l->pairs[l->npairs++] =
                (vemt_rtree_entry){x->id, 0, 0, (double)no, 0};
        } else {
            sqlite3_bind_int64(l->ins_parent, 1, x->id);
            sqlite3_bind_int64(l->ins_parent, 2, no);
            s = step(l, l->ins_parent, "can't write _parent");
        }
        if (s != VEMT_OK) return s;
    }
    sqlite3_stmt *st = no == 1 ? l->upd_root : l->ins_node;
    sqlite3_bind_int64(st, 1, no);
    sqlite3_bind_blob(st, 2, l->blob, l->node_bytes, SQLITE_STATIC);
    s = step(l, st, "can't write _node");
    *up = (vemt_rtree_entry){no, bb[0], bb[1], bb[2], bb[3]};
    return s;
}

/* Pack one level of m items into ceil(m / M) nodes, written in order and
 * described (number, box) in up[]; a single node is the root. */
static vemt_status pack_level(loader *l, vemt_rtree_entry *items, size_t m,
                              bool leaf, int depth, vemt_rtree_entry *up) {
    size_t nodes = (m + l->cells - 1) / l->cells;
    str_order(items, m, l->cells);
    for (size_t k = 0; k < nodes; k++) {
        size_t first = k * l->cells;
        size_t cnt = m - first < l->cells ? m - first : l->cells;
        int64_t no = nodes == 1 ? 1 : l->next_node++;
        vemt_status s =
            write_node(l, items + first, cnt, leaf, no, depth, &up[k]);
        if (s != VEMT_OK) return s;
    }
    return VEMT_OK;
}

/* Queue one _rowid row; ROW_BATCH of them go in with one statement. */
static vemt_status add_row(loader *l, int64_t id, int64_t no) {
    l->batch[2 * l->nbatch] = id;
    l->batch[2 * l->nbatch + 1] = no;
    if (++l->nbatch < ROW_BATCH) return VEMT_OK;
    for (int k = 0; k < 2 * ROW_BATCH; k++)
        sqlite3_bind_int64(l->ins_rows, k + 1, l->batch[k]);
    l->nbatch = 0;
    return step(l, l->ins_rows, "can't write _rowid");
}

static vemt_status flush_rows(loader *l) {
    vemt_status s = VEMT_OK;
    for (size_t k = 0; k < l->nbatch && s == VEMT_OK; k++) {
        sqlite3_bind_int64(l->ins_rowid, 1, l->batch[2 * k]);
        sqlite3_bind_int64(l->ins_rowid, 2, l->batch[2 * k + 1]);
        s = step(l, l->ins_rowid, "can't write _rowid");
    }
    l->nbatch = 0;
    return s;
}

static vemt_status write_rowids(loader *l) {
    vemt_status s = VEMT_OK;
    if (l->leaf_of) {
        for (size_t k = 0; k < l->id_span && s == VEMT_OK; k++)
            if (l->leaf_of[k])
                s = add_row(l, l->id_min + (int64_t)k, l->leaf_of[k]);
        return s == VEMT_OK ? flush_rows(l) : s;
    }
    sort_entries(l->pairs, l->npairs, 0); /* keys all 0: by id */
    for (size_t k = 0; k < l->npairs && s == VEMT_OK; k++) {
        if (k && l->pairs[k].id == l->pairs[k - 1].id)
            return vemt_ctx_fail(l->ctx, VEMT_E_ARG,
                                 "rtree \"%s\": two entries have id %" PRId64,
                                 l->name, l->pairs[k].id);
        s = add_row(l, l->pairs[k].id, (int64_t)l->pairs[k].miny);
    }
    return s == VEMT_OK ? flush_rows(l) : s;
}

/* The levels, leaves up: a level's nodes are the next level's items, in
 * two arrays used in turn (the level above the leaves is the larger). */
static vemt_status pack_all(loader *l, vemt_rtree_entry *entries, size_t n) {
    size_t m = (n + l->cells - 1) / l->cells; /* leaves */
    size_t above = (m + l->cells - 1) / l->cells;
    vemt_rtree_entry *a = vemt_calloc(m, sizeof *a);
    vemt_rtree_entry *b = vemt_calloc(above, sizeof *b);
    vemt_status s = VEMT_OK;
    if (!a || !b) {
        s = vemt_ctx_fail(l->ctx, VEMT_E_NOMEM, "rtree \"%s\": out of memory",
                          l->name);
        goto done;
    }
    /* The height: levels above the leaves, the root's depth field. */
    int depth = 0;
    for (size_t c = m; c > 1; c = (c + l->cells - 1) / l->cells) depth++;
    l->next_node = 2;
    s = pack_level(l, entries, n, true, depth, a);
    while (s == VEMT_OK && m > 1) {
        size_t up = (m + l->cells - 1) / l->cells;
        s = pack_level(l, a, m, false, depth, b);
        vemt_rtree_entry *t = a;
        a = b;
        b = t;
        m = up;
    }
    if (s == VEMT_OK) s = write_rowids(l);
done:
    vemt_free(a);
    vemt_free(b);
    return s;
}

vemt_status vemt_rtree_load(vemt_ctx *ctx, sqlite3 *db, const char *name,
                            vemt_rtree_entry *entries, size_t n) {
    if (!db || !name || (n && !entries))
        return vemt_ctx_fail(ctx, VEMT_E_ARG, "rtree: no database or table");
    loader l = {.ctx = ctx, .db = db, .name = name};
    vemt_status s = check_entries(&l, entries, n);
    if (s == VEMT_OK) s = open_loader(&l);
    if (s == VEMT_OK && n > 0) {
        size_t leaves = (n + l.cells - 1) / l.cells;
        s = map_ids(&l, entries, n, 2 * leaves);
    }
    if (s == VEMT_OK && n > 0) s = pack_all(&l, entries, n);
    close_loader(&l);
    return s;
}
