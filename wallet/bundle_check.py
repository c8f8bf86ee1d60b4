"""Checking a bundle someone gave you: who shared it, for whom, until when, and each credential.

A receiver opens a ``.json`` file, or pictures of the QR codes (any order, several per
picture), or both when a file-reference code points to the file. The result is a
:class:`BundleReport`: one line each for the holder's signature, the holder's key, the
challenge, the domain and the expiry, then a full verification report per credential.
Nothing received is added to the receiver's wallet unless they ask
(:func:`add_to_wallet`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wallet import qr
from wallet.credential import Credential, Format
from wallet.errors import BundleError, InputError, UnsupportedFormat
from wallet.verify.dates import human
from wallet.verify.environment import VerifyEnvironment
from wallet.verify.report import Check, CheckName, Outcome, Report, Status, overall_status

log = logging.getLogger(__name__)

_CLOCK_SKEW = timedelta(minutes=5)
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Received:
    """A presentation as it arrived, before any checking: JSON-LD, or a JWT (VC 1.1 ``vp``)."""

    presentation: dict[str, Any] | str
    source: str  # "file credentials.json", "3 QR codes", ...


@dataclass(frozen=True)
class BundleLine:
    """One bundle-level line: a label for the screen and the check behind it."""

    label: str
    check: Check


@dataclass(frozen=True)
class ReceivedCredential:
    """One credential found in a bundle, with its own verification report."""

    index: int
    title: str
    issuer: str
    kind: str
    report: Report
    holder_check: Check | None = None
    credential: Credential | None = None  # the parsed record, for "Add to my wallet"

    @property
    def checks(self) -> tuple[Check, ...]:
        return self.report.checks + ((self.holder_check,) if self.holder_check else ())

    @property
    def status(self) -> Status:
        return overall_status(self.checks)

    @property
    def summary(self) -> str:
        """The first thing wrong with it, else who signed it."""
        for wanted in (Outcome.FAILED, Outcome.UNKNOWN, Outcome.WARNING):
            if any(c.outcome is wanted for c in self.checks):
                return _first(self.checks, wanted)
        return self.report.summary


@dataclass(frozen=True)
class BundleReport:
    holder: str
    lines: tuple[BundleLine, ...]
    credentials: tuple[ReceivedCredential, ...]
    checked_at: datetime
    created: datetime | None = None
    expires: datetime | None = None
    challenge: str = ""
    domain: str = ""
    source: str = ""

    @property
    def status(self) -> Status:
        return overall_status([line.check for line in self.lines] + [c for r in self.credentials for c in r.checks])

    @property
    def holder_name(self) -> str:
        """The name the credentials give the one who shared them, only when every one of them
        was issued to the holder's DID (see :func:`wallet.bundle.holder_name`)."""
        from wallet.bundle import holder_name

        records = [r.credential for r in self.credentials]
        return holder_name(self.holder, records) if all(records) else ""

    @property
    def shared_by(self) -> str:
        """Who shared the bundle, in words: ``Chiara Costa (did:key:…)``, or the DID alone."""
        if not self.holder:
            return "(not named)"
        return f"{self.holder_name} ({self.holder})" if self.holder_name else self.holder

    @property
    def ok(self) -> bool:
        """Everything holds (warnings allowed), and each credential was signed by the issuer
        it names (``Report.vouches``, as ``verify`` requires): the CLI's exit status 0."""
        return self.status in (Status.VERIFIED, Status.WARNINGS) and all(
            r.report.vouches for r in self.credentials)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(line.check.code for line in self.lines if line.check.code) | frozenset(
            c.code for r in self.credentials for c in r.checks if c.code)

    @property
    def summary(self) -> str:
        """One sentence: the first bundle-level problem, else the first credential's, else fine."""
        for wanted in (Outcome.FAILED, Outcome.UNKNOWN):
            for line in self.lines:
                if line.check.outcome is wanted:
                    return line.check.message
            for r in self.credentials:
                if any(c.outcome is wanted for c in r.checks):
                    return f"Credential {r.index} (“{r.title}”): {_first(r.checks, wanted)}"
        n = len(self.credentials)
        return f"Signed by its holder; {n} credential{'s' if n != 1 else ''}, " + (
            "all verified." if self.status is Status.VERIFIED else "verified, with warnings.")

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "summary": self.summary,
            "holder": self.holder,
            "holderName": self.holder_name or None,
            "source": self.source,
            "created": _iso(self.created),
            "expires": _iso(self.expires),
            "challenge": self.challenge or None,
            "domain": self.domain or None,
            "checkedAt": _iso(self.checked_at),
            "checks": [dict(_check_json(line.check), label=line.label) for line in self.lines],
            "credentials": [
                {
                    "index": r.index, "title": r.title, "issuer": r.issuer, "format": r.kind,
                    "status": r.status.value, "summary": r.summary,
                    "checks": [_check_json(c) for c in r.checks],
                }
                for r in self.credentials
            ],
        }


