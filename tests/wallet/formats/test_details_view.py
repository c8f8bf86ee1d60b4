"""The detail view's fields: criteria, evidence, results, endorsements, CLR achievements."""

from __future__ import annotations

from wallet.formats import parse
from wallet.formats.details import Evidence, details_of

EDTECH = "vectors/1EdTech__digital-credentials-public-validator"


def test_complete_ob3_details(interop):
    (cred,) = parse((interop / EDTECH / "ob30/complete.json").read_bytes())
    d = details_of(cred)
    assert d.criteria.startswith("# Degree Requirements")
    assert d.criteria_url == "https://1edtech.edu/achievements/degree"
    assert d.issuer_url == "https://1edtech.edu" and d.issuer_email == "registrar@1edtech.edu"
    assert (d.field_of_study, d.human_code, d.term) == ("Research", "R1", "Fall")
    assert d.evidence[0] == Evidence(name="Final Project Report", description="This is the final project report.",
                                     narrative="# Final Project Report \n This project was ...",
                                     url="https://1edtech.edu/credentials/3732/evidence/1")
    assert len(d.evidence) == 2
    assert [r.name for r in d.results] == ["Final Project Grade"] * 3
    assert d.results[0].value == "A"
    assert d.results[1].value and not d.results[1].value.startswith("urn:")  # the rubric level's name
    assert d.results[2].status == "Completed"
    assert d.endorsements == 3


def test_certificate_with_embedded_endorsement(interop):
    (cred,) = parse((interop / "peer-vcjs/stack/ou-cs-certificate.json").read_bytes())
    d = details_of(cred)
    assert d.endorsements == 1
    assert d.criteria.startswith("Earn all three")


def test_clr_lists_its_achievements(interop):
    clr = parse((interop / EDTECH / "clr20/simple.json").read_bytes())[0]
    assert details_of(clr).achievements == ("Achievement 1", "Achievement 2")


def test_ob2_signed_assertion_details(interop):
    (cred,) = parse((interop / EDTECH / "ob20/simple.jwt").read_bytes())
    d = details_of(cred)
    assert d.evidence == (Evidence(url="https://example.org/beths-robot-work.html"),)
    assert d.criteria == "" and d.endorsements == 0


def test_a_numeric_result_value_is_kept(interop):
    import json

    doc = json.loads((interop / EDTECH / "ob30/complete.json").read_text())
    doc["credentialSubject"]["result"][0]["value"] = 87.5
    (cred,) = parse(json.dumps(doc).encode())
    assert details_of(cred).results[0].value == "87.5"
