"""Icons drawn for this app (resources/icons/*.svg), loaded by name.

The line icons are drawn in a dark ink; on a dark or high-contrast desktop palette that
ink would vanish, so it is swapped for the palette's own text colour. Status icons keep
their colours (white marks on filled shapes read on any background).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

import resources

LINE_INK = "#34495e"  # the stroke colour the line icons are drawn with
_SIZES = (16, 20, 24, 32, 48, 64)


def _dark_palette() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 110


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; an empty icon when there is none."""
    path = resources.path("icons", f"{name}.svg")
    if not path.is_file():
        return QIcon()
    if not _dark_palette():
        return QIcon(str(path))
    svg = path.read_text("utf-8")
    if LINE_INK not in svg:
        return QIcon(str(path))
    ink = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
    return _icon_from_svg(svg.replace(LINE_INK, ink).encode("utf-8"))


def _icon_from_svg(data: bytes) -> QIcon:
    renderer = QSvgRenderer(QByteArray(data))
    result = QIcon()
    for size in _SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(QPixmap.fromImage(image))
    return result


def app_icon() -> QIcon:
    return icon("app")
