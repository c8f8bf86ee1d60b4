"""A one-line value too long for its place (a DID, a file path): elided in the middle.

A did:key or a folder path is one unbreakable word. Word wrap cannot break it and a
read-only line edit cuts it at the pane edge, so the learner saw half a key with no
hint that more followed. This label keeps the start and the end, which is how a key
or a path is recognised, puts "…" between them, and always offers the whole text: as
a tooltip, through "Copy" in its context menu, and to screen readers.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QFontMetrics, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 12  # never narrower than this many average characters


class ElidedLabel(QLabel):
    """Shows ``full_text`` whole when it fits, else its start and end around "…"."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = QAction("Copy", self)
        self.copy_action.triggered.connect(self.copy)
        self.addAction(self.copy_action)
        self.set_full_text(text)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._full)

    def is_elided(self) -> bool:
        return self.text() != self._full

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = QFontMetrics(self.font())
        shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideMiddle, width) if width > 0 else self._full
        super().setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self._full) + 2, metrics.height())

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(metrics.averageCharWidth() * MIN_CHARS, metrics.height())
