"""Opening the app: first run, keyring unlock, passphrase asked across threads, restore."""

from __future__ import annotations

import argparse
import errno
import os

import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from ui import unlock
from ui.app import Startup, folder_problem
from ui.main_window import MainWindow
from ui.unlock import WelcomeChoice
from ui.widgets.error_box import describe_error
from wallet.keys import KeyringSlot, looks_like_recovery_key


class MemoryKeyring:
    """A keyring backend that keeps entries in memory (never the desktop's)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, user):
        return self.entries.get((service, user))

    def set_password(self, service, user, password):
        self.entries[(service, user)] = password

    def delete_password(self, service, user):
        self.entries.pop((service, user), None)


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service, user, password):
        raise RuntimeError("no keyring daemon")


class ScriptedStartup(Startup):
    """Answers the learner's questions from a script instead of dialogs."""

    def __init__(self, args, *, keyring, passphrase=None, restore=True, welcome="create", backup_file=None):
        super().__init__(args, QApplication.instance(), keyring=keyring)
        self.passphrase = passphrase
        self.restore = restore
        self.welcome = welcome
        self.backup_file = backup_file  # (path, secret) to install when the learner chooses to
        self.recovery_keys: list[str] = []
        self.welcomed: list[bool] = []
        self.restore_questions: list[str] = []
        self.fatal: list[str] = []

    def ask_welcome(self, keyring_ok):
        self.welcomed.append(keyring_ok)
        return WelcomeChoice(self.welcome, self.passphrase)

    def restore_backup_file(self, keyring):
        from wallet import restore
        from wallet.backup_file import open_backup

        self.welcome = "quit"  # asked again after going back: give up
        if self.backup_file is None:
            return None
        opened = open_backup(*self.backup_file)
        restore.install(self.home, opened, keyring=keyring)
        return opened.data_key

    def show_recovery_key(self, recovery_key):
        self.recovery_keys.append(recovery_key)

    def ask_restore(self, message):
        self.restore_questions.append(message)
        return self.restore

    def show_fatal(self, message, detail):
        self.fatal.append(message)


def _args(home, **more):
    return argparse.Namespace(home=str(home), demo=False, passphrase_file=None, verbose=False, **more)


def _open(qtbot, startup) -> MainWindow | None:
    startup.start()
    settle(qtbot, lambda: startup.window is not None or startup.fatal)
    if startup.window is not None:
        qtbot.addWidget(startup.window)
        settle(qtbot, lambda: startup.window.credentials.loaded)
    return startup.window


def _close(startup):
    startup.window.close()
    startup.shutdown()


def test_first_run_creates_the_wallet_and_shows_the_recovery_key_once(qtbot, tmp_path):
    keyring = KeyringSlot(MemoryKeyring())
    first = ScriptedStartup(_args(tmp_path / "w"), keyring=keyring)
    window = _open(qtbot, first)
    assert isinstance(window, MainWindow)
    assert first.welcomed == [True]
    assert len(first.recovery_keys) == 1 and looks_like_recovery_key(first.recovery_keys[0])
    _close(first)
    # the next start unlocks through the keyring: no question, no new recovery key
    second = ScriptedStartup(_args(tmp_path / "w"), keyring=keyring)
    second.asker.ask = lambda prompt: pytest.fail("asked although the keyring holds the key")
    assert isinstance(_open(qtbot, second), MainWindow)
    assert second.welcomed == [] and second.recovery_keys == []
    _close(second)


def test_without_a_keyring_the_passphrase_is_asked_on_the_gui_thread(qtbot, tmp_path, monkeypatch):
    first = ScriptedStartup(_args(tmp_path / "w"), keyring=KeyringSlot(BrokenKeyring()),
                            passphrase="correct horse battery")
    _open(qtbot, first)
    assert first.welcomed == [False]
    _close(first)
    asked = []

    def answer(dialog):
        asked.append(QApplication.instance().thread() is dialog.thread())
        return "wrong one" if len(asked) == 1 else "correct horse battery"

    monkeypatch.setattr(unlock.UnlockDialog, "answer", answer)
    second = ScriptedStartup(_args(tmp_path / "w"), keyring=KeyringSlot(BrokenKeyring()))
    assert isinstance(_open(qtbot, second), MainWindow)
    assert asked == [True, True]  # a wrong answer is asked again; both on the GUI thread
    _close(second)


