"""Dialogs for opening a wallet: welcome (first run), the recovery key, unlock, restore.

These only ask and show; the work (wallet.keys, wallet.vault, wallet.backup) runs off
the GUI thread in :mod:`ui.app`. Secrets typed here go straight to the core and are
never logged; the recovery key is copied to the clipboard only as sensitive text,
cleared again after 30 seconds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.icons import app_icon, icon
from ui.widgets.clipboard import app_clipboard
from wallet.keys import Prompt

MIN_PASSPHRASE = 8


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "pageTitle")
    label.setWordWrap(True)
    return label


def _text(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


@dataclass(frozen=True)
class WelcomeChoice:
    """What the learner chose on the welcome dialog."""

    action: str  # "create" (a new wallet), "restore" (from a backup file) or "quit"
    passphrase: str | None = field(default=None, repr=False)


class WelcomeDialog(QDialog):
    """First run: what the wallet does with the learner's data, and an optional passphrase.

    Without a working system keyring a passphrase is required, or the learner would
    have to type the recovery key every time. A learner on a new computer can instead
    bring back a backup file they exported (the dialog then ends with ``RESTORE``).
    """

    RESTORE = 2

    def __init__(self, keyring_ok: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keyring_ok = keyring_ok
        self.setWindowTitle("Welcome to Learner Wallet")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(_heading("Welcome to Learner Wallet", self))
        layout.addWidget(_text(
            "Your credentials will be kept on this computer only, encrypted. Next you will see a "
            "recovery key: keep it safe, it is the way back into your wallet if this computer's "
            "key store is lost.", self))
        if keyring_ok:
            note = ("This computer can remember the wallet's key for you, so a passphrase is optional. "
                    "Add one if others use this computer account.")
        else:
            note = ("This computer has no key store the wallet can use, so choose a passphrase: "
                    "you will type it each time you open the wallet.")
        layout.addWidget(_text(note, self))
        form = QFormLayout()
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Repeat the passphrase")
        form.addRow("Passphrase" + ("" if not keyring_ok else " (optional)"), self.passphrase)
        form.addRow("Repeat it", self.repeat)
        layout.addLayout(form)
        self.problem = _text("", self)
        self.problem.setStyleSheet("color: #8c1d18;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create my wallet")
        self.ok_button.setProperty("primary", True)
        self.restore_button = buttons.addButton("Restore from a backup file…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setToolTip("On a new computer: bring back a wallet you exported to a backup file")
        self.restore_button.clicked.connect(lambda: self.done(self.RESTORE))
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase.textChanged.connect(self._check)
        self.repeat.textChanged.connect(self._check)
        self._check()

    def problem_text(self) -> str:
        first, second = self.passphrase.text(), self.repeat.text()
        if not first and not second:
            return "" if self.keyring_ok else "Choose a passphrase of at least 8 characters."
        if len(first) < MIN_PASSPHRASE:
            return "Use at least 8 characters."
        if first != second:
            return "The two passphrases are not the same."
        return ""

    def _check(self) -> None:
        problem = self.problem_text()
        typing = bool(self.passphrase.text() or self.repeat.text())
        self.problem.setText(problem if typing else "")
        self.ok_button.setEnabled(not problem)

    def _try_accept(self) -> None:
        if not self.problem_text():
            self.accept()

    def chosen_passphrase(self) -> str | None:
        return self.passphrase.text() or None

    def choice(self) -> WelcomeChoice:
        """Show the dialog; what the learner chose."""
        result = self.exec()
        if result == self.RESTORE:
            return WelcomeChoice("restore")
        if result != QDialog.DialogCode.Accepted:
            return WelcomeChoice("quit")
        return WelcomeChoice("create", self.chosen_passphrase())


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key once, with Copy and Print, and asks the learner to keep it."""

    def __init__(self, recovery_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key = recovery_key
        self.clipboard = app_clipboard()  # the clearing outlives this dialog
        self.setWindowTitle("Your recovery key")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(660)  # the key fits on one line
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(_heading("Keep this recovery key safe", self))
        layout.addWidget(_text(
            "If this computer's key store is lost, or you forget your passphrase, this key is the "
            "only way to open your wallet and its backups. Write it down or print it, and keep it "
            "somewhere safe. It is shown only now.", self))
        self.key_label = QLabel(recovery_key, self)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(14)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("background: white; border: 1px solid #b8c4d0; border-radius: 8px; padding: 14px;")
        self.key_label.setAccessibleName("Recovery key")
        layout.addWidget(self.key_label)
        row = QHBoxLayout()
        copy = QPushButton(icon("copy"), "Copy", self)
        copy.setToolTip("Copy the key; it is cleared from the clipboard after 30 seconds")
        copy.clicked.connect(lambda: self.clipboard.copy(self._key, sensitive=True))
        self.copy_button = copy
        print_button = QPushButton(icon("print"), "Print…", self)
        print_button.clicked.connect(self.print_key)
        row.addWidget(copy)
        row.addWidget(print_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.kept = QCheckBox("I have written down or printed my recovery key", self)
        layout.addWidget(self.kept)
        self.reminder = _text("", self)
        self.reminder.setStyleSheet("color: #8c1d18;")
        layout.addWidget(self.reminder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Continue")
        self.ok_button.setProperty("primary", True)
        self.ok_button.setEnabled(False)
        self.kept.toggled.connect(self.ok_button.setEnabled)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        recovery_sheet(self._key).print_(printer)

    def reject(self) -> None:
        """Escape or the close button: the key is never shown again, so not before it is kept."""
        if not self.kept.isChecked():
            self.reminder.setText("This key is shown only once. Keep it, tick the box, then continue.")
            return
        super().reject()

    def done(self, result: int) -> None:
        self.key_label.clear()  # the key leaves the screen with the dialog
        super().done(result)


def recovery_sheet(recovery_key: str) -> QTextDocument:
    """The printable page for the recovery key (printed, or saved as a PDF from the print
    dialog, only when the learner asks: the app never writes the key to disk itself)."""
    key = html.escape(recovery_key)
    doc = QTextDocument()
    doc.setHtml(
        "<h2>Learner Wallet: your recovery key</h2>"
        "<p>This key opens your wallet and every backup of it if this computer's key store is "
        "lost or you forget your passphrase. Anyone holding it can open them, so keep it "
        "private: in a drawer at home, with your important papers, not on this computer.</p>"
        f"<p style='font-family: monospace; font-size: 20pt; letter-spacing: 2px'>{key}</p>"
        "<p>To use it: open Learner Wallet and, when it asks, type this key (spaces, dashes and "
        "capital letters do not matter). To restore an exported backup: File, Restore from "
        "backup, then this key.</p>"
        "<p>Printed on: ______________________</p>"
    )
    return doc


class UnlockDialog(QDialog):
    """Asks for the passphrase or the recovery key (when the keyring cannot help)."""

    def __init__(self, prompt: Prompt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open your wallet")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_heading("Open your wallet", self))
        self.message = _text(prompt.message.rstrip(".") + ".", self)
        if prompt.attempt > 1:
            self.message.setStyleSheet("color: #8c1d18;")
        layout.addWidget(self.message)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase or recovery key" if prompt.has_passphrase else "Recovery key")
        self.secret.setPlaceholderText("Passphrase or recovery key" if prompt.has_passphrase else "Recovery key")
        layout.addWidget(self.secret)
        show = QCheckBox("Show what I type", self)
        show.toggled.connect(lambda on: self.secret.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        layout.addWidget(show)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def answer(self) -> str | None:
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        text = self.secret.text()
        self.secret.clear()
        return text


class GuiAsker(QObject):
    """The ``ask`` of a :class:`wallet.keys.Unlocker` for the app.

    The core asks from the worker thread that unlocks; the dialog must run on the GUI
    thread, so the question crosses over with a blocking queued signal.
    """

    _question = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parent_widget = parent
        self._answer: str | None = None
        self._question.connect(self._ask_here, Qt.ConnectionType.BlockingQueuedConnection)

    def ask(self, prompt: Prompt) -> str | None:
        app = QApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            self._ask_here(prompt)
        else:
            self._question.emit(prompt)
        answer, self._answer = self._answer, None
        return answer

    @Slot(object)
    def _ask_here(self, prompt: Prompt) -> None:
        self._answer = UnlockDialog(prompt, self._parent_widget).answer()


class OpeningSplash(QWidget):
    """A small window that says what is happening while the wallet opens."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen)
        self.setWindowIcon(app_icon())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 28, 36, 28)
        picture = QLabel(self)
        picture.setPixmap(app_icon().pixmap(72, 72))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        self.label = QLabel("Opening your wallet…", self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.setStyleSheet("background: white;")
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.adjustSize()
            self.move(screen.availableGeometry().center() - self.rect().center())

    def say(self, text: str) -> None:
        self.label.setText(text)
