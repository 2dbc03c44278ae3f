#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render vemt's written QGIS project headless, as a user opens it, and
check what the map shows (imported by check_qgis.py; run alone it writes
the README's picture).

usage: /usr/bin/python3 render_qgis.py PROJECT.qgz OUT.png [WIDTH]
(writes the map as the project opens, with its legend, WIDTH pixels wide)

The project is read with QgsProject.read(); a render takes the layer
tree's ticked layers in tree order (the top of the tree drawn last, as
QGIS draws it) over the project's default view extent, on white.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsCoordinateReferenceSystem,  # noqa: E402
                       QgsCoordinateTransform, QgsDateTimeRange,
                       QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsPointXY, QgsProject)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def ticked_layers(project):
    """The layers QGIS draws: ticked, with every parent group ticked, in
    tree order (first = top)."""
    return [n.layer() for n in project.layerTreeRoot().findLayers()
            if n.isVisible() and n.layer() is not None]


def map_settings(project, layers, width=1000, time_range=None):
    ext = project.viewSettings().defaultViewExtent()
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(project.crs())
    ms.setExtent(ext)
    ms.setOutputSize(QSize(width, max(1, round(width * ext.height() /
                                                 ext.width()))))
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setFlag(QgsMapSettings.Antialiasing, True)
    ms.setFlag(QgsMapSettings.DrawLabeling, True)
    if time_range is not None:
        ms.setIsTemporal(True)
        ms.setTemporalRange(QgsDateTimeRange(*time_range))
    return ms


def render(project, layers, width=1000, time_range=None):
    """(image, map settings) of layers drawn as QGIS draws them."""
    ms = map_settings(project, layers, width, time_range)
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), ms


def pixel_at(image, ms, x, y, crs="EPSG:27700"):
    """The (r, g, b) drawn at map point (x, y) given in crs."""
    pt = QgsPointXY(x, y)
    src = QgsCoordinateReferenceSystem(crs)
    if src != ms.destinationCrs():
        pt = QgsCoordinateTransform(src, ms.destinationCrs(),
                                    QgsProject.instance()).transform(pt)
    px = ms.mapToPixel().transform(pt)
    c = image.pixelColor(round(px.x()), round(px.y()))
    return (c.red(), c.green(), c.blue())


def differing_pixels(a, b):
    """How many pixels two images of one size differ at (sampled every
    second pixel in each direction)."""
    n = 0
    for yy in range(0, a.height(), 2):
        for xx in range(0, a.width(), 2):
            if a.pixel(xx, yy) != b.pixel(xx, yy):
                n += 1
    return n


def painted_pixels(image, step=2):
    """Pixels (sampled) that are not the white background."""
    n = 0
    for yy in range(0, image.height(), step):
        for xx in range(0, image.width(), step):
            c = image.pixelColor(xx, yy)
            if (c.red(), c.green(), c.blue()) != (255, 255, 255):
                n += 1
    return n


def picture(project, path, width=1000):
    """The map as opened, with the ticked layers' legend on its right (the
    README's picture): a print layout exported at 96 dpi."""
    from qgis.core import (QgsLayoutExporter, QgsLayoutItemLegend,
                           QgsLayoutItemMap, QgsLayoutPoint, QgsLayoutSize,
                           QgsLayerTree, QgsPrintLayout, QgsUnitTypes)
    layers = ticked_layers(project)
    ext = project.viewSettings().defaultViewExtent()
    mm = width / 96 * 25.4  # page width in mm at 96 dpi
    legend_w = mm * 0.3
    map_w = mm - legend_w
    map_h = map_w * ext.height() / ext.width()
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    page.setPageSize(QgsLayoutSize(mm, map_h, QgsUnitTypes.LayoutMillimeters))
    m = QgsLayoutItemMap(layout)
    m.attemptMove(QgsLayoutPoint(0, 0))
    m.attemptResize(QgsLayoutSize(map_w, map_h))
    m.setLayers(layers)
    m.setKeepLayerSet(True)
    m.setExtent(ext)
    layout.addLayoutItem(m)
    legend = QgsLayoutItemLegend(layout)
    legend.setAutoUpdateModel(False)
    tree = QgsLayerTree()
    for lyr in layers:
        tree.addLayer(lyr)
    legend.model().setRootGroup(tree)
    legend.setTitle("")
    legend.setWrapString("~")
    legend.attemptMove(QgsLayoutPoint(map_w + 2, 4))
    legend.setResizeToContents(True)
    layout.addLayoutItem(legend)
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), 96)
    return image.save(path)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__)
        return 2
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    p = QgsProject.instance()
    if not p.read(sys.argv[1]):
        print("can't read", sys.argv[1])
        return 1
    width = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    ok = picture(p, sys.argv[2], width)
    p.clear()
    app.exitQgis()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
