"""Adding credentials: files, a folder, the clipboard or a drop, never blocking the window.

Each way in is one core call (``Wallet.import_paths`` / ``Wallet.import_bytes``) run
through :func:`ui.ops.run_op`; the learner then sees what happened to every file:
added, already in the wallet, or not taken (with the plain reason and the detail).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.ops import Op, Progress, run_op
from ui.widgets.error_box import DetailsDisclosure, describe_error
from ui.icons import icon
from wallet.credential import Credential

log = logging.getLogger(__name__)

FILE_FILTER = "Credentials (*.json *.jsonld *.jwt *.txt *.png *.svg);;All files (*)"
_MAX_PASTE_CHARS = 2_000_000


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file (or one paste), in the learner's words."""

    name: str
    kind: str  # "added", "duplicate", "rejected"
    sentence: str
    detail: str = ""
    added: tuple[Credential, ...] = ()  # new to the wallet, or back from the trash
    restored: int = 0  # how many of ``added`` came back from the trash


def _name_of(result: Any) -> str:
    for attr in ("name", "source", "path"):
        value = getattr(result, attr, None)
        if value:
            return Path(str(value)).name if attr == "path" else str(value)
    return "Item"


def _count_words(n: int, one: str, many: str) -> str:
    return one if n == 1 else many.format(n=n)


def _added_words(added: tuple[Any, ...]) -> str:
    """'Added “Teamwork” to your wallet.': the learner recognises titles, not file names."""
    titles = [f"“{t}”" for t in (str(getattr(c, "title", "") or "") for c in added) if t]
    if len(added) == 1:
        return f"Added {titles[0]} to your wallet." if titles else "Added to your wallet."
    shown = ", ".join(titles[:3]) + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")
    return f"Added {len(added)} credentials to your wallet" + (f": {shown}." if shown else ".")


def outcome_of(result: Any) -> FileOutcome:
    """Turn the core's per-file ImportResult into a line for the results list."""
    name = _name_of(result)
    error = getattr(result, "error", None)
    added = tuple(getattr(result, "added", ()) or ())
    duplicates = tuple(getattr(result, "duplicates", ()) or ())
    restored = tuple(getattr(result, "restored", ()) or ())
    if error is not None and not (added or restored):
        sentence, detail = describe_error(error)
        return FileOutcome(name, "rejected", sentence, detail)
    if added:
        sentence = _added_words(added)
        if duplicates:
            sentence += " " + _count_words(len(duplicates), "One was already there.", "{n} were already there.")
        return FileOutcome(name, "added", sentence, added=added + restored, restored=len(restored))
    if restored:
        return FileOutcome(name, "added", "It was in the trash; it is back in your wallet now.", added=restored,
                           restored=len(restored))
    if duplicates:
        return FileOutcome(name, "duplicate", "Already in your wallet, so it was not added twice.")
    return FileOutcome(name, "rejected", "No credential was found in it.")


def paths_from_mime(mime: QMimeData) -> list[Path]:
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]


def accepts_mime(mime: QMimeData) -> bool:
    return bool(paths_from_mime(mime)) or (mime.hasText() and bool(mime.text().strip()))


