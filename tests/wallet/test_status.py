"""Status lists: decoding, every outcome at its boundary, real HTTPS refreshes, the corpus."""

from __future__ import annotations

import base64
import gzip
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.wallet.trust_servers import ENTRIES, Issuer, Route, WebIssuer
from wallet.clock import fixed_clock
from wallet.errors import InputTooLarge, MalformedCredential
from wallet.net import NetClient, NetworkPolicy
from wallet.status import (
    BITSTRING,
    CachedList,
    ListUse,
    StatusService,
    Verdict,
    decode_bitstring,
    encode_bitstring,
    read_status,
    status_entries,
    wallet_list_verifier,
)
from wallet.store import Store
from wallet.verify.report import CheckName, Outcome
from wallet.verify.sign import sign

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


# ---------------------------------------------------------------- helpers

def service(store, clock=NOW, net=None, **kw) -> StatusService:
    c = fixed_clock(clock)
    return StatusService(store, verify_list=wallet_list_verifier(None, c), net=net, clock=c, **kw)


def net_for(tls, policy=NetworkPolicy.ASK) -> NetClient:
    return NetClient(policy, ssl_context=tls.client_context(), timeout=2, deadline=5)


def only(checks):
    assert len(checks) == 1, checks
    assert checks[0].name is CheckName.STATUS
    return checks[0]


# ---------------------------------------------------------------- decoding

def test_bit_zero_is_the_high_bit_of_the_first_byte():
    bits = bytes([0b1000_0001, 0b0100_0000])
    assert [read_status(bits, i) for i in (0, 1, 6, 7, 8, 9)] == [1, 0, 0, 1, 0, 1]
    assert read_status(bytes([0b1011_0000]), 0, 2) == 0b10 and read_status(bytes([0b1011_0000]), 1, 2) == 0b11
    with pytest.raises(IndexError):
        read_status(bits, 16)


def test_round_trip_and_both_encodings():
    raw = bytes(16384)
    multibase = encode_bitstring(raw)
    assert multibase.startswith("uH4sI") and decode_bitstring(multibase) == raw
    plain = multibase[1:]  # StatusList2021 wrote base64url without the multibase prefix
    assert decode_bitstring(plain) == raw
    assert decode_bitstring(plain + "=" * (-len(plain) % 4)) == raw  # padded, too


def test_decompression_is_bounded():
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(40 * 1024 * 1024))).decode().rstrip("=")
    with pytest.raises(InputTooLarge):
        decode_bitstring(bomb)


@pytest.mark.parametrize("text", ["u!!!", "uAAAA", "", encode_bitstring(bytes(100))[:-12]])
def test_damaged_lists_are_clear_errors(text):
    with pytest.raises(MalformedCredential):
        decode_bitstring(text)


def test_status_entries_read_every_form():
    issuer = Issuer()
    cred = issuer.credential("https://x.example/l", 7)
    cred["credentialStatus"] = [cred["credentialStatus"], {"type": "SomethingElse2030", "statusListCredential": "u"},
                                {"id": "https://r.example/rev", "type": "1EdTechRevocationList"}]
    entries = status_entries(cred)
    assert [(e.type, e.index, bool(e.problem)) for e in entries] == [
        ("BitstringStatusListEntry", 7, False), ("SomethingElse2030", None, True), ("1EdTechRevocationList", None, False)]


# ---------------------------------------------------------------- outcomes from the cache

def test_never_checked_is_unknown_not_valid(store):
    issuer = Issuer()
    check = only(service(store).check(issuer.credential("https://x.example/l", 1), issuer.did))
    assert check.outcome is Outcome.UNKNOWN and check.code == "status-unknown"
    assert check.message.startswith("Status never checked") and "import a trust file" in check.message


def test_revoked_and_not_revoked_with_dates(store):
    issuer = Issuer()
    url = "https://x.example/l"
    svc = service(store)
    svc.accept(url, issuer.status_list(url, {5}), fetched_at=NOW - timedelta(days=2), source="network")
    revoked = only(svc.check(issuer.credential(url, 5), issuer.did))
    fine = only(svc.check(issuer.credential(url, 6), issuer.did))
    assert (revoked.outcome, revoked.code) == (Outcome.FAILED, "revoked")
    assert revoked.message == "Revoked by the issuer (as of 30 May 2026)."
    assert (fine.outcome, fine.code, fine.message) == (Outcome.PASSED, "not-revoked", "Not revoked as of 30 May 2026.")


