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
  and every layer in it: every layer-tree node linked to a valid layer,
  the tree in order with only the study area and the hot spots ticked,
  every group unticked, names built from the run's settings, styles
  applied, legends listing only the classes the GeoPackage holds, the
  time-enabled layers in "Over time", the project's time range set, paths
  relative, `kde` (when written) at the bottom with a single-band
  pseudocolor renderer transparent at 0 and labelled in events per km²,
  `clusters` (when written) in Clusters, unfilled outlines, labelled;
- rendered headless as opened (render_qgis.py: ticked layers in tree
  order; PNGs left in WORK_DIR): a planted gi_bin 3 hot spot
  (fixtures/demo/truth.json) in the hot colour, a not-significant unit
  unfilled, the planted location of concern's symbol with Safeguarding
  ticked, the density drawing alone, and two months differing through the
  temporal range with "Over time" ticked;
- the second run (EPSG:32630) also with --scan and --backtest: the
  scan_clusters and forecast layers load, styled, in the project and as
  GeoJSON like every other layer;
- named --areas units with --fdr off (Nottingham wards): the hot-spot
  layer named for p-values and labelled with area_name; grid cells not.
Checks of a layer the run did not write are reported as skipped.
- each GeoJSON file is RFC 7946: no crs member, longitude/latitude order
  and ranges, counter-clockwise exterior rings, and as many features as the
  GeoPackage layer.
