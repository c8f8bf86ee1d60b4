"""Issuer registries over real HTTPS on 127.0.0.1: the DCC's list of registries, its
legacy lists, OpenID Federation registries asked issuer by issuer, and the answers
kept for offline checks."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.wallet.federation import DAY, Anchor
from tests.wallet.trust_servers import Route
from wallet.clock import fixed_clock
from wallet.net import NetClient, NetworkPolicy
from wallet.registries import Registries, parse_known_registries, update_message
from wallet.store import Store
from wallet.trust import FORMAT_DCC, FORMAT_OIDF, TrustError, TrustService
from wallet.verify.report import CheckName, Outcome, Status

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
LISTED = "did:web:oneuni.testuni.edu"
UNLISTED = "did:key:z6MkqBcwQ7qnRBRpgtsJQviLFeYxExMUE2k9nwKkMTF3DdRZ"
LEGACY_ISSUER = "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"


def service(store, tls, when=NOW, policy=NetworkPolicy.ASK) -> TrustService:
    net = NetClient(policy, ssl_context=tls.client_context(), timeout=2, deadline=5)
    return TrustService(store, net, fixed_clock(when))


def known_list(anchor: Anchor, server) -> list[dict]:
    """A list of registries in the DCC's published shape."""
    return [
        {"name": "Testland Federation", "type": "oidf", "governanceUrl": "https://testland.example/governance",
         "trustAnchorEC": anchor.configuration_url},
        {"name": "Testland Sandbox", "type": "dcc-legacy", "url": server.url("/sandbox/registry.json")},
        {"name": "Recognised bodies", "type": "vc-recognition", "url": server.url("/recognition.json"),
         "acceptedIssuers": ["did:web:ministry.example"]},
    ]


def serve_all(server, anchor: Anchor, when=NOW) -> None:
    anchor.serve(when, {LISTED: "OneUni University"})
    server.routes["/known.json"] = Route(body=json.dumps(known_list(anchor, server)).encode())
    server.routes["/sandbox/registry.json"] = Route(body=json.dumps(
        {"meta": {"updated": "2026-05-01"}, "registry": {LEGACY_ISSUER: {"name": "Public Test Issuer"}}}).encode())