def test_suspension(store):
    issuer = Issuer()
    url = "https://x.example/s"
    svc = service(store)
    svc.accept(url, issuer.status_list(url, {9}, purpose="suspension"), fetched_at=NOW, source="network")
    assert only(svc.check(issuer.credential(url, 9, purpose="suspension"), issuer.did)).code == "suspended"
    assert only(svc.check(issuer.credential(url, 8, purpose="suspension"), issuer.did)).message.startswith("Not suspended")
    wrong = only(svc.check(issuer.credential(url, 9, purpose="revocation"), issuer.did))
    assert wrong.outcome is Outcome.UNKNOWN and wrong.code == "status-list-wrong-purpose"


def test_index_at_and_past_the_end(store):
    issuer = Issuer()
    url = "https://x.example/l"
    svc = service(store)
    svc.accept(url, issuer.status_list(url, {ENTRIES - 1}), fetched_at=NOW, source="network")
    assert only(svc.check(issuer.credential(url, ENTRIES - 1), issuer.did)).code == "revoked"
    past = only(svc.check(issuer.credential(url, ENTRIES), issuer.did))
    assert past.outcome is Outcome.UNKNOWN and past.code == "status-index-out-of-range"
    assert "131072" in past.message


def test_list_expiry_boundary(store):
    issuer = Issuer()
    url = "https://x.example/l"
    doc = issuer.status_list(url, {3}, valid_until="2026-06-01T12:00:01Z")
    service(store).accept(url, doc, fetched_at=NOW - timedelta(days=1), source="network")
    assert only(service(store, NOW).check(issuer.credential(url, 3), issuer.did)).code == "revoked"
    expired = only(service(store, NOW + timedelta(seconds=1)).check(issuer.credential(url, 3), issuer.did))
    assert expired.outcome is Outcome.UNKNOWN and expired.code == "status-list-expired"
    assert "expired on 1 June 2026" in expired.message


def test_list_signed_by_someone_else(store):
    issuer, other = Issuer(), Issuer()
    url = "https://x.example/l"
    svc = service(store)
    # a genuine list of another issuer cannot answer for this one
    svc.accept(url, other.status_list(url, {1}), fetched_at=NOW, source="network")
    check = only(svc.check(issuer.credential(url, 1), issuer.did))
    assert check.outcome is Outcome.UNKNOWN and check.code == "status-list-wrong-issuer"
    # a list claiming to be the issuer's but signed by another key is refused outright
    forged = other.status_list("https://x.example/f", {1}, claimed_issuer=issuer.did)
    with pytest.raises(MalformedCredential, match="failed its check"):
        svc.accept("https://x.example/f", forged, fetched_at=NOW, source="network")
    assert svc.cache.get("https://x.example/f") is None


