"""The portable trust file: export on one wallet, import on an offline one, newer wins."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wallet.clock import fixed_clock
from wallet.errors import InputError, InputTooLarge
from wallet.net import NetClient, NetworkPolicy
from wallet.status import CachedList
from wallet.store import Store
from wallet.trust import DocumentRecord, parse_registry
from wallet.trustdata import TrustData
from wallet.trustfile import Rejection, TrustFileError, UntrustedSigner, sign_document, verify_document
from wallet.verify import Status, VerifyEnvironment, verify_credential
from wallet.verify.dataintegrity import verify_proofs
from wallet.verify.keys import multikey_encode
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
OU_LIST = "https://ou.example.org/status/revocation/1"
DID_WEB = "did:web:school.example:issuers:1"


def open_data(path, when=NOW, policy=NetworkPolicy.NEVER):
    store = Store.open(path, os.urandom(32))
    return store, TrustData(store, clock=fixed_clock(when), net=NetClient(policy))


@pytest.fixture
def school(tmp_path, interop):
    """A school's online wallet with a DID document, the OU status list and a registry."""
    store, data = open_data(tmp_path / "school.sqlite3")
    key = Ed25519PrivateKey.generate()
    vm = f"{DID_WEB}#key-1"
    doc = {"id": DID_WEB, "verificationMethod": [{"id": vm, "type": "Multikey", "controller": DID_WEB,
           "publicKeyMultibase": multikey_encode(key.public_key())}], "assertionMethod": [vm]}
    data.trust.documents.put(DocumentRecord(DID_WEB, "did-document", NOW - timedelta(days=3), doc))
    listed = json.loads((interop / "peer-vcjs/status/ou-revocation-list-1.json").read_text())
    data.status.accept(OU_LIST, listed, fetched_at=NOW - timedelta(days=2), source="network")
    data.trust.keep_registry(parse_registry(
        {"meta": {"updated": "2026-05-01"}, "registry": {DID_WEB: {"name": "School of Testland"}}},
        name="Testland schools", source_url="https://registry.example/registry.json", fetched_at=NOW - timedelta(days=1)))
    yield data, key
    store.close()


@pytest.fixture
def learner(tmp_path):
    store, data = open_data(tmp_path / "learner.sqlite3", NOW + timedelta(days=1))
    yield data
    store.close()


def signed_by_school(key) -> dict:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:9d2b1c58-3c0f-4a57-b8a3-2f6d3d1e7c10",
           "type": ["VerifiableCredential"], "issuer": DID_WEB, "validFrom": "2026-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:example:learner"}}
    return sign(doc, key, f"{DID_WEB}#key-1", created=datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_round_trip_to_an_offline_machine(school, learner, tmp_path, interop):
    data, key = school
    path = tmp_path / "stick" / "trust.json"
    counts = data.files.export(path, label="School of Testland")
    assert counts == {"documents": 1, "statusLists": 1, "registries": 1, "registryListings": 0}
    cred = signed_by_school(key)
    env = VerifyEnvironment(clock=learner.clock, documents=learner.documents, status=learner.status, trust=learner.trust)
    assert verify_credential(cred, env).status is Status.OFFLINE  # before: the key is not here

    with pytest.raises(UntrustedSigner) as refused:
        learner.files.import_file(path)
    assert refused.value.signer == data.files.signer_did()
    assert learner.trust.documents.all() == []  # nothing merged from a refused file

    summary = learner.files.import_file(path, trust_signer=True)
    assert (summary.added, summary.kept_newer, summary.rejected) == (3, 0, [])
    report = verify_credential(cred, env)
    assert report.status is Status.VERIFIED, report.checks
    assert report.check(CheckName.TRUST).message == "Issuer listed in Testland schools as School of Testland (registry copy of 31 May 2026)."
    revoked = json.loads((interop / "peer-vcjs/status/revoked.json").read_text())
    status = verify_credential(revoked, env).check(CheckName.STATUS)
    assert status.code == "revoked" and "as of 30 May 2026" in status.message  # the date it was fetched
    # the signer is remembered: a second import needs no confirmation, and older is not newer
    again = learner.files.import_file(path)
    assert (again.added, again.kept_newer) == (0, 3)


def test_newer_entries_win(school, learner, tmp_path):
    data, _key = school
    path = tmp_path / "trust.json"
    data.files.export(path)
    newer_doc = {"id": DID_WEB, "assertionMethod": [], "note": "newer"}
    learner.trust.documents.put(DocumentRecord(DID_WEB, "did-document", NOW, newer_doc))
    summary = learner.files.import_file(path, trust_signer=True)
    assert summary.kept_newer == 1 and summary.added == 2
    assert learner.trust.documents.get(DID_WEB).document["note"] == "newer"
    assert learner.trust.documents.get(DID_WEB).fetched_at == NOW


def test_tampered_file_is_refused_whole(school, learner, tmp_path):
    data, _key = school
    path = tmp_path / "trust.json"
    data.files.export(path)
    doc = json.loads(path.read_text())
    doc["documents"][0]["document"]["verificationMethod"][0]["publicKeyMultibase"] = multikey_encode(
        Ed25519PrivateKey.generate().public_key())
    path.write_text(json.dumps(doc))
    with pytest.raises(TrustFileError, match="changed after it was signed"):
        learner.files.import_file(path, trust_signer=True)
    assert learner.trust.documents.all() == [] and learner.files.accepted_signers() == []


def test_entries_are_checked_as_if_downloaded(school, learner, tmp_path):
    """A correctly signed file still cannot slip in a DID document under the wrong id or
    a status list whose own signature fails."""
    data, _key = school
    body = data.files.build()
    body.pop("proof")
    body["documents"].append({"url": "did:web:bank.example", "kind": "did-document", "fetchedAt": NOW.isoformat(),
                              "document": {"id": "did:web:attacker.example"}})
    broken = json.loads(json.dumps(body["statusLists"][0]))
    broken["url"] = "https://ou.example.org/status/revocation/2"
    broken["document"]["credentialSubject"]["encodedList"] = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    body["statusLists"].append(broken)
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), NOW)))
    summary = learner.files.import_file(path, trust_signer=True)
    assert summary.added == 3 and len(summary.rejected) == 2
    assert learner.trust.documents.get("did:web:bank.example") is None
    assert learner.status.cache.get("https://ou.example.org/status/revocation/2") is None


