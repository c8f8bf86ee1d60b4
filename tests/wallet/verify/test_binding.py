"""The key that signed is the issuer's only when the issuer's own side says so.

Reproductions of the audit: a key's own document naming the issuer as its controller
(or owner) vouches for nothing, because whoever publishes that document can name anyone.
"""

from __future__ import annotations

from datetime import datetime, timezone

from wallet.verify import Status, verify_credential
from wallet.verify import keys as k
from wallet.verify.environment import CachedDocument, VerifyEnvironment
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign
from tests.wallet.verify.verify_helpers import CREATED, NOW, ed_key, env, ob3_credential

UNIVERSITY = "did:web:university.example"
ATTACKER = "did:web:attacker.example"
UNI_HTTPS = "https://university.example/issuer"


def _did_doc(did: str, key, *, controller: str | None = None, purposes=("assertionMethod",)) -> dict:
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": f"{did}#k1", "type": "Multikey", "controller": controller or did,
                                "publicKeyMultibase": k.multikey_encode(key.public_key())}],
    }
    for purpose in purposes:
        doc[purpose] = [f"{did}#k1"]
    return doc


def _signed(issuer: str, key, vm: str, **kw) -> dict:
    return sign(ob3_credential(issuer), key, vm, created=CREATED, **kw)


def test_a_key_document_claiming_the_issuer_as_controller_is_not_the_issuers_key() -> None:
    mallory = ed_key(9)
    forged = _signed(UNIVERSITY, mallory, f"{ATTACKER}#k1")
    claims = _did_doc(ATTACKER, mallory, controller=UNIVERSITY)
    report = verify_credential(forged, env(documents={ATTACKER: claims}))
    line = report.check(CheckName.ISSUER_KEY)
    assert report.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert report.status is Status.OFFLINE and line.code == "issuer-binding-offline"
    assert "own key" not in line.message and not report.vouches
    # with the university's own document at hand, which does not list the key: refused, naming whose key
    documents = {ATTACKER: claims, UNIVERSITY: _did_doc(UNIVERSITY, ed_key(1))}
    report = verify_credential(forged, env(documents=documents))
    line = report.check(CheckName.ISSUER_KEY)
    assert report.status is Status.NOT_VERIFIED and line.code == "wrong-key"
    assert line.message == f"Signed with a key of {ATTACKER}, not the issuer's."


def test_the_issuers_own_did_document_listing_the_key_binds_it_and_gives_its_date() -> None:
    key = ed_key(1)
    signed = _signed(UNIVERSITY, key, f"{UNIVERSITY}#k1")
    report = verify_credential(signed, env(documents={UNIVERSITY: _did_doc(UNIVERSITY, key)}))
    assert report.status is Status.VERIFIED and report.vouches, report.checks
    assert report.check(CheckName.ISSUER_KEY).message == (
        "Signed with the issuer's key, listed in its DID document saved on 15 January 2026.")
    assert report.summary == "Signed by Example University"


def test_a_document_kept_under_the_issuers_did_but_for_another_identity_cannot_vouch() -> None:
    mallory = ed_key(9)
    forged = _signed(UNIVERSITY, mallory, f"{ATTACKER}#k1")
    attacker_doc = _did_doc(ATTACKER, mallory)
    report = verify_credential(forged, env(documents={ATTACKER: attacker_doc, UNIVERSITY: attacker_doc}))
    assert report.status is not Status.VERIFIED and not report.vouches
    assert report.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline"


def test_only_assertion_method_lets_a_did_key_sign_credentials() -> None:
    key = ed_key(1)
    signed = _signed(UNIVERSITY, key, f"{UNIVERSITY}#k1")
    for purposes in ((), ("authentication",), ("capabilityInvocation",)):
        doc = _did_doc(UNIVERSITY, key, purposes=purposes)
        report = verify_credential(signed, env(documents={UNIVERSITY: doc}))
        assert report.status is Status.NOT_VERIFIED, purposes
        assert report.check(CheckName.SIGNATURE).code == "wrong-purpose", purposes