def test_tampered_list_is_never_kept(store):
    issuer = Issuer()
    url = "https://x.example/l"
    doc = issuer.status_list(url, {1})
    doc["credentialSubject"]["encodedList"] = encode_bitstring(bytes(ENTRIES // 8))  # un-revoke everyone
    with pytest.raises(MalformedCredential):
        service(store).accept(url, doc, fetched_at=NOW, source="network")
    assert service(store).cache.get(url) is None


def test_old_answers_warn_about_their_age(store):
    issuer = Issuer()
    url = "https://x.example/l"
    svc = service(store, stale_after=timedelta(days=90))
    svc.accept(url, issuer.status_list(url), fetched_at=NOW - timedelta(days=90), source="network")
    assert only(svc.check(issuer.credential(url, 1), issuer.did)).outcome is Outcome.PASSED
    older = only(service(store, NOW + timedelta(days=1)).check(issuer.credential(url, 1), issuer.did))
    assert older.outcome is Outcome.WARNING and older.code == "status-stale" and "91 days old" in older.message


def test_unsupported_method_is_unknown(store):
    cred = {"issuer": "did:example:i", "credentialStatus": {"type": "RevocationList2020Status", "revocationListIndex": "3"}}
    check = only(service(store).check(cred, "did:example:i"))
    assert check.outcome is Outcome.UNKNOWN and check.code == "status-unsupported"


def test_status_list_2021_entries_use_their_own_list_type(store):
    url = "https://x.example/2021"
    bits = bytearray(ENTRIES // 8)
    bits[0] = 0x40
    doc = {"id": url, "type": ["VerifiableCredential", "StatusList2021Credential"], "issuer": "did:example:i",
           "issuanceDate": "2026-01-01T00:00:00Z",
           "credentialSubject": {"type": "StatusList2021", "statusPurpose": "revocation",
                                 "encodedList": encode_bitstring(bytes(bits))[1:]}}
    # the signature path is covered above; here the list's own proof is taken as checked
    svc = StatusService(store, verify_list=lambda d: Verdict(True), clock=fixed_clock(NOW))
    svc.accept(url, doc, fetched_at=NOW, source="file")
    cred = {"credentialStatus": {"type": "StatusList2021Entry", "statusPurpose": "revocation", "statusListIndex": "1",
                                 "statusListCredential": url}}
    assert only(svc.check(cred, "did:example:i")).code == "revoked"
    cred["credentialStatus"]["statusListIndex"] = "2"
    assert only(svc.check(cred, "did:example:i")).code == "not-revoked"


# ---------------------------------------------------------------- refreshing over real HTTPS

def test_just_revoked_shows_after_a_refresh(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/1")
    cred = issuer.credential(url, 42)
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
    svc = service(store, NOW - timedelta(days=1), net=net_for(tls))
    assert [r.ok for r in svc.refresh([cred])] == [True]
    assert only(svc.check(cred, issuer.did)).message == "Not revoked as of 31 May 2026."
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {42})).encode())
    svc = service(store, NOW, net=net_for(tls))
    svc.refresh([cred])
    check = only(svc.check(cred, issuer.did))
    assert (check.outcome, check.message) == (Outcome.FAILED, "Revoked by the issuer (as of 1 June 2026).")


def test_unreachable_list_is_never_revoked_and_says_when_last_good(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/1")
    cred = issuer.credential(url, 42)
    svc = service(store, NOW, net=net_for(tls))
    result = svc.refresh([cred])[0]  # nothing served yet: 404
    assert not result.ok and "not there" in result.message
    never = only(svc.check(cred, issuer.did))
    assert never.outcome is Outcome.UNKNOWN and "the try on 1 June 2026 failed" in never.message and "says the document is not there" in never.message

    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
    service(store, NOW + timedelta(days=1), net=net_for(tls)).refresh([cred])
    server.routes["/status/1"] = Route(500, b"down")
    later = service(store, NOW + timedelta(days=5), net=net_for(tls))
    assert not later.refresh([cred])[0].ok
    check = only(later.check(cred, issuer.did))
    assert check.outcome is Outcome.WARNING and check.code == "not-revoked"
    assert "could not be made" in check.message and "last good check was on 2 June 2026" in check.message


def test_garbage_download_keeps_the_last_good_list(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/1")
    cred = issuer.credential(url, 7)
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {7})).encode())
    service(store, NOW, net=net_for(tls)).refresh([cred])
    for body in (b"{broken", b'{"type": ["VerifiableCredential"]}', b"x" * 10):
        server.routes["/status/1"] = Route(body=body)
        svc = service(store, NOW + timedelta(days=1), net=net_for(tls))
        assert not svc.refresh([cred])[0].ok
        check = only(svc.check(cred, issuer.did))
        assert check.code == "revoked" and "as of 1 June 2026" in check.message


def test_refresh_fetches_each_list_once(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/1")
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
    svc = service(store, NOW, net=net_for(tls))
    svc.refresh([issuer.credential(url, i) for i in range(5)])
    assert server.requests == ["/status/1"]


def test_policy_never_connects_nothing_and_records_no_failure(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/1")
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url)).encode())
    svc = service(store, NOW, net=net_for(tls, NetworkPolicy.NEVER))
    result = svc.refresh([issuer.credential(url, 1)])[0]
    assert not result.ok and "turned off" in result.message
    assert server.requests == []
    assert only(svc.check(issuer.credential(url, 1), issuer.did)).message.startswith("Status never checked: the issuer")


def test_1edtech_revocation_list(store, tls, server):
    url = server.url("/revocations/abc")
    revoked_id = "urn:uuid:00000000-0000-4000-8000-000000000001"
    body = {"id": url, "issuer": "did:example:issuer", "revokedCredentials": [
        {"id": revoked_id, "revocationReason": "Issued in error."},
        {"id": "urn:uuid:reinstated", "revoked": False}]}
    server.routes["/revocations/abc"] = Route(body=json.dumps(body).encode())
    svc = service(store, NOW, net=net_for(tls))

    def cred(cid):
        return {"id": cid, "issuer": "did:example:issuer", "credentialStatus": {"id": url, "type": "1EdTechRevocationList"}}

    assert only(svc.check(cred(revoked_id), "did:example:issuer")).code == "status-unknown"
    assert svc.refresh([cred(revoked_id)])[0].ok
    check = only(svc.check(cred(revoked_id), "did:example:issuer"))
    assert check.outcome is Outcome.FAILED and check.message == "Revoked by the issuer (as of 1 June 2026): Issued in error."
    assert only(svc.check(cred("urn:uuid:reinstated"), "did:example:issuer")).code == "not-revoked"
    assert only(svc.check(cred("urn:uuid:other"), "did:example:issuer")).code == "not-revoked"
    assert only(svc.check(cred(revoked_id), "did:example:someone-else")).code == "status-list-wrong-issuer"


