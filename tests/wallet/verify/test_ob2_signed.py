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
    assert report.check(CheckName.ISSUER_KEY).message == (
        "Signed with the issuer's key, listed in its published profile saved on 15 January 2026.")


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
    line = report.check(CheckName.ISSUER_KEY)
    assert line.code == "wrong-key" and report.status is Status.NOT_VERIFIED
    assert line.message == "Signed with a key of http://example.org/key1.json, not the issuer's."
    assert "https://evil.example/org" in line.detail


def test_a_key_document_claiming_the_issuer_is_not_enough(ob20: Path) -> None:
    """The key's owner points at the issuer, but the issuer's Profile is not kept (or
    does not list the key): only the issuer's side can make the key its own."""
    docs = _docs(ob20)
    del docs["https://example.org/organization.json"]
    report = verify_credential((ob20 / "simple.jwt").read_text(), env(documents=docs))
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline"
    docs = _docs(ob20)
    docs["https://example.org/organization.json"] = dict(docs["https://example.org/organization.json"], publicKey=[])
    report = verify_credential((ob20 / "simple.jwt").read_text(), env(documents=docs))
    assert report.check(CheckName.ISSUER_KEY).code == "wrong-key" and report.status is Status.NOT_VERIFIED


def test_an_attackers_key_document_naming_the_issuer_fails(ob20: Path) -> None:
    """Reproduction: an OB 2.0 signed assertion whose key document, on another host, says
    its owner is the issuer."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.wallet.verify.test_vc_jwt import _signer, _token

    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = attacker.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    body = json.loads(_payload(ob20 / "simple.jwt"))
    body["verification"]["creator"] = "https://attacker.example/key.json"
    token = _token({"alg": "RS256"}, body, _signer(attacker, "RS256"))
    docs = _docs(ob20)
    docs["https://attacker.example/key.json"] = {
        "@context": "https://w3id.org/openbadges/v2", "id": "https://attacker.example/key.json",
        "type": "CryptographicKey", "owner": "https://example.org/organization.json", "publicKeyPem": pem.decode(),
    }
    report = verify_credential(token, env(documents=docs))
    assert report.check(CheckName.SIGNATURE).outcome.value == "passed"
    line = report.check(CheckName.ISSUER_KEY)
    assert line.code == "wrong-key" and report.status is Status.NOT_VERIFIED
    assert "https://attacker.example/key.json" in line.message
    # even with the issuer's profile listing it: another host is never the issuer's key
    docs["https://example.org/organization.json"] = dict(
        docs["https://example.org/organization.json"], publicKey=["https://attacker.example/key.json"])
    assert verify_credential(token, env(documents=docs)).status is Status.NOT_VERIFIED


def _payload(path: Path) -> str:
    from wallet.verify.multibase import b64url_decode

    return b64url_decode(path.read_text().strip().split(".")[1]).decode()


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
