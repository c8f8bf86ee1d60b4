"""Fixtures for the app's tests: a main window over the test wallet, and waiting helpers.

The window is real (offscreen); background work runs on Qt's global thread pool, so
tests wait for it with :func:`settle` rather than sleeping.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from wallet.credential import Alignment, Credential, Envelope, Format, Summary, content_id


@pytest.fixture(autouse=True)
def _app(qapp):
    """Every UI test runs with a QApplication (pixmaps and icons need one)."""
    return qapp


def settle(qtbot, until: Callable[[], bool] | None = None, timeout: int = 20_000) -> None:
    """Let background operations finish and their results arrive on the GUI thread."""

    def done() -> bool:
        QThreadPool.globalInstance().waitForDone(20)
        QApplication.processEvents()
        idle = QThreadPool.globalInstance().activeThreadCount() == 0
        assert idle and (until is None or until())

    qtbot.waitUntil(done, timeout=timeout)
    QApplication.processEvents()


@pytest.fixture
def stack_dir(interop: Path, tmp_path: Path) -> Path:
    """A copy of the corpus's micro-credential stack (14 signed OB 3.0 credentials)."""
    target = tmp_path / "stack"
    shutil.copytree(interop / "peer-vcjs" / "stack", target)
    return target


def make_credential(
    title: str,
    issuer: str,
    *,
    issued: datetime | None = None,
    achievement_type: str = "",
    skills: tuple[str, ...] = (),
    fmt: Format = Format.OB3,
) -> Credential:
    """A record for model tests (the model shows records; parsing is tested in the core)."""
    raw = f'{{"name": "{title}", "issuer": "{issuer}"}}'.encode()
    summary = Summary(
        title=title,
        issuer_name=issuer,
        issued=issued,
        achievement_type=achievement_type,
        alignments=tuple(Alignment(name=s) for s in skills),
    )
    return Credential(content_id(raw), raw, Envelope.JSON, fmt, raw.decode(), summary)


@pytest.fixture
def records() -> list[Credential]:
    d = lambda y, m: datetime(y, m, 1, tzinfo=timezone.utc)  # noqa: E731
    return [
        make_credential("Data Analysis", "Beta College", issued=d(2024, 5), achievement_type="Certificate",
                        skills=("Statistics", "Spreadsheets")),
        make_credential("Welding Level 2", "Alpha Institute", issued=d(2025, 1), achievement_type="MicroCredential",
                        skills=("Metalwork",)),
        make_credential("First Aid", "Gamma Red Cross", issued=d(2023, 9), achievement_type="Badge"),
    ]


@pytest.fixture
def window(qtbot, wallet):
    """The main window over the (empty) test wallet, loaded."""
    from ui.main_window import MainWindow

    win = MainWindow(wallet)
    qtbot.addWidget(win)
    win.credentials.importer.show_results = True
    win.show()
    settle(qtbot, lambda: win.credentials.loaded)
    yield win
    settle(qtbot)
    if shiboken6.isValid(win):  # pytest-qt may have closed and deleted it already
        win.close()
