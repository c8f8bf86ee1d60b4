"""The wallet file on disk, below the Store: connecting, and the sidecar that notices damage.

Beside ``wallet.sqlite3`` lives ``wallet.sqlite3.state``: the write generation after
every commit (rewritten in place) and, after a clean close, the SHA-256 of the whole
file. :func:`check_file` compares that hash on open; :class:`wallet.store.Store`
compares the generation. See docs/backup-format.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from wallet.errors import DiskFull, StoreError, WalletCorrupt
from wallet.storeschema import check_meta, meta_from_rows

log = logging.getLogger(__name__)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".state")


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """The sidecar's record (generation, and the file hash after a clean close)."""
    try:
        data = json.loads(sidecar_path(path).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring an unreadable wallet state file: %s", exc)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("generation", 0), int):
        return None
    if "check" in data and data["check"] != record_check(data.get("generation", 0)):
        # A record torn by a power cut mid-rewrite could splice digits into a larger
        # generation and make a healthy wallet look older than it is: trust none of it.
        log.warning("ignoring a torn wallet state file")
        return None
    return data


def record_check(generation: int) -> str:
    """A short digest of the generation, so a torn in-place rewrite is recognised."""
    return hashlib.sha256(f"learner-wallet-state:{generation}".encode()).hexdigest()[:16]


def withdraw_clean(path: Path, sidecar: dict[str, Any] | None) -> None:
    """Durably take back the hash of the last clean close before SQLite may change the file.

    Opening the database folds a left-over write-ahead log into the file, and any
    session's close checkpoints into it; from then on that hash no longer describes
    the file, and a crash before the next clean close must not leave it standing.
    The record is rewritten in place (no new disk space needed, so this works on a
    full disk) and synced; failing that the sidecar is removed.
    """
    if not sidecar or not sidecar.get("clean"):
        return
    target = sidecar_path(path)
    try:
        fd = os.open(target, os.O_RDWR)
        try:
            os.pwrite(fd, _mark_record(int(sidecar.get("generation", 0))), 0)
            os.ftruncate(fd, _SIDECAR_RECORD)
            os.fsync(fd)
        finally:
            os.close(fd)
        return
    except OSError as exc:
        log.warning("could not rewrite the wallet state file, removing it: %s", exc)
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        raise StoreError(
            "The wallet could not be opened safely; check that its folder can be written.", f"{target}: {exc}"
        ) from exc


def write_sidecar(path: Path, generation: int, digest: str | None) -> None:
    """Replace the sidecar atomically (a temp file made 0600 first, then rename)."""
    record: dict[str, Any] = {"generation": generation, "check": record_check(generation)}
    if digest is not None:
        record.update(clean=True, sha256=digest)
    target = sidecar_path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
        os.replace(tmp, target)
    except OSError as exc:  # the sidecar is a safety net, never a reason to fail a write
        log.warning("could not update the wallet state file: %s", exc)


_SIDECAR_RECORD = 128  # bytes: a generation record is rewritten in place, padded to this


def _mark_record(generation: int) -> bytes:
    record = {"generation": generation, "check": record_check(generation)}
    return json.dumps(record).encode().ljust(_SIDECAR_RECORD, b" ")


class GenerationMark:
    """Records the generation after each commit by rewriting the sidecar in place
    (one pwrite: far cheaper than a rename per commit). If another process replaced
    the sidecar meanwhile, the new file is opened instead."""

    def __init__(self, path: Path) -> None:
        self._target = sidecar_path(path)
        self._fd: int | None = None

    def write(self, generation: int) -> None:
        record = _mark_record(generation)
        try:
            if self._fd is not None and os.fstat(self._fd).st_nlink == 0:
                self.close()
            if self._fd is None:
                self._fd = os.open(self._target, os.O_RDWR | os.O_CREAT, 0o600)
            os.pwrite(self._fd, record, 0)
            if os.fstat(self._fd).st_size > _SIDECAR_RECORD:
                os.ftruncate(self._fd, _SIDECAR_RECORD)
        except OSError as exc:  # the sidecar is a safety net, never a reason to fail a write
            log.warning("could not update the wallet state file: %s", exc)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_file_hash(path: Path, sidecar: dict[str, Any] | None) -> bool:
    """After a clean close the file must be byte-for-byte what was closed.

    Returns True when the hash was compared and matched (every record is then known
    to be exactly as written), False when there was nothing to compare against.
    """
    if not sidecar or not sidecar.get("clean") or not sidecar.get("sha256"):
        return False
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        log.info("wallet has a write-ahead log newer than its last clean close; hash not compared")
        withdraw_clean(path, sidecar)  # the next connection folds that log into the file
        return False
    if file_digest(path) != sidecar["sha256"]:
        raise WalletCorrupt(
            "The wallet file has been damaged since it was last closed, so it was not opened.",
            f"{path}: SHA-256 differs from the one recorded at the last clean close",
        )
    return True


def check_file(path: Path) -> bool:
    """Raise WalletCorrupt if the file changed since its last clean close; True when
    the file was proven identical to it."""
    return check_file_hash(Path(path), read_sidecar(Path(path)))


def connect(path: Path) -> sqlite3.Connection:
    """Open the database in WAL mode with full sync, after a quick integrity check.

    Only damage raises WalletCorrupt (which makes the caller set the file aside); a
    busy or unreadable file raises a plain StoreError and is left alone.
    """
    db = None
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")  # a deleted or rewritten row leaves no clear key behind
        ok = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        raise open_error(exc, path) from exc
    if ok != "ok":
        db.close()
        raise WalletCorrupt("The wallet file is damaged and cannot be opened.", f"{path}: quick_check: {ok}")
    return db


def open_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            "The wallet is busy in another window or program; close it there and try again.", f"{path}: {exc}"
        )
    if "unable to open" in text or "readonly" in text or "read-only" in text or "permission" in text:
        return StoreError(
            "The wallet file could not be opened; check that its folder can be read and written.", f"{path}: {exc}"
        )
    return WalletCorrupt("The wallet file is damaged and cannot be opened.", f"{path}: {exc}")


