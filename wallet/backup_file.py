"""Exported backup files: one encrypted file holding a whole wallet.

Layout (documented in docs/backup-format.md)::

    LEARNER-WALLET-BACKUP 1\\n            magic line with the format version
    {"format": ..., "lock": ..., ...}\\n   header: one line of JSON, in clear
    <AES-256-GCM ciphertext>              the rest; header lines are its associated data

The ciphertext holds zlib("LWB1" + data key + SQLite image of the wallet). The file
key comes from the learner's recovery key (HKDF-SHA256) or from a passphrase of their
choice (scrypt). The image's records stay sealed under the data key as in the wallet.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wallet import __version__
from wallet.clock import Clock, system_clock
from wallet.errors import BackupError, WalletCorrupt, WrongSecret
from wallet.keys import (
    META_RECOVERY,
    PASSPHRASE_KDF,
    KdfParams,
    hkdf_key,
    parse_recovery_key,
    scrypt_key,
    unwrap_with_recovery,
    wallet_id_of,
)
from wallet.store import Store, meta_from_image

log = logging.getLogger(__name__)

MAGIC = b"LEARNER-WALLET-BACKUP 1\n"
FORMAT = "learner-wallet-backup"
VERSION = 1
_INNER = b"LWB1"
_MAX_HEADER = 16 * 1024
_MAX_IMAGE = 4 * 1024**3


@dataclass(frozen=True)
class OpenedBackup:
    """A decrypted exported backup: its header, data key and wallet image."""

    header: dict[str, Any]
    data_key: bytes = field(repr=False)
    image: bytes = field(repr=False)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.header["created"])

    @property
    def wallet_id(self) -> str:
        return str(self.header.get("wallet_id", ""))

    def open_store(self) -> Store:
        """The backup as an in-memory store (nothing written to disk), fully checked."""
        return Store.from_bytes(self.image, self.data_key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _lock_for(kind: str, secret: str, params: KdfParams) -> tuple[dict[str, Any], bytes]:
    salt = os.urandom(16)
    if kind == "recovery":
        body = parse_recovery_key(secret)
        if body is None:
            raise WrongSecret("That is not a recovery key (it has eight groups of five characters).", "shape")
        return {"kind": "recovery", "kdf": {"name": "hkdf-sha256", "salt": _b64(salt)}}, hkdf_key(body, salt)
    if kind == "passphrase":
        if len(secret) < 8:
            raise WrongSecret("Choose a passphrase of at least 8 characters for the backup.", "too short")
        kdf = {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p, "salt": _b64(salt)}
        return {"kind": "passphrase", "kdf": kdf}, scrypt_key(secret, salt, params)
    raise ValueError(f"unknown lock kind {kind!r}")


def export_backup(
    store: Store,
    target: Path,
    *,
    kind: str,
    secret: str,
    data_key: bytes | None = None,
    kdf: KdfParams = PASSPHRASE_KDF,
    clock: Clock = system_clock,
) -> dict[str, Any]:
    """Write the whole wallet to ``target``, encrypted under the recovery key
    (``kind="recovery"``, which must be this wallet's own) or a passphrase.

    Slow (scrypt, compression): call it from a worker thread in the UI.
    """
    from wallet.backup import write_private_file

    data_key = store.data_key if data_key is None else data_key
    check = store.integrity_check()
    if check != "ok":
        raise WalletCorrupt("The wallet is damaged, so it was not exported.", check)
    meta = store.all_meta()
    wallet_id = wallet_id_of(meta)
    if kind == "recovery":
        parse_recovery_key(secret)  # a typo is reported as one
        wrapped = meta.get(META_RECOVERY)
        if wrapped is None or unwrap_with_recovery(wrapped, wallet_id, secret) != data_key:
            raise WrongSecret("That is not this wallet's recovery key. Nothing was exported.", "recovery unwrap failed")
    lock, file_key = _lock_for(kind, secret, kdf)
    image = store.image()
    nonce = os.urandom(12)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "created": clock().isoformat(),
        "app": f"learner-wallet {__version__}",
        "wallet_id": wallet_id,
        "schema": store.schema_version(),
        "counts": store.count(),
        "lock": lock,
        "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        "payload": {"compression": "zlib", "size": len(image), "sha256": hashlib.sha256(image).hexdigest()},
    }
    head = MAGIC + json.dumps(header, separators=(",", ":")).encode() + b"\n"
    body = AESGCM(file_key).encrypt(nonce, zlib.compress(_INNER + data_key + image, 6), head)
    write_private_file(Path(target), head + body)
    log.info("exported backup (%d bytes)", len(head) + len(body))
    return header


def read_header(path: Path) -> tuple[dict[str, Any], bytes, bytes]:
    """(header, header bytes, ciphertext) of an exported backup, without a secret."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError("The backup file could not be read.", f"{path}: {exc.strerror}") from exc
    if not data.startswith(MAGIC):
        if data.startswith(b"LEARNER-WALLET-BACKUP "):
            raise BackupError("This backup was made by a newer version of Learner Wallet; update the app.", data[:40].decode("ascii", "replace"))
        raise BackupError("This file is not a Learner Wallet backup.", f"{path}: no backup header")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    if end < 0:
        raise BackupError("The backup file is damaged.", "header line missing or too long")
    try:
        header = json.loads(data[len(MAGIC) : end])
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise ValueError(f"format {header.get('format')!r} version {header.get('version')!r}")
    except (ValueError, AttributeError) as exc:
        raise BackupError("The backup file is damaged.", f"bad header: {exc}") from exc
    return header, data[: end + 1], data[end + 1 :]


def open_backup(path: Path, secret: str) -> OpenedBackup:
    """Decrypt an exported backup with the recovery key or passphrase it was locked with."""
    header, head, body = read_header(path)
    try:
        key = _file_key(header["lock"], secret)
        nonce = base64.b64decode(header["cipher"]["nonce"])
        size = int(header["payload"]["size"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError("The backup file is damaged.", f"bad header field: {exc}") from exc
    try:
        packed = AESGCM(key).decrypt(nonce, body, head)
    except InvalidTag as exc:
        raise WrongSecret(
            f"That {_secret_name(header)} does not open this backup (or the file is damaged). Nothing was changed.",
            "AES-GCM authentication failed",
        ) from exc
    return _unpack(header, packed, size)


def _secret_name(header: dict[str, Any]) -> str:
    return "recovery key" if header.get("lock", {}).get("kind") == "recovery" else "passphrase"


def _file_key(lock: dict[str, Any], secret: str) -> bytes:
    kdf = lock["kdf"]
    salt = base64.b64decode(kdf["salt"])
    if lock["kind"] == "recovery":
        body = parse_recovery_key(secret)
        if body is None:
            raise WrongSecret("This backup is locked with a recovery key; enter the recovery key.", "not a recovery key")
        return hkdf_key(body, salt)
    if lock["kind"] == "passphrase" and kdf.get("name") == "scrypt":
        return scrypt_key(secret, salt, KdfParams(int(kdf["n"]), int(kdf["r"]), int(kdf["p"])))
    raise BackupError("This backup is locked in a way this version cannot open.", repr(lock.get("kind")))


def _unpack(header: dict[str, Any], packed: bytes, size: int) -> OpenedBackup:
    if not 0 < size <= _MAX_IMAGE:
        raise BackupError("The backup file is damaged.", f"image size {size}")
    inflater = zlib.decompressobj()
    try:
        plain = inflater.decompress(packed, len(_INNER) + 32 + size + 1)
    except zlib.error as exc:
        raise BackupError("The backup file is damaged.", f"zlib: {exc}") from exc
    if not plain.startswith(_INNER) or len(plain) != len(_INNER) + 32 + size:
        raise BackupError("The backup file is damaged.", "payload has the wrong shape")
    data_key, image = plain[4:36], plain[36:]
    if hashlib.sha256(image).hexdigest() != header["payload"].get("sha256"):
        raise BackupError("The backup file is damaged.", "image SHA-256 differs from the header")
    meta = meta_from_image(image)
    if wallet_id_of(meta) != header.get("wallet_id"):
        raise BackupError("The backup file is damaged.", "wallet id in image differs from the header")
    return OpenedBackup(header, data_key, image)
