"""File › Export backup… and File › Restore from backup…

Export writes the whole wallet to one encrypted file of the learner's choice, locked
with their recovery key or a passphrase for that file (wallet.backup_file). Restore
opens such a file, shows what merging or replacing would change (wallet.restore), and
only then changes anything. Decrypting (scrypt), compressing and writing run off the
GUI thread; secrets typed here go straight to the core and the fields are cleared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.icons import app_icon
from ui.ops import run_op
from ui.widgets.error_box import describe_error
from wallet.keys import PASSPHRASE_KDF, KdfParams

log = logging.getLogger(__name__)

BACKUP_FILTER = "Learner Wallet backups (*.lwbackup);;All files (*)"
MIN_PASSPHRASE = 8


def _words(text: str, parent: QWidget, *, role: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if role:
        label.setProperty("role", role)
    return label


def _secret_field(placeholder: str, parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(placeholder)
    return edit


class _FileRow(QWidget):
    """A path field with a Choose… button (a save or an open file dialog)."""

    def __init__(self, parent: QWidget, *, save: bool, start: Path) -> None:
        super().__init__(parent)
        self._save = save
        self._start = start
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(str(start) if save else "", self)
        self.edit.setAccessibleName("Backup file")
        self.edit.setPlaceholderText("Choose a backup file (.lwbackup)")
        self.choose = QPushButton("Choose…", self)
        self.choose.clicked.connect(self._pick)
        row.addWidget(self.edit, 1)
        row.addWidget(self.choose)

    def _pick(self) -> None:
        if self._save:
            name, _ = QFileDialog.getSaveFileName(self, "Export backup to", self.edit.text() or str(self._start), BACKUP_FILTER)
        else:
            name, _ = QFileDialog.getOpenFileName(self, "Restore from backup", str(self._start), BACKUP_FILTER)
        if name:
            self.edit.setText(name)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None


def _status_and_buttons(dialog: QDialog, layout: QVBoxLayout, text: str,
                        action: Callable[[], None]) -> tuple[QLabel, QPushButton]:
    """The line for problems and progress, then the main button (``text``) and Cancel."""
    status = _words("", dialog)
    layout.addWidget(status)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    main = buttons.button(QDialogButtonBox.StandardButton.Ok)
    main.setText(text)
    main.setProperty("primary", True)
    buttons.accepted.connect(action)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return status, main


class _Busy:
    """Shows a problem or a 'working' line under a form and greys out its buttons."""

    def __init__(self, label: QLabel, buttons: list[QWidget]) -> None:
        self.label = label
        self.buttons = buttons

    def working(self, text: str) -> None:
        self.label.setStyleSheet("")
        self.label.setText(text)
        for button in self.buttons:
            button.setEnabled(False)

    def problem(self, text: str) -> None:
        self.label.setStyleSheet("color: #8c1d18;")
        self.label.setText(text)
        self.idle()

    def idle(self) -> None:
        for button in self.buttons:
            button.setEnabled(True)


# ---------------------------------------------------------------- export


class ExportBackupDialog(QDialog):
    """Asks where to save the backup and what locks it, then writes it off the GUI thread."""

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, kdf: KdfParams = PASSPHRASE_KDF,
                 folder: Path | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self._kdf = kdf
        self.header: dict[str, Any] | None = None  # what was written, once done
        self.setWindowTitle("Export backup")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_words("Export a backup", self, role="pageTitle"))
        layout.addWidget(_words(
            "The backup file holds your whole wallet: credentials, identities, stacks and settings, "
            "encrypted. Keep it somewhere other than this computer, such as a USB stick or your "
            "cloud storage, and it brings everything back on any computer.", self))
        self.by_recovery = QRadioButton("Lock it with my recovery key", self)
        self.by_passphrase = QRadioButton("Lock it with a passphrase for this backup", self)
        self.by_recovery.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_recovery)
        group.addButton(self.by_passphrase)
        layout.addWidget(self.by_recovery)
        layout.addWidget(self.by_passphrase)
        form = QFormLayout()
        self.secret = _secret_field("Recovery key", self)
        self.confirm = _secret_field("The same passphrase again", self)
        self.confirm_label = QLabel("Again:", self)
        self.secret_label = QLabel("Recovery key:", self)
        form.addRow(self.secret_label, self.secret)
        form.addRow(self.confirm_label, self.confirm)
        start = (folder or Path.home()) / f"learner-wallet-{date.today():%Y-%m-%d}.lwbackup"
        self.file = _FileRow(self, save=True, start=start)
        form.addRow("Save to:", self.file)
        layout.addLayout(form)
        self.status, self.export_button = _status_and_buttons(self, layout, "Export", self.export)
        self._busy = _Busy(self.status, [self.export_button, self.file])
        self.by_passphrase.toggled.connect(self._lock_changed)
        self._lock_changed(False)

    def _lock_changed(self, passphrase: bool) -> None:
        self.secret.setPlaceholderText("Passphrase for this backup" if passphrase else "Recovery key")
        self.secret.setAccessibleName(self.secret.placeholderText())
        self.secret_label.setText("Passphrase:" if passphrase else "Recovery key:")
        self.confirm.setVisible(passphrase)
        self.confirm_label.setVisible(passphrase)
        self.secret.clear()
        self.confirm.clear()

    def _problem_with_input(self) -> str:
        target = self.file.path()
        if target is None:
            return "Choose where to save the backup."
        if target.exists():
            return "A file with that name already exists; choose another name."
        if not target.parent.is_dir():
            return "That folder does not exist; choose another place."
        if not self.secret.text():
            return "Enter your recovery key." if self.by_recovery.isChecked() else "Choose a passphrase."
        if self.by_passphrase.isChecked():
            if len(self.secret.text()) < MIN_PASSPHRASE:
                return f"Choose a passphrase of at least {MIN_PASSPHRASE} characters."
            if self.secret.text() != self.confirm.text():
                return "The two passphrases are not the same."
        return ""

    def export(self) -> None:
        problem = self._problem_with_input()
        if problem:
            self._busy.problem(problem)
            return
        from wallet.backup_file import export_backup

        target, secret, kdf = self.file.path(), self.secret.text(), self._kdf
        kind = "recovery" if self.by_recovery.isChecked() else "passphrase"
        store = self.wallet.store
        self._busy.working("Exporting your wallet…")
        run_op(self, lambda: export_backup(store, target, kind=kind, secret=secret, kdf=kdf)).on_success(
            self._exported).on_failure(self._failed)

    def _exported(self, header: dict[str, Any]) -> None:
        self.header = header
        self.secret.clear()
        self.confirm.clear()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy.problem(describe_error(exc)[0])


# ---------------------------------------------------------------- restore


@dataclass
class Prepared:
    """An exported backup opened in memory, with what merging or replacing would do."""

    opened: Any = field(repr=False)  # wallet.backup_file.OpenedBackup
    store: Any  # the backup as an in-memory Store
    merge: Any  # wallet.restore.RestorePlan
    replace: Any


def prepare(current: Any, path: Path, secret: str) -> Prepared:
    """Decrypt and check the backup, and plan both kinds of restore (slow: a worker's job)."""
    from wallet import restore
    from wallet.backup_file import open_backup

    opened = open_backup(path, secret)
    store = opened.open_store()
    try:
        return Prepared(opened, store, restore.plan_restore(current, store, replace=False),
                        restore.plan_restore(current, store, replace=True))
    except BaseException:
        store.close()
        raise


def replace_wallet(wallet: Any, opened: Any, keyring: Any = None) -> Path | None:
    """Close the open wallet (it is backed up as it closes) and install the backup in its
    place; the old file is set aside, never deleted. Returns where it was set aside.
    ``keyring``: where the backup's data key goes (None: into no keyring)."""
    from wallet import restore

    wallet.close()
    return restore.install(wallet.home, opened, keyring=keyring, clock=wallet.clock)


class RestoreBackupDialog(QDialog):
    """Two steps: open a backup file (with its key), then preview and choose merge or replace.

    ``on_merged(added)`` runs after a merge; ``on_replaced(set_aside)`` after the wallet
    was replaced and closed (the app must then be opened again on the restored wallet).
    With ``wallet=None`` (a fresh machine: no wallet yet in ``home``) the backup is
    installed as the wallet; ``installed`` is then the opened backup. ``keyring`` (a
    wallet.keys.KeyringSlot) keeps the data key of a wallet installed or replaced; with
    None it goes into no keyring, and the wallet opens with its passphrase or recovery key.
    """

    def __init__(self, wallet: Any, parent: QWidget | None = None, *, keyring: Any = None,
                 on_merged: Callable[[int], None] | None = None,
                 on_replaced: Callable[[Path | None], None] | None = None, folder: Path | None = None,
                 home: Path | None = None) -> None:
        super().__init__(parent)
        self.wallet = wallet
        self._home = home if wallet is None else wallet.home
        self._keyring = keyring
        self._on_merged = on_merged
        self._on_replaced = on_replaced
        self.prepared: Prepared | None = None
        self.installed: Any = None  # wallet.backup_file.OpenedBackup, after an install
        self.setWindowTitle("Restore from backup")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_words("Restore from a backup", self, role="pageTitle"))
        self.about = _words("Choose a backup file you exported earlier and enter the recovery key or "
                            "passphrase that locks it. Nothing changes until you have seen what the "
                            "restore would do.", self)
        layout.addWidget(self.about)
        self.pages = [self._choose_page(folder or Path.home()), self._preview_page()]
        for page in self.pages:
            layout.addWidget(page)
        self.step = 0
        self._show_page(0)
        self.status, self.go_button = _status_and_buttons(self, layout, "Open backup", self._go)
        self._busy = _Busy(self.status, [self.go_button, self.file])

    def _choose_page(self, folder: Path) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.file = _FileRow(page, save=False, start=folder)
        self.secret = _secret_field("Recovery key or the backup's passphrase", page)
        form.addRow("Backup file:", self.file)
        form.addRow("Key:", self.secret)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.merge_choice = QRadioButton("Add what is missing to my wallet (nothing is changed or removed)", page)
        self.replace_choice = QRadioButton("Replace my wallet with the backup (the current file is kept aside)", page)
        self.merge_choice.setChecked(True)
        group = QButtonGroup(page)
        group.addButton(self.merge_choice)
        group.addButton(self.replace_choice)
        box.addWidget(self.merge_choice)
        box.addWidget(self.replace_choice)
        self.preview = QPlainTextEdit(page)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("What the restore will change")
        self.preview.setMinimumHeight(180)
        box.addWidget(self.preview)
        self.merge_choice.toggled.connect(lambda _on: self._show_plan())
        return page

    # -- step 1: open the backup

    def _go(self) -> None:
        if self.prepared is None:
            self._open()
        else:
            self._restore()

    def _open(self) -> None:
        path = self.file.path()
        if path is None or not path.is_file():
            self._busy.problem("Choose a backup file." if path is None else "There is no file at that place.")
            return
        if not self.secret.text():
            self._busy.problem("Enter the recovery key or passphrase that locks this backup.")
            return
        secret, current = self.secret.text(), self.wallet.store if self.wallet is not None else None
        self._busy.working("Opening the backup…")
        run_op(self, lambda: prepare(current, path, secret)).on_success(self._opened).on_failure(self._failed)

    def _opened(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.secret.clear()
        counts = prepared.opened.header.get("counts", {})
        self.about.setText(
            f"This backup was made on {prepared.opened.created:%d %B %Y at %H:%M} (UTC) and holds "
            f"{counts.get('credentials', 0)} credentials and {counts.get('stacks', 0)} stacks.")
        self._show_plan()
        self._show_page(1)
        self.merge_choice.setVisible(self.wallet is not None)  # nothing to merge into or replace yet
        self.replace_choice.setVisible(self.wallet is not None)
        self.go_button.setText("Restore")
        self.status.setText("")
        self._busy.idle()

    def _show_page(self, index: int) -> None:
        """Step 1 (choose and unlock) or step 2 (preview); the dialog fits the step shown."""
        for n, page in enumerate(self.pages):
            page.setVisible(n == index)
        self.step = index
        if self.isVisible():
            self.adjustSize()

    def _show_plan(self) -> None:
        if self.prepared is None:
            return
        plan = self.prepared.merge if self.merge_choice.isChecked() else self.prepared.replace
        self.preview.setPlainText("\n".join(plan.describe()))

    # -- step 2: restore

    def _restore(self) -> None:
        from wallet import restore

        assert self.prepared is not None
        if self.wallet is None:
            home, opened, keyring = self._home, self.prepared.opened, self._keyring
            self._busy.working("Bringing back your wallet…")
            run_op(self, lambda: restore.install(home, opened, keyring=keyring)).on_success(
                self._installed).on_failure(self._failed)
            return
        if self.merge_choice.isChecked():
            current, backup_store = self.wallet.store, self.prepared.store
            self._busy.working("Adding what is missing…")
            run_op(self, lambda: restore.merge(current, backup_store)).on_success(self._merged).on_failure(self._failed)
            return
        if not self.confirm_replace():
            return
        wallet, opened, keyring = self.wallet, self.prepared.opened, self._keyring
        self._busy.working("Replacing your wallet with the backup…")
        run_op(self, lambda: replace_wallet(wallet, opened, keyring)).on_success(self._replaced).on_failure(self._failed)

    def confirm_replace(self) -> bool:
        """Asked before replacing (a method, so a test can answer it)."""
        answer = QMessageBox.question(
            self, "Replace your wallet",
            "Your wallet will be replaced by the backup. The current wallet file is kept in your "
            "wallet folder, not deleted. Learner Wallet then closes; open it again to carry on.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _merged(self, added: int) -> None:
        self.result_text = f"Restored {added} records from the backup; nothing in your wallet was changed."
        if self._on_merged is not None:
            self._on_merged(added)
        self.accept()

    def _replaced(self, aside: Path | None) -> None:
        self.result_text = "The backup is now your wallet."
        if self._on_replaced is not None:
            self._on_replaced(aside)
        self.accept()

    def _installed(self, _aside: Path | None) -> None:
        assert self.prepared is not None
        self.installed = self.prepared.opened
        self.result_text = "The backup is now your wallet."
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy.problem(describe_error(exc)[0])

    def done(self, result: int) -> None:
        self.secret.clear()
        if self.prepared is not None:
            self.prepared.store.close()
        super().done(result)


def add_backup_actions(window: Any, menu: Any) -> list[Any]:
    """Put Export backup… and Restore from backup… into ``menu`` of the main window."""
    from PySide6.QtGui import QAction

    export = QAction("&Export backup…", window)
    export.setToolTip("Save your whole wallet to an encrypted file of your choice")
    export.triggered.connect(lambda: _run_export(window))
    restore = QAction("&Restore from backup…", window)
    restore.setToolTip("Bring back credentials from an exported backup file")
    restore.triggered.connect(lambda: _run_restore(window))
    new_key = QAction("New &recovery key…", window)
    new_key.setToolTip("Make a new recovery key (the old one stops working) and print or write it down")
    new_key.triggered.connect(lambda: _run_new_recovery_key(window))
    menu.addActions([export, restore, new_key])
    window.export_backup_action, window.restore_backup_action, window.new_recovery_key_action = export, restore, new_key
    return [export, restore, new_key]


def confirm_new_recovery_key(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent, "New recovery key",
        "Make a new recovery key? Your old recovery key stops opening this wallet. Backups "
        "exported before keep opening with the key they were locked with.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


def _run_new_recovery_key(window: Any, *, confirm: Callable[[QWidget], bool] = confirm_new_recovery_key) -> None:
    """Replace the recovery key off the GUI thread, then show the new one once."""
    from ui.unlock import RecoveryKeyDialog
    from wallet.vault import replace_recovery_key

    if not confirm(window):
        return
    store = window.wallet.store

    def show(recovery_key: str) -> None:
        dialog = RecoveryKeyDialog(recovery_key, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()

    run_op(window, lambda: replace_recovery_key(store)).on_success(show)


def _run_export(window: Any) -> None:
    dialog = ExportBackupDialog(window.wallet, window)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.header is not None:
        counts = dialog.header["counts"]
        window.statusBar().showMessage(
            f"Exported {counts['credentials']} credentials and {counts['stacks']} stacks to "
            f"{dialog.file.path()}. Keep the file safe.", 12000)


def _run_restore(window: Any) -> None:
    def merged(_added: int) -> None:
        window.credentials.reload()
        window.wallet.events.stacks_changed.emit()

    def replaced(aside: Path | None) -> None:
        kept = f" Your previous wallet file was kept as {aside.name}." if aside is not None else ""
        QMessageBox.information(window, "Restored", "The backup is now your wallet." + kept +
                                " Learner Wallet closes now; open it again to carry on.")
        window.close()

    from wallet.keys import KeyringSlot

    dialog = RestoreBackupDialog(window.wallet, window, keyring=KeyringSlot(), on_merged=merged, on_replaced=replaced)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.prepared is not None and dialog.merge_choice.isChecked():
        window.statusBar().showMessage(dialog.result_text, 12000)
