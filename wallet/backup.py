"""Backups: automatic copies in rotation, exported files, and restoring from either.

*Automatic backups* are whole copies of the wallet database made with SQLite's backup
API into ``<home>/backups/``. Their records stay sealed under the data key and their
meta table carries the same key wrappings, so a backup opens with the wallet's
keyring entry, passphrase or recovery key and with nothing else. Each copy is
integrity-checked before (the source) and after (the copy) and recorded with its
SHA-256 in ``backups/manifest.json``; the newest ``backup.kept`` (7) are kept.

An *exported backup* is one file the learner keeps wherever they like, encrypted
under their recovery key or a passphrase of their choice; see docs/backup-format.md.
It restores by merging (add what is missing, keep everything present) or replacing.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from wallet.clock import Clock, system_clock
from wallet.errors import BackupError, StoreError, WalletCorrupt
from wallet.paths import ensure_private_dir
from wallet.settings import AUTO_BACKUP, BACKUPS_KEPT, Settings
from wallet.store import CLEAR_COLUMNS, WALLET_FILENAME, Store
from wallet.storefile import file_digest, legacy_header

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "learner-wallet-backups"
_NAME = re.compile(r"wallet-(\d{8}T\d{6}(?:\d{6})?Z)\.sqlite3")
AT_OPEN = timedelta(hours=24)  # back up at open when the newest copy is older than this
AT_CLOSE = timedelta(hours=1)  # ... and at close, after changes, at most this often


@dataclass(frozen=True)
class BackupInfo:
    """One automatic backup as the manifest records it."""

    path: Path
    created: datetime
    sha256: str
    size: int
    generation: int
    credentials: int
    ok: bool = True  # the file exists and matches its recorded SHA-256
    problem: str = ""


def backup_dir(home: Path) -> Path:
    return Path(home) / BACKUP_DIR


# ---------------------------------------------------------------- the manifest

def _read_manifest(folder: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads((folder / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("backup manifest unreadable, backups will be checked one by one: %s", exc)
        return []
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        return []
    return [e for e in doc.get("backups", []) if isinstance(e, dict) and _NAME.fullmatch(str(e.get("file", "")))]


def _write_manifest(folder: Path, entries: list[dict[str, Any]]) -> None:
    doc = {"format": MANIFEST_FORMAT, "version": 1, "backups": entries}
    write_private_file(folder / MANIFEST, json.dumps(doc, indent=2).encode())


def write_private_file(target: Path, data: bytes) -> None:
    """Write durably: a 0600 temp file beside the target, fsync, then rename over it."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _os_error(exc, target) from exc
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _os_error(exc: OSError, where: Path) -> StoreError:
    if exc.errno == 28:  # ENOSPC
        from wallet.errors import DiskFull

        return DiskFull("The disk is full, so the backup could not be written. Your wallet is unchanged.", f"{where}: {exc}")
    return BackupError("The backup could not be written.", f"{where}: {exc}")


def _entry_info(folder: Path, entry: dict[str, Any], *, verify: bool) -> BackupInfo:
    path = folder / entry["file"]
    info = BackupInfo(
        path=path,
        created=datetime.fromisoformat(entry["created"]),
        sha256=str(entry.get("sha256", "")),
        size=int(entry.get("size", 0)),
        generation=int(entry.get("generation", 0)),
        credentials=int(entry.get("credentials", 0)),
    )
    if not verify:
        return info
    if not path.is_file():
        return _bad(info, "the file is missing")
    if path.stat().st_size != info.size or file_digest(path) != info.sha256:
        return _bad(info, "the file does not match its recorded SHA-256")
    return info


def _bad(info: BackupInfo, problem: str) -> BackupInfo:
    from dataclasses import replace

    return replace(info, ok=False, problem=problem)


def find_backups(home: Path, *, include_bad: bool = False) -> list[BackupInfo]:
    """The automatic backups of the wallet in ``home``, newest first, each verified.

    A backup file the manifest does not list (the manifest was lost) is checked with
    SQLite's integrity check instead of its hash.
    """
    folder = backup_dir(home)
    if not folder.is_dir():
        return []
    entries = _read_manifest(folder)
    found = [_entry_info(folder, e, verify=True) for e in entries]
    listed = {e["file"] for e in entries}
    for path in folder.iterdir():
        if _NAME.fullmatch(path.name) and path.name not in listed:
            found.append(_unlisted_info(path))
    found.sort(key=lambda b: (b.created, b.generation), reverse=True)
    return found if include_bad else [b for b in found if b.ok]