def test_cancelled_passphrase_keeps_the_wallet_locked(qtbot, tmp_path, monkeypatch):
    first = ScriptedStartup(_args(tmp_path / "w"), keyring=KeyringSlot(BrokenKeyring()), passphrase="abcdefgh1")
    _open(qtbot, first)
    _close(first)
    monkeypatch.setattr(unlock.UnlockDialog, "answer", lambda dialog: None)
    second = ScriptedStartup(_args(tmp_path / "w"), keyring=KeyringSlot(BrokenKeyring()))
    assert _open(qtbot, second) is None
    assert second.fatal == ["The wallet stays locked."]
    assert second.exit_code == 1


def test_a_damaged_wallet_is_set_aside_and_the_newest_backup_restored(qtbot, tmp_path, interop):
    from wallet import vault

    keyring = KeyringSlot(MemoryKeyring())
    home = tmp_path / "w"
    first = ScriptedStartup(_args(home), keyring=keyring)
    window = _open(qtbot, first)
    window.credentials.importer.show_results = False
    window.credentials.import_paths([interop / "peer-vcjs" / "stack" / "ou-cs-1.json"])
    settle(qtbot, lambda: window.credentials.model.rowCount() == 1)
    _close(first)  # closing makes a backup
    path = vault.wallet_path(home)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    second = ScriptedStartup(_args(home), keyring=keyring)
    window = _open(qtbot, second)
    assert second.fatal == []
    assert window is not None and window.credentials.model.rowCount() == 1
    assert vault.damaged_files(home)  # set aside, never deleted
    _close(second)


def test_demo_opens_a_throwaway_wallet_and_removes_it_on_quit(qtbot, tmp_path):
    startup = ScriptedStartup(_args(tmp_path / "unused", ), keyring=KeyringSlot(MemoryKeyring()))
    startup.args.demo = True
    window = _open(qtbot, startup)
    assert window is not None
    assert "demo" in window.windowTitle()
    assert window.note_label.text().startswith("Demo wallet: ")
    assert window.credentials.model.rowCount() > 5
    demo_home = startup.demo_home
    assert demo_home.is_dir()
    _close(startup)
    assert not demo_home.exists()
    assert not (tmp_path / "unused").exists()  # the learner's own wallet was never touched


def test_a_damaged_wallet_without_backups_is_kept_and_explained(qtbot, tmp_path):
    from wallet import vault

    keyring = KeyringSlot(MemoryKeyring())
    home = tmp_path / "w"
    first = ScriptedStartup(_args(home), keyring=keyring)
    _open(qtbot, first)
    _close(first)
    import shutil

    from wallet.backup import backup_dir

    shutil.rmtree(backup_dir(home), ignore_errors=True)  # a machine where no backup was ever made
    path = vault.wallet_path(home)
    path.write_bytes(b"\0" * 4096)
    second = ScriptedStartup(_args(home), keyring=keyring)
    assert _open(qtbot, second) is None
    assert second.fatal and "There is no backup to restore" in second.fatal[0]
    assert vault.damaged_files(home)  # the damaged file is kept, never replaced by an empty wallet
    assert not vault.exists(home)


def test_without_a_screen_the_app_says_so_instead_of_crashing():
    import os
    import subprocess
    import sys

    from ui.app import missing_screen

    assert "no screen" in missing_screen({}, "linux")
    assert missing_screen({"DISPLAY": ":0"}, "linux") == ""
    assert missing_screen({"WAYLAND_DISPLAY": "wayland-0"}, "linux") == ""
    assert missing_screen({}, "darwin") == ""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "wallet"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "no screen" in done.stderr and "Traceback" not in done.stderr


