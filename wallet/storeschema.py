"""The wallet database's layout: its tables, how a row is sealed, and the migrations.

Every row of a sealed table is a few clear columns (its key and timestamps) and a
``blob``: the record sealed with AES-256-GCM under the data key. Since schema 3 the
associated data is the table name and *every* clear column of the row, so a changed
date, a row moved to the trash or to another parent, or a blob moved to another row
fails authentication like a changed ciphertext does.

In ``identities``, ``stacks`` and ``documents`` the natural key (a holder's DID, a
stack's id hash, an issuer's DID, a status list URL) would say something about the
learner, so the row key kept in clear is ``HMAC-SHA256(row-key key, table || 0x00 ||
natural key)`` in hex, the row-key key being derived from the data key with HKDF; the
natural key is sealed inside the record. Callers of :class:`wallet.store.Store` keep
passing natural keys. See docs/backup-format.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from wallet.errors import WalletCorrupt

SCHEMA_VERSION = 3
_NONCE = 12

# The clear columns of each sealed table (the first is the row's key), then "blob".
CLEAR_COLUMNS: dict[str, tuple[str, ...]] = {
    "credentials": ("id", "added_at", "trashed_at", "parent_id"),
    "reports": ("credential_id", "checked_at"),
    "settings": ("key",),
    "stacks": ("id", "added_at"),
    "identities": ("id", "created_at"),
    "documents": ("key", "kind", "fetched_at"),
}
OPAQUE_TABLES = frozenset({"stacks", "identities", "documents"})
_STAMPS = {"added_at", "trashed_at", "checked_at", "created_at", "fetched_at"}

Row = tuple[tuple[Any, ...], bytes]  # (clear columns with the natural key, the record's bytes)


class RecordCipher:
    """AES-256-GCM per record, and the keyed hash that makes row keys opaque."""

    def __init__(self, data_key: bytes) -> None:
        if len(data_key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(data_key)
        self.data_key = data_key  # kept for re-wrapping and exports; never logged
        self._row_key_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                                 info=b"learner-wallet row keys").derive(data_key)

    def seal(self, place: str, value: Any) -> bytes:
        return self.seal_bytes(place, json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    def seal_bytes(self, place: str | bytes, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, _bytes(place))

    def check(self, place: str | bytes, blob: bytes) -> None:
        """Authenticate a sealed record without parsing it."""
        self.open_bytes(place, blob)

    def open_bytes(self, place: str | bytes, blob: bytes) -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], _bytes(place))
        except (InvalidTag, TypeError, ValueError) as exc:
            raise WalletCorrupt(
                "Part of the wallet could not be decrypted: it was changed or damaged.",
                f"AES-GCM authentication failed for {_bytes(place)[:80].decode('utf-8', 'replace')}",
            ) from exc

    def open(self, place: str, blob: bytes) -> Any:
        return json.loads(self.open_bytes(place, blob))

    def row_key(self, table: str, natural: str) -> str:
        """The opaque key a row of ``table`` is stored under (see the module docstring)."""
        message = table.encode() + b"\0" + natural.encode("utf-8")
        return hmac.new(self._row_key_key, message, hashlib.sha256).hexdigest()


def _bytes(place: str | bytes) -> bytes:
    return place if isinstance(place, bytes) else place.encode()


def row_aad(table: str, clear: tuple[Any, ...]) -> bytes:
    """Schema 3's associated data: the table and every clear column, as a JSON array."""
    if not all(value is None or isinstance(value, str) for value in clear):
        raise WalletCorrupt("Part of the wallet is damaged.", f"a clear column of {table} is not text")
    return json.dumps([table, *clear], separators=(",", ":"), ensure_ascii=False).encode()


def seal_row(cipher: RecordCipher, table: str, clear: tuple[Any, ...], plain: bytes) -> tuple[tuple[Any, ...], bytes]:
    """(clear columns as stored, blob) for a row given with its natural key."""
    stored = clear
    if table in OPAQUE_TABLES:
        stored = (cipher.row_key(table, clear[0]), *clear[1:])
        plain = json.dumps(clear[0], ensure_ascii=False).encode() + b"\n" + plain
    return stored, cipher.seal_bytes(row_aad(table, stored), plain)


