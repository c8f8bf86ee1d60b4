"""Opening the wallet from a terminal: keyring, then a given secret, then a prompt.

For unattended use the passphrase (or the recovery key) comes from
``--passphrase-file`` or ``LEARNER_WALLET_PASSPHRASE``, as restic and borg do. On
first use the wallet is created and its recovery key printed once to stderr.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from wallet import paths, vault
from wallet.errors import LockedError, StoreError, WalletError
from wallet.keys import PASSPHRASE_ENV, KeyringSlot, Prompt, Unlocker, looks_like_recovery_key

log = logging.getLogger(__name__)

_MAX_SECRET_FILE = 64 * 1024


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
    wallet, recovery_key = create_wallet(home, keyring=slot if keyring_ok else None, passphrase=passphrase)
    print_recovery_key(err, home, recovery_key)
    return wallet


def _refuse_if_restorable(home: Path) -> None:
    """Never start an empty wallet over a damaged one or over existing backups."""
    from wallet.backup import find_backups

    aside = vault.set_aside_files(home)
    if aside or find_backups(home):
        raise StoreError(
            "There is no working wallet here, but there are backups of one: "
            "run 'learner-wallet backup restore-latest' to bring it back.",
            f"{home}: files set aside {[p.name for p in aside]}",
        )


def print_recovery_key(err: TextIO, home: Path, recovery_key: str) -> None:
    print(
        f"Created a new wallet in {home}.\n\n"
        "Your recovery key is below. Write it down or print it, and keep it somewhere safe.\n"
        "It is shown only this once. If this computer's keyring is lost or you forget your\n"
        "passphrase, it is the only way back into your wallet and its backups.\n\n"
        f"    {recovery_key}\n",
        file=err,
    )
