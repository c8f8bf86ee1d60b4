"""Bundles: the credentials a learner chooses, in a presentation the learner signs.

A bundle is a W3C Verifiable Presentation (VC 2.0 data model) whose ``holder`` is one of
the learner's did:key identities. The chosen credentials go in unchanged: JSON-LD
credentials as their documents, JWT credentials as ``EnvelopedVerifiableCredential``
(``data:application/vc+jwt,<jwt>``). The holder signs with a Data Integrity proof
(eddsa-rdfc-2022, proofPurpose ``authentication``) carrying the receiver's challenge and
domain when given, and an ``expires`` date (default 30 days) after which a checker
refuses the bundle. Checking a received bundle lives in :mod:`wallet.bundle_check`.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from wallet.clock import Clock, system_clock
from wallet.credential import Credential, Envelope, Format
from wallet.errors import BundleError, StoreError
from wallet.identity import Identities, Identity
from wallet.store import Store
from wallet.verify.dates import human

log = logging.getLogger(__name__)

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
SUITE = "eddsa-rdfc-2022"
DEFAULT_EXPIRY_DAYS = 30
MAX_EXPIRY_DAYS = 3650
MAX_CREDENTIALS = 100


@dataclass(frozen=True)
class PreflightWarning:
    """Something the learner should know before a credential leaves the wallet."""

    credential_id: str
    title: str
    code: str  # "not-verified", "expired", "not-checked", "cannot-check-offline", "not-a-vc"
    message: str


def _store_of(source: Any) -> Store:
    return source.store if hasattr(source, "store") else source


def _clock_of(source: Any, clock: Clock | None) -> Clock:
    return clock or getattr(source, "clock", None) or system_clock


def resolve(source: Any, refs: Iterable[str | Credential]) -> list[Credential]:
    """Credentials from ids, unique id prefixes or records, in the order given, once each."""
    store = _store_of(source)
    out: list[Credential] = []
    seen: set[str] = set()
    for ref in refs:
        if isinstance(ref, Credential):
            cred = ref
        elif hasattr(source, "get"):
            cred = source.get(ref)
        else:
            cred = store.get(ref) if len(ref) == 64 else store.find(ref)
        if cred.id not in seen:
            seen.add(cred.id)
            out.append(cred)
    if not out:
        raise BundleError("Choose at least one credential to share.", "empty selection")
    if len(out) > MAX_CREDENTIALS:
        raise BundleError(f"A bundle holds at most {MAX_CREDENTIALS} credentials.", str(len(out)))
    return out


# ---------------------------------------------------------------- before sharing

def preflight(source: Any, credentials: Sequence[str | Credential], *,
              clock: Clock | None = None) -> list[PreflightWarning]:
    """What the learner should hear before sharing: failed checks, expiry, unchecked.

    Reads the reports the wallet saved when it last verified each credential; the
    learner may still share a credential that has a warning.
    """
    store = _store_of(source)
    now = _clock_of(source, clock)()
    out: list[PreflightWarning] = []
    for cred in resolve(source, credentials):
        out += _warnings_for(cred, store.report(cred.id) or _check_now(source, cred, now), now)
    return out


def _check_now(source: Any, cred: Credential, now: datetime) -> dict[str, Any] | None:
    """A credential never verified is checked now, offline, rather than shared unseen."""
    from wallet.verify.credential import verify_credential
    from wallet.verify.environment import VerifyEnvironment
    from wallet.verify.report import report_to_json

    make_env = getattr(source, "verify_environment", None)
    env = make_env() if callable(make_env) else VerifyEnvironment(clock=lambda: now)
    try:
        report = verify_credential(cred, env)
    except Exception:  # a verifier bug must not stop the learner from sharing
        log.exception("could not verify %s before sharing", cred.id)
        return None
    return report_to_json(report)


def _warnings_for(cred: Credential, report: dict[str, Any] | None, now: datetime) -> list[PreflightWarning]:
    title = cred.title or "Untitled credential"
    out: list[PreflightWarning] = []
    until = cred.summary.valid_until
    expired = until is not None and until < now
    if expired:
        out.append(PreflightWarning(cred.id, title, "expired",
                                    f"“{title}” expired on {human(until)}; the receiver will see that."))
    if cred.format is Format.OB2:
        out.append(PreflightWarning(cred.id, title, "not-a-vc",
                                    f"“{title}” is an Open Badge 2.0 badge, not a verifiable credential; "
                                    "some receivers' apps cannot check it."))
    if cred.envelope is Envelope.JWT:
        out.append(PreflightWarning(cred.id, title, "jwt-in-bundle",
                                    f"“{title}” is a JWT credential. Some receivers' apps cannot read JWT "
                                    "credentials inside a bundle yet; Learner Wallet can."))
    status = str((report or {}).get("status", ""))
    if report is None:
        out.append(PreflightWarning(cred.id, title, "not-checked",
                                    f"“{title}” has not been checked yet."))
    elif status == "not-verified":
        reasons = _failed_reasons(report, besides_dates=expired)
        if reasons or not expired:  # an expired credential's failed date check is said once, above
            reason = reasons[0] if reasons else ""
            out.append(PreflightWarning(cred.id, title, "not-verified",
                                        f"“{title}” did not pass verification{': ' + reason if reason else ''}. "
                                        "The receiver will see that too."))
    elif status == "cannot-check-offline":
        out.append(PreflightWarning(cred.id, title, "cannot-check-offline",
                                    f"“{title}” could not be fully checked offline."))
    elif (key := _issuer_key_line(report)) is not None and key.get("outcome") != "passed":
        out.append(PreflightWarning(cred.id, title, "issuer-not-confirmed",
                                    f"“{title}” is not shown to come from its issuer: {key.get('message', '')} "
                                    "The receiver will see that too."))
    return out


def _issuer_key_line(report: dict[str, Any]) -> dict[str, Any] | None:
    from wallet.verify.report import CheckName

    for check in report.get("checks", ()):
        if isinstance(check, dict) and check.get("name") == CheckName.ISSUER_KEY.value:
            return check
    return None


def _failed_reasons(report: dict[str, Any], *, besides_dates: bool = False) -> list[str]:
    """The messages of a saved report's failed checks (without the date checks, if asked)."""
    return [str(check.get("message", "")).rstrip(".") for check in report.get("checks") or ()
            if isinstance(check, dict) and check.get("outcome") == "failed"
            and not (besides_dates and check.get("name") == "dates")]


