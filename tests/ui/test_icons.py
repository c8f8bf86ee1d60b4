"""Line icons stay visible on a dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ui.icons import icon


def _darkest_ink(name: str) -> int:
    image = icon(name).pixmap(24, 24).toImage()
    inked = [image.pixelColor(x, y) for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha() > 200]
    assert inked, name
    return max(c.lightness() for c in inked)


def test_line_icons_follow_a_dark_palette(qapp):
    original = QGuiApplication.palette()
    try:
        assert _darkest_ink("trash") < 100  # dark ink on the usual light palette
        dark = QPalette(original)
        dark.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
        dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
        QGuiApplication.setPalette(dark)
        assert _darkest_ink("trash") > 200  # light ink, so it stays visible
        assert icon("no-such-icon").isNull()
    finally:
        QGuiApplication.setPalette(original)
