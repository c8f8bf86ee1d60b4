"""From a verification method to a public key and where it was published, offline.

did:key and did:jwk carry the key in the identifier, so they resolve here. did:web and
https key documents live on the network: they resolve only from ``env.documents`` (the
cache the status-and-trust work fills when the learner allows it); without a cached
copy the answer is :class:`KeyUnavailable`, which a report shows as "cannot be checked
offline", never as a failure.

A resolved key says whose identifier or document it was read from (``published_by``)
and what that document *claims* controls it (``claimed_controller``). The claim is
written by whoever publishes the key, so it never makes a key the issuer's: that is
decided from the issuer's side, in :mod:`wallet.verify.binding`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.environment import VerifyEnvironment


class KeyProblem(Exception):
    """Resolving a verification method did not give a usable key."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class KeyUnavailable(KeyProblem):
    """The key lives behind the network and no cached copy is at hand."""


class KeyInvalid(KeyProblem):
    """The verification method is malformed, unsupported or names no usable key."""


SIGNING_PURPOSES = frozenset({"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"})


@dataclass(frozen=True)
class ResolvedKey:
    """A public key, whose identifier or document it came from, and what it may sign."""

    id: str  # the verification method id as resolved
    published_by: str  # the DID or URL (no fragment) whose document holds the key; "" for a key carried inline
    public_key: k.PublicKey
    source: str  # "did:key", "did:jwk", "did:web (cached ...)", "jwk in header", ...
    self_asserted: bool = False
    # The verification relationships the key's own document lists it under. None: a
    # standalone key document, which cannot say; its controller's listing decides.
    purposes: frozenset[str] | None = None
    fetched_at: datetime | None = None  # when its (did:web, https) document was saved, for the report
    claimed_controller: str = ""  # what the key's document says controls it: a claim, never proof

    @property
    def key_type(self) -> str:
        return k.key_type(self.public_key)

    def allows(self, purpose: str) -> bool:
        """Whether the key's own document lets it sign for ``purpose`` (a key listed
        under no purpose signs nothing)."""
        return self.purposes is None or purpose in self.purposes


# -- did:key


def did_key_from_public_key(public_key: k.PublicKey | k.PrivateKey) -> str:
    """did:key for an Ed25519, P-256 or P-384 key (multicodec, base58btc)."""
    return "did:key:" + k.multikey_encode(k.public_of(public_key))


def verification_method_for(public_key: k.PublicKey | k.PrivateKey) -> str:
    """The did:key verification method id (DID + ``#`` + the key's multibase)."""
    did = did_key_from_public_key(public_key)
    return f"{did}#{did[len('did:key:'):]}"


def resolve_did_key(did_url: str) -> ResolvedKey:
    """did:key with or without a fragment; a fragment must repeat the key."""
    did, _, fragment = did_url.partition("#")
    value = did[len("did:key:") :]
    if not value.startswith("z"):
        raise KeyInvalid("The signing key identifier is not a valid did:key.", f"{did}: expected base58btc 'z'")
    if fragment and fragment != value:
        raise KeyInvalid(
            "The signing key identifier does not match its DID.", f"fragment #{fragment} is not the key {value}"
        )
    try:
        key = k.multikey_decode(value)
    except k.KeyError_ as exc:
        raise KeyInvalid("The signing key identifier is not a valid did:key.", f"{did}: {exc}") from None
    return ResolvedKey(id=f"{did}#{value}", published_by=did, public_key=key, source="did:key",
                       purposes=SIGNING_PURPOSES, claimed_controller=did)


def resolve_did_jwk(did_url: str) -> ResolvedKey:
    did, _, fragment = did_url.partition("#")
    if fragment not in ("", "0"):
        raise KeyInvalid("The signing key identifier is not a valid did:jwk.", f"unknown fragment #{fragment}")
    try:
        jwk = json.loads(mb.b64url_decode(did[len("did:jwk:") :]))
        key = k.jwk_to_key(jwk)
    except (mb.EncodingError, ValueError, k.KeyError_) as exc:
        raise KeyInvalid("The signing key identifier is not a valid did:jwk.", f"{did}: {exc}") from None
    if isinstance(jwk, dict) and "d" in jwk:
        raise KeyInvalid("The signing key identifier exposes a private key.", "did:jwk carries 'd'")
    # did:jwk: a key marked for encryption only is listed under keyAgreement, nothing else
    purposes = frozenset() if isinstance(jwk, dict) and jwk.get("use") == "enc" else SIGNING_PURPOSES
    return ResolvedKey(id=f"{did}#0", published_by=did, public_key=key, source="did:jwk",
                       purposes=purposes, claimed_controller=did)


# -- documents from the cache


def key_from_method(vm: dict[str, Any]) -> k.PublicKey:
    """The public key a verification method object carries, in any common encoding."""
    if "publicKeyMultibase" in vm:
        value = vm["publicKeyMultibase"]
        if vm.get("type") == "Ed25519VerificationKey2018":  # some write raw base58 here
            return _ed25519_raw(mb.multibase_decode(value))
        raw = mb.multibase_decode(value) if isinstance(value, str) else b""
        if vm.get("type") == "Ed25519VerificationKey2020" and len(raw) == 32:
            return _ed25519_raw(raw)
        return k.multikey_decode(value)
    if "publicKeyBase58" in vm:
        return _ed25519_raw(mb.b58decode(vm["publicKeyBase58"]))
    if "publicKeyJwk" in vm:
        return k.jwk_to_key(vm["publicKeyJwk"])
    if "publicKeyPem" in vm:
        return k.pem_to_key(vm["publicKeyPem"])
    raise k.KeyError_("the verification method carries no public key")


