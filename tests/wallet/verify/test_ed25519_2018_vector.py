"""Ed25519Signature2018 against a credential signed by another implementation.

The vector is the ``validEd25519Signature2018VerifiableCredentialJson`` fixture of
openwallet-foundation/credo-ts (packages/core/src/modules/vc/__tests__/fixtures.ts),
signed there with jsonld-signatures' 2018 suite. The peer verifier in ../shared/peer-node
has no 2018 suite, so this third-party vector is the cross-check. It needs the VC 1.1
examples context, which imports the ODRL context: both are bundled.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.wallet.verify.verify_helpers import clone, env
from wallet.verify import Outcome, Status, verify_credential
from wallet.verify.report import CheckName

VECTOR = json.loads((Path(__file__).parent / "vectors" / "ed25519signature2018-credo.json").read_text())
ISSUER = "did:key:z6MkvePyWAApUVeDboZhNbckaWHnqtD6pCETd6xoqGbcpEBV"


def test_a_third_party_2018_credential_verifies_offline() -> None:
    report = verify_credential(VECTOR, env())
    assert report.status is Status.VERIFIED, report.checks
    signature = report.check(CheckName.SIGNATURE)
    assert signature.outcome is Outcome.PASSED
    assert "Ed25519Signature2018" in signature.detail
    assert report.signer is not None and report.signer.key_id.startswith(ISSUER)


def test_changing_the_credential_breaks_the_2018_signature() -> None:
    changed = clone(VECTOR)
    changed["credentialSubject"]["degree"]["name"] = "Bachelor of Arts"
    report = verify_credential(changed, env())
    assert report.status is Status.NOT_VERIFIED
    assert report.codes == {"tampered"}


def test_a_2018_header_re_encoded_is_not_the_signed_header() -> None:
    # the JWS header segment is signed as received; the same JSON encoded again differs
    changed = clone(VECTOR)
    signature = changed["proof"]["jws"].split(".")[2]
    # {"b64":false,"alg":"EdDSA","crit":["b64"]}: the same header, keys in another order
    changed["proof"]["jws"] = "eyJiNjQiOmZhbHNlLCJhbGciOiJFZERTQSIsImNyaXQiOlsiYjY0Il19.." + signature
    assert verify_credential(changed, env()).codes == {"tampered"}
