"""The bridge re-emits core events from any thread as Qt signals on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from ui.bridge import WalletBridge
from wallet.events import Event, WalletEvents


def test_event_from_a_worker_thread_arrives_on_the_gui_thread(qtbot):
    events = WalletEvents()
    bridge = WalletBridge(events)
    got = []
    bridge.credential_trashed.connect(
        lambda cid: got.append((cid, QThread.currentThread() is QApplication.instance().thread())))
    worker = threading.Thread(target=lambda: events.credential_trashed.emit("abc"))
    worker.start()
    worker.join()
    assert got == []  # queued: nothing ran on the worker thread
    settle(qtbot, lambda: got)
    assert got == [("abc", True)]


def test_every_core_event_has_a_signal_and_detach_stops_them(qtbot):
    events = WalletEvents()
    events.something_new = Event("something_new")  # an event added later by a feature
    bridge = WalletBridge(events)
    got = []
    bridge.trash_emptied.connect(lambda: got.append("emptied"))
    bridge.event_emitted.connect(lambda name, args: got.append((name, args)))
    events.trash_emptied.emit()
    events.something_new.emit(1, 2)
    settle(qtbot, lambda: len(got) == 2)
    assert got == ["emptied", ("something_new", (1, 2))]
    bridge.detach()
    events.trash_emptied.emit()
    settle(qtbot)
    assert len(got) == 2