def _ed25519_raw(raw: bytes) -> k.PublicKey:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    if len(raw) != 32:
        raise k.KeyError_("an Ed25519 key has 32 bytes")
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


def _find_method(document: dict[str, Any], vm_id: str) -> dict[str, Any] | None:
    base = document.get("id", "")
    for section in ("verificationMethod", "assertionMethod", "authentication", "publicKey"):
        for entry in _as_list(document.get(section)):
            if isinstance(entry, dict) and _same_id(entry.get("id", ""), vm_id, base):
                return entry
    return None


def listed_for(document: dict[str, Any], section: str) -> dict[str, dict[str, Any] | None]:
    """The key ids a document lists under ``section`` (a verification relationship such
    as ``assertionMethod``, or OB 2.0's ``publicKey``), made absolute, each with the
    method object when the document embeds it there or in ``verificationMethod``."""
    base = str(document.get("id", ""))
    described = {}
    for entry in _as_list(document.get("verificationMethod")):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            described[_absolute(entry["id"], base)] = entry
    found: dict[str, dict[str, Any] | None] = {}
    for entry in _as_list(document.get(section)):
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(ref, str) and ref:
            ref = _absolute(ref, base)
            found[ref] = entry if isinstance(entry, dict) else described.get(ref)
    return found


def _purposes(document: dict[str, Any], vm_id: str) -> frozenset[str]:
    return frozenset(p for p in sorted(SIGNING_PURPOSES) if vm_id in listed_for(document, p))


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _same_id(candidate: str, wanted: str, base: str) -> bool:
    return _absolute(candidate, base) == wanted


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resolve_cached(vm_id: str, env: VerifyEnvironment) -> ResolvedKey:
    """did:web and https verification methods, from ``env.documents`` only."""
    base = vm_id.partition("#")[0]
    cached = None
    if env.documents is not None:
        cached = env.documents.lookup(vm_id) or env.documents.lookup(base)
    if cached is None:
        raise KeyUnavailable(
            "The issuer key is not available offline.",
            f"{vm_id} is not in the local cache of key documents",
        )
    doc = cached.document
    if doc.get("id") not in (base, vm_id):  # a document kept for another identity vouches for nothing
        raise KeyInvalid(
            "The key document kept for this key names a different identity, so it was not used.",
            f"looked up {base}, document id is {doc.get('id')!r}",
        )
    when = cached.fetched_at.date().isoformat() if cached.fetched_at else "earlier"
    source = f"{base.split(':')[0] if base.startswith('did:') else 'https'} document cached {when}"
    purposes: frozenset[str] | None
    if doc.get("id") == vm_id or (not vm_id.count("#") and ("controller" in doc or "owner" in doc)):
        method, purposes = doc, None  # a standalone key document: its controller's listing decides
        controller = doc.get("controller") or doc.get("owner") or ""
    else:
        method = _find_method(doc, vm_id)
        if method is None:
            raise KeyInvalid(
                "The signing key is not listed in the issuer's key document.", f"{vm_id} not found in {base}"
            )
        purposes = _purposes(doc, vm_id)
        controller = method.get("controller") or doc.get("id") or base
    try:
        key = key_from_method(method)
    except (k.KeyError_, mb.EncodingError) as exc:
        raise KeyInvalid("The issuer's key document holds no usable key.", f"{vm_id}: {exc}") from None
    if isinstance(controller, dict):
        controller = controller.get("id", "")
    return ResolvedKey(id=vm_id, published_by=base, public_key=key, source=source, purposes=purposes,
                       fetched_at=cached.fetched_at, claimed_controller=str(controller or ""))


def public_key_for(verification_method: Any, env: VerifyEnvironment | None = None) -> ResolvedKey:
    """Resolve a proof's verificationMethod (a string, or an embedded object) offline."""
    env = env or VerifyEnvironment()
    if isinstance(verification_method, dict):
        verification_method = verification_method.get("id", "")
    if not isinstance(verification_method, str) or not verification_method:
        raise KeyInvalid("The proof does not say which key signed it.", "verificationMethod missing")
    vm = verification_method.strip()
    scheme = vm.split(":", 1)[0].lower() if ":" in vm else ""
    if not scheme or " " in vm:
        raise KeyInvalid("The signing key identifier is not a valid address.", f"{vm!r} is not a URI")
    if vm.startswith("did:key:"):
        return resolve_did_key(vm)
    if vm.startswith("did:jwk:"):
        return resolve_did_jwk(unquote(vm))
    if vm.startswith("did:web:") or scheme in ("https", "http"):
        return resolve_cached(vm, env)
    if scheme == "did":
        method = vm.split(":")[1] if vm.count(":") >= 2 else ""
        raise KeyInvalid(
            "The signing key uses a kind of identifier this wallet does not support.",
            f"unsupported DID method did:{method}",
        )
    raise KeyInvalid("The signing key uses a kind of address this wallet does not support.", f"scheme {scheme}:")
