#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end check of vemt's outputs in real QGIS (PyQGIS, headless),
GDAL's GeoPackage validator and RFC 7946 GeoJSON rules.

usage: /usr/bin/python3 check_qgis.py VEMT_BINARY WORK_DIR

Runs `vemt run --demo` into WORK_DIR with a GeoPackage, GeoJSON files and a
QGIS project, once in the default analysis CRS (EPSG:27700) and once with
--analysis-crs EPSG:32630 (into WORK_DIR/utm), then asserts for each run
(prints one line per check and a final "N passed, N failed"; exit 1 on any
failure):
- validate_gpkg.py (python3-gdal) finds no error in the GeoPackage;
- every layer QGIS lists opens valid, with the feature count OGR reports and
  the run's analysis CRS (tables: no geometry);
- every vector layer with geometry loads its default style from
  layer_styles and gets vemt's categorised/graduated/outline renderer, not
  QGIS's default single symbol;
- loading the default style explicitly makes `events` temporal with
  start_utc/end_utc (QGIS resets temporal settings on plain loading);
- when the GeoPackage has `clusters`: its categorised outlines by method
  and its n_events labels come from layer_styles;
- when it has the `kde` raster table: it opens as a valid Float32 raster in
  the analysis CRS with the size GDAL reports, and so does the --kde GeoTIFF;
- the written project opens with a valid project CRS, the analysis CRS,
  and every layer in it: layer tree groups in order, styles applied,
  `events` temporal, the project's time range set, paths relative, `kde`
  (when written) in Hot spots with a single-band pseudocolor renderer
  transparent at 0, `clusters` (when written) in Clusters, labelled.
Checks of a layer the run did not write are reported as skipped.
- each GeoJSON file is RFC 7946: no crs member, longitude/latitude order
  and ranges, counter-clockwise exterior rings, and as many features as the
  GeoPackage layer.
"""
import json
import os
import re
import subprocess
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from osgeo import gdal, ogr  # noqa: E402
from osgeo_utils.samples import validate_gpkg  # noqa: E402
from qgis.core import (QgsApplication, QgsProject, QgsRasterLayer,  # noqa: E402
                       QgsVectorLayer, QgsVectorLayerTemporalProperties)

RESULTS = []
LABEL = [""]  # the run being checked, prefixed to every check's name


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(("ok   " if ok else "FAIL ") + LABEL[0] + name +
          (": " + detail if detail and not ok else ""))


def run_vemt(vemt, work, extra):
    os.makedirs(os.path.join(work, "geojson"), exist_ok=True)
    cmd = [vemt, "run", "--demo", "--out", os.path.join(work, "demo.gpkg"),
           "--geojson-dir", os.path.join(work, "geojson"),
           "--qgis-project", os.path.join(work, "project", "demo.qgz"),
           "--kde", os.path.join(work, "demo_kde.tif"),
           "--attribution", "Contains OS data (c) Crown copyright 2014",
           "--quiet"] + extra
    os.makedirs(os.path.join(work, "project"), exist_ok=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    check("vemt run --demo exits 0", r.returncode == 0, r.stderr[-300:])


def check_validator(gpkg):
    try:
        validate_gpkg.check(gpkg)
        check("validate_gpkg reports no error", True)
    except Exception as e:  # the validator raises on the first error
        check("validate_gpkg reports no error", False, str(e))


def ogr_counts(gpkg):
    ds = ogr.Open(gpkg)
    return {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount()
            for i in range(ds.GetLayerCount())}


def styled_renderers(gpkg):
    """The renderer type of each layer's default style in layer_styles."""
    ds = ogr.Open(gpkg)
    r = ds.ExecuteSQL("SELECT f_table_name, styleQML FROM layer_styles "
                      "WHERE useAsDefault")
    out = {}
    for ft in r:
        m = re.search(r'<renderer-v2 type="([A-Za-z]+)"', ft.GetField(1) or "")
        out[ft.GetField(0)] = m.group(1) if m else None
    ds.ReleaseResultSet(r)
    return out


def check_layers(gpkg, counts, crs):
    expected_renderer = {"hotspot_cells": "categorizedSymbol",
                         "emerging_hotspots": "categorizedSymbol",
                         "hotspot_cube": "categorizedSymbol",
                         "events": "categorizedSymbol",
                         "study_area": "singleSymbol",
                         "missing_journeys": "categorizedSymbol",
                         "locations_of_concern": "graduatedSymbol",
                         "clusters": "categorizedSymbol"}
    written = styled_renderers(gpkg)
    for name, n in counts.items():
        if name == "layer_styles":
            continue
        lyr = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        check(f"{name} valid", lyr.isValid())
        check(f"{name} feature count", lyr.featureCount() == n,
              f"{lyr.featureCount()} != {n}")
        if not lyr.isSpatial():
            continue
        check(f"{name} CRS", lyr.crs().authid() == crs, lyr.crs().authid())
        rtype = lyr.renderer().type() if lyr.renderer() else None
        # A layer this script does not know yet must still have vemt's
        # default style: the renderer its layer_styles row names.
        want = expected_renderer.get(name, written.get(name))
        check(f"{name} default style applied", want is not None and rtype == want,
              f"{rtype}, expected {want or 'a default style in layer_styles'}")


