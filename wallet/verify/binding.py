"""Whether the key that signed belongs to the issuer (or, for a presentation, the holder).

Why this is decided only from the issuer's side: a key's own document says who controls
it, but whoever publishes that document can name anyone. So a key is the issuer's only
when something the issuer controls says so:

- did:key / did:jwk issuer: the identifier is the key, so the key that signed must be
  that very key.
- did:web (or any DID) issuer: the issuer's own DID document, kept in the cache under
  the issuer's DID and with that ``id``, lists the key under the proof's purpose
  (``assertionMethod`` for credentials, ``authentication`` for presentations).
- https issuer: its own profile (controller document), kept in the cache under its
  address, lists the key under the purpose (OB 2.0: the Profile's ``publicKey``); a key
  published in a separate key document must also name the issuer as its controller
  (owner in OB 2.0) and sit on the issuer's host.

When the issuer's document is not in the cache the binding "cannot be checked
offline"; when it is and does not list the key, or when the key cannot be the issuer's
whatever the network says (another did:key, another host), the line fails and names
whose key signed. An identifier that no key can belong to (``urn:uuid:...``) leaves the
signature unattributed: a warning, and the report never says who signed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wallet.verify import keys as k
from wallet.verify.dates import human
from wallet.verify.dids import KeyProblem, ResolvedKey, key_from_method, listed_for, public_key_for
from wallet.verify.environment import CachedDocument, VerifyEnvironment
from wallet.verify.report import Check, CheckName, Outcome

ISSUER_KEY = CheckName.ISSUER_KEY
_ORDER = {Outcome.FAILED: 0, Outcome.UNKNOWN: 1, Outcome.WARNING: 2, Outcome.PASSED: 3}


def binding_check(
    keys: list[ResolvedKey], owner: str, env: VerifyEnvironment, *,
    purpose: str = "assertionMethod", role: str = "issuer",
) -> Check:
    """The issuer-key line for the keys that signed: the worst of them decides."""
    checks = [bind(key, owner, env, purpose=purpose, role=role) for key in keys]
    return min(checks, key=lambda c: _ORDER[c.outcome])


def bind(key: ResolvedKey, owner: str, env: VerifyEnvironment, *, purpose: str, role: str) -> Check:
    if not owner:
        return Check(ISSUER_KEY, Outcome.FAILED, f"The credential does not name its {role}.",
                     f"signed by {_whose(key)}", f"no-{role}")
    if owner.startswith(("did:key:", "did:jwk:")):
        return _self_certifying(key, owner, role)
    if owner.startswith(("did:", "https://", "http://")):
        return _from_documents(key, owner, env, purpose, role)
    if key.self_asserted:
        return Check(
            ISSUER_KEY, Outcome.WARNING,
            f"The signature was made with a key carried in the credential itself, and the {role} ({owner}) "
            "is not an identifier a key can belong to, so nothing shows who signed.",
            f"self-asserted key ({key.source}); {role} {owner}", "self-asserted-key",
        )
    return Check(
        ISSUER_KEY, Outcome.WARNING,
        f"The {role} ({owner}) is not an identifier a key can belong to, so the signature "
        f"(by a key of {_whose(key)}) does not show who issued it.",
        f"{role} {owner} is not a resolvable identifier; verification method {key.id}", "issuer-unbound",
    )


def _self_certifying(key: ResolvedKey, owner: str, role: str) -> Check:
    """did:key / did:jwk: the identifier is the key."""
    own = key.published_by == owner
    if not own and key.self_asserted:
        try:
            own = k.same_key(key.public_key, public_key_for(owner).public_key)
        except KeyProblem as exc:
            return Check(ISSUER_KEY, Outcome.FAILED, f"The {role}'s identifier is not a valid key identifier.",
                         f"{owner}: {exc.detail}", "bad-key")
    if own:
        return Check(ISSUER_KEY, Outcome.PASSED, f"Signed with the {role}'s own key.", f"{key.id} ({key.source})")
    return _wrong_key(key, owner, role, f"{owner} is a self-certifying identifier for another key")


def _from_documents(key: ResolvedKey, owner: str, env: VerifyEnvironment, purpose: str, role: str) -> Check:
    away = _elsewhere(key, owner)
    if away:  # settled whatever the issuer's document says
        return _wrong_key(key, owner, role, away)
    cached = own_document(owner, env)
    if cached is not None:
        what = _document_name(owner)
        if _listing(cached.document, key, purpose):
            return Check(
                ISSUER_KEY, Outcome.PASSED,
                f"Signed with the {role}'s key, listed in its {what} saved on {human(cached.fetched_at)}.",
                f"{key.id} is listed under {purpose} in the document of {owner} saved {cached.fetched_at.isoformat()}",
            )
        return _wrong_key(key, owner, role, f"{_shown(key)} is not listed under {purpose} in the {what} of "
                                            f"{owner} saved on {human(cached.fetched_at)}")
    if key.self_asserted:
        return Check(
            ISSUER_KEY, Outcome.UNKNOWN,
            f"The signature was made with a key carried in the credential itself; whether it is the {role}'s "
            "key cannot be checked offline.",
            f"self-asserted key ({key.source}); no document of {owner} kept on this computer", "self-asserted-key",
        )
    return Check(
        ISSUER_KEY, Outcome.UNKNOWN,
        f"Cannot check offline that the signing key belongs to the {role}.",
        f"{role} {owner}; key {key.id} published by {_whose(key)}; no document of {owner} kept on this computer",
        "issuer-binding-offline",
    )


def own_document(owner: str, env: VerifyEnvironment) -> CachedDocument | None:
    """The owner's own document from the cache: kept under its identifier, with that id
    (a document kept for another DID or address cannot vouch for this one)."""
    cached = env.documents.lookup(owner) if env.documents is not None else None
    if cached is None or not isinstance(cached.document, dict) or cached.document.get("id") != owner:
        return None
    return cached


def _listing(document: dict[str, Any], key: ResolvedKey, section: str) -> bool:
    """Whether ``document`` lists ``key`` under ``section``: by id for a resolved key
    (and, where the listing carries key material, that material must be this key), by
    key material for a key carried inline."""
    listed = listed_for(document, section)
    if key.self_asserted:
        return any(method is not None and _same_material(method, key) for method in listed.values())
    ref = key.id if key.id in listed else key.published_by if key.source in ("did:key", "did:jwk") else ""
    if ref not in listed:  # a did:key / did:jwk may be listed by its bare DID
        return False
    method = listed[ref]
    return method is None or not has_material(method) or _same_material(method, key)


def _elsewhere(key: ResolvedKey, owner: str) -> str:
    """Why a key from a separate https key document cannot be an https issuer's ("" when
    it may be): it must sit on the issuer's host and name the issuer as its controller
    (owner in OB 2.0). A key in the issuer's own document, a DID's, or one carried
    inline is left to the issuer's listing."""
    web = ("https://", "http://")
    if key.self_asserted or key.published_by == owner or not key.published_by.startswith(web):
        return ""
    if owner.startswith(web) and urlsplit(owner).hostname != urlsplit(key.published_by).hostname:
        return f"{key.published_by} is on another host than {owner}"
    if key.claimed_controller != owner:
        return f"its key document names {key.claimed_controller or 'no one'} as its controller, not {owner}"
    return ""


def has_material(method: dict[str, Any]) -> bool:
    return any(name in method for name in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58", "publicKeyPem"))


def _same_material(method: dict[str, Any], key: ResolvedKey) -> bool:
    try:
        return k.same_key(key_from_method(method), key.public_key)
    except (k.KeyError_, ValueError):
        return False


def _wrong_key(key: ResolvedKey, owner: str, role: str, reason: str) -> Check:
    return Check(
        ISSUER_KEY, Outcome.FAILED,
        f"Signed with a key of {_whose(key)}, not the {role}'s." if not key.self_asserted
        else f"Signed with a key that is not the {role}'s (a key carried in the credential itself).",
        f"{role} {owner}; verification method {key.id}; {reason}", "wrong-key",
    )


def _whose(key: ResolvedKey) -> str:
    return key.published_by or "a key carried in the credential itself"


def _shown(key: ResolvedKey) -> str:
    return "the key carried in the credential" if key.self_asserted else key.id


def _document_name(owner: str) -> str:
    return "DID document" if owner.startswith("did:") else "published profile"
