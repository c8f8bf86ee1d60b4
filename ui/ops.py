"""Slow work off the GUI thread: ``run_op(parent, fn).on_success(cb).on_failure(cb)``.

A UI action is one core call plus feedback. Anything that may take longer than a
frame (importing, verifying, decrypting, exporting, decoding a QR code) goes through
:func:`run_op`, so the window never freezes. The call runs on Qt's global thread pool;
its result, its error and its progress come back as queued signals, so every callback
runs on the GUI thread.

Callbacks may be attached right after ``run_op`` returns: results are delivered through
the event loop, which cannot run before the caller returns to it.

Long work takes a :class:`Progress` (``run_op(parent, fn, progress=True)``): ``fn`` is
then called with it, reports ``progress.update(done, total, text)`` and polls
``progress.cancelled()``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Qt, QTimer, Signal, Slot

log = logging.getLogger(__name__)


class Progress:
    """Handed to long work: report how far it got; ask whether the learner cancelled."""

    def __init__(self, emit: Callable[[int, int, str], None], cancel_flag: threading.Event) -> None:
        self._emit = emit
        self._cancel = cancel_flag

    def update(self, done: int, total: int = 0, text: Any = "") -> None:
        self._emit(int(done), int(total), "" if text is None else str(text))

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Op(QObject):
    """One piece of work in flight. Build it with :func:`run_op`."""

    # Emitted from the worker thread, received on the GUI thread (queued).
    _done = Signal(object)
    _error = Signal(object)
    _step = Signal(int, int, str)

    finished = Signal()  # after the success or failure callback ran

    def __init__(self, parent: QObject | None, fn: Callable[..., Any], *, progress: bool = False) -> None:
        super().__init__(parent)
        self._fn = fn
        self._wants_progress = progress
        self._cancel = threading.Event()
        self._success: list[Callable[[Any], None]] = []
        self._failure: list[Callable[[BaseException], None]] = []
        self._progress: list[Callable[[int, int, str], None]] = []
        self._pending_steps: list[tuple[int, int, str]] = []
        self._done_callbacks: list[Callable[[], None]] = []
        self.running = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._keepalive: Op | None = None
        self._done.connect(self._deliver_success, Qt.ConnectionType.QueuedConnection)
        self._error.connect(self._deliver_failure, Qt.ConnectionType.QueuedConnection)
        self._step.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)

    # -- building

    def on_success(self, cb: Callable[[Any], None]) -> "Op":
        self._success.append(cb)
        return self

    def on_failure(self, cb: Callable[[BaseException], None]) -> "Op":
        self._failure.append(cb)
        return self

    def on_progress(self, cb: Callable[[int, int, str], None]) -> "Op":
        self._progress.append(cb)
        return self

    def on_done(self, cb: Callable[[], None]) -> "Op":
        """Called after the success or failure callbacks, whichever ran."""
        self._done_callbacks.append(cb)
        return self

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next ``progress.cancelled()`` check."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self, pool: QThreadPool | None = None) -> "Op":
        self.running = True
        self._keepalive = self  # stays alive until its result is delivered, owner or not
        (pool or QThreadPool.globalInstance()).start(_Runner(self))
        return self

    # -- worker side

    def _run(self) -> None:
        try:
            if self._wants_progress:
                result = self._fn(Progress(self._emit_step, self._cancel))
            else:
                result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the UI
            self._safe_emit(self._error, exc)
        else:
            self._safe_emit(self._done, result)

    def _emit_step(self, done: int, total: int, text: str) -> None:
        self._safe_emit(self._step, done, total, text)

    @staticmethod
    def _safe_emit(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window that asked was closed meanwhile
            log.debug("operation finished after its owner was gone")

    # -- GUI side

    @Slot(object)
    def _deliver_success(self, result: Any) -> None:
        if self._pending_steps:  # progress is still being handed out: the result comes after it
            QTimer.singleShot(0, functools.partial(self._deliver_success, result))
            return
        self.running = False
        self.result = result
        for cb in self._success:
            cb(result)
        self._finish()

    @Slot(object)
    def _deliver_failure(self, exc: BaseException) -> None:
        if self._pending_steps:
            QTimer.singleShot(0, functools.partial(self._deliver_failure, exc))
            return
        self.running = False
        self.error = exc
        if not self._failure:
            log.error("background operation failed", exc_info=(type(exc), exc, exc.__traceback__))
            _show_default_error(self.parent(), exc)
        for cb in self._failure:
            cb(exc)
        self._finish()

    @Slot(int, int, str)
    def _deliver_progress(self, done: int, total: int, text: str) -> None:
        # A callback may spin the event loop (a modal QProgressDialog's setValue does), which
        # would hand the next step to the other callbacks before this one reached them all:
        # steps that arrive meanwhile wait their turn, so every callback sees them in order.
        self._pending_steps.append((done, total, text))
        if len(self._pending_steps) > 1:
            return
        try:
            while self._pending_steps:
                step = self._pending_steps[0]
                for cb in list(self._progress):
                    cb(*step)
                self._pending_steps.pop(0)
        finally:
            self._pending_steps.clear()  # a callback that raised drops the steps queued behind it

    def _finish(self) -> None:
        for cb in self._done_callbacks:
            cb()
        self.finished.emit()
        # Let go from the event loop, never from inside this slot: the object going away
        # here would be deleted while Qt is still delivering to it.
        QTimer.singleShot(0, functools.partial(_release, self))


def _release(op: Op) -> None:
    """Drop every reference the operation holds (callbacks close over their owners) and
    hand it to Python, so it is freed with the last reference instead of living on as a
    child of a window."""
    op._success.clear()
    op._failure.clear()
    op._progress.clear()
    op._done_callbacks.clear()
    op._keepalive = None
    try:
        op.setParent(None)
    except RuntimeError:  # its owner is gone, and it with it
        pass


class _Runner(QRunnable):
    def __init__(self, op: Op) -> None:
        super().__init__()
        self._op = op
        self.setAutoDelete(True)

    def run(self) -> None:
        self._op._run()


def _show_default_error(parent: Any, exc: BaseException) -> None:
    from PySide6.QtWidgets import QWidget

    from ui.widgets.error_box import show_error

    widget = parent if isinstance(parent, QWidget) else None
    show_error(widget, exc)


def run_op(parent: QObject | None, fn: Callable[..., Any], *, progress: bool = False) -> Op:
    """Run ``fn`` off the GUI thread; attach callbacks to the returned :class:`Op`.

    With ``progress=True``, ``fn`` receives a :class:`Progress`.
    """
    return Op(parent, fn, progress=progress).start()
