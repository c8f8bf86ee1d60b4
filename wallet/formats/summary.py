"""Summary extraction: the few fields a list, a search or a stack rule needs.

Every reader here is forgiving: a credential with an odd field (a number as a string,
a language map for a name, a list where one object was expected) still gets a summary;
a field that cannot be read is left empty rather than failing the import. Whether the
credential is *valid* is for :mod:`wallet.verify` to say.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

from wallet.credential import Alignment, Format, Summary

_GENERIC_TYPES = {"VerifiableCredential", "VerifiablePresentation"}
_FRACTION = re.compile(r"(\.\d{6})\d+")


# ---------------------------------------------------------------- value readers

def text(value: Any) -> str:
    """A plain string from a string, a JSON-LD value object, or a language-tagged list."""
    if isinstance(value, str):
        return _clean(value).strip()
    if isinstance(value, dict):
        return text(value.get("@value", value.get("value", "")))
    if isinstance(value, list) and value:
        return text(value[0])
    return ""


def first_object(value: Any) -> dict[str, Any]:
    """The object itself, or the first object of a list; {} otherwise."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, dict)), {})
    return {}


def objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (_clean(value).strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(_clean(v).strip() for v in value if isinstance(v, str) and v.strip())
    return ()


def _clean(value: str) -> str:
    """JSON may escape half a surrogate pair ("\\ud800"); such text cannot be stored as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def types_of(doc: dict[str, Any]) -> tuple[str, ...]:
    return strings(doc.get("type"))


def ref_id(value: Any) -> str:
    """The id of a reference given either as a string or as an object with an id."""
    if isinstance(value, str):
        return value.strip()
    return text(first_object(value).get("id"))


def parse_date(value: Any) -> datetime | None:
    """An ISO 8601 date-time (or a JWT NumericDate) as an aware datetime; None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    raw = text(value)
    if not raw:
        return None
    raw = _FRACTION.sub(r"\1", raw.replace("z", "Z"))
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def number(value: Any) -> float | None:
    """A finite number from a JSON number or a numeric string ("1", "2.5"); None otherwise."""
    if isinstance(value, bool):
        return None
    try:
        result = float(value) if isinstance(value, (int, float)) else float(text(value))
    except (ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "", [], {})), None)


def image_of(value: Any) -> str:
    """An image given as a URL/data URI string or as an Image object with an id."""
    return ref_id(value)


def alignments_of(value: Any) -> tuple[Alignment, ...]:
    return tuple(
        Alignment(
            framework=text(a.get("targetFramework")),
            code=text(a.get("targetCode")),
            name=text(a.get("targetName")),
            url=text(a.get("targetUrl")),
            type=text(a.get("targetType")),
        )
        for a in objects(value)
    )


def fallback_title(types: tuple[str, ...], default: str = "Credential") -> str:
    specific = [t for t in types if t not in _GENERIC_TYPES]
    return _spaced(specific[-1]) if specific else default


def _spaced(name: str) -> str:
    """"OpenBadgeCredential" -> "Open Badge Credential", for a title of last resort."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name.rsplit(":", 1)[-1].rsplit("#", 1)[-1])


# ---------------------------------------------------------------- W3C VC / OB 3.0 / CLR 2.0

def subject_of(doc: dict[str, Any]) -> dict[str, Any]:
    return first_object(doc.get("credentialSubject"))


def achievement_of(doc: dict[str, Any], fmt: Format) -> dict[str, Any]:
    """The one Achievement a credential is about (none for a CLR, which lists many)."""
    if fmt is Format.CLR2:
        return {}
    achievement = subject_of(doc).get("achievement")
    return achievement if isinstance(achievement, dict) else {}


def vc_summary(doc: dict[str, Any], fmt: Format) -> Summary:
    subject = subject_of(doc)
    achievement = achievement_of(doc, fmt)
    issuer = doc.get("issuer")
    types = types_of(doc)
    issuer_obj = first_object(issuer)
    credits_earned = number(subject.get("creditsEarned"))
    credits = credits_earned if credits_earned is not None else number(achievement.get("creditsAvailable"))
    return Summary(
        title=_vc_title(doc, achievement, subject, types, fmt),
        issuer_name=text(issuer_obj.get("name")),
        issuer_id=ref_id(issuer),
        subject_name=text(subject.get("name")) or _profile_name(subject),
        subject_id=text(subject.get("id")),
        description=text(first(achievement.get("description"), doc.get("description"),
                               subject.get("endorsementComment"))),
        issued=parse_date(first(doc.get("awardedDate"), doc.get("issuanceDate"), doc.get("validFrom"),
                                doc.get("iat"))),
        valid_from=parse_date(first(doc.get("validFrom"), doc.get("issuanceDate"), doc.get("nbf"))),
        valid_until=parse_date(first(doc.get("validUntil"), doc.get("expirationDate"), doc.get("exp"))),
        achievement_id=text(achievement.get("id")),
        achievement_type=text(achievement.get("achievementType")),
        achievement_name=text(achievement.get("name")),
        credits=credits,
        credits_unit=text(first(achievement.get("creditsUnit"), subject.get("creditsUnit"))),
        tags=strings(achievement.get("tag")),
        alignments=alignments_of(achievement.get("alignment")),
        image=image_of(first(achievement.get("image"), doc.get("image"), subject.get("image"))),
        types=types,
    )


def _vc_title(doc: dict[str, Any], achievement: dict[str, Any], subject: dict[str, Any],
              types: tuple[str, ...], fmt: Format) -> str:
    name = text(achievement.get("name")) or text(doc.get("name"))
    if name:
        return name
    if fmt is Format.ENDORSEMENT:
        return "Endorsement"
    if fmt is Format.CLR2:
        return "Comprehensive Learner Record"
    return fallback_title(types)


def _profile_name(subject: dict[str, Any]) -> str:
    """OB 3.0 lets the subject's name sit in a nested Profile."""
    return text(first_object(subject.get("profile")).get("name"))