def test_an_unwritable_wallet_folder_is_told_in_a_plain_sentence(qtbot, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    startup = ScriptedStartup(_args(blocker / "wallet"), keyring=KeyringSlot(MemoryKeyring()))
    startup.start()
    settle(qtbot, lambda: bool(startup.fatal))
    assert startup.window is None and startup.welcomed == []  # stopped before asking anything
    assert startup.fatal[0].startswith(f"Learner Wallet cannot write to its folder {blocker / 'wallet'}")
    assert "LEARNER_WALLET_HOME" in startup.fatal[0]
    assert startup.exit_code == 1


@pytest.mark.parametrize(("code", "words"), [(errno.EACCES, "permission"), (errno.EROFS, "read-only disk"),
                                             (errno.ENOSPC, "disk is full")])
def test_each_reason_a_folder_cannot_be_written_has_its_words(tmp_path, monkeypatch, code, words):
    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("ui.app.tempfile.mkstemp", refuse)
    problem = folder_problem(tmp_path / "w")
    assert problem is not None and words in problem.message and os.strerror(code) in problem.detail
    monkeypatch.undo()
    assert folder_problem(tmp_path / "w") is None  # a writable folder is no problem, and no probe is left
    assert list((tmp_path / "w").iterdir()) == []


def test_a_system_error_reaching_the_window_is_a_sentence_not_a_traceback():
    message, detail = describe_error(PermissionError(errno.EACCES, "Permission denied", "/x/wallet.sqlite3"))
    assert message == "The wallet could not read or write a file on this computer (permission denied). Nothing was lost."
    assert "/x/wallet.sqlite3" in detail


def _first_wallet_with_one_credential(qtbot, home, keyring, interop):
    first = ScriptedStartup(_args(home), keyring=keyring)
    window = _open(qtbot, first)
    window.credentials.importer.show_results = False
    window.credentials.import_paths([interop / "peer-vcjs" / "stack" / "ou-cs-1.json"])
    settle(qtbot, lambda: window.credentials.model.rowCount() == 1)
    _close(first)  # closing (and the import) made a backup


def test_a_missing_wallet_file_with_backups_is_restored_not_started_afresh(qtbot, tmp_path, interop):
    from wallet import vault
    from wallet.backup import find_backups

    keyring = KeyringSlot(MemoryKeyring())
    home = tmp_path / "w"
    _first_wallet_with_one_credential(qtbot, home, keyring, interop)
    assert find_backups(home)
    vault.remove_with_companions(vault.wallet_path(home))  # the wallet file is lost; backups/ remains
    second = ScriptedStartup(_args(home), keyring=keyring)
    window = _open(qtbot, second)
    assert second.welcomed == [], "a folder with backups was taken for a first run"
    assert second.restore_questions == [
        "There is no wallet file in your wallet folder, but there are backups of your wallet."]
    assert window is not None and window.credentials.model.rowCount() == 1
    _close(second)


def test_declining_the_restore_starts_no_empty_wallet(qtbot, tmp_path, interop):
    from wallet import vault

    keyring = KeyringSlot(MemoryKeyring())
    home = tmp_path / "w"
    _first_wallet_with_one_credential(qtbot, home, keyring, interop)
    vault.remove_with_companions(vault.wallet_path(home))
    second = ScriptedStartup(_args(home), keyring=keyring, restore=False)
    second.start()
    settle(qtbot, lambda: second.exit_code == 1)
    assert second.window is None and second.restore_questions
    assert not vault.exists(home) and second.welcomed == []


FILE_PASSPHRASE = "a passphrase for the file"


def _exported_backup(qtbot, tmp_path, interop):
    """A backup file of a wallet holding one credential, locked with FILE_PASSPHRASE."""
    from wallet.backup_file import export_backup
    from wallet.keys import FAST_TEST_KDF, Unlocker
    from wallet.service import open_wallet

    keyring = KeyringSlot(MemoryKeyring())
    _first_wallet_with_one_credential(qtbot, tmp_path / "old-laptop", keyring, interop)
    old = open_wallet(tmp_path / "old-laptop", Unlocker(keyring=keyring))
    target = tmp_path / "usb" / "mine.lwbackup"
    target.parent.mkdir()
    export_backup(old.store, target, kind="passphrase", secret=FILE_PASSPHRASE, kdf=FAST_TEST_KDF)
    old.close()
    return target


def test_a_fresh_machine_can_start_from_an_exported_backup_file(qtbot, tmp_path, interop):
    target = _exported_backup(qtbot, tmp_path, interop)
    fresh = ScriptedStartup(_args(tmp_path / "new-laptop"), keyring=KeyringSlot(MemoryKeyring()),
                            welcome="restore", backup_file=(target, FILE_PASSPHRASE))
    window = _open(qtbot, fresh)
    assert window is not None and window.credentials.model.rowCount() == 1
    assert fresh.recovery_keys == [], "no new wallet (and no new recovery key) was made"
    _close(fresh)


def test_going_back_from_the_restore_returns_to_the_welcome(qtbot, tmp_path):
    startup = ScriptedStartup(_args(tmp_path / "w"), keyring=KeyringSlot(MemoryKeyring()), welcome="restore")
    startup.start()
    settle(qtbot, lambda: len(startup.welcomed) == 2)
    assert startup.window is None and startup.exit_code == 0
    from wallet import vault

    assert not vault.exists(tmp_path / "w")


class UnusableKeyring(keyring.backend.KeyringBackend):
    """A keyring that takes nothing and counts the tries. The count is class-wide, so a
    keyring looked up by name (as the system one is) counts into the same list."""

    priority = 0.1
    tries: list[str] = []

    def set_password(self, service, username, password):
        UnusableKeyring.tries.append(username)
        raise keyring.errors.PasswordSetError("the keyring is locked")

    def get_password(self, service, username):
        return None

    def delete_password(self, service, username):
        raise keyring.errors.PasswordDeleteError("nothing kept")


class RealRestoreDialogStartup(ScriptedStartup):
    """The welcome is scripted (restore, then quit); the restore dialog is the real one."""

    restore_backup_file = Startup.restore_backup_file

    def ask_welcome(self, keyring_ok):
        self.welcomed.append(keyring_ok)
        return WelcomeChoice("restore" if len(self.welcomed) == 1 else "quit")


def _answer_the_restore_dialog(target, secret) -> QTimer:
    """Fill in the modal restore dialog once it shows and press its button at each step."""
    from ui.backup.dialogs import RestoreBackupDialog

    def step():
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, RestoreBackupDialog) and w.isVisible()]
        if not shown or not shown[0].go_button.isEnabled():
            return
        dialog = shown[0]
        if dialog.step == 0 and not dialog.file.edit.text():
            dialog.file.edit.setText(str(target))
            dialog.secret.setText(secret)
            dialog.go_button.click()
        elif dialog.step == 1 and dialog.installed is None:
            dialog.go_button.click()

    timer = QTimer()
    timer.timeout.connect(step)
    timer.start(20)
    return timer


def test_a_first_run_restore_without_a_keyring_puts_the_key_in_no_keyring(qtbot, tmp_path, interop, monkeypatch):
    target = _exported_backup(qtbot, tmp_path, interop)
    UnusableKeyring.tries.clear()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", f"{__name__}.UnusableKeyring")  # the system keyring too
    fresh = RealRestoreDialogStartup(_args(tmp_path / "new-laptop"), keyring=KeyringSlot(UnusableKeyring()))
    timer = _answer_the_restore_dialog(target, FILE_PASSPHRASE)
    window = _open(qtbot, fresh)
    timer.stop()
    assert fresh.welcomed == [False] and fresh.fatal == []
    assert window is not None and window.credentials.model.rowCount() == 1
    assert len(UnusableKeyring.tries) == 1 and UnusableKeyring.tries[0].startswith("probe-"), (
        "after the keyring was found unusable, the restore tried a keyring again")
    _close(fresh)
