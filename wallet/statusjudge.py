"""Whether a status list may be believed: its proof, issuer, address, dates, type and purpose.

The same judgement runs twice. When a list arrives (a download, a file, a trust file) a
list that fails it is refused and never replaces the last good copy; when a credential
is checked, the saved list is judged again for that credential, because dates pass and
one list may serve credentials of several issuers. No I/O here: :mod:`wallet.status`
fetches, keeps and answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from wallet.clock import Clock, system_clock
from wallet.errors import MalformedCredential
from wallet.statuslist import BITSTRING, LIST_TYPES, STATUSLIST2021
from wallet.verify.dates import human, parse_date, window_of
from wallet.verify.report import CheckName, Outcome

# the credential type a status list of each method carries
CREDENTIAL_TYPES = {BITSTRING: "BitstringStatusListCredential", STATUSLIST2021: "StatusList2021Credential"}


# ---------------------------------------------------------------- the list's own proof

@dataclass(frozen=True)
class Verdict:
    """Whether a status list credential's own proof holds."""

    ok: bool
    message: str = ""
    detail: str = ""
    code: str = ""


ListVerifier = Callable[[dict[str, Any]], Verdict]


def wallet_list_verifier(documents: Any = None, clock: Clock = system_clock) -> ListVerifier:
    """A ListVerifier that checks a status list credential with the wallet's own verifier.

    The list's proofs must all hold and be made by a key its issuer controls. Keys
    behind did:web or https come from the cached ``documents``.
    """

    def verify(document: dict[str, Any]) -> Verdict:
        from wallet.verify import VerifyEnvironment, verify_credential

        # no status or trust seams here: a list is judged on its own proof
        report = verify_credential(document, VerifyEnvironment(clock=clock, documents=documents))
        return verdict_of(report)

    return verify


# The list's dates are judged by list_problem (to say "expired on ..."), not here.
_IGNORED = (CheckName.DATES, CheckName.STATUS, CheckName.TRUST, CheckName.ENDORSEMENTS)


def verdict_of(report: Any) -> Verdict:
    """Whether a verification report of a status list credential lets it be believed."""
    signature = report.check(CheckName.SIGNATURE)
    if signature is None or signature.outcome not in (Outcome.PASSED, Outcome.WARNING):
        why = signature.message if signature is not None else "it carries no signature"
        code = "status-list-unverifiable" if signature is not None and signature.outcome is Outcome.UNKNOWN else "status-list-invalid"
        return Verdict(False, why, signature.detail if signature is not None else "", code)
    binding = report.check(CheckName.ISSUER_KEY)
    if binding is None or binding.outcome is not Outcome.PASSED:
        why = binding.message if binding is not None else "nothing ties its signature to its issuer"
        return Verdict(False, why, binding.detail if binding is not None else "", "status-list-invalid")
    for check in report.checks:
        if check.name not in _IGNORED and check.outcome in (Outcome.FAILED, Outcome.UNKNOWN):
            return Verdict(False, check.message, check.detail, "status-list-invalid")
    return Verdict(True, "", signature.detail)


# ---------------------------------------------------------------- what the list must be

@dataclass(frozen=True)
class ListUse:
    """What the credentials that name one status list expect of it; empty when unknown."""

    scheme: str = ""  # their entry type: BitstringStatusListEntry, StatusList2021Entry, 1EdTechRevocationList
    issuers: frozenset[str] = frozenset()  # their issuers: the list must be one of theirs
    purposes: frozenset[str] = frozenset()  # the purposes their entries name

    def joined(self, scheme: str, issuer: str, purpose: str) -> "ListUse":
        """This use, and one more credential's entry."""
        return ListUse(self.scheme or scheme, self.issuers | ({issuer} if issuer else set()),
                       self.purposes | ({purpose} if purpose else set()))


@dataclass(frozen=True)
class ListProblem:
    """Why a list cannot be believed: a clause that follows "The status list ..."."""

    code: str
    clause: str
    detail: str


