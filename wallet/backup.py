"""Backups: automatic copies in rotation, exported files, and restoring from either.

*Automatic backups* are whole copies of the wallet database made with SQLite's backup
API into ``<home>/backups/``. Their records stay sealed under the data key and their
meta table carries the same key wrappings, so a backup opens with the wallet's
keyring entry, passphrase or recovery key and with nothing else. Each copy is
integrity-checked before (the source) and after (the copy) and recorded with its
SHA-256 and the wallet's id in ``backups/manifest.json``; the newest ``backup.kept``
(7) *of each wallet* are kept, so a new wallet started in the same folder never rotates
out the last backups of an earlier one.

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
from wallet.keys import META_WALLET_ID, wallet_id_of
from wallet.paths import ensure_private_dir
from wallet.settings import AUTO_BACKUP, BACKUPS_KEPT, Settings
from wallet.store import Store
from wallet.storefile import file_digest

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "learner-wallet-backups"
_NAME = re.compile(r"wallet-(\d{8}T\d{6}(?:\d{6})?Z)\.sqlite3")
AT_OPEN = timedelta(hours=24)  # back up at open when the newest copy is older than this
AT_CLOSE = timedelta(hours=1)  # ... and at close, after changes, at most this often
AFTER_IMPORT = timedelta(minutes=5)  # ... and after an import that added, at most this often


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
    wallet_id: str | None = None  # the wallet it is a copy of (None: not known)


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
        wallet_id=entry.get("wallet_id"),
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
    info = BackupInfo(path, created, file_digest(path), path.stat().st_size, 0, 0, wallet_id=file_wallet_id(path))
    problem = _sqlite_problem(path)
    return _bad(info, problem) if problem else info


def file_wallet_id(path: Path) -> str | None:
    """The wallet id recorded inside a wallet file or backup ('' for a wallet without
    one), or None when it cannot be read."""
    try:  # immutable: reading a set-aside WAL-mode file must not create a -wal beside it
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            row = db.execute("SELECT value FROM meta WHERE key=?", (META_WALLET_ID,)).fetchone()
        finally:
            db.close()
        return "" if row is None else bytes(row[0]).decode("ascii")
    except (sqlite3.DatabaseError, UnicodeDecodeError, TypeError):
        return None


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
    kept = keep if keep is not None else Settings(store).get(BACKUPS_KEPT)
    wallet_id = wallet_id_of(store.all_meta())
    _record(folder, None, kept, wallet_id)  # a copy a cut-short backup left unlisted is rotated in first
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
        "wallet_id": wallet_id,
    }
    _record(folder, entry, kept, wallet_id)
    log.info("backup made: %s", name)
    return _entry_info(folder, entry, verify=False)


def _record(folder: Path, new: dict[str, Any] | None, keep: int, wallet_id: str) -> None:
    """List ``new`` and any sound backup missing from the manifest, then rotate: a backup
    cut short between its rename and this step leaves one extra copy, never more."""
    entries = [e for e in _read_manifest(folder) if (folder / e["file"]).exists()]
    fresh = [new] if new is not None else []
    fresh = _adopt_unlisted(folder, {e["file"] for e in entries + fresh}) + fresh
    if not fresh:
        return
    entries += fresh
    for old in entries:
        if "wallet_id" not in old:  # listed before backups recorded their wallet
            old["wallet_id"] = file_wallet_id(folder / old["file"])
    _write_manifest(folder, _rotate(folder, entries, keep, wallet_id))


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
                        "size": info.size, "generation": 0, "schema": 0, "credentials": 0,
                        "wallet_id": info.wallet_id})
    return adopted


def _rotate(folder: Path, entries: list[dict[str, Any]], keep: int, wallet_id: str) -> list[dict[str, Any]]:
    """Remove all but the newest ``keep`` backups of this wallet; never another's (nor
    one whose wallet cannot be told)."""
    entries.sort(key=lambda e: e["created"])
    mine = [e for e in entries if e.get("wallet_id") == wallet_id]
    old = {e["file"] for e in mine[: max(len(mine) - keep, 0)]}
    for name in old:
        (folder / name).unlink(missing_ok=True)
    return [e for e in entries if e["file"] not in old]


def backup_if_due(store: Store, home: Path, *, clock: Clock = system_clock, max_age: timedelta = AT_OPEN) -> BackupInfo | None:
    """Back up when the wallet changed since its newest backup and that is older than
    ``max_age``. Never raises: a failed automatic backup is logged, not fatal."""
    def due() -> bool:
        if _is_empty(store):
            return False
        newest = _newest_recorded(home, wallet_id_of(store.all_meta()))
        return newest is None or (newest.generation != store.generation() and clock() - newest.created >= max_age)

    return _quietly(store, home, clock, due)


def backup_after_import(store: Store, home: Path, *, clock: Clock = system_clock) -> BackupInfo | None:
    """After an import that added credentials: the first import is backed up at once,
    later ones when the newest backup is more than a few minutes old (AFTER_IMPORT), so
    an import of many files makes one copy, not one per file."""
    return backup_if_due(store, home, clock=clock, max_age=AFTER_IMPORT)


def backup_now(store: Store, home: Path, *, clock: Clock = system_clock) -> BackupInfo | None:
    """Back up now (after a passphrase or recovery key change), unless automatic backups
    are turned off. Never raises."""
    return _quietly(store, home, clock, lambda: True)


def _quietly(store: Store, home: Path, clock: Clock, due: Any) -> BackupInfo | None:
    try:
        if not Settings(store).get(AUTO_BACKUP) or not due():
            return None
        return make_backup(store, home, clock=clock)
    except Exception as exc:  # noqa: BLE001 - backups must never break opening, closing or a change
        log.warning("automatic backup skipped: %s", exc)
        return None


def _newest_recorded(home: Path, wallet_id: str) -> BackupInfo | None:
    """The newest backup of this wallet the manifest lists (not re-hashed: this runs at
    every open)."""
    folder = backup_dir(home)
    entries = [e for e in _read_manifest(folder)
               if (folder / e["file"]).is_file() and e.get("wallet_id", wallet_id) == wallet_id]
    if not entries:
        return None
    return _entry_info(folder, max(entries, key=lambda e: e["created"]), verify=False)


def _is_empty(store: Store) -> bool:
    """A wallet with nothing of the learner's in it yet needs no backup."""
    counts = store.count()
    return not (counts["credentials"] or counts["trash"] or counts["stacks"] or store.rows_in("identities"))

