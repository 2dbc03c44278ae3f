/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_write.h
 * @brief Private to outputs/: the board pack's PDF (outputs/pack_pdf.c) and
 * reading its files back before the commit (outputs/pack.c).
 */
#ifndef VEMT_OUTPUTS_PACK_WRITE_H
#define VEMT_OUTPUTS_PACK_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "outputs/pack.h"

/** Lay out the pack's PDF (cover, summary, maps, charts, tables, glossary;
 * the marking and page numbers on every page) and write it to f. On a
 * failed write returns VEMT_E_IO with *err_no the write's errno; else
 * VEMT_E_NOMEM or VEMT_E_DEPENDENCY (cairo's failure, or the map's). */
vemt_status vemt_pack_write_pdf(vemt_ctx *ctx, const vemt_output *out,
                                const vemt_pack *pack, FILE *f, int *err_no);

/** True when the PNG at path decodes whole (every row, every chunk's CRC)
 * as a 300 dpi A4 landscape page (3508 x 2480). */
bool vemt_pack_png_is_whole(const char *path);

/** True when the file at path starts as a PDF does ("%PDF-") and its last
 * 32 bytes hold the trailer's end-of-file marker ("%%EOF"; ISO 32000-1,
 * 7.5.2 and 7.5.5). */
bool vemt_pack_pdf_is_whole(const char *path);

#endif /* VEMT_OUTPUTS_PACK_WRITE_H */
