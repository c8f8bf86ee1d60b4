"""Endorsements embedded in Open Badges 3.0 achievements and profiles.

Each embedded EndorsementCredential (or ``endorsementJwt``) is verified as a credential
of its own, and the report names who endorsed. An endorsement counts only when it is
about the object it is attached to (its ``credentialSubject.id`` is that achievement's
or profile's id: an endorsement of something else, copied in, says nothing about this
one) and when its signature is its endorser's. One without a proof is listed as "not
signed, not counted". A broken endorsement does not make the credential itself false,
so it shows as a warning on the credential, with the endorsement's own report alongside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from wallet.verify.checks import issuer_of
from wallet.verify.report import Check, CheckName, Outcome, Report, Signer, Status, overall_status

# (path to an object that may carry endorsements, its label)
_HOLDERS = (
    ("credentialSubject.achievement", "the achievement"),
    ("credentialSubject.achievement.creator", "the achievement's creator"),
    ("issuer", "the issuer"),
    ("credentialSubject.source", "the awarding organisation"),
    ("", "the credential"),
)


@dataclass(frozen=True)
class Embedded:
    """One endorsement as found: where, the id of what it is attached to, and itself."""

    where: str  # "the achievement", ...
    about: str  # the id of the object that carries it ("" when it has none)
    item: Any  # a JSON-LD endorsement (dict) or a JWT (str)

    @property
    def signed(self) -> bool:
        return isinstance(self.item, str) or "proof" in self.item


def _at(doc: dict[str, Any], path: str) -> list[Any]:
    nodes: list[Any] = [doc]
    for part in filter(None, path.split(".")):
        nxt: list[Any] = []
        for node in nodes:
            value = node.get(part) if isinstance(node, dict) else None
            nxt.extend(value if isinstance(value, list) else [value] if value is not None else [])
        nodes = nxt
    return nodes


def embedded(doc: dict[str, Any]) -> list[Embedded]:
    """Every endorsement in the credential, signed or not."""
    found: list[Embedded] = []
    for path, label in _HOLDERS:
        for holder in _at(doc, path):
            if not isinstance(holder, dict):
                continue
            about = holder.get("id") if isinstance(holder.get("id"), str) else ""
            for item in _as_list(holder.get("endorsement")) + _as_list(holder.get("endorsementJwt")):
                if isinstance(item, (dict, str)):
                    found.append(Embedded(label, about, item))
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check(
    doc: dict[str, Any], verify: Callable[[Any], Report], now: datetime
) -> tuple[Check | None, tuple[Report, ...]]:
    """The ENDORSEMENTS line and one report per endorsement (none: no line)."""
    found = embedded(doc)
    if not found:
        return None, ()
    reports = tuple(_report(e, verify, now) for e in found)
    named = [(e.where, _who(r), r) for e, r in zip(found, reports)]
    detail = "; ".join(f"{who} endorses {where}: {r.status.value} ({r.summary})" for where, who, r in named)
    bad = [n for n in named if not n[2].vouches]
    if not bad:
        who_list = ", ".join(sorted({who for _, who, _ in named}))
        return Check(CheckName.ENDORSEMENTS, Outcome.PASSED, f"Endorsed by {who_list}.", detail), reports
    where, who, report = bad[0]
    message, code = _why_not(where, who, report)
    return Check(CheckName.ENDORSEMENTS, Outcome.WARNING, message, detail, code), reports


def _report(found: Embedded, verify: Callable[[Any], Report], now: datetime) -> Report:
    if not found.signed:
        line = Check(CheckName.SIGNATURE, Outcome.FAILED, "This endorsement is not signed, so it is not counted.",
                     "endorsement object without a proof", "endorsement-unsigned")
        return Report(Status.NOT_VERIFIED, (line,), now, _signer_of(found.item))
    report = verify(found.item)
    subjects = _subjects(found.item)
    if found.about and found.about in subjects:
        return report
    line = Check(
        CheckName.ENDORSEMENTS, Outcome.FAILED,
        f"This endorsement is about something else, not {found.where} it is attached to.",
        f"credentialSubject.id {', '.join(subjects) or '(none)'}; attached to {found.about or 'an object without an id'}",
        "endorsement-unrelated",
    )
    checks = report.checks + (line,)
    return replace(report, status=overall_status(checks), checks=checks)


def _why_not(where: str, who: str, report: Report) -> tuple[str, str]:
    codes = {c.code for c in report.checks if c.outcome is Outcome.FAILED}
    if codes == {"endorsement-unsigned"}:
        return f"The endorsement by {who} of {where} is not signed, so it is not counted.", "endorsement-unsigned"
    if codes == {"endorsement-unrelated"}:
        return f"The endorsement by {who} is about something else, not {where}, so it is not counted.", \
            "endorsement-unrelated"
    if report.status is Status.OFFLINE:
        return f"The endorsement by {who} cannot be checked offline.", "endorsement-offline"
    if report.status is not Status.NOT_VERIFIED:  # signature good, endorser not shown to have made it
        return f"The endorsement in the name of {who} does not show that {who} signed it.", "endorsement-unbound"
    return f"The endorsement by {who} does not hold: {report.summary}", "endorsement-failed"


def _who(report: Report) -> str:
    if report.signer is None:
        return "an unknown party"
    return report.signer.issuer_name or report.signer.issuer_id or "an unknown party"


def _subjects(item: Any) -> list[str]:
    """The ids an endorsement says it is about (its credentialSubject, or a JWT's sub)."""
    claims: dict[str, Any] = {}
    if isinstance(item, str):
        from wallet.verify.jws import JwsError, parse
        from wallet.verify.jwt import credential_of

        try:
            payload = parse(item.strip()).payload
        except JwsError:
            return []
        claims, item = payload, credential_of(payload)
    ids = [s.get("id") for s in _as_list(item.get("credentialSubject")) if isinstance(s, dict)]
    ids.append(claims.get("sub"))
    return [i for i in ids if isinstance(i, str) and i]


def _signer_of(item: dict[str, Any]) -> Signer | None:
    issuer_id, name = issuer_of(item)
    return Signer(issuer_id, name) if issuer_id or name else None
