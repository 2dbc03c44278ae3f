# SPDX-License-Identifier: GPL-3.0-or-later
# Reference for tests/ref/nottingham_spdep_ref.h (tests/test_areas.c): real
# Nottingham ward polygons and real police.uk burglaries (2022), counted per
# ward, per 500 m square and per 500 m hexagon, with R spdep's neighbour
# lists and Gi* z-scores. Not run at test time. From the repository root:
#
#   Rscript tests/ref/nottingham_spdep.R ../shared/data/nottingham-burglary-robbery-2022
#   clang-format -i tests/ref/nottingham_spdep_ref.h
#
# (R 4.2.2, spdep 1.2-7, sf 1.0-9 with GEOS 3.11.1, GDAL 3.6.2, PROJ 9.1.0.)
# It writes fixtures/ref/nottingham_wards_27700.gpkg (layers nottingham_wards
# and nottingham_city, their union), fixtures/ref/nottingham_burglary_27700.csv
# and the header; every computation below re-reads those files, so R and
# the C test see the same doubles.
suppressPackageStartupMessages({library(sf); library(spdep)})
args <- commandArgs(TRUE)
src <- if (length(args) >= 1) args[1] else "../shared/data/nottingham-burglary-robbery-2022"
sf_use_s2(FALSE)
gpkg <- "fixtures/ref/nottingham_wards_27700.gpkg"
csv <- "fixtures/ref/nottingham_burglary_27700.csv"
hdr <- "tests/ref/nottingham_spdep_ref.h"

## Fixtures: wards and points in EPSG:27700 (PROJ picks its best available
## WGS 84 -> OSGB 36 operation; without the OSTN15 grid, the 2 m Helmert).
w <- st_transform(st_read(file.path(src, "nottingham_wards.gpkg"), quiet = TRUE), 27700)
w <- w[, c("ward_code", "ward_name")]
unlink(gpkg)
st_write(w, gpkg, layer = "nottingham_wards", quiet = TRUE)
city <- st_sf(name = "Nottingham", geom = st_union(st_geometry(w)))
st_write(city, gpkg, layer = "nottingham_city", quiet = TRUE, append = TRUE)
p <- read.csv(gzfile(file.path(src, "nottingham_burglary.csv.gz")))
pt <- st_coordinates(st_transform(st_as_sf(p, coords = c("longitude", "latitude"), crs = 4326), 27700))
writeLines(c("x,y", sprintf("%.3f,%.3f", pt[, 1], pt[, 2])), csv)

w <- st_read(gpkg, layer = "nottingham_wards", quiet = TRUE)
city <- st_read(gpkg, layer = "nottingham_city", quiet = TRUE)
xy <- as.matrix(read.csv(csv))
pts <- st_as_sf(data.frame(x = xy[, 1], y = xy[, 2]), coords = c("x", "y"), crs = 27700)
in_city <- lengths(st_intersects(pts, city)) > 0

## Wards: counts (a point on a shared boundary goes to the lowest index, as
## vemt_polygons_locate does), poly2nb queen and rook (default snap), k = 4
## nearest centroids, Gi* with self included.
hits <- st_intersects(pts, w)
ward_of <- sapply(hits, function(v) if (length(v)) min(v) else NA)
wcount <- tabulate(ward_of[!is.na(ward_of)], nbins = nrow(w))
q <- poly2nb(w, queen = TRUE)
r <- poly2nb(w, queen = FALSE)
cen <- st_coordinates(st_centroid(st_geometry(w)))
kn <- knn2nb(knearneigh(cen, k = 4))
gi <- function(x, nb) as.numeric(localG(x, nb2listw(include.self(nb), style = "B")))
zq <- gi(wcount, q)
zk <- gi(wcount, kn)

## Grids of 500 m over the city's extent, masked to the city.
s <- 500
bb <- st_bbox(city)
bbpoly <- st_as_sfc(bb)
keep <- function(polys) lengths(st_intersects(polys, bbpoly)) > 0 &
    lengths(st_intersects(polys, city)) > 0
