"""The wallet on disk: create it, unlock and open it, set it aside when it is damaged.

A wallet folder holds ``wallet.sqlite3`` (with its ``-wal``/``-shm`` while open and
its ``.state`` sidecar), ``backups/`` and any damaged files set aside. A damaged
wallet is never replaced by a new empty one: it is renamed with a timestamp and the
caller is told, so the app can offer the newest good backup
(:func:`wallet.autorestore.restore_newest`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from wallet.clock import Clock, system_clock
from wallet.errors import LockedError, NotFound, StoreError, WalletCorrupt, WrongSecret
from wallet.keys import (
    META_PASSPHRASE,
    META_RECOVERY,
    META_WALLET_ID,
    PASSPHRASE_KDF,
    KdfParams,
    KeyringSlot,
    KeyringUnavailable,
    Unlocked,
    Unlocker,
    check_key,
    looks_like_recovery_key,
    new_data_key,
    new_recovery_key,
    new_wallet_id,
    unlock,
    wrap_with_passphrase,
    wrap_with_recovery,
)
from wallet.paths import ensure_private_dir
from wallet.store import WALLET_FILENAME, Store
from wallet.storefile import check_file, peek_meta, sidecar_path

log = logging.getLogger(__name__)

DAMAGED_MARK = ".damaged-"
REPLACED_MARK = ".replaced-"
_COMPANIONS = ("-wal", "-shm", ".state")


class DamagedWallet(WalletCorrupt):
    """The wallet failed its checks on open and was moved out of the way."""

    def __init__(self, message: str, detail: str, set_aside: Path | None) -> None:
        super().__init__(message, detail)
        self.set_aside = set_aside


@dataclass(frozen=True)
class Created:
    """A new wallet: the open store and the recovery key, shown to the learner once."""

    store: Store
    recovery_key: str = field(repr=False)
    keyring_ok: bool


def wallet_path(home: Path) -> Path:
    return Path(home) / WALLET_FILENAME


def exists(home: Path) -> bool:
    return wallet_path(home).exists()


def damaged_files(home: Path) -> list[Path]:
    """Wallet files set aside as damaged, newest first."""
    return _set_aside_files(home, DAMAGED_MARK)


def set_aside_files(home: Path) -> list[Path]:
    """Every wallet file set aside (damaged, or replaced by a restore), newest first."""
    found = _set_aside_files(home, DAMAGED_MARK) + _set_aside_files(home, REPLACED_MARK)
    return sorted(found, key=lambda p: p.name.rsplit(".", 1)[-1].split("-", 1)[1], reverse=True)


def _set_aside_files(home: Path, mark: str) -> list[Path]:
    home = Path(home)
    if not home.is_dir():
        return []
    pattern = re.compile(re.escape(WALLET_FILENAME + mark) + r"\d{8}T\d{6,12}Z(-\d+)?")
    found = [p for p in home.iterdir() if pattern.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def create_store(
    home: Path,
    *,
    keyring: KeyringSlot | None = None,
    passphrase: str | None = None,
    kdf: KdfParams = PASSPHRASE_KDF,
) -> Created:
    """Make a new wallet in ``home``: a fresh data key, wrapped by a new recovery key,
    the passphrase if given, and the keyring if it works.

    The file is built under a temporary name and renamed into place only once every
    wrapping is in it, so a crash never leaves a wallet nobody can unlock.
    """
    home = ensure_private_dir(Path(home))
    path = wallet_path(home)
    if path.exists():
        raise StoreError("There is already a wallet in this folder.", str(path))
    refuse_over_earlier_wallet(home)
    data_key, wallet_id, recovery = new_data_key(), new_wallet_id(), new_recovery_key()
    tmp = home / (WALLET_FILENAME + ".creating")
    remove_with_companions(tmp)
    store = Store.open(tmp, data_key)
    meta = {META_WALLET_ID: wallet_id.encode(), META_RECOVERY: wrap_with_recovery(data_key, wallet_id, recovery)}
    if passphrase:
        meta[META_PASSPHRASE] = wrap_with_passphrase(data_key, wallet_id, passphrase, kdf)
    store.set_metas(meta)
    store.close()
    if sidecar_path(tmp).exists():
        os.replace(sidecar_path(tmp), sidecar_path(path))
    os.replace(tmp, path)
    keyring_ok = False
    if keyring is not None:
        try:
            keyring.save(wallet_id, data_key)
            keyring_ok = True
        except KeyringUnavailable as exc:
            log.info("new wallet not stored in the keyring: %s", exc.detail)
    log.info("created a new wallet")
    return Created(Store.open(path, data_key, create=False), recovery, keyring_ok)


def open_store(home: Path, unlocker: Unlocker, *, clock: Clock = system_clock) -> Store:
    """Unlock and open the wallet in ``home``, checking it for damage first.

    Raises NotFound (no wallet yet), LockedError / WrongSecret (nothing changed), or
    DamagedWallet after moving the damaged file aside.
    """
    return _open_checked(home, clock, lambda meta: unlock(meta, unlocker))


def open_with_key(home: Path, data_key: bytes, *, clock: Clock = system_clock) -> Store:
    """Open the wallet in ``home`` with a data key already known (a restore that proved
    it on the backup), with the same checks as :func:`open_store`."""
    def known(meta: Mapping[str, bytes]) -> Unlocked:
        if not check_key(meta, data_key):
            raise WrongSecret("That key does not open this wallet. Nothing was changed.", "key-check failed")
        return Unlocked(data_key, "restore", False)

    return _open_checked(home, clock, known)


def _open_checked(home: Path, clock: Clock, find_key: Callable[[Mapping[str, bytes]], Unlocked]) -> Store:
    path = wallet_path(home)
    if not path.exists():
        raise NotFound("There is no wallet in this folder yet.", str(path))
    ensure_private_dir(Path(home))  # a folder made by hand or another tool: make it private
    try:
        proven_intact = check_file(path)
        meta = peek_meta(path)
        if META_WALLET_ID not in meta:
            raise WalletCorrupt("The wallet's key information is missing.", "no wallet-id in meta")
        unlocked = find_key(meta)
        store = Store.open(path, unlocked.data_key, create=False, check_hash=False)
        try:
            if not proven_intact:  # otherwise every byte is what the last clean close wrote
                _check_thoroughly(store)
        except BaseException:
            store.close()
            raise
    except WalletCorrupt as exc:
        aside = set_aside(path, clock)
        raise DamagedWallet(
            "The wallet file is damaged, so it was set aside (nothing was deleted). "
            "Restore your newest backup to carry on.",
            f"{exc.detail}; moved to {aside}",
            aside,
        ) from exc
    log.info("wallet opened (key from %s)", unlocked.via)
    return store


def _check_thoroughly(store: Store) -> None:
    """A wallet not proven intact by its file hash: the full integrity check (indexes
    too, which the quick check on open skips) and every record with its clear columns."""
    result = store.integrity_check()
    if result != "ok":
        raise WalletCorrupt("The wallet file is damaged and cannot be opened.", f"integrity_check: {result}")
    store.verify_records()


EarlierWallet = Literal["", "backups", "set-aside"]


def earlier_wallet(home: Path) -> EarlierWallet:
    """What is left of an earlier wallet in a folder without a wallet file: "backups"
    when there are good backups to restore, else "set-aside" when only a set-aside
    wallet file is, else "". Slow (it hashes the backups): a worker's job in the UI."""
    from wallet.backup import find_backups

    if find_backups(home):
        return "backups"
    return "set-aside" if set_aside_files(home) else ""


