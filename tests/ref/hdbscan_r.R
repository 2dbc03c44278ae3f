# SPDX-License-Identifier: GPL-3.0-or-later
# Reference for tests/ref/hdbscan_r_ref.h and fixtures/ref/hdbscan_*_r.csv
# (tests/test_hdbscan.c): R dbscan::hdbscan() on a published example (the
# package's "moons" data, minPts = 5, as in the hdbscan vignette of Hahsler,
# Piekenbrock & Doran 2019, doi:10.18637/jss.v091.i01), on 2,000 generated
# points and on a real police.uk month (Merseyside shoplifting, May 2019,
# 680 events at 306 snapped locations: many exact ties). Not run at test
# time. From the repository root, after tests/ref/dbscan_peers.py made the
# point fixtures:
#
#   Rscript tests/ref/hdbscan_r.R
#   clang-format -i tests/ref/hdbscan_r_ref.h
suppressPackageStartupMessages(library(dbscan))
ref <- "fixtures/ref"
data(moons)
moons_csv <- file.path(ref, "hdbscan_moons.csv")
writeLines(c("x,y", sprintf("%.17g,%.17g", moons$X, moons$Y)), moons_csv)
gen <- read.csv(file.path(ref, "dbscan_points_10k.csv"))[1:2000, ]
mer <- read.csv(file.path(ref, "merseyside_2019-05_27700.csv"))
cases <- list(
  list(name = "moons", x = as.matrix(read.csv(moons_csv)), minPts = 5),
  list(name = "gen2k", x = cbind(gen$easting, gen$northing), minPts = 15),
  list(name = "mersey", x = cbind(mer$easting, mer$northing), minPts = 8),
  list(name = "mersey4", x = cbind(mer$easting, mer$northing), minPts = 4))
g17 <- function(v) sprintf("%.17g", v)
rows <- character(0)
for (cs in cases) {
  r <- hdbscan(cs$x, minPts = cs$minPts)
  writeLines(c("cluster,prob,glosh",
               paste(r$cluster, g17(r$membership_prob), g17(r$outlier_scores), sep = ",")),
             file.path(ref, sprintf("hdbscan_%s_r.csv", cs$name)))
  rows <- c(rows, sprintf(
    '    {"%s", %d, %d, %d, %d, {%s}},', cs$name, nrow(cs$x), cs$minPts,
    length(r$cluster_scores), sum(r$cluster == 0),
    paste(g17(r$cluster_scores), collapse = ", ")))
}
hdr <- c(
  "/** @file hdbscan_r_ref.h",
  " * @brief Reference HDBSCAN results of R dbscan::hdbscan() (independent",
  " * peer): per case the points, minPts, clusters, noise and the stability of",
  " * each cluster (R's cluster_scores, in R's cluster order); per point R's",
  " * cluster (0 = noise), membership_prob and outlier_scores (GLOSH) are in",
  " * fixtures/ref/hdbscan_<case>_r.csv, printed to 17 significant digits.",
  " *",
  sprintf(" * Made by tests/ref/hdbscan_r.R (%s, dbscan %s) on", R.version.string,
          packageVersion("dbscan")),
  " * fixtures/ref/hdbscan_moons.csv (dbscan's moons data), the first 2,000",
  " * rows of fixtures/ref/dbscan_points_10k.csv and",
  " * fixtures/ref/merseyside_2019-05_27700.csv.",
  " */",
  "#ifndef VEMT_TESTS_REF_HDBSCAN_R_REF_H",
  "#define VEMT_TESTS_REF_HDBSCAN_R_REF_H",
  "",
  "typedef struct hdbscan_ref {",
  "    const char *name;",
  "    long n, min_pts, n_clusters, n_noise;",
  "    double stability[64];",
  "} hdbscan_ref;",
  "",
  "static const hdbscan_ref HDBSCAN_REFS[] = {", rows, "};", "",
  "#endif /* VEMT_TESTS_REF_HDBSCAN_R_REF_H */")
writeLines(hdr, "tests/ref/hdbscan_r_ref.h")
