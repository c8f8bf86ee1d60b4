"""How a verification status looks: words, an icon shape and colours, never colour alone.

``StatusLook`` is shared by the list (status column) and the badge in the detail pane,
so a credential shows the same status the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ui.icons import icon
from wallet.verify.report import Outcome, Report, Status


@dataclass(frozen=True)
class StatusLook:
    label: str  # the words the learner reads
    icon_name: str  # a shape that differs per status
    ink: str  # text colour (contrast >= 4.5:1 on ``paper``)
    paper: str  # badge background

    @property
    def icon(self) -> QIcon:
        return icon(self.icon_name)


NOT_CHECKED = StatusLook("Not checked yet", "status-unchecked", "#3d4854", "#eceff3")
CHECKING = StatusLook("Checking…", "status-unchecked", "#3d4854", "#eceff3")

_LOOKS = {
    Status.VERIFIED: StatusLook(Status.VERIFIED.label, "status-verified", "#14532d", "#dcf3e4"),
    Status.WARNINGS: StatusLook(Status.WARNINGS.label, "status-warnings", "#6b4100", "#fdf0d5"),
    Status.NOT_VERIFIED: StatusLook(Status.NOT_VERIFIED.label, "status-not-verified", "#8c1d18", "#fbe2e0"),
    Status.OFFLINE: StatusLook(Status.OFFLINE.label, "status-offline", "#2e3a48", "#e3e8ef"),
}

_OUTCOME_LOOKS = {
    Outcome.PASSED: StatusLook("Passed", "status-verified", "#14532d", "#dcf3e4"),
    Outcome.WARNING: StatusLook("Warning", "status-warnings", "#6b4100", "#fdf0d5"),
    Outcome.FAILED: StatusLook("Failed", "status-not-verified", "#8c1d18", "#fbe2e0"),
    Outcome.UNKNOWN: StatusLook("Could not check", "status-offline", "#2e3a48", "#e3e8ef"),
    Outcome.INFO: StatusLook("Not checked", "status-unchecked", "#3d4854", "#eceff3"),
}


# A credential that fails for one plain reason says that reason rather than "Not verified".
_REASON_WORDS = {"revoked": "Revoked", "suspended": "Suspended", "expired": "Expired"}


def look_for(report: Report | None) -> StatusLook:
    """The look of a credential's status; ``None`` means it was never checked."""
    if report is None:
        return NOT_CHECKED
    look = _LOOKS.get(report.status, NOT_CHECKED)
    if report.status is Status.NOT_VERIFIED:
        reasons = {c.code for c in report.checks if c.outcome is Outcome.FAILED}
        if len(reasons) == 1 and (word := _REASON_WORDS.get(next(iter(reasons)))):
            return StatusLook(word, look.icon_name, look.ink, look.paper)
    return look


def look_for_status(status: Status | None) -> StatusLook:
    return NOT_CHECKED if status is None else _LOOKS.get(status, NOT_CHECKED)


def look_for_outcome(outcome: Outcome) -> StatusLook:
    return _OUTCOME_LOOKS[outcome]


class StatusBadge(QWidget):
    """A pill with an icon and the status in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBadge")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 10, 3)
        layout.setSpacing(6)
        self._icon = QLabel(self)
        self._text = QLabel(self)
        layout.addWidget(self._icon)
        layout.addWidget(self._text)
        self.set_look(NOT_CHECKED)

    def set_report(self, report: Report | None) -> None:
        self.set_look(look_for(report))

    def set_look(self, look: StatusLook) -> None:
        self._icon.setPixmap(look.icon.pixmap(16, 16))
        self._text.setText(look.label)
        self.setStyleSheet(
            f"QWidget#statusBadge {{ background: {look.paper}; border-radius: 11px; }}"
            f"QLabel {{ color: {look.ink}; font-weight: 600; background: transparent; }}"
        )
        self.setAccessibleName(f"Verification status: {look.label}")
        self.setToolTip(look.label)

    def text(self) -> str:
        return self._text.text()
