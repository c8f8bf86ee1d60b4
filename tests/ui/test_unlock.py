"""The dialogs that open a wallet: choosing a passphrase, keeping the recovery key."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from ui.unlock import RecoveryKeyDialog, UnlockDialog, WelcomeDialog
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


def test_welcome_passphrase_is_optional_with_a_keyring(qtbot):
    dialog = WelcomeDialog(keyring_ok=True)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    assert dialog.chosen_passphrase() is None


def test_recovery_key_must_be_acknowledged_and_copies_are_sensitive(qtbot):
    dialog = RecoveryKeyDialog("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH")
    qtbot.addWidget(dialog)
    dialog.clipboard.clear_after_ms = 50
    assert not dialog.ok_button.isEnabled()
    dialog.show()
    dialog.reject()  # Escape: refused while the key is not kept, it would be lost
    assert dialog.isVisible() and "shown only once" in dialog.reminder.text()
    dialog.kept.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.clipboard.copy("ABCDE-FGHIJ-KLMNO-PQRST-UVWXY-Z2345-67ABC-DEFGH", sensitive=True)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=2000)
    dialog.accept()
    assert dialog.key_label.text() == ""  # the key leaves the screen with the dialog


def test_unlock_dialog_says_why_it_asks_again(qtbot):
    dialog = UnlockDialog(Prompt("That does not open this wallet; try again", 2, True))
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "That does not open this wallet; try again."
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    assert dialog.secret.accessibleName() == "Passphrase or recovery key"