def test_a_list_of_registries_is_added_downloaded_and_asked(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    trust = service(store, tls)
    added = Registries(trust).add(server.url("/known.json"), issuers=[LISTED, UNLISTED, LEGACY_ISSUER])
    assert [(r.name, r.format, r.loaded) for r in added] == [
        ("Testland Federation", FORMAT_OIDF, True), ("Testland Sandbox", FORMAT_DCC, True)]
    assert "/recognition.json" not in server.requests  # a type the wallet does not read is left out
    listed = trust.check(LISTED)
    assert (listed.outcome, listed.code) == (Outcome.PASSED, "issuer-listed")
    assert listed.message == "Issuer listed in Testland Federation as OneUni University (as of 1 June 2026)."
    assert trust.check(LEGACY_ISSUER).message.startswith("Issuer listed in Testland Sandbox as Public Test Issuer")
    missing = trust.check(UNLISTED)
    assert (missing.outcome, missing.code, missing.message) == (
        Outcome.WARNING, "issuer-unknown", "Issuer not in any registry you trust.")
    answer = trust.listings.get(anchor.configuration_url, UNLISTED)
    assert answer is not None and not answer.listed and answer.checked_at == NOW
    assert server.requests.count("/federation/.well-known/openid-federation") == 1


def test_the_listing_works_offline_until_its_statement_expires(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    Registries(service(store, tls)).add(anchor.configuration_url, issuers=[LISTED])
    server.httpd.shutdown()  # from here on nothing is online
    later = TrustService(store, None, fixed_clock(NOW + timedelta(hours=20)))
    assert later.check(LISTED).code == "issuer-listed"
    lapsed = TrustService(store, None, fixed_clock(NOW + DAY)).check(LISTED)
    assert (lapsed.outcome, lapsed.code) == (Outcome.WARNING, "issuer-listing-expired")
    assert lapsed.message == ("Issuer was listed in Testland Registry of Schools as OneUni University on 1 June 2026, "
                              "but that confirmation has expired; update registries to check again.")


def test_a_federation_added_by_its_address_is_named_as_it_names_itself(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    [reg] = Registries(service(store, tls)).add(anchor.configuration_url)
    assert (reg.name, reg.format, reg.loaded, reg.id) == ("Testland Registry of Schools", FORMAT_OIDF, True, anchor.configuration_url)
    [named] = Registries(service(store, tls)).add(anchor.configuration_url, name="My federation")
    assert named.name == "Testland Registry of Schools"  # already kept: added once, under its first name


@pytest.mark.parametrize(("forge", "words"), [
    (lambda a: a.statement(LISTED, "OneUni University", NOW, key=ec.generate_private_key(ec.SECP256R1())),
     "not signed with the registry's own key"),
    (lambda a: a.statement(LISTED, "OneUni University", NOW - timedelta(days=3)), "expired on 30 May 2026"),
    (lambda a: a.statement("did:web:other.example", "Other School", NOW), "different issuer"),
    (lambda a: a.statement(LISTED, "OneUni University", NOW, iss="https://127.0.0.1:1/impostor"), "not made by the registry"),
])
def test_bad_statements_are_never_a_listing(store, tls, server, forge, words):
    anchor = Anchor(server)
    serve_all(server, anchor)
    anchor.answer(LISTED, forge(anchor))
    trust = service(store, tls)
    registries = Registries(trust)
    registries.add(anchor.configuration_url)
    results = registries.update([LISTED])
    [bad] = [r for r in results if not r.ok]
    assert words in bad.message and bad.message.startswith("Testland Registry of Schools: ")
    assert trust.listings.get(anchor.configuration_url, LISTED) is None
    line = trust.check(LISTED)
    assert (line.outcome, line.code) == (Outcome.WARNING, "issuer-not-looked-up")
    assert line.message == ("Issuer not in any registry you trust so far; Testland Registry of Schools could not be "
                            "checked yet (use Update registries on the Trust page).")
    assert "could not be made" in update_message(results)


def test_a_forged_registry_description_stops_every_lookup(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    forged = anchor.sign({"iss": anchor.entity_id, "sub": anchor.entity_id, "iat": int(NOW.timestamp()),
                          "exp": int((NOW + DAY).timestamp()), "jwks": anchor.jwks(),
                          "metadata": {"federation_entity": {"federation_fetch_endpoint": anchor.fetch_endpoint}}},
                         key=ec.generate_private_key(ec.SECP256R1()))
    anchor.serve_configuration(forged)
    trust = service(store, tls)
    [reg] = Registries(trust).add(anchor.configuration_url, issuers=[LISTED])
    assert not reg.loaded
    assert not any(path.startswith("/federation/fetch") for path in server.requests)
    assert trust.check(LISTED).code == "issuer-not-looked-up"


def test_a_failed_lookup_keeps_the_last_good_answer(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    Registries(service(store, tls)).add(anchor.configuration_url, issuers=[LISTED])
    server.routes[anchor.fetch_path(LISTED)] = Route(503)
    later = service(store, tls, when=NOW + timedelta(hours=2))
    [ok, failed] = Registries(later).update([LISTED])
    assert ok.ok and not failed.ok and "error 503" in failed.message
    assert later.check(LISTED).message.endswith("(as of 1 June 2026).")


def test_automatic_checks_ask_again_only_after_a_day(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    Registries(service(store, tls)).add(server.url("/known.json"), issuers=[LISTED])
    asked = len(server.requests)
    soon = Registries(service(store, tls, when=NOW + timedelta(hours=3), policy=NetworkPolicy.AUTOMATIC))
    assert soon.update([LISTED], user_initiated=False, fresh_within=DAY) == [] and len(server.requests) == asked
    anchor.serve(NOW + DAY, {LISTED: "OneUni University"})
    tomorrow = service(store, tls, when=NOW + DAY, policy=NetworkPolicy.AUTOMATIC)
    results = Registries(tomorrow).update([LISTED], user_initiated=False, fresh_within=DAY)
    assert all(r.ok for r in results) and len(results) == 3  # the federation, one answer, the legacy list
    assert tomorrow.check(LISTED).message.endswith("(as of 2 June 2026).")


@pytest.mark.parametrize("policy", [NetworkPolicy.NEVER, NetworkPolicy.ASK])
def test_nothing_connects_when_the_setting_says_no(store, tls, server, policy):
    anchor = Anchor(server)
    serve_all(server, anchor)
    trust = service(store, tls, policy=policy)
    trust.keep_registry(parse_known_registries_into(anchor))
    [refused] = Registries(trust).update([LISTED], user_initiated=False)
    assert not refused.ok and refused.url == "" and server.requests == []
    assert update_message([refused]) == refused.message


def parse_known_registries_into(anchor: Anchor):
    from wallet.trust import Registry

    [entry] = parse_known_registries([{"name": "Fed", "type": "oidf", "trustAnchorEC": anchor.configuration_url}])
    return Registry(entry.url, entry.name, FORMAT_OIDF, (), NOW, entry.url, loaded=False)


def test_a_list_of_registries_from_a_file_offline_waits_for_an_update(store, tls, server, tmp_path):
    anchor = Anchor(server)
    serve_all(server, anchor)
    path = tmp_path / "known-did-registries.json"
    path.write_text(json.dumps(known_list(anchor, server)))
    offline = service(store, tls, policy=NetworkPolicy.NEVER)
    added = Registries(offline).add(str(path), issuers=[LISTED])
    assert [(r.name, r.loaded) for r in added] == [("Testland Federation", False), ("Testland Sandbox", False)]
    assert server.requests == []
    assert offline.check(LISTED).message == ("Issuer not in any registry you trust so far; 2 of them could not be "
                                             "checked yet (use Update registries on the Trust page).")
    online = service(store, tls)
    assert all(r.ok for r in Registries(online).update([LISTED]))
    assert online.check(LISTED).code == "issuer-listed" and all(r.loaded for r in online.registries())


def test_removing_a_federation_forgets_its_answers(store, tls, server):
    anchor = Anchor(server)
    serve_all(server, anchor)
    trust = service(store, tls)
    Registries(trust).add(anchor.configuration_url, issuers=[LISTED, UNLISTED])
    assert len(trust.listings.all()) == 2
    assert trust.remove_registry(anchor.configuration_url)
    assert trust.listings.all() == [] and trust.check(LISTED).code == "no-registries"


@pytest.mark.parametrize(("data", "words"), [
    ([{"type": "oidf", "trustAnchorEC": "https://a.example/.well-known/openid-federation"}], "has no name"),
    ([{"name": "Plain", "type": "dcc-legacy", "url": "http://a.example/r.json"}], "no https address"),
    ([{"name": "Only recognition", "type": "vc-recognition", "url": "https://a.example/r"}], "names no registry"),
])
def test_bad_lists_of_registries_say_what_is_wrong(data, words):
    with pytest.raises(TrustError, match=words):
        parse_known_registries(data)


def test_the_oldest_list_shape_has_no_types():
    [entry] = parse_known_registries([{"name": "DCC Sandbox Registry", "url": "https://d.example/registry.json"}])
    assert (entry.type, entry.url) == ("dcc-legacy", "https://d.example/registry.json")
    assert parse_known_registries([1, 2, 3]) is None and parse_known_registries({"registry": {}}) is None


# ---------------------------------------------------------------- in a wallet, and on a trust file

def open_data(path, tls, when=NOW, policy=NetworkPolicy.ASK):
    from wallet.trustdata import TrustData

    store = Store.open(path, os.urandom(32))
    net = NetClient(policy, ssl_context=tls.client_context(), timeout=2, deadline=5)
    return store, TrustData(store, clock=fixed_clock(when), net=net)


def test_federation_answers_travel_on_the_trust_file(tls, server, tmp_path):
    from dataclasses import replace

    anchor = Anchor(server)
    serve_all(server, anchor)
    school_store, school = open_data(tmp_path / "school.sqlite3", tls)
    learner_store, learner = open_data(tmp_path / "learner.sqlite3", tls, NOW + timedelta(hours=2), NetworkPolicy.NEVER)
    try:
        school.registries.add(anchor.configuration_url, issuers=[LISTED, UNLISTED])
        good = school.trust.listings.get(anchor.configuration_url, LISTED)
        forged = anchor.statement("did:web:forged.example", "Diploma Mill", NOW, key=ec.generate_private_key(ec.SECP256R1()))
        school.trust.listings.put(replace(good, issuer="did:web:forged.example", name="Diploma Mill", statement=forged))
        learner.trust.listings.put(replace(good, issuer=UNLISTED, listed=False, name="", checked_at=NOW + timedelta(hours=1)))
        path = tmp_path / "stick" / "trust.json"
        assert school.files.export(path, label="Testland school")["registryListings"] == 3
        summary = learner.files.import_file(path, trust_signer=True)
        assert [(r.what, r.message) for r in summary.rejected] == [(
            f"did:web:forged.example in {anchor.configuration_url}",
            "The registry's statement is not signed with the registry's own key, so it was not believed.")]
        assert (summary.added, summary.kept_newer) == (2, 1)  # the registry and one answer; the learner's answer is newer
        line = learner.trust.check(LISTED)
        assert line.message == "Issuer listed in Testland Registry of Schools as OneUni University (as of 1 June 2026)."
        assert learner.trust.listings.get(anchor.configuration_url, LISTED).source.startswith("trust file Testland school")
        assert learner.trust.check("did:web:forged.example").code == "issuer-not-looked-up"
        assert learner.trust.listings.get(anchor.configuration_url, UNLISTED).checked_at == NOW + timedelta(hours=1)
        items = {i.title: i.detail for i in learner.items() if i.kind == "registry-listing"}
        assert items == {"OneUni University": f"{LISTED}: listed in Testland Registry of Schools until 2 June 2026",
                         UNLISTED: "not listed in Testland Registry of Schools"}
    finally:
        school_store.close()
        learner_store.close()


# The DCC's test credentials are named after the registries that list their issuers:
# oidf-* (a federation), legacyRegistry-* (a legacy list), noRegistry-* (neither).
DCC_FIXTURES = "vectors/digitalcredentials__vc-test-fixtures/v1/dataIntegrityProof/didKey"
OIDF_ISSUER = "did:key:z6MkjoriXdbyWD25YXTed114F8hdJrLXQ567xxPHAUKxpKkS"


def test_dcc_fixtures_are_judged_by_the_registries_that_list_them(wallet, tls, server, interop):
    wallet.clock = fixed_clock(NOW)  # before the wallet's trust data is first used
    anchor = Anchor(server, name="Test DCC Member Registry")
    serve_all(server, anchor)
    anchor.answer(OIDF_ISSUER, anchor.statement(OIDF_ISSUER, "DCC Test Issuer", NOW))
    held = {}
    for name in ("oidf-noStatus-noExpiry", "legacyRegistry-noStatus-noExpiry-OBSpecExample", "noRegistry-noStatus-noExpiry"):
        [held[name.split("-")[0]]] = wallet.import_bytes((interop / DCC_FIXTURES / f"{name}.json").read_bytes(),
                                                        name=f"{name}.json").added
    policy = {"value": NetworkPolicy.ASK}
    wallet.trust_data.use_network(NetClient(lambda: policy["value"], ssl_context=tls.client_context(), timeout=2, deadline=5))
    wallet.trust_data.registries.add(server.url("/known.json"))  # no issuers given: nobody asked yet
    assert wallet.verify(held["oidf"].id).check(CheckName.TRUST).code == "issuer-not-looked-up"

    before = len(server.requests)
    assert not wallet.refresh_trust(user_initiated=False, fresh_within=DAY).attempted  # "only when I ask"
    assert len(server.requests) == before
    policy["value"] = NetworkPolicy.AUTOMATIC
    done = wallet.refresh_trust(user_initiated=False, fresh_within=DAY)
    assert done.ok, [r.message for r in done.results]
    lines = {kind: wallet.report(cred.id).check(CheckName.TRUST) for kind, cred in held.items()}
    assert lines["oidf"].message == "Issuer listed in Testland Federation as DCC Test Issuer (as of 1 June 2026)."
    assert lines["legacyRegistry"].code == "issuer-listed" and "Testland Sandbox" in lines["legacyRegistry"].message
    assert (lines["noRegistry"].code, lines["noRegistry"].outcome) == ("issuer-unknown", Outcome.WARNING)
    assert wallet.report(held["noRegistry"].id).status is Status.WARNINGS
    assert wallet.report(held["oidf"].id).status is Status.VERIFIED


def test_no_registry_is_a_neutral_line_not_a_tick(wallet, interop):
    [held] = wallet.import_bytes((interop / DCC_FIXTURES / "noRegistry-noStatus-noExpiry.json").read_bytes(),
                                 name="n.json").added
    report = wallet.verify(held.id)
    line = report.check(CheckName.TRUST)
    assert (line.outcome, line.code) == (Outcome.INFO, "no-registries")
    assert line.message == "Issuer not checked against any registry: you have not added one yet (see Trust)."
    assert report.status is Status.VERIFIED  # neither a tick for the issuer nor a warning for the credential



class CountingStore:
    """A wallet's store that counts how often credentials are read (each read decrypts)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = 0

    def __getattr__(self, name: str):
        if name in ("credentials", "get", "find", "children"):
            self.reads += 1
        return getattr(self._store, name)


def test_one_refresh_reads_checks_and_announces_once(tls, server, tmp_path):
    """The automatic check (status lists, keys, then registries) is one pass: the
    credentials are read once, each is checked again once, and the Trust page and the
    Stacks page hear of the change once."""
    import datetime as dt

    from tests.wallet.trust_servers import Issuer
    from wallet.service import Wallet
    from wallet.verify.sign import sign

    issuer = Issuer()
    url = server.url("/status/1")
    server.routes["/status/1"] = Route(body=json.dumps(issuer.status_list(url, {1})).encode())
    server.routes["/registry.json"] = Route(body=json.dumps(
        {"meta": {"updated": "2026-05-01"}, "registry": {issuer.did: {"name": "Status Test School"}}}).encode())
    unlisted = {k: v for k, v in issuer.credential(url, 2).items() if k != "credentialStatus"}
    store = CountingStore(Store.open(tmp_path / "w.sqlite3", os.urandom(32)))
    wallet = Wallet(tmp_path, store, clock=fixed_clock(NOW))
    try:
        [revoked] = wallet.import_bytes(json.dumps(issuer.credential(url, 1, signed=True)).encode(), name="r.json").added
        [no_status] = wallet.import_bytes(json.dumps(sign(unlisted, issuer.key, issuer.vm, created=dt.datetime(
            2026, 1, 1, tzinfo=dt.timezone.utc))).encode(), name="n.json").added
        wallet.trust_data.use_network(NetClient(NetworkPolicy.AUTOMATIC, ssl_context=tls.client_context(),
                                                timeout=2, deadline=5))
        wallet.trust_data.registries.add(server.url("/registry.json"))
        announced, checked = [], []
        wallet.events.trust_changed.connect(lambda: announced.append(1))
        wallet.events.verification_finished.connect(lambda cred_id, _report: checked.append(cred_id))
        store.reads = 0

        report = wallet.refresh_trust(user_initiated=False)
        assert report.ok, report.message
        assert sorted(r.message for r in report.results) == [
            "127.0.0.1: 1 issuer.", "Status list downloaded on 1 June 2026."]
        assert (store.reads, len(announced)) == (1, 1)
        assert sorted(checked) == sorted([revoked.id, no_status.id])
        assert wallet.report(revoked.id).check(CheckName.STATUS).code == "revoked"
        assert wallet.report(no_status.id).check(CheckName.TRUST).code == "issuer-listed"
    finally:
        wallet.close()
