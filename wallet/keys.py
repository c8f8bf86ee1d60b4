"""The data key and the ways to get it back: OS keyring, recovery key, passphrase.

A wallet is encrypted under one random 256-bit *data key*. That key is never written
in clear; it is kept in up to three *wrappings*, any one of which opens the wallet:

1. the OS keyring (through ``keyring``): written, then read back to prove it stuck;
   every call runs on a helper thread and is bounded in time, so a keyring daemon
   that hangs cannot hang the app;
2. a *recovery key* shown once at setup: 40 base32 characters in groups of five, the
   last two bytes a checksum so a typo is told apart from a wrong key; it wraps the
   data key through HKDF (it carries 184 bits of entropy, so no slow KDF is needed);
3. optionally a *passphrase*, stretched with scrypt (n = 2^17 by default).

Wrappings (2) and (3) are ciphertexts and live in clear in the store's ``meta`` table
as small JSON documents (see docs/backup-format.md). The keyring is never the only
copy: a wallet always has a recovery-key wrapping.

The key source is a seam: :class:`Unlocker` carries a keyring slot (any ``keyring``
backend; tests pass an in-memory one), a secret given up front (environment variable
or file, for unattended use) and a callback that asks the learner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from wallet.errors import LockedError, WalletCorrupt, WrongSecret

log = logging.getLogger(__name__)

KEYRING_SERVICE = "learner-wallet"
PASSPHRASE_ENV = "LEARNER_WALLET_PASSPHRASE"
META_WALLET_ID = "wallet-id"
META_RECOVERY = "wrap:recovery"
META_PASSPHRASE = "wrap:passphrase"
META_KEY_CHECK = "key-check"

_RECOVERY_RANDOM = 23  # bytes of entropy in a recovery key
_RECOVERY_CHECK = 2  # bytes of checksum appended
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})
_MAX_SCRYPT_N = 2**22  # refuse absurd parameters from a tampered file


# ---------------------------------------------------------------- KDF parameters

@dataclass(frozen=True)
class KdfParams:
    """scrypt cost parameters for passphrase wrappings.

    ``PASSPHRASE_KDF`` is what the app uses. Tests may pass ``FAST_TEST_KDF``
    explicitly (the parameters are stored with each wrapping, so a wallet made with
    them still opens with the production code); nothing selects it implicitly.
    """

    n: int = 2**17
    r: int = 8
    p: int = 1


PASSPHRASE_KDF = KdfParams()
FAST_TEST_KDF = KdfParams(n=2**10, r=8, p=1)


def scrypt_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    if not (2 <= params.n <= _MAX_SCRYPT_N) or params.n & (params.n - 1) or not 1 <= params.r <= 32 or not 1 <= params.p <= 16:
        raise WalletCorrupt("The wallet's key information is damaged.", f"bad scrypt parameters {params}")
    return Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(
        passphrase.encode("utf-8")
    )


def hkdf_key(secret: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"learner-wallet recovery key").derive(secret)


def new_data_key() -> bytes:
    return os.urandom(32)


def new_wallet_id() -> str:
    return base64.b32encode(os.urandom(10)).decode("ascii").lower()


# ---------------------------------------------------------------- recovery keys

def new_recovery_key() -> str:
    """A fresh recovery key, e.g. ``ABCDE-FGHIJ-...`` (8 groups of 5)."""
    body = os.urandom(_RECOVERY_RANDOM)
    return _format_recovery(body + _recovery_checksum(body))


def _recovery_checksum(body: bytes) -> bytes:
    return hashlib.sha256(b"learner-wallet recovery" + body).digest()[:_RECOVERY_CHECK]


def _format_recovery(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def parse_recovery_key(text: str) -> bytes | None:
    """The key's bytes, or None when ``text`` is not shaped like a recovery key.

    Spaces, dashes and case are ignored, and 0/1/8/9 are read as O/I/B/G.
    Raises WrongSecret when it has the right shape but the checksum shows a typo.
    """
    clean = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_LOOKALIKES)
    length = (_RECOVERY_RANDOM + _RECOVERY_CHECK) * 8 // 5
    if len(clean) != length or any(ch not in _B32 for ch in clean):
        return None
    raw = base64.b32decode(clean)
    body, check = raw[:_RECOVERY_RANDOM], raw[_RECOVERY_RANDOM:]
    if not hmac.compare_digest(check, _recovery_checksum(body)):
        raise WrongSecret(
            "That recovery key has a typing mistake in it; check each group of five characters.",
            "recovery key checksum mismatch",
        )
    return body


def looks_like_recovery_key(text: str) -> bool:
    try:
        return parse_recovery_key(text) is not None
    except WrongSecret:
        return True


# ---------------------------------------------------------------- wrappings

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _aad(kind: str, wallet_id: str) -> bytes:
    return f"learner-wallet data key|{kind}|{wallet_id}".encode()


def _seal_key(kind: str, wallet_id: str, kek: bytes, data_key: bytes, kdf: dict[str, Any]) -> bytes:
    nonce = os.urandom(12)
    wrapped = AESGCM(kek).encrypt(nonce, data_key, _aad(kind, wallet_id))
    doc = {"version": 1, "kind": kind, "kdf": kdf, "nonce": _b64(nonce), "wrapped": _b64(wrapped)}
    return json.dumps(doc, separators=(",", ":")).encode()


def _parse_wrap(blob: bytes) -> dict[str, Any]:
    """A wrapping document, every field checked: damage is WalletCorrupt, never a traceback."""
    try:
        doc = json.loads(blob)
        if doc.get("version") != 1:
            raise ValueError(f"wrapping version {doc.get('version')!r}")
        kdf = doc["kdf"]
        for text in (doc["nonce"], doc["wrapped"], kdf["salt"]):
            _unb64(text)
        if kdf.get("name") == "scrypt":
            doc["params"] = KdfParams(n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]))
        if not isinstance(doc["kind"], str):
            raise ValueError("kind is not text")
        return doc
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise WalletCorrupt("The wallet's key information is damaged.", f"bad key wrapping: {exc!r}") from exc


def wallet_id_of(meta: Mapping[str, bytes]) -> str:
    """The wallet id from the clear meta table ('' when there is none)."""
    try:
        return meta.get(META_WALLET_ID, b"").decode("ascii")
    except UnicodeDecodeError as exc:
        raise WalletCorrupt("The wallet's key information is damaged.", "the wallet id is not text") from exc


def _open_key(doc: dict[str, Any], wallet_id: str, kek: bytes) -> bytes | None:
    try:
        key = AESGCM(kek).decrypt(_unb64(doc["nonce"]), _unb64(doc["wrapped"]), _aad(doc["kind"], wallet_id))
    except (InvalidTag, KeyError, ValueError):
        return None
    return key if len(key) == 32 else None


def wrap_with_recovery(data_key: bytes, wallet_id: str, recovery_key: str) -> bytes:
    body = parse_recovery_key(recovery_key)
    if body is None:
        raise ValueError("not a recovery key")
    salt = os.urandom(16)
    kdf = {"name": "hkdf-sha256", "salt": _b64(salt)}
    return _seal_key("recovery", wallet_id, hkdf_key(body, salt), data_key, kdf)


def wrap_with_passphrase(data_key: bytes, wallet_id: str, passphrase: str, params: KdfParams = PASSPHRASE_KDF) -> bytes:
    if not passphrase:
        raise WrongSecret("The passphrase cannot be empty.", "empty passphrase")
    salt = os.urandom(16)
    kdf = {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p, "salt": _b64(salt)}
    return _seal_key("passphrase", wallet_id, scrypt_key(passphrase, salt, params), data_key, kdf)


def unwrap_with_recovery(blob: bytes, wallet_id: str, recovery_key: str) -> bytes | None:
    body = parse_recovery_key(recovery_key)
    if body is None:
        return None
    doc = _parse_wrap(blob)
    return _open_key(doc, wallet_id, hkdf_key(body, _unb64(doc["kdf"]["salt"])))


def unwrap_with_passphrase(blob: bytes, wallet_id: str, passphrase: str) -> bytes | None:
    doc = _parse_wrap(blob)
    kdf = doc["kdf"]
    if kdf.get("name") != "scrypt":
        raise WalletCorrupt("The wallet's key information is damaged.", f"unknown KDF {kdf.get('name')!r}")
    return _open_key(doc, wallet_id, scrypt_key(passphrase, _unb64(kdf["salt"]), doc["params"]))


def unwrap_with_secret(meta: Mapping[str, bytes], secret: str) -> bytes | None:
    """Try ``secret`` as the recovery key, then as the passphrase; None if neither fits.

    Raises WrongSecret for a recovery key with a typo (its checksum fails).
    """
    wallet_id = wallet_id_of(meta)
    secret = secret.strip("\r\n")
    if META_RECOVERY in meta and parse_recovery_key(secret) is not None:
        key = unwrap_with_recovery(meta[META_RECOVERY], wallet_id, secret)
        if key is not None:
            return key
    if META_PASSPHRASE in meta and secret:
        return unwrap_with_passphrase(meta[META_PASSPHRASE], wallet_id, secret)
    return None


# ---------------------------------------------------------------- the OS keyring

class KeyringUnavailable(LockedError):
    """The OS keyring cannot keep the key (no backend, locked, or it did not stick)."""


def default_keyring_backend() -> Any:
    """The keyring backend this process should use.

    Honours ``PYTHON_KEYRING_BACKEND`` afresh on every call (keyring itself caches
    its first choice, which would let one test's setting leak into the next).
    """
    import keyring
    import keyring.core

    name = os.environ.get("PYTHON_KEYRING_BACKEND")
    if name:
        return keyring.core.load_keyring(name)
    return keyring.get_keyring()


class KeyringSlot:
    """The data key's entry in an OS keyring, with every call bounded in time.

    Calls block the calling thread for at most ``timeout`` seconds, so the UI must
    call from a worker thread (a keyring unlock dialog can take that long).
    """

    def __init__(self, backend: Any = None, *, timeout: float = 10.0,
                 lookup: Callable[[], Any] = default_keyring_backend) -> None:
        self._backend = backend
        self._lookup = lookup  # finds the backend when none is given (a seam for tests)
        self._lookup_failed: KeyringUnavailable | None = None
        self.timeout = timeout

    @property
    def backend(self) -> Any:
        """The backend, found on first use within the time bound; KeyringUnavailable when
        it cannot be found (an unknown PYTHON_KEYRING_BACKEND, a lookup that hangs)."""
        if self._backend is None:
            if self._lookup_failed is not None:
                raise self._lookup_failed
            try:
                self._backend = self._call("lookup", self._lookup)
            except KeyringUnavailable as exc:
                self._lookup_failed = exc
                raise
        return self._backend

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:  # any backend failure means "not usable"
                box["error"] = exc

        worker = threading.Thread(target=run, name=f"keyring-{what}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise KeyringUnavailable(
                "The system keyring did not answer in time.", f"keyring {what} timed out after {self.timeout}s"
            )
        if "error" in box:
            exc = box["error"]
            raise KeyringUnavailable(
                "The system keyring is not available.", f"keyring {what}: {type(exc).__name__}"
            ) from None
        return box.get("value")

    def save(self, wallet_id: str, data_key: bytes) -> None:
        """Store the key and read it back; raise KeyringUnavailable if it did not stick."""
        value = _b64(data_key)
        backend = self.backend
        self._call("set", lambda: backend.set_password(KEYRING_SERVICE, wallet_id, value))
        back = self._call("get", lambda: backend.get_password(KEYRING_SERVICE, wallet_id))
        if back != value:
            raise KeyringUnavailable(
                "The system keyring did not keep the wallet's key.",
                f"read-back after set differs ({type(backend).__name__})",
            )
        log.info("wallet key stored in the system keyring (%s)", type(backend).__name__)

    def load(self, wallet_id: str) -> bytes | None:
        backend = self.backend
        value = self._call("get", lambda: backend.get_password(KEYRING_SERVICE, wallet_id))
        if not value:
            return None
        try:
            key = _unb64(value)
        except ValueError:
            return None
        return key if len(key) == 32 else None

    def forget(self, wallet_id: str) -> None:
        backend = self.backend
        try:
            self._call("delete", lambda: backend.delete_password(KEYRING_SERVICE, wallet_id))
        except KeyringUnavailable:
            log.info("no keyring entry to forget")


# ---------------------------------------------------------------- the key source

@dataclass(frozen=True)
class Prompt:
    """What the wallet asks the learner for when it cannot unlock by itself."""

    message: str
    attempt: int  # 1 for the first ask, 2 after one wrong answer, ...
    has_passphrase: bool


Ask = Callable[[Prompt], "str | None"]


@dataclass
class Unlocker:
    """Where the data key comes from: the seam that tests and front ends fill in.

    ``keyring``: a :class:`KeyringSlot`, or None for no keyring at all.
    ``secret``: a passphrase or recovery key given up front (env var, file).
    ``ask``: called to ask the learner (returns None when they give up).
    ``attempts``: how many times ``ask`` is called before giving up.
    """

    keyring: KeyringSlot | None = None
    secret: str | None = None
    ask: Ask | None = None
    attempts: int = 3


def check_key(meta: Mapping[str, bytes], key: bytes) -> bool:
    """True when ``key`` decrypts the wallet's key-check record."""
    blob = meta.get(META_KEY_CHECK)
    if blob is None or len(key) != 32:
        return False
    try:
        AESGCM(key).decrypt(blob[:12], blob[12:], b"meta:key-check")
    except InvalidTag:
        return False
    return True


@dataclass(frozen=True)
class Unlocked:
    """The result of unlocking: the key, and how it was obtained."""

    data_key: bytes = field(repr=False)
    via: str  # "keyring", "secret", "prompt"
    keyring_ok: bool  # the keyring holds the key now


def unlock(meta: Mapping[str, bytes], unlocker: Unlocker, *, hint: str | None = None) -> Unlocked:
    """Find the data key for the wallet described by ``meta`` (its clear meta table).

    Order: the keyring, then the secret given up front, then asking (with ``hint`` as
    the first question, when given). A key found by a secret is put (back) in the
    keyring, so a wiped keyring heals itself.
    """
    wallet_id = wallet_id_of(meta)
    slot = unlocker.keyring if wallet_id else None
    if slot is not None:
        try:
            key = slot.load(wallet_id)
        except KeyringUnavailable as exc:
            log.info("keyring not usable: %s", exc.detail)
            key, slot = None, None
        if key is not None and check_key(meta, key):
            return Unlocked(key, "keyring", True)
    if unlocker.secret is not None:
        key = unwrap_with_secret(meta, unlocker.secret)
        if key is not None and not check_key(meta, key):
            raise _damaged_key_check()
        if key is None:
            raise WrongSecret(
                "That passphrase or recovery key does not open this wallet. Nothing was changed.",
                "supplied secret did not unwrap the data key",
            )
        return Unlocked(key, "secret", _remember(slot, wallet_id, key))
    if unlocker.ask is None:
        raise LockedError(
            "The wallet is locked: give its passphrase or recovery key.",
            "no keyring entry, no secret and no way to ask",
        )
    key = _ask_until_right(meta, unlocker, hint)
    return Unlocked(key, "prompt", _remember(slot, wallet_id, key))


def _ask_until_right(meta: Mapping[str, bytes], unlocker: Unlocker, hint: str | None) -> bytes:
    assert unlocker.ask is not None
    has_pass = META_PASSPHRASE in meta
    message = hint or ("Enter your wallet passphrase or recovery key" if has_pass else "Enter your recovery key")
    for attempt in range(1, unlocker.attempts + 1):
        answer = unlocker.ask(Prompt(message, attempt, has_pass))
        if answer is None:
            raise LockedError("The wallet stays locked.", "the learner cancelled the prompt")
        try:
            key = unwrap_with_secret(meta, answer)
        except WrongSecret as exc:
            message = exc.message
            continue
        if key is not None and check_key(meta, key):
            return key
        if key is not None:
            raise _damaged_key_check()
        message = "That does not open this wallet; try again"
    raise WrongSecret(
        "That passphrase or recovery key does not open this wallet. Nothing was changed.",
        f"{unlocker.attempts} wrong attempts",
    )


def _damaged_key_check() -> WalletCorrupt:
    """The secret opened its wrapping (so it is right) but the key check failed."""
    return WalletCorrupt(
        "The wallet's key check record is damaged.",
        "data key unwrapped and authenticated, but the key-check record did not decrypt",
    )


def _remember(slot: KeyringSlot | None, wallet_id: str, key: bytes) -> bool:
    """Put the key (back) in the keyring after a secret opened the wallet."""
    if slot is None:
        return False
    try:
        slot.save(wallet_id, key)
    except KeyringUnavailable as exc:
        log.info("could not store the key in the keyring: %s", exc.detail)
        return False
    return True