def _first(checks: Sequence[Check], outcome: Outcome) -> str:
    return next(c.message for c in checks if c.outcome is outcome)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _check_json(c: Check) -> dict[str, str]:
    return {"name": c.name.value, "outcome": c.outcome.value, "message": c.message, "detail": c.detail,
            "code": c.code}


# ---------------------------------------------------------------- reading what arrived

def load(inputs: Sequence[Path | str]) -> Received:
    """A presentation from a file, from QR pictures, or from a code and its file."""
    if not inputs:
        raise BundleError("Give a bundle file or pictures of its QR codes.", "no input")
    images, files = [], []
    for item in inputs:
        path = Path(item)
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            raise BundleError(f"{path.name} cannot be opened: {exc.strerror or exc}.", str(exc)) from exc
        (images if qr.is_picture(path) else files).append(path)
    if not images:
        if len(files) > 1:
            raise BundleError("Check one bundle file at a time.", f"{len(files)} files")
        return Received(read_file(files[0]), f"file {files[0].name}")
    decoded = qr.decode_texts(qr.read_images(images))
    return from_codes(decoded, files, f"{len(images)} picture{'s' if len(images) > 1 else ''} of QR codes")


def from_codes(decoded: qr.Decoded, files: Sequence[Path | str], source: str) -> Received:
    """A presentation from codes already read (pictures or a camera); a code that stands
    for a file that travels separately is matched against ``files``."""
    paths = [Path(f) for f in files]
    if decoded.document is not None:
        if paths:
            raise BundleError("Give either the bundle file or the QR codes, not both.", str(paths))
        return Received(decoded.document, source)
    return _matching_file(decoded, paths, source)


def _matching_file(decoded: qr.Decoded, files: list[Path], count: str) -> Received:
    if not files:
        raise BundleError("This QR code stands for a bundle file that travels separately; "
                          "open that .json file together with the picture.", f"sha256 {decoded.sha256}")
    for path in files:
        data = path.read_bytes()
        if qr.match_file(decoded, data):
            return Received(_parse(data, path.name), f"file {path.name}, matched by its QR code")
    raise BundleError("The bundle file is not the one the QR code stands for: it was changed or is another file.",
                      f"expected sha256 {decoded.sha256}")


def read_file(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"{path.name} cannot be opened: {exc.strerror or exc}.", str(exc)) from exc
    return _parse(data, path.name)


def _parse(data: bytes, name: str) -> dict[str, Any] | str:
    from wallet.formats.detect import check_size, load_json

    check_size(data, what=name)
    text = data.decode("utf-8", "replace").strip()
    if text.startswith("LW1"):
        return _from_codes_text(text)
    if _JWS.match(text):
        return text  # a presentation signed as a JWT by another wallet
    if not text.startswith("{"):
        raise UnsupportedFormat(f"{name} is not a bundle: a bundle is a .json file or pictures of QR codes.",
                                repr(text[:20]))
    document = load_json(data, what=name)
    if not isinstance(document, dict):
        raise BundleError(f"{name} is not a bundle.", "JSON is not an object")
    return document


