"""The QGIS styles of geodata/styles/, opened in QGIS itself (headless, through PyQGIS).

For each styled layer (segments, status, incidents) exported as a GeoPackage:
- QGIS opens the layer, with the feature count that ogrinfo-free SQLite says;
- the style embedded in the GeoPackage's `layer_styles` is found and applied as the default
  style when the layer is opened: the renderer is the QML's (type and classified field), and
  every category value of it occurs in the layer, so no feature falls into no class;
- loading the `.qml` file itself with `loadNamedStyle` succeeds with no error message;
- the `status` layer's temporal settings are on, from `valid_from` to `valid_to`, so the
  Temporal Controller plays the border's history.

Usage: python3 .ci/qgis_styles.py BORDERTRACK_BINARY  (Debian: apt-get install python3-qgis
qgis-providers; QT_QPA_PLATFORM=offscreen is set here). Exits non-zero on any failure.
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402  (after the platform is set)
    QgsApplication,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)

REPO = Path(__file__).resolve().parents[1]
STYLES = REPO / "geodata" / "styles"
LAYERS = ["segments", "status", "incidents"]


def qml_renderer(qml: Path):
    """The QML's renderer type, classified field and category values."""
    renderer = ET.parse(qml).getroot().find("renderer-v2")
    values = {c.get("value") for c in renderer.iter("category")}
    return renderer.get("type"), renderer.get("attr"), values


def check_renderer(layer, qml: Path, where: str, failures: list):
    kind, attr, values = qml_renderer(qml)
    renderer = layer.renderer()
    if renderer is None or renderer.type() != kind:
        failures.append(f"{where}: renderer {renderer and renderer.type()}, not {kind}")
        return
    if renderer.classAttribute() != attr:
        failures.append(f"{where}: classified by {renderer.classAttribute()}, not {attr}")
    got = {str(c.value()) for c in renderer.categories()}
    if got != values:
        failures.append(f"{where}: categories {sorted(got)}, not the QML's {sorted(values)}")
    index = layer.fields().indexOf(attr)
    present = {str(v) for v in layer.uniqueValues(index)} if index >= 0 else set()
    if index < 0:
        failures.append(f"{where}: no field {attr}")
    elif not present <= values | {"NULL", ""}:
        failures.append(f"{where}: values {sorted(present - values)} of {attr} have no class")


def check_temporal(layer, where: str, failures: list):
    """The status layer plays from valid_from to valid_to; the others are not temporal."""
    temporal = layer.temporalProperties()
    if layer.name() != "status":
        if temporal.isActive():
            failures.append(f"{where}: temporal settings on a layer without intervals")
        return
    mode = QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
    if not (temporal.isActive() and temporal.mode() == mode
            and temporal.startField() == "valid_from" and temporal.endField() == "valid_to"):
        failures.append(
            f"{where}: temporal settings active={temporal.isActive()} mode={temporal.mode()} "
            f"(start and end from fields is {int(mode)}) from {temporal.startField()!r} "
            f"to {temporal.endField()!r}")


def main(binary: str) -> int:
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name in LAYERS:
            path = Path(work) / f"{name}.gpkg"
            subprocess.run([binary, "export", name, "-o", str(path)], check=True)
            with sqlite3.connect(path) as db:
                expected = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                stored = db.execute("SELECT count(*) FROM layer_styles WHERE f_table_name = ?"
                                    " AND useAsDefault", (name,)).fetchone()[0]
            if stored != 1:
                failures.append(f"{name}: {stored} default styles in layer_styles")
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            if not layer.isValid():
                failures.append(f"{name}: QGIS cannot open {path}")
                continue
            if layer.featureCount() != expected or expected == 0:
                failures.append(f"{name}: {layer.featureCount()} features, not {expected}")
            count, _ids, names, _descriptions, error = layer.listStylesInDatabase()
            if count < 1 or error:
                failures.append(f"{name}: styles in the GeoPackage: {count} {names} {error}")
            # The default style, as QGIS applies it when the layer is opened (QGIS 3.22 applies
            # its renderer then, and its temporal settings only when the default style is
            # loaded again: Layer Properties → Style → Default).
            check_renderer(layer, STYLES / f"{name}.qml", f"{name} (opened)", failures)
            message, ok = layer.loadDefaultStyle()
            if not ok or message != "Loaded from Provider":
                failures.append(f"{name}: the default style: {message}")
            check_renderer(layer, STYLES / f"{name}.qml", f"{name} (embedded style)", failures)
            check_temporal(layer, f"{name} (embedded style)", failures)
            # The .qml file itself (not the GeoPackage's style, which QGIS loads first when
            # its second argument is false).
            message, ok = layer.loadNamedStyle(str(STYLES / f"{name}.qml"), True)
            if not ok:
                failures.append(f"{name}.qml: {message}")
            check_renderer(layer, STYLES / f"{name}.qml", f"{name}.qml", failures)
            check_temporal(layer, f"{name}.qml", failures)
            print(f"{name}: {layer.featureCount()} features, renderer "
                  f"{layer.renderer().type()} on {layer.renderer().classAttribute()}, "
                  f"temporal {layer.temporalProperties().isActive()}")
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    code = main(sys.argv[1])
    sys.stdout.flush()
    sys.stderr.flush()
    # Without QgsApplication.exitQgis, and past Python's own teardown: QGIS 3.22 crashes in
    # both at exit (status 139), after every check has run.
    os._exit(code)
