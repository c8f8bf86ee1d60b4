"""Holder-signed presentations: signature, holder binding, challenge, domain, expiry, contents."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from wallet.verify import Status, verify_presentation
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign
from tests.wallet.verify.test_vc_jwt import vc11
from tests.wallet.verify.verify_helpers import CREATED, clone, ed_key, env, signed_ob3

HOLDER = ed_key(5)
EXPIRES = datetime(2026, 2, 1, tzinfo=timezone.utc)


def _vp(credentials, *, key=HOLDER, holder=None, **kw):
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder or did_key_from_public_key(HOLDER),
        "verifiableCredential": credentials,
    }
    return sign(vp, key, verification_method_for(key), proof_purpose="authentication", created=CREATED, **kw)


def _credential():
    doc = signed_ob3()
    doc = clone(doc)
    return doc


def test_a_bundle_with_challenge_domain_and_expiry_verifies() -> None:
    cred = _credential()
    vp = _vp([cred], challenge="c-1", domain="https://hr.example", expires=EXPIRES)
    report = verify_presentation(json.dumps(vp), env(), challenge="c-1", domain="https://hr.example")
    assert report.status in (Status.VERIFIED, Status.WARNINGS), report.checks
    assert report.holder == did_key_from_public_key(HOLDER)
    assert report.check(CheckName.PRESENTATION).outcome is Outcome.PASSED
    assert report.check(CheckName.HOLDER).outcome in (Outcome.PASSED, Outcome.WARNING)
    assert report.check(CheckName.DATES).message == "The bundle is valid until 1 February 2026."
    assert [r.status for _, r in report.credentials] == [Status.VERIFIED]


def test_wrong_challenge_domain_and_expired_bundle_each_say_so() -> None:
    vp = _vp([_credential()], challenge="c-1", domain="https://hr.example", expires=EXPIRES)
    wrong = verify_presentation(vp, env(), challenge="c-2", domain="https://hr.example")
    assert wrong.status is Status.NOT_VERIFIED and wrong.check(CheckName.CHALLENGE).code == "wrong-challenge"
    wrong = verify_presentation(vp, env(), challenge="c-1", domain="https://other.example")
    assert wrong.check(CheckName.DOMAIN).code == "wrong-domain"
    late = verify_presentation(vp, env(now=datetime(2026, 3, 1, tzinfo=timezone.utc)), challenge="c-1")
    assert late.check(CheckName.DATES).code == "expired"
    assert late.check(CheckName.DATES).message == "The bundle expired on 1 February 2026."
    assert late.status is Status.NOT_VERIFIED


def test_a_credential_swapped_inside_the_bundle_breaks_the_holder_signature() -> None:
    vp = _vp([_credential()])
    vp["verifiableCredential"] = [signed_ob3(name="Another badge")]
    report = verify_presentation(vp, env())
    assert report.check(CheckName.PRESENTATION).code == "tampered"
    assert report.status is Status.NOT_VERIFIED


def test_a_bundle_signed_by_someone_else_than_the_holder() -> None:
    vp = _vp([_credential()], key=ed_key(6))
    report = verify_presentation(vp, env())
    assert report.check(CheckName.HOLDER).code == "wrong-key"


def test_an_assertion_proof_is_not_a_holder_proof() -> None:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
        "holder": did_key_from_public_key(HOLDER), "verifiableCredential": [],
    }
    signed = sign(vp, HOLDER, verification_method_for(HOLDER), created=CREATED)
    assert verify_presentation(signed, env()).check(CheckName.PRESENTATION).code == "wrong-purpose"


def test_enveloped_jwt_credentials_are_verified() -> None:
    token = vc11(ed_key(2))
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:application/vc+jwt,{token}",
        "type": ["EnvelopedVerifiableCredential"],
    }
    report = verify_presentation(_vp([enveloped]), env())
    assert report.credentials[0][1].status is Status.VERIFIED, report.credentials[0][1].checks
    assert report.status in (Status.VERIFIED, Status.WARNINGS)


def test_unsigned_and_unreadable_bundles() -> None:
    vp = _vp([_credential()])
    del vp["proof"]
    assert verify_presentation(vp, env()).check(CheckName.PRESENTATION).code == "no-proof"
    assert verify_presentation("{not json", env()).status is Status.NOT_VERIFIED
    assert verify_presentation({"type": "VerifiableCredential"}, env()).summary == "This is not a bundle the wallet can read."


def test_jwt_presentation_with_nonce_and_audience() -> None:
    from tests.wallet.verify.test_vc_jwt import _signer, _token

    holder = did_key_from_public_key(HOLDER)
    payload = {
        "iss": holder, "nonce": "n-1", "aud": "https://hr.example",
        "vp": {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiablePresentation"],
               "verifiableCredential": [vc11(ed_key(2))]},
    }
    token = _token({"alg": "EdDSA", "kid": verification_method_for(HOLDER)}, payload, _signer(HOLDER, "EdDSA"))
    report = verify_presentation(token, env(), challenge="n-1", domain="https://hr.example")
    assert report.check(CheckName.PRESENTATION).outcome is Outcome.PASSED
    assert report.holder == holder
    assert report.credentials[0][1].status is Status.VERIFIED
    assert verify_presentation(token, env(), challenge="n-2").check(CheckName.CHALLENGE).code == "wrong-challenge"