# ---------------------------------------------------------------- the interop corpus

def _load_lists(svc: StatusService, folder: Path, mapping: dict[str, str]) -> None:
    """Put the corpus's status list files in the cache as if fetched from their URLs."""
    for url, file in mapping.items():
        svc.load_file(url, folder / file, fetched_at=NOW - timedelta(days=1))


def test_peer_corpus_revoked_and_not_revoked(store, interop):
    folder = interop / "peer-vcjs"
    manifest = json.loads((folder / "manifest.json").read_text())
    svc = service(store)
    _load_lists(svc, folder, manifest["statusLists"])
    for row in manifest["files"]:
        if row.get("kind") != "credential" or "statusList" not in row:
            continue
        doc = json.loads((folder / row["file"]).read_text())
        check = only(svc.check(doc, row["issuer"]))
        if row["expect"] == "revoked":
            assert (check.outcome, check.code) == (Outcome.FAILED, "revoked"), row["file"]
        else:
            assert (check.outcome, check.code) == (Outcome.PASSED, "not-revoked"), row["file"]


def test_peer_corpus_end_to_end_through_the_verifier(store, interop):
    from wallet.verify import Status, VerifyEnvironment, verify_credential

    folder = interop / "peer-vcjs"
    manifest = json.loads((folder / "manifest.json").read_text())
    svc = service(store)
    _load_lists(svc, folder, manifest["statusLists"])
    env = VerifyEnvironment(clock=fixed_clock(NOW), status=svc)
    revoked = verify_credential(json.loads((folder / "status/revoked.json").read_text()), env)
    fine = verify_credential(json.loads((folder / "status/not-revoked.json").read_text()), env)
    assert revoked.status is Status.NOT_VERIFIED and "revoked" in revoked.codes
    assert fine.status is Status.VERIFIED and fine.check(CheckName.STATUS).code == "not-revoked"
    # without the list nothing is plainly valid
    empty = Store.open(store.path.parent / "other.sqlite3", os.urandom(32))
    try:
        offline = verify_credential(json.loads((folder / "status/not-revoked.json").read_text()),
                                    VerifyEnvironment(clock=fixed_clock(NOW), status=service(empty)))
    finally:
        empty.close()
    assert offline.status is Status.OFFLINE and offline.check(CheckName.STATUS).code == "status-unknown"


def _dcc(interop):
    folder = interop / "vectors" / "digitalcredentials__vc-test-fixtures"
    manifest = json.loads((folder / "manifest.json").read_text())
    return folder, manifest


def test_dcc_status_lists(store, interop):
    """DCC's lists, loaded as if fetched from every URL the credentials use.

    Each is refused on arrival, with its reason, so none can answer: the one the
    validStatus / revokedStatus credentials use says it is another list (its id is a
    testing.dcconsortium.org address) and is signed by another key than theirs (the
    peer refuses it for that, see the manifest's notes); the others are expired, not
    yet valid, tampered or not a status list. Every credential's status is unknown,
    never "not revoked".
    """
    folder, manifest = _dcc(interop)
    svc = service(store)
    refused = {}
    for row in manifest["files"]:
        if row["kind"] != "status-list-credential":
            continue
        for url in row["urls"]:
            with pytest.raises(MalformedCredential) as exc:
                svc.accept(url, json.loads((folder / row["file"]).read_text()), fetched_at=NOW, source="file")
            refused[Path(row["file"]).stem] = exc.value.message
    assert "says it is a different list" in refused["e5WK8CbZ1GjycuPombrj"]
    assert "expired on 9 January 2021" in refused["expired"]
    assert "is not valid until 9 January 3000" in refused["notYetValid"]
    assert "failed its check" in refused["tampered"]
    assert "lacks the BitstringStatusListCredential or StatusList2021Credential type" in refused["missingBitStringType"]
    assert svc.cache.all() == []
    for row in manifest["files"]:
        if row["kind"] != "credential" or "Status" not in row["file"] or "noStatus" in row["file"]:
            continue
        doc = json.loads((folder / row["file"]).read_text())
        issuer = doc["issuer"]["id"] if isinstance(doc["issuer"], dict) else doc["issuer"]
        for check in svc.check(doc, issuer):
            assert (check.outcome, check.code) == (Outcome.UNKNOWN, "status-unknown"), row["file"]