def skip(name, why):
    print(f"skip {name}: {why}")


def has_kde(gpkg):
    ds = ogr.Open(gpkg)
    r = ds.ExecuteSQL("SELECT count(*) FROM gpkg_contents WHERE "
                      "table_name = 'kde' AND data_type = '2d-gridded-coverage'")
    n = r.GetNextFeature().GetField(0)
    ds.ReleaseResultSet(r)
    return n > 0


def check_labels(prefix, lyr, field):
    lab = lyr.labeling()
    check(f"{prefix} labelled with {field}", lyr.labelsEnabled() and
          lab is not None and lab.settings().fieldName == field,
          str(lab and lab.settings().fieldName))


def check_clusters(gpkg, counts):
    if "clusters" not in counts:
        skip("clusters", "not in the GeoPackage")
        return
    lyr = QgsVectorLayer(f"{gpkg}|layername=clusters", "clusters", "ogr")
    r = lyr.renderer()
    check("clusters categorised by method",
          r is not None and r.type() == "categorizedSymbol"
          and r.classAttribute() == "method"
          and {c.value() for c in r.categories()} ==
          {"dbscan", "st-dbscan", "hdbscan"},
          str(r and r.type()))
    check_labels("clusters", lyr, "n_events")


def check_raster(name, uri, width, height, crs):
    lyr = QgsRasterLayer(uri, name, "gdal")
    check(f"{name} raster valid", lyr.isValid(), uri)
    if not lyr.isValid():
        return
    check(f"{name} CRS", lyr.crs().authid() == crs, lyr.crs().authid())
    dp = lyr.dataProvider()
    check(f"{name} one Float32 band", lyr.bandCount() == 1 and
          dp.dataType(1) == 6,  # Qgis.DataType.Float32
          f"{lyr.bandCount()} bands, type {dp.dataType(1)}")
    check(f"{name} size", (lyr.width(), lyr.height()) == (width, height),
          f"{lyr.width()}x{lyr.height()} != {width}x{height}")


def check_density(gpkg, tif, crs):
    if not has_kde(gpkg):
        skip("kde", "no kde raster table in the GeoPackage")
        return
    uri = f"GPKG:{gpkg}:kde"
    ds = gdal.Open(uri)
    check_raster("kde", uri, ds.RasterXSize, ds.RasterYSize, crs)
    if os.path.exists(tif):
        check_raster("kde GeoTIFF", tif, ds.RasterXSize, ds.RasterYSize, crs)
        t = gdal.Open(tif)
        check("kde GeoTIFF georeferenced as the kde table",
              all(abs(a - b) < 1e-6 for a, b in
                  zip(t.GetGeoTransform(), ds.GetGeoTransform())))
    else:
        skip("kde GeoTIFF", "--kde wrote no file")


def check_temporal(gpkg):
    for name, start, end in (("events", "start_utc", "end_utc"),
                             ("hotspot_cube", "step_start_utc", "step_end_utc")):
        lyr = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        msg, ok = lyr.loadDefaultStyle()
        tp = lyr.temporalProperties()
        check(f"{name} default style loads explicitly", ok, msg)
        check(f"{name} temporal after loading its default style",
              tp.isActive() and tp.mode() ==
              QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
              and tp.startField() == start and tp.endField() == end)


def layer_path(src):
    """The file of a layer source: path|layername=... or GPKG:path:table."""
    if src.startswith("GPKG:"):
        return src[5:].rsplit(":", 1)[0]
    return src.split("|")[0]


def check_project(path, counts, kde, crs):
    p = QgsProject.instance()
    check("project opens", p.read(path))
    check("project CRS", p.crs().isValid() and p.crs().authid() == crs,
          f"{p.crs().authid()}, valid: {p.crs().isValid()}")
    root = p.layerTreeRoot()
    top = [c.name() for c in root.children()]
    want = (["study_area", "Hot spots", "Trends"] +
            (["Clusters"] if "clusters" in counts else []) +
            ["Safeguarding", "Events"])
    check("project layer tree", top == want, str(top))
    for lyr in p.mapLayers().values():
        check(f"project {lyr.name()} valid", lyr.isValid())
        check(f"project {lyr.name()} CRS", lyr.crs().authid() == crs,
              lyr.crs().authid())
        check(f"project {lyr.name()} styled",
              lyr.renderer() is not None and lyr.renderer().type() != "singleSymbol"
              or lyr.name() == "study_area")
        src = lyr.source()
        check(f"project {lyr.name()} resolves beside the project",
              os.path.exists(layer_path(src)), src)
    for name, start in (("events", "start_utc"),
                        ("hotspot_cube", "step_start_utc")):
        lyr = p.mapLayersByName(name)[0]
        check(f"project {name} temporal", lyr.temporalProperties().isActive()
              and lyr.temporalProperties().startField() == start)
    rng = p.timeSettings().temporalRange()
    check("project time range set", rng.begin().isValid() and rng.end().isValid())
    check_project_density(p, root, kde, crs)
    check_project_clusters(p, root, counts)
    p.clear()


