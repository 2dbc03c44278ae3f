# SPDX-License-Identifier: GPL-3.0-or-later
# Reference for tests/ref/lisa_spdep_ref.h, from the repository root:
#   Rscript tests/ref/lisa_spdep.R > tests/ref/lisa_spdep_ref.h &&
#   clang-format -i tests/ref/lisa_spdep_ref.h
# (R 4.2.2, spdep 1.2-7, e1071 for localG_perm, Debian 12; about 30 s).
# Not run at test time.
#
# Points: fixtures/ref/gistar_points.csv (1,500 synthetic incidents,
# ../shared/peers/gen_points.py --n 1500 --seed 7), binned as
# ../shared/peers/gistar_spdep.R bins them: col = floor((e - X0) / cell),
# row = floor((n - Y0) / cell), cells row-major from the south-west.
#
# Grid A: 11 x 8 cells of 2000 m from (454000, 514000) (the Gi* reference
#   grid of tests/ref/gistar_spdep_ref.h).
#   - localmoran() with queen weights (band 2000 sqrt 2, self excluded),
#     style "W", conditional = TRUE (spdep's default) and FALSE;
#   - moran.test(randomisation = TRUE, alternative = "two.sided") with the
#     same neighbours in styles "W" and "B", and at bands of 2000, 2828.43,
#     4000, 4472.14, 5656.85 and 6000 m (style "W": the incremental spatial
#     autocorrelation profile);
#   - a masked grid (the 3 x 3 south-west block, the cells with
#     (col * 7 + row * 3) %% 11 == 0 and the four rook neighbours of cells
#     (5, 4) and (8, 6) dropped) with rook weights (band 2000 m), so those
#     two cells are isolates: moran.test and localmoran with zero.policy =
#     TRUE (moran.test's adjust.n = TRUE).
# Grid B: 20 x 15 cells of 1000 m from (455000, 515000).
#   - localG_perm(nsim = 999, iseed = 1) with queen + self weights, style
#     "B": spdep's two-sided "Pr(z != E(Gi)) Sim" and "Pr(folded) Sim"
#     (it draws all card(i) values, the self slot included, WITH
#     replacement from the other n - 1 values);
#   - an independent implementation of vemt's null (PySAL esda's
#     conditional randomisation): the cell's own value held fixed, its
#     card(i) - 1 other neighbours drawn WITHOUT replacement from the other
#     n - 1 cells, 9999 draws per cell (set.seed(4)), two-sided
#     p = min(1, 2 (min(M_ge, M_le) + 1) / (R + 1)) on the lag sum.
suppressPackageStartupMessages(library(spdep))

pts <- read.csv("fixtures/ref/gistar_points.csv")
bin_counts <- function(x0, y0, cell, ncol, nrow) {
  col <- floor((pts$easting - x0) / cell)
  row <- floor((pts$northing - y0) / cell)
  ok <- col >= 0 & col < ncol & row >= 0 & row < nrow
  tabulate(row[ok] * ncol + col[ok] + 1, nbins = ncol * nrow)
}
centres <- function(x0, y0, cell, ncol, nrow) {
  cbind(x0 + (rep(0:(ncol - 1), times = nrow) + 0.5) * cell,
        y0 + (rep(0:(nrow - 1), each = ncol) + 0.5) * cell)
}
band_nb <- function(xy, d) dnearneigh(xy, 0, d * (1 + 1e-9))
f17 <- function(v) ifelse(is.nan(v), "NAN", sprintf("%.17g", v))
vec <- function(name, v) {
  cat(sprintf("static const double %s[%d] = {\n    %s};\n", name, length(v),
              paste(f17(v), collapse = ",\n    ")))
}
moran_row <- function(x, lw) {
  m <- moran.test(x, lw, randomisation = TRUE, alternative = "two.sided",
                  zero.policy = TRUE)
  sprintf("{%s, %s, %s, %s, %s}", f17(m$estimate[[1]]), f17(m$estimate[[2]]),
          f17(m$estimate[[3]]), f17(m$statistic[[1]]), f17(m$p.value))
}

cat("/** @file lisa_spdep_ref.h\n * @brief Local and global Moran's I and",
    "Gi* permutation p-values from R spdep\n * 1.2-7 (independent peer);",
    "made by tests/ref/lisa_spdep.R, which says how. */\n")
cat("#ifndef VEMT_TESTS_REF_LISA_SPDEP_REF_H\n#define VEMT_TESTS_REF_LISA_SPDEP_REF_H\n\n#include <math.h>\n\n")
cat("/* moran.test: I, E(I), Var(I), z, two-sided p. */\n")
cat("typedef struct ref_moran {\n    double i, e, var, z, p;\n} ref_moran;\n\n")

