"""The Verification section of the detail pane: who signed, and one row per check."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.icons import icon
from ui.widgets.elided import ElidedLabel
from ui.widgets.status_badge import CHECKING, StatusBadge, look_for_outcome
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status

MIN_TEXT_WIDTH = 120  # a wrapped sentence may get this narrow before the pane must widen


def signer_id(signer: Signer) -> str:
    return signer.issuer_id or signer.key_id.split("#")[0]


def signed_by(signer: Signer) -> str:
    """"Signed by Example University — did:key:z6Mk…" (the key's owner, in full)."""
    name = signer.issuer_name or "the issuer"
    who = signer_id(signer)
    return f"Signed by {name} — {who}" if who else f"Signed by {name}"


def checked_when(report: Report) -> str:
    when = report.checked_at.astimezone()
    return f"Checked on {when.day} {when:%B %Y} at {when:%H:%M}, on this computer."


def breakable(text: str, run: int = 16) -> str:
    """The sentence with a zero-width break every ``run`` characters inside long words.

    A key identifier (did:key:z6Mk… is 56 characters) is one word to Qt's line breaker:
    without break chances it is cut off at the pane's edge instead of wrapping.
    """
    words = []
    for word in text.split(" "):
        if len(word) > 2 * run:
            word = "\u200b".join(word[i:i + run] for i in range(0, len(word), run))
        words.append(word)
    return " ".join(words)


class CheckRow(QFrame):
    """One check: an icon for its outcome, the plain sentence, the detail on request."""

    def __init__(self, check: Check, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkRow")
        self.check = check
        look = look_for_outcome(check.outcome)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 5, 0, 5)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(4)
        mark = QLabel(self)
        mark.setPixmap(look.icon.pixmap(16, 16))
        mark.setToolTip(look.label)
        mark.setAccessibleName(look.label)
        layout.addWidget(mark, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(breakable(check.message), self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumWidth(MIN_TEXT_WIDTH)  # wrap rather than widen the pane
        layout.addWidget(self.message, 0, 1)
        detail = "\n".join(x for x in (check.detail, f"check: {check.name.value}",
                                       f"reason code: {check.code}" if check.code else "") if x)
        self.toggle = QToolButton(self)
        self.toggle.setText("Details")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAccessibleName(f"Technical details: {check.message}")
        layout.addWidget(self.toggle, 0, 2, Qt.AlignmentFlag.AlignTop)
        self.detail = QPlainTextEdit(detail, self)
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Technical details")
        self.detail.setMaximumHeight(110)
        self.detail.setVisible(False)
        layout.addWidget(self.detail, 1, 1, 1, 2)
        layout.setColumnStretch(1, 1)
        self.toggle.toggled.connect(self._show_detail)
        self.setAccessibleName(f"{look.label}: {check.message}")

    def _show_detail(self, shown: bool) -> None:
        self.detail.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)


class VerificationSection(QWidget):
    """Shows a :class:`Report` (or that there is none yet) and offers "Verify again"."""

    verify_requested = Signal()
    status_requested = Signal()  # "Check status now": download this credential's status list and keys

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._top = QGridLayout()
        self._top.setContentsMargins(0, 0, 0, 0)
        self._top.setSpacing(6)
        self._top.setColumnStretch(1, 1)
        self.badge = StatusBadge(self)
        self.verify_button = QPushButton(icon("verify"), "Verify again", self)
        self.verify_button.setAccessibleName("Verify this credential again")
        self.verify_button.clicked.connect(self.verify_requested)
        self._button_beside = True
        self._top.addWidget(self.badge, 0, 0, Qt.AlignmentFlag.AlignLeft)
        self._top.addWidget(self.verify_button, 0, 2)
        layout.addLayout(self._top)
        self.signer_label = QLabel(self)
        self.signer_label.setWordWrap(True)
        self.signer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signer_label.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.signer_label)
        self.signer_key = ElidedLabel("", self)  # a DID: its start and end, whole on hover and Copy
        self.signer_key.setProperty("role", "muted")
        self.signer_key.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout.addWidget(self.signer_key)
        self.when_label = QLabel(self)
        self.when_label.setProperty("role", "muted")
        self.when_label.setWordWrap(True)
        for label in (self.signer_label, self.when_label):
            label.setMinimumWidth(MIN_TEXT_WIDTH)  # wrap rather than widen the pane
        layout.addWidget(self.when_label)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(0)
        layout.addLayout(self._rows)
        self.rows: list[CheckRow] = []
        self.status_button = QPushButton("Check status now", self)
        self.status_button.setToolTip("Go online (as your network setting allows) for the issuer's status list and keys")
        self.status_button.setAccessibleName("Check this credential's status online now")
        self.status_button.clicked.connect(self.status_requested)
        self.status_note = QLabel(self)  # what the last "Check status now" did
        self.status_note.setProperty("role", "muted")
        self.status_note.setWordWrap(True)
        self.status_note.setMinimumWidth(MIN_TEXT_WIDTH)
        layout.addWidget(self.status_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status_note)
        self.set_status_check(False)
        self.show_report(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """In a narrow pane "Verify again" goes under the status instead of past the edge."""
        super().resizeEvent(event)
        beside = event.size().width() >= (self.badge.sizeHint().width() + self.verify_button.sizeHint().width()
                                          + 2 * self._top.spacing())
        if beside != self._button_beside:
            self._button_beside = beside
            self._top.removeWidget(self.verify_button)
            if beside:
                self._top.addWidget(self.verify_button, 0, 2)
            else:
                self._top.addWidget(self.verify_button, 1, 0, Qt.AlignmentFlag.AlignLeft)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        narrowest = max(self.badge.sizeHint().width(), self.verify_button.sizeHint().width())
        return QSize(narrowest, hint.height())

    def set_status_check(self, available: bool, *, busy: bool = False, note: str = "") -> None:
        """Offer "Check status now" only for a credential with a status list or an online key."""
        self.status_button.setVisible(available)
        self.status_button.setEnabled(not busy)
        self.status_button.setText("Checking status\u2026" if busy else "Check status now")
        self.status_note.setText(note)
        self.status_note.setVisible(available and bool(note))

    def show_report(self, report: Report | None, *, checking: bool = False) -> None:
        self._clear_rows()
        self.badge.set_report(report)
        self.verify_button.setText("Verify now" if report is None else "Verify again")
        self.verify_button.setEnabled(not checking)
        if checking:
            self.badge.set_look(CHECKING)
        if report is None:
            self._show_signer(None)
            self.when_label.setText(
                "Checking now, on this computer…" if checking
                else "This credential has not been checked yet. Checking works offline."
            )
            return
        # "Signed by" only when the key is shown to be the issuer's: a valid signature by
        # a key nothing ties to the issuer names no one
        self._show_signer(report.signer if report.vouches else None)
        self.when_label.setText(checked_when(report))
        for check in report.checks:
            self._add_row(check)
        for endorsement in report.endorsements:
            self._add_row(_endorsement_check(endorsement))

    def _show_signer(self, signer: Signer | None) -> None:
        """"Signed by" and the key, or neither: an earlier report's signer is not kept."""
        self.signer_label.setText(f"Signed by {signer.issuer_name or 'the issuer'}" if signer is not None else "")
        self.signer_label.setAccessibleName(signed_by(signer) if signer is not None else "")
        self.signer_label.setVisible(signer is not None)
        self.signer_key.set_full_text(signer_id(signer) if signer is not None else "")
        self.signer_key.setVisible(signer is not None and bool(signer_id(signer)))

    def _add_row(self, check: Check) -> None:
        row = CheckRow(check, self)
        self._rows.addWidget(row)
        self.rows.append(row)

    def _clear_rows(self) -> None:
        for row in self.rows:
            self._rows.removeWidget(row)
            row.hide()  # gone from the screen now, freed by the event loop
            row.deleteLater()
        self.rows = []


def _endorsement_check(report: Report) -> Check:
    """An endorsement's own report, told as one row of the endorsed credential."""
    who = (report.signer.issuer_name or report.signer.issuer_id) if report.signer else "an endorser"
    outcome = {
        Status.VERIFIED: Outcome.PASSED,
        Status.WARNINGS: Outcome.WARNING,
        Status.NOT_VERIFIED: Outcome.FAILED,
        Status.OFFLINE: Outcome.UNKNOWN,
    }[report.status]
    message = f"Endorsement by {who}: {report.status.label.lower()}."
    if report.status is not Status.VERIFIED:
        message = f"Endorsement by {who}: {report.summary}"
    return Check(CheckName.ENDORSEMENTS, outcome, message, "\n".join(c.message for c in report.checks))