def _from_codes_text(text: str) -> dict[str, Any]:
    """Codes pasted as text, one per line (as a scanner app copies them)."""
    decoded = qr.decode_texts(text.splitlines())
    if decoded.document is None:
        raise BundleError("This text is a file fingerprint; open the bundle file it stands for.", decoded.sha256)
    return decoded.document


# ---------------------------------------------------------------- checking

def check(presentation: dict[str, Any] | str, env: VerifyEnvironment | None = None, *,
          challenge: str | None = None, domain: str | None = None, source: str = "") -> BundleReport:
    """Verify a received presentation and every credential in it, offline.

    The holder's proof and key and each credential's report come from
    :func:`wallet.verify.verify_presentation`; the request, receiver and expiry lines
    and the per-credential "issued to the holder" line are the bundle's own.
    """
    from wallet.verify import verify_presentation

    env = env or VerifyEnvironment()
    if isinstance(presentation, str):
        return _check_jwt(presentation, env, challenge, domain, source)
    _require_presentation(presentation)
    now = env.clock()
    proof = _auth_proof(presentation)
    verified = verify_presentation(presentation, env)
    holder = verified.holder or _holder_of(presentation)
    lines = [
        *_signature_lines(verified.checks),
        BundleLine("Request", _match_line("challenge", proof.get("challenge"), challenge)),
        BundleLine("Receiver", _match_line("domain", proof.get("domain"), domain)),
        BundleLine("Expiry", _expiry_check(proof, presentation, now)),
    ]
    received = [_credential(index, entry, report, holder)
                for index, (entry, report) in enumerate(verified.credentials, 1)]
    if not received:
        lines.append(BundleLine("Credentials", Check(CheckName.PRESENTATION, Outcome.WARNING,
                                                     "The bundle holds no credentials.", "", "empty-bundle")))
    return BundleReport(holder, tuple(lines), tuple(received), now, _date(proof.get("created")),
                        _date(proof.get("expires")), str(proof.get("challenge") or ""),
                        _domain_text(proof.get("domain")), source)


def _check_jwt(token: str, env: VerifyEnvironment, challenge: str | None, domain: str | None,
               source: str) -> BundleReport:
    """A JWT presentation (``iss`` holder, ``nonce`` challenge, ``aud`` domain, ``exp``)."""
    from wallet.formats.jwt import decode
    from wallet.verify import verify_presentation
    from wallet.verify.dates import from_epoch

    try:
        payload = decode(token).payload
    except InputError as exc:
        raise BundleError("This file looks like a signed token but cannot be read as a bundle.", exc.detail) from exc
    if "vp" not in payload:
        if "vc" in payload:
            raise BundleError("This is a single credential, not a bundle; add it to the wallet with Import.",
                              "JWT with a vc claim")
        raise BundleError("This signed token is not a bundle of credentials.", f"claims {sorted(payload)[:8]}")
    verified = verify_presentation(token, env, challenge=challenge, domain=domain)
    labels = {CheckName.PRESENTATION: "Holder's signature", CheckName.HOLDER: "Holder",
              CheckName.CHALLENGE: "Request", CheckName.DOMAIN: "Receiver", CheckName.DATES: "Expiry"}
    lines = [BundleLine(labels.get(c.name, c.name.value.capitalize()), _signature_words(c))
             for c in verified.checks if c.code != "subject-not-holder"]
    received = [_credential(i, entry, report, verified.holder)
                for i, (entry, report) in enumerate(verified.credentials, 1)]
    aud = payload.get("aud")
    return BundleReport(verified.holder, tuple(lines), tuple(received), env.clock(),
                        from_epoch(payload.get("iat") or payload.get("nbf")), from_epoch(payload.get("exp")),
                        str(payload.get("nonce") or ""), _domain_text(aud), source)


