"""Make docs/screenshot.png: the app on a demo wallet, drawn offscreen.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication


def settle(app: QApplication, rounds: int = 40) -> None:
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(50)
        app.processEvents()


def _showcase(page) -> int:
    """The row to open: a verified badge with its own picture shows the most (the
    picture, "Signed by ...", every check passed); else any verified credential."""
    from ui.credentials.model import CredentialRole, ReportRole
    from wallet.verify.report import Status

    verified = []
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, 0)
        report, cred = index.data(ReportRole), index.data(CredentialRole)
        if report is not None and report.status is Status.VERIFIED and "Endorsement" not in cred.title:
            verified.append((not cred.summary.image.startswith("data:image/"), row))
    return min(verified)[1] if verified else 0


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
    with tempfile.TemporaryDirectory(prefix="learner-wallet-shot-") as home:
        os.environ["LEARNER_WALLET_HOME"] = home
        from ui.app import demo_note, make_application
        from ui.main_window import MainWindow
        from wallet.demo import create_demo_wallet

        app = make_application()
        wallet = create_demo_wallet(Path(home) / "demo")
        window = MainWindow(wallet)
        window.resize(1280, 800)
        window.statusBar().clearMessage()
        window.show_note(demo_note(wallet))  # as learner-wallet --demo shows it
        window.show()
        page = window.credentials
        settle(app)
        while page._verifying:
            settle(app, 5)
        wanted = os.environ.get("SHOT_SEARCH", "")
        if wanted:
            page.search.setText(wanted)
        page.view.setCurrentIndex(page.proxy.index(_showcase(page), 0))
        page.view.setFocus()
        show = os.environ.get("SHOT_PAGE")
        if show:
            window.show_page(show)
        settle(app, 10)
        window.grab().save(str(out))
        window.close()
        settle(app, 5)
        wallet.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