def group_layers(root, group):
    g = root.findGroup(group)
    return [n.name() for n in g.findLayers()] if g else []


def check_project_density(p, root, kde, crs):
    if not kde:
        skip("project kde", "no kde raster table in the GeoPackage")
        return
    found = p.mapLayersByName("kde")
    check("project has kde", len(found) == 1)
    if not found:
        return
    lyr = found[0]
    check("project kde in Hot spots", "kde" in group_layers(root, "Hot spots"),
          str(group_layers(root, "Hot spots")))
    r = lyr.renderer()
    check("project kde singlebandpseudocolor",
          r is not None and r.type() == "singlebandpseudocolor",
          str(r and r.type()))
    if r is None or r.type() != "singlebandpseudocolor":
        return
    items = r.shader().rasterShaderFunction().colorRampItemList()
    check("project kde transparent at 0, graduated above",
          len(items) > 2 and items[0].value == 0 and items[0].color.alpha() == 0
          and all(i.color.alpha() == 255 for i in items[1:])
          and all(a.value < b.value for a, b in zip(items, items[1:])),
          str([(i.value, i.color.alpha()) for i in items]))
    check("project kde CRS", lyr.crs().authid() == crs, lyr.crs().authid())


def check_project_clusters(p, root, counts):
    if "clusters" not in counts:
        skip("project clusters", "not in the GeoPackage")
        return
    check("project clusters in Clusters",
          group_layers(root, "Clusters") == ["clusters"],
          str(group_layers(root, "Clusters")))
    found = p.mapLayersByName("clusters")
    if found:
        check("project clusters categorised",
              found[0].renderer().type() == "categorizedSymbol")
        check_labels("project clusters", found[0], "n_events")


def ring_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2


def positions(g):
    """Every position of a GeoJSON geometry, and its polygons."""
    t, c = g["type"], g["coordinates"]
    polys = [c] if t == "Polygon" else c if t == "MultiPolygon" else []
    if t == "Point":
        return [c], polys
    if t == "LineString":
        return list(c), polys
    if t == "MultiLineString":
        return [p for line in c for p in line], polys
    return [p for poly in polys for r in poly for p in r], polys


def decimals(text):
    """The most decimals of any number in the coordinates members."""
    most = 0
    for m in re.finditer(r'"coordinates":\s*(\[[^"]*)', text):
        for num in re.findall(r"-?\d+\.(\d+)", m.group(1)):
            most = max(most, len(num))
    return most


def check_geojson(folder, counts):
    """Every vector layer of the GeoPackage has its RFC 7946 file, which OGR
    reads with the same feature count."""
    for name in sorted(counts):
        if name == "layer_styles":
            continue
        path = os.path.join(folder, name + ".geojson")
        check(f"{name}.geojson written", os.path.exists(path))
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        check(f"{name}.geojson has no crs member", "crs" not in doc)
        ds = ogr.Open(path)
        n = ds.GetLayer(0).GetFeatureCount() if ds else -1
        check(f"{name}.geojson OGR feature count", n == counts[name],
              f"{n} != {counts[name]}")
        check(f"{name}.geojson 7 decimals at most", decimals(text) <= 7,
              str(decimals(text)))
        ok = True
        for ft in doc["features"]:
            g = ft["geometry"]
            if g is None:
                continue
            pts, polys = positions(g)
            ok &= all(-8 < p[0] < 2 and 49 < p[1] < 61 for p in pts)
            ok &= all(ring_area(poly[0]) > 0 for poly in polys)
            ok &= all(ring_area(r) < 0 for poly in polys for r in poly[1:])
        check(f"{name}.geojson lon/lat order, ranges and winding", ok)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vemt, base = sys.argv[1], sys.argv[2]
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    for work, crs, extra in (
            (base, "EPSG:27700", []),
            (os.path.join(base, "utm"), "EPSG:32630",
             ["--analysis-crs", "EPSG:32630"])):
        LABEL[0] = "" if not extra else f"[{crs}] "
        run_vemt(vemt, work, extra)
        gpkg = os.path.join(work, "demo.gpkg")
        check_validator(gpkg)
        counts = ogr_counts(gpkg)
        check_layers(gpkg, counts, crs)
        check_clusters(gpkg, counts)
        check_density(gpkg, os.path.join(work, "demo_kde.tif"), crs)
        check_temporal(gpkg)
        check_project(os.path.join(work, "project", "demo.qgz"), counts,
                      has_kde(gpkg), crs)
        check_geojson(os.path.join(work, "geojson"), counts)
    app.exitQgis()
    failed = RESULTS.count(False)
    print(f"qgis: {len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
