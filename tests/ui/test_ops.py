"""run_op: results, errors and progress come back on the GUI thread."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from ui.ops import run_op
from wallet.errors import InputError


def test_success_arrives_on_the_gui_thread(qtbot):
    owner = QObject()
    seen = {}

    def work():
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value):
        seen["value"] = value
        seen["gui"] = QThread.currentThread() is QApplication.instance().thread()

    run_op(owner, work).on_success(done)
    settle(qtbot, lambda: "value" in seen)
    assert seen == {"worker": False, "value": 42, "gui": True}


def test_failure_reaches_the_failure_callback(qtbot):
    errors = []
    run_op(None, lambda: (_ for _ in ()).throw(InputError("This file is a PDF, not a credential."))).on_failure(
        errors.append)
    settle(qtbot, lambda: errors)
    assert isinstance(errors[0], InputError)
    assert errors[0].message == "This file is a PDF, not a credential."


def test_progress_and_cancel(qtbot):
    steps = []
    started = threading.Event()
    release = threading.Event()

    def work(progress):
        progress.update(1, 3, "a.json")
        started.set()
        release.wait(5)
        done = 1
        while not progress.cancelled() and done < 1000:
            done += 1
        return done

    op = run_op(None, work, progress=True).on_progress(lambda d, t, text: steps.append((d, t, text)))
    results = []
    op.on_success(results.append)
    assert started.wait(5)
    op.cancel()
    release.set()
    settle(qtbot, lambda: results)
    assert steps[0] == (1, 3, "a.json")
    assert results == [1]  # stopped at once: it saw the cancellation


def test_owner_gone_before_the_result_is_harmless(qtbot):
    release = threading.Event()
    owner = QObject()
    calls = []
    run_op(owner, lambda: release.wait(5)).on_success(calls.append)
    shiboken6.delete(owner)  # the window closed while the work ran
    release.set()
    settle(qtbot)
    assert calls == []


@pytest.mark.parametrize("value", [None, [1, 2], {"a": 1}])
def test_any_result_type(qtbot, value):
    got = []
    run_op(None, lambda: value).on_success(got.append)
    settle(qtbot, lambda: got)
    assert got == [value]


def test_progress_reaches_every_callback_in_order_when_one_spins_the_event_loop(qtbot):
    """A modal progress dialog's setValue spins the event loop; the steps queued behind
    the one being delivered must still reach the later callbacks in order."""
    all_queued = threading.Event()

    def work(progress):
        for done in range(1, 21):
            progress.update(done, 20, f"{done}.json")
        all_queued.set()
        return "done"

    first, second = [], []

    def spinning(done, _total, _text):
        first.append(done)
        all_queued.wait(5)
        QApplication.processEvents()  # what QProgressDialog.setValue does when modal

    op = run_op(None, work, progress=True).on_progress(spinning)
    op.on_progress(lambda done, _total, _text: second.append(done))
    results = []
    op.on_success(results.append)
    settle(qtbot, lambda: results)
    assert first == second == list(range(1, 21))