def test_a_list_of_another_issuer_is_refused_even_with_the_right_address(store, interop):
    """The DCC list under its own id: genuine and current, but not the credentials' issuer's."""
    folder, manifest = _dcc(interop)
    [row] = [r for r in manifest["files"] if r["file"].endswith("e5WK8CbZ1GjycuPombrj.json")]
    listed = json.loads((folder / row["file"]).read_text())
    cred = json.loads((folder / "v2/ed25519/didKey/noRegistry-revokedStatus-notExpired.json").read_text())
    use = ListUse(BITSTRING, frozenset({cred["issuer"] if isinstance(cred["issuer"], str) else cred["issuer"]["id"]}),
                  frozenset({"revocation"}))
    with pytest.raises(MalformedCredential, match="belongs to someone other than the credential's issuer"):
        service(store).accept(listed["id"], listed, fetched_at=NOW, source="network", use=use)
    kept = service(store).accept(listed["id"], listed, fetched_at=NOW, source="network")  # no credential to compare
    assert kept.url == listed["id"]


def test_1edtech_corpus_offline(store, interop):
    """1EdTech's revoked fixtures: their lists are online only, so offline they are
    "never checked" (unknown), never valid; with a list in the cache, revoked."""
    folder = interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "ob30"
    svc = service(store)
    old = json.loads((folder / "credential-status-revoked.json").read_text())
    issuer = old["issuer"]["id"]
    assert only(svc.check(old, issuer)).code == "status-unknown"
    list_url = old["credentialStatus"]["id"]
    svc.accept(list_url, {"id": list_url, "issuer": issuer, "revokedCredentials": [{"id": old["id"]}]}, fmt="1edtech",
               fetched_at=NOW, source="file")
    assert only(svc.check(old, issuer)).code == "revoked"

    new = json.loads((folder / "bit-string-list" / "credential-status-revoked.json").read_text())
    assert only(svc.check(new, new["issuer"]["id"])).code == "status-unknown"


def test_a_list_served_under_another_address_cannot_answer(store):
    """An issuer's other (older, or unrelated) list replayed at this list's address."""
    issuer = Issuer()
    svc = service(store)
    replayed = issuer.status_list("https://x.example/l/2")
    with pytest.raises(MalformedCredential, match="from x.example says it is a different list, so it was not used"):
        svc.accept("https://x.example/l/1", replayed, fetched_at=NOW, source="network")
    # a copy kept before lists were checked on arrival cannot answer either
    svc.cache.put(CachedList("https://x.example/l/1", NOW, "credential", replayed, "network"))
    check = only(svc.check(issuer.credential("https://x.example/l/1", 4), issuer.did))
    assert check.outcome is Outcome.UNKNOWN and check.code == "status-list-wrong-id"
    assert check.message == "The status list says it is a different list, so it cannot answer for this credential."


