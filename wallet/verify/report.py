"""The verification report: an overall status and one line per check.

Every check says, in a plain sentence, what was found, with technical detail behind
it; ``code`` is a stable machine-readable reason used by tests, the CLI's ``--json``
and the interop suite (``expired``, ``not-yet-valid``, ``revoked``, ``tampered`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    WARNING = "warning"  # holds, with something the reader should know
    FAILED = "failed"
    UNKNOWN = "could-not-check"  # not decided: key not available offline, ...
    INFO = "info"  # said for the reader's information; neither holds nor fails (no registry chosen yet)


class Status(StrEnum):
    VERIFIED = "verified"
    WARNINGS = "verified-with-warnings"
    NOT_VERIFIED = "not-verified"
    OFFLINE = "cannot-check-offline"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.VERIFIED: "Verified",
    Status.WARNINGS: "Verified, with warnings",
    Status.NOT_VERIFIED: "Not verified",
    Status.OFFLINE: "Cannot be checked offline",
}


class CheckName(StrEnum):
    SIGNATURE = "signature"
    ISSUER_KEY = "issuer-key"
    CONTEXTS = "contexts"
    DATA_MODEL = "data-model"
    DATES = "dates"
    ENDORSEMENTS = "endorsements"
    STATUS = "status"
    TRUST = "trust"
    PRESENTATION = "presentation"
    HOLDER = "holder"  # presentations: the key that signed belongs to the holder
    CHALLENGE = "challenge"  # presentations: the receiver's challenge
    DOMAIN = "domain"  # presentations: the receiver's domain


@dataclass(frozen=True)
class Check:
    name: CheckName
    outcome: Outcome
    message: str  # one plain sentence
    detail: str = ""  # technical detail
    code: str = ""  # stable reason code, e.g. "expired", "tampered", "unknown-context"


@dataclass(frozen=True)
class Signer:
    """Who signed: the issuer as the credential names it and the key that was used."""

    issuer_id: str
    issuer_name: str = ""
    key_id: str = ""  # the verificationMethod / kid

    @property
    def label(self) -> str:
        """"Example University — did:key:z6Mk..." (or just the id when there is no name)."""
        if self.issuer_name and self.issuer_id:
            return f"{self.issuer_name} — {self.issuer_id}"
        return self.issuer_name or self.issuer_id


@dataclass(frozen=True)
class Report:
    status: Status
    checks: tuple[Check, ...]
    checked_at: datetime
    signer: Signer | None = None
    endorsements: tuple["Report", ...] = field(default=())

    @property
    def issuer_confirmed(self) -> bool:
        """Whether the key that signed was shown to be the issuer's (its issuer-key line
        passed). Only then may anything say "Signed by" the issuer."""
        line = self.check(CheckName.ISSUER_KEY)
        return line is not None and line.outcome is Outcome.PASSED

    @property
    def vouches(self) -> bool:
        """Verified (warnings allowed) and signed by the issuer it names: what an
        "everything verified" answer (the CLI's exit status) requires of a credential."""
        return self.status in (Status.VERIFIED, Status.WARNINGS) and self.issuer_confirmed

    @property
    def summary(self) -> str:
        """One sentence for the list and the CLI: the first failure, else the status."""
        for wanted in (Outcome.FAILED, Outcome.UNKNOWN, Outcome.WARNING):
            for check in self.checks:
                if check.outcome is wanted:
                    return check.message
        if self.signer and self.issuer_confirmed:
            who = self.signer.issuer_name or self.signer.issuer_id
            return f"Signed by {who}"
        return self.status.label

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.checks if c.code)

    def check(self, name: CheckName) -> Check | None:
        for c in self.checks:
            if c.name is name:
                return c
        return None


def overall_status(checks: tuple[Check, ...] | list[Check]) -> Status:
    """The overall status that a list of checks adds up to."""
    outcomes = {c.outcome for c in checks}
    if Outcome.FAILED in outcomes:
        return Status.NOT_VERIFIED
    if Outcome.UNKNOWN in outcomes:
        return Status.OFFLINE
    if Outcome.WARNING in outcomes:
        return Status.WARNINGS
    return Status.VERIFIED


# -- JSON form (stored with the credential, printed by ``verify --json``)


def report_to_json(report: Report) -> dict:
    """A plain-JSON form of a report; :func:`report_from_json` reads it back."""
    return {
        "status": report.status.value,
        "summary": report.summary,
        "checked_at": report.checked_at.isoformat(),
        "signer": (
            {"issuer_id": report.signer.issuer_id, "issuer_name": report.signer.issuer_name, "key_id": report.signer.key_id}
            if report.signer
            else None
        ),
        "checks": [
            {"name": c.name.value, "outcome": c.outcome.value, "message": c.message, "detail": c.detail, "code": c.code}
            for c in report.checks
        ],
        "endorsements": [report_to_json(e) for e in report.endorsements],
    }


def report_from_json(data: dict) -> Report:
    """The report a :func:`report_to_json` dict describes (``ValueError`` when malformed)."""
    try:
        signer = data.get("signer")
        return Report(
            status=Status(data["status"]),
            checks=tuple(
                Check(CheckName(c["name"]), Outcome(c["outcome"]), c["message"], c.get("detail", ""), c.get("code", ""))
                for c in data["checks"]
            ),
            checked_at=datetime.fromisoformat(data["checked_at"]),
            signer=Signer(signer["issuer_id"], signer.get("issuer_name", ""), signer.get("key_id", "")) if signer else None,
            endorsements=tuple(report_from_json(e) for e in data.get("endorsements", ())),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a stored verification report: {exc}") from None
