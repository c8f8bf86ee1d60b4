"""Verifying a presentation: the holder's signature, that the key is the holder's,
the receiver's challenge and domain, the presentation's expiry, and a report for
every credential inside it (embedded, JWT, or enveloped ``data:application/vc+jwt``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from wallet.verify import checks as c
from wallet.verify import dates
from wallet.verify.credential import verify_credential
from wallet.verify.binding import binding_check
from wallet.verify.dataintegrity import verify_proofs
from wallet.verify.dids import KeyInvalid, KeyUnavailable
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.jws import JwsError, check_header, parse
from wallet.verify.report import Check, CheckName, Outcome, Report, Status, overall_status

ENVELOPE_PREFIXES = ("data:application/vc+jwt,", "data:application/vc+ld+json+jwt,", "data:application/jwt,")


@dataclass(frozen=True)
class PresentationReport:
    status: Status
    checks: tuple[Check, ...]
    holder: str
    credentials: tuple[tuple[Any, Report], ...]
    checked_at: datetime | None = None

    @property
    def summary(self) -> str:
        for wanted in (Outcome.FAILED, Outcome.UNKNOWN, Outcome.WARNING):
            for check in self.checks:
                if check.outcome is wanted:
                    return check.message
            for i, (_, report) in enumerate(self.credentials):
                if any(ch.outcome is wanted for ch in report.checks):
                    return f"Credential {i + 1}: {report.summary}"
        return f"Presented by {self.holder}" if self.holder else self.status.label

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(ch.code for ch in self.checks if ch.code)

    def check(self, name: CheckName) -> Check | None:
        return next((ch for ch in self.checks if ch.name is name), None)


def verify_presentation(
    vp: dict[str, Any] | str,
    env: VerifyEnvironment | None = None,
    *,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationReport:
    env = env or VerifyEnvironment()
    if isinstance(vp, (str, bytes)):
        text = vp.decode("utf-8", "replace") if isinstance(vp, bytes) else vp
        text = text.strip()
        if not text.startswith("{"):
            return _verify_jwt_vp(text, env, challenge, domain)
        try:
            vp = json.loads(text)
        except ValueError as exc:
            return _unreadable(env, f"not JSON: {exc}")
    if not isinstance(vp, dict) or "VerifiablePresentation" not in _as_list(vp.get("type")):
        return _unreadable(env, "type does not include VerifiablePresentation")
    holder = vp.get("holder")
    holder = str(holder.get("id", "")) if isinstance(holder, dict) else str(holder or "")
    results = verify_proofs(vp, env, purpose="authentication", check_expiry=False)
    checks = [_signature(c.signature_check(results))]
    keys = [r.key for r in results if r.key is not None]
    if keys:
        holder = holder or keys[0].published_by
        checks.append(_holder(binding_check(keys, holder, env, purpose="authentication", role="holder")))
    proofs = [p for p in _as_list(vp.get("proof")) if isinstance(p, dict)]
    checks.append(_expected(CheckName.CHALLENGE, "challenge", challenge, [p.get("challenge") for p in proofs]))
    checks.append(_expected(CheckName.DOMAIN, "domain", domain, [d for p in proofs for d in _as_list(p.get("domain"))]))
    checks.append(_expiry([dates.parse_date(p.get("expires")) for p in proofs if p.get("expires")], env))
    return _finish(vp.get("verifiableCredential"), checks, holder, env)


def _finish(items: Any, checks: list[Check], holder: str, env: VerifyEnvironment) -> PresentationReport:
    credentials = tuple((item, verify_credential(_unwrap(item), env)) for item in _as_list(items))
    subjects = _subject_check(credentials, holder)
    if subjects is not None:
        checks.append(subjects)
    status = overall_status(checks)
    statuses = [status] + [r.status for _, r in credentials]
    for worst in (Status.NOT_VERIFIED, Status.OFFLINE, Status.WARNINGS):
        if worst in statuses:
            status = worst
            break
    return PresentationReport(status, tuple(checks), holder, credentials, env.clock())


def _unwrap(item: Any) -> Any:
    """An enveloped credential's JWT; anything else as it is."""
    if isinstance(item, dict) and "EnvelopedVerifiableCredential" in _as_list(item.get("type")):
        ident = item.get("id", "")
        for prefix in ENVELOPE_PREFIXES:
            if isinstance(ident, str) and ident.startswith(prefix):
                return unquote(ident[len(prefix) :])
        return "unreadable enveloped credential"
    return item


def _signature(check: Check) -> Check:
    message = check.message
    if check.outcome is Outcome.PASSED:
        message = "The holder's signature on the bundle is valid."
    elif check.code == "no-proof":
        message = "The bundle is not signed by its holder."
    return Check(CheckName.PRESENTATION, check.outcome, message, check.detail, check.code)


def _holder(check: Check) -> Check:
    return Check(CheckName.HOLDER, check.outcome, check.message, check.detail, check.code)


