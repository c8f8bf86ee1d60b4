"""File › Export backup… and File › Restore from backup…: real wallets, real files, the
work on Qt's thread pool; a wrong key says so in a sentence and changes nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.ui.conftest import make_credential, settle
from ui.backup.dialogs import ExportBackupDialog, RestoreBackupDialog
from wallet import vault
from wallet.backup_file import read_header
from wallet.keys import FAST_TEST_KDF, KeyringSlot, Unlocker
from wallet.service import Wallet, create_wallet, open_wallet

PASS = "a passphrase for the backup"


def _wallet(home: Path, titles: list[str]) -> tuple[Wallet, str]:
    wallet, recovery = create_wallet(home, passphrase="wallet passphrase", kdf=FAST_TEST_KDF)
    for title in titles:
        wallet.store.add(make_credential(title, "Beta College"))
    return wallet, recovery


def _export(qtbot, wallet: Wallet, target: Path, *, recovery: str | None = None) -> ExportBackupDialog:
    dialog = ExportBackupDialog(wallet, kdf=FAST_TEST_KDF, folder=target.parent)
    qtbot.addWidget(dialog)
    dialog.file.edit.setText(str(target))
    if recovery is None:
        dialog.by_passphrase.setChecked(True)
        dialog.secret.setText(PASS)
        dialog.confirm.setText(PASS)
    else:
        dialog.secret.setText(recovery)
    dialog.export()
    settle(qtbot, lambda: not dialog.isVisible() or dialog.export_button.isEnabled())
    return dialog


def test_export_writes_an_encrypted_private_file(qtbot, tmp_path: Path):
    wallet, recovery = _wallet(tmp_path / "home", ["Data Analysis", "First Aid"])
    target = tmp_path / "out" / "mine.lwbackup"
    target.parent.mkdir()
    dialog = _export(qtbot, wallet, target, recovery=recovery)
    assert dialog.result() == dialog.DialogCode.Accepted
    header, _, _body = read_header(target)
    assert header["counts"]["credentials"] == 2 and header["lock"]["kind"] == "recovery"
    assert b"Data Analysis" not in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert dialog.secret.text() == ""
    wallet.close()


def test_export_says_what_is_wrong_and_writes_nothing(qtbot, tmp_path: Path):
    wallet, _recovery = _wallet(tmp_path / "home", ["Data Analysis"])
    target = tmp_path / "mine.lwbackup"
    dialog = ExportBackupDialog(wallet, kdf=FAST_TEST_KDF, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.file.edit.setText(str(target))
    dialog.by_passphrase.setChecked(True)
    dialog.secret.setText(PASS)
    dialog.confirm.setText(PASS + "x")
    dialog.export()
    assert dialog.status.text() == "The two passphrases are not the same."
    dialog.by_recovery.setChecked(True)
    dialog.secret.setText("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG-HHHHH")
    dialog.export()
    settle(qtbot, lambda: dialog.export_button.isEnabled())
    assert "recovery key" in dialog.status.text(), dialog.status.text()
    assert dialog.header is None and dialog.result() == 0
    assert not target.exists()
    wallet.close()


def test_restore_previews_then_merges_what_is_missing(qtbot, tmp_path: Path):
    old, _ = _wallet(tmp_path / "old", ["Data Analysis", "First Aid"])
    target = tmp_path / "b.lwbackup"
    _export(qtbot, old, target)
    old.close()
    current, _ = _wallet(tmp_path / "new", ["Welding Level 2"])
    merged: list[int] = []
    dialog = RestoreBackupDialog(current, on_merged=merged.append, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.file.edit.setText(str(target))
    dialog.secret.setText("not the passphrase")
    dialog._go()
    settle(qtbot, lambda: dialog.go_button.isEnabled())
    assert "does not open this backup" in dialog.status.text() and dialog.step == 0
    dialog.secret.setText(PASS)
    dialog._go()
    settle(qtbot, lambda: dialog.step == 1)
    assert "holds 2 credentials" in dialog.about.text()
    preview = dialog.preview.toPlainText()
    assert "Will add: 2 credentials" in preview and "Data Analysis" in preview and "First Aid" in preview
    dialog.replace_choice.setChecked(True)
    assert "Welding Level 2" in dialog.preview.toPlainText()  # what a replace would set aside
    assert len(current.credentials()) == 1, "nothing changes before Restore"
    dialog.merge_choice.setChecked(True)
    dialog._go()
    settle(qtbot, lambda: bool(merged))
    titles = sorted(c.summary.title for c in current.credentials())
    assert titles == ["Data Analysis", "First Aid", "Welding Level 2"]
    assert merged[0] >= 2
    current.close()


def test_restore_can_replace_the_wallet_keeping_the_old_file(qtbot, tmp_path: Path, memory_keyring):
    old, _ = _wallet(tmp_path / "old", ["Data Analysis"])
    target = tmp_path / "b.lwbackup"
    _export(qtbot, old, target)
    old.close()
    home = tmp_path / "new"
    current, _ = _wallet(home, ["Welding Level 2"])
    replaced: list[Path | None] = []
    slot = KeyringSlot(memory_keyring)
    dialog = RestoreBackupDialog(current, keyring=slot, on_replaced=replaced.append)
    dialog.confirm_replace = lambda: True  # type: ignore[method-assign]
    qtbot.addWidget(dialog)
    dialog.file.edit.setText(str(target))
    dialog.secret.setText(PASS)
    dialog._go()
    settle(qtbot, lambda: dialog.step == 1)
    dialog.replace_choice.setChecked(True)
    dialog._go()
    settle(qtbot, lambda: bool(replaced))
    assert replaced[0] is not None and replaced[0].exists()  # the replaced wallet is kept aside
    again = open_wallet(home, Unlocker(keyring=slot))  # the backup's key went into the keyring
    assert [c.summary.title for c in again.credentials()] == ["Data Analysis"]
    again.close()
    assert vault.set_aside_files(home) == [replaced[0]]


def test_the_file_menu_offers_export_and_restore(qtbot, tmp_path: Path):
    from ui.main_window import MainWindow

    wallet, _ = _wallet(tmp_path / "home", ["Data Analysis"])
    window = MainWindow(wallet)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&Export backup…" in texts and "&Restore from backup…" in texts
    window.close()
    settle(qtbot)
    wallet.close()


def test_new_recovery_key_from_the_menu_replaces_the_old_one(qtbot, tmp_path: Path):
    from ui.backup.dialogs import _run_new_recovery_key
    from ui.main_window import MainWindow
    from ui.unlock import RecoveryKeyDialog
    from wallet.errors import WrongSecret

    home = tmp_path / "home"
    wallet, old_key = _wallet(home, ["Data Analysis"])
    window = MainWindow(wallet)
    qtbot.addWidget(window)
    _run_new_recovery_key(window, confirm=lambda _parent: True)
    settle(qtbot, lambda: bool(window.findChildren(RecoveryKeyDialog)))
    dialog = window.findChildren(RecoveryKeyDialog)[0]
    new_key = dialog.key_label.text()
    assert new_key and new_key != old_key
    dialog.kept.setChecked(True)
    dialog.accept()
    window.close()
    settle(qtbot)
    wallet.close()
    again = open_wallet(home, Unlocker(secret=new_key))
    assert again.credentials()[0].summary.title == "Data Analysis"
    again.close()
    with pytest.raises(WrongSecret):
        open_wallet(home, Unlocker(secret=old_key))


def test_the_recovery_key_sheet_prints_to_a_pdf_the_learner_chooses(qtbot, tmp_path: Path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.unlock import recovery_sheet

    key = "ABCDE-FGHJK-LMNPQ-RSTVW-XYZ23-45672-ABCDE-FGHJK"
    sheet = recovery_sheet(key)
    text = sheet.toPlainText()
    assert key in text and "keep it" in text and "Restore from backup" in text
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "recovery-key.pdf"))
    sheet.print_(printer)
    pdf = (tmp_path / "recovery-key.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_on_a_fresh_machine_the_restore_dialog_installs_the_backup(qtbot, tmp_path: Path, memory_keyring):
    old, _ = _wallet(tmp_path / "old", ["Data Analysis", "First Aid"])
    target = tmp_path / "b.lwbackup"
    _export(qtbot, old, target)
    old.close()
    home = tmp_path / "fresh"
    slot = KeyringSlot(memory_keyring)
    dialog = RestoreBackupDialog(None, keyring=slot, home=home, folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.file.edit.setText(str(target))
    dialog.secret.setText(PASS)
    dialog._go()
    settle(qtbot, lambda: dialog.step == 1)
    assert not dialog.merge_choice.isVisibleTo(dialog) and not dialog.replace_choice.isVisibleTo(dialog)
    assert "Will bring back: 2 credentials" in dialog.preview.toPlainText()
    assert not vault.exists(home), "nothing is written before Restore"
    dialog._go()
    settle(qtbot, lambda: dialog.installed is not None)
    again = open_wallet(home, Unlocker(keyring=slot))  # the backup's key went into the keyring
    assert sorted(c.summary.title for c in again.credentials()) == ["Data Analysis", "First Aid"]
    again.close()
