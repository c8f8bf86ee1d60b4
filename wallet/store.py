"""The wallet file: one SQLite database, every personal record encrypted.

Each row keeps in clear only its id and timestamps; the rest is a JSON object sealed
with AES-GCM under the data key, with ``"<table>:<id>"`` as associated data, so a
record cannot be moved to another row or table without detection. Search runs in
memory after unlock.

The database runs in WAL mode with ``synchronous=FULL``; every write is one
transaction. The schema has a version in ``PRAGMA user_version``; each step up has one
migration function in ``_MIGRATIONS``.

Damage is looked for in layers: ``quick_check`` on open; a *generation* counter bumped
by every write transaction and mirrored in a small sidecar file (``<wallet>.state``),
so a lost write-ahead log shows as a wallet older than its sidecar; on a clean close
the sidecar also records the SHA-256 of the whole file, so any changed byte of a
wallet at rest is noticed; and :meth:`Store.verify_records` authenticates every
sealed record.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wallet.credential import (
    Alignment,
    Credential,
    CredentialId,
    Envelope,
    Format,
    Summary,
)
from wallet.errors import NotFound, StoreError, WalletCorrupt, WrongSecret
from wallet.storefile import (  # re-exported: callers know them as wallet.store names
    GenerationMark,
    check_file,
    check_file_hash,
    connect,
    file_digest,
    legacy_header,
    meta_from_image,
    peek_meta,
    read_sidecar,
    sidecar_path,
    withdraw_clean,
    write_error,
    write_sidecar,
)

log = logging.getLogger(__name__)

__all__ = [
    "CLEAR_COLUMNS",
    "SCHEMA_VERSION",
    "WALLET_FILENAME",
    "RecordCipher",
    "Store",
    "check_file",
    "meta_from_image",
    "peek_meta",
    "sidecar_path",
]

SCHEMA_VERSION = 2
WALLET_FILENAME = "wallet.sqlite3"
_NONCE = 12


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat() if dt else None


def _from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class RecordCipher:
    """AES-256-GCM per record; the associated data binds a record to its place."""

    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(data_key)
        self.data_key = data_key  # kept for re-wrapping and exports; never logged

    def seal(self, place: str, value: Any) -> bytes:
        return self.seal_bytes(place, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    def seal_bytes(self, place: str, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, place.encode())

    def check(self, place: str, blob: bytes) -> None:
        """Authenticate a sealed record without parsing it."""
        self.open_bytes(place, blob)

    def open_bytes(self, place: str, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], place.encode())
        except InvalidTag as exc:
            raise WalletCorrupt(
                "Part of the wallet could not be decrypted: it was changed or damaged.",
                f"AES-GCM authentication failed for {place}",
            ) from exc

    def open(self, place: str, blob: bytes) -> Any:
        return json.loads(self.open_bytes(place, blob))


# ---------------------------------------------------------------- schema and migrations

def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statements inside the caller's transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_0_to_1(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            added_at TEXT NOT NULL,
            trashed_at TEXT,
            parent_id TEXT,
            blob BLOB NOT NULL
        );
        CREATE INDEX credentials_parent ON credentials(parent_id);
        CREATE TABLE reports (
            credential_id TEXT PRIMARY KEY,
            checked_at TEXT NOT NULL,
            blob BLOB NOT NULL
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, blob BLOB NOT NULL);
        CREATE TABLE stacks (id TEXT PRIMARY KEY, added_at TEXT NOT NULL, blob BLOB NOT NULL);
        CREATE TABLE identities (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, blob BLOB NOT NULL);
        CREATE TABLE documents (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            blob BLOB NOT NULL
        );
        """
    )


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    """Version 2 adds the write generation (see the module docstring)."""
    _run_script(
        db,
        """
        CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
        INSERT INTO state(id, generation) VALUES (1, 0);
        """,
    )


_MIGRATIONS = {0: _migrate_0_to_1, 1: _migrate_1_to_2}
# The clear columns of each sealed table (the first is the row's key), then "blob".
CLEAR_COLUMNS = {
    "credentials": ("id", "added_at", "trashed_at", "parent_id"),
    "reports": ("credential_id", "checked_at"),
    "settings": ("key",),
    "stacks": ("id", "added_at"),
    "identities": ("id", "created_at"),
    "documents": ("key", "kind", "fetched_at"),
}
_SEALED_TABLES = {
    "credentials": "id",
    "reports": "credential_id",
    "settings": "key",
    "stacks": "id",
    "identities": "id",
    "documents": "key",
}


