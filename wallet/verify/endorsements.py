"""Endorsements embedded in Open Badges 3.0 achievements and profiles.

Each embedded EndorsementCredential (or ``endorsementJwt``) is verified as a credential
of its own, and the report names who endorsed. A broken endorsement does not make the
credential itself false, so it shows as a warning on the credential, with the
endorsement's own report alongside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wallet.verify.report import Check, CheckName, Outcome, Report, Status

# (path to an object that may carry endorsements, its label)
_HOLDERS = (
    ("credentialSubject.achievement", "the achievement"),
    ("credentialSubject.achievement.creator", "the achievement's creator"),
    ("issuer", "the issuer"),
    ("credentialSubject.source", "the awarding organisation"),
    ("", "the credential"),
)


def _at(doc: dict[str, Any], path: str) -> list[Any]:
    nodes: list[Any] = [doc]
    for part in filter(None, path.split(".")):
        nxt: list[Any] = []
        for node in nodes:
            value = node.get(part) if isinstance(node, dict) else None
            nxt.extend(value if isinstance(value, list) else [value] if value is not None else [])
        nodes = nxt
    return nodes


def embedded(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """(where, endorsement) pairs: dicts for JSON-LD endorsements, strings for JWTs."""
    found: list[tuple[str, Any]] = []
    for path, label in _HOLDERS:
        for holder in _at(doc, path):
            if not isinstance(holder, dict):
                continue
            for item in _as_list(holder.get("endorsement")):
                if isinstance(item, dict) and "proof" in item or isinstance(item, str):
                    found.append((label, item))
            for item in _as_list(holder.get("endorsementJwt")):
                if isinstance(item, str):
                    found.append((label, item))
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check(
    doc: dict[str, Any], verify: Callable[[Any], Report]
) -> tuple[Check | None, tuple[Report, ...]]:
    """The ENDORSEMENTS line and one report per endorsement (none: no line)."""
    found = embedded(doc)
    if not found:
        return None, ()
    reports = tuple(verify(item) for _, item in found)
    names = []
    for (where, _), report in zip(found, reports):
        who = report.signer.issuer_name or report.signer.issuer_id if report.signer else "an unknown party"
        names.append((where, who, report))
    good = [n for n in names if n[2].status in (Status.VERIFIED, Status.WARNINGS)]
    detail = "; ".join(f"{who} endorses {where}: {r.status.value} ({r.summary})" for where, who, r in names)
    if len(good) == len(names):
        who_list = ", ".join(sorted({who for _, who, _ in names}))
        return Check(CheckName.ENDORSEMENTS, Outcome.PASSED, f"Endorsed by {who_list}.", detail), reports
    where, who, bad = next(n for n in names if n not in good)
    if bad.status is Status.OFFLINE:
        message = f"The endorsement by {who} cannot be checked offline."
        code = "endorsement-offline"
    else:
        message = f"The endorsement by {who} does not hold: {bad.summary}"
        code = "endorsement-failed"
    return Check(CheckName.ENDORSEMENTS, Outcome.WARNING, message, detail, code), reports