sq <- function() {
    x0 <- floor(bb[["xmin"]] / s) * s; y0 <- floor(bb[["ymin"]] / s) * s
    nc <- floor((bb[["xmax"]] - x0) / s) + 1; nr <- floor((bb[["ymax"]] - y0) / s) + 1
    g <- expand.grid(col = 0:(nc - 1), row = 0:(nr - 1))  # row-major
    polys <- st_sfc(lapply(seq_len(nrow(g)), function(k) {
        a <- x0 + g$col[k] * s; b <- y0 + g$row[k] * s
        st_polygon(list(rbind(c(a, b), c(a + s, b), c(a + s, b + s), c(a, b + s), c(a, b))))
    }), crs = 27700)
    g <- g[keep(polys), ]
    cc <- floor((xy[in_city, 1] - x0) / s); rr <- floor((xy[in_city, 2] - y0) / s)
    g$count <- sapply(seq_len(nrow(g)), function(k) sum(cc == g$col[k] & rr == g$row[k]))
    g$x <- x0 + (g$col + 0.5) * s; g$y <- y0 + (g$row + 0.5) * s
    nb <- dnearneigh(cbind(g$x, g$y), 0, s * sqrt(2) * (1 + 1e-9))
    g$z <- gi(g$count, nb)
    g
}
hex <- function() {
    rad <- s / sqrt(3); step <- s * sqrt(3) / 2
    cmin <- ceiling((bb[["xmin"]] - rad) / step); cmax <- floor((bb[["xmax"]] + rad) / step)
    rmin <- ceiling(bb[["ymin"]] / s - 1); rmax <- floor(bb[["ymax"]] / s + 0.5)
    g <- expand.grid(col = cmin:cmax, row = rmin:rmax)    # row-major
    ## Centres and vertices on the half-lattice (i R / 2, j s / 2), with the
    ## same floating-point operations as hexgrid.c.
    half <- s / sqrt(3) / 2
    g$i <- 3 * g$col; g$j <- 2 * g$row + ifelse(g$col %% 2 != 0, 1, 0)
    g$x <- g$i * half
    g$y <- g$j * (s / 2)
    di <- c(2, 1, -1, -2, -1, 1, 2); dj <- c(0, 1, 1, 0, -1, -1, 0)
    polys <- st_sfc(lapply(seq_len(nrow(g)), function(k) {
        st_polygon(list(cbind((g$i[k] + di) * half, (g$j[k] + dj) * (s / 2))))
    }), crs = 27700)
    k <- keep(polys)
    g <- g[k, ]; polys <- polys[k]
    ## A point on shared edges goes to the hexagon whose centre is furthest
    ## north (hexgrid.c); closed containment finds the candidates.
    cand <- st_intersects(pts[in_city, ], polys)
    cat("points on a hexagon edge:", sum(lengths(cand) > 1), "\n")
    owner <- sapply(cand, function(v) v[which.max(g$y[v])])
    g$count <- tabulate(owner, nbins = nrow(g))
    nb <- dnearneigh(cbind(g$x, g$y), 0, s * (1 + 1e-9))
    g$z <- gi(g$count, nb)
    g
}
gs <- sq(); gh <- hex()

