"""The "Check status now" action: one core call off the GUI thread, plus feedback.

Any view that shows credentials can offer it (the Trust page checks everything; a
credential's detail pane checks that one):

    action = CheckStatusAction(wallet, parent, ids=lambda: [cred.id])
    action.finished.connect(lambda report: ...)   # a wallet.trustdata.RefreshReport

The wallet goes online only as the learner's network setting allows; with it at
"never", the action says so and nothing connects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction

from ui.icons import icon
from ui.ops import Op, run_op
from ui.widgets.error_box import describe_error
from wallet.net import NetworkPolicy
from wallet.trustdata import AUTOMATIC_FRESH_WITHIN

log = logging.getLogger(__name__)


def check_status_now(parent: QObject | None, wallet: Any, ids: list[str] | None = None) -> Op:
    """Refresh the status lists and online keys of ``ids`` (all credentials when None)."""
    return run_op(parent, lambda: wallet.refresh_status(ids, user_initiated=True))


class CheckStatusAction(QAction):
    """A QAction that runs :func:`check_status_now` and reports back in one sentence."""

    finished = Signal(object)  # RefreshReport
    failed = Signal(str, str)  # message, detail
    message = Signal(str)  # one sentence for a status bar or a label

    def __init__(self, wallet: Any, parent: QObject | None = None, *,
                 ids: Callable[[], list[str] | None] = lambda: None) -> None:
        super().__init__(icon("verify"), "Check status now", parent)
        self.setToolTip("Download the issuer's status lists and keys, as your network setting allows")
        self._wallet = wallet
        self._ids = ids
        self.op: Op | None = None
        self.triggered.connect(self.run)

    def run(self) -> Op:
        self.setEnabled(False)
        self.message.emit("Checking status\u2026")
        self.op = check_status_now(self, self._wallet, self._ids())
        self.op.on_success(self._done).on_failure(self._failed)
        return self.op

    def _done(self, report: Any) -> None:
        self.setEnabled(True)
        self.message.emit(report.message)
        self.finished.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        message, detail = describe_error(exc)
        self.message.emit(message)
        self.failed.emit(message, detail)


class AutoRefresher(QObject):
    """With the network setting at "automatic": check status on its own, within bounds.

    When: a few seconds after the wallet opens, for each credential as it is added, and
    then once an hour while the wallet stays open. What: status lists, issuer keys and
    registries (lists, and federations' answers about each issuer) last downloaded more
    than a day ago (``AUTOMATIC_FRESH_WITHIN``); an address whose download failed is
    left alone for an hour. So a wallet open all week goes online about once a day, and
    one opened ten times a day only the first time. With any other setting it does
    nothing. Each run is one background call (``Wallet.refresh_trust``); one at a time.
    """

    refreshed = Signal(object)  # RefreshReport
    INTERVAL_MS = 60 * 60 * 1000

    def __init__(self, wallet: Any, bridge: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wallet = wallet
        self.op: Op | None = None
        self._busy = False
        self._again = False
        bridge.credential_added.connect(lambda cred: self.run([cred.id]))
        self.timer = QTimer(self)
        self.timer.setInterval(self.INTERVAL_MS)
        self.timer.timeout.connect(self.run)
        self.timer.start()

    def enabled(self) -> bool:
        try:
            return self._wallet.trust_data.policy is NetworkPolicy.AUTOMATIC
        except Exception:  # an unreadable setting never turns the network on
            return False

    def run(self, ids: list[str] | None = None) -> Op | None:
        if not self.enabled():
            return None
        if self._busy:
            self._again = True  # e.g. a credential added meanwhile: one more (cheap) run afterwards
            return None
        self._busy, self._again = True, False
        self.op = run_op(self, lambda: self._wallet.refresh_trust(
            ids, user_initiated=False, fresh_within=AUTOMATIC_FRESH_WITHIN))
        self.op.on_success(self._done).on_failure(self._failed)
        return self.op

    def _done(self, report: Any) -> None:
        self._finish()
        self.refreshed.emit(report)

    def _failed(self, exc: BaseException) -> None:
        log.info("automatic status check failed: %s", exc)
        self._finish()

    def _finish(self) -> None:
        self._busy = False
        if self._again:
            self.run()
