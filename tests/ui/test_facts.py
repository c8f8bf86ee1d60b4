"""What the detail pane reads from real credentials (no display needed)."""

from __future__ import annotations

from wallet.formats import parse
from ui.credentials.facts import details_of


def _one(path):
    creds = parse(path.read_bytes(), name=path.name, source=str(path))
    return creds[0]


def _section(details, title):
    return {f.label: f for f in next(s for s in details.sections if s.title == title).fields}


def test_ob3_micro_credential(interop):
    d = details_of(_one(interop / "peer-vcjs" / "stack" / "ou-cs-1.json"))
    assert d.title == "Cyber Security Essentials 1: Threats and Risks"
    assert d.kind == "Micro-credential · Open Badge 3.0"
    assert d.issuer == "Open University of Testland (test issuer)"
    assert d.description.startswith("One-credit micro-course 1 of 3")
    about = _section(d, "About this achievement")
    assert about["How it was earned"].value.startswith("Complete the online units")
    assert about["Code"].value == "CS101"
    assert about["Field of study"].value == "Computer Science"
    dates = _section(d, "Dates")
    assert dates["Issued"].value == "10 March 2025"
    assert dates["Activity"].value == "3 February 2025 – 7 March 2025"
    assert dates["Term"].value == "Spring 2025"
    skill = next(iter(_section(d, "Skills and alignments").values()))
    assert skill.link == "https://ou.example.org/courses/cs"
    assert _section(d, "Earned by")["Name"].value == "Chiara Costa"
    assert _section(d, "Issuer")["Website"].link == "https://ou.example.org"


def test_results_and_evidence_are_resolved_to_names(interop):
    d = details_of(_one(interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "ob30"
                        / "complete_v1.json"))
    titles = [s.title for s in d.sections]
    assert "Results" in titles and "Evidence" in titles
    results = next(s for s in d.sections if s.title == "Results")
    assert all(f.value for f in results.fields)
    assert d.endorsements  # the 1EdTech sample endorses its achievement and credential
    assert all(e.endorser for e in d.endorsements)


def test_endorsement_credential_shows_its_comment(interop):
    d = details_of(_one(interop / "peer-vcjs" / "stack" / "endorsement-certificate.json"))
    claims = _section(d, "What it says")
    assert claims["Endorsement comment"].value.startswith("The Cyber Security Essentials certificate")


def test_every_corpus_credential_gives_details_without_error(interop):
    seen = 0
    for path in sorted((interop / "peer-vcjs").rglob("*.json")):
        try:
            creds = parse(path.read_bytes(), name=path.name, source=str(path))
        except Exception:  # not a credential (keys, contexts): the importer's business
            continue
        for cred in creds:
            d = details_of(cred)
            assert d.title
            seen += 1
    assert seen > 30


def test_a_transcript_names_the_achievements_it_records(interop):
    d = details_of(_one(interop / "vectors" / "1EdTech__digital-credentials-public-validator" / "clr20" / "simple.json"))
    section = next(s for s in d.sections if s.title == "Achievements in this record")
    assert [f.value for f in section.fields] == ["Achievement 1", "Achievement 2"]