## The header.
f17 <- function(v) sprintf("%.17g", v)
ints <- function(v) paste(v, collapse = ", ")
nbflat <- function(nb) {
    v <- lapply(nb, function(x) sort(x[x > 0]) - 1L)
    list(start = cumsum(c(0L, lengths(v))), idx = unlist(v))
}
cells <- function(g) paste(sprintf("    {%d, %d, %d, %s},", g$col, g$row, g$count, f17(g$z)), collapse = "\n")
qf <- nbflat(q); rf <- nbflat(r); kf <- nbflat(kn)
out <- c(
"/** @file nottingham_spdep_ref.h",
" * @brief Reference neighbour lists and Gi* z-scores computed by R spdep on",
" * real Nottingham wards and real police.uk burglaries (independent peer).",
" *",
sprintf(" * Made by tests/ref/nottingham_spdep.R (%s, spdep %s, sf %s, GEOS %s,",
        R.version.string, packageVersion("spdep"), packageVersion("sf"), sf_extSoftVersion()[["GEOS"]]),
sprintf(" * GDAL %s, PROJ %s). Data: ../shared/data/nottingham-burglary-robbery-2022",
        sf_extSoftVersion()[["GDAL"]], sf_extSoftVersion()[["PROJ"]]),
" * (police.uk 2022 burglaries, Open Government Licence v3.0; ONS wards Dec",
" * 2022 BGC, OGL v3.0, contains OS data (c) Crown copyright and database",
" * right 2022), transformed to EPSG:27700 with sf into",
" * fixtures/ref/nottingham_wards_27700.gpkg and",
" * fixtures/ref/nottingham_burglary_27700.csv (coordinates to the mm).",
" * Wards: counts per ward (st_intersects; a boundary point to the lowest",
" * index), poly2nb(queen = TRUE / FALSE, default snap), knn2nb(knearneigh(",
" * st_centroid, k = 4)); z = localG(count, nb2listw(include.self(nb), \"B\")).",
" * Grids: 500 m over the bounding box of layer nottingham_city, cells that",
" * intersect it (st_intersects), points in the city; squares from the origin",
" * snapped down to 500 m, dnearneigh(0, 500 sqrt(2) (1 + 1e-9)); hexagons on",
" * the hexgrid.c lattice, dnearneigh(0, 500 (1 + 1e-9)), a point on an edge",
" * to the northernmost hexagon holding it; both include.self, style \"B\".",
" * Lists are 0-based and ascending; cells are {col, row, count, z} in",
" * row-major order (squares: columns and rows from the snapped origin;",
" * hexagons: absolute lattice column and row).",
" */",
"#ifndef VEMT_TESTS_REF_NOTTINGHAM_SPDEP_REF_H",
"#define VEMT_TESTS_REF_NOTTINGHAM_SPDEP_REF_H",
"",
sprintf("#define NOTT_NPOINTS %d /* burglaries in the CSV */", nrow(xy)),
sprintf("#define NOTT_NCITY %d   /* of which in nottingham_city */", sum(in_city)),
sprintf("#define NOTT_NWARDS %d", nrow(w)),
sprintf("#define NOTT_NWARD_COUNTED %d /* in some ward */", sum(!is.na(ward_of))),
"#define NOTT_CELL 500.0",
"",
"static const char *const nott_ward_code[] = {",
paste0("    ", paste(sprintf("\"%s\"", w$ward_code), collapse = ", "), "};"),
sprintf("static const double nott_ward_count[] = {%s};", ints(wcount)),
sprintf("static const int nott_queen_start[] = {%s};", ints(qf$start)),
sprintf("static const int nott_queen[] = {%s};", ints(qf$idx)),
sprintf("static const int nott_rook_start[] = {%s};", ints(rf$start)),
sprintf("static const int nott_rook[] = {%s};", ints(rf$idx)),
sprintf("static const int nott_knn4[] = {%s};", ints(kf$idx)),
"static const double nott_ward_z_queen[] = {",
paste0("    ", paste(f17(zq), collapse = ",\n    "), "};"),
"static const double nott_ward_z_knn4[] = {",
paste0("    ", paste(f17(zk), collapse = ",\n    "), "};"),
"",
"typedef struct nott_cell {",
"    long col, row;",
"    int count;",
"    double z;",
"} nott_cell;",
"",
sprintf("static const nott_cell nott_square[%d] = {", nrow(gs)), cells(gs), "};",
sprintf("static const nott_cell nott_hex[%d] = {", nrow(gh)), cells(gh), "};",
"",
"#endif /* VEMT_TESTS_REF_NOTTINGHAM_SPDEP_REF_H */")
writeLines(out, hdr)
cat(sprintf("wards %d, points %d (in city %d), squares %d, hexagons %d\n",
            nrow(w), nrow(xy), sum(in_city), nrow(gs), nrow(gh)))
cat("points on a ward boundary:", sum(lengths(hits) > 1), "\n")
