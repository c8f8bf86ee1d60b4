"""The look of the app: Fusion, a calm light palette and a short style sheet.

Colours are chosen for contrast (text on every background meets WCAG AA); status is
never shown by colour alone: each status also has its own icon shape and words. When
the desktop asks for high contrast, the style sheet steps aside and the system palette
is used as it is.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionHeader, QWidget

INK = "#1f2a36"
MUTED = "#4f5d6c"
LINE = "#d5dde6"
SURFACE = "#ffffff"
CANVAS = "#f3f6f9"
ACCENT = "#1d5f8f"
ACCENT_SOFT = "#dcebf7"

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {CANVAS}; }}
QToolBar {{ background: {SURFACE}; border: none; border-bottom: 1px solid {LINE}; padding: 4px 8px; spacing: 4px; }}
QToolBar QToolButton {{ padding: 5px 9px; border-radius: 6px; color: {INK}; }}
QToolBar QToolButton:hover {{ background: {ACCENT_SOFT}; }}
QToolBar QToolButton:focus {{ border: 2px solid {ACCENT}; }}
QListWidget#sidebar {{ background: {SURFACE}; border: none; border-right: 1px solid {LINE};
    padding: 10px 6px; outline: 0; }}
QListWidget#sidebar::item {{ padding: 9px 10px; border-radius: 8px; color: {INK}; margin: 1px 0; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT_SOFT}; color: {ACCENT}; font-weight: 600; }}
QListWidget#sidebar::item:hover:!selected {{ background: #eef2f6; }}
QListWidget#sidebar:focus {{ border-right: 2px solid {ACCENT}; }}
QTreeView, QListView {{ background: {SURFACE}; border: 1px solid {LINE}; border-radius: 8px;
    selection-background-color: {ACCENT_SOFT}; selection-color: {INK}; }}
QTreeView::item {{ padding: 5px 2px; }}
QTreeView:focus, QListView:focus {{ border: 2px solid {ACCENT}; }}
QHeaderView::section {{ background: {SURFACE}; color: {MUTED}; border: none;
    border-bottom: 1px solid {LINE}; padding: 6px 6px; font-weight: 600; }}
QLineEdit, QComboBox, QPlainTextEdit, QTextEdit {{ background: {SURFACE}; border: 1px solid {LINE};
    border-radius: 6px; padding: 5px 8px; color: {INK}; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 2px solid {ACCENT}; }}
QPushButton {{ background: {SURFACE}; border: 1px solid #b8c4d0; border-radius: 6px;
    padding: 6px 14px; color: {INK}; }}
QPushButton:hover {{ background: #eef3f8; }}
QPushButton:focus {{ border: 2px solid {ACCENT}; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: #174d75; }}
QPushButton:disabled {{ background: #f1f4f7; color: #8795a3; border: 1px solid #dde3ea; }}
QPushButton[primary="true"]:disabled {{ background: #c9d6e2; color: #f7f9fb; border: 1px solid #c9d6e2; }}
QScrollArea#detail {{ background: {SURFACE}; border: 1px solid {LINE}; border-radius: 8px; }}
QWidget#detailBody {{ background: {SURFACE}; }}
QLabel[role="title"] {{ font-size: 17pt; font-weight: 600; color: {INK}; }}
QLabel[role="pageTitle"] {{ font-size: 15pt; font-weight: 600; color: {INK}; }}
QLabel[role="section"] {{ font-size: 10.5pt; font-weight: 700; color: {ACCENT};
    padding-top: 10px; border-bottom: 1px solid {LINE}; padding-bottom: 3px; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="fieldName"] {{ color: {MUTED}; font-weight: 600; }}
QFrame#emptyState {{ background: {SURFACE}; border: 2px dashed #a9b8c8; border-radius: 14px; }}
QFrame#emptyState[dragActive="true"] {{ border-color: {ACCENT}; background: {ACCENT_SOFT}; }}
QFrame#checkRow {{ border-bottom: 1px solid #edf1f5; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {LINE}; color: {MUTED}; }}
"""


# Sizes and weights only: kept when the desktop's own (dark or high-contrast) colours are used.
STRUCTURE_SHEET = """
QLabel[role="title"] { font-size: 17pt; font-weight: 600; }
QLabel[role="pageTitle"] { font-size: 15pt; font-weight: 600; }
QLabel[role="section"] { font-size: 10.5pt; font-weight: 700; padding-top: 10px; padding-bottom: 3px; }
QLabel[role="fieldName"] { font-weight: 600; }
QListWidget#sidebar::item { padding: 9px 10px; }
QTreeView::item { padding: 5px 2px; }
"""


def wants_high_contrast(app: QApplication) -> bool:
    """True when the desktop's own palette is high contrast (then we keep it)."""
    hints = app.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    palette = app.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    contrast = abs(window.lightness() - text.lightness())
    dark = scheme is not None and str(scheme()).endswith("Dark")
    return dark or contrast > 250 and window.lightness() < 30


class WalletStyle(QProxyStyle):
    """Fusion, with a column's sort arrow pointing the way the list reads.

    Qt hands the style "sort up" for a descending column, so Fusion drew ▲ over a list
    sorted newest first while the Sort box said "Newest first". Here ▼ means the
    biggest (newest, Z) comes first and ▲ the smallest, as most desktops show it.
    """

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            flipped = QStyleOptionHeader(option)
            up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
            flipped.sortIndicator = {up: down, down: up}.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


def apply_theme(app: QApplication) -> None:
    """Fusion style, a light palette with dark ink, a readable font size."""
    app.setStyle(WalletStyle())
    if wants_high_contrast(app):
        app.setStyleSheet(STRUCTURE_SHEET)
        return
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(CANVAS))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fb"))
    palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    palette.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(INK))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#6b7785"))
    app.setPalette(palette)
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
