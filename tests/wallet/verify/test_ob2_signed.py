"""Open Badges 2.0: signed assertions with the issuer's key from the cache; hosted ones offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wallet.verify import Status, verify_credential
from wallet.verify.report import CheckName
from tests.wallet.verify.verify_helpers import env

OB20 = "vectors/1EdTech__digital-credentials-public-validator/ob20"


@pytest.fixture
def ob20(interop: Path) -> Path:
    return interop / OB20


def _docs(folder: Path) -> dict[str, dict]:
    return {
        "http://example.org/key1.json": json.loads((folder / "assets/key1.json").read_text()),
        "https://example.org/robotics-badge.json": json.loads((folder / "assets/robotics-badge.json").read_text()),
        "https://example.org/organization.json": json.loads((folder / "assets/organization.json").read_text()),
    }


def test_signed_assertion_verifies_with_cached_key_and_issuer(ob20: Path) -> None:
    token = (ob20 / "simple.jwt").read_text()
    report = verify_credential(token, env(documents=_docs(ob20)))
    assert report.status is Status.VERIFIED, report.checks
    assert report.signer.issuer_name == "An Example Badge Issuer"
    assert report.check(CheckName.ISSUER_KEY).message == "Signed with the issuer's own key."


def test_signed_assertion_without_the_key_cannot_be_checked_offline(ob20: Path) -> None:
    report = verify_credential((ob20 / "simple.jwt").read_text(), env())
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.ISSUER_KEY).message == "The issuer key is not available offline."


def test_signed_assertion_changed_fails(ob20: Path) -> None:
    head, body, sig = (ob20 / "simple.jwt").read_text().strip().split(".")
    body = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    report = verify_credential(f"{head}.{body}.{sig}", env(documents=_docs(ob20)))
    assert report.status is Status.NOT_VERIFIED


def test_key_owned_by_another_issuer_fails(ob20: Path) -> None:
    docs = _docs(ob20)
    docs["http://example.org/key1.json"] = dict(docs["http://example.org/key1.json"], owner="https://evil.example/org")
    report = verify_credential((ob20 / "simple.jwt").read_text(), env(documents=docs))
    assert report.check(CheckName.ISSUER_KEY).code == "wrong-key"
    assert "https://evil.example/org" in report.check(CheckName.ISSUER_KEY).message


def test_hosted_assertion_cannot_be_checked_offline_never_invalid() -> None:
    hosted = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://example.org/a/1",
        "recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"},
        "badge": "https://example.org/badges/1", "verification": {"type": "hosted"},
        "issuedOn": "2024-03-01T00:00:00Z",
    }
    report = verify_credential(hosted, env())
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.SIGNATURE).code == "hosted-offline"
    expired = verify_credential(dict(hosted, expires="2025-01-01T00:00:00Z"), env())
    assert expired.status is Status.NOT_VERIFIED and "expired" in expired.codes
