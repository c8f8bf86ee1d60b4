"""What the detail pane shows about a credential, read from its document. No Qt here.

The core's :class:`~wallet.credential.Summary` carries what lists and search need; the
detail pane also wants criteria, evidence, results and endorsements, which only the
document has. This module turns a credential into plain frozen records (sections of
labelled fields) that the view lays out, so the view stays free of format knowledge
and this part is testable without a display. Field names follow the standards (Open
Badges 2.0 / 3.0, CLR 2.0, VC); labels are the learner's words.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wallet.credential import Credential, Format

log = logging.getLogger(__name__)

_MAX_TEXT = 4000  # a description longer than this is cut, with an ellipsis
_MAX_FIELDS = 40  # a section with more lists the first ones and says how many more


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    link: str = ""  # an https URL the learner may open


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Endorsement:
    endorser: str  # who endorsed (name, else id)
    comment: str
    about: str  # what was endorsed: "the achievement", "the issuer", "this credential"


@dataclass(frozen=True)
class Details:
    title: str
    kind: str  # "Micro-credential · Open Badge 3.0"
    description: str
    issuer: str
    sections: tuple[Section, ...]
    endorsements: tuple[Endorsement, ...] = ()


def details_of(cred: Credential) -> Details:
    """The sections for ``cred``; never raises (a broken document gives fewer sections)."""
    doc = _document(cred)
    s = cred.summary
    ob2 = cred.format is Format.OB2
    achievement = _ob2_badge(doc) if ob2 else _achievement(doc)
    kind = " · ".join(x for x in (plain_words(s.achievement_type), cred.format.label) if x)
    sections = [
        _about(cred, achievement),
        _dates(cred, doc),
        _skills(cred, achievement),
        _results(doc, achievement),
        _evidence(doc),
        _issuer(cred, doc),
        _earner(cred, doc),
        _claims(cred, doc),
        _record(cred),
    ]
    description = _text(achievement.get("description")) or s.description or _text(doc.get("description"))
    return Details(
        title=s.title or "Untitled credential",
        kind=kind,
        description=_cut(description),
        issuer=s.issuer_name or s.issuer_id,
        sections=tuple(_capped(sec) for sec in sections if sec.fields),
        endorsements=_endorsements(doc, achievement)[:_MAX_FIELDS],
    )


def _capped(section: Section) -> Section:
    if len(section.fields) <= _MAX_FIELDS:
        return section
    more = len(section.fields) - _MAX_FIELDS
    return Section(section.title, section.fields[:_MAX_FIELDS] + (Field("", f"and {more} more"),))


# ---------------------------------------------------------------- document access

def _document(cred: Credential) -> dict[str, Any]:
    try:
        doc = cred.document
    except Exception as exc:  # noqa: BLE001 - the detail pane must still open
        log.warning("credential %s: document not readable: %s", cred.id[:12], type(exc).__name__)
        return {}
    return doc if isinstance(doc, dict) else {}


def _subject(doc: dict[str, Any]) -> dict[str, Any]:
    subject = doc.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return subject if isinstance(subject, dict) else {}


def _achievement(doc: dict[str, Any]) -> dict[str, Any]:
    ach = _subject(doc).get("achievement")
    if isinstance(ach, list):
        ach = ach[0] if ach else {}
    return ach if isinstance(ach, dict) else {}


def _ob2_badge(doc: dict[str, Any]) -> dict[str, Any]:
    badge = doc.get("badge")
    return badge if isinstance(badge, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """A readable string from a JSON value (strings, numbers, language maps)."""
    if value is None or isinstance(value, (dict, list)) and not value:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        for key in ("@value", "name", "narrative", "id"):
            if key in value:
                return _text(value[key])
        return ""
    return ", ".join(t for t in (_text(v) for v in value) if t)


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _link(value: Any) -> str:
    text = value if isinstance(value, str) else ""
    return text if text.startswith(("https://", "http://")) else ""


def plain_words(camel: str) -> str:
    """``MicroCredential`` -> ``Micro-credential``; ``ext:Foo`` -> ``Foo``."""
    camel = camel.split(":")[-1]
    out = "".join(" " + c.lower() if c.isupper() and i else c for i, c in enumerate(camel))
    return out.replace("micro credential", "micro-credential").replace("Micro credential", "Micro-credential")


def plain_markdown(text: str) -> str:
    """Open Badges narratives are Markdown; the pane shows them as plain lines.

    Heading marks and emphasis asterisks go, list bullets become "•", blank lines and
    the spaces around lines are dropped. Nothing is interpreted as markup or HTML.
    """
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip().replace("**", "").replace("__", "")
        if line[:2] in ("- ", "* ", "+ "):
            line = "• " + line[2:].strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def _date(value: datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def _fields(*pairs: tuple[str, Any]) -> tuple[Field, ...]:
    return tuple(Field(label, _cut(_text(value))) for label, value in pairs if _text(value))


# ---------------------------------------------------------------- sections

def _about(cred: Credential, ach: dict[str, Any]) -> Section:
    s = cred.summary
    criteria = ach.get("criteria")
    criteria_text = plain_markdown(_text(criteria.get("narrative"))) if isinstance(criteria, dict) else ""
    criteria_link = _link(criteria.get("id")) if isinstance(criteria, dict) else _link(criteria)
    fields = list(_fields(
        ("Achievement", s.achievement_name or ach.get("name")),
        ("Type", plain_words(s.achievement_type)),
        ("Field of study", ach.get("fieldOfStudy")),
        ("Specialization", ach.get("specialization")),
        ("Code", ach.get("humanCode")),
    ))
    if criteria_text or criteria_link:
        fields.append(Field("How it was earned", _cut(criteria_text or criteria_link), criteria_link))
    if s.credits is not None:
        unit = s.credits_unit or "credits"
        fields.append(Field("Credits", f"{s.credits:g} {unit}"))
    if s.tags:
        fields.append(Field("Tags", ", ".join(s.tags)))
    return Section("About this achievement", tuple(fields))


def _dates(cred: Credential, doc: dict[str, Any]) -> Section:
    s = cred.summary
    subject = _subject(doc)
    fields = [
        Field(label, _date(value))
        for label, value in (
            ("Issued", s.issued),
            ("Valid from", s.valid_from if s.valid_from != s.issued else None),
            ("Valid until", s.valid_until),
        )
        if value
    ]
    start, end = _date(subject.get("activityStartDate")), _date(subject.get("activityEndDate"))
    if start or end:
        fields.append(Field("Activity", " – ".join(x for x in (start, end) if x)))
    fields.extend(_fields(("Term", subject.get("term"))))
    return Section("Dates", tuple(fields))


def _skills(cred: Credential, ach: dict[str, Any]) -> Section:
    fields = []
    seen: set[tuple[str, str]] = set()
    for a in cred.summary.alignments:
        value = a.name or a.code or a.url
        if a.code and a.name and a.code not in a.name:
            value = f"{a.name} ({a.code})"
        if a.framework:  # a second line: where the skill is defined
            value = f"{value}\nin {a.framework}"
        if value and (value, a.url) not in seen:
            seen.add((value, a.url))
            fields.append(Field("Skill", value, _link(a.url)))
    if not fields:  # an older record without alignments in its summary
        for a in _as_list(ach.get("alignment")):
            if isinstance(a, dict) and (a.get("targetName") or a.get("targetUrl")):
                value = _text(a.get("targetName")) or _text(a.get("targetUrl"))
                framework = _text(a.get("targetFramework"))
                fields.append(Field("Skill", f"{value}\nin {framework}" if framework else value,
                                    _link(a.get("targetUrl"))))
    return Section("Skills and alignments", tuple(fields))


def _results(doc: dict[str, Any], ach: dict[str, Any]) -> Section:
    names: dict[str, str] = {}
    for rd in _as_list(ach.get("resultDescription")):
        if isinstance(rd, dict):
            names[_text(rd.get("id"))] = _text(rd.get("name"))
            for level in _as_list(rd.get("rubricCriterionLevel")):
                if isinstance(level, dict):
                    names[_text(level.get("id"))] = _text(level.get("name"))
    fields = []
    for result in _as_list(_subject(doc).get("result")):
        if not isinstance(result, dict):
            continue
        ref = _text(result.get("resultDescription"))
        label = names.get(ref) or "Result"
        value = _text(result.get("value")) or names.get(_text(result.get("achievedLevel")), "")
        value = value or plain_words(_text(result.get("status")))
        if value:
            fields.append(Field(label, value))
    return Section("Results", tuple(fields))


def _evidence(doc: dict[str, Any]) -> Section:
    fields = []
    for n, item in enumerate(_as_list(doc.get("evidence")), start=1):
        if isinstance(item, str):
            fields.append(Field(f"Evidence {n}", item, _link(item)))
        elif isinstance(item, dict):
            title = _text(item.get("name")) or _text(item.get("genre")) or f"Evidence {n}"
            text = (plain_markdown(_text(item.get("narrative"))) or _text(item.get("description"))
                    or _text(item.get("id")))
            fields.append(Field(title, _cut(text), _link(item.get("id"))))
    narrative = plain_markdown(_text(doc.get("narrative")) or _text(_subject(doc).get("narrative")))
    if narrative:
        fields.append(Field("Notes from the issuer", _cut(narrative)))
    return Section("Evidence", tuple(fields))


def _issuer_of(doc: dict[str, Any]) -> dict[str, Any]:
    issuer = doc.get("issuer")
    if issuer is None and isinstance(doc.get("badge"), dict):
        issuer = doc["badge"].get("issuer")
    return issuer if isinstance(issuer, dict) else {"id": issuer} if isinstance(issuer, str) else {}


def _issuer(cred: Credential, doc: dict[str, Any]) -> Section:
    issuer = _issuer_of(doc)
    fields = list(_fields(("Name", cred.summary.issuer_name or issuer.get("name"))))
    fields.extend(_fields(("Identifier", cred.summary.issuer_id or issuer.get("id"))))
    url = _link(issuer.get("url"))
    if url:
        fields.append(Field("Website", url, url))
    fields.extend(_fields(("Email", issuer.get("email")), ("About", issuer.get("description"))))
    return Section("Issuer", tuple(fields))


def _earner(cred: Credential, doc: dict[str, Any]) -> Section:
    s = cred.summary
    subject = _subject(doc)
    title = "Earned by" if cred.format in (Format.OB3, Format.OB2, Format.CLR2) else "Who it is about"
    return Section(title, _fields(("Name", s.subject_name or subject.get("name")),
                                        ("Identifier", s.subject_id), ("Role", subject.get("role"))))


_SKIP_CLAIMS = {"id", "type", "achievement", "result", "identifier", "name", "narrative",
                "creditsEarned", "activityStartDate", "activityEndDate", "term", "role", "source",
                "verifiableCredential", "association", "image"}


def _claims(cred: Credential, doc: dict[str, Any]) -> Section:
    """For credentials that are not badges: the subject's own statements."""
    if cred.format not in (Format.VC1, Format.VC2, Format.ENDORSEMENT):
        return Section("What it says", ())
    fields = []
    for key, value in _subject(doc).items():
        if key in _SKIP_CLAIMS or key.startswith("@"):
            continue
        text = _text(value)
        if text:
            fields.append(Field(plain_words(key).capitalize(), _cut(text)))
    return Section("What it says", tuple(fields[:20]))


