"""What the detail pane shows about a credential, as labelled sections. No Qt here.

The core's :class:`~wallet.credential.Summary` carries what lists and search need, and
:func:`wallet.formats.details.details_of` reads criteria, evidence, results and the
issuer's particulars (the CLI's ``show`` uses it too). This module arranges both into
plain frozen records (sections of labelled fields, in the learner's words) that the
view lays out, so the view stays free of format knowledge and this part is testable
without a display. Endorsers' names and comments, and a plain credential's own claims,
are read here from the document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from wallet.credential import Credential, Format
from wallet.formats.details import Details as CoreDetails
from wallet.formats.details import details_of as core_details_of
from wallet.stacks.words import amount

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
    core = _core_details(cred) if doc else CoreDetails()
    s = cred.summary
    achievement = _ob2_badge(doc) if cred.format is Format.OB2 else _achievement(doc)
    kind = " · ".join(x for x in (plain_words(s.achievement_type), cred.format.label) if x)
    sections = [
        _about(cred, core),
        Section("Achievements in this record", tuple(Field("Achievement", name) for name in core.achievements)),
        _dates(cred, core),
        _skills(cred),
        _results(core),
        _evidence(core),
        _issuer(cred, core, doc),
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


def _core_details(cred: Credential) -> CoreDetails:
    """Criteria, evidence, results and the rest, as the core reads them (also for ``show``)."""
    try:
        return core_details_of(cred)
    except Exception as exc:  # noqa: BLE001 - odd data: the pane still opens, with less in it
        log.warning("credential %s: details not readable: %s", cred.id[:12], type(exc).__name__)
        return CoreDetails()


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

def _about(cred: Credential, d: CoreDetails) -> Section:
    s = cred.summary
    fields = list(_fields(
        ("Achievement", s.achievement_name),
        ("Type", plain_words(s.achievement_type)),
        ("Field of study", d.field_of_study),
        ("Specialization", d.specialization),
        ("Code", d.human_code),
    ))
    criteria_text, criteria_link = plain_markdown(d.criteria), _link(d.criteria_url)
    if criteria_text or criteria_link:
        host = urlsplit(criteria_link).hostname or ""
        fields.append(Field("How it was earned", _cut(criteria_text or f"Described on {host}"), criteria_link))
    if s.credits is not None:
        fields.append(Field("Credits", amount(s.credits, s.credits_unit)))
    if s.tags:
        fields.append(Field("Tags", ", ".join(s.tags)))
    return Section("About this achievement", tuple(fields))


def _dates(cred: Credential, d: CoreDetails) -> Section:
    s = cred.summary
    fields = [
        Field(label, _date(value))
        for label, value in (
            ("Issued", s.issued),
            ("Valid from", s.valid_from if s.valid_from != s.issued else None),
            ("Valid until", s.valid_until),
        )
        if value
    ]
    start, end = _date(d.activity_start), _date(d.activity_end)
    if start or end:
        fields.append(Field("Activity", " – ".join(x for x in (start, end) if x)))
    fields.extend(_fields(("Term", d.term)))
    return Section("Dates", tuple(fields))


def _skills(cred: Credential) -> Section:
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
    return Section("Skills and alignments", tuple(fields))


def _results(d: CoreDetails) -> Section:
    fields = []
    for result in d.results:
        label = result.name if result.name and not _looks_like_id(result.name) else "Result"
        value = result.value if not _looks_like_id(result.value) else ""
        value = value or plain_words(result.status)
        if value:
            fields.append(Field(label, value))
    return Section("Results", tuple(fields))


def _looks_like_id(text: str) -> bool:
    """A URN or URL where a name was wanted: no words for a learner."""
    return " " not in text and ":" in text


def _evidence(d: CoreDetails) -> Section:
    fields = []
    for n, item in enumerate(d.evidence, start=1):
        title = item.name or f"Evidence {n}"
        text = plain_markdown(item.narrative) or item.description or item.url
        fields.append(Field(title, _cut(text), _link(item.url)))
    narrative = plain_markdown(d.narrative)
    if narrative:
        fields.append(Field("Notes from the issuer", _cut(narrative)))
    return Section("Evidence", tuple(fields))


def _issuer_of(doc: dict[str, Any]) -> dict[str, Any]:
    issuer = doc.get("issuer")
    if issuer is None and isinstance(doc.get("badge"), dict):
        issuer = doc["badge"].get("issuer")
    return issuer if isinstance(issuer, dict) else {"id": issuer} if isinstance(issuer, str) else {}


def _issuer(cred: Credential, d: CoreDetails, doc: dict[str, Any]) -> Section:
    issuer = _issuer_of(doc)
    fields = list(_fields(("Name", cred.summary.issuer_name or issuer.get("name"))))
    fields.extend(_fields(("Identifier", cred.summary.issuer_id or issuer.get("id"))))
    url = _link(d.issuer_url)
    if url:
        fields.append(Field("Website", url, url))
    fields.extend(_fields(("Email", d.issuer_email), ("About", d.issuer_description)))
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
