"""JSON credentials: which data model each real example follows, and what its summary says."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from wallet.credential import Alignment, Envelope, Format, content_id
from wallet.errors import UnsupportedFormat
from wallet.formats import parse

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"
DCC = "vectors/digitalcredentials__vc-test-fixtures"


@pytest.mark.parametrize("rel, fmt", [
    ("peer-vcjs/stack/ou-cs-1.json", Format.OB3),
    ("peer-vcjs/suites/ob3-vc11-eddsa-rdfc-2022.json", Format.OB3),
    ("peer-vcjs/stack/endorsement-certificate.json", Format.ENDORSEMENT),
    ("peer-vcjs/status/ou-revocation-list-1.json", Format.VC2),
    (f"{EDTECH}/ob30/endorsement-valid.json", Format.ENDORSEMENT),
    (f"{EDTECH}/clr20/simple.json", Format.CLR2),
    ("vectors/w3c__vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json", Format.VC2),
    (f"{DCC}/v1/ed25519/didKey/legacy-noStatus-noExpiry-stringIssuerId.json", Format.OB3),
    (f"{DCC}/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj.json", Format.VC2),
    (f"{DCC}/v1/ed25519/didKey/oidf-noStatus-noExpiry.json", Format.OB3),
    ("vectors/w3c__vc-di-eddsa/unsigned.json", Format.VC2),
])
def test_format_of_real_examples(interop, rel, fmt):
    data = (interop / rel).read_bytes()
    cred = parse(data, source=rel)[0]
    assert cred.format is fmt
    assert cred.envelope is Envelope.JSON
    assert cred.raw == data and cred.id == content_id(data)
    assert cred.signed == data.decode()
    assert cred.source == rel


def test_ob3_summary_of_a_micro_credential(interop):
    (cred,) = parse((interop / "peer-vcjs/stack/ou-cs-1.json").read_bytes())
    s = cred.summary
    assert s.title == s.achievement_name == "Cyber Security Essentials 1: Threats and Risks"
    assert s.issuer_name == "Open University of Testland (test issuer)"
    assert s.issuer_id.startswith("did:key:z6Mk")
    assert s.subject_name == "Chiara Costa"
    assert s.issued == s.valid_from == datetime(2025, 3, 10, 9, tzinfo=timezone.utc)
    assert s.valid_until is None
    assert (s.credits, s.achievement_type) == (1.0, "MicroCredential")
    assert s.tags == ("micro-course", "course:CS")
    assert s.alignments == (Alignment(
        framework="Open University of Testland course catalogue (test)", code="CS",
        name="Cyber Security Essentials (3-credit course)", url="https://ou.example.org/courses/cs",
        type="ceterms:Credential"),)
    assert s.image == "https://ou.example.org/images/cs-1.png"
    assert s.types == ("VerifiableCredential", "OpenBadgeCredential")


def test_credits_given_as_a_string(interop):
    (cred,) = parse((interop / "peer-vcjs/edge/credits-as-string.json").read_bytes())
    assert cred.summary.credits == 1.0


def test_complete_ob3_example(interop):
    (cred,) = parse((interop / EDTECH / "ob30/complete.json").read_bytes())
    s = cred.summary
    assert s.title == "1EdTech University Degree"
    assert s.valid_until == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert s.credits == 42.0 and s.achievement_type == "Degree"
    assert len(s.alignments) == 2 and all(a.url for a in s.alignments)


def test_data_uri_image_is_kept(interop):
    (cred,) = parse((interop / "peer-vcjs/stack/ovm-ic-foundational.json").read_bytes())
    assert cred.summary.image.startswith("data:image/png;base64,")


def test_expired_credential_dates(interop):
    (cred,) = parse((interop / "peer-vcjs/validity/expired-vc11.json").read_bytes())
    assert cred.summary.valid_until is not None and cred.summary.valid_until.tzinfo is not None
    assert cred.summary.valid_until < datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_endorsement_title_and_comment(interop):
    (cred,) = parse((interop / "peer-vcjs/stack/endorsement-certificate.json").read_bytes())
    doc = cred.document
    assert cred.title == doc["name"]
    assert cred.summary.description  # the endorsement comment or the description


def _vc(**extra):
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
           "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"}}
    doc.update(extra)
    return doc


def test_title_falls_back_to_the_most_specific_type():
    (cred,) = parse(json.dumps(_vc(type=["VerifiableCredential", "UniversityDegreeCredential"])).encode())
    assert cred.title == "University Degree Credential"


def test_language_map_name_and_odd_dates():
    doc = _vc(name=[{"@value": "Diplôme", "@language": "fr"}, {"@value": "Diploma", "@language": "en"}],
              validFrom="2024-05-01", validUntil="not a date")
    (cred,) = parse(json.dumps(doc, ensure_ascii=False).encode())
    assert cred.title == "Diplôme"
    assert cred.summary.valid_from == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert cred.summary.valid_until is None  # unreadable, not fatal


def test_vc1_and_vc2_by_context():
    assert parse(json.dumps(_vc()).encode())[0].format is Format.VC2
    v1 = _vc(**{"@context": ["https://www.w3.org/2018/credentials/v1"], "issuanceDate": "2020-01-01T00:00:00Z"})
    assert parse(json.dumps(v1).encode())[0].format is Format.VC1


@pytest.mark.parametrize("rel, sentence", [
    (f"{EDTECH}/ob20/assets/robotics-badge.json", "not a badge awarded to someone"),
    (f"{EDTECH}/ob20/assets/key1.json", "public key"),
    (f"{EDTECH}/ob20/assets/organization.json", "badge issuer"),
    ("peer-vcjs/keys/test-keys.json", "not a credential"),
    ("peer-vcjs/catalogue/ou-programme.json", "not a credential"),
    ("peer-vcjs/contexts/www.w3.org_ns_credentials_v2.jsonld", "JSON-LD context"),
    ("vectors/w3c__vc-di-eddsa/keyPair.json", "not a credential"),
])
def test_non_credentials_in_the_corpus_get_a_plain_sentence(interop, rel, sentence):
    with pytest.raises(UnsupportedFormat) as info:
        parse((interop / rel).read_bytes())
    assert sentence in info.value.message


def test_byte_order_mark_is_tolerated(interop):
    data = b"\xef\xbb\xbf" + (interop / "peer-vcjs/stack/ou-cs-2.json").read_bytes()
    (cred,) = parse(data)
    assert cred.raw == data and not cred.signed.startswith("\ufeff")
    assert cred.document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


@pytest.mark.parametrize("literal, expected", [('"2.5"', 2.5), ("3", 3.0), ('"three"', None), ("1e999", None),
                                               ('"Infinity"', None), ("true", None), ("1" + "0" * 400, None)])
def test_credits_are_finite_numbers_or_nothing(literal, expected):
    doc = _vc(type=["VerifiableCredential", "OpenBadgeCredential"],
              credentialSubject={"achievement": {"name": "A"}, "creditsEarned": "CREDITS"})
    (cred,) = parse(json.dumps(doc).replace('"CREDITS"', literal).encode())
    assert cred.summary.credits == expected
