"""Signing and checking Data Integrity proofs: every suite, proof sets, policies."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from wallet.verify import Status, verify_credential
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign
from tests.wallet.verify.verify_helpers import CREATED, clone, ec_key, ed_key, env, ob3_credential, signed_ob3

SUITES = [
    ("eddsa-rdfc-2022", ed_key), ("eddsa-jcs-2022", ed_key),
    ("ecdsa-rdfc-2019", lambda: ec_key("P-256")), ("ecdsa-rdfc-2019", lambda: ec_key("P-384")),
    ("ecdsa-jcs-2019", lambda: ec_key("P-256")), ("ecdsa-jcs-2019", lambda: ec_key("P-384")),
]


@pytest.mark.parametrize(("suite", "make"), SUITES)
def test_each_suite_signs_and_verifies_and_detects_a_change(suite: str, make) -> None:
    key = make()
    doc = signed_ob3(key, suite=suite)
    report = verify_credential(doc, env())
    assert report.status is Status.VERIFIED, report.checks
    assert report.signer.issuer_name == "Example University"
    assert report.signer.key_id == verification_method_for(key)
    doc["name"] = "Data Literacy Mastery"
    broken = verify_credential(doc, env())
    assert broken.status is Status.NOT_VERIFIED
    assert broken.check(CheckName.SIGNATURE).code == "tampered"


def test_sign_does_not_touch_its_input_and_refuses_the_wrong_key_type() -> None:
    key = ed_key()
    doc = ob3_credential(did_key_from_public_key(key))
    before = clone(doc)
    sign(doc, key, verification_method_for(key), created=CREATED)
    assert doc == before
    with pytest.raises(ValueError, match="P-256"):
        sign(doc, key, verification_method_for(key), suite="ecdsa-rdfc-2019")


def test_ed25519signature2020_round_trip() -> None:
    key = ed_key()
    doc = ob3_credential(did_key_from_public_key(key))
    doc["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    signed = sign(doc, key, verification_method_for(key), suite="Ed25519Signature2020", created=CREATED)
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    assert verify_credential(signed, env()).status is Status.VERIFIED


def test_proof_set_every_proof_is_checked() -> None:
    key_a, key_b = ed_key(1), ec_key("P-256")
    doc = ob3_credential(did_key_from_public_key(key_a))
    one = sign(doc, key_a, verification_method_for(key_a), created=CREATED)
    two = sign(one, key_a, verification_method_for(key_a), suite="eddsa-jcs-2022", created=CREATED)
    assert len(two["proof"]) == 2
    report = verify_credential(two, env())
    assert report.status is Status.VERIFIED
    assert "All 2 signatures are valid" in report.check(CheckName.SIGNATURE).message
    bad = clone(two)
    bad["proof"][1]["proofValue"] = bad["proof"][1]["proofValue"][:-3] + "abc"
    report = verify_credential(bad, env())
    assert report.status is Status.NOT_VERIFIED
    assert report.check(CheckName.SIGNATURE).message.startswith("Signature 2 of 2 (eddsa-jcs-2022)")
    # a second proof by a key that is not the issuer's fails the issuer-key line
    third = sign(one, key_b, verification_method_for(key_b), suite="ecdsa-rdfc-2019", created=CREATED)
    assert verify_credential(third, env()).check(CheckName.ISSUER_KEY).code == "wrong-key"


def test_a_valid_signature_by_someone_elses_key_fails_naming_the_key() -> None:
    issuer, mallory = ed_key(1), ed_key(9)
    doc = ob3_credential(did_key_from_public_key(issuer))
    signed = sign(doc, mallory, verification_method_for(mallory), created=CREATED)
    report = verify_credential(signed, env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    line = report.check(CheckName.ISSUER_KEY)
    assert line.outcome is Outcome.FAILED and line.code == "wrong-key"
    assert did_key_from_public_key(mallory) in line.message
    assert report.status is Status.NOT_VERIFIED


def test_https_issuer_with_a_did_key_cannot_be_bound_offline_but_can_with_its_document() -> None:
    key = ed_key()
    doc = ob3_credential("https://example.edu/issuers/1")
    signed = sign(doc, key, verification_method_for(key), created=CREATED)
    report = verify_credential(signed, env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline"
    listed = {"id": "https://example.edu/issuers/1", "assertionMethod": [verification_method_for(key)]}
    bound = verify_credential(signed, env(documents={"https://example.edu/issuers/1": listed}))
    assert bound.status is Status.VERIFIED
    assert bound.check(CheckName.ISSUER_KEY).message == (
        "Signed with the issuer's key, listed in its published profile saved on 15 January 2026.")
    # listed, but not for signing credentials (only as a key, or for logging in): not the issuer's
    for section in ("verificationMethod", "authentication", "alsoKnownAs"):
        other = {"id": "https://example.edu/issuers/1", section: [verification_method_for(key)]}
        denied = verify_credential(signed, env(documents={"https://example.edu/issuers/1": other}))
        assert denied.check(CheckName.ISSUER_KEY).code == "wrong-key", section
        assert denied.status is Status.NOT_VERIFIED


def test_wrong_proof_purpose_fails() -> None:
    key = ed_key()
    doc = ob3_credential(did_key_from_public_key(key))
    signed = sign(doc, key, verification_method_for(key), proof_purpose="authentication", created=CREATED)
    assert verify_credential(signed, env()).check(CheckName.SIGNATURE).code == "wrong-purpose"


def test_legacy_cryptosuite_name_is_checked_as_the_standard_one_with_a_warning() -> None:
    """Policy: eddsa-2022 (and ecdsa-2019, eddsa-rdf-2022) are drafts' names for the
    standard algorithm; they verify, with a warning naming the old suite."""
    key = ed_key()
    doc = ob3_credential(did_key_from_public_key(key))
    signed = sign(doc, key, verification_method_for(key), created=CREATED)
    legacy = clone(signed)
    legacy["proof"]["cryptosuite"] = "eddsa-2022"
    # the name is part of the signed proof options, so re-sign under the old name
    from wallet.verify import keys as k, multibase as mb
    from wallet.verify.dataintegrity import hash_data, proof_config
    from wallet.verify.suites import LEGACY_NAMES

    suite = LEGACY_NAMES["eddsa-2022"]
    unsigned = {key_: v for key_, v in legacy.items() if key_ != "proof"}
    data = hash_data(unsigned, proof_config(legacy["proof"], unsigned, suite), suite, "sha256")
    legacy["proof"]["proofValue"] = mb.multibase_encode(k.sign_raw(key, data))
    report = verify_credential(legacy, env())
    assert report.status is Status.WARNINGS
    assert report.check(CheckName.SIGNATURE).code == "legacy-cryptosuite"
    assert "eddsa-2022" in report.check(CheckName.SIGNATURE).message
    # the old name on a proof made under the new name is a change: it fails
    renamed = clone(signed)
    renamed["proof"]["cryptosuite"] = "eddsa-2022"
    assert verify_credential(renamed, env()).status is Status.NOT_VERIFIED


def test_unknown_suite_is_not_called_invalid() -> None:
    doc = signed_ob3()
    doc["proof"]["cryptosuite"] = "bbs-2023"
    report = verify_credential(doc, env())
    assert report.check(CheckName.SIGNATURE).code == "unsupported-proof"
    assert report.status is Status.OFFLINE


def test_no_proof_is_not_verified() -> None:
    doc = signed_ob3()
    del doc["proof"]
    report = verify_credential(doc, env())
    assert report.status is Status.NOT_VERIFIED and report.codes == {"no-proof"}


def test_expired_and_not_yet_valid_are_their_own_outcomes() -> None:
    doc = signed_ob3(validUntil="2025-06-30T00:00:00Z")
    report = verify_credential(doc, env())
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.check(CheckName.DATES).code == "expired"
    assert report.summary == "Expired on 30 June 2025."
    assert "tampered" not in report.codes
    early = verify_credential(doc, env(now=datetime(2024, 12, 1, tzinfo=timezone.utc)))
    assert early.check(CheckName.DATES).code == "not-yet-valid"
    assert early.summary == "Not valid until 1 January 2025."
    assert verify_credential(doc, env(now=datetime(2025, 3, 1, tzinfo=timezone.utc))).status is Status.VERIFIED


def test_a_proof_that_expired_fails() -> None:
    key = ed_key()
    doc = ob3_credential(did_key_from_public_key(key))
    signed = sign(doc, key, verification_method_for(key), created=CREATED, expires=datetime(2025, 6, 1, tzinfo=timezone.utc))
    assert verify_credential(signed, env()).check(CheckName.SIGNATURE).code == "proof-expired"


def test_credential_record_and_json_text_and_garbage() -> None:
    doc = signed_ob3()
    import json

    assert verify_credential(json.dumps(doc), env()).status is Status.VERIFIED
    assert verify_credential("not a credential", env()).codes == {"malformed"}
    assert verify_credential("[1,2]", env()).status is Status.NOT_VERIFIED


def test_ed25519signature2018_detached_jws_uses_the_header_as_received() -> None:
    import json as _json

    from wallet.verify import keys as k
    from wallet.verify.dataintegrity import hash_data, proof_config
    from wallet.verify.multibase import b64url_encode
    from wallet.verify.suites import LEGACY_TYPES

    key = ed_key(3)
    did = did_key_from_public_key(key)
    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    proof = {
        "type": "Ed25519Signature2018", "created": "2024-01-01T00:00:00Z",
        "verificationMethod": verification_method_for(key), "proofPurpose": "assertionMethod",
    }
    suite = LEGACY_TYPES["Ed25519Signature2018"]
    data = hash_data(doc, proof_config(proof, doc, suite), suite, "sha256")
    # a header with unusual spacing: it must be used exactly as received
    header = b64url_encode(b'{"alg":"EdDSA", "b64":false, "crit":["b64"]}')
    proof["jws"] = f"{header}..{b64url_encode(k.sign_raw(key, header.encode() + b'.' + data))}"
    signed = dict(doc, proof=proof)
    assert verify_credential(signed, env()).status is Status.VERIFIED
    normalised = clone(signed)
    normal_header = b64url_encode(_json.dumps({"alg": "EdDSA", "b64": False, "crit": ["b64"]}, separators=(",", ":")).encode())
    normalised["proof"]["jws"] = normal_header + proof["jws"][len(header):]
    assert verify_credential(normalised, env()).codes == {"tampered"}
    changed = clone(signed)
    changed["credentialSubject"]["id"] = "did:example:someone-else"
    assert verify_credential(changed, env()).status is Status.NOT_VERIFIED


def test_an_unknown_context_is_not_tampering() -> None:
    doc = signed_ob3()
    doc["@context"] = doc["@context"] + ["https://example.org/contexts/unknown/v1"]
    report = verify_credential(doc, env())
    assert report.status is Status.OFFLINE
    assert report.check(CheckName.CONTEXTS).code == "unknown-context"
    assert "tampered" not in report.codes
    jcs = signed_ob3(suite="eddsa-jcs-2022")
    jcs_report = verify_credential(jcs, env())
    assert jcs_report.check(CheckName.CONTEXTS).outcome is Outcome.PASSED


def _did_web_doc(key, purposes=("assertionMethod",)) -> dict:
    from wallet.verify import keys as k

    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:web:example.edu",
        "verificationMethod": [{
            "id": "did:web:example.edu#key-1", "type": "Multikey", "controller": "did:web:example.edu",
            "publicKeyMultibase": k.multikey_encode(key.public_key()),
        }],
    }
    for purpose in purposes:
        doc[purpose] = ["did:web:example.edu#key-1"]
    return doc


def test_did_web_issuer_verifies_from_the_cache_only() -> None:
    key = ec_key("P-256")
    doc = ob3_credential("did:web:example.edu")
    signed = sign(doc, key, "did:web:example.edu#key-1", suite="ecdsa-rdfc-2019", created=CREATED)
    offline = verify_credential(signed, env())
    assert offline.status is Status.OFFLINE
    assert offline.summary == "The issuer key is not available offline, so the signature cannot be checked."
    assert offline.check(CheckName.ISSUER_KEY).message == "The issuer key is not available offline."
    cached = verify_credential(signed, env(documents={"did:web:example.edu": _did_web_doc(key)}))
    assert cached.status is Status.VERIFIED, cached.checks
    assert cached.signer.label == "Example University — did:web:example.edu"
    wrong_purpose = verify_credential(signed, env(documents={"did:web:example.edu": _did_web_doc(key, ("authentication",))}))
    assert wrong_purpose.check(CheckName.SIGNATURE).code == "wrong-purpose"


def test_status_and_trust_lines_come_from_the_environment() -> None:
    from wallet.verify.report import Check

    class Status_:
        def check(self, credential, issuer_id):
            return [Check(CheckName.STATUS, Outcome.FAILED, "Revoked by the issuer.", issuer_id, "revoked")]

    class Trust:
        def check(self, issuer_id):
            return Check(CheckName.TRUST, Outcome.PASSED, "Listed in a registry.", issuer_id)

    doc = signed_ob3(credentialStatus={
        "id": "https://example.edu/status/1#5", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "5", "statusListCredential": "https://example.edu/status/1",
    })
    report = verify_credential(doc, env(status=Status_(), trust=Trust()))
    assert report.check(CheckName.TRUST).message == "Listed in a registry."
    assert report.check(CheckName.STATUS).code == "revoked"
    assert report.status is Status.NOT_VERIFIED


def test_did_web_issuer_signed_with_a_did_key_needs_its_document() -> None:
    key = ed_key(4)
    doc = ob3_credential("did:web:example.edu")
    signed = sign(doc, key, verification_method_for(key), created=CREATED)
    report = verify_credential(signed, env())
    assert report.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline"
    assert report.status is Status.OFFLINE
    listing = {"id": "did:web:example.edu", "assertionMethod": [verification_method_for(key)]}
    assert verify_credential(signed, env(documents={"did:web:example.edu": listing})).status is Status.VERIFIED


def test_a_status_never_checked_here_is_said_not_left_out() -> None:
    """A credential that can be revoked, checked where no status service answers (a
    file checked on its own): the report says so, as a warning, never silence."""
    doc = signed_ob3(credentialStatus={
        "id": "https://example.edu/status/1#5", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "5", "statusListCredential": "https://example.edu/status/1",
    })
    report = verify_credential(doc, env())
    line = report.check(CheckName.STATUS)
    assert line is not None and line.outcome is Outcome.WARNING and line.code == "status-not-checked"
    assert line.message == "Status never checked on this computer."
    assert report.status is Status.WARNINGS
    assert verify_credential(signed_ob3(), env()).check(CheckName.STATUS) is None  # nothing to check, no line
