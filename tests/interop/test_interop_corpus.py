"""Every file of ../shared/interop verified offline, against the result its manifest expects.

Two corpora: ``peer-vcjs/`` (made by digitalbazaar's libraries) and ``vectors/*/``
(W3C, 1EdTech and DCC published vectors). Status lists are the local copies the
manifests name, handed to the wallet's status checker through its cache, as the
status-and-trust work would after a download. The clock is fixed so that the dated
cases keep their meaning.

Decisions for ``expect: unknown`` are in :data:`UNKNOWN_DECISIONS`, each with its reason.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP
from wallet.clock import fixed_clock
from wallet.errors import WalletError
from wallet.status import StatusService, wallet_list_verifier
from wallet.verify import Outcome, Status, verify_credential, verify_presentation
from wallet.verify.environment import CachedDocument, VerifyEnvironment
from wallet.verify.report import CheckName

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
GOOD = {Status.VERIFIED, Status.WARNINGS}
CHECKED_KINDS = {
    "credential", "signed-credential", "status-list-credential", "vc-jwt", "ob2-signed-assertion", "presentation",
}

# expect "unknown": what this wallet decided (one status, the codes that must appear), and why
UNKNOWN_DECISIONS: dict[str, tuple[Status, set[str], str]] = {
    "ob30/simple-context-version.json": (
        Status.OFFLINE, {"key-offline"}, "an OB 3.0.2 context is as good as 3.0.3; the https key cannot be had offline"),
    "ob30/simple-eddsa-2022.json": (
        Status.OFFLINE, {"key-offline"},
        "legacy suite name accepted with a warning (see suites.LEGACY_NAMES); the key is online only"),
    "ob30/simple-multiple-proofs.json": (
        Status.OFFLINE, {"key-offline", "unsupported-proof"},
        "every proof must verify: an unknown proof type is reported and never 'verified'"),
    "ob30/complete.json": (Status.OFFLINE, {"key-offline"}, "key online only; the schema reference is not checked offline"),
    "ob30/complete_v1.json": (Status.NOT_VERIFIED, {"expired"}, "expirationDate 2020-01-01 has passed"),
    "statusLists/didkey-ed25519Signature2020/expired.json": (Status.NOT_VERIFIED, {"expired"}, "as a credential: expired"),
    "statusLists/didkey-ed25519Signature2020/notYetValid.json": (
        Status.NOT_VERIFIED, {"not-yet-valid"}, "as a credential: not yet valid"),
    "statusLists/didkey-ed25519Signature2020/missingBitStringType.json": (
        Status.VERIFIED, set(), "as a credential it is well signed; the missing type matters only when used as a status list"),
    # the status list these point at is unusable: the status is unknown, which is never "verified"
    "v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json": (
        Status.OFFLINE, {"status-unknown"}, "the list's validUntil has passed: it is refused on arrival"),
    "v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json": (
        Status.OFFLINE, {"status-unknown"}, "the list is not valid yet: it is refused on arrival"),
    "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json": (
        Status.OFFLINE, {"status-unknown"},
        "a list lacking BitstringStatusListCredential is refused on arrival (as by the peer), so no status is known"),
    "v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json": (
        Status.OFFLINE, {"status-unknown"}, "a list whose proof fails is refused on arrival, so no status is known"),
}

# why a needs_network file that a correct verifier accepts cannot be settled here
OFFLINE_REASONS = {"key-offline", "unknown-context", "unsupported-proof", "status-unknown", "status-list-unverifiable",
                   "status-list-wrong-issuer", "issuer-binding-offline", "self-asserted-key"}


def _cases() -> list[Any]:
    if not INTEROP.is_dir():
        return []
    out = []
    for manifest in sorted([INTEROP / "peer-vcjs" / "manifest.json", *INTEROP.glob("vectors/*/manifest.json")]):
        data = json.loads(manifest.read_text())
        for entry in data["files"]:
            if entry.get("expect") == "n/a" or entry.get("kind") not in CHECKED_KINDS:
                continue
            name = f"{manifest.parent.name}/{entry['file']}"
            out.append(pytest.param(manifest.parent, entry, id=name))
    return out


CASES = _cases()


def _status_lists(root: Path) -> dict[str, Path]:
    """Status-list URL -> local file, from every manifest."""
    found: dict[str, Path] = {}
    peer = json.loads((root / "peer-vcjs" / "manifest.json").read_text())
    for url, file in peer.get("statusLists", {}).items():
        found[url] = root / "peer-vcjs" / file
    for manifest in root.glob("vectors/*/manifest.json"):
        for entry in json.loads(manifest.read_text())["files"]:
            if entry.get("kind") == "status-list-credential":
                for url in entry.get("urls", []) + ([entry["url"]] if "url" in entry else []):
                    found[url] = manifest.parent / entry["file"]
    return found


def _environment(interop: Path, wallet, documents: Any = None) -> VerifyEnvironment:
    clock = fixed_clock(NOW)
    status = StatusService(wallet.store, verify_list=wallet_list_verifier(documents, clock=clock), clock=clock)
    for url, path in _status_lists(interop).items():
        # the way a carried list enters the wallet: checked first, refused if unusable
        # (expired, not a status list credential, tampered), as a download would be
        with contextlib.suppress(WalletError):
            status.load_file(url, path, fetched_at=NOW)
    return VerifyEnvironment(clock=clock, status=status, documents=documents)


@pytest.fixture
def environment(interop: Path, wallet) -> VerifyEnvironment:
    return _environment(interop, wallet)


class Published:
    """What the 1EdTech issuers would serve: for each https verificationMethod whose
    fragment is the key (``https://example.com/issuers/876543#z6Mk...``), the issuer's
    profile at the address before the fragment, listing that key for assertionMethod.
    A stand-in for the documents the status-and-trust work downloads."""

    def __init__(self, methods: set[str]) -> None:
        self.documents: dict[str, dict] = {}
        for vm in sorted(methods):
            base, _, key = vm.partition("#")
            doc = self.documents.setdefault(base, {"id": base, "verificationMethod": [], "assertionMethod": []})
            doc["verificationMethod"].append({"id": vm, "type": "Multikey", "controller": base, "publicKeyMultibase": key})
            doc["assertionMethod"].append(vm)

    def lookup(self, url: str) -> CachedDocument | None:
        doc = self.documents.get(url.partition("#")[0])
        return None if doc is None else CachedDocument(url, doc, NOW)


def _fragment_keys(doc: Any) -> set[str]:
    found: set[str] = set()
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            vm = item.get("verificationMethod")
            if isinstance(vm, str) and vm.startswith("https://") and "#z6Mk" in vm:
                found.add(vm)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _needs_a_published_key(folder: Path, entry: dict[str, Any]) -> bool:
    return (bool(entry.get("needs_network")) and entry["file"].endswith(".json") and entry["expect"] != "unknown"
            and entry["kind"] != "presentation" and bool(_fragment_keys(json.loads((folder / entry["file"]).read_text()))))


KEYED = [p for p in CASES if _needs_a_published_key(*p.values)]


@pytest.fixture
def published(interop: Path, wallet) -> VerifyEnvironment:
    methods = {vm for folder, entry in (p.values for p in CASES)
               if entry["file"].endswith(".json") for vm in _fragment_keys(json.loads((folder / entry["file"]).read_text()))}
    return _environment(interop, wallet, Published(methods))


@pytest.mark.parametrize(("folder", "entry"), KEYED)
def test_interop_file_once_its_issuers_key_is_kept(folder: Path, entry: dict[str, Any], published) -> None:
    """Files that need the network, verified as they would be once the issuer's key
    document is in the cache: what was "cannot be checked offline" is decided."""
    report = verify_credential((folder / entry["file"]).read_text(), published)
    why = f"{entry['file']}: {report.status.value}: {report.summary} {sorted(report.codes)}"
    if entry["expect"] == "valid" and "unsupported-proof" not in report.codes:
        assert report.vouches, why
    elif entry["expect"] == "valid":  # a selective-disclosure proof: a suite this wallet cannot check
        assert report.status is Status.OFFLINE, why
    else:
        # the key is here now, so the signature is decided; a status list stays the
        # status work's to judge (1EdTech's test list names another id than its address)
        assert report.check(CheckName.SIGNATURE).outcome is not Outcome.UNKNOWN, why
        _expect_invalid({**entry, "needs_network": _is_revoked(entry)}, report, why)


def test_corpus_is_present(interop: Path) -> None:
    assert CASES, "no interop cases found"
    assert len(CASES) > 150


@pytest.mark.parametrize(("folder", "entry"), CASES)
def test_interop_file(folder: Path, entry: dict[str, Any], environment: VerifyEnvironment) -> None:
    path = folder / entry["file"]
    text = path.read_text()
    if entry["kind"] == "presentation":
        report = verify_presentation(text, environment, challenge=entry.get("challenge"), domain=entry.get("domain"))
        _expect_presentation(entry, report)
        return
    report = verify_credential(text, environment)
    expect = entry["expect"]
    why = f"{entry['file']}: {report.status.value}: {report.summary} {sorted(report.codes)}"
    signature = report.check(CheckName.SIGNATURE)
    if expect == "unknown":
        status, codes, _reason = UNKNOWN_DECISIONS[entry["file"]]
        assert report.status is status, why
        assert codes <= report.codes, why
    elif entry.get("scope") == "proof":
        # the proof holds, but the https issuer's control of the did:key is not established
        assert report.status not in GOOD, why
        assert signature.outcome is not Outcome.FAILED, why  # never called tampered
        if not entry.get("needs_network"):
            assert signature.outcome is Outcome.PASSED, why
            assert report.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline", why
    elif expect == "valid":
        if entry.get("needs_network"):
            assert report.status in GOOD or report.status is Status.OFFLINE, why
            if report.status is Status.OFFLINE:
                assert _offline_reasons(report), why
        elif "not by this credential's issuer" in entry.get("notes", ""):
            # a status list signed by another key (whose id is not its address either) is
            # refused on arrival (the peer refuses it too): the status is unknown
            assert report.status is Status.OFFLINE, why
            assert "status-unknown" in report.codes, why
        else:
            assert report.status in GOOD, why
    elif expect in ("expired", "not-yet-valid", "revoked"):
        assert report.status is Status.NOT_VERIFIED, why
        assert expect in report.codes, why
        assert signature.outcome is Outcome.PASSED, why
    elif expect == "invalid":
        _expect_invalid(entry, report, why)
    else:
        pytest.fail(f"unexpected expect {expect!r}")


def _expect_invalid(entry: dict[str, Any], report, why: str) -> None:
    """Not verified, for the reason the manifest gives where it gives one."""
    assert report.status not in GOOD, why
    reason = entry.get("reason", "").lower()
    online = bool(entry.get("needs_network"))
    failed = [c for c in report.checks if c.outcome is Outcome.FAILED]
    status = report.check(CheckName.STATUS)
    status_refuses = status is not None and status.outcome in (Outcome.FAILED, Outcome.UNKNOWN)
    if _is_revoked(entry):
        # DCC lists are signed by another key than the credentials: the status cannot be
        # believed, so it is unknown (never verified); the peer's own list says "revoked"
        if "not by this credential's issuer" in entry.get("notes", ""):
            assert "status-unknown" in report.codes, why
        elif online:  # the list (or its signer's key) is online: unknown, never passed
            assert "revoked" in report.codes or status_refuses, why
        else:
            assert "revoked" in report.codes, why
    elif reason.startswith("from the file name: expired") or "(expired)" in reason:
        assert "expired" in report.codes, why
    elif "validfrom in the future" in reason or "(not yet valid" in reason:
        assert "not-yet-valid" in report.codes, why
    elif "data-model" in entry.get("notes", "") or "type lacks" in reason or "context missing" in reason:
        assert report.check(CheckName.DATA_MODEL).outcome is Outcome.FAILED, why
    elif "no mapping" in reason or "drops a term" in reason:
        assert "undefined-term" in report.codes, why
    elif "protected term" in reason:
        assert "invalid-json-ld" in report.codes, why
    elif reason in ("no proof",) or reason.startswith("proof removed"):
        assert "no-proof" in report.codes, why
    elif any(word in reason for word in ("verificationmethod", "proofmethod")):
        _refused_by_the_key(report, online, why)
    elif any(word in reason for word in ("after signing", "altered", "changed from", "corrupted", "proofvalue")):
        signature = report.check(CheckName.SIGNATURE)
        assert signature.outcome is Outcome.FAILED or (online and signature.code == "key-offline"), why
    if online:
        # offline the answer may be "cannot be checked offline", but only for a named reason
        assert failed or (report.status is Status.OFFLINE and _offline_reasons(report)), why
    else:
        assert failed or status_refuses, why  # a status line that passed refuses nothing
    assert all(c.code for c in failed), why  # every failure names its reason


def _is_revoked(entry: dict[str, Any]) -> bool:
    reason = entry.get("reason", "").lower()
    return "revoked in" in reason or "revoked via" in reason or reason.startswith("from the file name: revoked") \
        or reason.endswith(": revoked")


def _offline_reasons(report) -> set[str]:
    """The named reasons a report gives for being undecided (a status list's own ones too)."""
    return {c for c in report.codes if c in OFFLINE_REASONS or c.startswith("status-list-")}


def _refused_by_the_key(report, online: bool, why: str) -> None:
    """The signing key itself is the problem: a key line fails, or (online only) the
    key could not be had."""
    lines = [c for c in report.checks if c.name in (CheckName.SIGNATURE, CheckName.ISSUER_KEY)]
    assert any(c.outcome is Outcome.FAILED for c in lines) or (
        online and any(c.code == "key-offline" for c in lines)), why


def _expect_presentation(entry: dict[str, Any], report) -> None:
    why = f"{entry['file']}: {report.status.value}: {report.summary}"
    if entry["expect"] == "valid":
        assert report.status in GOOD, why
        assert report.credentials and all(r.status in GOOD for _, r in report.credentials), why
    else:
        assert report.status is Status.NOT_VERIFIED, why
        reason = entry["reason"]
        if "challenge" in reason:
            assert report.check(CheckName.CHALLENGE).code == "wrong-challenge", why
        elif "domain" in reason:
            assert report.check(CheckName.DOMAIN).code == "wrong-domain", why
        else:
            assert report.check(CheckName.PRESENTATION).outcome is Outcome.PASSED, why
            assert any(r.status is Status.NOT_VERIFIED for _, r in report.credentials), why


def test_every_unknown_has_exactly_one_decision(interop: Path) -> None:
    """The ``interop`` fixture skips without the corpus, and under CI=true fails."""
    unknown = {p.values[1]["file"] for p in CASES if p.values[1]["expect"] == "unknown"}
    assert unknown == set(UNKNOWN_DECISIONS)
