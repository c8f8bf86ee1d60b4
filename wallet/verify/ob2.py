"""Open Badges 2.0 assertions.

A hosted assertion is verified by fetching it from the issuer's site, so offline it
"cannot be checked offline", never "invalid". A signed assertion (a JWS) verifies when
the issuer's key, named by ``verification.creator``, is in the wallet's cache of
documents; the key must name the badge's issuer as its owner and the issuer's own
Profile must list it in ``publicKey``.
"""

from __future__ import annotations

from typing import Any

from wallet.verify import dates
from wallet.verify import keys as k
from wallet.verify.binding import binding_check
from wallet.verify.dids import KeyInvalid, KeyUnavailable, ResolvedKey
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.jws import CompactJws, JwsError, check_header, verify_signature
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, overall_status

OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")


def is_ob2(doc: dict[str, Any]) -> bool:
    ctx = doc.get("@context")
    items = ctx if isinstance(ctx, list) else [ctx]
    if any(isinstance(x, str) and x.rstrip("/") in OB2_CONTEXTS for x in items):
        return True
    return doc.get("type") == "Assertion" and "badge" in doc and "recipient" in doc


def _verification_type(doc: dict[str, Any]) -> str:
    v = doc.get("verification")
    t = v.get("type", "") if isinstance(v, dict) else ""
    return str(t).lower()


def verify_ob2(doc: dict[str, Any], env: VerifyEnvironment) -> Report:
    """An assertion given as JSON: hosted (checked online only) or a signed assertion's
    body without its signature."""
    now = env.clock()
    kind = _verification_type(doc)
    if kind in ("signed", "signedbadge"):
        sig = Check(
            CheckName.SIGNATURE, Outcome.FAILED, "This signed Open Badge 2.0 lacks its signature.",
            "a signed assertion must be kept as its JWS", "no-proof",
        )
    else:
        sig = Check(
            CheckName.SIGNATURE, Outcome.UNKNOWN,
            "This Open Badge 2.0 is checked against the issuer's website, so it cannot be checked offline.",
            f"hosted assertion {doc.get('id', '')}", "hosted-offline",
        )
    checks = [sig, _dates(doc, now)]
    issuer_id, name = _issuer(doc, env)
    return Report(overall_status(checks), tuple(checks), now, Signer(issuer_id, name) if issuer_id else None)


def verify_signed(jws: CompactJws, env: VerifyEnvironment) -> Report:
    now = env.clock()
    doc = jws.payload
    issuer_id, name = _issuer(doc, env)
    creator = doc.get("verification", {}).get("creator") if isinstance(doc.get("verification"), dict) else None
    checks: list[Check] = []
    try:
        alg = check_header(jws.header)
        key = _creator_key(creator, env)
        verify_signature(jws, alg, key.public_key)
        checks.append(Check(CheckName.SIGNATURE, Outcome.PASSED, "The signature is valid.", f"JWS {alg} by {creator}"))
        checks.append(_owner_check(key, issuer_id, env))
    except KeyUnavailable as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.UNKNOWN, exc.message.rstrip(".") + ", so the signature cannot be checked.",
                            exc.detail, "key-offline"))
        checks.append(Check(CheckName.ISSUER_KEY, Outcome.UNKNOWN, exc.message, f"verification.creator {creator!r}", "key-offline"))
    except KeyInvalid as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, "bad-key"))
    except JwsError as exc:
        checks.append(Check(CheckName.SIGNATURE, Outcome.FAILED, exc.message, exc.detail, exc.code))
    checks.append(_dates(doc, now))
    return Report(overall_status(checks), tuple(checks), now, Signer(issuer_id, name, creator or "") if issuer_id or creator else None)


def _creator_key(creator: Any, env: VerifyEnvironment) -> ResolvedKey:
    """The CryptographicKey ``verification.creator`` names, from the cache."""
    cached = env.documents.lookup(creator) if env.documents is not None and isinstance(creator, str) else None
    if cached is None:
        raise KeyUnavailable("The issuer key is not available offline.", f"key {creator!r} not in the local cache")
    pem = cached.document.get("publicKeyPem")
    if cached.document.get("id") != creator or not isinstance(pem, str):
        raise KeyInvalid("The issuer's key document holds no usable key.", f"{creator}: no publicKeyPem under that id")
    try:
        public = k.pem_to_key(pem)
    except k.KeyError_ as exc:
        raise KeyInvalid("The issuer's key cannot be read.", str(exc)) from None
    owner = cached.document.get("owner")
    return ResolvedKey(id=creator, published_by=creator, public_key=public, source="OB 2.0 key (cached)",
                       fetched_at=cached.fetched_at, claimed_controller=owner if isinstance(owner, str) else "")


def _owner_check(key: ResolvedKey, issuer_id: str, env: VerifyEnvironment) -> Check:
    """The key's ``owner`` must be the issuer, and the issuer's own Profile must list the
    key in ``publicKey``: both directions, as OB 2.0 asks (see wallet.verify.binding)."""
    if not issuer_id:
        return Check(
            CheckName.ISSUER_KEY, Outcome.UNKNOWN, "Cannot check offline who issued this badge.",
            "badge class not in the local cache", "issuer-binding-offline",
        )
    return binding_check([key], issuer_id, env, purpose="publicKey")


def _issuer(doc: dict[str, Any], env: VerifyEnvironment) -> tuple[str, str]:
    """The issuer of the badge class, from the assertion or the cache."""
    badge = doc.get("badge")
    if isinstance(badge, str) and env.documents is not None:
        cached = env.documents.lookup(badge)
        badge = cached.document if cached is not None else None
    issuer = badge.get("issuer") if isinstance(badge, dict) else None
    if isinstance(issuer, str):
        cached = env.documents.lookup(issuer) if env.documents is not None else None
        return issuer, str(cached.document.get("name", "")) if cached else ""
    if isinstance(issuer, dict):
        return str(issuer.get("id", "")), str(issuer.get("name", ""))
    return "", ""


def _dates(doc: dict[str, Any], now) -> Check:
    start = dates.parse_date(doc.get("issuedOn"))
    raw_end = doc.get("expires")
    end = dates.parse_date(raw_end)
    bad = [repr(raw_end)] if raw_end is not None and end is None else []
    return dates.check_window(start, end, now, bad=bad)