def test_status_messages(store):
    issuer = Issuer()
    url = "https://x.example/m"
    bits = bytearray(ENTRIES // 8 * 2)
    bits[0] = 0b0110_0000  # entry 0 = 0b01, entry 1 = 0b10, entry 2 = 0b00 (two bits per entry)
    doc = issuer.status_list(url, purpose="message")
    doc.pop("proof")
    doc["credentialSubject"]["encodedList"] = encode_bitstring(bytes(bits))
    doc = sign(doc, issuer.key, issuer.vm, created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    svc = service(store)
    svc.accept(url, doc, fetched_at=NOW, source="network")

    def cred(index):
        c = issuer.credential(url, index, purpose="message")
        c["credentialStatus"].update(statusSize=2, statusMessage=[  # values as some issuers write them
            {"status": "0x00", "message": "valid"}, {"status": "0x01", "message": "accepted"},
            {"status": "0X2", "message": "under review"}])
        return c

    first, second, third = (only(svc.check(cred(i), issuer.did)) for i in (0, 1, 2))
    assert first.outcome is Outcome.WARNING and first.message == "The issuer's status for this credential: accepted (as of 1 June 2026)."
    assert second.outcome is Outcome.WARNING and "under review" in second.message
    assert (third.outcome, third.message) == (Outcome.PASSED, "The issuer's status for this credential: valid (as of 1 June 2026).")


def test_an_unknown_status_purpose_is_a_warning_never_revoked(store):
    issuer = Issuer()
    url = "https://x.example/p"
    svc = service(store)
    svc.accept(url, issuer.status_list(url, {3}, purpose="graduation"), fetched_at=NOW, source="network")
    check = only(svc.check(issuer.credential(url, 3, purpose="graduation"), issuer.did))
    assert (check.outcome, check.code) == (Outcome.WARNING, "status-purpose-unknown")
    assert "uses a status purpose this wallet does not know: graduation" in check.message


def test_a_revocation_list_without_an_issuer_answers_for_nobody(store):
    url = "https://x.example/revocations"
    svc = service(store)
    svc.accept(url, {"id": url, "revokedCredentials": [{"id": "urn:uuid:other"}]}, fmt="1edtech", fetched_at=NOW,
               source="network")
    cred = {"id": "urn:uuid:mine", "issuer": "did:example:issuer", "credentialStatus": {"id": url, "type": "1EdTechRevocationList"}}
    check = only(svc.check(cred, "did:example:issuer"))
    assert (check.outcome, check.code) == (Outcome.UNKNOWN, "status-list-wrong-issuer")
    assert check.message == "The revocation list does not say who issued it, so it cannot answer for this credential."


def test_load_file_errors(store, tmp_path):
    svc = service(store)
    (tmp_path / "pdf.json").write_bytes(b"%PDF-1.4")
    with pytest.raises(MalformedCredential, match="^This status list file is not valid JSON, so it cannot be read as a status list"):
        svc.load_file("https://x.example/l", tmp_path / "pdf.json")
    from wallet.errors import InputError

    with pytest.raises(InputError, match="no file"):
        svc.load_file("https://x.example/l", tmp_path / "absent.json")
    (tmp_path / "deep.json").write_bytes(b"[" * 200 + b"]" * 200)
    with pytest.raises(InputTooLarge, match="^This status list file is nested too deeply to be a status list.$"):
        svc.load_file("https://x.example/l", tmp_path / "deep.json")
    (tmp_path / "big.json").write_bytes(b" " * (16 * 1024 * 1024 + 1))
    with pytest.raises(InputTooLarge, match=r"^This status list file is too large to read \(the limit is 16.0 MB\).$"):
        svc.load_file("https://x.example/l", tmp_path / "big.json")
    assert svc.cache.all() == []


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=1, max_value=8), st.data())
def test_read_status_matches_the_bits_written_out(raw, size, data):
    bits = "".join(f"{byte:08b}" for byte in raw)
    count = len(bits) // size
    index = data.draw(st.integers(min_value=0, max_value=count + 2))
    if index >= count:
        with pytest.raises(IndexError):
            read_status(raw, index, size)
    else:
        assert read_status(raw, index, size) == int(bits[index * size:(index + 1) * size], 2)
    assert decode_bitstring(encode_bitstring(raw)) == raw


# ---------------------------------------------------------------- each outcome, served from 127.0.0.1

