"""The wallet file: one SQLite database, every personal record encrypted.

Each row keeps in clear only its key and timestamps; the rest is a JSON object sealed
with AES-GCM under the data key. The associated data is the table and every clear
column of the row, so neither a record nor a date, a trash mark or a parent link can
be changed or moved without detection; rows whose natural key says something about the
learner (holder DIDs, issuer DIDs, URLs) are stored under an opaque keyed hash of it.
Both are described in :mod:`wallet.storeschema`. Search runs in memory after unlock.

The database runs in WAL mode with ``synchronous=FULL``; every write is one
transaction. The schema has a version in ``PRAGMA user_version``; each step up has one
migration function in ``wallet.storeschema.MIGRATIONS``.

Damage is looked for in layers: ``quick_check`` on open; a *generation* counter bumped
by every write transaction and mirrored in a small sidecar file (``<wallet>.state``),
so a lost write-ahead log shows as a wallet older than its sidecar; on a clean close
the sidecar also records the SHA-256 of the whole file, so any changed byte of a
wallet at rest is noticed; and :meth:`Store.verify_records` authenticates every
sealed row with its clear columns.
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

from wallet.credential import (
    Alignment,
    Credential,
    CredentialId,
    Envelope,
    Format,
    Summary,
)
from wallet.errors import NotFound, StoreError, WalletCorrupt, WrongSecret
from wallet.storeschema import (  # CLEAR_COLUMNS, SCHEMA_VERSION, RecordCipher: also known as wallet.store names
    CLEAR_COLUMNS,
    MIGRATIONS,
    OPAQUE_TABLES,
    SCHEMA_VERSION,
    RecordCipher,
    Row,
    check_meta,
    meta_from_rows,
    open_row,
    parse_stamp,
    seal_row,
    update_meta_sum,
)
from wallet.storefile import (  # re-exported: callers know them as wallet.store names
    GenerationMark,
    check_file,
    check_file_hash,
    connect,
    file_digest,
    load_image,
    meta_from_image,
    peek_meta,
    read_error,
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

WALLET_FILENAME = "wallet.sqlite3"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(timezone.utc).isoformat() if dt else None


_from_iso = parse_stamp


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


def _credential_from(clear: tuple[Any, ...], data: dict[str, Any]) -> Credential:
    cred_id, added_at, trashed_at, parent_id = clear
    raw = binascii.a2b_base64(data["raw"])
    signed = data["signed"] if data.get("signed") is not None else raw.decode("utf-8")
    return Credential(
        id=CredentialId(cred_id),
        raw=raw,
        envelope=Envelope(data["envelope"]),
        format=Format(data["format"]),
        signed=signed,
        summary=_summary_from_json(data["summary"]),
        parent_id=CredentialId(parent_id) if parent_id else None,
        source=data.get("source", ""),
        added_at=_from_iso(added_at),
        trashed_at=_from_iso(trashed_at),
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
            check_meta(store.all_meta(), store.schema_version())
            store._check_generation(sidecar)
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def from_bytes(cls, image: bytes, data_key: bytes) -> "Store":
        """Open an in-memory copy of a wallet image (a backup), never touching disk,
        with every record authenticated (WalletCorrupt at the first that is not)."""
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            load_image(db, image)
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
            check_meta(store.all_meta(), store.schema_version())
            store.verify_records()
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
            if 0 < version < SCHEMA_VERSION:
                self._check_key()  # a wrong key must say so, not fail half way as "damage"
            while version < SCHEMA_VERSION:
                with self.transaction() as db:
                    MIGRATIONS[version](db, self._cipher)
                    version += 1
                    db.execute(f"PRAGMA user_version={version}")
                log.info("wallet schema upgraded to %d", version)
            self._versioned = True

    def _check_key(self) -> None:
        """A sealed known value proves the data key is the wallet's own."""
        with self._lock:
            row = next(iter(self._read("SELECT value FROM meta WHERE key='key-check'")), None)
            if row is None:
                with self.transaction() as db:
                    db.execute(
                        "INSERT INTO meta(key, value) VALUES ('key-check', ?)",
                        (self._cipher.seal("meta:key-check", "learner-wallet"),),
                    )
                    update_meta_sum(db)
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
        """Authenticate every sealed row with its clear columns; raise WalletCorrupt at
        the first bad one (a changed record, key, date or trash mark, or a date that
        cannot be read).

        Returns how many records were checked. Cheap (AES-GCM only, no parsing), so
        opening a wallet runs it: a damaged record is found before the learner trusts it.
        """
        checked = 0
        with self._lock:
            for table in CLEAR_COLUMNS:
                for row in self._select(table):
                    self._open_row(table, row)
                    checked += 1
        return checked

    # -- sealing rows (wallet.storeschema)

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a query; a file that cannot be read is WalletCorrupt (or busy), never
        a bare sqlite3 error."""
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise read_error(exc) from exc

    def _select(self, table: str, where: str = "", args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self._read(f"SELECT {', '.join(CLEAR_COLUMNS[table])}, blob FROM {table} {where}", args)

    def _open_row(self, table: str, row: sqlite3.Row) -> Row:
        values = tuple(row)
        return open_row(self._cipher, table, values[:-1], values[-1])

    def _seal_row(self, table: str, clear: tuple[Any, ...], plain: bytes) -> tuple[Any, ...]:
        """The values of an INSERT: stored clear columns, then the blob."""
        stored, blob = seal_row(self._cipher, table, clear, plain)
        return (*stored, blob)

    def _stored_key(self, table: str, key: str) -> str:
        return self._cipher.row_key(table, key) if table in OPAQUE_TABLES else key

    def _insert(self, db: sqlite3.Connection, table: str, values: list[tuple[Any, ...]]) -> None:
        cols = CLEAR_COLUMNS[table]
        marks = ", ".join("?" * (len(cols) + 1))
        db.executemany(f"INSERT OR REPLACE INTO {table}({', '.join(cols)}, blob) VALUES ({marks})", values)

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
        return self.all_meta().get(key)

    def set_meta(self, key: str, value: bytes) -> None:
        self.set_metas({key: value})

    def set_metas(self, values: dict[str, bytes]) -> None:
        """Write several meta values in one transaction."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))
            update_meta_sum(db)

    def delete_meta(self, key: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))
            update_meta_sum(db)

    def all_meta(self) -> dict[str, bytes]:
        return meta_from_rows(self._read("SELECT key, value FROM meta"))

    # -- credentials

    def add(self, cred: Credential, *, added_at: datetime | None = None) -> bool:
        """Store a credential; False when one with the same content is already held."""
        added = added_at or cred.added_at or _now()
        plain = _json_bytes(_credential_to_json(cred))
        values = self._seal_row("credentials", (cred.id, _iso(added), None, cred.parent_id), plain)
        with self.transaction() as db:
            exists = db.execute("SELECT 1 FROM credentials WHERE id=?", (cred.id,)).fetchone()
            if exists:
                return False
            db.execute("INSERT INTO credentials(id, added_at, trashed_at, parent_id, blob) VALUES (?,?,?,?,?)", values)
        return True

    def contains(self, cred_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM credentials WHERE id=?", (cred_id,)))

    def get(self, cred_id: str) -> Credential:
        rows = self._select("credentials", "WHERE id=?", (cred_id,))
        if not rows:
            raise NotFound("There is no credential with that id in the wallet.", cred_id)
        return self._load(rows[0])

    def find(self, prefix: str) -> Credential:
        """The one credential whose id starts with ``prefix`` (the CLI's short ids)."""
        rows = self._select("credentials", "WHERE id LIKE ? LIMIT 2", (prefix.lower() + "%",))
        if not rows or not prefix:
            raise NotFound(f"There is no credential with the id {prefix!r} in the wallet.", prefix)
        if len(rows) > 1:
            raise NotFound(f"Several credentials have ids starting with {prefix!r}; give more characters.", prefix)
        return self._load(rows[0])

    def _load(self, row: sqlite3.Row) -> Credential:
        clear, plain = self._open_row("credentials", row)
        try:
            return _credential_from(clear, json.loads(plain))
        except (KeyError, TypeError, ValueError) as exc:  # sealed by this wallet, so never expected
            raise WalletCorrupt("Part of the wallet is damaged.", f"credential record {clear[0]}: {exc!r}") from exc

    def credentials(self, *, trashed: bool = False) -> list[Credential]:
        """Credentials in the wallet (or in the trash), oldest first."""
        cond = "trashed_at IS NOT NULL" if trashed else "trashed_at IS NULL"
        return [self._load(r) for r in self._select("credentials", f"WHERE {cond} ORDER BY added_at, id")]

    def children(self, parent_id: str) -> list[Credential]:
        return [self._load(r) for r in self._select("credentials", "WHERE parent_id=? ORDER BY added_at, id",
                                                    (parent_id,))]

    def count(self) -> dict[str, int]:
        held = self._read("SELECT count(*) FROM credentials WHERE trashed_at IS NULL")[0][0]
        trash = self._read("SELECT count(*) FROM credentials WHERE trashed_at IS NOT NULL")[0][0]
        stacks = self._read("SELECT count(*) FROM stacks")[0][0]
        return {"credentials": held, "trash": trash, "stacks": stacks}

    def rows_in(self, table: str) -> int:
        """How many rows a sealed table holds (nothing decrypted)."""
        if table not in CLEAR_COLUMNS:
            raise ValueError(f"unknown table {table}")
        return int(self._read(f"SELECT count(*) FROM {table}")[0][0])

    def trash(self, cred_id: str, *, when: datetime | None = None) -> None:
        """Move a credential (and those it carries) to the trash."""
        if not self._mark_trashed(cred_id, _iso(when or _now()), "trashed_at IS NULL"):
            raise NotFound("There is no credential with that id in the wallet.", cred_id)

    def restore(self, cred_id: str) -> None:
        if not self._mark_trashed(cred_id, None, "trashed_at IS NOT NULL"):
            raise NotFound("There is no credential with that id in the trash.", cred_id)

    def _mark_trashed(self, cred_id: str, stamp: str | None, state: str) -> bool:
        """Set ``trashed_at`` of a credential and its children in ``state``, sealing each
        row again (the mark is part of its associated data); False if it is not there."""
        with self.transaction() as db:
            rows = self._select("credentials", f"WHERE (id=? OR parent_id=?) AND {state}", (cred_id, cred_id))
            if not any(r["id"] == cred_id for r in rows):
                return False
            values = []
            for row in rows:
                (key, added, _old, parent), plain = self._open_row("credentials", row)
                values.append(self._seal_row("credentials", (key, added, stamp, parent), plain))
            self._insert(db, "credentials", values)
        return True

    def empty_trash(self) -> int:
        with self.transaction() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM credentials WHERE trashed_at IS NOT NULL")]
            db.executemany("DELETE FROM reports WHERE credential_id=?", [(i,) for i in ids])
            db.execute("DELETE FROM credentials WHERE trashed_at IS NOT NULL")
        return len(ids)

    # -- verification reports (stored as JSON made by wallet.verify)

    def save_report(self, cred_id: str, checked_at: datetime, report_json: dict[str, Any]) -> None:
        values = self._seal_row("reports", (cred_id, _iso(checked_at)), _json_bytes(report_json))
        with self.transaction() as db:
            self._insert(db, "reports", [values])

    def report(self, cred_id: str) -> dict[str, Any] | None:
        rows = self._select("reports", "WHERE credential_id=?", (cred_id,))
        return json.loads(self._open_row("reports", rows[0])[1]) if rows else None

    def reports(self) -> dict[str, dict[str, Any]]:
        opened = (self._open_row("reports", r) for r in self._select("reports"))
        return {clear[0]: json.loads(plain) for clear, plain in opened}

    # -- generic sealed key/value tables: settings, stacks, identities, documents

    def put(self, table: str, key: str, value: Any, *, stamp: datetime | None = None, kind: str = "") -> None:
        """Keep ``value`` (JSON) under ``key`` in settings, stacks, identities or documents."""
        if table not in self._KEYS:
            raise ValueError(f"unknown table {table}")
        ts = _iso(stamp or _now())
        clear = {"settings": (key,), "documents": (key, kind, ts)}.get(table, (key, ts))
        values = self._seal_row(table, clear, _json_bytes(value))
        with self.transaction() as db:
            self._insert(db, table, [values])

    _KEYS = {"settings": "key", "stacks": "id", "identities": "id", "documents": "key"}
    _STAMPS = {"settings": None, "stacks": "added_at", "identities": "created_at", "documents": "fetched_at"}

    def fetch(self, table: str, key: str) -> Any | None:
        rows = self._select(table, f"WHERE {self._KEYS[table]}=?", (self._stored_key(table, key),))
        return json.loads(self._open_row(table, rows[0])[1]) if rows else None

    def items(self, table: str, *, kind: str | None = None) -> list[tuple[str, datetime | None, Any]]:
        """(key, timestamp, value) of every row of a sealed table, oldest first."""
        rows = self._select(table, "WHERE kind=?", (kind,)) if kind is not None else self._select(table)
        stamp = CLEAR_COLUMNS[table].index(self._STAMPS[table]) if self._STAMPS[table] else None
        opened = [self._open_row(table, r) for r in rows]
        opened.sort(key=lambda row: ((row[0][stamp] or "") if stamp is not None else "", row[0][0]))
        return [(clear[0], _from_iso(clear[stamp]) if stamp is not None else None, json.loads(plain))
                for clear, plain in opened]

    def delete(self, table: str, key: str) -> bool:
        with self.transaction() as db:
            cur = db.execute(f"DELETE FROM {table} WHERE {self._KEYS[table]}=?", (self._stored_key(table, key),))
        return cur.rowcount > 0

    # -- whole rows, for backups (merge restore) and their previews: always by natural key

    TABLES = tuple(CLEAR_COLUMNS)

    def row_keys(self, table: str) -> dict[str, tuple[Any, ...]]:
        """Every row's natural key with its clear columns (decrypting only where the
        stored key is opaque)."""
        if table in OPAQUE_TABLES:
            return {clear[0]: clear for clear, _plain in self.rows(table)}
        rows = self._read(f"SELECT {', '.join(CLEAR_COLUMNS[table])} FROM {table}")
        return {r[0]: tuple(r) for r in rows}

    def rows(self, table: str, keys: Any = None) -> list[Row]:
        """(clear columns with the natural key, record bytes) of rows of a sealed table."""
        wanted = None if keys is None else set(keys)
        out = []
        for row in self._select(table):
            if wanted is not None and table not in OPAQUE_TABLES and row[0] not in wanted:
                continue  # not opened at all
            clear, plain = self._open_row(table, row)
            if wanted is None or clear[0] in wanted:
                out.append((clear, plain))
        return out

    def open_stored_row(self, table: str, stored: tuple[Any, ...], blob: Any, *, schema: int = SCHEMA_VERSION) -> Row | None:
        """A row read straight from a wallet file of this data key (e.g. a damaged one),
        authenticated: its clear columns with the natural key and its record; None when
        it is not intact."""
        try:
            return open_row(self._cipher, table, tuple(stored), bytes(blob) if blob is not None else blob,
                            schema=schema)
        except (WalletCorrupt, TypeError, ValueError):
            return None

    def write_rows(self, table: str, rows: list[Row]) -> int:
        """Insert or replace whole rows (sealed under this wallet's key), atomically."""
        values = [self._seal_row(table, tuple(clear), plain) for clear, plain in rows]
        with self.transaction() as db:
            self._insert(db, table, values)
        return len(values)

    def integrity_check(self) -> str:
        return str(self._read("PRAGMA integrity_check")[0][0])


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
