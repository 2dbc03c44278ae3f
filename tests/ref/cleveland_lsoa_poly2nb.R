# SPDX-License-Identifier: GPL-3.0-or-later
# Reference neighbour lists for tests/test_areas.c: spdep's poly2nb on the
# 352 Cleveland LSOAs (2011), the four files fixtures/boundaries/
# lsoa_E0600000{1..4}.geojson combined and projected to British National
# Grid (EPSG:27700), as vemt reads them with --areas. snap = 0.001 m, the
# default of vemt's --snap. Made with R 4.2, sf 1.0-9 (GEOS 3.11.1, GDAL
# 3.6.2, PROJ 9.1.0) and spdep 1.2-7 (Debian r-cran-sf, r-cran-spdep):
#   cd tests/ref && Rscript cleveland_lsoa_poly2nb.R
# Writes cleveland_lsoa_queen.txt and cleveland_lsoa_rook.txt: one line a
# pair of neighbours "CODE1 CODE2" (CODE1 < CODE2), sorted.
suppressMessages({library(sf); library(spdep)})
files <- sprintf("../../fixtures/boundaries/lsoa_E0600000%d.geojson", 1:4)
l <- do.call(rbind, lapply(files, st_read, quiet = TRUE))
l <- st_transform(l, 27700)
for (queen in c(TRUE, FALSE)) {
  nb <- poly2nb(l, snap = 0.001, queen = queen)
  p <- do.call(rbind, lapply(seq_along(nb), function(i) {
    j <- nb[[i]][nb[[i]] > i]
    if (length(j)) cbind(l$LSOA11CD[i], l$LSOA11CD[j])
  }))
  p <- t(apply(p, 1, sort))
  p <- p[order(p[, 1], p[, 2]), ]
  out <- if (queen) "cleveland_lsoa_queen.txt" else "cleveland_lsoa_rook.txt"
  writeLines(c(sprintf("# spdep %s poly2nb(snap = 0.001, queen = %s): %d pairs, %d units without a neighbour; made by cleveland_lsoa_poly2nb.R",
                       packageVersion("spdep"), queen, nrow(p), sum(card(nb) == 0)),
               paste(p[, 1], p[, 2])), out)
}
