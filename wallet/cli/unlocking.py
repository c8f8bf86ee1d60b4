"""Opening the wallet from a terminal: keyring, then a given secret, then a prompt.

For unattended use the passphrase (or the recovery key) comes from
``--passphrase-file`` or ``LEARNER_WALLET_PASSPHRASE``, as restic and borg do. On
first use the wallet is created and its recovery key shown once: on the terminal, or
written to a new file readable only by the learner (``--recovery-key-file`` or
``LEARNER_WALLET_RECOVERY_KEY_FILE``). Without
either it is not printed at all (the output may be logged) and nothing is created.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from wallet import paths, vault
from wallet.errors import LockedError, StoreError, WalletError
from wallet.keys import PASSPHRASE_ENV, KeyringSlot, Prompt, Unlocker, looks_like_recovery_key

log = logging.getLogger(__name__)

_MAX_SECRET_FILE = 64 * 1024
RECOVERY_KEY_FILE_ENV = "LEARNER_WALLET_RECOVERY_KEY_FILE"


def wallet_home(args: argparse.Namespace) -> Path:
    home = getattr(args, "home", None)
    return Path(home).expanduser() if home else paths.data_home()


def given_secret(args: argparse.Namespace) -> str | None:
    """The passphrase or recovery key from --passphrase-file, else the environment."""
    name = getattr(args, "passphrase_file", None)
    if name:
        try:
            with open(name, "rb") as fh:
                data = fh.read(_MAX_SECRET_FILE + 1)
        except OSError as exc:
            raise WalletError("The passphrase file could not be read.", f"{name}: {exc.strerror}") from exc
        if len(data) > _MAX_SECRET_FILE:
            raise WalletError("The passphrase file is too large to be a passphrase.", name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WalletError("The passphrase file is not UTF-8 text.", name) from exc
        return text.rstrip("\r\n")
    value = os.environ.get(PASSPHRASE_ENV)
    return value if value else None


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(prompt: Prompt) -> str | None:
    try:
        answer = getpass.getpass(prompt.message + ": ")
    except (EOFError, KeyboardInterrupt):
        return None
    return answer or None


def _ask_new_passphrase(err: TextIO) -> str | None:
    print("No system keyring is available, so choose a passphrase for this wallet.", file=err)
    for _ in range(3):
        first = getpass.getpass("New passphrase: ")
        if not first:
            return None
        if getpass.getpass("Repeat it: ") == first:
            return first
        print("The two did not match; try again.", file=err)
    return None


def cli_unlocker(args: argparse.Namespace) -> Unlocker:
    """Keyring first, then --passphrase-file / $LEARNER_WALLET_PASSPHRASE, then a prompt."""
    return Unlocker(keyring=KeyringSlot(), secret=given_secret(args), ask=_ask if _interactive() else None)


def open_for_cli(args: argparse.Namespace, err: TextIO) -> Any:
    """Open (or, on first use, create) the wallet a CLI command works on."""
    from wallet.service import create_wallet, open_wallet

    home = wallet_home(args)
    secret = given_secret(args)
    if vault.exists(home):
        return open_wallet(home, cli_unlocker(args))
    _refuse_if_restorable(home)
    slot = KeyringSlot()
    keyring_ok = vault.keyring_works(slot)
    if secret and looks_like_recovery_key(secret):
        raise LockedError(
            "That is a recovery key, but there is no wallet here yet; restore a backup with it instead.",
            "recovery key given for a new wallet",
        )
    passphrase = secret
    if not keyring_ok and not passphrase and _interactive():
        passphrase = _ask_new_passphrase(err)
    vault.require_unlock_path(keyring_ok, passphrase)
    destination = RecoveryKeyDestination.open(args, err)
    try:
        wallet, recovery_key = create_wallet(home, keyring=slot if keyring_ok else None, passphrase=passphrase)
    except BaseException:
        destination.abandon()
        raise
    destination.deliver(recovery_key, f"Created a new wallet in {home}.")
    return wallet


def _refuse_if_restorable(home: Path) -> None:
    """Never start an empty wallet over a damaged one or over existing backups."""
    from wallet.backup import backup_dir

    earlier = vault.earlier_wallet(home)
    if earlier == "backups":
        raise StoreError(
            "There is no working wallet here, but there are backups of one: "
            "run 'learner-wallet backup restore-latest' to bring it back.",
            str(backup_dir(home)),
        )
    vault.refuse_over_earlier_wallet(home, earlier)  # a set-aside file without backups


@dataclass(frozen=True)
class RecoveryKeyDestination:
    """Where a new recovery key is shown once: the terminal, or a new 0600 file.

    Opened before the key exists, so a refusal (no terminal and no file given, or a
    file that exists already) changes nothing.
    """

    err: TextIO
    file: TextIO | None = None
    path: Path | None = None

    @classmethod
    def open(cls, args: argparse.Namespace, err: TextIO) -> "RecoveryKeyDestination":
        name = getattr(args, "recovery_key_file", None) or os.environ.get(RECOVERY_KEY_FILE_ENV)
        if name:
            path = Path(name).expanduser()
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError as exc:
                raise WalletError(f"{path} already exists; give a new file for the recovery key.", str(path)) from exc
            except OSError as exc:
                raise WalletError("The recovery key file could not be created.", f"{path}: {exc.strerror}") from exc
            return cls(err, os.fdopen(fd, "w", encoding="utf-8"), path)
        if _is_terminal(err):
            return cls(err)
        raise LockedError(
            "A recovery key is about to be made, and this output is not a terminal (it may be kept in a log), "
            "so it is not printed: run the command once in a terminal, or add --recovery-key-file PATH "
            f"(or set {RECOVERY_KEY_FILE_ENV}) to have it written to a new file only you can read.",
            "no terminal for the recovery key and no --recovery-key-file",
        )

    def deliver(self, recovery_key: str, first_line: str) -> None:
        if self.file is None:
            print(f"{first_line}\n\n{_KEEP_IT}\n\n    {recovery_key}\n", file=self.err)
            return
        try:
            with self.file as fh:
                fh.write(recovery_key + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise WalletError(f"The recovery key could not be written to {self.path}; make a new one with "
                              "'learner-wallet recovery new'.", exc.strerror or str(exc)) from exc
        print(f"{first_line} Its recovery key was written to {self.path} (readable only by you).\n"
              f"{_KEEP_IT} Then delete that file.", file=self.err)

    def abandon(self) -> None:
        """Nothing was made: remove the empty file opened for the key."""
        if self.file is not None and self.path is not None:
            self.file.close()
            self.path.unlink(missing_ok=True)


_KEEP_IT = ("Write the recovery key down or print it, and keep it somewhere safe. It is shown only this\n"
            "once. If this computer's keyring is lost or you forget your passphrase, it is the only way\n"
            "back into your wallet and its backups.")


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
