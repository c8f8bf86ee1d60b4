"""Bringing back the newest good automatic backup (after damage, or with no wallet file).

Nothing on disk changes until the backup has been opened in memory with the learner's
key and every record in it authenticated: a wrong passphrase, or a backup that does
not open, leaves the folder exactly as it was, and a backup is never set aside as
damaged. Then a wallet file still present is set aside (``.replaced-``, never deleted),
the backup is copied into place and opened, and records of the set-aside or damaged
file that still authenticate and that the backup lacks are merged back in.

A backup keeps the key wrappings it was made with. Every change of passphrase or
recovery key is followed by a fresh backup (wallet.vault), so the newest opens with
the current secrets; when it does not, the learner is told which secret it wants.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wallet import restore, vault
from wallet.backup import BackupInfo, backup_dir, backup_if_due, file_wallet_id, find_backups
from wallet.clock import Clock, system_clock
from wallet.errors import BackupError, LockedError, WalletCorrupt, WrongSecret
from wallet.keys import META_PASSPHRASE, META_RECOVERY, Unlocker, unlock, wallet_id_of
from wallet.store import CLEAR_COLUMNS, Store
from wallet.storefile import load_image, meta_from_image

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    wallet: Any  # wallet.service.Wallet, open
    backup: BackupInfo


def restore_newest(home: Path, unlocker: Unlocker, *, clock: Clock = system_clock) -> Restored:
    """Put the newest good automatic backup in place and open it.

    Prefers the backups of the wallet that was set aside (or is still present), newest
    first; a backup that fails its checks makes way for the next. Raises BackupError
    when there is none to restore, WrongSecret / LockedError (nothing changed) when the
    secret given does not open the newest.
    """
    home = Path(home)
    path = vault.wallet_path(home)
    earlier = path if path.exists() else next(iter(vault.damaged_files(home)), None)
    candidates = _candidates(home, earlier)
    current = _reference_meta(earlier)
    keys: dict[str, bytes] = {}  # by wallet id: asked for once, not once per backup
    for chosen in candidates:
        image = chosen.path.read_bytes()
        try:
            meta = meta_from_image(image)
            wallet_id = wallet_id_of(meta)
            data_key = keys.get(wallet_id) or _key_for(meta, unlocker, chosen, current)
            keys[wallet_id] = data_key
            Store.from_bytes(image, data_key).close()  # every record authenticated, in memory
        except WalletCorrupt as exc:
            log.warning("backup %s does not open: %s", chosen.path.name, exc.detail)
            continue
        aside = restore.place_image(home, image, clock)
        try:
            wallet = open_with_known_key(home, data_key, clock=clock)
        except vault.DamagedWallet as exc:  # the copy, not the backup, failed (a disk error)
            if exc.set_aside is not None:
                vault.remove_with_companions(exc.set_aside)
            continue
        log.info("restored backup %s", chosen.path.name)
        source = aside or next(iter(vault.damaged_files(home)), None)
        if source is not None:
            salvage_into(wallet.store, source)
        return Restored(wallet, chosen)
    raise BackupError("None of the backups of this wallet could be opened.", f"{len(candidates)} tried")


def open_with_known_key(home: Path, data_key: bytes, *, clock: Clock = system_clock) -> Any:
    """Open the wallet in ``home`` (a Wallet) with a data key already proven on it (a
    backup just restored or installed): the checks of every open, and a backup when due."""
    from wallet.service import Wallet

    store = vault.open_with_key(home, data_key, clock=clock)
    backup_if_due(store, home, clock=clock)
    return Wallet(home, store, clock=clock)


def _candidates(home: Path, earlier: Path | None) -> list[BackupInfo]:
    good = find_backups(home)
    if not good:
        raise BackupError("There is no good backup of this wallet to restore.", str(backup_dir(home)))
    wallet_id = file_wallet_id(earlier) if earlier is not None else None
    own = [b for b in good if wallet_id is not None and b.wallet_id == wallet_id]
    return own or good


def _reference_meta(earlier: Path | None) -> Mapping[str, bytes] | None:
    """The key wrappings the wallet had last (from the file set aside), when readable."""
    if earlier is None:
        return None
    try:
        return meta_from_image(earlier.read_bytes())
    except (OSError, WalletCorrupt):
        return None


def _key_for(meta: Mapping[str, bytes], unlocker: Unlocker, chosen: BackupInfo,
             current: Mapping[str, bytes] | None) -> bytes:
    """The data key for a backup: the keyring or the secret given, else asking with a
    question that says which secret this backup wants."""
    hint = _which_secret(meta, current)
    try:
        return unlock(meta, Unlocker(keyring=unlocker.keyring, secret=unlocker.secret)).data_key
    except (WrongSecret, LockedError) as exc:
        if unlocker.ask is None or unlocker.secret is not None:
            raise type(exc)(
                (hint or f"That passphrase or recovery key does not open the backup of "
                 f"{chosen.created:%d %B %Y, %H:%M} UTC; if you changed either since, enter the one "
                 "you had then.") + " Nothing was changed.",
                exc.detail,
            ) from exc
    return unlock(meta, Unlocker(keyring=unlocker.keyring, ask=unlocker.ask, attempts=unlocker.attempts),
                  hint=hint).data_key


def _which_secret(backup: Mapping[str, bytes], current: Mapping[str, bytes] | None) -> str:
    """What to ask for when the backup's wrappings are older than the wallet's ('' when
    they are the same, or the wallet's are not known)."""
    if current is None:
        return ""
    passphrase = backup.get(META_PASSPHRASE) != current.get(META_PASSPHRASE)
    recovery = backup.get(META_RECOVERY) != current.get(META_RECOVERY)
    if passphrase and recovery:
        return ("This backup was made before you changed your passphrase and recovery key; enter the "
                "passphrase you had then, or your recovery key from then.")
    if passphrase:
        return ("This backup was made before you changed your passphrase; enter the passphrase you had "
                "then, or your recovery key.")
    if recovery:
        return ("This backup was made before you made a new recovery key; enter your passphrase, or the "
                "recovery key you had then.")
    return ""


# ---------------------------------------------------------------- salvage

def salvage_into(store: Store, damaged: Path) -> int:
    """Merge into ``store`` the records of a damaged wallet file that still decrypt
    and are missing from ``store``; returns how many. Best effort: never raises."""
    recovered = 0
    try:
        with open(damaged, "rb") as fh:
            image = fh.read()
        db = sqlite3.connect(":memory:")
        try:
            load_image(db, image)
            db.row_factory = sqlite3.Row
            recovered = _salvage_tables(store, db)
        finally:
            db.close()
    except Exception as exc:  # noqa: BLE001 - salvage is a bonus, the backup is already in place
        log.info("nothing more salvaged from %s: %s", damaged.name, type(exc).__name__)
    if recovered:
        log.info("salvaged %d records from %s", recovered, damaged.name)
    return recovered


def _salvage_tables(store: Store, db: sqlite3.Connection) -> int:
    schema = db.execute("PRAGMA user_version").fetchone()[0]
    total = 0
    for table, cols in CLEAR_COLUMNS.items():
        present = store.row_keys(table)
        try:
            rows = db.execute(f"SELECT {', '.join(cols)}, blob FROM {table}").fetchall()
        except sqlite3.DatabaseError:
            continue
        intact = (store.open_stored_row(table, tuple(row)[:-1], row["blob"], schema=schema) for row in rows)
        good = [row for row in intact if row is not None and row[0][0] not in present]
        if good:
            total += store.write_rows(table, good)
    return total