def _record(cred: Credential) -> Section:
    fields = [Field("Format", cred.format.label), Field("Kept as", _ENVELOPE_WORDS.get(cred.envelope.value, ""))]
    if cred.added_at:
        fields.append(Field("Added to the wallet", _date(cred.added_at)))
    if cred.source:
        fields.append(Field("Came from", cred.source))
    fields.append(Field("Wallet id", cred.id[:16]))
    return Section("In this wallet", tuple(f for f in fields if f.value))


_ENVELOPE_WORDS = {
    "json": "the original JSON document",
    "jwt": "the original signed token (JWT)",
    "png": "the original badge image (PNG)",
    "svg": "the original badge image (SVG)",
}


# ---------------------------------------------------------------- endorsements

def _endorsements(doc: dict[str, Any], ach: dict[str, Any]) -> tuple[Endorsement, ...]:
    out = []
    places = (("this credential", doc), ("the achievement", ach), ("the issuer", _issuer_of(doc)))
    for about, holder in places:
        for e in _as_list(holder.get("endorsement")):
            if isinstance(e, dict):
                issuer = e.get("issuer")
                who = _text(issuer.get("name") or issuer.get("id")) if isinstance(issuer, dict) else _text(issuer)
                comment = _text(_subject(e).get("endorsementComment"))
                out.append(Endorsement(who or "Unknown endorser", _cut(comment), about))
        for _jwt in _as_list(holder.get("endorsementJwt")):
            out.append(Endorsement("An endorser (signed token)", "", about))
    return tuple(out)
