"""The desktop app's entry point: ``learner-wallet`` with no subcommand.

``run_app`` sets up logging and Qt, then opens the wallet in steps that never block the
window: on the first run it creates the wallet and shows the recovery key once (or,
on a new computer, brings back a backup file the learner exported); later it unlocks
through the keyring off the GUI thread, asking for the passphrase or recovery key only
when needed. A wallet that fails its checks is set aside by the core, and a folder
with backups but no wallet file is never taken for a first run: either way the app
offers the newest good backup. ``--demo`` opens a throwaway wallet filled with signed
example credentials.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.icons import app_icon
from ui.ops import run_op
from ui.theme import apply_theme
from ui.unlock import GuiAsker, OpeningSplash, RecoveryKeyDialog, WelcomeChoice, WelcomeDialog
from ui.widgets.error_box import ErrorBox, describe_error
from wallet.errors import StoreError, WalletError
from wallet.paths import ensure_private_dir

log = logging.getLogger(__name__)

APP_NAME = "Learner Wallet"
DESKTOP_ID = "learner-wallet"  # packaging/learner-wallet.desktop


def configure_logging(verbose: bool) -> None:
    """The app entry point owns the log handlers (the core never configures any)."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("learner-wallet")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("learner-wallet")
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(app_icon())
    apply_theme(app)
    app.setQuitOnLastWindowClosed(False)  # dialogs come and go before the window opens
    return app  # type: ignore[return-value]


def demo_note(wallet: Any) -> str:
    contents = getattr(wallet, "demo", None)
    n_creds = len(getattr(contents, "credentials", ()) or ())
    n_stacks = len(getattr(contents, "stacks", ()) or ())
    return (f"Demo wallet: {n_creds} example credentials and {n_stacks} stacks, signed by a demo issuer. "
            "Nothing you do here is kept.")


_FOLDER_REASONS = {
    errno.EACCES: "you do not have permission to write there",
    errno.EPERM: "you do not have permission to write there",
    errno.EROFS: "it is on a read-only disk (a locked USB stick, or a disc)",
    errno.ENOSPC: "the disk is full",
    errno.ENOTDIR: "part of its path is a file, not a folder",
    errno.ENOENT: "it cannot be created there",
}


def folder_problem(home: Path) -> StoreError | None:
    """Why the wallet folder cannot be written, as a sentence; None when it can.

    Found by trying (create the folder, write and remove a small file): permission
    bits do not tell the whole story (read-only mounts, ACLs, a full disk).
    """
    try:
        ensure_private_dir(home)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=home)
        os.close(fd)
        os.unlink(probe)
        return None
    except OSError as exc:
        reason = _FOLDER_REASONS.get(exc.errno or 0, "the system refused")
        return StoreError(
            f"Learner Wallet cannot write to its folder {home}, because {reason}. "
            "Make the folder writable, or choose another one with the LEARNER_WALLET_HOME environment variable.",
            f"{type(exc).__name__}: {exc}",
        )


