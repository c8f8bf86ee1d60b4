"""How fast the credential list handles a large wallet (Qt offscreen).

Prints: loading 10,000 records into the model, sorting them, a search keystroke, and a
burst of 10,000 status updates (what a full re-verification sends to the list).
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ui_list.py
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timedelta, timezone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTreeView  # noqa: E402

from ui.credentials.model import Column, CredentialFilterProxy, CredentialListModel  # noqa: E402
from wallet.credential import Alignment, Credential, Envelope, Format, Summary, content_id  # noqa: E402
from wallet.verify.report import Check, CheckName, Outcome, Report, Status  # noqa: E402

N = 10_000
ISSUERS = ["Riverbend Open College", "Northside Polytechnic", "Open University of Testland", "Skills Agency"]
SKILLS = ["Statistics", "Welding", "Spreadsheets", "Teamwork", "Python", "First aid", "Negotiation"]


def records() -> list[Credential]:
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    out = []
    for n in range(N):
        raw = f'{{"n": {n}}}'.encode()
        summary = Summary(
            title=f"Micro-course {n}: {SKILLS[n % len(SKILLS)]} in practice",
            issuer_name=ISSUERS[n % len(ISSUERS)],
            issued=start + timedelta(hours=n * 7),
            achievement_type=("MicroCredential", "Badge", "Certificate")[n % 3],
            alignments=(Alignment(name=SKILLS[(n * 3) % len(SKILLS)]),),
        )
        out.append(Credential(content_id(raw), raw, Envelope.JSON, Format.OB3, raw.decode(), summary))
    return out


def timed(label: str, fn, repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<48} median {statistics.median(times):8.1f} ms  (min {min(times):.1f})")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    creds = records()
    model = CredentialListModel()
    proxy = CredentialFilterProxy()
    proxy.setSourceModel(model)
    view = QTreeView()
    view.setModel(proxy)
    view.resize(900, 700)
    view.show()
    print(f"{N} credentials")
    timed("load into the model (view attached)", lambda: (model.set_credentials(creds), app.processEvents()))
    orders = iter([Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder] * 10)
    timed("sort by date (order flipped each time)", lambda: proxy.sort(Column.DATE, next(orders)))
    timed("sort by issuer", lambda: (proxy.sort(Column.TITLE), proxy.sort(Column.ISSUER)))
    queries = iter(["s", "st", "sta", "stat", "statistics", "welding", "north", ""] * 10)
    timed("one search keystroke", lambda: proxy.set_query(next(queries)), repeat=20)
    report = Report(Status.VERIFIED, (Check(CheckName.SIGNATURE, Outcome.PASSED, "ok"),),
                    datetime.now(timezone.utc))
    proxy.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    timed("10,000 status updates (a full re-check)",
          lambda: [model.set_report(c.id, report) for c in creds], repeat=3)


if __name__ == "__main__":
    main()
