/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file rtree.h
 * @brief A packed R-tree written straight into SQLite's R*Tree shadow
 * tables (private to outputs/): the GeoPackage's spatial index of a layer,
 * built in one pass instead of one insert a feature.
 *
 * SQLite's rtree module (sqlite.org/rtree.html, rtree.c) keeps a 2-D index
 * "T" in three tables: T_node(nodeno INTEGER PRIMARY KEY, data BLOB),
 * T_parent(nodeno INTEGER PRIMARY KEY, parentnode) and T_rowid(rowid
 * INTEGER PRIMARY KEY, nodeno). A node is one blob of the node size fixed
 * when the table was created (read back from the root, node 1): a 2-byte
 * big-endian depth (root only; 0 elsewhere, the root's is the tree's
 * height), a 2-byte big-endian cell count, then cells of 24 bytes: the
 * 8-byte big-endian rowid (child node number in inner nodes) and minx,
 * maxx, miny, maxy as big-endian float32, rounded outward (down for the
 * minimum, up for the maximum) so the box still holds the feature. At most
 * 51 cells a node.
 */
#ifndef VEMT_OUTPUTS_RTREE_H
#define VEMT_OUTPUTS_RTREE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/vemt.h"

/** One feature's box, in the layer's coordinates (doubles; the loader
 * rounds them outward to float32). */
typedef struct vemt_rtree_entry {
    int64_t id; /* the feature's fid */
    double minx, maxx, miny, maxy;
} vemt_rtree_entry;

/** Fill the existing, empty rtree virtual table `name` (created by the
 * caller with "CREATE VIRTUAL TABLE name USING rtree(id, minx, maxx, miny,
 * maxy)" in the open transaction) with the n entries, packed by
 * Sort-Tile-Recursive order (Leutenegger, Lopez and Edgington 1997) into
 * full nodes: writes T_node, T_parent and T_rowid directly, root last, with
 * prepared statements, inside the caller's transaction. entries is
 * reordered in place (its contents unchanged). The result passes SQLite's
 * rtreecheck() and answers every box query as a tree built by inserting
 * row by row: coordinates are rounded to float32 exactly as rtree.c's
 * rtreeValueDown/rtreeValueUp do, so the stored boxes are the same. n == 0
 * leaves the table empty (a valid empty index). The same entries in any
 * order give the same nodes (ties broken by id).
 *
 * Refuses with VEMT_E_ARG, before writing anything: a coordinate that is
 * NaN, infinite or beyond float32's range (an empty geometry has no entry:
 * the caller skips it), a box whose rounded minimum is above its maximum
 * (SQLite's "rtree constraint failed"), two entries with one id (found
 * after the nodes are written when the ids are sparse), a table that is
 * not empty or not 2-D. Returns VEMT_E_NOMEM, or VEMT_E_IO with SQLite's
 * message in ctx's error (a connection in SQLITE_DBCONFIG_DEFENSIVE mode
 * may not write shadow tables). After a failure the caller rolls its
 * transaction back.
 *
 * Memory: besides the entries, 4 bytes an id of their span when the ids
 * are dense (at most 2n + 64 apart: fids), else 40 bytes an entry, and
 * 40 bytes a node; no allocation an entry. */
vemt_status vemt_rtree_load(vemt_ctx *ctx, sqlite3 *db, const char *name,
                            vemt_rtree_entry *entries, size_t n);

#endif /* VEMT_OUTPUTS_RTREE_H */
