"""Whether a held credential counts toward stacks, read from its verification report.

Only credentials that verify count as earned. Those that could not be checked offline
(or not checked yet) are pending and shown apart. Failed, expired and revoked ones
never count, and the learner is told why in a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from wallet.credential import Summary
from wallet.verify.dates import human
from wallet.verify.report import CheckName, Outcome, Report, Status


class Standing(StrEnum):
    EARNED = "earned"
    PENDING = "pending"
    NOT_COUNTED = "not-counted"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Standing.EARNED: "Counts",
    Standing.PENDING: "Pending",
    Standing.NOT_COUNTED: "Does not count",
}


@dataclass(frozen=True)
class CredentialStanding:
    standing: Standing
    reason: str = ""  # one sentence; empty for earned credentials
    code: str = ""  # the report's reason code: "expired", "revoked", "tampered", ...

    @property
    def counts(self) -> bool:
        return self.standing is Standing.EARNED


EARNED = CredentialStanding(Standing.EARNED)
NOT_CHECKED = CredentialStanding(
    Standing.PENDING, "It has not been checked yet, so it does not count until it is.", "not-checked"
)


def standing_of(report: Report | None) -> CredentialStanding:
    """Map a verification report to the credential's standing in stacks."""
    if report is None:
        return NOT_CHECKED
    if report.status in (Status.VERIFIED, Status.WARNINGS):
        key = report.check(CheckName.ISSUER_KEY)
        if key is not None and key.outcome is not Outcome.PASSED:  # anyone could have made it
            return CredentialStanding(
                Standing.NOT_COUNTED,
                f"Who issued it is not confirmed ({_sentence(key.message)}), so it does not count.",
                key.code or "issuer-not-confirmed",
            )
        return EARNED
    if report.status is Status.OFFLINE:
        return CredentialStanding(
            Standing.PENDING,
            f"It could not be checked offline ({_sentence(report.summary)}); it will count once it can be.",
            _first_code(report, Outcome.UNKNOWN) or "cannot-check-offline",
        )
    return _not_counted(report)


def standing_now(summary: Summary, report: Report | None, now: datetime) -> CredentialStanding:
    """The standing today: a credential that expired since its last check no longer counts."""
    until = summary.valid_until
    if until is not None and until.tzinfo is not None and until <= now:
        return CredentialStanding(Standing.NOT_COUNTED, f"It expired on {human(until)}, so it does not count.",
                                  "expired")
    return standing_of(report)


def _not_counted(report: Report) -> CredentialStanding:
    codes = report.codes
    if "revoked" in codes:
        return CredentialStanding(Standing.NOT_COUNTED, "Its issuer has revoked it, so it does not count.", "revoked")
    if "suspended" in codes:
        return CredentialStanding(
            Standing.NOT_COUNTED, "Its issuer has suspended it, so it does not count for now.", "suspended"
        )
    dates = report.check(CheckName.DATES)
    if dates is not None and dates.outcome is Outcome.FAILED:
        code = dates.code or "dates"
        return CredentialStanding(Standing.NOT_COUNTED, f"{dates.message.strip().rstrip('.')}, so it does not count.", code)
    code = _first_code(report, Outcome.FAILED) or "not-verified"
    return CredentialStanding(
        Standing.NOT_COUNTED, f"It did not pass verification ({_sentence(report.summary)}), so it does not count.", code
    )


def _first_code(report: Report, outcome: Outcome) -> str:
    for check in report.checks:
        if check.outcome is outcome and check.code:
            return check.code
    return ""


def _sentence(text: str) -> str:
    """A report sentence made fit to sit inside another: no final full stop."""
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2].istitle() and not text[:2].isupper() else text
