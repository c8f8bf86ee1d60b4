"""Copying to the clipboard, with sensitive text cleared again after 30 seconds.

A recovery key or a share link left on the clipboard can be pasted anywhere later.
Text copied with ``sensitive=True`` is removed after the delay, but only if it is still
what the clipboard holds: whatever the learner copied since is left alone.

The clearing must outlive whatever copied the text: a dialog that is closed and
deleted a second after its Copy button was pressed must not take the pending clear
with it. So there is one guard per application, owned by the QApplication
(:func:`app_clipboard`); every dialog and the main window copy through it, and it
clears what is still pending when the application quits.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

SENSITIVE_CLEAR_MS = 30_000
_GUARD_NAME = "learner-wallet-clipboard-guard"


class ClipboardGuard(QObject):
    """Copies text and clears sensitive text later; its timers live as long as it does."""

    def __init__(self, parent: QObject | None = None, *, clear_after_ms: int = SENSITIVE_CLEAR_MS) -> None:
        super().__init__(parent)
        self.clear_after_ms = clear_after_ms
        self._pending: list[str] = []

    def copy(self, text: str, *, sensitive: bool = False) -> None:
        QGuiApplication.clipboard().setText(text)
        if sensitive:
            self._pending.append(text)
            QTimer.singleShot(self.clear_after_ms, self, lambda: self.expire(text))

    def expire(self, text: str) -> None:
        if text in self._pending:
            self._pending.remove(text)
            _clear_if_still(text)

    def clear_now(self) -> None:
        """On quit: clear pending sensitive text that is still on the clipboard."""
        for text in list(self._pending):
            self.expire(text)


def app_clipboard() -> ClipboardGuard:
    """The application's one clipboard guard (made on first use, owned by the QApplication)."""
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("the clipboard needs a QApplication")
    guard = app.findChild(ClipboardGuard, _GUARD_NAME)
    if guard is None:
        guard = ClipboardGuard(app)
        guard.setObjectName(_GUARD_NAME)
        app.aboutToQuit.connect(guard.clear_now)
    return guard


def _clear_if_still(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard.text() == text:
        clipboard.clear()
        log.info("cleared sensitive text from the clipboard")
