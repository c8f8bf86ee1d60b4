"""The credential record: what the wallet holds, parsed from the original bytes.

A :class:`Credential` is frozen. ``raw`` is the original bytes exactly as they came
(JSON text, a JWT, a baked PNG or SVG) and is the source of truth; everything else is
derived from it by :mod:`wallet.formats`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from enum import StrEnum
from typing import Any, NewType

CredentialId = NewType("CredentialId", str)


def content_id(raw: bytes) -> CredentialId:
    """The id of a credential: the SHA-256 of its original bytes, in hex."""
    return CredentialId(hashlib.sha256(raw).hexdigest())


class Envelope(StrEnum):
    """How the original bytes carry the credential."""

    JSON = "json"  # a JSON document
    JWT = "jwt"  # a compact JWS (VC 1.1 JWT, vc+jwt, OB 2.0 signed assertion)
    PNG = "png"  # a baked PNG badge (iTXt chunk)
    SVG = "svg"  # a baked SVG badge (<openbadges:*> element)


class Format(StrEnum):
    """The data model of the credential."""

    VC1 = "vc1.1"  # W3C VC 1.1, not an Open Badge
    VC2 = "vc2.0"  # W3C VC 2.0, not an Open Badge
    OB3 = "ob3"  # OpenBadgeCredential / AchievementCredential
    ENDORSEMENT = "endorsement"  # OB 3.0 EndorsementCredential
    CLR2 = "clr2"  # CLR 2.0 ClrCredential
    OB2 = "ob2"  # OB 2.0 Assertion (hosted or signed)

    @property
    def label(self) -> str:
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    Format.VC1: "Verifiable Credential 1.1",
    Format.VC2: "Verifiable Credential 2.0",
    Format.OB3: "Open Badge 3.0",
    Format.ENDORSEMENT: "Endorsement (Open Badges 3.0)",
    Format.CLR2: "Comprehensive Learner Record 2.0",
    Format.OB2: "Open Badge 2.0",
}


@dataclass(frozen=True)
class Alignment:
    """A link from an achievement to a framework entry (a skill, a competency)."""

    framework: str = ""  # targetFramework
    code: str = ""  # targetCode
    name: str = ""  # targetName
    url: str = ""  # targetUrl
    type: str = ""  # targetType


@dataclass(frozen=True)
class Summary:
    """The fields a list, a search or a stack rule needs, derived from the document."""

    title: str
    issuer_name: str = ""
    issuer_id: str = ""
    subject_name: str = ""
    subject_id: str = ""
    description: str = ""
    issued: datetime | None = None  # issuanceDate / awardedDate / iat
    valid_from: datetime | None = None  # validFrom / issuanceDate / nbf
    valid_until: datetime | None = None  # validUntil / expirationDate / exp
    achievement_id: str = ""
    achievement_type: str = ""
    achievement_name: str = ""
    credits: float | None = None  # creditsEarned, else creditsAvailable
    credits_unit: str = ""
    tags: tuple[str, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    image: str = ""  # a data: URI or an https URL, as the credential gives it
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credential:
    """One credential held by the wallet.

    ``signed`` is what a proof covers: for JSON and baked badges the JSON text, for
    JWTs the compact JWS. ``document`` is parsed from it on first use; treat it as
    read-only.
    """

    id: CredentialId
    raw: bytes = field(repr=False)
    envelope: Envelope
    format: Format
    signed: str = field(repr=False)
    summary: Summary = field(compare=False, hash=False)
    parent_id: CredentialId | None = None  # the CLR or presentation it came inside
    source: str = ""  # where it came from: a file path, "clipboard", "qr", ...
    added_at: datetime | None = None
    trashed_at: datetime | None = None

    @property
    def title(self) -> str:
        return self.summary.title

    @cached_property
    def document(self) -> dict[str, Any]:
        """The parsed JSON credential (for a JWT, the credential it carries)."""
        from wallet.formats import document_of  # formats imports this module

        return document_of(self.envelope, self.signed)