class ImportController(QObject):
    """Runs imports for a window and reports their outcomes."""

    finished = Signal(list)  # list[FileOutcome]
    busy_changed = Signal(bool)

    def __init__(self, wallet: Any, window: QWidget) -> None:
        super().__init__(window)
        self.wallet = wallet
        self.window = window
        self.op: Op | None = None  # the latest import
        self.running: set[Op] = set()
        self.show_results = True  # tests and batch callers may turn the dialog off
        self.last_dialog: ImportResultsDialog | None = None

    # -- the ways in

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Add credentials", str(Path.home()), FILE_FILTER)
        if paths:
            self.import_paths([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Add every credential in a folder", str(Path.home()))
        if folder:
            self.import_paths([Path(folder)])

    def import_mime(self, mime: QMimeData) -> bool:
        """From a drop or the clipboard: files if there are any, else the text."""
        paths = paths_from_mime(mime)
        if paths:
            self.import_paths(paths)
            return True
        if mime.hasText() and mime.text().strip():
            self.import_text(mime.text(), source="clipboard")
            return True
        return False

    def import_paths(self, paths: Sequence[Path]) -> Op:
        paths = list(paths)

        def work(progress: Progress) -> list[Any]:  # folders are walked by the core
            return list(self.wallet.import_paths(paths, progress=progress.update, cancelled=progress.cancelled))

        label = "Adding credentials from the folder…" if any(p.is_dir() for p in paths) else "Adding credentials…"
        return self._start(work, label, progress=True)

    def import_text(self, text: str, *, source: str = "clipboard", name: str = "Pasted text") -> Op | None:
        if len(text) > _MAX_PASTE_CHARS:
            self._show([FileOutcome(name, "rejected", "The pasted text is too long to be a credential.",
                                    f"{len(text)} characters")])
            return None
        data = text.strip().encode("utf-8")
        return self._start(lambda: [self.wallet.import_bytes(data, name=name, source=source)], "Adding…")

    # -- running

    def _start(self, fn: Any, label: str, *, progress: bool = False) -> Op:
        self.busy_changed.emit(True)
        dialog = self._progress_dialog(label)
        op = run_op(self.window, fn, progress=progress)
        self.op = op
        self.running.add(op)
        op.on_done(functools.partial(self.running.discard, op))
        if progress:
            op.on_progress(lambda done, total, text: self._step(dialog, done, total, text))
        dialog.canceled.connect(op.cancel)
        op.on_success(lambda results: self._done(dialog, results))
        op.on_failure(lambda exc: self._failed(dialog, exc))
        return op

    def _progress_dialog(self, label: str) -> QProgressDialog:
        dialog = QProgressDialog(label, "Stop", 0, 0, self.window)
        dialog.setWindowTitle("Adding credentials")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(600)  # quick imports never flash a dialog
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        return dialog

    @staticmethod
    def _step(dialog: QProgressDialog, done: int, total: int, text: str) -> None:
        if total:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
            dialog.setLabelText(f"Adding credentials… {done} of {total}" + (f"\n{Path(text).name}" if text else ""))
        elif text:
            dialog.setLabelText(text)

    def _done(self, dialog: QProgressDialog, results: list[Any]) -> None:
        dialog.close()
        dialog.deleteLater()
        outcomes = [outcome_of(r) for r in results]
        for o in outcomes:
            if o.kind == "rejected":
                log.info("an import was rejected: %s", o.sentence)  # not the file's name: personal
        self.busy_changed.emit(False)
        self.finished.emit(outcomes)
        self._show(outcomes)

    def stop(self) -> None:
        """Ask every running import to stop after the file in hand (what is done is kept)."""
        for op in list(self.running):
            op.cancel()

    def _failed(self, dialog: QProgressDialog, exc: BaseException) -> None:
        dialog.close()
        dialog.deleteLater()
        sentence, detail = describe_error(exc)
        outcomes = [FileOutcome("Import", "rejected", sentence, detail)]
        self.busy_changed.emit(False)
        self.finished.emit(outcomes)
        self._show(outcomes)

    def _show(self, outcomes: list[FileOutcome]) -> None:
        if not self.show_results or not outcomes:
            return
        if len(outcomes) == 1 and outcomes[0].kind == "added":
            return  # the new credential appears in the list, selected: that says it all
        self.last_dialog = ImportResultsDialog(outcomes, self.window)
        self.last_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.last_dialog.open()


_KIND_ICON = {"added": "status-verified", "duplicate": "status-unchecked", "rejected": "status-not-verified"}
_KIND_WORDS = {"added": "Added", "duplicate": "Already in your wallet", "rejected": "Not added"}


class OutcomeRow(QWidget):
    def __init__(self, outcome: FileOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        mark = QLabel(self)
        mark.setPixmap(icon(_KIND_ICON[outcome.kind]).pixmap(16, 16))
        mark.setAccessibleName(_KIND_WORDS[outcome.kind])
        mark.setToolTip(_KIND_WORDS[outcome.kind])
        layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(2)
        name = QLabel(outcome.name, self)
        name.setStyleSheet("font-weight: 600;")
        column.addWidget(name)
        self.sentence = QLabel(outcome.sentence, self)
        self.sentence.setWordWrap(True)
        column.addWidget(self.sentence)
        self.details = DetailsDisclosure(outcome.detail, self) if outcome.detail else None
        if self.details:
            column.addWidget(self.details)
        layout.addLayout(column, 1)
        self.setAccessibleName(f"{outcome.name}: {outcome.sentence}")


class ImportResultsDialog(QDialog):
    """Per-file results: a count line, then one row per file, problems first."""

    def __init__(self, outcomes: Sequence[FileOutcome], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Adding credentials")
        self.setMinimumSize(520, 260)
        self.outcomes = list(outcomes)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary_sentence(self.outcomes), self)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 12pt; font-weight: 600;")
        layout.addWidget(self.summary)
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        body = QWidget()
        rows = QVBoxLayout(body)
        self.rows = [OutcomeRow(o, body) for o in rows_to_show(self.outcomes)]
        for row in self.rows:
            rows.addWidget(row)
        rows.addStretch(1)
        area.setWidget(body)
        layout.addWidget(area, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


MAX_ROWS = 200  # a folder of thousands lists its problems, not every success


def rows_to_show(outcomes: Sequence[FileOutcome]) -> list[FileOutcome]:
    """Problems first, one line each; many successes folded into one line."""
    order = {"rejected": 0, "duplicate": 1, "added": 2}
    ranked = sorted(outcomes, key=lambda o: order[o.kind])
    added = [o for o in ranked if o.kind == "added"]
    if len(added) > 30:
        n = sum(len(o.added) or 1 for o in added)
        ranked = [o for o in ranked if o.kind != "added"]
        ranked.append(FileOutcome(f"{len(added)} files", "added", f"{n} credentials added to your wallet."))
    if len(ranked) > MAX_ROWS:
        rest = len(ranked) - MAX_ROWS + 1
        ranked = ranked[: MAX_ROWS - 1] + [FileOutcome(f"{rest} more files", "duplicate",
                                                       "Not listed here; the counts above include them.")]
    return ranked


def summary_sentence(outcomes: Sequence[FileOutcome]) -> str:
    restored = sum(o.restored for o in outcomes if o.kind == "added")
    added = sum(len(o.added) or 1 for o in outcomes if o.kind == "added") - restored
    dupes = sum(1 for o in outcomes if o.kind == "duplicate")
    bad = sum(1 for o in outcomes if o.kind == "rejected")
    parts = []
    if added:
        parts.append(_count_words(added, "1 credential added", "{n} credentials added"))
    if restored:
        parts.append(f"{restored} restored from the trash")
    if dupes:
        parts.append(_count_words(dupes, "1 already in your wallet", "{n} already in your wallet"))
    if bad:
        parts.append(_count_words(bad, "1 file could not be added", "{n} files could not be added"))
    return (", ".join(parts) + ".") if parts else "Nothing was added."