@pytest.mark.parametrize(("case", "ok", "code", "words"), [
    ("just-revoked", True, "revoked", "Revoked by the issuer (as of 1 June 2026)."),
    ("list-expired", False, "status-unknown", "expired on 1 June 2026, so it was not used"),
    ("another-issuers-list", False, "status-unknown", "belongs to someone other than the credential's issuer"),
    ("forged-for-this-issuer", False, "status-unknown", "failed its check (signed with a key of did:key:"),
    ("index-out-of-range", True, "status-index-out-of-range", "places 0 to 131071 only"),
    ("not-a-status-list", False, "status-unknown", "it lacks the BitstringStatusListCredential type"),
    ("unreachable", False, "status-unknown", "refused the connection"),
    ("not-there", False, "status-unknown", "says the document is not there (error 404)"),
])
def test_each_outcome_from_a_real_server(store, tls, server, case, ok, code, words):
    """The boundaries, downloaded over HTTPS: only a genuine, current list of the issuer is kept and answers."""
    issuer, other = Issuer(), Issuer()
    url = server.url("/status/1")
    index = ENTRIES if case == "index-out-of-range" else 9
    lists = {
        "just-revoked": issuer.status_list(url, {9}),
        "list-expired": issuer.status_list(url, {9}, valid_until="2026-06-01T11:59:59Z"),  # a second before now
        "another-issuers-list": other.status_list(url, {9}),
        "forged-for-this-issuer": other.status_list(url, {9}, claimed_issuer=issuer.did),
        "index-out-of-range": issuer.status_list(url, {9}),
        "not-a-status-list": dict(issuer.status_list(url, {9}), type=["VerifiableCredential"]),
    }
    if case in lists:
        server.routes["/status/1"] = Route(body=json.dumps(lists[case]).encode())
    if case == "unreachable":
        url = url.replace(str(server.port), str(_closed_port()))
    cred = issuer.credential(url, index)
    svc = service(store, NOW, net=net_for(tls))
    [result] = svc.refresh([cred])
    assert result.ok is ok, result.message
    check = only(svc.check(cred, issuer.did))
    assert check.code == code and words in check.message, check.message
    assert check.outcome is (Outcome.FAILED if case == "just-revoked" else Outcome.UNKNOWN)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_dcc_list_without_its_type_is_refused_with_a_sentence(store, tls, server, interop):
    """DCC's legacy-missingTypeStatus fixture: its list, served as published, lacks the list type."""
    folder, manifest = _dcc(interop)
    [row] = [r for r in manifest["files"] if r["file"].endswith("missingBitStringType.json")]
    server.routes["/missing"] = Route(body=(folder / row["file"]).read_bytes())
    cred = json.loads((folder / "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json").read_text())
    url = server.url("/missing")
    cred["credentialStatus"]["statusListCredential"] = url
    svc = service(store, NOW, net=net_for(tls))
    [result] = svc.refresh([cred])
    assert not result.ok
    assert result.message == ("The document at that address does not say it is a status list: it lacks the "
                              "BitstringStatusListCredential type, so it was not used.")
    assert svc.cache.get(url) is None
    check = only(svc.check(cred, cred["issuer"]))
    assert check.outcome is Outcome.UNKNOWN and check.message.startswith("Status never checked: the try on 1 June")


# ---------------------------------------------------------------- a bad download never replaces a good list

@pytest.mark.parametrize(("case", "words"), [
    ("another-issuers-list", "belongs to someone other than the credential's issuer"),
    ("another-list", "says it is a different list"),
    ("expired", "expired on 1 June 2026"),
    ("not-yet-valid", "is not valid until 1 January 2027"),
    ("suspension-list", "is for suspension, not revocation"),
])
def test_a_refused_download_keeps_the_last_good_list(store, tls, server, case, words):
    """Day one: a good list says index 9 is revoked. Day two: a list that must not be
    believed arrives; it is refused with a sentence, and day one's answer stands, saying
    when the last good check was."""
    issuer, other = Issuer(), Issuer()
    url = server.url("/status/1")
    cred = issuer.credential(url, 9)
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {9})).encode())
    assert [r.ok for r in service(store, NOW - timedelta(days=1), net=net_for(tls)).refresh([cred])] == [True]
    bad = {
        "another-issuers-list": other.status_list(url),
        "another-list": issuer.status_list(server.url("/status/2")),
        "expired": issuer.status_list(url, valid_until="2026-06-01T11:00:00Z"),
        "not-yet-valid": _resigned(issuer, issuer.status_list(url), validFrom="2027-01-01T00:00:00Z"),
        "suspension-list": issuer.status_list(url, purpose="suspension"),
    }[case]
    server.routes["/status/1"] = Route(body=json.dumps(bad).encode())
    svc = service(store, NOW, net=net_for(tls))
    [result] = svc.refresh([cred])
    assert not result.ok and words in result.message and result.message.endswith("so it was not used.")
    assert svc.cache.get(url).fetched_at == NOW - timedelta(days=1)
    check = only(svc.check(cred, issuer.did))
    assert check.code == "revoked" and check.message.startswith("Revoked by the issuer (as of 31 May 2026).")
    assert "The check on 1 June 2026 could not be made; the last good check was on 31 May 2026." in check.message


