"""Which credentials a match holds for: the spec's comparisons, exact except levels and names."""

from __future__ import annotations

import pytest

from wallet.credential import Alignment, CredentialId, Summary
from wallet.stacks.definition import load_definition
from wallet.stacks.matching import credits_of, matches
from wallet.stacks.progress import HeldCredential, evaluate
from wallet.stacks.standing import EARNED


def _definition(requirement, **extra):
    return load_definition({"type": "StackDefinition", "id": "urn:t", "name": "T", "requirement": requirement,
                            **extra})


def _holds(match, summary, **extra) -> bool:
    d = _definition({"match": match}, **extra)
    return matches(d.requirement.match, summary, d)


SKILL = Alignment(framework="Example Skills", code="D1", url="https://example.edu/d1")


@pytest.mark.parametrize(
    ("match", "summary", "want"),
    [
        ({"tag": "course-2"}, Summary(title="x", tags=("course-2",)), True),
        ({"tag": "course-2"}, Summary(title="x", tags=("Course-2",)), False),
        ({"achievementType": "MicroCredential"}, Summary(title="x", achievement_type="MicroCredential"), True),
        ({"achievementType": "MicroCredential"}, Summary(title="x", achievement_type="microcredential"), False),
        ({"alignment": {"framework": "Example Skills", "code": "D1"}}, Summary(title="x", alignments=(SKILL,)), True),
        ({"alignment": {"framework": "example skills"}}, Summary(title="x", alignments=(SKILL,)), False),
        ({"alignment": {"code": "d1"}}, Summary(title="x", alignments=(SKILL,)), False),
        ({"alignment": {"url": "https://example.edu/d1"}}, Summary(title="x", alignments=(SKILL,)), True),
        ({"issuer": "did:web:example.edu"}, Summary(title="x", issuer_id="did:web:example.edu"), True),
        ({"issuer": "did:web:example.edu"}, Summary(title="x", issuer_id="did:web:Example.edu"), False),
        # names compare case-insensitively, and only the achievement's name counts
        ({"name": "Data Literacy 1"}, Summary(title="t", achievement_name="DATA LITERACY 1"), True),
        ({"name": "Data Literacy 1"}, Summary(title="Data Literacy 1"), False),
    ],
)
def test_only_levels_and_names_ignore_case(match, summary, want):
    assert _holds(match, summary) is want


def test_levels_compare_case_insensitively_in_alignments_and_tags():
    levels = {"levels": ["foundational", "intermediate"], "levelFramework": "Example Levels"}
    aligned = Summary(title="x", alignments=(Alignment(framework="Example Levels", name="Intermediate"),))
    tagged = Summary(title="x", tags=("INTERMEDIATE",))
    other_framework = Summary(title="x", alignments=(Alignment(framework="example levels", name="intermediate"),))
    assert _holds({"minLevel": "intermediate"}, aligned, **levels)
    assert _holds({"minLevel": "intermediate"}, tagged, **levels)
    assert not _holds({"minLevel": "intermediate"}, other_framework, **levels)


def test_credits_in_another_unit_do_not_count_and_no_unit_counts():
    d = _definition({"credits": 6, "unit": "ECTS", "from": {"tag": "e"}})
    rule = d.requirement
    assert credits_of(Summary(title="x", credits=2.0, credits_unit="ECTS"), rule) == 2.0
    assert credits_of(Summary(title="x", credits=2.0, credits_unit="CATS"), rule) == 0.0
    assert credits_of(Summary(title="x", credits=2.0), rule) == 2.0  # names no unit: counts


def test_an_empty_from_takes_any_credential_with_credits():
    d = _definition({"credits": 3, "from": {}})
    held = [HeldCredential(CredentialId(f"c{i}"), Summary(title=f"c{i}", credits=1.5, tags=(t,)), EARNED)
            for i, t in enumerate(("a", "b"))]
    p = evaluate(d, held)
    assert p.met and p.root.done == 3.0


def test_every_kind_of_key_finds_its_rule():
    """Matching is indexed by every key: a rule on any single key still sees its credential."""
    summary = Summary(title="x", achievement_id="urn:a", achievement_type="Course", issuer_id="did:web:i",
                      achievement_name="Statistics", tags=("t",), alignments=(SKILL,))
    keys = [{"achievementId": "urn:a"}, {"achievementType": "Course"}, {"issuer": "did:web:i"},
            {"name": "statistics"}, {"tag": "t"}, {"alignment": {"framework": "Example Skills"}},
            {"alignment": {"code": "D1"}}, {"alignment": {"url": "https://example.edu/d1"}}]
    d = _definition({"all": [{"match": m} for m in keys]})
    p = evaluate(d, [HeldCredential(CredentialId("c"), summary, EARNED)])
    assert [c.met for c in p.root.children] == [True] * len(keys)
