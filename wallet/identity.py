"""The learner as a holder: Ed25519 signing keys and their did:key identities.

A bundle is signed by the holder, so the wallet needs a key of the learner's own. At
first use it makes one (Ed25519, did:key). The private key lives only inside the
store's sealed ``identities`` table (AES-GCM under the data key, bound to its row): it
is never written, logged or exported in clear. A learner may keep several identities
and pick one per receiver, so two employers cannot link what each was shown; one is
the default.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NewType

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wallet.clock import Clock, system_clock
from wallet.errors import NotFound, WalletError
from wallet.store import Store
from wallet.verify.keys import multikey_encode

log = logging.getLogger(__name__)

IdentityId = NewType("IdentityId", str)  # the did:key itself
KeySource = Callable[[], Ed25519PrivateKey]

TABLE = "identities"
DEFAULT_LABEL = "My identity"
_RECORD_VERSION = 1


def did_key_of(public_key: Ed25519PublicKey) -> str:
    """The did:key of an Ed25519 public key (multibase base58btc of 0xed01 + key)."""
    try:
        from wallet.verify.dids import did_key_from_public_key  # the verifier's own, when present
    except ImportError:
        return "did:key:" + multikey_encode(public_key)
    return did_key_from_public_key(public_key)


@dataclass(frozen=True)
class Identity:
    """One holder identity, as lists and pickers show it. Holds no private key."""

    id: IdentityId
    label: str
    created_at: datetime | None
    is_default: bool = False

    @property
    def did(self) -> str:
        return self.id

    @property
    def verification_method(self) -> str:
        """The did:key key id that proofs name: ``did:key:z...#z...``."""
        return f"{self.id}#{self.id.removeprefix('did:key:')}"

    @property
    def short(self) -> str:
        """A recognisable short form of the did for the screen."""
        tail = self.id.removeprefix("did:key:")
        return f"did:key:{tail[:8]}…{tail[-4:]}"


class Identities:
    """The holder identities kept in one wallet."""

    def __init__(self, store: Store, *, clock: Clock = system_clock,
                 key_source: KeySource = Ed25519PrivateKey.generate) -> None:
        self._store = store
        self._clock = clock
        self._key_source = key_source

    # -- reading

    def list(self) -> list[Identity]:
        """Every identity, oldest first."""
        return [_identity(key, stamp, value) for key, stamp, value in self._store.items(TABLE)]

    def get(self, did_or_label: str) -> Identity:
        """An identity by its did, a unique start of it, or its name."""
        every = self.list()
        for wanted in (lambda i: i.id == did_or_label, lambda i: i.label == did_or_label,
                       lambda i: i.id.startswith(did_or_label) and len(did_or_label) > 12):
            found = [i for i in every if wanted(i)]
            if len(found) == 1:
                return found[0]
        raise NotFound(f"There is no identity called {did_or_label!r} in this wallet.", did_or_label)

    def default(self) -> Identity:
        """The identity bundles are signed with unless the learner picks another.

        Made on first use, so a fresh wallet can share at once.
        """
        every = self.list()
        if not every:
            return self.create(DEFAULT_LABEL, default=True)
        for identity in every:
            if identity.is_default:
                return identity
        return every[0]

    ensure_default = default

    # -- changing

    def create(self, label: str = DEFAULT_LABEL, *, default: bool = False) -> Identity:
        """Make a new key pair and identity; the private key goes straight into the store."""
        label = _clean_label(label)
        private = self._key_source()
        did = IdentityId(did_key_of(private.public_key()))
        first = not self._store.items(TABLE)
        record = {
            "v": _RECORD_VERSION,
            "label": label,
            "type": "Ed25519",
            "default": default or first,
            "private_key": base64.b64encode(private.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                serialization.NoEncryption())).decode("ascii"),
        }
        if default and not first:
            self._clear_default()
        self._store.put(TABLE, did, record, stamp=self._clock())
        log.info("created a holder identity")  # its DID is personal: not in logs
        return self.get(did)

    def rename(self, did: str, label: str) -> Identity:
        identity = self.get(did)
        record = self._record(identity.id)
        record["label"] = _clean_label(label)
        self._put(identity, record)
        return self.get(identity.id)

    def set_default(self, did: str) -> Identity:
        identity = self.get(did)
        self._clear_default()
        record = self._record(identity.id)
        record["default"] = True
        self._put(identity, record)
        return self.get(identity.id)

    def delete(self, did: str) -> None:
        """Forget an identity. Bundles it signed stay valid; it cannot sign again."""
        identity = self.get(did)
        if len(self.list()) == 1:
            raise WalletError("This is your only identity; make another before removing it.", identity.id)
        self._store.delete(TABLE, identity.id)
        if identity.is_default:
            self.set_default(self.list()[0].id)

    # -- signing (for wallet.bundle only)

    def signing_key(self, did: str) -> Ed25519PrivateKey:
        """The private key of an identity, for signing a bundle in memory."""
        record = self._record(self.get(did).id)
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(record["private_key"]))

    # -- helpers

    def _record(self, did: str) -> dict[str, Any]:
        record = self._store.fetch(TABLE, did)
        if record is None:
            raise NotFound("There is no identity with that id in this wallet.", did)
        return record

    def _put(self, identity: Identity, record: dict[str, Any]) -> None:
        self._store.put(TABLE, identity.id, record, stamp=identity.created_at)

    def _clear_default(self) -> None:
        for key, stamp, value in self._store.items(TABLE):
            if value.get("default"):
                value["default"] = False
                self._store.put(TABLE, key, value, stamp=stamp)


def _identity(key: str, stamp: datetime | None, value: dict[str, Any]) -> Identity:
    return Identity(IdentityId(key), value.get("label") or DEFAULT_LABEL, stamp, bool(value.get("default")))


def _clean_label(label: str) -> str:
    label = " ".join(str(label).split())
    if not label:
        raise WalletError("An identity needs a name.", "empty label")
    return label[:80]
