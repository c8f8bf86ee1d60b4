"""Everything a learner reads in a credential's detail view, beyond the summary.

:func:`details_of` reads the achievement's criteria, the evidence, the results, the
endorsements and a few descriptive fields from the credential's document, for the CLI
``show`` command and the desktop detail pane alike. Like the summary, it never fails on
odd data: what cannot be read is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wallet.credential import Credential, Format
from wallet.formats.summary import (
    achievement_of,
    first_object,
    objects,
    ref_id,
    strings,
    subject_of,
    text,
)


@dataclass(frozen=True)
class Evidence:
    name: str = ""
    description: str = ""
    narrative: str = ""
    url: str = ""


@dataclass(frozen=True)
class Result:
    """One result of an achievement: ``name`` from its ResultDescription, when given."""

    name: str = ""
    value: str = ""
    status: str = ""


@dataclass(frozen=True)
class Details:
    criteria: str = ""  # the narrative, in the issuer's words
    criteria_url: str = ""
    issuer_url: str = ""
    issuer_email: str = ""
    issuer_description: str = ""
    field_of_study: str = ""
    human_code: str = ""
    specialization: str = ""
    term: str = ""
    activity_start: str = ""
    activity_end: str = ""
    narrative: str = ""  # the learner's own account (OB 3.0 subject / OB 2.0 assertion)
    evidence: tuple[Evidence, ...] = ()
    results: tuple[Result, ...] = ()
    endorsements: int = 0
    achievements: tuple[str, ...] = ()  # a CLR's achievements, by name


def details_of(cred: Credential) -> Details:
    doc = cred.document
    if cred.format is Format.OB2:
        return _ob2_details(doc)
    subject = subject_of(doc)
    achievement = achievement_of(doc, cred.format)
    issuer = first_object(doc.get("issuer"))
    criteria = first_object(achievement.get("criteria"))
    return Details(
        criteria=text(criteria.get("narrative")),
        criteria_url=ref_id(achievement.get("criteria")),
        issuer_url=ref_id(issuer.get("url")),
        issuer_email=text(issuer.get("email")),
        issuer_description=text(issuer.get("description")),
        field_of_study=text(achievement.get("fieldOfStudy")),
        human_code=text(achievement.get("humanCode")),
        specialization=text(achievement.get("specialization")),
        term=text(subject.get("term")),
        activity_start=text(subject.get("activityStartDate")),
        activity_end=text(subject.get("activityEndDate")),
        narrative=text(subject.get("narrative")),
        evidence=tuple(_evidence(e) for e in _evidence_items(doc.get("evidence"))),
        results=_results(subject, achievement),
        endorsements=_endorsements(doc, achievement, issuer),
        achievements=_clr_achievements(subject) if cred.format is Format.CLR2 else (),
    )


def _clr_achievements(subject: dict[str, Any]) -> tuple[str, ...]:
    return tuple(name for a in objects(subject.get("achievement")) if (name := text(a.get("name"))))


def _evidence_items(value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, list) else [value]
    return [{"id": v} if isinstance(v, str) else v for v in values if isinstance(v, (str, dict))]


def _evidence(item: dict[str, Any]) -> Evidence:
    return Evidence(
        name=text(item.get("name")),
        description=text(item.get("description")),
        narrative=text(item.get("narrative")),
        url=text(item.get("id")),
    )


def _results(subject: dict[str, Any], achievement: dict[str, Any]) -> tuple[Result, ...]:
    descriptions = objects(achievement.get("resultDescription"))
    names = {text(d.get("id")): text(d.get("name")) for d in descriptions}
    levels = {
        text(level.get("id")): text(level.get("name"))
        for d in descriptions
        for level in objects(d.get("rubricCriterionLevel"))
    }
    return tuple(
        Result(
            name=names.get(text(r.get("resultDescription")), "") or text(r.get("resultDescription")),
            value=_scalar(r.get("value")) or levels.get(text(r.get("achievedLevel")), "") or text(r.get("achievedLevel")),
            status=text(r.get("status")),
        )
        for r in objects(subject.get("result"))
    )


def _scalar(value: Any) -> str:
    """A result's value: usually a string ("A", "Mastery"), sometimes a bare number (87)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g}"
    return text(value)


def _endorsements(*holders: dict[str, Any]) -> int:
    total = 0
    for holder in holders:
        total += len(objects(holder.get("endorsement")))
        total += len(strings(holder.get("endorsementJwt")))
    return total


def _ob2_details(doc: dict[str, Any]) -> Details:
    badge = first_object(doc.get("badge"))
    issuer = first_object(badge.get("issuer"))
    criteria_ref = badge.get("criteria")
    criteria = first_object(criteria_ref)
    return Details(
        criteria=text(criteria.get("narrative")),
        criteria_url=ref_id(criteria_ref),
        issuer_url=text(issuer.get("url")),
        issuer_email=text(issuer.get("email")),
        issuer_description=text(issuer.get("description")),
        narrative=text(doc.get("narrative")),
        evidence=tuple(_evidence(e) for e in _evidence_items(doc.get("evidence"))),
        endorsements=len(objects(doc.get("endorsement"))) + len(objects(badge.get("endorsement"))),
    )