def check_inputs(inputs: Sequence[Path | str], env: VerifyEnvironment | None = None, *,
                 challenge: str | None = None, domain: str | None = None) -> BundleReport:
    received = load(inputs)
    return check(received.presentation, env, challenge=challenge, domain=domain, source=received.source)


def _require_presentation(doc: dict[str, Any]) -> None:
    types = doc.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" in types:
        return
    if "VerifiableCredential" in types:
        raise BundleError("This is a single credential, not a bundle; add it to the wallet with Import.",
                          f"type {types}")
    raise BundleError("This is not a bundle of credentials.", f"type {types}")


def _auth_proof(doc: dict[str, Any]) -> dict[str, Any]:
    proofs = doc.get("proof")
    proofs = proofs if isinstance(proofs, list) else ([] if proofs is None else [proofs])
    proofs = [p for p in proofs if isinstance(p, dict)]
    return next((p for p in proofs if p.get("proofPurpose") == "authentication"), proofs[0] if proofs else {})


def _holder_of(doc: dict[str, Any]) -> str:
    holder = doc.get("holder")
    if isinstance(holder, dict):
        holder = holder.get("id")
    return holder if isinstance(holder, str) else ""


def _date(value: Any) -> datetime | None:
    from wallet.verify.dates import parse_date

    return parse_date(value) if isinstance(value, str) else None


def _domain_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "")


def _signature_lines(checks: Sequence[Check]) -> list[BundleLine]:
    """The holder's signature and key lines, from the presentation verifier's checks."""
    lines = []
    for c in checks:
        if c.name is CheckName.PRESENTATION:
            lines.append(BundleLine("Holder's signature", _signature_words(c)))
        elif c.name is CheckName.HOLDER and c.code != "subject-not-holder":  # said per credential
            lines.append(BundleLine("Holder", c))
    return lines


def _signature_words(c: Check) -> Check:
    if c.code == "no-proof":
        return dataclasses.replace(c, message="The bundle is not signed by its holder, so anyone could have put "
                                   "it together.", code="unsigned-bundle")
    if c.outcome is Outcome.FAILED and c.code in ("tampered", "bad-signature"):
        return dataclasses.replace(c, message="The holder's signature does not match the bundle: something in it "
                                   "was changed after signing.")
    return c


def _match_line(what: str, signed: Any, expected: str | None) -> Check:
    """Whether the bundle was made for this receiver's request (challenge) and for them (domain)."""
    name = CheckName.PRESENTATION
    signed_values = [str(v) for v in signed] if isinstance(signed, list) else ([str(signed)] if signed else [])
    shown = ", ".join(signed_values)
    words = _WORDS[what]
    if expected is None:
        if not signed_values:
            return Check(name, Outcome.PASSED, words["none"], f"no {what}")
        brief = shown if len(shown) <= 40 else shown[:12] + "…"  # a long random challenge: its start is enough
        return Check(name, Outcome.WARNING, words["unchecked"].format(brief), f"{what} {shown}, not compared",
                     f"{what}-not-checked")
    if expected in signed_values:
        return Check(name, Outcome.PASSED, words["match"], f"{what} {shown}")
    if not signed_values:
        return Check(name, Outcome.FAILED, words["missing"], f"expected {expected!r}", f"missing-{what}")
    return Check(name, Outcome.FAILED, words["wrong"], f"{what} {shown!r}, expected {expected!r}", f"wrong-{what}")


_WORDS = {
    "challenge": {
        "none": "Not made for a particular request.",
        "unchecked": "Made for the request “{}”; not compared with yours: no challenge was given.",
        "match": "Made for your request (the challenge matches).",
        "missing": "The bundle was not made for your request: it carries no challenge.",
        "wrong": "The bundle was made for a different request: the challenge does not match.",
    },
    "domain": {
        "none": "Not made for a particular receiver.",
        "unchecked": "Made for {}; not compared with yours: no domain was given.",
        "match": "Made for you (the domain matches).",
        "missing": "The bundle was not made for you: it names no receiver (domain).",
        "wrong": "The bundle was made for a different receiver: the domain does not match.",
    },
}