def issuer_of(document: dict[str, Any]) -> str:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return str(issuer or "")


def require_list_shape(url: str, document: dict[str, Any], scheme: str = "") -> None:
    """A MalformedCredential unless the document says it is a status list of the scheme's kind."""
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    wanted = [CREDENTIAL_TYPES[scheme]] if scheme in CREDENTIAL_TYPES else list(CREDENTIAL_TYPES.values())
    if not set(wanted) & set(types):
        raise MalformedCredential(
            "The document at that address does not say it is a status list: it lacks the "
            f"{' or '.join(wanted)} type, so it was not used.", f"{url}: type {types}"
        )


def subject_of(document: dict[str, Any]) -> Any:
    subject = document.get("credentialSubject")
    return subject[0] if isinstance(subject, list) and subject else subject


def list_problem(document: dict[str, Any], url: str, use: ListUse, now: datetime) -> ListProblem | None:
    """Why a status list credential cannot answer for credentials of this use at ``now``."""
    return (_issuer_problem(document, use) or _id_problem(document, url, required=True)
            or _date_problem(document, now) or _content_problem(document, use))


def revocation_list_problem(document: dict[str, Any], url: str, use: ListUse) -> ListProblem | None:
    """Why a 1EdTech revocation list cannot answer for credentials of this use."""
    if not isinstance(document.get("revokedCredentials"), list):
        return ListProblem("status-list-invalid", "has no list of revoked credentials in it", "revokedCredentials missing")
    return _issuer_problem(document, use) or _id_problem(document, url, required=False)


def _issuer_problem(document: dict[str, Any], use: ListUse) -> ListProblem | None:
    list_issuer = issuer_of(document)
    if not use.issuers or list_issuer in use.issuers:
        return None
    theirs = ", ".join(sorted(use.issuers))
    if not list_issuer:
        return ListProblem("status-list-wrong-issuer", "does not say who issued it",
                           f"list has no issuer; credential issuer {theirs}")
    return ListProblem("status-list-wrong-issuer", "belongs to someone other than the credential's issuer",
                       f"list issuer {list_issuer}; credential issuer {theirs}")


def _id_problem(document: dict[str, Any], url: str, *, required: bool) -> ListProblem | None:
    list_id = document.get("id")
    if list_id == url or (not list_id and not required):
        return None
    if not list_id:
        return ListProblem("status-list-wrong-id", "does not say which list it is", f"{url}: no id")
    return ListProblem("status-list-wrong-id", "says it is a different list",
                       f"statusListCredential {url}, list id {list_id}")


def _date_problem(document: dict[str, Any], now: datetime) -> ListProblem | None:
    start, end = (parse_date(value) for value in window_of(document))
    if end is not None and now >= end:
        return ListProblem("status-list-expired", f"expired on {human(end)}", f"validUntil {end.isoformat()}")
    if start is not None and now < start:
        return ListProblem("status-list-not-yet-valid", f"is not valid until {human(start)}",
                           f"validFrom {start.isoformat()}")
    return None


def _content_problem(document: dict[str, Any], use: ListUse) -> ListProblem | None:
    subject = subject_of(document)
    if not isinstance(subject, dict):
        return ListProblem("status-list-invalid", "has no list in it", "credentialSubject missing")
    wanted = [LIST_TYPES[use.scheme]] if use.scheme in LIST_TYPES else list(LIST_TYPES.values())
    types = subject.get("type")
    types = types if isinstance(types, list) else [types]
    if not set(wanted) & set(types):
        return ListProblem("status-list-wrong-type", f"is not a {' or '.join(wanted)}", f"credentialSubject.type {types}")
    purposes = subject.get("statusPurpose")
    purposes = [str(p).lower() for p in (purposes if isinstance(purposes, list) else [purposes])]
    missing = sorted(use.purposes - set(purposes))
    if missing:
        return ListProblem("status-list-wrong-purpose", f"is for {', '.join(purposes)}, not {', '.join(missing)}",
                           f"statusPurpose {purposes} vs entry {missing}")
    return None
