# SPDX-License-Identifier: GPL-3.0-or-later
# The spdep side of bench_gistar: Gi* and its permutation test on the same
# cells, with the same weights, as the benchmark times in vemt.
#
#   Rscript bench_gistar_spdep.R COUNTS.csv CELL NSIM
#
# COUNTS.csv has columns col,row,count (row-major from the south-west);
# cell centres are ((col + 0.5) CELL, (row + 0.5) CELL). Weights: the queen
# band CELL sqrt 2 (1e-9 relative tolerance) plus self, style "B", as
# ../../../shared/peers/gistar_spdep.R builds them. Prints one line per
# stage, "stage seconds", then the number of cells with p_sim < 0.05.
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
cell <- as.numeric(args[[2]])
nsim <- as.integer(args[[3]])
t0 <- proc.time()[["elapsed"]]
tick <- function(stage) {
  t <- proc.time()[["elapsed"]]
  cat(sprintf("%s %.3f\n", stage, t - t0))
  t0 <<- t
}
d <- read.csv(args[[1]])
xy <- cbind((d$col + 0.5) * cell, (d$row + 0.5) * cell)
tick("read")
nb <- include.self(dnearneigh(xy, 0, cell * sqrt(2) * (1 + 1e-9)))
lw <- nb2listw(nb, style = "B")
tick("weights")
z <- localG(d$count, lw)
tick("localG")
gp <- localG_perm(d$count, lw, nsim = nsim, iseed = 1)
tick("localG_perm")
cat(sprintf("significant %d\n",
            sum(attr(gp, "internals")[, "Pr(z != E(Gi)) Sim"] < 0.05)))