def _expiry_check(proof: dict[str, Any], doc: dict[str, Any], now: datetime) -> Check:
    name = CheckName.DATES
    ends = [d for d in (_date(proof.get("expires")), _date(doc.get("validUntil"))) if d is not None]
    if proof.get("expires") and not _date(proof.get("expires")):
        return Check(name, Outcome.FAILED, "The bundle's expiry date cannot be read.",
                     f"expires {proof.get('expires')!r}", "malformed-expiry")
    created = _date(proof.get("created"))
    if created and created > now + _CLOCK_SKEW:
        return Check(name, Outcome.WARNING, f"The bundle says it was signed in the future ({human(created)}); "
                     "check this computer's clock.", f"created {created.isoformat()}", "created-in-future")
    if not ends:
        return Check(name, Outcome.PASSED, "The bundle has no expiry date.", "no expires / validUntil")
    end = min(ends)
    if end < now:
        return Check(name, Outcome.FAILED, f"The bundle expired on {human(end)}; ask the holder for a new one.",
                     f"expires {end.isoformat()}, now {now.isoformat()}", "bundle-expired")
    return Check(name, Outcome.PASSED, f"Valid until {human(end)}.", f"expires {end.isoformat()}")


def _item(entry: Any) -> Any:
    """The embedded credential's exact text and envelope; None when it is not one."""
    from wallet.formats.presentation import item_of

    try:
        return item_of(entry)
    except InputError as exc:
        log.info("an entry in a bundle is not a credential: %s", exc.detail)
        return None


def _credential(index: int, entry: Any, report: Report, holder: str) -> ReceivedCredential:
    item = _item(entry)
    record = _record(item.text) if item is not None else None
    if record is None:
        return ReceivedCredential(index, "Unreadable credential", "", "", report)
    issuer = record.summary.issuer_name or record.summary.issuer_id
    return ReceivedCredential(index, record.title or "Untitled credential", issuer, record.format.label, report,
                              _subject_check(record, holder), record)


def _record(text: str) -> Credential | None:
    from wallet.formats import parse

    try:
        found = parse(text.encode("utf-8"), source="bundle")
    except InputError as exc:
        log.info("a credential in a bundle could not be parsed: %s", exc.detail)
        return None
    return found[0] if found else None


def _subject_check(record: Credential | None, holder: str) -> Check | None:
    """Whether the credential was issued to the one who shared it, where it says so."""
    if record is None or not holder or record.format is Format.ENDORSEMENT:
        return None  # an endorsement's subject is what it endorses, not a person
    subjects = record.document.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    ids = [s.get("id") for s in subjects if isinstance(s, dict) and isinstance(s.get("id"), str)]
    if not ids:
        return None
    name = record.summary.subject_name
    if holder in ids:
        return Check(CheckName.PRESENTATION, Outcome.PASSED,
                     f"Issued to {name}, the person who shared it." if name else "Issued to the person who shared it.",
                     f"credentialSubject.id {holder}", "subject-is-holder")
    return Check(CheckName.PRESENTATION, Outcome.WARNING,
                 f"Issued to {name}, under another identifier than the one that signed the bundle." if name
                 else "Issued to another identifier than the one that signed the bundle.",
                 f"credentialSubject.id {', '.join(ids)}; holder {holder}", "subject-not-holder")


# ---------------------------------------------------------------- keeping what arrived

def add_to_wallet(wallet: Any, received: ReceivedCredential) -> bool:
    """Add one received credential to the receiver's wallet, only when asked.

    Returns False when the wallet already held it.
    """
    if received.credential is None:
        raise BundleError("This credential could not be read, so it cannot be added.", f"entry {received.index}")
    result = wallet.import_bytes(received.credential.raw, name=received.title, source="bundle")
    if result.error is not None:
        raise result.error
    return bool(result.added or result.restored)
