"""Batches of checks: one failure does not stop the rest; a stopped batch leaves nothing "Checking…"."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

from tests.ui.conftest import settle
from ui.credentials.checking import Checker
from wallet.errors import WalletError
from wallet.verify.report import Report, Status


class SlowWallet:
    """Stands in for Wallet.verify: one id fails, and each check waits for a go-ahead."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.seen: list[str] = []

    def verify(self, cred_id: str) -> Report:
        self.seen.append(cred_id)
        self.go.wait(5)
        if cred_id == "bad":
            raise WalletError("The credential could not be read.", "test")
        return Report(Status.VERIFIED, (), datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_a_failing_check_does_not_stop_the_others(qtbot):
    wallet = SlowWallet()
    wallet.go.set()
    checker = Checker(wallet)
    got: dict[str, object] = {}
    finished = []
    checker.report_ready.connect(lambda cid, report: got.__setitem__(cid, report))
    checker.batch_finished.connect(lambda ok, failed: finished.append((ok, failed)))
    checker.check(["a", "bad", "c", "a"])  # a repeated id is checked once
    assert checker.verifying == {"a", "bad", "c"}
    assert checker.check(["a"]) is None  # already being checked
    settle(qtbot, lambda: finished)
    assert finished == [(2, 1)]
    assert got["bad"] is None and got["a"].status is Status.VERIFIED and got["c"] is not None
    assert checker.verifying == set()


def test_a_stopped_batch_releases_every_credential(qtbot):
    wallet = SlowWallet()
    checker = Checker(wallet)
    got: dict[str, object] = {}
    checker.report_ready.connect(lambda cid, report: got.__setitem__(cid, report))
    checker.check([f"id{n}" for n in range(10)])
    qtbot.waitUntil(lambda: bool(wallet.seen), timeout=5000)
    checker.stop()
    wallet.go.set()
    settle(qtbot, lambda: len(got) == 10)
    assert wallet.seen == ["id0"]
    assert got["id0"] is not None and all(got[f"id{n}"] is None for n in range(1, 10))
    assert checker.verifying == set()
