"""Copying to the clipboard, with sensitive text cleared again after 30 seconds.

A recovery key or a share link left on the clipboard can be pasted anywhere later.
Text copied with ``sensitive=True`` is removed after the delay, but only if it is still
what the clipboard holds: whatever the learner copied since is left alone.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

SENSITIVE_CLEAR_MS = 30_000


class ClipboardHelper(QObject):
    """Owned by the main window (or a dialog); one timer per sensitive copy."""

    def __init__(self, parent: QObject | None = None, *, clear_after_ms: int = SENSITIVE_CLEAR_MS) -> None:
        super().__init__(parent)
        self.clear_after_ms = clear_after_ms
        self._timers: list[QTimer] = []

    def copy(self, text: str, *, sensitive: bool = False) -> None:
        QGuiApplication.clipboard().setText(text)
        if sensitive:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self._clear_if_unchanged(text, timer))
            timer.start(self.clear_after_ms)
            self._timers.append(timer)

    def _clear_if_unchanged(self, text: str, timer: QTimer) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == text:
            clipboard.clear()
            log.info("cleared sensitive text from the clipboard")
        self._timers.remove(timer)
        timer.deleteLater()

    def clear_now(self) -> None:
        """On quit: clear pending sensitive text that is still on the clipboard."""
        for timer in list(self._timers):
            timer.stop()
            timer.timeout.emit()