# ---- Grid A ---------------------------------------------------------------
A <- list(x0 = 454000, y0 = 514000, cell = 2000, ncol = 11, nrow = 8)
xa <- bin_counts(A$x0, A$y0, A$cell, A$ncol, A$nrow)
xya <- centres(A$x0, A$y0, A$cell, A$ncol, A$nrow)
nbq <- band_nb(xya, A$cell * sqrt(2))
lwq <- nb2listw(nbq, style = "W")
lmc <- localmoran(xa, lwq, conditional = TRUE)
lmt <- localmoran(xa, lwq, conditional = FALSE)
cat("#define LISA_A_X0 454000.0\n#define LISA_A_Y0 514000.0\n")
cat("#define LISA_A_CELL 2000.0\n#define LISA_A_NCOL 11\n#define LISA_A_NROW 8\n\n")
vec("lisa_a_count", xa)
cat("/* localmoran(count, queen style W): Ii, and Z.Ii and p for conditional =\n",
    "* TRUE (Sokal et al. 1998 A7-A8) and FALSE (A3-A4). */\n")
vec("lisa_a_ii", lmc[, "Ii"])
vec("lisa_a_z_cond", lmc[, "Z.Ii"])
vec("lisa_a_p_cond", lmc[, 5])
vec("lisa_a_z_total", lmt[, "Z.Ii"])
vec("lisa_a_p_total", lmt[, 5])
# spdep's own quadrant (the "pysal" column: signs of z_i and its lag)
q <- as.integer(attr(lmc, "quadr")$pysal)
cat(sprintf("/* attr(, \"quadr\")$pysal: 1 Low-Low, 2 High-Low, 3 Low-High, 4 High-High */\nstatic const int lisa_a_quadr[%d] = {%s};\n",
            length(q), paste(q, collapse = ", ")))
cat("\n/* moran.test, queen, styles W and B. */\n")
cat(sprintf("static const ref_moran moran_a_w = %s;\n", moran_row(xa, lwq)))
cat(sprintf("static const ref_moran moran_a_b = %s;\n",
            moran_row(xa, nb2listw(nbq, style = "B"))))
bands <- A$cell * c(1, sqrt(2), 2, sqrt(5), sqrt(8), 3)
cat("\n/* Incremental profile: moran.test at each band, style W. */\n")
cat(sprintf("static const double isa_a_band[%d] = {%s};\n", length(bands),
            paste(f17(bands), collapse = ", ")))
cat(sprintf("static const ref_moran isa_a[%d] = {\n    %s};\n", length(bands),
            paste(sapply(bands, function(d)
              moran_row(xa, nb2listw(band_nb(xya, d), style = "W"))),
              collapse = ",\n    ")))

# Masked grid with rook weights: isolates.
col <- rep(0:(A$ncol - 1), times = A$nrow)
row <- rep(0:(A$nrow - 1), each = A$ncol)
keep <- !((col < 3 & row < 3) | ((col * 7 + row * 3) %% 11 == 0))
for (c0 in list(c(5, 4), c(8, 6)))   # isolate two cells: drop their rook ring
  keep[abs(col - c0[1]) + abs(row - c0[2]) == 1] <- FALSE
nbm <- band_nb(xya[keep, ], A$cell)
lwm <- nb2listw(nbm, style = "W", zero.policy = TRUE)
lmm <- localmoran(xa[keep], lwm, zero.policy = TRUE)
cat(sprintf("\n/* Masked grid (%d cells kept, %d isolates), rook, style W. */\n",
            sum(keep), sum(card(nbm) == 0)))
cat(sprintf("static const int lisa_m_keep[%d] = {%s};\n", length(keep),
            paste(as.integer(keep), collapse = ", ")))
cat(sprintf("static const ref_moran moran_m_w = %s;\n",
            moran_row(xa[keep], lwm)))
vec("lisa_m_ii", lmm[, "Ii"])
vec("lisa_m_z_cond", lmm[, "Z.Ii"])

# ---- Grid B: permutation p-values ------------------------------------------
B <- list(x0 = 455000, y0 = 515000, cell = 1000, ncol = 20, nrow = 15)
xb <- bin_counts(B$x0, B$y0, B$cell, B$ncol, B$nrow)
xyb <- centres(B$x0, B$y0, B$cell, B$ncol, B$nrow)
nbs <- include.self(band_nb(xyb, B$cell * sqrt(2)))
lws <- nb2listw(nbs, style = "B")
gp <- localG_perm(xb, lws, nsim = 999, iseed = 1, zero.policy = TRUE)
it <- attr(gp, "internals")
set.seed(4)
R <- 9999
pcond <- sapply(seq_along(xb), function(i) {
  others <- setdiff(nbs[[i]], i)
  obs <- sum(xb[others])
  pool <- xb[-i]
  s <- replicate(R, sum(sample(pool, length(others), replace = FALSE)))
  min(1, 2 * (min(sum(s >= obs), sum(s <= obs)) + 1) / (R + 1))
})
cat("\n#define LISA_B_X0 455000.0\n#define LISA_B_Y0 515000.0\n")
cat("#define LISA_B_CELL 1000.0\n#define LISA_B_NCOL 20\n#define LISA_B_NROW 15\n\n")
vec("perm_b_count", xb)
cat("/* localG_perm(nsim = 999, iseed = 1): Pr(z != E(Gi)) Sim, Pr(folded) Sim */\n")
vec("perm_b_spdep_sim", it[, 5])
vec("perm_b_spdep_folded", it[, 6])
cat(sprintf("/* Conditional randomisation without replacement, R = %d. */\n", R))
vec("perm_b_cond", pcond)
cat("\n#endif /* VEMT_TESTS_REF_LISA_SPDEP_REF_H */\n")
