"""An error told in one plain sentence, with the technical detail behind a disclosure."""

from __future__ import annotations

import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from wallet.errors import WalletError


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(plain sentence, technical detail) for any exception that reaches the UI."""
    if isinstance(exc, WalletError):
        return exc.message, exc.detail
    if isinstance(exc, OSError):  # a file or folder the system would not let us use
        why = f" ({exc.strerror.lower()})" if exc.strerror else ""
        return (f"The wallet could not read or write a file on this computer{why}. Nothing was lost.",
                f"{type(exc).__name__}: {exc}")
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).strip()
    return "Something went wrong that the wallet did not expect. Nothing was lost.", detail


class DetailsDisclosure(QWidget):
    """A "Technical details" toggle over read-only, selectable text."""

    def __init__(self, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.toggle = QToolButton(self)
        self.toggle.setText("Technical details")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName("Show technical details")
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText(detail)
        self.text.setAccessibleName("Technical details")
        lines = max(1, min(detail.count("\n") + 1, 8))
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * lines + 32)
        self.text.setVisible(False)
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)
        self.toggle.toggled.connect(self._show)

    def _show(self, shown: bool) -> None:
        self.text.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)


class ErrorBox(QDialog):
    """A modal message: the sentence first, the detail only when asked for."""

    def __init__(self, message: str, detail: str = "", parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title or "Learner Wallet")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.message_label = QLabel(message, self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)
        self.details: DetailsDisclosure | None = None
        if detail:
            self.details = DetailsDisclosure(detail, self)
            layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setAccessibleName(message)


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "") -> ErrorBox:
    """Show ``exc`` to the learner (non-blocking) and return the box."""
    message, detail = describe_error(exc)
    box = ErrorBox(message, detail, parent, title=title)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box
