"""did:web and key documents over real HTTPS, spoofing attempts, issuer registries."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.wallet.trust_servers import Route
from wallet.clock import fixed_clock
from wallet.errors import InputError, InputTooLarge, NetworkError
from wallet.net import NetClient, NetworkPolicy
from wallet.registries import Registries
from wallet.trust import TrustError, TrustService, did_web_url, parse_registry
from wallet.trustdata import TrustData
from wallet.verify import Status, VerifyEnvironment, verify_credential
from wallet.verify.keys import multikey_encode
from wallet.verify.report import Check, CheckName, Outcome
from wallet.verify.sign import sign

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
V2 = "https://www.w3.org/ns/credentials/v2"



def trust(store, tls=None, policy=NetworkPolicy.ASK, when=NOW) -> TrustService:
    net = NetClient(policy, ssl_context=tls.client_context(), timeout=2, deadline=5) if tls else None
    return TrustService(store, net, fixed_clock(when))


def did_document(did: str, key: Ed25519PrivateKey, *, assertion=True, doc_id=None) -> dict:
    vm = f"{did}#key-1"
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": doc_id or did,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": did,
                                "publicKeyMultibase": multikey_encode(key.public_key())}],
        "authentication": [vm],
    }
    if assertion:
        doc["assertionMethod"] = [vm]
    return doc


def credential_by(did: str, key: Ed25519PrivateKey) -> dict:
    doc = {"@context": [V2], "id": "urn:uuid:5b7f8d1e-3a4c-4f7e-9a2b-0c1d2e3f4a5b",
           "type": ["VerifiableCredential"], "issuer": did, "validFrom": "2026-01-01T00:00:00Z",
           "credentialSubject": {"id": "did:example:learner"}}
    return sign(doc, key, f"{did}#key-1", created=datetime(2026, 1, 1, tzinfo=timezone.utc))


# ---------------------------------------------------------------- did:web addresses

@pytest.mark.parametrize(("did", "url"), [
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
])
def test_did_web_addresses(did, url):
    assert did_web_url(did) == url


@pytest.mark.parametrize("did", ["did:web:", "did:web:a.example::x", "did:key:z6Mk", "did:web:evil.example%2Fx"])
def test_bad_did_web(did):
    with pytest.raises(TrustError):
        did_web_url(did)


# ---------------------------------------------------------------- resolving

def test_did_web_resolved_cached_and_dated(store, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    server.routes["/issuers/ou/did.json"] = Route(body=json.dumps(did_document(did, key)).encode())
    service = trust(store, tls)
    record = service.resolve_for_proof(f"{did}#key-1")
    assert record.url == did and record.fetched_at == NOW
    cached = service.documents.lookup(f"{did}#key-1")
    assert cached is not None and cached.document["id"] == did and cached.fetched_at == NOW
    assert service.documents.lookup("did:web:elsewhere.example") is None


def test_id_mismatch_is_refused(store, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    spoof = did_document(did, key, doc_id="did:web:university.example")
    server.routes["/issuers/ou/did.json"] = Route(body=json.dumps(spoof).encode())
    service = trust(store, tls)
    with pytest.raises(TrustError, match="different identity"):
        service.resolve(did)
    assert service.documents.lookup(did) is None


def test_redirect_to_another_host_is_refused(store, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    server.routes["/issuers/ou/did.json"] = Route(302, headers={"Location": server.url("/attacker/did.json", host="localhost")})
    server.routes["/attacker/did.json"] = Route(body=json.dumps(did_document(did, key)).encode())
    service = trust(store, tls)
    with pytest.raises(NetworkError, match="another site"):
        service.resolve(did)
    assert service.documents.lookup(did) is None
    assert "/attacker/did.json" not in server.requests


def test_key_not_listed_for_assertion_is_refused(store, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    server.routes["/issuers/ou/did.json"] = Route(body=json.dumps(did_document(did, key, assertion=False)).encode())
    service = trust(store, tls)
    with pytest.raises(TrustError, match="does not list this key"):
        service.resolve_for_proof(f"{did}#key-1")
    assert service.documents.lookup(did) is None


def test_https_key_document(store, tls, server):
    url = server.url("/issuers/565049")
    key = Ed25519PrivateKey.generate()
    server.routes["/issuers/565049"] = Route(body=json.dumps({"id": url, "type": "Profile", "name": "Test"}).encode())
    service = trust(store, tls)
    assert service.resolve_for_proof(f"{url}#{multikey_encode(key.public_key())}").url == url
    assert service.documents.lookup(url + "#k").document["name"] == "Test"
    server.routes["/other"] = Route(body=json.dumps({"id": "https://elsewhere.example/other"}).encode())
    with pytest.raises(TrustError):
        service.resolve(server.url("/other"))


def test_a_separate_key_document_brings_its_issuers_profile_and_then_verifies(store, tls, server):
    """A key document names its controller; the controller's own profile (same host) is
    fetched as well, since only its listing makes the key the issuer's."""
    key = Ed25519PrivateKey.generate()
    issuer, vm = server.url("/issuer"), server.url("/keys/1")
    server.routes["/keys/1"] = Route(body=json.dumps({
        "id": vm, "type": "Multikey", "controller": issuer, "publicKeyMultibase": multikey_encode(key.public_key()),
    }).encode())
    server.routes["/issuer"] = Route(body=json.dumps({"id": issuer, "type": "Profile", "assertionMethod": [vm]}).encode())
    doc = {"@context": [V2], "id": "urn:uuid:5b7f8d1e-3a4c-4f7e-9a2b-0c1d2e3f4a5c", "type": ["VerifiableCredential"],
           "issuer": issuer, "validFrom": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"}}
    cred = sign(doc, key, vm, created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    service = trust(store, tls)
    service.resolve_for_proof(vm)
    assert {r.url for r in service.documents.all()} == {vm, issuer}
    report = verify_credential(cred, VerifyEnvironment(clock=fixed_clock(NOW), documents=service.documents))
    assert report.status is Status.VERIFIED, report.checks


def test_network_never_resolves_nothing(store, tls, server):
    did = f"did:web:{server.did_host}"
    with pytest.raises(NetworkError, match="turned off"):
        trust(store, tls, NetworkPolicy.NEVER).resolve(did)
    assert server.requests == []


def test_did_web_credential_verifies_offline_once_cached(store, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    server.routes["/issuers/ou/did.json"] = Route(body=json.dumps(did_document(did, key)).encode())
    cred = credential_by(did, key)
    net = NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2, deadline=5)
    data = TrustData(store, clock=fixed_clock(NOW), net=net)
    env = VerifyEnvironment(clock=fixed_clock(NOW), documents=data.documents)
    assert verify_credential(cred, env).status is Status.OFFLINE
    report = data.refresh([cred])
    assert report.ok, report.message
    server.httpd.shutdown()  # from here on, nothing is online
    checked = verify_credential(cred, env)
    assert checked.status is Status.VERIFIED, checked.checks
    assert checked.check(CheckName.SIGNATURE).outcome is Outcome.PASSED
    assert checked.check(CheckName.ISSUER_KEY).message == (
        "Signed with the issuer's key, listed in its DID document saved on 1 June 2026.")


def test_spoofed_did_web_key_does_not_verify(store, tls, server):
    """A document listing another key for the DID (served by an attacker at the right
    address but with the wrong id) is never cached, so the credential stays unverified."""
    key, attacker = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:ou"
    server.routes["/issuers/ou/did.json"] = Route(body=json.dumps(did_document(did, attacker, doc_id=did + ":x")).encode())
    cred = credential_by(did, attacker)
    net = NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2, deadline=5)
    data = TrustData(store, clock=fixed_clock(NOW), net=net)
    assert not data.refresh([cred]).ok
    report = verify_credential(cred, VerifyEnvironment(clock=fixed_clock(NOW), documents=data.documents))
    assert report.status is not Status.VERIFIED
    assert key is not attacker


# ---------------------------------------------------------------- registries

DCC = {
    "meta": {"created": "2022-10-27T17:57:31+00:00", "updated": "2025-03-12T16:20:00+00:00"},
    "registry": {
        "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q": {
            "name": "Public Test Issuer", "location": "Everywhere", "url": "https://dcconsortium.org"},
        "did:web:participate.community": {"name": "Participate, Inc", "url": "https://www.participate.com"},
    },
}
OWN = {"type": "LearnerWalletIssuerRegistry", "version": 1, "name": "Testland Qualifications Register",
       "url": "https://register.testland.example/issuers.json", "updated": "2026-05-01",
       "issuers": [{"id": "did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy",
                    "name": "Open University of Testland", "url": "https://ou.example.org"}]}


def test_dcc_registry_match_and_miss(store, tmp_path):
    path = tmp_path / "sandbox-registry.json"
    path.write_text(json.dumps(DCC))
    service = trust(store)
    [reg] = Registries(service).add(str(path), name="DCC Sandbox Registry")
    assert (reg.format, reg.updated, len(reg.entries)) == ("dcc", "2025-03-12T16:20:00+00:00", 2)
    hit = service.check("did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q")
    assert hit.outcome is Outcome.PASSED
    assert hit.message == "Issuer listed in DCC Sandbox Registry as Public Test Issuer (registry copy of 1 June 2026)."
    miss = service.check("did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy")
    assert (miss.outcome, miss.code, miss.message) == (Outcome.WARNING, "issuer-unknown", "Issuer not in any registry you trust.")


def test_unknown_did_web_issuer_names_its_domain(store):
    service = trust(store)
    service.keep_registry(parse_registry(DCC, name="DCC Sandbox Registry", fetched_at=NOW))
    check = service.check("did:web:credentials.unknown-school.example:issuers:1")
    assert check.outcome is Outcome.WARNING
    assert check.message == ("Issuer not in any registry you trust "
                             "(its identity is tied to the web address credentials.unknown-school.example).")


def test_own_format_registry_from_the_web_and_its_update(store, tls, server):
    server.routes["/issuers.json"] = Route(body=json.dumps(OWN).encode())
    service = trust(store, tls)
    [reg] = Registries(service).add(server.url("/issuers.json"))
    assert reg.name == "Testland Qualifications Register" and reg.source_url == server.url("/issuers.json")
    assert service.check("did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy").message == \
        "Issuer listed in Testland Qualifications Register as Open University of Testland (registry copy of 1 June 2026)."
    newer = dict(OWN, issuers=OWN["issuers"] + [{"id": "did:web:new.example", "name": "New College"}])
    server.routes["/issuers.json"] = Route(body=json.dumps(newer).encode())
    later = trust(store, tls, when=NOW + timedelta(days=3))
    [result] = Registries(later).update()
    assert result.ok and result.message == "Testland Qualifications Register: 2 issuers."
    assert later.registries()[0].fetched_at == NOW + timedelta(days=3)
    assert later.check("did:web:new.example").outcome is Outcome.PASSED
    assert len(later.registries()) == 1


def test_learners_own_trusted_issuers(store):
    service = trust(store)
    service.add_trusted_issuer("did:key:z6MkgXGtrngV1QUBr1z2TSrmdyhMLgTmMzKRFfP97KXbdga7", "Quality Agency")
    check = service.check("did:key:z6MkgXGtrngV1QUBr1z2TSrmdyhMLgTmMzKRFfP97KXbdga7")
    assert (check.outcome, check.code) == (Outcome.PASSED, "trusted-by-you") and "Quality Agency" in check.message
    with pytest.raises(InputError):
        service.add_trusted_issuer("not an issuer")
    assert service.check("did:key:z6MkrqtLEHWXRrgixsq4Wf5rQUeGv3Q7PLoxCijZwDe87cDy").code == "issuer-unknown"
    assert service.remove_trusted_issuer("did:key:z6MkgXGtrngV1QUBr1z2TSrmdyhMLgTmMzKRFfP97KXbdga7")
    assert service.check("did:key:z6MkgXGtrngV1QUBr1z2TSrmdyhMLgTmMzKRFfP97KXbdga7").code == "no-registries"


@pytest.mark.parametrize(("data", "words"), [
    ([], "not an issuer registry"),
    ({"hello": 1}, "not an issuer registry the wallet can read"),
    ({"type": "LearnerWalletIssuerRegistry", "version": 1}, "no list of issuers"),
    ({"type": "LearnerWalletIssuerRegistry", "version": 1, "issuers": [{"name": "x"}]}, "has no identifier"),
    ({"type": "LearnerWalletIssuerRegistry", "version": 9, "issuers": []}, "newer version"),
])
def test_bad_registries_say_what_is_wrong(data, words):
    with pytest.raises(TrustError, match=words):
        parse_registry(data, fetched_at=NOW)


def test_registry_file_that_is_not_json(store, tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(b"%PDF-1.7")
    with pytest.raises(TrustError, match="^This registry file is not valid JSON, so it cannot be read as an issuer registry"):
        Registries(trust(store)).add(str(path))
    path.write_bytes(b'{"registry": {' + b", ".join(b'"did:example:%d": {}' % i for i in range(200_001)) + b"}}")
    with pytest.raises(InputTooLarge, match="^This registry file is made of far more parts than any issuer registry"):
        Registries(trust(store)).add(str(path))
    assert trust(store).registries() == []
    with pytest.raises(InputError, match="no file"):
        Registries(trust(store)).add(str(tmp_path / "missing.json"))


def test_trust_line_in_a_full_report(store, interop):
    """The verifier adds the trust line; an unknown issuer is a warning, not a failure.

    Decided here: before the learner has added any registry or trusted issuer, the line
    says so as information, neither a tick nor a warning (otherwise every credential
    would read "with warnings" and the warning would mean nothing); once they have, an
    issuer outside them warns.
    """
    doc = json.loads((interop / "peer-vcjs" / "status" / "not-revoked.json").read_text())
    service = trust(store)

    class NotRevoked:  # the status line is another test's business
        def check(self, credential, issuer_id):
            return [Check(CheckName.STATUS, Outcome.PASSED, "Not revoked.")]

    def env():
        return VerifyEnvironment(clock=fixed_clock(NOW), trust=service, status=NotRevoked())

    report = verify_credential(doc, env())
    assert report.check(CheckName.TRUST).code == "no-registries" and report.status is Status.VERIFIED
    assert report.check(CheckName.TRUST).outcome is Outcome.INFO  # no tick: nothing was checked
    service.keep_registry(parse_registry(DCC, name="DCC Sandbox Registry", fetched_at=NOW))
    report = verify_credential(doc, env())
    assert report.check(CheckName.TRUST).code == "issuer-unknown" and report.status is Status.WARNINGS
    assert report.check(CheckName.TRUST).outcome is Outcome.WARNING
    service.keep_registry(parse_registry(OWN, fetched_at=NOW))
    report = verify_credential(doc, env())
    assert report.check(CheckName.TRUST).outcome is Outcome.PASSED and report.status is Status.VERIFIED


def _jwt(header: dict, payload: dict, key: Ed25519PrivateKey) -> str:
    import base64

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return signing_input + "." + b64(key.sign(signing_input.encode()))


def test_did_web_jwt_credential_key_is_fetched_by_refresh(wallet, tls, server):
    key = Ed25519PrivateKey.generate()
    did = f"did:web:{server.did_host}:issuers:jwt"
    server.routes["/issuers/jwt/did.json"] = Route(body=json.dumps(did_document(did, key)).encode())
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "issuer": did, "issuanceDate": "2026-01-01T00:00:00Z", "credentialSubject": {"id": "did:example:learner"}}
    token = _jwt({"alg": "EdDSA", "typ": "JWT", "kid": f"{did}#key-1"},
                 {"iss": did, "nbf": 1767225600, "jti": "urn:uuid:1", "sub": "did:example:learner", "vc": vc}, key)
    [held] = wallet.import_bytes(token.encode(), name="badge.jwt").added
    assert wallet.verify(held.id).status is Status.OFFLINE
    wallet.trust_data.use_network(NetClient(NetworkPolicy.ASK, ssl_context=tls.client_context(), timeout=2, deadline=5))
    assert wallet.trust_data.needs_network(held)
    result = wallet.refresh_status([held.id])
    assert result.ok and server.requests == ["/issuers/jwt/did.json"], result.message
    report = wallet.report(held.id)
    assert report.status is Status.VERIFIED, report.checks


# The DCC community registry as it is published (registry.json in digitalcredentials/
# community-registry, and the sandbox registry its issuer-registry client tests against):
# byte layout, key order and the optional fields as there, including an entry that has
# only a name. Served from 127.0.0.1 as the wallet would download it.
DCC_PUBLISHED = b"""{
  "meta":{
    "created":"2022-10-27T17:57:31+00:00",
    "updated":"2022-10-27T17:57:31+00:00"
  },
  "registry":{
    "did:key:z6MkpLDL3RoAoMRTwTgo3rs39ZwssfaPKtGdZw7AGRN7CK4W":{
      "name":"My University",
      "location":"Cambridge, MA, USA",
      "url":"https://digitalcredentials.mit.edu"
    },
    "did:web:credentials.myschool.ca":{
      "name":"My School",
      "location":"Ancaster, ON, Canada",
      "url":"https://some.domain.ca"
    },
    "did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc-9168-4563-9352-8725936d5231":{
      "name":"Credly Test OBv3 PM"
    },
    "did:key:z6MktiSzqF9kqwdU8VkdBKx56EYzXfpgnNPUAGznpicNiWfn":{
      "name":"JFF Plugfest 2 Test Issuer",
      "location":"USA",
      "url":"https://w3c-ccg.github.io/vc-ed/plugfest-2-2022/"
    }
  }
}
"""


def test_the_published_dcc_registry_downloaded_matches_and_misses(store, tls, server):
    server.routes["/registry.json"] = Route(body=DCC_PUBLISHED, headers={"Content-Type": "application/json"})
    service = trust(store, tls)
    [reg] = Registries(service).add(server.url("/registry.json"), name="DCC Community Registry")
    assert (reg.format, reg.source, reg.updated, len(reg.entries)) == ("dcc", "network", "2022-10-27T17:57:31+00:00", 4)
    school = reg.find("did:web:credentials.myschool.ca")
    assert (school.name, school.location, school.url) == ("My School", "Ancaster, ON, Canada", "https://some.domain.ca")
    name_only = service.check("did:web:www.credly.com:api:v1:obi:v3:issuers:ede32dcc-9168-4563-9352-8725936d5231")
    assert name_only.message == ("Issuer listed in DCC Community Registry as Credly Test OBv3 PM "
                                 "(registry copy of 1 June 2026).")
    # a near miss (the same host, another path) is not a match
    near = service.check("did:web:credentials.myschool.ca:issuers:2")
    assert (near.outcome, near.code) == (Outcome.WARNING, "issuer-unknown")
    assert near.message.startswith("Issuer not in any registry you trust")
    # without a name given, the registry is called by the host it came from
    [other] = Registries(trust(store, tls)).add(server.url("/registry.json"))
    assert other.name == "127.0.0.1"


def test_a_registry_file_is_called_by_its_own_name_else_the_file_name(store, tmp_path):
    own = tmp_path / "testland-register.json"
    own.write_text(json.dumps(OWN))
    dcc = tmp_path / "sandbox-registry.json"
    dcc.write_text(json.dumps(DCC))
    registries = Registries(trust(store))
    assert registries.add(str(own))[0].name == "Testland Qualifications Register"
    assert registries.add(str(dcc))[0].name == "sandbox-registry"  # DCC files carry no name
    assert registries.add(str(own), name="My list")[0].name == "My list"
