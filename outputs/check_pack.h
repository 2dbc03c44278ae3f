/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file check_pack.h
 * @brief Private to the checker: the parts of a board pack's check
 * (check_pack.c: manifest, files, tables, series; check_pack_text.c: the
 * CSV files, the words and the PDF).
 */
#ifndef VEMT_OUTPUTS_CHECK_PACK_H
#define VEMT_OUTPUTS_CHECK_PACK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "outputs/check.h"

/* The pack's own files (outputs/pack.h). */
#define VEMT_PACK_MANIFEST "board-pack.json"
#define VEMT_PACK_PDF "board-pack.pdf"

/** One pack's check. */
typedef struct vemt_pack_check {
    vemt_checker *c;
    const char *dir;   /* the pack's folder */
    const char *label; /* "" or "NAME/": prefixes the examples' files */
    const struct vemt_commit *commit; /* a pack not yet committed: its files
                                         are the commit's temporaries, and
                                         stale files are the commit's to
                                         remove; NULL: the folder as is */
    bool shared;        /* partner or public: the rules on counts and words */
    json_object *root;  /* the manifest */
    const char **named; /* files the manifest names (borrowed from root) */
    size_t n_named, cap_named;
    double *numbers; /* every number of the manifest (absolute), sorted */
    size_t n_numbers, cap_numbers;
} vemt_pack_check;

/** The whole of a regular file of at most 64 MiB, NUL-terminated, its
 * length in *size; NULL when it can't be read (c->nomem set when memory
 * ran out). Caller owns the result; free with vemt_free(). */
/** The path of the pack's file rel ("maps/hotspots.png") into buf: in the
 * folder, or the commit's temporary for it. */
void vemt_check_pack_path(const vemt_pack_check *pc, const char *rel, char *buf,
                          size_t size);

/** Check the pack in folder as vemt_check_pack() does; commit: see
 * vemt_pack_check. */
void vemt_check_pack_in(vemt_checker *c, const char *folder, const char *label,
                        const struct vemt_commit *commit);

char *vemt_check_read_file(vemt_checker *c, const char *path, size_t *size);

/** Report rel (named by the manifest) as missing. */
void vemt_check_pack_missing(vemt_pack_check *pc, const char *rel);

/** tables/NAME.csv (rel) against the manifest's columns (n) and rows: the
 * UTF-8 byte order mark, RFC 4180 with CRLF line ends, every cell. */
void vemt_check_pack_csv(vemt_pack_check *pc, const char *rel,
                         const char *const *columns, size_t n,
                         json_object *rows);

/** Every string of the manifest: counts in its words and street text; and
 * every number of the manifest into pc->numbers. */
void vemt_check_pack_words(vemt_pack_check *pc);

/** board-pack.pdf: present and readable; outside the restricted tier its
 * text as the manifest's words (counts, street text), and every number in
 * it one of the manifest's. */
void vemt_check_pack_pdf(vemt_pack_check *pc);

#endif /* VEMT_OUTPUTS_CHECK_PACK_H */