def _resigned_file(data, path, created, **dates):
    """The school's trust file with its dates changed, signed again by the school."""
    body = data.files.build()
    body.pop("proof")
    body["created"] = created.isoformat()
    for name, when in dates.items():
        key = "fetched_at" if name == "registries" else "fetchedAt"
        for row in body[name]:
            row[key] = when.isoformat()
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), created)))
    return path


def test_entries_dated_in_the_future_are_refused(school, learner, tmp_path):
    """A file made on a machine whose clock is a year ahead: its entries would look newer
    than anything this wallet downloads for a year, so none is kept."""
    data, _key = school
    later = NOW + timedelta(days=365)
    path = _resigned_file(data, tmp_path / "ahead.json", later, documents=later, statusLists=later, registries=later)
    summary = learner.files.import_file(path, trust_signer=True)
    assert (summary.added, summary.kept_newer) == (0, 0)
    assert [r.message for r in summary.rejected] == [
        "This entry is dated in the future, so it was not used; check the clock of the computer that made the file."] * 3
    assert learner.status.cache.all() == [] and learner.trust.documents.all() == [] and learner.trust.registries() == []


def test_entries_dated_after_the_file_was_made_are_refused(school, learner, tmp_path):
    data, _key = school
    path = _resigned_file(data, tmp_path / "odd.json", NOW - timedelta(days=1), statusLists=NOW)
    summary = learner.files.import_file(path, trust_signer=True)
    assert [(r.what, r.message) for r in summary.rejected] == [
        (OU_LIST, "This entry is dated after the trust file was made, so it was not used.")]
    assert summary.added == 2 and learner.status.cache.get(OU_LIST) is None


def test_an_entry_whose_date_has_no_time_zone_is_refused(school, learner, tmp_path):
    """Read as UTC, such a date could move by hours and win a merge it should lose."""
    data, _key = school
    body = data.files.build()
    body.pop("proof")
    body["statusLists"][0]["fetchedAt"] = NOW.replace(tzinfo=None).isoformat()
    path = tmp_path / "naive.json"
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), NOW)))
    summary = learner.files.import_file(path, trust_signer=True)
    assert [(r.what, r.message) for r in summary.rejected] == [(OU_LIST, "An entry in the trust file has no readable date.")]
    assert learner.status.cache.get(OU_LIST) is None


