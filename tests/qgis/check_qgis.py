#!/usr/bin/python3
"""End-to-end check of vemt's outputs in real QGIS (PyQGIS, headless),
GDAL's GeoPackage validator and RFC 7946 GeoJSON rules.

usage: /usr/bin/python3 check_qgis.py VEMT_BINARY WORK_DIR

Runs `vemt run --demo` into WORK_DIR with a GeoPackage, GeoJSON files and a
QGIS project, then asserts (prints one line per check and a final
"N passed, N failed"; exit 1 on any failure):
- validate_gpkg.py (python3-gdal) finds no error in the GeoPackage;
- every layer QGIS lists opens valid, with the feature count OGR reports and
  EPSG:27700 (tables: no geometry);
- every vector layer with geometry loads its default style from
  layer_styles and gets vemt's categorised/graduated/outline renderer, not
  QGIS's default single symbol;
- loading the default style explicitly makes `events` temporal with
  start_utc/end_utc (QGIS resets temporal settings on plain loading);
- the written project opens: layer tree groups in order, styles applied,
  `events` temporal, the project's time range set, paths relative;
- each GeoJSON file is RFC 7946: no crs member, longitude/latitude order
  and ranges, counter-clockwise exterior rings, and as many features as the
  GeoPackage layer.
"""
import json
import os
import subprocess
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"
from osgeo import ogr  # noqa: E402
from osgeo_utils.samples import validate_gpkg  # noqa: E402
from qgis.core import (QgsApplication, QgsProject, QgsVectorLayer,  # noqa: E402
                       QgsVectorLayerTemporalProperties)

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(ok)
    print(("ok   " if ok else "FAIL ") + name +
          (": " + detail if detail and not ok else ""))


def run_vemt(vemt, work):
    os.makedirs(os.path.join(work, "geojson"), exist_ok=True)
    cmd = [vemt, "run", "--demo", "--out", os.path.join(work, "demo.gpkg"),
           "--geojson-dir", os.path.join(work, "geojson"),
           "--qgis-project", os.path.join(work, "project", "demo.qgz"),
           "--attribution", "Contains OS data (c) Crown copyright 2014",
           "--quiet"]
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


def check_layers(gpkg, counts):
    expected_renderer = {"hotspot_cells": "categorizedSymbol",
                         "emerging_hotspots": "categorizedSymbol",
                         "hotspot_cube": "categorizedSymbol",
                         "events": "categorizedSymbol",
                         "study_area": "singleSymbol",
                         "missing_journeys": "categorizedSymbol",
                         "locations_of_concern": "graduatedSymbol"}
    for name, n in counts.items():
        if name == "layer_styles":
            continue
        lyr = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        check(f"{name} valid", lyr.isValid())
        check(f"{name} feature count", lyr.featureCount() == n,
              f"{lyr.featureCount()} != {n}")
        if not lyr.isSpatial():
            continue
        check(f"{name} CRS", lyr.crs().authid() == "EPSG:27700",
              lyr.crs().authid())
        rtype = lyr.renderer().type() if lyr.renderer() else None
        check(f"{name} default style applied", rtype == expected_renderer[name],
              str(rtype))


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


def check_project(path):
    p = QgsProject.instance()
    check("project opens", p.read(path))
    root = p.layerTreeRoot()
    top = [c.name() for c in root.children()]
    check("project layer tree",
          top == ["study_area", "Hot spots", "Trends", "Safeguarding",
                  "Events"], str(top))
    for lyr in p.mapLayers().values():
        check(f"project {lyr.name()} valid", lyr.isValid())
        check(f"project {lyr.name()} styled",
              lyr.renderer() is not None and lyr.renderer().type() != "singleSymbol"
              or lyr.name() == "study_area")
        src = lyr.source()
        check(f"project {lyr.name()} resolves beside the project",
              os.path.exists(src.split("|")[0]), src)
    for name, start in (("events", "start_utc"),
                        ("hotspot_cube", "step_start_utc")):
        lyr = p.mapLayersByName(name)[0]
        check(f"project {name} temporal", lyr.temporalProperties().isActive()
              and lyr.temporalProperties().startField() == start)
    rng = p.timeSettings().temporalRange()
    check("project time range set", rng.begin().isValid() and rng.end().isValid())
    p.clear()


def ring_area(ring):
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
               for i in range(len(ring) - 1)) / 2


def check_geojson(folder, counts):
    for name in ("hotspot_cells", "events", "rejects", "study_area",
                 "emerging_hotspots", "trends"):
        path = os.path.join(folder, name + ".geojson")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        check(f"{name}.geojson has no crs member", "crs" not in doc)
        check(f"{name}.geojson feature count", len(doc["features"]) == counts[name])
        ok = True
        for ft in doc["features"]:
            g = ft["geometry"]
            if g is None:
                continue
            polys = ([g["coordinates"]] if g["type"] == "Polygon"
                     else g["coordinates"] if g["type"] == "MultiPolygon" else [])
            pts = ([g["coordinates"]] if g["type"] == "Point"
                   else [p for poly in polys for r in poly for p in r])
            ok &= all(-8 < p[0] < 2 and 49 < p[1] < 61 for p in pts)
            ok &= all(ring_area(poly[0]) > 0 for poly in polys)
            ok &= all(ring_area(r) < 0 for poly in polys for r in poly[1:])
        check(f"{name}.geojson lon/lat order, ranges and winding", ok)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vemt, work = sys.argv[1], sys.argv[2]
    run_vemt(vemt, work)
    gpkg = os.path.join(work, "demo.gpkg")
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    check_validator(gpkg)
    counts = ogr_counts(gpkg)
    check_layers(gpkg, counts)
    check_temporal(gpkg)
    check_project(os.path.join(work, "project", "demo.qgz"))
    check_geojson(os.path.join(work, "geojson"), counts)
    app.exitQgis()
    failed = RESULTS.count(False)
    print(f"qgis: {len(RESULTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
