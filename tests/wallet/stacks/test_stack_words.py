"""What is missing, in words: the phrases a learner reads under each requirement."""

from __future__ import annotations

import pytest

from wallet.credential import CredentialId, Summary
from wallet.stacks.definition import load_definition
from wallet.stacks.progress import HeldCredential, evaluate
from wallet.stacks.standing import EARNED


def _progress(requirement, held=()):
    d = load_definition({"type": "StackDefinition", "id": "urn:t", "name": "T", "requirement": requirement})
    return evaluate(d, [HeldCredential(CredentialId(f"c{i}"), s, EARNED) for i, s in enumerate(held)])


@pytest.mark.parametrize(
    ("label", "count", "held", "want"),
    [
        ("Data Literacy micro-courses", 3, 2, "1 more micro-course from Data Literacy"),
        ("Data Literacy micro-courses", 3, 1, "2 more micro-courses from Data Literacy"),
        ("Safety badges", 2, 0, "2 more badges from Safety"),
        ("Safety online", 1, 0, "1 more credential for Safety online"),
    ],
)
def test_a_count_says_how_many_more_and_of_what(label, count, held, want):
    rule = {"label": label, "match": {"tag": "x"}, "count": count}
    p = _progress(rule, [Summary(title=f"t{i}", tags=("x",)) for i in range(held)])
    assert p.root.missing == want
    assert p.next_steps == (want,)


def test_the_kind_of_credential_comes_from_the_match_when_unlabelled():
    p = _progress({"match": {"achievementType": "MicroCredential", "tag": "x"}, "count": 2})
    assert p.root.missing == "2 more micro-credentials tagged \u201cx\u201d"


def test_credits_say_how_many_of_how_many():
    rule = {"label": "Electives", "credits": 12, "from": {"tag": "e"}}
    p = _progress(rule, [Summary(title="a", tags=("e",), credits=2.0)])
    assert p.root.missing == "2 of 12 credits for Electives"
    unlabelled = _progress({"credits": 12, "unit": "ECTS", "from": {"tag": "e"}},
                           [Summary(title="a", tags=("e",), credits=2.0)])
    assert unlabelled.root.missing == "2 of 12 ECTS"


def test_nothing_is_missing_once_met():
    p = _progress({"label": "Data Literacy micro-courses", "match": {"tag": "x"}}, [Summary(title="a", tags=("x",))])
    assert p.met and p.root.missing == "" and p.next_steps == ()


def test_amounts_and_counts_agree_in_number():
    from wallet.stacks.words import amount, counted

    assert amount(1, "") == "1 credit" and amount(2.5, "credits") == "2.5 credits" and amount(1, "ECTS") == "1 ECTS"
    assert counted(1, "credential") == "1 credential" and counted(3, "credential") == "3 credentials"
    assert counted(2, "certificate or degree", "certificates or degrees") == "2 certificates or degrees"


@pytest.mark.parametrize(
    ("unit", "earned", "want"),
    [
        ("credit", 0.0, "0 of 2 credits for Electives"),
        ("credits", 1.0, "1 of 2 credits for Electives"),
        ("ECTS", 0.0, "0 of 2 ECTS for Electives"),
        ("", 0.5, "0.5 of 2 credits for Electives"),
    ],
)
def test_the_unit_reads_in_the_plural_and_abbreviations_stay(unit, earned, want):
    rule = {"label": "Electives", "credits": 2, "unit": unit, "from": {"tag": "e"}} if unit else \
        {"label": "Electives", "credits": 2, "from": {"tag": "e"}}
    held = [Summary(title="a", tags=("e",), credits=earned)] if earned else []
    p = _progress(rule, held)
    assert p.root.missing == want


def test_units_after_one_and_after_many():
    from wallet.stacks.words import amount, of_amount

    assert amount(1, "credits") == "1 credit" and amount(2, "credit") == "2 credits"
    assert amount(1, "CEUs") == "1 CEU" and amount(3, "ECTS") == "3 ECTS" and amount(2, "hour") == "2 hours"
    assert of_amount(0, 1, "credit") == "0 of 1 credit" and of_amount(3, 6, "ECTS") == "3 of 6 ECTS"


def test_an_achievement_is_named_from_a_credential_held_else_by_its_id():
    requirement = {"label": "Course 1", "atLeast": 2, "of": [
        {"match": {"achievementId": "urn:example:mc:1a"}},
        {"match": {"achievementId": "urn:example:mc:1b"}},
        {"match": {"achievementId": "urn:example:mc:1c", "name": "Telling Stories with Data"}}]}
    d = load_definition({"type": "StackDefinition", "id": "urn:t", "name": "T", "requirement": requirement})
    from tests.wallet.stacks.stack_strategies import EXPIRED

    # the only credential for 1b does not count (expired), but it still gives the name
    expired = HeldCredential(CredentialId("x"), Summary(title="Cleaning Data (credential)",
                             achievement_id="urn:example:mc:1b", achievement_name="Cleaning Data"), EXPIRED)
    p = evaluate(d, [expired])
    titles = [c.title for c in p.root.children]
    assert titles == ["A credential for the achievement urn:example:mc:1a", "A credential for \u201cCleaning Data\u201d",
                      "A credential named \u201cTelling Stories with Data\u201d"]
    assert p.next_steps == ("Course 1: 1 more credential for the achievement urn:example:mc:1a",
                            "Course 1: 1 more credential for \u201cCleaning Data\u201d")
