"""Open Badges 2.0 assertions, hosted (plain JSON) or signed (the payload of a JWS).

An assertion names its BadgeClass either inline or by URL; the BadgeClass names its
issuer the same two ways. The wallet never fetches those URLs while importing, so a
hosted assertion that only links to its badge gets a title that says where the
details are published.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from wallet.credential import Summary
from wallet.formats.summary import (
    alignments_of,
    first,
    first_object,
    image_of,
    parse_date,
    ref_id,
    strings,
    text,
    types_of,
)

OB2_CONTEXT_HINTS = ("w3id.org/openbadges", "openbadgespec.org")
_NOT_AWARDS = {
    "BadgeClass": "This file describes a badge (a BadgeClass), not a badge awarded to someone.",
    "Issuer": "This file describes a badge issuer, not a credential.",
    "Profile": "This file describes a profile, not a credential.",
    "CryptographicKey": "This file is a public key, not a credential.",
    "RevocationList": "This file is a badge revocation list, not a credential.",
}


def is_assertion(doc: dict[str, Any]) -> bool:
    """An OB 2.0 Assertion (or an OB 1.x one, which has no type but the same shape)."""
    types = types_of(doc)
    if "Assertion" in types or "obi:Assertion" in types:
        return True
    return not types and "badge" in doc and "recipient" in doc


def is_ob2_document(doc: dict[str, Any]) -> bool:
    context = doc.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return any(isinstance(c, str) and any(h in c for h in OB2_CONTEXT_HINTS) for c in contexts)


def not_an_award(doc: dict[str, Any]) -> str:
    """A plain sentence for an OB 2.0 document that is not an assertion, or ""."""
    for kind in types_of(doc):
        if kind in _NOT_AWARDS:
            return _NOT_AWARDS[kind]
    return ""


def _untitled(badge_url: str) -> str:
    """A title for a badge whose name is published only online: say by whom."""
    host = urlsplit(badge_url).hostname if badge_url else None
    return f"Open Badge from {host}" if host else "Open Badge"


def assertion_summary(doc: dict[str, Any]) -> Summary:
    badge_ref = doc.get("badge")
    badge = first_object(badge_ref)
    issuer_ref = badge.get("issuer")
    issuer = first_object(issuer_ref)
    recipient = first_object(doc.get("recipient"))
    identity = "" if recipient.get("hashed") else text(recipient.get("identity"))
    badge_url = badge_ref.strip() if isinstance(badge_ref, str) else ""
    if not issuer and isinstance(issuer_ref, dict):
        issuer = issuer_ref
    return Summary(
        title=text(badge.get("name")) or _untitled(badge_url),
        issuer_name=text(issuer.get("name")),
        issuer_id=ref_id(issuer_ref),
        subject_name=text(first_object(doc.get("recipientProfile")).get("name")),
        subject_id=identity,
        description=text(badge.get("description"))
        or (f"The details of this badge are published at {badge_url}" if badge_url else ""),
        issued=parse_date(first(doc.get("issuedOn"), doc.get("issued_on"))),  # issued_on: OB 1.0
        valid_from=parse_date(first(doc.get("issuedOn"), doc.get("issued_on"))),
        valid_until=parse_date(doc.get("expires")),
        achievement_id=ref_id(badge_ref),
        achievement_type=text(badge.get("achievementType")),
        achievement_name=text(badge.get("name")),
        tags=strings(badge.get("tags")),
        alignments=alignments_of(badge.get("alignment")),
        image=image_of(first(doc.get("image"), badge.get("image"))),
        types=types_of(doc) or ("Assertion",),
    )
