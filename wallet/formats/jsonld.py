"""JSON credentials: which data model a JSON object follows.

The W3C VC data models (1.1 and 2.0) and the 1EdTech ones built on them (OB 3.0,
EndorsementCredential, CLR 2.0) are told apart by ``type`` and ``@context``; an OB 2.0
assertion by its own type and context. The test is on the JSON as given, without
JSON-LD expansion: expansion needs contexts and is the verifier's business.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from wallet.credential import Format
from wallet.errors import UnsupportedFormat
from wallet.formats import ob2
from wallet.formats.summary import types_of

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
NOT_A_CREDENTIAL = "This JSON file is not a credential: it has no type VerifiableCredential."


class Shape(StrEnum):
    CREDENTIAL = "credential"
    PRESENTATION = "presentation"


def contexts(doc: dict[str, Any]) -> list[str]:
    value = doc.get("@context")
    items = value if isinstance(value, list) else [value]
    return [c for c in items if isinstance(c, str)]


def shape_of(doc: dict[str, Any]) -> Shape:
    """Whether ``doc`` is a credential or a presentation; anything else is refused."""
    types = types_of(doc)
    if "VerifiablePresentation" in types:
        return Shape.PRESENTATION
    if "VerifiableCredential" in types or ob2.is_assertion(doc):
        return Shape.CREDENTIAL
    if set(types) & (OB3_TYPES | {"EndorsementCredential", "ClrCredential"}):
        return Shape.CREDENTIAL  # an OB 3.0 type without the base type is still a credential
    raise UnsupportedFormat(_refusal(doc), f"type={list(types)} @context={contexts(doc)[:3]}")


def _refusal(doc: dict[str, Any]) -> str:
    if ob2.is_ob2_document(doc):
        return ob2.not_an_award(doc) or "This JSON file is an Open Badges document, but not an awarded badge."
    if "@context" in doc and "type" not in doc and len(doc) <= 3:
        return "This JSON file is a JSON-LD context, not a credential."
    if "publicKeyMultibase" in doc or "publicKeyJwk" in doc or "kty" in doc:
        return "This JSON file is a key, not a credential."
    return NOT_A_CREDENTIAL


def format_of(doc: dict[str, Any]) -> Format:
    """The data model of a credential (``shape_of(doc)`` is CREDENTIAL)."""
    types = set(types_of(doc))
    if "ClrCredential" in types:
        return Format.CLR2
    if "EndorsementCredential" in types:
        return Format.ENDORSEMENT
    if types & OB3_TYPES:
        return Format.OB3
    if "VerifiableCredential" not in types and ob2.is_assertion(doc):
        return Format.OB2
    if VC2_CONTEXT in contexts(doc):
        return Format.VC2
    return Format.VC1
