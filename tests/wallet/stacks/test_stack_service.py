"""Stored definitions: added from a file or from a signed credential, listed, removed."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

import resources
from tests.wallet.stacks.conftest import FIXTURES
from wallet.demo import DemoIssuer, load_catalogue, load_keys
from wallet.errors import NotFound, StackDefinitionError

HOLDER = "did:key:z6MkfrQzp1wA1yDmuzW4sgTdUyKo2MxntxokoPzYAn2EmqYA"


@pytest.fixture
def issuer() -> DemoIssuer:
    return DemoIssuer(load_catalogue(), load_keys(), HOLDER, datetime(2026, 1, 5, tzinfo=timezone.utc))


def _ladder() -> dict:
    return json.loads(resources.path("stacks", "data-skills-certificate.json").read_text())


def test_a_signed_definition_is_verified_and_its_publisher_shown(wallet, issuer):
    signed = issuer.signed_stack(_ladder())
    events = []
    wallet.events.stacks_changed.connect(lambda: events.append(1))
    stack = wallet.stacks.add_bytes(json.dumps(signed).encode(), name="ladder.vc.json")
    assert stack.signed and stack.origin == "credential"
    assert stack.publisher == "Riverbend Open College (demo issuer)"
    assert stack.signature_note == "Signed by Riverbend Open College (demo issuer); the signature was checked."
    assert stack.definition.name == "Certificate in Data Skills (demo)"
    assert events == [1]


def test_a_definition_signed_by_a_key_not_shown_to_be_the_issuers_does_not_claim_a_publisher(wallet, issuer):
    from wallet.verify.sign import sign

    signed = issuer.signed_stack(_ladder())
    del signed["proof"]
    signed["issuer"] = {"id": "urn:uuid:0b6e0a52-1f7e-4d8c-9a55-3c2f4e8d1a10", "name": "Riverbend Open College"}
    key = issuer.key_of("college")
    signed = sign(signed, key.private_key, key.verification_method, created=datetime(2026, 1, 5, tzinfo=timezone.utc))
    stack = wallet.stacks.add_bytes(json.dumps(signed).encode())
    assert not stack.signature_note.startswith("Signed by")
    assert "not confirmed" in stack.signature_note


def test_a_tampered_signed_definition_is_refused(wallet, issuer):
    signed = issuer.signed_stack(_ladder())
    signed["credentialSubject"]["stackDefinition"]["requirement"]["all"][3]["credits"] = 1  # easier electives
    with pytest.raises(StackDefinitionError) as err:
        wallet.stacks.add_bytes(json.dumps(signed).encode())
    assert err.value.message == "This stack definition's signature does not hold, so it was not added."
    assert wallet.stacks.stored() == []


def test_a_credential_without_a_definition_is_refused(wallet, interop):
    data = (interop / "peer-vcjs/stack/ou-cs-1.json").read_bytes()
    with pytest.raises(StackDefinitionError) as err:
        wallet.stacks.add_bytes(data)
    assert err.value.message == "This is a credential, not a stack definition: it carries no stack definition."


def test_list_get_by_part_and_remove(wallet):
    a = wallet.stacks.add_file(FIXTURES / "ou-programme.json")
    b = wallet.stacks.add_file(FIXTURES / "ovm-programme.json")
    assert [s.id for s in wallet.stacks.stored()] == [a.id, b.id]
    assert wallet.stacks.get("ovm").id == b.id
    with pytest.raises(NotFound, match="Several stacks match 'urn:test'"):
        wallet.stacks.get("urn:test")
    wallet.stacks.remove(a.id)
    assert [s.id for s in wallet.stacks.stored()] == [b.id]
    with pytest.raises(NotFound):
        wallet.stacks.remove(a.id)


def test_adding_the_same_id_again_replaces_it(wallet, tmp_path):
    first = json.loads((FIXTURES / "ovm-programme.json").read_text())
    wallet.stacks.add_file(FIXTURES / "ovm-programme.json")
    first["name"] = "Renamed"
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(first))
    wallet.stacks.add_file(path)
    (only,) = wallet.stacks.stored()
    assert only.definition.name == "Renamed"
    assert wallet.stacks.progress(only.id).name == "Renamed"


def test_definitions_are_sealed_in_the_store(wallet):
    wallet.stacks.add_file(FIXTURES / "ovm-programme.json")
    files = [f for f in wallet.store.path.parent.iterdir() if f.name.startswith(wallet.store.path.name)]
    raw = b"".join(f.read_bytes() for f in files)
    assert len(raw) > 4096  # the database (and its write-ahead log) were read
    assert b"Virtual Mobility" not in raw and b"levelFramework" not in raw and b"urn:test:stack" not in raw


def test_progress_updates_as_credentials_arrive(wallet, interop):
    stack = wallet.stacks.add_file(FIXTURES / "ovm-programme.json")
    fractions = [wallet.stacks.progress(stack.id).fraction]
    for name in ("ovm-ic-foundational.json", "ovm-nl-foundational.json", "ovm-al-advanced.json"):
        (cred,) = wallet.import_bytes((interop / "peer-vcjs/stack" / name).read_bytes(), name=name).added
        wallet.verify(cred.id)
        fractions.append(wallet.stacks.progress(stack.id).fraction)
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] > fractions[1]
    wallet.trash(cred.id)
    assert wallet.stacks.progress(stack.id).fraction == fractions[2]


def test_a_signed_definition_naming_another_publisher_shows_the_signer(wallet, issuer):
    ladder = _ladder()
    ladder["publisher"] = {"id": "did:web:famous-university.example", "name": "Famous University"}
    stack = wallet.stacks.add_bytes(json.dumps(issuer.signed_stack(ladder)).encode())
    assert stack.publisher == "Riverbend Open College (demo issuer)"
    assert "The file names Famous University as its publisher; the signer is shown instead." in stack.signature_note


def _vocab_signed(issuer: DemoIssuer, suite: str = "eddsa-rdfc-2022") -> dict:
    """The digital skills passport signed under a plain @vocab context: its definition is
    linked data, not a JSON literal, so RDF canonicalization reads ``levels`` as a set."""
    from wallet.demo.issuer import VC2
    from wallet.verify.sign import sign

    definition = json.loads(resources.path("stacks", "digital-skills-passport.json").read_text())
    for rule in definition["requirement"]["all"]:
        rule.pop("id")  # a rule id is a relative IRI under @vocab: linked data would drop it
    doc = {"@context": [VC2, {"@vocab": "https://riverbend.example/vocab#"}],
           "id": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "type": ["VerifiableCredential"],
           "issuer": {"id": issuer.key_of("college").did, "name": "Riverbend Open College (demo issuer)"},
           "validFrom": "2026-01-01T00:00:00Z",
           "credentialSubject": {"id": definition["id"], "stackDefinition": definition}}
    key = issuer.key_of("college")
    return sign(doc, key.private_key, key.verification_method, suite=suite, created=issuer.day(10))


def test_a_signature_that_does_not_cover_the_exact_definition_is_refused(wallet, issuer):
    from wallet.verify import verify_credential
    from wallet.verify.report import Status

    reordered = _vocab_signed(issuer)
    levels = reordered["credentialSubject"]["stackDefinition"]["levels"]
    levels.reverse()  # advanced is now the lowest level: every minLevel turned upside down
    # the signature still holds over the reordered file: RDF has no order in a plain list ...
    assert verify_credential(json.dumps(reordered)).status is Status.VERIFIED
    # ... so the wallet refuses it, saying why
    with pytest.raises(StackDefinitionError) as err:
        wallet.stacks.add_bytes(json.dumps(reordered).encode())
    assert err.value.message == (
        "This stack definition was not added: its signature does not cover the definition's exact wording, "
        "so the order of its levels and rules could be changed without anyone noticing. Its publisher "
        "should sign it as a JSON literal.")
    assert "eddsa-rdfc-2022" in err.value.detail
    with pytest.raises(StackDefinitionError):  # and the untouched one, which proves nothing more
        wallet.stacks.add_bytes(json.dumps(_vocab_signed(issuer)).encode())
    assert wallet.stacks.stored() == []


def test_a_jcs_signature_covers_the_definition_as_json(wallet, issuer):
    signed = _vocab_signed(issuer, suite="eddsa-jcs-2022")
    stack = wallet.stacks.add_bytes(json.dumps(signed).encode())
    assert stack.signed and stack.signature_note.endswith("the signature was checked.")
    assert stack.definition.levels == ("foundational", "intermediate", "advanced")
    wallet.stacks.remove(stack.id)
    signed["credentialSubject"]["stackDefinition"]["levels"].reverse()
    with pytest.raises(StackDefinitionError) as err:
        wallet.stacks.add_bytes(json.dumps(signed).encode())
    assert err.value.message == "This stack definition's signature does not hold, so it was not added."


def test_a_definition_under_an_unknown_context_is_refused_with_a_reason(wallet, issuer):
    signed = issuer.signed_stack(_ladder())
    signed["@context"].append("https://contexts.example/unknown/v1")
    with pytest.raises(StackDefinitionError) as err:
        wallet.stacks.add_bytes(json.dumps(signed).encode())
    assert err.value.message.startswith("This stack definition's credential cannot be read as linked data here")
    assert "https://contexts.example/unknown/v1" in err.value.detail
