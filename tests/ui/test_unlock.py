"""The dialogs that open a wallet: choosing a passphrase, keeping the recovery key."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from ui.unlock import RecoveryKeyDialog, UnlockDialog, WelcomeDialog
from ui.widgets.clipboard import app_clipboard
from wallet.keys import Prompt


def test_welcome_requires_a_passphrase_without_a_keyring(qtbot):
    dialog = WelcomeDialog(keyring_ok=False)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, "short")
    assert dialog.problem.text() == "Use at least 8 characters."
    dialog.passphrase.setText("long enough pass")
    dialog.repeat.setText("long enough pasz")
    assert dialog.problem.text() == "The two passphrases are not the same."
    assert not dialog.ok_button.isEnabled()
    dialog.repeat.setText("long enough pass")
    assert dialog.ok_button.isEnabled()
    assert dialog.chosen_passphrase() == "long enough pass"


def test_welcome_offers_a_backup_file_for_a_new_computer(qtbot):
    dialog = WelcomeDialog(keyring_ok=False)
    qtbot.addWidget(dialog)
    assert dialog.restore_button.text() == "Restore from a backup file…"
    assert dialog.restore_button.isEnabled()  # no passphrase needed to get there
    QTimer.singleShot(0, dialog.restore_button.click)
    assert dialog.choice().action == "restore"


def test_welcome_passphrase_is_optional_with_a_keyring(qtbot):
    dialog = WelcomeDialog(keyring_ok=True)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    assert dialog.chosen_passphrase() is None


KEY = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH"


def test_recovery_key_must_be_acknowledged_and_copies_are_sensitive(qtbot, monkeypatch):
    monkeypatch.setattr(app_clipboard(), "clear_after_ms", 50)
    dialog = RecoveryKeyDialog(KEY)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.show()
    dialog.reject()  # Escape: refused while the key is not kept, it would be lost
    assert dialog.isVisible() and "shown only once" in dialog.reminder.text()
    dialog.kept.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == KEY
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=2000)
    dialog.accept()
    assert dialog.key_label.text() == ""  # the key leaves the screen with the dialog


def test_a_copied_key_is_cleared_even_after_its_dialog_was_deleted(qtbot, monkeypatch):
    """The "New recovery key" dialog deletes itself on close; the clearing must not go with it."""
    monkeypatch.setattr(app_clipboard(), "clear_after_ms", 400)
    dialog = RecoveryKeyDialog(KEY)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.open()
    dialog.copy_button.click()
    dialog.kept.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=2000)
    assert QGuiApplication.clipboard().text() == KEY, "the dialog was gone before the delay ran out"
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=3000)


def test_unlock_dialog_says_why_it_asks_again(qtbot):
    dialog = UnlockDialog(Prompt("That does not open this wallet; try again", 2, True))
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "That does not open this wallet; try again."
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    assert dialog.secret.accessibleName() == "Passphrase or recovery key"
