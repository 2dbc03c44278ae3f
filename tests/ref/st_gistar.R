# SPDX-License-Identifier: GPL-3.0-or-later
# Reference for tests/ref/st_gistar_ref.h: Rscript tests/ref/st_gistar.R
# (R 4.2.2, spdep 1.2-7). Not run at test time.
suppressPackageStartupMessages(library(spdep))
set.seed(11)
ncol <- 4; nrow <- 3; U <- ncol*nrow; T <- 10; k <- 1
x <- matrix(rpois(U*T, 3), nrow=U, ncol=T)  # x[u, t]
x[6, 7:10] <- x[6, 7:10] + 9               # a planted hot bin run
col <- (0:(U-1)) %% ncol; row <- (0:(U-1)) %/% ncol
nbl <- vector("list", U*T)
for (u in 1:U) for (t in 1:T) {
  j <- which(abs(col - col[u]) <= 1 & abs(row - row[u]) <= 1)   # queen + self
  s <- max(1, t-k):t
  ids <- as.integer(sort(as.vector(outer((j-1)*T, s, "+"))))     # bin = (u-1)*T + t
  nbl[[(u-1)*T + t]] <- ids
}
class(nbl) <- "nb"; attr(nbl, "self.included") <- TRUE
attr(nbl, "region.id") <- as.character(1:(U*T))
lw <- nb2listw(nbl, style="B", zero.policy=TRUE)
xv <- as.vector(t(x))   # bin order u-major: (u-1)*T + t
z <- as.numeric(localG(xv, lw, zero.policy=TRUE))
cat("static const double st_counts[] = {", paste(xv, collapse=", "), "};\n")
cat("static const double st_z[] = {", paste(sprintf("%.17g", z), collapse=",\n    "), "};\n")
# Poisson change references (R's poisson.test: exact conditional binomial)
for (ab in list(c(30, 18), c(12, 12), c(0, 5), c(45, 60))) cat(sprintf("/* poisson.test(c(%d, %d))$p.value = */ %.17g\n", ab[1], ab[2], poisson.test(ab)$p.value))