def legacy_header(image: bytes) -> bytes:
    """An in-memory database cannot use WAL: mark the image as rollback-journal."""
    if len(image) >= 20 and image[18:20] == b"\x02\x02":
        return image[:18] + b"\x01\x01" + image[20:]
    return image


def load_image(db: sqlite3.Connection, image: bytes) -> None:
    """Load a wallet image into an in-memory connection (sqlite3.DatabaseError when it
    is not a database: an empty image would otherwise raise MemoryError)."""
    if len(image) < 512:
        raise sqlite3.DatabaseError("file is not a database (too short)")
    db.deserialize(legacy_header(image))


def write_error(exc: sqlite3.DatabaseError) -> StoreError:
    text = str(exc).lower()
    if "full" in text:
        return DiskFull(
            "The disk is full, so nothing more could be saved. Everything saved before is safe.", str(exc)
        )
    if "i/o" in text or "disk" in text:
        return StoreError(
            "The wallet could not be written because of a disk error. Everything saved before is safe.",
            str(exc),
        )
    if "malformed" in text or "not a database" in text or "decode" in text:
        return WalletCorrupt("The wallet file is damaged.", str(exc))
    return StoreError("The wallet could not be written.", str(exc))


def read_error(exc: sqlite3.DatabaseError) -> StoreError:
    """What a failed read means: a busy file, or (anything else) a damaged one."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StoreError("The wallet is busy in another window or program; close it there and try again.", str(exc))
    if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):  # a closed wallet, not a damaged one
        return StoreError("The wallet was closed before this could be read.", str(exc))
    return WalletCorrupt("The wallet file is damaged.", str(exc))


def peek_meta(path: Path) -> dict[str, bytes]:
    """The clear meta table (wallet id, wrapped keys, key check) without the data key;
    WalletCorrupt when it does not match its checksum."""
    db = connect(Path(path))
    try:
        return _checked_meta(db)
    except sqlite3.DatabaseError as exc:
        raise open_error(exc, Path(path)) from exc
    finally:
        db.close()


def meta_from_image(image: bytes) -> dict[str, bytes]:
    """The clear meta table of a wallet image (a backup) held in memory, checked."""
    db = sqlite3.connect(":memory:")
    try:
        load_image(db, image)
        return _checked_meta(db)
    except sqlite3.DatabaseError as exc:
        raise WalletCorrupt("The backup is damaged and cannot be read.", str(exc)) from exc
    finally:
        db.close()


def _checked_meta(db: sqlite3.Connection) -> dict[str, bytes]:
    try:
        rows = db.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.DatabaseError as exc:
        if "no such table" not in str(exc):
            raise
        return {}  # a file created but never given a schema: it has no keys to offer
    meta = meta_from_rows(rows)
    check_meta(meta, db.execute("PRAGMA user_version").fetchone()[0])
    return meta
