"""A StatusList2021 list is a VC 1.1 credential whose terms come from the bundled
status-list/2021 context: it verifies offline only because that context is shipped, and
only a list that verifies may answer for a credential."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.wallet.verify.verify_helpers import CREATED, clone, ed_key, env
from wallet.clock import fixed_clock
from wallet.status import StatusService, wallet_list_verifier
from wallet.statuslist import encode_bitstring
from wallet.verify import Status, verify_credential
from wallet.verify.dids import did_key_from_public_key, verification_method_for
from wallet.verify.sign import sign

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
URL = "https://example.edu/status/2021/1"
V1 = "https://www.w3.org/2018/credentials/v1"
SL2021 = "https://w3id.org/vc/status-list/2021/v1"


def _signed(key, document: dict, suite: str = "Ed25519Signature2020") -> dict:
    document = clone(document)
    if suite == "Ed25519Signature2020":
        document["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    else:
        document["@context"].append("https://w3id.org/security/data-integrity/v2")
    return sign(document, key, verification_method_for(key), suite=suite, created=CREATED)


def _list(key, revoked_index: int) -> dict:
    bits = bytearray(16384)
    bits[revoked_index // 8] |= 0x80 >> (revoked_index % 8)
    return {
        "@context": [V1, SL2021],
        "id": URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": did_key_from_public_key(key),
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": URL + "#list", "type": "StatusList2021", "statusPurpose": "revocation",
                              "encodedList": encode_bitstring(bytes(bits))[1:]},  # 2021 lists: no multibase prefix
    }


def _credential(key, index: int) -> dict:
    return {
        "@context": [V1, SL2021],
        "id": "urn:uuid:6a3f0d57-3c5e-4d43-8f0e-21c9e1b6a111",
        "type": ["VerifiableCredential"],
        "issuer": did_key_from_public_key(key),
        "issuanceDate": "2026-01-02T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": {"id": f"{URL}#{index}", "type": "StatusList2021Entry", "statusPurpose": "revocation",
                             "statusListIndex": str(index), "statusListCredential": URL},
    }


def test_a_signed_statuslist2021_list_verifies_with_the_bundled_context() -> None:
    key = ed_key(11)
    for suite in ("Ed25519Signature2020", "eddsa-rdfc-2022"):
        signed = _signed(key, _list(key, 3), suite)
        assert verify_credential(signed, env(NOW)).status is Status.VERIFIED, suite
        changed = clone(signed)
        changed["credentialSubject"]["encodedList"] = _list(key, 4)["credentialSubject"]["encodedList"]
        assert verify_credential(changed, env(NOW)).codes == {"tampered"}, suite


def test_a_statuslist2021_list_answers_only_once_it_verifies(wallet) -> None:
    key = ed_key(11)
    clock = fixed_clock(NOW)
    status = StatusService(wallet.store, verify_list=wallet_list_verifier(clock=clock), clock=clock)
    status.accept(URL, _signed(key, _list(key, 3)), fetched_at=NOW, source="file")
    environment = env(NOW, status=status)
    revoked = verify_credential(_signed(key, _credential(key, 3)), environment)
    assert revoked.status is Status.NOT_VERIFIED and "revoked" in revoked.codes
    fine = verify_credential(_signed(key, _credential(key, 5)), environment)
    assert fine.status is Status.VERIFIED and "not-revoked" in fine.codes