def _unlisted_info(path: Path) -> BackupInfo:
    match = _NAME.fullmatch(path.name)
    assert match is not None
    stamp = match.group(1)
    created = datetime.strptime(stamp[:15], "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    info = BackupInfo(path, created, file_digest(path), path.stat().st_size, 0, 0)
    problem = _sqlite_problem(path)
    return _bad(info, problem) if problem else info


def _sqlite_problem(path: Path) -> str:
    """'' when the file is a sound SQLite database, else what is wrong with it."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "" if result == "ok" else f"integrity_check: {result}"


# ---------------------------------------------------------------- making automatic backups

def make_backup(store: Store, home: Path, *, clock: Clock = system_clock, keep: int | None = None) -> BackupInfo:
    """Copy the wallet into ``<home>/backups`` now, check the copy, rotate old ones."""
    check = store.integrity_check()
    if check != "ok":
        raise WalletCorrupt("The wallet is damaged, so it was not backed up over the good backups.", check)
    folder = ensure_private_dir(backup_dir(home))
    created = clock().astimezone(timezone.utc)
    name = f"wallet-{created.strftime('%Y%m%dT%H%M%S%fZ')}.sqlite3"
    target = folder / name
    for stale in folder.glob(".*.tmp"):  # left by a backup cut short
        stale.unlink(missing_ok=True)
    tmp = folder / f".{name}.tmp"
    try:
        store.backup_to(tmp)
        problem = _sqlite_problem(tmp)
        if problem:
            raise BackupError("The backup copy failed its check, so it was not kept.", problem)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _os_error(exc, target) from exc
    finally:
        tmp.unlink(missing_ok=True)
    entry = {
        "file": name,
        "created": created.isoformat(),
        "sha256": file_digest(target),
        "size": target.stat().st_size,
        "generation": store.generation(),
        "schema": store.schema_version(),
        "credentials": store.count()["credentials"],
    }
    entries = [e for e in _read_manifest(folder) if (folder / e["file"]).exists()]
    entries += _adopt_unlisted(folder, {e["file"] for e in entries} | {name}) + [entry]
    kept = keep if keep is not None else Settings(store).get(BACKUPS_KEPT)
    entries = _rotate(folder, entries, kept)
    _write_manifest(folder, entries)
    log.info("backup made: %s", name)
    return _entry_info(folder, entry, verify=False)


def _adopt_unlisted(folder: Path, listed: set[str]) -> list[dict[str, Any]]:
    """Backup files missing from the manifest (a backup cut short between its rename
    and the manifest update): sound ones join the rotation, unsound ones are removed."""
    adopted = []
    for path in folder.iterdir():
        if not _NAME.fullmatch(path.name) or path.name in listed:
            continue
        info = _unlisted_info(path)
        if not info.ok:
            path.unlink(missing_ok=True)
            continue
        adopted.append({"file": path.name, "created": info.created.isoformat(), "sha256": info.sha256,
                        "size": info.size, "generation": 0, "schema": 0, "credentials": 0})
    return adopted


def _rotate(folder: Path, entries: list[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    entries.sort(key=lambda e: e["created"])
    old, entries = entries[:-keep], entries[-keep:]
    for entry in old:
        (folder / entry["file"]).unlink(missing_ok=True)
    return entries


def backup_if_due(store: Store, home: Path, *, clock: Clock = system_clock, max_age: timedelta = AT_OPEN) -> BackupInfo | None:
    """Back up when the wallet changed since the newest backup and that is older than
    ``max_age``. Never raises: a failed automatic backup is logged, not fatal."""
    try:
        if not Settings(store).get(AUTO_BACKUP) or _is_empty(store):
            return None
        newest = _newest_recorded(home)
        if newest is not None:
            if newest.generation == store.generation():
                return None
            if clock() - newest.created < max_age:
                return None
        return make_backup(store, home, clock=clock)
    except Exception as exc:  # noqa: BLE001 - backups must never break opening or closing
        log.warning("automatic backup skipped: %s", exc)
        return None


def _newest_recorded(home: Path) -> BackupInfo | None:
    """The newest backup the manifest lists (not re-hashed: this runs at every open)."""
    folder = backup_dir(home)
    entries = [e for e in _read_manifest(folder) if (folder / e["file"]).is_file()]
    if not entries:
        return None
    return _entry_info(folder, max(entries, key=lambda e: e["created"]), verify=False)


def _is_empty(store: Store) -> bool:
    """A wallet with nothing of the learner's in it yet needs no backup."""
    return not any(store.row_keys(t) for t in ("credentials", "stacks", "identities"))


# ---------------------------------------------------------------- restoring the newest good backup

def restore_latest(home: Path, unlocker: Any, *, clock: Clock = system_clock) -> Any:
    """Put the newest good automatic backup in place and open it (a Wallet).

    A wallet file still present is set aside first, never deleted; then records that
    can still be read from the wallet set aside most recently (the damaged one) and
    that the backup lacks are merged back in, so changes since the backup survive
    whenever their records are intact.
    """
    from wallet import vault
    from wallet.service import open_wallet

    home = Path(home)
    good = find_backups(home)
    if not good:
        raise BackupError("There is no good backup of this wallet to restore.", str(backup_dir(home)))
    path = vault.wallet_path(home)
    if path.exists():
        vault.set_aside(path, clock)
    damaged = next(iter(vault.damaged_files(home)), None)
    for chosen in good:  # newest first; a copy that fails to open makes way for the next
        _put_in_place(home, chosen.path, clock)
        try:
            wallet = open_wallet(home, unlocker, clock=clock)
        except vault.DamagedWallet as exc:
            log.warning("backup %s did not open: %s", chosen.path.name, exc.detail)
            if exc.set_aside is not None:
                vault.remove_with_companions(exc.set_aside)  # only a copy; the backup file stays
            continue
        log.info("restored backup %s", chosen.path.name)
        if damaged is not None:
            salvage_into(wallet.store, damaged)
        return wallet
    raise BackupError("None of the backups of this wallet could be opened.", f"{len(good)} tried")


def _put_in_place(home: Path, source: Path, clock: Clock) -> None:
    from wallet import vault

    path = home / WALLET_FILENAME
    tmp = home / f".{WALLET_FILENAME}.restoring"
    write_private_file(tmp, source.read_bytes())
    vault.make_room(path, clock)  # a left-over log or state file must not meet the copy
    os.replace(tmp, path)


def salvage_into(store: Store, damaged: Path) -> int:
    """Merge into ``store`` the records of a damaged wallet file that still decrypt
    and are missing from ``store``; returns how many. Best effort: never raises."""
    recovered = 0
    try:
        with open(damaged, "rb") as fh:
            image = fh.read()
        db = sqlite3.connect(":memory:")
        try:
            db.deserialize(legacy_header(image))
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