# ---------------------------------------------------------------- record (de)serialisation

def _summary_to_json(summary: Summary) -> dict[str, Any]:
    out = asdict(summary)
    for name in ("issued", "valid_from", "valid_until"):
        out[name] = _iso(getattr(summary, name))
    return out


_SUMMARY_FIELDS = frozenset(f.name for f in fields(Summary))


def _summary_from_json(data: dict[str, Any]) -> Summary:
    values = {k: v for k, v in data.items() if k in _SUMMARY_FIELDS}
    for name in ("issued", "valid_from", "valid_until"):
        values[name] = _from_iso(values.get(name))
    values["tags"] = tuple(values.get("tags") or ())
    values["types"] = tuple(values.get("types") or ())
    values["alignments"] = tuple(Alignment(**a) for a in values.get("alignments") or ())
    return Summary(**values)


def _credential_to_json(cred: Credential) -> dict[str, Any]:
    return {
        "raw": base64.b64encode(cred.raw).decode("ascii"),
        "envelope": cred.envelope.value,
        "format": cred.format.value,
        "signed": None if cred.signed == _raw_text(cred.raw) else cred.signed,
        "summary": _summary_to_json(cred.summary),
        "source": cred.source,
    }


def _raw_text(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _credential_from_row(row: sqlite3.Row, data: dict[str, Any]) -> Credential:
    raw = binascii.a2b_base64(data["raw"])
    signed = data["signed"] if data.get("signed") is not None else raw.decode("utf-8")
    return Credential(
        id=CredentialId(row["id"]),
        raw=raw,
        envelope=Envelope(data["envelope"]),
        format=Format(data["format"]),
        signed=signed,
        summary=_summary_from_json(data["summary"]),
        parent_id=CredentialId(row["parent_id"]) if row["parent_id"] else None,
        source=data.get("source", ""),
        added_at=_from_iso(row["added_at"]),
        trashed_at=_from_iso(row["trashed_at"]),
    )


# ---------------------------------------------------------------- the store

class Store:
    """The open wallet file. Thread-safe: one connection, serialised by a lock."""

    def __init__(self, db: sqlite3.Connection, cipher: RecordCipher, path: Path | None) -> None:
        self._db = db
        self._cipher = cipher
        self._lock = threading.RLock()
        self.path = path
        self._versioned = False  # True once the schema has the generation counter
        self._wrote = False  # a write happened since open (the sidecar is no longer "clean")
        self._closed = False
        self._mark = GenerationMark(path) if path is not None else None

    # -- opening

    @classmethod
    def open(cls, path: Path, data_key: bytes, *, create: bool = True, check_hash: bool = True) -> "Store":
        """Open (or create) the wallet at ``path`` with the unwrapped data key.

        Raises WalletCorrupt when the file is damaged (structure, a missing write-ahead
        log, or changed bytes since the last clean close) and WrongSecret when the key
        is not the wallet's own.
        """
        path = Path(path)
        existed = path.exists()
        if not existed and not create:
            raise NotFound("There is no wallet here.", str(path))
        if not existed:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        sidecar = read_sidecar(path)
        if existed and check_hash:
            check_file_hash(path, sidecar)
        # From here SQLite may change the file (closing even a read-only session
        # checkpoints a left-over write-ahead log into it); close() records a fresh hash.
        withdraw_clean(path, sidecar)
        db = connect(path)
        store = cls(db, RecordCipher(data_key), path)
        try:
            store._upgrade()
            store._check_key()
            store._check_generation(sidecar)
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def from_bytes(cls, image: bytes, data_key: bytes) -> "Store":
        """Open an in-memory copy of a wallet image (a backup), never touching disk."""
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            db.deserialize(legacy_header(image))
            ok = db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            db.close()
            raise WalletCorrupt("The backup is damaged and cannot be read.", str(exc)) from exc
        if ok != "ok":
            db.close()
            raise WalletCorrupt("The backup is damaged and cannot be read.", f"quick_check: {ok}")
        store = cls(db, RecordCipher(data_key), None)
        try:
            store._upgrade()
            store._check_key()
        except BaseException:
            db.close()
            raise
        return store

    def close(self) -> None:
        """Close, checkpoint, and record the file's hash as that of a clean close."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._mark is not None:
                self._mark.close()
            if self.path is None:
                self._db.close()
                return
            generation = self.generation()
            try:
                busy = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.DatabaseError:
                busy = 1
            self._db.close()
            write_sidecar(self.path, generation, file_digest(self.path) if busy == 0 else None)

    def _upgrade(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    "This wallet was saved by a newer version of Learner Wallet; update the app to open it.",
                    f"schema version {version} > {SCHEMA_VERSION}",
                )
            while version < SCHEMA_VERSION:
                with self.transaction() as db:
                    _MIGRATIONS[version](db)
                    version += 1
                    db.execute(f"PRAGMA user_version={version}")
                log.info("wallet schema upgraded to %d", version)
            self._versioned = True

    def _check_key(self) -> None:
        """A sealed known value proves the data key is the wallet's own."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='key-check'").fetchone()
            if row is None:
                with self.transaction() as db:
                    db.execute(
                        "INSERT INTO meta(key, value) VALUES ('key-check', ?)",
                        (self._cipher.seal("meta:key-check", "learner-wallet"),),
                    )
                return
            try:
                self._cipher.open("meta:key-check", row[0])
            except WalletCorrupt as exc:
                raise WrongSecret(
                    "That key does not open this wallet.", "key-check record did not decrypt"
                ) from exc

    def _check_generation(self, sidecar: dict[str, Any] | None) -> None:
        """A wallet older than its sidecar lost committed writes (e.g. its -wal file)."""
        if not sidecar:
            return
        expected, actual = int(sidecar.get("generation", 0)), self.generation()
        if actual < expected:
            raise WalletCorrupt(
                "Recent changes to the wallet are missing from its file, so it was not opened.",
                f"{self.path}: generation {actual} < {expected} recorded after the last write "
                "(the write-ahead log may have been lost)",
            )

    @property
    def data_key(self) -> bytes:
        """The unwrapped data key (to re-wrap it or export). Never log or persist it."""
        return self._cipher.data_key

    def generation(self) -> int:
        """How many write transactions this wallet has committed (0 before schema 2)."""
        with self._lock:
            try:
                return int(self._db.execute("SELECT generation FROM state WHERE id=1").fetchone()[0])
            except (sqlite3.OperationalError, TypeError):
                return 0

    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; a full disk or an I/O error leaves earlier commits intact."""
        with self._lock:
            generation = None
            try:
                self._db.execute("BEGIN IMMEDIATE")
                before = self._db.total_changes
                try:
                    yield self._db
                    if self._versioned and self._db.total_changes != before:
                        generation = self._db.execute(
                            "UPDATE state SET generation = generation + 1 WHERE id=1 RETURNING generation"
                        ).fetchone()[0]
                except BaseException:
                    self._rollback()
                    raise
                self._db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise write_error(exc) from exc
            if generation is not None:
                self._wrote = True
            if generation is not None and self._mark is not None:
                self._mark.write(generation)

    def _rollback(self) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:  # the original error is the one to report
            log.warning("rollback failed: %s", exc)

    def verify_records(self) -> int:
        """Authenticate every sealed record; raise WalletCorrupt at the first bad one.

        Returns how many records were checked. Cheap (AES-GCM only, no parsing), so
        opening a wallet runs it: a damaged record is found before the learner trusts it.
        """
        checked = 0
        with self._lock:
            for table, col in _SEALED_TABLES.items():
                for key, blob in self._db.execute(f"SELECT {col}, blob FROM {table}"):
                    self._cipher.check(f"{table}:{key}", blob)
                    checked += 1
        return checked

    def image(self) -> bytes:
        """A consistent copy of the whole database (through SQLite's backup API)."""
        with self._lock:
            mem = sqlite3.connect(":memory:")
            try:
                self._db.backup(mem)
                return mem.serialize()
            finally:
                mem.close()

    def backup_to(self, target: Path) -> None:
        """Copy the wallet, consistently, into a new file ``target`` (mode 0600)."""
        fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
        dest = sqlite3.connect(target)
        try:
            with self._lock:
                self._db.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.DatabaseError as exc:
            dest.close()
            target.unlink(missing_ok=True)
            raise write_error(exc) from exc
        dest.close()

    # -- meta (clear values: schema details, wrapped keys)

    def get_meta(self, key: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def set_meta(self, key: str, value: bytes) -> None:
        self.set_metas({key: value})

    def set_metas(self, values: dict[str, bytes]) -> None:
        """Write several meta values in one transaction."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))

    def delete_meta(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))

    def all_meta(self) -> dict[str, bytes]:
        with self._lock:
            rows = self._db.execute("SELECT key, value FROM meta").fetchall()
        return {r[0]: bytes(r[1]) for r in rows}

    # -- credentials

    def add(self, cred: Credential, *, added_at: datetime | None = None) -> bool:
        """Store a credential; False when one with the same content is already held."""
        added = added_at or cred.added_at or _now()
        blob = self._cipher.seal(f"credentials:{cred.id}", _credential_to_json(cred))
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM credentials WHERE id=?", (cred.id,)).fetchone()
            if exists:
                return False
            db.execute(
                "INSERT INTO credentials(id, added_at, trashed_at, parent_id, blob) VALUES (?,?,?,?,?)",
                (cred.id, _iso(added), None, cred.parent_id, blob),
            )
        return True

    def contains(self, cred_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM credentials WHERE id=?", (cred_id,)).fetchone() is not None

    def get(self, cred_id: str) -> Credential:
        with self._lock:
            row = self._db.execute("SELECT * FROM credentials WHERE id=?", (cred_id,)).fetchone()
        if row is None:
            raise NotFound("There is no credential with that id in the wallet.", cred_id)
        return self._load(row)

    def find(self, prefix: str) -> Credential:
        """The one credential whose id starts with ``prefix`` (the CLI's short ids)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM credentials WHERE id LIKE ? LIMIT 2", (prefix.lower() + "%",)
            ).fetchall()
        if not rows or not prefix:
            raise NotFound(f"There is no credential with the id {prefix!r} in the wallet.", prefix)
        if len(rows) > 1:
            raise NotFound(f"Several credentials have ids starting with {prefix!r}; give more characters.", prefix)
        return self._load(rows[0])

    def _load(self, row: sqlite3.Row) -> Credential:
        data = self._cipher.open(f"credentials:{row['id']}", row["blob"])
        return _credential_from_row(row, data)

    def credentials(self, *, trashed: bool = False) -> list[Credential]:
        """Credentials in the wallet (or in the trash), oldest first."""
        cond = "trashed_at IS NOT NULL" if trashed else "trashed_at IS NULL"
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM credentials WHERE {cond} ORDER BY added_at, id").fetchall()
        return [self._load(r) for r in rows]

    def children(self, parent_id: str) -> list[Credential]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM credentials WHERE parent_id=? ORDER BY added_at, id", (parent_id,)
            ).fetchall()
        return [self._load(r) for r in rows]

    def count(self) -> dict[str, int]:
        with self._lock:
            held = self._db.execute("SELECT count(*) FROM credentials WHERE trashed_at IS NULL").fetchone()[0]
            trash = self._db.execute("SELECT count(*) FROM credentials WHERE trashed_at IS NOT NULL").fetchone()[0]
            stacks = self._db.execute("SELECT count(*) FROM stacks").fetchone()[0]
        return {"credentials": held, "trash": trash, "stacks": stacks}

    def trash(self, cred_id: str, *, when: datetime | None = None) -> None:
        """Move a credential (and those it carries) to the trash."""
        stamp = _iso(when or _now())
        with self.transaction() as db:
            cur = db.execute("UPDATE credentials SET trashed_at=? WHERE id=? AND trashed_at IS NULL", (stamp, cred_id))
            if cur.rowcount == 0:
                raise NotFound("There is no credential with that id in the wallet.", cred_id)
            db.execute("UPDATE credentials SET trashed_at=? WHERE parent_id=? AND trashed_at IS NULL", (stamp, cred_id))

    def restore(self, cred_id: str) -> None:
        with self.transaction() as db:
            cur = db.execute("UPDATE credentials SET trashed_at=NULL WHERE id=? AND trashed_at IS NOT NULL", (cred_id,))
            if cur.rowcount == 0:
                raise NotFound("There is no credential with that id in the trash.", cred_id)
            db.execute("UPDATE credentials SET trashed_at=NULL WHERE parent_id=?", (cred_id,))

    def empty_trash(self) -> int:
        with self.transaction() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM credentials WHERE trashed_at IS NOT NULL")]
            db.executemany("DELETE FROM reports WHERE credential_id=?", [(i,) for i in ids])
            db.execute("DELETE FROM credentials WHERE trashed_at IS NOT NULL")
        return len(ids)

    # -- verification reports (stored as JSON made by wallet.verify)

    def save_report(self, cred_id: str, checked_at: datetime, report_json: dict[str, Any]) -> None:
        blob = self._cipher.seal(f"reports:{cred_id}", report_json)
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO reports(credential_id, checked_at, blob) VALUES (?,?,?)",
                (cred_id, _iso(checked_at), blob),
            )

    def report(self, cred_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT blob FROM reports WHERE credential_id=?", (cred_id,)).fetchone()
        return None if row is None else self._cipher.open(f"reports:{cred_id}", row[0])

    def reports(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT credential_id, blob FROM reports").fetchall()
        return {r[0]: self._cipher.open(f"reports:{r[0]}", r[1]) for r in rows}

    # -- generic sealed key/value tables: settings, stacks, identities, documents

    def put(self, table: str, key: str, value: Any, *, stamp: datetime | None = None, kind: str = "") -> None:
        blob = self._cipher.seal(f"{table}:{key}", value)
        ts = _iso(stamp or _now())
        with self.transaction() as db:
            if table == "settings":
                db.execute("INSERT OR REPLACE INTO settings(key, blob) VALUES (?,?)", (key, blob))
            elif table == "stacks":
                db.execute("INSERT OR REPLACE INTO stacks(id, added_at, blob) VALUES (?,?,?)", (key, ts, blob))
            elif table == "identities":
                db.execute("INSERT OR REPLACE INTO identities(id, created_at, blob) VALUES (?,?,?)", (key, ts, blob))
            elif table == "documents":
                db.execute(
                    "INSERT OR REPLACE INTO documents(key, kind, fetched_at, blob) VALUES (?,?,?,?)",
                    (key, kind, ts, blob),
                )
            else:
                raise ValueError(f"unknown table {table}")

    _KEYS = {"settings": "key", "stacks": "id", "identities": "id", "documents": "key"}
    _STAMPS = {"settings": None, "stacks": "added_at", "identities": "created_at", "documents": "fetched_at"}

    def fetch(self, table: str, key: str) -> Any | None:
        col = self._KEYS[table]
        with self._lock:
            row = self._db.execute(f"SELECT blob FROM {table} WHERE {col}=?", (key,)).fetchone()
        return None if row is None else self._cipher.open(f"{table}:{key}", row[0])

    def items(self, table: str, *, kind: str | None = None) -> list[tuple[str, datetime | None, Any]]:
        """(key, timestamp, value) of every row of a sealed table, oldest first."""
        col, stamp = self._KEYS[table], self._STAMPS[table]
        sql = f"SELECT {col} AS k, {stamp or 'NULL'} AS ts, blob FROM {table}"
        args: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE kind=?"
            args = (kind,)
        sql += f" ORDER BY {stamp or col}, {col}"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [(r["k"], _from_iso(r["ts"]), self._cipher.open(f"{table}:{r['k']}", r["blob"])) for r in rows]

    def delete(self, table: str, key: str) -> bool:
        col = self._KEYS[table]
        with self.transaction() as db:
            cur = db.execute(f"DELETE FROM {table} WHERE {col}=?", (key,))
        return cur.rowcount > 0

    # -- whole rows, for backups (merge restore) and their previews

    TABLES = tuple(CLEAR_COLUMNS)

    def row_keys(self, table: str) -> dict[str, tuple[Any, ...]]:
        """Every row's key with its clear columns (no decryption)."""
        cols = CLEAR_COLUMNS[table]
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        return {r[0]: tuple(r) for r in rows}

    def rows(self, table: str, keys: Any = None) -> list[tuple[tuple[Any, ...], bytes]]:
        """(clear columns, decrypted record bytes) of rows of a sealed table."""
        cols = CLEAR_COLUMNS[table]
        with self._lock:
            found = self._db.execute(f"SELECT {', '.join(cols)}, blob FROM {table}").fetchall()
        wanted = None if keys is None else set(keys)
        out = []
        for r in found:
            if wanted is None or r[0] in wanted:
                out.append((tuple(r)[:-1], self._cipher.open_bytes(f"{table}:{r[0]}", r["blob"])))
        return out

    def try_open(self, table: str, key: Any, blob: Any) -> bytes | None:
        """A record's bytes if ``blob`` is an intact record of this wallet, else None."""
        try:
            return self._cipher.open_bytes(f"{table}:{key}", bytes(blob))
        except (WalletCorrupt, TypeError, ValueError):
            return None

    def write_rows(self, table: str, rows: list[tuple[tuple[Any, ...], bytes]]) -> int:
        """Insert or replace whole rows (re-sealed under this wallet's key), atomically."""
        cols = CLEAR_COLUMNS[table]
        marks = ", ".join("?" * (len(cols) + 1))
        sealed = [(*clear, self._cipher.seal_bytes(f"{table}:{clear[0]}", plain)) for clear, plain in rows]
        with self.transaction() as db:
            db.executemany(f"INSERT OR REPLACE INTO {table}({', '.join(cols)}, blob) VALUES ({marks})", sealed)
        return len(sealed)

    def integrity_check(self) -> str:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0]