def refuse_over_earlier_wallet(home: Path, earlier: EarlierWallet | None = None) -> None:
    """A new, empty wallet is never started where an earlier one is or can be brought
    back. ``earlier``: what :func:`earlier_wallet` said, when the caller asked already."""
    from wallet.backup import backup_dir

    earlier = earlier_wallet(home) if earlier is None else earlier
    if earlier == "backups":
        raise StoreError(
            "There is no wallet file in this folder, but there are backups of one: restore the newest "
            "instead of starting over (or move the backups folder elsewhere first).",
            str(backup_dir(home)),
        )
    if earlier == "set-aside":
        raise StoreError(
            "An earlier wallet was set aside in this folder and there is no backup to restore it from; "
            "to start a new wallet, move the set-aside files elsewhere first (nothing was deleted).",
            str(set_aside_files(home)[0]),
        )


def ensure_home(home: Path) -> Path:
    return ensure_private_dir(Path(home))


def set_aside(path: Path, clock: Clock = system_clock, *, mark: str = DAMAGED_MARK) -> Path:
    """Rename a wallet (and its -wal, -shm and sidecar) with a timestamp, never delete it."""
    stamp = clock().strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}{mark}{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}{mark}{stamp}-{n}")
        n += 1
    for suffix in ("",) + _COMPANIONS:
        src = path.with_name(path.name + suffix)
        if src.exists():
            os.replace(src, target.with_name(target.name + suffix))
    log.warning("wallet file set aside as %s", target.name)
    return target