"""
import json
import math
import os
import re
import subprocess
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from osgeo import gdal, ogr, osr  # noqa: E402
from osgeo_utils.samples import validate_gpkg  # noqa: E402
from qgis.core import (QgsApplication, QgsProject, QgsRasterLayer,  # noqa: E402
                       QgsVectorLayer, QgsVectorLayerTemporalProperties)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_qgis  # noqa: E402

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
                         "clusters": "categorizedSymbol",
                         "scan_clusters": "categorizedSymbol",
                         "forecast": "graduatedSymbol"}
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
    lab = lyr.labeling()
    check("clusters labelled with their n_events",
          lyr.labelsEnabled() and lab is not None and
          '"n_events"' in lab.settings().fieldName,
          str(lab and lab.settings().fieldName))


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


def table_of(lyr):
    """The GeoPackage table a project layer reads."""
    src = lyr.source()
    if src.startswith("GPKG:"):
        return src.rsplit(":", 1)[1]
    return src.split("layername=")[1].split("|")[0] if "layername=" in src \
        else None


# What a reader sees: each table's layer name, built from the run's
# settings (the demo runs with the FDR on and monthly steps).
NAMES = {"study_area": "Study area",
         "hotspot_cells": "Hot spots (Gi*, FDR at 90/95/99 %)",
         "found_hotspots": "Found-at hot spots (Gi*, FDR at 90/95/99 %)",
         "emerging_hotspots": "Emerging hot spots",
         "hotspot_cube": "Hot spots by month",
         "missing_journeys": "Missing-episode journeys",
         "locations_of_concern": "Locations of concern",
         "colocation": "Co-location quotients (found-at and incidents)",
         "clusters": "Clusters", "events": "Events",
         "scan_clusters": "Space-time scan clusters",
         "forecast": "Forecast: next step by recency (rank)",
         "kde": "Density (events per km²)"}

# Top-level nodes, top to bottom (a group or a layer, when written).
TREE = [("Study area", "study_area"), ("Clusters", "clusters"),
        ("Safeguarding", "locations_of_concern"), ("Co-location", "colocation"),
        ("Over time", "events"), ("Forecast", "forecast"),
        ("Trends", "emerging_hotspots"),
        (NAMES["hotspot_cells"], "hotspot_cells"),
        ("Where missing children are found", "found_hotspots"),
        (NAMES["kde"], "kde")]


def check_project(path, counts, kde, crs, gpkg, work):
    p = QgsProject.instance()
    check("project opens", p.read(path))
    check("project CRS", p.crs().isValid() and p.crs().authid() == crs,
          f"{p.crs().authid()}, valid: {p.crs().isValid()}")
    root = p.layerTreeRoot()
    nodes = root.findLayers()
    # Every node linked to a valid layer: QGIS 3.22 replaced a short raster
    # id on reading, leaving the density's node pointing at nothing.
    check("project every tree node linked to its layer",
          all(n.layer() is not None for n in nodes) and
          len(nodes) == len(p.mapLayers()),
          str([n.layerId() for n in nodes if n.layer() is None]))
    check("project every tree layer valid",
          all(n.layer() is not None and n.layer().isValid() for n in nodes))
    written = set(counts) | ({"kde"} if kde else set())
    top = [c.name() for c in root.children()]
    want = [name for name, table in TREE if table in written]
    check("project layer tree", top == want, str(top))
    check("project opens with the study area and hot spots ticked only",
          [n.name() for n in nodes if n.isVisible()] ==
          [NAMES["study_area"], NAMES["hotspot_cells"]],
          str([n.name() for n in nodes if n.isVisible()]))
    check("project every group unticked",
          not any(g.isVisible() for g in root.findGroups()))
    tables = {}
    for lyr in p.mapLayers().values():
        t = table_of(lyr)
        tables[t] = lyr
        check(f"project {t} named for readers", lyr.name() == NAMES.get(t),
              lyr.name())
        check(f"project {t} CRS", lyr.crs().authid() == crs,
              lyr.crs().authid())
        check(f"project {t} styled",
              lyr.renderer() is not None and lyr.renderer().type() != "singleSymbol"
              or t == "study_area")
        src = lyr.source()
        check(f"project {t} resolves beside the project",
              os.path.exists(layer_path(src)), src)
    check("project layers are the tables written",
          set(tables) == written & set(NAMES), str(sorted(tables)))
    for name, start in (("events", "start_utc"),
                        ("hotspot_cube", "step_start_utc")):
        lyr = tables[name]
        check(f"project {name} temporal", lyr.temporalProperties().isActive()
              and lyr.temporalProperties().startField() == start)
    over = root.findGroup("Over time")
    check("project time-enabled layers in Over time",
          over is not None and {table_of(n.layer()) for n in over.findLayers()}
          == {t for t in ("events", "hotspot_cube", "missing_journeys")
              if t in written})
    rng = p.timeSettings().temporalRange()
    check("project time range set", rng.begin().isValid() and rng.end().isValid())
    check_legends(tables, gpkg)
    check_project_density(p, tables, kde, crs)
    check_project_clusters(p, root, tables, counts)
    check_render(p, tables, gpkg, work, crs)
    p.clear()


def distinct(gpkg, table, field):
    ds = ogr.Open(gpkg)
    r = ds.ExecuteSQL(f'SELECT DISTINCT "{field}" FROM "{table}" '
                      f'WHERE "{field}" IS NOT NULL')
    vals = {str(ft.GetField(0)) for ft in r}
    ds.ReleaseResultSet(r)
    return vals


def check_legends(tables, gpkg):
    """Legends list only the classes the written data holds."""
    for t, lyr in sorted(tables.items()):
        r = lyr.renderer() if lyr.type() == lyr.VectorLayer else None
        if r is None or r.type() not in ("categorizedSymbol",
                                         "graduatedSymbol"):
            continue
        if r.type() == "categorizedSymbol":
            have = {str(c.value()) for c in r.categories()}
            want = distinct(gpkg, t, r.classAttribute())
            check(f"project {t} legend lists only the {r.classAttribute()} "
                  "values present", have == want,
                  f"{sorted(have)} != {sorted(want)}")
        else:
            values = [float(v) for v in distinct(gpkg, t, r.classAttribute())]
            check(f"project {t} legend lists only ranges holding features",
                  len(r.ranges()) > 0 and all(
                      any(g.lowerValue() < v <= g.upperValue() for v in values)
                      for g in r.ranges()),
                  str([(g.lowerValue(), g.upperValue()) for g in r.ranges()]))


def group_layers(root, group):
    g = root.findGroup(group)
    return [table_of(n.layer()) for n in g.findLayers() if n.layer()] \
        if g else []


def check_project_density(p, tables, kde, crs):
    if not kde:
        skip("project kde", "no kde raster table in the GeoPackage")
        return
    lyr = tables.get("kde")
    check("project has kde", lyr is not None)
    if lyr is None:
        return
    top = [table_of(c.layer()) if hasattr(c, "layer") and c.layer() else None
           for c in p.layerTreeRoot().children()]
    check("project kde at the bottom, below every area layer",
          top[-1] == "kde", str(top))
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
    check("project kde legend carries the unit",
          all(i.label.endswith("events per km²") or
              "events per km² (" in i.label for i in items),
          str([i.label for i in items]))
    check("project kde CRS", lyr.crs().authid() == crs, lyr.crs().authid())


def check_project_clusters(p, root, tables, counts):
    if "clusters" not in counts:
        skip("project clusters", "not in the GeoPackage")
        return
    check("project clusters in Clusters",
          group_layers(root, "Clusters") == ["clusters"],
          str(group_layers(root, "Clusters")))
    lyr = tables["clusters"]
    r = lyr.renderer()
    check("project clusters categorised", r.type() == "categorizedSymbol")
    # Outlines with nothing inside, so what lies beneath stays visible.
    check("project clusters outlined, unfilled",
          all(c.symbol().symbolLayer(0).brushStyle() == 0 and  # NoBrush
              c.symbol().symbolLayer(0).strokeWidth() >= 0.5
              for c in r.categories()))
    lab = lyr.labeling()
    check("project clusters labelled with their events",
          lyr.labelsEnabled() and lab is not None and
          lab.settings().isExpression and
          '"n_events"' in lab.settings().fieldName,
          str(lab and lab.settings().fieldName))


def near(rgb, want, tol=12):
    return all(abs(a - b) <= tol for a, b in zip(rgb, want))


def over_white(rgb, alpha):
    return tuple(round(alpha * c + (1 - alpha) * 255) for c in rgb)


def truth():
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures",
                           "demo", "truth.json"), encoding="utf-8") as f:
        return json.load(f)


def bin_at(gpkg, table, x, y):
    """gi_bin, cell_id and centre (in the layer's CRS) of the cell holding
    the EPSG:27700 point (x, y)."""
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName(table)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(27700)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    pt = ogr.CreateGeometryFromWkt(f"POINT ({x} {y})", srs)
    pt.TransformTo(lyr.GetSpatialRef())
    lyr.SetSpatialFilter(pt)
    for ft in lyr:
        if ft.GetGeometryRef().Contains(pt):
            c = ft.GetGeometryRef().Centroid()
            return ft.GetField("gi_bin"), ft.GetField("cell_id"), \
                (c.GetX(), c.GetY())
    return None, None, None


def quiet_cell(gpkg, planted):
    """A gi_bin 0 cell (id, centre) over 2 km from every planted place and
    over 500 m inside the study area, so nothing else is drawn there."""
    ds = ogr.Open(gpkg)
    ft = ds.GetLayerByName("study_area").GetNextFeature()
    area = ft.GetGeometryRef().Clone()
    edge = area.Boundary()
    lyr = ds.GetLayerByName("hotspot_cells")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(27700)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    pts = []
    for x, y in planted:
        g = ogr.CreateGeometryFromWkt(f"POINT ({x} {y})", srs)
        g.TransformTo(lyr.GetSpatialRef())
        pts.append(g)
    lyr.SetAttributeFilter("gi_bin = 0")
    for ft in lyr:
        c = ft.GetGeometryRef().Centroid()
        if area.Contains(c) and c.Distance(edge) > 500 and \
                all(c.Distance(g) > 2000 for g in pts):
            return ft.GetField("cell_id"), (c.GetX(), c.GetY())
    return None, None


def save(image, work, name):
    image.save(os.path.join(work, name))


def check_render(p, tables, gpkg, work, crs):
    """Render as opened and check what a reader sees (the PNGs stay in
    WORK_DIR for a look)."""
    t = truth()
    image, ms = render_qgis.render(p, render_qgis.ticked_layers(p))
    save(image, work, "as-opened.png")
    # A planted hot spot that came out hot at 99 % shows the hot colour
    # (the class's fill at the symbol's 0.8 opacity, over the white map).
    hot = [(h, bin_at(gpkg, "hotspot_cells", h["easting"], h["northing"]))
           for h in t["hotspots"]]
    bin3 = [(h, cell, xy) for h, (b, cell, xy) in hot if b == 3]
    check("render: a planted hot spot came out gi_bin 3", len(bin3) > 0,
          str([(h["name"], b) for h, (b, _, _) in hot]))
    want = over_white((214, 47, 39), 0.8)
    # The centre of the cell holding the planted centre (a pixel on the
    # cell's edge is its outline).
    for h, cell, (x, y) in bin3[:2]:
        got = render_qgis.pixel_at(image, ms, x, y, crs)
        check(f"render: {h['name']} ({cell}) drawn in the hot colour",
              near(got, want), f"{got}, expected {want}")
    # A "Not significant" unit far from every planted place is not filled.
    cell, xy = quiet_cell(gpkg, [(h["easting"], h["northing"])
                                 for h in t["hotspots"]] +
                          [(t["location_of_concern"]["easting"],
                            t["location_of_concern"]["northing"])])
    got = render_qgis.pixel_at(image, ms, *xy, crs) if xy else None
    check(f"render: a not-significant unit ({cell}) unfilled",
          got is not None and min(got) >= 240, f"pixel {got}")
    check_render_places(p, tables, gpkg, work, t)
    check_render_density(p, tables, work)
    check_render_months(p, tables, work)


def check_render_places(p, tables, gpkg, work, t):
    if "locations_of_concern" not in tables:
        skip("render locations of concern", "not written")
        return
    root = p.layerTreeRoot()
    g = root.findGroup("Safeguarding")
    g.setItemVisibilityChecked(True)
    image, ms = render_qgis.render(p, render_qgis.ticked_layers(p))
    g.setItemVisibilityChecked(False)
    save(image, work, "places.png")
    loc = t["location_of_concern"]
    # The layer's place nearest the planted one (its centre is the mean of
    # its events, within the planted radius).
    ds = ogr.Open(gpkg)
    lyr = ds.GetLayerByName("locations_of_concern")
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(27700)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    tr = osr.CoordinateTransformation(lyr.GetSpatialRef(), srs)
    best = None
    for ft in lyr:
        g = ft.GetGeometryRef().Clone()
        g.Transform(tr)
        d = math.hypot(g.GetX() - loc["easting"], g.GetY() - loc["northing"])
        if best is None or d < best[0]:
            best = (d, g.GetX(), g.GetY(), ft.GetField("n_children"))
    check("render: the planted location of concern was found",
          best is not None and best[0] <= loc["radius_m"], str(best))
    if best is None:
        return
    _, x, y, n = best
    sym = tables["locations_of_concern"].renderer().symbolForValue(n) \
        if hasattr(tables["locations_of_concern"].renderer(),
                   "symbolForValue") else None
    rng = [r for r in tables["locations_of_concern"].renderer().ranges()
           if r.lowerValue() < n <= r.upperValue()]
    want = rng[0].symbol().color() if rng else sym.color()
    want = (want.red(), want.green(), want.blue())
    got = render_qgis.pixel_at(image, ms, x, y)
    check(f"render: the planted location of concern ({n} children) shows "
          "its symbol", near(got, want), f"{got}, expected {want}")


def check_render_density(p, tables, work):
    lyr = tables.get("kde")
    if lyr is None:
        skip("render kde", "not written")
        return
    image, _ = render_qgis.render(p, [lyr], 500)
    save(image, work, "density.png")
    n = render_qgis.painted_pixels(image)
    check("render: the density draws", n > 0.05 * image.width() *
          image.height() / 4, f"{n} painted pixels of "
          f"{image.width() * image.height() // 4} sampled")


def check_render_months(p, tables, work):
    if "hotspot_cube" not in tables:
        skip("render months", "no hotspot_cube")
        return
    root = p.layerTreeRoot()
    g = root.findGroup("Over time")
    g.setItemVisibilityChecked(True)
    layers = render_qgis.ticked_layers(p)
    rng = p.timeSettings().temporalRange()
    first = rng.begin()
    last = rng.end().addMonths(-1)
    images = []
    for i, start in enumerate((first, last)):
        image, _ = render_qgis.render(p, layers, 500,
                                      (start, start.addMonths(1).addSecs(-1)))
        save(image, work, f"month-{i}.png")
        images.append(image)
    g.setItemVisibilityChecked(False)
    n = render_qgis.differing_pixels(images[0], images[1])
    check("render: Over time ticked, two months differ",
          tables["hotspot_cube"] in layers and n > 100,
          f"{n} sampled pixels differ")


def check_wards(vemt, work):
    """Named polygon units (--areas with --area-name) and --fdr off: the
    hot-spot layer is named for p-values and labelled with area_name; the
    demo's grid (no names) is not labelled."""
    fixtures = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o700)  # vemt refuses a folder others can read
    qgs = os.path.join(work, "wards.qgs")
    r = subprocess.run(
        [vemt, "run", "--incidents",
         os.path.join(fixtures, "policeuk", "nottingham_burglary.csv.gz"),
         "--areas", os.path.join(fixtures, "ref",
                                 "nottingham_wards_27700.gpkg"),
         "--area-id", "ward_code", "--area-name", "ward_name", "--fdr", "off",
         "--no-trends", "--clusters", "none", "--no-kde", "--permutations",
         "0", "--out", os.path.join(work, "wards.gpkg"), "--qgis-project",
         qgs, "--quiet"], capture_output=True, text=True)
    check("wards: vemt run exits 0", r.returncode == 0, r.stderr[-300:])
    p = QgsProject.instance()
    check("wards: project opens", p.read(qgs))
    nodes = p.layerTreeRoot().findLayers()
    check("wards: every tree node linked to a valid layer",
          len(nodes) > 0 and
          all(n.layer() is not None and n.layer().isValid() for n in nodes))
    hot = [n.layer() for n in nodes if n.layer() is not None and
           table_of(n.layer()) == "hotspot_cells"]
    name = "Hot spots (Gi*, p < 0.10/0.05/0.01)"
    check("wards: hot-spot layer named for --fdr off",
          len(hot) == 1 and hot[0].name() == name,
          str([h.name() for h in hot]))
    if hot:
        check_labels("wards: hot-spot layer", hot[0], "area_name")
    p.clear()


def check_grid_unlabelled(path):
    p = QgsProject.instance()
    p.read(path)
    hot = [lyr for lyr in p.mapLayers().values()
           if table_of(lyr) == "hotspot_cells"]
    check("grid cells (no names) unlabelled",
          len(hot) == 1 and not hot[0].labelsEnabled())
    p.clear()


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
             ["--analysis-crs", "EPSG:32630", "--scan", "--scan-replicates",
              "99", "--backtest", "3"])):
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
                      has_kde(gpkg), crs, gpkg, work)
        check_geojson(os.path.join(work, "geojson"), counts)
        if not extra:
            check_grid_unlabelled(os.path.join(work, "project", "demo.qgz"))
            LABEL[0] = ""
            check_wards(vemt, os.path.join(base, "wards"))
    app.exitQgis()
    failed = RESULTS.count(False)
    print(f"qgis: {len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