def test_a_damaged_entry_is_one_sentence_with_the_detail_apart(school, learner, tmp_path):
    """An entry missing a field: the learner reads a sentence, the technical detail
    (what Python said) is kept for the details control and --verbose."""
    data, _key = school
    body = data.files.build()
    body.pop("proof")
    body["registries"][0].pop("id")
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(sign_document(body, data.files.signing_key(), NOW)))
    summary = learner.files.import_file(path, trust_signer=True)
    assert summary.rejected == [Rejection("Testland schools", "This entry is damaged or incomplete, so it was not used.",
                                          "KeyError: 'id'")]
    assert summary.added == 2 and learner.trust.registries() == []


def test_a_real_download_wins_over_a_copy_kept_with_a_future_date(school, learner):
    """A list kept with a date a year ahead (before such dates were refused) does not
    pin the cache: a newer real copy replaces it."""
    data, _key = school
    listed = data.status.cache.get(OU_LIST).document
    learner.status.cache.put(CachedList(OU_LIST, NOW + timedelta(days=365), "credential", listed, "trust file"))
    learner.status.accept(OU_LIST, listed, fetched_at=NOW + timedelta(days=1), source="network")
    assert learner.status.cache.get(OU_LIST).fetched_at == NOW + timedelta(days=1)


def test_the_proof_is_a_standard_eddsa_jcs_2022_proof():
    key = Ed25519PrivateKey.generate()
    doc = sign_document({"type": "LearnerWalletTrustFile", "version": 1, "documents": []}, key, NOW)
    assert verify_document(doc).startswith("did:key:z6Mk")
    # the wallet's own Data Integrity verifier agrees, so other tools can check it too
    [result] = verify_proofs(doc, VerifyEnvironment(clock=fixed_clock(NOW)))
    assert result.outcome is Outcome.PASSED, result


@pytest.mark.parametrize(("content", "error", "words"), [
    (b"\x89PNG\r\n", TrustFileError, "^This trust file is not valid JSON, so it cannot be read as a Learner Wallet trust file"),
    (b"[{}, " * 2_000_000 + b"{}]", InputTooLarge, "^This trust file is made of far more parts than any Learner Wallet trust file"),
    (b"[" * 200 + b"]" * 200, InputTooLarge, "^This trust file is nested too deeply"),
    (b"{}", TrustFileError, "not a Learner Wallet trust file"),
    (b'{"type": "LearnerWalletTrustFile", "version": 1}', TrustFileError, "not signed"),
    (b'{"type": "LearnerWalletTrustFile", "version": 2}', TrustFileError, "newer version"),
])
def test_bad_files_say_what_is_wrong(learner, tmp_path, content, error, words):
    path = tmp_path / "t.json"
    path.write_bytes(content)
    with pytest.raises(error, match=words):
        learner.files.import_file(path, trust_signer=True)


def test_missing_file(learner, tmp_path):
    with pytest.raises(InputError, match="no file"):
        learner.files.import_file(tmp_path / "absent.json")


def test_signing_key_is_stable_and_sealed(learner):
    first = learner.files.signer_did()
    assert learner.files.signer_did() == first
    raw = learner.store.path.read_bytes()
    seed = learner.files.signing_key().private_bytes_raw()
    assert seed not in raw and seed.hex().encode() not in raw


def test_a_carried_did_document_lets_a_key_sign_only_what_it_lists_it_for(school, learner, tmp_path):
    """A trust file brings a DID document whose key is listed under no purpose (or only
    for logging in): imported, but that key signs no credential."""
    data, key = school
    for purposes in ((), ("authentication",)):
        vm = f"{DID_WEB}#key-1"
        doc = {"id": DID_WEB, "verificationMethod": [{"id": vm, "type": "Multikey", "controller": DID_WEB,
               "publicKeyMultibase": multikey_encode(key.public_key())}]}
        doc.update({purpose: [vm] for purpose in purposes})
        data.trust.documents.put(DocumentRecord(DID_WEB, "did-document", NOW - timedelta(hours=2 - len(purposes)), doc))
        path = tmp_path / f"trust-{len(purposes)}.json"
        data.files.export(path)
        learner.trust.documents.forget(DID_WEB)
        learner.files.import_file(path, trust_signer=True)
        assert learner.trust.documents.get(DID_WEB).document == doc
        env = VerifyEnvironment(clock=learner.clock, documents=learner.documents)
        report = verify_credential(signed_by_school(key), env)
        assert report.status is Status.NOT_VERIFIED, purposes
        assert report.check(CheckName.SIGNATURE).code == "wrong-purpose", purposes
