"""JSON-LD safe mode for every JSON-LD credential, whatever signs it.

RDF-canonicalized proofs met safe mode while hashing; JCS proofs and JWTs sign bytes,
so a term no context defines used to pass with them. These credentials are signed
here by a signer that does not check (as another issuer's software might), so the
signature itself holds and only safe mode can refuse them.
"""

from __future__ import annotations

import copy

import pytest

from wallet.verify import Status, verify_credential
from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dataintegrity import hash_data, proof_config
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign
from wallet.verify.suites import suite_for_signing
from tests.wallet.verify.verify_helpers import CREATED, ec_key, ed_key, env, ob3_credential

JCS = [("eddsa-jcs-2022", ed_key), ("ecdsa-jcs-2019", lambda: ec_key("P-256"))]


def _unchecked_sign(doc: dict, key, suite: str, **in_proof) -> dict:
    """Sign as the JCS suites do, without safe mode (another implementation's output)."""
    chosen = suite_for_signing(suite, k.key_type(key))
    proof = {"type": "DataIntegrityProof", "cryptosuite": suite, "created": "2025-01-01T00:00:00Z",
             "verificationMethod": verification_method_for(key), "proofPurpose": "assertionMethod",
             "@context": doc["@context"], **in_proof}
    hash_name = chosen.hash_name(k.key_type(key))
    data = hash_data(doc, proof_config(proof, doc, chosen), chosen, hash_name)
    return {**copy.deepcopy(doc), "proof": {**proof, "proofValue": mb.multibase_encode(k.sign_raw(key, data, hash_name=hash_name))}}


@pytest.mark.parametrize(("suite", "make"), JCS)
def test_jcs_credentials_meet_safe_mode(suite: str, make) -> None:
    key = make()
    good = _unchecked_sign(ob3_credential(did_key_from_public_key(key)), key, suite)
    assert verify_credential(good, env()).status is Status.VERIFIED
    doc = ob3_credential(did_key_from_public_key(key))
    doc["credentialSubject"]["achievement"]["honours"] = "with distinction"
    report = verify_credential(_unchecked_sign(doc, key, suite), env())
    assert report.status is Status.NOT_VERIFIED
    assert report.check(CheckName.CONTEXTS).code == "undefined-term"
    assert report.summary == ("The credential contains “honours” (in credentialSubject.achievement), "
                              "which none of its contexts defines.")


@pytest.mark.parametrize(("suite", "make"), JCS)
def test_an_undefined_type_or_a_relative_id_in_a_jcs_credential(suite: str, make) -> None:
    key = make()
    doc = ob3_credential(did_key_from_public_key(key))
    doc["type"] = doc["type"] + ["HonoursDegree"]
    assert verify_credential(_unchecked_sign(doc, key, suite), env()).codes >= {"undefined-term"}
    doc = ob3_credential(did_key_from_public_key(key))
    doc["credentialSubject"]["achievement"]["id"] = "achievements/x"
    report = verify_credential(_unchecked_sign(doc, key, suite), env())
    assert report.status is Status.NOT_VERIFIED
    assert report.summary == ("The credential contains “achievements/x” (at credentialSubject.achievement.id), "
                              "a relative link where a full address (an absolute identifier) is required.")


def test_an_undefined_property_in_a_jcs_proof_is_named_as_in_the_proof() -> None:
    key = ed_key(3)
    signed = _unchecked_sign(ob3_credential(did_key_from_public_key(key)), key, "eddsa-jcs-2022", honours="yes")
    report = verify_credential(signed, env())
    assert report.status is Status.NOT_VERIFIED
    assert report.summary == "The credential's proof contains “honours”, which none of its contexts defines."


def test_the_wallet_does_not_sign_what_safe_mode_refuses() -> None:
    key = ed_key(3)
    doc = ob3_credential(did_key_from_public_key(key), honours="with distinction")
    with pytest.raises(Exception, match="honours"):
        sign(doc, key, verification_method_for(key), suite="eddsa-jcs-2022", created=CREATED)


def test_an_unknown_context_on_a_jcs_credential_stays_a_warning() -> None:
    key = ed_key(3)
    doc = ob3_credential(did_key_from_public_key(key))
    doc["@context"] = doc["@context"] + ["https://example.org/unknown-context.json"]
    report = verify_credential(_unchecked_sign(doc, key, "eddsa-jcs-2022"), env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.check(CheckName.CONTEXTS).outcome is Outcome.WARNING
    assert report.status is Status.WARNINGS


def test_jwt_credentials_meet_safe_mode() -> None:
    from tests.wallet.verify.test_vc_jwt import _signer, _token

    key = ed_key(2)
    did = did_key_from_public_key(key)
    header = {"alg": "EdDSA", "kid": verification_method_for(key)}
    vc = ob3_credential(did)
    vc["credentialSubject"]["honours"] = "with distinction"
    report = verify_credential(_token(header, {"vc": vc, "iss": did}, _signer(key, "EdDSA")), env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.status is Status.NOT_VERIFIED and report.check(CheckName.CONTEXTS).code == "undefined-term"
    assert "“honours” (in credentialSubject)" in report.summary
    # vc+jwt: the registered claims beside the credential are not JSON-LD terms
    payload = dict(ob3_credential(did), iss=did, iat=1735689600, exp=1893456000, nbf=1735689600)
    report = verify_credential(_token(dict(header, typ="vc+jwt"), payload, _signer(key, "EdDSA")), env())
    assert report.status is Status.VERIFIED, report.checks
    assert report.check(CheckName.CONTEXTS).outcome is Outcome.PASSED
