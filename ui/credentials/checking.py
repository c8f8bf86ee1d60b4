"""Verification for the list and the detail pane: batches of ``Wallet.verify`` off the GUI thread.

A batch runs as one operation (``run_op``) that checks credential after credential,
reporting progress and stopping at the next credential when cancelled (the window
closed). Each result is announced as it is applied; a credential whose check could
not run at all is announced with ``None`` and is simply shown as not checked.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.ops import Op, Progress, run_op
from wallet.verify.report import Report

log = logging.getLogger(__name__)

Result = tuple[str, Report | None]


class Checker(QObject):
    started = Signal(list)  # ids now being checked
    report_ready = Signal(str, object)  # id, Report or None (the check could not run)
    progressed = Signal(int, int)  # done, total (batches of more than one)
    batch_finished = Signal(int, int)  # checked, could not be checked
    failed = Signal(object)  # an error that stopped the whole batch

    def __init__(self, wallet: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self.verifying: set[str] = set()
        self._ops: set[Op] = set()

    @property
    def available(self) -> bool:
        return hasattr(self.wallet, "verify")

    def check(self, ids: list[str]) -> Op | None:
        """Check ``ids`` (those not already being checked); None when there is nothing to do."""
        if not self.available:
            return None
        batch = [i for i in dict.fromkeys(ids) if i not in self.verifying]
        if not batch:
            return None
        self.verifying.update(batch)
        self.started.emit(batch)
        op = run_op(self, lambda progress: self._run(batch, progress), progress=True)
        self._ops.add(op)
        op.on_done(functools.partial(self._ops.discard, op))
        op.on_success(lambda results: self._apply(batch, results))
        op.on_failure(lambda exc: self._give_up(batch, exc))
        if len(batch) > 1:
            op.on_progress(lambda done, total, _text: self.progressed.emit(done, total))
        return op

    def stop(self) -> None:
        """Ask every running batch to stop after the credential in hand."""
        for op in list(self._ops):
            op.cancel()

    def _run(self, batch: list[str], progress: Progress) -> list[Result]:
        results: list[Result] = []
        for n, cred_id in enumerate(batch):
            if progress.cancelled():
                break
            try:
                results.append((cred_id, self.wallet.verify(cred_id)))
            except Exception:  # noqa: BLE001 - one credential must not stop the others
                log.exception("verification of %s failed", cred_id[:12])
                results.append((cred_id, None))
            progress.update(n + 1, len(batch))
        return results

    def _apply(self, batch: list[str], results: list[Result]) -> None:
        done = dict(results)
        for cred_id in batch:  # those a cancelled batch never reached are released too
            self.verifying.discard(cred_id)
            self.report_ready.emit(cred_id, done.get(cred_id))
        failed = sum(1 for _cid, report in results if report is None)
        self.batch_finished.emit(len(results) - failed, failed)

    def _give_up(self, batch: list[str], exc: BaseException) -> None:
        for cred_id in batch:
            self.verifying.discard(cred_id)
            self.report_ready.emit(cred_id, None)
        self.failed.emit(exc)