def make_room(path: Path, clock: Clock = system_clock, *, mark: str = DAMAGED_MARK) -> Path | None:
    """Clear ``path`` before another wallet file is put there, deleting nothing.

    A wallet file there is set aside with its companions (its new name is returned).
    Companions without their file are what a set-aside cut short by a crash leaves
    behind: they rejoin the newest set-aside file missing them, since SQLite would
    otherwise replay that stranger's write-ahead log into the file put in place.
    """
    if path.exists():
        return set_aside(path, clock, mark=mark)
    for suffix in _COMPANIONS:
        stray = path.with_name(path.name + suffix)
        if not stray.exists():
            continue
        owners = [p for p in set_aside_files(path.parent) if not p.with_name(p.name + suffix).exists()]
        home = owners[0] if owners else path.with_name(f"{path.name}{mark}{clock().strftime('%Y%m%dT%H%M%S%fZ')}")
        os.replace(stray, home.with_name(home.name + suffix))
        log.warning("a left-over %s was moved beside %s", suffix, home.name)
    return None


def remove_with_companions(path: Path) -> None:
    """Delete a wallet file with its -wal, -shm and sidecar (only for copies and temporaries)."""
    for suffix in ("",) + _COMPANIONS:
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def keyring_works(slot: KeyringSlot) -> bool:
    """Whether the keyring keeps a value (a throwaway entry, written, read, removed)."""
    probe = "probe-" + new_wallet_id()
    try:
        slot.save(probe, new_data_key())
    except KeyringUnavailable:
        return False
    slot.forget(probe)
    return True


def require_unlock_path(keyring_ok: bool, passphrase: str | None) -> None:
    """Unattended use needs the keyring or a passphrase; say so before creating anything."""
    if not keyring_ok and not passphrase:
        raise LockedError(
            "No system keyring is available here, so the new wallet needs a passphrase: "
            "set LEARNER_WALLET_PASSPHRASE or use --passphrase-file.",
            "keyring unusable and no passphrase given",
        )


def set_passphrase(store: Store, passphrase: str, *, kdf: KdfParams = PASSPHRASE_KDF,
                   clock: Clock = system_clock) -> None:
    """Add or change the passphrase that unlocks the wallet (then back it up, see
    :func:`_backup_after_rewrap`)."""
    if len(passphrase) < 8:
        raise LockedError("Choose a passphrase of at least 8 characters.", "passphrase too short")
    if looks_like_recovery_key(passphrase):
        raise LockedError("That looks like a recovery key; choose a passphrase of your own.", "recovery-shaped")
    wallet_id = _wallet_id(store)
    store.set_meta(META_PASSPHRASE, wrap_with_passphrase(store.data_key, wallet_id, passphrase, kdf))
    log.info("wallet passphrase set")
    _backup_after_rewrap(store, clock)


def remove_passphrase(store: Store, *, clock: Clock = system_clock) -> bool:
    """Stop the passphrase from unlocking the wallet (the recovery key still does)."""
    if store.get_meta(META_RECOVERY) is None:
        raise LockedError("The wallet has no recovery key, so its passphrase cannot be removed.", "no recovery wrap")
    had = store.get_meta(META_PASSPHRASE) is not None
    if had:
        store.delete_meta(META_PASSPHRASE)
        _backup_after_rewrap(store, clock)
    return had


def replace_recovery_key(store: Store, *, clock: Clock = system_clock) -> str:
    """Make a new recovery key (the old one stops working); returns it to show once."""
    recovery = new_recovery_key()
    store.set_meta(META_RECOVERY, wrap_with_recovery(store.data_key, _wallet_id(store), recovery))
    log.info("wallet recovery key replaced")
    _backup_after_rewrap(store, clock)
    return recovery


def _backup_after_rewrap(store: Store, clock: Clock) -> None:
    """Older automatic backups keep the wrappings they were made with; a fresh one right
    after a change makes the newest backup open with the current secrets. Never raises."""
    from wallet.backup import backup_now

    if store.path is not None:
        backup_now(store, store.path.parent, clock=clock)


def _wallet_id(store: Store) -> str:
    raw = store.get_meta(META_WALLET_ID)
    if not raw:
        raise WalletCorrupt("The wallet's key information is missing.", "no wallet-id in meta")
    return raw.decode()