def open_row(cipher: RecordCipher, table: str, stored: tuple[Any, ...], blob: Any, *,
             schema: int = SCHEMA_VERSION) -> Row:
    """Authenticate a stored row; its clear columns with the natural key, and its record.

    Raises WalletCorrupt for a row that fails authentication or carries an unreadable
    date. ``schema`` below 3 reads rows sealed the old way (only the key as associated
    data), for the migration and for salvaging an older damaged file.
    """
    if not isinstance(blob, bytes):
        raise WalletCorrupt("Part of the wallet is damaged.", f"a record of {table} is not a blob")
    for name, value in zip(CLEAR_COLUMNS[table], stored):
        if name in _STAMPS:
            parse_stamp(value)
    if schema < 3:
        return stored, cipher.open_bytes(f"{table}:{stored[0]}", blob)
    plain = cipher.open_bytes(row_aad(table, stored), blob)
    if table not in OPAQUE_TABLES:
        return stored, plain
    head, _, plain = plain.partition(b"\n")
    try:
        natural = json.loads(head)
    except ValueError:
        natural = None
    if not isinstance(natural, str) or cipher.row_key(table, natural) != stored[0]:
        raise WalletCorrupt("Part of the wallet is damaged.", f"a record of {table} is not its row's own")
    return (natural, *stored[1:]), plain


def parse_stamp(text: Any) -> datetime | None:
    """A stored timestamp; WalletCorrupt (never a traceback) when it cannot be read."""
    if text is None or text == "":
        return None
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise WalletCorrupt("Part of the wallet is damaged: a date in it cannot be read.",
                            f"unreadable timestamp {str(text)[:40]!r}") from exc


# ---------------------------------------------------------------- the clear meta table

META_SUM = "meta-sum"


def meta_sum(meta: Mapping[str, bytes]) -> bytes:
    """SHA-256 over every other meta entry (wallet id, key wrappings, key check).

    Not a secret: it tells a damaged wrapping or wallet id apart from a wrong
    passphrase, and notices a damaged recovery-key wrapping while the wallet is being
    opened with the passphrase (it would otherwise fail only on the day it is needed).
    """
    digest = hashlib.sha256(b"learner-wallet meta")
    for key in sorted(k for k in meta if k != META_SUM):
        for part in (key.encode("utf-8", "surrogateescape"), meta[key]):
            digest.update(len(part).to_bytes(4, "big") + part)
    return digest.hexdigest().encode()


def meta_from_rows(rows: Any) -> dict[str, bytes]:
    """The meta table as a dict; WalletCorrupt when an entry is not a name and bytes."""
    meta = {}
    for key, value in rows:
        if not isinstance(key, str) or not isinstance(value, (bytes, str)):
            raise WalletCorrupt("The wallet's key information is damaged.", "a meta entry has the wrong type")
        meta[key] = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
    return meta


def check_meta(meta: Mapping[str, bytes], schema: int) -> None:
    """Raise WalletCorrupt when the meta table of a schema-3 wallet does not match its sum."""
    if schema >= 3 and meta.get(META_SUM) != meta_sum(meta):
        raise WalletCorrupt("The wallet's key information is damaged.", "the meta table does not match its checksum")


def update_meta_sum(db: sqlite3.Connection) -> None:
    """Record the sum of the meta table (inside the transaction that changed it)."""
    meta = meta_from_rows(db.execute("SELECT key, value FROM meta").fetchall())
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (META_SUM, meta_sum(meta)))


# ---------------------------------------------------------------- migrations

def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statements inside the caller's transaction (executescript would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _migrate_0_to_1(db: sqlite3.Connection, _cipher: RecordCipher) -> None:
    run_script(
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
        """,
    )


def _migrate_1_to_2(db: sqlite3.Connection, _cipher: RecordCipher) -> None:
    """Version 2 adds the write generation (see wallet.store)."""
    run_script(
        db,
        """
        CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
        INSERT INTO state(id, generation) VALUES (1, 0);
        """,
    )


def _migrate_2_to_3(db: sqlite3.Connection, cipher: RecordCipher) -> None:
    """Version 3 seals every row again with all its clear columns as associated data,
    stores identities, stacks and documents under opaque row keys, and sums the meta
    table."""
    for table, cols in CLEAR_COLUMNS.items():
        rows = [open_row(cipher, table, tuple(r)[:-1], r[-1], schema=2)
                for r in db.execute(f"SELECT {', '.join(cols)}, blob FROM {table}").fetchall()]
        sealed = [(*stored, blob) for stored, blob in (seal_row(cipher, table, clear, plain) for clear, plain in rows)]
        db.execute(f"DELETE FROM {table}")
        marks = ", ".join("?" * (len(cols) + 1))
        db.executemany(f"INSERT INTO {table}({', '.join(cols)}, blob) VALUES ({marks})", sealed)
    update_meta_sum(db)


# Each step needs the data key (to seal rows again) and runs in one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection, RecordCipher], None]] = {
    0: _migrate_0_to_1, 1: _migrate_1_to_2, 2: _migrate_2_to_3,
}