def test_a_did_web_issuer_listing_a_did_key_under_assertion_method() -> None:
    from wallet.verify.dids import did_key_from_public_key, verification_method_for

    key = ed_key(4)
    signed = _signed(UNIVERSITY, key, verification_method_for(key))
    for listed in (verification_method_for(key), did_key_from_public_key(key)):  # with or without its fragment
        doc = {"id": UNIVERSITY, "assertionMethod": [listed]}
        assert verify_credential(signed, env(documents={UNIVERSITY: doc})).status is Status.VERIFIED
    doc = {"id": UNIVERSITY, "authentication": [verification_method_for(key)]}
    assert verify_credential(signed, env(documents={UNIVERSITY: doc})).check(CheckName.ISSUER_KEY).code == "wrong-key"


def test_listed_key_material_must_be_the_key_that_signed() -> None:
    """The issuer's document embeds the method it lists; another document's copy of that
    id with other key material is not the issuer's key."""
    key, mallory = ed_key(1), ed_key(9)
    signed = _signed(UNIVERSITY, mallory, f"{ATTACKER}#k1")
    university = {"id": UNIVERSITY, "assertionMethod": [{
        "id": f"{ATTACKER}#k1", "type": "Multikey", "controller": UNIVERSITY,
        "publicKeyMultibase": k.multikey_encode(key.public_key())}]}
    documents = {UNIVERSITY: university, ATTACKER: _did_doc(ATTACKER, mallory)}
    assert verify_credential(signed, env(documents=documents)).check(CheckName.ISSUER_KEY).code == "wrong-key"


def _key_doc(url: str, key, controller: str) -> dict:
    return {"id": url, "type": "Multikey", "controller": controller,
            "publicKeyMultibase": k.multikey_encode(key.public_key())}


def test_an_https_key_document_on_another_host_claiming_the_issuer_fails() -> None:
    mallory = ed_key(9)
    vm = "https://attacker.example/keys/1"
    forged = _signed(UNI_HTTPS, mallory, vm)
    report = verify_credential(forged, env(documents={vm: _key_doc(vm, mallory, UNI_HTTPS)}))
    line = report.check(CheckName.ISSUER_KEY)
    assert report.status is Status.NOT_VERIFIED and line.code == "wrong-key"
    assert line.message == f"Signed with a key of {vm}, not the issuer's."


def test_an_https_key_document_binds_only_both_ways() -> None:
    key = ed_key(1)
    vm = "https://university.example/keys/1"
    signed = _signed(UNI_HTTPS, key, vm)
    profile = {"id": UNI_HTTPS, "type": "Profile", "assertionMethod": [vm]}
    both = verify_credential(signed, env(documents={vm: _key_doc(vm, key, UNI_HTTPS), UNI_HTTPS: profile}))
    assert both.status is Status.VERIFIED, both.checks
    assert both.check(CheckName.ISSUER_KEY).message == (
        "Signed with the issuer's key, listed in its published profile saved on 15 January 2026.")
    # the key document alone, pointing at the issuer: not established offline
    alone = verify_credential(signed, env(documents={vm: _key_doc(vm, key, UNI_HTTPS)}))
    assert alone.status is Status.OFFLINE and alone.check(CheckName.ISSUER_KEY).code == "issuer-binding-offline"
    # the profile lists it, but the key document names someone else
    other = verify_credential(signed, env(documents={vm: _key_doc(vm, key, "https://university.example/other"),
                                                     UNI_HTTPS: profile}))
    assert other.check(CheckName.ISSUER_KEY).code == "wrong-key"
    # the key document points back, but the profile does not list it
    unlisted = {"id": UNI_HTTPS, "type": "Profile", "assertionMethod": []}
    denied = verify_credential(signed, env(documents={vm: _key_doc(vm, key, UNI_HTTPS), UNI_HTTPS: unlisted}))
    assert denied.check(CheckName.ISSUER_KEY).code == "wrong-key" and denied.status is Status.NOT_VERIFIED


def test_the_date_shown_is_the_issuers_document_date() -> None:
    key = ed_key(1)
    signed = _signed(UNIVERSITY, key, f"{UNIVERSITY}#k1")
    saved = datetime(2026, 5, 3, 9, 30, tzinfo=timezone.utc)

    class Saved:
        def lookup(self, url: str) -> CachedDocument | None:
            return CachedDocument(url, _did_doc(UNIVERSITY, key), saved) if url.startswith(UNIVERSITY) else None

    report = verify_credential(signed, VerifyEnvironment(clock=lambda: NOW, documents=Saved()))
    assert report.check(CheckName.ISSUER_KEY).message.endswith("listed in its DID document saved on 3 May 2026.")
