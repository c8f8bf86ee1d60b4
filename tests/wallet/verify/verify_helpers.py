"""Helpers for the verification tests: keys, a small OB 3.0 credential, a document cache."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from wallet.clock import fixed_clock
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.environment import CachedDocument, VerifyEnvironment
from wallet.verify.sign import sign

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
CREATED = datetime(2025, 1, 1, tzinfo=timezone.utc)


def env(now: datetime = NOW, documents: dict[str, dict] | None = None, **kw: Any) -> VerifyEnvironment:
    return VerifyEnvironment(clock=fixed_clock(now), documents=Docs(documents) if documents else None, **kw)


class Docs:
    """A DocumentSource over a dict, as the status-and-trust cache would answer."""

    def __init__(self, documents: dict[str, dict]) -> None:
        self.documents = documents

    def lookup(self, url: str) -> CachedDocument | None:
        doc = self.documents.get(url)
        return None if doc is None else CachedDocument(url, doc, NOW)


def ed_key(seed: int = 1) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)


def ec_key(curve: str = "P-256") -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1() if curve == "P-256" else ec.SECP384R1())


def ob3_credential(issuer: str, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b5a1c9e-3f8e-4b0a-9d77-1c2a3b4c5d6e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Literacy Foundations",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/data-literacy",
                "type": ["Achievement"],
                "name": "Data Literacy Foundations",
                "description": "Reads and questions charts and tables.",
                "criteria": {"narrative": "Pass the final assessment."},
            },
        },
    }
    doc.update(extra)
    return doc


def signed_ob3(key=None, suite: str = "eddsa-rdfc-2022", **extra: Any) -> dict[str, Any]:
    key = key or ed_key()
    doc = ob3_credential(did_key_from_public_key(key), **extra)
    return sign(doc, key, verification_method_for(key), suite=suite, created=CREATED)


def clone(doc: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(doc)


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)
