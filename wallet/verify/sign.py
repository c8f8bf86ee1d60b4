"""Adding a proof to a document: what the wallet signs (holder presentations, demo and
test credentials) with the same hashing the verifier checks.

``sign`` returns a new document and never touches the one passed in. Ed25519 keys sign
eddsa-* (and Ed25519Signature2020); P-256 / P-384 keys sign ecdsa-*.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dataintegrity import hash_data, proof_config
from wallet.verify.suites import suite_for_signing


def _xsd(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(
    document: dict[str, Any],
    private_key: k.PrivateKey,
    verification_method: str,
    *,
    suite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with one more proof (a proof set when it had one).

    Raises ValueError for a suite this wallet cannot sign with or a key of the wrong
    type, and the JSON-LD errors of :mod:`wallet.verify.jsonld` for a document whose
    terms are undefined (so nothing unverifiable is ever produced).
    """
    chosen = suite_for_signing(suite, k.key_type(private_key))
    if chosen.signature_field != "proofValue":
        raise ValueError(f"{suite} is accepted for verification only")
    doc = copy.deepcopy(document)
    existing = doc.pop("proof", None)
    proof: dict[str, Any] = {}
    if chosen.keeps_cryptosuite:
        proof["type"] = "DataIntegrityProof"
        proof["cryptosuite"] = chosen.name
    else:
        proof["type"] = chosen.name
    proof["created"] = _xsd(created or datetime.now(timezone.utc))
    if expires is not None:
        proof["expires"] = _xsd(expires)
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if chosen.canonical == "jcs" and "@context" in doc:
        proof["@context"] = doc["@context"]  # JCS suites carry it in the proof (vc-di-eddsa 3.3)
    hash_name = chosen.hash_name(k.key_type(private_key))
    data = hash_data(doc, proof_config(proof, doc, chosen), chosen, hash_name, safe_mode=True)
    proof["proofValue"] = mb.multibase_encode(k.sign_raw(private_key, data, hash_name=hash_name))
    if existing is None:
        doc["proof"] = proof
    else:
        doc["proof"] = (existing if isinstance(existing, list) else [existing]) + [proof]
    return doc
