/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file pack_pdf.h
 * @brief Private to outputs/: the board pack's PDF (outputs/pack_pdf.c).
 */
#ifndef VEMT_OUTPUTS_PACK_PDF_H
#define VEMT_OUTPUTS_PACK_PDF_H

#include <stdio.h>

#include "outputs/pack.h"

/** Lay out the pack's PDF (cover, summary, maps, charts, tables, glossary;
 * the marking and page numbers on every page) and write it to f. On a
 * failed write returns VEMT_E_IO with *err_no the write's errno; else
 * VEMT_E_NOMEM or VEMT_E_DEPENDENCY (cairo's failure, or the map's). */
vemt_status vemt_pack_write_pdf(vemt_ctx *ctx, const vemt_output *out,
                                const vemt_pack *pack, FILE *f, int *err_no);

#endif /* VEMT_OUTPUTS_PACK_PDF_H */