def _resigned(issuer, doc, **changes):
    doc = {k: v for k, v in doc.items() if k != "proof"} | changes
    return sign(doc, issuer.key, issuer.vm, created=datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_a_statuslist2021_list_without_its_type_names_that_type(store, tls, server):
    issuer = Issuer()
    url = server.url("/status/2021")
    listed = dict(issuer.status_list(url), type=["VerifiableCredential"])
    server.routes["/status/2021"] = Route(body=json.dumps(listed).encode())
    [result] = service(store, NOW, net=net_for(tls)).refresh([issuer.credential(url, 1, entry_type="StatusList2021Entry")])
    assert not result.ok and "it lacks the StatusList2021Credential type" in result.message


def test_a_list_dated_in_the_future_is_refused_and_a_kept_one_does_not_pin(store):
    issuer = Issuer()
    url = "https://x.example/l"
    svc = service(store)
    with pytest.raises(MalformedCredential, match="still to come"):
        svc.accept(url, issuer.status_list(url, {1}), fetched_at=NOW + timedelta(days=30), source="file")
    # a copy kept with a date a year ahead (a machine whose clock was wrong) does not win over a real download
    svc.cache.put(CachedList(url, NOW + timedelta(days=365), "credential", issuer.status_list(url), "trust file"))
    svc.accept(url, issuer.status_list(url, {1}), fetched_at=NOW, source="network")
    assert svc.cache.get(url).fetched_at == NOW
    assert only(svc.check(issuer.credential(url, 1), issuer.did)).code == "revoked"


# ---------------------------------------------------------------- did:web issuers' lists

def _trust_data(store, tls, policy=NetworkPolicy.ASK, when=NOW):
    from wallet.trustdata import TrustData

    return TrustData(store, clock=fixed_clock(when), net=net_for(tls, policy))


def test_a_did_web_issuers_list_is_checked_on_the_first_refresh(store, tls, server):
    """Credential and list signed with the issuer's did:web key, nothing saved yet:
    one "Check status now" fetches the key and believes the list."""
    issuer = WebIssuer(server.did_host, "ou")
    url = server.url("/status/1")
    server.routes[issuer.path] = Route(body=json.dumps(issuer.did_document()).encode())
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {9})).encode())
    cred = issuer.credential(url, 9, signed=True)
    data = _trust_data(store, tls)
    report = data.refresh([cred])
    assert report.ok, report.message
    assert sorted(server.requests) == sorted([issuer.path, "/status/1"])
    assert only(data.status.check(cred, issuer.did)).message == "Revoked by the issuer (as of 1 June 2026)."


def test_a_list_signed_with_a_key_not_saved_fetches_it_in_the_same_refresh(store, tls, server):
    """An automatic check: the issuer's document saved two hours ago (so not fetched
    again for the credential) lacks the new key the list is now signed with."""
    from wallet.trust import DocumentRecord

    issuer = WebIssuer(server.did_host, "ou")
    new_key = WebIssuer(server.did_host, "ou", key_name="status-2026")
    url = server.url("/status/1")
    data = _trust_data(store, tls, NetworkPolicy.AUTOMATIC)
    data.trust.documents.put(DocumentRecord(issuer.did, "did-document", NOW - timedelta(hours=2), issuer.did_document()))
    server.routes[issuer.path] = Route(body=json.dumps(issuer.did_document(new_key)).encode())
    server.routes["/status/1"] = Route(body=json.dumps(new_key.status_list(url, {9}, claimed_issuer=issuer.did)).encode())
    cred = issuer.credential(url, 9, signed=True)
    report = data.refresh([cred], user_initiated=False, fresh_within=timedelta(days=1))
    assert report.ok, report.message
    assert server.requests == ["/status/1", issuer.path]
    assert only(data.status.check(cred, issuer.did)).code == "revoked"


def test_a_list_whose_key_cannot_be_fetched_says_so(store, tls, server):
    issuer = WebIssuer(server.did_host, "ou")
    url = server.url("/status/1")
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {9})).encode())
    cred = issuer.credential(url, 9)  # unsigned here: only the list needs the key
    data = _trust_data(store, tls)
    [result] = data.refresh([cred]).results
    assert not result.ok
    assert result.message.startswith("The key the status list from 127.0.0.1 is signed with could not be downloaded")
    assert "not there (error 404)" in result.message
    assert data.status.cache.get(url) is None


def test_a_list_signed_with_someone_elses_web_key_fetches_nothing_for_it(store, tls, server):
    """A list claiming the issuer but signed with another did:web identity's key: that
    key could not vouch for the list, so it is not fetched, and the list is refused."""
    issuer, stranger = WebIssuer(server.did_host, "ou"), WebIssuer(server.did_host, "elsewhere")
    url = server.url("/status/1")
    server.routes[stranger.path] = Route(body=json.dumps(stranger.did_document()).encode())
    server.routes["/status/1"] = Route(body=json.dumps(stranger.status_list(url, {9}, claimed_issuer=issuer.did)).encode())
    [result] = _trust_data(store, tls).refresh([issuer.credential(url, 9)]).results
    assert not result.ok and "failed its check" in result.message
    assert server.requests == ["/status/1"]
