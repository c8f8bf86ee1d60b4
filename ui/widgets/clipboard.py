"""Copying to the clipboard, with sensitive text cleared again after 30 seconds.

A recovery key or a share link left on the clipboard can be pasted anywhere later.
Text copied with ``sensitive=True`` is removed after the delay, but only if it is still
what the clipboard holds: whatever the learner copied since is left alone.
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

SENSITIVE_CLEAR_MS = 30_000


class ClipboardHelper(QObject):
    """Owned by the main window (or a dialog); remembers what it must clear."""

    def __init__(self, parent: QObject | None = None, *, clear_after_ms: int = SENSITIVE_CLEAR_MS) -> None:
        super().__init__(parent)
        self.clear_after_ms = clear_after_ms
        self._pending: list[str] = []

    def copy(self, text: str, *, sensitive: bool = False) -> None:
        QGuiApplication.clipboard().setText(text)
        if sensitive:
            self._pending.append(text)
            me = weakref.ref(self)  # the timer must not keep the helper alive
            QTimer.singleShot(self.clear_after_ms, self, lambda: _expire(me, text))

    def expire(self, text: str) -> None:
        if text in self._pending:
            self._pending.remove(text)
            _clear_if_still(text)

    def clear_now(self) -> None:
        """On quit: clear pending sensitive text that is still on the clipboard."""
        for text in list(self._pending):
            self.expire(text)


def _expire(ref: "weakref.ref[ClipboardHelper]", text: str) -> None:
    helper = ref()
    if helper is not None:
        helper.expire(text)


def _clear_if_still(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard.text() == text:
        clipboard.clear()
        log.info("cleared sensitive text from the clipboard")