class Startup(QObject):
    """Opens (or creates) the wallet step by step, then shows the main window.

    ``gave_up`` carries the exit status when the wallet cannot (or will not) be opened.
    """

    gave_up = Signal(int)

    def __init__(self, args: argparse.Namespace, app: QApplication, *, keyring: Any = None) -> None:
        super().__init__(app)
        self.args = args
        self._keyring = keyring  # a wallet.keys.KeyringSlot; None: the system keyring
        self.app = app
        self.wallet: Any = None
        self.window: QWidget | None = None
        self.exit_code = 0
        self.demo_home: Path | None = None
        self.splash = OpeningSplash()
        self.asker = GuiAsker(self.splash)

    # -- steps

    def start(self) -> None:
        self.splash.show()
        if getattr(self.args, "demo", False):
            self._open_demo()
            return
        from wallet import vault
        from wallet.cli.unlocking import wallet_home

        self.home = wallet_home(self.args)
        problem = folder_problem(self.home)
        if problem is not None:
            self._fatal(problem)
            return
        if vault.exists(self.home):
            self._unlock()
            return
        self.splash.say("Looking for your wallet…")
        run_op(self, lambda: vault.earlier_wallet(self.home)).on_success(self._missing_wallet).on_failure(self._fatal)

    def _missing_wallet(self, earlier: str) -> None:
        """No wallet file: a first run only when there is no earlier wallet to bring back."""
        if earlier:
            self._offer_restore(None, earlier)
        else:
            self._first_run()

    def _open_demo(self) -> None:
        from wallet.demo import create_demo_wallet

        self.demo_home = Path(tempfile.mkdtemp(prefix="learner-wallet-demo-"))
        self.splash.say("Filling a demo wallet with example credentials…")
        run_op(self, lambda: create_demo_wallet(self.demo_home)).on_success(self._show).on_failure(self._fatal)

    def keyring_slot(self) -> Any:
        if self._keyring is None:
            from wallet.keys import KeyringSlot

            self._keyring = KeyringSlot()
        return self._keyring

    # -- what the learner is asked (methods, so a test can answer them)

    def ask_welcome(self, keyring_ok: bool) -> WelcomeChoice:
        return WelcomeDialog(keyring_ok).choice()

    def restore_backup_file(self, keyring: Any) -> bytes | None:
        """A fresh machine: install a backup file the learner exported; its data key
        (None when they went back)."""
        from ui.backup.dialogs import RestoreBackupDialog

        dialog = RestoreBackupDialog(None, keyring=keyring, home=self.home)
        dialog.exec()
        return None if dialog.installed is None else dialog.installed.data_key

    def show_recovery_key(self, recovery_key: str) -> None:
        RecoveryKeyDialog(recovery_key).exec()

    def ask_restore(self, message: str) -> bool:
        answer = QMessageBox.question(
            None, "Restore your wallet",
            f"{message}\n\nRestore the newest good backup now? Nothing is deleted.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_fatal(self, message: str, detail: str) -> None:
        ErrorBox(message, detail, None, title="The wallet could not be opened").exec()

    # -- more steps

    def _first_run(self) -> None:
        from wallet.vault import keyring_works

        self.slot = self.keyring_slot()
        self.splash.say("Getting ready…")
        run_op(self, lambda: keyring_works(self.slot)).on_success(self._welcome).on_failure(
            lambda _exc: self._welcome(False))

    def _welcome(self, keyring_ok: bool) -> None:
        self.splash.hide()
        choice = self.ask_welcome(bool(keyring_ok))
        slot = self.slot if keyring_ok else None
        if choice.action == "restore":
            self._restore_file(keyring_ok, slot)
            return
        if choice.action != "create":
            self._quit(0)
            return
        self.splash.say("Creating your wallet…")
        self.splash.show()
        from wallet.service import create_wallet

        passphrase = choice.passphrase
        run_op(self, lambda: create_wallet(self.home, keyring=slot, passphrase=passphrase)).on_success(
            self._created).on_failure(self._fatal)

    def _restore_file(self, keyring_ok: bool, slot: Any) -> None:
        data_key = self.restore_backup_file(slot)
        if data_key is None:  # went back: the welcome again
            self._welcome(keyring_ok)
            return
        from wallet.autorestore import open_with_known_key

        self.splash.say("Opening your restored wallet…")
        self.splash.show()
        run_op(self, lambda: open_with_known_key(self.home, data_key)).on_success(self._show).on_failure(
            self._open_failed)

    def _created(self, result: tuple[Any, str]) -> None:
        wallet, recovery_key = result
        self.wallet = wallet
        self.splash.hide()
        self.show_recovery_key(recovery_key)
        del recovery_key
        self._show(wallet)

    def _unlocker(self) -> Any:
        from wallet.cli.unlocking import given_secret
        from wallet.keys import Unlocker

        return Unlocker(keyring=self.keyring_slot(), secret=given_secret(self.args), ask=self.asker.ask)

    def _unlock(self) -> None:
        from wallet.service import open_wallet

        try:
            unlocker = self._unlocker()
        except WalletError as exc:  # an unreadable --passphrase-file
            self._fatal(exc)
            return
        run_op(self, lambda: open_wallet(self.home, unlocker)).on_success(self._show).on_failure(self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        from wallet import vault

        if isinstance(exc, vault.DamagedWallet):
            run_op(self, lambda: vault.earlier_wallet(self.home)).on_success(
                lambda earlier: self._offer_restore(exc, earlier)).on_failure(self._fatal)
        else:
            self._fatal(exc)

    def _offer_restore(self, exc: BaseException | None, earlier: str) -> None:
        """``earlier``: what is left of the earlier wallet (wallet.vault.earlier_wallet)."""
        self.splash.hide()
        if exc is not None:
            message = describe_error(exc)[0]
        elif earlier == "backups":
            message = "There is no wallet file in your wallet folder, but there are backups of your wallet."
        else:
            message = "Your wallet file was set aside as damaged."
        if earlier != "backups":
            self._fatal(exc or StoreError(message, str(self.home)),
                        extra=" There is no backup to restore. The damaged file is kept in your wallet folder.")
            return
        if not self.ask_restore(message):
            self._quit(1)
            return
        from wallet.autorestore import restore_newest

        self.splash.say("Restoring your newest backup…")
        self.splash.show()
        try:
            unlocker = self._unlocker()
        except WalletError as exc:
            self._fatal(exc)
            return
        run_op(self, lambda: restore_newest(self.home, unlocker).wallet).on_success(self._show).on_failure(self._fatal)

    def _show(self, wallet: Any) -> None:
        from ui.main_window import MainWindow

        self.wallet = wallet
        self.window = MainWindow(wallet)
        if self.demo_home is not None:
            self.window.setWindowTitle("Learner Wallet — demo (nothing is kept)")
            self.window.show_note(demo_note(wallet))
        self.window.show()
        self.splash.close()
        self.app.setQuitOnLastWindowClosed(True)

    def _fatal(self, exc: BaseException, *, extra: str = "") -> None:
        log.error("could not open the wallet: %s", type(exc).__name__)
        self.splash.hide()
        message, detail = describe_error(exc)
        self.show_fatal(message + extra, detail)
        self._quit(1)

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.splash.close()
        self.gave_up.emit(code)

    # -- the end

    def shutdown(self) -> None:
        QThreadPool.globalInstance().waitForDone(15_000)
        if self.wallet is not None:
            try:
                self.wallet.close()
            except Exception:  # noqa: BLE001 - closing must not hide the exit code
                log.exception("closing the wallet failed")
        if self.demo_home is not None:
            shutil.rmtree(self.demo_home, ignore_errors=True)


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl+C or a polite kill closes the app cleanly (the wallet closed, a demo folder removed).

    Python handles signals only when it runs, so a short timer hands it control now and then.
    """
    def stop(_signum: int, _frame: Any) -> None:
        app.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(300)


def missing_screen(environ: dict[str, str] | None = None, platform: str = sys.platform) -> str:
    """Why the app cannot show a window here ("" when it can): Qt would abort instead."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return ""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return ""
    return ("There is no screen here (neither DISPLAY nor WAYLAND_DISPLAY is set), so the app "
            "cannot open a window. The command line works without one: see learner-wallet --help.")


def run_app(args: argparse.Namespace) -> int:
    """Start the desktop app; returns the process exit status."""
    problem = missing_screen()
    if problem:
        print(f"learner-wallet: {problem}", file=sys.stderr)
        return 1
    configure_logging(getattr(args, "verbose", False))
    app = make_application()
    startup = Startup(args, app)
    startup.gave_up.connect(app.exit, Qt.ConnectionType.QueuedConnection)
    _quit_on_signals(app)
    QTimer.singleShot(0, startup.start)
    code = app.exec()
    startup.shutdown()
    return code or startup.exit_code