# ---------------------------------------------------------------- making a bundle

def embed(cred: Credential) -> dict[str, Any] | str:
    """A credential as it goes into ``verifiableCredential``, unchanged."""
    if cred.envelope is Envelope.JWT:
        return {
            "@context": [VC2_CONTEXT],
            "id": f"data:application/vc+jwt,{cred.signed.strip()}",
            "type": "EnvelopedVerifiableCredential",
        }
    return json.loads(cred.signed)


def create_bundle(
    source: Any,
    credentials: Sequence[str | Credential],
    identity: Identity | str | None = None,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    expires_in_days: int | None = DEFAULT_EXPIRY_DAYS,
    clock: Clock | None = None,
    identities: Identities | None = None,
) -> dict[str, Any]:
    """A signed presentation of ``credentials`` by ``identity`` (default: the learner's own).

    ``source`` is the open Wallet or its Store. ``expires_in_days=None`` makes a bundle
    without an expiry date (the learner's explicit choice).
    """
    from wallet.verify.sign import sign

    creds = resolve(source, credentials)
    now = _clock_of(source, clock)()
    ids = identities or Identities(_store_of(source), clock=lambda: now)
    holder = _pick_identity(ids, identity)
    challenge, domain = _clean_request(challenge, domain)
    expires = None
    if expires_in_days is not None:
        expires = now + timedelta(days=_whole_days(expires_in_days))
    presentation = {
        "@context": [VC2_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": [embed(c) for c in creds],
    }
    try:
        signed = sign(presentation, ids.signing_key(holder.did), holder.verification_method, suite=SUITE,
                      proof_purpose="authentication", created=now, challenge=challenge, domain=domain,
                      expires=expires)
    except ValueError as exc:  # includes the JSON-LD errors: a term no context defines
        raise BundleError("This bundle could not be signed: one of the credentials uses terms "
                          "that cannot be signed over.", str(exc)) from exc
    log.info("signed a bundle of %d credentials", len(creds))  # not the holder's DID: personal
    return signed


EXPIRY_SENTENCE = f"A bundle stays valid for a whole number of days, from 1 to {MAX_EXPIRY_DAYS}."


def _whole_days(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXPIRY_DAYS:
        raise BundleError(EXPIRY_SENTENCE, f"expires in {days!r} days")
    return days


def expiry_days(text: str) -> int | None:
    """The days a bundle stays valid, as typed (``--expires``): 0 means no expiry date."""
    try:
        days = int(text.strip())
    except ValueError:
        days = -1
    if days == 0:
        return None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise BundleError(f"{EXPIRY_SENTENCE[:-1]}, or 0 for no expiry date.", f"--expires {text!r}")
    return days


def _pick_identity(ids: Identities, identity: Identity | str | None) -> Identity:
    if identity is None:
        return ids.default()
    return ids.get(identity.did if isinstance(identity, Identity) else identity)


def _clean_request(challenge: str | None, domain: str | None) -> tuple[str | None, str | None]:
    challenge = challenge.strip() if challenge else None
    domain = domain.strip() if domain else None
    for value, what in ((challenge, "challenge"), (domain, "domain")):
        if value is not None and (len(value) > 512 or any(ord(c) < 32 for c in value)):
            raise BundleError(f"The receiver's {what} is not usable: it is too long or holds control characters.",
                              f"{what} {value[:40]!r}")
    return challenge or None, domain or None


def new_challenge() -> str:
    """A fresh, unguessable challenge for a receiver's request."""
    return str(uuid.UUID(bytes=secrets.token_bytes(16), version=4))


def holder_name(holder: str, creds: Sequence[Credential]) -> str:
    """The name the credentials give their subject, only when every one of them was issued
    to the identity that signed the bundle (their subject id is the holder's DID) and they
    agree on it; endorsements, whose subject is what they endorse, are left out.

    Otherwise a bundle's signer is named by its DID and each credential says to whom it
    was issued: a name the signature does not bind must not read as the signer's.
    """
    people = [c for c in creds if c.format is not Format.ENDORSEMENT]
    if not holder or not people or any(c.summary.subject_id != holder for c in people):
        return ""
    names = {c.summary.subject_name for c in people}
    return names.pop() if len(names) == 1 else ""


# ---------------------------------------------------------------- files

def bundle_bytes(presentation: dict[str, Any]) -> bytes:
    """The ``.json`` file's exact bytes (the SHA-256 in a file-reference code is of these)."""
    return (json.dumps(presentation, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def default_file_name(presentation: dict[str, Any], when: datetime) -> str:
    """A clear default name: ``credentials-2026-11-22-3.json`` (date and how many)."""
    count = len(presentation.get("verifiableCredential") or [])
    name = f"credentials-{when:%Y-%m-%d}-{count}.json"
    return re.sub(r"[^A-Za-z0-9._-]", "-", name)


def free_path(folder: Path, name: str, *, taken: Callable[[Path], bool] = Path.exists) -> Path:
    """``folder/name``, else ``stem-2.ext``, ``stem-3.ext``…: the first that is not ``taken``."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        path = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not taken(path):
            return path
    raise StoreError(f"There are too many files named {stem}… in {folder.name or folder}; choose a name.",
                     str(folder / name))


def write_file(path: Path | str, data: bytes, *, replace: bool = True) -> None:
    """Write durably: a 0600 temporary file, fsync, then rename to the target.

    ``replace=False`` never writes over an existing file: it says so instead.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except FileExistsError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path.name} already exists, so it was left as it was.", str(exc)) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path.name} could not be saved: {exc.strerror or exc}.", str(exc)) from exc


def _place_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if no file has it (FileExistsError otherwise)."""
    try:
        os.link(tmp, path)  # atomic, and fails when the name is taken
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if path.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def credentials_in(presentation: dict[str, Any]) -> list[Any]:
    value = presentation.get("verifiableCredential")
    return value if isinstance(value, list) else ([] if value is None else [value])


def stack_members(wallet: Any, stack_id: str) -> list[str]:
    """The credentials that make up a stack so far (what "share the whole stack" shares).

    Those that count, then those that would count once checked; preflight warns about
    the latter. Credentials that failed their checks are left out.
    """
    service = getattr(wallet, "stacks", None)
    progress = getattr(service, "progress", None)
    if progress is None:
        raise BundleError("Stacks cannot be shared from this wallet yet.", "wallet.stacks.progress missing")
    found = progress(stack_id)
    members = list(dict.fromkeys([*found.counting, *found.pending]))
    if not members:
        raise BundleError("You hold no credentials of that stack yet, so there is nothing to share.", stack_id)
    return members