def _expected(name: CheckName, label: str, wanted: str | None, found: list[Any]) -> Check:
    found = [f for f in found if f]
    if wanted is None:
        if found:
            return Check(name, Outcome.PASSED, f"Made for {label} {found[0]} (none was asked for).", f"{label} {found!r}")
        return Check(name, Outcome.PASSED, f"No {label} was asked for.", f"no {label}")
    if wanted in found:
        return Check(name, Outcome.PASSED, f"Made for the {label} you asked for.", f"{label} {wanted!r}")
    what = "request" if label == "challenge" else "receiver"
    return Check(
        name, Outcome.FAILED, f"The bundle was made for a different {what} ({label} does not match).",
        f"{label} {found!r}, expected {wanted!r}", f"wrong-{label}",
    )


def _expiry(ends: list[datetime | None], env: VerifyEnvironment) -> Check:
    if any(e is None for e in ends):
        return Check(CheckName.DATES, Outcome.FAILED, "The bundle's expiry date cannot be read.", "proof expires", "malformed-date")
    end = min(ends) if ends else None  # type: ignore[type-var]
    now = env.clock()
    if end is None:
        return Check(CheckName.DATES, Outcome.PASSED, "The bundle does not expire.", "no proof expires")
    if now > end:
        return Check(
            CheckName.DATES, Outcome.FAILED, f"The bundle expired on {dates.human(end)}.",
            f"proof expires {end.isoformat()}, checked at {now.isoformat()}", "expired",
        )
    return Check(CheckName.DATES, Outcome.PASSED, f"The bundle is valid until {dates.human(end)}.", f"proof expires {end.isoformat()}")


def _subject_check(credentials: tuple[tuple[Any, Report], ...], holder: str) -> Check | None:
    """Whether the credentials were issued to the holder (a warning when some were not)."""
    from wallet.verify.jwt import credential_of

    others = []
    for item, _ in credentials:
        doc = item if isinstance(item, dict) and "credentialSubject" in item else None
        if doc is None:
            try:
                doc = credential_of(parse(_unwrap(item)).payload) if isinstance(_unwrap(item), str) else None
            except JwsError:
                doc = None
        subject = doc.get("credentialSubject") if doc else None
        sid = subject.get("id") if isinstance(subject, dict) else None
        if isinstance(sid, str) and sid.startswith("did:") and holder and sid.partition("#")[0] != holder:
            others.append(sid)
    if not credentials or not holder:
        return None
    if others:
        return Check(
            CheckName.HOLDER, Outcome.WARNING,
            f"{len(others)} of the credentials were issued to someone other than the holder.",
            f"subjects {others!r}, holder {holder}", "subject-not-holder",
        )
    return None


def _unreadable(env: VerifyEnvironment, detail: str) -> PresentationReport:
    check = Check(CheckName.PRESENTATION, Outcome.FAILED, "This is not a bundle the wallet can read.", detail, "malformed")
    return PresentationReport(Status.NOT_VERIFIED, (check,), "", (), env.clock())


def _verify_jwt_vp(token: str, env: VerifyEnvironment, challenge: str | None, domain: str | None) -> PresentationReport:
    """A VC 1.1 JWT presentation: ``vp`` claim, iss = holder, nonce = challenge, aud = domain."""
    from wallet.verify.jwt import signing_key

    try:
        jws = parse(token)
    except JwsError as exc:
        return _unreadable(env, exc.detail)
    vp = jws.payload.get("vp") if isinstance(jws.payload.get("vp"), dict) else jws.payload
    holder = str(jws.payload.get("iss") or vp.get("holder") or "")
    checks: list[Check] = []
    try:
        alg = check_header(jws.header)
        key = signing_key(jws, alg, holder, env, purpose="authentication")
        checks.append(Check(CheckName.PRESENTATION, Outcome.PASSED, "The holder's signature on the bundle is valid.", f"JWS {alg} by {key.id}"))
        checks.append(_holder(binding_check([key], holder or key.published_by, env, purpose="authentication", role="holder")))
    except (JwsError, KeyInvalid) as exc:
        checks.append(Check(CheckName.PRESENTATION, Outcome.FAILED, exc.message, exc.detail, getattr(exc, "code", "bad-key")))
    except KeyUnavailable as exc:
        checks.append(Check(CheckName.PRESENTATION, Outcome.UNKNOWN, exc.message, exc.detail, "key-offline"))
    checks.append(_expected(CheckName.CHALLENGE, "challenge", challenge, [jws.payload.get("nonce")]))
    checks.append(_expected(CheckName.DOMAIN, "domain", domain, _as_list(jws.payload.get("aud"))))
    exp = dates.from_epoch(jws.payload["exp"]) if "exp" in jws.payload else None
    nbf = dates.from_epoch(jws.payload["nbf"]) if "nbf" in jws.payload else None
    checks.append(dates.check_window(nbf, exp, env.clock()))
    return _finish(vp.get("verifiableCredential"), checks, holder, env)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
